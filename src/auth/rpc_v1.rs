//! HMAC-SHA1 signature version 1.0: the `Signature` parameter over every other parameter.

use super::encode::{canonical_query, is_unreserved, keyed_mac, percent_encode, push_twice_encoded};
use super::{first_values, parse_timestamp, required, SignedFacts, SigningKey};
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

/// Feeds the string to sign into `mac`, written straight into one buffer, for the common request
/// whose parameter names need no encoding and appear once; `false` (and nothing fed) otherwise, where
/// the caller builds the string the general way. Each value byte is encoded twice, as `string_to_sign`
/// does: unreserved bytes stay, others become `%25XX`. One update of the MAC costs less than one per
/// piece.
fn feed_string_to_sign<'a>(mac: &mut impl Mac, method: &str, params: impl Iterator<Item = (&'a str, &'a str)>) -> bool {
    let mut pairs: Vec<(&str, &str)> = params.filter(|(k, _)| *k != "Signature").collect();
    if !pairs.iter().all(|(k, _)| k.bytes().all(is_unreserved)) {
        return false;
    }
    pairs.sort_unstable_by(|a, b| a.0.cmp(b.0));
    if pairs.windows(2).any(|w| matches!(w, [a, b] if a.0 == b.0)) {
        return false;
    }
    let room: usize = pairs.iter().map(|(k, v)| k.len() + 3 * v.len() + 6).sum();
    let mut text = Vec::with_capacity(method.len() + 5 + room);
    text.extend_from_slice(method.as_bytes());
    text.extend_from_slice(b"&%2F&");
    for (i, (key, value)) in pairs.iter().enumerate() {
        if i > 0 {
            text.extend_from_slice(b"%26");
        }
        text.extend_from_slice(key.as_bytes());
        text.extend_from_slice(b"%3D");
        push_twice_encoded(&mut text, value);
    }
    mac.update(&text);
    true
}

/// Base64 HMAC-SHA1 keyed by `secret&`.
pub fn sign(secret: &str, string_to_sign: &str) -> String {
    BASE64.encode(mac(secret, string_to_sign).finalize().into_bytes())
}

fn mac(secret: &str, string_to_sign: &str) -> Hmac<Sha1> {
    keyed_mac(key_of(secret).as_bytes(), string_to_sign)
}

/// The HMAC key of this scheme: the secret and `&`.
pub(super) fn key_of(secret: &str) -> String {
    format!("{secret}&")
}

/// Verifies a v1.0 request against the key it names.
pub fn verify<'c, 'r>(
    method: &str,
    rpc: &'r RpcRequest,
    lookup: impl FnOnce(&str) -> Result<&'c SigningKey, ApiError>,
) -> Result<SignedFacts<'c, 'r>, ApiError> {
    let [access_key_id, signature, signature_method, signature_version, nonce, timestamp] = first_values(
        rpc.params(),
        [
            "AccessKeyId",
            "Signature",
            "SignatureMethod",
            "SignatureVersion",
            "SignatureNonce",
            "Timestamp",
        ],
    );
    let access_key_id = required(access_key_id, "AccessKeyId")?;
    let signature = required(signature, "Signature")?;
    let signature_method = required(signature_method, "SignatureMethod")?;
    required(signature_version, "SignatureVersion")?;
    let nonce = required(nonce, "SignatureNonce")?;
    let timestamp = parse_timestamp(required(timestamp, "Timestamp")?)?;
    let key = lookup(access_key_id)?;
    if signature_method != "HMAC-SHA1" {
        return Err(ApiError::new(ErrorCode::UnsupportedSignatureMethod));
    }
    let expected = BASE64
        .decode(signature)
        .map_err(|_| ApiError::new(ErrorCode::SignatureDoesNotMatch))?;
    let mut verifier = key.rpc_v1.clone();
    if !feed_string_to_sign(&mut verifier, method, rpc.params()) {
        // Nothing was fed: the keyed state is still fresh for the built string.
        verifier.update(string_to_sign(method, rpc.params()).as_bytes());
    }
    verifier
        .verify_slice(&expected)
        .map_err(|_| ApiError::with_detail(ErrorCode::SignatureDoesNotMatch, &string_to_sign(method, rpc.params())))?;
    Ok(SignedFacts { key, timestamp, nonce })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn streamed(method: &str, params: &[(&str, &str)]) -> Option<Vec<u8>> {
        let mut streamed = mac("secret", "");
        feed_string_to_sign(&mut streamed, method, params.iter().copied())
            .then(|| streamed.finalize().into_bytes().to_vec())
    }

    #[test]
    fn the_streamed_string_to_sign_is_the_built_one() {
        let params = [
            ("Timestamp", "2026-11-27T22:00:00Z"),
            ("Action", "DescribeContainerGroups"),
            ("Tag.1.Value", "a b+c*d~e/f?g=h&i%j 中文 ü '\"!()"),
            ("Signature", "ignored"),
            ("Container.1.Name", ""),
        ];
        let built = mac("secret", &string_to_sign("GET", params.iter().copied()))
            .finalize()
            .into_bytes()
            .to_vec();
        assert_eq!(streamed("GET", &params), Some(built));
    }

    #[test]
    fn unusual_names_and_repeated_names_take_the_built_path() {
        assert_eq!(streamed("GET", &[("a b", "1")]), None);
        assert_eq!(streamed("GET", &[("a", "1"), ("a", "2")]), None);
    }
}
