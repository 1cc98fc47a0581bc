//! Small helpers for building SQL that both engines accept: `$n` placeholders (SQLite reads them as
//! numbered parameters too), typed values, and JSON kept as text.

use serde::{de::DeserializeOwned, Serialize};
use sqlx::{any::AnyArguments, query::Query, query::QueryAs, Any};

/// A value bound to a query parameter. Only types that mean the same on both engines.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(Option<String>),
    Int(Option<i64>),
    Bool(Option<bool>),
}

impl Value {
    pub fn text(s: impl Into<String>) -> Value {
        Value::Text(Some(s.into()))
    }
    pub fn json<T: Serialize>(v: &T) -> Value {
        Value::Text(Some(serde_json::to_string(v).unwrap_or_else(|_| "null".into())))
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(Some(s.to_string()))
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Text(Some(s))
    }
}
impl From<Option<String>> for Value {
    fn from(s: Option<String>) -> Self {
        Value::Text(s)
    }
}
impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(Some(v))
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(Some(v))
    }
}

/// What a report's sums are clamped to: far past any real takings (a million sales at the money
/// bound), yet a few of them added or taken from each other still fit an `i64`.
pub const SUM_BOUND: i64 = 1_000_000_000_000_000_000;

/// `SUM(col)` as a `BIGINT` that never fails on stored data: 0 for no rows, clamped to
/// ±[`SUM_BOUND`]. PostgreSQL sums `BIGINT` exactly in `NUMERIC`; SQLite's integer `SUM` raises
/// "integer overflow" past the `i64` range, so it sums with `TOTAL` (exact below 2^53).
pub fn sum(backend: crate::Backend, col: &str) -> String {
    match backend {
        crate::Backend::Postgres => {
            format!("CAST(LEAST(GREATEST(COALESCE(SUM({col}), 0), -{SUM_BOUND}), {SUM_BOUND}) AS BIGINT)")
        }
        crate::Backend::Sqlite => format!("CAST(MAX(MIN(TOTAL({col}), {SUM_BOUND}.0), -{SUM_BOUND}.0) AS INTEGER)"),
    }
}

/// Bound parameters per multi-row statement. SQLite resolves each `$n` by a linear search of the
/// statement's parameter names, so binding costs grow with the square of their number: a few
/// hundred keep both that and PostgreSQL's round trips small.
pub(crate) const MAX_PARAMS: usize = 800;

/// How many rows of `params_per_row` parameters one multi-row statement carries.
pub(crate) fn rows_per_statement(params_per_row: usize) -> usize {
    (MAX_PARAMS / params_per_row.max(1)).max(1)
}

/// Where a keyset page begins (`?cursor=`): after the row whose sort value is `value` and id
/// `id`, in the order the cursor was made for. The server hands it to clients as an opaque token.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Keyset {
    #[serde(rename = "s")]
    pub sort: String,
    #[serde(rename = "d")]
    pub desc: bool,
    #[serde(rename = "v")]
    pub value: KeyValue,
    #[serde(rename = "i")]
    pub id: String,
}

impl Keyset {
    /// After the row created at `created_at` with id `id`, newest first.
    pub fn newest(created_at: &str, id: &str) -> Keyset {
        Keyset { sort: "created_at".into(), desc: true, value: KeyValue::Text(created_at.into()), id: id.into() }
    }
}

/// A sort value in a [`Keyset`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum KeyValue {
    Int(i64),
    Text(String),
}

impl From<KeyValue> for Value {
    fn from(v: KeyValue) -> Value {
        match v {
            KeyValue::Int(n) => Value::Int(Some(n)),
            KeyValue::Text(t) => Value::Text(Some(t)),
        }
    }
}

/// A query under construction: SQL text plus its arguments, numbered as they are pushed.
#[derive(Debug, Default, Clone)]
pub(crate) struct Sql {
    pub text: String,
    pub args: Vec<Value>,
    /// Planned afresh with its values each time instead of cached (see [`Sql::one_off`]).
    pub one_off: bool,
}

impl Sql {
    pub fn new(text: impl Into<String>) -> Self {
        Sql { text: text.into(), args: Vec::new(), one_off: false }
    }

    /// Marks the statement to be planned with its actual values each time it runs, not cached
    /// as a prepared statement. PostgreSQL's cached generic plan of `code LIKE $1` cannot use a
    /// prefix index, whose bounds come from the pattern's value.
    pub fn one_off(mut self) -> Self {
        self.one_off = true;
        self
    }

    pub fn push(&mut self, s: &str) -> &mut Self {
        self.text.push_str(s);
        self
    }

    /// Appends a placeholder for `v`.
    pub fn bind(&mut self, v: impl Into<Value>) -> &mut Self {
        self.args.push(v.into());
        self.text.push('$');
        self.text.push_str(&self.args.len().to_string());
        self
    }

    /// Appends `other`, its placeholders numbered on after this one's.
    pub fn splice(&mut self, other: &Sql) -> &mut Self {
        let (text, offset) = (other.text.as_str(), self.args.len());
        let bytes = text.as_bytes();
        let (mut copied, mut i, mut quoted) = (0, 0, false);
        while i < bytes.len() {
            match bytes[i] {
                b'\'' => quoted = !quoted,
                b'$' if !quoted && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                    let digits = bytes[i + 1..].iter().take_while(|b| b.is_ascii_digit()).count();
                    let n: usize = text[i + 1..i + 1 + digits].parse().unwrap_or(0);
                    self.text.push_str(&text[copied..i]);
                    self.text.push('$');
                    self.text.push_str(&(n + offset).to_string());
                    i += 1 + digits;
                    copied = i;
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
        self.text.push_str(&text[copied..]);
        self.args.extend(other.args.iter().cloned());
        self
    }

    /// Appends `column = tenant` for a read of rows by id: written so that no index serves it.
    /// Without statistics, SQLite reckons an equality on a non-unique index matches ten rows,
    /// and prefers `tenant_id = ?` to `id IN (three ids)`, then walks every row of the tenant.
    pub fn tenant_check(&mut self, column: &str, tenant_id: &str) -> &mut Self {
        self.push(column).push(" || '' = ").bind(tenant_id)
    }

    /// Appends `(p1, p2, …)` for a non-empty list.
    pub fn bind_list(&mut self, items: &[String]) -> &mut Self {
        self.text.push('(');
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.text.push_str(", ");
            }
            self.bind(item.as_str());
        }
        self.text.push(')');
        self
    }

    pub fn query(&self) -> Query<'_, Any, AnyArguments<'_>> {
        bind_all(sqlx::query(&self.text), &self.args).persistent(!self.one_off)
    }

    pub fn query_as<T>(&self) -> QueryAs<'_, Any, T, AnyArguments<'_>>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
    {
        let mut q = sqlx::query_as::<Any, T>(&self.text);
        for a in &self.args {
            q = match a {
                Value::Text(v) => q.bind(v.clone()),
                Value::Int(v) => q.bind(*v),
                Value::Bool(v) => q.bind(v.map(i64::from)),
            };
        }
        q.persistent(!self.one_off)
    }

    /// A keyset page, newest first: `per_page` rows of `SELECT columns` + this (a `FROM … WHERE
    /// …`) ordered by `created` (a creation instant) and `id` descending, after the row of
    /// `after` (`(created, id)`), and whether more follow. No count and no offset: every page
    /// costs the same however deep.
    pub async fn newest_after<T>(
        self,
        db: &crate::Db,
        columns: &str,
        key: (&str, &str),
        after: Option<&Keyset>,
        per_page: i64,
    ) -> crate::Result<(Vec<T>, bool)>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
    {
        self.keyset_page(db, columns, key, true, after, per_page).await
    }

    /// A keyset page: `per_page` rows of `SELECT columns` + this (a `FROM … WHERE …`) ordered by
    /// `key` (a sort column, then the id that breaks its ties), descending or not, after the row
    /// of `after`, and whether more follow.
    pub async fn keyset_page<T>(
        mut self,
        db: &crate::Db,
        columns: &str,
        (sort, id): (&str, &str),
        desc: bool,
        after: Option<&Keyset>,
        per_page: i64,
    ) -> crate::Result<(Vec<T>, bool)>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
    {
        let (dir, beyond) = if desc { (" DESC", "<") } else { (" ASC", ">") };
        if let Some(k) = after {
            self.push(&format!(" AND ({sort}, {id}) {beyond} (")).bind(k.value.clone()).push(", ");
            self.bind(k.id.as_str()).push(")");
        }
        let mut rows = Sql::new(format!("SELECT {columns}"));
        rows.push(&self.text);
        rows.args = self.args;
        rows.push(&format!(" ORDER BY {sort}{dir}, {id}{dir} LIMIT ")).bind(per_page + 1);
        let mut found: Vec<T> = rows.query_as().fetch_all(db.reader()).await?;
        let more = found.len() as i64 > per_page;
        found.truncate(per_page as usize);
        Ok((found, more))
    }

    /// A page of `SELECT columns` + this (a `FROM … WHERE …`) + ` ORDER BY order`, and how many
    /// rows match in all, read from `db`'s readers.
    pub async fn page<T>(
        self,
        db: &crate::Db,
        columns: &str,
        order: &str,
        page: i64,
        per_page: i64,
    ) -> crate::Result<(Vec<T>, i64)>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
    {
        let mut count = Sql::new("SELECT COUNT(*)");
        count.push(&self.text);
        count.args = self.args.clone();
        let (total,): (i64,) = count.query_as().fetch_one(db.reader()).await?;
        let mut rows = Sql::new(format!("SELECT {columns}"));
        rows.push(&self.text);
        rows.args = self.args;
        rows.push(" ORDER BY ").push(order).push(" LIMIT ").bind(per_page).push(" OFFSET ").bind((page - 1) * per_page);
        Ok((rows.query_as().fetch_all(db.reader()).await?, total))
    }
}

/// Writes that return nothing, sent together. On PostgreSQL they go as one statement, each a
/// data-modifying `WITH` part: every part runs once, all on the statement's snapshot, so no part
/// may depend on another's rows (deferred foreign keys are checked at commit as ever). On SQLite
/// they go as one call of several statements, run in order.
#[derive(Debug, Default)]
pub struct Batch {
    writes: Vec<Sql>,
}

impl Batch {
    pub(crate) fn add(&mut self, sql: Sql) {
        self.writes.push(sql);
    }

    pub(crate) fn extend(&mut self, writes: impl IntoIterator<Item = Sql>) {
        self.writes.extend(writes);
    }

    pub fn is_empty(&self) -> bool {
        self.writes.is_empty()
    }

    /// `w1 AS (…), w2 AS (…)`: the writes as `WITH` parts, for a PostgreSQL statement to begin
    /// with (after `WITH `) and go on from with `, ` and its own parts.
    pub(crate) fn push_parts(&self, sql: &mut Sql) {
        push_parts(&self.writes, sql);
    }

    /// `w1; w2; `: the writes as SQLite statements, for one call to go on from with its own.
    pub(crate) fn push_statements(&self, sql: &mut Sql) {
        push_statements(&self.writes, sql);
    }

    /// The tables written, for the log: `stock_movements, sale_items`.
    pub(crate) fn tables(&self) -> String {
        let table = |w: &Sql| w.text.split_whitespace().nth(2).unwrap_or("?").to_string();
        self.writes.iter().map(table).collect::<Vec<_>>().join(", ")
    }

    /// Sends the writes in `tx`.
    pub async fn execute(self, tx: &mut crate::Tx) -> crate::Result<()> {
        self.execute_on(tx).await
    }

    /// The values the writes bind.
    pub(crate) fn args(&self) -> usize {
        self.writes.iter().map(|w| w.args.len()).sum()
    }

    #[tracing::instrument(name = "write_batch", skip_all, fields(tables = %self.tables()))]
    pub(crate) async fn execute_on(self, conn: &mut sqlx::AnyConnection) -> crate::Result<()> {
        let postgres = conn.backend_name().to_ascii_lowercase().starts_with("postgres");
        // Each call binds at most MAX_BATCH_ARGS values.
        let mut group: Vec<&Sql> = Vec::new();
        let mut args = 0;
        for w in &self.writes {
            if !group.is_empty() && args + w.args.len() > MAX_BATCH_ARGS {
                send(conn, &group, postgres).await?;
                (group, args) = (Vec::new(), 0);
            }
            args += w.args.len();
            group.push(w);
        }
        send(conn, &group, postgres).await
    }
}

/// The most values one call of a [`Batch`] binds: PostgreSQL takes 65,535 per statement, and
/// SQLite numbers no parameter past 32,766.
pub(crate) const MAX_BATCH_ARGS: usize = 30_000;

/// Sends `writes` in one call: a statement of `WITH` parts on PostgreSQL; on SQLite, whose
/// statements of one call run in order each binding its own `$n`, one trip to the connection's
/// thread instead of one per write.
async fn send(conn: &mut sqlx::AnyConnection, writes: &[&Sql], postgres: bool) -> crate::Result<()> {
    let Some((last, before)) = writes.split_last() else { return Ok(()) };
    if before.is_empty() {
        last.query().execute(conn).await?;
        return Ok(());
    }
    let mut sql = Sql::new("");
    if postgres {
        sql.push("WITH ");
        push_parts(before.iter().copied(), &mut sql);
        sql.push(" ");
    } else {
        push_statements(before.iter().copied(), &mut sql);
    }
    sql.splice(last);
    sql.query().execute(conn).await?;
    Ok(())
}

/// A write that must change a row (its statement ends `RETURNING 1`): when it changes none, the
/// transaction fails with `Conflict { field }` and must be rolled back.
#[derive(Debug)]
pub(crate) struct Claim {
    pub sql: Sql,
    pub field: &'static str,
}

impl Claim {
    pub async fn run(&self, conn: &mut sqlx::AnyConnection) -> crate::Result<()> {
        match self.sql.query().fetch_optional(conn).await? {
            Some(_) => Ok(()),
            None => Err(crate::StoreError::Conflict { field: self.field.to_string() }),
        }
    }
}

/// `w1; w2; `: SQLite runs the statements of one call in order, each binding its own `$n`.
fn push_statements<'a>(writes: impl IntoIterator<Item = &'a Sql>, sql: &mut Sql) {
    for w in writes {
        sql.splice(w).push("; ");
    }
}

fn push_parts<'a>(writes: impl IntoIterator<Item = &'a Sql>, sql: &mut Sql) {
    for (i, w) in writes.into_iter().enumerate() {
        sql.push(if i == 0 { "w" } else { ", w" }).push(&format!("{i} AS (")).splice(w).push(")");
    }
}

fn bind_all<'q>(mut q: Query<'q, Any, AnyArguments<'q>>, args: &'q [Value]) -> Query<'q, Any, AnyArguments<'q>> {
    for a in args {
        q = match a {
            Value::Text(v) => q.bind(v.clone()),
            Value::Int(v) => q.bind(*v),
            Value::Bool(v) => q.bind(v.map(i64::from)),
        };
    }
    q
}

/// A boolean stored as BIGINT 0/1 (the portable form). Use with `#[sqlx(try_from = "i64")]`;
/// it serializes as a JSON boolean.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flag(pub bool);

impl From<i64> for Flag {
    fn from(v: i64) -> Self {
        Flag(v != 0)
    }
}

impl Serialize for Flag {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bool(self.0)
    }
}

/// A JSON document stored in a text column. Use with `#[sqlx(try_from = "String")]`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JsonText<T>(pub T);

impl<T: DeserializeOwned> TryFrom<String> for JsonText<T> {
    type Error = serde_json::Error;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        serde_json::from_str(&s).map(JsonText)
    }
}

impl<T: Serialize> Serialize for JsonText<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

/// Escapes `%`, `_` and `\` so user text matches literally inside a `LIKE … ESCAPE '\'` pattern.
pub(crate) fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
