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

fn database_url(admin_url: &str, name: &str) -> String {
    let base = admin_url.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap_or(admin_url.to_string());
    format!("{base}/{name}")
}

/// Names what a template database holds: the migrations (each one's number, name and SQL) and the
/// platform admin's password. A change to either makes a new template.
fn template_key() -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    kasir_store::MIGRATIONS.hash(&mut h);
    ADMIN_PASSWORD.hash(&mut h);
    format!("{:016x}", h.finish())
}

/// The configuration a template is prepared with (and every test server starts from).
fn base_config(database_url: String) -> Config {
    Config {
        database_url,
        admin_password: Some(ADMIN_PASSWORD.into()),
        jwt_secret: Some(JWT_SECRET.into()),
        login_lock_seconds: 1,
        db_max_connections: 8,
        // Every test's requests come from one address; the rate-limit tests lower these.
        rate_limit_per_minute: 0,
        rate_limit_per_hour: 0,
        data_dir: std::env::temp_dir().join(format!("kasir-test-data-{}", uuid_simple())),
        ..Config::default()
    }
}

/// Migrates the database at `url` and creates the platform admin, as a server's start does.
async fn prepare(url: &str) {
    let db = kasir_store::Db::connect(url, &kasir_store::DbOptions { max_connections: 2, ..Default::default() })
        .await
        .expect("the template database");
    kasir_server::prepare(&db, &base_config(url.to_string())).await.expect("preparing the template");
    if db.backend() == kasir_store::Backend::Sqlite {
        kasir_store::raw_execute(&db, "PRAGMA wal_checkpoint(TRUNCATE)").await.expect("checkpoint");
    }
    db.close().await;
}

/// A fresh PostgreSQL database, migrated and with the platform admin: a copy (`CREATE DATABASE …
/// TEMPLATE`) of a template made once per set of migrations, by whichever test needs it first.
pub async fn migrated_pg_database() -> String {
    let admin_url = pg_admin_url();
    let template = format!("kasir_tpl_{}", template_key());
    let name = format!("kasir_t_{}", uuid_simple());
    let clone = format!("CREATE DATABASE {name} TEMPLATE {template}");
    let admin =
        kasir_store::Db::connect(&admin_url, &kasir_store::DbOptions { max_connections: 1, ..Default::default() })
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL must be running for the postgres tests ({admin_url}): {e}"));
    if kasir_store::raw_execute(&admin, &clone).await.is_err() {
        // The first test of a run makes the template, under a lock the others wait on; the
        // template is renamed into place only once complete.
        kasir_store::raw_execute(&admin, "SELECT pg_advisory_lock(7346)").await.expect("lock");
        if kasir_store::raw_execute(&admin, &clone).await.is_err() {
            let building = format!("{template}_new");
            kasir_store::raw_execute(&admin, &format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"))
                .await
                .expect("drop");
            kasir_store::raw_execute(&admin, &format!("CREATE DATABASE {building}")).await.expect("create");
            prepare(&database_url(&admin_url, &building)).await;
            kasir_store::raw_execute(&admin, &format!("ALTER DATABASE {building} RENAME TO {template}"))
                .await
                .expect("rename");
            kasir_store::raw_execute(&admin, &clone).await.expect(&clone);
        }
        kasir_store::raw_execute(&admin, "SELECT pg_advisory_unlock(7346)").await.expect("unlock");
    }
    admin.close().await;
    database_url(&admin_url, &name)
}

/// A fresh SQLite file in `dir`, migrated and with the platform admin: a copy of a template file
/// made once per set of migrations.
pub async fn migrated_sqlite_database(dir: &std::path::Path) -> String {
    let template = std::env::temp_dir().join(format!("kasir-test-template-{}.db", template_key()));
    if !template.exists() {
        // Made under a name of its own and renamed into place: two tests racing both make one.
        let building = template.with_extension(format!("{}.db", uuid_simple()));
        prepare(&format!("sqlite://{}", building.display())).await;
        std::fs::rename(&building, &template).expect("the template in place");
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", building.display()));
        }
    }
    let file = dir.join("kasir.db");
    std::fs::copy(&template, &file).expect("copying the template");
    format!("sqlite://{}", file.display())
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
                (migrated_sqlite_database(dir.path()).await, Some(dir))
            }
            Backend::Postgres => (migrated_pg_database().await, None),
        };
        Self::start_on(database_url, dir, tune).await
    }

    /// Stops this server, waits until it has closed its database, and starts another on the
    /// same database (the same SQLite file): a restart.
    pub async fn restart(mut self) -> TestServer {
        let url = self.state.config.database_url.clone();
        let dir = self._dir.take();
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        for _ in 0..400 {
            if self.state.db.writer().is_closed() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        assert!(self.state.db.writer().is_closed(), "the server stopped within 10 s");
        drop(self);
        Self::start_on(url, dir, |_| {}).await
    }

    /// A second server (node) on the database of `self`, which must be PostgreSQL.
    pub async fn another_node(&self) -> TestServer {
        self.another_node_with(|_| {}).await
    }

    /// [`TestServer::another_node`] after letting `tune` change its configuration.
    pub async fn another_node_with(&self, tune: impl FnOnce(&mut Config)) -> TestServer {
        Self::start_on(self.state.config.database_url.clone(), None, tune).await
    }

    async fn start_on(
        database_url: String,
        dir: Option<tempfile::TempDir>,
        tune: impl FnOnce(&mut Config),
    ) -> TestServer {
        let mut config = base_config(database_url);
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

/// Every page of a list.
pub async fn all(s: &TestServer, path: &str, token: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for page in 1.. {
        let sep = if path.contains('?') { '&' } else { '?' };
        let r = s.get(&format!("{path}{sep}page={page}&per_page=200"), token).await;
        assert_eq!(r.status, 200, "{path}: {:?}", r.body);
        let items = r.data().as_array().expect("a list").clone();
        let last = items.len() < 200;
        out.extend(items);
        if last {
            break;
        }
    }
    out
}

/// Posts `bytes` as the multipart field `file` (named `name`), with text `fields`.
pub async fn upload(
    s: &TestServer,
    token: &str,
    path: &str,
    name: &str,
    bytes: Vec<u8>,
    fields: &[(&str, &str)],
) -> Resp {
    let mut form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()));
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    let res =
        s.raw().post(format!("{}/api/v1{path}", s.base)).bearer_auth(token).multipart(form).send().await.expect("sent");
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    Resp { status, headers, body }
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
