//! Events of every resource family: what a family records (`Note`) and the one shape a response
//! shows them in (`EventView`, Kubernetes-style), so groups, caches and nodes render alike.

use crate::util::format_rfc3339_seconds;
use serde::{Serialize, Serializer};
use time::OffsetDateTime;

/// A moment as responses write it: RFC 3339 to the second, in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timestamp(pub OffsetDateTime);

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_rfc3339_seconds(self.0))
    }
}

/// One event as a response shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EventView {
    #[serde(rename = "Type")]
    pub kind: &'static str,
    pub reason: &'static str,
    pub message: String,
    #[serde(rename = "Name")]
    pub object_name: String,
    pub count: u32,
    #[serde(rename = "FirstTimestamp")]
    pub first: Timestamp,
    #[serde(rename = "LastTimestamp")]
    pub last: Timestamp,
}

impl EventView {
    /// A `Normal` or `Warning` event that happened once, at `at`, to `object_name`.
    pub fn once(
        kind: &'static str,
        reason: &'static str,
        message: String,
        object_name: &str,
        at: OffsetDateTime,
    ) -> Self {
        EventView {
            kind,
            reason,
            message,
            object_name: object_name.to_owned(),
            count: 1,
            first: Timestamp(at),
            last: Timestamp(at),
        }
    }
}

/// An event a cache or node records: what happened and when (all of them `Normal`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Note {
    #[serde(with = "crate::util::intern::static_str")]
    pub reason: crate::util::intern::Word,
    pub message: String,
    pub at: OffsetDateTime,
}

impl Note {
    pub fn new(reason: &'static str, message: String, at: OffsetDateTime) -> Self {
        Note { reason, message, at }
    }

    pub fn view(&self, object_name: &str) -> EventView {
        EventView::once("Normal", self.reason, self.message.clone(), object_name, self.at)
    }
}

/// The notes of `object_name`, oldest first, as a response shows them.
pub fn views(object_name: &str, notes: &[Note]) -> Vec<EventView> {
    notes.iter().map(|note| note.view(object_name)).collect()
}
