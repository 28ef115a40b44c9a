//! Virtual nodes: create (placed in the network like a group: an address from its vSwitch, an EIP when
//! asked), update, delete and describe, passing `Pending → Ready`.

use crate::error::{ApiError, ErrorCode};
use crate::lifecycle::stages::Stages;
use crate::network::EipChoice;
use crate::network::{self, Placement, PlacementRequest};
use crate::ops::container_group::dto::TagSpec;
use crate::ops::events::{self, Note};
use crate::ops::partition::{insert_progressing, Due, Progress};
use crate::ops::{listing, Ctx};
use crate::protocol::{json_in_string, JsonBody};
use crate::store::{IndexKey, Record};
use crate::util::format_rfc3339_seconds;
use crate::validate::{Check, FieldRule, Pattern, RuleTable};
use serde::Deserialize;
use serde_json::{json, Value};
use std::net::Ipv4Addr;
use time::OffsetDateTime;

const STAGES: &[&str] = &["Pending", "Ready"];
const STAGE_MS: u32 = 300;

const NODE_NAME: Pattern = Pattern {
    test: |v| {
        let chars_ok = v
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-');
        (2..=128).contains(&v.len()) && chars_ok
    },
    description: "2 to 128 characters of lower-case letters, digits, dots and hyphens",
    valid: &["vk-1", "node.a"],
    invalid: &["a", "Node", "a_b"],
};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateVirtualNodeRequest {
    pub region_id: String,
    pub zone_id: Option<String>,
    pub security_group_id: String,
    #[serde(rename = "VSwitchId")]
    pub vswitch_id: String,
    pub virtual_node_name: Option<String>,
    pub resource_group_id: Option<String>,
    pub client_token: Option<String>,
    pub enable_public_network: Option<bool>,
    pub eip_instance_id: Option<String>,
    pub kube_config: Option<String>,
    pub custom_resources: Option<String>,
    pub cluster_domain: Option<String>,
    #[serde(rename = "ClusterDNS")]
    pub cluster_dns: Option<String>,
    #[serde(default, rename = "Tag")]
    pub tags: Vec<TagSpec>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateVirtualNodeRequest {
    pub region_id: String,
    pub virtual_node_id: String,
    pub virtual_node_name: Option<String>,
    pub custom_resources: Option<String>,
    pub cluster_domain: Option<String>,
    #[serde(rename = "ClusterDNS")]
    pub cluster_dns: Option<String>,
    #[serde(default, rename = "Tag")]
    pub tags: Vec<TagSpec>,
    pub client_token: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteVirtualNodeRequest {
    pub region_id: String,
    pub virtual_node_id: String,
    pub client_token: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeVirtualNodesRequest {
    pub region_id: String,
    pub virtual_node_name: Option<String>,
    #[serde(default, deserialize_with = "json_in_string")]
    pub virtual_node_ids: Option<Vec<String>>,
    pub status: Option<String>,
    pub resource_group_id: Option<String>,
    #[serde(default, rename = "Tag")]
    pub tags: Vec<TagSpec>,
    pub limit: Option<i64>,
    pub next_token: Option<String>,
}

pub static CREATE_RULES: RuleTable = RuleTable::new(&[&[
    FieldRule::required("RegionId", &[]),
    FieldRule::required("SecurityGroupId", &[Check::Len(1, 64)]),
    FieldRule::required("VSwitchId", &[Check::Len(1, 1024)]),
    FieldRule::optional("VirtualNodeName", &[Check::Pattern(NODE_NAME)]),
    FieldRule::optional("Tag", &[Check::MaxItems(20)]),
    FieldRule::optional("ClientToken", &[Check::Ascii, Check::Len(1, 64)]),
]]);

pub static UPDATE_RULES: RuleTable = RuleTable::new(&[&[
    FieldRule::required("RegionId", &[]),
    FieldRule::required("VirtualNodeId", &[Check::Len(1, 64)]),
    FieldRule::optional("VirtualNodeName", &[Check::Pattern(NODE_NAME)]),
    FieldRule::optional("Tag", &[Check::MaxItems(20)]),
]]);

#[derive(Debug, Clone)]
pub struct VirtualNode {
    pub id: String,
    pub name: String,
    pub placement: Placement,
    pub eip: Option<(String, Ipv4Addr)>,
    pub resource_group_id: Option<String>,
    pub custom_resources: Option<String>,
    pub cluster_domain: Option<String>,
    pub cluster_dns: Option<String>,
    pub tags: Vec<TagSpec>,
    pub created_at: OffsetDateTime,
    pub stages: Stages,
    pub events: Vec<Note>,
}

impl Record for VirtualNode {
    fn id(&self) -> &str {
        &self.id
    }

    fn index_keys(&self) -> Vec<IndexKey> {
        vec![IndexKey::new("VirtualNodeName", self.name.as_str())]
    }
}

impl Progress for VirtualNode {
    fn due(&self) -> Option<OffsetDateTime> {
        self.stages.due
    }

    fn advance(&mut self, now: OffsetDateTime) {
        let before = self.stages.status();
        self.stages.advance_to(now);
        if before != "Ready" && self.stages.status() == "Ready" {
            let message = format!("Node {} status is now: NodeReady", self.name);
            self.events.push(Note::new("NodeReady", message, self.stages.since));
        }
    }
}

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
    };
    let (placement, eip) = {
        let network = ctx.eci.network(region);
        let mut net = network.lock();
        let placement = net.place(&placement_request, ctx.eci.strict_network)?;
        let choice = EipChoice::from_request(req.eip_instance_id.as_deref(), req.enable_public_network == Some(true));
        let eip = net.attach_eip(&placement, choice, &id, &ctx.eci.ids)?;
        (placement, eip)
    };
    let mut node = VirtualNode {
        name: req.virtual_node_name.unwrap_or_else(|| id.clone()),
        id: id.clone(),
        placement,
        eip,
        resource_group_id: req.resource_group_id,
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
    insert_progressing(&mut state.virtual_nodes, &mut state.due, node, Due::VirtualNode);
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
        .virtual_nodes
        .update(&id, |node| apply_update(node, req))
        .ok_or_else(|| not_found(&id))?;
    JsonBody::of(&json!({}))
}

fn apply_update(node: &mut VirtualNode, req: UpdateVirtualNodeRequest) {
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
            && listing::carries_tags(&n.tags, &req.tags)
    };
    let query = listing::Query {
        keys: &keys,
        keep: Some(&keep),
        next_token: req.next_token.as_deref(),
        limit,
    };
    listing::table_page("VirtualNodes", &state.virtual_nodes, &query, |n| {
        view(n, &req.region_id)
    })
}

fn view(node: &VirtualNode, region_id: &str) -> Value {
    let created = format_rfc3339_seconds(node.created_at);
    let events = events::views(&node.id, &node.events);
    json!({
        "VirtualNodeId": node.id,
        "VirtualNodeName": node.name,
        "RegionId": region_id,
        "Status": node.stages.status(),
        "CreationTime": created,
        "VpcId": node.placement.vpc_id,
        "VirtualNodeVSwitchId": node.placement.vswitch_id,
        "VirtualNodeSecurityGroupId": node.placement.security_group_id,
        "IntranetIp": node.placement.ip.to_string(),
        "InternetIp": node.eip.as_ref().map(|(_, ip)| ip.to_string()).unwrap_or_default(),
        "ResourceGroupId": node.resource_group_id.as_deref().unwrap_or_default(),
        "Tags": listing::tags_json(&node.tags),
        "Events": events,
    })
}

fn not_found(id: &str) -> ApiError {
    let detail = format!("The specified VirtualNodeId \"{id}\" is not found.");
    ApiError::with_detail(ErrorCode::NotFound, &detail)
}
