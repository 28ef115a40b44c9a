//! `CreateVpc`, `CreateDefaultVpc`, `DescribeVpcs`, `DescribeVpcAttribute`, `ModifyVpcAttribute`, `DeleteVpc`, and the
//! system route table every VPC has (`DescribeRouteTableList`, `ModifyRouteTableAttributes`).

use super::common::{
    change, comma_list, filter_matches, has_tags, network_of, owner_id, page_of, tags_in, tags_out, KeyValue, Stated,
};
use super::rules::{VpcChange, VpcSpec};
use crate::error::catalogue::documented_error;
use crate::error::CompanionCode;
use crate::error::{ApiError, ErrorCode};
use crate::network::{RegionNetwork, Vpc};
use crate::ops::Ctx;
use crate::protocol::JsonBody;
use serde::Deserialize;
use serde_json::{json, Value};
use time::OffsetDateTime;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateVpcRequest {
    pub region_id: String,
    pub cidr_block: Option<String>,
    pub vpc_name: Option<String>,
    pub description: Option<String>,
    pub user_cidr: Option<String>,
    pub client_token: Option<String>,
    pub resource_group_id: Option<String>,
    pub dry_run: Option<bool>,
    pub enable_ipv6: Option<bool>,
    pub enable_dns_hostname: Option<bool>,
    #[serde(default, rename = "Tag")]
    pub tags: Vec<KeyValue>,
}

pub fn create(ctx: &Ctx<'_>, req: CreateVpcRequest) -> Result<JsonBody, ApiError> {
    let (_, network) = network_of(ctx, &req.region_id)?;
    let tags = tags_in(&req.tags)?;
    let stated = Stated {
        client_token: req.client_token.as_deref(),
        name: req.vpc_name.as_deref(),
        description: req.description.as_deref(),
        tags: &tags,
        resource_group_id: req.resource_group_id.as_deref(),
    };
    let made = change(ctx, "CreateVpc", stated);
    let spec = VpcSpec {
        cidr_block: req.cidr_block.as_deref().filter(|c| !c.is_empty()),
        user_cidrs: comma_list(req.user_cidr.as_deref()),
        dry_run: req.dry_run == Some(true),
        enable_ipv6: req.enable_ipv6 == Some(true),
        dns_hostname: req.enable_dns_hostname == Some(true),
    };
    let mut net = network.lock();
    let id = net.create_vpc(&made, &spec)?;
    if spec.dry_run {
        // A dry run that names the client token of a VPC made before is answered as a dry run too.
        return Err(ApiError::new(ErrorCode::DryRunOperation));
    }
    let mut answer = made_answer(&net, &id)?;
    if let (Some(vpc), Value::Object(fields)) = (net.vpcs.get(&id), &mut answer) {
        fields.insert(
            "ResourceGroupId".into(),
            json!(vpc.api.resource_group(&ctx.caller.account)),
        );
    }
    JsonBody::of(&answer)
}

/// What a create answers of the VPC it made: its id, its router and its system route table.
fn made_answer(net: &RegionNetwork, id: &str) -> Result<Value, ApiError> {
    let vpc = net
        .vpcs
        .get(id)
        .ok_or_else(|| ApiError::new(ErrorCode::InternalError))?;
    Ok(json!({
        "VpcId": id,
        "VRouterId": router_id(vpc),
        "RouteTableId": route_table_id(vpc),
    }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateDefaultVpcRequest {
    pub region_id: String,
    pub enable_ipv6: Option<bool>,
    pub client_token: Option<String>,
    pub resource_group_id: Option<String>,
}

/// `CreateDefaultVpc`: the caller's own default VPC (`rules::default_network`).
pub fn create_default(ctx: &Ctx<'_>, req: CreateDefaultVpcRequest) -> Result<JsonBody, ApiError> {
    let (_, network) = network_of(ctx, &req.region_id)?;
    let stated = Stated {
        client_token: req.client_token.as_deref(),
        resource_group_id: req.resource_group_id.as_deref(),
        ..Stated::default()
    };
    let made = change(ctx, "CreateDefaultVpc", stated);
    let mut net = network.lock();
    let id = net.create_default_vpc(&made, req.enable_ipv6 == Some(true))?;
    JsonBody::of(&made_answer(&net, &id)?)
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeVpcsRequest {
    pub region_id: String,
    pub vpc_id: Option<String>,
    pub vpc_name: Option<String>,
    pub is_default: Option<bool>,
    pub resource_group_id: Option<String>,
    pub page_number: Option<u32>,
    pub page_size: Option<u32>,
    #[serde(default, rename = "Tag")]
    pub tags: Vec<KeyValue>,
}

pub fn describe(ctx: &Ctx<'_>, req: DescribeVpcsRequest) -> Result<JsonBody, ApiError> {
    let (_, network) = network_of(ctx, &req.region_id)?;
    let wanted_tags = tags_in(&req.tags)?;
    let ids = comma_list(req.vpc_id.as_deref());
    let now = ctx.eci.clock.now();
    let net = network.read();
    let account = ctx.caller.account.as_str();
    let mut vpcs: Vec<&Vpc> = net
        .vpcs
        .visible_to(account)
        .filter(|v| ids.is_empty() || ids.contains(&v.vpc_id.as_str()))
        .filter(|v| req.vpc_name.as_deref().is_none_or(|n| v.api.name == n))
        .filter(|v| req.is_default.is_none_or(|d| d == net.is_default_vpc(v, account)))
        .filter(|v| filter_matches(&req.resource_group_id, &v.api.resource_group(account)))
        .filter(|v| has_tags(&v.api.tags, &wanted_tags))
        .collect();
    vpcs.sort_by(|a, b| (a.api.created_at, &a.vpc_id).cmp(&(b.api.created_at, &b.vpc_id)));
    let page = page_of(vpcs, req.page_number, req.page_size, 50)?;
    let items: Vec<Value> = page.items.iter().map(|v| view(ctx, &net, v, now)).collect();
    JsonBody::of(&json!({
        "TotalCount": page.total,
        "PageNumber": page.number,
        "PageSize": page.size,
        "Vpcs": {"Vpc": items},
    }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VpcIdRequest {
    pub region_id: String,
    pub vpc_id: String,
    pub vpc_name: Option<String>,
    pub description: Option<String>,
    pub dry_run: Option<bool>,
    /// `ModifyVpcAttribute`'s new block.
    pub cidr_block: Option<String>,
    #[serde(rename = "EnableIPv6")]
    pub enable_ipv6: Option<bool>,
    pub enable_dns_hostname: Option<bool>,
}

pub fn attribute(ctx: &Ctx<'_>, req: VpcIdRequest) -> Result<JsonBody, ApiError> {
    let (_, network) = network_of(ctx, &req.region_id)?;
    let net = network.read();
    let vpc = net
        .visible_vpc(&req.vpc_id, &ctx.caller.account)
        .ok_or_else(|| documented_error("DescribeVpcAttribute", CompanionCode::InvalidVpcIdNotFound, None))?;
    let mut body = view(ctx, &net, vpc, ctx.eci.clock.now());
    if let Value::Object(fields) = &mut body {
        // What the listing shows and the attribute call's schema does not declare.
        for listing_only in ["CenStatus", "NatGatewayIds", "RouterTableIds"] {
            fields.remove(listing_only);
        }
        fields.insert("ClassicLinkEnabled".into(), json!(false));
        fields.insert("SupportIpv4Gateway".into(), json!(false));
        fields.insert("Ipv4GatewayId".into(), json!(""));
        fields.insert("DhcpOptionsSetId".into(), json!(""));
        fields.insert("CloudResources".into(), json!({"CloudResourceSetType": []}));
        fields.insert("AssociatedCens".into(), json!({"AssociatedCen": []}));
        fields.insert(
            "AssociatedPropagationSources".into(),
            json!({"AssociatedPropagationSources": []}),
        );
    }
    JsonBody::of(&body)
}

pub fn modify(ctx: &Ctx<'_>, req: VpcIdRequest) -> Result<JsonBody, ApiError> {
    let (_, network) = network_of(ctx, &req.region_id)?;
    let stated = Stated {
        name: req.vpc_name.as_deref(),
        description: req.description.as_deref(),
        ..Stated::default()
    };
    let asked = VpcChange {
        cidr_block: req.cidr_block.as_deref().filter(|c| !c.is_empty()),
        enable_ipv6: req.enable_ipv6,
        dns_hostname: req.enable_dns_hostname,
    };
    network
        .lock()
        .modify_vpc(&change(ctx, "ModifyVpcAttribute", stated), &req.vpc_id, &asked)?;
    JsonBody::of(&json!({}))
}

pub fn delete(ctx: &Ctx<'_>, req: VpcIdRequest) -> Result<JsonBody, ApiError> {
    let (_, network) = network_of(ctx, &req.region_id)?;
    let mut net = network.lock();
    let now = ctx.eci.clock.now();
    net.delete_vpc(&ctx.caller.account, &req.vpc_id, now, req.dry_run == Some(true))?;
    JsonBody::of(&json!({}))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VpcCidrRequest {
    pub region_id: String,
    pub vpc_id: String,
    pub secondary_cidr_block: Option<String>,
    /// Only `IPV4` blocks are served.
    pub ip_version: Option<String>,
}

/// `AssociateVpcCidrBlock` and `UnassociateVpcCidrBlock` of an IPv4 `SecondaryCidrBlock`.
pub fn secondary_cidr(ctx: &Ctx<'_>, associate: bool, req: VpcCidrRequest) -> Result<JsonBody, ApiError> {
    if req
        .ip_version
        .as_deref()
        .is_some_and(|v| !v.eq_ignore_ascii_case("IPV4"))
    {
        return Err(ApiError::invalid("IpVersion", "only IPV4 secondary blocks are served"));
    }
    let block = req
        .secondary_cidr_block
        .as_deref()
        .filter(|b| !b.is_empty())
        .ok_or_else(|| ApiError::missing("SecondaryCidrBlock"))?;
    let (_, network) = network_of(ctx, &req.region_id)?;
    let mut net = network.lock();
    if associate {
        net.associate_vpc_cidr(&ctx.caller.account, &req.vpc_id, block)?;
    } else {
        net.unassociate_vpc_cidr(&ctx.caller.account, &req.vpc_id, block)?;
    }
    JsonBody::of(&json!({}))
}

/// The VPC's router: one per VPC, named after it.
pub fn router_id(vpc: &Vpc) -> String {
    format!("vrt-{}", vpc.vpc_id.trim_start_matches("vpc-"))
}

/// The VPC's system route table, named after it.
pub fn route_table_id(vpc: &Vpc) -> String {
    format!("vtb-{}", vpc.vpc_id.trim_start_matches("vpc-"))
}

fn vswitch_ids(net: &RegionNetwork, vpc: &Vpc, account: &str) -> Vec<String> {
    net.vswitches_under(&crate::network::in_vpc_key(&vpc.vpc_id))
        .filter(|v| v.shown_to(account))
        .map(|v| v.v_switch_id.clone())
        .collect()
}

fn view(ctx: &Ctx<'_>, net: &RegionNetwork, vpc: &Vpc, now: OffsetDateTime) -> Value {
    let ipv6_blocks: Vec<Value> = vpc
        .ipv6_cidr_block
        .iter()
        .map(|b| json!({"Ipv6CidrBlock": b.to_string(), "Ipv6Isp": "BGP"}))
        .collect();
    json!({
        "VpcId": vpc.vpc_id,
        "RegionId": net.region_id,
        "Status": vpc.api.status(now),
        "VpcName": vpc.api.name,
        "Description": vpc.api.description,
        "CreationTime": vpc.api.creation_time(),
        "CidrBlock": vpc.cidr_block.to_string(),
        "Ipv6CidrBlock": vpc.ipv6_cidr_block.map(|b| b.to_string()).unwrap_or_default(),
        "Ipv6CidrBlocks": {"Ipv6CidrBlock": ipv6_blocks},
        "SecondaryCidrBlocks": {"SecondaryCidrBlock": vpc.secondary_cidrs.iter().map(ToString::to_string).collect::<Vec<_>>()},
        "UserCidrs": {"UserCidr": vpc.user_cidrs},
        "VRouterId": router_id(vpc),
        "RouterTableIds": {"RouterTableIds": [route_table_id(vpc)]},
        "NatGatewayIds": {"NatGatewayIds": []},
        "VSwitchIds": {"VSwitchId": vswitch_ids(net, vpc, &ctx.caller.account)},
        "IsDefault": net.is_default_vpc(vpc, &ctx.caller.account),
        "EnabledIpv6": vpc.ipv6_cidr_block.is_some(),
        "DhcpOptionsSetStatus": "Available",
        "DnsHostnameStatus": if vpc.dns_hostname { "ENABLED" } else { "DISABLED" },
        "CenStatus": "",
        "ResourceGroupId": vpc.api.resource_group(&ctx.caller.account),
        "OwnerId": owner_id(ctx),
        "Tags": tags_out(&vpc.api.tags),
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeRouteTableListRequest {
    pub region_id: String,
    pub vpc_id: Option<String>,
    pub route_table_id: Option<String>,
    pub route_table_name: Option<String>,
    pub route_table_type: Option<String>,
    pub router_id: Option<String>,
    pub router_type: Option<String>,
    pub page_number: Option<u32>,
    pub page_size: Option<u32>,
}

pub fn route_tables(ctx: &Ctx<'_>, req: DescribeRouteTableListRequest) -> Result<JsonBody, ApiError> {
    let (_, network) = network_of(ctx, &req.region_id)?;
    let net = network.read();
    let account = ctx.caller.account.as_str();
    let mut vpcs: Vec<&Vpc> = net
        .vpcs
        .visible_to(account)
        .filter(|v| filter_matches(&req.vpc_id, &v.vpc_id))
        .filter(|v| filter_matches(&req.route_table_id, &route_table_id(v)))
        .filter(|v| filter_matches(&req.router_id, &router_id(v)))
        .filter(|v| filter_matches(&req.route_table_name, &v.route_table.name))
        .filter(|_| filter_matches(&req.route_table_type, "System") && filter_matches(&req.router_type, "VRouter"))
        .collect();
    vpcs.sort_by(|a, b| (a.api.created_at, &a.vpc_id).cmp(&(b.api.created_at, &b.vpc_id)));
    let page = page_of(vpcs, req.page_number, req.page_size, 50)?;
    let items: Vec<Value> = page
        .items
        .iter()
        .map(|vpc| {
            json!({
                "VpcId": vpc.vpc_id,
                "RouterId": router_id(vpc),
                "RouterType": "VRouter",
                "RouteTableId": route_table_id(vpc),
                "RouteTableName": vpc.route_table.name,
                "RouteTableType": "System",
                "Description": vpc.route_table.description,
                "CreationTime": vpc.api.creation_time(),
                "Status": "Available",
                "AssociateType": "VSwitch",
                "RoutePropagationEnable": true,
                "ResourceGroupId": vpc.api.resource_group(&ctx.caller.account),
                "OwnerId": owner_id(ctx),
                "VSwitchIds": {"VSwitchId": vswitch_ids(&net, vpc, account)},
                "GatewayIds": {"GatewayIds": []},
                "Tags": tags_out(&[]),
            })
        })
        .collect();
    // The call's own success fields, which clients check (`Code` "200") where other VPC calls have none.
    JsonBody::of(&json!({
        "Code": "200",
        "Success": true,
        "Message": "successful",
        "TotalCount": page.total,
        "PageNumber": page.number,
        "PageSize": page.size,
        "RouterTableList": {"RouterTableListType": items},
    }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ModifyRouteTableAttributesRequest {
    pub region_id: String,
    pub route_table_id: String,
    pub route_table_name: Option<String>,
    pub description: Option<String>,
}

pub fn modify_route_table(ctx: &Ctx<'_>, req: ModifyRouteTableAttributesRequest) -> Result<JsonBody, ApiError> {
    let (_, network) = network_of(ctx, &req.region_id)?;
    let stated = Stated {
        name: req.route_table_name.as_deref(),
        description: req.description.as_deref(),
        ..Stated::default()
    };
    let made = change(ctx, "ModifyRouteTableAttributes", stated);
    network.lock().modify_route_table(&made, &req.route_table_id)?;
    JsonBody::of(&json!({}))
}
