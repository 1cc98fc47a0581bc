//! Orders: what a table, a takeaway or a delivery asked for, followed through the kitchen
//! (`NEW → ACCEPTED → COOKING → READY → DONE`, or `VOIDED`) and paid by one or more sales.

mod write;

pub use write::{add_paid, insert, insert_items, move_items, next_number, update, Change};

use std::collections::HashMap;

use kasir_domain::Quantity;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{selling::sales::SoldModifier, sql::Sql, Db, Result, Scope, Scoped, StoreError, Tx};

/// One line of an order.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrderItem {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub product_id: String,
    #[schema(format = Uuid)]
    pub variant_id: Option<String>,
    pub name: String,
    #[schema(value_type = f64)]
    pub quantity: Quantity,
    /// Per unit, modifiers excluded.
    pub unit_price: i64,
    pub modifiers: Vec<SoldModifier>,
    pub note: Option<String>,
    /// The kitchen station that prepares it.
    #[schema(format = Uuid)]
    pub station_id: Option<String>,
    /// What the line comes to at catalog prices (the sale that pays it prices it again).
    pub total: i64,
    /// How much of it sales have paid for.
    #[schema(value_type = f64)]
    pub paid_quantity: Quantity,
    pub created_at: String,
}

/// An order as the API serves it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Order {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    #[schema(format = Uuid)]
    pub outlet_id: String,
    #[schema(format = Uuid)]
    pub table_id: Option<String>,
    #[schema(format = Uuid)]
    pub table_session_id: Option<String>,
    pub number: String,
    pub business_date: String,
    /// `dine_in`, `takeaway` or `delivery`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `NEW`, `ACCEPTED`, `COOKING`, `READY`, `DONE` or `VOIDED`.
    pub status: String,
    /// `staff` or `guest` (ordered with a table session).
    pub source: String,
    pub note: Option<String>,
    pub items: Vec<OrderItem>,
    pub total_amount: i64,
    /// Every item is paid for.
    pub paid: bool,
    /// The equal parts it is being paid in (0 when it is not split so).
    pub split_parts: i64,
    /// Equal parts paid so far.
    pub parts_paid: i64,
    #[schema(format = Uuid)]
    pub created_by: Option<String>,
    pub void_reason: Option<String>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}
crate::impl_record!(Order);

#[derive(sqlx::FromRow)]
struct OrderRow {
    id: String,
    tenant_id: String,
    outlet_id: String,
    table_id: Option<String>,
    table_session_id: Option<String>,
    number: String,
    business_date: String,
    #[sqlx(rename = "type")]
    kind: String,
    status: String,
    source: String,
    note: Option<String>,
    total_amount: i64,
    paid: i64,
    split_parts: i64,
    parts_paid: i64,
    created_by: Option<String>,
    void_reason: Option<String>,
    version: i64,
    created_at: String,
    updated_at: String,
}

const COLUMNS: &str =
    "id, tenant_id, outlet_id, table_id, table_session_id, number, business_date, type, status, source,
    note, total_amount, paid, split_parts, parts_paid, created_by, void_reason, version, created_at, updated_at";

/// One visible order with its items, or `NotFound`.
#[tracing::instrument(skip_all)]
pub async fn get(db: &Db, scope: &Scope, id: &str) -> Result<Order> {
    let mut conn = db.reader().acquire().await?;
    get_on(&mut conn, scope, id, false).await
}

/// One visible order inside a write transaction, its row locked on PostgreSQL until commit.
#[tracing::instrument(skip_all)]
pub async fn lock(tx: &mut Tx, scope: &Scope, id: &str) -> Result<Scoped<Order>> {
    let postgres = tx.backend() == crate::Backend::Postgres;
    get_on(tx, scope, id, postgres).await.map(Scoped::new)
}

async fn get_on(conn: &mut sqlx::AnyConnection, scope: &Scope, id: &str, for_update: bool) -> Result<Order> {
    let lock = if for_update { " FOR UPDATE" } else { "" };
    let row: Option<OrderRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM orders WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL{lock}"
    ))
    .bind(&scope.tenant_id)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let row = row.filter(|r| scope.sees_outlet(&r.outlet_id)).ok_or(StoreError::NotFound)?;
    with_items(conn, vec![row], None).await?.pop().ok_or(StoreError::NotFound)
}

/// Filters of `GET /orders`.
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    pub outlet_id: Option<String>,
    pub status: Vec<String>,
    pub table_id: Option<String>,
    pub table_session_id: Option<String>,
    /// Orders with items for this station, those items only.
    pub station_id: Option<String>,
    pub business_date: Option<String>,
}

/// Visible orders matching `f`, oldest first (a kitchen works through them in order), with the total.
#[tracing::instrument(skip_all)]
pub async fn list(db: &Db, scope: &Scope, f: &OrderFilter, page: i64, per_page: i64) -> Result<(Vec<Order>, i64)> {
    let mut filter = Sql::new(" FROM orders o WHERE o.tenant_id = ");
    filter.bind(scope.tenant_id.as_str()).push(" AND o.deleted_at IS NULL");
    if let Some(outlets) = &scope.outlets {
        if outlets.is_empty() {
            filter.push(" AND 1 = 0");
        } else {
            filter.push(" AND o.outlet_id IN ").bind_list(outlets);
        }
    }
    for (col, v) in [
        ("outlet_id", &f.outlet_id),
        ("table_id", &f.table_id),
        ("table_session_id", &f.table_session_id),
        ("business_date", &f.business_date),
    ] {
        if let Some(v) = v {
            filter.push(" AND o.").push(col).push(" = ").bind(v.as_str());
        }
    }
    if !f.status.is_empty() {
        filter.push(" AND o.status IN ").bind_list(&f.status);
    }
    if let Some(st) = &f.station_id {
        filter.push(" AND EXISTS (SELECT 1 FROM order_items i WHERE i.order_id = o.id AND i.station_id = ");
        filter.bind(st.as_str()).push(")");
    }
    let columns = COLUMNS.split(", ").map(|c| format!("o.{}", c.trim())).collect::<Vec<_>>().join(", ");
    let (found, total): (Vec<OrderRow>, i64) = filter.page(db, &columns, "o.created_at, o.id", page, per_page).await?;
    let mut conn = db.reader().acquire().await?;
    Ok((with_items(&mut conn, found, f.station_id.as_deref()).await?, total))
}

#[derive(sqlx::FromRow)]
struct ItemRow {
    id: String,
    order_id: String,
    product_id: String,
    variant_id: Option<String>,
    name: String,
    quantity: i64,
    unit_price: i64,
    modifiers: String,
    note: Option<String>,
    station_id: Option<String>,
    total: i64,
    paid_quantity: i64,
    created_at: String,
}

async fn with_items(conn: &mut sqlx::AnyConnection, rows: Vec<OrderRow>, station: Option<&str>) -> Result<Vec<Order>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut sql = Sql::new(
        "SELECT id, order_id, product_id, variant_id, name, quantity, unit_price, modifiers, note, station_id, total,
                paid_quantity, created_at FROM order_items WHERE order_id IN ",
    );
    sql.bind_list(&ids);
    if let Some(st) = station {
        sql.push(" AND station_id = ").bind(st);
    }
    sql.push(" ORDER BY order_id, created_at, id");
    let mut items: HashMap<String, Vec<OrderItem>> = HashMap::new();
    for r in sql.query_as::<ItemRow>().fetch_all(&mut *conn).await? {
        let modifiers: Vec<SoldModifier> = serde_json::from_str(&r.modifiers)
            .map_err(|e| StoreError::Corrupt(format!("order item modifiers: {e}")))?;
        items.entry(r.order_id).or_default().push(OrderItem {
            id: r.id,
            product_id: r.product_id,
            variant_id: r.variant_id,
            name: r.name,
            quantity: Quantity(r.quantity),
            unit_price: r.unit_price,
            modifiers,
            note: r.note,
            station_id: r.station_id,
            total: r.total,
            paid_quantity: Quantity(r.paid_quantity),
            created_at: r.created_at,
        });
    }
    Ok(rows
        .into_iter()
        .map(|r| Order {
            items: items.remove(&r.id).unwrap_or_default(),
            id: r.id,
            tenant_id: r.tenant_id,
            outlet_id: r.outlet_id,
            table_id: r.table_id,
            table_session_id: r.table_session_id,
            number: r.number,
            business_date: r.business_date,
            kind: r.kind,
            status: r.status,
            source: r.source,
            note: r.note,
            total_amount: r.total_amount,
            paid: r.paid != 0,
            split_parts: r.split_parts,
            parts_paid: r.parts_paid,
            created_by: r.created_by,
            void_reason: r.void_reason,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
        .collect())
}

/// True when something still holds the table: an order other than `except` that is neither
/// voided nor done and paid, or an open, unexpired table session.
#[tracing::instrument(skip_all)]
pub async fn table_busy(tx: &mut Tx, table_id: &str, except: &str) -> Result<bool> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT 1 FROM orders WHERE table_id = $1 AND id <> $2 AND deleted_at IS NULL
           AND status <> 'VOIDED' AND (status <> 'DONE' OR paid = 0)
         UNION ALL
         SELECT 1 FROM table_sessions WHERE table_id = $1 AND status = 'open' AND expires_at > $3 AND deleted_at IS NULL
         LIMIT 1",
    )
    .bind(table_id)
    .bind(except)
    .bind(kasir_domain::time::now())
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.is_some())
}

/// How many guest orders a table session placed after `since`, and when the first of them was.
#[tracing::instrument(skip_all)]
pub async fn session_orders_since(tx: &mut Tx, session_id: &str, since: &str) -> Result<(i64, Option<String>)> {
    Ok(sqlx::query_as(
        "SELECT COUNT(*), MIN(created_at) FROM orders WHERE table_session_id = $1 AND source = 'guest' AND created_at > $2",
    )
    .bind(session_id)
    .bind(since)
    .fetch_one(&mut **tx)
    .await?)
}
