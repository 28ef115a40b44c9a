//! The operation table and the state operations work on. Handlers are plain functions of typed
//! input to a JSON body; they never see HTTP.

pub mod catalog;
pub mod container_group;
pub mod data_cache;
pub mod dump;
pub mod events;
pub mod image_cache;
pub mod listing;
pub mod partition;
pub mod rendered;
pub mod service;
pub mod tags;
pub mod virtual_node;

use crate::accounts::Accounts;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::faults::{CallFaults, Faults};
use crate::fixtures::{self, FixtureDocument};
use crate::lifecycle::machine::{self, Delays, Policy, PolicyKind};
use crate::lifecycle::GroupStatus;
use crate::network::{Networks, RegionInfo, RegionNetwork};
use crate::protocol::{parse_input, JsonBody, Node};
use crate::store::{PartitionKey, Registry};
use crate::util::{Clock, IdGenerator};
use crate::validate;
use container_group::model::ContainerGroup;
use container_group::{console, handlers, metrics, progress, tasks};
use parking_lot::RwLock;
pub use partition::RegionState;
use std::sync::Arc;

/// How the ECI state is set up.
pub struct EciOptions {
    pub seed: Option<u64>,
    /// Refuse unknown vSwitch and security-group ids instead of registering them.
    pub strict_network: bool,
    /// Documents applied at start and again after every reset.
    pub fixtures: Vec<FixtureDocument>,
    /// How groups move unless their tags say otherwise.
    pub lifecycle: Policy,
}

/// The default progression: the `time` policy with sub-second stages.
pub fn default_policy() -> Policy {
    Policy {
        kind: PolicyKind::Time,
        delays: Delays::default(),
        describes_per_step: 0,
    }
}

/// Everything the ECI operations share.
pub struct EciState {
    pub registry: Registry<RegionState>,
    pub networks: Networks,
    pub accounts: Accounts,
    pub ids: IdGenerator,
    pub clock: Arc<dyn Clock>,
    pub strict_network: bool,
    pub lifecycle: Policy,
    pub exec_sessions: console::ExecSessions,
    pub rendered: rendered::RenderedItems,
    start_fixtures: Vec<FixtureDocument>,
}

impl EciState {
    pub fn new(clock: Arc<dyn Clock>, options: EciOptions) -> Result<Self, String> {
        let state = EciState {
            registry: Registry::default(),
            networks: Networks::default(),
            accounts: Accounts::default(),
            ids: IdGenerator::new(options.seed),
            clock,
            strict_network: options.strict_network,
            lifecycle: options.lifecycle,
            exec_sessions: console::ExecSessions::default(),
            rendered: rendered::RenderedItems::default(),
            start_fixtures: options.fixtures,
        };
        state.apply_start_fixtures()?;
        Ok(state)
    }

    fn apply_start_fixtures(&self) -> Result<(), String> {
        self.start_fixtures.iter().try_for_each(|doc| self.apply_fixtures(doc))
    }

    /// Merges a fixture document into the running state, whole or not at all.
    pub fn apply_fixtures(&self, doc: &FixtureDocument) -> Result<(), String> {
        fixtures::apply(doc, &self.networks, &self.accounts, &self.ids)
    }

    /// Drops every resource, then applies the start fixtures again.
    pub fn reset(&self) {
        self.registry.clear();
        self.networks.clear();
        self.accounts.clear();
        self.exec_sessions.clear();
        self.rendered.clear();
        if let Err(e) = self.apply_start_fixtures() {
            tracing::error!("start fixtures no longer apply after reset: {e}");
        }
    }

    /// Moves every group of `region`, in every account, that is due to move, and gives back what the
    /// groups now gone held (addresses, EIPs, their fault rules). Called before anything that takes a
    /// shared resource, so nothing waits on a group that is gone by the clock but that nobody has read.
    pub fn settle_region(&self, region_id: &str, faults: &Faults) {
        let now = self.clock.now();
        for partition in self.registry.in_region(region_id) {
            if !partition.read().has_due(now) {
                continue;
            }
            let gone = partition.write().advance_due(now);
            release(self, faults, gone);
        }
    }

    /// The network of `region`.
    pub fn network(&self, region: &'static RegionInfo) -> Arc<parking_lot::Mutex<RegionNetwork>> {
        self.networks.region(region, &self.ids)
    }
}

/// One call's view of the world: the shared state, who is calling and the faults in force.
pub struct Ctx<'a> {
    pub eci: &'a EciState,
    pub caller: &'a Caller,
    pub faults: &'a CallFaults<'a>,
    /// The `Host` the caller reached the emulator by, for the URLs it hands out.
    pub host: &'a str,
}

impl Ctx<'_> {
    fn key(&self, region: &RegionInfo) -> PartitionKey {
        PartitionKey {
            account: self.caller.account.clone(),
            region: region.region_id.clone(),
        }
    }

    /// The caller's state in `region`, created on first use, with everything due in it applied.
    pub fn partition(&self, region: &RegionInfo) -> Arc<RwLock<RegionState>> {
        let partition = self.eci.registry.partition(&self.key(region), RegionState::default);
        self.apply_due(&partition);
        partition
    }

    /// The caller's state in `region` if it has any (reads never create it), with everything due
    /// in it applied.
    pub fn existing_partition(&self, region: &RegionInfo) -> Option<Arc<RwLock<RegionState>>> {
        let partition = self.eci.registry.existing(&self.key(region))?;
        self.apply_due(&partition);
        Some(partition)
    }

    fn apply_due(&self, partition: &RwLock<RegionState>) {
        let now = self.eci.clock.now();
        if partition.read().has_due(now) {
            let gone = partition.write().advance_due(now);
            self.release(gone);
        }
    }

    /// Gives back what removed groups held: addresses, EIPs and their fault rules.
    pub fn release(&self, groups: Vec<ContainerGroup>) {
        release(self.eci, self.faults.engine(), groups);
    }
}

/// Gives back what removed groups held: addresses, EIPs and their fault rules. The one place where
/// "gone" becomes "released".
pub fn release(eci: &EciState, faults: &Faults, groups: Vec<ContainerGroup>) {
    for group in &groups {
        faults.remove_group_rules(&group.id);
    }
    release_network(eci, groups);
}

/// One row of the operation table.
pub struct Operation {
    pub action: &'static str,
    pub run: fn(&Ctx<'_>, &Node) -> Result<JsonBody, ApiError>,
}

/// Every operation this build serves. Adding one is a row here plus its handler.
pub static OPERATIONS: &[Operation] = &[
    Operation {
        action: "CreateContainerGroup",
        run: |ctx, params| {
            let input = parse_input(params)?;
            validate::check_fields(params, &container_group::rules::CREATE_FIELD_RULES)?;
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
    Operation {
        action: "DescribeContainerGroupEvents",
        run: |ctx, params| progress::events(ctx, parse_input(params)?, parse_input(params)?),
    },
    Operation {
        action: "RestartContainerGroup",
        run: |ctx, params| progress::restart(ctx, parse_input(params)?),
    },
    Operation {
        action: "UpdateContainerGroup",
        run: |ctx, params| {
            let input = parse_input(params)?;
            validate::check_fields(params, &container_group::rules::UPDATE_FIELD_RULES)?;
            progress::update(ctx, input)
        },
    },
    Operation {
        action: "DescribeContainerLog",
        run: |ctx, params| console::log(ctx, parse_input(params)?),
    },
    Operation {
        action: "ExecContainerCommand",
        run: |ctx, params| console::exec(ctx, parse_input(params)?),
    },
    Operation {
        action: "DescribeRegions",
        run: |_, params| service::regions(parse_input(params)?),
    },
    Operation {
        action: "TagResources",
        run: |ctx, params| tags::tag(ctx, parse_input(params)?),
    },
    Operation {
        action: "UntagResources",
        run: |ctx, params| tags::untag(ctx, parse_input(params)?),
    },
    Operation {
        action: "ListTagResources",
        run: |ctx, params| tags::list(ctx, parse_input(params)?),
    },
    Operation {
        action: "CreateImageCache",
        run: |ctx, params| {
            let input = parse_input(params)?;
            validate::check_fields(params, &image_cache::CREATE_RULES)?;
            image_cache::create(ctx, input)
        },
    },
    Operation {
        action: "UpdateImageCache",
        run: |ctx, params| {
            let input = parse_input(params)?;
            validate::check_fields(params, &image_cache::UPDATE_RULES)?;
            image_cache::update(ctx, input)
        },
    },
    Operation {
        action: "DeleteImageCache",
        run: |ctx, params| image_cache::delete(ctx, parse_input(params)?),
    },
    Operation {
        action: "DescribeImageCaches",
        run: |ctx, params| image_cache::describe(ctx, parse_input(params)?),
    },
    Operation {
        action: "CreateDataCache",
        run: |ctx, params| {
            let input = parse_input(params)?;
            validate::check_fields(params, &data_cache::CREATE_RULES)?;
            data_cache::create(ctx, input)
        },
    },
    Operation {
        action: "UpdateDataCache",
        run: |ctx, params| {
            let input = parse_input(params)?;
            validate::check_fields(params, &data_cache::UPDATE_RULES)?;
            data_cache::update(ctx, input)
        },
    },
    Operation {
        action: "CopyDataCache",
        run: |ctx, params| data_cache::copy(ctx, parse_input(params)?),
    },
    Operation {
        action: "DeleteDataCache",
        run: |ctx, params| data_cache::delete(ctx, parse_input(params)?),
    },
    Operation {
        action: "DescribeDataCaches",
        run: |ctx, params| data_cache::describe(ctx, parse_input(params)?),
    },
    Operation {
        action: "CreateVirtualNode",
        run: |ctx, params| {
            let input = parse_input(params)?;
            validate::check_fields(params, &virtual_node::CREATE_RULES)?;
            virtual_node::create(ctx, input)
        },
    },
    Operation {
        action: "UpdateVirtualNode",
        run: |ctx, params| {
            let input = parse_input(params)?;
            validate::check_fields(params, &virtual_node::UPDATE_RULES)?;
            virtual_node::update(ctx, input)
        },
    },
    Operation {
        action: "DeleteVirtualNode",
        run: |ctx, params| virtual_node::delete(ctx, parse_input(params)?),
    },
    Operation {
        action: "DescribeVirtualNodes",
        run: |ctx, params| virtual_node::describe(ctx, parse_input(params)?),
    },
    Operation {
        action: "DescribeContainerGroupPrice",
        run: |_, params| catalog::price(parse_input(params)?),
    },
    Operation {
        action: "DescribeAvailableResource",
        run: |_, params| catalog::available_resource(parse_input(params)?),
    },
    Operation {
        action: "DescribeContainerGroupMetric",
        run: |ctx, params| metrics::metric(ctx, parse_input(params)?),
    },
    Operation {
        action: "DescribeMultiContainerGroupMetric",
        run: |ctx, params| metrics::multi_metric(ctx, parse_input(params)?),
    },
    Operation {
        action: "CommitContainer",
        run: |ctx, params| tasks::commit(ctx, parse_input(params)?),
    },
    Operation {
        action: "DescribeCommitContainerTask",
        run: |ctx, params| tasks::describe_commits(ctx, parse_input(params)?),
    },
    Operation {
        action: "CreateInstanceOpsTask",
        run: |ctx, params| tasks::create_ops_task(ctx, parse_input(params)?),
    },
    Operation {
        action: "DescribeInstanceOpsRecords",
        run: |ctx, params| tasks::describe_ops_records(ctx, parse_input(params)?),
    },
    Operation {
        action: "ResizeContainerGroupVolume",
        run: |ctx, params| tasks::resize_volume(ctx, parse_input(params)?),
    },
    Operation {
        action: "ListUsage",
        run: |ctx, params| handlers::list_usage(ctx, parse_input(params)?),
    },
];

/// The row for `action`, if this build serves it.
pub fn lookup(action: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().find(|op| op.action == action)
}

/// Frees the addresses and EIPs of removed groups.
fn release_network(eci: &EciState, groups: Vec<ContainerGroup>) {
    for group in groups {
        let Ok(region) = crate::network::region(&group.spec.region_id) else {
            continue;
        };
        let eip = group.eip.as_ref().map(|(id, _)| id.as_str());
        eci.network(region).lock().detach(&group.placement, eip);
    }
}

/// What the side API can do to a group's lifecycle.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "action",
    deny_unknown_fields
)]
pub enum Drive {
    /// One stage forward, whatever the policy. (Variants without fields are written `{}` so that
    /// `deny_unknown_fields` holds for them too: serde lets a unit variant ignore any field.)
    Advance {},
    /// Straight to a status.
    SetStatus { status: String },
    /// A container ends with an exit code; the restart policy decides what follows.
    Terminate { container: String, exit_code: i32 },
    /// The spot instance is reclaimed: `Expired`.
    Reclaim {},
    /// What `DescribeContainerLog` shows for a container.
    SetLog { container: String, text: String },
    /// What `ExecContainerCommand` with `Sync` answers for a container.
    SetExecReply { container: String, reply: String },
}

/// Applies `drive` to group `id`, wherever it is; answers the group's status after it, or why not.
/// A group the drive ends (a `Terminating` group advanced) is removed and released at once.
pub fn drive_group(eci: &EciState, faults: &Faults, id: &str, drive: &Drive) -> Result<&'static str, (u16, String)> {
    let now = eci.clock.now();
    let partition = eci
        .registry
        .snapshot()
        .into_iter()
        .map(|(_, partition)| partition)
        .find(|partition| partition.read().groups.get(id).is_some())
        .ok_or_else(|| (404, format!("no container group {id}")))?;
    let mut state = partition.write();
    let gone = state.advance_due(now);
    release(eci, faults, gone);
    if let Drive::SetLog { container, .. } | Drive::SetExecReply { container, .. } = drive {
        return set_script(&mut state, id, container, drive);
    }
    let container = match drive {
        Drive::Terminate { container, .. } => {
            let group = state
                .groups
                .get(id)
                .ok_or_else(|| (404, format!("no container group {id}")))?;
            let index = group.spec.containers.iter().position(|c| c.name == *container);
            Some(index.ok_or_else(|| (404, format!("group {id} has no container {container}")))?)
        }
        _ => None,
    };
    let outcome = state.change_life(id, |life| match drive {
        Drive::Advance {} => life
            .advance_one(now)
            .then_some(())
            .ok_or_else(|| (409, format!("{} does not move on", life.status.as_str()))),
        Drive::SetStatus { status } => {
            let status = GroupStatus::parse(status)
                .ok_or_else(|| (400, format!("'{status}' is not a container group status")))?;
            life.set_status(status, now);
            Ok(())
        }
        Drive::Terminate { exit_code, .. } => life
            .terminate_container(container.unwrap_or_default(), *exit_code, now)
            .map_err(|refused| {
                (
                    409,
                    format!("no container runs while the group is {}", refused.status.as_str()),
                )
            }),
        Drive::Reclaim {} => life
            .fire(machine::Trigger::Reclaimed, now)
            .map_err(|refused| (409, format!("a {} group cannot be reclaimed", refused.status.as_str()))),
        Drive::SetLog { .. } | Drive::SetExecReply { .. } => Ok(()),
    });
    outcome.ok_or_else(|| (404, format!("no container group {id}")))??;
    let status = state.groups.get(id).map(|g| g.status().as_str()).unwrap_or_default();
    if state.groups.get(id).is_some_and(|g| g.life.gone) {
        let removed = state.remove_group(id);
        drop(state);
        release(eci, faults, removed.into_iter().collect());
    }
    Ok(status)
}

fn set_script(
    state: &mut RegionState,
    id: &str,
    container: &str,
    drive: &Drive,
) -> Result<&'static str, (u16, String)> {
    let group = state
        .groups
        .get(id)
        .ok_or_else(|| (404, format!("no container group {id}")))?;
    if !group.spec.containers.iter().any(|c| c.name == container) {
        return Err((404, format!("group {id} has no container {container}")));
    }
    let status = group.status().as_str();
    state.groups.update(id, |g| {
        let scripts = g.scripts.get_or_insert_with(Box::default);
        match drive {
            Drive::SetLog { text, .. } => scripts.logs.insert(container.to_owned(), text.clone()),
            Drive::SetExecReply { reply, .. } => scripts.exec_replies.insert(container.to_owned(), reply.clone()),
            _ => None,
        };
    });
    Ok(status)
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

    #[test]
    fn the_table_serves_exactly_the_listed_actions() {
        let mut served: Vec<&str> = OPERATIONS.iter().map(|op| op.action).collect();
        let mut listed = crate::actions::ACTIONS.to_vec();
        served.sort_unstable();
        listed.sort_unstable();
        assert_eq!(served, listed);
    }
}
