//! The data-cache operations.

use super::dto::*;
use super::model::*;
use super::rules::*;
use super::view::*;
use crate::error::{ApiError, ErrorCode};
use crate::lifecycle::stages::Stages;
use crate::network;
use crate::ops::eci::events::Note;
use crate::ops::eci::families::Due;
use crate::ops::eci::listing;
use crate::ops::{Ctx, RegionState};
use crate::protocol::JsonBody;
use crate::store::family::{insert_progressing, update_progressing, Progress};
use serde_json::json;
use time::OffsetDateTime;

/// Refuses a second cache at a bucket's path.
pub(super) fn check_location_free(state: &RegionState, bucket: &str, path: &str) -> Result<(), ApiError> {
    if state
        .families
        .data_caches
        .newest_under(&location(bucket, path))
        .is_some()
    {
        let detail = format!("A data cache already holds path \"{path}\" in bucket \"{bucket}\".");
        return Err(ApiError::invalid("Path", &detail));
    }
    Ok(())
}

/// Stores a new cache and brings it up to date.
pub(super) fn store(state: &mut RegionState, mut cache: DataCache, now: OffsetDateTime) {
    cache.advance(now);
    insert_progressing(&mut state.families.data_caches, &mut state.due, cache, Due::DataCache);
}

pub(super) fn bucket_of(given: Option<&str>) -> Result<String, ApiError> {
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
        resource_group_id: Some(crate::accounts::group_or_default(
            req.resource_group_id.as_deref(),
            None,
            &ctx.caller.account,
        )),
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
    update_progressing(
        &mut state.families.data_caches,
        &mut state.due,
        &id,
        Due::DataCache,
        |cache| apply_update(cache, req, bucket, lifecycle, now),
    )
    .ok_or_else(|| not_found(&id))??;
    JsonBody::of(&json!({}))
}

pub(super) fn apply_update(
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
            .families
            .data_caches
            .newest_under(&location(&bucket, path))
            .map(|c| c.id.clone()),
        (None, None) => None,
    };
    found
        .and_then(|id| state.families.data_caches.remove(&id))
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
    listing::table_page("DataCaches", &state.families.data_caches, &query, |c| {
        view(c, &req.region_id)
    })
}

pub(super) fn not_found(id: &str) -> ApiError {
    let detail = format!("The specified data cache \"{id}\" is not found.");
    ApiError::with_detail(ErrorCode::NotFound, &detail)
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
            .families
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
