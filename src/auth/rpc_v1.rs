//! HMAC-SHA1 signature version 1.0: the `Signature` parameter over every other parameter.

use super::encode::{canonical_query, keyed_mac, percent_encode};
use super::{parse_timestamp, required, Credential, SignedFacts};
use crate::error::{ApiError, ErrorCode};
use crate::protocol::RpcRequest;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha1::Sha1;

/// The string the client signed: `METHOD&%2F&` + the encoded canonical query of all but `Signature`.
pub fn string_to_sign<'a>(method: &str, params: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let query = canonical_query(params.into_iter().filter(|(k, _)| *k != "Signature"));
    format!("{method}&{}&{}", percent_encode("/"), percent_encode(&query))
}

/// Base64 HMAC-SHA1 keyed by `secret&`.
pub fn sign(secret: &str, string_to_sign: &str) -> String {
    BASE64.encode(mac(secret, string_to_sign).finalize().into_bytes())
}

fn mac(secret: &str, string_to_sign: &str) -> Hmac<Sha1> {
    keyed_mac(format!("{secret}&").as_bytes(), string_to_sign)
}

/// Verifies a v1.0 request against the key it names.
pub fn verify<'c>(
    method: &str,
    rpc: &RpcRequest,
    lookup: impl FnOnce(&str) -> Result<&'c Credential, ApiError>,
) -> Result<SignedFacts<'c>, ApiError> {
    let access_key_id = required(rpc.param("AccessKeyId"), "AccessKeyId")?;
    let signature = required(rpc.param("Signature"), "Signature")?;
    let signature_method = required(rpc.param("SignatureMethod"), "SignatureMethod")?;
    required(rpc.param("SignatureVersion"), "SignatureVersion")?;
    let nonce = required(rpc.param("SignatureNonce"), "SignatureNonce")?;
    let timestamp = parse_timestamp(required(rpc.param("Timestamp"), "Timestamp")?)?;
    let credential = lookup(access_key_id)?;
    if signature_method != "HMAC-SHA1" {
        return Err(ApiError::new(ErrorCode::UnsupportedSignatureMethod));
    }
    let expected = BASE64
        .decode(signature)
        .map_err(|_| ApiError::new(ErrorCode::SignatureDoesNotMatch))?;
    let signed_text = string_to_sign(method, rpc.params());
    mac(&credential.secret, &signed_text)
        .verify_slice(&expected)
        .map_err(|_| ApiError::with_detail(ErrorCode::SignatureDoesNotMatch, &signed_text))?;
    Ok(SignedFacts {
        credential,
        timestamp,
        nonce: nonce.to_owned(),
    })
}
