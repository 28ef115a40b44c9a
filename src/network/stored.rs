//! A region's network as the state directory keeps it: one entry per record (VPC, vSwitch, security
//! group, EIP, disk, client token, deleted id) and one small entry for the rest, each written when a
//! change touches it, so a change costs the records it changes, never the region's whole network.
//! What the network held while locked is written as the lock is let go (`NetworkGuard`), by the
//! calling thread, so its call waits for it and two changes reach the store in the order they were made.

use super::records::Records;
use super::{Disk, Eip, RegionNetwork, SavedNetwork, SavedVSwitch, SecurityGroup, Vpc};
use crate::store::journal::keys;
use crate::store::{Change, Journal};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// A stored value: JSON, as every entry of the store.
pub(super) fn encode(value: &impl Serialize) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

/// One stored entry of a network: its kind, its name (an id, a token key) and its value.
pub type NetworkEntry = (&'static str, String, Vec<u8>);

/// Some of a network's entries, and where to go on from when more follow.
pub type Chunk<After> = (Vec<NetworkEntry>, Option<After>);

/// The names of the record kinds in the store's keys.
pub const META: &str = "meta";
pub const VPC: &str = "vpc";
pub const VSWITCH: &str = "vswitch";
pub const SECURITY_GROUP: &str = "sg";
pub const EIP: &str = "eip";
pub const DISK: &str = "disk";
pub const TOKEN: &str = "token";
pub const DELETED: &str = "deleted";

/// The entry of a region's network that is not a record: its defaults and counters.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredMeta {
    pub default_vpc_id: String,
    pub image_caches: Vec<String>,
    pub default_groups: BTreeMap<String, String>,
    pub next_block: u32,
}

/// A vSwitch entry: its declaration and its place among the region's vSwitches (which decides
/// where a create with no vSwitch goes first).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredVSwitch {
    pub position: usize,
    #[serde(flatten)]
    pub declared: SavedVSwitch,
}

/// A client token entry: the id its first call made, and when (Unix seconds).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredToken {
    pub id: String,
    pub at: i64,
}

/// Where a region's network writes its entries.
#[derive(Debug, Clone)]
pub struct NetworkSink {
    journal: Arc<Journal>,
}

impl NetworkSink {
    pub fn new(journal: &Arc<Journal>) -> Self {
        NetworkSink {
            journal: Arc::clone(journal),
        }
    }

    /// The entry `name` of `kind` as it is now: its value, or gone.
    fn write(&self, region: &str, kind: &str, name: &str, value: Option<&impl Serialize>) {
        let key = keys::network(region, kind, name);
        self.journal.push(match value {
            Some(value) => Change::Put(key, encode(value)),
            None => Change::Delete(key),
        });
    }
}

/// What a change touched beyond the keyed records: the vSwitches (kept in a list, with their
/// address pools), the meta entry, tokens and deleted ids.
#[derive(Debug, Default, Clone)]
pub struct Touched {
    pub vswitches: Vec<String>,
    pub meta: bool,
}

impl RegionNetwork {
    /// Writes what changes touched since the last write, when the network has a sink; without one
    /// (in memory), forgets it.
    pub(super) fn write_touched(&mut self) {
        let vpcs = self.vpcs.take_touched();
        let security_groups = self.security_groups.take_touched();
        let eips = self.eips.take_touched();
        let disks = self.disks.take_touched();
        let mut vswitches = std::mem::take(&mut self.touched.vswitches);
        let meta = std::mem::take(&mut self.touched.meta);
        let tokens = self.client_tokens.take_touched();
        let deleted = self.deleted.take_touched();
        let Some(sink) = &self.sink else { return };
        let region = self.region_id.as_str();
        for id in vpcs {
            sink.write(region, VPC, &id, self.vpcs.get(&id));
        }
        for id in security_groups {
            sink.write(region, SECURITY_GROUP, &id, self.security_groups.get(&id));
        }
        for id in eips {
            sink.write(region, EIP, &id, self.eips.get(&id));
        }
        for id in disks {
            sink.write(region, DISK, &id, self.disks.get(&id));
        }
        vswitches.sort_unstable();
        vswitches.dedup();
        for id in vswitches {
            sink.write(region, VSWITCH, &id, self.stored_vswitch(&id).as_ref());
        }
        if meta {
            sink.write(region, META, "", Some(&self.meta()));
        }
        for key in tokens {
            sink.write(region, TOKEN, &key, self.client_tokens.stored(&key).as_ref());
        }
        for (id, number) in deleted {
            sink.write(region, DELETED, &id, number.as_ref());
        }
    }

    fn stored_vswitch(&self, id: &str) -> Option<StoredVSwitch> {
        let position = *self.by_id.get(id)?;
        let vswitch = self.v_switches.get(position)?;
        Some(StoredVSwitch {
            position,
            declared: vswitch.declaration(),
        })
    }

    pub(super) fn meta(&self) -> StoredMeta {
        StoredMeta {
            default_vpc_id: self.default_vpc_id.clone(),
            image_caches: self.image_caches.clone(),
            default_groups: self
                .default_groups
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            next_block: self.next_block,
        }
    }

    /// Up to `limit` of the network's entries (kind, name, value) after `cursor`, and where to go on
    /// from (`None` once all were given): a snapshot copies a few at a time under the lock.
    pub fn entries_after(&self, cursor: Cursor, limit: usize) -> Chunk<Cursor> {
        let mut out = Vec::new();
        let mut cursor = cursor;
        while out.len() < limit {
            let room = limit - out.len();
            let (more, next) = match cursor.kind {
                0 => (vec![(META, String::new(), encode(&self.meta()))], None),
                1 => after(&self.vpcs, VPC, cursor.after.as_deref(), room),
                2 => after(&self.security_groups, SECURITY_GROUP, cursor.after.as_deref(), room),
                3 => after(&self.eips, EIP, cursor.after.as_deref(), room),
                4 => after(&self.disks, DISK, cursor.after.as_deref(), room),
                5 => self.vswitches_after(cursor.after.as_deref(), room),
                6 => self.client_tokens.entries_after(cursor.after.as_deref(), room),
                7 => self.deleted.entries_after(cursor.after.as_deref(), room),
                _ => return (out, None),
            };
            out.extend(more);
            cursor = match next {
                Some(after) => Cursor {
                    kind: cursor.kind,
                    after: Some(after),
                },
                None => Cursor {
                    kind: cursor.kind + 1,
                    after: None,
                },
            };
        }
        (out, Some(cursor))
    }

    fn vswitches_after(&self, after: Option<&str>, limit: usize) -> Chunk<String> {
        let from = after.and_then(|a| a.parse::<usize>().ok()).map_or(0, |p| p + 1);
        let entries: Vec<_> = self
            .v_switches
            .iter()
            .enumerate()
            .skip(from)
            .take(limit)
            .map(|(position, v)| {
                let entry = StoredVSwitch {
                    position,
                    declared: v.declaration(),
                };
                (VSWITCH, v.v_switch_id.clone(), encode(&entry))
            })
            .collect();
        let next =
            (entries.len() == limit && from + limit < self.v_switches.len()).then(|| (from + limit - 1).to_string());
        (entries, next)
    }
}

/// Where `RegionNetwork::entries_after` goes on from: a kind, and the last name given of it.
#[derive(Debug, Clone, Default)]
pub struct Cursor {
    kind: u8,
    after: Option<String>,
}

fn after<T: Serialize>(records: &Records<T>, kind: &'static str, after: Option<&str>, limit: usize) -> Chunk<String> {
    use std::ops::Bound;
    let from = after.map_or(Bound::Unbounded, Bound::Excluded);
    let mut range = records.range::<str, _>((from, Bound::Unbounded));
    let entries: Vec<_> = range
        .by_ref()
        .take(limit)
        .map(|(id, record)| (kind, id.clone(), encode(record)))
        .collect();
    let next = entries
        .last()
        .map(|(_, id, _)| id.clone())
        .filter(|_| range.next().is_some());
    (entries, next)
}

/// A region's network read back entry by entry, made whole by `into_saved`.
#[derive(Debug, Default)]
pub struct NetworkParts {
    meta: Option<StoredMeta>,
    vpcs: BTreeMap<String, Vpc>,
    v_switches: Vec<StoredVSwitch>,
    security_groups: BTreeMap<String, SecurityGroup>,
    eips: BTreeMap<String, Eip>,
    disks: BTreeMap<String, Disk>,
    tokens: BTreeMap<String, StoredToken>,
    deleted: Vec<(u64, String)>,
}

impl NetworkParts {
    /// Takes one entry; an error names what does not decode.
    pub fn absorb(&mut self, kind: &str, name: &str, value: &[u8]) -> Result<(), String> {
        fn decoded<T: serde::de::DeserializeOwned>(kind: &str, name: &str, value: &[u8]) -> Result<T, String> {
            serde_json::from_slice(value).map_err(|e| format!("network {kind} {name:?}: {e}"))
        }
        let named = |id: &str| {
            (id == name)
                .then_some(())
                .ok_or_else(|| format!("network {kind} {name:?} holds {id:?}"))
        };
        match kind {
            META => self.meta = Some(decoded(kind, name, value)?),
            VPC => {
                let vpc: Vpc = decoded(kind, name, value)?;
                named(&vpc.vpc_id)?;
                self.vpcs.insert(name.to_owned(), vpc);
            }
            VSWITCH => {
                let vswitch: StoredVSwitch = decoded(kind, name, value)?;
                named(&vswitch.declared.v_switch_id)?;
                self.v_switches.push(vswitch);
            }
            SECURITY_GROUP => {
                let group: SecurityGroup = decoded(kind, name, value)?;
                named(&group.security_group_id)?;
                self.security_groups.insert(name.to_owned(), group);
            }
            EIP => {
                let eip: Eip = decoded(kind, name, value)?;
                named(&eip.allocation_id)?;
                self.eips.insert(name.to_owned(), eip);
            }
            DISK => {
                let disk: Disk = decoded(kind, name, value)?;
                named(&disk.disk_id)?;
                self.disks.insert(name.to_owned(), disk);
            }
            TOKEN => {
                self.tokens.insert(name.to_owned(), decoded(kind, name, value)?);
            }
            DELETED => self.deleted.push((decoded(kind, name, value)?, name.to_owned())),
            _ => return Err(format!("network entry of unknown kind {kind:?}")),
        }
        Ok(())
    }

    /// The network the entries make; an error when its meta entry is missing or two vSwitches claim
    /// one place.
    pub fn into_saved(mut self, region_id: &str) -> Result<SavedNetwork, String> {
        let meta = self
            .meta
            .ok_or_else(|| format!("the network of {region_id} has records but no meta entry"))?;
        self.v_switches.sort_by_key(|v| v.position);
        let clash = self.v_switches.windows(2).find_map(|pair| match pair {
            [a, b] if a.position == b.position => Some((a, b)),
            _ => None,
        });
        if let Some((a, b)) = clash {
            return Err(format!(
                "vSwitches {} and {} of {region_id} claim one place",
                a.declared.v_switch_id, b.declared.v_switch_id
            ));
        }
        self.deleted.sort();
        let deleted_first = self.deleted.first().map_or(0, |(n, _)| *n);
        let client_token_times = self.tokens.iter().map(|(k, t)| (k.clone(), t.at)).collect();
        Ok(SavedNetwork {
            region_id: region_id.to_owned(),
            default_vpc_id: meta.default_vpc_id,
            vpcs: self.vpcs,
            v_switches: self.v_switches.into_iter().map(|v| v.declared).collect(),
            security_groups: self.security_groups,
            eips: self.eips,
            disks: self.disks,
            image_caches: meta.image_caches,
            default_groups: meta.default_groups,
            next_block: meta.next_block,
            client_tokens: self.tokens.into_iter().map(|(k, t)| (k, t.id)).collect(),
            client_token_times,
            deleted_ids: self.deleted.into_iter().map(|(_, id)| id).collect(),
            deleted_first,
        })
    }
}
