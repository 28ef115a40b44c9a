//! Per-account, per-action rate limits answered with `Throttling.User`, as the API gateway does, with
//! an `x-acs-retry-after` hint in milliseconds.

use crate::error::{ApiError, ErrorCode};
use crate::util::Clock;
use parking_lot::{Mutex, RwLock};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// The length of a limit's window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Per {
    Second,
    Minute,
}

impl Per {
    fn millis(self) -> i64 {
        match self {
            Per::Second => 1_000,
            Per::Minute => 60_000,
        }
    }
}

/// At most `limit` calls of `action` (or of each action, for `*`) per window, for each account or
/// only for `account`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Limit {
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    pub limit: u32,
    pub per: Per,
}

impl Limit {
    /// Parses `ACTION[@ACCOUNT]=N/s` or `=N/min`, e.g. `CreateContainerGroup=10/s`, `*@team-a=600/min`.
    pub fn parse(text: &str) -> Result<Limit, String> {
        let usage = || format!("rate limit '{text}' is not of the form ACTION[@ACCOUNT]=N/s or N/min");
        let (scope, rate) = text.split_once('=').ok_or_else(usage)?;
        let (count, per) = rate.trim().split_once('/').ok_or_else(usage)?;
        let per = match per.trim() {
            "s" | "sec" | "second" => Per::Second,
            "min" | "minute" => Per::Minute,
            _ => return Err(usage()),
        };
        let limit = count.trim().parse().map_err(|_| usage())?;
        let (action, account) = match scope.trim().split_once('@') {
            Some((action, account)) => (action.trim(), Some(account.trim().to_owned())),
            None => (scope.trim(), None),
        };
        let parsed = Limit {
            action: action.to_owned(),
            account,
            limit,
            per,
        };
        parsed.check()?;
        Ok(parsed)
    }

    pub fn check(&self) -> Result<(), String> {
        crate::actions::check_action(&self.action, "rate limit action")?;
        if self.account.as_ref().is_some_and(|a| a.is_empty() || a.len() > 256) {
            return Err("a rate limit's account must have 1 to 256 bytes".into());
        }
        if self.limit == 0 {
            return Err(format!(
                "rate limit for '{}' needs an action and a limit of at least 1",
                self.action
            ));
        }
        Ok(())
    }

    fn applies(&self, account: &str, action: &str) -> bool {
        (self.action == "*" || self.action == action) && self.account.as_deref().is_none_or(|a| a == account)
    }
}

/// A refused call: the error and how long until the window that refused it ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Throttled {
    pub error: ApiError,
    pub retry_after_ms: u64,
}

/// The limits in force and, per (limit, account, action), the current fixed window's count.
pub struct Throttle {
    limits: RwLock<Vec<Limit>>,
    any: AtomicBool,
    windows: Mutex<HashMap<(usize, String, String), Window>>,
    clock: Arc<dyn Clock>,
    start_limits: Vec<Limit>,
    /// Counts replacements, so the durable state knows when to write the limits.
    revision: std::sync::atomic::AtomicU64,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    start_ms: i64,
    count: u32,
}

impl Throttle {
    pub fn new(clock: Arc<dyn Clock>, start_limits: Vec<Limit>) -> Self {
        let throttle = Throttle {
            limits: RwLock::default(),
            any: AtomicBool::new(false),
            windows: Mutex::default(),
            clock,
            start_limits: start_limits.clone(),
            revision: std::sync::atomic::AtomicU64::new(0),
        };
        throttle.replace(start_limits);
        throttle
    }

    /// Puts `limits` in force in place of the current ones; every window starts afresh.
    pub fn replace(&self, limits: Vec<Limit>) {
        let mut current = self.limits.write();
        self.any.store(!limits.is_empty(), Ordering::Release);
        *current = limits;
        self.windows.lock().clear();
        self.revision.fetch_add(1, Ordering::AcqRel);
    }

    pub fn revision(&self) -> u64 {
        self.revision.load(Ordering::Acquire)
    }

    /// Puts the limits given at start in force, if any were given.
    pub fn apply_start_limits(&self) {
        if !self.start_limits.is_empty() {
            self.replace(self.start_limits.clone());
        }
    }

    /// Back to the limits given at start.
    pub fn reset(&self) {
        self.replace(self.start_limits.clone());
    }

    pub fn limits(&self) -> Vec<Limit> {
        self.limits.read().clone()
    }

    /// Counts the call against every limit that applies; refuses it when one is exhausted.
    pub fn admit(&self, account: &str, action: &str) -> Result<(), Throttled> {
        if !self.any.load(Ordering::Acquire) {
            return Ok(());
        }
        let now_ms = i64::try_from(self.clock.now().unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX);
        let limits = self.limits.read();
        let mut windows = self.windows.lock();
        for (index, limit) in limits.iter().enumerate().filter(|(_, l)| l.applies(account, action)) {
            let length = limit.per.millis();
            let window_start = now_ms - now_ms.rem_euclid(length);
            let window = windows
                .entry((index, account.to_owned(), action.to_owned()))
                .or_insert(Window {
                    start_ms: window_start,
                    count: 0,
                });
            if window.start_ms != window_start {
                *window = Window {
                    start_ms: window_start,
                    count: 0,
                };
            }
            if window.count >= limit.limit {
                let retry_after_ms = u64::try_from(window_start + length - now_ms).unwrap_or(1).max(1);
                let error = ApiError::new(ErrorCode::ThrottlingUser);
                return Err(Throttled { error, retry_after_ms });
            }
            window.count += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::VirtualClock;

    #[test]
    fn limits_parse_from_flags() {
        let limit = Limit::parse("CreateContainerGroup=10/s").unwrap();
        assert_eq!(
            (limit.action.as_str(), limit.limit, limit.per),
            ("CreateContainerGroup", 10, Per::Second)
        );
        let limit = Limit::parse(" *@team-a = 600/min").unwrap();
        assert_eq!((limit.account.as_deref(), limit.per), (Some("team-a"), Per::Minute));
        for bad in ["CreateContainerGroup", "X=10", "X=ten/s", "X=10/h", "=1/s", "X=0/s"] {
            assert!(Limit::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn each_account_and_action_gets_its_own_window() {
        let clock = Arc::new(VirtualClock::frozen_at_unix(1_795_816_800));
        let throttle = Throttle::new(clock.clone(), vec![Limit::parse("*=2/min").unwrap()]);
        assert!(throttle.admit("a", "ListUsage").is_ok());
        assert!(throttle.admit("a", "ListUsage").is_ok());
        let refused = throttle.admit("a", "ListUsage").unwrap_err();
        assert_eq!((refused.error.code(), refused.error.status()), ("Throttling.User", 400));
        assert_eq!(
            refused.retry_after_ms, 60_000,
            "the clock stands at the start of a minute"
        );
        assert!(throttle.admit("b", "ListUsage").is_ok(), "another account");
        assert!(throttle.admit("a", "DescribeContainerGroups").is_ok(), "another action");
        clock.advance(30);
        assert_eq!(throttle.admit("a", "ListUsage").unwrap_err().retry_after_ms, 30_000);
        clock.advance(30);
        assert!(throttle.admit("a", "ListUsage").is_ok(), "a new window");
        throttle.replace(Vec::new());
        assert!((0..10).all(|_| throttle.admit("a", "ListUsage").is_ok()));
    }

    #[test]
    fn account_scoped_limits_leave_other_accounts_alone() {
        let clock = Arc::new(VirtualClock::frozen_at_unix(0));
        let throttle = Throttle::new(clock, vec![Limit::parse("ListUsage@a=1/s").unwrap()]);
        assert!(throttle.admit("a", "ListUsage").is_ok());
        assert!(throttle.admit("a", "ListUsage").is_err());
        assert!((0..5).all(|_| throttle.admit("b", "ListUsage").is_ok()));
    }
}
