//! The due queue's entries and the rules by which every resource family stores its records: one that
//! moves on by itself is noted in the queue when it moves next; one that is only kept is pruned to the
//! newest. The families and the partition use these; they use no family.

use crate::store::{Record, Table};
use std::collections::BTreeSet;
use time::OffsetDateTime;

/// Commit tasks and O&M records kept per partition; older ones are pruned as new ones come (the
/// documentation is silent on how long the service keeps them).
pub const TASKS_KEPT: usize = 1000;

/// A record in the due queue: which family's table holds it, and its id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Due {
    Group(String),
    ImageCache(String),
    DataCache(String),
    VirtualNode(String),
    CommitTask(String),
}

/// A record that moves on by itself: when next, and what moving on to `now` does to it.
pub trait Progress: Record {
    fn due(&self) -> Option<OffsetDateTime>;
    fn advance(&mut self, now: OffsetDateTime);
}

/// Stores a record of a family that moves on by itself, and notes when it moves next.
pub fn insert_progressing<R: Progress>(
    table: &mut Table<R>,
    due: &mut BTreeSet<(OffsetDateTime, Due)>,
    record: R,
    entry: fn(String) -> Due,
) {
    let seq = table.next_position();
    restore_progressing(table, due, seq, record, entry);
}

/// Puts back a stored record of a family that moves on by itself, at its place `seq`.
pub fn restore_progressing<R: Progress>(
    table: &mut Table<R>,
    due: &mut BTreeSet<(OffsetDateTime, Due)>,
    seq: u64,
    record: R,
    entry: fn(String) -> Due,
) {
    if let Some(at) = record.due() {
        due.insert((at, entry(record.id().to_owned())));
    }
    table.restore(seq, record);
}

/// Changes a record that moves on by itself, and notes when it moves next after the change.
pub fn update_progressing<R: Progress, T>(
    table: &mut Table<R>,
    due: &mut BTreeSet<(OffsetDateTime, Due)>,
    id: &str,
    entry: fn(String) -> Due,
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

/// Stores a record of a family kept to its newest `TASKS_KEPT`, pruning the oldest.
pub fn insert_kept<R: Record>(table: &mut Table<R>, record: R) {
    table.insert(record);
    prune_to(table, TASKS_KEPT);
}

/// Removes the oldest records until at most `kept` remain.
pub fn prune_to<R: Record>(table: &mut Table<R>, kept: usize) {
    while table.len() > kept {
        let Some(oldest) = table.oldest_id() else { break };
        table.remove(&oldest);
    }
}
