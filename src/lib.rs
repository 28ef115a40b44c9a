//! eci-emulator: a local emulator of the Alibaba Cloud Elastic Container Instance (ECI) OpenAPI
//! 2018-08-08. `app()` is the one composition root.

pub mod accounts;
pub mod actions;
pub mod auth;
pub mod capacity;
pub mod config;
pub mod durable;
pub mod error;
pub mod faults;
pub mod fixtures;
pub mod insight;
pub mod lifecycle;
pub mod network;
pub mod ops;
pub mod protocol;
pub mod server;
pub mod store;
pub mod util;
pub mod validate;

pub use server::{app, AppState};
