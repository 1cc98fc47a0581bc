//! Shared request counters for rate limits: each process adds what it counted since its last
//! flush and reads back the total every process has counted in the window.

use crate::{sql::Sql, Db, Result};

/// Adds `(key, window_start, count)` to the shared counters; the totals after the addition.
#[tracing::instrument(skip_all)]
pub async fn add(db: &Db, counts: &[(String, i64, i64)]) -> Result<Vec<(String, i64, i64)>> {
    let mut out = Vec::with_capacity(counts.len());
    for chunk in counts.chunks(crate::sql::rows_per_statement(3)) {
        let mut sql = Sql::new("INSERT INTO rate_counters (key, window_start, count) VALUES ");
        for (i, (key, window, count)) in chunk.iter().enumerate() {
            sql.push(if i == 0 { "(" } else { ", (" });
            sql.bind(key.as_str()).push(", ").bind(*window).push(", ").bind(*count).push(")");
        }
        sql.push(
            " ON CONFLICT (key, window_start) DO UPDATE SET count = rate_counters.count + excluded.count
              RETURNING key, window_start, count",
        );
        out.extend(sql.query_as::<(String, i64, i64)>().fetch_all(db.writer()).await?);
    }
    Ok(out)
}

/// Deletes the counters of windows that began before `before` (Unix seconds).
#[tracing::instrument(skip_all)]
pub async fn prune(db: &Db, before: i64) -> Result<u64> {
    let done =
        sqlx::query("DELETE FROM rate_counters WHERE window_start < $1").bind(before).execute(db.writer()).await?;
    Ok(done.rows_affected())
}
