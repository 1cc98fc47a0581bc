//! One change a device pushed, and what the operations that apply it share: the context they
//! run in (the device, the caller, the actor whose commit writes the ledger row) and what they did.

use kasir_domain::FieldError;
use kasir_store::{Actor, Pushed, Scope};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{api::ApiError, auth::Principal, state::AppState};

/// One change a device made.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PushChange {
    /// The device's own id for this change, unique on the device (1 to 100 characters): a change
    /// sent again with it is answered `duplicate`.
    pub client_change_id: String,
    /// `sale`, `refund`, `shift`, `cash_movement`, `stock_adjustment`, `order`, or any entity
    /// `GET /sync/pull` carries.
    pub entity: String,
    /// The record's id (for a create, the id the device gave it).
    #[schema(format = Uuid)]
    pub id: String,
    pub op: PushOp,
    /// For `update` and `delete` of records: the version the device changed.
    pub base_version: Option<i64>,
    /// For `create`, the body of the online endpoint (facts add the device's times); for
    /// `update`, only the fields the device changed.
    #[schema(value_type = Option<Object>)]
    pub data: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PushOp {
    Create,
    Update,
    Delete,
}

/// What one pushed change is applied with.
pub struct Cx<'a> {
    pub s: &'a AppState,
    pub p: &'a Principal,
    pub scope: Scope,
    pub device_id: String,
}

impl Cx<'_> {
    /// The actor of the transaction that applies `ch` to record `id`: its commit writes the ledger row.
    pub fn actor(&self, ch: &PushChange, id: &str) -> Actor {
        let mut actor = self.p.actor();
        actor.pushed = Some(Pushed {
            tenant_id: self.scope.tenant_id.clone(),
            device_id: self.device_id.clone(),
            client_change_id: ch.client_change_id.trim().to_string(),
            entity: ch.entity.clone(),
            record_id: id.to_string(),
        });
        actor
    }
}

/// What applying a change did.
#[derive(Debug)]
pub enum Done {
    Applied { version: i64, data: serde_json::Value },
    Duplicate { version: i64, data: serde_json::Value },
    Conflict { version: i64, data: serde_json::Value, conflict_id: String },
}

impl Done {
    /// Applied, with the record as it is now.
    pub fn applied<T: kasir_store::crud::Record>(record: &T) -> Result<Done, ApiError> {
        Ok(Done::Applied { version: record.version(), data: to_json(record)? })
    }

    pub fn duplicate<T: kasir_store::crud::Record>(record: &T) -> Result<Done, ApiError> {
        Ok(Done::Duplicate { version: record.version(), data: to_json(record)? })
    }
}

/// True when `e` says the id is taken: a create sent again after its answer was lost, or
/// another record's id.
pub fn id_taken(e: &ApiError) -> bool {
    matches!(e, ApiError::Conflict { errors, .. } if errors.iter().any(|f| f.field == "id"))
}

/// The rejection of a create whose id another record has.
pub fn id_in_use() -> ApiError {
    ApiError::Conflict {
        code: kasir_domain::ErrorCode::Conflict,
        message: "another record has this id".into(),
        errors: vec![FieldError::new("id", "is already in use")],
    }
}

pub fn to_json<T: Serialize>(record: &T) -> Result<serde_json::Value, ApiError> {
    serde_json::to_value(record).map_err(|e| ApiError::internal("serialising a record", e))
}

/// The change's `data` as a JSON object (`{}` when absent).
pub fn data_object(ch: &PushChange) -> Result<serde_json::Map<String, serde_json::Value>, ApiError> {
    match &ch.data {
        None => Ok(serde_json::Map::new()),
        Some(serde_json::Value::Object(m)) => Ok(m.clone()),
        Some(_) => Err(ApiError::field("data", "must be a JSON object")),
    }
}

/// Parses `data` as an online endpoint's body, naming fields as `data.<field>`.
pub fn parse_data<T: serde::de::DeserializeOwned>(
    data: &serde_json::Map<String, serde_json::Value>,
) -> Result<T, ApiError> {
    let bytes = serde_json::to_vec(data).map_err(|e| ApiError::internal("re-encoding pushed data", e))?;
    crate::api::parse_json(&bytes).map_err(|e| match e {
        ApiError::Validation(errors) => ApiError::Validation(
            errors.into_iter().map(|f| FieldError { field: format!("data.{}", f.field), ..f }).collect(),
        ),
        other => other,
    })
}
