//! Network records of one kind by id, in id order, with the index entries each is found under (its
//! owner, its VPC, what its rules name) and the marks of which ones changes touched since they were
//! last written (`stored`). Reads go through `Deref`; every way to change a record marks it.

use crate::store::IndexKey;
use crate::util::FastMap;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// What a record is found under besides its id. A change through `Records::get_mut` that moves a
/// record's entries must be followed by `Records::reindex` (debug builds check it when the change is
/// written).
pub trait Indexed {
    fn index_keys(&self) -> Vec<IndexKey>;
}

/// The entry of whose a record is: its owner's, or (made by the defaults or fixtures) nobody's.
pub fn owner_key(owner: Option<&str>) -> IndexKey {
    match owner {
        Some(account) => IndexKey::new("owner", account),
        None => IndexKey::new("declared", ""),
    }
}

/// Ids under each index entry.
#[derive(Debug, Clone, Default)]
pub struct Index {
    ids: FastMap<IndexKey, BTreeSet<String>>,
}

impl Index {
    pub fn add(&mut self, id: &str, keys: Vec<IndexKey>) {
        for key in keys {
            self.ids.entry(key).or_default().insert(id.to_owned());
        }
    }

    pub fn remove(&mut self, id: &str, keys: &[IndexKey]) {
        for key in keys {
            if let Some(ids) = self.ids.get_mut(key) {
                ids.remove(id);
                if ids.is_empty() {
                    self.ids.remove(key);
                }
            }
        }
    }

    /// The ids under `key`, in id order.
    pub fn under<'a>(&'a self, key: &IndexKey) -> impl Iterator<Item = &'a String> + 'a {
        self.ids.get(key).into_iter().flatten()
    }

    pub fn count(&self, key: &IndexKey) -> usize {
        self.ids.get(key).map_or(0, BTreeSet::len)
    }

    fn holds(&self, id: &str, key: &IndexKey) -> bool {
        self.ids.get(key).is_some_and(|ids| ids.contains(id))
    }
}

#[derive(Debug, Clone)]
pub struct Records<T> {
    map: BTreeMap<String, T>,
    /// Each record's index entries as last indexed, so a removal or a reindex finds them.
    keys: FastMap<String, Vec<IndexKey>>,
    index: Index,
    touched: Vec<String>,
}

impl<T> Default for Records<T> {
    fn default() -> Self {
        Records {
            map: BTreeMap::new(),
            keys: FastMap::default(),
            index: Index::default(),
            touched: Vec::new(),
        }
    }
}

impl<T> std::ops::Deref for Records<T> {
    type Target = BTreeMap<String, T>;

    fn deref(&self) -> &Self::Target {
        &self.map
    }
}

impl<T: Serialize> Serialize for Records<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.map.serialize(s)
    }
}

impl<T: Indexed> Records<T> {
    /// Records read from the store: indexed, nothing touched.
    pub fn loaded(map: BTreeMap<String, T>) -> Self {
        let mut records = Records::default();
        for (id, record) in map {
            records.index_record(&id, &record);
            records.map.insert(id, record);
        }
        records
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut T> {
        let record = self.map.get_mut(id)?;
        self.touched.push(id.to_owned());
        Some(record)
    }

    /// A record changed in what the store does not keep and no index holds (a count the loaded
    /// holders make again).
    pub fn get_mut_unstored(&mut self, id: &str) -> Option<&mut T> {
        self.map.get_mut(id)
    }

    pub fn insert(&mut self, id: String, record: T) -> Option<T> {
        self.unindex(&id);
        self.index_record(&id, &record);
        self.touched.push(id.clone());
        self.map.insert(id, record)
    }

    pub fn remove(&mut self, id: &str) -> Option<T> {
        let gone = self.map.remove(id)?;
        self.unindex(id);
        self.touched.push(id.to_owned());
        Some(gone)
    }

    /// Indexes `id` again after a change that moved its entries (a rule naming another group).
    pub fn reindex(&mut self, id: &str) {
        self.unindex(id);
        if let Some(record) = self.map.get(id) {
            let keys = record.index_keys();
            self.index.add(id, keys.clone());
            self.keys.insert(id.to_owned(), keys);
        }
    }

    /// The records under `key`, in id order.
    pub fn under<'a>(&'a self, key: &IndexKey) -> impl Iterator<Item = &'a T> + 'a {
        self.index.under(key).filter_map(|id| self.map.get(id))
    }

    pub fn count_under(&self, key: &IndexKey) -> usize {
        self.index.count(key)
    }

    /// What `account` sees: what nobody owns, then its own.
    pub fn visible_to<'a>(&'a self, account: &str) -> impl Iterator<Item = &'a T> + 'a {
        self.under(&owner_key(None))
            .chain(self.under(&owner_key(Some(account))))
    }

    fn index_record(&mut self, id: &str, record: &T) {
        let keys = record.index_keys();
        self.index.add(id, keys.clone());
        self.keys.insert(id.to_owned(), keys);
    }

    fn unindex(&mut self, id: &str) {
        if let Some(keys) = self.keys.remove(id) {
            self.index.remove(id, &keys);
        }
    }

    /// The ids touched since last asked, each once.
    pub fn take_touched(&mut self) -> Vec<String> {
        let mut touched = std::mem::take(&mut self.touched);
        touched.sort_unstable();
        touched.dedup();
        if cfg!(debug_assertions) {
            for id in &touched {
                if let Some(record) = self.map.get(id) {
                    let stale = record.index_keys().into_iter().find(|k| !self.index.holds(id, k));
                    debug_assert!(
                        stale.is_none(),
                        "{id} changed its index entries without a reindex: {stale:?}"
                    );
                }
            }
        }
        touched
    }

    /// Nothing is marked touched: what is held is what the store holds (a network just read back).
    pub fn forget_touched(&mut self) {
        self.touched.clear();
    }
}
