//! In-memory state: a registry of partitions keyed by (account, region), and ordered, indexed tables
//! so a page of a listing costs O(page) whatever the number of stored records.

mod table;
mod tokens;

pub mod family;
pub mod journal;
pub mod paging;
pub use journal::{Change, Journal, Sink};
pub use table::{IndexKey, Page, Record, Stamped, Table};
pub use tokens::{StoredToken, TokenMap, TOKEN_TTL};

use parking_lot::RwLock;
use std::sync::Arc;

/// Whose state and where: one account's resources in one region.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartitionKey {
    pub account: String,
    pub region: String,
}

/// All partitions; each is locked on its own, so accounts and regions never contend.
#[derive(Debug)]
pub struct Registry<S> {
    partitions: crate::util::FastDashMap<PartitionKey, Arc<RwLock<S>>>,
}

impl<S> Default for Registry<S> {
    fn default() -> Self {
        Registry {
            partitions: Default::default(),
        }
    }
}

impl<S> Registry<S> {
    /// The partition, created by `init` on first use.
    pub fn partition(&self, key: &PartitionKey, init: impl FnOnce() -> S) -> Arc<RwLock<S>> {
        if let Some(existing) = self.partitions.get(key) {
            return Arc::clone(existing.value());
        }
        Arc::clone(
            self.partitions
                .entry(key.clone())
                .or_insert_with(|| Arc::new(RwLock::new(init())))
                .value(),
        )
    }

    /// Puts a loaded partition in place of any other under `key`.
    pub fn insert(&self, key: PartitionKey, partition: S) {
        self.partitions.insert(key, Arc::new(RwLock::new(partition)));
    }

    /// The partition if it exists; reads never create one.
    pub fn existing(&self, key: &PartitionKey) -> Option<Arc<RwLock<S>>> {
        self.partitions.get(key).map(|p| Arc::clone(p.value()))
    }

    /// The partitions of one region, whatever their account: O(partitions), which is the number of
    /// accounts that used the region, not the number of resources.
    pub fn in_region(&self, region: &str) -> Vec<Arc<RwLock<S>>> {
        self.partitions
            .iter()
            .filter(|e| e.key().region == region)
            .map(|e| Arc::clone(e.value()))
            .collect()
    }

    /// Drops every partition.
    pub fn clear(&self) {
        self.partitions.clear();
    }

    /// Every partition with its key, sorted by key.
    pub fn snapshot(&self) -> Vec<(PartitionKey, Arc<RwLock<S>>)> {
        let mut all: Vec<_> = self
            .partitions
            .iter()
            .map(|e| (e.key().clone(), Arc::clone(e.value())))
            .collect();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partitions_are_separate_and_created_once() {
        let reg: Registry<Vec<u32>> = Registry::default();
        let a = PartitionKey {
            account: "a".into(),
            region: "r".into(),
        };
        let b = PartitionKey {
            account: "b".into(),
            region: "r".into(),
        };
        reg.partition(&a, Vec::new).write().push(1);
        reg.partition(&a, || vec![99]).write().push(2);
        assert_eq!(*reg.partition(&a, Vec::new).read(), vec![1, 2]);
        assert!(reg.existing(&b).is_none());
        assert_eq!(reg.snapshot().len(), 1);
        reg.clear();
        assert!(reg.existing(&a).is_none());
    }
}
