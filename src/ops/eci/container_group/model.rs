//! The stored container group: the request as sent plus what the service decided for it.

use super::dto::CreateContainerGroupRequest;
use crate::capacity::{spec_key, Slot};
use crate::lifecycle::machine::{self, Event, EventReason, Life};
use crate::lifecycle::GroupStatus;
use crate::network::Placement;
use crate::ops::eci::events::EventView;
use crate::store::family::Family;
use crate::store::{IndexKey, Record};
use time::OffsetDateTime;

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ContainerGroup {
    pub id: String,
    pub spec: CreateContainerGroupRequest,
    pub placement: Placement,
    /// The EIP bound to the group and its address.
    pub eip: Option<(String, std::net::Ipv4Addr)>,
    /// With `Ipv6AddressCount`: its IPv6 address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv6: Option<std::net::Ipv6Addr>,
    pub cpu: f64,
    pub memory: f64,
    pub created_at: OffsetDateTime,
    /// Status, containers' runs and events, and when the group moves next.
    pub life: Life,
    /// Log text and exec replies set through the side API; none for most groups.
    pub scripts: Option<Box<Scripts>>,
}

/// What the side API scripted for a group's containers, by container name.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Scripts {
    pub logs: std::collections::HashMap<String, String>,
    pub exec_replies: std::collections::HashMap<String, String>,
}

/// What a group gives back, as it ends or as it is removed: its room in its zone, and its address
/// and EIP (its placement and EIP id); none of either when it holds none.
#[derive(Debug, Clone)]
pub struct Holdings {
    pub region_id: String,
    pub slot: Option<Slot>,
    pub network: Option<(Placement, Option<String>)>,
}

impl ContainerGroup {
    pub fn status(&self) -> GroupStatus {
        self.life.status
    }

    /// Where the group's room is counted: its region, its zone and its size.
    pub fn capacity_slot(&self) -> Slot {
        let size = spec_key(self.spec.instance_type.as_deref(), self.cpu, self.memory);
        Slot::new(&self.spec.region_id, &self.placement.zone_id, &size)
    }

    /// What it gives back as it ends: its room and, when it expired, its address and EIP.
    pub fn given_back_at_end(&self) -> Holdings {
        Holdings {
            region_id: self.spec.region_id.clone(),
            slot: Some(self.capacity_slot()),
            network: self
                .gave_back_network()
                .then(|| (self.placement.clone(), self.eip.as_ref().map(|(id, _)| id.clone()))),
        }
    }

    /// What it still holds as it is removed: its room unless it ended (and only while room is
    /// `counted`), its address and EIP unless they went back when it expired.
    pub fn into_holdings(self, counted: bool) -> Holdings {
        let slot = (counted && self.holds_capacity()).then(|| self.capacity_slot());
        let network = (!self.gave_back_network()).then(|| (self.placement, self.eip.map(|(id, _)| id)));
        Holdings {
            region_id: self.spec.region_id,
            slot,
            network,
        }
    }

    /// Whether it holds room in its zone: until it ends.
    pub fn holds_capacity(&self) -> bool {
        !machine::is_final(self.life.status)
    }

    /// Whether its address and EIP went back when it ended: an expired group's (a spot instance the
    /// market or its zone let go) did, as the instance went; other ended groups keep theirs until
    /// they are removed.
    pub fn gave_back_network(&self) -> bool {
        self.life.status == GroupStatus::Expired
    }

    /// The Kubernetes-style uid `DescribeContainerGroupStatus` shows, derived from the id so a
    /// stored group does not carry it.
    pub fn uid(&self) -> String {
        use std::hash::{Hash, Hasher};
        let half = |salt: u8| {
            let mut hasher = std::hash::DefaultHasher::new();
            (salt, &self.id).hash(&mut hasher);
            hasher.finish().to_le_bytes()
        };
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&half(1));
        bytes[8..].copy_from_slice(&half(2));
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .hyphenated()
            .to_string()
    }

    /// The elastic network interface: `eni-` with the group id's suffix.
    pub fn eni_id(&self) -> String {
        format!("eni-{}", self.id.strip_prefix("eci-").unwrap_or(&self.id))
    }

    /// The recorded events as the service shows them, oldest first.
    pub fn events(&self) -> Vec<EventView> {
        self.life.events.iter().map(|event| self.event(event)).collect()
    }

    /// One recorded event as the service shows it.
    pub fn event(&self, event: &Event) -> EventView {
        let container = event.container.and_then(|i| {
            let index = usize::from(i);
            let init = &self.spec.init_containers;
            init.get(index)
                .or_else(|| self.spec.containers.get(index.checked_sub(init.len())?))
        });
        let message = event_message(&self.id, event, container);
        EventView::once(event.reason.kind(), event.reason.as_str(), message, &self.id, event.at)
    }

    /// The first compute category asked for; `general` when none was.
    pub fn compute_category(&self) -> &str {
        self.spec
            .compute_categories
            .first()
            .map(String::as_str)
            .unwrap_or("general")
    }
}

fn event_message(group_id: &str, event: &Event, container: Option<&super::dto::ContainerSpec>) -> String {
    let name = container.map(|c| c.name.as_str()).unwrap_or_default();
    let image = container.map(|c| c.image.as_str()).unwrap_or_default();
    match event.reason {
        EventReason::Scheduled => format!("Successfully assigned {group_id} to the instance"),
        EventReason::FailedScheduling => "0/1 nodes are available: insufficient resources in the zone.".into(),
        EventReason::Pulling => format!("pulling image \"{image}\""),
        EventReason::Pulled => format!("Successfully pulled image \"{image}\""),
        EventReason::Created => format!("Created container {name}"),
        EventReason::Started => format!("Started container {name}"),
        EventReason::Killing => format!("Stopping container {name}"),
        EventReason::BackOff => format!("Back-off restarting container {name} (exit code {})", event.exit_code),
        EventReason::Completed => format!("Container {name} completed"),
        EventReason::Failed => format!("Container {name} exited with code {}", event.exit_code),
        EventReason::DeadlineExceeded => "Pod was active on the node longer than the specified deadline".into(),
        EventReason::SpotReclaimed => format!(
            "Spot ECI will be released in {} minutes",
            machine::SPOT_NOTICE.whole_minutes()
        ),
        EventReason::Updated => format!("Updating container group {group_id}"),
        EventReason::PreStopHook => format!("Executing preStop hook of container {name}"),
        EventReason::ImageCacheHit => {
            "Successfully hit image cache, eci will be scheduled with this image cache.".into()
        }
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

impl Family for ContainerGroup {
    const NAME: &'static str = "group";
}

impl Record for ContainerGroup {
    fn id(&self) -> &str {
        &self.id
    }

    fn index_keys(&self) -> Vec<IndexKey> {
        let mut keys = vec![
            IndexKey::new(index::NAME, self.spec.container_group_name.as_str()),
            IndexKey::new(index::STATUS, self.status().as_str()),
            IndexKey::new(index::VSWITCH, self.placement.vswitch_id.as_str()),
            IndexKey::new(index::ZONE, self.placement.zone_id.as_str()),
            IndexKey::new(index::SECURITY_GROUP, self.placement.security_group_id.as_str()),
            IndexKey::new(index::COMPUTE_CATEGORY, self.compute_category()),
        ];
        if let Some(rg) = &self.spec.resource_group_id {
            keys.push(IndexKey::new(index::RESOURCE_GROUP, &**rg));
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

    fn progress_keys(&self) -> Vec<IndexKey> {
        vec![IndexKey::new(index::STATUS, self.status().as_str())]
    }
}
