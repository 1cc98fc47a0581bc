//! Logins (sessions), rotating refresh tokens and login throttling. Tokens are stored only as hashes.

use sqlx::AnyConnection;

use crate::{Db, JsonText, Result, Tx};

/// Whose logins: staff users' (`auth_sessions`, `refresh_tokens`) or customer accounts'
/// (`customer_sessions`, `customer_refresh_tokens`). The same rotation and reuse detection serve
/// both (decision 015).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Logins {
    Staff,
    Customer,
}

impl Logins {
    fn sessions(self) -> &'static str {
        match self {
            Logins::Staff => "auth_sessions",
            Logins::Customer => "customer_sessions",
        }
    }

    fn tokens(self) -> &'static str {
        match self {
            Logins::Staff => "refresh_tokens",
            Logins::Customer => "customer_refresh_tokens",
        }
    }

    /// The sessions' column naming whose login it is.
    fn owner(self) -> &'static str {
        match self {
            Logins::Staff => "user_id",
            Logins::Customer => "account_id",
        }
    }

    /// A live owner of a session `s`: an active, undeleted user; an active account.
    fn live_owner(self) -> &'static str {
        match self {
            Logins::Staff => "JOIN users o ON o.id = s.user_id AND o.is_active = 1 AND o.deleted_at IS NULL",
            Logins::Customer => "JOIN customer_accounts o ON o.id = s.account_id AND o.status = 'active'",
        }
    }
}

/// What the login check needs about a user.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LoginCandidate {
    pub id: String,
    pub tenant_id: Option<String>,
    pub password_hash: String,
    /// 0 or 1.
    pub is_active: i64,
    /// 0 or 1; `None` for platform users.
    pub tenant_active: Option<i64>,
}

/// Finds a live user by username, case-insensitively.
#[tracing::instrument(skip_all)]
pub async fn find_login(db: &Db, username_key: &str) -> Result<Option<LoginCandidate>> {
    Ok(sqlx::query_as(
        "SELECT u.id, u.tenant_id, u.password_hash, u.is_active, t.is_active AS tenant_active
         FROM users u LEFT JOIN tenants t ON t.id = u.tenant_id
         WHERE u.username_key = $1 AND u.deleted_at IS NULL",
    )
    .bind(username_key)
    .fetch_optional(db.reader())
    .await?)
}

/// Everything a request needs to know about the user behind an access token, read fresh on every
/// request so that revocations, deactivation and role changes take effect at once.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionPrincipal {
    pub user_id: String,
    pub tenant_id: Option<String>,
    pub username: String,
    pub name: String,
    pub email: Option<String>,
    pub role: String,
    #[sqlx(try_from = "String")]
    pub outlet_ids: JsonText<Vec<String>>,
    /// 0 or 1.
    pub is_active: i64,
    /// 0 or 1; `None` for platform users.
    pub tenant_active: Option<i64>,
    pub revoked_at: Option<String>,
    pub expires_at: String,
    /// The custom role's permissions (JSON), when `role` is not built in.
    pub custom_permissions: Option<String>,
}

#[tracing::instrument(skip_all)]
pub async fn load_session(db: &Db, session_id: &str, user_id: &str) -> Result<Option<SessionPrincipal>> {
    Ok(sqlx::query_as(
        "SELECT u.id AS user_id, u.tenant_id, u.username, u.name, u.email, u.role, u.outlet_ids, u.is_active,
                t.is_active AS tenant_active, s.revoked_at, s.expires_at, r.permissions AS custom_permissions
         FROM auth_sessions s
         JOIN users u ON u.id = s.user_id AND u.deleted_at IS NULL
         LEFT JOIN tenants t ON t.id = u.tenant_id
         LEFT JOIN roles r ON r.tenant_id = u.tenant_id AND r.name_key = LOWER(u.role) AND r.deleted_at IS NULL
         WHERE s.id = $1 AND s.user_id = $2",
    )
    .bind(session_id)
    .bind(user_id)
    .fetch_optional(db.reader())
    .await?)
}

/// Starts a login and stores its first refresh token.
#[tracing::instrument(skip_all)]
pub async fn create_session(
    tx: &mut Tx,
    logins: Logins,
    session_id: &str,
    user_id: &str,
    refresh_hash: &str,
    refresh_expires_at: &str,
    user_agent: Option<&str>,
) -> Result<()> {
    let now = kasir_domain::time::now();
    sqlx::query(&format!(
        "INSERT INTO {} (id, {}, created_at, expires_at, ip, user_agent) VALUES ($1, $2, $3, $4, $5, $6)",
        logins.sessions(),
        logins.owner()
    ))
    .bind(session_id)
    .bind(user_id)
    .bind(&now)
    .bind(refresh_expires_at)
    .bind(tx.actor.ip.clone())
    .bind(user_agent.map(|s| s.chars().take(255).collect::<String>()))
    .execute(&mut **tx)
    .await?;
    insert_refresh(tx, logins, session_id, refresh_hash, refresh_expires_at).await
}

async fn insert_refresh(
    conn: &mut AnyConnection,
    logins: Logins,
    session_id: &str,
    hash: &str,
    expires_at: &str,
) -> Result<()> {
    sqlx::query(&format!(
        "INSERT INTO {} (token_hash, session_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        logins.tokens()
    ))
    .bind(hash)
    .bind(session_id)
    .bind(kasir_domain::time::now())
    .bind(expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The outcome of presenting a refresh token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rotation {
    /// The token was current: it is now spent and `new_hash` replaces it.
    Rotated { session_id: String, user_id: String },
    /// The token had already been rotated: the whole login has been revoked.
    Reused { session_id: String, user_id: String },
    /// Unknown, expired or belonging to a revoked login.
    Invalid,
}

/// Spends a refresh token and stores its successor, atomically: of two requests presenting the same
/// token, exactly one rotates it and the other is treated as reuse.
#[tracing::instrument(skip_all)]
pub async fn rotate_refresh(
    tx: &mut Tx,
    logins: Logins,
    old_hash: &str,
    new_hash: &str,
    expires_at: &str,
) -> Result<Rotation> {
    let now = kasir_domain::time::now();
    let spent: Option<(String,)> = sqlx::query_as(&format!(
        "UPDATE {} SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING session_id",
        logins.tokens()
    ))
    .bind(&now)
    .bind(old_hash)
    .fetch_optional(&mut **tx)
    .await?;
    match spent {
        Some((session_id,)) => {
            let Some(user_id) = session_user(tx, logins, &session_id).await? else {
                return Ok(Rotation::Invalid);
            };
            sqlx::query(&format!("UPDATE {} SET expires_at = $1 WHERE id = $2", logins.sessions()))
                .bind(expires_at)
                .bind(&session_id)
                .execute(&mut **tx)
                .await?;
            insert_refresh(tx, logins, &session_id, new_hash, expires_at).await?;
            Ok(Rotation::Rotated { session_id, user_id })
        }
        None => {
            let used: Option<(String, Option<String>)> =
                sqlx::query_as(&format!("SELECT session_id, used_at FROM {} WHERE token_hash = $1", logins.tokens()))
                    .bind(old_hash)
                    .fetch_optional(&mut **tx)
                    .await?;
            match used {
                Some((session_id, Some(_))) => {
                    let user: Option<(String,)> =
                        sqlx::query_as(&format!("SELECT {} FROM {} WHERE id = $1", logins.owner(), logins.sessions()))
                            .bind(&session_id)
                            .fetch_optional(&mut **tx)
                            .await?;
                    revoke_session(tx, logins, &session_id, "refresh_token_reused").await?;
                    Ok(Rotation::Reused { session_id, user_id: user.map(|(u,)| u).unwrap_or_default() })
                }
                _ => Ok(Rotation::Invalid),
            }
        }
    }
}

/// The owner of a live (unrevoked, unexpired) login, inside a transaction.
async fn session_user(tx: &mut Tx, logins: Logins, session_id: &str) -> Result<Option<String>> {
    let row: Option<(String,)> = sqlx::query_as(&format!(
        "SELECT s.{} FROM {} s {} WHERE s.id = $1 AND s.revoked_at IS NULL AND s.expires_at > $2",
        logins.owner(),
        logins.sessions(),
        logins.live_owner()
    ))
    .bind(session_id)
    .bind(kasir_domain::time::now())
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|(u,)| u))
}

/// Ends a login: its refresh tokens stop working and its access tokens are refused.
#[tracing::instrument(skip_all)]
pub async fn revoke_session(tx: &mut Tx, logins: Logins, session_id: &str, reason: &str) -> Result<bool> {
    let done = sqlx::query(&format!(
        "UPDATE {} SET revoked_at = $1, revoked_reason = $2 WHERE id = $3 AND revoked_at IS NULL",
        logins.sessions()
    ))
    .bind(kasir_domain::time::now())
    .bind(reason)
    .bind(session_id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// The login a refresh token belongs to, if the token is known.
#[tracing::instrument(skip_all)]
pub async fn session_of_refresh(tx: &mut Tx, logins: Logins, hash: &str) -> Result<Option<(String, String)>> {
    Ok(sqlx::query_as(&format!(
        "SELECT s.id, s.{} FROM {} r JOIN {} s ON s.id = r.session_id WHERE r.token_hash = $1",
        logins.owner(),
        logins.tokens(),
        logins.sessions()
    ))
    .bind(hash)
    .fetch_optional(&mut **tx)
    .await?)
}

/// Ends every login of a user but `keep` (after a password change); returns how many ended.
#[tracing::instrument(skip_all)]
pub async fn revoke_other_sessions(
    tx: &mut Tx,
    logins: Logins,
    user_id: &str,
    keep: Option<&str>,
    reason: &str,
) -> Result<u64> {
    let done = sqlx::query(&format!(
        "UPDATE {} SET revoked_at = $1, revoked_reason = $2 WHERE {} = $3 AND id <> $4 AND revoked_at IS NULL",
        logins.sessions(),
        logins.owner()
    ))
    .bind(kasir_domain::time::now())
    .bind(reason)
    .bind(user_id)
    .bind(keep.unwrap_or(""))
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected())
}

/// Whether a login of `owner_id` is live: not revoked, not expired.
#[tracing::instrument(skip_all)]
pub async fn session_live(db: &Db, logins: Logins, session_id: &str, owner_id: &str) -> Result<bool> {
    let row: Option<(i64,)> = sqlx::query_as(&format!(
        "SELECT 1 FROM {} WHERE id = $1 AND {} = $2 AND revoked_at IS NULL AND expires_at > $3",
        logins.sessions(),
        logins.owner()
    ))
    .bind(session_id)
    .bind(owner_id)
    .bind(kasir_domain::time::now())
    .fetch_optional(db.reader())
    .await?;
    Ok(row.is_some())
}

/// The longest a login lock lasts.
pub const MAX_LOCK_SECS: i64 = 900;

/// Whether `user_id` has logged in from `ip` before (its sessions record the address): failures
/// of others from elsewhere never lock such an address out.
#[tracing::instrument(skip_all)]
pub async fn has_logged_in_from(db: &Db, user_id: &str, ip: &str) -> Result<bool> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM auth_sessions WHERE user_id = $1 AND ip = $2 LIMIT 1")
        .bind(user_id)
        .bind(ip)
        .fetch_optional(db.reader())
        .await?;
    Ok(row.is_some())
}

/// Seconds until the longest lock among `keys` ends, if any is locked now.
#[tracing::instrument(skip_all)]
pub async fn throttle_locked(db: &Db, keys: &[String]) -> Result<Option<i64>> {
    let now = jiff::Timestamp::now();
    let mut longest: Option<i64> = None;
    for key in keys {
        let row: Option<(Option<String>,)> = sqlx::query_as("SELECT locked_until FROM login_throttle WHERE key = $1")
            .bind(key)
            .fetch_optional(db.writer())
            .await?;
        if let Some((Some(raw),)) = row {
            let secs = match raw.parse::<jiff::Timestamp>() {
                Ok(until) => until.duration_since(now).as_secs_f64().ceil() as i64,
                // A lock we cannot read stays a lock (the longest one), never an open door.
                Err(e) => {
                    tracing::warn!(key = %key, locked_until = %raw, error = %e, "unreadable login lock");
                    MAX_LOCK_SECS
                }
            };
            if secs > 0 {
                longest = Some(longest.map_or(secs, |l| l.max(secs)));
            }
        }
    }
    Ok(longest)
}

/// Counts a failed login against `key`. From `threshold` failures on, the key is locked for
/// `base_secs · 2^(failures − threshold)` seconds, at most 15 minutes. Failures older than an hour
/// are forgotten.
#[tracing::instrument(skip_all)]
pub async fn throttle_fail(db: &Db, key: &str, threshold: i64, base_secs: i64) -> Result<i64> {
    let now = jiff::Timestamp::now();
    let now_s = kasir_domain::time::format_ts(now);
    let forget_before = kasir_domain::time::format_ts(now - jiff::SignedDuration::from_hours(1));
    let mut conn = db.writer().acquire().await?;
    let (failures,): (i64,) = sqlx::query_as(
        "INSERT INTO login_throttle (key, failures, updated_at) VALUES ($1, 1, $2)
         ON CONFLICT (key) DO UPDATE SET
            failures = CASE WHEN login_throttle.updated_at < $3 THEN 1 ELSE login_throttle.failures + 1 END,
            updated_at = $2
         RETURNING failures",
    )
    .bind(key)
    .bind(&now_s)
    .bind(&forget_before)
    .fetch_one(&mut *conn)
    .await?;
    if failures >= threshold {
        let exp = (failures - threshold).min(20) as u32;
        let secs = base_secs.saturating_mul(1i64 << exp).min(MAX_LOCK_SECS);
        let until = kasir_domain::time::format_ts(now + jiff::SignedDuration::from_secs(secs));
        sqlx::query("UPDATE login_throttle SET locked_until = $1 WHERE key = $2")
            .bind(until)
            .bind(key)
            .execute(&mut *conn)
            .await?;
    }
    Ok(failures)
}

/// Forgets the failures of `key` (after a successful login).
#[tracing::instrument(skip_all)]
pub async fn throttle_reset(db: &Db, key: &str) -> Result<()> {
    sqlx::query("DELETE FROM login_throttle WHERE key = $1").bind(key).execute(db.writer()).await?;
    Ok(())
}
