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
