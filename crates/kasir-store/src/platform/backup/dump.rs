//! Writing a backup: one snapshot of the database, encoded on a thread of its own.

use std::io::Write;

use futures::TryStreamExt;
use sqlx::Row;

use super::{
    catalog, invalid, quoted, table, Cell, Content, Control, Header, Kind, Summary, FORMAT, FORMAT_VERSION, TABLES,
};
use crate::{Backend, Db, Result, StoreError};

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
