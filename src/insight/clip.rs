//! What the journal keeps of a large call's parameters: each value cut to `MAX_VALUE_BYTES` with its
//! length noted, and no more than `MAX_KEPT_BYTES` of parameters in all, so one call (a 2 MiB tag
//! value, 10,000 parameters) costs the journal a few KiB, not what it sent.

use super::SentParams;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};

/// Parameters as sent up to this size are kept as they came, and cost nothing to keep.
pub const MAX_KEPT_BYTES: usize = 16 * 1024;
/// The longest value a clipped call keeps; the rest is cut and its length noted.
pub const MAX_VALUE_BYTES: usize = 1024;

/// What clipping left out of a call.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Clipping {
    /// The bytes of query string and form body the call sent.
    pub bytes_sent: usize,
    /// Each value cut, by name, with its length in bytes as sent (decoded).
    pub values: Vec<(String, usize)>,
    /// Parameters past `MAX_KEPT_BYTES`, left out whole.
    pub left_out: usize,
    /// The parameters did not decode, so none are kept.
    pub undecodable: bool,
}

/// `sent` as the journal keeps it: unchanged when small, else decoded, clipped and written again as
/// one query string.
pub fn clip(sent: SentParams) -> (SentParams, Option<Box<Clipping>>) {
    let bytes_sent = sent.query.len() + sent.form.len();
    if bytes_sent <= MAX_KEPT_BYTES {
        return (sent, None);
    }
    let mut clipping = Clipping {
        bytes_sent,
        ..Clipping::default()
    };
    let query = crate::protocol::decode_pairs(sent.query.as_bytes(), "query string");
    let form = crate::protocol::decode_pairs(&sent.form, "request body");
    let (Ok(query), Ok(form)) = (query, form) else {
        clipping.undecodable = true;
        return (SentParams::default(), Some(Box::new(clipping)));
    };
    let mut kept = String::new();
    for (name, value) in query.iter().chain(form.iter()) {
        let name = super::bounded(name);
        let cut = cut_at_char(value, MAX_VALUE_BYTES);
        let pair = format!(
            "{}={}",
            utf8_percent_encode(&name, NON_ALPHANUMERIC),
            utf8_percent_encode(cut, NON_ALPHANUMERIC)
        );
        if kept.len() + 1 + pair.len() > MAX_KEPT_BYTES {
            clipping.left_out += 1;
            continue;
        }
        if cut.len() < value.len() {
            clipping.values.push((name.into_owned(), value.len()));
        }
        if !kept.is_empty() {
            kept.push('&');
        }
        kept.push_str(&pair);
    }
    kept.shrink_to_fit();
    let clipped = SentParams {
        query: kept,
        form: Vec::new(),
    };
    (clipped, Some(Box::new(clipping)))
}

/// The longest prefix of `text` of at most `max` bytes that ends on a character boundary.
fn cut_at_char(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let end = (0..=max).rev().find(|at| text.is_char_boundary(*at)).unwrap_or(0);
    text.get(..end).unwrap_or_default()
}

impl Clipping {
    /// The bytes this record itself holds, for the journal's byte budget.
    pub fn kept_bytes(&self) -> usize {
        std::mem::size_of::<Clipping>() + self.values.iter().map(|(name, _)| name.len() + 32).sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(query: String) -> SentParams {
        SentParams {
            query,
            form: Vec::new(),
        }
    }

    #[test]
    fn a_small_call_is_kept_as_it_came() {
        let (kept, clipping) = clip(sent("RegionId=cn-hangzhou&Tag.1.Key=a".into()));
        assert_eq!(kept.query, "RegionId=cn-hangzhou&Tag.1.Key=a");
        assert_eq!(clipping, None);
    }

    #[test]
    fn a_large_value_is_cut_and_its_length_noted() {
        let big = "ü".repeat(1_000_000);
        let (kept, clipping) = clip(sent(format!("RegionId=cn-hangzhou&Description={big}")));
        let clipping = clipping.unwrap_or_default();
        assert_eq!(clipping.values, [("Description".to_string(), 2_000_000)]);
        assert_eq!((clipping.left_out, clipping.undecodable), (0, false));
        assert_eq!(
            clipping.bytes_sent,
            2_000_000 + "RegionId=cn-hangzhou&Description=".len()
        );
        let decoded = kept.decoded();
        assert_eq!(
            decoded.first(),
            Some(&("RegionId".to_string(), "cn-hangzhou".to_string()))
        );
        let description = decoded.get(1).map(|(_, value)| value.clone()).unwrap_or_default();
        assert_eq!(description, "ü".repeat(MAX_VALUE_BYTES / 2));
        assert!(kept.query.len() <= MAX_KEPT_BYTES);
    }

    #[test]
    fn parameters_past_the_budget_are_left_out_and_counted() {
        let many: Vec<String> = (1..=10_000).map(|n| format!("Tag.{n}.Key=value-{n}")).collect();
        let (kept, clipping) = clip(sent(many.join("&")));
        let clipping = clipping.unwrap_or_default();
        let kept_count = kept.decoded().len();
        assert!(kept.query.len() <= MAX_KEPT_BYTES, "{}", kept.query.len());
        assert_eq!(kept_count + clipping.left_out, 10_000);
        assert!(kept_count > 100, "{kept_count}");
    }

    #[test]
    fn a_large_call_that_does_not_decode_keeps_nothing() {
        let (kept, clipping) = clip(sent(format!("a=%FF{}", "x".repeat(MAX_KEPT_BYTES))));
        assert!(kept.query.is_empty());
        assert!(clipping.is_some_and(|c| c.undecodable));
    }
}
