//! The per-tenant change feed that offline devices pull (DESIGN invariant 7).
//!
//! Appends take the tenant's `feed_heads` row lock, number their rows from it and commit while
//! holding it, so within a tenant a higher `seq` always commits after a lower one, on PostgreSQL as
//! on SQLite (whose single writer already orders commits). A reader that has seen the head value
//! `h` committed can therefore read every row up to `h` and never skip one that commits later.

use std::collections::BTreeMap;

use sqlx::AnyConnection;

use crate::{sql::Sql, Result, StoreError};

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
    append_all(conn, changes, Vec::new(), None).await
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

/// Writes queued changes and events, numbering each from its tenant's head in one locked update.
/// Called by [`crate::Tx::commit`].
#[tracing::instrument(skip_all)]
pub(crate) async fn append_all(
    conn: &mut AnyConnection,
    changes: Vec<Change>,
    events: Vec<Event>,
    staged: Staged<'_>,
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
    let postgres = conn.backend_name().to_ascii_lowercase().starts_with("postgres");
    for (tenant_id, (rows, events)) in by_tenant {
        let staged_here = staged.and_then(|(_, counts)| counts.get(&tenant_id)).copied().unwrap_or(0);
        if postgres && staged_here == 0 && rows.len() + events.len() <= 32 {
            append_in_one_statement(conn, &tenant_id, &rows, &events).await?;
            continue;
        }
        let count = rows.len() as i64 + staged_here;
        // Without events only change_seq is touched: migration data steps append changes on schemas
        // that predate event_seq.
        let (last, last_event): (i64, i64) = if events.is_empty() {
            let (last,): (i64,) = sqlx::query_as(
                "UPDATE feed_heads SET change_seq = change_seq + $1 WHERE tenant_id = $2 RETURNING change_seq",
            )
            .bind(count)
            .bind(&tenant_id)
            .fetch_one(&mut *conn)
            .await?;
            (last, 0)
        } else {
            sqlx::query_as(
                "UPDATE feed_heads SET change_seq = change_seq + $1, event_seq = event_seq + $2 WHERE tenant_id = $3
                 RETURNING change_seq, event_seq",
            )
            .bind(count)
            .bind(events.len() as i64)
            .bind(&tenant_id)
            .fetch_one(&mut *conn)
            .await?
        };
        let mut seq = last_event - events.len() as i64;
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
        let mut seq = last - count;
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

/// PostgreSQL: the head update and the rows it numbers in one statement (data-modifying CTEs),
/// so the tenant's head row is held for one round trip and the commit. Same rows as the general
/// path of [`append_all`].
async fn append_in_one_statement(
    conn: &mut AnyConnection,
    tenant_id: &str,
    rows: &[Change],
    events: &[Event],
) -> Result<()> {
    let now = kasir_domain::time::now();
    let mut sql = Sql::new("WITH h AS (UPDATE feed_heads SET change_seq = change_seq + ");
    sql.bind(rows.len() as i64);
    // Without events only change_seq is touched (migration data steps predate event_seq).
    if events.is_empty() {
        sql.push(" WHERE tenant_id = ").bind(tenant_id);
        sql.push(&format!(" RETURNING change_seq - {} AS c0)", rows.len()));
    } else {
        sql.push(", event_seq = event_seq + ").bind(events.len() as i64).push(" WHERE tenant_id = ").bind(tenant_id);
        sql.push(&format!(" RETURNING change_seq - {} AS c0, event_seq - {} AS e0)", rows.len(), events.len()));
    }
    if !events.is_empty() {
        sql.push(
            ", ev AS (INSERT INTO events (tenant_id, seq, type, outlet_id, customer_id, audience, payload, created_at) SELECT ",
        );
        sql.bind(tenant_id).push("::text, h.e0 + v.n, v.t, v.o, v.cu, v.au, v.p, v.c FROM h, (VALUES ");
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
        sql.bind(tenant_id).push("::text, h.c0 + v.n, v.en, v.id, v.op, v.ver, v.o, v.d, v.u FROM h, (VALUES ");
        for (i, c) in rows.iter().enumerate() {
            sql.push(if i == 0 { "(" } else { ", (" });
            sql.bind(i as i64 + 1).push("::bigint, ").bind(c.entity).push("::text, ");
            sql.bind(c.entity_id.as_str()).push("::text, ").bind(c.op).push("::text, ").bind(c.version);
            sql.push("::bigint, ").bind(c.outlet_id.clone()).push("::text, ").bind(c.data.as_str());
            sql.push("::text, ").bind(c.updated_at.as_str()).push("::text)");
        }
        sql.push(") AS v (n, en, id, op, ver, o, d, u))");
    }
    if events.is_empty() {
        sql.push(" SELECT c0 FROM h");
    } else {
        // Delivered to every node's listener when (and only if) the transaction commits.
        sql.push(" SELECT h.c0 FROM h CROSS JOIN (SELECT pg_notify(").bind(EVENTS_CHANNEL).push(", ");
        sql.bind(tenant_id).push(")) AS n");
    }
    let head: Option<(i64,)> = sql.query_as().fetch_optional(&mut *conn).await?;
    if head.is_none() {
        return Err(StoreError::Corrupt(format!("tenant {tenant_id} has no feed head")));
    }
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
