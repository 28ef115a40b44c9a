//! A partition as the durable state writes and reads it: the name of each family, the journal its
//! tables write to, and stored entries put back in their order.

use super::container_group::model::ContainerGroup;
use super::container_group::tasks::{CommitTask, OpsRecord};
use super::partition::{restore_progressing, Due, RegionState};
use super::{data_cache::DataCache, image_cache::ImageCache, virtual_node::VirtualNode};
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

/// A stored table record: its place in the table's order and the record.
pub type Stored<R> = (u64, R);

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

    /// Puts back one stored entry of `family`; the message says what is wrong with it.
    pub fn load_entry(&mut self, family: &str, id: &str, value: &[u8]) -> Result<(), String> {
        match family {
            GROUPS => {
                let (seq, group) = decode::<Stored<ContainerGroup>>(value)?;
                same_id(id, &group)?;
                self.restore_group(seq, group);
            }
            IMAGE_CACHES => {
                let (seq, cache) = decode::<Stored<ImageCache>>(value)?;
                same_id(id, &cache)?;
                restore_progressing(&mut self.image_caches, &mut self.due, seq, cache, Due::ImageCache);
            }
            DATA_CACHES => {
                let (seq, cache) = decode::<Stored<DataCache>>(value)?;
                same_id(id, &cache)?;
                restore_progressing(&mut self.data_caches, &mut self.due, seq, cache, Due::DataCache);
            }
            VIRTUAL_NODES => {
                let (seq, node) = decode::<Stored<VirtualNode>>(value)?;
                same_id(id, &node)?;
                restore_progressing(&mut self.virtual_nodes, &mut self.due, seq, node, Due::VirtualNode);
            }
            COMMIT_TASKS => {
                let (seq, task) = decode::<Stored<CommitTask>>(value)?;
                same_id(id, &task)?;
                restore_progressing(&mut self.commit_tasks, &mut self.due, seq, task, Due::CommitTask);
            }
            OPS_RECORDS => restore_plain(&mut self.ops_records, id, decode::<Stored<OpsRecord>>(value)?)?,
            CREATE_TOKENS => {
                let token = decode::<StoredToken<(String, u64)>>(value)?;
                self.create_tokens.restore(id.to_owned(), token.value, token.at);
            }
            DELETE_TOKENS => {
                let token = decode::<StoredToken<String>>(value)?;
                self.delete_tokens.restore(id.to_owned(), token.value, token.at);
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
        out.push((family, record.id().to_owned(), encode(&(seq, record))));
    }
}

/// A record as stored: `[seq, record]`.
pub fn encode(value: &impl serde::Serialize) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

fn decode<T: DeserializeOwned>(value: &[u8]) -> Result<T, String> {
    serde_json::from_slice(value).map_err(|e| e.to_string())
}

fn same_id(id: &str, record: &impl Record) -> Result<(), String> {
    if record.id() == id {
        Ok(())
    } else {
        Err(format!("the record inside is {:?}", record.id()))
    }
}

fn restore_plain<R: Record>(table: &mut Table<R>, id: &str, (seq, record): Stored<R>) -> Result<(), String> {
    same_id(id, &record)?;
    table.restore(seq, record);
    Ok(())
}
