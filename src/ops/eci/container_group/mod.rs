//! Container groups (ECI instances): create, describe, status, delete, restart, update, events, logs, exec, metrics, commits, O&M tasks, volume resizes.

pub mod console;
pub mod dto;
pub mod exec_sessions;
pub mod handlers;
pub mod metrics;
pub mod model;
pub mod progress;
pub mod rules;
pub mod sizing;
pub mod spot;
pub mod stock;
pub mod task_records;
pub mod tasks;
pub mod view;
