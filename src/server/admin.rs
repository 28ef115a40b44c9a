//! The side API under `/_emulator`: health, reset, a dump of the state, fixture documents, fault rules,
//! rate limits, the clock, the request journal and the coverage report.

use super::AppState;
use crate::faults::rule::RuleSpec;
use crate::faults::throttle::Limit;
use crate::util::Clock;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

/// Readiness: 200 with the version and how long the emulator has been up; 503 `unhealthy` with the
/// reason while the state directory cannot be written.
pub(super) async fn health(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let mut body = json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "uptimeSeconds": state.inner.started.elapsed().as_secs_f64(),
        "signatures": if state.inner.auth.is_strict() { "verified" } else { "not checked" },
    });
    let Some(reason) = state.degraded() else {
        return (StatusCode::OK, Json(body));
    };
    body["status"] = json!("unhealthy");
    body["reason"] = json!(format!("the state directory cannot be written: {reason}"));
    (StatusCode::SERVICE_UNAVAILABLE, Json(body))
}

/// Drops every resource and every seen nonce; the state goes back to the start snapshot (if any) with
/// the start fixtures, fault rules and rate limits. With a state directory, answered once on disk.
pub(super) async fn reset(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    match state.reset().await {
        Ok(()) => {
            tracing::info!("state reset");
            (StatusCode::OK, Json(json!({"reset": true})))
        }
        Err(error) => {
            tracing::error!("reset: {error}");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"reset": false, "error": error})),
            )
        }
    }
}

/// The whole state as one snapshot file, streamed a page of groups at a time.
pub(super) async fn snapshot(State(state): State<AppState>) -> axum::response::Response {
    let reader = state.clone();
    let body =
        read_in_background(move || crate::durable::snapshot::SnapshotStream::new(&reader.shared_eci(), reader.parts()));
    let mut response = axum::response::Response::new(body);
    let headers = response.headers_mut();
    headers.insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/x-ndjson"),
    );
    headers.insert(
        axum::http::header::CONTENT_DISPOSITION,
        axum::http::HeaderValue::from_static("attachment; filename=\"eci-emulator.snapshot\""),
    );
    response
}

/// Replaces the running state with a snapshot file's, all or nothing: 400 saying what is wrong with
/// the file (and nothing changed), or 200 with what was loaded.
pub(super) async fn load_snapshot(
    State(state): State<AppState>,
    request: axum::extract::Request,
) -> (StatusCode, Json<Value>) {
    use http_body_util::BodyExt;
    let limit = state.inner.max_snapshot_bytes;
    let body = match http_body_util::Limited::new(request.into_body(), limit).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => {
            let error = format!(
                "the snapshot is larger than {limit} bytes; start the emulator with a larger --max-snapshot-bytes"
            );
            return (
                StatusCode::PAYLOAD_TOO_LARGE,
                Json(json!({"loaded": false, "error": error})),
            );
        }
        Err(e) => {
            let error = format!("the snapshot could not be read: {e}");
            return (StatusCode::BAD_REQUEST, Json(json!({"loaded": false, "error": error})));
        }
    };
    let image = match crate::durable::snapshot::read(&body) {
        Ok(image) => image,
        Err(error) => return (StatusCode::BAD_REQUEST, Json(json!({"loaded": false, "error": error}))),
    };
    let (entries, groups) = (image.entries(), image.groups());
    match state.load_image(image).await {
        Ok(()) => {
            tracing::info!(entries, groups, "snapshot loaded");
            (
                StatusCode::OK,
                Json(json!({"loaded": true, "entries": entries, "containerGroups": groups})),
            )
        }
        Err(error) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"loaded": false, "error": error})),
        ),
    }
}

/// Every partition with its groups (as `DescribeContainerGroups` shows them) and its network, streamed
/// a page of groups at a time.
pub(super) async fn state(State(state): State<AppState>) -> axum::response::Response {
    let reader = state.clone();
    let body =
        read_in_background(move || crate::ops::admin::dump::StateDump::new(reader.shared_eci(), reader.faults()));
    let mut response = axum::response::Response::new(body);
    response.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/json"),
    );
    response
}

/// A body whose chunks a thread of its own produces, one or two ahead of the connection, at the
/// lowest CPU priority: a long dump or snapshot takes what the calls leave of the machine, instead of
/// a worker that calls need. The thread stops when the client goes.
fn read_in_background<I: Iterator<Item = Vec<u8>>>(make: impl FnOnce() -> I + Send + 'static) -> axum::body::Body {
    let (chunks, received) = tokio::sync::mpsc::channel(2);
    let spawned = std::thread::Builder::new().name("state-reader".into()).spawn(move || {
        lower_this_threads_priority();
        for chunk in make() {
            if chunks.blocking_send(chunk).is_err() {
                return;
            }
        }
    });
    if let Err(e) = spawned {
        tracing::error!("a state reader could not start: {e}");
    }
    axum::body::Body::new(ChunkBody(received))
}

/// Nice 19 for the calling thread alone (Linux keeps a nice value per thread); where it cannot be
/// set, the thread runs at the usual priority.
fn lower_this_threads_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority reads no memory of ours; `who` 0 is the calling thread on Linux.
    #[allow(unsafe_code)]
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 19);
    }
}

/// A body whose frames are the chunks a reader thread sends.
struct ChunkBody(tokio::sync::mpsc::Receiver<Vec<u8>>);

impl http_body::Body for ChunkBody {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        self.0
            .poll_recv(cx)
            .map(|chunk| chunk.map(|chunk| Ok(http_body::Frame::data(Bytes::from(chunk)))))
    }
}

/// Merges a fixture document into the running state: 200 when it applied whole, 400 with the reason
/// when any part of it did not (and then nothing changed).
pub(super) async fn fixtures(State(state): State<AppState>, body: Bytes) -> (StatusCode, Json<Value>) {
    let applied = std::str::from_utf8(&body)
        .map_err(|_| "not a fixture document: the body is not UTF-8".to_owned())
        .and_then(crate::fixtures::parse)
        .and_then(|doc| {
            state.eci().apply_fixtures(&doc)?;
            replan_spot_groups(&state, &doc);
            Ok(())
        });
    match applied {
        Ok(()) => (StatusCode::OK, Json(json!({"applied": true}))),
        Err(error) => (StatusCode::BAD_REQUEST, Json(json!({"applied": false, "error": error}))),
    }
}

/// After a document declared capacity or a market: which spot groups go is planned again.
fn replan_spot_groups(state: &AppState, doc: &crate::fixtures::FixtureDocument) {
    let (capacity, market) = (!doc.capacity.is_empty(), doc.spot_market.is_some());
    if capacity || market {
        crate::ops::eci::container_group::spot::world_changed(state.eci(), state.faults(), capacity, market);
    }
}

/// Adds one fault rule: 201 with its id, or 400 saying what is wrong with it.
pub(super) async fn add_fault(State(state): State<AppState>, body: Bytes) -> (StatusCode, Json<Value>) {
    let added = serde_json::from_slice::<RuleSpec>(&body)
        .map_err(|e| e.to_string())
        .and_then(|spec| state.faults().add(spec, "api"));
    match added {
        Ok(id) => {
            tracing::info!(rule = %id, "fault rule added");
            (StatusCode::CREATED, Json(json!({ "id": &*id })))
        }
        Err(error) => (StatusCode::BAD_REQUEST, Json(json!({ "error": error }))),
    }
}

/// Every rule with how often it matched and fired, how many firings remain and whether it is active.
pub(super) async fn list_faults(State(state): State<AppState>) -> Json<Value> {
    Json(state.faults().list())
}

pub(super) async fn remove_fault(State(state): State<AppState>, Path(id): Path<String>) -> (StatusCode, Json<Value>) {
    if state.faults().remove(&id) {
        (StatusCode::OK, Json(json!({ "deleted": id })))
    } else {
        (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": format!("no fault rule {id}") })),
        )
    }
}

pub(super) async fn clear_faults(State(state): State<AppState>) -> Json<Value> {
    state.faults().clear();
    Json(json!({ "deleted": "all" }))
}

pub(super) async fn rate_limits(State(state): State<AppState>) -> Json<Value> {
    Json(json!({ "limits": state.throttle().limits() }))
}

/// Replaces the rate limits with `{"limits": [...]}`; 400 leaves the old ones in force.
pub(super) async fn set_rate_limits(State(state): State<AppState>, body: Bytes) -> (StatusCode, Json<Value>) {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Limits {
        limits: Vec<Limit>,
    }
    let parsed = serde_json::from_slice::<Limits>(&body)
        .map_err(|e| e.to_string())
        .and_then(|l| l.limits.iter().try_for_each(Limit::check).map(|()| l.limits));
    match parsed {
        Ok(limits) => {
            state.throttle().replace(limits.clone());
            (StatusCode::OK, Json(json!({ "limits": limits })))
        }
        Err(error) => (StatusCode::BAD_REQUEST, Json(json!({ "error": error }))),
    }
}

pub(super) async fn clear_rate_limits(State(state): State<AppState>) -> Json<Value> {
    state.throttle().replace(Vec::new());
    Json(json!({ "limits": [] }))
}

/// Drives a group's lifecycle: `{"action": "advance"}`, `{"action": "setStatus", "status": "Failed"}`,
/// `{"action": "terminate", "container": "app", "exitCode": 1}` or `{"action": "reclaim"}`.
pub(super) async fn drive_group(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> (StatusCode, Json<Value>) {
    let drive = match serde_json::from_slice::<crate::ops::admin::Drive>(&body) {
        Ok(drive) => drive,
        Err(e) => return (StatusCode::BAD_REQUEST, Json(json!({ "error": e.to_string() }))),
    };
    match crate::ops::admin::drive_group(state.eci(), state.faults(), &id, &drive) {
        Ok(status) => (
            StatusCode::OK,
            Json(json!({ "containerGroupId": id, "status": status })),
        ),
        Err((code, error)) => (
            StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_REQUEST),
            Json(json!({ "error": error })),
        ),
    }
}

/// Every partition with its group count, for the dashboard.
pub(super) async fn partitions(State(state): State<AppState>) -> Json<Value> {
    Json(crate::ops::admin::browse::partitions(state.eci(), state.faults()))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct GroupsQuery {
    account: String,
    region: String,
    status: Option<String>,
    name: Option<String>,
    next: Option<String>,
    limit: Option<usize>,
}

/// A page of one partition's groups, newest first.
pub(super) async fn groups(
    State(state): State<AppState>,
    axum::extract::Query(query): axum::extract::Query<GroupsQuery>,
) -> (StatusCode, Json<Value>) {
    state.eci().settle_all(state.faults());
    let page = crate::ops::admin::browse::groups(
        state.eci(),
        &crate::ops::admin::browse::GroupQuery {
            account: &query.account,
            region: &query.region,
            status: query.status.as_deref(),
            name: query.name.as_deref(),
            next_token: query.next.as_deref(),
            limit: query.limit.unwrap_or(20).clamp(1, 100),
        },
    );
    match page {
        Ok(page) => (StatusCode::OK, Json(page)),
        Err(error) => (StatusCode::BAD_REQUEST, Json(json!({ "error": error }))),
    }
}

/// One group whole, as DescribeContainerGroups shows it, with its events.
pub(super) async fn group(State(state): State<AppState>, Path(id): Path<String>) -> (StatusCode, Json<Value>) {
    state.eci().settle_all(state.faults());
    match crate::ops::admin::browse::group(state.eci(), &id) {
        Some(found) => (StatusCode::OK, Json(found)),
        None => (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": format!("no container group {id}") })),
        ),
    }
}

/// The query of `GET /_emulator/calls`, as `journal::Filter` and a limit.
fn calls_query(query: Option<&str>) -> Result<(crate::insight::journal::Filter, usize), String> {
    let mut filter = crate::insight::journal::Filter::default();
    let mut limit = 1_000;
    let pairs = crate::protocol::decode_pairs(query.unwrap_or("").as_bytes(), "query string").map_err(|e| e.message)?;
    for (name, value) in pairs {
        let value = value.into_owned();
        match &*name {
            "action" => filter.action = Some(value),
            "account" => filter.account = Some(value),
            "region" => filter.region = Some(value),
            "code" => filter.code = Some(value),
            "product" => {
                let product = crate::actions::Product::ALL.into_iter().find(|p| p.code() == value.to_ascii_lowercase());
                filter.product = Some(product.ok_or(format!("product {value:?} is none of eci, vpc, ecs, sts"))?);
            }
            "since" => {
                let at = time::OffsetDateTime::parse(&value, &time::format_description::well_known::Rfc3339)
                    .map_err(|_| format!("since {value:?} is not an RFC 3339 time such as 2030-01-01T00:00:00Z"))?;
                filter.since = Some(at);
            }
            "after" => filter.after = Some(value.parse().map_err(|_| format!("after {value:?} is not a call number"))?),
            "limit" => {
                limit = value
                    .parse::<usize>()
                    .ok()
                    .filter(|n| *n >= 1)
                    .ok_or(format!("limit {value:?} is not a whole number of at least 1"))?;
            }
            other => {
                return Err(format!(
                    "unknown filter {other:?}: the filters are action, product, account, region, code, since, after and limit"
                ))
            }
        }
    }
    Ok((filter, limit))
}

/// The journaled calls that match the filters, oldest first: the newest `limit` (1000 unless said)
/// of them, with how many matched, how many are kept and how many were dropped.
pub(super) async fn calls(
    State(state): State<AppState>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let (filter, limit) = match calls_query(query.as_deref()) {
        Ok(parsed) => parsed,
        Err(error) => return (StatusCode::BAD_REQUEST, Json(json!({ "error": error }))).into_response(),
    };
    let page = state.inner.insight.journal.read(&filter, limit);
    let body = read_in_background(move || crate::insight::journal::render_page(page));
    let mut response = axum::response::Response::new(body);
    response.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/json"),
    );
    response
}

/// Empties the journal.
pub(super) async fn clear_calls(State(state): State<AppState>) -> Json<Value> {
    Json(json!({ "deleted": state.inner.insight.journal.clear() }))
}

/// The coverage report: JSON, or a page with `?format=html`.
pub(super) async fn coverage(
    State(state): State<AppState>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let report = state.inner.insight.coverage.report();
    match query.as_deref().unwrap_or("") {
        "" | "format=json" => Json(report).into_response(),
        "format=html" => axum::response::Html(report.to_html()).into_response(),
        other => {
            let error = format!("unknown query {other:?}: format=json (the default) or format=html");
            (StatusCode::BAD_REQUEST, Json(json!({ "error": error }))).into_response()
        }
    }
}

/// Starts the coverage over.
pub(super) async fn clear_coverage(State(state): State<AppState>) -> Json<Value> {
    state.inner.insight.coverage.clear(state.eci().clock.now());
    Json(json!({ "cleared": true }))
}

fn clock_body(state: &AppState) -> Json<Value> {
    Json(json!({
        "now": crate::util::format_rfc3339_micros(state.eci().clock.now()),
        "frozen": state.inner.clock.is_frozen(),
    }))
}

/// The emulator's time, and whether it stands still.
pub(super) async fn clock(State(state): State<AppState>) -> Json<Value> {
    clock_body(&state)
}

/// What `POST /_emulator/clock` may ask, applied in this order: set, advance, freeze.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ClockChange {
    set: Option<String>,
    advance_seconds: Option<f64>,
    freeze: Option<bool>,
}

/// Sets, advances, freezes or unfreezes the clock, then applies everything that fell due, each at its
/// own time. 400 says why a change was refused (and nothing changed).
pub(super) async fn set_clock(State(state): State<AppState>, body: Bytes) -> (StatusCode, Json<Value>) {
    let refused = |error: String| (StatusCode::BAD_REQUEST, Json(json!({ "error": error })));
    let change = match serde_json::from_slice::<ClockChange>(&body) {
        Ok(change) => change,
        Err(e) => {
            return refused(format!(
                "not a clock change ({{\"freeze\"|\"advanceSeconds\"|\"set\"}}): {e}"
            ))
        }
    };
    if change.set.is_none() && change.advance_seconds.is_none() && change.freeze.is_none() {
        return refused("nothing to change: give freeze, advanceSeconds or set".into());
    }
    let clock = &state.inner.clock;
    let set = match change.set.as_deref().map(parse_rfc3339) {
        Some(Err(error)) => return refused(error),
        Some(Ok(at)) => Some(at),
        None => None,
    };
    if set.is_some() || change.advance_seconds.is_some() {
        if let Err(refusal) = clock.move_to(set, change.advance_seconds) {
            return refused(refusal.0);
        }
    }
    if let Some(frozen) = change.freeze {
        clock.freeze(frozen);
    }
    state.eci().settle_all(state.faults());
    tracing::info!(now = %crate::util::format_rfc3339_micros(clock.now()), frozen = clock.is_frozen(), "clock changed");
    (StatusCode::OK, clock_body(&state))
}

fn parse_rfc3339(text: &str) -> Result<time::OffsetDateTime, String> {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .map_err(|_| format!("set {text:?} is not an RFC 3339 time such as 2030-01-01T00:00:00Z"))
}

/// The dashboard: one page, its script and style inside it, served from the binary.
pub(super) async fn ui() -> axum::response::Html<&'static str> {
    axum::response::Html(include_str!("dashboard.html"))
}
