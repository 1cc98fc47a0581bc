//! Starting the release `kasir` binary on a fresh database, as an operator would.

use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use anyhow::{bail, Context};

pub const ADMIN_PASSWORD: &str = "bench-admin-password";

/// Runs `measure` on a fresh database for `spec` (its URL and label), then drops the database and
/// its directory, whatever the measuring gave.
pub async fn on_fresh_database<T, F, Fut>(spec: &str, measure: F) -> anyhow::Result<T>
where
    F: FnOnce(String, &'static str) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<T>>,
{
    let dir = crate::foundation::tempdir()?;
    let (url, label) = fresh_database(spec, &dir).await?;
    let result = measure(url.clone(), label).await;
    drop_database(spec, &url, label).await?;
    std::fs::remove_dir_all(&dir)?;
    result
}

/// Drops the PostgreSQL database [`fresh_database`] made for `spec` (a SQLite file goes with its
/// directory).
pub async fn drop_database(spec: &str, url: &str, label: &str) -> anyhow::Result<()> {
    if label == "postgres" {
        let name = url.rsplit('/').next().unwrap_or_default();
        let admin =
            kasir_store::Db::connect(spec, &kasir_store::DbOptions { max_connections: 2, ..Default::default() })
                .await?;
        kasir_store::raw_execute(&admin, &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await?;
        admin.close().await;
    }
    Ok(())
}

/// A fresh database URL for `spec` (`sqlite` or a PostgreSQL admin URL), and a label.
pub async fn fresh_database(spec: &str, dir: &std::path::Path) -> anyhow::Result<(String, &'static str)> {
    if spec == "sqlite" {
        return Ok((format!("sqlite://{}/bench.db", dir.display()), "sqlite"));
    }
    let name = format!("kasir_bench_{}", kasir_domain::ids::new_id().replace('-', ""));
    let admin = kasir_store::Db::connect(spec, &kasir_store::DbOptions { max_connections: 2, ..Default::default() })
        .await
        .context("connecting to PostgreSQL")?;
    kasir_store::raw_execute(&admin, &format!("CREATE DATABASE {name}")).await?;
    admin.close().await;
    let base = spec.rsplit_once('/').map(|(b, _)| b).unwrap_or(spec);
    Ok((format!("{base}/{name}"), "postgres"))
}

pub struct Server {
    pub child: Child,
    pub base: String,
    /// From spawning the process to the first 200 from `/health`.
    pub startup: Duration,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let _ = self.child.wait();
    }
}

/// Spawns `target/release/kasir serve` and polls `/health` until it answers 200.
pub async fn start(database_url: &str, port: u16) -> anyhow::Result<Server> {
    start_with_env(database_url, port, &[]).await
}

/// Like [`start`], with more environment variables for the server.
pub async fn start_with_env(database_url: &str, port: u16, env: &[(&str, &str)]) -> anyhow::Result<Server> {
    let exe = std::env::current_exe()?.with_file_name("kasir");
    if !exe.exists() {
        bail!("{} is missing: run `cargo build --release -p kasir` first", exe.display());
    }
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder().timeout(Duration::from_millis(500)).build()?;
    let started = Instant::now();
    let child = Command::new(exe)
        .arg("serve")
        .env("KASIR_DATABASE_URL", database_url)
        .env("KASIR_BIND", format!("127.0.0.1:{port}"))
        .env("KASIR_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("KASIR_LOG", "warn")
        // The benchmark's clients all come from one address.
        .env("KASIR_RATE_LIMIT_PER_MINUTE", "0")
        .env("KASIR_RATE_LIMIT_PER_HOUR", "0")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("spawning kasir")?;
    let mut server = Server { child, base: base.clone(), startup: Duration::ZERO };
    loop {
        if let Ok(r) = client.get(format!("{base}/health")).send().await {
            if r.status().as_u16() == 200 {
                server.startup = started.elapsed();
                return Ok(server);
            }
        }
        if started.elapsed() > Duration::from_secs(60) {
            bail!("kasir did not answer /health within 60 s");
        }
        if let Some(status) = server.child.try_wait()? {
            bail!("kasir exited during start-up: {status}");
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

/// Resident memory of a process in MiB, from /proc.
pub fn rss_mib(pid: u32) -> anyhow::Result<f64> {
    status_mib(pid, "VmRSS:")
}

/// The most resident memory the process has had, in MiB.
pub fn peak_rss_mib(pid: u32) -> anyhow::Result<f64> {
    status_mib(pid, "VmHWM:")
}

fn status_mib(pid: u32, field: &str) -> anyhow::Result<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .with_context(|| field.to_string())?;
    Ok(kb / 1024.0)
}

/// Creates the tenant `bench` (owner `bench-owner`) as the platform admin; returns the tenant's id
/// and the owner's access token.
pub async fn bench_tenant(http: &reqwest::Client, base: &str) -> anyhow::Result<(String, String)> {
    named_tenant(http, base, "bench").await
}

/// Like [`bench_tenant`], for the tenant `slug` (its owner is `<slug>-owner`).
pub async fn named_tenant(http: &reqwest::Client, base: &str, slug: &str) -> anyhow::Result<(String, String)> {
    let admin = crate::foundation::login(http, base, "admin", ADMIN_PASSWORD).await?;
    let owner_name = format!("{slug}-owner");
    let created: serde_json::Value = http
        .post(format!("{base}/api/v1/tenants"))
        .bearer_auth(&admin)
        .json(&serde_json::json!({"name": format!("Bench {slug}"), "slug": slug, "owner": {"username": owner_name, "password": "bench-password", "name": "B"}}))
        .send()
        .await?
        .json()
        .await?;
    let tenant_id = created["data"]["id"].as_str().with_context(|| format!("tenant created: {created}"))?.to_string();
    let owner = crate::foundation::login(http, base, &owner_name, "bench-password").await?;
    Ok((tenant_id, owner))
}

/// A free TCP port on loopback.
pub fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}
