//! Assets, their categories, and who held each asset when.

use serde::Serialize;
use utoipa::ToSchema;

use super::def;
use crate::{
    crud::{ColType::*, Column, ResourceDef},
    Result, Tx,
};

pub static ASSET_CATEGORIES: ResourceDef = def(
    "asset_category",
    "asset_categories",
    &[Column::new("name", Text).sort().search(), Column::new("name_key", Text), Column::new("description", Text)],
);

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct AssetCategory {
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
    pub description: Option<String>,
}
crate::impl_record!(AssetCategory);

pub static ASSETS: ResourceDef = def(
    "asset",
    "assets",
    &[
        Column::new("asset_code", Text).sort().search(),
        Column::new("asset_code_key", Text),
        Column::new("name", Text).sort().search(),
        Column::new("category_id", Text).filter(),
        Column::new("serial_number", Text).search(),
        Column::new("purchase_date", Text).sort(),
        Column::new("value", Int).sort(),
        Column::new("status", Text).filter().sort(),
        Column::new("location", Text).filter().search(),
        Column::new("assigned_to", Text).filter(),
        Column::new("assigned_since", Text),
    ],
);

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Asset {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub asset_code: String,
    #[serde(skip)]
    #[schema(ignore)]
    pub asset_code_key: String,
    pub name: String,
    #[schema(format = Uuid)]
    pub category_id: Option<String>,
    pub serial_number: Option<String>,
    pub purchase_date: Option<String>,
    /// What it cost, in the currency's minor unit.
    pub value: i64,
    /// `active`, `inactive`, `maintenance` or `retired`.
    pub status: String,
    pub location: Option<String>,
    /// The employee who holds it now (none when it is not assigned).
    #[schema(format = Uuid)]
    pub assigned_to: Option<String>,
    /// Since when (`YYYY-MM-DD`).
    pub assigned_since: Option<String>,
}
crate::impl_record!(Asset);

pub static ASSIGNMENTS: ResourceDef = def(
    "asset_assignment",
    "asset_assignments",
    &[
        Column::new("asset_id", Text).filter(),
        Column::new("employee_id", Text).filter(),
        Column::new("assign_date", Text).sort(),
        Column::new("notes", Text),
        Column::new("return_date", Text).sort(),
        Column::new("return_condition", Text),
        Column::new("return_notes", Text),
    ],
);

/// One custody of an asset: from its assignment to its return.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Assignment {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    #[schema(format = Uuid)]
    pub asset_id: String,
    #[schema(format = Uuid)]
    pub employee_id: String,
    pub assign_date: String,
    pub notes: Option<String>,
    /// When it came back (none while the employee holds it).
    pub return_date: Option<String>,
    /// The condition it came back in.
    pub return_condition: Option<String>,
    pub return_notes: Option<String>,
}
crate::impl_record!(Assignment);

/// Locks the asset's row until the transaction ends (PostgreSQL; SQLite has one writer).
pub async fn lock(tx: &mut Tx, id: &str) -> Result<()> {
    super::lock_row(tx, "assets", id).await
}

/// The asset's open custody, if someone holds it.
#[tracing::instrument(skip_all)]
pub async fn open_assignment(tx: &mut Tx, asset_id: &str) -> Result<Option<Assignment>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {} FROM asset_assignments WHERE asset_id = $1 AND return_date IS NULL AND deleted_at IS NULL",
        ASSIGNMENTS.select_list()
    ))
    .bind(asset_id)
    .fetch_optional(&mut **tx)
    .await?)
}

/// Every custody of an asset, newest first.
#[tracing::instrument(skip_all)]
pub async fn history(db: &crate::Db, tenant_id: &str, asset_id: &str) -> Result<Vec<Assignment>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {} FROM asset_assignments WHERE tenant_id = $1 AND asset_id = $2 AND deleted_at IS NULL ORDER BY assign_date DESC, created_at DESC, id DESC",
        ASSIGNMENTS.select_list()
    ))
    .bind(tenant_id)
    .bind(asset_id)
    .fetch_all(db.reader())
    .await?)
}
