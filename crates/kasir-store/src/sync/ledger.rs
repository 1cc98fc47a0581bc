//! The ledger of pushed changes: one row per `(device, client_change_id)` that was applied or
//! recorded as a conflict, written by the commit that applied it (see [`crate::Pushed`]).

use sqlx::AnyConnection;

use crate::{tx::PushOutcome, Db, Pushed, Result, StoreError};

/// A change the ledger holds.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Entry {
    pub entity: String,
    pub record_id: String,
    /// `applied` or `conflict`.
    pub status: String,
    pub version: Option<i64>,
    pub conflict_id: Option<String>,
}

/// Writes the ledger row of `pushed`; a row already there (a retry that raced the first
/// attempt) gives `Conflict { field: "client_change_id" }`, and the caller's transaction rolls back.
pub(crate) async fn insert(
    conn: &mut AnyConnection,
    pushed: &Pushed,
    outcome: &PushOutcome,
    version: Option<i64>,
) -> Result<()> {
    let (status, conflict_id) = match outcome {
        PushOutcome::Applied => ("applied", None),
        PushOutcome::Conflict(id) => ("conflict", Some(id.clone())),
    };
    let done = sqlx::query(
        "INSERT INTO sync_ledger (tenant_id, device_id, client_change_id, entity, record_id, status, version, conflict_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (tenant_id, device_id, client_change_id) DO NOTHING",
    )
    .bind(&pushed.tenant_id)
    .bind(&pushed.device_id)
    .bind(&pushed.client_change_id)
    .bind(&pushed.entity)
    .bind(&pushed.record_id)
    .bind(status)
    .bind(version)
    .bind(conflict_id)
    .bind(kasir_domain::time::now())
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::Conflict { field: "client_change_id".into() });
    }
    Ok(())
}

/// The ledger row of a device's change, if it was applied or recorded before.
#[tracing::instrument(skip_all)]
pub async fn find(db: &Db, tenant_id: &str, device_id: &str, client_change_id: &str) -> Result<Option<Entry>> {
    Ok(sqlx::query_as(
        "SELECT entity, record_id, status, version, conflict_id FROM sync_ledger
         WHERE tenant_id = $1 AND device_id = $2 AND client_change_id = $3",
    )
    .bind(tenant_id)
    .bind(device_id)
    .bind(client_change_id)
    .fetch_optional(db.reader())
    .await?)
}
