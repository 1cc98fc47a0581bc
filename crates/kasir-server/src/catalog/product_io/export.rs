//! Streaming exports: `GET /products/export` and `GET /stock/export`.

use std::collections::HashMap;

use axum::{extract::State, response::Response};
use kasir_domain::{Permission, Quantity};
use kasir_store::{
    catalog::products::{self, Product},
    catalog::{self, Named},
    stock,
};

use super::*;
use crate::{
    api::sheet::{Cell, Download},
    api::{ApiError, ApiQuery},
    auth::Principal,
    state::AppState,
};

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

pub(super) async fn export_products(
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

pub(super) async fn export_stock(
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
        let mut after: Option<stock::levels::ExportKey> = None;
        loop {
            let page = match stock::levels::export_page(&s.db, &scope, &filter, after.as_ref(), 1000).await {
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
