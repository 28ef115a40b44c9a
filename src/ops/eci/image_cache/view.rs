//! An image cache as `DescribeImageCaches` shows it.

use super::model::*;
use crate::ops::eci::events;
use crate::ops::eci::listing;
use crate::util::format_rfc3339_seconds;
use serde_json::{json, Value};

pub(super) fn view(cache: &ImageCache, region_id: &str) -> Value {
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
