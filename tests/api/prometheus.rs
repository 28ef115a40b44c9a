//! `GET /metrics`: counters move as calls are answered and faults fire, gauges show the state.

use crate::common::*;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use serde_json::json;

async fn scrape(app: &Router) -> String {
    let reply = send(app, Request::get("/metrics").body(Body::empty()).unwrap()).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(
        reply.content_type.starts_with("application/openmetrics-text"),
        "{}",
        reply.content_type
    );
    assert!(reply.text.ends_with("# EOF\n"), "{}", reply.text);
    reply.text
}

/// The value of the sample of `name` whose labels include every one of `labels` (0 when absent).
fn sample(text: &str, name: &str, labels: &[&str]) -> f64 {
    text.lines()
        .filter(|line| line.starts_with(&format!("{name}{{")))
        .filter(|line| labels.iter().all(|label| line.contains(label)))
        .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

#[tokio::test]
async fn calls_faults_and_resources_show_in_the_metrics() {
    let (app, _clock) = app_with_policy_and_fixtures(eci_emulator::lifecycle::machine::PolicyKind::Immediate, None);
    let before = scrape(&app).await;
    assert_eq!(sample(&before, "eci_calls_total", &[]), 0.0);
    create_group(&app, "seen", &[]).await;
    rpc_get(&app, "DescribeContainerGroups", &[]).await;
    let rule = json!({"action": "ListUsage", "code": "ServiceUnavailable", "times": 1});
    let added = Request::post("/_emulator/faults")
        .header("content-type", "application/json")
        .body(Body::from(rule.to_string()))
        .unwrap();
    assert_eq!(send(&app, added).await.status, StatusCode::CREATED);
    rpc_get(&app, "ListUsage", &[("RegionId", "cn-hangzhou")]).await;
    rpc_get(&app, "NoSuchAction", &[]).await;
    let text = scrape(&app).await;
    let created = ["action=\"CreateContainerGroup\"", "code=\"\"", "status=\"200\""];
    assert_eq!(sample(&text, "eci_calls_total", &created), 1.0, "{text}");
    let missing = [
        "action=\"DescribeContainerGroups\"",
        "code=\"MissingParameter\"",
        "status=\"400\"",
    ];
    assert_eq!(sample(&text, "eci_calls_total", &missing), 1.0, "{text}");
    let faulted = ["action=\"ListUsage\"", "code=\"ServiceUnavailable\"", "status=\"503\""];
    assert_eq!(sample(&text, "eci_calls_total", &faulted), 1.0, "{text}");
    let unknown = ["action=\"unknown\"", "code=\"InvalidAction.NotFound\""];
    assert_eq!(sample(&text, "eci_calls_total", &unknown), 1.0, "{text}");
    assert_eq!(
        sample(&text, "eci_faults_injected_total", &["effect=\"error\""]),
        1.0,
        "{text}"
    );
    let timed = ["action=\"CreateContainerGroup\""];
    assert_eq!(sample(&text, "eci_call_duration_seconds_count", &timed), 1.0, "{text}");
    let running = ["region=\"cn-hangzhou\"", "status=\"Running\""];
    assert_eq!(sample(&text, "eci_container_groups", &running), 1.0, "{text}");
    assert_eq!(sample(&text, "eci_vswitch_addresses_in_use", &[]), 1.0, "{text}");
}

#[tokio::test]
async fn signature_failures_and_throttled_calls_are_counted() {
    let app = strict_app(&["AK1:secret-1"]);
    let reply = send(
        &app,
        acs3_signed_request("wrong", "n-1", NOW_TEXT, "RegionId=cn-hangzhou", None),
    )
    .await;
    assert_eq!(reply.json()["Code"], "SignatureDoesNotMatch");
    let text = scrape(&app).await;
    let failed = ["code=\"SignatureDoesNotMatch\""];
    assert_eq!(sample(&text, "eci_signature_failures_total", &failed), 1.0, "{text}");
    let limits = json!({"limits": [{"action": "DescribeContainerGroups", "limit": 1, "per": "minute"}]});
    let open = open_app();
    let set = Request::put("/_emulator/throttling")
        .header("content-type", "application/json")
        .body(Body::from(limits.to_string()))
        .unwrap();
    assert_eq!(send(&open, set).await.status, StatusCode::OK);
    rpc_get(&open, "DescribeContainerGroups", &[("RegionId", "cn-hangzhou")]).await;
    rpc_get(&open, "DescribeContainerGroups", &[("RegionId", "cn-hangzhou")]).await;
    let text = scrape(&open).await;
    assert_eq!(
        sample(&text, "eci_throttled_total", &["action=\"DescribeContainerGroups\""]),
        1.0,
        "{text}"
    );
}

/// A fresh emulator already declares every family, and the state gauges are zero for each served
/// region, status and kind, so dashboards and `rate()` have series before any traffic.
#[tokio::test]
async fn a_fresh_scrape_declares_every_family_and_zero_gauges() {
    let (app, _clock) = app_with_policy_and_fixtures(eci_emulator::lifecycle::machine::PolicyKind::Immediate, None);
    let fresh = scrape(&app).await;
    for (family, kind) in [
        ("eci_calls", "counter"),
        ("eci_call_duration_seconds", "histogram"),
        ("eci_faults_injected", "counter"),
        ("eci_throttled", "counter"),
        ("eci_signature_failures", "counter"),
        ("eci_container_groups", "gauge"),
        ("eci_resources", "gauge"),
        ("eci_vswitch_addresses_in_use", "gauge"),
    ] {
        assert!(
            fresh.contains(&format!("# TYPE {family} {kind}\n")),
            "{family} undeclared:\n{fresh}"
        );
        assert_eq!(
            fresh.matches(&format!("# TYPE {family} ")).count(),
            1,
            "{family} declared twice"
        );
    }
    let zero_running = "eci_container_groups{region=\"cn-shanghai\",status=\"Running\"} 0\n";
    assert!(fresh.contains(zero_running), "{fresh}");
    assert!(
        fresh.contains("eci_resources{kind=\"virtual_node\",region=\"cn-hangzhou\"} 0\n"),
        "{fresh}"
    );
    create_group(&app, "counted", &[]).await;
    let after = scrape(&app).await;
    assert_eq!(sample(&after, "eci_container_groups", &["cn-hangzhou", "Running"]), 1.0);
    assert_eq!(after.matches("# TYPE eci_calls ").count(), 1);
}
