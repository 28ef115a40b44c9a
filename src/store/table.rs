//! One kind of record in one partition: by id, in creation order, and under secondary indexes.

use super::journal::Sink;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// One counter for every table in the process: a stamp names one version of one record, so what
/// was derived from a record stays right for as long as its stamp does.
static NEXT_STAMP: AtomicU64 = AtomicU64::new(1);

fn new_stamp() -> u64 {
    NEXT_STAMP.fetch_add(1, Ordering::Relaxed)
}

/// A secondary index entry: a field and its value (`("Status", "Running")`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IndexKey {
    pub field: &'static str,
    pub value: String,
}

impl IndexKey {
    pub fn new(field: &'static str, value: impl Into<String>) -> Self {
        IndexKey {
            field,
            value: value.into(),
        }
    }
}

/// What a table needs of its records; `Serialize` so a durable table can write them.
pub trait Record: serde::Serialize {
    fn id(&self) -> &str;
    /// Every index entry the record should be found under.
    fn index_keys(&self) -> Vec<IndexKey>;
    /// The index entries that a record's own progress can change (a group's status), a subset of
    /// `index_keys`: what `update_progress` re-indexes.
    fn progress_keys(&self) -> Vec<IndexKey> {
        Vec::new()
    }
}

/// A stored record and its current stamp.
#[derive(Debug)]
pub struct Stamped<'a, R> {
    pub record: &'a R,
    pub stamp: u64,
}

impl<R> Clone for Stamped<'_, R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R> Copy for Stamped<'_, R> {}

/// One page of a listing, newest first, each record with its stamp.
#[derive(Debug)]
pub struct Page<'a, R> {
    pub items: Vec<Stamped<'a, R>>,
    /// The position to continue after, when more records match.
    pub next: Option<u64>,
    pub total: usize,
}

/// Boxed, so the map's spare capacity costs a pointer per slot, not a whole record.
#[derive(Debug)]
struct Entry<R> {
    seq: u64,
    /// Renewed by every insert and update.
    stamp: u64,
    record: Box<R>,
}

use crate::util::FastMap;

/// Records by id, ordered by creation and indexed by their `index_keys`. The id is stored once and
/// shared by the map and the order.
#[derive(Debug)]
pub struct Table<R> {
    by_id: FastMap<Arc<str>, Entry<R>>,
    order: BTreeMap<u64, Arc<str>>,
    index: FastMap<IndexKey, BTreeSet<u64>>,
    next_seq: u64,
    /// Where changes go when the state is durable.
    sink: Option<Box<Sink>>,
}

impl<R> Default for Table<R> {
    fn default() -> Self {
        Table {
            by_id: FastMap::default(),
            order: BTreeMap::new(),
            index: FastMap::default(),
            next_seq: 1,
            sink: None,
        }
    }
}

impl<R: Record> Table<R> {
    /// From now on, every change is also put in `sink`.
    pub fn attach(&mut self, sink: Option<Sink>) {
        self.sink = sink.map(Box::new);
    }

    /// Every record with its place in the order, oldest first.
    pub fn iter_with_seq(&self) -> impl Iterator<Item = (u64, &R)> {
        self.order.iter().filter_map(|(seq, id)| Some((*seq, self.get(id)?)))
    }

    /// Up to `limit` records with their places, after the one numbered `after`, and the number to
    /// continue after (`None` when these were the last).
    pub fn seq_chunk_after(&self, after: Option<u64>, limit: usize) -> (Vec<(u64, &R)>, Option<u64>) {
        let from = match after {
            Some(seq) => std::ops::Bound::Excluded(seq),
            None => std::ops::Bound::Unbounded,
        };
        let mut range = self.order.range((from, std::ops::Bound::Unbounded));
        let records: Vec<(u64, &R)> = range
            .by_ref()
            .take(limit)
            .filter_map(|(seq, id)| Some((*seq, self.get(id)?)))
            .collect();
        let last = records.last().map(|(seq, _)| *seq);
        (records, last.filter(|_| range.next().is_some()))
    }

    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    pub fn get(&self, id: &str) -> Option<&R> {
        self.get_stamped(id).map(|s| s.record)
    }

    /// A record with its version, which changes whenever the record does and is never reused.
    pub fn get_stamped(&self, id: &str) -> Option<Stamped<'_, R>> {
        self.by_id.get(id).map(|e| Stamped {
            record: e.record.as_ref(),
            stamp: e.stamp,
        })
    }

    /// Adds a record; a record with the same id is replaced.
    pub fn insert(&mut self, record: R) {
        self.restore(self.next_position(), record);
    }

    /// The place in the order the next inserted record takes.
    pub fn next_position(&self) -> u64 {
        self.next_seq
    }

    /// Adds a record at its place `seq` in the table's order (a stored record read back); a record
    /// with the same id is replaced.
    pub fn restore(&mut self, seq: u64, record: R) {
        if let Some(sink) = &self.sink {
            sink.put_record(seq, &record);
        }
        self.unlink(record.id());
        self.next_seq = self.next_seq.max(seq + 1);
        self.add_to_indexes(seq, &record);
        let id: Arc<str> = Arc::from(record.id());
        self.order.insert(seq, Arc::clone(&id));
        self.by_id.insert(
            id,
            Entry {
                seq,
                stamp: new_stamp(),
                record: Box::new(record),
            },
        );
    }

    pub fn remove(&mut self, id: &str) -> Option<R> {
        let (seq, removed) = self.unlink(id)?;
        if let Some(sink) = &self.sink {
            sink.delete_record(seq);
        }
        Some(removed)
    }

    /// Takes a record out of the table and its indexes, answering its place and the record.
    fn unlink(&mut self, id: &str) -> Option<(u64, R)> {
        let entry = self.by_id.remove(id)?;
        self.order.remove(&entry.seq);
        for key in entry.record.index_keys() {
            if let Some(set) = self.index.get_mut(&key) {
                set.remove(&entry.seq);
                if set.is_empty() {
                    self.index.remove(&key);
                }
            }
        }
        Some((entry.seq, *entry.record))
    }

    /// Changes a record in place and re-indexes it.
    pub fn update<T>(&mut self, id: &str, change: impl FnOnce(&mut R) -> T) -> Option<T> {
        self.update_keyed(id, R::index_keys, change)
    }

    /// Changes a record in a way only its `progress_keys` can follow (its lifecycle moving on), and
    /// re-indexes those alone: the cheap path for the many transitions the due queue applies.
    pub fn update_progress<T>(&mut self, id: &str, change: impl FnOnce(&mut R) -> T) -> Option<T> {
        self.update_keyed(id, R::progress_keys, change)
    }

    fn update_keyed<T>(
        &mut self,
        id: &str,
        keys_of: fn(&R) -> Vec<IndexKey>,
        change: impl FnOnce(&mut R) -> T,
    ) -> Option<T> {
        let entry = self.by_id.get_mut(id)?;
        let seq = entry.seq;
        let before = keys_of(&entry.record);
        let out = change(&mut entry.record);
        entry.stamp = new_stamp();
        let after = keys_of(&entry.record);
        for key in before.iter().filter(|k| !after.contains(k)) {
            if let Some(set) = self.index.get_mut(key) {
                set.remove(&seq);
                if set.is_empty() {
                    self.index.remove(key);
                }
            }
        }
        for key in after.into_iter().filter(|k| !before.contains(k)) {
            self.index.entry(key).or_default().insert(seq);
        }
        if let Some(sink) = &self.sink {
            sink.put_record(seq, &entry.record);
        }
        Some(out)
    }

    fn add_to_indexes(&mut self, seq: u64, record: &R) {
        for key in record.index_keys() {
            self.index.entry(key).or_default().insert(seq);
        }
    }

    /// Records matching every filter (and `keep`, when given), newest first, starting below `before`.
    ///
    /// Walks the smallest matching index only, so a page costs O(page · filters · log n); the total is
    /// free with one filter or none, and costs a walk of the smallest index otherwise.
    pub fn page(
        &self,
        filters: &[IndexKey],
        keep: Option<&dyn Fn(&R) -> bool>,
        before: Option<u64>,
        limit: usize,
    ) -> Page<'_, R> {
        let upper = before.unwrap_or(u64::MAX);
        let mut sets: Vec<&BTreeSet<u64>> = Vec::with_capacity(filters.len());
        for key in filters {
            match self.index.get(key) {
                Some(set) => sets.push(set),
                None => {
                    return Page {
                        items: Vec::new(),
                        next: None,
                        total: 0,
                    }
                }
            }
        }
        sets.sort_by_key(|s| s.len());
        let record_at = |seq: u64| self.order.get(&seq).and_then(|id| self.get_stamped(id));
        let wanted = |seq: &u64| {
            sets.iter().skip(1).all(|s| s.contains(seq))
                && keep.is_none_or(|keep| record_at(*seq).is_some_and(|found| keep(found.record)))
        };
        let exact_total = sets.len() <= 1 && keep.is_none();
        let total = match sets.first() {
            None if exact_total => self.order.len(),
            Some(smallest) if exact_total => smallest.len(),
            None => self.order.keys().filter(|s| wanted(s)).count(),
            Some(smallest) => smallest.iter().filter(|s| wanted(s)).count(),
        };
        let candidates: Box<dyn Iterator<Item = u64> + '_> = match sets.first() {
            None => Box::new(self.order.range(..upper).rev().map(|(seq, _)| *seq)),
            Some(smallest) => Box::new(smallest.range(..upper).rev().copied()),
        };
        let mut items = Vec::with_capacity(limit.min(64));
        let mut last_seq = None;
        let mut next = None;
        for seq in candidates.filter(|s| wanted(s)) {
            if items.len() == limit {
                next = last_seq;
                break;
            }
            if let Some(record) = record_at(seq) {
                items.push(record);
                last_seq = Some(seq);
            }
        }
        Page { items, next, total }
    }

    /// Up to `limit` records in creation order, after the one numbered `after`, and the number to
    /// continue after (`None` when these were the last).
    pub fn chunk_after(&self, after: Option<u64>, limit: usize) -> (Vec<&R>, Option<u64>) {
        let (records, next) = self.seq_chunk_after(after, limit);
        (records.into_iter().map(|(_, record)| record).collect(), next)
    }

    /// How many records are found under `key`.
    pub fn count_under(&self, key: &IndexKey) -> usize {
        self.index.get(key).map_or(0, BTreeSet::len)
    }

    /// The newest record found under `key`.
    pub fn newest_under(&self, key: &IndexKey) -> Option<&R> {
        let seq = self.index.get(key)?.last()?;
        self.order.get(seq).and_then(|id| self.get(id))
    }

    /// The id of the oldest record.
    pub fn oldest_id(&self) -> Option<String> {
        self.order.first_key_value().map(|(_, id)| id.to_string())
    }

    /// Every record in creation order (`.rev()` for newest first).
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &R> {
        self.order.values().filter_map(|id| self.get(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq, serde::Serialize)]
    struct Item {
        id: String,
        color: &'static str,
        size: &'static str,
    }

    impl Record for Item {
        fn id(&self) -> &str {
            &self.id
        }
        fn index_keys(&self) -> Vec<IndexKey> {
            vec![IndexKey::new("color", self.color), IndexKey::new("size", self.size)]
        }
    }

    fn table(n: usize) -> Table<Item> {
        let mut t = Table::default();
        for i in 0..n {
            t.insert(Item {
                id: format!("i{i}"),
                color: if i % 2 == 0 { "red" } else { "blue" },
                size: if i % 3 == 0 { "big" } else { "small" },
            });
        }
        t
    }

    fn ids(page: &Page<'_, Item>) -> Vec<String> {
        page.items.iter().map(|i| i.record.id.clone()).collect()
    }

    #[test]
    fn chunks_walk_in_creation_order_and_say_where_to_go_on() {
        let t = table(5);
        let (first, after) = t.chunk_after(None, 2);
        assert_eq!(first.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(), ["i0", "i1"]);
        let (second, after) = t.chunk_after(after, 2);
        assert_eq!(second.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(), ["i2", "i3"]);
        let (last, after) = t.chunk_after(after, 2);
        assert_eq!((last.len(), after), (1, None));
        let two = table(2);
        let (exact, after) = two.chunk_after(None, 2);
        assert_eq!(
            (exact.len(), after),
            (2, None),
            "no empty chunk after the last full one"
        );
    }

    #[test]
    fn the_newest_under_a_key_and_the_oldest_are_found() {
        let mut t = table(4);
        assert_eq!(
            t.newest_under(&IndexKey::new("color", "red")).map(|i| i.id.as_str()),
            Some("i2")
        );
        assert!(t.newest_under(&IndexKey::new("color", "green")).is_none());
        assert_eq!(t.oldest_id().as_deref(), Some("i0"));
        t.remove("i0");
        assert_eq!(t.oldest_id().as_deref(), Some("i1"));
    }

    #[test]
    fn pages_newest_first_and_continue_where_they_stopped() {
        let t = table(5);
        let p1 = t.page(&[], None, None, 2);
        assert_eq!((ids(&p1), p1.total), (vec!["i4".to_string(), "i3".into()], 5));
        let p2 = t.page(&[], None, p1.next, 2);
        assert_eq!(ids(&p2), vec!["i2", "i1"]);
        let p3 = t.page(&[], None, p2.next, 2);
        assert_eq!((ids(&p3), p3.next), (vec!["i0".to_string()], None));
    }

    #[test]
    fn filters_intersect_and_totals_count_matches() {
        let t = table(12);
        let red = IndexKey::new("color", "red");
        let big = IndexKey::new("size", "big");
        let p = t.page(std::slice::from_ref(&red), None, None, 100);
        assert_eq!((p.items.len(), p.total), (6, 6));
        let both = t.page(&[red.clone(), big.clone()], None, None, 1);
        assert_eq!((ids(&both), both.total), (vec!["i6".to_string()], 2));
        let rest = t.page(&[red, big], None, both.next, 1);
        assert_eq!((ids(&rest), rest.next), (vec!["i0".to_string()], None));
        assert_eq!(t.page(&[IndexKey::new("color", "green")], None, None, 5).total, 0);
        let odd_number = |i: &Item| i.id.ends_with('1') || i.id.ends_with('3');
        let kept = t.page(&[], Some(&odd_number), None, 1);
        assert_eq!((ids(&kept), kept.total), (vec!["i11".to_string()], 3));
    }

    #[test]
    fn update_and_remove_keep_indexes_true() {
        let mut t = table(3);
        t.update("i0", |i| i.color = "green");
        assert_eq!(
            ids(&t.page(&[IndexKey::new("color", "green")], None, None, 5)),
            vec!["i0"]
        );
        assert_eq!(t.page(&[IndexKey::new("color", "red")], None, None, 5).total, 1);
        assert!(t.remove("i0").is_some());
        assert_eq!(t.page(&[IndexKey::new("color", "green")], None, None, 5).total, 0);
        assert_eq!((t.len(), t.iter().count()), (2, 2));
    }
}
