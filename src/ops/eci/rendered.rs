//! Listing items already rendered as JSON, by record version: a group described again unchanged is
//! not serialized again.
//!
//! Pollers (Terraform, virtual-kubelet, controllers) describe the same groups over and over, and
//! serializing an item is most of a describe's cost. An entry is keyed by the record's stamp, which
//! every change renews and no other record ever takes, so an entry can go stale only by not being
//! asked for again. The cache is bounded: when full it is emptied, which keeps it simple and its
//! memory flat however many groups are stored.

use parking_lot::Mutex;
use serde_json::value::RawValue;
use std::collections::HashMap;
use std::sync::Arc;

/// About 1.2 KB per one-container item: a few MiB at most, whatever the number of groups.
const CAPACITY: usize = 2048;

/// Which rendering of a record an entry holds (a record has one per kind of listing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ItemShape {
    Describe,
    DescribeWithEvents,
    Status,
}

type Key = (u64, ItemShape);

#[derive(Debug, Default)]
pub struct RenderedItems {
    entries: Mutex<HashMap<Key, Arc<RawValue>, foldhash::fast::RandomState>>,
}

impl RenderedItems {
    /// The item for this version of a record, rendered by `render` only if it is not kept already.
    pub fn get_or_render(
        &self,
        stamp: u64,
        shape: ItemShape,
        render: impl FnOnce() -> serde_json::Result<Box<RawValue>>,
    ) -> serde_json::Result<Arc<RawValue>> {
        let key = (stamp, shape);
        if let Some(kept) = self.entries.lock().get(&key) {
            return Ok(Arc::clone(kept));
        }
        let item: Arc<RawValue> = Arc::from(render()?);
        let mut entries = self.entries.lock();
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(key, Arc::clone(&item));
        Ok(item)
    }

    pub fn clear(&self) {
        self.entries.lock().clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(text: &str) -> serde_json::Result<Box<RawValue>> {
        serde_json::value::to_raw_value(&text)
    }

    #[test]
    fn a_kept_item_is_not_rendered_again_and_other_versions_or_shapes_are() {
        let cache = RenderedItems::default();
        let first = cache.get_or_render(7, ItemShape::Describe, || raw("v7")).unwrap();
        let again = cache
            .get_or_render(7, ItemShape::Describe, || panic!("rendered twice"))
            .unwrap();
        assert_eq!((first.get(), again.get()), ("\"v7\"", "\"v7\""));
        let changed = cache.get_or_render(8, ItemShape::Describe, || raw("v8")).unwrap();
        assert_eq!(changed.get(), "\"v8\"");
        let other_shape = cache.get_or_render(7, ItemShape::Status, || raw("s7")).unwrap();
        assert_eq!(other_shape.get(), "\"s7\"");
        assert_eq!(cache.entries.lock().len(), 3);
    }

    #[test]
    fn a_full_cache_starts_over_instead_of_growing() {
        let cache = RenderedItems::default();
        for stamp in 0..(CAPACITY as u64 + 5) {
            cache.get_or_render(stamp, ItemShape::Status, || raw("x")).unwrap();
        }
        assert_eq!(cache.entries.lock().len(), 5);
    }
}
