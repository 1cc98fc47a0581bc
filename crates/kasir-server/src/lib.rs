//! Kasir's HTTP and WebSocket server.

pub mod api;
mod app;
pub mod auth;
pub mod config;
pub mod demo;
pub mod idempotency;
pub mod metrics;
pub mod qr;
pub mod realtime;
pub mod receipt;
pub mod routes;
pub mod selling;
mod sheet;
pub mod state;

pub use app::{build, redact, serve, App, BODY_LIMIT, UPLOAD_BODY_LIMIT, UPLOAD_LIMIT};
pub use config::{Config, ConfigError, LogFormat};
pub use state::AppState;
