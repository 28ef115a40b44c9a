//! The side API's guard: requests a web page could send from another site are refused, and with an
//! admin token every side-API call but `health` must carry it.
//!
//! A browser attaches `Origin` to every cross-origin request it lets a page make (and to every POST),
//! and `Sec-Fetch-Site` where it supports fetch metadata; a page can only send a cross-origin POST
//! without a preflight if its content type is a form or `text/plain`. So a request is refused when its
//! `Origin` is not this server's own, when `Sec-Fetch-Site` says `cross-site`, or when a body-carrying
//! method sends a content type other than JSON. Command-line clients and the SDKs send none of these.

use super::AppState;
use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use subtle::ConstantTimeEq;

/// Side-API paths that need no admin token: readiness checks come from probes that hold no secret.
const OPEN_PATHS: [&str; 1] = ["/_emulator/health"];

pub(super) async fn side_api(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if let Err(why) = same_origin(&request) {
        tracing::warn!(
            path = request.uri().path(),
            why,
            "side-API request refused as cross-site"
        );
        return refuse(StatusCode::FORBIDDEN, why);
    }
    if let Some(token) = state.inner.admin_token.as_deref() {
        if !OPEN_PATHS.contains(&request.uri().path()) && !bearer_matches(request.headers(), token) {
            return refuse(
                StatusCode::UNAUTHORIZED,
                "the side API needs \"Authorization: Bearer <admin token>\" (see --admin-token)".into(),
            );
        }
    }
    next.run(request).await
}

fn refuse(status: StatusCode, why: String) -> Response {
    (status, Json(json!({ "error": why }))).into_response()
}

/// `Err` with the reason when a browser on another site could have sent the request.
fn same_origin(request: &Request) -> Result<(), String> {
    let headers = request.headers();
    let text = |name: &str| headers.get(name).map(|v| v.to_str().unwrap_or("\u{fffd}"));
    if text("sec-fetch-site").is_some_and(|site| site.eq_ignore_ascii_case("cross-site")) {
        return Err("requests from another site are refused (Sec-Fetch-Site: cross-site)".into());
    }
    if let Some(origin) = text(header::ORIGIN.as_str()) {
        let host = text(header::HOST.as_str()).unwrap_or("");
        if !origin_is_host(origin, host) {
            return Err(format!(
                "requests from another origin are refused (Origin {} is not {host})",
                origin.chars().take(100).collect::<String>()
            ));
        }
    }
    let carries_body = !matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if carries_body {
        if let Some(content_type) = text(header::CONTENT_TYPE.as_str()) {
            if !is_json(content_type) {
                return Err(format!(
                    "a side-API body must be JSON (Content-Type: application/json, or application/x-ndjson for a snapshot), not {}",
                    content_type.chars().take(100).collect::<String>()
                ));
            }
        }
    }
    Ok(())
}

/// Whether `origin` (`scheme://host[:port]`) names the authority the request was sent to.
fn origin_is_host(origin: &str, host: &str) -> bool {
    let authority = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
        .unwrap_or("");
    !authority.is_empty() && authority.eq_ignore_ascii_case(host)
}

/// JSON, or JSON lines (a snapshot): neither is a type a page may send across sites without asking.
fn is_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("application/json") || essence.eq_ignore_ascii_case("application/x-ndjson")
}

/// Whether the headers carry `Authorization: Bearer <token>`, compared in constant time.
pub(super) fn bearer_matches(headers: &axum::http::HeaderMap, token: &str) -> bool {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    given.as_bytes().ct_eq(token.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_origin_matches_only_the_host_it_was_sent_to() {
        assert!(origin_is_host("http://127.0.0.1:8080", "127.0.0.1:8080"));
        assert!(origin_is_host("http://LOCALHOST:8080", "localhost:8080"));
        assert!(!origin_is_host("http://evil.example", "127.0.0.1:8080"));
        assert!(!origin_is_host("http://127.0.0.1:3000", "127.0.0.1:8080"));
        assert!(!origin_is_host("null", "127.0.0.1:8080"));
        assert!(!origin_is_host("http://", ""));
    }

    #[test]
    fn only_json_counts_as_json() {
        assert!(is_json("application/json"));
        assert!(is_json("Application/JSON; charset=utf-8"));
        assert!(!is_json("text/plain"));
        assert!(!is_json("application/x-www-form-urlencoded"));
        assert!(!is_json("multipart/form-data; boundary=x"));
    }
}
