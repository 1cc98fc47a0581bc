//! Never losing a sale: concurrent tills ring up sales with Idempotency-Keys, some giving up on
//! their first try at once, the server is killed with SIGKILL in the middle and started again,
//! and every till retries what got no answer with the same key. Afterwards every acknowledged sale exists exactly once, no sale exists twice,
//! stock equals the ledger and every sale's payments cover its total.

use std::{
    collections::{BTreeMap, BTreeSet},
    process::{Child, Command, Stdio},
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, RwLock,
    },
    time::{Duration, Instant},
};

use serde_json::{json, Value};

const SALES: usize = 500;
const TILLS: usize = 16;
const PRODUCTS: usize = 20;
const ADMIN_PASSWORD: &str = "crash-admin-password";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_acknowledged_sales_survive_a_kill_and_retries_never_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/kasir.db", dir.path().display());
    crash_and_retry(&url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_acknowledged_sales_survive_a_kill_and_retries_never_duplicate() {
    let url = pg_url();
    crash_and_retry(&url).await;
}

fn pg_url() -> String {
    let admin =
        std::env::var("KASIR_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let name = format!("kasir_t_{}", kasir_domain::ids::new_id().replace('-', ""));
    let status =
        Command::new("psql").arg(&admin).arg("-qc").arg(format!("CREATE DATABASE {name}")).status().expect("psql runs");
    assert!(status.success(), "PostgreSQL must be running for this test");
    format!("{}/{name}", admin.rsplit_once('/').unwrap().0)
}

/// A running server, killed when dropped.
struct Served(Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `kasir serve` on a free port of loopback; returns once `/health` answers.
async fn start(url: &str) -> (Served, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kasir"));
    for (k, _) in std::env::vars() {
        if k.starts_with("KASIR_") {
            cmd.env_remove(k);
        }
    }
    let child = Served(
        cmd.arg("serve")
            .env("KASIR_DATABASE_URL", url)
            .env("KASIR_BIND", format!("127.0.0.1:{port}"))
            .env("KASIR_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("KASIR_LOG", "warn")
            // Its clients all come from one address.
            .env("KASIR_RATE_LIMIT_PER_MINUTE", "0")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("kasir starts"),
    );
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(r) = http.get(format!("{base}/health")).send().await {
            if r.status().is_success() {
                return (child, base);
            }
        }
        assert!(Instant::now() < deadline, "kasir did not answer /health");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn call(http: &reqwest::Client, method: reqwest::Method, url: String, token: Option<&str>, body: Value) -> Value {
    let mut req = http.request(method, url).json(&body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let r = req.send().await.expect("request sent");
    let status = r.status();
    let v: Value = r.json().await.expect("JSON");
    assert!(status.is_success(), "{status}: {v}");
    v["data"].clone()
}

async fn login(http: &reqwest::Client, base: &str, user: &str, password: &str) -> String {
    let d = call(
        http,
        reqwest::Method::POST,
        format!("{base}/api/v1/auth/login"),
        None,
        json!({"username": user, "password": password}),
    )
    .await;
    d["access_token"].as_str().unwrap().to_string()
}

/// What one till was told about one sale.
#[derive(Debug, Clone)]
struct Acknowledged {
    sale_id: String,
    number: String,
    total: i64,
}

async fn crash_and_retry(url: &str) {
    let (mut child, base) = start(url).await;
    let http = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
    let post = reqwest::Method::POST;
    let admin = login(&http, &base, "admin", ADMIN_PASSWORD).await;
    let tenant = call(&http, post.clone(), format!("{base}/api/v1/tenants"), Some(&admin),
        json!({"name": "Crash", "slug": "crash", "owner": {"username": "crash-owner", "password": "crash-password", "name": "O"}})).await;
    let tenant_id = tenant["id"].as_str().unwrap().to_string();
    let owner = login(&http, &base, "crash-owner", "crash-password").await;
    let api = |path: &str| format!("{base}/api/v1{path}");
    let outlet = call(&http, post.clone(), api("/outlets"), Some(&owner), json!({"name": "Toko", "code": "K01"})).await
        ["id"]
        .as_str()
        .unwrap()
        .to_string();
    let warehouse = {
        let r: Value = http
            .get(api(&format!("/warehouses?outlet_id={outlet}")))
            .bearer_auth(&owner)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        r["data"][0]["id"].as_str().unwrap().to_string()
    };
    let cash = {
        let r: Value =
            http.get(api("/payment-methods")).bearer_auth(&owner).send().await.unwrap().json().await.unwrap();
        r["data"][0]["id"].as_str().unwrap().to_string()
    };
    let mut products = Vec::new();
    for i in 0..PRODUCTS {
        let p = call(
            &http,
            post.clone(),
            api("/products"),
            Some(&owner),
            json!({"sku": format!("P{i:02}"), "name": format!("Produk {i}"), "price": 1000 + 250 * i as i64}),
        )
        .await;
        products.push(p["id"].as_str().unwrap().to_string());
    }
    let lines: Vec<Value> = products.iter().map(|p| json!({"product_id": p, "quantity_delta": 10000})).collect();
    call(
        &http,
        post.clone(),
        api("/stock/adjustments"),
        Some(&owner),
        json!({"warehouse_id": warehouse, "reason": "opening", "lines": lines}),
    )
    .await;
    call(&http, post.clone(), api("/users"), Some(&owner),
        json!({"username": "crash-kasir", "password": "crash-password", "name": "K", "role": "cashier", "outlet_ids": [outlet]})).await;
    let cashier = login(&http, &base, "crash-kasir", "crash-password").await;
    call(&http, post.clone(), api("/shifts/open"), Some(&cashier), json!({"outlet_id": outlet, "start_cash": 0})).await;

    // The sales to ring up: one to three products each, paid in cash with change.
    let jobs: Vec<(String, Value)> = (0..SALES)
        .map(|i| {
            let items: Vec<Value> = (0..1 + i % 3)
                .map(|k| json!({"product_id": products[(i * 7 + k * 3) % PRODUCTS], "quantity": 1 + (i + k) % 2}))
                .collect();
            (format!("crash-{i:04}"), json!({"outlet_id": outlet, "items": items, "payments": [{"payment_method_id": cash, "amount": 100000}]}))
        })
        .collect();
    let jobs = Arc::new(jobs);
    let base_now = Arc::new(RwLock::new(base.clone()));
    let acked = Arc::new(AtomicUsize::new(0));
    let unanswered = Arc::new(AtomicUsize::new(0));
    let mut tills = Vec::new();
    for till in 0..TILLS {
        let (jobs, base_now, acked, unanswered, http, token) =
            (jobs.clone(), base_now.clone(), acked.clone(), unanswered.clone(), http.clone(), cashier.clone());
        tills.push(tokio::spawn(async move {
            let mut told: Vec<(String, Acknowledged)> = Vec::new();
            for (n, (key, body)) in jobs.iter().enumerate().skip(till).step_by(TILLS) {
                let deadline = Instant::now() + Duration::from_secs(120);
                // Every fourth till gives up on its first try almost at once, as one whose network
                // drops: the server may well commit the sale, and the retry must not sell it again.
                let mut timeout = if n % 4 == 0 { Duration::from_millis(2) } else { Duration::from_secs(10) };
                loop {
                    assert!(Instant::now() < deadline, "{key} never got an answer");
                    let base = base_now.read().unwrap().clone();
                    let sent = http
                        .post(format!("{base}/api/v1/sales"))
                        .bearer_auth(&token)
                        .header("idempotency-key", key)
                        .timeout(timeout)
                        .json(body)
                        .send()
                        .await;
                    let answer = match sent {
                        Ok(r) => match (r.status().as_u16(), r.json::<Value>().await) {
                            (status, Ok(v)) => Some((status, v)),
                            (_, Err(_)) => None,
                        },
                        Err(_) => None,
                    };
                    match answer {
                        Some((201, v)) => {
                            let d = &v["data"];
                            told.push((
                                key.clone(),
                                Acknowledged {
                                    sale_id: d["id"].as_str().unwrap().to_string(),
                                    number: d["number"].as_str().unwrap().to_string(),
                                    total: d["total"].as_i64().unwrap(),
                                },
                            ));
                            acked.fetch_add(1, Ordering::SeqCst);
                            break;
                        }
                        // Still running on this node, or overloaded: ask again shortly.
                        Some((409 | 503, _)) => {}
                        Some((status, v)) => panic!("{key}: unexpected {status}: {v}"),
                        None => {
                            unanswered.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                    timeout = Duration::from_secs(10);
                    tokio::time::sleep(Duration::from_millis(25)).await;
                }
            }
            told
        }));
    }

    // Kill the server when about half the sales are acknowledged, then start it again.
    let deadline = Instant::now() + Duration::from_secs(120);
    while acked.load(Ordering::SeqCst) < SALES / 2 {
        assert!(Instant::now() < deadline, "half the sales were never acknowledged");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    child.0.kill().expect("SIGKILL");
    child.0.wait().unwrap();
    let at_kill = acked.load(Ordering::SeqCst);
    let (restarted, new_base) = start(url).await;
    *base_now.write().unwrap() = new_base.clone();

    let mut told: BTreeMap<String, Acknowledged> = BTreeMap::new();
    for t in tills {
        for (key, ack) in t.await.expect("a till finished") {
            assert!(told.insert(key.clone(), ack).is_none(), "{key} acknowledged twice by one till");
        }
    }
    assert!(at_kill < SALES, "the kill came after every sale");
    assert!(unanswered.load(Ordering::SeqCst) > 0, "the kill interrupted nothing");
    assert_eq!(told.len(), SALES, "every sale was acknowledged in the end");

    // Every acknowledged sale exists once, as it was told; nothing else exists.
    let db = kasir_store::Db::connect(url, &kasir_store::DbOptions { max_connections: 2, ..Default::default() })
        .await
        .unwrap();
    let stored: Vec<(String, String, i64)> = sqlx::query_as("SELECT id, number, total FROM sales WHERE tenant_id = $1")
        .bind(&tenant_id)
        .fetch_all(db.reader())
        .await
        .unwrap();
    assert_eq!(stored.len(), SALES, "one sale per key, none twice");
    let by_id: BTreeMap<&str, (&str, i64)> = stored.iter().map(|(id, n, t)| (id.as_str(), (n.as_str(), *t))).collect();
    for (key, ack) in &told {
        assert_eq!(by_id.get(ack.sale_id.as_str()), Some(&(ack.number.as_str(), ack.total)), "{key}");
    }
    let ids: BTreeSet<&str> = told.values().map(|a| a.sale_id.as_str()).collect();
    assert_eq!(ids.len(), SALES, "no two keys were told the same sale");
    let numbers: BTreeSet<&str> = stored.iter().map(|(_, n, _)| n.as_str()).collect();
    assert_eq!(numbers.len(), SALES, "sale numbers are unique");

    // Stock equals the ledger, and the ledger holds exactly what was sold.
    let mismatches = kasir_store::stock::levels::ledger_mismatches(&db, &tenant_id).await.unwrap();
    assert!(mismatches.is_empty(), "levels differ from the ledger: {mismatches:?}");
    let (sold_items,): (i64,) =
        sqlx::query_as("SELECT CAST(COALESCE(SUM(i.quantity), 0) AS BIGINT) FROM sale_items i JOIN sales s ON s.id = i.sale_id WHERE s.tenant_id = $1")
            .bind(&tenant_id)
            .fetch_one(db.reader())
            .await
            .unwrap();
    let (moved,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(quantity_delta), 0) AS BIGINT) FROM stock_movements WHERE tenant_id = $1 AND type = 'sale'",
    )
    .bind(&tenant_id)
    .fetch_one(db.reader())
    .await
    .unwrap();
    assert_eq!(moved, -sold_items, "stock was taken once per sold item");
    let expected_items: i64 = jobs
        .iter()
        .map(|(_, b)| {
            b["items"].as_array().unwrap().iter().map(|i| i["quantity"].as_i64().unwrap() * 1000).sum::<i64>()
        })
        .sum();
    assert_eq!(sold_items, expected_items);

    // Payments, less change, equal every sale's total.
    let unpaid: Vec<(String,)> = sqlx::query_as(
        "SELECT s.id FROM sales s LEFT JOIN sale_payments p ON p.sale_id = s.id WHERE s.tenant_id = $1
         GROUP BY s.id, s.total, s.change_given HAVING CAST(COALESCE(SUM(p.amount), 0) AS BIGINT) - s.change_given <> s.total",
    )
    .bind(&tenant_id)
    .fetch_all(db.reader())
    .await
    .unwrap();
    assert!(unpaid.is_empty(), "sales whose payments differ from their total: {unpaid:?}");
    db.close().await;
    drop(restarted);
}
