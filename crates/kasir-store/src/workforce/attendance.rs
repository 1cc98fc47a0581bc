//! Attendance rows (one per employee and day: a check-in and its check-out, or the day marked
//! absent or on leave) and the queries the attendance operations and the monthly report make.

use serde::{Serialize, Serializer};
use utoipa::ToSchema;

use super::def;
use crate::{
    crud::{ColType::*, Column, ResourceDef},
    sql::Sql,
    Backend, Db, Result, Tx,
};

pub static ATTENDANCE: ResourceDef = def(
    "attendance",
    "attendance",
    &[
        Column::new("employee_id", Text).filter(),
        Column::new("date", Text).filter().sort(),
        Column::new("status", Text).filter(),
        Column::new("work_shift_id", Text),
        Column::new("open", Int),
        Column::new("check_in_at", Text),
        Column::new("check_in_device_at", Text),
        Column::new("check_in_latitude", Int),
        Column::new("check_in_longitude", Int),
        Column::new("location_id", Text),
        Column::new("distance_m", Int),
        Column::new("photo_file_id", Text),
        Column::new("check_out_at", Text),
        Column::new("check_out_device_at", Text),
        Column::new("check_out_latitude", Int),
        Column::new("check_out_longitude", Int),
        Column::new("worked_minutes", Int),
    ],
);

/// Millionths of a degree, written as degrees.
fn degrees<S: Serializer>(v: &Option<i64>, s: S) -> std::result::Result<S::Ok, S::Error> {
    match v {
        Some(n) => s.serialize_f64(*n as f64 / 1e6),
        None => s.serialize_none(),
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Attendance {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    #[schema(format = Uuid)]
    pub employee_id: String,
    /// The day it counts for: a night shift's check-in after midnight counts for the day it started.
    pub date: String,
    /// `present`, `late`, `absent` or `leave`.
    pub status: String,
    #[schema(format = Uuid)]
    pub work_shift_id: Option<String>,
    #[serde(skip)]
    #[schema(ignore)]
    pub open: i64,
    /// The server's time of the check-in (it decides lateness).
    pub check_in_at: Option<String>,
    /// The time the device said, kept as it came.
    pub check_in_device_at: Option<String>,
    #[serde(serialize_with = "degrees")]
    #[schema(value_type = Option<f64>)]
    pub check_in_latitude: Option<i64>,
    #[serde(serialize_with = "degrees")]
    #[schema(value_type = Option<f64>)]
    pub check_in_longitude: Option<i64>,
    #[schema(format = Uuid)]
    pub location_id: Option<String>,
    /// Metres from the place checked in at.
    pub distance_m: Option<i64>,
    #[schema(format = Uuid)]
    pub photo_file_id: Option<String>,
    pub check_out_at: Option<String>,
    pub check_out_device_at: Option<String>,
    #[serde(serialize_with = "degrees")]
    #[schema(value_type = Option<f64>)]
    pub check_out_latitude: Option<i64>,
    #[serde(serialize_with = "degrees")]
    #[schema(value_type = Option<f64>)]
    pub check_out_longitude: Option<i64>,
    pub worked_minutes: Option<i64>,
}
crate::impl_record!(Attendance);

/// A rostered shift of an employee: its day and hours.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Rostered {
    pub date: String,
    pub work_shift_id: String,
    pub start_time: String,
    pub end_time: String,
    pub grace_minutes: i64,
}

/// The employee's rostered shifts on `dates`.
#[tracing::instrument(skip_all)]
pub async fn rostered(db: &Db, employee_id: &str, dates: &[String]) -> Result<Vec<Rostered>> {
    let mut sql = Sql::new(
        "SELECT r.date, r.work_shift_id, w.start_time, w.end_time, w.grace_minutes FROM rosters r
         JOIN work_shifts w ON w.id = r.work_shift_id
         WHERE r.deleted_at IS NULL AND r.employee_id = ",
    );
    sql.bind(employee_id).push(" AND r.date IN ").bind_list(dates).push(" ORDER BY r.date");
    Ok(sql.query_as().fetch_all(db.reader()).await?)
}

/// The employee's open check-in, locked for the check-out.
#[tracing::instrument(skip_all)]
pub async fn open_of(tx: &mut Tx, employee_id: &str) -> Result<Option<Attendance>> {
    let lock = if tx.backend() == Backend::Postgres { " FOR UPDATE" } else { "" };
    Ok(sqlx::query_as(&format!(
        "SELECT {} FROM attendance WHERE employee_id = $1 AND open = 1 AND deleted_at IS NULL{lock}",
        ATTENDANCE.select_list()
    ))
    .bind(employee_id)
    .fetch_optional(&mut **tx)
    .await?)
}

/// The employee's row for `date`, if any.
#[tracing::instrument(skip_all)]
pub async fn on_date(tx: &mut Tx, employee_id: &str, date: &str) -> Result<Option<Attendance>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {} FROM attendance WHERE employee_id = $1 AND date = $2 AND deleted_at IS NULL",
        ATTENDANCE.select_list()
    ))
    .bind(employee_id)
    .bind(date)
    .fetch_optional(&mut **tx)
    .await?)
}

/// Which attendance rows a list shows.
#[derive(Debug, Default)]
pub struct Filter {
    pub tenant_id: String,
    /// Only these employees (a manager's reports, or one employee).
    pub employee_ids: Option<Vec<String>>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub status: Option<String>,
}

/// A page of attendance, newest day first.
#[tracing::instrument(skip_all)]
pub async fn list(db: &Db, f: &Filter, page: i64, per_page: i64) -> Result<(Vec<Attendance>, i64)> {
    let mut sql = Sql::new(" FROM attendance WHERE deleted_at IS NULL AND tenant_id = ");
    sql.bind(f.tenant_id.as_str());
    if let Some(ids) = &f.employee_ids {
        if ids.is_empty() {
            sql.push(" AND 1 = 0");
        } else {
            sql.push(" AND employee_id IN ").bind_list(ids);
        }
    }
    if let Some(from) = &f.from {
        sql.push(" AND date >= ").bind(from.as_str());
    }
    if let Some(to) = &f.to {
        sql.push(" AND date <= ").bind(to.as_str());
    }
    if let Some(s) = &f.status {
        sql.push(" AND status = ").bind(s.as_str());
    }
    sql.page(db, &ATTENDANCE.select_list(), "date DESC, employee_id, id", page, per_page).await
}

/// One employee's month in the report.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct ReportRow {
    #[schema(format = Uuid)]
    pub employee_id: String,
    pub code: String,
    pub name: String,
    #[schema(format = Uuid)]
    pub department_id: Option<String>,
    /// Days checked in on time.
    pub present_days: i64,
    /// Days checked in after the shift's start and its grace.
    pub late_days: i64,
    pub absent_days: i64,
    pub leave_days: i64,
    /// Minutes between check-ins and check-outs.
    pub worked_minutes: i64,
}

/// Every employee of the tenant (of `department_id`, when given) with their days from `from` to `to`.
#[tracing::instrument(skip_all)]
pub async fn report(
    db: &Db,
    tenant_id: &str,
    from: &str,
    to: &str,
    department_id: Option<&str>,
) -> Result<Vec<ReportRow>> {
    let b = db.backend();
    let count = |status: &str| crate::sql::sum(b, &format!("CASE WHEN a.status = '{status}' THEN 1 ELSE 0 END"));
    let mut sql = Sql::new(format!(
        "SELECT e.id AS employee_id, e.code, e.name, e.department_id, {} AS present_days, {} AS late_days,
                {} AS absent_days, {} AS leave_days, {} AS worked_minutes
         FROM employees e LEFT JOIN attendance a
           ON a.employee_id = e.id AND a.deleted_at IS NULL AND a.date >= ",
        count("present"),
        count("late"),
        count("absent"),
        count("leave"),
        crate::sql::sum(b, "COALESCE(a.worked_minutes, 0)"),
    ));
    sql.bind(from).push(" AND a.date <= ").bind(to);
    sql.push(" WHERE e.deleted_at IS NULL AND e.tenant_id = ").bind(tenant_id);
    if let Some(d) = department_id {
        sql.push(" AND e.department_id = ").bind(d);
    }
    sql.push(" GROUP BY e.id, e.code, e.name, e.department_id ORDER BY e.code, e.id");
    Ok(sql.query_as().fetch_all(db.reader()).await?)
}

/// Active employees rostered on `date` with no attendance row for it: `(employee, work shift)`.
#[tracing::instrument(skip_all)]
pub async fn absentees(db: &Db, tenant_id: &str, date: &str) -> Result<Vec<(String, String)>> {
    Ok(sqlx::query_as(
        "SELECT r.employee_id, r.work_shift_id FROM rosters r JOIN employees e ON e.id = r.employee_id
         WHERE r.tenant_id = $1 AND r.date = $2 AND r.deleted_at IS NULL AND e.deleted_at IS NULL AND e.status = 'active'
           AND NOT EXISTS (SELECT 1 FROM attendance a WHERE a.employee_id = r.employee_id AND a.date = r.date AND a.deleted_at IS NULL)
         ORDER BY r.employee_id",
    )
    .bind(tenant_id)
    .bind(date)
    .fetch_all(db.reader())
    .await?)
}
