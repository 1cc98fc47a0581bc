//! Reading the events outbox back: what the realtime hub delivers to WebSocket clients. Events are
//! written with the change feed ([`crate::feed`]) when a transaction commits.

use crate::{
    feed::{pg_readable, Followed, Readable, EVENTS_CHANNEL},
    Backend, Result,
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
        return Ok(crate::feed::pg_bound(&mut conn, tenant_id).await?.map_or(0, |(_, events)| events - 1));
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
    if db.backend() == Backend::Postgres {
        let mut conn = db.reader().acquire().await?;
        let Some(readable) = pg_readable(&mut conn, tenant_id, None).await? else { return Ok(0) };
        return pg_change_head(&mut conn, tenant_id, &readable).await;
    }
    sqlite_change_head(&mut *db.reader().acquire().await?, tenant_id).await
}

/// SQLite: the tenant's change counter (0 before the first change).
async fn sqlite_change_head(conn: &mut sqlx::AnyConnection, tenant_id: &str) -> Result<i64> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT change_seq FROM feed_heads WHERE tenant_id = $1")
        .bind(tenant_id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map_or(0, |(n,)| n))
}

/// PostgreSQL: the newest change below the readable bound (0 before the first).
async fn pg_change_head(conn: &mut sqlx::AnyConnection, tenant_id: &str, readable: &Readable) -> Result<i64> {
    let (head,): (Option<i64>,) = sqlx::query_as("SELECT MAX(seq) FROM changes WHERE tenant_id = $1 AND seq < $2")
        .bind(tenant_id)
        .bind(readable.changes)
        .fetch_one(&mut *conn)
        .await?;
    Ok(head.unwrap_or(0))
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
    let mut conn = db.reader().acquire().await?;
    let bound = if db.backend() == Backend::Postgres {
        match pg_readable(&mut conn, tenant_id, Some(Followed::Events)).await? {
            Some(readable) => readable.events,
            None => return Ok(Vec::new()),
        }
    } else {
        i64::MAX
    };
    events_below(&mut conn, tenant_id, after_seq, bound, limit).await
}

/// What the realtime hub reads for a tenant in one pass, without waiting (it must not stall on
/// one tenant): the events after `after_seq` readable now, at most `limit`; the change-feed head;
/// and whether committed events or changes wait to become readable (ask again shortly). On
/// PostgreSQL one bound serves both.
#[derive(Debug, Clone)]
pub struct News {
    pub events: Vec<StoredEvent>,
    pub change_head: i64,
    pub waiting: bool,
}

/// See [`News`].
#[tracing::instrument(skip_all)]
pub async fn news(db: &crate::Db, tenant_id: &str, after_seq: i64, limit: i64) -> Result<News> {
    let mut conn = db.reader().acquire().await?;
    if db.backend() == Backend::Postgres {
        let Some(readable) = pg_readable(&mut conn, tenant_id, None).await? else {
            return Ok(News { events: Vec::new(), change_head: 0, waiting: false });
        };
        let events = events_below(&mut conn, tenant_id, after_seq, readable.events, limit).await?;
        let change_head = pg_change_head(&mut conn, tenant_id, &readable).await?;
        return Ok(News { events, change_head, waiting: readable.changes_waiting || readable.events_waiting });
    }
    let events = events_below(&mut conn, tenant_id, after_seq, i64::MAX, limit).await?;
    let change_head = sqlite_change_head(&mut conn, tenant_id).await?;
    Ok(News { events, change_head, waiting: false })
}

/// Events of a tenant after `after_seq` and below `bound`, oldest first.
async fn events_below(
    conn: &mut sqlx::AnyConnection,
    tenant_id: &str,
    after_seq: i64,
    bound: i64,
    limit: i64,
) -> Result<Vec<StoredEvent>> {
    Ok(sqlx::query_as(
        "SELECT seq, type, outlet_id, customer_id, audience, payload, created_at FROM events
         WHERE tenant_id = $1 AND seq > $2 AND seq < $3 ORDER BY seq LIMIT $4",
    )
    .bind(tenant_id)
    .bind(after_seq)
    .bind(bound)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?)
}
