//! The whole-state values (id generator, accounts, rate limits, fault rules and their counters, each
//! region's network) are written whole when they changed: after each call, their revisions are
//! compared with those last written, under one lock, so two calls never write them out of order.

use super::image::{Parts, ACCOUNTS, FAULTS, IDS, LIMITS, NETWORK};
use crate::ops::saved::encode;
use crate::store::journal::keys;
use crate::store::{Change, Journal};
use parking_lot::Mutex;

#[derive(Default)]
pub struct Captured {
    written: Mutex<Written>,
}

/// The revisions last written; `None` until first written (and again after the store was cleared).
#[derive(Default)]
struct Written {
    ids: Option<u64>,
    accounts: Option<u64>,
    limits: Option<u64>,
    faults: Option<u64>,
}

impl Captured {
    /// Writes each whole-state value that changed since it was last written. Networks change only in
    /// calls that change something (`networks`), so reads skip them.
    pub fn capture(&self, journal: &Journal, parts: Parts<'_>, networks: bool) {
        let mut written = self.written.lock();
        let eci = parts.eci;
        let put = |seen: &mut Option<u64>, revision: u64, name: &str, value: &dyn Fn() -> Vec<u8>| {
            if *seen != Some(revision) {
                journal.push(Change::Put(keys::global(name, ""), value()));
                *seen = Some(revision);
            }
        };
        put(&mut written.ids, eci.ids.revision(), IDS, &|| encode(&eci.ids.save()));
        put(&mut written.accounts, eci.accounts.revision(), ACCOUNTS, &|| {
            encode(&eci.accounts.all())
        });
        put(&mut written.limits, parts.throttle.revision(), LIMITS, &|| {
            encode(&parts.throttle.limits())
        });
        put(&mut written.faults, parts.faults.revision(), FAULTS, &|| {
            encode(&parts.faults.save())
        });
        if networks {
            for (region, network) in eci.networks.snapshot() {
                let mut network = network.lock();
                if network.saved_revision != network.revision() {
                    journal.push(Change::Put(keys::global(NETWORK, &region), encode(&network.save())));
                    network.saved_revision = network.revision();
                }
            }
        }
    }

    /// The store was cleared and is written whole again from `entries`: the values in it are those
    /// now in force.
    pub fn rewrite(&self, journal: &Journal, parts: Parts<'_>, entries: impl Iterator<Item = Vec<(Vec<u8>, Vec<u8>)>>) {
        let mut written = self.written.lock();
        *written = Written::default();
        journal.push(Change::Clear);
        for chunk in entries {
            for (key, value) in chunk {
                journal.push(Change::Put(key, value));
            }
        }
        drop(written);
        self.capture(journal, parts, true);
    }
}
