//! The table-session guest: a principal whose only credential is the `X-Table-Session` token a
//! table's QR code opens.

use axum::{extract::FromRequestParts, http::request::Parts};
use kasir_store::{
    restaurant::{self, TableSession},
    Actor, Scope,
};

use super::principal::{client_ip, request_id};
use crate::{api::ApiError, state::AppState};

/// The guest behind a request: the open, unexpired table session its `X-Table-Session` names.
pub struct GuestSession {
    pub session: TableSession,
    pub actor: Actor,
}

impl FromRequestParts<AppState> for GuestSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get("x-table-session")
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|t| !t.is_empty() && t.len() <= 200)
            .ok_or_else(|| ApiError::Unauthorized("the X-Table-Session header is missing".into()))?;
        let session = restaurant::session_by_token(&state.db, token)
            .await?
            .ok_or_else(|| ApiError::Unauthorized("this table session is closed, expired or unknown".into()))?;
        let tenant = kasir_store::tenancy::tenants::get(&state.db, &session.tenant_id).await?;
        if !tenant.is_active.0 {
            return Err(ApiError::Unauthorized("this business is not taking orders".into()));
        }
        let actor = Actor {
            id: Some(session.id.clone()),
            kind: "table_session",
            ip: client_ip(parts),
            request_id: request_id(&parts.headers),
            pushed: None,
        };
        Ok(GuestSession { session, actor })
    }
}

impl GuestSession {
    /// The whole tenant's catalog, and orders of this session's outlet only.
    pub fn scope(&self) -> Scope {
        Scope { tenant_id: self.session.tenant_id.clone(), outlets: Some(vec![self.session.outlet_id.clone()]) }
    }
}
