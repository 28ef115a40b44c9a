//! Strict mode through the app: HMAC-SHA1 and ACS3 requests signed here with the project's own
//! signer functions (the real SDKs sign in the acceptance tests).

use crate::common::*;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use eci_emulator::auth::{encode::canonical_query, rpc_v1};

const KEY: &str = "AK1:secret-1:acct-1";

fn v1_query(access_key: &str, secret: &str, nonce: &str, timestamp: &str, extra: &[(&str, &str)]) -> String {
    let mut pairs: Vec<(&str, &str)> = vec![
        ("Action", "DescribeContainerGroups"),
        ("Version", "2018-08-08"),
        ("Format", "JSON"),
        ("AccessKeyId", access_key),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureVersion", "1.0"),
        ("SignatureNonce", nonce),
        ("Timestamp", timestamp),
        ("RegionId", "cn-hangzhou"),
    ];
    pairs.extend_from_slice(extra);
    let signature = rpc_v1::sign(secret, &rpc_v1::string_to_sign("GET", pairs.iter().copied()));
    pairs.push(("Signature", &signature));
    canonical_query(pairs.iter().copied())
}

async fn get(app: &axum::Router, query: &str) -> Reply {
    send(app, Request::get(format!("/?{query}")).body(Body::empty()).unwrap()).await
}

#[tokio::test]
async fn hmac_sha1_requests_are_verified() {
    let app = strict_app(&[KEY]);
    let ok = get(&app, &v1_query("AK1", "secret-1", "n-1", NOW_TEXT, &[])).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    let replay = get(&app, &v1_query("AK1", "secret-1", "n-1", NOW_TEXT, &[])).await;
    assert_error(
        &replay,
        400,
        "SignatureNonceUsed",
        "Specified signature nonce was used already.",
    );
    let wrong_query = v1_query("AK1", "not-the-secret", "n-2", NOW_TEXT, &[]);
    let wrong = get(&app, &wrong_query).await;
    let sent = eci_emulator::protocol::decode_pairs(wrong_query.as_bytes(), "q").unwrap();
    let server_text = rpc_v1::string_to_sign("GET", sent.iter().map(|(k, v)| (&**k, &**v)));
    assert!(
        server_text.starts_with("GET&%2F&AccessKeyId%3DAK1%26Action%3DDescribeContainerGroups"),
        "{server_text}"
    );
    let message =
        format!("Specified signature is not matched with our calculation. server string to sign is:{server_text}");
    assert_error(&wrong, 400, "SignatureDoesNotMatch", &message);
    let unknown = get(&app, &v1_query("AK9", "secret-1", "n-3", NOW_TEXT, &[])).await;
    assert_error(
        &unknown,
        404,
        "InvalidAccessKeyId.NotFound",
        "Specified access key is not found.",
    );
    let stale = get(&app, &v1_query("AK1", "secret-1", "n-4", "2026-11-27T21:44:59Z", &[])).await;
    assert_error(
        &stale,
        400,
        "InvalidTimeStamp.Expired",
        "Specified time stamp or date value is expired.",
    );
    let edge = get(&app, &v1_query("AK1", "secret-1", "n-5", "2026-11-27T21:45:00Z", &[])).await;
    assert_eq!(edge.status, StatusCode::OK, "{}", edge.text);
    let unsigned = get(
        &app,
        "Action=DescribeContainerGroups&Version=2018-08-08&RegionId=cn-hangzhou&AccessKeyId=AK1",
    )
    .await;
    assert_error(
        &unsigned,
        400,
        "MissingParameter",
        "The input parameter \"Signature\" that is mandatory for processing this request is not supplied.",
    );
}

#[tokio::test]
async fn tampering_after_signing_is_caught() {
    let app = strict_app(&[KEY]);
    let query = v1_query("AK1", "secret-1", "n-1", NOW_TEXT, &[]).replace("cn-hangzhou", "cn-shanghai");
    let reply = get(&app, &query).await;
    assert_eq!(reply.json()["Code"], "SignatureDoesNotMatch");
}

#[tokio::test]
async fn the_account_comes_from_the_credential() {
    let app = strict_app(&[KEY, "AK2:secret-2:acct-1", "AK3:secret-3"]);
    let describe =
        |ak: &'static str, secret: &'static str, nonce: &'static str| v1_query(ak, secret, nonce, NOW_TEXT, &[]);
    // Create with AK1 (acct-1); AK2 shares the account, AK3 does not.
    let mut pairs: Vec<(&str, &str)> = vec![
        ("Action", "CreateContainerGroup"),
        ("Version", "2018-08-08"),
        ("AccessKeyId", "AK1"),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureVersion", "1.0"),
        ("SignatureNonce", "c-1"),
        ("Timestamp", NOW_TEXT),
        ("RegionId", "cn-hangzhou"),
        ("ContainerGroupName", "shared"),
        ("Container.1.Name", "a"),
        ("Container.1.Image", "nginx"),
    ];
    let signature = rpc_v1::sign("secret-1", &rpc_v1::string_to_sign("GET", pairs.iter().copied()));
    pairs.push(("Signature", &signature));
    let created = get(&app, &canonical_query(pairs.iter().copied())).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.text);
    assert_eq!(
        get(&app, &describe("AK2", "secret-2", "d-1")).await.json()["TotalCount"],
        1
    );
    assert_eq!(
        get(&app, &describe("AK3", "secret-3", "d-2")).await.json()["TotalCount"],
        0
    );
}

fn acs3_request(secret: &str, nonce: &str, date: &str, query: &str) -> Request<Body> {
    acs3_signed_request(secret, nonce, date, query, None)
}

#[tokio::test]
async fn acs3_requests_are_verified() {
    let app = strict_app(&[KEY]);
    let ok = send(
        &app,
        acs3_request("secret-1", "a-1", NOW_TEXT, "RegionId=cn-hangzhou&Limit=5"),
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    let replay = send(
        &app,
        acs3_request("secret-1", "a-1", NOW_TEXT, "RegionId=cn-hangzhou&Limit=5"),
    )
    .await;
    assert_eq!(replay.json()["Code"], "SignatureNonceUsed");
    let wrong = send(&app, acs3_request("other", "a-2", NOW_TEXT, "RegionId=cn-hangzhou")).await;
    assert_eq!(wrong.json()["Code"], "SignatureDoesNotMatch");
    let stale = send(
        &app,
        acs3_request("secret-1", "a-3", "2026-11-27T22:15:01Z", "RegionId=cn-hangzhou"),
    )
    .await;
    assert_eq!(stale.json()["Code"], "InvalidTimeStamp.Expired");
}

#[tokio::test]
async fn open_mode_accepts_anything_and_keys_are_accounts() {
    let app = open_app();
    let reply = get(&app, &v1_query("ANY", "whatever", "n", "1999-01-01T00:00:00Z", &[])).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
}
