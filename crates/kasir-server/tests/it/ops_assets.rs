//! Operations (issue 19): assets with their custodians, and the fleet — vehicles, drivers with
//! their own logins, location pings (rate limited, pruned by a job) and the last known position.

use std::time::Duration;

use serde_json::{json, Value};

use crate::{
    common::{eventually, Backend, Resp, TestServer, PASSWORD},
    till::id,
};

crate::backend_tests!(
    assets_change_hands_one_custodian_at_a_time,
    drivers_log_in_and_report_where_they_are,
    operations_records_are_in_the_feed_and_the_audit_log,
);

pub fn data(r: &Resp, status: u16) -> Value {
    assert_eq!(r.status, status, "{:?}", r.body);
    r.data().clone()
}

async fn employee(s: &TestServer, owner: &str, code: &str, name: &str) -> String {
    id(&s.post("/employees", owner, json!({"code": code, "name": name})).await)
}

async fn assets_change_hands_one_custodian_at_a_time(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    let sari = employee(&s, &t.owner, "E01", "Sari").await;
    let joko = employee(&s, &t.owner, "E02", "Joko").await;
    let laptops = id(&s.post("/asset-categories", &t.owner, json!({"name": "Laptops"})).await);
    assert_eq!(s.post("/asset-categories", &t.owner, json!({"name": "laptops"})).await.status, 409);
    let make = |code: &str, status: &str| {
        json!({"asset_code": code, "name": format!("Laptop {code}"), "category_id": laptops, "serial_number": "SN-1",
               "purchase_date": "2026-01-15", "value": 12_500_000, "status": status, "location": "HQ"})
    };
    let a1 = data(&s.post("/assets", &t.owner, make("LT-001", "active")).await, 201);
    assert_eq!((a1["value"].as_i64(), a1["assigned_to"].is_null()), (Some(12_500_000), true));
    let a2 = id(&s.post("/assets", &t.owner, make("LT-002", "maintenance")).await);
    let a3 = id(&s.post("/assets", &t.owner, make("LT-003", "retired")).await);
    let dup = s.post("/assets", &t.owner, make("lt-001", "active")).await;
    assert_eq!((dup.status, dup.fields()), (409, vec!["asset_code".to_string()]));
    let bad = s.post("/assets", &t.owner, json!({"asset_code": "X", "name": "X", "status": "lost", "value": -1})).await;
    assert_eq!((bad.status, bad.fields()), (400, vec!["value".to_string(), "status".to_string()]));
    let a1 = a1["id"].as_str().unwrap().to_string();

    let codes = |r: Resp| -> Vec<String> {
        data(&r, 200).as_array().unwrap().iter().map(|a| a["asset_code"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(codes(s.get("/assets?status=maintenance", &t.owner).await), vec!["LT-002"]);
    assert_eq!(codes(s.get(&format!("/assets?category_id={laptops}&sort=asset_code"), &t.owner).await).len(), 3);

    // Assign, refuse a second custodian, return, assign again.
    let given = s
        .post(
            &format!("/assets/{a1}/assign"),
            &t.owner,
            json!({"employee_id": sari, "assign_date": "2026-02-01", "notes": "new starter"}),
        )
        .await;
    let given = data(&given, 200);
    assert_eq!(
        (given["assigned_to"].as_str(), given["assigned_since"].as_str()),
        (Some(sari.as_str()), Some("2026-02-01"))
    );
    assert_eq!(codes(s.get(&format!("/assets?assigned_to={sari}"), &t.owner).await), vec!["LT-001"]);
    let again = s
        .post(&format!("/assets/{a1}/assign"), &t.owner, json!({"employee_id": joko, "assign_date": "2026-02-02"}))
        .await;
    assert_eq!((again.status, again.code()), (422, "asset_already_assigned"));
    let retire = s.patch(&format!("/assets/{a1}"), &t.owner, json!({"status": "retired"})).await;
    assert_eq!((retire.status, retire.code()), (422, "asset_already_assigned"));
    let early = s.post(&format!("/assets/{a1}/return"), &t.owner, json!({"date": "2026-01-31"})).await;
    assert_eq!((early.status, early.fields()), (400, vec!["date".to_string()]));
    let back = s
        .post(
            &format!("/assets/{a1}/return"),
            &t.owner,
            json!({"date": "2026-03-01", "condition": "good", "notes": "scratched lid"}),
        )
        .await;
    let back = data(&back, 200);
    assert!(back["assigned_to"].is_null() && back["assigned_since"].is_null(), "{back}");
    let twice = s.post(&format!("/assets/{a1}/return"), &t.owner, json!({"date": "2026-03-02"})).await;
    assert_eq!((twice.status, twice.code()), (422, "asset_not_assignable"));
    data(
        &s.post(&format!("/assets/{a1}/assign"), &t.owner, json!({"employee_id": joko, "assign_date": "2026-03-05"}))
            .await,
        200,
    );
    let retired = s.post(&format!("/assets/{a3}/assign"), &t.owner, json!({"employee_id": joko})).await;
    assert_eq!((retired.status, retired.code()), (422, "asset_not_assignable"));
    let nobody = s.post(&format!("/assets/{a2}/assign"), &t.owner, json!({"employee_id": laptops})).await;
    assert_eq!((nobody.status, nobody.fields()), (404, vec!["employee_id".to_string()]));

    let history = data(&s.get(&format!("/assets/{a1}/history"), &t.owner).await, 200);
    let rows: Vec<(&str, &str, Option<&str>, Option<&str>)> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["employee_id"].as_str().unwrap(),
                h["assign_date"].as_str().unwrap(),
                h["return_date"].as_str(),
                h["return_condition"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            (joko.as_str(), "2026-03-05", None, None),
            (sari.as_str(), "2026-02-01", Some("2026-03-01"), Some("good"))
        ]
    );

    // Only assets.manage; other tenants see nothing.
    let outlet = s.outlet(&t.owner, "K01").await;
    s.user(&t.owner, "kasir1", "cashier", &[&outlet]).await;
    let cashier = s.token("kasir1", PASSWORD).await;
    assert_eq!(s.get("/assets", &cashier).await.status, 403);
    assert_eq!(s.post(&format!("/assets/{a2}/assign"), &cashier, json!({"employee_id": sari})).await.status, 403);
    let other = s.tenant("other").await;
    assert_eq!(s.get(&format!("/assets/{a1}/history"), &other.owner).await.status, 404);
    assert_eq!(s.post(&format!("/assets/{a2}/assign"), &other.owner, json!({"employee_id": sari})).await.status, 404);
}

async fn drivers_log_in_and_report_where_they_are(b: Backend) {
    let s = TestServer::start_with(b, |c| c.jobs.poll = Duration::from_millis(20)).await;
    let t = s.tenant("acme").await;
    let van =
        data(&s.post("/vehicles", &t.owner, json!({"plate": "B 1234 KSR", "type": "van", "capacity": 800})).await, 201);
    assert_eq!((van["type"].as_str(), van["status"].as_str()), (Some("van"), Some("active")));
    let same = s.post("/vehicles", &t.owner, json!({"plate": "b-1234-ksr", "type": "van"})).await;
    assert_eq!((same.status, same.fields()), (409, vec!["plate".to_string()]));
    let wrong = s.post("/vehicles", &t.owner, json!({"plate": "B 9", "type": "boat"})).await;
    assert_eq!((wrong.status, wrong.fields()), (400, vec!["type".to_string()]));
    let van = van["id"].as_str().unwrap().to_string();

    let driver = |name: &str, user: &str, status: &str| {
        json!({"name": name, "license_number": format!("SIM-{user}"), "license_expiry": "2028-05-01", "phone": "0812",
               "vehicle_type": "van", "vehicle_id": van, "status": status, "username": user, "password": PASSWORD})
    };
    let andi = data(&s.post("/drivers", &t.owner, driver("Andi", "andi", "active")).await, 201);
    assert!(andi["last_latitude"].is_null() && andi["last_location_at"].is_null(), "{andi}");
    let budi = id(&s.post("/drivers", &t.owner, driver("Budi", "budi", "on_leave")).await);
    let taken = s.post("/drivers", &t.owner, driver("Andi 2", "andi", "active")).await;
    assert_eq!((taken.status, taken.fields()), (409, vec!["username".to_string()]));
    let andi_id = andi["id"].as_str().unwrap().to_string();

    // The driver logs in with role `driver` and reports; nobody else may report for them.
    let login = s.login("andi", PASSWORD).await;
    assert_eq!(login.data()["user"]["role"], "driver");
    let andi_token = login.data()["access_token"].as_str().unwrap().to_string();
    let budi_token = s.token("budi", PASSWORD).await;
    let now = jiff::Timestamp::now();
    let at = |mins: i64| (now - jiff::SignedDuration::from_mins(mins)).to_string();
    let ping = |lat: f64, lon: f64, at: String| json!({"latitude": lat, "longitude": lon, "at": at});
    let first = s.post(&format!("/drivers/{andi_id}/location"), &andi_token, ping(-6.2, 106.8166, at(30))).await;
    let first = data(&first, 201);
    assert_eq!((first["latitude"].as_f64(), first["longitude"].as_f64()), (Some(-6.2), Some(106.8166)));
    data(&s.post(&format!("/drivers/{andi_id}/location"), &andi_token, ping(-6.21, 106.82, at(10))).await, 201);
    // A late arrival of an older position does not replace the newer one.
    data(&s.post(&format!("/drivers/{andi_id}/location"), &andi_token, ping(-6.3, 106.9, at(20))).await, 201);
    assert_eq!(s.post(&format!("/drivers/{andi_id}/location"), &budi_token, ping(0.0, 0.0, at(1))).await.status, 403);
    assert_eq!(s.post(&format!("/drivers/{andi_id}/location"), &t.owner, ping(0.0, 0.0, at(1))).await.status, 403);
    let future = s
        .post(
            &format!("/drivers/{andi_id}/location"),
            &andi_token,
            ping(0.0, 0.0, (now + jiff::SignedDuration::from_hours(1)).to_string()),
        )
        .await;
    assert_eq!((future.status, future.fields()), (400, vec!["at".to_string()]));
    let far =
        s.post(&format!("/drivers/{andi_id}/location"), &andi_token, json!({"latitude": 91.0, "longitude": 0.0})).await;
    assert_eq!((far.status, far.fields()), (400, vec!["latitude".to_string()]));

    // The list shows the last known position (by the device's time) and filters.
    let list = data(&s.get("/drivers?status=active&vehicle_type=van", &t.owner).await, 200);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!((list[0]["last_latitude"].as_f64(), list[0]["last_longitude"].as_f64()), (Some(-6.21), Some(106.82)));
    assert_eq!(list[0]["last_location_at"].as_str().unwrap()[..16], at(10)[..16]);
    assert_eq!(data(&s.get("/drivers?status=on_leave", &t.owner).await, 200)[0]["id"], budi.as_str());

    // The track by time range, oldest first; the driver may read their own; other drivers not.
    let path = format!("/drivers/{andi_id}/locations?from={}&to={}", at(25), at(5));
    let track = data(&s.get(&path.replace('+', "%2B"), &t.owner).await, 200);
    let lats: Vec<f64> = track.as_array().unwrap().iter().map(|p| p["latitude"].as_f64().unwrap()).collect();
    assert_eq!(lats, vec![-6.3, -6.21]);
    assert_eq!(
        data(&s.get(&format!("/drivers/{andi_id}/locations"), &andi_token).await, 200).as_array().unwrap().len(),
        3
    );
    assert_eq!(s.get(&format!("/drivers/{andi_id}/locations"), &budi_token).await.status, 403);
    assert_eq!(s.get("/drivers", &andi_token).await.status, 403);

    // Rate limited: 12 a minute; the 429 says when to retry.
    let mut limited = None;
    for _ in 0..12 {
        let r = s
            .post(&format!("/drivers/{andi_id}/location"), &andi_token, json!({"latitude": -6.2, "longitude": 106.8}))
            .await;
        if r.status == 429 {
            limited = Some(r);
            break;
        }
        assert_eq!(r.status, 201, "{:?}", r.body);
    }
    let limited = limited.expect("the pings were limited");
    assert_eq!(limited.code(), "rate_limited");
    assert!(limited.header("retry-after").unwrap().parse::<i64>().unwrap() >= 1);

    // Pings older than 90 days go with the daily job.
    kasir_store::raw_execute(
        &s.state.db,
        &format!("UPDATE driver_locations SET received_at = '2020-01-01T00:00:00.000Z' WHERE latitude = -6300000 AND driver_id = '{andi_id}'"),
    )
    .await
    .unwrap();
    let admin = s.admin().await;
    let job = kasir_store::platform::jobs::NewJob {
        tenant_id: Some(t.id.clone()),
        ..kasir_store::platform::jobs::NewJob::new("prune_driver_locations", json!({}))
    };
    s.state.jobs.enqueue(&s.state.db, &job).await.unwrap();
    eventually(30, "the prune job ran", || async {
        let jobs = s.get("/jobs?kind=prune_driver_locations&status=done", &admin).await;
        (jobs.data().as_array().is_some_and(|a| !a.is_empty())).then_some(())
    })
    .await;
    let left = data(&s.get(&format!("/drivers/{andi_id}/locations?from=2020-01-01T00:00:00Z"), &t.owner).await, 200);
    assert!(left.as_array().unwrap().iter().all(|p| p["latitude"].as_f64() != Some(-6.3)), "{left}");
    assert_eq!(left.as_array().unwrap().len(), 11, "the rest stay: 3 before the burst and 9 in it");

    // Deactivating a driver ends their login.
    let r = s.patch(&format!("/drivers/{andi_id}"), &t.owner, json!({"status": "inactive"})).await;
    assert_eq!(data(&r, 200)["status"], "inactive");
    assert_eq!(s.get(&format!("/drivers/{andi_id}/locations"), &andi_token).await.status, 401);
    assert_eq!(s.login("andi", PASSWORD).await.status, 401);
}

async fn operations_records_are_in_the_feed_and_the_audit_log(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    let cat = id(&s.post("/asset-categories", &t.owner, json!({"name": "Tools"})).await);
    let van = id(&s.post("/vehicles", &t.owner, json!({"plate": "B 1 A", "type": "car"})).await);
    let room = id(&s.post("/meeting-rooms", &t.owner, json!({"name": "Melati", "capacity": 6})).await);
    let post = id(&s.post("/cms/blog", &t.owner, json!({"title": "Hello", "content": "Hi"})).await);
    let ticket = id(&s.post("/tickets", &t.owner, json!({"title": "Printer", "description": "Jammed"})).await);
    let pulled = data(&s.get("/sync/pull?limit=1000", &t.owner).await, 200);
    let seen: Vec<(String, String)> = pulled["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["entity"].as_str().unwrap().to_string(), c["id"].as_str().unwrap().to_string()))
        .collect();
    for (entity, rid) in
        [("asset_category", &cat), ("vehicle", &van), ("meeting_room", &room), ("cms_post", &post), ("ticket", &ticket)]
    {
        assert!(seen.contains(&(entity.to_string(), rid.clone())), "{entity} {rid} missing from the feed");
    }
    let audit = data(&s.get("/audit-logs?per_page=200", &t.owner).await, 200);
    let actions: Vec<&str> = audit.as_array().unwrap().iter().filter_map(|a| a["action"].as_str()).collect();
    for a in ["asset_category.create", "vehicle.create", "meeting_room.create", "cms_post.create", "ticket.create"] {
        assert!(actions.contains(&a), "{a} not in {actions:?}");
    }
    // A cashier's till pulls none of them, and may not ask.
    let outlet = s.outlet(&t.owner, "K01").await;
    s.user(&t.owner, "kasir1", "cashier", &[&outlet]).await;
    let cashier = s.token("kasir1", PASSWORD).await;
    let theirs = data(&s.get("/sync/pull?limit=1000", &cashier).await, 200);
    let entities: Vec<&str> =
        theirs["changes"].as_array().unwrap().iter().map(|c| c["entity"].as_str().unwrap()).collect();
    assert!(
        !entities.iter().any(|e| ["asset_category", "vehicle", "meeting_room", "cms_post", "ticket"].contains(e)),
        "{entities:?}"
    );
    assert_eq!(s.get("/sync/pull?entities=ticket", &cashier).await.status, 403);
}
