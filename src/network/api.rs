//! What VPC and ECS calls make and change in the network model: VPCs with their system route table,
//! vSwitches, security groups with their rules, EIPs; their names, tags, owners and statuses; and the
//! checks the services make before each change (CIDR rules, quotas, what still depends on what).
//!
//! Emulator choices, where the documentation is silent: what the default network and fixtures
//! declare has no owner, every account sees it and none may change or delete it through the API
//! (`Forbidden.RAM`); quotas are the services' documented defaults (10 VPCs and 20 EIPs per account and
//! region, 150 vSwitches per VPC, 100 security groups per account and region, 200 rules per group,
//! 20 tags per resource).

use super::{owner_key, Eip, RegionNetwork, SavedVSwitch, SecurityGroup, Vpc};
use crate::error::catalogue::documented_error;
use crate::error::{ApiError, CompanionCode, ErrorCode};
use crate::util::IdGenerator;
use ipnet::Ipv4Net;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use time::OffsetDateTime;

const VPC_QUOTA: usize = 10;
const VSWITCH_QUOTA: usize = 150;
const SECURITY_GROUP_QUOTA: usize = 100;
const EIP_QUOTA: usize = 20;
const RULE_QUOTA: usize = 200;
const TAG_QUOTA: usize = 20;
/// The private ranges a VPC's block may be taken from, as the VPC console offers them.
const PRIVATE_RANGES: [&str; 3] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

/// One tag of a network resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

/// What the API shows of a network resource beyond its shape.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attributes {
    /// The account that made it through the API; none for what the defaults and fixtures declare.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub created_at: Option<OffsetDateTime>,
    /// `Pending` until then, `Available` from then on; none is available from the start.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub available_at: Option<OffsetDateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_group_id: Option<String>,
}

impl Attributes {
    /// Whether `account` sees it: its own, or declared for everyone.
    pub fn visible_to(&self, account: &str) -> bool {
        self.owner.as_deref().is_none_or(|owner| owner == account)
    }

    pub fn status(&self, now: OffsetDateTime) -> &'static str {
        match self.available_at {
            Some(at) if at > now => "Pending",
            _ => "Available",
        }
    }

    pub fn creation_time(&self) -> String {
        self.created_at
            .map(crate::util::format_rfc3339_seconds)
            .unwrap_or_default()
    }
}

/// The name and description of a VPC's system route table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RouteTable {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

/// One rule of a security group, as `AuthorizeSecurityGroup[Egress]` takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecurityRule {
    pub rule_id: String,
    /// `ingress` or `egress`.
    pub direction: String,
    /// Upper case, as the service shows it: `TCP`, `UDP`, `ICMP`, `ICMPV6`, `GRE`, `ALL`.
    pub ip_protocol: String,
    pub port_range: String,
    #[serde(default)]
    pub source_port_range: String,
    /// `Accept` or `Drop`.
    pub policy: String,
    pub priority: u32,
    pub nic_type: String,
    /// The other end: a CIDR block (IPv4 or IPv6) or another group, in the rule's direction.
    #[serde(default)]
    pub cidr_ip: String,
    #[serde(default)]
    pub ipv6_cidr_ip: String,
    #[serde(default)]
    pub group_id: String,
    #[serde(default)]
    pub description: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl SecurityRule {
    /// Whether two rules are the same rule (a second `Authorize` of it adds nothing).
    fn same_as(&self, other: &SecurityRule) -> bool {
        (
            &self.direction,
            &self.ip_protocol,
            &self.port_range,
            &self.source_port_range,
            &self.policy,
            self.priority,
            &self.nic_type,
            &self.cidr_ip,
            &self.ipv6_cidr_ip,
            &self.group_id,
        ) == (
            &other.direction,
            &other.ip_protocol,
            &other.port_range,
            &other.source_port_range,
            &other.policy,
            other.priority,
            &other.nic_type,
            &other.cidr_ip,
            &other.ipv6_cidr_ip,
            &other.group_id,
        )
    }
}

/// Who makes a resource, when, and what the call said about it.
pub struct NetworkChange<'a> {
    pub action: &'static str,
    pub account: &'a str,
    pub now: OffsetDateTime,
    /// How long a new VPC or vSwitch stays `Pending` (zero: `Available` at once).
    pub pending_for: time::Duration,
    pub ids: &'a IdGenerator,
    pub client_token: Option<&'a str>,
    pub name: Option<&'a str>,
    pub description: Option<&'a str>,
    pub tags: &'a [Tag],
    pub resource_group_id: Option<&'a str>,
}

impl NetworkChange<'_> {
    fn attributes(&self, pending: bool) -> Attributes {
        Attributes {
            owner: Some(self.account.to_owned()),
            name: self.name.unwrap_or_default().to_owned(),
            description: self.description.unwrap_or_default().to_owned(),
            tags: self.tags.to_vec(),
            created_at: Some(self.now),
            available_at: (pending && self.pending_for > time::Duration::ZERO).then(|| self.now + self.pending_for),
            resource_group_id: self.resource_group_id.map(str::to_owned),
        }
    }

    fn token_key(&self) -> Option<String> {
        let token = self.client_token.filter(|t| !t.is_empty())?;
        Some(format!("{}/{}/{token}", self.account, self.action))
    }
}

/// What a VPC create asks for.
pub struct VpcSpec<'a> {
    pub cidr_block: Option<&'a str>,
    pub user_cidrs: Vec<&'a str>,
    /// Check everything and answer `DryRunOperation` instead of making it.
    pub dry_run: bool,
}

/// A rule as a call states it, before it is checked.
#[derive(Debug, Default, Clone)]
pub struct RuleSpec {
    pub ip_protocol: Option<String>,
    pub port_range: Option<String>,
    pub source_port_range: Option<String>,
    pub policy: Option<String>,
    pub priority: Option<String>,
    pub nic_type: Option<String>,
    pub cidr_ip: Option<String>,
    pub ipv6_cidr_ip: Option<String>,
    pub group_id: Option<String>,
    pub description: Option<String>,
}

/// What a resource type of `TagResources` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Taggable {
    Vpc,
    VSwitch,
    RouteTable,
    Eip,
    SecurityGroup,
}

/// A shared resource: what the defaults and fixtures declare is not the caller's to change.
fn shared() -> ApiError {
    ApiError::new(ErrorCode::ForbiddenRam)
}

fn owned(api: &Attributes) -> Result<(), ApiError> {
    match api.owner {
        Some(_) => Ok(()),
        None => Err(shared()),
    }
}

/// Whether a name or description, if given, is as the services take one: `min` to `max` characters,
/// and not a URL.
fn text_fits(text: Option<&str>, min: usize, max: usize) -> bool {
    text.is_none_or(|text| {
        let len = text.chars().count();
        (min..=max).contains(&len) && !text.starts_with("http://") && !text.starts_with("https://")
    })
}

/// A name or description as the VPC product checks it, refused with the action's documented `code`.
fn check_text(text: Option<&str>, min: usize, max: usize, action: &str, code: CompanionCode) -> Result<(), ApiError> {
    if text_fits(text, min, max) {
        Ok(())
    } else {
        Err(documented_error(action, code, None))
    }
}

/// A VPC's name (1–128 characters) and description (1–256), when given.
fn check_vpc_texts(change: &NetworkChange<'_>) -> Result<(), ApiError> {
    let action = change.action;
    check_text(change.name, 1, 128, action, CompanionCode::InvalidVpcNameMalformed)?;
    check_text(
        change.description,
        1,
        256,
        action,
        CompanionCode::InvalidVpcDiscriptionMalformed,
    )
}

/// A tag set as the services accept it: at most 20, keys 1–128 characters not starting with
/// `aliyun` or `acs:`, values at most 128.
pub fn check_tags(tags: &[Tag]) -> Result<(), ApiError> {
    if tags.len() > TAG_QUOTA {
        return Err(documented_error(
            "TagResources",
            CompanionCode::QuotaExceededTagNum,
            None,
        ));
    }
    for tag in tags {
        let key_len = tag.key.chars().count();
        let reserved = tag.key.starts_with("aliyun") || tag.key.starts_with("acs:");
        if key_len == 0 || key_len > 128 || reserved || tag.value.chars().count() > 128 {
            return Err(documented_error(
                "TagResources",
                CompanionCode::InvalidTagKeyMalformed,
                None,
            ));
        }
    }
    Ok(())
}

fn parse_cidr(text: &str, action: &str) -> Result<Ipv4Net, ApiError> {
    let net: Ipv4Net = text
        .trim()
        .parse()
        .map_err(|_| documented_error(action, CompanionCode::InvalidCidrBlockMalformed, None))?;
    if net.trunc() != net {
        return Err(documented_error(action, CompanionCode::InvalidCidrBlockMalformed, None));
    }
    Ok(net)
}

fn inside_any(block: Ipv4Net, ranges: &[Ipv4Net]) -> bool {
    ranges.iter().any(|r| r.contains(&block))
}

/// Merges tags by key: a new value replaces the old one, new keys are appended.
fn merge_tags(into: &mut Vec<Tag>, tags: &[Tag]) {
    for tag in tags {
        match into.iter_mut().find(|t| t.key == tag.key) {
            Some(existing) => existing.value = tag.value.clone(),
            None => into.push(tag.clone()),
        }
    }
}

impl RegionNetwork {
    /// The id an earlier create with the same client token made, if it still exists.
    fn replayed(&self, change: &NetworkChange<'_>, exists: impl Fn(&Self, &str) -> bool) -> Option<String> {
        let id = self.client_tokens.get(&change.token_key()?, change.now)?;
        exists(self, id).then(|| id.to_owned())
    }

    fn remember_token(&mut self, change: &NetworkChange<'_>, id: &str) {
        if let Some(key) = change.token_key() {
            self.client_tokens.insert(key, id.to_owned(), change.now);
        }
    }

    pub fn visible_vpc(&self, id: &str, account: &str) -> Option<&Vpc> {
        self.vpcs.get(id).filter(|v| v.api.visible_to(account))
    }

    /// `CreateVpc`: a VPC in a private range (or inside a user CIDR), with its router and system
    /// route table. Answers its id.
    pub fn create_vpc(&mut self, change: &NetworkChange<'_>, spec: &VpcSpec<'_>) -> Result<String, ApiError> {
        if let Some(id) = self.replayed(change, |n, id| n.vpcs.contains_key(id)) {
            return Ok(id);
        }
        let action = change.action;
        check_vpc_texts(change)?;
        check_tags(change.tags)?;
        let user_cidrs = spec
            .user_cidrs
            .iter()
            .map(|c| parse_cidr(c, action))
            .collect::<Result<Vec<_>, _>>()?;
        if user_cidrs.len() > 3 {
            return Err(documented_error(action, CompanionCode::InvalidCidrBlockMalformed, None));
        }
        let cidr = parse_cidr(spec.cidr_block.unwrap_or(super::DEFAULT_VPC_CIDR), action)?;
        let private: Vec<Ipv4Net> = PRIVATE_RANGES.iter().filter_map(|r| r.parse().ok()).collect();
        let allowed = inside_any(cidr, &private) || inside_any(cidr, &user_cidrs);
        if !(8..=28).contains(&cidr.prefix_len()) || !allowed {
            return Err(documented_error(action, CompanionCode::InvalidCidrBlockMalformed, None));
        }
        if self.vpcs.count_under(&owner_key(Some(change.account))) >= VPC_QUOTA {
            return Err(documented_error(action, CompanionCode::QuotaExceededVpc, None));
        }
        if spec.dry_run {
            return Err(ApiError::new(ErrorCode::DryRunOperation));
        }
        let id = change
            .ids
            .unused_resource_id("vpc", &self.region.id_code, |id| self.vpcs.contains_key(id))
            .ok_or_else(|| ApiError::new(ErrorCode::InternalError))?;
        let vpc = Vpc {
            vpc_id: id.clone(),
            cidr_block: cidr,
            api: change.attributes(true),
            user_cidrs: user_cidrs.iter().map(ToString::to_string).collect(),
            route_table: RouteTable::default(),
        };
        self.vpcs.insert(id.clone(), vpc);
        self.remember_token(change, &id);
        Ok(id)
    }

    fn own_vpc(&self, id: &str, account: &str, action: &str) -> Result<&Vpc, ApiError> {
        let vpc = self
            .vpcs
            .get(id)
            .filter(|v| v.api.visible_to(account))
            .ok_or_else(|| documented_error(action, CompanionCode::InvalidVpcIdNotFound, None))?;
        owned(&vpc.api)?;
        Ok(vpc)
    }

    fn own_vpc_mut(&mut self, id: &str, account: &str, action: &str) -> Result<&mut Vpc, ApiError> {
        self.own_vpc(id, account, action)?;
        self.vpcs
            .get_mut(id)
            .ok_or_else(|| ApiError::new(ErrorCode::InternalError))
    }

    pub fn modify_vpc(&mut self, change: &NetworkChange<'_>, id: &str) -> Result<(), ApiError> {
        let action = change.action;
        check_vpc_texts(change)?;
        let vpc = self.own_vpc_mut(id, change.account, action)?;
        if let Some(name) = change.name {
            vpc.api.name = name.to_owned();
        }
        if let Some(description) = change.description {
            vpc.api.description = description.to_owned();
        }
        Ok(())
    }

    /// `DeleteVpc`: refused while vSwitches or security groups are in it; the security group the
    /// emulator made for it (unused) goes with it. A dry run checks all that and answers
    /// `DryRunOperation`, changing nothing.
    pub fn delete_vpc(&mut self, account: &str, id: &str, now: OffsetDateTime, dry_run: bool) -> Result<(), ApiError> {
        let action = "DeleteVpc";
        let vpc = self.own_vpc(id, account, action)?;
        if vpc.api.status(now) != "Available" {
            return Err(documented_error(action, CompanionCode::IncorrectVpcStatus, None));
        }
        if self.blocks.get(id).is_some_and(|blocks| !blocks.is_empty()) {
            return Err(documented_error(
                action,
                CompanionCode::DependencyViolationVSwitch,
                None,
            ));
        }
        let made_for_it = self.default_groups.get(id).cloned();
        let blocking = self
            .security_groups
            .under(&super::in_vpc_key(id))
            .any(|g| Some(&g.security_group_id) != made_for_it.as_ref() || g.holders > 0);
        if blocking {
            return Err(documented_error(
                action,
                CompanionCode::DependencyViolationSecurityGroup,
                None,
            ));
        }
        if dry_run {
            return Err(ApiError::new(ErrorCode::DryRunOperation));
        }
        if let Some(group) = made_for_it {
            self.security_groups.remove(&group);
            self.default_groups.remove(id);
            self.touched.meta = true;
        }
        self.vpcs.remove(id);
        self.blocks.remove(id);
        Ok(())
    }

    /// The VPC whose system route table has `route_table_id`.
    pub fn vpc_of_route_table(&self, route_table_id: &str, account: &str) -> Option<&Vpc> {
        let suffix = route_table_id.strip_prefix("vtb-")?;
        self.visible_vpc(&format!("vpc-{suffix}"), account)
    }

    pub fn modify_route_table(&mut self, change: &NetworkChange<'_>, route_table_id: &str) -> Result<(), ApiError> {
        let not_found = || documented_error(change.action, CompanionCode::InvalidRouteTableIdNotFound, None);
        let vpc_id = self
            .vpc_of_route_table(route_table_id, change.account)
            .map(|v| v.vpc_id.clone())
            .ok_or_else(not_found)?;
        let vpc = self.own_vpc_mut(&vpc_id, change.account, change.action)?;
        if let Some(name) = change.name {
            vpc.route_table.name = name.to_owned();
        }
        if let Some(description) = change.description {
            vpc.route_table.description = description.to_owned();
        }
        Ok(())
    }

    pub fn visible_vswitch(&self, id: &str, account: &str) -> Option<&super::VSwitch> {
        self.vswitch(id).filter(|v| v.shown_to(account))
    }

    /// `CreateVSwitch`: a block inside its VPC, in a zone of the region, overlapping no sibling.
    pub fn create_vswitch(
        &mut self,
        change: &NetworkChange<'_>,
        vpc_id: &str,
        zone_id: &str,
        cidr_block: &str,
    ) -> Result<String, ApiError> {
        if let Some(id) = self.replayed(change, |n, id| n.vswitch(id).is_some()) {
            return Ok(id);
        }
        let action = change.action;
        check_text(change.name, 1, 128, action, CompanionCode::InvalidVSwitchNameMalformed)?;
        check_text(
            change.description,
            1,
            256,
            action,
            CompanionCode::InvalidDescriptionMalformed,
        )?;
        check_tags(change.tags)?;
        let vpc = self
            .visible_vpc(vpc_id, change.account)
            .ok_or_else(|| documented_error(action, CompanionCode::InvalidVpcIdNotFound, None))?;
        owned(&vpc.api)?;
        if vpc.api.status(change.now) != "Available" {
            return Err(documented_error(action, CompanionCode::IncorrectVpcStatus, None));
        }
        if !self.region.zones.iter().any(|z| z == zone_id) {
            return Err(documented_error(action, CompanionCode::InvalidZoneIdNotFound, None));
        }
        let cidr = parse_cidr(cidr_block, action)?;
        if !(16..=29).contains(&cidr.prefix_len()) {
            return Err(documented_error(action, CompanionCode::InvalidCidrBlockMalformed, None));
        }
        if !vpc.cidr_block.contains(&cidr) {
            return Err(ApiError::with_detail(
                ErrorCode::InvalidParameter,
                "Specified CIDR block is not valid in VPC.",
            ));
        }
        if self.overlapping(vpc_id, cidr).is_some() {
            return Err(documented_error(
                action,
                CompanionCode::InvalidCidrBlockOverlapped,
                None,
            ));
        }
        if self.blocks.get(vpc_id).map_or(0, BTreeMap::len) >= VSWITCH_QUOTA {
            return Err(documented_error(action, CompanionCode::QuotaExceededVSwitch, None));
        }
        let id = change
            .ids
            .unused_resource_id("vsw", &self.region.id_code, |id| self.vswitch(id).is_some())
            .ok_or_else(|| ApiError::new(ErrorCode::InternalError))?;
        self.add_vswitch(SavedVSwitch {
            v_switch_id: id.clone(),
            vpc_id: vpc_id.to_owned(),
            zone_id: zone_id.to_owned(),
            cidr_block: cidr,
            auto_registered: false,
            ipv6_cidr_block: None,
            api: change.attributes(true),
        });
        self.remember_token(change, &id);
        Ok(id)
    }

    fn own_vswitch_index(&self, id: &str, account: &str, action: &str) -> Result<usize, ApiError> {
        let index = *self
            .by_id
            .get(id)
            .filter(|i| self.v_switches.get(**i).is_some_and(|v| v.shown_to(account)))
            .ok_or_else(|| documented_error(action, CompanionCode::InvalidVSwitchIdNotFound, None))?;
        let vswitch = self
            .v_switches
            .get(index)
            .ok_or_else(|| ApiError::new(ErrorCode::InternalError))?;
        owned(&vswitch.api)?;
        Ok(index)
    }

    pub fn modify_vswitch(&mut self, change: &NetworkChange<'_>, id: &str) -> Result<(), ApiError> {
        check_text(
            change.name,
            1,
            128,
            change.action,
            CompanionCode::InvalidVSwitchNameMalformed,
        )?;
        check_text(
            change.description,
            1,
            256,
            change.action,
            CompanionCode::InvalidDescriptionMalformed,
        )?;
        let index = self.own_vswitch_index(id, change.account, change.action)?;
        let Some(vswitch) = self.v_switches.get_mut(index) else {
            return Err(ApiError::new(ErrorCode::InternalError));
        };
        if let Some(name) = change.name {
            vswitch.api.name = name.to_owned();
        }
        if let Some(description) = change.description {
            vswitch.api.description = description.to_owned();
        }
        self.touched.vswitches.push(id.to_owned());
        Ok(())
    }

    /// `DeleteVSwitch`: refused while any address of it is held.
    pub fn delete_vswitch(&mut self, account: &str, id: &str, now: OffsetDateTime) -> Result<(), ApiError> {
        let action = "DeleteVSwitch";
        let index = self.own_vswitch_index(id, account, action)?;
        let Some(vswitch) = self.v_switches.get(index) else {
            return Err(ApiError::new(ErrorCode::InternalError));
        };
        if vswitch.api.status(now) != "Available" {
            return Err(documented_error(action, CompanionCode::IncorrectVSwitchStatus, None));
        }
        if vswitch.addresses_in_use() > 0 {
            return Err(documented_error(action, CompanionCode::DependencyViolation, None));
        }
        self.remove_vswitch(index);
        self.deleted.remember(id);
        Ok(())
    }

    /// Takes the vSwitch at `index` out; the last one moves into its place.
    pub(super) fn remove_vswitch(&mut self, index: usize) {
        let last = self.v_switches.len().saturating_sub(1);
        let Some(gone) = self.v_switches.get(index) else { return };
        let (first, _) = super::block_range(gone.cidr_block);
        let (gone_id, gone_vpc) = (gone.v_switch_id.clone(), gone.vpc_id.clone());
        let keys = super::vswitch_keys(&gone.vpc_id, &gone.api, gone.auto_registered);
        self.vswitch_index.remove(&gone_id, &keys);
        if let Some(blocks) = self.blocks.get_mut(&gone_vpc) {
            blocks.remove(&(first, index));
        }
        self.by_id.remove(&gone_id);
        if index != last {
            if let Some(moved) = self.v_switches.get(last) {
                let (moved_first, moved_last) = super::block_range(moved.cidr_block);
                self.by_id.insert(moved.v_switch_id.clone(), index);
                if let Some(blocks) = self.blocks.get_mut(&moved.vpc_id) {
                    blocks.remove(&(moved_first, last));
                    blocks.insert((moved_first, index), moved_last);
                }
            }
        }
        self.v_switches.swap_remove(index);
        self.touched.vswitches.push(gone_id);
        if let Some(moved) = self.v_switches.get(index) {
            // Its place changed: the store keeps it.
            self.touched.vswitches.push(moved.v_switch_id.clone());
        }
    }

    pub fn visible_security_group(&self, id: &str, account: &str) -> Option<&SecurityGroup> {
        self.security_groups.get(id).filter(|g| g.api.visible_to(account))
    }

    /// `CreateSecurityGroup` in a VPC the caller sees (the region's default VPC when none is named).
    pub fn create_security_group(
        &mut self,
        change: &NetworkChange<'_>,
        vpc_id: Option<&str>,
        group_type: Option<&str>,
    ) -> Result<String, ApiError> {
        if let Some(id) = self.replayed(change, |n, id| n.security_groups.contains_key(id)) {
            return Ok(id);
        }
        let action = change.action;
        let vpc_id = vpc_id
            .filter(|v| !v.is_empty())
            .unwrap_or(&self.default_vpc_id)
            .to_owned();
        if self.visible_vpc(&vpc_id, change.account).is_none() {
            return Err(documented_error(action, CompanionCode::InvalidVpcIdNotFound, None));
        }
        check_length(change.name, 2, 128, "SecurityGroupName")?;
        check_length(change.description, 2, 256, "Description")?;
        check_tags(change.tags)?;
        let group_type = match group_type.filter(|t| !t.is_empty()) {
            None => None,
            Some(t @ ("normal" | "enterprise")) => Some(t.to_owned()),
            Some(_) => {
                return Err(ApiError::invalid(
                    "SecurityGroupType",
                    "it must be normal or enterprise",
                ))
            }
        };
        if self.security_groups.count_under(&owner_key(Some(change.account))) >= SECURITY_GROUP_QUOTA {
            return Err(documented_error(action, CompanionCode::QuotaExceedSecurityGroup, None));
        }
        let id = change
            .ids
            .unused_resource_id("sg", &self.region.id_code, |id| self.security_groups.contains_key(id))
            .ok_or_else(|| ApiError::new(ErrorCode::InternalError))?;
        let group = SecurityGroup {
            security_group_id: id.clone(),
            vpc_id,
            api: change.attributes(false),
            security_group_type: group_type,
            inner_access_policy: None,
            rules: Vec::new(),
            holders: 0,
            auto_registered: false,
        };
        self.security_groups.insert(id.clone(), group);
        self.remember_token(change, &id);
        Ok(id)
    }

    fn own_security_group_mut(
        &mut self,
        id: &str,
        account: &str,
        action: &str,
    ) -> Result<&mut SecurityGroup, ApiError> {
        let group = self
            .security_groups
            .get_mut(id)
            .filter(|g| g.api.visible_to(account))
            .ok_or_else(|| documented_error(action, CompanionCode::InvalidSecurityGroupIdNotFound, None))?;
        owned(&group.api)?;
        Ok(group)
    }

    pub fn modify_security_group(
        &mut self,
        change: &NetworkChange<'_>,
        id: &str,
        inner_access_policy: Option<&str>,
    ) -> Result<(), ApiError> {
        check_length(change.name, 2, 128, "SecurityGroupName")?;
        check_length(change.description, 2, 256, "Description")?;
        let policy = match inner_access_policy {
            None => None,
            Some(p) if p.eq_ignore_ascii_case("accept") => Some("Accept"),
            Some(p) if p.eq_ignore_ascii_case("drop") => Some("Drop"),
            Some(_) => return Err(ApiError::invalid("InnerAccessPolicy", "it must be Accept or Drop")),
        };
        let group = self.own_security_group_mut(id, change.account, change.action)?;
        if let Some(name) = change.name {
            group.api.name = name.to_owned();
        }
        if let Some(description) = change.description {
            group.api.description = description.to_owned();
        }
        if let Some(policy) = policy {
            group.inner_access_policy = Some(policy.to_owned());
        }
        Ok(())
    }

    /// `DeleteSecurityGroup`: refused while a group or node is placed in it, or another group's
    /// rule names it.
    pub fn delete_security_group(&mut self, account: &str, id: &str) -> Result<(), ApiError> {
        let action = "DeleteSecurityGroup";
        let group = self.own_security_group_mut(id, account, action)?;
        if group.holders > 0 {
            return Err(documented_error(action, CompanionCode::DependencyViolation, None));
        }
        if self.security_groups.count_under(&super::names_key(id)) > 0 {
            let detail = "the specified security group has been authorized in another one.";
            return Err(documented_error(
                action,
                CompanionCode::DependencyViolation,
                Some(detail),
            ));
        }
        self.security_groups.remove(id);
        self.default_groups.retain(|_, group| group != id);
        self.touched.meta = true;
        self.deleted.remember(id);
        Ok(())
    }

    /// `AuthorizeSecurityGroup[Egress]`: each rule checked, then added unless the group has it.
    pub fn authorize(
        &mut self,
        change: &NetworkChange<'_>,
        id: &str,
        direction: &str,
        specs: &[RuleSpec],
    ) -> Result<(), ApiError> {
        let action = change.action;
        let mut rules = Vec::with_capacity(specs.len());
        for spec in specs {
            let rule_id = change.ids.resource_id("sgr", &self.region.id_code);
            rules.push(self.checked_rule(spec, direction, action, rule_id, change)?);
        }
        let group = self.own_security_group_mut(id, change.account, action)?;
        let mut added: Vec<SecurityRule> = Vec::with_capacity(rules.len());
        for rule in rules {
            if !group.rules.iter().chain(&added).any(|r| r.same_as(&rule)) {
                added.push(rule);
            }
        }
        // All or nothing: a call whose rules would pass the quota adds none of them.
        if group.rules.len() + added.len() > RULE_QUOTA {
            // Egress has no row of its own for this code: the ingress one is the same answer.
            return Err(documented_error(
                "AuthorizeSecurityGroup",
                CompanionCode::AuthorizationLimitExceed,
                None,
            ));
        }
        group.rules.extend(added);
        // A rule may name another group: the group is found under it from now on.
        self.security_groups.reindex(id);
        Ok(())
    }

    /// `RevokeSecurityGroup[Egress]`: the rules named by id or by their terms go; a rule the group
    /// does not have is no error (as the service answers).
    pub fn revoke(
        &mut self,
        change: &NetworkChange<'_>,
        id: &str,
        direction: &str,
        rule_ids: &[String],
        specs: &[RuleSpec],
    ) -> Result<(), ApiError> {
        let action = change.action;
        let mut terms = Vec::with_capacity(specs.len());
        for spec in specs {
            terms.push(self.checked_rule(spec, direction, action, String::new(), change)?);
        }
        let group = self.own_security_group_mut(id, change.account, action)?;
        group.rules.retain(|rule| {
            let named = rule.direction == direction && rule_ids.contains(&rule.rule_id);
            !(named || terms.iter().any(|t| t.same_as(rule)))
        });
        self.security_groups.reindex(id);
        Ok(())
    }

    fn checked_rule(
        &self,
        spec: &RuleSpec,
        direction: &str,
        action: &str,
        rule_id: String,
        change: &NetworkChange<'_>,
    ) -> Result<SecurityRule, ApiError> {
        let authorize = if direction == "ingress" {
            "AuthorizeSecurityGroup"
        } else {
            "AuthorizeSecurityGroupEgress"
        };
        let protocol = spec
            .ip_protocol
            .as_deref()
            .ok_or_else(|| ApiError::missing("IpProtocol"))?;
        let protocol = protocol.to_ascii_uppercase();
        if !matches!(protocol.as_str(), "TCP" | "UDP" | "ICMP" | "ICMPV6" | "GRE" | "ALL") {
            return Err(documented_error(
                "AuthorizeSecurityGroup",
                CompanionCode::InvalidIpProtocolMalformed,
                None,
            ));
        }
        let port_range = spec
            .port_range
            .as_deref()
            .ok_or_else(|| ApiError::missing("PortRange"))?;
        if !port_range_fits(&protocol, port_range) {
            return Err(documented_error(
                "AuthorizeSecurityGroup",
                CompanionCode::InvalidPortRangeMalformed,
                None,
            ));
        }
        let policy = match spec.policy.as_deref() {
            None => "Accept",
            Some(p) if p.eq_ignore_ascii_case("accept") => "Accept",
            Some(p) if p.eq_ignore_ascii_case("drop") => "Drop",
            Some(_) => {
                return Err(documented_error(
                    "AuthorizeSecurityGroup",
                    CompanionCode::InvalidPolicyMalformed,
                    None,
                ))
            }
        };
        let priority = match spec.priority.as_deref() {
            None => 1,
            Some(p) => p
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|p| (1..=100).contains(p))
                .ok_or_else(|| {
                    documented_error("AuthorizeSecurityGroup", CompanionCode::InvalidPriorityMalformed, None)
                })?,
        };
        let cidr_code = if direction == "ingress" {
            CompanionCode::InvalidSourceCidrIpMalformed
        } else {
            CompanionCode::InvalidDestCidrIpMalformed
        };
        let cidr_ip = spec.cidr_ip.clone().unwrap_or_default();
        if !cidr_ip.is_empty() && cidr_ip.parse::<Ipv4Net>().is_err() && cidr_ip.parse::<Ipv4Addr>().is_err() {
            return Err(documented_error(authorize, cidr_code, None));
        }
        let ipv6_cidr_ip = spec.ipv6_cidr_ip.clone().unwrap_or_default();
        if !ipv6_cidr_ip.is_empty()
            && ipv6_cidr_ip.parse::<ipnet::Ipv6Net>().is_err()
            && ipv6_cidr_ip.parse::<std::net::Ipv6Addr>().is_err()
        {
            return Err(documented_error(authorize, cidr_code, None));
        }
        let group_id = spec.group_id.clone().unwrap_or_default();
        if !group_id.is_empty() && self.visible_security_group(&group_id, change.account).is_none() {
            return Err(documented_error(
                action,
                CompanionCode::InvalidSecurityGroupIdNotFound,
                None,
            ));
        }
        if cidr_ip.is_empty() && ipv6_cidr_ip.is_empty() && group_id.is_empty() {
            let named = if direction == "ingress" {
                "SourceCidrIp"
            } else {
                "DestCidrIp"
            };
            return Err(ApiError::missing(named));
        }
        Ok(SecurityRule {
            rule_id,
            direction: direction.to_owned(),
            ip_protocol: protocol,
            port_range: port_range.to_owned(),
            source_port_range: spec.source_port_range.clone().unwrap_or_default(),
            policy: policy.to_owned(),
            priority,
            // A group in a VPC has only the intranet side.
            nic_type: "intranet".to_owned(),
            cidr_ip,
            ipv6_cidr_ip,
            group_id,
            description: spec.description.clone().unwrap_or_default(),
            created_at: change.now,
        })
    }

    pub fn visible_eip(&self, id: &str, account: &str) -> Option<&Eip> {
        self.eips
            .get(id)
            .filter(|e| e.api.visible_to(account) && !e.auto_created)
    }

    /// `AllocateEipAddress`: a new address from the region's pool, not bound.
    pub fn allocate_eip(
        &mut self,
        change: &NetworkChange<'_>,
        bandwidth: Option<&str>,
        charge_type: Option<&str>,
    ) -> Result<(String, Ipv4Addr), ApiError> {
        if let Some(id) = self.replayed(change, |n, id| n.eips.contains_key(id)) {
            let ip = self
                .eips
                .get(&id)
                .map(|e| e.ip_address)
                .unwrap_or(Ipv4Addr::UNSPECIFIED);
            return Ok((id, ip));
        }
        let action = change.action;
        check_tags(change.tags)?;
        let bandwidth = checked_bandwidth(bandwidth, action)?;
        let charge_type = match charge_type.filter(|c| !c.is_empty()) {
            None => None,
            Some(c @ ("PayByBandwidth" | "PayByTraffic")) => Some(c.to_owned()),
            Some(_) => {
                return Err(documented_error(
                    action,
                    CompanionCode::InvalidInternetChargeTypeValueNotSupported,
                    None,
                ))
            }
        };
        if self.eips.count_under(&owner_key(Some(change.account))) >= EIP_QUOTA {
            return Err(documented_error(action, CompanionCode::QuotaExceededEip, None));
        }
        let ip = self
            .eip_pool
            .allocate()
            .ok_or_else(|| documented_error(action, CompanionCode::QuotaExceededEip, None))?;
        let id = change
            .ids
            .unused_resource_id("eip", &self.region.id_code, |id| self.eips.contains_key(id))
            .ok_or_else(|| ApiError::new(ErrorCode::InternalError))?;
        let eip = Eip {
            allocation_id: id.clone(),
            ip_address: ip,
            bound_to: None,
            auto_created: false,
            api: change.attributes(false),
            bandwidth,
            internet_charge_type: charge_type,
        };
        self.insert_eip(eip)
            .map_err(|_| ApiError::new(ErrorCode::InternalError))?;
        self.remember_token(change, &id);
        Ok((id, ip))
    }

    fn own_eip_mut(&mut self, id: &str, account: &str, action: &str) -> Result<&mut Eip, ApiError> {
        let eip = self
            .eips
            .get_mut(id)
            .filter(|e| e.api.visible_to(account) && !e.auto_created)
            .ok_or_else(|| documented_error(action, CompanionCode::InvalidAllocationIdNotFound, None))?;
        owned(&eip.api)?;
        Ok(eip)
    }

    pub fn modify_eip(
        &mut self,
        change: &NetworkChange<'_>,
        id: &str,
        bandwidth: Option<&str>,
    ) -> Result<(), ApiError> {
        let bandwidth = checked_bandwidth(bandwidth, change.action)?;
        let eip = self.own_eip_mut(id, change.account, change.action)?;
        if let Some(name) = change.name {
            eip.api.name = name.to_owned();
        }
        if let Some(description) = change.description {
            eip.api.description = description.to_owned();
        }
        if bandwidth.is_some() {
            eip.bandwidth = bandwidth;
        }
        Ok(())
    }

    /// `ReleaseEipAddress`: only an address bound to nothing.
    pub fn release_allocated_eip(&mut self, account: &str, id: &str) -> Result<(), ApiError> {
        let action = "ReleaseEipAddress";
        let eip = self.own_eip_mut(id, account, action)?;
        if eip.bound_to.is_some() {
            return Err(documented_error(action, CompanionCode::IncorrectEipStatus, None));
        }
        if let Some(eip) = self.eips.remove(id) {
            self.eip_pool.release(eip.ip_address);
            self.eip_addresses.remove(&eip.ip_address);
        }
        Ok(())
    }

    /// The EIP the caller may bind, checked free: for `AssociateEipAddress`, before the holder is
    /// changed.
    pub fn check_associable(&mut self, account: &str, id: &str) -> Result<Ipv4Addr, ApiError> {
        let action = "AssociateEipAddress";
        let eip = self.own_eip_mut(id, account, action)?;
        if eip.bound_to.is_some() {
            return Err(documented_error(action, CompanionCode::IncorrectEipStatus, None));
        }
        Ok(eip.ip_address)
    }

    /// The holder the caller's EIP is bound to, for `UnassociateEipAddress`; `instance` must be it
    /// when given.
    pub fn bound_holder(&mut self, account: &str, id: &str, instance: Option<&str>) -> Result<String, ApiError> {
        let action = "UnassociateEipAddress";
        let eip = self.own_eip_mut(id, account, action)?;
        match (&eip.bound_to, instance.filter(|i| !i.is_empty())) {
            (Some(holder), Some(named)) if holder != named => {
                Err(documented_error(action, CompanionCode::IncorrectEipStatus, None))
            }
            (Some(holder), _) => Ok(holder.clone()),
            (None, _) => Err(documented_error(action, CompanionCode::IncorrectEipStatus, None)),
        }
    }

    /// Unbinds an EIP made through the API from its holder; it stays allocated.
    pub fn unbind_eip(&mut self, id: &str) {
        if let Some(eip) = self.eips.get_mut(id) {
            eip.bound_to = None;
        }
    }

    /// The tags of a resource the caller sees, for `ListTagResources`; `None` when it does not.
    pub fn tags_of(&self, kind: Taggable, id: &str, account: &str) -> Option<&[Tag]> {
        let api = match kind {
            Taggable::Vpc => &self.visible_vpc(id, account)?.api,
            Taggable::RouteTable => return self.vpc_of_route_table(id, account).map(|_| &[][..]),
            Taggable::VSwitch => &self.visible_vswitch(id, account)?.api,
            Taggable::Eip => &self.visible_eip(id, account)?.api,
            Taggable::SecurityGroup => &self.visible_security_group(id, account)?.api,
        };
        Some(&api.tags)
    }

    /// Every resource of `kind` the caller owns, with its tags, for a `ListTagResources` naming none.
    pub fn tagged(&self, kind: Taggable, account: &str) -> Vec<(String, Vec<Tag>)> {
        let own = owner_key(Some(account));
        let tagged = |api: &Attributes| !api.tags.is_empty();
        let mut all: Vec<(String, Vec<Tag>)> = match kind {
            Taggable::Vpc => self
                .vpcs
                .under(&own)
                .filter(|v| tagged(&v.api))
                .map(|v| (v.vpc_id.clone(), v.api.tags.clone()))
                .collect(),
            Taggable::VSwitch => self
                .vswitches_under(&own)
                .filter(|v| tagged(&v.api))
                .map(|v| (v.v_switch_id.clone(), v.api.tags.clone()))
                .collect(),
            Taggable::Eip => self
                .eips
                .under(&own)
                .filter(|e| tagged(&e.api))
                .map(|e| (e.allocation_id.clone(), e.api.tags.clone()))
                .collect(),
            Taggable::SecurityGroup => self
                .security_groups
                .under(&own)
                .filter(|g| tagged(&g.api))
                .map(|g| (g.security_group_id.clone(), g.api.tags.clone()))
                .collect(),
            Taggable::RouteTable => Vec::new(),
        };
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all
    }

    fn own_attributes_mut(&mut self, kind: Taggable, id: &str, account: &str) -> Result<&mut Attributes, ApiError> {
        let not_found = || documented_error("TagResources", CompanionCode::InvalidResourceIdNotFound, None);
        let api = match kind {
            Taggable::Vpc => self.vpcs.get_mut(id).map(|v| &mut v.api),
            Taggable::VSwitch => {
                let index = self.by_id.get(id).copied();
                self.touched.vswitches.push(id.to_owned());
                index.and_then(|i| self.v_switches.get_mut(i)).map(|v| &mut v.api)
            }
            Taggable::Eip => self.eips.get_mut(id).filter(|e| !e.auto_created).map(|e| &mut e.api),
            Taggable::SecurityGroup => self.security_groups.get_mut(id).map(|g| &mut g.api),
            Taggable::RouteTable => None,
        };
        let api = api.filter(|a| a.visible_to(account)).ok_or_else(not_found)?;
        owned(api)?;
        Ok(api)
    }

    /// `TagResources`: every named resource must be the caller's; all get the tags or none does.
    pub fn tag(&mut self, kind: Taggable, ids: &[String], tags: &[Tag], account: &str) -> Result<(), ApiError> {
        check_tags(tags)?;
        for id in ids {
            let api = self.own_attributes_mut(kind, id, account)?;
            let mut merged = api.tags.clone();
            merge_tags(&mut merged, tags);
            check_tags(&merged)?;
        }
        for id in ids {
            let api = self.own_attributes_mut(kind, id, account)?;
            merge_tags(&mut api.tags, tags);
        }
        Ok(())
    }

    /// `UnTagResources`: the keys named (or all with `all`) go from every named resource.
    pub fn untag(
        &mut self,
        kind: Taggable,
        ids: &[String],
        keys: &[String],
        all: bool,
        account: &str,
    ) -> Result<(), ApiError> {
        for id in ids {
            self.own_attributes_mut(kind, id, account)?;
        }
        for id in ids {
            let api = self.own_attributes_mut(kind, id, account)?;
            api.tags.retain(|t| !all && !keys.contains(&t.key));
        }
        Ok(())
    }
}

/// Whether a port range suits its protocol: `a/b` within 1–65535 for TCP and UDP, `-1/-1` for the
/// others.
fn port_range_fits(protocol: &str, range: &str) -> bool {
    let Some((from, to)) = range.split_once('/') else {
        return false;
    };
    match protocol {
        "TCP" | "UDP" => match (from.parse::<u32>(), to.parse::<u32>()) {
            (Ok(from), Ok(to)) => (1..=65535).contains(&from) && (from..=65535).contains(&to),
            _ => false,
        },
        _ => from == "-1" && to == "-1",
    }
}

fn checked_bandwidth(bandwidth: Option<&str>, action: &str) -> Result<Option<String>, ApiError> {
    let Some(text) = bandwidth.filter(|b| !b.is_empty()) else {
        return Ok(None);
    };
    match text.trim().parse::<u32>() {
        Ok(mbps) if (1..=500).contains(&mbps) => Ok(Some(mbps.to_string())),
        _ => Err(documented_error(action, CompanionCode::InvalidBandwidthMalformed, None)),
    }
}

/// A name or description as ECS checks it, refused as `InvalidParameter` naming `param`.
fn check_length(text: Option<&str>, min: usize, max: usize, param: &str) -> Result<(), ApiError> {
    if text_fits(text, min, max) {
        return Ok(());
    }
    let why = format!("it must be {min} to {max} characters long and must not start with http:// or https://");
    Err(ApiError::invalid(param, &why))
}

/// A stable number for an account, as the services show `OwnerId`: the account itself when it is a
/// number, else one derived from its name.
pub fn account_number(account: &str) -> u64 {
    if let Ok(number) = account.parse::<u64>() {
        return number;
    }
    let hash = account.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    1_000_000_000_000_000 + hash % 9_000_000_000_000_000
}
