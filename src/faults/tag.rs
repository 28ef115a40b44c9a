//! Fault rules asked for by a container group's own tags, for long-running tests that cannot reach
//! the side API: `emulator.fault/<Action>` = `<Code>[;key=value...]`.

use super::rule::RuleSpec;
use serde_json::{Map, Value};

/// Tag keys starting with this ask for faults on the tagged group's later operations.
pub const FAULT_TAG_PREFIX: &str = "emulator.fault/";

/// The keys a tag value may set, as in a JSON rule; those listed as numbers are parsed as numbers.
const TEXT_KEYS: &[&str] = &["code", "message", "effect", "phase"];
const NUMBER_KEYS: &[&str] = &[
    "httpStatus",
    "latencyMs",
    "jitterMs",
    "hangMs",
    "retryAfterMs",
    "probability",
    "seed",
    "after",
    "times",
    "ttlSeconds",
];

/// The rule a tag asks for, `None` for an ordinary tag, or why the tag cannot be a rule.
///
/// The value is a code, optionally followed by `;key=value` pairs (`IncorrectStatus;times=1`), or
/// only pairs (`effect=reset;phase=after`). The action after the prefix may be `*`.
pub fn rule_from_tag(key: &str, value: &str) -> Option<Result<RuleSpec, String>> {
    let action = key.strip_prefix(FAULT_TAG_PREFIX)?;
    Some(parse_value(action, value))
}

fn parse_value(action: &str, value: &str) -> Result<RuleSpec, String> {
    if action.is_empty() {
        return Err(format!("the tag key needs an action after {FAULT_TAG_PREFIX}, or *"));
    }
    let mut rule = Map::new();
    rule.insert("action".into(), Value::String(action.to_owned()));
    for (position, item) in value.split(';').map(str::trim).enumerate() {
        if item.is_empty() {
            continue;
        }
        match item.split_once('=') {
            Some((name, text)) => {
                rule.insert(name.trim().to_owned(), typed(name.trim(), text.trim())?);
            }
            None if position == 0 => {
                rule.insert("code".into(), Value::String(item.to_owned()));
            }
            None => return Err(format!("'{item}' is not of the form key=value")),
        }
    }
    serde_json::from_value(Value::Object(rule)).map_err(|e| e.to_string())
}

fn typed(name: &str, text: &str) -> Result<Value, String> {
    if TEXT_KEYS.contains(&name) {
        return Ok(Value::String(text.to_owned()));
    }
    if !NUMBER_KEYS.contains(&name) {
        return Err(format!("'{name}' is not a rule key a tag may set"));
    }
    serde_json::from_str::<serde_json::Number>(text)
        .map(Value::Number)
        .map_err(|_| format!("'{name}' must be a number, not '{text}'"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::faults::rule::{Effect, Phase};

    #[test]
    fn a_code_with_pairs_becomes_a_rule_for_the_action_in_the_key() {
        let spec = rule_from_tag("emulator.fault/DeleteContainerGroup", "IncorrectStatus; times=2")
            .unwrap()
            .unwrap();
        assert_eq!(spec.action, "DeleteContainerGroup");
        assert_eq!(spec.code.as_deref(), Some("IncorrectStatus"));
        assert_eq!(spec.times, Some(2));
        let spec = rule_from_tag("emulator.fault/*", "effect=reset;phase=after;probability=0.5")
            .unwrap()
            .unwrap();
        assert_eq!(
            (spec.effect, spec.phase, spec.probability),
            (Some(Effect::Reset), Some(Phase::After), Some(0.5))
        );
    }

    #[test]
    fn ordinary_tags_are_not_rules_and_bad_values_say_why() {
        assert!(rule_from_tag("team", "IncorrectStatus").is_none());
        let bad = [
            ("emulator.fault/", "InternalError"),
            ("emulator.fault/*", "InternalError;times"),
            ("emulator.fault/*", "InternalError;times=many"),
            ("emulator.fault/*", "InternalError;action=Other"),
            ("emulator.fault/*", "effect=explode"),
        ];
        for (key, value) in bad {
            assert!(rule_from_tag(key, value).unwrap().is_err(), "{key}={value}");
        }
    }
}
