//! The virtual-node operations: a node holds an address (and an EIP) until it is deleted.

use super::dto::*;
use super::model::*;
use super::rules::*;
use super::view::*;
use crate::error::{ApiError, ErrorCode};
use crate::lifecycle::stages::Stages;
use crate::network::EipChoice;
use crate::network::{self, PlacementRequest};
use crate::ops::eci::events::Note;
use crate::ops::eci::families::Due;
use crate::ops::eci::listing;
use crate::ops::Ctx;
use crate::protocol::JsonBody;
use crate::store::family::{insert_progressing, Progress};
use crate::store::IndexKey;
use serde_json::json;

pub fn create(ctx: &Ctx<'_>, req: CreateVirtualNodeRequest) -> Result<JsonBody, ApiError> {
    let region = network::region(&req.region_id)?;
    let vswitch_ids: Vec<&str> = req
        .vswitch_id
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect();
    if vswitch_ids.is_empty() || vswitch_ids.len() > 10 {
        return Err(ApiError::invalid("VSwitchId", "1 to 10 vSwitch ids, comma-separated"));
    }
    let now = ctx.eci.clock.now();
    let id = ctx.eci.ids.resource_id("vnd", &region.id_code);
    let placement_request = PlacementRequest {
        zone_id: req.zone_id.as_deref().filter(|z| !z.is_empty()),
        vswitch_ids,
        security_group_id: Some(req.security_group_id.as_str()),
        private_ip: None,
        account: Some(&ctx.caller.account),
        // A virtual node names its vSwitches: none is made for it.
        making: None,
    };
    let (placement, eip) = {
        let network = ctx.eci.network(region);
        let mut net = network.lock();
        let choice = EipChoice::from_request(req.eip_instance_id.as_deref(), req.enable_public_network == Some(true));
        // What the placement registered on first use goes again if the EIP cannot be had.
        net.registering(|net| {
            let placement = net.place(&placement_request, ctx.eci.strict_network)?;
            let eip = net.attach_eip(&placement, choice, &id, &ctx.eci.ids, Some(&ctx.caller.account))?;
            Ok((placement, eip))
        })?
    };
    let mut node = VirtualNode {
        name: req.virtual_node_name.unwrap_or_else(|| id.clone()),
        id: id.clone(),
        placement,
        eip,
        resource_group_id: Some(crate::accounts::group_or_default(
            req.resource_group_id.as_deref(),
            None,
            &ctx.caller.account,
        )),
        custom_resources: req.custom_resources,
        cluster_domain: req.cluster_domain,
        cluster_dns: req.cluster_dns,
        tags: req.tags,
        created_at: now,
        stages: Stages::new(STAGES, ctx.eci.lifecycle, STAGE_MS, now),
        events: vec![Note::new("Created", format!("Virtual node {id} created"), now)],
    };
    node.advance(now);
    let partition = ctx.partition(region);
    let mut state = partition.write();
    let state = &mut *state;
    insert_progressing(
        &mut state.families.virtual_nodes,
        &mut state.due,
        node,
        Due::VirtualNode,
    );
    JsonBody::of(&json!({ "VirtualNodeId": id }))
}

pub fn update(ctx: &Ctx<'_>, req: UpdateVirtualNodeRequest) -> Result<JsonBody, ApiError> {
    let region = network::region(&req.region_id)?;
    let partition = ctx
        .existing_partition(region)
        .ok_or_else(|| not_found(&req.virtual_node_id))?;
    let id = req.virtual_node_id.clone();
    let mut state = partition.write();
    state
        .families
        .virtual_nodes
        .update(&id, |node| apply_update(node, req))
        .ok_or_else(|| not_found(&id))?;
    JsonBody::of(&json!({}))
}

pub(super) fn apply_update(node: &mut VirtualNode, req: UpdateVirtualNodeRequest) {
    if let Some(name) = req.virtual_node_name {
        node.name = name;
    }
    for (field, value) in [
        (&mut node.custom_resources, req.custom_resources),
        (&mut node.cluster_domain, req.cluster_domain),
        (&mut node.cluster_dns, req.cluster_dns),
    ] {
        if value.is_some() {
            *field = value;
        }
    }
    if !req.tags.is_empty() {
        node.tags = req.tags;
    }
}

/// Frees the node's address and its EIP (one made for it is released).
pub fn delete(ctx: &Ctx<'_>, req: DeleteVirtualNodeRequest) -> Result<JsonBody, ApiError> {
    let region = network::region(&req.region_id)?;
    let partition = ctx
        .existing_partition(region)
        .ok_or_else(|| not_found(&req.virtual_node_id))?;
    let node = partition
        .write()
        .families
        .virtual_nodes
        .remove(&req.virtual_node_id)
        .ok_or_else(|| not_found(&req.virtual_node_id))?;
    let eip = node.eip.as_ref().map(|(id, _)| id.as_str());
    ctx.eci.network(region).lock().detach(&node.placement, eip);
    JsonBody::of(&json!({}))
}

pub fn describe(ctx: &Ctx<'_>, req: DescribeVirtualNodesRequest) -> Result<JsonBody, ApiError> {
    let region = network::region(&req.region_id)?;
    let limit = match req.limit {
        None => 20,
        Some(n @ 1..=20) => usize::try_from(n).unwrap_or(20),
        Some(_) => return Err(ApiError::invalid("Limit", "must be from 1 to 20")),
    };
    if let Some(status) = req.status.as_deref().filter(|s| !s.is_empty()) {
        if !["Pending", "Ready", "Failed"].contains(&status) {
            return Err(ApiError::invalid("Status", "must be Pending, Ready or Failed"));
        }
    }
    let Some(partition) = ctx.existing_partition(region) else {
        return JsonBody::of(&json!({"VirtualNodes": [], "TotalCount": 0, "NextToken": ""}));
    };
    let state = partition.read();
    let given = |f: &Option<String>| f.clone().filter(|v| !v.is_empty());
    let (name, status, rg) = (
        given(&req.virtual_node_name),
        given(&req.status),
        given(&req.resource_group_id),
    );
    let keys: Vec<IndexKey> = name
        .iter()
        .map(|n| IndexKey::new("VirtualNodeName", n.as_str()))
        .collect();
    let keep = |n: &VirtualNode| {
        req.virtual_node_ids.as_ref().is_none_or(|ids| ids.contains(&n.id))
            && status.as_deref().is_none_or(|s| n.stages.status() == s)
            && rg.as_ref().is_none_or(|rg| n.resource_group_id.as_ref() == Some(rg))
            && given(&req.security_group_id).is_none_or(|sg| n.placement.security_group_id == sg)
            && given(&req.v_switch_id).is_none_or(|vsw| n.placement.vswitch_id == vsw)
            && listing::carries_tags(&n.tags, &req.tags)
    };
    let query = listing::Query {
        keys: &keys,
        keep: Some(&keep),
        next_token: req.next_token.as_deref(),
        limit,
    };
    listing::table_page("VirtualNodes", &state.families.virtual_nodes, &query, |n| {
        view(n, &req.region_id)
    })
}

pub(super) fn not_found(id: &str) -> ApiError {
    let detail = format!("The specified VirtualNodeId \"{id}\" is not found.");
    ApiError::with_detail(ErrorCode::NotFound, &detail)
}
