//! `AllocateEipAddress`, `DescribeEipAddresses`, `ModifyEipAddressAttribute`, `AssociateEipAddress`,
//! `UnassociateEipAddress`, `ReleaseEipAddress`. An EIP is associated with a container group by the
//! group's id (`InstanceType` `EciInstance`, or left out); the group then shows it as its `InternetIp`.
//! EIPs a create made with `AutoCreateEip` go with their group and are not listed here.

use super::common::{
    change, comma_list, filter_matches, has_tags, network_of, page_of, tags_in, tags_out, KeyValue, Stated,
};
use super::rules::EipSpec;

use crate::error::catalogue::documented_error;
use crate::error::CompanionCode;
use crate::error::{ApiError, ErrorCode};
use crate::network::{Eip, RegionNetwork};
use crate::ops::Ctx;
use crate::protocol::JsonBody;
use serde::Deserialize;
use serde_json::{json, Value};

/// How an EIP bound to a container group shows its instance.
const ECI_INSTANCE: &str = "EciInstance";

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AllocateEipAddressRequest {
    pub region_id: String,
    pub bandwidth: Option<String>,
    pub internet_charge_type: Option<String>,
    pub instance_charge_type: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    #[serde(rename = "ISP")]
    pub isp: Option<String>,
    pub zone: Option<String>,
    /// `AntiDDoS_Enhanced` for Anti-DDoS Pro/Premium protection.
    #[serde(default)]
    pub security_protection_types: Vec<String>,
    pub client_token: Option<String>,
    pub resource_group_id: Option<String>,
    #[serde(default, rename = "Tag")]
    pub tags: Vec<KeyValue>,
}

pub fn allocate(ctx: &Ctx<'_>, req: AllocateEipAddressRequest) -> Result<JsonBody, ApiError> {
    let (_, network) = network_of(ctx, &req.region_id)?;
    let charge_type = req.instance_charge_type.as_deref().filter(|k| !k.is_empty());
    if charge_type.is_some_and(|kind| !matches!(kind, "PostPaid" | "PrePaid")) {
        return Err(ApiError::invalid(
            "InstanceChargeType",
            "it must be PostPaid or PrePaid",
        ));
    }
    let tags = tags_in(&req.tags)?;
    let stated = Stated {
        client_token: req.client_token.as_deref(),
        name: req.name.as_deref(),
        description: req.description.as_deref(),
        tags: &tags,
        resource_group_id: req.resource_group_id.as_deref(),
    };
    let made = change(ctx, "AllocateEipAddress", stated);
    let spec = EipSpec {
        bandwidth: req.bandwidth.as_deref(),
        charge_type: req.internet_charge_type.as_deref(),
        isp: req.isp.as_deref().filter(|s| !s.is_empty()),
        zone: req.zone.as_deref().filter(|s| !s.is_empty()),
        security_protection_types: &req.security_protection_types,
    };
    let mut net = network.lock();
    let (id, ip) = net.allocate_eip(&made, &spec)?;
    // The EIP's own group: a replayed token answers the group its first call put it in.
    let group = net
        .eips
        .get(&id)
        .map(|eip| eip.api.resource_group(&ctx.caller.account))
        .ok_or_else(|| ApiError::new(ErrorCode::InternalError))?;
    JsonBody::of(&json!({
        "AllocationId": id,
        "EipAddress": ip.to_string(),
        "ResourceGroupId": group,
    }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeEipAddressesRequest {
    pub region_id: String,
    pub allocation_id: Option<String>,
    pub eip_address: Option<String>,
    pub eip_name: Option<String>,
    pub status: Option<String>,
    pub associated_instance_id: Option<String>,
    pub associated_instance_type: Option<String>,
    pub resource_group_id: Option<String>,
    #[serde(rename = "ISP")]
    pub isp: Option<String>,
    /// `PostPaid` or `PrePaid`: every EIP here is pay-as-you-go.
    pub charge_type: Option<String>,
    pub page_number: Option<u32>,
    pub page_size: Option<u32>,
    #[serde(default, rename = "Tag")]
    pub tags: Vec<KeyValue>,
}

pub fn describe(ctx: &Ctx<'_>, req: DescribeEipAddressesRequest) -> Result<JsonBody, ApiError> {
    let (_, network) = network_of(ctx, &req.region_id)?;
    let wanted_tags = tags_in(&req.tags)?;
    let ids = comma_list(req.allocation_id.as_deref());
    let addresses = comma_list(req.eip_address.as_deref());
    let net = network.read();
    let account = ctx.caller.account.as_str();
    let mut found: Vec<&Eip> = net
        .eips
        .visible_to(account)
        .filter(|e| !e.auto_created)
        .filter(|e| ids.is_empty() || ids.contains(&e.allocation_id.as_str()))
        .filter(|e| addresses.is_empty() || addresses.contains(&e.ip_address.to_string().as_str()))
        .filter(|e| filter_matches(&req.eip_name, &e.api.name) && filter_matches(&req.status, status(e)))
        .filter(|e| filter_matches(&req.associated_instance_id, e.bound_to.as_deref().unwrap_or_default()))
        .filter(|e| filter_matches(&req.associated_instance_type, instance_type(e)))
        .filter(|e| filter_matches(&req.isp, e.isp.as_deref().unwrap_or("BGP")))
        .filter(|_| filter_matches(&req.charge_type, "PostPaid"))
        .filter(|e| filter_matches(&req.resource_group_id, &e.api.resource_group(account)))
        .filter(|e| has_tags(&e.api.tags, &wanted_tags))
        .collect();
    found.sort_by(|a, b| (a.api.created_at, &a.allocation_id).cmp(&(b.api.created_at, &b.allocation_id)));
    let page = page_of(found, req.page_number, req.page_size, 100)?;
    let items: Vec<Value> = page.items.iter().map(|e| view(&net, e, &ctx.caller.account)).collect();
    JsonBody::of(&json!({
        "TotalCount": page.total,
        "PageNumber": page.number,
        "PageSize": page.size,
        "EipAddresses": {"EipAddress": items},
    }))
}

fn status(eip: &Eip) -> &'static str {
    if eip.bound_to.is_some() {
        "InUse"
    } else {
        "Available"
    }
}

fn instance_type(eip: &Eip) -> &'static str {
    if eip.bound_to.is_some() {
        ECI_INSTANCE
    } else {
        ""
    }
}

/// An EIP as `DescribeEipAddresses` shows it to `caller`.
fn view(net: &RegionNetwork, eip: &Eip, caller: &str) -> Value {
    let bandwidth = eip.bandwidth.clone().unwrap_or_else(|| "5".to_owned());
    let bound = eip.bound_to.is_some();
    json!({
        "AllocationId": eip.allocation_id,
        "IpAddress": eip.ip_address.to_string(),
        "RegionId": net.region_id,
        "Status": status(eip),
        "InstanceId": eip.bound_to.clone().unwrap_or_default(),
        "InstanceType": instance_type(eip),
        "InstanceRegionId": if bound { net.region_id.as_str() } else { "" },
        "PrivateIpAddress": "",
        "VpcId": "",
        "Bandwidth": bandwidth,
        "EipBandwidth": bandwidth,
        "InternetChargeType": eip.internet_charge_type.clone().unwrap_or_else(|| "PayByBandwidth".to_owned()),
        "ChargeType": "PostPaid",
        "Name": eip.api.name,
        "Description": eip.api.description,
        // The service's own misspelling, answered beside the right one: the Terraform provider's
        // alicloud_eip_addresses reads the description from it.
        "Descritpion": eip.api.description,
        "AllocationTime": eip.api.creation_time(),
        "ExpiredTime": "",
        "ISP": eip.isp.as_deref().unwrap_or("BGP"),
        "Netmode": "public",
        "Mode": eip.mode.as_deref().unwrap_or("NAT"),
        "BizType": "",
        "BusinessStatus": "Normal",
        "DeletionProtection": eip.deletion_protection,
        "SecondLimited": false,
        "HDMonitorStatus": "OFF",
        "HasReservationData": "false",
        "ServiceManaged": 0,
        "BandwidthPackageId": "",
        "BandwidthPackageBandwidth": "",
        "BandwidthPackageType": "",
        "PublicIpAddressPoolId": "",
        "SegmentInstanceId": "",
        "Zone": eip.zone.as_deref().unwrap_or_default(),
        "ResourceGroupId": eip.api.resource_group(caller),
        // Where the address may be used: its own region (clients read this list, never absent).
        "AvailableRegions": {"AvailableRegion": [net.region_id.as_str()]},
        "OperationLocks": {"LockReason": []},
        "SecurityProtectionTypes": {"SecurityProtectionType": eip.security_protection_types},
        "Tags": tags_out(&eip.api.tags),
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ModifyEipAddressAttributeRequest {
    pub region_id: String,
    pub allocation_id: String,
    pub bandwidth: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
}

pub fn modify(ctx: &Ctx<'_>, req: ModifyEipAddressAttributeRequest) -> Result<JsonBody, ApiError> {
    let (_, network) = network_of(ctx, &req.region_id)?;
    let stated = Stated {
        name: req.name.as_deref(),
        description: req.description.as_deref(),
        ..Stated::default()
    };
    let made = change(ctx, "ModifyEipAddressAttribute", stated);
    network
        .lock()
        .modify_eip(&made, &req.allocation_id, req.bandwidth.as_deref())?;
    JsonBody::of(&json!({}))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssociationRequest {
    pub region_id: String,
    pub allocation_id: String,
    pub instance_id: Option<String>,
    pub instance_type: Option<String>,
    pub client_token: Option<String>,
}

/// `AssociateEipAddress` with a container group of the caller's: the group must be one of the caller's
/// and hold no EIP yet.
pub fn associate(ctx: &Ctx<'_>, req: AssociationRequest) -> Result<JsonBody, ApiError> {
    let (region, network) = network_of(ctx, &req.region_id)?;
    let action = "AssociateEipAddress";
    let instance = req
        .instance_id
        .as_deref()
        .filter(|i| !i.is_empty())
        .ok_or_else(|| ApiError::missing("InstanceId"))?;
    if let Some(kind) = req.instance_type.as_deref().filter(|k| !k.is_empty()) {
        if !matches!(kind, ECI_INSTANCE | "EcsInstance" | "NetworkInterface") {
            return Err(ApiError::invalid(
                "InstanceType",
                "a container group is associated as EciInstance",
            ));
        }
    }
    let partition = ctx.partition(region);
    let mut state = partition.write();
    let group = state
        .groups
        .get(instance)
        .ok_or_else(|| documented_error(action, CompanionCode::InvalidInstanceIdNotFound, None))?;
    if group.eip.is_some() {
        return Err(documented_error(action, CompanionCode::IncorrectInstanceStatus, None));
    }
    let mut net = network.lock();
    let ip = net.check_associable(&ctx.caller.account, &req.allocation_id)?;
    net.bind_eip(&req.allocation_id, instance)?;
    let bound = (req.allocation_id.clone(), ip);
    state.groups.update(instance, |g| g.eip = Some(bound));
    JsonBody::of(&json!({}))
}

pub fn unassociate(ctx: &Ctx<'_>, req: AssociationRequest) -> Result<JsonBody, ApiError> {
    let (region, network) = network_of(ctx, &req.region_id)?;
    let partition = ctx.partition(region);
    let mut state = partition.write();
    let mut net = network.lock();
    let holder = net.bound_holder(&ctx.caller.account, &req.allocation_id, req.instance_id.as_deref())?;
    net.unbind_eip(&req.allocation_id);
    state.groups.update(&holder, |g| g.eip = None);
    JsonBody::of(&json!({}))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReleaseEipAddressRequest {
    pub region_id: String,
    pub allocation_id: String,
}

pub fn release(ctx: &Ctx<'_>, req: ReleaseEipAddressRequest) -> Result<JsonBody, ApiError> {
    let (_, network) = network_of(ctx, &req.region_id)?;
    network
        .lock()
        .release_allocated_eip(&ctx.caller.account, &req.allocation_id)?;
    JsonBody::of(&json!({}))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeletionProtectionRequest {
    pub region_id: String,
    pub instance_id: String,
    pub protection_enable: Option<bool>,
    /// The kind of `InstanceId`: `EIP` (the default) is the one served.
    #[serde(rename = "Type")]
    pub instance_type: Option<String>,
}

/// `DeletionProtection` of an EIP.
pub fn deletion_protection(ctx: &Ctx<'_>, req: DeletionProtectionRequest) -> Result<JsonBody, ApiError> {
    if req
        .instance_type
        .as_deref()
        .is_some_and(|t| !t.is_empty() && !t.eq_ignore_ascii_case("EIP"))
    {
        return Err(ApiError::invalid("Type", "only EIP is served"));
    }
    let enabled = req
        .protection_enable
        .ok_or_else(|| ApiError::missing("ProtectionEnable"))?;
    let (_, network) = network_of(ctx, &req.region_id)?;
    network
        .lock()
        .protect_eip(&ctx.caller.account, &req.instance_id, enabled)?;
    JsonBody::of(&json!({}))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ForwardModeRequest {
    pub region_id: String,
    pub instance_id: String,
    pub mode: String,
}

/// `ModifyEipForwardMode`: how the EIP is bound (shown as its `Mode`).
pub fn forward_mode(ctx: &Ctx<'_>, req: ForwardModeRequest) -> Result<JsonBody, ApiError> {
    let (_, network) = network_of(ctx, &req.region_id)?;
    network
        .lock()
        .set_eip_mode(&ctx.caller.account, &req.instance_id, &req.mode)?;
    JsonBody::of(&json!({}))
}
