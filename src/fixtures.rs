//! The fixture document users declare their own resources with (`--fixtures FILE` at start,
//! `POST /_emulator/fixtures` at run time), and its validation and merge into the running state.
//!
//! A document is applied whole or not at all. Declaring an id again with the same definition is a
//! no-op; with a different one it is refused, so running groups never lose their addresses.

use crate::accounts::{Account, Accounts};
use crate::network::{self, Disk, Eip, Networks, RegionNetwork, Vpc};
use crate::util::IdGenerator;
use ipnet::Ipv4Net;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FixtureDocument {
    #[serde(default)]
    pub vpcs: Vec<VpcFixture>,
    #[serde(default, rename = "vSwitches")]
    pub v_switches: Vec<VSwitchFixture>,
    #[serde(default)]
    pub security_groups: Vec<SecurityGroupFixture>,
    #[serde(default)]
    pub eips: Vec<EipFixture>,
    #[serde(default)]
    pub disks: Vec<DiskFixture>,
    /// Image caches `ImageSnapshotId` may name (until the image-cache operations make them).
    #[serde(default)]
    pub image_caches: Vec<ImageCacheFixture>,
    #[serde(default)]
    pub accounts: Vec<Account>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VpcFixture {
    pub vpc_id: String,
    pub region_id: String,
    pub cidr_block: Ipv4Net,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VSwitchFixture {
    #[serde(rename = "vSwitchId")]
    pub v_switch_id: String,
    pub vpc_id: String,
    pub zone_id: String,
    pub cidr_block: Ipv4Net,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SecurityGroupFixture {
    pub security_group_id: String,
    pub vpc_id: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EipFixture {
    pub allocation_id: String,
    pub region_id: String,
    pub ip_address: Ipv4Addr,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DiskFixture {
    pub disk_id: String,
    pub zone_id: String,
    pub size: u32,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImageCacheFixture {
    pub image_cache_id: String,
    pub region_id: String,
}

/// Parses a document; the error says what and where.
pub fn parse(text: &str) -> Result<FixtureDocument, String> {
    serde_json::from_str(text).map_err(|e| format!("not a fixture document: {e}"))
}

/// Validates and merges `doc`: all of it, or nothing.
pub fn apply(doc: &FixtureDocument, networks: &Networks, accounts: &Accounts, ids: &IdGenerator) -> Result<(), String> {
    let mut regions: Vec<&'static network::RegionInfo> = Vec::new();
    let mut want = |region_id: &str| -> Result<(), String> {
        let region = network::region(region_id).map_err(|_| format!("unknown region {region_id}"))?;
        if !regions.iter().any(|r| r.region_id == region.region_id) {
            regions.push(region);
        }
        Ok(())
    };
    doc.vpcs.iter().try_for_each(|v| want(&v.region_id))?;
    doc.eips.iter().try_for_each(|e| want(&e.region_id))?;
    doc.image_caches.iter().try_for_each(|c| want(&c.region_id))?;
    for disk in &doc.disks {
        let region = network::region_of_zone(&disk.zone_id)
            .ok_or_else(|| format!("disk {}: unknown zone {}", disk.disk_id, disk.zone_id))?;
        want(&region.region_id)?;
    }
    for vsw in &doc.v_switches {
        let region = network::region_of_zone(&vsw.zone_id)
            .ok_or_else(|| format!("vSwitch {}: unknown zone {}", vsw.v_switch_id, vsw.zone_id))?;
        want(&region.region_id)?;
    }
    regions.sort_by(|a, b| a.region_id.cmp(&b.region_id));
    // Locks are taken in region order; creates hold at most one network lock, so no cycle can form.
    let handles: Vec<_> = regions.iter().map(|r| networks.region(r, ids)).collect();
    let mut guards: Vec<_> = handles.iter().map(|h| h.lock()).collect();
    let mut staged: BTreeMap<String, RegionNetwork> =
        guards.iter().map(|g| (g.region_id.clone(), (**g).clone())).collect();
    merge(doc, &mut staged)?;
    for guard in guards.iter_mut() {
        if let Some(next) = staged.remove(&guard.region_id) {
            **guard = next;
        }
    }
    for account in &doc.accounts {
        if account.access_key_id.is_empty() {
            return Err("an account needs an accessKeyId".into());
        }
        accounts.upsert(account.clone());
    }
    Ok(())
}

fn merge(doc: &FixtureDocument, staged: &mut BTreeMap<String, RegionNetwork>) -> Result<(), String> {
    for vpc in &doc.vpcs {
        let n = region_mut(staged, &vpc.region_id)?;
        n.declare_vpc(Vpc {
            vpc_id: vpc.vpc_id.clone(),
            cidr_block: vpc.cidr_block,
        })?;
    }
    for vsw in &doc.v_switches {
        let n = region_of_vpc(staged, &vsw.vpc_id)?;
        n.declare_vswitch(&vsw.v_switch_id, &vsw.vpc_id, &vsw.zone_id, vsw.cidr_block)?;
    }
    for sg in &doc.security_groups {
        let n = region_of_vpc(staged, &sg.vpc_id)?;
        n.declare_security_group(&sg.security_group_id, &sg.vpc_id)?;
    }
    for eip in &doc.eips {
        let n = region_mut(staged, &eip.region_id)?;
        let declared = Eip {
            allocation_id: eip.allocation_id.clone(),
            ip_address: eip.ip_address,
            bound_to: None,
            auto_created: false,
        };
        n.declare_eip(declared)?;
    }
    for disk in &doc.disks {
        let region = network::region_of_zone(&disk.zone_id)
            .map(|r| r.region_id.as_str())
            .unwrap_or_default();
        let n = region_mut(staged, region)?;
        n.declare_disk(Disk {
            disk_id: disk.disk_id.clone(),
            zone_id: disk.zone_id.clone(),
            size: disk.size,
        })?;
    }
    for cache in &doc.image_caches {
        region_mut(staged, &cache.region_id)?.declare_image_cache(&cache.image_cache_id);
    }
    Ok(())
}

fn region_mut<'a>(
    staged: &'a mut BTreeMap<String, RegionNetwork>,
    region: &str,
) -> Result<&'a mut RegionNetwork, String> {
    staged.get_mut(region).ok_or_else(|| format!("unknown region {region}"))
}

/// The staged region that holds `vpc_id`.
fn region_of_vpc<'a>(
    staged: &'a mut BTreeMap<String, RegionNetwork>,
    vpc_id: &str,
) -> Result<&'a mut RegionNetwork, String> {
    staged
        .values_mut()
        .find(|n| n.vpcs.contains_key(vpc_id))
        .ok_or_else(|| format!("unknown VPC {vpc_id}"))
}
