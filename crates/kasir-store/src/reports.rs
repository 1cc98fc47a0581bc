//! Sales figures by business date (the outlet-local date each sale and refund carries): the
//! dashboard's summary and the sales report grouped by day, outlet, cashier, product or category.
//!
//! Sales count when completed (a voided sale counts only under `void_*`); refunds count on their
//! own business date. `tax_total` is the tax of the sales less the tax given back by refunds.

use kasir_domain::Quantity;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    sql::{sum, Sql},
    Db, Result, Scope,
};

/// Which sales a report covers.
#[derive(Debug, Clone)]
pub struct Period {
    /// Business dates, inclusive.
    pub from: String,
    pub to: String,
    pub outlet_id: Option<String>,
}

/// How a sales report groups its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Day,
    Outlet,
    Cashier,
    Product,
    Category,
}

impl GroupBy {
    pub fn parse(s: &str) -> Option<GroupBy> {
        Some(match s {
            "day" => GroupBy::Day,
            "outlet" => GroupBy::Outlet,
            "cashier" => GroupBy::Cashier,
            "product" => GroupBy::Product,
            "category" => GroupBy::Category,
            _ => return None,
        })
    }
}

/// One row of a sales report.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ReportRow {
    /// The day (`2026-11-21`), or the id of the outlet, cashier, product or category (null:
    /// products without a category).
    pub key: Option<String>,
    pub label: String,
    /// Completed sales (for products and categories: the sales that include them).
    pub sales_count: i64,
    /// Units sold (products and categories only).
    #[schema(value_type = Option<f64>)]
    pub quantity: Option<Quantity>,
    pub gross_sales: i64,
    pub discount_total: i64,
    pub tax_total: i64,
    /// What the sales came to (for products and categories: their lines, before cash rounding).
    pub total: i64,
    pub refund_total: i64,
    /// `total − refund_total`.
    pub net_sales: i64,
}

/// A best-selling product.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProductAmount {
    #[schema(format = Uuid)]
    pub product_id: String,
    pub name: String,
    #[schema(value_type = f64)]
    pub quantity: Quantity,
    pub total: i64,
}

/// Sales in one outlet-local hour of the day.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HourAmount {
    /// 0 to 23.
    pub hour: i64,
    pub sales_count: i64,
    pub total: i64,
}

/// `GET /dashboard/summary`.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct Summary {
    pub from: String,
    pub to: String,
    pub sales_count: i64,
    pub gross_sales: i64,
    pub discount_total: i64,
    pub refund_count: i64,
    pub refund_total: i64,
    /// What completed sales came to, less refunds.
    pub net_sales: i64,
    pub tax_total: i64,
    /// What a completed sale came to on average (half up).
    pub average_sale: i64,
    pub void_count: i64,
    pub void_total: i64,
    pub by_payment_method: Vec<crate::selling::shift_report::MethodTotal>,
    /// The ten products that sold for most.
    pub top_products: Vec<ProductAmount>,
    /// Hours with sales, in order.
    pub by_hour: Vec<HourAmount>,
}

/// Appends the tenant, visible-outlet, outlet and date conditions for table alias `t`.
fn push_period(sql: &mut Sql, t: &str, scope: &Scope, p: &Period) {
    sql.push(&format!(" WHERE {t}.tenant_id = ")).bind(scope.tenant_id.as_str());
    sql.push(&format!(" AND {t}.business_date >= ")).bind(p.from.as_str());
    sql.push(&format!(" AND {t}.business_date <= ")).bind(p.to.as_str());
    if let Some(o) = &p.outlet_id {
        sql.push(&format!(" AND {t}.outlet_id = ")).bind(o.as_str());
    }
    if let Some(outlets) = &scope.outlets {
        if outlets.is_empty() {
            sql.push(" AND 1 = 0");
        } else {
            sql.push(&format!(" AND {t}.outlet_id IN ")).bind_list(outlets);
        }
    }
}

/// The dashboard's figures for a period.
#[tracing::instrument(skip_all)]
pub async fn summary(db: &Db, scope: &Scope, p: &Period) -> Result<Summary> {
    let b = db.backend();
    let mut sql = Sql::new(format!(
        "SELECT COUNT(*), {}, {}, {}, {} FROM sales s",
        sum(b, "s.subtotal"),
        sum(b, "s.discount_total"),
        sum(b, "s.tax_total"),
        sum(b, "s.total")
    ));
    push_period(&mut sql, "s", scope, p);
    sql.push(" AND s.status = 'completed'");
    let (count, gross, discount, tax, total): (i64, i64, i64, i64, i64) = sql.query_as().fetch_one(db.reader()).await?;
    let mut sql = Sql::new(format!("SELECT COUNT(*), {} FROM sales s", sum(b, "s.total")));
    push_period(&mut sql, "s", scope, p);
    sql.push(" AND s.status = 'voided'");
    let (void_count, void_total): (i64, i64) = sql.query_as().fetch_one(db.reader()).await?;
    let mut sql = Sql::new(format!("SELECT COUNT(*), {}, {} FROM refunds r", sum(b, "r.total"), sum(b, "r.tax_total")));
    push_period(&mut sql, "r", scope, p);
    let (refund_count, refund_total, refund_tax): (i64, i64, i64) = sql.query_as().fetch_one(db.reader()).await?;

    let mut sql = Sql::new(format!(
        "SELECT pm.payment_method_id, pm.method_name, pm.method_type, {} FROM sale_payments pm JOIN sales s ON s.id = pm.sale_id",
        sum(b, "pm.amount")
    ));
    push_period(&mut sql, "s", scope, p);
    sql.push(" AND s.status = 'completed' GROUP BY pm.payment_method_id, pm.method_name, pm.method_type");
    let paid: Vec<(String, String, String, i64)> = sql.query_as().fetch_all(db.reader()).await?;
    let mut sql = Sql::new(format!("SELECT {} FROM sales s", sum(b, "s.change_given")));
    push_period(&mut sql, "s", scope, p);
    sql.push(" AND s.status = 'completed'");
    let (change,): (i64,) = sql.query_as().fetch_one(db.reader()).await?;
    let mut sql = Sql::new(format!(
        "SELECT pm.payment_method_id, pm.method_name, pm.method_type, {} FROM refund_payments pm JOIN refunds r ON r.id = pm.refund_id",
        sum(b, "pm.amount")
    ));
    push_period(&mut sql, "r", scope, p);
    sql.push(" GROUP BY pm.payment_method_id, pm.method_name, pm.method_type");
    let refunded: Vec<(String, String, String, i64)> = sql.query_as().fetch_all(db.reader()).await?;
    let methods = crate::selling::shift_report::tally(&paid, change, &refunded, 0);

    let mut sql = Sql::new(format!(
        "SELECT i.product_id, MAX(i.name), {}, {} FROM sale_items i JOIN sales s ON s.id = i.sale_id",
        sum(b, "i.quantity"),
        sum(b, "i.total")
    ));
    push_period(&mut sql, "s", scope, p);
    sql.push(&format!(
        " AND s.status = 'completed' GROUP BY i.product_id ORDER BY {} DESC, i.product_id LIMIT 10",
        sum(b, "i.total")
    ));
    let top: Vec<(String, String, i64, i64)> = sql.query_as().fetch_all(db.reader()).await?;
    let mut sql = Sql::new(format!("SELECT s.local_hour, COUNT(*), {} FROM sales s", sum(b, "s.total")));
    push_period(&mut sql, "s", scope, p);
    sql.push(" AND s.status = 'completed' GROUP BY s.local_hour ORDER BY s.local_hour");
    let hours: Vec<(i64, i64, i64)> = sql.query_as().fetch_all(db.reader()).await?;
    Ok(Summary {
        from: p.from.clone(),
        to: p.to.clone(),
        sales_count: count,
        gross_sales: gross,
        discount_total: discount,
        refund_count,
        refund_total,
        net_sales: total - refund_total,
        tax_total: tax - refund_tax,
        average_sale: if count == 0 { 0 } else { (2 * total + count) / (2 * count) },
        void_count,
        void_total,
        by_payment_method: methods,
        top_products: top
            .into_iter()
            .map(|(product_id, name, q, total)| ProductAmount { product_id, name, quantity: Quantity(q), total })
            .collect(),
        by_hour: hours.into_iter().map(|(hour, sales_count, total)| HourAmount { hour, sales_count, total }).collect(),
    })
}

/// The sales report for a period, one row per group, ordered by key.
#[tracing::instrument(skip_all)]
pub async fn sales(db: &Db, scope: &Scope, p: &Period, by: GroupBy) -> Result<Vec<ReportRow>> {
    let b = db.backend();
    let mut rows: Vec<ReportRow> = match by {
        GroupBy::Day | GroupBy::Outlet | GroupBy::Cashier => {
            let col = match by {
                GroupBy::Day => "business_date",
                GroupBy::Outlet => "outlet_id",
                _ => "cashier_id",
            };
            let mut sql = Sql::new(format!(
                "SELECT s.{col}, COUNT(*), {}, {}, {}, {} FROM sales s",
                sum(b, "s.subtotal"),
                sum(b, "s.discount_total"),
                sum(b, "s.tax_total"),
                sum(b, "s.total")
            ));
            push_period(&mut sql, "s", scope, p);
            sql.push(&format!(" AND s.status = 'completed' GROUP BY s.{col}"));
            let found: Vec<(Option<String>, i64, i64, i64, i64, i64)> = sql.query_as().fetch_all(db.reader()).await?;
            let mut rows: Vec<ReportRow> = found
                .into_iter()
                .map(|(key, n, gross, discount, tax, total)| ReportRow {
                    label: key.clone().unwrap_or_default(),
                    key,
                    sales_count: n,
                    gross_sales: gross,
                    discount_total: discount,
                    tax_total: tax,
                    total,
                    ..Default::default()
                })
                .collect();
            let mut sql =
                Sql::new(format!("SELECT r.{col}, {}, {} FROM refunds r", sum(b, "r.total"), sum(b, "r.tax_total")));
            push_period(&mut sql, "r", scope, p);
            sql.push(&format!(" GROUP BY r.{col}"));
            let refunds: Vec<(Option<String>, i64, i64)> = sql.query_as().fetch_all(db.reader()).await?;
            add_refunds(&mut rows, refunds);
            rows
        }
        GroupBy::Product | GroupBy::Category => {
            let col = if by == GroupBy::Product { "product_id" } else { "category_id" };
            let mut sql = Sql::new(format!(
                "SELECT i.{col}, COUNT(DISTINCT i.sale_id), {}, {}, {}, {}, {} FROM sale_items i JOIN sales s ON s.id = i.sale_id",
                sum(b, "i.quantity"),
                sum(b, "i.gross"),
                sum(b, "i.discount_total"),
                sum(b, "i.tax_total"),
                sum(b, "i.total")
            ));
            push_period(&mut sql, "s", scope, p);
            sql.push(&format!(" AND s.status = 'completed' GROUP BY i.{col}"));
            type ItemRow = (Option<String>, i64, i64, i64, i64, i64, i64);
            let found: Vec<ItemRow> = sql.query_as().fetch_all(db.reader()).await?;
            let mut rows: Vec<ReportRow> = found
                .into_iter()
                .map(|(key, n, q, gross, discount, tax, total)| ReportRow {
                    label: key.clone().unwrap_or_default(),
                    key,
                    sales_count: n,
                    quantity: Some(Quantity(q)),
                    gross_sales: gross,
                    discount_total: discount,
                    tax_total: tax,
                    total,
                    ..Default::default()
                })
                .collect();
            let mut sql = Sql::new(format!(
                "SELECT si.{col}, {}, {} FROM refund_items ri JOIN refunds r ON r.id = ri.refund_id
                 JOIN sale_items si ON si.id = ri.sale_item_id",
                sum(b, "ri.total"),
                sum(b, "ri.tax_total")
            ));
            push_period(&mut sql, "r", scope, p);
            sql.push(&format!(" GROUP BY si.{col}"));
            let refunds: Vec<(Option<String>, i64, i64)> = sql.query_as().fetch_all(db.reader()).await?;
            add_refunds(&mut rows, refunds);
            rows
        }
    };
    label(db, &scope.tenant_id, by, &mut rows).await?;
    for r in &mut rows {
        r.net_sales = r.total - r.refund_total;
    }
    rows.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(rows)
}

/// Adds refunds (`key`, total, tax) to the rows of their key, making rows for keys without sales.
fn add_refunds(rows: &mut Vec<ReportRow>, refunds: Vec<(Option<String>, i64, i64)>) {
    for (key, total, tax) in refunds {
        let row = match rows.iter_mut().position(|r| r.key == key) {
            Some(i) => &mut rows[i],
            None => {
                rows.push(ReportRow { label: key.clone().unwrap_or_default(), key, ..Default::default() });
                rows.last_mut().expect("just pushed")
            }
        };
        row.refund_total += total;
        row.tax_total -= tax;
    }
}

/// Names the rows' keys: outlet, user, product or category names (days are their own label).
async fn label(db: &Db, tenant_id: &str, by: GroupBy, rows: &mut [ReportRow]) -> Result<()> {
    let table = match by {
        GroupBy::Day => return Ok(()),
        GroupBy::Outlet => "outlets",
        GroupBy::Cashier => "users",
        GroupBy::Product => "products",
        GroupBy::Category => "categories",
    };
    let ids: Vec<String> = rows.iter().filter_map(|r| r.key.clone()).collect();
    let mut names: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    for chunk in ids.chunks(crate::sql::MAX_PARAMS) {
        let mut sql = Sql::new(format!("SELECT id, name FROM {table} WHERE "));
        sql.tenant_check("tenant_id", tenant_id).push(" AND id IN ").bind_list(chunk);
        names.extend(sql.query_as::<(String, String)>().fetch_all(db.reader()).await?);
    }
    for r in rows {
        r.label = match &r.key {
            Some(k) => names.get(k).cloned().unwrap_or_else(|| k.clone()),
            None => "Uncategorised".into(),
        };
    }
    Ok(())
}
