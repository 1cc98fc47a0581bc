use serde_json::json;

use crate::{
    common::{Backend, TestServer},
    till::{id, Till},
};

crate::backend_tests!(
    a_new_tenant_can_take_cash,
    one_open_shift_per_user_and_outlet,
    closing_counts_the_cash_the_drawer_should_hold,
    a_closed_shift_cannot_change,
    only_the_owner_or_a_manager_closes_a_shift,
);

async fn a_new_tenant_can_take_cash(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    let r = s.get("/payment-methods", &t.owner).await;
    assert_eq!(r.body["pagination"]["total"], 1);
    assert_eq!((r.data()[0]["name"].clone(), r.data()[0]["type"].clone()), (json!("Cash"), json!("cash")));
    let bad = s.post("/payment-methods", &t.owner, json!({"name": "Bitcoin", "type": "crypto"})).await;
    assert_eq!((bad.status, bad.fields()), (400, vec!["type".to_string()]));
    let dup = s.post("/payment-methods", &t.owner, json!({"name": "cash", "type": "cash"})).await;
    assert_eq!(dup.status, 409);
}

async fn one_open_shift_per_user_and_outlet(b: Backend) {
    let s = TestServer::start(b).await;
    let t = Till::new(&s).await;
    assert_eq!(s.get("/shifts/current", &t.cashier).await.status, 404);
    let shift = t.open_shift(&s, &t.cashier, 50000).await;
    let again = s.post("/shifts/open", &t.cashier, json!({"outlet_id": t.outlet, "start_cash": 0})).await;
    assert_eq!((again.status, again.code()), (422, "shift_already_open"));
    let current = s.get("/shifts/current", &t.cashier).await;
    assert_eq!((current.status, current.data()["id"].as_str()), (200, Some(shift.as_str())));
    assert_eq!(current.data()["status"], "open");
    // Another user, or another outlet, may open their own.
    t.open_shift(&s, &t.owner, 0).await;
    let second = s.outlet(&t.owner, "K02").await;
    let r = s.post("/shifts/open", &t.owner, json!({"outlet_id": second, "start_cash": 0})).await;
    assert_eq!(r.status, 201);
    let elsewhere = s.post("/shifts/open", &t.cashier, json!({"outlet_id": second, "start_cash": 0})).await;
    assert_eq!(elsewhere.status, 404, "the cashier does not work at K02");
    let negative = s.post("/shifts/open", &t.owner, json!({"outlet_id": t.outlet, "start_cash": -1})).await;
    assert_eq!(negative.status, 400);
    let list = s.get(&format!("/shifts?outlet_id={}&status=open", t.outlet), &t.owner).await;
    assert_eq!(list.body["pagination"]["total"], 2);
}

async fn closing_counts_the_cash_the_drawer_should_hold(b: Backend) {
    let s = TestServer::start(b).await;
    let t = Till::new(&s).await;
    let tea = t.product(&s, "TEA", 35000, json!({"track_stock": false})).await;
    let qris = id(&s.post("/payment-methods", &t.owner, json!({"name": "QRIS", "type": "qris"})).await);
    let shift = t.open_shift(&s, &t.cashier, 100000).await;
    // Cash sale paid with 50.000: 15.000 change.
    let r = t.sell(&s, &t.cashier, t.sale(json!([{"product_id": tea, "quantity": 1}]), 50000)).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let mut by_qris = t.sale(json!([{"product_id": tea, "quantity": 2}]), 0);
    by_qris["payments"] = json!([{"payment_method_id": qris, "amount": 70000}]);
    assert_eq!(t.sell(&s, &t.cashier, by_qris).await.status, 201);
    for (kind, amount) in [("in", 20000), ("out", 5000)] {
        let r = s
            .post(
                &format!("/shifts/{shift}/cash-movements"),
                &t.cashier,
                json!({"type": kind, "amount": amount, "reason": "float"}),
            )
            .await;
        assert_eq!(r.status, 201, "{:?}", r.body);
    }
    let cat = id(&s.post("/expense-categories", &t.owner, json!({"name": "Supplies"})).await);
    let e = s
        .post(
            "/expenses",
            &t.owner,
            json!({"outlet_id": t.outlet, "shift_id": shift, "category_id": cat, "amount": 12000, "note": "ice"}),
        )
        .await;
    assert_eq!(e.status, 201, "{:?}", e.body);

    let running = s.get(&format!("/shifts/{shift}/report"), &t.cashier).await;
    // 100.000 + 50.000 − 15.000 + 20.000 − 5.000 − 12.000
    assert_eq!(running.data()["expected_cash"], 138000, "{:?}", running.body);
    assert_eq!(running.data()["sales_count"], 2);
    assert_eq!(running.data()["sales_total"], 105000);
    let methods = running.data()["by_payment_method"].as_array().unwrap();
    let qris_total = methods.iter().find(|m| m["type"] == "qris").unwrap();
    assert_eq!(qris_total["net"], 70000);
    let cash_total = methods.iter().find(|m| m["type"] == "cash").unwrap();
    assert_eq!(
        (cash_total["sales"].clone(), cash_total["change"].clone(), cash_total["net"].clone()),
        (json!(50000), json!(15000), json!(35000))
    );

    let closed =
        s.post("/shifts/close", &t.cashier, json!({"shift_id": shift, "end_cash": 137500, "note": "short 500"})).await;
    assert_eq!(closed.status, 200, "{:?}", closed.body);
    let c = closed.data();
    assert_eq!(
        (c["status"].clone(), c["expected_cash"].clone(), c["cash_difference"].clone()),
        (json!("closed"), json!(138000), json!(-500))
    );
    assert_eq!(c["report"]["cash"]["cash_expenses"], 12000);
    let frozen = s.get(&format!("/shifts/{shift}/report"), &t.owner).await;
    assert_eq!(frozen.data()["end_cash"], 137500);
    assert_eq!(frozen.data()["status"], "closed");
    let events = kasir_store::realtime::events_after(&s.state.db, &t.tenant_id, 0, 100).await.unwrap();
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).filter(|k| k.starts_with("SHIFT")).collect();
    assert_eq!(kinds, vec!["SHIFT_OPENED", "SHIFT_CLOSED"]);
}

async fn a_closed_shift_cannot_change(b: Backend) {
    let s = TestServer::start(b).await;
    let t = Till::new(&s).await;
    let tea = t.product(&s, "TEA", 10000, json!({"track_stock": false})).await;
    let shift = t.open_shift(&s, &t.cashier, 0).await;
    let e = s.post("/expenses", &t.owner, json!({"outlet_id": t.outlet, "shift_id": shift, "amount": 1000})).await;
    assert_eq!(e.status, 201);
    let r = s.post("/shifts/close", &t.cashier, json!({"shift_id": shift, "end_cash": 0})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let again = s.post("/shifts/close", &t.cashier, json!({"shift_id": shift, "end_cash": 0})).await;
    assert_eq!((again.status, again.code()), (422, "shift_closed"));
    let cash = s
        .post(&format!("/shifts/{shift}/cash-movements"), &t.cashier, json!({"type": "in", "amount": 1, "reason": "x"}))
        .await;
    assert_eq!((cash.status, cash.code()), (422, "shift_closed"));
    let sale = t.sell(&s, &t.cashier, t.sale(json!([{"product_id": tea, "quantity": 1}]), 10000)).await;
    assert_eq!((sale.status, sale.code()), (422, "shift_not_open"));
    let expense =
        s.post("/expenses", &t.owner, json!({"outlet_id": t.outlet, "shift_id": shift, "amount": 1000})).await;
    assert_eq!((expense.status, expense.code()), (422, "shift_closed"));
    let edit = s.patch(&format!("/expenses/{}", id(&e)), &t.owner, json!({"amount": 5})).await;
    assert_eq!((edit.status, edit.code()), (422, "shift_closed"));
    assert_eq!(s.delete(&format!("/expenses/{}", id(&e)), &t.owner).await.status, 422);
    let report = s.get(&format!("/shifts/{shift}/report"), &t.owner).await;
    assert_eq!(report.data()["expected_cash"], -1000, "nothing moved the frozen figures");
}

async fn only_the_owner_or_a_manager_closes_a_shift(b: Backend) {
    let s = TestServer::start(b).await;
    let t = Till::new(&s).await;
    let shift = t.open_shift(&s, &t.cashier, 0).await;
    s.user(&t.owner, "kasir2", "cashier", &[&t.outlet]).await;
    let other = s.token("kasir2", crate::common::PASSWORD).await;
    let r = s.post("/shifts/close", &other, json!({"shift_id": shift, "end_cash": 0})).await;
    assert_eq!(r.status, 403);
    let foreign = s.tenant("other").await;
    let r = s.post("/shifts/close", &foreign.owner, json!({"shift_id": shift, "end_cash": 0})).await;
    assert_eq!(r.status, 404);
    let r = s.post("/shifts/close", &t.owner, json!({"shift_id": shift, "end_cash": 0})).await;
    assert_eq!((r.status, r.data()["closed_by"].is_string()), (200, true));
}
