//! Image caches' stages and the rules their requests are held to.

use crate::ops::eci::container_group::rules::GROUP_NAME;
use crate::validate::{Check, FieldRule, RuleTable};

/// The statuses a new cache passes, and an updated one.
pub const CREATE_STAGES: &[&str] = &["Preparing", "Creating", "Ready"];
pub(super) const UPDATE_STAGES: &[&str] = &["Updating", "Ready"];
/// A stage of a cache lasts this long under the `time` policy: making a snapshot is slower than
/// starting a group.
pub(super) const STAGE_MS: u32 = 500;
pub(super) const MAX_IMAGES: usize = 20;

pub static CREATE_RULES: RuleTable = RuleTable::new(&[&[
    FieldRule::required("RegionId", &[]),
    FieldRule::required("ImageCacheName", &[Check::Pattern(GROUP_NAME)]),
    FieldRule::required("Image", &[Check::MaxItems(MAX_IMAGES)]),
    FieldRule::optional("ImageCacheSize", &[Check::Range(20, 2048)]),
    FieldRule::optional("RetentionDays", &[Check::Range(1, 65535)]),
    FieldRule::optional("Tag", &[Check::MaxItems(20)]),
    FieldRule::optional("ClientToken", &[Check::Ascii, Check::Len(1, 64)]),
    FieldRule::optional("EliminationStrategy", &[Check::OneOf(&["LRU"])]),
]]);

pub static UPDATE_RULES: RuleTable = RuleTable::new(&[&[
    FieldRule::required("RegionId", &[]),
    FieldRule::required("ImageCacheId", &[Check::Len(1, 64)]),
    FieldRule::optional("ImageCacheName", &[Check::Pattern(GROUP_NAME)]),
    FieldRule::optional("Image", &[Check::MaxItems(MAX_IMAGES)]),
    FieldRule::optional("ImageCacheSize", &[Check::Range(20, 2048)]),
    FieldRule::optional("RetentionDays", &[Check::Range(1, 65535)]),
    FieldRule::optional("Tag", &[Check::MaxItems(20)]),
    FieldRule::optional("EliminationStrategy", &[Check::OneOf(&["LRU"])]),
]]);
