//! Resource identifiers from one seedable generator (so a seeded run repeats exactly), and request ids.

use parking_lot::Mutex;
use rand::{Rng, RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

const ID_ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";

/// Hands out resource ids such as `eci-bp1…` and UUID-shaped request ids.
///
/// The generator is `rand`'s `SmallRng` algorithm (xoshiro256++) by its own crate, whose state can be
/// saved: a durable emulator goes on with the same sequence after a restart.
pub struct IdGenerator {
    rng: Mutex<Xoshiro256PlusPlus>,
    /// With a state directory: told the generator's state after every draw, before the id is used,
    /// so no stored record can carry an id the stored generator would hand out again.
    on_draw: OnceLock<DrawHook>,
}

type DrawHook = Box<dyn Fn(&SavedIds) + Send + Sync>;

impl std::fmt::Debug for IdGenerator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdGenerator").finish_non_exhaustive()
    }
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
            on_draw: OnceLock::new(),
        }
    }

    /// From now on, `hook` is told the generator's state after every draw, under the generator's
    /// lock (so it sees the states in the order they were reached).
    pub fn on_draw(&self, hook: impl Fn(&SavedIds) + Send + Sync + 'static) {
        let _ = self.on_draw.set(Box::new(hook));
    }

    /// Tells the hook the current state again (after the store was cleared and rewritten), under the
    /// lock, so it cannot follow a later draw's state.
    pub fn announce(&self) {
        self.drawn(&self.rng.lock());
    }

    fn drawn(&self, rng: &Xoshiro256PlusPlus) {
        if let Some(hook) = self.on_draw.get() {
            hook(&SavedIds(rng.clone()));
        }
    }

    /// The generator's state, to be stored.
    pub fn save(&self) -> SavedIds {
        SavedIds(self.rng.lock().clone())
    }

    /// Goes on from a stored state.
    pub fn restore(&self, saved: SavedIds) {
        *self.rng.lock() = saved.0;
    }

    /// A resource id that `taken` does not know: drawn again while it does (a state put back from
    /// an old snapshot would otherwise hand out ids already in use). `None` after a few draws, which
    /// only a generator that repeats itself can cause.
    pub fn unused_resource_id(&self, prefix: &str, region_code: &str, taken: impl Fn(&str) -> bool) -> Option<String> {
        (0..8)
            .map(|_| self.resource_id(prefix, region_code))
            .find(|id| !taken(id))
    }

    /// `{prefix}-{region_code}{random}` with 20 characters after the dash, the shape ECI ids have.
    pub fn resource_id(&self, prefix: &str, region_code: &str) -> String {
        let random_len = 20usize.saturating_sub(region_code.len());
        let mut id = String::with_capacity(prefix.len() + 21);
        id.push_str(prefix);
        id.push('-');
        id.push_str(region_code);
        let mut rng = self.rng.lock();
        for _ in 0..random_len {
            let pick = rng.gen_range(0..ID_ALPHABET.len());
            id.push(char::from(ID_ALPHABET.get(pick).copied().unwrap_or(b'0')));
        }
        self.drawn(&rng);
        id
    }

    /// Puts `items` in a random order drawn from the same seeded sequence.
    pub fn shuffle<T>(&self, items: &mut [T]) {
        use rand::seq::SliceRandom;
        let mut rng = self.rng.lock();
        items.shuffle(&mut *rng);
        self.drawn(&rng);
    }
}

/// The id generator's state as the durable state keeps it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SavedIds(Xoshiro256PlusPlus);

impl SavedIds {
    /// Whether the state is one the generator cannot leave: all zero, it draws 0 forever (every id
    /// the same). Only a forged or damaged state is; a real one draws two zeros in a row with
    /// probability 2^-128.
    pub fn is_stuck(&self) -> bool {
        let mut rng = self.0.clone();
        rng.next_u64() == 0 && rng.next_u64() == 0
    }
}

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
    fn the_hook_sees_the_state_after_each_draw_and_a_restored_state_goes_on_from_there() {
        let seen = std::sync::Arc::new(Mutex::new(Vec::new()));
        let ids = IdGenerator::new(Some(3));
        let record = std::sync::Arc::clone(&seen);
        ids.on_draw(move |saved| record.lock().push(saved.clone()));
        let first = ids.resource_id("eci", "bp1");
        let second = ids.resource_id("eci", "bp1");
        assert_eq!(seen.lock().len(), 2);
        // A store that kept the state written with the first id hands out the second next, never the
        // first again.
        let restored = IdGenerator::new(None);
        restored.restore(seen.lock()[0].clone());
        assert_eq!(restored.resource_id("eci", "bp1"), second);
        assert_ne!(first, second);
    }

    #[test]
    fn an_id_in_use_is_drawn_again_and_a_stuck_state_is_told() {
        let ids = IdGenerator::new(Some(5));
        let replay = ids.save();
        let used = ids.resource_id("eci", "bp1");
        ids.restore(replay.clone());
        let fresh = ids.unused_resource_id("eci", "bp1", |id| id == used).unwrap();
        assert_ne!(fresh, used, "an id in use was handed out again");
        assert_eq!(ids.unused_resource_id("eci", "bp1", |_| true), None);
        assert!(!replay.is_stuck());
        let zero: SavedIds = serde_json::from_str(r#"{"s":[0,0,0,0]}"#).unwrap();
        assert!(zero.is_stuck());
    }

    #[test]
    fn request_id_is_an_upper_case_uuid() {
        let id = new_request_id();
        assert_eq!(id.len(), 36);
        assert!(uuid::Uuid::parse_str(&id).is_ok());
        assert_eq!(id, id.to_uppercase());
    }
}
