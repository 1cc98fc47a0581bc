//! Tills offline for days (issue 14): eight devices, each offline for a random stretch, sell,
//! edit customers and products (sometimes the same fields as each other and as the office),
//! adjust stock and open and close shifts; then push what they did in random batch splits, with
//! answers lost (the batch sent again) and batches sent twice at once, while the office edits
//! online and the server restarts once. Afterwards every change was applied once or recorded
//! as a conflict, no sale is missing or doubled, stock equals the ledger and what was sold, and
//! every device that pulls to the end holds exactly the server's records.
//!
//! Seeded: `KASIR_SIM_SEED=<n>` replays a run (the seed is printed).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rand::{rngs::StdRng, seq::SliceRandom, Rng, SeedableRng};
use reqwest::Method;
use serde_json::{json, Value};

use crate::{
    common::{all, Backend, Resp, TestServer, PASSWORD},
    till::{id, Till},
};

crate::backend_tests!(tills_offline_for_days_converge_with_the_server);

const DEVICES: usize = 8;
const ROUNDS: usize = 6;
const START_STOCK: f64 = 10.0;

/// A record as a device knows it from its pulls: its version and data.
type Cache = BTreeMap<(String, String), (i64, Value)>;

struct Device {
    id: String,
    token: String,
    cursor: Option<String>,
    /// What the server sent it (only pulls change this).
    cache: Cache,
    /// Changes made offline and not yet acknowledged.
    queue: Vec<Value>,
    /// `(shift id, float, cash taken)` of its open shift.
    shift: Option<(String, i64, i64)>,
    made: u64,
}

/// What the devices did, to check the server against.
#[derive(Default)]
struct Expected {
    /// Every answer each change got, by `device/client_change_id`.
    answers: BTreeMap<String, Vec<String>>,
    conflict_ids: BTreeSet<String>,
    /// Sale id → total.
    sales: BTreeMap<String, i64>,
    /// Product id → change in stock.
    stock: HashMap<String, f64>,
    /// Shift id → counted cash, for the shifts closed.
    closed: BTreeMap<String, i64>,
}

fn at(clock: &mut jiff::Timestamp) -> String {
    *clock += jiff::SignedDuration::from_mins(7);
    kasir_domain::time::format_ts(*clock)
}

impl Device {
    fn ccid(&mut self) -> String {
        self.made += 1;
        format!("{}-{}", &self.id[..8], self.made)
    }

    async fn pull(&mut self, s: &TestServer) {
        loop {
            let path = match &self.cursor {
                Some(c) => format!("/sync/pull?limit=200&cursor={c}"),
                None => "/sync/pull?limit=200".to_string(),
            };
            let r = s.get(&path, &self.token).await;
            assert_eq!(r.status, 200, "{:?}", r.body);
            fold(&mut self.cache, r.data()["changes"].as_array().unwrap());
            self.cursor = Some(r.data()["cursor"].as_str().unwrap().to_string());
            if r.data()["has_more"] == false {
                return;
            }
        }
    }

    /// Queues an update of `entity` `id` setting `field`, folded into the change already
    /// queued for that record (a client tracks a record's changes, not each keystroke).
    fn edit(&mut self, entity: &str, id: &str, field: &str, value: Value) {
        if let Some(c) = self.queue.iter_mut().find(|c| c["op"] == "update" && c["id"] == id) {
            c["data"][field] = value;
            return;
        }
        let base = self.cache[&(entity.to_string(), id.to_string())].0;
        let ccid = self.ccid();
        self.queue.push(json!({"client_change_id": ccid, "entity": entity, "id": id, "op": "update",
                               "base_version": base, "data": {field: value}}));
    }

    fn ids_of(&self, entity: &str) -> Vec<String> {
        self.cache.keys().filter(|(e, _)| e == entity).map(|(_, i)| i.clone()).collect()
    }
}

/// Applies pulled changes by version.
fn fold(cache: &mut Cache, changes: &[Value]) {
    for c in changes {
        let key = (c["entity"].as_str().unwrap().to_string(), c["id"].as_str().unwrap().to_string());
        let version = c["version"].as_i64().unwrap();
        if cache.get(&key).is_some_and(|(v, _)| *v > version) {
            continue;
        }
        if c["op"] == "delete" {
            cache.remove(&key);
        } else {
            cache.insert(key, (version, c["data"].clone()));
        }
    }
}

/// A device's offline stretch: `n` things done at the till.
fn work(d: &mut Device, t: &Till, rng: &mut StdRng, clock: &mut jiff::Timestamp, exp: &mut Expected, n: usize) {
    let products = d.ids_of("product");
    let customers = d.ids_of("customer");
    for _ in 0..n {
        let roll = rng.gen_range(0..100);
        if d.shift.is_none() || roll < 45 {
            if d.shift.is_none() {
                let (shift, ccid) = (kasir_domain::ids::new_id(), d.ccid());
                let float = 100_000;
                d.queue.push(json!({"client_change_id": ccid, "entity": "shift", "id": shift, "op": "create",
                                    "data": {"outlet_id": t.outlet, "start_cash": float, "opened_at": at(clock)}}));
                d.shift = Some((shift, float, 0));
            }
            let (shift_id, _, _) = d.shift.clone().unwrap();
            let mut lines = Vec::new();
            let mut total = 0;
            let kinds = rng.gen_range(1..=2);
            for p in products.choose_multiple(rng, kinds) {
                let qty = rng.gen_range(1..=3);
                // Rung up at the price the till has, whatever the office has set since.
                let price = d.cache[&("product".to_string(), p.clone())].1["price"].as_i64().unwrap();
                total += price * qty;
                *exp.stock.entry(p.clone()).or_default() -= qty as f64;
                lines.push(json!({"product_id": p, "quantity": qty, "unit_price": price}));
            }
            let (sale, ccid) = (kasir_domain::ids::new_id(), d.ccid());
            d.queue.push(json!({"client_change_id": ccid, "entity": "sale", "id": sale, "op": "create",
                "data": {"outlet_id": t.outlet, "shift_id": shift_id, "created_at": at(clock), "items": lines,
                         "payments": [{"payment_method_id": t.cash, "amount": total}]}}));
            exp.sales.insert(sale, total);
            if let Some(s) = d.shift.as_mut() {
                s.2 += total;
            }
        } else if roll < 65 {
            let c = customers.choose(rng).unwrap().clone();
            let field = *["name", "phone", "notes"].choose(rng).unwrap();
            let value = format!("{field} {} {}", &d.id[..4], d.made);
            d.edit("customer", &c, field, json!(value));
        } else if roll < 75 {
            let p = products.choose(rng).unwrap().clone();
            d.edit("product", &p, "name", json!(format!("Menu {} {}", &d.id[..4], d.made)));
        } else if roll < 85 {
            let p = products.choose(rng).unwrap().clone();
            let delta = rng.gen_range(1..=5);
            *exp.stock.entry(p.clone()).or_default() += delta as f64;
            let ccid = d.ccid();
            d.queue.push(
                json!({"client_change_id": ccid, "entity": "stock_adjustment", "id": kasir_domain::ids::new_id(),
                "op": "create", "data": {"warehouse_id": t.warehouse, "reason": "delivery",
                "lines": [{"product_id": p, "quantity_delta": delta}]}}),
            );
        } else {
            let (shift, float, cash) = d.shift.take().unwrap();
            let ccid = d.ccid();
            d.queue.push(json!({"client_change_id": ccid, "entity": "shift", "id": shift, "op": "update",
                "data": {"status": "closed", "end_cash": float + cash, "closed_at": at(clock)}}));
            exp.closed.insert(shift, float + cash);
        }
    }
}

async fn send(s: &TestServer, d: &Device, batch: &[Value]) -> Resp {
    s.send(
        Method::POST,
        "/sync/push",
        Some(&d.token),
        Some(json!({"device_id": d.id, "changes": batch})),
        &[("X-Device-Id", d.id.as_str()), ("X-Sync-Protocol", "1")],
    )
    .await
}

fn record(exp: &mut Expected, d: &Device, r: &Resp) {
    assert_eq!(r.status, 200, "{:?}", r.body);
    for x in r.data()["results"].as_array().unwrap() {
        let status = x["status"].as_str().unwrap().to_string();
        assert_ne!(status, "rejected", "every change the devices make is valid: {x}");
        if let Some(c) = x["conflict_id"].as_str() {
            exp.conflict_ids.insert(c.to_string());
        }
        exp.answers.entry(format!("{}/{}", d.id, x["client_change_id"].as_str().unwrap())).or_default().push(status);
    }
}

/// The device comes back online: its queue goes in random batches, some answers lost (the
/// batch is sent again) and some batches sent twice at once.
async fn push_all(s: &TestServer, d: &mut Device, rng: &mut StdRng, exp: &mut Expected) {
    let queue = std::mem::take(&mut d.queue);
    let mut rest = &queue[..];
    while !rest.is_empty() {
        let n = rng.gen_range(1..=12).min(rest.len());
        let (batch, tail) = rest.split_at(n);
        rest = tail;
        let roll: f64 = rng.gen();
        if roll < 0.15 {
            let lost = send(s, d, batch).await;
            record(exp, d, &lost);
            record(exp, d, &send(s, d, batch).await);
        } else if roll < 0.25 {
            let (a, b) = tokio::join!(send(s, d, batch), send(s, d, batch));
            record(exp, d, &a);
            record(exp, d, &b);
        } else {
            record(exp, d, &send(s, d, batch).await);
        }
    }
}

async fn tills_offline_for_days_converge_with_the_server(b: Backend) {
    let seed: u64 = std::env::var("KASIR_SIM_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(20261204);
    println!("sync simulation seed {seed} (KASIR_SIM_SEED={seed} replays it)");
    let mut rng = StdRng::seed_from_u64(seed);
    let mut s = TestServer::start(b).await;
    let t = Till::new(&s).await;
    let mut products = Vec::new();
    for (i, price) in [10_000, 15_000, 20_000, 25_000].into_iter().enumerate() {
        let p = t.product(&s, &format!("P{i}"), price, json!({})).await;
        t.stock(&s, &p, None, START_STOCK).await;
        products.push(p);
    }
    let mut customers = Vec::new();
    for name in ["Budi", "Sari", "Dewi"] {
        customers.push(id(&s.post("/customers", &t.owner, json!({"name": name, "phone": "0811", "notes": "-"})).await));
    }
    let mut devices = Vec::new();
    for i in 0..DEVICES {
        s.user(&t.owner, &format!("till{i}"), "admin", &[&t.outlet]).await;
        let token = s.token(&format!("till{i}"), PASSWORD).await;
        let mut d = Device {
            id: kasir_domain::ids::new_id(),
            token,
            cursor: None,
            cache: Cache::new(),
            queue: Vec::new(),
            shift: None,
            made: 0,
        };
        d.pull(&s).await;
        devices.push(d);
    }
    // The tills' clocks start two days back and move on as they work.
    let mut clock = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(48);
    let mut exp = Expected::default();
    for round in 0..ROUNDS {
        // Who is offline this round, and for how long.
        let mut order: Vec<usize> = (0..DEVICES).collect();
        order.shuffle(&mut rng);
        for &i in &order {
            let n = rng.gen_range(2..=7);
            work(&mut devices[i], &t, &mut rng, &mut clock, &mut exp, n);
        }
        for &i in &order {
            if rng.gen_bool(0.3) {
                continue; // still offline: it pushes a longer queue later
            }
            push_all(&s, &mut devices[i], &mut rng, &mut exp).await;
            devices[i].pull(&s).await;
            // Meanwhile the office edits online, sometimes the very fields the tills edit.
            if rng.gen_bool(0.5) {
                let c = customers.choose(&mut rng).unwrap();
                let field = *["name", "notes"].choose(&mut rng).unwrap();
                let r =
                    s.patch(&format!("/customers/{c}"), &t.owner, json!({field: format!("office {round}.{i}")})).await;
                assert_eq!(r.status, 200, "{:?}", r.body);
            }
            if rng.gen_bool(0.2) {
                let p = products.choose(&mut rng).unwrap();
                let r =
                    s.patch(&format!("/products/{p}"), &t.owner, json!({"name": format!("Office {round} {i}")})).await;
                assert_eq!(r.status, 200, "{:?}", r.body);
            }
        }
        if round == ROUNDS / 2 {
            s = s.restart().await;
        }
    }
    // Everyone comes back online at the end.
    for d in devices.iter_mut() {
        push_all(&s, d, &mut rng, &mut exp).await;
    }

    // Every change was applied (or recorded as a conflict) exactly once; its other sendings
    // were answered as duplicates.
    let mut conflicts = 0;
    for (change, answers) in &exp.answers {
        let taking: Vec<&String> = answers.iter().filter(|a| *a == "applied" || *a == "conflict").collect();
        assert_eq!(taking.len(), 1, "{change} was answered {answers:?}");
        assert!(answers.iter().all(|a| a != "rejected"), "{change}: {answers:?}");
        conflicts += usize::from(taking[0] == "conflict");
    }
    let recorded = all(&s, "/sync/conflicts", &t.owner).await;
    assert_eq!(recorded.len(), conflicts);
    assert_eq!(
        recorded.iter().map(|c| c["id"].as_str().unwrap().to_string()).collect::<BTreeSet<_>>(),
        exp.conflict_ids
    );
    assert!(conflicts > 0, "the run made some conflicts (seed {seed})");
    let sent: usize = exp.answers.values().map(Vec::len).sum();
    println!(
        "sync simulation: {} changes sent {sent} times, {} sales, {conflicts} conflicts, {} shifts closed",
        exp.answers.len(),
        exp.sales.len(),
        exp.closed.len()
    );

    // No sale missing or doubled, each at the total it was rung up at, numbered uniquely.
    let sales = all(&s, "/sales", &t.owner).await;
    let got: BTreeMap<String, i64> =
        sales.iter().map(|x| (x["id"].as_str().unwrap().to_string(), x["total"].as_i64().unwrap())).collect();
    assert_eq!(sales.len(), exp.sales.len());
    assert_eq!(got, exp.sales);
    let numbers: BTreeSet<&str> = sales.iter().map(|x| x["number"].as_str().unwrap()).collect();
    assert_eq!(numbers.len(), sales.len());
    assert!(sales.iter().all(|x| x["offline"] == true));

    // Shifts closed with the cash their tills counted, which is what the server expected.
    for (shift, counted) in &exp.closed {
        let r = s.get(&format!("/shifts/{shift}"), &t.owner).await;
        assert_eq!((r.data()["status"].clone(), r.data()["end_cash"].clone()), (json!("closed"), json!(counted)));
        assert_eq!(r.data()["cash_difference"], 0, "shift {shift}");
    }

    // Stock is what was counted in, less what was sold, and equals the ledger.
    for p in &products {
        let want = START_STOCK + exp.stock.get(p).copied().unwrap_or(0.0);
        assert_eq!(t.level(&s, p, None).await, want, "product {p}");
    }
    t.assert_ledger_matches(&s).await;

    // Every device that pulls to the end holds exactly the server's records.
    let mut server = Cache::new();
    let mut fresh = Device {
        id: String::new(),
        token: devices[0].token.clone(),
        cursor: None,
        cache: Cache::new(),
        queue: Vec::new(),
        shift: None,
        made: 0,
    };
    fresh.pull(&s).await;
    std::mem::swap(&mut server, &mut fresh.cache);
    for d in devices.iter_mut() {
        d.pull(&s).await;
        assert_eq!(d.cache.len(), server.len(), "device {}", d.id);
        for (key, (version, data)) in &server {
            assert_eq!(d.cache.get(key), Some(&(*version, data.clone())), "device {} record {key:?}", d.id);
        }
    }
    // ... stock levels included.
    for p in &products {
        let level = kasir_store::stock::level_id(&t.warehouse, p, "");
        let held = &server[&("stock_level".to_string(), level)].1["quantity"];
        assert_eq!(held.as_f64().unwrap(), t.level(&s, p, None).await, "product {p}");
    }
    for c in &customers {
        let now = s.get(&format!("/customers/{c}"), &t.owner).await;
        assert_eq!(server[&("customer".to_string(), c.clone())].0, now.data()["version"].as_i64().unwrap());
    }
}
