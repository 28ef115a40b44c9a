//! The fixture document users declare their own resources with (`--fixtures FILE` at start,
//! `POST /_emulator/fixtures` at run time), and its validation and merge into the running state.
//!
//! A document is applied whole or not at all. Declaring an id again with the same definition is a
//! no-op; with a different one it is refused, so running groups never lose their addresses.

use crate::accounts::{Account, Accounts, ResourceGroup, ResourceGroups};
use crate::capacity::market::{Market, MarketDocument};
use crate::capacity::{Capacity, CapacityRule};
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
    /// Resource groups every account has beside its default one.
    #[serde(default)]
    pub resource_groups: Vec<ResourceGroup>,
    /// How many groups of a size fit in a zone (`docs/capacity.md`); added to what is declared.
    #[serde(default)]
    pub capacity: Vec<CapacityRule>,
    /// The spot market's series and walk; replaces the market in force.
    #[serde(default)]
    pub spot_market: Option<MarketDocument>,
}

/// Where a document's capacity and spot market go, and the moment offsets in it count from.
pub struct World<'a> {
    pub capacity: &'a Capacity,
    pub market: &'a Market,
    pub resource_groups: &'a ResourceGroups,
    pub now: time::OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VpcFixture {
    pub vpc_id: String,
    pub region_id: String,
    pub cidr_block: Ipv4Net,
    /// Its `VpcName`, so a test account's standing VPC is found by name as in the cloud.
    #[serde(default)]
    pub vpc_name: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VSwitchFixture {
    #[serde(rename = "vSwitchId")]
    pub v_switch_id: String,
    pub vpc_id: String,
    pub zone_id: String,
    pub cidr_block: Ipv4Net,
    /// Gives the vSwitch IPv6 addresses (`Ipv6AddressCount`); a /64 or larger.
    #[serde(default)]
    pub ipv6_cidr_block: Option<ipnet::Ipv6Net>,
    /// Its `VSwitchName`.
    #[serde(default, rename = "vSwitchName")]
    pub v_switch_name: String,
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

/// Parses a document; the error says what and where. A document is a JSON object: serde would
/// otherwise take `[]` for an empty one.
pub fn parse(text: &str) -> Result<FixtureDocument, String> {
    if !text.trim_start().starts_with('{') {
        return Err("not a fixture document: expected a JSON object".into());
    }
    serde_json::from_str(text).map_err(|e| format!("not a fixture document: {e}"))
}

/// Longest id a fixture may declare.
const MAX_ID_BYTES: usize = 128;
/// Prefix lengths a declared VPC or vSwitch may have: no wider than a /8 (VPC's own bound), and
/// narrow enough to hold an address once the first and last three of a block are reserved.
const PREFIX_LENGTHS: std::ops::RangeInclusive<u8> = 8..=29;
/// Largest declared disk, in GiB (ECI's cloud disks go to 32,768).
const MAX_DISK_GIB: u32 = 32_768;

/// Every value of `doc` that no merge could make sense of, found before anything is locked.
fn check(doc: &FixtureDocument) -> Result<(), String> {
    let ids = doc
        .vpcs
        .iter()
        .map(|v| ("vpcId", &v.vpc_id))
        .chain(doc.v_switches.iter().map(|v| ("vSwitchId", &v.v_switch_id)))
        .chain(
            doc.security_groups
                .iter()
                .map(|g| ("securityGroupId", &g.security_group_id)),
        )
        .chain(doc.eips.iter().map(|e| ("allocationId", &e.allocation_id)))
        .chain(doc.disks.iter().map(|d| ("diskId", &d.disk_id)))
        .chain(doc.image_caches.iter().map(|c| ("imageCacheId", &c.image_cache_id)))
        .chain(doc.accounts.iter().map(|a| ("accessKeyId", &a.access_key_id)));
    for (field, id) in ids {
        check_id(field, id)?;
    }
    for vpc in &doc.vpcs {
        check_cidr(&format!("VPC {}", vpc.vpc_id), vpc.cidr_block)?;
    }
    for vsw in &doc.v_switches {
        check_cidr(&format!("vSwitch {}", vsw.v_switch_id), vsw.cidr_block)?;
    }
    for disk in &doc.disks {
        if !(1..=MAX_DISK_GIB).contains(&disk.size) {
            return Err(format!("disk {}: size must be 1 to {MAX_DISK_GIB} GiB", disk.disk_id));
        }
    }
    doc.accounts.iter().try_for_each(check_account)
}

fn check_id(field: &str, id: &str) -> Result<(), String> {
    let printable = id.bytes().all(|b| b.is_ascii_graphic());
    if id.is_empty() || id.len() > MAX_ID_BYTES || !printable {
        let shown: String = id.chars().take(40).collect();
        return Err(format!(
            "{field} {shown:?}: an id has 1 to {MAX_ID_BYTES} printable ASCII characters, no spaces"
        ));
    }
    Ok(())
}

fn check_cidr(what: &str, cidr: Ipv4Net) -> Result<(), String> {
    if cidr.addr() != cidr.network() {
        return Err(format!(
            "{what}: {cidr} has host bits set; the network is {}",
            cidr.trunc()
        ));
    }
    if !PREFIX_LENGTHS.contains(&cidr.prefix_len()) {
        return Err(format!(
            "{what}: {cidr} must have a prefix length from /{} to /{} (a /30 or narrower has no usable address)",
            PREFIX_LENGTHS.start(),
            PREFIX_LENGTHS.end()
        ));
    }
    Ok(())
}

fn check_account(account: &Account) -> Result<(), String> {
    let vcpus = account.quota.vcpus;
    if vcpus.is_some_and(|v| !v.is_finite() || v < 0.0) {
        return Err(format!(
            "account {}: quota.vcpus must be a number of at least 0",
            account.access_key_id
        ));
    }
    if let Some(roles) = &account.ram_roles {
        roles.iter().try_for_each(|role| check_id("ramRoles entry", role))?;
    }
    Ok(())
}

/// Validates and merges `doc`: all of it, or nothing.
pub fn apply(
    doc: &FixtureDocument,
    networks: &Networks,
    accounts: &Accounts,
    ids: &IdGenerator,
    world: &World<'_>,
) -> Result<(), String> {
    check(doc)?;
    Capacity::check(&doc.capacity)?;
    ResourceGroups::check(&doc.resource_groups)?;
    let market = match doc.spot_market.clone() {
        Some(market) => Some(market.resolved(world.now).map_err(|e| format!("spotMarket: {e}"))?),
        None => None,
    };
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
    // Every account, declaration and the market were checked before the networks were committed,
    // so this part cannot fail.
    for account in &doc.accounts {
        accounts.upsert(account.clone());
    }
    world.resource_groups.declare(&doc.resource_groups);
    world.capacity.merge(&doc.capacity)?;
    if let Some(market) = market {
        world.market.declare(market);
    }
    Ok(())
}

fn merge(doc: &FixtureDocument, staged: &mut BTreeMap<String, RegionNetwork>) -> Result<(), String> {
    for vpc in &doc.vpcs {
        let n = region_mut(staged, &vpc.region_id)?;
        let mut declared = Vpc::declared(&vpc.vpc_id, vpc.cidr_block);
        declared.api.name.clone_from(&vpc.vpc_name);
        n.declare_vpc(declared)?;
    }
    for vsw in &doc.v_switches {
        let n = region_of_vpc(staged, &vsw.vpc_id)?;
        n.declare_vswitch(
            &vsw.v_switch_id,
            &vsw.vpc_id,
            &vsw.zone_id,
            vsw.cidr_block,
            vsw.ipv6_cidr_block,
            &vsw.v_switch_name,
        )?;
    }
    for sg in &doc.security_groups {
        let n = region_of_vpc(staged, &sg.vpc_id)?;
        n.declare_security_group(&sg.security_group_id, &sg.vpc_id)?;
    }
    for eip in &doc.eips {
        let n = region_mut(staged, &eip.region_id)?;
        let declared = Eip::declared(&eip.allocation_id, eip.ip_address, None, false);
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
