//! Operations (issue 19, decision 018): assets and their custodians, the fleet (vehicles, drivers
//! with logins, location pings), tickets, meeting-room bookings, branding approvals and the CMS
//! with its public pages. Plain records go through the generic writer (change feed and audit
//! log); each area's actions (assign, book, review, …) write through it as well.

pub mod assets;
pub mod branding;
pub mod cms;
pub mod demo;
pub mod fleet;
pub mod rooms;
pub mod tickets;

use std::sync::Weak;

use kasir_domain::{
    jobs::{Every, JobKind},
    FieldError, Permission,
};
use kasir_store::{crud, tenancy::users::USERS, Scope, Tx};

use crate::{
    api::{openapi::ApiRouter, ApiError},
    platform::jobs::{Jobs, Schedule},
    state::{AppState, Inner},
};

pub fn routes(mut api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    api = assets::routes(api);
    api = fleet::routes(api);
    api = tickets::routes(api);
    api = rooms::routes(api);
    api = branding::routes(api);
    cms::routes(api)
}

/// Operations records in the change feed, each pulled by `/sync/pull` only by callers holding
/// the permission beside it (a till never receives them).
pub const PULLED: &[(&str, Permission)] = &[
    ("asset_category", Permission::AssetsManage),
    ("asset", Permission::AssetsManage),
    ("asset_assignment", Permission::AssetsManage),
    ("vehicle", Permission::FleetManage),
    ("driver", Permission::FleetManage),
    ("ticket", Permission::TicketsManage),
    ("ticket_comment", Permission::TicketsManage),
    ("meeting_room", Permission::RoomsManage),
    ("meeting_booking", Permission::RoomsManage),
    ("branding_approval", Permission::BrandingManage),
    ("branding_review", Permission::BrandingManage),
    ("cms_post", Permission::CmsManage),
    ("cms_training", Permission::CmsManage),
    ("cms_career", Permission::CmsManage),
    ("cms_department", Permission::CmsManage),
    ("cms_ad", Permission::CmsManage),
    ("cms_vacancy", Permission::CmsManage),
    ("cms_drop_point", Permission::CmsManage),
];

/// Files of the tenant named in `field` (at most `max`), in the order given, without repeats.
pub(crate) async fn files(
    tx: &mut Tx,
    scope: &Scope,
    field: &str,
    raw: &[String],
    max: usize,
) -> Result<Vec<String>, ApiError> {
    let ids = distinct_ids(field, raw, max, "files")?;
    let found = kasir_store::platform::files::of_tenant(tx, &scope.tenant_id, &ids).await?;
    missing(field, raw, &found, "no such file")?;
    Ok(ids)
}

/// The UUIDs of `raw` without repeats; 400 for more than `max` or one that is not a UUID.
fn distinct_ids(field: &str, raw: &[String], max: usize, what: &str) -> Result<Vec<String>, ApiError> {
    if raw.len() > max {
        return Err(ApiError::field(field, &format!("must name at most {max} {what}")));
    }
    let mut ids: Vec<String> = Vec::new();
    for (i, r) in raw.iter().enumerate() {
        let Some(id) = kasir_domain::ids::parse_id(r) else {
            return Err(ApiError::field(&format!("{field}[{i}]"), "must be a UUID"));
        };
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// 404 naming each item of `raw` that is not among `found`.
fn missing(field: &str, raw: &[String], found: &[String], message: &str) -> Result<(), ApiError> {
    let missing: Vec<FieldError> = raw
        .iter()
        .enumerate()
        .filter(|(_, r)| kasir_domain::ids::parse_id(r).is_none_or(|id| !found.contains(&id)))
        .map(|(i, _)| FieldError::new(format!("{field}[{i}]"), message))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(ApiError::MissingRefs(missing))
    }
}

/// Users of the tenant named in `field`, in the order given, without repeats.
pub(crate) async fn users(
    tx: &mut Tx,
    scope: &Scope,
    field: &str,
    raw: &[String],
    max: usize,
) -> Result<Vec<String>, ApiError> {
    let ids = distinct_ids(field, raw, max, "users")?;
    let found = crud::existing_ids(tx, &USERS, &Scope::tenant(&scope.tenant_id), &ids).await?;
    missing(field, raw, &found, "no such user")?;
    Ok(ids)
}

/// Today on the tenant's calendar.
pub(crate) async fn tenant_today(db: &kasir_store::Db, tenant_id: &str) -> Result<String, ApiError> {
    let (zone, _) = kasir_store::workforce::attendance_settings(db, tenant_id).await?;
    Ok(kasir_domain::time::outlet_clock(jiff::Timestamp::now(), &zone).date)
}

/// How long drivers' location pings are kept.
pub const PING_DAYS: i64 = 90;

/// The daily job that deletes a tenant's location pings received more than [`PING_DAYS`] ago
/// (03:30 in the tenant's time zone).
pub fn register_jobs(jobs: &Jobs, state: &AppState) {
    let weak: Weak<Inner> = std::sync::Arc::downgrade(&state.0);
    jobs.register(JobKind::PruneDriverLocations.as_str(), move |ctx| {
        let w = weak.clone();
        async move {
            let (Some(inner), Some(tenant)) = (w.upgrade(), ctx.tenant_id.clone()) else { return Ok(()) };
            let before = kasir_domain::time::now_plus_seconds(-PING_DAYS * 86_400);
            let n = kasir_store::operations::fleet::prune_pings(&inner.db, &tenant, &before)
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            tracing::info!(tenant_id = %tenant, pruned = n, "old driver locations deleted");
            Ok(())
        }
    });
    jobs.schedule(Schedule::new(JobKind::PruneDriverLocations.as_str(), Every::DailyAt { hour: 3, minute: 30 }));
}
