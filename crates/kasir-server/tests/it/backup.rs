//! Moving one tenant between servers, across engines: `GET /tenants/{id}/export` streams it in the
//! backup format, `POST /tenants/import` loads it with its ids kept, and every read answers the
//! same there. A file that is not a whole export of a new tenant loads nothing.

use std::io::{BufRead, Read, Write};

use kasir_server::demo::DEMO_PASSWORD;
use serde_json::{json, Value};

use crate::{
    backend_tests,
    common::{all, upload, Backend, TestServer},
};

backend_tests!(
    a_tenant_moves_to_a_server_of_the_other_engine_with_every_read_the_same,
    a_bad_or_partial_export_loads_nothing
);

fn other(b: Backend) -> Backend {
    match b {
        Backend::Sqlite => Backend::Postgres,
        Backend::Postgres => Backend::Sqlite,
    }
}

/// The demo café with a shift, three sales and a void: its tenant id, owner and cashier tokens.
async fn cafe(s: &TestServer) -> (String, String, String) {
    kasir_server::demo::seed(&s.state).await.expect("demo");
    let owner = s.token("demo-owner", DEMO_PASSWORD).await;
    let cashier = s.token("demo-cashier", DEMO_PASSWORD).await;
    let me = s.get("/auth/me", &owner).await;
    let tenant_id = me.data()["tenant_id"].as_str().expect("tenant").to_string();
    let outlets = s.get("/outlets", &cashier).await;
    let outlet = outlets.data().as_array().unwrap().iter().find(|o| o["code"] == "K01").expect("K01")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = s.post("/shifts/open", &cashier, json!({"outlet_id": outlet, "start_cash": 50000})).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let cake = s.get("/products/barcode/8990001000030", &cashier).await.data()["id"].as_str().unwrap().to_string();
    let methods = s.get("/payment-methods", &cashier).await;
    let cash = methods.data().as_array().unwrap().iter().find(|m| m["type"] == "cash").expect("cash")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut sales = Vec::new();
    for quantity in [1, 2, 1] {
        let r = s
            .post(
                "/sales",
                &cashier,
                json!({"outlet_id": outlet, "items": [{"product_id": cake, "quantity": quantity}],
                       "payments": [{"payment_method_id": cash, "amount": 200000}]}),
            )
            .await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        sales.push(r.data()["id"].as_str().unwrap().to_string());
    }
    let r = s.post(&format!("/sales/{}/void", sales[0]), &owner, json!({"reason": "rung up twice"})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    (tenant_id, owner, cashier)
}

async fn export(s: &TestServer, token: &str, tenant_id: &str) -> (u16, Vec<u8>, reqwest::header::HeaderMap) {
    let res = s
        .raw()
        .get(format!("{}/api/v1/tenants/{tenant_id}/export", s.base))
        .bearer_auth(token)
        .send()
        .await
        .expect("sent");
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    (status, res.bytes().await.expect("the whole body").to_vec(), headers)
}

fn lines(gz: &[u8]) -> Vec<String> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(gz).read_to_string(&mut text).expect("gzip");
    text.lines().map(str::to_string).collect()
}

fn gzip(lines: &[String]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    for l in lines {
        enc.write_all(l.as_bytes()).unwrap();
        enc.write_all(b"\n").unwrap();
    }
    enc.finish().unwrap()
}

/// The reads a till, a back office and a syncing device make of the tenant.
async fn reads(s: &TestServer, owner: &str, cashier: &str) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for path in ["/auth/me", "/dashboard/summary", "/reports/sales?group_by=product", "/sync/pull?limit=500"] {
        out.push(one(s, path, owner).await);
    }
    let outlet = s.get("/outlets", cashier).await.data()[0]["id"].as_str().unwrap().to_string();
    out.push(one(s, &format!("/shifts/current?outlet_id={outlet}"), cashier).await);
    for path in [
        "/outlets",
        "/users",
        "/products",
        "/categories",
        "/stock",
        "/stock/movements",
        "/sales",
        "/shifts",
        "/customers",
        "/promotions",
        "/vouchers",
        "/payment-methods",
        "/tables",
        "/stations",
    ] {
        out.push((path.to_string(), Value::Array(all(s, path, owner).await)));
    }
    let sales = all(s, "/sales", owner).await;
    assert_eq!(sales.len(), 3);
    for sale in &sales {
        out.push(one(s, &format!("/sales/{}", sale["id"].as_str().unwrap()), owner).await);
    }
    out.push(one(s, &format!("/shifts/{}/report", sales[0]["shift_id"].as_str().unwrap()), owner).await);
    // The cashier's login came along too.
    out.push(one(s, "/auth/me", cashier).await);
    out
}

async fn one(s: &TestServer, path: &str, token: &str) -> (String, Value) {
    let r = s.get(path, token).await;
    assert_eq!(r.status, 200, "{path}: {:?}", r.body);
    (path.to_string(), r.body)
}

async fn a_tenant_moves_to_a_server_of_the_other_engine_with_every_read_the_same(b: Backend) {
    let from = TestServer::start(b).await;
    let (tenant_id, owner, cashier) = cafe(&from).await;
    let (status, file, headers) = export(&from, &owner, &tenant_id).await;
    assert_eq!(status, 200);
    assert_eq!(headers.get("content-type").unwrap(), "application/gzip");
    assert!(headers.get("content-disposition").unwrap().to_str().unwrap().starts_with("attachment; filename=\"demo-"));
    let text = lines(&file);
    let header: Value = serde_json::from_str(&text[0]).unwrap();
    assert_eq!(
        (&header["kind"], &header["format"], &header["version"], &header["scope"], &header["tenant_id"]),
        (&json!("header"), &json!("kasir-backup"), &json!(1), &json!("tenant"), &json!(tenant_id))
    );
    let rows = text.iter().filter(|l| l.starts_with('[')).count() as u64;
    let end: Value = serde_json::from_str(text.last().unwrap()).unwrap();
    assert_eq!(end, json!({"kind": "end", "tables": 110, "rows": rows}));
    assert!(!text.iter().any(|l| l.contains("jwt_secret")), "the platform's own settings stay home");

    let to = TestServer::start(other(b)).await;
    let admin = to.admin().await;
    let r = upload(&to, &admin, "/tenants/import", "demo.kasir", file.clone(), &[]).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.body["data"], json!({"tenant_id": tenant_id, "tables": 110, "rows": rows}));

    // The same tokens work there (the sessions moved; the test servers share a signing secret),
    // and every read answers the same.
    let (here, there) = (reads(&from, &owner, &cashier).await, reads(&to, &owner, &cashier).await);
    assert_eq!(here.len(), there.len());
    for ((path, a), (_, b)) in here.iter().zip(&there) {
        assert_eq!(a, b, "{path} differs after the move");
    }
    // The till goes on selling there.
    let sale = &there.iter().find(|(p, _)| p.starts_with("/sales/")).unwrap().1["data"];
    let r = to
        .post(
            "/sales",
            &cashier,
            json!({"outlet_id": sale["outlet_id"], "items": [{"product_id": sale["items"][0]["product_id"], "quantity": 1}],
                   "payments": [{"payment_method_id": sale["payments"][0]["payment_method_id"], "amount": 200000}]}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    // Importing it again is a conflict, and the import is in the audit log.
    let r = upload(&to, &admin, "/tenants/import", "demo.kasir", file, &[]).await;
    assert_eq!((r.status, r.code(), r.fields()), (409, "conflict", vec!["tenant_id".to_string()]));
    let log = to.get("/audit-logs?action=tenant.import", &owner).await;
    assert_eq!(log.data().as_array().unwrap().len(), 1, "{:?}", log.body);
}

async fn tenants(s: &TestServer, admin: &str) -> Value {
    s.get("/tenants", admin).await.body["pagination"]["total"].clone()
}

async fn a_bad_or_partial_export_loads_nothing(b: Backend) {
    let from = TestServer::start(b).await;
    let (tenant_id, owner, cashier) = cafe(&from).await;
    // Only the tenant's owner (or the platform operator) exports it.
    assert_eq!(export(&from, &cashier, &tenant_id).await.0, 403);
    let stranger = from.tenant("other").await;
    assert_eq!(export(&from, &stranger.owner, &tenant_id).await.0, 404);
    let (_, file, _) = export(&from, &owner, &tenant_id).await;
    let text = lines(&file);

    let to = TestServer::start(b).await;
    let admin = to.admin().await;
    let before = tenants(&to, &admin).await;
    // Only the platform operator imports.
    let other_owner = to.tenant("elsewhere").await.owner;
    let r = upload(&to, &other_owner, "/tenants/import", "demo.kasir", file.clone(), &[]).await;
    assert_eq!(r.status, 403, "{:?}", r.body);
    let before_bad = tenants(&to, &admin).await;
    assert_eq!(before_bad, json!(before.as_i64().unwrap() + 1));

    let refused = |why: &'static str, bytes: Vec<u8>| {
        let (to, admin) = (&to, admin.clone());
        async move {
            let r = upload(to, &admin, "/tenants/import", "x.kasir", bytes, &[]).await;
            assert_eq!((r.status, r.code()), (422, "invalid_backup"), "{why}: {:?}", r.body);
            r.body["message"].as_str().unwrap().to_string()
        }
    };
    let m = refused("not a backup", b"name,price\nkopi,1000\n".to_vec()).await;
    assert!(m.contains("not a Kasir backup"), "{m}");
    // Cut short: the closing lines are missing.
    let m = refused("truncated", gzip(&text[..text.len() - 2])).await;
    assert!(m.contains("ends early"), "{m}");
    // Cut in the middle of a gzip stream.
    refused("a broken gzip stream", file[..file.len() / 2].to_vec()).await;
    // A row that is not the tenant's: the header names another tenant than the rows do.
    let mut forged = text.clone();
    forged[0] = forged[0].replace(&tenant_id, "6a0c0c7e-0000-4000-8000-000000000001");
    let m = refused("rows of another tenant", gzip(&forged)).await;
    assert!(m.contains("belong to another tenant"), "{m}");
    // A row count that does not match its table's closing line.
    let mut short = text.clone();
    let at = short.iter().position(|l| l.starts_with('[') && l.contains("Cheesecake")).expect("a product row");
    short.remove(at);
    let m = refused("a row missing", gzip(&short)).await;
    assert!(m.contains("rows where the file says"), "{m}");
    // A whole database's backup is not a tenant's export.
    let whole = tempfile::NamedTempFile::new().unwrap();
    let sink = Box::new(whole.reopen().unwrap());
    kasir_store::platform::backup::dump(&from.state.db, &kasir_store::platform::backup::Content::Database, sink)
        .await
        .unwrap();
    let mut bytes = Vec::new();
    std::io::BufReader::new(whole.reopen().unwrap()).read_to_end(&mut bytes).unwrap();
    let first = std::io::BufReader::new(flate2::read::GzDecoder::new(&bytes[..])).lines().next().unwrap().unwrap();
    assert!(first.contains("\"scope\":\"database\""), "{first}");
    let m = refused("a whole database", bytes).await;
    assert!(m.contains("kasir restore"), "{m}");

    // None of it left anything behind: the same tenants, and the real export still loads.
    assert_eq!(tenants(&to, &admin).await, before_bad);
    let r = upload(&to, &admin, "/tenants/import", "demo.kasir", file, &[]).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(tenants(&to, &admin).await, json!(before_bad.as_i64().unwrap() + 1));
}
