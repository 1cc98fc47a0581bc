//! The catalog's plain resources: categories (a tree), brands, taxes and modifier groups.

pub mod products;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    crud::{ColType::*, Column, OutletScope, ResourceDef},
    Db, Flag, JsonText, Result, Tx,
};

pub static CATEGORIES: ResourceDef = ResourceDef {
    entity: "category",
    table: "categories",
    columns: &[
        Column::new("name", Text).sort().search(),
        Column::new("name_key", Text),
        Column::new("parent_id", Text).filter(),
        Column::new("sort_order", Int).filter().sort(),
        Column::new("is_active", Bool).filter(),
    ],
    outlet_scope: OutletScope::None,
    base_filter: None,
    search_codes: false,
    counted: false,
};

/// A category; `parent_id` makes them a tree.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Category {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub name: String,
    #[serde(skip)]
    #[schema(ignore)]
    pub name_key: String,
    #[schema(format = Uuid)]
    pub parent_id: Option<String>,
    pub sort_order: i64,
    #[sqlx(try_from = "i64")]
    #[schema(value_type = bool)]
    pub is_active: Flag,
}
crate::impl_record!(Category);

pub static BRANDS: ResourceDef = ResourceDef {
    entity: "brand",
    table: "brands",
    columns: &[Column::new("name", Text).sort().search(), Column::new("name_key", Text)],
    outlet_scope: OutletScope::None,
    base_filter: None,
    search_codes: false,
    counted: false,
};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Brand {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub name: String,
    #[serde(skip)]
    #[schema(ignore)]
    pub name_key: String,
}
crate::impl_record!(Brand);

pub static TAXES: ResourceDef = ResourceDef {
    entity: "tax",
    table: "taxes",
    columns: &[
        Column::new("name", Text).sort().search(),
        Column::new("name_key", Text),
        Column::new("rate_bps", Int).filter().sort(),
        Column::new("inclusive", Bool).filter(),
        Column::new("is_active", Bool).filter(),
    ],
    outlet_scope: OutletScope::None,
    base_filter: None,
    search_codes: false,
    counted: false,
};

/// A tax rate.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Tax {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub name: String,
    #[serde(skip)]
    #[schema(ignore)]
    pub name_key: String,
    /// Basis points: 1100 is 11 %.
    pub rate_bps: i64,
    /// True when prices already include this tax.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = bool)]
    pub inclusive: Flag,
    #[sqlx(try_from = "i64")]
    #[schema(value_type = bool)]
    pub is_active: Flag,
}
crate::impl_record!(Tax);

pub static MODIFIER_GROUPS: ResourceDef = ResourceDef {
    entity: "modifier_group",
    table: "modifier_groups",
    columns: &[
        Column::new("name", Text).sort().search(),
        Column::new("name_key", Text),
        Column::new("min_select", Int),
        Column::new("max_select", Int),
        Column::new("options", Json),
    ],
    outlet_scope: OutletScope::None,
    base_filter: None,
    search_codes: false,
    counted: false,
};

/// One choice in a modifier group (extra shot, oat milk).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ModifierOption {
    #[schema(format = Uuid)]
    pub id: String,
    pub name: String,
    /// Added to the item's price, in minor units.
    pub price: i64,
}

/// A set of options a customer picks from, between `min_select` and `max_select` of them.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct ModifierGroup {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub name: String,
    #[serde(skip)]
    #[schema(ignore)]
    pub name_key: String,
    pub min_select: i64,
    pub max_select: i64,
    #[sqlx(try_from = "String")]
    #[schema(value_type = Vec<ModifierOption>)]
    pub options: JsonText<Vec<ModifierOption>>,
}
crate::impl_record!(ModifierGroup);

/// The ids of `id` and its ancestors, nearest first (stops at 64 levels, beyond any real tree).
#[tracing::instrument(skip_all)]
pub async fn category_lineage(tx: &mut Tx, tenant_id: &str, id: &str) -> Result<Vec<String>> {
    let mut lineage = vec![id.to_string()];
    let mut current = id.to_string();
    for _ in 0..64 {
        let parent: Option<(Option<String>,)> =
            sqlx::query_as("SELECT parent_id FROM categories WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL")
                .bind(tenant_id)
                .bind(&current)
                .fetch_optional(&mut **tx)
                .await?;
        match parent {
            Some((Some(p),)) => {
                lineage.push(p.clone());
                current = p;
            }
            _ => break,
        }
    }
    Ok(lineage)
}

/// How many live categories have `id` as their parent.
#[tracing::instrument(skip_all)]
pub async fn category_children(tx: &mut Tx, tenant_id: &str, id: &str) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM categories WHERE tenant_id = $1 AND parent_id = $2 AND deleted_at IS NULL",
    )
    .bind(tenant_id)
    .bind(id)
    .fetch_one(&mut **tx)
    .await?;
    Ok(n)
}

/// Every live category of the tenant as `(id, name, parent_id)`, for resolving and writing
/// category paths in imports and exports.
#[tracing::instrument(skip_all)]
pub async fn category_names(db: &Db, tenant_id: &str) -> Result<Vec<(String, String, Option<String>)>> {
    Ok(sqlx::query_as("SELECT id, name, parent_id FROM categories WHERE tenant_id = $1 AND deleted_at IS NULL")
        .bind(tenant_id)
        .fetch_all(db.reader())
        .await?)
}

/// Every live brand (`Named::Brands`) or tax (`Named::Taxes`) of the tenant as `(id, name)`.
#[tracing::instrument(skip_all)]
pub async fn names(db: &Db, table: Named, tenant_id: &str) -> Result<Vec<(String, String)>> {
    let table = match table {
        Named::Brands => "brands",
        Named::Taxes => "taxes",
    };
    Ok(sqlx::query_as(&format!("SELECT id, name FROM {table} WHERE tenant_id = $1 AND deleted_at IS NULL"))
        .bind(tenant_id)
        .fetch_all(db.reader())
        .await?)
}

/// The tables [`names`] reads.
#[derive(Debug, Clone, Copy)]
pub enum Named {
    Brands,
    Taxes,
}
