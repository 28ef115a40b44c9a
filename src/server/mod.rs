//! The HTTP face: the router, its tower layers, the RPC endpoint and the `/_emulator` side API.

mod admin;
mod rpc;

use crate::auth::{Authenticator, Credential};
use crate::error::{ApiError, ErrorCode};
use crate::fixtures::FixtureDocument;
use crate::ops::{EciOptions, EciState};
use crate::protocol::{render_error, Format, Rendered};
use crate::util::{Clock, SystemClock};
use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::{any, get, post};
use axum::Router;
use std::sync::Arc;
use std::time::Instant;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;

/// The default most bytes a request body may have.
pub const DEFAULT_MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// What the app is built from.
pub struct AppOptions {
    /// Empty: open mode (no signature checks); otherwise strict.
    pub credentials: Vec<Credential>,
    pub seed: Option<u64>,
    pub clock: Arc<dyn Clock>,
    pub max_body_bytes: usize,
    /// Refuse unknown vSwitch and security-group ids instead of registering them.
    pub strict_network: bool,
    /// Applied at start and after every reset.
    pub fixtures: Vec<FixtureDocument>,
}

impl Default for AppOptions {
    fn default() -> Self {
        AppOptions {
            credentials: Vec::new(),
            seed: None,
            clock: Arc::new(SystemClock),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            strict_network: false,
            fixtures: Vec::new(),
        }
    }
}

/// Shared by every request.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Shared>,
}

struct Shared {
    eci: EciState,
    auth: Authenticator,
    started: Instant,
    max_body_bytes: usize,
}

impl AppState {
    /// Fails when a start fixture document does not apply.
    pub fn new(options: AppOptions) -> Result<Self, String> {
        let auth = if options.credentials.is_empty() {
            Authenticator::open()
        } else {
            Authenticator::strict(options.credentials)
        };
        let eci_options = EciOptions {
            seed: options.seed,
            strict_network: options.strict_network,
            fixtures: options.fixtures,
        };
        Ok(AppState {
            inner: Arc::new(Shared {
                eci: EciState::new(options.clock, eci_options)?,
                auth,
                started: Instant::now(),
                max_body_bytes: options.max_body_bytes,
            }),
        })
    }

    pub fn eci(&self) -> &EciState {
        &self.inner.eci
    }
}

/// The whole service: RPC on `/`, the side API under `/_emulator`.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/", any(rpc::handle))
        .route("/_emulator/health", get(admin::health))
        .route("/_emulator/reset", post(admin::reset))
        .route("/_emulator/state", get(admin::state))
        .route("/_emulator/fixtures", post(admin::fixtures))
        .fallback(not_found)
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn not_found() -> Response {
    let request_id = crate::util::new_request_id();
    into_response(
        render_error(Format::Json, &request_id, &ApiError::new(ErrorCode::InvalidAction)),
        &request_id,
    )
}

/// A panic anywhere below becomes `InternalError`, never a dropped connection.
fn panic_response(_payload: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let request_id = crate::util::new_request_id();
    tracing::error!(request_id, "handler panicked");
    into_response(
        render_error(Format::Json, &request_id, &ApiError::new(ErrorCode::InternalError)),
        &request_id,
    )
}

/// The rendered body with its status, content type and the `x-acs-request-id` header.
pub(crate) fn into_response(rendered: Rendered, request_id: &str) -> Response {
    let mut response = Response::new(Body::from(rendered.body));
    *response.status_mut() = StatusCode::from_u16(rendered.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(rendered.content_type));
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert("x-acs-request-id", id);
    }
    response
}
