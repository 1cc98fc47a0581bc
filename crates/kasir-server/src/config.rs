//! Configuration from the environment. A bad value stops start-up with a message naming the variable.

use std::{collections::HashMap, net::SocketAddr, time::Duration};

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone)]
pub struct Config {
    /// `KASIR_DATABASE_URL`, default `sqlite://./kasir.db`.
    pub database_url: String,
    /// `KASIR_BIND`, default `127.0.0.1:8080`.
    pub bind: SocketAddr,
    /// `KASIR_ADMIN_PASSWORD`: the first platform admin's password (generated and printed when unset).
    pub admin_password: Option<String>,
    /// `KASIR_JWT_SECRET`: at least 32 bytes; generated and kept in the database when unset.
    pub jwt_secret: Option<String>,
    /// `KASIR_CORS_ORIGINS`: comma-separated origins, or `*`. Empty: no cross-origin access.
    pub cors_origins: Vec<String>,
    /// `KASIR_LOG`: a tracing filter such as `info` or `kasir=debug,info`.
    pub log: String,
    /// `KASIR_LOG_FORMAT`: `pretty` or `json`.
    pub log_format: LogFormat,
    /// `KASIR_DB_MAX_CONNECTIONS`: PostgreSQL pool size per process, SQLite readers (default 16).
    pub db_max_connections: u32,
    /// `KASIR_LOGIN_LOCK_SECONDS`: first lock-out after repeated failed logins; doubles after each further failure.
    pub login_lock_seconds: i64,
    /// `KASIR_WS_QUEUE`: events a WebSocket client may have waiting before it is cut off as too
    /// slow (default 1024).
    pub ws_queue: usize,
    /// `KASIR_DB_MAX_WRITERS`: write transactions run at once per process (default 4); the
    /// others wait their turn.
    pub db_max_writers: usize,
    /// `KASIR_SQLITE_GROUP_COMMIT`: SQLite commits queued write transactions together (default
    /// `on`; `off` commits each on its own, as before issue 20).
    pub sqlite_group_commit: bool,
    /// `KASIR_LICENSE_KEY_FILE`: the Ed25519 key (PKCS#8 PEM) licence tokens are signed with;
    /// by default one is generated on first start and kept in the database.
    pub license_key_file: Option<std::path::PathBuf>,
    /// `KASIR_FEED_RETENTION_DAYS`: superseded change-feed rows and tombstones are pruned after
    /// this many days (default 30); a device whose cursor is older must pull from the start (410).
    pub feed_retention_days: i64,
    /// `KASIR_SEARCH_COUNT_CAP`: product searches count at most this many name matches and
    /// this many code matches; past it the total is a lower bound (default 1,000).
    pub search_count_cap: i64,
    /// `KASIR_PUBLIC_URL`: where guests reach the server (the QR codes of table sessions link
    /// there); default `http://` and the bind address.
    pub public_url: Option<String>,
    /// `KASIR_GUEST_ORDERS_PER_MINUTE`: orders one table session may place a minute (default 6).
    pub guest_orders_per_minute: i64,
    /// `KASIR_TRUSTED_PROXIES`: comma-separated addresses or networks of reverse proxies whose
    /// `X-Forwarded-For` names the client; empty (the default) believes no one's.
    pub trusted_proxies: crate::auth::client_addr::TrustedProxies,
    /// `KASIR_HEADER_TIMEOUT_SECS`: how long a client may take to send a request's headers, and
    /// how long an idle keep-alive connection waits for the next request (default 10 s).
    pub header_timeout: Duration,
    /// `KASIR_BODY_TIMEOUT_SECS`: the longest pause while a request body arrives; past it the
    /// request gets 408 and the connection is closed (default 30 s).
    pub body_timeout: Duration,
    /// The job runner: `KASIR_JOB_WORKERS` (jobs run at once per process, default 4) and
    /// `KASIR_JOB_POLL_MS` (how often an idle process looks for due jobs, default 1000).
    pub jobs: crate::platform::jobs::RunnerConfig,
    /// `KASIR_RATE_LIMIT_PER_MINUTE`: requests a client address may make a minute (default 100;
    /// 0 for no limit).
    pub rate_limit_per_minute: i64,
    /// `KASIR_RATE_LIMIT_PER_HOUR`: requests a login may make an hour (default 1000; 0 for no limit).
    pub rate_limit_per_hour: i64,
    /// `KASIR_METRICS_TOKEN`: when set, `/metrics` answers only requests bearing it.
    pub metrics_token: Option<String>,
    /// `KASIR_DATA_DIR`: where uploaded files are kept when no bucket is set (default `./data`).
    pub data_dir: std::path::PathBuf,
    /// `KASIR_UPLOAD_MAX_MB`: the largest file `POST /files` takes, 1 to 20 (default 10).
    pub upload_max_mb: usize,
    /// `KASIR_S3_URL`: an S3-compatible bucket for files instead of the data directory,
    /// `http(s)://ACCESS_KEY:SECRET@host[:port]/bucket[?region=…]`.
    pub s3_url: Option<String>,
    /// `KASIR_SMTP_URL`: `smtps://user:pass@host:port` (TLS) or `smtp://host:port`; unset, email
    /// is recorded `not_configured`.
    pub smtp_url: Option<String>,
    /// `KASIR_SMTP_FROM`: the sender of emails (default `Kasir <no-reply@localhost>`).
    pub smtp_from: String,
    /// `KASIR_SMS_WEBHOOK_URL` and `KASIR_SMS_WEBHOOK_SECRET`: where SMS go, and the HMAC key
    /// that signs them.
    pub sms_webhook_url: Option<String>,
    pub sms_webhook_secret: Option<String>,
    /// `KASIR_FCM_CREDENTIALS`: a Firebase service-account JSON file; unset, pushes are recorded
    /// `not_configured`. Its `token_uri` is where access tokens come from.
    pub fcm_credentials: Option<std::path::PathBuf>,
    /// `KASIR_FCM_URL`: where pushes are sent (default `https://fcm.googleapis.com`).
    pub fcm_url: String,
    /// `KASIR_SECRET_KEY`: seals stored secrets (payment gateway keys) with AES-256-GCM; at least
    /// 32 characters. Unset, no gateway can be set up.
    pub secret_key: Option<String>,
    /// `KASIR_GATEWAY_TIMEOUT_MS`: how long a call to a payment gateway may take (default 15000).
    pub gateway_timeout: Duration,
    /// `KASIR_ALERT_EMAIL`: where operator alerts go (bursts of 5xx answers), at most one per
    /// kind every 10 minutes.
    pub alert_email: Option<String>,
}

/// A configuration value that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{var}: {message}")]
pub struct ConfigError {
    pub var: &'static str,
    pub message: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: "sqlite://./kasir.db".into(),
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            admin_password: None,
            jwt_secret: None,
            cors_origins: Vec::new(),
            log: "info".into(),
            log_format: LogFormat::Pretty,
            db_max_connections: 16,
            login_lock_seconds: 2,
            search_count_cap: kasir_store::crud::SEARCH_COUNT_CAP,
            feed_retention_days: 30,
            license_key_file: None,
            db_max_writers: 4,
            sqlite_group_commit: true,
            ws_queue: 1024,
            public_url: None,
            guest_orders_per_minute: 6,
            trusted_proxies: Default::default(),
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            jobs: Default::default(),
            rate_limit_per_minute: 100,
            rate_limit_per_hour: 1000,
            metrics_token: None,
            data_dir: "./data".into(),
            upload_max_mb: 10,
            s3_url: None,
            smtp_url: None,
            smtp_from: "Kasir <no-reply@localhost>".into(),
            sms_webhook_url: None,
            sms_webhook_secret: None,
            fcm_credentials: None,
            fcm_url: "https://fcm.googleapis.com".into(),
            secret_key: None,
            gateway_timeout: Duration::from_secs(15),
            alert_email: None,
        }
    }
}

impl Config {
    /// `KASIR_UPLOAD_MAX_MB` as an error message says it.
    pub fn upload_limit_text(&self) -> String {
        format!("{} MiB", self.upload_max_mb)
    }

    /// The file store the configuration names: the bucket of `KASIR_S3_URL`, or `KASIR_DATA_DIR`.
    pub fn file_store(&self) -> anyhow::Result<crate::platform::files::FileStore> {
        match &self.s3_url {
            Some(url) => crate::platform::files::FileStore::s3(url),
            None => Ok(crate::platform::files::FileStore::Local(self.data_dir.clone())),
        }
    }

    /// Reads the process environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Self::from_vars(&std::env::vars().collect())
    }

    /// Reads configuration from a map of variables (the environment, or a test's).
    pub fn from_vars(vars: &HashMap<String, String>) -> Result<Config, ConfigError> {
        let get = |k: &str| vars.get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let mut c = Config::default();
        if let Some(url) = get("KASIR_DATABASE_URL") {
            if !(url.starts_with("sqlite:") || url.starts_with("postgres://") || url.starts_with("postgresql://")) {
                return Err(err("KASIR_DATABASE_URL", "must start with sqlite:// or postgres://"));
            }
            c.database_url = url;
        }
        if let Some(bind) = get("KASIR_BIND") {
            c.bind =
                bind.parse().map_err(|_| err("KASIR_BIND", "must be an address and port such as 127.0.0.1:8080"))?;
        }
        if let Some(p) = get("KASIR_ADMIN_PASSWORD") {
            kasir_domain::validation::parse_password(&p, "admin").map_err(|m| err("KASIR_ADMIN_PASSWORD", m))?;
            c.admin_password = Some(p);
        }
        if let Some(s) = get("KASIR_JWT_SECRET") {
            if s.len() < 32 {
                return Err(err("KASIR_JWT_SECRET", "must be at least 32 characters"));
            }
            c.jwt_secret = Some(s);
        }
        if let Some(origins) = get("KASIR_CORS_ORIGINS") {
            for o in origins.split(',').map(str::trim).filter(|o| !o.is_empty()) {
                // Browsers send origins in ASCII (international names in punycode), so any other
                // origin, or one that is no valid header value, could never match.
                if o != "*"
                    && (!(o.starts_with("http://") || o.starts_with("https://"))
                        || !o.is_ascii()
                        || axum::http::HeaderValue::from_str(o).is_err())
                {
                    return Err(err(
                        "KASIR_CORS_ORIGINS",
                        "must be `*` or comma-separated origins such as https://pos.example.com",
                    ));
                }
                c.cors_origins.push(o.trim_end_matches('/').to_string());
            }
        }
        if let Some(log) = get("KASIR_LOG") {
            c.log = log;
        }
        if let Some(f) = get("KASIR_LOG_FORMAT") {
            c.log_format = match f.as_str() {
                "json" => LogFormat::Json,
                "pretty" => LogFormat::Pretty,
                _ => return Err(err("KASIR_LOG_FORMAT", "must be json or pretty")),
            };
        }
        if let Some(n) = get("KASIR_DB_MAX_CONNECTIONS") {
            c.db_max_connections = number(&n, 1, 1000)
                .ok_or_else(|| err("KASIR_DB_MAX_CONNECTIONS", "must be a number from 1 to 1000"))?;
        }
        if let Some(n) = get("KASIR_LOGIN_LOCK_SECONDS") {
            c.login_lock_seconds = number(&n, 1, 3600)
                .ok_or_else(|| err("KASIR_LOGIN_LOCK_SECONDS", "must be a number of seconds from 1 to 3600"))?;
        }
        if let Some(n) = get("KASIR_WS_QUEUE") {
            c.ws_queue =
                number(&n, 1, 1_000_000).ok_or_else(|| err("KASIR_WS_QUEUE", "must be a number from 1 to 1000000"))?;
        }
        if let Some(n) = get("KASIR_DB_MAX_WRITERS") {
            c.db_max_writers =
                number(&n, 1, 1000).ok_or_else(|| err("KASIR_DB_MAX_WRITERS", "must be a number from 1 to 1000"))?;
        }
        if let Some(v) = get("KASIR_SQLITE_GROUP_COMMIT") {
            c.sqlite_group_commit = match v.as_str() {
                "on" | "true" | "1" => true,
                "off" | "false" | "0" => false,
                _ => return Err(err("KASIR_SQLITE_GROUP_COMMIT", "must be on or off")),
            };
        }
        if let Some(f) = get("KASIR_LICENSE_KEY_FILE") {
            c.license_key_file = Some(f.into());
        }
        if let Some(n) = get("KASIR_FEED_RETENTION_DAYS") {
            c.feed_retention_days = number(&n, 1, 3650)
                .ok_or_else(|| err("KASIR_FEED_RETENTION_DAYS", "must be a number of days from 1 to 3650"))?;
        }
        if let Some(n) = get("KASIR_SEARCH_COUNT_CAP") {
            c.search_count_cap = number(&n, 1, 10_000_000)
                .ok_or_else(|| err("KASIR_SEARCH_COUNT_CAP", "must be a number from 1 to 10000000"))?;
        }
        if let Some(n) = get("KASIR_GUEST_ORDERS_PER_MINUTE") {
            c.guest_orders_per_minute = number(&n, 1, 1000)
                .ok_or_else(|| err("KASIR_GUEST_ORDERS_PER_MINUTE", "must be a number from 1 to 1000"))?;
        }
        if let Some(n) = get("KASIR_HEADER_TIMEOUT_SECS") {
            c.header_timeout = Duration::from_secs(
                number(&n, 1, 3600)
                    .ok_or_else(|| err("KASIR_HEADER_TIMEOUT_SECS", "must be a number of seconds from 1 to 3600"))?,
            );
        }
        if let Some(n) = get("KASIR_BODY_TIMEOUT_SECS") {
            c.body_timeout = Duration::from_secs(
                number(&n, 1, 3600)
                    .ok_or_else(|| err("KASIR_BODY_TIMEOUT_SECS", "must be a number of seconds from 1 to 3600"))?,
            );
        }
        if let Some(n) = get("KASIR_RATE_LIMIT_PER_MINUTE") {
            c.rate_limit_per_minute = number(&n, 0, 1_000_000_000).ok_or_else(|| {
                err("KASIR_RATE_LIMIT_PER_MINUTE", "must be a number from 0 (no limit) to 1000000000")
            })?;
        }
        if let Some(n) = get("KASIR_RATE_LIMIT_PER_HOUR") {
            c.rate_limit_per_hour = number(&n, 0, 1_000_000_000)
                .ok_or_else(|| err("KASIR_RATE_LIMIT_PER_HOUR", "must be a number from 0 (no limit) to 1000000000"))?;
        }
        if let Some(d) = get("KASIR_DATA_DIR") {
            c.data_dir = d.into();
        }
        if let Some(n) = get("KASIR_UPLOAD_MAX_MB") {
            c.upload_max_mb = number(&n, 1, 20)
                .ok_or_else(|| err("KASIR_UPLOAD_MAX_MB", "must be a number of megabytes from 1 to 20"))?;
        }
        if let Some(url) = get("KASIR_S3_URL") {
            crate::platform::files::FileStore::s3(&url).map_err(|e| err("KASIR_S3_URL", &e.to_string()))?;
            c.s3_url = Some(url);
        }
        if let Some(url) = get("KASIR_SMTP_URL") {
            if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
                return Err(err("KASIR_SMTP_URL", "must start with smtp:// or smtps://"));
            }
            c.smtp_url = Some(url);
        }
        if let Some(from) = get("KASIR_SMTP_FROM") {
            c.smtp_from = from;
        }
        c.sms_webhook_url = get("KASIR_SMS_WEBHOOK_URL");
        c.sms_webhook_secret = get("KASIR_SMS_WEBHOOK_SECRET");
        if c.sms_webhook_url.is_some() != c.sms_webhook_secret.is_some() {
            return Err(err(
                "KASIR_SMS_WEBHOOK_SECRET",
                "set both KASIR_SMS_WEBHOOK_URL and KASIR_SMS_WEBHOOK_SECRET, or neither",
            ));
        }
        if let Some(path) = get("KASIR_FCM_CREDENTIALS") {
            c.fcm_credentials = Some(path.into());
        }
        if let Some(url) = get("KASIR_FCM_URL") {
            c.fcm_url = url;
        }
        if let Some(to) = get("KASIR_ALERT_EMAIL") {
            kasir_domain::validation::parse_email(&to).map_err(|m| err("KASIR_ALERT_EMAIL", m))?;
            c.alert_email = Some(to);
        }
        if let Some(k) = get("KASIR_SECRET_KEY") {
            if k.chars().count() < 32 {
                return Err(err("KASIR_SECRET_KEY", "must be at least 32 characters"));
            }
            c.secret_key = Some(k);
        }
        if let Some(n) = get("KASIR_GATEWAY_TIMEOUT_MS") {
            c.gateway_timeout = Duration::from_millis(number(&n, 100, 120_000).ok_or_else(|| {
                err("KASIR_GATEWAY_TIMEOUT_MS", "must be a number of milliseconds from 100 to 120000")
            })?);
        }
        if let Some(t) = get("KASIR_METRICS_TOKEN") {
            if t.len() < 16 {
                return Err(err("KASIR_METRICS_TOKEN", "must be at least 16 characters"));
            }
            c.metrics_token = Some(t);
        }
        if let Some(n) = get("KASIR_JOB_WORKERS") {
            c.jobs.workers =
                number(&n, 1, 256).ok_or_else(|| err("KASIR_JOB_WORKERS", "must be a number from 1 to 256"))?;
        }
        if let Some(n) = get("KASIR_JOB_POLL_MS") {
            c.jobs.poll = Duration::from_millis(
                number(&n, 10, 600_000)
                    .ok_or_else(|| err("KASIR_JOB_POLL_MS", "must be a number of milliseconds from 10 to 600000"))?,
            );
        }
        if let Some(raw) = get("KASIR_TRUSTED_PROXIES") {
            c.trusted_proxies = crate::auth::client_addr::TrustedProxies::parse(&raw).map_err(|m| {
                err("KASIR_TRUSTED_PROXIES", &format!("{m}; list addresses or networks such as 10.0.0.0/8"))
            })?;
        }
        if let Some(url) = get("KASIR_PUBLIC_URL") {
            let url = url.trim_end_matches('/').to_string();
            let host = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")).unwrap_or_default();
            if host.is_empty() || host.contains(char::is_whitespace) {
                return Err(err(
                    "KASIR_PUBLIC_URL",
                    "must be an http:// or https:// address such as https://pos.example.com",
                ));
            }
            c.public_url = Some(url);
        }
        Ok(c)
    }

    /// The address guests and links reach this server at: `KASIR_PUBLIC_URL`, or the bind address.
    pub fn public_url(&self) -> String {
        self.public_url.clone().unwrap_or_else(|| format!("http://{}", self.bind))
    }
}

/// A whole number within `lo..=hi`.
fn number<T: std::str::FromStr + PartialOrd>(raw: &str, lo: T, hi: T) -> Option<T> {
    raw.parse().ok().filter(|n| (lo..=hi).contains(n))
}

fn err(var: &'static str, message: &str) -> ConfigError {
    ConfigError { var, message: message.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn defaults_without_environment() {
        let c = Config::from_vars(&HashMap::new()).unwrap();
        assert_eq!(c.database_url, "sqlite://./kasir.db");
        assert_eq!(c.bind.to_string(), "127.0.0.1:8080");
    }

    #[test]
    fn bad_values_name_their_variable() {
        for (var, value) in [
            ("KASIR_BIND", "nowhere"),
            ("KASIR_DATABASE_URL", "mysql://x"),
            ("KASIR_LOG_FORMAT", "xml"),
            ("KASIR_JWT_SECRET", "short"),
            ("KASIR_CORS_ORIGINS", "example.com"),
            ("KASIR_DB_MAX_CONNECTIONS", "0"),
            ("KASIR_PUBLIC_URL", "pos.example.com"),
            ("KASIR_GUEST_ORDERS_PER_MINUTE", "0"),
            ("KASIR_CORS_ORIGINS", "https://pos.example.com,https://bad\u{7f}.example.com"),
            ("KASIR_HEADER_TIMEOUT_SECS", "0"),
            ("KASIR_HEADER_TIMEOUT_SECS", "ten"),
            ("KASIR_BODY_TIMEOUT_SECS", "3601"),
        ] {
            let e = Config::from_vars(&vars(&[(var, value)])).unwrap_err();
            assert_eq!(e.var, var);
            assert!(e.to_string().starts_with(var));
        }
    }

    #[test]
    fn request_timeouts_default_to_ten_and_thirty_seconds_and_can_be_set() {
        let c = Config::from_vars(&HashMap::new()).unwrap();
        assert_eq!((c.header_timeout, c.body_timeout), (Duration::from_secs(10), Duration::from_secs(30)));
        let c = Config::from_vars(&vars(&[("KASIR_HEADER_TIMEOUT_SECS", "3"), ("KASIR_BODY_TIMEOUT_SECS", "120")]))
            .unwrap();
        assert_eq!((c.header_timeout, c.body_timeout), (Duration::from_secs(3), Duration::from_secs(120)));
    }

    #[test]
    fn an_origin_no_browser_could_send_stops_start_up() {
        for bad in ["https://pos.example.com,https://bad\u{7f}.example", "https://kasir-café.example"] {
            let e = Config::from_vars(&vars(&[("KASIR_CORS_ORIGINS", bad)])).unwrap_err();
            assert_eq!(e.var, "KASIR_CORS_ORIGINS", "{bad:?}");
        }
        let ok = Config::from_vars(&vars(&[("KASIR_CORS_ORIGINS", "https://pos.example.com, http://localhost:5173/")]))
            .unwrap();
        assert_eq!(ok.cors_origins, vec!["https://pos.example.com", "http://localhost:5173"]);
    }
}
