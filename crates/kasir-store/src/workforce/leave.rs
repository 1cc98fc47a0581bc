//! Leave requests and balances, and permits. A balance row (employee, leave type, year) holds
//! the year's allocation and what approved and pending requests take of it; the operations
//! change it only together with a request, under the row's lock, so a balance always equals the
//! sum of its requests and concurrent applications cannot overdraw it.

use serde::Serialize;
use utoipa::ToSchema;

use super::def;
use crate::{
    crud::{ColType::*, Column, ResourceDef},
    sql::Sql,
    Backend, Db, JsonText, Result, Tx,
};

pub static LEAVE_REQUESTS: ResourceDef = def(
    "leave_request",
    "leave_requests",
    &[
        Column::new("employee_id", Text).filter(),
        Column::new("leave_type_id", Text).filter(),
        Column::new("kind", Text).filter(),
        Column::new("start_date", Text).sort(),
        Column::new("end_date", Text),
        Column::new("days", Int),
        Column::new("reason", Text),
        Column::new("document_file_ids", Json),
        Column::new("status", Text).filter(),
        Column::new("decided_by", Text),
        Column::new("decided_at", Text),
        Column::new("notes", Text),
        Column::new("created_by", Text),
    ],
);

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct LeaveRequest {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    #[schema(format = Uuid)]
    pub employee_id: String,
    #[schema(format = Uuid)]
    pub leave_type_id: String,
    /// `annual`, `special` or `collective`.
    pub kind: String,
    pub start_date: String,
    pub end_date: String,
    /// Working days: weekends and holidays left out.
    pub days: i64,
    pub reason: String,
    #[sqlx(try_from = "String")]
    #[schema(value_type = Vec<String>)]
    pub document_file_ids: JsonText<Vec<String>>,
    /// `pending`, `approved`, `rejected` or `cancelled`.
    pub status: String,
    /// Who approved or rejected it (a user).
    #[schema(format = Uuid)]
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub notes: Option<String>,
    #[schema(format = Uuid)]
    pub created_by: Option<String>,
}
crate::impl_record!(LeaveRequest);

pub static BALANCES: ResourceDef = def(
    "leave_balance",
    "leave_balances",
    &[
        Column::new("employee_id", Text).filter(),
        Column::new("leave_type_id", Text).filter(),
        Column::new("year", Int).filter(),
        Column::new("total", Int),
        Column::new("used", Int),
        Column::new("pending", Int),
    ],
);

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Balance {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    #[schema(format = Uuid)]
    pub employee_id: String,
    #[schema(format = Uuid)]
    pub leave_type_id: String,
    pub year: i64,
    pub total: i64,
    pub used: i64,
    pub pending: i64,
}
crate::impl_record!(Balance);

pub static PERMITS: ResourceDef = def(
    "permit",
    "permits",
    &[
        Column::new("employee_id", Text).filter(),
        Column::new("date", Text).filter().sort(),
        Column::new("start_time", Text),
        Column::new("end_time", Text),
        Column::new("reason", Text),
        Column::new("type", Text).filter(),
        Column::new("status", Text).filter(),
        Column::new("decided_by", Text),
        Column::new("decided_at", Text),
        Column::new("notes", Text),
        Column::new("created_by", Text),
    ],
);

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Permit {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    #[schema(format = Uuid)]
    pub employee_id: String,
    pub date: String,
    /// `HH:MM`.
    pub start_time: String,
    pub end_time: String,
    pub reason: String,
    /// `sick`, `personal` or `official`.
    #[serde(rename = "type")]
    #[sqlx(rename = "type")]
    pub kind: String,
    /// `pending`, `approved`, `rejected` or `cancelled`.
    pub status: String,
    #[schema(format = Uuid)]
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub notes: Option<String>,
    #[schema(format = Uuid)]
    pub created_by: Option<String>,
}
crate::impl_record!(Permit);

/// The balance of an employee's leave type for a year, locked (none yet: the caller creates it).
#[tracing::instrument(skip_all)]
pub async fn balance_for_update(
    tx: &mut Tx,
    employee_id: &str,
    leave_type_id: &str,
    year: i64,
) -> Result<Option<Balance>> {
    let lock = if tx.backend() == Backend::Postgres { " FOR UPDATE" } else { "" };
    Ok(sqlx::query_as(&format!(
        "SELECT {} FROM leave_balances WHERE employee_id = $1 AND leave_type_id = $2 AND year = $3 AND deleted_at IS NULL{lock}",
        BALANCES.select_list()
    ))
    .bind(employee_id)
    .bind(leave_type_id)
    .bind(year)
    .fetch_optional(&mut **tx)
    .await?)
}

/// The employee's balances of `year`, with each leave type's kind.
#[tracing::instrument(skip_all)]
pub async fn balances(db: &Db, employee_id: &str, year: i64) -> Result<Vec<(String, i64, i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT t.kind, b.total, b.used, b.pending FROM leave_balances b JOIN leave_types t ON t.id = b.leave_type_id
         WHERE b.employee_id = $1 AND b.year = $2 AND b.deleted_at IS NULL ORDER BY t.kind, t.id",
    )
    .bind(employee_id)
    .bind(year)
    .fetch_all(db.reader())
    .await?)
}

/// Whether the employee has a pending or approved request overlapping `start`..=`end`.
#[tracing::instrument(skip_all)]
pub async fn overlaps(tx: &mut Tx, employee_id: &str, start: &str, end: &str) -> Result<bool> {
    let found: Option<(String,)> = sqlx::query_as(
        "SELECT id FROM leave_requests WHERE employee_id = $1 AND deleted_at IS NULL AND status IN ('pending', 'approved')
           AND start_date <= $3 AND end_date >= $2 LIMIT 1",
    )
    .bind(employee_id)
    .bind(start)
    .bind(end)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(found.is_some())
}

/// The tenant's holidays from `from` to `to`.
#[tracing::instrument(skip_all)]
pub async fn holidays(db: &Db, tenant_id: &str, from: &str, to: &str) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT date FROM holidays WHERE tenant_id = $1 AND deleted_at IS NULL AND date >= $2 AND date <= $3 ORDER BY date",
    )
    .bind(tenant_id)
    .bind(from)
    .bind(to)
    .fetch_all(db.reader())
    .await?;
    Ok(rows.into_iter().map(|(d,)| d).collect())
}

/// Which requests a list shows.
#[derive(Debug, Default)]
pub struct Filter {
    pub tenant_id: String,
    pub employee_ids: Option<Vec<String>>,
    pub status: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

impl Filter {
    fn apply(&self, sql: &mut Sql, date: &str) {
        sql.bind(self.tenant_id.as_str());
        if let Some(ids) = &self.employee_ids {
            if ids.is_empty() {
                sql.push(" AND 1 = 0");
            } else {
                sql.push(" AND employee_id IN ").bind_list(ids);
            }
        }
        if let Some(s) = &self.status {
            sql.push(" AND status = ").bind(s.as_str());
        }
        if let Some(from) = &self.from {
            sql.push(&format!(" AND {date} >= ")).bind(from.as_str());
        }
        if let Some(to) = &self.to {
            sql.push(&format!(" AND {date} <= ")).bind(to.as_str());
        }
    }
}

/// A page of leave requests, latest start first.
#[tracing::instrument(skip_all)]
pub async fn list(db: &Db, f: &Filter, page: i64, per_page: i64) -> Result<(Vec<LeaveRequest>, i64)> {
    let mut sql = Sql::new(" FROM leave_requests WHERE deleted_at IS NULL AND tenant_id = ");
    f.apply(&mut sql, "start_date");
    sql.page(db, &LEAVE_REQUESTS.select_list(), "start_date DESC, id DESC", page, per_page).await
}

/// A page of permits, latest day first.
#[tracing::instrument(skip_all)]
pub async fn permits(db: &Db, f: &Filter, page: i64, per_page: i64) -> Result<(Vec<Permit>, i64)> {
    let mut sql = Sql::new(" FROM permits WHERE deleted_at IS NULL AND tenant_id = ");
    f.apply(&mut sql, "date");
    sql.page(db, &PERMITS.select_list(), "date DESC, id DESC", page, per_page).await
}

/// The tenant's pending requests whose first day is before `today`.
#[tracing::instrument(skip_all)]
pub async fn stale(db: &Db, tenant_id: &str, today: &str) -> Result<Vec<LeaveRequest>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {} FROM leave_requests WHERE tenant_id = $1 AND deleted_at IS NULL AND status = 'pending' AND start_date < $2
         ORDER BY start_date, id",
        LEAVE_REQUESTS.select_list()
    ))
    .bind(tenant_id)
    .bind(today)
    .fetch_all(db.reader())
    .await?)
}

/// The leave types the employee has a balance row of in `year`.
#[tracing::instrument(skip_all)]
pub async fn balance_type_ids(db: &Db, employee_id: &str, year: i64) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT leave_type_id FROM leave_balances WHERE employee_id = $1 AND year = $2 AND deleted_at IS NULL",
    )
    .bind(employee_id)
    .bind(year)
    .fetch_all(db.reader())
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}
