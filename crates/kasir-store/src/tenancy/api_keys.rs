//! API keys for service-to-service calls: `Authorization: Basic base64(key_id:secret)`.
//! Secrets are random 256-bit values, stored as SHA-256 hashes.

use serde::Serialize;
use utoipa::ToSchema;

use crate::{Db, JsonText, Result, Scope, StoreError, Tx};

/// An API key as listed (never its secret).
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct ApiKey {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub name: String,
    pub key_id: String,
    #[sqlx(try_from = "String")]
    #[schema(value_type = Vec<String>)]
    pub permissions: JsonText<Vec<String>>,
    pub created_by: Option<String>,
    pub created_at: String,
}

const COLUMNS: &str = "id, tenant_id, name, key_id, permissions, created_by, created_at";

#[tracing::instrument(skip_all)]
pub async fn create(
    tx: &mut Tx,
    scope: &Scope,
    id: &str,
    name: &str,
    key_id: &str,
    secret_hash: &str,
    permissions: &[String],
) -> Result<ApiKey> {
    sqlx::query(
        "INSERT INTO api_keys (id, tenant_id, name, key_id, secret_hash, permissions, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id)
    .bind(&scope.tenant_id)
    .bind(name)
    .bind(key_id)
    .bind(secret_hash)
    .bind(serde_json::to_string(permissions).unwrap_or_else(|_| "[]".into()))
    .bind(tx.actor.id.clone())
    .bind(kasir_domain::time::now())
    .execute(&mut **tx)
    .await?;
    tx.audit(Some(&scope.tenant_id), "api_key.create", "api_key", Some(id), serde_json::json!({ "name": name }));
    let key =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM api_keys WHERE id = $1")).bind(id).fetch_one(&mut **tx).await?;
    Ok(key)
}

#[tracing::instrument(skip_all)]
pub async fn list(db: &Db, scope: &Scope) -> Result<Vec<ApiKey>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM api_keys WHERE tenant_id = $1 AND deleted_at IS NULL ORDER BY created_at, id"
    ))
    .bind(&scope.tenant_id)
    .fetch_all(db.reader())
    .await?)
}

#[tracing::instrument(skip_all)]
pub async fn delete(tx: &mut Tx, scope: &Scope, id: &str) -> Result<()> {
    let done =
        sqlx::query("UPDATE api_keys SET deleted_at = $1 WHERE id = $2 AND tenant_id = $3 AND deleted_at IS NULL")
            .bind(kasir_domain::time::now())
            .bind(id)
            .bind(&scope.tenant_id)
            .execute(&mut **tx)
            .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    tx.audit(Some(&scope.tenant_id), "api_key.delete", "api_key", Some(id), serde_json::Value::Null);
    Ok(())
}

/// A live key by its public `key_id`, with its secret hash for the caller to compare.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct KeyCredentials {
    pub id: String,
    pub tenant_id: String,
    pub name: String,
    pub secret_hash: String,
    #[sqlx(try_from = "String")]
    pub permissions: JsonText<Vec<String>>,
    /// 0 or 1.
    pub tenant_active: i64,
}

#[tracing::instrument(skip_all)]
pub async fn find(db: &Db, key_id: &str) -> Result<Option<KeyCredentials>> {
    Ok(sqlx::query_as(
        "SELECT k.id, k.tenant_id, k.name, k.secret_hash, k.permissions, t.is_active AS tenant_active
         FROM api_keys k JOIN tenants t ON t.id = k.tenant_id WHERE k.key_id = $1 AND k.deleted_at IS NULL",
    )
    .bind(key_id)
    .fetch_optional(db.reader())
    .await?)
}
