//! Sales as sold: the sale row, its items (names and prices as sold), payments and order-level
//! discounts. A sale is written once, by checkout, and afterwards only its status (a void) and
//! its refunded amounts change; refunds are records of their own (`refunds`).

mod write;

pub use write::{insert_lines_later, insert_numbered, mark_voided};

use std::collections::HashMap;

use kasir_domain::Quantity;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{sql::Sql, Db, Keyset, Result, Scope, Scoped, StoreError, Tx};

/// A modifier option as sold with an item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SoldModifier {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub group_id: String,
    pub name: String,
    pub price: i64,
}

/// One line of a sale.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SaleItem {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub product_id: String,
    #[schema(format = Uuid)]
    pub variant_id: Option<String>,
    /// The product's name (and variant's) as sold.
    pub name: String,
    pub sku: String,
    #[schema(value_type = f64)]
    pub quantity: Quantity,
    /// Price of one unit as sold, modifiers excluded.
    pub unit_price: i64,
    pub modifiers: Vec<SoldModifier>,
    /// `(unit_price + modifiers) × quantity`.
    pub gross: i64,
    /// The line's own discount plus its share of order-level discounts.
    pub discount_total: i64,
    pub tax_total: i64,
    pub tax_rate_bps: i64,
    pub tax_inclusive: bool,
    pub total: i64,
    #[schema(value_type = f64)]
    pub refunded_quantity: Quantity,
    pub note: Option<String>,
    #[serde(skip)]
    #[schema(ignore)]
    pub detail: ItemDetail,
}

/// What the server keeps of an item besides what clients see.
#[derive(Debug, Clone, Default)]
pub struct ItemDetail {
    pub category_id: Option<String>,
    pub line_discount: i64,
    pub order_discount: i64,
    pub tax_id: Option<String>,
    pub unit_cost: i64,
    pub tracks_stock: bool,
}

/// A payment towards a sale.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SalePayment {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub payment_method_id: String,
    /// The method's type (`cash`, `card`, …) when paid.
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
    pub amount: i64,
    pub reference: Option<String>,
}

/// An order-level discount as applied: a promotion, the order discount or a voucher.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SaleDiscount {
    /// `promotion`, `order` or `voucher`.
    pub source: String,
    #[schema(format = Uuid)]
    pub source_id: Option<String>,
    pub name: String,
    pub amount: i64,
}

/// A sale as the API serves it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Sale {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub number: String,
    #[schema(format = Uuid)]
    pub outlet_id: String,
    #[schema(format = Uuid)]
    pub shift_id: String,
    #[schema(format = Uuid)]
    pub cashier_id: String,
    #[schema(format = Uuid)]
    pub customer_id: Option<String>,
    /// `completed` or `voided`.
    pub status: String,
    pub items: Vec<SaleItem>,
    pub subtotal: i64,
    pub discount_total: i64,
    pub tax_total: i64,
    pub rounding: i64,
    pub total: i64,
    pub paid: i64,
    pub change: i64,
    pub refunded_total: i64,
    pub payments: Vec<SalePayment>,
    pub discounts: Vec<SaleDiscount>,
    pub voucher_code: Option<String>,
    /// The order this sale pays (all of it, some items, or an equal part).
    #[schema(format = Uuid)]
    pub order_id: Option<String>,
    pub note: Option<String>,
    pub void_reason: Option<String>,
    pub voided_at: Option<String>,
    #[schema(format = Uuid)]
    pub voided_by: Option<String>,
    pub business_date: String,
    /// Rung up on a till while it was offline and pushed later: kept at the prices it was rung at.
    pub offline: bool,
    /// The sale took some product's stock below zero (allowed for offline sales, and where the
    /// outlet allows negative stock).
    pub stock_negative: bool,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
    #[serde(skip)]
    #[schema(ignore)]
    pub local_hour: i64,
    #[serde(skip)]
    #[schema(ignore)]
    pub void_shift_id: Option<String>,
    #[serde(skip)]
    #[schema(ignore)]
    pub voucher_id: Option<String>,
}
crate::impl_record!(Sale);

#[derive(sqlx::FromRow)]
struct SaleRow {
    id: String,
    tenant_id: String,
    outlet_id: String,
    shift_id: String,
    cashier_id: String,
    customer_id: Option<String>,
    number: String,
    business_date: String,
    local_hour: i64,
    status: String,
    subtotal: i64,
    discount_total: i64,
    tax_total: i64,
    rounding: i64,
    total: i64,
    paid: i64,
    change_given: i64,
    refunded_total: i64,
    voucher_id: Option<String>,
    voucher_code: Option<String>,
    order_id: Option<String>,
    note: Option<String>,
    void_reason: Option<String>,
    voided_at: Option<String>,
    voided_by: Option<String>,
    void_shift_id: Option<String>,
    offline: i64,
    stock_negative: i64,
    version: i64,
    created_at: String,
    updated_at: String,
}

const SALE_COLUMNS: &str = "id, tenant_id, outlet_id, shift_id, cashier_id, customer_id, number, business_date, local_hour, status,
    subtotal, discount_total, tax_total, rounding, total, paid, change_given, refunded_total, voucher_id, voucher_code, order_id, note,
    void_reason, voided_at, voided_by, void_shift_id, offline, stock_negative, version, created_at, updated_at";

#[derive(sqlx::FromRow)]
struct ItemRow {
    id: String,
    sale_id: String,
    product_id: String,
    variant_id: Option<String>,
    category_id: Option<String>,
    name: String,
    sku: String,
    quantity: i64,
    unit_price: i64,
    modifiers: String,
    gross: i64,
    line_discount: i64,
    order_discount: i64,
    discount_total: i64,
    tax_id: Option<String>,
    tax_rate_bps: i64,
    tax_inclusive: i64,
    tax_total: i64,
    total: i64,
    unit_cost: i64,
    tracks_stock: i64,
    refunded_quantity: i64,
    note: Option<String>,
}

/// Filters of `GET /sales`.
#[derive(Debug, Clone, Default)]
pub struct SaleFilter {
    pub outlet_id: Option<String>,
    /// Business dates, inclusive.
    pub from: Option<String>,
    pub to: Option<String>,
    pub status: Option<String>,
    pub customer_id: Option<String>,
    pub shift_id: Option<String>,
}

/// One visible sale, or `NotFound`.
#[tracing::instrument(skip_all)]
pub async fn get(db: &Db, scope: &Scope, id: &str) -> Result<Sale> {
    let mut conn = db.reader().acquire().await?;
    get_on(&mut conn, scope, id).await
}

/// One visible sale inside a write transaction, its row locked on PostgreSQL until commit, so
/// that voids and refunds of one sale take turns and each sees what the one before it did.
#[tracing::instrument(skip_all)]
pub async fn lock(tx: &mut Tx, scope: &Scope, id: &str) -> Result<Scoped<Sale>> {
    if tx.backend() == crate::Backend::Postgres {
        sqlx::query("SELECT id FROM sales WHERE tenant_id = $1 AND id = $2 FOR UPDATE")
            .bind(&scope.tenant_id)
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    get_on(tx, scope, id).await.map(Scoped::new)
}

/// One visible sale inside a write transaction (sees the transaction's writes).
#[tracing::instrument(skip_all)]
pub async fn get_in(tx: &mut Tx, scope: &Scope, id: &str) -> Result<Sale> {
    get_on(tx, scope, id).await
}

async fn get_on(conn: &mut sqlx::AnyConnection, scope: &Scope, id: &str) -> Result<Sale> {
    let row: Option<SaleRow> =
        sqlx::query_as(&format!("SELECT {SALE_COLUMNS} FROM sales WHERE tenant_id = $1 AND id = $2"))
            .bind(&scope.tenant_id)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    let row = row.filter(|r| scope.sees_outlet(&r.outlet_id)).ok_or(StoreError::NotFound)?;
    let mut sales = with_children(conn, vec![row]).await?;
    sales.pop().ok_or(StoreError::NotFound)
}

/// Visible sales matching `f`, newest first, with the total.
#[tracing::instrument(skip_all)]
pub async fn list(db: &Db, scope: &Scope, f: &SaleFilter, page: i64, per_page: i64) -> Result<(Vec<Sale>, i64)> {
    let (found, total): (Vec<SaleRow>, i64) =
        matching(scope, f).page(db, SALE_COLUMNS, "created_at DESC, id DESC", page, per_page).await?;
    let mut conn = db.reader().acquire().await?;
    Ok((with_children(&mut conn, found).await?, total))
}

/// Visible sales matching `f`, newest first, after `after` (keyset paging), and where the next
/// page begins.
#[tracing::instrument(skip_all)]
pub async fn list_after(
    db: &Db,
    scope: &Scope,
    f: &SaleFilter,
    after: Option<&Keyset>,
    per_page: i64,
) -> Result<(Vec<Sale>, Option<Keyset>)> {
    let (found, more): (Vec<SaleRow>, bool) =
        matching(scope, f).newest_after(db, SALE_COLUMNS, ("created_at", "id"), after, per_page).await?;
    let next = found.last().filter(|_| more).map(|r| Keyset::newest(&r.created_at, &r.id));
    let mut conn = db.reader().acquire().await?;
    Ok((with_children(&mut conn, found).await?, next))
}

/// `FROM sales WHERE …`: the visible sales matching `f`.
fn matching(scope: &Scope, f: &SaleFilter) -> Sql {
    let mut filter = Sql::new(" FROM sales WHERE tenant_id = ");
    filter.bind(scope.tenant_id.as_str());
    if let Some(outlets) = &scope.outlets {
        if outlets.is_empty() {
            filter.push(" AND 1 = 0");
        } else {
            filter.push(" AND outlet_id IN ").bind_list(outlets);
        }
    }
    for (col, value) in
        [("outlet_id", &f.outlet_id), ("status", &f.status), ("customer_id", &f.customer_id), ("shift_id", &f.shift_id)]
    {
        if let Some(v) = value {
            filter.push(" AND ").push(col).push(" = ").bind(v.as_str());
        }
    }
    if let Some(from) = &f.from {
        filter.push(" AND business_date >= ").bind(from.as_str());
    }
    if let Some(to) = &f.to {
        filter.push(" AND business_date <= ").bind(to.as_str());
    }
    filter
}

/// Attaches items, payments and discounts to sale rows (three queries for the lot).
async fn with_children(conn: &mut sqlx::AnyConnection, rows: Vec<SaleRow>) -> Result<Vec<Sale>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut items: HashMap<String, Vec<SaleItem>> = HashMap::new();
    let mut sql = Sql::new(
        "SELECT id, sale_id, product_id, variant_id, category_id, name, sku, quantity, unit_price, modifiers, gross,
                line_discount, order_discount, discount_total, tax_id, tax_rate_bps, tax_inclusive, tax_total, total,
                unit_cost, tracks_stock, refunded_quantity, note
         FROM sale_items WHERE sale_id IN ",
    );
    sql.bind_list(&ids).push(" ORDER BY sale_id, line_no");
    for r in sql.query_as::<ItemRow>().fetch_all(&mut *conn).await? {
        let modifiers: Vec<SoldModifier> =
            serde_json::from_str(&r.modifiers).map_err(|e| StoreError::Corrupt(format!("sale item modifiers: {e}")))?;
        items.entry(r.sale_id).or_default().push(SaleItem {
            id: r.id,
            product_id: r.product_id,
            variant_id: r.variant_id,
            name: r.name,
            sku: r.sku,
            quantity: Quantity(r.quantity),
            unit_price: r.unit_price,
            modifiers,
            gross: r.gross,
            discount_total: r.discount_total,
            tax_total: r.tax_total,
            tax_rate_bps: r.tax_rate_bps,
            tax_inclusive: r.tax_inclusive != 0,
            total: r.total,
            refunded_quantity: Quantity(r.refunded_quantity),
            note: r.note,
            detail: ItemDetail {
                category_id: r.category_id,
                line_discount: r.line_discount,
                order_discount: r.order_discount,
                tax_id: r.tax_id,
                unit_cost: r.unit_cost,
                tracks_stock: r.tracks_stock != 0,
            },
        });
    }
    let mut payments: HashMap<String, Vec<SalePayment>> = HashMap::new();
    let mut sql = Sql::new(
        "SELECT id, sale_id, payment_method_id, method_type, method_name, amount, reference FROM sale_payments WHERE sale_id IN ",
    );
    sql.bind_list(&ids).push(" ORDER BY sale_id, line_no");
    type PaymentRow = (String, String, String, String, String, i64, Option<String>);
    for (id, sale_id, payment_method_id, kind, name, amount, reference) in
        sql.query_as::<PaymentRow>().fetch_all(&mut *conn).await?
    {
        payments.entry(sale_id).or_default().push(SalePayment { id, payment_method_id, kind, name, amount, reference });
    }
    let mut discounts: HashMap<String, Vec<SaleDiscount>> = HashMap::new();
    let mut sql = Sql::new("SELECT sale_id, source, source_id, name, amount FROM sale_discounts WHERE sale_id IN ");
    sql.bind_list(&ids).push(" ORDER BY sale_id, line_no");
    type DiscountRow = (String, String, Option<String>, String, i64);
    for (sale_id, source, source_id, name, amount) in sql.query_as::<DiscountRow>().fetch_all(&mut *conn).await? {
        discounts.entry(sale_id).or_default().push(SaleDiscount { source, source_id, name, amount });
    }
    Ok(rows
        .into_iter()
        .map(|r| Sale {
            items: items.remove(&r.id).unwrap_or_default(),
            payments: payments.remove(&r.id).unwrap_or_default(),
            discounts: discounts.remove(&r.id).unwrap_or_default(),
            id: r.id,
            tenant_id: r.tenant_id,
            number: r.number,
            outlet_id: r.outlet_id,
            shift_id: r.shift_id,
            cashier_id: r.cashier_id,
            customer_id: r.customer_id,
            status: r.status,
            subtotal: r.subtotal,
            discount_total: r.discount_total,
            tax_total: r.tax_total,
            rounding: r.rounding,
            total: r.total,
            paid: r.paid,
            change: r.change_given,
            refunded_total: r.refunded_total,
            voucher_code: r.voucher_code,
            order_id: r.order_id,
            note: r.note,
            void_reason: r.void_reason,
            voided_at: r.voided_at,
            voided_by: r.voided_by,
            business_date: r.business_date,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
            local_hour: r.local_hour,
            void_shift_id: r.void_shift_id,
            offline: r.offline != 0,
            stock_negative: r.stock_negative != 0,
            voucher_id: r.voucher_id,
        })
        .collect())
}
