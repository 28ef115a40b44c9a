//! ECI 2018-08-08: the operation table of the product, and a folder per resource family
//! (`container_group`, `image_cache`, `data_cache`, `virtual_node`) beside the operations about prices
//! and stock (`catalog`), tags (`tags`) and the service (`service`).

pub mod catalog;
pub mod container_group;
pub mod data_cache;
pub mod events;
pub mod families;
pub mod image_cache;
pub mod listing;
pub mod partition;
pub mod rendered;
pub mod saved;
pub mod service;
pub mod tags;
pub mod virtual_node;

use super::Operation;
use crate::actions::Product;
use crate::protocol::parse_input;
use crate::validate;
use container_group::{console, handlers, metrics, progress, tasks};

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
