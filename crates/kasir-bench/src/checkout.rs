//! Checkout throughput: the same checkout transaction run straight against the database (the
//! server's own checkout function, without HTTP) and through `POST /api/v1/sales`, one after the
//! other in one run, each with an Idempotency-Key per sale as a till sends it.

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

use crate::{catalog, load, server};

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
}

pub async fn run(spec: &str, o: &Options) -> anyhow::Result<()> {
    server::on_fresh_database(spec, |url, label| async move { measure(&url, label, o).await }).await
}

async fn measure(url: &str, label: &str, o: &Options) -> anyhow::Result<()> {
    let s = server::start(url, server::free_port()?).await?;
    let http = reqwest::Client::builder().pool_max_idle_per_host(o.clients).timeout(Duration::from_secs(30)).build()?;
    let Till { tenant_id, outlet, category, cashier_id, cashier, cash, .. } = till(&http, &s.base).await?;
    // The server's own pool size, so that both sides run as many transactions at once.
    let db = Db::connect(url, &DbOptions::default()).await?;
    catalog::fill(&db, &tenant_id, std::slice::from_ref(&category), o.catalog).await?;
    let products = stock_everything(&db, &tenant_id, &outlet).await?;
    let pool = o.hot_products.unwrap_or(products.len()).clamp(1, products.len());
    let products = Arc::new(products[..pool].to_vec());

    let seller = Seller {
        user_id: cashier_id,
        scope: Scope { tenant_id: tenant_id.clone(), outlets: Some(vec![outlet.clone()]) },
        can_override_price: false,
        can_discount: true,
        actor: Actor { id: None, kind: "user", ip: None, request_id: None, pushed: None },
    };
    let pick = Arc::new(catalog::Pick::default());
    let sale_body = {
        let (products, pick, outlet, cash, lines) =
            (products.clone(), pick.clone(), outlet.clone(), cash.clone(), o.lines);
        move || {
            let mut chosen: Vec<String> = Vec::with_capacity(lines);
            while chosen.len() < lines.min(products.len()) {
                let p = &products[pick.next(products.len())];
                if !chosen.contains(p) {
                    chosen.push(p.clone());
                }
            }
            json!({
                "outlet_id": outlet,
                "items": chosen.iter().map(|p| json!({"product_id": p, "quantity": 1})).collect::<Vec<_>>(),
                "payments": [{"payment_method_id": cash, "amount": 10_000_000}],
            })
        }
    };
    let sale_body = Arc::new(sale_body);
    let customer = if o.customer { Some(app_customer(&db, &tenant_id).await?) } else { None };

    let raw = {
        let (db, seller, body, tenant) = (db.clone(), seller.clone(), sale_body.clone(), tenant_id.clone());
        load::run(o.clients, o.seconds, move || {
            let (db, seller, body, tenant) = (db.clone(), seller.clone(), body(), tenant.clone());
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
        let (http, base, token, body) = (http.clone(), s.base.clone(), cashier.clone(), sale_body.clone());
        load::run(o.clients, o.seconds, move || {
            let mut body = body();
            if let Some(c) = &customer {
                body["customer_id"] = json!(c);
            }
            let req = http
                .post(format!("{base}/api/v1/sales"))
                .bearer_auth(&token)
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
    let mismatches = kasir_store::stock::levels::ledger_mismatches(&db, &tenant_id).await?;
    anyhow::ensure!(mismatches.is_empty(), "stock levels differ from the ledger: {mismatches:?}");
    let hot = o.hot_products.map(|h| format!(" hot_products={h}")).unwrap_or_default();
    println!(
        "checkout {label} clients={}{hot} raw_tps={:.0} api_tps={:.0} ratio={:.2} api_p50_ms={:.2} api_p99_ms={:.2} errors={}",
        o.clients,
        raw.per_sec,
        api.per_sec,
        api.per_sec / raw.per_sec.max(1.0),
        api.p50_ms,
        api.p99_ms,
        raw.errors + api.errors,
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

/// A tenant ready to sell: an outlet, a category, a cashier with an open shift, the Cash method.
pub struct Till {
    pub tenant_id: String,
    pub outlet: String,
    pub category: String,
    pub cashier_id: String,
    pub cashier: String,
    pub cash: String,
}

/// Makes the tenant `bench` on the server at `base` ready to sell.
pub async fn till(http: &reqwest::Client, base: &str) -> anyhow::Result<Till> {
    let (tenant_id, owner) = server::bench_tenant(http, base).await?;
    let post = |path: &str, token: &str, body: Value| {
        let req = http.post(format!("{base}/api/v1{path}")).bearer_auth(token).json(&body);
        async move {
            let r: Value = req.send().await?.error_for_status()?.json().await?;
            anyhow::Ok(r["data"].clone())
        }
    };
    let outlet = post("/outlets", &owner, json!({"name": "Toko 1", "code": "T01"})).await?["id"]
        .as_str()
        .context("outlet")?
        .to_string();
    let category =
        post("/categories", &owner, json!({"name": "Semua"})).await?["id"].as_str().context("category")?.to_string();
    let user = json!({"username": "bench-kasir", "password": "bench-password", "name": "K", "role": "cashier", "outlet_ids": [outlet]});
    let cashier_id = post("/users", &owner, user).await?["id"].as_str().context("cashier")?.to_string();
    let cashier = crate::foundation::login(http, base, "bench-kasir", "bench-password").await?;
    post("/shifts/open", &cashier, json!({"outlet_id": outlet, "start_cash": 0})).await?;
    let cash = {
        let r: Value =
            http.get(format!("{base}/api/v1/payment-methods")).bearer_auth(&owner).send().await?.json().await?;
        r["data"][0]["id"].as_str().context("the Cash method")?.to_string()
    };

    Ok(Till { tenant_id, outlet, category, cashier_id, cashier, cash })
}

/// Puts 1,000,000 units of every product in the outlet's warehouse, each with its ledger row
/// (the stock a shop has before the measured sales), and returns the product ids.
async fn stock_everything(db: &Db, tenant_id: &str, outlet_id: &str) -> anyhow::Result<Vec<String>> {
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
    Ok(ids)
}
