//! The container-group operations as functions of typed input on the store.

use super::dto::{
    CreateContainerGroupRequest, CreateContainerGroupResponse, DeleteContainerGroupRequest,
    DescribeContainerGroupStatusExtras, DescribeContainerGroupsExtras, GroupFilter,
};
use super::model::{index, ContainerGroup, GroupEvent};
use super::{rules, view};
use crate::error::{ApiError, ErrorCode};
use crate::lifecycle::GroupStatus;
use crate::network::{self, PlacementRequest, RegionInfo};
use crate::ops::{Ctx, RegionState};
use crate::store::{IndexKey, Page};
use serde_json::{json, Value};
use std::hash::{DefaultHasher, Hash, Hasher};
use time::OffsetDateTime;

/// Instance size when neither the group nor its containers ask for one (notes §5).
const DEFAULT_CPU: f64 = 2.0;
const DEFAULT_MEMORY_GIB: f64 = 4.0;

pub fn create(ctx: &Ctx<'_>, req: CreateContainerGroupRequest) -> Result<Value, ApiError> {
    let region = network::region(&req.region_id)?;
    rules::check_create(&req)?;
    let placement_request = PlacementRequest {
        zone_id: req.zone_id.as_deref(),
        vswitch_ids: rules::vswitch_ids(&req)?,
        security_group_id: req.security_group_id.as_deref(),
    };
    let partition = ctx.partition(region);
    let mut state = partition.write();
    if req.dry_run == Some(true) {
        // Placement is tried on a copy so a dry run reports network errors but changes nothing.
        state.network.clone().place(region, &placement_request)?;
        return Err(ApiError::new(ErrorCode::DryRunOperation));
    }
    let fingerprint = fingerprint(&req);
    if let Some(token) = req.client_token.as_deref().filter(|t| !t.is_empty()) {
        if let Some((id, previous)) = state.create_tokens.get(token) {
            return if *previous == fingerprint {
                to_body(CreateContainerGroupResponse {
                    container_group_id: id.clone(),
                })
            } else {
                Err(ApiError::new(ErrorCode::IdempotentParameterMismatch))
            };
        }
    }
    let placement = state.network.place(region, &placement_request)?;
    let now = ctx.eci.clock.now();
    let id = ctx.eci.ids.resource_id("eci", &region.id_code);
    let (cpu, memory) = requested_size(&req);
    let group = ContainerGroup {
        uid: ctx.eci.ids.request_id().to_lowercase(),
        eni_id: ctx.eci.ids.resource_id("eni", &region.id_code),
        events: start_events(&req, &id, now),
        id: id.clone(),
        placement,
        cpu,
        memory,
        status: GroupStatus::Running,
        created_at: now,
        status_changed_at: now,
        spec: req,
    };
    if let Some(token) = group.spec.client_token.clone().filter(|t| !t.is_empty()) {
        state.create_tokens.insert(token, (id.clone(), fingerprint));
    }
    state.groups.insert(group);
    to_body(CreateContainerGroupResponse { container_group_id: id })
}

fn to_body<T: serde::Serialize>(body: T) -> Result<Value, ApiError> {
    serde_json::to_value(body).map_err(|_| ApiError::new(ErrorCode::InternalError))
}

/// Identifies a create's parameters, `ClientToken` and `DryRun` aside, for idempotency.
fn fingerprint(req: &CreateContainerGroupRequest) -> u64 {
    let mut comparable = req.clone();
    comparable.client_token = None;
    comparable.dry_run = None;
    let mut hasher = DefaultHasher::new();
    serde_json::to_string(&comparable).unwrap_or_default().hash(&mut hasher);
    hasher.finish()
}

/// The group's size: its own `Cpu`/`Memory`, else the sum over its containers, else the default.
/// Rounding to the supported specification table is not applied yet.
fn requested_size(req: &CreateContainerGroupRequest) -> (f64, f64) {
    let sum = |field: fn(&super::dto::ContainerSpec) -> Option<f64>| {
        let values: Vec<f64> = req.containers.iter().filter_map(field).collect();
        (!values.is_empty()).then(|| values.iter().sum::<f64>())
    };
    let cpu = req.cpu.or_else(|| sum(|c| c.cpu)).unwrap_or(DEFAULT_CPU);
    let memory = req.memory.or_else(|| sum(|c| c.memory)).unwrap_or(DEFAULT_MEMORY_GIB);
    (cpu, memory)
}

/// The events a group that started cleanly has recorded: scheduled, then each container pulled and started.
fn start_events(req: &CreateContainerGroupRequest, id: &str, now: OffsetDateTime) -> Vec<GroupEvent> {
    let event = |reason: &'static str, message: String| GroupEvent {
        kind: "Normal",
        reason,
        message,
        object_name: id.to_owned(),
        count: 1,
        first: now,
        last: now,
    };
    let mut events = vec![event(
        "Scheduled",
        format!("Successfully assigned {id} to the instance"),
    )];
    for c in req.init_containers.iter().chain(req.containers.iter()) {
        events.push(event("Pulling", format!("pulling image \"{}\"", c.image)));
        events.push(event("Pulled", format!("Successfully pulled image \"{}\"", c.image)));
        events.push(event("Created", format!("Created container {}", c.name)));
        events.push(event("Started", format!("Started container {}", c.name)));
    }
    events
}

pub fn describe(ctx: &Ctx<'_>, filter: GroupFilter, extras: DescribeContainerGroupsExtras) -> Result<Value, ApiError> {
    let limit = rules::describe_limit(filter.limit)?;
    let with_events = extras.with_event.unwrap_or(false);
    list(
        ctx,
        &filter,
        limit,
        None,
        |g| view::describe_item(g, with_events),
        "ContainerGroups",
    )
}

pub fn describe_status(
    ctx: &Ctx<'_>,
    filter: GroupFilter,
    extras: DescribeContainerGroupStatusExtras,
) -> Result<Value, ApiError> {
    let limit = rules::status_limit(filter.limit)?;
    let since = rules::since_second(extras.since_second)?;
    let cutoff = since.map(|s| ctx.eci.clock.now() - time::Duration::seconds(s));
    let changed_since = move |g: &ContainerGroup| cutoff.is_none_or(|c| g.status_changed_at >= c);
    let keep: Option<&dyn Fn(&ContainerGroup) -> bool> = since.map(|_| &changed_since as _);
    list(ctx, &filter, limit, keep, view::status_item, "Data")
}

/// The listing both describes share: filters, paging and `TotalCount`.
fn list(
    ctx: &Ctx<'_>,
    filter: &GroupFilter,
    limit: usize,
    keep: Option<&dyn Fn(&ContainerGroup) -> bool>,
    render: impl Fn(&ContainerGroup) -> Value,
    items_key: &str,
) -> Result<Value, ApiError> {
    let region = network::region(&filter.region_id)?;
    rules::check_filter(filter)?;
    let before = filter
        .next_token
        .as_deref()
        .filter(|t| !t.is_empty())
        .map(decode_token)
        .transpose()?;
    let keys = index_filters(filter);
    let Some(partition) = ctx.existing_partition(region) else {
        return Ok(json!({items_key: [], "TotalCount": 0, "NextToken": ""}));
    };
    let state = partition.read();
    let page = match &filter.container_group_ids {
        Some(ids) => by_ids(&state, ids, &keys, keep),
        None => state.groups.page(&keys, keep, before, limit),
    };
    let items: Vec<Value> = page.items.iter().map(|g| render(g)).collect();
    let next = page.next.map(encode_token).unwrap_or_default();
    Ok(json!({items_key: items, "TotalCount": page.total, "NextToken": next}))
}

fn index_filters(filter: &GroupFilter) -> Vec<IndexKey> {
    let mut keys = Vec::new();
    let mut add = |field: &'static str, value: &Option<String>| {
        if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
            keys.push(IndexKey::new(field, v));
        }
    };
    add(index::NAME, &filter.container_group_name);
    add(index::STATUS, &filter.status);
    add(index::VSWITCH, &filter.vswitch_id);
    add(index::ZONE, &filter.zone_id);
    add(index::SECURITY_GROUP, &filter.security_group_id);
    add(index::RESOURCE_GROUP, &filter.resource_group_id);
    add(index::COMPUTE_CATEGORY, &filter.compute_category);
    for tag in &filter.tags {
        match &tag.value {
            Some(value) => keys.push(IndexKey::new(index::TAG, index::tag_value(&tag.key, value))),
            None => keys.push(IndexKey::new(index::TAG_KEY, tag.key.as_str())),
        }
    }
    keys
}

/// The groups named in `ContainerGroupIds` that exist and match the other filters; unknown ids are skipped.
fn by_ids<'a>(
    state: &'a RegionState,
    ids: &[String],
    keys: &[IndexKey],
    keep: Option<&dyn Fn(&ContainerGroup) -> bool>,
) -> Page<'a, ContainerGroup> {
    let mut seen = std::collections::HashSet::new();
    let items: Vec<&ContainerGroup> = ids
        .iter()
        .filter(|id| seen.insert(id.as_str()))
        .filter_map(|id| state.groups.get(id))
        .filter(|g| {
            let own = crate::store::Record::index_keys(*g);
            keys.iter().all(|k| own.contains(k)) && keep.is_none_or(|keep| keep(g))
        })
        .collect();
    Page {
        total: items.len(),
        items,
        next: None,
    }
}

/// `NextToken` is the position to continue after, dressed as a UUID like the service's tokens.
fn encode_token(position: u64) -> String {
    uuid::Uuid::from_u128(u128::from(position)).hyphenated().to_string()
}

fn decode_token(token: &str) -> Result<u64, ApiError> {
    uuid::Uuid::parse_str(token)
        .ok()
        .and_then(|u| u64::try_from(u.as_u128()).ok())
        .ok_or_else(|| ApiError::invalid("NextToken", "not a token this service issued"))
}

pub fn delete(ctx: &Ctx<'_>, req: DeleteContainerGroupRequest) -> Result<Value, ApiError> {
    let region: &RegionInfo = network::region(&req.region_id)?;
    let not_found = || {
        let detail = format!(
            "The specified ContainerGroupId \"{}\" is not found.",
            req.container_group_id
        );
        ApiError::with_detail(ErrorCode::NotFound, &detail)
    };
    let partition = ctx.existing_partition(region).ok_or_else(not_found)?;
    let mut state = partition.write();
    let token = req.client_token.as_deref().filter(|t| !t.is_empty());
    if let Some(token) = token {
        if state.delete_tokens.get(token) == Some(&req.container_group_id) {
            return Ok(json!({}));
        }
    }
    let group = state.groups.remove(&req.container_group_id).ok_or_else(not_found)?;
    state.network.release(&group.placement.vswitch_id, group.placement.ip);
    if let Some(token) = token {
        state.delete_tokens.insert(token.to_owned(), group.id);
    }
    Ok(json!({}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_junk_is_refused() {
        for position in [0, 1, 42, u64::MAX] {
            assert_eq!(decode_token(&encode_token(position)).unwrap(), position);
        }
        assert_eq!(decode_token("nope").unwrap_err().code(), "InvalidParameter");
        let too_big = uuid::Uuid::from_u128(u128::MAX).to_string();
        assert!(decode_token(&too_big).is_err());
    }
}
