//! A stored virtual node: its table record and how it moves on.

use crate::lifecycle::stages::Stages;
use crate::network::Placement;
use crate::ops::eci::container_group::dto::TagSpec;
use crate::ops::eci::events::Note;
use crate::store::family::{Family, Progress};
use crate::store::{IndexKey, Record};
use std::net::Ipv4Addr;
use time::OffsetDateTime;

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct VirtualNode {
    pub id: String,
    pub name: String,
    pub placement: Placement,
    pub eip: Option<(String, Ipv4Addr)>,
    pub resource_group_id: Option<String>,
    pub custom_resources: Option<String>,
    pub cluster_domain: Option<String>,
    pub cluster_dns: Option<String>,
    pub tags: Vec<TagSpec>,
    pub created_at: OffsetDateTime,
    pub stages: Stages,
    pub events: Vec<Note>,
}

impl Family for VirtualNode {
    const NAME: &'static str = "virtual-node";
}

impl Record for VirtualNode {
    fn id(&self) -> &str {
        &self.id
    }

    fn index_keys(&self) -> Vec<IndexKey> {
        vec![IndexKey::new("VirtualNodeName", self.name.as_str())]
    }
}

impl Progress for VirtualNode {
    fn due(&self) -> Option<OffsetDateTime> {
        self.stages.due
    }

    fn advance(&mut self, now: OffsetDateTime) {
        let before = self.stages.status();
        self.stages.advance_to(now);
        if before != "Ready" && self.stages.status() == "Ready" {
            let message = format!("Node {} status is now: NodeReady", self.name);
            self.events.push(Note::new("NodeReady", message, self.stages.since));
        }
    }
}
