//! Per-group lifecycle settings carried by reserved tags: `emulator.lifecycle/<setting>` = value.

use super::machine::{PolicyKind, ScriptedExit};

/// Tag keys starting with this set the tagged group's lifecycle.
pub const LIFECYCLE_TAG_PREFIX: &str = "emulator.lifecycle/";

/// What a group's tags ask of its lifecycle; `None` leaves the emulator's setting.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GroupSettings {
    pub policy: Option<PolicyKind>,
    pub describes_per_step: Option<u32>,
    pub exit: Option<ScriptedExit>,
    pub schedule_fails: bool,
}

/// Reads the lifecycle tags among `(key, value)`; an error names the tag's position (from 1) and why.
///
/// Settings: `policy` = `immediate` | `time` | `manual`; `describes-per-step` = N (manual: a stage per N
/// describes); `exit-after-ms` = N and `exit-code` = N (default 0): the containers exit N ms after
/// the group starts running; `schedule` = `fail`: no host takes the group (`ScheduleFailed`).
pub fn settings<'a>(tags: impl Iterator<Item = (&'a str, &'a str)>) -> Result<GroupSettings, (usize, String)> {
    let mut found = GroupSettings::default();
    let mut exit_after = None;
    let mut exit_code = None;
    for (index, (key, value)) in tags.enumerate() {
        let Some(setting) = key.strip_prefix(LIFECYCLE_TAG_PREFIX) else {
            continue;
        };
        let position = index + 1;
        let number = |what: &str| {
            value
                .trim()
                .parse::<i64>()
                .map_err(|_| (position, format!("{what} must be a whole number, not '{value}'")))
        };
        match setting {
            "policy" => {
                let kind =
                    serde_json::from_value(serde_json::Value::String(value.trim().to_owned())).map_err(|_| {
                        (
                            position,
                            format!("policy must be immediate, time or manual, not '{value}'"),
                        )
                    })?;
                found.policy = Some(kind);
            }
            "describes-per-step" => found.describes_per_step = Some(non_negative(number(setting)?, position)?),
            "exit-after-ms" => exit_after = Some(non_negative(number(setting)?, position)?),
            "schedule" => match value.trim() {
                "fail" => found.schedule_fails = true,
                "ok" => found.schedule_fails = false,
                _ => return Err((position, format!("schedule must be fail or ok, not '{value}'"))),
            },
            "exit-code" => {
                exit_code =
                    Some(i32::try_from(number(setting)?).map_err(|_| (position, "exit-code is out of range".into()))?)
            }
            other => return Err((position, format!("'{other}' is not a lifecycle setting"))),
        }
    }
    found.exit = exit_after.map(|after_ms| ScriptedExit {
        after_ms,
        code: exit_code.unwrap_or(0),
    });
    Ok(found)
}

fn non_negative(n: i64, position: usize) -> Result<u32, (usize, String)> {
    u32::try_from(n).map_err(|_| (position, format!("{n} is not between 0 and {}", u32::MAX)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_settings_and_ignores_other_tags() {
        let tags = [
            ("team", "a"),
            ("emulator.lifecycle/policy", "manual"),
            ("emulator.lifecycle/describes-per-step", "3"),
            ("emulator.lifecycle/exit-after-ms", "1500"),
            ("emulator.lifecycle/exit-code", "2"),
        ];
        let found = settings(tags.into_iter()).unwrap();
        assert_eq!(found.policy, Some(PolicyKind::Manual));
        assert_eq!(found.describes_per_step, Some(3));
        assert_eq!(
            found.exit,
            Some(ScriptedExit {
                after_ms: 1500,
                code: 2
            })
        );
        assert_eq!(settings([("a", "b")].into_iter()).unwrap(), GroupSettings::default());
    }

    #[test]
    fn bad_settings_name_the_tag() {
        let bad = [
            ("emulator.lifecycle/policy", "slow"),
            ("emulator.lifecycle/describes-per-step", "-1"),
            ("emulator.lifecycle/exit-after-ms", "soon"),
            ("emulator.lifecycle/colour", "red"),
        ];
        for (key, value) in bad {
            let (position, why) = settings([("x", "y"), (key, value)].into_iter()).unwrap_err();
            assert_eq!(position, 2, "{why}");
        }
    }
}
