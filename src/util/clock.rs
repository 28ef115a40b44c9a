//! The clock everything time-based reads: the machine's, or a virtual one frozen, advanced and set
//! through the side API; and the wire's time format.

use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
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

/// The emulator's clock: the machine's time, or a virtual time that the side API freezes, advances
/// or sets. It never goes back. Read on every call, so a read is one atomic load: the setting is one
/// word, `(micros << 1) | frozen`, where `micros` is the frozen instant, or the offset from the
/// machine's time while it runs.
#[derive(Debug)]
pub struct VirtualClock {
    setting: AtomicI64,
    /// Serializes changes, so two advances never lose one another.
    changing: parking_lot::Mutex<()>,
    revision: AtomicU64,
    /// Whether its first reading was chosen (`--start-time`, a test's instant) rather than the
    /// machine's time at start, which a stored clock replaces (`adopt_at_start`).
    start_chosen: bool,
}

/// The furthest one change may move the clock: a thousand years.
const MAX_STEP_MICROS: i64 = 1000 * 366 * 86_400 * 1_000_000;

/// The latest instant the clock reaches: 9000-01-01T00:00:00Z. The API's dates (RFC 3339) show
/// four-digit years, up to 9999; stopping a thousand years short keeps every time the emulator sets
/// ahead of now (stage deadlines, expiries, retention) a date too. A change past it is refused, and a
/// stored or snapshotted clock past it is refused when loaded, so the clock never wraps to 1970.
pub const LATEST_MICROS: i64 = 221_845_392_000_000_000;
const LATEST_TEXT: &str = "9000-01-01T00:00:00Z";

/// Why a clock change was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockRefusal(pub String);

impl std::fmt::Display for ClockRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The clock as stored and snapshotted: frozen at an instant, or running a lead ahead of the
/// machine's clock (which may be 0 or negative). A running clock keeps no instant, so saving the same
/// running clock twice gives the same bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SavedClock {
    pub frozen: bool,
    /// Frozen: the instant, microseconds since 1970. Running: microseconds ahead of the machine.
    pub micros: i64,
}

impl VirtualClock {
    /// The machine's time, running.
    pub fn system() -> Self {
        Self::with_setting(0, false)
    }

    /// Stands still at `at` until moved.
    pub fn frozen_at(at: OffsetDateTime) -> Self {
        Self::with_setting(encode(micros_of(at), true), true)
    }

    /// Stands still at the machine's time until moved.
    pub fn frozen_now() -> Self {
        Self::with_setting(encode(system_micros(), true), false)
    }

    /// Stands still at `unix_seconds` until moved; for tests and replays.
    pub fn frozen_at_unix(unix_seconds: i64) -> Self {
        Self::with_setting(encode(unix_seconds.saturating_mul(1_000_000), true), true)
    }

    /// Runs from `at` on, as the machine's clock moves.
    pub fn running_from(at: OffsetDateTime) -> Self {
        Self::with_setting(encode(micros_of(at) - system_micros(), false), true)
    }

    fn with_setting(setting: i64, start_chosen: bool) -> Self {
        VirtualClock {
            setting: AtomicI64::new(setting),
            changing: parking_lot::Mutex::new(()),
            revision: AtomicU64::new(0),
            start_chosen,
        }
    }

    pub fn is_frozen(&self) -> bool {
        self.setting.load(Ordering::Acquire) & 1 == 1
    }

    /// Counts changes, so the durable state writes the clock only when it moved by the side API.
    pub fn revision(&self) -> u64 {
        self.revision.load(Ordering::Acquire)
    }

    fn now_micros(&self) -> i64 {
        let (micros, frozen) = decode(self.setting.load(Ordering::Acquire));
        if frozen {
            micros
        } else {
            system_micros().saturating_add(micros)
        }
    }

    /// Moves the clock forward by `seconds`, frozen or running, at most to its latest instant; for
    /// tests.
    pub fn advance(&self, seconds: u64) {
        let micros = i64::try_from(seconds).unwrap_or(i64::MAX).saturating_mul(1_000_000);
        self.change(|now, frozen| {
            let target = now.saturating_add(micros.min(MAX_STEP_MICROS)).min(LATEST_MICROS);
            (target.max(now), frozen)
        });
    }

    /// Moves the clock forward by `seconds` (fractions kept to the microsecond); refused past its
    /// latest instant.
    pub fn advance_by(&self, seconds: f64) -> Result<OffsetDateTime, ClockRefusal> {
        self.move_to(None, Some(seconds))
    }

    /// Sets the clock to `at`, which must not be before now.
    pub fn set(&self, at: OffsetDateTime) -> Result<OffsetDateTime, ClockRefusal> {
        self.move_to(Some(at), None)
    }

    /// Sets the clock to `at`, then moves it on by `seconds`, as one change: every check is made
    /// before anything moves, so a refusal leaves the clock as it was.
    pub fn move_to(&self, at: Option<OffsetDateTime>, seconds: Option<f64>) -> Result<OffsetDateTime, ClockRefusal> {
        seconds.map(check_advance).transpose()?;
        let _one_at_a_time = self.changing.lock();
        let now = self.now_micros();
        let mut target = now;
        if let Some(at) = at {
            target = micros_of(at);
            if target < now {
                return Err(ClockRefusal(format!(
                    "set {} is before the clock's now {}: the clock never goes back",
                    format_rfc3339_micros(at),
                    format_rfc3339_micros(from_micros(now))
                )));
            }
            if target - now > MAX_STEP_MICROS {
                return Err(ClockRefusal("set may move the clock at most 1000 years at once".into()));
            }
        }
        target = target.saturating_add(seconds.map_or(0, |s| (s * 1e6) as i64));
        if target > LATEST_MICROS {
            let what = if seconds.is_some() { "advanceSeconds" } else { "set" };
            return Err(past_the_latest(what, from_micros(now)));
        }
        Ok(self.apply(target, self.is_frozen()))
    }

    /// Stops the clock where it is (`true`), or lets it run on from there (`false`).
    pub fn freeze(&self, frozen: bool) -> OffsetDateTime {
        self.change(|now, _| (now, frozen))
    }

    fn change(&self, to: impl FnOnce(i64, bool) -> (i64, bool)) -> OffsetDateTime {
        let _one_at_a_time = self.changing.lock();
        let (target, frozen) = to(self.now_micros(), self.is_frozen());
        self.apply(target, frozen)
    }

    /// Under `changing`: the clock reads `target` now, frozen or running from there.
    fn apply(&self, target: i64, frozen: bool) -> OffsetDateTime {
        let setting = if frozen {
            encode(target, true)
        } else {
            encode(target.saturating_sub(system_micros()), false)
        };
        self.setting.store(setting, Ordering::Release);
        self.revision.fetch_add(1, Ordering::AcqRel);
        from_micros(target)
    }

    pub fn save(&self) -> SavedClock {
        let (micros, frozen) = decode(self.setting.load(Ordering::Acquire));
        SavedClock { frozen, micros }
    }

    /// Takes the stored clock at start: as it was stored (frozen at the same instant, or running with
    /// the same lead), unless the start instant was chosen, which it never moves back (`restore`).
    pub fn adopt_at_start(&self, saved: &SavedClock) {
        if self.start_chosen {
            return self.restore(saved);
        }
        let _one_at_a_time = self.changing.lock();
        self.setting
            .store(encode(saved.micros, saved.frozen), Ordering::Release);
        self.revision.fetch_add(1, Ordering::AcqRel);
    }

    /// Takes a stored or snapshotted clock (checked with `SavedClock::check`), never going back: a
    /// frozen one stands at the later of its instant and now; a running one keeps its lead on the
    /// machine's clock, unless that would put it behind now, when it runs on from now.
    pub fn restore(&self, saved: &SavedClock) {
        let _one_at_a_time = self.changing.lock();
        let now = self.now_micros();
        if saved.frozen {
            self.apply(saved.micros.max(now), true);
        } else if system_micros().saturating_add(saved.micros) >= now {
            self.setting.store(encode(saved.micros, false), Ordering::Release);
            self.revision.fetch_add(1, Ordering::AcqRel);
        } else {
            self.apply(now, false);
        }
    }
}

fn past_the_latest(what: &str, now: OffsetDateTime) -> ClockRefusal {
    ClockRefusal(format!(
        "{what} would move the clock past {LATEST_TEXT}, the latest time it reaches (the clock reads {})",
        format_rfc3339_micros(now)
    ))
}

impl SavedClock {
    /// Whether the clock reads a time within its bounds: refused with why, so a forged or damaged
    /// store or snapshot is not loaded as a clock wrapped to 1970.
    pub fn check(&self) -> Result<(), String> {
        let reads = if self.frozen {
            self.micros
        } else {
            system_micros().saturating_add(self.micros)
        };
        if !(0..=LATEST_MICROS).contains(&reads) {
            return Err(format!(
                "the clock inside reads {} µs since 1970, outside 1970-01-01T00:00:00Z..{LATEST_TEXT}, the times the clock keeps",
                reads
            ));
        }
        Ok(())
    }
}

/// Whether `seconds` is an advance the clock takes: a finite count of 0 or more, at most 1000 years.
fn check_advance(seconds: f64) -> Result<(), ClockRefusal> {
    if !seconds.is_finite() || seconds < 0.0 {
        return Err(ClockRefusal(format!(
            "advanceSeconds must be a number of seconds of 0 or more (the clock never goes back), not {seconds}"
        )));
    }
    if seconds * 1e6 > MAX_STEP_MICROS as f64 {
        return Err(ClockRefusal(
            "advanceSeconds may move the clock at most 1000 years at once".into(),
        ));
    }
    Ok(())
}

impl Clock for VirtualClock {
    fn now(&self) -> OffsetDateTime {
        from_micros(self.now_micros())
    }
}

fn encode(micros: i64, frozen: bool) -> i64 {
    (micros.clamp(i64::MIN >> 1, i64::MAX >> 1) << 1) | i64::from(frozen)
}

fn decode(setting: i64) -> (i64, bool) {
    (setting >> 1, setting & 1 == 1)
}

fn system_micros() -> i64 {
    micros_of(OffsetDateTime::now_utc())
}

fn micros_of(at: OffsetDateTime) -> i64 {
    i64::try_from(at.unix_timestamp_nanos() / 1000).unwrap_or(i64::MAX)
}

fn from_micros(micros: i64) -> OffsetDateTime {
    // Within the clock's bounds every instant is a date; clamped, not wrapped, should one not be.
    let micros = micros.clamp(0, LATEST_MICROS);
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1000).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// RFC 3339 with microseconds when there are any, for the clock's own answers.
pub fn format_rfc3339_micros(at: OffsetDateTime) -> String {
    let whole = format_rfc3339_seconds(at);
    let micros = at.microsecond();
    if micros == 0 {
        return whole;
    }
    let digits = format!("{micros:06}");
    format!("{}.{}Z", whole.trim_end_matches('Z'), digits.trim_end_matches('0'))
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
        let clock = VirtualClock::frozen_at_unix(1_533_222_000);
        assert_eq!(format_rfc3339_seconds(clock.now()), "2018-08-02T15:00:00Z");
        clock.advance(61);
        assert_eq!(format_rfc3339_seconds(clock.now()), "2018-08-02T15:01:01Z");
        let early = OffsetDateTime::from_unix_timestamp(-30_610_224_000).unwrap();
        assert_eq!(format_rfc3339_seconds(early), "1000-01-01T00:00:00Z");
        let late = time::macros::datetime!(9999-12-31 23:59:59 UTC);
        assert_eq!(format_rfc3339_seconds(late), "9999-12-31T23:59:59Z");
    }

    #[test]
    fn the_clock_stops_at_the_latest_date_the_api_can_show_and_says_why() {
        let clock = VirtualClock::frozen_at_unix(1_700_000_000);
        let thousand_years = 1000.0 * 365.0 * 86_400.0;
        let mut refused = None;
        for _ in 0..9 {
            if let Err(refusal) = clock.advance_by(thousand_years) {
                refused = Some(refusal);
                break;
            }
        }
        let refusal = refused.map(|r| r.0).unwrap_or_default();
        assert!(refusal.contains("past 9000-01-01T00:00:00Z"), "{refusal}");
        let now = clock.now();
        assert!(now.year() >= 8000 && now.year() < 9000, "{now}");
        let before = clock.now();
        let latest = OffsetDateTime::from_unix_timestamp(LATEST_MICROS / 1_000_000).unwrap_or(before);
        assert!(
            clock.move_to(Some(latest), Some(1.0)).is_err(),
            "a set and an advance past it"
        );
        assert_eq!(clock.now(), before, "a refusal moves nothing");
        assert_eq!(clock.set(latest).map(|t| t.year()), Ok(9000));
        clock.advance(1_000_000);
        assert_eq!(clock.now(), latest, "the test advance stops there too");
        assert!(SavedClock {
            frozen: true,
            micros: 1 << 62
        }
        .check()
        .is_err());
        assert!(SavedClock {
            frozen: false,
            micros: i64::MAX >> 1
        }
        .check()
        .is_err());
        assert!(SavedClock {
            frozen: true,
            micros: -1
        }
        .check()
        .is_err());
        assert_eq!(clock.save().check(), Ok(()));
    }

    #[test]
    fn a_virtual_clock_moves_forward_only() {
        let clock = VirtualClock::frozen_at_unix(1_000);
        assert!(clock.is_frozen());
        assert_eq!(clock.advance_by(0.5).unwrap().unix_timestamp_nanos(), 1_000_500_000_000);
        assert!(clock.advance_by(-1.0).unwrap_err().0.contains("never goes back"));
        assert!(clock.advance_by(f64::NAN).is_err());
        let earlier = OffsetDateTime::from_unix_timestamp(999).unwrap();
        assert!(clock.set(earlier).unwrap_err().0.contains("never goes back"));
        let later = OffsetDateTime::from_unix_timestamp(5_000).unwrap();
        assert_eq!(clock.set(later).unwrap(), later);
        assert_eq!(clock.now(), later, "a frozen clock stands still");
        assert_eq!(format_rfc3339_micros(clock.now()), "1970-01-01T01:23:20Z");
        clock.freeze(false);
        assert!(!clock.is_frozen());
        assert!(clock.now() >= later && clock.now() < later + time::Duration::seconds(5));
        assert_eq!(clock.revision(), 3);
    }

    #[test]
    fn a_saved_clock_resumes_without_going_back() {
        let clock = VirtualClock::frozen_at_unix(4_000_000_000);
        let saved = clock.save();
        let restored = VirtualClock::system();
        restored.restore(&saved);
        assert!(restored.is_frozen());
        assert_eq!(restored.now().unix_timestamp(), 4_000_000_000);
        let ahead = VirtualClock::system();
        ahead.advance(3_600);
        let running = ahead.save();
        let resumed = VirtualClock::system();
        resumed.restore(&running);
        let lead = resumed.now() - OffsetDateTime::now_utc();
        assert!(lead > time::Duration::seconds(3_590), "{lead}");
        let later = VirtualClock::frozen_at_unix(4_100_000_000);
        later.restore(&saved);
        assert_eq!(
            later.now().unix_timestamp(),
            4_100_000_000,
            "a restore never moves a clock back"
        );
        let chosen = VirtualClock::frozen_at_unix(4_100_000_000);
        chosen.adopt_at_start(&saved);
        assert_eq!(chosen.now().unix_timestamp(), 4_100_000_000, "a chosen start is kept");
    }

    #[test]
    fn a_clock_started_at_the_machines_time_takes_the_stored_one_as_it_was() {
        let earlier = VirtualClock::frozen_at_unix(1_000_000_000).save();
        let frozen = VirtualClock::frozen_now();
        frozen.adopt_at_start(&earlier);
        assert_eq!(
            (frozen.now().unix_timestamp(), frozen.is_frozen()),
            (1_000_000_000, true)
        );
        let behind = SavedClock {
            frozen: false,
            micros: -3_600_000_000,
        };
        let running = VirtualClock::system();
        running.adopt_at_start(&behind);
        let lead = running.now() - OffsetDateTime::now_utc();
        assert!(
            lead < time::Duration::seconds(-3_590),
            "the stored lead is kept: {lead}"
        );
    }
}
