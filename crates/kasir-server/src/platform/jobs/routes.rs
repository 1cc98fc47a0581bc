//! `GET /jobs`: the queue, for tenant owners (their tenant's jobs) and platform operators (all,
//! or one tenant's with `X-Tenant-Id`).

use axum::{extract::State, response::Response};
use kasir_domain::{jobs::JobStatus, Permission, Violations};
use kasir_store::platform::jobs::{self, Job, JobFilter};
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
pub struct JobQuery {
    /// `queued`, `running`, `done` or `failed`.
    #[param(inline, value_type = Option<String>, pattern = "^(queued|running|done|failed)$")]
    pub status: Option<String>,
    /// A job kind such as `prune_events`.
    #[param(max_length = 100)]
    pub kind: Option<String>,
    #[param(minimum = 1, maximum = 1_000_000)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<i64>,
}

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    api.route(Method::Get, "/jobs", list, Op::new("jobs", "List background jobs").query::<JobQuery>().ok_list::<Job>())
}

async fn list(State(s): State<AppState>, p: Principal, ApiQuery(q): ApiQuery<JobQuery>) -> Result<Response, ApiError> {
    p.require(Permission::SettingsManage)?;
    let tenant_id = p.reading_tenant()?;
    let mut v = Violations::new();
    let (page, per_page) = crate::api::fields::paging_in(&mut v, q.page, q.per_page);
    let status = q
        .status
        .as_deref()
        .and_then(|raw| v.parsed("status", JobStatus::parse(raw).ok_or("must be queued, running, done or failed")));
    let kind = q.kind.as_deref().map(|k| v.text("kind", k, 1, 100));
    v.finish().map_err(ApiError::Validation)?;
    let filter = JobFilter { tenant_id, status, kind };
    let (items, total) = jobs::list(&s.db, &filter, page, per_page).await?;
    Ok(ok_list(items, page, per_page, total))
}
