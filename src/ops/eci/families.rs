//! The one list of ECI's resource families beside container groups (which the partition keeps with
//! their quota, tokens and lifecycle indexes). Each line names a family's table and its record type,
//! and, for a family whose records move on by themselves, its entry in the due queue. From the list
//! come the partition's tables (`Families`), the due queue's entries (`Due`), the step that moves a
//! record on, and how the durable state writes and reads each family under the name its record type
//! declares (`Family::NAME`).

use super::container_group::task_records::{CommitTask, OpsRecord};
use super::data_cache::model::DataCache;
use super::image_cache::model::ImageCache;
use super::virtual_node::model::VirtualNode;
use crate::store::family::{restore_progressing, Family, Progress};
use crate::store::journal::keys;
use crate::store::{Sink, Table};
use std::collections::BTreeSet;
use time::OffsetDateTime;

/// The due queue: when each record moves next, soonest first.
pub type DueQueue = BTreeSet<(OffsetDateTime, Due)>;

/// A stored entry of a family: (family, key, value).
pub type StoredEntry = (&'static str, String, Vec<u8>);

macro_rules! families {
    (
        moving { $($moving:ident: $moving_type:ty => $entry:ident,)* }
        kept { $($kept:ident: $kept_type:ty,)* }
    ) => {
        /// A record in the due queue: which family's table holds it, and its id.
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
        pub enum Due {
            Group(String),
            $($entry(String),)*
        }

        /// Every family's table of one partition.
        #[derive(Debug, Default)]
        pub struct Families {
            $(pub $moving: Table<$moving_type>,)*
            $(pub $kept: Table<$kept_type>,)*
        }

        impl Families {
            /// From now on each table writes its changes to the sink made for its family's name.
            pub fn attach(&mut self, sink: &dyn Fn(&'static str) -> Option<Sink>) {
                $(self.$moving.attach(sink(<$moving_type as Family>::NAME));)*
                $(self.$kept.attach(sink(<$kept_type as Family>::NAME));)*
            }

            /// Moves the record `entry` names on to `now` and queues its next step; a group's entry
            /// is answered back, for the partition to move.
            pub fn step(&mut self, due: &mut DueQueue, entry: Due, now: OffsetDateTime) -> Option<String> {
                match entry {
                    Due::Group(id) => return Some(id),
                    $(Due::$entry(id) => step(&mut self.$moving, due, id, now, Due::$entry),)*
                }
                None
            }

            /// Puts back a stored record of the family named `family` at its place `seq`; `None`
            /// when no family here has that name.
            pub fn load(
                &mut self,
                due: &mut DueQueue,
                family: &str,
                seq: impl FnOnce() -> Result<u64, String>,
                value: &[u8],
            ) -> Option<Result<(), String>> {
                $(if family == <$moving_type as Family>::NAME {
                    return Some(seq().and_then(|seq| {
                        restore_progressing(&mut self.$moving, due, seq, decode(value)?, Due::$entry);
                        Ok(())
                    }));
                })*
                $(if family == <$kept_type as Family>::NAME {
                    return Some(seq().and_then(|seq| {
                        self.$kept.restore(seq, decode(value)?);
                        Ok(())
                    }));
                })*
                None
            }

            /// Every stored entry of every family, in the list's order.
            pub fn entries(&self, out: &mut Vec<StoredEntry>) {
                $(stored_entries(out, &self.$moving);)*
                $(stored_entries(out, &self.$kept);)*
            }
        }
    };
}

families! {
    moving {
        image_caches: ImageCache => ImageCache,
        data_caches: DataCache => DataCache,
        virtual_nodes: VirtualNode => VirtualNode,
        commit_tasks: CommitTask => CommitTask,
    }
    kept {
        ops_records: OpsRecord,
    }
}

/// Moves one record on to `now`, if it still exists, and notes when it moves next.
fn step<R: Progress>(
    table: &mut Table<R>,
    due: &mut DueQueue,
    id: String,
    now: OffsetDateTime,
    entry: fn(String) -> Due,
) {
    let next = table.update(&id, |record| {
        record.advance(now);
        record.due()
    });
    if let Some(Some(at)) = next {
        due.insert((at, entry(id)));
    }
}

fn stored_entries<R: Family>(out: &mut Vec<StoredEntry>, table: &Table<R>) {
    for (seq, record) in table.iter_with_seq() {
        out.push((R::NAME, keys::position(seq), encode(record)));
    }
}

/// A stored value: JSON.
pub fn encode(value: &impl serde::Serialize) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

pub fn decode<T: serde::de::DeserializeOwned>(value: &[u8]) -> Result<T, String> {
    serde_json::from_slice(value).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_family_is_stored_under_a_name_of_its_own() {
        let mut names = vec![
            <ImageCache as Family>::NAME,
            <DataCache as Family>::NAME,
            <VirtualNode as Family>::NAME,
            <CommitTask as Family>::NAME,
            <OpsRecord as Family>::NAME,
            <crate::ops::eci::container_group::model::ContainerGroup as Family>::NAME,
        ];
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count, "{names:?}");
    }

    #[test]
    fn a_record_loads_into_its_family_and_an_unknown_family_is_none() {
        let mut families = Families::default();
        let mut due = DueQueue::new();
        assert!(families.load(&mut due, "no-such-family", || Ok(1), b"{}").is_none());
        let refused = families.load(&mut due, <OpsRecord as Family>::NAME, || Ok(1), b"not json");
        assert!(matches!(refused, Some(Err(_))), "{refused:?}");
        assert_eq!(families.ops_records.len(), 0);
    }
}
