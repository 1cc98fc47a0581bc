//! The per-tenant change feed that offline devices pull (DESIGN invariant 7), and the realtime
//! outbox beside it. Readers follow both by a number, `seq`, and must never skip a row that
//! commits after they have read past its number. How the rows are numbered depends on the engine
//! (decision 020):
//!
//! - **SQLite** has one writer, so commits are already in order: appends number their rows from
//!   the tenant's `feed_heads` counters, and a reader reads up to the committed head.
//! - **PostgreSQL** numbers a row from its writer's transaction id, `seq = (xid + offset) << SHIFT
//!   | n`, without any shared row, so a tenant's writers never queue behind one another. Readers
//!   take a bound below which every transaction has finished ([`pg_bound`]: the oldest transaction
//!   of this database still in progress) and read only rows numbered below it: a transaction that
//!   commits later has an id at or above the bound, so its rows are numbered above anything read.
//!   `offset` (per tenant, `feed_heads.*_xid_offset`) lifts the numbers of a restored or imported
//!   tenant above the rows it brought.

use std::collections::BTreeMap;

use sqlx::AnyConnection;

mod read;
mod sqlite;
pub(crate) use read::{pg_bound, pg_readable, Followed, Readable};

use crate::{
    sql::{Batch, Claim, Sql},
    Result, StoreError,
};

/// One change to one record, as queued by a write and later served by `GET /sync/pull`.
#[derive(Debug, Clone)]
pub struct Change {
    pub tenant_id: String,
    pub entity: &'static str,
    pub entity_id: String,
    /// `upsert` or `delete`.
    pub op: &'static str,
    pub version: i64,
    /// The outlet the record belongs to, if any: devices scoped to other outlets do not see it.
    pub outlet_id: Option<String>,
    /// The record as clients see it, as JSON text (never secrets such as password hashes). Kept
    /// serialized so that a transaction queuing many changes (an import) stays small in memory.
    pub data: String,
    pub updated_at: String,
}

/// A realtime event for WebSocket clients, such as `STOCK_LOW`, made only from its typed
/// [`EventBody`](crate::events::EventBody).
#[derive(Debug, Clone)]
pub struct Event {
    pub(crate) tenant_id: String,
    pub(crate) kind: &'static str,
    /// The outlet it concerns: clients that cannot see the outlet do not receive it.
    pub(crate) outlet_id: Option<String>,
    /// The customer account it is addressed to: that account's sockets receive it (staff
    /// sockets receive it as any event of its outlet).
    pub(crate) customer_id: Option<String>,
    /// The staff it is limited to (see [`Audience`]); none for every staff client of the outlet.
    pub(crate) audience: Option<String>,
    pub(crate) payload: serde_json::Value,
}

/// Staff an event is limited to: those holding `permission`, and the users named. Kept as JSON
/// in the outbox so that a resume filters the same way.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Audience {
    pub permission: Option<String>,
    pub user_ids: Vec<String>,
}

impl Event {
    pub fn new(tenant_id: &str, outlet_id: Option<&str>, body: crate::events::EventBody) -> Result<Event> {
        Ok(Event {
            tenant_id: tenant_id.to_string(),
            kind: body.kind().as_str(),
            outlet_id: outlet_id.map(str::to_string),
            customer_id: None,
            audience: None,
            payload: body.payload().map_err(|e| StoreError::Corrupt(format!("an event's payload: {e}")))?,
        })
    }

    /// The event addressed also to one customer account's sockets.
    pub fn to_customer(mut self, customer_id: Option<&str>) -> Event {
        self.customer_id = customer_id.map(str::to_string);
        self
    }

    /// The event limited to some staff (customers' sockets never receive it).
    pub fn to_audience(mut self, audience: &Audience) -> Result<Event> {
        let text =
            serde_json::to_string(audience).map_err(|e| StoreError::Corrupt(format!("an event's audience: {e}")))?;
        self.audience = Some(text);
        Ok(self)
    }
}

/// The PostgreSQL channel on which a committing transaction names the tenant whose events it
/// wrote (`NOTIFY` is delivered at commit), so that every node's realtime hub reads them.
pub const EVENTS_CHANNEL: &str = "kasir_events";

/// Writes queued changes without events (migration data steps).
#[tracing::instrument(skip_all)]
pub(crate) async fn append(conn: &mut AnyConnection, changes: Vec<Change>) -> Result<()> {
    // Before migration 26 PostgreSQL numbered from the heads too, and that migration lifts the
    // new numbers above whatever the heads gave.
    let by_xid = is_postgres(conn) && {
        let found: Option<(i64,)> = sqlx::query_as(
            "SELECT 1 FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = 'feed_heads' AND column_name = 'change_xid_offset'",
        )
        .fetch_optional(&mut *conn)
        .await?;
        found.is_some()
    };
    append_rows(conn, changes, Vec::new(), None, by_xid, false).await
}

fn is_postgres(conn: &AnyConnection) -> bool {
    conn.backend_name().to_ascii_lowercase().starts_with("postgres")
}

/// Changes a transaction has already written to `change_staging`: its token and the count per tenant.
pub(crate) type Staged<'a> = Option<(&'a str, &'a BTreeMap<String, i64>)>;

/// Writes changes to `change_staging` under `token`, numbering them per tenant after `counts`.
#[tracing::instrument(skip_all)]
pub(crate) async fn stage(
    conn: &mut AnyConnection,
    token: &str,
    counts: &mut BTreeMap<String, i64>,
    changes: Vec<Change>,
) -> Result<()> {
    for chunk in changes.chunks(crate::sql::rows_per_statement(10)) {
        let mut sql = Sql::new(
            "INSERT INTO change_staging (token, tenant_id, n, entity, entity_id, op, version, outlet_id, data, created_at) VALUES ",
        );
        for (i, c) in chunk.iter().enumerate() {
            let n = counts.entry(c.tenant_id.clone()).or_insert(0);
            *n += 1;
            sql.push(if i == 0 { "(" } else { ", (" });
            sql.bind(token).push(", ").bind(c.tenant_id.as_str()).push(", ").bind(*n).push(", ");
            sql.bind(c.entity).push(", ").bind(c.entity_id.as_str()).push(", ").bind(c.op).push(", ");
            sql.bind(c.version).push(", ").bind(c.outlet_id.clone()).push(", ").bind(c.data.as_str()).push(", ");
            sql.bind(c.updated_at.as_str()).push(")");
        }
        sql.query().execute(&mut *conn).await?;
    }
    Ok(())
}

/// PostgreSQL: the bits of a change's `seq` below its transaction's id (rows one transaction
/// may add to one tenant's feed).
pub const CHANGE_SHIFT: u32 = 20;
/// PostgreSQL: the bits of an event's `seq` below its transaction's id. Fewer than changes': an
/// event's number reaches clients as a JSON number, which JavaScript reads exactly only below
/// 2^53, so ids up to 2^37 fit.
pub const EVENT_SHIFT: u32 = 16;

/// Writes queued changes and events, numbered as the module comment says. Called once per
/// transaction by [`crate::Tx::commit`].
#[tracing::instrument(skip_all)]
pub(crate) async fn append_all(
    conn: &mut AnyConnection,
    changes: Vec<Change>,
    events: Vec<Event>,
    staged: Staged<'_>,
    writes: Batch,
    claim: Option<Claim>,
) -> Result<()> {
    let by_xid = is_postgres(conn);
    // PostgreSQL, a few rows of one tenant and nothing staged (a checkout, an edit): the
    // transaction's last writes and its feed rows in one statement.
    if by_xid && staged.is_none() && writes.args() <= crate::sql::MAX_BATCH_ARGS {
        let mut tenants = changes.iter().map(|c| &c.tenant_id).chain(events.iter().map(|e| &e.tenant_id));
        if let Some(first) = tenants.next() {
            if tenants.all(|t| t == first) && changes.len() + events.len() <= 32 {
                let tenant_id = first.clone();
                return append_in_one_statement(conn, &tenant_id, &changes, &events, &writes, claim.as_ref()).await;
            }
        }
    }
    if !by_xid && staged.is_none() {
        if changes.is_empty() && events.is_empty() && writes.is_empty() && claim.is_none() {
            return Ok(());
        }
        if let Some((sql, tenants)) = sqlite::one_call(&changes, &events, &writes, claim.as_ref()) {
            return sqlite::send(conn, sql, tenants, claim.as_ref()).await;
        }
    }
    writes.execute_on(&mut *conn).await?;
    if let Some(claim) = claim {
        claim.run(&mut *conn).await?;
    }
    append_rows(conn, changes, events, staged, by_xid, true).await
}

/// `by_xid`: number from the transaction id (PostgreSQL), else from the heads. `fresh`: the
/// transaction has added no feed rows before (numbered from 1 after its base; otherwise after
/// the rows it already added).
async fn append_rows(
    conn: &mut AnyConnection,
    changes: Vec<Change>,
    events: Vec<Event>,
    staged: Staged<'_>,
    by_xid: bool,
    fresh: bool,
) -> Result<()> {
    let mut by_tenant: BTreeMap<String, (Vec<Change>, Vec<Event>)> = BTreeMap::new();
    if let Some((_, counts)) = staged {
        for tenant_id in counts.keys() {
            by_tenant.entry(tenant_id.clone()).or_default();
        }
    }
    for c in changes {
        by_tenant.entry(c.tenant_id.clone()).or_default().0.push(c);
    }
    for e in events {
        by_tenant.entry(e.tenant_id.clone()).or_default().1.push(e);
    }
    let postgres = is_postgres(conn);
    for (tenant_id, (rows, events)) in by_tenant {
        let staged_here = staged.and_then(|(_, counts)| counts.get(&tenant_id)).copied().unwrap_or(0);
        let count = rows.len() as i64 + staged_here;
        // The number before the first change and before the first event this call writes.
        let (first, first_event) = if by_xid {
            if count >= 1 << CHANGE_SHIFT || events.len() as i64 >= 1 << EVENT_SHIFT {
                return Err(StoreError::Corrupt(format!(
                    "one transaction may add at most {} changes and {} events to a tenant's feed",
                    (1 << CHANGE_SHIFT) - 1,
                    (1 << EVENT_SHIFT) - 1
                )));
            }
            if fresh && staged_here == 0 && rows.len() + events.len() <= 32 {
                append_in_one_statement(conn, &tenant_id, &rows, &events, &Batch::default(), None).await?;
                continue;
            }
            pg_bases(conn, &tenant_id).await?
        } else if events.is_empty() {
            // Without events only change_seq is touched: migration data steps append changes on
            // schemas that predate event_seq.
            let (last,): (i64,) = sqlx::query_as(
                "UPDATE feed_heads SET change_seq = change_seq + $1 WHERE tenant_id = $2 RETURNING change_seq",
            )
            .bind(count)
            .bind(&tenant_id)
            .fetch_one(&mut *conn)
            .await?;
            (last - count, 0)
        } else {
            let (last, last_event): (i64, i64) = sqlx::query_as(
                "UPDATE feed_heads SET change_seq = change_seq + $1, event_seq = event_seq + $2 WHERE tenant_id = $3
                 RETURNING change_seq, event_seq",
            )
            .bind(count)
            .bind(events.len() as i64)
            .bind(&tenant_id)
            .fetch_one(&mut *conn)
            .await?;
            (last - count, last_event - events.len() as i64)
        };
        let mut seq = first_event;
        let now = kasir_domain::time::now();
        if postgres && !events.is_empty() {
            // Delivered to every node's listener when (and only if) the transaction commits.
            sqlx::query("SELECT pg_notify($1, $2)").bind(EVENTS_CHANNEL).bind(&tenant_id).execute(&mut *conn).await?;
        }
        for e in &events {
            seq += 1;
            sqlx::query("INSERT INTO events (tenant_id, seq, type, outlet_id, customer_id, audience, payload, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                .bind(&tenant_id)
                .bind(seq)
                .bind(e.kind)
                .bind(e.outlet_id.clone())
                .bind(e.customer_id.clone())
                .bind(e.audience.clone())
                .bind(e.payload.to_string())
                .bind(&now)
                .execute(&mut *conn)
                .await?;
        }
        let mut seq = first;
        if let Some((token, _)) = staged.filter(|_| staged_here > 0) {
            let mut sql = Sql::new(
                "INSERT INTO changes (tenant_id, seq, entity, entity_id, op, version, outlet_id, data, created_at)
                 SELECT tenant_id, ",
            );
            sql.bind(seq).push(" + n, entity, entity_id, op, version, outlet_id, data, created_at FROM change_staging");
            sql.push(" WHERE token = ").bind(token).push(" AND tenant_id = ").bind(tenant_id.as_str());
            sql.query().execute(&mut *conn).await?;
            sqlx::query("DELETE FROM change_staging WHERE token = $1 AND tenant_id = $2")
                .bind(token)
                .bind(&tenant_id)
                .execute(&mut *conn)
                .await?;
            seq += staged_here;
        }
        for chunk in rows.chunks(crate::sql::rows_per_statement(9)) {
            let mut sql = Sql::new(
                "INSERT INTO changes (tenant_id, seq, entity, entity_id, op, version, outlet_id, data, created_at) VALUES ",
            );
            for (i, c) in chunk.iter().enumerate() {
                seq += 1;
                sql.push(if i == 0 { "(" } else { ", (" });
                sql.bind(tenant_id.as_str()).push(", ").bind(seq).push(", ").bind(c.entity).push(", ");
                sql.bind(c.entity_id.as_str()).push(", ").bind(c.op).push(", ").bind(c.version).push(", ");
                sql.bind(c.outlet_id.clone()).push(", ").bind(c.data.as_str()).push(", ");
                sql.bind(c.updated_at.as_str()).push(")");
            }
            sql.query().execute(&mut *conn).await?;
        }
    }
    Ok(())
}

/// `(x + offset) << shift` of this transaction's id `x`, for changes (`c0`) and events (`e0`),
/// as SQL over a row `h` of `feed_heads` and a row `x` holding the id.
fn pg_bases_sql() -> String {
    format!(
        "(x.x + h.change_xid_offset) << {CHANGE_SHIFT} AS c0, (x.x + h.event_xid_offset) << {EVENT_SHIFT} AS e0 \
         FROM feed_heads h, (SELECT pg_current_xact_id()::text::bigint AS x) x"
    )
}

/// PostgreSQL: where this transaction's rows of the tenant begin: after its base, or after the
/// rows it already added (a migration that appends twice).
async fn pg_bases(conn: &mut AnyConnection, tenant_id: &str) -> Result<(i64, i64)> {
    let sql = format!(
        "SELECT COALESCE((SELECT MAX(seq) FROM changes WHERE tenant_id = $1 AND seq >= b.c0 AND seq < b.c0 + {}), b.c0),
                COALESCE((SELECT MAX(seq) FROM events WHERE tenant_id = $1 AND seq >= b.e0 AND seq < b.e0 + {}), b.e0)
         FROM (SELECT {} WHERE h.tenant_id = $1) b",
        1i64 << CHANGE_SHIFT,
        1i64 << EVENT_SHIFT,
        pg_bases_sql()
    );
    let bases: Option<(i64, i64)> = sqlx::query_as(&sql).bind(tenant_id).fetch_optional(&mut *conn).await?;
    bases.ok_or_else(|| StoreError::Corrupt(format!("tenant {tenant_id} has no feed head")))
}

/// PostgreSQL, a transaction's first few rows of a tenant: their numbers and the rows in one
/// statement (data-modifying CTEs). Same rows as the general path of [`append_rows`].
async fn append_in_one_statement(
    conn: &mut AnyConnection,
    tenant_id: &str,
    rows: &[Change],
    events: &[Event],
    writes: &Batch,
    claim: Option<&Claim>,
) -> Result<()> {
    let now = kasir_domain::time::now();
    let mut sql = Sql::new("WITH ");
    if !writes.is_empty() {
        writes.push_parts(&mut sql);
        sql.push(", ");
    }
    if let Some(claim) = claim {
        sql.push("ck AS (").splice(&claim.sql).push("), ");
    }
    sql.push(&format!("b AS (SELECT {} WHERE h.tenant_id = ", pg_bases_sql()));
    sql.bind(tenant_id).push(")");
    if !events.is_empty() {
        sql.push(
            ", ev AS (INSERT INTO events (tenant_id, seq, type, outlet_id, customer_id, audience, payload, created_at) SELECT ",
        );
        sql.bind(tenant_id).push("::text, b.e0 + v.n, v.t, v.o, v.cu, v.au, v.p, v.c FROM b, (VALUES ");
        for (i, e) in events.iter().enumerate() {
            sql.push(if i == 0 { "(" } else { ", (" });
            sql.bind(i as i64 + 1).push("::bigint, ").bind(e.kind).push("::text, ").bind(e.outlet_id.clone());
            sql.push("::text, ").bind(e.customer_id.clone()).push("::text, ").bind(e.audience.clone());
            sql.push("::text, ").bind(e.payload.to_string()).push("::text, ").bind(now.as_str()).push("::text)");
        }
        sql.push(") AS v (n, t, o, cu, au, p, c))");
    }
    if !rows.is_empty() {
        sql.push(", ch AS (INSERT INTO changes (tenant_id, seq, entity, entity_id, op, version, outlet_id, data, created_at) SELECT ");
        sql.bind(tenant_id).push("::text, b.c0 + v.n, v.en, v.id, v.op, v.ver, v.o, v.d, v.u FROM b, (VALUES ");
        for (i, c) in rows.iter().enumerate() {
            sql.push(if i == 0 { "(" } else { ", (" });
            sql.bind(i as i64 + 1).push("::bigint, ").bind(c.entity).push("::text, ");
            sql.bind(c.entity_id.as_str()).push("::text, ").bind(c.op).push("::text, ").bind(c.version);
            sql.push("::bigint, ").bind(c.outlet_id.clone()).push("::text, ").bind(c.data.as_str());
            sql.push("::text, ").bind(c.updated_at.as_str()).push("::text)");
        }
        sql.push(") AS v (n, en, id, op, ver, o, d, u))");
    }
    sql.push(if claim.is_some() { " SELECT b.c0, (SELECT COUNT(*) FROM ck)" } else { " SELECT b.c0, 1" });
    if events.is_empty() {
        sql.push(" FROM b");
    } else {
        // Delivered to every node's listener when (and only if) the transaction commits.
        sql.push(" FROM b CROSS JOIN (SELECT pg_notify(").bind(EVENTS_CHANNEL).push(", ");
        sql.bind(tenant_id).push(")) AS n");
    }
    match sql.query_as::<(i64, i64)>().fetch_optional(&mut *conn).await? {
        None => Err(StoreError::Corrupt(format!("tenant {tenant_id} has no feed head"))),
        Some((_, 0)) => Err(StoreError::Conflict { field: claim.map_or("", |c| c.field).to_string() }),
        Some(_) => Ok(()),
    }
}

/// After a load brought feed rows with their numbers: numbers written from now on come after them
/// (the SQLite heads, the PostgreSQL offsets). `tenant`: the one tenant imported; none: every
/// tenant, for a restore into an empty database. Never for a tenant with writers (PostgreSQL's
/// offset must not change under a transaction that has read it).
pub(crate) async fn rebase_heads(conn: &mut AnyConnection, tenant: Option<&str>) -> Result<()> {
    let mut sql = Sql::new(format!(
        "UPDATE feed_heads SET
           change_seq = COALESCE((SELECT MAX(seq) FROM changes c WHERE c.tenant_id = feed_heads.tenant_id AND c.seq > feed_heads.change_seq), change_seq),
           event_seq = COALESCE((SELECT MAX(seq) FROM events e WHERE e.tenant_id = feed_heads.tenant_id AND e.seq > feed_heads.event_seq), event_seq),
           change_xid_offset = COALESCE((SELECT MAX(seq) FROM changes c WHERE c.tenant_id = feed_heads.tenant_id), 0) / {} + 1,
           event_xid_offset = COALESCE((SELECT MAX(seq) FROM events e WHERE e.tenant_id = feed_heads.tenant_id), 0) / {} + 1",
        1i64 << CHANGE_SHIFT,
        1i64 << EVENT_SHIFT
    ));
    if let Some(tenant) = tenant {
        sql.push(" WHERE tenant_id = ").bind(tenant);
    }
    sql.query().execute(conn).await?;
    Ok(())
}

/// Creates the feed head of a new tenant, in the transaction that creates the tenant.
#[tracing::instrument(skip_all)]
pub(crate) async fn create_head(conn: &mut AnyConnection, tenant_id: &str) -> Result<()> {
    sqlx::query("INSERT INTO feed_heads (tenant_id, change_seq, retained_from) VALUES ($1, 0, 1)")
        .bind(tenant_id)
        .execute(conn)
        .await?;
    Ok(())
}
