//! VPC 2016-04-28: the operation table of the companion product that makes the networks container
//! groups are placed on. Its VPCs, vSwitches and EIPs are the network model's (`crate::network`), the
//! same ones fixtures declare and ECI places groups on. `common`, `tags` and `service` also serve ECS.

pub mod common;
pub mod eip;
pub mod resource_groups;
pub mod rules;
pub mod service;
pub mod tags;
pub mod vpcs;
pub mod vswitch;

use super::{Operation, Validation};
use crate::actions::Product;
use crate::protocol::parse_input;
use tags::Kinds;

macro_rules! vpc_rows {
    ($($action:literal => $handler:expr;)*) => {
        /// Every operation of VPC this build serves.
        pub static OPERATIONS: &[Operation] = &[$(Operation {
            product: Product::Vpc,
            action: $action,
            validation: Validation::TypedRequest,
            run: |ctx, params| $handler(ctx, parse_input(params)?),
        }),*];
    };
}

vpc_rows! {
    "CreateVpc" => vpcs::create;
    "DescribeVpcs" => vpcs::describe;
    "DescribeVpcAttribute" => vpcs::attribute;
    "ModifyVpcAttribute" => vpcs::modify;
    "DeleteVpc" => vpcs::delete;
    "CreateVSwitch" => vswitch::create;
    "DescribeVSwitches" => vswitch::describe;
    "DescribeVSwitchAttributes" => vswitch::attributes;
    "ModifyVSwitchAttribute" => vswitch::modify;
    "DeleteVSwitch" => vswitch::delete;
    "DescribeRouteTableList" => vpcs::route_tables;
    "ModifyRouteTableAttributes" => vpcs::modify_route_table;
    "AllocateEipAddress" => eip::allocate;
    "DescribeEipAddresses" => eip::describe;
    "ModifyEipAddressAttribute" => eip::modify;
    "AssociateEipAddress" => eip::associate;
    "UnassociateEipAddress" => eip::unassociate;
    "ReleaseEipAddress" => eip::release;
    "TagResources" => |ctx, req| tags::tag(ctx, Kinds::Vpc, req);
    "UnTagResources" => |ctx, req| tags::untag(ctx, Kinds::Vpc, req);
    "ListTagResources" => |ctx, req| tags::list(ctx, Kinds::Vpc, req);
    "DescribeZones" => |_, req| service::zones(Product::Vpc, req);
    "DescribeRegions" => |_, req| service::regions(Product::Vpc, req);
    "MoveResourceGroup" => |ctx, req| resource_groups::move_to(ctx, "MoveResourceGroup", req);
    "AssociateVpcCidrBlock" => |ctx, req| vpcs::secondary_cidr(ctx, true, req);
    "UnassociateVpcCidrBlock" => |ctx, req| vpcs::secondary_cidr(ctx, false, req);
    "DeletionProtection" => eip::deletion_protection;
    "ModifyEipForwardMode" => eip::forward_mode;
    "CreateDefaultVpc" => vpcs::create_default;
    "CreateDefaultVSwitch" => vswitch::create_default;
}
