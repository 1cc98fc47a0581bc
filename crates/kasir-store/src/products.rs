//! Products and their variants, with every SKU and barcode indexed in `product_codes`.

use serde::{Deserialize, Serialize, Serializer};
use utoipa::ToSchema;

use crate::{
    crud::{ColType::*, Column, OutletScope, ResourceDef},
    sql::Sql,
    Db, Flag, JsonText, Result, Scope, Tx,
};

pub static PRODUCTS: ResourceDef = ResourceDef {
    entity: "product",
    table: "products",
    columns: &[
        Column::new("sku", Text).filter().sort(),
        Column::new("name", Text).sort().search(),
        Column::new("name_key", Text),
        Column::new("category_id", Text).filter(),
        Column::new("brand_id", Text).filter(),
        Column::new("tax_id", Text).filter(),
        Column::new("price", Int).filter().sort(),
        Column::new("cost", Int).sort(),
        Column::new("unit", Text).filter(),
        Column::new("track_stock", Bool).filter(),
        Column::new("low_stock_threshold", Int),
        Column::new("is_active", Bool).filter(),
        Column::new("barcodes", Json),
        Column::new("modifier_group_ids", Json),
        Column::new("variants", Json),
    ],
    outlet_scope: OutletScope::None,
    base_filter: None,
    search_codes: true,
};

/// A variant of a product (a size, a colour). Price and cost fall back to the product's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Variant {
    #[schema(format = Uuid)]
    pub id: String,
    pub name: String,
    pub sku: String,
    pub barcodes: Vec<String>,
    pub price: Option<i64>,
    pub cost: Option<i64>,
}

/// A product as the API serves it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Product {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub sku: String,
    pub name: String,
    #[serde(skip)]
    #[schema(ignore)]
    pub name_key: String,
    #[schema(format = Uuid)]
    pub category_id: Option<String>,
    #[schema(format = Uuid)]
    pub brand_id: Option<String>,
    #[schema(format = Uuid)]
    pub tax_id: Option<String>,
    /// Minor units.
    pub price: i64,
    /// Minor units; kept as a moving average by purchases.
    pub cost: i64,
    pub unit: String,
    #[sqlx(try_from = "i64")]
    #[schema(value_type = bool)]
    pub track_stock: Flag,
    /// Quantity (up to 3 decimals) under which stock counts as low.
    #[serde(serialize_with = "thousandths")]
    #[schema(value_type = Option<f64>)]
    pub low_stock_threshold: Option<i64>,
    #[sqlx(try_from = "i64")]
    #[schema(value_type = bool)]
    pub is_active: Flag,
    #[sqlx(try_from = "String")]
    #[schema(value_type = Vec<String>)]
    pub barcodes: JsonText<Vec<String>>,
    #[sqlx(try_from = "String")]
    #[schema(value_type = Vec<String>)]
    pub modifier_group_ids: JsonText<Vec<String>>,
    #[sqlx(try_from = "String")]
    #[schema(value_type = Vec<Variant>)]
    pub variants: JsonText<Vec<Variant>>,
}
crate::impl_record!(Product);

fn thousandths<S: Serializer>(v: &Option<i64>, s: S) -> std::result::Result<S::Ok, S::Error> {
    v.map(kasir_domain::Quantity).serialize(s)
}

/// A SKU or barcode, where it is used and by which request field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code {
    /// `sku` or `barcode`.
    pub kind: &'static str,
    pub code: String,
    pub variant_id: Option<String>,
    /// The request field that carries it, such as `variants[1].sku`.
    pub field: String,
}

/// Fields whose codes another product of the tenant already uses.
pub async fn taken_codes(tx: &mut Tx, tenant_id: &str, product_id: &str, codes: &[Code]) -> Result<Vec<String>> {
    let mut taken = Vec::new();
    for kind in ["sku", "barcode"] {
        let wanted: Vec<String> = codes.iter().filter(|c| c.kind == kind).map(|c| c.code.clone()).collect();
        if wanted.is_empty() {
            continue;
        }
        let mut sql = Sql::new("SELECT code FROM product_codes WHERE tenant_id = ");
        sql.bind(tenant_id).push(" AND kind = ").bind(kind).push(" AND product_id <> ").bind(product_id);
        sql.push(" AND code IN ").bind_list(&wanted);
        let rows: Vec<(String,)> = sql.query_as().fetch_all(&mut **tx).await?;
        for (code,) in rows {
            if let Some(c) = codes.iter().find(|c| c.kind == kind && c.code == code) {
                taken.push(c.field.clone());
            }
        }
    }
    Ok(taken)
}

/// Replaces the product's rows in `product_codes`.
pub async fn set_codes(tx: &mut Tx, tenant_id: &str, product_id: &str, codes: &[Code]) -> Result<()> {
    sqlx::query("DELETE FROM product_codes WHERE product_id = $1").bind(product_id).execute(&mut **tx).await?;
    for c in codes {
        sqlx::query(
            "INSERT INTO product_codes (tenant_id, kind, code, product_id, variant_id) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(tenant_id)
        .bind(c.kind)
        .bind(&c.code)
        .bind(product_id)
        .bind(c.variant_id.clone())
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Removes a deleted product's codes so that they can be used again.
pub async fn clear_codes(tx: &mut Tx, product_id: &str) -> Result<()> {
    sqlx::query("DELETE FROM product_codes WHERE product_id = $1").bind(product_id).execute(&mut **tx).await?;
    Ok(())
}

/// The product and variant a scanned code belongs to: barcodes first, then SKUs.
pub async fn find_code(db: &Db, scope: &Scope, code: &str) -> Result<Option<(String, Option<String>)>> {
    for kind in ["barcode", "sku"] {
        let row: Option<(String, Option<String>)> = sqlx::query_as(
            "SELECT product_id, variant_id FROM product_codes WHERE tenant_id = $1 AND kind = $2 AND code = $3",
        )
        .bind(&scope.tenant_id)
        .bind(kind)
        .bind(code)
        .fetch_optional(db.reader())
        .await?;
        if row.is_some() {
            return Ok(row);
        }
    }
    Ok(None)
}

/// Stock on hand of a product/variant in a warehouse, in thousandths (0 when never stocked).
pub async fn stock_in(db: &Db, warehouse_id: &str, product_id: &str, variant_id: Option<&str>) -> Result<i64> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT quantity FROM stock_levels WHERE warehouse_id = $1 AND product_id = $2 AND variant_id = $3",
    )
    .bind(warehouse_id)
    .bind(product_id)
    .bind(variant_id.unwrap_or(""))
    .fetch_optional(db.reader())
    .await?;
    Ok(row.map_or(0, |(q,)| q))
}

/// The ids of `root` and every live category below it.
pub async fn category_subtree(db: &Db, tenant_id: &str, root: &str) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "WITH RECURSIVE tree (id) AS (
             SELECT id FROM categories WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL
             UNION ALL
             SELECT c.id FROM categories c JOIN tree t ON c.parent_id = t.id WHERE c.tenant_id = $1 AND c.deleted_at IS NULL
         ) SELECT id FROM tree",
    )
    .bind(tenant_id)
    .bind(root)
    .fetch_all(db.reader())
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// The default warehouse of an outlet, if the caller can see it.
pub async fn default_warehouse(db: &Db, tenant_id: &str, outlet_id: &str) -> Result<Option<String>> {
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT id FROM warehouses WHERE tenant_id = $1 AND outlet_id = $2 AND is_default = 1 AND deleted_at IS NULL",
    )
    .bind(tenant_id)
    .bind(outlet_id)
    .fetch_optional(db.reader())
    .await?;
    Ok(row.map(|(id,)| id))
}

/// How many of `ids` are live modifier groups of the tenant, per id.
pub async fn existing_modifier_groups(tx: &mut Tx, tenant_id: &str, ids: &[String]) -> Result<Vec<String>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new("SELECT id FROM modifier_groups WHERE tenant_id = ");
    sql.bind(tenant_id).push(" AND deleted_at IS NULL AND id IN ").bind_list(ids);
    let rows: Vec<(String,)> = sql.query_as().fetch_all(&mut **tx).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}
