//! Issue 16's figures for customer accounts.
//!
//! Signups: `signups` customers sign up at once by SMS code; a local webhook of the SMS protocol
//! catches each code, and the client verifies with it. Each figure is the time from sending the
//! signup to the verified answer (an Argon2id hash, a queued message delivered by the job runner,
//! a verification), beside the same number of staff logins at once (an Argon2id verification each)
//! in the same run. Logins: closed-loop customer logins beside staff logins and `GET /ping`, both
//! logins at the server's configured Argon2id cost.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use anyhow::Context;
use serde_json::{json, Value};
use tokio::sync::Notify;

use crate::{load, server};

pub struct Options {
    pub signups: usize,
    pub clients: usize,
    pub seconds: u64,
}

pub async fn run(spec: &str, o: &Options) -> anyhow::Result<()> {
    server::on_fresh_database(spec, |url, label| async move { measure(&url, label, o).await }).await
}

/// The codes the SMS webhook received, by phone number.
#[derive(Clone, Default)]
pub(crate) struct Inbox {
    codes: Arc<Mutex<HashMap<String, String>>>,
    arrived: Arc<Notify>,
}

pub(crate) async fn sms_webhook(inbox: Inbox) -> anyhow::Result<String> {
    let app = axum::Router::new().route(
        "/sms",
        axum::routing::post(move |body: axum::body::Bytes| {
            let inbox = inbox.clone();
            async move {
                if let Ok(m) = serde_json::from_slice::<Value>(&body) {
                    let (to, text) = (m["to"].as_str().unwrap_or(""), m["text"].as_str().unwrap_or(""));
                    inbox.codes.lock().unwrap().insert(to.to_string(), text.chars().take(6).collect());
                    inbox.arrived.notify_waiters();
                }
                axum::http::StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/sms", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(url)
}

/// Sends the request built by `make`, again after 50 ms while the server answers 503 (its
/// password-hashing queue is full, by design: an app retries); the answer and the retries.
async fn send_retrying(make: impl Fn() -> reqwest::RequestBuilder) -> anyhow::Result<(reqwest::Response, u64)> {
    let mut retries = 0;
    loop {
        let r = make().send().await?;
        if r.status().as_u16() != 503 {
            return Ok((r, retries));
        }
        retries += 1;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub(crate) fn percentiles(mut ms: Vec<f64>) -> (f64, f64, f64) {
    ms.sort_by(|a, b| a.total_cmp(b));
    let at = |q: f64| ms[((ms.len() as f64 * q).ceil() as usize).clamp(1, ms.len()) - 1];
    (at(0.5), at(0.99), *ms.last().unwrap_or(&0.0))
}

async fn measure(url: &str, label: &str, o: &Options) -> anyhow::Result<()> {
    let inbox = Inbox::default();
    let hook = sms_webhook(inbox.clone()).await?;
    let env = [("KASIR_SMS_WEBHOOK_URL", hook.as_str()), ("KASIR_SMS_WEBHOOK_SECRET", "bench-secret")];
    let s = server::start_with_env(url, server::free_port()?, &env).await?;
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(o.signups.max(o.clients))
        .timeout(Duration::from_secs(120))
        .build()?;
    server::bench_tenant(&http, &s.base).await?;
    let base = s.base.clone();

    // Staff logins, all at once: the Argon2id baseline of the same run.
    let started = Instant::now();
    let logins = (0..o.signups).map(|_| {
        let (http, base) = (http.clone(), base.clone());
        async move {
            let t = Instant::now();
            let (r, retries) = send_retrying(|| {
                http.post(format!("{base}/api/v1/auth/login"))
                    .json(&json!({"username": "bench-owner", "password": "bench-password"}))
            })
            .await?;
            anyhow::ensure!(r.status().as_u16() == 200, "staff login: {}", r.status());
            anyhow::Ok((t.elapsed().as_secs_f64() * 1000.0, retries))
        }
    });
    let (staff, staff_retries): (Vec<f64>, Vec<u64>) = futures::future::try_join_all(logins).await?.into_iter().unzip();
    let staff_wall = started.elapsed();

    let started = Instant::now();
    let signups = (0..o.signups).map(|i| {
        let (http, base, inbox) = (http.clone(), base.clone(), inbox.clone());
        async move {
            let t = Instant::now();
            let retries = signup_verified(&http, &base, &inbox, i).await?;
            anyhow::Ok((t.elapsed().as_secs_f64() * 1000.0, retries))
        }
    });
    let (verified, retries): (Vec<f64>, Vec<u64>) = futures::future::try_join_all(signups).await?.into_iter().unzip();
    let wall = started.elapsed();
    let (p50, p99, max) = percentiles(verified);
    let (s50, s99, smax) = percentiles(staff);
    println!(
        "signup {label} concurrent={} signup_to_verified_p50_ms={p50:.0} p99_ms={p99:.0} max_ms={max:.0} wall_s={:.2} retries_503={} | baseline staff_login_p50_ms={s50:.0} p99_ms={s99:.0} max_ms={smax:.0} wall_s={:.2} retries_503={}",
        o.signups,
        wall.as_secs_f64(),
        retries.iter().sum::<u64>(),
        staff_wall.as_secs_f64(),
        staff_retries.iter().sum::<u64>(),
    );

    // Closed-loop logins: customers, staff, and the ping floor.
    let mut figures = Vec::new();
    for (name, path, body) in [
        ("ping", "/api/v1/ping", None),
        ("staff_login", "/api/v1/auth/login", Some(json!({"username": "bench-owner", "password": "bench-password"}))),
        (
            "customer_login",
            "/api/v1/customer/login",
            Some(json!({"tenant": "bench", "username": "customer0", "password": "bench-password"})),
        ),
    ] {
        let (http, url) = (http.clone(), format!("{base}{path}"));
        let f = load::run(o.clients, o.seconds, move || {
            let req = match &body {
                Some(b) => http.post(&url).json(b),
                None => http.get(&url),
            };
            async move {
                match req.send().await {
                    Ok(r) if r.status().as_u16() == 200 => r.bytes().await.is_ok(),
                    _ => false,
                }
            }
        })
        .await;
        println!(
            "load {label} {name} clients={} rps={:.1} p50_ms={:.2} p99_ms={:.2} errors={}",
            o.clients, f.per_sec, f.p50_ms, f.p99_ms, f.errors
        );
        figures.push(f);
    }
    println!(
        "ratio {label} customer_login/staff_login rps={:.2} customer_login/ping rps={:.4}",
        figures[2].per_sec / figures[1].per_sec.max(0.001),
        figures[2].per_sec / figures[0].per_sec.max(0.001),
    );
    drop(s);
    Ok(())
}

/// Signs up customer `i` (`customer{i}`, password `bench-password`) by SMS code and verifies it;
/// the 503 retries it took.
pub(crate) async fn signup_verified(
    http: &reqwest::Client,
    base: &str,
    inbox: &Inbox,
    i: usize,
) -> anyhow::Result<u64> {
    let phone = format!("+62800{i:07}");
    let body = json!({"tenant": "bench", "username": format!("customer{i}"), "password": "bench-password",
                      "email": format!("customer{i}@bench.local"), "full_name": "Bench", "phone_number": phone, "mode": "OTP"});
    let (r, retries) = send_retrying(|| http.post(format!("{base}/api/v1/customer/signup")).json(&body)).await?;
    let r: Value = r.json().await?;
    let handle = r["data"]["verification_token"].as_str().with_context(|| format!("signup: {r}"))?.to_string();
    let code = loop {
        let waiting = inbox.arrived.notified();
        if let Some(code) = inbox.codes.lock().unwrap().get(&phone).cloned() {
            break code;
        }
        tokio::time::timeout(Duration::from_secs(60), waiting).await.context("the SMS within 60 s")?;
    };
    let v = http
        .post(format!("{base}/api/v1/customer/verify"))
        .json(&json!({"verification_token": handle, "otp": code}))
        .send()
        .await?;
    anyhow::ensure!(v.status().as_u16() == 200, "verify: {}", v.status());
    Ok(retries)
}
