//! ACS3-HMAC-SHA256: the `Authorization` header over a canonical request of method, query,
//! signed headers and the body's SHA-256.

use super::encode::{keyed_mac, write_canonical_query};
use super::{first_values, parse_timestamp, required, SignedFacts, SigningKey};
use crate::error::{ApiError, ErrorCode};
use crate::protocol::{RawRequest, RpcRequest};
use hmac::{Hmac, Mac};
use http::{HeaderName, HeaderValue};
use sha2::{Digest, Sha256};
use std::borrow::Cow;

pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// SHA-256 of nothing: the payload hash of every request without a body, the SDKs' usual case.
const EMPTY_BODY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// The three parts of `Authorization: ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…`.
#[derive(Debug, PartialEq, Eq)]
pub struct AuthorizationHeader<'a> {
    pub credential: &'a str,
    pub signed_headers: Vec<&'a str>,
    pub signature: &'a str,
}

impl<'a> AuthorizationHeader<'a> {
    pub fn parse(value: &'a str) -> Result<Self, ApiError> {
        let malformed = || ApiError::new(ErrorCode::SignatureDoesNotMatch);
        let rest = value.trim().strip_prefix(ALGORITHM).ok_or_else(malformed)?;
        let (mut credential, mut signed, mut signature) = (None, None, None);
        for part in rest.trim().split(',') {
            let (name, val) = part.trim().split_once('=').ok_or_else(malformed)?;
            match name {
                "Credential" => credential = Some(val),
                "SignedHeaders" => signed = Some(val),
                "Signature" => signature = Some(val),
                _ => {}
            }
        }
        Ok(AuthorizationHeader {
            credential: credential.filter(|c| !c.is_empty()).ok_or_else(malformed)?,
            signed_headers: signed
                .ok_or_else(malformed)?
                .split(';')
                .filter(|h| !h.is_empty())
                .collect(),
            signature: signature.ok_or_else(malformed)?,
        })
    }
}

/// Already lowercase and in order, as the SDKs send them: the canonical request can then list the
/// names as they are, with no sorted copy.
fn is_canonical(signed_headers: &[&str]) -> bool {
    signed_headers.iter().all(|name| !has_uppercase(name)) && signed_headers.is_sorted()
}

fn has_uppercase(name: &str) -> bool {
    name.bytes().any(|b| b.is_ascii_uppercase())
}

pub const AUTHORIZATION: HeaderName = http::header::AUTHORIZATION;

/// A header's value if it is text, as `RawRequest::header` reads it.
fn text(value: Option<&HeaderValue>) -> Option<&str> {
    value.and_then(|v| v.to_str().ok())
}

/// The canonical request the client hashed and signed.
pub fn canonical_request(raw: &RawRequest, rpc: &RpcRequest, signed_headers: &[&str], payload_hash: &str) -> String {
    let mut out = Vec::with_capacity(512);
    write_canonical_request_for(&mut out, raw, rpc, signed_headers, payload_hash);
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The canonical request for the `SignedHeaders` list as sent, appended to `out`.
fn write_canonical_request_for(
    out: &mut Vec<u8>,
    raw: &RawRequest,
    rpc: &RpcRequest,
    signed_headers: &[&str],
    payload_hash: &str,
) {
    if is_canonical(signed_headers) {
        write_canonical_request(out, raw, rpc, signed_headers.iter().copied(), payload_hash);
    } else {
        let names = sorted(signed_headers.iter().map(|h| lowercase(h)).collect());
        write_canonical_request(out, raw, rpc, names.iter().map(|n| n.as_ref()), payload_hash);
    }
}

fn sorted(mut names: Vec<Cow<'_, str>>) -> Vec<Cow<'_, str>> {
    names.sort_unstable();
    names
}

/// Method, `/`, canonical query, each signed header as `name:values`, the signed names, the payload
/// hash, appended to `out`; `names` are lowercase and sorted. Verifying hashes this one buffer:
/// feeding SHA-256 piece by piece was measured slower (many small updates).
fn write_canonical_request<'n>(
    out: &mut Vec<u8>,
    raw: &RawRequest,
    rpc: &RpcRequest,
    names: impl Iterator<Item = &'n str> + Clone,
    payload_hash: &str,
) {
    out.extend_from_slice(raw.method.as_bytes());
    out.extend_from_slice(b"\n/\n");
    write_canonical_query(rpc.query.iter().map(|(k, v)| (&**k, &**v)), out);
    out.extend_from_slice(b"\n");
    for name in names.clone() {
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b":");
        // The map's names are lowercase already; scanning them beats parsing `name` for a lookup.
        let values = raw.headers.iter().filter(|(n, _)| n.as_str() == name);
        for (i, (_, value)) in values.enumerate() {
            if i > 0 {
                out.extend_from_slice(b",");
            }
            // The bytes as sent: what the client hashed, whether or not they are text.
            out.extend_from_slice(value.as_bytes().trim_ascii());
        }
        out.extend_from_slice(b"\n");
    }
    out.extend_from_slice(b"\n");
    for (i, name) in names.enumerate() {
        if i > 0 {
            out.extend_from_slice(b";");
        }
        out.extend_from_slice(name.as_bytes());
    }
    out.extend_from_slice(b"\n");
    out.extend_from_slice(payload_hash.as_bytes());
}

fn lowercase(name: &str) -> Cow<'_, str> {
    if has_uppercase(name) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        Cow::Borrowed(name)
    }
}

/// `ACS3-HMAC-SHA256\n` + hex SHA-256 of the canonical request.
pub fn string_to_sign(canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{}",
        hex::encode(Sha256::digest(canonical_request.as_bytes()))
    )
}

/// Hex HMAC-SHA256 keyed by the secret.
pub fn sign(secret: &str, string_to_sign: &str) -> String {
    hex::encode(
        keyed_mac::<Hmac<Sha256>>(secret.as_bytes(), string_to_sign)
            .finalize()
            .into_bytes(),
    )
}

/// The scheme signs `host`, every `x-acs-*` header and `content-type` where they are sent; a request
/// that leaves one out could be replayed with a fresh date, nonce or action, so it is refused.
fn require_signed(raw: &RawRequest, signed_headers: &[&str]) -> Result<(), ApiError> {
    let must_sign = |name: &str| name == "host" || name == "content-type" || name.starts_with("x-acs-");
    let unsigned = raw
        .headers
        .keys()
        .map(HeaderName::as_str)
        .filter(|name| must_sign(name))
        .find(|name| !signed_headers.iter().any(|signed| signed.eq_ignore_ascii_case(name)));
    match unsigned {
        None => Ok(()),
        Some(name) => Err(ApiError::with_detail(
            ErrorCode::IncompleteSignature,
            &format!("The header {name} is sent but not in SignedHeaders."),
        )),
    }
}

/// Verifies an ACS3 request against the key its `Credential` names.
pub fn verify<'c, 'r>(
    raw: &'r RawRequest,
    rpc: &RpcRequest,
    lookup: impl FnOnce(&str) -> Result<&'c SigningKey, ApiError>,
) -> Result<SignedFacts<'c, 'r>, ApiError> {
    let headers = raw.headers.iter().map(|(name, value)| (name.as_str(), value));
    let [authorization, date, nonce, content_sha256] = first_values(
        headers,
        [
            "authorization",
            "x-acs-date",
            "x-acs-signature-nonce",
            "x-acs-content-sha256",
        ],
    );
    let header = AuthorizationHeader::parse(required(text(authorization), "Authorization")?)?;
    let timestamp = parse_timestamp(required(text(date), "x-acs-date")?)?;
    let nonce = required(text(nonce), "x-acs-signature-nonce")?;
    require_signed(raw, &header.signed_headers)?;
    let key = lookup(header.credential)?;
    let body_hash: Cow<'_, str> = if raw.body.is_empty() {
        Cow::Borrowed(EMPTY_BODY_SHA256)
    } else {
        Cow::Owned(hex::encode(Sha256::digest(&raw.body)))
    };
    if let Some(claimed) = text(content_sha256) {
        if !claimed.trim().eq_ignore_ascii_case(&body_hash) {
            return Err(ApiError::new(ErrorCode::SignatureDoesNotMatch));
        }
    }
    let mut canonical = Vec::with_capacity(1024);
    write_canonical_request_for(&mut canonical, raw, rpc, &header.signed_headers, &body_hash);
    let mut digest_hex = [0u8; 64];
    hex::encode_to_slice(Sha256::digest(&canonical), &mut digest_hex)
        .unwrap_or_else(|_| unreachable!("a SHA-256 digest is 32 bytes, 64 hex digits"));
    let mut mac = key.acs3.clone();
    mac.update(ALGORITHM.as_bytes());
    mac.update(b"\n");
    mac.update(&digest_hex);
    let mut signature_hex = [0u8; 64];
    hex::encode_to_slice(mac.finalize().into_bytes(), &mut signature_hex)
        .unwrap_or_else(|_| unreachable!("an HMAC-SHA256 is 32 bytes, 64 hex digits"));
    // Comparing hex text saves decoding the claim; either case of hex digits is accepted.
    if !header.signature.as_bytes().eq_ignore_ascii_case(&signature_hex) {
        // Only a refused request pays for the text the client should have signed, for the message.
        let signed_text = string_to_sign(&String::from_utf8_lossy(&canonical));
        return Err(ApiError::with_detail(ErrorCode::SignatureDoesNotMatch, &signed_text));
    }
    Ok(SignedFacts { key, timestamp, nonce })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_authorization_header_is_read_part_by_part() {
        let value = " ACS3-HMAC-SHA256 Credential=AK, SignedHeaders=host;x-acs-date;;, Signature=abc ";
        let expected = AuthorizationHeader {
            credential: "AK",
            signed_headers: vec!["host", "x-acs-date"],
            signature: "abc",
        };
        assert_eq!(AuthorizationHeader::parse(value), Ok(expected));
        assert!(AuthorizationHeader::parse("ACS3-HMAC-SHA256 Credential=AK,SignedHeaders").is_err());
        assert!(AuthorizationHeader::parse("ACS3-HMAC-SHA256 SignedHeaders=host,Signature=abc").is_err());
        assert!(AuthorizationHeader::parse("HMAC-SHA1 Credential=AK,SignedHeaders=host,Signature=abc").is_err());
    }

    #[test]
    fn signed_header_lists_in_any_case_and_order_give_one_canonical_request() {
        let raw = RawRequest::from_parts(
            "GET",
            "RegionId=cn-hangzhou",
            &[
                ("host", "h"),
                ("x-acs-date", "d"),
                ("x-acs-action", "A"),
                ("x-acs-version", "2018-08-08"),
            ],
            b"",
        );
        let Ok(rpc) = crate::protocol::extract(&raw) else {
            panic!("the request extracts");
        };
        let canonical = |names: &[&str]| canonical_request(&raw, &rpc, names, EMPTY_BODY_SHA256);
        let expected = canonical(&["host", "x-acs-action", "x-acs-date"]);
        assert!(expected.contains("\nhost:h\nx-acs-action:A\nx-acs-date:d\n\nhost;x-acs-action;x-acs-date\n"));
        assert_eq!(canonical(&["x-acs-date", "Host", "x-acs-action"]), expected);
        assert_eq!(canonical(&["host", "x-acs-action", "X-ACS-DATE"]), expected);
        assert!(is_canonical(&["host", "x-acs-date"]));
        assert!(!is_canonical(&["x-acs-date", "host"]));
        assert!(!is_canonical(&["Host", "x-acs-date"]));
    }

    #[test]
    fn the_empty_body_hash_is_sha256_of_nothing() {
        assert_eq!(EMPTY_BODY_SHA256, hex::encode(Sha256::digest(b"")));
    }
}
