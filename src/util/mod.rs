//! Injectable determinism: the clock, seeded identifiers and the wire's time format.

pub mod clock;
pub mod ids;
pub mod intern;

pub use clock::{
    format_rfc3339_micros, format_rfc3339_seconds, Clock, ClockRefusal, SavedClock, SystemClock, VirtualClock,
};
pub use ids::{new_request_id, IdGenerator};
