//! Replay protection: nonces seen within the clock window, per access key, pruned as they age.
//!
//! A nonce is remembered as a 64-bit fingerprint of (key, nonce), in one of several shards, so a busy
//! emulator neither allocates per request nor funnels every request through one lock. Two different
//! nonces share a fingerprint with a chance of about 2⁻⁶⁴ per pair. Fingerprints come from foldhash's
//! quality hasher under a per-process random seed: SipHash's resistance to crafted keys buys nothing
//! here and costs more per request.
//!
//! The set is bounded: past [`DEFAULT_CAPACITY`] nonces, the oldest is forgotten before its window
//! ends. The real service remembers every nonce for its window; an emulator under a load test at
//! 60,000 signed requests a second would need over 100 million for a 30-minute window, gigabytes that
//! grow with the run. Up to about 580 signed requests a second, which no functional test suite reaches,
//! every nonce is still remembered for the whole window; past that, the most recent million are.

use parking_lot::Mutex;
use std::collections::{HashSet, VecDeque};
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};
use time::OffsetDateTime;

/// Long enough that a nonce outlives every timestamp the clock check still accepts.
const RETENTION_SECONDS: i64 = 2 * super::MAX_CLOCK_SKEW_SECONDS;
const SHARDS: usize = 16;
/// How many nonces are remembered at most, over all shards: 30 to 50 MB, with the sets' spare room.
pub const DEFAULT_CAPACITY: usize = 1 << 20;

#[derive(Debug)]
pub struct NonceCache {
    hasher: foldhash::quality::RandomState,
    shards: [Shard; SHARDS],
    per_shard: usize,
}

/// A shard's lock and set on cache lines of their own: two workers locking neighbouring shards would
/// otherwise pass the same line back and forth.
#[derive(Debug, Default)]
#[repr(align(128))]
struct Shard(Mutex<Seen>);

impl Default for NonceCache {
    fn default() -> Self {
        Self::with_capacity(DEFAULT_CAPACITY)
    }
}

#[derive(Debug, Default)]
struct Seen {
    fingerprints: HashSet<u64, BuildHasherDefault<AsIs>>,
    by_age: VecDeque<(i64, u64)>,
}

impl NonceCache {
    /// A cache remembering about `capacity` nonces at most (rounded to whole shards).
    pub fn with_capacity(capacity: usize) -> Self {
        NonceCache {
            hasher: foldhash::quality::RandomState::default(),
            shards: std::array::from_fn(|_| Shard::default()),
            per_shard: capacity.div_ceil(SHARDS).max(1),
        }
    }

    /// Records the nonce; `false` if it was already seen within the window.
    pub fn insert_if_new(&self, access_key_id: &str, nonce: &str, now: OffsetDateTime) -> bool {
        let now = now.unix_timestamp();
        let fingerprint = self.hasher.hash_one((access_key_id, nonce));
        // The set places entries by the low bits and tells them apart by the top ones; the shard
        // takes bits from the middle, so neither loses entropy within a shard.
        let Some(shard) = self.shards.get(((fingerprint >> 32) as usize) % SHARDS) else {
            return true;
        };
        let mut seen = shard.0.lock();
        while let Some(&(expires, old)) = seen.by_age.front() {
            if expires > now && seen.by_age.len() < self.per_shard {
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
            let mut seen = shard.0.lock();
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

    #[test]
    fn past_its_capacity_the_cache_forgets_the_oldest_nonces_first() {
        let cache = NonceCache::with_capacity(64);
        let t0 = OffsetDateTime::from_unix_timestamp(1_000_000).unwrap();
        for i in 0..1_000 {
            assert!(cache.insert_if_new("ak", &i.to_string(), t0));
        }
        let remembered: usize = cache.shards.iter().map(|s| s.0.lock().fingerprints.len()).sum();
        assert!(remembered <= 64, "{remembered} nonces remembered");
        // Each shard keeps its four latest, so the last four of all are still refused...
        assert!((996..1_000).all(|i| !cache.insert_if_new("ak", &i.to_string(), t0)));
        // ...while the first, pushed out by about sixty later ones in its shard, is new again.
        assert!(cache.insert_if_new("ak", "0", t0));
    }
}
