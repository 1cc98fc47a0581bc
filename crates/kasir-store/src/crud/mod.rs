//! The generic mechanism behind every plain resource (outlets, users, roles, and later the catalog):
//! a [`ResourceDef`] names the table and its columns; these functions list, get, create, update and
//! soft-delete rows of it, tenant-scoped, versioned, audited and fed to the change feed.

mod list;
mod write;

pub(crate) use list::add_to_live_count;
pub use list::{list, recount, SEARCH_COUNT_CAP};
pub use write::{create, create_many, finish_write, soft_delete, update, update_many, ChangedRow, NewRow};

use serde::Serialize;
use sqlx::{any::AnyRow, FromRow};

use crate::{sql::Sql, Db, Result, Scope, StoreError, Tx, Value};

/// How a column may be used in list queries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColType {
    Text,
    Int,
    Bool,
    /// JSON kept as text; never filtered or sorted on.
    Json,
}

#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub ty: ColType,
    /// May be used as `?name=value`.
    pub filter: bool,
    /// May be used as `?sort=name` / `?sort=-name`.
    pub sort: bool,
    /// Matched by `?search=` (case-insensitive, anywhere in the text).
    pub search: bool,
}

impl Column {
    pub const fn new(name: &'static str, ty: ColType) -> Self {
        Column { name, ty, filter: false, sort: false, search: false }
    }
    pub const fn filter(mut self) -> Self {
        self.filter = true;
        self
    }
    pub const fn sort(mut self) -> Self {
        self.sort = true;
        self
    }
    pub const fn search(mut self) -> Self {
        self.search = true;
        self
    }
}

/// How rows relate to outlets, for callers who see only some outlets.
#[derive(Debug, Clone, Copy)]
pub enum OutletScope {
    /// Tenant-wide rows, visible to every caller of the tenant.
    None,
    /// The row is an outlet: its own `id` must be visible.
    SelfId,
    /// The row belongs to the outlet in this column.
    Column(&'static str),
    /// The row concerns the outlets in these columns and is visible from any of them.
    AnyOf(&'static [&'static str]),
    /// A user: visible when they share an outlet with the caller (via `user_outlets`).
    UserOutlets,
}

/// Describes one resource's table.
#[derive(Debug)]
pub struct ResourceDef {
    /// Entity name in the change feed and audit log (`outlet`).
    pub entity: &'static str,
    pub table: &'static str,
    /// Columns besides the common ones (`id`, `tenant_id`, `version`, `created_at`, `updated_at`, `deleted_at`).
    pub columns: &'static [Column],
    pub outlet_scope: OutletScope,
    /// Extra SQL condition every read adds (for example excluding platform users).
    pub base_filter: Option<&'static str>,
    /// Products: `?search=` matches the lower-cased `name_key` anywhere and a prefix of the
    /// record's SKUs and barcodes (`product_codes`), instead of the `search` columns.
    pub search_codes: bool,
    /// Keeps the tenant's number of live records in `live_counts`, so that an unfiltered list's
    /// total is not counted row by row (products, a million of them in a large shop).
    pub counted: bool,
}

const COMMON: [&str; 5] = ["id", "tenant_id", "version", "created_at", "updated_at"];

impl ResourceDef {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    pub(crate) fn select_list(&self) -> String {
        let mut cols: Vec<&str> = COMMON.to_vec();
        cols.extend(self.columns.iter().map(|c| c.name));
        cols.iter().map(|c| format!("{}.{c}", self.table)).collect::<Vec<_>>().join(", ")
    }

    fn sortable(&self, name: &str) -> bool {
        matches!(name, "created_at" | "updated_at") || self.column(name).is_some_and(|c| c.sort)
    }

    /// Appends the tenant, tombstone, base and outlet conditions shared by every read.
    fn push_scope(&self, sql: &mut Sql, scope: &Scope) {
        sql.push(" WHERE ").push(self.table).push(".tenant_id = ").bind(scope.tenant_id.as_str());
        self.push_rest_of_scope(sql, scope);
    }

    /// Like [`ResourceDef::push_scope`], for reads of rows by their ids (see `Sql::tenant_check`).
    fn push_scope_by_ids(&self, sql: &mut Sql, scope: &Scope) {
        sql.push(" WHERE ").tenant_check(&format!("{}.tenant_id", self.table), &scope.tenant_id);
        self.push_rest_of_scope(sql, scope);
    }

    fn push_rest_of_scope(&self, sql: &mut Sql, scope: &Scope) {
        sql.push(" AND ").push(self.table).push(".deleted_at IS NULL");
        if let Some(f) = self.base_filter {
            sql.push(" AND ").push(f);
        }
        let Some(outlets) = &scope.outlets else {
            return;
        };
        if outlets.is_empty() && !matches!(self.outlet_scope, OutletScope::None) {
            sql.push(" AND 1 = 0");
            return;
        }
        match self.outlet_scope {
            OutletScope::None => {}
            OutletScope::SelfId => {
                sql.push(" AND ").push(self.table).push(".id IN ").bind_list(outlets);
            }
            OutletScope::Column(col) => {
                sql.push(" AND ").push(self.table).push(".").push(col).push(" IN ").bind_list(outlets);
            }
            OutletScope::AnyOf(cols) => {
                sql.push(" AND (1 = 0");
                for col in cols {
                    sql.push(" OR ").push(self.table).push(".").push(col).push(" IN ").bind_list(outlets);
                }
                sql.push(")");
            }
            OutletScope::UserOutlets => {
                sql.push(" AND EXISTS (SELECT 1 FROM user_outlets uo WHERE uo.user_id = ")
                    .push(self.table)
                    .push(".id AND uo.outlet_id IN ")
                    .bind_list(outlets)
                    .push(")");
            }
        }
    }
}

/// A parsed list request. Field names are checked against the definition by [`ListQuery::check`].
#[derive(Debug, Clone)]
pub struct ListQuery {
    pub page: i64,
    pub per_page: i64,
    pub search: Option<String>,
    /// Column and whether descending.
    pub sort: Option<(String, bool)>,
    pub filters: Vec<(String, Value)>,
    /// Column in a set of values (an empty set matches nothing).
    pub in_filters: Vec<(String, Vec<String>)>,
    /// How many matches of each kind a product search counts before it pages in sort order
    /// instead and reports a lower-bound total (see [`SEARCH_COUNT_CAP`]).
    pub count_cap: i64,
    /// Keyset paging (`?cursor=`) instead of `page`: the first page when `after` is none.
    pub keyset: bool,
    pub after: Option<crate::Keyset>,
}

impl Default for ListQuery {
    fn default() -> Self {
        ListQuery {
            page: 1,
            per_page: 20,
            search: None,
            sort: None,
            filters: Vec::new(),
            in_filters: Vec::new(),
            count_cap: SEARCH_COUNT_CAP,
            keyset: false,
            after: None,
        }
    }
}

/// A page of records and the total that match.
#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    /// False when `total` is only a lower bound (a search with very many matches).
    pub total_exact: bool,
    /// Keyset paging: where the next page begins (none on the last page).
    #[serde(skip)]
    pub next: Option<crate::Keyset>,
}

/// Reads one visible, live row, or [`StoreError::NotFound`].
#[tracing::instrument(skip_all)]
pub async fn get<R>(db: &Db, def: &ResourceDef, scope: &Scope, id: &str) -> Result<R>
where
    R: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
{
    let sql = get_sql(def, scope, id);
    sql.query_as::<R>().fetch_optional(db.reader()).await?.ok_or(StoreError::NotFound)
}

/// The visible, live rows among `ids` (in no particular order; unknown ids are left out).
#[tracing::instrument(skip_all)]
pub async fn get_many<R>(db: &Db, def: &ResourceDef, scope: &Scope, ids: &[String]) -> Result<Vec<R>>
where
    R: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
{
    let mut out = Vec::new();
    for chunk in ids.chunks(crate::sql::MAX_PARAMS) {
        let mut sql = Sql::new(format!("SELECT {} FROM {}", def.select_list(), def.table));
        def.push_scope_by_ids(&mut sql, scope);
        sql.push(" AND ").push(def.table).push(".id IN ").bind_list(chunk);
        out.extend(sql.query_as::<R>().fetch_all(db.reader()).await?);
    }
    Ok(out)
}

/// Which of `ids` are visible, live rows of `def`, inside a write transaction.
#[tracing::instrument(skip_all)]
pub async fn existing_ids(tx: &mut Tx, def: &ResourceDef, scope: &Scope, ids: &[String]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(crate::sql::MAX_PARAMS) {
        let mut sql = Sql::new(format!("SELECT {}.id FROM {}", def.table, def.table));
        def.push_scope_by_ids(&mut sql, scope);
        sql.push(" AND ").push(def.table).push(".id IN ").bind_list(chunk);
        out.extend(sql.query_as::<(String,)>().fetch_all(&mut **tx).await?.into_iter().map(|(id,)| id));
    }
    Ok(out)
}

/// Like [`get`], inside a write transaction (sees the transaction's own writes).
#[tracing::instrument(skip_all)]
pub async fn get_in<R>(tx: &mut Tx, def: &ResourceDef, scope: &Scope, id: &str) -> Result<R>
where
    R: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
{
    let sql = get_sql(def, scope, id);
    sql.query_as::<R>().fetch_optional(&mut **tx).await?.ok_or(StoreError::NotFound)
}

fn get_sql(def: &ResourceDef, scope: &Scope, id: &str) -> Sql {
    let mut sql = Sql::new(format!("SELECT {} FROM {}", def.select_list(), def.table));
    def.push_scope(&mut sql, scope);
    sql.push(" AND ").push(def.table).push(".id = ").bind(id);
    sql
}

/// Implements [`Record`] for a struct with `id`, `version` and `updated_at` fields.
#[macro_export]
macro_rules! impl_record {
    ($ty:ty) => {
        impl $crate::crud::Record for $ty {
            fn id(&self) -> &str {
                &self.id
            }
            fn version(&self) -> i64 {
                self.version
            }
            fn updated_at(&self) -> &str {
                &self.updated_at
            }
        }
    };
}

/// What every stored record exposes for the feed and version checks.
pub trait Record: Serialize {
    fn id(&self) -> &str;
    fn version(&self) -> i64;
    fn updated_at(&self) -> &str;
}
