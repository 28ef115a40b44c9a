//! What `CreateVSwitch`, `ModifyVSwitchAttribute` and `DeleteVSwitch` check, and what each then
//! changes.

use super::{check_tags, check_text, owned, parse_cidr};
use crate::error::catalogue::documented_error;
use crate::error::{ApiError, CompanionCode, ErrorCode};
use crate::network::RegionNetwork;
use crate::network::{in_vpc_key, NetworkChange, SavedVSwitch, VSwitch, Vpc};
use ipnet::Ipv6Net;
use time::OffsetDateTime;

const VSWITCH_QUOTA: usize = 150;

impl RegionNetwork {
    /// `CreateVSwitch`: a block inside its VPC, in a zone of the region, overlapping no sibling; with
    /// `ipv6_index`, the /64 of that number from the VPC's IPv6 block.
    pub fn create_vswitch(
        &mut self,
        change: &NetworkChange<'_>,
        vpc_id: &str,
        zone_id: &str,
        cidr_block: &str,
        ipv6_index: Option<u8>,
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
        if !self.region().zones.iter().any(|z| z == zone_id) {
            return Err(documented_error(action, CompanionCode::InvalidZoneIdNotFound, None));
        }
        let cidr = parse_cidr(cidr_block, action)?;
        if !(16..=29).contains(&cidr.prefix_len()) {
            return Err(documented_error(action, CompanionCode::InvalidCidrBlockMalformed, None));
        }
        if !vpc.holds(&cidr) {
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
        let ipv6_cidr_block = ipv6_index
            .map(|index| self.free_ipv6_subnet(vpc, index, None, action))
            .transpose()?;
        if self.vswitch_count(vpc_id) >= VSWITCH_QUOTA {
            return Err(documented_error(action, CompanionCode::QuotaExceededVSwitch, None));
        }
        let id = change
            .ids
            .unused_resource_id("vsw", &self.region().id_code, |id| self.vswitch(id).is_some())
            .ok_or_else(|| ApiError::new(ErrorCode::InternalError))?;
        self.add_vswitch(SavedVSwitch {
            v_switch_id: id.clone(),
            vpc_id: vpc_id.to_owned(),
            zone_id: zone_id.to_owned(),
            cidr_block: cidr,
            auto_registered: false,
            ipv6_cidr_block,
            api: change.attributes(true),
            zone_default: false,
        });
        self.remember_token(change, &id);
        Ok(id)
    }

    /// The caller's own vSwitch `id`, or the action's documented refusal.
    fn own_vswitch(&self, id: &str, account: &str, action: &str) -> Result<&VSwitch, ApiError> {
        let vswitch = self
            .visible_vswitch(id, account)
            .ok_or_else(|| documented_error(action, CompanionCode::InvalidVSwitchIdNotFound, None))?;
        owned(&vswitch.api)?;
        Ok(vswitch)
    }

    /// The /64 numbered `index` of `vpc`'s IPv6 block, when the VPC has one and no other vSwitch of it
    /// (but `keeping`) holds it.
    pub(super) fn free_ipv6_subnet(
        &self,
        vpc: &Vpc,
        index: u8,
        keeping: Option<&str>,
        action: &str,
    ) -> Result<Ipv6Net, ApiError> {
        let subnet = vpc.ipv6_subnet(index).ok_or_else(|| {
            ApiError::with_detail(
                ErrorCode::InvalidParameter,
                "Specified Ipv6CidrBlock is not valid: the VPC has no IPv6 CIDR block.",
            )
        })?;
        let taken = self
            .vswitches_under(&in_vpc_key(&vpc.vpc_id))
            .any(|v| v.ipv6_cidr_block == Some(subnet) && Some(v.v_switch_id.as_str()) != keeping);
        if taken {
            return Err(documented_error(
                action,
                CompanionCode::InvalidCidrBlockOverlapped,
                None,
            ));
        }
        Ok(subnet)
    }

    /// `ModifyVSwitchAttribute`: its name and description; `EnableIPv6` gives it the /64 numbered
    /// `Ipv6CidrBlock` of its VPC's IPv6 block, or takes its IPv6 block away while no address of it is
    /// held.
    pub fn modify_vswitch(
        &mut self,
        change: &NetworkChange<'_>,
        id: &str,
        enable_ipv6: Option<bool>,
        ipv6_index: Option<u8>,
    ) -> Result<(), ApiError> {
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
        let vswitch = self.own_vswitch(id, change.account, change.action)?;
        let ipv6 = match (enable_ipv6, ipv6_index) {
            (Some(false), _) if vswitch.addresses_in_use() > 0 && vswitch.ipv6_cidr_block.is_some() => {
                return Err(documented_error(
                    change.action,
                    CompanionCode::DependencyViolation,
                    None,
                ));
            }
            (Some(false), _) => Some(None),
            (Some(true), Some(index)) | (None, Some(index)) => {
                let vpc = self
                    .vpcs
                    .get(&vswitch.vpc_id)
                    .ok_or_else(|| ApiError::new(ErrorCode::InternalError))?;
                Some(Some(self.free_ipv6_subnet(vpc, index, Some(id), change.action)?))
            }
            _ => None,
        };
        let Some(vswitch) = self.vswitch_mut(id) else {
            return Err(ApiError::new(ErrorCode::InternalError));
        };
        if let Some(block) = ipv6 {
            vswitch.ipv6_cidr_block = block;
        }
        if let Some(name) = change.name {
            vswitch.api.name = name.to_owned();
        }
        if let Some(description) = change.description {
            vswitch.api.description = description.to_owned();
        }
        Ok(())
    }

    /// `DeleteVSwitch`: refused while any address of it is held.
    pub fn delete_vswitch(&mut self, account: &str, id: &str, now: OffsetDateTime) -> Result<(), ApiError> {
        let action = "DeleteVSwitch";
        let vswitch = self.own_vswitch(id, account, action)?;
        if vswitch.api.status(now) != "Available" {
            return Err(documented_error(action, CompanionCode::IncorrectVSwitchStatus, None));
        }
        if vswitch.addresses_in_use() > 0 {
            return Err(documented_error(action, CompanionCode::DependencyViolation, None));
        }
        self.forget_vswitch(id);
        Ok(())
    }
}
