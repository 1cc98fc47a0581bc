//! Payments through a gateway: each tenant's gateway settings (keys sealed by the server before
//! they get here), the payments made through it with their status history, and payouts
//! ([`payouts`]). The rules (which status may follow which, what a paid payment does) are the
//! server's; this is the rows.

pub mod payouts;

use serde::Serialize;
use utoipa::ToSchema;

use crate::{sql::Sql, Backend, Db, Result, Tx};

/// A tenant's gateway settings, keys sealed.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GatewayRow {
    pub id: String,
    pub tenant_id: String,
    pub provider: String,
    pub secret_key: String,
    pub callback_token: String,
    pub base_url: Option<String>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

const GATEWAY_COLUMNS: &str =
    "id, tenant_id, provider, secret_key, callback_token, base_url, version, created_at, updated_at";

/// The tenant's settings for `provider`.
#[tracing::instrument(skip_all)]
pub async fn gateway(db: &Db, tenant_id: &str, provider: &str) -> Result<Option<GatewayRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {GATEWAY_COLUMNS} FROM payment_gateways WHERE tenant_id = $1 AND provider = $2"
    ))
    .bind(tenant_id)
    .bind(provider)
    .fetch_optional(db.reader())
    .await?)
}

/// The tenant's gateways.
#[tracing::instrument(skip_all)]
pub async fn gateways(db: &Db, tenant_id: &str) -> Result<Vec<GatewayRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {GATEWAY_COLUMNS} FROM payment_gateways WHERE tenant_id = $1 ORDER BY provider"
    ))
    .bind(tenant_id)
    .fetch_all(db.reader())
    .await?)
}

/// Sets the tenant's settings for a provider (a new row, or the existing one replaced). True
/// when the row is new.
#[tracing::instrument(skip_all)]
pub async fn put_gateway(tx: &mut Tx, row: &GatewayRow) -> Result<(GatewayRow, bool)> {
    let updated = sqlx::query(
        "UPDATE payment_gateways SET secret_key = $1, callback_token = $2, base_url = $3, version = version + 1, updated_at = $4
         WHERE tenant_id = $5 AND provider = $6",
    )
    .bind(&row.secret_key)
    .bind(&row.callback_token)
    .bind(row.base_url.clone())
    .bind(&row.updated_at)
    .bind(&row.tenant_id)
    .bind(&row.provider)
    .execute(&mut **tx)
    .await?;
    let created = updated.rows_affected() == 0;
    if created {
        sqlx::query(&format!(
            "INSERT INTO payment_gateways ({GATEWAY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8)"
        ))
        .bind(&row.id)
        .bind(&row.tenant_id)
        .bind(&row.provider)
        .bind(&row.secret_key)
        .bind(&row.callback_token)
        .bind(row.base_url.clone())
        .bind(&row.created_at)
        .bind(&row.updated_at)
        .execute(&mut **tx)
        .await?;
    }
    let saved = sqlx::query_as(&format!(
        "SELECT {GATEWAY_COLUMNS} FROM payment_gateways WHERE tenant_id = $1 AND provider = $2"
    ))
    .bind(&row.tenant_id)
    .bind(&row.provider)
    .fetch_one(&mut **tx)
    .await?;
    Ok((saved, created))
}

/// Removes a gateway of the tenant; false when there is none with this id.
#[tracing::instrument(skip_all)]
pub async fn delete_gateway(tx: &mut Tx, tenant_id: &str, id: &str) -> Result<bool> {
    let done = sqlx::query("DELETE FROM payment_gateways WHERE tenant_id = $1 AND id = $2")
        .bind(tenant_id)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// A payment through a gateway.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Payment {
    #[schema(format = Uuid)]
    pub id: String,
    #[serde(skip)]
    #[schema(ignore)]
    pub tenant_id: String,
    /// Ours, as the gateway knows it.
    pub external_id: String,
    /// `xendit`.
    pub provider: String,
    /// The gateway's own id of the invoice, charge or QR code.
    pub gateway_ref: Option<String>,
    /// `invoice`, `ewallet` or `qris`.
    pub method: String,
    /// `OVO`, `DANA`, `SHOPEEPAY` or `LINKAJA` for an e-wallet charge.
    pub ewallet_type: Option<String>,
    /// `topup`, `order` or `charge`.
    pub purpose: String,
    /// The customer account paying (none for a table guest).
    pub customer_id: Option<String>,
    pub order_id: Option<String>,
    pub outlet_id: Option<String>,
    pub table_session_id: Option<String>,
    /// Minor units.
    pub amount: i64,
    pub description: String,
    /// `PENDING`, `PAID`, `SETTLED`, `EXPIRED` or `FAILED`.
    pub status: String,
    /// Where the payer pays an invoice.
    pub invoice_url: Option<String>,
    /// The QRIS code to show, as text.
    pub qr_string: Option<String>,
    /// Where the payer confirms an e-wallet charge.
    pub checkout_url: Option<String>,
    pub expires_at: String,
    pub paid_at: Option<String>,
    /// The sale a paid order became.
    pub sale_id: Option<String>,
    /// Why a paid payment did nothing (an order paid at the till meanwhile): for staff to settle.
    pub attention: Option<String>,
    #[serde(skip)]
    #[schema(ignore)]
    pub created_by: Option<String>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

const COLUMNS: &str = "id, tenant_id, external_id, provider, gateway_ref, method, ewallet_type, purpose, customer_id, order_id, outlet_id, table_session_id, amount, description, status, invoice_url, qr_string, checkout_url, expires_at, paid_at, sale_id, attention, created_by, version, created_at, updated_at";

/// A status a payment went through, and what told us.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct HistoryEntry {
    pub status: String,
    /// `create`, `callback`, `reconcile` or `cancel`.
    pub source: String,
    pub created_at: String,
}

/// Writes a new payment and the first entry of its history.
#[tracing::instrument(skip_all)]
pub async fn insert(tx: &mut Tx, p: &Payment) -> Result<()> {
    sqlx::query(&format!(
        "INSERT INTO gateway_payments ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26)"
    ))
    .bind(&p.id)
    .bind(&p.tenant_id)
    .bind(&p.external_id)
    .bind(&p.provider)
    .bind(p.gateway_ref.clone())
    .bind(&p.method)
    .bind(p.ewallet_type.clone())
    .bind(&p.purpose)
    .bind(p.customer_id.clone())
    .bind(p.order_id.clone())
    .bind(p.outlet_id.clone())
    .bind(p.table_session_id.clone())
    .bind(p.amount)
    .bind(&p.description)
    .bind(&p.status)
    .bind(p.invoice_url.clone())
    .bind(p.qr_string.clone())
    .bind(p.checkout_url.clone())
    .bind(&p.expires_at)
    .bind(p.paid_at.clone())
    .bind(p.sale_id.clone())
    .bind(p.attention.clone())
    .bind(p.created_by.clone())
    .bind(p.version)
    .bind(&p.created_at)
    .bind(&p.updated_at)
    .execute(&mut **tx)
    .await?;
    add_history(tx, &p.tenant_id, &p.id, &p.status, "create", &p.created_at).await
}

/// Appends to a payment's status history.
#[tracing::instrument(skip_all)]
pub async fn add_history(
    tx: &mut Tx,
    tenant_id: &str,
    payment_id: &str,
    status: &str,
    source: &str,
    at: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO gateway_payment_history (id, tenant_id, payment_id, status, source, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(kasir_domain::ids::new_id())
    .bind(tenant_id)
    .bind(payment_id)
    .bind(status)
    .bind(source)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A payment's history, oldest first.
#[tracing::instrument(skip_all)]
pub async fn history(db: &Db, payment_id: &str) -> Result<Vec<HistoryEntry>> {
    Ok(sqlx::query_as(
        "SELECT status, source, created_at FROM gateway_payment_history WHERE payment_id = $1 ORDER BY created_at, id",
    )
    .bind(payment_id)
    .fetch_all(db.reader())
    .await?)
}

/// A payment by id.
#[tracing::instrument(skip_all)]
pub async fn get(db: &Db, id: &str) -> Result<Option<Payment>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM gateway_payments WHERE id = $1"))
        .bind(id)
        .fetch_optional(db.reader())
        .await?)
}

/// A payment by the id the gateway knows it by.
#[tracing::instrument(skip_all)]
pub async fn by_external_id(db: &Db, external_id: &str) -> Result<Option<Payment>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM gateway_payments WHERE external_id = $1"))
        .bind(external_id)
        .fetch_optional(db.reader())
        .await?)
}

/// A payment read for a change: other writers of it wait until this transaction ends.
#[tracing::instrument(skip_all)]
pub async fn lock(tx: &mut Tx, id: &str) -> Result<Option<Payment>> {
    let lock = if tx.backend() == Backend::Postgres { " FOR UPDATE" } else { "" };
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM gateway_payments WHERE id = $1{lock}"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?)
}

/// Records what the gateway answered a create with.
#[tracing::instrument(skip_all)]
pub async fn set_gateway_ref(tx: &mut Tx, p: &Payment) -> Result<()> {
    sqlx::query(
        "UPDATE gateway_payments SET gateway_ref = $1, invoice_url = $2, qr_string = $3, checkout_url = $4, expires_at = $5,
         version = version + 1, updated_at = $6 WHERE id = $7",
    )
    .bind(p.gateway_ref.clone())
    .bind(p.invoice_url.clone())
    .bind(p.qr_string.clone())
    .bind(p.checkout_url.clone())
    .bind(&p.expires_at)
    .bind(&p.updated_at)
    .bind(&p.id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Writes a payment's new status (and what it led to), and its history entry.
#[tracing::instrument(skip_all)]
pub async fn set_status(tx: &mut Tx, p: &Payment, source: &str) -> Result<()> {
    sqlx::query(
        "UPDATE gateway_payments SET status = $1, paid_at = $2, sale_id = $3, attention = $4, gateway_ref = $5,
         version = version + 1, updated_at = $6 WHERE id = $7",
    )
    .bind(&p.status)
    .bind(p.paid_at.clone())
    .bind(p.sale_id.clone())
    .bind(p.attention.clone())
    .bind(p.gateway_ref.clone())
    .bind(&p.updated_at)
    .bind(&p.id)
    .execute(&mut **tx)
    .await?;
    add_history(tx, &p.tenant_id, &p.id, &p.status, source, &p.updated_at).await
}

/// Which payments a list shows.
#[derive(Debug, Default)]
pub struct Filter {
    pub tenant_id: String,
    pub customer_id: Option<String>,
    pub status: Option<String>,
    pub purpose: Option<String>,
    pub order_id: Option<String>,
    /// Payments of these outlets, and of none.
    pub outlets: Option<Vec<String>>,
}

/// A page of payments, newest first, and how many match.
#[tracing::instrument(skip_all)]
pub async fn list(db: &Db, f: &Filter, page: i64, per_page: i64) -> Result<(Vec<Payment>, i64)> {
    let mut sql = Sql::new(" FROM gateway_payments WHERE tenant_id = ");
    sql.bind(f.tenant_id.as_str());
    if let Some(c) = &f.customer_id {
        sql.push(" AND customer_id = ").bind(c.as_str());
    }
    if let Some(s) = &f.status {
        sql.push(" AND status = ").bind(s.as_str());
    }
    if let Some(p) = &f.purpose {
        sql.push(" AND purpose = ").bind(p.as_str());
    }
    if let Some(o) = &f.order_id {
        sql.push(" AND order_id = ").bind(o.as_str());
    }
    if let Some(outlets) = &f.outlets {
        sql.push(" AND (outlet_id IS NULL");
        if !outlets.is_empty() {
            sql.push(" OR outlet_id IN ").bind_list(outlets);
        }
        sql.push(")");
    }
    sql.page(db, COLUMNS, "created_at DESC, id DESC", page, per_page).await
}

/// Pending payments (of every tenant) after `after_id` in id order, for the reconciliation job.
#[tracing::instrument(skip_all)]
pub async fn pending(db: &Db, after_id: &str, limit: i64) -> Result<Vec<Payment>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM gateway_payments WHERE status = $1 AND id > $2 ORDER BY id LIMIT $3"
    ))
    .bind(kasir_domain::payments::PaymentStatus::Pending.as_str())
    .bind(after_id)
    .bind(limit)
    .fetch_all(db.reader())
    .await?)
}

/// The pending online payments of an order (a second one is refused while one is open).
#[tracing::instrument(skip_all)]
pub async fn pending_for_order(db: &Db, order_id: &str) -> Result<Vec<Payment>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM gateway_payments WHERE order_id = $1 AND status = $2 ORDER BY created_at"
    ))
    .bind(order_id)
    .bind(kasir_domain::payments::PaymentStatus::Pending.as_str())
    .fetch_all(db.reader())
    .await?)
}
