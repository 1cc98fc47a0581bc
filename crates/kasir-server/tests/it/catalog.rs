use reqwest::Method;
use serde_json::json;

use crate::common::{Backend, TestServer, PASSWORD};

crate::backend_tests!(
    categories_form_a_tree_without_cycles,
    brands_and_taxes_validate_and_stay_unique,
    modifier_groups_keep_their_option_ids,
    every_outlet_has_a_default_warehouse,
    cashiers_read_the_catalog_but_cannot_change_it,
    catalog_changes_reach_the_feed,
);

fn id(r: &crate::common::Resp) -> String {
    r.data()["id"].as_str().unwrap_or_else(|| panic!("no id in {:?}", r.body)).to_string()
}

async fn categories_form_a_tree_without_cycles(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    let drinks = id(&s.post("/categories", &t.owner, json!({"name": "Drinks"})).await);
    let coffee = id(&s.post("/categories", &t.owner, json!({"name": "Coffee", "parent_id": drinks})).await);
    let espresso = id(&s.post("/categories", &t.owner, json!({"name": "Espresso", "parent_id": coffee})).await);
    let cycle = s.patch(&format!("/categories/{drinks}"), &t.owner, json!({"parent_id": espresso})).await;
    assert_eq!(cycle.status, 422);
    assert_eq!(cycle.code(), "category_cycle");
    let own = s.patch(&format!("/categories/{coffee}"), &t.owner, json!({"parent_id": coffee})).await;
    assert_eq!(own.code(), "category_cycle");
    let dup = s.post("/categories", &t.owner, json!({"name": "coffee", "parent_id": drinks})).await;
    assert_eq!(dup.status, 409);
    assert_eq!(dup.fields(), vec!["name"]);
    let elsewhere = s.post("/categories", &t.owner, json!({"name": "Coffee"})).await;
    assert_eq!(elsewhere.status, 201, "the same name under another parent is fine");
    let children = s.get(&format!("/categories?parent_id={drinks}"), &t.owner).await;
    assert_eq!(children.body["pagination"]["total"], 1);
    let refused = s.delete(&format!("/categories/{coffee}"), &t.owner).await;
    assert_eq!(refused.code(), "category_has_children");
    let top = s.patch(&format!("/categories/{espresso}"), &t.owner, json!({"parent_id": null})).await;
    assert_eq!(top.status, 200);
    assert_eq!(top.data()["parent_id"], serde_json::Value::Null);
    assert_eq!(s.delete(&format!("/categories/{coffee}"), &t.owner).await.status, 200);
    let other = s.tenant("other").await;
    let foreign = s.post("/categories", &other.owner, json!({"name": "Sneaky", "parent_id": drinks})).await;
    assert_eq!(foreign.status, 404);
    assert_eq!(foreign.fields(), vec!["parent_id"]);
}

async fn brands_and_taxes_validate_and_stay_unique(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    assert_eq!(s.post("/brands", &t.owner, json!({"name": "Kapal Api"})).await.status, 201);
    let dup = s.post("/brands", &t.owner, json!({"name": "KAPAL API"})).await;
    assert_eq!(dup.status, 409);
    let tax = s.post("/taxes", &t.owner, json!({"name": "PPN", "rate_bps": 1100})).await;
    assert_eq!(tax.status, 201, "{:?}", tax.body);
    assert_eq!(tax.data()["inclusive"], false);
    assert_eq!(tax.data()["rate_bps"], 1100);
    let too_high = s.post("/taxes", &t.owner, json!({"name": "Silly", "rate_bps": 10001})).await;
    assert_eq!(too_high.fields(), vec!["rate_bps"]);
    let fraction = s.post("/taxes", &t.owner, json!({"name": "Frac", "rate_bps": 11.5})).await;
    assert_eq!(fraction.status, 400, "rates are integers in basis points");
    let changed =
        s.patch(&format!("/taxes/{}", id(&tax)), &t.owner, json!({"inclusive": true, "rate_bps": 1000})).await;
    assert_eq!(changed.data()["inclusive"], true);
    assert_eq!(changed.data()["version"], 2);
}

async fn modifier_groups_keep_their_option_ids(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    let g = s
        .post(
            "/modifier-groups",
            &t.owner,
            json!({"name": "Milk", "min_select": 0, "max_select": 1, "options": [{"name": "Oat", "price": 6000}, {"name": "Soy", "price": 5000}]}),
        )
        .await;
    assert_eq!(g.status, 201, "{:?}", g.body);
    let options = g.data()["options"].as_array().unwrap().clone();
    assert_eq!(options.len(), 2);
    let oat = options[0]["id"].as_str().unwrap().to_string();
    assert!(kasir_domain::ids::parse_id(&oat).is_some());
    let path = format!("/modifier-groups/{}", id(&g));
    let r = s.patch(&path, &t.owner, json!({"options": [{"id": oat, "name": "Oat milk", "price": 7000}]})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.data()["options"], json!([{"id": oat, "name": "Oat milk", "price": 7000}]));
    let bad = s.patch(&path, &t.owner, json!({"min_select": 2})).await;
    assert_eq!(bad.status, 400);
    assert!(bad.fields().contains(&"min_select".to_string()));
    let empty = s.post("/modifier-groups", &t.owner, json!({"name": "Empty", "options": []})).await;
    assert_eq!(empty.fields(), vec!["options"]);
    let repeated = s
        .post("/modifier-groups", &t.owner, json!({"name": "Twice", "options": [{"id": oat, "name": "a", "price": 1}, {"id": oat, "name": "b", "price": 1}]}))
        .await;
    assert_eq!(repeated.fields(), vec!["options[1].id"]);
}

async fn every_outlet_has_a_default_warehouse(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    let k1 = s.outlet(&t.owner, "K01").await;
    let k2 = s.outlet(&t.owner, "K02").await;
    let list = s.get(&format!("/warehouses?outlet_id={k1}"), &t.owner).await;
    assert_eq!(list.body["pagination"]["total"], 1);
    let main = &list.data()[0];
    assert_eq!(main["is_default"], true);
    assert_eq!(main["name"], "Outlet K01 (main)");
    let main_id = main["id"].as_str().unwrap().to_string();
    let refused = s.delete(&format!("/warehouses/{main_id}"), &t.owner).await;
    assert_eq!(refused.status, 422);
    assert_eq!(refused.code(), "default_warehouse");
    let back = s.post("/warehouses", &t.owner, json!({"outlet_id": k1, "name": "Back room"})).await;
    assert_eq!(back.status, 201, "{:?}", back.body);
    assert_eq!(back.data()["is_default"], false);
    let central = s.post("/warehouses", &t.owner, json!({"name": "Central"})).await;
    assert_eq!(central.status, 201);
    assert_eq!(s.get("/warehouses", &t.owner).await.body["pagination"]["total"], 4);
    s.user(&t.owner, "manager1", "admin", &[&k1]).await;
    let m = s.token("manager1", PASSWORD).await;
    let seen = s.get("/warehouses", &m).await;
    assert_eq!(seen.body["pagination"]["total"], 2, "only K01's warehouses: {:?}", seen.body);
    let k2_wh = s.post("/warehouses", &m, json!({"outlet_id": k2, "name": "Not mine"})).await;
    assert_eq!(k2_wh.status, 404);
    let no_outlet = s.post("/warehouses", &m, json!({"name": "Floating"})).await;
    assert_eq!(no_outlet.fields(), vec!["outlet_id"]);
    assert_eq!(s.delete(&format!("/warehouses/{}", id(&back)), &t.owner).await.status, 200);
    let is_default = s.post("/warehouses", &t.owner, json!({"outlet_id": k1, "name": "X", "is_default": true})).await;
    assert_eq!(is_default.status, 400, "clients cannot make a default warehouse");
}

async fn cashiers_read_the_catalog_but_cannot_change_it(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    let k1 = s.outlet(&t.owner, "K01").await;
    s.user(&t.owner, "kasir1", "cashier", &[&k1]).await;
    s.user(&t.owner, "dapur1", "kitchen", &[&k1]).await;
    let cat = id(&s.post("/categories", &t.owner, json!({"name": "Drinks"})).await);
    for user in ["kasir1", "dapur1"] {
        let token = s.token(user, PASSWORD).await;
        for path in ["/categories", "/brands", "/taxes", "/modifier-groups"] {
            assert_eq!(s.get(path, &token).await.status, 200, "{user} reads {path}");
            assert_eq!(s.post(path, &token, json!({"name": "x"})).await.status, 403, "{user} writes {path}");
        }
        let r =
            s.send(Method::PATCH, &format!("/categories/{cat}"), Some(&token), Some(json!({"name": "y"})), &[]).await;
        assert_eq!(r.status, 403);
    }
    let cashier = s.token("kasir1", PASSWORD).await;
    assert_eq!(s.get("/warehouses", &cashier).await.status, 200);
    assert_eq!(s.post("/warehouses", &cashier, json!({"outlet_id": k1, "name": "x"})).await.status, 403);
}

async fn catalog_changes_reach_the_feed(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    s.outlet(&t.owner, "K01").await;
    s.post("/categories", &t.owner, json!({"name": "Drinks"})).await;
    s.post("/taxes", &t.owner, json!({"name": "PPN", "rate_bps": 1100})).await;
    let r = s.get("/sync/pull?entities=category,tax,warehouse", &t.owner).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let entities: Vec<&str> =
        r.data()["changes"].as_array().unwrap().iter().map(|c| c["entity"].as_str().unwrap()).collect();
    assert_eq!(entities, vec!["warehouse", "category", "tax"]);
}
