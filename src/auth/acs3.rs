//! ACS3-HMAC-SHA256: the `Authorization` header over a canonical request of method, query,
//! signed headers and the body's SHA-256.

use super::encode::{keyed_mac, write_canonical_query};
use super::{parse_timestamp, required, SignedFacts, SigningKey};
use crate::error::{ApiError, ErrorCode};
use crate::protocol::{RawRequest, RpcRequest};
use hmac::{Hmac, Mac};
use http::HeaderName;
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

/// The headers this scheme reads, named once rather than parsed from text on every lookup.
pub const AUTHORIZATION: HeaderName = http::header::AUTHORIZATION;
const DATE: HeaderName = HeaderName::from_static("x-acs-date");
const NONCE: HeaderName = HeaderName::from_static("x-acs-signature-nonce");
const CONTENT_SHA256: HeaderName = HeaderName::from_static("x-acs-content-sha256");

/// The canonical request the client hashed and signed.
pub fn canonical_request(raw: &RawRequest, rpc: &RpcRequest, signed_headers: &[&str], payload_hash: &str) -> String {
    let mut out = Vec::with_capacity(512);
    write_canonical_request(&mut out, raw, rpc, signed_headers, payload_hash);
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Method, `/`, canonical query, each signed header as `name:values`, the signed names, the payload
/// hash, appended to `out`. Verifying hashes this one buffer: feeding SHA-256 piece by piece was
/// measured slower (many small updates).
fn write_canonical_request(
    out: &mut Vec<u8>,
    raw: &RawRequest,
    rpc: &RpcRequest,
    signed_headers: &[&str],
    payload_hash: &str,
) {
    let mut names: Vec<Cow<'_, str>> = signed_headers.iter().map(|h| lowercase(h)).collect();
    names.sort_unstable();
    out.extend_from_slice(raw.method.as_bytes());
    out.extend_from_slice(b"\n/\n");
    write_canonical_query(rpc.query.iter().map(|(k, v)| (&**k, &**v)), out);
    out.extend_from_slice(b"\n");
    for name in &names {
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b":");
        // The map's names are lowercase already; scanning them beats parsing `name` for a lookup.
        let values = raw.headers.iter().filter(|(n, _)| n.as_str() == name.as_ref());
        for (i, (_, value)) in values.enumerate() {
            if i > 0 {
                out.extend_from_slice(b",");
            }
            match value.to_str() {
                Ok(text) => out.extend_from_slice(text.trim().as_bytes()),
                Err(_) => out.extend_from_slice(String::from_utf8_lossy(value.as_bytes()).trim().as_bytes()),
            }
        }
        out.extend_from_slice(b"\n");
    }
    out.extend_from_slice(b"\n");
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(b";");
        }
        out.extend_from_slice(name.as_bytes());
    }
    out.extend_from_slice(b"\n");
    out.extend_from_slice(payload_hash.as_bytes());
}

fn lowercase(name: &str) -> Cow<'_, str> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
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

/// Verifies an ACS3 request against the key its `Credential` names.
pub fn verify<'c, 'r>(
    raw: &'r RawRequest,
    rpc: &RpcRequest,
    lookup: impl FnOnce(&str) -> Result<&'c SigningKey, ApiError>,
) -> Result<SignedFacts<'c, 'r>, ApiError> {
    let header = AuthorizationHeader::parse(required(raw.header(&AUTHORIZATION), "Authorization")?)?;
    let timestamp = parse_timestamp(required(raw.header(&DATE), "x-acs-date")?)?;
    let nonce = required(raw.header(&NONCE), "x-acs-signature-nonce")?;
    let key = lookup(header.credential)?;
    let body_hash: Cow<'_, str> = if raw.body.is_empty() {
        Cow::Borrowed(EMPTY_BODY_SHA256)
    } else {
        Cow::Owned(hex::encode(Sha256::digest(&raw.body)))
    };
    if let Some(claimed) = raw.header(&CONTENT_SHA256) {
        if !claimed.trim().eq_ignore_ascii_case(&body_hash) {
            return Err(ApiError::new(ErrorCode::SignatureDoesNotMatch));
        }
    }
    let mut canonical = Vec::with_capacity(1024);
    write_canonical_request(&mut canonical, raw, rpc, &header.signed_headers, &body_hash);
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
    fn the_empty_body_hash_is_sha256_of_nothing() {
        assert_eq!(EMPTY_BODY_SHA256, hex::encode(Sha256::digest(b"")));
    }
}
