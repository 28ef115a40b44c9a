//! The request journal: the latest answered calls, bounded in entries and in bytes, oldest dropped
//! first, filtered and read without holding up the calls being recorded (a read takes the matching
//! entries' handles under the lock and renders them after letting go). A large call's parameters are
//! clipped before it is kept (`clip`), so no one call takes much of the byte budget.

use super::Call;
use crate::actions::Product;
use parking_lot::Mutex;
use serde_json::{json, Map, Value};
use std::collections::VecDeque;
use std::sync::Arc;
use time::OffsetDateTime;

pub struct Journal {
    capacity: usize,
    byte_budget: u64,
    kept: Mutex<Kept>,
}

#[derive(Default)]
struct Kept {
    /// The number of the last call kept.
    last_seq: u64,
    /// Dropped to make room (or emptied), since start.
    dropped: u64,
    /// What the kept calls hold, by `Call::kept_bytes`.
    bytes: u64,
    calls: VecDeque<(Arc<Call>, u64)>,
}

/// What a read asks for; every filter given must match.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub action: Option<String>,
    pub product: Option<Product>,
    pub account: Option<String>,
    pub region: Option<String>,
    /// An error code, or `OK` for successes.
    pub code: Option<String>,
    /// Answered at or after.
    pub since: Option<OffsetDateTime>,
    /// Numbered after.
    pub after: Option<u64>,
}

impl Filter {
    fn matches(&self, call: &Call) -> bool {
        let same = |wanted: &Option<String>, got: &str| wanted.as_deref().is_none_or(|w| w == got);
        let code_matches = match self.code.as_deref() {
            None => true,
            Some("OK") => call.code.is_empty(),
            Some(code) => &*call.code == code,
        };
        same(&self.action, &call.action)
            && self.product.is_none_or(|p| call.product == Some(p))
            && same(&self.account, &call.account)
            && same(&self.region, &call.region)
            && code_matches
            && self.since.is_none_or(|since| call.at >= since)
            && self.after.is_none_or(|after| call.seq > after)
    }
}

/// A read's answer: the newest `limit` matching calls, oldest first, and how many matched in all.
pub struct Page {
    pub calls: Vec<Arc<Call>>,
    pub matched: usize,
    pub kept: usize,
    pub dropped: u64,
    pub capacity: usize,
    pub bytes: u64,
    pub byte_budget: u64,
}

impl Journal {
    /// A journal of at most `capacity` calls holding at most `byte_budget` bytes.
    pub fn new(capacity: usize, byte_budget: u64) -> Self {
        Journal {
            capacity,
            byte_budget,
            kept: Mutex::new(Kept::default()),
        }
    }

    /// Keeps `call` (clipped when large), numbering it after the last one; the oldest go until it
    /// fits both bounds. A call larger than the whole budget is counted and dropped.
    pub fn push(&self, mut call: Call) {
        let (request, clipped) = super::clip::clip(std::mem::take(&mut call.request));
        call.request = request;
        call.clipped = clipped;
        let cost = call.kept_bytes() as u64;
        let mut gone = Vec::new();
        let mut kept = self.kept.lock();
        kept.last_seq += 1;
        call.seq = kept.last_seq;
        if self.capacity == 0 || cost > self.byte_budget {
            kept.dropped += 1;
            return;
        }
        while kept.calls.len() >= self.capacity || kept.bytes + cost > self.byte_budget {
            let Some((oldest, oldest_cost)) = kept.calls.pop_front() else {
                break;
            };
            kept.bytes -= oldest_cost;
            kept.dropped += 1;
            gone.push(oldest);
        }
        kept.bytes += cost;
        kept.calls.push_back((Arc::new(call), cost));
        drop(kept);
        // Freed after the lock is let go.
        drop(gone);
    }

    pub fn read(&self, filter: &Filter, limit: usize) -> Page {
        let kept = self.kept.lock();
        let matching: Vec<Arc<Call>> = kept
            .calls
            .iter()
            .map(|(call, _)| call)
            .filter(|c| filter.matches(c))
            .cloned()
            .collect();
        let (kept_len, dropped, bytes) = (kept.calls.len(), kept.dropped, kept.bytes);
        drop(kept);
        let matched = matching.len();
        let skip = matched.saturating_sub(limit);
        Page {
            calls: matching.into_iter().skip(skip).collect(),
            matched,
            kept: kept_len,
            dropped,
            capacity: self.capacity,
            bytes,
            byte_budget: self.byte_budget,
        }
    }

    /// Empties the journal and gives its memory back; numbering goes on, so a poller never sees a
    /// number twice.
    pub fn clear(&self) -> usize {
        let mut kept = self.kept.lock();
        let gone = std::mem::take(&mut kept.calls);
        kept.dropped += gone.len() as u64;
        kept.bytes = 0;
        drop(kept);
        gone.len()
    }

    /// Calls kept now, dropped since start, and the bytes kept, for `/metrics`.
    pub fn counts(&self) -> (usize, u64, u64) {
        let kept = self.kept.lock();
        (kept.calls.len(), kept.dropped, kept.bytes)
    }
}

/// One call as `GET /_emulator/calls` shows it.
pub fn render(call: &Call) -> Value {
    let mut params = Map::new();
    for (name, value) in call.request.decoded() {
        params.entry(name).or_insert(Value::String(value));
    }
    json!({
        "seq": call.seq,
        "at": crate::util::format_rfc3339_micros(call.at),
        "product": call.product.map(Product::code),
        "version": &*call.version,
        "action": &*call.action,
        "account": &*call.account,
        "region": &*call.region,
        "status": call.status,
        "code": &*call.code,
        "requestId": &*call.request_id,
        "faults": call.faults.iter().map(|f| &**f).collect::<Vec<_>>(),
        "millis": call.millis,
        "params": params,
        "clipped": call.clipped.as_deref().map(render_clipping),
    })
}

fn render_clipping(clipping: &super::clip::Clipping) -> Value {
    let values: Map<String, Value> = clipping
        .values
        .iter()
        .map(|(name, length)| (name.clone(), json!(length)))
        .collect();
    json!({
        "bytesSent": clipping.bytes_sent,
        "values": values,
        "parametersLeftOut": clipping.left_out,
        "undecodable": clipping.undecodable,
    })
}

/// `GET /_emulator/calls`'s answer, as chunks rendered one batch of calls at a time: the counts,
/// then the calls, so a large read is never built whole in memory.
pub fn render_page(page: Page) -> impl Iterator<Item = Vec<u8>> + Send {
    const CALLS_PER_CHUNK: usize = 64;
    let head = json!({
        "matched": page.matched,
        "kept": page.kept,
        "dropped": page.dropped,
        "journalSize": page.capacity,
        "journalBytes": page.bytes,
        "journalByteBudget": page.byte_budget,
    });
    let mut opening = head.to_string();
    opening.pop();
    opening.push_str(",\"calls\":[");
    let calls = page.calls;
    let batches = (0..calls.len().div_ceil(CALLS_PER_CHUNK)).map(move |batch| {
        let mut chunk = Vec::new();
        let from = batch * CALLS_PER_CHUNK;
        for (i, call) in calls.iter().enumerate().skip(from).take(CALLS_PER_CHUNK) {
            if i > 0 {
                chunk.push(b',');
            }
            // A Value always serialises.
            let _ = serde_json::to_writer(&mut chunk, &render(call));
        }
        chunk
    });
    std::iter::once(opening.into_bytes())
        .chain(batches)
        .chain(std::iter::once(b"]}".to_vec()))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::insight::SentParams;

    pub(crate) fn call(action: &str, code: &str, query: &str) -> Call {
        Call {
            seq: 0,
            at: OffsetDateTime::UNIX_EPOCH,
            product: Some(Product::Eci),
            version: "2018-08-08".into(),
            action: action.to_owned().into(),
            account: "acct".into(),
            region: "cn-hangzhou".into(),
            status: if code.is_empty() { 200 } else { 400 },
            code: code.to_owned(),
            request_id: "R".into(),
            faults: Vec::new(),
            millis: 0.1,
            request: SentParams {
                query: query.into(),
                form: Vec::new(),
            },
            clipped: None,
        }
    }

    #[test]
    fn keeps_the_newest_numbered_in_order_and_counts_what_it_dropped() {
        let journal = Journal::new(3, u64::MAX);
        for n in 0..5 {
            journal.push(call("ListUsage", if n % 2 == 0 { "" } else { "Throttling" }, ""));
        }
        let all = journal.read(&Filter::default(), 100);
        assert_eq!(all.calls.iter().map(|c| c.seq).collect::<Vec<_>>(), [3, 4, 5]);
        assert_eq!((all.kept, all.dropped), (3, 2));
        let ok = Filter {
            code: Some("OK".into()),
            ..Filter::default()
        };
        assert_eq!(
            journal.read(&ok, 100).calls.iter().map(|c| c.seq).collect::<Vec<_>>(),
            [3, 5]
        );
        let newest = journal.read(&Filter::default(), 1);
        assert_eq!((newest.calls.len(), newest.matched), (1, 3));
        assert_eq!(newest.calls.first().map(|c| c.seq), Some(5));
        assert_eq!(journal.clear(), 3);
        journal.push(call("ListUsage", "", ""));
        assert_eq!(
            journal.read(&Filter::default(), 10).calls.first().map(|c| c.seq),
            Some(6)
        );
        assert_eq!((journal.counts().0, journal.counts().1), (1, 5));
    }

    #[test]
    fn the_byte_budget_bounds_what_is_kept_and_large_calls_are_clipped() {
        let one = call("DescribeRegions", "", "RegionId=cn-hangzhou").kept_bytes() as u64;
        let journal = Journal::new(10_000, 20 * one);
        let huge = format!("RegionId=cn-hangzhou&Description={}", "x".repeat(2 << 20));
        for _ in 0..50 {
            journal.push(call("DescribeRegions", "", &huge));
        }
        let (kept, dropped, bytes) = journal.counts();
        assert!(
            bytes <= 20 * one + 2 * crate::insight::clip::MAX_KEPT_BYTES as u64,
            "{bytes}"
        );
        assert_eq!(kept as u64 + dropped, 50);
        assert!(kept >= 1, "a clipped call fits");
        let page = journal.read(&Filter::default(), 1);
        let newest = page.calls.first().map(|c| render(c)).unwrap_or_default();
        assert_eq!(newest["clipped"]["values"]["Description"], 2 << 20);
        assert_eq!(
            newest["params"]["Description"].as_str().map(str::len),
            Some(crate::insight::clip::MAX_VALUE_BYTES)
        );
        journal.clear();
        assert_eq!(journal.counts(), (0, 50, 0));
        let too_big = Journal::new(10, 10);
        too_big.push(call("DescribeRegions", "", ""));
        assert_eq!(
            too_big.counts(),
            (0, 1, 0),
            "a call larger than the whole budget is dropped"
        );
    }

    #[test]
    fn a_page_renders_as_one_json_document_in_chunks() {
        let journal = Journal::new(1000, u64::MAX);
        for n in 0..130 {
            journal.push(call("ListUsage", "", &format!("RegionId=r{n}")));
        }
        let chunks: Vec<Vec<u8>> = render_page(journal.read(&Filter::default(), 1000)).collect();
        assert!(chunks.len() >= 4, "{}", chunks.len());
        let whole: Value = serde_json::from_slice(&chunks.concat()).unwrap_or_default();
        assert_eq!(whole["calls"].as_array().map(Vec::len), Some(130));
        assert_eq!(whole["calls"][129]["params"]["RegionId"], "r129");
        assert_eq!(
            (whole["matched"].clone(), whole["kept"].clone()),
            (json!(130), json!(130))
        );
        let empty: Vec<u8> = render_page(Journal::new(1, 1).read(&Filter::default(), 10))
            .flatten()
            .collect();
        assert_eq!(
            serde_json::from_slice::<Value>(&empty).map(|v| v["calls"].clone()).ok(),
            Some(json!([]))
        );
    }

    #[test]
    fn a_journal_of_size_zero_keeps_nothing() {
        let journal = Journal::new(0, u64::MAX);
        journal.push(call("ListUsage", "", ""));
        assert_eq!(journal.counts(), (0, 1, 0));
    }

    #[test]
    fn renders_decoded_parameters() {
        let rendered = render(&call(
            "CreateContainerGroup",
            "",
            "Cpu=2&Container.1.Image=nginx&Signature=x",
        ));
        assert_eq!(rendered["params"], json!({"Cpu": "2", "Container.1.Image": "nginx"}));
        assert_eq!(rendered["product"], "eci");
    }
}
