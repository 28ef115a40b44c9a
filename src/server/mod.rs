//! The HTTP face: the router, its tower layers, the RPC endpoint and the `/_emulator` side API.

mod admin;
mod broken_body;
mod exec_socket;
mod guard;
pub mod listener;
pub mod metrics;
mod refusals;
mod rpc;
pub mod tls;
mod world;

pub use rpc::{FAULT_HEADER, RETRY_AFTER_HEADER};

use crate::auth::{Authenticator, Credential};
use crate::durable::{Durable, Image, Parts};
use crate::error::{ApiError, ErrorCode};
use crate::faults::rule::RuleSpec;
use crate::faults::throttle::{Limit, Throttle};
use crate::faults::Faults;
use crate::fixtures::FixtureDocument;
use crate::lifecycle::machine::Policy;
use crate::ops::{EciOptions, EciState};
use crate::protocol::{render_error, Format, Rendered};
use crate::util::{Clock, SystemClock, VirtualClock};
use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::{any, delete, get, post};
use axum::Router;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::watch;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::{DefaultOnFailure, TraceLayer};

pub use crate::config::{DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_SIDE_API_BODY_BYTES, DEFAULT_MAX_SNAPSHOT_BYTES};

/// What the app is built from.
pub struct AppOptions {
    /// Empty: open mode (no signature checks); otherwise strict.
    pub credentials: Vec<Credential>,
    pub seed: Option<u64>,
    /// What everything time-based reads; the side API freezes, advances and sets it.
    pub clock: Arc<VirtualClock>,
    /// What signed timestamps and nonces are checked against: the machine's clock, since clients
    /// sign with theirs, whatever the virtual clock says.
    pub signature_clock: Arc<dyn Clock>,
    pub max_body_bytes: usize,
    /// Largest side-API body accepted, snapshots aside.
    pub max_side_api_body_bytes: usize,
    /// Largest snapshot read, posted or from `--snapshot`.
    pub max_snapshot_bytes: usize,
    /// Refuse unknown vSwitch and security-group ids instead of registering them.
    pub strict_network: bool,
    /// Applied at start and after every reset.
    pub fixtures: Vec<FixtureDocument>,
    /// Fault rules in force at start and after every reset.
    pub faults: Vec<RuleSpec>,
    /// Rate limits in force at start and after every reset.
    pub rate_limits: Vec<Limit>,
    /// How groups move through their statuses unless their tags say otherwise.
    pub lifecycle: Policy,
    /// When set, every side-API call but `health` needs `Authorization: Bearer <token>`.
    pub admin_token: Option<String>,
    /// With an admin token, `/metrics` needs it too.
    pub guard_metrics: bool,
    /// Dotted host names the side API answers besides loopback names, IP addresses and single labels.
    pub allow_hosts: Vec<String>,
    /// Where the state is kept across restarts; none: in memory only.
    pub state_dir: Option<std::path::PathBuf>,
    /// What to do with a damaged state directory.
    pub salvage: crate::durable::Salvage,
    /// A snapshot file loaded at start (on an empty state) and at every reset.
    pub snapshot: Option<std::path::PathBuf>,
    /// How many calls the request journal keeps.
    pub journal_size: usize,
    /// How many bytes the request journal's calls may hold.
    pub journal_bytes: u64,
}

impl Default for AppOptions {
    fn default() -> Self {
        AppOptions {
            credentials: Vec::new(),
            seed: None,
            clock: Arc::new(VirtualClock::system()),
            signature_clock: Arc::new(SystemClock),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_side_api_body_bytes: DEFAULT_MAX_SIDE_API_BODY_BYTES,
            max_snapshot_bytes: DEFAULT_MAX_SNAPSHOT_BYTES,
            strict_network: false,
            fixtures: Vec::new(),
            faults: Vec::new(),
            rate_limits: Vec::new(),
            lifecycle: crate::lifecycle::machine::Policy::default(),
            admin_token: None,
            guard_metrics: false,
            allow_hosts: Vec::new(),
            state_dir: None,
            salvage: crate::durable::Salvage::default(),
            snapshot: None,
            journal_size: crate::config::DEFAULT_JOURNAL_SIZE as usize,
            journal_bytes: crate::config::DEFAULT_JOURNAL_BYTES,
        }
    }
}

/// Shared by every request.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Shared>,
}

struct Shared {
    eci: Arc<EciState>,
    clock: Arc<VirtualClock>,
    signature_clock: Arc<dyn Clock>,
    auth: Authenticator,
    faults: Faults,
    throttle: Throttle,
    started: Instant,
    max_body_bytes: usize,
    max_side_api_body_bytes: usize,
    max_snapshot_bytes: usize,
    admin_token: Option<String>,
    guard_metrics: bool,
    allow_hosts: Vec<String>,
    metrics: metrics::Metrics,
    insight: crate::insight::Insight,
    shutting_down: watch::Sender<bool>,
    durable: Option<Durable>,
    snapshot: Option<std::path::PathBuf>,
}

impl AppState {
    /// Fails when a start fixture document does not apply, or the state directory or snapshot cannot
    /// be read (the message names which and why).
    pub fn new(options: AppOptions) -> Result<Self, String> {
        let auth = if options.credentials.is_empty() {
            Authenticator::open()
        } else {
            Authenticator::strict(options.credentials)
        };
        let faults = Faults::new(options.clock.clone(), options.seed, options.faults)?;
        let throttle = Throttle::new(options.clock.clone(), options.rate_limits);
        let clock = Arc::clone(&options.clock);
        let started_at = clock.now();
        let eci_options = EciOptions {
            seed: options.seed,
            strict_network: options.strict_network,
            fixtures: options.fixtures,
            lifecycle: options.lifecycle,
        };
        // Nonces age by the machine's clock, as the timestamps they were signed with.
        let now = options.signature_clock.now();
        let (durable, stored) = match &options.state_dir {
            Some(dir) => Durable::open(dir, now, options.salvage).map(|(d, image)| (Some(d), image))?,
            None => (None, None),
        };
        let state = AppState {
            inner: Arc::new(Shared {
                eci: Arc::new(EciState::new(options.clock, eci_options).map_err(|e| format!("fixtures: {e}"))?),
                clock,
                signature_clock: options.signature_clock,
                auth,
                faults,
                throttle,
                started: Instant::now(),
                max_body_bytes: options.max_body_bytes,
                max_side_api_body_bytes: options.max_side_api_body_bytes,
                max_snapshot_bytes: options.max_snapshot_bytes,
                admin_token: options.admin_token.filter(|t| !t.is_empty()),
                guard_metrics: options.guard_metrics,
                allow_hosts: options.allow_hosts,
                metrics: metrics::Metrics::default(),
                insight: crate::insight::Insight::new(options.journal_size, options.journal_bytes, started_at),
                shutting_down: watch::Sender::new(false),
                durable,
                snapshot: options.snapshot,
            }),
        };
        state.start(stored, now)?;
        if let Some(durable) = &state.inner.durable {
            let shared = Arc::downgrade(&state.inner);
            durable.on_reload(Box::new(move |image| {
                if let Some(inner) = shared.upgrade() {
                    AppState { inner }.reload_from_store(image);
                }
            }));
        }
        Ok(state)
    }

    /// After a failed write: the running state goes back to what the store holds, so nothing of the
    /// calls that failed remains.
    fn reload_from_store(&self, image: Option<Image>) {
        image
            .unwrap_or_default()
            .install(self.parts(), self.inner.signature_clock.now());
        if let Some(durable) = &self.inner.durable {
            durable.captured.forget();
        }
    }

    /// Why the state directory cannot be written right now, if it cannot.
    pub fn degraded(&self) -> Option<std::sync::Arc<str>> {
        self.inner.durable.as_ref().and_then(|d| d.journal().degraded())
    }

    /// The state at start: what the state directory holds when it holds anything; otherwise the
    /// snapshot (if any) with the start fixtures, rules and limits, written whole to the directory.
    fn start(&self, stored: Option<Image>, now: time::OffsetDateTime) -> Result<(), String> {
        let parts = self.parts();
        if let Some(durable) = &self.inner.durable {
            self.eci().attach_journal(Arc::clone(durable.journal()));
            self.inner.auth.attach_journal(Arc::clone(durable.journal()));
            // Queued before the record that carries the id, in the same call: a commit that stores
            // the record stores the generator past it.
            let journal = Arc::clone(durable.journal());
            self.eci().ids.on_draw(move |saved| {
                let (key, value) = crate::durable::export::ids_entry(saved);
                journal.push(crate::store::Change::Put(key, value));
            });
        }
        match stored {
            Some(image) => {
                tracing::info!(groups = image.groups(), entries = image.entries(), "state loaded");
                let older_form = image.has_whole_networks();
                image.install_as(parts, now, true);
                if older_form {
                    // A store of before format 3 keeps each network whole: it is written again,
                    // record by record, in one commit.
                    self.rewrite_durable();
                }
            }
            None => {
                if self.inner.snapshot.is_some() {
                    self.start_state()?;
                }
                self.rewrite_durable();
            }
        }
        Ok(())
    }

    /// Everything as at a fresh start: the snapshot (if any), then the start fixtures, fault rules
    /// and rate limits.
    fn start_state(&self) -> Result<(), String> {
        let parts = self.parts();
        let now = self.inner.signature_clock.now();
        // Without a snapshot, an empty image: installing it clears everything the same way.
        let image = match &self.inner.snapshot {
            Some(path) => read_snapshot_file(path, self.inner.max_snapshot_bytes)?,
            None => Image::default(),
        };
        image.install(parts, now);
        self.eci()
            .apply_start_fixtures()
            .map_err(|e| format!("fixtures: {e}"))?;
        self.inner.faults.add_start_rules()?;
        self.inner.throttle.apply_start_limits();
        Ok(())
    }

    /// Back to the start state; with a state directory, durably.
    pub async fn reset(&self) -> Result<(), String> {
        let outcome = self.start_state();
        self.rewrite_durable();
        self.durable_now().await?;
        outcome
    }

    /// Puts a decoded snapshot in place of the running state; with a state directory, durably.
    pub async fn load_image(&self, image: Image) -> Result<(), String> {
        image.install(self.parts(), self.inner.signature_clock.now());
        self.rewrite_durable();
        self.durable_now().await
    }

    /// With a state directory: clears it and writes the whole running state to it.
    fn rewrite_durable(&self) {
        if let Some(durable) = &self.inner.durable {
            let export = crate::durable::export::Export::new(&self.inner.eci, self.parts());
            durable.captured.rewrite(durable.journal(), self.parts(), export);
        }
    }

    /// With a state directory: the whole-state values that changed are written, and this resolves
    /// once everything queued so far is on disk.
    pub async fn durable_now(&self) -> Result<(), String> {
        let Some(durable) = &self.inner.durable else {
            return Ok(());
        };
        durable.captured.capture(durable.journal(), self.parts());
        let last = durable.journal().last_queued();
        durable.journal().durable(last).await.map_err(|e| e.to_string())
    }

    /// What the running state is made of, for the durable state.
    pub fn parts(&self) -> Parts<'_> {
        Parts {
            eci: &self.inner.eci,
            faults: &self.inner.faults,
            throttle: &self.inner.throttle,
            auth: &self.inner.auth,
            clock: &self.inner.clock,
        }
    }

    /// Writes what is still queued for the state directory and stops its writer.
    pub fn close_durable(&self) {
        if let Some(durable) = &self.inner.durable {
            durable.close();
        }
    }

    pub fn eci(&self) -> &EciState {
        &self.inner.eci
    }

    /// The ECI state, shared: for work that outlives the handler, such as a streamed dump.
    pub fn shared_eci(&self) -> Arc<EciState> {
        Arc::clone(&self.inner.eci)
    }

    pub fn faults(&self) -> &Faults {
        &self.inner.faults
    }

    pub fn throttle(&self) -> &Throttle {
        &self.inner.throttle
    }

    /// Ends every hanging request, so a graceful shutdown does not wait for them.
    pub fn begin_shutdown(&self) {
        self.inner.shutting_down.send_replace(true);
    }

    /// Resolves after `limit`, or as soon as shutdown begins.
    async fn until_shutdown(&self, limit: std::time::Duration) {
        let mut shutting_down = self.inner.shutting_down.subscribe();
        let _ = tokio::time::timeout(limit, shutting_down.wait_for(|down| *down)).await;
    }
}

/// Reads and decodes a snapshot file; the message names the file.
fn read_snapshot_file(path: &std::path::Path, limit: usize) -> Result<Image, String> {
    use std::io::Read;
    let shown = path.display();
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| {
            file.take(u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1))
                .read_to_end(&mut bytes)
        })
        .map_err(|e| format!("--snapshot {shown}: {e}"))?;
    if bytes.len() > limit {
        return Err(format!(
            "--snapshot {shown}: larger than {limit} bytes; raise --max-snapshot-bytes to read it"
        ));
    }
    crate::durable::snapshot::read(&bytes).map_err(|e| format!("--snapshot {shown}: {e}"))
}

/// The whole service: RPC on `/`, the side API under `/_emulator` behind its guard, and the exec
/// sockets (their unguessable token is their guard: SDK clients open them without the admin token).
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/", any(rpc::handle))
        .route("/metrics", get(scrape))
        .merge(side_api(state.clone()))
        .route("/_emulator/exec/{token}", get(exec_socket::exec))
        .fallback(not_found)
        .layer(CatchPanicLayer::custom(panic_response))
        // The RPC endpoint logs its own failures (with code and request id), and injected 5xx are not
        // the emulator failing, so the layer's own failure lines go to debug.
        .layer(TraceLayer::new_for_http().on_failure(DefaultOnFailure::new().level(tracing::Level::DEBUG)))
        .with_state(state)
}

fn side_api(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/_emulator/health", get(admin::health))
        .route("/_emulator/reset", post(admin::reset))
        .route("/_emulator/snapshot", get(admin::snapshot).post(admin::load_snapshot))
        .route("/_emulator/state", get(admin::state))
        .route("/_emulator/fixtures", post(admin::fixtures))
        .route(
            "/_emulator/faults",
            get(admin::list_faults)
                .post(admin::add_fault)
                .delete(admin::clear_faults),
        )
        .route("/_emulator/faults/{id}", delete(admin::remove_fault))
        .route("/_emulator/container-groups/{id}/lifecycle", post(admin::drive_group))
        .route("/_emulator/partitions", get(admin::partitions))
        .route("/_emulator/groups", get(admin::groups))
        .route("/_emulator/groups/{id}", get(admin::group))
        .route("/_emulator/calls", get(admin::calls).delete(admin::clear_calls))
        .route(
            "/_emulator/coverage",
            get(admin::coverage).delete(admin::clear_coverage),
        )
        .route("/_emulator/clock", get(admin::clock).post(admin::set_clock))
        .route("/_emulator/capacity", get(world::capacity).put(world::set_capacity))
        .route(
            "/_emulator/spot-market",
            get(world::spot_market).put(world::set_spot_market),
        )
        .route("/_emulator/ui", get(admin::ui))
        .route(
            "/_emulator/throttling",
            get(admin::rate_limits)
                .put(admin::set_rate_limits)
                .delete(admin::clear_rate_limits),
        )
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), durable_side_api))
        .layer(axum::extract::DefaultBodyLimit::max(
            state.inner.max_side_api_body_bytes,
        ))
        .route_layer(axum::middleware::from_fn_with_state(state, guard::side_api))
}

/// With a state directory, a side-API call that changes something is answered once its changes are
/// on disk (a failure to write them is a 503).
async fn durable_side_api(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let changes = request.method() != http::Method::GET && request.method() != http::Method::HEAD;
    let response = next.run(request).await;
    if !changes {
        return response;
    }
    match state.durable_now().await {
        Ok(()) => response,
        Err(e) => {
            let mut failed = Response::new(Body::from(
                serde_json::json!({"error": format!("the state directory could not be written: {e}")}).to_string(),
            ));
            *failed.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
            failed
        }
    }
}

/// `/metrics`: open to any local scraper, since it shows counts and no secrets, unless
/// `--guard-metrics` puts it behind the admin token.
async fn scrape(axum::extract::State(state): axum::extract::State<AppState>, headers: http::HeaderMap) -> Response {
    if let Some(token) = state.inner.admin_token.as_deref().filter(|_| state.inner.guard_metrics) {
        if !guard::bearer_matches(&headers, token) {
            let mut refused = Response::new(Body::from("{\"error\":\"/metrics needs the admin token\"}"));
            *refused.status_mut() = StatusCode::UNAUTHORIZED;
            return refused;
        }
    }
    state.eci().settle_all(state.faults());
    let text = state.inner.metrics.render(
        state.eci(),
        state.inner.insight.journal.counts(),
        state.inner.durable.as_ref().map_or(0, |d| d.journal().written_bytes()),
    );
    let mut response = Response::new(Body::from(text));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    response
}

/// An unknown side-API path is a side-API error naming the route; any other path is the gateway's
/// `InvalidAction.NotFound`, as the service answers it.
async fn not_found(method: http::Method, uri: http::Uri) -> Response {
    let path = uri.path();
    if path == "/_emulator" || path.starts_with("/_emulator/") {
        let shown: String = path.chars().take(200).collect();
        let why = format!("no side-API route {method} {shown} (the routes are listed in docs/side-api.md)");
        return guard::refuse(StatusCode::NOT_FOUND, why);
    }
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
