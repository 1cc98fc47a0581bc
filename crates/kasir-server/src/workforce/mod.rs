//! Workforce (issue 18, decision 017): departments, positions and employees; work shifts,
//! rosters and holidays; attendance with geofence and photo; leave with balances and approvals;
//! permits; advances and deductions; freelancers and their projects. An employee acts for
//! themself, a manager for their reports, `hr.manage` for everyone.

pub mod attendance;
pub mod clock;
pub mod demo;
pub mod leave;
pub mod leaving;
pub mod people;
pub mod resources;

use std::sync::Weak;

use axum::{extract::State, response::Response};
use kasir_domain::{
    jobs::{Every, JobKind},
    Permission, Violations,
};
use kasir_store::{
    crud,
    workforce::{Freelancer, Project, Roster, FREELANCERS, PROJECTS, ROSTERS},
    Scope, StoreError, Value,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    api::{
        created, ok,
        openapi::{ApiRouter, Method, Op},
        resource::{self, find_ref},
        ApiError, ApiJson, IdPath,
    },
    auth::Principal,
    platform::jobs::{Jobs, Schedule},
    state::{AppState, Inner},
};

pub fn routes(mut api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    api = resource::routes::<resources::Departments>(api);
    api = resource::routes::<resources::Positions>(api);
    api = resource::routes::<resources::Employees>(api);
    api = resource::routes::<resources::WorkShifts>(api);
    api = resource::routes::<resources::Rosters>(api);
    api = resource::routes::<resources::Holidays>(api);
    api = resource::routes::<resources::Locations>(api);
    api = resource::routes::<resources::LeaveTypes>(api);
    api = resource::routes::<resources::Advances>(api);
    api = resource::routes::<resources::Deductions>(api);
    api = resource::routes::<resources::Freelancers>(api);
    api = attendance::routes(api);
    api = leave::routes(api);
    api.route(
        Method::Post,
        "/rosters/bulk",
        bulk_rosters,
        Op::new("workforce", "Roster many shifts at once (a day already rostered gets the new shift)")
            .body::<BulkRosters>()
            .created::<BulkRostered>()
            .errors(&[404]),
    )
    .route(
        Method::Post,
        "/freelancers/{id}/projects",
        add_project,
        Op::new("workforce", "Give a freelancer a project")
            .path_id("id")
            .body::<NewProject>()
            .created::<Project>()
            .errors(&[404]),
    )
    .route(
        Method::Get,
        "/freelancers/{id}/projects",
        projects,
        Op::new("workforce", "A freelancer's projects").path_id("id").ok_array::<Project>().errors(&[404]),
    )
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkRosters {
    #[schema(min_items = 1, max_items = 1000)]
    pub items: Vec<resources::CreateRoster>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BulkRostered {
    pub created: i64,
    pub updated: i64,
    pub rosters: Vec<Roster>,
}

/// Rosters every item in one transaction; a day already rostered for the employee changes shift.
async fn bulk_rosters(
    State(s): State<AppState>,
    p: Principal,
    ApiJson(b): ApiJson<BulkRosters>,
) -> Result<Response, ApiError> {
    p.require(Permission::HrManage)?;
    if b.items.is_empty() || b.items.len() > 1000 {
        return Err(ApiError::field("items", "must have 1 to 1000 items"));
    }
    let scope = p.scope()?;
    let mut tx = s.db.begin(p.actor()).await?;
    let (mut made, mut changed, mut out) = (0, 0, Vec::new());
    for (i, item) in b.items.iter().enumerate() {
        let values = resources::roster_values(&mut tx, &scope, item).await.map_err(|e| prefixed(e, i))?;
        let existing = kasir_store::workforce::roster_on(&mut tx, &values[0].1, &values[1].1).await?;
        let r: Roster = match existing {
            Some(id) => {
                changed += 1;
                crud::update(&mut tx, &ROSTERS, &scope, &id, None, &values[2..]).await?
            }
            None => {
                made += 1;
                crud::create(&mut tx, &ROSTERS, &scope, &kasir_domain::ids::new_id(), &values).await?
            }
        };
        out.push(r);
    }
    tx.commit().await?;
    Ok(created(BulkRostered { created: made, updated: changed, rosters: out }))
}

/// An item's field errors, named under `items[i]`.
fn prefixed(e: ApiError, i: usize) -> ApiError {
    let rename = |errs: Vec<kasir_domain::FieldError>| {
        errs.into_iter().map(|f| kasir_domain::FieldError::new(format!("items[{i}].{}", f.field), f.message)).collect()
    };
    match e {
        ApiError::Validation(errs) => ApiError::Validation(rename(errs)),
        ApiError::MissingRefs(errs) => ApiError::MissingRefs(rename(errs)),
        other => other,
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProject {
    #[schema(min_length = 1, max_length = 200)]
    pub project_name: String,
    #[schema(max_length = 2000)]
    pub description: Option<String>,
    /// `YYYY-MM-DD`.
    pub deadline: Option<String>,
    #[schema(minimum = 0)]
    pub budget: Option<i64>,
}

async fn add_project(
    State(s): State<AppState>,
    p: Principal,
    IdPath(id): IdPath,
    ApiJson(b): ApiJson<NewProject>,
) -> Result<Response, ApiError> {
    p.require(Permission::HrManage)?;
    let scope = p.scope()?;
    let mut v = Violations::new();
    let name = v.text("project_name", &b.project_name, 1, 200);
    let description = v.opt_text("description", b.description.as_deref(), 2000);
    let deadline = v.date("deadline", b.deadline.as_deref());
    let budget = v.range("budget", b.budget.unwrap_or(0), 0, kasir_domain::MAX_MONEY);
    v.finish().map_err(ApiError::Validation)?;
    let mut tx = s.db.begin(p.actor()).await?;
    let f: Freelancer =
        find_ref(&mut tx, &FREELANCERS, &scope, "id", &id, "freelancer").await.map_err(|e| match e {
            ApiError::MissingRefs(_) => ApiError::NotFound,
            other => other,
        })?;
    let values = [
        ("freelancer_id", Value::from(f.id)),
        ("project_name", Value::from(name)),
        ("description", Value::Text(description)),
        ("deadline", Value::Text(deadline)),
        ("budget", Value::from(budget)),
        ("status", Value::from(kasir_domain::workforce::ProjectStatus::Open.as_str())),
    ];
    let project: Project = crud::create(&mut tx, &PROJECTS, &scope, &kasir_domain::ids::new_id(), &values).await?;
    tx.commit().await?;
    Ok(created(project))
}

async fn projects(State(s): State<AppState>, p: Principal, IdPath(id): IdPath) -> Result<Response, ApiError> {
    p.require(Permission::HrManage)?;
    let scope = p.scope()?;
    let f: Freelancer = crud::get(&s.db, &FREELANCERS, &scope, &id).await.map_err(|e| match e {
        StoreError::NotFound => ApiError::NotFound,
        other => other.into(),
    })?;
    let q = crud::ListQuery {
        per_page: 200,
        filters: vec![("freelancer_id".into(), Value::from(f.id))],
        ..Default::default()
    };
    Ok(ok(crud::list::<Project>(&s.db, &PROJECTS, &Scope::tenant(&scope.tenant_id), &q).await?.items))
}

/// The daily jobs: rostered no-shows of the day before marked absent (at 04:00, when every shift
/// that started that day has begun), and pending leave whose first day has come rejected (00:05);
/// each in the tenant's time zone.
pub fn register_jobs(jobs: &Jobs, state: &AppState) {
    let weak: Weak<Inner> = std::sync::Arc::downgrade(&state.0);
    let w = weak.clone();
    jobs.register(JobKind::MarkAbsent.as_str(), move |ctx| {
        let w = w.clone();
        async move {
            let (Some(inner), Some(tenant)) = (w.upgrade(), ctx.tenant_id.clone()) else { return Ok(()) };
            let today = tenant_today(&inner.db, &tenant).await?;
            let yesterday = today.yesterday().map_err(anyhow::Error::from)?;
            let n = clock::mark_absent(&inner.db, &tenant, &yesterday.to_string())
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            tracing::info!(tenant_id = %tenant, marked = n, "no-shows marked absent");
            Ok(())
        }
    });
    jobs.register(JobKind::RejectStaleLeave.as_str(), move |ctx| {
        let w = weak.clone();
        async move {
            let (Some(inner), Some(tenant)) = (w.upgrade(), ctx.tenant_id.clone()) else { return Ok(()) };
            let today = tenant_today(&inner.db, &tenant).await?;
            let n = leaving::reject_stale(&inner.db, &tenant, &today.to_string())
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            tracing::info!(tenant_id = %tenant, rejected = n, "undecided leave rejected");
            Ok(())
        }
    });
    jobs.schedule(Schedule::new(JobKind::MarkAbsent.as_str(), Every::DailyAt { hour: 4, minute: 0 }));
    jobs.schedule(Schedule::new(JobKind::RejectStaleLeave.as_str(), Every::DailyAt { hour: 0, minute: 5 }));
}

/// Today on the tenant's calendar.
async fn tenant_today(db: &kasir_store::Db, tenant_id: &str) -> anyhow::Result<jiff::civil::Date> {
    let (zone, _) = kasir_store::workforce::attendance_settings(db, tenant_id).await?;
    Ok(kasir_domain::time::outlet_clock(jiff::Timestamp::now(), &zone).date.parse()?)
}
