//! The running state read out as stored entries, a chunk at a time: the whole-state values first,
//! then each region's network a few records at a time under its lock, then each partition's groups a
//! page at a time under its read lock alone, then its smaller families. A snapshot streams these; a
//! loaded snapshot is written to the state directory from them.

use super::image::{Parts, ACCOUNTS, CAPACITY, CLOCK, FAULTS, IDS, LIMITS, RESOURCE_GROUPS, SPOT_MARKET};
use crate::network::{Cursor, SharedNetwork};
use crate::ops::eci::families::encode;
use crate::ops::eci::saved::GROUPS;
use crate::ops::{EciState, RegionState};
use crate::store::journal::keys;
use crate::store::PartitionKey;
use crate::util::ids::SavedIds;
use parking_lot::RwLock;
use std::sync::Arc;

/// Groups copied per chunk under the partition's read lock, as the dump does (see its constant).
const GROUPS_PER_CHUNK: usize = 16;

/// One stored entry: its key and value.
pub type Entry = (Vec<u8>, Vec<u8>);

/// A whole-state value: its name, what moves when it changes, and its stored form.
pub struct WholeStateValue {
    pub name: &'static str,
    pub revision: fn(Parts<'_>) -> u64,
    pub encode: fn(Parts<'_>) -> Vec<u8>,
}

/// Accounts, their declared resource groups, rate limits, fault rules with their counters, the clock, the declared capacity and the
/// spot market: what a snapshot writes first, and
/// what `Captured` writes again when it changes. (The id generator writes its own state as it is
/// drawn from: see `ids_entry`.)
pub const WHOLE_STATE_VALUES: [WholeStateValue; 7] = [
    WholeStateValue {
        name: ACCOUNTS,
        revision: |p| p.eci.accounts.revision(),
        encode: |p| encode(&p.eci.accounts.all()),
    },
    WholeStateValue {
        name: RESOURCE_GROUPS,
        revision: |p| p.eci.resource_groups.revision(),
        encode: |p| encode(&p.eci.resource_groups.declared()),
    },
    WholeStateValue {
        name: LIMITS,
        revision: |p| p.throttle.revision(),
        encode: |p| encode(&p.throttle.limits()),
    },
    WholeStateValue {
        name: FAULTS,
        revision: |p| p.faults.revision(),
        encode: |p| encode(&p.faults.save()),
    },
    WholeStateValue {
        name: CLOCK,
        revision: |p| p.clock.revision(),
        encode: |p| encode(&p.clock.save()),
    },
    WholeStateValue {
        name: CAPACITY,
        revision: |p| p.eci.capacity.revision(),
        encode: |p| encode(&p.eci.capacity.rules()),
    },
    WholeStateValue {
        name: SPOT_MARKET,
        revision: |p| p.eci.market.revision(),
        encode: |p| encode(&p.eci.market.document()),
    },
];

/// The id generator's state as an entry.
pub fn ids_entry(saved: &SavedIds) -> Entry {
    (keys::global(IDS, ""), encode(saved))
}

/// Network records copied per chunk under the region's lock.
pub const NETWORK_RECORDS_PER_CHUNK: usize = 64;

/// The id generator and the whole-state values.
pub fn globals(parts: Parts<'_>) -> Vec<Entry> {
    let mut out = vec![ids_entry(&parts.eci.ids.save())];
    out.extend(
        WHOLE_STATE_VALUES
            .iter()
            .map(|value| (keys::global(value.name, ""), (value.encode)(parts))),
    );
    out
}

/// Every entry of one region's network, written again whole (after the store was cleared), a chunk
/// at a time.
pub fn network_entries(region: String, network: Arc<SharedNetwork>) -> impl Iterator<Item = Vec<Entry>> + Send {
    let mut next = Some(Cursor::default());
    std::iter::from_fn(move || {
        let cursor = next.take()?;
        let (chunk, after) = network.read().entries_after(cursor, NETWORK_RECORDS_PER_CHUNK);
        next = after;
        Some(
            chunk
                .into_iter()
                .map(|(kind, name, value)| (keys::network(&region, kind, &name), value))
                .collect(),
        )
    })
}

/// The entries of the whole state, a chunk at a time.
pub struct Export {
    globals: Option<Vec<Entry>>,
    networks: Box<dyn Iterator<Item = Vec<Entry>> + Send>,
    partitions: std::vec::IntoIter<(PartitionKey, Arc<RwLock<RegionState>>)>,
    current: Option<Current>,
}

struct Current {
    key: PartitionKey,
    partition: Arc<RwLock<RegionState>>,
    after: Option<u64>,
    groups_done: bool,
}

impl Export {
    /// Applies what is due by the clock first, as every read does.
    pub fn new(eci: &Arc<EciState>, parts: Parts<'_>) -> Self {
        eci.settle_all(parts.faults);
        Export {
            globals: Some(globals(parts)),
            networks: Box::new(
                eci.networks
                    .snapshot()
                    .into_iter()
                    .flat_map(|(region, network)| network_entries(region, network)),
            ),
            partitions: eci.registry.snapshot().into_iter(),
            current: None,
        }
    }
}

impl Current {
    fn key_of(&self, family: &str, id: &str) -> Vec<u8> {
        keys::record(&self.key.account, &self.key.region, family, id)
    }

    /// The next page of groups.
    fn groups(&mut self) -> Vec<Entry> {
        // Copied under the lock and encoded after it: a writer waits for the copy alone.
        let state = self.partition.read();
        let (groups, next) = state.groups.seq_chunk_after(self.after, GROUPS_PER_CHUNK);
        let groups: Vec<_> = groups.into_iter().map(|(seq, group)| (seq, group.clone())).collect();
        drop(state);
        let chunk = groups
            .iter()
            .map(|(seq, group)| (self.key_of(GROUPS, &keys::position(*seq)), encode(group)))
            .collect();
        self.after = next;
        self.groups_done = next.is_none();
        chunk
    }

    /// Every entry of the other families.
    fn rest(&self) -> Vec<Entry> {
        let state = self.partition.read();
        state
            .small_entries()
            .into_iter()
            .map(|(family, id, value)| (self.key_of(family, &id), value))
            .collect()
    }
}

impl Iterator for Export {
    type Item = Vec<Entry>;

    fn next(&mut self) -> Option<Vec<Entry>> {
        if let Some(globals) = self.globals.take() {
            return Some(globals);
        }
        if let Some(chunk) = self.networks.next() {
            return Some(chunk);
        }
        loop {
            match self.current.as_mut() {
                Some(current) if !current.groups_done => return Some(current.groups()),
                Some(current) => {
                    let rest = current.rest();
                    self.current = None;
                    return Some(rest);
                }
                None => {
                    let (key, partition) = self.partitions.next()?;
                    self.current = Some(Current {
                        key,
                        partition,
                        after: None,
                        groups_done: false,
                    });
                }
            }
        }
    }
}
