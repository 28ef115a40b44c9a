//! A partition as the durable state writes and reads it: the name of each family, the journal its
//! tables write to, and stored entries put back in their order.

use super::due::{restore_progressing, Due};
use super::eci::container_group::tasks::OpsRecord;
use super::partition::RegionState;
use crate::store::journal::keys;
use crate::store::{Journal, PartitionKey, Record, Sink, StoredToken, Table};
use serde::de::DeserializeOwned;
use std::sync::Arc;

pub const GROUPS: &str = "group";
pub const IMAGE_CACHES: &str = "image-cache";
pub const DATA_CACHES: &str = "data-cache";
pub const VIRTUAL_NODES: &str = "virtual-node";
pub const COMMIT_TASKS: &str = "commit-task";
pub const OPS_RECORDS: &str = "ops-record";
pub const CREATE_TOKENS: &str = "create-token";
pub const DELETE_TOKENS: &str = "delete-token";

impl RegionState {
    /// From now on every change of every family goes to `journal` (none: nowhere).
    pub fn attach_journal(&mut self, journal: Option<&Arc<Journal>>, key: &PartitionKey) {
        let sink = |family: &str| journal.map(|j| Sink::new(j, &key.account, &key.region, family));
        self.groups.attach(sink(GROUPS));
        self.image_caches.attach(sink(IMAGE_CACHES));
        self.data_caches.attach(sink(DATA_CACHES));
        self.virtual_nodes.attach(sink(VIRTUAL_NODES));
        self.commit_tasks.attach(sink(COMMIT_TASKS));
        self.ops_records.attach(sink(OPS_RECORDS));
        self.create_tokens.attach(sink(CREATE_TOKENS));
        self.delete_tokens.attach(sink(DELETE_TOKENS));
    }

    /// Puts back one stored entry of `family` named `name` (a record's position, or a token); the
    /// message says what is wrong with it.
    pub fn load_entry(&mut self, family: &str, name: &str, value: &[u8]) -> Result<(), String> {
        let seq = || {
            name.parse::<u64>()
                .map_err(|_| format!("{name:?} is not a record's position"))
        };
        match family {
            GROUPS => self.restore_group(seq()?, decode(value)?),
            IMAGE_CACHES => restore_progressing(
                &mut self.image_caches,
                &mut self.due,
                seq()?,
                decode(value)?,
                Due::ImageCache,
            ),
            DATA_CACHES => restore_progressing(
                &mut self.data_caches,
                &mut self.due,
                seq()?,
                decode(value)?,
                Due::DataCache,
            ),
            VIRTUAL_NODES => restore_progressing(
                &mut self.virtual_nodes,
                &mut self.due,
                seq()?,
                decode(value)?,
                Due::VirtualNode,
            ),
            COMMIT_TASKS => restore_progressing(
                &mut self.commit_tasks,
                &mut self.due,
                seq()?,
                decode(value)?,
                Due::CommitTask,
            ),
            OPS_RECORDS => self.ops_records.restore(seq()?, decode::<OpsRecord>(value)?),
            CREATE_TOKENS => {
                let token = decode::<StoredToken<(String, u64)>>(value)?;
                self.create_tokens.restore(name.to_owned(), token.value, token.at);
            }
            DELETE_TOKENS => {
                let token = decode::<StoredToken<String>>(value)?;
                self.delete_tokens.restore(name.to_owned(), token.value, token.at);
            }
            other => return Err(format!("unknown family {other:?}")),
        }
        Ok(())
    }

    /// After the last entry: the token memories in the order they were made.
    pub fn finish_loading(&mut self) {
        self.create_tokens.sort_by_age();
        self.delete_tokens.sort_by_age();
    }

    /// Every stored entry of the partition's small families (all but groups), as (family, id,
    /// value) in a fixed order: what a snapshot writes after the groups.
    pub fn small_entries(&self) -> Vec<(&'static str, String, Vec<u8>)> {
        let mut out = Vec::new();
        stored_entries(&mut out, IMAGE_CACHES, &self.image_caches);
        stored_entries(&mut out, DATA_CACHES, &self.data_caches);
        stored_entries(&mut out, VIRTUAL_NODES, &self.virtual_nodes);
        stored_entries(&mut out, COMMIT_TASKS, &self.commit_tasks);
        stored_entries(&mut out, OPS_RECORDS, &self.ops_records);
        for (token, at, value) in self.create_tokens.iter() {
            out.push((CREATE_TOKENS, token.to_owned(), encode(&StoredToken { at, value })));
        }
        for (token, at, value) in self.delete_tokens.iter() {
            out.push((DELETE_TOKENS, token.to_owned(), encode(&StoredToken { at, value })));
        }
        out
    }
}

fn stored_entries<R: Record>(out: &mut Vec<(&'static str, String, Vec<u8>)>, family: &'static str, table: &Table<R>) {
    for (seq, record) in table.iter_with_seq() {
        out.push((family, keys::position(seq), encode(record)));
    }
}

/// A stored value: JSON.
pub fn encode(value: &impl serde::Serialize) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

fn decode<T: DeserializeOwned>(value: &[u8]) -> Result<T, String> {
    serde_json::from_slice(value).map_err(|e| e.to_string())
}
