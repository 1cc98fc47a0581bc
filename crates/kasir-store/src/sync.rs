//! Offline devices' side of the change feed: `GET /sync/pull` reads the changes after a cursor.

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

/// A page of changes and where to continue from.
#[derive(Debug, Clone)]
pub struct PullPage {
    pub changes: Vec<PulledChange>,
    /// The last sequence number this page covers; pass it back to continue.
    pub until_seq: i64,
    pub has_more: bool,
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
#[tracing::instrument(skip_all)]
pub async fn pull(db: &crate::Db, scope: &Scope, after_seq: i64, entities: &[String], limit: i64) -> Result<PullPage> {
    let mut conn = db.reader().acquire().await?;
    // The committed head first: every row up to it is committed (see the module comment).
    let head: Option<(i64, i64)> =
        sqlx::query_as("SELECT change_seq, retained_from FROM feed_heads WHERE tenant_id = $1")
            .bind(&scope.tenant_id)
            .fetch_optional(&mut *conn)
            .await?;
    let (head, retained_from) = head.ok_or(StoreError::NotFound)?;
    if after_seq < retained_from - 1 {
        return Err(StoreError::CursorExpired);
    }
    if after_seq >= head {
        return Ok(PullPage { changes: Vec::new(), until_seq: after_seq.max(0), has_more: false });
    }
    let mut sql = Sql::new(
        "SELECT seq, entity, entity_id, op, version, outlet_id, data, created_at FROM changes WHERE tenant_id = ",
    );
    sql.bind(scope.tenant_id.as_str()).push(" AND seq > ").bind(after_seq).push(" AND seq <= ").bind(head);
    if !entities.is_empty() {
        sql.push(" AND entity IN ").bind_list(entities);
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
    let until_seq = if full { rows.last().map_or(head, |r| r.seq) } else { head };
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
    Ok(PullPage { changes, until_seq, has_more: until_seq < head })
}
