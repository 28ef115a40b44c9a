//! The whole-state values (accounts, rate limits, fault rules and their counters, each region's
//! network) are written whole when they changed: after each call, their revisions are
//! compared with those last written, under one lock, so two calls never write them out of order.

use super::export::WHOLE_STATE_VALUES;
use super::image::{Parts, NETWORK};
use crate::ops::saved::encode;
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
    /// Writes each whole-state value that changed since it was last written. Networks change only in
    /// calls that change something (`networks`), so reads skip them.
    pub fn capture(&self, journal: &Journal, parts: Parts<'_>, networks: bool) {
        let mut written = self.written.lock();
        for (value, seen) in WHOLE_STATE_VALUES.iter().zip(written.revisions.iter_mut()) {
            let revision = (value.revision)(parts);
            if *seen != Some(revision) {
                journal.push(Change::Put(keys::global(value.name, ""), (value.encode)(parts)));
                *seen = Some(revision);
            }
        }
        if networks {
            for (region, network) in parts.eci.networks.snapshot() {
                let mut network = network.lock();
                if network.saved_revision != network.revision() {
                    journal.push(Change::Put(keys::global(NETWORK, &region), encode(&network.save())));
                    network.saved_revision = network.revision();
                }
            }
        }
    }

    /// Nothing is known to be written: each whole-state value is written again at the next capture.
    pub fn forget(&self, parts: Parts<'_>) {
        *self.written.lock() = Written::default();
        for (_, network) in parts.eci.networks.snapshot() {
            network.lock().saved_revision = 0;
        }
    }

    /// The store was cleared and is written whole again from `entries`: the values in it are those
    /// now in force. The id generator, the whole-state values and the networks among the entries are
    /// written once more after them: a call may have changed one after `entries` read it and written it before the
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
        for (_, network) in parts.eci.networks.snapshot() {
            network.lock().saved_revision = 0;
        }
        self.capture(journal, parts, true);
    }
}
