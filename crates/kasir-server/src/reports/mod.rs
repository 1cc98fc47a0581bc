//! `GET /dashboard/summary` and `GET /reports/sales` (JSON, CSV or XLSX), by business date.

use axum::{extract::State, response::Response};
use kasir_domain::{Permission, Violations};
use kasir_store::{
    crud,
    reports::{self, GroupBy, Period, ReportRow, Summary},
    tenancy::outlets::{Outlet, OUTLETS},
    Db, Scope,
};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::{
    api::sheet::{self, Cell, Download},
    api::{
        missing, ok,
        openapi::{ApiRouter, Method, Op},
        ApiError, ApiQuery,
    },
    auth::Principal,
    state::AppState,
};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SummaryQuery {
    #[param(format = Uuid)]
    pub outlet_id: Option<String>,
    /// First business date (`2026-11-21`), inclusive; today by default.
    #[param(format = Date)]
    pub from: Option<String>,
    /// Last business date, inclusive; `from` by default.
    #[param(format = Date)]
    pub to: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    /// `day` (default), `outlet`, `cashier`, `product` or `category`.
    #[param(pattern = "^(day|outlet|cashier|product|category)$")]
    pub group_by: Option<String>,
    #[param(format = Uuid)]
    pub outlet_id: Option<String>,
    /// First business date, inclusive; today by default.
    #[param(format = Date)]
    pub from: Option<String>,
    /// Last business date, inclusive; `from` by default.
    #[param(format = Date)]
    pub to: Option<String>,
    /// `json` (default), `csv` or `xlsx`.
    #[param(pattern = "^(json|csv|xlsx)$")]
    pub format: Option<String>,
}

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    api.route(
        Method::Get,
        "/dashboard/summary",
        summary,
        Op::new("reports", "Sales, refunds, payments, best sellers and hours for a period")
            .query::<SummaryQuery>()
            .ok::<Summary>()
            .errors(&[404]),
    )
    .route(
        Method::Get,
        "/reports/sales",
        sales,
        Op::new("reports", "Sales grouped by day, outlet, cashier, product or category")
            .query::<ReportQuery>()
            .ok::<Vec<ReportRow>>()
            .or_content(crate::api::sheet::CSV_TYPE, crate::api::openapi::binary_schema())
            .or_content(crate::api::sheet::XLSX_TYPE, crate::api::openapi::binary_schema())
            .errors(&[404]),
    )
}

/// The period asked for: its dates checked (today, in the outlet's or tenant's time zone, when
/// none are given) and its outlet one the caller can see.
async fn period(
    db: &Db,
    scope: &Scope,
    outlet_id: Option<String>,
    from: Option<String>,
    to: Option<String>,
) -> Result<Period, ApiError> {
    let outlet = match outlet_id {
        Some(raw) => {
            let id = kasir_domain::ids::parse_id(&raw).ok_or_else(|| ApiError::field("outlet_id", "must be a UUID"))?;
            let o: Outlet = crud::get(db, &OUTLETS, scope, &id).await.map_err(|e| missing(e, "outlet_id", "outlet"))?;
            Some(o)
        }
        None => None,
    };
    let mut v = Violations::new();
    let (from, to) = (v.date("from", from.as_deref()), v.date("to", to.as_deref()));
    v.finish().map_err(ApiError::Validation)?;
    let from = match from {
        Some(f) => f,
        None => {
            let tenant = kasir_store::tenancy::tenants::get(db, &scope.tenant_id).await?;
            let zone =
                kasir_domain::time::outlet_zone(outlet.as_ref().map_or("", |o| o.timezone.as_str()), &tenant.timezone);
            kasir_domain::time::outlet_clock(jiff::Timestamp::now(), zone).date
        }
    };
    let to = to.unwrap_or_else(|| from.clone());
    if to < from {
        return Err(ApiError::field("to", "must not be before from"));
    }
    Ok(Period { from, to, outlet_id: outlet.map(|o| o.id) })
}

async fn summary(
    State(s): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<SummaryQuery>,
) -> Result<Response, ApiError> {
    p.require(Permission::ReportsRead)?;
    let scope = p.scope()?;
    let period = period(&s.db, &scope, q.outlet_id, q.from, q.to).await?;
    Ok(ok(reports::summary(&s.db, &scope, &period).await?))
}

async fn sales(
    State(s): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Response, ApiError> {
    p.require(Permission::ReportsRead)?;
    let scope = p.scope()?;
    let by = match q.group_by.as_deref() {
        None => GroupBy::Day,
        Some(g) => GroupBy::parse(g)
            .ok_or_else(|| ApiError::field("group_by", "must be day, outlet, cashier, product or category"))?,
    };
    let format = match q.format.as_deref().unwrap_or("json") {
        "json" => None,
        f => Some(sheet::Format::parse(f).ok_or_else(|| ApiError::field("format", "must be json, csv or xlsx"))?),
    };
    let period = period(&s.db, &scope, q.outlet_id, q.from, q.to).await?;
    let rows = reports::sales(&s.db, &scope, &period, by).await?;
    let Some(format) = format else { return Ok(ok(rows)) };
    let header = [
        "key",
        "label",
        "sales_count",
        "quantity",
        "gross_sales",
        "discount_total",
        "tax_total",
        "total",
        "refund_total",
        "net_sales",
    ];
    let name = format!("sales-{}-{}", period.from, period.to);
    let (download, response) = Download::start(format, &name, &header);
    let cells: Vec<Vec<Cell>> = rows
        .into_iter()
        .map(|r| {
            vec![
                Cell::from(r.key),
                Cell::from(r.label),
                Cell::from(r.sales_count),
                r.quantity.map_or(Cell::Empty, Cell::Qty),
                Cell::from(r.gross_sales),
                Cell::from(r.discount_total),
                Cell::from(r.tax_total),
                Cell::from(r.total),
                Cell::from(r.refund_total),
                Cell::from(r.net_sales),
            ]
        })
        .collect();
    download.send(cells).await;
    Ok(response)
}
