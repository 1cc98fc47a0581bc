use reqwest::Method;

use crate::common::{Backend, TestServer};

crate::backend_tests!(
    openapi_documents_every_contract_route,
    docs_page_is_served,
    every_event_type_and_error_code_is_documented
);

/// The routes of API.md that exist so far. A route missing from the document fails this test.
const CONTRACT: &[(&str, &str)] = &[
    ("get", "/api/v1/ping"),
    ("get", "/health"),
    ("get", "/metrics"),
    ("get", "/api/v1/openapi.json"),
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/auth/refresh"),
    ("post", "/api/v1/auth/logout"),
    ("get", "/api/v1/auth/me"),
    ("get", "/api/v1/auth/verify"),
    ("post", "/api/v1/auth/password"),
    ("post", "/api/v1/api-keys"),
    ("get", "/api/v1/api-keys"),
    ("delete", "/api/v1/api-keys/{id}"),
    ("get", "/api/v1/roles"),
    ("post", "/api/v1/roles"),
    ("get", "/api/v1/roles/{id}"),
    ("patch", "/api/v1/roles/{id}"),
    ("delete", "/api/v1/roles/{id}"),
    ("get", "/api/v1/permissions"),
    ("post", "/api/v1/tenants"),
    ("get", "/api/v1/tenants"),
    ("get", "/api/v1/tenants/{id}"),
    ("patch", "/api/v1/tenants/{id}"),
    ("get", "/api/v1/outlets"),
    ("post", "/api/v1/outlets"),
    ("get", "/api/v1/outlets/{id}"),
    ("patch", "/api/v1/outlets/{id}"),
    ("delete", "/api/v1/outlets/{id}"),
    ("get", "/api/v1/users"),
    ("post", "/api/v1/users"),
    ("get", "/api/v1/users/{id}"),
    ("patch", "/api/v1/users/{id}"),
    ("delete", "/api/v1/users/{id}"),
    ("get", "/api/v1/audit-logs"),
    ("get", "/api/v1/sync/pull"),
    ("get", "/api/v1/categories"),
    ("post", "/api/v1/categories"),
    ("patch", "/api/v1/categories/{id}"),
    ("delete", "/api/v1/categories/{id}"),
    ("get", "/api/v1/brands"),
    ("post", "/api/v1/brands"),
    ("get", "/api/v1/taxes"),
    ("post", "/api/v1/taxes"),
    ("get", "/api/v1/modifier-groups"),
    ("post", "/api/v1/modifier-groups"),
    ("get", "/api/v1/warehouses"),
    ("post", "/api/v1/warehouses"),
    ("delete", "/api/v1/warehouses/{id}"),
    ("get", "/api/v1/products"),
    ("post", "/api/v1/products"),
    ("get", "/api/v1/products/{id}"),
    ("patch", "/api/v1/products/{id}"),
    ("delete", "/api/v1/products/{id}"),
    ("get", "/api/v1/products/barcode/{code}"),
    ("get", "/api/v1/stock"),
    ("get", "/api/v1/stock/movements"),
    ("post", "/api/v1/stock/adjustments"),
    ("get", "/api/v1/stock/transfers"),
    ("post", "/api/v1/stock/transfers"),
    ("get", "/api/v1/stock/transfers/{id}"),
    ("post", "/api/v1/stock/transfers/{id}/send"),
    ("post", "/api/v1/stock/transfers/{id}/receive"),
    ("post", "/api/v1/stock/transfers/{id}/cancel"),
    ("get", "/api/v1/suppliers"),
    ("post", "/api/v1/suppliers"),
    ("get", "/api/v1/purchases"),
    ("post", "/api/v1/purchases"),
    ("patch", "/api/v1/purchases/{id}"),
    ("post", "/api/v1/purchases/{id}/order"),
    ("post", "/api/v1/purchases/{id}/receive"),
    ("post", "/api/v1/purchases/{id}/cancel"),
    ("get", "/api/v1/purchase-returns"),
    ("post", "/api/v1/purchase-returns"),
];

async fn openapi_documents_every_contract_route(b: Backend) {
    let s = TestServer::start(b).await;
    let doc = s.send(Method::GET, "/api/v1/openapi.json", None, None, &[]).await;
    assert_eq!(doc.status, 200);
    assert!(doc.body["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = doc.body["paths"].as_object().expect("paths");
    for (method, path) in CONTRACT {
        let op = &paths.get(*path).unwrap_or_else(|| panic!("{path} is missing from the OpenAPI document"))[*method];
        assert!(op.is_object(), "{method} {path} is missing from the OpenAPI document");
        let responses = op["responses"].as_object().unwrap();
        assert!(responses.keys().any(|k| k.starts_with('2')), "{method} {path} documents no success");
        assert!(responses.contains_key("500"), "{method} {path} documents no server error");
        if ![
            "/health",
            "/metrics",
            "/api/v1/ping",
            "/api/v1/openapi.json",
            "/api/v1/auth/login",
            "/api/v1/auth/refresh",
            "/api/v1/auth/logout",
        ]
        .contains(path)
        {
            assert!(
                responses.contains_key("401") && responses.contains_key("403"),
                "{method} {path} documents no auth errors"
            );
        }
    }
    let params = |method: &str, path: &str| -> Vec<String> {
        paths[path][method]["parameters"]
            .as_array()
            .map(|a| a.iter().map(|p| p["name"].as_str().unwrap_or("").to_string()).collect())
            .unwrap_or_default()
    };
    assert!(params("post", "/api/v1/outlets").contains(&"Idempotency-Key".to_string()));
    assert!(params("post", "/api/v1/tenants").contains(&"Idempotency-Key".to_string()));
    assert!(params("patch", "/api/v1/users/{id}").contains(&"If-Match".to_string()));
    // Every {param} in a path is declared as a path parameter of each of its operations.
    for (path, item) in paths {
        let wanted: Vec<&str> = path.split('{').skip(1).filter_map(|p| p.split('}').next()).collect();
        for (method, op) in item.as_object().unwrap() {
            let declared: Vec<&str> = op["parameters"]
                .as_array()
                .map(|a| a.iter().filter(|p| p["in"] == "path").filter_map(|p| p["name"].as_str()).collect())
                .unwrap_or_default();
            for w in &wanted {
                assert!(declared.contains(w), "{method} {path} does not declare the path parameter {w}");
            }
        }
    }
    let schemas = doc.body["components"]["schemas"].as_object().unwrap();
    for name in ["ErrorBody", "Outlet", "User", "CreateUser", "TokenPair", "PullResult"] {
        assert!(schemas.contains_key(name), "schema {name} missing");
    }
    // Every answer an operation can give is documented: a sale can also meet a stalled or huge
    // body, a reused key, a business rule and a busy database; a read names missing records.
    let codes = |method: &str, path: &str| -> Vec<String> {
        paths[path][method]["responses"].as_object().map(|r| r.keys().cloned().collect()).unwrap_or_default()
    };
    for code in ["201", "400", "401", "403", "404", "408", "409", "413", "422", "500", "503"] {
        assert!(codes("post", "/api/v1/sales").contains(&code.to_string()), "POST /sales does not document {code}");
    }
    assert!(codes("get", "/api/v1/audit-logs").contains(&"404".to_string()));
    let formats: Vec<&String> = paths["/api/v1/reports/sales"]["get"]["responses"]["200"]["content"]
        .as_object()
        .map(|c| c.keys().collect())
        .unwrap_or_default();
    assert_eq!(formats.len(), 3, "JSON, CSV and XLSX: {formats:?}");
    // The socket's frames list every event the server sends.
    let kinds: Vec<&str> = paths["/api/v1/ws"]["get"]["responses"]["101"]["content"]["application/json"]["schema"]
        ["properties"]["type"]["enum"]
        .as_array()
        .expect("the frame types")
        .iter()
        .filter_map(|k| k.as_str())
        .collect();
    for kind in kasir_domain::EventKind::ALL {
        assert!(kinds.contains(&kind.as_str()), "{} is not documented", kind.as_str());
    }
    assert!(kinds.contains(&"RESYNC_REQUIRED"));
    // Every $ref points at a schema that exists.
    let text = doc.body.to_string();
    for part in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = part.split('"').next().unwrap();
        assert!(schemas.contains_key(name), "dangling $ref to {name}");
    }
}

async fn docs_page_is_served(b: Backend) {
    let s = TestServer::start(b).await;
    let r = s.raw().get(format!("{}/docs", s.base)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("/api/v1/openapi.json"));
}

/// The `/ws` frame lists every event type, `x-event-payloads` gives each its payload schema, and
/// the error body's `code` lists every error code.
async fn every_event_type_and_error_code_is_documented(b: Backend) {
    let s = TestServer::start(b).await;
    let doc = s.send(Method::GET, "/api/v1/openapi.json", None, None, &[]).await.body;
    let frame = &doc["paths"]["/api/v1/ws"]["get"]["responses"]["101"]["content"]["application/json"]["schema"];
    let types: Vec<&str> =
        frame["properties"]["type"]["enum"].as_array().expect("types").iter().filter_map(|t| t.as_str()).collect();
    for kind in kasir_domain::EventKind::ALL {
        assert!(types.contains(&kind.as_str()), "{} is not a documented frame type", kind.as_str());
        let schema = frame["x-event-payloads"][kind.as_str()]["$ref"].as_str().expect("a payload schema");
        let name = schema.rsplit('/').next().unwrap();
        let schema = &doc["components"]["schemas"][name];
        // A payload that flattens its record (an order event) is `allOf` the record and its own fields.
        let has_id = |sc: &serde_json::Value| sc["properties"]["id"].is_object();
        let flattened = schema["allOf"].as_array().into_iter().flatten().any(|part| {
            let target = part["$ref"].as_str().and_then(|r| r.rsplit('/').next()).unwrap_or("");
            has_id(part) || has_id(&doc["components"]["schemas"][target])
        });
        // SYNC_CHANGES names no record: it says the feed grew, and to which cursor.
        let names_feed = kind == kasir_domain::EventKind::SyncChanges && schema["properties"]["cursor"].is_object();
        assert!(has_id(schema) || flattened || names_feed, "{name} names its record with id: {schema}");
    }
    let codes: Vec<&str> = doc["components"]["schemas"]["ErrorBody"]["properties"]["code"]["enum"]
        .as_array()
        .expect("codes")
        .iter()
        .filter_map(|c| c.as_str())
        .collect();
    let all: Vec<&str> = kasir_domain::ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(codes, all);
}
