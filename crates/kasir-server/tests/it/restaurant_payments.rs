//! Paying orders (whole, by items, in equal parts), and moving and merging them between tables.

use reqwest::Method;
use serde_json::{json, Value};

use crate::{
    common::{Backend, TestServer},
    restaurant::resto,
};

crate::backend_tests!(orders_are_paid_whole_by_items_or_in_equal_parts, orders_move_between_tables_and_merge);

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
