//! Image caches: create, update, delete and describe, with the `Preparing → Creating → Ready`
//! progression, and the lookups a container-group create makes (`ImageSnapshotId`,
//! `AutoMatchImageCache`).

pub mod dto;
pub mod handlers;
pub mod model;
pub mod rules;
pub mod view;

pub use dto::*;
pub use handlers::*;
pub use model::*;
pub use rules::*;
