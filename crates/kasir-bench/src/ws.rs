//! Realtime delivery at scale: many WebSocket clients on one node while sales commit at a steady
//! rate; the latency from each event's commit to its receipt, the server's resident memory per
//! connection, and whether any client missed an event.

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use anyhow::Context;
use futures::StreamExt;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

use crate::server;

#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub clients: usize,
    /// Events (sales) per second.
    pub rate: u64,
    pub seconds: u64,
}

/// Measures one client first (the baseline: commit to receipt with no fan-out), then
/// `o.clients`, each on a fresh database, and prints both and their ratio.
pub async fn run(spec: &str, o: &Options) -> anyhow::Result<()> {
    let alone = once(spec, &Options { clients: 1, ..*o }).await?;
    let many = once(spec, o).await?;
    println!(
        "ratio ws clients={} p50_vs_one_client={:.2} p99_vs_one_client={:.2}",
        o.clients,
        many.0 / alone.0.max(0.001),
        many.1 / alone.1.max(0.001)
    );
    Ok(())
}

async fn once(spec: &str, o: &Options) -> anyhow::Result<(f64, f64)> {
    server::on_fresh_database(spec, |url, label| async move { measure(&url, label, o).await }).await
}

/// What one client saw: each event's seq and its latency from commit to receipt (ms).
type Seen = Vec<(i64, f64)>;

/// Runs the load and prints its line; returns the latency p50 and p99 (ms).
async fn measure(url: &str, label: &str, o: &Options) -> anyhow::Result<(f64, f64)> {
    let s = server::start(url, server::free_port()?).await?;
    let http = reqwest::Client::new();
    let (_, owner) = server::bench_tenant(&http, &s.base).await?;
    let api = |path: &str| format!("{}/api/v1{path}", s.base);
    let post = |path: &str, token: &str, body: Value| {
        let req = http.post(api(path)).bearer_auth(token).json(&body);
        async move {
            let r: Value = req.send().await?.error_for_status()?.json().await?;
            anyhow::Ok(r["data"].clone())
        }
    };
    let outlet = post("/outlets", &owner, json!({"name": "Toko", "code": "T01"})).await?["id"]
        .as_str()
        .context("outlet")?
        .to_string();
    let product = post("/products", &owner, json!({"sku": "TEH", "name": "Teh", "price": 5000, "track_stock": false}))
        .await?["id"]
        .as_str()
        .context("product")?
        .to_string();
    post("/shifts/open", &owner, json!({"outlet_id": outlet, "start_cash": 0})).await?;
    let cash = {
        let r: Value = http.get(api("/payment-methods")).bearer_auth(&owner).send().await?.json().await?;
        r["data"][0]["id"].as_str().context("Cash")?.to_string()
    };

    let pid = s.child.id();
    let rss_before = server::rss_mib(pid)?;
    let ws_url = format!("{}/api/v1/ws?token={owner}", s.base.replacen("http", "ws", 1));
    // Each client only reads and notes what it read; it is stopped from outside, so that reading
    // a frame costs it no timer (2,000 clients share the server's cores). Its read buffer is
    // small, as the server's sockets' are: tungstenite zeroes the free part of it (128 KiB by
    // default) before every read, which was 43% of this process's CPU with 2,000 clients.
    let config = tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default().read_buffer_size(4096);
    let mut clients = Vec::with_capacity(o.clients);
    for _ in 0..o.clients {
        let (ws, _) = tokio_tungstenite::connect_async_with_config(&ws_url, Some(config), true)
            .await
            .context("a client connects")?;
        let seen = Arc::new(Mutex::new(Seen::new()));
        let noted = seen.clone();
        let task = tokio::spawn(async move {
            let mut stream = ws;
            while let Some(Ok(msg)) = stream.next().await {
                if let Message::Text(t) = msg {
                    if let Some(x) = seq_and_latency(&t) {
                        noted.lock().unwrap_or_else(|e| e.into_inner()).push(x);
                    }
                }
            }
        });
        clients.push((task, seen));
    }
    // Let the last handshakes settle, then measure memory with every client connected and idle.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_connected = server::rss_mib(pid)?;

    let body = json!({"outlet_id": outlet, "items": [{"product_id": product, "quantity": 1}],
                      "payments": [{"payment_method_id": cash, "amount": 5000}]});
    let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / o.rate.max(1)));
    let started = Instant::now();
    let mut sent = 0u64;
    let mut sales = tokio::task::JoinSet::new();
    while started.elapsed() < Duration::from_secs(o.seconds) {
        tick.tick().await;
        let req = http.post(api("/sales")).bearer_auth(&owner).json(&body);
        sales.spawn(async move { req.send().await.map(|r| r.status().as_u16() == 201).unwrap_or(false) });
        sent += 1;
    }
    let mut committed = 0u64;
    while let Some(r) = sales.join_next().await {
        committed += u64::from(r.unwrap_or(false));
    }
    let rss_peak = server::peak_rss_mib(pid)?;
    // Give the last events a moment to arrive, then stop every client.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let clients_connected = clients.len();
    let mut latencies = Vec::new();
    let mut lost = 0u64;
    // A client whose task ended before it was stopped had its socket closed by the server (one
    // too slow for its queue is closed with 4000).
    let mut closed = 0usize;
    for (task, seen) in clients {
        closed += usize::from(task.is_finished());
        task.abort();
        let seen = std::mem::take(&mut *seen.lock().unwrap_or_else(|e| e.into_inner()));
        let mut seqs: Vec<i64> = seen.iter().map(|(s, _)| *s).collect();
        seqs.sort_unstable();
        seqs.dedup();
        lost += committed.saturating_sub(seqs.len() as u64);
        latencies.extend(seen.iter().map(|(_, l)| *l));
    }
    latencies.sort_by(|a, b| a.total_cmp(b));
    let pct = |p: f64| latencies.get(((latencies.len() as f64 - 1.0) * p).round() as usize).copied().unwrap_or(0.0);
    println!(
        "ws {label} clients={} closed={closed} rate={}/s seconds={} events={committed} of {sent} deliveries={} lost={lost} \
         latency_p50_ms={:.1} latency_p99_ms={:.1} rss_idle_mib={rss_before:.1} rss_connected_mib={rss_connected:.1} \
         rss_per_connection_kib={:.1} rss_peak_mib={rss_peak:.1}",
        clients_connected,
        o.rate,
        o.seconds,
        latencies.len(),
        pct(0.5),
        pct(0.99),
        (rss_connected - rss_before) * 1024.0 / o.clients.max(1) as f64,
    );
    Ok((pct(0.5), pct(0.99)))
}

/// The fields of a frame a client here reads; the payload is skipped over, not built, so that
/// 2,000 clients on the server's own cores cost the machine as little as they can.
#[derive(serde::Deserialize)]
struct Head<'a> {
    seq: i64,
    at: &'a str,
}

/// The event's seq, and the milliseconds from its `at` (set as its transaction commits) to now.
fn seq_and_latency(text: &str) -> Option<(i64, f64)> {
    let head: Head = serde_json::from_str(text).ok()?;
    let at: jiff::Timestamp = head.at.parse().ok()?;
    let ms = (jiff::Timestamp::now() - at).total(jiff::Unit::Millisecond).ok()?;
    Some((head.seq, ms))
}
