//! Issue 2's figures: start-up, idle memory, and the outlet list under load.

use std::time::Duration;

use anyhow::Context;
use kasir_store::{crud, tenancy::outlets, Scope};
use serde_json::{json, Value};

use crate::{load, server};

pub async fn run(spec: &str, clients: usize, seconds: u64) -> anyhow::Result<()> {
    let dir = tempdir()?;
    let (url, label) = server::fresh_database(spec, &dir).await?;
    // Start-up is measured on a fresh database (migrations included) and again on a migrated one.
    let first = server::start(&url, server::free_port()?).await?;
    let first_startup = first.startup;
    drop(first);
    let s = server::start(&url, server::free_port()?).await?;
    println!(
        "startup {label} fresh_db_ms={:.0} migrated_db_ms={:.0}",
        first_startup.as_secs_f64() * 1000.0,
        s.startup.as_secs_f64() * 1000.0
    );

    let http = reqwest::Client::builder().pool_max_idle_per_host(clients).build()?;
    let (tenant_id, owner) = server::bench_tenant(&http, &s.base).await?;
    for i in 0..20 {
        http.post(format!("{}/api/v1/outlets", s.base))
            .bearer_auth(&owner)
            .json(&json!({"name": format!("Outlet {i}"), "code": format!("K{i:02}")}))
            .send()
            .await?
            .error_for_status()?;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    println!("memory {label} idle_rss_mib={:.1}", server::rss_mib(s.child.id())?);

    let ping = {
        let (http, base) = (http.clone(), s.base.clone());
        load::run(clients, seconds, move || {
            let req = http.get(format!("{base}/api/v1/ping"));
            async move { req.send().await.map(|r| r.status().is_success()).unwrap_or(false) }
        })
        .await
    };
    let list = {
        let (http, base, token) = (http.clone(), s.base.clone(), owner.clone());
        load::run(clients, seconds, move || {
            let req = http.get(format!("{base}/api/v1/outlets")).bearer_auth(&token);
            async move {
                match req.send().await {
                    Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
                    _ => false,
                }
            }
        })
        .await
    };
    let rss_loaded = server::rss_mib(s.child.id())?;
    // The same list query and the per-request session lookup, straight on the database.
    let db = kasir_store::Db::connect(
        &url,
        &kasir_store::DbOptions { max_connections: clients as u32, ..Default::default() },
    )
    .await?;
    let direct = {
        let db = db.clone();
        let scope = Scope::tenant(tenant_id.clone());
        load::run(clients, seconds, move || {
            let (db, scope) = (db.clone(), scope.clone());
            async move {
                let q = crud::ListQuery::default();
                crud::list::<outlets::Outlet>(&db, &outlets::OUTLETS, &scope, &q).await.is_ok()
            }
        })
        .await
    };
    db.close().await;
    for (name, f) in [("ping", &ping), ("outlets_direct_db", &direct), ("outlets_api", &list)] {
        println!(
            "load {label} {name} clients={clients} requests={} rps={:.0} p50_ms={:.2} p99_ms={:.2} errors={}",
            f.ops, f.per_sec, f.p50_ms, f.p99_ms, f.errors
        );
    }
    println!(
        "ratio {label} outlets_api/ping={:.2} outlets_api/outlets_direct_db={:.2} rss_after_load_mib={rss_loaded:.1}",
        list.per_sec / ping.per_sec.max(1.0),
        list.per_sec / direct.per_sec.max(1.0)
    );
    drop(s);
    Ok(())
}

pub(crate) async fn login(
    http: &reqwest::Client,
    base: &str,
    username: &str,
    password: &str,
) -> anyhow::Result<String> {
    let r: Value = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await?
        .json()
        .await?;
    Ok(r["data"]["access_token"].as_str().with_context(|| format!("login of {username}: {r}"))?.to_string())
}

pub(crate) fn tempdir() -> anyhow::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("kasir-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
