//! Data caches: create, update, copy to another region, delete and describe, passing `Creating → Available`.

use crate::error::{ApiError, ErrorCode};
use crate::lifecycle::stages::Stages;
use crate::network;
use crate::ops::container_group::dto::TagSpec;
use crate::ops::{listing, Ctx, RegionState};
use crate::protocol::JsonBody;
use crate::util::format_rfc3339_seconds;
use crate::validate::{Check, FieldRule, RuleTable};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use time::OffsetDateTime;

const STAGES: &[&str] = &["Creating", "Available"];
const UPDATE_STAGES: &[&str] = &["Updating", "Available"];
const STAGE_MS: u32 = 500;
/// `eci-system` is the service's own bucket.
const RESERVED_BUCKET: &str = "eci-system";

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct DataSource {
    #[serde(rename = "Type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub options: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateDataCacheRequest {
    pub region_id: String,
    pub name: Option<String>,
    pub bucket: Option<String>,
    pub path: String,
    pub size: Option<i64>,
    pub data_source: Option<DataSource>,
    pub retention_days: Option<i64>,
    #[serde(default, rename = "Tag")]
    pub tags: Vec<TagSpec>,
    pub resource_group_id: Option<String>,
    pub security_group_id: Option<String>,
    #[serde(rename = "VSwitchId")]
    pub vswitch_id: Option<String>,
    pub eip_instance_id: Option<String>,
    pub client_token: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateDataCacheRequest {
    pub region_id: String,
    pub data_cache_id: String,
    pub name: Option<String>,
    pub bucket: Option<String>,
    pub size: Option<i64>,
    pub data_source: Option<DataSource>,
    pub retention_days: Option<i64>,
    #[serde(default, rename = "Tag")]
    pub tags: Vec<TagSpec>,
    pub resource_group_id: Option<String>,
    pub client_token: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteDataCacheRequest {
    pub region_id: String,
    pub data_cache_id: Option<String>,
    pub bucket: Option<String>,
    pub path: Option<String>,
    pub client_token: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeDataCachesRequest {
    pub region_id: String,
    #[serde(default, rename = "DataCacheId")]
    pub data_cache_ids: Vec<String>,
    pub bucket: Option<String>,
    pub path: Option<String>,
    #[serde(default, rename = "Tag")]
    pub tags: Vec<TagSpec>,
    pub resource_group_id: Option<String>,
    pub limit: Option<i64>,
    pub next_token: Option<String>,
}

pub static CREATE_RULES: RuleTable = RuleTable::new(&[&[
    FieldRule::required("RegionId", &[]),
    FieldRule::required("Path", &[Check::Len(1, 1024)]),
    FieldRule::optional("Name", &[Check::Len(1, 128)]),
    FieldRule::optional("Size", &[Check::Range(20, 65536)]),
    FieldRule::optional("RetentionDays", &[Check::Range(1, 65535)]),
    FieldRule::optional("Tag", &[Check::MaxItems(20)]),
    FieldRule::optional("DataSource.Type", &[Check::OneOf(&["URL", "NAS", "OSS", "SNAPSHOT"])]),
    FieldRule::optional("ClientToken", &[Check::Ascii, Check::Len(1, 64)]),
]]);

pub static UPDATE_RULES: RuleTable = RuleTable::new(&[&[
    FieldRule::required("RegionId", &[]),
    FieldRule::required("DataCacheId", &[Check::Len(1, 64)]),
    FieldRule::optional("Size", &[Check::Range(20, 65536)]),
    FieldRule::optional("RetentionDays", &[Check::Range(1, 65535)]),
    FieldRule::optional("Tag", &[Check::MaxItems(20)]),
    FieldRule::optional("DataSource.Type", &[Check::OneOf(&["URL", "NAS", "OSS", "SNAPSHOT"])]),
]]);

#[derive(Debug, Clone)]
pub struct DataCache {
    pub id: String,
    pub name: String,
    pub bucket: String,
    pub path: String,
    pub size: i64,
    pub data_source: DataSource,
    pub retention_days: Option<i64>,
    pub resource_group_id: Option<String>,
    pub tags: Vec<TagSpec>,
    pub snapshot_id: String,
    pub builder_group_id: String,
    pub created_at: OffsetDateTime,
    pub stages: Stages,
    pub events: Vec<(&'static str, String, OffsetDateTime)>,
}

fn advance_all(state: &mut RegionState, now: OffsetDateTime) {
    for cache in &mut state.data_caches {
        let before = cache.stages.status();
        cache.stages.advance_to(now);
        if before != "Available" && cache.stages.status() == "Available" {
            let at = cache.stages.since;
            cache
                .events
                .push(("Available", format!("Data cache {} is available", cache.id), at));
        }
    }
}

fn bucket_of(given: Option<&str>) -> Result<String, ApiError> {
    match given.filter(|b| !b.is_empty()) {
        None => Ok("default".into()),
        Some(RESERVED_BUCKET) => Err(ApiError::invalid("Bucket", "eci-system is reserved for the service")),
        Some(bucket) => Ok(bucket.to_owned()),
    }
}

pub fn create(ctx: &Ctx<'_>, req: CreateDataCacheRequest) -> Result<JsonBody, ApiError> {
    let region = network::region(&req.region_id)?;
    let bucket = bucket_of(req.bucket.as_deref())?;
    let now = ctx.eci.clock.now();
    let partition = ctx.partition(region);
    let mut state = partition.write();
    advance_all(&mut state, now);
    if state
        .data_caches
        .iter()
        .any(|c| c.bucket == bucket && c.path == req.path)
    {
        let detail = format!(
            "A data cache already holds path \"{}\" in bucket \"{bucket}\".",
            req.path
        );
        return Err(ApiError::invalid("Path", &detail));
    }
    let id = ctx.eci.ids.resource_id("edc", &region.id_code);
    let cache = DataCache {
        events: vec![("Created", format!("Data cache {id} is being made"), now)],
        id: id.clone(),
        name: req.name.unwrap_or_else(|| id.clone()),
        bucket,
        path: req.path,
        size: req.size.unwrap_or(20),
        data_source: req.data_source.unwrap_or_default(),
        retention_days: req.retention_days,
        resource_group_id: req.resource_group_id,
        tags: req.tags,
        snapshot_id: ctx.eci.ids.resource_id("s", &region.id_code),
        builder_group_id: ctx.eci.ids.resource_id("eci", &region.id_code),
        created_at: now,
        stages: Stages::new(STAGES, ctx.eci.lifecycle, STAGE_MS, now),
    };
    state.data_caches.push(cache);
    advance_all(&mut state, now);
    JsonBody::of(&json!({ "DataCacheId": id }))
}

pub fn update(ctx: &Ctx<'_>, req: UpdateDataCacheRequest) -> Result<JsonBody, ApiError> {
    let region = network::region(&req.region_id)?;
    let now = ctx.eci.clock.now();
    let partition = ctx.partition(region);
    let mut state = partition.write();
    advance_all(&mut state, now);
    let cache = state
        .data_caches
        .iter_mut()
        .find(|c| c.id == req.data_cache_id)
        .ok_or_else(|| not_found(&req.data_cache_id))?;
    if !cache.stages.is_done() {
        let detail = format!(
            "The data cache is {}; it can be updated once it is Available.",
            cache.stages.status()
        );
        return Err(ApiError::with_detail(ErrorCode::IncorrectStatus, &detail));
    }
    let source_changed = req.data_source.as_ref().is_some_and(|s| *s != cache.data_source);
    if let Some(name) = req.name {
        cache.name = name;
    }
    if let Some(bucket) = req.bucket.as_deref() {
        cache.bucket = bucket_of(Some(bucket))?;
    }
    cache.size = req.size.unwrap_or(cache.size);
    cache.retention_days = req.retention_days.or(cache.retention_days);
    if req.resource_group_id.is_some() {
        cache.resource_group_id = req.resource_group_id;
    }
    if !req.tags.is_empty() {
        cache.tags = req.tags;
    }
    if let Some(source) = req.data_source {
        cache.data_source = source;
    }
    if source_changed {
        cache.stages = Stages::new(UPDATE_STAGES, ctx.eci.lifecycle, STAGE_MS, now);
        cache
            .events
            .push(("Updating", format!("Data cache {} is being refreshed", cache.id), now));
    }
    advance_all(&mut state, now);
    JsonBody::of(&json!({}))
}

/// By id, or by bucket and path.
pub fn delete(ctx: &Ctx<'_>, req: DeleteDataCacheRequest) -> Result<JsonBody, ApiError> {
    let region = network::region(&req.region_id)?;
    let id = req.data_cache_id.as_deref().filter(|i| !i.is_empty());
    let path = req.path.as_deref().filter(|p| !p.is_empty());
    if id.is_none() && path.is_none() {
        return Err(ApiError::missing("DataCacheId"));
    }
    let bucket = bucket_of(req.bucket.as_deref())?;
    let shown = id.or(path).unwrap_or_default();
    let partition = ctx.existing_partition(region).ok_or_else(|| not_found(shown))?;
    let mut state = partition.write();
    let index = state
        .data_caches
        .iter()
        .position(|c| match id {
            Some(id) => c.id == id,
            None => c.bucket == bucket && Some(c.path.as_str()) == path,
        })
        .ok_or_else(|| not_found(shown))?;
    state.data_caches.remove(index);
    JsonBody::of(&json!({}))
}

pub fn describe(ctx: &Ctx<'_>, req: DescribeDataCachesRequest) -> Result<JsonBody, ApiError> {
    let region = network::region(&req.region_id)?;
    let limit = match req.limit {
        None => 20,
        Some(n @ 1..=20) => usize::try_from(n).unwrap_or(20),
        Some(_) => return Err(ApiError::invalid("Limit", "must be from 1 to 20")),
    };
    let offset = listing::offset_token(req.next_token.as_deref())?;
    let Some(partition) = ctx.existing_partition(region) else {
        return JsonBody::of(&json!({"DataCaches": [], "TotalCount": 0, "NextToken": ""}));
    };
    let mut state = partition.write();
    advance_all(&mut state, ctx.eci.clock.now());
    let bucket = req.bucket.as_deref().filter(|b| !b.is_empty());
    let path = req.path.as_deref().filter(|p| !p.is_empty());
    let rg = req.resource_group_id.as_deref().filter(|r| !r.is_empty());
    let matching: Vec<&DataCache> = state
        .data_caches
        .iter()
        .rev()
        .filter(|c| req.data_cache_ids.is_empty() || req.data_cache_ids.contains(&c.id))
        .filter(|c| bucket.is_none_or(|b| c.bucket == b) && path.is_none_or(|p| c.path == p))
        .filter(|c| rg.is_none_or(|rg| c.resource_group_id.as_deref() == Some(rg)))
        .filter(|c| listing::carries_tags(&c.tags, &req.tags))
        .collect();
    listing::page("DataCaches", &matching, offset, limit, |c| view(c, &req.region_id))
}

fn view(cache: &DataCache, region_id: &str) -> Value {
    let expires = cache
        .retention_days
        .map(|days| format_rfc3339_seconds(cache.created_at + time::Duration::days(days)));
    let events = listing::events_json(&cache.id, &cache.events);
    let options = serde_json::to_string(&cache.data_source.options).unwrap_or_default();
    json!({
        "DataCacheId": cache.id,
        "Name": cache.name,
        "RegionId": region_id,
        "Bucket": cache.bucket,
        "Path": cache.path,
        "Size": cache.size,
        "Status": cache.stages.status(),
        "Progress": cache.stages.progress(),
        "SnapshotId": cache.snapshot_id,
        "FlashSnapshotId": "",
        "ContainerGroupId": cache.builder_group_id,
        "CreationTime": format_rfc3339_seconds(cache.created_at),
        "ExpireDateTime": expires.unwrap_or_default(),
        "LastMatchedTime": "",
        "ResourceGroupId": cache.resource_group_id.as_deref().unwrap_or_default(),
        "DataSource": {"Type": cache.data_source.kind.as_deref().unwrap_or_default(), "Options": options},
        "Tags": listing::tags_json(&cache.tags),
        "Events": events,
    })
}

fn not_found(id: &str) -> ApiError {
    let detail = format!("The specified data cache \"{id}\" is not found.");
    ApiError::with_detail(ErrorCode::NotFound, &detail)
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CopyDataCacheRequest {
    pub region_id: String,
    pub data_cache_id: String,
    pub destination_region_id: String,
    pub bucket: Option<String>,
    pub path: Option<String>,
    pub name: Option<String>,
    pub retention_days: Option<i64>,
    #[serde(default, rename = "Tag")]
    pub tags: Vec<TagSpec>,
    pub resource_group_id: Option<String>,
    pub client_token: Option<String>,
}

/// Copies an `Available` cache to another region, where the copy starts `Creating`.
pub fn copy(ctx: &Ctx<'_>, req: CopyDataCacheRequest) -> Result<JsonBody, ApiError> {
    let region = network::region(&req.region_id)?;
    let destination = network::region(&req.destination_region_id)?;
    let now = ctx.eci.clock.now();
    let source = {
        let partition = ctx
            .existing_partition(region)
            .ok_or_else(|| not_found(&req.data_cache_id))?;
        let mut state = partition.write();
        advance_all(&mut state, now);
        let cache = state
            .data_caches
            .iter()
            .find(|c| c.id == req.data_cache_id)
            .ok_or_else(|| not_found(&req.data_cache_id))?;
        if cache.stages.status() != "Available" {
            let detail = format!(
                "The data cache is {}; only an Available one can be copied.",
                cache.stages.status()
            );
            return Err(ApiError::with_detail(ErrorCode::IncorrectStatus, &detail));
        }
        cache.clone()
    };
    let bucket = match req.bucket.as_deref() {
        Some(b) => bucket_of(Some(b))?,
        None => source.bucket.clone(),
    };
    let path = req.path.filter(|p| !p.is_empty()).unwrap_or(source.path.clone());
    let id = ctx.eci.ids.resource_id("edc", &destination.id_code);
    let copy = DataCache {
        events: vec![(
            "Created",
            format!("Data cache {id} is being copied from {}", source.id),
            now,
        )],
        id: id.clone(),
        name: req.name.unwrap_or_else(|| source.name.clone()),
        bucket,
        path,
        retention_days: req.retention_days.or(source.retention_days),
        resource_group_id: req.resource_group_id.or(source.resource_group_id.clone()),
        tags: if req.tags.is_empty() {
            source.tags.clone()
        } else {
            req.tags
        },
        snapshot_id: ctx.eci.ids.resource_id("s", &destination.id_code),
        builder_group_id: ctx.eci.ids.resource_id("eci", &destination.id_code),
        created_at: now,
        stages: Stages::new(STAGES, ctx.eci.lifecycle, STAGE_MS, now),
        ..source
    };
    let partition = ctx.partition(destination);
    let mut state = partition.write();
    if state
        .data_caches
        .iter()
        .any(|c| c.bucket == copy.bucket && c.path == copy.path)
    {
        let detail = format!(
            "A data cache already holds path \"{}\" in bucket \"{}\".",
            copy.path, copy.bucket
        );
        return Err(ApiError::invalid("Path", &detail));
    }
    state.data_caches.push(copy);
    advance_all(&mut state, now);
    JsonBody::of(&json!({ "DataCacheId": id }))
}
