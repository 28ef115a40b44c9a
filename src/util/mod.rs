//! Injectable determinism: the clock, seeded identifiers and the wire's time format.

pub mod clock;
pub mod ids;
pub mod intern;

/// Maps hashed on every call (ids, index keys, partition and account keys, action names) use foldhash:
/// SipHash's resistance to crafted collisions buys nothing in a local emulator, and foldhash costs a
/// fraction of it.
pub type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
/// A set hashed the same way.
pub type FastSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;
/// A `FastMap` shared across threads.
pub type FastDashMap<K, V> = dashmap::DashMap<K, V, foldhash::fast::RandomState>;

/// FNV-1a's offset basis: where `fnv1a` starts unless a seed moves it.
pub const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a of `text` from `start`: a hash the same on every run and machine, for numbers and ids drawn
/// from names (an account's number and default resource group, a VPC's IPv6 block, a walk's slot).
pub fn fnv1a(text: &str, start: u64) -> u64 {
    text.bytes()
        .fold(start, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

pub use clock::{
    format_rfc3339_micros, format_rfc3339_seconds, Clock, ClockRefusal, SavedClock, SystemClock, VirtualClock,
};
pub use ids::{new_request_id, IdGenerator};
