//! Fault rules and rate limits through the app: the side API, scoping, counting, phases, zone
//! refusal, group tags, broken connections and `Throttling.User`.

use crate::common::*;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use eci_emulator::faults::throttle::Limit;
use eci_emulator::server::{AppOptions, FAULT_HEADER, RETRY_AFTER_HEADER};
use eci_emulator::util::VirtualClock;
use eci_emulator::{app, AppState};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use std::sync::Arc;
use tower::ServiceExt;

const REGION: (&str, &str) = ("RegionId", "cn-hangzhou");

fn app_with(clock: Arc<VirtualClock>, options: AppOptions) -> Router {
    app(AppState::new(AppOptions {
        clock,
        seed: Some(7),
        ..options
    })
    .unwrap())
}

async fn add_rule(app: &Router, rule: Value) -> String {
    let reply = post_json(app, "/_emulator/faults", &rule).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    reply.json()["id"].as_str().unwrap().to_owned()
}

async fn post_json(app: &Router, path: &str, body: &Value) -> Reply {
    let request = Request::post(path).body(Body::from(body.to_string())).unwrap();
    send(app, request).await
}

async fn list_rules(app: &Router) -> Value {
    send(app, Request::get("/_emulator/faults").body(Body::empty()).unwrap())
        .await
        .json()
}

/// The status, the fault header and the body of a call whose body may break off.
async fn raw_call(app: &Router, action: &str, pairs: &[(&str, &str)]) -> (u16, Option<String>, Result<String, String>) {
    raw_call_as(app, "AK-TEST", action, pairs).await
}

async fn raw_call_as(
    app: &Router,
    access_key_id: &str,
    action: &str,
    pairs: &[(&str, &str)],
) -> (u16, Option<String>, Result<String, String>) {
    let mut all = vec![
        ("Action", action),
        ("Version", "2018-08-08"),
        ("AccessKeyId", access_key_id),
    ];
    all.extend_from_slice(pairs);
    let request = Request::get(format!("/?{}", query_of(&all)))
        .body(Body::empty())
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let header = response
        .headers()
        .get(FAULT_HEADER)
        .map(|v| v.to_str().unwrap().to_owned());
    let body = match response.into_body().collect().await {
        Ok(bytes) => Ok(String::from_utf8_lossy(&bytes.to_bytes()).into_owned()),
        Err(e) => Err(e.to_string()),
    };
    (status, header, body)
}

async fn group_count(app: &Router) -> u64 {
    let reply = rpc_get(app, "DescribeContainerGroups", &[REGION]).await;
    reply.json()["TotalCount"].as_u64().unwrap()
}

#[tokio::test]
async fn rules_are_added_listed_and_removed_through_the_side_api() {
    let app = open_app();
    let id = add_rule(
        &app,
        json!({"action": "ListUsage", "code": "InternalError", "times": 3}),
    )
    .await;
    let listed = list_rules(&app).await;
    let rule = &listed["rules"][0];
    assert_eq!(rule["id"], id.as_str());
    assert_eq!((rule["hits"].clone(), rule["remaining"].clone()), (json!(0), json!(3)));
    assert_eq!(
        (rule["origin"].clone(), rule["active"].clone()),
        (json!("api"), json!(true))
    );
    let reply = rpc_get(&app, "ListUsage", &[REGION]).await;
    assert_error(
        &reply,
        500,
        "InternalError",
        "The request processing has failed due to some unknown error, exception or failure.",
    );
    assert_eq!(list_rules(&app).await["rules"][0]["remaining"], 2);
    let delete = |path: String| Request::delete(path).body(Body::empty()).unwrap();
    assert_eq!(
        send(&app, delete(format!("/_emulator/faults/{id}"))).await.status,
        StatusCode::OK
    );
    assert_eq!(
        send(&app, delete(format!("/_emulator/faults/{id}"))).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(rpc_get(&app, "ListUsage", &[REGION]).await.status, StatusCode::OK);
    add_rule(&app, json!({"code": "InternalError"})).await;
    add_rule(&app, json!({"latencyMs": 1})).await;
    assert_eq!(
        send(&app, delete("/_emulator/faults".into())).await.status,
        StatusCode::OK
    );
    assert_eq!(list_rules(&app).await["rules"], json!([]));
}

#[tokio::test]
async fn bad_rules_are_refused_with_the_reason() {
    let app = open_app();
    let cases = [
        (
            json!({"action": "CreateContainerGroup", "code": "No.Such.Code"}),
            "not in the error catalogue",
        ),
        (json!({"code": "InternalError", "probability": 2}), "probability"),
        (json!({"code": "InternalError", "colour": "red"}), "unknown field"),
    ];
    for (rule, why) in cases {
        let reply = post_json(&app, "/_emulator/faults", &rule).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{rule}");
        assert!(reply.json()["error"].as_str().unwrap().contains(why), "{}", reply.text);
    }
    let junk = send(&app, Request::post("/_emulator/faults").body(Body::from("{")).unwrap()).await;
    assert_eq!(junk.status, StatusCode::BAD_REQUEST);
    assert_eq!(list_rules(&app).await["rules"], json!([]));
}

#[tokio::test]
async fn after_skips_times_limits_and_the_header_names_the_rule() {
    let app = open_app();
    let id = add_rule(
        &app,
        json!({"action": "ListUsage", "code": "ServiceUnavailable", "after": 1, "times": 2}),
    )
    .await;
    let mut seen = Vec::new();
    for _ in 0..4 {
        let (status, header, _) = raw_call(&app, "ListUsage", &[REGION]).await;
        seen.push((status, header));
    }
    let fired = Some(id.clone());
    assert_eq!(seen, [(200, None), (503, fired.clone()), (503, fired), (200, None)]);
    let rule = &list_rules(&app).await["rules"][0];
    assert_eq!((rule["matched"].clone(), rule["hits"].clone()), (json!(3), json!(2)));
    assert_eq!(rule["active"], false);
}

#[tokio::test]
async fn ttl_ends_a_rule_on_the_emulator_clock() {
    let clock = Arc::new(VirtualClock::frozen_at_unix(NOW));
    let app = app_with(clock.clone(), AppOptions::default());
    add_rule(
        &app,
        json!({"action": "ListUsage", "code": "InternalError", "ttlSeconds": 60}),
    )
    .await;
    assert_eq!(rpc_get(&app, "ListUsage", &[REGION]).await.status.as_u16(), 500);
    clock.advance(59);
    assert_eq!(rpc_get(&app, "ListUsage", &[REGION]).await.status.as_u16(), 500);
    clock.advance(1);
    assert_eq!(rpc_get(&app, "ListUsage", &[REGION]).await.status.as_u16(), 200);
    assert_eq!(list_rules(&app).await["rules"][0]["expiresAt"], "2026-11-27T22:01:00Z");
}

#[tokio::test]
async fn region_key_and_parameter_scopes_pick_the_calls() {
    let app = open_app();
    let rule = json!({"action": "CreateContainerGroup", "regionId": "cn-hangzhou", "accessKeyId": "AK-TEST",
        "match": {"ContainerGroupName": "^batch-", "Container.*.Image": "nginx"}, "code": "QuotaExceeded"});
    add_rule(&app, rule).await;
    let create = |name: &'static str, region: &'static str| {
        let app = app.clone();
        async move {
            let pairs = [
                ("RegionId", region),
                ("ContainerGroupName", name),
                ("Container.1.Name", "app"),
                ("Container.1.Image", "nginx:1.25"),
            ];
            rpc_get(&app, "CreateContainerGroup", &pairs).await
        }
    };
    assert_error(
        &create("batch-1", "cn-hangzhou").await,
        403,
        "QuotaExceeded",
        "ContainerGroup quota exceeded.",
    );
    assert_eq!(create("web-1", "cn-hangzhou").await.status, StatusCode::OK);
    assert_eq!(create("batch-2", "cn-beijing").await.status, StatusCode::OK);
    let pairs = [
        REGION,
        ("ContainerGroupName", "batch-3"),
        ("Container.1.Name", "a"),
        ("Container.1.Image", "nginx"),
    ];
    assert_eq!(
        raw_call_as(&app, "AK-OTHER", "CreateContainerGroup", &pairs).await.0,
        200
    );
    assert_eq!(
        raw_call_as(&app, "AK-TEST", "CreateContainerGroup", &pairs).await.0,
        403
    );
}

#[tokio::test]
async fn phase_after_takes_effect_though_the_client_sees_the_error() {
    let app = open_app();
    add_rule(
        &app,
        json!({"action": "CreateContainerGroup", "code": "ServiceUnavailable", "phase": "after", "times": 1}),
    )
    .await;
    let reply = rpc_get(
        &app,
        "CreateContainerGroup",
        &[
            REGION,
            ("ContainerGroupName", "late"),
            ("Container.1.Name", "a"),
            ("Container.1.Image", "nginx"),
        ],
    )
    .await;
    assert_eq!(reply.status.as_u16(), 503);
    assert_eq!(group_count(&app).await, 1, "the group was made");
    add_rule(
        &app,
        json!({"action": "CreateContainerGroup", "code": "ServiceUnavailable", "times": 1}),
    )
    .await;
    let reply = rpc_get(
        &app,
        "CreateContainerGroup",
        &[
            REGION,
            ("ContainerGroupName", "early"),
            ("Container.1.Name", "a"),
            ("Container.1.Image", "nginx"),
        ],
    )
    .await;
    assert_eq!(reply.status.as_u16(), 503);
    assert_eq!(group_count(&app).await, 1, "phase before leaves no trace");
}

#[tokio::test]
async fn errors_render_as_xml_when_asked() {
    let app = open_app();
    add_rule(&app, json!({"code": "Throttling", "retryAfterMs": 1500})).await;
    let request = Request::get("/?Action=ListUsage&Version=2018-08-08&RegionId=cn-hangzhou&Format=XML")
        .body(Body::empty())
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status().as_u16(), 400);
    assert_eq!(response.headers()[RETRY_AFTER_HEADER], "1500");
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let text = String::from_utf8_lossy(&body);
    assert!(text.contains("<Code>Throttling</Code>"), "{text}");
    assert!(
        text.contains("<Message>Request was denied due to request throttling.</Message>"),
        "{text}"
    );
}

#[tokio::test]
async fn no_stock_in_one_zone_falls_through_to_the_next_and_fails_when_all_are_out() {
    let app = open_app();
    add_rule(
        &app,
        json!({"action": "CreateContainerGroup", "zoneId": "cn-hangzhou-b", "code": "OperationDenied.NoStock"}),
    )
    .await;
    let id = create_group(&app, "moved", &[]).await;
    let described = rpc_get(
        &app,
        "DescribeContainerGroups",
        &[REGION, ("ContainerGroupIds", &format!("[\"{id}\"]"))],
    )
    .await;
    assert_eq!(described.json()["ContainerGroups"][0]["ZoneId"], "cn-hangzhou-e");
    let pinned = rpc_get(
        &app,
        "CreateContainerGroup",
        &[
            REGION,
            ("ZoneId", "cn-hangzhou-b"),
            ("ContainerGroupName", "pinned"),
            ("Container.1.Name", "a"),
            ("Container.1.Image", "nginx"),
        ],
    )
    .await;
    assert_eq!(pinned.status.as_u16(), 403);
    assert_eq!(pinned.json()["Code"], "OperationDenied.NoStock");
    for zone in ["e", "f", "g", "h", "i", "j", "k"] {
        let rule = json!({"action": "*", "zoneId": format!("cn-hangzhou-{zone}"), "code": "OperationDenied.NoStock"});
        add_rule(&app, rule).await;
    }
    let (status, header, _) = raw_call(
        &app,
        "CreateContainerGroup",
        &[
            REGION,
            ("ContainerGroupName", "nowhere"),
            ("Container.1.Name", "a"),
            ("Container.1.Image", "nginx"),
        ],
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(header.unwrap().split(',').count(), 8, "every zone's rule is named");
    assert_eq!(group_count(&app).await, 1);
}

#[tokio::test]
async fn a_groups_fault_tags_act_on_its_later_operations_and_go_with_it() {
    let app = open_app();
    let tags = [
        ("Tag.1.Key", "emulator.fault/DeleteContainerGroup"),
        ("Tag.1.Value", "IncorrectStatus;times=1"),
    ];
    let id = create_group(&app, "tagged", &tags).await;
    let other = create_group(&app, "plain", &[]).await;
    let delete = |id: String| {
        let app = app.clone();
        async move { rpc_get(&app, "DeleteContainerGroup", &[REGION, ("ContainerGroupId", &id)]).await }
    };
    assert_eq!(delete(other).await.status, StatusCode::OK);
    let refused = delete(id.clone()).await;
    assert_error(
        &refused,
        400,
        "IncorrectStatus",
        "The current status of the resource does not support this operation.",
    );
    assert_eq!(list_rules(&app).await["rules"][0]["origin"], format!("tag:{id}"));
    assert_eq!(delete(id).await.status, StatusCode::OK);
    assert_eq!(
        list_rules(&app).await["rules"],
        json!([]),
        "the group's rules went with it"
    );
    let bad = rpc_get(
        &app,
        "CreateContainerGroup",
        &[
            REGION,
            ("ContainerGroupName", "bad-tag"),
            ("Container.1.Name", "a"),
            ("Container.1.Image", "nginx"),
            ("Tag.1.Key", "emulator.fault/*"),
            ("Tag.1.Value", "Not.A.Code"),
        ],
    )
    .await;
    assert_eq!(bad.status.as_u16(), 400);
    assert!(
        bad.json()["Message"].as_str().unwrap().contains("\"Tag.1\""),
        "{}",
        bad.text
    );
    assert_eq!(group_count(&app).await, 0);
}

#[tokio::test]
async fn reset_closes_without_a_response_and_truncate_sends_half() {
    let app = open_app();
    add_rule(&app, json!({"action": "ListUsage", "effect": "reset", "times": 1})).await;
    let (_, _, body) = raw_call(&app, "ListUsage", &[REGION]).await;
    assert!(body.is_err(), "the body breaks off: {body:?}");
    let full = rpc_get(&app, "ListUsage", &[REGION]).await.text;
    add_rule(
        &app,
        json!({"action": "ListUsage", "effect": "truncate", "phase": "after", "times": 1}),
    )
    .await;
    let mut all = vec![("Action", "ListUsage"), ("Version", "2018-08-08"), REGION];
    all.push(("AccessKeyId", "AK-TEST"));
    let request = Request::get(format!("/?{}", query_of(&all)))
        .body(Body::empty())
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let mut body = response.into_body();
    let frame = body.frame().await.unwrap().unwrap().into_data().unwrap();
    assert_eq!(frame.len(), full.len() / 2, "half of a {}-byte answer", full.len());
    assert!(body.frame().await.unwrap().is_err(), "then the body fails");
}

#[tokio::test]
async fn hang_holds_the_call_until_its_limit_then_breaks_it() {
    let app = open_app();
    add_rule(
        &app,
        json!({"action": "ListUsage", "effect": "hang", "hangMs": 200, "times": 1}),
    )
    .await;
    let started = std::time::Instant::now();
    let (_, _, body) = raw_call(&app, "ListUsage", &[REGION]).await;
    assert!(started.elapsed() >= std::time::Duration::from_millis(200));
    assert!(body.is_err());
}

#[tokio::test]
async fn reset_restores_the_start_rules_and_limits() {
    let options = AppOptions {
        faults: eci_emulator::faults::parse_rules(
            r#"{"rules": [{"action": "ListUsage", "code": "InternalError", "times": 1}]}"#,
        )
        .unwrap(),
        rate_limits: vec![Limit::parse("DescribeContainerGroups=1/min").unwrap()],
        ..AppOptions::default()
    };
    let app = app_with(Arc::new(VirtualClock::frozen_at_unix(NOW)), options);
    assert_eq!(list_rules(&app).await["rules"][0]["origin"], "file");
    assert_eq!(rpc_get(&app, "ListUsage", &[REGION]).await.status.as_u16(), 500);
    assert_eq!(rpc_get(&app, "ListUsage", &[REGION]).await.status.as_u16(), 200);
    let put = Request::put("/_emulator/throttling")
        .body(Body::from(r#"{"limits": []}"#))
        .unwrap();
    assert_eq!(send(&app, put).await.status, StatusCode::OK);
    send(&app, Request::post("/_emulator/reset").body(Body::empty()).unwrap()).await;
    assert_eq!(
        rpc_get(&app, "ListUsage", &[REGION]).await.status.as_u16(),
        500,
        "the start rule is back, fresh"
    );
    let limits = send(&app, Request::get("/_emulator/throttling").body(Body::empty()).unwrap()).await;
    assert_eq!(limits.json()["limits"][0]["action"], "DescribeContainerGroups");
}

#[tokio::test]
async fn rate_limits_answer_throttling_user_with_a_retry_hint() {
    let clock = Arc::new(VirtualClock::frozen_at_unix(NOW + 20));
    let options = AppOptions {
        rate_limits: vec![Limit::parse("ListUsage=2/min").unwrap()],
        ..AppOptions::default()
    };
    let app = app_with(clock.clone(), options);
    for _ in 0..2 {
        assert_eq!(rpc_get(&app, "ListUsage", &[REGION]).await.status, StatusCode::OK);
    }
    let mut all = vec![
        ("Action", "ListUsage"),
        ("Version", "2018-08-08"),
        ("AccessKeyId", "AK-TEST"),
    ];
    all.push(REGION);
    let request = Request::get(format!("/?{}", query_of(&all)))
        .body(Body::empty())
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status().as_u16(), 400);
    assert_eq!(response.headers()[RETRY_AFTER_HEADER], "40000");
    let throttled = rpc_get(&app, "ListUsage", &[REGION]).await;
    assert_error(
        &throttled,
        400,
        "Throttling.User",
        "Request was denied due to user flow control.",
    );
    assert_eq!(
        rpc_get(&app, "DescribeContainerGroups", &[REGION]).await.status,
        StatusCode::OK
    );
    clock.advance(40);
    assert_eq!(rpc_get(&app, "ListUsage", &[REGION]).await.status, StatusCode::OK);
    let bad = Request::put("/_emulator/throttling")
        .body(Body::from(
            r#"{"limits": [{"action": "*", "limit": 0, "per": "second"}]}"#,
        ))
        .unwrap();
    assert_eq!(send(&app, bad).await.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_hang_ends_when_shutdown_begins() {
    let state = AppState::new(AppOptions::default()).unwrap();
    let app = app(state.clone());
    add_rule(&app, json!({"action": "ListUsage", "effect": "hang", "hangMs": 60_000})).await;
    let started = std::time::Instant::now();
    let call = tokio::spawn({
        let app = app.clone();
        async move { raw_call(&app, "ListUsage", &[REGION]).await }
    });
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    state.begin_shutdown();
    let (_, _, body) = call.await.unwrap();
    assert!(body.is_err(), "the hung call is broken off");
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
}
