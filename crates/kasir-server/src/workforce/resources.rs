//! The workforce's plain resources, all under `hr.manage`: departments (a tree), positions,
//! employees, work shifts, rosters, holidays, attendance places, leave types, advances,
//! deductions and freelancers.

use kasir_domain::{
    workforce::{parse_time, valid_coordinates, Degrees, EmployeeStatus, LeaveKind},
    ErrorCode, Permission, Violations,
};
use kasir_store::{
    crud,
    workforce::{self as store, *},
    Scope, Tx, Value,
};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::{
    api::{
        resource::{expected_version, find_ref, new_record_id, nullable, Resource},
        ApiError,
    },
    auth::Principal,
};

fn finish(v: Violations) -> Result<(), ApiError> {
    v.finish().map_err(ApiError::Validation)
}

fn date(v: &mut Violations, field: &str, raw: &str) -> String {
    kasir_domain::time::parse_date(raw).unwrap_or_else(|| {
        v.add(field, "must be a date, YYYY-MM-DD");
        String::new()
    })
}

fn time(v: &mut Violations, field: &str, raw: &str) -> String {
    match parse_time(raw) {
        Some(t) => t.strftime("%H:%M").to_string(),
        None => {
            v.add(field, "must be a time, HH:MM");
            String::new()
        }
    }
}

/// An optional reference to a record of `def`, checked in the transaction.
async fn reference<R>(
    tx: &mut Tx,
    def: &'static crud::ResourceDef,
    scope: &Scope,
    field: &str,
    raw: Option<&str>,
) -> Result<Option<String>, ApiError>
where
    R: for<'r> kasir_store::FromRow<'r, kasir_store::AnyRow> + kasir_store::crud::Record + Send + Unpin,
{
    match raw {
        Some(r) => Ok(Some(find_ref::<R>(tx, def, scope, field, r, "record").await?.id().to_string())),
        None => Ok(None),
    }
}

// ---- Departments -------------------------------------------------------------------------

pub struct Departments;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDepartment {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    #[schema(format = Uuid)]
    pub parent_id: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateDepartment {
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub parent_id: Option<Option<String>>,
    pub version: Option<i64>,
}

impl Resource for Departments {
    type Record = Department;
    type Create = CreateDepartment;
    type Update = UpdateDepartment;
    const DEF: &'static crud::ResourceDef = &DEPARTMENTS;
    const PATH: &'static str = "/departments";
    const TAG: &'static str = "workforce";
    const READ: Permission = Permission::HrManage;
    const WRITE: Permission = Permission::HrManage;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateDepartment) -> Result<Department, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let name = v.text("name", &b.name, 1, 100);
        finish(v)?;
        let parent = reference::<Department>(tx, &DEPARTMENTS, scope, "parent_id", b.parent_id.as_deref()).await?;
        let values = [
            ("name_key", Value::from(name.to_lowercase())),
            ("name", Value::from(name)),
            ("parent_id", Value::Text(parent)),
        ];
        Ok(crud::create(tx, &DEPARTMENTS, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Department,
        version: Option<i64>,
        b: UpdateDepartment,
    ) -> Result<Department, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let mut values: Vec<(&str, Value)> = Vec::new();
        if let Some(n) = &b.name {
            let name = v.text("name", n, 1, 100);
            values.push(("name_key", Value::from(name.to_lowercase())));
            values.push(("name", Value::from(name)));
        }
        finish(v)?;
        match &b.parent_id {
            Some(Some(p)) => {
                let parent: Department = find_ref(tx, &DEPARTMENTS, scope, "parent_id", p, "department").await?;
                if store::department_lineage(tx, &parent.id).await?.contains(&current.id) {
                    return Err(ApiError::Rule {
                        code: ErrorCode::CategoryCycle,
                        message: "a department cannot be moved under itself or one of its own".into(),
                    });
                }
                values.push(("parent_id", Value::from(parent.id)));
            }
            Some(None) => values.push(("parent_id", Value::Text(None))),
            None => {}
        }
        Ok(crud::update(tx, &DEPARTMENTS, scope, &current.id, version, &values).await?)
    }
}

// ---- Positions -------------------------------------------------------------------------

pub struct Positions;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePosition {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    #[schema(format = Uuid)]
    pub department_id: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePosition {
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub department_id: Option<Option<String>>,
    pub version: Option<i64>,
}

impl Resource for Positions {
    type Record = Position;
    type Create = CreatePosition;
    type Update = UpdatePosition;
    const DEF: &'static crud::ResourceDef = &POSITIONS;
    const PATH: &'static str = "/positions";
    const TAG: &'static str = "workforce";
    const READ: Permission = Permission::HrManage;
    const WRITE: Permission = Permission::HrManage;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreatePosition) -> Result<Position, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let name = v.text("name", &b.name, 1, 100);
        finish(v)?;
        let dept =
            reference::<Department>(tx, &DEPARTMENTS, scope, "department_id", b.department_id.as_deref()).await?;
        let values = [("name", Value::from(name)), ("department_id", Value::Text(dept))];
        Ok(crud::create(tx, &POSITIONS, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Position,
        version: Option<i64>,
        b: UpdatePosition,
    ) -> Result<Position, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let mut values: Vec<(&str, Value)> = Vec::new();
        if let Some(n) = &b.name {
            values.push(("name", Value::from(v.text("name", n, 1, 100))));
        }
        finish(v)?;
        if let Some(d) = &b.department_id {
            let dept = reference::<Department>(tx, &DEPARTMENTS, scope, "department_id", d.as_deref()).await?;
            values.push(("department_id", Value::Text(dept)));
        }
        Ok(crud::update(tx, &POSITIONS, scope, &current.id, version, &values).await?)
    }
}

// ---- Employees -------------------------------------------------------------------------

pub struct Employees;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateEmployee {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    /// The login this employee uses (a user of the tenant), for self-service.
    #[schema(format = Uuid)]
    pub user_id: Option<String>,
    #[schema(min_length = 1, max_length = 50)]
    pub code: String,
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[schema(max_length = 200)]
    pub email: Option<String>,
    #[schema(max_length = 30)]
    pub phone: Option<String>,
    #[schema(format = Uuid)]
    pub department_id: Option<String>,
    #[schema(format = Uuid)]
    pub position_id: Option<String>,
    #[schema(format = Uuid)]
    pub manager_id: Option<String>,
    #[schema(max_items = 200)]
    pub outlet_ids: Option<Vec<String>>,
    /// `YYYY-MM-DD`.
    pub join_date: Option<String>,
    /// `active` (default) or `inactive`.
    pub status: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateEmployee {
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub user_id: Option<Option<String>>,
    #[schema(min_length = 1, max_length = 50)]
    pub code: Option<String>,
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 200)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 30)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub department_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub position_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub manager_id: Option<Option<String>>,
    #[schema(max_items = 200)]
    pub outlet_ids: Option<Vec<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub join_date: Option<Option<String>>,
    pub status: Option<String>,
    pub version: Option<i64>,
}

fn status(v: &mut Violations, raw: &str) -> String {
    if EmployeeStatus::parse(raw).is_none() {
        v.add("status", "must be active or inactive");
    }
    raw.to_string()
}

async fn outlets(tx: &mut Tx, scope: &Scope, raw: &[String]) -> Result<Vec<String>, ApiError> {
    let ids: Vec<String> = raw.iter().filter_map(|r| kasir_domain::ids::parse_id(r)).collect();
    let found = crud::existing_ids(tx, &kasir_store::tenancy::outlets::OUTLETS, scope, &ids).await?;
    if ids.len() != raw.len() || found.len() != ids.len() {
        return Err(ApiError::MissingRefs(vec![kasir_domain::FieldError::new(
            "outlet_ids",
            "names an unknown outlet",
        )]));
    }
    Ok(ids)
}

async fn user(tx: &mut Tx, scope: &Scope, raw: Option<&str>) -> Result<Option<String>, ApiError> {
    reference::<kasir_store::tenancy::users::User>(tx, &kasir_store::tenancy::users::USERS, scope, "user_id", raw).await
}

impl Resource for Employees {
    type Record = Employee;
    type Create = CreateEmployee;
    type Update = UpdateEmployee;
    const DEF: &'static crud::ResourceDef = &EMPLOYEES;
    const PATH: &'static str = "/employees";
    const TAG: &'static str = "workforce";
    const READ: Permission = Permission::HrManage;
    const WRITE: Permission = Permission::HrManage;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateEmployee) -> Result<Employee, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let code = v.text("code", &b.code, 1, 50);
        let name = v.text("name", &b.name, 1, 200);
        let email = v.opt_text("email", b.email.as_deref(), 200);
        let phone = v.opt_text("phone", b.phone.as_deref(), 30);
        let join = b.join_date.as_deref().map(|d| date(&mut v, "join_date", d));
        let st = status(&mut v, b.status.as_deref().unwrap_or(EmployeeStatus::Active.as_str()));
        finish(v)?;
        let values = vec![
            ("user_id", Value::Text(user(tx, scope, b.user_id.as_deref()).await?)),
            ("code_key", Value::from(code.to_lowercase())),
            ("code", Value::from(code)),
            ("name", Value::from(name)),
            ("email", Value::Text(email)),
            ("phone", Value::Text(phone)),
            (
                "department_id",
                Value::Text(
                    reference::<Department>(tx, &DEPARTMENTS, scope, "department_id", b.department_id.as_deref())
                        .await?,
                ),
            ),
            (
                "position_id",
                Value::Text(
                    reference::<Position>(tx, &POSITIONS, scope, "position_id", b.position_id.as_deref()).await?,
                ),
            ),
            (
                "manager_id",
                Value::Text(reference::<Employee>(tx, &EMPLOYEES, scope, "manager_id", b.manager_id.as_deref()).await?),
            ),
            ("outlet_ids", Value::json(&outlets(tx, scope, b.outlet_ids.as_deref().unwrap_or_default()).await?)),
            ("join_date", Value::Text(join)),
            ("status", Value::from(st)),
        ];
        Ok(crud::create(tx, &EMPLOYEES, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Employee,
        version: Option<i64>,
        b: UpdateEmployee,
    ) -> Result<Employee, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let mut values: Vec<(&str, Value)> = Vec::new();
        if let Some(c) = &b.code {
            let code = v.text("code", c, 1, 50);
            values.push(("code_key", Value::from(code.to_lowercase())));
            values.push(("code", Value::from(code)));
        }
        if let Some(n) = &b.name {
            values.push(("name", Value::from(v.text("name", n, 1, 200))));
        }
        if let Some(e) = &b.email {
            values.push(("email", Value::Text(v.opt_text("email", e.as_deref(), 200))));
        }
        if let Some(p) = &b.phone {
            values.push(("phone", Value::Text(v.opt_text("phone", p.as_deref(), 30))));
        }
        if let Some(j) = &b.join_date {
            values.push(("join_date", Value::Text(j.as_deref().map(|d| date(&mut v, "join_date", d)))));
        }
        if let Some(s) = &b.status {
            values.push(("status", Value::from(status(&mut v, s))));
        }
        finish(v)?;
        if let Some(u) = &b.user_id {
            values.push(("user_id", Value::Text(user(tx, scope, u.as_deref()).await?)));
        }
        if let Some(d) = &b.department_id {
            let dept = reference::<Department>(tx, &DEPARTMENTS, scope, "department_id", d.as_deref()).await?;
            values.push(("department_id", Value::Text(dept)));
        }
        if let Some(p) = &b.position_id {
            let pos = reference::<Position>(tx, &POSITIONS, scope, "position_id", p.as_deref()).await?;
            values.push(("position_id", Value::Text(pos)));
        }
        if let Some(m) = &b.manager_id {
            let manager = reference::<Employee>(tx, &EMPLOYEES, scope, "manager_id", m.as_deref()).await?;
            if let Some(m) = &manager {
                if store::management_chain(tx, m).await?.contains(&current.id) {
                    return Err(ApiError::field("manager_id", "would make the employee their own manager"));
                }
            }
            values.push(("manager_id", Value::Text(manager)));
        }
        if let Some(o) = &b.outlet_ids {
            values.push(("outlet_ids", Value::json(&outlets(tx, scope, o).await?)));
        }
        Ok(crud::update(tx, &EMPLOYEES, scope, &current.id, version, &values).await?)
    }
}

// ---- Work shifts -------------------------------------------------------------------------

pub struct WorkShifts;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWorkShift {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// `HH:MM`.
    pub start_time: String,
    /// `HH:MM`; at or before the start, the shift ends the next day.
    pub end_time: String,
    #[schema(minimum = 0, maximum = 240)]
    pub grace_minutes: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateWorkShift {
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    #[schema(minimum = 0, maximum = 240)]
    pub grace_minutes: Option<i64>,
    pub version: Option<i64>,
}

impl Resource for WorkShifts {
    type Record = WorkShift;
    type Create = CreateWorkShift;
    type Update = UpdateWorkShift;
    const DEF: &'static crud::ResourceDef = &WORK_SHIFTS;
    const PATH: &'static str = "/work-shifts";
    const TAG: &'static str = "workforce";
    const READ: Permission = Permission::HrManage;
    const WRITE: Permission = Permission::HrManage;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateWorkShift) -> Result<WorkShift, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let values = [
            ("name", Value::from(v.text("name", &b.name, 1, 100))),
            ("start_time", Value::from(time(&mut v, "start_time", &b.start_time))),
            ("end_time", Value::from(time(&mut v, "end_time", &b.end_time))),
            ("grace_minutes", Value::from(v.range("grace_minutes", b.grace_minutes.unwrap_or(0), 0, 240))),
        ];
        finish(v)?;
        Ok(crud::create(tx, &WORK_SHIFTS, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: WorkShift,
        version: Option<i64>,
        b: UpdateWorkShift,
    ) -> Result<WorkShift, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let mut values: Vec<(&str, Value)> = Vec::new();
        if let Some(n) = &b.name {
            values.push(("name", Value::from(v.text("name", n, 1, 100))));
        }
        if let Some(t) = &b.start_time {
            values.push(("start_time", Value::from(time(&mut v, "start_time", t))));
        }
        if let Some(t) = &b.end_time {
            values.push(("end_time", Value::from(time(&mut v, "end_time", t))));
        }
        if let Some(g) = b.grace_minutes {
            values.push(("grace_minutes", Value::from(v.range("grace_minutes", g, 0, 240))));
        }
        finish(v)?;
        Ok(crud::update(tx, &WORK_SHIFTS, scope, &current.id, version, &values).await?)
    }
}

// ---- Rosters -------------------------------------------------------------------------

pub struct Rosters;

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRoster {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(format = Uuid)]
    pub employee_id: String,
    /// The day the shift starts, `YYYY-MM-DD`.
    pub date: String,
    #[schema(format = Uuid)]
    pub work_shift_id: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateRoster {
    #[schema(format = Uuid)]
    pub work_shift_id: Option<String>,
    pub version: Option<i64>,
}

/// The values of a roster row, checked.
pub async fn roster_values(
    tx: &mut Tx,
    scope: &Scope,
    b: &CreateRoster,
) -> Result<Vec<(&'static str, Value)>, ApiError> {
    let mut v = Violations::new();
    let day = date(&mut v, "date", &b.date);
    finish(v)?;
    let employee: Employee = find_ref(tx, &EMPLOYEES, scope, "employee_id", &b.employee_id, "employee").await?;
    let shift: WorkShift = find_ref(tx, &WORK_SHIFTS, scope, "work_shift_id", &b.work_shift_id, "work shift").await?;
    Ok(vec![
        ("employee_id", Value::from(employee.id)),
        ("date", Value::from(day)),
        ("work_shift_id", Value::from(shift.id)),
    ])
}

impl Resource for Rosters {
    type Record = Roster;
    type Create = CreateRoster;
    type Update = UpdateRoster;
    const DEF: &'static crud::ResourceDef = &ROSTERS;
    const PATH: &'static str = "/rosters";
    const TAG: &'static str = "workforce";
    const READ: Permission = Permission::HrManage;
    const WRITE: Permission = Permission::HrManage;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateRoster) -> Result<Roster, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let values = roster_values(tx, scope, &b).await?;
        Ok(crud::create(tx, &ROSTERS, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Roster,
        version: Option<i64>,
        b: UpdateRoster,
    ) -> Result<Roster, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut values: Vec<(&str, Value)> = Vec::new();
        if let Some(w) = &b.work_shift_id {
            let shift: WorkShift = find_ref(tx, &WORK_SHIFTS, scope, "work_shift_id", w, "work shift").await?;
            values.push(("work_shift_id", Value::from(shift.id)));
        }
        Ok(crud::update(tx, &ROSTERS, scope, &current.id, version, &values).await?)
    }
}

// ---- Holidays -------------------------------------------------------------------------

pub struct Holidays;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateHoliday {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    /// `YYYY-MM-DD`.
    pub date: String,
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateHoliday {
    pub date: Option<String>,
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    pub version: Option<i64>,
}

impl Resource for Holidays {
    type Record = Holiday;
    type Create = CreateHoliday;
    type Update = UpdateHoliday;
    const DEF: &'static crud::ResourceDef = &HOLIDAYS;
    const PATH: &'static str = "/holidays";
    const TAG: &'static str = "workforce";
    const READ: Permission = Permission::HrManage;
    const WRITE: Permission = Permission::HrManage;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateHoliday) -> Result<Holiday, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let values = [
            ("date", Value::from(date(&mut v, "date", &b.date))),
            ("name", Value::from(v.text("name", &b.name, 1, 200))),
        ];
        finish(v)?;
        Ok(crud::create(tx, &HOLIDAYS, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Holiday,
        version: Option<i64>,
        b: UpdateHoliday,
    ) -> Result<Holiday, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let mut values: Vec<(&str, Value)> = Vec::new();
        if let Some(d) = &b.date {
            values.push(("date", Value::from(date(&mut v, "date", d))));
        }
        if let Some(n) = &b.name {
            values.push(("name", Value::from(v.text("name", n, 1, 200))));
        }
        finish(v)?;
        Ok(crud::update(tx, &HOLIDAYS, scope, &current.id, version, &values).await?)
    }
}

// ---- Attendance places -------------------------------------------------------------------------

pub struct Locations;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateLocation {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[schema(minimum = -90, maximum = 90)]
    pub latitude: f64,
    #[schema(minimum = -180, maximum = 180)]
    pub longitude: f64,
    /// Metres, 10 to 100000.
    #[schema(minimum = 10, maximum = 100000)]
    pub radius_m: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateLocation {
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[schema(minimum = -90, maximum = 90)]
    pub latitude: Option<f64>,
    #[schema(minimum = -180, maximum = 180)]
    pub longitude: Option<f64>,
    #[schema(minimum = 10, maximum = 100000)]
    pub radius_m: Option<i64>,
    pub version: Option<i64>,
}

fn degrees(v: &mut Violations, field: &str, raw: f64, bound: f64) -> i64 {
    match Degrees::from_f64(raw).filter(|_| raw.abs() <= bound) {
        Some(d) => d.0,
        None => {
            v.add(field, format!("must be a number from -{bound} to {bound}"));
            0
        }
    }
}

impl Resource for Locations {
    type Record = Location;
    type Create = CreateLocation;
    type Update = UpdateLocation;
    const DEF: &'static crud::ResourceDef = &LOCATIONS;
    const PATH: &'static str = "/attendance-locations";
    const TAG: &'static str = "workforce";
    const READ: Permission = Permission::HrManage;
    const WRITE: Permission = Permission::HrManage;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateLocation) -> Result<Location, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        if !valid_coordinates(b.latitude, b.longitude) {
            v.add("latitude", "latitude must be -90 to 90 and longitude -180 to 180");
        }
        let values = [
            ("name", Value::from(v.text("name", &b.name, 1, 200))),
            ("latitude", Value::from(degrees(&mut v, "latitude", b.latitude, 90.0))),
            ("longitude", Value::from(degrees(&mut v, "longitude", b.longitude, 180.0))),
            ("radius_m", Value::from(v.range("radius_m", b.radius_m, 10, 100_000))),
        ];
        finish(v)?;
        Ok(crud::create(tx, &LOCATIONS, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Location,
        version: Option<i64>,
        b: UpdateLocation,
    ) -> Result<Location, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let mut values: Vec<(&str, Value)> = Vec::new();
        if let Some(n) = &b.name {
            values.push(("name", Value::from(v.text("name", n, 1, 200))));
        }
        if let Some(l) = b.latitude {
            values.push(("latitude", Value::from(degrees(&mut v, "latitude", l, 90.0))));
        }
        if let Some(l) = b.longitude {
            values.push(("longitude", Value::from(degrees(&mut v, "longitude", l, 180.0))));
        }
        if let Some(r) = b.radius_m {
            values.push(("radius_m", Value::from(v.range("radius_m", r, 10, 100_000))));
        }
        finish(v)?;
        Ok(crud::update(tx, &LOCATIONS, scope, &current.id, version, &values).await?)
    }
}

// ---- Leave types -------------------------------------------------------------------------

pub struct LeaveTypes;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateLeaveType {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// `annual`, `special` or `collective`.
    pub kind: String,
    #[schema(minimum = 0, maximum = 366)]
    pub days_per_year: i64,
    pub requires_document: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateLeaveType {
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    #[schema(minimum = 0, maximum = 366)]
    pub days_per_year: Option<i64>,
    pub requires_document: Option<bool>,
    pub version: Option<i64>,
}

impl Resource for LeaveTypes {
    type Record = LeaveType;
    type Create = CreateLeaveType;
    type Update = UpdateLeaveType;
    const DEF: &'static crud::ResourceDef = &LEAVE_TYPES;
    const PATH: &'static str = "/leave-types";
    const TAG: &'static str = "workforce";
    const READ: Permission = Permission::HrManage;
    const WRITE: Permission = Permission::HrManage;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateLeaveType) -> Result<LeaveType, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        if LeaveKind::parse(&b.kind).is_none() {
            v.add("kind", "must be annual, special or collective");
        }
        let values = [
            ("name", Value::from(v.text("name", &b.name, 1, 100))),
            ("kind", Value::from(b.kind.as_str())),
            ("days_per_year", Value::from(v.range("days_per_year", b.days_per_year, 0, 366))),
            ("requires_document", Value::from(b.requires_document.unwrap_or(false))),
        ];
        finish(v)?;
        Ok(crud::create(tx, &LEAVE_TYPES, scope, &id, &values).await?)
    }

    /// The kind stays: balances and requests were counted under it. A new allocation applies
    /// to years whose balance is not made yet.
    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: LeaveType,
        version: Option<i64>,
        b: UpdateLeaveType,
    ) -> Result<LeaveType, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let mut values: Vec<(&str, Value)> = Vec::new();
        if let Some(n) = &b.name {
            values.push(("name", Value::from(v.text("name", n, 1, 100))));
        }
        if let Some(d) = b.days_per_year {
            values.push(("days_per_year", Value::from(v.range("days_per_year", d, 0, 366))));
        }
        if let Some(r) = b.requires_document {
            values.push(("requires_document", Value::from(r)));
        }
        finish(v)?;
        Ok(crud::update(tx, &LEAVE_TYPES, scope, &current.id, version, &values).await?)
    }
}

// ---- Advances, deductions -------------------------------------------------------------------------

/// An advance or deduction: `(id, employee, amount, date)` checked, with its note or reason.
async fn entry<R>(
    tx: &mut Tx,
    scope: &Scope,
    def: &'static crud::ResourceDef,
    (id, employee_id, amount, day): (Option<&str>, &str, i64, &str),
    text: (&'static str, Value),
    mut v: Violations,
) -> Result<R, ApiError>
where
    R: for<'r> kasir_store::FromRow<'r, kasir_store::AnyRow> + kasir_store::crud::Record + Send + Unpin,
{
    let id = new_record_id(id)?;
    let amount = v.range("amount", amount, 1, kasir_domain::MAX_MONEY);
    let day = date(&mut v, "date", day);
    finish(v)?;
    let employee: Employee = find_ref(tx, &EMPLOYEES, scope, "employee_id", employee_id, "employee").await?;
    let values =
        [("employee_id", Value::from(employee.id)), ("amount", Value::from(amount)), ("date", Value::from(day)), text];
    Ok(crud::create(tx, def, scope, &id, &values).await?)
}

pub struct Advances;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAdvance {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(format = Uuid)]
    pub employee_id: String,
    #[schema(minimum = 1)]
    pub amount: i64,
    /// `YYYY-MM-DD`.
    pub date: String,
    #[schema(max_length = 500)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAdvance {
    #[schema(minimum = 1)]
    pub amount: Option<i64>,
    pub date: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 500)]
    pub note: Option<Option<String>>,
    pub version: Option<i64>,
}

impl Resource for Advances {
    type Record = Advance;
    type Create = CreateAdvance;
    type Update = UpdateAdvance;
    const DEF: &'static crud::ResourceDef = &ADVANCES;
    const PATH: &'static str = "/employee-advances";
    const TAG: &'static str = "workforce";
    const READ: Permission = Permission::HrManage;
    const WRITE: Permission = Permission::HrManage;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateAdvance) -> Result<Advance, ApiError> {
        let mut v = Violations::new();
        let note = Value::Text(v.opt_text("note", b.note.as_deref(), 500));
        entry(tx, scope, &ADVANCES, (b.id.as_deref(), &b.employee_id, b.amount, &b.date), ("note", note), v).await
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Advance,
        version: Option<i64>,
        b: UpdateAdvance,
    ) -> Result<Advance, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let mut values: Vec<(&str, Value)> = Vec::new();
        if let Some(a) = b.amount {
            values.push(("amount", Value::from(v.range("amount", a, 1, kasir_domain::MAX_MONEY))));
        }
        if let Some(d) = &b.date {
            values.push(("date", Value::from(date(&mut v, "date", d))));
        }
        if let Some(n) = &b.note {
            values.push(("note", Value::Text(v.opt_text("note", n.as_deref(), 500))));
        }
        finish(v)?;
        Ok(crud::update(tx, &ADVANCES, scope, &current.id, version, &values).await?)
    }
}

pub struct Deductions;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDeduction {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(format = Uuid)]
    pub employee_id: String,
    #[schema(minimum = 1)]
    pub amount: i64,
    /// `YYYY-MM-DD`.
    pub date: String,
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateDeduction {
    #[schema(minimum = 1)]
    pub amount: Option<i64>,
    pub date: Option<String>,
    #[schema(min_length = 1, max_length = 500)]
    pub reason: Option<String>,
    pub version: Option<i64>,
}

impl Resource for Deductions {
    type Record = Deduction;
    type Create = CreateDeduction;
    type Update = UpdateDeduction;
    const DEF: &'static crud::ResourceDef = &DEDUCTIONS;
    const PATH: &'static str = "/employee-deductions";
    const TAG: &'static str = "workforce";
    const READ: Permission = Permission::HrManage;
    const WRITE: Permission = Permission::HrManage;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateDeduction) -> Result<Deduction, ApiError> {
        let mut v = Violations::new();
        let reason = Value::from(v.text("reason", &b.reason, 1, 500));
        entry(tx, scope, &DEDUCTIONS, (b.id.as_deref(), &b.employee_id, b.amount, &b.date), ("reason", reason), v).await
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Deduction,
        version: Option<i64>,
        b: UpdateDeduction,
    ) -> Result<Deduction, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let mut values: Vec<(&str, Value)> = Vec::new();
        if let Some(a) = b.amount {
            values.push(("amount", Value::from(v.range("amount", a, 1, kasir_domain::MAX_MONEY))));
        }
        if let Some(d) = &b.date {
            values.push(("date", Value::from(date(&mut v, "date", d))));
        }
        if let Some(r) = &b.reason {
            values.push(("reason", Value::from(v.text("reason", r, 1, 500))));
        }
        finish(v)?;
        Ok(crud::update(tx, &DEDUCTIONS, scope, &current.id, version, &values).await?)
    }
}

// ---- Freelancers -------------------------------------------------------------------------

pub struct Freelancers;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateFreelancer {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[schema(max_length = 200)]
    pub email: Option<String>,
    #[schema(max_items = 50)]
    pub skills: Option<Vec<String>>,
    #[schema(minimum = 0)]
    pub hourly_rate: Option<i64>,
    #[schema(max_length = 500)]
    pub portfolio: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateFreelancer {
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 200)]
    pub email: Option<Option<String>>,
    #[schema(max_items = 50)]
    pub skills: Option<Vec<String>>,
    #[schema(minimum = 0)]
    pub hourly_rate: Option<i64>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 500)]
    pub portfolio: Option<Option<String>>,
    pub version: Option<i64>,
}

fn skills(v: &mut Violations, raw: &[String]) -> Vec<String> {
    if raw.len() > 50 {
        v.add("skills", "must have at most 50 skills");
    }
    raw.iter().enumerate().map(|(i, s)| v.text(&format!("skills[{i}]"), s, 1, 50)).collect()
}

impl Resource for Freelancers {
    type Record = Freelancer;
    type Create = CreateFreelancer;
    type Update = UpdateFreelancer;
    const DEF: &'static crud::ResourceDef = &FREELANCERS;
    const PATH: &'static str = "/freelancers";
    const TAG: &'static str = "workforce";
    const READ: Permission = Permission::HrManage;
    const WRITE: Permission = Permission::HrManage;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateFreelancer) -> Result<Freelancer, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let values = [
            ("name", Value::from(v.text("name", &b.name, 1, 200))),
            ("email", Value::Text(v.opt_text("email", b.email.as_deref(), 200))),
            ("skills", Value::json(&skills(&mut v, b.skills.as_deref().unwrap_or_default()))),
            (
                "hourly_rate",
                Value::from(v.range("hourly_rate", b.hourly_rate.unwrap_or(0), 0, kasir_domain::MAX_MONEY)),
            ),
            ("portfolio", Value::Text(v.opt_text("portfolio", b.portfolio.as_deref(), 500))),
        ];
        finish(v)?;
        Ok(crud::create(tx, &FREELANCERS, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Freelancer,
        version: Option<i64>,
        b: UpdateFreelancer,
    ) -> Result<Freelancer, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let mut values: Vec<(&str, Value)> = Vec::new();
        if let Some(n) = &b.name {
            values.push(("name", Value::from(v.text("name", n, 1, 200))));
        }
        if let Some(e) = &b.email {
            values.push(("email", Value::Text(v.opt_text("email", e.as_deref(), 200))));
        }
        if let Some(s) = &b.skills {
            values.push(("skills", Value::json(&skills(&mut v, s))));
        }
        if let Some(r) = b.hourly_rate {
            values.push(("hourly_rate", Value::from(v.range("hourly_rate", r, 0, kasir_domain::MAX_MONEY))));
        }
        if let Some(p) = &b.portfolio {
            values.push(("portfolio", Value::Text(v.opt_text("portfolio", p.as_deref(), 500))));
        }
        finish(v)?;
        Ok(crud::update(tx, &FREELANCERS, scope, &current.id, version, &values).await?)
    }
}
