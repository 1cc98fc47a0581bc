use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{Backend, TestServer, PASSWORD};

crate::backend_tests!(
    a_transfer_moves_stock_when_sent_and_when_received,
    transfers_follow_their_state_machine,
    outlet_managers_act_on_their_side_only,
);

fn id(r: &crate::common::Resp) -> String {
    r.data()["id"].as_str().unwrap_or_else(|| panic!("no id in {:?}", r.body)).to_string()
}

struct Two {
    owner: String,
    tenant_id: String,
    k1: String,
    k2: String,
    wh1: String,
    wh2: String,
    cup: String,
    lid: String,
}

async fn setup(s: &TestServer) -> Two {
    let t = s.tenant("acme").await;
    let k1 = s.outlet(&t.owner, "K01").await;
    let k2 = s.outlet(&t.owner, "K02").await;
    let wh1 = default_warehouse(s, &t.owner, &k1).await;
    let wh2 = default_warehouse(s, &t.owner, &k2).await;
    let cup = id(&s.post("/products", &t.owner, json!({"sku": "CUP", "name": "Cup", "price": 1000})).await);
    let lid = id(&s.post("/products", &t.owner, json!({"sku": "LID", "name": "Lid", "price": 500})).await);
    let r = s
        .post(
            "/stock/adjustments",
            &t.owner,
            json!({"warehouse_id": wh1, "reason": "opening", "lines": [{"product_id": cup, "quantity_delta": 10}, {"product_id": lid, "quantity_delta": 10}]}),
        )
        .await;
    assert_eq!(r.status, 201);
    Two { owner: t.owner, tenant_id: t.id, k1, k2, wh1, wh2, cup, lid }
}

async fn default_warehouse(s: &TestServer, token: &str, outlet: &str) -> String {
    s.get(&format!("/warehouses?outlet_id={outlet}"), token).await.data()[0]["id"].as_str().unwrap().to_string()
}

async fn qty(s: &TestServer, token: &str, wh: &str, product: &str) -> Value {
    let r = s.get(&format!("/stock?warehouse_id={wh}&product_id={product}"), token).await;
    r.data().get(0).map(|l| l["quantity"].clone()).unwrap_or(json!(0))
}

async fn a_transfer_moves_stock_when_sent_and_when_received(b: Backend) {
    let s = TestServer::start(b).await;
    let x = setup(&s).await;
    let created = s
        .post(
            "/stock/transfers",
            &x.owner,
            json!({"from_warehouse_id": x.wh1, "to_warehouse_id": x.wh2, "lines": [{"product_id": x.cup, "quantity": 4}, {"product_id": x.lid, "quantity": 2.5}]}),
        )
        .await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    assert_eq!(created.data()["status"], "created");
    assert_eq!(created.data()["to_outlet_id"], x.k2.as_str());
    let tid = id(&created);
    assert_eq!(qty(&s, &x.owner, &x.wh1, &x.cup).await, 10, "creating moves nothing");
    let sent = s.send(Method::POST, &format!("/stock/transfers/{tid}/send"), Some(&x.owner), None, &[]).await;
    assert_eq!(sent.status, 200, "{:?}", sent.body);
    assert_eq!(sent.data()["status"], "sent");
    assert!(sent.data()["sent_at"].is_string());
    assert_eq!(qty(&s, &x.owner, &x.wh1, &x.cup).await, 6);
    assert_eq!(qty(&s, &x.owner, &x.wh2, &x.cup).await, 0, "in transit");
    let part = s
        .post(
            &format!("/stock/transfers/{tid}/receive"),
            &x.owner,
            json!({"lines": [{"product_id": x.cup, "quantity": 3}]}),
        )
        .await;
    assert_eq!(part.status, 200, "{:?}", part.body);
    assert_eq!(part.data()["status"], "partially_received");
    assert_eq!(part.data()["lines"][0]["received_quantity"], 3);
    assert_eq!(qty(&s, &x.owner, &x.wh2, &x.cup).await, 3);
    let too_much = s
        .post(
            &format!("/stock/transfers/{tid}/receive"),
            &x.owner,
            json!({"lines": [{"product_id": x.cup, "quantity": 2}]}),
        )
        .await;
    assert_eq!(too_much.status, 422);
    assert_eq!(too_much.code(), "receive_exceeds_transfer");
    let rest = s.send(Method::POST, &format!("/stock/transfers/{tid}/receive"), Some(&x.owner), None, &[]).await;
    assert_eq!(rest.status, 200);
    assert_eq!(rest.data()["status"], "received");
    assert_eq!(qty(&s, &x.owner, &x.wh2, &x.cup).await, 4);
    assert_eq!(qty(&s, &x.owner, &x.wh2, &x.lid).await, 2.5);
    let moves = s.get(&format!("/stock/movements?product_id={}", x.cup), &x.owner).await;
    let kinds: Vec<&str> = moves.data().as_array().unwrap().iter().map(|m| m["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, vec!["transfer_in", "transfer_in", "transfer_out", "adjustment"]);
    let mismatches = kasir_store::stock::levels::ledger_mismatches(&s.state.db, &x.tenant_id).await.unwrap();
    assert!(mismatches.is_empty(), "{mismatches:?}");
}

async fn transfers_follow_their_state_machine(b: Backend) {
    let s = TestServer::start(b).await;
    let x = setup(&s).await;
    let mk = |q: f64| {
        s.post("/stock/transfers", &x.owner, json!({"from_warehouse_id": x.wh1, "to_warehouse_id": x.wh2, "lines": [{"product_id": x.cup, "quantity": q}]}))
    };
    let t1 = id(&mk(1.0).await);
    let early = s.send(Method::POST, &format!("/stock/transfers/{t1}/receive"), Some(&x.owner), None, &[]).await;
    assert_eq!(early.code(), "invalid_transition");
    let cancelled = s.send(Method::POST, &format!("/stock/transfers/{t1}/cancel"), Some(&x.owner), None, &[]).await;
    assert_eq!(cancelled.data()["status"], "cancelled");
    let resend = s.send(Method::POST, &format!("/stock/transfers/{t1}/send"), Some(&x.owner), None, &[]).await;
    assert_eq!(resend.code(), "invalid_transition");
    let t2 = id(&mk(2.0).await);
    s.send(Method::POST, &format!("/stock/transfers/{t2}/send"), Some(&x.owner), None, &[]).await;
    let late = s.send(Method::POST, &format!("/stock/transfers/{t2}/cancel"), Some(&x.owner), None, &[]).await;
    assert_eq!(late.status, 422, "goods on the road cannot be cancelled");
    let t3 = id(&mk(50.0).await);
    let short = s.send(Method::POST, &format!("/stock/transfers/{t3}/send"), Some(&x.owner), None, &[]).await;
    assert_eq!(short.code(), "insufficient_stock");
    assert_eq!(qty(&s, &x.owner, &x.wh1, &x.cup).await, 8);
    let same = s.post("/stock/transfers", &x.owner, json!({"from_warehouse_id": x.wh1, "to_warehouse_id": x.wh1, "lines": [{"product_id": x.cup, "quantity": 1}]})).await;
    assert_eq!(same.fields(), vec!["to_warehouse_id"]);
    let zero = s.post("/stock/transfers", &x.owner, json!({"from_warehouse_id": x.wh1, "to_warehouse_id": x.wh2, "lines": [{"product_id": x.cup, "quantity": 0}]})).await;
    assert_eq!(zero.fields(), vec!["lines[0].quantity"]);
    let not_a_line = s
        .post(
            &format!("/stock/transfers/{t2}/receive"),
            &x.owner,
            json!({"lines": [{"product_id": x.lid, "quantity": 1}]}),
        )
        .await;
    assert_eq!(not_a_line.fields(), vec!["lines[0]"]);
    let stale = s
        .send(Method::POST, &format!("/stock/transfers/{t2}/receive"), Some(&x.owner), None, &[("if-match", "1")])
        .await;
    assert_eq!(stale.code(), "version_conflict");
    assert_eq!(
        s.send(Method::PATCH, &format!("/stock/transfers/{t2}"), Some(&x.owner), Some(json!({})), &[]).await.status,
        405
    );
    let listed = s.get("/stock/transfers?status=sent", &x.owner).await;
    assert_eq!(listed.body["pagination"]["total"], 1);
    let pulled = s.get("/sync/pull?entities=stock_transfer", &x.owner).await;
    assert!(pulled.data()["changes"].as_array().unwrap().len() >= 4);
}

async fn outlet_managers_act_on_their_side_only(b: Backend) {
    let s = TestServer::start(b).await;
    let x = setup(&s).await;
    let k3 = s.outlet(&x.owner, "K03").await;
    s.user(&x.owner, "mgr1", "admin", &[&x.k1]).await;
    s.user(&x.owner, "mgr2", "admin", &[&x.k2]).await;
    s.user(&x.owner, "mgr3", "admin", &[&k3]).await;
    let (m1, m2, m3) =
        (s.token("mgr1", PASSWORD).await, s.token("mgr2", PASSWORD).await, s.token("mgr3", PASSWORD).await);
    let from_other = s.post("/stock/transfers", &m2, json!({"from_warehouse_id": x.wh1, "to_warehouse_id": x.wh2, "lines": [{"product_id": x.cup, "quantity": 1}]})).await;
    assert_eq!(from_other.status, 404, "m2 cannot send from K01's warehouse");
    let t = s.post("/stock/transfers", &m1, json!({"from_warehouse_id": x.wh1, "to_warehouse_id": x.wh2, "lines": [{"product_id": x.cup, "quantity": 1}]})).await;
    assert_eq!(t.status, 201, "m1 sends to K02 even though m1 cannot see K02: {:?}", t.body);
    let tid = id(&t);
    assert_eq!(s.send(Method::POST, &format!("/stock/transfers/{tid}/send"), Some(&m2), None, &[]).await.status, 403);
    assert_eq!(s.send(Method::POST, &format!("/stock/transfers/{tid}/send"), Some(&m1), None, &[]).await.status, 200);
    assert_eq!(
        s.send(Method::POST, &format!("/stock/transfers/{tid}/receive"), Some(&m1), None, &[]).await.status,
        403
    );
    assert_eq!(s.get(&format!("/stock/transfers/{tid}"), &m3).await.status, 404, "K03 sees nothing of it");
    assert_eq!(s.get("/stock/transfers", &m2).await.body["pagination"]["total"], 1);
    assert_eq!(
        s.send(Method::POST, &format!("/stock/transfers/{tid}/receive"), Some(&m2), None, &[]).await.status,
        200
    );
    let kasir = s.user(&x.owner, "kasir1", "cashier", &[&x.k1]).await;
    let _ = kasir;
    let c = s.token("kasir1", PASSWORD).await;
    assert_eq!(
        s.post("/stock/transfers", &c, json!({"from_warehouse_id": x.wh1, "to_warehouse_id": x.wh2, "lines": []}))
            .await
            .status,
        403
    );
}
