//! Hostile requests: each case that once killed, stalled or fooled the emulator, answered now with a
//! clean refusal that names what was wrong.

use crate::common::*;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use eci_emulator::server::AppOptions;
use eci_emulator::util::VirtualClock;
use eci_emulator::{app, AppState};
use serde_json::{json, Value};
use std::sync::Arc;

fn post(path: &str, content_type: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post(path)
        .header("content-type", content_type)
        .body(body.into())
        .unwrap()
}

fn post_json(path: &str, body: &Value) -> Request<Body> {
    post(path, "application/json", body.to_string())
}

fn error_message(reply: &Reply) -> String {
    let body = reply.json();
    body["Message"]
        .as_str()
        .or(body["error"].as_str())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn a_parameter_name_of_twenty_thousand_segments_is_refused_by_get_and_post() {
    let app = open_app();
    let deep = vec!["a"; 20_000].join(".");
    let query = format!("/?Action=DescribeContainerGroups&Version=2018-08-08&RegionId=cn-hangzhou&{deep}=1");
    let by_get = send(&app, Request::get(&query).body(Body::empty()).unwrap()).await;
    assert_eq!(by_get.status, StatusCode::BAD_REQUEST, "{}", by_get.text);
    assert_eq!(by_get.json()["Code"], "InvalidParameter");
    assert!(
        error_message(&by_get).contains("at most 256 are accepted"),
        "{}",
        by_get.text
    );
    let by_post = send(
        &app,
        post(
            "/?Action=DescribeContainerGroups&Version=2018-08-08",
            "application/x-www-form-urlencoded",
            format!("RegionId=cn-hangzhou&{deep}=1"),
        ),
    )
    .await;
    assert_eq!(by_post.json()["Code"], "InvalidParameter", "{}", by_post.text);
    let seventeen = vec!["a"; 17].join(".");
    let too_deep = rpc_get(
        &app,
        "DescribeContainerGroups",
        &[("RegionId", "cn-hangzhou"), (&seventeen, "1")],
    )
    .await;
    assert!(
        error_message(&too_deep).contains("17 segments; at most 16"),
        "{}",
        too_deep.text
    );
    let sixteen = vec!["a"; 16].join(".");
    let deepest_allowed = rpc_get(
        &app,
        "DescribeContainerGroups",
        &[("RegionId", "cn-hangzhou"), (&sixteen, "1")],
    )
    .await;
    assert_eq!(deepest_allowed.status, StatusCode::OK, "{}", deepest_allowed.text);
}

#[tokio::test]
async fn deep_names_are_refused_before_signatures_are_checked() {
    let app = strict_app(&["AK1:secret-1"]);
    let deep = vec!["a"; 20_000].join(".");
    let query = format!("/?Action=DescribeContainerGroups&Version=2018-08-08&AccessKeyId=AK1&{deep}=1");
    let reply = send(&app, Request::get(&query).body(Body::empty()).unwrap()).await;
    assert_eq!(reply.json()["Code"], "InvalidParameter", "{}", reply.text);
}

#[tokio::test]
async fn more_than_ten_thousand_parameters_are_refused() {
    let app = open_app();
    let many: String = (0..10_001).map(|i| format!("P{i}=1&")).collect();
    let reply = send(
        &app,
        post(
            "/?Action=DescribeContainerGroups&Version=2018-08-08",
            "application/x-www-form-urlencoded",
            many,
        ),
    )
    .await;
    assert_eq!(reply.json()["Code"], "InvalidParameter");
    assert!(
        error_message(&reply).contains("more than 10000 parameters"),
        "{}",
        reply.text
    );
    let split: String = (0..6_000).map(|i| format!("Q{i}=1&")).collect();
    let both = send(
        &app,
        post(
            &format!("/?Action=DescribeContainerGroups&Version=2018-08-08&{split}"),
            "application/x-www-form-urlencoded",
            split.replace('Q', "B"),
        ),
    )
    .await;
    assert!(
        error_message(&both).contains("more than 10000 parameters"),
        "{}",
        both.text
    );
}

#[tokio::test]
async fn a_pattern_that_compiles_too_large_or_is_too_long_is_refused() {
    let app = open_app();
    let exploding = json!({"action": "*", "code": "InternalError", "match": {"X": "(\\w{100}){100}x"}});
    let reply = send(&app, post_json("/_emulator/faults", &exploding)).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text);
    assert!(
        error_message(&reply).contains("compiles to more than"),
        "{}",
        reply.text
    );
    let long = json!({"action": "*", "code": "InternalError", "match": {"X": "a".repeat(1025)}});
    let reply = send(&app, post_json("/_emulator/faults", &long)).await;
    assert!(
        error_message(&reply).contains("1025 bytes; at most 1024"),
        "{}",
        reply.text
    );
    let huge = json!({"action": "*", "code": "InternalError", "match": {"X": "a".repeat(1 << 20)}});
    let reply = send(&app, post_json("/_emulator/faults", &huge)).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn durations_are_capped_and_the_rule_count_is_bounded() {
    let app = open_app();
    let endless = json!({"action": "*", "latencyMs": u64::MAX});
    let reply = send(&app, post_json("/_emulator/faults", &endless)).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(
        error_message(&reply).contains("latencyMs must be at most 3600000"),
        "{}",
        reply.text
    );
    for field in ["jitterMs", "hangMs", "retryAfterMs"] {
        let rule = json!({"action": "*", "code": "InternalError", field: 3_600_001u64});
        let reply = send(&app, post_json("/_emulator/faults", &rule)).await;
        assert!(error_message(&reply).contains(field), "{field}: {}", reply.text);
    }
    let never_fires =
        json!({"action": "ListUsage", "latencyMs": 3_600_000u64, "jitterMs": 3_600_000u64, "regionId": "nowhere"});
    for _ in 0..1000 {
        let reply = send(&app, post_json("/_emulator/faults", &never_fires)).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    }
    let one_more = send(&app, post_json("/_emulator/faults", &never_fires)).await;
    assert_eq!(one_more.status, StatusCode::BAD_REQUEST);
    assert!(
        error_message(&one_more).contains("1000 fault rules"),
        "{}",
        one_more.text
    );
}

#[tokio::test]
async fn actions_must_be_operations_and_the_closest_one_is_suggested() {
    let app = open_app();
    let misspelt = json!({"action": "DescribeContainerGroup", "code": "InternalError"});
    let reply = send(&app, post_json("/_emulator/faults", &misspelt)).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(
        error_message(&reply).contains("did you mean \"DescribeContainerGroups\""),
        "{}",
        reply.text
    );
    let limits = json!({"limits": [{"action": "NoSuch", "limit": 1, "per": "second"}]});
    let request = Request::put("/_emulator/throttling")
        .header("content-type", "application/json")
        .body(Body::from(limits.to_string()))
        .unwrap();
    let reply = send(&app, request).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text);
    assert!(
        error_message(&reply).contains("not an operation of ECI, VPC, ECS, STS or Resource Manager"),
        "{}",
        reply.text
    );
}

#[tokio::test]
async fn a_declared_length_over_the_limit_is_refused_without_reading_the_body() {
    let app = open_app();
    let request = Request::post("/?Action=DescribeContainerGroups&Version=2018-08-08")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("content-length", "999999999")
        .header("expect", "100-continue")
        .body(Body::empty())
        .unwrap();
    let reply = send(&app, request).await;
    assert_eq!(reply.status.as_u16(), 413);
    assert_eq!(reply.json()["Code"], "InvalidParameter.LengthExceeded");
}

async fn fixtures_refusal(app: &Router, body: impl Into<Body>) -> String {
    let reply = send(app, post("/_emulator/fixtures", "application/json", body)).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text);
    assert_eq!(reply.json()["applied"], false);
    error_message(&reply)
}

fn network_document(vpc_cidr: &str, vswitch_cidr: &str, vswitch_id: &str) -> String {
    json!({
        "vpcs": [{"vpcId": "vpc-h", "regionId": "cn-hangzhou", "cidrBlock": vpc_cidr}],
        "vSwitches": [{"vSwitchId": vswitch_id, "vpcId": "vpc-h", "zoneId": "cn-hangzhou-b", "cidrBlock": vswitch_cidr}]
    })
    .to_string()
}

#[tokio::test]
async fn fixtures_refuse_networks_that_cannot_hold_an_address() {
    let app = open_app();
    let cases = [
        (
            network_document("0.0.0.0/0", "10.0.0.0/24", "vsw-h"),
            "prefix length from /8",
        ),
        (
            network_document("10.0.0.0/8", "10.9.0.0/31", "vsw-h"),
            "no usable address",
        ),
        (network_document("10.0.0.0/8", "10.9.0.1/32", "vsw-h"), "10.9.0.1/32"),
        (
            network_document("10.0.0.0/8", "10.9.2.5/24", "vsw-h"),
            "host bits set; the network is 10.9.2.0/24",
        ),
        (
            network_document("10.0.0.0/8", "192.168.0.0/24", "vsw-h"),
            "not inside the VPC",
        ),
        (network_document("10.0.0.0/8", "10.1.0.0/24", ""), "vSwitchId \"\""),
        (
            network_document("10.0.0.0/8", "10.1.0.0/24", &"v".repeat(100_000)),
            "1 to 128 printable",
        ),
        (
            network_document("10.0.0.0/8", "10.1.0.0/24", "vsw with space"),
            "no spaces",
        ),
    ];
    for (document, why) in cases {
        let message = fixtures_refusal(&app, document).await;
        assert!(message.contains(why), "{why}: {message}");
    }
    let disk = json!({"disks": [{"diskId": "d-1", "zoneId": "cn-hangzhou-b", "size": 0}]});
    assert!(fixtures_refusal(&app, disk.to_string())
        .await
        .contains("size must be 1"));
    assert!(fixtures_refusal(&app, "[]").await.contains("expected a JSON object"));
    let not_utf8 = b"{\"disks\": [{\"diskId\": \"d-\xff\", \"zoneId\": \"cn-hangzhou-b\", \"size\": 1}]}".to_vec();
    assert!(fixtures_refusal(&app, not_utf8).await.contains("UTF-8"));
    assert!(!declared_vpc(&app, "vpc-h").await, "nothing was applied");
}

/// Whether `/_emulator/state` shows the VPC (the region's default network may exist regardless).
async fn declared_vpc(app: &Router, vpc_id: &str) -> bool {
    let state = send(app, Request::get("/_emulator/state").body(Body::empty()).unwrap()).await;
    let networks = state.json()["networks"].as_array().cloned().unwrap_or_default();
    networks.iter().any(|n| n["vpcs"].get(vpc_id).is_some())
}

#[tokio::test]
async fn a_refused_account_leaves_the_document_unapplied() {
    let app = open_app();
    let document = json!({
        "vpcs": [{"vpcId": "vpc-h", "regionId": "cn-hangzhou", "cidrBlock": "10.0.0.0/8"}],
        "accounts": [{"accessKeyId": "AK-1", "quota": {"vcpus": -1.0}}]
    });
    assert!(fixtures_refusal(&app, document.to_string())
        .await
        .contains("quota.vcpus"));
    assert!(!declared_vpc(&app, "vpc-h").await);
}

#[tokio::test]
async fn lifecycle_bodies_with_unknown_fields_are_refused() {
    let app = app_with_policy(eci_emulator::lifecycle::machine::PolicyKind::Manual).0;
    let id = create_group(&app, "driven", &[]).await;
    let path = format!("/_emulator/container-groups/{id}/lifecycle");
    let typo = send(
        &app,
        post_json(&path, &json!({"action": "setStatus", "status": "Failed", "stauts": 1})),
    )
    .await;
    assert_eq!(typo.status, StatusCode::BAD_REQUEST, "{}", typo.text);
    assert!(error_message(&typo).contains("unknown field"), "{}", typo.text);
    let extra = send(&app, post_json(&path, &json!({"action": "advance", "times": 3}))).await;
    assert_eq!(extra.status, StatusCode::BAD_REQUEST, "{}", extra.text);
    let fine = send(&app, post_json(&path, &json!({"action": "advance"}))).await;
    assert_eq!(fine.status, StatusCode::OK, "{}", fine.text);
}

fn acs3_signed(secret: &str, nonce: &str, signed: &[&str]) -> Request<Body> {
    acs3_signed_request(secret, nonce, NOW_TEXT, "RegionId=cn-hangzhou", Some(signed))
}

#[tokio::test]
async fn acs3_must_sign_host_and_every_acs_header() {
    let app = strict_app(&["AK1:secret-1"]);
    let only_host = send(&app, acs3_signed("secret-1", "n-1", &["host"])).await;
    assert_eq!(only_host.status, StatusCode::BAD_REQUEST, "{}", only_host.text);
    assert_eq!(only_host.json()["Code"], "IncompleteSignature");
    assert!(error_message(&only_host).contains("x-acs-action is sent but not in SignedHeaders"));
    let all = [
        "host",
        "x-acs-action",
        "x-acs-content-sha256",
        "x-acs-date",
        "x-acs-signature-nonce",
        "x-acs-version",
    ];
    let without_date: Vec<&str> = all.iter().copied().filter(|h| *h != "x-acs-date").collect();
    let reply = send(&app, acs3_signed("secret-1", "n-2", &without_date)).await;
    assert!(error_message(&reply).contains("x-acs-date"), "{}", reply.text);
    let complete = send(&app, acs3_signed("secret-1", "n-3", &all)).await;
    assert_eq!(complete.status, StatusCode::OK, "{}", complete.text);
    let empty_nonce = send(&app, acs3_signed("secret-1", "", &all)).await;
    assert_eq!(empty_nonce.json()["Code"], "MissingParameter", "{}", empty_nonce.text);
    assert!(error_message(&empty_nonce).contains("x-acs-signature-nonce"));
}

fn guarded_app(token: Option<&str>) -> Router {
    app(AppState::new(AppOptions {
        clock: Arc::new(VirtualClock::frozen_at_unix(NOW)),
        seed: Some(7),
        lifecycle: immediate(),
        admin_token: token.map(str::to_owned),
        ..AppOptions::default()
    })
    .unwrap())
}

#[tokio::test]
async fn the_side_api_refuses_what_a_page_on_another_site_could_send() {
    let app = guarded_app(None);
    let _ = create_group(&app, "kept", &[]).await;
    let from_page = Request::post("/_emulator/reset")
        .header("content-type", "text/plain")
        .header("origin", "http://evil.example")
        .header("host", "127.0.0.1:8080")
        .body(Body::from("x"))
        .unwrap();
    let reply = send(&app, from_page).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.text);
    assert!(error_message(&reply).contains("another origin"));
    let plain_text = post("/_emulator/faults", "text/plain", r#"{"code":"InternalError"}"#);
    assert_eq!(send(&app, plain_text).await.status, StatusCode::FORBIDDEN);
    let cross_site = Request::get("/_emulator/state")
        .header("sec-fetch-site", "cross-site")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&app, cross_site).await.status, StatusCode::FORBIDDEN);
    let listed = rpc_get(&app, "DescribeContainerGroups", &[("RegionId", "cn-hangzhou")]).await;
    assert_eq!(listed.json()["TotalCount"], 1, "the refused reset changed nothing");
    let same_origin = Request::post("/_emulator/reset")
        .header("origin", "http://127.0.0.1:8080")
        .header("host", "127.0.0.1:8080")
        .header("content-type", "application/json")
        .body(Body::from("{}"))
        .unwrap();
    assert_eq!(send(&app, same_origin).await.status, StatusCode::OK);
}

#[tokio::test]
async fn with_an_admin_token_the_side_api_needs_it_but_health_does_not() {
    let app = guarded_app(Some("s3cret"));
    let health = send(&app, Request::get("/_emulator/health").body(Body::empty()).unwrap()).await;
    assert_eq!(health.status, StatusCode::OK);
    let bare = send(&app, Request::get("/_emulator/state").body(Body::empty()).unwrap()).await;
    assert_eq!(bare.status, StatusCode::UNAUTHORIZED);
    let wrong = Request::get("/_emulator/state")
        .header("authorization", "Bearer s3cre")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&app, wrong).await.status, StatusCode::UNAUTHORIZED);
    let right = Request::get("/_emulator/state")
        .header("authorization", "Bearer s3cret")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&app, right).await.status, StatusCode::OK);
    let rpc = rpc_get(&app, "DescribeContainerGroups", &[("RegionId", "cn-hangzhou")]).await;
    assert_eq!(rpc.status, StatusCode::OK, "the API itself needs no admin token");
    let metrics = send(&app, Request::get("/metrics").body(Body::empty()).unwrap()).await;
    assert_eq!(metrics.status, StatusCode::OK, "metrics are open unless guarded");
    let guarded = app_with_options(AppOptions {
        admin_token: Some("s3cret".into()),
        guard_metrics: true,
        ..AppOptions::default()
    });
    let bare = send(&guarded, Request::get("/metrics").body(Body::empty()).unwrap()).await;
    assert_eq!(bare.status, StatusCode::UNAUTHORIZED);
    let right = Request::get("/metrics")
        .header("authorization", "Bearer s3cret")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&guarded, right).await.status, StatusCode::OK);
}

fn app_with_options(options: AppOptions) -> Router {
    app(AppState::new(options).unwrap())
}

/// DNS rebinding: a page on a domain pointed at 127.0.0.1 is same-origin with itself, so only the
/// `Host` it names gives it away.
#[tokio::test]
async fn the_side_api_refuses_a_host_name_it_was_not_told_to_answer() {
    let app = guarded_app(None);
    let _ = create_group(&app, "kept", &[]).await;
    let rebound = Request::post("/_emulator/faults")
        .header("host", "evil.example:8080")
        .header("origin", "http://evil.example:8080")
        .header("content-type", "application/json")
        .body(Body::from(r#"{"code":"InternalError"}"#))
        .unwrap();
    let reply = send(&app, rebound).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.text);
    assert!(error_message(&reply).contains("--allow-host"), "{}", reply.text);
    let read = Request::get("/_emulator/state")
        .header("host", "evil.example:8080")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&app, read).await.status, StatusCode::FORBIDDEN);
    let faults = send(&app, Request::get("/_emulator/faults").body(Body::empty()).unwrap()).await;
    assert_eq!(
        faults.json()["rules"].as_array().map(Vec::len),
        Some(0),
        "{}",
        faults.text
    );
    let health = Request::get("/_emulator/health")
        .header("host", "evil.example:8080")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&app, health).await.status, StatusCode::OK, "health tells nothing");
    let rpc = Request::get("/?Action=DescribeContainerGroups&Version=2018-08-08&RegionId=cn-hangzhou&AccessKeyId=AK")
        .header("host", "eci.example:8080")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&app, rpc).await.status, StatusCode::OK, "the API answers any Host");
    let allowed = app_with_options(AppOptions {
        allow_hosts: vec!["eci.internal".into()],
        ..AppOptions::default()
    });
    for (host, status) in [
        ("eci:8080", StatusCode::OK),
        ("eci-emulator_1:8080", StatusCode::OK),
        ("eci.internal:8080", StatusCode::OK),
        ("other.internal:8080", StatusCode::FORBIDDEN),
        ("localhost:8080", StatusCode::OK),
        ("172.18.0.2:8080", StatusCode::OK),
        ("[::1]:8080", StatusCode::OK),
        ("eci.evil.example", StatusCode::FORBIDDEN),
    ] {
        let request = Request::get("/_emulator/faults")
            .header("host", host)
            .body(Body::empty())
            .unwrap();
        assert_eq!(send(&allowed, request).await.status, status, "{host}");
    }
}

#[tokio::test]
async fn side_api_errors_are_side_api_errors() {
    let app = guarded_app(None);
    let unknown = send(
        &app,
        Request::get("/_emulator/nothing-here").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{}", unknown.text);
    assert!(
        error_message(&unknown).contains("GET /_emulator/nothing-here"),
        "{}",
        unknown.text
    );
    let elsewhere = send(&app, Request::get("/nothing-here").body(Body::empty()).unwrap()).await;
    assert_eq!(elsewhere.json()["Code"], "InvalidAction.NotFound", "{}", elsewhere.text);
    let binary = post("/_emulator/snapshot", "application/octet-stream", "{}");
    let reply = send(&app, binary).await;
    assert_eq!(reply.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", reply.text);
    assert!(error_message(&reply).contains("application/json"), "{}", reply.text);
}

/// Side-API bodies are held to their own limits, set by flags, with JSON answers naming the flag:
/// declared or not, a body past the limit is 413; a snapshot has a limit of its own, which a
/// `--snapshot` file is held to as well (`/dev/zero` is refused instead of filling memory).
#[tokio::test]
async fn side_api_bodies_are_held_to_their_limits_with_json_answers() {
    let limited = |side, snapshot| {
        app(AppState::new(AppOptions {
            max_side_api_body_bytes: side,
            max_snapshot_bytes: snapshot,
            ..AppOptions::default()
        })
        .unwrap())
    };
    let app = limited(1000, 2000);
    let document = json!({"accounts": [{"accessKeyId": "x".repeat(1200)}]}).to_string();
    let declared = Request::post("/_emulator/fixtures")
        .header("content-type", "application/json")
        .header("content-length", document.len())
        .body(Body::from(document.clone()))
        .unwrap();
    let undeclared = post("/_emulator/fixtures", "application/json", document);
    for request in [declared, undeclared] {
        let reply = send(&app, request).await;
        assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", reply.text);
        assert!(
            reply.content_type.starts_with("application/json"),
            "{}",
            reply.content_type
        );
        assert!(
            error_message(&reply).contains("--max-side-api-body-bytes"),
            "{}",
            reply.text
        );
    }
    let snapshot = post("/_emulator/snapshot", "application/x-ndjson", vec![b'x'; 3000]);
    let reply = send(&app, snapshot).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", reply.text);
    assert!(error_message(&reply).contains("--max-snapshot-bytes"), "{}", reply.text);
    let within = post("/_emulator/snapshot", "application/x-ndjson", vec![b'x'; 1500]);
    let reply = send(&app, within).await;
    assert_eq!(
        reply.status,
        StatusCode::BAD_REQUEST,
        "a snapshot within its limit is read: {}",
        reply.text
    );

    let endless = AppState::new(AppOptions {
        snapshot: Some("/dev/zero".into()),
        max_snapshot_bytes: 1 << 20,
        ..AppOptions::default()
    });
    let refused = endless.map(drop).unwrap_err();
    assert!(
        refused.contains("larger than 1048576 bytes") && refused.contains("--max-snapshot-bytes"),
        "{refused}"
    );
}

/// The running state's snapshot file.
async fn snapshot_of(app: &Router) -> String {
    send(app, Request::get("/_emulator/snapshot").body(Body::empty()).unwrap())
        .await
        .text
}

/// An entry line's key and value, as their JSON text.
fn key_and_value(line: &str) -> (String, String) {
    let parts: Vec<Box<serde_json::value::RawValue>> = serde_json::from_str(line).unwrap();
    (parts[0].get().to_owned(), parts[1].get().to_owned())
}

/// A snapshot file of `header` and `entries`, with the end line their digest makes.
fn reassembled(header: &str, entries: &[String]) -> String {
    use sha2::{Digest, Sha256};
    let mut digest = Sha256::new();
    for line in entries {
        digest.update(line.as_bytes());
        digest.update(b"\n");
    }
    let end = json!({"end": {"entries": entries.len(), "sha256": hex::encode(digest.finalize())}});
    format!("{header}\n{}\n{end}\n", entries.join("\n"))
}

/// A snapshot with its line checksums and digest made again after an edit, as a forger would.
fn forged(snapshot: &str, edit: impl Fn(Vec<String>) -> Vec<String>) -> String {
    let mut lines: Vec<String> = snapshot.lines().map(str::to_owned).collect();
    let header = lines.remove(0);
    lines.pop();
    let entries: Vec<String> = edit(lines)
        .iter()
        .map(|line| {
            let (key, value) = key_and_value(line);
            let crc = eci_emulator::durable::seal::checksum(key.as_bytes(), value.as_bytes());
            format!("[{key},{value},{crc}]")
        })
        .collect();
    reassembled(&header, &entries)
}

/// Records that contradict each other are refused before anything is replaced, even with a digest
/// that matches: a zeroed id generator (every later create would get one id), one group id in two
/// records, two groups on one address.
#[tokio::test]
async fn a_forged_snapshot_whose_records_disagree_is_refused() {
    let app = open_app();
    let first = create_group(&app, "first", &[]).await;
    create_group(&app, "second", &[]).await;
    let snapshot = snapshot_of(&app).await;
    let groups =
        |lines: &[String]| -> Vec<usize> { (0..lines.len()).filter(|i| lines[*i].contains(r#""group","#)).collect() };
    let ip_of = |line: &str| {
        line.split(r#""ip":""#)
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap()
            .to_owned()
    };
    let cases: [(String, &str); 3] = [
        (
            forged(&snapshot, |lines| {
                let zero = r#"[["g","ids",""],{"s":[0,0,0,0]}]"#.to_owned();
                lines
                    .into_iter()
                    .map(|l| {
                        if l.starts_with(r#"[["g","ids""#) {
                            zero.clone()
                        } else {
                            l
                        }
                    })
                    .collect()
            }),
            "all zero",
        ),
        (
            forged(&snapshot, |mut lines| {
                let at = groups(&lines)[0];
                let copy = lines[at].replace("00000000000000000001", "00000000000000000099");
                lines.insert(at + 1, copy);
                lines
            }),
            "more than one record",
        ),
        (
            forged(&snapshot, |mut lines| {
                let at = groups(&lines);
                let (ip_a, ip_b) = (ip_of(&lines[at[0]]), ip_of(&lines[at[1]]));
                lines[at[1]] = lines[at[1]].replace(&format!(r#""ip":"{ip_b}""#), &format!(r#""ip":"{ip_a}""#));
                lines
            }),
            "both hold",
        ),
    ];
    for (body, says) in cases {
        let reply = send(&app, post("/_emulator/snapshot", "application/x-ndjson", body)).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{says}: {}", reply.text);
        assert!(error_message(&reply).contains(says), "{says}: {}", reply.text);
    }
    let after = snapshot_of(&app).await;
    assert_eq!(
        after.lines().count(),
        snapshot.lines().count(),
        "a refused snapshot changed the state"
    );
    assert!(after.contains(&first));
    let untouched = forged(&snapshot, |lines| lines);
    let reply = send(&app, post("/_emulator/snapshot", "application/x-ndjson", untouched)).await;
    assert_eq!(
        reply.status,
        StatusCode::OK,
        "the forger's own digest is right: {}",
        reply.text
    );
    let damaged_line = snapshot.replacen(
        "\"ContainerGroupName\":\"first\"",
        "\"ContainerGroupName\":\"firsu\"",
        1,
    );
    assert_ne!(damaged_line, snapshot);
    let reply = send(&app, post("/_emulator/snapshot", "application/x-ndjson", damaged_line)).await;
    assert!(
        error_message(&reply).contains("does not match its checksum"),
        "the line is named: {}",
        reply.text
    );
}

/// A version 2 snapshot, made by the build before networks were stored record by record (each
/// region's network one whole value), loads with everything in it; so does the same file as version
/// 1 (lines without checksums).
#[tokio::test]
async fn older_snapshots_still_load() {
    let v2 = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/older/snapshot-v2.ndjson"
    ))
    .unwrap();
    assert!(
        v2.contains(r#"[["g","network","cn-hangzhou"]"#),
        "not a whole-network file"
    );
    let lines: Vec<&str> = v2.lines().collect();
    let header = lines[0].replace("\"version\":2", "\"version\":1");
    let entries: Vec<String> = lines[1..lines.len() - 1]
        .iter()
        .map(|line| {
            let (key, value) = key_and_value(line);
            format!("[{key},{value}]")
        })
        .collect();
    let v1 = reassembled(&header, &entries);
    for (version, file) in [("2", v2.clone()), ("1", v1)] {
        let app = open_app();
        let reply = send(&app, post("/_emulator/snapshot", "application/x-ndjson", file)).await;
        assert_eq!(reply.status, StatusCode::OK, "version {version}: {}", reply.text);
        assert_older_state(&app).await;
        // And what it holds is saved in the current form, which loads again.
        let again = snapshot_of(&app).await;
        assert!(!again.contains(r#"["g","network""#), "{again}");
        let app = open_app();
        let reply = send(&app, post("/_emulator/snapshot", "application/x-ndjson", again)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        assert_older_state(&app).await;
    }
}

/// What `tests/data/older/` holds: the account `older-account`'s VPC (made with a client token),
/// vSwitch, security group with one rule, an EIP bound to its group, and a deleted security group.
pub async fn assert_older_state(app: &Router) {
    const ECS: &str = "2014-05-26";
    const VPC: &str = "2016-04-28";
    let key = "older-account";
    let region = ("RegionId", "cn-hangzhou");
    let vpcs = rpc_at(app, VPC, key, "DescribeVpcs", &[region]).await.json();
    let made = vpcs["Vpcs"]["Vpc"]
        .as_array()
        .and_then(|all| all.iter().find(|v| v["IsDefault"] == false));
    let vpc = made.unwrap_or_else(|| panic!("no VPC but the default: {vpcs}"));
    assert_eq!(vpc["VpcName"], "older-vpc", "{vpcs}");
    let vpc_id = vpc["VpcId"].as_str().unwrap();
    let again = rpc_at(
        app,
        VPC,
        key,
        "CreateVpc",
        &[
            region,
            ("CidrBlock", "192.168.0.0/16"),
            ("ClientToken", "older-vpc-token"),
        ],
    )
    .await
    .json();
    assert_eq!(again["VpcId"], vpc_id, "the client token is remembered: {again}");
    let vswitches = rpc_at(app, VPC, key, "DescribeVSwitches", &[region, ("VpcId", vpc_id)])
        .await
        .json();
    assert_eq!(
        vswitches["VSwitches"]["VSwitch"][0]["VSwitchName"], "older-vsw",
        "{vswitches}"
    );
    let groups = rpc_at(app, ECS, key, "DescribeSecurityGroups", &[region, ("VpcId", vpc_id)])
        .await
        .json();
    let group = &groups["SecurityGroups"]["SecurityGroup"][0];
    assert_eq!(group["SecurityGroupName"], "older-sg", "{groups}");
    let group_id = group["SecurityGroupId"].as_str().unwrap();
    let rules = rpc_at(
        app,
        ECS,
        key,
        "DescribeSecurityGroupAttribute",
        &[region, ("SecurityGroupId", group_id)],
    )
    .await
    .json();
    assert_eq!(rules["Permissions"]["Permission"][0]["PortRange"], "22/22", "{rules}");
    let eips = rpc_at(app, VPC, key, "DescribeEipAddresses", &[region]).await.json();
    let eip = &eips["EipAddresses"]["EipAddress"][0];
    assert_eq!(
        (eip["Name"].as_str(), eip["Status"].as_str()),
        (Some("older-eip"), Some("InUse")),
        "{eips}"
    );
    let listed = rpc_at(app, "2018-08-08", key, "DescribeContainerGroups", &[region])
        .await
        .json();
    let group = &listed["ContainerGroups"][0];
    assert_eq!(group["ContainerGroupName"], "older-group", "{listed}");
    assert_eq!(group["InternetIp"], eip["IpAddress"], "{listed}");
    // The deleted group's id stays deleted: a create naming it is refused, not registered anew.
    let deleted = rpc_at(app, ECS, key, "DescribeSecurityGroups", &[region, ("VpcId", vpc_id)])
        .await
        .json();
    assert_eq!(
        deleted["SecurityGroups"]["SecurityGroup"].as_array().map(Vec::len),
        Some(1),
        "{deleted}"
    );
    let names_gone = rpc_at(
        app,
        "2018-08-08",
        key,
        "CreateContainerGroup",
        &[
            region,
            ("ContainerGroupName", "named-gone"),
            ("Container.1.Name", "app"),
            ("Container.1.Image", "nginx"),
            ("SecurityGroupId", OLDER_DELETED_GROUP),
        ],
    )
    .await;
    assert!(names_gone.text.contains("SecurityGroup"), "{}", names_gone.text);
    assert_ne!(names_gone.status, StatusCode::OK, "{}", names_gone.text);
}

/// The security group `tests/data/older/` deleted.
const OLDER_DELETED_GROUP: &str = "sg-bp1qtgxukeq98r7lmah5";

/// A snapshot (checksums and digest made again, as a forger would) whose clock reads past the
/// latest date is refused, naming it, and the running clock and state are kept.
#[tokio::test]
async fn a_snapshot_whose_clock_is_past_the_latest_date_is_refused() {
    let app = open_app();
    create_group(&app, "kept", &[]).await;
    let snapshot = snapshot_of(&app).await;
    let forged_clock = forged(&snapshot, |lines| {
        lines
            .into_iter()
            .map(|line| match line.split_once(r#""micros":"#) {
                Some((before, after)) if line.contains(r#""frozen":"#) => {
                    let rest = after.trim_start_matches(|c: char| c == '-' || c.is_ascii_digit());
                    format!("{before}\"micros\":{}{rest}", 1u64 << 62)
                }
                _ => line,
            })
            .collect()
    });
    assert_ne!(forged_clock, snapshot, "the snapshot holds no clock to forge");
    let load = Request::post("/_emulator/snapshot")
        .header("content-type", "application/x-ndjson")
        .body(Body::from(forged_clock))
        .unwrap();
    let reply = send(&app, load).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text);
    assert!(reply.text.contains("9000-01-01T00:00:00Z"), "{}", reply.text);
    let clock = send(&app, Request::get("/_emulator/clock").body(Body::empty()).unwrap()).await;
    assert!(
        clock.json()["now"].as_str().is_some_and(|now| now.starts_with("20")),
        "{}",
        clock.text
    );
    assert_eq!(snapshot_of(&app).await, snapshot, "nothing was replaced");
}

/// A side-API path called with a method it does not take says so in a JSON body, naming the
/// methods it takes.
#[tokio::test]
async fn a_side_api_call_with_the_wrong_method_says_which_methods_the_path_takes() {
    let app = guarded_app(None);
    let reply = send(&app, Request::put("/_emulator/reset").body(Body::empty()).unwrap()).await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED, "{}", reply.text);
    let message = error_message(&reply);
    assert!(message.contains("/_emulator/reset does not take PUT"), "{message}");
}

/// A forged snapshot whose network disagrees with itself or with its groups is refused before
/// anything is replaced, naming the first inconsistency.
#[tokio::test]
async fn a_forged_snapshot_with_an_inconsistent_network_is_refused() {
    let app = open_app();
    create_group(&app, "placed", &[("AutoCreateEip", "true")]).await;
    let snapshot = snapshot_of(&app).await;
    let field = |line: &str, name: &str| -> String {
        line.split(&format!(r#""{name}":""#))
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_default()
            .to_owned()
    };
    let group_line = snapshot
        .lines()
        .find(|l| l.contains(r#""placement""#))
        .unwrap()
        .to_owned();
    // Each network record is a line of its own: the line of `kind` holding the text to change.
    let network_line = |kind: &str, holding: &str| {
        snapshot
            .lines()
            .find(|l| l.starts_with(&format!(r#"[["n","cn-hangzhou","{kind}""#)) && l.contains(holding))
            .unwrap_or_default()
            .to_owned()
    };
    let (vswitch, ip) = (field(&group_line, "vswitch_id"), field(&group_line, "ip"));
    let eip_address = group_line
        .split(r#"","47."#)
        .nth(1)
        .map(|rest| format!("47.{}", rest.split('"').next().unwrap_or_default()))
        .unwrap();
    let in_group = |from: String, to: String| (group_line.clone(), from, to);
    let in_network = |kind: &str, from: &str, to: &str| (network_line(kind, from), from.to_owned(), to.to_owned());
    let block = ip.rsplit_once('.').map(|(head, _)| format!("{head}.0")).unwrap();
    let cases = [
        (
            in_group(
                format!(r#""vswitch_id":"{vswitch}""#),
                r#""vswitch_id":"vsw-nowhere""#.into(),
            ),
            "which cn-hangzhou does not have",
        ),
        (
            in_group(format!(r#""ip":"{ip}""#), r#""ip":"9.9.9.9""#.into()),
            "no usable address",
        ),
        (
            in_group(format!(r#""ip":"{ip}""#), format!(r#""ip":"{block}""#)),
            "no usable address",
        ),
        (
            in_group(format!(r#""{eip_address}""#), r#""47.96.9.9""#.into()),
            "but that EIP's address is",
        ),
        (
            in_network("eip", r#""boundTo":"eci-"#, r#""boundTo":"eci-ghost"#),
            "does not hold",
        ),
        (in_network("vswitch", "172.16.16.0/20", "172.16.0.0/20"), "overlaps"),
        (
            in_network("vpc", r#""cidrBlock":"172.16.0.0/12""#, r#""cidrBlock":"0.0.0.0/0""#),
            "no VPC block",
        ),
        (
            in_network("vswitch", r#","vpcId":"vpc-"#, r#","vpcId":"vpc-nothing"#),
            "unknown VPC",
        ),
        (
            in_network("vswitch", r#""position":1,"#, r#""position":0,"#),
            "claim one place",
        ),
    ];
    for ((line, from, to), says) in cases {
        let edited = line.replacen(&from, &to, 1);
        assert_ne!(edited, line, "{says}: {from} is not in the line");
        let body = forged(&snapshot, |lines| {
            lines
                .into_iter()
                .map(|l| if l == line { edited.clone() } else { l })
                .collect()
        });
        let reply = send(&app, post("/_emulator/snapshot", "application/x-ndjson", body)).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{says}: {}", reply.text);
        assert!(error_message(&reply).contains(says), "{says}: {}", reply.text);
    }
    assert_eq!(
        snapshot_of(&app).await,
        snapshot,
        "a refused snapshot changed the state"
    );
}
