//! Offline sync: `GET /sync/pull` of a 10,000-change feed (one client, then many at once) beside
//! listing the same records page by page; `POST /sync/push` of 50-change batches from many
//! devices, without and with conflicts, beside the same writes through `PATCH /customers/{id}`.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use anyhow::{ensure, Context};
use serde_json::{json, Value};

use crate::server;

pub struct Options {
    /// Records in the feed to pull (customers).
    pub changes: usize,
    /// Concurrent pullers and pushing devices.
    pub clients: usize,
    /// Seconds per push phase.
    pub seconds: u64,
}

/// Changes in one push.
const BATCH: usize = 50;

pub async fn run(spec: &str, o: &Options) -> anyhow::Result<()> {
    server::on_fresh_database(spec, |url, label| async move { measure(&url, label, o).await }).await
}

struct Ctx {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Ctx {
    async fn send(&self, req: reqwest::RequestBuilder) -> anyhow::Result<Value> {
        let r = req.bearer_auth(&self.token).send().await?;
        let status = r.status();
        let body: Value = r.json().await?;
        ensure!(status.is_success(), "{status}: {body}");
        Ok(body)
    }

    async fn get(&self, path: &str) -> anyhow::Result<Value> {
        self.send(self.http.get(format!("{}/api/v1{path}", self.base))).await
    }
}

async fn measure(url: &str, label: &str, o: &Options) -> anyhow::Result<()> {
    let s = server::start(url, server::free_port()?).await?;
    let http =
        reqwest::Client::builder().pool_max_idle_per_host(o.clients * 2).timeout(Duration::from_secs(60)).build()?;
    let (_, owner) = server::bench_tenant(&http, &s.base).await?;
    let cx = Arc::new(Ctx { http: http.clone(), base: s.base.clone(), token: owner });

    // The feed: this many customers, created through the API by 16 clients.
    let created = Instant::now();
    let ids = create_customers(&cx, o.changes, 16).await?;
    eprintln!("created {} customers in {:.1} s", ids.len(), created.elapsed().as_secs_f64());

    // Pull everything from the start, 1,000 a page, beside listing the customers 200 a page.
    let (pulled, pull_one) = timed(pull_all(&cx)).await?;
    let (listed, list_one) = timed(list_all(&cx)).await?;
    ensure!(pulled >= o.changes && listed == o.changes, "pulled {pulled}, listed {listed}");
    let (pull_many, list_many) = (many(&cx, o.clients, true).await?, many(&cx, o.clients, false).await?);
    println!(
        "sync-pull {label} changes={pulled} one_client_s={pull_one:.3} ({:.0} changes/s) | list 200/page: {list_one:.3} s ({:.0} records/s) ratio={:.2}",
        pulled as f64 / pull_one,
        listed as f64 / list_one,
        list_one / pull_one,
    );
    println!(
        "sync-pull {label} clients={} each_all_changes wall_s={pull_many:.3} ({:.0} changes/s) | list: {list_many:.3} s ({:.0} records/s) ratio={:.2}",
        o.clients,
        (pulled * o.clients) as f64 / pull_many,
        (listed * o.clients) as f64 / list_many,
        list_many / pull_many,
    );

    // Each device edits its own customers: pushes of 50 updates (every base current), then the
    // same updates through PATCH, then pushes whose bases those PATCHes made stale: every change
    // a conflict, recorded with both sides.
    let per_device = (ids.len() / o.clients).max(1);
    let devices: Vec<Vec<(String, i64)>> =
        ids.chunks(per_device).take(o.clients).map(|c| c.iter().map(|id| (id.clone(), 1)).collect()).collect();
    let (clean, devices) = push_phase(&cx, devices, o.seconds, false).await?;
    let (patched, devices) = patch_phase(&cx, devices, o.seconds).await?;
    let (conflicted, _) = push_phase(&cx, devices, o.seconds, true).await?;
    println!(
        "sync-push {label} devices={} batch={BATCH} changes_per_s={clean:.0} | PATCH one change a request: {patched:.0}/s ratio={:.2}",
        o.clients,
        clean / patched.max(1.0)
    );
    println!(
        "sync-push {label} devices={} batch={BATCH} every_change_a_conflict changes_per_s={conflicted:.0} | PATCH: {patched:.0}/s ratio={:.2}",
        o.clients,
        conflicted / patched.max(1.0)
    );
    Ok(())
}

async fn timed<T>(f: impl std::future::Future<Output = anyhow::Result<T>>) -> anyhow::Result<(T, f64)> {
    let t = Instant::now();
    let v = f.await?;
    Ok((v, t.elapsed().as_secs_f64()))
}

async fn create_customers(cx: &Arc<Ctx>, n: usize, clients: usize) -> anyhow::Result<Vec<String>> {
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (cx, next) = (cx.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                if i >= n {
                    return anyhow::Ok(ids);
                }
                let req = cx
                    .http
                    .post(format!("{}/api/v1/customers", cx.base))
                    .json(&json!({"name": format!("Pelanggan {i}")}));
                let body = cx.send(req).await?;
                ids.push(body["data"]["id"].as_str().context("id")?.to_string());
            }
        }));
    }
    let mut ids = Vec::new();
    for t in tasks {
        ids.extend(t.await??);
    }
    Ok(ids)
}

/// Pulls the whole feed from the start; the number of changes.
async fn pull_all(cx: &Ctx) -> anyhow::Result<usize> {
    let (mut n, mut cursor) = (0, String::new());
    loop {
        let body = cx.get(&format!("/sync/pull?limit=1000&cursor={cursor}")).await?;
        n += body["data"]["changes"].as_array().context("changes")?.len();
        cursor = body["data"]["cursor"].as_str().context("cursor")?.to_string();
        if body["data"]["has_more"] == false {
            return Ok(n);
        }
    }
}

/// Lists every customer, 200 a page; the number of records.
async fn list_all(cx: &Ctx) -> anyhow::Result<usize> {
    let mut n = 0;
    for page in 1.. {
        let body = cx.get(&format!("/customers?per_page=200&page={page}")).await?;
        let items = body["data"].as_array().context("data")?.len();
        n += items;
        if items < 200 {
            break;
        }
    }
    Ok(n)
}

/// `clients` clients each pulling (or listing) everything at once; the wall time.
async fn many(cx: &Arc<Ctx>, clients: usize, pull: bool) -> anyhow::Result<f64> {
    let t = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let cx = cx.clone();
        tasks.push(tokio::spawn(async move {
            if pull {
                pull_all(&cx).await
            } else {
                list_all(&cx).await
            }
        }));
    }
    for task in tasks {
        task.await??;
    }
    Ok(t.elapsed().as_secs_f64())
}

type Devices = Vec<Vec<(String, i64)>>;

/// Each device pushes batches of 50 updates of its customers for `seconds`; changes per second,
/// and the devices with the versions they now know. With `conflicting`, the bases are left as
/// they are (stale) and every answer must be a conflict; otherwise every one applied.
async fn push_phase(
    cx: &Arc<Ctx>,
    devices: Devices,
    seconds: u64,
    conflicting: bool,
) -> anyhow::Result<(f64, Devices)> {
    let until = Instant::now() + Duration::from_secs(seconds);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for mut records in devices {
        let cx = cx.clone();
        tasks.push(tokio::spawn(async move {
            let device = kasir_domain::ids::new_id();
            let (mut sent, mut round) = (0usize, 0usize);
            while Instant::now() < until {
                let changes: Vec<Value> = (0..BATCH)
                    .map(|k| {
                        let (id, base) = &records[(round * BATCH + k) % records.len()];
                        json!({"client_change_id": format!("{round}-{k}"), "entity": "customer", "id": id, "op": "update",
                               "base_version": base, "data": {"notes": format!("push {round}.{k}")}})
                    })
                    .collect();
                let req = cx
                    .http
                    .post(format!("{}/api/v1/sync/push", cx.base))
                    .header("X-Device-Id", &device)
                    .json(&json!({"device_id": device, "changes": changes}));
                let body = cx.send(req).await?;
                for (k, r) in body["data"]["results"].as_array().context("results")?.iter().enumerate() {
                    let want = if conflicting { "conflict" } else { "applied" };
                    ensure!(r["status"] == want, "wanted {want}: {r}");
                    if !conflicting {
                        let i = (round * BATCH + k) % records.len();
                        records[i].1 = r["version"].as_i64().context("version")?;
                    }
                }
                sent += BATCH;
                round += 1;
            }
            anyhow::Ok((sent, records))
        }));
    }
    let (mut sent, mut out) = (0, Vec::new());
    for t in tasks {
        let (n, records) = t.await??;
        sent += n;
        out.push(records);
    }
    Ok((sent as f64 / start.elapsed().as_secs_f64(), out))
}

/// The same edits through `PATCH /customers/{id}`, one change a request, for `seconds`; each
/// device's records that were changed, at the versions it knew.
async fn patch_phase(cx: &Arc<Ctx>, devices: Devices, seconds: u64) -> anyhow::Result<(f64, Devices)> {
    let until = Instant::now() + Duration::from_secs(seconds);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for records in devices {
        let cx = cx.clone();
        tasks.push(tokio::spawn(async move {
            let mut sent = 0usize;
            while Instant::now() < until {
                let (id, _) = &records[sent % records.len()];
                let req = cx
                    .http
                    .patch(format!("{}/api/v1/customers/{id}", cx.base))
                    .json(&json!({"notes": format!("office {sent}")}));
                cx.send(req).await?;
                sent += 1;
            }
            // The records it changed, at the versions the device knew before: stale now.
            let touched = records[..sent.min(records.len())].to_vec();
            anyhow::Ok((sent, touched))
        }));
    }
    let (mut sent, mut out) = (0, Vec::new());
    for t in tasks {
        let (n, records) = t.await??;
        sent += n;
        out.push(records);
    }
    Ok((sent as f64 / start.elapsed().as_secs_f64(), out))
}
