//! What a test suite did: the request journal (the latest calls with their decoded parameters) and
//! call coverage (every served operation, called or not, with the codes and parameters seen). Both
//! are fed once per answered call, from the one record the server makes of it.

pub mod clip;
pub mod coverage;
pub mod journal;
mod report;

use crate::actions::Product;
use std::borrow::Cow;
use std::sync::Arc;
use time::OffsetDateTime;

pub use crate::config::{DEFAULT_JOURNAL_BYTES, DEFAULT_JOURNAL_SIZE};

/// Longest action or version text kept from a call; what is longer is cut (a hostile name must not
/// grow the journal or the coverage report).
const MAX_NAME: usize = 128;

/// One answered call, as the server saw it.
#[derive(Debug, Clone)]
pub struct Call {
    /// Numbered by the journal as it is kept.
    pub seq: u64,
    /// When it was answered, by the emulator's clock.
    pub at: OffsetDateTime,
    /// The product its version names; `None` when the version was unknown or never read.
    pub product: Option<Product>,
    /// Borrowed from the product and operation tables when known, so a call records them for free.
    pub version: Cow<'static, str>,
    pub action: Cow<'static, str>,
    /// The caller's account; empty when the call was refused before it was known (for a call that
    /// could not be read, the one its access key names without `--credentials`).
    pub account: Box<str>,
    pub region: Cow<'static, str>,
    pub status: u16,
    /// The error code answered; empty for a success.
    pub code: String,
    pub request_id: String,
    /// The fault rules that fired on it.
    pub faults: Vec<Arc<str>>,
    pub millis: f64,
    /// The request's parameters as sent, decoded only when read; clipped when large.
    pub request: SentParams,
    /// What clipping left out of `request`, for a large call.
    pub clipped: Option<Box<clip::Clipping>>,
}

impl Call {
    /// The bytes the journal holds for this call, for its byte budget.
    pub fn kept_bytes(&self) -> usize {
        std::mem::size_of::<Call>()
            + self.request.query.capacity()
            + self.request.form.capacity()
            + self.account.len()
            + self.code.capacity()
            + self.request_id.capacity()
            + self.faults.len() * std::mem::size_of::<Arc<str>>()
            + self.clipped.as_ref().map_or(0, |c| c.kept_bytes())
    }
}

/// A request's query string and form body, kept as they came (moved, not copied, from the request).
#[derive(Debug, Clone, Default)]
pub struct SentParams {
    pub query: String,
    /// Empty unless the body was a form.
    pub form: Vec<u8>,
}

impl SentParams {
    /// The operation's parameters, in the order sent: the gateway's own (action, version, signing
    /// fields) and credentials are left out, and secret values are masked. Text that does not decode
    /// gives no parameters.
    pub fn decoded(&self) -> Vec<(String, String)> {
        self.names_and_values()
            .into_iter()
            .filter(|(name, _)| !is_credential(name))
            .map(|(name, value)| {
                let value = if is_secret(&name) { "******".to_owned() } else { value };
                (name, value)
            })
            .collect()
    }

    /// A hash of the parameter names as sent, in order, values left out: calls of one shape (a suite
    /// repeats a few) share it, so coverage decodes a shape's names once, not at every call.
    pub fn names_fingerprint(&self) -> u64 {
        use std::hash::{BuildHasher, Hasher};
        let mut hasher = foldhash::fast::FixedState::with_seed(0).build_hasher();
        for name in self.sent_names() {
            hasher.write(name);
            hasher.write_u8(b'&');
        }
        hasher.finish()
    }

    /// Calls `each` with the name of each of the operation's parameters, each list index written `N`
    /// (`Container.N.Port.N.Protocol`), as coverage counts them. Names are decoded only when they
    /// need it and the shape is written into one buffer, so a call's names cost no allocation.
    pub fn for_each_shape(&self, mut each: impl FnMut(&str)) {
        let mut shape = String::new();
        let names = self
            .sent_names()
            .filter_map(|name| std::str::from_utf8(name).ok())
            .filter_map(|name| crate::protocol::decode_component(name, "").ok())
            .take(crate::protocol::limits::MAX_PARAMETERS);
        for name in names {
            if crate::protocol::is_gateway_param(&name) || is_credential(&name) {
                continue;
            }
            write_shape(&name, &mut shape);
            each(&shape);
        }
    }

    /// Each parameter's name as sent, still encoded: the query's, then the form body's.
    fn sent_names(&self) -> impl Iterator<Item = &[u8]> {
        [self.query.as_bytes(), self.form.as_slice()]
            .into_iter()
            .flat_map(|bytes| {
                let mut start = 0;
                memchr::memchr_iter(b'&', bytes).chain([bytes.len()]).map(move |end| {
                    let piece = bytes.get(start..end).unwrap_or_default();
                    start = end + 1;
                    piece
                })
            })
            .filter(|piece| !piece.is_empty())
            .map(|piece| {
                memchr::memchr(b'=', piece)
                    .and_then(|at| piece.get(..at))
                    .unwrap_or(piece)
            })
    }

    fn names_and_values(&self) -> Vec<(String, String)> {
        let query = crate::protocol::decode_pairs(self.query.as_bytes(), "query string").unwrap_or_default();
        let form = crate::protocol::decode_pairs(&self.form, "request body").unwrap_or_default();
        query
            .into_iter()
            .chain(form)
            .filter(|(name, _)| !crate::protocol::is_gateway_param(name))
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect()
    }
}

/// `Container.1.Port.2.Protocol` → `Container.N.Port.N.Protocol`.
pub fn shape_of(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    write_shape(name, &mut out);
    out
}

fn write_shape(name: &str, out: &mut String) {
    out.clear();
    for (i, segment) in name.split('.').enumerate() {
        if i > 0 {
            out.push('.');
        }
        if !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit()) {
            out.push('N');
        } else {
            out.push_str(segment);
        }
    }
}

/// A credential the SDKs send with a call: never journaled, not even masked.
fn is_credential(name: &str) -> bool {
    matches!(name, "SecurityToken" | "BearerToken" | "AccessKeySecret")
}

/// A parameter whose value is a secret (a registry password, say): journaled as `******`.
fn is_secret(name: &str) -> bool {
    let last = name.rsplit('.').next().unwrap_or(name);
    let lower = last.to_ascii_lowercase();
    lower.contains("password") || lower.contains("secret") || lower == "token"
}

/// Text from a call cut to a bounded length, at a character boundary.
pub fn bounded(text: &str) -> Cow<'static, str> {
    match text.char_indices().nth(MAX_NAME) {
        Some((end, _)) => Cow::Owned(text.get(..end).unwrap_or_default().to_owned()),
        None => Cow::Owned(text.to_owned()),
    }
}

/// The journal and the coverage, fed together.
pub struct Insight {
    pub journal: journal::Journal,
    pub coverage: coverage::Coverage,
}

impl Insight {
    pub fn new(journal_size: usize, journal_bytes: u64, now: OffsetDateTime) -> Self {
        Insight {
            journal: journal::Journal::new(journal_size, journal_bytes),
            coverage: coverage::Coverage::new(now),
        }
    }

    /// Counts `call` in the coverage and keeps it in the journal.
    pub fn record(&self, call: Call) {
        self.coverage.count(&call);
        self.journal.push(call);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_decoded_with_secrets_masked_and_gateway_fields_left_out() {
        let sent = SentParams {
            query: "Action=CreateContainerGroup&Signature=abc&AccessKeyId=AK&RegionId=cn-hangzhou&SecurityToken=t"
                .into(),
            form: b"ImageRegistryCredential.1.Password=hunter2&Container.1.Image=nginx%3A1&ClientToken=c1".to_vec(),
        };
        let decoded = sent.decoded();
        assert_eq!(
            decoded,
            vec![
                ("RegionId".to_owned(), "cn-hangzhou".to_owned()),
                ("ImageRegistryCredential.1.Password".to_owned(), "******".to_owned()),
                ("Container.1.Image".to_owned(), "nginx:1".to_owned()),
                ("ClientToken".to_owned(), "c1".to_owned()),
            ]
        );
        let mut shapes = Vec::new();
        sent.for_each_shape(|shape| shapes.push(shape.to_owned()));
        assert_eq!(
            shapes,
            [
                "RegionId",
                "ImageRegistryCredential.N.Password",
                "Container.N.Image",
                "ClientToken"
            ]
        );
        let encoded = SentParams {
            query: "Tag.1.K%65y=a&Signature=x".into(),
            form: Vec::new(),
        };
        let mut shapes = Vec::new();
        encoded.for_each_shape(|shape| shapes.push(shape.to_owned()));
        assert_eq!(shapes, ["Tag.N.Key"]);
        assert!(SentParams {
            query: "a=%FF".into(),
            form: Vec::new()
        }
        .decoded()
        .is_empty());
    }

    #[test]
    fn list_indices_become_n_and_long_names_are_cut() {
        assert_eq!(shape_of("Container.12.Port.2.Protocol"), "Container.N.Port.N.Protocol");
        assert_eq!(shape_of("Tag.1.Key"), "Tag.N.Key");
        assert_eq!(shape_of("Cpu"), "Cpu");
        assert_eq!(shape_of("A..1"), "A..N");
        assert_eq!(bounded(&"x".repeat(500)).len(), MAX_NAME);
        assert_eq!(&*bounded("中文"), "中文");
    }
}
