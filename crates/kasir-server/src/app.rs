//! Building and running the server: connect, migrate, bootstrap, route, serve, shut down gracefully.

mod connections;
mod request_bodies;
pub(crate) mod routes;

use std::{future::Future, sync::Arc, time::Instant};

use anyhow::Context;
use axum::{
    extract::DefaultBodyLimit,
    http::{header, HeaderName, HeaderValue, Method, Request},
    response::IntoResponse,
    Router,
};
use kasir_store::{platform::settings, tenancy::users::NewUser, Actor, Db, DbOptions};
use tower::ServiceBuilder;
use tower_http::{
    catch_panic::CatchPanicLayer,
    cors::{AllowOrigin, CorsLayer},
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    set_header::SetResponseHeaderLayer,
    trace::{DefaultOnResponse, TraceLayer},
    LatencyUnit,
};
use tracing::Level;

use crate::{
    api::ApiError,
    auth::{passwords, tokens},
    config::Config,
    platform::metrics::Metrics,
    state::{AppState, Inner},
};

/// Request bodies above this size get 413.
pub const BODY_LIMIT: usize = 1024 * 1024;
/// Largest uploaded file (imports).
pub const UPLOAD_LIMIT: usize = 20 * 1024 * 1024;
/// Largest multipart body: the file plus room for the form's framing.
pub const UPLOAD_BODY_LIMIT: usize = UPLOAD_LIMIT + 64 * 1024;

/// A built server, ready to serve.
pub struct App {
    pub state: AppState,
    pub router: Router,
}

/// Migrates the database and makes sure a platform admin exists: what [`build`] does to a
/// database before serving it (the test suite runs it once to make its template database).
pub async fn prepare(db: &Db, config: &Config) -> anyhow::Result<()> {
    kasir_store::migrate(db).await.context("migrating the database")?;
    ensure_platform_admin(db, config).await.context("creating the platform admin")
}

/// The OpenAPI document as JSON, made on first use (it is the same for every app of the process):
/// making its ~300 schemas at start-up would cost every start time and memory for a document
/// few requests ask for.
pub fn openapi_json() -> &'static str {
    static JSON: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    JSON.get_or_init(|| {
        let doc = routes::all().finish(env!("CARGO_PKG_VERSION")).docs.openapi();
        // Serializing a document built from typed values cannot fail.
        doc.to_json().unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    })
}

/// Connects to the database, migrates it, makes sure a platform admin exists and builds the router.
pub async fn build(config: Config) -> anyhow::Result<App> {
    let opts = DbOptions {
        max_connections: config.db_max_connections,
        max_writers: config.db_max_writers,
        group_commit: config.sqlite_group_commit,
        ..Default::default()
    };
    let db = Db::connect(&config.database_url, &opts)
        .await
        .with_context(|| format!("connecting to the database at {}", redact(&config.database_url)))?;
    prepare(&db, &config).await?;
    let secret = match &config.jwt_secret {
        Some(s) => s.clone(),
        None => settings::get_or_insert(&db, "jwt_secret", &tokens::random_secret())
            .await
            .context("reading the JWT secret")?,
    };
    let licenses = crate::devices::signing::LicenseKeys::load(&db, config.license_key_file.as_deref()).await?;
    let crate::api::openapi::Finished { router, docs, money_routes, uploads } =
        routes::all().finish(env!("CARGO_PKG_VERSION"));
    drop(docs);
    let body_rules = request_bodies::BodyRules::new(uploads, config.body_timeout);
    let listen_url = (db.backend() == kasir_store::Backend::Postgres).then(|| config.database_url.clone());
    let hub = crate::realtime::Hub::start(db.clone(), listen_url, config.ws_queue);
    let files = config.file_store().context("opening the file store")?;
    let channels = crate::platform::messages::Channels::from_config(&config)?;
    let state = AppState(Arc::new(Inner {
        hub,
        db,
        tokens: tokens::TokenKeys::new(secret.as_bytes()),
        licenses,
        metrics: Metrics::new(),
        started: Instant::now(),
        money_routes,
        inflight: Default::default(),
        jobs: crate::platform::jobs::Jobs::new(),
        rate_limits: Default::default(),
        files,
        error_burst: Default::default(),
        sealer: config.secret_key.as_deref().map(crate::platform::secrets::Sealer::new),
        gateway_client: reqwest::Client::builder()
            .timeout(config.gateway_timeout)
            .connect_timeout(config.gateway_timeout.min(std::time::Duration::from_secs(5)))
            .build()
            .map_err(|e| anyhow::anyhow!("the payment gateway client: {e}"))?,
        config,
    }));
    let router = with_layers(router.with_state(state.clone()), &state, body_rules)?;
    crate::platform::files::register_jobs(&state.jobs, state.files.clone());
    crate::platform::messages::register_jobs(&state.jobs, Arc::new(channels));
    crate::platform::alerts::register_jobs(&state.jobs, state.config.alert_email.clone());
    crate::sync::register_jobs(&state.jobs, state.config.feed_retention_days);
    crate::payments::reconcile::register_jobs(&state.jobs, &state);
    crate::workforce::register_jobs(&state.jobs, &state);
    crate::operations::register_jobs(&state.jobs, &state);
    state.jobs.start(state.db.clone(), state.config.jobs.clone(), state.metrics.clone());
    state.rate_limits.start(state.db.clone());
    // What building the router freed goes back, and so does what bursts of work free later.
    crate::platform::memory::trim();
    crate::platform::memory::start_idle_trim();
    Ok(App { state, router })
}

/// Serves until `shutdown` resolves, then finishes in-flight requests and closes the database.
pub async fn serve(
    app: App,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let db = app.state.db.clone();
    connections::serve(app.router, listener, app.state.config.header_timeout, shutdown).await;
    db.close().await;
    Ok(())
}

fn with_layers(router: Router, state: &AppState, body_rules: request_bodies::BodyRules) -> anyhow::Result<Router> {
    let request_id = HeaderName::from_static("x-request-id");
    let security_headers = ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")));
    let cors = cors(&state.config)?;
    Ok(router
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::platform::idempotency::middleware))
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::platform::rate_limit::limit))
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::platform::metrics::track))
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::auth::client_addr::resolve))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .fallback(|| async { ApiError::NotFound })
        .method_not_allowed_fallback(|| async {
            // 405: the code carries its status.
            ApiError::Rule { code: kasir_domain::ErrorCode::MethodNotAllowed, message: "this method is not allowed here".into() }
                .into_response()
        })
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(|req: &Request<_>| {
                            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
                            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
                        })
                        // One line per request at info, carrying the span (and so the request id).
                        .on_request(())
                        .on_response(DefaultOnResponse::new().level(Level::INFO).latency_unit(LatencyUnit::Micros))
                        .on_failure(()),
                )
                .layer(PropagateRequestIdLayer::new(request_id))
                .layer(CatchPanicLayer::custom(|_: Box<dyn std::any::Any + Send>| {
                    ApiError::Internal("a handler panicked".into()).into_response()
                }))
                .layer(cors)
                .layer(security_headers)
                // Innermost, so that its early 413 and 408 answers carry the headers above.
                .layer(axum::middleware::from_fn_with_state(body_rules, request_bodies::guard)),
        ))
}

fn cors(config: &Config) -> anyhow::Result<CorsLayer> {
    let base = CorsLayer::new()
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE, Method::OPTIONS])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_MATCH,
            HeaderName::from_static("idempotency-key"),
            HeaderName::from_static("x-access-token"),
            HeaderName::from_static("x-request-id"),
            HeaderName::from_static("x-tenant-id"),
            HeaderName::from_static("x-table-session"),
        ])
        .expose_headers([
            HeaderName::from_static("x-request-id"),
            header::RETRY_AFTER,
            HeaderName::from_static("idempotent-replayed"),
        ]);
    if config.cors_origins.iter().any(|o| o == "*") {
        Ok(base.allow_origin(AllowOrigin::any()))
    } else {
        // Config::from_vars refuses such origins; a Config built in code reaches here unchecked.
        let origins = config
            .cors_origins
            .iter()
            .map(|o| {
                HeaderValue::from_str(o).with_context(|| format!("KASIR_CORS_ORIGINS: {o:?} is not a valid origin"))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(base.allow_origin(AllowOrigin::list(origins)))
    }
}

/// Creates the platform admin `admin` on first start. Its password is `KASIR_ADMIN_PASSWORD`, or a
/// generated one printed once on the console.
async fn ensure_platform_admin(db: &Db, config: &Config) -> anyhow::Result<()> {
    if kasir_store::tenancy::users::platform_admin_exists(db).await? {
        return Ok(());
    }
    let (password, generated) = match &config.admin_password {
        Some(p) => (p.clone(), false),
        None => (tokens::random_secret()[..20].to_string(), true),
    };
    let hash = passwords::hash(password.clone()).await?;
    let user = NewUser {
        id: kasir_domain::ids::new_id(),
        tenant_id: None,
        username: "admin".into(),
        password_hash: hash,
        name: "Platform administrator".into(),
        email: None,
        role: "master_admin".into(),
        outlet_ids: Vec::new(),
        is_active: true,
    };
    let mut tx = db.begin(Actor::system()).await?;
    match kasir_store::tenancy::users::insert_raw(&mut tx, &user).await {
        // Another node created it at the same moment.
        Err(kasir_store::StoreError::Conflict { .. }) => return Ok(()),
        other => other?,
    }
    tx.audit(None, "user.create", "user", Some(&user.id), serde_json::json!({ "role": "master_admin" }));
    tx.commit().await?;
    if generated {
        println!("Created the platform admin. Username: admin  Password: {password}  (shown once; set KASIR_ADMIN_PASSWORD to choose it)");
    } else {
        println!("Created the platform admin 'admin' with the password from KASIR_ADMIN_PASSWORD.");
    }
    Ok(())
}

/// Hides a password in a database URL for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}://{user}:***@{}", &url[..s], &url[at + 1..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}
