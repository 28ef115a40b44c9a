//! Container groups (ECI instances): create, describe, status, delete.

pub mod dto;
pub mod handlers;
pub mod model;
pub mod rules;
pub mod sizing;
pub mod view;
