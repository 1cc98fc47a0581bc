//! `/halls`, `/tables` and `/stations`, the restaurant's plain resources, and `/table-sessions`
//! with their QR codes.

use axum::{
    extract::State,
    http::{header, HeaderValue},
    response::Response,
};
use kasir_domain::{Permission, Violations};
use kasir_store::{
    catalog::CATEGORIES,
    crud::{self, ResourceDef},
    restaurant::{self, Hall, Station, Table, TableSession, HALLS, STATIONS, TABLES, TABLE_SESSIONS, TABLE_STATUSES},
    tenancy::outlets::{Outlet, OUTLETS},
    Db, Scope, Tx, Value,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::resource::{self, expected_version, find_ref, new_record_id, nullable, Resource};
use crate::{
    api::{
        ok,
        openapi::{ApiRouter, Method, Op},
        ApiError, IdPath, JsonBody,
    },
    auth::Principal,
    state::AppState,
};

/// Every route of the restaurant's resources.
pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    let api = resource::routes::<Halls>(api);
    let api = resource::routes::<Tables>(api);
    let api = resource::routes::<Stations>(api);
    session_routes(api)
}

fn finish(v: Violations) -> Result<(), ApiError> {
    v.finish().map_err(ApiError::Validation)
}

pub struct Halls;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateHall {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(format = Uuid)]
    pub outlet_id: String,
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateHall {
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    pub version: Option<i64>,
}

impl Resource for Halls {
    type Record = Hall;
    type Create = CreateHall;
    type Update = UpdateHall;
    const DEF: &'static ResourceDef = &HALLS;
    const PATH: &'static str = "/halls";
    const TAG: &'static str = "restaurant";
    const READ: Permission = Permission::OrdersRead;
    const WRITE: Permission = Permission::TablesManage;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateHall) -> Result<Hall, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let mut values = crate::api::fields::name(&mut v, &b.name);
        finish(v)?;
        let outlet: Outlet = find_ref(tx, &OUTLETS, scope, "outlet_id", &b.outlet_id, "outlet").await?;
        values.push(("outlet_id", Value::from(outlet.id)));
        Ok(crud::create(tx, &HALLS, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Hall,
        version: Option<i64>,
        b: UpdateHall,
    ) -> Result<Hall, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let values = b.name.as_deref().map(|n| crate::api::fields::name(&mut v, n)).unwrap_or_default();
        finish(v)?;
        Ok(crud::update(tx, &HALLS, scope, &current.id, version, &values).await?)
    }
}

pub struct Tables;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTable {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(format = Uuid)]
    pub outlet_id: String,
    #[schema(format = Uuid)]
    pub hall_id: Option<String>,
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    #[schema(minimum = 1, maximum = 100)]
    pub seats: Option<i64>,
    /// `free` (default), `occupied` or `reserved`.
    pub status: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTable {
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub hall_id: Option<Option<String>>,
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    #[schema(minimum = 1, maximum = 100)]
    pub seats: Option<i64>,
    pub status: Option<String>,
    pub version: Option<i64>,
}

fn status(v: &mut Violations, raw: &str) -> Value {
    if !TABLE_STATUSES.contains(&raw) {
        v.add("status", "must be free, occupied or reserved");
    }
    Value::from(raw)
}

/// The hall `raw`, which must be at `outlet_id`.
async fn hall_at(tx: &mut Tx, scope: &Scope, raw: &str, outlet_id: &str) -> Result<String, ApiError> {
    let hall: Hall = find_ref(tx, &HALLS, scope, "hall_id", raw, "hall").await?;
    if hall.outlet_id != outlet_id {
        return Err(ApiError::field("hall_id", "is a hall of another outlet"));
    }
    Ok(hall.id)
}

impl Resource for Tables {
    type Record = Table;
    type Create = CreateTable;
    type Update = UpdateTable;
    const DEF: &'static ResourceDef = &TABLES;
    const PATH: &'static str = "/tables";
    const TAG: &'static str = "restaurant";
    const READ: Permission = Permission::OrdersRead;
    const WRITE: Permission = Permission::TablesManage;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateTable) -> Result<Table, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let mut values = crate::api::fields::name(&mut v, &b.name);
        values.push(("seats", Value::from(v.range("seats", b.seats.unwrap_or(2), 1, 100))));
        values.push(("status", status(&mut v, b.status.as_deref().unwrap_or("free"))));
        finish(v)?;
        let outlet: Outlet = find_ref(tx, &OUTLETS, scope, "outlet_id", &b.outlet_id, "outlet").await?;
        let hall = match &b.hall_id {
            Some(raw) => Some(hall_at(tx, scope, raw, &outlet.id).await?),
            None => None,
        };
        values.push(("outlet_id", Value::from(outlet.id)));
        values.push(("hall_id", Value::Text(hall)));
        Ok(crud::create(tx, &TABLES, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Table,
        version: Option<i64>,
        b: UpdateTable,
    ) -> Result<Table, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let mut values = b.name.as_deref().map(|n| crate::api::fields::name(&mut v, n)).unwrap_or_default();
        if let Some(s) = b.seats {
            values.push(("seats", Value::from(v.range("seats", s, 1, 100))));
        }
        if let Some(s) = &b.status {
            values.push(("status", status(&mut v, s)));
        }
        finish(v)?;
        match &b.hall_id {
            Some(Some(raw)) => {
                values.push(("hall_id", Value::from(hall_at(tx, scope, raw, &current.outlet_id).await?)))
            }
            Some(None) => values.push(("hall_id", Value::Text(None))),
            None => {}
        }
        Ok(crud::update(tx, &TABLES, scope, &current.id, version, &values).await?)
    }
}

pub struct Stations;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateStation {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    /// The outlet it is at; none for every outlet.
    #[schema(format = Uuid)]
    pub outlet_id: Option<String>,
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// The categories whose items it prepares.
    pub category_ids: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateStation {
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    pub category_ids: Option<Vec<String>>,
    pub version: Option<i64>,
}

/// Checks category ids, sorted and unique (404 naming the one not found).
async fn categories(tx: &mut Tx, scope: &Scope, raw: &[String]) -> Result<Vec<String>, ApiError> {
    if raw.len() > 500 {
        return Err(ApiError::field("category_ids", "must have at most 500 entries"));
    }
    let mut ids = Vec::new();
    for (i, r) in raw.iter().enumerate() {
        let c: kasir_store::catalog::Category =
            find_ref(tx, &CATEGORIES, scope, &format!("category_ids[{i}]"), r, "category").await?;
        ids.push(c.id);
    }
    ids.sort();
    ids.dedup();
    Ok(ids)
}

impl Resource for Stations {
    type Record = Station;
    type Create = CreateStation;
    type Update = UpdateStation;
    const DEF: &'static ResourceDef = &STATIONS;
    const PATH: &'static str = "/stations";
    const TAG: &'static str = "restaurant";
    const READ: Permission = Permission::OrdersRead;
    const WRITE: Permission = Permission::TablesManage;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateStation) -> Result<Station, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let mut values = crate::api::fields::name(&mut v, &b.name);
        finish(v)?;
        let outlet = match &b.outlet_id {
            Some(raw) => Some(find_ref::<Outlet>(tx, &OUTLETS, scope, "outlet_id", raw, "outlet").await?.id),
            None => None,
        };
        values.push(("outlet_id", Value::Text(outlet)));
        values.push(("category_ids", Value::json(&categories(tx, scope, &b.category_ids).await?)));
        Ok(crud::create(tx, &STATIONS, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Station,
        version: Option<i64>,
        b: UpdateStation,
    ) -> Result<Station, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let mut values = b.name.as_deref().map(|n| crate::api::fields::name(&mut v, n)).unwrap_or_default();
        finish(v)?;
        if let Some(c) = &b.category_ids {
            values.push(("category_ids", Value::json(&categories(tx, scope, c).await?)));
        }
        Ok(crud::update(tx, &STATIONS, scope, &current.id, version, &values).await?)
    }
}

pub struct TableSessions;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTableSession {
    #[schema(format = Uuid)]
    pub table_id: String,
    /// How long guests may order with it: 1 to 1440 minutes (default 240).
    #[schema(minimum = 1, maximum = 1440)]
    pub expires_in_minutes: Option<i64>,
}

impl Resource for TableSessions {
    type Record = TableSession;
    type Create = CreateTableSession;
    type Update = crate::api::resource::NoUpdate;
    const DEF: &'static ResourceDef = &TABLE_SESSIONS;
    const PATH: &'static str = "/table-sessions";
    const TAG: &'static str = "restaurant";
    const READ: Permission = Permission::OrdersRead;
    const WRITE: Permission = Permission::OrdersManage;
    const EDITABLE: bool = false;

    /// Opens a session at a table (one at a time: an expired one is closed first) with a new
    /// token of 256 random bits, and marks the table occupied.
    async fn create(
        p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        b: CreateTableSession,
    ) -> Result<TableSession, ApiError> {
        let mut v = Violations::new();
        let minutes = v.range("expires_in_minutes", b.expires_in_minutes.unwrap_or(240), 1, 1440);
        finish(v)?;
        let table: Table = find_ref(tx, &TABLES, scope, "table_id", &b.table_id, "table").await?;
        if let Some(open) = restaurant::open_session_of(tx, &table.id).await? {
            if open.expires_at > kasir_domain::time::now() {
                return Err(ApiError::Rule {
                    code: kasir_domain::ErrorCode::TableSessionOpen,
                    message: format!("table {} already has an open session; close it first", table.name),
                });
            }
            restaurant::close_session(tx, scope, &open.id).await?;
        }
        let values = [
            ("outlet_id", Value::from(table.outlet_id.clone())),
            ("table_id", Value::from(table.id.clone())),
            ("token", Value::from(crate::auth::tokens::random_secret())),
            ("status", Value::from(kasir_domain::TableSessionStatus::Open.as_str())),
            ("expires_at", Value::from(kasir_domain::time::now_plus_seconds(minutes * 60))),
            ("opened_by", Value::Text(p.user_id().map(str::to_string))),
            ("closed_at", Value::Text(None)),
        ];
        let session: TableSession =
            crud::create(tx, &TABLE_SESSIONS, scope, &kasir_domain::ids::new_id(), &values).await?;
        crate::restaurant::ordering::occupy(tx, scope, &table.id, "occupied").await?;
        Ok(session)
    }

    async fn update(
        _p: &Principal,
        _tx: &mut Tx,
        _scope: &Scope,
        _current: TableSession,
        _version: Option<i64>,
        _b: crate::api::resource::NoUpdate,
    ) -> Result<TableSession, ApiError> {
        Err(ApiError::Forbidden("table sessions change only by closing them".into()))
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ValidateSession {
    #[schema(max_length = 200)]
    pub token: String,
}

/// What `POST /table-sessions/validate` tells a guest's device.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionValidity {
    pub valid: bool,
    #[schema(format = Uuid)]
    pub session_id: Option<String>,
    pub table: Option<GuestTable>,
    #[schema(format = Uuid)]
    pub outlet_id: Option<String>,
    pub expires_at: Option<String>,
}

/// The table as a guest sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GuestTable {
    #[schema(format = Uuid)]
    pub id: String,
    pub name: String,
    pub seats: i64,
}

pub fn session_routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    let image = |format: &str| {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .format(Some(utoipa::openapi::SchemaFormat::Custom(format.into())))
    };
    let api = resource::routes::<TableSessions>(api);
    api.route(
        Method::Post,
        "/table-sessions/validate",
        validate,
        Op::new("restaurant", "Check a table session's token (no login: the token is the credential)")
            .public()
            .body::<ValidateSession>()
            .ok::<SessionValidity>(),
    )
    .route(
        Method::Post,
        "/table-sessions/{id}/close",
        close,
        Op::new("restaurant", "Close a table session: its token orders nothing more")
            .path_id("id")
            .ok::<TableSession>()
            .errors(&[403, 422]),
    )
    .route(
        Method::Get,
        "/table-sessions/{id}/qr.svg",
        qr_svg,
        Op::new("restaurant", "The session's QR code (SVG), linking to KASIR_PUBLIC_URL with its token")
            .path_id("id")
            .ok_raw(200, "image/svg+xml", image("svg")),
    )
    .route(
        Method::Get,
        "/table-sessions/{id}/qr.png",
        qr_png,
        Op::new("restaurant", "The session's QR code (PNG)").path_id("id").ok_raw(200, "image/png", image("binary")),
    )
}

async fn validate(State(s): State<AppState>, body: JsonBody) -> Result<Response, ApiError> {
    let b: ValidateSession = body.parse()?;
    if b.token.chars().count() > 200 {
        return Err(ApiError::field("token", "must be at most 200 characters"));
    }
    let found = match b.token.trim() {
        "" => None,
        t => restaurant::session_by_token(&s.db, t).await?,
    };
    let Some(session) = found else {
        return Ok(ok(SessionValidity {
            valid: false,
            session_id: None,
            table: None,
            outlet_id: None,
            expires_at: None,
        }));
    };
    let table = guest_table(&s.db, &session).await?;
    Ok(ok(SessionValidity {
        valid: true,
        session_id: Some(session.id),
        table: Some(table),
        outlet_id: Some(session.outlet_id),
        expires_at: Some(session.expires_at),
    }))
}

/// The table of a session, as its guests see it.
pub async fn guest_table(db: &Db, session: &TableSession) -> Result<GuestTable, ApiError> {
    let t: Table = crud::get(db, &TABLES, &Scope::tenant(&session.tenant_id), &session.table_id).await?;
    Ok(GuestTable { id: t.id, name: t.name, seats: t.seats })
}

async fn close(State(s): State<AppState>, p: Principal, IdPath(id): IdPath) -> Result<Response, ApiError> {
    p.require(Permission::OrdersManage)?;
    let scope = p.scope()?;
    let mut tx = s.db.begin(p.actor()).await?;
    let current: TableSession = crud::get_in(&mut tx, &TABLE_SESSIONS, &scope, &id).await?;
    if !kasir_domain::TableSessionStatus::Open.is(&current.status) {
        return Err(ApiError::Rule {
            code: kasir_domain::ErrorCode::TableSessionClosed,
            message: "this table session is already closed".into(),
        });
    }
    let closed = restaurant::close_session(&mut tx, &scope, &current.id).await?;
    if !kasir_store::restaurant::orders::table_busy(&mut tx, &current.table_id, "").await? {
        crate::restaurant::ordering::occupy(&mut tx, &scope, &current.table_id, "free").await?;
    }
    tx.audit(Some(&scope.tenant_id), "table_session.close", "table_session", Some(&closed.id), serde_json::json!({}));
    tx.commit().await?;
    Ok(ok(closed))
}

/// The link in a session's QR code: the guest page of `KASIR_PUBLIC_URL` with the token.
pub fn guest_link(public_url: &str, token: &str) -> String {
    format!("{public_url}/guest?session={token}")
}

/// The guest link of a session the caller may print.
async fn session_link(s: &AppState, p: &Principal, id: &str) -> Result<String, ApiError> {
    p.require(Permission::OrdersManage)?;
    let session: TableSession = crud::get(&s.db, &TABLE_SESSIONS, &p.scope()?, id).await?;
    Ok(guest_link(&s.config.public_url(), &session.token))
}

fn image(body: Vec<u8>, content_type: &'static str) -> Response {
    let mut res = Response::new(axum::body::Body::from(body));
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    res
}

async fn qr_svg(State(s): State<AppState>, p: Principal, IdPath(id): IdPath) -> Result<Response, ApiError> {
    let link = session_link(&s, &p, &id).await?;
    let svg = crate::restaurant::qr::svg(&link).map_err(|e| ApiError::internal("drawing a QR code", e))?;
    Ok(image(svg.into_bytes(), "image/svg+xml"))
}

async fn qr_png(State(s): State<AppState>, p: Principal, IdPath(id): IdPath) -> Result<Response, ApiError> {
    let link = session_link(&s, &p, &id).await?;
    let png = crate::restaurant::qr::png(&link).map_err(|e| ApiError::internal("drawing a QR code", e))?;
    Ok(image(png, "image/png"))
}
