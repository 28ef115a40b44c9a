//! One fault rule: what a user writes (`RuleSpec`, JSON or a reserved tag), checked and compiled into
//! what the engine matches (`Rule`).

use crate::actions::ANY_ACTION;
use crate::error::catalogue::Catalogue;
use crate::error::ApiError;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// What happens to a call a rule fires on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Effect {
    /// The client gets the rule's error.
    Error,
    /// The connection is closed without a response.
    Reset,
    /// No response until `hangMs` passes or the emulator shuts down; then the connection closes.
    Hang,
    /// The status line and headers arrive, with half the body, then the connection closes.
    Truncate,
    /// Only the latency: the call is answered normally.
    Delay,
}

impl Effect {
    /// The effect as rules and metrics spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Error => "error",
            Effect::Reset => "reset",
            Effect::Hang => "hang",
            Effect::Truncate => "truncate",
            Effect::Delay => "delay",
        }
    }
}

/// Whether the call takes effect before the fault is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// The call is not carried out.
    #[default]
    Before,
    /// The call is carried out; the client still sees the fault.
    After,
}

/// A fault rule as written by a user: `POST /_emulator/faults`, `--faults FILE`, or a reserved tag.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RuleSpec {
    /// An action name, or `*` for every action.
    #[serde(default = "any_action")]
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_key_id: Option<String>,
    /// Only calls naming this group (`ContainerGroupId` or within `ContainerGroupIds`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_group_id: Option<String>,
    /// Parameter name (a `*` segment stands for any list index) → regex its value must match.
    #[serde(default, rename = "match", skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effect: Option<Effect>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jitter_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hang_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<Phase>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl_seconds: Option<u64>,
}

fn any_action() -> String {
    ANY_ACTION.to_owned()
}

/// A hang with no `hangMs` lasts this long at most (or until shutdown).
pub const DEFAULT_HANG: Duration = Duration::from_secs(3600);
/// The longest `latencyMs`, `jitterMs`, `hangMs` or `retryAfterMs`, and the most delay all the rules
/// that fire on one call add up to: an hour outlasts any client's timeout.
pub const MAX_DURATION_MS: u64 = 3_600_000;
/// The longest `ttlSeconds`: a year.
pub const MAX_TTL_SECONDS: u64 = 365 * 24 * 3600;
/// The longest `match` pattern, in bytes.
pub const MAX_PATTERN_BYTES: usize = 1024;
/// The most memory a compiled pattern may take; past it the pattern is refused, which bounds both
/// compiling and (with the regex crate's linear-time engines) matching.
const MAX_COMPILED_PATTERN_BYTES: usize = 256 * 1024;
/// Only this many bytes of a parameter's value are matched against a pattern, so one call costs at
/// most `rules × patterns × MAX_MATCHED_VALUE_BYTES` of matching, whatever the request carries.
pub const MAX_MATCHED_VALUE_BYTES: usize = 64 * 1024;
/// The most value bytes all the patterns together read for one call; past it a pattern counts as not
/// matching. With the linear-time engines this bounds the CPU one call spends on matching.
pub const MAX_MATCHED_BYTES_PER_CALL: usize = 4 * 1024 * 1024;
/// The most `match` entries one rule may have.
const MAX_MATCHERS: usize = 32;

/// The action that decides a zone: its zone-scoped rules refuse candidate zones instead of the call.
pub const ZONE_DECIDING_ACTION: &str = "CreateContainerGroup";

/// A rule ready to match: its spec, compiled matchers, resolved error and running counters.
#[derive(Debug)]
pub struct Rule {
    pub id: Arc<str>,
    pub spec: RuleSpec,
    pub origin: String,
    pub effect: Effect,
    pub phase: Phase,
    pub error: Option<ApiError>,
    pub matchers: Vec<ParamMatcher>,
    /// Unix milliseconds after which the rule no longer fires.
    pub expires_at_ms: Option<i64>,
    pub counters: parking_lot::Mutex<Counters>,
    /// What the counters' random sequence was seeded with.
    pub seed: u64,
}

/// How often a rule matched and fired, and the random sequence its probability and jitter draw from.
#[derive(Debug)]
pub struct Counters {
    pub matched: u64,
    pub hits: u64,
    pub rng: StdRng,
}

impl Rule {
    /// Checks `spec` and compiles it; the message says what is wrong, naming the field.
    pub fn compile(id: Arc<str>, spec: RuleSpec, origin: String, now_ms: i64, seed: u64) -> Result<Rule, String> {
        check_scope(&spec)?;
        let effect = effect_of(&spec)?;
        let error = error_of(&spec, effect)?;
        if spec.zone_id.is_some() && spec.action == ZONE_DECIDING_ACTION && effect != Effect::Error {
            return Err(format!(
                "a zoneId rule for {ZONE_DECIDING_ACTION} refuses zones where the zone is decided, so its effect must be \"error\""
            ));
        }
        let matchers = spec
            .params
            .iter()
            .map(|(name, pattern)| ParamMatcher::new(name, pattern))
            .collect::<Result<Vec<_>, _>>()?;
        let ttl_ms = spec
            .ttl_seconds
            .map(|s| i64::try_from(s.saturating_mul(1000)).unwrap_or(i64::MAX));
        let seed = spec.seed.unwrap_or(seed);
        Ok(Rule {
            id,
            seed,
            phase: spec.phase.unwrap_or_default(),
            expires_at_ms: ttl_ms.map(|ttl| now_ms.saturating_add(ttl)),
            counters: parking_lot::Mutex::new(Counters {
                matched: 0,
                hits: 0,
                rng: StdRng::seed_from_u64(seed),
            }),
            spec,
            origin,
            effect,
            error,
            matchers,
        })
    }

    pub fn is_expired(&self, now_ms: i64) -> bool {
        self.expires_at_ms.is_some_and(|at| now_ms >= at)
    }

    pub fn is_spent(&self, hits: u64) -> bool {
        self.spec.times.is_some_and(|times| hits >= times)
    }

    /// Counts a match and decides, from `after`, `probability` and `times`, whether the rule fires;
    /// a firing returns the latency drawn for it.
    pub fn try_fire(&self) -> Option<Duration> {
        let mut counters = self.counters.lock();
        if self.is_spent(counters.hits) {
            return None;
        }
        counters.matched += 1;
        if counters.matched <= self.spec.after.unwrap_or(0) {
            return None;
        }
        if let Some(p) = self.spec.probability {
            if counters.rng.gen::<f64>() >= p {
                return None;
            }
        }
        counters.hits += 1;
        Some(self.latency(&mut counters.rng))
    }

    /// `latencyMs` give or take up to `jitterMs`, never below zero.
    fn latency(&self, rng: &mut StdRng) -> Duration {
        let base = self.spec.latency_ms.unwrap_or(0);
        let jitter = self.spec.jitter_ms.unwrap_or(0);
        let ms = if jitter == 0 {
            base
        } else {
            let offset = rng.gen_range(0..=jitter.saturating_mul(2));
            base.saturating_add(offset).saturating_sub(jitter)
        };
        Duration::from_millis(ms.min(MAX_DURATION_MS))
    }

    pub fn hang(&self) -> Duration {
        self.spec.hang_ms.map(Duration::from_millis).unwrap_or(DEFAULT_HANG)
    }
}

fn check_scope(spec: &RuleSpec) -> Result<(), String> {
    crate::actions::check_action(&spec.action, "action")?;
    check_durations(spec)?;
    check_text_fields(spec)?;
    if spec.params.len() > MAX_MATCHERS {
        return Err(format!("match takes at most {MAX_MATCHERS} parameters"));
    }
    if let Some(p) = spec.probability {
        if !(p > 0.0 && p <= 1.0) {
            return Err("probability must be greater than 0 and at most 1".into());
        }
    }
    if spec.times == Some(0) {
        return Err("times must be at least 1 (leave it out for no limit)".into());
    }
    if spec.ttl_seconds == Some(0) {
        return Err("ttlSeconds must be at least 1 (leave it out for no expiry)".into());
    }
    if spec.http_status.is_some_and(|s| !(400..600).contains(&s)) {
        return Err("httpStatus must be a client or server error status (400-599)".into());
    }
    Ok(())
}

fn check_durations(spec: &RuleSpec) -> Result<(), String> {
    let delays = [
        ("latencyMs", spec.latency_ms),
        ("jitterMs", spec.jitter_ms),
        ("hangMs", spec.hang_ms),
        ("retryAfterMs", spec.retry_after_ms),
    ];
    for (field, value) in delays {
        if value.is_some_and(|ms| ms > MAX_DURATION_MS) {
            return Err(format!("{field} must be at most {MAX_DURATION_MS} (an hour)"));
        }
    }
    if spec.ttl_seconds.is_some_and(|s| s > MAX_TTL_SECONDS) {
        return Err(format!("ttlSeconds must be at most {MAX_TTL_SECONDS} (a year)"));
    }
    Ok(())
}

/// Scope values and messages are compared with or copied into every answer, so they are held to a
/// size a real one never comes near.
fn check_text_fields(spec: &RuleSpec) -> Result<(), String> {
    const MAX_SCOPE_BYTES: usize = 256;
    const MAX_MESSAGE_BYTES: usize = 4096;
    let scopes = [
        ("regionId", &spec.region_id),
        ("zoneId", &spec.zone_id),
        ("accessKeyId", &spec.access_key_id),
        ("containerGroupId", &spec.container_group_id),
        ("code", &spec.code),
    ];
    for (field, value) in scopes {
        if value
            .as_ref()
            .is_some_and(|v| v.is_empty() || v.len() > MAX_SCOPE_BYTES)
        {
            return Err(format!("{field} must have 1 to {MAX_SCOPE_BYTES} bytes"));
        }
    }
    if spec.message.as_ref().is_some_and(|m| m.len() > MAX_MESSAGE_BYTES) {
        return Err(format!("message must have at most {MAX_MESSAGE_BYTES} bytes"));
    }
    Ok(())
}

/// `effect` as given, else `error` with a code, else `delay` with a latency.
fn effect_of(spec: &RuleSpec) -> Result<Effect, String> {
    match (spec.effect, &spec.code, spec.latency_ms) {
        (Some(Effect::Delay), Some(_), _) => Err("a delay rule answers normally, so it takes no code".into()),
        (Some(Effect::Error), None, _) => Err("an error rule needs a code".into()),
        (Some(effect), _, _) => Ok(effect),
        (None, Some(_), _) => Ok(Effect::Error),
        (None, None, Some(_)) => Ok(Effect::Delay),
        (None, None, None) => Err("a rule needs a code, an effect or a latencyMs".into()),
    }
}

/// The error the client sees: the catalogue's row for the code (status and message may be overridden),
/// or, for a code the catalogue does not document at all, the given status and message. A truncated answer
/// with no code is a truncated `ServiceUnavailable`.
fn error_of(spec: &RuleSpec, effect: Effect) -> Result<Option<ApiError>, String> {
    let code = match (&spec.code, effect) {
        (Some(code), _) => code.as_str(),
        (None, Effect::Truncate) => "ServiceUnavailable",
        (None, _) => return Ok(None),
    };
    if code.is_empty() || code.contains(char::is_whitespace) {
        return Err("code must be an error code without spaces".into());
    }
    let documented = Catalogue::get().find(&spec.action, code, spec.http_status);
    let (status, message) = match (documented, spec.http_status, &spec.message) {
        (Some(entry), _, message) => (
            spec.http_status.unwrap_or(entry.status),
            message.clone().unwrap_or_else(|| entry.message()),
        ),
        (None, Some(status), Some(message)) => (status, message.clone()),
        (None, _, _) => {
            return Err(format!(
                "code {code} is not in the error catalogue; give httpStatus and message to use it anyway"
            ))
        }
    };
    Ok(Some(ApiError::injected(code.to_owned(), status, message)))
}

/// One `match` entry: a parameter name pattern and the regex its value must match.
///
/// Patterns run on the regex crate, whose engines match in time linear in the value; with the
/// compiled size bounded too, the slowest possible match of one value is bounded.
#[derive(Debug)]
pub struct ParamMatcher {
    segments: Vec<String>,
    pattern: regex::Regex,
}

impl ParamMatcher {
    fn new(name: &str, pattern: &str) -> Result<Self, String> {
        crate::protocol::limits::check_name(name).map_err(|e| format!("match: {}", e.message))?;
        if pattern.len() > MAX_PATTERN_BYTES {
            return Err(format!(
                "match.{name}: the pattern has {} bytes; at most {MAX_PATTERN_BYTES} are accepted",
                pattern.len()
            ));
        }
        let pattern = regex::RegexBuilder::new(pattern)
            .size_limit(MAX_COMPILED_PATTERN_BYTES)
            .dfa_size_limit(2 * MAX_COMPILED_PATTERN_BYTES)
            .build()
            .map_err(|e| match e {
                regex::Error::CompiledTooBig(_) => {
                    format!("match.{name}: the pattern compiles to more than {MAX_COMPILED_PATTERN_BYTES} bytes; make it simpler")
                }
                other => format!("match.{name}: {other}"),
            })?;
        Ok(ParamMatcher {
            segments: name.split('.').map(str::to_owned).collect(),
            pattern,
        })
    }

    fn names(&self, name: &str) -> bool {
        let mut parts = name.split('.');
        let all_match = self
            .segments
            .iter()
            .all(|segment| parts.next().is_some_and(|part| segment == "*" || segment == part));
        all_match && parts.next().is_none()
    }

    /// Whether some parameter this pattern names has a value the regex matches, reading no more than
    /// `budget` bytes (and taking what it reads from it).
    pub fn matches(&self, params: &[(&str, &str)], budget: &std::cell::Cell<usize>) -> bool {
        params.iter().any(|(name, value)| {
            if !self.names(name) {
                return false;
            }
            let part = matched_part(value);
            let Some(left) = budget.get().checked_sub(part.len()) else {
                return false;
            };
            budget.set(left);
            self.pattern.is_match(part)
        })
    }
}

/// The first `MAX_MATCHED_VALUE_BYTES` of a value, cut on a character boundary.
fn matched_part(value: &str) -> &str {
    value
        .get(..value.floor_char_boundary(MAX_MATCHED_VALUE_BYTES))
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compile(json: &str) -> Result<Rule, String> {
        let spec: RuleSpec = serde_json::from_str(json).map_err(|e| e.to_string())?;
        Rule::compile("r1".into(), spec, "api".into(), 0, 1)
    }

    #[test]
    fn codes_take_status_and_message_from_the_catalogue_unless_overridden() {
        let rule = compile(r#"{"action":"CreateContainerGroup","code":"OperationDenied.NoStock"}"#).unwrap();
        let error = rule.error.unwrap();
        assert_eq!((error.code(), error.status()), ("OperationDenied.NoStock", 403));
        assert!(error
            .message
            .starts_with("Sales of this resource are temporarily suspended"));
        let rule = compile(r#"{"code":"ServiceUnavailable","httpStatus":502,"message":"down"}"#).unwrap();
        let error = rule.error.unwrap();
        assert_eq!((error.status(), error.message.as_str()), (502, "down"));
        assert_eq!(rule.effect, Effect::Error);
    }

    #[test]
    fn refuses_what_cannot_mean_anything() {
        let refused = [
            (
                r#"{"action":"CreateContainerGroup","code":"Made.Up"}"#,
                "not in the error catalogue",
            ),
            (r#"{"action":"*"}"#, "needs a code"),
            (r#"{"effect":"error"}"#, "needs a code"),
            (r#"{"effect":"delay","code":"InternalError"}"#, "takes no code"),
            (r#"{"code":"InternalError","probability":0}"#, "probability"),
            (r#"{"code":"InternalError","probability":1.5}"#, "probability"),
            (r#"{"code":"InternalError","times":0}"#, "times"),
            (r#"{"code":"InternalError","httpStatus":200}"#, "httpStatus"),
            (r#"{"code":"InternalError","match":{"RegionId":"("}}"#, "match.RegionId"),
            (
                r#"{"action":"CreateContainerGroup","zoneId":"cn-hangzhou-b","effect":"reset"}"#,
                "zoneId",
            ),
            (r#"{"code":"InternalError","bogus":1}"#, "unknown field"),
        ];
        for (json, why) in refused {
            let err = compile(json).err().unwrap_or_else(|| panic!("{json} was accepted"));
            assert!(err.contains(why), "{json}: {err}");
        }
        assert!(compile(r#"{"code":"Made.Up","httpStatus":418,"message":"teapot"}"#).is_ok());
    }

    #[test]
    fn after_times_and_probability_decide_firing() {
        let rule = compile(r#"{"code":"InternalError","after":2,"times":2}"#).unwrap();
        let fired: Vec<bool> = (0..6).map(|_| rule.try_fire().is_some()).collect();
        assert_eq!(fired, [false, false, true, true, false, false]);
        let sequence = |seed: u64| {
            let rule = compile(&format!(
                r#"{{"code":"InternalError","probability":0.3,"seed":{seed}}}"#
            ))
            .unwrap();
            (0..1000).map(|_| rule.try_fire().is_some()).collect::<Vec<_>>()
        };
        assert_eq!(sequence(42), sequence(42));
        assert_ne!(sequence(42), sequence(43));
        let rate = sequence(42).iter().filter(|f| **f).count();
        assert!((240..=360).contains(&rate), "{rate} of 1000 at p=0.3");
    }

    #[test]
    fn latency_stays_within_the_jitter_band() {
        let rule = compile(r#"{"latencyMs":100,"jitterMs":20}"#).unwrap();
        assert_eq!(rule.effect, Effect::Delay);
        for _ in 0..200 {
            let ms = rule.try_fire().unwrap().as_millis();
            assert!((80..=120).contains(&ms), "{ms}");
        }
    }

    #[test]
    fn parameter_names_match_exactly_or_with_any_index() {
        let matcher = ParamMatcher::new("Container.*.Image", "^nginx").unwrap();
        let matches = |params: &[(&str, &str)]| matcher.matches(params, &std::cell::Cell::new(1 << 20));
        assert!(matches(&[("Container.2.Image", "nginx:1")]));
        assert!(!matches(&[("Container.2.Image", "busybox")]));
        assert!(!matches(&[("Container.2.ImagePullPolicy", "nginx")]));
        assert!(!matches(&[("Container.2.Image.Extra", "nginx")]));
        assert!(!matches(&[("Container", "nginx")]));
    }

    #[test]
    fn matching_reads_a_bounded_prefix_within_the_call_budget() {
        let matcher = ParamMatcher::new("X", "b$").unwrap();
        let long = format!("{}b", "a".repeat(MAX_MATCHED_VALUE_BYTES));
        let budget = std::cell::Cell::new(1 << 20);
        assert!(
            !matcher.matches(&[("X", &long)], &budget),
            "only the first 64 KiB are read"
        );
        assert_eq!(budget.get(), (1 << 20) - MAX_MATCHED_VALUE_BYTES);
        assert!(matcher.matches(&[("X", "ab")], &budget));
        let spent = std::cell::Cell::new(1);
        assert!(
            !matcher.matches(&[("X", "ab")], &spent),
            "past the budget nothing matches"
        );
        assert_eq!(matched_part(&"é".repeat(40_000)).len(), MAX_MATCHED_VALUE_BYTES);
    }
}
