//! `TagResources`, `UnTagResources`/`UntagResources` and `ListTagResources` of the network resources,
//! for VPC (`VPC`, `VSWITCH`, `ROUTETABLE`, `EIP`) and ECS (`securitygroup`). Tags are also answered in
//! each resource's describe (`Tags.Tag[]`), where the Terraform provider reads them.

use super::common::{network_of, tags_in, token_page, KeyValue};
use crate::error::catalogue::documented_error;
use crate::error::ApiError;
use crate::error::CompanionCode;
use crate::network::Taggable;
use crate::ops::Ctx;
use crate::protocol::JsonBody;
use serde::Deserialize;
use serde_json::{json, Value};

/// The resource types each product tags, as its calls spell them (compared without case).
const VPC_TYPES: [(&str, Taggable); 4] = [
    ("VPC", Taggable::Vpc),
    ("VSWITCH", Taggable::VSwitch),
    ("ROUTETABLE", Taggable::RouteTable),
    ("EIP", Taggable::Eip),
];
const ECS_TYPES: [(&str, Taggable); 1] = [("securitygroup", Taggable::SecurityGroup)];

/// Which product's types a call may name.
#[derive(Clone, Copy)]
pub enum Kinds {
    Vpc,
    Ecs,
}

impl Kinds {
    /// The type named, in the spelling the product answers with.
    fn parse(self, resource_type: &str) -> Result<(&'static str, Taggable), ApiError> {
        let table: &[(&'static str, Taggable)] = match self {
            Kinds::Vpc => &VPC_TYPES,
            Kinds::Ecs => &ECS_TYPES,
        };
        table
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(resource_type))
            .copied()
            .ok_or_else(|| documented_error("TagResources", CompanionCode::InvalidResourceTypeNotFound, None))
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagResourcesRequest {
    pub region_id: String,
    pub resource_type: String,
    #[serde(default, rename = "ResourceId")]
    pub resource_ids: Vec<String>,
    #[serde(default, rename = "Tag")]
    pub tags: Vec<KeyValue>,
}

pub fn tag(ctx: &Ctx<'_>, kinds: Kinds, req: TagResourcesRequest) -> Result<JsonBody, ApiError> {
    let (_, kind) = kinds.parse(&req.resource_type)?;
    if req.resource_ids.is_empty() {
        return Err(ApiError::missing("ResourceId.N"));
    }
    let tags = tags_in(&req.tags)?;
    if tags.is_empty() {
        return Err(ApiError::missing("Tag.N.Key"));
    }
    let (_, network) = network_of(ctx, &req.region_id)?;
    network
        .lock()
        .tag(kind, &req.resource_ids, &tags, &ctx.caller.account)?;
    JsonBody::of(&json!({}))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UntagResourcesRequest {
    pub region_id: String,
    pub resource_type: String,
    #[serde(default, rename = "ResourceId")]
    pub resource_ids: Vec<String>,
    #[serde(default, rename = "TagKey")]
    pub tag_keys: Vec<String>,
    pub all: Option<bool>,
}

pub fn untag(ctx: &Ctx<'_>, kinds: Kinds, req: UntagResourcesRequest) -> Result<JsonBody, ApiError> {
    let (_, kind) = kinds.parse(&req.resource_type)?;
    if req.resource_ids.is_empty() {
        return Err(ApiError::missing("ResourceId.N"));
    }
    let all = req.all == Some(true);
    if req.tag_keys.is_empty() && !all {
        return Err(ApiError::missing("TagKey.N"));
    }
    let (_, network) = network_of(ctx, &req.region_id)?;
    network
        .lock()
        .untag(kind, &req.resource_ids, &req.tag_keys, all, &ctx.caller.account)?;
    JsonBody::of(&json!({}))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTagResourcesRequest {
    pub region_id: String,
    pub resource_type: String,
    #[serde(default, rename = "ResourceId")]
    pub resource_ids: Vec<String>,
    #[serde(default, rename = "Tag")]
    pub tags: Vec<KeyValue>,
    pub next_token: Option<String>,
    pub max_results: Option<u32>,
}

/// `ListTagResources`: one entry per tag of each resource, named or (with tags to match) all the
/// caller's; paged by an offset `NextToken`.
pub fn list(ctx: &Ctx<'_>, kinds: Kinds, req: ListTagResourcesRequest) -> Result<JsonBody, ApiError> {
    let (type_name, kind) = kinds.parse(&req.resource_type)?;
    let wanted = tags_in(&req.tags)?;
    if req.resource_ids.is_empty() && wanted.is_empty() {
        return Err(ApiError::missing("ResourceId.N"));
    }
    let (_, network) = network_of(ctx, &req.region_id)?;
    let net = network.read();
    let account = ctx.caller.account.as_str();
    let resources = if req.resource_ids.is_empty() {
        net.tagged(kind, account)
    } else {
        let mut named = Vec::with_capacity(req.resource_ids.len());
        for id in &req.resource_ids {
            let tags = net
                .tags_of(kind, id, account)
                .ok_or_else(|| documented_error("ListTagResources", CompanionCode::InvalidResourceIdNotFound, None))?;
            named.push((id.clone(), tags.to_vec()));
        }
        named
    };
    let entries: Vec<Value> = resources
        .iter()
        .flat_map(|(id, tags)| {
            tags.iter()
                .filter(|t| {
                    wanted.is_empty()
                        || wanted
                            .iter()
                            .any(|w| w.key == t.key && (w.value.is_empty() || w.value == t.value))
                })
                .map(
                    move |t| json!({"ResourceId": id, "ResourceType": type_name, "TagKey": t.key, "TagValue": t.value}),
                )
        })
        .collect();
    let size = req.max_results.unwrap_or(50).clamp(1, 50) as usize;
    let (page, next) = token_page(entries, req.next_token.as_deref(), size)?;
    JsonBody::of(&json!({"NextToken": next, "TagResources": {"TagResource": page}}))
}
