//! The operation table: every action this build serves, keyed by product and action, each a row
//! naming its handler. Each product keeps its rows in its own folder (`eci`, `vpc`, `ecs`, `sts`, `resourcemanager`). Handlers are plain functions of typed input to a JSON body; they never see
//! HTTP. The state they work on is in `state` and `partition` (and the shared network model); what the
//! side API does beyond them is in `admin`.

pub mod admin;
pub mod eci;
pub mod ecs;
pub mod resourcemanager;
pub mod state;
pub mod sts;
pub mod vpc;

use crate::actions::Product;
use crate::error::ApiError;
use crate::protocol::{JsonBody, Node};
pub use eci::partition::RegionState;
pub use state::{release, Ctx, EciOptions, EciState};

/// One row of the operation table.
pub struct Operation {
    pub product: Product,
    pub action: &'static str,
    /// What is checked of the parameter tree before the handler runs.
    pub validation: Validation,
    /// Parses the tree into the operation's typed request (checking the family's field rules where it
    /// has them) and runs the handler.
    pub run: fn(&Ctx<'_>, &Node) -> Result<JsonBody, ApiError>,
}

/// What a row declares is checked of a call's parameters before its handler parses them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validation {
    /// The numeric ranges of the product's API metadata (`validate::check_numeric`), then the typed
    /// request.
    MetadataRanges,
    /// The typed request alone: the product's metadata gives no ranges the emulator checks.
    TypedRequest,
}

impl Operation {
    /// Runs the row's checks, then its handler.
    pub fn call(&self, ctx: &Ctx<'_>, params: &Node) -> Result<JsonBody, ApiError> {
        if self.validation == Validation::MetadataRanges {
            crate::validate::check_numeric(self.action, params)?;
        }
        (self.run)(ctx, params)
    }
}

/// The rows of `product`.
pub fn operations(product: Product) -> &'static [Operation] {
    match product {
        Product::Eci => eci::OPERATIONS,
        Product::Vpc => vpc::OPERATIONS,
        Product::Ecs => ecs::OPERATIONS,
        Product::Sts => sts::OPERATIONS,
        Product::ResourceManager => resourcemanager::OPERATIONS,
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
