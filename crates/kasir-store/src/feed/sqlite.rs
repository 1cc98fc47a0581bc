//! SQLite: a transaction's last writes, its feed and outbox rows and its claim, in one call to the
//! writer's connection. Each call is a trip to the connection's thread and back, and the one
//! writer runs every transaction's trips in turn, so the fewer a commit makes, the more
//! transactions a second the database takes (issue 20).

use std::collections::BTreeMap;

use sqlx::AnyConnection;

use super::{Change, Event};
use crate::{
    sql::{rows_per_statement, Batch, Claim, Sql, MAX_BATCH_ARGS},
    Result, StoreError,
};

/// Builds the call, or `None` when it would bind more values than one call may (a large import:
/// the caller writes row by row).
pub(super) fn one_call(changes: &[Change], events: &[Event], writes: &Batch, claim: Option<&Claim>) -> Option<Sql> {
    let mut by_tenant: BTreeMap<&str, (Vec<&Change>, Vec<&Event>)> = BTreeMap::new();
    for c in changes {
        by_tenant.entry(c.tenant_id.as_str()).or_default().0.push(c);
    }
    for e in events {
        by_tenant.entry(e.tenant_id.as_str()).or_default().1.push(e);
    }
    let now = kasir_domain::time::now();
    let mut sql = Sql::new("");
    writes.push_statements(&mut sql);
    // One writer: each tenant's heads are moved on, and its rows numbered from the heads read
    // back, within the same call.
    for (tenant_id, (rows, events)) in &by_tenant {
        let (c, e) = (rows.len() as i64, events.len() as i64);
        sql.push("UPDATE feed_heads SET change_seq = change_seq + ").bind(c);
        // Without events only change_seq is touched: migration data steps append changes on
        // schemas that predate event_seq.
        if e > 0 {
            sql.push(", event_seq = event_seq + ").bind(e);
        }
        sql.push(" WHERE tenant_id = ").bind(*tenant_id).push("; ");
        // Statements of a few hundred values each: SQLite looks a `$n` up in a list, so one
        // statement of thousands would cost the square of its values on the one writer.
        let per = rows_per_statement(6);
        for (k, chunk) in events.chunks(per).enumerate() {
            sql.push(
                "INSERT INTO events (tenant_id, seq, type, outlet_id, customer_id, audience, payload, created_at) ",
            );
            sql.push("SELECT h.tenant_id, h.event_seq - ").bind(e);
            sql.push(" + v.column1, v.column2, v.column3, v.column4, v.column5, v.column6, ").bind(now.as_str());
            sql.push(" FROM feed_heads h, (VALUES ");
            for (i, ev) in chunk.iter().enumerate() {
                sql.push(if i == 0 { "(" } else { ", (" });
                sql.bind((k * per + i) as i64 + 1).push(", ").bind(ev.kind).push(", ").bind(ev.outlet_id.clone());
                sql.push(", ").bind(ev.customer_id.clone()).push(", ").bind(ev.audience.clone()).push(", ");
                sql.bind(ev.payload.to_string()).push(")");
            }
            sql.push(") v WHERE h.tenant_id = ").bind(*tenant_id).push("; ");
        }
        let per = rows_per_statement(8);
        for (k, chunk) in rows.chunks(per).enumerate() {
            sql.push(
                "INSERT INTO changes (tenant_id, seq, entity, entity_id, op, version, outlet_id, data, created_at) ",
            );
            sql.push("SELECT h.tenant_id, h.change_seq - ").bind(c);
            sql.push(" + v.column1, v.column2, v.column3, v.column4, v.column5, v.column6, v.column7, v.column8");
            sql.push(" FROM feed_heads h, (VALUES ");
            for (i, ch) in chunk.iter().enumerate() {
                sql.push(if i == 0 { "(" } else { ", (" });
                sql.bind((k * per + i) as i64 + 1).push(", ").bind(ch.entity).push(", ").bind(ch.entity_id.as_str());
                sql.push(", ").bind(ch.op).push(", ").bind(ch.version).push(", ").bind(ch.outlet_id.clone());
                sql.push(", ").bind(ch.data.as_str()).push(", ").bind(ch.updated_at.as_str()).push(")");
            }
            sql.push(") v WHERE h.tenant_id = ").bind(*tenant_id).push("; ");
        }
    }
    if let Some(claim) = claim {
        // Its `RETURNING 1` is a row only when the claim was made.
        sql.splice(&claim.sql).push("; ");
    }
    // Last, the heads found: a tenant without one would have had no rows written.
    sql.push("SELECT COUNT(*) FROM feed_heads WHERE tenant_id IN (");
    for (i, tenant_id) in by_tenant.keys().enumerate() {
        sql.push(if i == 0 { "" } else { ", " }).bind(*tenant_id);
    }
    sql.push(if by_tenant.is_empty() { "NULL)" } else { ")" });
    (sql.args.len() <= MAX_BATCH_ARGS).then_some(sql)
}

/// Sends a call made by [`one_call`] and checks what it found.
pub(super) async fn send(conn: &mut AnyConnection, sql: Sql, tenants: usize, claim: Option<&Claim>) -> Result<()> {
    // `fetch_all`: every statement of the call runs; the claim's row, if any, comes before the count.
    let rows: Vec<(i64,)> = sql.query_as().fetch_all(&mut *conn).await?;
    let claimed = rows.len() == 2;
    match rows.last() {
        Some((heads,)) if *heads as usize == tenants => {}
        _ => return Err(StoreError::Corrupt("a tenant of this transaction has no feed head".into())),
    }
    match claim {
        Some(c) if !claimed => Err(StoreError::Conflict { field: c.field.to_string() }),
        _ => Ok(()),
    }
}
