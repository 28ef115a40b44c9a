//! Every signature vector captured from the real SDKs, verified with the clock set to its own time.

use super::*;
use crate::protocol::extract;
use serde::Deserialize;

const VECTORS: &str = include_str!("../../tests/data/signature-vectors.jsonl");

#[derive(Clone, Deserialize)]
struct Vector {
    id: String,
    access_key_id: String,
    access_key_secret: String,
    valid: bool,
    request: VectorRequest,
}

#[derive(Clone, Deserialize)]
struct VectorRequest {
    method: String,
    target: String,
    headers: std::collections::BTreeMap<String, String>,
    body: String,
}

fn vectors() -> Vec<Vector> {
    VECTORS
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("vector line is JSON"))
        .collect()
}

fn raw_request(v: &Vector) -> RawRequest {
    let query = v.request.target.split_once('?').map(|(_, q)| q).unwrap_or("");
    let headers: Vec<(&str, &str)> = v
        .request
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    RawRequest::from_parts(&v.request.method, query, &headers, v.request.body.as_bytes())
}

fn signing_time(raw: &RawRequest, rpc: &RpcRequest) -> OffsetDateTime {
    let stamp = raw
        .header("x-acs-date")
        .or_else(|| rpc.param("Timestamp"))
        .expect("vector has a time");
    parse_timestamp(stamp).expect("vector time parses")
}

fn credential(v: &Vector) -> Credential {
    Credential {
        access_key_id: v.access_key_id.clone(),
        secret: v.access_key_secret.clone(),
        account: "acct".into(),
    }
}

#[test]
fn every_vector_is_judged_as_recorded() {
    let all = vectors();
    assert!(all.len() >= 20, "expected the full vector set, got {}", all.len());
    for v in &all {
        let raw = raw_request(v);
        let rpc = extract(&raw).unwrap_or_else(|(e, _)| panic!("{}: {e}", v.id));
        let auth = Authenticator::strict(vec![credential(v)]);
        let result = auth.verify(&raw, &rpc, signing_time(&raw, &rpc));
        match (v.valid, result) {
            (true, Ok(caller)) => assert_eq!(caller.account, "acct", "{}", v.id),
            (false, Err(e)) => assert_eq!(e.code(), "SignatureDoesNotMatch", "{}", v.id),
            (valid, other) => panic!("{}: valid={valid} but got {other:?}", v.id),
        }
    }
}

#[test]
fn a_valid_vector_replayed_is_refused_as_a_used_nonce() {
    let v = vectors().into_iter().find(|v| v.valid).expect("a valid vector");
    let raw = raw_request(&v);
    let rpc = extract(&raw).unwrap_or_else(|(e, _)| panic!("{e}"));
    let auth = Authenticator::strict(vec![credential(&v)]);
    let now = signing_time(&raw, &rpc);
    assert!(auth.verify(&raw, &rpc, now).is_ok());
    assert_eq!(auth.verify(&raw, &rpc, now).unwrap_err().code(), "SignatureNonceUsed");
}

#[test]
fn stale_unknown_and_unsigned_requests_get_their_codes() {
    for v in vectors().into_iter().filter(|v| v.valid) {
        let raw = raw_request(&v);
        let rpc = extract(&raw).unwrap_or_else(|(e, _)| panic!("{e}"));
        let now = signing_time(&raw, &rpc);
        let auth = Authenticator::strict(vec![credential(&v)]);
        let late = now + time::Duration::seconds(MAX_CLOCK_SKEW_SECONDS + 1);
        assert_eq!(
            auth.verify(&raw, &rpc, late).unwrap_err().code(),
            "InvalidTimeStamp.Expired",
            "{}",
            v.id
        );
        let early = now - time::Duration::seconds(MAX_CLOCK_SKEW_SECONDS + 1);
        assert_eq!(
            auth.verify(&raw, &rpc, early).unwrap_err().code(),
            "InvalidTimeStamp.Expired",
            "{}",
            v.id
        );

        let stranger = Authenticator::strict(vec![Credential::parse("OTHER:secret").unwrap()]);
        let err = stranger.verify(&raw, &rpc, now).unwrap_err();
        assert_eq!(
            (err.code(), err.status()),
            ("InvalidAccessKeyId.NotFound", 404),
            "{}",
            v.id
        );

        let open = Authenticator::open();
        assert_eq!(
            open.verify(&raw, &rpc, late).unwrap().account,
            v.access_key_id,
            "{}",
            v.id
        );
    }
}

#[test]
fn missing_signing_fields_are_named() {
    let auth = Authenticator::strict(vec![Credential::parse("AK:s").unwrap()]);
    let raw = RawRequest::from_parts(
        "GET",
        "Action=A&Version=2018-08-08&AccessKeyId=AK&Signature=x&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&Timestamp=2026-11-27T22:08:14Z",
        &[],
        b"",
    );
    let rpc = extract(&raw).unwrap_or_else(|(e, _)| panic!("{e}"));
    let err = auth.verify(&raw, &rpc, OffsetDateTime::now_utc()).unwrap_err();
    assert_eq!(err.code(), "MissingParameter");
    assert!(err.message.contains("\"SignatureNonce\""), "{}", err.message);
}

#[test]
fn credential_specs_parse() {
    let c = Credential::parse("AK:se/+=cret:acct-1").unwrap();
    assert_eq!(
        (c.access_key_id.as_str(), c.secret.as_str(), c.account.as_str()),
        ("AK", "se/+=cret", "acct-1")
    );
    assert_eq!(Credential::parse("AK:s").unwrap().account, "AK");
    assert!(Credential::parse("AK").is_err());
    assert!(Credential::parse(":s").is_err());
}

/// The signature is compared as hex text: either case of digits passes, and anything that is not the
/// very signature (shortened, or not hex at all) is a mismatch.
#[test]
fn acs3_signatures_compare_as_hex_of_either_case() {
    let v = vectors()
        .into_iter()
        .find(|v| {
            v.valid
                && v.request
                    .headers
                    .keys()
                    .any(|k| k.eq_ignore_ascii_case("authorization"))
        })
        .expect("a valid ACS3 vector");
    let with_signature = |edit: fn(&str) -> String| {
        let mut edited = v.clone();
        for (name, value) in edited.request.headers.iter_mut() {
            if name.eq_ignore_ascii_case("authorization") {
                let (head, signature) = value.rsplit_once("Signature=").expect("a signature");
                *value = format!("{head}Signature={}", edit(signature));
            }
        }
        let raw = raw_request(&edited);
        let rpc = extract(&raw).unwrap_or_else(|(e, _)| panic!("{e}"));
        let auth = Authenticator::strict(vec![credential(&edited)]);
        auth.verify(&raw, &rpc, signing_time(&raw, &rpc)).map(|c| c.account)
    };
    assert_eq!(with_signature(|s| s.to_owned()).unwrap(), "acct");
    assert_eq!(with_signature(|s| s.to_ascii_uppercase()).unwrap(), "acct");
    let shortened = with_signature(|s| s[..s.len() - 2].to_owned());
    assert_eq!(shortened.unwrap_err().code(), "SignatureDoesNotMatch");
    let not_hex = with_signature(|s| format!("{}zz", &s[..s.len() - 2]));
    assert_eq!(not_hex.unwrap_err().code(), "SignatureDoesNotMatch");
}
