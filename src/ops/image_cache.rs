//! Image caches: create, update, delete and describe, with the `Preparing → Creating → Ready`
//! progression, and the lookups a container-group create makes (`ImageSnapshotId`,
//! `AutoMatchImageCache`).

use crate::error::catalogue::documented_error;
use crate::error::{ApiError, ErrorCode};
use crate::lifecycle::stages::Stages;
use crate::network;
use crate::ops::container_group::dto::{AcrRegistryInfoSpec, RegistryCredentialSpec, TagSpec};
use crate::ops::container_group::rules::GROUP_NAME;
use crate::ops::events::{self, Note};
use crate::ops::partition::{insert_progressing, update_progressing, Due, Progress};
use crate::ops::{listing, Ctx, RegionState};
use crate::protocol::JsonBody;
use crate::store::{IndexKey, Record};
use crate::util::format_rfc3339_seconds;
use crate::validate::{Check, FieldRule, RuleTable};
use serde::Deserialize;
use serde_json::{json, Value};
use time::OffsetDateTime;

/// The statuses a new cache passes, and an updated one.
pub const CREATE_STAGES: &[&str] = &["Preparing", "Creating", "Ready"];
const UPDATE_STAGES: &[&str] = &["Updating", "Ready"];
/// A stage of a cache lasts this long under the `time` policy: making a snapshot is slower than
/// starting a group.
const STAGE_MS: u32 = 500;
const MAX_IMAGES: usize = 20;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateImageCacheRequest {
    pub region_id: String,
    pub image_cache_name: String,
    #[serde(rename = "Image")]
    pub images: Vec<String>,
    pub zone_id: Option<String>,
    pub security_group_id: Option<String>,
    #[serde(rename = "VSwitchId")]
    pub vswitch_id: Option<String>,
    pub eip_instance_id: Option<String>,
    pub resource_group_id: Option<String>,
    pub client_token: Option<String>,
    pub image_cache_size: Option<i64>,
    pub retention_days: Option<i64>,
    pub auto_match_image_cache: Option<bool>,
    #[serde(default, rename = "ImageRegistryCredential")]
    pub image_registry_credentials: Vec<RegistryCredentialSpec>,
    #[serde(default, rename = "AcrRegistryInfo")]
    pub acr_registry_infos: Vec<AcrRegistryInfoSpec>,
    #[serde(default, rename = "Tag")]
    pub tags: Vec<TagSpec>,
    pub flash: Option<bool>,
    pub elimination_strategy: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateImageCacheRequest {
    pub region_id: String,
    pub image_cache_id: String,
    pub image_cache_name: Option<String>,
    #[serde(default, rename = "Image")]
    pub images: Vec<String>,
    pub image_cache_size: Option<i64>,
    pub retention_days: Option<i64>,
    pub resource_group_id: Option<String>,
    #[serde(default, rename = "Tag")]
    pub tags: Vec<TagSpec>,
    pub elimination_strategy: Option<String>,
    pub client_token: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteImageCacheRequest {
    pub region_id: String,
    pub image_cache_id: String,
    pub client_token: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeImageCachesRequest {
    pub region_id: String,
    pub image_cache_id: Option<String>,
    pub image_cache_name: Option<String>,
    pub snapshot_id: Option<String>,
    pub image: Option<String>,
    pub resource_group_id: Option<String>,
    #[serde(default, rename = "Tag")]
    pub tags: Vec<TagSpec>,
    #[serde(default, rename = "MatchImage")]
    pub match_images: Vec<String>,
    pub image_full_match: Option<bool>,
    pub limit: Option<i64>,
    pub next_token: Option<String>,
}

pub static CREATE_RULES: RuleTable = RuleTable::new(&[&[
    FieldRule::required("RegionId", &[]),
    FieldRule::required("ImageCacheName", &[Check::Pattern(GROUP_NAME)]),
    FieldRule::required("Image", &[Check::MaxItems(MAX_IMAGES)]),
    FieldRule::optional("ImageCacheSize", &[Check::Range(20, 2048)]),
    FieldRule::optional("RetentionDays", &[Check::Range(1, 65535)]),
    FieldRule::optional("Tag", &[Check::MaxItems(20)]),
    FieldRule::optional("ClientToken", &[Check::Ascii, Check::Len(1, 64)]),
    FieldRule::optional("EliminationStrategy", &[Check::OneOf(&["LRU"])]),
]]);

pub static UPDATE_RULES: RuleTable = RuleTable::new(&[&[
    FieldRule::required("RegionId", &[]),
    FieldRule::required("ImageCacheId", &[Check::Len(1, 64)]),
    FieldRule::optional("ImageCacheName", &[Check::Pattern(GROUP_NAME)]),
    FieldRule::optional("Image", &[Check::MaxItems(MAX_IMAGES)]),
    FieldRule::optional("ImageCacheSize", &[Check::Range(20, 2048)]),
    FieldRule::optional("RetentionDays", &[Check::Range(1, 65535)]),
    FieldRule::optional("Tag", &[Check::MaxItems(20)]),
    FieldRule::optional("EliminationStrategy", &[Check::OneOf(&["LRU"])]),
]]);

/// A stored image cache.
#[derive(Debug, Clone)]
pub struct ImageCache {
    pub id: String,
    pub name: String,
    pub images: Vec<String>,
    pub snapshot_id: String,
    /// The group the service starts to pull the images; here only its id.
    pub builder_group_id: String,
    pub size: i64,
    pub retention_days: Option<i64>,
    pub resource_group_id: Option<String>,
    pub elimination_strategy: Option<String>,
    pub tags: Vec<TagSpec>,
    pub created_at: OffsetDateTime,
    pub last_matched_at: Option<OffsetDateTime>,
    pub stages: Stages,
    /// (reason, message, when), oldest first.
    pub events: Vec<Note>,
}

impl Record for ImageCache {
    fn id(&self) -> &str {
        &self.id
    }

    fn index_keys(&self) -> Vec<IndexKey> {
        vec![IndexKey::new(NAME, self.name.as_str())]
    }
}

impl Progress for ImageCache {
    fn due(&self) -> Option<OffsetDateTime> {
        self.stages.due
    }

    fn advance(&mut self, now: OffsetDateTime) {
        let before = self.stages.status();
        self.stages.advance_to(now);
        if before != "Ready" && self.is_ready() {
            let at = self.stages.since;
            self.events
                .push(Note::new("Ready", format!("Image cache {} is ready", self.id), at));
        }
    }
}

/// The index of caches by name.
const NAME: &str = "ImageCacheName";

impl ImageCache {
    pub fn is_ready(&self) -> bool {
        self.stages.status() == "Ready"
    }

    /// Whether the cache holds every one of `images`.
    pub fn covers<'a>(&self, mut images: impl Iterator<Item = &'a str>) -> bool {
        images.all(|wanted| self.images.iter().any(|held| held == wanted))
    }
}

pub fn create(ctx: &Ctx<'_>, req: CreateImageCacheRequest) -> Result<JsonBody, ApiError> {
    let region = network::region(&req.region_id)?;
    if req.images.is_empty() || req.images.iter().any(|i| i.is_empty()) {
        return Err(ApiError::missing("Image"));
    }
    let now = ctx.eci.clock.now();
    let partition = ctx.partition(region);
    let mut state = partition.write();
    let named = [IndexKey::new(NAME, req.image_cache_name.as_str())];
    if state.image_caches.page(&named, None, None, 1).total > 0 {
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
        resource_group_id: req.resource_group_id,
        elimination_strategy: req.elimination_strategy,
        tags: req.tags,
        created_at: now,
        last_matched_at: None,
        stages,
    };
    cache.advance(now);
    let state = &mut *state;
    insert_progressing(&mut state.image_caches, &mut state.due, cache, Due::ImageCache);
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
    update_progressing(&mut state.image_caches, &mut state.due, &id, Due::ImageCache, |cache| {
        apply_update(cache, req, lifecycle, now)
    })
    .ok_or_else(|| not_found(&id))?
}

/// Applies an update to a cache, or says why not.
fn apply_update(
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
            "ImageCache.IncorrectStatus",
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
        return Err(documented_error("UpdateImageCache", "NoNeedUpdate", None));
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
        return listing::table_page("ImageCaches", &state.image_caches, &query, render);
    }
    // Matched by image: ranked by how many of the images a cache holds, so paged by rank.
    let wanted = |c: &ImageCache| req.match_images.iter().filter(|i| c.images.contains(i)).count();
    let full = req.image_full_match == Some(true);
    let mut ranked: Vec<&ImageCache> = state
        .image_caches
        .iter()
        .rev()
        .filter(|c| matches_filters(c, &req) && c.is_ready() && wanted(c) > 0)
        .filter(|c| !full || c.covers(req.match_images.iter().map(String::as_str)))
        .collect();
    ranked.sort_by_key(|c| std::cmp::Reverse(wanted(c)));
    listing::ranked_page("ImageCaches", &ranked, token, limit, |c| render(c))
}

fn matches_filters(cache: &ImageCache, req: &DescribeImageCachesRequest) -> bool {
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

fn view(cache: &ImageCache, region_id: &str) -> Value {
    let expires = cache
        .retention_days
        .map(|days| format_rfc3339_seconds(cache.created_at + time::Duration::days(days)));
    let events = events::views(&cache.id, &cache.events);
    json!({
        "ImageCacheId": cache.id,
        "ImageCacheName": cache.name,
        "RegionId": region_id,
        "Images": cache.images,
        "Status": cache.stages.status(),
        "Progress": cache.stages.progress(),
        "SnapshotId": cache.snapshot_id,
        "FlashSnapshotId": "",
        "ContainerGroupId": cache.builder_group_id,
        "ImageCacheSize": cache.size,
        "CreationTime": format_rfc3339_seconds(cache.created_at),
        "ExpireDateTime": expires.unwrap_or_default(),
        "LastMatchedTime": cache.last_matched_at.map(format_rfc3339_seconds).unwrap_or_default(),
        "ResourceGroupId": cache.resource_group_id.as_deref().unwrap_or_default(),
        "EliminationStrategy": cache.elimination_strategy.as_deref().unwrap_or_default(),
        "Tags": listing::tags_json(&cache.tags),
        "Events": events,
    })
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
    let chosen: Option<String> = match snapshot {
        Some(snapshot) => {
            let Some(cache) = state
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
                    "ImageSnapshot.IncorrectStatus",
                    Some(&detail),
                ));
            }
            Some(cache.id.clone())
        }
        None if auto_match => state
            .image_caches
            .iter()
            .rev()
            .find(|c| c.is_ready() && c.covers(images.clone()))
            .map(|c| c.id.clone()),
        None => None,
    };
    if let Some(id) = &chosen {
        state.image_caches.update(id, |cache| cache.last_matched_at = Some(now));
    }
    Ok(chosen)
}
