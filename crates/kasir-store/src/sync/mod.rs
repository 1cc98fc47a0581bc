//! Offline devices' side of the change feed: `GET /sync/pull` reads the changes after a cursor;
//! pushed changes leave a [`ledger`] row, and those that met a server change a [`conflicts`] record.

pub mod conflicts;
pub mod ledger;

use serde::Serialize;

use crate::{sql::Sql, Result, Scope, StoreError};

/// One change as `GET /sync/pull` serves it.
#[derive(Debug, Clone, Serialize)]
pub struct PulledChange {
    pub seq: i64,
    pub entity: String,
    pub id: String,
    pub op: String,
    pub version: i64,
    pub updated_at: String,
    pub data: serde_json::Value,
}

/// Rows of a tenant's feed that pruning may drop: older than `$2` and either a tombstone or
/// superseded by a newer row of the same record (and outlet). The newest row of every live record
/// stays, so a pull from the start still gets every record.
const PRUNABLE: &str = "SELECT c.seq FROM changes c WHERE c.tenant_id = $1 AND c.created_at < $2
     AND (c.op = 'delete' OR EXISTS (SELECT 1 FROM changes n WHERE n.tenant_id = c.tenant_id
         AND n.entity_id = c.entity_id AND n.entity = c.entity
         AND COALESCE(n.outlet_id, '') = COALESCE(c.outlet_id, '') AND n.seq > c.seq))
     ORDER BY c.seq LIMIT $3";

/// Prunes every tenant's feed of rows [`PRUNABLE`] before `before`, in batches (each its own
/// transaction, so SQLite's writer is never held long), and moves `retained_from` past them: a
/// cursor from before a dropped row may have missed a deletion and must pull from the start.
#[tracing::instrument(skip_all)]
pub async fn prune_feed(db: &crate::Db, before: &str) -> Result<u64> {
    const BATCH: i64 = 5000;
    let tenants: Vec<(String,)> = sqlx::query_as("SELECT tenant_id FROM feed_heads").fetch_all(db.reader()).await?;
    let mut removed = 0u64;
    for (tenant_id,) in tenants {
        loop {
            let mut tx = db.begin(crate::Actor::system()).await?;
            let seqs: Vec<(i64,)> =
                sqlx::query_as(PRUNABLE).bind(&tenant_id).bind(before).bind(BATCH).fetch_all(&mut *tx).await?;
            let Some(&(last,)) = seqs.last() else { break };
            let seqs: Vec<i64> = seqs.into_iter().map(|(s,)| s).collect();
            for chunk in seqs.chunks(crate::sql::MAX_PARAMS - 1) {
                let mut sql = Sql::new("DELETE FROM changes WHERE tenant_id = ");
                sql.bind(tenant_id.as_str()).push(" AND seq IN (");
                for (i, seq) in chunk.iter().enumerate() {
                    sql.push(if i == 0 { "" } else { ", " }).bind(*seq);
                }
                sql.push(")");
                removed += sql.query().execute(&mut *tx).await?.rows_affected();
            }
            sqlx::query(
                "UPDATE feed_heads SET retained_from = CASE WHEN retained_from > $1 THEN retained_from ELSE $1 END
                 WHERE tenant_id = $2",
            )
            .bind(last + 1)
            .bind(&tenant_id)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            if (seqs.len() as i64) < BATCH {
                break;
            }
        }
    }
    Ok(removed)
}

/// A page of changes and where to continue from.
#[derive(Debug, Clone)]
pub struct PullPage {
    pub changes: Vec<PulledChange>,
    /// The last sequence number this page covers; pass it back to continue.
    pub until_seq: i64,
    pub has_more: bool,
    /// Where the tenant's feed begins now (rows before it were pruned).
    pub retained_from: i64,
}

#[derive(sqlx::FromRow)]
struct Row {
    seq: i64,
    entity: String,
    entity_id: String,
    op: String,
    version: i64,
    outlet_id: Option<String>,
    data: Option<String>,
    created_at: String,
}

/// Reads changes after `after_seq`, limited to `entities` (all when empty) and the scope's outlets.
/// `floor` is where the feed began when this device's pull from the start began, if known.
#[tracing::instrument(skip_all)]
pub async fn pull(
    db: &crate::Db,
    scope: &Scope,
    after_seq: i64,
    floor: Option<i64>,
    entities: &[String],
    excluded: &[&str],
    limit: i64,
) -> Result<PullPage> {
    let mut conn = db.reader().acquire().await?;
    // The readable head first: no row up to it commits later (see `crate::feed`).
    let head: Option<(i64, i64)> =
        sqlx::query_as("SELECT change_seq, retained_from FROM feed_heads WHERE tenant_id = $1")
            .bind(&scope.tenant_id)
            .fetch_optional(&mut *conn)
            .await?;
    let (mut head, retained_from) = head.ok_or(StoreError::NotFound)?;
    if db.backend() == crate::Backend::Postgres {
        let readable = crate::feed::pg_readable(&mut conn, &scope.tenant_id, Some(crate::feed::Followed::Changes))
            .await?
            .ok_or(StoreError::NotFound)?;
        head = readable.changes - 1;
    }
    // 0 is the start: what the feed retains is every live record's newest change. A cursor
    // before the pruned rows expires, unless its pull began after the pruning (it never held
    // what was pruned, and the newer rows are all still there).
    let pruned_since = floor.is_none_or(|f| f < retained_from);
    if after_seq > 0 && after_seq < retained_from - 1 && pruned_since {
        return Err(StoreError::CursorExpired);
    }
    if after_seq >= head {
        return Ok(PullPage { changes: Vec::new(), until_seq: after_seq.max(0), has_more: false, retained_from });
    }
    let mut sql = Sql::new(
        "SELECT seq, entity, entity_id, op, version, outlet_id, data, created_at FROM changes WHERE tenant_id = ",
    );
    sql.bind(scope.tenant_id.as_str()).push(" AND seq > ").bind(after_seq).push(" AND seq <= ").bind(head);
    if !entities.is_empty() {
        sql.push(" AND entity IN ").bind_list(entities);
    }
    if !excluded.is_empty() {
        let excluded: Vec<String> = excluded.iter().map(|e| e.to_string()).collect();
        sql.push(" AND entity NOT IN ").bind_list(&excluded);
    }
    if let Some(outlets) = &scope.outlets {
        sql.push(" AND (outlet_id IS NULL");
        if !outlets.is_empty() {
            sql.push(" OR outlet_id IN ").bind_list(outlets);
        }
        sql.push(")");
    }
    sql.push(" ORDER BY seq LIMIT ").bind(limit);
    let rows: Vec<Row> = sql.query_as().fetch_all(&mut *conn).await?;
    let full = rows.len() as i64 == limit;
    // On PostgreSQL the head moves with every commit of the database: the cursor stays at the
    // last row read, so a page with nothing new keeps it.
    let until_seq = match (rows.last(), db.backend()) {
        (Some(last), _) if full => last.seq,
        (Some(last), crate::Backend::Postgres) => last.seq,
        (None, crate::Backend::Postgres) => after_seq.max(0),
        _ => head,
    };
    let changes = rows
        .into_iter()
        .map(|r| {
            let _ = r.outlet_id;
            let data = match r.data {
                Some(d) => serde_json::from_str(&d).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                None => serde_json::Value::Null,
            };
            Ok(PulledChange {
                seq: r.seq,
                entity: r.entity,
                id: r.entity_id,
                op: r.op,
                version: r.version,
                updated_at: r.created_at,
                data,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(PullPage { changes, until_seq, has_more: full && until_seq < head, retained_from })
}
