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
    let Some(year) = u16::try_from(t.year()).ok().filter(|y| *y <= 9999) else {
        return format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        );
    };
    let [y1, y2] = two_digits((year / 100) as u8);
    let [y3, y4] = two_digits((year % 100) as u8);
    let [mo1, mo2] = two_digits(u8::from(t.month()));
    let [d1, d2] = two_digits(t.day());
    let [h1, h2] = two_digits(t.hour());
    let [mi1, mi2] = two_digits(t.minute());
    let [s1, s2] = two_digits(t.second());
    // Written digit by digit: this runs for every timestamp of every listing, where `format!` showed
    // up in profiles.
    let text = [
        y1, y2, y3, y4, b'-', mo1, mo2, b'-', d1, d2, b'T', h1, h2, b':', mi1, mi2, b':', s1, s2, b'Z',
    ];
    String::from_utf8_lossy(&text).into_owned()
}

fn two_digits(n: u8) -> [u8; 2] {
    [b'0' + n / 10 % 10, b'0' + n % 10]
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
        let early = OffsetDateTime::from_unix_timestamp(-30_610_224_000).unwrap();
        assert_eq!(format_rfc3339_seconds(early), "1000-01-01T00:00:00Z");
        let late = time::macros::datetime!(9999-12-31 23:59:59 UTC);
        assert_eq!(format_rfc3339_seconds(late), "9999-12-31T23:59:59Z");
    }
}
