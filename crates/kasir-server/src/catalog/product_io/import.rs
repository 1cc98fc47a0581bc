//! Importing a product file: rows in, checked in batches, written in one transaction.

use std::collections::HashMap;

use axum::{
    extract::{multipart::MultipartRejection, Multipart, State},
    response::Response,
};
use kasir_domain::{FieldError, Permission};
use kasir_store::{
    catalog::products::{self, Code, Product, PRODUCTS},
    catalog::{self, Named},
    crud::{self, ChangedRow, NewRow},
    Scope, Tx,
};
use tokio::sync::mpsc;

use super::{import_plan::Planned, *};
use crate::{
    api::sheet::{self, Row},
    api::{ok, ApiError, ApiQuery},
    auth::Principal,
    state::AppState,
};

pub(super) async fn import(
    State(s): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<ImportQuery>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    p.require(Permission::CatalogManage)?;
    let scope = p.scope()?;
    let mut multipart = multipart
        .map_err(|_| ApiError::BadRequest("send the file as multipart/form-data in a field named `file`".into()))?;
    let (spool, filename, content_type) = sheet::spool_file(&mut multipart, crate::UPLOAD_LIMIT, "20 MiB").await?;
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

/// The rows of one product: the first carries its fields, each row one variant (if any).
pub(super) struct Group {
    pub(super) sku: String,
    pub(super) rows: Vec<Row>,
}

pub(super) struct Importer {
    pub(super) tx: Tx,
    pub(super) scope: Scope,
    pub(super) dry_run: bool,
    pub(super) filename: Option<String>,
    /// Where each known column is in the file's rows; `None` before the header is read.
    pub(super) cols: Option<[Option<usize>; COLUMNS.len()]>,
    /// Category ids by (parent id or "", lower-case name).
    pub(super) categories: HashMap<(String, String), String>,
    pub(super) brands: HashMap<String, String>,
    pub(super) taxes: HashMap<String, String>,
    /// Every SKU and barcode met so far, by kind, with the first row of the product using it.
    pub(super) seen: HashMap<(&'static str, String), u64>,
    pub(super) group: Option<Group>,
    pub(super) batch: Vec<Group>,
    pub(super) errors: Vec<FieldError>,
    pub(super) error_count: u64,
    pub(super) report: ImportReport,
}

pub(super) fn key(s: &str) -> String {
    s.trim().to_lowercase()
}

impl Importer {
    pub(super) async fn start(
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

    pub(super) fn error(&mut self, row: u64, field: impl Into<String>, message: impl Into<String>) {
        self.error_count += 1;
        if self.errors.len() < MAX_ERRORS {
            self.errors.push(FieldError::at_row(row, field, message));
        }
    }

    /// A cell of `row`: `None` when the file has no such column, else its trimmed text.
    pub(super) fn cell<'r>(&self, row: &'r Row, col: usize) -> Option<&'r str> {
        let i = self.cols.as_ref()?[col]?;
        Some(sheet::undefuse(row.1.get(i).map_or("", |s| s.trim())))
    }

    pub(super) fn header(&mut self, (n, cells): Row) -> Result<(), ApiError> {
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

    pub(super) async fn row(&mut self, row: Row) -> Result<(), ApiError> {
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

    pub(super) async fn finish(mut self) -> Result<Response, ApiError> {
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
    pub(super) async fn flush(&mut self) -> Result<(), ApiError> {
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
}
