//! Payments through a gateway (issue 17), against a local server of Xendit's protocol
//! (`fake_xendit`, shared with kasir-bench): top-ups that credit the wallet exactly once however
//! the callbacks come, a table guest paying by QRIS and the order becoming a sale in the shift
//! and dashboard, verified and re-read callbacks, a create whose answer was lost found instead
//! of made twice, the reconciliation job, payouts, and keys that are never shown or logged.

use std::time::Duration;

use serde_json::{json, Value};

use crate::{
    common::{eventually, Backend, TestServer},
    customer_accounts::{shop_tuned, Shop},
    fake_xendit::FakeXendit,
    realtime::{connect, next, registered, Ws},
    till::id,
};

pub const SECRET: &str = "xnd_development_P4yM3nt5SecretKey0001";
pub const CALLBACK_TOKEN: &str = "cb-token-Zq81-Kasir-Callback";
pub const SERVER_KEY: &str = "kasir-test-secret-key-0123456789-abcdef";

crate::backend_tests!(
    a_top_up_credits_the_wallet_once_whatever_the_callbacks_say,
    a_guest_pays_the_table_order_by_qris_and_it_becomes_a_sale,
    a_customer_pays_an_order_and_earns_its_points,
    callbacks_are_verified_and_read_again_from_the_gateway,
    a_create_whose_answer_was_lost_is_found_not_made_twice,
    reconciliation_catches_up_and_expires_lapsed_payments,
    payouts_are_made_once_per_key_and_settled_by_their_callbacks,
    checkout_input_and_callers_are_checked,
    gateway_keys_are_sealed_and_never_logged,
);

/// A shop whose server seals secrets, with its gateway set up against a fake one.
pub struct Pay {
    pub shop: Shop,
    pub fake: FakeXendit,
}

pub async fn pay_shop(b: Backend, tune: impl FnOnce(&mut kasir_server::config::Config)) -> Pay {
    let shop = shop_tuned(b, |c| {
        c.secret_key = Some(SERVER_KEY.into());
        c.jobs.retry_base = Duration::from_millis(20);
        tune(c);
    })
    .await;
    let fake = gateway_for(&shop.s, &shop.owner).await;
    Pay { shop, fake }
}

/// Starts a fake gateway and sets it up as the tenant's.
pub async fn gateway_for(s: &TestServer, owner: &str) -> FakeXendit {
    let fake = FakeXendit::start(SECRET, CALLBACK_TOKEN, Duration::from_millis(1500)).await;
    fake.send_callbacks_to(&s.base);
    let body =
        json!({"provider": "xendit", "secret_key": SECRET, "callback_token": CALLBACK_TOKEN, "base_url": fake.url});
    let r = s.post("/payment-gateways", owner, body).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.data()["version"], 1, "a new gateway");
    fake
}

impl Pay {
    async fn checkout(&self, token: &str, body: Value) -> crate::common::Resp {
        self.shop.s.post("/payments/checkout", token, body).await
    }

    async fn payment(&self, token: &str, id: &str) -> Value {
        let r = self.shop.s.get(&format!("/payments/{id}"), token).await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        r.data().clone()
    }

    async fn balance(&self, token: &str) -> (i64, i64) {
        let r = self.shop.s.get("/customer/balance", token).await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        (r.data()["balance"].as_i64().unwrap(), r.data()["points"].as_i64().unwrap())
    }
}

/// Every `PAYMENT_STATUS_CHANGED` frame a socket receives within `secs` seconds of quiet.
async fn payment_frames(ws: &mut Ws, quiet_ms: u64) -> Vec<Value> {
    let mut out = Vec::new();
    loop {
        match tokio::time::timeout(Duration::from_millis(quiet_ms), next(ws, 15)).await {
            Ok(f) if f["type"] == "PAYMENT_STATUS_CHANGED" => out.push(f),
            Ok(_) => {}
            Err(_) => return out,
        }
    }
}

fn history(p: &Value) -> Vec<(String, String)> {
    p["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["status"].as_str().unwrap().to_string(), h["source"].as_str().unwrap().to_string()))
        .collect()
}

fn pair(a: &str, b: &str) -> (String, String) {
    (a.to_string(), b.to_string())
}

async fn a_top_up_credits_the_wallet_once_whatever_the_callbacks_say(b: Backend) {
    let p = pay_shop(b, |_| {}).await;
    let s = &p.shop.s;
    let rina = p.shop.customer("rina").await;
    let agus = p.shop.customer("agus").await;
    let mut rina_ws = connect(s, &rina).await;
    registered(&mut rina_ws).await;
    let mut agus_ws = connect(s, &agus).await;
    registered(&mut agus_ws).await;
    let mut staff_ws = connect(s, &p.shop.owner).await;
    registered(&mut staff_ws).await;

    let r = p
        .checkout(&rina, json!({"amount": 50000, "description": "Top up", "purpose": "topup", "method": "invoice"}))
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let pid = id(&r);
    let ext = r.data()["external_id"].as_str().unwrap().to_string();
    assert_eq!(ext, format!("kasir-{pid}"));
    assert_eq!(
        (r.data()["status"].as_str(), r.data()["amount"].as_i64(), r.data()["method"].as_str()),
        (Some("PENDING"), Some(50000), Some("invoice"))
    );
    let gateway_ref = r.data()["gateway_ref"].as_str().unwrap().to_string();
    assert_eq!(r.data()["invoice_url"], format!("{}/web/invoices/{gateway_ref}", p.fake.url));
    assert!(r.data()["expires_at"].as_str().unwrap() > r.data()["created_at"].as_str().unwrap());
    assert_eq!(p.fake.records(&ext).len(), 1);

    // A wrong token changes nothing.
    let paid = p.fake.mark(&ext, "PAID");
    let (status, _) = p.fake.send(&paid, Some("cb-token-guessed-wrong")).await;
    assert_eq!(status, 401);
    assert_eq!(p.payment(&rina, &pid).await["status"], "PENDING");
    assert_eq!(p.balance(&rina).await.0, 0);

    // The same callback three times: one credit.
    for _ in 0..3 {
        let (status, body) = p.fake.send(&paid, None).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["status"], "PAID");
    }
    assert_eq!(p.balance(&rina).await.0, 50000);
    // A stale PENDING after PAID (the gateway lagging too): nothing moves back.
    let stale = p.fake.mark(&ext, "PENDING");
    let (status, body) = p.fake.send(&stale, None).await;
    assert_eq!((status, body["data"]["status"].as_str()), (200, Some("PAID")));
    let settled = p.fake.mark(&ext, "SETTLED");
    for _ in 0..3 {
        assert_eq!(p.fake.send(&settled, None).await.0, 200);
    }
    assert_eq!(p.balance(&rina).await.0, 50000, "settling credits nothing more");
    let detail = p.payment(&rina, &pid).await;
    assert_eq!(detail["status"], "SETTLED");
    assert_eq!(
        history(&detail),
        vec![pair("PENDING", "create"), pair("PAID", "callback"), pair("SETTLED", "callback")]
    );
    let wallet = s.get("/customer/balance/history", &rina).await;
    let entries = wallet.data().as_array().unwrap();
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!((entries[0]["amount"].as_i64(), entries[0]["description"].as_str()), (Some(50000), Some("Top-up")));

    // Her socket heard each change once; the staff's too; another customer's nothing.
    let frames = payment_frames(&mut rina_ws, 500).await;
    let seen: Vec<(&str, i64)> = frames
        .iter()
        .map(|f| (f["payload"]["status"].as_str().unwrap(), f["payload"]["amount"].as_i64().unwrap()))
        .collect();
    assert_eq!(seen, vec![("PAID", 50000), ("SETTLED", 50000)]);
    assert_eq!(frames[0]["payload"]["id"], pid.as_str());
    assert_eq!(frames[0]["payload"]["paid_at"], detail["paid_at"]);
    assert_eq!(payment_frames(&mut staff_ws, 300).await.len(), 2);
    assert_eq!(payment_frames(&mut agus_ws, 300).await.len(), 0);

    // Lists: her own, staff's all; others' payments are not found.
    assert_eq!(s.get("/payments", &rina).await.body["pagination"]["total"], 1);
    assert_eq!(s.get("/payments", &agus).await.body["pagination"]["total"], 0);
    assert_eq!(s.get(&format!("/payments/{pid}"), &agus).await.status, 404);
    assert_eq!(s.get("/payments?status=SETTLED", &p.shop.owner).await.body["pagination"]["total"], 1);
    assert_eq!(s.get("/payments?status=PENDING", &p.shop.owner).await.body["pagination"]["total"], 0);
    let cancel = s.post(&format!("/payments/{pid}/cancel"), &rina, json!({})).await;
    assert_eq!((cancel.status, cancel.code()), (422, "payment_already_paid"));
}

async fn a_guest_pays_the_table_order_by_qris_and_it_becomes_a_sale(b: Backend) {
    let server = TestServer::start_with(b, |c| c.secret_key = Some(SERVER_KEY.into())).await;
    let s = &server;
    let r = crate::restaurant::resto(s).await;
    let t = &r.t;
    let fake = gateway_for(s, &t.owner).await;
    let payment = |pid: String| async move {
        let r = s.get(&format!("/payments/{pid}"), &t.owner).await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        r.data().clone()
    };
    let mut staff_ws = connect(s, &t.cashier).await;
    registered(&mut staff_ws).await;
    let session = s.post("/table-sessions", &t.cashier, json!({"table_id": r.tables[0]})).await;
    let token = session.data()["token"].as_str().unwrap().to_string();
    let guest = [("x-table-session", token.as_str())];
    let body = json!({"items": [{"product_id": r.coffee, "quantity": 1, "modifiers": [r.oat]}]});
    let order = s.send(reqwest::Method::POST, "/guest/orders", None, Some(body), &guest).await;
    assert_eq!(order.status, 201, "{:?}", order.body);
    let oid = id(&order);
    let pay_path = format!("/guest/orders/{oid}/pay-online");

    // No shift at the outlet yet: nothing to take the payment in.
    let early = s.send(reqwest::Method::POST, &pay_path, None, Some(json!({"method": "qris"})), &guest).await;
    assert_eq!((early.status, early.code()), (422, "shift_not_open"), "{:?}", early.body);
    let shift = t.open_shift(s, &t.cashier, 0).await;
    // A first try by e-wallet, then the guest switches to QRIS: the first is cancelled.
    let ew = s
        .send(
            reqwest::Method::POST,
            &pay_path,
            None,
            Some(json!({"method": "ewallet", "ewallet_type": "DANA"})),
            &guest,
        )
        .await;
    assert_eq!(ew.status, 201, "{:?}", ew.body);
    assert!(ew.data()["checkout_url"].as_str().unwrap().starts_with(&fake.url));
    let qr = s.send(reqwest::Method::POST, &pay_path, None, Some(json!({"method": "qris"})), &guest).await;
    assert_eq!(qr.status, 201, "{:?}", qr.body);
    assert_eq!((qr.data()["amount"].as_i64(), qr.data()["purpose"].as_str()), (Some(26000), Some("order")));
    assert!(qr.data()["qr_string"].as_str().unwrap().starts_with("000201"));
    let first = payment(id(&ew)).await;
    assert_eq!(first["status"], "EXPIRED");
    let ext = qr.data()["external_id"].as_str().unwrap().to_string();

    let qr_paid = fake.mark(&ext, "SUCCEEDED");
    for _ in 0..3 {
        let (status, body) = fake.send(&qr_paid, None).await;
        assert_eq!((status, body["data"]["status"].as_str()), (200, Some("PAID")), "{body}");
    }
    let paid = payment(id(&qr)).await;
    let sale_id = paid["sale_id"].as_str().expect("the order became a sale").to_string();
    assert_eq!(paid["attention"], Value::Null);
    let seen = s.send(reqwest::Method::GET, &format!("/guest/orders/{oid}"), None, None, &guest).await;
    assert_eq!(seen.data()["paid"], true);
    let sales = s.get(&format!("/sales?shift_id={shift}"), &t.owner).await;
    assert_eq!(sales.body["pagination"]["total"], 1, "one sale, however many callbacks");
    let sale = s.get(&format!("/sales/{sale_id}"), &t.owner).await;
    assert_eq!(sale.data()["total"], 26000);
    assert_eq!(sale.data()["order_id"], oid.as_str());
    assert_eq!(sale.data()["shift_id"], shift.as_str());
    assert_eq!(sale.data()["cashier_id"], t.cashier_id.as_str());
    assert_eq!(sale.data()["offline"], false);
    assert_eq!(sale.data()["payments"][0]["amount"], 26000);
    assert_eq!(sale.data()["payments"][0]["reference"], paid["gateway_ref"]);

    // The shift report and the dashboard show it under its method.
    let report = s.get(&format!("/shifts/{shift}/report"), &t.cashier).await;
    let methods = report.data()["by_payment_method"].as_array().unwrap();
    let online = methods.iter().find(|m| m["type"] == "qris").unwrap_or_else(|| panic!("{methods:?}"));
    assert_eq!((online["name"].as_str(), online["net"].as_i64()), (Some("QRIS (online)"), Some(26000)));
    let today = jiff::Zoned::now().date();
    let window = format!("from={}&to={}", today.yesterday().unwrap(), today.tomorrow().unwrap());
    let d = s.get(&format!("/dashboard/summary?{window}"), &t.owner).await;
    let methods = d.data()["by_payment_method"].as_array().unwrap();
    assert_eq!(methods.iter().find(|m| m["type"] == "qris").unwrap()["net"], 26000);

    // The outlet's staff heard the expiry and the payment.
    let frames = payment_frames(&mut staff_ws, 500).await;
    let statuses: Vec<&str> = frames.iter().map(|f| f["payload"]["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, vec!["EXPIRED", "PAID"]);
    assert_eq!(frames[1]["outlet_id"], t.outlet.as_str());
    assert_eq!(frames[1]["payload"]["sale_id"], sale_id.as_str());

    // Paying again is refused: the order is paid.
    let again = s.send(reqwest::Method::POST, &pay_path, None, Some(json!({"method": "qris"})), &guest).await;
    assert_eq!((again.status, again.code()), (422, "order_paid"));
}

async fn a_customer_pays_an_order_and_earns_its_points(b: Backend) {
    let p = pay_shop(b, |_| {}).await;
    let s = &p.shop.s;
    let t = &p.shop.till;
    s.patch(
        &format!("/tenants/{}", t.tenant_id),
        &t.owner,
        json!({"points_earn_per": 1000, "referral_reward_points": 30}),
    )
    .await;
    let maya = p.shop.customer("maya").await;
    let code = s.get("/customer/referral", &maya).await.data()["referral_code"].as_str().unwrap().to_string();
    // Agus signs up with Maya's code: his first payment completes the referral.
    let signup = s
        .send(
            reqwest::Method::POST,
            "/customer/signup",
            None,
            Some(json!({"tenant": "acme", "username": "agus", "password": crate::customer_accounts::PASSWORD,
                        "email": "agus@example.com", "full_name": "Agus", "mode": "LINK", "referral_code": code})),
            &[],
        )
        .await;
    assert_eq!(signup.status, 201, "{:?}", signup.body);
    let link = p.shop.link_token("agus@example.com", "/api/v1/customer/verify", 0).await;
    assert_eq!(
        s.send(reqwest::Method::GET, &format!("/customer/verify?token={link}"), None, None, &[]).await.status,
        200
    );
    let agus = p.shop.login("agus", crate::customer_accounts::PASSWORD).await.data()["access_token"]
        .as_str()
        .unwrap()
        .to_string();

    let nasi = t.product(s, "NASI", 45000, json!({})).await;
    t.stock(s, &nasi, None, 10.0).await;
    t.open_shift(s, &t.cashier, 0).await;
    let order = s
        .post(
            "/orders",
            &t.cashier,
            json!({"outlet_id": t.outlet, "type": "takeaway", "items": [{"product_id": nasi, "quantity": 2}]}),
        )
        .await;
    assert_eq!(order.status, 201, "{:?}", order.body);
    let oid = id(&order);
    let wrong = p
        .checkout(
            &agus,
            json!({"amount": 1000, "description": "Lunch", "purpose": "order", "order_id": oid, "method": "invoice"}),
        )
        .await;
    assert_eq!((wrong.status, wrong.fields()), (400, vec!["amount".to_string()]), "{:?}", wrong.body);
    let r = p
        .checkout(&agus, json!({"description": "Lunch", "purpose": "order", "order_id": oid, "method": "invoice"}))
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.data()["amount"], 90000);
    let (status, _) = p.fake.pay(r.data()["external_id"].as_str().unwrap(), "PAID").await;
    assert_eq!(status, 200);
    let paid = p.payment(&agus, &id(&r)).await;
    let sale = s.get(&format!("/sales/{}", paid["sale_id"].as_str().unwrap()), &t.owner).await;
    assert_eq!(
        (sale.data()["total"].as_i64(), sale.data()["payments"][0]["type"].as_str()),
        (Some(90000), Some("transfer"))
    );
    assert_eq!(p.balance(&agus).await, (0, 90), "90 points for 90.000");
    assert_eq!(t.level(s, &nasi, None).await, 8.0);
    let stats = s.get("/customer/referral", &maya).await;
    assert_eq!(
        (stats.data()["completed_referrals"].as_i64(), stats.data()["total_earned_points"].as_i64()),
        (Some(1), Some(30))
    );
    assert_eq!(p.balance(&maya).await.1, 30);
}

async fn callbacks_are_verified_and_read_again_from_the_gateway(b: Backend) {
    let p = pay_shop(b, |_| {}).await;
    let s = &p.shop.s;
    let rina = p.shop.customer("rina").await;
    let r = p
        .checkout(&rina, json!({"amount": 25000, "description": "Top up", "purpose": "topup", "method": "ewallet", "ewallet_type": "OVO"}))
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let pid = id(&r);
    let ext = r.data()["external_id"].as_str().unwrap().to_string();
    // A callback claiming success the gateway does not confirm counts for nothing.
    let forged = json!({"event": "ewallet.capture", "data": {"id": r.data()["gateway_ref"], "reference_id": ext,
                        "status": "SUCCEEDED", "charge_amount": 25000}});
    let (status, body) = p.fake.send(&forged, None).await;
    assert_eq!((status, body["data"]["status"].as_str()), (200, Some("PENDING")), "{body}");
    assert_eq!(p.balance(&rina).await.0, 0);
    // Unknown payments, missing tokens and bodies that are not JSON.
    let unknown = json!({"external_id": "kasir-00000000-0000-0000-0000-000000000000", "status": "PAID"});
    assert_eq!(p.fake.send(&unknown, None).await.0, 401);
    let raw = s.raw().post(format!("{}/api/v1/payments/callback/xendit", s.base));
    let no_token = raw.try_clone().unwrap().json(&forged).send().await.unwrap();
    assert_eq!(no_token.status(), 401);
    let garbage = raw.header("x-callback-token", CALLBACK_TOKEN).body("PAID!").send().await.unwrap();
    assert_eq!(garbage.status(), 400);
    let reads = p.fake.reads.load(std::sync::atomic::Ordering::SeqCst);
    // The real thing: re-read, then counted.
    let (status, body) = p.fake.pay(&ext, "SUCCEEDED").await;
    assert_eq!((status, body["data"]["status"].as_str()), (200, Some("PAID")), "{body}");
    assert!(p.fake.reads.load(std::sync::atomic::Ordering::SeqCst) > reads, "the callback read the charge again");
    assert_eq!(p.balance(&rina).await.0, 25000);
    // A failure reported after the payment changes nothing.
    let failed = p.fake.mark(&ext, "FAILED");
    assert_eq!(p.fake.send(&failed, None).await.1["data"]["status"], "PAID");
    let detail = p.payment(&rina, &pid).await;
    assert_eq!(history(&detail), vec![pair("PENDING", "create"), pair("PAID", "callback")]);
}

async fn a_create_whose_answer_was_lost_is_found_not_made_twice(b: Backend) {
    let p = pay_shop(b, |c| c.gateway_timeout = Duration::from_millis(600)).await;
    let rina = p.shop.customer("rina").await;
    // The gateway makes the invoice but its answer comes too late: Kasir looks it up.
    p.fake.stall_next_creates(1);
    let r = p
        .checkout(&rina, json!({"amount": 30000, "description": "Top up", "purpose": "topup", "method": "invoice"}))
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let ext = r.data()["external_id"].as_str().unwrap();
    let made = p.fake.records(ext);
    assert_eq!(made.len(), 1, "one invoice: {made:?}");
    assert_eq!(r.data()["gateway_ref"], made[0].id.as_str());
    // A QR code: asked again under the same idempotency key, the same code.
    p.fake.stall_next_creates(1);
    let q = p
        .checkout(&rina, json!({"amount": 30000, "description": "Top up", "purpose": "topup", "method": "qris"}))
        .await;
    assert_eq!(q.status, 201, "{:?}", q.body);
    assert_eq!(p.fake.records(q.data()["external_id"].as_str().unwrap()).len(), 1);
    // The gateway refuses: the payment is recorded failed and the caller told why.
    let small = p
        .checkout(&rina, json!({"amount": 500, "description": "Top up", "purpose": "topup", "method": "invoice"}))
        .await;
    assert_eq!((small.status, small.code()), (422, "gateway_rejected"), "{:?}", small.body);
    assert!(small.body["message"].as_str().unwrap().contains("API_VALIDATION_ERROR"));
    let failed = p.shop.s.get("/payments?status=FAILED", &rina).await;
    assert_eq!(failed.body["pagination"]["total"], 1);
    // The gateway does not answer at all.
    let s = &p.shop.s;
    let owner = &p.shop.owner;
    let down = json!({"provider": "xendit", "secret_key": SECRET, "callback_token": CALLBACK_TOKEN, "base_url": "http://127.0.0.1:9"});
    assert_eq!(s.post("/payment-gateways", owner, down).await.data()["version"], 2, "replaced");
    let r = p
        .checkout(&rina, json!({"amount": 30000, "description": "Top up", "purpose": "topup", "method": "invoice"}))
        .await;
    assert_eq!((r.status, r.code()), (502, "gateway_unavailable"), "{:?}", r.body);
    // A wrong key.
    let wrong = json!({"provider": "xendit", "secret_key": "xnd_wrong", "callback_token": CALLBACK_TOKEN, "base_url": p.fake.url});
    assert_eq!(s.post("/payment-gateways", owner, wrong).await.status, 200);
    let r = p
        .checkout(&rina, json!({"amount": 30000, "description": "Top up", "purpose": "topup", "method": "invoice"}))
        .await;
    assert_eq!((r.status, r.code()), (422, "gateway_rejected"), "{:?}", r.body);
}

async fn reconciliation_catches_up_and_expires_lapsed_payments(b: Backend) {
    let p = pay_shop(b, |c| c.jobs.poll = Duration::from_millis(20)).await;
    let s = &p.shop.s;
    let rina = p.shop.customer("rina").await;
    let topup = |method: &str| {
        let body = json!({"amount": 20000, "description": "Top up", "purpose": "topup", "method": method});
        p.checkout(&rina, body)
    };
    let (a, b_, c) = (topup("invoice").await, topup("invoice").await, topup("qris").await);
    let ids: Vec<String> = [&a, &b_, &c].iter().map(|r| id(r)).collect();
    // A's callback never came; B and C lapsed.
    p.fake.mark(a.data()["external_id"].as_str().unwrap(), "PAID");
    for lapsed in &ids[1..] {
        let sql = format!("UPDATE gateway_payments SET expires_at = '2026-01-01T00:00:00.000Z' WHERE id = '{lapsed}'");
        kasir_store::raw_execute(&s.state.db, &sql).await.unwrap();
    }
    // The schedule makes the job every two hours; this runs one now.
    let job = kasir_store::platform::jobs::NewJob::new("reconcile_payments", json!({}));
    s.state.jobs.enqueue(&s.state.db, &job).await.unwrap();
    let admin = s.admin().await;
    eventually(30, "the job done", || async {
        let r = s.get("/jobs?kind=reconcile_payments", &admin).await;
        assert_ne!(r.data()[0]["status"], "failed", "{:?}", r.body);
        (r.data()[0]["status"] == "done").then_some(())
    })
    .await;
    let statuses: Vec<String> = {
        let mut v = Vec::new();
        for pid in &ids {
            let d = p.payment(&rina, pid).await;
            assert_eq!(history(&d).last().unwrap().1, "reconcile", "{d}");
            v.push(d["status"].as_str().unwrap().to_string());
        }
        v
    };
    assert_eq!(statuses, vec!["PAID", "EXPIRED", "EXPIRED"]);
    assert_eq!(p.balance(&rina).await.0, 20000);
    assert_eq!(
        p.fake.records(b_.data()["external_id"].as_str().unwrap())[0].status,
        "EXPIRED",
        "expired at the gateway too"
    );
    // The job is on the schedule, every 120 minutes.
    let slot = jiff::Timestamp::now();
    kasir_server::platform::jobs::schedule::enqueue_due(&s.state.jobs, &s.state.db, slot).await.unwrap();
    let jobs = s.get("/jobs?kind=reconcile_payments", &admin).await;
    let scheduled = jobs.data().as_array().unwrap().iter().filter(|j| j["payload"]["slot"].is_string()).count();
    assert_eq!(scheduled, 1, "{:?}", jobs.body);
}

async fn payouts_are_made_once_per_key_and_settled_by_their_callbacks(b: Backend) {
    let p = pay_shop(b, |_| {}).await;
    let s = &p.shop.s;
    let owner = &p.shop.owner;
    let banks = s.get("/banks", owner).await;
    let codes: Vec<&str> = banks.data().as_array().unwrap().iter().map(|b| b["code"].as_str().unwrap()).collect();
    assert_eq!(codes, vec!["BCA", "MANDIRI", "BNI"]);
    let body = json!({"bank_code": "BCA", "account_number": "1234567890", "account_holder_name": "Budi",
                      "amount": 150000, "description": "Supplier"});
    let bare = s.post("/payouts", owner, body.clone()).await;
    assert_eq!((bare.status, bare.fields()), (400, vec!["Idempotency-Key".to_string()]));
    let key = [("idempotency-key", "payout-2026-12-04-1")];
    let first = s.send(reqwest::Method::POST, "/payouts", Some(owner), Some(body.clone()), &key).await;
    assert_eq!(first.status, 201, "{:?}", first.body);
    assert_eq!((first.data()["status"].as_str(), first.data()["amount"].as_i64()), (Some("PENDING"), Some(150000)));
    let again = s.send(reqwest::Method::POST, "/payouts", Some(owner), Some(body.clone()), &key).await;
    assert_eq!(again.data()["id"], first.data()["id"]);
    // After a crash between the payout and the stored answer, the same key finds the same payout.
    kasir_store::raw_execute(&s.state.db, "DELETE FROM idempotency_keys").await.unwrap();
    let after_crash = s.send(reqwest::Method::POST, "/payouts", Some(owner), Some(body.clone()), &key).await;
    assert_eq!((after_crash.status, after_crash.data()["id"].clone()), (201, first.data()["id"].clone()));
    let ext = first.data()["external_id"].as_str().unwrap();
    assert_eq!(p.fake.records(ext).len(), 1, "paid out once");
    let (status, body_) = p.fake.pay(ext, "COMPLETED").await;
    assert_eq!(
        (status, body_["data"]["status"].as_str(), body_["data"]["kind"].as_str()),
        (200, Some("COMPLETED"), Some("payout"))
    );
    let stale = p.fake.mark(ext, "FAILED");
    assert_eq!(p.fake.send(&stale, None).await.1["data"]["status"], "COMPLETED");
    let list = s.get("/payouts?status=COMPLETED", owner).await;
    assert_eq!(list.body["pagination"]["total"], 1);
    // A bank the gateway refuses: recorded failed.
    let mut bad = body.clone();
    bad["bank_code"] = json!("NOPE");
    let refused =
        s.send(reqwest::Method::POST, "/payouts", Some(owner), Some(bad), &[("idempotency-key", "payout-2")]).await;
    assert_eq!((refused.status, refused.code()), (422, "gateway_rejected"));
    let failed = s.get("/payouts?status=FAILED", owner).await;
    assert_eq!(failed.data()[0]["failure_code"], "INVALID_DESTINATION");
    // Cashiers make no payouts.
    let cashier = &p.shop.till.cashier;
    assert_eq!(
        s.send(reqwest::Method::POST, "/payouts", Some(cashier), Some(body), &[("idempotency-key", "x")]).await.status,
        403
    );
    assert_eq!(s.get("/banks", cashier).await.status, 403);
}

async fn checkout_input_and_callers_are_checked(b: Backend) {
    let p = pay_shop(b, |_| {}).await;
    let s = &p.shop.s;
    let rina = p.shop.customer("rina").await;
    let bad = p.checkout(&rina, json!({"description": "", "purpose": "topup", "method": "ewallet"})).await;
    assert_eq!(bad.status, 400);
    let mut fields = bad.fields();
    fields.sort();
    assert_eq!(fields, vec!["amount", "description", "ewallet_type"]);
    let unknown =
        p.checkout(&rina, json!({"amount": 1000, "description": "x", "purpose": "gift", "method": "invoice"})).await;
    assert_eq!(unknown.status, 400);
    let staff = p
        .checkout(&p.shop.owner, json!({"amount": 10000, "description": "x", "purpose": "topup", "method": "invoice"}))
        .await;
    assert_eq!(staff.status, 403, "staff are not customers");
    // Services pay for a customer with an API key only.
    let key = s.post("/api-keys", &p.shop.owner, json!({"name": "app", "permissions": ["customers.manage"]})).await;
    assert_eq!(key.status, 201, "{:?}", key.body);
    use base64::Engine;
    let auth = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            key.data()["key_id"].as_str().unwrap(),
            key.data()["secret"].as_str().unwrap()
        ))
    );
    let body = json!({"username": "rina", "amount": 15000, "description": "Membership", "method": "qris"});
    let by_key = s
        .send(
            reqwest::Method::POST,
            "/sys/payments/checkout",
            None,
            Some(body.clone()),
            &[("authorization", auth.as_str())],
        )
        .await;
    assert_eq!(by_key.status, 201, "{:?}", by_key.body);
    assert_eq!(by_key.data()["purpose"], "charge");
    assert_eq!(s.post("/sys/payments/checkout", &p.shop.owner, body).await.status, 403);
    let (status, _) = p.fake.pay(by_key.data()["external_id"].as_str().unwrap(), "SUCCEEDED").await;
    assert_eq!(status, 200);
    assert_eq!(p.balance(&rina).await.0, 0, "a service's charge credits nothing");
    // Gateway settings: owners only; keys never come back; removing it stops checkouts.
    let list = s.get("/payment-gateways", &p.shop.owner).await;
    let text = list.body.to_string();
    assert!(!text.contains(SECRET) && !text.contains(CALLBACK_TOKEN), "{text}");
    assert_eq!(list.data()[0]["has_secret_key"], true);
    assert_eq!(s.get("/payment-gateways", &p.shop.till.cashier).await.status, 403);
    let gid = list.data()[0]["id"].as_str().unwrap().to_string();
    assert_eq!(s.delete(&format!("/payment-gateways/{gid}"), &p.shop.owner).await.status, 200);
    let none =
        p.checkout(&rina, json!({"amount": 10000, "description": "x", "purpose": "topup", "method": "invoice"})).await;
    assert_eq!((none.status, none.code()), (422, "gateway_not_configured"));
}

async fn gateway_keys_are_sealed_and_never_logged(b: Backend) {
    let log = crate::fault_context::captured_at(tracing::Level::DEBUG);
    let p = pay_shop(b, |_| {}).await;
    let s = &p.shop.s;
    let rina = p.shop.customer("rina").await;
    let r = p
        .checkout(&rina, json!({"amount": 20000, "description": "Top up", "purpose": "topup", "method": "invoice"}))
        .await;
    assert_eq!(r.status, 201);
    assert_eq!(p.fake.pay(r.data()["external_id"].as_str().unwrap(), "PAID").await.0, 200);
    assert_eq!(p.fake.send(&json!({"external_id": r.data()["external_id"]}), Some("wrong-token-x")).await.0, 401);
    // Stored sealed: the table holds neither key.
    let rows = kasir_store::payments::gateways(&s.state.db, &p.shop.till.tenant_id).await.unwrap();
    let row = &rows[0];
    assert!(row.secret_key.starts_with("v1.") && !row.secret_key.contains(SECRET));
    assert!(row.callback_token.starts_with("v1.") && !row.callback_token.contains(CALLBACK_TOKEN));
    // A server without KASIR_SECRET_KEY cannot set a gateway up.
    let plain = crate::common::TestServer::start(b).await;
    let t = plain.tenant("acme").await;
    let refused = plain
        .post(
            "/payment-gateways",
            &t.owner,
            json!({"provider": "xendit", "secret_key": SECRET, "callback_token": CALLBACK_TOKEN}),
        )
        .await;
    assert_eq!((refused.status, refused.code()), (422, "gateway_not_configured"));
    let text = String::from_utf8_lossy(&log.lock().unwrap()).to_string();
    assert!(text.len() > 1000, "the log was captured");
    use base64::Engine;
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{SECRET}:"));
    for secret in [SECRET, CALLBACK_TOKEN, SERVER_KEY, basic.as_str()] {
        assert!(!text.contains(secret), "the log shows a secret");
    }
}
