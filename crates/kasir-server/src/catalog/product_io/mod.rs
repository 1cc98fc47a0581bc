//! `POST /products/import` (CSV or XLSX, upsert by SKU, all or nothing) and the streamed exports
//! `GET /products/export` and `GET /stock/export`.
//!
//! An import reads the file on a blocking thread and receives its rows in chunks; it checks and
//! writes them in batches inside one transaction, so memory stays flat and a failing row anywhere
//! leaves the catalog untouched. One product may span several consecutive rows, one per variant.

mod export;
mod import;
mod import_plan;

use kasir_domain::FieldError;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use kasir_domain::MAX_MONEY;

use crate::{
    api::sheet::{self, Format},
    api::{
        openapi::{ApiRouter, Method, Op},
        ApiError, FieldErrorSchema,
    },
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
        import::import,
        Op::new("catalog", "Import products from CSV or XLSX: upsert by SKU, all or nothing")
            .upload("CSV (UTF-8, comma or semicolon) or XLSX, up to 20 MiB; first row names the columns")
            .query::<ImportQuery>()
            .ok::<ImportReport>(),
    )
    .route(
        Method::Get,
        "/products/export",
        export::export_products,
        Op::new("catalog", "Export the catalog as CSV or XLSX (one row per variant), streamed")
            .query::<ExportQuery>()
            .ok_raw(200, sheet::CSV_TYPE, binary())
            .or_content(sheet::XLSX_TYPE, binary()),
    )
    .route(
        Method::Get,
        "/stock/export",
        export::export_stock,
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
