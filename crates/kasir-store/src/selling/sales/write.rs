//! Writing a sale: numbered per outlet and business date, with its lines; and marking it voided.

use crate::{sql::Sql, Batch, Result, Scoped, Tx};

use super::*;

/// Sends `writes` (the sale's lines, its stock movements), then takes the sale's number
/// (`K01-20261121-0001`: the outlet's code, the business date, the day's count) and writes the
/// sale row with it, setting `sale.number`: one call to the database. The outlet's counter row is
/// held from here until commit, so checkouts do this last. On PostgreSQL the call is one
/// statement of `WITH` parts; on SQLite a few statements run in order.
#[tracing::instrument(skip_all, fields(writes = %writes.tables()))]
pub async fn insert_numbered(tx: &mut Tx, sale: &mut Sale, outlet_code: &str, writes: Batch) -> Result<()> {
    let prefix = format!("{outlet_code}-{}-", sale.business_date.replace('-', ""));
    // A sale of very many lines: its writes go first, on their own.
    let writes = if writes.args() + 64 > crate::sql::MAX_BATCH_ARGS {
        writes.execute(tx).await?;
        Batch::default()
    } else {
        writes
    };
    let mut sql;
    if tx.backend() == crate::Backend::Postgres {
        sql = Sql::new("WITH ");
        if !writes.is_empty() {
            writes.push_parts(&mut sql);
            sql.push(", ");
        }
        sql.push("n AS (INSERT INTO sale_numbers (outlet_id, business_date, last) VALUES (");
        sql.bind(sale.outlet_id.as_str()).push(", ").bind(sale.business_date.as_str());
        sql.push(
            ", 1) ON CONFLICT (outlet_id, business_date) DO UPDATE SET last = sale_numbers.last + 1 RETURNING last) ",
        );
        // `lpad` as Rust's `{:04}`, never cutting.
        let count = "CASE WHEN n.last < 10000 THEN lpad(CAST(n.last AS TEXT), 4, '0') ELSE CAST(n.last AS TEXT) END";
        push_row(&mut sql, sale, &prefix, count);
        sql.push(" FROM n");
    } else {
        // One writer: the counter just written is the one read back in the same call.
        sql = Sql::new("");
        writes.push_statements(&mut sql);
        sql.push("INSERT INTO sale_numbers (outlet_id, business_date, last) VALUES (");
        sql.bind(sale.outlet_id.as_str()).push(", ").bind(sale.business_date.as_str());
        sql.push(", 1) ON CONFLICT (outlet_id, business_date) DO UPDATE SET last = sale_numbers.last + 1; ");
        push_row(&mut sql, sale, &prefix, "printf('%04d', n.last)");
        sql.push(" FROM sale_numbers n WHERE n.outlet_id = ").bind(sale.outlet_id.as_str());
        sql.push(" AND n.business_date = ").bind(sale.business_date.as_str());
    }
    sql.push(" RETURNING number");
    // `fetch_all`: every statement of an SQLite call runs; only the last returns a row.
    let rows: Vec<(String,)> = sql.query_as().fetch_all(&mut **tx).await?;
    let (number,) = rows
        .into_iter()
        .last()
        .ok_or_else(|| crate::StoreError::Corrupt("a sale written without its number".into()))?;
    sale.number = number;
    Ok(())
}

/// `INSERT INTO sales … SELECT …` of the sale row, its number `prefix` and then `count`, SQL
/// over the counter row `n` that the caller's `FROM` names.
fn push_row(sql: &mut Sql, sale: &Sale, prefix: &str, count: &str) {
    sql.push(
        "INSERT INTO sales (id, tenant_id, outlet_id, shift_id, cashier_id, customer_id, number, business_date, local_hour,
             status, subtotal, discount_total, tax_total, rounding, total, paid, change_given, refunded_total,
             voucher_id, voucher_code, order_id, note, offline, stock_negative, version, created_at, updated_at) SELECT ",
    );
    sql.bind(sale.id.as_str()).push(", ").bind(sale.tenant_id.as_str()).push(", ");
    sql.bind(sale.outlet_id.as_str()).push(", ").bind(sale.shift_id.as_str()).push(", ");
    sql.bind(sale.cashier_id.as_str()).push(", ").bind(sale.customer_id.clone()).push(", ");
    sql.bind(prefix).push(" || ").push(count);
    sql.push(", ").bind(sale.business_date.as_str()).push(", ");
    sql.bind(sale.local_hour).push(", ").bind(sale.status.as_str()).push(", ");
    for v in [sale.subtotal, sale.discount_total, sale.tax_total, sale.rounding, sale.total, sale.paid, sale.change] {
        sql.bind(v).push(", ");
    }
    sql.bind(sale.refunded_total).push(", ").bind(sale.voucher_id.clone()).push(", ");
    sql.bind(sale.voucher_code.clone()).push(", ").bind(sale.order_id.clone()).push(", ");
    sql.bind(sale.note.clone()).push(", ").bind(i64::from(sale.offline)).push(", ");
    sql.bind(i64::from(sale.stock_negative)).push(", ").bind(sale.version).push(", ");
    sql.bind(sale.created_at.as_str()).push(", ").bind(sale.updated_at.as_str());
}

/// Leaves the inserts of a sale's items, payments and discounts (one statement per table) in
/// `later`, for the caller to send with its other writes before the sale row ([`insert_numbered`]);
/// the lines' references to the sale are checked at commit.
pub fn insert_lines_later(sale: &Sale, later: &mut Batch) {
    for (chunk_no, chunk) in sale.items.chunks(crate::sql::rows_per_statement(26)).enumerate() {
        let mut sql = Sql::new(
            "INSERT INTO sale_items (id, sale_id, tenant_id, line_no, product_id, variant_id, category_id, name, sku,
                 quantity, unit_price, modifiers, gross, line_discount, order_discount, discount_total, tax_id,
                 tax_rate_bps, tax_inclusive, tax_total, total, unit_cost, tracks_stock, refunded_quantity, note) VALUES ",
        );
        for (i, it) in chunk.iter().enumerate() {
            let line_no = (chunk_no * crate::sql::rows_per_statement(26) + i) as i64;
            let d = &it.detail;
            sql.push(if i == 0 { "(" } else { ", (" });
            sql.bind(it.id.as_str()).push(", ").bind(sale.id.as_str()).push(", ");
            sql.bind(sale.tenant_id.as_str()).push(", ").bind(line_no).push(", ");
            sql.bind(it.product_id.as_str()).push(", ").bind(it.variant_id.clone()).push(", ");
            sql.bind(d.category_id.clone()).push(", ").bind(it.name.as_str()).push(", ");
            sql.bind(it.sku.as_str()).push(", ").bind(it.quantity.0).push(", ").bind(it.unit_price).push(", ");
            sql.bind(crate::Value::json(&it.modifiers)).push(", ").bind(it.gross).push(", ");
            sql.bind(d.line_discount).push(", ").bind(d.order_discount).push(", ").bind(it.discount_total).push(", ");
            sql.bind(d.tax_id.clone()).push(", ").bind(it.tax_rate_bps).push(", ");
            sql.bind(i64::from(it.tax_inclusive)).push(", ").bind(it.tax_total).push(", ").bind(it.total).push(", ");
            sql.bind(d.unit_cost).push(", ").bind(i64::from(d.tracks_stock)).push(", ");
            sql.bind(it.refunded_quantity.0).push(", ").bind(it.note.clone()).push(")");
        }
        later.add(sql);
    }
    if !sale.payments.is_empty() {
        let mut sql = Sql::new(
            "INSERT INTO sale_payments (id, sale_id, tenant_id, line_no, payment_method_id, method_type, method_name, amount, reference) VALUES ",
        );
        for (i, p) in sale.payments.iter().enumerate() {
            sql.push(if i == 0 { "(" } else { ", (" });
            sql.bind(p.id.as_str()).push(", ").bind(sale.id.as_str()).push(", ").bind(sale.tenant_id.as_str());
            sql.push(", ").bind(i as i64).push(", ").bind(p.payment_method_id.as_str()).push(", ");
            sql.bind(p.kind.as_str()).push(", ").bind(p.name.as_str()).push(", ").bind(p.amount).push(", ");
            sql.bind(p.reference.clone()).push(")");
        }
        later.add(sql);
    }
    if !sale.discounts.is_empty() {
        let mut sql = Sql::new(
            "INSERT INTO sale_discounts (sale_id, tenant_id, line_no, source, source_id, name, amount) VALUES ",
        );
        for (i, d) in sale.discounts.iter().enumerate() {
            sql.push(if i == 0 { "(" } else { ", (" });
            sql.bind(sale.id.as_str()).push(", ").bind(sale.tenant_id.as_str()).push(", ").bind(i as i64);
            sql.push(", ").bind(d.source.as_str()).push(", ").bind(d.source_id.clone()).push(", ");
            sql.bind(d.name.as_str()).push(", ").bind(d.amount).push(")");
        }
        later.add(sql);
    }
}

/// Marks a completed sale voided (only if it still is completed; false otherwise).
#[tracing::instrument(skip_all)]
pub async fn mark_voided(
    tx: &mut Tx,
    sale: &Scoped<Sale>,
    reason: &str,
    void_shift_id: &str,
    by: Option<&str>,
    at: &str,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE sales SET status = 'voided', void_reason = $1, voided_at = $2, voided_by = $3, void_shift_id = $4,
             version = version + 1, updated_at = $2
         WHERE id = $5 AND status = 'completed' AND version = $6",
    )
    .bind(reason)
    .bind(at)
    .bind(by)
    .bind(void_shift_id)
    .bind(&sale.id)
    .bind(sale.version)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}
