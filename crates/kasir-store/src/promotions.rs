//! Promotions (discounts that apply by themselves) and vouchers (codes a customer presents),
//! with their usage counts.

use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    crud::{ColType::*, Column, OutletScope, ResourceDef},
    Db, Flag, JsonText, Result, Tx,
};

pub static PROMOTIONS: ResourceDef = ResourceDef {
    entity: "promotion",
    table: "promotions",
    columns: &[
        Column::new("name", Text).sort().search(),
        Column::new("name_key", Text),
        Column::new("type", Text).filter(),
        Column::new("value", Int),
        Column::new("min_purchase", Int),
        Column::new("max_discount", Int),
        Column::new("starts_at", Text).sort(),
        Column::new("ends_at", Text).sort(),
        Column::new("usage_limit", Int),
        Column::new("usage_count", Int),
        Column::new("product_ids", Json),
        Column::new("category_ids", Json),
        Column::new("auto_apply", Bool).filter(),
        Column::new("is_active", Bool).filter(),
    ],
    outlet_scope: OutletScope::None,
    base_filter: None,
    search_codes: false,
    counted: false,
};

/// A discount that applies by itself to sales that qualify.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Promotion {
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
    /// `percent` (`value` in basis points) or `amount` (minor units).
    #[serde(rename = "type")]
    #[sqlx(rename = "type")]
    pub kind: String,
    pub value: i64,
    pub min_purchase: i64,
    pub max_discount: Option<i64>,
    /// Outlet-local wall time it starts (`2026-12-01T08:00:00`), if any.
    pub starts_at: Option<String>,
    /// Outlet-local wall time it ends, if any.
    pub ends_at: Option<String>,
    pub usage_limit: Option<i64>,
    /// Completed sales that used it.
    pub usage_count: i64,
    #[sqlx(try_from = "String")]
    #[schema(value_type = Vec<String>)]
    pub product_ids: JsonText<Vec<String>>,
    #[sqlx(try_from = "String")]
    #[schema(value_type = Vec<String>)]
    pub category_ids: JsonText<Vec<String>>,
    #[sqlx(try_from = "i64")]
    #[schema(value_type = bool)]
    pub auto_apply: Flag,
    #[sqlx(try_from = "i64")]
    #[schema(value_type = bool)]
    pub is_active: Flag,
}
crate::impl_record!(Promotion);

/// Active auto-apply promotions of the tenant valid at outlet-local time `local_now`, with usage left.
#[tracing::instrument(skip_all)]
pub async fn applicable_promotions(db: &Db, tenant_id: &str, local_now: &str) -> Result<Vec<Promotion>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {} FROM promotions WHERE tenant_id = $1 AND deleted_at IS NULL AND is_active = 1 AND auto_apply = 1
           AND (starts_at IS NULL OR starts_at <= $2) AND (ends_at IS NULL OR ends_at >= $2)
           AND (usage_limit IS NULL OR usage_count < usage_limit)
         ORDER BY created_at, id",
        PROMOTIONS.select_list()
    ))
    .bind(tenant_id)
    .bind(local_now)
    .fetch_all(db.reader())
    .await?)
}

pub static VOUCHERS: ResourceDef = ResourceDef {
    entity: "voucher",
    table: "vouchers",
    columns: &[
        Column::new("code", Text).sort().search(),
        Column::new("code_key", Text),
        Column::new("description", Text).search(),
        Column::new("discount_type", Text).filter(),
        Column::new("discount_value", Int),
        Column::new("min_purchase", Int),
        Column::new("max_discount", Int),
        Column::new("valid_from", Text).sort(),
        Column::new("valid_until", Text).sort(),
        Column::new("usage_limit", Int),
        Column::new("usage_count", Int),
        Column::new("per_customer_limit", Int),
        Column::new("active", Bool).filter(),
    ],
    outlet_scope: OutletScope::None,
    base_filter: None,
    search_codes: false,
    counted: false,
};

/// A code a customer presents for a discount.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Voucher {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub code: String,
    #[serde(skip)]
    #[schema(ignore)]
    pub code_key: String,
    pub description: Option<String>,
    /// `percent` (`discount_value` in basis points) or `amount`.
    pub discount_type: String,
    pub discount_value: i64,
    pub min_purchase: i64,
    pub max_discount: Option<i64>,
    /// Outlet-local wall time from which it is valid, if any.
    pub valid_from: Option<String>,
    /// Outlet-local wall time until which it is valid, if any.
    pub valid_until: Option<String>,
    pub usage_limit: Option<i64>,
    pub usage_count: i64,
    /// Uses one customer account may make (none: no limit).
    pub per_customer_limit: Option<i64>,
    #[sqlx(try_from = "i64")]
    #[schema(value_type = bool)]
    pub active: Flag,
}
crate::impl_record!(Voucher);

/// The tenant's live voucher with this code (codes are case-insensitive).
#[tracing::instrument(skip_all)]
pub async fn voucher_by_code(db: &Db, tenant_id: &str, code: &str) -> Result<Option<Voucher>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {} FROM vouchers WHERE tenant_id = $1 AND code_key = $2 AND deleted_at IS NULL",
        VOUCHERS.select_list()
    ))
    .bind(tenant_id)
    .bind(code.trim().to_lowercase())
    .fetch_optional(db.reader())
    .await?)
}

/// Counts one more use of a promotion (`table` `promotions`) or voucher (`vouchers`) if its
/// limit allows; false when it is used up. Holds the row until commit.
#[tracing::instrument(skip_all)]
pub async fn take_usage(tx: &mut Tx, table: UsageTable, id: &str) -> Result<bool> {
    let sql = format!(
        "UPDATE {} SET usage_count = usage_count + 1 WHERE id = $1 AND (usage_limit IS NULL OR usage_count < usage_limit)",
        table.name()
    );
    Ok(sqlx::query(&sql).bind(id).execute(&mut **tx).await?.rows_affected() == 1)
}

/// Gives back one use (a voided sale).
#[tracing::instrument(skip_all)]
pub async fn give_back_usage(tx: &mut Tx, table: UsageTable, id: &str) -> Result<()> {
    let sql = format!("UPDATE {} SET usage_count = usage_count - 1 WHERE id = $1 AND usage_count > 0", table.name());
    sqlx::query(&sql).bind(id).execute(&mut **tx).await?;
    Ok(())
}

/// The tables whose rows count their uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsageTable {
    Promotions,
    Vouchers,
}

impl UsageTable {
    fn name(self) -> &'static str {
        match self {
            UsageTable::Promotions => "promotions",
            UsageTable::Vouchers => "vouchers",
        }
    }
}
