//! Replay protection: nonces seen within the clock window, per access key, pruned as they age.
//!
//! A nonce is remembered as a 64-bit fingerprint of (key, nonce), in one of several shards, so a busy
//! emulator neither allocates per request nor funnels every request through one lock. Two different
//! nonces share a fingerprint with a chance of about 2⁻⁶⁴ per pair. Fingerprints come from foldhash's
//! quality hasher under a per-process random seed: SipHash's resistance to crafted keys buys nothing
//! here and costs more per request.
//!
//! Each shard is a set-associative table: a fingerprint has one bucket of four slots, one cache line,
//! and a slot holds a fingerprint and when it expires. A check and an insert touch that line and
//! nothing else. A hash set with an age queue beside it, as before, touched several lines at random
//! once full (the probe and store, then the same for the entry pushed out), which took twice as long
//! at a million nonces. A table doubles when a nonce finds its bucket full of unexpired ones.
//!
//! The table is bounded: at [`DEFAULT_CAPACITY`] slots, a nonce whose bucket is full pushes out the
//! bucket's oldest (the earliest signed) before its window ends. The real service remembers every
//! nonce for its window; an emulator under a load test at 60,000 signed requests a second would need
//! some 50 million for a 15-minute window, gigabytes. Measured with evenly spread timestamps: up to
//! 60,000 nonces in a window (over 60 signed requests a second), every one is remembered; at 100,000,
//! a few dozen are forgotten early; a load test keeps most of the latest few hundred thousand.

use parking_lot::Mutex;
use std::hash::BuildHasher;
use time::OffsetDateTime;

/// How long after its request's signed timestamp a nonce is remembered: as long as the clock check
/// accepts that timestamp (a skew of 900.9 s counts as 900 whole seconds, hence the extra second).
/// A replay carries the timestamp it was signed with, so once this has passed the clock check refuses
/// it; remembering nonces for longer would only fill the table.
const RETENTION_SECONDS: i64 = super::MAX_CLOCK_SKEW_SECONDS + 1;
const RETENTION_NANOS: i64 = RETENTION_SECONDS * 1_000_000_000;
const SHARDS: usize = 16;
/// How many nonces are remembered at most, over all shards: 16 MiB of slots when all are in use.
pub const DEFAULT_CAPACITY: usize = 1 << 20;
/// Slots per bucket: four (fingerprint, expiry) pairs fill one 64-byte cache line.
const SLOTS: usize = 4;
/// A shard's first table: 4 KiB, allocated on its first nonce, so an open emulator holds none.
const FIRST_BUCKETS: usize = 64;

#[derive(Debug)]
pub struct NonceCache {
    hasher: foldhash::quality::RandomState,
    shards: [Shard; SHARDS],
    max_buckets: usize,
}

/// A shard's lock and table on cache lines of their own: two workers locking neighbouring shards would
/// otherwise pass the same line back and forth.
#[derive(Debug, Default)]
#[repr(align(128))]
struct Shard(Mutex<Table>);

impl Default for NonceCache {
    fn default() -> Self {
        Self::with_capacity(DEFAULT_CAPACITY)
    }
}

impl NonceCache {
    /// A cache remembering about `capacity` nonces at most (rounded up to whole buckets per shard, a
    /// power of two).
    pub fn with_capacity(capacity: usize) -> Self {
        NonceCache {
            hasher: foldhash::quality::RandomState::default(),
            shards: std::array::from_fn(|_| Shard::default()),
            max_buckets: capacity.div_ceil(SHARDS * SLOTS).next_power_of_two(),
        }
    }

    /// Records the nonce of a request signed at `signed_at`; `false` if it was already seen within
    /// the window.
    pub fn insert_if_new(
        &self,
        access_key_id: &str,
        nonce: &str,
        signed_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> bool {
        let expires = expiry_nanos(signed_at);
        self.remember(access_key_id, nonce, expires, now)
    }

    /// Records a nonce remembered until `expires` (Unix nanoseconds); `false` if it was already seen.
    pub fn remember(&self, access_key_id: &str, nonce: &str, expires: i64, now: OffsetDateTime) -> bool {
        let fingerprint = self.hasher.hash_one((access_key_id, nonce));
        // The table picks a bucket by the low bits; the shard takes bits from the middle, so the
        // buckets of one shard still see every low-bit pattern.
        let Some(shard) = self.shards.get(((fingerprint >> 32) as usize) % SHARDS) else {
            return true;
        };
        shard
            .0
            .lock()
            .insert(fingerprint, expires, unix_nanos(now), self.max_buckets)
    }

    pub fn clear(&self) {
        for shard in &self.shards {
            *shard.0.lock() = Table::default();
        }
    }
}

/// One shard's buckets; their number is a power of two, so the low bits of a fingerprint pick one.
#[derive(Debug, Default)]
struct Table {
    buckets: Vec<Bucket>,
}

impl Table {
    /// Records the fingerprint; `false` if it is there and unexpired.
    fn insert(&mut self, fingerprint: u64, expires: i64, now: i64, max_buckets: usize) -> bool {
        if self.buckets.is_empty() {
            self.buckets = vec![Bucket::default(); FIRST_BUCKETS.min(max_buckets)];
        }
        loop {
            let can_grow = self.buckets.len() < max_buckets;
            let Some(bucket) = self.bucket_of(fingerprint) else {
                return true;
            };
            match bucket.store(fingerprint, expires, now) {
                Stored::Replayed => return false,
                Stored::InFreeSlot => return true,
                Stored::BucketFull if can_grow => self.grow(now),
                Stored::BucketFull => {
                    bucket.replace_oldest(Slot { fingerprint, expires });
                    return true;
                }
            }
        }
    }

    fn bucket_of(&mut self, fingerprint: u64) -> Option<&mut Bucket> {
        let mask = self.buckets.len().wrapping_sub(1);
        self.buckets.get_mut(fingerprint as usize & mask)
    }

    /// Twice the buckets, holding the unexpired slots; the expired ones are dropped on the way.
    fn grow(&mut self, now: i64) {
        let mut bigger = Table {
            buckets: vec![Bucket::default(); self.buckets.len() * 2],
        };
        let live = self.buckets.iter().flat_map(|b| b.0).filter(|slot| slot.expires > now);
        for slot in live {
            if let Some(bucket) = bigger.bucket_of(slot.fingerprint) {
                if let Stored::BucketFull = bucket.store(slot.fingerprint, slot.expires, now) {
                    bucket.replace_oldest(slot);
                }
            }
        }
        *self = bigger;
    }
}

/// Nanoseconds since 1970 fit an `i64` until 2262; a clock beyond that saturates.
/// When the nonce of a request signed at `signed_at` is forgotten, in Unix nanoseconds.
pub fn expiry_nanos(signed_at: OffsetDateTime) -> i64 {
    unix_nanos(signed_at).saturating_add(RETENTION_NANOS)
}

fn unix_nanos(now: OffsetDateTime) -> i64 {
    i64::try_from(now.unix_timestamp_nanos()).unwrap_or(i64::MAX)
}

#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    fingerprint: u64,
    /// Unix nanoseconds. A slot whose time has come (0 for one never used) is free.
    expires: i64,
}

#[derive(Debug, Clone, Copy, Default)]
#[repr(align(64))]
struct Bucket([Slot; SLOTS]);

enum Stored {
    Replayed,
    InFreeSlot,
    BucketFull,
}

impl Bucket {
    /// Stores the fingerprint in a free slot unless an unexpired slot holds it already.
    fn store(&mut self, fingerprint: u64, expires: i64, now: i64) -> Stored {
        let mut free = None;
        for slot in &mut self.0 {
            if slot.expires > now {
                if slot.fingerprint == fingerprint {
                    return Stored::Replayed;
                }
            } else if free.is_none() {
                free = Some(slot);
            }
        }
        match free {
            Some(slot) => {
                *slot = Slot { fingerprint, expires };
                Stored::InFreeSlot
            }
            None => Stored::BucketFull,
        }
    }

    fn replace_oldest(&mut self, newer: Slot) {
        if let Some(oldest) = self.0.iter_mut().min_by_key(|slot| slot.expires) {
            *oldest = newer;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration;

    fn t0() -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_000_000).unwrap()
    }

    #[test]
    fn a_nonce_is_refused_while_its_timestamp_passes_the_clock_check() {
        let cache = NonceCache::default();
        let (signed, now) = (t0(), t0() + Duration::seconds(5));
        assert!(cache.insert_if_new("ak", "n1", signed, now));
        assert!(!cache.insert_if_new("ak", "n1", signed, now));
        assert!(cache.insert_if_new("other", "n1", signed, now));
        assert!(cache.insert_if_new("ak", "n2", signed, now));
        // 900.9 s of skew still passes the clock check (900 whole seconds): the replay must not.
        let last_accepted = signed + Duration::milliseconds(900_900);
        assert!(!cache.insert_if_new("ak", "n1", signed, last_accepted));
        let beyond_the_window = signed + Duration::seconds(RETENTION_SECONDS);
        assert!(cache.insert_if_new("ak", "n1", beyond_the_window, beyond_the_window));
        cache.clear();
        assert!(cache.insert_if_new("ak", "n2", signed, now));
    }

    #[test]
    fn many_nonces_are_all_remembered() {
        let cache = NonceCache::default();
        for i in 0..10_000 {
            assert!(cache.insert_if_new("ak", &i.to_string(), t0(), t0()));
        }
        assert!((0..10_000).all(|i| !cache.insert_if_new("ak", &i.to_string(), t0(), t0())));
    }

    #[test]
    fn past_its_capacity_the_cache_forgets_the_oldest_nonces_first() {
        let cache = NonceCache::with_capacity(64);
        let signed_at = |i: i64| t0() + Duration::seconds(i);
        for i in 0..1_000 {
            assert!(cache.insert_if_new("ak", &i.to_string(), signed_at(i), signed_at(i)));
        }
        let now = unix_nanos(signed_at(1_000));
        let remembered: usize = cache.shards.iter().map(|s| s.0.lock().live_slots(now)).sum();
        assert_eq!(remembered, 64, "every bucket full, none past the bound");
        // Each shard keeps its four latest, so the last four of all are still refused...
        let replayed = |i: i64| cache.insert_if_new("ak", &i.to_string(), signed_at(i), signed_at(1_000));
        assert!((996..1_000).all(|i| !replayed(i)));
        // ...while the first, pushed out by about sixty later ones in its shard, is new again.
        assert!(replayed(0));
    }

    impl Table {
        fn live_slots(&self, now: i64) -> usize {
            self.buckets
                .iter()
                .flat_map(|b| b.0)
                .filter(|slot| slot.expires > now)
                .count()
        }
    }
}
