//! The plain resources of selling: payment methods, customers, promotions, vouchers, expense
//! categories and expenses. Sales, shifts and refunds are business operations with modules of
//! their own.

use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    crud::{ColType::*, Column, OutletScope, ResourceDef},
    Db, Flag, JsonText, Result, Tx,
};

pub static PAYMENT_METHODS: ResourceDef = ResourceDef {
    entity: "payment_method",
    table: "payment_methods",
    columns: &[
        Column::new("name", Text).sort().search(),
        Column::new("name_key", Text),
        Column::new("type", Text).filter().sort(),
        Column::new("is_active", Bool).filter(),
    ],
    outlet_scope: OutletScope::None,
    base_filter: None,
    search_codes: false,
    counted: false,
};

/// The kinds of payment a method may be.
pub const PAYMENT_TYPES: &[&str] = &["cash", "card", "qris", "ewallet", "transfer", "store_credit", "other"];

/// A way to pay (Cash, a card terminal, QRIS…).
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct PaymentMethod {
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
    /// `cash`, `card`, `qris`, `ewallet`, `transfer`, `store_credit` or `other`.
    #[serde(rename = "type")]
    #[sqlx(rename = "type")]
    pub kind: String,
    #[sqlx(try_from = "i64")]
    #[schema(value_type = bool)]
    pub is_active: Flag,
}
crate::impl_record!(PaymentMethod);

/// Creates the Cash method of a new tenant (in the transaction that creates the tenant).
pub(crate) async fn create_cash_method(tx: &mut Tx, tenant_id: &str) -> Result<()> {
    let scope = crate::Scope::tenant(tenant_id);
    let values = [
        ("name", crate::Value::from("Cash")),
        ("name_key", crate::Value::from("cash")),
        ("type", crate::Value::from("cash")),
        ("is_active", crate::Value::from(true)),
    ];
    let _: PaymentMethod =
        crate::crud::create(tx, &PAYMENT_METHODS, &scope, &kasir_domain::ids::new_id(), &values).await?;
    Ok(())
}

/// Gives every tenant without a payment method a Cash method (migration 12's data step).
pub(crate) async fn create_missing_cash_methods(conn: &mut sqlx::AnyConnection) -> Result<()> {
    let tenants: Vec<(String,)> = sqlx::query_as(
        "SELECT t.id FROM tenants t WHERE NOT EXISTS (SELECT 1 FROM payment_methods m WHERE m.tenant_id = t.id)",
    )
    .fetch_all(&mut *conn)
    .await?;
    let now = kasir_domain::time::now();
    let mut changes = Vec::new();
    for (tenant_id,) in tenants {
        let id = kasir_domain::ids::new_id();
        sqlx::query(
            "INSERT INTO payment_methods (id, tenant_id, name, name_key, type, is_active, version, created_at, updated_at)
             VALUES ($1, $2, 'Cash', 'cash', 'cash', 1, 1, $3, $3)",
        )
        .bind(&id)
        .bind(&tenant_id)
        .bind(&now)
        .execute(&mut *conn)
        .await?;
        let data = serde_json::json!({
            "id": id, "tenant_id": tenant_id, "version": 1, "created_at": now, "updated_at": now,
            "name": "Cash", "type": "cash", "is_active": true,
        });
        changes.push(crate::feed::Change {
            tenant_id,
            entity: "payment_method",
            entity_id: id,
            op: "upsert",
            version: 1,
            outlet_id: None,
            data: data.to_string(),
            updated_at: now.clone(),
        });
    }
    crate::feed::append(conn, changes).await
}

/// Live payment methods of the tenant among `ids` (`conn`: a reader, or the transaction at hand:
/// a transaction must never wait for a second connection of the pool it holds one of).
pub async fn payment_methods_by_ids(
    conn: &mut sqlx::AnyConnection,
    tenant_id: &str,
    ids: &[String],
) -> Result<Vec<PaymentMethod>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = crate::sql::Sql::new(format!("SELECT {} FROM payment_methods WHERE ", PAYMENT_METHODS.select_list()));
    sql.tenant_check("tenant_id", tenant_id).push(" AND deleted_at IS NULL AND id IN ").bind_list(ids);
    Ok(sql.query_as().fetch_all(conn).await?)
}

/// The tenant's first active cash method (refunds paid back without naming a method).
pub async fn cash_method(conn: &mut sqlx::AnyConnection, tenant_id: &str) -> Result<Option<PaymentMethod>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {} FROM payment_methods WHERE tenant_id = $1 AND type = 'cash' AND is_active = 1 AND deleted_at IS NULL
         ORDER BY created_at, id LIMIT 1",
        PAYMENT_METHODS.select_list()
    ))
    .bind(tenant_id)
    .fetch_optional(conn)
    .await?)
}

pub static CUSTOMERS: ResourceDef = ResourceDef {
    entity: "customer",
    table: "customers",
    columns: &[
        Column::new("name", Text).sort().search(),
        Column::new("name_key", Text),
        Column::new("phone", Text).filter().search(),
        Column::new("email", Text).filter().search(),
        Column::new("address", Text),
        Column::new("notes", Text),
    ],
    outlet_scope: OutletScope::None,
    base_filter: None,
    search_codes: false,
    counted: false,
};

/// A customer of the tenant (shared by its outlets).
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Customer {
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
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub notes: Option<String>,
}
crate::impl_record!(Customer);

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
    #[sqlx(try_from = "i64")]
    #[schema(value_type = bool)]
    pub active: Flag,
}
crate::impl_record!(Voucher);

/// The tenant's live voucher with this code (codes are case-insensitive).
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
pub async fn take_usage(tx: &mut Tx, table: UsageTable, id: &str) -> Result<bool> {
    let sql = format!(
        "UPDATE {} SET usage_count = usage_count + 1 WHERE id = $1 AND (usage_limit IS NULL OR usage_count < usage_limit)",
        table.name()
    );
    Ok(sqlx::query(&sql).bind(id).execute(&mut **tx).await?.rows_affected() == 1)
}

/// Gives back one use (a voided sale).
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
