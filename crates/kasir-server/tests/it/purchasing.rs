use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{Backend, TestServer, PASSWORD};

crate::backend_tests!(
    receipts_add_stock_and_keep_a_moving_average_cost,
    purchases_follow_their_state_machine,
    returns_never_exceed_what_was_received,
    suppliers_are_managed_by_stock_managers,
);

fn id(r: &crate::common::Resp) -> String {
    r.data()["id"].as_str().unwrap_or_else(|| panic!("no id in {:?}", r.body)).to_string()
}

struct Shop {
    owner: String,
    tenant_id: String,
    outlet: String,
    warehouse: String,
    supplier: String,
}

async fn shop(s: &TestServer) -> Shop {
    let t = s.tenant("acme").await;
    let outlet = s.outlet(&t.owner, "K01").await;
    let warehouse =
        s.get(&format!("/warehouses?outlet_id={outlet}"), &t.owner).await.data()[0]["id"].as_str().unwrap().to_string();
    let supplier = id(&s.post("/suppliers", &t.owner, json!({"name": "PT Kopi Nusantara", "phone": "0812"})).await);
    Shop { owner: t.owner, tenant_id: t.id, outlet, warehouse, supplier }
}

async fn level(s: &TestServer, token: &str, product: &str) -> Value {
    let r = s.get(&format!("/stock?product_id={product}"), token).await;
    r.data().get(0).map(|l| l["quantity"].clone()).unwrap_or(json!(0))
}

async fn post_action(s: &TestServer, token: &str, path: &str, body: Option<Value>) -> crate::common::Resp {
    s.send(Method::POST, path, Some(token), body, &[]).await
}

async fn receipts_add_stock_and_keep_a_moving_average_cost(b: Backend) {
    let s = TestServer::start(b).await;
    let x = shop(&s).await;
    let beans = id(&s
        .post(
            "/products",
            &x.owner,
            json!({"sku": "BEANS", "name": "Beans", "price": 150000, "cost": 80000, "unit": "kg"}),
        )
        .await);
    let tee = s
        .post("/products", &x.owner, json!({"sku": "TEE", "name": "Tee", "price": 90000, "cost": 40000, "variants": [{"name": "S", "sku": "TEE-S"}]}))
        .await;
    let small = tee.data()["variants"][0]["id"].as_str().unwrap().to_string();
    let tee = id(&tee);
    // 0.5 kg on hand at 80,000.
    s.post("/stock/adjustments", &x.owner, json!({"warehouse_id": x.warehouse, "reason": "opening", "lines": [{"product_id": beans, "quantity_delta": 0.5}]})).await;
    let po = s
        .post(
            "/purchases",
            &x.owner,
            json!({"supplier_id": x.supplier, "warehouse_id": x.warehouse, "lines": [
                {"product_id": beans, "quantity": 1.5, "unit_cost": 100000},
                {"product_id": tee, "variant_id": small, "quantity": 10, "unit_cost": 45000}
            ]}),
        )
        .await;
    assert_eq!(po.status, 201, "{:?}", po.body);
    assert_eq!(po.data()["status"], "draft");
    assert_eq!(po.data()["total_cost"], 150000 + 450000);
    let pid = id(&po);
    assert_eq!(post_action(&s, &x.owner, &format!("/purchases/{pid}/order"), None).await.data()["status"], "ordered");
    let part = post_action(
        &s,
        &x.owner,
        &format!("/purchases/{pid}/receive"),
        Some(json!({"lines": [{"product_id": beans, "quantity": 1.5}]})),
    )
    .await;
    assert_eq!(part.status, 200, "{:?}", part.body);
    assert_eq!(part.data()["status"], "partially_received");
    assert_eq!(level(&s, &x.owner, &beans).await, 2);
    // (0.5 × 80,000 + 1.5 × 100,000) / 2 = 95,000.
    assert_eq!(s.get(&format!("/products/{beans}"), &x.owner).await.data()["cost"], 95000);
    let rest = post_action(&s, &x.owner, &format!("/purchases/{pid}/receive"), None).await;
    assert_eq!(rest.data()["status"], "received");
    let tee_now = s.get(&format!("/products/{tee}"), &x.owner).await;
    assert_eq!(tee_now.data()["variants"][0]["cost"], 45000, "a variant keeps its own cost");
    assert_eq!(tee_now.data()["cost"], 40000);
    let moves = s.get(&format!("/stock/movements?product_id={beans}"), &x.owner).await;
    assert_eq!(moves.data()[0]["type"], "purchase");
    assert_eq!(moves.data()[0]["unit_cost"], 100000);
    assert_eq!(moves.data()[0]["reference_id"], pid.as_str());
    let again = post_action(&s, &x.owner, &format!("/purchases/{pid}/receive"), None).await;
    assert_eq!(again.code(), "invalid_transition");
    let mismatches = kasir_store::stock::levels::ledger_mismatches(&s.state.db, &x.tenant_id).await.unwrap();
    assert!(mismatches.is_empty(), "{mismatches:?}");
    let _ = x.outlet;
}

async fn purchases_follow_their_state_machine(b: Backend) {
    let s = TestServer::start(b).await;
    let x = shop(&s).await;
    let cup = id(&s.post("/products", &x.owner, json!({"sku": "CUP", "name": "Cup", "price": 1000})).await);
    let new_po = || {
        s.post("/purchases", &x.owner, json!({"supplier_id": x.supplier, "warehouse_id": x.warehouse, "lines": [{"product_id": cup, "quantity": 5, "unit_cost": 300}]}))
    };
    let p1 = id(&new_po().await);
    let edited = s
        .patch(
            &format!("/purchases/{p1}"),
            &x.owner,
            json!({"lines": [{"product_id": cup, "quantity": 6, "unit_cost": 300}]}),
        )
        .await;
    assert_eq!(edited.status, 200, "{:?}", edited.body);
    assert_eq!(edited.data()["total_cost"], 1800);
    post_action(&s, &x.owner, &format!("/purchases/{p1}/order"), None).await;
    let locked = s.patch(&format!("/purchases/{p1}"), &x.owner, json!({"note": "late edit"})).await;
    assert_eq!(locked.code(), "invalid_transition", "an ordered purchase is not edited");
    assert_eq!(s.delete(&format!("/purchases/{p1}"), &x.owner).await.code(), "invalid_transition");
    let over = post_action(
        &s,
        &x.owner,
        &format!("/purchases/{p1}/receive"),
        Some(json!({"lines": [{"product_id": cup, "quantity": 7}]})),
    )
    .await;
    assert_eq!(over.code(), "receive_exceeds_purchase");
    assert_eq!(post_action(&s, &x.owner, &format!("/purchases/{p1}/cancel"), None).await.data()["status"], "cancelled");
    assert_eq!(level(&s, &x.owner, &cup).await, 0);
    let p2 = id(&new_po().await);
    assert_eq!(s.delete(&format!("/purchases/{p2}"), &x.owner).await.status, 200, "drafts can be deleted");
    // A draft is received straight away (goods bought at the door): it counts as ordered then.
    let p3 = id(&new_po().await);
    let at_door = post_action(&s, &x.owner, &format!("/purchases/{p3}/receive"), None).await;
    assert_eq!(at_door.status, 200, "{:?}", at_door.body);
    assert_eq!(at_door.data()["status"], "received");
    assert!(at_door.data()["ordered_at"].is_string() && at_door.data()["received_at"].is_string());
    assert_eq!(level(&s, &x.owner, &cup).await, 5);
    let ghost = s.post("/purchases", &x.owner, json!({"supplier_id": kasir_domain::ids::new_id(), "warehouse_id": x.warehouse, "lines": [{"product_id": cup, "quantity": 1, "unit_cost": 1}]})).await;
    assert_eq!(ghost.status, 404);
    assert_eq!(ghost.fields(), vec!["supplier_id"]);
    let negative = s.post("/purchases", &x.owner, json!({"supplier_id": x.supplier, "warehouse_id": x.warehouse, "lines": [{"product_id": cup, "quantity": 1, "unit_cost": -1}]})).await;
    assert_eq!(negative.fields(), vec!["lines[0].unit_cost"]);
}

async fn returns_never_exceed_what_was_received(b: Backend) {
    let s = TestServer::start(b).await;
    let x = shop(&s).await;
    let cup =
        id(&s.post("/products", &x.owner, json!({"sku": "CUP", "name": "Cup", "price": 1000, "cost": 250})).await);
    let po = id(&s.post("/purchases", &x.owner, json!({"supplier_id": x.supplier, "warehouse_id": x.warehouse, "lines": [{"product_id": cup, "quantity": 10, "unit_cost": 300}]})).await);
    post_action(&s, &x.owner, &format!("/purchases/{po}/order"), None).await;
    post_action(
        &s,
        &x.owner,
        &format!("/purchases/{po}/receive"),
        Some(json!({"lines": [{"product_id": cup, "quantity": 4}]})),
    )
    .await;
    let too_many = s
        .post(
            "/purchase-returns",
            &x.owner,
            json!({"purchase_id": po, "reason": "cracked", "lines": [{"product_id": cup, "quantity": 5}]}),
        )
        .await;
    assert_eq!(too_many.status, 422, "{:?}", too_many.body);
    assert_eq!(too_many.code(), "return_exceeds_purchase");
    let ret = s
        .post(
            "/purchase-returns",
            &x.owner,
            json!({"purchase_id": po, "reason": "cracked", "lines": [{"product_id": cup, "quantity": 3}]}),
        )
        .await;
    assert_eq!(ret.status, 201, "{:?}", ret.body);
    assert_eq!(ret.data()["supplier_id"], x.supplier.as_str());
    assert_eq!(ret.data()["lines"][0]["unit_cost"], 300, "the purchase line's cost by default");
    assert_eq!(ret.data()["total_cost"], 900);
    assert_eq!(level(&s, &x.owner, &cup).await, 1);
    let purchase = s.get(&format!("/purchases/{po}"), &x.owner).await;
    assert_eq!(purchase.data()["lines"][0]["returned_quantity"], 3);
    let rest = s
        .post(
            "/purchase-returns",
            &x.owner,
            json!({"purchase_id": po, "reason": "cracked", "lines": [{"product_id": cup, "quantity": 2}]}),
        )
        .await;
    assert_eq!(rest.code(), "return_exceeds_purchase");
    // A return without a purchase takes the product's cost and obeys the negative-stock rule.
    let loose = s.post("/purchase-returns", &x.owner, json!({"supplier_id": x.supplier, "warehouse_id": x.warehouse, "reason": "wrong item", "lines": [{"product_id": cup, "quantity": 2}]})).await;
    assert_eq!(loose.code(), "insufficient_stock");
    let fine = s.post("/purchase-returns", &x.owner, json!({"supplier_id": x.supplier, "warehouse_id": x.warehouse, "reason": "wrong item", "lines": [{"product_id": cup, "quantity": 1}]})).await;
    assert_eq!(fine.status, 201, "{:?}", fine.body);
    let none = s
        .post("/purchase-returns", &x.owner, json!({"reason": "x", "lines": [{"product_id": cup, "quantity": 1}]}))
        .await;
    assert_eq!(none.fields(), vec!["purchase_id"]);
    let moves = s.get(&format!("/stock/movements?product_id={cup}"), &x.owner).await;
    let kinds: Vec<&str> = moves.data().as_array().unwrap().iter().map(|m| m["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, vec!["purchase_return", "purchase_return", "purchase"]);
    let mismatches = kasir_store::stock::levels::ledger_mismatches(&s.state.db, &x.tenant_id).await.unwrap();
    assert!(mismatches.is_empty(), "{mismatches:?}");
}

async fn suppliers_are_managed_by_stock_managers(b: Backend) {
    let s = TestServer::start(b).await;
    let x = shop(&s).await;
    let dup = s.post("/suppliers", &x.owner, json!({"name": "pt kopi nusantara"})).await;
    assert_eq!(dup.status, 409);
    let bad = s.post("/suppliers", &x.owner, json!({"name": "X", "email": "nope"})).await;
    assert_eq!(bad.fields(), vec!["email"]);
    let changed = s
        .patch(&format!("/suppliers/{}", x.supplier), &x.owner, json!({"phone": null, "contact_name": "Pak Budi"}))
        .await;
    assert_eq!(changed.data()["phone"], Value::Null);
    assert_eq!(changed.data()["contact_name"], "Pak Budi");
    s.user(&x.owner, "kasir1", "cashier", &[&x.outlet]).await;
    let c = s.token("kasir1", PASSWORD).await;
    assert_eq!(s.get("/suppliers", &c).await.status, 200);
    assert_eq!(s.post("/suppliers", &c, json!({"name": "Y"})).await.status, 403);
    assert_eq!(s.get("/purchases", &c).await.status, 200);
}
