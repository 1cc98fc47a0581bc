//! Test harness: the real server on port 0, over real HTTP, on a fresh SQLite file or a fresh
//! PostgreSQL database. `backend_tests!` runs each test on both.

use std::time::Duration;

use kasir_server::{AppState, Config};
use reqwest::{header::HeaderMap, Method};
use serde_json::{json, Value};
use tokio::sync::oneshot;

pub const JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123";
pub const ADMIN_PASSWORD: &str = "admin-password-1";
pub const PASSWORD: &str = "password-123";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs each listed `async fn name(b: Backend)` as `sqlite::name` and `postgres::name`.
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::common::Backend::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::common::Backend::Postgres).await
                }
            )*
        }
    };
}

/// A running server with its own database.
pub struct TestServer {
    pub base: String,
    pub state: AppState,
    client: reqwest::Client,
    shutdown: Option<oneshot::Sender<()>>,
    _dir: Option<tempfile::TempDir>,
}

/// An HTTP answer.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Resp {
    pub fn data(&self) -> &Value {
        &self.body["data"]
    }
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }
    /// The `field` of every field error.
    pub fn fields(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|a| a.iter().map(|e| e["field"].as_str().unwrap_or("").to_string()).collect())
            .unwrap_or_default()
    }
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
    }
}

/// A tenant made for a test, with its owner's token.
pub struct Tenant {
    pub id: String,
    pub owner_id: String,
    pub owner: String,
}

pub fn pg_admin_url() -> String {
    std::env::var("KASIR_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A fresh, empty PostgreSQL database; returns its URL.
pub async fn fresh_pg_database() -> String {
    let admin_url = pg_admin_url();
    let name = format!("kasir_t_{}", uuid_simple());
    sqlx_exec(&admin_url, &format!("CREATE DATABASE {name}")).await;
    let base = admin_url.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap_or(admin_url);
    format!("{base}/{name}")
}

async fn sqlx_exec(url: &str, sql: &str) {
    let db = kasir_store::Db::connect(url, &kasir_store::DbOptions { max_connections: 2, ..Default::default() })
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL must be running for the postgres tests ({url}): {e}"));
    kasir_store::raw_execute(&db, sql).await.expect(sql);
    db.close().await;
}

fn uuid_simple() -> String {
    kasir_domain::ids::new_id().replace('-', "")
}

impl TestServer {
    pub async fn start(backend: Backend) -> TestServer {
        Self::start_with(backend, |_| {}).await
    }

    /// Starts a server after letting `tune` change its configuration.
    pub async fn start_with(backend: Backend, tune: impl FnOnce(&mut Config)) -> TestServer {
        let (database_url, dir) = match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("tempdir");
                (format!("sqlite://{}/kasir.db", dir.path().display()), Some(dir))
            }
            Backend::Postgres => (fresh_pg_database().await, None),
        };
        Self::start_on(database_url, dir, tune).await
    }

    /// A second server (node) on the database of `self`, which must be PostgreSQL.
    pub async fn another_node(&self) -> TestServer {
        Self::start_on(self.state.config.database_url.clone(), None, |_| {}).await
    }

    async fn start_on(
        database_url: String,
        dir: Option<tempfile::TempDir>,
        tune: impl FnOnce(&mut Config),
    ) -> TestServer {
        let mut config = Config {
            database_url,
            admin_password: Some(ADMIN_PASSWORD.into()),
            jwt_secret: Some(JWT_SECRET.into()),
            login_lock_seconds: 1,
            db_max_connections: 8,
            ..Config::default()
        };
        tune(&mut config);
        let app = kasir_server::build(config).await.expect("server builds");
        let state = app.state.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = kasir_server::serve(app, listener, async move {
                let _ = rx.await;
            })
            .await;
        });
        TestServer {
            base: format!("http://{addr}"),
            state,
            client: reqwest::Client::builder().timeout(Duration::from_secs(60)).build().expect("client"),
            shutdown: Some(tx),
            _dir: dir,
        }
    }

    /// Sends a request; `body` is sent as JSON.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Resp {
        let url = if path.starts_with('/')
            && !path.starts_with("/api/")
            && !path.starts_with("/health")
            && !path.starts_with("/metrics")
            && !path.starts_with("/docs")
        {
            format!("{}/api/v1{path}", self.base)
        } else {
            format!("{}{path}", self.base)
        };
        let mut req = self.client.request(method, url);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.expect("request sent");
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let text = res.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Resp { status, headers, body }
    }

    pub fn raw(&self) -> &reqwest::Client {
        &self.client
    }

    pub async fn get(&self, path: &str, token: &str) -> Resp {
        self.send(Method::GET, path, Some(token), None, &[]).await
    }
    pub async fn post(&self, path: &str, token: &str, body: Value) -> Resp {
        self.send(Method::POST, path, Some(token), Some(body), &[]).await
    }
    pub async fn patch(&self, path: &str, token: &str, body: Value) -> Resp {
        self.send(Method::PATCH, path, Some(token), Some(body), &[]).await
    }
    pub async fn delete(&self, path: &str, token: &str) -> Resp {
        self.send(Method::DELETE, path, Some(token), None, &[]).await
    }

    /// Logs in and returns the whole `data` object.
    pub async fn login(&self, username: &str, password: &str) -> Resp {
        self.send(Method::POST, "/auth/login", None, Some(json!({"username": username, "password": password})), &[])
            .await
    }

    /// Logs in and returns the access token, failing the test if login fails.
    pub async fn token(&self, username: &str, password: &str) -> String {
        let r = self.login(username, password).await;
        assert_eq!(r.status, 200, "login of {username} failed: {:?}", r.body);
        r.data()["access_token"].as_str().expect("access_token").to_string()
    }

    /// The platform admin's token.
    pub async fn admin(&self) -> String {
        self.token("admin", ADMIN_PASSWORD).await
    }

    /// Creates a tenant whose owner is `<slug>-owner`.
    pub async fn tenant(&self, slug: &str) -> Tenant {
        let admin = self.admin().await;
        let owner_name = format!("{slug}-owner");
        let r = self
            .post(
                "/tenants",
                &admin,
                json!({"name": format!("Tenant {slug}"), "slug": slug, "owner": {"username": owner_name, "password": PASSWORD, "name": "Owner"}}),
            )
            .await;
        assert_eq!(r.status, 201, "tenant create: {:?}", r.body);
        let id = r.data()["id"].as_str().expect("tenant id").to_string();
        let owner_id = r.data()["owner"]["id"].as_str().expect("owner id").to_string();
        let owner = self.token(&owner_name, PASSWORD).await;
        Tenant { id, owner_id, owner }
    }

    /// Creates an outlet and returns its id.
    pub async fn outlet(&self, token: &str, code: &str) -> String {
        let r = self.post("/outlets", token, json!({"name": format!("Outlet {code}"), "code": code})).await;
        assert_eq!(r.status, 201, "outlet create: {:?}", r.body);
        r.data()["id"].as_str().expect("outlet id").to_string()
    }

    /// Creates a user and returns its id.
    pub async fn user(&self, token: &str, username: &str, role: &str, outlets: &[&str]) -> String {
        let r = self
            .post("/users", token, json!({"username": username, "password": PASSWORD, "name": username, "role": role, "outlet_ids": outlets}))
            .await;
        assert_eq!(r.status, 201, "user create: {:?}", r.body);
        r.data()["id"].as_str().expect("user id").to_string()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Polls `check` until it returns `Some`, or fails the test after `secs` seconds.
pub async fn eventually<T, F, Fut>(secs: u64, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = check().await {
            return v;
        }
        if tokio::time::Instant::now() > deadline {
            panic!("timed out waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
