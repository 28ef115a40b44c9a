//! What the small listings share (image and data caches, virtual nodes, tags, commit tasks): paging
//! by position, tag matching and the tag and event shapes of their responses.

use crate::error::ApiError;
use crate::ops::container_group::dto::TagSpec;
use crate::protocol::JsonBody;
use crate::util::format_rfc3339_seconds;
use serde_json::{json, Value};
use time::OffsetDateTime;

/// The position a `NextToken` of these listings stands for.
pub fn offset_token(token: Option<&str>) -> Result<usize, ApiError> {
    match token.filter(|t| !t.is_empty()) {
        None => Ok(0),
        Some(token) => token
            .parse::<usize>()
            .map_err(|_| ApiError::invalid("NextToken", "is not a token this API returned")),
    }
}

/// `limit` items from `offset`, rendered, under `items_key`, with `TotalCount` and the `NextToken`
/// of the rest (empty at the end).
pub fn page<T>(
    items_key: &str,
    matching: &[T],
    offset: usize,
    limit: usize,
    render: impl Fn(&T) -> Value,
) -> Result<JsonBody, ApiError> {
    let page: Vec<Value> = matching.iter().skip(offset).take(limit).map(render).collect();
    let next = if offset + page.len() < matching.len() {
        (offset + page.len()).to_string()
    } else {
        String::new()
    };
    JsonBody::of(&json!({items_key: page, "TotalCount": matching.len(), "NextToken": next}))
}

/// Whether `tags` carry every wanted tag (a wanted tag without a value matches any value).
pub fn carries_tags(tags: &[TagSpec], wanted: &[TagSpec]) -> bool {
    wanted.iter().all(|w| {
        tags.iter()
            .any(|t| t.key == w.key && (w.value.is_none() || t.value == w.value))
    })
}

/// `[{"Key", "Value"}]`.
pub fn tags_json(tags: &[TagSpec]) -> Vec<Value> {
    tags.iter()
        .map(|t| json!({"Key": t.key, "Value": t.value.as_deref().unwrap_or_default()}))
        .collect()
}

/// Kubernetes-style events of a resource from `(reason, message, when)`.
pub fn events_json(name: &str, events: &[(&'static str, String, OffsetDateTime)]) -> Vec<Value> {
    events
        .iter()
        .map(|(reason, message, at)| {
            let at = format_rfc3339_seconds(*at);
            json!({"Type": "Normal", "Reason": reason, "Message": message, "Name": name, "Count": 1,
                   "FirstTimestamp": at, "LastTimestamp": at})
        })
        .collect()
}
