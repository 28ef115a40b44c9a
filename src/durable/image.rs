//! The whole state as read from the store or a snapshot, decoded and checked before anything live is
//! touched (so a bad entry changes nothing), and put in place of the running state in one step.

use crate::accounts::Account;
use crate::auth::Authenticator;
use crate::faults::rule::Rule;
use crate::faults::throttle::{Limit, Throttle};
use crate::faults::{Faults, SavedRule};
use crate::network::{NetworkParts, RegionNetwork, SavedNetwork};
use crate::ops::{EciState, RegionState};
use crate::store::journal::keys::{self, Key};
use crate::store::PartitionKey;
use crate::util::ids::SavedIds;
use crate::util::{SavedClock, VirtualClock};
use std::collections::BTreeMap;

/// Names of the whole-state values.
pub const IDS: &str = "ids";
pub const ACCOUNTS: &str = "accounts";
pub const FAULTS: &str = "faults";
pub const LIMITS: &str = "limits";
/// A region's whole network as one value: what stores and snapshots of before format 3 hold.
pub const NETWORK: &str = "network";
pub const CLOCK: &str = "clock";
pub const CAPACITY: &str = "capacity";
pub const SPOT_MARKET: &str = "spot-market";
pub const RESOURCE_GROUPS: &str = "resource-groups";

/// What the running state is made of, for putting an image in place and reading one out.
#[derive(Clone, Copy)]
pub struct Parts<'a> {
    pub eci: &'a EciState,
    pub faults: &'a Faults,
    pub throttle: &'a Throttle,
    pub auth: &'a Authenticator,
    pub clock: &'a VirtualClock,
}

/// A decoded state, not yet in force.
#[derive(Default)]
pub struct Image {
    partitions: BTreeMap<PartitionKey, RegionState>,
    networks: Vec<RegionNetwork>,
    /// Each region's network as read entry by entry, made whole by `check`.
    network_parts: BTreeMap<String, NetworkParts>,
    /// Whether a network came as one whole value (an older file), to be stored again by record.
    whole_networks: bool,
    accounts: Vec<Account>,
    resource_groups: Vec<crate::accounts::ResourceGroup>,
    faults: Vec<(u64, Rule)>,
    limits: Vec<Limit>,
    ids: Option<SavedIds>,
    clock: Option<SavedClock>,
    capacity: Vec<crate::capacity::CapacityRule>,
    spot_market: crate::capacity::market::MarketDocument,
    nonces: Vec<(String, String, i64)>,
    entries: usize,
    /// Group records read: more than the groups loaded means one id was in two records.
    group_records: usize,
}

impl Image {
    /// How many entries were read into it.
    pub fn entries(&self) -> usize {
        self.entries
    }

    /// Whether it holds a network in the form of before format 3 (one value per region), which the
    /// state directory then writes again record by record.
    pub fn has_whole_networks(&self) -> bool {
        self.whole_networks
    }

    /// How many container groups it holds.
    pub fn groups(&self) -> usize {
        self.partitions.values().map(|p| p.groups.len()).sum()
    }

    /// Decodes one stored entry into the image; the message names the entry.
    pub fn load_entry(&mut self, key: &[u8], value: &[u8]) -> Result<(), String> {
        let named = || String::from_utf8_lossy(key).chars().take(200).collect::<String>();
        let parsed = keys::parse(key).ok_or_else(|| format!("{}: not a key", named()))?;
        self.entries += 1;
        self.decode(parsed, value).map_err(|e| format!("{}: {e}", named()))
    }

    fn decode(&mut self, key: Key, value: &[u8]) -> Result<(), String> {
        match key {
            Key::Record(kind, account, region, family, id) if kind == "r" => {
                crate::network::region(&region).map_err(|_| format!("unknown region {region:?}"))?;
                if family == crate::ops::eci::saved::GROUPS {
                    self.group_records += 1;
                }
                let key = PartitionKey { account, region };
                self.partitions.entry(key).or_default().load_entry(&family, &id, value)
            }
            Key::Network(kind, region, record, name) if kind == "n" => {
                crate::network::region(&region).map_err(|_| format!("unknown region {region:?}"))?;
                self.network_parts
                    .entry(region)
                    .or_default()
                    .absorb(&record, &name, value)
            }
            Key::Global(kind, name, part) if kind == "g" => self.decode_global(&name, &part, value),
            Key::Meta(kind, _) if kind == "m" => Ok(()),
            _ => Err("not a key this build knows".into()),
        }
    }

    fn decode_global(&mut self, name: &str, part: &str, value: &[u8]) -> Result<(), String> {
        match name {
            // As before it became typed: a generator state that does not read is drawn afresh.
            IDS => {
                self.ids = json(value)
                    .map_err(|e| tracing::warn!("id generator: {e}; new ids are drawn afresh"))
                    .ok();
                if self.ids.as_ref().is_some_and(SavedIds::is_stuck) {
                    return Err("the id generator's state is all zero: it would draw the same id forever".into());
                }
            }
            ACCOUNTS => self.accounts = json(value)?,
            RESOURCE_GROUPS => {
                let groups: Vec<crate::accounts::ResourceGroup> = json(value)?;
                crate::accounts::ResourceGroups::check(&groups)?;
                self.resource_groups = groups;
            }
            CLOCK => {
                let clock: SavedClock = json(value)?;
                clock.check()?;
                self.clock = Some(clock);
            }
            LIMITS => {
                let limits: Vec<Limit> = json(value)?;
                limits.iter().try_for_each(Limit::check)?;
                self.limits = limits;
            }
            FAULTS => self.faults = Faults::compile_saved(json::<Vec<SavedRule>>(value)?)?,
            CAPACITY => {
                let rules: Vec<crate::capacity::CapacityRule> = json(value)?;
                crate::capacity::Capacity::check(&rules)?;
                self.capacity = rules;
            }
            // Stored resolved: its moments are times, which resolving again leaves as they are.
            SPOT_MARKET => {
                self.spot_market = json::<crate::capacity::market::MarketDocument>(value)?
                    .resolved(time::OffsetDateTime::UNIX_EPOCH)?
            }
            NETWORK => {
                let saved: SavedNetwork = json(value)?;
                if saved.region_id != part {
                    return Err(format!("the network inside is of {:?}", saved.region_id));
                }
                self.networks.push(RegionNetwork::restore(saved)?);
                self.whole_networks = true;
            }
            other => return Err(format!("unknown value {other:?}")),
        }
        Ok(())
    }

    /// Makes each network read by record whole, then checks that the records agree with each other
    /// before anything is replaced: no group id in two records, no address (vSwitch and IP) or EIP (by
    /// id or by address) held twice, and every holder placed on its own region's network
    /// (`check_placement`), every bound EIP's holder there. A forged or damaged file that breaks one
    /// would make later calls hand out or free what another holds.
    pub fn check(&mut self) -> Result<(), String> {
        self.assemble_networks()?;
        if self.groups() != self.group_records {
            return Err(format!(
                "{} group records hold {} groups: a group id appears in more than one record",
                self.group_records,
                self.groups()
            ));
        }
        let networks: BTreeMap<&str, &RegionNetwork> =
            self.networks.iter().map(|n| (n.region_id.as_str(), n)).collect();
        // Each holder's id with its region, so a bound EIP's holder is looked for in the EIP's own.
        let mut ids = std::collections::HashMap::with_capacity(self.group_records);
        let mut addresses = std::collections::HashMap::with_capacity(self.group_records);
        let mut eips = std::collections::HashMap::new();
        let mut eip_addresses = std::collections::HashMap::new();
        for (key, partition) in &self.partitions {
            // An expired group gave its address and EIP back when it expired: only its id is its own.
            for gone in partition.groups.iter().filter(|g| g.gave_back_network()) {
                if ids.insert(gone.id.as_str(), key.region.as_str()).is_some() {
                    return Err(format!("{} appears twice", gone.id));
                }
            }
            let groups = partition
                .groups
                .iter()
                .filter(|g| !g.gave_back_network())
                .map(|g| (&g.id, &g.placement, g.eip.as_ref()));
            let nodes = partition
                .families
                .virtual_nodes
                .iter()
                .map(|n| (&n.id, &n.placement, n.eip.as_ref()));
            for (id, placement, eip) in groups.chain(nodes) {
                if ids.insert(id.as_str(), key.region.as_str()).is_some() {
                    return Err(format!("{id} appears twice"));
                }
                if let Some(other) = addresses.insert((placement.vswitch_id.as_str(), placement.ip), id) {
                    return Err(format!(
                        "{id} and {other} both hold {} in {}",
                        placement.ip, placement.vswitch_id
                    ));
                }
                if let Some((allocation_id, ip)) = eip {
                    if let Some(other) = eips.insert(allocation_id.as_str(), id) {
                        return Err(format!("{id} and {other} are both bound to EIP {allocation_id}"));
                    }
                    if let Some(other) = eip_addresses.insert(*ip, id) {
                        return Err(format!("{id} and {other} both hold the EIP address {ip}"));
                    }
                }
                let network = networks
                    .get(key.region.as_str())
                    .ok_or_else(|| format!("{id} is in {}, of which there is no network", key.region))?;
                check_placement(network, id, placement, eip)?;
            }
        }
        for network in &self.networks {
            let bound = network.eips.values().filter_map(|e| Some((e, e.bound_to.as_deref()?)));
            for (eip, holder) in bound {
                if ids.get(holder) != Some(&network.region_id.as_str()) {
                    return Err(format!(
                        "EIP {} is bound to {holder}, which {} does not hold",
                        eip.allocation_id, network.region_id
                    ));
                }
            }
        }
        Ok(())
    }

    /// Each region's network read entry by entry, made whole and checked in itself; a region stored
    /// both whole (an older form) and by record is refused.
    fn assemble_networks(&mut self) -> Result<(), String> {
        for (region, parts) in std::mem::take(&mut self.network_parts) {
            if self.networks.iter().any(|n| n.region_id == region) {
                return Err(format!("the network of {region} is stored both whole and by record"));
            }
            let network = parts.into_saved(&region).and_then(RegionNetwork::restore);
            self.networks
                .push(network.map_err(|e| format!("the network of {region}: {e}"))?);
        }
        Ok(())
    }

    /// A remembered nonce read from the store.
    pub fn load_nonce(&mut self, key: &[u8]) {
        if let Ok((expires, access_key_id, nonce)) = serde_json::from_slice::<(i64, String, String)>(key) {
            self.nonces.push((access_key_id, nonce, expires));
        }
    }

    /// Puts the image in place of the running state: everything that was is gone, and the image's
    /// partitions write to the journal from now on. `now` is the machine's time, by which remembered
    /// nonces age (their timestamps were signed by clients' clocks, not the emulator's).
    pub fn install(self, parts: Parts<'_>, now: time::OffsetDateTime) {
        self.install_as(parts, now, false);
    }

    /// `install` at start (`starting`): the stored clock is taken as it was stored unless the start
    /// instant was chosen (`VirtualClock::adopt_at_start`).
    pub fn install_as(self, parts: Parts<'_>, now: time::OffsetDateTime, starting: bool) {
        let Parts {
            eci,
            faults,
            throttle,
            auth,
            clock,
        } = parts;
        // First, so what the image holds settles by its own time (a clock never goes back, though).
        match (&self.clock, starting) {
            (Some(saved), true) => clock.adopt_at_start(saved),
            (Some(saved), false) => clock.restore(saved),
            (None, _) => {}
        }
        eci.clear();
        auth.reset();
        for network in self.networks {
            eci.networks.install(network);
        }
        for account in self.accounts {
            eci.accounts.upsert(account);
        }
        eci.resource_groups.declare(&self.resource_groups);
        faults.install(self.faults);
        throttle.replace(self.limits);
        // Checked when read; the groups' use is counted as their partitions are put in place.
        if let Err(e) = eci.capacity.declare(&self.capacity) {
            tracing::error!("the loaded capacity no longer declares: {e}");
        }
        eci.market.declare(self.spot_market);
        if let Some(ids) = self.ids {
            eci.ids.restore(ids);
        }
        for (key, mut partition) in self.partitions {
            partition.finish_loading();
            reclaim_network(eci, &key, &partition);
            partition.attach_journal(eci.journal(), &key);
            eci.registry.insert(key, partition);
        }
        for (access_key_id, nonce, expires) in &self.nonces {
            auth.restore_nonce(access_key_id, nonce, *expires, now);
        }
    }
}

/// The addresses and EIPs that a partition's groups and virtual nodes hold, and the room its groups
/// hold in their zones, taken again.
fn reclaim_network(eci: &EciState, key: &PartitionKey, partition: &RegionState) {
    let Ok(region) = crate::network::region(&key.region) else {
        return;
    };
    let network = eci.network(region);
    let mut network = network.lock();
    for group in partition.groups.iter() {
        if group.holds_capacity() {
            eci.capacity.hold(&group.capacity_slot());
        }
        if !group.gave_back_network() {
            network.reclaim(&group.placement, group.eip.as_ref(), &group.id);
        }
    }
    for node in partition.families.virtual_nodes.iter() {
        network.reclaim(&node.placement, node.eip.as_ref(), &node.id);
    }
}

fn json<T: serde::de::DeserializeOwned>(value: &[u8]) -> Result<T, String> {
    serde_json::from_slice(value).map_err(|e| e.to_string())
}

/// A holder's placement on its region's network: a vSwitch and a security group the network has, an
/// address of the vSwitch's block that is not reserved, and an EIP whose address is its own.
fn check_placement(
    network: &RegionNetwork,
    id: &str,
    placement: &crate::network::Placement,
    eip: Option<&(String, std::net::Ipv4Addr)>,
) -> Result<(), String> {
    let region = &network.region_id;
    let vswitch = network.vswitch(&placement.vswitch_id).ok_or_else(|| {
        format!(
            "{id} is on vSwitch {}, which {region} does not have",
            placement.vswitch_id
        )
    })?;
    if !network.usable_address(&placement.vswitch_id, placement.ip) {
        return Err(format!(
            "{id} holds {}, which is no usable address of vSwitch {} ({})",
            placement.ip, placement.vswitch_id, vswitch.cidr_block
        ));
    }
    if network.security_group(&placement.security_group_id).is_none() {
        return Err(format!(
            "{id} is in security group {}, which {region} does not have",
            placement.security_group_id
        ));
    }
    let Some((allocation_id, ip)) = eip else {
        return Ok(());
    };
    match network.eips.get(allocation_id) {
        Some(known) if known.ip_address != *ip => Err(format!(
            "{id} holds EIP {allocation_id} as {ip}, but that EIP's address is {}",
            known.ip_address
        )),
        None if network.eips.values().any(|e| e.ip_address == *ip) => {
            Err(format!("{id} holds EIP {allocation_id} as {ip}, another EIP's address"))
        }
        _ => Ok(()),
    }
}
