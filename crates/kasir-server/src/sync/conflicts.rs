//! `/sync/conflicts`: pushed changes that met a server change, and their resolution. Resolving
//! writes the chosen values as a new version of the record (with `If-Match` rules, against the
//! record's version) and closes the conflict, in one transaction.

use axum::{
    extract::{RawQuery, State},
    http::HeaderMap,
    response::Response,
};
use kasir_domain::Permission;
use kasir_store::{
    crud,
    sync::conflicts::{self, Conflict, SYNC_CONFLICTS},
    StoreError,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::merge;
use crate::tenancy::tenants::UpdateTenant;
use crate::{
    api::{
        ok, ok_page,
        openapi::{ApiRouter, Method, Op},
        parse_if_match,
        resource::parse_list_query,
        ApiError, IdPath, JsonBody,
    },
    auth::Principal,
    state::AppState,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// Keep the server's values.
    Server,
    /// Take the device's values of the conflicting fields (for a delete: delete the record).
    Client,
    /// Take the values in `data`.
    Merge,
}

impl Resolution {
    fn as_str(self) -> &'static str {
        match self {
            Resolution::Server => "server",
            Resolution::Client => "client",
            Resolution::Merge => "merge",
        }
    }
}

/// The body of `POST /sync/conflicts/{id}/resolve`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Resolve {
    pub resolution: Resolution,
    /// For `merge`: the fields' values to keep.
    #[schema(value_type = Option<Object>)]
    pub data: Option<Value>,
}

/// A conflict after its resolution, with the record as written.
#[derive(Debug, Serialize, ToSchema)]
pub struct Resolved {
    #[serde(flatten)]
    pub conflict: Conflict,
    /// The record as it is now (null when the resolution deleted it).
    #[schema(value_type = Option<Object>)]
    pub record: Value,
}

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    let mut list_op = Op::new("sync", "Conflicts between devices' changes and the server's");
    for (name, what) in [
        ("status", "Filter: open or resolved"),
        ("entity", "Filter: the entity"),
        ("record_id", "Filter: the record"),
        ("device_id", "Filter: the device"),
        ("sort", "created_at, updated_at or resolved_at; prefix - for descending"),
    ] {
        list_op = list_op.query_param(name, what, ObjectBuilder::new().schema_type(Type::String));
    }
    for name in ["page", "per_page"] {
        list_op = list_op.query_param(name, "Paging", ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1)));
    }
    api.route(Method::Get, "/sync/conflicts", list, list_op.ok_list::<Conflict>())
        .route(Method::Get, "/sync/conflicts/{id}", get, Op::new("sync", "One conflict").path_id("id").ok::<Conflict>())
        .route(
            Method::Post,
            "/sync/conflicts/{id}/resolve",
            resolve,
            Op::new("sync", "Resolve a conflict: the chosen values become a new version of the record")
                .path_id("id")
                .if_match()
                .body::<Resolve>()
                .ok::<Resolved>()
                .errors(&[409, 422]),
        )
}

async fn list(State(s): State<AppState>, p: Principal, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    p.require(Permission::SyncPush)?;
    let scope = p.scope()?;
    let q = parse_list_query(&SYNC_CONFLICTS, raw.as_deref().unwrap_or(""))?;
    let page = crud::list::<Conflict>(&s.db, &SYNC_CONFLICTS, &scope, &q).await?;
    Ok(ok_page(page, q.page, q.per_page))
}

async fn get(State(s): State<AppState>, p: Principal, IdPath(id): IdPath) -> Result<Response, ApiError> {
    p.require(Permission::SyncPush)?;
    let scope = p.scope()?;
    Ok(ok(crud::get::<Conflict>(&s.db, &SYNC_CONFLICTS, &scope, &id).await?))
}

/// The fields to write for `resolution`, or `None` to delete the record.
fn chosen(c: &Conflict, b: &Resolve) -> Result<Option<Map<String, Value>>, ApiError> {
    let pick = |from: &Value| -> Map<String, Value> {
        c.fields.0.iter().filter_map(|f| from.get(f).map(|v| (f.clone(), v.clone()))).collect()
    };
    match b.resolution {
        Resolution::Server if c.op == "delete" => Ok(Some(Map::new())),
        Resolution::Server => Ok(Some(pick(&c.server_data.0))),
        Resolution::Client if c.op == "delete" => Ok(None),
        Resolution::Client => Ok(Some(pick(&c.client_data.0))),
        Resolution::Merge => match &b.data {
            Some(Value::Object(m)) if !m.is_empty() => Ok(Some(m.clone())),
            _ => Err(ApiError::field("data", "is required for merge: the values to keep")),
        },
    }
}

async fn resolve(
    State(s): State<AppState>,
    p: Principal,
    IdPath(id): IdPath,
    headers: HeaderMap,
    body: JsonBody,
) -> Result<Response, ApiError> {
    p.require(Permission::SyncPush)?;
    let scope = p.scope()?;
    let version = parse_if_match(&headers)?;
    let b: Resolve = body.parse()?;
    if b.resolution != Resolution::Merge && b.data.is_some() {
        return Err(ApiError::field("data", "is only for merge"));
    }
    let mut tx = s.db.begin(p.actor()).await?;
    let conflict = conflicts::lock_open(&mut tx, &scope, &id).await.map_err(|e| match e {
        StoreError::Conflict { .. } => {
            crate::api::rule(kasir_domain::ErrorCode::InvalidTransition, "this conflict is already resolved".into())
        }
        other => other.into(),
    })?;
    let fields = chosen(&conflict, &b)?;
    // The values are written even when they are the server's: the new version tells every
    // device, including the one whose change lost, what the record now holds.
    let deletes = fields.is_none();
    let written = match (merge::records(&conflict.entity), fields) {
        (Some(records), fields) => (records.write)(&p, &mut tx, &scope, &conflict.record_id, fields, version).await?,
        (None, Some(fields)) if conflict.entity == "tenant" => {
            if !p.is_platform() {
                p.require(Permission::SettingsManage)?;
            }
            let values = crate::sync::change::parse_data::<UpdateTenant>(&fields)?.values(&p)?;
            let tenant = kasir_store::tenancy::tenants::update(&mut tx, &conflict.record_id, version, &values).await?;
            crate::sync::change::to_json(&tenant)?
        }
        _ => return Err(ApiError::Internal(format!("a conflict of entity {} that no route writes", conflict.entity))),
    };
    let closed = conflicts::resolve(&mut tx, &scope, &conflict.id, b.resolution.as_str(), p.user_id()).await?;
    tx.commit().await?;
    Ok(ok(Resolved { conflict: closed, record: if deletes { Value::Null } else { written } }))
}
