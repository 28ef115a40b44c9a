//! What a resource family's record declares (`Family`: the name it is stored under; `Progress`: when
//! and how it moves on by itself) and the rules by which every family stores its records: one that
//! moves on by itself is noted in the due queue when it moves next; one that is only kept is pruned
//! to the newest. ECI's families, their list (`ops::eci::families`) and its partition use these;
//! they name no family, and take the queue's entry type as it is given.

use super::{Record, Table};
use std::collections::BTreeSet;
use time::OffsetDateTime;

/// A family's record as the partition keeps it: the name its entries are stored under.
pub trait Family: Record + serde::de::DeserializeOwned {
    const NAME: &'static str;
}

/// A record that moves on by itself: when next, and what moving on to `now` does to it.
pub trait Progress: Record {
    fn due(&self) -> Option<OffsetDateTime>;
    fn advance(&mut self, now: OffsetDateTime);
}

/// Stores a record of a family that moves on by itself, and notes when it moves next.
pub fn insert_progressing<R: Progress, E: Ord>(
    table: &mut Table<R>,
    due: &mut BTreeSet<(OffsetDateTime, E)>,
    record: R,
    entry: fn(String) -> E,
) {
    let seq = table.next_position();
    restore_progressing(table, due, seq, record, entry);
}

/// Puts back a stored record of a family that moves on by itself, at its place `seq`.
pub fn restore_progressing<R: Progress, E: Ord>(
    table: &mut Table<R>,
    due: &mut BTreeSet<(OffsetDateTime, E)>,
    seq: u64,
    record: R,
    entry: fn(String) -> E,
) {
    if let Some(at) = record.due() {
        due.insert((at, entry(record.id().to_owned())));
    }
    table.restore(seq, record);
}

/// Changes a record that moves on by itself, and notes when it moves next after the change.
pub fn update_progressing<R: Progress, E: Ord, T>(
    table: &mut Table<R>,
    due: &mut BTreeSet<(OffsetDateTime, E)>,
    id: &str,
    entry: fn(String) -> E,
    change: impl FnOnce(&mut R) -> T,
) -> Option<T> {
    let (out, next) = table.update(id, |record| {
        let out = change(record);
        (out, record.due())
    })?;
    if let Some(at) = next {
        due.insert((at, entry(id.to_owned())));
    }
    Some(out)
}

/// Stores a record of a family kept to its newest `kept`, pruning the oldest.
pub fn insert_kept<R: Record>(table: &mut Table<R>, record: R, kept: usize) {
    table.insert(record);
    prune_to(table, kept);
}

/// Removes the oldest records until at most `kept` remain.
pub fn prune_to<R: Record>(table: &mut Table<R>, kept: usize) {
    while table.len() > kept {
        let Some(oldest) = table.oldest_id() else { break };
        table.remove(&oldest);
    }
}
