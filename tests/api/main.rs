//! Integration tests through `app()` with one-shot requests: every operation in JSON and XML,
#![recursion_limit = "256"]
//! errors checked whole, signatures, the side API and robustness.

mod common;

mod accounts;
mod admin;
mod catalog;
mod companions;
mod concurrency;
mod conformance;
mod console;
mod create;
mod data_caches;
mod default_network;
mod describe;
mod errors;
mod exec_socket;
mod families;
mod faults;
mod hardening;
mod image_caches;
mod insight;
mod leaks;
mod lifecycle;
mod metrics;
mod network;
mod numeric_ranges;
mod prometheus;
mod provider_surface;
mod robustness;
mod rules_table;
mod signing;
mod tags;
mod tasks;
mod virtual_nodes;
mod world;
