//! Work shifts, rosters, holidays, attendance places and leave types.

use super::*;

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
