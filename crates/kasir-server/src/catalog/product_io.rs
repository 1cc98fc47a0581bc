//! `POST /products/import` (CSV or XLSX, upsert by SKU, all or nothing) and the streamed exports
//! `GET /products/export` and `GET /stock/export`.
//!
//! An import reads the file on a blocking thread and receives its rows in chunks; it checks and
//! writes them in batches inside one transaction, so memory stays flat and a failing row anywhere
//! leaves the catalog untouched. One product may span several consecutive rows, one per variant.

use std::collections::HashMap;

use axum::{
    extract::{multipart::MultipartRejection, Multipart, State},
    response::Response,
};
use kasir_domain::{FieldError, Permission, Quantity};
use kasir_store::{
    catalog::products::{self, Code, Product, PRODUCTS},
    catalog::{self, Named, CATEGORIES},
    crud::{self, ChangedRow, NewRow},
    stock, Scope, Tx, Value,
};
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use utoipa::{IntoParams, ToSchema};

use kasir_domain::MAX_MONEY;

use crate::catalog::products::{validate, Draft, VariantInput};
use crate::{
    api::sheet::{self, Cell, Download, Format, Row},
    api::{
        ok,
        openapi::{ApiRouter, Method, Op},
        ApiError, ApiQuery, FieldErrorSchema,
    },
    auth::Principal,
    state::AppState,
};

/// The columns of product files, in export order. Only `sku` is required in an import; a column
/// left out of the file leaves that field of existing products as it is.
const COLUMNS: [&str; 17] = [
    "sku",
    "name",
    "category",
    "brand",
    "barcodes",
    "price",
    "cost",
    "tax",
    "unit",
    "track_stock",
    "low_stock_threshold",
    "is_active",
    "variant_name",
    "variant_sku",
    "variant_barcodes",
    "variant_price",
    "variant_cost",
];
const SKU: usize = 0;
const NAME: usize = 1;
const CATEGORY: usize = 2;
const BRAND: usize = 3;
const BARCODES: usize = 4;
const PRICE: usize = 5;
const COST: usize = 6;
const TAX: usize = 7;
const UNIT: usize = 8;
const TRACK_STOCK: usize = 9;
const LOW_STOCK: usize = 10;
const IS_ACTIVE: usize = 11;
const VARIANT_NAME: usize = 12;
const VARIANT_SKU: usize = 13;
const VARIANT_BARCODES: usize = 14;
const VARIANT_PRICE: usize = 15;
const VARIANT_COST: usize = 16;

/// Categories are written as paths: `Drinks > Coffee`.
const PATH_SEPARATOR: &str = " > ";
/// Products checked and written per batch.
const BATCH: usize = 400;
/// Errors listed in a response; the count covers them all.
const MAX_ERRORS: usize = 1000;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// Check the file and report what would happen, writing nothing.
    pub dry_run: Option<bool>,
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct ImportReport {
    pub created: u64,
    pub updated: u64,
    /// Rows that matched their product exactly: nothing written.
    pub unchanged: u64,
    pub categories_created: u64,
    pub brands_created: u64,
    pub dry_run: bool,
    /// Problems by row (the header is row 1); at most 1,000 are listed. A real import with any
    /// error is refused with 400 and these errors instead.
    #[schema(value_type = Vec<FieldErrorSchema>)]
    pub errors: Vec<FieldError>,
    pub error_count: u64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// `csv` (default) or `xlsx`.
    pub format: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct StockExportQuery {
    /// `csv` (default) or `xlsx`.
    pub format: Option<String>,
    #[param(format = Uuid)]
    pub warehouse_id: Option<String>,
    pub low_only: Option<bool>,
}

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    let binary = crate::api::openapi::binary_schema;
    api.route(
        Method::Post,
        "/products/import",
        import,
        Op::new("catalog", "Import products from CSV or XLSX: upsert by SKU, all or nothing")
            .upload("CSV (UTF-8, comma or semicolon) or XLSX, up to 20 MiB; first row names the columns")
            .query::<ImportQuery>()
            .ok::<ImportReport>(),
    )
    .route(
        Method::Get,
        "/products/export",
        export_products,
        Op::new("catalog", "Export the catalog as CSV or XLSX (one row per variant), streamed")
            .query::<ExportQuery>()
            .ok_raw(200, sheet::CSV_TYPE, binary())
            .or_content(sheet::XLSX_TYPE, binary()),
    )
    .route(
        Method::Get,
        "/stock/export",
        export_stock,
        Op::new("stock", "Export stock levels as CSV or XLSX, streamed")
            .query::<StockExportQuery>()
            .ok_raw(200, sheet::CSV_TYPE, binary())
            .or_content(sheet::XLSX_TYPE, binary())
            .errors(&[404]),
    )
}

fn format_of(raw: Option<&str>) -> Result<Format, ApiError> {
    Format::parse(raw.unwrap_or("csv")).ok_or_else(|| ApiError::field("format", "must be csv or xlsx"))
}

// ---------------------------------------------------------------------------------------------
// Import
// ---------------------------------------------------------------------------------------------

async fn import(
    State(s): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<ImportQuery>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    p.require(Permission::CatalogManage)?;
    let scope = p.scope()?;
    let mut multipart = multipart
        .map_err(|_| ApiError::BadRequest("send the file as multipart/form-data in a field named `file`".into()))?;
    let (spool, filename, content_type) = receive(&mut multipart).await?;
    let format = sheet::sniff(&spool.head, filename.as_deref(), content_type.as_deref())
        .map_err(|e| ApiError::Validation(vec![e]))?;

    let (rows_tx, mut rows_rx) = mpsc::channel(2);
    let reader = tokio::task::spawn_blocking(move || {
        sheet::read_rows(spool.file, format, |chunk| rows_tx.blocking_send(chunk).is_ok())
    });
    let mut imp = Importer::start(&s, &p, scope, q.dry_run.unwrap_or(false), filename).await?;
    while let Some(chunk) = rows_rx.recv().await {
        for row in chunk.map_err(|e| ApiError::Validation(vec![e]))? {
            imp.row(row).await?;
        }
    }
    reader.await.map_err(|e| ApiError::internal("reading an upload", e))?;
    imp.finish().await
}

/// Spools the `file` field to a temporary file; returns it with the part's file name and type.
async fn receive(mp: &mut Multipart) -> Result<(sheet::Spool, Option<String>, Option<String>), ApiError> {
    let broken = |e: axum::extract::multipart::MultipartError| {
        if e.status().as_u16() == 413 {
            ApiError::PayloadTooLarge("20 MiB")
        } else {
            ApiError::BadRequest(format!("the multipart body is malformed: {}", e.body_text()))
        }
    };
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
        let mut spool = sheet::Spool::new().map_err(|e| ApiError::internal("creating a temporary file", e))?;
        while let Some(chunk) = field.chunk().await.map_err(broken)? {
            if !spool.write(&chunk, crate::UPLOAD_LIMIT).map_err(|e| ApiError::internal("spooling an upload", e))? {
                return Err(ApiError::PayloadTooLarge("20 MiB"));
            }
        }
        found = Some((spool, filename, content_type));
    }
    found.ok_or_else(|| ApiError::field("file", "is required"))
}

/// The rows of one product: the first carries its fields, each row one variant (if any).
struct Group {
    sku: String,
    rows: Vec<Row>,
}

struct Importer {
    tx: Tx,
    scope: Scope,
    dry_run: bool,
    filename: Option<String>,
    /// Where each known column is in the file's rows; `None` before the header is read.
    cols: Option<[Option<usize>; COLUMNS.len()]>,
    /// Category ids by (parent id or "", lower-case name).
    categories: HashMap<(String, String), String>,
    brands: HashMap<String, String>,
    taxes: HashMap<String, String>,
    /// Every SKU and barcode met so far, by kind, with the first row of the product using it.
    seen: HashMap<(&'static str, String), u64>,
    group: Option<Group>,
    batch: Vec<Group>,
    errors: Vec<FieldError>,
    error_count: u64,
    report: ImportReport,
}

fn key(s: &str) -> String {
    s.trim().to_lowercase()
}

impl Importer {
    async fn start(
        s: &AppState,
        p: &Principal,
        scope: Scope,
        dry_run: bool,
        filename: Option<String>,
    ) -> Result<Importer, ApiError> {
        let mut categories = HashMap::new();
        for (id, name, parent) in catalog::category_names(&s.db, &scope.tenant_id).await? {
            categories.insert((parent.unwrap_or_default(), key(&name)), id);
        }
        let index = |rows: Vec<(String, String)>| rows.into_iter().map(|(id, name)| (key(&name), id)).collect();
        let brands = index(catalog::names(&s.db, Named::Brands, &scope.tenant_id).await?);
        let taxes = index(catalog::names(&s.db, Named::Taxes, &scope.tenant_id).await?);
        let tx = s.db.begin_bulk(p.actor()).await?;
        Ok(Importer {
            tx,
            scope,
            dry_run,
            filename,
            cols: None,
            categories,
            brands,
            taxes,
            seen: HashMap::new(),
            group: None,
            batch: Vec::new(),
            errors: Vec::new(),
            error_count: 0,
            report: ImportReport { dry_run, ..Default::default() },
        })
    }

    fn error(&mut self, row: u64, field: impl Into<String>, message: impl Into<String>) {
        self.error_count += 1;
        if self.errors.len() < MAX_ERRORS {
            self.errors.push(FieldError::at_row(row, field, message));
        }
    }

    /// A cell of `row`: `None` when the file has no such column, else its trimmed text.
    fn cell<'r>(&self, row: &'r Row, col: usize) -> Option<&'r str> {
        let i = self.cols.as_ref()?[col]?;
        Some(sheet::undefuse(row.1.get(i).map_or("", |s| s.trim())))
    }

    fn header(&mut self, (n, cells): Row) -> Result<(), ApiError> {
        let mut cols = [None; COLUMNS.len()];
        let mut errors = Vec::new();
        for (i, raw) in cells.iter().enumerate() {
            let name = raw.trim().to_lowercase().replace(' ', "_");
            if name.is_empty() {
                continue;
            }
            match COLUMNS.iter().position(|c| *c == name) {
                Some(c) if cols[c].is_some() => errors.push(FieldError::at_row(n, name, "column appears twice")),
                Some(c) => cols[c] = Some(i),
                None => errors.push(FieldError::at_row(
                    n,
                    raw.trim(),
                    format!("unknown column; the columns are {}", COLUMNS.join(", ")),
                )),
            }
        }
        if cols[SKU].is_none() {
            errors.push(FieldError::at_row(n, "sku", "the header row must have a sku column"));
        }
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        self.cols = Some(cols);
        Ok(())
    }

    async fn row(&mut self, row: Row) -> Result<(), ApiError> {
        if self.cols.is_none() {
            return self.header(row);
        }
        let sku = self.cell(&row, SKU).unwrap_or("").to_string();
        if sku.is_empty() {
            self.error(row.0, "sku", "is required");
            return Ok(());
        }
        if let Some(g) = self.group.as_mut().filter(|g| g.sku == sku) {
            g.rows.push(row);
            return Ok(());
        }
        if let Some(first) = self.seen.get(&("sku", sku.clone())).copied() {
            self.error(
                row.0,
                "sku",
                format!("is also on row {first}; rows of one product (its variants) must be consecutive"),
            );
            return Ok(());
        }
        self.seen.insert(("sku", sku.clone()), row.0);
        if let Some(done) = self.group.replace(Group { sku, rows: vec![row] }) {
            self.batch.push(done);
            if self.batch.len() >= BATCH {
                self.flush().await?;
            }
        }
        Ok(())
    }

    async fn finish(mut self) -> Result<Response, ApiError> {
        if self.cols.is_none() {
            return Err(ApiError::field("file", "the file has no rows; the first row must name the columns"));
        }
        if let Some(done) = self.group.take() {
            self.batch.push(done);
        }
        self.flush().await?;
        let mut report = std::mem::take(&mut self.report);
        report.error_count = self.error_count;
        report.errors = std::mem::take(&mut self.errors);
        if self.dry_run {
            return Ok(ok(report)); // the transaction rolls back when dropped
        }
        if report.error_count > 0 {
            return Err(ApiError::Validation(report.errors));
        }
        let details = serde_json::json!({
            "file": self.filename, "created": report.created, "updated": report.updated,
            "categories_created": report.categories_created, "brands_created": report.brands_created,
        });
        self.tx.audit(Some(&self.scope.tenant_id), "product.import", "product", None, details);
        self.tx.commit().await?;
        Ok(ok(report))
    }

    /// Checks the batch's products and, while the file has had no error, writes them.
    async fn flush(&mut self) -> Result<(), ApiError> {
        let groups = std::mem::take(&mut self.batch);
        if groups.is_empty() {
            return Ok(());
        }
        let skus: Vec<String> = groups.iter().map(|g| g.sku.clone()).collect();
        let existing: HashMap<String, Product> = products::by_skus(&mut self.tx, &self.scope.tenant_id, &skus)
            .await?
            .into_iter()
            .map(|p| (p.sku.clone(), p))
            .collect();

        // Pass 1: each product's intended state, checked on its own and against the file.
        let mut planned: Vec<Planned> = Vec::new();
        for g in &groups {
            let current = existing.get(&g.sku);
            if let Some(plan) = self.plan(g, current).await? {
                planned.push(plan);
            }
        }

        // Pass 2: codes held by other products in the database.
        for kind in ["sku", "barcode"] {
            let codes: Vec<String> = planned
                .iter()
                .flat_map(|p| p.codes.iter().filter(|c| c.kind == kind).map(|c| c.code.clone()))
                .collect();
            if codes.is_empty() {
                continue;
            }
            let holders: HashMap<String, String> =
                products::code_holders(&mut self.tx, &self.scope.tenant_id, kind, &codes).await?.into_iter().collect();
            for plan in &mut planned {
                for c in plan.codes.iter().filter(|c| c.kind == kind) {
                    if holders.get(&c.code).is_some_and(|holder| *holder != plan.id) {
                        let (row, col) = plan.locate(&c.field);
                        plan.failed = true;
                        self.error(row, col, format!("{} is already used by another product", c.code));
                    }
                }
            }
        }

        let mut creates: Vec<NewRow> = Vec::new();
        let mut updates: Vec<ChangedRow> = Vec::new();
        let mut codes: Vec<(String, Vec<Code>)> = Vec::new();
        for plan in planned.into_iter().filter(|p| !p.failed) {
            match plan.version {
                None => {
                    self.report.created += 1;
                    creates.push((plan.id.clone(), plan.values));
                }
                Some(_) if plan.unchanged => {
                    self.report.unchanged += 1;
                    continue;
                }
                Some(version) => {
                    self.report.updated += 1;
                    updates.push((plan.id.clone(), version, plan.values));
                }
            }
            codes.push((plan.id, plan.codes));
        }
        if self.error_count > 0 || self.dry_run {
            return Ok(());
        }
        crud::create_many::<Product>(&mut self.tx, &PRODUCTS, &self.scope, &creates).await?;
        crud::update_many::<Product>(&mut self.tx, &PRODUCTS, &self.scope, &updates).await.map_err(|e| match e {
            kasir_store::StoreError::VersionConflict { .. } => ApiError::Conflict {
                code: kasir_domain::ErrorCode::VersionConflict,
                message: "products changed while the file was imported; import it again".into(),
                errors: Vec::new(),
            },
            other => other.into(),
        })?;
        products::set_codes_many(&mut self.tx, &self.scope.tenant_id, &codes).await?;
        self.tx.flush().await?;
        Ok(())
    }

    /// One product's intended state from its rows, or `None` when its rows have errors.
    async fn plan(&mut self, g: &Group, current: Option<&Product>) -> Result<Option<Planned>, ApiError> {
        let errors_before = self.error_count;
        let first = &g.rows[0];
        let r = first.0;
        let mut d = match current {
            Some(c) => Draft::of(c),
            None => Draft::new(g.sku.clone(), String::new(), 0),
        };
        match self.cell(first, NAME) {
            Some(name) => d.name = name.to_string(),
            None if current.is_none() => self.error(r, "name", "is required for a new product"),
            None => {}
        }
        match self.cell(first, PRICE) {
            Some("") | None if current.is_none() => self.error(r, "price", "is required for a new product"),
            Some("") => self.error(r, "price", "must not be empty"),
            Some(v) => {
                if let Some(p) = self.money(r, "price", v) {
                    d.price = p;
                }
            }
            None => {}
        }
        if let Some(v) = self.cell(first, COST) {
            d.cost = if v.is_empty() { 0 } else { self.money(r, "cost", v).unwrap_or(0) };
        }
        if let Some(v) = self.cell(first, CATEGORY) {
            d.category_id = if v.is_empty() { None } else { self.category(r, v).await? };
        }
        if let Some(v) = self.cell(first, BRAND) {
            d.brand_id = if v.is_empty() { None } else { self.brand(r, v).await? };
        }
        if let Some(v) = self.cell(first, TAX) {
            d.tax_id = match v {
                "" => None,
                name => {
                    let id = self.taxes.get(&key(name)).cloned();
                    if id.is_none() {
                        self.error(r, "tax", format!("no tax is named {name:?}; create it first"));
                    }
                    id
                }
            };
        }
        if let Some(v) = self.cell(first, BARCODES) {
            d.barcodes = split_codes(v);
        }
        if let Some(v) = self.cell(first, UNIT) {
            d.unit = if v.is_empty() { "pcs".into() } else { v.to_string() };
        }
        if let Some(v) = self.cell(first, TRACK_STOCK) {
            d.track_stock = self.flag(r, "track_stock", v);
        }
        if let Some(v) = self.cell(first, IS_ACTIVE) {
            d.is_active = self.flag(r, "is_active", v);
        }
        if let Some(v) = self.cell(first, LOW_STOCK) {
            d.low_stock_threshold = match v {
                "" => None,
                v => match v.parse::<f64>().map_err(|_| "must be a number").and_then(Quantity::from_f64) {
                    Ok(q) => Some(q),
                    Err(m) => {
                        self.error(r, "low_stock_threshold", m);
                        None
                    }
                },
            };
        }
        // Later rows repeat the product's fields or leave them empty.
        for row in &g.rows[1..] {
            for (col, name) in COLUMNS.iter().enumerate().take(IS_ACTIVE + 1).skip(NAME) {
                match (self.cell(row, col), self.cell(first, col)) {
                    (Some(v), Some(f)) if !v.is_empty() && v != f => {
                        self.error(row.0, *name, format!("differs from row {r} of the same product"))
                    }
                    _ => {}
                }
            }
        }
        let has_variants = self.cols.as_ref().is_some_and(|c| c[VARIANT_SKU].is_some());
        let mut variant_rows = Vec::new();
        if has_variants {
            let mut variants = Vec::new();
            for row in &g.rows {
                let vsku = self.cell(row, VARIANT_SKU).unwrap_or("");
                let other = [VARIANT_NAME, VARIANT_BARCODES, VARIANT_PRICE, VARIANT_COST]
                    .iter()
                    .any(|c| self.cell(row, *c).is_some_and(|v| !v.is_empty()));
                if vsku.is_empty() {
                    if other || g.rows.len() > 1 {
                        self.error(row.0, "variant_sku", "is required on every row of a product with variants");
                    }
                    continue;
                }
                let keep_id = current.and_then(|c| c.variants.0.iter().find(|v| v.sku == vsku)).map(|v| v.id.clone());
                let price = self.opt_money(row, VARIANT_PRICE);
                let cost = self.opt_money(row, VARIANT_COST);
                variants.push(VariantInput {
                    id: keep_id,
                    name: self.cell(row, VARIANT_NAME).unwrap_or("").to_string(),
                    sku: vsku.to_string(),
                    barcodes: self.cell(row, VARIANT_BARCODES).map(split_codes).unwrap_or_default(),
                    price,
                    cost,
                });
                variant_rows.push(row.0);
            }
            d.variants = variants;
        } else if g.rows.len() > 1 {
            for row in &g.rows[1..] {
                self.error(row.0, "sku", format!("repeats row {r}; add variant columns to give a product variants"));
            }
        }
        if self.error_count > errors_before {
            return Ok(None);
        }

        let id = current.map_or_else(kasir_domain::ids::new_id, |c| c.id.clone());
        let mut plan = Planned {
            id,
            version: current.map(|c| c.version),
            first_row: r,
            variant_rows,
            values: Vec::new(),
            codes: Vec::new(),
            unchanged: false,
            failed: false,
        };
        let checked = match validate(d) {
            Ok(c) => c,
            Err(errors) => {
                for e in errors {
                    let (row, col) = plan.locate(&e.field);
                    self.error(row, col, e.message);
                }
                return Ok(None);
            }
        };
        for c in &checked.codes {
            let first_use = *self.seen.entry((c.kind, c.code.clone())).or_insert(r);
            if first_use != r {
                let (row, col) = plan.locate(&c.field);
                self.error(row, col, format!("{} is also used by the product on row {first_use}", c.code));
            }
        }
        if self.error_count > errors_before {
            return Ok(None);
        }
        if let Some(c) = current {
            plan.unchanged = validate(Draft::of(c)).is_ok_and(|now| now.values == checked.values);
        }
        plan.values = checked.values;
        plan.codes = checked.codes;
        Ok(Some(plan))
    }

    fn money(&mut self, row: u64, field: &str, raw: &str) -> Option<i64> {
        match parse_money(raw) {
            Ok(v) => Some(v),
            Err(m) => {
                self.error(row, field, m);
                None
            }
        }
    }

    fn opt_money(&mut self, row: &Row, col: usize) -> Option<i64> {
        match self.cell(row, col) {
            None | Some("") => None,
            Some(v) => self.money(row.0, COLUMNS[col], v),
        }
    }

    fn flag(&mut self, row: u64, field: &str, raw: &str) -> bool {
        match raw.to_lowercase().as_str() {
            "" | "true" | "yes" | "y" | "1" => true,
            "false" | "no" | "n" | "0" => false,
            _ => {
                self.error(row, field, "must be true or false");
                true
            }
        }
    }

    /// The id of the category at `path`, creating missing levels.
    async fn category(&mut self, row: u64, path: &str) -> Result<Option<String>, ApiError> {
        let mut parent = String::new();
        for part in path.split(PATH_SEPARATOR.trim()).map(str::trim) {
            if part.is_empty() || part.chars().count() > 100 {
                self.error(row, "category", "each level of a category path needs 1 to 100 characters");
                return Ok(None);
            }
            let k = (parent.clone(), key(part));
            parent = match self.categories.get(&k) {
                Some(id) => id.clone(),
                None => {
                    let id = kasir_domain::ids::new_id();
                    let mut values = vec![("name_key", Value::from(part.to_lowercase())), ("name", Value::from(part))];
                    values.push(("parent_id", Value::Text(Some(parent.clone()).filter(|p| !p.is_empty()))));
                    values.extend([("sort_order", Value::from(0)), ("is_active", Value::from(true))]);
                    crud::create::<catalog::Category>(&mut self.tx, &CATEGORIES, &self.scope, &id, &values).await?;
                    self.report.categories_created += 1;
                    self.categories.insert(k, id.clone());
                    id
                }
            };
        }
        Ok(Some(parent))
    }

    /// The id of the brand named `name`, creating it when missing.
    async fn brand(&mut self, row: u64, name: &str) -> Result<Option<String>, ApiError> {
        if let Some(id) = self.brands.get(&key(name)) {
            return Ok(Some(id.clone()));
        }
        if name.chars().count() > 100 {
            self.error(row, "brand", "must have at most 100 characters");
            return Ok(None);
        }
        let id = kasir_domain::ids::new_id();
        let values = [("name_key", Value::from(name.to_lowercase())), ("name", Value::from(name))];
        crud::create::<catalog::Brand>(&mut self.tx, &catalog::BRANDS, &self.scope, &id, &values).await?;
        self.report.brands_created += 1;
        self.brands.insert(key(name), id.clone());
        Ok(Some(id))
    }
}

/// A product about to be written.
struct Planned {
    id: String,
    /// The version read, for products that exist.
    version: Option<i64>,
    first_row: u64,
    /// The row of each variant, in order.
    variant_rows: Vec<u64>,
    values: Vec<(&'static str, Value)>,
    codes: Vec<Code>,
    unchanged: bool,
    failed: bool,
}

impl Planned {
    /// The file row and column of a field named as the API names it (`variants[1].barcodes[0]`).
    fn locate(&self, field: &str) -> (u64, String) {
        if let Some(rest) = field.strip_prefix("variants[") {
            if let Some((i, sub)) = rest.split_once("].") {
                let row = i.parse::<usize>().ok().and_then(|i| self.variant_rows.get(i)).copied();
                let sub = sub.split('[').next().unwrap_or(sub);
                return (row.unwrap_or(self.first_row), format!("variant_{sub}"));
            }
            return (self.first_row, "variant_sku".into());
        }
        let base = field.split('[').next().unwrap_or(field);
        let col = match base {
            "variants" => "variant_sku",
            "category_id" => "category",
            "brand_id" => "brand",
            "tax_id" => "tax",
            other => other,
        };
        (self.first_row, col.to_string())
    }
}

/// Barcodes in one cell, separated by `|`, `,`, `;` or spaces.
fn split_codes(raw: &str) -> Vec<String> {
    raw.split(['|', ',', ';', ' ', '\t']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

/// Whole minor units; `15000.0` (how spreadsheets write numbers) is accepted, `15000.5` is not.
fn parse_money(raw: &str) -> Result<i64, &'static str> {
    let digits = match raw.split_once('.') {
        Some((whole, frac)) if frac.chars().all(|c| c == '0') => whole,
        Some(_) => return Err("must be a whole number of minor units"),
        None => raw,
    };
    if digits.starts_with('-') {
        return Err("must not be negative");
    }
    match digits.parse::<i64>() {
        Ok(v) if v <= MAX_MONEY => Ok(v),
        Ok(_) => Err("is too large"),
        Err(_) => Err("must be a whole number of minor units"),
    }
}

// ---------------------------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------------------------

/// Names of categories (as paths), brands and taxes by id.
struct Names {
    categories: HashMap<String, String>,
    brands: HashMap<String, String>,
    taxes: HashMap<String, String>,
}

impl Names {
    async fn load(db: &kasir_store::Db, tenant_id: &str) -> Result<Names, ApiError> {
        let raw = catalog::category_names(db, tenant_id).await?;
        let by_id: HashMap<&str, (&str, Option<&str>)> =
            raw.iter().map(|(id, name, parent)| (id.as_str(), (name.as_str(), parent.as_deref()))).collect();
        let mut categories = HashMap::new();
        for (id, _, _) in &raw {
            let mut parts = Vec::new();
            let mut at = Some(id.as_str());
            while let Some(node) = at.and_then(|i| by_id.get(i)) {
                parts.push(node.0);
                at = node.1;
                if parts.len() > 64 {
                    break;
                }
            }
            parts.reverse();
            categories.insert(id.clone(), parts.join(PATH_SEPARATOR));
        }
        let map = |rows: Vec<(String, String)>| rows.into_iter().collect::<HashMap<_, _>>();
        Ok(Names {
            categories,
            brands: map(catalog::names(db, Named::Brands, tenant_id).await?),
            taxes: map(catalog::names(db, Named::Taxes, tenant_id).await?),
        })
    }

    fn of(map: &HashMap<String, String>, id: &Option<String>) -> Cell {
        id.as_ref().and_then(|i| map.get(i)).cloned().into()
    }
}

/// The rows of one product: one, or one per variant.
fn product_rows(p: &Product, names: &Names) -> Vec<Vec<Cell>> {
    let base: Vec<Cell> = vec![
        p.sku.as_str().into(),
        p.name.as_str().into(),
        Names::of(&names.categories, &p.category_id),
        Names::of(&names.brands, &p.brand_id),
        p.barcodes.0.join("|").into(),
        p.price.into(),
        p.cost.into(),
        Names::of(&names.taxes, &p.tax_id),
        p.unit.as_str().into(),
        p.track_stock.0.into(),
        p.low_stock_threshold.map_or(Cell::Empty, |q| Cell::Qty(Quantity(q))),
        p.is_active.0.into(),
    ];
    if p.variants.0.is_empty() {
        let mut row = base;
        row.extend(std::iter::repeat_n(Cell::Empty, 5));
        return vec![row];
    }
    p.variants
        .0
        .iter()
        .map(|v| {
            let mut row = base.clone();
            row.extend([
                v.name.as_str().into(),
                v.sku.as_str().into(),
                v.barcodes.join("|").into(),
                v.price.into(),
                v.cost.into(),
            ]);
            row
        })
        .collect()
}

async fn export_products(
    State(s): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    p.require(Permission::CatalogRead)?;
    let scope = p.scope()?;
    let format = format_of(q.format.as_deref())?;
    let names = Names::load(&s.db, &scope.tenant_id).await?;
    let filename = format!("products-{}", &kasir_domain::time::now()[..10]);
    let (out, response) = Download::start(format, &filename, &COLUMNS);
    tokio::spawn(async move {
        let mut after: Option<(String, String)> = None;
        loop {
            let cursor = after.as_ref().map(|(c, i)| (c.as_str(), i.as_str()));
            let page = match products::page_after(&s.db, &scope.tenant_id, cursor, 1000).await {
                Ok(page) => page,
                Err(e) => return out.fail(e).await,
            };
            let Some(last) = page.last() else { break };
            after = Some((last.created_at.clone(), last.id.clone()));
            let rows: Vec<Vec<Cell>> = page.iter().flat_map(|p| product_rows(p, &names)).collect();
            if !out.send(rows).await {
                break;
            }
        }
    });
    Ok(response)
}

const STOCK_COLUMNS: [&str; 11] = [
    "warehouse",
    "sku",
    "name",
    "variant_sku",
    "variant_name",
    "quantity",
    "unit",
    "low_stock_threshold",
    "warehouse_id",
    "product_id",
    "variant_id",
];

async fn export_stock(
    State(s): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<StockExportQuery>,
) -> Result<Response, ApiError> {
    p.require(Permission::StockRead)?;
    let scope = p.scope()?;
    let format = format_of(q.format.as_deref())?;
    let mut filter = crate::stock::ledger::filter(&s, &scope, q.warehouse_id, None).await?;
    filter.low_only = q.low_only.unwrap_or(false);
    let filename = format!("stock-{}", &kasir_domain::time::now()[..10]);
    let (out, response) = Download::start(format, &filename, &STOCK_COLUMNS);
    tokio::spawn(async move {
        let mut after: Option<stock::ExportKey> = None;
        loop {
            let page = match stock::export_page(&s.db, &scope, &filter, after.as_ref(), 1000).await {
                Ok(page) => page,
                Err(e) => return out.fail(e).await,
            };
            let Some(last) = page.last() else { break };
            after = Some(last.key());
            let rows = page
                .into_iter()
                .map(|r| {
                    let variant = r.variant_id.0.as_ref().and_then(|id| r.variants.0.iter().find(|v| &v.id == id));
                    vec![
                        r.warehouse_name.into(),
                        r.sku.into(),
                        r.name.into(),
                        variant.map(|v| v.sku.clone()).into(),
                        variant.map(|v| v.name.clone()).into(),
                        Cell::Qty(Quantity(r.quantity)),
                        r.unit.into(),
                        r.low_stock_threshold.map_or(Cell::Empty, |t| Cell::Qty(Quantity(t))),
                        r.warehouse_id.into(),
                        r.product_id.into(),
                        r.variant_id.0.clone().into(),
                    ]
                })
                .collect();
            if !out.send(rows).await {
                break;
            }
        }
    });
    Ok(response)
}
