//! `GET /sales/{id}/receipt` (PDF, text or ESC/POS at 58 or 80 mm) and `GET /sales/{id}/invoice`
//! (an A4 PDF).

use axum::{
    body::Body,
    extract::State,
    http::{header, HeaderValue},
    response::Response,
};
use kasir_domain::Permission;
use kasir_store::{
    crud,
    customers::{Customer, CUSTOMERS},
    selling::sales::{self, Sale},
    tenancy::outlets::{Outlet, OUTLETS},
    tenancy::users::{User, USERS},
    Db, Scope,
};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::{
    api::{
        openapi::{ApiRouter, Method, Op},
        ApiError, ApiQuery, IdPath,
    },
    auth::Principal,
    selling::receipt::{self, Letterhead, PageSize},
    state::AppState,
};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ReceiptQuery {
    /// `pdf` (default), `text` or `escpos`.
    #[param(pattern = "^(pdf|text|escpos)$")]
    pub format: Option<String>,
    /// Paper width in mm: `58` (default) or `80`.
    pub width: Option<u32>,
}

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    let binary = crate::api::openapi::binary_schema;
    api.route(
        Method::Get,
        "/sales/{id}/receipt",
        receipt,
        Op::new("sales", "A sale's receipt as PDF, text or ESC/POS")
            .path_id("id")
            .query::<ReceiptQuery>()
            .ok_raw(200, "application/pdf", binary())
            .or_content("text/plain; charset=utf-8", binary())
            .or_content("application/octet-stream", binary()),
    )
    .route(
        Method::Get,
        "/sales/{id}/invoice",
        invoice,
        Op::new("sales", "A sale's invoice as an A4 PDF").path_id("id").ok_raw(200, "application/pdf", binary()),
    )
}

/// What the receipt prints about the business, the outlet and the people.
async fn letterhead(db: &Db, scope: &Scope, sale: &Sale) -> Result<Letterhead, ApiError> {
    let tenant = kasir_store::tenancy::tenants::get(db, &scope.tenant_id).await?;
    let outlet: Outlet = crud::get(db, &OUTLETS, &Scope::tenant(&scope.tenant_id), &sale.outlet_id).await?;
    let everyone = Scope::tenant(&scope.tenant_id);
    let cashier = match crud::get::<User>(db, &USERS, &everyone, &sale.cashier_id).await {
        Ok(u) => u.name,
        Err(kasir_store::StoreError::NotFound) => "-".into(),
        Err(e) => return Err(e.into()),
    };
    let customer = match &sale.customer_id {
        Some(id) => match crud::get::<Customer>(db, &CUSTOMERS, &everyone, id).await {
            Ok(c) => Some(c.name),
            Err(kasir_store::StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        },
        None => None,
    };
    let lines = |s: &Option<String>| -> Vec<String> {
        s.as_deref().map(|t| t.lines().map(str::to_string).collect()).unwrap_or_default()
    };
    let header = match &outlet.receipt_header {
        Some(h) if !h.trim().is_empty() => lines(&Some(h.clone())),
        _ => [Some(outlet.name.clone()), outlet.address.clone(), outlet.phone.clone()].into_iter().flatten().collect(),
    };
    let zone = kasir_domain::time::outlet_zone(&outlet.timezone, &tenant.timezone);
    let local_time = receipt::clock_time(&sale.created_at, zone);
    Ok(Letterhead {
        business: tenant.name,
        header,
        footer: lines(&outlet.receipt_footer),
        cashier,
        customer,
        currency: tenant.currency,
        local_time,
    })
}

pub(crate) fn file(body: Vec<u8>, content_type: &'static str, filename: &str) -> Response {
    let mut res = Response::new(Body::from(body));
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{filename}\"")) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

async fn receipt(
    State(s): State<AppState>,
    p: Principal,
    IdPath(id): IdPath,
    ApiQuery(q): ApiQuery<ReceiptQuery>,
) -> Result<Response, ApiError> {
    p.require(Permission::SalesRead)?;
    let scope = p.scope()?;
    let width = q.width.unwrap_or(58);
    if width != 58 && width != 80 {
        return Err(ApiError::field("width", "must be 58 or 80"));
    }
    let format = q.format.as_deref().unwrap_or("pdf");
    if !matches!(format, "pdf" | "text" | "escpos") {
        return Err(ApiError::field("format", "must be pdf, text or escpos"));
    }
    let sale = sales::get(&s.db, &scope, &id).await?;
    let head = letterhead(&s.db, &scope, &sale).await?;
    let cols = receipt::columns(width);
    let lines = receipt::lay_out(&sale, &head, cols);
    Ok(match format {
        "text" => {
            file(receipt::text(&lines, cols).into_bytes(), "text/plain; charset=utf-8", &format!("{}.txt", sale.number))
        }
        "escpos" => file(receipt::escpos(&lines), "application/octet-stream", &format!("{}.bin", sale.number)),
        _ => {
            // 58 mm paper is 164 pt wide, 80 mm 227 pt.
            let width_pt = width as f32 * 72.0 / 25.4;
            let pdf = receipt::pdf(&lines, cols, PageSize::Receipt { width_pt }, &sale.number);
            file(pdf, "application/pdf", &format!("{}.pdf", sale.number))
        }
    })
}

async fn invoice(State(s): State<AppState>, p: Principal, IdPath(id): IdPath) -> Result<Response, ApiError> {
    p.require(Permission::SalesRead)?;
    let scope = p.scope()?;
    let sale = sales::get(&s.db, &scope, &id).await?;
    let head = letterhead(&s.db, &scope, &sale).await?;
    let lines = receipt::invoice_lines(&sale, &head);
    let pdf = receipt::pdf(&lines, 90, PageSize::A4, &format!("Invoice {}", sale.number));
    Ok(file(pdf, "application/pdf", &format!("invoice-{}.pdf", sale.number)))
}
