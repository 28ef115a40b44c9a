//! The RPC endpoint: extract, authenticate, look up, run, render.

use super::{into_response, AppState};
use crate::error::{ApiError, ErrorCode};
use crate::ops::{self, Ctx};
use crate::protocol::{self, flat, render_error, render_success, Format, RawRequest, Rendered};
use axum::extract::{Request, State};
use axum::response::Response;

pub(super) async fn handle(State(state): State<AppState>, request: Request) -> Response {
    let request_id = crate::util::new_request_id();
    let (parts, body) = request.into_parts();
    let body = match axum::body::to_bytes(body, state.inner.max_body_bytes).await {
        Ok(bytes) => bytes,
        Err(_) => {
            let detail = format!("The request body exceeds {} bytes.", state.inner.max_body_bytes);
            let err = ApiError::with_detail(ErrorCode::RequestTooLarge, &detail);
            return into_response(render_error(Format::Json, &request_id, &err), &request_id);
        }
    };
    let raw = RawRequest {
        method: parts.method.as_str().to_owned(),
        query: parts.uri.query().unwrap_or("").to_owned(),
        headers: parts.headers,
        body: body.to_vec(),
    };
    into_response(serve(&state, &raw, &request_id), &request_id)
}

/// Everything between the bytes and the rendered answer, free of HTTP types.
fn serve(state: &AppState, raw: &RawRequest, request_id: &str) -> Rendered {
    let rpc = match protocol::extract(raw) {
        Ok(rpc) => rpc,
        Err((err, format)) => return log_error(render_error(format, request_id, &err), &err, "?", request_id),
    };
    let outcome = (|| {
        let eci = state.eci();
        let caller = state.inner.auth.verify(raw, &rpc, eci.clock.now())?;
        let operation = ops::lookup(&rpc.action).ok_or_else(|| ApiError::new(ErrorCode::InvalidAction))?;
        let params = flat::build_tree(rpc.params())?;
        (operation.run)(&Ctx { eci, caller: &caller }, &params)
    })();
    match outcome {
        Ok(body) => {
            tracing::debug!(action = %rpc.action, request_id, "ok");
            render_success(rpc.format, &rpc.action, request_id, &body)
        }
        Err(err) => log_error(
            render_error(rpc.format, request_id, &err),
            &err,
            &rpc.action,
            request_id,
        ),
    }
}

fn log_error(rendered: Rendered, err: &ApiError, action: &str, request_id: &str) -> Rendered {
    if err.status() >= 500 {
        tracing::warn!(action, request_id, code = err.code(), message = %err.message, "failed");
    } else {
        tracing::debug!(action, request_id, code = err.code(), message = %err.message, "refused");
    }
    rendered
}
