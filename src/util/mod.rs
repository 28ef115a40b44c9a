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

pub use clock::{
    format_rfc3339_micros, format_rfc3339_seconds, Clock, ClockRefusal, SavedClock, SystemClock, VirtualClock,
};
pub use ids::{new_request_id, IdGenerator};
