//! The image-cache operations, and the cache a container-group create may use.

use super::dto::*;
use super::model::*;
use super::rules::*;
use super::view::*;
use crate::error::catalogue::documented_error;
use crate::error::EciCode;
use crate::error::{ApiError, ErrorCode};
use crate::lifecycle::stages::Stages;
use crate::network;
use crate::ops::eci::events::Note;
use crate::ops::eci::families::Due;
use crate::ops::eci::listing;
use crate::ops::{Ctx, RegionState};
use crate::protocol::JsonBody;
use crate::store::family::{insert_progressing, update_progressing, Progress};
use crate::store::IndexKey;
use serde_json::json;
use time::OffsetDateTime;

pub fn create(ctx: &Ctx<'_>, req: CreateImageCacheRequest) -> Result<JsonBody, ApiError> {
    let region = network::region(&req.region_id)?;
    if req.images.is_empty() || req.images.iter().any(|i| i.is_empty()) {
        return Err(ApiError::missing("Image"));
    }
    let now = ctx.eci.clock.now();
    let partition = ctx.partition(region);
    let mut state = partition.write();
    let named = IndexKey::new(NAME, req.image_cache_name.as_str());
    if state.families.image_caches.newest_under(&named).is_some() {
        let detail = format!("An image cache named \"{}\" already exists.", req.image_cache_name);
        return Err(ApiError::invalid("ImageCacheName", &detail));
    }
    let id = ctx.eci.ids.resource_id("imc", &region.id_code);
    let snapshot_id = ctx.eci.ids.resource_id("s", &region.id_code);
    let builder_group_id = ctx.eci.ids.resource_id("eci", &region.id_code);
    let stages = Stages::new(CREATE_STAGES, ctx.eci.lifecycle, STAGE_MS, now);
    let mut cache = ImageCache {
        events: vec![Note::new(
            "Created",
            format!("Image cache {id} is being made from {} images", req.images.len()),
            now,
        )],
        id: id.clone(),
        name: req.image_cache_name,
        images: req.images,
        snapshot_id,
        builder_group_id: builder_group_id.clone(),
        size: req.image_cache_size.unwrap_or(20),
        retention_days: req.retention_days,
        resource_group_id: Some(crate::accounts::group_or_default(
            req.resource_group_id.as_deref(),
            None,
            &ctx.caller.account,
        )),
        elimination_strategy: req.elimination_strategy,
        tags: req.tags,
        created_at: now,
        last_matched_at: None,
        stages,
    };
    cache.advance(now);
    let state = &mut *state;
    insert_progressing(&mut state.families.image_caches, &mut state.due, cache, Due::ImageCache);
    JsonBody::of(&json!({"ImageCacheId": id, "ContainerGroupId": builder_group_id}))
}

pub fn update(ctx: &Ctx<'_>, req: UpdateImageCacheRequest) -> Result<JsonBody, ApiError> {
    let region = network::region(&req.region_id)?;
    let now = ctx.eci.clock.now();
    let partition = ctx.partition(region);
    let mut state = partition.write();
    let state = &mut *state;
    let id = req.image_cache_id.clone();
    let lifecycle = ctx.eci.lifecycle;
    update_progressing(
        &mut state.families.image_caches,
        &mut state.due,
        &id,
        Due::ImageCache,
        |cache| apply_update(cache, req, lifecycle, now),
    )
    .ok_or_else(|| not_found(&id))?
}

/// Applies an update to a cache, or says why not.
pub(super) fn apply_update(
    cache: &mut ImageCache,
    req: UpdateImageCacheRequest,
    lifecycle: crate::lifecycle::machine::Policy,
    now: OffsetDateTime,
) -> Result<JsonBody, ApiError> {
    if !cache.stages.is_done() {
        let detail = format!(
            "The image cache is {}; it can be updated once it is Ready.",
            cache.stages.status()
        );
        return Err(documented_error(
            "UpdateImageCache",
            EciCode::ImageCacheIncorrectStatus,
            Some(&detail),
        ));
    }
    let before = (
        cache.name.clone(),
        cache.images.clone(),
        cache.size,
        cache.retention_days,
    );
    let (tags_before, rg_before) = (cache.tags.clone(), cache.resource_group_id.clone());
    if let Some(name) = req.image_cache_name {
        cache.name = name;
    }
    let images_changed = !req.images.is_empty() && req.images != cache.images;
    if images_changed {
        cache.images = req.images;
    }
    cache.size = req.image_cache_size.unwrap_or(cache.size);
    cache.retention_days = req.retention_days.or(cache.retention_days);
    if req.resource_group_id.is_some() {
        cache.resource_group_id = req.resource_group_id;
    }
    if !req.tags.is_empty() {
        cache.tags = req.tags;
    }
    let after = (
        cache.name.clone(),
        cache.images.clone(),
        cache.size,
        cache.retention_days,
    );
    if before == after && tags_before == cache.tags && rg_before == cache.resource_group_id {
        return Err(documented_error("UpdateImageCache", EciCode::NoNeedUpdate, None));
    }
    if images_changed {
        cache.stages = Stages::new(UPDATE_STAGES, lifecycle, STAGE_MS, now);
        cache.events.push(Note::new(
            "Updating",
            format!("Image cache {} is being remade", cache.id),
            now,
        ));
        cache.advance(now);
    }
    JsonBody::of(&json!({}))
}

pub fn delete(ctx: &Ctx<'_>, req: DeleteImageCacheRequest) -> Result<JsonBody, ApiError> {
    let region = network::region(&req.region_id)?;
    let partition = ctx
        .existing_partition(region)
        .ok_or_else(|| not_found(&req.image_cache_id))?;
    let mut state = partition.write();
    state
        .families
        .image_caches
        .remove(&req.image_cache_id)
        .ok_or_else(|| not_found(&req.image_cache_id))?;
    JsonBody::of(&json!({}))
}

pub fn describe(ctx: &Ctx<'_>, req: DescribeImageCachesRequest) -> Result<JsonBody, ApiError> {
    let region = network::region(&req.region_id)?;
    let limit = match req.limit {
        None => 10,
        Some(n @ 1..=100) => usize::try_from(n).unwrap_or(10),
        Some(_) => return Err(ApiError::invalid("Limit", "must be from 1 to 100")),
    };
    let Some(partition) = ctx.existing_partition(region) else {
        return JsonBody::of(&json!({"ImageCaches": [], "TotalCount": 0, "NextToken": ""}));
    };
    let state = partition.read();
    let render = |c: &ImageCache| view(c, &req.region_id);
    let token = req.next_token.as_deref();
    if req.match_images.is_empty() {
        let keep = |c: &ImageCache| matches_filters(c, &req);
        let query = listing::Query {
            keys: &[],
            keep: Some(&keep),
            next_token: token,
            limit,
        };
        return listing::table_page("ImageCaches", &state.families.image_caches, &query, render);
    }
    // Matched by image: ranked by how many of the images a cache holds, so paged by rank.
    let wanted = |c: &ImageCache| req.match_images.iter().filter(|i| c.images.contains(i)).count();
    let full = req.image_full_match == Some(true);
    let mut ranked: Vec<&ImageCache> = state
        .families
        .image_caches
        .iter()
        .rev()
        .filter(|c| matches_filters(c, &req) && c.is_ready() && wanted(c) > 0)
        .filter(|c| !full || c.covers(req.match_images.iter().map(String::as_str)))
        .collect();
    ranked.sort_by_key(|c| std::cmp::Reverse(wanted(c)));
    listing::ranked_page("ImageCaches", &ranked, token, limit, |c| render(c))
}

pub(super) fn matches_filters(cache: &ImageCache, req: &DescribeImageCachesRequest) -> bool {
    fn given(f: &Option<String>) -> Option<&str> {
        f.as_deref().filter(|v| !v.is_empty())
    }
    given(&req.image_cache_id).is_none_or(|id| cache.id == id)
        && given(&req.image_cache_name).is_none_or(|name| cache.name == name)
        && given(&req.snapshot_id).is_none_or(|s| cache.snapshot_id == s)
        && given(&req.image).is_none_or(|image| cache.images.iter().any(|i| i == image))
        && given(&req.resource_group_id).is_none_or(|rg| cache.resource_group_id.as_deref() == Some(rg))
        && listing::carries_tags(&cache.tags, &req.tags)
}

pub fn not_found(id: &str) -> ApiError {
    let detail = format!("The specified ImageCacheId \"{id}\" is not found.");
    ApiError::with_detail(ErrorCode::NotFound, &detail)
}

/// What a container-group create may use: the cache named by `ImageSnapshotId` (its snapshot id or
/// its own id) when it is `Ready`, or with `AutoMatchImageCache` the newest `Ready` cache holding
/// every image. `Ok(None)` when the partition has no such cache (the network's declared caches are
/// checked after).
pub fn pick_for_group<'a>(
    state: &mut RegionState,
    snapshot: Option<&str>,
    auto_match: bool,
    images: impl Iterator<Item = &'a str> + Clone,
    now: OffsetDateTime,
) -> Result<Option<String>, ApiError> {
    // A create does not apply the partition's due queue; the caches it may use are brought up to date
    // here (a partition holds few).
    let due: Vec<String> = state
        .families
        .image_caches
        .iter()
        .filter(|c| c.due().is_some_and(|at| at <= now))
        .map(|c| c.id.clone())
        .collect();
    for id in due {
        update_progressing(
            &mut state.families.image_caches,
            &mut state.due,
            &id,
            Due::ImageCache,
            |c| c.advance(now),
        );
    }
    let chosen: Option<String> = match snapshot {
        Some(snapshot) => {
            let Some(cache) = state
                .families
                .image_caches
                .iter()
                .find(|c| c.snapshot_id == snapshot || c.id == snapshot)
            else {
                return Ok(None);
            };
            if !cache.is_ready() {
                let detail = format!("The image cache {} is {}, not Ready.", cache.id, cache.stages.status());
                return Err(documented_error(
                    "CreateContainerGroup",
                    EciCode::ImageSnapshotIncorrectStatus,
                    Some(&detail),
                ));
            }
            Some(cache.id.clone())
        }
        None if auto_match => state
            .families
            .image_caches
            .iter()
            .rev()
            .find(|c| c.is_ready() && c.covers(images.clone()))
            .map(|c| c.id.clone()),
        None => None,
    };
    if let Some(id) = &chosen {
        state
            .families
            .image_caches
            .update(id, |cache| cache.last_matched_at = Some(now));
    }
    Ok(chosen)
}
