//! The records of the work done on a running group: commit tasks, which move on by themselves, and
//! O&M records, which are only kept; each family's newest `TASKS_KEPT` per partition.

use crate::lifecycle::stages::Stages;
use crate::store::family::{Family, Progress};
use crate::store::{IndexKey, Record};
use time::OffsetDateTime;

/// Commit tasks and O&M records kept per partition; older ones are pruned as new ones come (the
/// documentation is silent on how long the service keeps them).
pub const TASKS_KEPT: usize = 1000;

/// A commit of one container to an image.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct CommitTask {
    pub id: String,
    pub group_id: String,
    pub container: String,
    pub image: String,
    pub created_at: OffsetDateTime,
    pub stages: Stages,
}

impl Family for CommitTask {
    const NAME: &'static str = "commit-task";
}

impl Record for CommitTask {
    fn id(&self) -> &str {
        &self.id
    }

    fn index_keys(&self) -> Vec<IndexKey> {
        vec![IndexKey::new(GROUP, self.group_id.as_str())]
    }
}

impl Progress for CommitTask {
    fn due(&self) -> Option<OffsetDateTime> {
        self.stages.due
    }

    fn advance(&mut self, now: OffsetDateTime) {
        self.stages.advance_to(now);
    }
}

/// The index of tasks and records by the group they are for.
pub const GROUP: &str = "ContainerGroupId";

/// One O&M task's outcome.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct OpsRecord {
    pub id: String,
    pub group_id: String,
    pub ops_type: String,
    pub value: String,
    pub created_at: OffsetDateTime,
}

impl Family for OpsRecord {
    const NAME: &'static str = "ops-record";
}

impl Record for OpsRecord {
    fn id(&self) -> &str {
        &self.id
    }

    fn index_keys(&self) -> Vec<IndexKey> {
        vec![IndexKey::new(GROUP, self.group_id.as_str())]
    }
}
