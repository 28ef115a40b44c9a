//! The operation table: every action this build serves, each a row naming its handler. Handlers are
//! plain functions of typed input to a JSON body; they never see HTTP. The state they work on is in
//! `state` and `partition`; what the side API does beyond them is in `admin`.

pub mod admin;
pub mod catalog;
pub mod container_group;
pub mod data_cache;
pub mod events;
pub mod image_cache;
pub mod listing;
pub mod partition;
pub mod rendered;
pub mod saved;
pub mod service;
pub mod state;
pub mod tags;
pub mod virtual_node;

use crate::error::ApiError;
use crate::protocol::{parse_input, JsonBody, Node};
use crate::validate;
use container_group::{console, handlers, metrics, progress, tasks};
pub use partition::RegionState;
pub use state::{default_policy, release, Ctx, EciOptions, EciState};

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
