//! Suppliers, purchases and purchase returns.

use kasir_domain::Quantity;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    crud::{ColType::*, Column, OutletScope, ResourceDef},
    Flag, JsonText, Result, Tx,
};

pub static SUPPLIERS: ResourceDef = ResourceDef {
    entity: "supplier",
    table: "suppliers",
    columns: &[
        Column::new("name", Text).sort().search(),
        Column::new("name_key", Text),
        Column::new("contact_name", Text).search(),
        Column::new("phone", Text).filter().search(),
        Column::new("email", Text).filter(),
        Column::new("address", Text),
        Column::new("notes", Text),
        Column::new("is_active", Bool).filter(),
    ],
    outlet_scope: OutletScope::None,
    base_filter: None,
    search_codes: false,
    counted: false,
};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Supplier {
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
    pub contact_name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub notes: Option<String>,
    #[sqlx(try_from = "i64")]
    #[schema(value_type = bool)]
    pub is_active: Flag,
}
crate::impl_record!(Supplier);

pub static PURCHASES: ResourceDef = ResourceDef {
    entity: "purchase",
    table: "purchases",
    columns: &[
        Column::new("supplier_id", Text).filter(),
        Column::new("warehouse_id", Text).filter(),
        Column::new("outlet_id", Text).filter(),
        Column::new("status", Text).filter().sort(),
        Column::new("lines", Json),
        Column::new("total_cost", Int).sort(),
        Column::new("note", Text).search(),
        Column::new("ordered_at", Text).sort(),
        Column::new("received_at", Text).sort(),
    ],
    outlet_scope: OutletScope::Column("outlet_id"),
    base_filter: None,
    search_codes: false,
    counted: false,
};

/// One line of a purchase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PurchaseLine {
    #[schema(format = Uuid)]
    pub product_id: String,
    #[schema(format = Uuid)]
    pub variant_id: Option<String>,
    #[schema(value_type = f64)]
    pub quantity: Quantity,
    /// Minor units per unit.
    pub unit_cost: i64,
    #[schema(value_type = f64)]
    pub received_quantity: Quantity,
    #[schema(value_type = f64)]
    pub returned_quantity: Quantity,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Purchase {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    #[schema(format = Uuid)]
    pub supplier_id: String,
    #[schema(format = Uuid)]
    pub warehouse_id: String,
    #[schema(format = Uuid)]
    pub outlet_id: Option<String>,
    /// `draft`, `ordered`, `partially_received`, `received` or `cancelled`.
    pub status: String,
    #[sqlx(try_from = "String")]
    #[schema(value_type = Vec<PurchaseLine>)]
    pub lines: JsonText<Vec<PurchaseLine>>,
    /// Sum of quantity × unit cost, minor units.
    pub total_cost: i64,
    pub note: Option<String>,
    pub ordered_at: Option<String>,
    pub received_at: Option<String>,
}
crate::impl_record!(Purchase);

pub static PURCHASE_RETURNS: ResourceDef = ResourceDef {
    entity: "purchase_return",
    table: "purchase_returns",
    columns: &[
        Column::new("purchase_id", Text).filter(),
        Column::new("supplier_id", Text).filter(),
        Column::new("warehouse_id", Text).filter(),
        Column::new("outlet_id", Text).filter(),
        Column::new("reason", Text).search(),
        Column::new("lines", Json),
        Column::new("total_cost", Int).sort(),
    ],
    outlet_scope: OutletScope::Column("outlet_id"),
    base_filter: None,
    search_codes: false,
    counted: false,
};

/// One line of a purchase return.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReturnLine {
    #[schema(format = Uuid)]
    pub product_id: String,
    #[schema(format = Uuid)]
    pub variant_id: Option<String>,
    #[schema(value_type = f64)]
    pub quantity: Quantity,
    pub unit_cost: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct PurchaseReturn {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    #[schema(format = Uuid)]
    pub purchase_id: Option<String>,
    #[schema(format = Uuid)]
    pub supplier_id: String,
    #[schema(format = Uuid)]
    pub warehouse_id: String,
    #[schema(format = Uuid)]
    pub outlet_id: Option<String>,
    pub reason: String,
    #[sqlx(try_from = "String")]
    #[schema(value_type = Vec<ReturnLine>)]
    pub lines: JsonText<Vec<ReturnLine>>,
    pub total_cost: i64,
}
crate::impl_record!(PurchaseReturn);

/// Value of `quantity` (thousandths) at `unit_cost`, rounded half away from zero to a minor unit.
pub fn line_value(quantity: Quantity, unit_cost: i64) -> Result<i64, kasir_domain::money::OutOfRange> {
    Ok(kasir_domain::Money::new(unit_cost)?.mul_div(quantity.0, 1000)?.get())
}

/// Stock of a product/variant across all the tenant's warehouses, in thousandths.
#[tracing::instrument(skip_all)]
pub async fn on_hand(tx: &mut Tx, tenant_id: &str, product_id: &str, variant_id: Option<&str>) -> Result<i64> {
    let (q,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT) FROM stock_levels WHERE tenant_id = $1 AND product_id = $2 AND variant_id = $3",
    )
    .bind(tenant_id)
    .bind(product_id)
    .bind(variant_id.unwrap_or(""))
    .fetch_one(&mut **tx)
    .await?;
    Ok(q)
}
