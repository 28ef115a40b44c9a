//! `ListResourceGroups` and `GetResourceGroup`: an account's resource groups, its default one first.
//! Every group is `OK` in every region; the emulator makes, changes and deletes none.

use crate::accounts::ResourceGroup;
use crate::error::catalogue::documented_error;
use crate::error::{ApiError, CompanionCode};
use crate::network::{account_number, regions};
use crate::ops::vpc::common::{filter_matches, page_of};
use crate::ops::Ctx;
use crate::protocol::JsonBody;
use serde::Deserialize;
use serde_json::{json, Value};

/// When every group was made, as the API shows it: the API version's date, the same for every
/// account (the service shows when the account opened, which the emulator does not know).
const CREATE_DATE: &str = "2020-03-31T00:00:00+08:00";
/// `ListResourceGroups`' largest page.
const MAX_PAGE_SIZE: u32 = 100;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListRequest {
    pub page_number: Option<u32>,
    pub page_size: Option<u32>,
    pub status: Option<String>,
    pub resource_group_id: Option<String>,
    pub name: Option<String>,
    pub display_name: Option<String>,
    #[serde(default)]
    pub resource_group_ids: Vec<String>,
}

pub fn list(ctx: &Ctx<'_>, req: ListRequest) -> Result<JsonBody, ApiError> {
    let account = ctx.caller.account.as_str();
    let groups: Vec<ResourceGroup> = ctx
        .eci
        .resource_groups
        .of(account)
        .into_iter()
        .filter(|g| filter_matches(&req.resource_group_id, &g.resource_group_id))
        .filter(|g| filter_matches(&req.name, &g.name))
        .filter(|g| filter_matches(&req.display_name, &g.display_name))
        .filter(|_| filter_matches(&req.status, "OK"))
        .filter(|g| req.resource_group_ids.is_empty() || req.resource_group_ids.contains(&g.resource_group_id))
        .collect();
    let page = page_of(groups, req.page_number, req.page_size, MAX_PAGE_SIZE)?;
    let items: Vec<Value> = page.items.iter().map(|g| view(g, account)).collect();
    JsonBody::of(&json!({
        "PageNumber": page.number,
        "PageSize": page.size,
        "TotalCount": page.total,
        "ResourceGroups": {"ResourceGroup": items},
    }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetRequest {
    pub resource_group_id: Option<String>,
    pub include_tags: Option<bool>,
}

pub fn get(ctx: &Ctx<'_>, req: GetRequest) -> Result<JsonBody, ApiError> {
    let account = ctx.caller.account.as_str();
    let id = req
        .resource_group_id
        .filter(|id| !id.is_empty())
        .ok_or_else(|| ApiError::missing("ResourceGroupId"))?;
    let group = ctx
        .eci
        .resource_groups
        .of(account)
        .into_iter()
        .find(|g| g.resource_group_id == id)
        .ok_or_else(|| documented_error("GetResourceGroup", CompanionCode::EntityNotExistsResourceGroup, None))?;
    let mut shown = view(&group, account);
    if let Some(object) = shown.as_object_mut() {
        let statuses: Vec<Value> = regions_ok();
        object.insert("RegionStatuses".into(), json!({ "RegionStatus": statuses }));
        if req.include_tags == Some(true) {
            object.insert("Tags".into(), json!({ "Tag": [] }));
        }
    }
    JsonBody::of(&json!({ "ResourceGroup": shown }))
}

fn view(group: &ResourceGroup, account: &str) -> Value {
    let display_name = if group.display_name.is_empty() {
        &group.name
    } else {
        &group.display_name
    };
    json!({
        "Id": group.resource_group_id,
        "Name": group.name,
        "DisplayName": display_name,
        "AccountId": account_number(account).to_string(),
        "Status": "OK",
        "CreateDate": CREATE_DATE,
    })
}

/// Every region, each `OK`.
fn regions_ok() -> Vec<Value> {
    regions()
        .iter()
        .map(|r| json!({"RegionId": r.region_id, "Status": "OK"}))
        .collect()
}
