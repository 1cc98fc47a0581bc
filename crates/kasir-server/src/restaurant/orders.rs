//! `/orders`: taking orders, the kitchen flow, moving and merging tables, paying (one sale or a
//! split bill of several) and kitchen tickets.

use axum::{extract::State, http::StatusCode, response::Response, Extension};
use kasir_domain::{OrderStatus, Permission, Violations};
use kasir_store::{
    crud,
    restaurant::orders::{self, Order, OrderFilter},
    restaurant::{Station, Table, STATIONS, TABLES},
    selling::sales::Sale,
    tenancy::outlets::{Outlet, OUTLETS},
    Scope,
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::platform::idempotency::TxKey;
use crate::{
    api::{
        created, missing, ok, ok_list,
        openapi::{ApiRouter, Method, Op},
        raw_json, ApiError, ApiQuery, IdPath, JsonBody,
    },
    auth::Principal,
    restaurant::{
        order_changes,
        order_payment::{self, PayOrder},
        ordering::{self, CreateOrder, OrderActor},
    },
    selling::receipt::{self, TicketHead},
    selling::{checkout::Outcome, lines::ItemInput, Seller},
    state::AppState,
};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct OrdersQuery {
    #[param(format = Uuid)]
    pub outlet_id: Option<String>,
    /// One status, or several separated by commas (`NEW,ACCEPTED,COOKING`).
    pub status: Option<String>,
    /// A kitchen station's id: orders with items for it, those items only.
    #[param(format = Uuid)]
    pub station: Option<String>,
    #[param(format = Uuid)]
    pub table_id: Option<String>,
    #[param(format = Uuid)]
    pub table_session_id: Option<String>,
    /// `YYYY-MM-DD`.
    #[param(format = Date)]
    pub business_date: Option<String>,
    #[param(minimum = 1, maximum = 1_000_000)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetStatus {
    /// `ACCEPTED`, `COOKING`, `READY`, `DONE` (each from the one before) or `VOIDED`.
    pub status: String,
    /// Required for `VOIDED`.
    #[schema(max_length = 500)]
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddItems {
    #[schema(min_items = 1, max_items = 500)]
    pub items: Vec<ItemInput>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveOrder {
    #[schema(format = Uuid)]
    pub table_id: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeOrder {
    /// The order that takes this one's items; this one is voided.
    #[schema(format = Uuid)]
    pub into_order_id: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct TicketQuery {
    /// `text` (default) or `escpos`.
    #[param(pattern = "^(text|escpos)$")]
    pub format: Option<String>,
    /// Only this station's items.
    #[param(format = Uuid)]
    pub station: Option<String>,
    /// Paper width in mm: `58` or `80` (default).
    pub width: Option<u32>,
}

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    let binary = crate::api::openapi::binary_schema;
    api.route(
        Method::Post,
        "/orders",
        create,
        Op::new("restaurant", "Take an order").body::<CreateOrder>().created::<Order>().errors(&[404, 409, 422]),
    )
    .route(
        Method::Get,
        "/orders",
        list,
        Op::new("restaurant", "Orders, oldest first (a kitchen display works through them in order)")
            .query::<OrdersQuery>()
            .ok_list::<Order>()
            .errors(&[404]),
    )
    .route(Method::Get, "/orders/{id}", get, Op::new("restaurant", "One order").path_id("id").ok::<Order>())
    .route(
        Method::Patch,
        "/orders/{id}/status",
        set_status,
        Op::new("restaurant", "Move an order along NEW → ACCEPTED → COOKING → READY → DONE, or void it")
            .path_id("id")
            .body::<SetStatus>()
            .ok::<Order>()
            .errors(&[403, 409, 422]),
    )
    .route(
        Method::Post,
        "/orders/{id}/items",
        add_items,
        Op::new("restaurant", "Add items to an order")
            .path_id("id")
            .body::<AddItems>()
            .ok::<Order>()
            .errors(&[404, 409, 422]),
    )
    .route(
        Method::Post,
        "/orders/{id}/move",
        move_to,
        Op::new("restaurant", "Move an order to another table")
            .path_id("id")
            .body::<MoveOrder>()
            .ok::<Order>()
            .errors(&[404, 409, 422]),
    )
    .route(
        Method::Post,
        "/orders/{id}/merge",
        merge,
        Op::new("restaurant", "Merge an order into another (its items move; it is voided)")
            .path_id("id")
            .body::<MergeOrder>()
            .ok::<Order>()
            .errors(&[404, 409, 422]),
    )
    .route(
        Method::Post,
        "/orders/{id}/pay",
        pay,
        Op::new("restaurant", "Pay an order (or a split of it) with a sale made by checkout")
            .moves_money()
            .path_id("id")
            .body::<PayOrder>()
            .created::<Sale>()
            .errors(&[404, 409, 422]),
    )
    .route(
        Method::Get,
        "/orders/{id}/ticket",
        ticket,
        Op::new("restaurant", "An order's kitchen ticket as text or ESC/POS")
            .path_id("id")
            .query::<TicketQuery>()
            .ok_raw(200, "text/plain; charset=utf-8", binary())
            .or_content("application/octet-stream", binary())
            .errors(&[404]),
    )
}

/// The caller as someone who takes or changes orders.
pub fn actor(p: &Principal) -> Result<OrderActor, ApiError> {
    Ok(OrderActor {
        scope: p.scope()?,
        user_id: p.user_id().map(str::to_string),
        can_override_price: p.has(Permission::SalesOverridePrice),
        actor: p.actor(),
    })
}

async fn create(State(s): State<AppState>, p: Principal, body: JsonBody) -> Result<Response, ApiError> {
    p.require(Permission::OrdersManage)?;
    let b: CreateOrder = body.parse()?;
    Ok(created(ordering::create(&s.db, &actor(&p)?, b, None).await?))
}

/// A UUID query parameter, or a field error.
fn query_id(v: &mut Violations, name: &str, raw: Option<String>) -> Option<String> {
    raw.and_then(|r| {
        let id = kasir_domain::ids::parse_id(&r);
        if id.is_none() {
            v.add(name, "must be a UUID");
        }
        id
    })
}

async fn list(
    State(s): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<OrdersQuery>,
) -> Result<Response, ApiError> {
    p.require(Permission::OrdersRead)?;
    let scope = p.scope()?;
    let (page, per_page) = crate::api::fields::paging(q.page, q.per_page)?;
    let mut v = Violations::new();
    let status: Vec<String> = q
        .status
        .as_deref()
        .map(|raw| raw.split(',').map(|st| st.trim().to_uppercase()).filter(|st| !st.is_empty()).collect())
        .unwrap_or_default();
    if status.iter().any(|st| OrderStatus::parse(st).is_none()) {
        v.add("status", "must be NEW, ACCEPTED, COOKING, READY, DONE or VOIDED (or several, comma-separated)");
    }
    let f = OrderFilter {
        outlet_id: query_id(&mut v, "outlet_id", q.outlet_id),
        status,
        table_id: query_id(&mut v, "table_id", q.table_id),
        table_session_id: query_id(&mut v, "table_session_id", q.table_session_id),
        station_id: query_id(&mut v, "station", q.station),
        business_date: v.date("business_date", q.business_date.as_deref()),
    };
    v.finish().map_err(ApiError::Validation)?;
    if let Some(st) = &f.station_id {
        crud::get::<Station>(&s.db, &STATIONS, &scope, st).await.map_err(|e| missing(e, "station", "station"))?;
    }
    let (items, total) = orders::list(&s.db, &scope, &f, page, per_page).await?;
    Ok(ok_list(items, page, per_page, total))
}

async fn get(State(s): State<AppState>, p: Principal, IdPath(id): IdPath) -> Result<Response, ApiError> {
    p.require(Permission::OrdersRead)?;
    Ok(ok(orders::get(&s.db, &p.scope()?, &id).await?))
}

async fn set_status(
    State(s): State<AppState>,
    p: Principal,
    IdPath(id): IdPath,
    body: JsonBody,
) -> Result<Response, ApiError> {
    p.require(Permission::OrdersUpdateStatus)?;
    let (to, reason) = body.parse::<SetStatus>()?.checked(&p)?;
    Ok(ok(order_changes::set_status(&s.db, &actor(&p)?, &id, to, reason).await?))
}

impl SetStatus {
    /// The status to move to and the reason, checked; voiding needs its own permission.
    pub fn checked(self, p: &Principal) -> Result<(OrderStatus, Option<String>), ApiError> {
        let to = OrderStatus::parse(&self.status.trim().to_uppercase()).filter(|st| *st != OrderStatus::New);
        let mut v = Violations::new();
        if to.is_none() {
            v.add("status", "must be ACCEPTED, COOKING, READY, DONE or VOIDED");
        }
        // A reason is recorded when given; clients of the systems Kasir replaces send only the status.
        let reason = v.opt_text("reason", self.reason.as_deref(), 500);
        v.finish().map_err(ApiError::Validation)?;
        let to = to.unwrap_or(OrderStatus::Accepted);
        if to == OrderStatus::Voided {
            p.require(Permission::OrdersVoid)?;
        }
        Ok((to, reason))
    }
}

async fn add_items(
    State(s): State<AppState>,
    p: Principal,
    IdPath(id): IdPath,
    body: JsonBody,
) -> Result<Response, ApiError> {
    p.require(Permission::OrdersManage)?;
    let b: AddItems = body.parse()?;
    Ok(ok(order_changes::add_items(&s.db, &actor(&p)?, &id, b.items).await?))
}

async fn move_to(
    State(s): State<AppState>,
    p: Principal,
    IdPath(id): IdPath,
    body: JsonBody,
) -> Result<Response, ApiError> {
    p.require(Permission::OrdersManage)?;
    let b: MoveOrder = body.parse()?;
    Ok(ok(order_changes::move_to(&s.db, &actor(&p)?, &id, &b.table_id).await?))
}

async fn merge(
    State(s): State<AppState>,
    p: Principal,
    IdPath(id): IdPath,
    body: JsonBody,
) -> Result<Response, ApiError> {
    p.require(Permission::OrdersManage)?;
    let b: MergeOrder = body.parse()?;
    Ok(ok(order_changes::merge(&s.db, &actor(&p)?, &id, &b.into_order_id).await?))
}

async fn pay(
    State(s): State<AppState>,
    p: Principal,
    IdPath(id): IdPath,
    key: Option<Extension<TxKey>>,
    body: JsonBody,
) -> Result<Response, ApiError> {
    p.require(Permission::SalesCreate)?;
    let seller = Seller::of(&p)?;
    let b: PayOrder = body.parse()?;
    match order_payment::pay(&s.db, &seller, &id, b, key.as_deref()).await? {
        Outcome::Created { body, .. } => Ok(raw_json(StatusCode::CREATED, body)),
        Outcome::Replay { status, body } => crate::platform::idempotency::replay(status, body),
    }
}

async fn ticket(
    State(s): State<AppState>,
    p: Principal,
    IdPath(id): IdPath,
    ApiQuery(q): ApiQuery<TicketQuery>,
) -> Result<Response, ApiError> {
    p.require(Permission::OrdersRead)?;
    let scope = p.scope()?;
    let width = q.width.unwrap_or(80);
    let mut v = Violations::new();
    if width != 58 && width != 80 {
        v.add("width", "must be 58 or 80");
    }
    let format = q.format.as_deref().unwrap_or("text");
    if !matches!(format, "text" | "escpos") {
        v.add("format", "must be text or escpos");
    }
    let station_id = query_id(&mut v, "station", q.station);
    v.finish().map_err(ApiError::Validation)?;
    let mut order = orders::get(&s.db, &scope, &id).await?;
    let everyone = Scope::tenant(&scope.tenant_id);
    let station = match &station_id {
        Some(st) => {
            let station: Station =
                crud::get(&s.db, &STATIONS, &scope, st).await.map_err(|e| missing(e, "station", "station"))?;
            order.items.retain(|i| i.station_id.as_deref() == Some(station.id.as_str()));
            station.name
        }
        None => "Kitchen".into(),
    };
    let table = match &order.table_id {
        // A table deleted since the order was placed leaves the ticket without a table name.
        Some(t) => match crud::get::<Table>(&s.db, &TABLES, &everyone, t).await {
            Ok(table) => Some(table.name),
            Err(kasir_store::StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        },
        None => None,
    };
    let outlet: Outlet = crud::get(&s.db, &OUTLETS, &everyone, &order.outlet_id).await?;
    let tenant = kasir_store::tenancy::tenants::get(&s.db, &scope.tenant_id).await?;
    let zone = kasir_domain::time::outlet_zone(&outlet.timezone, &tenant.timezone);
    let local_time = receipt::clock_time(&order.created_at, zone);
    let cols = receipt::columns(width);
    let lines = receipt::kitchen_ticket(&order, &TicketHead { station, table, local_time }, cols);
    Ok(match format {
        "escpos" => crate::selling::receipts::file(
            receipt::escpos(&lines),
            "application/octet-stream",
            &format!("{}.bin", order.number),
        ),
        _ => crate::selling::receipts::file(
            receipt::text(&lines, cols).into_bytes(),
            "text/plain; charset=utf-8",
            &format!("{}.txt", order.number),
        ),
    })
}
