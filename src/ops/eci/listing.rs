//! What the listings of every resource family share: a page of a table (newest first, the one
//! `NextToken` kind of `store::paging`), tag matching and the tag and event shapes of responses.

use crate::error::ApiError;
use crate::ops::eci::container_group::dto::TagSpec;
use crate::protocol::JsonBody;
use crate::store::{paging, IndexKey, Record, Table};
use serde_json::{json, Value};

/// What one listing asks: its index filters, any further test, the caller's `NextToken` and `Limit`.
pub struct Query<'a, R> {
    pub keys: &'a [IndexKey],
    pub keep: Option<&'a dyn Fn(&R) -> bool>,
    pub next_token: Option<&'a str>,
    pub limit: usize,
}

/// A page of a table as a response shows it: the rendered items, `TotalCount` and `NextToken`.
pub struct Rendered {
    pub items: Vec<Value>,
    pub total: usize,
    pub next_token: String,
}

/// A page of `table`, newest first, rendered.
pub fn render_page<R: Record>(
    table: &Table<R>,
    query: &Query<'_, R>,
    render: impl Fn(&R) -> Value,
) -> Result<Rendered, ApiError> {
    let before = paging::decode(query.next_token)?;
    let page = table.page(query.keys, query.keep, before, query.limit);
    Ok(Rendered {
        items: page.items.iter().map(|s| render(s.record)).collect(),
        total: page.total,
        next_token: page.next.map(paging::encode).unwrap_or_default(),
    })
}

/// A page of `table`, newest first, rendered under `items_key` with `TotalCount` and `NextToken`.
pub fn table_page<R: Record>(
    items_key: &str,
    table: &Table<R>,
    query: &Query<'_, R>,
    render: impl Fn(&R) -> Value,
) -> Result<JsonBody, ApiError> {
    let page = render_page(table, query, render)?;
    JsonBody::of(&json!({items_key: page.items, "TotalCount": page.total, "NextToken": page.next_token}))
}

/// A page of records already ranked (not in creation order): the token counts those shown.
pub fn ranked_page<T>(
    items_key: &str,
    ranked: &[T],
    next_token: Option<&str>,
    limit: usize,
    render: impl Fn(&T) -> Value,
) -> Result<JsonBody, ApiError> {
    let (page, next) = ranked_slice(ranked, paging::decode(next_token)?, limit);
    let page: Vec<Value> = page.iter().map(render).collect();
    JsonBody::of(&json!({items_key: page, "TotalCount": ranked.len(), "NextToken": next}))
}

/// The `limit` items of `ranked` after the `shown` ones a decoded token names, and the token of the
/// rest (empty at the end).
pub fn ranked_slice<T>(ranked: &[T], shown: Option<u64>, limit: usize) -> (&[T], String) {
    let offset = usize::try_from(shown.unwrap_or(0))
        .unwrap_or(usize::MAX)
        .min(ranked.len());
    let end = offset.saturating_add(limit).min(ranked.len());
    let next = if end < ranked.len() {
        paging::encode(end as u64)
    } else {
        String::new()
    };
    (ranked.get(offset..end).unwrap_or_default(), next)
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
