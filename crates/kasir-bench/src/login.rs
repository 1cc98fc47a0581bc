//! Issue 11's login figures: what Argon2 password hashing costs the server in memory and time.
//!
//! First a burst of logins (64, 32 at once) on a freshly started server, with its peak and final
//! resident memory, beside the same burst of `GET /api/v1/ping`; then closed-loop logins against
//! the ping floor at the same concurrency. A 503 (hashing queue full) is counted apart from other
//! failures, since it is the server refusing work by design rather than failing it.

use std::{
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use futures::StreamExt;
use serde_json::json;

use crate::{load, server};

pub struct Options {
    /// Concurrent clients of the closed-loop phase.
    pub clients: usize,
    /// Seconds of the closed-loop phase, after a one-second warm-up.
    pub seconds: u64,
    /// Logins in the burst.
    pub burst: usize,
    /// Logins of the burst in flight at once.
    pub at_once: usize,
}

pub async fn run(spec: &str, o: &Options) -> anyhow::Result<()> {
    server::on_fresh_database(spec, |url, label| async move { measure(&url, label, o).await }).await
}

/// How requests of one phase ended.
#[derive(Default)]
struct Outcomes {
    ok: AtomicU64,
    busy: AtomicU64,
    other: AtomicU64,
}

impl Outcomes {
    /// Counts one request's end; true for a 200.
    fn record(&self, status: Result<u16, reqwest::Error>) -> bool {
        let ok = matches!(status, Ok(200));
        let counter = match status {
            Ok(200) => &self.ok,
            Ok(503) => &self.busy,
            Ok(_) | Err(_) => &self.other,
        };
        counter.fetch_add(1, Ordering::Relaxed);
        ok
    }

    fn summary(&self) -> String {
        format!(
            "ok={} busy_503={} other_errors={}",
            self.ok.load(Ordering::Relaxed),
            self.busy.load(Ordering::Relaxed),
            self.other.load(Ordering::Relaxed)
        )
    }
}

async fn measure(url: &str, label: &str, o: &Options) -> anyhow::Result<()> {
    let s = server::start(url, server::free_port()?).await?;
    let pid = s.child.id();
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(o.clients.max(o.at_once))
        .timeout(Duration::from_secs(60))
        .build()?;
    let ping_req = {
        let (http, base) = (http.clone(), s.base.clone());
        move || http.get(format!("{base}/api/v1/ping"))
    };
    let login_req = {
        let (http, base) = (http.clone(), s.base.clone());
        move || {
            http.post(format!("{base}/api/v1/auth/login"))
                .json(&json!({"username": "admin", "password": server::ADMIN_PASSWORD}))
        }
    };
    // The platform admin's password was hashed at start-up; let that settle before the baseline.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_idle = server::rss_mib(pid)?;

    // The burst first, so that the peak is the burst's own and not the closed loop's.
    for (name, make) in [("ping", &ping_req as &(dyn Fn() -> reqwest::RequestBuilder + Sync)), ("login", &login_req)] {
        let outcomes = Outcomes::default();
        let started = Instant::now();
        futures::stream::iter(0..o.burst)
            .map(|_| status_of(make()))
            .buffer_unordered(o.at_once)
            .for_each(|status| {
                outcomes.record(status);
                async {}
            })
            .await;
        let took = started.elapsed();
        let peak = server::peak_rss_mib(pid)?;
        // RSS is read after a pause so that memory the server frees on its own is not counted.
        tokio::time::sleep(Duration::from_secs(1)).await;
        println!(
            "burst {label} {name} requests={} at_once={} seconds={:.2} {} rss_before_mib={rss_idle:.1} peak_rss_mib={peak:.1} rss_after_mib={:.1}",
            o.burst,
            o.at_once,
            took.as_secs_f64(),
            outcomes.summary(),
            server::rss_mib(pid)?
        );
    }

    let mut figures = Vec::new();
    for (name, make) in [
        ("ping", Arc::new(ping_req) as Arc<dyn Fn() -> reqwest::RequestBuilder + Send + Sync>),
        ("login", Arc::new(login_req)),
    ] {
        let outcomes = Arc::new(Outcomes::default());
        let f = {
            let outcomes = outcomes.clone();
            load::run(o.clients, o.seconds, move || {
                let (req, outcomes) = (make(), outcomes.clone());
                async move { outcomes.record(status_of(req).await) }
            })
            .await
        };
        println!(
            "load {label} {name} clients={} requests={} rps={:.1} p50_ms={:.2} p99_ms={:.2} errors={} (with warm-up: {})",
            o.clients,
            f.ops,
            f.per_sec,
            f.p50_ms,
            f.p99_ms,
            f.errors,
            outcomes.summary()
        );
        figures.push(f);
    }
    println!(
        "ratio {label} login/ping rps={:.4} p50={:.1} rss_after_load_mib={:.1} peak_rss_mib={:.1}",
        figures[1].per_sec / figures[0].per_sec.max(1.0),
        figures[1].p50_ms / figures[0].p50_ms.max(0.001),
        server::rss_mib(pid)?,
        server::peak_rss_mib(pid)?
    );
    drop(s);
    Ok(())
}

/// Sends a request and reads its whole body (so that the connection is reused), for its status.
async fn status_of(req: reqwest::RequestBuilder) -> Result<u16, reqwest::Error> {
    let res = req.send().await?;
    let status = res.status().as_u16();
    res.bytes().await?;
    Ok(status)
}
