//! The most recent RPC calls, for the dashboard's live view: a bounded ring, oldest dropped first.

use parking_lot::Mutex;
use serde::Serialize;
use std::collections::VecDeque;

/// How many calls are kept.
const KEPT: usize = 200;

/// One answered call as the dashboard lists it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CallRecord {
    pub seq: u64,
    /// When it was answered, by the emulator's clock (written as RFC 3339).
    #[serde(serialize_with = "rfc3339")]
    pub at: time::OffsetDateTime,
    pub action: &'static str,
    /// Empty for a success.
    pub code: String,
    pub status: u16,
    pub millis: f64,
    pub request_id: String,
}

fn rfc3339<S: serde::Serializer>(at: &time::OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&crate::util::format_rfc3339_seconds(*at))
}

#[derive(Default)]
pub struct RecentCalls {
    ring: Mutex<(u64, VecDeque<CallRecord>)>,
}

impl RecentCalls {
    /// Keeps `record`, numbering it after the last one.
    pub fn push(&self, mut record: CallRecord) {
        let mut ring = self.ring.lock();
        ring.0 += 1;
        record.seq = ring.0;
        if ring.1.len() == KEPT {
            ring.1.pop_front();
        }
        ring.1.push_back(record);
    }

    /// The kept calls numbered after `after`, oldest first.
    pub fn after(&self, after: u64) -> Vec<CallRecord> {
        let ring = self.ring.lock();
        ring.1.iter().filter(|r| r.seq > after).cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(action: &'static str) -> CallRecord {
        CallRecord {
            seq: 0,
            at: time::OffsetDateTime::UNIX_EPOCH,
            action,
            code: String::new(),
            status: 200,
            millis: 0.1,
            request_id: String::new(),
        }
    }

    #[test]
    fn keeps_the_newest_and_numbers_them_in_order() {
        let recent = RecentCalls::default();
        for _ in 0..KEPT + 5 {
            recent.push(record("ListUsage"));
        }
        let all = recent.after(0);
        assert_eq!(all.len(), KEPT);
        assert_eq!(all.first().map(|r| r.seq), Some(6));
        assert_eq!(recent.after(KEPT as u64 + 3).len(), 2);
    }
}
