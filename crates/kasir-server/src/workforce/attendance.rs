//! `/attendance`: check-in and check-out (for oneself, or by a manager or HR for someone), the
//! list (oneself and one's reports; everyone with `hr.manage`) and the monthly report in JSON,
//! CSV or XLSX.

use axum::{extract::State, response::Response};
use kasir_domain::{workforce::AttendanceStatus, Permission, Quantity, Violations};
use kasir_store::workforce::attendance::{self, Attendance, ReportRow};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{clock, people};
use crate::{
    api::{
        created, fields, ok, ok_list,
        openapi::{ApiRouter, Method, Op},
        sheet::{self, Cell, Download},
        ApiError, ApiJson, ApiQuery,
    },
    auth::Principal,
    state::AppState,
};

/// The body of `POST /attendance/check-in` and `/attendance/check-out`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PunchBody {
    /// Leave out to act for yourself.
    #[schema(format = Uuid)]
    pub employee_id: Option<String>,
    #[schema(minimum = -90, maximum = 90)]
    pub latitude: f64,
    #[schema(minimum = -180, maximum = 180)]
    pub longitude: f64,
    /// A photo uploaded with `POST /files` (required when the business asks for one).
    #[schema(format = Uuid)]
    pub photo_file_id: Option<String>,
    /// The device's time (RFC 3339): recorded, never used to decide lateness.
    pub at: Option<String>,
}

impl PunchBody {
    fn punch(self) -> (Option<String>, clock::Punch) {
        let p = clock::Punch {
            latitude: self.latitude,
            longitude: self.longitude,
            photo_file_id: self.photo_file_id,
            at: self.at,
        };
        (self.employee_id, p)
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AttendanceQuery {
    #[param(format = Uuid)]
    pub employee_id: Option<String>,
    /// `YYYY-MM-DD`.
    #[param(format = Date)]
    pub from: Option<String>,
    #[param(format = Date)]
    pub to: Option<String>,
    /// `present`, `late`, `absent` or `leave`.
    #[param(inline, value_type = Option<String>, pattern = "^(present|late|absent|leave)$")]
    pub status: Option<String>,
    #[param(minimum = 1, maximum = 1_000_000)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<i64>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    #[param(minimum = 1, maximum = 12)]
    pub month: i64,
    #[param(minimum = 2000, maximum = 2100)]
    pub year: i64,
    #[param(format = Uuid)]
    pub department_id: Option<String>,
    /// `json` (default), `csv` or `xlsx`.
    #[param(inline, value_type = Option<String>, pattern = "^(json|csv|xlsx)$")]
    pub format: Option<String>,
}

/// The monthly report.
#[derive(Debug, Serialize, ToSchema)]
pub struct Report {
    pub month: i64,
    pub year: i64,
    pub from: String,
    pub to: String,
    pub rows: Vec<ReportRow>,
}

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    api.route(
        Method::Post,
        "/attendance/check-in",
        check_in,
        Op::new("workforce", "Check in at an attendance place (the server's clock decides the day and lateness)")
            .body::<PunchBody>()
            .created::<Attendance>()
            .errors(&[403, 404, 422]),
    )
    .route(
        Method::Post,
        "/attendance/check-out",
        check_out,
        Op::new("workforce", "Check out of the open check-in")
            .body::<PunchBody>()
            .ok::<Attendance>()
            .errors(&[403, 404, 422]),
    )
    .route(
        Method::Get,
        "/attendance",
        list,
        Op::new("workforce", "Attendance, newest day first (yours and your reports'; everyone's with hr.manage)")
            .query::<AttendanceQuery>()
            .ok_list::<Attendance>(),
    )
    .route(
        Method::Get,
        "/attendance/report",
        report,
        Op::new("workforce", "A month's present, late, absent and leave days and worked hours per employee")
            .query::<ReportQuery>()
            .ok::<Report>()
            .or_content(sheet::CSV_TYPE, crate::api::openapi::binary_schema())
            .or_content(sheet::XLSX_TYPE, crate::api::openapi::binary_schema()),
    )
}

async fn check_in(
    State(s): State<AppState>,
    p: Principal,
    ApiJson(b): ApiJson<PunchBody>,
) -> Result<Response, ApiError> {
    let (employee_id, punch) = b.punch();
    let employee = people::acting_for(&s.db, &p, employee_id.as_deref()).await?;
    Ok(created(clock::check_in(&s.db, p.actor(), &employee, punch).await?))
}

async fn check_out(
    State(s): State<AppState>,
    p: Principal,
    ApiJson(b): ApiJson<PunchBody>,
) -> Result<Response, ApiError> {
    let (employee_id, punch) = b.punch();
    let employee = people::acting_for(&s.db, &p, employee_id.as_deref()).await?;
    Ok(ok(clock::check_out(&s.db, p.actor(), &employee, punch).await?))
}

async fn list(
    State(s): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<AttendanceQuery>,
) -> Result<Response, ApiError> {
    let scope = p.scope()?;
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
            AttendanceStatus::parse(raw)
                .map(|s| s.as_str().to_string())
                .ok_or("must be present, late, absent or leave"),
        )
    });
    v.finish().map_err(ApiError::Validation)?;
    let visible = people::visible(&s.db, &p).await?;
    let f = attendance::Filter {
        tenant_id: scope.tenant_id,
        employee_ids: people::narrowed(visible, employee_id),
        from,
        to,
        status,
    };
    let (items, total) = attendance::list(&s.db, &f, page, per_page).await?;
    Ok(ok_list(items, page, per_page, total))
}

async fn report(
    State(s): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Response, ApiError> {
    p.require(Permission::HrManage)?;
    let scope = p.scope()?;
    let mut v = Violations::new();
    let month = v.range("month", q.month, 1, 12);
    let year = v.range("year", q.year, 2000, 2100);
    let department = q
        .department_id
        .as_deref()
        .and_then(|raw| v.parsed("department_id", kasir_domain::ids::parse_id(raw).ok_or("must be a UUID")));
    let format = match q.format.as_deref().unwrap_or("json") {
        "json" => None,
        f => sheet::Format::parse(f).map(Some).unwrap_or_else(|| {
            v.add("format", "must be json, csv or xlsx");
            None
        }),
    };
    v.finish().map_err(ApiError::Validation)?;
    let first = jiff::civil::date(year as i16, month as i8, 1);
    let last = first.last_of_month();
    let (from, to) = (first.to_string(), last.to_string());
    let rows = attendance::report(&s.db, &scope.tenant_id, &from, &to, department.as_deref()).await?;
    let Some(format) = format else { return Ok(ok(Report { month, year, from, to, rows })) };
    let header = ["code", "name", "present_days", "late_days", "absent_days", "leave_days", "worked_hours"];
    let (download, response) = Download::start(format, &format!("attendance-{year}-{month:02}"), &header);
    let cells = rows
        .into_iter()
        .map(|r| {
            vec![
                Cell::from(r.code),
                Cell::from(r.name),
                Cell::from(r.present_days),
                Cell::from(r.late_days),
                Cell::from(r.absent_days),
                Cell::from(r.leave_days),
                // Hours to the thousandth.
                Cell::Qty(Quantity(r.worked_minutes * 1000 / 60)),
            ]
        })
        .collect();
    download.send(cells).await;
    Ok(response)
}
