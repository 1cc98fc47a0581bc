use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use crate::common::{Backend, TestServer, PASSWORD};

crate::backend_tests!(
    pull_pages_with_a_cursor_and_filters,
    pull_never_misses_a_change_under_concurrent_writers,
    pull_never_misses_a_sale_of_32_tills_across_8_outlets,
);

/// Every change the token receives from the start (`query` adds filters), and the cursor.
pub async fn pull_all(s: &TestServer, token: &str, query: &str) -> (Vec<Value>, String) {
    let mut cursor = String::new();
    let mut changes = Vec::new();
    loop {
        let r = s.get(&format!("/sync/pull?limit=7&cursor={cursor}{query}"), token).await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        changes.extend(r.data()["changes"].as_array().unwrap().iter().cloned());
        cursor = r.data()["cursor"].as_str().unwrap().to_string();
        if !r.data()["has_more"].as_bool().unwrap() {
            return (changes, cursor);
        }
    }
}

async fn pull_pages_with_a_cursor_and_filters(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    let other = s.tenant("other").await;
    s.outlet(&other.owner, "X1").await;
    let k1 = s.outlet(&t.owner, "K01").await;
    let k2 = s.outlet(&t.owner, "K02").await;
    let cashier = s.user(&t.owner, "kasir1", "cashier", &[&k1]).await;
    for i in 0..10 {
        s.patch(&format!("/outlets/{k1}"), &t.owner, json!({"name": format!("Sudirman {i}")})).await;
    }
    s.delete(&format!("/outlets/{k2}"), &t.owner).await;
    let (changes, cursor) = pull_all(&s, &t.owner, "").await;
    // tenant + owner + Cash, 2 outlets and their 2 warehouses, 1 user, 10 updates, 1 delete.
    assert_eq!(changes.len(), 19, "{changes:?}");
    assert!(changes.iter().all(|c| c["data"]["tenant_id"] == t.id.as_str() || c["entity"] == "tenant"));
    let last_k1 = changes.iter().rev().find(|c| c["id"] == k1.as_str()).unwrap();
    assert_eq!(last_k1["version"], 11);
    assert_eq!(last_k1["data"]["name"], "Sudirman 9");
    let deleted = changes.iter().find(|c| c["id"] == k2.as_str() && c["op"] == "delete").unwrap();
    assert_eq!(deleted["version"], 2);
    let user = changes.iter().find(|c| c["id"] == cashier.as_str()).unwrap();
    assert_eq!(user["entity"], "user");
    assert!(user["data"].get("password_hash").is_none());
    assert!(!serde_json::to_string(&changes).unwrap().contains("argon2"));
    // Nothing new: an empty page and the same cursor.
    let again = s.get(&format!("/sync/pull?cursor={cursor}"), &t.owner).await;
    assert_eq!(again.data()["changes"].as_array().unwrap().len(), 0);
    assert_eq!(again.data()["cursor"], cursor.as_str());
    s.patch(&format!("/outlets/{k1}"), &t.owner, json!({"name": "After"})).await;
    let next = s.get(&format!("/sync/pull?cursor={cursor}"), &t.owner).await;
    assert_eq!(next.data()["changes"].as_array().unwrap().len(), 1);
    let (users_only, _) = pull_all(&s, &t.owner, "&entities=user").await;
    assert_eq!(users_only.len(), 2);
    // A cashier of K01 does not receive K02's changes.
    let c = s.token("kasir1", PASSWORD).await;
    let (seen, _) = pull_all(&s, &c, "&entities=outlet").await;
    assert!(seen.iter().all(|ch| ch["id"] == k1.as_str()), "{seen:?}");
    assert!(!seen.is_empty());
    assert_eq!(s.get("/sync/pull?cursor=bogus", &t.owner).await.fields(), vec!["cursor"]);
    assert_eq!(s.get("/sync/pull?entities=secrets", &t.owner).await.fields(), vec!["entities"]);
    assert_eq!(s.get("/sync/pull?limit=0", &t.owner).await.status, 400);
    let kitchen = s.user(&t.owner, "kitchen1", "kitchen", &[&k1]).await;
    let _ = kitchen;
}

/// DESIGN invariant 7: 8 writers commit in whatever order the database lets them while a puller
/// follows the cursor; every committed (record, version) must be pulled.
async fn pull_never_misses_a_change_under_concurrent_writers(b: Backend) {
    const WRITERS: usize = 8;
    const OUTLETS_PER_WRITER: usize = 50;
    const UPDATES_PER_OUTLET: usize = 12;
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let puller = follow(&s, &t.owner, "outlet", 300, done.clone());
    let mut writers = Vec::new();
    for w in 0..WRITERS {
        let (base, token) = (s.base.clone(), t.owner.clone());
        writers.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut committed: BTreeMap<String, i64> = BTreeMap::new();
            let mut ids = Vec::new();
            for i in 0..OUTLETS_PER_WRITER {
                let r: Value = client
                    .post(format!("{base}/api/v1/outlets"))
                    .bearer_auth(&token)
                    .json(&json!({"name": format!("W{w} O{i}"), "code": format!("W{w}-{i}")}))
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                let id = r["data"]["id"].as_str().unwrap_or_else(|| panic!("create failed: {r}")).to_string();
                committed.insert(id.clone(), 1);
                ids.push(id);
            }
            for round in 0..UPDATES_PER_OUTLET {
                for id in &ids {
                    let r: Value = client
                        .patch(format!("{base}/api/v1/outlets/{id}"))
                        .bearer_auth(&token)
                        .json(&json!({"name": format!("W{w} round {round}")}))
                        .send()
                        .await
                        .unwrap()
                        .json()
                        .await
                        .unwrap();
                    let v = r["data"]["version"].as_i64().unwrap_or_else(|| panic!("update failed: {r}"));
                    committed.insert(id.clone(), v);
                }
            }
            committed
        }));
    }
    let mut expected: BTreeSet<(String, i64)> = BTreeSet::new();
    for w in writers {
        for (id, last) in w.await.unwrap() {
            for v in 1..=last {
                expected.insert((id.clone(), v));
            }
        }
    }
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    let seen = puller.await.unwrap();
    assert_eq!(expected.len(), WRITERS * OUTLETS_PER_WRITER * (1 + UPDATES_PER_OUTLET));
    assert!(expected.len() >= 5000);
    let missed: Vec<_> = expected.difference(&seen).take(5).collect();
    assert!(
        missed.is_empty(),
        "the puller missed committed changes, e.g. {missed:?} ({} of {})",
        expected.difference(&seen).count(),
        expected.len()
    );
}

/// Issue 20: 32 tills on 8 outlets (4 each) sell at once while a puller follows the cursor. No
/// tenant-wide lock orders their commits any more; every sale must still be pulled, and each
/// outlet's numbers must run 1, 2, 3, … for the day without a gap.
async fn pull_never_misses_a_sale_of_32_tills_across_8_outlets(b: Backend) {
    const OUTLETS: usize = 8;
    const TILLS_PER_OUTLET: usize = 4;
    const SALES_PER_TILL: usize = 15;
    let s = TestServer::start(b).await;
    let t = crate::till::Till::new(&s).await;
    let cake = t.product(&s, "CAKE", 10000, json!({})).await;
    let mut outlets = vec![t.outlet.clone()];
    for i in 1..OUTLETS {
        outlets.push(s.outlet(&t.owner, &format!("K{:02}", i + 1)).await);
    }
    // A till is a cashier with a shift of their own at one outlet.
    let mut tills = Vec::new();
    for (o, outlet) in outlets.iter().enumerate() {
        let wh = s.get(&format!("/warehouses?outlet_id={outlet}"), &t.owner).await;
        let line = json!({"product_id": cake, "quantity_delta": 1000});
        let body = json!({"warehouse_id": wh.data()[0]["id"], "reason": "delivery", "lines": [line]});
        assert_eq!(s.post("/stock/adjustments", &t.owner, body).await.status, 201);
        for k in 0..TILLS_PER_OUTLET {
            let name = format!("till{o}x{k}");
            s.user(&t.owner, &name, "cashier", &[outlet]).await;
            let token = s.token(&name, PASSWORD).await;
            let r = s.post("/shifts/open", &token, json!({"outlet_id": outlet, "start_cash": 0})).await;
            assert_eq!(r.status, 201, "{:?}", r.body);
            tills.push((outlet.clone(), token));
        }
    }
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let puller = follow(&s, &t.owner, "sale", 100, done.clone());
    let mut writers = Vec::new();
    for (outlet, token) in tills {
        let (base, cash, cake) = (s.base.clone(), t.cash.clone(), cake.clone());
        writers.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut sold = Vec::new();
            for _ in 0..SALES_PER_TILL {
                let body = json!({"outlet_id": outlet, "items": [{"product_id": cake, "quantity": 1}],
                                  "payments": [{"payment_method_id": cash, "amount": 10000}]});
                let r: Value = client
                    .post(format!("{base}/api/v1/sales"))
                    .bearer_auth(&token)
                    .json(&body)
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                let id = r["data"]["id"].as_str().unwrap_or_else(|| panic!("sale failed: {r}")).to_string();
                sold.push((outlet.clone(), id, r["data"]["number"].as_str().unwrap().to_string()));
            }
            sold
        }));
    }
    let mut sold = Vec::new();
    for w in writers {
        sold.extend(w.await.unwrap());
    }
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    let seen: BTreeSet<String> = puller.await.unwrap().into_iter().map(|(id, _)| id).collect();
    assert_eq!(sold.len(), OUTLETS * TILLS_PER_OUTLET * SALES_PER_TILL);
    let missed: Vec<_> = sold.iter().filter(|(_, id, _)| !seen.contains(id)).take(5).collect();
    assert!(missed.is_empty(), "the puller missed committed sales, e.g. {missed:?}");
    assert_eq!(seen.len(), sold.len());
    // Per outlet: the numbers' counters are 1..=60, each once.
    for outlet in &outlets {
        let mut counters: Vec<u64> = sold
            .iter()
            .filter(|(o, _, _)| o == outlet)
            .map(|(_, _, number)| number.rsplit('-').next().unwrap().parse().unwrap())
            .collect();
        counters.sort_unstable();
        let expected: Vec<u64> = (1..=(TILLS_PER_OUTLET * SALES_PER_TILL) as u64).collect();
        assert_eq!(counters, expected, "outlet {outlet}");
    }
}

/// Follows the feed of `entity` with the cursor, `limit` a page, until one full pass after `done`
/// is set: every (record, version) pulled.
fn follow(
    s: &TestServer,
    token: &str,
    entity: &str,
    limit: usize,
    done: std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> tokio::task::JoinHandle<BTreeSet<(String, i64)>> {
    let (base, token, entity) = (s.base.clone(), token.to_string(), entity.to_string());
    tokio::spawn(async move {
        let client = reqwest::Client::new();
        let mut cursor = String::new();
        let mut seen: BTreeSet<(String, i64)> = BTreeSet::new();
        let mut finished_after_done = false;
        loop {
            let writers_done = done.load(std::sync::atomic::Ordering::SeqCst);
            let r: Value = client
                .get(format!("{base}/api/v1/sync/pull?limit={limit}&entities={entity}&cursor={cursor}"))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            for c in r["data"]["changes"].as_array().unwrap() {
                seen.insert((c["id"].as_str().unwrap().to_string(), c["version"].as_i64().unwrap()));
            }
            cursor = r["data"]["cursor"].as_str().unwrap().to_string();
            if !r["data"]["has_more"].as_bool().unwrap() {
                if finished_after_done {
                    return seen;
                }
                // One more full pass after the writers have stopped.
                finished_after_done = writers_done;
            }
        }
    })
}
