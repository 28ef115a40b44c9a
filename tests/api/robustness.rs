//! Any parameter map gets an API answer: never a panic, never a 5xx.

use crate::common::*;
use axum::body::Body;
use axum::http::Request;
use proptest::prelude::*;

fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Container".to_owned()),
        Just("Volume".to_owned()),
        Just("Tag".to_owned()),
        Just("Name".to_owned()),
        Just("Image".to_owned()),
        Just("Port".to_owned()),
        Just("Cpu".to_owned()),
        Just("1".to_owned()),
        Just("2".to_owned()),
        Just("0".to_owned()),
        Just("".to_owned()),
        "[0-9]{1,25}",
        "\\PC{0,6}",
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop::collection::vec(segment(), 1..6).prop_map(|s| s.join("."))
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("true".to_owned()),
        Just("1.5".to_owned()),
        Just("[\"eci-1\"]".to_owned()),
        "\\PC{0,12}",
        "[0-9]{1,30}"
    ]
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().build().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn any_parameters_get_a_clean_answer(
        action in prop_oneof![Just("CreateContainerGroup"), Just("DescribeContainerGroups"), Just("DescribeContainerGroupStatus"), Just("DeleteContainerGroup")],
        pairs in prop::collection::vec((key(), value()), 0..12),
    ) {
        let app = open_app();
        let mut all: Vec<(&str, &str)> = vec![("Action", action), ("Version", "2018-08-08"), ("RegionId", "cn-hangzhou")];
        all.extend(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let uri = format!("/?{}", query_of(&all));
        let reply = runtime().block_on(send(&app, Request::get(uri).body(Body::empty()).unwrap()));
        prop_assert!(reply.status.as_u16() < 500, "{}", reply.text);
        let body = reply.json();
        prop_assert!(body["RequestId"].is_string());
        if !reply.status.is_success() {
            prop_assert!(body["Code"].is_string() && body["Message"].is_string());
        }
    }

    #[test]
    fn any_bytes_in_query_and_body_get_a_clean_answer(query in prop::collection::vec(any::<u8>(), 0..200), body in prop::collection::vec(any::<u8>(), 0..200)) {
        let app = open_app();
        let query: String = query.iter().map(|b| if b.is_ascii_graphic() && *b != b'#' { char::from(*b) } else { '%' }).collect();
        let Ok(request) = Request::post(format!("/?Action=DescribeContainerGroups&Version=2018-08-08&{query}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body)) else { return Ok(()); };
        let reply = runtime().block_on(send(&app, request));
        prop_assert!(reply.status.as_u16() < 500, "{}", reply.text);
    }
}

/// One request as a hostile or broken client might send it: any operation (or none), any method,
/// parameters from a grammar that reaches deep, long, repeated and junk names, signing fields and
/// headers that are half right, and a body of any bytes.
#[derive(Debug, Clone)]
struct AnyRequest {
    method: &'static str,
    path: &'static str,
    query: Vec<(String, String)>,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

fn any_action() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(eci_emulator::actions::ACTIONS.to_vec()).prop_map(str::to_owned),
        Just(String::new()),
        "\\PC{0,12}",
    ]
}

fn hostile_key() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => key(),
        1 => (1usize..40).prop_map(|n| vec!["a"; n].join(".")),
        1 => (200usize..400).prop_map(|n| "k".repeat(n)),
        1 => prop::sample::select(vec!["Signature", "SignatureNonce", "Timestamp", "AccessKeyId", "Format", "RegionId"]).prop_map(str::to_owned),
    ]
}

fn any_header() -> impl Strategy<Value = (&'static str, String)> {
    let names = vec![
        "authorization",
        "x-acs-date",
        "x-acs-signature-nonce",
        "x-acs-action",
        "x-acs-version",
        "x-acs-content-sha256",
        "content-type",
        "content-length",
        "origin",
        "sec-fetch-site",
        "expect",
    ];
    (
        prop::sample::select(names),
        prop_oneof![
            Just("ACS3-HMAC-SHA256 Credential=AK1,SignedHeaders=host,Signature=00".to_owned()),
            Just("2026-11-27T22:00:00Z".to_owned()),
            Just("application/x-www-form-urlencoded".to_owned()),
            Just("application/json".to_owned()),
            "[ -~]{0,40}",
        ],
    )
}

fn any_request() -> impl Strategy<Value = AnyRequest> {
    (
        prop::sample::select(vec!["GET", "POST", "PUT", "DELETE", "HEAD"]),
        prop::sample::select(vec![
            "/",
            "/",
            "/",
            "/_emulator/faults",
            "/_emulator/fixtures",
            "/_emulator/throttling",
            "/_emulator/reset",
            "/_emulator/container-groups/eci-x/lifecycle",
            "/nowhere",
        ]),
        any_action(),
        prop::collection::vec((hostile_key(), value()), 0..10),
        prop::collection::vec(any_header(), 0..5),
        prop::collection::vec(any::<u8>(), 0..120),
    )
        .prop_map(|(method, path, action, params, headers, body)| {
            let mut query = vec![
                ("Action".to_owned(), action),
                ("Version".to_owned(), "2018-08-08".to_owned()),
            ];
            query.extend(params);
            AnyRequest {
                method,
                path,
                query,
                headers,
                body,
            }
        })
}

impl AnyRequest {
    fn build(&self) -> Option<Request<Body>> {
        let pairs: Vec<(&str, &str)> = self.query.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let mut builder = Request::builder()
            .method(self.method)
            .uri(format!("{}?{}", self.path, query_of(&pairs)));
        for (name, value) in &self.headers {
            builder = builder.header(*name, value.as_str());
        }
        builder.body(Body::from(self.body.clone())).ok()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// The whole request path (extract, authenticate, decode, validate, handle, render, and the side
    /// API's guard and parsers) in open and strict mode: every answer is a clean one, never a 5xx.
    #[test]
    fn any_request_on_any_path_gets_a_clean_answer(request in any_request(), strict in any::<bool>()) {
        let app = if strict { strict_app(&["AK1:secret-1"]) } else { open_app() };
        let Some(built) = request.build() else { return Ok(()); };
        let is_rpc = request.path == "/";
        let reply = runtime().block_on(send(&app, built));
        prop_assert!(reply.status.as_u16() < 500, "{:?}: {}", request, reply.text);
        if is_rpc && request.method != "HEAD" {
            let body = reply.json();
            prop_assert!(body["RequestId"].is_string(), "{}", reply.text);
            if !reply.status.is_success() {
                prop_assert!(body["Code"].is_string() && body["Message"].is_string(), "{}", reply.text);
            }
        }
    }
}
