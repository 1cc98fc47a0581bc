//! Never losing a sale: concurrent tills ring up sales with Idempotency-Keys, some giving up on
//! their first try at once, the server is killed with SIGKILL in the middle and started again,
//! and every till retries what got no answer with the same key. Afterwards every acknowledged sale exists exactly once, no sale exists twice,
//! stock equals the ledger and every sale's payments cover its total.

use std::{
    collections::{BTreeMap, BTreeSet},
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, RwLock,
    },
    time::{Duration, Instant},
};

use serde_json::{json, Value};

mod common;
use common::{pg_url, start, Shop};

const SALES: usize = 500;
const TILLS: usize = 16;
const PRODUCTS: usize = 20;

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
    let Shop { tenant_id, outlet, cash, products, cashier, .. } = Shop::open(&http, &base, "crash", PRODUCTS).await;
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
