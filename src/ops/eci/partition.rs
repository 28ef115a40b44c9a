//! One account's resources in one region: a table per resource family, the one due queue that
//! moves every family's records on, and the retention rules. Every call that touches a partition
//! applies what is due in it first (`Ctx::partition`, `Ctx::existing_partition`).

use super::container_group::model::{ContainerGroup, Holdings};
use super::families::{Due, DueQueue, Families};
use crate::lifecycle::machine::{self, Life, PolicyKind};
use crate::lifecycle::GroupStatus;
use crate::store::{Table, TokenMap};
use std::collections::BTreeSet;
use time::OffsetDateTime;

/// Ended groups are all kept this long…
const FINISHED_KEPT_ALL_FOR: time::Duration = time::Duration::hours(1);
/// …and after that, this many of them per region.
const FINISHED_KEPT: usize = 100;

/// One account's resources in one region.
#[derive(Debug, Default)]
pub struct RegionState {
    pub groups: Table<ContainerGroup>,
    /// vCPUs granted to the groups, for the quota.
    pub used_cpu: f64,
    /// `ClientToken` of a create → the group it made and a fingerprint of its parameters.
    pub create_tokens: TokenMap<(String, u64)>,
    /// `ClientToken` of a delete → the group it deleted.
    pub delete_tokens: TokenMap<String>,
    /// When each record of any family moves next by itself, soonest first: a partition is brought up
    /// to date on access, at O(log n) per step, with no background work. Entries of records updated
    /// or removed since may stay behind; moving such an entry on is harmless.
    pub due: DueQueue,
    /// The groups whose next step due may end them (`Terminating` ones, running ones with a
    /// deadline or a scripted exit, spot groups the market lets go), by when: what a create must
    /// apply first, so that what they hold is free (see `advance_releases`).
    pub ending: BTreeSet<(OffsetDateTime, String)>,
    /// What groups that ended gave up since it was last taken (`take_ended`): their room in their
    /// zone, and an expired group's address and EIP.
    pub ended: Vec<Holdings>,
    /// Groups that move after a number of describes.
    pub counting_describes: usize,
    /// Ended groups (Succeeded, Failed, Expired) by when they ended, for the retention rule.
    pub finished: BTreeSet<(OffsetDateTime, String)>,
    /// Every other family's table (`families`: image caches, data caches, virtual nodes, commit
    /// tasks and O&M records).
    pub families: Families,
}

impl RegionState {
    /// Stores a new group with its share of the vCPU quota, and notes when it moves next.
    pub fn add_group(&mut self, group: ContainerGroup) {
        let seq = self.groups.next_position();
        self.restore_group(seq, group);
    }

    /// Puts a group at its place `seq` in the order (a stored group read back, or a new one), with
    /// its share of the vCPU quota, in the due queue and the other lifecycle indexes.
    pub fn restore_group(&mut self, seq: u64, group: ContainerGroup) {
        if let Some(at) = group.life.next_due() {
            self.due.insert((at, Due::Group(group.id.clone())));
        }
        if let Some(at) = ending_at(&group.life) {
            self.ending.insert((at, group.id.clone()));
        }
        if let Some(at) = group.life.finished_at {
            self.finished.insert((at, group.id.clone()));
        }
        if counts_describes(&group.life) {
            self.counting_describes += 1;
        }
        self.used_cpu += group.cpu;
        self.groups.restore(seq, group);
    }

    /// Takes a group out, with its share of the vCPU quota; its network is the caller's to release.
    pub fn remove_group(&mut self, id: &str) -> Option<ContainerGroup> {
        let group = self.groups.remove(id)?;
        if let Some(at) = group.life.next_due() {
            self.due.remove(&(at, Due::Group(group.id.clone())));
        }
        if let Some(at) = ending_at(&group.life) {
            self.ending.remove(&(at, group.id.clone()));
        }
        if counts_describes(&group.life) {
            self.counting_describes -= 1;
        }
        if let Some(at) = group.life.finished_at {
            self.finished.remove(&(at, group.id.clone()));
        }
        self.used_cpu = (self.used_cpu - group.cpu).max(0.0);
        Some(group)
    }

    /// Changes a group's lifecycle, keeping the status index and the due queue in step.
    pub fn change_life<T>(&mut self, id: &str, change: impl FnOnce(&mut Life) -> T) -> Option<T> {
        let before = self.groups.get(id)?;
        let (due_before, counted_before) = (before.life.next_due(), counts_describes(&before.life));
        let ended_before = machine::is_final(before.life.status);
        let (finished_before, ending_before) = (before.life.finished_at, ending_at(&before.life));
        // A lifecycle change moves only the status among the group's index entries.
        let out = self.groups.update_progress(id, |g| change(&mut g.life))?;
        let after = self.groups.get(id)?;
        let (due_after, counted_after) = (after.life.next_due(), counts_describes(&after.life));
        if !ended_before && machine::is_final(after.life.status) {
            self.ended.push(after.given_back_at_end());
        }
        let ending_after = ending_at(&after.life);
        if ending_before != ending_after {
            if let Some(at) = ending_before {
                self.ending.remove(&(at, id.to_owned()));
            }
            if let Some(at) = ending_after {
                self.ending.insert((at, id.to_owned()));
            }
        }
        if finished_before != after.life.finished_at {
            if let Some(at) = finished_before {
                self.finished.remove(&(at, id.to_owned()));
            }
            if let Some(at) = after.life.finished_at {
                self.finished.insert((at, id.to_owned()));
            }
        }
        if due_before != due_after {
            if let Some(at) = due_before {
                self.due.remove(&(at, Due::Group(id.to_owned())));
            }
            if let Some(at) = due_after {
                self.due.insert((at, Due::Group(id.to_owned())));
            }
        }
        match (counted_before, counted_after) {
            (true, false) => self.counting_describes -= 1,
            (false, true) => self.counting_describes += 1,
            _ => {}
        }
        Some(out)
    }

    /// Whether a record is due to move, or an ended group is past what the service keeps.
    pub fn has_due(&self, now: OffsetDateTime) -> bool {
        !self.ended.is_empty() || self.over_retention(now) || self.due.first().is_some_and(|(at, _)| *at <= now)
    }

    /// Whether a group is due to end, or an ended group is past what the service keeps: whether
    /// anything a group holds is due to be released.
    pub fn has_release_due(&self, now: OffsetDateTime) -> bool {
        !self.ended.is_empty() || self.over_retention(now) || self.ending.first().is_some_and(|(at, _)| *at <= now)
    }

    /// What groups that ended gave up since this was last asked.
    pub fn take_ended(&mut self) -> Vec<Holdings> {
        std::mem::take(&mut self.ended)
    }

    fn over_retention(&self, now: OffsetDateTime) -> bool {
        self.finished.len() > FINISHED_KEPT
            && self
                .finished
                .first()
                .is_some_and(|(at, _)| *at < now - FINISHED_KEPT_ALL_FOR)
    }

    /// Applies only the steps that end groups (and the retention rule), answering the groups now
    /// gone. A create calls this rather than `advance_due`: its answer depends on what is free, not
    /// on other groups' progress, which the next call that can show it applies.
    pub fn advance_releases(&mut self, now: OffsetDateTime) -> Vec<ContainerGroup> {
        let mut gone = Vec::new();
        while let Some((at, id)) = self.ending.first().cloned() {
            if at > now {
                break;
            }
            gone.extend(self.advance_group(&id, now));
            self.ending.remove(&(at, id));
        }
        gone.extend(self.prune_finished(now));
        gone
    }

    /// The service keeps every ended group for an hour, and after that only the newest 100 of a
    /// region; older ones are removed, oldest first.
    fn prune_finished(&mut self, now: OffsetDateTime) -> Vec<ContainerGroup> {
        let mut removed = Vec::new();
        while self.finished.len() > FINISHED_KEPT {
            let Some((at, id)) = self.finished.first().cloned() else {
                break;
            };
            if at >= now - FINISHED_KEPT_ALL_FOR {
                break;
            }
            match self.remove_group(&id) {
                Some(group) => removed.push(group),
                None => {
                    self.finished.remove(&(at, id));
                }
            }
        }
        removed
    }

    /// Moves every record whose next step is due by `now`, whatever its family; answers the groups
    /// whose termination ended, now removed (what they held is the caller's to release).
    pub fn advance_due(&mut self, now: OffsetDateTime) -> Vec<ContainerGroup> {
        self.advance_due_at_most(now, usize::MAX).0
    }

    /// As `advance_due`, but stops after `steps` due entries, so a caller can let go of the lock
    /// between rounds; also answers whether anything is still due.
    pub fn advance_due_at_most(&mut self, now: OffsetDateTime, steps: usize) -> (Vec<ContainerGroup>, bool) {
        let mut gone = Vec::new();
        let (mut taken, mut more) = (0, false);
        while let Some((at, entry)) = self.due.first().cloned() {
            if at > now {
                break;
            }
            if taken == steps {
                more = true;
                break;
            }
            taken += 1;
            // Taken off before it is applied; a group's entry is kept for `change_life` to move.
            if !matches!(entry, Due::Group(_)) {
                self.due.remove(&(at, entry.clone()));
            }
            if let Some(group) = self.families.step(&mut self.due, entry, now) {
                gone.extend(self.advance_group(&group, now));
                self.due.remove(&(at, Due::Group(group)));
            }
        }
        gone.extend(self.prune_finished(now));
        (gone, more)
    }

    /// Removes a group whose lifecycle says it is gone (a termination ended by a drive or by
    /// describes), answering it; what it held is the caller's to release.
    pub fn remove_if_gone(&mut self, id: &str) -> Option<ContainerGroup> {
        if self.groups.get(id).is_some_and(|g| g.life.gone) {
            return self.remove_group(id);
        }
        None
    }

    /// Moves a group on to `now`; answers it when that ended its termination, removed.
    fn advance_group(&mut self, id: &str, now: OffsetDateTime) -> Option<ContainerGroup> {
        let ended = self.change_life(id, |life| {
            life.advance_to(now);
            life.gone
        });
        if ended == Some(true) {
            return self.remove_group(id);
        }
        None
    }
}

/// When a group's next step may end it (and so free what it holds), if that is what comes next.
fn ending_at(life: &Life) -> Option<OffsetDateTime> {
    let may_end = match life.status {
        GroupStatus::Terminating | GroupStatus::Running => true,
        status => life.spot_release.is_some() && !machine::is_final(status),
    };
    life.next_due().filter(|_| may_end)
}

fn counts_describes(life: &Life) -> bool {
    life.policy.kind == PolicyKind::Manual && life.policy.describes_per_step > 0 && !machine::is_final(life.status)
}
