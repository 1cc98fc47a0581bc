//! Kasir's HTTP and WebSocket server, one module per business area (the same names as in
//! `kasir-store`), on the shared HTTP plumbing of [`api`] and the mechanisms of [`platform`].

pub mod api;
mod app;
pub mod config;
pub mod demo;
mod layers;
pub mod platform;
pub mod state;

// Business areas.
pub mod accounts;
pub mod auth;
pub mod catalog;
pub mod customers;
pub mod devices;
pub mod expenses;
pub mod operations;
pub mod payments;
pub mod promotions;
pub mod purchasing;
pub mod realtime;
pub mod reports;
pub mod restaurant;
pub mod selling;
pub mod stock;
pub mod sync;
pub mod tenancy;
pub mod workforce;

pub use app::{build, openapi_json, prepare, redact, serve, App, BODY_LIMIT, UPLOAD_BODY_LIMIT, UPLOAD_LIMIT};
pub use config::{Config, ConfigError, LogFormat};
pub use state::AppState;
