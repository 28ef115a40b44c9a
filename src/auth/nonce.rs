//! Replay protection: nonces seen within the clock window, per access key, pruned as they age.
//!
//! A nonce is remembered as a 64-bit fingerprint of (key, nonce), in one of several shards, so a busy
//! emulator neither allocates per request nor funnels every request through one lock. Two different
//! nonces share a fingerprint with a chance of about 2⁻⁶⁴ per pair. Fingerprints come from foldhash's
//! quality hasher under a per-process random seed: SipHash's resistance to crafted keys buys nothing
//! here and costs more per request.

use parking_lot::Mutex;
use std::collections::{HashSet, VecDeque};
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};
use time::OffsetDateTime;

/// Long enough that a nonce outlives every timestamp the clock check still accepts.
const RETENTION_SECONDS: i64 = 2 * super::MAX_CLOCK_SKEW_SECONDS;
const SHARDS: usize = 16;

#[derive(Debug)]
pub struct NonceCache {
    hasher: foldhash::quality::RandomState,
    shards: [Mutex<Seen>; SHARDS],
}

impl Default for NonceCache {
    fn default() -> Self {
        NonceCache {
            hasher: foldhash::quality::RandomState::default(),
            shards: std::array::from_fn(|_| Mutex::new(Seen::default())),
        }
    }
}

#[derive(Debug, Default)]
struct Seen {
    fingerprints: HashSet<u64, BuildHasherDefault<AsIs>>,
    by_age: VecDeque<(i64, u64)>,
}

impl NonceCache {
    /// Records the nonce; `false` if it was already seen within the window.
    pub fn insert_if_new(&self, access_key_id: &str, nonce: &str, now: OffsetDateTime) -> bool {
        let now = now.unix_timestamp();
        let fingerprint = self.hasher.hash_one((access_key_id, nonce));
        // The set places entries by the low bits and tells them apart by the top ones; the shard
        // takes bits from the middle, so neither loses entropy within a shard.
        let Some(shard) = self.shards.get(((fingerprint >> 32) as usize) % SHARDS) else {
            return true;
        };
        let mut seen = shard.lock();
        while let Some(&(expires, old)) = seen.by_age.front() {
            if expires > now {
                break;
            }
            seen.by_age.pop_front();
            seen.fingerprints.remove(&old);
        }
        if !seen.fingerprints.insert(fingerprint) {
            return false;
        }
        seen.by_age.push_back((now + RETENTION_SECONDS, fingerprint));
        true
    }

    pub fn clear(&self) {
        for shard in &self.shards {
            let mut seen = shard.lock();
            seen.fingerprints.clear();
            seen.by_age.clear();
        }
    }
}

/// Fingerprints are uniform hashes already: the set uses them as they are instead of hashing them
/// again.
#[derive(Debug, Default)]
struct AsIs(u64);

impl Hasher for AsIs {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*byte);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
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
        assert!(cache.insert_if_new("ak", "n2", t0));
        let later = t0 + time::Duration::seconds(RETENTION_SECONDS + 1);
        assert!(cache.insert_if_new("ak", "n1", later));
        cache.clear();
        assert!(cache.insert_if_new("ak", "n1", later));
    }

    #[test]
    fn many_nonces_are_all_remembered() {
        let cache = NonceCache::default();
        let t0 = OffsetDateTime::from_unix_timestamp(1_000_000).unwrap();
        for i in 0..10_000 {
            assert!(cache.insert_if_new("ak", &i.to_string(), t0));
        }
        assert!((0..10_000).all(|i| !cache.insert_if_new("ak", &i.to_string(), t0)));
    }
}
