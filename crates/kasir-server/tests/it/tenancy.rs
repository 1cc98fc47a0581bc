use reqwest::Method;
use serde_json::json;

use crate::common::{Backend, TestServer, PASSWORD};

crate::backend_tests!(
    other_tenants_ids_give_404_and_change_nothing,
    cashier_gets_403_on_admin_endpoints,
    outlet_scoped_admin_sees_only_their_outlets,
    write_bodies_refuse_fields_clients_may_not_set,
    nobody_grants_more_than_they_hold,
    platform_admin_creates_tenants_and_names_one_to_act_on,
    tenant_owner_changes_settings_but_not_suspension,
);

async fn other_tenants_ids_give_404_and_change_nothing(b: Backend) {
    let s = TestServer::start(b).await;
    let a = s.tenant("alpha").await;
    let z = s.tenant("zulu").await;
    let z_outlet = s.outlet(&z.owner, "Z1").await;
    let z_user = s.user(&z.owner, "zulu-cashier", "cashier", &[&z_outlet]).await;
    let z_role = s.post("/roles", &z.owner, json!({"name": "Barista", "permissions": ["catalog.read"]})).await;
    let z_role = z_role.data()["id"].as_str().unwrap().to_string();
    for path in [
        format!("/outlets/{z_outlet}"),
        format!("/users/{z_user}"),
        format!("/roles/{z_role}"),
        format!("/tenants/{}", z.id),
    ] {
        assert_eq!(s.get(&path, &a.owner).await.status, 404, "GET {path}");
        let patch = s.patch(&path, &a.owner, json!({"name": "hijacked"})).await;
        assert_eq!(patch.status, 404, "PATCH {path}: {:?}", patch.body);
        if !path.starts_with("/tenants") {
            assert_eq!(s.delete(&path, &a.owner).await.status, 404, "DELETE {path}");
        }
    }
    // In a body: outlets of another tenant do not exist here.
    let r = s.post("/users", &a.owner, json!({"username": "sneaky", "password": PASSWORD, "name": "s", "role": "cashier", "outlet_ids": [z_outlet]})).await;
    assert_eq!(r.status, 404, "{:?}", r.body);
    assert_eq!(r.code(), "not_found");
    assert_eq!(r.fields(), vec!["outlet_ids[0]"]);
    let mine = s.outlet(&a.owner, "A0").await;
    let r = s.patch(&format!("/users/{}", a.owner_id), &a.owner, json!({"outlet_ids": [mine, z_outlet]})).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.fields(), vec!["outlet_ids[1]"]);
    // In a query: filtering the audit log by another tenant's user.
    let q = s.get(&format!("/audit-logs?actor_id={}", z.owner_id), &a.owner).await;
    assert_eq!(q.status, 404);
    assert_eq!(q.fields(), vec!["actor_id"]);
    // A client-chosen id already used by another tenant is a conflict, not an overwrite.
    let reuse = s.post("/outlets", &a.owner, json!({"id": z_outlet, "name": "x", "code": "A1"})).await;
    assert_eq!(reuse.status, 409);
    // Nothing of zulu's changed.
    let outlet = s.get(&format!("/outlets/{z_outlet}"), &z.owner).await;
    assert_eq!(outlet.data()["version"], 1);
    assert_eq!(outlet.data()["name"], "Outlet Z1");
    assert_eq!(s.get(&format!("/users/{z_user}"), &z.owner).await.data()["version"], 1);
    assert_eq!(s.get(&format!("/roles/{z_role}"), &z.owner).await.data()["name"], "Barista");
    let listed = s.get("/outlets", &a.owner).await;
    assert_eq!(listed.body["pagination"]["total"], 1);
    assert_eq!(s.get(&format!("/users/{}", a.owner_id), &a.owner).await.data()["outlet_ids"], json!([]));
}

async fn cashier_gets_403_on_admin_endpoints(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    let outlet = s.outlet(&t.owner, "K01").await;
    s.user(&t.owner, "kasir1", "cashier", &[&outlet]).await;
    let c = s.token("kasir1", PASSWORD).await;
    let checks: Vec<(Method, String, Option<serde_json::Value>)> = vec![
        (Method::POST, "/outlets".into(), Some(json!({"name": "n", "code": "K9"}))),
        (Method::PATCH, format!("/outlets/{outlet}"), Some(json!({"name": "n"}))),
        (Method::DELETE, format!("/outlets/{outlet}"), None),
        (Method::GET, "/users".into(), None),
        (
            Method::POST,
            "/users".into(),
            Some(json!({"username": "x1x", "password": PASSWORD, "name": "x", "role": "cashier"})),
        ),
        (Method::GET, "/roles".into(), None),
        (Method::POST, "/roles".into(), Some(json!({"name": "boss", "permissions": []}))),
        (Method::GET, "/audit-logs".into(), None),
        (
            Method::POST,
            "/tenants".into(),
            Some(json!({"name": "n", "slug": "nn", "owner": {"username": "ooo", "password": PASSWORD, "name": "o"}})),
        ),
        (Method::PATCH, format!("/tenants/{}", t.id), Some(json!({"allow_negative_stock": true}))),
        (Method::POST, "/api-keys".into(), Some(json!({"name": "k", "permissions": []}))),
        (Method::GET, "/api-keys".into(), None),
    ];
    for (method, path, body) in checks {
        let r = s.send(method.clone(), &path, Some(&c), body, &[]).await;
        assert_eq!(r.status, 403, "{method} {path}: {:?}", r.body);
        assert_eq!(r.code(), "forbidden");
    }
    assert_eq!(s.get("/outlets", &c).await.status, 200);
    assert_eq!(s.get("/permissions", &c).await.status, 200);
}

async fn outlet_scoped_admin_sees_only_their_outlets(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    let k1 = s.outlet(&t.owner, "K01").await;
    let k2 = s.outlet(&t.owner, "K02").await;
    s.user(&t.owner, "manager1", "admin", &[&k1]).await;
    s.user(&t.owner, "kasir1", "cashier", &[&k1]).await;
    s.user(&t.owner, "kasir2", "cashier", &[&k2]).await;
    let m = s.token("manager1", PASSWORD).await;
    let outlets = s.get("/outlets", &m).await;
    assert_eq!(outlets.body["pagination"]["total"], 1);
    assert_eq!(outlets.data()[0]["id"], k1.as_str());
    assert_eq!(s.get(&format!("/outlets/{k2}"), &m).await.status, 404);
    assert_eq!(s.patch(&format!("/outlets/{k1}"), &m, json!({"receipt_footer": "Terima kasih"})).await.status, 200);
    let users = s.get("/users?sort=username", &m).await;
    let names: Vec<&str> = users.data().as_array().unwrap().iter().map(|u| u["username"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["kasir1", "manager1"]);
    let create = s.post("/outlets", &m, json!({"name": "n", "code": "K03"})).await;
    assert_eq!(create.status, 403);
    let foreign = s
        .post(
            "/users",
            &m,
            json!({"username": "kasir3", "password": PASSWORD, "name": "k", "role": "cashier", "outlet_ids": [k2]}),
        )
        .await;
    assert_eq!(foreign.status, 404, "an outlet this manager cannot see does not exist for them");
    let ok = s
        .post(
            "/users",
            &m,
            json!({"username": "kasir3", "password": PASSWORD, "name": "k", "role": "cashier", "outlet_ids": [k1]}),
        )
        .await;
    assert_eq!(ok.status, 201, "{:?}", ok.body);
}

async fn write_bodies_refuse_fields_clients_may_not_set(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    let outlet = s.outlet(&t.owner, "K01").await;
    for (field, value) in [
        ("tenant_id", json!(kasir_domain::ids::new_id())),
        ("version", json!(7)),
        ("created_at", json!("2020-01-01T00:00:00Z")),
        ("deleted_at", json!(null)),
    ] {
        let mut body = json!({"name": "n", "code": "K02"});
        body[field] = value.clone();
        let r = s.post("/outlets", &t.owner, body).await;
        assert_eq!(r.status, 400, "{field}");
        assert_eq!(r.fields(), vec![field.to_string()]);
        if field != "version" {
            let mut patch = json!({"name": "n"});
            patch[field] = value;
            let r = s.patch(&format!("/outlets/{outlet}"), &t.owner, patch).await;
            assert_eq!(r.status, 400, "patch {field}");
        }
    }
    let r = s.post("/users", &t.owner, json!({"username": "x1x", "password": PASSWORD, "name": "x", "role": "cashier", "permissions": ["tenants.manage"]})).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.fields(), vec!["permissions"]);
    let r = s.patch(&format!("/users/{}", t.owner_id), &t.owner, json!({"password_hash": "x"})).await;
    assert_eq!(r.status, 400);
    let body = json!({"username": "x2x", "password": PASSWORD, "name": "x", "role": "cashier", "password_hash": "$argon2id$x"});
    let r = s.post("/users", &t.owner, body).await;
    assert_eq!(r.status, 400, "a client cannot supply a password hash");
    assert_eq!(r.fields(), vec!["password_hash"]);
    assert_eq!(s.get("/outlets", &t.owner).await.body["pagination"]["total"], 1, "nothing was created");
}

async fn nobody_grants_more_than_they_hold(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    let k1 = s.outlet(&t.owner, "K01").await;
    let manager = s.user(&t.owner, "manager1", "admin", &[&k1]).await;
    let m = s.token("manager1", PASSWORD).await;
    let owner = s
        .post(
            "/users",
            &m,
            json!({"username": "boss2", "password": PASSWORD, "name": "b", "role": "super_admin", "outlet_ids": [k1]}),
        )
        .await;
    assert_eq!(owner.status, 403);
    let platform = s
        .post(
            "/users",
            &t.owner,
            json!({"username": "root2", "password": PASSWORD, "name": "r", "role": "master_admin"}),
        )
        .await;
    assert_eq!(platform.status, 400);
    let promote = s.patch(&format!("/users/{manager}"), &m, json!({"role": "super_admin"})).await;
    assert!(promote.status == 403 || promote.status == 400, "{:?}", promote.body);
    let touch_owner = s.patch(&format!("/users/{}", t.owner_id), &m, json!({"name": "x"})).await;
    assert!(touch_owner.status == 403 || touch_owner.status == 404, "{:?}", touch_owner.body);
    let role =
        s.post("/roles", &t.owner, json!({"name": "Auditor", "permissions": ["audit.read", "outlets.read"]})).await;
    assert_eq!(role.status, 201, "{:?}", role.body);
    let grant = s
        .post(
            "/users",
            &m,
            json!({"username": "aud1", "password": PASSWORD, "name": "a", "role": "Auditor", "outlet_ids": [k1]}),
        )
        .await;
    assert_eq!(grant.status, 403, "an admin lacks audit.read, so cannot grant a role holding it");
    let unknown = s.post("/roles", &t.owner, json!({"name": "Weird", "permissions": ["nope.nope"]})).await;
    assert_eq!(unknown.status, 400);
    let builtin = s.post("/roles", &t.owner, json!({"name": "Cashier", "permissions": []})).await;
    assert_eq!(builtin.status, 400);
    assert_eq!(s.get(&format!("/users/{manager}"), &t.owner).await.data()["role"], "admin");
}

async fn platform_admin_creates_tenants_and_names_one_to_act_on(b: Backend) {
    let s = TestServer::start(b).await;
    let admin = s.admin().await;
    let t = s.tenant("acme").await;
    let dup = s
        .post(
            "/tenants",
            &admin,
            json!({"name": "x", "slug": "acme", "owner": {"username": "other1", "password": PASSWORD, "name": "o"}}),
        )
        .await;
    assert_eq!(dup.status, 409);
    assert_eq!(dup.fields(), vec!["slug"]);
    let bad = s.post("/tenants", &admin, json!({"name": "", "slug": "Bad Slug", "currency": "rupiah", "timezone": "Mars/Base", "owner": {"username": "o", "password": "x", "name": "o"}})).await;
    assert_eq!(bad.status, 400);
    let mut fields = bad.fields();
    fields.sort();
    assert_eq!(fields, vec!["currency", "name", "owner.password", "owner.username", "slug", "timezone"]);
    let no_tenant = s.get("/outlets", &admin).await;
    assert_eq!(no_tenant.status, 400);
    assert_eq!(no_tenant.fields(), vec!["X-Tenant-Id"]);
    let created = s
        .send(
            Method::POST,
            "/outlets",
            Some(&admin),
            Some(json!({"name": "HQ", "code": "HQ"})),
            &[("x-tenant-id", &t.id)],
        )
        .await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    assert_eq!(s.get("/outlets", &t.owner).await.body["pagination"]["total"], 1);
    let ghost =
        s.send(Method::GET, "/outlets", Some(&admin), None, &[("x-tenant-id", &kasir_domain::ids::new_id())]).await;
    assert_eq!(ghost.status, 404);
    let tenants = s.get("/tenants", &admin).await;
    assert_eq!(tenants.body["pagination"]["total"], 1);
    let own = s.get("/tenants", &t.owner).await;
    assert_eq!(own.data().as_array().unwrap().len(), 1);
}

async fn tenant_owner_changes_settings_but_not_suspension(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    let path = format!("/tenants/{}", t.id);
    let r = s
        .patch(
            &path,
            &t.owner,
            json!({"allow_negative_stock": true, "cash_rounding": 100, "timezone": "Asia/Makassar"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.data()["allow_negative_stock"], true);
    assert_eq!(r.data()["version"], 2);
    let stale =
        s.send(Method::PATCH, &path, Some(&t.owner), Some(json!({"cash_rounding": 500})), &[("if-match", "1")]).await;
    assert_eq!(stale.status, 409);
    assert_eq!(stale.code(), "version_conflict");
    let suspend = s.patch(&path, &t.owner, json!({"is_active": false})).await;
    assert_eq!(suspend.status, 403);
    let admin = s.admin().await;
    assert_eq!(s.patch(&path, &admin, json!({"is_active": false})).await.status, 200);
    assert_eq!(s.get("/auth/me", &t.owner).await.status, 401, "a suspended tenant's tokens stop working");
    assert_eq!(s.login("acme-owner", PASSWORD).await.status, 401);
}
