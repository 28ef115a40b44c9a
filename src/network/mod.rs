//! The network model: regions and zones from fixtures; per region a default VPC with one vSwitch per
//! zone and a default security group, plus whatever VPCs, vSwitches, security groups, EIPs, disks and
//! image caches a fixture document declares; intranet and internet IP allocation.
//!
//! The network of a region is shared by every account: what the defaults and fixtures declare has no
//! owner and every account sees it; what VPC and ECS calls make (`api`) belongs to the account that
//! made it and no other account sees it. Container groups stay private to their account.

mod api;
mod pool;
mod records;
mod regions;
mod registration;
mod stored;
mod tokens;

pub use api::{account_number, Attributes, NetworkChange, RouteTable, RuleSpec, SecurityRule, Tag, Taggable, VpcSpec};

pub use pool::IpPool;
pub use records::{owner_key, Indexed, Records};
pub use regions::{region, region_of_resource_id, region_of_zone, regions, RegionInfo};
pub use stored::{Cursor, NetworkParts, NetworkSink};

use crate::error::{ApiError, ErrorCode};
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

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Vpc {
    pub vpc_id: String,
    pub cidr_block: Ipv4Net,
    #[serde(default)]
    pub api: Attributes,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub user_cidrs: Vec<String>,
    /// Its system route table's name and description (the table itself has no other state).
    #[serde(default)]
    pub route_table: RouteTable,
}

impl Vpc {
    /// A VPC as the defaults and fixtures declare it: nobody's, available from the start.
    pub fn declared(vpc_id: &str, cidr_block: Ipv4Net) -> Self {
        Vpc {
            vpc_id: vpc_id.to_owned(),
            cidr_block,
            api: Attributes::default(),
            user_cidrs: Vec::new(),
            route_table: RouteTable::default(),
        }
    }
}

/// A vSwitch and the addresses it has handed out.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VSwitch {
    pub v_switch_id: String,
    pub vpc_id: String,
    pub zone_id: String,
    pub cidr_block: Ipv4Net,
    /// Registered because a request named it.
    pub auto_registered: bool,
    /// Where its groups' IPv6 addresses come from: one per IPv4 address, at the same offset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipv6_cidr_block: Option<Ipv6Net>,
    pub api: Attributes,
    /// Shown in the state dump as the number of addresses in use.
    #[serde(rename = "ipsInUse", serialize_with = "addresses_in_use")]
    pool: IpPool,
}

/// What a vSwitch is found under: its owner, its VPC, and whom it was registered for.
fn vswitch_keys(vpc_id: &str, api: &Attributes, auto_registered: bool) -> Vec<crate::store::IndexKey> {
    let owner = api.owner.as_deref();
    let mut keys = vec![owner_key(owner), in_vpc_key(vpc_id)];
    if auto_registered {
        keys.push(registered_key(owner));
    }
    keys
}

impl VSwitch {
    /// Whether the VPC and ECS calls show it to `account`: one it may see, and not one registered on
    /// first use by a call of no account (the region's, which nobody manages).
    pub fn shown_to(&self, account: &str) -> bool {
        self.api.visible_to(account) && !(self.auto_registered && self.api.owner.is_none())
    }

    /// What declares it, without the addresses handed out.
    fn declaration(&self) -> SavedVSwitch {
        SavedVSwitch {
            v_switch_id: self.v_switch_id.clone(),
            vpc_id: self.vpc_id.clone(),
            zone_id: self.zone_id.clone(),
            cidr_block: self.cidr_block,
            auto_registered: self.auto_registered,
            ipv6_cidr_block: self.ipv6_cidr_block,
            api: self.api.clone(),
        }
    }

    /// How many of its addresses are held.
    pub fn addresses_in_use(&self) -> usize {
        self.pool.in_use()
    }

    /// How many of its addresses are free to hand out: the block less the four reserved and those
    /// held.
    pub fn addresses_free(&self) -> u64 {
        let size = 1u64 << (32 - u32::from(self.cidr_block.prefix_len()));
        size.saturating_sub(4).saturating_sub(self.pool.in_use() as u64)
    }
}

fn addresses_in_use<S: serde::Serializer>(pool: &IpPool, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(pool.in_use() as u64)
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecurityGroup {
    pub security_group_id: String,
    pub vpc_id: String,
    #[serde(default)]
    pub api: Attributes,
    /// `normal` or `enterprise`; `normal` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_group_type: Option<String>,
    /// `Accept` or `Drop`; `Accept` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inner_access_policy: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<SecurityRule>,
    /// How many groups and virtual nodes are placed in it (counted again when they are loaded).
    #[serde(skip)]
    pub holders: usize,
    /// Registered on first use by a create that named it (`registration`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub auto_registered: bool,
}

impl Indexed for Vpc {
    fn index_keys(&self) -> Vec<crate::store::IndexKey> {
        vec![owner_key(self.api.owner.as_deref())]
    }
}

/// The index entry of a security group placed in `vpc_id`.
pub fn in_vpc_key(vpc_id: &str) -> crate::store::IndexKey {
    crate::store::IndexKey::new("vpc", vpc_id)
}

/// The index entry of what was registered on first use for `owner` (none: the region's).
pub fn registered_key(owner: Option<&str>) -> crate::store::IndexKey {
    crate::store::IndexKey::new("registered", owner.unwrap_or_default())
}

/// The index entry of a security group one of whose rules names group `id`.
pub fn names_key(id: &str) -> crate::store::IndexKey {
    crate::store::IndexKey::new("names", id)
}

impl Indexed for SecurityGroup {
    fn index_keys(&self) -> Vec<crate::store::IndexKey> {
        let mut keys = vec![owner_key(self.api.owner.as_deref()), in_vpc_key(&self.vpc_id)];
        if self.auto_registered {
            keys.push(registered_key(self.api.owner.as_deref()));
        }
        let mut named: Vec<&str> = self
            .rules
            .iter()
            .map(|r| r.group_id.as_str())
            .filter(|g| !g.is_empty() && *g != self.security_group_id)
            .collect();
        named.sort_unstable();
        named.dedup();
        keys.extend(named.into_iter().map(names_key));
        keys
    }
}

impl Indexed for Eip {
    fn index_keys(&self) -> Vec<crate::store::IndexKey> {
        vec![owner_key(self.api.owner.as_deref())]
    }
}

impl Indexed for Disk {
    fn index_keys(&self) -> Vec<crate::store::IndexKey> {
        Vec::new()
    }
}

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
        }
    }
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Disk {
    pub disk_id: String,
    pub zone_id: String,
    pub size: u32,
}

/// Where a new group lands.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Placement {
    pub zone_id: String,
    pub vswitch_id: String,
    pub vpc_id: String,
    pub security_group_id: String,
    pub ip: Ipv4Addr,
}

/// Which EIP a new holder gets: a declared one by id, a new one, or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EipChoice<'a> {
    None,
    Bind(&'a str),
    Create,
}

impl<'a> EipChoice<'a> {
    /// From a request's EIP id (which wins) and its ask for a new one.
    pub fn from_request(eip_instance_id: Option<&'a str>, create: bool) -> Self {
        match (eip_instance_id.filter(|e| !e.is_empty()), create) {
            (Some(id), _) => EipChoice::Bind(id),
            (None, true) => EipChoice::Create,
            (None, false) => EipChoice::None,
        }
    }
}

/// What a create asks of the network.
#[derive(Debug, Default)]
pub struct PlacementRequest<'a> {
    pub zone_id: Option<&'a str>,
    /// vSwitch ids in the order to try them.
    pub vswitch_ids: Vec<&'a str>,
    pub security_group_id: Option<&'a str>,
    pub private_ip: Option<Ipv4Addr>,
    /// Whose call it is: another account's vSwitch or security group is unknown to it. `None` sees
    /// every one.
    pub account: Option<&'a str>,
}

/// What `zone_open` said of each zone during one placement, so each zone is asked once.
#[derive(Default)]
struct ZoneVerdicts {
    open: Vec<String>,
    refused: Vec<String>,
    last_refusal: Option<ApiError>,
}

impl ZoneVerdicts {
    fn is_open(&mut self, zone: &str, zone_open: &mut dyn FnMut(&str) -> Result<(), ApiError>) -> bool {
        if self.open.iter().any(|z| z == zone) {
            return true;
        }
        if self.refused.iter().any(|z| z == zone) {
            return false;
        }
        match zone_open(zone) {
            Ok(()) => {
                self.open.push(zone.to_owned());
                true
            }
            Err(refusal) => {
                self.refused.push(zone.to_owned());
                self.last_refusal = Some(refusal);
                false
            }
        }
    }
}

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
}

impl Registration<'_> {
    /// Whether it was registered on first use, and whose it is.
    fn registered_and_owner(self) -> (bool, Option<String>) {
        match self {
            Registration::Default => (false, None),
            Registration::For(account) => (true, account.map(str::to_owned)),
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

/// What declares a vSwitch: how one is made, and how the durable state keeps it.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedVSwitch {
    pub v_switch_id: String,
    pub vpc_id: String,
    pub zone_id: String,
    pub cidr_block: Ipv4Net,
    pub auto_registered: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv6_cidr_block: Option<Ipv6Net>,
    #[serde(default)]
    pub api: Attributes,
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

    /// Adds an EIP unless another holds its address. A declared address inside the pool that
    /// `AutoCreateEip` draws from is taken out of it, so no made EIP gets it too.
    fn insert_eip(&mut self, eip: Eip) -> Result<(), String> {
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

    /// Takes again what a loaded holder holds: its address and its EIP (made again if the stored
    /// network was written before the EIP was).
    pub fn reclaim(&mut self, placement: &Placement, eip: Option<&(String, Ipv4Addr)>, holder: &str) {
        if let Some(v) = self
            .by_id
            .get(&placement.vswitch_id)
            .and_then(|i| self.v_switches.get_mut(*i))
        {
            let _ = v.pool.claim(placement.ip);
        }
        self.count_holder(&placement.security_group_id, true);
        let Some((allocation_id, ip)) = eip else { return };
        match self
            .eips
            .get(allocation_id)
            .map(|e| e.bound_to.as_deref() == Some(holder))
        {
            Some(true) => {}
            Some(false) => {
                if let Some(known) = self.eips.get_mut(allocation_id) {
                    known.bound_to = Some(holder.to_owned());
                }
            }
            None => {
                let made = Eip::declared(allocation_id, *ip, Some(holder), true);
                if let Err(why) = self.insert_eip(made) {
                    tracing::warn!(holder, "a loaded EIP is not taken again: {why}");
                }
            }
        }
    }

    pub fn default_security_group_id(&self) -> &str {
        self.default_groups
            .get(&self.default_vpc_id)
            .map(String::as_str)
            .unwrap_or_default()
    }

    fn add_security_group(&mut self, id: &str, vpc_id: &str) {
        self.insert_security_group(id, vpc_id, Registration::Default);
    }

    /// A security group as the defaults, fixtures and first use make it, with no rules.
    fn insert_security_group(&mut self, id: &str, vpc_id: &str, registered: Registration<'_>) {
        let (auto_registered, owner) = registered.registered_and_owner();
        let sg = SecurityGroup {
            security_group_id: id.to_owned(),
            vpc_id: vpc_id.to_owned(),
            api: Attributes {
                owner,
                ..Attributes::default()
            },
            security_group_type: None,
            inner_access_policy: None,
            rules: Vec::new(),
            holders: 0,
            auto_registered,
        };
        self.security_groups.insert(id.to_owned(), sg);
    }

    /// A security group a create named, registered for `owner` on first use.
    fn register_security_group(&mut self, id: &str, vpc_id: &str, owner: Option<&str>) {
        self.insert_security_group(id, vpc_id, Registration::For(owner));
        self.note_registered_security_group(id);
    }

    /// A vSwitch in the default VPC, with the next free block: one of the region's own, or one a
    /// create named, registered on first use for its caller.
    fn add_default_vswitch(&mut self, id: String, zone_id: &str, registered: Registration<'_>) -> Option<usize> {
        let vpc = self.vpcs.get(&self.default_vpc_id)?.cidr_block;
        let cidr = vpc
            .subnets(VSWITCH_PREFIX_LEN)
            .ok()?
            .nth(usize::try_from(self.next_block).ok()?)?;
        let ipv6_cidr_block = Some(default_ipv6_block(self.region, self.next_block));
        self.next_block += 1;
        self.touched.meta = true;
        let (auto_registered, owner) = registered.registered_and_owner();
        let api = Attributes {
            owner,
            ..Attributes::default()
        };
        Some(self.add_vswitch(SavedVSwitch {
            v_switch_id: id,
            vpc_id: self.default_vpc_id.clone(),
            zone_id: zone_id.to_owned(),
            cidr_block: cidr,
            auto_registered,
            ipv6_cidr_block,
            api,
        }))
    }

    fn add_vswitch(&mut self, declared: SavedVSwitch) -> usize {
        self.touched.vswitches.push(declared.v_switch_id.clone());
        self.vswitch_index.add(
            &declared.v_switch_id,
            vswitch_keys(&declared.vpc_id, &declared.api, declared.auto_registered),
        );
        let index = self.v_switches.len();
        self.by_id.insert(declared.v_switch_id.clone(), index);
        let (first, last) = block_range(declared.cidr_block);
        self.blocks
            .entry(declared.vpc_id.clone())
            .or_default()
            .insert((first, index), last);
        self.v_switches.push(VSwitch {
            pool: IpPool::for_cidr(declared.cidr_block),
            v_switch_id: declared.v_switch_id,
            vpc_id: declared.vpc_id,
            zone_id: declared.zone_id,
            cidr_block: declared.cidr_block,
            auto_registered: declared.auto_registered,
            ipv6_cidr_block: declared.ipv6_cidr_block,
            api: declared.api,
        });
        index
    }

    /// The IPv6 address of a placement: its vSwitch's IPv6 block at the IPv4 address's offset in the
    /// IPv4 block, so no two holders share one and none needs a pool of its own. `None` when the
    /// vSwitch has no IPv6 block.
    pub fn ipv6_of(&self, placement: &Placement) -> Option<Ipv6Addr> {
        let vswitch = self.vswitch(&placement.vswitch_id)?;
        let block = vswitch.ipv6_cidr_block?;
        let offset = u32::from(placement.ip).checked_sub(u32::from(vswitch.cidr_block.network()))?;
        Some(Ipv6Addr::from(
            u128::from(block.network()).wrapping_add(u128::from(offset)),
        ))
    }

    pub fn vswitch(&self, id: &str) -> Option<&VSwitch> {
        self.by_id.get(id).and_then(|i| self.v_switches.get(*i))
    }

    /// The vSwitches under `key` (`owner_key`, `in_vpc_key`), in id order.
    pub fn vswitches_under<'a>(&'a self, key: &crate::store::IndexKey) -> impl Iterator<Item = &'a VSwitch> + 'a {
        self.vswitch_index.under(key).filter_map(|id| self.vswitch(id))
    }

    /// The vSwitches `account` may see: the region's and fixtures', then its own.
    pub fn vswitches_visible_to<'a>(&'a self, account: &'a str) -> impl Iterator<Item = &'a VSwitch> + 'a {
        self.vswitches_under(&owner_key(None))
            .chain(self.vswitches_under(&owner_key(Some(account))))
            .filter(move |v| v.shown_to(account))
    }

    /// Picks zone, vSwitch and security group and allocates an intranet IP.
    ///
    /// With several vSwitches the first with a free address wins, as multi-zone creation does. Unknown
    /// vSwitch and security-group ids are registered on first use unless `strict`.
    pub fn place(&mut self, request: &PlacementRequest<'_>, strict: bool) -> Result<Placement, ApiError> {
        self.place_in_open_zones(request, strict, &mut |_| Ok(()))
    }

    /// `place`, asking `zone_open` before using a zone: a zone it refuses is passed over for the next
    /// candidate, as multi-zone creation passes over a zone out of stock, and when every candidate
    /// was refused its last refusal is the answer.
    pub fn place_in_open_zones(
        &mut self,
        request: &PlacementRequest<'_>,
        strict: bool,
        zone_open: &mut dyn FnMut(&str) -> Result<(), ApiError>,
    ) -> Result<Placement, ApiError> {
        let placement = self.pick_placement(request, strict, zone_open)?;
        self.count_holder(&placement.security_group_id, true);
        Ok(placement)
    }

    /// One more (or one fewer) holder placed in a security group: a group in use is not deleted.
    fn count_holder(&mut self, security_group_id: &str, placed: bool) {
        if let Some(group) = self.security_groups.get_mut_unstored(security_group_id) {
            group.holders = if placed {
                group.holders + 1
            } else {
                group.holders.saturating_sub(1)
            };
        }
    }

    fn pick_placement(
        &mut self,
        request: &PlacementRequest<'_>,
        strict: bool,
        zone_open: &mut dyn FnMut(&str) -> Result<(), ApiError>,
    ) -> Result<Placement, ApiError> {
        if let Some(zone) = request.zone_id {
            if !self.region.zones.iter().any(|z| z == zone) {
                return Err(ApiError::new(ErrorCode::ZoneNotOnSale));
            }
        }
        let mut candidates = self.candidates(request, strict)?;
        let vpc_id = match candidates.first().and_then(|i| self.v_switches.get(*i)) {
            Some(v) => v.vpc_id.clone(),
            None => return Err(ApiError::new(ErrorCode::IpNotEnough)),
        };
        let foreign = |g: &SecurityGroup| request.account.is_some_and(|a| !g.api.visible_to(a));
        if request
            .security_group_id
            .and_then(|id| self.security_groups.get(id))
            .is_some_and(foreign)
        {
            return Err(ApiError::new(ErrorCode::SecurityGroupNotFound));
        }
        let security_group_id = self.security_group_for(request.security_group_id, &vpc_id, strict, request.account)?;
        let group_vpc = self
            .security_groups
            .get(&security_group_id)
            .map(|g| g.vpc_id.clone())
            .unwrap_or(vpc_id);
        if candidates
            .iter()
            .filter_map(|i| self.v_switches.get(*i))
            .any(|v| v.vpc_id != group_vpc)
        {
            return Err(ApiError::new(ErrorCode::SecurityGroupMisMatch));
        }
        if let Some(ip) = request.private_ip {
            candidates.retain(|i| self.v_switches.get(*i).is_some_and(|v| v.cidr_block.contains(&ip)));
            let index = *candidates.first().ok_or_else(|| {
                ApiError::invalid(
                    "PrivateIpAddress",
                    "the address is not in the CIDR block of the vSwitch",
                )
            })?;
            if let Some(vswitch) = self.v_switches.get(index) {
                zone_open(&vswitch.zone_id)?;
            }
            return self.claim(index, ip, security_group_id);
        }
        let mut zones = ZoneVerdicts::default();
        for index in candidates {
            let Some(vswitch) = self.v_switches.get_mut(index) else {
                continue;
            };
            if !vswitch.pool.has_free() || !zones.is_open(&vswitch.zone_id, zone_open) {
                continue;
            }
            if let Some(ip) = vswitch.pool.allocate() {
                return Ok(Placement {
                    zone_id: vswitch.zone_id.clone(),
                    vswitch_id: vswitch.v_switch_id.clone(),
                    vpc_id: vswitch.vpc_id.clone(),
                    security_group_id,
                    ip,
                });
            }
        }
        Err(zones
            .last_refusal
            .unwrap_or_else(|| ApiError::new(ErrorCode::IpNotEnough)))
    }

    /// Takes one named address of a vSwitch.
    fn claim(&mut self, index: usize, ip: Ipv4Addr, security_group_id: String) -> Result<Placement, ApiError> {
        let vswitch = self
            .v_switches
            .get_mut(index)
            .ok_or_else(|| ApiError::new(ErrorCode::IpNotEnough))?;
        match vswitch.pool.claim(ip) {
            Ok(()) => Ok(Placement {
                zone_id: vswitch.zone_id.clone(),
                vswitch_id: vswitch.v_switch_id.clone(),
                vpc_id: vswitch.vpc_id.clone(),
                security_group_id,
                ip,
            }),
            Err(pool::ClaimError::InUse) => Err(ApiError::new(ErrorCode::PrivateIpInUse)),
            Err(pool::ClaimError::Reserved) => Err(ApiError::invalid(
                "PrivateIpAddress",
                "the address is reserved in the vSwitch",
            )),
        }
    }

    fn candidates(&mut self, request: &PlacementRequest<'_>, strict: bool) -> Result<Vec<usize>, ApiError> {
        if request.vswitch_ids.is_empty() {
            let zone = request.zone_id;
            // The default VPC's own vSwitches, in the order they were made (the zones' order).
            let mut picked: Vec<usize> = self
                .vswitches_under(&in_vpc_key(&self.default_vpc_id))
                .filter(|v| !v.auto_registered && zone.is_none_or(|z| v.zone_id == z))
                .filter_map(|v| self.by_id.get(&v.v_switch_id).copied())
                .collect();
            picked.sort_unstable();
            return Ok(picked);
        }
        let mut picked = Vec::with_capacity(request.vswitch_ids.len());
        let foreign = |v: &VSwitch| request.account.is_some_and(|a| !v.api.visible_to(a));
        for id in &request.vswitch_ids {
            let index = match self.by_id.get(*id) {
                Some(index) if self.v_switches.get(*index).is_some_and(foreign) => {
                    return Err(ApiError::new(ErrorCode::VSwitchNotFound))
                }
                Some(index) => *index,
                None if strict => return Err(ApiError::new(ErrorCode::VSwitchNotFound)),
                None => {
                    self.may_register(id, registration::Kind::VSwitch, request.account)?;
                    let zone = request
                        .zone_id
                        .or_else(|| self.region.zones.first().map(String::as_str));
                    let zone = zone.unwrap_or_default().to_owned();
                    let block_before = self.next_block;
                    let index = self
                        .add_default_vswitch((*id).to_owned(), &zone, Registration::For(request.account))
                        .ok_or_else(|| ApiError::new(ErrorCode::IpNotEnough))?;
                    self.note_registered_vswitch(id, block_before);
                    index
                }
            };
            let in_zone = match (request.zone_id, self.v_switches.get(index)) {
                (Some(zone), Some(v)) => v.zone_id == zone,
                _ => true,
            };
            if !in_zone {
                return Err(ApiError::new(ErrorCode::VswZoneMisMatch));
            }
            picked.push(index);
        }
        Ok(picked)
    }

    /// The named group (registered in `vpc_id` on first use unless strict), or the VPC's default one.
    fn security_group_for(
        &mut self,
        requested: Option<&str>,
        vpc_id: &str,
        strict: bool,
        account: Option<&str>,
    ) -> Result<String, ApiError> {
        match requested {
            Some(id) if self.security_groups.contains_key(id) => Ok(id.to_owned()),
            Some(_) if strict => Err(ApiError::new(ErrorCode::SecurityGroupNotFound)),
            Some(id) => {
                self.may_register(id, registration::Kind::SecurityGroup, account)?;
                self.register_security_group(id, vpc_id, account);
                Ok(id.to_owned())
            }
            None => {
                if let Some(existing) = self.default_groups.get(vpc_id) {
                    return Ok(existing.clone());
                }
                let id = format!("sg-default-{vpc_id}");
                self.add_security_group(&id, vpc_id);
                self.note_registered_security_group(&id);
                self.default_groups.insert(vpc_id.to_owned(), id.clone());
                self.touched.meta = true;
                Ok(id)
            }
        }
    }

    /// The security group a request names must be in the VPC of its vSwitch.
    pub fn security_group(&self, id: &str) -> Option<&SecurityGroup> {
        self.security_groups.get(id)
    }

    /// Gives back what a placement holds: its address to its vSwitch, its place in its security group.
    pub fn give_back(&mut self, placement: &Placement) {
        self.release_placement(placement, false);
    }

    /// Takes back a placement that will not be used (a dry run's) as if it had not been made: the
    /// address, the place in its security group, and where its vSwitch hands out the next address
    /// when it was drawn rather than named (`named`).
    pub fn withdraw(&mut self, placement: &Placement, named: bool) {
        self.release_placement(placement, !named);
    }

    fn release_placement(&mut self, placement: &Placement, undo_draw: bool) {
        if let Some(v) = self
            .by_id
            .get(&placement.vswitch_id)
            .and_then(|i| self.v_switches.get_mut(*i))
        {
            match undo_draw {
                true => v.pool.undo_allocate(placement.ip),
                false => {
                    v.pool.release(placement.ip);
                }
            }
        }
        self.count_holder(&placement.security_group_id, false);
    }

    /// Gives `holder` (a group or a virtual node), placed at `placement`, the EIP it asks for. On
    /// failure the placement's address is given back, so the caller holds nothing.
    pub fn attach_eip(
        &mut self,
        placement: &Placement,
        choice: EipChoice<'_>,
        holder: &str,
        ids: &IdGenerator,
        account: Option<&str>,
    ) -> Result<Option<(String, Ipv4Addr)>, ApiError> {
        let eip = match choice {
            EipChoice::Bind(allocation_id) => self
                .check_eip(allocation_id, account)
                .and_then(|()| self.bind_eip(allocation_id, holder))
                .map(|ip| Some((allocation_id.to_owned(), ip))),
            EipChoice::Create => self
                .create_eip(holder, ids)
                .map(|e| Some((e.allocation_id, e.ip_address))),
            EipChoice::None => Ok(None),
        };
        if eip.is_err() {
            self.give_back(placement);
        }
        eip
    }

    /// Gives back what a holder that is gone had: its address and its EIP.
    pub fn detach(&mut self, placement: &Placement, eip: Option<&str>) {
        self.give_back(placement);
        if let Some(eip) = eip {
            self.release_eip(eip);
        }
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
            if let Some(eip) = self.eips.remove(allocation_id) {
                self.eip_pool.release(eip.ip_address);
                self.eip_addresses.remove(&eip.ip_address);
            }
        }
    }

    /// Declares a VPC; the same definition again is a no-op.
    pub fn declare_vpc(&mut self, vpc: Vpc) -> Result<(), String> {
        match self.vpcs.get(&vpc.vpc_id) {
            Some(existing) if existing.cidr_block == vpc.cidr_block => Ok(()),
            Some(_) => Err(format!("VPC {} is already declared differently", vpc.vpc_id)),
            None => {
                self.vpcs.insert(vpc.vpc_id.clone(), vpc);
                Ok(())
            }
        }
    }

    /// Declares a vSwitch inside its VPC's CIDR, in a zone of this region, overlapping no other.
    pub fn declare_vswitch(
        &mut self,
        id: &str,
        vpc_id: &str,
        zone_id: &str,
        cidr: Ipv4Net,
        ipv6: Option<Ipv6Net>,
    ) -> Result<(), String> {
        if let Some(existing) = self.vswitch(id) {
            let same = existing.vpc_id == vpc_id && existing.zone_id == zone_id && existing.cidr_block == cidr;
            return if same {
                Ok(())
            } else {
                Err(format!("vSwitch {id} is already declared differently"))
            };
        }
        self.check_vswitch(id, vpc_id, zone_id, cidr)?;
        if ipv6.is_some_and(|block| block.prefix_len() > 64) {
            return Err(format!("vSwitch {id}: an IPv6 block must be a /64 or larger"));
        }
        self.add_vswitch(SavedVSwitch {
            v_switch_id: id.to_owned(),
            vpc_id: vpc_id.to_owned(),
            zone_id: zone_id.to_owned(),
            cidr_block: cidr,
            auto_registered: false,
            ipv6_cidr_block: ipv6,
            api: Attributes::default(),
        });
        Ok(())
    }

    /// Whether a vSwitch may be declared (or loaded) as given: its VPC known, its zone the region's,
    /// its block inside the VPC's and overlapping no sibling's.
    fn check_vswitch(&self, id: &str, vpc_id: &str, zone_id: &str, cidr: Ipv4Net) -> Result<(), String> {
        let vpc = self
            .vpcs
            .get(vpc_id)
            .ok_or_else(|| format!("vSwitch {id}: unknown VPC {vpc_id}"))?;
        if !self.region.zones.iter().any(|z| z == zone_id) {
            return Err(format!(
                "vSwitch {id}: zone {zone_id} is not in region {}",
                self.region_id
            ));
        }
        if !vpc.cidr_block.contains(&cidr) {
            return Err(format!(
                "vSwitch {id}: {cidr} is not inside the VPC's {}",
                vpc.cidr_block
            ));
        }
        if let Some(other) = self.overlapping(vpc_id, cidr) {
            return Err(format!(
                "vSwitch {id}: {cidr} overlaps vSwitch {} ({})",
                other.v_switch_id, other.cidr_block
            ));
        }
        Ok(())
    }

    /// Whether `ip` is an address of the vSwitch a holder may have: inside its block, not one of
    /// the block's reserved addresses.
    pub fn usable_address(&self, vswitch_id: &str, ip: Ipv4Addr) -> bool {
        self.vswitch(vswitch_id)
            .is_some_and(|v| v.cidr_block.contains(&ip) && v.pool.usable(ip))
    }

    /// The vSwitch of `vpc_id` whose block overlaps `cidr`, if one does: the block starting last at
    /// or before `cidr`'s end is the only one that can, since the blocks are disjoint.
    fn overlapping(&self, vpc_id: &str, cidr: Ipv4Net) -> Option<&VSwitch> {
        let (first, last) = block_range(cidr);
        let (&(_, index), &other_last) = self.blocks.get(vpc_id)?.range(..=(last, usize::MAX)).next_back()?;
        (other_last >= first).then(|| self.v_switches.get(index)).flatten()
    }

    pub fn declare_security_group(&mut self, id: &str, vpc_id: &str) -> Result<(), String> {
        match self.security_groups.get(id) {
            Some(existing) if existing.vpc_id == vpc_id => Ok(()),
            Some(_) => Err(format!("security group {id} is already declared in another VPC")),
            None => {
                self.add_security_group(id, vpc_id);
                Ok(())
            }
        }
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

    pub fn declare_image_cache(&mut self, id: &str) {
        if !self.has_image_cache(id) {
            self.touched.meta = true;
            self.image_caches.push(id.to_owned());
        }
    }

    pub fn disk(&self, disk_id: &str) -> Option<&Disk> {
        self.disks.get(disk_id)
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

/// One region's network behind its lock: shared by readers (listings, a snapshot's copy), taken
/// whole by a change. What a change touched is written (when the state is durable) as the lock is let
/// go, by the thread that changed it (`stored`).
#[derive(Debug)]
pub struct SharedNetwork(parking_lot::RwLock<RegionNetwork>);

impl SharedNetwork {
    pub fn new(network: RegionNetwork) -> Self {
        SharedNetwork(parking_lot::RwLock::new(network))
    }

    /// The network to change.
    pub fn lock(&self) -> NetworkGuard<'_> {
        NetworkGuard(self.0.write())
    }

    /// The network to read, beside other readers.
    pub fn read(&self) -> parking_lot::RwLockReadGuard<'_, RegionNetwork> {
        self.0.read()
    }
}

/// The network locked to change; dropping it writes what was changed.
pub struct NetworkGuard<'a>(parking_lot::RwLockWriteGuard<'a, RegionNetwork>);

impl std::ops::Deref for NetworkGuard<'_> {
    type Target = RegionNetwork;

    fn deref(&self) -> &RegionNetwork {
        &self.0
    }
}

impl std::ops::DerefMut for NetworkGuard<'_> {
    fn deref_mut(&mut self) -> &mut RegionNetwork {
        &mut self.0
    }
}

impl Drop for NetworkGuard<'_> {
    fn drop(&mut self) {
        self.0.write_touched();
    }
}

/// Every region's network, created with its defaults on first use.
#[derive(Debug, Default)]
pub struct Networks {
    by_region: crate::util::FastDashMap<String, std::sync::Arc<SharedNetwork>>,
    /// Where the networks write their changes, when the state is durable.
    journal: std::sync::OnceLock<std::sync::Arc<crate::store::Journal>>,
}

impl Networks {
    pub fn region(&self, region: &'static RegionInfo, ids: &IdGenerator) -> std::sync::Arc<SharedNetwork> {
        if let Some(existing) = self.by_region.get(&region.region_id) {
            return std::sync::Arc::clone(existing.value());
        }
        let entry = self.by_region.entry(region.region_id.clone()).or_insert_with(|| {
            let mut network = RegionNetwork::default_for(region, ids);
            network.attach(self.sink());
            std::sync::Arc::new(SharedNetwork::new(network))
        });
        std::sync::Arc::clone(entry.value())
    }

    /// From now on, every network writes its changes to `journal`.
    pub fn attach_journal(&self, journal: &std::sync::Arc<crate::store::Journal>) {
        let _ = self.journal.set(std::sync::Arc::clone(journal));
        for (_, network) in self.snapshot() {
            network.lock().attach(self.sink());
        }
    }

    fn sink(&self) -> Option<NetworkSink> {
        self.journal.get().map(NetworkSink::new)
    }

    pub fn clear(&self) {
        self.by_region.clear();
    }

    /// Puts a loaded region's network in place of any other.
    pub fn install(&self, mut network: RegionNetwork) {
        network.attach(self.sink());
        let key = network.region_id.clone();
        self.by_region
            .insert(key, std::sync::Arc::new(SharedNetwork::new(network)));
    }

    /// Every region's network that exists, sorted by region.
    pub fn snapshot(&self) -> Vec<(String, std::sync::Arc<SharedNetwork>)> {
        let mut all: Vec<_> = self
            .by_region
            .iter()
            .map(|e| (e.key().clone(), std::sync::Arc::clone(e.value())))
            .collect();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all
    }
}

#[cfg(test)]
mod tests;
