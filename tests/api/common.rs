//! Helpers the integration tests share: an app with a fixed clock and seed, and one-shot calls.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use eci_emulator::auth::Credential;
use eci_emulator::server::AppOptions;
use eci_emulator::util::VirtualClock;
use eci_emulator::{app, AppState};
use http_body_util::BodyExt;
use serde_json::Value;
use std::sync::Arc;
use tower::ServiceExt;

/// A list of parameters as written in a test.
pub type Params<'a> = &'a [(&'a str, &'a str)];

/// 2026-11-27T22:00:00Z.
pub const NOW: i64 = 1_795_816_800;
pub const NOW_TEXT: &str = "2026-11-27T22:00:00Z";

/// Groups are `Running` in the create's answer: most tests are about other things than progression.
pub fn immediate() -> eci_emulator::lifecycle::machine::Policy {
    eci_emulator::lifecycle::machine::Policy {
        kind: eci_emulator::lifecycle::machine::PolicyKind::Immediate,
        ..Default::default()
    }
}

/// An open app whose clock the test moves; groups are `Running` at once.
pub fn open_app_with_clock() -> (Router, Arc<VirtualClock>) {
    app_with_policy(eci_emulator::lifecycle::machine::PolicyKind::Immediate)
}

/// An open app under a progression policy, with a clock the test moves.
pub fn app_with_policy(kind: eci_emulator::lifecycle::machine::PolicyKind) -> (Router, Arc<VirtualClock>) {
    app_with_policy_and_fixtures(kind, None)
}

/// `app_with_policy` that starts with a fixture document (JSON text).
pub fn app_with_policy_and_fixtures(
    kind: eci_emulator::lifecycle::machine::PolicyKind,
    fixtures: Option<&str>,
) -> (Router, Arc<VirtualClock>) {
    let clock = Arc::new(VirtualClock::frozen_at_unix(NOW));
    let lifecycle = eci_emulator::lifecycle::machine::Policy {
        kind,
        ..Default::default()
    };
    let state = AppState::new(AppOptions {
        clock: clock.clone(),
        seed: Some(7),
        lifecycle,
        fixtures: fixtures
            .map(|f| eci_emulator::fixtures::parse(f).unwrap())
            .into_iter()
            .collect(),
        ..AppOptions::default()
    })
    .unwrap();
    (app(state), clock)
}

pub fn open_app() -> Router {
    app(AppState::new(AppOptions {
        clock: Arc::new(VirtualClock::frozen_at_unix(NOW)),
        seed: Some(7),
        lifecycle: immediate(),
        ..AppOptions::default()
    })
    .unwrap())
}

/// An open app that starts with a fixture document (JSON text).
pub fn app_with_fixtures(document: &str, strict_network: bool) -> Router {
    app(AppState::new(AppOptions {
        clock: Arc::new(VirtualClock::frozen_at_unix(NOW)),
        seed: Some(7),
        lifecycle: immediate(),
        strict_network,
        fixtures: vec![eci_emulator::fixtures::parse(document).unwrap()],
        ..AppOptions::default()
    })
    .unwrap())
}

pub fn strict_app(specs: &[&str]) -> Router {
    app(AppState::new(AppOptions {
        credentials: specs.iter().map(|s| Credential::parse(s).unwrap()).collect(),
        clock: Arc::new(VirtualClock::frozen_at_unix(NOW)),
        // The requests are signed at NOW.
        signature_clock: Arc::new(VirtualClock::frozen_at_unix(NOW)),
        seed: Some(7),
        lifecycle: immediate(),
        ..AppOptions::default()
    })
    .unwrap())
}

pub struct Reply {
    pub status: StatusCode,
    pub content_type: String,
    pub request_id_header: String,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
}

pub async fn send(app: &Router, request: Request<Body>) -> Reply {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let (content_type, request_id_header) = {
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default()
        };
        (header("content-type"), header("x-acs-request-id"))
    };
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        content_type,
        request_id_header,
        text: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

/// Percent-encodes a value the way form encoders do.
pub fn enc(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

pub fn query_of(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A GET with the action, version and pairs in the query, as the v1 SDKs send it.
pub async fn rpc_get(app: &Router, action: &str, pairs: &[(&str, &str)]) -> Reply {
    let mut all = vec![
        ("Action", action),
        ("Version", "2018-08-08"),
        ("AccessKeyId", "AK-TEST"),
    ];
    all.extend_from_slice(pairs);
    let uri = format!("/?{}", query_of(&all));
    send(app, Request::get(uri).body(Body::empty()).unwrap()).await
}

/// A GET of `action` at `version` (any product's), unsigned, as the account of access key `key`.
pub async fn rpc_at(app: &Router, version: &str, key: &str, action: &str, pairs: &[(&str, &str)]) -> Reply {
    let mut all = vec![("Action", action), ("Version", version), ("AccessKeyId", key)];
    all.extend_from_slice(pairs);
    send(
        app,
        Request::get(format!("/?{}", query_of(&all)))
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

/// `rpc_get` for a call that must succeed: anything but 200 fails the test, showing the body.
pub async fn rpc_ok(app: &Router, action: &str, pairs: &[(&str, &str)]) -> Reply {
    let reply = rpc_get(app, action, pairs).await;
    assert_eq!(reply.status.as_u16(), 200, "{action}: {}", reply.text);
    reply
}

/// A POST with the action in headers, the key in the query and the pairs in a form body.
pub async fn rpc_post_form(app: &Router, action: &str, pairs: &[(&str, &str)]) -> Reply {
    let request = Request::post("/?AccessKeyId=AK-TEST")
        .header("x-acs-action", action)
        .header("x-acs-version", "2018-08-08")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(query_of(pairs)))
        .unwrap();
    send(app, request).await
}

/// Creates a one-container group and returns its id.
pub async fn create_group(app: &Router, name: &str, extra: &[(&str, &str)]) -> String {
    let mut pairs = vec![
        ("RegionId", "cn-hangzhou"),
        ("ContainerGroupName", name),
        ("Container.1.Name", "app"),
        ("Container.1.Image", "nginx:1.25"),
    ];
    pairs.extend_from_slice(extra);
    rpc_ok(app, "CreateContainerGroup", &pairs).await.json()["ContainerGroupId"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Checks the envelope of an error whole, taking the request id from the header.
pub fn assert_error(reply: &Reply, status: u16, code: &str, message: &str) {
    assert_eq!(reply.status.as_u16(), status, "{}", reply.text);
    assert_eq!(reply.content_type, "application/json;charset=utf-8");
    let rid = &reply.request_id_header;
    assert_eq!(
        reply.json(),
        serde_json::json!({
            "RequestId": rid,
            "HostId": "eci.aliyuncs.com",
            "Code": code,
            "Message": message,
            "Recommend": format!("https://api.aliyun.com/troubleshoot?q={code}&product=Eci&requestId={rid}"),
        })
    );
}

/// Addresses held in the first network's vSwitches, per `/_emulator/state`; only those of `vpc_id`'s
/// vSwitches when given.
pub async fn addresses_in_use(app: &Router, vpc_id: Option<&str>) -> u64 {
    let state = send(app, Request::get("/_emulator/state").body(Body::empty()).unwrap())
        .await
        .json();
    state["networks"][0]["vSwitches"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| vpc_id.is_none_or(|vpc| v["vpcId"] == vpc))
        .map(|v| v["ipsInUse"].as_u64().unwrap())
        .sum()
}

/// A signed ACS3 `DescribeContainerGroups` for key `AK1`, as the Tea SDKs send it; `signed` names the
/// headers listed in `SignedHeaders` (all of them when `None`).
pub fn acs3_signed_request(
    secret: &str,
    nonce: &str,
    date: &str,
    query: &str,
    signed: Option<&[&str]>,
) -> Request<Body> {
    use eci_emulator::auth::acs3;
    use sha2::Digest;
    let body_hash = hex::encode(sha2::Sha256::digest(b""));
    let headers = [
        ("host", "127.0.0.1"),
        ("x-acs-action", "DescribeContainerGroups"),
        ("x-acs-content-sha256", body_hash.as_str()),
        ("x-acs-date", date),
        ("x-acs-signature-nonce", nonce),
        ("x-acs-version", "2018-08-08"),
    ];
    let raw = eci_emulator::protocol::RawRequest::from_parts("POST", query, &headers, b"");
    let rpc = eci_emulator::protocol::extract(&raw).unwrap_or_else(|(e, _)| panic!("{e}"));
    let all: Vec<&str> = headers.iter().map(|(k, _)| *k).collect();
    let names = signed.unwrap_or(&all);
    let canonical = acs3::canonical_request(&raw, &rpc, names, &body_hash);
    let signature = acs3::sign(secret, &acs3::string_to_sign(&canonical));
    let mut builder = Request::post(format!("/?{query}"));
    for (k, v) in headers {
        builder = builder.header(k, v);
    }
    let authorization = format!(
        "ACS3-HMAC-SHA256 Credential=AK1,SignedHeaders={},Signature={signature}",
        names.join(";")
    );
    builder
        .header("authorization", authorization)
        .body(Body::empty())
        .unwrap()
}
