//! The simple progressions of the resources other than container groups (image caches, data caches,
//! commit tasks, O&M tasks): a fixed list of statuses passed in order, under the same policies.

use super::machine::{Policy, PolicyKind};
use time::{Duration, OffsetDateTime};

/// Where a resource is in its list of statuses, and when it moves next.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Stages {
    #[serde(with = "crate::util::intern::static_list")]
    statuses: crate::util::intern::WordList,
    index: usize,
    /// A status outside the list the resource ended in (`Failed`), if any.
    #[serde(with = "crate::util::intern::option_static_str")]
    ended_as: Option<crate::util::intern::Word>,
    pub since: OffsetDateTime,
    pub due: Option<OffsetDateTime>,
    kind: PolicyKind,
    delay: Duration,
}

impl Stages {
    /// Starts at the first status; under `immediate` it is at the last at once. Each stage lasts
    /// `stage_ms` under `time`.
    pub fn new(statuses: &'static [&'static str], policy: Policy, stage_ms: u32, now: OffsetDateTime) -> Stages {
        let mut stages = Stages {
            statuses,
            index: 0,
            ended_as: None,
            since: now,
            due: None,
            kind: policy.kind,
            delay: Duration::milliseconds(i64::from(stage_ms)),
        };
        match policy.kind {
            PolicyKind::Immediate => stages.index = statuses.len().saturating_sub(1),
            PolicyKind::Time => stages.schedule(now),
            PolicyKind::Manual => {}
        }
        stages
    }

    pub fn status(&self) -> &'static str {
        self.ended_as
            .or_else(|| self.statuses.get(self.index).copied())
            .unwrap_or_default()
    }

    pub fn is_done(&self) -> bool {
        self.ended_as.is_some() || self.index + 1 >= self.statuses.len()
    }

    /// How far along, as the service shows it: `"50%"`.
    pub fn progress(&self) -> String {
        let last = self.statuses.len().saturating_sub(1).max(1);
        let percent = if self.ended_as.is_some() {
            100
        } else {
            self.index * 100 / last
        };
        format!("{percent}%")
    }

    /// Applies every step due by `now`, each at the moment it was due.
    pub fn advance_to(&mut self, now: OffsetDateTime) {
        while let Some(due) = self.due.filter(|due| *due <= now) {
            self.step(due);
        }
    }

    /// One status forward now, whatever the policy; `false` when already done.
    pub fn advance_one(&mut self, now: OffsetDateTime) -> bool {
        if self.is_done() {
            return false;
        }
        self.step(now);
        true
    }

    /// Ends in `status` (not one of the list), now.
    pub fn end_as(&mut self, status: &'static str, now: OffsetDateTime) {
        self.ended_as = Some(status);
        self.since = now;
        self.due = None;
    }

    /// Back to the first status, as an update that redoes the work does.
    pub fn restart(&mut self, now: OffsetDateTime) {
        self.index = 0;
        self.ended_as = None;
        self.since = now;
        self.due = None;
        match self.kind {
            PolicyKind::Immediate => self.index = self.statuses.len().saturating_sub(1),
            PolicyKind::Time => self.schedule(now),
            PolicyKind::Manual => {}
        }
    }

    fn step(&mut self, at: OffsetDateTime) {
        self.due = None;
        if self.is_done() {
            return;
        }
        self.index += 1;
        self.since = at;
        if self.kind == PolicyKind::Time {
            self.schedule(at);
        }
    }

    fn schedule(&mut self, from: OffsetDateTime) {
        self.due = (!self.is_done()).then_some(from + self.delay);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::machine::Delays;
    use time::macros::datetime;

    const T0: OffsetDateTime = datetime!(2026-11-27 22:00:00 UTC);
    const CACHE: &[&str] = &["Preparing", "Creating", "Ready"];

    fn policy(kind: PolicyKind) -> Policy {
        Policy {
            kind,
            delays: Delays::default(),
            describes_per_step: 0,
        }
    }

    #[test]
    fn each_policy_moves_through_the_list() {
        let mut timed = Stages::new(CACHE, policy(PolicyKind::Time), 500, T0);
        assert_eq!((timed.status(), timed.progress().as_str()), ("Preparing", "0%"));
        timed.advance_to(T0 + Duration::milliseconds(700));
        assert_eq!((timed.status(), timed.progress().as_str()), ("Creating", "50%"));
        timed.advance_to(T0 + Duration::seconds(5));
        assert_eq!(timed.status(), "Ready");
        assert_eq!(
            timed.since,
            T0 + Duration::seconds(1),
            "each step at the moment it was due"
        );
        assert!(timed.is_done() && timed.due.is_none());
        let immediate = Stages::new(CACHE, policy(PolicyKind::Immediate), 500, T0);
        assert_eq!(immediate.status(), "Ready");
        let mut manual = Stages::new(CACHE, policy(PolicyKind::Manual), 500, T0);
        manual.advance_to(T0 + Duration::days(1));
        assert_eq!(manual.status(), "Preparing");
        assert!(manual.advance_one(T0) && manual.advance_one(T0) && !manual.advance_one(T0));
        manual.end_as("Failed", T0);
        assert_eq!((manual.status(), manual.progress().as_str()), ("Failed", "100%"));
        manual.restart(T0);
        assert_eq!(manual.status(), "Preparing");
    }
}
