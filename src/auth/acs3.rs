//! ACS3-HMAC-SHA256: the `Authorization` header over a canonical request of method, query,
//! signed headers and the body's SHA-256.

use super::encode::{canonical_query, keyed_mac};
use super::{parse_timestamp, required, Credential, SignedFacts};
use crate::error::{ApiError, ErrorCode};
use crate::protocol::{RawRequest, RpcRequest};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

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

/// The canonical request the client hashed and signed.
pub fn canonical_request(raw: &RawRequest, rpc: &RpcRequest, signed_headers: &[&str], payload_hash: &str) -> String {
    let query = canonical_query(rpc.query.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let mut names: Vec<String> = signed_headers.iter().map(|h| h.to_ascii_lowercase()).collect();
    names.sort_unstable();
    let mut out = String::with_capacity(256 + query.len());
    out.push_str(&raw.method);
    out.push_str("\n/\n");
    out.push_str(&query);
    out.push('\n');
    for name in &names {
        out.push_str(name);
        out.push(':');
        for (i, value) in raw.header_values(name).enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(value.trim());
        }
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&names.join(";"));
    out.push('\n');
    out.push_str(payload_hash);
    out
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
    hex::encode(mac(secret, string_to_sign).finalize().into_bytes())
}

fn mac(secret: &str, string_to_sign: &str) -> Hmac<Sha256> {
    keyed_mac(secret.as_bytes(), string_to_sign)
}

/// Verifies an ACS3 request against the key its `Credential` names.
pub fn verify<'c>(
    raw: &RawRequest,
    rpc: &RpcRequest,
    lookup: impl FnOnce(&str) -> Result<&'c Credential, ApiError>,
) -> Result<SignedFacts<'c>, ApiError> {
    let header = AuthorizationHeader::parse(required(raw.header("authorization"), "Authorization")?)?;
    let timestamp = parse_timestamp(required(raw.header("x-acs-date"), "x-acs-date")?)?;
    let nonce = required(raw.header("x-acs-signature-nonce"), "x-acs-signature-nonce")?;
    let credential = lookup(header.credential)?;
    let body_hash = if raw.body.is_empty() {
        EMPTY_BODY_SHA256.to_owned()
    } else {
        hex::encode(Sha256::digest(&raw.body))
    };
    if let Some(claimed) = raw.header("x-acs-content-sha256") {
        if !claimed.trim().eq_ignore_ascii_case(&body_hash) {
            return Err(ApiError::new(ErrorCode::SignatureDoesNotMatch));
        }
    }
    let expected = hex::decode(header.signature).map_err(|_| ApiError::new(ErrorCode::SignatureDoesNotMatch))?;
    let canonical = canonical_request(raw, rpc, &header.signed_headers, &body_hash);
    let signed_text = string_to_sign(&canonical);
    mac(&credential.secret, &signed_text)
        .verify_slice(&expected)
        .map_err(|_| ApiError::with_detail(ErrorCode::SignatureDoesNotMatch, &signed_text))?;
    Ok(SignedFacts {
        credential,
        timestamp,
        nonce: nonce.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_empty_body_hash_is_sha256_of_nothing() {
        assert_eq!(EMPTY_BODY_SHA256, hex::encode(Sha256::digest(b"")));
    }
}
