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

use std::io::{BufRead, Read, Write};

use futures::TryStreamExt;
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row};

use crate::{Backend, Db, Result, StoreError};

/// The format's version; a reader refuses files of a later one.
pub const FORMAT_VERSION: i64 = 1;
const FORMAT: &str = "kasir-backup";

/// A table in a backup, in load order (a table comes after the tables it references).
struct Table {
    name: &'static str,
    /// Which of its rows belong to tenant `$1`, for a tenant's export; `None`: the platform's own.
    tenant: Option<&'static str>,
    /// Columns that reference rows of the same table: loaded empty, then set once every row is in
    /// (a child may come before its parent).
    self_refs: &'static [&'static str],
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
const TABLES: &[Table] = &[
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
    owned("promotions"),
    owned("vouchers"),
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
];

/// Tables that are not data: the migrations' record (the header carries the schema version) and
/// what an engine derives from the data by itself (SQLite's name search, kept by triggers).
fn derived(name: &str) -> bool {
    name == "schema_migrations" || name.starts_with("sqlite_") || name.starts_with("product_search")
}

fn table(name: &str) -> Option<&'static Table> {
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
enum Control {
    Header(Header),
    Table { name: String, columns: Vec<String>, types: Vec<Kind> },
    EndTable { name: String, rows: u64 },
    End { tables: u64, rows: u64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Kind {
    Int,
    Text,
}

/// One value of a row.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
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

fn invalid(message: impl Into<String>) -> StoreError {
    StoreError::Backup(message.into())
}

/// The tables a connection's database has, and each one's columns with their kinds.
async fn catalog(conn: &mut AnyConnection, backend: Backend) -> Result<Vec<(String, Vec<(String, Kind)>)>> {
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

fn quoted(name: &str) -> String {
    format!("\"{name}\"")
}

// ---------------------------------------------------------------------------------------------
// Dump

/// Writes `content` from one snapshot of the database to `out` (gzip-compressed; the encoding
/// runs on a thread of its own). Returns how many tables and rows it wrote.
#[tracing::instrument(skip_all)]
pub async fn dump(db: &Db, content: &Content, out: Box<dyn Write + Send>) -> Result<Summary> {
    let (tx, rx) = tokio::sync::mpsc::channel::<Control2>(16);
    let writer = tokio::task::spawn_blocking(move || encode(rx, out));
    let read = read_snapshot(db, content, &tx).await;
    drop(tx);
    let written = writer.await.map_err(|e| StoreError::Corrupt(format!("the backup writer stopped: {e}")))?;
    let summary = read?;
    written.map_err(|e| invalid(format!("writing the backup: {e}")))?;
    Ok(summary)
}

/// What the reading side hands the encoder.
enum Control2 {
    Line(Control),
    Rows(Vec<Vec<Cell>>),
}

fn encode(mut rx: tokio::sync::mpsc::Receiver<Control2>, out: Box<dyn Write + Send>) -> std::io::Result<()> {
    let gz =
        flate2::write::GzEncoder::new(std::io::BufWriter::with_capacity(1 << 16, out), flate2::Compression::fast());
    let mut w = std::io::BufWriter::with_capacity(1 << 16, gz);
    let mut ended = false;
    while let Some(item) = rx.blocking_recv() {
        match item {
            Control2::Line(c) => {
                ended = matches!(c, Control::End { .. });
                serde_json::to_writer(&mut w, &c)?;
                w.write_all(b"\n")?;
            }
            Control2::Rows(rows) => {
                for row in rows {
                    serde_json::to_writer(&mut w, &row)?;
                    w.write_all(b"\n")?;
                }
            }
        }
    }
    if !ended {
        // The reading side failed: leave the file without its closing line, which no load takes.
        return Ok(());
    }
    let gz = w.into_inner().map_err(|e| e.into_error())?;
    gz.finish()?.flush()
}

async fn read_snapshot(db: &Db, content: &Content, out: &tokio::sync::mpsc::Sender<Control2>) -> Result<Summary> {
    let send = async |item: Control2| out.send(item).await.map_err(|_| invalid("the backup writer stopped"));
    let mut conn = db.reader().acquire().await?;
    let backend = db.backend();
    if backend == Backend::Sqlite {
        // Read through the page cache, not a map of the file: a whole-file scan through the map
        // would make every page of the database resident in this process.
        sqlx::query("PRAGMA mmap_size = 0").execute(&mut *conn).await?;
    }
    // One snapshot for every table.
    sqlx::query("BEGIN").execute(&mut *conn).await?;
    if backend == Backend::Postgres {
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute(&mut *conn).await?;
    }
    let result = async {
        let schema: (i64,) =
            sqlx::query_as("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetch_one(&mut *conn).await?;
        let catalog = catalog(&mut conn, backend).await?;
        if let Some((name, _)) = catalog.iter().find(|(name, _)| table(name).is_none()) {
            return Err(StoreError::Corrupt(format!("table {name} is not in the backup's list of tables")));
        }
        if let Content::Tenant(id) = content {
            let found: Option<(String,)> =
                sqlx::query_as("SELECT id FROM tenants WHERE id = $1").bind(id).fetch_optional(&mut *conn).await?;
            if found.is_none() {
                return Err(StoreError::NotFound);
            }
        }
        send(Control2::Line(Control::Header(Header {
            format: FORMAT.into(),
            version: FORMAT_VERSION,
            schema: schema.0,
            scope: match content {
                Content::Database => "database".into(),
                Content::Tenant(_) => "tenant".into(),
            },
            tenant_id: match content {
                Content::Database => None,
                Content::Tenant(id) => Some(id.clone()),
            },
            engine: backend.name().into(),
            created_at: kasir_domain::time::now(),
        })))
        .await?;
        let mut summary = Summary::default();
        for t in TABLES {
            let Some((_, columns)) = catalog.iter().find(|(name, _)| name == t.name) else {
                continue; // a table of a later migration than this database's
            };
            let filter = match (content, t.tenant) {
                (Content::Database, _) => None,
                (Content::Tenant(_), None) => continue,
                (Content::Tenant(id), Some(filter)) => Some((filter, id)),
            };
            let list = columns.iter().map(|(c, _)| quoted(c)).collect::<Vec<_>>().join(", ");
            let sql = match filter {
                None => format!("SELECT {list} FROM {}", quoted(t.name)),
                Some((filter, _)) => format!("SELECT {list} FROM {} WHERE {filter}", quoted(t.name)),
            };
            send(Control2::Line(Control::Table {
                name: t.name.into(),
                columns: columns.iter().map(|(c, _)| c.clone()).collect(),
                types: columns.iter().map(|(_, k)| *k).collect(),
            }))
            .await?;
            let mut query = sqlx::query(&sql);
            if let Some((_, id)) = filter {
                query = query.bind(id);
            }
            let mut rows = query.fetch(&mut *conn);
            let mut batch = Vec::with_capacity(256);
            let mut n = 0u64;
            while let Some(row) = rows.try_next().await? {
                let mut cells = Vec::with_capacity(columns.len());
                for (i, (_, kind)) in columns.iter().enumerate() {
                    cells.push(match kind {
                        Kind::Int => row.try_get::<Option<i64>, _>(i)?.map_or(Cell::Null, Cell::Int),
                        Kind::Text => row.try_get::<Option<String>, _>(i)?.map_or(Cell::Null, Cell::Text),
                    });
                }
                batch.push(cells);
                n += 1;
                if batch.len() == 256 {
                    send(Control2::Rows(std::mem::replace(&mut batch, Vec::with_capacity(256)))).await?;
                }
            }
            drop(rows);
            if !batch.is_empty() {
                send(Control2::Rows(batch)).await?;
            }
            send(Control2::Line(Control::EndTable { name: t.name.into(), rows: n })).await?;
            summary.tables += 1;
            summary.rows += n;
        }
        send(Control2::Line(Control::End { tables: summary.tables, rows: summary.rows })).await?;
        Ok(summary)
    }
    .await;
    // A read-only transaction: ending it changes nothing.
    let mut ended = sqlx::query("ROLLBACK").execute(&mut *conn).await.map(drop);
    if ended.is_ok() && backend == Backend::Sqlite {
        ended = sqlx::query(crate::db::READER_MMAP).execute(&mut *conn).await.map(drop);
    }
    if ended.is_err() {
        // Not back in its usual state: close it rather than give it back to the pool.
        drop(conn.detach());
    }
    let summary = result?;
    ended?;
    Ok(summary)
}

// ---------------------------------------------------------------------------------------------
// Load

/// What a load does with the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// A whole database into an empty one.
    Restore,
    /// One tenant into a database that does not have it.
    Import,
}

/// Loads a whole-database backup into the empty database `db` (migrating it to the backup's
/// schema first, and on to the latest after). Nothing is loaded unless all of it is.
#[tracing::instrument(skip_all)]
pub async fn restore(db: &Db, input: Box<dyn Read + Send>) -> Result<Summary> {
    let summary = load(db, input, Mode::Restore).await?;
    crate::migrate(db).await?;
    if db.backend() == Backend::Postgres {
        // The planner's statistics, for tables that were empty a moment ago.
        sqlx::query("ANALYZE").execute(db.writer()).await?;
    }
    Ok(summary)
}

/// Loads one tenant's export, ids kept, into a database at the same schema version that does not
/// have the tenant. Returns the tenant's id with the counts.
#[tracing::instrument(skip_all)]
pub async fn import_tenant(db: &Db, actor: crate::Actor, input: Box<dyn Read + Send>) -> Result<(String, Summary)> {
    let mut tenant = None;
    let summary = load_into(db, input, Mode::Import, actor, &mut tenant).await?;
    Ok((tenant.unwrap_or_default(), summary))
}

async fn load(db: &Db, input: Box<dyn Read + Send>, mode: Mode) -> Result<Summary> {
    load_into(db, input, mode, crate::Actor::system(), &mut None).await
}

/// A parsed line, or why the file cannot be read further.
enum Item {
    Control(Control),
    Row(Vec<Cell>),
    Bad(String),
}

/// Reads `input` (gzip or plain) line by line on this thread, sending each line parsed.
fn decode(input: Box<dyn Read + Send>, tx: tokio::sync::mpsc::Sender<(u64, Item)>) {
    let mut input = std::io::BufReader::with_capacity(1 << 16, input);
    let gzip = match input.fill_buf() {
        Ok(head) => head.starts_with(&[0x1f, 0x8b]),
        Err(e) => {
            let _ = tx.blocking_send((0, Item::Bad(format!("reading the file: {e}"))));
            return;
        }
    };
    let lines: Box<dyn BufRead> = if gzip {
        Box::new(std::io::BufReader::with_capacity(1 << 16, flate2::read::MultiGzDecoder::new(input)))
    } else {
        Box::new(input)
    };
    for (i, line) in lines.lines().enumerate() {
        let n = i as u64 + 1;
        let item = match line {
            Err(e) => Item::Bad(format!("reading line {n}: {e}")),
            Ok(line) if line.starts_with('[') => match serde_json::from_str(&line) {
                Ok(row) => Item::Row(row),
                Err(e) => Item::Bad(format!("line {n} is not a row: {e}")),
            },
            Ok(line) => match serde_json::from_str(&line) {
                Ok(c) => Item::Control(c),
                Err(_) if n == 1 => {
                    Item::Bad("this is not a Kasir backup: it does not start with a backup header".into())
                }
                Err(e) => Item::Bad(format!("line {n} is not a backup line: {e}")),
            },
        };
        let stop = matches!(item, Item::Bad(_));
        if tx.blocking_send((n, item)).is_err() || stop {
            return;
        }
    }
}

async fn load_into(
    db: &Db,
    input: Box<dyn Read + Send>,
    mode: Mode,
    actor: crate::Actor,
    tenant_out: &mut Option<String>,
) -> Result<Summary> {
    let (tx, mut rx) = tokio::sync::mpsc::channel(1024);
    let reader = tokio::task::spawn_blocking(move || decode(input, tx));
    let result = async {
        let header = match next(&mut rx).await? {
            Some((_, Item::Control(Control::Header(h)))) => h,
            _ => return Err(invalid("this is not a Kasir backup: it does not start with a backup header")),
        };
        check_header(&header, mode)?;
        if mode == Mode::Restore {
            crate::migrate_to(db, header.schema).await?;
        }
        let mut tx = db.begin_bulk(actor).await?;
        let catalog = catalog(&mut tx, db.backend()).await?;
        match mode {
            Mode::Restore => {
                for (name, _) in &catalog {
                    let any: Option<(i64,)> = sqlx::query_as(&format!("SELECT 1 FROM {} LIMIT 1", quoted(name)))
                        .fetch_optional(&mut *tx)
                        .await?;
                    if any.is_some() {
                        return Err(invalid(format!(
                            "the database is not empty (table {name} has rows): restore into a new database"
                        )));
                    }
                }
            }
            Mode::Import => {
                let id = header.tenant_id.clone().unwrap_or_default();
                let found: Option<(String,)> =
                    sqlx::query_as("SELECT id FROM tenants WHERE id = $1").bind(&id).fetch_optional(&mut *tx).await?;
                if found.is_some() {
                    return Err(StoreError::Conflict { field: "tenant_id".into() });
                }
            }
        }
        let mut summary = Summary::default();
        let mut current: Option<Loader> = None;
        loop {
            let Some((n, item)) = next(&mut rx).await? else {
                return Err(invalid("the backup ends early: its closing line is missing (a truncated file?)"));
            };
            match (item, current.as_mut()) {
                (Item::Row(row), Some(loader)) => loader.push(&mut tx, n, row).await?,
                (Item::Row(_), None) => return Err(invalid(format!("line {n}: a row outside any table"))),
                (Item::Control(Control::Table { name, columns, types }), None) => {
                    let Some(t) = table(&name) else {
                        return Err(invalid(format!("line {n}: table {name} is not one Kasir has")));
                    };
                    if mode == Mode::Import && t.tenant.is_none() {
                        return Err(invalid(format!("line {n}: table {name} is not a tenant's")));
                    }
                    let Some((_, target)) = catalog.iter().find(|(c, _)| c == &name) else {
                        return Err(invalid(format!("line {n}: table {name} is not in this database's schema")));
                    };
                    current = Some(Loader::new(t, db.backend(), n, columns, types, target)?);
                }
                (Item::Control(Control::EndTable { name, rows }), Some(loader)) if loader.table.name == name => {
                    let loader = current.take().expect("a table is open");
                    let loaded = loader.finish(&mut tx).await?;
                    if loaded != rows {
                        return Err(invalid(format!("table {name}: {loaded} rows where the file says {rows}")));
                    }
                    if mode == Mode::Import {
                        check_owned(&mut tx, table(&name).expect("known"), &header, loaded).await?;
                    }
                    summary.tables += 1;
                    summary.rows += loaded;
                }
                (Item::Control(Control::End { tables, rows }), None) => {
                    if (tables, rows) != (summary.tables, summary.rows) {
                        return Err(invalid(format!(
                            "the file closes with {tables} tables and {rows} rows, but holds {} and {}",
                            summary.tables, summary.rows
                        )));
                    }
                    break;
                }
                (Item::Control(c), _) => return Err(invalid(format!("line {n}: {} is out of place", c.kind()))),
                (Item::Bad(e), _) => return Err(invalid(e)),
            }
        }
        if next(&mut rx).await?.is_some() {
            return Err(invalid("the file goes on after its closing line"));
        }
        if mode == Mode::Import {
            let id = header.tenant_id.as_deref();
            let details =
                serde_json::json!({"tables": summary.tables, "rows": summary.rows, "exported_at": header.created_at});
            tx.audit(id, "tenant.import", "tenant", id, details);
        }
        tx.commit().await?;
        *tenant_out = header.tenant_id.clone();
        Ok(summary)
    }
    .await;
    // The reader stops by itself once its queue is dropped.
    drop(rx);
    let _ = reader.await;
    result
}

/// The next line of the file; a line that could not be read is the load's error.
async fn next(rx: &mut tokio::sync::mpsc::Receiver<(u64, Item)>) -> Result<Option<(u64, Item)>> {
    match rx.recv().await {
        Some((_, Item::Bad(e))) => Err(invalid(e)),
        other => Ok(other),
    }
}

impl Control {
    fn kind(&self) -> &'static str {
        match self {
            Control::Header(_) => "a header",
            Control::Table { .. } => "a table's start",
            Control::EndTable { .. } => "a table's end",
            Control::End { .. } => "the closing line",
        }
    }
}

fn check_header(h: &Header, mode: Mode) -> Result<()> {
    let latest = crate::MIGRATIONS.last().map_or(0, |m| m.0);
    if h.format != FORMAT {
        return Err(invalid(format!("this is not a Kasir backup (format {:?})", h.format)));
    }
    if h.version > FORMAT_VERSION || h.version < 1 {
        return Err(invalid(format!(
            "the backup is in format version {}; this Kasir reads version {FORMAT_VERSION}: upgrade Kasir",
            h.version
        )));
    }
    if h.schema > latest {
        return Err(invalid(format!(
            "the backup is of schema version {}, newer than this Kasir's ({latest}): upgrade Kasir",
            h.schema
        )));
    }
    match (mode, h.scope.as_str(), &h.tenant_id) {
        (Mode::Restore, "database", None) => Ok(()),
        (Mode::Restore, _, _) => Err(invalid("this is one tenant's export: import it with POST /tenants/import")),
        (Mode::Import, "tenant", Some(_)) if h.schema == latest => Ok(()),
        (Mode::Import, "tenant", Some(_)) => Err(invalid(format!(
            "the export is of schema version {}, this server is at {latest}: restore it into a Kasir of its \
             version, upgrade that, and export again",
            h.schema
        ))),
        (Mode::Import, _, _) => Err(invalid("this is a whole database's backup: load it with kasir restore")),
    }
}

/// An imported table's rows must all be the tenant's: as many match its tenant filter as were loaded
/// (the tenant is new, so none matched before).
async fn check_owned(conn: &mut AnyConnection, t: &Table, h: &Header, loaded: u64) -> Result<()> {
    let filter = t.tenant.expect("tenant tables only");
    let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {} WHERE {filter}", quoted(t.name)))
        .bind(h.tenant_id.clone())
        .fetch_one(&mut *conn)
        .await?;
    if n as u64 != loaded {
        return Err(invalid(format!(
            "table {}: {} of its rows belong to another tenant than the export's",
            t.name,
            loaded - n as u64
        )));
    }
    Ok(())
}

/// Inserts one table's rows in multi-row statements.
struct Loader {
    table: &'static Table,
    /// The file's columns, with the kind the target database gives each.
    columns: Vec<String>,
    kinds: Vec<Kind>,
    /// For each self-reference column, its position; its values are set after the rows.
    self_ref_at: Vec<usize>,
    id_at: Option<usize>,
    deferred: Vec<(usize, String, String)>,
    insert_head: String,
    rows_per_statement: usize,
    pending: Vec<Vec<Cell>>,
    loaded: u64,
    /// SQLite gets anonymous `?` placeholders: it finds a named one (`$n`) by a walk through
    /// every name, which makes a statement of thousands of values quadratic.
    anonymous: bool,
}

impl Loader {
    fn new(
        table: &'static Table,
        backend: Backend,
        line: u64,
        columns: Vec<String>,
        types: Vec<Kind>,
        target: &[(String, Kind)],
    ) -> Result<Loader> {
        if columns.len() != types.len() || columns.is_empty() {
            return Err(invalid(format!("line {line}: table {}'s columns and types do not match", table.name)));
        }
        let mut kinds = Vec::with_capacity(columns.len());
        for (column, kind) in columns.iter().zip(&types) {
            match target.iter().find(|(c, _)| c == column) {
                Some((_, k)) if k == kind => kinds.push(*k),
                Some((_, k)) => {
                    return Err(invalid(format!(
                        "line {line}: {}.{column} is {kind:?} in the file but {k:?} here",
                        table.name
                    )))
                }
                None => return Err(invalid(format!("line {line}: {}.{column} is not a column here", table.name))),
            }
        }
        if columns.iter().enumerate().any(|(i, c)| columns[..i].contains(c)) {
            return Err(invalid(format!("line {line}: table {} names a column twice", table.name)));
        }
        let self_ref_at =
            table.self_refs.iter().filter_map(|r| columns.iter().position(|c| c == r)).collect::<Vec<_>>();
        let id_at = columns.iter().position(|c| c == "id");
        if !self_ref_at.is_empty() && id_at.is_none() {
            return Err(invalid(format!("line {line}: table {} has no id column", table.name)));
        }
        let insert_head = format!(
            "INSERT INTO {} ({}) VALUES ",
            quoted(table.name),
            columns.iter().map(|c| quoted(c)).collect::<Vec<_>>().join(", ")
        );
        // Well under both engines' limits on bound values in one statement.
        let rows_per_statement = (8000 / columns.len()).clamp(1, 500);
        Ok(Loader {
            table,
            columns,
            kinds,
            self_ref_at,
            id_at,
            deferred: Vec::new(),
            insert_head,
            rows_per_statement,
            pending: Vec::new(),
            loaded: 0,
            anonymous: backend == Backend::Sqlite,
        })
    }

    async fn push(&mut self, conn: &mut AnyConnection, line: u64, mut row: Vec<Cell>) -> Result<()> {
        if row.len() != self.kinds.len() {
            return Err(invalid(format!(
                "line {line}: a row of {} with {} values for {} columns",
                self.table.name,
                row.len(),
                self.kinds.len()
            )));
        }
        for (cell, kind) in row.iter().zip(&self.kinds) {
            match (cell, kind) {
                (Cell::Null, _) | (Cell::Int(_), Kind::Int) | (Cell::Text(_), Kind::Text) => {}
                _ => {
                    return Err(invalid(format!(
                        "line {line}: a value of {} is not of its column's type",
                        self.table.name
                    )))
                }
            }
        }
        for &at in &self.self_ref_at {
            if let (Cell::Text(target), Some(Cell::Text(id))) = (&row[at], self.id_at.map(|i| &row[i])) {
                self.deferred.push((at, id.clone(), target.clone()));
                row[at] = Cell::Null;
            }
        }
        self.pending.push(row);
        if self.pending.len() >= self.rows_per_statement {
            self.flush(conn).await?;
        }
        Ok(())
    }

    async fn flush(&mut self, conn: &mut AnyConnection) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let width = self.kinds.len();
        let mut sql = String::with_capacity(self.insert_head.len() + self.pending.len() * width * 6);
        sql.push_str(&self.insert_head);
        let mut p = 0;
        for (r, _) in self.pending.iter().enumerate() {
            sql.push_str(if r == 0 { "(" } else { ", (" });
            for c in 0..width {
                p += 1;
                if c > 0 {
                    sql.push_str(", ");
                }
                if self.anonymous {
                    sql.push('?');
                } else {
                    sql.push('$');
                    sql.push_str(&p.to_string());
                }
            }
            sql.push(')');
        }
        let mut query = sqlx::query(&sql);
        for row in &self.pending {
            for (cell, kind) in row.iter().zip(&self.kinds) {
                query = match (cell, kind) {
                    (Cell::Int(n), _) => query.bind(*n),
                    (Cell::Text(t), _) => query.bind(t.as_str()),
                    (Cell::Null, Kind::Int) => query.bind(None::<i64>),
                    (Cell::Null, Kind::Text) => query.bind(None::<&str>),
                };
            }
        }
        query.execute(&mut *conn).await?;
        self.loaded += self.pending.len() as u64;
        self.pending.clear();
        Ok(())
    }

    /// Writes what is pending and the self-references; the rows loaded.
    async fn finish(mut self, conn: &mut AnyConnection) -> Result<u64> {
        self.flush(conn).await?;
        for (at, id, target) in std::mem::take(&mut self.deferred) {
            sqlx::query(&format!(
                "UPDATE {} SET {} = $1 WHERE id = $2",
                quoted(self.table.name),
                quoted(&self.columns[at])
            ))
            .bind(target)
            .bind(id)
            .execute(&mut *conn)
            .await?;
        }
        Ok(self.loaded)
    }
}
