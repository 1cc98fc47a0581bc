use reqwest::Method;
use serde_json::json;

use crate::common::{Backend, TestServer};

crate::backend_tests!(
    a_repeated_post_replays_the_first_response,
    the_same_key_with_another_body_is_refused,
    concurrent_repeats_create_one_record,
    keys_belong_to_one_tenant,
    malformed_keys_are_refused,
);

async fn a_repeated_post_replays_the_first_response(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    let body = json!({"name": "Sudirman", "code": "K01"});
    let first =
        s.send(Method::POST, "/outlets", Some(&t.owner), Some(body.clone()), &[("idempotency-key", "order-1")]).await;
    assert_eq!(first.status, 201);
    assert!(first.header("idempotent-replayed").is_none());
    let again =
        s.send(Method::POST, "/outlets", Some(&t.owner), Some(body.clone()), &[("idempotency-key", "order-1")]).await;
    assert_eq!(again.status, 201);
    assert_eq!(again.header("idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(again.body, first.body, "the same body, byte for byte");
    assert_eq!(s.get("/outlets", &t.owner).await.body["pagination"]["total"], 1);
    // A refused first attempt is replayed as refused, too.
    let bad = json!({"name": "", "code": "K02"});
    let r1 = s.send(Method::POST, "/outlets", Some(&t.owner), Some(bad.clone()), &[("idempotency-key", "bad-1")]).await;
    let r2 = s.send(Method::POST, "/outlets", Some(&t.owner), Some(bad), &[("idempotency-key", "bad-1")]).await;
    assert_eq!((r1.status, r2.status), (400, 400));
    assert_eq!(r2.header("idempotent-replayed").as_deref(), Some("true"));
}

async fn the_same_key_with_another_body_is_refused(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    let first = s
        .send(
            Method::POST,
            "/outlets",
            Some(&t.owner),
            Some(json!({"name": "A", "code": "K01"})),
            &[("idempotency-key", "k-1")],
        )
        .await;
    assert_eq!(first.status, 201);
    let other = s
        .send(
            Method::POST,
            "/outlets",
            Some(&t.owner),
            Some(json!({"name": "B", "code": "K02"})),
            &[("idempotency-key", "k-1")],
        )
        .await;
    assert_eq!(other.status, 422);
    assert_eq!(other.code(), "idempotency_key_reused");
    assert_eq!(s.get("/outlets", &t.owner).await.body["pagination"]["total"], 1);
}

async fn concurrent_repeats_create_one_record(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    // Creating a user hashes a password, so the first request is still running when repeats arrive.
    let body = json!({"username": "kasir1", "password": "password-123", "name": "K", "role": "super_admin"});
    let sends = (0..6)
        .map(|_| s.send(Method::POST, "/users", Some(&t.owner), Some(body.clone()), &[("idempotency-key", "user-1")]));
    let results = futures::future::join_all(sends).await;
    let mut created = 0;
    for r in &results {
        match (r.status, r.header("idempotent-replayed")) {
            (201, None) => created += 1,
            (201, Some(_)) => {}
            (409, _) => assert_eq!(r.code(), "idempotency_in_progress"),
            other => panic!("unexpected answer {other:?}: {:?}", r.body),
        }
    }
    assert_eq!(created, 1, "exactly one request did the work");
    let users = s.get("/users?username=kasir1", &t.owner).await;
    assert_eq!(users.body["pagination"]["total"], 1);
}

async fn keys_belong_to_one_tenant(b: Backend) {
    let s = TestServer::start(b).await;
    let a = s.tenant("alpha").await;
    let z = s.tenant("zulu").await;
    let body = json!({"name": "Main", "code": "K01"});
    let ra = s.send(Method::POST, "/outlets", Some(&a.owner), Some(body.clone()), &[("idempotency-key", "same")]).await;
    let rz = s.send(Method::POST, "/outlets", Some(&z.owner), Some(body), &[("idempotency-key", "same")]).await;
    assert_eq!((ra.status, rz.status), (201, 201));
    assert!(rz.header("idempotent-replayed").is_none());
    assert_ne!(ra.data()["id"], rz.data()["id"]);
    assert_eq!(rz.data()["tenant_id"], z.id.as_str());
}

async fn malformed_keys_are_refused(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    let long = "k".repeat(256);
    let r = s
        .send(
            Method::POST,
            "/outlets",
            Some(&t.owner),
            Some(json!({"name": "A", "code": "K01"})),
            &[("idempotency-key", &long)],
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.fields(), vec!["Idempotency-Key"]);
    assert_eq!(s.get("/outlets", &t.owner).await.body["pagination"]["total"], 0);
}
