//! The virtual clock, the request journal and the coverage report, through the side API.

use crate::common::*;
use axum::body::Body;
use axum::http::Request;
use axum::Router;
use eci_emulator::server::{app, AppOptions, AppState};
use eci_emulator::util::VirtualClock;
use serde_json::{json, Value};
use std::sync::Arc;

async fn side(app: &Router, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut request = Request::builder().method(method).uri(path);
    if body.is_some() {
        request = request.header("content-type", "application/json");
    }
    let body = body.map_or_else(Body::empty, |b| Body::from(b.to_string()));
    let reply = send(app, request.body(body).unwrap()).await;
    (reply.status.as_u16(), reply.json())
}

/// An app whose stages each last an hour, on a frozen clock at NOW.
fn hour_stages() -> (Router, Arc<VirtualClock>) {
    let clock = Arc::new(VirtualClock::frozen_at_unix(NOW));
    let mut lifecycle = eci_emulator::lifecycle::machine::Policy {
        kind: eci_emulator::lifecycle::machine::PolicyKind::Time,
        ..Default::default()
    };
    let d = &mut lifecycle.delays;
    (d.scheduling_ms, d.pending_ms, d.jitter_ms) = (3_600_000, 3_600_000, 0);
    let state = AppState::new(AppOptions {
        clock: clock.clone(),
        seed: Some(7),
        lifecycle,
        ..AppOptions::default()
    })
    .unwrap();
    (app(state), clock)
}

#[tokio::test]
async fn advancing_the_clock_applies_every_stage_at_its_own_time() {
    let (app, _) = hour_stages();
    let (status, clock) = side(&app, "GET", "/_emulator/clock", None).await;
    assert_eq!((status, clock), (200, json!({"now": NOW_TEXT, "frozen": true})));
    let id = create_group(&app, "slow", &[]).await;
    let status_of = |app: Router, id: String| async move {
        let reply = rpc_ok(
            &app,
            "DescribeContainerGroups",
            &[
                ("RegionId", "cn-hangzhou"),
                ("ContainerGroupIds", &format!("[\"{id}\"]")),
            ],
        )
        .await;
        reply.json()["ContainerGroups"][0].clone()
    };
    assert_eq!(status_of(app.clone(), id.clone()).await["Status"], "Scheduling");

    let (status, moved) = side(
        &app,
        "POST",
        "/_emulator/clock",
        Some(json!({"advanceSeconds": 3 * 3600})),
    )
    .await;
    assert_eq!(
        (status, moved),
        (200, json!({"now": "2026-11-28T01:00:00Z", "frozen": true}))
    );
    let group = status_of(app.clone(), id).await;
    assert_eq!(group["Status"], "Running");
    let events = rpc_ok(&app, "DescribeContainerGroupEvents", &[("RegionId", "cn-hangzhou")])
        .await
        .json();
    let times = |reason: &str| -> Vec<String> {
        events["Data"][0]["Events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["Reason"] == reason)
            .map(|e| e["FirstTimestamp"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        times("Scheduled"),
        ["2026-11-27T23:00:00Z"],
        "scheduled an hour after the create"
    );
    assert_eq!(times("Started"), ["2026-11-28T00:00:00Z"], "started an hour after that");
    assert_eq!(group["CreationTime"], NOW_TEXT);
}

#[tokio::test]
async fn the_clock_never_goes_back_and_says_why() {
    let (app, _) = hour_stages();
    let (status, body) = side(&app, "POST", "/_emulator/clock", Some(json!({"advanceSeconds": -1}))).await;
    assert_eq!(status, 400);
    assert!(body["error"].as_str().unwrap().contains("never goes back"), "{body}");
    let (status, body) = side(
        &app,
        "POST",
        "/_emulator/clock",
        Some(json!({"set": "2020-01-01T00:00:00Z"})),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body["error"].as_str().unwrap().contains("before the clock's now"),
        "{body}"
    );
    for bad in [
        json!({}),
        json!({"freeze": "yes"}),
        json!({"rewind": 5}),
        json!({"set": "tomorrow"}),
    ] {
        let (status, body) = side(&app, "POST", "/_emulator/clock", Some(bad.clone())).await;
        assert_eq!(status, 400, "{bad} → {body}");
        assert!(body["error"].is_string());
    }
    // A refused advance leaves an accompanying set undone too.
    let both = json!({"set": "2030-01-01T00:00:00Z", "advanceSeconds": -5});
    assert_eq!(side(&app, "POST", "/_emulator/clock", Some(both)).await.0, 400);
    let (_, clock) = side(&app, "GET", "/_emulator/clock", None).await;
    assert_eq!(clock["now"], NOW_TEXT);

    let (status, set) = side(
        &app,
        "POST",
        "/_emulator/clock",
        Some(json!({"set": "2030-01-01T00:00:00.25Z"})),
    )
    .await;
    assert_eq!(
        (status, set),
        (200, json!({"now": "2030-01-01T00:00:00.25Z", "frozen": true}))
    );
    let (_, running) = side(&app, "POST", "/_emulator/clock", Some(json!({"freeze": false}))).await;
    assert_eq!(running["frozen"], false);
    assert!(running["now"].as_str().unwrap().starts_with("2030-01-01T00:00:0"));
}

#[tokio::test]
async fn the_journal_keeps_decoded_parameters_and_filters_them() {
    let app = open_app();
    create_group(&app, "one", &[("Cpu", "2"), ("Memory", "4")]).await;
    let refused = rpc_get(
        &app,
        "DescribeContainerGroups",
        &[("RegionId", "cn-hangzhou"), ("Limit", "-1")],
    )
    .await;
    assert_eq!(refused.status, 400);
    rpc_get(&app, "NoSuchAction", &[("RegionId", "cn-hangzhou")]).await;

    let (status, all) = side(&app, "GET", "/_emulator/calls", None).await;
    assert_eq!(status, 200);
    assert_eq!(
        (all["matched"].as_u64(), all["kept"].as_u64(), all["dropped"].as_u64()),
        (Some(3), Some(3), Some(0))
    );
    let create = &all["calls"][0];
    assert_eq!(create["action"], "CreateContainerGroup");
    assert_eq!(create["params"]["Cpu"], "2");
    assert_eq!(create["params"]["Container.1.Image"], "nginx:1.25");
    assert_eq!(
        create["params"].get("Action"),
        None,
        "the gateway's own fields are left out"
    );
    assert_eq!(
        (create["status"].as_u64(), create["code"].as_str()),
        (Some(200), Some(""))
    );
    assert_eq!(create["account"], "AK-TEST");
    assert_eq!(create["region"], "cn-hangzhou");
    assert_eq!(create["product"], "eci");
    assert!(create["requestId"].as_str().unwrap().len() > 10);
    assert_eq!(
        all["calls"][1]["requestId"].as_str(),
        Some(refused.request_id_header.as_str())
    );

    let (_, ok) = side(&app, "GET", "/_emulator/calls?code=OK", None).await;
    assert_eq!(ok["calls"].as_array().unwrap().len(), 1);
    let (_, invalid) = side(
        &app,
        "GET",
        "/_emulator/calls?code=InvalidAction.NotFound&region=cn-hangzhou",
        None,
    )
    .await;
    assert_eq!(invalid["calls"][0]["action"], "NoSuchAction");
    let (_, describe) = side(
        &app,
        "GET",
        "/_emulator/calls?action=DescribeContainerGroups&account=AK-TEST",
        None,
    )
    .await;
    assert_eq!(describe["calls"][0]["params"]["Limit"], "-1");
    let (_, newest) = side(&app, "GET", "/_emulator/calls?limit=1", None).await;
    assert_eq!(
        (newest["calls"][0]["action"].as_str(), newest["matched"].as_u64()),
        (Some("NoSuchAction"), Some(3))
    );
    let (_, later) = side(&app, "GET", "/_emulator/calls?since=2999-01-01T00:00:00Z", None).await;
    assert_eq!(later["calls"], json!([]));
    let (status, bad) = side(&app, "GET", "/_emulator/calls?colour=red", None).await;
    assert_eq!(status, 400);
    assert!(bad["error"].as_str().unwrap().contains("unknown filter"), "{bad}");

    let (_, cleared) = side(&app, "DELETE", "/_emulator/calls", None).await;
    assert_eq!(cleared["deleted"], 3);
    let (_, empty) = side(&app, "GET", "/_emulator/calls", None).await;
    assert_eq!((empty["kept"].as_u64(), empty["dropped"].as_u64()), (Some(0), Some(3)));
}

#[tokio::test]
async fn a_call_that_could_not_be_read_is_the_account_its_key_names_only_without_credentials() {
    let open = open_app();
    rpc_at(
        &open,
        "2099-01-01",
        "LTAIunread",
        "CreateVpc",
        &[("RegionId", "cn-hangzhou")],
    )
    .await;
    let form = Request::post("/")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("Action=X&Version=1999-09-09&AccessKeyId=LTAIform"))
        .unwrap();
    assert_eq!(send(&open, form).await.status, 400);
    let (_, unread) = side(&open, "GET", "/_emulator/calls?account=LTAIunread", None).await;
    let call = &unread["calls"][0];
    assert_eq!(
        (call["action"].as_str(), call["code"].as_str(), &call["product"]),
        (Some("CreateVpc"), Some("InvalidVersion"), &Value::Null)
    );
    let (_, by_form) = side(&open, "GET", "/_emulator/calls?account=LTAIform", None).await;
    assert_eq!(by_form["matched"], 1, "{by_form}");

    let strict = strict_app(&["LTAIstrict:secret"]);
    rpc_at(&strict, "2099-01-01", "LTAIstrict", "CreateVpc", &[]).await;
    let (_, calls) = side(&strict, "GET", "/_emulator/calls", None).await;
    assert_eq!(calls["calls"][0]["account"], "", "nothing unverified names an account");
}

#[tokio::test]
async fn a_bounded_journal_drops_the_oldest_and_metrics_count_it() {
    let state = AppState::new(AppOptions {
        journal_size: 2,
        lifecycle: immediate(),
        ..AppOptions::default()
    })
    .unwrap();
    let app = app(state);
    for _ in 0..5 {
        rpc_ok(&app, "DescribeRegions", &[]).await;
    }
    let (_, page) = side(&app, "GET", "/_emulator/calls", None).await;
    let seqs: Vec<u64> = page["calls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(seqs, [4, 5]);
    assert_eq!(page["journalSize"], 2);
    let metrics = send(&app, Request::get("/metrics").body(Body::empty()).unwrap())
        .await
        .text;
    assert!(metrics.contains("eci_journal_calls 2\n"), "{metrics}");
    assert!(metrics.contains("eci_journal_dropped_total 3\n"), "{metrics}");
}

#[tokio::test]
async fn coverage_counts_every_operation_code_and_parameter_exactly() {
    let (app, _) = open_app_with_clock();
    let fault = json!({"action": "DeleteContainerGroup", "code": "ServiceUnavailable", "times": 1});
    let (status, rule) = side(&app, "POST", "/_emulator/faults", Some(fault)).await;
    assert_eq!(status, 201);
    let id = create_group(
        &app,
        "one",
        &[
            ("Container.1.Port.1.Port", "80"),
            ("Container.1.Port.1.Protocol", "TCP"),
        ],
    )
    .await;
    rpc_get(
        &app,
        "CreateContainerGroup",
        &[("RegionId", "cn-hangzhou"), ("ContainerGroupName", "Bad_Name")],
    )
    .await;
    let delete = [("RegionId", "cn-hangzhou"), ("ContainerGroupId", id.as_str())];
    assert_eq!(rpc_get(&app, "DeleteContainerGroup", &delete).await.status, 503);
    rpc_ok(&app, "DeleteContainerGroup", &delete).await;
    rpc_get(&app, "NoSuchAction", &[]).await;
    rpc_at(&app, "2099-01-01", "AK-TEST", "DescribeVpcs", &[]).await;
    rpc_at(
        &app,
        "2016-04-28",
        "AK-TEST",
        "DescribeVpcs",
        &[("RegionId", "cn-hangzhou")],
    )
    .await;

    let (status, report) = side(&app, "GET", "/_emulator/coverage", None).await;
    assert_eq!(status, 200);
    let operation = |product: &str, action: &str| -> Value {
        report["products"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["product"] == product)
            .and_then(|p| {
                p["operations"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|o| o["action"] == action)
                    .cloned()
            })
            .unwrap()
    };
    let create = operation("eci", "CreateContainerGroup");
    assert_eq!(
        (create["calls"].as_u64(), create["successes"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(create["errors"], json!({"MissingParameter": 1}), "{create}");
    let parameters: Vec<&str> = create["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert_eq!(
        parameters,
        [
            "Container.N.Image",
            "Container.N.Name",
            "Container.N.Port.N.Port",
            "Container.N.Port.N.Protocol",
            "ContainerGroupName",
            "RegionId"
        ]
    );
    let not_returned = create["documentedErrorsNotReturned"].as_array().unwrap();
    assert!(not_returned.iter().any(|c| c == "InvalidParameter.CPU.Memory"));
    assert!(!not_returned.iter().any(|c| c == "MissingParameter"));
    let delete = operation("eci", "DeleteContainerGroup");
    assert_eq!(
        (delete["calls"].as_u64(), delete["successes"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(delete["faults"], json!({ rule["id"].as_str().unwrap(): 1 }));
    assert_eq!(delete["errors"], json!({"ServiceUnavailable": 1}));
    assert_eq!(operation("vpc", "DescribeVpcs")["calls"], 1);
    assert_eq!(operation("eci", "ListUsage")["calls"], 0);
    assert_eq!(
        report["unknownActions"],
        json!([{"version": "2018-08-08", "action": "NoSuchAction", "calls": 1}])
    );
    assert_eq!(
        report["unknownVersions"],
        json!([{"version": "2099-01-01", "action": "DescribeVpcs", "calls": 1}])
    );
    let summary = &report["summary"];
    assert_eq!(summary["operationsCalled"], 3);
    assert_eq!(summary["calls"], 5);
    assert_eq!(
        report["errorCodesSeen"],
        json!([
            "InvalidAction.NotFound",
            "InvalidVersion",
            "MissingParameter",
            "ServiceUnavailable"
        ])
    );
    let operations = summary["operations"].as_u64().unwrap();
    assert_eq!(
        summary["line"].as_str().unwrap(),
        format!("3/{operations} operations (ECI 2/36, VPC 1/30, ECS 0/22, STS 0/1, Resource Manager 0/2), 4 error codes seen")
    );

    let page = send(
        &app,
        Request::get("/_emulator/coverage?format=html")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(page.content_type.starts_with("text/html"));
    assert!(page.text.contains("<p id=\"summary\">3/"), "{}", page.text);
    assert!(page.text.contains("data-action=\"ListUsage\""));
    let (status, _) = side(&app, "GET", "/_emulator/coverage?format=pdf", None).await;
    assert_eq!(status, 400);

    // A state reset leaves the coverage (a suite's helpers reset between tests); DELETE starts over.
    side(&app, "POST", "/_emulator/reset", Some(json!({}))).await;
    assert_eq!(
        side(&app, "GET", "/_emulator/coverage", None).await.1["summary"]["calls"],
        5
    );
    side(&app, "DELETE", "/_emulator/coverage", None).await;
    let (_, fresh) = side(&app, "GET", "/_emulator/coverage", None).await;
    assert_eq!(
        (
            fresh["summary"]["calls"].as_u64(),
            fresh["unknownActions"].as_array().map(Vec::len)
        ),
        (Some(0), Some(0))
    );
}

/// Large calls cost the journal a few KiB each, with what was cut noted; the journal stays within
/// its byte budget, reads back as one JSON document, and gives its bytes back when emptied.
#[tokio::test]
async fn large_calls_are_clipped_and_the_journal_is_bounded_in_bytes() {
    let budget = 256 * 1024;
    let state = AppState::new(AppOptions {
        journal_bytes: budget,
        lifecycle: immediate(),
        ..AppOptions::default()
    })
    .unwrap();
    let app = app(state);
    let big = "x".repeat(2 << 20);
    for _ in 0..40 {
        let reply = rpc_post_form(
            &app,
            "DescribeRegions",
            &[("RegionId", "cn-hangzhou"), ("Padding", &big)],
        )
        .await;
        assert_eq!(
            reply.status.as_u16(),
            200,
            "{}",
            &reply.text[..reply.text.len().min(300)]
        );
    }
    let (status, page) = side(&app, "GET", "/_emulator/calls", None).await;
    assert_eq!(status, 200);
    let kept_bytes = page["journalBytes"].as_u64().unwrap();
    assert!(kept_bytes <= budget, "{kept_bytes}");
    assert_eq!(page["journalByteBudget"], budget);
    let calls = page["calls"].as_array().unwrap();
    assert_eq!(calls.len() as u64 + page["dropped"].as_u64().unwrap(), 40);
    assert!(calls.len() >= 10, "only {} clipped calls fit in 256 KiB", calls.len());
    let newest = calls.last().unwrap();
    assert_eq!(newest["clipped"]["values"]["Padding"], 2 << 20);
    assert_eq!(newest["params"]["Padding"].as_str().map(str::len), Some(1024));
    assert_eq!(newest["params"]["RegionId"], "cn-hangzhou");
    let metrics = send(&app, Request::get("/metrics").body(Body::empty()).unwrap())
        .await
        .text;
    assert!(
        metrics.contains(&format!("eci_journal_bytes {kept_bytes}\n")),
        "journal bytes not in metrics"
    );
    let (_, deleted) = side(&app, "DELETE", "/_emulator/calls", None).await;
    assert_eq!(deleted["deleted"], calls.len());
    let (_, empty) = side(&app, "GET", "/_emulator/calls", None).await;
    assert_eq!(
        (empty["journalBytes"].clone(), empty["calls"].clone()),
        (json!(0), json!([]))
    );
}

/// Advances and sets stop at the clock's latest date instead of wrapping to 1970, and what is made
/// then is dated then.
#[tokio::test]
async fn the_clock_stops_at_its_latest_date_and_what_is_made_then_is_dated_then() {
    let (app, _) = hour_stages();
    let mut refused = None;
    for _ in 0..9 {
        let (status, body) = side(
            &app,
            "POST",
            "/_emulator/clock",
            Some(json!({"advanceSeconds": 1000.0 * 365.0 * 86400.0})),
        )
        .await;
        if status != 200 {
            refused = Some((status, body));
            break;
        }
    }
    let (status, body) = refused.expect("an advance past 9999 was taken");
    assert_eq!(status, 400);
    assert!(
        body["error"].as_str().unwrap().contains("past 9000-01-01T00:00:00Z"),
        "{body}"
    );
    let (_, clock) = side(&app, "GET", "/_emulator/clock", None).await;
    assert!(clock["now"].as_str().unwrap().starts_with('8'), "{clock}");
    let (status, _) = side(
        &app,
        "POST",
        "/_emulator/clock",
        Some(json!({"set": "9000-01-01T00:00:00Z"})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = side(&app, "POST", "/_emulator/clock", Some(json!({"advanceSeconds": 1}))).await;
    assert_eq!(status, 400);
    // Groups made at the last date are still dated then, not 1970.
    let created = rpc_ok(
        &app,
        "CreateContainerGroup",
        &[
            ("RegionId", "cn-hangzhou"),
            ("ContainerGroupName", "late"),
            ("Container.1.Name", "c"),
            ("Container.1.Image", "nginx"),
        ],
    )
    .await;
    let id = created.json()["ContainerGroupId"].as_str().unwrap().to_owned();
    let ids = format!("[\"{id}\"]");
    let described = rpc_ok(
        &app,
        "DescribeContainerGroups",
        &[("RegionId", "cn-hangzhou"), ("ContainerGroupIds", &ids)],
    )
    .await
    .json();
    assert!(
        described["ContainerGroups"][0]["CreationTime"]
            .as_str()
            .unwrap()
            .starts_with("9000-01-01"),
        "{described}"
    );
}
