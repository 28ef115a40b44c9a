//! The network model: regions and zones from fixtures; per region a default VPC with one vSwitch per
//! zone and a default security group, plus whatever VPCs, vSwitches, security groups, EIPs, disks and
//! image caches a fixture document declares; intranet and internet IP allocation.
//!
//! The network of a region is shared by every account: what the defaults and fixtures declare has no
//! owner and every account sees it; what VPC and ECS calls make (their rules: `ops::vpc::rules`, `ops::ecs::rules`) belongs to the account that
//! made it and no other account sees it. Container groups stay private to their account. The region's
//! default VPC is every account's default until the account makes its own (`Vpc::account_default`).

mod attributes;
mod eip;
mod placement;
mod pool;
mod records;
mod regions;
mod registration;
mod security_group;
mod shared;
mod stored;
mod tokens;
mod vpc;
mod vswitch;

pub use attributes::{account_number, Attributes, NetworkChange, Tag, Taggable};
pub use eip::{Disk, Eip};
pub use placement::{EipChoice, Making, Placement, PlacementRequest};
pub use security_group::{names_key, SecurityGroup, SecurityRule};
pub use shared::{NetworkGuard, Networks, SharedNetwork};
pub use vpc::{in_vpc_key, RouteTable, Vpc};
pub use vswitch::{registered_key, SavedVSwitch, VSwitch};

pub use pool::IpPool;
pub use records::{owner_key, Indexed, Records};
pub use regions::{region, region_of_resource_id, region_of_zone, regions, RegionInfo};
pub use stored::{Cursor, NetworkParts, NetworkSink};

use crate::util::{FastMap, IdGenerator};
use ipnet::{Ipv4Net, Ipv6Net};
use serde::Serialize;
use std::collections::BTreeMap;
use std::net::{Ipv4Addr, Ipv6Addr};

/// The address space default VPCs take, as Alibaba Cloud's console does.
pub(crate) const DEFAULT_VPC_CIDR: &str = "172.16.0.0/12";
/// Each default or auto-registered vSwitch gets the next block of this size.
const VSWITCH_PREFIX_LEN: u8 = 20;
/// Where internet addresses of automatically created EIPs come from.
const EIP_POOL_CIDR: &str = "47.96.0.0/16";

/// One region's network.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RegionNetwork {
    pub region_id: String,
    pub default_vpc_id: String,
    pub vpcs: Records<Vpc>,
    pub v_switches: Vec<VSwitch>,
    pub security_groups: Records<SecurityGroup>,
    pub eips: Records<Eip>,
    pub disks: Records<Disk>,
    pub image_caches: Vec<String>,
    #[serde(skip)]
    region: &'static RegionInfo,
    #[serde(skip)]
    by_id: FastMap<String, usize>,
    /// The vSwitches by owner, by VPC and by whom they were registered for (`records::Index`).
    #[serde(skip)]
    vswitch_index: records::Index,
    /// The default security group of each VPC, made on first need.
    #[serde(skip)]
    default_groups: FastMap<String, String>,
    #[serde(skip)]
    next_block: u32,
    #[serde(skip)]
    eip_pool: IpPool,
    /// Each VPC's vSwitch blocks by first address (then position): `(last address, position)`.
    /// Blocks of one VPC never overlap, so an overlap check looks at one neighbour.
    #[serde(skip)]
    blocks: FastMap<String, BTreeMap<(u32, usize), u32>>,
    /// Which EIP holds each address, declared or made: no two share one.
    #[serde(skip)]
    eip_addresses: FastMap<Ipv4Addr, String>,
    /// See `SavedNetwork::client_tokens`.
    #[serde(skip)]
    client_tokens: tokens::NetworkTokens,
    /// What changes touched beyond `Records` since the network was last written.
    #[serde(skip)]
    touched: stored::Touched,
    /// Where changes are written, when the state is durable.
    #[serde(skip)]
    sink: Option<NetworkSink>,
    /// What the create under way registered on first use, to take back if it fails.
    #[serde(skip)]
    registered_now: registration::Registered,
    /// vSwitch and security-group ids deleted through the API: never registered again.
    #[serde(skip)]
    deleted: registration::Deleted,
}

/// Whose a vSwitch added to the default VPC, or a security group the network makes, is.
enum Registration<'a> {
    /// One of the region's own.
    Default,
    /// Named by a create and registered on first use for its caller's account (none: the region's).
    For(Option<&'a str>),
    /// Made by the network for a resource of this owner (none: the region's), not named by a call.
    Owned(Option<String>),
}

impl Registration<'_> {
    /// Whether it was registered on first use, and whose it is.
    fn registered_and_owner(self) -> (bool, Option<String>) {
        match self {
            Registration::Default => (false, None),
            Registration::For(account) => (true, account.map(str::to_owned)),
            Registration::Owned(owner) => (false, owner),
        }
    }
}

/// A region's network as the durable state keeps it: its declarations. Which addresses are in use is
/// not kept; the groups and virtual nodes holding them claim them again when they are loaded.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedNetwork {
    pub region_id: String,
    pub default_vpc_id: String,
    pub vpcs: BTreeMap<String, Vpc>,
    pub v_switches: Vec<SavedVSwitch>,
    pub security_groups: BTreeMap<String, SecurityGroup>,
    pub eips: BTreeMap<String, Eip>,
    pub disks: BTreeMap<String, Disk>,
    pub image_caches: Vec<String>,
    pub default_groups: BTreeMap<String, String>,
    pub next_block: u32,
    /// Client tokens of the creates made through the API: `account/action/token` → the id made.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub client_tokens: BTreeMap<String, String>,
    /// When each of `client_tokens` was made, in Unix seconds; a token of a file without it is
    /// forgotten only by the per-account bound (`tokens`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub client_token_times: BTreeMap<String, i64>,
    /// vSwitch and security-group ids deleted through the API, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deleted_ids: Vec<String>,
    /// The number of the first of `deleted_ids` in the order of deletion (the store numbers them).
    #[serde(skip)]
    pub deleted_first: u64,
}

impl RegionNetwork {
    /// A network of `region` with nothing in it yet but its default VPC's id.
    fn empty(region: &'static RegionInfo, default_vpc_id: String) -> Self {
        RegionNetwork {
            region_id: region.region_id.clone(),
            default_vpc_id,
            vpcs: Records::default(),
            v_switches: Vec::new(),
            security_groups: Records::default(),
            eips: Records::default(),
            disks: Records::default(),
            image_caches: Vec::new(),
            region,
            by_id: FastMap::default(),
            vswitch_index: records::Index::default(),
            default_groups: FastMap::default(),
            next_block: 0,
            eip_pool: IpPool::for_cidr(EIP_POOL_CIDR.parse().unwrap_or_default()),
            eip_addresses: FastMap::default(),
            client_tokens: tokens::NetworkTokens::default(),
            blocks: FastMap::default(),
            touched: stored::Touched::default(),
            sink: None,
            registered_now: registration::Registered::default(),
            deleted: registration::Deleted::default(),
        }
    }

    /// The default VPC, one vSwitch per zone and a default security group.
    pub fn default_for(region: &'static RegionInfo, ids: &IdGenerator) -> Self {
        let vpc_cidr: Ipv4Net = DEFAULT_VPC_CIDR.parse().unwrap_or_default();
        let default_vpc_id = ids.resource_id("vpc", &region.id_code);
        let mut network = RegionNetwork::empty(region, default_vpc_id.clone());
        network
            .vpcs
            .insert(default_vpc_id.clone(), Vpc::declared(&default_vpc_id, vpc_cidr));
        let sg = ids.resource_id("sg", &region.id_code);
        network.add_security_group(&sg, &default_vpc_id);
        network.default_groups.insert(default_vpc_id.clone(), sg);
        for zone in &region.zones {
            let id = ids.resource_id("vsw", &region.id_code);
            network.add_default_vswitch(id, zone, Registration::Default);
        }
        network.touched.meta = true;
        network
    }

    /// The region this network is of.
    pub fn region(&self) -> &'static RegionInfo {
        self.region
    }

    /// From now on, what changes touch is written to `sink` as the network's lock is let go.
    pub fn attach(&mut self, sink: Option<NetworkSink>) {
        self.sink = sink;
    }

    /// A network from its stored declarations, with no address in use but the EIPs'.
    pub fn restore(saved: SavedNetwork) -> Result<Self, String> {
        let region = region(&saved.region_id).map_err(|_| format!("unknown region {:?}", saved.region_id))?;
        let mut network = RegionNetwork::empty(region, saved.default_vpc_id);
        network.vpcs = Records::loaded(saved.vpcs);
        network.security_groups = Records::loaded(saved.security_groups);
        network.disks = Records::loaded(saved.disks);
        network.image_caches = saved.image_caches;
        network.default_groups = saved.default_groups.into_iter().collect();
        network.next_block = saved.next_block;
        network.client_tokens = tokens::NetworkTokens::restored(saved.client_tokens, &saved.client_token_times);
        network.deleted = registration::Deleted::restored(saved.deleted_ids, saved.deleted_first);
        if let Some(vpc) = network
            .vpcs
            .values()
            .find(|v| !(8..=28).contains(&v.cidr_block.prefix_len()))
        {
            return Err(format!(
                "VPC {}: {} is no VPC block (a /8 to a /28)",
                vpc.vpc_id, vpc.cidr_block
            ));
        }
        let mut default_owners = std::collections::BTreeSet::new();
        for vpc in network.vpcs.values().filter(|v| v.account_default) {
            let owner = vpc.api.owner.as_deref().unwrap_or_default();
            if owner.is_empty() || !default_owners.insert(owner) {
                return Err(format!(
                    "VPC {}: a second default VPC of its account, or of none",
                    vpc.vpc_id
                ));
            }
        }
        if !network.vpcs.contains_key(&network.default_vpc_id) {
            return Err(format!(
                "the default VPC {} is not among its VPCs",
                network.default_vpc_id
            ));
        }
        // Each as a fixture declares it: inside its VPC, in a zone of the region, overlapping none.
        for vswitch in saved.v_switches {
            network.check_vswitch(
                &vswitch.v_switch_id,
                &vswitch.vpc_id,
                &vswitch.zone_id,
                vswitch.cidr_block,
            )?;
            if network.vswitch(&vswitch.v_switch_id).is_some() {
                return Err(format!("vSwitch {} appears twice", vswitch.v_switch_id));
            }
            network.add_vswitch(vswitch);
        }
        for eip in saved.eips.into_values() {
            network.insert_eip(eip)?;
        }
        // What was just read is what the store holds (the tokens and deleted ids that their bounds
        // dropped aside, which are written away with the next change).
        network.touched = stored::Touched::default();
        network.eips.forget_touched();
        Ok(network)
    }

    pub fn declare_image_cache(&mut self, id: &str) {
        if !self.has_image_cache(id) {
            self.touched.meta = true;
            self.image_caches.push(id.to_owned());
        }
    }

    pub fn has_image_cache(&self, id: &str) -> bool {
        self.image_caches.iter().any(|c| c == id)
    }
}

/// The first and last address of a block, as numbers.
fn block_range(cidr: Ipv4Net) -> (u32, u32) {
    (u32::from(cidr.network()), u32::from(cidr.broadcast()))
}

/// The IPv6 /64 of the default VPC's `block`th vSwitch in `region`: inside 2408:4000::/32, one /48 per
/// region (from its id code) and one /64 per vSwitch.
fn default_ipv6_block(region: &RegionInfo, block: u32) -> Ipv6Net {
    let code = region
        .id_code
        .bytes()
        .fold(0u16, |acc, b| acc.wrapping_mul(31).wrapping_add(u16::from(b)));
    let address = Ipv6Addr::new(
        0x2408,
        0x4000,
        code,
        u16::try_from(block).unwrap_or(u16::MAX),
        0,
        0,
        0,
        0,
    );
    Ipv6Net::new(address, 64).unwrap_or_default()
}

#[cfg(test)]
mod tests;
