//! Mechanisms every area shares (idempotency keys, jobs, metrics, the audit log) and the unauthenticated
//! platform endpoints: ping, health, metrics, the OpenAPI document and its UI.

pub mod alerts;
pub mod audit;
pub mod backup;
mod docs;
pub mod files;
pub mod idempotency;
pub mod jobs;
pub mod memory;
pub mod messages;
pub mod metrics;
pub mod rate_limit;
pub mod secrets;
mod web;

use axum::{
    extract::State,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde::Serialize;
use utoipa::{
    openapi::schema::{ObjectBuilder, Type},
    ToSchema,
};

use crate::{
    api::{
        ok,
        openapi::{ApiRouter, Method, Op},
    },
    state::AppState,
};

#[derive(Debug, Serialize, ToSchema)]
pub struct Pong {
    pub pong: bool,
}

/// `GET /health`. Not wrapped in the envelope.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `OK`, or `UNAVAILABLE` when the database cannot be reached.
    pub status: String,
    /// `ok` or `unreachable`.
    pub database: String,
    pub uptime_s: u64,
    pub version: String,
}

/// Routes under `/api/v1`.
pub fn api_routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    api.route(Method::Get, "/ping", ping, Op::new("platform", "Liveness check").public().ok::<Pong>())
        .route(
            Method::Get,
            "/openapi.json",
            openapi_json,
            Op::new("platform", "This OpenAPI document").public().ok_raw(
                200,
                "application/json",
                ObjectBuilder::new().schema_type(Type::Object),
            ),
        )
        // Beside the document, for clients that only know the API's base URL.
        .undocumented(docs::routes)
}

/// Routes at the root.
pub fn root_routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    api.route(
        Method::Get,
        "/health",
        health,
        Op::new("platform", "Health of the server and its database")
            .public()
            .ok_raw(200, "application/json", Health::schema_ref())
            .errors(&[503]),
    )
    .route(
        Method::Get,
        "/metrics",
        metrics,
        Op::new("platform", "Prometheus metrics").public().ok_raw(
            200,
            "text/plain",
            ObjectBuilder::new().schema_type(Type::String),
        ),
    )
    .undocumented(docs::routes)
    .undocumented(web::routes)
}

impl Health {
    fn schema_ref() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
        <Health as utoipa::PartialSchema>::schema()
    }
}

async fn ping() -> Response {
    ok(Pong { pong: true })
}

async fn health(State(s): State<AppState>) -> Response {
    let healthy = s.db.is_healthy().await;
    let body = Health {
        status: if healthy { "OK" } else { "UNAVAILABLE" }.into(),
        database: if healthy { "ok" } else { "unreachable" }.into(),
        uptime_s: s.started.elapsed().as_secs(),
        version: env!("CARGO_PKG_VERSION").into(),
    };
    let status = if healthy { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, Json(body)).into_response()
}

async fn metrics(State(s): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    if let Some(expected) = &s.config.metrics_token {
        let given =
            headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
        let matches = given.is_some_and(|g| {
            use subtle::ConstantTimeEq;
            g.trim().as_bytes().ct_eq(expected.as_bytes()).into()
        });
        if !matches {
            return crate::api::ApiError::Unauthorized("/metrics needs the metrics token as a bearer token".into())
                .into_response();
        }
    }
    let (jobs, messages) =
        tokio::join!(kasir_store::platform::jobs::counts(&s.db), kasir_store::platform::messages::counts(&s.db));
    let counted = |what: &str, r: kasir_store::Result<Vec<(String, String, i64)>>| {
        r.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "counting {what} for /metrics failed");
            Vec::new()
        })
    };
    let text = s.metrics.render(s.db.pool_stats(), &counted("jobs", jobs), &counted("messages", messages));
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], text).into_response()
}

async fn openapi_json() -> Response {
    // Made once, off the request threads (see `crate::app::openapi_json`).
    match tokio::task::spawn_blocking(crate::app::openapi_json).await {
        Ok(json) => ([(header::CONTENT_TYPE, "application/json")], json).into_response(),
        Err(e) => crate::api::ApiError::Internal(format!("making the OpenAPI document: {e}")).into_response(),
    }
}
