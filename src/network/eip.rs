//! EIPs and disks: the internet addresses of the region's pool, which holder each is bound to, and
//! the disks fixtures declare.

use super::{owner_key, Attributes, Indexed, RegionNetwork};
use crate::error::{ApiError, ErrorCode};
use crate::util::IdGenerator;
use serde::Serialize;
use std::net::Ipv4Addr;

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Eip {
    pub allocation_id: String,
    pub ip_address: Ipv4Addr,
    /// The group it is bound to.
    pub bound_to: Option<String>,
    /// Created by `AutoCreateEip`, and released with its group.
    pub auto_created: bool,
    #[serde(default)]
    pub api: Attributes,
    /// Mbit/s, as the API spells it; `5` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bandwidth: Option<String>,
    /// `PayByBandwidth` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internet_charge_type: Option<String>,
    /// The line it is on (`ISP`); `BGP` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub isp: Option<String>,
    /// The zone it was allocated for (`Zone`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    /// Its protection levels (`SecurityProtectionTypes`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub security_protection_types: Vec<String>,
    /// How it is bound (`ModifyEipForwardMode`): `NAT` when unset, `MULTI_BINDED` or `BINDED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// Refuses `ReleaseEipAddress` while set (`DeletionProtection`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deletion_protection: bool,
}

impl Eip {
    /// An EIP as fixtures declare it, or as a loaded group or `AutoCreateEip` makes it.
    pub fn declared(allocation_id: &str, ip_address: Ipv4Addr, bound_to: Option<&str>, auto_created: bool) -> Self {
        Eip {
            allocation_id: allocation_id.to_owned(),
            ip_address,
            bound_to: bound_to.map(str::to_owned),
            auto_created,
            api: Attributes::default(),
            bandwidth: None,
            internet_charge_type: None,
            isp: None,
            zone: None,
            security_protection_types: Vec::new(),
            mode: None,
            deletion_protection: false,
        }
    }
}

impl Indexed for Eip {
    fn index_keys(&self) -> Vec<crate::store::IndexKey> {
        vec![owner_key(self.api.owner.as_deref())]
    }
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Disk {
    pub disk_id: String,
    pub zone_id: String,
    pub size: u32,
}

impl Indexed for Disk {
    fn index_keys(&self) -> Vec<crate::store::IndexKey> {
        Vec::new()
    }
}

impl RegionNetwork {
    /// Adds an EIP unless another holds its address. A declared address inside the pool that
    /// `AutoCreateEip` draws from is taken out of it, so no made EIP gets it too.
    pub fn insert_eip(&mut self, eip: Eip) -> Result<(), String> {
        if let Some(other) = self
            .eip_addresses
            .get(&eip.ip_address)
            .filter(|o| **o != eip.allocation_id)
        {
            return Err(format!(
                "EIP {}: the address {} is already EIP {other}'s",
                eip.allocation_id, eip.ip_address
            ));
        }
        let _ = self.eip_pool.claim(eip.ip_address);
        self.eip_addresses.insert(eip.ip_address, eip.allocation_id.clone());
        self.eips.insert(eip.allocation_id.clone(), eip);
        Ok(())
    }

    pub fn visible_eip(&self, id: &str, account: &str) -> Option<&Eip> {
        self.eips
            .get(id)
            .filter(|e| e.api.visible_to(account) && !e.auto_created)
    }

    /// A new EIP bound to `group_id`, for `AutoCreateEip`.
    pub fn create_eip(&mut self, group_id: &str, ids: &IdGenerator) -> Result<Eip, ApiError> {
        let ip = self
            .eip_pool
            .allocate()
            .ok_or_else(|| ApiError::new(ErrorCode::IpNotEnough))?;
        let id = ids.resource_id("eip", &self.region.id_code);
        let eip = Eip::declared(&id, ip, Some(group_id), true);
        // The pool never hands out an address an EIP holds: each one's is claimed in it.
        self.insert_eip(eip.clone())
            .map_err(|_| ApiError::new(ErrorCode::IpNotEnough))?;
        Ok(eip)
    }

    /// Binds a declared EIP to `group_id`; it must exist and be free.
    pub fn bind_eip(&mut self, allocation_id: &str, group_id: &str) -> Result<Ipv4Addr, ApiError> {
        let eip = self
            .eips
            .get_mut(allocation_id)
            .ok_or_else(|| ApiError::new(ErrorCode::EipNotFound))?;
        if eip.bound_to.is_some() {
            return Err(ApiError::new(ErrorCode::IncorrectEipStatus));
        }
        eip.bound_to = Some(group_id.to_owned());
        Ok(eip.ip_address)
    }

    /// Whether the EIP exists for `account` (any, with none) and is free, without binding it.
    pub fn check_eip(&self, allocation_id: &str, account: Option<&str>) -> Result<(), ApiError> {
        let seen = |e: &&Eip| account.is_none_or(|a| e.api.visible_to(a));
        match self.eips.get(allocation_id).filter(seen) {
            None => Err(ApiError::new(ErrorCode::EipNotFound)),
            Some(e) if e.bound_to.is_some() => Err(ApiError::new(ErrorCode::IncorrectEipStatus)),
            Some(_) => Ok(()),
        }
    }

    /// Unbinds the group's EIP; one it created goes away with it.
    pub fn release_eip(&mut self, allocation_id: &str) {
        let auto = match self.eips.get_mut(allocation_id) {
            Some(eip) => {
                eip.bound_to = None;
                eip.auto_created
            }
            None => return,
        };
        if auto {
            self.remove_eip(allocation_id);
        }
    }

    /// Unbinds an EIP made through the API from its holder; it stays allocated.
    pub fn unbind_eip(&mut self, id: &str) {
        if let Some(eip) = self.eips.get_mut(id) {
            eip.bound_to = None;
        }
    }

    /// The next free address of the region's pool, taken.
    pub fn draw_eip_address(&mut self) -> Option<Ipv4Addr> {
        self.eip_pool.allocate()
    }

    /// Takes an EIP out and gives its address back to the pool.
    pub fn remove_eip(&mut self, allocation_id: &str) -> Option<Eip> {
        let eip = self.eips.remove(allocation_id)?;
        self.eip_pool.release(eip.ip_address);
        self.eip_addresses.remove(&eip.ip_address);
        Some(eip)
    }

    pub fn declare_eip(&mut self, eip: Eip) -> Result<(), String> {
        match self.eips.get(&eip.allocation_id) {
            Some(existing) if existing.ip_address == eip.ip_address => Ok(()),
            Some(_) => Err(format!("EIP {} is already declared differently", eip.allocation_id)),
            None => {
                self.insert_eip(eip)?;
                Ok(())
            }
        }
    }

    pub fn declare_disk(&mut self, disk: Disk) -> Result<(), String> {
        match self.disks.get(&disk.disk_id) {
            Some(existing) if existing.zone_id == disk.zone_id && existing.size == disk.size => Ok(()),
            Some(_) => Err(format!("disk {} is already declared differently", disk.disk_id)),
            None => {
                self.disks.insert(disk.disk_id.clone(), disk);
                Ok(())
            }
        }
    }

    pub fn disk(&self, disk_id: &str) -> Option<&Disk> {
        self.disks.get(disk_id)
    }
}
