//! Outlets: the shops and restaurants of a tenant.

use serde::Serialize;
use utoipa::ToSchema;

use crate::crud::{ColType::*, Column, OutletScope, ResourceDef};

pub static OUTLETS: ResourceDef = ResourceDef {
    entity: "outlet",
    table: "outlets",
    columns: &[
        Column::new("name", Text).filter().sort().search(),
        Column::new("code", Text).filter().sort().search(),
        Column::new("address", Text).search(),
        Column::new("phone", Text).filter(),
        Column::new("timezone", Text).filter(),
        Column::new("receipt_header", Text),
        Column::new("receipt_footer", Text),
        Column::new("is_active", Bool).filter().sort(),
    ],
    outlet_scope: OutletScope::SelfId,
    base_filter: None,
    search_codes: false,
    counted: false,
};

/// An outlet as the API serves it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Outlet {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub name: String,
    pub code: String,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub timezone: String,
    pub receipt_header: Option<String>,
    pub receipt_footer: Option<String>,
    #[sqlx(try_from = "i64")]
    #[schema(value_type = bool)]
    pub is_active: crate::Flag,
}

crate::impl_record!(Outlet);

/// The ids of the tenant's live outlets among `ids` (to check references a client sends).
#[tracing::instrument(skip_all)]
pub async fn existing_ids(tx: &mut crate::Tx, tenant_id: &str, ids: &[String]) -> crate::Result<Vec<String>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = crate::sql::Sql::new("SELECT id FROM outlets WHERE ");
    sql.tenant_check("tenant_id", tenant_id).push(" AND deleted_at IS NULL AND id IN ").bind_list(ids);
    let rows: Vec<(String,)> = sql.query_as().fetch_all(&mut **tx).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// The time zone `outlet` keeps ([`kasir_domain::time::outlet_zone`]: its own, else its tenant's, else UTC).
#[tracing::instrument(skip_all)]
pub async fn zone(conn: &mut sqlx::AnyConnection, outlet: &Outlet) -> crate::Result<String> {
    if kasir_domain::time::is_valid_timezone(&outlet.timezone) {
        return Ok(outlet.timezone.clone());
    }
    let tenant: Option<(String,)> = sqlx::query_as("SELECT timezone FROM tenants WHERE id = $1")
        .bind(&outlet.tenant_id)
        .fetch_optional(conn)
        .await?;
    Ok(kasir_domain::time::outlet_zone(&outlet.timezone, tenant.as_ref().map_or("", |t| t.0.as_str())).to_string())
}

/// Now on `outlet`'s wall clock.
#[tracing::instrument(skip_all)]
pub async fn local_now(conn: &mut sqlx::AnyConnection, outlet: &Outlet) -> crate::Result<kasir_domain::time::Local> {
    local_at(conn, outlet, jiff::Timestamp::now()).await
}

/// The outlet's clock at `at` (when a till did something offline).
pub async fn local_at(
    conn: &mut sqlx::AnyConnection,
    outlet: &Outlet,
    at: jiff::Timestamp,
) -> crate::Result<kasir_domain::time::Local> {
    let zone = zone(conn, outlet).await?;
    Ok(kasir_domain::time::outlet_clock(at, &zone))
}

/// What selling at an outlet depends on besides the catalog: the outlet, its tenant's settings
/// and its default warehouse, read in one query.
#[derive(Debug, Clone)]
pub struct SellingContext {
    pub outlet: crate::Scoped<Outlet>,
    /// The outlet's time zone, or the tenant's when the outlet has none.
    pub timezone: String,
    pub cash_rounding: i64,
    pub allow_negative_stock: bool,
    pub warehouse_id: Option<String>,
}

/// The selling context of a visible, live outlet (`None` when the caller cannot see it).
#[tracing::instrument(skip_all)]
pub async fn selling_context(
    db: &crate::Db,
    scope: &crate::Scope,
    outlet_id: &str,
) -> crate::Result<Option<SellingContext>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        outlet: Outlet,
        tenant_timezone: String,
        cash_rounding: i64,
        allow_negative_stock: i64,
        warehouse_id: Option<String>,
    }
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {}, t.timezone AS tenant_timezone, t.cash_rounding, t.allow_negative_stock, w.id AS warehouse_id
         FROM outlets JOIN tenants t ON t.id = outlets.tenant_id
         LEFT JOIN warehouses w ON w.outlet_id = outlets.id AND w.is_default = 1 AND w.deleted_at IS NULL
         WHERE outlets.tenant_id = $1 AND outlets.id = $2 AND outlets.deleted_at IS NULL",
        OUTLETS.select_list()
    ))
    .bind(&scope.tenant_id)
    .bind(outlet_id)
    .fetch_optional(db.reader())
    .await?;
    Ok(row.filter(|r| scope.sees_outlet(&r.outlet.id)).map(|r| SellingContext {
        timezone: kasir_domain::time::outlet_zone(&r.outlet.timezone, &r.tenant_timezone).to_string(),
        outlet: crate::Scoped::new(r.outlet),
        cash_rounding: r.cash_rounding,
        allow_negative_stock: r.allow_negative_stock != 0,
        warehouse_id: r.warehouse_id,
    }))
}
