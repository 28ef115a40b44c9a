//! Ids a create names that the network does not know, registered on first use in the default (not
//! `--strict-network`) mode so suites with made-up ids keep working: each belongs to the caller's
//! account, at most `MAX_PER_ACCOUNT` of a kind per account and region; an id deleted before, or one
//! of another region's form, is never registered; and what a create registered is taken back when the
//! create fails, so a refused call leaves no trace.

use super::stored::Chunk;
use super::{RegionNetwork, VSwitch};
use crate::error::{ApiError, ErrorCode};
use std::collections::VecDeque;

/// The most vSwitches, and the most security groups, one account gets registered in a region.
pub const MAX_PER_ACCOUNT: usize = 100;
/// Deleted ids remembered, per region, so none comes back by being named again.
const REMEMBERED_DELETIONS: usize = 100_000;

/// What placements registered since `RegionNetwork::registering` began.
#[derive(Debug, Default, Clone)]
pub struct Registered {
    vswitches: Vec<String>,
    security_groups: Vec<String>,
    /// The block counter before the first vSwitch was registered.
    next_block: Option<u32>,
}

/// The ids deleted through the API, oldest forgotten first past `REMEMBERED_DELETIONS`; each with
/// its number in the order of deletion, which the store keeps.
#[derive(Debug, Default, Clone)]
pub struct Deleted {
    order: VecDeque<(u64, String)>,
    ids: crate::util::FastSet<String>,
    next: u64,
    /// Ids remembered (with their number) or forgotten (`None`) since the network was last written.
    touched: Vec<(String, Option<u64>)>,
}

impl Deleted {
    pub fn remember(&mut self, id: &str) {
        if !self.ids.insert(id.to_owned()) {
            return;
        }
        self.order.push_back((self.next, id.to_owned()));
        self.touched.push((id.to_owned(), Some(self.next)));
        self.next += 1;
        if self.order.len() > REMEMBERED_DELETIONS {
            if let Some((_, oldest)) = self.order.pop_front() {
                self.ids.remove(&oldest);
                self.touched.push((oldest, None));
            }
        }
    }

    pub fn contains(&self, id: &str) -> bool {
        self.ids.contains(id)
    }

    /// From the ids oldest first, numbered from `first` on (as the store numbered them).
    pub fn restored(ids: Vec<String>, first: u64) -> Self {
        let mut deleted = Deleted {
            next: first,
            ..Deleted::default()
        };
        for id in ids {
            deleted.remember(&id);
        }
        deleted.touched.retain(|(_, kept)| kept.is_none());
        deleted
    }

    /// What changed since last asked, in order: the latest word on each id wins when written.
    pub fn take_touched(&mut self) -> Vec<(String, Option<u64>)> {
        std::mem::take(&mut self.touched)
    }

    /// Up to `limit` entries after the one numbered `after`, and the last number given when more
    /// follow.
    pub fn entries_after(&self, after: Option<&str>, limit: usize) -> Chunk<String> {
        let after: Option<u64> = after.and_then(|a| a.parse().ok());
        let first = after.map_or(0, |a| self.order.partition_point(|(n, _)| *n <= a));
        let page: Vec<&(u64, String)> = self.order.range(first..).take(limit).collect();
        let entries = page
            .iter()
            .map(|(n, id)| (super::stored::DELETED, id.clone(), super::stored::encode(n)))
            .collect();
        let more = first + page.len() < self.order.len();
        let next = page.last().map(|(n, _)| n.to_string()).filter(|_| more);
        (entries, next)
    }
}

/// Which kind of resource an id names, for the refusal.
#[derive(Clone, Copy)]
pub enum Kind {
    VSwitch,
    SecurityGroup,
}

impl Kind {
    fn not_found(self) -> ApiError {
        match self {
            Kind::VSwitch => ApiError::new(ErrorCode::VSwitchNotFound),
            Kind::SecurityGroup => ApiError::new(ErrorCode::SecurityGroupNotFound),
        }
    }
}

impl RegionNetwork {
    /// Runs `create` (which places something); if it fails, what its placements registered is
    /// taken back before the failure is answered.
    pub fn registering<T>(&mut self, create: impl FnOnce(&mut Self) -> Result<T, ApiError>) -> Result<T, ApiError> {
        self.registered_now = Registered::default();
        let made = create(self);
        if made.is_err() {
            self.take_back_registered();
        }
        self.registered_now = Registered::default();
        made
    }

    /// Whether `id` may be registered for `account` now: refused as not found when it was deleted
    /// before, carries another region's code, or the account has its fill of that kind.
    pub(super) fn may_register(&self, id: &str, kind: Kind, account: Option<&str>) -> Result<(), ApiError> {
        let foreign = super::regions::region_of_resource_id(id).is_some_and(|r| r.region_id != self.region_id);
        if foreign || self.deleted.contains(id) {
            return Err(kind.not_found());
        }
        let key = super::registered_key(account);
        let registered = match kind {
            Kind::VSwitch => self.vswitch_index.count(&key),
            Kind::SecurityGroup => self.security_groups.count_under(&key),
        };
        if registered >= MAX_PER_ACCOUNT {
            return Err(kind.not_found());
        }
        Ok(())
    }

    pub(super) fn note_registered_vswitch(&mut self, id: &str, block_before: u32) {
        self.registered_now.next_block.get_or_insert(block_before);
        self.registered_now.vswitches.push(id.to_owned());
    }

    /// A vSwitch a placement made (not named): taken back as a registered one is, leaving the block
    /// counter of the region's default VPC alone.
    pub(super) fn note_made_vswitch(&mut self, id: &str) {
        self.registered_now.vswitches.push(id.to_owned());
    }

    pub(super) fn note_registered_security_group(&mut self, id: &str) {
        self.registered_now.security_groups.push(id.to_owned());
    }

    /// Removes what this call registered and nothing holds (a failed create gave its address back
    /// before), and the block counter with it.
    fn take_back_registered(&mut self) {
        let registered = std::mem::take(&mut self.registered_now);
        for id in &registered.security_groups {
            if self.security_groups.get(id).is_some_and(|g| g.holders == 0) {
                self.security_groups.remove(id);
                self.default_groups.retain(|_, group| group != id);
                self.touched.meta = true;
            }
        }
        let mut all_gone = true;
        for id in &registered.vswitches {
            let index = self.by_id.get(id).copied();
            match index.and_then(|i| self.v_switches.get(i).map(|v| (i, v))) {
                Some((i, vswitch)) if unused(vswitch) => self.remove_vswitch(i),
                _ => all_gone = false,
            }
        }
        if let (true, Some(before)) = (all_gone, registered.next_block) {
            self.next_block = before;
            self.touched.meta = true;
        }
    }
}

fn unused(vswitch: &VSwitch) -> bool {
    vswitch.addresses_in_use() == 0
}
