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

use super::{Operation, Validation};
use crate::actions::Product;
use crate::protocol::parse_input;
use crate::validate;
use container_group::{console, handlers, metrics, progress, tasks};

macro_rules! eci_rows {
    ($($action:literal => $run:expr;)*) => {
        /// Every operation of ECI this build serves. Adding one is a row here plus its handler.
        pub static OPERATIONS: &[Operation] = &[$(Operation {
            product: Product::Eci,
            action: $action,
            // ECI's API metadata gives each operation's numeric ranges.
            validation: Validation::MetadataRanges,
            run: $run,
        }),*];
    };
}

eci_rows! {
    "CreateContainerGroup" => |ctx, params| {
        let input = parse_input(params)?;
        validate::check_fields(params, &container_group::rules::CREATE_FIELD_RULES)?;
        handlers::create(ctx, input)
    };
    "DescribeContainerGroups" => |ctx, params| handlers::describe(ctx, parse_input(params)?, parse_input(params)?);
    "DescribeContainerGroupStatus" => |ctx, params| handlers::describe_status(ctx, parse_input(params)?, parse_input(params)?);
    "DeleteContainerGroup" => |ctx, params| handlers::delete(ctx, parse_input(params)?);
    "DescribeContainerGroupEvents" => |ctx, params| progress::events(ctx, parse_input(params)?, parse_input(params)?);
    "RestartContainerGroup" => |ctx, params| progress::restart(ctx, parse_input(params)?);
    "UpdateContainerGroup" => |ctx, params| {
        let input = parse_input(params)?;
        validate::check_fields(params, &container_group::rules::UPDATE_FIELD_RULES)?;
        progress::update(ctx, input)
    };
    "DescribeContainerLog" => |ctx, params| console::log(ctx, parse_input(params)?);
    "ExecContainerCommand" => |ctx, params| console::exec(ctx, parse_input(params)?);
    "DescribeRegions" => |_, params| service::regions(parse_input(params)?);
    "TagResources" => |ctx, params| tags::tag(ctx, parse_input(params)?);
    "UntagResources" => |ctx, params| tags::untag(ctx, parse_input(params)?);
    "ListTagResources" => |ctx, params| tags::list(ctx, parse_input(params)?);
    "CreateImageCache" => |ctx, params| {
        let input = parse_input(params)?;
        validate::check_fields(params, &image_cache::CREATE_RULES)?;
        image_cache::create(ctx, input)
    };
    "UpdateImageCache" => |ctx, params| {
        let input = parse_input(params)?;
        validate::check_fields(params, &image_cache::UPDATE_RULES)?;
        image_cache::update(ctx, input)
    };
    "DeleteImageCache" => |ctx, params| image_cache::delete(ctx, parse_input(params)?);
    "DescribeImageCaches" => |ctx, params| image_cache::describe(ctx, parse_input(params)?);
    "CreateDataCache" => |ctx, params| {
        let input = parse_input(params)?;
        validate::check_fields(params, &data_cache::CREATE_RULES)?;
        data_cache::create(ctx, input)
    };
    "UpdateDataCache" => |ctx, params| {
        let input = parse_input(params)?;
        validate::check_fields(params, &data_cache::UPDATE_RULES)?;
        data_cache::update(ctx, input)
    };
    "CopyDataCache" => |ctx, params| data_cache::copy(ctx, parse_input(params)?);
    "DeleteDataCache" => |ctx, params| data_cache::delete(ctx, parse_input(params)?);
    "DescribeDataCaches" => |ctx, params| data_cache::describe(ctx, parse_input(params)?);
    "CreateVirtualNode" => |ctx, params| {
        let input = parse_input(params)?;
        validate::check_fields(params, &virtual_node::CREATE_RULES)?;
        virtual_node::create(ctx, input)
    };
    "UpdateVirtualNode" => |ctx, params| {
        let input = parse_input(params)?;
        validate::check_fields(params, &virtual_node::UPDATE_RULES)?;
        virtual_node::update(ctx, input)
    };
    "DeleteVirtualNode" => |ctx, params| virtual_node::delete(ctx, parse_input(params)?);
    "DescribeVirtualNodes" => |ctx, params| virtual_node::describe(ctx, parse_input(params)?);
    "DescribeContainerGroupPrice" => |ctx, params| catalog::price(ctx, parse_input(params)?);
    "DescribeAvailableResource" => |ctx, params| catalog::available_resource(ctx, parse_input(params)?);
    "DescribeContainerGroupMetric" => |ctx, params| metrics::metric(ctx, parse_input(params)?);
    "DescribeMultiContainerGroupMetric" => |ctx, params| metrics::multi_metric(ctx, parse_input(params)?);
    "CommitContainer" => |ctx, params| tasks::commit(ctx, parse_input(params)?);
    "DescribeCommitContainerTask" => |ctx, params| tasks::describe_commits(ctx, parse_input(params)?);
    "CreateInstanceOpsTask" => |ctx, params| tasks::create_ops_task(ctx, parse_input(params)?);
    "DescribeInstanceOpsRecords" => |ctx, params| tasks::describe_ops_records(ctx, parse_input(params)?);
    "ResizeContainerGroupVolume" => |ctx, params| tasks::resize_volume(ctx, parse_input(params)?);
    "ListUsage" => |ctx, params| handlers::list_usage(ctx, parse_input(params)?);
}
