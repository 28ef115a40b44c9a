//! The clock trait the emulator reads time from, so tests can fix it.

use std::sync::atomic::{AtomicI64, Ordering};
use time::OffsetDateTime;

/// Where "now" comes from.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> OffsetDateTime;
}

/// The machine's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock that stands still until moved; for tests and replays.
#[derive(Debug)]
pub struct FixedClock {
    unix_seconds: AtomicI64,
}

impl FixedClock {
    pub fn at_unix(unix_seconds: i64) -> Self {
        FixedClock {
            unix_seconds: AtomicI64::new(unix_seconds),
        }
    }

    pub fn advance(&self, seconds: i64) {
        self.unix_seconds.fetch_add(seconds, Ordering::SeqCst);
    }
}

impl Clock for FixedClock {
    fn now(&self) -> OffsetDateTime {
        let secs = self.unix_seconds.load(Ordering::SeqCst);
        OffsetDateTime::from_unix_timestamp(secs).unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }
}

/// `YYYY-MM-DDThh:mm:ssZ`: second precision, UTC, the only layout clients such as virtual-kubelet parse.
pub fn format_rfc3339_seconds(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_without_fraction_or_offset() {
        let clock = FixedClock::at_unix(1_533_222_000);
        assert_eq!(format_rfc3339_seconds(clock.now()), "2018-08-02T15:00:00Z");
        clock.advance(61);
        assert_eq!(format_rfc3339_seconds(clock.now()), "2018-08-02T15:01:01Z");
    }
}
