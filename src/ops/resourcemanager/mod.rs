//! Resource Manager 2020-03-31: the operation table of the companion product that answers which
//! resource groups an account has (its default one, and those fixture documents declare), for clients
//! that look a group up before they place resources in it.

pub mod resource_groups;

use super::{Operation, Validation};
use crate::actions::Product;
use crate::protocol::parse_input;

macro_rules! resource_manager_rows {
    ($($action:literal => $handler:expr;)*) => {
        /// Every operation of Resource Manager this build serves.
        pub static OPERATIONS: &[Operation] = &[$(Operation {
            product: Product::ResourceManager,
            action: $action,
            validation: Validation::TypedRequest,
            run: |ctx, params| $handler(ctx, parse_input(params)?),
        }),*];
    };
}

resource_manager_rows! {
    "ListResourceGroups" => resource_groups::list;
    "GetResourceGroup" => resource_groups::get;
}
