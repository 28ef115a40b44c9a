//! Any bytes as a whole request through `app()`: the first byte picks the method and the path, the
//! rest is split into a query, headers and a body. Every answer must be one the emulator means to
//! give: no panic, no 5xx from the emulator itself.
#![no_main]

use eci_emulator::server::AppOptions;
use eci_emulator::{app, AppState};
use libfuzzer_sys::fuzz_target;
use tower::ServiceExt;

const PATHS: [&str; 4] = ["/", "/_emulator/faults", "/_emulator/fixtures", "/_emulator/throttling"];

fuzz_target!(|data: &[u8]| {
    let Some((selector, rest)) = data.split_first() else {
        return;
    };
    let mut parts = rest.splitn(3, |b| *b == 0);
    let query = String::from_utf8_lossy(parts.next().unwrap_or_default()).replace(['#', ' '], "%20");
    let headers = parts.next().unwrap_or_default();
    let body = parts.next().unwrap_or_default().to_vec();
    let method = if selector & 1 == 0 { "GET" } else { "POST" };
    let path = PATHS[usize::from(selector >> 1) % PATHS.len()];
    let mut builder = http::Request::builder().method(method).uri(format!("{path}?{query}"));
    for line in headers.split(|b| *b == b'\n') {
        if let Some(colon) = line.iter().position(|b| *b == b':') {
            builder = builder.header(&line[..colon], &line[colon + 1..]);
        }
    }
    let Ok(request) = builder.body(axum::body::Body::from(body)) else {
        return;
    };
    let state = AppState::new(AppOptions::default()).expect("the default app starts");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    let response = runtime.block_on(app(state).oneshot(request)).expect("the router is infallible");
    let injected = response.headers().contains_key("x-eci-emulator-fault");
    assert!(response.status().as_u16() < 500 || injected, "{}", response.status());
});
