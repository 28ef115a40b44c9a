//! What `CreateVpc`, `ModifyVpcAttribute`, `DeleteVpc` and `ModifyRouteTableAttributes` check, and
//! what each then changes.

use super::{check_tags, check_vpc_texts, inside_any, owned, parse_cidr};
use crate::error::catalogue::documented_error;
use crate::error::{ApiError, CompanionCode, ErrorCode};
use crate::network::{in_vpc_key, NetworkChange, RouteTable, Vpc};
use crate::network::{owner_key, RegionNetwork};
use ipnet::Ipv4Net;
use time::OffsetDateTime;

pub(super) const VPC_QUOTA: usize = 10;
/// Secondary IPv4 blocks a VPC may have.
const SECONDARY_CIDRS: usize = 5;

/// The private ranges a VPC's block may be taken from, as the VPC console offers them.
const PRIVATE_RANGES: [&str; 3] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

/// What a VPC create asks for.
pub struct VpcSpec<'a> {
    pub cidr_block: Option<&'a str>,
    pub user_cidrs: Vec<&'a str>,
    /// Check everything and answer `DryRunOperation` instead of making it.
    pub dry_run: bool,
    /// `EnableIpv6`: give it an IPv6 /56.
    pub enable_ipv6: bool,
    /// `EnableDnsHostname`.
    pub dns_hostname: bool,
}

/// What a `ModifyVpcAttribute` changes beyond the name and description.
#[derive(Default)]
pub struct VpcChange<'a> {
    /// A new IPv4 block: it must hold every vSwitch of the VPC.
    pub cidr_block: Option<&'a str>,
    /// `EnableIPv6`.
    pub enable_ipv6: Option<bool>,
    /// `EnableDnsHostname`.
    pub dns_hostname: Option<bool>,
}

impl RegionNetwork {
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
        let cidr = vpc_block(
            spec.cidr_block.unwrap_or(crate::network::DEFAULT_VPC_CIDR),
            &user_cidrs,
            action,
        )?;
        if self.vpcs.count_under(&owner_key(Some(change.account))) >= VPC_QUOTA {
            return Err(documented_error(action, CompanionCode::QuotaExceededVpc, None));
        }
        if spec.dry_run {
            return Err(ApiError::new(ErrorCode::DryRunOperation));
        }
        let id = change
            .ids
            .unused_resource_id("vpc", &self.region().id_code, |id| self.vpcs.contains_key(id))
            .ok_or_else(|| ApiError::new(ErrorCode::InternalError))?;
        let vpc = Vpc {
            vpc_id: id.clone(),
            cidr_block: cidr,
            api: change.attributes(true),
            user_cidrs: user_cidrs.iter().map(ToString::to_string).collect(),
            route_table: RouteTable::default(),
            ipv6_cidr_block: spec.enable_ipv6.then(|| Vpc::ipv6_block_for(&id)),
            secondary_cidrs: Vec::new(),
            dns_hostname: spec.dns_hostname,
            account_default: false,
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

    /// `ModifyVpcAttribute`: a new block must hold every vSwitch of the VPC; IPv6 is turned off
    /// only while no vSwitch has a block of it.
    pub fn modify_vpc(&mut self, change: &NetworkChange<'_>, id: &str, asked: &VpcChange<'_>) -> Result<(), ApiError> {
        let action = change.action;
        check_vpc_texts(change)?;
        let vpc = self.own_vpc(id, change.account, action)?;
        let user_cidrs: Vec<Ipv4Net> = vpc.user_cidrs.iter().filter_map(|c| c.parse().ok()).collect();
        let cidr = asked
            .cidr_block
            .map(|block| vpc_block(block, &user_cidrs, action))
            .transpose()?;
        let vswitches: Vec<_> = self.vswitches_under(&in_vpc_key(id)).collect();
        if let Some(cidr) = cidr {
            let held = |block: &Ipv4Net| cidr.contains(block) || vpc.secondary_cidrs.iter().any(|c| c.contains(block));
            if vswitches.iter().any(|v| !held(&v.cidr_block)) {
                return Err(ApiError::with_detail(
                    ErrorCode::InvalidParameter,
                    "Specified CIDR block does not contain the blocks of the VPC's vSwitches.",
                ));
            }
        }
        if asked.enable_ipv6 == Some(false) && vswitches.iter().any(|v| v.ipv6_cidr_block.is_some()) {
            return Err(ApiError::with_detail(
                ErrorCode::InvalidParameter,
                "IPv6 cannot be disabled while a vSwitch of the VPC has an IPv6 CIDR block.",
            ));
        }
        let vpc = self.own_vpc_mut(id, change.account, action)?;
        if let Some(cidr) = cidr {
            vpc.cidr_block = cidr;
        }
        match asked.enable_ipv6 {
            Some(true) if vpc.ipv6_cidr_block.is_none() => vpc.ipv6_cidr_block = Some(Vpc::ipv6_block_for(id)),
            Some(false) => vpc.ipv6_cidr_block = None,
            _ => {}
        }
        if let Some(enabled) = asked.dns_hostname {
            vpc.dns_hostname = enabled;
        }
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
        if self.vswitch_count(id) > 0 {
            return Err(documented_error(
                action,
                CompanionCode::DependencyViolationVSwitch,
                None,
            ));
        }
        let made_for_it = self.default_group_of(id);
        let blocking = self
            .security_groups
            .under(&in_vpc_key(id))
            .any(|g| Some(g.security_group_id.as_str()) != made_for_it || g.holders > 0);
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
        self.remove_vpc(id);
        Ok(())
    }

    /// `AssociateVpcCidrBlock`: a secondary IPv4 block, as a VPC's block may be, overlapping neither
    /// the primary block nor another secondary one; at most five.
    pub fn associate_vpc_cidr(&mut self, account: &str, id: &str, block: &str) -> Result<(), ApiError> {
        let action = "AssociateVpcCidrBlock";
        let vpc = self.own_vpc(id, account, action)?;
        let user_cidrs: Vec<Ipv4Net> = vpc.user_cidrs.iter().filter_map(|c| c.parse().ok()).collect();
        let cidr = vpc_block(block, &user_cidrs, action)?;
        let taken = std::iter::once(&vpc.cidr_block).chain(&vpc.secondary_cidrs);
        if taken
            .into_iter()
            .any(|c| c.contains(&cidr.network()) || cidr.contains(&c.network()))
        {
            return Err(documented_error(
                action,
                CompanionCode::InvalidCidrBlockOverlapped,
                None,
            ));
        }
        if vpc.secondary_cidrs.len() >= SECONDARY_CIDRS {
            return Err(ApiError::with_detail(
                ErrorCode::InvalidParameter,
                "A VPC has at most 5 secondary CIDR blocks.",
            ));
        }
        self.own_vpc_mut(id, account, action)?.secondary_cidrs.push(cidr);
        Ok(())
    }

    /// `UnassociateVpcCidrBlock`: refused while a vSwitch lies in the block.
    pub fn unassociate_vpc_cidr(&mut self, account: &str, id: &str, block: &str) -> Result<(), ApiError> {
        let action = "UnassociateVpcCidrBlock";
        let vpc = self.own_vpc(id, account, action)?;
        let cidr = parse_cidr(block, action)?;
        if !vpc.secondary_cidrs.contains(&cidr) {
            return Err(ApiError::with_detail(
                ErrorCode::InvalidParameter,
                "Specified SecondaryCidrBlock is not a secondary CIDR block of the VPC.",
            ));
        }
        if self
            .vswitches_under(&in_vpc_key(id))
            .any(|v| cidr.contains(&v.cidr_block))
        {
            return Err(documented_error(
                action,
                CompanionCode::DependencyViolationVSwitch,
                None,
            ));
        }
        self.own_vpc_mut(id, account, action)?
            .secondary_cidrs
            .retain(|c| *c != cidr);
        Ok(())
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
}

/// A VPC's IPv4 block as a create or a change gives it: a /8 to /28 in a private range or inside one
/// of the VPC's user CIDRs.
fn vpc_block(text: &str, user_cidrs: &[Ipv4Net], action: &str) -> Result<Ipv4Net, ApiError> {
    let cidr = parse_cidr(text, action)?;
    let private: Vec<Ipv4Net> = PRIVATE_RANGES.iter().filter_map(|r| r.parse().ok()).collect();
    let allowed = inside_any(cidr, &private) || inside_any(cidr, user_cidrs);
    if !(8..=28).contains(&cidr.prefix_len()) || !allowed {
        return Err(documented_error(action, CompanionCode::InvalidCidrBlockMalformed, None));
    }
    Ok(cidr)
}
