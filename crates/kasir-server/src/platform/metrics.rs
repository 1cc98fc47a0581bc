//! Prometheus metrics: requests and latency by route and status, database pool gauges and store
//! call times, WebSocket connections and events sent, feed and sync pulls, jobs by kind and
//! status. `KASIR_METRICS_TOKEN`, when set, must come as a bearer token.

use std::{sync::Arc, time::Instant};

use axum::{
    extract::{MatchedPath, Request, State},
    middleware::Next,
    response::Response,
};
use prometheus_client::{
    encoding::EncodeLabelSet,
    metrics::{counter::Counter, family::Family, gauge::Gauge, histogram::Histogram},
    registry::Registry,
};

use crate::state::AppState;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabels {
    kind: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobLabels {
    kind: String,
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CallLabels {
    call: String,
}

/// Time spent in each store call (`kasir_store::…` functions, which run the SQL), fed by
/// [`StoreCallTimer`]; one family for the process, so that the tracing layer needs no state.
static STORE_CALLS: std::sync::LazyLock<Family<CallLabels, Histogram>> = std::sync::LazyLock::new(|| {
    Family::new_with_constructor(|| {
        Histogram::new([0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5])
    })
});

/// The registry and the metrics we update.
#[derive(Clone)]
pub struct Metrics {
    registry: Arc<Registry>,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RequestLabels, Histogram>,
    pool_size: Gauge,
    pool_idle: Gauge,
    ws_connections: Gauge,
    events_sent: Counter,
    pulls: Family<KindLabels, Counter>,
    pushed: Family<KindLabels, Counter>,
    job_runs: Family<JobLabels, Counter>,
    jobs: Family<JobLabels, Gauge>,
    messages: Family<ChannelLabels, Gauge>,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ChannelLabels {
    channel: String,
    status: String,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("kasir");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RequestLabels, Histogram>::new_with_constructor(|| {
            Histogram::new([0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0])
        });
        let pool_size = Gauge::default();
        let pool_idle = Gauge::default();
        registry.register("http_requests", "HTTP requests served", requests.clone());
        registry.register("http_request_duration_seconds", "HTTP request latency", latency.clone());
        registry.register("db_pool_connections", "Open database connections", pool_size.clone());
        registry.register("db_pool_idle_connections", "Idle database connections", pool_idle.clone());
        registry.register(
            "store_call_duration_seconds",
            "Time in store calls (their SQL), by call; recorded when KASIR_LOG enables kasir_store at info",
            STORE_CALLS.clone(),
        );
        let ws_connections = Gauge::default();
        let events_sent = Counter::default();
        let pulls = Family::<KindLabels, Counter>::default();
        let pushed = Family::<KindLabels, Counter>::default();
        registry.register(
            "sync_pushed_changes",
            "Changes devices pushed, by outcome (applied, duplicate, conflict, rejected)",
            pushed.clone(),
        );
        let job_runs = Family::<JobLabels, Counter>::default();
        let jobs = Family::<JobLabels, Gauge>::default();
        registry.register("ws_connections", "Open WebSocket connections", ws_connections.clone());
        registry.register("ws_events_sent", "Events sent to WebSocket clients", events_sent.clone());
        registry.register("pulls", "Change-feed and sync pulls served, by kind (feed or sync)", pulls.clone());
        registry.register("job_runs", "Job attempts run by this process, by kind and outcome", job_runs.clone());
        registry.register("jobs", "Jobs in the queue, by kind and status", jobs.clone());
        let messages = Family::<ChannelLabels, Gauge>::default();
        registry.register("messages", "Outbound messages, by channel and status", messages.clone());
        Metrics {
            registry: Arc::new(registry),
            requests,
            latency,
            pool_size,
            pool_idle,
            ws_connections,
            events_sent,
            pulls,
            pushed,
            job_runs,
            jobs,
            messages,
        }
    }

    /// A WebSocket opened; the guard counts it closed when dropped.
    pub fn ws_opened(&self) -> WsGuard {
        self.ws_connections.inc();
        WsGuard(self.ws_connections.clone())
    }

    pub fn events_sent(&self, n: u64) {
        if n > 0 {
            self.events_sent.inc_by(n);
        }
    }

    /// A pull of `kind` (`feed` or `sync`) served.
    pub fn pulled(&self, kind: &str) {
        self.pulls.get_or_create(&KindLabels { kind: kind.into() }).inc();
    }

    /// A pushed change ended as `outcome` (`applied`, `duplicate`, `conflict` or `rejected`).
    pub fn pushed(&self, outcome: &str) {
        self.pushed.get_or_create(&KindLabels { kind: outcome.into() }).inc();
    }

    /// A job attempt of `kind` ended with `outcome` (`done`, `retry` or `failed`).
    pub fn job_ran(&self, kind: &str, outcome: &str) {
        self.job_runs.get_or_create(&JobLabels { kind: kind.into(), status: outcome.into() }).inc();
    }

    fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        super::memory::served();
        let labels = RequestLabels { method: method.to_string(), route: route.to_string(), status };
        self.requests.get_or_create(&labels).inc();
        self.latency.get_or_create(&labels).observe(seconds);
    }

    /// The text exposition, with pool gauges, job counts (`kind`, `status`, count) and message
    /// counts (`channel`, `status`, count) read now.
    pub fn render(
        &self,
        pool: (u32, u32),
        jobs: &[(String, String, i64)],
        messages: &[(String, String, i64)],
    ) -> String {
        self.pool_size.set(pool.0 as i64);
        self.pool_idle.set(pool.1 as i64);
        self.jobs.clear();
        for (kind, status, n) in jobs {
            self.jobs.get_or_create(&JobLabels { kind: kind.clone(), status: status.clone() }).set(*n);
        }
        self.messages.clear();
        for (channel, status, n) in messages {
            self.messages.get_or_create(&ChannelLabels { channel: channel.clone(), status: status.clone() }).set(*n);
        }
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}

/// Middleware: counts and times each request under its route template (never the raw path).
pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let route =
        req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_string()).unwrap_or_else(|| "unmatched".into());
    let method = req.method().as_str().to_string();
    let start = Instant::now();
    let res = next.run(req).await;
    let status = res.status().as_u16();
    state.metrics.observe(&method, &route, status, start.elapsed().as_secs_f64());
    if status >= 500 {
        if let Some(n) = state.error_burst.record(jiff::Timestamp::now().as_second()) {
            let state = state.clone();
            tokio::spawn(async move {
                let detail = format!(
                    "{n} answers with status 5xx within a minute on {}; the last on {method} {route}. The log names each fault's steps.",
                    state.jobs.node()
                );
                let raised = crate::platform::alerts::raise(
                    &state.db,
                    &state.jobs,
                    state.config.alert_email.as_deref(),
                    "server_errors",
                    &detail,
                );
                if let Err(e) = raised.await {
                    tracing::warn!(error = %e, "raising an operator alert failed");
                }
            });
        }
    }
    res
}

/// Counts a WebSocket connection closed when dropped.
pub struct WsGuard(Gauge);

impl Drop for WsGuard {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// A tracing layer that times every span of a `kasir_store` function (each carries
/// `#[tracing::instrument]`) into `kasir_store_call_duration_seconds`.
pub struct StoreCallTimer;

struct Started(Instant);

impl<S> tracing_subscriber::Layer<S> for StoreCallTimer
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        id: &tracing::span::Id,
        ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        if attrs.metadata().target().starts_with("kasir_store") {
            if let Some(span) = ctx.span(id) {
                span.extensions_mut().insert(Started(Instant::now()));
            }
        }
    }

    fn on_close(&self, id: tracing::span::Id, ctx: tracing_subscriber::layer::Context<'_, S>) {
        if let Some(span) = ctx.span(&id) {
            if let Some(Started(at)) = span.extensions().get::<Started>() {
                let call = format!("{}::{}", span.metadata().target(), span.metadata().name());
                STORE_CALLS.get_or_create(&CallLabels { call }).observe(at.elapsed().as_secs_f64());
            }
        }
    }
}
