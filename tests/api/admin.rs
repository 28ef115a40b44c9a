//! The side API under `/_emulator`.

use crate::common::*;
use axum::body::Body;
use axum::http::{Request, StatusCode};

#[tokio::test]
async fn health_answers_get_and_head() {
    let app = open_app();
    let reply = send(&app, Request::get("/_emulator/health").body(Body::empty()).unwrap()).await;
    assert_eq!(reply.status, StatusCode::OK);
    let body = reply.json();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    assert!(body["uptimeSeconds"].as_f64().unwrap() >= 0.0);
    let head = send(&app, Request::head("/_emulator/health").body(Body::empty()).unwrap()).await;
    assert_eq!((head.status, head.text.as_str()), (StatusCode::OK, ""));
}

#[tokio::test]
async fn state_dumps_and_reset_drops_everything() {
    let app = open_app();
    let id = create_group(&app, "kept", &[]).await;
    let state = send(&app, Request::get("/_emulator/state").body(Body::empty()).unwrap())
        .await
        .json();
    let partition = &state["partitions"][0];
    assert_eq!(partition["account"], "AK-TEST");
    assert_eq!(partition["regionId"], "cn-hangzhou");
    assert_eq!(partition["containerGroups"][0]["ContainerGroupId"], id.as_str());
    let network = &state["networks"][0];
    assert_eq!(network["regionId"], "cn-hangzhou");
    let vpc = network["defaultVpcId"].as_str().unwrap();
    assert_eq!(network["vpcs"][vpc]["cidrBlock"], "172.16.0.0/12");
    assert_eq!(network["vSwitches"][0]["ipsInUse"], 1);
    let reset = send(&app, Request::post("/_emulator/reset").body(Body::empty()).unwrap()).await;
    assert_eq!(reset.status, StatusCode::OK);
    let state = send(&app, Request::get("/_emulator/state").body(Body::empty()).unwrap())
        .await
        .json();
    assert_eq!(state["partitions"], serde_json::json!([]));
    assert_eq!(state["networks"], serde_json::json!([]));
    let list = rpc_get(&app, "DescribeContainerGroups", &[("RegionId", "cn-hangzhou")]).await;
    assert_eq!(list.json()["TotalCount"], 0);
}

#[tokio::test]
async fn the_state_dump_streams_every_group_in_creation_order_across_pages() {
    let app = open_app();
    let mut created = Vec::new();
    for i in 0..600 {
        created.push(create_group(&app, &format!("dump-{i}"), &[]).await);
    }
    let state = send(&app, Request::get("/_emulator/state").body(Body::empty()).unwrap()).await;
    assert_eq!(state.content_type, "application/json");
    let state = state.json();
    let partitions = state["partitions"].as_array().unwrap();
    let listed: Vec<&str> = partitions
        .iter()
        .flat_map(|p| p["containerGroups"].as_array().unwrap())
        .map(|g| g["ContainerGroupId"].as_str().unwrap())
        .collect();
    assert_eq!(listed, created.iter().map(String::as_str).collect::<Vec<_>>());
    let in_use: u64 = state["networks"][0]["vSwitches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["ipsInUse"].as_u64().unwrap())
        .sum();
    assert_eq!(in_use, 600);
    assert!(state["accounts"].is_array());
}

#[tokio::test]
async fn the_dashboard_and_what_it_reads_are_served() {
    let app = open_app();
    let ui = send(&app, Request::get("/_emulator/ui").body(Body::empty()).unwrap()).await;
    assert_eq!(ui.status, StatusCode::OK);
    assert!(ui.content_type.starts_with("text/html"), "{}", ui.content_type);
    assert!(ui.text.contains("<title>eci-emulator</title>"));
    let ids: Vec<String> = futures_ids(&app, 3).await;
    let partitions = send(&app, Request::get("/_emulator/partitions").body(Body::empty()).unwrap()).await;
    assert_eq!(partitions.json()["partitions"][0]["groups"], 3);
    let first = send(
        &app,
        Request::get("/_emulator/groups?account=AK-TEST&region=cn-hangzhou&limit=2")
            .body(Body::empty())
            .unwrap(),
    )
    .await
    .json();
    assert_eq!(
        (first["total"].clone(), first["groups"][0]["id"].clone()),
        (serde_json::json!(3), serde_json::json!(ids[2]))
    );
    let next = first["next"].as_str().unwrap();
    let rest = send(
        &app,
        Request::get(format!(
            "/_emulator/groups?account=AK-TEST&region=cn-hangzhou&limit=2&next={next}"
        ))
        .body(Body::empty())
        .unwrap(),
    )
    .await
    .json();
    assert_eq!(rest["groups"][0]["id"], ids[0].as_str());
    let bad = send(
        &app,
        Request::get("/_emulator/groups?account=AK-TEST&region=cn-hangzhou&next=junk")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let one = send(
        &app,
        Request::get(format!("/_emulator/groups/{}", ids[1]))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(one.json()["group"]["ContainerGroupId"], ids[1].as_str());
    assert!(one.json()["group"]["Events"].as_array().is_some_and(|e| !e.is_empty()));
    let calls = send(
        &app,
        Request::get("/_emulator/calls?after=1").body(Body::empty()).unwrap(),
    )
    .await;
    let listed = calls.json()["calls"].as_array().cloned().unwrap_or_default();
    assert_eq!(listed.len(), 2, "three creates, numbered from 1");
    assert_eq!(listed[0]["action"], "CreateContainerGroup");
}

async fn futures_ids(app: &axum::Router, n: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for i in 0..n {
        ids.push(create_group(app, &format!("shown-{i}"), &[]).await);
    }
    ids
}
