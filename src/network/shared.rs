//! Every region's network behind its lock: readers beside each other, a change alone, and what the
//! change touched written as the lock is let go.

use super::{NetworkSink, RegionInfo, RegionNetwork};
use crate::util::IdGenerator;

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
