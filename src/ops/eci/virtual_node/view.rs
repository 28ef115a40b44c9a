//! A virtual node as `DescribeVirtualNodes` shows it.

use super::model::*;
use crate::ops::eci::events;
use crate::ops::eci::listing;
use crate::util::format_rfc3339_seconds;
use serde_json::{json, Value};

pub(super) fn view(node: &VirtualNode, region_id: &str) -> Value {
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
        // The same placement under the names the Terraform provider reads it by (docs/compatibility.md).
        "VSwitchId": node.placement.vswitch_id,
        "SecurityGroupId": node.placement.security_group_id,
        "ZoneId": node.placement.zone_id,
        "IntranetIp": node.placement.ip.to_string(),
        "InternetIp": node.eip.as_ref().map(|(_, ip)| ip.to_string()).unwrap_or_default(),
        "ResourceGroupId": node.resource_group_id.as_deref().unwrap_or_default(),
        "Tags": listing::tags_json(&node.tags),
        "Events": events,
    })
}
