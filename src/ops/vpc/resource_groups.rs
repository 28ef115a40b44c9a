//! `MoveResourceGroup` (VPC) and `JoinResourceGroup` (ECS): putting a network resource in another of
//! the caller's resource groups (Resource Manager's, `accounts::ResourceGroups`).

use super::common::network_of;
use super::rules::Grouped;
use crate::error::catalogue::documented_error;
use crate::error::{ApiError, CompanionCode};
use crate::ops::Ctx;
use crate::protocol::JsonBody;
use serde::Deserialize;
use serde_json::json;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MoveRequest {
    pub region_id: String,
    pub resource_id: String,
    pub resource_type: String,
    /// `MoveResourceGroup`'s group.
    pub new_resource_group_id: Option<String>,
    /// `JoinResourceGroup`'s group.
    pub resource_group_id: Option<String>,
}

/// The move `action` names: to a group of the caller's (`EntityNotExists.ResourceGroup` otherwise).
pub fn move_to(ctx: &Ctx<'_>, action: &'static str, req: MoveRequest) -> Result<JsonBody, ApiError> {
    let (group_param, group) = match action {
        "JoinResourceGroup" => ("ResourceGroupId", req.resource_group_id.as_deref()),
        _ => ("NewResourceGroupId", req.new_resource_group_id.as_deref()),
    };
    let group = group
        .filter(|g| !g.is_empty())
        .ok_or_else(|| ApiError::missing(group_param))?;
    let kind = Grouped::parse(&req.resource_type)
        .filter(|k| (action == "JoinResourceGroup") == (*k == Grouped::SecurityGroup))
        .ok_or_else(|| ApiError::invalid("ResourceType", "it is not a resource type this call moves"))?;
    let account = ctx.caller.account.as_str();
    if !ctx
        .eci
        .resource_groups
        .of(account)
        .iter()
        .any(|g| g.resource_group_id == group)
    {
        return Err(documented_error(
            action,
            CompanionCode::EntityNotExistsResourceGroup,
            None,
        ));
    }
    let (_, network) = network_of(ctx, &req.region_id)?;
    network
        .lock()
        .move_to_group(account, kind, &req.resource_id, group, action)?;
    JsonBody::of(&json!({}))
}
