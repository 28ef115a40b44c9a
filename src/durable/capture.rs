//! The whole-state values (accounts, rate limits, fault rules and their counters, the clock) are
//! written whole when they changed: after each call, their revisions are compared with those last
//! written, under one lock, so two calls never write them out of order. The networks write their
//! own records as they change (`network::stored`).

use super::export::{NETWORK_RECORDS_PER_CHUNK, WHOLE_STATE_VALUES};
use super::image::Parts;
use crate::network::Cursor;
use crate::store::journal::keys;
use crate::store::{Change, Journal};
use parking_lot::Mutex;

#[derive(Default)]
pub struct Captured {
    written: Mutex<Written>,
}

/// The revision of each of `WHOLE_STATE_VALUES` last written; `None` until first written (and again
/// after the store was cleared).
#[derive(Default)]
struct Written {
    revisions: [Option<u64>; WHOLE_STATE_VALUES.len()],
}

impl Captured {
    /// Writes each whole-state value that changed since it was last written.
    pub fn capture(&self, journal: &Journal, parts: Parts<'_>) {
        let mut written = self.written.lock();
        for (value, seen) in WHOLE_STATE_VALUES.iter().zip(written.revisions.iter_mut()) {
            let revision = (value.revision)(parts);
            if *seen != Some(revision) {
                journal.push(Change::Put(keys::global(value.name, ""), (value.encode)(parts)));
                *seen = Some(revision);
            }
        }
    }

    /// Nothing is known to be written: each whole-state value is written again at the next capture.
    pub fn forget(&self) {
        *self.written.lock() = Written::default();
    }

    /// The store was cleared and is written whole again from `entries`: the values in it are those
    /// now in force. The id generator, the whole-state values and the networks are written once more
    /// after them: a call may have changed one after `entries` read it and written it before the
    /// store was cleared, so only writing them afresh leaves the store with the values in force.
    pub fn rewrite(&self, journal: &Journal, parts: Parts<'_>, entries: impl Iterator<Item = Vec<(Vec<u8>, Vec<u8>)>>) {
        // One commit from the clear to the last entry: a kill leaves the old state or the new one.
        let _one_commit = journal.hold();
        let mut written = self.written.lock();
        *written = Written::default();
        journal.push(Change::Clear);
        for chunk in entries {
            for (key, value) in chunk {
                journal.push(Change::Put(key, value));
            }
        }
        drop(written);
        parts.eci.ids.announce();
        for (region, network) in parts.eci.networks.snapshot() {
            // Queued under the network's lock, so a change made meanwhile is queued after it.
            let mut next = Some(Cursor::default());
            while let Some(cursor) = next.take() {
                let locked = network.read();
                let (chunk, after) = locked.entries_after(cursor, NETWORK_RECORDS_PER_CHUNK);
                for (kind, name, value) in chunk {
                    journal.push(Change::Put(keys::network(&region, kind, &name), value));
                }
                drop(locked);
                next = after;
            }
        }
        self.capture(journal, parts);
    }
}
