//! Groups moving through their statuses: the policies, the side API that drives them, restart,
//! update, events, restart policies and deadlines, on the emulator's clock.

use crate::common::*;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use eci_emulator::lifecycle::machine::PolicyKind;
use serde_json::{json, Value};

const REGION: (&str, &str) = ("RegionId", "cn-hangzhou");

fn app_with(kind: PolicyKind) -> (Router, std::sync::Arc<eci_emulator::util::VirtualClock>) {
    app_with_policy(kind)
}

async fn group(app: &Router, id: &str) -> Value {
    let ids = format!("[\"{id}\"]");
    let reply = rpc_get(
        app,
        "DescribeContainerGroups",
        &[REGION, ("ContainerGroupIds", &ids), ("WithEvent", "true")],
    )
    .await;
    reply.json()["ContainerGroups"][0].clone()
}

async fn status(app: &Router, id: &str) -> String {
    group(app, id).await["Status"].as_str().unwrap_or("gone").to_owned()
}

async fn drive(app: &Router, id: &str, body: Value) -> Reply {
    let request = Request::post(format!("/_emulator/container-groups/{id}/lifecycle"))
        .body(Body::from(body.to_string()))
        .unwrap();
    send(app, request).await
}

#[tokio::test]
async fn the_time_policy_shows_each_stage_then_running() {
    let (app, clock) = app_with(PolicyKind::Time);
    let id = create_group(&app, "timed", &[]).await;
    assert_eq!(status(&app, &id).await, "Scheduling");
    let pending = rpc_get(&app, "DescribeContainerGroups", &[REGION, ("Status", "Scheduling")]).await;
    assert_eq!(pending.json()["TotalCount"], 1, "the status index follows");
    clock.advance(1);
    let g = group(&app, &id).await;
    assert_eq!(g["Status"], "Running");
    assert_eq!(g["Containers"][0]["CurrentState"]["State"], "Running");
    assert_eq!(g["Containers"][0]["Ready"], true);
    let reasons: Vec<&str> = g["Events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["Reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["Scheduled", "Pulling", "Pulled", "Created", "Started"]);
    let running = rpc_get(&app, "DescribeContainerGroups", &[REGION, ("Status", "Running")]).await;
    assert_eq!(running.json()["TotalCount"], 1);
}

#[tokio::test]
async fn manual_groups_move_by_the_side_api_or_after_describes() {
    let (app, clock) = app_with(PolicyKind::Manual);
    let id = create_group(&app, "held", &[]).await;
    clock.advance(3600);
    assert_eq!(status(&app, &id).await, "Scheduling", "time alone never moves it");
    let moved = drive(&app, &id, json!({"action": "advance"})).await;
    assert_eq!(
        (moved.status, moved.json()["status"].clone()),
        (StatusCode::OK, json!("Pending"))
    );
    drive(&app, &id, json!({"action": "advance"})).await;
    assert_eq!(status(&app, &id).await, "Running");

    let tags = [
        ("Tag.1.Key", "emulator.lifecycle/describes-per-step"),
        ("Tag.1.Value", "2"),
    ];
    let counted = create_group(&app, "counted", &tags).await;
    let seen: Vec<String> = futures_statuses(&app, &counted, 4).await;
    assert_eq!(seen, ["Scheduling", "Scheduling", "Pending", "Pending"]);
}

async fn futures_statuses(app: &Router, id: &str, n: usize) -> Vec<String> {
    let mut seen = Vec::new();
    for _ in 0..n {
        seen.push(status(app, id).await);
    }
    seen
}

#[tokio::test]
async fn the_side_api_sets_statuses_terminates_containers_and_reclaims_spot() {
    let (app, _) = app_with(PolicyKind::Immediate);
    let id = create_group(&app, "driven", &[("RestartPolicy", "Never")]).await;
    let ended = drive(
        &app,
        &id,
        json!({"action": "terminate", "container": "app", "exitCode": 3}),
    )
    .await;
    assert_eq!(ended.json()["status"], "Failed", "{}", ended.text);
    let g = group(&app, &id).await;
    assert_eq!(g["Containers"][0]["CurrentState"]["ExitCode"], 3);
    assert_eq!(g["Containers"][0]["CurrentState"]["State"], "Terminated");
    assert_eq!(g["FailedTime"], NOW_TEXT);
    let status_rows = rpc_get(&app, "DescribeContainerGroupStatus", &[REGION]).await.json();
    assert_eq!(status_rows["Data"][0]["PodStatus"]["Phase"], "Failed");
    assert_eq!(
        status_rows["Data"][0]["PodStatus"]["ContainerStatuses"][0]["State"]["Terminated"]["ExitCode"],
        3
    );

    let spot = create_group(&app, "spot", &[("SpotStrategy", "SpotAsPriceGo")]).await;
    assert_eq!(
        drive(&app, &spot, json!({"action": "reclaim"})).await.json()["status"],
        "Expired"
    );
    assert_eq!(group(&app, &spot).await["ExpiredTime"], NOW_TEXT);
    assert_eq!(
        drive(&app, &spot, json!({"action": "reclaim"})).await.status,
        StatusCode::CONFLICT
    );
    let set = drive(&app, &spot, json!({"action": "setStatus", "status": "Running"})).await;
    assert_eq!(set.json()["status"], "Running");
    let bad = [
        (
            json!({"action": "setStatus", "status": "Sleeping"}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"action": "terminate", "container": "nope", "exitCode": 1}),
            StatusCode::NOT_FOUND,
        ),
        (json!({"action": "explode"}), StatusCode::BAD_REQUEST),
    ];
    for (body, code) in bad {
        assert_eq!(drive(&app, &spot, body.clone()).await.status, code, "{body}");
    }
    assert_eq!(
        drive(&app, "eci-missing", json!({"action": "advance"})).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn restart_counts_and_is_refused_outside_pending_and_running() {
    let (app, clock) = app_with(PolicyKind::Time);
    let id = create_group(&app, "restarted", &[]).await;
    let pairs = [REGION, ("ContainerGroupId", id.as_str())];
    let restart = || rpc_get(&app, "RestartContainerGroup", &pairs);
    let refused = restart().await;
    assert_eq!(
        (refused.status.as_u16(), refused.json()["Code"].clone()),
        (400, json!("IncorrectStatus"))
    );
    assert!(refused.json()["Message"].as_str().unwrap().contains("Scheduling"));
    clock.advance(1);
    assert_eq!(restart().await.status, StatusCode::OK);
    assert_eq!(status(&app, &id).await, "Restarting");
    clock.advance(1);
    let g = group(&app, &id).await;
    assert_eq!(g["Status"], "Running");
    assert_eq!(g["Containers"][0]["RestartCount"], 1);
    assert_eq!(g["Containers"][0]["PreviousState"]["State"], "Terminated");
    let missing = rpc_get(
        &app,
        "RestartContainerGroup",
        &[REGION, ("ContainerGroupId", "eci-nope")],
    )
    .await;
    assert_eq!(missing.status.as_u16(), 404);
}

#[tokio::test]
async fn update_renews_or_merges_and_refuses_no_change() {
    let (app, _) = app_with(PolicyKind::Immediate);
    let id = create_group(
        &app,
        "updated",
        &[("Container.2.Name", "side"), ("Container.2.Image", "busybox")],
    )
    .await;
    let update = |pairs: Vec<(&'static str, &'static str)>| {
        let app = app.clone();
        let id = id.clone();
        async move {
            let mut all = vec![REGION, ("ContainerGroupId", id.as_str())];
            all.extend(pairs);
            rpc_get(&app, "UpdateContainerGroup", &all).await
        }
    };
    let merged = update(vec![
        ("UpdateType", "IncrementalUpdate"),
        ("Container.1.Name", "app"),
        ("Container.1.Image", "nginx:1.27"),
    ])
    .await;
    assert_eq!(merged.status, StatusCode::OK, "{}", merged.text);
    let g = group(&app, &id).await;
    let images: Vec<&str> = g["Containers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["Image"].as_str().unwrap())
        .collect();
    assert_eq!(images, ["nginx:1.27", "busybox"]);
    assert_eq!(g["Status"], "Running");
    assert!(g["Events"].as_array().unwrap().iter().any(|e| e["Reason"] == "Updated"));
    let renewed = update(vec![("Container.1.Name", "only"), ("Container.1.Image", "redis")]).await;
    assert_eq!(renewed.status, StatusCode::OK);
    assert_eq!(group(&app, &id).await["Containers"].as_array().unwrap().len(), 1);
    let same = update(vec![("Container.1.Name", "only"), ("Container.1.Image", "redis")]).await;
    assert_eq!(
        (same.status.as_u16(), same.json()["Code"].clone()),
        (400, json!("NoNeedUpdate"))
    );
    let bad = update(vec![("UpdateType", "Sideways")]).await;
    assert_eq!(bad.status.as_u16(), 400);
    let policy = update(vec![("RestartPolicy", "Never")]).await;
    assert_eq!(policy.status, StatusCode::OK);
    assert_eq!(group(&app, &id).await["RestartPolicy"], "Never");
}

#[tokio::test]
async fn events_list_per_group_with_source_and_age_filters() {
    let (app, clock) = app_with(PolicyKind::Immediate);
    let id = create_group(&app, "eventful", &[]).await;
    clock.advance(600);
    rpc_get(&app, "RestartContainerGroup", &[REGION, ("ContainerGroupId", &id)]).await;
    let all = rpc_get(&app, "DescribeContainerGroupEvents", &[REGION]).await.json();
    assert_eq!(all["TotalCount"], 1);
    let item = &all["Data"][0];
    assert_eq!(item["ContainerGroupId"], id.as_str());
    let events = item["Events"].as_array().unwrap();
    assert_eq!(events.len(), 5 + 2, "start, then Killing and Started");
    assert_eq!(events[0]["involvedObject"]["Kind"], "Pod");
    let recent = rpc_get(&app, "DescribeContainerGroupEvents", &[REGION, ("SinceSecond", "60")])
        .await
        .json();
    let reasons: Vec<&str> = recent["Data"][0]["Events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["Reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["Killing", "Started"]);
    let service = rpc_get(
        &app,
        "DescribeContainerGroupEvents",
        &[REGION, ("EventSource", "EciService")],
    )
    .await
    .json();
    assert_eq!(
        service["Data"][0]["Events"].as_array().unwrap().len(),
        1,
        "only Scheduled"
    );
    let bad = rpc_get(&app, "DescribeContainerGroupEvents", &[REGION, ("EventSource", "Me")]).await;
    assert_eq!(bad.status.as_u16(), 400);
}

#[tokio::test]
async fn scripted_exits_and_deadlines_end_groups_by_restart_policy() {
    let (app, clock) = app_with(PolicyKind::Immediate);
    let job = [
        ("RestartPolicy", "Never"),
        ("Tag.1.Key", "emulator.lifecycle/exit-after-ms"),
        ("Tag.1.Value", "5000"),
    ];
    let done = create_group(&app, "job", &job).await;
    let deadline = create_group(&app, "deadline", &[("ActiveDeadlineSeconds", "30")]).await;
    let crashing = [
        ("RestartPolicy", "OnFailure"),
        ("Tag.1.Key", "emulator.lifecycle/exit-after-ms"),
        ("Tag.1.Value", "1000"),
        ("Tag.2.Key", "emulator.lifecycle/exit-code"),
        ("Tag.2.Value", "1"),
    ];
    let restarted = create_group(&app, "crash", &crashing).await;
    clock.advance(60);
    let g = group(&app, &done).await;
    assert_eq!(
        (g["Status"].clone(), g["SucceededTime"].clone()),
        (json!("Succeeded"), json!("2026-11-27T22:00:05Z"))
    );
    assert_eq!(status(&app, &deadline).await, "Failed");
    let g = group(&app, &restarted).await;
    assert_eq!(
        (g["Status"].clone(), g["Containers"][0]["RestartCount"].clone()),
        (json!("Running"), json!(1))
    );
    let bad = rpc_get(
        &app,
        "CreateContainerGroup",
        &[
            REGION,
            ("ContainerGroupName", "bad"),
            ("Container.1.Name", "a"),
            ("Container.1.Image", "nginx"),
            ("Tag.1.Key", "emulator.lifecycle/policy"),
            ("Tag.1.Value", "slow"),
        ],
    )
    .await;
    assert_eq!(bad.status.as_u16(), 400);
    assert!(bad.json()["Message"].as_str().unwrap().contains("Tag.1"));
}

#[tokio::test]
async fn delete_passes_terminating_and_frees_the_address_when_gone() {
    let (app, clock) = app_with(PolicyKind::Time);
    let id = create_group(&app, "leaving", &[]).await;
    let forced = create_group(&app, "forced", &[]).await;
    clock.advance(1);
    let delete = |id: String, force: &'static str| {
        let app = app.clone();
        async move {
            rpc_get(
                &app,
                "DeleteContainerGroup",
                &[REGION, ("ContainerGroupId", id.as_str()), ("Force", force)],
            )
            .await
        }
    };
    assert_eq!(delete(id.clone(), "false").await.status, StatusCode::OK);
    let g = group(&app, &id).await;
    assert_eq!(g["Status"], "Terminating");
    assert_eq!(g["Containers"][0]["CurrentState"]["State"], "Terminated");
    assert!(g["Events"].as_array().unwrap().iter().any(|e| e["Reason"] == "Killing"));
    assert_eq!(
        delete(id.clone(), "false").await.status,
        StatusCode::OK,
        "deleting a terminating group again is fine"
    );
    assert_eq!(delete(forced.clone(), "true").await.status, StatusCode::OK);
    assert_eq!(status(&app, &forced).await, "gone", "Force removes at once");
    assert_eq!(
        addresses_in_use(&app, None).await,
        1,
        "the terminating group still holds its address"
    );
    clock.advance(1);
    assert_eq!(status(&app, &id).await, "gone");
    assert_eq!(addresses_in_use(&app, None).await, 0);
    assert_eq!(delete(id, "false").await.status.as_u16(), 404);
}

#[tokio::test]
async fn ended_groups_are_kept_an_hour_then_only_the_newest_hundred() {
    let (app, clock) = app_with(PolicyKind::Immediate);
    let job = [
        ("RestartPolicy", "Never"),
        ("Tag.1.Key", "emulator.lifecycle/exit-after-ms"),
        ("Tag.1.Value", "0"),
    ];
    let mut first = String::new();
    for i in 0..103 {
        let id = create_group(&app, &format!("job-{i}"), &job).await;
        if i == 0 {
            first = id;
        }
        clock.advance(1);
    }
    let total = |status: &'static str| {
        let app = app.clone();
        async move {
            rpc_get(&app, "DescribeContainerGroups", &[REGION, ("Status", status)])
                .await
                .json()["TotalCount"]
                .clone()
        }
    };
    assert_eq!(total("Succeeded").await, 103, "all kept within the hour");
    clock.advance(3600);
    assert_eq!(total("Succeeded").await, 100, "then the newest 100");
    assert_eq!(status(&app, &first).await, "gone");
    assert_eq!(
        addresses_in_use(&app, None).await,
        100,
        "removed groups gave their addresses back"
    );
}

#[tokio::test]
async fn a_group_tagged_to_fail_scheduling_ends_schedule_failed() {
    let (app, clock) = app_with(PolicyKind::Time);
    let tags = [("Tag.1.Key", "emulator.lifecycle/schedule"), ("Tag.1.Value", "fail")];
    let id = create_group(&app, "nowhere", &tags).await;
    assert_eq!(status(&app, &id).await, "Scheduling");
    clock.advance(1);
    let g = group(&app, &id).await;
    assert_eq!(g["Status"], "ScheduleFailed");
    assert_eq!(g["Events"][0]["Reason"], "FailedScheduling");
    assert_eq!(g["Events"][0]["Type"], "Warning");
}
