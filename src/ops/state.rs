//! The state every operation shares (`EciState`: partitions, networks, accounts, ids, the clock) and
//! one call's view of it (`Ctx`), with the one place where a gone holder's resources are released.

use super::eci::container_group::exec_sessions::ExecSessions;
use super::eci::container_group::model::{ContainerGroup, Holdings};
use super::eci::rendered;
use super::RegionState;
use crate::accounts::{Accounts, ResourceGroups};
use crate::auth::Caller;
use crate::capacity::market::Market;
use crate::capacity::Capacity;
use crate::faults::{CallFaults, Faults};
use crate::fixtures::{self, FixtureDocument};
use crate::lifecycle::machine::Policy;
use crate::network::{Networks, RegionInfo};
use crate::store::{Journal, PartitionKey, Registry};
use crate::util::{Clock, IdGenerator};
use parking_lot::RwLock;
use std::sync::Arc;

/// How the ECI state is set up.
pub struct EciOptions {
    pub seed: Option<u64>,
    /// Refuse unknown vSwitch and security-group ids instead of registering them.
    pub strict_network: bool,
    /// Documents applied at start and again after every reset.
    pub fixtures: Vec<FixtureDocument>,
    /// How groups move unless their tags say otherwise.
    pub lifecycle: Policy,
}

/// Everything the ECI operations share.
pub struct EciState {
    pub registry: Registry<RegionState>,
    pub networks: Networks,
    pub accounts: Accounts,
    /// The resource groups fixture documents declared for every account.
    pub resource_groups: ResourceGroups,
    pub ids: IdGenerator,
    pub clock: Arc<dyn Clock>,
    pub strict_network: bool,
    pub lifecycle: Policy,
    pub exec_sessions: ExecSessions,
    pub rendered: rendered::RenderedItems,
    /// How many groups of a size fit in each zone, and what is in use.
    pub capacity: Capacity,
    /// The spot market's prices on the virtual clock.
    pub market: Market,
    start_fixtures: Vec<FixtureDocument>,
    /// With a state directory: where every partition's changes go.
    journal: std::sync::OnceLock<Arc<Journal>>,
}

impl EciState {
    pub fn new(clock: Arc<dyn Clock>, options: EciOptions) -> Result<Self, String> {
        let state = EciState {
            registry: Registry::default(),
            networks: Networks::default(),
            accounts: Accounts::default(),
            resource_groups: ResourceGroups::default(),
            ids: IdGenerator::new(options.seed),
            clock,
            strict_network: options.strict_network,
            lifecycle: options.lifecycle,
            exec_sessions: ExecSessions::default(),
            rendered: rendered::RenderedItems::default(),
            capacity: Capacity::default(),
            market: Market::default(),
            start_fixtures: options.fixtures,
            journal: std::sync::OnceLock::new(),
        };
        state.apply_start_fixtures()?;
        Ok(state)
    }

    /// From now on, partitions made and those given to `attach_journal` write their changes to it.
    pub fn attach_journal(&self, journal: Arc<Journal>) {
        self.networks.attach_journal(&journal);
        let _ = self.journal.set(journal);
    }

    pub fn journal(&self) -> Option<&Arc<Journal>> {
        self.journal.get()
    }

    /// A new empty partition, writing to the journal when there is one.
    pub fn new_partition(&self, key: &PartitionKey) -> RegionState {
        let mut partition = RegionState::default();
        partition.attach_journal(self.journal.get(), key);
        partition
    }

    pub fn apply_start_fixtures(&self) -> Result<(), String> {
        self.start_fixtures.iter().try_for_each(|doc| self.apply_fixtures(doc))
    }

    /// Merges a fixture document into the running state, whole or not at all. A document that
    /// declares capacity or a market changes what groups hold and which spot groups go: the side
    /// API counts and plans them again (`container_group::spot::world_changed`); at start and after
    /// a reset there are none.
    pub fn apply_fixtures(&self, doc: &FixtureDocument) -> Result<(), String> {
        let world = fixtures::World {
            capacity: &self.capacity,
            market: &self.market,
            resource_groups: &self.resource_groups,
            now: self.clock.now(),
        };
        fixtures::apply(doc, &self.networks, &self.accounts, &self.ids, &world)
    }

    /// Drops every resource, then applies the start fixtures again.
    pub fn reset(&self) {
        self.clear();
        if let Err(e) = self.apply_start_fixtures() {
            tracing::error!("start fixtures no longer apply after reset: {e}");
        }
    }

    /// Drops every resource.
    pub fn clear(&self) {
        self.registry.clear();
        self.networks.clear();
        self.accounts.clear();
        self.resource_groups.clear();
        self.exec_sessions.clear();
        self.rendered.clear();
        self.capacity.clear();
        self.market.clear();
    }

    /// Moves every group of `region`, in every account, that is due to move, and gives back what the
    /// groups now gone held (addresses, EIPs, their fault rules). Called before anything that takes a
    /// shared resource, so nothing waits on a group that is gone by the clock but that nobody has read.
    pub fn settle_region(&self, region_id: &str, faults: &Faults) {
        let now = self.clock.now();
        for partition in self.registry.in_region(region_id) {
            if !partition.read().has_release_due(now) {
                continue;
            }
            let (gone, ended) = {
                let mut partition = partition.write();
                (partition.advance_releases(now), partition.take_ended())
            };
            release_ended(self, ended);
            release(self, faults, gone);
        }
    }

    /// Applies everything due in every partition, so what is read next (a dump, the metrics) shows
    /// the state as the clock has it. A few hundred steps at a time, letting go of the partition in
    /// between: with a million groups due, a create waits for one round, not for all of them.
    pub fn settle_all(&self, faults: &Faults) {
        const STEPS_PER_ROUND: usize = 256;
        let now = self.clock.now();
        for (_, partition) in self.registry.snapshot() {
            if !partition.read().has_due(now) {
                continue;
            }
            loop {
                let (gone, more, ended) = {
                    let mut partition = partition.write();
                    let (gone, more) = partition.advance_due_at_most(now, STEPS_PER_ROUND);
                    (gone, more, partition.take_ended())
                };
                release_ended(self, ended);
                release(self, faults, gone);
                if !more {
                    break;
                }
            }
        }
    }

    /// Counts the room every stored group holds: when a declaration starts the counting.
    pub fn recount_capacity(&self) {
        let mut held = Vec::new();
        for (_, partition) in self.registry.snapshot() {
            let state = partition.read();
            held.extend(
                state
                    .groups
                    .iter()
                    .filter(|g| g.holds_capacity())
                    .map(ContainerGroup::capacity_slot),
            );
        }
        self.capacity.recount(held);
    }

    /// The network of `region`.
    pub fn network(&self, region: &'static RegionInfo) -> Arc<crate::network::SharedNetwork> {
        self.networks.region(region, &self.ids)
    }
}

/// One call's view of the world: the shared state, who is calling and the faults in force.
pub struct Ctx<'a> {
    pub eci: &'a EciState,
    pub caller: &'a Caller,
    pub faults: &'a CallFaults<'a>,
    /// The `Host` the caller reached the emulator by, for the URLs it hands out.
    pub host: &'a str,
}

impl Ctx<'_> {
    fn key(&self, region: &RegionInfo) -> PartitionKey {
        PartitionKey {
            account: self.caller.account.clone(),
            region: region.region_id.clone(),
        }
    }

    /// The caller's state in `region`, created on first use, as it is: for a create, which applies
    /// what it depends on itself (`EciState::settle_region`, the image caches it may use).
    pub fn partition_as_is(&self, region: &RegionInfo) -> Arc<RwLock<RegionState>> {
        let key = self.key(region);
        self.eci.registry.partition(&key, || self.eci.new_partition(&key))
    }

    /// The caller's state in `region`, created on first use, with everything due in it applied.
    pub fn partition(&self, region: &RegionInfo) -> Arc<RwLock<RegionState>> {
        let partition = self.partition_as_is(region);
        self.apply_due(&partition);
        partition
    }

    /// The caller's state in `region` if it has any (reads never create it), with everything due
    /// in it applied.
    pub fn existing_partition(&self, region: &RegionInfo) -> Option<Arc<RwLock<RegionState>>> {
        let partition = self.eci.registry.existing(&self.key(region))?;
        self.apply_due(&partition);
        Some(partition)
    }

    fn apply_due(&self, partition: &RwLock<RegionState>) {
        let now = self.eci.clock.now();
        if partition.read().has_due(now) {
            let (gone, ended) = {
                let mut partition = partition.write();
                (partition.advance_due(now), partition.take_ended())
            };
            release_ended(self.eci, ended);
            self.release(gone);
        }
    }

    /// Gives back what removed groups held: addresses, EIPs and their fault rules.
    pub fn release(&self, groups: Vec<ContainerGroup>) {
        release(self.eci, self.faults.engine(), groups);
    }
}

/// Gives back what removed groups held: addresses, EIPs and their fault rules. The one place where
/// "gone" becomes "released".
pub fn release(eci: &EciState, faults: &Faults, groups: Vec<ContainerGroup>) {
    for group in &groups {
        faults.remove_group_rules(&group.id);
    }
    release_network(eci, groups);
}

/// Frees the addresses, EIPs and room of removed groups (what an ended group gave up when it ended
/// is not given again).
fn release_network(eci: &EciState, groups: Vec<ContainerGroup>) {
    let counted = eci.capacity.is_active();
    release_ended(eci, groups.into_iter().map(|g| g.into_holdings(counted)));
}

/// Gives back what groups hold: their room, their addresses and EIPs.
pub fn release_ended(eci: &EciState, holdings: impl IntoIterator<Item = Holdings>) {
    for held in holdings {
        if let Some(slot) = &held.slot {
            eci.capacity.give_back(slot);
        }
        let Some((placement, eip)) = held.network else {
            continue;
        };
        if let Ok(region) = crate::network::region(&held.region_id) {
            eci.network(region).lock().detach(&placement, eip.as_deref());
        }
    }
}
