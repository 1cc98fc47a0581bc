//! Checking in and out, and marking no-shows absent. The server's clock decides the day and
//! whether a check-in is late (the device's time is recorded beside it, never trusted); a
//! check-in must be within the radius of one of the tenant's attendance places (haversine
//! distance from the reported position), with a photo when the tenant requires one; an employee
//! has at most one open check-in (a partial unique index holds it under concurrent requests).

use jiff::Timestamp;
use kasir_domain::{
    workforce::{distance_m, roster_day, valid_coordinates, AttendanceStatus, Degrees, ShiftHours},
    ErrorCode, FieldError, Violations,
};
use kasir_store::{
    crud,
    workforce::{
        attendance::{self, Attendance, ATTENDANCE},
        Employee, Location,
    },
    Actor, Db, Scope, StoreError, Value,
};

use crate::api::{rule, ApiError};

/// A check-in or check-out as the device reports it.
#[derive(Debug, Clone)]
pub struct Punch {
    pub latitude: f64,
    pub longitude: f64,
    pub photo_file_id: Option<String>,
    /// The device's time (RFC 3339), recorded only.
    pub at: Option<String>,
}

/// The place a position is at: the nearest within its radius; 422 `outside_geofence` otherwise.
fn place(locations: &[Location], lat: f64, lon: f64) -> Result<(String, i64), ApiError> {
    let nearest = locations
        .iter()
        .map(|l| (l, distance_m(l.latitude.as_f64(), l.longitude.as_f64(), lat, lon)))
        .min_by(|a, b| a.1.total_cmp(&b.1));
    match nearest {
        Some((l, d)) if d <= l.radius_m as f64 => Ok((l.id.clone(), d.round() as i64)),
        Some((l, d)) => Err(rule(
            ErrorCode::OutsideGeofence,
            format!("you are {:.0} m from {}, which takes check-ins within {} m", d, l.name, l.radius_m),
        )),
        None => Err(rule(ErrorCode::OutsideGeofence, "this business has no attendance places set up".into())),
    }
}

/// Checks the position and the device's time.
fn check(v: &mut Violations, p: &Punch) -> Option<String> {
    if !valid_coordinates(p.latitude, p.longitude) {
        v.add("latitude", "latitude must be -90 to 90 and longitude -180 to 180");
    }
    p.at.as_deref().and_then(|raw| {
        let t = kasir_domain::time::parse_ts(raw);
        if t.is_none() {
            v.add("at", "must be an RFC 3339 time");
        }
        t
    })
}

/// Checks `employee` in now.
#[tracing::instrument(skip_all)]
pub async fn check_in(db: &Db, actor: Actor, employee: &Employee, p: Punch) -> Result<Attendance, ApiError> {
    let mut v = Violations::new();
    let device_at = check(&mut v, &p);
    let (zone, photo_required) = kasir_store::workforce::attendance_settings(db, &employee.tenant_id).await?;
    let photo = match p.photo_file_id.as_deref() {
        Some(raw) => {
            let id = kasir_domain::ids::parse_id(raw);
            if id.is_none() {
                v.add("photo_file_id", "must be a UUID");
            }
            id
        }
        None if photo_required => {
            v.add("photo_file_id", "is required: this business asks for a photo with each check-in");
            None
        }
        None => None,
    };
    v.finish().map_err(ApiError::Validation)?;
    if kasir_domain::workforce::EmployeeStatus::Inactive.is(&employee.status) {
        return Err(rule(ErrorCode::InvalidTransition, "this employee is inactive".into()));
    }
    if let Some(id) = &photo {
        let file = kasir_store::platform::files::get(db, id).await?;
        if file.is_none_or(|f| f.tenant_id.as_deref() != Some(employee.tenant_id.as_str())) {
            return Err(ApiError::MissingRefs(vec![FieldError::new("photo_file_id", "no such file")]));
        }
    }
    let locations = kasir_store::workforce::locations(db, &employee.tenant_id).await?;
    let (location_id, distance) = place(&locations, p.latitude, p.longitude)?;

    // The day and lateness, on the business's wall clock.
    let now = Timestamp::now();
    let local = kasir_domain::time::outlet_clock(now, &zone);
    let wall: jiff::civil::DateTime =
        local.wall_time.parse().map_err(|e| ApiError::internal("reading the wall clock", e))?;
    let today = wall.date();
    let yesterday = today.yesterday().unwrap_or(today);
    let rostered = attendance::rostered(db, &employee.id, &[yesterday.to_string(), today.to_string()]).await?;
    let shifts: Vec<(jiff::civil::Date, ShiftHours, String)> = rostered
        .iter()
        .filter_map(|r| {
            let hours = ShiftHours {
                start: kasir_domain::workforce::parse_time(&r.start_time)?,
                end: kasir_domain::workforce::parse_time(&r.end_time)?,
                grace_minutes: r.grace_minutes,
            };
            Some((r.date.parse().ok()?, hours, r.work_shift_id.clone()))
        })
        .collect();
    let plain: Vec<(jiff::civil::Date, ShiftHours)> = shifts.iter().map(|(d, h, _)| (*d, *h)).collect();
    let (day, status, work_shift_id) = match roster_day(wall, &plain) {
        Some((day, hours)) => {
            let late = hours.is_late(day, wall);
            let shift = shifts.iter().find(|(d, _, _)| *d == day).map(|(_, _, id)| id.clone());
            (day, if late { AttendanceStatus::Late } else { AttendanceStatus::Present }, shift)
        }
        None => (today, AttendanceStatus::Present, None),
    };

    let scope = Scope::tenant(&employee.tenant_id);
    let mut tx = db.begin(actor).await?;
    let twice = || rule(ErrorCode::AlreadyCheckedIn, "you are checked in already: check out first".into());
    if attendance::open_of(&mut tx, &employee.id).await?.is_some() {
        return Err(twice());
    }
    let existing = attendance::on_date(&mut tx, &employee.id, &day.to_string()).await?;
    let values = vec![
        ("status", Value::from(status.as_str())),
        ("work_shift_id", Value::Text(work_shift_id)),
        ("open", Value::Int(Some(1))),
        ("check_in_at", Value::from(kasir_domain::time::format_ts(now))),
        ("check_in_device_at", Value::Text(device_at)),
        ("check_in_latitude", Value::Int(Degrees::from_f64(p.latitude).map(|d| d.0))),
        ("check_in_longitude", Value::Int(Degrees::from_f64(p.longitude).map(|d| d.0))),
        ("location_id", Value::from(location_id)),
        ("distance_m", Value::Int(Some(distance))),
        ("photo_file_id", Value::Text(photo)),
    ];
    let written: Result<Attendance, StoreError> = match existing {
        // Marked absent before the employee came: the check-in counts.
        Some(a) if AttendanceStatus::Absent.is(&a.status) => {
            crud::update(&mut tx, &ATTENDANCE, &scope, &a.id, None, &values).await
        }
        Some(a) if AttendanceStatus::Leave.is(&a.status) => {
            return Err(rule(ErrorCode::AlreadyCheckedIn, format!("you are on leave on {}", a.date)))
        }
        Some(_) => return Err(twice()),
        None => {
            let mut all =
                vec![("employee_id", Value::from(employee.id.as_str())), ("date", Value::from(day.to_string()))];
            all.extend(values);
            crud::create(&mut tx, &ATTENDANCE, &scope, &kasir_domain::ids::new_id(), &all).await
        }
    };
    let record = match written {
        Ok(r) => r,
        // Another check-in of the same person won the race.
        Err(StoreError::Conflict { .. }) => return Err(twice()),
        Err(e) => return Err(e.into()),
    };
    tx.commit().await?;
    Ok(record)
}

/// Checks `employee` out of their open check-in.
#[tracing::instrument(skip_all)]
pub async fn check_out(db: &Db, actor: Actor, employee: &Employee, p: Punch) -> Result<Attendance, ApiError> {
    let mut v = Violations::new();
    let device_at = check(&mut v, &p);
    v.finish().map_err(ApiError::Validation)?;
    let locations = kasir_store::workforce::locations(db, &employee.tenant_id).await?;
    place(&locations, p.latitude, p.longitude)?;
    let now = Timestamp::now();
    let scope = Scope::tenant(&employee.tenant_id);
    let mut tx = db.begin(actor).await?;
    let Some(open) = attendance::open_of(&mut tx, &employee.id).await? else {
        return Err(rule(ErrorCode::NotCheckedIn, "you are not checked in".into()));
    };
    let since: Timestamp = open
        .check_in_at
        .as_deref()
        .and_then(|t| t.parse().ok())
        .ok_or_else(|| ApiError::Internal(format!("attendance {} has no check-in time", open.id)))?;
    let worked = (now.as_second() - since.as_second()).max(0) / 60;
    let values = [
        ("open", Value::Int(Some(0))),
        ("check_out_at", Value::from(kasir_domain::time::format_ts(now))),
        ("check_out_device_at", Value::Text(device_at)),
        ("check_out_latitude", Value::Int(Degrees::from_f64(p.latitude).map(|d| d.0))),
        ("check_out_longitude", Value::Int(Degrees::from_f64(p.longitude).map(|d| d.0))),
        ("worked_minutes", Value::Int(Some(worked))),
    ];
    let record: Attendance = crud::update(&mut tx, &ATTENDANCE, &scope, &open.id, Some(open.version), &values).await?;
    tx.commit().await?;
    Ok(record)
}

/// Marks the tenant's rostered no-shows of `date` absent; how many.
#[tracing::instrument(skip_all)]
pub async fn mark_absent(db: &Db, tenant_id: &str, date: &str) -> Result<usize, ApiError> {
    let missing = attendance::absentees(db, tenant_id, date).await?;
    if missing.is_empty() {
        return Ok(0);
    }
    let rows: Vec<crud::NewRow> = missing
        .iter()
        .map(|(employee, shift)| {
            let values = vec![
                ("employee_id", Value::from(employee.as_str())),
                ("date", Value::from(date)),
                ("status", Value::from(AttendanceStatus::Absent.as_str())),
                ("work_shift_id", Value::from(shift.as_str())),
                ("open", Value::Int(Some(0))),
            ];
            (kasir_domain::ids::new_id(), values)
        })
        .collect();
    let mut tx = db.begin(Actor::system()).await?;
    match crud::create_many::<Attendance>(&mut tx, &ATTENDANCE, &Scope::tenant(tenant_id), &rows).await {
        Ok(made) => {
            tx.commit().await?;
            Ok(made.len())
        }
        // Someone checked in meanwhile: the next run marks the rest.
        Err(StoreError::Conflict { .. }) => Ok(0),
        Err(e) => Err(e.into()),
    }
}
