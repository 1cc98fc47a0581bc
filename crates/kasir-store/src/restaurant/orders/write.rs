//! Writing orders: numbering and inserting one with its items, and the changes made to it later
//! (status, table, totals, what is paid, merged items).

use crate::{sql::Sql, tenancy::outlets::Outlet, Result, Scoped, Tx};

use super::*;

/// Takes the next order number of an outlet's business date.
#[tracing::instrument(skip_all)]
pub async fn next_number(tx: &mut Tx, outlet: &Scoped<Outlet>, business_date: &str) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as(
        "INSERT INTO order_numbers (outlet_id, business_date, last) VALUES ($1, $2, 1)
         ON CONFLICT (outlet_id, business_date) DO UPDATE SET last = order_numbers.last + 1 RETURNING last",
    )
    .bind(&outlet.id)
    .bind(business_date)
    .fetch_one(&mut **tx)
    .await?;
    Ok(n)
}

/// Writes a new order row (its items with [`insert_items`]).
#[tracing::instrument(skip_all)]
pub async fn insert(tx: &mut Tx, o: &Order) -> Result<()> {
    let mut sql = Sql::new(
        "INSERT INTO orders (id, tenant_id, outlet_id, table_id, table_session_id, number, business_date, type, status,
             source, note, total_amount, paid, split_parts, parts_paid, created_by, version, created_at, updated_at) VALUES (",
    );
    sql.bind(o.id.as_str()).push(", ").bind(o.tenant_id.as_str()).push(", ").bind(o.outlet_id.as_str()).push(", ");
    sql.bind(o.table_id.clone()).push(", ").bind(o.table_session_id.clone()).push(", ").bind(o.number.as_str());
    sql.push(", ").bind(o.business_date.as_str()).push(", ").bind(o.kind.as_str()).push(", ");
    sql.bind(o.status.as_str()).push(", ").bind(o.source.as_str()).push(", ").bind(o.note.clone()).push(", ");
    sql.bind(o.total_amount).push(", ").bind(i64::from(o.paid)).push(", ").bind(o.split_parts).push(", ");
    sql.bind(o.parts_paid).push(", ");
    sql.bind(o.created_by.clone()).push(", ").bind(o.version).push(", ").bind(o.created_at.as_str()).push(", ");
    sql.bind(o.updated_at.as_str()).push(")");
    sql.query().execute(&mut **tx).await?;
    Ok(())
}

/// Writes items of an order.
#[tracing::instrument(skip_all)]
pub async fn insert_items(tx: &mut Tx, tenant_id: &str, order_id: &str, items: &[OrderItem]) -> Result<()> {
    for chunk in items.chunks(crate::sql::rows_per_statement(14)) {
        let mut sql = Sql::new(
            "INSERT INTO order_items (id, order_id, tenant_id, product_id, variant_id, name, quantity, unit_price,
                 modifiers, note, station_id, total, paid_quantity, created_at) VALUES ",
        );
        for (i, it) in chunk.iter().enumerate() {
            sql.push(if i == 0 { "(" } else { ", (" });
            sql.bind(it.id.as_str()).push(", ").bind(order_id).push(", ").bind(tenant_id).push(", ");
            sql.bind(it.product_id.as_str()).push(", ").bind(it.variant_id.clone()).push(", ");
            sql.bind(it.name.as_str()).push(", ").bind(it.quantity.0).push(", ").bind(it.unit_price).push(", ");
            sql.bind(crate::Value::json(&it.modifiers)).push(", ").bind(it.note.clone()).push(", ");
            sql.bind(it.station_id.clone()).push(", ").bind(it.total).push(", ").bind(it.paid_quantity.0).push(", ");
            sql.bind(it.created_at.as_str()).push(")");
        }
        sql.query().execute(&mut **tx).await?;
    }
    Ok(())
}

/// What an order update changes (unset fields stay as they are).
#[derive(Debug, Clone, Default)]
pub struct Change<'a> {
    pub status: Option<&'a str>,
    pub void_reason: Option<&'a str>,
    pub table_id: Option<Option<&'a str>>,
    pub total_amount: Option<i64>,
    pub paid: Option<bool>,
    pub split_parts: Option<i64>,
    pub parts_paid: Option<i64>,
}

/// Applies `c` to `order`; false when it changed since it was read.
#[tracing::instrument(skip_all)]
pub async fn update(tx: &mut Tx, order: &Scoped<Order>, c: &Change<'_>) -> Result<bool> {
    let mut sql = Sql::new("UPDATE orders SET version = version + 1, updated_at = ");
    sql.bind(kasir_domain::time::now());
    if let Some(s) = c.status {
        sql.push(", status = ").bind(s);
    }
    if let Some(r) = c.void_reason {
        sql.push(", void_reason = ").bind(r);
    }
    if let Some(t) = c.table_id {
        sql.push(", table_id = ").bind(t.map(str::to_string));
    }
    if let Some(v) = c.total_amount {
        sql.push(", total_amount = ").bind(v);
    }
    if let Some(p) = c.paid {
        sql.push(", paid = ").bind(i64::from(p));
    }
    if let Some(p) = c.split_parts {
        sql.push(", split_parts = ").bind(p);
    }
    if let Some(p) = c.parts_paid {
        sql.push(", parts_paid = ").bind(p);
    }
    sql.push(" WHERE id = ").bind(order.id.as_str()).push(" AND version = ").bind(order.version);
    Ok(sql.query().execute(&mut **tx).await?.rows_affected() == 1)
}

/// Records `quantity` more of an item of `order` paid, if it was at `before`.
#[tracing::instrument(skip_all)]
pub async fn add_paid(tx: &mut Tx, order: &Scoped<Order>, item_id: &str, before: i64, quantity: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE order_items SET paid_quantity = paid_quantity + $1 WHERE id = $2 AND order_id = $3 AND paid_quantity = $4",
    )
    .bind(quantity)
    .bind(item_id)
    .bind(&order.id)
    .bind(before)
            .execute(&mut **tx)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// Moves every item of order `from` to order `into` (merging two orders).
#[tracing::instrument(skip_all)]
pub async fn move_items(tx: &mut Tx, from: &Scoped<Order>, into: &Scoped<Order>) -> Result<()> {
    sqlx::query("UPDATE order_items SET order_id = $1 WHERE order_id = $2")
        .bind(&into.id)
        .bind(&from.id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
