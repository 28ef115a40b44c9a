//! Virtual nodes: create (placed in the network like a group: an address from its vSwitch, an EIP when
//! asked), update, delete and describe, passing `Pending → Ready`.

pub mod dto;
pub mod handlers;
pub mod model;
pub mod rules;
pub mod view;

pub use dto::*;
pub use handlers::*;
pub use model::*;
pub use rules::*;
