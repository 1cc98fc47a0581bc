//! The `kasir` binary as an operator runs it: configuration, migrate, first start, SIGTERM.

use std::{
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use serde_json::{json, Value};

mod common;
use common::pg_url;

fn kasir(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kasir"));
    for (k, _) in std::env::vars() {
        if k.starts_with("KASIR_") {
            cmd.env_remove(k);
        }
    }
    cmd.current_dir(dir).env("KASIR_LOG", "warn");
    cmd
}

/// A running `kasir serve` and the lines it printed before it started listening.
struct Served {
    child: Child,
    base: String,
    printed: Vec<String>,
}

fn serve(dir: &std::path::Path, envs: &[(&str, &str)]) -> Served {
    let mut cmd = kasir(dir);
    cmd.args(["serve"]).env("KASIR_BIND", "127.0.0.1:0").stdout(Stdio::piped()).stderr(Stdio::null());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let mut served = Served { child: cmd.spawn().expect("kasir starts"), base: String::new(), printed: Vec::new() };
    let stdout = served.child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        assert!(Instant::now() < deadline, "kasir did not start: {:?}", served.printed);
        let line = lines.next().expect("kasir printed its address").expect("utf-8");
        if let Some(rest) = line.strip_prefix("Kasir is listening on ") {
            served.base = rest.split_whitespace().next().unwrap().to_string();
            std::thread::spawn(move || for _ in lines.by_ref() {});
            return served;
        }
        served.printed.push(line);
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn sigterm(child: &Child) {
    let ok = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap().success();
    assert!(ok);
}

fn wait_exit(child: &mut Child, secs: u64) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(Instant::now() < deadline, "kasir did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn bad_configuration_stops_start_up_naming_the_variable() {
    let dir = tempfile::tempdir().unwrap();
    for (var, value) in [
        ("KASIR_BIND", "not-an-address"),
        ("KASIR_DATABASE_URL", "mysql://localhost/kasir"),
        ("KASIR_LOG_FORMAT", "yaml"),
        ("KASIR_JWT_SECRET", "too-short"),
        ("KASIR_ADMIN_PASSWORD", "short"),
        ("KASIR_CORS_ORIGINS", "no-scheme.example.com"),
        ("KASIR_LOG", "[[[bad"),
    ] {
        let out = kasir(dir.path()).arg("serve").env(var, value).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{var}={value}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(var), "{var}: {stderr}");
    }
    let out = kasir(dir.path())
        .arg("serve")
        .env("KASIR_DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("connecting to the database"));
}

#[test]
fn migrate_applies_the_schema_once_on_sqlite_and_postgres() {
    let dir = tempfile::tempdir().unwrap();
    for url in [format!("sqlite://{}/m.db", dir.path().display()), pg_url()] {
        let first = kasir(dir.path()).arg("migrate").env("KASIR_DATABASE_URL", &url).output().unwrap();
        assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
        assert!(String::from_utf8_lossy(&first.stdout)
            .contains(&format!("Applied {} migration", kasir_store::MIGRATIONS.len())));
        let second = kasir(dir.path()).arg("migrate").env("KASIR_DATABASE_URL", &url).output().unwrap();
        assert!(String::from_utf8_lossy(&second.stdout).contains("Applied 0 migration"));
    }
}

#[test]
fn first_start_prints_a_working_admin_password_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = serve(dir.path(), &[]);
    let line = s.printed.iter().find(|l| l.contains("Password:")).expect("password printed").clone();
    let password = line.split("Password: ").nth(1).unwrap().split_whitespace().next().unwrap().to_string();
    let r = reqwest::blocking_login(&s.base, "admin", &password);
    assert_eq!(r.0, 200, "{:?}", r.1);
    sigterm(&s.child);
    assert!(wait_exit(&mut s.child, 20).success());
    assert!(dir.path().join("kasir.db").exists(), "the default database is ./kasir.db");
    let mut again = serve(dir.path(), &[]);
    assert!(!again.printed.iter().any(|l| l.contains("Password:")), "printed only once");
    sigterm(&again.child);
    wait_exit(&mut again.child, 20);
}

#[test]
fn demo_flag_creates_logins_for_every_role() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd_envs = vec![("KASIR_ADMIN_PASSWORD", "admin-password-1")];
    cmd_envs.push(("KASIR_LOG_FORMAT", "json"));
    let mut cmd = kasir(dir.path());
    cmd.args(["serve", "--demo"]).env("KASIR_BIND", "127.0.0.1:0").stdout(Stdio::piped()).stderr(Stdio::null());
    for (k, v) in &cmd_envs {
        cmd.env(k, v);
    }
    let mut served = Served { child: cmd.spawn().unwrap(), base: String::new(), printed: Vec::new() };
    let mut lines = BufReader::new(served.child.stdout.take().unwrap()).lines();
    let mut base = String::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(rest) = line.strip_prefix("Kasir is listening on ") {
            base = rest.split_whitespace().next().unwrap().to_string();
            break;
        }
    }
    for user in ["demo-owner", "demo-admin", "demo-cashier", "demo-kitchen"] {
        let (status, body) = reqwest::blocking_login(&base, user, "kasir-demo-123");
        assert_eq!(status, 200, "{user}: {body:?}");
    }
    // A believable café: ~50 products in categories, variants, modifiers and opening stock.
    let (_, login) = reqwest::blocking_login(&base, "demo-cashier", "kasir-demo-123");
    let token = login["data"]["access_token"].as_str().unwrap().to_string();
    let (_, products) = reqwest::blocking_get(&base, "/api/v1/products?per_page=200", &token);
    assert_eq!(products["pagination"]["total"], 50);
    let all = products["data"].as_array().unwrap();
    assert!(all.iter().filter(|p| !p["variants"].as_array().unwrap().is_empty()).count() >= 10);
    assert!(all.iter().filter(|p| !p["modifier_group_ids"].as_array().unwrap().is_empty()).count() >= 10);
    let (_, categories) = reqwest::blocking_get(&base, "/api/v1/categories", &token);
    assert_eq!(categories["pagination"]["total"], 7);
    let (status, found) = reqwest::blocking_get(&base, "/api/v1/products/barcode/8990001000030", &token);
    assert_eq!(status, 200, "{found:?}");
    assert_eq!(found["data"]["name"], "Cheesecake");
    assert_eq!(found["data"]["stock"]["quantity"], 12, "opening stock at the cashier's outlet");
    // Ready to sell: Cash, QRIS, a card and an e-wallet; customers to attach.
    let (_, methods) = reqwest::blocking_get(&base, "/api/v1/payment-methods", &token);
    assert_eq!(methods["pagination"]["total"], 4);
    let (_, customers) = reqwest::blocking_get(&base, "/api/v1/customers", &token);
    // Two walk-in regulars and three customers of the shop's app.
    assert_eq!(customers["pagination"]["total"], 5);
    sigterm(&served.child);
    assert!(wait_exit(&mut served.child, 20).success());
}

#[test]
fn sigterm_lets_in_flight_requests_finish() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = serve(dir.path(), &[("KASIR_ADMIN_PASSWORD", "admin-password-1")]);
    let base = s.base.clone();
    // Logins hash with Argon2, so a handful of them keeps the server busy for a while.
    let handles: Vec<_> = (0..6)
        .map(|_| {
            let base = base.clone();
            std::thread::spawn(move || reqwest::blocking_login(&base, "admin", "admin-password-1").0)
        })
        .collect();
    std::thread::sleep(Duration::from_millis(30));
    sigterm(&s.child);
    let statuses: Vec<u16> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let status = wait_exit(&mut s.child, 20);
    assert!(status.success(), "exit status {status:?}");
    assert!(statuses.iter().all(|s| *s == 200), "in-flight requests must finish: {statuses:?}");
}

mod reqwest {
    pub use ::reqwest::*;

    /// Logs in synchronously (these tests drive a child process from plain threads).
    pub fn blocking_login(base: &str, username: &str, password: &str) -> (u16, super::Value) {
        let rt = tokio_rt();
        rt.block_on(async {
            let r = Client::new()
                .post(format!("{base}/api/v1/auth/login"))
                .json(&super::json!({"username": username, "password": password}))
                .send()
                .await
                .expect("request");
            let status = r.status().as_u16();
            (status, r.json().await.unwrap_or(super::Value::Null))
        })
    }

    /// GETs a path with a token synchronously.
    pub fn blocking_get(base: &str, path: &str, token: &str) -> (u16, super::Value) {
        tokio_rt().block_on(async {
            let r = Client::new().get(format!("{base}{path}")).bearer_auth(token).send().await.expect("request");
            let status = r.status().as_u16();
            (status, r.json().await.unwrap_or(super::Value::Null))
        })
    }

    fn tokio_rt() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
    }
}
