//! What a customer account holds beside its login (issue 16): points earned and taken back at the
//! till, the wallet and its store-credit payments, referrals, per-customer vouchers, offers, FAQ
//! and push through a local FCM; and the demo shop's app customers.

use reqwest::Method;
use serde_json::{json, Value};

use crate::{
    common::{eventually, Backend, TestServer},
    customer_accounts::{shop, shop_tuned, PASSWORD},
};

crate::backend_tests!(
    points_wallet_and_referrals_follow_the_till,
    vouchers_offers_faqs_and_push,
    the_demo_shop_has_app_customers_with_points_and_wallets,
);

async fn points_wallet_and_referrals_follow_the_till(b: Backend) {
    let shop = shop(b).await;
    let (s, t) = (&shop.s, &shop.till);
    let set = s
        .patch(
            &format!("/tenants/{}", t.tenant_id),
            &t.owner,
            json!({"points_earn_per": 10000, "points_redeem_rate": 100, "referral_reward_points": 50}),
        )
        .await;
    assert_eq!(set.status, 200, "{:?}", set.body);
    let ani = shop.customer("ani").await;
    let code = s.get("/customer/profile", &ani).await.data()["referral_code"].as_str().unwrap().to_string();
    let r = shop
        .public(
            Method::POST,
            "/customer/signup",
            json!({"tenant": "acme", "username": "budi", "password": PASSWORD, "email": "budi@example.com",
                   "full_name": "Budi", "mode": "LINK", "referral_code": code.to_lowercase()}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let budi_id = r.data()["customer_id"].as_str().unwrap().to_string();
    let token = shop.link_token("budi@example.com", "/api/v1/customer/verify", 0).await;
    assert_eq!(s.send(Method::GET, &format!("/customer/verify?token={token}"), None, None, &[]).await.status, 200);
    let budi = shop.login("budi", PASSWORD).await.data()["access_token"].as_str().unwrap().to_string();
    let stats = s.get("/customer/referral", &ani).await;
    assert_eq!(stats.data()["pending_referrals"], 1, "{:?}", stats.body);

    let plate = t.product(s, "NASI", 50000, json!({"track_stock": false})).await;
    let tea = t.product(s, "TEH", 25000, json!({"track_stock": false})).await;
    t.open_shift(s, &t.cashier, 0).await;
    let sell = |items: Value, payments: Value| {
        let body = json!({"outlet_id": t.outlet, "customer_id": budi_id, "items": items, "payments": payments});
        async move { s.post("/sales", &t.cashier, body).await }
    };
    let cash = |amount: i64| json!([{"payment_method_id": t.cash, "amount": amount}]);
    let points = |token: &str| {
        let token = token.to_string();
        async move { s.get("/customer/balance", &token).await.data()["points"].as_i64().unwrap() }
    };
    // 125.000 earns 12 points, and completes the referral: Ani gets 50, once.
    let first =
        sell(json!([{"product_id": plate, "quantity": 2}, {"product_id": tea, "quantity": 1}]), cash(125000)).await;
    assert_eq!(first.status, 201, "{:?}", first.body);
    assert_eq!(points(&budi).await, 12);
    assert_eq!(points(&ani).await, 50);
    let second = sell(json!([{"product_id": tea, "quantity": 1}]), cash(30000)).await;
    assert_eq!(second.status, 201, "{:?}", second.body);
    assert_eq!((points(&budi).await, points(&ani).await), (14, 50));
    let stats = s.get("/customer/referral", &ani).await;
    assert_eq!(
        stats.data().clone(),
        json!({"referral_code": code, "total_referrals": 1, "completed_referrals": 1, "pending_referrals": 0, "total_earned_points": 50})
    );
    // Refunding one plate (50.000 of 125.000) takes back 4 of its 12 points; voiding the second
    // sale takes back its 2.
    let plate_item = first.data()["items"][0]["id"].as_str().unwrap();
    let refund = s
        .post(
            &format!("/sales/{}/refunds", first.data()["id"].as_str().unwrap()),
            &t.owner,
            json!({"items": [{"sale_item_id": plate_item, "quantity": 1}], "reason": "cold"}),
        )
        .await;
    assert_eq!(refund.status, 201, "{:?}", refund.body);
    assert_eq!(points(&budi).await, 10);
    let void = s
        .post(&format!("/sales/{}/void", second.data()["id"].as_str().unwrap()), &t.owner, json!({"reason": "wrong"}))
        .await;
    assert_eq!(void.status, 200, "{:?}", void.body);
    assert_eq!(points(&budi).await, 8);

    // Points into the wallet, never more than held.
    let too_many = s.post("/customer/points/redeem", &budi, json!({"points": 9})).await;
    assert_eq!((too_many.status, too_many.code()), (422, "insufficient_points"));
    let redeemed = s.post("/customer/points/redeem", &budi, json!({"points": 5})).await;
    assert_eq!(redeemed.data().clone(), json!({"points": 5, "credited": 500, "balance": 500}), "{:?}", redeemed.body);

    // Store credit at the till spends the wallet in the sale's transaction.
    let credit = s.post("/payment-methods", &t.owner, json!({"name": "Saldo", "type": "store_credit"})).await;
    let credit = credit.data()["id"].as_str().unwrap().to_string();
    let short = sell(
        json!([{"product_id": tea, "quantity": 1}]),
        json!([{"payment_method_id": credit, "amount": 600}, {"payment_method_id": t.cash, "amount": 24400}]),
    )
    .await;
    assert_eq!((short.status, short.code()), (422, "insufficient_balance"), "{:?}", short.body);
    let paid = sell(
        json!([{"product_id": tea, "quantity": 1}]),
        json!([{"payment_method_id": credit, "amount": 500}, {"payment_method_id": t.cash, "amount": 24500}]),
    )
    .await;
    assert_eq!(paid.status, 201, "{:?}", paid.body);
    let after = s.get("/customer/balance", &budi).await;
    assert_eq!(after.data().clone(), json!({"balance": 0, "points": 5}), "(24.500 paid in money earns 2)");
    let sales = s.get(&format!("/sales?customer_id={budi_id}"), &t.owner).await;
    assert_eq!(sales.data().as_array().unwrap().len(), 3, "the refused sale left nothing");

    // A spend sent twice with its key spends once; then ten spends of 100 at once from the 400
    // left: exactly four go through.
    let redeemed = s.post("/customer/points/redeem", &budi, json!({"points": 5})).await;
    assert_eq!(redeemed.data()["balance"], 500);
    let spend = |amount: i64| json!({"amount": amount, "description": "coffee"});
    let once =
        crate::money_routes::twice(s, &budi, "/customer/balance/decrease", "once-1", spend(100), spend(200)).await;
    assert_eq!(once.data().clone(), json!({"balance": 400, "points": 0}));
    let spends = (0..10).map(|i| {
        let (s, budi) = (s, budi.clone());
        async move {
            let key = format!("spend-{i}");
            let headers = [("Idempotency-Key", key.as_str())];
            s.send(Method::POST, "/customer/balance/decrease", Some(&budi), Some(spend(100)), &headers).await.status
        }
    });
    let mut statuses = futures::future::join_all(spends).await;
    statuses.sort();
    assert_eq!(statuses, [200, 200, 200, 200, 422, 422, 422, 422, 422, 422]);
    assert_eq!(s.get("/customer/balance", &budi).await.data()["balance"], 0);

    let history = s.get("/customer/points?per_page=50", &budi).await;
    let moves: Vec<(String, i64)> = history
        .data()
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .map(|e| (e["type"].as_str().unwrap().to_string(), e["amount"].as_i64().unwrap()))
        .collect();
    let want: Vec<(String, i64)> =
        [("CREDIT", 12), ("CREDIT", 2), ("DEBIT", 4), ("DEBIT", 2), ("DEBIT", 5), ("CREDIT", 2), ("DEBIT", 5)]
            .into_iter()
            .map(|(k, a)| (k.to_string(), a))
            .collect();
    assert_eq!(moves, want);
    assert_eq!(history.body["pagination"]["total"], 7);
    let wallet = s.get("/customer/balance/history", &budi).await;
    assert_eq!(wallet.body["pagination"]["total"], 8, "{:?}", wallet.body);
}

async fn vouchers_offers_faqs_and_push(b: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let (private, public) = crate::messages::rsa_pair(dir.path());
    let fb = crate::messages::Firebase::default();
    *fb.public_pem.lock().unwrap() = public;
    let fcm = crate::messages::start_firebase(fb.clone()).await;
    let credentials = dir.path().join("service-account.json");
    let sa = json!({"type": "service_account", "project_id": "kasir-test", "private_key": private,
        "client_email": "kasir@kasir-test.iam.gserviceaccount.com", "token_uri": format!("{fcm}/token")});
    std::fs::write(&credentials, sa.to_string()).unwrap();
    let shop = shop_tuned(b, |c| {
        c.fcm_credentials = Some(credentials.clone());
        c.fcm_url = fcm.clone();
    })
    .await;
    let (s, t) = (&shop.s, &shop.till);
    let ani = shop.customer("ani").await;
    let budi = shop.customer("budi").await;
    let ani_id = s.get("/customer/profile", &ani).await.data()["id"].as_str().unwrap().to_string();
    let budi_id = s.get("/customer/profile", &budi).await.data()["id"].as_str().unwrap().to_string();

    // A voucher each customer may use twice.
    let v = s
        .post(
            "/vouchers",
            &t.owner,
            json!({"code": "HEMAT", "discount_type": "amount", "discount_value": 5000, "usage_limit": 10, "per_customer_limit": 2}),
        )
        .await;
    assert_eq!((v.status, v.data()["per_customer_limit"].clone()), (201, json!(2)), "{:?}", v.body);
    let check = |token: &str| {
        let token = token.to_string();
        async move { s.get("/customer/vouchers/check?code=hemat", &token).await.data().clone() }
    };
    assert_eq!(check(&ani).await["redeemed"], false);
    for left in [1, 0] {
        let r = s.post("/customer/vouchers/redeem", &ani, json!({"code": "Hemat"})).await;
        assert_eq!((r.status, r.data()["remaining"].clone()), (200, json!(left)), "{:?}", r.body);
    }
    let third = s.post("/customer/vouchers/redeem", &ani, json!({"code": "HEMAT"})).await;
    assert_eq!((third.status, third.code()), (422, "voucher_used_up"));
    assert_eq!(
        (check(&ani).await["redeemed"].clone(), check(&ani).await["redemptions"].clone()),
        (json!(true), json!(2))
    );
    let unknown = s.post("/customer/vouchers/redeem", &ani, json!({"code": "NOPE"})).await;
    assert_eq!(unknown.status, 404);

    // The service form needs an API key with promotions.manage.
    let key = s.post("/api-keys", &t.owner, json!({"name": "crm", "permissions": ["promotions.manage"]})).await;
    assert_eq!(key.status, 201, "{:?}", key.body);
    let basic = {
        use base64::Engine;
        let pair = format!("{}:{}", key.data()["key_id"].as_str().unwrap(), key.data()["secret"].as_str().unwrap());
        format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(pair))
    };
    let service = s
        .send(
            Method::POST,
            "/sys/vouchers/redeem",
            None,
            Some(json!({"username": "BUDI", "code": "HEMAT"})),
            &[("authorization", basic.as_str())],
        )
        .await;
    assert_eq!((service.status, service.data()["redemptions"].clone()), (200, json!(1)), "{:?}", service.body);
    let as_staff = s.post("/sys/vouchers/redeem", &t.owner, json!({"username": "budi", "code": "HEMAT"})).await;
    assert_eq!(as_staff.status, 403);
    assert_eq!(s.post("/sys/vouchers/redeem", &budi, json!({"username": "budi", "code": "HEMAT"})).await.status, 401);

    // At the till the limit holds too: Ani has used hers, Budi has one use left.
    let cake = t.product(s, "CAKE", 20000, json!({"track_stock": false})).await;
    t.open_shift(s, &t.cashier, 0).await;
    let sale = |customer: &str| {
        let body = json!({"outlet_id": t.outlet, "customer_id": customer, "voucher_code": "hemat",
                          "items": [{"product_id": cake, "quantity": 1}], "payments": [{"payment_method_id": t.cash, "amount": 15000}]});
        async move { s.post("/sales", &t.cashier, body).await }
    };
    let refused = sale(&ani_id).await;
    assert_eq!((refused.status, refused.code()), (422, "voucher_used_up"), "{:?}", refused.body);
    let sold = sale(&budi_id).await;
    assert_eq!((sold.status, sold.data()["total"].clone()), (201, json!(15000)), "{:?}", sold.body);
    assert_eq!(sale(&budi_id).await.code(), "voucher_used_up");
    assert_eq!(
        s.get("/vouchers", &t.owner).await.data()[0]["usage_count"],
        4,
        "two by Ani, one by the service, one at the till"
    );

    // Offers: general, Ani's, lapsed and inactive ones.
    for body in [
        json!({"title": "Kopi 2 for 1", "description": "Weekdays", "valid_until": "2099-01-01T00:00:00Z"}),
        json!({"title": "Happy birthday Ani", "customer_id": ani_id}),
        json!({"title": "Last year's", "valid_until": "2020-01-01T00:00:00Z"}),
        json!({"title": "Draft", "is_active": false}),
    ] {
        let r = s.post("/marketing-offers", &t.owner, body).await;
        assert_eq!(r.status, 201, "{:?}", r.body);
    }
    let bad = s
        .post(
            "/marketing-offers",
            &t.owner,
            json!({"title": "x", "customer_id": "00000000-0000-7000-8000-000000000000"}),
        )
        .await;
    assert_eq!(bad.status, 404);
    let titles = |token: &str| {
        let token = token.to_string();
        async move {
            let r = s.get("/customer/offers", &token).await;
            let mut t: Vec<String> =
                r.data().as_array().unwrap().iter().map(|o| o["title"].as_str().unwrap().to_string()).collect();
            t.sort();
            t
        }
    };
    assert_eq!(titles(&ani).await, ["Happy birthday Ani", "Kopi 2 for 1"]);
    assert_eq!(titles(&budi).await, ["Kopi 2 for 1"]);
    for (q, position) in [("How do I earn points?", 2), ("Where are you?", 1)] {
        let r = s.post("/faqs", &t.owner, json!({"question": q, "answer": "Ask us.", "position": position})).await;
        assert_eq!(r.status, 201, "{:?}", r.body);
    }
    let faqs = s.get("/customer/faqs", &budi).await;
    assert_eq!(faqs.data()[0]["question"], "Where are you?");
    assert_eq!(faqs.data().as_array().unwrap().len(), 2);

    // Push: tokens registered, a send to everyone goes out through FCM, the dead token is dropped.
    for (token, who) in [("ani-phone", &ani), ("budi-phone", &budi), ("dead-token", &budi)] {
        let r = s.post("/customer/push-tokens", who, json!({"token": token, "device_type": "android"})).await;
        assert_eq!(r.status, 201, "{:?}", r.body);
    }
    let sent = s
        .post(
            "/push/send",
            &t.owner,
            json!({"all": true, "title": "Promo", "body": "Kopi 2 for 1 today", "data": {"offer": "kopi"}}),
        )
        .await;
    assert_eq!(sent.data().clone(), json!({"queued": 3, "customers": 2}), "{:?}", sent.body);
    let delivered = eventually(20, "two pushes at FCM", || async {
        let got = fb.sent.lock().unwrap().clone();
        (got.len() == 2).then_some(got)
    })
    .await;
    let mut tokens: Vec<&str> = delivered.iter().map(|m| m["message"]["token"].as_str().unwrap()).collect();
    tokens.sort();
    assert_eq!(tokens, ["ani-phone", "budi-phone"]);
    assert_eq!(delivered[0]["message"]["notification"], json!({"title": "Promo", "body": "Kopi 2 for 1 today"}));
    assert_eq!(delivered[0]["message"]["data"], json!({"offer": "kopi"}));
    eventually(20, "the dead token dropped", || async {
        (kasir_store::platform::messages::push_token_is_dead(&s.state.db, "dead-token").await.unwrap() == Some(true))
            .then_some(())
    })
    .await;
    let again = s.post("/push/send", &t.owner, json!({"customer_ids": [budi_id], "title": "Hi", "body": "Budi"})).await;
    assert_eq!(again.data().clone(), json!({"queued": 1, "customers": 1}));
    let none = s.post("/push/send", &t.owner, json!({"title": "Hi", "body": "nobody"})).await;
    assert_eq!(none.status, 400);
    assert_eq!(s.post("/push/send", &ani, json!({"all": true, "title": "Hi", "body": "x"})).await.status, 401);
    let path = "/customer/push-tokens/ani-phone";
    assert_eq!(s.send(Method::DELETE, path, Some(&ani), None, &[]).await.status, 200);
    assert_eq!(s.send(Method::DELETE, path, Some(&ani), None, &[]).await.status, 404);
}

async fn the_demo_shop_has_app_customers_with_points_and_wallets(b: Backend) {
    let s = TestServer::start(b).await;
    kasir_server::demo::seed(&s.state).await.expect("the demo");
    let mut seen = Vec::new();
    for name in ["rina", "agus", "maya"] {
        let login = s
            .send(
                Method::POST,
                "/customer/login",
                None,
                Some(json!({"tenant": "demo", "username": name, "password": kasir_server::demo::DEMO_PASSWORD})),
                &[],
            )
            .await;
        assert_eq!(login.status, 200, "{name}: {:?}", login.body);
        let token = login.data()["access_token"].as_str().unwrap().to_string();
        let balance = s.get("/customer/balance", &token).await.data().clone();
        seen.push((name, balance["points"].as_i64().unwrap(), balance["balance"].as_i64().unwrap()));
        if name == "rina" {
            let r = s.get("/customer/referral", &token).await;
            assert_eq!(
                (r.data()["total_referrals"].clone(), r.data()["pending_referrals"].clone()),
                (json!(2), json!(2))
            );
        }
    }
    assert_eq!(seen, [("rina", 120, 25000), ("agus", 45, 0), ("maya", 300, 50000)]);
}
