//! Listing plain resources: filters, search (by name words or codes), sorting and paging, with
//! counts kept per tenant so that big lists do not count on every page.

use sqlx::{any::AnyRow, FromRow};

use crate::{sql::like_escape, sql::Sql, Backend, Db, KeyValue, Keyset, Result, Scope, StoreError, Value};

use super::{ColType, Column, ListQuery, OutletScope, Page, Record, ResourceDef};

/// Lists visible, live rows matching `q`.
#[tracing::instrument(skip_all)]
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
        if q.keyset {
            return Err(StoreError::Corrupt("a product search pages by number, not by cursor".into()));
        }
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
    if q.keyset {
        return list_after(db, def, q, filter, (sort_col, desc)).await;
    }
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
    Ok(Page { items, total, total_exact: true, next: None })
}

/// A keyset page (`?cursor=`) of the rows `filter` (`FROM … WHERE …`) selects: those after
/// `q.after` in the order of `sort`, read through the sort column's index however deep, and
/// where the next page begins. No total: counting would cost what the offset did.
async fn list_after<R>(
    db: &Db,
    def: &ResourceDef,
    q: &ListQuery,
    filter: Sql,
    (sort_col, desc): (&str, bool),
) -> Result<Page<R>>
where
    R: for<'r> FromRow<'r, AnyRow> + Record + Send + Unpin,
{
    let table = def.table;
    if q.after.as_ref().is_some_and(|k| k.sort != sort_col || k.desc != desc) {
        return Err(StoreError::Corrupt("the cursor's order was not checked".into()));
    }
    let (columns, sort, id) =
        (format!("{table}.id, {table}.{sort_col}"), format!("{table}.{sort_col}"), format!("{table}.id"));
    let key = (sort.as_str(), id.as_str());
    let (found, more): (Vec<(String, KeyValue)>, bool) = if def.column(sort_col).is_some_and(|c| c.ty == ColType::Int) {
        let (rows, more) =
            filter.keyset_page::<(String, i64)>(db, &columns, key, desc, q.after.as_ref(), q.per_page).await?;
        (rows.into_iter().map(|(id, v)| (id, KeyValue::Int(v))).collect(), more)
    } else {
        let (rows, more) =
            filter.keyset_page::<(String, String)>(db, &columns, key, desc, q.after.as_ref(), q.per_page).await?;
        (rows.into_iter().map(|(id, v)| (id, KeyValue::Text(v))).collect(), more)
    };
    let next = match found.last() {
        Some((id, value)) if more => {
            Some(Keyset { sort: sort_col.to_string(), desc, value: value.clone(), id: id.clone() })
        }
        _ => None,
    };
    let ids: Vec<String> = found.into_iter().map(|(id, _)| id).collect();
    let mut page = rows_by_ids::<R>(db, def, &ids).await?;
    page.next = next;
    Ok(page)
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
        // Besides the definition's columns, a list may be limited to some records by `id`.
        let Some(col) = (if name == "id" { Some("id") } else { def.column(name).map(|c| c.name) }) else {
            return Err(StoreError::Corrupt(format!("filter on {name} was not checked")));
        };
        if values.is_empty() {
            sql.push(" AND 1 = 0");
        } else {
            sql.push(" AND ").push(def.table).push(".").push(col).push(" IN ").bind_list(values);
        }
    }
    Ok(())
}

/// By default a search counts at most this many matches of each kind (names, codes): past it,
/// the page is read in sort order instead and `total` is a lower bound (decision 005).
pub const SEARCH_COUNT_CAP: i64 = 1_000;

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
        // The tenant too: the codes' prefix index begins with it (without it PostgreSQL read
        // the whole index, 200 ms at a million products, for every search that walked).
        walk.push(" WHERE pc.tenant_id = ").bind(self.scope.tenant_id.as_str());
        walk.push(&format!(" AND pc.product_id = {} AND pc.code LIKE ", self.col("id")));
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
        return Ok(Page { items: Vec::new(), total: 0, total_exact: true, next: None });
    }
    let mut rows = Sql::new(format!("SELECT {} FROM {} WHERE {}.id IN ", def.select_list(), def.table, def.table));
    rows.bind_list(ids);
    let mut items: Vec<R> = rows.query_as::<R>().fetch_all(db.reader()).await?;
    sort_as(&mut items, ids);
    Ok(Page { items, total: ids.len() as i64, total_exact: true, next: None })
}

/// Puts records read by `id IN (…)` back in the order of `ids`.
pub(super) fn sort_as<R: Record>(records: &mut [R], ids: &[String]) {
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
#[tracing::instrument(skip_all)]
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
#[tracing::instrument(skip_all)]
pub async fn recount(db: &Db, def: &ResourceDef, tenant_id: &str) -> Result<i64> {
    let mut tx = db.begin(crate::Actor::system()).await?;
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
