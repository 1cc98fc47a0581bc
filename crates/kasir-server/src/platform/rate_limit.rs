//! Rate limits: requests per client address a minute, and per login an hour. Over either, 429
//! `rate_limited` with `Retry-After` (the end of the window). `/health`, `/metrics` and
//! `/api/v1/sync/*` are exempt; so are requests refused here (only served ones count).
//!
//! Each process counts in memory. On PostgreSQL every process adds what it counted to the shared
//! `rate_counters` every [`FLUSH_EVERY`] and reads back the total of all processes for those
//! keys. A process learns of other processes' counts for a key when it next counts one of its
//! own, so past a limit at most what arrives in one flush interval gets through.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};
use kasir_store::{Backend, Db};

use crate::{
    api::ApiError,
    auth::{
        client_addr::ClientAddr,
        principal::{credentials, Credentials},
    },
    state::AppState,
};

/// How often counts are shared with the other processes.
pub const FLUSH_EVERY: Duration = Duration::from_millis(200);

#[derive(Debug, Default, Clone, Copy)]
struct Count {
    /// The total of every process when this one last flushed (its own flushed counts included).
    shared: i64,
    /// Counted here since the last flush.
    local: i64,
}

/// This process's counters. Cheap to clone.
#[derive(Clone, Default)]
pub struct RateLimits(Arc<Mutex<HashMap<(String, i64), Count>>>);

impl RateLimits {
    /// Counts a request of `key` in the window of `span` seconds that `now` (Unix seconds) falls
    /// in, unless `limit` requests were counted there already: then the seconds until the window
    /// ends. A limit of 0 counts nothing and refuses nothing.
    pub fn check(&self, key: &str, limit: i64, span: i64, now: i64) -> Result<(), i64> {
        if limit <= 0 {
            return Ok(());
        }
        let window = now.div_euclid(span) * span;
        let mut counts = self.0.lock().expect("rate counters");
        let c = counts.entry((key.to_string(), window)).or_default();
        if c.shared + c.local >= limit {
            return Err((window + span - now).max(1));
        }
        c.local += 1;
        Ok(())
    }

    /// Forgets windows that ended before `now`; on PostgreSQL, first shares the counts with
    /// the other processes.
    async fn flush(&self, db: &Db, now: i64) -> kasir_store::Result<()> {
        let pending: Vec<(String, i64, i64)> = {
            let mut counts = self.0.lock().expect("rate counters");
            // Hour windows are the longest: anything older is over.
            counts.retain(|(_, window), _| *window + 3600 > now);
            counts.iter().filter(|(_, c)| c.local > 0).map(|((k, w), c)| (k.clone(), *w, c.local)).collect()
        };
        if pending.is_empty() || db.backend() != Backend::Postgres {
            return Ok(());
        }
        let totals: HashMap<(String, i64), i64> = kasir_store::platform::rate_limits::add(db, &pending)
            .await?
            .into_iter()
            .map(|(key, window, total)| ((key, window), total))
            .collect();
        let mut counts = self.0.lock().expect("rate counters");
        // Matched by key, not by position: RETURNING promises no order.
        for (key, window, sent) in pending {
            let total = totals.get(&(key.clone(), window)).copied();
            if let (Some(c), Some(total)) = (counts.get_mut(&(key, window)), total) {
                c.local -= sent;
                c.shared = total;
            }
        }
        Ok(())
    }

    /// Flushes every [`FLUSH_EVERY`] until `db` is closed.
    pub fn start(&self, db: Db) {
        let limits = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(FLUSH_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                if db.writer().is_closed() {
                    return;
                }
                if let Err(e) = limits.flush(&db, jiff::Timestamp::now().as_second()).await {
                    if !db.writer().is_closed() {
                        tracing::warn!(error = %e, "sharing rate-limit counts failed");
                    }
                }
            }
        });
    }
}

/// Paths no rate limit counts (the OpenAPI document leaves 429 out of their answers).
pub(crate) fn exempt(path: &str) -> bool {
    path == "/health" || path == "/metrics" || path.starts_with("/api/v1/sync/")
}

/// Middleware: counts the request against its client address and, when it carries a valid
/// access token or API key, its login.
pub async fn limit(State(s): State<AppState>, req: Request, next: Next) -> Response {
    if exempt(req.uri().path()) {
        return next.run(req).await;
    }
    let now = jiff::Timestamp::now().as_second();
    // A limit of 0 is off: its key is not even worked out (a token is verified for it).
    if s.config.rate_limit_per_minute > 0 {
        if let Some(ClientAddr(ip)) = req.extensions().get::<ClientAddr>() {
            if let Err(secs) = s.rate_limits.check(&format!("ip:{ip}"), s.config.rate_limit_per_minute, 60, now) {
                return ApiError::RateLimited { retry_after_secs: secs }.into_response();
            }
        }
    }
    if s.config.rate_limit_per_hour > 0 {
        if let Some(login) = login_of(&s, &req) {
            if let Err(secs) = s.rate_limits.check(&format!("login:{login}"), s.config.rate_limit_per_hour, 3600, now) {
                return ApiError::RateLimited { retry_after_secs: secs }.into_response();
            }
        }
    }
    next.run(req).await
}

/// Whose login the request carries: the user of a valid access token, or the id of an API key
/// (its secret is checked later, by the route).
fn login_of(s: &AppState, req: &Request) -> Option<String> {
    match credentials(req.headers()).ok()? {
        Credentials::Bearer(token) => s.tokens.verify(&token).map(|c| c.sub),
        Credentials::Basic { key_id, .. } => Some(format!("key:{key_id}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_window_and_tells_how_long_to_wait() {
        let limits = RateLimits::default();
        for _ in 0..3 {
            assert_eq!(limits.check("ip:1", 3, 60, 120), Ok(()));
        }
        assert_eq!(limits.check("ip:1", 3, 60, 150), Err(30));
        assert_eq!(limits.check("ip:2", 3, 60, 150), Ok(()), "another key");
        assert_eq!(limits.check("ip:1", 3, 60, 180), Ok(()), "the next window");
        assert_eq!(limits.check("ip:1", 0, 60, 180), Ok(()), "no limit");
    }
}
