//! `GET /_emulator/state` as a stream: the document is written a page of groups at a time, each page
//! under its partition's read lock alone, so a dump of a million groups holds no lock for long and
//! never has the whole document in memory.

use crate::faults::Faults;
use crate::ops::eci::container_group;
use crate::ops::{EciState, RegionState};
use crate::store::PartitionKey;
use parking_lot::RwLock;
use std::sync::Arc;

/// Groups copied per chunk under the partition's read lock (then rendered without it): with 16, a
/// create during a million-group dump has a p99 1.5x that at rest; with 64, 2.4x (docs/performance.md).
const GROUPS_PER_CHUNK: usize = 16;

/// The dump's chunks of JSON text, in order; their concatenation is one document:
/// `{"partitions":[{"account","regionId","containerGroups":[…]}…],"networks":[…],"accounts":[…]}`.
pub struct StateDump {
    eci: Arc<EciState>,
    partitions: std::vec::IntoIter<(PartitionKey, Arc<RwLock<RegionState>>)>,
    current: Option<Current>,
    stage: Stage,
}

struct Current {
    partition: Arc<RwLock<RegionState>>,
    after: Option<u64>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    Start,
    Partitions { first: bool },
    Rest,
    Done,
}

impl StateDump {
    /// Applies what is due by the clock first, so the addresses shown in use are those of groups
    /// that still exist.
    pub fn new(eci: Arc<EciState>, faults: &Faults) -> Self {
        eci.settle_all(faults);
        let snapshot = eci.registry.snapshot();
        StateDump {
            eci,
            partitions: snapshot.into_iter(),
            current: None,
            stage: Stage::Start,
        }
    }

    fn next_partition(&mut self, first: bool) -> Vec<u8> {
        let Some((key, partition)) = self.partitions.next() else {
            self.stage = Stage::Rest;
            return b"]".to_vec();
        };
        let mut out = if first { Vec::new() } else { b",".to_vec() };
        out.extend_from_slice(b"{\"account\":");
        extend_json(&mut out, &key.account);
        out.extend_from_slice(b",\"regionId\":");
        extend_json(&mut out, &key.region);
        out.extend_from_slice(b",\"containerGroups\":[");
        self.current = Some(Current { partition, after: None });
        self.stage = Stage::Partitions { first: false };
        out
    }

    /// The next page of the current partition's groups; closes the partition after its last page.
    fn next_groups(&mut self, current: &mut Current) -> (Vec<u8>, bool) {
        let mut out = Vec::with_capacity(64 * 1024);
        // Copied under the lock and rendered after it: a writer waits for the copy alone.
        let state = current.partition.read();
        let (groups, next) = state.groups.chunk_after(current.after, GROUPS_PER_CHUNK);
        let groups: Vec<_> = groups.into_iter().cloned().collect();
        drop(state);
        for (i, group) in groups.iter().enumerate() {
            if i > 0 || current.after.is_some() {
                out.push(b',');
            }
            let item = container_group::view::describe_item(group, true);
            if serde_json::to_writer(&mut out, &item).is_err() {
                out.extend_from_slice(b"{}");
            }
        }
        current.after = next;
        let finished = next.is_none();
        if finished {
            out.extend_from_slice(b"]}");
        }
        (out, finished)
    }

    fn rest(&self) -> Vec<u8> {
        let mut out = b",\"networks\":[".to_vec();
        for (i, (_, network)) in self.eci.networks.snapshot().into_iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            if serde_json::to_writer(&mut out, &*network.lock()).is_err() {
                out.extend_from_slice(b"{}");
            }
        }
        out.extend_from_slice(b"],\"accounts\":");
        if serde_json::to_writer(&mut out, &self.eci.accounts.all()).is_err() {
            out.extend_from_slice(b"[]");
        }
        out.push(b'}');
        out
    }
}

impl Iterator for StateDump {
    type Item = Vec<u8>;

    fn next(&mut self) -> Option<Vec<u8>> {
        match self.stage {
            Stage::Start => {
                self.stage = Stage::Partitions { first: true };
                Some(b"{\"partitions\":[".to_vec())
            }
            Stage::Partitions { first } => match self.current.take() {
                None => Some(self.next_partition(first)),
                Some(mut current) => {
                    let (chunk, finished) = self.next_groups(&mut current);
                    if !finished {
                        self.current = Some(current);
                    }
                    Some(chunk)
                }
            },
            Stage::Rest => {
                self.stage = Stage::Done;
                Some(self.rest())
            }
            Stage::Done => None,
        }
    }
}

fn extend_json(out: &mut Vec<u8>, text: &str) {
    if serde_json::to_writer(&mut *out, text).is_err() {
        out.extend_from_slice(b"\"\"");
    }
}
