//! Data caches: create, update, copy to another region, delete and describe, passing `Creating → Available`.

pub mod dto;
pub mod handlers;
pub mod model;
pub mod rules;
pub mod view;

pub use dto::*;
pub use handlers::*;
pub use model::*;
pub use rules::*;
