//! Device licences: issued by the platform operator, activated by devices up to `max_devices`,
//! tokens a device checks offline with the published Ed25519 key, expiry and revocation, and a
//! tenant that requires a licence of every device that pushes.

use reqwest::Method;
use serde_json::{json, Value};

use crate::{
    common::{Backend, Resp, TestServer},
    till::Till,
};

crate::backend_tests!(
    devices_take_seats_and_check_their_tokens_offline,
    revoked_expired_and_unlicensed_devices_are_refused,
);

mod postgres_nodes {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_node_signs_with_the_same_key() {
        super::every_node_signs_with_the_same_key().await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_file_is_the_key_servers_sign_with() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("license.pem");
    let made = std::process::Command::new("openssl")
        .args(["genpkey", "-algorithm", "ed25519", "-out"])
        .arg(&path)
        .status()
        .expect("openssl runs");
    assert!(made.success());
    let kid = |s: &TestServer| {
        let s = s.base.clone();
        async move {
            let r: Value = reqwest::get(format!("{s}/api/v1/licenses/public-key")).await.unwrap().json().await.unwrap();
            r["data"]["kid"].as_str().unwrap().to_string()
        }
    };
    let with = |p: std::path::PathBuf| move |c: &mut kasir_server::Config| c.license_key_file = Some(p);
    let a = TestServer::start_with(Backend::Sqlite, with(path.clone())).await;
    let b = TestServer::start_with(Backend::Sqlite, with(path.clone())).await;
    let own = TestServer::start(Backend::Sqlite).await;
    assert_eq!(kid(&a).await, kid(&b).await);
    assert_ne!(kid(&a).await, kid(&own).await);
    std::fs::write(&path, "not a key").unwrap();
    let bad = kasir_server::build(kasir_server::Config {
        database_url: format!("sqlite://{}", dir.path().join("bad.db").display()),
        admin_password: Some("an-admin-password".into()),
        license_key_file: Some(path),
        ..Default::default()
    })
    .await;
    assert!(bad.is_err(), "a key file that is not a key stops start-up");
}

async fn every_node_signs_with_the_same_key() {
    let s = TestServer::start(Backend::Postgres).await;
    let other = s.another_node().await;
    let key = |s: &TestServer| {
        let base = s.base.clone();
        async move {
            let r: Value =
                reqwest::get(format!("{base}/api/v1/licenses/public-key")).await.unwrap().json().await.unwrap();
            r["data"].clone()
        }
    };
    assert_eq!(key(&s).await, key(&other).await);
}

fn new_id() -> String {
    kasir_domain::ids::new_id()
}

async fn public(s: &TestServer, path: &str, body: Value) -> Resp {
    s.send(Method::POST, path, None, Some(body), &[]).await
}

async fn generate(s: &TestServer, admin: &str, tenant_id: &str, max_devices: i64, expires_at: Option<String>) -> Resp {
    s.post(
        "/licenses/generate",
        admin,
        json!({"tenant_id": tenant_id, "plan": "pro", "max_devices": max_devices, "expires_at": expires_at}),
    )
    .await
}

/// The claims of `token` when it verifies with the published key.
fn claims(token: &str, public_key_pem: &str) -> Value {
    let key = jsonwebtoken::DecodingKey::from_ed_pem(public_key_pem.as_bytes()).expect("a public key PEM");
    let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::EdDSA);
    v.set_audience(&["kasir-device"]);
    v.set_issuer(&["kasir"]);
    jsonwebtoken::decode::<Value>(token, &key, &v).expect("the token verifies").claims
}

async fn devices_take_seats_and_check_their_tokens_offline(b: Backend) {
    let s = TestServer::start(b).await;
    let t = Till::new(&s).await;
    let admin = s.admin().await;
    assert_eq!(
        generate(&s, &t.owner, &t.tenant_id, 2, None).await.status,
        403,
        "only the platform operator issues licences"
    );
    let past = generate(&s, &admin, &t.tenant_id, 2, Some("2020-01-01T00:00:00Z".into())).await;
    assert_eq!((past.status, past.fields()), (400, vec!["expires_at".to_string()]));
    let missing = generate(&s, &admin, &new_id(), 2, None).await;
    assert_eq!((missing.status, missing.fields()), (404, vec!["tenant_id".to_string()]));
    let made = generate(&s, &admin, &t.tenant_id, 2, None).await;
    assert_eq!(made.status, 201, "{:?}", made.body);
    let key = made.data()["license_key"].as_str().unwrap().to_string();
    let license_id = made.data()["id"].as_str().unwrap().to_string();
    assert_eq!((made.data()["max_devices"].clone(), made.data()["active_devices"].clone()), (json!(2), json!(0)));
    assert_eq!(made.data()["key_hint"], &key[key.len() - 4..]);

    let pk = s.send(Method::GET, "/licenses/public-key", None, None, &[]).await;
    assert_eq!(pk.status, 200);
    assert_eq!((pk.data()["alg"].clone(), pk.data()["jwk"]["crv"].clone()), (json!("EdDSA"), json!("Ed25519")));
    let pem = pk.data()["public_key_pem"].as_str().unwrap().to_string();

    let (a, b2, c) = (new_id(), new_id(), new_id());
    let grant =
        public(&s, "/licenses/activate", json!({"license_key": key, "device_id": a, "device_name": "Till 1"})).await;
    assert_eq!(grant.status, 200, "{:?}", grant.body);
    let token = grant.data()["license_token"].as_str().unwrap();
    let c1 = claims(token, &pem);
    assert_eq!(
        (
            c1["license_id"].clone(),
            c1["tenant_id"].clone(),
            c1["device_id"].clone(),
            c1["plan"].clone(),
            c1["max_devices"].clone()
        ),
        (json!(license_id), json!(t.tenant_id), json!(a), json!("pro"), json!(2))
    );
    // Verify within 30 days, run 7 more past a missed verification.
    let next: jiff::Timestamp = grant.data()["next_verify_at"].as_str().unwrap().parse().unwrap();
    let grace: jiff::Timestamp = grant.data()["grace_until"].as_str().unwrap().parse().unwrap();
    let now = jiff::Timestamp::now();
    assert!((next - now).get_seconds().abs_diff(30 * 86400) < 120);
    assert_eq!((grace - next).get_seconds(), 7 * 86400);
    assert_eq!(c1["exp"], grace.as_second());
    assert_eq!(grant.data()["expires_at"], Value::Null);

    // The second seat; a third device waits until one is given back.
    assert_eq!(
        public(&s, "/licenses/activate", json!({"license_key": key, "device_id": b2, "device_name": "Till 2"}))
            .await
            .status,
        200
    );
    let full =
        public(&s, "/licenses/activate", json!({"license_key": key, "device_id": c, "device_name": "Till 3"})).await;
    assert_eq!((full.status, full.code()), (422, "license_device_limit"));
    // A device activating again keeps its seat.
    assert_eq!(
        public(&s, "/licenses/activate", json!({"license_key": key, "device_id": a, "device_name": "Till 1"}))
            .await
            .status,
        200
    );
    let freed = public(&s, "/licenses/deactivate", json!({"license_key": key, "device_id": a})).await;
    assert_eq!(freed.data()["deactivated"], true);
    assert_eq!(
        public(&s, "/licenses/deactivate", json!({"license_key": key, "device_id": a})).await.data()["deactivated"],
        false
    );
    assert_eq!(
        public(&s, "/licenses/activate", json!({"license_key": key, "device_id": c, "device_name": "Till 3"}))
            .await
            .status,
        200
    );
    let again =
        public(&s, "/licenses/activate", json!({"license_key": key, "device_id": a, "device_name": "Till 1"})).await;
    assert_eq!(again.code(), "license_device_limit");

    let renewed = public(&s, "/licenses/verify", json!({"license_key": key, "device_id": b2})).await;
    assert_eq!(renewed.status, 200);
    assert_eq!(claims(renewed.data()["license_token"].as_str().unwrap(), &pem)["device_id"], b2.as_str());
    assert_eq!(public(&s, "/licenses/verify", json!({"license_key": key, "device_id": a})).await.status, 404);
    let unknown = public(&s, "/licenses/verify", json!({"license_key": "KSR-NOPE", "device_id": a})).await;
    assert_eq!((unknown.status, unknown.code()), (401, "unauthorized"));

    // The platform sees every licence; the tenant its own, with its seats.
    assert_eq!(s.get("/licenses", &admin).await.data().as_array().unwrap().len(), 1);
    let detail = s.get(&format!("/licenses/{license_id}"), &t.owner).await;
    assert_eq!(detail.status, 200, "{:?}", detail.body);
    assert_eq!(detail.data()["active_devices"], 2);
    let seats: Vec<(String, bool)> = detail.data()["activations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| (x["device_id"].as_str().unwrap().to_string(), x["deactivated_at"].is_null()))
        .collect();
    assert_eq!(seats, vec![(a.clone(), false), (b2.clone(), true), (c.clone(), true)]);
    let devices = s.get("/devices?sort=name", &t.owner).await;
    let names: Vec<&str> = devices.data().as_array().unwrap().iter().map(|d| d["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Till 1", "Till 2", "Till 3"]);
    let other = s.tenant("other").await;
    assert_eq!(s.get(&format!("/licenses/{license_id}"), &other.owner).await.status, 404);
    assert_eq!(s.get("/licenses", &t.cashier).await.status, 403);

    // Activations are rate limited per key.
    let mut last = 0;
    for _ in 0..40 {
        last = public(&s, "/licenses/verify", json!({"license_key": key, "device_id": b2})).await.status;
        if last == 429 {
            break;
        }
    }
    assert_eq!(last, 429);
}

async fn revoked_expired_and_unlicensed_devices_are_refused(b: Backend) {
    let s = TestServer::start(b).await;
    let t = Till::new(&s).await;
    let admin = s.admin().await;
    let key_of = |r: &Resp| r.data()["license_key"].as_str().unwrap().to_string();
    let lic = generate(&s, &admin, &t.tenant_id, 5, None).await;
    let key = key_of(&lic);
    let soon = kasir_domain::time::format_ts(jiff::Timestamp::now() + jiff::SignedDuration::from_secs(2));
    let short = key_of(&generate(&s, &admin, &t.tenant_id, 5, Some(soon.clone())).await);
    let (licensed, unlicensed, late) = (new_id(), new_id(), new_id());
    let on_short =
        public(&s, "/licenses/activate", json!({"license_key": short, "device_id": late, "device_name": "Short"}))
            .await;
    assert_eq!(on_short.data()["expires_at"], soon.as_str());
    assert_eq!(on_short.data()["grace_until"], soon.as_str(), "a token never outlives its licence");
    public(&s, "/licenses/activate", json!({"license_key": key, "device_id": licensed, "device_name": "Till"})).await;

    let push = |device: String| {
        let s = &s;
        let token = t.cashier.clone();
        async move {
            s.send(
                Method::POST,
                "/sync/push",
                Some(&token),
                Some(json!({"device_id": device, "changes": []})),
                &[("X-Device-Id", device.as_str())],
            )
            .await
        }
    };
    // Until the tenant requires licences, any device may push; the owner cannot require them.
    assert_eq!(push(unlicensed.clone()).await.status, 200);
    let path = format!("/tenants/{}", t.tenant_id);
    assert_eq!(s.patch(&path, &t.owner, json!({"require_license": true})).await.status, 403);
    let required = s.patch(&path, &admin, json!({"require_license": true})).await;
    assert_eq!(required.data()["require_license"], true);
    let refused = push(unlicensed.clone()).await;
    assert_eq!((refused.status, refused.code()), (403, "license_required"));
    assert_eq!(push(licensed.clone()).await.status, 200);

    // Past its expiry a licence neither activates nor licenses pushes.
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    let expired = public(&s, "/licenses/verify", json!({"license_key": short, "device_id": late})).await;
    assert_eq!((expired.status, expired.code()), (422, "license_expired"));
    assert_eq!(push(late).await.code(), "license_required");

    let id = lic.data()["id"].as_str().unwrap();
    assert_eq!(s.post(&format!("/licenses/{id}/revoke"), &t.owner, json!({})).await.status, 403);
    let revoked = s.post(&format!("/licenses/{id}/revoke"), &admin, json!({})).await;
    assert_eq!(revoked.data()["status"], "revoked");
    let verify = public(&s, "/licenses/verify", json!({"license_key": key, "device_id": licensed})).await;
    assert_eq!((verify.status, verify.code()), (422, "license_revoked"));
    assert_eq!(push(licensed).await.code(), "license_required");
}
