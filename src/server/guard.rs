//! The side API's guard: requests a web page could send from another site are refused, and with an
//! admin token every side-API call but `health` must carry it.
//!
//! A browser attaches `Origin` to every cross-origin request it lets a page make (and to every POST),
//! and `Sec-Fetch-Site` where it supports fetch metadata; a page can only send a cross-origin POST
//! without a preflight if its content type is a form or `text/plain`. So a request is refused when its
//! `Origin` is not this server's own, when `Sec-Fetch-Site` says `cross-site`, or when a body-carrying
//! method sends a content type other than JSON. Command-line clients and the SDKs send none of these.
//!
//! Same-origin checks alone do not stop DNS rebinding: a page on a domain the attacker points at
//! 127.0.0.1 is same-origin with itself. So the `Host` must also be a loopback name, an IP address
//! (a page served from an address cannot rebind it), a single-label name, or a name the user allowed
//! with `--allow-host`. A single label (`eci`, `eci-emulator_1`) is what a container network
//! resolves a Compose service or a Testcontainers network alias to; an attacker's page is served from
//! a registered, dotted domain, so it stays refused.

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
    let open_path = OPEN_PATHS.contains(&request.uri().path());
    if !open_path {
        if let Err(why) = served_host(&request, &state.inner.allow_hosts) {
            tracing::warn!(
                path = request.uri().path(),
                why,
                "side-API request refused for its Host"
            );
            return refuse(StatusCode::FORBIDDEN, why);
        }
    }
    let checked = same_origin(&request)
        .map_err(|why| (StatusCode::FORBIDDEN, why))
        .and_then(|()| body_type(&request));
    if let Err((status, why)) = checked {
        if status == StatusCode::FORBIDDEN {
            tracing::warn!(
                path = request.uri().path(),
                why,
                "side-API request refused as cross-site"
            );
        }
        return refuse(status, why);
    }
    if let Some(token) = state.inner.admin_token.as_deref() {
        if !open_path && !bearer_matches(request.headers(), token) {
            return refuse(
                StatusCode::UNAUTHORIZED,
                "the side API needs \"Authorization: Bearer <admin token>\" (see --admin-token)".into(),
            );
        }
    }
    let limit = body_limit(&state, request.uri().path());
    let declared = request
        .headers()
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit.0 as u64) {
        return too_large(limit);
    }
    let (method, path) = (request.method().clone(), request.uri().path().to_owned());
    let response = next.run(request).await;
    // A body without a declared length that runs past the limit is cut by the extractor, whose
    // answer is plain text.
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE && !is_json_response(&response) {
        return too_large(limit);
    }
    // The router's own 405 has no body: say so in the side API's error shape, keeping any `Allow`.
    if response.status() == StatusCode::METHOD_NOT_ALLOWED && !is_json_response(&response) {
        let allow = response.headers().get(header::ALLOW).cloned();
        let takes = allow
            .as_ref()
            .and_then(|v| v.to_str().ok())
            .map(|methods| format!("; it takes {methods}"))
            .unwrap_or_default();
        let mut refused = refuse(
            StatusCode::METHOD_NOT_ALLOWED,
            format!(
                "{} does not take {method}{takes} (see docs/side-api.md)",
                clipped(&path)
            ),
        );
        if let Some(allow) = allow {
            refused.headers_mut().insert(header::ALLOW, allow);
        }
        return refused;
    }
    response
}

/// The body limit of a side-API path, and the flag that sets it.
fn body_limit(state: &AppState, path: &str) -> (usize, &'static str) {
    match path {
        "/_emulator/snapshot" => (state.inner.max_snapshot_bytes, "--max-snapshot-bytes"),
        _ => (state.inner.max_side_api_body_bytes, "--max-side-api-body-bytes"),
    }
}

fn too_large((limit, flag): (usize, &str)) -> Response {
    refuse(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("the body is larger than {limit} bytes; start the emulator with a larger {flag}"),
    )
}

fn is_json_response(response: &Response) -> bool {
    response
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json"))
}

/// A side-API error: `{"error": why}` with `status`.
pub(super) fn refuse(status: StatusCode, why: String) -> Response {
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
                clipped(origin)
            ));
        }
    }
    Ok(())
}

/// A body-carrying request's content type must be JSON (or none). A type a page may send across
/// sites without a preflight is refused as cross-site (403); any other is only not understood (415).
fn body_type(request: &Request) -> Result<(), (StatusCode, String)> {
    let carries_body = !matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let given = request.headers().get(header::CONTENT_TYPE).filter(|_| carries_body);
    let Some(content_type) = given.map(|v| v.to_str().unwrap_or("\u{fffd}")) else {
        return Ok(());
    };
    if is_json(content_type) {
        return Ok(());
    }
    if sendable_across_sites(content_type) {
        return Err((
            StatusCode::FORBIDDEN,
            format!(
                "a side-API body must be JSON (Content-Type: application/json, or application/x-ndjson for a snapshot), not {}: a page on another site can send that type",
                clipped(content_type)
            ),
        ));
    }
    Err((
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        format!(
            "the side API reads application/json (and application/x-ndjson for a snapshot), not {}",
            clipped(content_type)
        ),
    ))
}

/// A header value as an error message shows it: its first 100 characters.
fn clipped(text: &str) -> String {
    text.chars().take(100).collect()
}

/// The body types a page may POST to another origin without a preflight (the CORS-safelisted ones).
fn sendable_across_sites(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"]
        .iter()
        .any(|t| essence.eq_ignore_ascii_case(t))
}

/// `Err` with the reason when the `Host` names neither this machine's loopback, an IP address, nor a
/// name in `allowed`. A request without `Host` (HTTP/1.0 tools) cannot come from a browser.
fn served_host(request: &Request, allowed: &[String]) -> Result<(), String> {
    let Some(value) = request.headers().get(header::HOST) else {
        return Ok(());
    };
    let host = value.to_str().unwrap_or("\u{fffd}");
    if host_is_served(host, allowed) {
        return Ok(());
    }
    Err(format!(
        "the side API answers loopback names, IP addresses and single-label names only, not Host {} (start with --allow-host NAME to allow a name)",
        clipped(host)
    ))
}

/// Whether `host` (`name[:port]`, `[v6]:port`, or an address) is one the side API answers.
fn host_is_served(host: &str, allowed: &[String]) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(name, port)| {
            if port.bytes().all(|b| b.is_ascii_digit()) {
                name
            } else {
                host
            }
        }),
    };
    let name = name.trim_end_matches('.');
    name.parse::<std::net::IpAddr>().is_ok()
        || is_single_label(name)
        || name.eq_ignore_ascii_case("localhost")
        || name.to_ascii_lowercase().ends_with(".localhost")
        || allowed.iter().any(|a| a.eq_ignore_ascii_case(name))
}

/// A host name of one label, as a container network names its services: letters, digits, `-`, `_`.
fn is_single_label(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
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
    fn the_side_api_answers_loopback_addresses_and_allowed_names_only() {
        let allowed = vec!["eci".to_string()];
        for served in [
            "127.0.0.1:8080",
            "localhost:8080",
            "LOCALHOST",
            "app.localhost:80",
            "[::1]:8080",
            "10.1.2.3:8080",
            "eci:8080",
            "localhost.",
            "eci-emulator_1:8080",
            "ECI",
        ] {
            assert!(host_is_served(served, &allowed), "{served}");
        }
        for refused in [
            "evil.example:8080",
            "evil.example",
            "localhost.evil.example",
            "eci.evil:8080",
            "",
            "127.0.0.1.nip.io",
            "rebind.example.com.",
            "eci evil:8080",
            "e%63i:8080",
        ] {
            assert!(!host_is_served(refused, &allowed), "{refused}");
        }
        assert!(host_is_served("eci:8080", &[]), "a Compose service name needs no flag");
        assert!(host_is_served("tests.internal", &["tests.internal".to_string()]));
        assert!(!host_is_served("tests.internal", &[]));
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
