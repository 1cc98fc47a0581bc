//! `/api-keys`: credentials for other services, shown once.

use axum::{extract::State, response::Response};
use kasir_domain::{permissions, Permission, Violations};
use kasir_store::tenancy::api_keys::{self, ApiKey};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    api::{
        created, ok,
        openapi::{ApiRouter, Method, Op},
        ApiError, IdPath, JsonBody,
    },
    auth::{tokens, Principal},
    state::AppState,
};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateApiKey {
    pub name: String,
    /// Permission strings; each must be held by the creator.
    pub permissions: Vec<String>,
}

/// A new key. The secret is shown only here.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedApiKey {
    #[schema(format = Uuid)]
    pub id: String,
    pub key_id: String,
    pub secret: String,
    pub name: String,
    pub permissions: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Deleted {
    #[schema(format = Uuid)]
    pub id: String,
    pub deleted: bool,
}

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    api.route(
        Method::Post,
        "/api-keys",
        create,
        Op::new("api-keys", "Create an API key (the secret is shown once)")
            .body::<CreateApiKey>()
            .created::<CreatedApiKey>(),
    )
    .route(Method::Get, "/api-keys", list, Op::new("api-keys", "List API keys").ok_array::<ApiKey>())
    .route(
        Method::Delete,
        "/api-keys/{id}",
        delete,
        Op::new("api-keys", "Revoke an API key").path_id("id").ok::<Deleted>(),
    )
}

async fn create(State(s): State<AppState>, p: Principal, body: JsonBody) -> Result<Response, ApiError> {
    p.require(Permission::ApiKeysManage)?;
    let b: CreateApiKey = body.parse()?;
    let scope = p.scope()?;
    let mut v = Violations::new();
    let name = v.text("name", &b.name, 1, 100);
    let perms: Vec<String> = match permissions::parse_tenant_permissions(&b.permissions) {
        Ok(set) => {
            if let Some(missing) = set.iter().find(|x| !p.has(**x)) {
                v.add("permissions", format!("you cannot grant '{}', which you do not hold", missing.as_str()));
            }
            set.iter().map(|x| x.as_str().to_string()).collect()
        }
        Err(m) => {
            v.add("permissions", m);
            Vec::new()
        }
    };
    v.finish().map_err(ApiError::Validation)?;
    let id = kasir_domain::ids::new_id();
    let key_id = format!("kk_{}", tokens::random_hex(12));
    let secret = tokens::random_secret();
    let mut tx = s.db.begin(p.actor()).await?;
    let key = api_keys::create(&mut tx, &scope, &id, &name, &key_id, &tokens::token_hash(&secret), &perms).await?;
    tx.commit().await?;
    Ok(created(CreatedApiKey {
        id: key.id,
        key_id: key.key_id,
        secret,
        name: key.name,
        permissions: key.permissions.0,
    }))
}

async fn list(State(s): State<AppState>, p: Principal) -> Result<Response, ApiError> {
    p.require(Permission::ApiKeysManage)?;
    Ok(ok(api_keys::list(&s.db, &p.scope()?).await?))
}

async fn delete(State(s): State<AppState>, p: Principal, IdPath(id): IdPath) -> Result<Response, ApiError> {
    p.require(Permission::ApiKeysManage)?;
    let scope = p.scope()?;
    let mut tx = s.db.begin(p.actor()).await?;
    api_keys::delete(&mut tx, &scope, &id).await?;
    tx.commit().await?;
    Ok(ok(Deleted { id, deleted: true }))
}
