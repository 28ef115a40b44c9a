//! The request journal: the latest answered calls, bounded, oldest dropped first, filtered and read
//! without holding up the calls being recorded (a read takes the matching entries' handles under the
//! lock and renders them after letting go).

use super::Call;
use crate::actions::Product;
use parking_lot::Mutex;
use serde_json::{json, Map, Value};
use std::collections::VecDeque;
use std::sync::Arc;
use time::OffsetDateTime;

pub struct Journal {
    capacity: usize,
    kept: Mutex<Kept>,
}

#[derive(Default)]
struct Kept {
    /// The number of the last call kept.
    last_seq: u64,
    /// Dropped to make room (or emptied), since start.
    dropped: u64,
    calls: VecDeque<Arc<Call>>,
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
}

impl Journal {
    pub fn new(capacity: usize) -> Self {
        Journal {
            capacity,
            kept: Mutex::new(Kept::default()),
        }
    }

    /// Keeps `call`, numbering it after the last one; with no room, the oldest goes.
    pub fn push(&self, mut call: Call) {
        let mut kept = self.kept.lock();
        kept.last_seq += 1;
        call.seq = kept.last_seq;
        if self.capacity == 0 {
            kept.dropped += 1;
            return;
        }
        if kept.calls.len() >= self.capacity {
            kept.calls.pop_front();
            kept.dropped += 1;
        }
        kept.calls.push_back(Arc::new(call));
    }

    pub fn read(&self, filter: &Filter, limit: usize) -> Page {
        let kept = self.kept.lock();
        let matching: Vec<Arc<Call>> = kept.calls.iter().filter(|c| filter.matches(c)).cloned().collect();
        let (kept_len, dropped) = (kept.calls.len(), kept.dropped);
        drop(kept);
        let matched = matching.len();
        let skip = matched.saturating_sub(limit);
        Page {
            calls: matching.into_iter().skip(skip).collect(),
            matched,
            kept: kept_len,
            dropped,
            capacity: self.capacity,
        }
    }

    /// Empties the journal; numbering goes on, so a poller never sees a number twice.
    pub fn clear(&self) -> usize {
        let mut kept = self.kept.lock();
        let cleared = kept.calls.len();
        kept.calls.clear();
        kept.dropped += cleared as u64;
        cleared
    }

    /// Calls kept now, and dropped since start, for `/metrics`.
    pub fn counts(&self) -> (usize, u64) {
        let kept = self.kept.lock();
        (kept.calls.len(), kept.dropped)
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
    })
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
        }
    }

    #[test]
    fn keeps_the_newest_numbered_in_order_and_counts_what_it_dropped() {
        let journal = Journal::new(3);
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
        assert_eq!(journal.counts(), (1, 5));
    }

    #[test]
    fn a_journal_of_size_zero_keeps_nothing() {
        let journal = Journal::new(0);
        journal.push(call("ListUsage", "", ""));
        assert_eq!(journal.counts(), (0, 1));
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
