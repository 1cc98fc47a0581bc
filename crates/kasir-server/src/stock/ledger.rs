//! `/stock`: levels, the movement ledger and adjustments (by delta or by counted quantity).

use axum::{extract::State, response::Response};
use kasir_domain::Permission;
use kasir_store::{
    catalog::products::{Product, PRODUCTS},
    crud,
    stock::levels::{self, StockFilter, StockLevel, StockMovement},
    stock::warehouses::{Warehouse, WAREHOUSES},
    Scope,
};
use serde::Deserialize;
use utoipa::IntoParams;

use super::adjustments::{Adjustment, CreateAdjustment};
use crate::api::fields::{paging, paging_newest, Paging};
use crate::{
    api::{
        missing, ok_keyset, ok_list,
        openapi::{ApiRouter, Method, Op},
        ApiError, ApiQuery,
    },
    auth::Principal,
    state::AppState,
};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct StockQuery {
    pub warehouse_id: Option<String>,
    pub product_id: Option<String>,
    /// Only levels under their product's low-stock threshold.
    pub low_only: Option<bool>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct MovementQuery {
    pub warehouse_id: Option<String>,
    pub product_id: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
    /// Keyset paging instead of `page`: empty for the first page, then the `next_cursor` given.
    pub cursor: Option<String>,
}

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    api.route(
        Method::Get,
        "/stock",
        levels,
        Op::new("stock", "Stock levels").query::<StockQuery>().ok_list::<StockLevel>().errors(&[404]),
    )
    .route(
        Method::Get,
        "/stock/movements",
        movements,
        Op::new("stock", "The stock ledger, newest first")
            .query::<MovementQuery>()
            .ok_list::<StockMovement>()
            .errors(&[404]),
    )
    .route(
        Method::Post,
        "/stock/adjustments",
        super::adjustments::create,
        Op::new("stock", "Adjust stock by a change or a counted quantity")
            .moves_money()
            .body::<CreateAdjustment>()
            .created::<Adjustment>()
            .errors(&[404, 422]),
    )
}

/// Resolves query ids to records the caller can see (404 otherwise).
pub(crate) async fn filter(
    s: &AppState,
    scope: &Scope,
    warehouse: Option<String>,
    product: Option<String>,
) -> Result<StockFilter, ApiError> {
    let mut f = StockFilter::default();
    if let Some(raw) = warehouse {
        let id = kasir_domain::ids::parse_id(&raw).ok_or_else(|| ApiError::field("warehouse_id", "must be a UUID"))?;
        crud::get::<Warehouse>(&s.db, &WAREHOUSES, scope, &id)
            .await
            .map_err(|e| missing(e, "warehouse_id", "warehouse"))?;
        f.warehouse_id = Some(id);
    }
    if let Some(raw) = product {
        let id = kasir_domain::ids::parse_id(&raw).ok_or_else(|| ApiError::field("product_id", "must be a UUID"))?;
        crud::get::<Product>(&s.db, &PRODUCTS, scope, &id).await.map_err(|e| missing(e, "product_id", "product"))?;
        f.product_id = Some(id);
    }
    Ok(f)
}

async fn levels(
    State(s): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<StockQuery>,
) -> Result<Response, ApiError> {
    p.require(Permission::StockRead)?;
    let scope = p.scope()?;
    let (page, per_page) = paging(q.page, q.per_page)?;
    let mut f = filter(&s, &scope, q.warehouse_id, q.product_id).await?;
    f.low_only = q.low_only.unwrap_or(false);
    let (items, total) = levels::levels(&s.db, &scope, &f, page, per_page).await?;
    Ok(ok_list(items, page, per_page, total))
}

async fn movements(
    State(s): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<MovementQuery>,
) -> Result<Response, ApiError> {
    p.require(Permission::StockRead)?;
    let scope = p.scope()?;
    let paging = paging_newest(q.page, q.per_page, q.cursor.as_deref())?;
    let f = filter(&s, &scope, q.warehouse_id, q.product_id).await?;
    match paging {
        Paging::Page { page, per_page } => {
            let (items, total) = levels::movements(&s.db, &scope, &f, page, per_page).await?;
            Ok(ok_list(items, page, per_page, total))
        }
        Paging::Cursor { after, per_page } => {
            let (items, next) = levels::movements_after(&s.db, &scope, &f, after.as_ref(), per_page).await?;
            Ok(ok_keyset(items, per_page, next.as_ref()))
        }
    }
}
