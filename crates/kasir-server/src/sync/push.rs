//! `POST /sync/push`: an offline device sends what it did, in its order, at most 50 changes at a
//! time. Each change is applied on its own, in its own transaction, through the same operation
//! as its online endpoint, and that transaction also writes the change's ledger row (see
//! [`kasir_store::Pushed`]): a change is applied once however often it is sent.
//!
//! Facts (sales, refunds, shifts, cash movements, stock adjustments, orders and their status
//! steps) never conflict. Records (products, customers, …) merge by field: [`merge`].

use axum::{extract::State, http::HeaderMap, response::Response};
use kasir_domain::{ErrorCode, FieldError, Permission};
use kasir_store::sync::ledger;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    change::{Cx, Done, PushChange, PushOp},
    facts, merge,
};
use crate::{
    api::{
        ok,
        openapi::{ApiRouter, Method, Op},
        ApiError, JsonBody,
    },
    auth::Principal,
    state::AppState,
};

/// The sync protocol this server speaks (`X-Sync-Protocol`).
pub const PROTOCOL: &str = "1";

/// At most this many changes in one push.
pub const MAX_CHANGES: usize = 50;

/// The body of `POST /sync/push`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PushBody {
    /// The device's id; the same as the `X-Device-Id` header.
    #[schema(format = Uuid)]
    pub device_id: String,
    /// At most 50, applied in this order.
    #[schema(max_items = 50)]
    pub changes: Vec<PushChange>,
}

/// What became of a change. Every status is an acknowledgement: do not send the change again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PushStatus {
    Applied,
    /// Applied before (or the record exists with the same data); nothing changed now.
    Duplicate,
    /// Some fields were changed on the server too: the server's values stayed (the others
    /// applied) and `conflict_id` names the record of both sides.
    Conflict,
    /// Refused, with `error` saying why (as the online endpoint would answer).
    Rejected,
}

impl PushStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PushStatus::Applied => "applied",
            PushStatus::Duplicate => "duplicate",
            PushStatus::Conflict => "conflict",
            PushStatus::Rejected => "rejected",
        }
    }
}

/// Why a change was rejected, as the online endpoint's error body would say.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PushError {
    pub code: String,
    pub message: String,
    #[schema(value_type = Vec<crate::api::FieldErrorSchema>)]
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PushResult {
    pub client_change_id: String,
    pub status: PushStatus,
    /// The record's version after the change.
    pub version: Option<i64>,
    /// The record as the server has it now.
    #[schema(value_type = Option<Object>)]
    pub server_data: Option<serde_json::Value>,
    #[schema(format = Uuid)]
    pub conflict_id: Option<String>,
    pub error: Option<PushError>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PushResponse {
    pub results: Vec<PushResult>,
}

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    api.route(
        Method::Post,
        "/sync/push",
        push,
        Op::new("sync", "Push a device's offline changes (at most 50, applied in order)")
            .header("X-Device-Id", "The device's id (the body's device_id); required", string_schema())
            .header("X-Sync-Protocol", "The sync protocol the device speaks (1)", string_schema())
            .body::<PushBody>()
            .ok::<PushResponse>()
            .errors(&[403, 426]),
    )
}

fn string_schema() -> utoipa::openapi::schema::ObjectBuilder {
    utoipa::openapi::schema::ObjectBuilder::new().schema_type(utoipa::openapi::schema::Type::String)
}

/// 426 unless the client speaks our sync protocol (or does not say).
pub fn check_protocol(headers: &HeaderMap) -> Result<(), ApiError> {
    match headers.get("x-sync-protocol").map(|v| v.to_str().map(str::trim)) {
        None => Ok(()),
        Some(Ok(PROTOCOL)) => Ok(()),
        Some(_) => Err(ApiError::Gone {
            code: ErrorCode::UpgradeRequired,
            message: format!("this server speaks sync protocol {PROTOCOL}: update the app"),
        }),
    }
}

fn result_of(done: Done, client_change_id: String) -> PushResult {
    let (status, version, data, conflict_id) = match done {
        Done::Applied { version, data } => (PushStatus::Applied, version, data, None),
        Done::Duplicate { version, data } => (PushStatus::Duplicate, version, data, None),
        Done::Conflict { version, data, conflict_id } => (PushStatus::Conflict, version, data, Some(conflict_id)),
    };
    PushResult { client_change_id, status, version: Some(version), server_data: Some(data), conflict_id, error: None }
}

async fn push(
    State(s): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    body: JsonBody,
) -> Result<Response, ApiError> {
    check_protocol(&headers)?;
    p.require(Permission::SyncPush)?;
    let scope = p.scope()?;
    let b: PushBody = body.parse()?;
    let device_id =
        kasir_domain::ids::parse_id(&b.device_id).ok_or_else(|| ApiError::field("device_id", "must be a UUID"))?;
    match headers.get("x-device-id").and_then(|v| v.to_str().ok()).map(str::trim) {
        None => return Err(ApiError::field("X-Device-Id", "is required: the device's id")),
        Some(h) if kasir_domain::ids::parse_id(h).as_deref() != Some(device_id.as_str()) => {
            return Err(ApiError::field("X-Device-Id", "must be the body's device_id"))
        }
        Some(_) => {}
    }
    if b.changes.len() > MAX_CHANGES {
        return Err(ApiError::field("changes", "must have at most 50 changes"));
    }
    use kasir_store::devices::{admit_push, Admission};
    match admit_push(&s.db, &scope.tenant_id, &device_id).await? {
        Admission::Active => {}
        Admission::Inactive => return Err(ApiError::Forbidden("this device has been deactivated".into())),
        Admission::Foreign => return Err(ApiError::Forbidden("this device belongs to another tenant".into())),
    }
    require_license(&s, &scope.tenant_id, &device_id).await?;
    let cx = Cx { s: &s, p: &p, scope, device_id };
    let mut results = Vec::with_capacity(b.changes.len());
    for ch in b.changes {
        let result = apply(&cx, ch).await?;
        s.metrics.pushed(result.status.as_str());
        results.push(result);
    }
    Ok(ok(PushResponse { results }))
}

/// 403 `license_required` when the tenant requires a licence and the device holds no seat of a
/// live one verified within the last 30 days and the 7 days' grace.
async fn require_license(s: &AppState, tenant_id: &str, device_id: &str) -> Result<(), ApiError> {
    use crate::devices::licenses::{GRACE_DAYS, VERIFY_EVERY_DAYS};
    let tenant = kasir_store::tenancy::tenants::get(&s.db, tenant_id).await?;
    if !tenant.require_license.0 {
        return Ok(());
    }
    let now = jiff::Timestamp::now();
    let since = now - jiff::SignedDuration::from_hours(24 * (VERIFY_EVERY_DAYS + GRACE_DAYS));
    let (now, since) = (kasir_domain::time::format_ts(now), kasir_domain::time::format_ts(since));
    if kasir_store::devices::licenses::device_licensed(&s.db, tenant_id, device_id, &now, &since).await? {
        return Ok(());
    }
    Err(crate::api::rule(
        ErrorCode::LicenseRequired,
        "this business requires a licence of every device: activate one".into(),
    ))
}

fn rejected(client_change_id: String, e: ApiError) -> PushResult {
    let (code, message, errors) = e.describe();
    PushResult {
        client_change_id,
        status: PushStatus::Rejected,
        version: None,
        server_data: None,
        conflict_id: None,
        error: Some(PushError { code: code.as_str().into(), message, errors }),
    }
}

/// Applies one change; `Err` only for the server's own faults (the device sends the batch again).
#[tracing::instrument(skip_all, fields(entity = %ch.entity, client_change_id = %ch.client_change_id))]
async fn apply(cx: &Cx<'_>, ch: PushChange) -> Result<PushResult, ApiError> {
    let ccid = ch.client_change_id.trim().to_string();
    if ccid.is_empty() || ccid.chars().count() > 100 {
        return Ok(rejected(ccid, ApiError::field("client_change_id", "must be 1 to 100 characters")));
    }
    if let Some(entry) = ledger::find(&cx.s.db, &cx.scope.tenant_id, &cx.device_id, &ccid).await? {
        return Ok(duplicate(ccid, entry));
    }
    let Some(id) = kasir_domain::ids::parse_id(&ch.id) else {
        return Ok(rejected(ccid, ApiError::field("id", "must be a UUID")));
    };
    // A concurrent write to the same record (PostgreSQL) makes the merge start again.
    let mut attempt = 0;
    loop {
        attempt += 1;
        let e = match run(cx, &ch, &id).await {
            Ok(done) => return Ok(result_of(done, ccid)),
            Err(e) => e,
        };
        // The same change sent twice at once: the other attempt applied it (read once its
        // commit is readable).
        cx.s.db.settled().await;
        if let Some(entry) = ledger::find(&cx.s.db, &cx.scope.tenant_id, &cx.device_id, &ccid).await? {
            return Ok(duplicate(ccid, entry));
        }
        match e {
            ApiError::Conflict { code: ErrorCode::VersionConflict, .. } if attempt < 3 => continue,
            e if e.is_server_fault() => return Err(e),
            e => return Ok(rejected(ccid, e)),
        }
    }
}

fn duplicate(client_change_id: String, entry: ledger::Entry) -> PushResult {
    PushResult {
        client_change_id,
        status: PushStatus::Duplicate,
        version: entry.version,
        server_data: None,
        conflict_id: entry.conflict_id,
        error: None,
    }
}

async fn run(cx: &Cx<'_>, ch: &PushChange, id: &str) -> Result<Done, ApiError> {
    match (ch.entity.as_str(), ch.op) {
        ("sale", PushOp::Create) => facts::sale(cx, ch, id).await,
        ("refund", PushOp::Create) => facts::refund(cx, ch, id).await,
        ("shift", PushOp::Create) => facts::open_shift(cx, ch, id).await,
        ("shift", PushOp::Update) => facts::close_shift(cx, ch, id).await,
        ("cash_movement", PushOp::Create) => facts::cash_movement(cx, ch, id).await,
        ("stock_adjustment", PushOp::Create) => facts::stock_adjustment(cx, ch, id).await,
        ("order", PushOp::Create) => facts::order(cx, ch, id).await,
        ("order", PushOp::Update) => facts::order_status(cx, ch, id).await,
        ("tenant", PushOp::Update) => tenant_settings(cx, ch, id).await,
        ("stock_level", _) => Err(ApiError::field(
            "entity",
            "stock levels change only through what moves stock: push a stock_adjustment (a delta) instead",
        )),
        ("sale" | "refund" | "shift" | "cash_movement" | "stock_adjustment" | "order", op) => Err(ApiError::field(
            "op",
            &format!("a {} cannot be pushed as {op:?}: it is a fact, only created (or stepped)", ch.entity)
                .to_lowercase(),
        )),
        (entity, op) => match merge::records(entity) {
            Some(r) => match op {
                PushOp::Create => (r.create)(cx, ch, id).await,
                PushOp::Update => (r.update)(cx, ch, id).await,
                PushOp::Delete => (r.delete)(cx, ch, id).await,
            },
            None => Err(ApiError::field("entity", &format!("'{entity}' is not something a device can push"))),
        },
    }
}

/// The tenant's settings, changed offline: merged by field like any record, through the same
/// checks as `PATCH /tenants/{id}`.
async fn tenant_settings(cx: &Cx<'_>, ch: &PushChange, id: &str) -> Result<Done, ApiError> {
    use crate::tenancy::tenants::UpdateTenant;
    if id != cx.scope.tenant_id {
        return Err(ApiError::NotFound);
    }
    if !cx.p.is_platform() {
        cx.p.require(Permission::SettingsManage)?;
    }
    let data = merge::update_fields(ch)?;
    super::change::parse_data::<UpdateTenant>(&data)?.values(cx.p)?;
    let mut tx = cx.s.db.begin(cx.actor(ch, id)).await?;
    let current = kasir_store::tenancy::tenants::get_in_tx(&mut tx, id).await?;
    let now = (current.version, super::change::to_json(&current)?);
    merge::merge_update(cx, ch, id, "tenant", tx, data, now, async |tx, fields| {
        let values = super::change::parse_data::<UpdateTenant>(&fields)?.values(cx.p)?;
        let tenant = kasir_store::tenancy::tenants::update(tx, id, None, &values).await?;
        Ok((tenant.version, super::change::to_json(&tenant)?))
    })
    .await
}
