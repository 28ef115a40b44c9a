//! How one container group moves: the transition table, the progression policies, the containers'
//! runs and the events each step records. Pure: time comes in as arguments.

use super::GroupStatus;
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

/// What makes a group change status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// A host was found.
    Scheduled,
    /// No host can take the group.
    Unschedulable,
    /// Every container is running (after a create, restart or update).
    Started,
    Restart,
    Update,
    /// Every container ended with exit code 0 and the restart policy keeps it ended.
    Completed,
    /// A container ended with a non-zero exit code and the restart policy keeps it ended.
    Crashed,
    /// `ActiveDeadlineSeconds` ran out.
    DeadlineExceeded,
    /// The spot instance was reclaimed.
    Reclaimed,
    /// `DeleteContainerGroup`: containers are stopped, then the group is gone.
    Delete,
}

use GroupStatus::*;
use Trigger::*;

/// Every transition a group can make (notes §4): from, trigger, to.
pub static TRANSITIONS: &[(GroupStatus, Trigger, GroupStatus)] = &[
    (Scheduling, Scheduled, Pending),
    (Scheduling, Unschedulable, ScheduleFailed),
    (Pending, Started, Running),
    (Restarting, Started, Running),
    (Updating, Started, Running),
    (Pending, Restart, Restarting),
    (Running, Restart, Restarting),
    (Pending, Update, Updating),
    (Running, Update, Updating),
    (Running, Completed, Succeeded),
    (Running, Crashed, Failed),
    (Pending, DeadlineExceeded, Failed),
    (Running, DeadlineExceeded, Failed),
    (Scheduling, Reclaimed, Expired),
    (Pending, Reclaimed, Expired),
    (Running, Reclaimed, Expired),
    (Restarting, Reclaimed, Expired),
    (Updating, Reclaimed, Expired),
    (Scheduling, Delete, Terminating),
    (Pending, Delete, Terminating),
    (Running, Delete, Terminating),
    (Restarting, Delete, Terminating),
    (Updating, Delete, Terminating),
];

/// Where `trigger` takes a group in `from`, if it may fire there.
pub fn next(from: GroupStatus, trigger: Trigger) -> Option<GroupStatus> {
    TRANSITIONS
        .iter()
        .find(|(f, t, _)| *f == from && *t == trigger)
        .map(|(_, _, to)| *to)
}

/// Whether the group has ended: it will not move again by itself.
pub fn is_final(status: GroupStatus) -> bool {
    matches!(status, Succeeded | Failed | Expired | ScheduleFailed)
}

/// How a group moves through its stages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PolicyKind {
    /// Every stage is passed at once: a created group is `Running` in the create's answer.
    Immediate,
    /// Each stage lasts its delay (with jitter), as the service's stages do.
    Time,
    /// Stages advance by the side API, or after a number of describes.
    Manual,
}

/// Stage lengths for the `time` policy, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Delays {
    pub scheduling_ms: u32,
    pub pending_ms: u32,
    pub restarting_ms: u32,
    pub updating_ms: u32,
    pub jitter_ms: u32,
}

impl Default for Delays {
    /// Sub-second, so clients see every transitional status yet tests finish fast.
    fn default() -> Self {
        Delays {
            scheduling_ms: 100,
            pending_ms: 200,
            restarting_ms: 200,
            updating_ms: 200,
            jitter_ms: 50,
        }
    }
}

/// A group's progression: the policy and its parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Policy {
    pub kind: PolicyKind,
    pub delays: Delays,
    /// `manual`: advance one stage after this many describes of the group (0: only the side API).
    pub describes_per_step: u32,
}

impl Default for Policy {
    /// The `time` policy with sub-second stages.
    fn default() -> Self {
        Policy {
            kind: PolicyKind::Time,
            delays: Delays::default(),
            describes_per_step: 0,
        }
    }
}

/// A container's state, as `CurrentState.State` spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum RunState {
    Waiting,
    Running,
    Terminated,
}

impl RunState {
    pub fn as_str(self) -> &'static str {
        match self {
            RunState::Waiting => "Waiting",
            RunState::Running => "Running",
            RunState::Terminated => "Terminated",
        }
    }
}

/// One run of a container: its state, why, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Run {
    pub state: RunState,
    #[serde(with = "crate::util::intern::static_str")]
    pub reason: crate::util::intern::Word,
    pub exit_code: i32,
    pub started_at: Option<OffsetDateTime>,
    pub finished_at: Option<OffsetDateTime>,
}

impl Run {
    fn waiting(reason: &'static str) -> Self {
        Run {
            state: RunState::Waiting,
            reason,
            exit_code: 0,
            started_at: None,
            finished_at: None,
        }
    }
}

/// A container of the group: its current run, the one before and how often it restarted.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ContainerLife {
    pub current: Run,
    pub previous: Option<Run>,
    pub restart_count: u32,
}

impl ContainerLife {
    pub fn ready(&self) -> bool {
        self.current.state == RunState::Running
    }
}

/// The events a transition records; the view turns each into a Kubernetes-style event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum EventReason {
    Scheduled,
    FailedScheduling,
    Pulling,
    Pulled,
    Created,
    Started,
    Killing,
    BackOff,
    Completed,
    Failed,
    DeadlineExceeded,
    SpotReclaimed,
    Updated,
    ImageCacheHit,
    PreStopHook,
}

impl EventReason {
    pub fn as_str(self) -> &'static str {
        match self {
            EventReason::Scheduled => "Scheduled",
            EventReason::FailedScheduling => "FailedScheduling",
            EventReason::Pulling => "Pulling",
            EventReason::Pulled => "Pulled",
            EventReason::Created => "Created",
            EventReason::Started => "Started",
            EventReason::Killing => "Killing",
            EventReason::BackOff => "BackOff",
            EventReason::Completed => "Completed",
            EventReason::Failed => "Failed",
            EventReason::DeadlineExceeded => "DeadlineExceeded",
            EventReason::SpotReclaimed => "SpotToBeReleased",
            EventReason::Updated => "Updated",
            EventReason::ImageCacheHit => "SuccessfulHitImageCache",
            EventReason::PreStopHook => "PreStopHook",
        }
    }

    pub fn kind(self) -> &'static str {
        match self {
            EventReason::FailedScheduling
            | EventReason::BackOff
            | EventReason::Failed
            | EventReason::DeadlineExceeded
            | EventReason::SpotReclaimed => "Warning",
            _ => "Normal",
        }
    }
}

/// One recorded event; `container` indexes the group's containers (init containers first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Event {
    pub reason: EventReason,
    pub at: OffsetDateTime,
    pub container: Option<u16>,
    pub exit_code: i32,
}

/// A scripted end for the containers: after running this long, they exit with this code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ScriptedExit {
    pub after_ms: u32,
    pub code: i32,
}

/// What the restart policy does when a container ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum RestartPolicy {
    Always,
    OnFailure,
    Never,
}

impl RestartPolicy {
    pub fn parse(text: Option<&str>) -> Self {
        match text {
            Some("Never") => RestartPolicy::Never,
            Some("OnFailure") => RestartPolicy::OnFailure,
            _ => RestartPolicy::Always,
        }
    }

    fn restarts(self, exit_code: i32) -> bool {
        match self {
            RestartPolicy::Always => true,
            RestartPolicy::OnFailure => exit_code != 0,
            RestartPolicy::Never => false,
        }
    }
}

/// What a group is made of, for its lifecycle.
#[derive(Debug, Clone)]
pub struct Shape {
    pub init_containers: u16,
    pub containers: u16,
    pub restart_policy: RestartPolicy,
    pub active_deadline_seconds: Option<u32>,
    pub exit: Option<ScriptedExit>,
    /// No host takes the group: it ends `ScheduleFailed` instead of `Pending`.
    pub schedule_fails: bool,
    /// Stop each container's preStop hook before it is killed (the indices of containers with one).
    pub pre_stop: Vec<u16>,
    /// `TerminationGracePeriodSeconds` of 0: a delete removes the group without `Terminating`.
    pub no_grace: bool,
    /// Spreads the `time` policy's jitter; the same seed moves a group the same way.
    pub jitter_seed: u64,
}

/// How long before a spot instance is released its `SpotToBeReleased` event comes. ECI's guide to
/// preemptible instances: "ECI sends a release event to the list of Kubernetes events 3 minutes before
/// the instance is released" (https://www.alibabacloud.com/help/en/eci/user-guide/create-a-preemptible-elastic-container-instance-1;
/// a note on the same site says about 5 minutes: the guide's figure is the one its example shows).
pub const SPOT_NOTICE: Duration = Duration::minutes(3);

/// When a spot group is told it goes, and when it goes (`Expired`), as the market or the zone's
/// capacity decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpotRelease {
    #[serde(with = "time::serde::rfc3339")]
    pub notice_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub release_at: OffsetDateTime,
    /// The `SpotToBeReleased` event was recorded.
    #[serde(default)]
    pub noticed: bool,
}

impl SpotRelease {
    /// Told at `decided`, gone `SPOT_NOTICE` later.
    pub fn decided_at(decided: OffsetDateTime) -> Self {
        SpotRelease {
            notice_at: decided,
            release_at: decided + SPOT_NOTICE,
            noticed: false,
        }
    }

    fn next_at(&self) -> OffsetDateTime {
        if self.noticed {
            self.release_at
        } else {
            self.notice_at
        }
    }
}

/// A group's status, its containers, its events and when it moves next.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Life {
    pub status: GroupStatus,
    pub since: OffsetDateTime,
    pub policy: Policy,
    /// When the next timed step is due (the `time` policy, a deadline or a scripted exit).
    pub due: Option<OffsetDateTime>,
    pub describes: u32,
    /// Init containers first, then the app containers.
    pub containers: Vec<ContainerLife>,
    pub events: Vec<Event>,
    pub started_at: Option<OffsetDateTime>,
    pub finished_at: Option<OffsetDateTime>,
    /// Terminating is over: the group is to be removed.
    pub gone: bool,
    /// A spot group the market or its zone's capacity let go: when it is told, and when it goes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spot_release: Option<SpotRelease>,
    schedule_fails: bool,
    pre_stop: Vec<u16>,
    no_grace: bool,
    init_containers: u16,
    restart_policy: RestartPolicy,
    active_deadline_seconds: Option<u32>,
    exit: Option<ScriptedExit>,
    jitter_seed: u64,
    steps: u32,
}

/// A trigger that may not fire in the group's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotAllowed {
    pub status: GroupStatus,
    pub trigger: Trigger,
}

impl Life {
    /// A group just created: `Scheduling`, or already `Running` under the `immediate` policy.
    pub fn new(policy: Policy, mut shape: Shape, now: OffsetDateTime) -> Life {
        let pre_stop = std::mem::take(&mut shape.pre_stop);
        let total = usize::from(shape.init_containers) + usize::from(shape.containers);
        let mut life = Life {
            status: Scheduling,
            since: now,
            policy,
            due: None,
            describes: 0,
            containers: vec![
                ContainerLife {
                    current: Run::waiting("ContainerCreating"),
                    previous: None,
                    restart_count: 0,
                };
                total
            ],
            events: Vec::new(),
            started_at: None,
            finished_at: None,
            gone: false,
            spot_release: None,
            schedule_fails: shape.schedule_fails,
            pre_stop,
            no_grace: shape.no_grace,
            init_containers: shape.init_containers,
            restart_policy: shape.restart_policy,
            active_deadline_seconds: shape.active_deadline_seconds,
            exit: shape.exit,
            jitter_seed: shape.jitter_seed,
            steps: 0,
        };
        match policy.kind {
            PolicyKind::Immediate => life.run_to_stable(now),
            PolicyKind::Time => life.due = Some(now + life.stage_delay(policy.delays.scheduling_ms)),
            PolicyKind::Manual => {}
        }
        life
    }

    /// When the group moves next by itself: a stage, a deadline or scripted exit, or its spot
    /// release's notice or end, whichever comes first.
    pub fn next_due(&self) -> Option<OffsetDateTime> {
        let spot = self
            .spot_release
            .filter(|_| !is_final(self.status) && self.status != Terminating)
            .map(|s| s.next_at());
        [self.due, spot].into_iter().flatten().min()
    }

    /// Applies every timed step due by `now`, each at the moment it was due; whether anything moved.
    pub fn advance_to(&mut self, now: OffsetDateTime) -> bool {
        let mut moved = false;
        while let Some(at) = self.next_due().filter(|at| *at <= now) {
            if !self.spot_step(at) {
                self.due = None;
                self.step(at);
            }
            moved = true;
        }
        moved
    }

    /// Plans (or, with `None`, cancels) the group's spot release; a group already told keeps its
    /// plan, and an ended one has none to change.
    pub fn plan_spot_release(&mut self, plan: Option<SpotRelease>) {
        if is_final(self.status) || self.spot_release.is_some_and(|s| s.noticed) {
            return;
        }
        self.spot_release = plan;
    }

    /// The spot release's notice or end, when it is what is due at `at`.
    fn spot_step(&mut self, at: OffsetDateTime) -> bool {
        let Some(plan) = self.spot_release.filter(|s| s.next_at() <= at) else {
            return false;
        };
        if !plan.noticed {
            self.record(EventReason::SpotReclaimed, plan.notice_at, None, 0);
            self.spot_release = Some(SpotRelease { noticed: true, ..plan });
            return true;
        }
        if self.fire(Reclaimed, plan.release_at).is_err() {
            // Not in a status it can go from (it is ending anyway): nothing more to do.
            self.spot_release = None;
        }
        true
    }

    /// One stage forward now, whatever the policy (the side API's and `manual`'s advance).
    pub fn advance_one(&mut self, now: OffsetDateTime) -> bool {
        if is_final(self.status) {
            return false;
        }
        self.due = None;
        self.step(now);
        true
    }

    /// Counts a describe; under `manual` with a describe count, every so many describes is a step.
    pub fn count_describe(&mut self, now: OffsetDateTime) -> bool {
        let every = self.policy.describes_per_step;
        if self.policy.kind != PolicyKind::Manual || every == 0 || is_final(self.status) {
            return false;
        }
        self.describes += 1;
        self.describes.is_multiple_of(every) && self.advance_one(now)
    }

    /// Fires `trigger` now; the stages after it follow the group's policy.
    pub fn fire(&mut self, trigger: Trigger, now: OffsetDateTime) -> Result<(), NotAllowed> {
        let to = next(self.status, trigger).ok_or(NotAllowed {
            status: self.status,
            trigger,
        })?;
        match trigger {
            Restart => {
                self.record_each_app(EventReason::Killing, now);
                for index in self.app_indices() {
                    if let Some(c) = self.containers.get_mut(index) {
                        c.restart_count += 1;
                    }
                }
                self.terminate_apps(now, 0, "Completed");
            }
            Update => self.record(EventReason::Updated, now, None, 0),
            DeadlineExceeded => {
                self.record(EventReason::DeadlineExceeded, now, None, 0);
                self.terminate_apps(now, 137, "DeadlineExceeded");
            }
            Reclaimed => {
                // Told now, unless the market told it `SPOT_NOTICE` ago.
                if !self.spot_release.is_some_and(|s| s.noticed) {
                    self.record(EventReason::SpotReclaimed, now, None, 0);
                }
                self.terminate_apps(now, 137, "Error");
            }
            Unschedulable => self.record(EventReason::FailedScheduling, now, None, 0),
            Delete => {
                for index in self.pre_stop.clone() {
                    self.record(EventReason::PreStopHook, now, Some(index), 0);
                }
                self.record_each_app(EventReason::Killing, now);
                self.terminate_apps(now, 0, "Completed");
                if self.no_grace {
                    self.enter(to, now);
                    self.gone = true;
                    self.due = None;
                    return Ok(());
                }
            }
            _ => {}
        }
        self.enter(to, now);
        self.schedule_next(now);
        Ok(())
    }

    /// Ends app container `index` with `exit_code` now; the restart policy decides what follows.
    pub fn terminate_container(&mut self, index: usize, exit_code: i32, now: OffsetDateTime) -> Result<(), NotAllowed> {
        if self.status != Running {
            return Err(NotAllowed {
                status: self.status,
                trigger: if exit_code == 0 { Completed } else { Crashed },
            });
        }
        let restarts = self.restart_policy.restarts(exit_code);
        let reason = if exit_code == 0 { "Completed" } else { "Error" };
        let slot = usize::from(self.init_containers) + index;
        let container_index = u16::try_from(slot).ok();
        let Some(container) = self.containers.get_mut(slot) else {
            return Ok(());
        };
        container.current = Run {
            state: RunState::Terminated,
            reason,
            exit_code,
            started_at: container.current.started_at,
            finished_at: Some(now),
        };
        if restarts {
            container.previous = Some(container.current);
            container.restart_count += 1;
            container.current = Run {
                state: RunState::Running,
                reason: "Started",
                exit_code: 0,
                started_at: Some(now),
                finished_at: None,
            };
            self.record(EventReason::BackOff, now, container_index, exit_code);
            self.record(EventReason::Started, now, container_index, 0);
            return Ok(());
        }
        let reason = if exit_code == 0 {
            EventReason::Completed
        } else {
            EventReason::Failed
        };
        self.record(reason, now, container_index, exit_code);
        self.finish_if_all_ended(now);
        Ok(())
    }

    fn finish_if_all_ended(&mut self, now: OffsetDateTime) {
        let apps = self.containers.get(self.app_indices()).unwrap_or_default();
        if apps.iter().any(|c| c.current.state != RunState::Terminated) {
            return;
        }
        let trigger = if apps.iter().all(|c| c.current.exit_code == 0) {
            Completed
        } else {
            Crashed
        };
        if let Some(to) = next(self.status, trigger) {
            self.enter(to, now);
            self.due = None;
        }
    }

    /// Puts the group in `status` now, as the side API asks; containers follow as they would.
    pub fn set_status(&mut self, status: GroupStatus, now: OffsetDateTime) {
        match status {
            Running => self.start_containers(now),
            Succeeded => self.terminate_apps(now, 0, "Completed"),
            Failed | Expired => self.terminate_apps(now, 1, "Error"),
            _ => {}
        }
        self.enter(status, now);
        self.schedule_next(now);
    }

    fn step(&mut self, at: OffsetDateTime) {
        self.steps += 1;
        match self.status {
            Scheduling if self.schedule_fails => {
                self.record(EventReason::FailedScheduling, at, None, 0);
                self.enter(ScheduleFailed, at);
            }
            Scheduling => {
                self.record(EventReason::Scheduled, at, None, 0);
                self.enter(Pending, at);
            }
            Pending => {
                self.pull_and_start(at);
                self.enter(Running, at);
            }
            Restarting | Updating => {
                self.start_containers(at);
                self.record_each_app(EventReason::Started, at);
                self.enter(Running, at);
            }
            Terminating => {
                self.gone = true;
                self.due = None;
                return;
            }
            Running => self.running_due(at),
            _ => {}
        }
        self.schedule_next(at);
    }

    /// A deadline or a scripted exit came due while running.
    fn running_due(&mut self, at: OffsetDateTime) {
        if self.deadline().is_some_and(|deadline| deadline <= at) {
            let _ = self.fire(DeadlineExceeded, at);
            return;
        }
        if let Some(exit) = self.exit.take() {
            for index in 0..self.app_indices().len() {
                let _ = self.terminate_container(index, exit.code, at);
            }
        }
    }

    /// Under `immediate`: the whole way to `Running` now.
    fn run_to_stable(&mut self, now: OffsetDateTime) {
        if self.schedule_fails {
            self.step(now);
            return;
        }
        self.record(EventReason::Scheduled, now, None, 0);
        self.enter(Pending, now);
        self.pull_and_start(now);
        self.enter(Running, now);
        self.schedule_next(now);
    }

    fn pull_and_start(&mut self, at: OffsetDateTime) {
        for index in 0..self.containers.len() {
            let container = u16::try_from(index).ok();
            for reason in [
                EventReason::Pulling,
                EventReason::Pulled,
                EventReason::Created,
                EventReason::Started,
            ] {
                self.record(reason, at, container, 0);
            }
        }
        self.start_containers(at);
    }

    /// Init containers have completed; app containers run.
    fn start_containers(&mut self, at: OffsetDateTime) {
        let init = usize::from(self.init_containers);
        for (index, container) in self.containers.iter_mut().enumerate() {
            let completed = index < init;
            let ended = container.current.state == RunState::Terminated;
            if completed && ended {
                continue;
            }
            if ended {
                container.previous = Some(container.current);
            }
            container.current = Run {
                state: if completed {
                    RunState::Terminated
                } else {
                    RunState::Running
                },
                reason: if completed { "Completed" } else { "Started" },
                exit_code: 0,
                started_at: Some(at),
                finished_at: completed.then_some(at),
            };
        }
        if self.started_at.is_none() {
            self.started_at = Some(at);
        }
    }

    fn terminate_apps(&mut self, at: OffsetDateTime, exit_code: i32, reason: &'static str) {
        for index in self.app_indices() {
            if let Some(container) = self.containers.get_mut(index) {
                if container.current.state == RunState::Terminated {
                    continue;
                }
                container.current = Run {
                    state: RunState::Terminated,
                    reason,
                    exit_code,
                    started_at: container.current.started_at,
                    finished_at: Some(at),
                };
            }
        }
    }

    fn enter(&mut self, status: GroupStatus, at: OffsetDateTime) {
        self.status = status;
        self.since = at;
        if is_final(status) && self.finished_at.is_none() {
            self.finished_at = Some(at);
            self.due = None;
        }
    }

    /// When this group moves next by itself: the stage delay under `time`; while running, a
    /// deadline or a scripted exit under any policy but `manual`.
    fn schedule_next(&mut self, now: OffsetDateTime) {
        self.due = None;
        if is_final(self.status) || self.policy.kind == PolicyKind::Manual {
            return;
        }
        let delays = self.policy.delays;
        let stage = match self.status {
            Scheduling => Some(delays.scheduling_ms),
            Pending => Some(delays.pending_ms),
            Restarting => Some(delays.restarting_ms),
            Updating => Some(delays.updating_ms),
            Terminating => Some(delays.restarting_ms),
            _ => None,
        };
        if let Some(ms) = stage {
            if self.policy.kind == PolicyKind::Time {
                self.due = Some(now + self.stage_delay(ms));
            } else {
                self.step(now);
            }
            return;
        }
        if self.status == Running {
            let exit = self
                .exit
                .map(|e| self.since + Duration::milliseconds(i64::from(e.after_ms)));
            self.due = [self.deadline(), exit].into_iter().flatten().min();
        }
    }

    fn deadline(&self) -> Option<OffsetDateTime> {
        let seconds = self.active_deadline_seconds?;
        Some(self.started_at? + Duration::seconds(i64::from(seconds)))
    }

    /// `ms` give or take the jitter, the same for the same group and step.
    fn stage_delay(&self, ms: u32) -> Duration {
        let jitter = i64::from(self.policy.delays.jitter_ms);
        let spread = if jitter == 0 {
            0
        } else {
            let mixed = self
                .jitter_seed
                .wrapping_add(u64::from(self.steps))
                .wrapping_mul(0x9E37_79B9_7F4A_7C15);
            i64::try_from((mixed >> 33) % (2 * jitter as u64 + 1)).unwrap_or(0) - jitter
        };
        Duration::milliseconds((i64::from(ms) + spread).max(0))
    }

    fn app_indices(&self) -> std::ops::Range<usize> {
        usize::from(self.init_containers).min(self.containers.len())..self.containers.len()
    }

    fn record_each_app(&mut self, reason: EventReason, at: OffsetDateTime) {
        for index in self.app_indices() {
            self.record(reason, at, u16::try_from(index).ok(), 0);
        }
    }

    fn record(&mut self, reason: EventReason, at: OffsetDateTime, container: Option<u16>, exit_code: i32) {
        self.events.push(Event {
            reason,
            at,
            container,
            exit_code,
        });
    }

    /// The create found an image cache for the group's images.
    pub fn record_image_cache_hit(&mut self, at: OffsetDateTime) {
        self.events.insert(
            0,
            Event {
                reason: EventReason::ImageCacheHit,
                at,
                container: None,
                exit_code: 0,
            },
        );
    }

    /// After an update changed the containers: every container waits to be created again.
    pub fn reshape(&mut self, init_containers: u16, containers: u16) {
        let total = usize::from(init_containers) + usize::from(containers);
        self.init_containers = init_containers;
        self.containers.resize(
            total,
            ContainerLife {
                current: Run::waiting("ContainerCreating"),
                previous: None,
                restart_count: 0,
            },
        );
    }

    pub fn init_containers(&self) -> usize {
        usize::from(self.init_containers)
    }
}

#[cfg(test)]
mod tests;
