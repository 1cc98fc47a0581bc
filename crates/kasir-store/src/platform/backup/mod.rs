//! Backups in one portable format, for either engine: the whole database (`kasir backup`,
//! `kasir restore`) or one tenant (`GET /tenants/:id/export`, `POST /tenants/import`).
//!
//! A backup is gzip-compressed JSON Lines, read and written as a stream (a 1 GB database never
//! sits in memory). Control lines are objects with a `kind`; rows are arrays:
//!
//! ```text
//! {"kind":"header","format":"kasir-backup","version":1,"schema":18,"scope":"database","tenant_id":null,...}
//! {"kind":"table","name":"tenants","columns":["id","name",...],"types":["text","text",...]}
//! ["0b6f…","Kopi Kita",...]
//! {"kind":"end_table","name":"tenants","rows":1}
//! …
//! {"kind":"end","tables":57,"rows":123456}
//! ```
//!
//! Values are `null`, integers (`int` columns) and strings (`text` columns): the schema keeps to
//! those two types on both engines. The dump reads every table in one snapshot (a read
//! transaction on SQLite's WAL, `REPEATABLE READ` on PostgreSQL), so sales may go on meanwhile.
//! A load runs in one transaction and is refused whole unless every table's row count and the
//! closing line are there: a truncated file loads nothing.

use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

use crate::{Backend, Result, StoreError};

mod dump;
mod load;

pub use dump::dump;
pub use load::{import_tenant, restore};

/// The format's version; a reader refuses files of a later one.
pub const FORMAT_VERSION: i64 = 1;
pub(super) const FORMAT: &str = "kasir-backup";

/// A table in a backup, in load order (a table comes after the tables it references).
pub(super) struct Table {
    pub(super) name: &'static str,
    /// Which of its rows belong to tenant `$1`, for a tenant's export; `None`: the platform's own.
    pub(super) tenant: Option<&'static str>,
    /// Columns that reference rows of the same table: loaded empty, then set once every row is in
    /// (a child may come before its parent).
    pub(super) self_refs: &'static [&'static str],
}

const fn owned(name: &'static str) -> Table {
    Table { name, tenant: Some("tenant_id = $1"), self_refs: &[] }
}

const fn via(name: &'static str, tenant: &'static str) -> Table {
    Table { name, tenant: Some(tenant), self_refs: &[] }
}

const fn platform(name: &'static str) -> Table {
    Table { name, tenant: None, self_refs: &[] }
}

const OUTLET_OF_TENANT: &str = "outlet_id IN (SELECT id FROM outlets WHERE tenant_id = $1)";

/// Every table of the schema, in an order that satisfies its references. A dump refuses a
/// database with a table missing here, so a migration that adds one must add it here too.
pub(super) const TABLES: &[Table] = &[
    platform("settings"),
    via("tenants", "id = $1"),
    owned("feed_heads"),
    owned("changes"),
    owned("outlets"),
    owned("roles"),
    owned("users"),
    owned("user_outlets"),
    via("auth_sessions", "user_id IN (SELECT id FROM users WHERE tenant_id = $1)"),
    via(
        "refresh_tokens",
        "session_id IN (SELECT s.id FROM auth_sessions s JOIN users u ON u.id = s.user_id WHERE u.tenant_id = $1)",
    ),
    owned("api_keys"),
    platform("login_throttle"),
    owned("audit_logs"),
    via("idempotency_keys", "scope = $1"),
    Table { name: "categories", tenant: Some("tenant_id = $1"), self_refs: &["parent_id"] },
    owned("brands"),
    owned("taxes"),
    owned("modifier_groups"),
    owned("warehouses"),
    owned("products"),
    owned("product_codes"),
    owned("stock_levels"),
    owned("stock_movements"),
    owned("stock_adjustments"),
    owned("events"),
    owned("stock_transfers"),
    owned("suppliers"),
    owned("purchases"),
    owned("purchase_returns"),
    owned("change_staging"),
    owned("live_counts"),
    owned("payment_methods"),
    owned("shifts"),
    owned("cash_movements"),
    owned("customers"),
    owned("customer_accounts"),
    owned("customer_codes"),
    via("customer_sessions", "account_id IN (SELECT id FROM customer_accounts WHERE tenant_id = $1)"),
    via(
        "customer_refresh_tokens",
        "session_id IN (SELECT s.id FROM customer_sessions s JOIN customer_accounts a ON a.id = s.account_id WHERE a.tenant_id = $1)",
    ),
    owned("customer_addresses"),
    owned("customer_points"),
    owned("customer_wallet"),
    owned("customer_referrals"),
    owned("marketing_offers"),
    owned("faqs"),
    owned("promotions"),
    owned("vouchers"),
    owned("voucher_redemptions"),
    via("sale_numbers", OUTLET_OF_TENANT),
    owned("sales"),
    owned("sale_items"),
    owned("sale_payments"),
    owned("sale_discounts"),
    owned("refunds"),
    owned("refund_items"),
    owned("refund_payments"),
    owned("expense_categories"),
    owned("expenses"),
    owned("halls"),
    owned("tables"),
    owned("table_sessions"),
    owned("stations"),
    via("order_numbers", OUTLET_OF_TENANT),
    owned("orders"),
    owned("order_items"),
    owned("jobs"),
    platform("rate_counters"),
    owned("files"),
    owned("temp_files"),
    owned("messages"),
    owned("push_tokens"),
    owned("devices"),
    owned("sync_ledger"),
    owned("sync_conflicts"),
    owned("licenses"),
    owned("license_activations"),
    owned("payment_gateways"),
    owned("gateway_payments"),
    owned("gateway_payment_history"),
    owned("payouts"),
    owned("departments"),
    owned("positions"),
    owned("employees"),
    owned("work_shifts"),
    owned("rosters"),
    owned("holidays"),
    owned("attendance_locations"),
    owned("attendance"),
    owned("leave_types"),
    owned("leave_balances"),
    owned("leave_requests"),
    owned("permits"),
    owned("employee_advances"),
    owned("employee_deductions"),
    owned("freelancers"),
    owned("freelancer_projects"),
    owned("asset_categories"),
    owned("assets"),
    owned("asset_assignments"),
    owned("vehicles"),
    owned("drivers"),
    owned("driver_locations"),
    owned("tickets"),
    owned("ticket_comments"),
    owned("meeting_rooms"),
    owned("meeting_bookings"),
    owned("branding_approvals"),
    owned("branding_reviews"),
    owned("cms_posts"),
    owned("cms_pages"),
    owned("cms_ads"),
    owned("cms_vacancies"),
    owned("cms_drop_points"),
];

/// Tables that are not data: the migrations' record (the header carries the schema version) and
/// what an engine derives from the data by itself (SQLite's name search, kept by triggers).
pub(super) fn derived(name: &str) -> bool {
    name == "schema_migrations" || name.starts_with("sqlite_") || name.starts_with("product_search")
}

pub(super) fn table(name: &str) -> Option<&'static Table> {
    TABLES.iter().find(|t| t.name == name)
}

/// What a backup holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    Database,
    Tenant(String),
}

/// The first line of a backup.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Header {
    pub format: String,
    pub version: i64,
    /// The schema version (the last migration) the data was written at.
    pub schema: i64,
    /// `database` or `tenant`.
    pub scope: String,
    pub tenant_id: Option<String>,
    /// The engine it was taken from (informative).
    pub engine: String,
    pub created_at: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(super) enum Control {
    Header(Header),
    Table { name: String, columns: Vec<String>, types: Vec<Kind> },
    EndTable { name: String, rows: u64 },
    End { tables: u64, rows: u64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum Kind {
    Int,
    Text,
}

/// One value of a row.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Cell {
    Null,
    Int(i64),
    Text(String),
}

impl Serialize for Cell {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Cell::Null => s.serialize_unit(),
            Cell::Int(n) => s.serialize_i64(*n),
            Cell::Text(t) => s.serialize_str(t),
        }
    }
}

impl<'de> Deserialize<'de> for Cell {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Cell, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Cell;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("null, an integer or a string")
            }
            fn visit_unit<E>(self) -> std::result::Result<Cell, E> {
                Ok(Cell::Null)
            }
            fn visit_i64<E>(self, n: i64) -> std::result::Result<Cell, E> {
                Ok(Cell::Int(n))
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> std::result::Result<Cell, E> {
                i64::try_from(n).map(Cell::Int).map_err(|_| E::custom("an integer past 64 bits"))
            }
            fn visit_str<E>(self, t: &str) -> std::result::Result<Cell, E> {
                Ok(Cell::Text(t.to_string()))
            }
            fn visit_string<E>(self, t: String) -> std::result::Result<Cell, E> {
                Ok(Cell::Text(t))
            }
        }
        d.deserialize_any(V)
    }
}

/// How much a dump or a load moved.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub tables: u64,
    pub rows: u64,
}

pub(super) fn invalid(message: impl Into<String>) -> StoreError {
    StoreError::Backup(message.into())
}

/// The tables a connection's database has, and each one's columns with their kinds.
pub(super) async fn catalog(conn: &mut AnyConnection, backend: Backend) -> Result<Vec<(String, Vec<(String, Kind)>)>> {
    let names: Vec<(String,)> = match backend {
        Backend::Sqlite => {
            sqlx::query_as("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                .fetch_all(&mut *conn)
                .await?
        }
        Backend::Postgres => {
            sqlx::query_as(
                "SELECT CAST(table_name AS TEXT) FROM information_schema.tables
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1",
            )
            .fetch_all(&mut *conn)
            .await?
        }
    };
    let mut tables = Vec::new();
    for (name,) in names.into_iter().filter(|(n,)| !derived(n)) {
        let columns: Vec<(String, String)> = match backend {
            Backend::Sqlite => {
                sqlx::query_as("SELECT name, type FROM pragma_table_info($1) ORDER BY cid")
                    .bind(&name)
                    .fetch_all(&mut *conn)
                    .await?
            }
            Backend::Postgres => {
                sqlx::query_as(
                    "SELECT CAST(column_name AS TEXT), CAST(data_type AS TEXT) FROM information_schema.columns
                     WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
                )
                .bind(&name)
                .fetch_all(&mut *conn)
                .await?
            }
        };
        let mut kinds = Vec::with_capacity(columns.len());
        for (column, ty) in columns {
            let ty = ty.to_ascii_lowercase();
            let kind = if ty.contains("int") {
                Kind::Int
            } else if ty.contains("text") || ty.contains("char") {
                Kind::Text
            } else {
                return Err(StoreError::Corrupt(format!(
                    "{name}.{column} is of type {ty}, which backups do not carry"
                )));
            };
            kinds.push((column, kind));
        }
        tables.push((name, kinds));
    }
    Ok(tables)
}

pub(super) fn quoted(name: &str) -> String {
    format!("\"{name}\"")
}
