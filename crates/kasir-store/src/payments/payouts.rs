//! Payouts to bank accounts through the tenant's gateway.

use serde::Serialize;
use utoipa::ToSchema;

use crate::{sql::Sql, Backend, Db, Result, Tx};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Payout {
    #[schema(format = Uuid)]
    pub id: String,
    #[serde(skip)]
    #[schema(ignore)]
    pub tenant_id: String,
    pub external_id: String,
    #[serde(skip)]
    #[schema(ignore)]
    pub idempotency_hash: String,
    pub provider: String,
    /// The gateway's id of the disbursement.
    pub gateway_ref: Option<String>,
    pub bank_code: String,
    pub account_number: String,
    pub account_holder_name: String,
    /// Minor units.
    pub amount: i64,
    pub description: String,
    /// `PENDING`, `COMPLETED` or `FAILED`.
    pub status: String,
    /// The gateway's reason for a failed payout.
    pub failure_code: Option<String>,
    #[schema(format = Uuid)]
    pub created_by: Option<String>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

const COLUMNS: &str = "id, tenant_id, external_id, idempotency_hash, provider, gateway_ref, bank_code, account_number, account_holder_name, amount, description, status, failure_code, created_by, version, created_at, updated_at";

/// Writes a new payout; `Conflict { field: "idempotency" }` when its key made one already.
#[tracing::instrument(skip_all)]
pub async fn insert(tx: &mut Tx, p: &Payout) -> Result<()> {
    sqlx::query(&format!(
        "INSERT INTO payouts ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"
    ))
    .bind(&p.id)
    .bind(&p.tenant_id)
    .bind(&p.external_id)
    .bind(&p.idempotency_hash)
    .bind(&p.provider)
    .bind(p.gateway_ref.clone())
    .bind(&p.bank_code)
    .bind(&p.account_number)
    .bind(&p.account_holder_name)
    .bind(p.amount)
    .bind(&p.description)
    .bind(&p.status)
    .bind(p.failure_code.clone())
    .bind(p.created_by.clone())
    .bind(p.version)
    .bind(&p.created_at)
    .bind(&p.updated_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The payout a tenant's Idempotency-Key made.
#[tracing::instrument(skip_all)]
pub async fn by_key(db: &Db, tenant_id: &str, idempotency_hash: &str) -> Result<Option<Payout>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM payouts WHERE tenant_id = $1 AND idempotency_hash = $2"))
        .bind(tenant_id)
        .bind(idempotency_hash)
        .fetch_optional(db.reader())
        .await?)
}

#[tracing::instrument(skip_all)]
pub async fn by_external_id(db: &Db, external_id: &str) -> Result<Option<Payout>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM payouts WHERE external_id = $1"))
        .bind(external_id)
        .fetch_optional(db.reader())
        .await?)
}

#[tracing::instrument(skip_all)]
pub async fn lock(tx: &mut Tx, id: &str) -> Result<Option<Payout>> {
    let lock = if tx.backend() == Backend::Postgres { " FOR UPDATE" } else { "" };
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM payouts WHERE id = $1{lock}"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?)
}

/// Writes a payout's gateway id, status and failure.
#[tracing::instrument(skip_all)]
pub async fn update(tx: &mut Tx, p: &Payout) -> Result<()> {
    sqlx::query(
        "UPDATE payouts SET gateway_ref = $1, status = $2, failure_code = $3, version = version + 1, updated_at = $4 WHERE id = $5",
    )
    .bind(p.gateway_ref.clone())
    .bind(&p.status)
    .bind(p.failure_code.clone())
    .bind(&p.updated_at)
    .bind(&p.id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A page of the tenant's payouts, newest first.
#[tracing::instrument(skip_all)]
pub async fn list(
    db: &Db,
    tenant_id: &str,
    status: Option<&str>,
    page: i64,
    per_page: i64,
) -> Result<(Vec<Payout>, i64)> {
    let mut sql = Sql::new(" FROM payouts WHERE tenant_id = ");
    sql.bind(tenant_id);
    if let Some(s) = status {
        sql.push(" AND status = ").bind(s);
    }
    sql.page(db, COLUMNS, "created_at DESC, id DESC", page, per_page).await
}

/// Pending payouts (of every tenant) after `after_id`, for the reconciliation job.
#[tracing::instrument(skip_all)]
pub async fn pending(db: &Db, after_id: &str, limit: i64) -> Result<Vec<Payout>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM payouts WHERE status = $1 AND id > $2 ORDER BY id LIMIT $3"))
        .bind(kasir_domain::payments::PayoutStatus::Pending.as_str())
        .bind(after_id)
        .bind(limit)
        .fetch_all(db.reader())
        .await?)
}
