//! What both signature schemes share: RFC 3986 percent-encoding, the canonical query and keyed MACs.

use hmac::digest::KeyInit;
use hmac::Mac;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// A MAC of `text` under `key`, ready to finalize or verify.
pub fn keyed_mac<M: Mac + KeyInit>(key: &[u8], text: &str) -> M {
    let mut mac =
        <M as KeyInit>::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(text.as_bytes());
    mac
}

/// Everything but `A–Z a–z 0–9 - _ . ~` is encoded (space → `%20`, `*` → `%2A`).
const SIGNING_SET: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

pub fn percent_encode(text: &str) -> String {
    utf8_percent_encode(text, SIGNING_SET).to_string()
}

/// `k=v&k=v` over the pairs sorted by key, each side encoded: the canonical query of both schemes.
pub fn canonical_query<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut out = Vec::new();
    write_canonical_query(pairs, &mut out);
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The canonical query, appended to `out`.
pub fn write_canonical_query<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>, out: &mut Vec<u8>) {
    let mut pairs: Vec<(&str, &str)> = pairs.into_iter().collect();
    if !pairs.iter().all(|(k, _)| k.bytes().all(is_unreserved)) {
        out.extend_from_slice(canonical_query_encoding_keys(&pairs).as_bytes());
        return;
    }
    // Names that need no encoding sort the same encoded or not, so only values are encoded, straight
    // into the output.
    pairs.sort_unstable_by(|a, b| a.0.cmp(b.0).then_with(|| percent_encode(a.1).cmp(&percent_encode(b.1))));
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push(b'&');
        }
        out.extend_from_slice(k.as_bytes());
        out.push(b'=');
        for chunk in utf8_percent_encode(v, SIGNING_SET) {
            out.extend_from_slice(chunk.as_bytes());
        }
    }
}

/// `A–Z a–z 0–9 - _ . ~`: the bytes both schemes leave unencoded.
pub(crate) fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')
}

/// The general case: names that need encoding sort by their encoded form.
fn canonical_query_encoding_keys(pairs: &[(&str, &str)]) -> String {
    let mut encoded: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (percent_encode(k), percent_encode(v)))
        .collect();
    encoded.sort();
    let mut out = String::new();
    for (i, (k, v)) in encoded.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_the_rfc3986_way() {
        assert_eq!(percent_encode("a b+c*d~e/f中"), "a%20b%2Bc%2Ad~e%2Ff%E4%B8%AD");
        assert_eq!(canonical_query([("b", "2"), ("a", "1 2"), ("A", "")]), "A=&a=1%202&b=2");
        assert_eq!(
            canonical_query([("a", "~"), ("a", " ")]),
            "a=%20&a=~",
            "equal names sort by encoded value"
        );
        assert_eq!(canonical_query([("b", "1"), ("a b", "2")]), "a%20b=2&b=1");
    }
}
