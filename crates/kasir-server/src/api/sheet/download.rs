//! Rows written as a streamed CSV or XLSX download, with cells that spreadsheets will not run as
//! formulas.

use std::io::{Read, Seek, SeekFrom};

use axum::{
    body::Body,
    http::{header, HeaderValue},
    response::Response,
};
use bytes::Bytes;
use tokio::sync::mpsc;

/// Rows handed over per channel message.
use super::{Format, CSV_TYPE, XLSX_TYPE};

/// A cell of a downloaded sheet.
#[derive(Debug, Clone)]
pub enum Cell {
    Text(String),
    Int(i64),
    /// A quantity with up to 3 decimals.
    Qty(kasir_domain::Quantity),
    Bool(bool),
    Empty,
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}
impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}
impl From<Option<String>> for Cell {
    fn from(s: Option<String>) -> Cell {
        s.map_or(Cell::Empty, Cell::Text)
    }
}
impl From<i64> for Cell {
    fn from(v: i64) -> Cell {
        Cell::Int(v)
    }
}
impl From<Option<i64>> for Cell {
    fn from(v: Option<i64>) -> Cell {
        v.map_or(Cell::Empty, Cell::Int)
    }
}
impl From<bool> for Cell {
    fn from(v: bool) -> Cell {
        Cell::Bool(v)
    }
}

/// Text a spreadsheet would run as a formula gets a leading `'` (CSV injection); imports strip it.
pub fn defuse(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// Undoes [`defuse`].
pub fn undefuse(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => s,
    }
}

/// A download being produced: send rows with [`Download::send`], the client receives them as
/// they are written (CSV) or once the workbook is closed (XLSX, streamed from a temporary file).
pub struct Download {
    rows: std::sync::mpsc::SyncSender<Batch>,
}

/// Rows for the writer, or the reason the download must break off.
type Batch = Result<Vec<Vec<Cell>>, String>;

impl Download {
    /// Starts a download with `header` as its first row; returns the sender and the response.
    pub fn start(format: Format, filename: &str, header: &[&str]) -> (Download, Response) {
        let (rows_tx, rows_rx) = std::sync::mpsc::sync_channel::<Batch>(2);
        let (bytes_tx, bytes_rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(4);
        let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
        tokio::task::spawn_blocking(move || {
            let result = match format {
                Format::Csv => write_csv(&header, rows_rx, &bytes_tx),
                Format::Xlsx => write_xlsx(&header, rows_rx, &bytes_tx),
            };
            if let Err(e) = result {
                tracing::error!(error = %e, "writing a download");
                let _ = bytes_tx.blocking_send(Err(std::io::Error::other(e.to_string())));
            }
        });
        let stream = futures::stream::unfold(bytes_rx, |mut rx| async move { rx.recv().await.map(|b| (b, rx)) });
        let mut res = Response::new(Body::from_stream(stream));
        let (ctype, ext) = match format {
            Format::Csv => (CSV_TYPE, "csv"),
            Format::Xlsx => (XLSX_TYPE, "xlsx"),
        };
        res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
        if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}.{ext}\"")) {
            res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
        }
        (Download { rows: rows_tx }, res)
    }

    /// Hands rows to the writer; false when the client went away.
    pub async fn send(&self, rows: Vec<Vec<Cell>>) -> bool {
        let tx = self.rows.clone();
        tokio::task::spawn_blocking(move || tx.send(Ok(rows)).is_ok()).await.unwrap_or(false)
    }

    /// Breaks the download off: the client sees a failed transfer rather than a silently short file.
    pub async fn fail(self, e: impl std::fmt::Display) {
        let reason = e.to_string();
        let tx = self.rows;
        let _ = tokio::task::spawn_blocking(move || tx.send(Err(reason))).await;
    }
}

fn write_csv(
    header: &[String],
    rows: std::sync::mpsc::Receiver<Batch>,
    out: &mpsc::Sender<Result<Bytes, std::io::Error>>,
) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header)?;
    // One writer per batch, whose buffer is sent as one piece of the body.
    let flush = |w: csv::Writer<Vec<u8>>| -> anyhow::Result<bool> {
        let buf = w.into_inner().map_err(|e| anyhow::anyhow!("{}", e.error()))?;
        Ok(out.blocking_send(Ok(Bytes::from(buf))).is_ok())
    };
    for batch in rows {
        let batch = batch.map_err(|e| anyhow::anyhow!("the export broke off: {e}"))?;
        for row in batch {
            w.write_record(row.iter().map(|c| match c {
                Cell::Text(s) => defuse(s),
                Cell::Int(i) => i.to_string(),
                Cell::Qty(q) => q.to_string(),
                Cell::Bool(b) => b.to_string(),
                Cell::Empty => String::new(),
            }))?;
        }
        if !flush(std::mem::replace(&mut w, csv::Writer::from_writer(Vec::with_capacity(64 * 1024))))? {
            return Ok(());
        }
    }
    flush(w)?;
    Ok(())
}

fn write_xlsx(
    header: &[String],
    rows: std::sync::mpsc::Receiver<Batch>,
    out: &mpsc::Sender<Result<Bytes, std::io::Error>>,
) -> anyhow::Result<()> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet_with_constant_memory()?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (c, h) in header.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, h, &bold)?;
    }
    let mut r: u32 = 1;
    for batch in rows {
        let batch = batch.map_err(|e| anyhow::anyhow!("the export broke off: {e}"))?;
        for row in batch {
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Text(s) => sheet.write_string(r, c, s)?,
                    Cell::Int(i) => sheet.write_number(r, c, *i as f64)?,
                    Cell::Qty(q) => sheet.write_number(r, c, q.as_f64())?,
                    Cell::Bool(b) => sheet.write_boolean(r, c, *b)?,
                    Cell::Empty => continue,
                };
            }
            r += 1;
        }
    }
    let mut file = tempfile::tempfile()?;
    book.save_to_writer(&mut file)?;
    file.seek(SeekFrom::Start(0))?;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 || out.blocking_send(Ok(Bytes::copy_from_slice(&buf[..n]))).is_err() {
            break;
        }
    }
    Ok(())
}
