//! Customer accounts for the shop's app (issue 16): signup with an email link (caught by a local
//! SMTP server) or an SMS code (caught by a local webhook), login states, password reset,
//! deactivation, the profile and addresses; and a customer token reaches nothing of the staff
//! API. `Shop` and its helpers serve `customer_loyalty` too.

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

use crate::{
    common::{eventually, Backend, TestServer},
    messages::{smtp, start_hook, Hook, Smtp},
};

pub const PASSWORD: &str = "kopi-susu-2026";

/// A server that sends email to a local SMTP server and SMS to a local webhook, with a shop.
pub struct Shop {
    pub s: TestServer,
    mail: Smtp,
    sms: Hook,
    pub owner: String,
    pub till: crate::till::Till,
}

pub async fn shop(b: Backend) -> Shop {
    shop_tuned(b, |_| {}).await
}

pub async fn shop_tuned(b: Backend, tune: impl FnOnce(&mut kasir_server::config::Config)) -> Shop {
    let mail = smtp().await;
    let sms = Hook::default();
    let url = start_hook(sms.clone()).await;
    let port = mail.1;
    let s = TestServer::start_with(b, |c| {
        c.jobs.poll = Duration::from_millis(20);
        c.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        c.sms_webhook_url = Some(url.clone());
        c.sms_webhook_secret = Some("sms-secret".into());
        c.public_url = Some("https://kopi.example".into());
        tune(c);
    })
    .await;
    let till = crate::till::Till::new(&s).await;
    Shop { owner: till.owner.clone(), s, mail, sms, till }
}

impl Shop {
    pub async fn public(&self, method: Method, path: &str, body: Value) -> crate::common::Resp {
        self.s.send(method, path, None, Some(body), &[]).await
    }

    /// Every email received so far, as text.
    fn emails(&self) -> Vec<String> {
        let dir = self.mail.2.path().join("mail").join("new");
        let mut out: Vec<(std::time::SystemTime, String)> = std::fs::read_dir(dir)
            .map(|d| {
                d.filter_map(Result::ok)
                    .filter_map(|e| {
                        Some((e.metadata().ok()?.modified().ok()?, std::fs::read_to_string(e.path()).ok()?))
                    })
                    .collect()
            })
            .unwrap_or_default();
        out.sort();
        out.into_iter().map(|(_, m)| m).collect()
    }

    /// The token of the newest link in an email to `to` whose link path contains `path`.
    pub async fn link_token(&self, to: &str, path: &str, nth: usize) -> String {
        eventually(20, "the email", || async {
            let mails: Vec<String> = self.emails().into_iter().filter(|m| m.contains(to)).collect();
            let mail = mails.get(nth)?;
            let unfolded = mail.replace("=\r\n", "").replace("=\n", "").replace("=3D", "=");
            let start = unfolded.find(&format!("https://kopi.example{path}?token="))?;
            let rest = &unfolded[start..];
            let token = rest.split("token=").nth(1)?;
            Some(token.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect())
        })
        .await
    }

    /// The newest SMS code sent to `to`.
    async fn sms_code(&self, to: &str, nth: usize) -> String {
        eventually(20, "the SMS", || async {
            let got = self.sms.got.lock().unwrap().clone();
            let texts: Vec<Value> = got
                .iter()
                .filter_map(|(_, body)| serde_json::from_slice::<Value>(body).ok())
                .filter(|m| m["to"] == to)
                .collect();
            let text = texts.get(nth)?["text"].as_str()?.to_string();
            Some(text[..6].to_string())
        })
        .await
    }

    async fn signup(&self, username: &str, email: &str, phone: Option<&str>, mode: &str) -> crate::common::Resp {
        self.public(
            Method::POST,
            "/customer/signup",
            json!({"tenant": "acme", "username": username, "password": PASSWORD, "email": email,
                   "full_name": format!("{username} Santoso"), "phone_number": phone, "mode": mode}),
        )
        .await
    }

    pub async fn login(&self, username: &str, password: &str) -> crate::common::Resp {
        self.public(
            Method::POST,
            "/customer/login",
            json!({"tenant": "acme", "username": username, "password": password}),
        )
        .await
    }

    /// A verified customer's access token.
    pub async fn customer(&self, username: &str) -> String {
        let email = format!("{username}@example.com");
        let r = self.signup(username, &email, None, "LINK").await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        let token = self.link_token(&email, "/api/v1/customer/verify", 0).await;
        let v = self.s.send(Method::GET, &format!("/customer/verify?token={token}"), None, None, &[]).await;
        assert_eq!(v.status, 200, "{:?}", v.body);
        let l = self.login(username, PASSWORD).await;
        assert_eq!(l.status, 200, "{:?}", l.body);
        l.data()["access_token"].as_str().unwrap().to_string()
    }
}

crate::backend_tests!(
    signup_by_email_link_then_login,
    signup_by_sms_code_with_tries_and_resend_limits,
    a_password_reset_link_works_once_and_ends_other_logins,
    a_closed_account_cannot_log_in_and_its_tokens_stop,
    profile_and_addresses_keep_exactly_one_default,
    a_customer_token_reaches_nothing_of_the_staff_api,
);

async fn signup_by_email_link_then_login(b: Backend) {
    let shop = shop(b).await;
    let r = shop.signup("budi", "Budi@Example.com", Some("+6281234567890"), "LINK").await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.data()["verification"], "email_link");
    let id = r.data()["customer_id"].as_str().unwrap().to_string();
    // The account is the shop's customer too.
    let c = shop.s.get(&format!("/customers/{id}"), &shop.owner).await;
    assert_eq!((c.status, c.data()["email"].clone()), (200, json!("Budi@Example.com")), "{:?}", c.body);

    // Taken username or email: 409 naming the field; nothing new.
    let again = shop.signup("BUDI", "other@example.com", None, "LINK").await;
    assert_eq!((again.status, again.body["errors"][0]["field"].clone()), (409, json!("username")), "{:?}", again.body);
    let again = shop.signup("budi2", "budi@example.com", None, "LINK").await;
    assert_eq!((again.status, again.body["errors"][0]["field"].clone()), (409, json!("email")), "{:?}", again.body);
    let registered = |email: &'static str| {
        let shop = &shop;
        async move {
            let r = shop.public(Method::POST, "/customer/check-email", json!({"tenant": "acme", "email": email})).await;
            r.data()["registered"].clone()
        }
    };
    assert_eq!(registered("BUDI@example.com").await, json!(true));
    assert_eq!(registered("nobody@example.com").await, json!(false));

    // Not verified yet: the right password gets 403, a wrong one 401.
    let early = shop.login("budi", PASSWORD).await;
    assert_eq!((early.status, early.code()), (403, "account_not_verified"));
    assert_eq!(shop.login("budi", "wrong-password").await.status, 401);

    let token = shop.link_token("Budi@Example.com", "/api/v1/customer/verify", 0).await;
    let v = shop.s.send(Method::GET, &format!("/customer/verify?token={token}"), None, None, &[]).await;
    assert_eq!((v.status, v.data()["verified"].clone()), (200, json!(true)), "{:?}", v.body);
    let twice = shop.s.send(Method::GET, &format!("/customer/verify?token={token}"), None, None, &[]).await;
    assert_eq!((twice.status, twice.code()), (422, "code_invalid"));

    // By username or by email.
    let l = shop.login("budi", PASSWORD).await;
    assert_eq!(l.status, 200, "{:?}", l.body);
    assert_eq!(l.data()["customer"]["id"], json!(id));
    assert_eq!(l.data()["customer"]["points"], 0);
    let by_email = shop
        .public(
            Method::POST,
            "/customer/login",
            json!({"tenant": "acme", "email": "budi@EXAMPLE.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!(by_email.status, 200, "{:?}", by_email.body);
    let access = l.data()["access_token"].as_str().unwrap();
    let me = shop.s.get("/customer/profile", access).await;
    assert_eq!((me.status, me.data()["username"].clone()), (200, json!("budi")));
    assert_eq!(me.data()["referral_code"].as_str().unwrap().len(), 8);

    // The shared /auth routes take a customer's tokens.
    let refresh = l.data()["refresh_token"].as_str().unwrap();
    let pair = shop.public(Method::POST, "/auth/refresh", json!({"refresh_token": refresh})).await;
    assert_eq!(pair.status, 200, "{:?}", pair.body);
    assert_eq!(pair.data()["customer"]["id"], json!(id));
    let reused = shop.public(Method::POST, "/auth/refresh", json!({"refresh_token": refresh})).await;
    assert_eq!(reused.status, 401);
    // Reuse ended that login: its newest access token stops too.
    let newest = pair.data()["access_token"].as_str().unwrap();
    assert_eq!(shop.s.get("/customer/profile", newest).await.status, 401);
    let verify = shop.s.get("/auth/verify", by_email.data()["access_token"].as_str().unwrap()).await;
    assert_eq!((verify.status, verify.data()["customer"]["id"].clone()), (200, json!(id)), "{:?}", verify.body);
}

async fn signup_by_sms_code_with_tries_and_resend_limits(b: Backend) {
    let shop = shop(b).await;
    let phone = "+6281299990000";
    let no_phone = shop.signup("sari", "sari@example.com", None, "OTP").await;
    assert_eq!((no_phone.status, no_phone.body["errors"][0]["field"].clone()), (400, json!("phone_number")));
    let r = shop.signup("sari", "sari@example.com", Some(phone), "OTP").await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.data()["verification"], "sms_otp");
    let handle = r.data()["verification_token"].as_str().unwrap().to_string();
    let code = shop.sms_code(phone, 0).await;
    assert!(code.chars().all(|c| c.is_ascii_digit()) && code.len() == 6, "{code}");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let verify = |otp: &str| {
        let (shop, handle, otp) = (&shop, handle.clone(), otp.to_string());
        async move { shop.public(Method::POST, "/customer/verify", json!({"verification_token": handle, "otp": otp})).await }
    };
    for _ in 0..5 {
        let r = verify(wrong).await;
        assert_eq!((r.status, r.code()), (422, "code_invalid"), "{:?}", r.body);
    }
    // Five wrong tries: even the right code is refused now.
    assert_eq!(verify(&code).await.status, 429);
    // A new code at once is refused; a minute later it is sent.
    let resend = || shop.public(Method::POST, "/customer/verify/resend", json!({"verification_token": handle}));
    let early = resend().await;
    assert_eq!(early.status, 429, "{:?}", early.body);
    assert!(early.header("retry-after").is_some());
    let stored_codes = "UPDATE customer_codes SET created_at = '2020-01-01T00:00:00.000Z'";
    kasir_store::raw_execute(&shop.s.state.db, stored_codes).await.unwrap();
    let again = resend().await;
    assert_eq!(again.status, 200, "{:?}", again.body);
    let handle = again.data()["verification_token"].as_str().unwrap().to_string();
    let code = shop.sms_code(phone, 1).await;
    // Codes are stored hashed, never as sent.
    let touch = |cond: String| {
        let db = &shop.s.state.db;
        async move {
            kasir_store::raw_execute(db, &format!("UPDATE customer_codes SET attempts = attempts WHERE {cond}"))
                .await
                .unwrap()
        }
    };
    assert_eq!(touch(format!("secret_hash = '{code}' OR secret_hash LIKE '%{code}%'")).await, 0);
    assert_eq!(touch("LENGTH(secret_hash) = 64".into()).await, 2);
    let ok = shop.public(Method::POST, "/customer/verify", json!({"verification_token": handle, "otp": code})).await;
    assert_eq!((ok.status, ok.data()["verified"].clone()), (200, json!(true)), "{:?}", ok.body);
    assert_eq!(shop.login("sari", PASSWORD).await.status, 200);

    // A code past its ten minutes is refused, right as it is.
    let phone = "+6281299990001";
    let r = shop.signup("tari", "tari@example.com", Some(phone), "OTP").await;
    let handle = r.data()["verification_token"].as_str().unwrap().to_string();
    let code = shop.sms_code(phone, 0).await;
    let lapse = "UPDATE customer_codes SET expires_at = '2020-01-01T00:00:00.000Z' WHERE used_at IS NULL";
    assert_eq!(kasir_store::raw_execute(&shop.s.state.db, lapse).await.unwrap(), 1);
    let late = shop.public(Method::POST, "/customer/verify", json!({"verification_token": handle, "otp": code})).await;
    assert_eq!((late.status, late.code()), (422, "code_invalid"), "{:?}", late.body);
    assert_eq!(shop.login("tari", PASSWORD).await.code(), "account_not_verified");
}

async fn a_password_reset_link_works_once_and_ends_other_logins(b: Backend) {
    let shop = shop(b).await;
    let access = shop.customer("joko").await;
    // Unknown emails get the same answer, and no email.
    let unknown = shop
        .public(
            Method::POST,
            "/customer/password-reset/request",
            json!({"tenant": "acme", "email": "ghost@example.com"}),
        )
        .await;
    assert_eq!(unknown.status, 202);
    let asked = shop
        .public(
            Method::POST,
            "/customer/password-reset/request",
            json!({"tenant": "acme", "email": "joko@example.com"}),
        )
        .await;
    assert_eq!((asked.status, asked.body["data"].clone()), (unknown.status, unknown.body["data"].clone()));
    let token = shop.link_token("joko@example.com", "/api/v1/customer/password-reset", 1).await;
    assert!(shop.emails().iter().all(|m| !m.contains("ghost@example.com")));
    let new_password = "teh-manis-2027";
    let reset = |t: String| {
        let shop = &shop;
        async move {
            shop.public(Method::POST, "/customer/password-reset", json!({"token": t, "new_password": new_password}))
                .await
        }
    };
    let done = reset(token.clone()).await;
    assert_eq!(done.status, 200, "{:?}", done.body);
    assert_eq!(done.data()["logins_ended"], 1);
    assert_eq!(shop.s.get("/customer/profile", &access).await.status, 401);
    assert_eq!(reset(token).await.code(), "code_invalid");
    assert_eq!(shop.login("joko", PASSWORD).await.status, 401);
    assert_eq!(shop.login("joko", new_password).await.status, 200);
}

async fn a_closed_account_cannot_log_in_and_its_tokens_stop(b: Backend) {
    let shop = shop(b).await;
    let access = shop.customer("rina").await;
    let bad = shop.s.post("/customer/deactivate", &access, json!({"reason": ""})).await;
    assert_eq!(bad.status, 400);
    let closed = shop.s.post("/customer/deactivate", &access, json!({"reason": "moving away"})).await;
    assert_eq!(closed.status, 200, "{:?}", closed.body);
    assert_eq!(shop.s.get("/customer/profile", &access).await.status, 401);
    let l = shop.login("rina", PASSWORD).await;
    assert_eq!((l.status, l.code()), (403, "account_disabled"));
}

async fn profile_and_addresses_keep_exactly_one_default(b: Backend) {
    let shop = shop(b).await;
    let access = shop.customer("dewi").await;
    let p = shop
        .s
        .patch("/customer/profile", &access, json!({"full_name": "Dewi Lestari", "phone_number": "+628111"}))
        .await;
    assert_eq!((p.status, p.data()["full_name"].clone()), (200, json!("Dewi Lestari")), "{:?}", p.body);
    let id = p.data()["id"].as_str().unwrap().to_string();
    // The counter sees the new name.
    let record = shop.s.get(&format!("/customers/{id}"), &shop.owner).await;
    assert_eq!(
        (record.data()["name"].clone(), record.data()["phone"].clone()),
        (json!("Dewi Lestari"), json!("+628111"))
    );
    let bad = shop.s.patch("/customer/profile", &access, json!({"email": "not-an-email"})).await;
    assert_eq!((bad.status, bad.body["errors"][0]["field"].clone()), (400, json!("email")));
    // A picture, through the file store; an HTML page named .png is refused.
    let up =
        crate::common::upload(&shop.s, &access, "/customer/profile/image", "me.png", crate::files::png(32, 32), &[])
            .await;
    assert_eq!(up.status, 200, "{:?}", up.body);
    let url = up.data()["profile_image_url"].as_str().unwrap().to_string();
    let image = shop.s.raw().get(format!("{}{url}", shop.s.base)).bearer_auth(&access).send().await.unwrap();
    assert_eq!(image.headers()["content-type"], "image/png");
    let html = b"<html><body>hi</body></html>".to_vec();
    let refused = crate::common::upload(&shop.s, &access, "/customer/profile/image", "me.png", html, &[]).await;
    assert_eq!(refused.status, 415);

    let add = |label: &'static str, default: bool| {
        let (shop, access) = (&shop, access.clone());
        async move {
            let r = shop
                .s
                .post(
                    "/customer/addresses",
                    &access,
                    json!({"label": label, "recipient_name": "Dewi", "phone_number": "+62811", "address": format!("Jl. {label} 1"),
                           "latitude": -6.2, "longitude": 106.816666, "is_default": default}),
                )
                .await;
            assert_eq!(r.status, 201, "{:?}", r.body);
            r.data().clone()
        }
    };
    let home = add("Home", false).await;
    assert_eq!(home["is_default"], true, "the first address is the default");
    assert_eq!(home["longitude"], json!(106.816666));
    let mut ids = vec![home["id"].as_str().unwrap().to_string()];
    for label in ["Office", "Mother", "Gym", "Kos"] {
        ids.push(add(label, false).await["id"].as_str().unwrap().to_string());
    }
    let defaults = || {
        let (shop, access) = (&shop, access.clone());
        async move {
            let list = shop.s.get("/customer/addresses", &access).await;
            list.data()
                .as_array()
                .unwrap()
                .iter()
                .filter(|a| a["is_default"] == true)
                .map(|a| a["id"].clone())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(defaults().await, vec![json!(ids[0])]);
    // Twenty "set default" calls at once, over the five addresses: exactly one default after.
    let calls = (0..20).map(|i| {
        let (s, access, id) = (&shop.s, access.clone(), ids[i % 5].clone());
        async move { s.post(&format!("/customer/addresses/{id}/default"), &access, json!({})).await.status }
    });
    let statuses = futures::future::join_all(calls).await;
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    let after = defaults().await;
    assert_eq!(after.len(), 1, "{after:?}");
    // Deleting the default makes another one the default.
    let current = after[0].as_str().unwrap().to_string();
    let del = shop.s.send(Method::DELETE, &format!("/customer/addresses/{current}"), Some(&access), None, &[]).await;
    assert_eq!(del.status, 200, "{:?}", del.body);
    let after = defaults().await;
    assert_eq!(after.len(), 1);
    assert_ne!(after[0], json!(current));
    // Another customer cannot see or touch them.
    let other = shop.customer("eko").await;
    assert_eq!(shop.s.get(&format!("/customer/addresses/{}", ids[1]), &other).await.status, 404);
    assert_eq!(shop.s.get("/customer/addresses", &other).await.data().as_array().unwrap().len(), 0);
}

async fn a_customer_token_reaches_nothing_of_the_staff_api(b: Backend) {
    let shop = shop(b).await;
    let access = shop.customer("tono").await;
    let doc: Value = reqwest::get(format!("{}/api/v1/openapi.json", shop.s.base)).await.unwrap().json().await.unwrap();
    // What a customer may use: its own routes, its own gateway payments and the shared /auth ones.
    // (`/ws` and its limited forms take the token in the query and answer only an upgrade; `/files/{id}` serves a
    // customer the files they uploaded, 404 for any other.)
    let shared = [
        "/auth/refresh",
        "/auth/logout",
        "/auth/verify",
        "/auth/password",
        "/ws",
        "/ws/tickets",
        "/ws/branding-approval",
        "/files/{id}",
        "/files/{id}/thumbnail",
        "/payments/checkout",
        "/payments",
        "/payments/{id}",
        "/payments/{id}/cancel",
    ];
    let mut walked = 0;
    for (full, ops) in doc["paths"].as_object().unwrap() {
        let path = full.strip_prefix("/api/v1").unwrap_or(full);
        if path.starts_with("/customer/") || shared.contains(&path) || !full.starts_with("/api/v1") {
            continue;
        }
        for (method, op) in ops.as_object().unwrap() {
            if op["security"].as_array().is_none_or(|s| s.is_empty()) {
                continue; // needs no credentials at all
            }
            let concrete = path.replace("{id}", "00000000-0000-7000-8000-000000000000").replace(['{', '}'], "");
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let r = shop.s.send(method.clone(), &concrete, Some(&access), Some(json!({})), &[]).await;
            assert!(matches!(r.status, 401 | 403), "{method} {path} answered a customer {}: {:?}", r.status, r.body);
            walked += 1;
        }
    }
    assert!(walked > 150, "walked {walked} staff operations");
    // And a staff token is not a customer's.
    let staff = shop.s.get("/customer/profile", &shop.owner).await;
    assert_eq!(staff.status, 403, "{:?}", staff.body);
}
