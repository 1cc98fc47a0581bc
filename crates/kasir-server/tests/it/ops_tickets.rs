//! Operations (issue 19): tickets — who sees what, the status flow, internal notes, closing with
//! a rating, attachments and `TICKET_*` events — and branding approvals with several approvers,
//! revisions and `APPROVAL_UPDATED`, each also on their own socket.

use serde_json::{json, Value};

use crate::{
    common::{upload, Backend, TestServer, PASSWORD},
    files::png,
    ops_assets::data,
    realtime::{connect, next, registered, Ws},
    till::id,
};

crate::backend_tests!(tickets_flow_with_private_notes_and_live_events, branding_requests_need_every_approver,);

/// A socket on one of the limited paths (`/ws/tickets`, `/ws/branding-approval`).
async fn limited(s: &TestServer, path: &str, token: &str) -> Ws {
    let url = format!("{}/api/v1{path}?token={token}", s.base.replacen("http", "ws", 1));
    let (ws, _) = tokio_tungstenite::connect_async(url).await.expect("the socket opens");
    ws
}

/// The next frame's type and payload id, skipping nothing (`SYNC_CHANGES` never reaches a limited socket).
async fn frame(ws: &mut Ws) -> (String, Value) {
    let f = next(ws, 15).await;
    (f["type"].as_str().unwrap().to_string(), f["payload"].clone())
}

async fn tickets_flow_with_private_notes_and_live_events(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    let outlet = s.outlet(&t.owner, "K01").await;
    let rina_id = s.user(&t.owner, "rina", "cashier", &[&outlet]).await;
    s.user(&t.owner, "dedi", "cashier", &[&outlet]).await;
    let it_id = s.user(&t.owner, "it-support", "admin", &[&outlet]).await;
    let (rina, dedi, it) =
        (s.token("rina", PASSWORD).await, s.token("dedi", PASSWORD).await, s.token("it-support", PASSWORD).await);
    let mut rina_ws = limited(&s, "/ws/tickets", &rina).await;
    let mut dedi_ws = connect(&s, &dedi).await;
    let mut it_ws = limited(&s, "/ws/tickets", &it).await;
    for ws in [&mut rina_ws, &mut dedi_ws, &mut it_ws] {
        registered(ws).await;
    }

    // A cashier opens a ticket with a screenshot; she may not assign it.
    let shot = upload(&s, &rina, "/files", "error.png", png(40, 30), &[("purpose", "ticket_attachment")]).await;
    let shot = shot.data()["id"].as_str().unwrap().to_string();
    let assigned =
        s.post("/tickets", &rina, json!({"title": "Till frozen", "description": "x", "assigned_to": it_id})).await;
    assert_eq!(assigned.status, 403);
    let bad = s.post("/tickets", &rina, json!({"title": "", "description": "x", "priority": "asap"})).await;
    assert_eq!((bad.status, bad.fields()), (400, vec!["title".to_string(), "priority".to_string()]));
    let strange =
        s.post("/tickets", &rina, json!({"title": "T", "description": "x", "attachment_file_ids": [outlet]})).await;
    assert_eq!((strange.status, strange.fields()), (404, vec!["attachment_file_ids[0]".to_string()]));
    let opened = s
        .post(
            "/tickets",
            &rina,
            json!({"title": "Till frozen", "description": "The till stops at payment", "priority": "high",
                   "category": "hardware", "attachment_file_ids": [shot]}),
        )
        .await;
    let ticket = data(&opened, 201);
    assert_eq!((ticket["status"].as_str(), ticket["reporter_id"].as_str()), (Some("open"), Some(rina_id.as_str())));
    assert_eq!(ticket["attachment_file_ids"], json!([shot]));
    let tid = ticket["id"].as_str().unwrap().to_string();
    let other = id(&s.post("/tickets", &dedi, json!({"title": "Receipt paper", "description": "Out of it"})).await);
    assert_eq!(frame(&mut it_ws).await, ("TICKET_CREATED".into(), ticket.clone()));
    assert_eq!(frame(&mut rina_ws).await.0, "TICKET_CREATED");
    assert_eq!(frame(&mut it_ws).await.1["id"], other.as_str());

    // Each reporter sees their own; support sees all.
    let titles = |r: crate::common::Resp| -> Vec<String> {
        data(&r, 200).as_array().unwrap().iter().map(|t| t["title"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(titles(s.get("/tickets", &rina).await), vec!["Till frozen"]);
    assert_eq!(titles(s.get("/tickets?sort=title", &it).await), vec!["Receipt paper", "Till frozen"]);
    assert_eq!(titles(s.get("/tickets?priority=high&status=open", &it).await), vec!["Till frozen"]);
    assert_eq!(s.get(&format!("/tickets/{tid}"), &dedi).await.status, 404);
    assert_eq!(s.post(&format!("/tickets/{tid}/comments"), &dedi, json!({"comment": "me too"})).await.status, 404);

    // Support assigns and works on it; the reporter cannot change its handling.
    let r = s.patch(&format!("/tickets/{tid}"), &rina, json!({"status": "in_progress"})).await;
    assert_eq!(r.status, 403);
    let r = s.patch(&format!("/tickets/{tid}"), &it, json!({"assigned_to": it_id, "status": "in_progress"})).await;
    let working = data(&r, 200);
    assert_eq!(
        (working["status"].as_str(), working["assigned_to"].as_str()),
        (Some("in_progress"), Some(it_id.as_str()))
    );
    let (kind, payload) = frame(&mut rina_ws).await;
    assert_eq!(
        (kind.as_str(), payload["status"].as_str(), payload["from"].as_str()),
        ("TICKET_UPDATED", Some("in_progress"), Some("open"))
    );
    assert_eq!(frame(&mut it_ws).await.0, "TICKET_UPDATED");
    let r = s.patch(&format!("/tickets/{tid}"), &it, json!({"status": "closed"})).await;
    assert_eq!((r.status, r.fields()), (400, vec!["status".to_string()]));

    // An internal note reaches support only; a reply reaches the reporter too.
    let note = s.post(&format!("/tickets/{tid}/comments"), &rina, json!({"comment": "psst", "internal": true})).await;
    assert_eq!(note.status, 403);
    data(
        &s.post(
            &format!("/tickets/{tid}/comments"),
            &it,
            json!({"comment": "Board is faulty; RMA opened", "internal": true}),
        )
        .await,
        201,
    );
    data(
        &s.post(&format!("/tickets/{tid}/comments"), &it, json!({"comment": "Replacing the board tomorrow"})).await,
        201,
    );
    let (kind, payload) = frame(&mut it_ws).await;
    assert_eq!((kind.as_str(), payload["comment"]["internal"].as_bool()), ("TICKET_COMMENTED", Some(true)));
    assert_eq!(frame(&mut it_ws).await.1["comment"]["comment"], "Replacing the board tomorrow");
    let (kind, payload) = frame(&mut rina_ws).await;
    assert_eq!(
        (kind.as_str(), payload["comment"]["comment"].as_str()),
        ("TICKET_COMMENTED", Some("Replacing the board tomorrow"))
    );
    let theirs: Vec<String> = data(&s.get(&format!("/tickets/{tid}/comments"), &rina).await, 200)
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["comment"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(theirs, vec!["Replacing the board tomorrow"]);
    assert_eq!(data(&s.get(&format!("/tickets/{tid}/comments"), &it).await, 200).as_array().unwrap().len(), 2);

    // Resolved, then the reporter closes it with a rating; a bad rating is refused.
    data(&s.patch(&format!("/tickets/{tid}"), &it, json!({"status": "resolved"})).await, 200);
    let low = s.post(&format!("/tickets/{tid}/close"), &rina, json!({"resolution": "ok", "satisfaction": 6})).await;
    assert_eq!((low.status, low.fields()), (400, vec!["satisfaction".to_string()]));
    let closed = data(
        &s.post(&format!("/tickets/{tid}/close"), &rina, json!({"resolution": "Board replaced", "satisfaction": 5}))
            .await,
        200,
    );
    assert_eq!((closed["status"].as_str(), closed["satisfaction"].as_i64()), (Some("closed"), Some(5)));
    assert!(closed["closed_at"].is_string() && closed["resolved_at"].is_string());
    let again = s.post(&format!("/tickets/{tid}/close"), &rina, json!({"resolution": "x", "satisfaction": 1})).await;
    assert_eq!((again.status, again.code()), (422, "invalid_transition"));
    let moved = s.patch(&format!("/tickets/{tid}"), &it, json!({"status": "in_progress"})).await;
    assert_eq!((moved.status, moved.code()), (422, "invalid_transition"));
    // Reopened: the rating and resolution go; the reason is a comment.
    let reopened = data(&s.post(&format!("/tickets/{tid}/reopen"), &rina, json!({"reason": "Froze again"})).await, 200);
    assert_eq!((reopened["status"].as_str(), reopened["satisfaction"].as_i64()), (Some("open"), None));
    assert!(reopened["resolution"].is_null() && reopened["closed_at"].is_null());
    let last = data(&s.get(&format!("/tickets/{tid}/comments"), &rina).await, 200);
    assert_eq!(last.as_array().unwrap().last().unwrap()["comment"], "Reopened: Froze again");

    // Dedi's own socket (the full one) heard only his own ticket's creation: the next frame he
    // gets is his ticket's, not Rina's.
    data(&s.post(&format!("/tickets/{other}/comments"), &dedi, json!({"comment": "any news?"})).await, 201);
    let mut heard = Vec::new();
    loop {
        let f = next(&mut dedi_ws, 15).await;
        let kind = f["type"].as_str().unwrap().to_string();
        heard.push((kind.clone(), f["payload"]["id"].as_str().unwrap_or_default().to_string()));
        if kind == "TICKET_COMMENTED" {
            break;
        }
    }
    assert_eq!(heard, vec![("TICKET_CREATED".into(), other.clone()), ("TICKET_COMMENTED".into(), other.clone())]);

    // Rina's ticket socket heard her ticket's every step, and nothing else: an approval she is
    // asked for goes to her full socket, not to this one.
    let logo = upload(&s, &it, "/files", "logo.png", png(8, 8), &[("purpose", "branding")]).await;
    let logo = logo.data()["id"].as_str().unwrap().to_string();
    let ask = json!({"title": "Logo", "category": "logo", "file_ids": [logo], "approver_ids": [rina_id]});
    data(&s.post("/branding-approvals", &it, ask).await, 201);
    data(&s.post(&format!("/tickets/{tid}/comments"), &it, json!({"comment": "On it"})).await, 201);
    let mut steps = Vec::new();
    for _ in 0..5 {
        let (kind, payload) = frame(&mut rina_ws).await;
        steps.push((kind, payload["status"].as_str().unwrap().to_string()));
    }
    let expected = [
        ("TICKET_UPDATED", "resolved"),
        ("TICKET_UPDATED", "closed"),
        ("TICKET_UPDATED", "open"),
        ("TICKET_COMMENTED", "open"),
        ("TICKET_COMMENTED", "open"),
    ];
    assert_eq!(steps, expected.map(|(k, st)| (k.to_string(), st.to_string())));
}

async fn branding_requests_need_every_approver(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    let outlet = s.outlet(&t.owner, "K01").await;
    let mia_id = s.user(&t.owner, "mia", "cashier", &[&outlet]).await;
    let ani_id = s.user(&t.owner, "ani", "admin", &[&outlet]).await;
    let edo_id = s.user(&t.owner, "edo", "admin", &[&outlet]).await;
    s.user(&t.owner, "zed", "cashier", &[&outlet]).await;
    let (mia, ani, edo, zed) = (
        s.token("mia", PASSWORD).await,
        s.token("ani", PASSWORD).await,
        s.token("edo", PASSWORD).await,
        s.token("zed", PASSWORD).await,
    );
    let mut mia_ws = limited(&s, "/ws/branding-approval", &mia).await;
    let mut zed_ws = connect(&s, &zed).await;
    registered(&mut mia_ws).await;
    registered(&mut zed_ws).await;
    let logo = upload(&s, &mia, "/files", "logo.png", png(64, 64), &[("purpose", "branding")]).await;
    let logo = logo.data()["id"].as_str().unwrap().to_string();

    let own = s
        .post(
            "/branding-approvals",
            &mia,
            json!({"title": "Logo", "category": "logo", "file_ids": [logo], "approver_ids": [mia_id]}),
        )
        .await;
    assert_eq!((own.status, own.fields()), (400, vec!["approver_ids".to_string()]));
    let bad = s
        .post(
            "/branding-approvals",
            &mia,
            json!({"title": "Logo", "category": "tv", "file_ids": [], "approver_ids": [ani_id]}),
        )
        .await;
    assert_eq!((bad.status, bad.fields()), (400, vec!["category".to_string(), "file_ids".to_string()]));
    let made = s
        .post(
            "/branding-approvals",
            &mia,
            json!({"title": "New logo", "description": "Round version", "category": "logo", "file_ids": [logo], "approver_ids": [ani_id, edo_id]}),
        )
        .await;
    let made = data(&made, 201);
    assert_eq!((made["status"].as_str(), made["round"].as_i64()), (Some("pending"), Some(1)));
    let decisions = |v: &Value| -> Vec<(String, String)> {
        v["reviews"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["approver_id"].as_str().unwrap().to_string(), r["decision"].as_str().unwrap().to_string()))
            .collect()
    };
    assert_eq!(decisions(&made), vec![(ani_id.clone(), "pending".into()), (edo_id.clone(), "pending".into())]);
    let aid = made["id"].as_str().unwrap().to_string();
    let (kind, payload) = frame(&mut mia_ws).await;
    assert_eq!(
        (kind.as_str(), payload["status"].as_str(), payload["id"].as_str()),
        ("APPROVAL_UPDATED", Some("pending"), Some(aid.as_str()))
    );

    // Only approvers review; a revision needs notes; one approval is not enough.
    assert_eq!(
        s.post(&format!("/branding-approvals/{aid}/review"), &zed, json!({"action": "approve"})).await.status,
        404
    );
    assert_eq!(
        s.post(&format!("/branding-approvals/{aid}/review"), &mia, json!({"action": "approve"})).await.status,
        403
    );
    let notes = s.post(&format!("/branding-approvals/{aid}/review"), &ani, json!({"action": "request_revision"})).await;
    assert_eq!((notes.status, notes.fields()), (400, vec!["revision_notes".to_string()]));
    let one = data(
        &s.post(&format!("/branding-approvals/{aid}/review"), &ani, json!({"action": "approve", "feedback": "Nice"}))
            .await,
        200,
    );
    assert_eq!(one["status"], "pending");
    let twice = s.post(&format!("/branding-approvals/{aid}/review"), &ani, json!({"action": "reject"})).await;
    assert_eq!((twice.status, twice.code()), (422, "invalid_transition"));
    let (_, payload) = frame(&mut mia_ws).await;
    assert_eq!((payload["approver"].as_str(), payload["decision"].as_str()), (Some(ani_id.as_str()), Some("approved")));

    // Edo asks for a revision: the request waits on Mia; revising resets both reviews.
    let sent_back = s
        .post(
            &format!("/branding-approvals/{aid}/review"),
            &edo,
            json!({"action": "request_revision", "revision_notes": "Darker blue"}),
        )
        .await;
    assert_eq!(data(&sent_back, 200)["status"], "revision");
    assert_eq!(frame(&mut mia_ws).await.1["status"], "revision");
    let late = s.post(&format!("/branding-approvals/{aid}/review"), &ani, json!({"action": "approve"})).await;
    assert_eq!((late.status, late.code()), (422, "invalid_transition"));
    assert_eq!(
        s.post(&format!("/branding-approvals/{aid}/revise"), &ani, json!({"file_ids": [logo]})).await.status,
        403
    );
    let logo2 = upload(&s, &mia, "/files", "logo2.png", png(64, 64), &[("purpose", "branding")]).await;
    let logo2 = logo2.data()["id"].as_str().unwrap().to_string();
    let revised = s
        .post(&format!("/branding-approvals/{aid}/revise"), &mia, json!({"file_ids": [logo2], "notes": "Darker"}))
        .await;
    let revised = data(&revised, 200);
    assert_eq!((revised["status"].as_str(), revised["round"].as_i64()), (Some("pending"), Some(2)));
    assert_eq!(revised["file_ids"], json!([logo2]));
    assert_eq!(decisions(&revised), vec![(ani_id.clone(), "pending".into()), (edo_id.clone(), "pending".into())]);
    assert_eq!(frame(&mut mia_ws).await.1["round"], 2);

    // Both approve: approved. Another request is rejected by one approver.
    data(&s.post(&format!("/branding-approvals/{aid}/review"), &ani, json!({"action": "approve"})).await, 200);
    let done =
        data(&s.post(&format!("/branding-approvals/{aid}/review"), &edo, json!({"action": "approve"})).await, 200);
    assert_eq!(done["status"], "approved");
    let second = id(&s
        .post(
            "/branding-approvals",
            &mia,
            json!({"title": "Poster", "category": "marketing", "file_ids": [logo], "approver_ids": [ani_id, edo_id]}),
        )
        .await);
    let no = data(
        &s.post(
            &format!("/branding-approvals/{second}/review"),
            &edo,
            json!({"action": "reject", "feedback": "Off brand"}),
        )
        .await,
        200,
    );
    assert_eq!(no["status"], "rejected");
    let revise_rejected =
        s.post(&format!("/branding-approvals/{second}/revise"), &mia, json!({"file_ids": [logo]})).await;
    assert_eq!((revise_rejected.status, revise_rejected.code()), (422, "invalid_transition"));

    // Who sees what: the requester and approvers; an outsider neither the list nor the events.
    let titles = |r: crate::common::Resp| -> Vec<String> {
        data(&r, 200).as_array().unwrap().iter().map(|a| a["title"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(titles(s.get("/branding-approvals?sort=title", &edo).await), vec!["New logo", "Poster"]);
    assert_eq!(titles(s.get("/branding-approvals?status=approved", &t.owner).await), vec!["New logo"]);
    assert!(titles(s.get("/branding-approvals", &zed).await).is_empty());
    assert_eq!(s.get(&format!("/branding-approvals/{aid}"), &zed).await.status, 404);
    let mine = id(&s
        .post(
            "/branding-approvals",
            &zed,
            json!({"title": "Zed's", "category": "social_media", "file_ids": [logo], "approver_ids": [ani_id]}),
        )
        .await);
    let f = next(&mut zed_ws, 15).await;
    assert_eq!(
        (f["type"].as_str(), f["payload"]["id"].as_str()),
        (Some("APPROVAL_UPDATED"), Some(mine.as_str())),
        "zed heard only his own"
    );
}
