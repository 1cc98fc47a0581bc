//! Issue 17's figures for gateway payments, against a local server of Xendit's protocol
//! (`fake_xendit`) in this process.
//!
//! Callbacks: `payments` wallet top-ups are created through `POST /payments/checkout` and marked
//! paid at the gateway; their callbacks are then sent by `clients` senders at once. Each callback
//! makes Kasir read the invoice again from the gateway and, in one transaction, move the payment
//! to PAID, credit the wallet, record the history and queue the event. Beside it, in the same
//! run: the same callbacks sent again (read again, nothing to change) and the gateway read alone.
//! Latency: one at a time, the time from sending a callback to its `PAYMENT_STATUS_CHANGED` frame
//! on the customer's socket, beside the callback's own HTTP answer.

use std::{
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use anyhow::Context;
use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};

use crate::{
    customers::{percentiles, signup_verified, sms_webhook, Inbox},
    fake_xendit::FakeXendit,
    server,
};

pub struct Options {
    pub payments: usize,
    pub clients: usize,
    pub latency_samples: usize,
}

const SECRET: &str = "xnd_development_bench_secret_key_0001";
const TOKEN: &str = "bench-callback-token-0001";

pub async fn run(spec: &str, o: &Options) -> anyhow::Result<()> {
    server::on_fresh_database(spec, |url, label| async move { measure(&url, label, o).await }).await
}

/// Sends every body with `clients` senders at once: (callbacks per second, per-callback ms).
async fn blast(
    bodies: &[Value],
    clients: usize,
    send: impl Fn(Value) -> futures::future::BoxFuture<'static, bool> + Sync,
) -> anyhow::Result<(f64, Vec<f64>)> {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let workers = (0..clients).map(|_| {
        let next = next.clone();
        let send = &send;
        async move {
            let mut ms = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(body) = bodies.get(i) else { break };
                let t = Instant::now();
                anyhow::ensure!(send(body.clone()).await, "a callback was not answered 200");
                ms.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            anyhow::Ok(ms)
        }
    });
    let all: Vec<f64> = futures::future::try_join_all(workers).await?.into_iter().flatten().collect();
    Ok((all.len() as f64 / started.elapsed().as_secs_f64(), all))
}

async fn measure(url: &str, label: &str, o: &Options) -> anyhow::Result<()> {
    let inbox = Inbox::default();
    let hook = sms_webhook(inbox.clone()).await?;
    let env = [
        ("KASIR_SMS_WEBHOOK_URL", hook.as_str()),
        ("KASIR_SMS_WEBHOOK_SECRET", "bench-secret"),
        ("KASIR_SECRET_KEY", "kasir-bench-secret-key-0123456789abcdef"),
    ];
    let s = server::start_with_env(url, server::free_port()?, &env).await?;
    let http =
        reqwest::Client::builder().pool_max_idle_per_host(o.clients * 2).timeout(Duration::from_secs(60)).build()?;
    let (_, owner) = server::bench_tenant(&http, &s.base).await?;
    let fake = FakeXendit::start(SECRET, TOKEN, Duration::from_secs(1)).await;
    fake.send_callbacks_to(&s.base);
    let r = http
        .post(format!("{}/api/v1/payment-gateways", s.base))
        .bearer_auth(&owner)
        .json(&json!({"provider": "xendit", "secret_key": SECRET, "callback_token": TOKEN, "base_url": fake.url}))
        .send()
        .await?;
    anyhow::ensure!(r.status().as_u16() == 200, "setting the gateway up: {}", r.status());
    signup_verified(&http, &s.base, &inbox, 0).await?;
    let login: Value = http
        .post(format!("{}/api/v1/customer/login", s.base))
        .json(&json!({"tenant": "bench", "username": "customer0", "password": "bench-password"}))
        .send()
        .await?
        .json()
        .await?;
    let customer = login["data"]["access_token"].as_str().with_context(|| format!("login: {login}"))?.to_string();

    // The payments, made through the API (8 at a time), then paid at the gateway.
    let total = o.payments + o.latency_samples;
    let made = Arc::new(tokio::sync::Mutex::new(Vec::with_capacity(total)));
    let counter = Arc::new(AtomicUsize::new(0));
    let makers = (0..8).map(|_| {
        let (http, base, customer, made, counter) =
            (http.clone(), s.base.clone(), customer.clone(), made.clone(), counter.clone());
        async move {
            while counter.fetch_add(1, Ordering::Relaxed) < total {
                let r: Value = http
                    .post(format!("{base}/api/v1/payments/checkout"))
                    .bearer_auth(&customer)
                    .json(&json!({"amount": 10000, "description": "Top up", "purpose": "topup", "method": "invoice"}))
                    .send()
                    .await?
                    .json()
                    .await?;
                let p = (r["data"]["id"].as_str(), r["data"]["external_id"].as_str());
                let (Some(id), Some(ext)) = p else { anyhow::bail!("checkout: {r}") };
                made.lock().await.push((id.to_string(), ext.to_string()));
            }
            anyhow::Ok(())
        }
    });
    futures::future::try_join_all(makers).await?;
    let made = made.lock().await.clone();
    let (timed, sampled) = made.split_at(o.payments);
    let bodies: Vec<Value> = timed.iter().map(|(_, ext)| fake.mark(ext, "PAID")).collect();
    let reads_before = fake.reads.load(Ordering::Relaxed);
    let callback = {
        let fake = fake.clone();
        move |b: Value| -> futures::future::BoxFuture<'static, bool> {
            let fake = fake.clone();
            Box::pin(async move { fake.send(&b, None).await.0 == 200 })
        }
    };
    let (first_rate, first_ms) = blast(&bodies, o.clients, &callback).await?;
    let reads = fake.reads.load(Ordering::Relaxed) - reads_before;
    let (again_rate, again_ms) = blast(&bodies, o.clients, &callback).await?;
    // The gateway read alone, as Kasir makes it.
    let read = {
        let (http, base) = (http.clone(), fake.url.clone());
        let auth = format!("Basic {}", {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD.encode(format!("{SECRET}:"))
        });
        let ids: Vec<String> = timed.iter().map(|(_, ext)| fake.records(ext)[0].id.clone()).collect();
        move |b: Value| -> futures::future::BoxFuture<'static, bool> {
            let i = b.as_u64().unwrap_or(0) as usize;
            let req = http.get(format!("{base}/v2/invoices/{}", ids[i])).header("authorization", auth.clone());
            Box::pin(async move { matches!(req.send().await, Ok(r) if r.status().as_u16() == 200) })
        }
    };
    let indexes: Vec<Value> = (0..timed.len()).map(|i| json!(i)).collect();
    let (read_rate, read_ms) = blast(&indexes, o.clients, &read).await?;
    let balance: Value =
        http.get(format!("{}/api/v1/customer/balance", s.base)).bearer_auth(&customer).send().await?.json().await?;
    let credited = balance["data"]["balance"].as_i64().unwrap_or(-1);
    anyhow::ensure!(credited == 10000 * o.payments as i64, "the wallet holds {credited} after {} top-ups", o.payments);
    let (f50, f99, _) = percentiles(first_ms);
    let (a50, a99, _) = percentiles(again_ms);
    let (r50, r99, _) = percentiles(read_ms);
    println!(
        "callbacks {label} clients={} payments={} paid_cb_per_s={first_rate:.1} p50_ms={f50:.2} p99_ms={f99:.2} gateway_reads={reads} wallet_ok=true \
         | repeat_cb_per_s={again_rate:.1} p50_ms={a50:.2} p99_ms={a99:.2} | baseline gateway_read_per_s={read_rate:.1} p50_ms={r50:.2} p99_ms={r99:.2}",
        o.clients, o.payments
    );

    // Callback to the customer's frame, one at a time.
    let ws_url = format!("{}/api/v1/ws?token={customer}", s.base.replacen("http", "ws", 1));
    let (mut ws, _) = tokio_tungstenite::connect_async(ws_url).await?;
    // Registered once it answers a message (with an ERROR frame).
    ws.send(tokio_tungstenite::tungstenite::Message::Text("{}".into())).await?;
    loop {
        let f = next_text(&mut ws).await?;
        if f["type"] == "ERROR" {
            break;
        }
    }
    let (mut to_frame, mut to_answer) = (Vec::new(), Vec::new());
    for (id, ext) in sampled {
        let body = fake.mark(ext, "PAID");
        let t = Instant::now();
        let (status, _) = fake.send(&body, None).await;
        anyhow::ensure!(status == 200, "callback: {status}");
        to_answer.push(t.elapsed().as_secs_f64() * 1000.0);
        loop {
            let f = next_text(&mut ws).await?;
            if f["type"] == "PAYMENT_STATUS_CHANGED" && f["payload"]["id"] == id.as_str() {
                to_frame.push(t.elapsed().as_secs_f64() * 1000.0);
                break;
            }
        }
    }
    let (l50, l99, lmax) = percentiles(to_frame);
    let (h50, h99, _) = percentiles(to_answer);
    println!(
        "callback_to_frame {label} samples={} p50_ms={l50:.2} p99_ms={l99:.2} max_ms={lmax:.2} | baseline callback_answer p50_ms={h50:.2} p99_ms={h99:.2}",
        o.latency_samples
    );
    drop(s);
    Ok(())
}

async fn next_text<S>(ws: &mut S) -> anyhow::Result<Value>
where
    S: futures::Stream<Item = Result<tokio_tungstenite::tungstenite::Message, tokio_tungstenite::tungstenite::Error>>
        + Unpin,
{
    loop {
        let m = tokio::time::timeout(Duration::from_secs(15), ws.next()).await.context("a frame within 15 s")?;
        if let Some(tokio_tungstenite::tungstenite::Message::Text(t)) = m.transpose()? {
            return Ok(serde_json::from_str(&t)?);
        }
    }
}
