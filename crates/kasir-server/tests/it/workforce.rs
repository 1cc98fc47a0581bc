//! Workforce (issue 18): HR records, attendance with geofence, photo and the server's clock,
//! leave with balances, approvals and concurrency, permits, the daily jobs and the monthly report.

use std::time::Duration;

use jiff::{civil::Date, tz::TimeZone, Timestamp, ToSpan};
use serde_json::{json, Value};

use crate::{
    common::{eventually, upload, Backend, Resp, TestServer, PASSWORD},
    files::png,
    till::id,
};

crate::backend_tests!(
    attendance_follows_the_geofence_the_roster_and_the_servers_clock,
    leave_balances_hold_under_approvals_cancels_and_concurrent_applications,
    hr_records_check_their_references_and_callers,
    the_demo_shop_has_a_small_staff,
);

async fn the_demo_shop_has_a_small_staff(b: Backend) {
    let s = TestServer::start(b).await;
    kasir_server::demo::seed(&s.state).await.expect("the demo");
    let owner = s.token("demo-owner", kasir_server::demo::DEMO_PASSWORD).await;
    let employees = ok(s.get("/employees?sort=code", &owner).await, 200).await;
    let names: Vec<&str> = employees.as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["Budi Santoso", "Sari Wulandari", "Joko Prasetyo"]);
    // The manager sees his reports' attendance and decides Sari's waiting leave.
    let budi = s.token("demo-admin", kasir_server::demo::DEMO_PASSWORD).await;
    let worked = s.get("/attendance?status=present", &budi).await;
    assert!(worked.body["pagination"]["total"].as_i64().unwrap() >= 8, "{:?}", worked.body);
    let late = s.get("/attendance?status=late", &owner).await;
    assert_eq!(late.body["pagination"]["total"], 1);
    let waiting = ok(s.get("/leave?status=pending", &budi).await, 200).await;
    assert_eq!(waiting.as_array().unwrap().len(), 1);
    let id = waiting[0]["id"].as_str().unwrap();
    ok(s.post(&format!("/leave/{id}/approval"), &budi, json!({"action": "approve"})).await, 200).await;
    let sari = waiting[0]["employee_id"].as_str().unwrap();
    let year = waiting[0]["start_date"].as_str().unwrap()[..4].to_string();
    let balance = ok(s.get(&format!("/leave/balance/{sari}?year={year}"), &budi).await, 200).await;
    assert_eq!(balance["annual"], json!({"total": 12, "used": 1, "pending": 0, "remaining": 11}));
}

/// The outlet's attendance place: Monas, Jakarta, 100 m.
const LAT: f64 = -6.175392;
const LON: f64 = 106.827153;

/// A point `metres` north of the place.
fn north(metres: f64) -> f64 {
    LAT + metres / 111_195.0
}

struct Hr {
    s: TestServer,
    owner: String,
    tenant_id: String,
    /// Tokens of the employees' logins.
    sari: String,
    budi: String,
    /// Employee ids.
    sari_id: String,
    budi_id: String,
    eko_id: String,
}

async fn ok(r: Resp, status: u16) -> Value {
    assert_eq!(r.status, status, "{:?}", r.body);
    r.data().clone()
}

async fn hr(b: Backend) -> Hr {
    let s = TestServer::start_with(b, |c| c.jobs.poll = Duration::from_millis(20)).await;
    let t = s.tenant("acme").await;
    let outlet = s.outlet(&t.owner, "K01").await;
    let sari_user = s.user(&t.owner, "sari", "employee", &[&outlet]).await;
    let budi_user = s.user(&t.owner, "budi", "employee", &[&outlet]).await;
    let ops = id(&s.post("/departments", &t.owner, json!({"name": "Operations"})).await);
    let cook = id(&s.post("/positions", &t.owner, json!({"name": "Cook", "department_id": ops})).await);
    let emp = |code: &str, name: &str, user: Option<&str>, manager: Option<&str>| {
        json!({"code": code, "name": name, "user_id": user, "manager_id": manager, "department_id": ops,
               "position_id": cook, "outlet_ids": [outlet], "join_date": "2025-01-06"})
    };
    let sari_id = id(&s.post("/employees", &t.owner, emp("E01", "Sari", Some(&sari_user), None)).await);
    let budi_id = id(&s.post("/employees", &t.owner, emp("E02", "Budi", Some(&budi_user), Some(&sari_id))).await);
    let eko_id = id(&s.post("/employees", &t.owner, emp("E03", "Eko", None, Some(&sari_id))).await);
    let place = s
        .post(
            "/attendance-locations",
            &t.owner,
            json!({"name": "Outlet Monas", "latitude": LAT, "longitude": LON, "radius_m": 100}),
        )
        .await;
    assert_eq!(place.status, 201, "{:?}", place.body);
    assert_eq!((place.data()["latitude"].as_f64(), place.data()["radius_m"].as_i64()), (Some(LAT), Some(100)));
    let sari = s.token("sari", PASSWORD).await;
    let budi = s.token("budi", PASSWORD).await;
    Hr { owner: t.owner, tenant_id: t.id, sari, budi, sari_id, budi_id, eko_id, s }
}

/// Now on the tenant's wall clock (Asia/Jakarta), to the minute.
fn jakarta_now() -> jiff::civil::DateTime {
    let now = Timestamp::now().to_zoned(TimeZone::get("Asia/Jakarta").unwrap()).datetime();
    now.with().second(0).subsec_nanosecond(0).build().unwrap()
}

/// Rosters `employee` on a shift starting at `start` (a wall-clock time) for eight hours.
async fn roster_from(h: &Hr, employee: &str, start: jiff::civil::DateTime, grace: i64) -> String {
    let end = start.checked_add(8.hours()).unwrap();
    let shift =
        h.s.post(
            "/work-shifts",
            &h.owner,
            json!({"name": format!("S{}", start.strftime("%H%M")), "start_time": start.strftime("%H:%M").to_string(),
                   "end_time": end.strftime("%H:%M").to_string(), "grace_minutes": grace}),
        )
        .await;
    let shift = id(&shift);
    let r =
        h.s.post(
            "/rosters/bulk",
            &h.owner,
            json!({"items": [{"employee_id": employee, "date": start.date().to_string(), "work_shift_id": shift}]}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    shift
}

async fn attendance_follows_the_geofence_the_roster_and_the_servers_clock(b: Backend) {
    let h = hr(b).await;
    let s = &h.s;
    let now = jakarta_now();
    // Budi's shift began an hour ago (10 minutes' grace): late. Eko's starts in half an hour.
    roster_from(&h, &h.budi_id, now.checked_sub(1.hour()).unwrap(), 10).await;
    roster_from(&h, &h.eko_id, now.checked_add(30.minutes()).unwrap(), 5).await;

    let far = s.post("/attendance/check-in", &h.budi, json!({"latitude": north(150.0), "longitude": LON})).await;
    assert_eq!((far.status, far.code()), (422, "outside_geofence"), "{:?}", far.body);
    assert!(far.body["message"].as_str().unwrap().starts_with("you are 150 m from Outlet Monas"), "{:?}", far.body);
    let device = "2020-01-01T00:00:00Z";
    let inn = ok(
        s.post("/attendance/check-in", &h.budi, json!({"latitude": north(50.0), "longitude": LON, "at": device})).await,
        201,
    )
    .await;
    assert_eq!(inn["status"], "late", "the server's clock decides, not the device's");
    assert_eq!(inn["date"], now.checked_sub(1.hour()).unwrap().date().to_string());
    assert_eq!(
        (inn["distance_m"].as_i64(), inn["check_in_device_at"].as_str()),
        (Some(50), Some("2020-01-01T00:00:00.000Z"))
    );
    assert_eq!(inn["employee_id"], h.budi_id.as_str());
    let twice = s.post("/attendance/check-in", &h.budi, json!({"latitude": LAT, "longitude": LON})).await;
    assert_eq!((twice.status, twice.code()), (422, "already_checked_in"));
    // Budi is no one's manager; Sari manages Eko.
    let not_his = s
        .post("/attendance/check-in", &h.budi, json!({"employee_id": h.eko_id, "latitude": LAT, "longitude": LON}))
        .await;
    assert_eq!(not_his.status, 403);
    let eko = ok(
        s.post("/attendance/check-in", &h.sari, json!({"employee_id": h.eko_id, "latitude": LAT, "longitude": LON}))
            .await,
        201,
    )
    .await;
    assert_eq!(eko["status"], "present");
    let out = ok(s.post("/attendance/check-out", &h.budi, json!({"latitude": LAT, "longitude": LON})).await, 200).await;
    assert_eq!((out["worked_minutes"].as_i64(), out["check_out_at"].is_string()), (Some(0), true));
    let again = s.post("/attendance/check-out", &h.budi, json!({"latitude": LAT, "longitude": LON})).await;
    assert_eq!((again.status, again.code()), (422, "not_checked_in"));
    let bad = s.post("/attendance/check-in", &h.sari, json!({"latitude": 91.0, "longitude": LON})).await;
    assert_eq!(bad.status, 400);

    // The business asks for a photo.
    let t = s.patch(&format!("/tenants/{}", h.tenant_id), &h.owner, json!({"attendance_photo_required": true})).await;
    assert_eq!(t.status, 200, "{:?}", t.body);
    let bare = s.post("/attendance/check-in", &h.sari, json!({"latitude": LAT, "longitude": LON})).await;
    assert_eq!((bare.status, bare.fields()), (400, vec!["photo_file_id".to_string()]));
    let photo = upload(s, &h.sari, "/files", "me.png", png(64, 64), &[("purpose", "attendance_photo")]).await;
    assert_eq!(photo.status, 201, "{:?}", photo.body);
    let sari = ok(
        s.post(
            "/attendance/check-in",
            &h.sari,
            json!({"latitude": LAT, "longitude": LON, "photo_file_id": id(&photo)}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!((sari["status"].as_str(), sari["photo_file_id"].as_str()), (Some("present"), Some(id(&photo).as_str())));

    // Lists: Budi sees his own; Sari hers and her reports'; HR all, filtered.
    let count = |r: Resp| r.body["pagination"]["total"].as_i64().unwrap();
    assert_eq!(count(s.get("/attendance", &h.budi).await), 1);
    assert_eq!(count(s.get("/attendance", &h.sari).await), 3);
    assert_eq!(count(s.get(&format!("/attendance?employee_id={}", h.eko_id), &h.budi).await), 0);
    assert_eq!(count(s.get("/attendance?status=late", &h.owner).await), 1);

    // Yesterday's rostered no-show is marked absent by the daily job.
    let yesterday = now.date().yesterday().unwrap();
    let shift = roster_from(&h, &h.sari_id, yesterday.at(9, 0, 0, 0), 0).await;
    let _ = shift;
    let job = kasir_store::platform::jobs::NewJob {
        tenant_id: Some(h.tenant_id.clone()),
        ..kasir_store::platform::jobs::NewJob::new("mark_absent", json!({}))
    };
    s.state.jobs.enqueue(&s.state.db, &job).await.unwrap();
    let admin = s.admin().await;
    eventually(30, "the job done", || async {
        let r = s.get("/jobs?kind=mark_absent", &admin).await;
        assert_ne!(r.data()[0]["status"], "failed", "{:?}", r.body);
        (r.data()[0]["status"] == "done").then_some(())
    })
    .await;
    let absent = s.get(&format!("/attendance?status=absent&employee_id={}", h.sari_id), &h.owner).await;
    assert_eq!(absent.data()[0]["date"], yesterday.to_string(), "{:?}", absent.body);

    // The month's report, as JSON and as CSV.
    let (month, year) = (now.month(), now.year());
    let report = ok(s.get(&format!("/attendance/report?month={month}&year={year}"), &h.owner).await, 200).await;
    let rows: Vec<(String, i64, i64, i64)> = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["code"].as_str().unwrap().to_string(),
                r["present_days"].as_i64().unwrap(),
                r["late_days"].as_i64().unwrap(),
                r["absent_days"].as_i64().unwrap(),
            )
        })
        .collect();
    let absent_this_month = i64::from(yesterday.month() == month);
    assert_eq!(
        rows,
        vec![("E01".to_string(), 1, 0, absent_this_month), ("E02".to_string(), 0, 1, 0), ("E03".to_string(), 1, 0, 0)]
    );
    let csv = s
        .raw()
        .get(format!("{}/api/v1/attendance/report?month={month}&year={year}&format=csv", s.base))
        .bearer_auth(&h.owner)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    let text = csv.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "code,name,present_days,late_days,absent_days,leave_days,worked_hours");
    assert_eq!(lines[2], "E02,Budi,0,1,0,0,0");
    assert_eq!(s.get(&format!("/attendance/report?month={month}&year={year}"), &h.budi).await.status, 403);
}

/// The Monday of the `n`th week of March next year.
fn monday(n: i64) -> Date {
    let year = Timestamp::now().to_zoned(TimeZone::UTC).year() + 1;
    let mut d = jiff::civil::date(year, 3, 1);
    while d.weekday() != jiff::civil::Weekday::Monday {
        d = d.tomorrow().unwrap();
    }
    d.checked_add((7 * n).days()).unwrap()
}

fn leave(employee: Option<&str>, t: &str, start: Date, end: Date) -> Value {
    json!({"employee_id": employee, "leave_type_id": t, "start_date": start.to_string(), "end_date": end.to_string(), "reason": "family"})
}

async fn balance(h: &Hr, token: &str, employee: &str, year: i16) -> Value {
    ok(h.s.get(&format!("/leave/balance/{employee}?year={year}"), token).await, 200).await
}

async fn leave_balances_hold_under_approvals_cancels_and_concurrent_applications(b: Backend) {
    let h = hr(b).await;
    let s = &h.s;
    let annual = id(&s
        .post("/leave-types", &h.owner, json!({"name": "Cuti tahunan", "kind": "annual", "days_per_year": 12}))
        .await);
    let special = id(&s
        .post(
            "/leave-types",
            &h.owner,
            json!({"name": "Sakit", "kind": "special", "days_per_year": 3, "requires_document": true}),
        )
        .await);
    let collective = id(&s
        .post("/leave-types", &h.owner, json!({"name": "Cuti bersama", "kind": "collective", "days_per_year": 2}))
        .await);
    let week = monday(0);
    let year = week.year();
    // Wednesday is a holiday: Monday to Sunday holds four working days.
    ok(
        s.post(
            "/holidays",
            &h.owner,
            json!({"date": week.checked_add(2.days()).unwrap().to_string(), "name": "Nyepi"}),
        )
        .await,
        201,
    )
    .await;
    let r =
        ok(s.post("/leave/apply", &h.budi, leave(None, &annual, week, week.checked_add(6.days()).unwrap())).await, 201)
            .await;
    assert_eq!(
        (r["days"].as_i64(), r["status"].as_str(), r["kind"].as_str()),
        (Some(4), Some("pending"), Some("annual"))
    );
    let first = r["id"].as_str().unwrap().to_string();
    assert_eq!(
        balance(&h, &h.budi, &h.budi_id, year).await["annual"],
        json!({"total": 12, "used": 0, "pending": 4, "remaining": 8})
    );
    let overlap = s
        .post(
            "/leave/apply",
            &h.budi,
            leave(None, &annual, week.checked_add(4.days()).unwrap(), week.checked_add(8.days()).unwrap()),
        )
        .await;
    assert_eq!((overlap.status, overlap.code()), (422, "overlapping_leave"));
    let weekend = s
        .post(
            "/leave/apply",
            &h.budi,
            leave(None, &annual, week.checked_add(12.days()).unwrap(), week.checked_add(13.days()).unwrap()),
        )
        .await;
    assert_eq!((weekend.status, weekend.fields()), (400, vec!["end_date".to_string()]), "no working day");
    let no_doc = s.post("/leave/apply", &h.budi, leave(None, &special, monday(2), monday(2))).await;
    assert_eq!((no_doc.status, no_doc.fields()), (400, vec!["document_file_ids".to_string()]));

    // Budi cannot decide his own; Sari, his manager, approves.
    let own = s.post(&format!("/leave/{first}/approval"), &h.budi, json!({"action": "approve"})).await;
    assert_eq!(own.status, 403);
    let approved = ok(
        s.post(&format!("/leave/{first}/approval"), &h.sari, json!({"action": "approve", "notes": "ok"})).await,
        200,
    )
    .await;
    assert_eq!((approved["status"].as_str(), approved["notes"].as_str()), (Some("approved"), Some("ok")));
    assert_eq!(
        balance(&h, &h.owner, &h.budi_id, year).await["annual"],
        json!({"total": 12, "used": 4, "pending": 0, "remaining": 8})
    );
    let days = s.get(&format!("/attendance?employee_id={}&status=leave", h.budi_id), &h.owner).await;
    assert_eq!(days.body["pagination"]["total"], 4, "each working day marked leave");
    let twice = s.post(&format!("/leave/{first}/approval"), &h.sari, json!({"action": "reject"})).await;
    assert_eq!((twice.status, twice.code()), (422, "invalid_transition"));
    // Cancelling gives the days back and clears them from attendance.
    ok(s.post(&format!("/leave/{first}/cancel"), &h.budi, json!({})).await, 200).await;
    assert_eq!(
        balance(&h, &h.budi, &h.budi_id, year).await["annual"],
        json!({"total": 12, "used": 0, "pending": 0, "remaining": 12})
    );
    let days = s.get(&format!("/attendance?employee_id={}&status=leave", h.budi_id), &h.owner).await;
    assert_eq!(days.body["pagination"]["total"], 0);

    // Ten applications of three days at once against twelve: exactly four are held.
    let tries = (1..=10).map(|n| {
        let body = leave(None, &annual, monday(n), monday(n).checked_add(2.days()).unwrap());
        let (s, token) = (&h.s, h.budi.clone());
        async move { s.post("/leave/apply", &token, body).await }
    });
    let answers = futures::future::join_all(tries).await;
    let held = answers.iter().filter(|r| r.status == 201).count();
    let short = answers.iter().filter(|r| r.status == 422 && r.code() == "insufficient_leave_balance").count();
    assert_eq!(
        (held, short),
        (4, 6),
        "{:?}",
        answers.iter().map(|r| (r.status, r.code().to_string())).collect::<Vec<_>>()
    );
    let bal = balance(&h, &h.budi, &h.budi_id, year).await;
    assert_eq!(bal["annual"], json!({"total": 12, "used": 0, "pending": 12, "remaining": 0}));
    let pending = s.get(&format!("/leave?employee_id={}&status=pending", h.budi_id), &h.owner).await;
    let sum: i64 = pending.data().as_array().unwrap().iter().map(|r| r["days"].as_i64().unwrap()).sum();
    assert_eq!(sum, 12, "the balance is the sum of its requests");
    // One is rejected: its days come back.
    let one = pending.data()[0]["id"].as_str().unwrap().to_string();
    ok(
        s.post(&format!("/leave/{one}/approval"), &h.owner, json!({"action": "reject", "notes": "busy week"})).await,
        200,
    )
    .await;
    assert_eq!(balance(&h, &h.budi, &h.budi_id, year).await["annual"]["remaining"], 3);

    // Collective leave for every active employee, approved at once.
    let c = ok(
        s.post("/leave/collective", &h.owner, json!({"leave_type_id": collective, "start_date": monday(12).to_string(), "end_date": monday(12).checked_add(1.days()).unwrap().to_string(), "reason": "Lebaran"})).await,
        201,
    )
    .await;
    assert_eq!((c["applied"].as_array().unwrap().len(), c["skipped"].as_array().unwrap().len()), (3, 0));
    assert!(c["applied"].as_array().unwrap().iter().all(|r| r["status"] == "approved" && r["days"] == 2));
    assert_eq!(
        balance(&h, &h.sari, &h.eko_id, year).await["collective"],
        json!({"total": 2, "used": 2, "pending": 0, "remaining": 0})
    );
    let as_budi = s
        .post(
            "/leave/collective",
            &h.budi,
            json!({"leave_type_id": collective, "start_date": "2030-01-01", "end_date": "2030-01-01", "reason": "x"}),
        )
        .await;
    assert_eq!(as_budi.status, 403);

    // A pending request whose first day has passed is rejected by the daily job.
    let past = Timestamp::now().to_zoned(TimeZone::get("Asia/Jakarta").unwrap()).date().checked_sub(10.days()).unwrap();
    let late = ok(s.post("/leave/apply", &h.owner, leave(Some(&h.eko_id), &annual, past, past)).await, 201).await;
    let job = kasir_store::platform::jobs::NewJob {
        tenant_id: Some(h.tenant_id.clone()),
        ..kasir_store::platform::jobs::NewJob::new("reject_stale_leave", json!({}))
    };
    s.state.jobs.enqueue(&s.state.db, &job).await.unwrap();
    let late_id = late["id"].as_str().unwrap().to_string();
    eventually(30, "the stale request rejected", || async {
        let r = s.get(&format!("/leave?employee_id={}&status=rejected", h.eko_id), &h.owner).await;
        r.data().as_array().unwrap().iter().any(|x| x["id"] == late_id.as_str()).then_some(())
    })
    .await;
    let history = ok(s.get(&format!("/leave/history/{}", h.eko_id), &h.sari).await, 200).await;
    assert_eq!(history.as_array().unwrap().len(), 2);
    assert_eq!(s.get(&format!("/leave/history/{}", h.eko_id), &h.budi).await.status, 403);

    // Permits: hours within a day, decided by the manager.
    let bad = s.post("/permits/apply", &h.budi, json!({"date": "2030-01-02", "start_time": "14:00", "end_time": "13:00", "reason": "dentist", "type": "sick"})).await;
    assert_eq!((bad.status, bad.fields()), (400, vec!["end_time".to_string()]));
    let p = ok(s.post("/permits/apply", &h.budi, json!({"date": "2030-01-02", "start_time": "13:00", "end_time": "15:00", "reason": "dentist", "type": "sick"})).await, 201).await;
    assert_eq!((p["status"].as_str(), p["type"].as_str()), (Some("pending"), Some("sick")));
    let decided = ok(
        s.post(&format!("/permits/{}/approval", p["id"].as_str().unwrap()), &h.sari, json!({"action": "approve"}))
            .await,
        200,
    )
    .await;
    assert_eq!(decided["status"], "approved");
    assert_eq!(s.get("/permits?status=approved", &h.sari).await.body["pagination"]["total"], 1);
}

async fn hr_records_check_their_references_and_callers(b: Backend) {
    let h = hr(b).await;
    let s = &h.s;
    // Departments are a tree without cycles.
    let a = id(&s.post("/departments", &h.owner, json!({"name": "Kitchen"})).await);
    let b_ = id(&s.post("/departments", &h.owner, json!({"name": "Pastry", "parent_id": a})).await);
    let cycle = s.patch(&format!("/departments/{a}"), &h.owner, json!({"parent_id": b_})).await;
    assert_eq!((cycle.status, cycle.code()), (422, "category_cycle"));
    // A manager chain without cycles, unique codes, known references.
    let loop_ = s.patch(&format!("/employees/{}", h.sari_id), &h.owner, json!({"manager_id": h.budi_id})).await;
    assert_eq!((loop_.status, loop_.fields()), (400, vec!["manager_id".to_string()]));
    let dup = s.post("/employees", &h.owner, json!({"code": "e01", "name": "Other"})).await;
    assert_eq!(dup.status, 409, "{:?}", dup.body);
    let unknown = s
        .post(
            "/employees",
            &h.owner,
            json!({"code": "E09", "name": "X", "department_id": "00000000-0000-7000-8000-000000000000"}),
        )
        .await;
    assert_eq!((unknown.status, unknown.fields()), (404, vec!["department_id".to_string()]));
    let bad_shift =
        s.post("/work-shifts", &h.owner, json!({"name": "X", "start_time": "25:00", "end_time": "06:00"})).await;
    assert_eq!((bad_shift.status, bad_shift.fields()), (400, vec!["start_time".to_string()]));
    // HR records are for hr.manage: an employee login reads none of them.
    for path in [
        "/employees",
        "/departments",
        "/work-shifts",
        "/rosters",
        "/holidays",
        "/leave-types",
        "/employee-advances",
        "/freelancers",
    ] {
        assert_eq!(s.get(path, &h.budi).await.status, 403, "{path}");
    }
    // Advances, deductions, freelancers and their projects; each change is in the feed and the audit log.
    let adv = ok(
        s.post(
            "/employee-advances",
            &h.owner,
            json!({"employee_id": h.budi_id, "amount": 500000, "date": "2026-12-01", "note": "rent"}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(adv["amount"], 500000);
    ok(
        s.post(
            "/employee-deductions",
            &h.owner,
            json!({"employee_id": h.budi_id, "amount": 100000, "date": "2026-12-25", "reason": "advance"}),
        )
        .await,
        201,
    )
    .await;
    let f = ok(
        s.post("/freelancers", &h.owner, json!({"name": "Dewi", "skills": ["design", "photo"], "hourly_rate": 150000}))
            .await,
        201,
    )
    .await;
    let fid = f["id"].as_str().unwrap();
    ok(
        s.post(
            &format!("/freelancers/{fid}/projects"),
            &h.owner,
            json!({"project_name": "Menu photos", "deadline": "2027-01-15", "budget": 3000000}),
        )
        .await,
        201,
    )
    .await;
    let projects = ok(s.get(&format!("/freelancers/{fid}/projects"), &h.owner).await, 200).await;
    assert_eq!(
        (projects[0]["project_name"].as_str(), projects[0]["status"].as_str()),
        (Some("Menu photos"), Some("open"))
    );
    let audit = s.get("/audit-logs?entity=employee_advance", &h.owner).await;
    assert_eq!(audit.body["pagination"]["total"], 1);
    let feed = ok(s.get("/sync/pull?entities=employee", &h.owner).await, 200).await;
    assert_eq!(feed["changes"].as_array().unwrap().len(), 3, "three employees in the change feed");
    // A till's cashier pulls the feed without anyone's HR records.
    s.user(&h.owner, "kasir9", "cashier", &[]).await;
    let cashier = s.token("kasir9", PASSWORD).await;
    let all = ok(s.get("/sync/pull?limit=1000", &cashier).await, 200).await;
    let entities: Vec<&str> =
        all["changes"].as_array().unwrap().iter().map(|c| c["entity"].as_str().unwrap()).collect();
    assert!(
        entities.contains(&"tenant") && !entities.iter().any(|e| kasir_server::sync::pull::HR_ENTITIES.contains(e)),
        "{entities:?}"
    );
    assert_eq!(s.get("/sync/pull?entities=employee", &cashier).await.status, 403);
    let list = s.get("/employees?search=bud", &h.owner).await;
    assert_eq!(list.body["pagination"]["total"], 1);
    let by_dept = s.get("/employees?status=active", &h.owner).await;
    assert_eq!(by_dept.body["pagination"]["total"], 3);
}
