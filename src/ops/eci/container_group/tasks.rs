//! The work done on a running group: `CommitContainer` and its tasks, O&M tasks (coredump, tcpdump)
//! and their records, and `ResizeContainerGroupVolume`.

use super::model::ContainerGroup;
use super::progress::not_found;
use super::task_records::{CommitTask, OpsRecord, GROUP, TASKS_KEPT};
use crate::error::catalogue::documented_error;
use crate::error::EciCode;
use crate::error::{ApiError, ErrorCode};
use crate::lifecycle::stages::Stages;
use crate::lifecycle::GroupStatus;
use crate::network;
use crate::ops::eci::families::Due;
use crate::ops::eci::listing;
use crate::ops::{Ctx, RegionState};
use crate::protocol::JsonBody;
use crate::store::family::{insert_kept, insert_progressing, prune_to};
use crate::store::IndexKey;
use crate::util::format_rfc3339_seconds;
use serde::Deserialize;
use serde_json::{json, Value};

const COMMIT_STAGES: &[&str] = &["Running", "Succeeded"];
const COMMIT_STAGE_MS: u32 = 1000;
/// O&M results are kept a week.
const OPS_RECORD_DAYS: i64 = 7;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CommitImage {
    pub repository: Option<String>,
    pub tag: Option<String>,
    pub message: Option<String>,
    pub author: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CommitContainerRequest {
    pub region_id: String,
    pub container_group_id: String,
    pub container_name: String,
    pub image: Option<CommitImage>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeCommitContainerTaskRequest {
    pub region_id: String,
    pub container_group_id: Option<String>,
    #[serde(default, rename = "TaskId")]
    pub task_ids: Vec<String>,
    pub task_status: Option<String>,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateInstanceOpsTaskRequest {
    pub region_id: String,
    pub container_group_id: String,
    pub ops_type: String,
    pub ops_value: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeInstanceOpsRecordsRequest {
    pub region_id: String,
    pub container_group_id: String,
    pub ops_type: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResizeContainerGroupVolumeRequest {
    pub region_id: String,
    pub container_group_id: String,
    pub volume_name: String,
    pub new_size: i64,
    pub client_token: Option<String>,
}

fn running_group<'s>(state: &'s RegionState, id: &str, action: &str) -> Result<&'s ContainerGroup, ApiError> {
    let group = state.groups.get(id).ok_or_else(|| not_found(id))?;
    if group.status() != GroupStatus::Running {
        let detail = format!(
            "The container group is {}; the operation needs it Running.",
            group.status().as_str()
        );
        return Err(documented_error(action, EciCode::IncorrectStatusDetail, Some(&detail)));
    }
    Ok(group)
}

pub fn commit(ctx: &Ctx<'_>, req: CommitContainerRequest) -> Result<JsonBody, ApiError> {
    let region = network::region(&req.region_id)?;
    let image = req.image.unwrap_or_default();
    let repository = image
        .repository
        .filter(|r| !r.is_empty())
        .ok_or_else(|| ApiError::missing("Image.Repository"))?;
    let tag = image
        .tag
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiError::missing("Image.Tag"))?;
    let partition = ctx
        .existing_partition(region)
        .ok_or_else(|| not_found(&req.container_group_id))?;
    let mut state = partition.write();
    let group = running_group(&state, &req.container_group_id, "CommitContainer")?;
    if !group.spec.containers.iter().any(|c| c.name == req.container_name) {
        let why = format!("the group has no container named {}", req.container_name);
        return Err(ApiError::invalid("ContainerName", &why));
    }
    let now = ctx.eci.clock.now();
    // Shaped as the documentation's `t-…` task ids.
    let id = ctx.eci.ids.resource_id("t", &region.id_code);
    let task = CommitTask {
        id: id.clone(),
        group_id: group.id.clone(),
        container: req.container_name,
        image: format!("{repository}:{tag}"),
        created_at: now,
        stages: Stages::new(COMMIT_STAGES, ctx.eci.lifecycle, COMMIT_STAGE_MS, now),
    };
    let state = &mut *state;
    insert_progressing(&mut state.families.commit_tasks, &mut state.due, task, Due::CommitTask);
    prune_to(&mut state.families.commit_tasks, TASKS_KEPT);
    JsonBody::of(&json!({ "TaskId": id }))
}

pub fn describe_commits(ctx: &Ctx<'_>, req: DescribeCommitContainerTaskRequest) -> Result<JsonBody, ApiError> {
    let region = network::region(&req.region_id)?;
    // Both filters are optional, as documented: with neither, every commit task of the region.
    let group = req.container_group_id.as_deref().filter(|g| !g.is_empty());
    let limit = match req.max_results {
        None => 10,
        Some(n @ 1..=50) => usize::try_from(n).unwrap_or(10),
        Some(_) => return Err(ApiError::invalid("MaxResults", "must be from 1 to 50")),
    };
    let status = req.task_status.as_deref().filter(|s| !s.is_empty());
    if status.is_some_and(|s| !["Running", "Succeeded", "Failed"].contains(&s)) {
        return Err(ApiError::invalid("TaskStatus", "must be Running, Succeeded or Failed"));
    }
    let keys: Vec<IndexKey> = group.iter().map(|g| IndexKey::new(GROUP, *g)).collect();
    let keep = |t: &CommitTask| {
        (req.task_ids.is_empty() || req.task_ids.contains(&t.id)) && status.is_none_or(|s| t.stages.status() == s)
    };
    let query = listing::Query {
        keys: &keys,
        keep: Some(&keep),
        next_token: req.next_token.as_deref(),
        limit,
    };
    let page = match ctx.existing_partition(region) {
        Some(partition) => listing::render_page(&partition.read().families.commit_tasks, &query, commit_view)?,
        None => listing::Rendered {
            items: Vec::new(),
            total: 0,
            next_token: String::new(),
        },
    };
    JsonBody::of(
        &json!({"CommitTasks": page.items, "TotalCount": page.total, "NextToken": page.next_token,
        "MaxResults": limit.to_string()}),
    )
}

fn commit_view(task: &CommitTask) -> Value {
    let created = format_rfc3339_seconds(task.created_at);
    let done = task.stages.status() == "Succeeded";
    let finished = done.then(|| format_rfc3339_seconds(task.stages.since));
    let mut phases = vec![
        json!({"Phase": "Commit", "Status": if done { "Succeeded" } else { "Running" }, "Message": "", "RecordTime": created}),
    ];
    if let Some(at) = &finished {
        phases.push(json!({"Phase": "Push", "Status": "Succeeded", "Message": format!("pushed {}", task.image), "RecordTime": at}));
    }
    json!({
        "TaskId": task.id,
        "TaskStatus": task.stages.status(),
        "TaskProgress": task.stages.progress(),
        "StatusMessage": if done { format!("{} committed to {}", task.container, task.image) } else { String::new() },
        "ContainerName": task.container,
        "CommitPhaseInfos": phases,
        "TaskCreationTime": created,
        "TaskFinishedTime": finished.unwrap_or_default(),
    })
}

pub fn create_ops_task(ctx: &Ctx<'_>, req: CreateInstanceOpsTaskRequest) -> Result<JsonBody, ApiError> {
    let region = network::region(&req.region_id)?;
    const ACTION: &str = "CreateInstanceOpsTask";
    match req.ops_type.as_str() {
        "coredump" if matches!(req.ops_value.as_str(), "enable" | "disable") => {}
        "coredump" => return Err(documented_error(ACTION, EciCode::OpsOpsValueInvalid, None)),
        "tcpdump" => check_tcpdump(&req.ops_value)?,
        other => {
            let detail = format!("The ops type {other} is not supported; use coredump or tcpdump.");
            return Err(documented_error(ACTION, EciCode::OpsTypeNotSupport, Some(&detail)));
        }
    }
    let missing = || documented_error(ACTION, EciCode::InvalidInstanceIdNotFound, None);
    let partition = ctx.existing_partition(region).ok_or_else(missing)?;
    let mut state = partition.write();
    state.groups.get(&req.container_group_id).ok_or_else(missing)?;
    let record = OpsRecord {
        id: ctx.eci.ids.resource_id("ops", &region.id_code),
        group_id: req.container_group_id,
        ops_type: req.ops_type,
        value: req.ops_value,
        created_at: ctx.eci.clock.now(),
    };
    insert_kept(&mut state.families.ops_records, record, TASKS_KEPT);
    JsonBody::of(&json!({ "Result": "Success" }))
}

/// `{"Enable": true, ...}`: `Enable` is required and a boolean.
fn check_tcpdump(value: &str) -> Result<(), ApiError> {
    let invalid = |why: &str| documented_error("CreateInstanceOpsTask", EciCode::TcpdumpInvalidValue, Some(why));
    let parsed: Value = serde_json::from_str(value).map_err(|_| invalid("OpsValue must be a JSON object."))?;
    match parsed.get("Enable") {
        Some(Value::Bool(_)) => Ok(()),
        _ => Err(invalid("Enable is required and must be true or false.")),
    }
}

pub fn describe_ops_records(ctx: &Ctx<'_>, req: DescribeInstanceOpsRecordsRequest) -> Result<JsonBody, ApiError> {
    let region = network::region(&req.region_id)?;
    // An unknown group is refused, as its sibling CreateInstanceOpsTask refuses it.
    let missing = || ApiError::new(ErrorCode::InstanceNotFound);
    let partition = ctx.existing_partition(region).ok_or_else(missing)?;
    let state = partition.read();
    state.groups.get(&req.container_group_id).ok_or_else(missing)?;
    let for_group = IndexKey::new(GROUP, req.container_group_id.as_str());
    let keep = |r: &OpsRecord| r.ops_type == req.ops_type;
    let records: Vec<Value> = state
        .families
        .ops_records
        .page(std::slice::from_ref(&for_group), Some(&keep), None, TASKS_KEPT)
        .items
        .into_iter()
        .rev()
        .map(|stamped| stamped.record)
        .map(|r| {
            let file = format!(
                "oss://eci-emulator/{}/{}/{}",
                r.ops_type,
                r.group_id,
                r.created_at.unix_timestamp()
            );
            json!({
                "CreateTime": format_rfc3339_seconds(r.created_at),
                "ExpireTime": format_rfc3339_seconds(r.created_at + time::Duration::days(OPS_RECORD_DAYS)),
                "OpsType": r.ops_type,
                "OpsStatus": "Success",
                "ResultType": "OSS",
                "ResultContent": if r.value == "disable" { String::new() } else { file },
            })
        })
        .collect();
    JsonBody::of(&json!({ "Records": records }))
}

/// Grows a disk volume of a running group; only cloud-disk volumes resize.
pub fn resize_volume(ctx: &Ctx<'_>, req: ResizeContainerGroupVolumeRequest) -> Result<JsonBody, ApiError> {
    const ACTION: &str = "ResizeContainerGroupVolume";
    let region = network::region(&req.region_id)?;
    if !(20..=32768).contains(&req.new_size) {
        return Err(ApiError::invalid("NewSize", "must be from 20 to 32768 GiB"));
    }
    let partition = ctx
        .existing_partition(region)
        .ok_or_else(|| not_found(&req.container_group_id))?;
    let mut state = partition.write();
    let group = running_group(&state, &req.container_group_id, ACTION)?;
    let volume = group
        .spec
        .volumes
        .iter()
        .find(|v| v.name.as_deref() == Some(req.volume_name.as_str()))
        .ok_or_else(|| ApiError::invalid("VolumeName", "the group has no volume of that name"))?;
    let flex_disk = volume.flex_volume.as_ref().and_then(|f| f.driver.as_deref()) == Some("alicloud/disk");
    let current = match (&volume.disk_volume, flex_disk) {
        (Some(disk), _) => i64::from(disk.disk_size.unwrap_or(20)),
        (None, true) => 20,
        (None, false) => return Err(documented_error(ACTION, EciCode::InvalidVolumeType, None)),
    };
    if req.new_size < current {
        let why = format!("must not be below the current {current} GiB");
        return Err(ApiError::invalid("NewSize", &why));
    }
    let new_size = i32::try_from(req.new_size).unwrap_or(i32::MAX);
    let name = req.volume_name.clone();
    state.groups.update(&req.container_group_id, |g| {
        let disk = g
            .spec
            .volumes
            .iter_mut()
            .find(|v| v.name.as_deref() == Some(name.as_str()))
            .and_then(|v| v.disk_volume.as_mut());
        if let Some(disk) = disk {
            disk.disk_size = Some(new_size);
        }
    });
    JsonBody::of(&json!({}))
}
