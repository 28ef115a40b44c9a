//! The side API of the world a suite tests against: zone capacity (`GET/PUT /_emulator/capacity`)
//! and the spot market (`GET/PUT /_emulator/spot-market`). A `PUT` replaces what is declared (a 400
//! names what is wrong and changes nothing), then plans again which spot groups the new world lets
//! go.

use super::AppState;
use crate::capacity::market::MarketDocument;
use crate::capacity::CapacityRule;
use crate::ops::eci::container_group::spot;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

fn capacity_body(state: &AppState) -> Value {
    let eci = state.eci();
    json!({"capacity": eci.capacity.rules(), "slots": eci.capacity.slots()})
}

/// The declarations, and each declared slot's use: `{"capacity": [...], "slots": [...]}`.
pub(super) async fn capacity(State(state): State<AppState>) -> Json<Value> {
    state.eci().settle_all(state.faults());
    Json(capacity_body(&state))
}

/// Replaces the declarations with `{"capacity": [{"regionId", "zoneId", "spec", "groups"}]}`; spot
/// groups beyond what a zone now holds are let go.
pub(super) async fn set_capacity(State(state): State<AppState>, body: Bytes) -> (StatusCode, Json<Value>) {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Declared {
        capacity: Vec<CapacityRule>,
    }
    let eci = state.eci();
    let declared = serde_json::from_slice::<Declared>(&body)
        .map_err(|e| format!("not a capacity document: {e}"))
        .and_then(|d| eci.capacity.declare(&d.capacity));
    if let Err(error) = declared {
        return (StatusCode::BAD_REQUEST, Json(json!({ "error": error })));
    }
    spot::world_changed(eci, state.faults(), true, false);
    (StatusCode::OK, Json(capacity_body(&state)))
}

fn market_body(state: &AppState) -> Value {
    let eci = state.eci();
    let now = crate::util::format_rfc3339_seconds(eci.clock.now());
    let prices: Vec<Value> = crate::ops::eci::catalog::market_prices(eci)
        .into_iter()
        .map(|(slot, price)| json!({"regionId": slot.region_id, "zoneId": slot.zone_id, "spec": slot.spec, "price": price}))
        .collect();
    json!({"spotMarket": eci.market.document(), "now": now, "prices": prices})
}

/// The market in force, its moments as times, and its price now in each series' slot and declared
/// size: `{"spotMarket": {"series", "walk"}, "now", "prices": [{"regionId", "zoneId", "spec", "price"}]}`.
pub(super) async fn spot_market(State(state): State<AppState>) -> Json<Value> {
    Json(market_body(&state))
}

/// Replaces the market with `{"series": [...], "walk": {...}}` (offsets in seconds count from the
/// emulator's clock now); each spot group with a price limit is planned again.
pub(super) async fn set_spot_market(State(state): State<AppState>, body: Bytes) -> (StatusCode, Json<Value>) {
    let eci = state.eci();
    let resolved = serde_json::from_slice::<MarketDocument>(&body)
        .map_err(|e| format!("not a spot-market document: {e}"))
        .and_then(|d| d.resolved(eci.clock.now()));
    let document = match resolved {
        Ok(document) => document,
        Err(error) => return (StatusCode::BAD_REQUEST, Json(json!({ "error": error }))),
    };
    eci.market.declare(document);
    spot::world_changed(eci, state.faults(), false, true);
    (StatusCode::OK, Json(market_body(&state)))
}
