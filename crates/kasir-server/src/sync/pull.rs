//! `GET /sync/pull`: the change feed for offline devices.

use axum::{extract::State, http::HeaderMap, response::Response};
use kasir_domain::Permission;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    api::{
        ok,
        openapi::{ApiRouter, Method, Op},
        ApiError, ApiQuery,
    },
    auth::Principal,
    state::AppState,
};

/// Entities that the feed carries today.
pub const ENTITIES: &[&str] = &[
    "tenant",
    "outlet",
    "user",
    "role",
    "category",
    "brand",
    "tax",
    "modifier_group",
    "warehouse",
    "product",
    "stock_transfer",
    "supplier",
    "purchase",
    "purchase_return",
    "payment_method",
    "customer",
    "promotion",
    "voucher",
    "expense_category",
    "expense",
    "hall",
    "table",
    "station",
    "table_session",
    "order",
    "shift",
    "sale",
    "refund",
    "stock_level",
    "device",
];

/// Workforce records: in the feed, but pulled only by callers with `hr.manage` (a till's
/// cashier never receives employees' leave, attendance or positions).
pub const HR_ENTITIES: &[&str] = &[
    "department",
    "position",
    "employee",
    "work_shift",
    "roster",
    "holiday",
    "attendance_location",
    "attendance",
    "leave_type",
    "leave_balance",
    "leave_request",
    "permit",
    "employee_advance",
    "employee_deduction",
    "freelancer",
    "freelancer_project",
];

/// The permission an entity's records need to be pulled, beside `sync.pull`: workforce records
/// `hr.manage`, operations records their area's (none for the entities every device pulls).
fn gate(entity: &str) -> Option<Permission> {
    if HR_ENTITIES.contains(&entity) {
        return Some(Permission::HrManage);
    }
    crate::operations::PULLED.iter().find(|(e, _)| *e == entity).map(|(_, p)| *p)
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PullQuery {
    /// Opaque cursor from the previous pull; omit to start from the beginning.
    pub cursor: Option<String>,
    /// At most this many changes (1–1000, default 500).
    pub limit: Option<i64>,
    /// Comma-separated entity names (`outlet,user`); default all.
    pub entities: Option<String>,
}

/// One change.
#[derive(Debug, Serialize, ToSchema)]
pub struct SyncChange {
    pub entity: String,
    #[schema(format = Uuid)]
    pub id: String,
    /// `upsert` or `delete`.
    pub op: String,
    pub version: i64,
    pub updated_at: String,
    /// The record as of this change.
    pub data: serde_json::Value,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PullResult {
    pub changes: Vec<SyncChange>,
    /// Pass back as `cursor` to continue.
    pub cursor: String,
    pub has_more: bool,
}

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    api.route(
        Method::Get,
        "/sync/pull",
        pull,
        Op::new("sync", "Pull changes since a cursor").query::<PullQuery>().ok::<PullResult>().errors(&[410, 426]),
    )
}

async fn pull(
    State(s): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<PullQuery>,
) -> Result<Response, ApiError> {
    super::push::check_protocol(&headers)?;
    p.require(Permission::SyncPull)?;
    let scope = p.scope()?;
    s.metrics.pulled("sync");
    let after = match q.cursor.as_deref().filter(|c| !c.is_empty()) {
        None => (0, None),
        Some(c) => {
            super::cursor::decode(c).ok_or_else(|| ApiError::field("cursor", "is not a cursor this server issued"))?
        }
    };
    let limit = q.limit.unwrap_or(500);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::field("limit", "must be between 1 and 1000"));
    }
    let mut entities = Vec::new();
    for e in q.entities.as_deref().unwrap_or("").split(',').map(str::trim).filter(|e| !e.is_empty()) {
        match gate(e) {
            None if !ENTITIES.contains(&e) => {
                return Err(ApiError::field("entities", &format!("unknown entity '{e}'")));
            }
            Some(needed) if !p.has(needed) => {
                return Err(ApiError::Forbidden(format!("'{e}' records need the '{}' permission", needed.as_str())));
            }
            _ => entities.push(e.to_string()),
        }
    }
    let excluded: Vec<&str> = HR_ENTITIES
        .iter()
        .copied()
        .chain(crate::operations::PULLED.iter().map(|(e, _)| *e))
        .filter(|e| gate(e).is_some_and(|needed| !p.has(needed)))
        .collect();
    let (after, floor) = after;
    let page = kasir_store::sync::pull(&s.db, &scope, after, floor, &entities, &excluded, limit).await?;
    let changes = page
        .changes
        .into_iter()
        .map(|c| SyncChange {
            entity: c.entity,
            id: c.id,
            op: c.op,
            version: c.version,
            updated_at: c.updated_at,
            data: c.data,
        })
        .collect();
    // A pull from the start remembers where the feed began; one that goes on keeps what it had.
    let floor = if after == 0 { Some(page.retained_from) } else { floor };
    Ok(ok(PullResult { changes, cursor: super::cursor::encode(page.until_seq, floor), has_more: page.has_more }))
}
