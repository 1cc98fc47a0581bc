use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::{client::IntoClientRequest, Message};

use crate::{
    common::{Backend, TestServer},
    till::Till,
};

crate::backend_tests!(
    a_socket_hears_its_tenant_and_outlets_only,
    resume_replays_exactly_the_missed_events_once,
    subscribe_narrows_the_outlets_followed,
    the_token_may_come_as_a_subprotocol,
    sync_notices_are_coalesced_and_the_last_names_the_newest_cursor,
);

mod postgres_nodes {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn events_committed_on_one_node_reach_a_socket_on_another_within_a_second() {
        super::across_nodes().await
    }
}

pub type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub async fn connect(s: &TestServer, token: &str) -> Ws {
    let url = format!("{}/api/v1/ws?token={token}", s.base.replacen("http", "ws", 1));
    let (ws, _) = tokio_tungstenite::connect_async(url).await.expect("the socket opens");
    ws
}

/// The next event frame, within `secs` seconds (at least 15: on a busy 2-core machine running
/// two tests at once, a frame that normally takes milliseconds has been seen to take over 5 s).
/// `SYNC_CHANGES` notices, which follow writes, are skipped: [`next_notice`] reads them.
pub async fn next(ws: &mut Ws, secs: u64) -> Value {
    loop {
        let frame = next_frame(ws, secs).await;
        if frame["type"] != "SYNC_CHANGES" {
            return frame;
        }
    }
}

/// The next `SYNC_CHANGES` notice, skipping events.
pub async fn next_notice(ws: &mut Ws, secs: u64) -> Value {
    loop {
        let frame = next_frame(ws, secs).await;
        if frame["type"] == "SYNC_CHANGES" {
            return frame;
        }
    }
}

/// Waits until the server has registered the socket with its hub: anything sent after this
/// is heard. (The hub registers a socket after the upgrade; the socket answers a message only
/// once registered, and an unknown message with an ERROR frame.)
pub async fn registered(ws: &mut Ws) {
    send(ws, json!({"type": "PING?"})).await;
    loop {
        if next_frame(ws, 15).await["type"] == "ERROR" {
            return;
        }
    }
}

async fn next_frame(ws: &mut Ws, secs: u64) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs.max(15));
    loop {
        let msg =
            tokio::time::timeout_at(deadline, ws.next()).await.expect("an event in time").expect("open").expect("ok");
        if let Message::Text(t) = msg {
            return serde_json::from_str(&t).expect("JSON");
        }
    }
}

pub async fn send(ws: &mut Ws, v: Value) {
    ws.send(Message::Text(v.to_string().into())).await.expect("sent");
}

async fn a_socket_hears_its_tenant_and_outlets_only(b: Backend) {
    let s = TestServer::start(b).await;
    let t = Till::new(&s).await;
    let k02 = s.outlet(&t.owner, "K02").await;
    let other = s.tenant("other").await;
    let x01 = s.outlet(&other.owner, "X01").await;
    let mut owner = connect(&s, &t.owner).await;
    let mut cashier = connect(&s, &t.cashier).await;
    let mut theirs = connect(&s, &other.owner).await;
    for ws in [&mut owner, &mut cashier, &mut theirs] {
        registered(ws).await;
    }

    let shift = t.open_shift(&s, &t.cashier, 0).await;
    let e = next(&mut owner, 5).await;
    assert_eq!((e["type"].as_str(), e["outlet_id"].as_str()), (Some("SHIFT_OPENED"), Some(t.outlet.as_str())));
    assert_eq!(e["payload"]["shift_id"], shift.as_str());
    assert!(e["seq"].as_i64().unwrap() > 0 && e["at"].is_string());
    assert_eq!(next(&mut cashier, 5).await["seq"], e["seq"]);

    // An event at K02, which the cashier does not work at, then one at K01.
    let r = s.post("/shifts/open", &t.owner, json!({"outlet_id": k02, "start_cash": 0})).await;
    assert_eq!(r.status, 201);
    assert_eq!(next(&mut owner, 5).await["outlet_id"], k02.as_str());
    s.post("/shifts/close", &t.cashier, json!({"shift_id": shift, "end_cash": 0})).await;
    let c = next(&mut cashier, 5).await;
    assert_eq!(c["type"], "SHIFT_CLOSED", "the K02 event never reached the cashier: {c}");

    // Nothing of tenant acme reached the other tenant: its first event is its own.
    let r = s.post("/shifts/open", &other.owner, json!({"outlet_id": x01, "start_cash": 0})).await;
    assert_eq!(r.status, 201);
    let mine = next(&mut theirs, 5).await;
    assert_eq!((mine["type"].as_str(), mine["outlet_id"].as_str()), (Some("SHIFT_OPENED"), Some(x01.as_str())));
}

async fn resume_replays_exactly_the_missed_events_once(b: Backend) {
    let s = TestServer::start(b).await;
    let t = Till::new(&s).await;
    let mut ws = connect(&s, &t.owner).await;
    registered(&mut ws).await;
    let shift = t.open_shift(&s, &t.cashier, 0).await;
    let seen = next(&mut ws, 5).await["seq"].as_i64().unwrap();
    drop(ws);
    // Missed while away: two cash movements do not make events; a close and two opens do.
    s.post("/shifts/close", &t.cashier, json!({"shift_id": shift, "end_cash": 0})).await;
    let again = t.open_shift(&s, &t.cashier, 0).await;
    t.open_shift(&s, &t.owner, 0).await;

    let mut ws = connect(&s, &t.owner).await;
    send(&mut ws, json!({"type": "RESUME", "after_seq": seen})).await;
    let replayed: Vec<Value> = vec![next(&mut ws, 5).await, next(&mut ws, 5).await, next(&mut ws, 5).await];
    let seqs: Vec<i64> = replayed.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    if b == Backend::Sqlite {
        assert_eq!(seqs, vec![seen + 1, seen + 2, seen + 3], "in order, none skipped");
    } else {
        // PostgreSQL numbers events from their transactions' ids: in order, with gaps.
        assert!(seen < seqs[0] && seqs[0] < seqs[1] && seqs[1] < seqs[2], "in order: {seqs:?} after {seen}");
    }
    let kinds: Vec<&str> = replayed.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, vec!["SHIFT_CLOSED", "SHIFT_OPENED", "SHIFT_OPENED"]);
    // Live again: the next event comes once, right after the replay.
    s.post("/shifts/close", &t.cashier, json!({"shift_id": again, "end_cash": 0})).await;
    let live = next(&mut ws, 5).await;
    let live_seq = live["seq"].as_i64().unwrap();
    assert_eq!(live["type"], "SHIFT_CLOSED", "the live event follows the replay exactly once: {live}");
    assert!(live_seq > seqs[2]);
    if b == Backend::Sqlite {
        assert_eq!(live_seq, seen + 4);
    }
    // Resuming from the latest replays nothing; a bad message is answered, not fatal.
    send(&mut ws, json!({"type": "RESUME", "after_seq": live_seq})).await;
    send(&mut ws, json!({"type": "DANCE"})).await;
    assert_eq!(next(&mut ws, 5).await["type"], "ERROR");
}

async fn subscribe_narrows_the_outlets_followed(b: Backend) {
    let s = TestServer::start(b).await;
    let t = Till::new(&s).await;
    let k02 = s.outlet(&t.owner, "K02").await;
    let other = s.tenant("other").await;
    let x01 = s.outlet(&other.owner, "X01").await;
    let mut ws = connect(&s, &t.owner).await;
    send(&mut ws, json!({"type": "SUBSCRIBE", "outlet_ids": [x01]})).await;
    assert_eq!(next(&mut ws, 5).await["type"], "ERROR", "another tenant's outlet");
    send(&mut ws, json!({"type": "SUBSCRIBE", "outlet_ids": [t.outlet]})).await;
    s.post("/shifts/open", &t.owner, json!({"outlet_id": k02, "start_cash": 0})).await;
    t.open_shift(&s, &t.cashier, 0).await;
    let e = next(&mut ws, 5).await;
    assert_eq!(e["outlet_id"], t.outlet.as_str(), "K02's event was not followed: {e}");
}

async fn the_token_may_come_as_a_subprotocol(b: Backend) {
    let s = TestServer::start(b).await;
    let t = Till::new(&s).await;
    let url = format!("{}/api/v1/ws", s.base.replacen("http", "ws", 1));
    let mut req = url.as_str().into_client_request().unwrap();
    req.headers_mut().insert("sec-websocket-protocol", format!("kasir, {}", t.owner).parse().unwrap());
    let (mut ws, res) = tokio_tungstenite::connect_async(req).await.expect("the socket opens");
    assert_eq!(res.headers()["sec-websocket-protocol"], "kasir");
    // Subscribed before the shift opens (an event committed earlier is not this socket's).
    registered(&mut ws).await;
    t.open_shift(&s, &t.cashier, 0).await;
    assert_eq!(next(&mut ws, 5).await["type"], "SHIFT_OPENED");
    let refused = tokio_tungstenite::connect_async(format!("{url}?token=not-a-token")).await;
    match refused {
        Err(tokio_tungstenite::tungstenite::Error::Http(r)) => assert_eq!(r.status(), 401),
        other => panic!("a bad token must be refused with 401, got {other:?}"),
    }
}

async fn across_nodes() {
    let a = TestServer::start(Backend::Postgres).await;
    let b = a.another_node().await;
    let t = Till::new(&a).await;
    let mut on_b = connect(&b, &t.owner).await;
    registered(&mut on_b).await;
    let started = tokio::time::Instant::now();
    let shift = t.open_shift(&a, &t.cashier, 0).await;
    let e = next(&mut on_b, 1).await;
    assert_eq!((e["type"].as_str(), e["payload"]["shift_id"].as_str()), (Some("SHIFT_OPENED"), Some(shift.as_str())));
    eprintln!("node B heard it after {:?}", started.elapsed());
    assert!(started.elapsed() < Duration::from_secs(1), "took {:?}", started.elapsed());

    // An order placed on node A reaches a kitchen display on node B.
    let rice = t.product(&a, "NASI", 30000, json!({})).await;
    let started = tokio::time::Instant::now();
    let body = json!({"outlet_id": t.outlet, "type": "takeaway", "items": [{"product_id": rice, "quantity": 1}]});
    let order = a.post("/orders", &t.cashier, body).await;
    assert_eq!(order.status, 201, "{:?}", order.body);
    let mut e = next(&mut on_b, 1).await;
    while e["type"] != "NEW_ORDER" {
        e = next(&mut on_b, 1).await;
    }
    assert_eq!(e["payload"]["id"], order.data()["id"]);
    eprintln!("node B heard the order after {:?}", started.elapsed());
    assert!(started.elapsed() < Duration::from_secs(1), "took {:?}", started.elapsed());
}

/// A burst of writes is announced by few `SYNC_CHANGES` notices, at most one per
/// `NOTICE_EVERY` (the first at once), and the last of them names a cursor after which there is
/// nothing left to pull.
async fn sync_notices_are_coalesced_and_the_last_names_the_newest_cursor(b: Backend) {
    let s = TestServer::start(b).await;
    let t = Till::new(&s).await;
    let mut ws = connect(&s, &t.cashier).await;
    registered(&mut ws).await;
    let started = std::time::Instant::now();
    let creates = (0..30).map(|i| s.post("/customers", &t.owner, json!({"name": format!("Pelanggan {i}")})));
    for created in futures::future::join_all(creates).await {
        assert_eq!(created.status, 201, "{}", created.body);
    }
    let mut notices: u128 = 0;
    loop {
        let notice = next_notice(&mut ws, 15).await;
        notices += 1;
        let cursor = notice["payload"]["cursor"].as_str().expect("a cursor").to_string();
        let after = s.get(&format!("/sync/pull?cursor={cursor}"), &t.cashier).await;
        if after.data()["changes"].as_array().expect("changes").is_empty() {
            break;
        }
    }
    let windows = started.elapsed().as_millis() / kasir_server::realtime::NOTICE_EVERY.as_millis() + 1;
    assert!(notices <= windows, "{notices} notices in {windows} intervals for 30 writes");
}
