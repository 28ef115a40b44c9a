//! Data caches' stages, their reserved bucket and the rules their requests are held to.

use crate::validate::{Check, FieldRule, RuleTable};

pub(super) const STAGES: &[&str] = &["Creating", "Available"];
pub(super) const UPDATE_STAGES: &[&str] = &["Updating", "Available"];
pub(super) const STAGE_MS: u32 = 500;
/// `eci-system` is the service's own bucket.
pub(super) const RESERVED_BUCKET: &str = "eci-system";

pub static CREATE_RULES: RuleTable = RuleTable::new(&[&[
    FieldRule::required("RegionId", &[]),
    FieldRule::required("Path", &[Check::Len(1, 1024)]),
    FieldRule::optional("Name", &[Check::Len(1, 128)]),
    FieldRule::optional("Size", &[Check::Range(20, 65536)]),
    FieldRule::optional("RetentionDays", &[Check::Range(1, 65535)]),
    FieldRule::optional("Tag", &[Check::MaxItems(20)]),
    FieldRule::optional("DataSource.Type", &[Check::OneOf(&["URL", "NAS", "OSS", "SNAPSHOT"])]),
    FieldRule::optional("ClientToken", &[Check::Ascii, Check::Len(1, 64)]),
]]);

pub static UPDATE_RULES: RuleTable = RuleTable::new(&[&[
    FieldRule::required("RegionId", &[]),
    FieldRule::required("DataCacheId", &[Check::Len(1, 64)]),
    FieldRule::optional("Size", &[Check::Range(20, 65536)]),
    FieldRule::optional("RetentionDays", &[Check::Range(1, 65535)]),
    FieldRule::optional("Tag", &[Check::MaxItems(20)]),
    FieldRule::optional("DataSource.Type", &[Check::OneOf(&["URL", "NAS", "OSS", "SNAPSHOT"])]),
]]);
