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
        push_encoded(out, v);
    }
}

/// Which bytes both schemes leave unencoded (`A–Z a–z 0–9 - _ . ~`), one lookup per byte: the
/// signing paths test every byte of every value.
const UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~');
        byte += 1;
    }
    table
};

pub(crate) fn is_unreserved(b: u8) -> bool {
    matches!(UNRESERVED.get(usize::from(b)), Some(true))
}

/// Appends `text` percent-encoded (`%XX` for every other byte), as `percent_encode` does.
pub(crate) fn push_encoded(out: &mut Vec<u8>, text: &str) {
    push_escaped(out, text.as_bytes(), b"%");
}

/// Appends `percent_encode(percent_encode(text))`: unreserved bytes stay, others become `%25XX`.
pub(crate) fn push_twice_encoded(out: &mut Vec<u8>, text: &str) {
    push_escaped(out, text.as_bytes(), b"%25");
}

/// Copies the runs of unreserved bytes whole and writes `escape` and two hex digits for each other
/// byte.
fn push_escaped(out: &mut Vec<u8>, mut rest: &[u8], escape: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    while let Some(at) = rest.iter().position(|b| !is_unreserved(*b)) {
        let Some((run, tail)) = rest.split_at_checked(at) else {
            break;
        };
        let Some((&byte, after)) = tail.split_first() else {
            break;
        };
        out.extend_from_slice(run);
        out.extend_from_slice(escape);
        out.extend_from_slice(&[HEX[usize::from(byte >> 4)], HEX[usize::from(byte & 0x0f)]]);
        rest = after;
    }
    out.extend_from_slice(rest);
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

    proptest::proptest! {
        #[test]
        fn pushed_encodings_match_the_percent_encoding_crate(text in "\\PC*|[-_.~a-zA-Z0-9 %:/\\[\\]\"]*") {
            let mut once = Vec::new();
            push_encoded(&mut once, &text);
            proptest::prop_assert_eq!(String::from_utf8(once).unwrap(), percent_encode(&text));
            let mut twice = Vec::new();
            push_twice_encoded(&mut twice, &text);
            proptest::prop_assert_eq!(String::from_utf8(twice).unwrap(), percent_encode(&percent_encode(&text)));
        }
    }
}
