//! Stock transfers between warehouses (the state machine is `kasir_domain::transfer`).

use kasir_domain::Quantity;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    crud::{ColType::*, Column, OutletScope, ResourceDef},
    JsonText,
};

pub static STOCK_TRANSFERS: ResourceDef = ResourceDef {
    entity: "stock_transfer",
    table: "stock_transfers",
    columns: &[
        Column::new("from_warehouse_id", Text).filter(),
        Column::new("to_warehouse_id", Text).filter(),
        Column::new("from_outlet_id", Text).filter(),
        Column::new("to_outlet_id", Text).filter(),
        Column::new("status", Text).filter().sort(),
        Column::new("lines", Json),
        Column::new("note", Text).search(),
        Column::new("sent_at", Text).sort(),
        Column::new("received_at", Text).sort(),
    ],
    outlet_scope: OutletScope::AnyOf(&["from_outlet_id", "to_outlet_id"]),
    base_filter: None,
    search_codes: false,
    counted: false,
};

/// One product line of a transfer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TransferLine {
    #[schema(format = Uuid)]
    pub product_id: String,
    #[schema(format = Uuid)]
    pub variant_id: Option<String>,
    #[schema(value_type = f64)]
    pub quantity: Quantity,
    #[schema(value_type = f64)]
    pub received_quantity: Quantity,
}

/// A transfer.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct StockTransfer {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    #[schema(format = Uuid)]
    pub from_warehouse_id: String,
    #[schema(format = Uuid)]
    pub to_warehouse_id: String,
    #[schema(format = Uuid)]
    pub from_outlet_id: Option<String>,
    #[schema(format = Uuid)]
    pub to_outlet_id: Option<String>,
    /// `created`, `sent`, `partially_received`, `received` or `cancelled`.
    pub status: String,
    #[sqlx(try_from = "String")]
    #[schema(value_type = Vec<TransferLine>)]
    pub lines: JsonText<Vec<TransferLine>>,
    pub note: Option<String>,
    pub sent_at: Option<String>,
    pub received_at: Option<String>,
}
crate::impl_record!(StockTransfer);
