//! Idempotency by construction: the routes that move money or stock are marked where they are
//! registered (`x-moves-money` in the OpenAPI document), and each of them, sent twice with one
//! Idempotency-Key, acts once and answers the same; sent again with another body, it is refused.

use reqwest::Method;
use serde_json::{json, Value};

use crate::{
    common::{Backend, Resp, TestServer},
    till::{id, Till},
};

crate::backend_tests!(every_money_moving_route_acts_once_per_key);

/// The money-moving routes, as the document marks them.
/// (`/customer/balance/decrease` is sent twice in `customer_accounts`.)
const MONEY_ROUTES: &[&str] = &[
    "/api/v1/customer/balance/decrease",
    "/api/v1/orders/{id}/pay",
    "/api/v1/purchases/{id}/receive",
    "/api/v1/sales",
    "/api/v1/sales/{id}/refunds",
    "/api/v1/sales/{id}/void",
    "/api/v1/shifts/close",
    "/api/v1/shifts/open",
    "/api/v1/shifts/{id}/cash-movements",
    "/api/v1/stock/adjustments",
    "/api/v1/stock/transfers/{id}/receive",
    "/api/v1/stock/transfers/{id}/send",
];

/// Sends `body` twice with `key` (the second is the first answer replayed), then `other` with the
/// same key (422 `idempotency_key_reused`); the first answer.
pub async fn twice(s: &TestServer, token: &str, path: &str, key: &str, body: Value, other: Value) -> Resp {
    let header = [("idempotency-key", key)];
    let first = s.send(Method::POST, path, Some(token), Some(body.clone()), &header).await;
    assert!(first.status < 300, "{path}: {:?}", first.body);
    assert!(first.header("idempotent-replayed").is_none(), "{path}");
    let again = s.send(Method::POST, path, Some(token), Some(body), &header).await;
    assert_eq!(again.status, first.status, "{path}");
    assert_eq!(again.header("idempotent-replayed").as_deref(), Some("true"), "{path}");
    assert_eq!(again.body, first.body, "{path}: the first answer, again");
    let reused = s.send(Method::POST, path, Some(token), Some(other), &header).await;
    assert_eq!((reused.status, reused.code()), (422, "idempotency_key_reused"), "{path}: {:?}", reused.body);
    first
}

async fn count(s: &TestServer, token: &str, path: &str) -> i64 {
    let r = s.get(path, token).await;
    assert_eq!(r.status, 200, "{path}: {:?}", r.body);
    r.body["pagination"]["total"].as_i64().unwrap_or_else(|| r.data().as_array().map_or(0, |a| a.len() as i64))
}

async fn every_money_moving_route_acts_once_per_key(b: Backend) {
    let s = TestServer::start(b).await;
    let doc = s.raw().get(format!("{}/api/v1/openapi.json", s.base)).send().await.unwrap();
    let doc: Value = doc.json().await.unwrap();
    let mut marked: Vec<String> = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("operations") {
            if op["x-moves-money"] == json!(true) {
                assert_eq!(method, "post", "{path}");
                marked.push(path.clone());
            }
        }
    }
    marked.sort();
    assert_eq!(marked, MONEY_ROUTES, "the money-moving routes, as registered");

    let t = Till::new(&s).await;
    let o = &t.owner;
    let cup = t.product(&s, "CUP", 10_000, json!({})).await;
    let level = |_: ()| t.level(&s, &cup, None);

    // Stock adjustments.
    let adjust = |delta: i64| json!({"warehouse_id": t.warehouse, "reason": "delivery", "lines": [{"product_id": cup, "quantity_delta": delta}]});
    twice(&s, o, "/stock/adjustments", "adjust-1", adjust(20), adjust(21)).await;
    assert_eq!(level(()).await, 20.0, "stock arrived once");

    // Shift open and cash movements.
    let open = |cash: i64| json!({"outlet_id": t.outlet, "start_cash": cash});
    let shift = id(&twice(&s, o, "/shifts/open", "open-1", open(100_000), open(5)).await);
    assert_eq!(count(&s, o, "/shifts").await, 1);
    let cash = |amount: i64| json!({"type": "in", "amount": amount, "reason": "change"});
    let path = format!("/shifts/{shift}/cash-movements");
    twice(&s, o, &path, "cash-1", cash(5_000), cash(6_000)).await;
    assert_eq!(count(&s, o, &path).await, 1);

    // Sales, a refund and a void.
    let sale = |q: i64| t.sale(json!([{"product_id": cup, "quantity": q}]), 10_000 * q);
    let sold = twice(&s, o, "/sales", "sale-1", sale(2), sale(3)).await;
    assert_eq!(count(&s, o, "/sales").await, 1);
    assert_eq!(level(()).await, 18.0);
    let item = sold.data()["items"][0]["id"].as_str().expect("an item").to_string();
    let refund = |q: i64| json!({"items": [{"sale_item_id": item, "quantity": q}], "reason": "broken"});
    let path = format!("/sales/{}/refunds", id(&sold));
    twice(&s, o, &path, "refund-1", refund(1), refund(2)).await;
    assert_eq!(count(&s, o, &path).await, 1);
    assert_eq!(level(()).await, 19.0, "one cup came back, once");
    let other = s.send(Method::POST, "/sales", Some(o), Some(sale(1)), &[("idempotency-key", "sale-2")]).await;
    assert_eq!(other.status, 201, "{:?}", other.body);
    let void = |reason: &str| json!({"reason": reason});
    let path = format!("/sales/{}/void", id(&other));
    let voided = twice(&s, o, &path, "void-1", void("mistake"), void("other")).await;
    assert_eq!(voided.data()["status"], "voided");
    assert_eq!(level(()).await, 19.0);

    // A transfer sent and received.
    let k2 = s.outlet(o, "K02").await;
    let wh2 = s.get(&format!("/warehouses?outlet_id={k2}"), o).await.data()[0]["id"].as_str().unwrap().to_string();
    let created = s
        .post(
            "/stock/transfers",
            o,
            json!({"from_warehouse_id": t.warehouse, "to_warehouse_id": wh2, "lines": [{"product_id": cup, "quantity": 4}]}),
        )
        .await;
    let transfer = id(&created);
    let path = format!("/stock/transfers/{transfer}/send");
    twice(&s, o, &path, "send-1", json!({}), json!({"version": 1})).await;
    assert_eq!(level(()).await, 15.0, "four cups left once");
    let path = format!("/stock/transfers/{transfer}/receive");
    let received = twice(&s, o, &path, "receive-1", json!({}), json!({"version": 2})).await;
    assert_eq!(received.data()["status"], "received");
    let there = s.get(&format!("/stock?warehouse_id={wh2}&product_id={cup}"), o).await;
    assert_eq!(there.data()[0]["quantity"], json!(4));

    // A purchase received.
    let supplier = id(&s.post("/suppliers", o, json!({"name": "PT Gelas"})).await);
    let purchase = id(&s
        .post(
            "/purchases",
            o,
            json!({"supplier_id": supplier, "warehouse_id": t.warehouse, "lines": [{"product_id": cup, "quantity": 10, "unit_cost": 4000}]}),
        )
        .await);
    let path = format!("/purchases/{purchase}/receive");
    twice(&s, o, &path, "purchase-1", json!({}), json!({"version": 1})).await;
    assert_eq!(level(()).await, 25.0, "ten cups arrived once");

    // An order paid.
    let order = id(&s
        .post(
            "/orders",
            o,
            json!({"outlet_id": t.outlet, "type": "takeaway", "items": [{"product_id": cup, "quantity": 1}]}),
        )
        .await);
    let pay = |amount: i64| json!({"payments": [{"payment_method_id": t.cash, "amount": amount}]});
    let path = format!("/orders/{order}/pay");
    twice(&s, o, &path, "pay-1", pay(10_000), pay(20_000)).await;
    assert_eq!(count(&s, o, "/sales").await, 3, "the order made one sale");
    assert_eq!(level(()).await, 24.0);

    // Shift close.
    let close = |cash: i64| json!({"shift_id": shift, "end_cash": cash});
    let closed = twice(&s, o, "/shifts/close", "close-1", close(135_000), close(1)).await;
    assert_eq!(closed.data()["status"], "closed");
    assert_eq!(closed.data()["end_cash"], 135_000);
    t.assert_ledger_matches(&s).await;
}
