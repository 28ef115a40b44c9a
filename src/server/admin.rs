//! The side API under `/_emulator`: health, reset, a dump of the state and fixture documents.

use super::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

/// Readiness: 200 with the version and how long the emulator has been up.
pub(super) async fn health(State(state): State<AppState>) -> Json<Value> {
    Json(json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "uptimeSeconds": state.inner.started.elapsed().as_secs_f64(),
        "signatures": if state.inner.auth.is_strict() { "verified" } else { "not checked" },
    }))
}

/// Drops every resource and every seen nonce.
pub(super) async fn reset(State(state): State<AppState>) -> Json<Value> {
    state.eci().reset();
    state.inner.auth.reset();
    tracing::info!("state reset");
    Json(json!({"reset": true}))
}

/// Every partition with its groups (as `DescribeContainerGroups` shows them) and its network.
pub(super) async fn state(State(state): State<AppState>) -> Json<Value> {
    Json(crate::ops::dump(state.eci()))
}

/// Merges a fixture document into the running state: 200 when it applied whole, 400 with the reason
/// when any part of it did not (and then nothing changed).
pub(super) async fn fixtures(State(state): State<AppState>, body: Bytes) -> (StatusCode, Json<Value>) {
    let text = String::from_utf8_lossy(&body);
    let applied = crate::fixtures::parse(&text).and_then(|doc| state.eci().apply_fixtures(&doc));
    match applied {
        Ok(()) => (StatusCode::OK, Json(json!({"applied": true}))),
        Err(error) => (StatusCode::BAD_REQUEST, Json(json!({"applied": false, "error": error}))),
    }
}
