//! Money stays within one bound everywhere: orders, their items, sales with tax, purchases and
//! modifier prices refuse what would pass it, before anything is written; and reports and shift
//! closes never fail on stored data, however large.

use reqwest::Method;
use serde_json::{json, Value};

use crate::{
    common::{Backend, TestServer},
    till::{id, Till},
};

crate::backend_tests!(
    orders_past_the_money_bound_are_refused_and_nothing_is_written,
    sales_with_tax_past_the_bound_and_orders_paid_with_nothing_are_refused,
    reports_and_shift_closes_survive_huge_stored_amounts,
    purchases_and_modifier_prices_stay_within_the_bound,
    small_mistakes_get_clear_answers,
    stored_data_that_does_not_parse_is_a_fault_never_an_open_door,
);

/// `MAX_MONEY`: a trillion minor units.
const MAX: i64 = 1_000_000_000_000;

async fn order_count(s: &TestServer, t: &Till) -> usize {
    let r = s.get(&format!("/orders?outlet_id={}", t.outlet), &t.owner).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.data().as_array().expect("orders").len()
}

async fn orders_past_the_money_bound_are_refused_and_nothing_is_written(b: Backend) {
    let s = TestServer::start(b).await;
    let t = Till::new(&s).await;
    let hall = id(&s.post("/halls", &t.owner, json!({"outlet_id": t.outlet, "name": "Main"})).await);
    let table = id(&s
        .post("/tables", &t.owner, json!({"outlet_id": t.outlet, "hall_id": hall, "name": "T1", "seats": 2}))
        .await);
    let pricey = t.product(&s, "GOLD", 100_000_000, json!({})).await;
    let session = s.post("/table-sessions", &t.cashier, json!({"table_id": table})).await;
    let token = session.data()["token"].as_str().expect("a token").to_string();

    // A guest with only the QR token: 100 lines of 100,000,000 × 1,000,000,000 once made a
    // 201 with a negative total.
    let lines: Vec<Value> = (0..100).map(|_| json!({"product_id": pricey, "quantity": 1_000_000_000})).collect();
    let guest = s
        .send(Method::POST, "/guest/orders", None, Some(json!({"items": lines})), &[("x-table-session", &token)])
        .await;
    assert_eq!((guest.status, guest.code()), (422, "amount_too_large"), "{:?}", guest.body);
    // One line alone past the bound is refused too.
    let one = json!({"items": [{"product_id": pricey, "quantity": 1_000_000_000}]});
    let guest = s.send(Method::POST, "/guest/orders", None, Some(one), &[("x-table-session", &token)]).await;
    assert_eq!((guest.status, guest.code()), (422, "amount_too_large"), "{:?}", guest.body);

    // Staff: two lines of 5,000,000 units at the largest price.
    let top = t.product(&s, "TOP", MAX, json!({})).await;
    let staff = |items: Value| json!({"outlet_id": t.outlet, "type": "takeaway", "items": items});
    let two = staff(json!([{"product_id": top, "quantity": 5_000_000}, {"product_id": top, "quantity": 5_000_000}]));
    let r = s.post("/orders", &t.cashier, two).await;
    assert_eq!((r.status, r.code()), (422, "amount_too_large"), "{:?}", r.body);
    assert_eq!(order_count(&s, &t).await, 0, "nothing was written");

    // An order at the bound is fine; adding one unit more is refused and changes nothing.
    let at_bound = s.post("/orders", &t.cashier, staff(json!([{"product_id": top, "quantity": 1}]))).await;
    assert_eq!(at_bound.status, 201, "{:?}", at_bound.body);
    assert_eq!(at_bound.data()["total_amount"], MAX);
    let oid = id(&at_bound);
    let cheap = t.product(&s, "ONE", 1, json!({})).await;
    let more = s
        .post(&format!("/orders/{oid}/items"), &t.cashier, json!({"items": [{"product_id": cheap, "quantity": 1}]}))
        .await;
    assert_eq!((more.status, more.code()), (422, "amount_too_large"), "{:?}", more.body);
    let after = s.get(&format!("/orders/{oid}"), &t.cashier).await;
    assert_eq!((after.data()["total_amount"].as_i64(), after.data()["version"].as_i64()), (Some(MAX), Some(1)));
    assert_eq!(after.data()["items"].as_array().map(Vec::len), Some(1));

    // Merging two orders whose sum passes the bound is refused; both stay as they were.
    let other = s.post("/orders", &t.cashier, staff(json!([{"product_id": top, "quantity": 1}]))).await;
    let merged = s.post(&format!("/orders/{}/merge", id(&other)), &t.cashier, json!({"into_order_id": oid})).await;
    assert_eq!((merged.status, merged.code()), (422, "amount_too_large"), "{:?}", merged.body);
    let kept = s.get(&format!("/orders/{}", id(&other)), &t.cashier).await;
    assert_eq!((kept.data()["status"].as_str(), kept.data()["total_amount"].as_i64()), (Some("NEW"), Some(MAX)));
}

async fn sales_with_tax_past_the_bound_and_orders_paid_with_nothing_are_refused(b: Backend) {
    let s = TestServer::start(b).await;
    let t = Till::new(&s).await;
    t.open_shift(&s, &t.cashier, 0).await;
    let tax = s.post("/taxes", &t.owner, json!({"name": "PPN", "rate_bps": 1100, "inclusive": false})).await;
    assert_eq!(tax.status, 201, "{:?}", tax.body);
    let taxed = t.product(&s, "TAXED", MAX, json!({"tax_id": id(&tax), "track_stock": false})).await;
    // At the bound before tax; the tax added on top passes it.
    let sale = t.sale(json!([{"product_id": taxed, "quantity": 1}]), MAX);
    let r = t.sell(&s, &t.cashier, sale).await;
    assert_eq!((r.status, r.code()), (422, "amount_too_large"), "{:?}", r.body);
    let order = json!({"outlet_id": t.outlet, "type": "takeaway", "items": [{"product_id": taxed, "quantity": 1}]});
    let r = s.post("/orders", &t.cashier, order).await;
    assert_eq!((r.status, r.code()), (422, "amount_too_large"), "{:?}", r.body);

    // An order is never paid with nothing.
    let tea = t.product(&s, "TEA", 5000, json!({"track_stock": false})).await;
    let order = json!({"outlet_id": t.outlet, "type": "takeaway", "items": [{"product_id": tea, "quantity": 2}]});
    let oid = id(&s.post("/orders", &t.cashier, order).await);
    let unpaid = s.post(&format!("/orders/{oid}/pay"), &t.cashier, json!({"payments": []})).await;
    assert_eq!((unpaid.status, unpaid.code()), (422, "payment_insufficient"), "{:?}", unpaid.body);
    let sales = s.get("/sales", &t.owner).await;
    assert_eq!(sales.data().as_array().map(Vec::len), Some(0), "no sale was made");
}

async fn reports_and_shift_closes_survive_huge_stored_amounts(b: Backend) {
    let s = TestServer::start(b).await;
    let t = Till::new(&s).await;
    let shift = t.open_shift(&s, &t.cashier, 0).await;
    let tea = t.product(&s, "TEA", 5000, json!({"track_stock": false})).await;
    for _ in 0..2 {
        let r = t.sell(&s, &t.cashier, t.sale(json!([{"product_id": tea, "quantity": 1}]), 5000)).await;
        assert_eq!(r.status, 201, "{:?}", r.body);
    }
    // Rows as a version without the money bound could leave them: two sales near the i64 limit,
    // whose sum no BIGINT holds.
    let huge = 9_000_000_000_000_000_000_i64;
    let tenant = &t.tenant_id;
    for sql in [
        format!("UPDATE sales SET subtotal = {huge}, total = {huge} WHERE tenant_id = '{tenant}'"),
        format!("UPDATE sale_items SET gross = {huge}, total = {huge} WHERE sale_id IN (SELECT id FROM sales WHERE tenant_id = '{tenant}')"),
        format!("UPDATE sale_payments SET amount = {huge} WHERE sale_id IN (SELECT id FROM sales WHERE tenant_id = '{tenant}')"),
    ] {
        kasir_store::raw_execute(&s.state.db, &sql).await.expect("stored rows changed");
    }
    // Sums are clamped to 10^18, far past any real takings, and every figure is readable.
    let bound = 1_000_000_000_000_000_000_i64;
    let d = s.get("/dashboard/summary", &t.owner).await;
    assert_eq!(d.status, 200, "{:?}", d.body);
    assert_eq!((d.data()["sales_count"].as_i64(), d.data()["gross_sales"].as_i64()), (Some(2), Some(bound)));
    assert_eq!(d.data()["net_sales"].as_i64(), Some(bound));
    let r = s.get("/reports/sales?group_by=product", &t.owner).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.data()[0]["total"].as_i64(), Some(bound));
    let report = s.get(&format!("/shifts/{shift}/report"), &t.cashier).await;
    assert_eq!(report.status, 200, "{:?}", report.body);
    assert_eq!(report.data()["sales_total"].as_i64(), Some(bound));
    assert_eq!(report.data()["expected_cash"].as_i64(), Some(bound));
    let closed = s.post("/shifts/close", &t.cashier, json!({"shift_id": shift, "end_cash": 0})).await;
    assert_eq!(closed.status, 200, "{:?}", closed.body);
    assert_eq!(closed.data()["cash_difference"].as_i64(), Some(-bound));
    // And the cashier can open the next shift.
    t.open_shift(&s, &t.cashier, 0).await;
}

async fn purchases_and_modifier_prices_stay_within_the_bound(b: Backend) {
    let s = TestServer::start(b).await;
    let t = Till::new(&s).await;
    let supplier = id(&s.post("/suppliers", &t.owner, json!({"name": "PT Besar"})).await);
    let cup = t.product(&s, "CUP", 1000, json!({})).await;
    let line = json!({"product_id": cup, "quantity": 1_000_000_000, "unit_cost": MAX});
    let body = json!({"supplier_id": supplier, "warehouse_id": t.warehouse, "lines": [line]});
    let r = s.post("/purchases", &t.owner, body).await;
    assert_eq!((r.status, r.code()), (422, "amount_too_large"), "{:?}", r.body);
    assert_eq!(s.get("/purchases", &t.owner).await.data().as_array().map(Vec::len), Some(0));

    let negative =
        json!({"name": "Milk", "min_select": 0, "max_select": 1, "options": [{"name": "Skim", "price": -5000}]});
    let r = s.post("/modifier-groups", &t.owner, negative).await;
    assert_eq!((r.status, r.fields()), (400, vec!["options[0].price".to_string()]), "{:?}", r.body);
}

async fn small_mistakes_get_clear_answers(b: Backend) {
    let s = TestServer::start(b).await;
    let t = Till::new(&s).await;
    // Passwords every guessing list starts with, or the username itself, are refused.
    for (username, password) in [("kasir2", "12345678"), ("kasir3", "Password123"), ("kasir.budi", "Kasir.Budi")] {
        let body = json!({"username": username, "password": password, "name": "x", "role": "cashier", "outlet_ids": [t.outlet]});
        let r = s.post("/users", &t.owner, body).await;
        assert_eq!((r.status, r.fields()), (400, vec!["password".to_string()]), "{password}: {:?}", r.body);
    }
    let r = s
        .post(
            "/auth/password",
            &t.cashier,
            json!({"current_password": crate::common::PASSWORD, "new_password": "qwertyuiop"}),
        )
        .await;
    assert_eq!((r.status, r.fields()), (400, vec!["new_password".to_string()]), "{:?}", r.body);

    // A duplicate names the field the client sent, not the folded copy kept for uniqueness.
    assert_eq!(s.post("/categories", &t.owner, json!({"name": "Drinks"})).await.status, 201);
    let twice = s.post("/categories", &t.owner, json!({"name": "drinks"})).await;
    assert_eq!((twice.status, twice.code(), twice.fields()), (409, "conflict", vec!["name".to_string()]));
    assert_eq!(twice.body["message"], "name is already in use");

    // A deleted product's stock is still listed, as its movements are.
    let old = t.product(&s, "OLD", 1000, json!({})).await;
    t.stock(&s, &old, None, 4.0).await;
    assert_eq!(s.delete(&format!("/products/{old}"), &t.owner).await.status, 200);
    let levels = s.get(&format!("/stock?warehouse_id={}", t.warehouse), &t.owner).await;
    let level = levels.data().as_array().expect("levels").iter().find(|l| l["product_id"] == old.as_str()).cloned();
    assert_eq!(level.map(|l| l["quantity"].clone()), Some(json!(4)), "{:?}", levels.body);
    let moves = s.get("/stock/movements", &t.owner).await;
    let of_old = moves.data().as_array().expect("movements").iter().filter(|m| m["product_id"] == old.as_str()).count();
    assert_eq!(of_old, 1, "{:?}", moves.body);

    // A body that is not an object is refused, and changes nothing (serde would read an array
    // as a struct by position).
    let cat = id(&s.post("/expense-categories", &t.owner, json!({"name": "Milk"})).await);
    let array = s
        .send(Method::PATCH, &format!("/expense-categories/{cat}"), Some(&t.owner), Some(json!([null, null])), &[])
        .await;
    assert_eq!((array.status, array.fields()), (400, vec!["body".to_string()]), "{:?}", array.body);
    let kept = s.get(&format!("/expense-categories/{cat}"), &t.owner).await;
    assert_eq!(kept.data()["version"], 1);

    // The WebSocket endpoint asked without an upgrade answers the error envelope.
    let ws = s.get("/ws", &t.owner).await;
    assert_eq!((ws.status, ws.code(), ws.body["success"].as_bool()), (400, "bad_request", Some(false)));
}

async fn stored_data_that_does_not_parse_is_a_fault_never_an_open_door(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    let outlet = s.outlet(&t.owner, "K01").await;
    let db = &s.state.db;
    let raw = |sql: String| async move { kasir_store::raw_execute(db, &sql).await.expect("stored rows changed") };

    // A custom role whose permissions no longer parse: 500, not a silently empty role.
    let role = s.post("/roles", &t.owner, json!({"name": "Barista", "permissions": ["outlets.read"]})).await;
    assert_eq!(role.status, 201, "{:?}", role.body);
    s.user(&t.owner, "barista1", "Barista", &[&outlet]).await;
    let barista = s.token("barista1", crate::common::PASSWORD).await;
    assert_eq!(s.get("/outlets", &barista).await.status, 200);
    raw(format!("UPDATE roles SET permissions = 'not json' WHERE tenant_id = '{}'", t.id)).await;
    let r = s.get("/outlets", &barista).await;
    assert_eq!((r.status, r.code()), (500, "internal"), "{:?}", r.body);

    // A stored password hash that does not parse: 500, never "wrong password".
    s.user(&t.owner, "kasir9", "cashier", &[&outlet]).await;
    raw("UPDATE users SET password_hash = 'not-a-phc-string' WHERE username = 'kasir9'".into()).await;
    let r = s.login("kasir9", crate::common::PASSWORD).await;
    assert_eq!((r.status, r.code()), (500, "internal"), "{:?}", r.body);

    // A lock whose end cannot be read stays a lock.
    let now = kasir_domain::time::now();
    raw(format!(
        "INSERT INTO login_throttle (key, failures, locked_until, updated_at) VALUES ('pair:acme-owner|127.0.0.1', 5, 'soon', '{now}')"
    ))
    .await;
    let r = s.login("acme-owner", crate::common::PASSWORD).await;
    assert_eq!((r.status, r.code()), (429, "rate_limited"), "{:?}", r.body);
}
