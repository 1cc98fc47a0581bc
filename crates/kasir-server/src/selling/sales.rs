//! `/sales`: checkout, the sales list and one sale.

use axum::{extract::State, http::StatusCode, response::Response, Extension};
use kasir_domain::Permission;
use kasir_store::{
    selling::refunds::{self, Refund},
    selling::sales::{self, Sale, SaleFilter},
};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::platform::idempotency::TxKey;
use crate::{
    api::{
        fields::Paging,
        ok, ok_keyset, ok_list,
        openapi::{ApiRouter, Method, Op},
        raw_json, ApiError, ApiQuery, IdPath, JsonBody,
    },
    auth::Principal,
    platform::idempotency::run_keyed,
    selling::{
        checkout::{self, CreateSale, Outcome},
        reversal::{self, CreateRefund, Rights, VoidSale},
        Seller,
    },
    state::AppState,
};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SalesQuery {
    pub outlet_id: Option<String>,
    /// First business date (`YYYY-MM-DD`), inclusive.
    pub from: Option<String>,
    /// Last business date, inclusive.
    pub to: Option<String>,
    /// `completed` or `voided`.
    pub status: Option<String>,
    pub customer_id: Option<String>,
    pub shift_id: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
    /// Keyset paging instead of `page`: empty for the first page, then the `next_cursor` given.
    pub cursor: Option<String>,
}

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    api.route(
        Method::Post,
        "/sales",
        create,
        Op::new("sales", "Ring up a sale (checkout)")
            .moves_money()
            .body::<CreateSale>()
            .created::<Sale>()
            .errors(&[404, 409, 422]),
    )
    .route(
        Method::Get,
        "/sales",
        list,
        Op::new("sales", "Sales, newest first").query::<SalesQuery>().ok_list::<Sale>().errors(&[404]),
    )
    .route(Method::Get, "/sales/{id}", get, Op::new("sales", "One sale").path_id("id").ok::<Sale>())
    .route(
        Method::Post,
        "/sales/{id}/void",
        void,
        Op::new("sales", "Void a sale: its stock comes back and its payments are paid back")
            .moves_money()
            .path_id("id")
            .body::<VoidSale>()
            .ok::<Sale>()
            .errors(&[403, 422]),
    )
    .route(
        Method::Post,
        "/sales/{id}/refunds",
        refund,
        Op::new("sales", "Refund items of a sale")
            .moves_money()
            .path_id("id")
            .body::<CreateRefund>()
            .created::<Refund>()
            .errors(&[404, 422]),
    )
    .route(
        Method::Get,
        "/sales/{id}/refunds",
        refunds_of,
        Op::new("sales", "A sale's refunds, oldest first").path_id("id").ok_list::<Refund>(),
    )
}

async fn void(
    State(s): State<AppState>,
    p: Principal,
    IdPath(id): IdPath,
    key: Option<Extension<TxKey>>,
    body: JsonBody,
) -> Result<Response, ApiError> {
    p.require(Permission::SalesVoid)?;
    let seller = Seller::of(&p)?;
    let b: VoidSale = body.parse()?;
    let rights = Rights { void_closed: p.has(Permission::SalesVoidClosed) };
    run_keyed(&s.db, p.actor(), key.as_deref(), StatusCode::OK, async |tx| {
        reversal::void(&seller, rights, &id, b, tx).await
    })
    .await
}

async fn refund(
    State(s): State<AppState>,
    p: Principal,
    IdPath(id): IdPath,
    key: Option<Extension<TxKey>>,
    body: JsonBody,
) -> Result<Response, ApiError> {
    p.require(Permission::SalesRefund)?;
    let seller = Seller::of(&p)?;
    let b: CreateRefund = body.parse()?;
    run_keyed(&s.db, p.actor(), key.as_deref(), StatusCode::CREATED, async |tx| {
        reversal::refund(&seller, &id, b, tx).await
    })
    .await
}

async fn refunds_of(State(s): State<AppState>, p: Principal, IdPath(id): IdPath) -> Result<Response, ApiError> {
    p.require(Permission::SalesRead)?;
    let scope = p.scope()?;
    let sale = sales::get(&s.db, &scope, &id).await?;
    let items = refunds::of_sale(&s.db, &scope, &sale.id).await?;
    let n = items.len() as i64;
    Ok(ok_list(items, 1, n.max(1), n))
}

async fn create(
    State(s): State<AppState>,
    p: Principal,
    key: Option<Extension<TxKey>>,
    body: JsonBody,
) -> Result<Response, ApiError> {
    p.require(Permission::SalesCreate)?;
    let seller = Seller::of(&p)?;
    let input: CreateSale = body.parse()?;
    match checkout::checkout(&s.db, &seller, input, key.as_deref()).await? {
        Outcome::Created { body, .. } => Ok(raw_json(StatusCode::CREATED, body)),
        Outcome::Replay { status, body } => crate::platform::idempotency::replay(status, body),
    }
}

async fn list(
    State(s): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<SalesQuery>,
) -> Result<Response, ApiError> {
    p.require(Permission::SalesRead)?;
    let scope = p.scope()?;
    let paging = crate::api::fields::paging_newest(q.page, q.per_page, q.cursor.as_deref())?;
    let f = filter(q)?;
    match paging {
        Paging::Page { page, per_page } => {
            let (items, total) = sales::list(&s.db, &scope, &f, page, per_page).await?;
            Ok(ok_list(items, page, per_page, total))
        }
        Paging::Cursor { after, per_page } => {
            let (items, next) = sales::list_after(&s.db, &scope, &f, after.as_ref(), per_page).await?;
            Ok(ok_keyset(items, per_page, next.as_ref()))
        }
    }
}

/// Checks the query's ids, dates and status.
pub fn filter(q: SalesQuery) -> Result<SaleFilter, ApiError> {
    let mut v = kasir_domain::Violations::new();
    let mut id = |name: &str, raw: Option<String>| {
        raw.and_then(|r| {
            let id = kasir_domain::ids::parse_id(&r);
            if id.is_none() {
                v.add(name, "must be a UUID");
            }
            id
        })
    };
    let (outlet_id, customer_id, shift_id) =
        (id("outlet_id", q.outlet_id), id("customer_id", q.customer_id), id("shift_id", q.shift_id));
    let (from, to) = (v.date("from", q.from.as_deref()), v.date("to", q.to.as_deref()));
    if let Some(st) = &q.status {
        if kasir_domain::SaleStatus::parse(st).is_none() {
            v.add("status", "must be completed or voided");
        }
    }
    v.finish().map_err(ApiError::Validation)?;
    Ok(SaleFilter { outlet_id, from, to, status: q.status, customer_id, shift_id })
}

async fn get(State(s): State<AppState>, p: Principal, IdPath(id): IdPath) -> Result<Response, ApiError> {
    p.require(Permission::SalesRead)?;
    let scope = p.scope()?;
    Ok(ok(sales::get(&s.db, &scope, &id).await?))
}
