//! `/shifts`: open, close, the current shift, reports and cash movements.

use axum::{
    extract::{RawQuery, State},
    http::StatusCode,
    response::Response,
    Extension,
};
use kasir_domain::{Permission, Violations};
use kasir_store::{
    crud,
    selling::shift_report::{self, ShiftReport},
    selling::shifts::{self, CashMovement, Shift, SHIFTS},
    StoreError,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::resource::parse_list_query;
use crate::platform::idempotency::TxKey;
use crate::{
    api::{
        ok, ok_list, ok_page,
        openapi::{ApiRouter, Method, Op},
        ApiError, ApiQuery, IdPath, JsonBody,
    },
    auth::Principal,
    platform::idempotency::run_keyed,
    selling::till::{self, Cashier},
    state::AppState,
};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenShift {
    #[schema(format = Uuid)]
    pub outlet_id: String,
    /// The float in the drawer, minor units.
    #[schema(minimum = 0)]
    pub start_cash: i64,
    #[schema(max_length = 500)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseShift {
    #[schema(format = Uuid)]
    pub shift_id: String,
    /// The cash counted in the drawer, minor units.
    #[schema(minimum = 0)]
    pub end_cash: i64,
    #[schema(max_length = 500)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCashMovement {
    /// `in` (cash added) or `out` (cash taken out).
    #[serde(rename = "type")]
    pub kind: CashDirection,
    #[schema(minimum = 1)]
    pub amount: i64,
    #[schema(min_length = 1, max_length = 200)]
    pub reason: String,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CashDirection {
    In,
    Out,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CurrentQuery {
    /// The outlet; by default the caller's only outlet.
    pub outlet_id: Option<String>,
}

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    api.route(
        Method::Post,
        "/shifts/open",
        open,
        Op::new("shifts", "Open a shift at an outlet")
            .moves_money()
            .body::<OpenShift>()
            .created::<Shift>()
            .errors(&[404, 422]),
    )
    .route(
        Method::Post,
        "/shifts/close",
        close,
        Op::new("shifts", "Close a shift with the cash counted")
            .moves_money()
            .body::<CloseShift>()
            .ok::<Shift>()
            .errors(&[404, 422]),
    )
    .route(
        Method::Get,
        "/shifts/current",
        current,
        Op::new("shifts", "The caller's open shift at an outlet (404 when none)")
            .query::<CurrentQuery>()
            .ok::<Shift>()
            .errors(&[404]),
    )
    .route(Method::Get, "/shifts", list, shift_list_op())
    .route(Method::Get, "/shifts/{id}", get, Op::new("shifts", "One shift").path_id("id").ok::<Shift>())
    .route(
        Method::Get,
        "/shifts/{id}/report",
        report,
        Op::new("shifts", "A shift's figures (running while it is open)").path_id("id").ok::<ShiftReport>(),
    )
    .route(
        Method::Post,
        "/shifts/{id}/cash-movements",
        add_cash,
        Op::new("shifts", "Put cash into or take cash out of the drawer")
            .moves_money()
            .path_id("id")
            .body::<CreateCashMovement>()
            .created::<CashMovement>()
            .errors(&[403, 422]),
    )
    .route(
        Method::Get,
        "/shifts/{id}/cash-movements",
        cash_movements,
        Op::new("shifts", "A shift's cash movements").path_id("id").ok_list::<CashMovement>(),
    )
}

fn shift_list_op() -> Op {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    let mut op = Op::new("shifts", "Shifts, oldest first (sort=-opened_at for newest)");
    for (name, what) in [
        ("outlet_id", "Filter: the outlet"),
        ("user_id", "Filter: the cashier"),
        ("status", "Filter: open or closed"),
        ("business_date", "Filter: the business date"),
        ("sort", "opened_at, closed_at or business_date; prefix - for descending"),
    ] {
        op = op.query_param(name, what, ObjectBuilder::new().schema_type(Type::String));
    }
    for name in ["page", "per_page"] {
        op = op.query_param(name, "Paging", ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1)));
    }
    op.ok_list::<Shift>()
}

pub fn cashier(p: &Principal) -> Cashier {
    Cashier { user_id: p.user_id().map(str::to_string), manages_users: p.has(Permission::UsersManage) }
}

/// The caller's user id: shifts belong to users.
fn user_of(p: &Principal) -> Result<String, ApiError> {
    p.user_id().map(str::to_string).ok_or_else(|| ApiError::Forbidden("shifts belong to user logins".into()))
}

async fn open(
    State(s): State<AppState>,
    p: Principal,
    key: Option<Extension<TxKey>>,
    body: JsonBody,
) -> Result<Response, ApiError> {
    p.require(Permission::ShiftsManage)?;
    let scope = p.scope()?;
    user_of(&p)?;
    let cashier = cashier(&p);
    let (outlet_id, start_cash, note) = body.parse::<OpenShift>()?.checked()?;
    run_keyed(&s.db, p.actor(), key.as_deref(), StatusCode::CREATED, async |tx| {
        till::open(tx, &scope, &cashier, &outlet_id, start_cash, note, None).await
    })
    .await
}

impl OpenShift {
    /// The outlet, the float and the note, checked.
    pub fn checked(self) -> Result<(String, i64, Option<String>), ApiError> {
        let mut v = Violations::new();
        let start_cash = v.range("start_cash", self.start_cash, 0, kasir_domain::MAX_MONEY);
        let note = v.opt_text("note", self.note.as_deref(), 500);
        let outlet_id = kasir_domain::ids::parse_id(&self.outlet_id);
        if outlet_id.is_none() {
            v.add("outlet_id", "must be a UUID");
        }
        v.finish().map_err(ApiError::Validation)?;
        Ok((outlet_id.unwrap_or_default(), start_cash, note))
    }
}

/// The cash counted and the note of a shift's close, checked.
pub fn checked_close(end_cash: i64, note: Option<&str>) -> Result<(i64, Option<String>), ApiError> {
    let mut v = Violations::new();
    let end_cash = v.range("end_cash", end_cash, 0, kasir_domain::MAX_MONEY);
    let note = v.opt_text("note", note, 500);
    v.finish().map_err(ApiError::Validation)?;
    Ok((end_cash, note))
}

impl CreateCashMovement {
    /// The direction, amount and reason, checked.
    pub fn checked(self) -> Result<(&'static str, i64, String), ApiError> {
        let mut v = Violations::new();
        let amount = v.range("amount", self.amount, 1, kasir_domain::MAX_MONEY);
        let reason = v.text("reason", &self.reason, 1, 200);
        v.finish().map_err(ApiError::Validation)?;
        let kind = match self.kind {
            CashDirection::In => "in",
            CashDirection::Out => "out",
        };
        Ok((kind, amount, reason))
    }
}

async fn close(
    State(s): State<AppState>,
    p: Principal,
    key: Option<Extension<TxKey>>,
    body: JsonBody,
) -> Result<Response, ApiError> {
    p.require(Permission::ShiftsManage)?;
    let scope = p.scope()?;
    let cashier = cashier(&p);
    let b: CloseShift = body.parse()?;
    let id = kasir_domain::ids::parse_id(&b.shift_id).ok_or_else(|| ApiError::field("shift_id", "must be a UUID"))?;
    let (end_cash, note) = checked_close(b.end_cash, b.note.as_deref())?;
    run_keyed(&s.db, p.actor(), key.as_deref(), StatusCode::OK, async |tx| {
        till::close(tx, &scope, &cashier, &id, end_cash, note, None).await
    })
    .await
}

async fn current(
    State(s): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<CurrentQuery>,
) -> Result<Response, ApiError> {
    p.require(Permission::ShiftsRead)?;
    let scope = p.scope()?;
    let user_id = user_of(&p)?;
    let outlet_id = match q.outlet_id {
        Some(raw) => kasir_domain::ids::parse_id(&raw).ok_or_else(|| ApiError::field("outlet_id", "must be a UUID"))?,
        None if p.outlet_ids.len() == 1 => p.outlet_ids[0].clone(),
        None => return Err(ApiError::field("outlet_id", "name the outlet (you work at several)")),
    };
    let shift = shifts::current(&s.db, &scope, &user_id, &outlet_id).await?.ok_or(ApiError::NotFound)?;
    Ok(ok(shift))
}

async fn list(State(s): State<AppState>, p: Principal, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    p.require(Permission::ShiftsRead)?;
    let scope = p.scope()?;
    let q = parse_list_query(&SHIFTS, raw.as_deref().unwrap_or(""))?;
    let page = crud::list::<Shift>(&s.db, &SHIFTS, &scope, &q).await?;
    Ok(ok_page(page, q.page, q.per_page))
}

async fn get(State(s): State<AppState>, p: Principal, IdPath(id): IdPath) -> Result<Response, ApiError> {
    p.require(Permission::ShiftsRead)?;
    let scope = p.scope()?;
    Ok(ok(crud::get::<Shift>(&s.db, &SHIFTS, &scope, &id).await?))
}

async fn report(State(s): State<AppState>, p: Principal, IdPath(id): IdPath) -> Result<Response, ApiError> {
    p.require(Permission::ShiftsRead)?;
    let scope = p.scope()?;
    let shift: Shift = crud::get(&s.db, &SHIFTS, &scope, &id).await?;
    if let Some(frozen) = shift.report.0.clone() {
        return Ok(ok(frozen));
    }
    let mut conn = s.db.reader().acquire().await.map_err(StoreError::from)?;
    Ok(ok(shift_report::report(&mut conn, &shift).await?))
}

async fn add_cash(
    State(s): State<AppState>,
    p: Principal,
    IdPath(id): IdPath,
    key: Option<Extension<TxKey>>,
    body: JsonBody,
) -> Result<Response, ApiError> {
    p.require(Permission::ShiftsManage)?;
    let scope = p.scope()?;
    let cashier = cashier(&p);
    let (kind, amount, reason) = body.parse::<CreateCashMovement>()?.checked()?;
    run_keyed(&s.db, p.actor(), key.as_deref(), StatusCode::CREATED, async |tx| {
        till::move_cash(tx, &scope, &cashier, &id, till::Movement { kind, amount, reason: &reason }, None).await
    })
    .await
}

async fn cash_movements(State(s): State<AppState>, p: Principal, IdPath(id): IdPath) -> Result<Response, ApiError> {
    p.require(Permission::ShiftsRead)?;
    let scope = p.scope()?;
    let shift: Shift = crud::get(&s.db, &SHIFTS, &scope, &id).await?;
    let items = shifts::cash_movements(&s.db, &shift.id).await?;
    let n = items.len() as i64;
    Ok(ok_list(items, 1, n.max(1), n))
}
