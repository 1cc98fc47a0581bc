//! Guests at their table: ordering with the table session's token only, and the QR codes that
//! open it.

use reqwest::Method;
use serde_json::{json, Value};

use crate::{
    common::{Backend, TestServer},
    restaurant::resto,
    till::id,
};

crate::backend_tests!(guests_order_with_their_session_token_only, qr_codes_link_to_the_public_url);

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
