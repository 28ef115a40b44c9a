//! Tests of the group lifecycle: every transition of the table, the policies, restart policies, deadlines, deletes.

use super::*;
use time::macros::datetime;

const T0: OffsetDateTime = datetime!(2026-11-27 22:00:00 UTC);

fn policy(kind: PolicyKind) -> Policy {
    Policy {
        kind,
        delays: Delays::default(),
        describes_per_step: 0,
    }
}

fn shape(restart_policy: RestartPolicy) -> Shape {
    Shape {
        init_containers: 1,
        containers: 2,
        restart_policy,
        active_deadline_seconds: None,
        exit: None,
        schedule_fails: false,
        pre_stop: vec![1],
        no_grace: false,
        jitter_seed: 7,
    }
}

fn manual_life_in(status: GroupStatus, restart_policy: RestartPolicy) -> Life {
    let mut life = Life::new(policy(PolicyKind::Manual), shape(restart_policy), T0);
    if status != Scheduling {
        life.set_status(status, T0);
    }
    life
}

/// Makes `trigger` happen the way the emulator makes it happen.
fn cause(life: &mut Life, trigger: Trigger) -> Result<(), NotAllowed> {
    match trigger {
        Scheduled | Started => {
            assert!(life.advance_one(T0));
            Ok(())
        }
        Completed => (0..2).try_for_each(|i| life.terminate_container(i, 0, T0)),
        Crashed => (0..2).try_for_each(|i| life.terminate_container(i, 3 * i32::from(i == 0), T0)),
        other => life.fire(other, T0),
    }
}

#[test]
fn every_row_of_the_transition_table_is_reachable() {
    for (from, trigger, to) in TRANSITIONS {
        let mut life = manual_life_in(*from, RestartPolicy::Never);
        cause(&mut life, *trigger).unwrap_or_else(|e| panic!("{from:?} {trigger:?}: {e:?}"));
        assert_eq!(life.status, *to, "{from:?} --{trigger:?}-->");
    }
}

#[test]
fn triggers_outside_the_table_are_refused() {
    let fired = [Unschedulable, Restart, Update, DeadlineExceeded, Reclaimed, Delete];
    for status in GroupStatus::ALL {
        for trigger in fired {
            let mut life = manual_life_in(*status, RestartPolicy::Always);
            let allowed = next(*status, trigger).is_some();
            assert_eq!(life.fire(trigger, T0).is_ok(), allowed, "{status:?} {trigger:?}");
            if !allowed {
                assert_eq!(life.status, *status);
            }
        }
    }
}

#[test]
fn the_time_policy_passes_each_stage_after_its_delay() {
    let mut life = Life::new(policy(PolicyKind::Time), shape(RestartPolicy::Always), T0);
    assert_eq!(life.status, Scheduling);
    assert!(
        !life.advance_to(T0 + Duration::milliseconds(49)),
        "no stage is shorter than delay - jitter"
    );
    life.advance_to(T0 + Duration::milliseconds(200));
    assert_eq!(life.status, Pending);
    life.advance_to(T0 + Duration::seconds(1));
    assert_eq!(life.status, Running);
    let started = life.started_at.unwrap();
    assert!(
        started > T0 + Duration::milliseconds(200) && started < T0 + Duration::milliseconds(400),
        "{started}"
    );
    let reasons: Vec<_> = life.events.iter().map(|e| e.reason.as_str()).collect();
    assert_eq!(reasons.first(), Some(&"Scheduled"));
    assert_eq!(
        reasons.iter().filter(|r| **r == "Started").count(),
        3,
        "the init container and both apps"
    );
    assert_eq!(
        life.containers[0].current.state,
        RunState::Terminated,
        "init container completed"
    );
    assert!(life.containers[1..].iter().all(ContainerLife::ready));
}

#[test]
fn the_same_seed_gives_the_same_timings() {
    let run = |seed| {
        let shape = Shape {
            jitter_seed: seed,
            ..shape(RestartPolicy::Always)
        };
        let mut life = Life::new(policy(PolicyKind::Time), shape, T0);
        life.advance_to(T0 + Duration::seconds(5));
        life.started_at
    };
    assert_eq!(run(1), run(1));
    assert_ne!(run(1), run(2));
}

#[test]
fn immediate_is_running_at_once_and_restart_comes_back_at_once() {
    let mut life = Life::new(policy(PolicyKind::Immediate), shape(RestartPolicy::Always), T0);
    assert_eq!(life.status, Running);
    life.fire(Restart, T0).unwrap();
    assert_eq!(life.status, Running);
    assert_eq!(life.containers[1].restart_count, 1);
    assert_eq!(life.containers[1].previous.map(|p| p.state), Some(RunState::Terminated));
}

#[test]
fn restart_policy_decides_what_a_container_exit_does() {
    let mut always = manual_life_in(Running, RestartPolicy::Always);
    always.terminate_container(0, 1, T0).unwrap();
    assert_eq!((always.status, always.containers[1].restart_count), (Running, 1));
    let mut on_failure = manual_life_in(Running, RestartPolicy::OnFailure);
    on_failure.terminate_container(0, 0, T0).unwrap();
    assert_eq!(on_failure.status, Running, "one container still runs");
    on_failure.terminate_container(1, 0, T0).unwrap();
    assert_eq!(on_failure.status, Succeeded);
    assert_eq!(on_failure.finished_at, Some(T0));
    let mut never = manual_life_in(Running, RestartPolicy::Never);
    never.terminate_container(1, 2, T0).unwrap();
    never.terminate_container(0, 0, T0).unwrap();
    assert_eq!(never.status, Failed);
    assert!(never.terminate_container(0, 0, T0).is_err(), "nothing runs any more");
}

#[test]
fn deadlines_and_scripted_exits_come_due_while_running() {
    let deadline = Shape {
        active_deadline_seconds: Some(30),
        ..shape(RestartPolicy::Always)
    };
    let mut life = Life::new(policy(PolicyKind::Immediate), deadline, T0);
    life.advance_to(T0 + Duration::seconds(29));
    assert_eq!(life.status, Running);
    life.advance_to(T0 + Duration::seconds(31));
    assert_eq!(
        (life.status, life.finished_at),
        (Failed, Some(T0 + Duration::seconds(30)))
    );
    assert_eq!(life.containers[1].current.reason, "DeadlineExceeded");

    let exits = Shape {
        exit: Some(ScriptedExit {
            after_ms: 5000,
            code: 0,
        }),
        ..shape(RestartPolicy::Never)
    };
    let mut life = Life::new(policy(PolicyKind::Immediate), exits, T0);
    life.advance_to(T0 + Duration::seconds(60));
    assert_eq!(
        (life.status, life.finished_at),
        (Succeeded, Some(T0 + Duration::seconds(5)))
    );
}

#[test]
fn manual_moves_by_describes_or_by_hand() {
    let mut manual = policy(PolicyKind::Manual);
    manual.describes_per_step = 2;
    let mut life = Life::new(manual, shape(RestartPolicy::Always), T0);
    assert!(!life.advance_to(T0 + Duration::days(1)), "time alone never moves it");
    assert!(!life.count_describe(T0));
    assert!(life.count_describe(T0));
    assert_eq!(life.status, Pending);
    assert!(life.advance_one(T0));
    assert_eq!(life.status, Running);
}

#[test]
fn a_deleted_group_terminates_then_is_gone() {
    let mut timed = Life::new(policy(PolicyKind::Time), shape(RestartPolicy::Always), T0);
    timed.advance_to(T0 + Duration::seconds(1));
    timed.fire(Delete, T0 + Duration::seconds(1)).unwrap();
    assert_eq!((timed.status, timed.gone), (Terminating, false));
    assert_eq!(timed.containers[1].current.state, RunState::Terminated);
    assert!(timed.events.iter().any(|e| e.reason == EventReason::Killing));
    timed.advance_to(T0 + Duration::seconds(2));
    assert!(timed.gone);
    let mut immediate = Life::new(policy(PolicyKind::Immediate), shape(RestartPolicy::Always), T0);
    immediate.fire(Delete, T0).unwrap();
    assert!(immediate.gone, "immediate passes Terminating at once");
    let mut manual = manual_life_in(Running, RestartPolicy::Always);
    manual.fire(Delete, T0).unwrap();
    assert!(!manual.gone);
    assert!(manual.advance_one(T0) && manual.gone);
}

#[test]
fn unschedulable_groups_end_schedule_failed_and_pre_stop_hooks_run_on_delete() {
    let failing = Shape {
        schedule_fails: true,
        ..shape(RestartPolicy::Always)
    };
    let immediate = Life::new(policy(PolicyKind::Immediate), failing.clone(), T0);
    assert_eq!(immediate.status, ScheduleFailed);
    assert_eq!(immediate.events[0].reason, EventReason::FailedScheduling);
    let mut timed = Life::new(policy(PolicyKind::Time), failing, T0);
    timed.advance_to(T0 + Duration::seconds(1));
    assert_eq!((timed.status, timed.finished_at.is_some()), (ScheduleFailed, true));

    let mut life = Life::new(policy(PolicyKind::Time), shape(RestartPolicy::Always), T0);
    life.advance_to(T0 + Duration::seconds(1));
    life.fire(Delete, T0 + Duration::seconds(1)).unwrap();
    let reasons: Vec<_> = life.events.iter().rev().take(3).map(|e| e.reason).collect();
    assert_eq!(
        reasons,
        [EventReason::Killing, EventReason::Killing, EventReason::PreStopHook]
    );
    let graceless = Shape {
        no_grace: true,
        ..shape(RestartPolicy::Always)
    };
    let mut life = Life::new(policy(PolicyKind::Time), graceless, T0);
    life.advance_to(T0 + Duration::seconds(1));
    life.fire(Delete, T0 + Duration::seconds(1)).unwrap();
    assert!(life.gone, "no grace period: gone at once");
}
