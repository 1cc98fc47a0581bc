//! Reading the feed on PostgreSQL: the bound below which every row that will ever be numbered
//! is already readable (decision 020).

use sqlx::AnyConnection;

use super::{CHANGE_SHIFT, EVENT_SHIFT};
use crate::Result;

/// The bound of PostgreSQL readers, in transaction ids: every transaction of this database with a
/// lower id has finished, so a read that starts after this statement sees all the rows numbered
/// below it that will ever be. It is the oldest transaction id of this database still in
/// progress (autovacuum's aside; transactions of other databases never write here), or the
/// snapshot's horizon when there is none. The snapshot is the statement's, taken before the list
/// of sessions is read: a transaction missing from the list had finished by then.
const PG_BOUND: &str = "SELECT COALESCE(
       (SELECT min(x::text::bigint) FROM pg_snapshot_xip(pg_current_snapshot()) AS x
         WHERE xid(x) IN (SELECT backend_xid FROM pg_stat_activity
                          WHERE datname = current_database() AND backend_xid IS NOT NULL
                            AND backend_type IS DISTINCT FROM 'autovacuum worker'
                          UNION ALL SELECT transaction FROM pg_prepared_xacts WHERE database = current_database())),
       pg_snapshot_xmax(pg_current_snapshot())::text::bigint)";

/// A tenant's read bounds on PostgreSQL: `(changes, events)`, each the first `seq` not yet
/// readable (see [`PG_BOUND`]); `None` for a tenant with no feed head yet.
pub(crate) async fn pg_bound(conn: &mut AnyConnection, tenant_id: &str) -> Result<Option<(i64, i64)>> {
    let sql = format!(
        "SELECT (b.x + h.change_xid_offset) << {CHANGE_SHIFT}, (b.x + h.event_xid_offset) << {EVENT_SHIFT}
         FROM feed_heads h, ({PG_BOUND} AS x) b WHERE h.tenant_id = $1"
    );
    Ok(sqlx::query_as(&sql).bind(tenant_id).fetch_optional(&mut *conn).await?)
}

/// A table that readers follow by `seq`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Followed {
    Changes,
    Events,
}

/// What a tenant's readers may read on PostgreSQL now: for changes and for events, the first
/// `seq` not yet readable (see [`pg_bound`]), and whether rows already committed wait at or above
/// it (their writers' elders are still running).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Readable {
    pub changes: i64,
    pub events: i64,
    pub changes_waiting: bool,
    pub events_waiting: bool,
}

impl Readable {
    fn waiting(&self, table: Followed) -> bool {
        match table {
            Followed::Changes => self.changes_waiting,
            Followed::Events => self.events_waiting,
        }
    }
}

/// [`Readable`] for the tenant, one bound serving both tables. With `wait_for`, first waits a
/// little (up to 2 s) until that table's rows already committed are readable, so that a read right
/// after a write sees it; without, the caller comes back later.
pub(crate) async fn pg_readable(
    conn: &mut AnyConnection,
    tenant_id: &str,
    wait_for: Option<Followed>,
) -> Result<Option<Readable>> {
    let (changes_newest, events_newest): (Option<i64>, Option<i64>) = sqlx::query_as(
        "SELECT (SELECT MAX(seq) FROM changes WHERE tenant_id = $1), (SELECT MAX(seq) FROM events WHERE tenant_id = $1)",
    )
    .bind(tenant_id)
    .fetch_one(&mut *conn)
    .await?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    let mut pause = std::time::Duration::from_millis(1);
    loop {
        let Some((changes, events)) = pg_bound(conn, tenant_id).await? else { return Ok(None) };
        let readable = Readable {
            changes,
            events,
            changes_waiting: changes_newest.is_some_and(|n| n >= changes),
            events_waiting: events_newest.is_some_and(|n| n >= events),
        };
        let waiting = wait_for.is_some_and(|t| readable.waiting(t));
        if !waiting || std::time::Instant::now() >= deadline {
            return Ok(Some(readable));
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(std::time::Duration::from_millis(20));
    }
}
