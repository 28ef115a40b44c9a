//! What `AllocateEipAddress`, `ModifyEipAddressAttribute`, `ReleaseEipAddress` and the association
//! calls check, and what each then changes.

use super::{check_tags, owned};
use crate::error::catalogue::documented_error;
use crate::error::{ApiError, CompanionCode, ErrorCode};
use crate::network::{owner_key, RegionNetwork};
use crate::network::{Eip, NetworkChange};
use std::net::Ipv4Addr;

const EIP_QUOTA: usize = 20;

/// The lines EIPs are sold on (`ISP`).
const LINES: [&str; 10] = [
    "BGP",
    "BGP_PRO",
    "ChinaTelecom",
    "ChinaUnicom",
    "ChinaMobile",
    "ChinaTelecom_L2",
    "ChinaUnicom_L2",
    "ChinaMobile_L2",
    "BGP_FinanceCloud",
    "BGP_International",
];

/// What an `AllocateEipAddress` asks for beyond its name, description and tags.
#[derive(Default)]
pub struct EipSpec<'a> {
    pub bandwidth: Option<&'a str>,
    pub charge_type: Option<&'a str>,
    pub isp: Option<&'a str>,
    pub zone: Option<&'a str>,
    pub security_protection_types: &'a [String],
}

impl RegionNetwork {
    /// `AllocateEipAddress`: a new address from the region's pool, not bound, on the line and in the
    /// zone asked for. A replayed `ClientToken` answers the EIP its first call made, as it is.
    pub fn allocate_eip(
        &mut self,
        change: &NetworkChange<'_>,
        spec: &EipSpec<'_>,
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
        let bandwidth = checked_bandwidth(spec.bandwidth, action)?;
        let charge_type = match spec.charge_type.filter(|c| !c.is_empty()) {
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
        self.check_eip_placement(spec)?;
        if self.eips.count_under(&owner_key(Some(change.account))) >= EIP_QUOTA {
            return Err(documented_error(action, CompanionCode::QuotaExceededEip, None));
        }
        let ip = self
            .draw_eip_address()
            .ok_or_else(|| documented_error(action, CompanionCode::QuotaExceededEip, None))?;
        let id = change
            .ids
            .unused_resource_id("eip", &self.region().id_code, |id| self.eips.contains_key(id))
            .ok_or_else(|| ApiError::new(ErrorCode::InternalError))?;
        let eip = Eip {
            allocation_id: id.clone(),
            ip_address: ip,
            bound_to: None,
            auto_created: false,
            api: change.attributes(false),
            bandwidth,
            internet_charge_type: charge_type,
            isp: spec.isp.map(str::to_owned),
            zone: spec.zone.map(str::to_owned),
            security_protection_types: spec.security_protection_types.to_vec(),
            mode: None,
            deletion_protection: false,
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
        if eip.deletion_protection {
            return Err(documented_error(
                action,
                CompanionCode::OperationDeniedDeletionProtection,
                None,
            ));
        }
        self.remove_eip(id);
        Ok(())
    }

    /// Whether an EIP may be on the line and in the zone `spec` asks for, with its protection.
    fn check_eip_placement(&self, spec: &EipSpec<'_>) -> Result<(), ApiError> {
        if spec.isp.is_some_and(|line| !LINES.contains(&line)) {
            return Err(ApiError::invalid("ISP", "it is not a line EIPs are sold on"));
        }
        if spec
            .zone
            .is_some_and(|z| !self.region().zones.iter().any(|known| known == z))
        {
            return Err(ApiError::invalid("Zone", "it is not a zone of the region"));
        }
        if spec.security_protection_types.iter().any(|p| p != "AntiDDoS_Enhanced") {
            return Err(ApiError::invalid(
                "SecurityProtectionTypes.N",
                "it must be AntiDDoS_Enhanced",
            ));
        }
        Ok(())
    }

    /// `ModifyEipForwardMode`: `NAT`, `MULTI_BINDED` or `BINDED`.
    pub fn set_eip_mode(&mut self, account: &str, id: &str, mode: &str) -> Result<(), ApiError> {
        if !matches!(mode, "NAT" | "MULTI_BINDED" | "BINDED") {
            return Err(ApiError::invalid("Mode", "it must be NAT, MULTI_BINDED or BINDED"));
        }
        self.own_eip_mut(id, account, "ModifyEipForwardMode")?.mode = Some(mode.to_owned());
        Ok(())
    }

    /// `DeletionProtection` of an EIP: while on, the EIP cannot be released.
    pub fn protect_eip(&mut self, account: &str, id: &str, enabled: bool) -> Result<(), ApiError> {
        self.own_eip_mut(id, account, "DeletionProtection")?.deletion_protection = enabled;
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
