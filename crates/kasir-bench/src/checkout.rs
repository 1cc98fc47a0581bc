//! Checkout throughput: the same checkout transaction run straight against the database (the
//! server's own checkout function, without HTTP) and through `POST /api/v1/sales`, one after the
//! other in one run, each with an Idempotency-Key per sale as a till sends it; then the floor
//! ([`floor`]): the least a checkout must do, as plain SQL. Tills may be spread over `--outlets`
//! outlets of one tenant or over `--tenants` tenants.

use std::{sync::Arc, time::Duration};

use anyhow::Context;
use kasir_server::{
    platform::idempotency::TxKey,
    selling::{
        checkout::{self, CreateSale, Outcome},
        Seller,
    },
};
use kasir_store::{Actor, Db, DbOptions, Scope};
use serde_json::{json, Value};

use crate::{catalog, floor, load, server};

pub struct Options {
    pub clients: usize,
    pub seconds: u64,
    /// Buy only from the first this many products (contention); otherwise from the whole catalog.
    pub hot_products: Option<usize>,
    /// Products in the catalog.
    pub catalog: usize,
    /// Lines per sale.
    pub lines: usize,
    /// Background jobs a second for the extra runs that measure their cost (0: none).
    pub jobs_per_second: u64,
    /// Also measure the API with every sale to a customer with an app account (points credited
    /// in the sale's transaction), alternating with runs without one.
    pub customer: bool,
    /// Outlets of the one tenant, a till at each (the sales take turns among them).
    pub outlets: usize,
    /// Tenants, an outlet each (instead of `outlets`).
    pub tenants: usize,
    /// Environment for the server (`KASIR_SQLITE_GROUP_COMMIT=off` also turns the group commit
    /// off for the run without HTTP).
    pub env: Vec<(String, String)>,
}

pub async fn run(spec: &str, o: &Options) -> anyhow::Result<()> {
    server::on_fresh_database(spec, |url, label| async move { measure(&url, label, o).await }).await
}

/// Every till of the run, ready to sell, with the products it sells.
struct Shop {
    tills: Vec<Till>,
    /// Per till: the products on sale there (the tenant's, or its hot few).
    products: Vec<Arc<Vec<String>>>,
    /// Per till: its warehouse.
    warehouses: Vec<String>,
}

/// `tenants` tenants (`bench`, `bench1`, …), each with a catalog of `o.catalog` products and
/// `o.outlets` outlets when there is one tenant (one each otherwise), each outlet a till with an
/// open shift and every product stocked.
async fn shop(http: &reqwest::Client, base: &str, db: &Db, o: &Options) -> anyhow::Result<Shop> {
    let mut shop = Shop { tills: Vec::new(), products: Vec::new(), warehouses: Vec::new() };
    let outlets = if o.tenants > 1 { 1 } else { o.outlets.max(1) };
    for t in 0..o.tenants.max(1) {
        let slug = if t == 0 { "bench".to_string() } else { format!("bench{t}") };
        let tills = tills(http, base, &slug, outlets).await?;
        catalog::fill(db, &tills[0].tenant_id, std::slice::from_ref(&tills[0].category), o.catalog).await?;
        for till in tills {
            let (warehouse, products) = stock_everything(db, &till.tenant_id, &till.outlet).await?;
            let pool = o.hot_products.unwrap_or(products.len()).clamp(1, products.len());
            shop.products.push(Arc::new(products[..pool].to_vec()));
            shop.warehouses.push(warehouse);
            shop.tills.push(till);
        }
    }
    Ok(shop)
}

/// A sale's body at `till`: `lines` distinct products, paid in cash.
fn sale_body(till: &Till, products: &[String], pick: &catalog::Pick, lines: usize) -> Value {
    let mut chosen: Vec<&String> = Vec::with_capacity(lines);
    while chosen.len() < lines.min(products.len()) {
        let p = &products[pick.next(products.len())];
        if !chosen.contains(&p) {
            chosen.push(p);
        }
    }
    json!({
        "outlet_id": till.outlet,
        "items": chosen.iter().map(|p| json!({"product_id": p, "quantity": 1})).collect::<Vec<_>>(),
        "payments": [{"payment_method_id": till.cash, "amount": 10_000_000}],
    })
}

async fn measure(url: &str, label: &str, o: &Options) -> anyhow::Result<()> {
    let env: Vec<(&str, &str)> = o.env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let s = server::start_with_env(url, server::free_port()?, &env).await?;
    let http = reqwest::Client::builder().pool_max_idle_per_host(o.clients).timeout(Duration::from_secs(30)).build()?;
    // The server's own pool size, so that both sides run as many transactions at once.
    let group_commit = !env.contains(&("KASIR_SQLITE_GROUP_COMMIT", "off"));
    let db = Db::connect(url, &DbOptions { group_commit, ..Default::default() }).await?;
    let started = std::time::Instant::now();
    let shop = Arc::new(shop(&http, &s.base, &db, o).await?);
    eprintln!("{label}: {} tills ready in {:.1} s", shop.tills.len(), started.elapsed().as_secs_f64());
    let pick = Arc::new(catalog::Pick::default());
    let turn = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    // The tills take turns, sale by sale.
    let next_till = {
        let turn = turn.clone();
        let n = shop.tills.len();
        move || turn.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % n
    };
    let next_till = Arc::new(next_till);
    let customer = if o.customer { Some(app_customer(&db, &shop.tills[0].tenant_id).await?) } else { None };

    let raw = {
        let (db, shop, pick, next_till, lines) = (db.clone(), shop.clone(), pick.clone(), next_till.clone(), o.lines);
        load::run(o.clients, o.seconds, move || {
            let i = next_till();
            let till = &shop.tills[i];
            let seller = Seller {
                user_id: till.cashier_id.clone(),
                scope: Scope { tenant_id: till.tenant_id.clone(), outlets: Some(vec![till.outlet.clone()]) },
                can_override_price: false,
                can_discount: true,
                actor: Actor { id: None, kind: "user", ip: None, request_id: None, pushed: None },
            };
            let body = sale_body(till, &shop.products[i], &pick, lines);
            let (db, tenant) = (db.clone(), till.tenant_id.clone());
            async move {
                let key = TxKey { scope: tenant, key: kasir_domain::ids::new_id(), hash: kasir_domain::ids::new_id() };
                let input: CreateSale = match serde_json::from_value(body) {
                    Ok(i) => i,
                    Err(_) => return false,
                };
                matches!(checkout::checkout(&db, &seller, input, Some(&key)).await, Ok(Outcome::Created { .. }))
            }
        })
        .await
    };
    let api_run_for = |customer: Option<String>| {
        let (http, base, shop, pick, next_till, lines) =
            (http.clone(), s.base.clone(), shop.clone(), pick.clone(), next_till.clone(), o.lines);
        load::run(o.clients, o.seconds, move || {
            let i = next_till();
            let till = &shop.tills[i];
            let mut body = sale_body(till, &shop.products[i], &pick, lines);
            if let Some(c) = &customer {
                body["customer_id"] = json!(c);
            }
            let req = http
                .post(format!("{base}/api/v1/sales"))
                .bearer_auth(&till.cashier)
                .header("idempotency-key", kasir_domain::ids::new_id())
                .json(&body);
            async move {
                match req.send().await {
                    Ok(r) if r.status().as_u16() == 201 => r.bytes().await.is_ok(),
                    _ => false,
                }
            }
        })
    };
    let api_run = || api_run_for(None);
    let api = api_run().await;
    if let Some(customer) = &customer {
        // Without, with, without, with: the machine's drift falls on both sides alike.
        let (mut without, mut with) = (vec![api.per_sec], Vec::new());
        for round in 0..3 {
            if round % 2 == 1 {
                without.push(api_run().await.per_sec);
            } else {
                with.push(api_run_for(Some(customer.clone())).await.per_sec);
            }
        }
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        let account = kasir_store::accounts::get(&db, customer).await?.context("the bench customer")?;
        println!(
            "checkout-with-customer {label} clients={} api_tps_without={:.0} api_tps_with={:.0} ratio={:.2} points_credited={} (runs without: {:?}, with: {:?})",
            o.clients,
            mean(&without),
            mean(&with),
            mean(&with) / mean(&without).max(1.0),
            account.points,
            without.iter().map(|t| t.round()).collect::<Vec<_>>(),
            with.iter().map(|t| t.round()).collect::<Vec<_>>(),
        );
    }
    if o.jobs_per_second > 0 {
        // Without, with, without, with: the machine's drift falls on both sides alike.
        let (mut without, mut with, mut ran) = (vec![api.per_sec], Vec::new(), 0u64);
        for round in 0..3 {
            if round % 2 == 1 {
                without.push(api_run().await.per_sec);
                continue;
            }
            let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
            let feeder = tokio::spawn(feed_jobs(db.clone(), o.jobs_per_second, stop.clone()));
            with.push(api_run().await.per_sec);
            stop.store(true, std::sync::atomic::Ordering::SeqCst);
            ran += feeder.await??;
        }
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        println!(
            "checkout-with-jobs {label} clients={} jobs_per_s={} queued={ran} api_tps_without={:.0} api_tps_with={:.0} ratio={:.2} (runs without: {:?}, with: {:?})",
            o.clients,
            o.jobs_per_second,
            mean(&without),
            mean(&with),
            mean(&with) / mean(&without).max(1.0),
            without.iter().map(|t| t.round()).collect::<Vec<_>>(),
            with.iter().map(|t| t.round()).collect::<Vec<_>>(),
        );
    }
    eprintln!("raw p50={:.2} p99={:.2} api p50={:.2} p99={:.2}", raw.p50_ms, raw.p99_ms, api.p50_ms, api.p99_ms);
    eprintln!("{label}: raw {:.0}/s, api {:.0}/s; checking the ledger", raw.per_sec, api.per_sec);
    // The whole-tenant ledger query is quadratic on SQLite past one warehouse of 10,000 products:
    // checked for tenants with one outlet (the crash and integrity tests check the rest).
    let one_outlet_each = shop.tills.len() == o.tenants.max(1);
    for till in shop.tills.iter().filter(|t| t.first_of_tenant && one_outlet_each) {
        let mismatches = kasir_store::stock::levels::ledger_mismatches(&db, &till.tenant_id).await?;
        anyhow::ensure!(mismatches.is_empty(), "stock levels differ from the ledger: {mismatches:?}");
    }
    // The floor: the minimal checkout as plain SQL, from as many clients over the same tills.
    let floor_tills: Vec<(floor::FloorTill, Arc<Vec<String>>)> = shop
        .tills
        .iter()
        .zip(&shop.warehouses)
        .zip(&shop.products)
        .map(|((t, w), p)| {
            let till = floor::FloorTill {
                tenant_id: t.tenant_id.clone(),
                outlet_id: t.outlet.clone(),
                warehouse_id: w.clone(),
            };
            (till, p.clone())
        })
        .collect();
    eprintln!("{label}: ledger checked; preparing the floor");
    floor::prepare(&db, &floor_tills).await?;
    let floor = floor::run(&db, floor_tills, o.clients, o.seconds, o.lines).await;
    let hot = o.hot_products.map(|h| format!(" hot_products={h}")).unwrap_or_default();
    println!(
        "checkout {label}{} clients={} outlets={} tenants={}{hot} raw_tps={:.0} api_tps={:.0} ratio={:.2} api_p50_ms={:.2} api_p99_ms={:.2} errors={} floor_tps={:.0} api_vs_floor={:.2} floor_p99_ms={:.2}",
        if group_commit { "" } else { " group_commit=off" },
        o.clients,
        shop.tills.len(),
        o.tenants.max(1),
        raw.per_sec,
        api.per_sec,
        api.per_sec / raw.per_sec.max(1.0),
        api.p50_ms,
        api.p99_ms,
        raw.errors + api.errors + floor.errors,
        floor.per_sec,
        api.per_sec / floor.per_sec.max(1.0),
        floor.p99_ms,
    );
    db.close().await;
    Ok(())
}

/// A verified app customer of the tenant, with points at 1 per 1,000 spent; its id.
async fn app_customer(db: &Db, tenant_id: &str) -> anyhow::Result<String> {
    use kasir_store::{accounts, crud, customers, Value};
    let id = kasir_domain::ids::new_id();
    let scope = Scope::tenant(tenant_id);
    let mut tx = db.begin(Actor::system()).await?;
    let values = [("name", Value::from("Bench Customer")), ("name_key", Value::from("bench customer"))];
    let _: customers::Customer = crud::create(&mut tx, &customers::CUSTOMERS, &scope, &id, &values).await?;
    let account = accounts::NewAccount {
        id: id.clone(),
        tenant_id: tenant_id.into(),
        customer_id: id.clone(),
        username: "bench-customer".into(),
        username_key: "bench-customer".into(),
        email: "customer@bench.local".into(),
        email_key: "customer@bench.local".into(),
        full_name: "Bench Customer".into(),
        phone_number: None,
        password_hash: "unused".into(),
        referral_code: "BENCH001".into(),
        referred_by: None,
    };
    accounts::insert(&mut tx, &account).await?;
    accounts::verify(&mut tx, &id).await?;
    kasir_store::tenancy::tenants::update(&mut tx, tenant_id, None, &[("points_earn_per", Value::from(1000i64))])
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// Queues `per_second` message deliveries a second (channels the server has not configured: each
/// job reads its message and records the outcome) until `stop`; returns how many it queued.
async fn feed_jobs(db: Db, per_second: u64, stop: Arc<std::sync::atomic::AtomicBool>) -> anyhow::Result<u64> {
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / per_second as f64));
    let mut queued = 0;
    while !stop.load(std::sync::atomic::Ordering::SeqCst) {
        tick.tick().await;
        kasir_store::platform::messages::queue(&db, &crate::jobs::delivery(queued)).await?;
        queued += 1;
    }
    Ok(queued)
}

/// A till ready to sell: its tenant's category, an outlet, a cashier with an open shift there,
/// the Cash method.
pub struct Till {
    pub tenant_id: String,
    pub outlet: String,
    pub category: String,
    pub cashier_id: String,
    pub cashier: String,
    pub cash: String,
    /// The first till of its tenant.
    pub first_of_tenant: bool,
}

/// Makes the tenant `bench` on the server at `base` ready to sell at one till.
pub async fn till(http: &reqwest::Client, base: &str) -> anyhow::Result<Till> {
    let mut tills = tills(http, base, "bench", 1).await?;
    tills.pop().context("a till")
}

/// Makes the tenant `slug` ready to sell at `outlets` outlets, a cashier at each.
async fn tills(http: &reqwest::Client, base: &str, slug: &str, outlets: usize) -> anyhow::Result<Vec<Till>> {
    let (tenant_id, owner) = server::named_tenant(http, base, slug).await?;
    let post = |path: &str, token: &str, body: Value| {
        let req = http.post(format!("{base}/api/v1{path}")).bearer_auth(token).json(&body);
        async move {
            let r: Value = req.send().await?.error_for_status()?.json().await?;
            anyhow::Ok(r["data"].clone())
        }
    };
    let category =
        post("/categories", &owner, json!({"name": "Semua"})).await?["id"].as_str().context("category")?.to_string();
    let cash = {
        let r: Value =
            http.get(format!("{base}/api/v1/payment-methods")).bearer_auth(&owner).send().await?.json().await?;
        r["data"][0]["id"].as_str().context("the Cash method")?.to_string()
    };
    let mut tills = Vec::new();
    for k in 0..outlets {
        let code = format!("T{:02}", k + 1);
        let outlet = post("/outlets", &owner, json!({"name": format!("Toko {}", k + 1), "code": code})).await?["id"]
            .as_str()
            .context("outlet")?
            .to_string();
        let username = if slug == "bench" && k == 0 { "bench-kasir".to_string() } else { format!("{slug}-kasir-{k}") };
        let user = json!({"username": username, "password": "bench-password", "name": "K", "role": "cashier", "outlet_ids": [outlet]});
        let cashier_id = post("/users", &owner, user).await?["id"].as_str().context("cashier")?.to_string();
        let cashier = crate::foundation::login(http, base, &username, "bench-password").await?;
        post("/shifts/open", &cashier, json!({"outlet_id": outlet, "start_cash": 0})).await?;
        let (tenant_id, category, cash) = (tenant_id.clone(), category.clone(), cash.clone());
        tills.push(Till { tenant_id, outlet, category, cashier_id, cashier, cash, first_of_tenant: k == 0 });
    }
    Ok(tills)
}

/// Puts 1,000,000 units of every product in the outlet's warehouse, each with its ledger row
/// (the stock a shop has before the measured sales), and returns the warehouse and the product ids.
async fn stock_everything(db: &Db, tenant_id: &str, outlet_id: &str) -> anyhow::Result<(String, Vec<String>)> {
    let warehouse =
        kasir_store::catalog::products::default_warehouse(db, tenant_id, outlet_id).await?.context("warehouse")?;
    let ids: Vec<(String,)> = sqlx::query_as("SELECT id FROM products WHERE tenant_id = $1 ORDER BY created_at, id")
        .bind(tenant_id)
        .fetch_all(db.reader())
        .await?;
    let ids: Vec<String> = ids.into_iter().map(|(id,)| id).collect();
    let now = kasir_domain::time::now();
    let quantity: i64 = 1_000_000_000;
    for chunk in ids.chunks(100) {
        let mut tx = db.writer().begin().await?;
        let levels = catalog::values_sql(
            "stock_levels (tenant_id, warehouse_id, product_id, variant_id, quantity, updated_at)",
            chunk.len(),
            "($1, ?, ?, '', ?, ?)",
        );
        let moves = catalog::values_sql(
            "stock_movements (tenant_id, id, type, warehouse_id, product_id, variant_id, quantity_delta, reference_type, created_at)",
            chunk.len(),
            "($1, ?, 'adjustment', ?, ?, '', ?, 'bench', ?)",
        );
        let mut lq = sqlx::query(&levels).bind(tenant_id);
        let mut mq = sqlx::query(&moves).bind(tenant_id);
        for id in chunk {
            lq = lq.bind(&warehouse).bind(id).bind(quantity).bind(&now);
            mq = mq.bind(kasir_domain::ids::new_id()).bind(&warehouse).bind(id).bind(quantity).bind(&now);
        }
        lq.execute(&mut *tx).await?;
        mq.execute(&mut *tx).await?;
        tx.commit().await?;
    }
    Ok((warehouse, ids))
}
