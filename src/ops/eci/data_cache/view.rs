//! A data cache as `DescribeDataCaches` shows it.

use super::model::*;
use crate::ops::eci::events;
use crate::ops::eci::listing;
use crate::util::format_rfc3339_seconds;
use serde_json::{json, Value};

pub(super) fn view(cache: &DataCache, region_id: &str) -> Value {
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
