use kasir_server::platform::idempotency::TxKey;
use kasir_server::selling::{
    checkout::{self, CreateSale, Outcome},
    Seller,
};
use kasir_store::{Actor, Scope};
use serde_json::{json, Value};

use crate::{
    common::{Backend, Resp, TestServer},
    till::{id, Till},
};

crate::backend_tests!(
    checkout_prices_from_the_catalog_takes_stock_and_numbers_the_sale,
    checkout_needs_an_open_shift_and_payments_that_cover_the_total,
    a_price_override_needs_its_permission,
    a_discount_needs_its_permission,
    a_repeated_checkout_with_its_key_is_replayed_not_repeated,
    concurrent_sales_never_oversell,
    promotions_and_vouchers_discount_the_sale,
    sales_reach_the_feed_the_outbox_and_the_customer,
    references_to_other_tenants_are_not_found,
);

async fn checkout_prices_from_the_catalog_takes_stock_and_numbers_the_sale(b: Backend) {
    let s = TestServer::start(b).await;
    let t = Till::new(&s).await;
    let tax = id(&s.post("/taxes", &t.owner, json!({"name": "PB1", "rate_bps": 1000, "inclusive": true})).await);
    let milk = s
        .post(
            "/modifier-groups",
            &t.owner,
            json!({"name": "Milk", "min_select": 0, "max_select": 1, "options": [{"name": "Oat", "price": 6000}]}),
        )
        .await;
    let oat = milk.data()["options"][0]["id"].as_str().unwrap().to_string();
    let latte = t
        .product(
            &s,
            "LATTE",
            30000,
            json!({"tax_id": tax, "modifier_group_ids": [id(&milk)],
                   "variants": [{"name": "Regular", "sku": "LATTE-R"}, {"name": "Large", "sku": "LATTE-L", "price": 36000}]}),
        )
        .await;
    let product = s.get(&format!("/products/{latte}"), &t.owner).await;
    let large = product.data()["variants"][1]["id"].as_str().unwrap().to_string();
    let beans = t.product(&s, "BEANS", 120000, json!({"unit": "kg"})).await;
    t.stock(&s, &latte, Some(&large), 10.0).await;
    t.stock(&s, &beans, None, 5.0).await;
    t.open_shift(&s, &t.cashier, 100000).await;

    let items = json!([
        {"product_id": latte, "variant_id": large, "quantity": 2, "modifiers": [oat], "note": "extra hot"},
        {"product_id": beans, "quantity": 0.25, "discount": {"type": "percent", "value": 1000}},
    ]);
    let r = t.sell(&s, &t.cashier, t.sale(items, 200000)).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let sale = r.data();
    // 2 × (36.000 + 6.000) = 84.000, PB1 included: 84.000 × 10/110 = 7.636,36 → 7.636.
    assert_eq!(sale["items"][0]["name"], "LATTE (Large)");
    assert_eq!((sale["items"][0]["gross"].clone(), sale["items"][0]["tax_total"].clone()), (json!(84000), json!(7636)));
    assert_eq!(sale["items"][0]["modifiers"][0]["name"], "Oat");
    // 0.25 kg × 120.000 = 30.000, less 10 %.
    assert_eq!(
        (sale["items"][1]["discount_total"].clone(), sale["items"][1]["total"].clone()),
        (json!(3000), json!(27000))
    );
    assert_eq!((sale["subtotal"].clone(), sale["discount_total"].clone()), (json!(114000), json!(3000)));
    assert_eq!((sale["tax_total"].clone(), sale["total"].clone()), (json!(7636), json!(111000)));
    assert_eq!((sale["paid"].clone(), sale["change"].clone()), (json!(200000), json!(89000)));
    assert_eq!(sale["status"], "completed");
    assert_eq!(sale["cashier_id"], t.cashier_id.as_str());
    let date = sale["business_date"].as_str().unwrap().replace('-', "");
    assert_eq!(sale["number"], format!("K01-{date}-0001"));
    let second = t.sell(&s, &t.cashier, t.sale(json!([{"product_id": beans, "quantity": 1}]), 120000)).await;
    assert_eq!(second.data()["number"], format!("K01-{date}-0002"));

    assert_eq!(t.level(&s, &latte, Some(&large)).await, 8.0);
    assert_eq!(t.level(&s, &beans, None).await, 3.75);
    let moves = s.get(&format!("/stock/movements?product_id={beans}"), &t.owner).await;
    let sale_moves: Vec<&Value> = moves.data().as_array().unwrap().iter().filter(|m| m["type"] == "sale").collect();
    assert_eq!(sale_moves.len(), 2);
    assert_eq!(sale_moves[1]["reference_id"], sale["id"]);
    assert_eq!(sale_moves[1]["unit_cost"], 60000);
    t.assert_ledger_matches(&s).await;
    let read = s.get(&format!("/sales/{}", sale["id"].as_str().unwrap()), &t.owner).await;
    assert_eq!(read.data(), sale, "what was answered is what is stored");
}

async fn checkout_needs_an_open_shift_and_payments_that_cover_the_total(b: Backend) {
    let s = TestServer::start(b).await;
    let t = Till::new(&s).await;
    let tea = t.product(&s, "TEA", 15000, json!({"track_stock": false})).await;
    let items = json!([{"product_id": tea, "quantity": 2}]);
    let r = t.sell(&s, &t.cashier, t.sale(items.clone(), 30000)).await;
    assert_eq!((r.status, r.code()), (422, "shift_not_open"));
    t.open_shift(&s, &t.cashier, 0).await;
    let short = t.sell(&s, &t.cashier, t.sale(items.clone(), 29999)).await;
    assert_eq!((short.status, short.code()), (422, "payment_insufficient"));
    let card = id(&s.post("/payment-methods", &t.owner, json!({"name": "BCA card", "type": "card"})).await);
    let mut over = t.sale(items.clone(), 10000);
    over["payments"] =
        json!([{"payment_method_id": card, "amount": 25000}, {"payment_method_id": t.cash, "amount": 10000}]);
    let r = t.sell(&s, &t.cashier, over.clone()).await;
    assert_eq!(r.status, 201, "cash may pay more than what the card left: {:?}", r.body);
    assert_eq!(r.data()["change"], 5000);
    over["payments"][0]["amount"] = json!(35000);
    let r = t.sell(&s, &t.cashier, over).await;
    assert_eq!((r.status, r.code()), (422, "payment_exceeds_total"));
    let mut unknown = t.sale(items.clone(), 30000);
    unknown["payments"][0]["payment_method_id"] = json!(kasir_domain::ids::new_id());
    let r = t.sell(&s, &t.cashier, unknown).await;
    assert_eq!((r.status, r.fields()), (404, vec!["payments[0].payment_method_id".to_string()]));
    let bad = t.sell(&s, &t.cashier, t.sale(json!([{"product_id": tea, "quantity": 0}]), 1)).await;
    assert_eq!((bad.status, bad.fields()), (400, vec!["items[0].quantity".to_string()]));
    let none = t.sell(&s, &t.cashier, t.sale(json!([]), 1)).await;
    assert_eq!((none.status, none.fields()), (400, vec!["items".to_string()]));
    let kitchen_id = s.user(&t.owner, "dapur", "kitchen", &[&t.outlet]).await;
    let _ = kitchen_id;
    let kitchen = s.token("dapur", crate::common::PASSWORD).await;
    assert_eq!(t.sell(&s, &kitchen, t.sale(items, 30000)).await.status, 403);
    let list = s.get("/sales", &t.owner).await;
    assert_eq!(list.body["pagination"]["total"], 1, "refused sales leave nothing behind");
}

async fn a_price_override_needs_its_permission(b: Backend) {
    let s = TestServer::start(b).await;
    let t = Till::new(&s).await;
    let cake = t.product(&s, "CAKE", 40000, json!({"track_stock": false})).await;
    let items = json!([{"product_id": cake, "quantity": 1, "unit_price": 35000}]);
    t.open_shift(&s, &t.cashier, 0).await;
    assert_eq!(t.sell(&s, &t.cashier, t.sale(items.clone(), 35000)).await.status, 403);
    let same = json!([{"product_id": cake, "quantity": 1, "unit_price": 40000}]);
    assert_eq!(t.sell(&s, &t.cashier, t.sale(same, 40000)).await.status, 201, "the catalog price needs no permission");
    t.open_shift(&s, &t.owner, 0).await;
    let r = t.sell(&s, &t.owner, t.sale(items, 35000)).await;
    assert_eq!((r.status, r.data()["total"].clone()), (201, json!(35000)), "{:?}", r.body);
}

async fn a_discount_needs_its_permission(b: Backend) {
    let s = TestServer::start(b).await;
    let t = Till::new(&s).await;
    let cake = t.product(&s, "CAKE", 40000, json!({"track_stock": false})).await;
    let role = s
        .post(
            "/roles",
            &t.owner,
            json!({"name": "Trainee", "permissions": ["sales.create", "shifts.manage", "catalog.read"]}),
        )
        .await;
    assert_eq!(role.status, 201, "{:?}", role.body);
    s.user(&t.owner, "trainee1", "Trainee", &[&t.outlet]).await;
    let trainee = s.token("trainee1", crate::common::PASSWORD).await;
    t.open_shift(&s, &trainee, 0).await;
    let off = json!({"type": "percent", "value": 1000});
    let line = t.sale(json!([{"product_id": cake, "quantity": 1, "discount": off}]), 36000);
    let r = t.sell(&s, &trainee, line.clone()).await;
    assert_eq!((r.status, r.code()), (403, "forbidden"), "{:?}", r.body);
    let mut order = t.sale(json!([{"product_id": cake, "quantity": 1}]), 36000);
    order["discount"] = off.clone();
    assert_eq!(t.sell(&s, &trainee, order.clone()).await.status, 403);
    let plain = t.sell(&s, &trainee, t.sale(json!([{"product_id": cake, "quantity": 1}]), 40000)).await;
    assert_eq!(plain.status, 201, "{:?}", plain.body);
    let sales = s.get("/sales", &t.owner).await;
    assert_eq!(sales.data().as_array().unwrap().len(), 1, "the refused sales changed nothing");
    // Cashiers hold the permission.
    t.open_shift(&s, &t.cashier, 0).await;
    let r = t.sell(&s, &t.cashier, line).await;
    assert_eq!((r.status, r.data()["total"].clone()), (201, json!(36000)), "{:?}", r.body);
}

async fn a_repeated_checkout_with_its_key_is_replayed_not_repeated(b: Backend) {
    let s = TestServer::start(b).await;
    let t = Till::new(&s).await;
    let tea = t.product(&s, "TEA", 15000, json!({})).await;
    t.stock(&s, &tea, None, 10.0).await;
    t.open_shift(&s, &t.cashier, 0).await;
    let body = t.sale(json!([{"product_id": tea, "quantity": 1}]), 20000);
    let send = |body: Value, key: &'static str| {
        let s = &s;
        let token = t.cashier.clone();
        async move { s.send(reqwest::Method::POST, "/sales", Some(&token), Some(body), &[("Idempotency-Key", key)]).await }
    };
    let first = send(body.clone(), "till-1-0001").await;
    assert_eq!(first.status, 201, "{:?}", first.body);
    let again = send(body.clone(), "till-1-0001").await;
    assert_eq!(again.status, 201);
    assert_eq!(again.header("idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(again.body, first.body);
    let mut other = body.clone();
    other["note"] = json!("another sale");
    let reused = send(other, "till-1-0001").await;
    assert_eq!((reused.status, reused.code()), (422, "idempotency_key_reused"));
    assert_eq!(t.level(&s, &tea, None).await, 9.0, "stock was taken once");
    assert_eq!(s.get("/sales", &t.owner).await.body["pagination"]["total"], 1);

    // An offline till's own id is kept; the same id again is a conflict.
    let own = kasir_domain::ids::new_id();
    let mut offline = body.clone();
    offline["id"] = json!(own);
    let r = send(offline.clone(), "till-1-0002").await;
    assert_eq!((r.status, r.data()["id"].as_str()), (201, Some(own.as_str())));
    let r = send(offline.clone(), "till-1-0003").await;
    assert_eq!((r.status, r.fields()), (409, vec!["id".to_string()]));
    // The same id with its own key again: the first answer, not a conflict.
    let r = send(offline, "till-1-0002").await;
    assert_eq!((r.status, r.data()["id"].as_str()), (201, Some(own.as_str())));
    assert_eq!(r.header("idempotent-replayed").as_deref(), Some("true"));

    // Repeats sent while the first is in flight: one sale. This node refuses a repeat while the
    // first runs; once it has committed, a repeat gets its answer.
    let answers = futures::future::join_all((0..4).map(|_| send(body.clone(), "till-1-0004"))).await;
    let made: Vec<&Resp> = answers.iter().filter(|r| r.status == 201).collect();
    assert!(!made.is_empty() && made.iter().all(|r| r.body == made[0].body), "{answers:?}");
    assert!(answers.iter().all(|r| r.status == 201 || r.code() == "idempotency_in_progress"), "{answers:?}");
    assert_eq!(t.level(&s, &tea, None).await, 7.0, "stock was taken once more");

    // Repeats reaching the database at once, as from several server processes: the first
    // commits and every other is rolled back and answered with its response.
    let seller = Seller {
        user_id: t.cashier_id.clone(),
        scope: Scope { tenant_id: t.tenant_id.clone(), outlets: Some(vec![t.outlet.clone()]) },
        can_override_price: false,
        can_discount: false,
        actor: Actor { kind: "user", ..Default::default() },
    };
    let key = TxKey { scope: t.tenant_id.clone(), key: "till-1-0005".into(), hash: "same-request".into() };
    let input: CreateSale = serde_json::from_value(body.clone()).unwrap();
    let outcomes =
        futures::future::join_all((0..4).map(|_| checkout::checkout(&s.state.db, &seller, input.clone(), Some(&key))))
            .await;
    let bodies: Vec<(bool, String)> = outcomes
        .into_iter()
        .map(|o| match o {
            Ok(Outcome::Created { body, .. }) => (true, body),
            Ok(Outcome::Replay { status: 201, body }) => (false, body),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(bodies.iter().filter(|(created, _)| *created).count(), 1, "{bodies:?}");
    assert!(bodies.iter().all(|(_, b)| *b == bodies[0].1));
    assert_eq!(t.level(&s, &tea, None).await, 6.0, "stock was taken once more");
    assert_eq!(s.get("/sales", &t.owner).await.body["pagination"]["total"], 4);

    // A repeat of the sale that took the last unit would itself find none left: it gets the
    // first answer, and a different request under that key is told the key is used.
    let last = t.product(&s, "LAST", 5000, json!({})).await;
    t.stock(&s, &last, None, 1.0).await;
    let body = t.sale(json!([{"product_id": last, "quantity": 1}]), 5000);
    let first = send(body.clone(), "till-1-0006").await;
    assert_eq!(first.status, 201, "{:?}", first.body);
    let again = send(body.clone(), "till-1-0006").await;
    assert_eq!((again.status, again.header("idempotent-replayed").as_deref()), (201, Some("true")), "{:?}", again.body);
    assert_eq!(again.body, first.body);
    let mut other = body.clone();
    other["note"] = json!("another sale");
    let reused = send(other.clone(), "till-1-0006").await;
    assert_eq!((reused.status, reused.code()), (422, "idempotency_key_reused"));
    let fresh = send(other, "till-1-0007").await;
    assert_eq!((fresh.status, fresh.code()), (422, "insufficient_stock"), "{:?}", fresh.body);
    assert_eq!(t.level(&s, &last, None).await, 0.0);
    assert_eq!(s.get("/sales", &t.owner).await.body["pagination"]["total"], 5);
    t.assert_ledger_matches(&s).await;
}

async fn concurrent_sales_never_oversell(b: Backend) {
    let s = TestServer::start(b).await;
    let t = Till::new(&s).await;
    let cake = t.product(&s, "CAKE", 10000, json!({})).await;
    t.stock(&s, &cake, None, 10.0).await;
    t.open_shift(&s, &t.cashier, 0).await;
    let body = t.sale(json!([{"product_id": cake, "quantity": 1}]), 10000);
    let results = futures::future::join_all((0..24).map(|_| t.sell(&s, &t.cashier, body.clone()))).await;
    let sold = results.iter().filter(|r| r.status == 201).count();
    let refused: Vec<&str> = results.iter().filter(|r| r.status != 201).map(|r| r.code()).collect();
    assert_eq!(sold, 10, "{refused:?}");
    assert!(refused.iter().all(|c| *c == "insufficient_stock"), "{refused:?}");
    assert_eq!(t.level(&s, &cake, None).await, 0.0);
    t.assert_ledger_matches(&s).await;
    let numbers: std::collections::BTreeSet<String> =
        results.iter().filter(|r| r.status == 201).map(|r| r.data()["number"].as_str().unwrap().to_string()).collect();
    assert_eq!(numbers.len(), 10, "every sale has its own number");
}

async fn promotions_and_vouchers_discount_the_sale(b: Backend) {
    let s = TestServer::start(b).await;
    let t = Till::new(&s).await;
    let drinks = id(&s.post("/categories", &t.owner, json!({"name": "Drinks"})).await);
    let tea = t.product(&s, "TEA", 20000, json!({"category_id": drinks, "track_stock": false})).await;
    let cake = t.product(&s, "CAKE", 30000, json!({"track_stock": false})).await;
    let promo = s
        .post(
            "/promotions",
            &t.owner,
            json!({"name": "Drinks 25%", "type": "percent", "value": 2500, "category_ids": [drinks], "max_discount": 8000}),
        )
        .await;
    assert_eq!(promo.status, 201, "{:?}", promo.body);
    let future = s
        .post(
            "/promotions",
            &t.owner,
            json!({"name": "Next year", "type": "amount", "value": 5000, "starts_at": "2099-01-01"}),
        )
        .await;
    assert_eq!(future.status, 201);
    let v = s
        .post(
            "/vouchers",
            &t.owner,
            json!({"code": "HEMAT10", "discount_type": "amount", "discount_value": 10000, "min_purchase": 50000, "usage_limit": 1}),
        )
        .await;
    assert_eq!(v.status, 201, "{:?}", v.body);
    let check = s.post("/vouchers/validate", &t.cashier, json!({"code": "hemat10", "order_amount": 60000})).await;
    assert_eq!(check.data(), &json!({"valid": true, "discount": 10000, "final_amount": 50000, "message": "10000 off"}));
    let low = s.post("/vouchers/validate", &t.cashier, json!({"code": "HEMAT10", "order_amount": 40000})).await;
    assert_eq!(low.data()["valid"], false);
    t.open_shift(&s, &t.cashier, 0).await;

    let items = json!([{"product_id": tea, "quantity": 2}, {"product_id": cake, "quantity": 1}]);
    let mut body = t.sale(items.clone(), 100000);
    body["voucher_code"] = json!("HEMAT10");
    let r = t.sell(&s, &t.cashier, body.clone()).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    // Tea 40.000 − 25 % (10.000, capped at 8.000) = 32.000; + cake 30.000 = 62.000; voucher −10.000.
    let sale = r.data();
    assert_eq!((sale["subtotal"].clone(), sale["discount_total"].clone()), (json!(70000), json!(18000)));
    assert_eq!(sale["total"], 52000);
    let sources: Vec<&str> =
        sale["discounts"].as_array().unwrap().iter().map(|d| d["source"].as_str().unwrap()).collect();
    assert_eq!(sources, vec!["promotion", "voucher"]);
    let item_discounts: i64 =
        sale["items"].as_array().unwrap().iter().map(|i| i["discount_total"].as_i64().unwrap()).sum();
    assert_eq!(item_discounts, 18000, "order-level discounts are shared out over the items");
    let used = t.sell(&s, &t.cashier, body).await;
    assert_eq!((used.status, used.code()), (422, "voucher_invalid"), "the voucher had one use");
    let promo_now = s.get(&format!("/promotions/{}", id(&promo)), &t.owner).await;
    assert_eq!(promo_now.data()["usage_count"], 1);
    let unknown = t
        .sell(
            &s,
            &t.cashier,
            json!({"outlet_id": t.outlet, "items": items, "voucher_code": "NOPE",
        "payments": [{"payment_method_id": t.cash, "amount": 100000}]}),
        )
        .await;
    assert_eq!((unknown.status, unknown.code()), (422, "voucher_invalid"));
}

async fn sales_reach_the_feed_the_outbox_and_the_customer(b: Backend) {
    let s = TestServer::start(b).await;
    let t = Till::new(&s).await;
    let tea = t.product(&s, "TEA", 15000, json!({"track_stock": false})).await;
    let customer = id(&s.post("/customers", &t.cashier, json!({"name": "Budi", "phone": "0812"})).await);
    t.open_shift(&s, &t.cashier, 0).await;
    let mut body = t.sale(json!([{"product_id": tea, "quantity": 1}]), 15000);
    body["customer_id"] = json!(customer);
    let r = t.sell(&s, &t.cashier, body).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let sale_id = id(&r);
    let pull = s.get("/sync/pull?entities=sale", &t.owner).await;
    let changes = pull.data()["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(
        (changes[0]["id"].as_str(), changes[0]["data"]["total"].clone()),
        (Some(sale_id.as_str()), json!(15000))
    );
    let events = kasir_store::realtime::events_after(&s.state.db, &t.tenant_id, 0, 100).await.unwrap();
    let completed: Vec<_> = events.iter().filter(|e| e.kind == "SALE_COMPLETED").collect();
    assert_eq!(completed.len(), 1);
    assert_eq!(completed[0].outlet_id.as_deref(), Some(t.outlet.as_str()));
    assert!(completed[0].payload.contains(&sale_id));
    let history = s.get(&format!("/customers/{customer}/sales"), &t.owner).await;
    assert_eq!(history.body["pagination"]["total"], 1);
    assert_eq!(history.data()[0]["id"], sale_id.as_str());
    let by_filter = s.get(&format!("/sales?customer_id={customer}&status=completed"), &t.owner).await;
    assert_eq!(by_filter.body["pagination"]["total"], 1);
}

async fn references_to_other_tenants_are_not_found(b: Backend) {
    let s = TestServer::start(b).await;
    let t = Till::new(&s).await;
    let tea = t.product(&s, "TEA", 15000, json!({"track_stock": false})).await;
    t.open_shift(&s, &t.cashier, 0).await;
    let sale = id(&t.sell(&s, &t.cashier, t.sale(json!([{"product_id": tea, "quantity": 1}]), 15000)).await);
    let other = s.tenant("other").await;
    let other_outlet = s.outlet(&other.owner, "X01").await;
    assert_eq!(s.get(&format!("/sales/{sale}"), &other.owner).await.status, 404);
    let mut body = t.sale(json!([{"product_id": tea, "quantity": 1}]), 15000);
    body["outlet_id"] = json!(other_outlet);
    let r = t.sell(&s, &t.cashier, body).await;
    assert_eq!((r.status, r.fields()), (404, vec!["outlet_id".to_string()]));
    let theirs = s.post("/products", &other.owner, json!({"sku": "X", "name": "X", "price": 1})).await;
    let r = t.sell(&s, &t.cashier, t.sale(json!([{"product_id": id(&theirs), "quantity": 1}]), 1)).await;
    assert_eq!((r.status, r.fields()), (404, vec!["items[0].product_id".to_string()]));
}
