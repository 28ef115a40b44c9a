//! What the dashboard reads: the partitions, a page of one partition's groups (by the table's
//! indexes, so a page costs the same at a million groups), and one group whole.

use crate::faults::Faults;
use crate::ops::eci::container_group::model::index;
use crate::ops::eci::container_group::view::describe_item;
use crate::ops::EciState;
use crate::store::{paging, IndexKey, PartitionKey};
use serde_json::{json, Value};

/// Every partition with its group count, after applying what is due.
pub fn partitions(eci: &EciState, faults: &Faults) -> Value {
    eci.settle_all(faults);
    let rows: Vec<Value> = eci
        .registry
        .snapshot()
        .into_iter()
        .map(|(key, partition)| {
            json!({"account": key.account, "region": key.region, "groups": partition.read().groups.len()})
        })
        .collect();
    json!({ "partitions": rows })
}

/// What a page of groups asks for.
pub struct GroupQuery<'a> {
    pub account: &'a str,
    pub region: &'a str,
    pub status: Option<&'a str>,
    pub name: Option<&'a str>,
    pub next_token: Option<&'a str>,
    pub limit: usize,
}

/// A page of one partition's groups, newest first: `{groups, total, next}`; `Err` for a bad token.
pub fn groups(eci: &EciState, query: &GroupQuery<'_>) -> Result<Value, String> {
    let before = paging::decode(query.next_token).map_err(|e| e.message)?;
    let key = PartitionKey {
        account: query.account.to_owned(),
        region: query.region.to_owned(),
    };
    let Some(partition) = eci.registry.existing(&key) else {
        return Ok(json!({"groups": [], "total": 0, "next": ""}));
    };
    let mut keys = Vec::new();
    if let Some(status) = query.status.filter(|s| !s.is_empty()) {
        keys.push(IndexKey::new(index::STATUS, status));
    }
    if let Some(name) = query.name.filter(|n| !n.is_empty()) {
        keys.push(IndexKey::new(index::NAME, name));
    }
    let state = partition.read();
    let page = state.groups.page(&keys, None, before, query.limit);
    let rows: Vec<Value> = page
        .items
        .iter()
        .map(|stamped| {
            let group = stamped.record;
            json!({
                "id": group.id,
                "name": group.spec.container_group_name,
                "status": group.status().as_str(),
                "zone": group.placement.zone_id,
                "ip": group.placement.ip.to_string(),
                "containers": group.spec.containers.len(),
            })
        })
        .collect();
    let next = page.next.map(paging::encode).unwrap_or_default();
    Ok(json!({"groups": rows, "total": page.total, "next": next}))
}

/// One group as `DescribeContainerGroups` shows it (events included), with its account and region.
pub fn group(eci: &EciState, id: &str) -> Option<Value> {
    eci.registry.snapshot().into_iter().find_map(|(key, partition)| {
        let state = partition.read();
        let group = state.groups.get(id)?;
        let item = serde_json::to_value(describe_item(group, true)).ok()?;
        Some(json!({"account": key.account, "region": key.region, "group": item}))
    })
}
