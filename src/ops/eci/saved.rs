//! A partition as the durable state writes and reads it: the journal its tables write to, and stored
//! entries put back in their order. Each family is stored under the name its record type declares
//! (`Family::NAME`); the groups' and the token memories' are here.

use super::container_group::model::ContainerGroup;
use super::families::{decode, encode, StoredEntry};
use super::partition::RegionState;
use crate::store::family::Family;
use crate::store::{Journal, PartitionKey, Sink, StoredToken};
use std::sync::Arc;

pub const GROUPS: &str = <ContainerGroup as Family>::NAME;
pub const CREATE_TOKENS: &str = "create-token";
pub const DELETE_TOKENS: &str = "delete-token";

impl RegionState {
    /// From now on every change of every family goes to `journal` (none: nowhere).
    pub fn attach_journal(&mut self, journal: Option<&Arc<Journal>>, key: &PartitionKey) {
        let sink = |family: &str| journal.map(|j| Sink::new(j, &key.account, &key.region, family));
        self.groups.attach(sink(GROUPS));
        self.families.attach(&sink);
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
            CREATE_TOKENS => {
                let token = decode::<StoredToken<(String, u64)>>(value)?;
                self.create_tokens.restore(name.to_owned(), token.value, token.at);
            }
            DELETE_TOKENS => {
                let token = decode::<StoredToken<String>>(value)?;
                self.delete_tokens.restore(name.to_owned(), token.value, token.at);
            }
            other => {
                return self
                    .families
                    .load(&mut self.due, other, seq, value)
                    .unwrap_or_else(|| Err(format!("unknown family {other:?}")))
            }
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
    pub fn small_entries(&self) -> Vec<StoredEntry> {
        let mut out = Vec::new();
        self.families.entries(&mut out);
        for (token, at, value) in self.create_tokens.iter() {
            out.push((CREATE_TOKENS, token.to_owned(), encode(&StoredToken { at, value })));
        }
        for (token, at, value) in self.delete_tokens.iter() {
            out.push((DELETE_TOKENS, token.to_owned(), encode(&StoredToken { at, value })));
        }
        out
    }
}
