use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use reqwest::Method;
use serde_json::json;

use crate::common::{eventually, Backend, TestServer, JWT_SECRET, PASSWORD};

crate::backend_tests!(
    login_returns_a_token_pair_and_the_user,
    wrong_password_and_unknown_user_get_the_same_401,
    usernames_are_unique_and_case_insensitive,
    refresh_rotates_and_the_old_token_stops_working,
    reusing_a_rotated_refresh_token_revokes_the_whole_login,
    logout_revokes_the_login,
    password_change_revokes_other_logins_and_their_access_tokens,
    tampered_none_and_expired_tokens_get_401,
    repeated_failures_lock_the_account_with_a_growing_delay,
    repeated_failures_from_one_address_lock_it_for_accounts_new_to_it,
    failures_from_one_address_never_stop_the_right_password_from_another,
    api_keys_authenticate_with_basic_and_carry_only_their_permissions,
    deactivating_a_user_ends_their_logins,
    x_access_token_header_is_accepted,
);

async fn login_returns_a_token_pair_and_the_user(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    let outlet = s.outlet(&t.owner, "K01").await;
    s.user(&t.owner, "kasir1", "cashier", &[&outlet]).await;
    let r = s.login("kasir1", PASSWORD).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let d = r.data();
    assert_eq!(d["token_type"], "Bearer");
    assert_eq!(d["expires_in"], 900);
    assert!(d["refresh_token"].as_str().unwrap().len() >= 32);
    let user = &d["user"];
    assert_eq!(user["username"], "kasir1");
    assert_eq!(user["role"], "cashier");
    assert_eq!(user["tenant_id"], t.id.as_str());
    assert_eq!(user["outlet_ids"], json!([outlet]));
    let perms: Vec<&str> = user["permissions"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
    assert!(perms.contains(&"sales.create"));
    assert!(!perms.contains(&"users.manage"));
    let token = d["access_token"].as_str().unwrap();
    let me = s.get("/auth/me", token).await;
    assert_eq!(me.status, 200);
    assert_eq!(me.data()["username"], "kasir1");
    let v = s.get("/auth/verify", token).await;
    assert_eq!(v.data()["valid"], true);
    let none = s.send(Method::GET, "/auth/verify", None, None, &[]).await;
    assert_eq!(none.status, 401);
    assert_eq!(none.code(), "unauthorized");
}

async fn wrong_password_and_unknown_user_get_the_same_401(b: Backend) {
    let s = TestServer::start(b).await;
    let wrong = s.login("admin", "not-the-password").await;
    let unknown = s.login("nobody-here", "not-the-password").await;
    assert_eq!(wrong.status, 401);
    assert_eq!(unknown.status, 401);
    assert_eq!(wrong.body["message"], unknown.body["message"]);
    assert_eq!(wrong.code(), "unauthorized");
}

async fn usernames_are_unique_and_case_insensitive(b: Backend) {
    let s = TestServer::start(b).await;
    let a = s.tenant("alpha").await;
    let other = s.tenant("beta").await;
    s.user(&a.owner, "Kasir_One", "super_admin", &[]).await;
    s.token("kasir_one", PASSWORD).await;
    s.token("KASIR_ONE", PASSWORD).await;
    let dup = s
        .post(
            "/users",
            &other.owner,
            json!({"username": "KASIR_one", "password": PASSWORD, "name": "x", "role": "cashier"}),
        )
        .await;
    assert_eq!(dup.status, 409, "{:?}", dup.body);
    assert_eq!(dup.code(), "conflict");
    assert_eq!(dup.fields(), vec!["username"]);
}

async fn refresh_rotates_and_the_old_token_stops_working(b: Backend) {
    let s = TestServer::start(b).await;
    let first = s.login("admin", crate::common::ADMIN_PASSWORD).await;
    let r1 = first.data()["refresh_token"].as_str().unwrap().to_string();
    let second = s.send(Method::POST, "/auth/refresh", None, Some(json!({"refresh_token": r1})), &[]).await;
    assert_eq!(second.status, 200, "{:?}", second.body);
    let r2 = second.data()["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(r1, r2);
    let access2 = second.data()["access_token"].as_str().unwrap();
    assert_eq!(s.get("/auth/me", access2).await.status, 200);
    let third = s.send(Method::POST, "/auth/refresh", None, Some(json!({"refresh_token": r2})), &[]).await;
    assert_eq!(third.status, 200);
    let garbage = s.send(Method::POST, "/auth/refresh", None, Some(json!({"refresh_token": "nope"})), &[]).await;
    assert_eq!(garbage.status, 401);
}

async fn reusing_a_rotated_refresh_token_revokes_the_whole_login(b: Backend) {
    let s = TestServer::start(b).await;
    let login = s.login("admin", crate::common::ADMIN_PASSWORD).await;
    let r1 = login.data()["refresh_token"].as_str().unwrap().to_string();
    let a1 = login.data()["access_token"].as_str().unwrap().to_string();
    let next = s.send(Method::POST, "/auth/refresh", None, Some(json!({"refresh_token": r1})), &[]).await;
    let r2 = next.data()["refresh_token"].as_str().unwrap().to_string();
    let a2 = next.data()["access_token"].as_str().unwrap().to_string();
    // An attacker replays the rotated token: refused, and the whole login dies with it.
    let replay = s.send(Method::POST, "/auth/refresh", None, Some(json!({"refresh_token": r1})), &[]).await;
    assert_eq!(replay.status, 401);
    let after = s.send(Method::POST, "/auth/refresh", None, Some(json!({"refresh_token": r2})), &[]).await;
    assert_eq!(after.status, 401, "the newest refresh token of a revoked login must fail");
    assert_eq!(s.get("/auth/me", &a1).await.status, 401);
    assert_eq!(s.get("/auth/me", &a2).await.status, 401);
    // Another login of the same user is untouched.
    let other = s.admin().await;
    assert_eq!(s.get("/auth/me", &other).await.status, 200);
    let audit = s.get("/audit-logs?action=auth.refresh_reuse", &other).await;
    assert_eq!(audit.body["pagination"]["total"], 1, "{:?}", audit.body);
}

async fn logout_revokes_the_login(b: Backend) {
    let s = TestServer::start(b).await;
    let login = s.login("admin", crate::common::ADMIN_PASSWORD).await;
    let r = login.data()["refresh_token"].as_str().unwrap().to_string();
    let a = login.data()["access_token"].as_str().unwrap().to_string();
    let out = s.send(Method::POST, "/auth/logout", None, Some(json!({"refresh_token": r})), &[]).await;
    assert_eq!(out.status, 200);
    assert_eq!(out.data()["logged_out"], true);
    assert_eq!(s.get("/auth/me", &a).await.status, 401);
    let refresh = s.send(Method::POST, "/auth/refresh", None, Some(json!({"refresh_token": r})), &[]).await;
    assert_eq!(refresh.status, 401);
}

async fn password_change_revokes_other_logins_and_their_access_tokens(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    let here = s.login("acme-owner", PASSWORD).await;
    let there = s.login("acme-owner", PASSWORD).await;
    let here_token = here.data()["access_token"].as_str().unwrap().to_string();
    let there_token = there.data()["access_token"].as_str().unwrap().to_string();
    let there_refresh = there.data()["refresh_token"].as_str().unwrap().to_string();
    let wrong = s
        .post(
            "/auth/password",
            &here_token,
            json!({"current_password": "not-it-at-all", "new_password": "new-password-1"}),
        )
        .await;
    assert_eq!(wrong.status, 400);
    assert_eq!(wrong.fields(), vec!["current_password"]);
    let weak =
        s.post("/auth/password", &here_token, json!({"current_password": PASSWORD, "new_password": "short"})).await;
    assert_eq!(weak.status, 400);
    let changed = s
        .post("/auth/password", &here_token, json!({"current_password": PASSWORD, "new_password": "new-password-1"}))
        .await;
    assert_eq!(changed.status, 200, "{:?}", changed.body);
    // t.owner and `there` were other logins: both end.
    assert!(changed.data()["revoked_sessions"].as_i64().unwrap() >= 2);
    assert_eq!(s.get("/auth/me", &there_token).await.status, 401);
    assert_eq!(s.get("/auth/me", &t.owner).await.status, 401);
    let refresh = s.send(Method::POST, "/auth/refresh", None, Some(json!({"refresh_token": there_refresh})), &[]).await;
    assert_eq!(refresh.status, 401);
    assert_eq!(s.get("/auth/me", &here_token).await.status, 200, "the login that changed it stays");
    assert_eq!(s.login("acme-owner", PASSWORD).await.status, 401);
    s.token("acme-owner", "new-password-1").await;
}

fn forge(claims: serde_json::Value, secret: &str) -> String {
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

async fn tampered_none_and_expired_tokens_get_401(b: Backend) {
    let s = TestServer::start(b).await;
    let good = s.admin().await;
    let claims: serde_json::Value = {
        let payload = good.split('.').nth(1).unwrap();
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
    };
    assert_eq!(s.get("/auth/me", &good).await.status, 200);
    let now = claims["iat"].as_i64().unwrap();
    let mut expired = claims.clone();
    expired["iat"] = json!(now - 3600);
    expired["exp"] = json!(now - 1800);
    let mut wrong_aud = claims.clone();
    wrong_aud["aud"] = json!("someone-else");
    let mut wrong_iss = claims.clone();
    wrong_iss["iss"] = json!("evil");
    let none_header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = good.split('.').nth(1).unwrap();
    let mut tampered_payload = claims.clone();
    tampered_payload["sub"] = json!(kasir_domain::ids::new_id());
    let sig = good.split('.').nth(2).unwrap();
    let cases = [
        ("expired", forge(expired, JWT_SECRET)),
        ("wrong audience", forge(wrong_aud, JWT_SECRET)),
        ("wrong issuer", forge(wrong_iss, JWT_SECRET)),
        ("wrong key", forge(claims.clone(), "another-secret-another-secret-another")),
        ("alg none", format!("{none_header}.{payload}.")),
        (
            "tampered payload",
            format!(
                "{}.{}.{sig}",
                good.split('.').next().unwrap(),
                URL_SAFE_NO_PAD.encode(tampered_payload.to_string())
            ),
        ),
        ("garbage", "not.a.jwt".to_string()),
    ];
    for (what, token) in cases {
        let r = s.get("/auth/me", &token).await;
        assert_eq!(r.status, 401, "{what} must be refused");
        assert_eq!(r.code(), "unauthorized");
    }
}

async fn repeated_failures_lock_the_account_with_a_growing_delay(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    let _ = t;
    // Without KASIR_TRUSTED_PROXIES a client's X-Forwarded-For is ignored: these all count
    // against the address the requests really come from.
    for i in 0..5 {
        let forged = format!("203.0.113.{i}");
        let r = login_from(&s, &forged, "acme-owner", "wrong-password").await;
        assert_eq!(r.status, 401);
    }
    let r = login_from(&s, "203.0.113.99", "acme-owner", PASSWORD).await;
    assert_eq!(r.status, 429, "a forged address does not escape the lock");
    let locked = s.login("acme-owner", PASSWORD).await;
    assert_eq!(locked.status, 429, "the right password during lock-out still gets 429");
    assert_eq!(locked.code(), "rate_limited");
    let first: i64 = locked.header("retry-after").unwrap().parse().unwrap();
    assert!(first >= 1);
    // Wait out the lock (polling), fail once more: the next lock is longer.
    eventually(10, "the first lock to end", || async {
        (s.login("acme-owner", "wrong-password").await.status == 401).then_some(())
    })
    .await;
    let again = s.login("acme-owner", PASSWORD).await;
    assert_eq!(again.status, 429);
    let second: i64 = again.header("retry-after").unwrap().parse().unwrap();
    assert!(second > first, "lock should grow: {first} then {second}");
    let audit = s.get("/audit-logs?action=auth.login_failed", &s.admin().await).await;
    assert!(audit.body["pagination"]["total"].as_i64().unwrap() >= 6);
    assert!(audit.data()[0]["ip"].as_str().unwrap().starts_with("127."));
}

async fn repeated_failures_from_one_address_lock_it_for_accounts_new_to_it(b: Backend) {
    let s = TestServer::start(b).await;
    let admin = s.admin().await;
    let t = s.tenant("acme").await;
    let outlet = s.outlet(&t.owner, "K01").await;
    s.user(&t.owner, "newbie", "cashier", &[&outlet]).await;
    for i in 0..20 {
        assert_eq!(s.login(&format!("ghost{i}"), "wrong-password").await.status, 401);
    }
    assert_eq!(s.login("ghost99", "wrong-password").await.status, 429, "the address is locked for strangers");
    let r = s.login("newbie", PASSWORD).await;
    assert_eq!(r.status, 429, "an account that never logged in from here waits too");
    assert!(r.header("retry-after").is_some());
    // Accounts that have logged in from this address (the staff behind a shop's NAT) keep working.
    assert_eq!(s.login("admin", crate::common::ADMIN_PASSWORD).await.status, 200);
    assert_eq!(s.login("acme-owner", PASSWORD).await.status, 200);
    assert_eq!(s.get("/auth/me", &admin).await.status, 200, "existing tokens keep working");
}

async fn failures_from_one_address_never_stop_the_right_password_from_another(b: Backend) {
    let s = TestServer::start_with(b, |c| {
        c.trusted_proxies = kasir_server::auth::client_addr::TrustedProxies::parse("127.0.0.1, ::1").unwrap()
    })
    .await;
    let t = s.tenant("acme").await;
    let outlet = s.outlet(&t.owner, "K01").await;
    s.user(&t.owner, "kasir1", "cashier", &[&outlet]).await;
    // Someone at one address guesses kasir1's password until that address is locked for it.
    for _ in 0..5 {
        assert_eq!(login_from(&s, "198.51.100.7", "kasir1", "wrong-password").await.status, 401);
    }
    assert_eq!(login_from(&s, "198.51.100.7", "kasir1", PASSWORD).await.status, 429);
    // kasir1 at the till, behind the shop's proxy, logs in all the same, first time from there.
    let r = login_from(&s, "203.0.113.10", "kasir1", PASSWORD).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let audit = s.get("/audit-logs?action=auth.login_failed", &s.admin().await).await;
    assert_eq!(audit.data()[0]["ip"], "198.51.100.7", "the proxy's X-Forwarded-For names the client");
    // And the guesser's failures elsewhere do not lock the owner out either.
    assert_eq!(login_from(&s, "198.51.100.7", "acme-owner", PASSWORD).await.status, 200);
}

/// A login as if from `address`, forwarded by a proxy at 127.0.0.1.
async fn login_from(s: &TestServer, address: &str, username: &str, password: &str) -> crate::common::Resp {
    let body = json!({"username": username, "password": password});
    s.send(Method::POST, "/auth/login", None, Some(body), &[("x-forwarded-for", address)]).await
}

async fn api_keys_authenticate_with_basic_and_carry_only_their_permissions(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    s.outlet(&t.owner, "K01").await;
    let bad = s.post("/api-keys", &t.owner, json!({"name": "x", "permissions": ["tenants.manage"]})).await;
    assert_eq!(bad.status, 400);
    let created = s.post("/api-keys", &t.owner, json!({"name": "reporting", "permissions": ["outlets.read"]})).await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    let key_id = created.data()["key_id"].as_str().unwrap().to_string();
    let secret = created.data()["secret"].as_str().unwrap().to_string();
    let id = created.data()["id"].as_str().unwrap().to_string();
    let basic = |secret: &str| {
        format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{key_id}:{secret}")))
    };
    let auth = basic(&secret);
    let list = s.send(Method::GET, "/outlets", None, None, &[("authorization", &auth)]).await;
    assert_eq!(list.status, 200);
    assert_eq!(list.body["pagination"]["total"], 1);
    let write = s
        .send(Method::POST, "/outlets", None, Some(json!({"name": "n", "code": "K2"})), &[("authorization", &auth)])
        .await;
    assert_eq!(write.status, 403);
    let wrong = s.send(Method::GET, "/outlets", None, None, &[("authorization", &basic("wrong-secret"))]).await;
    assert_eq!(wrong.status, 401);
    let listed = s.get("/api-keys", &t.owner).await;
    assert_eq!(listed.data().as_array().unwrap().len(), 1);
    assert!(listed.data()[0].get("secret").is_none() && listed.data()[0].get("secret_hash").is_none());
    assert_eq!(s.delete(&format!("/api-keys/{id}"), &t.owner).await.status, 200);
    let revoked = s.send(Method::GET, "/outlets", None, None, &[("authorization", &auth)]).await;
    assert_eq!(revoked.status, 401);
}

async fn deactivating_a_user_ends_their_logins(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    let outlet = s.outlet(&t.owner, "K01").await;
    let id = s.user(&t.owner, "kasir1", "cashier", &[&outlet]).await;
    let token = s.token("kasir1", PASSWORD).await;
    assert_eq!(s.get("/auth/me", &token).await.status, 200);
    let r = s.patch(&format!("/users/{id}"), &t.owner, json!({"is_active": false})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(s.get("/auth/me", &token).await.status, 401);
    assert_eq!(s.login("kasir1", PASSWORD).await.status, 401);
}

async fn x_access_token_header_is_accepted(b: Backend) {
    let s = TestServer::start(b).await;
    let token = s.admin().await;
    let r = s.send(Method::GET, "/auth/me", None, None, &[("x-access-token", &token)]).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.data()["role"], "master_admin");
}
