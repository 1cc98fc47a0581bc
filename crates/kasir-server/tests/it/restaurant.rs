//! The restaurant: halls and tables, table sessions and their QR codes, guests ordering, the
//! kitchen flow with its WebSocket events, stations and tickets, moving, merging and paying.

use futures::StreamExt;
use reqwest::Method;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

use crate::{
    common::{Backend, TestServer, PASSWORD},
    realtime::{connect, next, Ws},
    till::{id, Till},
};

crate::backend_tests!(
    an_order_goes_through_the_kitchen_and_sockets_hear_it,
    stations_route_items_to_kitchen_displays_and_tickets,
    guests_order_with_their_session_token_only,
    qr_codes_link_to_the_public_url,
    orders_are_paid_whole_by_items_or_in_equal_parts,
    orders_move_between_tables_and_merge,
);

/// A restaurant: a hall with tables T1 to T3, a Drinks category served by a Bar station, a
/// stocked coffee (Drinks > Coffee, with a milk modifier) and a stocked rice dish.
struct Resto {
    t: Till,
    tables: Vec<String>,
    bar: String,
    coffee: String,
    oat: String,
    rice: String,
}

async fn resto(s: &TestServer) -> Resto {
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
    async fn order(&self, s: &TestServer, table: usize, items: Value) -> Value {
        let body =
            json!({"outlet_id": self.t.outlet, "table_id": self.tables[table], "type": "dine_in", "items": items});
        let r = s.post("/orders", &self.t.cashier, body).await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        r.data().clone()
    }

    async fn table_status(&self, s: &TestServer, table: usize) -> String {
        let r = s.get(&format!("/tables/{}", self.tables[table]), &self.t.owner).await;
        r.data()["status"].as_str().unwrap().to_string()
    }
}

/// The next event of `kind`, skipping others.
async fn next_of(ws: &mut Ws, kind: &str) -> Value {
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

async fn guests_order_with_their_session_token_only(b: Backend) {
    let s = TestServer::start_with(b, |c| c.guest_orders_per_minute = 2).await;
    let r = resto(&s).await;
    let t = &r.t;
    let hidden = t.product(&s, "OLD", 1000, json!({"is_active": false})).await;
    let open = |table: usize| {
        let (s, tables, cashier) = (&s, &r.tables, &t.cashier);
        async move {
            let res = s.post("/table-sessions", cashier, json!({"table_id": tables[table]})).await;
            assert_eq!(res.status, 201, "{:?}", res.body);
            res.data().clone()
        }
    };
    let one = open(0).await;
    let token = one["token"].as_str().unwrap().to_string();
    assert!(token.len() >= 43, "at least 256 bits, URL-safe: {token}");
    assert!(one["expires_at"].as_str().unwrap() > one["created_at"].as_str().unwrap());
    assert_eq!(r.table_status(&s, 0).await, "occupied");
    let twice = s.post("/table-sessions", &t.cashier, json!({"table_id": r.tables[0]})).await;
    assert_eq!((twice.status, twice.code()), (422, "table_session_open"));
    let two = open(1).await;
    let other_token = two["token"].as_str().unwrap().to_string();

    let valid = s.send(Method::POST, "/table-sessions/validate", None, Some(json!({"token": token})), &[]).await;
    assert_eq!(valid.status, 200);
    assert_eq!(
        (valid.data()["valid"].as_bool(), valid.data()["session_id"].as_str(), valid.data()["table"]["name"].as_str()),
        (Some(true), one["id"].as_str(), Some("T1"))
    );
    assert_eq!(valid.data()["outlet_id"], t.outlet.as_str());
    let bogus =
        s.send(Method::POST, "/table-sessions/validate", None, Some(json!({"token": "x".repeat(43)})), &[]).await;
    assert_eq!((bogus.status, bogus.data()["valid"].as_bool()), (200, Some(false)));

    let guest = |tok: &str| vec![("x-table-session", tok.to_string())];
    let as_guest = |method: Method, path: &str, tok: &str, body: Option<Value>| {
        let headers = guest(tok);
        let s = &s;
        let path = path.to_string();
        async move {
            let h: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
            s.send(method, &path, None, body, &h).await
        }
    };
    let menu = as_guest(Method::GET, "/guest/menu", &token, None).await;
    assert_eq!(menu.status, 200, "{:?}", menu.body);
    let products = menu.data()["products"].as_array().unwrap();
    let ids: Vec<&str> = products.iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&r.coffee.as_str()) && ids.contains(&r.rice.as_str()) && !ids.contains(&hidden.as_str()));
    let kopi = products.iter().find(|p| p["id"] == r.coffee.as_str()).unwrap();
    assert_eq!(kopi["price"], 20000);
    assert_eq!(kopi["modifier_groups"][0]["options"][0]["price"], 6000);
    assert!(kopi.get("cost").is_none(), "guests never see costs: {kopi}");
    assert_eq!(menu.data()["table"]["name"], "T1");

    let body = json!({"items": [{"product_id": r.coffee, "quantity": 1, "modifiers": [r.oat]}], "note": "window seat"});
    let placed = as_guest(Method::POST, "/guest/orders", &token, Some(body.clone())).await;
    assert_eq!(placed.status, 201, "{:?}", placed.body);
    assert_eq!(
        (placed.data()["source"].as_str(), placed.data()["table_id"].as_str()),
        (Some("guest"), Some(r.tables[0].as_str()))
    );
    assert_eq!(placed.data()["total_amount"], 26000);
    let oid = id(&placed);
    let priced = json!({"items": [{"product_id": r.coffee, "quantity": 1, "unit_price": 1}]});
    assert_eq!(as_guest(Method::POST, "/guest/orders", &token, Some(priced)).await.status, 400, "no price overrides");
    let inactive = json!({"items": [{"product_id": hidden, "quantity": 1}]});
    assert_eq!(as_guest(Method::POST, "/guest/orders", &token, Some(inactive)).await.status, 400);

    // The session sees its own order; the other table's session does not.
    let mine = as_guest(Method::GET, "/guest/orders", &token, None).await;
    assert_eq!(mine.data().as_array().unwrap().len(), 1);
    assert_eq!(as_guest(Method::GET, &format!("/guest/orders/{oid}"), &token, None).await.status, 200);
    assert_eq!(as_guest(Method::GET, &format!("/guest/orders/{oid}"), &other_token, None).await.status, 404);
    assert_eq!(as_guest(Method::GET, "/guest/orders", &other_token, None).await.data().as_array().unwrap().len(), 0);
    // A token opens nothing else: not as a bearer token, not as the header on staff routes.
    assert_eq!(s.get(&format!("/orders/{oid}"), &token).await.status, 401);
    assert_eq!(as_guest(Method::GET, &format!("/orders/{oid}"), &token, None).await.status, 401);
    assert_eq!(
        as_guest(Method::PATCH, &format!("/orders/{oid}/status"), &token, Some(json!({"status": "ACCEPTED"})))
            .await
            .status,
        401
    );
    assert_eq!(s.send(Method::GET, "/guest/menu", None, None, &[]).await.status, 401);
    assert_eq!(as_guest(Method::GET, "/guest/menu", "not-a-token", None).await.status, 401);

    // Two orders a minute here: the third is refused with Retry-After, and placed nothing. A
    // phone's retry with its Idempotency-Key gets the same order and uses up nothing.
    let keyed = |tok: &str| {
        let (s, tok, body) = (&s, tok.to_string(), body.clone());
        async move {
            let h = [("x-table-session", tok.as_str()), ("idempotency-key", "guest-order-1")];
            s.send(Method::POST, "/guest/orders", None, Some(body), &h).await
        }
    };
    let second = keyed(&token).await;
    assert_eq!(second.status, 201);
    let retried = keyed(&token).await;
    assert_eq!((retried.status, retried.header("idempotent-replayed").as_deref()), (201, Some("true")));
    assert_eq!(retried.data()["id"], second.data()["id"]);
    let third = as_guest(Method::POST, "/guest/orders", &token, Some(body.clone())).await;
    assert_eq!((third.status, third.code()), (429, "rate_limited"));
    let wait: u64 = third.header("retry-after").expect("Retry-After").parse().unwrap();
    assert!((1..=60).contains(&wait));
    assert_eq!(as_guest(Method::GET, "/guest/orders", &token, None).await.data().as_array().unwrap().len(), 2);
    // Another session has its own allowance, and its own keys.
    let theirs = keyed(&other_token).await;
    assert_eq!((theirs.status, theirs.header("idempotent-replayed")), (201, None));
    assert_ne!(theirs.data()["id"], second.data()["id"]);

    // Closed, the token is dead.
    let closed = s.post(&format!("/table-sessions/{}/close", one["id"].as_str().unwrap()), &t.cashier, json!({})).await;
    assert_eq!((closed.status, closed.data()["status"].as_str()), (200, Some("closed")));
    assert_eq!(as_guest(Method::GET, "/guest/menu", &token, None).await.status, 401);
    let after = s.send(Method::POST, "/table-sessions/validate", None, Some(json!({"token": token})), &[]).await;
    assert_eq!(after.data()["valid"], false);
    let reclose =
        s.post(&format!("/table-sessions/{}/close", one["id"].as_str().unwrap()), &t.cashier, json!({})).await;
    assert_eq!((reclose.status, reclose.code()), (422, "table_session_closed"));
    assert_eq!(r.table_status(&s, 0).await, "occupied", "its orders still sit at the table");
}

async fn qr_codes_link_to_the_public_url(b: Backend) {
    let s = TestServer::start_with(b, |c| c.public_url = Some("https://pos.example.com".into())).await;
    let r = resto(&s).await;
    let t = &r.t;
    let session =
        s.post("/table-sessions", &t.cashier, json!({"table_id": r.tables[2], "expires_in_minutes": 30})).await;
    assert_eq!(session.status, 201);
    let (sid, token) = (id(&session), session.data()["token"].as_str().unwrap().to_string());
    let get = |path: String| {
        let (s, tok) = (&s, t.owner.clone());
        async move { s.raw().get(format!("{}/api/v1{path}", s.base)).bearer_auth(tok).send().await.unwrap() }
    };
    let png = get(format!("/table-sessions/{sid}/qr.png")).await;
    assert_eq!(png.status(), 200);
    assert_eq!(png.headers()["content-type"], "image/png");
    let bytes = png.bytes().await.unwrap();
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes.to_vec())).read_info().expect("a PNG");
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).expect("a frame");
    assert_eq!(info.color_type, png::ColorType::Grayscale);
    let (w, h) = (info.width as usize, info.height as usize);
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| pixels[y * w + x]);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the image");
    let (_, content) = grids[0].decode().expect("it decodes");
    assert_eq!(content, format!("https://pos.example.com/guest?session={token}"));

    let svg = get(format!("/table-sessions/{sid}/qr.svg")).await;
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    assert!(svg.text().await.unwrap().contains("<svg"));
    let other = s.tenant("other").await;
    assert_eq!(s.get(&format!("/table-sessions/{sid}/qr.png"), &other.owner).await.status, 404);
    assert_eq!(
        s.post("/table-sessions", &t.cashier, json!({"table_id": r.tables[0], "expires_in_minutes": 0})).await.status,
        400
    );
}

async fn orders_are_paid_whole_by_items_or_in_equal_parts(b: Backend) {
    let s = TestServer::start(b).await;
    let r = resto(&s).await;
    let t = &r.t;
    t.open_shift(&s, &t.cashier, 0).await;
    let cash = |amount: i64| json!([{"payment_method_id": t.cash, "amount": amount}]);
    let order =
        r.order(&s, 0, json!([{"product_id": r.coffee, "quantity": 2}, {"product_id": r.rice, "quantity": 3}])).await;
    let oid = order["id"].as_str().unwrap().to_string();
    let coffee_item = order["items"][0]["id"].clone();
    let pay = |body: Value| {
        let (s, tok, path) = (&s, t.cashier.clone(), format!("/orders/{oid}/pay"));
        async move { s.post(&path, &tok, body).await }
    };

    // Split by items: one coffee, then the rest.
    let first =
        pay(json!({"payments": cash(20000), "split": {"items": [{"order_item_id": coffee_item, "quantity": 1}]}}))
            .await;
    assert_eq!(first.status, 201, "{:?}", first.body);
    assert_eq!((first.data()["total"].as_i64(), first.data()["order_id"].as_str()), (Some(20000), Some(oid.as_str())));
    let too_much =
        pay(json!({"payments": cash(100000), "split": {"items": [{"order_item_id": coffee_item, "quantity": 2}]}}))
            .await;
    assert_eq!(too_much.status, 400, "only one coffee is left to pay");
    assert_eq!(too_much.fields(), vec!["split.items[0].quantity".to_string()]);
    let parts = pay(json!({"payments": cash(100000), "split": {"parts": 2}})).await;
    assert_eq!((parts.status, parts.code()), (422, "split_mismatch"));
    let short = pay(json!({"payments": cash(1000)})).await;
    assert_eq!(short.status, 422, "payments must cover the rest");
    let rest = pay(json!({"payments": cash(110000)})).await;
    assert_eq!(rest.status, 201, "{:?}", rest.body);
    assert_eq!(rest.data()["total"], 20000 + 3 * 30000);
    let paid = s.get(&format!("/orders/{oid}"), &t.owner).await;
    assert_eq!(paid.data()["paid"], true);
    assert_eq!(paid.data()["items"][1]["paid_quantity"], 3.0);
    assert_eq!(pay(json!({"payments": cash(1000)})).await.code(), "order_paid");
    assert_eq!(t.level(&s, &r.coffee, None).await, 48.0);
    assert_eq!(t.level(&s, &r.rice, None).await, 47.0);
    let sales = s.get(&format!("/sales?outlet_id={}", t.outlet), &t.owner).await;
    assert_eq!(sales.body["pagination"]["total"], 2);

    // Equal parts: three sales that add up to exactly the order, each near a third.
    let shared =
        r.order(&s, 1, json!([{"product_id": r.rice, "quantity": 1}, {"product_id": r.coffee, "quantity": 2}])).await;
    let sid = shared["id"].as_str().unwrap().to_string();
    let path = format!("/orders/{sid}/pay");
    let mut totals = Vec::new();
    for k in 1..=3 {
        let key = format!("split-{sid}-{k}");
        let body = json!({"payments": cash(30000), "split": {"parts": 3}});
        let r1 = s
            .send(Method::POST, &path, Some(&t.cashier), Some(body.clone()), &[("idempotency-key", key.as_str())])
            .await;
        assert_eq!(r1.status, 201, "part {k}: {:?}", r1.body);
        // A retry of the same part returns the same sale and pays nothing more.
        let again =
            s.send(Method::POST, &path, Some(&t.cashier), Some(body), &[("idempotency-key", key.as_str())]).await;
        assert_eq!((again.status, again.header("idempotent-replayed").as_deref()), (201, Some("true")));
        assert_eq!(again.data()["id"], r1.data()["id"]);
        totals.push(r1.data()["total"].as_i64().unwrap());
        let o = s.get(&format!("/orders/{sid}"), &t.owner).await;
        assert_eq!((o.data()["parts_paid"].as_i64(), o.data()["paid"].as_bool()), (Some(k), Some(k == 3)));
    }
    assert_eq!(totals.iter().sum::<i64>(), 70000, "the parts add up to the order: {totals:?}");
    assert!(totals.iter().all(|x| (x - 70000 / 3).abs() <= 30), "each part is about a third: {totals:?}");
    let four = pay_parts(&s, &t.cashier, &path, &cash(30000), 4).await;
    assert_eq!(four.code(), "order_paid");
    assert_eq!(t.level(&s, &r.rice, None).await, 46.0, "the parts took exactly one rice");
    t.assert_ledger_matches(&s).await;

    // A voided order cannot be paid.
    let gone = r.order(&s, 2, json!([{"product_id": r.rice, "quantity": 1}])).await;
    let gid = gone["id"].as_str().unwrap();
    s.patch(&format!("/orders/{gid}/status"), &t.owner, json!({"status": "VOIDED", "reason": "test"})).await;
    let refused = s.post(&format!("/orders/{gid}/pay"), &t.cashier, json!({"payments": cash(30000)})).await;
    assert_eq!((refused.status, refused.code()), (422, "invalid_transition"));
}

async fn pay_parts(s: &TestServer, token: &str, path: &str, payments: &Value, parts: i64) -> crate::common::Resp {
    s.post(path, token, json!({"payments": payments, "split": {"parts": parts}})).await
}

async fn orders_move_between_tables_and_merge(b: Backend) {
    let s = TestServer::start(b).await;
    let r = resto(&s).await;
    let t = &r.t;
    let a = r.order(&s, 0, json!([{"product_id": r.rice, "quantity": 1}])).await;
    let b2 = r.order(&s, 1, json!([{"product_id": r.coffee, "quantity": 2}])).await;
    let (aid, bid) = (a["id"].as_str().unwrap(), b2["id"].as_str().unwrap());

    let moved = s.post(&format!("/orders/{aid}/move"), &t.cashier, json!({"table_id": r.tables[2]})).await;
    assert_eq!(moved.status, 200, "{:?}", moved.body);
    assert_eq!(moved.data()["table_id"], r.tables[2].as_str());
    assert_eq!((r.table_status(&s, 0).await, r.table_status(&s, 2).await), ("free".into(), "occupied".into()));
    let nowhere = s.post(&format!("/orders/{aid}/move"), &t.cashier, json!({"table_id": t.outlet})).await;
    assert_eq!(nowhere.status, 404);

    let added = s
        .post(&format!("/orders/{bid}/items"), &t.cashier, json!({"items": [{"product_id": r.rice, "quantity": 1}]}))
        .await;
    assert_eq!(added.status, 200, "{:?}", added.body);
    assert_eq!(added.data()["total_amount"], 2 * 20000 + 30000);

    assert_eq!(s.post(&format!("/orders/{aid}/merge"), &t.cashier, json!({"into_order_id": aid})).await.status, 400);
    let merged = s.post(&format!("/orders/{bid}/merge"), &t.cashier, json!({"into_order_id": aid})).await;
    assert_eq!(merged.status, 200, "{:?}", merged.body);
    assert_eq!(merged.data()["id"], aid);
    assert_eq!(merged.data()["items"].as_array().unwrap().len(), 3);
    assert_eq!(merged.data()["total_amount"], 30000 + 2 * 20000 + 30000);
    let gone = s.get(&format!("/orders/{bid}"), &t.owner).await;
    assert_eq!(gone.data()["status"], "VOIDED");
    assert!(gone.data()["void_reason"].as_str().unwrap().starts_with("merged into"));
    assert_eq!(gone.data()["items"].as_array().unwrap().len(), 0);
    assert_eq!(r.table_status(&s, 1).await, "free");
    let twice = s.post(&format!("/orders/{bid}/merge"), &t.cashier, json!({"into_order_id": aid})).await;
    assert_eq!((twice.status, twice.code()), (422, "invalid_transition"));
    let more = s
        .post(&format!("/orders/{bid}/items"), &t.cashier, json!({"items": [{"product_id": r.rice, "quantity": 1}]}))
        .await;
    assert_eq!(more.status, 422, "a voided order takes no items");
}
