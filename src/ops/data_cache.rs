//! Data caches: create, update, copy to another region, delete and describe, passing `Creating → Available`.

use crate::error::{ApiError, ErrorCode};
use crate::lifecycle::stages::Stages;
use crate::network;
use crate::ops::container_group::dto::TagSpec;
use crate::ops::events::{self, Note};
use crate::ops::partition::{insert_progressing, update_progressing, Due, Progress};
use crate::ops::{listing, Ctx, RegionState};
use crate::protocol::JsonBody;
use crate::store::{IndexKey, Record};
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
    pub events: Vec<Note>,
}

impl Record for DataCache {
    fn id(&self) -> &str {
        &self.id
    }

    /// A bucket's path holds one cache: the index finds it.
    fn index_keys(&self) -> Vec<IndexKey> {
        vec![location(&self.bucket, &self.path)]
    }
}

impl Progress for DataCache {
    fn due(&self) -> Option<OffsetDateTime> {
        self.stages.due
    }

    fn advance(&mut self, now: OffsetDateTime) {
        let before = self.stages.status();
        self.stages.advance_to(now);
        if before != "Available" && self.stages.status() == "Available" {
            let at = self.stages.since;
            self.events.push(Note::new(
                "Available",
                format!("Data cache {} is available", self.id),
                at,
            ));
        }
    }
}

fn location(bucket: &str, path: &str) -> IndexKey {
    IndexKey::new("BucketPath", format!("{bucket}\u{0}{path}"))
}

/// Refuses a second cache at a bucket's path.
fn check_location_free(state: &RegionState, bucket: &str, path: &str) -> Result<(), ApiError> {
    if state.data_caches.newest_under(&location(bucket, path)).is_some() {
        let detail = format!("A data cache already holds path \"{path}\" in bucket \"{bucket}\".");
        return Err(ApiError::invalid("Path", &detail));
    }
    Ok(())
}

/// Stores a new cache and brings it up to date.
fn store(state: &mut RegionState, mut cache: DataCache, now: OffsetDateTime) {
    cache.advance(now);
    insert_progressing(&mut state.data_caches, &mut state.due, cache, Due::DataCache);
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
    check_location_free(&state, &bucket, &req.path)?;
    let id = ctx.eci.ids.resource_id("edc", &region.id_code);
    let cache = DataCache {
        events: vec![Note::new("Created", format!("Data cache {id} is being made"), now)],
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
    store(&mut state, cache, now);
    JsonBody::of(&json!({ "DataCacheId": id }))
}

pub fn update(ctx: &Ctx<'_>, req: UpdateDataCacheRequest) -> Result<JsonBody, ApiError> {
    let region = network::region(&req.region_id)?;
    let now = ctx.eci.clock.now();
    let bucket = req.bucket.as_deref().map(|b| bucket_of(Some(b))).transpose()?;
    let partition = ctx.partition(region);
    let mut state = partition.write();
    let state = &mut *state;
    let id = req.data_cache_id.clone();
    let lifecycle = ctx.eci.lifecycle;
    update_progressing(&mut state.data_caches, &mut state.due, &id, Due::DataCache, |cache| {
        apply_update(cache, req, bucket, lifecycle, now)
    })
    .ok_or_else(|| not_found(&id))??;
    JsonBody::of(&json!({}))
}

fn apply_update(
    cache: &mut DataCache,
    req: UpdateDataCacheRequest,
    bucket: Option<String>,
    lifecycle: crate::lifecycle::machine::Policy,
    now: OffsetDateTime,
) -> Result<(), ApiError> {
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
    if let Some(bucket) = bucket {
        cache.bucket = bucket;
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
        cache.stages = Stages::new(UPDATE_STAGES, lifecycle, STAGE_MS, now);
        cache.events.push(Note::new(
            "Updating",
            format!("Data cache {} is being refreshed", cache.id),
            now,
        ));
        cache.advance(now);
    }
    Ok(())
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
    let found = match (id, path) {
        (Some(id), _) => Some(id.to_owned()),
        (None, Some(path)) => state
            .data_caches
            .newest_under(&location(&bucket, path))
            .map(|c| c.id.clone()),
        (None, None) => None,
    };
    found
        .and_then(|id| state.data_caches.remove(&id))
        .ok_or_else(|| not_found(shown))?;
    JsonBody::of(&json!({}))
}

pub fn describe(ctx: &Ctx<'_>, req: DescribeDataCachesRequest) -> Result<JsonBody, ApiError> {
    let region = network::region(&req.region_id)?;
    let limit = match req.limit {
        None => 20,
        Some(n @ 1..=20) => usize::try_from(n).unwrap_or(20),
        Some(_) => return Err(ApiError::invalid("Limit", "must be from 1 to 20")),
    };
    let Some(partition) = ctx.existing_partition(region) else {
        return JsonBody::of(&json!({"DataCaches": [], "TotalCount": 0, "NextToken": ""}));
    };
    let state = partition.read();
    let bucket = req.bucket.as_deref().filter(|b| !b.is_empty());
    let path = req.path.as_deref().filter(|p| !p.is_empty());
    let rg = req.resource_group_id.as_deref().filter(|r| !r.is_empty());
    let keep = |c: &DataCache| {
        (req.data_cache_ids.is_empty() || req.data_cache_ids.contains(&c.id))
            && bucket.is_none_or(|b| c.bucket == b)
            && path.is_none_or(|p| c.path == p)
            && rg.is_none_or(|rg| c.resource_group_id.as_deref() == Some(rg))
            && listing::carries_tags(&c.tags, &req.tags)
    };
    let query = listing::Query {
        keys: &[],
        keep: Some(&keep),
        next_token: req.next_token.as_deref(),
        limit,
    };
    listing::table_page("DataCaches", &state.data_caches, &query, |c| view(c, &req.region_id))
}

fn view(cache: &DataCache, region_id: &str) -> Value {
    let expires = cache
        .retention_days
        .map(|days| format_rfc3339_seconds(cache.created_at + time::Duration::days(days)));
    let events = events::views(&cache.id, &cache.events);
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
        let state = partition.read();
        let cache = state
            .data_caches
            .get(&req.data_cache_id)
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
        events: vec![Note::new(
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
    check_location_free(&state, &copy.bucket, &copy.path)?;
    store(&mut state, copy, now);
    JsonBody::of(&json!({ "DataCacheId": id }))
}
