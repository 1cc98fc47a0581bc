//! The restaurant: halls and tables, table sessions and their QR codes, guests ordering, the
//! kitchen flow with its WebSocket events, stations and tickets, moving, merging and paying.

use futures::StreamExt;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

use crate::{
    common::{Backend, TestServer, PASSWORD},
    realtime::{connect, next, registered, Ws},
    till::{id, Till},
};

crate::backend_tests!(
    an_order_goes_through_the_kitchen_and_sockets_hear_it,
    stations_route_items_to_kitchen_displays_and_tickets,
);

/// A restaurant: a hall with tables T1 to T3, a Drinks category served by a Bar station, a
/// stocked coffee (Drinks > Coffee, with a milk modifier) and a stocked rice dish.
pub struct Resto {
    pub t: Till,
    pub tables: Vec<String>,
    pub bar: String,
    pub coffee: String,
    pub oat: String,
    pub rice: String,
}

pub async fn resto(s: &TestServer) -> Resto {
    let t = Till::new(s).await;
    let hall = s.post("/halls", &t.owner, json!({"outlet_id": t.outlet, "name": "Terrace"})).await;
    assert_eq!(hall.status, 201, "{:?}", hall.body);
    let mut tables = Vec::new();
    for name in ["T1", "T2", "T3"] {
        let r = s
            .post("/tables", &t.owner, json!({"outlet_id": t.outlet, "hall_id": id(&hall), "name": name, "seats": 4}))
            .await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        assert_eq!(r.data()["status"], "free");
        tables.push(id(&r));
    }
    let drinks = id(&s.post("/categories", &t.owner, json!({"name": "Drinks"})).await);
    // The bar serves Drinks, and so the coffees of its sub-category.
    let coffees = id(&s.post("/categories", &t.owner, json!({"name": "Coffee", "parent_id": drinks})).await);
    let bar = s.post("/stations", &t.owner, json!({"name": "Bar", "category_ids": [drinks]})).await;
    assert_eq!(bar.status, 201, "{:?}", bar.body);
    let milk = s
        .post(
            "/modifier-groups",
            &t.owner,
            json!({"name": "Milk", "min_select": 0, "max_select": 1, "options": [{"name": "Oat", "price": 6000}]}),
        )
        .await;
    let oat = milk.data()["options"][0]["id"].as_str().unwrap().to_string();
    let coffee = t
        .product(s, "KOPI", 20000, json!({"category_id": coffees, "modifier_group_ids": [id(&milk)], "name": "Kopi"}))
        .await;
    let rice = t.product(s, "NASI", 30000, json!({"name": "Nasi Goreng"})).await;
    t.stock(s, &coffee, None, 50.0).await;
    t.stock(s, &rice, None, 50.0).await;
    Resto { t, tables, bar: id(&bar), coffee, oat, rice }
}

impl Resto {
    pub async fn order(&self, s: &TestServer, table: usize, items: Value) -> Value {
        let body =
            json!({"outlet_id": self.t.outlet, "table_id": self.tables[table], "type": "dine_in", "items": items});
        let r = s.post("/orders", &self.t.cashier, body).await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        r.data().clone()
    }

    pub async fn table_status(&self, s: &TestServer, table: usize) -> String {
        let r = s.get(&format!("/tables/{}", self.tables[table]), &self.t.owner).await;
        r.data()["status"].as_str().unwrap().to_string()
    }
}

/// The next event of `kind`, skipping others.
pub async fn next_of(ws: &mut Ws, kind: &str) -> Value {
    for _ in 0..20 {
        let e = next(ws, 5).await;
        if e["type"] == kind {
            return e;
        }
    }
    panic!("no {kind} event");
}

async fn an_order_goes_through_the_kitchen_and_sockets_hear_it(b: Backend) {
    let s = TestServer::start(b).await;
    let r = resto(&s).await;
    let t = &r.t;
    s.user(&t.owner, "dapur", "kitchen", &[&t.outlet]).await;
    let kitchen = s.token("dapur", PASSWORD).await;
    let other = s.tenant("other").await;
    let mut ws = connect(&s, &kitchen).await;
    let mut theirs = connect(&s, &other.owner).await;
    registered(&mut ws).await;
    registered(&mut theirs).await;

    let items = json!([
        {"product_id": r.coffee, "quantity": 2, "modifiers": [r.oat], "note": "less sugar"},
        {"product_id": r.rice, "quantity": 1}
    ]);
    let order = r.order(&s, 0, items).await;
    assert_eq!(order["status"], "NEW");
    assert_eq!(order["total_amount"], 2 * 26000 + 30000);
    assert_eq!(order["items"][0]["modifiers"][0]["name"], "Oat");
    assert_eq!(order["items"][0]["note"], "less sugar");
    assert_eq!(order["items"][0]["station_id"], r.bar.as_str());
    assert!(order["items"][1]["station_id"].is_null());
    let number = order["number"].as_str().unwrap();
    assert!(number.starts_with("K01-") && number.ends_with("-001"), "{number}");
    let oid = order["id"].as_str().unwrap().to_string();
    let e = next_of(&mut ws, "NEW_ORDER").await;
    assert_eq!(
        (e["payload"]["id"].as_str(), e["payload"]["status"].as_str(), e["outlet_id"].as_str()),
        (Some(oid.as_str()), Some("NEW"), Some(t.outlet.as_str()))
    );
    // The payload carries the order's current fields, as GET /orders/{id} shows them.
    assert_eq!((e["payload"]["total_amount"].as_i64(), e["payload"]["number"].as_str()), (Some(82000), Some(number)));
    assert_eq!(e["payload"]["items"].as_array().map(Vec::len), Some(2));
    assert_eq!(r.table_status(&s, 0).await, "occupied");
    // The next order of the day takes the next number.
    let second = r.order(&s, 1, json!([{"product_id": r.rice, "quantity": 1}])).await;
    assert!(second["number"].as_str().unwrap().ends_with("-002"));

    // Not a step forward: 422, and nothing changes.
    let path = format!("/orders/{oid}/status");
    let skip = s.patch(&path, &kitchen, json!({"status": "READY"})).await;
    assert_eq!((skip.status, skip.code()), (422, "invalid_transition"), "{:?}", skip.body);
    let back = s.patch(&path, &kitchen, json!({"status": "NEW"})).await;
    assert_eq!(back.status, 400);
    for (to, from) in [("ACCEPTED", "NEW"), ("COOKING", "ACCEPTED"), ("READY", "COOKING"), ("DONE", "READY")] {
        let moved = s.patch(&path, &kitchen, json!({"status": to})).await;
        assert_eq!(moved.status, 200, "{:?}", moved.body);
        assert_eq!(moved.data()["status"], to);
        let e = next_of(&mut ws, "ORDER_STATUS_CHANGED").await;
        assert_eq!((e["payload"]["from"].as_str(), e["payload"]["to"].as_str()), (Some(from), Some(to)));
        assert_eq!((e["payload"]["id"].as_str(), e["payload"]["status"].as_str()), (Some(oid.as_str()), Some(to)));
    }
    let again = s.patch(&path, &kitchen, json!({"status": "DONE"})).await;
    assert_eq!((again.status, again.code()), (422, "invalid_transition"));
    let void_done = s.patch(&path, &t.owner, json!({"status": "VOIDED", "reason": "late"})).await;
    assert_eq!((void_done.status, void_done.code()), (422, "invalid_transition"), "DONE is final");

    // Voiding needs orders.void; a reason is recorded when given, and clients that send only
    // the status work too.
    let sid = second["id"].as_str().unwrap();
    let spath = format!("/orders/{sid}/status");
    assert_eq!(s.patch(&spath, &kitchen, json!({"status": "VOIDED", "reason": "x"})).await.status, 403);
    let third = r.order(&s, 2, json!([{"product_id": r.rice, "quantity": 1}])).await;
    let tpath = format!("/orders/{}/status", third["id"].as_str().unwrap());
    let no_reason = s.patch(&tpath, &t.owner, json!({"status": "VOIDED"})).await;
    assert_eq!((no_reason.status, no_reason.data()["status"].as_str()), (200, Some("VOIDED")), "{:?}", no_reason.body);
    assert!(no_reason.data()["void_reason"].is_null());
    let voided = s.patch(&spath, &t.owner, json!({"status": "VOIDED", "reason": "guest left"})).await;
    assert_eq!((voided.status, voided.data()["void_reason"].as_str()), (200, Some("guest left")));
    assert_eq!(r.table_status(&s, 1).await, "free", "a voided order frees its table");

    // Orders are in the change feed; the other tenant sees and hears none of it.
    let feed = s.get("/sync/pull?entities=order", &t.owner).await;
    let versions: Vec<i64> = feed.data()["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["id"] == oid.as_str())
        .map(|c| c["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions.last(), Some(&5), "the feed has the order at its last version: {versions:?}");
    assert_eq!(s.get(&format!("/orders/{oid}"), &other.owner).await.status, 404);
    assert_eq!(s.get("/orders", &other.owner).await.body["pagination"]["total"], 0);
    let heard = tokio::time::timeout(std::time::Duration::from_millis(1500), async {
        loop {
            match theirs.next().await {
                Some(Ok(Message::Text(t))) => return t.to_string(),
                Some(Ok(_)) => continue,
                other => return format!("{other:?}"),
            }
        }
    })
    .await;
    assert!(heard.is_err(), "the other tenant heard {heard:?}");
}

async fn stations_route_items_to_kitchen_displays_and_tickets(b: Backend) {
    let s = TestServer::start(b).await;
    let r = resto(&s).await;
    let t = &r.t;
    // A food-only order, which the bar's display leaves out.
    r.order(&s, 0, json!([{"product_id": r.rice, "quantity": 1}])).await;
    let mixed = r
        .order(&s, 1, json!([{"product_id": r.coffee, "quantity": 1.5, "modifiers": [r.oat], "note": "hot"}, {"product_id": r.rice, "quantity": 2}]))
        .await;
    let bar = s.get(&format!("/orders?station={}&status=NEW,ACCEPTED", r.bar), &t.owner).await;
    assert_eq!(bar.status, 200, "{:?}", bar.body);
    let found = bar.data().as_array().unwrap();
    assert_eq!(found.len(), 1, "only orders with bar items");
    assert_eq!(found[0]["id"], mixed["id"]);
    let names: Vec<&str> = found[0]["items"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["Kopi"], "the bar sees its own items only");
    let all = s.get(&format!("/orders?outlet_id={}&status=NEW", t.outlet), &t.owner).await;
    assert_eq!(all.body["pagination"]["total"], 2);
    assert_eq!(s.get("/orders?status=COOKED", &t.owner).await.status, 400);
    assert_eq!(s.get("/orders?station=nope", &t.owner).await.status, 400);

    let mid = mixed["id"].as_str().unwrap();
    let ticket = s.get(&format!("/orders/{mid}/ticket"), &t.owner).await;
    assert_eq!(ticket.status, 200);
    let text = ticket.body.as_str().unwrap();
    for needle in
        [mixed["number"].as_str().unwrap(), "1.5 x Kopi", "+ Oat", "! hot", "2 x Nasi Goreng", "Table T2", "KITCHEN"]
    {
        assert!(text.contains(needle), "{needle:?} missing from\n{text}");
    }
    assert!(!text.contains("26.000") && !text.contains("30000"), "no prices on a kitchen ticket:\n{text}");
    let bar_ticket = s.get(&format!("/orders/{mid}/ticket?station={}&width=58", r.bar), &t.owner).await;
    let bar_text = bar_ticket.body.as_str().unwrap();
    assert!(bar_text.contains("BAR") && bar_text.contains("Kopi") && !bar_text.contains("Nasi"), "{bar_text}");
    assert!(bar_text.lines().all(|l| l.chars().count() <= 32), "58 mm is 32 columns:\n{bar_text}");
    let res = s
        .raw()
        .get(format!("{}/api/v1/orders/{mid}/ticket?format=escpos", s.base))
        .bearer_auth(&t.owner)
        .send()
        .await
        .unwrap();
    let bytes = res.bytes().await.unwrap();
    assert_eq!(&bytes[..2], &[0x1B, b'@'], "ESC/POS starts by initialising the printer");
    assert_eq!(&bytes[bytes.len() - 4..], &[0x1D, b'V', 66, 0], "and ends with a cut");
    assert!(bytes.windows(4).any(|w| w == b"Kopi"));
    assert_eq!(s.get(&format!("/orders/{mid}/ticket?format=pdf"), &t.owner).await.status, 400);
}
