//! ECS 2014-05-26: the operation table of the companion product that makes security groups and their
//! rules (the network model's, as fixtures declare them and ECI places groups in them), with ECS's
//! zones, regions, tags, instance types and public images.

pub mod catalogue;
pub mod rules;
pub mod security_group;

use super::vpc::{resource_groups, service, tags};
use super::{Operation, Validation};
use crate::actions::Product;
use crate::protocol::parse_input;
use tags::Kinds;

macro_rules! ecs_rows {
    ($($action:literal => $handler:expr;)*) => {
        /// Every operation of ECS this build serves.
        pub static OPERATIONS: &[Operation] = &[$(Operation {
            product: Product::Ecs,
            action: $action,
            validation: Validation::TypedRequest,
            run: |ctx, params| $handler(ctx, parse_input(params)?),
        }),*];
    };
}

ecs_rows! {
    "CreateSecurityGroup" => security_group::create;
    "DescribeSecurityGroups" => security_group::describe;
    "DescribeSecurityGroupAttribute" => security_group::attribute;
    "ModifySecurityGroupAttribute" => security_group::modify;
    "ModifySecurityGroupPolicy" => security_group::modify_policy;
    "AuthorizeSecurityGroup" => |ctx, req| security_group::authorize(ctx, "AuthorizeSecurityGroup", req);
    "AuthorizeSecurityGroupEgress" => |ctx, req| security_group::authorize(ctx, "AuthorizeSecurityGroupEgress", req);
    "RevokeSecurityGroup" => |ctx, req| security_group::revoke(ctx, "RevokeSecurityGroup", req);
    "RevokeSecurityGroupEgress" => |ctx, req| security_group::revoke(ctx, "RevokeSecurityGroupEgress", req);
    "DeleteSecurityGroup" => security_group::delete;
    "DescribeZones" => |_, req| service::zones(Product::Ecs, req);
    "DescribeRegions" => |_, req| service::regions(Product::Ecs, req);
    "DescribeAvailableResource" => |_, req| service::available_resource(req);
    "DescribeInstanceTypes" => |_, req| catalogue::describe_instance_types(req);
    "DescribeImages" => |_, req| catalogue::describe_images(req);
    "JoinResourceGroup" => |ctx, req| resource_groups::move_to(ctx, "JoinResourceGroup", req);
    "ModifySecurityGroupRule" => |ctx, req| security_group::modify_rule(ctx, "ModifySecurityGroupRule", req);
    "ModifySecurityGroupEgressRule" => |ctx, req| security_group::modify_rule(ctx, "ModifySecurityGroupEgressRule", req);
    "DescribeTags" => security_group::describe_tags;
    "TagResources" => |ctx, req| tags::tag(ctx, Kinds::Ecs, req);
    "UntagResources" => |ctx, req| tags::untag(ctx, Kinds::Ecs, req);
    "ListTagResources" => |ctx, req| tags::list(ctx, Kinds::Ecs, req);
}
