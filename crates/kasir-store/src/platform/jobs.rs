//! The job queue: a table that every server process claims from. On PostgreSQL a claim skips
//! rows another process holds (`FOR UPDATE SKIP LOCKED`), so several processes share the queue
//! and each job runs once; SQLite has one writer, so its claims are one at a time anyway.
//!
//! A claimed job carries a lease (`locked_until`): a process that dies holding one leaves the job
//! to be claimed again when the lease ends. A job's effects on this database belong in the same
//! transaction as its completion where they can ([`complete_in`]); effects elsewhere (an email)
//! happen at least once, exactly once unless a process dies between sending and recording.

use std::time::Duration;

use jiff::Timestamp;
use kasir_domain::{jobs::JobStatus, time::format_ts};
use serde::Serialize;
use sqlx::AnyConnection;

use crate::{sql::Sql, Backend, Db, Result, Tx};

/// A job to enqueue.
#[derive(Debug, Clone)]
pub struct NewJob {
    pub kind: String,
    pub tenant_id: Option<String>,
    pub payload: serde_json::Value,
    /// Not before this instant (now when `None`).
    pub run_at: Option<Timestamp>,
    pub max_attempts: i64,
    /// One job per key: a second enqueue with the same key makes nothing (scheduled runs).
    pub dedupe_key: Option<String>,
}

impl NewJob {
    /// A job of `kind` with `payload`, due now, tried at most 5 times.
    pub fn new(kind: &str, payload: serde_json::Value) -> NewJob {
        NewJob { kind: kind.into(), tenant_id: None, payload, run_at: None, max_attempts: 5, dedupe_key: None }
    }

    pub fn for_tenant(mut self, tenant_id: &str) -> NewJob {
        self.tenant_id = Some(tenant_id.into());
        self
    }
}

/// A job as `GET /jobs` lists it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Job {
    #[schema(format = Uuid)]
    pub id: String,
    pub tenant_id: Option<String>,
    pub kind: String,
    #[sqlx(try_from = "String")]
    #[schema(value_type = Object)]
    pub payload: crate::JsonText<serde_json::Value>,
    /// `queued`, `running`, `done` or `failed`.
    pub status: String,
    /// When it runs next (or ran last).
    pub run_at: String,
    pub attempts: i64,
    pub max_attempts: i64,
    pub last_error: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub finished_at: Option<String>,
}

const COLUMNS: &str =
    "id, tenant_id, kind, payload, status, run_at, attempts, max_attempts, last_error, created_at, updated_at, finished_at";

/// Enqueues `job`; its id, or `None` when a job with its `dedupe_key` exists.
#[tracing::instrument(skip_all, fields(kind = %job.kind))]
pub async fn enqueue(db: &Db, job: &NewJob) -> Result<Option<String>> {
    let mut conn = db.writer().acquire().await?;
    insert(&mut conn, job).await
}

/// Enqueues `job` in `tx`: it exists, and may run, only if `tx` commits.
#[tracing::instrument(skip_all, fields(kind = %job.kind))]
pub async fn enqueue_in(tx: &mut Tx, job: &NewJob) -> Result<Option<String>> {
    insert(tx, job).await
}

/// Enqueues `job` on `conn` (inside whatever transaction it is in).
pub(crate) async fn insert_on(conn: &mut AnyConnection, job: &NewJob) -> Result<Option<String>> {
    insert(conn, job).await
}

async fn insert(conn: &mut AnyConnection, job: &NewJob) -> Result<Option<String>> {
    let id = kasir_domain::ids::new_id();
    let now = kasir_domain::time::now();
    let run_at = job.run_at.map_or_else(|| now.clone(), format_ts);
    let done = sqlx::query(
        "INSERT INTO jobs (id, tenant_id, kind, payload, status, run_at, attempts, max_attempts, dedupe_key, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8, $9, $9) ON CONFLICT (dedupe_key) DO NOTHING",
    )
    .bind(&id)
    .bind(job.tenant_id.clone())
    .bind(&job.kind)
    .bind(job.payload.to_string())
    .bind(JobStatus::Queued.as_str())
    .bind(run_at)
    .bind(job.max_attempts.max(1))
    .bind(job.dedupe_key.clone())
    .bind(now)
    .execute(conn)
    .await?;
    Ok((done.rows_affected() == 1).then_some(id))
}

/// A job claimed to run.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Claimed {
    pub id: String,
    pub tenant_id: Option<String>,
    pub kind: String,
    #[sqlx(try_from = "String")]
    pub payload: crate::JsonText<serde_json::Value>,
    /// This attempt's number, from 1.
    pub attempts: i64,
    pub max_attempts: i64,
}

/// Claims up to `limit` due jobs of `kinds` for `node` (a process's name), with a lease of
/// `lease`: queued ones whose time has come, and running ones whose lease ran out.
#[tracing::instrument(skip_all)]
pub async fn claim(db: &Db, node: &str, kinds: &[String], limit: i64, lease: Duration) -> Result<Vec<Claimed>> {
    if kinds.is_empty() || limit <= 0 {
        return Ok(Vec::new());
    }
    let now = Timestamp::now();
    let until = now.checked_add(lease).unwrap_or(Timestamp::MAX);
    let now = format_ts(now);
    let mut sql = Sql::new("UPDATE jobs SET status = ");
    sql.bind(JobStatus::Running.as_str()).push(", attempts = attempts + 1, locked_by = ").bind(node);
    sql.push(", locked_until = ").bind(format_ts(until)).push(", updated_at = ").bind(now.as_str());
    sql.push(" WHERE id IN (SELECT id FROM jobs WHERE ((status = ").bind(JobStatus::Queued.as_str());
    sql.push(" AND run_at <= ").bind(now.as_str()).push(") OR (status = ").bind(JobStatus::Running.as_str());
    sql.push(" AND locked_until < ").bind(now.as_str()).push(")) AND kind IN ").bind_list(kinds);
    sql.push(" ORDER BY run_at LIMIT ").bind(limit);
    if db.backend() == Backend::Postgres {
        sql.push(" FOR UPDATE SKIP LOCKED");
    }
    sql.push(") RETURNING id, tenant_id, kind, payload, attempts, max_attempts");
    Ok(sql.query_as::<Claimed>().fetch_all(db.writer()).await?)
}

/// Marks a job `node` holds done; false when its lease had ended and another process took it.
#[tracing::instrument(skip_all)]
pub async fn complete(db: &Db, id: &str, node: &str) -> Result<bool> {
    let mut conn = db.writer().acquire().await?;
    finish(&mut conn, id, node).await
}

/// [`complete`] in `tx`, beside the job's own writes: both happen or neither.
#[tracing::instrument(skip_all)]
pub async fn complete_in(tx: &mut Tx, id: &str, node: &str) -> Result<bool> {
    finish(tx, id, node).await
}

async fn finish(conn: &mut AnyConnection, id: &str, node: &str) -> Result<bool> {
    let now = kasir_domain::time::now();
    let done = sqlx::query(
        "UPDATE jobs SET status = $1, locked_by = NULL, locked_until = NULL, updated_at = $2, finished_at = $2
         WHERE id = $3 AND locked_by = $4 AND status = $5",
    )
    .bind(JobStatus::Done.as_str())
    .bind(now)
    .bind(id)
    .bind(node)
    .bind(JobStatus::Running.as_str())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records a failed attempt: queued again for `retry_at`, or failed for good when `None`.
#[tracing::instrument(skip_all)]
pub async fn fail(db: &Db, id: &str, node: &str, error: &str, retry_at: Option<Timestamp>) -> Result<bool> {
    let now = kasir_domain::time::now();
    let error: String = error.chars().take(2000).collect();
    let (status, run_at, finished) = match retry_at {
        Some(at) => (JobStatus::Queued, Some(format_ts(at)), None),
        None => (JobStatus::Failed, None, Some(now.clone())),
    };
    let done = sqlx::query(
        "UPDATE jobs SET status = $1, run_at = COALESCE($2, run_at), last_error = $3, locked_by = NULL,
         locked_until = NULL, updated_at = $4, finished_at = $5 WHERE id = $6 AND locked_by = $7 AND status = $8",
    )
    .bind(status.as_str())
    .bind(run_at)
    .bind(error)
    .bind(now)
    .bind(finished)
    .bind(id)
    .bind(node)
    .bind(JobStatus::Running.as_str())
    .execute(db.writer())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Filters for `GET /jobs`; `tenant_id: None` reads every tenant's and the platform's.
#[derive(Debug, Clone, Default)]
pub struct JobFilter {
    pub tenant_id: Option<String>,
    pub status: Option<JobStatus>,
    pub kind: Option<String>,
}

/// A page of jobs, newest first, and the total matching.
#[tracing::instrument(skip_all)]
pub async fn list(db: &Db, f: &JobFilter, page: i64, per_page: i64) -> Result<(Vec<Job>, i64)> {
    let mut filter = Sql::new(" FROM jobs WHERE 1 = 1");
    if let Some(t) = &f.tenant_id {
        filter.push(" AND tenant_id = ").bind(t.as_str());
    }
    if let Some(s) = f.status {
        filter.push(" AND status = ").bind(s.as_str());
    }
    if let Some(k) = &f.kind {
        filter.push(" AND kind = ").bind(k.as_str());
    }
    filter.page(db, COLUMNS, "created_at DESC, id DESC", page, per_page).await
}

/// One job by id.
#[tracing::instrument(skip_all)]
pub async fn get(db: &Db, id: &str) -> Result<Option<Job>> {
    let sql = format!("SELECT {COLUMNS} FROM jobs WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(db.reader()).await?)
}

/// How many jobs there are of each kind and status (for `/metrics`).
#[tracing::instrument(skip_all)]
pub async fn counts(db: &Db) -> Result<Vec<(String, String, i64)>> {
    Ok(sqlx::query_as("SELECT kind, status, COUNT(*) FROM jobs GROUP BY kind, status ORDER BY kind, status")
        .fetch_all(db.reader())
        .await?)
}

/// Deletes jobs done before `done_before` and failed before `failed_before`.
#[tracing::instrument(skip_all)]
pub async fn prune(db: &Db, done_before: Timestamp, failed_before: Timestamp) -> Result<u64> {
    let done =
        sqlx::query("DELETE FROM jobs WHERE (status = $1 AND finished_at < $2) OR (status = $3 AND finished_at < $4)")
            .bind(JobStatus::Done.as_str())
            .bind(format_ts(done_before))
            .bind(JobStatus::Failed.as_str())
            .bind(format_ts(failed_before))
            .execute(db.writer())
            .await?;
    Ok(done.rows_affected())
}

/// The time zone of every tenant, for schedules that run on the tenant's clock.
#[tracing::instrument(skip_all)]
pub async fn tenant_zones(db: &Db) -> Result<Vec<(String, String)>> {
    Ok(sqlx::query_as("SELECT id, timezone FROM tenants WHERE deleted_at IS NULL ORDER BY id")
        .fetch_all(db.reader())
        .await?)
}
