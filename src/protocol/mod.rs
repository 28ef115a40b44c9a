//! The RPC wire format only: request extraction, the flattened-parameter deserializer and the
//! JSON/XML response writer. Knows nothing of container groups.

pub mod extract;
pub mod flat;
pub mod limits;
pub mod render;
pub mod split;

pub use extract::{decode_component, decode_pairs, extract, is_gateway_param, Format, RawRequest, RpcRequest};
pub use flat::{json_in_string, FlatError, FlatErrorKind, Node};
pub use render::{render_error, render_product_error, render_success, JsonBody, Rendered};

use crate::error::ApiError;

impl From<FlatError> for ApiError {
    fn from(err: FlatError) -> Self {
        let param = err.parameter();
        match err.kind {
            FlatErrorKind::Missing(_) => ApiError::missing(&param),
            FlatErrorKind::Invalid(why) => ApiError::invalid(&param, &why),
        }
    }
}

/// Deserializes an operation's input from the request's parameter tree.
pub fn parse_input<T: serde::de::DeserializeOwned>(tree: &Node) -> Result<T, ApiError> {
    flat::from_tree(tree).map_err(ApiError::from)
}
