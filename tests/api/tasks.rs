//! Commits, O&M tasks, volume resizes and data-cache copies.

use crate::common::*;
use serde_json::json;

const REGION: (&str, &str) = ("RegionId", "cn-hangzhou");

#[tokio::test]
async fn commit_tasks_run_then_succeed() {
    let (app, clock) = app_with_policy(eci_emulator::lifecycle::machine::PolicyKind::Time);
    let id = create_group(&app, "committed", &[]).await;
    clock.advance(1);
    let commit = |container: &'static str| {
        let app = app.clone();
        let id = id.clone();
        async move {
            let pairs = [
                REGION,
                ("ContainerGroupId", id.as_str()),
                ("ContainerName", container),
                ("Image.Repository", "registry.example/app"),
                ("Image.Tag", "v2"),
            ];
            rpc_get(&app, "CommitContainer", &pairs).await
        }
    };
    let task = commit("app").await.json()["TaskId"].as_str().unwrap().to_owned();
    assert_eq!(commit("nope").await.status.as_u16(), 400);
    let no_tag = rpc_get(
        &app,
        "CommitContainer",
        &[
            REGION,
            ("ContainerGroupId", &id),
            ("ContainerName", "app"),
            ("Image.Repository", "r"),
        ],
    )
    .await;
    assert_eq!(no_tag.json()["Code"], "MissingParameter");
    let describe = |status: &'static str| {
        let app = app.clone();
        let id = id.clone();
        async move {
            let mut pairs = vec![REGION, ("ContainerGroupId", id.as_str())];
            if !status.is_empty() {
                pairs.push(("TaskStatus", status));
            }
            rpc_get(&app, "DescribeCommitContainerTask", &pairs).await.json()
        }
    };
    let running = describe("").await;
    assert_eq!(
        (
            running["TotalCount"].clone(),
            running["CommitTasks"][0]["TaskStatus"].clone()
        ),
        (json!(1), json!("Running"))
    );
    clock.advance(5);
    let done = describe("Succeeded").await;
    assert_eq!(done["CommitTasks"][0]["TaskId"], task.as_str());
    assert_eq!(done["CommitTasks"][0]["TaskProgress"], "100%");
    assert_eq!(done["CommitTasks"][0]["CommitPhaseInfos"].as_array().unwrap().len(), 2);
    // Both filters are optional, as documented: with neither, every task of the region.
    let neither = rpc_ok(&app, "DescribeCommitContainerTask", &[REGION]).await.json();
    assert_eq!(neither["CommitTasks"][0]["TaskId"], task.as_str());
    let stopped = create_group(&app, "stopped", &[]).await;
    let set = axum::http::Request::post(format!("/_emulator/container-groups/{stopped}/lifecycle"))
        .body(axum::body::Body::from(r#"{"action":"setStatus","status":"Succeeded"}"#))
        .unwrap();
    send(&app, set).await;
    let refused = rpc_get(
        &app,
        "CommitContainer",
        &[
            REGION,
            ("ContainerGroupId", &stopped),
            ("ContainerName", "app"),
            ("Image.Repository", "r"),
            ("Image.Tag", "t"),
        ],
    )
    .await;
    assert_eq!(
        (refused.status.as_u16(), refused.json()["Code"].clone()),
        (403, json!("IncorrectStatusDetail"))
    );
}

#[tokio::test]
async fn ops_tasks_check_their_value_and_leave_records() {
    let app = open_app();
    let id = create_group(&app, "debugged", &[]).await;
    let task = |kind: &'static str, value: &'static str| {
        let app = app.clone();
        let id = id.clone();
        async move {
            rpc_get(
                &app,
                "CreateInstanceOpsTask",
                &[
                    REGION,
                    ("ContainerGroupId", id.as_str()),
                    ("OpsType", kind),
                    ("OpsValue", value),
                ],
            )
            .await
        }
    };
    assert_eq!(task("coredump", "enable").await.json()["Result"], "Success");
    assert_eq!(
        task("tcpdump", r#"{"Enable":true,"Protocol":"tcp"}"#)
            .await
            .status
            .as_u16(),
        200
    );
    assert_eq!(
        task("coredump", "sometimes").await.json()["Code"],
        "Ops.OpsValueInvalid"
    );
    assert_eq!(
        task("tcpdump", r#"{"Protocol":"tcp"}"#).await.json()["Code"],
        "Tcpdump.InvalidValue"
    );
    assert_eq!(task("strace", "x").await.json()["Code"], "Ops.TypeNotSupport");
    let missing = rpc_get(
        &app,
        "CreateInstanceOpsTask",
        &[
            REGION,
            ("ContainerGroupId", "eci-x"),
            ("OpsType", "coredump"),
            ("OpsValue", "enable"),
        ],
    )
    .await;
    assert_eq!(missing.json()["Code"], "InvalidInstanceId.NotFound");
    let records = rpc_get(
        &app,
        "DescribeInstanceOpsRecords",
        &[REGION, ("ContainerGroupId", &id), ("OpsType", "coredump")],
    )
    .await
    .json();
    let rows = records["Records"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0]["OpsStatus"].clone(), rows[0]["ExpireTime"].clone()),
        (json!("Success"), json!("2026-12-04T22:00:00Z"))
    );
}

#[tokio::test]
async fn only_disk_volumes_resize_and_only_upwards() {
    let app = open_app();
    let id = create_group(
        &app,
        "disks",
        &[
            ("Volume.1.Name", "data"),
            ("Volume.1.Type", "FlexVolume"),
            ("Volume.1.FlexVolume.Driver", "alicloud/disk"),
            ("Volume.2.Name", "scratch"),
            ("Volume.2.Type", "EmptyDirVolume"),
        ],
    )
    .await;
    let resize = |volume: &'static str, size: &'static str| {
        let app = app.clone();
        let id = id.clone();
        async move {
            rpc_get(
                &app,
                "ResizeContainerGroupVolume",
                &[
                    REGION,
                    ("ContainerGroupId", id.as_str()),
                    ("VolumeName", volume),
                    ("NewSize", size),
                ],
            )
            .await
        }
    };
    assert_eq!(resize("data", "100").await.status.as_u16(), 200);
    let wrong = resize("scratch", "100").await;
    assert_eq!(
        (wrong.status.as_u16(), wrong.json()["Code"].clone()),
        (403, json!("InvalidVolumeType"))
    );
    assert_eq!(resize("data", "5").await.status.as_u16(), 400);
    assert_eq!(resize("nope", "100").await.status.as_u16(), 400);
}

#[tokio::test]
async fn data_caches_copy_to_another_region() {
    let app = open_app();
    let id = rpc_get(&app, "CreateDataCache", &[REGION, ("Path", "/models")])
        .await
        .json()["DataCacheId"]
        .as_str()
        .unwrap()
        .to_owned();
    let copied = rpc_ok(
        &app,
        "CopyDataCache",
        &[REGION, ("DataCacheId", &id), ("DestinationRegionId", "cn-beijing")],
    )
    .await;
    let copy_id = copied.json()["DataCacheId"].as_str().unwrap().to_owned();
    let there = rpc_get(&app, "DescribeDataCaches", &[("RegionId", "cn-beijing")])
        .await
        .json();
    assert_eq!(there["DataCaches"][0]["DataCacheId"], copy_id.as_str());
    assert_eq!(there["DataCaches"][0]["Path"], "/models");
    let again = rpc_get(
        &app,
        "CopyDataCache",
        &[REGION, ("DataCacheId", &id), ("DestinationRegionId", "cn-beijing")],
    )
    .await;
    assert_eq!(again.status.as_u16(), 400, "the path is taken there");
    let nowhere = rpc_get(
        &app,
        "CopyDataCache",
        &[REGION, ("DataCacheId", &id), ("DestinationRegionId", "mars-1")],
    )
    .await;
    assert_eq!(nowhere.json()["Code"], "InvalidRegionId");
}

#[tokio::test]
async fn documented_optional_parameters_are_optional_and_unknown_groups_are_refused_alike() {
    let (app, _clock) = open_app_with_clock();
    let id = create_group(&app, "logs", &[]).await;
    // DescribeContainerLog without RegionId: the region the group id names.
    let log = rpc_get(
        &app,
        "DescribeContainerLog",
        &[("ContainerGroupId", &id), ("ContainerName", "app")],
    )
    .await;
    assert_eq!(log.status.as_u16(), 200, "{}", log.text);
    assert_eq!(log.json()["ContainerName"], "app");
    let elsewhere = rpc_get(
        &app,
        "DescribeContainerLog",
        &[("ContainerGroupId", "eci-zz9nothing"), ("ContainerName", "app")],
    )
    .await;
    assert_eq!(
        elsewhere.json()["Code"],
        "InvalidParameter.NotFound",
        "{}",
        elsewhere.text
    );
    // UpdateDataCache names its cache by DataCacheId alone (it takes no Path), so it stays required.
    let update = rpc_get(&app, "UpdateDataCache", &[REGION, ("Size", "40")]).await;
    assert_eq!(update.json()["Code"], "MissingParameter", "{}", update.text);
    // An unknown group: DescribeInstanceOpsRecords answers as CreateInstanceOpsTask does.
    let pairs = [
        REGION,
        ("ContainerGroupId", "eci-bp1nothing"),
        ("OpsType", "coredump"),
        ("OpsValue", "enable"),
    ];
    let create = rpc_get(&app, "CreateInstanceOpsTask", &pairs).await;
    let records = rpc_get(&app, "DescribeInstanceOpsRecords", &pairs[..3]).await;
    assert_eq!(create.json()["Code"], "InvalidInstanceId.NotFound", "{}", create.text);
    assert_eq!(
        (records.status, records.json()["Code"].clone()),
        (create.status, create.json()["Code"].clone())
    );
}

#[tokio::test]
async fn giving_a_default_explicitly_is_no_change() {
    let (app, _clock) = open_app_with_clock();
    for (name, created_with) in [("implicit", None), ("explicit", Some("Always"))] {
        let extra: Vec<(&str, &str)> = created_with.map(|p| ("RestartPolicy", p)).into_iter().collect();
        let id = create_group(&app, name, &extra).await;
        let update = rpc_get(
            &app,
            "UpdateContainerGroup",
            &[REGION, ("ContainerGroupId", &id), ("RestartPolicy", "Always")],
        )
        .await;
        assert_eq!(
            update.json()["Code"],
            "NoNeedUpdate",
            "created {name}ly: {}",
            update.text
        );
    }
}
