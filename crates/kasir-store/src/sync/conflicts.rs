//! Conflicts between a device's pushed change and the server's record: kept with both sides
//! until someone resolves them (`/sync/conflicts`). They are not in the change feed.

use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    crud::{self, ColType::*, Column, OutletScope, ResourceDef},
    JsonText, Result, Scope, StoreError, Tx,
};

pub static SYNC_CONFLICTS: ResourceDef = ResourceDef {
    entity: "sync_conflict",
    table: "sync_conflicts",
    columns: &[
        Column::new("entity", Text).filter(),
        Column::new("record_id", Text).filter(),
        Column::new("device_id", Text).filter(),
        Column::new("client_change_id", Text),
        Column::new("op", Text),
        Column::new("base_version", Int),
        Column::new("fields", Json),
        Column::new("client_data", Json),
        Column::new("server_data", Json),
        Column::new("status", Text).filter(),
        Column::new("resolution", Text),
        Column::new("resolved_by", Text),
        Column::new("resolved_at", Text).sort(),
    ],
    outlet_scope: OutletScope::None,
    base_filter: None,
    search_codes: false,
    counted: false,
};

/// A pushed change that met a change made on the server since the device's `base_version`.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Conflict {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    /// The entity of the record (`product`, `customer`, …).
    pub entity: String,
    #[schema(format = Uuid)]
    pub record_id: String,
    pub device_id: String,
    pub client_change_id: String,
    /// `update` or `delete`.
    pub op: String,
    /// The record's version the device had changed.
    pub base_version: i64,
    /// The fields both sides changed (empty for a delete of a changed record).
    #[sqlx(try_from = "String")]
    #[schema(value_type = Vec<String>)]
    pub fields: JsonText<Vec<String>>,
    /// What the device sent (null for a delete).
    #[sqlx(try_from = "String")]
    #[schema(value_type = Option<Object>)]
    pub client_data: JsonText<serde_json::Value>,
    /// The record as the server kept it.
    #[sqlx(try_from = "String")]
    #[schema(value_type = Object)]
    pub server_data: JsonText<serde_json::Value>,
    /// `open` or `resolved`.
    pub status: String,
    /// `server`, `client` or `merge` once resolved.
    pub resolution: Option<String>,
    #[schema(format = Uuid)]
    pub resolved_by: Option<String>,
    pub resolved_at: Option<String>,
}
crate::impl_record!(Conflict);

/// What a new conflict records.
#[derive(Debug, Clone)]
pub struct NewConflict<'a> {
    pub entity: &'a str,
    pub record_id: &'a str,
    pub device_id: &'a str,
    pub client_change_id: &'a str,
    pub op: &'a str,
    pub base_version: i64,
    pub fields: Vec<String>,
    pub client_data: &'a serde_json::Value,
    pub server_data: &'a serde_json::Value,
}

/// Records an open conflict; its id.
#[tracing::instrument(skip_all)]
pub async fn insert(tx: &mut Tx, scope: &Scope, c: NewConflict<'_>) -> Result<String> {
    let id = kasir_domain::ids::new_id();
    let now = kasir_domain::time::now();
    let fields = serde_json::to_string(&c.fields).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    sqlx::query(
        "INSERT INTO sync_conflicts (id, tenant_id, version, created_at, updated_at, entity, record_id, device_id,
            client_change_id, op, base_version, fields, client_data, server_data, status)
         VALUES ($1, $2, 1, $3, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'open')",
    )
    .bind(&id)
    .bind(&scope.tenant_id)
    .bind(&now)
    .bind(c.entity)
    .bind(c.record_id)
    .bind(c.device_id)
    .bind(c.client_change_id)
    .bind(c.op)
    .bind(c.base_version)
    .bind(fields)
    .bind(c.client_data.to_string())
    .bind(c.server_data.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// An open conflict, locked for its resolution (PostgreSQL), or `NotFound`.
#[tracing::instrument(skip_all)]
pub async fn lock_open(tx: &mut Tx, scope: &Scope, id: &str) -> Result<Conflict> {
    let conflict: Conflict = crud::get_in(tx, &SYNC_CONFLICTS, scope, id).await?;
    let lock = if tx.backend() == crate::Backend::Postgres { " FOR UPDATE" } else { "" };
    let status: Option<(String,)> =
        sqlx::query_as(&format!("SELECT status FROM sync_conflicts WHERE id = $1 AND tenant_id = $2{lock}"))
            .bind(id)
            .bind(&scope.tenant_id)
            .fetch_optional(&mut **tx)
            .await?;
    match status {
        Some((s,)) if kasir_domain::ConflictStatus::Open.is(&s) => Ok(conflict),
        Some(_) => Err(StoreError::Conflict { field: "status".into() }),
        None => Err(StoreError::NotFound),
    }
}

/// Closes a conflict with its resolution.
#[tracing::instrument(skip_all)]
pub async fn resolve(tx: &mut Tx, scope: &Scope, id: &str, resolution: &str, by: Option<&str>) -> Result<Conflict> {
    let now = kasir_domain::time::now();
    sqlx::query(
        "UPDATE sync_conflicts SET status = 'resolved', resolution = $1, resolved_by = $2, resolved_at = $3,
            updated_at = $3, version = version + 1
         WHERE id = $4 AND tenant_id = $5 AND status = 'open'",
    )
    .bind(resolution)
    .bind(by)
    .bind(&now)
    .bind(id)
    .bind(&scope.tenant_id)
    .execute(&mut **tx)
    .await?;
    crud::get_in(tx, &SYNC_CONFLICTS, scope, id).await
}

/// The record's data as of `version`, from the change feed (while the feed still holds it).
#[tracing::instrument(skip_all)]
pub async fn data_at(tx: &mut Tx, tenant_id: &str, entity_id: &str, version: i64) -> Result<Option<serde_json::Value>> {
    let row: Option<(Option<String>,)> = sqlx::query_as(
        // Every row of one version holds the same data (one per outlet it concerns). No ORDER BY:
        // ordering by seq would lead SQLite to walk the tenant's whole feed in seq order.
        "SELECT data FROM changes WHERE tenant_id = $1 AND entity_id = $2 AND version = $3 LIMIT 1",
    )
    .bind(tenant_id)
    .bind(entity_id)
    .bind(version)
    .fetch_optional(&mut **tx)
    .await?;
    match row {
        Some((Some(data),)) => Ok(Some(serde_json::from_str(&data).map_err(|e| StoreError::Corrupt(e.to_string()))?)),
        _ => Ok(None),
    }
}
