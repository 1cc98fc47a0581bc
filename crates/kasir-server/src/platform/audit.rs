//! `GET /audit-logs`: read-only, for owners (their tenant) and the platform operator (all, or one
//! tenant with `X-Tenant-Id`).

use axum::{extract::State, response::Response};
use kasir_domain::{Permission, Violations};
use kasir_store::platform::audit::{self, AuditFilter};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::{
    api::{
        ok_list,
        openapi::{ApiRouter, Method, Op},
        ApiError, ApiQuery,
    },
    auth::Principal,
    state::AppState,
};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    #[param(format = Uuid)]
    pub actor_id: Option<String>,
    /// Entity name such as `user` or `auth`.
    pub entity: Option<String>,
    /// Action such as `user.create` or `auth.login_failed`.
    pub action: Option<String>,
    /// RFC 3339, inclusive.
    #[param(format = DateTime)]
    pub from: Option<String>,
    /// RFC 3339, exclusive.
    #[param(format = DateTime)]
    pub to: Option<String>,
    #[param(minimum = 1, maximum = 1_000_000)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<i64>,
}

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    api.route(
        Method::Get,
        "/audit-logs",
        list,
        Op::new("audit", "Read the audit log").query::<AuditQuery>().ok_list::<audit::AuditLog>(),
    )
}

async fn list(
    State(s): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Response, ApiError> {
    p.require(Permission::AuditRead)?;
    let tenant_id = p.reading_tenant()?;
    let mut v = Violations::new();
    let (page, per_page) = crate::api::fields::paging_in(&mut v, q.page, q.per_page);
    let mut time = |field: &str, raw: &Option<String>| {
        raw.as_deref().and_then(|r| v.parsed(field, kasir_domain::time::parse_ts(r).ok_or("must be an RFC 3339 time")))
    };
    let from = time("from", &q.from);
    let to = time("to", &q.to);
    if let Some(a) = &q.actor_id {
        if kasir_domain::ids::parse_id(a).is_none() {
            v.add("actor_id", "must be a UUID");
        }
    }
    v.finish().map_err(ApiError::Validation)?;
    // Filtering by someone this caller cannot see is a reference to a record that is not here.
    if let Some(actor) = &q.actor_id {
        let visible = match kasir_store::tenancy::users::get_any(&s.db, actor).await? {
            Some(u) => tenant_id.is_none() || u.tenant_id == tenant_id,
            None => false,
        };
        if !visible {
            return Err(ApiError::MissingRefs(vec![kasir_domain::FieldError::new("actor_id", "no such user")]));
        }
    }
    let filter = AuditFilter { tenant_id, actor_id: q.actor_id, entity: q.entity, action: q.action, from, to };
    let (items, total) = audit::list(&s.db, &filter, page, per_page).await?;
    Ok(ok_list(items, page, per_page, total))
}
