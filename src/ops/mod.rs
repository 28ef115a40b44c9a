//! The operation table: every action this build serves, keyed by product and action, each a row
//! naming its handler. ECI's rows are here; each companion product (`vpc`, `ecs`, `sts`) keeps its
//! rows in its own folder. Handlers are plain functions of typed input to a JSON body; they never see
//! HTTP. The state they work on is in `state` and `partition` (and the shared network model); what the
//! side API does beyond them is in `admin`.

pub mod admin;
pub mod catalog;
pub mod container_group;
pub mod data_cache;
pub mod due;
pub mod ecs;
pub mod events;
pub mod image_cache;
pub mod listing;
mod partition;
pub mod rendered;
pub mod saved;
pub mod service;
pub mod state;
pub mod sts;
pub mod tags;
pub mod virtual_node;
pub mod vpc;

use crate::actions::Product;
use crate::error::ApiError;
use crate::protocol::{parse_input, JsonBody, Node};
use crate::validate;
use container_group::{console, handlers, metrics, progress, tasks};
pub use partition::RegionState;
pub use state::{release, Ctx, EciOptions, EciState};

/// One row of the operation table.
pub struct Operation {
    pub product: Product,
    pub action: &'static str,
    pub run: fn(&Ctx<'_>, &Node) -> Result<JsonBody, ApiError>,
}

/// Every operation of ECI this build serves. Adding one is a row here plus its handler.
pub static OPERATIONS: &[Operation] = &[
    Operation {
        product: Product::Eci,
        action: "CreateContainerGroup",
        run: |ctx, params| {
            let input = parse_input(params)?;
            validate::check_fields(params, &container_group::rules::CREATE_FIELD_RULES)?;
            handlers::create(ctx, input)
        },
    },
    Operation {
        product: Product::Eci,
        action: "DescribeContainerGroups",
        run: |ctx, params| handlers::describe(ctx, parse_input(params)?, parse_input(params)?),
    },
    Operation {
        product: Product::Eci,
        action: "DescribeContainerGroupStatus",
        run: |ctx, params| handlers::describe_status(ctx, parse_input(params)?, parse_input(params)?),
    },
    Operation {
        product: Product::Eci,
        action: "DeleteContainerGroup",
        run: |ctx, params| handlers::delete(ctx, parse_input(params)?),
    },
    Operation {
        product: Product::Eci,
        action: "DescribeContainerGroupEvents",
        run: |ctx, params| progress::events(ctx, parse_input(params)?, parse_input(params)?),
    },
    Operation {
        product: Product::Eci,
        action: "RestartContainerGroup",
        run: |ctx, params| progress::restart(ctx, parse_input(params)?),
    },
    Operation {
        product: Product::Eci,
        action: "UpdateContainerGroup",
        run: |ctx, params| {
            let input = parse_input(params)?;
            validate::check_fields(params, &container_group::rules::UPDATE_FIELD_RULES)?;
            progress::update(ctx, input)
        },
    },
    Operation {
        product: Product::Eci,
        action: "DescribeContainerLog",
        run: |ctx, params| console::log(ctx, parse_input(params)?),
    },
    Operation {
        product: Product::Eci,
        action: "ExecContainerCommand",
        run: |ctx, params| console::exec(ctx, parse_input(params)?),
    },
    Operation {
        product: Product::Eci,
        action: "DescribeRegions",
        run: |_, params| service::regions(parse_input(params)?),
    },
    Operation {
        product: Product::Eci,
        action: "TagResources",
        run: |ctx, params| tags::tag(ctx, parse_input(params)?),
    },
    Operation {
        product: Product::Eci,
        action: "UntagResources",
        run: |ctx, params| tags::untag(ctx, parse_input(params)?),
    },
    Operation {
        product: Product::Eci,
        action: "ListTagResources",
        run: |ctx, params| tags::list(ctx, parse_input(params)?),
    },
    Operation {
        product: Product::Eci,
        action: "CreateImageCache",
        run: |ctx, params| {
            let input = parse_input(params)?;
            validate::check_fields(params, &image_cache::CREATE_RULES)?;
            image_cache::create(ctx, input)
        },
    },
    Operation {
        product: Product::Eci,
        action: "UpdateImageCache",
        run: |ctx, params| {
            let input = parse_input(params)?;
            validate::check_fields(params, &image_cache::UPDATE_RULES)?;
            image_cache::update(ctx, input)
        },
    },
    Operation {
        product: Product::Eci,
        action: "DeleteImageCache",
        run: |ctx, params| image_cache::delete(ctx, parse_input(params)?),
    },
    Operation {
        product: Product::Eci,
        action: "DescribeImageCaches",
        run: |ctx, params| image_cache::describe(ctx, parse_input(params)?),
    },
    Operation {
        product: Product::Eci,
        action: "CreateDataCache",
        run: |ctx, params| {
            let input = parse_input(params)?;
            validate::check_fields(params, &data_cache::CREATE_RULES)?;
            data_cache::create(ctx, input)
        },
    },
    Operation {
        product: Product::Eci,
        action: "UpdateDataCache",
        run: |ctx, params| {
            let input = parse_input(params)?;
            validate::check_fields(params, &data_cache::UPDATE_RULES)?;
            data_cache::update(ctx, input)
        },
    },
    Operation {
        product: Product::Eci,
        action: "CopyDataCache",
        run: |ctx, params| data_cache::copy(ctx, parse_input(params)?),
    },
    Operation {
        product: Product::Eci,
        action: "DeleteDataCache",
        run: |ctx, params| data_cache::delete(ctx, parse_input(params)?),
    },
    Operation {
        product: Product::Eci,
        action: "DescribeDataCaches",
        run: |ctx, params| data_cache::describe(ctx, parse_input(params)?),
    },
    Operation {
        product: Product::Eci,
        action: "CreateVirtualNode",
        run: |ctx, params| {
            let input = parse_input(params)?;
            validate::check_fields(params, &virtual_node::CREATE_RULES)?;
            virtual_node::create(ctx, input)
        },
    },
    Operation {
        product: Product::Eci,
        action: "UpdateVirtualNode",
        run: |ctx, params| {
            let input = parse_input(params)?;
            validate::check_fields(params, &virtual_node::UPDATE_RULES)?;
            virtual_node::update(ctx, input)
        },
    },
    Operation {
        product: Product::Eci,
        action: "DeleteVirtualNode",
        run: |ctx, params| virtual_node::delete(ctx, parse_input(params)?),
    },
    Operation {
        product: Product::Eci,
        action: "DescribeVirtualNodes",
        run: |ctx, params| virtual_node::describe(ctx, parse_input(params)?),
    },
    Operation {
        product: Product::Eci,
        action: "DescribeContainerGroupPrice",
        run: |_, params| catalog::price(parse_input(params)?),
    },
    Operation {
        product: Product::Eci,
        action: "DescribeAvailableResource",
        run: |_, params| catalog::available_resource(parse_input(params)?),
    },
    Operation {
        product: Product::Eci,
        action: "DescribeContainerGroupMetric",
        run: |ctx, params| metrics::metric(ctx, parse_input(params)?),
    },
    Operation {
        product: Product::Eci,
        action: "DescribeMultiContainerGroupMetric",
        run: |ctx, params| metrics::multi_metric(ctx, parse_input(params)?),
    },
    Operation {
        product: Product::Eci,
        action: "CommitContainer",
        run: |ctx, params| tasks::commit(ctx, parse_input(params)?),
    },
    Operation {
        product: Product::Eci,
        action: "DescribeCommitContainerTask",
        run: |ctx, params| tasks::describe_commits(ctx, parse_input(params)?),
    },
    Operation {
        product: Product::Eci,
        action: "CreateInstanceOpsTask",
        run: |ctx, params| tasks::create_ops_task(ctx, parse_input(params)?),
    },
    Operation {
        product: Product::Eci,
        action: "DescribeInstanceOpsRecords",
        run: |ctx, params| tasks::describe_ops_records(ctx, parse_input(params)?),
    },
    Operation {
        product: Product::Eci,
        action: "ResizeContainerGroupVolume",
        run: |ctx, params| tasks::resize_volume(ctx, parse_input(params)?),
    },
    Operation {
        product: Product::Eci,
        action: "ListUsage",
        run: |ctx, params| handlers::list_usage(ctx, parse_input(params)?),
    },
];

/// The rows of `product`.
pub fn operations(product: Product) -> &'static [Operation] {
    match product {
        Product::Eci => OPERATIONS,
        Product::Vpc => vpc::OPERATIONS,
        Product::Ecs => ecs::OPERATIONS,
        Product::Sts => sts::OPERATIONS,
    }
}

/// The row for `action` of `product`, if this build serves it.
pub fn lookup(product: Product, action: &str) -> Option<&'static Operation> {
    operations(product).iter().find(|op| op.action == action)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_rows_are_unique_and_found() {
        for product in Product::ALL {
            let mut seen = std::collections::HashSet::new();
            for op in operations(product) {
                assert_eq!(op.product, product, "{}", op.action);
                assert!(seen.insert(op.action), "{} twice", op.action);
                assert!(lookup(product, op.action).is_some());
            }
        }
        assert!(lookup(Product::Eci, "createcontainergroup").is_none());
        assert!(lookup(Product::Eci, "CreateVpc").is_none());
    }

    #[test]
    fn each_table_serves_exactly_its_products_listed_actions() {
        for product in Product::ALL {
            let mut served: Vec<&str> = operations(product).iter().map(|op| op.action).collect();
            let mut listed = product.actions().to_vec();
            served.sort_unstable();
            listed.sort_unstable();
            assert_eq!(served, listed, "{product:?}");
        }
    }
}
