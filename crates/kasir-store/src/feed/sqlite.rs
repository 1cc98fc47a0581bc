//! SQLite: a transaction's last writes, its feed and outbox rows and its claim, in one call to the
//! writer's connection. Each call is a trip to the connection's thread and back, and the one
//! writer runs every transaction's trips in turn, so the fewer a commit makes, the more
//! transactions a second the database takes (issue 20).

use std::collections::BTreeMap;

use sqlx::AnyConnection;

use super::{Change, Event};
use crate::{
    sql::{rows_per_statement, Batch, Claim, Sql, Value, MAX_BATCH_ARGS},
    Result, StoreError,
};

/// Builds the call and counts the tenants it writes for, or `None` when it would bind more values
/// than one call may (a large import: the caller writes row by row).
pub(super) fn one_call(
    changes: &[Change],
    events: &[Event],
    writes: &Batch,
    claim: Option<&Claim>,
) -> Option<(Sql, usize)> {
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
        let events = events.iter().map(|ev| {
            [
                Value::from(ev.kind),
                Value::from(ev.outlet_id.clone()),
                Value::from(ev.customer_id.clone()),
                Value::from(ev.audience.clone()),
                Value::from(ev.payload.to_string()),
                Value::from(now.as_str()),
            ]
        });
        push_numbered(
            &mut sql,
            tenant_id,
            "events (tenant_id, seq, type, outlet_id, customer_id, audience, payload, created_at)",
            "event_seq",
            e,
            events,
        );
        let rows = rows.iter().map(|ch| {
            [
                Value::from(ch.entity),
                Value::from(ch.entity_id.as_str()),
                Value::from(ch.op),
                Value::from(ch.version),
                Value::from(ch.outlet_id.clone()),
                Value::from(ch.data.as_str()),
                Value::from(ch.updated_at.as_str()),
            ]
        });
        push_numbered(
            &mut sql,
            tenant_id,
            "changes (tenant_id, seq, entity, entity_id, op, version, outlet_id, data, created_at)",
            "change_seq",
            c,
            rows,
        );
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
    (sql.args.len() <= MAX_BATCH_ARGS).then_some((sql, by_tenant.len()))
}

/// `INSERT INTO <into> SELECT h.tenant_id, h.<head> - <count> + v.column1, v.column2, … FROM
/// feed_heads h, (VALUES …) v`: a tenant's rows, numbered 1, 2, … after the head as it was before
/// it moved on by `count`. In statements of a few hundred values each: SQLite looks a `$n` up in
/// a list, so one statement of thousands would cost the square of its values on the one writer.
fn push_numbered<const N: usize>(
    sql: &mut Sql,
    tenant_id: &str,
    into: &str,
    head: &str,
    count: i64,
    rows: impl Iterator<Item = [Value; N]>,
) {
    let per = rows_per_statement(N + 1);
    let close = |sql: &mut Sql| {
        sql.push(") v WHERE h.tenant_id = ").bind(tenant_id).push("; ");
    };
    let mut n = 0;
    for row in rows {
        if n % per == 0 {
            if n > 0 {
                close(sql);
            }
            sql.push("INSERT INTO ").push(into).push(" SELECT h.tenant_id, h.").push(head).push(" - ").bind(count);
            sql.push(" + v.column1");
            for c in 2..=N + 1 {
                sql.push(&format!(", v.column{c}"));
            }
            sql.push(" FROM feed_heads h, (VALUES (");
        } else {
            sql.push(", (");
        }
        n += 1;
        sql.bind(n as i64);
        for v in row {
            sql.push(", ").bind(v);
        }
        sql.push(")");
    }
    if n > 0 {
        close(sql);
    }
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
