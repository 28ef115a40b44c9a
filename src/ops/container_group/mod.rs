//! Container groups (ECI instances): create, describe, status, delete, restart, update, events.

pub mod dto;
pub mod handlers;
pub mod model;
pub mod progress;
pub mod rules;
pub mod sizing;
pub mod view;
