//! Reading the events outbox back: what the realtime hub delivers to WebSocket clients. Events are
//! written with the change feed ([`crate::feed`]) when a transaction commits.

use crate::{
    feed::{Followed, EVENTS_CHANNEL},
    Backend, Result, StoreError,
};

/// An event read back from the outbox.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct StoredEvent {
    pub seq: i64,
    #[sqlx(rename = "type")]
    pub kind: String,
    pub outlet_id: Option<String>,
    pub customer_id: Option<String>,
    /// The staff it is limited to, as [`crate::feed::Audience`] JSON.
    pub audience: Option<String>,
    pub payload: String,
    pub created_at: String,
}

/// A PostgreSQL connection listening on [`EVENTS_CHANNEL`].
pub struct EventListener(sqlx::postgres::PgListener);

impl EventListener {
    pub async fn connect(url: &str) -> Result<EventListener> {
        let mut listener = sqlx::postgres::PgListener::connect(url).await?;
        listener.listen(EVENTS_CHANNEL).await?;
        Ok(EventListener(listener))
    }

    /// The next tenant whose events another transaction committed.
    pub async fn recv(&mut self) -> Result<String> {
        Ok(self.0.recv().await?.payload().to_string())
    }
}

/// The highest event number of a tenant that readers have passed (0 before its first event): a
/// client registered now receives the events numbered after it.
#[tracing::instrument(skip_all)]
pub async fn last_event_seq(db: &crate::Db, tenant_id: &str) -> Result<i64> {
    if db.backend() == Backend::Postgres {
        let mut conn = db.reader().acquire().await?;
        return match crate::feed::pg_bound(&mut conn, tenant_id).await {
            Ok((_, events)) => Ok(events - 1),
            Err(StoreError::NotFound) => Ok(0),
            Err(e) => Err(e),
        };
    }
    let row: Option<(i64,)> = sqlx::query_as("SELECT event_seq FROM feed_heads WHERE tenant_id = $1")
        .bind(tenant_id)
        .fetch_optional(db.reader())
        .await?;
    Ok(row.map_or(0, |(n,)| n))
}

/// The tenant's change-feed head: the newest change readers can read (see [`crate::feed`]).
#[tracing::instrument(skip_all)]
pub async fn last_change_seq(db: &crate::Db, tenant_id: &str) -> Result<i64> {
    Ok(change_head(db, tenant_id).await?.0)
}

/// [`last_change_seq`], and whether changes already committed wait to become readable (on
/// PostgreSQL, behind older transactions still running): ask again shortly.
#[tracing::instrument(skip_all)]
pub async fn change_head(db: &crate::Db, tenant_id: &str) -> Result<(i64, bool)> {
    if db.backend() == Backend::Postgres {
        let mut conn = db.reader().acquire().await?;
        let (bound, waiting) = match crate::feed::pg_readable(&mut conn, tenant_id, Followed::Changes, false).await {
            Ok(b) => b,
            Err(StoreError::NotFound) => return Ok((0, false)),
            Err(e) => return Err(e),
        };
        let (head,): (Option<i64>,) = sqlx::query_as("SELECT MAX(seq) FROM changes WHERE tenant_id = $1 AND seq < $2")
            .bind(tenant_id)
            .bind(bound)
            .fetch_one(&mut *conn)
            .await?;
        return Ok((head.unwrap_or(0), waiting));
    }
    let row: Option<(i64,)> = sqlx::query_as("SELECT change_seq FROM feed_heads WHERE tenant_id = $1")
        .bind(tenant_id)
        .fetch_optional(db.reader())
        .await?;
    Ok((row.map_or(0, |(n,)| n), false))
}

/// The event numbers up to which a tenant's events have been pruned (0 when none were).
#[tracing::instrument(skip_all)]
pub async fn events_pruned_to(db: &crate::Db, tenant_id: &str) -> Result<i64> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT events_pruned_to FROM feed_heads WHERE tenant_id = $1")
        .bind(tenant_id)
        .fetch_optional(db.reader())
        .await?;
    Ok(row.map_or(0, |(n,)| n))
}

/// Deletes events older than `before` (an instant in the stored format), remembering per tenant
/// the last number deleted so that a resume from before it is told to resync. Returns how many.
#[tracing::instrument(skip_all)]
pub async fn prune_events(db: &crate::Db, before: &str) -> Result<u64> {
    let mut tx = db.begin(crate::Actor::system()).await?;
    sqlx::query(
        "UPDATE feed_heads SET events_pruned_to = (SELECT MAX(e.seq) FROM events e WHERE e.tenant_id = feed_heads.tenant_id AND e.created_at < $1)
         WHERE EXISTS (SELECT 1 FROM events e WHERE e.tenant_id = feed_heads.tenant_id AND e.created_at < $1)",
    )
    .bind(before)
    .execute(&mut *tx)
    .await?;
    let done = sqlx::query("DELETE FROM events WHERE created_at < $1").bind(before).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(done.rows_affected())
}

/// Events of a tenant after `after_seq`, oldest first: every event committed before the call
/// (on PostgreSQL, once its elders have finished; see [`crate::feed`]).
#[tracing::instrument(skip_all)]
pub async fn events_after(db: &crate::Db, tenant_id: &str, after_seq: i64, limit: i64) -> Result<Vec<StoredEvent>> {
    Ok(read_events(db, tenant_id, after_seq, limit, true).await?.0)
}

/// Events of a tenant after `after_seq` that can be read now without waiting, and whether later
/// ones already committed wait to become readable (ask again shortly): the realtime hub's read,
/// which must not stall on one tenant.
#[tracing::instrument(skip_all)]
pub async fn readable_events_after(
    db: &crate::Db,
    tenant_id: &str,
    after_seq: i64,
    limit: i64,
) -> Result<(Vec<StoredEvent>, bool)> {
    read_events(db, tenant_id, after_seq, limit, false).await
}

async fn read_events(
    db: &crate::Db,
    tenant_id: &str,
    after_seq: i64,
    limit: i64,
    wait: bool,
) -> Result<(Vec<StoredEvent>, bool)> {
    let mut conn = db.reader().acquire().await?;
    let (bound, waiting) = if db.backend() == Backend::Postgres {
        match crate::feed::pg_readable(&mut conn, tenant_id, Followed::Events, wait).await {
            Ok(b) => b,
            Err(StoreError::NotFound) => return Ok((Vec::new(), false)),
            Err(e) => return Err(e),
        }
    } else {
        (i64::MAX, false)
    };
    let events = sqlx::query_as(
        "SELECT seq, type, outlet_id, customer_id, audience, payload, created_at FROM events
         WHERE tenant_id = $1 AND seq > $2 AND seq < $3 ORDER BY seq LIMIT $4",
    )
    .bind(tenant_id)
    .bind(after_seq)
    .bind(bound)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    Ok((events, waiting))
}
