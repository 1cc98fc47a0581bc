//! Workforce records (issue 18): the plain resources (departments, positions, employees, work
//! shifts, rosters, holidays, attendance places, leave types, advances, deductions, freelancers
//! and their projects) and the records the workforce operations write through the same
//! mechanism (attendance, leave balances and requests, permits), so that every change is in the
//! change feed and the audit log. The queries of those operations are in [`attendance`] and
//! [`leave`].

pub mod attendance;
pub mod leave;

use kasir_domain::workforce::Degrees;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    crud::{ColType::*, Column, OutletScope, ResourceDef},
    JsonText,
};

const fn def(entity: &'static str, table: &'static str, columns: &'static [Column]) -> ResourceDef {
    ResourceDef {
        entity,
        table,
        columns,
        outlet_scope: OutletScope::None,
        base_filter: None,
        search_codes: false,
        counted: false,
    }
}

pub static DEPARTMENTS: ResourceDef = def(
    "department",
    "departments",
    &[
        Column::new("name", Text).sort().search(),
        Column::new("name_key", Text),
        Column::new("parent_id", Text).filter(),
    ],
);

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Department {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub name: String,
    #[serde(skip)]
    #[schema(ignore)]
    pub name_key: String,
    /// The department this one is part of.
    #[schema(format = Uuid)]
    pub parent_id: Option<String>,
}
crate::impl_record!(Department);

pub static POSITIONS: ResourceDef = def(
    "position",
    "positions",
    &[Column::new("name", Text).sort().search(), Column::new("department_id", Text).filter()],
);

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Position {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub name: String,
    #[schema(format = Uuid)]
    pub department_id: Option<String>,
}
crate::impl_record!(Position);

pub static EMPLOYEES: ResourceDef = def(
    "employee",
    "employees",
    &[
        Column::new("user_id", Text).filter(),
        Column::new("code", Text).sort().search(),
        Column::new("code_key", Text),
        Column::new("name", Text).sort().search(),
        Column::new("email", Text).search(),
        Column::new("phone", Text).search(),
        Column::new("department_id", Text).filter(),
        Column::new("position_id", Text).filter(),
        Column::new("manager_id", Text).filter(),
        Column::new("outlet_ids", Json),
        Column::new("join_date", Text).sort(),
        Column::new("status", Text).filter().sort(),
    ],
);

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Employee {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    /// The login this employee uses, if any.
    #[schema(format = Uuid)]
    pub user_id: Option<String>,
    pub code: String,
    #[serde(skip)]
    #[schema(ignore)]
    pub code_key: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    #[schema(format = Uuid)]
    pub department_id: Option<String>,
    #[schema(format = Uuid)]
    pub position_id: Option<String>,
    /// Who approves this employee's leave and permits.
    #[schema(format = Uuid)]
    pub manager_id: Option<String>,
    #[sqlx(try_from = "String")]
    #[schema(value_type = Vec<String>)]
    pub outlet_ids: JsonText<Vec<String>>,
    pub join_date: Option<String>,
    /// `active` or `inactive`.
    pub status: String,
}
crate::impl_record!(Employee);

pub static WORK_SHIFTS: ResourceDef = def(
    "work_shift",
    "work_shifts",
    &[
        Column::new("name", Text).sort().search(),
        Column::new("start_time", Text).sort(),
        Column::new("end_time", Text),
        Column::new("grace_minutes", Int),
    ],
);

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct WorkShift {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub name: String,
    /// `HH:MM`.
    pub start_time: String,
    /// `HH:MM`; at or before the start, the shift ends the next day.
    pub end_time: String,
    /// Minutes after the start a check-in is still on time.
    pub grace_minutes: i64,
}
crate::impl_record!(WorkShift);

pub static ROSTERS: ResourceDef = def(
    "roster",
    "rosters",
    &[
        Column::new("employee_id", Text).filter(),
        Column::new("date", Text).filter().sort(),
        Column::new("work_shift_id", Text).filter(),
    ],
);

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Roster {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    #[schema(format = Uuid)]
    pub employee_id: String,
    /// The day the shift starts.
    pub date: String,
    #[schema(format = Uuid)]
    pub work_shift_id: String,
}
crate::impl_record!(Roster);

pub static HOLIDAYS: ResourceDef =
    def("holiday", "holidays", &[Column::new("date", Text).filter().sort(), Column::new("name", Text).search()]);

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Holiday {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub date: String,
    pub name: String,
}
crate::impl_record!(Holiday);

pub static LOCATIONS: ResourceDef = def(
    "attendance_location",
    "attendance_locations",
    &[
        Column::new("name", Text).sort().search(),
        Column::new("latitude", Int),
        Column::new("longitude", Int),
        Column::new("radius_m", Int),
    ],
);

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Location {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub name: String,
    #[sqlx(try_from = "i64")]
    #[schema(value_type = f64)]
    pub latitude: Degrees,
    #[sqlx(try_from = "i64")]
    #[schema(value_type = f64)]
    pub longitude: Degrees,
    /// How far from the point a check-in may be, in metres.
    pub radius_m: i64,
}
crate::impl_record!(Location);

pub static LEAVE_TYPES: ResourceDef = def(
    "leave_type",
    "leave_types",
    &[
        Column::new("name", Text).sort().search(),
        Column::new("kind", Text).filter(),
        Column::new("days_per_year", Int),
        Column::new("requires_document", Bool),
    ],
);

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct LeaveType {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub name: String,
    /// `annual`, `special` or `collective`.
    pub kind: String,
    pub days_per_year: i64,
    #[sqlx(try_from = "i64")]
    #[schema(value_type = bool)]
    pub requires_document: crate::Flag,
}
crate::impl_record!(LeaveType);

pub static ADVANCES: ResourceDef = def(
    "employee_advance",
    "employee_advances",
    &[
        Column::new("employee_id", Text).filter(),
        Column::new("amount", Int).sort(),
        Column::new("date", Text).filter().sort(),
        Column::new("note", Text).search(),
    ],
);

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Advance {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    #[schema(format = Uuid)]
    pub employee_id: String,
    /// Minor units.
    pub amount: i64,
    pub date: String,
    pub note: Option<String>,
}
crate::impl_record!(Advance);

pub static DEDUCTIONS: ResourceDef = def(
    "employee_deduction",
    "employee_deductions",
    &[
        Column::new("employee_id", Text).filter(),
        Column::new("amount", Int).sort(),
        Column::new("date", Text).filter().sort(),
        Column::new("reason", Text).search(),
    ],
);

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Deduction {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    #[schema(format = Uuid)]
    pub employee_id: String,
    /// Minor units.
    pub amount: i64,
    pub date: String,
    pub reason: String,
}
crate::impl_record!(Deduction);

pub static FREELANCERS: ResourceDef = def(
    "freelancer",
    "freelancers",
    &[
        Column::new("name", Text).sort().search(),
        Column::new("email", Text).search(),
        Column::new("skills", Json),
        Column::new("hourly_rate", Int).sort(),
        Column::new("portfolio", Text),
    ],
);

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Freelancer {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub name: String,
    pub email: Option<String>,
    #[sqlx(try_from = "String")]
    #[schema(value_type = Vec<String>)]
    pub skills: JsonText<Vec<String>>,
    /// Minor units an hour.
    pub hourly_rate: i64,
    /// A link to their work.
    pub portfolio: Option<String>,
}
crate::impl_record!(Freelancer);

pub static PROJECTS: ResourceDef = def(
    "freelancer_project",
    "freelancer_projects",
    &[
        Column::new("freelancer_id", Text).filter(),
        Column::new("project_name", Text).sort().search(),
        Column::new("description", Text),
        Column::new("deadline", Text).sort(),
        Column::new("budget", Int),
        Column::new("status", Text).filter(),
    ],
);

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Project {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    #[schema(format = Uuid)]
    pub freelancer_id: String,
    pub project_name: String,
    pub description: Option<String>,
    pub deadline: Option<String>,
    /// Minor units.
    pub budget: i64,
    /// `open`, `in_progress`, `done` or `cancelled`.
    pub status: String,
}
crate::impl_record!(Project);

/// The tenant's employee whose login is `user_id`.
#[tracing::instrument(skip_all)]
pub async fn by_user(db: &crate::Db, tenant_id: &str, user_id: &str) -> crate::Result<Option<Employee>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {} FROM employees WHERE tenant_id = $1 AND user_id = $2 AND deleted_at IS NULL",
        EMPLOYEES.select_list()
    ))
    .bind(tenant_id)
    .bind(user_id)
    .fetch_optional(db.reader())
    .await?)
}

/// The ids of the employees who report to `manager_id`.
#[tracing::instrument(skip_all)]
pub async fn reports(db: &crate::Db, manager_id: &str) -> crate::Result<Vec<String>> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT id FROM employees WHERE manager_id = $1 AND deleted_at IS NULL ORDER BY code, id")
            .bind(manager_id)
            .fetch_all(db.reader())
            .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Locks an employee's row: a person's leave requests are decided one at a time.
#[tracing::instrument(skip_all)]
pub async fn lock_employee(tx: &mut crate::Tx, id: &str) -> crate::Result<()> {
    if tx.backend() == crate::Backend::Postgres {
        sqlx::query("SELECT id FROM employees WHERE id = $1 FOR UPDATE").bind(id).execute(&mut **tx).await?;
    }
    Ok(())
}

/// The tenant's active employees.
#[tracing::instrument(skip_all)]
pub async fn active(db: &crate::Db, tenant_id: &str) -> crate::Result<Vec<Employee>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {} FROM employees WHERE tenant_id = $1 AND deleted_at IS NULL AND status = 'active' ORDER BY code, id",
        EMPLOYEES.select_list()
    ))
    .bind(tenant_id)
    .fetch_all(db.reader())
    .await?)
}

/// The tenant's attendance places.
#[tracing::instrument(skip_all)]
pub async fn locations(db: &crate::Db, tenant_id: &str) -> crate::Result<Vec<Location>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {} FROM attendance_locations WHERE tenant_id = $1 AND deleted_at IS NULL ORDER BY name, id",
        LOCATIONS.select_list()
    ))
    .bind(tenant_id)
    .fetch_all(db.reader())
    .await?)
}

/// The tenant's time zone and whether a check-in needs a photo.
#[tracing::instrument(skip_all)]
pub async fn attendance_settings(db: &crate::Db, tenant_id: &str) -> crate::Result<(String, bool)> {
    let row: Option<(String, i64)> =
        sqlx::query_as("SELECT timezone, attendance_photo_required FROM tenants WHERE id = $1")
            .bind(tenant_id)
            .fetch_optional(db.reader())
            .await?;
    let (zone, photo) = row.ok_or(crate::StoreError::NotFound)?;
    Ok((zone, photo != 0))
}

/// A department and its ancestors, nearest first.
#[tracing::instrument(skip_all)]
pub async fn department_lineage(tx: &mut crate::Tx, id: &str) -> crate::Result<Vec<String>> {
    chain(tx, "SELECT parent_id FROM departments WHERE id = $1", id).await
}

/// An employee and the managers above them, nearest first.
#[tracing::instrument(skip_all)]
pub async fn management_chain(tx: &mut crate::Tx, id: &str) -> crate::Result<Vec<String>> {
    chain(tx, "SELECT manager_id FROM employees WHERE id = $1", id).await
}

/// Follows `next` (a query of one row's parent) from `id` up (at most 100 steps: a cycle ends it).
async fn chain(tx: &mut crate::Tx, next: &str, id: &str) -> crate::Result<Vec<String>> {
    let mut out = vec![id.to_string()];
    while out.len() < 100 {
        let last = out.last().cloned().unwrap_or_default();
        let up: Option<(Option<String>,)> = sqlx::query_as(next).bind(&last).fetch_optional(&mut **tx).await?;
        match up.and_then(|(p,)| p) {
            Some(p) if !out.contains(&p) => out.push(p),
            _ => break,
        }
    }
    Ok(out)
}

/// The live roster row of an employee's day, if any.
#[tracing::instrument(skip_all)]
pub async fn roster_on(
    tx: &mut crate::Tx,
    employee_id: &crate::Value,
    date: &crate::Value,
) -> crate::Result<Option<String>> {
    let mut sql = crate::sql::Sql::new("SELECT id FROM rosters WHERE deleted_at IS NULL AND employee_id = ");
    sql.bind(employee_id.clone()).push(" AND date = ").bind(date.clone());
    let row: Option<(String,)> = sql.query_as().fetch_optional(&mut **tx).await?;
    Ok(row.map(|(id,)| id))
}
