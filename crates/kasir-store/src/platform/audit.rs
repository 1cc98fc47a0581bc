//! The audit log: who did what to which record, when and from where. Written in the transaction
//! of the change it describes.

use serde::Serialize;
use sqlx::AnyConnection;

use crate::{sql::Sql, Db, Result};

/// An entry waiting to be written with its transaction.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub tenant_id: Option<String>,
    pub actor_id: Option<String>,
    pub actor_type: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub ip: Option<String>,
    pub request_id: Option<String>,
    pub details: serde_json::Value,
}

#[tracing::instrument(skip_all)]
pub(crate) async fn insert_all(conn: &mut AnyConnection, entries: &[AuditEntry]) -> Result<()> {
    for sql in insert_sql(entries) {
        sql.query().execute(&mut *conn).await?;
    }
    Ok(())
}

/// The statements that write `entries` (none for none).
pub(crate) fn insert_sql(entries: &[AuditEntry]) -> Vec<Sql> {
    let now = kasir_domain::time::now();
    entries
        .chunks(crate::sql::rows_per_statement(11))
        .map(|chunk| {
            let mut sql = Sql::new(
                "INSERT INTO audit_logs (id, tenant_id, actor_id, actor_type, action, entity, entity_id, ip, request_id, details, created_at) VALUES ",
            );
            for (i, e) in chunk.iter().enumerate() {
                sql.push(if i == 0 { "(" } else { ", (" });
                sql.bind(kasir_domain::ids::new_id()).push(", ").bind(e.tenant_id.clone()).push(", ");
                sql.bind(e.actor_id.clone()).push(", ").bind(e.actor_type.as_str()).push(", ");
                sql.bind(e.action.as_str()).push(", ").bind(e.entity.as_str()).push(", ");
                sql.bind(e.entity_id.clone()).push(", ").bind(e.ip.clone()).push(", ");
                sql.bind(e.request_id.clone()).push(", ");
                sql.bind(if e.details.is_null() { None } else { Some(e.details.to_string()) }).push(", ");
                sql.bind(now.as_str()).push(")");
            }
            sql
        })
        .collect()
}

/// Writes one entry on its own: auth events (failed logins, token reuse) outside any other change.
#[tracing::instrument(skip_all)]
pub async fn record(db: &Db, entry: &AuditEntry) -> Result<()> {
    let mut conn = db.writer().acquire().await?;
    insert(&mut conn, entry).await
}

async fn insert(conn: &mut AnyConnection, e: &AuditEntry) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_logs (id, tenant_id, actor_id, actor_type, action, entity, entity_id, ip, request_id, details, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(kasir_domain::ids::new_id())
    .bind(e.tenant_id.clone())
    .bind(e.actor_id.clone())
    .bind(e.actor_type.clone())
    .bind(e.action.clone())
    .bind(e.entity.clone())
    .bind(e.entity_id.clone())
    .bind(e.ip.clone())
    .bind(e.request_id.clone())
    .bind(if e.details.is_null() { None } else { Some(e.details.to_string()) })
    .bind(kasir_domain::time::now())
    .execute(conn)
    .await?;
    Ok(())
}

/// An audit entry as `GET /audit-logs` serves it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct AuditLog {
    pub id: String,
    pub tenant_id: Option<String>,
    pub actor_id: Option<String>,
    /// `user`, `api_key`, `anonymous` or `system`.
    pub actor_type: String,
    /// Such as `user.create` or `auth.login_failed`.
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub ip: Option<String>,
    pub request_id: Option<String>,
    #[sqlx(try_from = "String")]
    /// What the action changed; `null` when it records nothing more.
    #[schema(value_type = Option<Object>)]
    pub details: crate::JsonText<serde_json::Value>,
    pub created_at: String,
}

/// Filters for reading the log. `tenant_id: None` reads every tenant's (platform operators only).
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub tenant_id: Option<String>,
    pub actor_id: Option<String>,
    pub entity: Option<String>,
    pub action: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// A page of entries, newest first, and the total matching.
#[tracing::instrument(skip_all)]
pub async fn list(db: &Db, f: &AuditFilter, page: i64, per_page: i64) -> Result<(Vec<AuditLog>, i64)> {
    let mut filter = Sql::new(" FROM audit_logs WHERE 1 = 1");
    if let Some(t) = &f.tenant_id {
        filter.push(" AND tenant_id = ").bind(t.as_str());
    }
    if let Some(a) = &f.actor_id {
        filter.push(" AND actor_id = ").bind(a.as_str());
    }
    if let Some(e) = &f.entity {
        filter.push(" AND entity = ").bind(e.as_str());
    }
    if let Some(a) = &f.action {
        filter.push(" AND action = ").bind(a.as_str());
    }
    if let Some(from) = &f.from {
        filter.push(" AND created_at >= ").bind(from.as_str());
    }
    if let Some(to) = &f.to {
        filter.push(" AND created_at < ").bind(to.as_str());
    }
    filter
        .page(
            db,
            "id, tenant_id, actor_id, actor_type, action, entity, entity_id, ip, request_id, COALESCE(details, 'null') AS details, created_at",
            "created_at DESC, id DESC",
            page,
            per_page,
        )
        .await
}
