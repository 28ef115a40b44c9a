//! A stored data cache: its table record, its index by bucket and path, and how it moves on.

use super::dto::*;
use crate::lifecycle::stages::Stages;
use crate::ops::eci::container_group::dto::TagSpec;
use crate::ops::eci::events::Note;
use crate::store::family::{Family, Progress};
use crate::store::{IndexKey, Record};
use time::OffsetDateTime;

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct DataCache {
    pub id: String,
    pub name: String,
    pub bucket: String,
    pub path: String,
    pub size: i64,
    pub data_source: DataSource,
    pub retention_days: Option<i64>,
    pub resource_group_id: Option<String>,
    pub tags: Vec<TagSpec>,
    pub snapshot_id: String,
    pub builder_group_id: String,
    pub created_at: OffsetDateTime,
    pub stages: Stages,
    pub events: Vec<Note>,
}

impl Family for DataCache {
    const NAME: &'static str = "data-cache";
}

impl Record for DataCache {
    fn id(&self) -> &str {
        &self.id
    }

    /// A bucket's path holds one cache: the index finds it.
    fn index_keys(&self) -> Vec<IndexKey> {
        vec![location(&self.bucket, &self.path)]
    }
}

impl Progress for DataCache {
    fn due(&self) -> Option<OffsetDateTime> {
        self.stages.due
    }

    fn advance(&mut self, now: OffsetDateTime) {
        let before = self.stages.status();
        self.stages.advance_to(now);
        if before != "Available" && self.stages.status() == "Available" {
            let at = self.stages.since;
            self.events.push(Note::new(
                "Available",
                format!("Data cache {} is available", self.id),
                at,
            ));
        }
    }
}

pub(super) fn location(bucket: &str, path: &str) -> IndexKey {
    IndexKey::new("BucketPath", format!("{bucket}\u{0}{path}"))
}
