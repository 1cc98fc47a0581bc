//! What the tests of the `kasir` binary share: a fresh PostgreSQL database, `kasir serve` as a
//! child process, calls over HTTP, and a shop ready to sell.
#![allow(dead_code)] // each test binary uses a part

use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use serde_json::{json, Value};

pub const ADMIN_PASSWORD: &str = "cli-admin-password";

pub fn pg_url() -> String {
    let admin =
        std::env::var("KASIR_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let name = format!("kasir_t_{}", kasir_domain::ids::new_id().replace('-', ""));
    let status =
        Command::new("psql").arg(&admin).arg("-qc").arg(format!("CREATE DATABASE {name}")).status().expect("psql runs");
    assert!(status.success(), "PostgreSQL must be running for this test");
    format!("{}/{name}", admin.rsplit_once('/').unwrap().0)
}

/// A running server, killed when dropped.
pub struct Served(pub Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `kasir serve` on a free port of loopback; returns once `/health` answers.
pub async fn start(url: &str) -> (Served, String) {
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

pub async fn call(
    http: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    token: Option<&str>,
    body: Value,
) -> Value {
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

pub async fn login(http: &reqwest::Client, base: &str, user: &str, password: &str) -> String {
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

/// A tenant with an outlet, `products` products in stock, and a cashier with an open shift.
pub struct Shop {
    pub tenant_id: String,
    pub owner: String,
    pub cashier: String,
    pub outlet: String,
    pub warehouse: String,
    pub cash: String,
    pub products: Vec<String>,
}

impl Shop {
    pub async fn open(http: &reqwest::Client, base: &str, slug: &str, products: usize) -> Shop {
        let post = reqwest::Method::POST;
        let api = |path: &str| format!("{base}/api/v1{path}");
        let admin = login(http, base, "admin", ADMIN_PASSWORD).await;
        let tenant = call(http, post.clone(), format!("{base}/api/v1/tenants"), Some(&admin),
            json!({"name": slug, "slug": slug, "owner": {"username": format!("{slug}-owner"), "password": "shop-password", "name": "O"}})).await;
        let tenant_id = tenant["id"].as_str().unwrap().to_string();
        let owner = login(http, base, &format!("{slug}-owner"), "shop-password").await;
        let outlet = call(http, post.clone(), api("/outlets"), Some(&owner), json!({"name": "Toko", "code": "K01"}))
            .await["id"]
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
        let mut ids = Vec::new();
        for i in 0..products {
            let p = call(
                http,
                post.clone(),
                api("/products"),
                Some(&owner),
                json!({"sku": format!("P{i:02}"), "name": format!("Produk {i}"), "price": 1000 + 250 * i as i64}),
            )
            .await;
            ids.push(p["id"].as_str().unwrap().to_string());
        }
        let lines: Vec<Value> = ids.iter().map(|p| json!({"product_id": p, "quantity_delta": 10000})).collect();
        call(
            http,
            post.clone(),
            api("/stock/adjustments"),
            Some(&owner),
            json!({"warehouse_id": warehouse, "reason": "opening", "lines": lines}),
        )
        .await;
        call(http, post.clone(), api("/users"), Some(&owner),
            json!({"username": format!("{slug}-kasir"), "password": "shop-password", "name": "K", "role": "cashier", "outlet_ids": [outlet]})).await;
        let cashier = login(http, base, &format!("{slug}-kasir"), "shop-password").await;
        call(http, post.clone(), api("/shifts/open"), Some(&cashier), json!({"outlet_id": outlet, "start_cash": 0}))
            .await;
        Shop { tenant_id, owner, cashier, outlet, warehouse, cash, products: ids }
    }
}
