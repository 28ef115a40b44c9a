//! Resource identifiers from one seedable generator (so a seeded run repeats exactly), and request ids.

use parking_lot::Mutex;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicU64, Ordering};

const ID_ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";

/// Hands out resource ids such as `eci-bp1…` and UUID-shaped request ids.
///
/// The generator is `rand`'s `SmallRng` algorithm (xoshiro256++) by its own crate, whose state can be
/// saved: a durable emulator goes on with the same sequence after a restart.
#[derive(Debug)]
pub struct IdGenerator {
    rng: Mutex<Xoshiro256PlusPlus>,
    /// Counts draws, so the durable state knows when the generator moved.
    revision: AtomicU64,
}

impl IdGenerator {
    /// A generator whose sequence is fixed by `seed`, or drawn from the OS when `None`.
    pub fn new(seed: Option<u64>) -> Self {
        let rng = match seed {
            Some(seed) => Xoshiro256PlusPlus::seed_from_u64(seed),
            None => Xoshiro256PlusPlus::seed_from_u64(rand::random()),
        };
        IdGenerator {
            rng: Mutex::new(rng),
            revision: AtomicU64::new(0),
        }
    }

    /// How often the generator has been drawn from.
    pub fn revision(&self) -> u64 {
        self.revision.load(Ordering::Acquire)
    }

    /// The generator's state, to be stored.
    pub fn save(&self) -> SavedIds {
        SavedIds(self.rng.lock().clone())
    }

    /// Goes on from a stored state.
    pub fn restore(&self, saved: SavedIds) {
        *self.rng.lock() = saved.0;
    }

    /// `{prefix}-{region_code}{random}` with 20 characters after the dash, the shape ECI ids have.
    pub fn resource_id(&self, prefix: &str, region_code: &str) -> String {
        let random_len = 20usize.saturating_sub(region_code.len());
        let mut id = String::with_capacity(prefix.len() + 21);
        id.push_str(prefix);
        id.push('-');
        id.push_str(region_code);
        let mut rng = self.rng.lock();
        self.revision.fetch_add(1, Ordering::AcqRel);
        for _ in 0..random_len {
            let pick = rng.gen_range(0..ID_ALPHABET.len());
            id.push(char::from(ID_ALPHABET.get(pick).copied().unwrap_or(b'0')));
        }
        id
    }

    /// Puts `items` in a random order drawn from the same seeded sequence.
    pub fn shuffle<T>(&self, items: &mut [T]) {
        use rand::seq::SliceRandom;
        let mut rng = self.rng.lock();
        self.revision.fetch_add(1, Ordering::AcqRel);
        items.shuffle(&mut *rng);
    }
}

/// The id generator's state as the durable state keeps it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SavedIds(Xoshiro256PlusPlus);

/// A fresh `RequestId`: an upper-case UUID, as the service writes them. Not drawn from the seeded
/// sequence, so resource ids do not depend on how many requests came before.
pub fn new_request_id() -> String {
    uuid::Uuid::new_v4()
        .hyphenated()
        .encode_upper(&mut uuid::Uuid::encode_buffer())
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_ids() {
        let a = IdGenerator::new(Some(7));
        let b = IdGenerator::new(Some(7));
        let id = a.resource_id("eci", "bp1");
        assert_eq!(id, b.resource_id("eci", "bp1"));
        assert!(id.starts_with("eci-bp1"));
        assert_eq!(id.len(), 24);
    }

    #[test]
    fn request_id_is_an_upper_case_uuid() {
        let id = new_request_id();
        assert_eq!(id.len(), 36);
        assert!(uuid::Uuid::parse_str(&id).is_ok());
        assert_eq!(id, id.to_uppercase());
    }
}
