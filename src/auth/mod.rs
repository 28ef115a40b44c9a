//! Who is calling: the credential store and the two signature schemes the SDKs use
//! (ACS3-HMAC-SHA256 in the `Authorization` header, HMAC-SHA1 v1.0 in the `Signature` parameter).

pub mod acs3;
pub mod encode;
pub mod nonce;
pub mod rpc_v1;

use crate::error::{ApiError, ErrorCode};
use crate::protocol::{RawRequest, RpcRequest};
use nonce::NonceCache;
use std::collections::HashMap;
use time::OffsetDateTime;

/// How far a request's timestamp may stray from the server's clock.
pub const MAX_CLOCK_SKEW_SECONDS: i64 = 15 * 60;

/// The account used when a request names no access key at all (open mode only).
pub const ANONYMOUS_ACCOUNT: &str = "anonymous";

/// One configured key pair and the account it acts for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    pub access_key_id: String,
    pub secret: String,
    pub account: String,
}

impl Credential {
    /// Parses `AK:SECRET[:ACCOUNT]`; the account defaults to the key id. The secret may not hold `:`.
    pub fn parse(spec: &str) -> Result<Self, String> {
        let mut parts = spec.splitn(3, ':');
        let access_key_id = parts.next().unwrap_or_default().trim();
        let secret = parts.next().unwrap_or_default();
        let account = parts.next().map(str::trim).filter(|a| !a.is_empty());
        if access_key_id.is_empty() || secret.is_empty() {
            return Err(format!("credential '{spec}' is not of the form AK:SECRET[:ACCOUNT]"));
        }
        Ok(Credential {
            access_key_id: access_key_id.to_owned(),
            secret: secret.to_owned(),
            account: account.unwrap_or(access_key_id).to_owned(),
        })
    }
}

/// A credential with its two HMAC keys prepared once: a request clones the keyed state instead of
/// hashing the secret again.
#[derive(Clone)]
pub struct SigningKey {
    pub credential: Credential,
    acs3: hmac::Hmac<sha2::Sha256>,
    rpc_v1: hmac::Hmac<sha1::Sha1>,
}

impl SigningKey {
    fn new(credential: Credential) -> Self {
        SigningKey {
            acs3: encode::keyed_mac(credential.secret.as_bytes(), ""),
            rpc_v1: encode::keyed_mac(rpc_v1::key_of(&credential.secret).as_bytes(), ""),
            credential,
        }
    }
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("access_key_id", &self.credential.access_key_id)
            .finish_non_exhaustive()
    }
}

/// The verified identity of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub access_key_id: String,
    pub account: String,
}

/// Signature policy: open (any key, nothing checked) or strict (known keys, valid signatures).
#[derive(Debug, Default)]
pub struct Authenticator {
    credentials: Option<HashMap<String, SigningKey>>,
    nonces: NonceCache,
    /// With a state directory: where each new nonce is written, so a replay stays refused after a
    /// restart. A read does not wait for its nonce to be on disk (it goes with the next commit).
    journal: std::sync::OnceLock<std::sync::Arc<crate::store::Journal>>,
}

impl Authenticator {
    /// Open mode: each AccessKeyId is its own account and signatures are not checked.
    pub fn open() -> Self {
        Self::default()
    }

    /// Strict mode: only these keys, with verified signatures, fresh timestamps and unused nonces.
    pub fn strict(credentials: Vec<Credential>) -> Self {
        let map = credentials
            .into_iter()
            .map(|c| (c.access_key_id.clone(), SigningKey::new(c)))
            .collect();
        Authenticator {
            credentials: Some(map),
            nonces: NonceCache::default(),
            journal: std::sync::OnceLock::new(),
        }
    }

    pub fn is_strict(&self) -> bool {
        self.credentials.is_some()
    }

    /// Writes each new nonce to `journal` from now on.
    pub fn attach_journal(&self, journal: std::sync::Arc<crate::store::Journal>) {
        let _ = self.journal.set(journal);
    }

    /// Remembers a nonce read from the durable state.
    pub fn restore_nonce(&self, access_key_id: &str, nonce: &str, expires_nanos: i64, now: OffsetDateTime) {
        self.nonces.remember(access_key_id, nonce, expires_nanos, now);
    }

    /// Forgets the nonces seen so far.
    pub fn reset(&self) {
        self.nonces.clear();
    }

    /// The account a call that could not be read (an unknown version, say) names, so the journal
    /// can attribute it: its access key, which is its account in open mode. Strict, nothing
    /// unverified names an account, so none.
    pub fn claimed_account(&self, raw: &RawRequest) -> Option<String> {
        if self.is_strict() {
            return None;
        }
        match Scheme::of(raw) {
            Scheme::Acs3 => acs3_credential(raw),
            Scheme::RpcV1 => {
                let form = crate::protocol::extract::is_form_body(raw).then_some(raw.body.as_slice());
                [Some(raw.query.as_bytes()), form]
                    .into_iter()
                    .flatten()
                    .find_map(|text| {
                        let pairs = crate::protocol::decode_pairs(text, "request").ok()?;
                        let (_, key) = pairs.into_iter().find(|(name, _)| name == "AccessKeyId")?;
                        (!key.is_empty()).then(|| key.into_owned())
                    })
            }
        }
    }

    /// Checks the request's signature, if strict, and says who sent it.
    pub fn verify(&self, raw: &RawRequest, rpc: &RpcRequest, now: OffsetDateTime) -> Result<Caller, ApiError> {
        let scheme = Scheme::of(raw);
        let Some(credentials) = &self.credentials else {
            let access_key_id = scheme
                .claimed_key(raw, rpc)
                .unwrap_or_else(|| ANONYMOUS_ACCOUNT.to_owned());
            return Ok(Caller {
                account: access_key_id.clone(),
                access_key_id,
            });
        };
        let signed = match scheme {
            Scheme::Acs3 => acs3::verify(raw, rpc, |ak| lookup(credentials, ak))?,
            Scheme::RpcV1 => rpc_v1::verify(&raw.method, rpc, |ak| lookup(credentials, ak))?,
        };
        check_clock(signed.timestamp, now)?;
        if !self.nonces.insert_if_new(
            &signed.key.credential.access_key_id,
            signed.nonce,
            signed.timestamp,
            now,
        ) {
            return Err(ApiError::new(ErrorCode::SignatureNonceUsed));
        }
        if let Some(journal) = self.journal.get() {
            let expires = nonce::expiry_nanos(signed.timestamp);
            let key = crate::store::journal::keys::nonce(expires, &signed.key.credential.access_key_id, signed.nonce);
            journal.push_unawaited(crate::store::Change::Nonce(key));
        }
        Ok(Caller {
            access_key_id: signed.key.credential.access_key_id.clone(),
            account: signed.key.credential.account.clone(),
        })
    }
}

fn lookup<'a>(credentials: &'a HashMap<String, SigningKey>, access_key_id: &str) -> Result<&'a SigningKey, ApiError> {
    credentials
        .get(access_key_id)
        .ok_or_else(|| ApiError::new(ErrorCode::AccessKeyNotFound))
}

fn check_clock(timestamp: OffsetDateTime, now: OffsetDateTime) -> Result<(), ApiError> {
    let skew = (now - timestamp).whole_seconds().abs();
    if skew > MAX_CLOCK_SKEW_SECONDS {
        return Err(ApiError::new(ErrorCode::TimestampExpired));
    }
    Ok(())
}

/// What a verified signature vouches for.
#[derive(Debug)]
pub struct SignedFacts<'c, 'r> {
    pub key: &'c SigningKey,
    pub timestamp: OffsetDateTime,
    /// Borrowed from the request: it is only needed until the replay check.
    pub nonce: &'r str,
}

enum Scheme {
    Acs3,
    RpcV1,
}

impl Scheme {
    fn of(raw: &RawRequest) -> Self {
        match raw.header(&acs3::AUTHORIZATION) {
            Some(value) if value.trim_start().starts_with(acs3::ALGORITHM) => Scheme::Acs3,
            _ => Scheme::RpcV1,
        }
    }

    fn claimed_key(&self, raw: &RawRequest, rpc: &RpcRequest) -> Option<String> {
        match self {
            Scheme::Acs3 => acs3_credential(raw),
            Scheme::RpcV1 => rpc.param("AccessKeyId").filter(|k| !k.is_empty()).map(str::to_owned),
        }
    }
}

/// The access key an ACS3 `Authorization` header names, unverified.
fn acs3_credential(raw: &RawRequest) -> Option<String> {
    raw.header(&acs3::AUTHORIZATION)
        .and_then(|h| acs3::AuthorizationHeader::parse(h).ok())
        .map(|h| h.credential.to_owned())
}

/// The first value of each of `names` among `pairs`, read in one pass: a request's signing fields,
/// found without a lookup (or a scan) per field.
pub(crate) fn first_values<'r, V: Copy, const N: usize>(
    pairs: impl Iterator<Item = (&'r str, V)>,
    names: [&str; N],
) -> [Option<V>; N] {
    let mut found = [None; N];
    for (name, value) in pairs {
        let slot = names.iter().position(|n| *n == name).and_then(|i| found.get_mut(i));
        if let Some(slot) = slot {
            slot.get_or_insert(value);
        }
    }
    found
}

/// Reads a required signing field, or answers `MissingParameter` naming it.
pub(crate) fn required<'a>(value: Option<&'a str>, name: &str) -> Result<&'a str, ApiError> {
    value.filter(|v| !v.is_empty()).ok_or_else(|| ApiError::missing(name))
}

/// Parses the `YYYY-MM-DDThh:mm:ssZ` timestamps both schemes carry.
pub(crate) fn parse_timestamp(value: &str) -> Result<OffsetDateTime, ApiError> {
    OffsetDateTime::parse(value, &time::format_description::well_known::Rfc3339)
        .map_err(|_| ApiError::new(ErrorCode::TimestampFormat))
}

#[cfg(test)]
mod vector_tests;
