use std::{collections::BTreeSet, net::SocketAddr};

use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::{header, request::Parts, HeaderMap},
};
use base64::{engine::general_purpose::STANDARD, Engine};
use kasir_domain::{BuiltinRole, Permission};
use kasir_store::{Actor, Scope};
use subtle::ConstantTimeEq;

use super::tokens::token_hash;
use crate::{api::ApiError, state::AppState};

/// Who is behind a request.
#[derive(Debug, Clone)]
pub enum PrincipalKind {
    User { user_id: String, session_id: String },
    ApiKey { id: String },
}

/// The authenticated caller, read fresh from the database on every request.
#[derive(Debug, Clone)]
pub struct Principal {
    pub kind: PrincipalKind,
    /// The caller's own tenant; `None` for platform operators.
    pub tenant_id: Option<String>,
    /// For platform operators: the tenant named by `X-Tenant-Id`.
    pub acting_tenant: Option<String>,
    pub role: String,
    pub permissions: BTreeSet<Permission>,
    /// `None`: every outlet of the tenant; otherwise only these.
    pub outlets: Option<Vec<String>>,
    /// The outlets stored on the user record.
    pub outlet_ids: Vec<String>,
    pub username: String,
    pub name: String,
    pub email: Option<String>,
    pub ip: Option<String>,
    pub request_id: Option<String>,
}

impl Principal {
    /// 403 unless the caller holds `p`.
    pub fn require(&self, p: Permission) -> Result<(), ApiError> {
        if self.permissions.contains(&p) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!("this needs the '{}' permission", p.as_str())))
        }
    }

    pub fn has(&self, p: Permission) -> bool {
        self.permissions.contains(&p)
    }

    /// The caller's user id; 403 for an API key (what it does is done by a person).
    pub fn staff_user(&self) -> Result<&str, ApiError> {
        self.user_id().ok_or_else(|| ApiError::Forbidden("this needs a staff login, not an API key".into()))
    }

    /// Whose records a log or queue read shows this caller: its tenant's; for a platform
    /// operator every tenant's (`None`), or the one named by `X-Tenant-Id`.
    pub fn reading_tenant(&self) -> Result<Option<String>, ApiError> {
        if self.is_platform() {
            Ok(self.acting_tenant.clone())
        } else {
            Ok(Some(self.scope()?.tenant_id))
        }
    }

    pub fn is_platform(&self) -> bool {
        self.tenant_id.is_none() && matches!(self.kind, PrincipalKind::User { .. })
    }

    pub fn user_id(&self) -> Option<&str> {
        match &self.kind {
            PrincipalKind::User { user_id, .. } => Some(user_id),
            PrincipalKind::ApiKey { .. } => None,
        }
    }

    pub fn session_id(&self) -> Option<&str> {
        match &self.kind {
            PrincipalKind::User { session_id, .. } => Some(session_id),
            PrincipalKind::ApiKey { .. } => None,
        }
    }

    /// The tenant scope of this request. Platform operators name a tenant with `X-Tenant-Id`.
    pub fn scope(&self) -> Result<Scope, ApiError> {
        let tenant_id = self.tenant_id.clone().or_else(|| self.acting_tenant.clone()).ok_or_else(|| {
            ApiError::field("X-Tenant-Id", "platform operators must name the tenant to act on with this header")
        })?;
        Ok(Scope { tenant_id, outlets: self.outlets.clone() })
    }

    /// The actor recorded in audit entries.
    pub fn actor(&self) -> Actor {
        let (id, kind) = match &self.kind {
            PrincipalKind::User { user_id, .. } => (user_id.clone(), "user"),
            PrincipalKind::ApiKey { id } => (id.clone(), "api_key"),
        };
        Actor { id: Some(id), kind, ip: self.ip.clone(), request_id: self.request_id.clone(), pushed: None }
    }
}

/// The client's address and request id, for audit entries of unauthenticated calls (login).
pub fn request_actor(parts_headers: &HeaderMap, ip: Option<String>) -> Actor {
    Actor { id: None, kind: "anonymous", ip, request_id: request_id(parts_headers), pushed: None }
}

pub fn request_id(headers: &HeaderMap) -> Option<String> {
    headers.get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_string)
}

/// The client's address: as [`super::client_addr::resolve`] worked it out, else the peer's.
pub fn client_ip(parts: &Parts) -> Option<String> {
    match parts.extensions.get::<super::client_addr::ClientAddr>() {
        Some(a) => Some(a.0.to_string()),
        None => parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string()),
    }
}

/// The client's IP address, when the server knows it.
pub struct ClientIp(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(client_ip(parts)))
    }
}

pub(crate) enum Credentials {
    Bearer(String),
    Basic { key_id: String, secret: String },
}

pub(crate) fn credentials(headers: &HeaderMap) -> Result<Credentials, ApiError> {
    let missing = || ApiError::Unauthorized("credentials are missing".into());
    if let Some(auth) = headers.get(header::AUTHORIZATION) {
        let auth = auth.to_str().map_err(|_| ApiError::Unauthorized("malformed Authorization header".into()))?;
        let (scheme, value) = auth.split_once(' ').ok_or_else(missing)?;
        if scheme.eq_ignore_ascii_case("bearer") {
            return Ok(Credentials::Bearer(value.trim().to_string()));
        }
        if scheme.eq_ignore_ascii_case("basic") {
            let decoded = STANDARD
                .decode(value.trim())
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(|| ApiError::Unauthorized("malformed Basic credentials".into()))?;
            let (key_id, secret) =
                decoded.split_once(':').ok_or_else(|| ApiError::Unauthorized("malformed Basic credentials".into()))?;
            return Ok(Credentials::Basic { key_id: key_id.into(), secret: secret.into() });
        }
        return Err(ApiError::Unauthorized("unsupported Authorization scheme".into()));
    }
    if let Some(token) = headers.get("x-access-token").and_then(|v| v.to_str().ok()) {
        return Ok(Credentials::Bearer(token.trim().to_string()));
    }
    Err(missing())
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(p) = parts.extensions.get::<Principal>() {
            return Ok(p.clone());
        }
        let creds = credentials(&parts.headers)?;
        let mut principal = match creds {
            Credentials::Bearer(token) => from_access_token(state, &token).await?,
            Credentials::Basic { key_id, secret } => from_api_key(state, &key_id, &secret).await?,
        };
        principal.ip = client_ip(parts);
        principal.request_id = request_id(&parts.headers);
        if principal.is_platform() {
            if let Some(raw) = parts.headers.get("x-tenant-id").and_then(|v| v.to_str().ok()) {
                let id =
                    kasir_domain::ids::parse_id(raw).ok_or_else(|| ApiError::field("X-Tenant-Id", "must be a UUID"))?;
                kasir_store::tenancy::tenants::get(&state.db, &id).await?;
                principal.acting_tenant = Some(id);
            }
        }
        parts.extensions.insert(principal.clone());
        Ok(principal)
    }
}

/// Verifies an access token and loads its user and login.
pub async fn from_access_token(state: &AppState, token: &str) -> Result<Principal, ApiError> {
    let invalid = || ApiError::Unauthorized("the access token is invalid or expired".into());
    let claims = state.tokens.verify(token).ok_or_else(invalid)?;
    let row = kasir_store::auth::load_session(&state.db, &claims.sid, &claims.sub).await?.ok_or_else(invalid)?;
    let now = kasir_domain::time::now();
    if row.revoked_at.is_some() || row.expires_at <= now || row.is_active == 0 || row.tenant_active == Some(0) {
        return Err(invalid());
    }
    let (permissions, sees_all) = match BuiltinRole::parse(&row.role) {
        Some(role) => (role.permissions(), role.sees_all_outlets()),
        None => {
            let custom: Vec<String> = match row.custom_permissions.as_deref() {
                Some(raw) => serde_json::from_str(raw)
                    .map_err(|e| ApiError::internal(&format!("the permissions of role '{}'", row.role), e))?,
                None => Vec::new(),
            };
            let perms = custom
                .iter()
                .filter_map(|p| Permission::parse(p))
                .filter(|p| !kasir_domain::permissions::PLATFORM_ONLY.contains(p))
                .collect();
            (perms, false)
        }
    };
    let outlet_ids = row.outlet_ids.0;
    Ok(Principal {
        kind: PrincipalKind::User { user_id: row.user_id, session_id: claims.sid },
        tenant_id: row.tenant_id,
        acting_tenant: None,
        role: row.role,
        permissions,
        outlets: if sees_all { None } else { Some(outlet_ids.clone()) },
        outlet_ids,
        username: row.username,
        name: row.name,
        email: row.email,
        ip: None,
        request_id: None,
    })
}

async fn from_api_key(state: &AppState, key_id: &str, secret: &str) -> Result<Principal, ApiError> {
    let invalid = || ApiError::Unauthorized("the API key is invalid".into());
    let key = kasir_store::tenancy::api_keys::find(&state.db, key_id).await?.ok_or_else(invalid)?;
    let presented = token_hash(secret);
    if !bool::from(presented.as_bytes().ct_eq(key.secret_hash.as_bytes())) || key.tenant_active == 0 {
        return Err(invalid());
    }
    let permissions = key
        .permissions
        .0
        .iter()
        .filter_map(|p| Permission::parse(p))
        .filter(|p| !kasir_domain::permissions::PLATFORM_ONLY.contains(p))
        .collect();
    Ok(Principal {
        kind: PrincipalKind::ApiKey { id: key.id },
        tenant_id: Some(key.tenant_id),
        acting_tenant: None,
        role: "api_key".into(),
        permissions,
        outlets: None,
        outlet_ids: Vec::new(),
        username: key_id.to_string(),
        name: key.name,
        email: None,
        ip: None,
        request_id: None,
    })
}
