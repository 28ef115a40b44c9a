//! The operations that move an existing group: restart, update, and the events its moves recorded.

use super::dto::{
    ContainerSpec, DescribeContainerGroupEventsExtras, GroupFilter, RestartContainerGroupRequest,
    UpdateContainerGroupRequest, VolumeSpec,
};
use super::handlers::{list, ItemView};
use super::model::ContainerGroup;
use super::rules;
use super::sizing::{self, SizeRequest};
use crate::error::catalogue::documented_error;
use crate::error::EciCode;
use crate::error::{ApiError, ErrorCode};
use crate::lifecycle::machine::{EventReason, NotAllowed, Trigger};
use crate::lifecycle::GroupStatus;
use crate::network::{self, RegionInfo};
use crate::ops::eci::rendered::ItemShape;
use crate::ops::{Ctx, RegionState};
use crate::protocol::JsonBody;
use parking_lot::RwLock;
use serde_json::{json, Value};
use std::sync::Arc;
use time::OffsetDateTime;

/// `RestartContainerGroup`: only a `Pending` or `Running` group restarts.
pub fn restart(ctx: &Ctx<'_>, req: RestartContainerGroupRequest) -> Result<JsonBody, ApiError> {
    let (partition, _) = group_partition(ctx, &req.region_id, &req.container_group_id)?;
    let now = ctx.eci.clock.now();
    let mut state = partition.write();
    let fired = state.change_life(&req.container_group_id, |life| life.fire(Trigger::Restart, now));
    fired
        .ok_or_else(|| not_found(&req.container_group_id))?
        .map_err(incorrect_status)?;
    JsonBody::of(&json!({}))
}

/// A spec with its defaults written out, as Describe shows them, so that giving a default explicitly
/// is no change: a group created without `RestartPolicy` runs `Always`, and an update to `Always`
/// needs nothing done.
fn effective(spec: &super::dto::CreateContainerGroupRequest) -> super::dto::CreateContainerGroupRequest {
    use super::dto::{DEFAULT_IMAGE_PULL_POLICY, DEFAULT_RESTART_POLICY};
    let mut spec = spec.clone();
    spec.restart_policy.get_or_insert_with(|| DEFAULT_RESTART_POLICY.into());
    for container in spec.containers.iter_mut().chain(spec.init_containers.iter_mut()) {
        container
            .image_pull_policy
            .get_or_insert_with(|| DEFAULT_IMAGE_PULL_POLICY.into());
        for flag in [&mut container.stdin, &mut container.stdin_once, &mut container.tty] {
            flag.get_or_insert(false);
        }
    }
    spec
}

/// `UpdateContainerGroup`: `RenewUpdate` (default) replaces each list given whole; `IncrementalUpdate`
/// replaces the containers and volumes it names and keeps the others. The group restarts its
/// containers through `Updating`.
pub fn update(ctx: &Ctx<'_>, req: UpdateContainerGroupRequest) -> Result<JsonBody, ApiError> {
    let incremental = match req.update_type.as_deref() {
        None | Some("RenewUpdate") => false,
        Some("IncrementalUpdate") => true,
        Some(_) => {
            return Err(ApiError::invalid(
                "UpdateType",
                "must be RenewUpdate or IncrementalUpdate",
            ))
        }
    };
    let (partition, region) = group_partition(ctx, &req.region_id, &req.container_group_id)?;
    let now = ctx.eci.clock.now();
    let mut state = partition.write();
    let group = state
        .groups
        .get(&req.container_group_id)
        .ok_or_else(|| not_found(&req.container_group_id))?;
    if crate::lifecycle::machine::next(group.status(), Trigger::Update).is_none() {
        return Err(incorrect_status(NotAllowed {
            status: group.status(),
            trigger: Trigger::Update,
        }));
    }
    let updated = updated_group(group, &req, incremental)?;
    let same_spec = effective(&updated.spec) == effective(&group.spec);
    if same_spec && updated.cpu == group.cpu && updated.memory == group.memory {
        return Err(documented_error("UpdateContainerGroup", EciCode::NoNeedUpdate, None));
    }
    rules::check_create(&updated.spec)?;
    let size = sizing::grant(&SizeRequest {
        region_id: &region.region_id,
        cpu: updated.spec.cpu,
        memory: updated.spec.memory,
        spot: false,
        whitelisted: ctx.eci.accounts.get(&ctx.caller.access_key_id).cpu_mem_whitelist,
    })?;
    let cpu_before = group.cpu;
    let (init, apps) = (
        count(updated.spec.init_containers.len()),
        count(updated.spec.containers.len()),
    );
    state.groups.update(&req.container_group_id, |g| {
        g.spec = updated.spec;
        g.cpu = size.cpu;
        g.memory = size.memory;
    });
    state.used_cpu = (state.used_cpu - cpu_before + size.cpu).max(0.0);
    let fired = state.change_life(&req.container_group_id, |life| {
        life.reshape(init, apps);
        life.fire(Trigger::Update, now)
    });
    fired
        .ok_or_else(|| not_found(&req.container_group_id))?
        .map_err(incorrect_status)?;
    JsonBody::of(&json!({}))
}

fn count(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

/// The group as the update asks it to be (not yet stored).
fn updated_group(
    group: &ContainerGroup,
    req: &UpdateContainerGroupRequest,
    incremental: bool,
) -> Result<ContainerGroup, ApiError> {
    let mut spec = group.spec.clone();
    if let Some(policy) = &req.restart_policy {
        if !matches!(&**policy, "Always" | "OnFailure" | "Never") {
            return Err(ApiError::invalid("RestartPolicy", "must be Always, OnFailure or Never"));
        }
        spec.restart_policy = Some(policy.clone());
    }
    if req.cpu.is_some() {
        spec.cpu = req.cpu;
    }
    if req.memory.is_some() {
        spec.memory = req.memory;
    }
    if let Some(rg) = &req.resource_group_id {
        spec.resource_group_id = Some(rg.clone());
    }
    if let Some(dns) = &req.dns_config {
        spec.dns_config = Some(dns.clone());
    }
    merge_containers(&mut spec.containers, &req.containers, incremental);
    merge_containers(&mut spec.init_containers, &req.init_containers, incremental);
    merge_volumes(&mut spec.volumes, &req.volumes, incremental);
    if !req.tags.is_empty() {
        spec.tags = crate::ops::eci::tags::one_per_key(&req.tags);
    }
    if !req.image_registry_credentials.is_empty() {
        spec.image_registry_credentials = req.image_registry_credentials.clone();
    }
    if !req.acr_registry_infos.is_empty() {
        spec.acr_registry_infos = req.acr_registry_infos.clone();
    }
    let mut updated = group.clone();
    updated.spec = spec;
    Ok(updated)
}

fn merge_containers(current: &mut Vec<ContainerSpec>, given: &[ContainerSpec], incremental: bool) {
    merge_by_name(current, given, incremental, |c| c.name.as_str());
}

fn merge_volumes(current: &mut Vec<VolumeSpec>, given: &[VolumeSpec], incremental: bool) {
    merge_by_name(current, given, incremental, |v| v.name.as_deref().unwrap_or_default());
}

/// Renew: a list given replaces the list. Incremental: each item given replaces the item of its name,
/// or is added.
fn merge_by_name<T: Clone>(current: &mut Vec<T>, given: &[T], incremental: bool, name: fn(&T) -> &str) {
    if given.is_empty() {
        return;
    }
    if !incremental {
        *current = given.to_vec();
        return;
    }
    for item in given {
        match current.iter_mut().find(|c| name(c) == name(item)) {
            Some(slot) => *slot = item.clone(),
            None => current.push(item.clone()),
        }
    }
}

/// `DescribeContainerGroupEvents`: each group's events, filtered by source and age.
pub fn events(
    ctx: &Ctx<'_>,
    filter: GroupFilter,
    extras: DescribeContainerGroupEventsExtras,
) -> Result<JsonBody, ApiError> {
    let limit = rules::status_limit(filter.limit)?;
    let since = rules::since_second(extras.since_second)?;
    let source = match extras.event_source.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s @ ("EciService" | "K8sAgent")) => Some(s.to_owned()),
        Some(_) => return Err(ApiError::invalid("EventSource", "must be EciService or K8sAgent")),
    };
    let cutoff = since.map(|s| ctx.eci.clock.now() - time::Duration::seconds(s));
    list(ctx, &filter, limit, None, &EventItems { source, cutoff }, "Data")
}

struct EventItems {
    source: Option<String>,
    cutoff: Option<OffsetDateTime>,
}

/// Scheduling and instance-level events come from the ECI service, container events from the agent.
fn source_of(reason: EventReason) -> &'static str {
    match reason {
        EventReason::Scheduled
        | EventReason::FailedScheduling
        | EventReason::SpotReclaimed
        | EventReason::Updated
        | EventReason::DeadlineExceeded => "EciService",
        _ => "K8sAgent",
    }
}

impl ItemView for EventItems {
    type View<'g> = Value;
    fn shape(&self) -> Option<ItemShape> {
        None
    }
    fn view(&self, group: &ContainerGroup) -> Value {
        let uid = group.uid();
        let events: Vec<Value> = group
            .life
            .events
            .iter()
            .filter(|e| self.cutoff.is_none_or(|c| e.at >= c))
            .filter(|e| self.source.as_deref().is_none_or(|s| s == source_of(e.reason)))
            .map(|e| {
                let shown = group.event(e);
                json!({
                    "Type": shown.kind,
                    "Reason": shown.reason,
                    "Message": shown.message,
                    "Count": shown.count,
                    "FirstTimestamp": shown.first,
                    "LastTimestamp": shown.last,
                    "ReportingComponent": source_of(e.reason),
                    "ReportingInstance": "",
                    "Source": {"Component": source_of(e.reason), "Host": group.placement.ip.to_string()},
                    "involvedObject": {"Kind": "Pod", "Name": group.spec.container_group_name, "Namespace": "default", "Uid": uid, "ApiVersion": "v1"},
                    "Metadata": {"Name": format!("{}.{}", group.id, e.at.unix_timestamp_nanos()), "Namespace": "default"},
                })
            })
            .collect();
        json!({
            "ContainerGroupId": group.id,
            "Name": group.spec.container_group_name,
            "Namespace": "default",
            "uuid": uid,
            "Annotations": "{}",
            "Events": events,
        })
    }
}

/// The caller's partition holding `id` in `region_id`, brought up to date.
fn group_partition(
    ctx: &Ctx<'_>,
    region_id: &str,
    id: &str,
) -> Result<(Arc<RwLock<RegionState>>, &'static RegionInfo), ApiError> {
    let region = network::region(region_id)?;
    let partition = ctx.existing_partition(region).ok_or_else(|| not_found(id))?;
    Ok((partition, region))
}

/// Runs `read` on the caller's group `id` in `region`, under the partition's read lock; an unknown
/// group is the documented not-found error.
pub fn read_group<T>(
    ctx: &Ctx<'_>,
    region: &RegionInfo,
    id: &str,
    read: impl FnOnce(&ContainerGroup) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let partition = ctx.existing_partition(region).ok_or_else(|| not_found(id))?;
    let state = partition.read();
    read(state.groups.get(id).ok_or_else(|| not_found(id))?)
}

pub fn not_found(id: &str) -> ApiError {
    let detail = format!("The specified ContainerGroupId \"{id}\" is not found.");
    ApiError::with_detail(ErrorCode::NotFound, &detail)
}

fn incorrect_status(refused: NotAllowed) -> ApiError {
    incorrect_status_of(refused.status)
}

/// `IncorrectStatus` naming the status the group is in.
pub fn incorrect_status_of(status: GroupStatus) -> ApiError {
    let detail = format!(
        "The current status of the container group ({}) does not support this operation.",
        status.as_str()
    );
    ApiError::with_detail(ErrorCode::IncorrectStatus, &detail)
}
