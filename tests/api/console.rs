//! Logs, exec and regions through the app: derived and scripted content, the documented options.

use crate::common::*;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::json;

const REGION: (&str, &str) = ("RegionId", "cn-hangzhou");

async fn script(app: &axum::Router, id: &str, body: serde_json::Value) -> Reply {
    let request = Request::post(format!("/_emulator/container-groups/{id}/lifecycle"))
        .body(Body::from(body.to_string()))
        .unwrap();
    send(app, request).await
}

#[tokio::test]
async fn logs_are_derived_or_scripted_and_honour_tail_limit_and_timestamps() {
    let app = open_app();
    let id = create_group(&app, "logged", &[]).await;
    let log = |extra: Vec<(&'static str, &'static str)>| {
        let app = app.clone();
        let id = id.clone();
        async move {
            let mut pairs = vec![REGION, ("ContainerGroupId", id.as_str()), ("ContainerName", "app")];
            pairs.extend(extra);
            rpc_get(&app, "DescribeContainerLog", &pairs).await
        }
    };
    let derived = log(vec![]).await.json();
    assert_eq!(derived["ContainerName"], "app");
    assert_eq!(derived["Content"], "container app started from image nginx:1.25\n");
    let set = script(
        &app,
        &id,
        json!({"action": "setLog", "container": "app", "text": "one\ntwo\nthree"}),
    )
    .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.text);
    assert_eq!(log(vec![]).await.json()["Content"], "one\ntwo\nthree\n");
    assert_eq!(log(vec![("Tail", "2")]).await.json()["Content"], "two\nthree\n");
    assert_eq!(log(vec![("LimitBytes", "5")]).await.json()["Content"], "one\nt");
    let stamped = log(vec![("Tail", "1"), ("Timestamps", "true")]).await.json();
    assert_eq!(stamped["Content"], format!("{NOW_TEXT} three\n"));
    assert_eq!(log(vec![("Tail", "-1")]).await.status.as_u16(), 400);
    let missing = rpc_get(
        &app,
        "DescribeContainerLog",
        &[REGION, ("ContainerGroupId", &id), ("ContainerName", "nope")],
    )
    .await;
    assert_eq!(
        (missing.status.as_u16(), missing.json()["Code"].clone()),
        (404, json!("InvalidParameter.NotFound"))
    );
}

#[tokio::test]
async fn exec_answers_sync_echo_scripted_replies_or_a_websocket_uri() {
    let app = open_app();
    let id = create_group(&app, "exec", &[]).await;
    let exec = |command: &'static str, sync: &'static str| {
        let app = app.clone();
        let id = id.clone();
        async move {
            let pairs = [
                REGION,
                ("ContainerGroupId", id.as_str()),
                ("ContainerName", "app"),
                ("Command", command),
                ("Sync", sync),
            ];
            rpc_get(&app, "ExecContainerCommand", &pairs).await
        }
    };
    let echoed = exec(r#"["/bin/sh","-c","echo hello world"]"#, "true").await.json();
    assert_eq!(echoed["SyncResponse"], "hello world\n");
    script(
        &app,
        &id,
        json!({"action": "setExecReply", "container": "app", "reply": "scripted\n"}),
    )
    .await;
    assert_eq!(exec(r#"["ls"]"#, "true").await.json()["SyncResponse"], "scripted\n");
    let interactive = exec(r#"["bash"]"#, "false").await.json();
    assert!(
        interactive["WebSocketUri"]
            .as_str()
            .unwrap()
            .starts_with("ws://127.0.0.1:8080/_emulator/exec/"),
        "{interactive}"
    );
    assert_eq!(exec("ls", "true").await.status.as_u16(), 400, "not a JSON array");
    script(&app, &id, json!({"action": "setStatus", "status": "Succeeded"})).await;
    let ended = exec(r#"["ls"]"#, "true").await;
    assert_eq!(
        (ended.status.as_u16(), ended.json()["Code"].clone()),
        (400, json!("IncorrectStatus"))
    );
}

#[tokio::test]
async fn regions_come_from_the_regions_fixture() {
    let app = open_app();
    let all = rpc_get(&app, "DescribeRegions", &[]).await.json();
    let regions = all["Regions"].as_array().unwrap();
    assert!(regions.len() > 10);
    let hangzhou = regions.iter().find(|r| r["RegionId"] == "cn-hangzhou").unwrap();
    assert_eq!(hangzhou["RegionEndpoint"], "eci.aliyuncs.com");
    assert!(hangzhou["Zones"].as_array().unwrap().contains(&json!("cn-hangzhou-b")));
    let one = rpc_get(&app, "DescribeRegions", &[("RegionId", "cn-beijing")])
        .await
        .json();
    assert_eq!(one["Regions"].as_array().unwrap().len(), 1);
    let bad = rpc_get(&app, "DescribeRegions", &[("RegionId", "mars-1")]).await;
    assert_eq!(bad.json()["Code"], "InvalidRegionId");
}
