use serde_json::{json, Value};

use crate::common::{Backend, TestServer, PASSWORD};

crate::backend_tests!(
    adjustments_change_levels_only_with_their_movements,
    products_with_variants_are_stocked_per_variant,
    negative_stock_is_refused_unless_the_tenant_allows_it,
    concurrent_adjustments_of_one_product_lose_no_update,
    falling_below_the_threshold_writes_one_stock_low_event,
    stock_reads_are_scoped_to_visible_outlets,
    a_level_changed_behind_the_ledger_is_reported,
);

fn id(r: &crate::common::Resp) -> String {
    r.data()["id"].as_str().unwrap_or_else(|| panic!("no id in {:?}", r.body)).to_string()
}

struct Shop {
    owner: String,
    tenant_id: String,
    outlet: String,
    warehouse: String,
}

async fn shop(s: &TestServer) -> Shop {
    let t = s.tenant("acme").await;
    let outlet = s.outlet(&t.owner, "K01").await;
    let wh = s.get(&format!("/warehouses?outlet_id={outlet}"), &t.owner).await;
    let warehouse = wh.data()[0]["id"].as_str().unwrap().to_string();
    Shop { owner: t.owner, tenant_id: t.id, outlet, warehouse }
}

async fn product(s: &TestServer, token: &str, sku: &str, extra: Value) -> String {
    let mut body = json!({"sku": sku, "name": sku, "price": 10000, "cost": 4000});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let r = s.post("/products", token, body).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    id(&r)
}

async fn adjust(s: &TestServer, token: &str, warehouse: &str, lines: Value) -> crate::common::Resp {
    s.post("/stock/adjustments", token, json!({"warehouse_id": warehouse, "reason": "test", "lines": lines})).await
}

async fn assert_ledger_matches(s: &TestServer, tenant_id: &str) {
    let mismatches = kasir_store::stock::levels::ledger_mismatches(&s.state.db, tenant_id).await.unwrap();
    assert!(mismatches.is_empty(), "levels differ from the ledger: {mismatches:?}");
}

async fn adjustments_change_levels_only_with_their_movements(b: Backend) {
    let s = TestServer::start(b).await;
    let shop = shop(&s).await;
    let beans = product(&s, &shop.owner, "BEANS", json!({"unit": "kg"})).await;
    let r = adjust(&s, &shop.owner, &shop.warehouse, json!([{"product_id": beans, "quantity_delta": 10.5}])).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.data()["lines"][0]["before"], 0);
    assert_eq!(r.data()["lines"][0]["after"], 10.5);
    let counted =
        adjust(&s, &shop.owner, &shop.warehouse, json!([{"product_id": beans, "counted_quantity": 7.25}])).await;
    assert_eq!(counted.status, 201, "{:?}", counted.body);
    assert_eq!(counted.data()["lines"][0]["quantity_delta"], -3.25);
    let level = s.get(&format!("/stock?product_id={beans}"), &shop.owner).await;
    assert_eq!(level.body["pagination"]["total"], 1);
    assert_eq!(level.data()[0]["quantity"], 7.25);
    assert_eq!(level.data()[0]["warehouse_id"], shop.warehouse.as_str());
    let moves = s.get(&format!("/stock/movements?product_id={beans}"), &shop.owner).await;
    let kinds: Vec<&str> = moves.data().as_array().unwrap().iter().map(|m| m["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, vec!["count", "adjustment"], "newest first");
    assert_eq!(moves.data()[0]["reference_type"], "stock_adjustment");
    assert_eq!(moves.data()[0]["unit_cost"], 4000);
    assert!(moves.data()[0]["actor_id"].is_string());
    // Counting what is already there records the line but no movement.
    let same = adjust(&s, &shop.owner, &shop.warehouse, json!([{"product_id": beans, "counted_quantity": 7.25}])).await;
    assert_eq!(same.status, 201);
    assert_eq!(
        s.get(&format!("/stock/movements?product_id={beans}"), &shop.owner).await.body["pagination"]["total"],
        2
    );
    for (lines, field) in [
        (json!([{"product_id": beans}]), "lines[0]"),
        (json!([{"product_id": beans, "quantity_delta": 1, "counted_quantity": 1}]), "lines[0]"),
        (json!([{"product_id": beans, "quantity_delta": 0}]), "lines[0].quantity_delta"),
        (json!([{"product_id": beans, "quantity_delta": 1.0001}]), "lines[0].quantity_delta"),
        (json!([{"product_id": beans, "quantity_delta": 1}, {"product_id": beans, "quantity_delta": 2}]), "lines[1]"),
        (json!([]), "lines"),
    ] {
        let r = adjust(&s, &shop.owner, &shop.warehouse, lines).await;
        assert_eq!(r.status, 400, "{field}: {:?}", r.body);
        assert_eq!(r.fields(), vec![field.to_string()]);
    }
    let ghost = adjust(
        &s,
        &shop.owner,
        &shop.warehouse,
        json!([{"product_id": kasir_domain::ids::new_id(), "quantity_delta": 1}]),
    )
    .await;
    assert_eq!(ghost.status, 404);
    assert_eq!(ghost.fields(), vec!["lines[0].product_id"]);
    let untracked = product(&s, &shop.owner, "SERVICE", json!({"track_stock": false})).await;
    let r = adjust(&s, &shop.owner, &shop.warehouse, json!([{"product_id": untracked, "quantity_delta": 1}])).await;
    assert_eq!(r.status, 400);
    assert_ledger_matches(&s, &shop.tenant_id).await;
}

async fn products_with_variants_are_stocked_per_variant(b: Backend) {
    let s = TestServer::start(b).await;
    let shop = shop(&s).await;
    let shirt = s
        .post(
            "/products",
            &shop.owner,
            json!({"sku": "TEE", "name": "Tee", "price": 90000, "variants": [{"name": "S", "sku": "TEE-S", "barcodes": ["111"]}, {"name": "M", "sku": "TEE-M"}]}),
        )
        .await;
    let pid = id(&shirt);
    let small = shirt.data()["variants"][0]["id"].as_str().unwrap().to_string();
    let no_variant = adjust(&s, &shop.owner, &shop.warehouse, json!([{"product_id": pid, "quantity_delta": 3}])).await;
    assert_eq!(no_variant.fields(), vec!["lines[0].variant_id"]);
    let wrong = adjust(
        &s,
        &shop.owner,
        &shop.warehouse,
        json!([{"product_id": pid, "variant_id": kasir_domain::ids::new_id(), "quantity_delta": 3}]),
    )
    .await;
    assert_eq!(wrong.status, 404);
    let r = adjust(
        &s,
        &shop.owner,
        &shop.warehouse,
        json!([{"product_id": pid, "variant_id": small, "quantity_delta": 3}]),
    )
    .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let level = s.get(&format!("/stock?product_id={pid}"), &shop.owner).await;
    assert_eq!(level.data()[0]["variant_id"], small.as_str());
    let cashier_view = s.get(&format!("/products/barcode/111?outlet_id={}", shop.outlet), &shop.owner).await;
    assert_eq!(cashier_view.data()["stock"]["quantity"], 3, "barcode lookup reports the variant's stock");
    assert_ledger_matches(&s, &shop.tenant_id).await;
}

async fn negative_stock_is_refused_unless_the_tenant_allows_it(b: Backend) {
    let s = TestServer::start(b).await;
    let shop = shop(&s).await;
    let cup = product(&s, &shop.owner, "CUP", json!({})).await;
    let other = product(&s, &shop.owner, "LID", json!({})).await;
    adjust(&s, &shop.owner, &shop.warehouse, json!([{"product_id": cup, "quantity_delta": 2}])).await;
    let r = adjust(
        &s,
        &shop.owner,
        &shop.warehouse,
        json!([{"product_id": other, "quantity_delta": 5}, {"product_id": cup, "quantity_delta": -3}]),
    )
    .await;
    assert_eq!(r.status, 422, "{:?}", r.body);
    assert_eq!(r.code(), "insufficient_stock");
    assert!(r.body["message"].as_str().unwrap().starts_with("lines[1]"), "{:?}", r.body);
    assert_eq!(
        s.get(&format!("/stock/movements?product_id={other}"), &shop.owner).await.body["pagination"]["total"],
        0,
        "nothing of the refused adjustment was written"
    );
    assert_eq!(s.get(&format!("/stock?product_id={cup}"), &shop.owner).await.data()[0]["quantity"], 2);
    s.patch(&format!("/tenants/{}", shop.tenant_id), &shop.owner, json!({"allow_negative_stock": true})).await;
    let ok = adjust(&s, &shop.owner, &shop.warehouse, json!([{"product_id": cup, "quantity_delta": -3}])).await;
    assert_eq!(ok.status, 201);
    assert_eq!(s.get(&format!("/stock?product_id={cup}"), &shop.owner).await.data()[0]["quantity"], -1);
    assert_ledger_matches(&s, &shop.tenant_id).await;
}

async fn concurrent_adjustments_of_one_product_lose_no_update(b: Backend) {
    let s = TestServer::start(b).await;
    let shop = shop(&s).await;
    let cup = product(&s, &shop.owner, "CUP", json!({})).await;
    let sends =
        (0..32).map(|_| adjust(&s, &shop.owner, &shop.warehouse, json!([{"product_id": cup, "quantity_delta": 1}])));
    let results = futures::future::join_all(sends).await;
    for r in &results {
        assert_eq!(r.status, 201, "{:?}", r.body);
    }
    assert_eq!(s.get(&format!("/stock?product_id={cup}"), &shop.owner).await.data()[0]["quantity"], 32);
    assert_eq!(s.get(&format!("/stock/movements?product_id={cup}"), &shop.owner).await.body["pagination"]["total"], 32);
    // And 32 concurrent takers of 1 from 20 in stock: exactly 20 succeed, none oversell.
    let takes =
        (0..32).map(|_| adjust(&s, &shop.owner, &shop.warehouse, json!([{"product_id": cup, "quantity_delta": -1}])));
    let before = 32;
    let results = futures::future::join_all(takes).await;
    let ok = results.iter().filter(|r| r.status == 201).count();
    assert!(results.iter().all(|r| r.status == 201 || r.code() == "insufficient_stock"));
    assert_eq!(ok, before);
    let again =
        (0..8).map(|_| adjust(&s, &shop.owner, &shop.warehouse, json!([{"product_id": cup, "quantity_delta": -1}])));
    let refused = futures::future::join_all(again).await;
    assert!(refused.iter().all(|r| r.code() == "insufficient_stock"));
    assert_eq!(s.get(&format!("/stock?product_id={cup}"), &shop.owner).await.data()[0]["quantity"], 0);
    assert_ledger_matches(&s, &shop.tenant_id).await;
}

async fn falling_below_the_threshold_writes_one_stock_low_event(b: Backend) {
    let s = TestServer::start(b).await;
    let shop = shop(&s).await;
    let milk = product(&s, &shop.owner, "MILK", json!({"low_stock_threshold": 5})).await;
    adjust(&s, &shop.owner, &shop.warehouse, json!([{"product_id": milk, "quantity_delta": 10}])).await;
    let events = kasir_store::realtime::events_after(&s.state.db, &shop.tenant_id, 0, 100).await.unwrap();
    assert!(events.is_empty());
    adjust(&s, &shop.owner, &shop.warehouse, json!([{"product_id": milk, "quantity_delta": -6}])).await;
    adjust(&s, &shop.owner, &shop.warehouse, json!([{"product_id": milk, "quantity_delta": -1}])).await;
    let events = kasir_store::realtime::events_after(&s.state.db, &shop.tenant_id, 0, 100).await.unwrap();
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].kind, "STOCK_LOW");
    if b == Backend::Sqlite {
        // PostgreSQL numbers events from their transactions' ids (decision 020).
        assert_eq!(events[0].seq, 1);
    }
    assert_eq!(events[0].outlet_id.as_deref(), Some(shop.outlet.as_str()));
    let payload: Value = serde_json::from_str(&events[0].payload).unwrap();
    assert_eq!(payload["quantity"], 4);
    assert_eq!(payload["product_id"], milk.as_str());
    let low = s.get("/stock?low_only=true", &shop.owner).await;
    assert_eq!(low.body["pagination"]["total"], 1);
    assert_eq!(low.data()[0]["low_stock_threshold"], 5);
    adjust(&s, &shop.owner, &shop.warehouse, json!([{"product_id": milk, "quantity_delta": 10}])).await;
    assert_eq!(s.get("/stock?low_only=true", &shop.owner).await.body["pagination"]["total"], 0);
}

async fn stock_reads_are_scoped_to_visible_outlets(b: Backend) {
    let s = TestServer::start(b).await;
    let shop = shop(&s).await;
    let k2 = s.outlet(&shop.owner, "K02").await;
    let k2_wh =
        s.get(&format!("/warehouses?outlet_id={k2}"), &shop.owner).await.data()[0]["id"].as_str().unwrap().to_string();
    let cup = product(&s, &shop.owner, "CUP", json!({})).await;
    adjust(&s, &shop.owner, &shop.warehouse, json!([{"product_id": cup, "quantity_delta": 1}])).await;
    adjust(&s, &shop.owner, &k2_wh, json!([{"product_id": cup, "quantity_delta": 2}])).await;
    s.user(&shop.owner, "kasir1", "cashier", &[&shop.outlet]).await;
    let c = s.token("kasir1", PASSWORD).await;
    let seen = s.get("/stock", &c).await;
    assert_eq!(seen.body["pagination"]["total"], 1);
    assert_eq!(seen.data()[0]["quantity"], 1);
    assert_eq!(s.get(&format!("/stock?warehouse_id={k2_wh}"), &c).await.status, 404);
    assert_eq!(s.get("/stock/movements", &c).await.body["pagination"]["total"], 1);
    let denied = adjust(&s, &c, &shop.warehouse, json!([{"product_id": cup, "quantity_delta": 1}])).await;
    assert_eq!(denied.status, 403);
    let other = s.tenant("other").await;
    assert_eq!(
        adjust(&s, &other.owner, &shop.warehouse, json!([{"product_id": cup, "quantity_delta": 1}])).await.status,
        404
    );
    assert_eq!(s.get(&format!("/stock?product_id={cup}"), &other.owner).await.status, 404);
}

/// `ledger_mismatches` (which the other tests expect empty) finds a level written without its
/// movement, and only that one, and only in its tenant.
async fn a_level_changed_behind_the_ledger_is_reported(b: Backend) {
    let s = TestServer::start(b).await;
    let shop = shop(&s).await;
    let beans = product(&s, &shop.owner, "BEANS", json!({"unit": "kg"})).await;
    let tea = product(&s, &shop.owner, "TEA", json!({})).await;
    let lines = json!([{"product_id": beans, "quantity_delta": 10.5}, {"product_id": tea, "quantity_delta": 3}]);
    assert_eq!(adjust(&s, &shop.owner, &shop.warehouse, lines).await.status, 201);
    let other = s.tenant("other").await;
    let other_outlet = s.outlet(&other.owner, "K01").await;
    let wh = s.get(&format!("/warehouses?outlet_id={other_outlet}"), &other.owner).await;
    let other_beans = product(&s, &other.owner, "BEANS", json!({})).await;
    let lines = json!([{"product_id": other_beans, "quantity_delta": 2}]);
    assert_eq!(adjust(&s, &other.owner, wh.data()[0]["id"].as_str().unwrap(), lines).await.status, 201);
    assert_ledger_matches(&s, &shop.tenant_id).await;

    // 10.5 kg is kept as 10,500 thousandths; the level is set to 11 kg without a movement.
    // (`beans` is a UUID this test made.)
    let tamper = format!("UPDATE stock_levels SET quantity = 11000 WHERE product_id = '{beans}'");
    assert_eq!(kasir_store::raw_execute(&s.state.db, &tamper).await.unwrap(), 1);
    let mismatches = kasir_store::stock::levels::ledger_mismatches(&s.state.db, &shop.tenant_id).await.unwrap();
    assert_eq!(mismatches, vec![(shop.warehouse.clone(), beans, String::new(), 11000, 10500)]);
    assert_ledger_matches(&s, &other.id).await;
}
