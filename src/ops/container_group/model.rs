//! The stored container group: the request as sent plus what the service decided for it.

use super::dto::CreateContainerGroupRequest;
use crate::lifecycle::GroupStatus;
use crate::network::Placement;
use crate::store::{IndexKey, Record};
use time::OffsetDateTime;

/// A Kubernetes-style event recorded on a group.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupEvent {
    pub kind: &'static str,
    pub reason: &'static str,
    pub message: String,
    pub object_name: String,
    pub count: u32,
    pub first: OffsetDateTime,
    pub last: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub struct ContainerGroup {
    pub id: String,
    /// The Kubernetes-style uid `DescribeContainerGroupStatus` shows.
    pub uid: String,
    pub eni_id: String,
    pub spec: CreateContainerGroupRequest,
    pub placement: Placement,
    /// The EIP bound to the group and its address.
    pub eip: Option<(String, std::net::Ipv4Addr)>,
    pub cpu: f64,
    pub memory: f64,
    pub status: GroupStatus,
    pub created_at: OffsetDateTime,
    pub status_changed_at: OffsetDateTime,
    pub events: Vec<GroupEvent>,
}

impl ContainerGroup {
    /// The first compute category asked for; `general` when none was.
    pub fn compute_category(&self) -> &str {
        self.spec
            .compute_categories
            .first()
            .map(String::as_str)
            .unwrap_or("general")
    }
}

/// Index fields, named after the filter parameters that read them.
pub mod index {
    pub const NAME: &str = "ContainerGroupName";
    pub const STATUS: &str = "Status";
    pub const VSWITCH: &str = "VSwitchId";
    pub const ZONE: &str = "ZoneId";
    pub const SECURITY_GROUP: &str = "SecurityGroupId";
    pub const RESOURCE_GROUP: &str = "ResourceGroupId";
    pub const COMPUTE_CATEGORY: &str = "ComputeCategory";
    pub const TAG_KEY: &str = "TagKey";
    pub const TAG: &str = "Tag";

    /// One index value for a key and value pair; NUL cannot occur in either.
    pub fn tag_value(key: &str, value: &str) -> String {
        format!("{key}\0{value}")
    }
}

impl Record for ContainerGroup {
    fn id(&self) -> &str {
        &self.id
    }

    fn index_keys(&self) -> Vec<IndexKey> {
        let mut keys = vec![
            IndexKey::new(index::NAME, self.spec.container_group_name.as_str()),
            IndexKey::new(index::STATUS, self.status.as_str()),
            IndexKey::new(index::VSWITCH, self.placement.vswitch_id.as_str()),
            IndexKey::new(index::ZONE, self.placement.zone_id.as_str()),
            IndexKey::new(index::SECURITY_GROUP, self.placement.security_group_id.as_str()),
            IndexKey::new(index::COMPUTE_CATEGORY, self.compute_category()),
        ];
        if let Some(rg) = &self.spec.resource_group_id {
            keys.push(IndexKey::new(index::RESOURCE_GROUP, rg.as_str()));
        }
        for tag in &self.spec.tags {
            let value = tag.value.as_deref().unwrap_or("");
            keys.push(IndexKey::new(index::TAG_KEY, tag.key.as_str()));
            keys.push(IndexKey::new(index::TAG, index::tag_value(&tag.key, value)));
        }
        keys.sort();
        keys.dedup();
        keys
    }
}
