//! Expense categories and expenses: money spent at an outlet, from a shift's drawer or not.

use serde::Serialize;
use utoipa::ToSchema;

use crate::crud::{ColType::*, Column, OutletScope, ResourceDef};

pub static EXPENSE_CATEGORIES: ResourceDef = ResourceDef {
    entity: "expense_category",
    table: "expense_categories",
    columns: &[Column::new("name", Text).sort().search(), Column::new("name_key", Text)],
    outlet_scope: OutletScope::None,
    base_filter: None,
    search_codes: false,
    counted: false,
};

/// What an expense was for (supplies, cleaning, transport…).
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct ExpenseCategory {
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
crate::impl_record!(ExpenseCategory);

pub static EXPENSES: ResourceDef = ResourceDef {
    entity: "expense",
    table: "expenses",
    columns: &[
        Column::new("outlet_id", Text).filter(),
        Column::new("shift_id", Text).filter(),
        Column::new("category_id", Text).filter(),
        Column::new("amount", Int).sort(),
        Column::new("note", Text).search(),
        Column::new("business_date", Text).filter().sort(),
    ],
    outlet_scope: OutletScope::Column("outlet_id"),
    base_filter: None,
    search_codes: false,
    counted: false,
};

/// Money spent at an outlet; with a shift, paid from that shift's cash drawer.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Expense {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    #[schema(format = Uuid)]
    pub outlet_id: String,
    #[schema(format = Uuid)]
    pub shift_id: Option<String>,
    #[schema(format = Uuid)]
    pub category_id: Option<String>,
    pub amount: i64,
    pub note: Option<String>,
    pub business_date: String,
}
crate::impl_record!(Expense);
