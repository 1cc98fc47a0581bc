use reqwest::Method;
use serde_json::json;

use crate::common::{Backend, TestServer, PASSWORD};

crate::backend_tests!(
    outlets_are_created_read_changed_and_deleted_with_versions,
    lists_paginate_search_sort_and_filter,
    unknown_or_malformed_list_parameters_are_refused,
    custom_roles_grant_their_permissions,
    roles_in_use_cannot_be_deleted,
    users_can_be_changed_and_deleted_without_leaking_secrets,
);

async fn outlets_are_created_read_changed_and_deleted_with_versions(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    let id = kasir_domain::ids::new_id();
    let created = s
        .post("/outlets", &t.owner, json!({"id": id, "name": "Sudirman", "code": "k01", "address": "Jl. Sudirman 1"}))
        .await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    let o = created.data();
    assert_eq!(o["id"], id.as_str(), "a client-supplied id is honoured");
    assert_eq!(o["code"], "K01");
    assert_eq!(o["version"], 1);
    assert_eq!(o["timezone"], "Asia/Jakarta", "defaults to the tenant's zone");
    assert_eq!(o["tenant_id"], t.id.as_str());
    assert!(o["created_at"].as_str().unwrap().ends_with('Z'));
    let again = s.post("/outlets", &t.owner, json!({"id": id, "name": "Again", "code": "K02"})).await;
    assert_eq!(again.status, 409);
    let dup_code = s.post("/outlets", &t.owner, json!({"name": "Dup", "code": "K01"})).await;
    assert_eq!(dup_code.status, 409);
    assert_eq!(dup_code.fields(), vec!["code"]);
    let path = format!("/outlets/{id}");
    let changed = s
        .send(
            Method::PATCH,
            &path,
            Some(&t.owner),
            Some(json!({"name": "Sudirman 2", "address": null})),
            &[("if-match", "1")],
        )
        .await;
    assert_eq!(changed.status, 200, "{:?}", changed.body);
    assert_eq!(changed.data()["version"], 2);
    assert_eq!(changed.data()["address"], serde_json::Value::Null);
    let stale = s.send(Method::PATCH, &path, Some(&t.owner), Some(json!({"name": "Old"})), &[("if-match", "1")]).await;
    assert_eq!(stale.status, 409);
    assert_eq!(stale.code(), "version_conflict");
    let stale_body = s.patch(&path, &t.owner, json!({"name": "Old", "version": 1})).await;
    assert_eq!(stale_body.code(), "version_conflict");
    let bad_tz = s.patch(&path, &t.owner, json!({"timezone": "Nowhere/City"})).await;
    assert_eq!(bad_tz.status, 400);
    assert_eq!(bad_tz.fields(), vec!["timezone"]);
    assert_eq!(s.get(&path, &t.owner).await.data()["name"], "Sudirman 2");
    let deleted = s.send(Method::DELETE, &path, Some(&t.owner), None, &[("if-match", "2")]).await;
    assert_eq!(deleted.status, 200, "{:?}", deleted.body);
    assert_eq!(s.get(&path, &t.owner).await.status, 404);
    assert_eq!(s.delete(&path, &t.owner).await.status, 404);
    let reuse_code = s.post("/outlets", &t.owner, json!({"name": "New", "code": "K01"})).await;
    assert_eq!(reuse_code.status, 201, "a deleted outlet's code is free again");
    assert_eq!(s.get("/outlets/not-a-uuid", &t.owner).await.status, 400);
    assert_eq!(s.get(&format!("/outlets/{}", kasir_domain::ids::new_id()), &t.owner).await.status, 404);
}

async fn lists_paginate_search_sort_and_filter(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    for i in 0..25 {
        let r = s.post("/outlets", &t.owner, json!({"name": format!("Toko {i:02} {}", if i % 5 == 0 { "Kemang" } else { "Kota" }), "code": format!("K{i:02}"), "is_active": i % 2 == 0})).await;
        assert_eq!(r.status, 201);
    }
    let page3 = s.get("/outlets?per_page=10&page=3&sort=code", &t.owner).await;
    assert_eq!(page3.status, 200);
    assert_eq!(page3.body["pagination"], json!({"page": 3, "per_page": 10, "total": 25, "total_pages": 3}));
    let codes: Vec<&str> = page3.data().as_array().unwrap().iter().map(|o| o["code"].as_str().unwrap()).collect();
    assert_eq!(codes, vec!["K20", "K21", "K22", "K23", "K24"]);
    let desc = s.get("/outlets?per_page=2&sort=-code", &t.owner).await;
    assert_eq!(desc.data()[0]["code"], "K24");
    assert_eq!(desc.body["pagination"]["total"], 25, "a full page counts every match");
    let search = s.get("/outlets?search=kEmAnG", &t.owner).await;
    assert_eq!(search.body["pagination"]["total"], 5);
    let filtered = s.get("/outlets?is_active=false&per_page=200", &t.owner).await;
    assert_eq!(filtered.body["pagination"]["total"], 12);
    let both = s.get("/outlets?is_active=true&search=kemang", &t.owner).await;
    assert_eq!(both.body["pagination"]["total"], 3);
    let wildcard = s.get("/outlets?search=%25", &t.owner).await;
    assert_eq!(wildcard.body["pagination"]["total"], 0, "% is matched literally");
    let past_end = s.get("/outlets?page=9", &t.owner).await;
    assert_eq!(past_end.data().as_array().unwrap().len(), 0);
    assert_eq!(past_end.body["pagination"]["total"], 25, "a page past the end still counts");
}

async fn unknown_or_malformed_list_parameters_are_refused(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    for (query, field) in [
        ("per_page=500", "per_page"),
        ("page=0", "page"),
        ("page=abc", "page"),
        ("sort=password_hash", "sort"),
        ("is_active=maybe", "is_active"),
        ("tenant_id=x", "tenant_id"),
        ("colour=red", "colour"),
    ] {
        let r = s.get(&format!("/outlets?{query}"), &t.owner).await;
        assert_eq!(r.status, 400, "{query}");
        assert_eq!(r.fields(), vec![field.to_string()], "{query}");
    }
}

async fn custom_roles_grant_their_permissions(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    let k1 = s.outlet(&t.owner, "K01").await;
    let role = s
        .post(
            "/roles",
            &t.owner,
            json!({"name": "Supervisor", "description": "Sees people", "permissions": ["users.read", "outlets.read"]}),
        )
        .await;
    assert_eq!(role.status, 201, "{:?}", role.body);
    assert_eq!(role.data()["permissions"], json!(["outlets.read", "users.read"]));
    let dup = s.post("/roles", &t.owner, json!({"name": "supervisor", "permissions": []})).await;
    assert_eq!(dup.status, 409);
    s.user(&t.owner, "super1", "Supervisor", &[&k1]).await;
    let login = s.login("super1", crate::common::PASSWORD).await;
    let perms = &login.data()["user"]["permissions"];
    assert_eq!(perms, &json!(["outlets.read", "users.read"]));
    let token = login.data()["access_token"].as_str().unwrap();
    assert_eq!(s.get("/users", token).await.status, 200);
    assert_eq!(s.post("/outlets", token, json!({"name": "n", "code": "K9"})).await.status, 403);
    let role_id = role.data()["id"].as_str().unwrap();
    let narrowed = s.patch(&format!("/roles/{role_id}"), &t.owner, json!({"permissions": ["outlets.read"]})).await;
    assert_eq!(narrowed.status, 200);
    assert_eq!(s.get("/users", token).await.status, 403, "permission changes apply at once");
    let perms = s.get("/permissions", &t.owner).await;
    let names: Vec<&str> = perms.data().as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"sales.create") && names.contains(&"audit.read"));
    let rename = s.patch(&format!("/roles/{role_id}"), &t.owner, json!({"name": "Lead"})).await;
    assert_eq!(rename.status, 422);
    assert_eq!(rename.code(), "role_in_use");
}

async fn roles_in_use_cannot_be_deleted(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    let k1 = s.outlet(&t.owner, "K01").await;
    let role = s.post("/roles", &t.owner, json!({"name": "Barista", "permissions": ["catalog.read"]})).await;
    let role_id = role.data()["id"].as_str().unwrap().to_string();
    let user = s.user(&t.owner, "barista1", "Barista", &[&k1]).await;
    let refused = s.delete(&format!("/roles/{role_id}"), &t.owner).await;
    assert_eq!(refused.status, 422);
    assert_eq!(refused.code(), "role_in_use");
    assert_eq!(s.delete(&format!("/users/{user}"), &t.owner).await.status, 200);
    assert_eq!(s.delete(&format!("/roles/{role_id}"), &t.owner).await.status, 200);
    assert_eq!(s.get("/roles", &t.owner).await.body["pagination"]["total"], 0);
}

async fn users_can_be_changed_and_deleted_without_leaking_secrets(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    let k1 = s.outlet(&t.owner, "K01").await;
    let k2 = s.outlet(&t.owner, "K02").await;
    let id = s.user(&t.owner, "kasir1", "cashier", &[&k1]).await;
    let path = format!("/users/{id}");
    let r = s
        .patch(&path, &t.owner, json!({"outlet_ids": [k1, k2], "email": "kasir1@example.com", "role": "kitchen"}))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.data()["outlet_ids"], json!([k1, k2]));
    assert_eq!(r.data()["role"], "kitchen");
    let bad = s.patch(&path, &t.owner, json!({"email": "not-an-email"})).await;
    assert_eq!(bad.fields(), vec!["email"]);
    let text = serde_json::to_string(&s.get("/users", &t.owner).await.body).unwrap();
    assert!(!text.contains("argon2") && !text.contains("password"), "no password material in user lists");
    let reset = s.patch(&path, &t.owner, json!({"password": "brand-new-pass"})).await;
    assert_eq!(reset.status, 200);
    s.token("kasir1", "brand-new-pass").await;
    let self_delete = s.delete(&format!("/users/{}", t.owner_id), &t.owner).await;
    assert_eq!(self_delete.status, 422);
    assert_eq!(s.delete(&path, &t.owner).await.status, 200);
    assert_eq!(s.login("kasir1", "brand-new-pass").await.status, 401);
    assert_eq!(s.get(&path, &t.owner).await.status, 404);
    let again = s
        .post("/users", &t.owner, json!({"username": "kasir1", "password": PASSWORD, "name": "k", "role": "cashier"}))
        .await;
    assert_eq!(again.status, 201, "a deleted user's name is free again: {:?}", again.body);
}
