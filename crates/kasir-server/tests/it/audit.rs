use reqwest::Method;
use serde_json::json;

use crate::common::{Backend, TestServer, PASSWORD};

crate::backend_tests!(writes_and_auth_events_are_audited_per_tenant);

async fn writes_and_auth_events_are_audited_per_tenant(b: Backend) {
    let s = TestServer::start(b).await;
    let a = s.tenant("alpha").await;
    let z = s.tenant("zulu").await;
    let outlet = s.outlet(&a.owner, "K01").await;
    s.patch(&format!("/outlets/{outlet}"), &a.owner, json!({"name": "Renamed"})).await;
    s.outlet(&z.owner, "Z1").await;
    assert_eq!(s.login("alpha-owner", "wrong-password").await.status, 401);
    let entries = s.get("/audit-logs?entity=outlet", &a.owner).await;
    assert_eq!(entries.status, 200);
    assert_eq!(entries.body["pagination"]["total"], 2, "{:?}", entries.body);
    let newest = &entries.data()[0];
    assert_eq!(newest["action"], "outlet.update");
    assert_eq!(newest["entity_id"], outlet.as_str());
    assert_eq!(newest["actor_id"], a.owner_id.as_str());
    assert_eq!(newest["actor_type"], "user");
    assert!(newest["ip"].as_str().unwrap().starts_with("127."));
    assert_eq!(newest["tenant_id"], a.id.as_str());
    let logins = s.get(&format!("/audit-logs?action=auth.login&actor_id={}", a.owner_id), &a.owner).await;
    assert!(logins.body["pagination"]["total"].as_i64().unwrap() >= 1);
    let admin = s.admin().await;
    let everything = s.get("/audit-logs?entity=outlet", &admin).await;
    assert_eq!(everything.body["pagination"]["total"], 3, "the platform sees every tenant");
    let one = s.send(Method::GET, "/audit-logs?entity=outlet", Some(&admin), None, &[("x-tenant-id", &z.id)]).await;
    assert_eq!(one.body["pagination"]["total"], 1);
    let failed = s.get("/audit-logs?action=auth.login_failed", &admin).await;
    assert_eq!(failed.data()[0]["details"]["username"], "alpha-owner");
    let window = s.get("/audit-logs?from=2000-01-01T00:00:00Z&to=2001-01-01T00:00:00Z", &admin).await;
    assert_eq!(window.body["pagination"]["total"], 0);
    let bad = s.get("/audit-logs?from=yesterday", &admin).await;
    assert_eq!(bad.fields(), vec!["from"]);
    let k1 = s.outlet(&a.owner, "K02").await;
    s.user(&a.owner, "manager1", "admin", &[&k1]).await;
    let m = s.token("manager1", PASSWORD).await;
    assert_eq!(s.get("/audit-logs", &m).await.status, 403, "outlet managers do not read the audit log");
}
