//! The demo tenant's staff (`kasir serve --demo`).

use kasir_store::{crud, Scope, Value};

/// A small staff: Budi (the manager, `demo-admin`) with Sari (`demo-cashier`) and Joko
/// (`demo-kitchen`) reporting to him, on morning and evening shifts rostered for this week and
/// next, the outlet's attendance place, the last three days' attendance, and leave: Joko's
/// approved for next week, Sari's waiting for Budi. Returns the employees' ids.
pub async fn seed(
    tx: &mut kasir_store::Tx,
    scope: &Scope,
    users: &[String],
    outlet_id: &str,
) -> anyhow::Result<Vec<String>> {
    use kasir_domain::workforce::{AttendanceStatus, RequestStatus};
    use kasir_store::workforce::{self as wf, attendance::ATTENDANCE, leave};
    let today: jiff::civil::Date =
        kasir_domain::time::outlet_clock(jiff::Timestamp::now(), "Asia/Jakarta").date.parse()?;
    let id = || kasir_domain::ids::new_id();
    let ops = id();
    let _: wf::Department = crud::create(
        tx,
        &wf::DEPARTMENTS,
        scope,
        &ops,
        &[
            ("name", Value::from("Operasional")),
            ("name_key", Value::from("operasional")),
            ("parent_id", Value::Text(None)),
        ],
    )
    .await?;
    let mut positions = Vec::new();
    for name in ["Manajer outlet", "Kasir", "Juru masak"] {
        let pid = id();
        let _: wf::Position = crud::create(
            tx,
            &wf::POSITIONS,
            scope,
            &pid,
            &[("name", Value::from(name)), ("department_id", Value::from(ops.as_str()))],
        )
        .await?;
        positions.push(pid);
    }
    let mut employees: Vec<String> = Vec::new();
    for (i, (code, name, phone)) in [
        ("E001", "Budi Santoso", "+628111000001"),
        ("E002", "Sari Wulandari", "+628111000002"),
        ("E003", "Joko Prasetyo", "+628111000003"),
    ]
    .into_iter()
    .enumerate()
    {
        let eid = id();
        let manager = if i == 0 { None } else { employees.first().cloned() };
        let values = [
            ("user_id", Value::Text(users.get(i).cloned())),
            ("code", Value::from(code)),
            ("code_key", Value::from(code.to_lowercase())),
            ("name", Value::from(name)),
            ("email", Value::Text(None)),
            ("phone", Value::from(phone)),
            ("department_id", Value::from(ops.as_str())),
            ("position_id", Value::from(positions[i].as_str())),
            ("manager_id", Value::Text(manager)),
            ("outlet_ids", Value::json(&vec![outlet_id.to_string()])),
            ("join_date", Value::from("2025-02-03")),
            ("status", Value::from("active")),
        ];
        let _: wf::Employee = crud::create(tx, &wf::EMPLOYEES, scope, &eid, &values).await?;
        employees.push(eid);
    }
    let mut shifts = Vec::new();
    for (name, start, end) in [("Pagi", "07:00", "15:00"), ("Sore", "14:00", "22:00")] {
        let sid = id();
        let values = [
            ("name", Value::from(name)),
            ("start_time", Value::from(start)),
            ("end_time", Value::from(end)),
            ("grace_minutes", Value::from(10)),
        ];
        let _: wf::WorkShift = crud::create(tx, &wf::WORK_SHIFTS, scope, &sid, &values).await?;
        shifts.push(sid);
    }
    let location = [
        ("name", Value::from("Kopi Kasir Sudirman")),
        ("latitude", Value::from(-6_208_763)),
        ("longitude", Value::from(106_821_868)),
        ("radius_m", Value::from(150)),
    ];
    let place = id();
    let _: wf::Location = crud::create(tx, &wf::LOCATIONS, scope, &place, &location).await?;
    let _: wf::Holiday = crud::create(
        tx,
        &wf::HOLIDAYS,
        scope,
        &id(),
        &[("date", Value::from(format!("{}-01-01", today.year() + 1))), ("name", Value::from("Tahun Baru"))],
    )
    .await?;
    // Rostered from three days ago to a week ahead: Budi and Sari mornings, Joko evenings.
    for offset in -3..=7 {
        let day = today.checked_add(jiff::Span::new().days(offset))?;
        for (e, shift) in [(0, 0), (1, 0), (2, 1)] {
            let values = [
                ("employee_id", Value::from(employees[e].as_str())),
                ("date", Value::from(day.to_string())),
                ("work_shift_id", Value::from(shifts[shift].as_str())),
            ];
            let _: wf::Roster = crud::create(tx, &wf::ROSTERS, scope, &id(), &values).await?;
        }
        // The last three days' attendance: Sari was late once.
        if offset < 0 {
            for (e, shift_start, minutes_late) in
                [(0usize, 7, 0), (1, 7, if offset == -2 { 18 } else { 0 }), (2, 14, 0)]
            {
                let local_in = day.at(shift_start, 0, 0, 0).checked_sub(jiff::Span::new().minutes(5 - minutes_late))?;
                let zone = jiff::tz::TimeZone::get("Asia/Jakarta")?;
                let at_in = local_in.to_zoned(zone.clone())?.timestamp();
                let at_out = at_in.checked_add(jiff::SignedDuration::from_hours(8))?;
                let status = if minutes_late > 10 { AttendanceStatus::Late } else { AttendanceStatus::Present };
                let values = [
                    ("employee_id", Value::from(employees[e].as_str())),
                    ("date", Value::from(day.to_string())),
                    ("status", Value::from(status.as_str())),
                    ("work_shift_id", Value::from(shifts[usize::from(e == 2)].as_str())),
                    ("open", Value::from(0)),
                    ("check_in_at", Value::from(kasir_domain::time::format_ts(at_in))),
                    ("check_in_latitude", Value::from(-6_208_700)),
                    ("check_in_longitude", Value::from(106_821_900)),
                    ("location_id", Value::from(place.as_str())),
                    ("distance_m", Value::from(8)),
                    ("check_out_at", Value::from(kasir_domain::time::format_ts(at_out))),
                    ("worked_minutes", Value::from(480)),
                ];
                let _: wf::attendance::Attendance = crud::create(tx, &ATTENDANCE, scope, &id(), &values).await?;
            }
        }
    }
    // Leave: annual (12 days a year) and sick (3, with a note).
    let annual = id();
    let _: wf::LeaveType = crud::create(
        tx,
        &wf::LEAVE_TYPES,
        scope,
        &annual,
        &[
            ("name", Value::from("Cuti tahunan")),
            ("kind", Value::from("annual")),
            ("days_per_year", Value::from(12)),
            ("requires_document", Value::from(false)),
        ],
    )
    .await?;
    let _: wf::LeaveType = crud::create(
        tx,
        &wf::LEAVE_TYPES,
        scope,
        &id(),
        &[
            ("name", Value::from("Sakit")),
            ("kind", Value::from("special")),
            ("days_per_year", Value::from(3)),
            ("requires_document", Value::from(true)),
        ],
    )
    .await?;
    // Joko: next Monday and Tuesday, approved by Budi; Sari: the Thursday after, waiting.
    let mut monday = today.tomorrow()?;
    while monday.weekday() != jiff::civil::Weekday::Monday {
        monday = monday.tomorrow()?;
    }
    let year = i64::from(monday.year());
    for (e, start, days, status) in [
        (2usize, monday, 2i64, RequestStatus::Approved),
        (1, monday.checked_add(jiff::Span::new().days(3))?, 1, RequestStatus::Pending),
    ] {
        let end = start.checked_add(jiff::Span::new().days(days - 1))?;
        let approved = status == RequestStatus::Approved;
        let balance = [
            ("employee_id", Value::from(employees[e].as_str())),
            ("leave_type_id", Value::from(annual.as_str())),
            ("year", Value::from(year)),
            ("total", Value::from(12)),
            ("used", Value::from(if approved { days } else { 0 })),
            ("pending", Value::from(if approved { 0 } else { days })),
        ];
        let _: leave::Balance = crud::create(tx, &leave::BALANCES, scope, &id(), &balance).await?;
        let request = [
            ("employee_id", Value::from(employees[e].as_str())),
            ("leave_type_id", Value::from(annual.as_str())),
            ("kind", Value::from("annual")),
            ("start_date", Value::from(start.to_string())),
            ("end_date", Value::from(end.to_string())),
            ("days", Value::from(days)),
            ("reason", Value::from(if approved { "Acara keluarga" } else { "Urusan pribadi" })),
            ("document_file_ids", Value::from("[]")),
            ("status", Value::from(status.as_str())),
            ("decided_by", Value::Text(approved.then(|| users[0].clone()))),
            ("decided_at", Value::Text(approved.then(kasir_domain::time::now))),
            ("notes", Value::Text(None)),
            ("created_by", Value::Text(users.get(e).cloned())),
        ];
        let _: leave::LeaveRequest = crud::create(tx, &leave::LEAVE_REQUESTS, scope, &id(), &request).await?;
        if approved {
            let mut d = start;
            while d <= end {
                let values = [
                    ("employee_id", Value::from(employees[e].as_str())),
                    ("date", Value::from(d.to_string())),
                    ("status", Value::from(AttendanceStatus::Leave.as_str())),
                    ("open", Value::from(0)),
                ];
                let _: wf::attendance::Attendance = crud::create(tx, &ATTENDANCE, scope, &id(), &values).await?;
                d = d.tomorrow()?;
            }
        }
    }
    Ok(employees)
}
