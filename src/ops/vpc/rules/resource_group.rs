//! What `MoveResourceGroup` (VPC) and `JoinResourceGroup` (ECS) check, and the group they put a
//! network resource in.

use super::owned;
use crate::error::catalogue::documented_error;
use crate::error::{ApiError, CompanionCode};
use crate::network::{Attributes, RegionNetwork};

/// The network resources a resource group holds, as the calls name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouped {
    Vpc,
    VSwitch,
    Eip,
    SecurityGroup,
}

impl Grouped {
    /// `ResourceType` of `MoveResourceGroup` (`VPC`, `VSWITCH`, `EIP`, any case) or `JoinResourceGroup`
    /// (`securitygroup`).
    pub fn parse(resource_type: &str) -> Option<Grouped> {
        match resource_type.to_ascii_lowercase().as_str() {
            "vpc" => Some(Grouped::Vpc),
            "vswitch" => Some(Grouped::VSwitch),
            "eip" => Some(Grouped::Eip),
            "securitygroup" => Some(Grouped::SecurityGroup),
            _ => None,
        }
    }

    fn not_found(self) -> CompanionCode {
        match self {
            Grouped::Vpc => CompanionCode::InvalidVpcIdNotFound,
            Grouped::VSwitch => CompanionCode::InvalidVSwitchIdNotFound,
            Grouped::Eip => CompanionCode::InvalidAllocationIdNotFound,
            Grouped::SecurityGroup => CompanionCode::InvalidSecurityGroupIdNotFound,
        }
    }
}

impl RegionNetwork {
    /// Puts the caller's own `kind` resource `id` in resource group `group` (one of the caller's, as
    /// the call checked).
    pub fn move_to_group(
        &mut self,
        account: &str,
        kind: Grouped,
        id: &str,
        group: &str,
        action: &str,
    ) -> Result<(), ApiError> {
        let not_found = || documented_error(action, kind.not_found(), None);
        let seen = |api: &Attributes| api.visible_to(account);
        let api: &mut Attributes = match kind {
            Grouped::Vpc => self.vpcs.get_mut(id).map(|v| &mut v.api),
            Grouped::VSwitch => self.vswitch_mut(id).map(|v| &mut v.api),
            Grouped::Eip => self.eips.get_mut(id).filter(|e| !e.auto_created).map(|e| &mut e.api),
            Grouped::SecurityGroup => self.security_groups.get_mut(id).map(|g| &mut g.api),
        }
        .filter(|api| seen(api))
        .ok_or_else(not_found)?;
        owned(api)?;
        api.resource_group_id = Some(group.to_owned());
        Ok(())
    }
}
