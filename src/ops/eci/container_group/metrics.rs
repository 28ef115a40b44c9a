//! `DescribeContainerGroupMetric` and `DescribeMultiContainerGroupMetric`: synthetic series that agree
//! with the group's spec (limits are its vCPUs and memory; usage stays below them) and with its life
//! (no samples before it ran or after it ended). The same group and time give the same numbers.

use super::model::ContainerGroup;
use super::progress::read_group;
use crate::error::ApiError;
use crate::network;
use crate::ops::Ctx;
use crate::protocol::{json_in_string, JsonBody};
use crate::util::format_rfc3339_seconds;
use serde::Deserialize;
use serde_json::{json, Value};
use std::hash::{DefaultHasher, Hash, Hasher};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

const GIB: f64 = 1024.0 * 1024.0 * 1024.0;
/// The service keeps 30 days of samples.
const RETENTION_DAYS: i64 = 30;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeContainerGroupMetricRequest {
    pub region_id: String,
    pub container_group_id: String,
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    pub period: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeMultiContainerGroupMetricRequest {
    pub region_id: String,
    #[serde(deserialize_with = "json_in_string")]
    pub container_group_ids: Option<Vec<String>>,
    pub resource_group_id: Option<String>,
    pub metric_type: Option<String>,
}

pub fn metric(ctx: &Ctx<'_>, req: DescribeContainerGroupMetricRequest) -> Result<JsonBody, ApiError> {
    let region = network::region(&req.region_id)?;
    let window = window(&req, ctx.eci.clock.now())?;
    let records = read_group(ctx, region, &req.container_group_id, |group| {
        Ok(records(group, window, Spelling::Single))
    })?;
    JsonBody::of(&json!({"ContainerGroupId": req.container_group_id, "Records": records}))
}

/// The latest sample of each group named (at most 20).
pub fn multi_metric(ctx: &Ctx<'_>, req: DescribeMultiContainerGroupMetricRequest) -> Result<JsonBody, ApiError> {
    let region = network::region(&req.region_id)?;
    let ids = req.container_group_ids.unwrap_or_default();
    if ids.is_empty() {
        return Err(ApiError::missing("ContainerGroupIds"));
    }
    if ids.len() > 20 {
        return Err(ApiError::invalid("ContainerGroupIds", "at most 20 ids"));
    }
    if req
        .metric_type
        .as_deref()
        .is_some_and(|t| !t.is_empty() && t != "summary")
    {
        return Err(ApiError::invalid("MetricType", "only summary is supported"));
    }
    let now = ctx.eci.clock.now();
    let latest = Window {
        start: now - Duration::seconds(15),
        end: now,
        period: Duration::seconds(15),
    };
    let Some(partition) = ctx.existing_partition(region) else {
        return JsonBody::of(&json!({ "MonitorDatas": [] }));
    };
    let state = partition.read();
    let datas: Vec<Value> = ids
        .iter()
        .filter_map(|id| state.groups.get(id))
        .map(|group| json!({"ContainerGroupId": group.id, "Records": records(group, latest, Spelling::Multi)}))
        .collect();
    JsonBody::of(&json!({ "MonitorDatas": datas }))
}

#[derive(Debug, Clone, Copy)]
struct Window {
    start: OffsetDateTime,
    end: OffsetDateTime,
    period: Duration,
}

/// The documented defaults: the last 5 minutes at 15 s when no time is given; else `Period`
/// (15, 30, 60 or 600, default 60) from `StartTime` (default `EndTime` − 5 min) to `EndTime` (default now).
fn window(req: &DescribeContainerGroupMetricRequest, now: OffsetDateTime) -> Result<Window, ApiError> {
    let parse = |name: &str, text: &Option<String>| {
        text.as_deref()
            .filter(|t| !t.is_empty())
            .map(|t| {
                OffsetDateTime::parse(t, &Rfc3339).map_err(|_| ApiError::invalid(name, "must be an RFC 3339 time"))
            })
            .transpose()
    };
    let (start, end) = (parse("StartTime", &req.start_time)?, parse("EndTime", &req.end_time)?);
    let period = match (start, end, req.period.as_deref().filter(|p| !p.is_empty())) {
        (None, None, _) => 15,
        (_, _, None) => 60,
        (_, _, Some(p @ ("15" | "30" | "60" | "600"))) => p.parse().unwrap_or(60),
        (_, _, Some(_)) => return Err(ApiError::invalid("Period", "must be 15, 30, 60 or 600")),
    };
    let end = end.unwrap_or(now).min(now);
    let start = start.unwrap_or(end - Duration::minutes(5));
    if start > end {
        return Err(ApiError::invalid("StartTime", "must not be after EndTime"));
    }
    if start < now - Duration::days(RETENTION_DAYS) {
        return Err(ApiError::invalid("StartTime", "must be within the last 30 days"));
    }
    Ok(Window {
        start,
        end,
        period: Duration::seconds(period),
    })
}

/// The two metric operations spell the same record differently, each as its documentation does:
/// `ReadIO`/`WriteIO` and a filesystem `Category` for one group; `ReadIo`/`WriteIo` and no category
/// for several.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Spelling {
    Single,
    Multi,
}

fn records(group: &ContainerGroup, window: Window, spelling: Spelling) -> Vec<Value> {
    let Some(started) = group.life.started_at else {
        return Vec::new();
    };
    let stopped = group.life.finished_at.unwrap_or(window.end);
    let mut at = window.start.max(started);
    let mut out = Vec::new();
    while at <= window.end.min(stopped) && out.len() < 20_000 {
        out.push(sample(group, at, started, spelling));
        at += window.period;
    }
    out
}

/// A share of the limit in [0.05, 0.75), the same for the same group, series and time.
fn share(group: &ContainerGroup, series: &str, at: OffsetDateTime) -> f64 {
    let mut hasher = DefaultHasher::new();
    (&group.id, series, at.unix_timestamp()).hash(&mut hasher);
    0.05 + (hasher.finish() % 7000) as f64 / 10_000.0
}

fn sample(group: &ContainerGroup, at: OffsetDateTime, started: OffsetDateTime, spelling: Spelling) -> Value {
    let running_ns = u64::try_from((at - started).whole_nanoseconds()).unwrap_or(0);
    let usage = |cpu: f64, memory: f64, series: &str| {
        let cores = share(group, series, at) * cpu;
        let memory_bytes = memory * GIB;
        let used = share(group, &format!("{series}/memory"), at) * memory_bytes;
        (
            json!({
                "Limit": (cpu * 1000.0) as u64,
                "Load": 0,
                "UsageNanoCores": (cores * 1e9) as u64,
                "UsageCoreNanoSeconds": (cores * running_ns as f64) as u64,
            }),
            json!({
                "AvailableBytes": (memory_bytes - used) as u64,
                "UsageBytes": used as u64,
                "WorkingSet": (used * 0.9) as u64,
                "Rss": (used * 0.8) as u64,
                "Cache": (used * 0.1) as u64,
            }),
        )
    };
    let (cpu, memory) = usage(group.cpu, group.memory, "group");
    let count = group.spec.containers.len().max(1) as f64;
    let containers: Vec<Value> = group
        .spec
        .containers
        .iter()
        .map(|c| {
            let (cpu, memory) = usage(
                c.cpu.unwrap_or(group.cpu / count),
                c.memory.unwrap_or(group.memory / count),
                &c.name,
            );
            json!({"Name": c.name, "CPU": cpu, "Memory": memory})
        })
        .collect();
    let seconds = running_ns / 1_000_000_000;
    json!({
        "Timestamp": format_rfc3339_seconds(at),
        "CPU": cpu,
        "Memory": memory,
        "Containers": containers,
        "Network": {"Interfaces": [{"Name": "eth0", "RxBytes": seconds * 2048, "TxBytes": seconds * 1024,
            "RxPackets": seconds * 16, "TxPackets": seconds * 8, "RxErrors": 0, "TxErrors": 0, "RxDrops": 0, "TxDrops": 0}]},
        "Disk": [disk(seconds, spelling)],
        "Filesystem": [filesystem(spelling)],
    })
}

fn disk(seconds: u64, spelling: Spelling) -> Value {
    let (read, write) = match spelling {
        Spelling::Single => ("ReadIO", "WriteIO"),
        Spelling::Multi => ("ReadIo", "WriteIo"),
    };
    json!({"Device": "/dev/vda", "ReadBytes": seconds * 4096, "WriteBytes": seconds * 8192, read: seconds, write: seconds * 2})
}

fn filesystem(spelling: Spelling) -> Value {
    let mut fs = json!({"FsName": "/dev/vda1", "Capacity": 40u64 << 30, "Usage": 2u64 << 30, "Available": 38u64 << 30});
    if spelling == Spelling::Single {
        fs["Category"] = json!("System");
    }
    fs
}
