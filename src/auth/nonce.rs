//! Replay protection: nonces seen within the clock window, per access key, pruned as they age.

use parking_lot::Mutex;
use std::collections::{HashSet, VecDeque};
use time::OffsetDateTime;

/// Long enough that a nonce outlives every timestamp the clock check still accepts.
const RETENTION_SECONDS: i64 = 2 * super::MAX_CLOCK_SKEW_SECONDS;

#[derive(Debug, Default)]
pub struct NonceCache {
    inner: Mutex<Seen>,
}

#[derive(Debug, Default)]
struct Seen {
    keys: HashSet<String>,
    by_age: VecDeque<(i64, String)>,
}

impl NonceCache {
    /// Records the nonce; `false` if it was already seen within the window.
    pub fn insert_if_new(&self, access_key_id: &str, nonce: &str, now: OffsetDateTime) -> bool {
        let now = now.unix_timestamp();
        let key = format!("{access_key_id}\n{nonce}");
        let mut seen = self.inner.lock();
        while let Some((expires, _)) = seen.by_age.front() {
            if *expires > now {
                break;
            }
            if let Some((_, old)) = seen.by_age.pop_front() {
                seen.keys.remove(&old);
            }
        }
        if !seen.keys.insert(key.clone()) {
            return false;
        }
        seen.by_age.push_back((now + RETENTION_SECONDS, key));
        true
    }

    pub fn clear(&self) {
        let mut seen = self.inner.lock();
        seen.keys.clear();
        seen.by_age.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nonce_is_refused_until_it_ages_out() {
        let cache = NonceCache::default();
        let t0 = OffsetDateTime::from_unix_timestamp(1_000_000).unwrap();
        assert!(cache.insert_if_new("ak", "n1", t0));
        assert!(!cache.insert_if_new("ak", "n1", t0));
        assert!(cache.insert_if_new("other", "n1", t0));
        let later = t0 + time::Duration::seconds(RETENTION_SECONDS + 1);
        assert!(cache.insert_if_new("ak", "n1", later));
    }
}
