//! `TagResources`, `UntagResources` and `ListTagResources` for container groups (the other resource
//! types the API names are not stored by the emulator yet, so their ids are never found).

use crate::error::catalogue::documented_error;
use crate::error::EciCode;
use crate::error::{ApiError, ErrorCode};
use crate::network;
use crate::ops::eci::container_group::dto::TagSpec;
use crate::ops::eci::listing;
use crate::ops::Ctx;
use crate::protocol::JsonBody;
use serde::Deserialize;
use serde_json::json;

const RESOURCE_TYPES: &[&str] = &["ContainerGroup", "ImageCache", "DataCache", "VirtualNode"];
/// A resource carries at most this many tags.
const MAX_TAGS_PER_RESOURCE: usize = 20;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagResourcesRequest {
    pub region_id: String,
    pub resource_type: String,
    #[serde(rename = "ResourceId")]
    pub resource_ids: Vec<String>,
    #[serde(rename = "Tag")]
    pub tags: Vec<TagSpec>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UntagResourcesRequest {
    pub region_id: String,
    pub resource_type: String,
    #[serde(rename = "ResourceId")]
    pub resource_ids: Vec<String>,
    #[serde(default, rename = "TagKey")]
    pub tag_keys: Vec<String>,
    pub all: Option<bool>,
    pub client_token: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTagResourcesRequest {
    pub region_id: String,
    pub resource_type: String,
    #[serde(default, rename = "ResourceId")]
    pub resource_ids: Vec<String>,
    #[serde(default, rename = "Tag")]
    pub tags: Vec<TagSpec>,
    pub limit: Option<String>,
    pub next_token: Option<String>,
}

fn check_type(resource_type: &str) -> Result<(), ApiError> {
    if RESOURCE_TYPES.contains(&resource_type) {
        Ok(())
    } else {
        Err(ApiError::invalid(
            "ResourceType",
            "must be ContainerGroup, ImageCache, DataCache or VirtualNode",
        ))
    }
}

fn not_found(resource_type: &str, id: &str) -> ApiError {
    let detail = format!("The specified ResourceId \"{id}\" of type {resource_type} is not found.");
    ApiError::with_detail(ErrorCode::NotFound, &detail)
}

/// Adds or overwrites tags on every resource named, all of them or none.
pub fn tag(ctx: &Ctx<'_>, req: TagResourcesRequest) -> Result<JsonBody, ApiError> {
    check_type(&req.resource_type)?;
    let region = network::region(&req.region_id)?;
    let partition = ctx.partition(region);
    let mut state = partition.write();
    for id in &req.resource_ids {
        let group = state
            .groups
            .get(id)
            .filter(|_| req.resource_type == "ContainerGroup")
            .ok_or_else(|| not_found(&req.resource_type, id))?;
        let mut merged = group.spec.tags.clone();
        merge_tags(&mut merged, &req.tags);
        if merged.len() > MAX_TAGS_PER_RESOURCE {
            return Err(documented_error("TagResources", EciCode::NumberExceedTags, None));
        }
    }
    for id in &req.resource_ids {
        state.groups.update(id, |g| merge_tags(&mut g.spec.tags, &req.tags));
    }
    JsonBody::of(&json!({}))
}

/// Tags as given, one per key: a key given twice keeps its first place and its last value, as
/// `TagResources` does with a key the resource already has.
pub fn one_per_key(given: &[TagSpec]) -> Vec<TagSpec> {
    let mut tags = Vec::with_capacity(given.len());
    merge_tags(&mut tags, given);
    tags
}

fn merge_tags(current: &mut Vec<TagSpec>, given: &[TagSpec]) {
    for tag in given {
        match current.iter_mut().find(|t| t.key == tag.key) {
            Some(slot) => slot.value = tag.value.clone(),
            None => current.push(tag.clone()),
        }
    }
}

/// Removes the named keys, or with `All` every tag, from every resource named.
pub fn untag(ctx: &Ctx<'_>, req: UntagResourcesRequest) -> Result<JsonBody, ApiError> {
    check_type(&req.resource_type)?;
    if req.tag_keys.len() > MAX_TAGS_PER_RESOURCE {
        return Err(ApiError::invalid("TagKey", "at most 20 keys"));
    }
    let all = req.tag_keys.is_empty() && req.all == Some(true);
    let region = network::region(&req.region_id)?;
    let partition = ctx.partition(region);
    let mut state = partition.write();
    if let Some(missing) = req
        .resource_ids
        .iter()
        .find(|id| req.resource_type != "ContainerGroup" || state.groups.get(id).is_none())
    {
        return Err(not_found(&req.resource_type, missing));
    }
    for id in &req.resource_ids {
        state
            .groups
            .update(id, |g| g.spec.tags.retain(|t| !all && !req.tag_keys.contains(&t.key)));
    }
    JsonBody::of(&json!({}))
}

/// One row per (resource, tag), for the resources named or those carrying every tag given.
pub fn list(ctx: &Ctx<'_>, req: ListTagResourcesRequest) -> Result<JsonBody, ApiError> {
    check_type(&req.resource_type)?;
    let limit = match req.limit.as_deref().filter(|l| !l.is_empty()) {
        None => 20,
        Some(text) => match text.parse::<usize>() {
            Ok(n @ 1..=1000) => n,
            _ => return Err(ApiError::invalid("Limit", "must be a whole number from 1 to 1000")),
        },
    };
    let shown = crate::store::paging::decode(req.next_token.as_deref())?;
    let region = network::region(&req.region_id)?;
    let mut rows = Vec::new();
    if req.resource_type == "ContainerGroup" {
        if let Some(partition) = ctx.existing_partition(region) {
            let state = partition.read();
            let groups: Vec<_> = if req.resource_ids.is_empty() {
                state.groups.iter().collect()
            } else {
                req.resource_ids.iter().filter_map(|id| state.groups.get(id)).collect()
            };
            for group in groups
                .into_iter()
                .filter(|g| listing::carries_tags(&g.spec.tags, &req.tags))
            {
                for t in &group.spec.tags {
                    rows.push(json!({
                        "ResourceType": "ContainerGroup",
                        "ResourceId": group.id,
                        "TagKey": t.key,
                        "TagValue": t.value.as_deref().unwrap_or_default(),
                    }));
                }
            }
        }
    }
    let (page, next) = listing::ranked_slice(&rows, shown, limit);
    JsonBody::of(&json!({"TagResources": page, "NextToken": next}))
}
