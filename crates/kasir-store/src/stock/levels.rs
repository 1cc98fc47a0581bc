//! Reading stock: levels and movements as the API lists them, the export's pages, and the check
//! that every level equals the sum of its movements.

use serde::Serialize;
use utoipa::ToSchema;

use crate::{sql::Sql, Db, Keyset, Result, Scope};

/// A stock level as `GET /stock` serves it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StockLevel {
    #[schema(format = Uuid)]
    pub warehouse_id: String,
    #[schema(format = Uuid)]
    pub product_id: String,
    #[schema(format = Uuid)]
    pub variant_id: Option<String>,
    #[schema(value_type = f64)]
    pub quantity: kasir_domain::Quantity,
    #[schema(value_type = Option<f64>)]
    pub low_stock_threshold: Option<kasir_domain::Quantity>,
    pub updated_at: String,
}

/// Filters of `GET /stock` and `GET /stock/movements`.
#[derive(Debug, Clone, Default)]
pub struct StockFilter {
    pub warehouse_id: Option<String>,
    pub product_id: Option<String>,
    pub low_only: bool,
}

/// Pushes the tenant, warehouse visibility and id filters shared by both reads (`l` is the table).
fn push_filter(sql: &mut Sql, scope: &Scope, f: &StockFilter) {
    sql.push(" WHERE l.tenant_id = ").bind(scope.tenant_id.as_str()).push(" AND w.deleted_at IS NULL");
    if let Some(outlets) = &scope.outlets {
        if outlets.is_empty() {
            sql.push(" AND 1 = 0");
        } else {
            sql.push(" AND w.outlet_id IN ").bind_list(outlets);
        }
    }
    if let Some(w) = &f.warehouse_id {
        sql.push(" AND l.warehouse_id = ").bind(w.as_str());
    }
    if let Some(p) = &f.product_id {
        sql.push(" AND l.product_id = ").bind(p.as_str());
    }
}

type LevelRow = (String, String, String, i64, Option<i64>, String);

/// Stock levels the caller may see, with the total.
#[tracing::instrument(skip_all)]
pub async fn levels(
    db: &Db,
    scope: &Scope,
    f: &StockFilter,
    page: i64,
    per_page: i64,
) -> Result<(Vec<StockLevel>, i64)> {
    let mut filter = Sql::new(
        " FROM stock_levels l JOIN warehouses w ON w.id = l.warehouse_id JOIN products p ON p.id = l.product_id",
    );
    // A deleted product's stock is still on the shelf and in the ledger (`/stock/movements`
    // lists it), so its levels stay listed too.
    push_filter(&mut filter, scope, f);
    if f.low_only {
        filter.push(" AND p.low_stock_threshold IS NOT NULL AND l.quantity < p.low_stock_threshold");
    }
    let columns = "l.warehouse_id, l.product_id, l.variant_id, l.quantity, p.low_stock_threshold, l.updated_at";
    let order = "l.warehouse_id, l.product_id, l.variant_id";
    let (raw, total): (Vec<LevelRow>, i64) = filter.page(db, columns, order, page, per_page).await?;
    let items = raw
        .into_iter()
        .map(|(warehouse_id, product_id, variant_id, quantity, threshold, updated_at)| StockLevel {
            warehouse_id,
            product_id,
            variant_id: Some(variant_id).filter(|v| !v.is_empty()),
            quantity: kasir_domain::Quantity(quantity),
            low_stock_threshold: threshold.map(kasir_domain::Quantity),
            updated_at,
        })
        .collect();
    Ok((items, total))
}

/// A movement as `GET /stock/movements` serves it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StockMovement {
    #[schema(format = Uuid)]
    pub id: String,
    /// `sale`, `void`, `refund`, `purchase`, `purchase_return`, `adjustment`, `count`, `transfer_out`, `transfer_in`.
    #[serde(rename = "type")]
    pub kind: String,
    #[schema(format = Uuid)]
    pub warehouse_id: String,
    #[schema(format = Uuid)]
    pub product_id: String,
    #[schema(format = Uuid)]
    pub variant_id: Option<String>,
    #[schema(value_type = f64)]
    pub quantity_delta: kasir_domain::Quantity,
    pub unit_cost: Option<i64>,
    pub reference_type: Option<String>,
    pub reference_id: Option<String>,
    pub actor_id: Option<String>,
    pub note: Option<String>,
    pub created_at: String,
}

/// A movement as its columns read ([`MOVEMENT_COLUMNS`]).
#[derive(sqlx::FromRow)]
struct MovementRow {
    id: String,
    #[sqlx(rename = "type")]
    kind: String,
    warehouse_id: String,
    product_id: String,
    /// `''` for a product without variants.
    variant_id: String,
    quantity_delta: i64,
    unit_cost: Option<i64>,
    reference_type: Option<String>,
    reference_id: Option<String>,
    actor_id: Option<String>,
    note: Option<String>,
    created_at: String,
}

/// Movements the caller may see, newest first, with the total.
#[tracing::instrument(skip_all)]
pub async fn movements(
    db: &Db,
    scope: &Scope,
    f: &StockFilter,
    page: i64,
    per_page: i64,
) -> Result<(Vec<StockMovement>, i64)> {
    let (raw, total): (Vec<MovementRow>, i64) =
        movements_matching(scope, f).page(db, MOVEMENT_COLUMNS, "l.created_at DESC, l.id DESC", page, per_page).await?;
    Ok((raw.into_iter().map(StockMovement::from).collect(), total))
}

/// Movements the caller may see, newest first, after `after` (keyset paging), and where the next
/// page begins.
#[tracing::instrument(skip_all)]
pub async fn movements_after(
    db: &Db,
    scope: &Scope,
    f: &StockFilter,
    after: Option<&Keyset>,
    per_page: i64,
) -> Result<(Vec<StockMovement>, Option<Keyset>)> {
    let (raw, more): (Vec<MovementRow>, bool) = movements_matching(scope, f)
        .newest_after(db, MOVEMENT_COLUMNS, ("l.created_at", "l.id"), after, per_page)
        .await?;
    let items: Vec<StockMovement> = raw.into_iter().map(StockMovement::from).collect();
    let next = items.last().filter(|_| more).map(|m| Keyset::newest(&m.created_at, &m.id));
    Ok((items, next))
}

const MOVEMENT_COLUMNS: &str = "l.id, l.type, l.warehouse_id, l.product_id, l.variant_id, l.quantity_delta, \
    l.unit_cost, l.reference_type, l.reference_id, l.actor_id, l.note, l.created_at";

/// `FROM stock_movements … WHERE …`: the movements the caller may see matching `f`.
fn movements_matching(scope: &Scope, f: &StockFilter) -> Sql {
    let mut filter = Sql::new(" FROM stock_movements l JOIN warehouses w ON w.id = l.warehouse_id");
    push_filter(&mut filter, scope, f);
    filter
}

impl From<MovementRow> for StockMovement {
    fn from(r: MovementRow) -> Self {
        StockMovement {
            id: r.id,
            kind: r.kind,
            warehouse_id: r.warehouse_id,
            product_id: r.product_id,
            variant_id: Some(r.variant_id).filter(|v| !v.is_empty()),
            quantity_delta: kasir_domain::Quantity(r.quantity_delta),
            unit_cost: r.unit_cost,
            reference_type: r.reference_type,
            reference_id: r.reference_id,
            actor_id: r.actor_id,
            note: r.note,
            created_at: r.created_at,
        }
    }
}

/// `(warehouse, product, variant, level, ledger)` of a level that differs from its movements.
pub type Mismatch = (String, String, String, i64, i64);

/// Levels that differ from the sum of their movements: (warehouse, product, variant, level, ledger).
/// Always empty unless something bypassed [`apply`]; tests and operators check it.
#[tracing::instrument(skip_all)]
pub async fn ledger_mismatches(db: &Db, tenant_id: &str) -> Result<Vec<Mismatch>> {
    Ok(sqlx::query_as(
        // The tenant's movements summed once, then matched to its levels: joining every level to
        // the movements before grouping made SQLite index every tenant's movements on each call.
        "SELECT l.warehouse_id, l.product_id, l.variant_id, l.quantity, COALESCE(s.ledger, 0) AS ledger
         FROM stock_levels l LEFT JOIN (
             SELECT warehouse_id, product_id, variant_id, CAST(SUM(quantity_delta) AS BIGINT) AS ledger
             FROM stock_movements WHERE tenant_id = $1 GROUP BY warehouse_id, product_id, variant_id) s
           ON s.warehouse_id = l.warehouse_id AND s.product_id = l.product_id AND s.variant_id = l.variant_id
         WHERE l.tenant_id = $1 AND l.quantity <> COALESCE(s.ledger, 0)",
    )
    .bind(tenant_id)
    .fetch_all(db.reader())
    .await?)
}

/// A stock level with the names an export shows.
#[derive(Debug, sqlx::FromRow)]
pub struct ExportRow {
    pub warehouse_id: String,
    pub warehouse_name: String,
    pub product_id: String,
    pub sku: String,
    pub name: String,
    pub unit: String,
    /// `None` for a product without variants.
    #[sqlx(try_from = "String")]
    pub variant_id: NoneIfEmpty,
    #[sqlx(try_from = "String")]
    pub variants: crate::JsonText<Vec<crate::catalog::products::Variant>>,
    pub quantity: i64,
    pub low_stock_threshold: Option<i64>,
}

/// Where an export page ends: `(warehouse_id, product_id, variant_id)`.
pub type ExportKey = (String, String, String);

impl ExportRow {
    pub fn key(&self) -> ExportKey {
        (self.warehouse_id.clone(), self.product_id.clone(), self.variant_id.0.clone().unwrap_or_default())
    }
}

/// A text column where `''` means none.
#[derive(Debug, Clone)]
pub struct NoneIfEmpty(pub Option<String>);

impl From<String> for NoneIfEmpty {
    fn from(s: String) -> Self {
        NoneIfEmpty(Some(s).filter(|s| !s.is_empty()))
    }
}

/// One page of the stock levels the caller may see, after `after`, in key order (exports walk
/// every level this way without OFFSET).
#[tracing::instrument(skip_all)]
pub async fn export_page(
    db: &Db,
    scope: &Scope,
    f: &StockFilter,
    after: Option<&ExportKey>,
    limit: i64,
) -> Result<Vec<ExportRow>> {
    let mut sql = Sql::new(
        "SELECT l.warehouse_id, w.name AS warehouse_name, l.product_id, p.sku, p.name, p.unit, l.variant_id,
                p.variants, l.quantity, p.low_stock_threshold
         FROM stock_levels l JOIN warehouses w ON w.id = l.warehouse_id JOIN products p ON p.id = l.product_id",
    );
    push_filter(&mut sql, scope, f);
    if f.low_only {
        sql.push(" AND p.low_stock_threshold IS NOT NULL AND l.quantity < p.low_stock_threshold");
    }
    if let Some((w, p, v)) = after {
        sql.push(" AND (l.warehouse_id, l.product_id, l.variant_id) > (").bind(w.as_str()).push(", ");
        sql.push("").bind(p.as_str()).push(", ").bind(v.as_str()).push(")");
    }
    sql.push(" ORDER BY l.warehouse_id, l.product_id, l.variant_id LIMIT ").bind(limit);
    Ok(sql.query_as::<ExportRow>().fetch_all(db.reader()).await?)
}

#[derive(sqlx::FromRow)]
struct ExistingLevel {
    tenant_id: String,
    warehouse_id: String,
    product_id: String,
    variant_id: String,
    quantity: i64,
    version: i64,
    updated_at: String,
    outlet_id: Option<String>,
}

/// Migration 21's data step: a feed row for every level there is, so that a device pulling from
/// the start receives the stock of its warehouses. In pages, so that a large shop's levels are
/// never all in memory.
pub(crate) async fn feed_existing(conn: &mut sqlx::AnyConnection) -> Result<()> {
    const PAGE: i64 = 5000;
    let mut after = (String::new(), String::new(), String::new());
    loop {
        let rows: Vec<ExistingLevel> = sqlx::query_as(
            "SELECT l.tenant_id, l.warehouse_id, l.product_id, l.variant_id, l.quantity, l.version, l.updated_at, w.outlet_id
             FROM stock_levels l JOIN warehouses w ON w.id = l.warehouse_id
             WHERE (l.warehouse_id, l.product_id, l.variant_id) > ($1, $2, $3)
             ORDER BY l.warehouse_id, l.product_id, l.variant_id LIMIT $4",
        )
        .bind(&after.0)
        .bind(&after.1)
        .bind(&after.2)
        .bind(PAGE)
        .fetch_all(&mut *conn)
        .await?;
        let Some(last) = rows.last() else { return Ok(()) };
        after = (last.warehouse_id.clone(), last.product_id.clone(), last.variant_id.clone());
        let full = rows.len() as i64 == PAGE;
        let mut changes = Vec::with_capacity(rows.len());
        for r in rows {
            let level = super::FedLevel {
                id: super::level_id(&r.warehouse_id, &r.product_id, &r.variant_id),
                warehouse_id: r.warehouse_id,
                product_id: r.product_id,
                variant_id: Some(r.variant_id).filter(|v| !v.is_empty()),
                quantity: kasir_domain::Quantity(r.quantity),
                version: r.version,
                updated_at: r.updated_at,
            };
            changes.push(super::level_change(&r.tenant_id, r.outlet_id, level)?);
        }
        crate::feed::append(conn, changes).await?;
        if !full {
            return Ok(());
        }
    }
}
