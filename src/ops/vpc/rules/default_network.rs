//! What `CreateDefaultVpc` and `CreateDefaultVSwitch` check, and what each then changes: an
//! account's own default VPC in a region, and its default vSwitch in each zone.
//!
//! Emulator choices, where the documentation is silent: the region's default VPC stands in for the
//! default VPC of every account that has made none of its own, so it does not stop one being made;
//! once made, the account's own is its default (`IsDefault`) and the region's no longer is, until the
//! account deletes its own. `CreateDefaultVSwitch` by an account with no default VPC of its own makes
//! that VPC first, with an IPv6 block, so a default vSwitch can take an IPv6 block as asked.

use super::vpc::VPC_QUOTA;
use crate::error::catalogue::documented_error;
use crate::error::{ApiError, CompanionCode, ErrorCode};
use crate::network::{owner_key, NetworkChange, RegionNetwork, RouteTable, Vpc};

impl RegionNetwork {
    /// `CreateDefaultVpc`: the caller's own default VPC, `172.16.0.0/12`; refused while it has one.
    pub fn create_default_vpc(&mut self, change: &NetworkChange<'_>, enable_ipv6: bool) -> Result<String, ApiError> {
        if let Some(id) = self.replayed(change, |n, id| n.vpcs.contains_key(id)) {
            return Ok(id);
        }
        let vpc = self.new_default_vpc(change, enable_ipv6, true)?;
        let id = vpc.vpc_id.clone();
        self.vpcs.insert(id.clone(), vpc);
        self.remember_token(change, &id);
        Ok(id)
    }

    /// A default VPC the caller may have: none of its own yet, and room in its VPC quota.
    fn new_default_vpc(&self, change: &NetworkChange<'_>, enable_ipv6: bool, pending: bool) -> Result<Vpc, ApiError> {
        if self.own_default_vpc(change.account).is_some() {
            return Err(ApiError::new(ErrorCode::DefaultVpcExists));
        }
        if self.vpcs.count_under(&owner_key(Some(change.account))) >= VPC_QUOTA {
            return Err(documented_error("CreateVpc", CompanionCode::QuotaExceededVpc, None));
        }
        let id = change
            .ids
            .unused_resource_id("vpc", &self.region().id_code, |id| self.vpcs.contains_key(id))
            .ok_or_else(|| ApiError::new(ErrorCode::InternalError))?;
        Ok(Vpc {
            cidr_block: crate::network::DEFAULT_VPC_CIDR.parse().unwrap_or_default(),
            api: change.attributes(pending),
            user_cidrs: Vec::new(),
            route_table: RouteTable::default(),
            ipv6_cidr_block: enable_ipv6.then(|| Vpc::ipv6_block_for(&id)),
            secondary_cidrs: Vec::new(),
            dns_hostname: false,
            account_default: true,
            vpc_id: id,
        })
    }

    /// `CreateDefaultVSwitch`: the zone's default vSwitch in the caller's own default VPC (made first
    /// when it has none), with the VPC's first free `/20`; with `ipv6_index`, that /64 of the VPC's
    /// IPv6 block. Refused while the zone has one.
    pub fn create_default_vswitch(
        &mut self,
        change: &NetworkChange<'_>,
        zone_id: &str,
        ipv6_index: Option<u8>,
    ) -> Result<String, ApiError> {
        if let Some(id) = self.replayed(change, |n, id| n.vswitch(id).is_some()) {
            return Ok(id);
        }
        if !self.region().zones.iter().any(|z| z == zone_id) {
            // The code `CreateVSwitch` documents for a zone the region does not have.
            return Err(documented_error(
                "CreateVSwitch",
                CompanionCode::InvalidZoneIdNotFound,
                None,
            ));
        }
        let made_now = match self.own_default_vpc(change.account) {
            Some(_) => None,
            None => Some(self.new_default_vpc(change, true, false)?),
        };
        let vpc = match &made_now {
            Some(vpc) => vpc,
            None => self
                .own_default_vpc(change.account)
                .ok_or_else(|| ApiError::new(ErrorCode::InternalError))?,
        };
        if vpc.api.status(change.now) != "Available" {
            return Err(documented_error(
                "CreateVSwitch",
                CompanionCode::IncorrectVpcStatus,
                None,
            ));
        }
        if !self.own_default_vswitches(change.account, Some(zone_id)).is_empty() {
            return Err(ApiError::new(ErrorCode::DefaultVSwitchExists));
        }
        let full = || documented_error("CreateVSwitch", CompanionCode::QuotaExceededVSwitch, None);
        let cidr_block = self.first_free_block(vpc).ok_or_else(full)?;
        let ipv6_cidr_block = ipv6_index
            .map(|index| self.free_ipv6_subnet(vpc, index, None, "CreateVSwitch"))
            .transpose()?;
        let vpc_id = vpc.vpc_id.clone();
        let id = change
            .ids
            .unused_resource_id("vsw", &self.region().id_code, |id| self.vswitch(id).is_some())
            .ok_or_else(|| ApiError::new(ErrorCode::InternalError))?;
        if let Some(vpc) = made_now {
            self.vpcs.insert(vpc_id.clone(), vpc);
        }
        self.add_zone_default_vswitch(
            id.clone(),
            &vpc_id,
            zone_id,
            cidr_block,
            change.attributes(true),
            ipv6_cidr_block,
        );
        self.remember_token(change, &id);
        Ok(id)
    }
}
