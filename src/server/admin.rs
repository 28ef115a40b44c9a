//! The side API under `/_emulator`: health, reset and a dump of the state.

use super::AppState;
use axum::extract::State;
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
