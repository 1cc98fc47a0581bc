use std::{sync::Arc, time::Instant};

use kasir_store::Db;

use crate::{auth::tokens::TokenKeys, config::Config, platform::metrics::Metrics};

/// Shared by every request. Cheap to clone.
#[derive(Clone)]
pub struct AppState(pub Arc<Inner>);

pub struct Inner {
    pub db: Db,
    pub tokens: TokenKeys,
    /// Signs device licence tokens.
    pub licenses: crate::devices::signing::LicenseKeys,
    pub metrics: Metrics,
    pub config: Config,
    pub started: Instant,
    /// Delivers committed events to this process's WebSocket clients.
    pub hub: crate::realtime::Hub,
    /// The routes whose Idempotency-Key their own transaction claims, from the router.
    pub money_routes: crate::api::openapi::MoneyRoutes,
    /// `(scope, key)` of the money-moving requests with an Idempotency-Key running on this node.
    pub inflight: std::sync::Mutex<std::collections::HashSet<(String, String)>>,
    /// This process's job runner (handlers, schedules, wake-up).
    pub jobs: crate::platform::jobs::Jobs,
    /// This process's request counters (shared through the database on PostgreSQL).
    pub rate_limits: crate::platform::rate_limit::RateLimits,
    /// Where uploaded files are kept.
    pub files: crate::platform::files::FileStore,
    /// This process's count of 5xx answers, for the operator alert.
    pub error_burst: crate::platform::alerts::ErrorBurst,
    /// Seals and opens stored secrets (none without `KASIR_SECRET_KEY`).
    pub sealer: Option<crate::platform::secrets::Sealer>,
    /// Calls payment gateways (TLS, with the configured timeout).
    pub gateway_client: reqwest::Client,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}
