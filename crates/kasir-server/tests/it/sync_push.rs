//! `POST /sync/push`: offline facts applied once however often they are sent, records merged by
//! field with conflicts recorded and resolved, devices, the protocol header, and feed pruning.

use reqwest::Method;
use serde_json::{json, Value};

use crate::{
    common::{Backend, Resp, TestServer},
    feed::pull_all,
    realtime,
    till::{id, Till},
};

crate::backend_tests!(
    offline_facts_apply_once_however_often_they_are_sent,
    records_merge_by_field_and_conflicts_wait_for_a_decision,
    pushes_name_their_device_and_protocol,
    pruning_the_feed_keeps_every_record_and_expires_old_cursors,
    a_device_of_one_outlet_pulls_only_that_outlets_records,
);

fn new_id() -> String {
    kasir_domain::ids::new_id()
}

/// An RFC 3339 time `minutes` before now.
fn ago(minutes: i64) -> String {
    kasir_domain::time::format_ts(jiff::Timestamp::now() - jiff::SignedDuration::from_mins(minutes))
}

async fn push(s: &TestServer, token: &str, device: &str, changes: Value) -> Resp {
    s.send(
        Method::POST,
        "/sync/push",
        Some(token),
        Some(json!({"device_id": device, "changes": changes})),
        &[("X-Device-Id", device), ("X-Sync-Protocol", "1")],
    )
    .await
}

/// The statuses of a push's results, in order.
fn statuses(r: &Resp) -> Vec<String> {
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.data()["results"].as_array().expect("results").iter().map(|x| x["status"].as_str().unwrap().to_string()).collect()
}

async fn offline_facts_apply_once_however_often_they_are_sent(b: Backend) {
    let s = TestServer::start(b).await;
    let t = Till::new(&s).await;
    let latte = t.product(&s, "LATTE", 30000, json!({})).await;
    t.stock(&s, &latte, None, 1.0).await;
    let device = new_id();
    let (shift, sale, movement) = (new_id(), new_id(), new_id());
    let rung_at = ago(60);
    let batch = json!([
        {"client_change_id": "c1", "entity": "shift", "id": shift, "op": "create",
         "data": {"outlet_id": t.outlet, "start_cash": 100000, "opened_at": ago(120)}},
        // Rung up at 28.000 while the catalog now says 30.000; two sold with one in stock.
        {"client_change_id": "c2", "entity": "sale", "id": sale, "op": "create",
         "data": {"outlet_id": t.outlet, "shift_id": shift, "created_at": rung_at,
                  "items": [{"product_id": latte, "quantity": 2, "unit_price": 28000}],
                  "payments": [{"payment_method_id": t.cash, "amount": 60000}]}},
        {"client_change_id": "c3", "entity": "cash_movement", "id": movement, "op": "create",
         "data": {"shift_id": shift, "type": "out", "amount": 5000, "reason": "ice", "created_at": ago(50)}},
        {"client_change_id": "c4", "entity": "shift", "id": shift, "op": "update",
         "data": {"status": "closed", "end_cash": 151000, "closed_at": ago(30)}},
    ]);
    let first = push(&s, &t.cashier, &device, batch.clone()).await;
    assert_eq!(statuses(&first), ["applied", "applied", "applied", "applied"], "{:?}", first.body);
    let pushed_sale = &first.data()["results"][1]["server_data"];
    assert_eq!(pushed_sale["offline"], true);
    assert_eq!(pushed_sale["stock_negative"], true);
    assert_eq!((pushed_sale["total"].clone(), pushed_sale["change"].clone()), (json!(56000), json!(4000)));
    assert_eq!(pushed_sale["shift_id"], shift.as_str());
    assert_eq!(pushed_sale["created_at"], rung_at.as_str());
    let date = pushed_sale["business_date"].as_str().unwrap().replace('-', "");
    assert_eq!(pushed_sale["number"], format!("K01-{date}-0001"));
    assert_eq!(t.level(&s, &latte, None).await, -1.0);
    t.assert_ledger_matches(&s).await;

    // The answer was lost: the whole batch comes again, and again from a second device.
    let again = push(&s, &t.cashier, &device, batch.clone()).await;
    assert_eq!(statuses(&again), ["duplicate", "duplicate", "duplicate", "duplicate"]);
    let renamed: Vec<Value> = batch
        .as_array()
        .unwrap()
        .iter()
        .take(2)
        .map(|c| {
            let mut c = c.clone();
            c["client_change_id"] = json!(format!("other-{}", c["client_change_id"].as_str().unwrap()));
            c
        })
        .collect();
    let other = push(&s, &t.cashier, &new_id(), json!(renamed)).await;
    assert_eq!(statuses(&other), ["duplicate", "duplicate"]);
    let sales = s.get("/sales", &t.owner).await;
    assert_eq!(sales.data().as_array().unwrap().len(), 1);
    assert_eq!(t.level(&s, &latte, None).await, -1.0);

    // The shift closed as the till closed it, its report counting the offline sale and movement.
    let closed = s.get(&format!("/shifts/{shift}"), &t.owner).await;
    assert_eq!(closed.data()["status"], "closed");
    assert_eq!(
        (closed.data()["expected_cash"].clone(), closed.data()["cash_difference"].clone()),
        (json!(151000), json!(0))
    );
    let events = kasir_store::realtime::events_after(&s.state.db, &t.tenant_id, 0, 500).await.unwrap();
    let negative: Vec<_> = events.iter().filter(|e| e.kind == "STOCK_NEGATIVE").collect();
    assert_eq!(negative.len(), 1);
    assert!(negative[0].payload.contains(&latte));

    // Facts are checked like their online requests: a broken one is rejected, the rest applied.
    let refund_item = pushed_sale["items"][0]["id"].as_str().unwrap();
    let mixed = push(
        &s,
        &t.cashier,
        &device,
        json!([
            {"client_change_id": "c5", "entity": "sale", "id": new_id(), "op": "create",
             "data": {"outlet_id": t.outlet, "shift_id": new_id(), "created_at": ago(5),
                      "items": [{"product_id": latte, "quantity": 1}], "payments": [{"payment_method_id": t.cash, "amount": 30000}]}},
            {"client_change_id": "c6", "entity": "sale", "id": new_id(), "op": "create",
             "data": {"outlet_id": t.outlet, "shift_id": shift,
                      "items": [{"product_id": latte, "quantity": 1}], "payments": [{"payment_method_id": t.cash, "amount": 30000}]}},
            {"client_change_id": "c7", "entity": "sale", "id": sale, "op": "delete", "base_version": 1},
            {"client_change_id": "c8", "entity": "refund", "id": new_id(), "op": "create",
             "data": {"sale_id": sale, "items": [{"sale_item_id": refund_item, "quantity": 1}], "reason": "spilt"}},
        ]),
    )
    .await;
    assert_eq!(statuses(&mixed), ["rejected", "rejected", "rejected", "rejected"], "{:?}", mixed.body);
    let results = mixed.data()["results"].as_array().unwrap();
    assert_eq!(results[0]["error"]["code"], "not_found");
    assert_eq!(results[0]["error"]["errors"][0]["field"], "shift_id");
    assert_eq!(results[1]["error"]["errors"][0]["field"], "data.created_at");
    assert_eq!(results[2]["error"]["errors"][0]["field"], "op");
    // A cashier may not refund: the same answer as online.
    assert_eq!(results[3]["error"]["code"], "forbidden");
    // Rejections are not in the ledger: sent again (by someone who may refund, with a drawer to
    // pay back from), the change is judged again.
    let drawer = t.open_shift(&s, &t.owner, 0).await;
    let refund = json!([{"client_change_id": "c8", "entity": "refund", "id": new_id(), "op": "create",
        "data": {"sale_id": sale, "shift_id": drawer, "created_at": ago(10),
                 "items": [{"sale_item_id": refund_item, "quantity": 1}], "reason": "spilt", "restock": false}}]);
    let retry = push(&s, &t.owner, &device, refund.clone()).await;
    assert_eq!(statuses(&retry), ["applied"], "{:?}", retry.body);
    assert_eq!(retry.data()["results"][0]["server_data"]["total"], 28000);
    assert_eq!(retry.data()["results"][0]["server_data"]["shift_id"], drawer.as_str());
    assert_eq!(statuses(&push(&s, &t.owner, &device, refund).await), ["duplicate"]);

    // A sale another till rang up in the shift before it closed arrives after the close: the
    // shift's frozen figures take it in, the cash counted stays.
    let late = push(
        &s,
        &t.cashier,
        &new_id(),
        json!([{"client_change_id": "late", "entity": "sale", "id": new_id(), "op": "create",
                "data": {"outlet_id": t.outlet, "shift_id": shift, "created_at": ago(40),
                         "items": [{"product_id": latte, "quantity": 1, "unit_price": 28000}],
                         "payments": [{"payment_method_id": t.cash, "amount": 28000}]}}]),
    )
    .await;
    assert_eq!(statuses(&late), ["applied"]);
    let refrozen = s.get(&format!("/shifts/{shift}"), &t.owner).await;
    assert_eq!(
        (
            refrozen.data()["end_cash"].clone(),
            refrozen.data()["expected_cash"].clone(),
            refrozen.data()["cash_difference"].clone()
        ),
        (json!(151000), json!(179000), json!(-28000))
    );
    let report = s.get(&format!("/shifts/{shift}/report"), &t.owner).await;
    assert_eq!(report.data()["expected_cash"], 179000);
}

async fn records_merge_by_field_and_conflicts_wait_for_a_decision(b: Backend) {
    let s = TestServer::start(b).await;
    let t = Till::new(&s).await;
    let device = new_id();
    let c = s.post("/customers", &t.owner, json!({"name": "Budi", "phone": "0811", "notes": "a"})).await;
    let cid = id(&c);
    // Online, the name changes (version 2) while the till, offline, edits version 1.
    let online = s.patch(&format!("/customers/{cid}"), &t.owner, json!({"name": "Budi Santoso"})).await;
    assert_eq!(online.data()["version"], 2);
    let r = push(
        &s,
        &t.cashier,
        &device,
        json!([{"client_change_id": "e1", "entity": "customer", "id": cid, "op": "update", "base_version": 1,
                "data": {"name": "Budi S.", "phone": "0822"}}]),
    )
    .await;
    assert_eq!(statuses(&r), ["conflict"]);
    let result = &r.data()["results"][0];
    assert_eq!(result["version"], 3);
    assert_eq!(result["server_data"]["name"], "Budi Santoso");
    assert_eq!(result["server_data"]["phone"], "0822");
    let conflict_id = result["conflict_id"].as_str().unwrap().to_string();

    let open = s.get("/sync/conflicts?status=open", &t.owner).await;
    assert_eq!(open.data().as_array().unwrap().len(), 1);
    let conflict = &open.data()[0];
    assert_eq!(conflict["id"], conflict_id.as_str());
    assert_eq!(conflict["fields"], json!(["name"]));
    assert_eq!(conflict["base_version"], 1);
    assert_eq!(conflict["device_id"], device.as_str());
    assert_eq!(conflict["client_data"]["name"], "Budi S.");
    assert_eq!(conflict["server_data"]["name"], "Budi Santoso");
    // Sent again: a duplicate naming the same conflict, and no second one.
    let again = push(
        &s,
        &t.cashier,
        &device,
        json!([{"client_change_id": "e1", "entity": "customer", "id": cid, "op": "update", "base_version": 1,
                "data": {"name": "Budi S.", "phone": "0822"}}]),
    )
    .await;
    assert_eq!(statuses(&again), ["duplicate"]);
    assert_eq!(again.data()["results"][0]["conflict_id"], conflict_id.as_str());
    assert_eq!(s.get("/sync/conflicts", &t.owner).await.data().as_array().unwrap().len(), 1);

    // A stale If-Match is refused; the device's value wins when chosen, as version 4.
    let stale = s
        .send(
            Method::POST,
            &format!("/sync/conflicts/{conflict_id}/resolve"),
            Some(&t.owner),
            Some(json!({"resolution": "client"})),
            &[("If-Match", "2")],
        )
        .await;
    assert_eq!((stale.status, stale.code()), (409, "version_conflict"));
    let resolved =
        s.post(&format!("/sync/conflicts/{conflict_id}/resolve"), &t.owner, json!({"resolution": "client"})).await;
    assert_eq!(resolved.status, 200, "{:?}", resolved.body);
    assert_eq!(
        (resolved.data()["status"].clone(), resolved.data()["resolution"].clone()),
        (json!("resolved"), json!("client"))
    );
    assert_eq!(
        (resolved.data()["record"]["name"].clone(), resolved.data()["record"]["version"].clone()),
        (json!("Budi S."), json!(4))
    );
    let twice =
        s.post(&format!("/sync/conflicts/{conflict_id}/resolve"), &t.owner, json!({"resolution": "server"})).await;
    assert_eq!((twice.status, twice.code()), (422, "invalid_transition"));

    // No clash: applied. A delete of a record changed since: a conflict, the record stays.
    let ok = push(
        &s,
        &t.cashier,
        &device,
        json!([{"client_change_id": "e2", "entity": "customer", "id": cid, "op": "update", "base_version": 4, "data": {"notes": "b"}},
               {"client_change_id": "e3", "entity": "customer", "id": cid, "op": "delete", "base_version": 4}]),
    )
    .await;
    assert_eq!(statuses(&ok), ["applied", "conflict"]);
    assert_eq!(s.get(&format!("/customers/{cid}"), &t.owner).await.data()["notes"], "b");
    let delete_conflict = ok.data()["results"][1]["conflict_id"].as_str().unwrap().to_string();
    let merged = s
        .post(
            &format!("/sync/conflicts/{delete_conflict}/resolve"),
            &t.owner,
            json!({"resolution": "merge", "data": {"notes": "kept"}}),
        )
        .await;
    assert_eq!(merged.data()["record"]["notes"], "kept");

    // Creates with the device's id: applied once; the same data again is a duplicate, other data is refused.
    let new_customer = new_id();
    let create = |ccid: &str, name: &str| json!([{"client_change_id": ccid, "entity": "customer", "id": new_customer, "op": "create", "data": {"name": name}}]);
    assert_eq!(statuses(&push(&s, &t.cashier, &device, create("n1", "Sari")).await), ["applied"]);
    assert_eq!(statuses(&push(&s, &t.cashier, &device, create("n2", "Sari")).await), ["duplicate"]);
    let taken = push(&s, &t.cashier, &device, create("n3", "Dewi")).await;
    assert_eq!(statuses(&taken), ["rejected"]);
    assert_eq!(taken.data()["results"][0]["error"]["code"], "conflict");

    // Bad fields and missing permissions are rejected as online, and change nothing.
    let latte = t.product(&s, "LATTE", 30000, json!({})).await;
    let refused = push(
        &s,
        &t.cashier,
        &device,
        json!([{"client_change_id": "x1", "entity": "customer", "id": cid, "op": "update", "base_version": 6, "data": {"shoe_size": 44}},
               {"client_change_id": "x2", "entity": "product", "id": latte, "op": "update", "base_version": 1, "data": {"price": 1}},
               {"client_change_id": "x3", "entity": "customer", "id": cid, "op": "update", "base_version": 99, "data": {"notes": "z"}},
               {"client_change_id": "x4", "entity": "spaceship", "id": cid, "op": "create", "data": {}}]),
    )
    .await;
    assert_eq!(statuses(&refused), ["rejected", "rejected", "rejected", "rejected"]);
    let errors: Vec<Value> = refused.data()["results"].as_array().unwrap().iter().map(|r| r["error"].clone()).collect();
    assert_eq!(errors[0]["errors"][0]["field"], "data.shoe_size");
    assert_eq!(errors[1]["code"], "forbidden");
    assert_eq!(errors[2]["errors"][0]["field"], "base_version");
    assert_eq!(errors[3]["errors"][0]["field"], "entity");
    assert_eq!(s.get(&format!("/products/{latte}"), &t.owner).await.data()["price"], 30000);

    // The tenant's settings merge the same way, with the checks of PATCH /tenants/{id}.
    let path = format!("/tenants/{}", t.tenant_id);
    let base = s.get(&path, &t.owner).await.data()["version"].as_i64().unwrap();
    s.patch(&path, &t.owner, json!({"name": "Kopi Kita"})).await;
    let settings = push(
        &s,
        &t.owner,
        &device,
        json!([{"client_change_id": "t1", "entity": "tenant", "id": t.tenant_id, "op": "update", "base_version": base,
                "data": {"name": "Kopi Kami", "cash_rounding": 100}},
               {"client_change_id": "t2", "entity": "tenant", "id": t.tenant_id, "op": "update", "base_version": base,
                "data": {"require_license": true}}]),
    )
    .await;
    assert_eq!(statuses(&settings), ["conflict", "rejected"]);
    assert_eq!(settings.data()["results"][1]["error"]["code"], "forbidden");
    let tenant_conflict = settings.data()["results"][0]["conflict_id"].as_str().unwrap().to_string();
    let tenant = s.get(&path, &t.owner).await;
    assert_eq!(
        (tenant.data()["name"].clone(), tenant.data()["cash_rounding"].clone()),
        (json!("Kopi Kita"), json!(100))
    );
    let kept =
        s.post(&format!("/sync/conflicts/{tenant_conflict}/resolve"), &t.owner, json!({"resolution": "client"})).await;
    assert_eq!(kept.status, 200, "{:?}", kept.body);
    assert_eq!(kept.data()["record"]["name"], "Kopi Kami");
    assert_eq!(kept.data()["record"]["version"], base + 3);
}

async fn pushes_name_their_device_and_protocol(b: Backend) {
    let s = TestServer::start(b).await;
    let t = Till::new(&s).await;
    let device = new_id();
    let body = json!({"device_id": device, "changes": []});
    let newer = s
        .send(
            Method::POST,
            "/sync/push",
            Some(&t.cashier),
            Some(body.clone()),
            &[("X-Device-Id", &device), ("X-Sync-Protocol", "2")],
        )
        .await;
    assert_eq!((newer.status, newer.code()), (426, "upgrade_required"));
    let pull = s.send(Method::GET, "/sync/pull", Some(&t.cashier), None, &[("X-Sync-Protocol", "2")]).await;
    assert_eq!((pull.status, pull.code()), (426, "upgrade_required"));
    let unnamed = s.send(Method::POST, "/sync/push", Some(&t.cashier), Some(body.clone()), &[]).await;
    assert_eq!((unnamed.status, unnamed.fields()), (400, vec!["X-Device-Id".to_string()]));
    let other = new_id();
    let mismatch =
        s.send(Method::POST, "/sync/push", Some(&t.cashier), Some(body.clone()), &[("X-Device-Id", &other)]).await;
    assert_eq!(mismatch.status, 400);
    let many: Vec<Value> = (0..51)
        .map(|i| json!({"client_change_id": format!("m{i}"), "entity": "customer", "id": new_id(), "op": "create", "data": {"name": "x"}}))
        .collect();
    let too_many = push(&s, &t.cashier, &device, json!(many)).await;
    assert_eq!((too_many.status, too_many.fields()), (400, vec!["changes".to_string()]));
    assert_eq!(s.get("/customers", &t.owner).await.data().as_array().unwrap().len(), 0);

    // The first push registers the device; deactivated, it may push no more.
    assert_eq!(statuses(&push(&s, &t.cashier, &device, json!([])).await), Vec::<String>::new());
    let devices = s.get("/devices", &t.owner).await;
    assert_eq!(devices.data().as_array().unwrap().len(), 1);
    assert_eq!(devices.data()[0]["id"], device.as_str());
    assert!(devices.data()[0]["last_push_at"].is_string());
    assert_eq!(s.get("/devices", &t.cashier).await.status, 403);
    let off = s.patch(&format!("/devices/{device}"), &t.owner, json!({"name": "Till 1", "is_active": false})).await;
    assert_eq!(off.status, 200, "{:?}", off.body);
    let refused = push(&s, &t.cashier, &device, json!([])).await;
    assert_eq!((refused.status, refused.code()), (403, "forbidden"));
    // Another tenant cannot push as this device.
    let theirs = s.tenant("other").await;
    let foreign = push(&s, &theirs.owner, &device, json!([])).await;
    assert_eq!(foreign.status, 403);
}

async fn pruning_the_feed_keeps_every_record_and_expires_old_cursors(b: Backend) {
    let s = TestServer::start(b).await;
    let t = Till::new(&s).await;
    let mut ws = realtime::connect(&s, &t.cashier).await;
    realtime::registered(&mut ws).await;
    let c = s.post("/customers", &t.owner, json!({"name": "Budi"})).await;
    let cid = id(&c);
    // Every feed commit is announced to online devices with the cursor to pull to.
    let notice = realtime::next_notice(&mut ws, 15).await;
    let cursor = notice["payload"]["cursor"].as_str().unwrap().to_string();
    let since = s.get(&format!("/sync/pull?cursor={cursor}"), &t.cashier).await;
    assert_eq!(since.data()["changes"].as_array().unwrap().len(), 0);
    let early = s.get("/sync/pull?limit=1", &t.cashier).await;
    let early_cursor = early.data()["cursor"].as_str().unwrap().to_string();
    for name in ["Budi A", "Budi B", "Budi C"] {
        s.patch(&format!("/customers/{cid}"), &t.owner, json!({"name": name})).await;
    }
    let gone = s.post("/customers", &t.owner, json!({"name": "Gone"})).await;
    s.delete(&format!("/customers/{}", id(&gone)), &t.owner).await;
    // Everything a device pulling from the start receives, a few changes a page: after the
    // pruning too, a pull that starts then pages through without being told to start again.
    let rows = || async { pull_all(&s, &t.owner, "").await.0.len() as i64 };
    let before = rows().await;
    let future = kasir_domain::time::format_ts(jiff::Timestamp::now() + jiff::SignedDuration::from_hours(1));
    let pruned = kasir_store::sync::prune_feed(&s.state.db, &future).await.unwrap();
    assert_eq!(pruned as i64, before - rows().await);
    let all = s.get("/sync/pull?entities=customer", &t.cashier).await;
    let customers: Vec<&Value> = all.data()["changes"].as_array().unwrap().iter().collect();
    assert_eq!(customers.len(), 1);
    assert_eq!((customers[0]["id"].clone(), customers[0]["version"].clone()), (json!(cid), json!(4)));
    assert_eq!(customers[0]["data"]["name"], "Budi C");
    let expired = s.get(&format!("/sync/pull?cursor={early_cursor}"), &t.cashier).await;
    assert_eq!((expired.status, expired.code()), (410, "resync_required"));
    let current = all.data()["cursor"].as_str().unwrap();
    assert_eq!(s.get(&format!("/sync/pull?cursor={current}"), &t.cashier).await.status, 200);
}

async fn a_device_of_one_outlet_pulls_only_that_outlets_records(b: Backend) {
    let s = TestServer::start(b).await;
    let t = Till::new(&s).await;
    let k2 = s.outlet(&t.owner, "K02").await;
    let wh2 =
        s.get(&format!("/warehouses?outlet_id={k2}"), &t.owner).await.data()[0]["id"].as_str().unwrap().to_string();
    let kopi = t.product(&s, "KOPI", 10000, json!({})).await;
    t.stock(&s, &kopi, None, 5.0).await;
    let line = json!({"product_id": kopi, "quantity_delta": 3});
    let r = s
        .post("/stock/adjustments", &t.owner, json!({"warehouse_id": wh2, "reason": "delivery", "lines": [line]}))
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    s.user(&t.owner, "kasir2", "cashier", &[&k2]).await;
    let kasir2 = s.token("kasir2", crate::common::PASSWORD).await;
    t.open_shift(&s, &t.cashier, 0).await;
    assert_eq!(t.sell(&s, &t.cashier, t.sale(json!([{"product_id": kopi, "quantity": 1}]), 10000)).await.status, 201);
    let r = s.post("/shifts/open", &kasir2, json!({"outlet_id": k2, "start_cash": 0})).await;
    assert_eq!(r.status, 201);
    let mut other = t.sale(json!([{"product_id": kopi, "quantity": 2}]), 20000);
    other["outlet_id"] = json!(k2);
    assert_eq!(s.post("/sales", &kasir2, other).await.status, 201);

    let mine = pull_all(&s, &t.cashier, "").await.0;
    let of = |entity: &str| -> Vec<&Value> { mine.iter().filter(|c| c["entity"] == entity).collect() };
    // Its outlet's sales, shifts and stock; the tenant's catalog.
    assert!(!of("product").is_empty());
    for entity in ["sale", "shift"] {
        assert_eq!(of(entity).len(), 1, "{entity}");
        assert_eq!(of(entity)[0]["data"]["outlet_id"], t.outlet.as_str(), "{entity}");
    }
    let levels = of("stock_level");
    assert!(levels.iter().all(|c| c["data"]["warehouse_id"] == t.warehouse.as_str()), "{levels:?}");
    let newest = levels.iter().max_by_key(|c| c["version"].as_i64().unwrap()).unwrap();
    assert_eq!((newest["data"]["quantity"].clone(), newest["version"].clone()), (json!(4), json!(2)));
    assert_eq!(newest["id"], kasir_store::stock::level_id(&t.warehouse, &kopi, "").as_str());
    assert_eq!(t.level(&s, &kopi, None).await, 4.0);
    // The owner sees both outlets' levels.
    let all = pull_all(&s, &t.owner, "").await.0;
    let warehouses: std::collections::BTreeSet<&str> = all
        .iter()
        .filter(|c| c["entity"] == "stock_level")
        .map(|c| c["data"]["warehouse_id"].as_str().unwrap())
        .collect();
    assert_eq!(warehouses, [t.warehouse.as_str(), wh2.as_str()].into_iter().collect());
    // Levels change only through what moves stock.
    let r = push(
        &s,
        &t.cashier,
        &new_id(),
        json!([{"client_change_id": "l1", "entity": "stock_level", "id": newest["id"], "op": "update", "base_version": 2, "data": {"quantity": 100}}]),
    )
    .await;
    assert_eq!(statuses(&r), ["rejected"]);
}
