//! The generic mechanism behind every plain resource (outlets, users, roles, and later the catalog):
//! a [`ResourceDef`] names the table and its columns; these functions list, get, create, update and
//! soft-delete rows of it, tenant-scoped, versioned, audited and fed to the change feed.

use serde::Serialize;
use sqlx::{any::AnyRow, FromRow};

use crate::{feed::Change, sql::like_escape, sql::Sql, Backend, Db, Result, Scope, StoreError, Tx, Value};

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
}

/// Lists visible, live rows matching `q`.
pub async fn list<R>(db: &Db, def: &ResourceDef, scope: &Scope, q: &ListQuery) -> Result<Page<R>>
where
    R: for<'r> FromRow<'r, AnyRow> + Record + Send + Unpin,
{
    let term = q.search.as_deref().map(str::trim).filter(|t| !t.is_empty());
    let (sort_col, desc) = match &q.sort {
        Some((c, d)) if def.sortable(c) => (c.as_str(), *d),
        _ => ("created_at", false),
    };
    if let (true, Some(term)) = (def.search_codes, term) {
        return list_matching(db, def, scope, q, term, sort_col, desc).await;
    }
    let mut filter = Sql::new(format!(" FROM {}", def.table));
    push_filters(def, scope, q, &mut filter)?;
    if let Some(term) = term {
        let pattern = format!("%{}%", like_escape(&term.to_lowercase()));
        let searchable: Vec<&Column> = def.columns.iter().filter(|c| c.search).collect();
        if !searchable.is_empty() {
            filter.push(" AND (1 = 0");
            for col in searchable {
                filter.push(" OR LOWER(").push(def.table).push(".").push(col.name).push(") LIKE ");
                filter.bind(pattern.as_str()).push(" ESCAPE '\\'");
            }
            filter.push(")");
        }
    }
    let dir = if desc { " DESC" } else { " ASC" };
    let table = def.table;
    let order = format!(" ORDER BY {table}.{sort_col}{dir}, {table}.id{dir}");
    let offset = (q.page - 1) * q.per_page;
    // The page's ids first, then their rows: the inner query can skip `offset` entries of an
    // index (such as ix_products_live_created) without reading the rows it skips.
    let mut rows =
        Sql::new(format!("SELECT {} FROM {table} WHERE {table}.id IN (SELECT {table}.id", def.select_list()));
    rows.push(&filter.text).push(&order);
    rows.args = filter.args.clone();
    rows.push(" LIMIT ").bind(q.per_page).push(" OFFSET ").bind(offset).push(")").push(&order);
    let items = rows.query_as::<R>().fetch_all(db.reader()).await?;

    // A page that is not full tells the total; counting (a pass over every match) is left for
    // full pages and for empty pages past the first, and skipped where a live count is kept.
    let found = items.len() as i64;
    let unfiltered = q.filters.is_empty()
        && q.in_filters.is_empty()
        && term.is_none()
        && def.base_filter.is_none()
        && (scope.outlets.is_none() || matches!(def.outlet_scope, OutletScope::None));
    let total = if found < q.per_page && (found > 0 || offset == 0) {
        offset + found
    } else if def.counted && unfiltered {
        live_count(db, &scope.tenant_id, def.entity).await?
    } else {
        let mut count = Sql::new("SELECT COUNT(*)");
        count.push(&filter.text);
        count.args = filter.args;
        let (total,): (i64,) = count.query_as().fetch_one(db.reader()).await?;
        total
    };
    Ok(Page { items, total, total_exact: true })
}

/// Appends the scope and the query's filters (a `WHERE` clause) for the rows of `def.table`.
fn push_filters(def: &ResourceDef, scope: &Scope, q: &ListQuery, sql: &mut Sql) -> Result<()> {
    def.push_scope(sql, scope);
    for (name, value) in &q.filters {
        let Some(col) = def.column(name).filter(|c| c.filter) else {
            return Err(StoreError::Corrupt(format!("filter on {name} was not checked")));
        };
        sql.push(" AND ").push(def.table).push(".").push(col.name);
        if matches!(value, Value::Text(None) | Value::Int(None) | Value::Bool(None)) {
            sql.push(" IS NULL");
        } else {
            sql.push(" = ").bind(value.clone());
        }
    }
    for (name, values) in &q.in_filters {
        let Some(col) = def.column(name) else {
            return Err(StoreError::Corrupt(format!("filter on {name} was not checked")));
        };
        if values.is_empty() {
            sql.push(" AND 1 = 0");
        } else {
            sql.push(" AND ").push(def.table).push(".").push(col.name).push(" IN ").bind_list(values);
        }
    }
    Ok(())
}

/// By default a search counts at most this many matches of each kind (names, codes): past it,
/// the page is read in sort order instead and `total` is a lower bound (decision 005).
pub const SEARCH_COUNT_CAP: i64 = 50_000;

/// Products matching `?search=`: the lower-cased name (`name_key`) containing the term, or a SKU
/// or barcode (`product_codes`) starting with it. Each kind of match is found through its own
/// index, and the page and the total come from one pass over at most [`SEARCH_COUNT_CAP`] matches
/// of each kind (`count_cap`), so a search costs what its matches cost, not what the catalog does.
async fn list_matching<R>(
    db: &Db,
    def: &ResourceDef,
    scope: &Scope,
    q: &ListQuery,
    term: &str,
    sort_col: &str,
    desc: bool,
) -> Result<Page<R>>
where
    R: for<'r> FromRow<'r, AnyRow> + Record + Send + Unpin,
{
    let m = Matching { db, def, scope, q, term, key: term.to_lowercase(), sort_col };
    let dir = if desc { " DESC" } else { " ASC" };
    let offset = (q.page - 1) * q.per_page;
    // Codes are counted first on their index alone: a prefix such as a country's barcode
    // digits can match every product, and each code match would otherwise read its product.
    let mut probe = Sql::new("SELECT COUNT(*) FROM (SELECT 1 FROM product_codes pc WHERE pc.tenant_id = ").one_off();
    probe.bind(scope.tenant_id.as_str()).push(" AND pc.code LIKE ").bind(format!("{}%", like_escape(term)));
    probe.push(" ESCAPE '\\' LIMIT ").bind(q.count_cap + 1).push(") p");
    let (code_rows,): (i64,) = probe.query_as().fetch_one(db.reader()).await?;
    if code_rows > q.count_cap {
        return m.walk(dir, offset).await;
    }
    let mut page = m.capped_matches()?;
    page.push(" SELECT m.id, COUNT(*) OVER (), (SELECT COUNT(*) FROM n), (SELECT COUNT(*) FROM c)");
    page.push(&format!(" FROM (SELECT id, k FROM n UNION SELECT id, k FROM c) m ORDER BY m.k{dir}, m.id{dir}"));
    page.push(" LIMIT ").bind(q.per_page).push(" OFFSET ").bind(offset);
    let found: Vec<(String, i64, i64, i64)> = page.query_as().fetch_all(db.reader()).await?;
    let (total, names, codes) = match found.first() {
        Some((_, total, names, codes)) => (*total, *names, *codes),
        None if offset == 0 => (0, 0, 0),
        None => {
            let mut count = m.capped_matches()?;
            count.push(" SELECT (SELECT COUNT(*) FROM (SELECT id FROM n UNION SELECT id FROM c) m),");
            count.push(" (SELECT COUNT(*) FROM n), (SELECT COUNT(*) FROM c)");
            count.query_as::<(i64, i64, i64)>().fetch_one(db.reader()).await?
        }
    };
    if names > q.count_cap || codes > q.count_cap {
        return m.walk(dir, offset).await;
    }
    let ids: Vec<String> = found.into_iter().map(|(id, ..)| id).collect();
    let mut page = rows_by_ids::<R>(db, def, &ids).await?;
    page.total = total;
    Ok(page)
}

/// The pieces of one product search (see [`list_matching`]).
struct Matching<'a> {
    db: &'a Db,
    def: &'a ResourceDef,
    scope: &'a Scope,
    q: &'a ListQuery,
    term: &'a str,
    key: String,
    sort_col: &'a str,
}

impl Matching<'_> {
    fn col(&self, name: &str) -> String {
        format!("{}.{name}", self.def.table)
    }

    /// `WITH n AS (…), c AS (…)`: up to one more than the cap of name matches and of code
    /// matches, as `(id, k)` with `k` the sort column.
    fn capped_matches(&self) -> Result<Sql> {
        let (def, scope, q, table) = (self.def, self.scope, self.q, self.def.table);
        let plain = q.filters.is_empty() && q.in_filters.is_empty() && def.base_filter.is_none();
        let cap = q.count_cap + 1;
        let select = format!("SELECT {} AS id, {} AS k", self.col("id"), self.col(self.sort_col));
        // Patterns are planned with their values (see `Sql::one_off`).
        let mut sql = Sql::new("WITH n AS MATERIALIZED (").one_off();
        if self.db.backend() == Backend::Sqlite && self.key.chars().count() >= 3 {
            // FTS5's trigram index (migration 11) finds any substring of three characters or
            // more. The joins run in the order written (CROSS JOIN fixes it in SQLite); the search
            // keys hold only live products, with their tenant and creation time.
            let fts = " FROM product_search CROSS JOIN product_search_keys psk ON psk.n = product_search.rowid";
            if plain && self.sort_col == "created_at" {
                sql.push(&format!("SELECT psk.product_id AS id, psk.created_at AS k{fts} WHERE "));
            } else {
                sql.push(&format!("{select}{fts} CROSS JOIN {table} ON {table}.id = psk.product_id"));
                push_filters(def, scope, q, &mut sql)?;
                sql.push(" AND ");
            }
            let phrase = format!("\"{}\"", self.key.replace('"', "\"\""));
            sql.push("product_search MATCH ").bind(phrase).push(" AND psk.tenant_id = ");
            sql.bind(scope.tenant_id.as_str());
        } else {
            // pg_trgm's index on PostgreSQL (migration 10); shorter terms scan the names.
            sql.push(&format!("{select} FROM {table}"));
            push_filters(def, scope, q, &mut sql)?;
            sql.push(&format!(" AND {} LIKE ", self.col("name_key")));
            sql.bind(format!("%{}%", like_escape(&self.key))).push(" ESCAPE '\\'");
        }
        sql.push(" LIMIT ").bind(cap).push("), c AS MATERIALIZED (");
        sql.push(&format!("{select} FROM product_codes pc JOIN {table} ON {table}.id = pc.product_id"));
        push_filters(def, scope, q, &mut sql)?;
        sql.push(" AND pc.tenant_id = ").bind(scope.tenant_id.as_str()).push(" AND pc.code LIKE ");
        sql.bind(format!("{}%", like_escape(self.term))).push(" ESCAPE '\\'");
        sql.push(" LIMIT ").bind(cap).push(")");
        Ok(sql)
    }

    /// A page of a search with too many matches to sort them all: the products in sort order,
    /// each tested, and a total that is exact only on the last page.
    async fn walk<R>(&self, dir: &str, offset: i64) -> Result<Page<R>>
    where
        R: for<'r> FromRow<'r, AnyRow> + Record + Send + Unpin,
    {
        let (def, q) = (self.def, self.q);
        let mut walk = Sql::new(format!("SELECT {} FROM {}", self.col("id"), def.table)).one_off();
        push_filters(def, self.scope, q, &mut walk)?;
        walk.push(&format!(" AND ({} LIKE ", self.col("name_key")));
        walk.bind(format!("%{}%", like_escape(&self.key)))
            .push(" ESCAPE '\\' OR EXISTS (SELECT 1 FROM product_codes pc");
        walk.push(&format!(" WHERE pc.product_id = {} AND pc.code LIKE ", self.col("id")));
        walk.bind(format!("{}%", like_escape(self.term))).push(" ESCAPE '\\'))");
        walk.push(&format!(" ORDER BY {}{dir}, {}{dir} LIMIT ", self.col(self.sort_col), self.col("id")));
        walk.bind(q.per_page).push(" OFFSET ").bind(offset);
        let ids: Vec<String> =
            walk.query_as::<(String,)>().fetch_all(self.db.reader()).await?.into_iter().map(|(id,)| id).collect();
        let seen = offset + ids.len() as i64;
        let last = (ids.len() as i64) < q.per_page && (!ids.is_empty() || offset == 0);
        let mut page = rows_by_ids::<R>(self.db, def, &ids).await?;
        page.total = if last { seen } else { seen.max(q.count_cap) };
        page.total_exact = last;
        Ok(page)
    }
}

/// The rows of `ids`, in that order.
async fn rows_by_ids<R>(db: &Db, def: &ResourceDef, ids: &[String]) -> Result<Page<R>>
where
    R: for<'r> FromRow<'r, AnyRow> + Record + Send + Unpin,
{
    if ids.is_empty() {
        return Ok(Page { items: Vec::new(), total: 0, total_exact: true });
    }
    let mut rows = Sql::new(format!("SELECT {} FROM {} WHERE {}.id IN ", def.select_list(), def.table, def.table));
    rows.bind_list(ids);
    let mut items: Vec<R> = rows.query_as::<R>().fetch_all(db.reader()).await?;
    sort_as(&mut items, ids);
    Ok(Page { items, total: ids.len() as i64, total_exact: true })
}

/// Puts records read by `id IN (…)` back in the order of `ids`.
fn sort_as<R: Record>(records: &mut [R], ids: &[String]) {
    let order: std::collections::HashMap<&str, usize> =
        ids.iter().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
    records.sort_by_key(|r| order.get(r.id()).copied());
}

/// The tenant's number of live records of `entity` (see [`ResourceDef::counted`]).
async fn live_count(db: &Db, tenant_id: &str, entity: &str) -> Result<i64> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT n FROM live_counts WHERE tenant_id = $1 AND entity = $2")
        .bind(tenant_id)
        .bind(entity)
        .fetch_optional(db.reader())
        .await?;
    Ok(row.map_or(0, |(n,)| n))
}

/// Adds `delta` to a tenant's live count; called by [`Tx::commit`].
pub(crate) async fn add_to_live_count(
    conn: &mut sqlx::AnyConnection,
    tenant_id: &str,
    entity: &str,
    delta: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO live_counts (tenant_id, entity, n) VALUES ($1, $2, $3)
         ON CONFLICT (tenant_id, entity) DO UPDATE SET n = live_counts.n + excluded.n",
    )
    .bind(tenant_id)
    .bind(entity)
    .bind(delta)
    .execute(conn)
    .await?;
    Ok(())
}

/// Sets a tenant's live count of `def` from its rows, for tools that write rows directly (the
/// benchmark's bulk fill) and for repairs. Returns the count.
pub async fn recount(db: &Db, def: &ResourceDef, tenant_id: &str) -> Result<i64> {
    let mut tx = db.writer().begin().await?;
    let (n,): (i64,) =
        sqlx::query_as(&format!("SELECT COUNT(*) FROM {} WHERE tenant_id = $1 AND deleted_at IS NULL", def.table))
            .bind(tenant_id)
            .fetch_one(&mut *tx)
            .await?;
    sqlx::query("DELETE FROM live_counts WHERE tenant_id = $1 AND entity = $2")
        .bind(tenant_id)
        .bind(def.entity)
        .execute(&mut *tx)
        .await?;
    add_to_live_count(&mut tx, tenant_id, def.entity, n).await?;
    tx.commit().await?;
    Ok(n)
}

/// Reads one visible, live row, or [`StoreError::NotFound`].
pub async fn get<R>(db: &Db, def: &ResourceDef, scope: &Scope, id: &str) -> Result<R>
where
    R: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
{
    let sql = get_sql(def, scope, id);
    sql.query_as::<R>().fetch_optional(db.reader()).await?.ok_or(StoreError::NotFound)
}

/// The visible, live rows among `ids` (in no particular order; unknown ids are left out).
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

/// Inserts a row with `id` and `values`, then queues its audit entry and feed change.
/// An `id` already used (even by another tenant or a deleted row) gives `Conflict { field: "id" }`.
pub async fn create<R>(tx: &mut Tx, def: &ResourceDef, scope: &Scope, id: &str, values: &[(&str, Value)]) -> Result<R>
where
    R: for<'r> FromRow<'r, AnyRow> + Record + Send + Unpin,
{
    let now = kasir_domain::time::now();
    let mut sql = Sql::new(format!("INSERT INTO {} (id, tenant_id, version, created_at, updated_at", def.table));
    for (name, _) in values {
        sql.push(", ").push(name);
    }
    sql.push(") VALUES (").bind(id).push(", ").bind(scope.tenant_id.as_str()).push(", 1, ");
    sql.bind(now.as_str()).push(", ").bind(now.as_str());
    for (_, v) in values {
        sql.push(", ").bind(v.clone());
    }
    sql.push(")");
    sql.query().execute(&mut **tx).await?;
    // Read back through the caller's scope: a scoped caller may not create what it cannot see.
    let record: R = get_in(tx, def, &Scope::tenant(&scope.tenant_id), id).await?;
    finish_write(tx, def, scope, "create", "upsert", &record);
    Ok(record)
}

/// Updates `values` of a visible row if its version is `expected_version` (when given).
pub async fn update<R>(
    tx: &mut Tx,
    def: &ResourceDef,
    scope: &Scope,
    id: &str,
    expected_version: Option<i64>,
    values: &[(&str, Value)],
) -> Result<R>
where
    R: for<'r> FromRow<'r, AnyRow> + Record + Send + Unpin,
{
    let current: R = get_in(tx, def, scope, id).await?;
    check_version(&current, expected_version)?;
    let mut sql = Sql::new(format!("UPDATE {} SET version = version + 1, updated_at = ", def.table));
    sql.bind(kasir_domain::time::now());
    for (name, v) in values {
        sql.push(", ").push(name).push(" = ").bind(v.clone());
    }
    sql.push(" WHERE id = ").bind(id).push(" AND tenant_id = ").bind(scope.tenant_id.as_str());
    sql.push(" AND version = ").bind(current.version());
    let done = sql.query().execute(&mut **tx).await?;
    if done.rows_affected() != 1 {
        // Someone else committed between our read and our write (PostgreSQL, concurrent writers).
        let now: R = get_in(tx, def, scope, id).await?;
        return Err(StoreError::VersionConflict { current: now.version() });
    }
    let record: R = get_in(tx, def, scope, id).await?;
    finish_write(tx, def, scope, "update", "upsert", &record);
    Ok(record)
}

/// A row for [`create_many`]: its id and column values (the same columns, in the same order, for every row).
pub type NewRow = (String, Vec<(&'static str, Value)>);

/// Inserts many rows with multi-row INSERTs, then queues their audit entries and feed changes.
/// Returns the records in the order given. For bulk writes (imports); ids must be new.
pub async fn create_many<R>(tx: &mut Tx, def: &ResourceDef, scope: &Scope, rows: &[NewRow]) -> Result<Vec<R>>
where
    R: for<'r> FromRow<'r, AnyRow> + Record + Send + Unpin,
{
    let Some((_, first)) = rows.first() else { return Ok(Vec::new()) };
    let now = kasir_domain::time::now();
    for chunk in rows.chunks(crate::sql::rows_per_statement(first.len() + 5)) {
        let mut sql = Sql::new(format!("INSERT INTO {} (id, tenant_id, version, created_at, updated_at", def.table));
        for (name, _) in first {
            sql.push(", ").push(name);
        }
        sql.push(") VALUES ");
        for (i, (id, values)) in chunk.iter().enumerate() {
            debug_assert!(values.iter().map(|(n, _)| n).eq(first.iter().map(|(n, _)| n)));
            sql.push(if i == 0 { "(" } else { ", (" });
            sql.bind(id.as_str()).push(", ").bind(scope.tenant_id.as_str()).push(", 1, ");
            sql.bind(now.as_str()).push(", ").bind(now.as_str());
            for (_, v) in values {
                sql.push(", ").bind(v.clone());
            }
            sql.push(")");
        }
        sql.query().execute(&mut **tx).await?;
    }
    let ids: Vec<String> = rows.iter().map(|(id, _)| id.clone()).collect();
    finish_many(tx, def, scope, "create", &ids).await
}

/// A row for [`update_many`]: id, the version it was read at, and the values to set.
pub type ChangedRow = (String, i64, Vec<(&'static str, Value)>);

/// Updates many rows the caller has read (each at the version given), then queues their audit
/// entries and feed changes. A row changed meanwhile gives `VersionConflict`.
pub async fn update_many<R>(tx: &mut Tx, def: &ResourceDef, scope: &Scope, rows: &[ChangedRow]) -> Result<Vec<R>>
where
    R: for<'r> FromRow<'r, AnyRow> + Record + Send + Unpin,
{
    let now = kasir_domain::time::now();
    for (id, version, values) in rows {
        let mut sql = Sql::new(format!("UPDATE {} SET version = version + 1, updated_at = ", def.table));
        sql.bind(now.as_str());
        for (name, v) in values {
            sql.push(", ").push(name).push(" = ").bind(v.clone());
        }
        sql.push(" WHERE id = ").bind(id.as_str()).push(" AND tenant_id = ").bind(scope.tenant_id.as_str());
        sql.push(" AND deleted_at IS NULL AND version = ").bind(*version);
        if sql.query().execute(&mut **tx).await?.rows_affected() != 1 {
            return Err(StoreError::VersionConflict { current: version + 1 });
        }
    }
    let ids: Vec<String> = rows.iter().map(|(id, _, _)| id.clone()).collect();
    finish_many(tx, def, scope, "update", &ids).await
}

/// Reads back rows just written (in the order of `ids`) and queues their audit entries and changes.
async fn finish_many<R>(tx: &mut Tx, def: &ResourceDef, scope: &Scope, action: &str, ids: &[String]) -> Result<Vec<R>>
where
    R: for<'r> FromRow<'r, AnyRow> + Record + Send + Unpin,
{
    let mut records: Vec<R> = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(crate::sql::MAX_PARAMS) {
        // By id alone: these rows were just written in this tenant. (With a tenant condition as
        // well, SQLite without statistics walks the tenant's index instead of the primary key.)
        let mut sql = Sql::new(format!("SELECT {} FROM {} WHERE {}.id IN ", def.select_list(), def.table, def.table));
        sql.bind_list(chunk);
        let mut found: Vec<R> = sql.query_as::<R>().fetch_all(&mut **tx).await?;
        sort_as(&mut found, chunk);
        records.extend(found);
    }
    for r in &records {
        finish_write(tx, def, scope, action, "upsert", r);
    }
    Ok(records)
}

/// Marks a visible row deleted (a tombstone that devices pull as `op: delete`).
pub async fn soft_delete<R>(
    tx: &mut Tx,
    def: &ResourceDef,
    scope: &Scope,
    id: &str,
    expected_version: Option<i64>,
) -> Result<R>
where
    R: for<'r> FromRow<'r, AnyRow> + Record + Send + Unpin,
{
    let current: R = get_in(tx, def, scope, id).await?;
    check_version(&current, expected_version)?;
    let now = kasir_domain::time::now();
    let mut sql = Sql::new(format!("UPDATE {} SET version = version + 1, updated_at = ", def.table));
    sql.bind(now.as_str()).push(", deleted_at = ").bind(now.as_str());
    sql.push(" WHERE id = ").bind(id).push(" AND tenant_id = ").bind(scope.tenant_id.as_str());
    sql.push(" AND version = ").bind(current.version());
    if sql.query().execute(&mut **tx).await?.rows_affected() != 1 {
        return Err(StoreError::VersionConflict { current: current.version() + 1 });
    }
    let mut read = Sql::new(format!("SELECT {} FROM {} WHERE id = ", def.select_list(), def.table));
    read.bind(id);
    let record: R = read.query_as::<R>().fetch_one(&mut **tx).await?;
    finish_write(tx, def, scope, "delete", "delete", &record);
    Ok(record)
}

fn check_version<R: Record>(current: &R, expected: Option<i64>) -> Result<()> {
    match expected {
        Some(v) if v != current.version() => Err(StoreError::VersionConflict { current: current.version() }),
        _ => Ok(()),
    }
}

/// Queues the audit entry and change-feed row of a write to `record`.
pub fn finish_write<R: Record>(
    tx: &mut Tx,
    def: &ResourceDef,
    scope: &Scope,
    action: &str,
    op: &'static str,
    record: &R,
) {
    let data = serde_json::to_value(record).unwrap_or(serde_json::Value::Null);
    if def.counted {
        match action {
            "create" => tx.count_live(&scope.tenant_id, def.entity, 1),
            "delete" => tx.count_live(&scope.tenant_id, def.entity, -1),
            _ => {}
        }
    }
    tx.audit(
        Some(&scope.tenant_id),
        &format!("{}.{action}", def.entity),
        def.entity,
        Some(record.id()),
        serde_json::json!({ "version": record.version() }),
    );
    let column = |col: &str| data.get(col).and_then(|v| v.as_str()).map(str::to_string);
    // One feed row per outlet the record concerns, so every outlet's devices receive it.
    let mut outlets: Vec<Option<String>> = match def.outlet_scope {
        OutletScope::SelfId => vec![Some(record.id().to_string())],
        OutletScope::Column(col) => vec![column(col)],
        OutletScope::AnyOf(cols) => cols.iter().map(|c| column(c)).collect(),
        OutletScope::None | OutletScope::UserOutlets => vec![None],
    };
    outlets.dedup();
    let text = data.to_string();
    for outlet_id in outlets {
        tx.record_change(Change {
            tenant_id: scope.tenant_id.clone(),
            entity: def.entity,
            entity_id: record.id().to_string(),
            op,
            version: record.version(),
            outlet_id,
            data: text.clone(),
            updated_at: record.updated_at().to_string(),
        });
    }
}
