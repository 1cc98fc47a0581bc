//! A closed-loop load generator: `clients` tasks each run `op` back to back for `seconds`.

use std::{
    future::Future,
    sync::Arc,
    time::{Duration, Instant},
};

/// Throughput, latency percentiles and errors of one load run.
#[derive(Debug, Clone)]
pub struct Figures {
    pub ops: u64,
    pub per_sec: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub errors: u64,
}

/// Runs `op` from `clients` concurrent tasks for `seconds` after a one-second warm-up.
///
/// Counted: every operation that ends after the warm-up (the last ones end after `seconds`, and
/// when one operation takes longer than the whole run, each client's ends it). The rate is over
/// the time from the end of the warm-up to the last counted end.
pub async fn run<F, Fut>(clients: usize, seconds: u64, op: F) -> Figures
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = bool> + Send,
{
    let op = Arc::new(op);
    let warm_until = Instant::now() + Duration::from_secs(1);
    let stop = warm_until + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let op = op.clone();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut errors = 0u64;
            let mut last_end = stop;
            loop {
                let t = Instant::now();
                if t >= stop {
                    break;
                }
                let ok = op().await;
                let end = Instant::now();
                if end > warm_until {
                    lat.push(end - t);
                    last_end = last_end.max(end);
                    if !ok {
                        errors += 1;
                    }
                }
            }
            (lat, errors, last_end)
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    let mut last_end = stop;
    for t in tasks {
        if let Ok((lat, e, end)) = t.await {
            all.extend(lat);
            errors += e;
            last_end = last_end.max(end);
        }
    }
    all.sort_unstable();
    let pct = |p: f64| -> f64 {
        if all.is_empty() {
            return 0.0;
        }
        let i = ((all.len() as f64 - 1.0) * p).round() as usize;
        all[i].as_secs_f64() * 1000.0
    };
    Figures {
        ops: all.len() as u64,
        per_sec: all.len() as f64 / (last_end - warm_until).as_secs_f64(),
        p50_ms: pct(0.50),
        p99_ms: pct(0.99),
        errors,
    }
}
