//! Refunds: records of their own pointing at the sale (DESIGN invariant 6), with the items and
//! quantities refunded, their share of discounts and taxes, and how the money went back.

use std::collections::HashMap;

use kasir_domain::Quantity;
use serde::Serialize;
use utoipa::ToSchema;

use super::sales::Sale;
use crate::{sql::Sql, Db, Result, Scope, Scoped, Tx};

/// An item of a refund.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RefundItem {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub sale_item_id: String,
    #[schema(format = Uuid)]
    pub product_id: String,
    #[schema(format = Uuid)]
    pub variant_id: Option<String>,
    #[schema(value_type = f64)]
    pub quantity: Quantity,
    pub gross: i64,
    pub discount_total: i64,
    pub tax_total: i64,
    pub total: i64,
}

/// Money paid back for a refund.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RefundPayment {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub payment_method_id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
    pub amount: i64,
    pub reference: Option<String>,
}

/// A refund as the API serves it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Refund {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    #[schema(format = Uuid)]
    pub sale_id: String,
    #[schema(format = Uuid)]
    pub outlet_id: String,
    /// The shift whose drawer paid it back.
    #[schema(format = Uuid)]
    pub shift_id: Option<String>,
    #[schema(format = Uuid)]
    pub cashier_id: Option<String>,
    pub reason: String,
    /// Whether the items went back into stock.
    pub restock: bool,
    pub items: Vec<RefundItem>,
    pub gross: i64,
    pub discount_total: i64,
    pub tax_total: i64,
    /// The sale's cash rounding, given back with the refund that completes it.
    pub rounding: i64,
    pub total: i64,
    pub payments: Vec<RefundPayment>,
    pub business_date: String,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
    #[serde(skip)]
    #[schema(ignore)]
    pub local_hour: i64,
}
crate::impl_record!(Refund);

/// Writes a refund with its items and payments.
#[tracing::instrument(skip_all)]
pub async fn insert(tx: &mut Tx, r: &Refund) -> Result<()> {
    let mut sql = Sql::new(
        "INSERT INTO refunds (id, tenant_id, sale_id, outlet_id, shift_id, cashier_id, business_date, local_hour, reason,
             restock, gross, discount_total, tax_total, rounding, total, version, created_at, updated_at) VALUES (",
    );
    sql.bind(r.id.as_str()).push(", ").bind(r.tenant_id.as_str()).push(", ").bind(r.sale_id.as_str()).push(", ");
    sql.bind(r.outlet_id.as_str()).push(", ").bind(r.shift_id.clone()).push(", ").bind(r.cashier_id.clone());
    sql.push(", ").bind(r.business_date.as_str()).push(", ").bind(r.local_hour).push(", ");
    sql.bind(r.reason.as_str()).push(", ").bind(i64::from(r.restock));
    for v in [r.gross, r.discount_total, r.tax_total, r.rounding, r.total, r.version] {
        sql.push(", ").bind(v);
    }
    sql.push(", ").bind(r.created_at.as_str()).push(", ").bind(r.updated_at.as_str()).push(")");
    sql.query().execute(&mut **tx).await?;
    for chunk in r.items.chunks(crate::sql::rows_per_statement(11)) {
        let mut sql = Sql::new(
            "INSERT INTO refund_items (id, refund_id, tenant_id, sale_item_id, product_id, variant_id, quantity, gross,
                 discount_total, tax_total, total) VALUES ",
        );
        for (i, it) in chunk.iter().enumerate() {
            sql.push(if i == 0 { "(" } else { ", (" });
            sql.bind(it.id.as_str()).push(", ").bind(r.id.as_str()).push(", ").bind(r.tenant_id.as_str()).push(", ");
            sql.bind(it.sale_item_id.as_str()).push(", ").bind(it.product_id.as_str()).push(", ");
            sql.bind(it.variant_id.clone()).push(", ").bind(it.quantity.0);
            for v in [it.gross, it.discount_total, it.tax_total, it.total] {
                sql.push(", ").bind(v);
            }
            sql.push(")");
        }
        sql.query().execute(&mut **tx).await?;
    }
    if !r.payments.is_empty() {
        let mut sql = Sql::new(
            "INSERT INTO refund_payments (id, refund_id, tenant_id, line_no, payment_method_id, method_type, method_name, amount, reference) VALUES ",
        );
        for (i, p) in r.payments.iter().enumerate() {
            sql.push(if i == 0 { "(" } else { ", (" });
            sql.bind(p.id.as_str()).push(", ").bind(r.id.as_str()).push(", ").bind(r.tenant_id.as_str()).push(", ");
            sql.bind(i as i64).push(", ").bind(p.payment_method_id.as_str()).push(", ").bind(p.kind.as_str());
            sql.push(", ")
                .bind(p.name.as_str())
                .push(", ")
                .bind(p.amount)
                .push(", ")
                .bind(p.reference.clone())
                .push(")");
        }
        sql.query().execute(&mut **tx).await?;
    }
    Ok(())
}

/// Records `quantity` more of an item of `sale` refunded, if it was at `before` (false otherwise:
/// another refund got there first).
#[tracing::instrument(skip_all)]
pub async fn add_refunded(
    tx: &mut Tx,
    sale: &Scoped<Sale>,
    sale_item_id: &str,
    before: i64,
    quantity: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE sale_items SET refunded_quantity = refunded_quantity + $1
         WHERE id = $2 AND sale_id = $3 AND refunded_quantity = $4",
    )
    .bind(quantity)
    .bind(sale_item_id)
    .bind(&sale.id)
    .bind(before)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Adds `amount` to the refunded total of `sale`, if it is still at the version it was read at;
/// false otherwise.
#[tracing::instrument(skip_all)]
pub async fn add_to_sale(tx: &mut Tx, sale: &Scoped<Sale>, amount: i64, at: &str) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE sales SET refunded_total = refunded_total + $1, version = version + 1, updated_at = $2
         WHERE id = $3 AND version = $4 AND status = 'completed'",
    )
    .bind(amount)
    .bind(at)
    .bind(&sale.id)
    .bind(sale.version)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

#[derive(sqlx::FromRow)]
struct RefundRow {
    id: String,
    tenant_id: String,
    sale_id: String,
    outlet_id: String,
    shift_id: Option<String>,
    cashier_id: Option<String>,
    business_date: String,
    local_hour: i64,
    reason: String,
    restock: i64,
    gross: i64,
    discount_total: i64,
    tax_total: i64,
    rounding: i64,
    total: i64,
    version: i64,
    created_at: String,
    updated_at: String,
}

/// The refunds of a sale the caller can see, oldest first.
#[tracing::instrument(skip_all)]
pub async fn of_sale(db: &Db, scope: &Scope, sale_id: &str) -> Result<Vec<Refund>> {
    let rows: Vec<RefundRow> = sqlx::query_as(
        "SELECT id, tenant_id, sale_id, outlet_id, shift_id, cashier_id, business_date, local_hour, reason, restock, gross,
                discount_total, tax_total, rounding, total, version, created_at, updated_at
         FROM refunds WHERE tenant_id = $1 AND sale_id = $2 ORDER BY created_at, id",
    )
    .bind(&scope.tenant_id)
    .bind(sale_id)
    .fetch_all(db.reader())
    .await?;
    let rows: Vec<RefundRow> = rows.into_iter().filter(|r| scope.sees_outlet(&r.outlet_id)).collect();
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut items: HashMap<String, Vec<RefundItem>> = HashMap::new();
    let mut sql = Sql::new(
        "SELECT refund_id, id, sale_item_id, product_id, variant_id, quantity, gross, discount_total, tax_total, total
         FROM refund_items WHERE refund_id IN ",
    );
    sql.bind_list(&ids).push(" ORDER BY refund_id, id");
    type ItemRow = (String, String, String, String, Option<String>, i64, i64, i64, i64, i64);
    for (refund_id, id, sale_item_id, product_id, variant_id, q, gross, discount_total, tax_total, total) in
        sql.query_as::<ItemRow>().fetch_all(db.reader()).await?
    {
        items.entry(refund_id).or_default().push(RefundItem {
            id,
            sale_item_id,
            product_id,
            variant_id,
            quantity: Quantity(q),
            gross,
            discount_total,
            tax_total,
            total,
        });
    }
    let mut payments: HashMap<String, Vec<RefundPayment>> = HashMap::new();
    let mut sql = Sql::new(
        "SELECT refund_id, id, payment_method_id, method_type, method_name, amount, reference FROM refund_payments WHERE refund_id IN ",
    );
    sql.bind_list(&ids).push(" ORDER BY refund_id, line_no");
    type PaymentRow = (String, String, String, String, String, i64, Option<String>);
    for (refund_id, id, payment_method_id, kind, name, amount, reference) in
        sql.query_as::<PaymentRow>().fetch_all(db.reader()).await?
    {
        payments.entry(refund_id).or_default().push(RefundPayment {
            id,
            payment_method_id,
            kind,
            name,
            amount,
            reference,
        });
    }
    Ok(rows
        .into_iter()
        .map(|r| Refund {
            items: items.remove(&r.id).unwrap_or_default(),
            payments: payments.remove(&r.id).unwrap_or_default(),
            id: r.id,
            tenant_id: r.tenant_id,
            sale_id: r.sale_id,
            outlet_id: r.outlet_id,
            shift_id: r.shift_id,
            cashier_id: r.cashier_id,
            business_date: r.business_date,
            local_hour: r.local_hour,
            reason: r.reason,
            restock: r.restock != 0,
            gross: r.gross,
            discount_total: r.discount_total,
            tax_total: r.tax_total,
            rounding: r.rounding,
            total: r.total,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
        .collect())
}

/// `(warehouse, product, variant, delta, unit_cost)` of a movement a sale made.
pub type SoldMovement = (String, String, String, i64, Option<i64>);

/// The stock movements `sale` made, to reverse them: `(warehouse, product, variant, delta, unit_cost)`.
#[tracing::instrument(skip_all)]
pub async fn sale_movements(tx: &mut Tx, sale: &Scoped<Sale>) -> Result<Vec<SoldMovement>> {
    Ok(sqlx::query_as(
        "SELECT warehouse_id, product_id, variant_id, quantity_delta, unit_cost FROM stock_movements
         WHERE tenant_id = $1 AND reference_type = 'sale' AND reference_id = $2 ORDER BY id",
    )
    .bind(&sale.tenant_id)
    .bind(&sale.id)
    .fetch_all(&mut **tx)
    .await?)
}
