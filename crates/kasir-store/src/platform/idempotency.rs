//! Idempotency keys: a retried POST gets the first response instead of doing the work twice.
//! Keys are scoped to a tenant and kept for 24 hours.

use jiff::{SignedDuration, Timestamp};
use kasir_domain::time::format_ts;

use crate::{Db, Result};

/// How long a key is remembered.
pub const RETAIN: SignedDuration = SignedDuration::from_hours(24);
/// How long a running first request holds its claim before a repeat may take over.
pub const CLAIM: SignedDuration = SignedDuration::from_secs(60);

/// What a request presenting a key should do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// Run the request; then [`complete`] or [`release`] the key.
    Run,
    /// The first request finished: send its response again.
    Replay { status: u16, body: String },
    /// The first request is still running.
    InProgress,
    /// The key was used for a different request.
    Mismatch,
}

#[derive(sqlx::FromRow)]
struct Row {
    request_hash: String,
    status: Option<i64>,
    response: Option<String>,
    locked_until: String,
    expires_at: String,
}

impl Row {
    /// Whether the row still holds its key at `now`: not expired, and answered or claimed by a
    /// request still within its claim. [`respond_at_commit`] says the same in SQL.
    fn live(&self, now: &str) -> bool {
        self.expires_at.as_str() >= now && (self.status.is_some() || self.locked_until.as_str() >= now)
    }
}

/// Claims `key` in `scope` for a request whose method, path and body hash to `hash`.
#[tracing::instrument(skip_all)]
pub async fn claim(db: &Db, scope: &str, key: &str, hash: &str) -> Result<Claim> {
    let now = Timestamp::now();
    let (now_s, lock_s, expires_s) = (format_ts(now), format_ts(now + CLAIM), format_ts(now + RETAIN));
    let inserted = sqlx::query(
        "INSERT INTO idempotency_keys (scope, key, request_hash, status, response, locked_until, created_at, expires_at)
         VALUES ($1, $2, $3, NULL, NULL, $4, $5, $6) ON CONFLICT (scope, key) DO NOTHING",
    )
    .bind(scope)
    .bind(key)
    .bind(hash)
    .bind(&lock_s)
    .bind(&now_s)
    .bind(&expires_s)
    .execute(db.writer())
    .await?;
    if inserted.rows_affected() == 1 {
        return Ok(Claim::Run);
    }
    let row: Option<Row> = sqlx::query_as(
        "SELECT request_hash, status, response, locked_until, expires_at FROM idempotency_keys WHERE scope = $1 AND key = $2",
    )
    .bind(scope)
    .bind(key)
    .fetch_optional(db.writer())
    .await?;
    let Some(row) = row else {
        // Released between our insert and our read: try once more.
        return Box::pin(claim(db, scope, key, hash)).await;
    };
    // An expired key, or the claim of a request that died, may be taken over.
    if !row.live(&now_s) {
        let taken = sqlx::query(
            "UPDATE idempotency_keys SET request_hash = $1, status = NULL, response = NULL, locked_until = $2, created_at = $3, expires_at = $4
             WHERE scope = $5 AND key = $6 AND locked_until = $7",
        )
        .bind(hash)
        .bind(&lock_s)
        .bind(&now_s)
        .bind(&expires_s)
        .bind(scope)
        .bind(key)
        .bind(&row.locked_until)
        .execute(db.writer())
        .await?;
        return Ok(if taken.rows_affected() == 1 { Claim::Run } else { Claim::InProgress });
    }
    if row.request_hash != hash {
        return Ok(Claim::Mismatch);
    }
    Ok(match (row.status, row.response) {
        (Some(status), Some(body)) => Claim::Replay { status: status as u16, body },
        _ => Claim::InProgress,
    })
}

/// Stores the response of the request that holds the claim.
#[tracing::instrument(skip_all)]
pub async fn complete(db: &Db, scope: &str, key: &str, status: u16, body: &str) -> Result<()> {
    sqlx::query("UPDATE idempotency_keys SET status = $1, response = $2 WHERE scope = $3 AND key = $4")
        .bind(i64::from(status))
        .bind(body)
        .bind(scope)
        .bind(key)
        .execute(db.writer())
        .await?;
    Ok(())
}

/// Forgets a claim whose request failed on our side, so that a retry runs again.
#[tracing::instrument(skip_all)]
pub async fn release(db: &Db, scope: &str, key: &str) -> Result<()> {
    sqlx::query("DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND status IS NULL")
        .bind(scope)
        .bind(key)
        .execute(db.writer())
        .await?;
    Ok(())
}

/// Deletes keys past their retention; returns how many.
#[tracing::instrument(skip_all)]
pub async fn purge_expired(db: &Db) -> Result<u64> {
    let done = sqlx::query("DELETE FROM idempotency_keys WHERE expires_at < $1")
        .bind(kasir_domain::time::now())
        .execute(db.writer())
        .await?;
    Ok(done.rows_affected())
}

/// What a money-moving request finds when it claims its key inside its own transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TxClaim {
    /// Go on; [`complete_in`] before committing.
    Run,
    /// An earlier request with this key committed: send its response again (and roll back).
    Replay { status: u16, body: String },
    /// The key was used for a different request.
    Mismatch,
    /// A request of the other kind (claimed outside a transaction) holds the key and still runs.
    InProgress,
}

/// Claims `key` inside the transaction that does the work, so that the claim, the work and the
/// stored response commit together or not at all: a crash leaves no claim behind, and a repeat
/// either finds the committed response or does the work itself. On PostgreSQL a concurrent repeat
/// waits here until the first commits or rolls back.
#[tracing::instrument(skip_all)]
pub async fn claim_in(tx: &mut crate::Tx, scope: &str, key: &str, hash: &str) -> Result<TxClaim> {
    let now = Timestamp::now();
    let (now_s, lock_s, expires_s) = (format_ts(now), format_ts(now + CLAIM), format_ts(now + RETAIN));
    let inserted = sqlx::query(
        "INSERT INTO idempotency_keys (scope, key, request_hash, status, response, locked_until, created_at, expires_at)
         VALUES ($1, $2, $3, NULL, NULL, $4, $5, $6) ON CONFLICT (scope, key) DO NOTHING",
    )
    .bind(scope)
    .bind(key)
    .bind(hash)
    .bind(&lock_s)
    .bind(&now_s)
    .bind(&expires_s)
    .execute(&mut **tx)
    .await?;
    if inserted.rows_affected() == 1 {
        return Ok(TxClaim::Run);
    }
    let row: Row = sqlx::query_as(
        "SELECT request_hash, status, response, locked_until, expires_at FROM idempotency_keys WHERE scope = $1 AND key = $2",
    )
    .bind(scope)
    .bind(key)
    .fetch_one(&mut **tx)
    .await?;
    if !row.live(&now_s) {
        sqlx::query(
            "UPDATE idempotency_keys SET request_hash = $1, status = NULL, response = NULL, locked_until = $2, created_at = $3, expires_at = $4
             WHERE scope = $5 AND key = $6",
        )
        .bind(hash)
        .bind(&lock_s)
        .bind(&now_s)
        .bind(&expires_s)
        .bind(scope)
        .bind(key)
        .execute(&mut **tx)
        .await?;
        return Ok(TxClaim::Run);
    }
    if row.request_hash != hash {
        return Ok(TxClaim::Mismatch);
    }
    Ok(match (row.status, row.response) {
        (Some(status), Some(body)) => TxClaim::Replay { status: status as u16, body },
        _ => TxClaim::InProgress,
    })
}

/// What a repeat of a committed request would find, read without claiming the key: `Replay` or
/// `Mismatch`, or `None` when nothing committed under it (the request runs and claims it then).
/// Lets a request whose work depends on state it changed (paying an order) answer a repeat
/// before it checks that state.
#[tracing::instrument(skip_all)]
pub async fn committed(db: &Db, scope: &str, key: &str, hash: &str) -> Result<Option<TxClaim>> {
    let row: Option<Row> = sqlx::query_as(
        "SELECT request_hash, status, response, locked_until, expires_at FROM idempotency_keys WHERE scope = $1 AND key = $2",
    )
    .bind(scope)
    .bind(key)
    .fetch_optional(db.reader())
    .await?;
    let now = format_ts(Timestamp::now());
    Ok(row.filter(|r| r.live(&now)).and_then(|r| match (r.status, r.response) {
        _ if r.request_hash != hash => Some(TxClaim::Mismatch),
        (Some(status), Some(body)) => Some(TxClaim::Replay { status: status as u16, body }),
        _ => None,
    }))
}

/// The field of the `Conflict` a commit fails with when [`respond_at_commit`] finds its key taken.
pub const KEY_TAKEN: &str = "Idempotency-Key";

/// Stores a request's response under its key with the transaction's commit, without claiming the
/// key first: the way for a request that is rarely repeated (a checkout) to spend no round trip
/// on its key. A live row under the key (the request committed before, or runs now elsewhere)
/// makes the commit fail with `Conflict { field: KEY_TAKEN }`, rolling the work back; on
/// PostgreSQL a concurrent first attempt is waited for. The caller then answers as
/// [`claim_in`] says in a transaction of its own.
pub fn respond_at_commit(tx: &mut crate::Tx, scope: &str, key: &str, hash: &str, status: u16, body: &str) {
    let now = Timestamp::now();
    let (now_s, expires_s) = (format_ts(now), format_ts(now + RETAIN));
    let mut sql = crate::sql::Sql::new(
        "INSERT INTO idempotency_keys (scope, key, request_hash, status, response, locked_until, created_at, expires_at) VALUES (",
    );
    sql.bind(scope).push(", ").bind(key).push(", ").bind(hash).push(", ").bind(i64::from(status)).push(", ");
    sql.bind(body).push(", ").bind(now_s.as_str()).push(", ").bind(now_s.as_str()).push(", ");
    sql.bind(expires_s.as_str()).push(
        ") ON CONFLICT (scope, key) DO UPDATE SET request_hash = excluded.request_hash, status = excluded.status,
             response = excluded.response, locked_until = excluded.locked_until, created_at = excluded.created_at,
             expires_at = excluded.expires_at
         WHERE idempotency_keys.expires_at < ",
    );
    // A stale row (not `Row::live`) is taken over, as `claim_in` does.
    sql.bind(now_s.as_str()).push(" OR (idempotency_keys.status IS NULL AND idempotency_keys.locked_until < ");
    sql.bind(now_s.as_str()).push(") RETURNING 1");
    tx.claim_at_commit(crate::sql::Claim { sql, field: KEY_TAKEN });
}

/// Stores the response of a request that claimed its key with [`claim_in`], in its transaction.
#[tracing::instrument(skip_all)]
pub async fn complete_in(tx: &mut crate::Tx, scope: &str, key: &str, status: u16, body: &str) -> Result<()> {
    sqlx::query("UPDATE idempotency_keys SET status = $1, response = $2 WHERE scope = $3 AND key = $4")
        .bind(i64::from(status))
        .bind(body)
        .bind(scope)
        .bind(key)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
