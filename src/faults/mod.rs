//! Fault injection: fault rules and the engine that matches them to calls, and
//! per-account rate limits, all seeded so a run can be repeated.

pub mod rule;
mod set;
pub mod tag;
pub mod throttle;

use crate::error::ApiError;
use crate::util::Clock;
use parking_lot::RwLock;
use rule::{Effect, Phase, Rule, RuleSpec, ZONE_DECIDING_ACTION};
use serde_json::{json, Value};
use set::RuleSet;
use std::cell::{OnceCell, RefCell};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The most delay the rules firing on one call add up to.
const MAX_TOTAL_DELAY: Duration = Duration::from_millis(rule::MAX_DURATION_MS);
/// The most rules for any group, and the most scoped to one group: a call is matched against the
/// first kind and those of the (at most 20) groups it names, so this bounds a call's cost.
pub const MAX_RULES: usize = 1000;

/// Reads a fault-rule file: one rule, a list of rules, or `{"rules": [...]}`.
pub fn parse_rules(text: &str) -> Result<Vec<RuleSpec>, String> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Document {
        Wrapped { rules: Vec<RuleSpec> },
        List(Vec<RuleSpec>),
        One(Box<RuleSpec>),
    }
    match serde_json::from_str::<Document>(text) {
        Ok(Document::Wrapped { rules } | Document::List(rules)) => Ok(rules),
        Ok(Document::One(rule)) => Ok(vec![*rule]),
        Err(_) => serde_json::from_str::<RuleSpec>(text)
            .map(|rule| vec![rule])
            .map_err(|e| e.to_string()),
    }
}

/// What the engine knows of a call when it matches rules.
#[derive(Debug, Clone, Copy)]
pub struct Call<'a> {
    pub action: &'a str,
    pub region_id: Option<&'a str>,
    pub zone_id: Option<&'a str>,
    pub access_key_id: &'a str,
    /// Every request parameter, query and body.
    pub params: &'a [(&'a str, &'a str)],
}

impl Call<'_> {
    fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
    }

    /// Whether the call names `group_id` in `ContainerGroupId` or the JSON list `ContainerGroupIds`;
    /// `listed` keeps that list parsed once for all the rules a call is matched against.
    fn names_group(&self, group_id: &str, scratch: &Scratch) -> bool {
        let listed = &scratch.listed;
        self.named_groups(listed).any(|id| id == group_id)
    }

    /// The groups the call names, in `ContainerGroupId` and in the JSON list `ContainerGroupIds`.
    fn named_groups<'s>(&'s self, listed: &'s OnceCell<Vec<String>>) -> impl Iterator<Item = &'s str> {
        let ids = listed.get_or_init(|| {
            self.param("ContainerGroupIds")
                .and_then(|list| serde_json::from_str::<Vec<String>>(list).ok())
                .unwrap_or_default()
        });
        self.param("ContainerGroupId")
            .into_iter()
            .chain(ids.iter().map(String::as_str))
    }
}

/// A rule that decides how a call ends.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub rule_id: Arc<str>,
    pub effect: Effect,
    pub phase: Phase,
    pub error: Option<ApiError>,
    pub retry_after_ms: Option<u64>,
    pub hang: Duration,
}

/// Everything the rules ask of one call.
#[derive(Debug, Clone, Default)]
pub struct Verdict {
    /// Latency to add before answering.
    pub delay: Duration,
    /// Every rule that fired, in order (for the response header and the log).
    pub fired: Vec<Arc<str>>,
    pub outcome: Option<Outcome>,
}

/// The faults engine as one call sees it: operations ask it about zones, and it remembers which
/// rules fired so the response can name them.
pub struct CallFaults<'a> {
    engine: &'a Faults,
    call: Call<'a>,
    fired: RefCell<Vec<Arc<str>>>,
}

impl<'a> CallFaults<'a> {
    pub fn new(engine: &'a Faults, call: Call<'a>) -> Self {
        CallFaults {
            engine,
            call,
            fired: RefCell::default(),
        }
    }

    pub fn engine(&self) -> &'a Faults {
        self.engine
    }

    /// `Ok` when `zone` may be used, else the error of the zone-scoped rule that refused it.
    pub fn zone_open(&self, zone: &str) -> Result<(), ApiError> {
        match self.engine.refuse_zone(&self.call, zone) {
            None => Ok(()),
            Some((rule_id, error)) => {
                tracing::info!(rule = %rule_id, zone, code = error.code(), "fault injected: zone refused");
                self.fired.borrow_mut().push(rule_id);
                Err(error)
            }
        }
    }

    /// The zone rules that fired during the call.
    pub fn into_fired(self) -> Vec<Arc<str>> {
        self.fired.into_inner()
    }
}

/// The fault rules in force and their counters.
pub struct Faults {
    rules: RwLock<RuleSet>,
    /// `rules.len()`, read without the lock so a call with no rules costs one atomic load.
    count: AtomicUsize,
    next_number: AtomicU64,
    clock: Arc<dyn Clock>,
    seed: Option<u64>,
    start_rules: Vec<RuleSpec>,
    /// Counts changes to the rules and their counters, so the durable state knows when to write them.
    revision: AtomicU64,
}

/// A rule as the durable state keeps it: enough to compile it again and go on counting.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedRule {
    pub number: u64,
    pub spec: RuleSpec,
    pub origin: String,
    pub expires_at_ms: Option<i64>,
    pub matched: u64,
    pub hits: u64,
    pub seed: u64,
}

impl Faults {
    /// Fails when a start rule does not compile.
    pub fn new(clock: Arc<dyn Clock>, seed: Option<u64>, start_rules: Vec<RuleSpec>) -> Result<Self, String> {
        let faults = Faults {
            rules: RwLock::default(),
            count: AtomicUsize::new(0),
            next_number: AtomicU64::new(1),
            clock,
            seed,
            start_rules,
            revision: AtomicU64::new(0),
        };
        faults.add_start_rules()?;
        Ok(faults)
    }

    /// Adds the rules given at start after those in force.
    pub fn add_start_rules(&self) -> Result<(), String> {
        for (index, spec) in self.start_rules.iter().enumerate() {
            self.add(spec.clone(), "file")
                .map_err(|e| format!("fault rule {}: {e}", index + 1))?;
        }
        Ok(())
    }

    fn now_ms(&self) -> i64 {
        i64::try_from(self.clock.now().unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
    }

    /// Adds a rule after the others; answers its id.
    pub fn add(&self, spec: RuleSpec, origin: &str) -> Result<Arc<str>, String> {
        let number = self.next_number.fetch_add(1, Ordering::Relaxed);
        let id: Arc<str> = format!("fault-{number}").into();
        let seed = match self.seed {
            Some(seed) => seed ^ number.wrapping_mul(0x9E37_79B9_7F4A_7C15),
            None => rand::random(),
        };
        let rule = Rule::compile(id.clone(), spec, origin.to_owned(), self.now_ms(), seed)?;
        let mut rules = self.rules.write();
        let group = rule.spec.container_group_id.as_deref();
        if rules.len_in_scope(group) >= MAX_RULES {
            let scope = group.map_or("for any group".to_owned(), |g| format!("for group {g}"));
            return Err(format!(
                "{MAX_RULES} fault rules {scope} are in force already; delete some first"
            ));
        }
        rules.push(number, Arc::new(rule));
        self.count.store(rules.len(), Ordering::Release);
        self.bump();
        Ok(id)
    }

    fn bump(&self) {
        self.revision.fetch_add(1, Ordering::AcqRel);
    }

    pub fn revision(&self) -> u64 {
        self.revision.load(Ordering::Acquire)
    }

    /// Every rule with its counters, in the order added, to be stored.
    pub fn save(&self) -> Vec<SavedRule> {
        let numbered = self.rules.read().all_numbered();
        numbered
            .into_iter()
            .map(|(number, rule)| {
                let counters = rule.counters.lock();
                SavedRule {
                    number,
                    spec: rule.spec.clone(),
                    origin: rule.origin.clone(),
                    expires_at_ms: rule.expires_at_ms,
                    matched: counters.matched,
                    hits: counters.hits,
                    seed: rule.seed,
                }
            })
            .collect()
    }

    /// Compiles stored rules, without changing anything; the message names the rule that fails.
    pub fn compile_saved(saved: Vec<SavedRule>) -> Result<Vec<(u64, Rule)>, String> {
        saved
            .into_iter()
            .map(|s| {
                let id: Arc<str> = format!("fault-{}", s.number).into();
                let mut rule =
                    Rule::compile(id, s.spec, s.origin, 0, s.seed).map_err(|e| format!("fault-{}: {e}", s.number))?;
                rule.expires_at_ms = s.expires_at_ms;
                let counters = rule.counters.get_mut();
                counters.matched = s.matched;
                counters.hits = s.hits;
                // A fresh sequence from where the counts stand, rather than the draws already made.
                counters.rng = rand::SeedableRng::seed_from_u64(s.seed ^ s.matched);
                Ok((s.number, rule))
            })
            .collect()
    }

    /// Puts compiled stored rules in place of the current ones.
    pub fn install(&self, rules: Vec<(u64, Rule)>) {
        let mut set = self.rules.write();
        set.retain(|_| false);
        let mut next = 1;
        for (number, rule) in rules {
            next = next.max(number + 1);
            set.push(number, Arc::new(rule));
        }
        self.next_number.store(next, Ordering::Relaxed);
        self.count.store(set.len(), Ordering::Release);
        self.bump();
    }

    /// Whether `spec` would compile, without adding it.
    pub fn check(&self, spec: &RuleSpec) -> Result<(), String> {
        Rule::compile("check".into(), spec.clone(), String::new(), 0, 0).map(|_| ())
    }

    /// Adds the rules a new group's reserved tags ask for, scoped to that group.
    pub fn add_group_rules(&self, group_id: &str, specs: Vec<RuleSpec>) -> Result<(), String> {
        let origin = format!("tag:{group_id}");
        for mut spec in specs {
            spec.container_group_id = Some(group_id.to_owned());
            self.add(spec, &origin)?;
        }
        Ok(())
    }

    /// Drops the rules a deleted group's tags asked for.
    pub fn remove_group_rules(&self, group_id: &str) {
        if self.is_empty() {
            return;
        }
        let origin = format!("tag:{group_id}");
        let mut rules = self.rules.write();
        rules.retain_in_group(group_id, |rule| rule.origin != origin);
        self.count.store(rules.len(), Ordering::Release);
        self.bump();
    }

    pub fn remove(&self, id: &str) -> bool {
        let before = self.count.load(Ordering::Acquire);
        self.retain(|rule| &*rule.id != id);
        self.count.load(Ordering::Acquire) < before
    }

    pub fn clear(&self) {
        self.retain(|_| false);
    }

    /// Drops every rule and adds the start rules again, with fresh counters.
    pub fn reset(&self) {
        self.clear();
        if let Err(e) = self.add_start_rules() {
            tracing::error!("start fault rules no longer apply after reset: {e}");
        }
    }

    fn retain(&self, keep: impl Fn(&Rule) -> bool) {
        let mut rules = self.rules.write();
        rules.retain(|rule| keep(rule));
        self.count.store(rules.len(), Ordering::Release);
        self.bump();
    }

    pub fn is_empty(&self) -> bool {
        self.count.load(Ordering::Acquire) == 0
    }

    /// The unexpired rules that can concern the call: those for any group and those of the groups it
    /// names, in the order they were added.
    fn live_rules(&self, call: &Call<'_>, scratch: &Scratch) -> Vec<Arc<Rule>> {
        let now = self.now_ms();
        let mut rules = self.rules.read().for_groups(call.named_groups(&scratch.listed));
        rules.retain(|rule| !rule.is_expired(now));
        rules
    }

    /// Matches `call` against the rules in order: delay rules add their latency and matching goes on;
    /// the first other rule that fires decides the outcome.
    pub fn decide(&self, call: &Call<'_>) -> Verdict {
        let mut verdict = Verdict::default();
        if self.is_empty() {
            return verdict;
        }
        let scratch = Scratch::new();
        for rule in self.live_rules(call, &scratch) {
            if !in_scope(&rule, call, &scratch) || !zone_applies_to_call(&rule, call) {
                continue;
            }
            self.bump();
            let Some(latency) = rule.try_fire() else {
                continue;
            };
            verdict.delay = verdict.delay.saturating_add(latency).min(MAX_TOTAL_DELAY);
            verdict.fired.push(rule.id.clone());
            if rule.effect != Effect::Delay {
                verdict.outcome = Some(Outcome {
                    rule_id: rule.id.clone(),
                    effect: rule.effect,
                    phase: rule.phase,
                    error: rule.error.clone(),
                    retry_after_ms: rule.spec.retry_after_ms,
                    hang: rule.hang(),
                });
                break;
            }
        }
        verdict
    }

    /// Where a zone is decided: the error of the first zone-scoped rule that fires for `zone`, so the
    /// caller can try its next candidate zone.
    pub fn refuse_zone(&self, call: &Call<'_>, zone: &str) -> Option<(Arc<str>, ApiError)> {
        if self.is_empty() {
            return None;
        }
        let scratch = Scratch::new();
        self.live_rules(call, &scratch).into_iter().find_map(|rule| {
            let for_zone = rule.spec.zone_id.as_deref() == Some(zone) && rule.effect == Effect::Error;
            if !for_zone || !in_scope(&rule, call, &scratch) {
                return None;
            }
            self.bump();
            rule.try_fire()?;
            Some((rule.id.clone(), rule.error.clone()?))
        })
    }

    /// The rules with their counters, for `GET /_emulator/faults`.
    pub fn list(&self) -> Value {
        let now = self.now_ms();
        let rules: Vec<Value> = self.rules.read().all().iter().map(|rule| describe(rule, now)).collect();
        json!({ "rules": rules })
    }
}

/// Action, region, access key, group and parameters: everything but the zone.
/// What matching one call against the rules works out once and shares: the groups the call names,
/// and how many more value bytes its patterns may read.
struct Scratch {
    listed: OnceCell<Vec<String>>,
    match_budget: std::cell::Cell<usize>,
}

impl Scratch {
    fn new() -> Self {
        Scratch {
            listed: OnceCell::new(),
            match_budget: std::cell::Cell::new(rule::MAX_MATCHED_BYTES_PER_CALL),
        }
    }
}

fn in_scope(rule: &Rule, call: &Call<'_>, scratch: &Scratch) -> bool {
    let spec = &rule.spec;
    let action_matches = spec.action == crate::actions::ANY_ACTION || spec.action == call.action;
    action_matches
        && spec.region_id.as_deref().is_none_or(|r| call.region_id == Some(r))
        && spec.access_key_id.as_deref().is_none_or(|k| call.access_key_id == k)
        && spec
            .container_group_id
            .as_deref()
            .is_none_or(|g| call.names_group(g, scratch))
        && rule
            .matchers
            .iter()
            .all(|m| m.matches(call.params, &scratch.match_budget))
}

/// A zone-scoped rule matches the `ZoneId` parameter, except on the action that decides the zone,
/// where it is asked per candidate zone instead (`refuse_zone`).
fn zone_applies_to_call(rule: &Rule, call: &Call<'_>) -> bool {
    match rule.spec.zone_id.as_deref() {
        None => true,
        Some(_) if call.action == ZONE_DECIDING_ACTION => false,
        Some(zone) => call.zone_id == Some(zone),
    }
}

fn describe(rule: &Rule, now_ms: i64) -> Value {
    let counters = rule.counters.lock();
    let remaining = rule.spec.times.map(|times| times.saturating_sub(counters.hits));
    let expires_at = rule.expires_at_ms.and_then(|ms| {
        time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
            .ok()
            .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
    });
    let mut value = serde_json::to_value(&rule.spec).unwrap_or_else(|_| json!({}));
    if let Value::Object(fields) = &mut value {
        fields.insert("id".into(), json!(&*rule.id));
        fields.insert("origin".into(), json!(rule.origin));
        fields.insert("matched".into(), json!(counters.matched));
        fields.insert("hits".into(), json!(counters.hits));
        fields.insert("remaining".into(), json!(remaining));
        fields.insert("expiresAt".into(), json!(expires_at));
        let active = !rule.is_expired(now_ms) && !rule.is_spent(counters.hits);
        fields.insert("active".into(), json!(active));
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::VirtualClock;

    const NOW: i64 = 1_795_816_800;

    fn engine() -> (Faults, Arc<VirtualClock>) {
        let clock = Arc::new(VirtualClock::frozen_at_unix(NOW));
        (Faults::new(clock.clone(), Some(1), Vec::new()).unwrap(), clock)
    }

    fn spec(json: Value) -> RuleSpec {
        serde_json::from_value(json).unwrap()
    }

    fn call<'a>(action: &'a str, params: &'a [(&'a str, &'a str)]) -> Call<'a> {
        Call {
            action,
            region_id: Some("cn-hangzhou"),
            zone_id: None,
            access_key_id: "AK1",
            params,
        }
    }

    fn fired_code(verdict: &Verdict) -> Option<String> {
        verdict
            .outcome
            .as_ref()
            .and_then(|o| o.error.as_ref())
            .map(|e| e.code().to_owned())
    }

    #[test]
    fn scope_limits_rules_to_their_calls() {
        let (faults, _) = engine();
        let rule = json!({"action": "DescribeContainerGroups", "regionId": "cn-hangzhou", "accessKeyId": "AK1",
            "match": {"ContainerGroupName": "^batch-"}, "code": "InternalError"});
        faults.add(spec(rule), "api").unwrap();
        let hit = [("ContainerGroupName", "batch-7")];
        assert_eq!(
            fired_code(&faults.decide(&call("DescribeContainerGroups", &hit))).as_deref(),
            Some("InternalError")
        );
        assert!(faults.decide(&call("DeleteContainerGroup", &hit)).outcome.is_none());
        assert!(faults
            .decide(&call("DescribeContainerGroups", &[("ContainerGroupName", "web")]))
            .outcome
            .is_none());
        let other_key = Call {
            access_key_id: "AK2",
            ..call("DescribeContainerGroups", &hit)
        };
        assert!(faults.decide(&other_key).outcome.is_none());
        let other_region = Call {
            region_id: Some("cn-beijing"),
            ..call("DescribeContainerGroups", &hit)
        };
        assert!(faults.decide(&other_region).outcome.is_none());
    }

    /// Group-scoped rules are kept by group, yet still match in the order they were added, next to the
    /// rules for any group; the rules of other groups are never consulted.
    #[test]
    fn group_rules_match_in_order_among_the_rest() {
        let (faults, _) = engine();
        faults.add(spec(json!({"latencyMs": 5})), "api").unwrap();
        for n in 0..1000 {
            let other = json!({"containerGroupId": format!("eci-other-{n}"), "code": "InternalError"});
            faults.add(spec(other), "api").unwrap();
        }
        faults
            .add_group_rules("eci-mine", vec![spec(json!({"code": "ServiceUnavailable"}))])
            .unwrap();
        faults.add(spec(json!({"code": "InternalError"})), "api").unwrap();
        let mine = [("ContainerGroupIds", r#"["eci-x","eci-mine"]"#)];
        let verdict = faults.decide(&call("DescribeContainerGroups", &mine));
        assert_eq!(fired_code(&verdict).as_deref(), Some("ServiceUnavailable"));
        assert_eq!(
            verdict.fired.iter().map(|id| &**id).collect::<Vec<_>>(),
            ["fault-1", "fault-1002"]
        );
        let unnamed = faults.decide(&call("DescribeContainerGroups", &[]));
        assert_eq!(fired_code(&unnamed).as_deref(), Some("InternalError"));
        assert_eq!(faults.list()["rules"].as_array().map(Vec::len), Some(1003));
        faults.remove_group_rules("eci-mine");
        let after = faults.decide(&call("DeleteContainerGroup", &[("ContainerGroupId", "eci-mine")]));
        assert_eq!(fired_code(&after).as_deref(), Some("InternalError"));
        assert_eq!(
            faults.list()["rules"][1]["id"],
            json!("fault-2"),
            "listed in the order added"
        );
    }

    #[test]
    fn a_thousand_hour_long_delays_add_up_to_an_hour() {
        let (faults, _) = engine();
        for _ in 0..MAX_RULES {
            let rule = spec(json!({"latencyMs": rule::MAX_DURATION_MS, "jitterMs": rule::MAX_DURATION_MS}));
            faults.add(rule, "api").unwrap();
        }
        let verdict = faults.decide(&call("ListUsage", &[]));
        assert_eq!(verdict.fired.len(), MAX_RULES);
        assert_eq!(verdict.delay, MAX_TOTAL_DELAY);
    }

    #[test]
    fn delay_rules_add_up_and_the_first_deciding_rule_wins() {
        let (faults, _) = engine();
        faults.add(spec(json!({"latencyMs": 30})), "api").unwrap();
        faults
            .add(spec(json!({"code": "ServiceUnavailable", "latencyMs": 20})), "api")
            .unwrap();
        faults.add(spec(json!({"code": "InternalError"})), "api").unwrap();
        let verdict = faults.decide(&call("ListUsage", &[]));
        assert_eq!(verdict.delay, Duration::from_millis(50));
        assert_eq!(
            verdict.fired.iter().map(|id| &**id).collect::<Vec<_>>(),
            ["fault-1", "fault-2"]
        );
        assert_eq!(fired_code(&verdict).as_deref(), Some("ServiceUnavailable"));
    }

    #[test]
    fn ttl_expires_and_removal_and_reset_drop_rules() {
        let (faults, clock) = engine();
        let id = faults
            .add(spec(json!({"code": "InternalError", "ttlSeconds": 60})), "api")
            .unwrap();
        assert!(faults.decide(&call("ListUsage", &[])).outcome.is_some());
        clock.advance(60);
        assert!(faults.decide(&call("ListUsage", &[])).outcome.is_none());
        assert_eq!(faults.list()["rules"][0]["active"], json!(false));
        assert!(faults.remove(&id));
        assert!(!faults.remove(&id));
        assert!(faults.is_empty());
        faults.add(spec(json!({"code": "InternalError"})), "api").unwrap();
        faults.reset();
        assert!(faults.is_empty());
    }

    #[test]
    fn zone_rules_refuse_candidate_zones_of_create_and_match_zone_id_elsewhere() {
        let (faults, _) = engine();
        let rule = json!({"action": "*", "zoneId": "cn-hangzhou-b", "code": "OperationDenied.NoStock", "times": 1});
        faults.add(spec(rule), "api").unwrap();
        let create = call("CreateContainerGroup", &[]);
        assert!(
            faults.decide(&create).outcome.is_none(),
            "decided per zone, not per call"
        );
        assert!(faults.refuse_zone(&create, "cn-hangzhou-h").is_none());
        let (_, error) = faults.refuse_zone(&create, "cn-hangzhou-b").unwrap();
        assert_eq!((error.code(), error.status()), ("OperationDenied.NoStock", 403));
        assert!(faults.refuse_zone(&create, "cn-hangzhou-b").is_none(), "times: 1");
        faults
            .add(spec(json!({"zoneId": "cn-hangzhou-b", "code": "InternalError"})), "api")
            .unwrap();
        let described = Call {
            zone_id: Some("cn-hangzhou-b"),
            ..call("DescribeContainerGroups", &[])
        };
        assert_eq!(fired_code(&faults.decide(&described)).as_deref(), Some("InternalError"));
        assert!(faults.decide(&call("DescribeContainerGroups", &[])).outcome.is_none());
    }

    #[test]
    fn group_rules_match_calls_naming_the_group_and_go_with_it() {
        let (faults, _) = engine();
        let tagged = tag::rule_from_tag("emulator.fault/DeleteContainerGroup", "IncorrectStatus")
            .unwrap()
            .unwrap();
        faults.add_group_rules("eci-1", vec![tagged]).unwrap();
        let named = [("ContainerGroupId", "eci-1")];
        assert_eq!(
            fired_code(&faults.decide(&call("DeleteContainerGroup", &named))).as_deref(),
            Some("IncorrectStatus")
        );
        assert!(faults
            .decide(&call("DeleteContainerGroup", &[("ContainerGroupId", "eci-2")]))
            .outcome
            .is_none());
        let listed = [("ContainerGroupIds", r#"["eci-0","eci-1"]"#)];
        let tagged_any = tag::rule_from_tag("emulator.fault/*", "InternalError")
            .unwrap()
            .unwrap();
        faults.add_group_rules("eci-1", vec![tagged_any]).unwrap();
        assert_eq!(
            fired_code(&faults.decide(&call("DescribeContainerGroups", &listed))).as_deref(),
            Some("InternalError")
        );
        faults.remove_group_rules("eci-1");
        assert!(faults.is_empty());
    }

    #[test]
    fn the_same_global_seed_gives_rules_the_same_sequence() {
        let outcomes = || {
            let (faults, _) = engine();
            faults
                .add(spec(json!({"code": "InternalError", "probability": 0.5})), "api")
                .unwrap();
            (0..200)
                .map(|_| faults.decide(&call("ListUsage", &[])).outcome.is_some())
                .collect::<Vec<_>>()
        };
        assert_eq!(outcomes(), outcomes());
    }
}
