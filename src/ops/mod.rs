//! The operation table: every action this build serves, keyed by product and action, each a row
//! naming its handler. Each product keeps its rows in its own folder (`eci`, `vpc`, `ecs`, `sts`). Handlers are plain functions of typed input to a JSON body; they never see
//! HTTP. The state they work on is in `state` and `partition` (and the shared network model); what the
//! side API does beyond them is in `admin`.

pub mod admin;
pub mod eci;
pub mod ecs;
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
    pub run: fn(&Ctx<'_>, &Node) -> Result<JsonBody, ApiError>,
}

/// The rows of `product`.
pub fn operations(product: Product) -> &'static [Operation] {
    match product {
        Product::Eci => eci::OPERATIONS,
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
