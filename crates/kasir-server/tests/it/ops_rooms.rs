//! Operations (issue 19): meeting rooms — filters, bookings that never overlap (also when 20
//! requests for one slot arrive at once), cancelling, and a day's availability in the room's
//! time zone.

use serde_json::{json, Value};

use crate::{
    common::{Backend, TestServer, PASSWORD},
    ops_assets::data,
    till::id,
};

crate::backend_tests!(rooms_are_found_by_what_they_offer, bookings_never_overlap_even_all_at_once,);

const DAY: &str = "2027-03-15";

async fn rooms_are_found_by_what_they_offer(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    let outlet = s.outlet(&t.owner, "K01").await;
    s.user(&t.owner, "rina", "cashier", &[&outlet]).await;
    let rina = s.token("rina", PASSWORD).await;
    let room = |name: &str, cap: i64, floor: &str, f: &[&str]| json!({"name": name, "capacity": cap, "floor": floor, "facilities": f});
    let melati = data(&s.post("/meeting-rooms", &t.owner, room("Melati", 6, "2", &["whiteboard", "TV"])).await, 201);
    assert_eq!(melati["facilities"], json!(["whiteboard", "tv"]));
    assert_eq!(melati["timezone"], "Asia/Jakarta");
    s.post("/meeting-rooms", &t.owner, room("Anggrek", 12, "2", &["projector", "whiteboard"])).await;
    s.post("/meeting-rooms", &t.owner, room("Mawar", 30, "3", &["projector", "whiteboard", "video_conference"])).await;
    let dup = s.post("/meeting-rooms", &t.owner, room("melati", 4, "1", &[])).await;
    assert_eq!((dup.status, dup.fields()), (409, vec!["name".to_string()]));
    let bad = s.post("/meeting-rooms", &t.owner, json!({"name": "X", "capacity": 0, "timezone": "Mars/Olympus"})).await;
    assert_eq!((bad.status, bad.fields()), (400, vec!["capacity".to_string(), "timezone".to_string()]));
    assert_eq!(s.post("/meeting-rooms", &rina, room("Mine", 2, "1", &[])).await.status, 403);

    // Every staff login finds rooms; capacity means at least, facilities all of them.
    let names = |v: Value| -> Vec<String> {
        v.as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap().to_string()).collect()
    };
    let find = |q: &'static str| {
        let s = &s;
        let rina = rina.clone();
        async move { names(data(&s.get(&format!("/meeting-rooms?sort=name{q}"), &rina).await, 200)) }
    };
    assert_eq!(find("").await, vec!["Anggrek", "Mawar", "Melati"]);
    assert_eq!(find("&capacity=10").await, vec!["Anggrek", "Mawar"]);
    assert_eq!(find("&floor=2").await, vec!["Anggrek", "Melati"]);
    assert_eq!(find("&facilities=projector,whiteboard").await, vec!["Anggrek", "Mawar"]);
    assert_eq!(find("&facilities=Video_Conference&capacity=10&floor=3").await, vec!["Mawar"]);
    assert_eq!(find("&facilities=sauna").await, Vec::<String>::new());
    let r = s.get("/meeting-rooms?capacity=many", &rina).await;
    assert_eq!((r.status, r.fields()), (400, vec!["capacity".to_string()]));

    // A room's day is its own: "today" where the room is.
    let far_east = data(
        &s.post(
            "/meeting-rooms",
            &t.owner,
            json!({"name": "Kiritimati", "capacity": 4, "timezone": "Pacific/Kiritimati"}),
        )
        .await,
        201,
    );
    let far_west = data(
        &s.post(
            "/meeting-rooms",
            &t.owner,
            json!({"name": "Pago Pago", "capacity": 4, "timezone": "Pacific/Pago_Pago"}),
        )
        .await,
        201,
    );
    for (room, zone) in [(&far_east, "Pacific/Kiritimati"), (&far_west, "Pacific/Pago_Pago")] {
        let today = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::get(zone).unwrap()).date().to_string();
        let day =
            data(&s.get(&format!("/meeting-rooms/{}/availability", room["id"].as_str().unwrap()), &rina).await, 200);
        assert_eq!((day["date"].as_str(), day["timezone"].as_str()), (Some(today.as_str()), Some(zone)));
        assert_eq!(day["free"], json!([{"start_time": "00:00", "end_time": "24:00"}]));
    }
    // Yesterday there cannot be booked.
    let yesterday = (jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::get("Pacific/Kiritimati").unwrap()).date()
        - jiff::ToSpan::days(1))
    .to_string();
    let past = s
        .post(
            "/meeting-rooms/bookings",
            &rina,
            json!({"room_id": far_east["id"], "title": "Late", "date": yesterday, "start_time": "09:00", "end_time": "10:00"}),
        )
        .await;
    assert_eq!((past.status, past.fields()), (400, vec!["start_time".to_string()]));
}

async fn bookings_never_overlap_even_all_at_once(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    let outlet = s.outlet(&t.owner, "K01").await;
    let rina_id = s.user(&t.owner, "rina", "cashier", &[&outlet]).await;
    let dedi_id = s.user(&t.owner, "dedi", "cashier", &[&outlet]).await;
    let (rina, dedi) = (s.token("rina", PASSWORD).await, s.token("dedi", PASSWORD).await);
    let room = id(&s.post("/meeting-rooms", &t.owner, json!({"name": "Melati", "capacity": 6})).await);
    let book = |title: &str, start: &str, end: &str| json!({"room_id": room, "title": title, "date": DAY, "start_time": start, "end_time": end, "attendee_ids": [dedi_id]});
    let first = data(&s.post("/meeting-rooms/bookings", &rina, book("Standup", "09:00", "10:00")).await, 201);
    assert_eq!((first["status"].as_str(), first["booked_by"].as_str()), (Some("booked"), Some(rina_id.as_str())));
    assert_eq!(first["attendee_ids"], json!([dedi_id]));
    for (start, end) in [("09:30", "10:30"), ("08:00", "09:01"), ("08:00", "11:00"), ("09:00", "10:00")] {
        let r = s.post("/meeting-rooms/bookings", &dedi, book("Clash", start, end)).await;
        assert_eq!((r.status, r.code()), (409, "room_unavailable"), "{start}-{end}");
    }
    // Touching ends do not overlap.
    data(&s.post("/meeting-rooms/bookings", &dedi, book("Planning", "10:00", "11:00")).await, 201);
    data(&s.post("/meeting-rooms/bookings", &dedi, book("Early", "08:00", "09:00")).await, 201);
    data(&s.post("/meeting-rooms/bookings", &dedi, book("Evening", "22:00", "24:00")).await, 201);
    let wrong = s.post("/meeting-rooms/bookings", &dedi, book("Backwards", "15:00", "14:00")).await;
    assert_eq!((wrong.status, wrong.fields()), (400, vec!["end_time".to_string()]));
    let wrong = s.post("/meeting-rooms/bookings", &dedi, book("Odd", "25:00", "26:00")).await;
    assert_eq!((wrong.status, wrong.fields()), (400, vec!["start_time".to_string(), "end_time".to_string()]));
    let stranger = s.post("/meeting-rooms/bookings", &dedi, json!({"room_id": room, "title": "X", "date": DAY, "start_time": "12:00", "end_time": "13:00", "attendee_ids": [room]})).await;
    assert_eq!((stranger.status, stranger.fields()), (404, vec!["attendee_ids[0]".to_string()]));

    // 20 requests for one slot at once: exactly one wins.
    let tries = (0..20).map(|i| {
        let (s, token, body) =
            (&s, if i % 2 == 0 { &rina } else { &dedi }, book(&format!("Race {i}"), "13:00", "14:00"));
        async move { s.post("/meeting-rooms/bookings", token, body).await }
    });
    let answers = futures::future::join_all(tries).await;
    let won = answers.iter().filter(|r| r.status == 201).count();
    let lost = answers.iter().filter(|r| r.status == 409 && r.code() == "room_unavailable").count();
    assert_eq!((won, lost), (1, 19), "{:?}", answers.iter().map(|r| r.status).collect::<Vec<_>>());

    // The day: booked periods in order, free ones between.
    let day = data(&s.get(&format!("/meeting-rooms/{room}/availability?date={DAY}"), &rina).await, 200);
    let periods = |key: &str| -> Vec<(String, String)> {
        day[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p["start_time"].as_str().unwrap().to_string(), p["end_time"].as_str().unwrap().to_string()))
            .collect()
    };
    let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    };
    assert_eq!(
        periods("booked"),
        pairs(&[("08:00", "09:00"), ("09:00", "10:00"), ("10:00", "11:00"), ("13:00", "14:00"), ("22:00", "24:00")])
    );
    assert_eq!(periods("free"), pairs(&[("00:00", "08:00"), ("11:00", "13:00"), ("14:00", "22:00")]));
    assert_eq!(day["booked"][1]["title"], "Standup");

    // Cancel: the booker (or rooms.manage) only; the slot is free again; twice is refused.
    let standup = first["id"].as_str().unwrap();
    assert_eq!(s.delete(&format!("/meeting-rooms/bookings/{standup}"), &dedi).await.status, 403);
    let cancelled = data(&s.delete(&format!("/meeting-rooms/bookings/{standup}"), &rina).await, 200);
    assert_eq!(cancelled["status"], "cancelled");
    let twice = s.delete(&format!("/meeting-rooms/bookings/{standup}"), &t.owner).await;
    assert_eq!((twice.status, twice.code()), (422, "invalid_transition"));
    data(&s.post("/meeting-rooms/bookings", &dedi, book("Standup moved", "09:00", "10:00")).await, 201);
    let listed = data(
        &s.get(&format!("/meeting-rooms/bookings?room_id={room}&date={DAY}&status=booked&per_page=50"), &rina).await,
        200,
    );
    assert_eq!(listed.as_array().unwrap().len(), 5);
    let other = s.tenant("other").await;
    assert_eq!(s.get(&format!("/meeting-rooms/{room}/availability"), &other.owner).await.status, 404);
    let theirs = s.post("/meeting-rooms/bookings", &other.owner, book("Intruder", "15:00", "16:00")).await;
    assert_eq!((theirs.status, theirs.fields()), (404, vec!["room_id".to_string()]));
}
