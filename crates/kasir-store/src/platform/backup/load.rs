//! Loading a backup: a whole database into an empty one, or one tenant beside others.

use std::io::{BufRead, Read};

use sqlx::AnyConnection;

use super::{catalog, invalid, quoted, table, Cell, Control, Header, Kind, Summary, Table, FORMAT, FORMAT_VERSION};
use crate::{Backend, Db, Result, StoreError};

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
        // The feed's numbers continue after the rows loaded (before schema 26 its migration does).
        if header.schema >= 26 {
            let tenant = if mode == Mode::Import { header.tenant_id.as_deref() } else { None };
            crate::feed::rebase_heads(&mut tx, tenant).await?;
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
