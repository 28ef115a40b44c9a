//! The RPC endpoint: extract, authenticate, look up, throttle, apply faults, run, render, deliver.

use super::broken_body::BrokenBody;
use super::listener::BodyReadTimeout;
use super::metrics;
use super::{into_response, AppState};
use crate::actions::Product;
use crate::error::{ApiError, ErrorCode};
use crate::faults::rule::{Effect, Phase};
use crate::faults::{Call as FaultCall, CallFaults, Outcome, Verdict};
use crate::insight::{bounded, Call, SentParams};
use crate::ops::{self, Ctx};
use crate::protocol::{
    self, flat, render_product_error, render_success, Format, JsonBody, RawRequest, Rendered, RpcRequest,
};
use crate::store::journal;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::response::Response;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use std::borrow::Cow;
use std::sync::Arc;

/// Names the fault rules that fired on a response.
pub const FAULT_HEADER: &str = "x-eci-emulator-fault";
/// Milliseconds to wait before retrying, as the gateway sends with `Throttling.User`.
pub const RETRY_AFTER_HEADER: &str = "x-acs-retry-after";

pub(super) async fn handle(State(state): State<AppState>, request: Request) -> Response {
    let started = std::time::Instant::now();
    let request_id = crate::util::new_request_id();
    let (parts, body) = request.into_parts();
    let body = match read_body(&state, &parts.headers, body).await {
        Ok(bytes) => bytes,
        Err(err) => {
            let served = Served::error(Product::Eci, Format::Json, err);
            return into_response(served.render(&request_id), &request_id);
        }
    };
    let raw = RawRequest {
        method: parts.method.as_str().to_owned(),
        query: parts.uri.query().unwrap_or("").to_owned(),
        headers: parts.headers,
        body: body.to_vec(),
    };
    let mut served = serve_durably(&state, &raw, &request_id).await;
    let rendered = served.render(&request_id);
    let (action, status) = (served.action, rendered.status);
    let code = std::mem::take(&mut served.code);
    let facts = std::mem::take(&mut served.facts);
    let faults = served.verdict.fired.clone();
    count_faults(&state, &served.verdict);
    let response = deliver(&state, served, rendered, &request_id).await;
    let seconds = started.elapsed().as_secs_f64();
    state.inner.metrics.call(action, &code, status, seconds);
    let form = if protocol::extract::is_form_body(&raw) {
        raw.body
    } else {
        Vec::new()
    };
    state.inner.insight.record(Call {
        seq: 0,
        at: state.eci().clock.now(),
        product: facts.product,
        version: facts.version,
        action: facts.action,
        account: facts.account,
        region: facts.region,
        status,
        code,
        request_id,
        faults,
        millis: seconds * 1000.0,
        request: SentParams { query: raw.query, form },
        clipped: None,
    });
    response
}

/// What the journal and the coverage know of a call besides its answer, as far as it was read.
#[derive(Default)]
struct Facts {
    product: Option<Product>,
    version: Cow<'static, str>,
    action: Cow<'static, str>,
    /// The action's name when the emulator serves it.
    known_action: Option<&'static str>,
    account: Box<str>,
    region: Cow<'static, str>,
}

impl Facts {
    /// The version, and an action and a region the emulator serves, borrowed from their tables.
    fn of(rpc: &RpcRequest) -> Self {
        let known = metrics::action_label(&rpc.action);
        let region = rpc.param("RegionId").map(|sent| match crate::network::region(sent) {
            Ok(known) => Cow::Borrowed(known.region_id.as_str()),
            Err(_) => bounded(sent),
        });
        Facts {
            product: Some(rpc.product),
            version: Cow::Borrowed(rpc.product.version()),
            action: match known == rpc.action {
                true => Cow::Borrowed(known),
                false => bounded(&rpc.action),
            },
            known_action: (known == rpc.action).then_some(known),
            account: Box::default(),
            region: region.unwrap_or_default(),
        }
    }
}

/// Serves the call; with a state directory, its answer waits until what it changed is on disk, and
/// becomes `ServiceUnavailable` if that cannot be written. A call that changed nothing (a read) does
/// not wait.
async fn serve_durably(state: &AppState, raw: &RawRequest, request_id: &str) -> Served {
    let Some(durable) = &state.inner.durable else {
        return serve(state, raw, request_id);
    };
    let serving = durable.journal().serving();
    journal::begin_call();
    let served = serve(state, raw, request_id);
    let reads_only = served.action.starts_with("Describe") || served.action.starts_with("List");
    durable.captured.capture(durable.journal(), state.parts());
    let last_change = journal::end_call();
    drop(serving);
    let Some(seq) = last_change else {
        return served;
    };
    match durable.journal().durable(seq).await {
        Ok(()) => served,
        // What a read writes is what the clock made due (a group now Running, say): derived again
        // from the clock after a rollback or a restart, so the answer holds though it was not written.
        Err(_) if reads_only => served,
        Err(e) => {
            let detail = format!("The state directory could not be written: {e}.");
            let err = ApiError::with_reason(ErrorCode::ServiceUnavailable, &detail);
            let code = err.code().to_owned();
            // The answer changes; its envelope, format and what is counted of the call do not.
            Served {
                answer: Answer::Error(err),
                code,
                ..served
            }
        }
    }
}

/// Each rule that fired, with the effect it had: the deciding rule's own, `delay` for the others.
fn count_faults(state: &AppState, verdict: &Verdict) {
    for rule in &verdict.fired {
        let effect = match &verdict.outcome {
            Some(outcome) if outcome.rule_id == *rule => outcome.effect,
            _ => Effect::Delay,
        };
        state.inner.metrics.fault(rule, effect.as_str());
    }
}

/// The whole body, within the size limit and the read timeout. A declared length over the limit is
/// refused before any byte is read, so a client that sent `Expect: 100-continue` gets the refusal
/// instead of `100 Continue`; a body that breaks HTTP's framing (a bad chunk size, a missing CRLF) is
/// a client error, not a size one.
async fn read_body(state: &AppState, headers: &http::HeaderMap, body: Body) -> Result<axum::body::Bytes, ApiError> {
    let limit = state.inner.max_body_bytes;
    let too_large = || {
        let detail = format!("The request body exceeds {limit} bytes.");
        ApiError::with_detail(ErrorCode::RequestTooLarge, &detail)
    };
    let declared = headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(too_large());
    }
    let error = match Limited::new(body, limit).collect().await {
        Ok(collected) => return Ok(collected.to_bytes()),
        Err(error) => error,
    };
    if caused_by::<LengthLimitError>(&*error) {
        return Err(too_large());
    }
    if let Some(timeout) = cause::<BodyReadTimeout>(&*error) {
        return Err(ApiError::with_detail(ErrorCode::RequestTimeout, &format!("{timeout}.")));
    }
    Err(ApiError::invalid(
        "request body",
        &format!("the body could not be read as HTTP/1.1 frames it: {error}"),
    ))
}

/// The first error of type `E` in `error`'s chain of sources.
fn cause<'e, E: std::error::Error + 'static>(error: &'e (dyn std::error::Error + 'static)) -> Option<&'e E> {
    std::iter::successors(Some(error), |e| e.source()).find_map(|e| e.downcast_ref::<E>())
}

fn caused_by<E: std::error::Error + 'static>(error: &(dyn std::error::Error + 'static)) -> bool {
    cause::<E>(error).is_some()
}

/// A call's answer before it is rendered: a success's body or an error.
enum Answer {
    Success(JsonBody),
    Error(ApiError),
}

/// A call's answer with the envelope and format it is rendered in, what the faults and rate limits
/// ask of its delivery, and what the metrics count it as.
struct Served {
    answer: Answer,
    /// Whose envelope the answer goes in: the call's product, or ECI's when it could not be told.
    product: Product,
    format: Format,
    verdict: Verdict,
    retry_after_ms: Option<u64>,
    action: &'static str,
    /// The error code answered; empty for a success.
    code: String,
    facts: Facts,
}

impl Served {
    fn error(product: Product, format: Format, err: ApiError) -> Self {
        Served {
            code: err.code().to_owned(),
            answer: Answer::Error(err),
            product,
            format,
            verdict: Verdict::default(),
            retry_after_ms: None,
            action: "unknown",
            facts: Facts::default(),
        }
    }

    fn success(product: Product, format: Format, body: JsonBody) -> Self {
        Served {
            answer: Answer::Success(body),
            product,
            format,
            verdict: Verdict::default(),
            retry_after_ms: None,
            action: "unknown",
            code: String::new(),
            facts: Facts::default(),
        }
    }

    fn counted_as(mut self, action: &'static str) -> Self {
        self.action = action;
        self
    }

    /// The one place a call's answer is rendered, whatever it is (a success, an API error, a fault's
    /// error, a failed write): in its product's envelope and its format.
    fn render(&self, request_id: &str) -> Rendered {
        match &self.answer {
            Answer::Success(body) => render_success(self.format, self.action, request_id, body),
            Answer::Error(err) => render_product_error(self.product, self.format, request_id, err),
        }
    }
}

/// Everything between the bytes and the rendered answer, free of HTTP types.
fn serve(state: &AppState, raw: &RawRequest, request_id: &str) -> Served {
    let rpc = match protocol::extract(raw) {
        Ok(rpc) => rpc,
        Err((err, format)) => {
            let facts = unread_facts(state, raw, &err);
            let mut served = refused(Product::Eci, format, request_id, err, "?");
            served.facts = facts;
            return served;
        }
    };
    let mut facts = Facts::of(&rpc);
    let mut served = answer(state, raw, &rpc, request_id, &mut facts);
    served.facts = facts;
    served
}

/// What can be told of a call that could not be read: its action and version as sent, if any, no
/// product when its version is unknown, and the account it names when that needs no signature.
fn unread_facts(state: &AppState, raw: &RawRequest, err: &ApiError) -> Facts {
    let sent = |param: &str, header: &str| {
        protocol::decode_pairs(raw.query.as_bytes(), "query string")
            .ok()
            .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == param).map(|(_, v)| bounded(&v)))
            .or_else(|| raw.header(header).map(bounded))
            .unwrap_or_default()
    };
    let version = sent("Version", "x-acs-version");
    let product = Product::from_version(&version).filter(|_| err.code() != ErrorCode::InvalidVersion.code());
    Facts {
        product,
        action: sent("Action", "x-acs-action"),
        version,
        account: state
            .inner
            .auth
            .claimed_account(raw)
            .map(|a| crate::insight::bounded(&a).into())
            .unwrap_or_default(),
        ..Facts::default()
    }
}

/// The call read: authenticated, looked up, throttled, faulted and run.
fn answer(state: &AppState, raw: &RawRequest, rpc: &RpcRequest, request_id: &str, facts: &mut Facts) -> Served {
    let action = facts.known_action.unwrap_or("unknown");
    let refuse = |err: ApiError| refused(rpc.product, rpc.format, request_id, err, &rpc.action).counted_as(action);
    let eci = state.eci();
    let caller = match state.inner.auth.verify(raw, rpc, state.inner.signature_clock.now()) {
        Ok(caller) => caller,
        Err(err) => {
            state.inner.metrics.signature_failure(err.code());
            return refuse(err);
        }
    };
    facts.account = caller.account.as_str().into();
    let Some(operation) = ops::lookup(rpc.product, &rpc.action) else {
        return refuse(ApiError::new(ErrorCode::InvalidAction));
    };
    if let Err(throttled) = state.inner.throttle.admit(&caller.account, &rpc.action) {
        state.inner.metrics.throttled(action);
        let mut served = refuse(throttled.error);
        served.retry_after_ms = Some(throttled.retry_after_ms);
        return served;
    }
    let faults = &state.inner.faults;
    let params: Vec<(&str, &str)> = if faults.is_empty() {
        Vec::new()
    } else {
        rpc.params().collect()
    };
    let call = FaultCall {
        action: &rpc.action,
        region_id: rpc.param("RegionId"),
        zone_id: rpc.param("ZoneId"),
        access_key_id: &caller.access_key_id,
        params: &params,
    };
    let mut verdict = faults.decide(&call);
    let before = verdict.outcome.as_ref().filter(|o| o.phase == Phase::Before);
    if let Some(outcome) = before {
        let served = Served::error(rpc.product, rpc.format, fault_error(outcome));
        return with_verdict(served.counted_as(action), verdict);
    }
    let call_faults = CallFaults::new(faults, call);
    let outcome = flat::build_tree(rpc.operation_params())
        .map_err(ApiError::from)
        .and_then(|params| {
            let ctx = Ctx {
                eci,
                caller: &caller,
                faults: &call_faults,
                host: advertised_host(raw),
            };
            operation.call(&ctx, &params)
        });
    verdict.fired.extend(call_faults.into_fired());
    let served = match (outcome, verdict.outcome.as_ref()) {
        (_, Some(fault)) if fault.effect == Effect::Error => Served::error(rpc.product, rpc.format, fault_error(fault)),
        (Ok(body), _) => {
            tracing::debug!(action = %rpc.action, request_id, "ok");
            Served::success(rpc.product, rpc.format, body)
        }
        (Err(err), _) => refused(rpc.product, rpc.format, request_id, err, &rpc.action),
    };
    with_verdict(served.counted_as(action), verdict)
}

/// The `Host` header when it is a plain host\[:port\] (it goes into URLs handed out), else the default.
fn advertised_host(raw: &RawRequest) -> &str {
    let plain = |h: &&str| {
        !h.is_empty()
            && h.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | ':' | '-' | '[' | ']'))
    };
    raw.header(http::header::HOST).filter(plain).unwrap_or("127.0.0.1:8080")
}

fn with_verdict(mut served: Served, verdict: Verdict) -> Served {
    served.retry_after_ms = verdict.outcome.as_ref().and_then(|o| o.retry_after_ms);
    served.verdict = verdict;
    served
}

/// The rule's error, or `ServiceUnavailable` for a rule that breaks the connection without one.
fn fault_error(outcome: &Outcome) -> ApiError {
    outcome
        .error
        .clone()
        .unwrap_or_else(|| ApiError::new(ErrorCode::ServiceUnavailable))
}

fn refused(product: Product, format: Format, request_id: &str, err: ApiError, action: &str) -> Served {
    if err.status() >= 500 {
        tracing::warn!(action, request_id, code = err.code(), message = %err.message, "failed");
    } else {
        tracing::debug!(action, request_id, code = err.code(), message = %err.message, "refused");
    }
    Served::error(product, format, err)
}

/// Waits out any injected latency, then answers, or breaks the connection as a rule asks.
async fn deliver(state: &AppState, served: Served, rendered: Rendered, request_id: &str) -> Response {
    let Served {
        verdict,
        retry_after_ms,
        ..
    } = served;
    if !verdict.fired.is_empty() {
        let effect = verdict.outcome.as_ref().map_or(Effect::Delay, |o| o.effect);
        let rules = verdict.fired.iter().map(|id| &**id).collect::<Vec<_>>().join(",");
        tracing::info!(
            rules,
            request_id,
            ?effect,
            delay_ms = verdict.delay.as_millis() as u64,
            "fault injected"
        );
    }
    if !verdict.delay.is_zero() {
        tokio::time::sleep(verdict.delay).await;
    }
    let mut response = match verdict.outcome.as_ref().map(|o| (o.effect, o.hang)) {
        Some((Effect::Reset, _)) => Response::new(Body::new(BrokenBody::reset())),
        Some((Effect::Hang, hang)) => {
            state.until_shutdown(hang).await;
            Response::new(Body::new(BrokenBody::reset()))
        }
        Some((Effect::Truncate, _)) => {
            let Rendered {
                status,
                content_type,
                body,
            } = rendered;
            let head = Rendered {
                status,
                content_type,
                body: Vec::new(),
            };
            let mut response = into_response(head, request_id);
            *response.body_mut() = Body::new(BrokenBody::truncate(body));
            response
        }
        _ => into_response(rendered, request_id),
    };
    name_fault_and_retry(&mut response, &verdict.fired, retry_after_ms);
    response
}

fn name_fault_and_retry(response: &mut Response, fired: &[Arc<str>], retry_after_ms: Option<u64>) {
    let headers = response.headers_mut();
    if !fired.is_empty() {
        let names = fired.iter().map(|id| &**id).collect::<Vec<_>>().join(",");
        if let Ok(value) = HeaderValue::from_str(&names) {
            headers.insert(FAULT_HEADER, value);
        }
    }
    if let Some(ms) = retry_after_ms {
        headers.insert(RETRY_AFTER_HEADER, HeaderValue::from(ms));
    }
}
