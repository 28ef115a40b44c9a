//! What the companion products' operations share: a call's `NetworkChange`, tags in and out, paging
//! by page number, and the caller's owner number.

use crate::error::ApiError;
use crate::lifecycle::machine::PolicyKind;
use crate::network::{self, NetworkChange, NetworkGuard, RegionInfo, RegionNetwork, SharedNetwork, Tag};
use crate::ops::Ctx;
use serde::Deserialize;
use serde_json::{json, Value};

/// How long a VPC or vSwitch made under the `time` policy stays `Pending`. Under `immediate` and
/// `manual` it is `Available` at once: stepping by hand is for container groups and caches, and a
/// network left `Pending` would only hold up every flow built on it.
const PENDING_MS: i64 = 500;

/// A `Tag.N.Key`/`Tag.N.Value` pair as the calls send it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct KeyValue {
    pub key: Option<String>,
    pub value: Option<String>,
}

/// The tags of a request, each with a key.
pub fn tags_in(pairs: &[KeyValue]) -> Result<Vec<Tag>, ApiError> {
    pairs
        .iter()
        .map(|p| match p.key.as_deref() {
            Some(key) if !key.is_empty() => Ok(Tag {
                key: key.to_owned(),
                value: p.value.clone().unwrap_or_default(),
            }),
            _ => Err(ApiError::missing("Tag.N.Key")),
        })
        .collect()
}

/// Tags as VPC answers them: `{"Tag": [{"Key", "Value"}]}`.
pub fn tags_out(tags: &[Tag]) -> Value {
    let list: Vec<Value> = tags.iter().map(|t| json!({"Key": t.key, "Value": t.value})).collect();
    json!({ "Tag": list })
}

/// Whether a resource has every tag a listing filters on.
pub fn has_tags(tags: &[Tag], wanted: &[Tag]) -> bool {
    wanted.iter().all(|w| {
        tags.iter()
            .any(|t| t.key == w.key && (w.value.is_empty() || t.value == w.value))
    })
}

/// The network of the call's region, to be locked, once every group gone by the clock (in any
/// account) has given back its address and EIP: a vSwitch, security group or EIP is free from the
/// moment its last holder is gone, whether or not anyone has read that holder since.
pub fn network_of(ctx: &Ctx<'_>, region_id: &str) -> Result<(&'static RegionInfo, NetworkLock), ApiError> {
    let region = network::region(region_id)?;
    ctx.eci.settle_region(&region.region_id, ctx.faults.engine());
    Ok((region, NetworkLock(ctx.eci.network(region))))
}

/// A region's network, to be locked for the length of one call.
pub struct NetworkLock(std::sync::Arc<SharedNetwork>);

impl NetworkLock {
    pub fn lock(&self) -> NetworkGuard<'_> {
        self.0.lock()
    }

    /// The network to read, beside other readers.
    pub fn read(&self) -> parking_lot::RwLockReadGuard<'_, RegionNetwork> {
        self.0.read()
    }
}

/// What a call states about the resource it makes or changes.
#[derive(Default)]
pub struct Stated<'a> {
    pub client_token: Option<&'a str>,
    pub name: Option<&'a str>,
    pub description: Option<&'a str>,
    pub tags: &'a [Tag],
    pub resource_group_id: Option<&'a str>,
}

pub fn change<'a>(ctx: &'a Ctx<'_>, action: &'static str, stated: Stated<'a>) -> NetworkChange<'a> {
    let pending_ms = match ctx.eci.lifecycle.kind {
        PolicyKind::Time => PENDING_MS,
        PolicyKind::Immediate | PolicyKind::Manual => 0,
    };
    NetworkChange {
        action,
        account: &ctx.caller.account,
        now: ctx.eci.clock.now(),
        pending_for: time::Duration::milliseconds(pending_ms),
        ids: &ctx.eci.ids,
        client_token: stated.client_token,
        name: stated.name,
        description: stated.description,
        tags: stated.tags,
        resource_group_id: stated.resource_group_id.filter(|r| !r.is_empty()),
    }
}

/// The page `number` (from 1) of `size` items, and how many there are in all; `max_size` is the
/// action's documented largest page.
pub fn page_of<T>(items: Vec<T>, number: Option<u32>, size: Option<u32>, max_size: u32) -> Result<Paged<T>, ApiError> {
    let number = number.unwrap_or(1);
    let size = size.unwrap_or(10);
    if number == 0 {
        return Err(ApiError::invalid("PageNumber", "it must be 1 or more"));
    }
    if size == 0 || size > max_size {
        return Err(ApiError::invalid(
            "PageSize",
            &format!("it must be from 1 to {max_size}"),
        ));
    }
    let total = items.len();
    let skip = (number as usize - 1).saturating_mul(size as usize);
    let items = items.into_iter().skip(skip).take(size as usize).collect();
    Ok(Paged {
        items,
        total,
        number,
        size,
    })
}

pub struct Paged<T> {
    pub items: Vec<T>,
    pub total: usize,
    pub number: u32,
    pub size: u32,
}

/// The caller's `OwnerId`.
pub fn owner_id(ctx: &Ctx<'_>) -> u64 {
    network::account_number(&ctx.caller.account)
}

/// Whether a listing's filter lets `value` through: no filter (or an empty one), or the same value.
pub fn filter_matches(wanted: &Option<String>, value: &str) -> bool {
    wanted.as_deref().is_none_or(|w| w.is_empty() || w == value)
}

/// The page of `size` items after the offset a `NextToken` carries (none: from the start), and the
/// token for the next page (empty after the last).
pub fn token_page<T>(items: Vec<T>, next_token: Option<&str>, size: usize) -> Result<(Vec<T>, String), ApiError> {
    let start = match next_token.filter(|t| !t.is_empty()) {
        None => 0,
        Some(token) => token
            .parse::<usize>()
            .map_err(|_| ApiError::invalid("NextToken", "it is not a token this service gave"))?,
    };
    let end = start.saturating_add(size);
    let next = if end < items.len() {
        end.to_string()
    } else {
        String::new()
    };
    Ok((items.into_iter().skip(start).take(size).collect(), next))
}

/// A comma-separated list parameter (`AllocationId=eip-1,eip-2`), without empty items.
pub fn comma_list(text: Option<&str>) -> Vec<&str> {
    text.map(|t| t.split(',').map(str::trim).filter(|s| !s.is_empty()).collect())
        .unwrap_or_default()
}
