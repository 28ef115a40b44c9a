//! eci-emulator: a local emulator of the Alibaba Cloud ECI OpenAPI 2018-08-08.
pub mod auth;
pub mod error;
pub mod protocol;
pub mod util;
