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
        Column::new("image_url", Text),
    ],
    outlet_scope: OutletScope::None,
    base_filter: None,
    search_codes: true,
    counted: true,
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
    /// Set by `POST /products/{id}/image`; readable without a login.
    pub image_url: Option<String>,
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
#[tracing::instrument(skip_all)]
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
#[tracing::instrument(skip_all)]
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
#[tracing::instrument(skip_all)]
pub async fn clear_codes(tx: &mut Tx, product_id: &str) -> Result<()> {
    sqlx::query("DELETE FROM product_codes WHERE product_id = $1").bind(product_id).execute(&mut **tx).await?;
    Ok(())
}

/// The product and variant a scanned code belongs to: barcodes first, then SKUs.
#[tracing::instrument(skip_all)]
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
#[tracing::instrument(skip_all)]
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
#[tracing::instrument(skip_all)]
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
#[tracing::instrument(skip_all)]
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
#[tracing::instrument(skip_all)]
pub async fn existing_modifier_groups(tx: &mut Tx, tenant_id: &str, ids: &[String]) -> Result<Vec<String>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new("SELECT id FROM modifier_groups WHERE ");
    sql.tenant_check("tenant_id", tenant_id).push(" AND deleted_at IS NULL AND id IN ").bind_list(ids);
    let rows: Vec<(String,)> = sql.query_as().fetch_all(&mut **tx).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Live products of the tenant whose own SKU is one of `skus` (bulk imports).
#[tracing::instrument(skip_all)]
pub async fn by_skus(tx: &mut Tx, tenant_id: &str, skus: &[String]) -> Result<Vec<Product>> {
    let mut out = Vec::new();
    for chunk in skus.chunks(crate::sql::MAX_PARAMS) {
        // A join from the codes' primary key to the products' (a code row is always its
        // product's tenant's). Written as `id IN (subquery)`, or with a tenant condition on
        // products, the planners may walk every product of the tenant instead.
        let mut sql = Sql::new(format!(
            "SELECT {} FROM product_codes c JOIN products ON products.id = c.product_id WHERE c.tenant_id = ",
            PRODUCTS.select_list()
        ));
        sql.bind(tenant_id).push(" AND c.kind = 'sku' AND c.variant_id IS NULL AND c.code IN ").bind_list(chunk);
        sql.push(" AND products.deleted_at IS NULL");
        out.extend(sql.query_as::<Product>().fetch_all(&mut **tx).await?);
    }
    Ok(out)
}

/// Which products hold which of `codes` of one kind: `(code, product_id)` pairs (bulk imports).
#[tracing::instrument(skip_all)]
pub async fn code_holders(tx: &mut Tx, tenant_id: &str, kind: &str, codes: &[String]) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for chunk in codes.chunks(crate::sql::MAX_PARAMS) {
        let mut sql = Sql::new("SELECT code, product_id FROM product_codes WHERE tenant_id = ");
        sql.bind(tenant_id).push(" AND kind = ").bind(kind).push(" AND code IN ").bind_list(chunk);
        out.extend(sql.query_as::<(String, String)>().fetch_all(&mut **tx).await?);
    }
    Ok(out)
}

/// Replaces the `product_codes` rows of many products with multi-row statements (bulk imports).
#[tracing::instrument(skip_all)]
pub async fn set_codes_many(tx: &mut Tx, tenant_id: &str, items: &[(String, Vec<Code>)]) -> Result<()> {
    let ids: Vec<String> = items.iter().map(|(id, _)| id.clone()).collect();
    for chunk in ids.chunks(crate::sql::MAX_PARAMS) {
        let mut sql = Sql::new("DELETE FROM product_codes WHERE product_id IN ");
        sql.bind_list(chunk);
        sql.query().execute(&mut **tx).await?;
    }
    let rows: Vec<(&str, &Code)> =
        items.iter().flat_map(|(id, codes)| codes.iter().map(move |c| (id.as_str(), c))).collect();
    for chunk in rows.chunks(crate::sql::rows_per_statement(5)) {
        let mut sql = Sql::new("INSERT INTO product_codes (tenant_id, kind, code, product_id, variant_id) VALUES ");
        for (i, (product_id, c)) in chunk.iter().enumerate() {
            sql.push(if i == 0 { "(" } else { ", (" });
            sql.bind(tenant_id).push(", ").bind(c.kind).push(", ").bind(c.code.as_str()).push(", ");
            sql.bind(*product_id).push(", ").bind(c.variant_id.clone()).push(")");
        }
        sql.query().execute(&mut **tx).await?;
    }
    Ok(())
}

/// One page of the tenant's live products in creation order, after the `(created_at, id)` given
/// (exports walk the whole catalog this way without OFFSET).
#[tracing::instrument(skip_all)]
pub async fn page_after(db: &Db, tenant_id: &str, after: Option<(&str, &str)>, limit: i64) -> Result<Vec<Product>> {
    let mut sql = Sql::new(format!("SELECT {} FROM products WHERE tenant_id = ", PRODUCTS.select_list()));
    sql.bind(tenant_id).push(" AND deleted_at IS NULL");
    if let Some((created_at, id)) = after {
        // A row-value comparison, so that both engines seek in ix_products_live_created.
        sql.push(" AND (created_at, id) > (").bind(created_at).push(", ").bind(id).push(")");
    }
    sql.push(" ORDER BY created_at, id LIMIT ").bind(limit);
    Ok(sql.query_as::<Product>().fetch_all(db.reader()).await?)
}
