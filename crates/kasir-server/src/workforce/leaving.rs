//! Leave and permits. Applying counts the working days (weekends and the tenant's holidays left
//! out), refuses an overlap with the employee's pending or approved leave, and holds the days
//! against the year's balance; approving moves them from pending to used and marks the days
//! `leave` in attendance; rejecting, cancelling and the daily job that rejects requests whose
//! first day passed undecided give them back. Each of these changes the request and its balance
//! together, with the employee's and the balance's rows locked, so that the balance always
//! equals the sum of its requests and concurrent applications can never overdraw it.

use jiff::civil::Date;
use kasir_domain::{
    workforce::{working_days, AttendanceStatus, LeaveDays, LeaveKind, RequestStatus},
    ErrorCode, FieldError, Violations,
};
use kasir_store::{
    crud,
    workforce::{
        attendance::{self, Attendance, ATTENDANCE},
        leave::{self, Balance, LeaveRequest, Permit, BALANCES, LEAVE_REQUESTS, PERMITS},
        Employee, LeaveType, LEAVE_TYPES,
    },
    Actor, Db, Scope, StoreError, Tx, Value,
};
use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;

use crate::api::{rule, ApiError};

/// A leave application, checked.
pub struct Application {
    pub leave_type_id: String,
    pub start: Date,
    pub end: Date,
    pub reason: String,
    pub document_file_ids: Vec<String>,
}

/// Parses `YYYY-MM-DD`.
pub fn date(v: &mut Violations, field: &str, raw: &str) -> Option<Date> {
    let d = kasir_domain::time::parse_date(raw).and_then(|d| d.parse().ok());
    if d.is_none() {
        v.add(field, "must be a date, YYYY-MM-DD");
    }
    d
}

async fn leave_type(db: &Db, tenant_id: &str, id: &str) -> Result<LeaveType, ApiError> {
    let id = kasir_domain::ids::parse_id(id).ok_or_else(|| ApiError::field("leave_type_id", "must be a UUID"))?;
    crud::get(db, &LEAVE_TYPES, &Scope::tenant(tenant_id), &id).await.map_err(|e| match e {
        StoreError::NotFound => ApiError::MissingRefs(vec![FieldError::new("leave_type_id", "no such leave type")]),
        other => other.into(),
    })
}

/// The working days of a leave, with the tenant's holidays.
async fn days_of(db: &Db, tenant_id: &str, start: Date, end: Date) -> Result<i64, ApiError> {
    let holidays: Vec<Date> = leave::holidays(db, tenant_id, &start.to_string(), &end.to_string())
        .await?
        .iter()
        .filter_map(|d| d.parse().ok())
        .collect();
    Ok(working_days(start, end, &holidays))
}

/// The employee's balance row of a leave type and year, locked; made from the type's yearly
/// allocation when it has none yet.
async fn balance(tx: &mut Tx, employee: &Employee, t: &LeaveType, year: i64) -> Result<Balance, ApiError> {
    if let Some(b) = leave::balance_for_update(tx, &employee.id, &t.id, year).await? {
        return Ok(b);
    }
    let values = [
        ("employee_id", Value::from(employee.id.as_str())),
        ("leave_type_id", Value::from(t.id.as_str())),
        ("year", Value::Int(Some(year))),
        ("total", Value::Int(Some(t.days_per_year))),
        ("used", Value::Int(Some(0))),
        ("pending", Value::Int(Some(0))),
    ];
    let scope = Scope::tenant(&employee.tenant_id);
    Ok(crud::create(tx, &BALANCES, &scope, &kasir_domain::ids::new_id(), &values).await?)
}

/// Moves days between a balance's figures: `(pending, used)` change by these.
async fn shift(tx: &mut Tx, b: &Balance, pending: i64, used: i64) -> Result<(), ApiError> {
    let scope = Scope::tenant(&b.tenant_id);
    let after = LeaveDays::new(b.total, b.used, b.pending).plus(LeaveDays::new(0, used, pending));
    let values = [("pending", Value::Int(Some(after.pending))), ("used", Value::Int(Some(after.used)))];
    let _: Balance = crud::update(tx, &BALANCES, &scope, &b.id, Some(b.version), &values).await?;
    Ok(())
}

fn year_of(d: Date) -> i64 {
    i64::from(d.year())
}

/// Applies for leave for `employee` (pending, or approved at once for collective leave).
#[tracing::instrument(skip_all)]
pub async fn apply(db: &Db, actor: Actor, employee: &Employee, a: &Application) -> Result<LeaveRequest, ApiError> {
    let t = leave_type(db, &employee.tenant_id, &a.leave_type_id).await?;
    if a.end < a.start {
        return Err(ApiError::field("end_date", "must not be before start_date"));
    }
    if a.start.year() != a.end.year() {
        return Err(ApiError::field("end_date", "must be in the year of start_date (apply once for each year)"));
    }
    if t.requires_document.0 && a.document_file_ids.is_empty() {
        return Err(ApiError::field("document_file_ids", "this leave type needs a document"));
    }
    for (i, f) in a.document_file_ids.iter().enumerate() {
        let found = kasir_store::platform::files::get(db, f).await?;
        if found.is_none_or(|x| x.tenant_id.as_deref() != Some(employee.tenant_id.as_str())) {
            return Err(ApiError::MissingRefs(vec![FieldError::new(
                format!("document_file_ids[{i}]"),
                "no such file",
            )]));
        }
    }
    let days = days_of(db, &employee.tenant_id, a.start, a.end).await?;
    if days == 0 {
        return Err(ApiError::field("end_date", "the dates hold no working day"));
    }
    // Two applications that both find no balance row yet: the second makes it again and meets
    // the first's; it tries again and finds it.
    for _ in 0..3 {
        let mut tx = db.begin(actor.clone()).await?;
        match write_application(&mut tx, actor.id.clone(), employee, &t, a, days).await {
            Ok(r) => {
                tx.commit().await?;
                return Ok(r);
            }
            Err(ApiError::Conflict { .. }) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(ApiError::Busy)
}

async fn write_application(
    tx: &mut Tx,
    by: Option<String>,
    employee: &Employee,
    t: &LeaveType,
    a: &Application,
    days: i64,
) -> Result<LeaveRequest, ApiError> {
    kasir_store::workforce::lock_employee(tx, &employee.id).await?;
    if leave::overlaps(tx, &employee.id, &a.start.to_string(), &a.end.to_string()).await? {
        return Err(rule(ErrorCode::OverlappingLeave, "you have leave on some of these days already".into()));
    }
    let b = balance(tx, employee, t, year_of(a.start)).await?;
    let remaining = LeaveDays::new(b.total, b.used, b.pending).remaining;
    if days > remaining {
        return Err(rule(
            ErrorCode::InsufficientLeaveBalance,
            format!("this leave takes {days} working days; {remaining} are left of {} this year", t.name),
        ));
    }
    shift(tx, &b, days, 0).await?;
    let values = [
        ("employee_id", Value::from(employee.id.as_str())),
        ("leave_type_id", Value::from(t.id.as_str())),
        ("kind", Value::from(t.kind.as_str())),
        ("start_date", Value::from(a.start.to_string())),
        ("end_date", Value::from(a.end.to_string())),
        ("days", Value::Int(Some(days))),
        ("reason", Value::from(a.reason.as_str())),
        ("document_file_ids", Value::json(&a.document_file_ids)),
        ("status", Value::from(RequestStatus::Pending.as_str())),
        ("created_by", Value::Text(by)),
    ];
    let scope = Scope::tenant(&employee.tenant_id);
    match crud::create(tx, &LEAVE_REQUESTS, &scope, &kasir_domain::ids::new_id(), &values).await {
        Ok(r) => Ok(r),
        Err(StoreError::Conflict { field }) => Err(ApiError::conflict_field(&field, "was taken meanwhile")),
        Err(e) => Err(e.into()),
    }
}

/// What a decision does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Reject,
    Cancel,
}

/// Approves, rejects or cancels a request, with its balance (and, for approved leave, the
/// attendance days it marks).
#[tracing::instrument(skip_all)]
pub async fn decide(
    db: &Db,
    actor: Actor,
    request: &LeaveRequest,
    decision: Decision,
    notes: Option<String>,
) -> Result<LeaveRequest, ApiError> {
    let scope = Scope::tenant(&request.tenant_id);
    let mut tx = db.begin(actor.clone()).await?;
    kasir_store::workforce::lock_employee(&mut tx, &request.employee_id).await?;
    let current: LeaveRequest = crud::get_in(&mut tx, &LEAVE_REQUESTS, &scope, &request.id).await?;
    let from = RequestStatus::parse(&current.status)
        .ok_or_else(|| ApiError::Internal(format!("leave {} has status {}", current.id, current.status)))?;
    let to = match (from, decision) {
        (RequestStatus::Pending, Decision::Approve) => RequestStatus::Approved,
        (RequestStatus::Pending, Decision::Reject) => RequestStatus::Rejected,
        (RequestStatus::Pending | RequestStatus::Approved, Decision::Cancel) => RequestStatus::Cancelled,
        _ => {
            return Err(rule(ErrorCode::InvalidTransition, format!("a {} request cannot be changed so", from.as_str())))
        }
    };
    let t: LeaveType = crud::get_in(&mut tx, &LEAVE_TYPES, &scope, &current.leave_type_id).await?;
    let employee: Employee =
        crud::get_in(&mut tx, &kasir_store::workforce::EMPLOYEES, &scope, &current.employee_id).await?;
    let start: Date = current.start_date.parse().map_err(|e| ApiError::internal("a leave's start", e))?;
    let end: Date = current.end_date.parse().map_err(|e| ApiError::internal("a leave's end", e))?;
    let b = balance(&mut tx, &employee, &t, year_of(start)).await?;
    let days = current.days;
    match (from, to) {
        (RequestStatus::Pending, RequestStatus::Approved) => {
            shift(&mut tx, &b, -days, days).await?;
            mark_leave_days(&mut tx, db, &employee, start, end).await?;
        }
        (RequestStatus::Pending, _) => shift(&mut tx, &b, -days, 0).await?,
        (RequestStatus::Approved, _) => {
            shift(&mut tx, &b, 0, -days).await?;
            unmark_leave_days(&mut tx, &employee, start, end).await?;
        }
        _ => {}
    }
    let mut values = vec![("status", Value::from(to.as_str())), ("notes", Value::Text(notes))];
    if decision != Decision::Cancel {
        values.push(("decided_by", Value::Text(actor.id.clone())));
        values.push(("decided_at", Value::from(kasir_domain::time::now())));
    }
    let r: LeaveRequest =
        crud::update(&mut tx, &LEAVE_REQUESTS, &scope, &current.id, Some(current.version), &values).await?;
    tx.commit().await?;
    Ok(r)
}

/// Marks the working days of an approved leave `leave` in attendance (days with a row keep it).
async fn mark_leave_days(tx: &mut Tx, db: &Db, employee: &Employee, start: Date, end: Date) -> Result<(), ApiError> {
    let holidays: Vec<Date> = leave::holidays(db, &employee.tenant_id, &start.to_string(), &end.to_string())
        .await?
        .iter()
        .filter_map(|d| d.parse().ok())
        .collect();
    let scope = Scope::tenant(&employee.tenant_id);
    let mut d = start;
    while d <= end {
        if working_days(d, d, &holidays) == 1 && attendance::on_date(tx, &employee.id, &d.to_string()).await?.is_none()
        {
            let values = [
                ("employee_id", Value::from(employee.id.as_str())),
                ("date", Value::from(d.to_string())),
                ("status", Value::from(AttendanceStatus::Leave.as_str())),
                ("open", Value::Int(Some(0))),
            ];
            let _: Attendance = crud::create(tx, &ATTENDANCE, &scope, &kasir_domain::ids::new_id(), &values).await?;
        }
        d = d.tomorrow().map_err(|e| ApiError::internal("the next day", e))?;
    }
    Ok(())
}

/// Removes the `leave` days a cancelled leave had marked.
async fn unmark_leave_days(tx: &mut Tx, employee: &Employee, start: Date, end: Date) -> Result<(), ApiError> {
    let scope = Scope::tenant(&employee.tenant_id);
    let mut d = start;
    while d <= end {
        if let Some(a) = attendance::on_date(tx, &employee.id, &d.to_string()).await? {
            if AttendanceStatus::Leave.is(&a.status) {
                let _: Attendance = crud::soft_delete(tx, &ATTENDANCE, &scope, &a.id, None).await?;
            }
        }
        d = d.tomorrow().map_err(|e| ApiError::internal("the next day", e))?;
    }
    Ok(())
}

/// Collective leave: applied to, and approved for, every active employee of the tenant. Those
/// whose balance of the type is short, or who have leave on those days, are left out and named.
#[derive(Debug, Serialize, ToSchema)]
pub struct Collective {
    /// Requests made (approved).
    pub applied: Vec<LeaveRequest>,
    /// Employees left out, and why.
    pub skipped: Vec<Skipped>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Skipped {
    #[schema(format = Uuid)]
    pub employee_id: String,
    pub reason: String,
}

#[tracing::instrument(skip_all)]
pub async fn collective(db: &Db, actor: Actor, tenant_id: &str, a: &Application) -> Result<Collective, ApiError> {
    let t = leave_type(db, tenant_id, &a.leave_type_id).await?;
    if !LeaveKind::Collective.is(&t.kind) {
        return Err(ApiError::field("leave_type_id", "must be a leave type of kind collective"));
    }
    let mut out = Collective { applied: Vec::new(), skipped: Vec::new() };
    for e in kasir_store::workforce::active(db, tenant_id).await? {
        match apply(db, actor.clone(), &e, a).await {
            Ok(r) => out.applied.push(decide(db, actor.clone(), &r, Decision::Approve, None).await?),
            Err(ApiError::Rule { message, .. }) => out.skipped.push(Skipped { employee_id: e.id, reason: message }),
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

/// Rejects the tenant's pending requests whose first day is before `today`; how many.
#[tracing::instrument(skip_all)]
pub async fn reject_stale(db: &Db, tenant_id: &str, today: &str) -> Result<usize, ApiError> {
    let stale = leave::stale(db, tenant_id, today).await?;
    for r in &stale {
        let notes = Some("not decided before it began".to_string());
        match decide(db, Actor::system(), r, Decision::Reject, notes).await {
            // Decided meanwhile.
            Ok(_) | Err(ApiError::Rule { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(stale.len())
}

/// An employee's balance of `year` by kind: `{annual: {...}, special: {...}, collective: {...}}`.
pub async fn balances(db: &Db, employee: &Employee, year: i64) -> Result<BTreeMap<String, LeaveDays>, ApiError> {
    let mut out: BTreeMap<String, LeaveDays> =
        LeaveKind::ALL.iter().map(|k| (k.as_str().to_string(), LeaveDays::default())).collect();
    let mut add = |kind: &str, days: LeaveDays| {
        if let Some(k) = out.get_mut(kind) {
            *k = k.plus(days);
        }
    };
    // Types without a row yet count with their whole allocation.
    let q = crud::ListQuery { per_page: 200, ..Default::default() };
    let types: Vec<LeaveType> = crud::list(db, &LEAVE_TYPES, &Scope::tenant(&employee.tenant_id), &q).await?.items;
    let have = leave::balance_type_ids(db, &employee.id, year).await?;
    for t in types.iter().filter(|t| !have.contains(&t.id)) {
        add(&t.kind, LeaveDays::new(t.days_per_year, 0, 0));
    }
    for (kind, allowed, used, pending) in leave::balances(db, &employee.id, year).await? {
        add(&kind, LeaveDays::new(allowed, used, pending));
    }
    Ok(out)
}

/// A permit application, checked.
pub struct PermitApplication {
    pub date: Date,
    pub start_time: String,
    pub end_time: String,
    pub reason: String,
    pub kind: String,
}

#[tracing::instrument(skip_all)]
pub async fn apply_permit(
    db: &Db,
    actor: Actor,
    employee: &Employee,
    a: PermitApplication,
) -> Result<Permit, ApiError> {
    let values = [
        ("employee_id", Value::from(employee.id.as_str())),
        ("date", Value::from(a.date.to_string())),
        ("start_time", Value::from(a.start_time)),
        ("end_time", Value::from(a.end_time)),
        ("reason", Value::from(a.reason)),
        ("type", Value::from(a.kind)),
        ("status", Value::from(RequestStatus::Pending.as_str())),
        ("created_by", Value::Text(actor.id.clone())),
    ];
    let mut tx = db.begin(actor).await?;
    let p: Permit =
        crud::create(&mut tx, &PERMITS, &Scope::tenant(&employee.tenant_id), &kasir_domain::ids::new_id(), &values)
            .await?;
    tx.commit().await?;
    Ok(p)
}

/// Approves, rejects or cancels a permit.
#[tracing::instrument(skip_all)]
pub async fn decide_permit(
    db: &Db,
    actor: Actor,
    permit: &Permit,
    decision: Decision,
    notes: Option<String>,
) -> Result<Permit, ApiError> {
    let from = RequestStatus::parse(&permit.status)
        .ok_or_else(|| ApiError::Internal(format!("permit {} has status {}", permit.id, permit.status)))?;
    let to = match (from, decision) {
        (RequestStatus::Pending, Decision::Approve) => RequestStatus::Approved,
        (RequestStatus::Pending, Decision::Reject) => RequestStatus::Rejected,
        (RequestStatus::Pending | RequestStatus::Approved, Decision::Cancel) => RequestStatus::Cancelled,
        _ => {
            return Err(rule(ErrorCode::InvalidTransition, format!("a {} permit cannot be changed so", from.as_str())))
        }
    };
    let mut values = vec![("status", Value::from(to.as_str())), ("notes", Value::Text(notes))];
    if decision != Decision::Cancel {
        values.push(("decided_by", Value::Text(actor.id.clone())));
        values.push(("decided_at", Value::from(kasir_domain::time::now())));
    }
    let mut tx = db.begin(actor).await?;
    let p: Permit =
        crud::update(&mut tx, &PERMITS, &Scope::tenant(&permit.tenant_id), &permit.id, Some(permit.version), &values)
            .await?;
    tx.commit().await?;
    Ok(p)
}
