//! `CreateVSwitch`, `CreateDefaultVSwitch`, `DescribeVSwitches`, `DescribeVSwitchAttributes`, `ModifyVSwitchAttribute`,
//! `DeleteVSwitch`: the vSwitches container groups are placed on, with their free addresses.

use super::common::{
    change, comma_list, filter_matches, has_tags, network_of, owner_id, page_of, tags_in, tags_out, KeyValue, Stated,
};
use super::vpcs::route_table_id;
use crate::error::catalogue::documented_error;
use crate::error::ApiError;
use crate::error::CompanionCode;
use crate::network::{RegionNetwork, VSwitch};
use crate::ops::Ctx;
use crate::protocol::JsonBody;
use serde::Deserialize;
use serde_json::{json, Value};
use time::OffsetDateTime;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateVSwitchRequest {
    pub region_id: String,
    pub vpc_id: String,
    pub zone_id: String,
    pub cidr_block: String,
    #[serde(rename = "VSwitchName")]
    pub v_switch_name: Option<String>,
    pub description: Option<String>,
    pub client_token: Option<String>,
    /// The number (0–255) of the /64 of the VPC's IPv6 block the vSwitch takes.
    pub ipv6_cidr_block: Option<u8>,
    #[serde(default, rename = "Tag")]
    pub tags: Vec<KeyValue>,
}

pub fn create(ctx: &Ctx<'_>, req: CreateVSwitchRequest) -> Result<JsonBody, ApiError> {
    let (_, network) = network_of(ctx, &req.region_id)?;
    let tags = tags_in(&req.tags)?;
    let stated = Stated {
        client_token: req.client_token.as_deref(),
        name: req.v_switch_name.as_deref(),
        description: req.description.as_deref(),
        tags: &tags,
        resource_group_id: None,
    };
    let made = change(ctx, "CreateVSwitch", stated);
    let id = network
        .lock()
        .create_vswitch(&made, &req.vpc_id, &req.zone_id, &req.cidr_block, req.ipv6_cidr_block)?;
    JsonBody::of(&json!({ "VSwitchId": id }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateDefaultVSwitchRequest {
    pub region_id: String,
    pub zone_id: String,
    pub client_token: Option<String>,
    /// The number (0–255) of the /64 of the VPC's IPv6 block the vSwitch takes.
    pub ipv6_cidr_block: Option<u8>,
}

/// `CreateDefaultVSwitch`: the zone's default vSwitch in the caller's own default VPC
/// (`rules::default_network`).
pub fn create_default(ctx: &Ctx<'_>, req: CreateDefaultVSwitchRequest) -> Result<JsonBody, ApiError> {
    let (_, network) = network_of(ctx, &req.region_id)?;
    let stated = Stated {
        client_token: req.client_token.as_deref(),
        ..Stated::default()
    };
    let made = change(ctx, "CreateDefaultVSwitch", stated);
    let id = network
        .lock()
        .create_default_vswitch(&made, &req.zone_id, req.ipv6_cidr_block)?;
    JsonBody::of(&json!({ "VSwitchId": id }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeVSwitchesRequest {
    pub region_id: Option<String>,
    pub vpc_id: Option<String>,
    #[serde(rename = "VSwitchId")]
    pub v_switch_id: Option<String>,
    #[serde(rename = "VSwitchName")]
    pub v_switch_name: Option<String>,
    pub zone_id: Option<String>,
    pub is_default: Option<bool>,
    pub route_table_id: Option<String>,
    pub resource_group_id: Option<String>,
    pub page_number: Option<u32>,
    pub page_size: Option<u32>,
    #[serde(default, rename = "Tag")]
    pub tags: Vec<KeyValue>,
}

pub fn describe(ctx: &Ctx<'_>, req: DescribeVSwitchesRequest) -> Result<JsonBody, ApiError> {
    let region_id = req.region_id.clone().filter(|r| !r.is_empty()).or_else(|| {
        let zone = req.zone_id.as_deref()?;
        crate::network::region_of_zone(zone).map(|r| r.region_id.clone())
    });
    let region_id = region_id.ok_or_else(|| ApiError::missing("RegionId"))?;
    let (_, network) = network_of(ctx, &region_id)?;
    let wanted_tags = tags_in(&req.tags)?;
    let ids = comma_list(req.v_switch_id.as_deref());
    let now = ctx.eci.clock.now();
    let net = network.read();
    let account = ctx.caller.account.as_str();
    let mut found: Vec<&VSwitch> = net
        .vswitches_visible_to(account)
        .filter(|v| ids.is_empty() || ids.contains(&v.v_switch_id.as_str()))
        .filter(|v| filter_matches(&req.vpc_id, &v.vpc_id) && filter_matches(&req.zone_id, &v.zone_id))
        .filter(|v| filter_matches(&req.v_switch_name, &v.api.name))
        .filter(|v| req.is_default.is_none_or(|d| d == net.is_default_vswitch(v, account)))
        .filter(|v| filter_matches(&req.route_table_id, &vswitch_route_table(&net, v)))
        .filter(|v| filter_matches(&req.resource_group_id, &v.api.resource_group(account)))
        .filter(|v| has_tags(&v.api.tags, &wanted_tags))
        .collect();
    found.sort_by(|a, b| (a.api.created_at, &a.v_switch_id).cmp(&(b.api.created_at, &b.v_switch_id)));
    let page = page_of(found, req.page_number, req.page_size, 50)?;
    let items: Vec<Value> = page.items.iter().map(|v| view(ctx, &net, v, now)).collect();
    JsonBody::of(&json!({
        "TotalCount": page.total,
        "PageNumber": page.number,
        "PageSize": page.size,
        "VSwitches": {"VSwitch": items},
    }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VSwitchIdRequest {
    pub region_id: Option<String>,
    #[serde(rename = "VSwitchId")]
    pub v_switch_id: String,
    #[serde(rename = "VSwitchName")]
    pub v_switch_name: Option<String>,
    pub description: Option<String>,
    #[serde(rename = "EnableIPv6")]
    pub enable_ipv6: Option<bool>,
    pub ipv6_cidr_block: Option<u8>,
}

/// The region of a call naming a vSwitch: `RegionId`, or the one its id carries.
fn region_of(req: &VSwitchIdRequest) -> Result<String, ApiError> {
    match req.region_id.clone().filter(|r| !r.is_empty()) {
        Some(region) => Ok(region),
        None => crate::network::region_of_resource_id(&req.v_switch_id)
            .map(|r| r.region_id.clone())
            .ok_or_else(|| ApiError::missing("RegionId")),
    }
}

pub fn attributes(ctx: &Ctx<'_>, req: VSwitchIdRequest) -> Result<JsonBody, ApiError> {
    let (_, network) = network_of(ctx, &region_of(&req)?)?;
    let net = network.read();
    let vswitch = net
        .visible_vswitch(&req.v_switch_id, &ctx.caller.account)
        .ok_or_else(|| {
            documented_error(
                "DescribeVSwitchAttributes",
                CompanionCode::InvalidVSwitchIdNotFound,
                None,
            )
        })?;
    JsonBody::of(&view(ctx, &net, vswitch, ctx.eci.clock.now()))
}

pub fn modify(ctx: &Ctx<'_>, req: VSwitchIdRequest) -> Result<JsonBody, ApiError> {
    let (_, network) = network_of(ctx, &region_of(&req)?)?;
    let stated = Stated {
        name: req.v_switch_name.as_deref(),
        description: req.description.as_deref(),
        ..Stated::default()
    };
    let made = change(ctx, "ModifyVSwitchAttribute", stated);
    network
        .lock()
        .modify_vswitch(&made, &req.v_switch_id, req.enable_ipv6, req.ipv6_cidr_block)?;
    JsonBody::of(&json!({}))
}

pub fn delete(ctx: &Ctx<'_>, req: VSwitchIdRequest) -> Result<JsonBody, ApiError> {
    let (_, network) = network_of(ctx, &region_of(&req)?)?;
    let now = ctx.eci.clock.now();
    network
        .lock()
        .delete_vswitch(&ctx.caller.account, &req.v_switch_id, now)?;
    JsonBody::of(&json!({}))
}

fn vswitch_route_table(net: &RegionNetwork, vswitch: &VSwitch) -> String {
    net.vpcs.get(&vswitch.vpc_id).map(route_table_id).unwrap_or_default()
}

fn view(ctx: &Ctx<'_>, net: &RegionNetwork, vswitch: &VSwitch, now: OffsetDateTime) -> Value {
    json!({
        "VSwitchId": vswitch.v_switch_id,
        "VpcId": vswitch.vpc_id,
        "ZoneId": vswitch.zone_id,
        "Status": vswitch.api.status(now),
        "CidrBlock": vswitch.cidr_block.to_string(),
        "Ipv6CidrBlock": vswitch.ipv6_cidr_block.map(|b| b.to_string()).unwrap_or_default(),
        "EnabledIpv6": vswitch.ipv6_cidr_block.is_some(),
        "AvailableIpAddressCount": vswitch.addresses_free(),
        "VSwitchName": vswitch.api.name,
        "Description": vswitch.api.description,
        "CreationTime": vswitch.api.creation_time(),
        "IsDefault": net.is_default_vswitch(vswitch, &ctx.caller.account),
        "ResourceGroupId": vswitch.api.resource_group(&ctx.caller.account),
        "NetworkAclId": "",
        "ShareType": "",
        "OwnerId": owner_id(ctx),
        "RouteTable": {"RouteTableId": vswitch_route_table(net, vswitch), "RouteTableType": "System"},
        "Tags": tags_out(&vswitch.api.tags),
    })
}
