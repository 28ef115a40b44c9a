//! A stored image cache: its table record and how it moves on.

use crate::lifecycle::stages::Stages;
use crate::ops::eci::container_group::dto::TagSpec;
use crate::ops::eci::events::Note;
use crate::store::family::{Family, Progress};
use crate::store::{IndexKey, Record};
use time::OffsetDateTime;

/// A stored image cache.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ImageCache {
    pub id: String,
    pub name: String,
    pub images: Vec<String>,
    pub snapshot_id: String,
    /// The group the service starts to pull the images; here only its id.
    pub builder_group_id: String,
    pub size: i64,
    pub retention_days: Option<i64>,
    pub resource_group_id: Option<String>,
    pub elimination_strategy: Option<String>,
    pub tags: Vec<TagSpec>,
    pub created_at: OffsetDateTime,
    pub last_matched_at: Option<OffsetDateTime>,
    pub stages: Stages,
    /// (reason, message, when), oldest first.
    pub events: Vec<Note>,
}

impl Family for ImageCache {
    const NAME: &'static str = "image-cache";
}

impl Record for ImageCache {
    fn id(&self) -> &str {
        &self.id
    }

    fn index_keys(&self) -> Vec<IndexKey> {
        vec![IndexKey::new(NAME, self.name.as_str())]
    }
}

impl Progress for ImageCache {
    fn due(&self) -> Option<OffsetDateTime> {
        self.stages.due
    }

    fn advance(&mut self, now: OffsetDateTime) {
        let before = self.stages.status();
        self.stages.advance_to(now);
        if before != "Ready" && self.is_ready() {
            let at = self.stages.since;
            self.events
                .push(Note::new("Ready", format!("Image cache {} is ready", self.id), at));
        }
    }
}

/// The index of caches by name.
pub(super) const NAME: &str = "ImageCacheName";

impl ImageCache {
    pub fn is_ready(&self) -> bool {
        self.stages.status() == "Ready"
    }

    /// Whether the cache holds every one of `images`.
    pub fn covers<'a>(&self, mut images: impl Iterator<Item = &'a str>) -> bool {
        images.all(|wanted| self.images.iter().any(|held| held == wanted))
    }
}
