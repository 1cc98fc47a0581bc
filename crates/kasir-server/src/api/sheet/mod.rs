//! Spreadsheet files in and out: CSV and XLSX rows read from an uploaded file, and rows written
//! as a streamed CSV or XLSX download. Reading and writing run on blocking threads; rows travel to
//! and from the async side through bounded channels, so memory stays flat whatever the file's size.

use std::io::{BufReader, Read, Seek, SeekFrom, Write};

use kasir_domain::FieldError;

mod download;

pub use download::{defuse, undefuse, Cell, Download};

/// Rows handed over per channel message.
pub const CHUNK_ROWS: usize = 500;

pub const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
pub const CSV_TYPE: &str = "text/csv; charset=utf-8";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    /// `csv` or `xlsx` (the `format` query parameter).
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "csv" => Some(Format::Csv),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }
}

/// One data row: its 1-based number in the file and its cells as text.
pub type Row = (u64, Vec<String>);

fn file_error(message: impl Into<String>) -> FieldError {
    FieldError::new("file", message)
}

/// Decides what an uploaded file is from its first bytes, and refuses a file that is not what its
/// name or content type claims.
pub fn sniff(head: &[u8], filename: Option<&str>, content_type: Option<&str>) -> Result<Format, FieldError> {
    let name = filename.unwrap_or("").to_ascii_lowercase();
    let ctype = content_type.unwrap_or("").to_ascii_lowercase();
    if head.is_empty() {
        return Err(file_error("the file is empty"));
    }
    let is_zip = head.starts_with(b"PK\x03\x04");
    let claims_xlsx = name.ends_with(".xlsx") || ctype.contains("spreadsheetml");
    let claims_csv = name.ends_with(".csv") || ctype.starts_with("text/csv");
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(file_error("old Excel (.xls) files are not supported; save the sheet as .xlsx or .csv"));
    }
    if is_zip {
        if claims_csv {
            return Err(file_error("the file is named or typed as CSV but is a ZIP archive"));
        }
        return Ok(Format::Xlsx);
    }
    if claims_xlsx {
        return Err(file_error("the file is named or typed as XLSX but is not an XLSX workbook"));
    }
    for (magic, what) in [
        (&b"%PDF"[..], "a PDF document"),
        (&b"\x89PNG"[..], "a PNG image"),
        (&b"GIF8"[..], "a GIF image"),
        (&b"\xFF\xD8\xFF"[..], "a JPEG image"),
        (&b"\x1F\x8B"[..], "a gzip archive"),
    ] {
        if head.starts_with(magic) {
            return Err(file_error(format!("the file is {what}, not CSV or XLSX")));
        }
    }
    if head.contains(&0) {
        return Err(file_error("the file is binary, not CSV or XLSX"));
    }
    Ok(Format::Csv)
}

/// Reads every row of `file` and hands them over in chunks of [`CHUNK_ROWS`]; blank rows are
/// skipped. Stops early when `send` returns false (the receiver gave up). Blocking: run it on a
/// blocking thread.
pub fn read_rows(mut file: std::fs::File, format: Format, mut send: impl FnMut(Result<Vec<Row>, FieldError>) -> bool) {
    let mut chunk: Vec<Row> = Vec::with_capacity(CHUNK_ROWS);
    let mut push = |row: Row, chunk: &mut Vec<Row>| -> bool {
        if row.1.iter().all(|c| c.trim().is_empty()) {
            return true;
        }
        chunk.push(row);
        if chunk.len() >= CHUNK_ROWS {
            return send(Ok(std::mem::take(chunk)));
        }
        true
    };
    let outcome = (|| -> Result<(), FieldError> {
        file.seek(SeekFrom::Start(0)).map_err(|_| file_error("the file could not be read"))?;
        match format {
            Format::Csv => {
                let mut reader = BufReader::new(file);
                let delimiter = sniff_delimiter(&mut reader)?;
                let mut csv = csv::ReaderBuilder::new()
                    .has_headers(false)
                    .flexible(true)
                    .delimiter(delimiter)
                    .from_reader(reader);
                let mut record = csv::StringRecord::new();
                let mut n = 0u64;
                loop {
                    match csv.read_record(&mut record) {
                        Ok(false) => break,
                        Ok(true) => {
                            n += 1;
                            let mut cells: Vec<String> = record.iter().map(str::to_string).collect();
                            if n == 1 {
                                if let Some(first) = cells.first_mut() {
                                    *first = first.trim_start_matches('\u{feff}').to_string();
                                }
                            }
                            if !push((n, cells), &mut chunk) {
                                return Ok(());
                            }
                        }
                        Err(e) => {
                            let row = e.position().map_or(n + 1, |p| p.record() + 1);
                            let message = match e.kind() {
                                csv::ErrorKind::Utf8 { .. } => "is not valid UTF-8 text; save the file as CSV UTF-8",
                                _ => "is not valid CSV",
                            };
                            return Err(FieldError::at_row(row, "file", message));
                        }
                    }
                }
            }
            Format::Xlsx => read_xlsx(file, &mut |row| push(row, &mut chunk))?,
        }
        Ok(())
    })();
    match outcome {
        Ok(()) => {
            if !chunk.is_empty() {
                send(Ok(chunk));
            }
        }
        Err(e) => {
            send(Err(e));
        }
    }
}

/// `;` when the header line has semicolons and no commas (spreadsheets in many locales), else `,`.
fn sniff_delimiter<R: Read + Seek>(reader: &mut BufReader<R>) -> Result<u8, FieldError> {
    let mut head = [0u8; 4096];
    let mut filled = 0;
    while filled < head.len() {
        match reader.read(&mut head[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(_) => return Err(file_error("the file could not be read")),
        }
    }
    reader.seek(SeekFrom::Start(0)).map_err(|_| file_error("the file could not be read"))?;
    let line = head[..filled].split(|b| *b == b'\n').next().unwrap_or(&[]);
    let (commas, semicolons) = line.iter().fold((0, 0), |(c, s), b| match b {
        b',' => (c + 1, s),
        b';' => (c, s + 1),
        _ => (c, s),
    });
    Ok(if semicolons > 0 && commas == 0 { b';' } else { b',' })
}

fn read_xlsx(file: std::fs::File, push: &mut dyn FnMut(Row) -> bool) -> Result<(), FieldError> {
    use calamine::{DataRef, Reader, Xlsx};
    let invalid = || file_error("the file is not a valid XLSX workbook");
    let mut book: Xlsx<_> = Xlsx::new(BufReader::new(file)).map_err(|_| invalid())?;
    let sheet = book.sheet_names().first().cloned().ok_or_else(|| file_error("the workbook has no sheet"))?;
    let mut cells = book.worksheet_cells_reader(&sheet).map_err(|_| invalid())?;
    let mut current: Option<(u64, Vec<String>)> = None;
    while let Some(cell) = cells.next_cell().map_err(|_| invalid())? {
        let (r, c) = cell.get_position();
        let (row, col) = (u64::from(r) + 1, c as usize);
        if col > 200 {
            return Err(FieldError::at_row(row, "file", "has more than 200 columns"));
        }
        let text = match cell.get_value() {
            DataRef::Empty => String::new(),
            DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
            DataRef::SharedString(s) => s.to_string(),
            DataRef::Int(i) => i.to_string(),
            DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
            DataRef::Float(f) => f.to_string(),
            DataRef::Bool(b) => b.to_string(),
            DataRef::DateTime(d) => d.as_f64().to_string(),
            DataRef::Error(e) => return Err(FieldError::at_row(row, "file", format!("a cell holds the error {e}"))),
        };
        if current.as_ref().is_some_and(|(n, _)| *n != row) {
            if let Some(done) = current.take() {
                if !push(done) {
                    return Ok(());
                }
            }
        }
        let (_, cols) = current.get_or_insert_with(|| (row, Vec::new()));
        if cols.len() <= col {
            cols.resize(col + 1, String::new());
        }
        cols[col] = text;
    }
    if let Some(done) = current {
        push(done);
    }
    Ok(())
}

/// Writes an uploaded field's bytes to a temporary file, refusing more than `limit` bytes.
pub struct Spool {
    pub file: std::fs::File,
    pub len: usize,
    pub head: Vec<u8>,
}

impl Spool {
    pub fn new() -> std::io::Result<Spool> {
        Ok(Spool { file: tempfile::tempfile()?, len: 0, head: Vec::new() })
    }

    /// Appends a chunk; false when the limit is exceeded.
    pub fn write(&mut self, chunk: &[u8], limit: usize) -> std::io::Result<bool> {
        self.len += chunk.len();
        if self.len > limit {
            return Ok(false);
        }
        if self.head.len() < 4096 {
            let take = (4096 - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        self.file.write_all(chunk)?;
        Ok(true)
    }
}

/// Spools a form's one field, `file`, to a temporary file of at most `limit` bytes (413 naming
/// `limit_text` past it); returns it with the part's file name and type. Any other field is refused.
pub async fn spool_file(
    mp: &mut axum::extract::Multipart,
    limit: usize,
    limit_text: &'static str,
) -> Result<(Spool, Option<String>, Option<String>), crate::api::ApiError> {
    use crate::api::ApiError;
    let broken = crate::api::multipart_error;
    let mut found = None;
    while let Some(mut field) = mp.next_field().await.map_err(broken)? {
        if field.name() != Some("file") {
            let name = field.name().unwrap_or("").to_string();
            return Err(ApiError::field(&name, "unexpected form field; send the file in a field named `file`"));
        }
        if found.is_some() {
            return Err(ApiError::field("file", "send one file"));
        }
        let filename = field.file_name().map(str::to_string);
        let content_type = field.content_type().map(str::to_string);
        let mut spool = Spool::new().map_err(|e| ApiError::internal("creating a temporary file", e))?;
        while let Some(chunk) = field.chunk().await.map_err(broken)? {
            if !spool.write(&chunk, limit).map_err(|e| ApiError::internal("spooling an upload", e))? {
                return Err(ApiError::PayloadTooLarge(limit_text.into()));
            }
        }
        found = Some((spool, filename, content_type));
    }
    found.ok_or_else(|| ApiError::field("file", "is required"))
}
