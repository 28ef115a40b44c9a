//! The operation table and the state operations work on. Handlers are plain functions of typed
//! input to a JSON body; they never see HTTP.

pub mod container_group;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::network::{RegionInfo, RegionNetwork};
use crate::protocol::{parse_input, Node};
use crate::store::{PartitionKey, Registry, Table};
use crate::util::{Clock, IdGenerator};
use crate::validate;
use container_group::handlers;
use container_group::model::ContainerGroup;
use parking_lot::RwLock;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

/// One account's resources in one region.
#[derive(Debug)]
pub struct RegionState {
    pub groups: Table<ContainerGroup>,
    pub network: RegionNetwork,
    /// `ClientToken` of a create → the group it made and a fingerprint of its parameters.
    pub create_tokens: HashMap<String, (String, u64)>,
    /// `ClientToken` of a delete → the group it deleted.
    pub delete_tokens: HashMap<String, String>,
}

impl RegionState {
    fn new(region: &RegionInfo, ids: &IdGenerator) -> Self {
        RegionState {
            groups: Table::default(),
            network: RegionNetwork::default_for(region, ids),
            create_tokens: HashMap::new(),
            delete_tokens: HashMap::new(),
        }
    }
}

/// Everything the ECI operations share.
pub struct EciState {
    pub registry: Registry<RegionState>,
    pub ids: IdGenerator,
    pub clock: Arc<dyn Clock>,
}

impl EciState {
    pub fn new(clock: Arc<dyn Clock>, seed: Option<u64>) -> Self {
        EciState {
            registry: Registry::default(),
            ids: IdGenerator::new(seed),
            clock,
        }
    }

    pub fn reset(&self) {
        self.registry.clear();
    }
}

/// One call's view of the world: the shared state and who is calling.
pub struct Ctx<'a> {
    pub eci: &'a EciState,
    pub caller: &'a Caller,
}

impl Ctx<'_> {
    fn key(&self, region: &RegionInfo) -> PartitionKey {
        PartitionKey {
            account: self.caller.account.clone(),
            region: region.region_id.clone(),
        }
    }

    /// The caller's state in `region`, created with its default network on first use.
    pub fn partition(&self, region: &RegionInfo) -> Arc<RwLock<RegionState>> {
        self.eci
            .registry
            .partition(&self.key(region), || RegionState::new(region, &self.eci.ids))
    }

    /// The caller's state in `region` if it has any; reads never create it.
    pub fn existing_partition(&self, region: &RegionInfo) -> Option<Arc<RwLock<RegionState>>> {
        self.eci.registry.existing(&self.key(region))
    }
}

/// One row of the operation table.
pub struct Operation {
    pub action: &'static str,
    pub run: fn(&Ctx<'_>, &Node) -> Result<Value, ApiError>,
}

/// Every operation this build serves. Adding one is a row here plus its handler.
pub static OPERATIONS: &[Operation] = &[
    Operation {
        action: "CreateContainerGroup",
        run: |ctx, params| {
            let input = parse_input(params)?;
            validate::check_fields(params, container_group::rules::CREATE_FIELD_RULES)?;
            handlers::create(ctx, input)
        },
    },
    Operation {
        action: "DescribeContainerGroups",
        run: |ctx, params| handlers::describe(ctx, parse_input(params)?, parse_input(params)?),
    },
    Operation {
        action: "DescribeContainerGroupStatus",
        run: |ctx, params| handlers::describe_status(ctx, parse_input(params)?, parse_input(params)?),
    },
    Operation {
        action: "DeleteContainerGroup",
        run: |ctx, params| handlers::delete(ctx, parse_input(params)?),
    },
];

/// The row for `action`, if this build serves it.
pub fn lookup(action: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().find(|op| op.action == action)
}

/// A JSON dump of all state, for `GET /_emulator/state`.
pub fn dump(eci: &EciState) -> Value {
    let partitions: Vec<Value> = eci
        .registry
        .snapshot()
        .into_iter()
        .map(|(key, state)| {
            let state = state.read();
            serde_json::json!({
                "account": key.account,
                "regionId": key.region,
                "containerGroups": state.groups.iter().map(|g| container_group::view::describe_item(g, true)).collect::<Vec<_>>(),
                "network": state.network,
            })
        })
        .collect();
    serde_json::json!({ "partitions": partitions })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_rows_are_unique_and_found() {
        let mut seen = std::collections::HashSet::new();
        for op in OPERATIONS {
            assert!(seen.insert(op.action), "{} twice", op.action);
            assert!(lookup(op.action).is_some());
        }
        assert!(lookup("createcontainergroup").is_none());
    }
}
