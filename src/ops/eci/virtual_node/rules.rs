//! Virtual nodes' stages and the rules their requests are held to.

use crate::validate::{Check, FieldRule, Pattern, RuleTable};

pub(super) const STAGES: &[&str] = &["Pending", "Ready"];
pub(super) const STAGE_MS: u32 = 300;

pub(super) const NODE_NAME: Pattern = Pattern {
    test: |v| {
        let chars_ok = v
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-');
        (2..=128).contains(&v.len()) && chars_ok
    },
    description: "2 to 128 characters of lower-case letters, digits, dots and hyphens",
    valid: &["vk-1", "node.a"],
    invalid: &["a", "Node", "a_b"],
};

pub static CREATE_RULES: RuleTable = RuleTable::new(&[&[
    FieldRule::required("RegionId", &[]),
    FieldRule::required("SecurityGroupId", &[Check::Len(1, 64)]),
    FieldRule::required("VSwitchId", &[Check::Len(1, 1024)]),
    FieldRule::optional("VirtualNodeName", &[Check::Pattern(NODE_NAME)]),
    FieldRule::optional("Tag", &[Check::MaxItems(20)]),
    FieldRule::optional("ClientToken", &[Check::Ascii, Check::Len(1, 64)]),
]]);

pub static UPDATE_RULES: RuleTable = RuleTable::new(&[&[
    FieldRule::required("RegionId", &[]),
    FieldRule::required("VirtualNodeId", &[Check::Len(1, 64)]),
    FieldRule::optional("VirtualNodeName", &[Check::Pattern(NODE_NAME)]),
    FieldRule::optional("Tag", &[Check::MaxItems(20)]),
]]);
