//! The restaurant's plain resources: halls, tables, kitchen stations, and table sessions.

pub mod orders;

use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    crud::{ColType::*, Column, OutletScope, ResourceDef},
    Db, JsonText, Result, Tx,
};

pub static HALLS: ResourceDef = ResourceDef {
    entity: "hall",
    table: "halls",
    columns: &[
        Column::new("outlet_id", Text).filter(),
        Column::new("name", Text).sort().search(),
        Column::new("name_key", Text),
    ],
    outlet_scope: OutletScope::Column("outlet_id"),
    base_filter: None,
    search_codes: false,
    counted: false,
};

/// A room or area of an outlet (terrace, first floor).
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Hall {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    #[schema(format = Uuid)]
    pub outlet_id: String,
    pub name: String,
    #[serde(skip)]
    #[schema(ignore)]
    pub name_key: String,
}
crate::impl_record!(Hall);

pub static TABLES: ResourceDef = ResourceDef {
    entity: "table",
    table: "tables",
    columns: &[
        Column::new("outlet_id", Text).filter(),
        Column::new("hall_id", Text).filter(),
        Column::new("name", Text).sort().search(),
        Column::new("name_key", Text),
        Column::new("seats", Int).filter().sort(),
        Column::new("status", Text).filter(),
    ],
    outlet_scope: OutletScope::Column("outlet_id"),
    base_filter: None,
    search_codes: false,
    counted: false,
};

/// The statuses a table may be in.
pub const TABLE_STATUSES: &[&str] = &["free", "occupied", "reserved"];

/// A table guests sit at.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Table {
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
    pub hall_id: Option<String>,
    pub name: String,
    #[serde(skip)]
    #[schema(ignore)]
    pub name_key: String,
    pub seats: i64,
    /// `free`, `occupied` or `reserved`.
    pub status: String,
}
crate::impl_record!(Table);

pub static STATIONS: ResourceDef = ResourceDef {
    entity: "station",
    table: "stations",
    columns: &[
        Column::new("outlet_id", Text).filter(),
        Column::new("name", Text).sort().search(),
        Column::new("name_key", Text),
        Column::new("category_ids", Json),
    ],
    outlet_scope: OutletScope::None,
    base_filter: None,
    search_codes: false,
    counted: false,
};

/// A kitchen station (bar, grill): it prepares the items of its categories.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Station {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    /// The outlet it is at; none for every outlet.
    #[schema(format = Uuid)]
    pub outlet_id: Option<String>,
    pub name: String,
    #[serde(skip)]
    #[schema(ignore)]
    pub name_key: String,
    #[sqlx(try_from = "String")]
    #[schema(value_type = Vec<String>)]
    pub category_ids: JsonText<Vec<String>>,
}
crate::impl_record!(Station);

/// The stations of the tenant that serve `outlet_id` (its own and those of every outlet).
#[tracing::instrument(skip_all)]
pub async fn stations_for(db: &Db, tenant_id: &str, outlet_id: &str) -> Result<Vec<Station>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {} FROM stations WHERE tenant_id = $1 AND deleted_at IS NULL AND (outlet_id IS NULL OR outlet_id = $2)
         ORDER BY created_at, id",
        STATIONS.select_list()
    ))
    .bind(tenant_id)
    .bind(outlet_id)
    .fetch_all(db.reader())
    .await?)
}

/// The parent of every live category of the tenant (to route an item by its category's ancestors).
#[tracing::instrument(skip_all)]
pub async fn category_parents(db: &Db, tenant_id: &str) -> Result<std::collections::HashMap<String, Option<String>>> {
    let rows: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT id, parent_id FROM categories WHERE tenant_id = $1 AND deleted_at IS NULL")
            .bind(tenant_id)
            .fetch_all(db.reader())
            .await?;
    Ok(rows.into_iter().collect())
}

/// The station that prepares items of `category_id`: the first one mapped to it, or else to
/// the nearest of its parent categories.
pub fn station_of<'a>(
    stations: &'a [Station],
    parents: &std::collections::HashMap<String, Option<String>>,
    category_id: Option<&str>,
) -> Option<&'a Station> {
    let mut at = category_id.map(str::to_string);
    // Bounded: a corrupt cycle of parents cannot loop forever.
    for _ in 0..32 {
        let c = at?;
        if let Some(s) = stations.iter().find(|s| s.category_ids.0.contains(&c)) {
            return Some(s);
        }
        at = parents.get(&c).cloned().flatten();
    }
    None
}

pub static TABLE_SESSIONS: ResourceDef = ResourceDef {
    entity: "table_session",
    table: "table_sessions",
    columns: &[
        Column::new("outlet_id", Text).filter(),
        Column::new("table_id", Text).filter(),
        Column::new("token", Text),
        Column::new("status", Text).filter(),
        Column::new("expires_at", Text).sort(),
        Column::new("opened_by", Text),
        Column::new("closed_at", Text),
    ],
    outlet_scope: OutletScope::Column("outlet_id"),
    base_filter: None,
    search_codes: false,
    counted: false,
};

/// A table's ordering session: its token, in the table's QR code, lets guests order there.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct TableSession {
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
    pub table_id: String,
    /// 256 random bits, URL-safe: whoever has it may order at the table.
    pub token: String,
    /// `open` or `closed`.
    pub status: String,
    pub expires_at: String,
    #[schema(format = Uuid)]
    pub opened_by: Option<String>,
    pub closed_at: Option<String>,
}
crate::impl_record!(TableSession);

/// The open, unexpired session with this token (any tenant: the token is the credential).
#[tracing::instrument(skip_all)]
pub async fn session_by_token(db: &Db, token: &str) -> Result<Option<TableSession>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {} FROM table_sessions WHERE token = $1 AND status = 'open' AND expires_at > $2 AND deleted_at IS NULL",
        TABLE_SESSIONS.select_list()
    ))
    .bind(token)
    .bind(kasir_domain::time::now())
    .fetch_optional(db.reader())
    .await?)
}

/// Sets a table's status (inside the transaction that changes what sits at it); the feed hears of it.
#[tracing::instrument(skip_all)]
pub async fn set_table_status(
    tx: &mut Tx,
    scope: &crate::Scope,
    table_id: &str,
    status: &str,
) -> Result<Option<Table>> {
    let current: Table = crate::crud::get_in(tx, &TABLES, scope, table_id).await?;
    if current.status == status {
        return Ok(None);
    }
    let table: Table =
        crate::crud::update(tx, &TABLES, scope, table_id, None, &[("status", crate::Value::from(status))]).await?;
    Ok(Some(table))
}

/// The open session of a table, expired or not, inside a write transaction.
#[tracing::instrument(skip_all)]
pub async fn open_session_of(tx: &mut Tx, table_id: &str) -> Result<Option<TableSession>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {} FROM table_sessions WHERE table_id = $1 AND status = 'open' AND deleted_at IS NULL",
        TABLE_SESSIONS.select_list()
    ))
    .bind(table_id)
    .fetch_optional(&mut **tx)
    .await?)
}

/// Closes a table session (the feed hears of it).
#[tracing::instrument(skip_all)]
pub async fn close_session(tx: &mut Tx, scope: &crate::Scope, id: &str) -> Result<TableSession> {
    let now = kasir_domain::time::now();
    crate::crud::update(
        tx,
        &TABLE_SESSIONS,
        scope,
        id,
        None,
        &[
            ("status", crate::Value::from(kasir_domain::TableSessionStatus::Closed.as_str())),
            ("closed_at", crate::Value::from(now)),
        ],
    )
    .await
}

/// Locks a table session's row until commit (PostgreSQL; SQLite's writer is already alone), so
/// that one session's guest orders are placed one at a time. `None` once it is closed or expired.
#[tracing::instrument(skip_all)]
pub async fn lock_open_session(tx: &mut Tx, id: &str) -> Result<Option<TableSession>> {
    let lock = if tx.backend() == crate::Backend::Postgres { " FOR UPDATE" } else { "" };
    Ok(sqlx::query_as(&format!(
        "SELECT {} FROM table_sessions WHERE id = $1 AND status = 'open' AND expires_at > $2 AND deleted_at IS NULL{lock}",
        TABLE_SESSIONS.select_list()
    ))
    .bind(id)
    .bind(kasir_domain::time::now())
    .fetch_optional(&mut **tx)
    .await?)
}
