//! Table sessions: opened by staff for a table, their QR token the guests' only credential;
//! `POST /table-sessions/validate` tells a guest page whether its token still works.

use axum::{
    extract::State,
    http::{header, HeaderValue},
    response::Response,
};
use kasir_domain::{Permission, Violations};
use kasir_store::{
    crud::{self, ResourceDef},
    restaurant::{self, Table, TableSession, TABLES, TABLE_SESSIONS},
    Db, Scope, Tx, Value,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::resource::{self, find_ref, Resource};
use crate::{
    api::{
        ok,
        openapi::{ApiRouter, Method, Op},
        ApiError, IdPath, JsonBody,
    },
    auth::Principal,
    state::AppState,
};

fn finish(v: Violations) -> Result<(), ApiError> {
    v.finish().map_err(ApiError::Validation)
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

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
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

/// An image answer that no cache keeps.
pub(crate) fn image(body: Vec<u8>, content_type: &'static str) -> Response {
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
