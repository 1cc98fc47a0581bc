use serde_json::{json, Value};

use crate::{
    common::{Backend, TestServer, PASSWORD},
    till::{id, Till},
};

crate::backend_tests!(
    a_void_returns_stock_and_its_payments_and_happens_once,
    voiding_a_sale_of_a_closed_shift_needs_its_permission_and_a_drawer,
    refunds_split_discounts_and_taxes_back_and_never_exceed_the_sale,
    a_full_refund_gives_back_the_rounding,
    concurrent_refunds_never_refund_more_than_was_sold,
);

async fn report(s: &TestServer, token: &str, shift: &str) -> Value {
    s.get(&format!("/shifts/{shift}/report"), token).await.data().clone()
}

async fn a_void_returns_stock_and_its_payments_and_happens_once(b: Backend) {
    let s = TestServer::start(b).await;
    let t = Till::new(&s).await;
    let cake = t.product(&s, "CAKE", 35000, json!({})).await;
    t.stock(&s, &cake, None, 5.0).await;
    s.post(
        "/vouchers",
        &t.owner,
        json!({"code": "ONCE", "discount_type": "amount", "discount_value": 5000, "usage_limit": 1}),
    )
    .await;
    let shift = t.open_shift(&s, &t.cashier, 100000).await;
    let mut body = t.sale(json!([{"product_id": cake, "quantity": 2}]), 70000);
    body["voucher_code"] = json!("ONCE");
    let sale = t.sell(&s, &t.cashier, body.clone()).await;
    assert_eq!((sale.status, sale.data()["total"].clone()), (201, json!(65000)), "{:?}", sale.body);
    let sale_id = id(&sale);
    assert_eq!(t.level(&s, &cake, None).await, 3.0);

    let refused = s.post(&format!("/sales/{sale_id}/void"), &t.cashier, json!({"reason": "mistake"})).await;
    assert_eq!(refused.status, 403, "cashiers do not void");
    let no_reason = s.post(&format!("/sales/{sale_id}/void"), &t.owner, json!({"reason": ""})).await;
    assert_eq!((no_reason.status, no_reason.fields()), (400, vec!["reason".to_string()]));
    let voided = s.post(&format!("/sales/{sale_id}/void"), &t.owner, json!({"reason": "customer changed mind"})).await;
    assert_eq!(voided.status, 200, "{:?}", voided.body);
    assert_eq!(
        (voided.data()["status"].clone(), voided.data()["void_reason"].clone()),
        (json!("voided"), json!("customer changed mind"))
    );
    let again = s.post(&format!("/sales/{sale_id}/void"), &t.owner, json!({"reason": "again"})).await;
    assert_eq!((again.status, again.code()), (422, "invalid_transition"));
    assert_eq!(t.level(&s, &cake, None).await, 5.0, "stock came back once");
    t.assert_ledger_matches(&s).await;
    // The void paid back what the sale took: the drawer holds its float again.
    let r = report(&s, &t.cashier, &shift).await;
    assert_eq!(
        (r["expected_cash"].clone(), r["sales_count"].clone(), r["void_count"].clone()),
        (json!(100000), json!(0), json!(1))
    );
    // The voucher's one use came back.
    assert_eq!(t.sell(&s, &t.cashier, body).await.status, 201);
    let events = kasir_store::realtime::events_after(&s.state.db, &t.tenant_id, 0, 100).await.unwrap();
    assert_eq!(events.iter().filter(|e| e.kind == "SALE_VOIDED").count(), 1);
}

async fn voiding_a_sale_of_a_closed_shift_needs_its_permission_and_a_drawer(b: Backend) {
    let s = TestServer::start(b).await;
    let t = Till::new(&s).await;
    let tea = t.product(&s, "TEA", 20000, json!({"track_stock": false})).await;
    let shift = t.open_shift(&s, &t.cashier, 0).await;
    let sale = id(&t.sell(&s, &t.cashier, t.sale(json!([{"product_id": tea, "quantity": 1}]), 20000)).await);
    assert_eq!(s.post("/shifts/close", &t.cashier, json!({"shift_id": shift, "end_cash": 20000})).await.status, 200);
    let role = s
        .post("/roles", &t.owner, json!({"name": "supervisor", "permissions": ["sales.read", "sales.void", "shifts.manage", "shifts.read", "outlets.read"]}))
        .await;
    assert_eq!(role.status, 201, "{:?}", role.body);
    s.user(&t.owner, "spv", "supervisor", &[&t.outlet]).await;
    let spv = s.token("spv", PASSWORD).await;
    t.open_shift(&s, &spv, 0).await;
    let r = s.post(&format!("/sales/{sale}/void"), &spv, json!({"reason": "late"})).await;
    assert_eq!(r.status, 403, "{:?}", r.body);
    let r = s.post(&format!("/sales/{sale}/void"), &t.owner, json!({"reason": "late"})).await;
    assert_eq!((r.status, r.code()), (422, "shift_not_open"), "the money must come out of an open drawer");
    let owner_shift = t.open_shift(&s, &t.owner, 50000).await;
    let r = s.post(&format!("/sales/{sale}/void"), &t.owner, json!({"reason": "late"})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(report(&s, &t.owner, &owner_shift).await["expected_cash"], 30000);
    let closed = report(&s, &t.owner, &shift).await;
    assert_eq!(
        (closed["sales_count"].clone(), closed["expected_cash"].clone()),
        (json!(1), json!(20000)),
        "a closed shift keeps its figures"
    );
}

async fn refunds_split_discounts_and_taxes_back_and_never_exceed_the_sale(b: Backend) {
    let s = TestServer::start(b).await;
    let t = Till::new(&s).await;
    let tax = id(&s.post("/taxes", &t.owner, json!({"name": "PPN", "rate_bps": 1100, "inclusive": true})).await);
    let mug = t.product(&s, "MUG", 37000, json!({"tax_id": tax})).await;
    let tea = t.product(&s, "TEA", 10000, json!({"track_stock": false})).await;
    t.stock(&s, &mug, None, 10.0).await;
    let shift = t.open_shift(&s, &t.cashier, 0).await;
    let items = json!([
        {"product_id": mug, "quantity": 3, "discount": {"type": "percent", "value": 1000}},
        {"product_id": tea, "quantity": 1},
    ]);
    let sale = t.sell(&s, &t.cashier, t.sale(items, 109900)).await;
    assert_eq!(sale.status, 201, "{:?}", sale.body);
    let sale_id = id(&sale);
    let line = sale.data()["items"][0].clone();
    // 3 × 37.000 = 111.000, less 10 % = 99.900, 11 % included: 9.900.
    assert_eq!(
        (line["total"].clone(), line["tax_total"].clone(), line["discount_total"].clone()),
        (json!(99900), json!(9900), json!(11100))
    );
    let item = line["id"].as_str().unwrap().to_string();
    let path = format!("/sales/{sale_id}/refunds");

    assert_eq!(
        s.post(&path, &t.cashier, json!({"items": [{"sale_item_id": item, "quantity": 1}], "reason": "broken"}))
            .await
            .status,
        403
    );
    let first =
        s.post(&path, &t.owner, json!({"items": [{"sale_item_id": item, "quantity": 1}], "reason": "broken"})).await;
    assert_eq!(first.status, 201, "{:?}", first.body);
    let f = first.data();
    assert_eq!(
        (f["total"].clone(), f["tax_total"].clone(), f["discount_total"].clone()),
        (json!(33300), json!(3300), json!(3700))
    );
    assert_eq!(f["payments"][0]["type"], "cash", "paid back in cash by default");
    assert_eq!(t.level(&s, &mug, None).await, 8.0, "restocked by default");
    let kept = s
        .post(
            &path,
            &t.owner,
            json!({"items": [{"sale_item_id": item, "quantity": 2}], "reason": "broken", "restock": false,
            "payments": [{"payment_method_id": t.cash, "amount": 66600}]}),
        )
        .await;
    assert_eq!(kept.status, 201, "{:?}", kept.body);
    assert_eq!(kept.data()["total"].as_i64().unwrap() + 33300, 99900, "all of the line came back");
    assert_eq!(kept.data()["tax_total"].as_i64().unwrap() + 3300, 9900);
    assert_eq!(t.level(&s, &mug, None).await, 8.0, "not restocked");
    let over =
        s.post(&path, &t.owner, json!({"items": [{"sale_item_id": item, "quantity": 1}], "reason": "again"})).await;
    assert_eq!((over.status, over.code()), (422, "refund_exceeds_sale"));
    let tea_item = sale.data()["items"][1]["id"].as_str().unwrap().to_string();
    let wrong = s
        .post(
            &path,
            &t.owner,
            json!({"items": [{"sale_item_id": tea_item, "quantity": 1}], "reason": "x",
            "payments": [{"payment_method_id": t.cash, "amount": 1}]}),
        )
        .await;
    assert_eq!((wrong.status, wrong.code()), (422, "refund_payment_mismatch"));
    let foreign = s
        .post(
            &path,
            &t.owner,
            json!({"items": [{"sale_item_id": kasir_domain::ids::new_id(), "quantity": 1}], "reason": "x"}),
        )
        .await;
    assert_eq!((foreign.status, foreign.fields()), (404, vec!["items[0].sale_item_id".to_string()]));

    let read = s.get(&format!("/sales/{sale_id}"), &t.owner).await;
    assert_eq!(read.data()["refunded_total"], 99900);
    assert_eq!(read.data()["items"][0]["refunded_quantity"], 3);
    assert_eq!(s.get(&path, &t.owner).await.body["pagination"]["total"], 2);
    let void = s.post(&format!("/sales/{sale_id}/void"), &t.owner, json!({"reason": "x"})).await;
    assert_eq!((void.status, void.code()), (422, "invalid_transition"));
    let r = report(&s, &t.owner, &shift).await;
    assert_eq!((r["refund_count"].clone(), r["refund_total"].clone()), (json!(2), json!(99900)));
    assert_eq!(r["expected_cash"], 109900 - 99900);
    t.assert_ledger_matches(&s).await;
}

async fn a_full_refund_gives_back_the_rounding(b: Backend) {
    let s = TestServer::start(b).await;
    let t = Till::new(&s).await;
    let admin = s.admin().await;
    let r = s.patch(&format!("/tenants/{}", t.tenant_id), &admin, json!({"cash_rounding": 100})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let gum = t.product(&s, "GUM", 2450, json!({"track_stock": false})).await;
    t.open_shift(&s, &t.cashier, 0).await;
    let sale = t.sell(&s, &t.cashier, t.sale(json!([{"product_id": gum, "quantity": 3}]), 7400)).await;
    assert_eq!(
        (sale.data()["total"].clone(), sale.data()["rounding"].clone()),
        (json!(7400), json!(50)),
        "{:?}",
        sale.body
    );
    let item = sale.data()["items"][0]["id"].as_str().unwrap().to_string();
    let path = format!("/sales/{}/refunds", id(&sale));
    let one = s.post(&path, &t.owner, json!({"items": [{"sale_item_id": item, "quantity": 1}], "reason": "x"})).await;
    assert_eq!(
        (one.data()["total"].clone(), one.data()["rounding"].clone()),
        (json!(2450), json!(0)),
        "{:?}",
        one.body
    );
    let rest = s.post(&path, &t.owner, json!({"items": [{"sale_item_id": item, "quantity": 2}], "reason": "x"})).await;
    assert_eq!((rest.data()["total"].clone(), rest.data()["rounding"].clone()), (json!(4950), json!(50)));
}

async fn concurrent_refunds_never_refund_more_than_was_sold(b: Backend) {
    let s = TestServer::start(b).await;
    let t = Till::new(&s).await;
    let cup = t.product(&s, "CUP", 5000, json!({})).await;
    t.stock(&s, &cup, None, 10.0).await;
    t.open_shift(&s, &t.cashier, 0).await;
    let sale = t.sell(&s, &t.cashier, t.sale(json!([{"product_id": cup, "quantity": 4}]), 20000)).await;
    let item = sale.data()["items"][0]["id"].as_str().unwrap().to_string();
    let path = format!("/sales/{}/refunds", id(&sale));
    let body = json!({"items": [{"sale_item_id": item, "quantity": 1}], "reason": "rush"});
    let results = futures::future::join_all((0..10).map(|_| s.post(&path, &t.owner, body.clone()))).await;
    let done = results.iter().filter(|r| r.status == 201).count();
    assert_eq!(done, 4, "{:?}", results.iter().map(|r| (r.status, r.body["message"].to_string())).collect::<Vec<_>>());
    assert!(results.iter().filter(|r| r.status != 201).all(|r| r.code() == "refund_exceeds_sale"));
    let read = s.get(&format!("/sales/{}", id(&sale)), &t.owner).await;
    assert_eq!(
        (read.data()["refunded_total"].clone(), read.data()["items"][0]["refunded_quantity"].clone()),
        (json!(20000), json!(4))
    );
    assert_eq!(t.level(&s, &cup, None).await, 10.0);
    t.assert_ledger_matches(&s).await;
}
