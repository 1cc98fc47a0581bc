//! `/leave` and `/permits`: applying (for oneself, or by a manager or HR for someone), the lists,
//! approval by the employee's manager or `hr.manage`, cancelling, balances and history, and
//! collective leave for everyone.

use axum::{extract::State, response::Response};
use kasir_domain::{
    workforce::{parse_time, PermitType, RequestStatus},
    Permission, Violations,
};
use kasir_store::{
    crud,
    workforce::{
        leave::{self, LeaveRequest, Permit, LEAVE_REQUESTS, PERMITS},
        Employee,
    },
    Scope,
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::{
    leaving::{self, Application, Collective, Decision, PermitApplication},
    people,
};
use crate::{
    api::{
        created, fields, ok, ok_list,
        openapi::{ApiRouter, Method, Op},
        ApiError, ApiJson, ApiQuery, IdPath,
    },
    auth::Principal,
    state::AppState,
};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyLeave {
    /// Leave out to apply for yourself.
    #[schema(format = Uuid)]
    pub employee_id: Option<String>,
    #[schema(format = Uuid)]
    pub leave_type_id: String,
    /// `YYYY-MM-DD`.
    pub start_date: String,
    pub end_date: String,
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
    /// Files uploaded with `POST /files` (a doctor's note).
    #[schema(max_items = 10)]
    pub document_file_ids: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CollectiveLeave {
    /// A leave type of kind `collective`.
    #[schema(format = Uuid)]
    pub leave_type_id: String,
    pub start_date: String,
    pub end_date: String,
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Approve,
    Reject,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    pub action: Action,
    #[schema(max_length = 1000)]
    pub notes: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyPermit {
    #[schema(format = Uuid)]
    pub employee_id: Option<String>,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// `HH:MM`, before `end_time`.
    pub start_time: String,
    pub end_time: String,
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
    /// `sick`, `personal` or `official`.
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RequestQuery {
    /// `pending`, `approved`, `rejected` or `cancelled`.
    #[param(inline, value_type = Option<String>, pattern = "^(pending|approved|rejected|cancelled)$")]
    pub status: Option<String>,
    #[param(format = Uuid)]
    pub employee_id: Option<String>,
    #[param(format = Date)]
    pub from: Option<String>,
    #[param(format = Date)]
    pub to: Option<String>,
    #[param(minimum = 1, maximum = 1_000_000)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<i64>,
}

/// One kind of leave in a balance (the schema of `kasir_domain::workforce::LeaveDays`).
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct LeaveBalance {
    pub total: i64,
    pub used: i64,
    pub pending: i64,
    pub remaining: i64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct BalanceQuery {
    /// Default: this year.
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i64>,
}

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    api.route(
        Method::Post,
        "/leave/apply",
        apply,
        Op::new("workforce", "Apply for leave (working days held against the year's balance)")
            .body::<ApplyLeave>()
            .created::<LeaveRequest>()
            .errors(&[403, 404, 422]),
    )
    .route(
        Method::Post,
        "/leave/collective",
        collective,
        Op::new("workforce", "Collective leave: applied to and approved for every active employee (hr.manage)")
            .body::<CollectiveLeave>()
            .created::<Collective>()
            .errors(&[404]),
    )
    .route(
        Method::Get,
        "/leave",
        list,
        Op::new("workforce", "Leave requests (yours and your reports'; everyone's with hr.manage)")
            .query::<RequestQuery>()
            .ok_list::<LeaveRequest>(),
    )
    .route(
        Method::Post,
        "/leave/{id}/approval",
        approve,
        Op::new("workforce", "Approve or reject a leave request (the employee's manager, or hr.manage)")
            .path_id("id")
            .body::<Approval>()
            .ok::<LeaveRequest>()
            .errors(&[404, 422]),
    )
    .route(
        Method::Post,
        "/leave/{id}/cancel",
        cancel,
        Op::new("workforce", "Cancel a pending or approved leave (its days go back)")
            .path_id("id")
            .ok::<LeaveRequest>()
            .errors(&[404, 422]),
    )
    .route(
        Method::Get,
        "/leave/balance/{employee_id}",
        balance,
        Op::new("workforce", "An employee's leave balance by kind: total, used, pending, remaining")
            .path_id("employee_id")
            .query::<BalanceQuery>()
            .ok::<std::collections::BTreeMap<String, LeaveBalance>>()
            .errors(&[404]),
    )
    .route(
        Method::Get,
        "/leave/history/{employee_id}",
        history,
        Op::new("workforce", "An employee's leave requests, latest first")
            .path_id("employee_id")
            .ok_array::<LeaveRequest>()
            .errors(&[404]),
    )
    .route(
        Method::Post,
        "/permits/apply",
        apply_permit,
        Op::new("workforce", "Ask for a permit (hours within a day)")
            .body::<ApplyPermit>()
            .created::<Permit>()
            .errors(&[403, 404]),
    )
    .route(
        Method::Get,
        "/permits",
        permits,
        Op::new("workforce", "Permits (yours and your reports'; everyone's with hr.manage)")
            .query::<RequestQuery>()
            .ok_list::<Permit>(),
    )
    .route(
        Method::Post,
        "/permits/{id}/approval",
        approve_permit,
        Op::new("workforce", "Approve or reject a permit")
            .path_id("id")
            .body::<Approval>()
            .ok::<Permit>()
            .errors(&[404, 422]),
    )
    .route(
        Method::Post,
        "/permits/{id}/cancel",
        cancel_permit,
        Op::new("workforce", "Cancel a permit").path_id("id").ok::<Permit>().errors(&[404, 422]),
    )
}

fn dates(v: &mut Violations, start: &str, end: &str) -> (jiff::civil::Date, jiff::civil::Date) {
    let s = leaving::date(v, "start_date", start);
    let e = leaving::date(v, "end_date", end);
    let fallback = jiff::civil::date(2000, 1, 1);
    (s.unwrap_or(fallback), e.unwrap_or(fallback))
}

fn files(v: &mut Violations, raw: Option<&[String]>) -> Vec<String> {
    let raw = raw.unwrap_or_default();
    if raw.len() > 10 {
        v.add("document_file_ids", "must have at most 10 files");
    }
    raw.iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let id = kasir_domain::ids::parse_id(f);
            if id.is_none() {
                v.add(format!("document_file_ids[{i}]"), "must be a UUID");
            }
            id
        })
        .collect()
}

async fn apply(State(s): State<AppState>, p: Principal, ApiJson(b): ApiJson<ApplyLeave>) -> Result<Response, ApiError> {
    let mut v = Violations::new();
    let (start, end) = dates(&mut v, &b.start_date, &b.end_date);
    let reason = v.text("reason", &b.reason, 1, 1000);
    let document_file_ids = files(&mut v, b.document_file_ids.as_deref());
    v.finish().map_err(ApiError::Validation)?;
    let employee = people::acting_for(&s.db, &p, b.employee_id.as_deref()).await?;
    let a = Application { leave_type_id: b.leave_type_id, start, end, reason, document_file_ids };
    Ok(created(leaving::apply(&s.db, p.actor(), &employee, &a).await?))
}

async fn collective(
    State(s): State<AppState>,
    p: Principal,
    ApiJson(b): ApiJson<CollectiveLeave>,
) -> Result<Response, ApiError> {
    p.require(Permission::HrManage)?;
    let mut v = Violations::new();
    let (start, end) = dates(&mut v, &b.start_date, &b.end_date);
    let reason = v.text("reason", &b.reason, 1, 1000);
    v.finish().map_err(ApiError::Validation)?;
    let a = Application { leave_type_id: b.leave_type_id, start, end, reason, document_file_ids: Vec::new() };
    Ok(created(leaving::collective(&s.db, p.actor(), &p.scope()?.tenant_id, &a).await?))
}

/// The request filter of a list: the caller's visible employees, narrowed as asked.
async fn filter(s: &AppState, p: &Principal, q: &RequestQuery) -> Result<(leave::Filter, i64, i64), ApiError> {
    let mut v = Violations::new();
    let (page, per_page) = fields::paging_in(&mut v, q.page, q.per_page);
    let from = v.date("from", q.from.as_deref());
    let to = v.date("to", q.to.as_deref());
    let employee_id = q
        .employee_id
        .as_deref()
        .and_then(|raw| v.parsed("employee_id", kasir_domain::ids::parse_id(raw).ok_or("must be a UUID")));
    let status = q.status.as_deref().and_then(|raw| {
        v.parsed(
            "status",
            RequestStatus::parse(raw)
                .map(|s| s.as_str().to_string())
                .ok_or("must be pending, approved, rejected or cancelled"),
        )
    });
    v.finish().map_err(ApiError::Validation)?;
    let visible = people::visible(&s.db, p).await?;
    let f = leave::Filter {
        tenant_id: p.scope()?.tenant_id,
        employee_ids: people::narrowed(visible, employee_id),
        status,
        from,
        to,
    };
    Ok((f, page, per_page))
}

async fn list(
    State(s): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<RequestQuery>,
) -> Result<Response, ApiError> {
    let (f, page, per_page) = filter(&s, &p, &q).await?;
    let (items, total) = leave::list(&s.db, &f, page, per_page).await?;
    Ok(ok_list(items, page, per_page, total))
}

/// A request of an employee: a leave request or a permit.
trait OfEmployee: for<'r> kasir_store::FromRow<'r, kasir_store::AnyRow> + Send + Unpin {
    const DEF: &'static crud::ResourceDef;
    fn employee_id(&self) -> &str;
}

impl OfEmployee for LeaveRequest {
    const DEF: &'static crud::ResourceDef = &LEAVE_REQUESTS;
    fn employee_id(&self) -> &str {
        &self.employee_id
    }
}

impl OfEmployee for Permit {
    const DEF: &'static crud::ResourceDef = &PERMITS;
    fn employee_id(&self) -> &str {
        &self.employee_id
    }
}

/// A request the caller may see (404 otherwise) and its employee.
async fn request<R: OfEmployee>(s: &AppState, p: &Principal, id: &str) -> Result<(R, Employee), ApiError> {
    let scope = Scope::tenant(p.scope()?.tenant_id);
    let r: R = crud::get(&s.db, R::DEF, &scope, id).await?;
    let employee = people::employee(&s.db, &scope, r.employee_id()).await?;
    let mine = people::me(&s.db, p).await?;
    if !people::may_act(p, mine.as_ref(), &employee) {
        return Err(ApiError::NotFound);
    }
    Ok((r, employee))
}

/// A decision the caller may make on `id`: its request, the decision and the notes.
async fn decision<R: OfEmployee>(
    s: &AppState,
    p: &Principal,
    id: &str,
    b: Approval,
) -> Result<(R, Decision, Option<String>), ApiError> {
    let mut v = Violations::new();
    let notes = v.opt_text("notes", b.notes.as_deref(), 1000);
    v.finish().map_err(ApiError::Validation)?;
    let (r, employee) = request::<R>(s, p, id).await?;
    people::may_decide(p, people::me(&s.db, p).await?.as_ref(), &employee)?;
    let decision = match b.action {
        Action::Approve => Decision::Approve,
        Action::Reject => Decision::Reject,
    };
    Ok((r, decision, notes))
}

async fn approve(
    State(s): State<AppState>,
    p: Principal,
    IdPath(id): IdPath,
    ApiJson(b): ApiJson<Approval>,
) -> Result<Response, ApiError> {
    let (r, decision, notes) = decision::<LeaveRequest>(&s, &p, &id, b).await?;
    Ok(ok(leaving::decide(&s.db, p.actor(), &r, decision, notes).await?))
}

async fn cancel(State(s): State<AppState>, p: Principal, IdPath(id): IdPath) -> Result<Response, ApiError> {
    let (r, _) = request::<LeaveRequest>(&s, &p, &id).await?;
    Ok(ok(leaving::decide(&s.db, p.actor(), &r, Decision::Cancel, None).await?))
}

async fn balance(
    State(s): State<AppState>,
    p: Principal,
    IdPath(id): IdPath,
    ApiQuery(q): ApiQuery<BalanceQuery>,
) -> Result<Response, ApiError> {
    let mut v = Violations::new();
    let year = q.year.map(|y| v.range("year", y, 2000, 2100));
    v.finish().map_err(ApiError::Validation)?;
    let employee = people::acting_for(&s.db, &p, Some(&id)).await?;
    let year = match year {
        Some(y) => y,
        None => {
            let (zone, _) = kasir_store::workforce::attendance_settings(&s.db, &employee.tenant_id).await?;
            let today = kasir_domain::time::outlet_clock(jiff::Timestamp::now(), &zone).date;
            today[..4].parse().unwrap_or(2000)
        }
    };
    Ok(ok(leaving::balances(&s.db, &employee, year).await?))
}

async fn history(State(s): State<AppState>, p: Principal, IdPath(id): IdPath) -> Result<Response, ApiError> {
    let employee = people::acting_for(&s.db, &p, Some(&id)).await?;
    let f = leave::Filter {
        tenant_id: employee.tenant_id.clone(),
        employee_ids: Some(vec![employee.id]),
        ..Default::default()
    };
    let (items, _) = leave::list(&s.db, &f, 1, 200).await?;
    Ok(ok(items))
}

async fn apply_permit(
    State(s): State<AppState>,
    p: Principal,
    ApiJson(b): ApiJson<ApplyPermit>,
) -> Result<Response, ApiError> {
    let mut v = Violations::new();
    let date = leaving::date(&mut v, "date", &b.date);
    let start = parse_time(&b.start_time);
    let end = parse_time(&b.end_time);
    if start.is_none() {
        v.add("start_time", "must be a time, HH:MM");
    }
    if end.is_none() {
        v.add("end_time", "must be a time, HH:MM");
    }
    if let (Some(a), Some(z)) = (start, end) {
        if z <= a {
            v.add("end_time", "must be after start_time (a permit is hours within one day)");
        }
    }
    let reason = v.text("reason", &b.reason, 1, 1000);
    if PermitType::parse(&b.kind).is_none() {
        v.add("type", "must be sick, personal or official");
    }
    v.finish().map_err(ApiError::Validation)?;
    let employee = people::acting_for(&s.db, &p, b.employee_id.as_deref()).await?;
    let hm = |t: Option<jiff::civil::Time>| t.map(|t| t.strftime("%H:%M").to_string()).unwrap_or_default();
    let a = PermitApplication {
        date: date.unwrap_or(jiff::civil::date(2000, 1, 1)),
        start_time: hm(start),
        end_time: hm(end),
        reason,
        kind: b.kind,
    };
    Ok(created(leaving::apply_permit(&s.db, p.actor(), &employee, a).await?))
}

async fn permits(
    State(s): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<RequestQuery>,
) -> Result<Response, ApiError> {
    let (f, page, per_page) = filter(&s, &p, &q).await?;
    let (items, total) = leave::permits(&s.db, &f, page, per_page).await?;
    Ok(ok_list(items, page, per_page, total))
}

async fn approve_permit(
    State(s): State<AppState>,
    p: Principal,
    IdPath(id): IdPath,
    ApiJson(b): ApiJson<Approval>,
) -> Result<Response, ApiError> {
    let (r, decision, notes) = decision::<Permit>(&s, &p, &id, b).await?;
    Ok(ok(leaving::decide_permit(&s.db, p.actor(), &r, decision, notes).await?))
}

async fn cancel_permit(State(s): State<AppState>, p: Principal, IdPath(id): IdPath) -> Result<Response, ApiError> {
    let (r, _) = request::<Permit>(&s, &p, &id).await?;
    Ok(ok(leaving::decide_permit(&s.db, p.actor(), &r, Decision::Cancel, None).await?))
}
