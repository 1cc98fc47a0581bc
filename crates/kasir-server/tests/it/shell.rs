use reqwest::Method;
use serde_json::json;

use crate::common::{Backend, TestServer};

crate::backend_tests!(
    malformed_json_and_wrong_types_get_400_with_fields,
    bodies_over_one_mebibyte_get_413,
    unknown_routes_and_methods_get_the_error_envelope,
    every_response_has_a_request_id_and_security_headers,
    cors_allows_only_configured_origins,
    ping_health_and_metrics_answer,
    health_reports_503_when_the_database_is_unreachable,
    nul_characters_are_refused_before_they_reach_the_database,
    docs_page_loads_only_assets_the_server_serves,
);

async fn malformed_json_and_wrong_types_get_400_with_fields(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    let url = format!("{}/api/v1/outlets", s.base);
    let malformed = s
        .raw()
        .post(&url)
        .bearer_auth(&t.owner)
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);
    let body: serde_json::Value = malformed.json().await.unwrap();
    assert_eq!(body["code"], "bad_request");
    assert_eq!(body["success"], false);
    let wrong_type = s.post("/outlets", &t.owner, json!({"name": 12, "code": "K1"})).await;
    assert_eq!(wrong_type.status, 400);
    assert_eq!(wrong_type.code(), "validation_failed");
    assert_eq!(wrong_type.fields(), vec!["name"]);
    let missing = s.post("/outlets", &t.owner, json!({"name": "n"})).await;
    assert_eq!(missing.fields(), vec!["code"]);
    let not_json = s
        .raw()
        .post(&url)
        .bearer_auth(&t.owner)
        .header("content-type", "text/plain")
        .body("name=x")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), 400);
    let array = s.send(Method::POST, "/outlets", Some(&t.owner), Some(json!([1, 2])), &[]).await;
    assert_eq!(array.status, 400);
    let huge_number = s
        .raw()
        .post(&url)
        .bearer_auth(&t.owner)
        .header("content-type", "application/json")
        .body(r#"{"name":"n","code":"K1","is_active":1e400}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(huge_number.status(), 400);
    assert_eq!(s.get("/outlets", &t.owner).await.body["pagination"]["total"], 0, "nothing was written");
}

async fn bodies_over_one_mebibyte_get_413(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    let big = format!(r#"{{"name":"{}","code":"K1"}}"#, "x".repeat(1024 * 1024 + 10));
    let r = s
        .raw()
        .post(format!("{}/api/v1/outlets", s.base))
        .bearer_auth(&t.owner)
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["code"], "payload_too_large");
}

async fn unknown_routes_and_methods_get_the_error_envelope(b: Backend) {
    let s = TestServer::start(b).await;
    let token = s.admin().await;
    let r = s.get("/no-such-thing", &token).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.code(), "not_found");
    let r = s.send(Method::PUT, "/ping", None, None, &[]).await;
    assert_eq!(r.status, 405);
    assert_eq!(r.code(), "method_not_allowed");
}

async fn every_response_has_a_request_id_and_security_headers(b: Backend) {
    let s = TestServer::start(b).await;
    let r = s.send(Method::GET, "/ping", None, None, &[]).await;
    assert!(r.header("x-request-id").is_some_and(|v| v.len() >= 32));
    assert_eq!(r.header("x-content-type-options").as_deref(), Some("nosniff"));
    assert_eq!(r.header("x-frame-options").as_deref(), Some("DENY"));
    assert!(r.header("content-security-policy").is_some());
    let mine = s.send(Method::GET, "/no-route", None, None, &[("x-request-id", "req-abc-123")]).await;
    assert_eq!(mine.header("x-request-id").as_deref(), Some("req-abc-123"));
    let login = s
        .send(
            Method::POST,
            "/auth/login",
            None,
            Some(json!({"username": "nobody", "password": "whatever-123"})),
            &[("x-request-id", "req-login-1")],
        )
        .await;
    assert_eq!(login.status, 401);
    let audit = s.get("/audit-logs?action=auth.login_failed", &s.admin().await).await;
    assert_eq!(audit.data()[0]["request_id"], "req-login-1", "the request id reaches the audit log");
}

async fn cors_allows_only_configured_origins(b: Backend) {
    let s = TestServer::start_with(b, |c| c.cors_origins = vec!["https://pos.example.com".into()]).await;
    let pre = |origin: &'static str| {
        s.raw()
            .request(Method::OPTIONS, format!("{}/api/v1/outlets", s.base))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "authorization,content-type")
            .send()
    };
    let ok = pre("https://pos.example.com").await.unwrap();
    assert_eq!(ok.headers().get("access-control-allow-origin").unwrap(), "https://pos.example.com");
    let other = pre("https://evil.example.com").await.unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
}

async fn ping_health_and_metrics_answer(b: Backend) {
    let s = TestServer::start(b).await;
    let ping = s.send(Method::GET, "/ping", None, None, &[]).await;
    assert_eq!(ping.body, json!({"success": true, "data": {"pong": true}}));
    let health = s.send(Method::GET, "/health", None, None, &[]).await;
    assert_eq!(health.status, 200);
    assert_eq!(health.body["status"], "OK");
    assert_eq!(health.body["database"], "ok");
    assert!(health.body["uptime_s"].is_u64());
    assert_eq!(health.body["version"], env!("CARGO_PKG_VERSION"));
    let text = s.raw().get(format!("{}/metrics", s.base)).send().await.unwrap().text().await.unwrap();
    assert!(text.contains(r#"kasir_http_requests_total{method="GET",route="/api/v1/ping",status="200"} 1"#), "{text}");
    assert!(text.contains("kasir_http_request_duration_seconds_bucket"));
    assert!(text.contains("kasir_db_pool_connections"));
}

async fn health_reports_503_when_the_database_is_unreachable(b: Backend) {
    let s = TestServer::start(b).await;
    s.state.db.close().await;
    let health = s.send(Method::GET, "/health", None, None, &[]).await;
    assert_eq!(health.status, 503);
    assert_eq!(health.body["database"], "unreachable");
    let login = s.login("admin", crate::common::ADMIN_PASSWORD).await;
    assert_eq!(login.status, 500);
    assert_eq!(login.code(), "internal");
    assert!(!login.body["message"].as_str().unwrap().contains("pool"), "no internals in the body");
}

async fn nul_characters_are_refused_before_they_reach_the_database(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    let r = s
        .post(
            "/users",
            &t.owner,
            json!({"username": "kasir1", "password": "password-123", "name": "k", "role": "\u{0}x"}),
        )
        .await;
    assert_eq!(r.status, 400, "{:?}", r.body);
    let r = s.post("/outlets", &t.owner, json!({"name": "a\u{0}b", "code": "K1"})).await;
    assert_eq!(r.status, 400);
    let r = s.get("/outlets?search=a%00b", &t.owner).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.fields(), vec!["search"]);
    let r = s.get("/audit-logs?entity=%00", &t.owner).await;
    assert_eq!(r.status, 400);
    assert_eq!(s.get("/outlets", &t.owner).await.body["pagination"]["total"], 0);
}

async fn docs_page_loads_only_assets_the_server_serves(b: Backend) {
    let s = TestServer::start(b).await;
    let v = env!("CARGO_PKG_VERSION");
    let js = "text/javascript; charset=utf-8";
    let year = Some("public, max-age=31536000, immutable");
    // The page is served both at the root and beside the document; each copy links to its own assets.
    for page in ["/docs", "/api/v1/docs"] {
        let page_url = reqwest::Url::parse(&format!("{}{page}", s.base)).unwrap();
        let r = s.raw().get(page_url.clone()).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(header(&r, "content-type").as_deref(), Some("text/html; charset=utf-8"));
        assert_eq!(
            header(&r, "content-security-policy").as_deref(),
            Some(
                "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
                 img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'"
            )
        );
        let html = r.text().await.unwrap();
        let links = linked_urls(&html);
        assert_eq!(
            html.matches("src=").count() + html.matches("href=").count(),
            links.len(),
            "every src/href is a double-quoted attribute the scan reads: {html}"
        );
        assert!(
            links.iter().all(|l| !l.contains("://") && !l.starts_with("//")),
            "{page} links off the server: {links:?}"
        );
        let expected = [
            (
                format!("docs/swagger-ui.css?v={v}"),
                format!("{page}/swagger-ui.css"),
                "text/css; charset=utf-8",
                ".swagger-ui",
                year,
            ),
            (
                format!("docs/swagger-ui-bundle.js?v={v}"),
                format!("{page}/swagger-ui-bundle.js"),
                js,
                "SwaggerUIBundle",
                year,
            ),
            (format!("docs/init.js?v={v}"), format!("{page}/init.js"), js, "url: \"/api/v1/openapi.json\"", year),
            (
                "/api/v1/openapi.json".to_string(),
                "/api/v1/openapi.json".to_string(),
                "application/json",
                "\"openapi\":\"3.1",
                None,
            ),
        ];
        assert_eq!(links, expected.iter().map(|e| e.0.clone()).collect::<Vec<_>>(), "{page}");
        for (link, path, content_type, marker, cache) in expected {
            let url = page_url.join(&link).unwrap();
            assert_eq!(url.path(), path, "{link} from {page}");
            let r = s.raw().get(url).send().await.unwrap();
            assert_eq!(r.status(), 200, "{path}");
            assert_eq!(header(&r, "content-type").as_deref(), Some(content_type), "{path}");
            if cache.is_some() {
                assert_eq!(header(&r, "cache-control").as_deref(), cache, "{path}");
            }
            let body = r.text().await.unwrap();
            assert!(body.contains(marker), "{path} lacks {marker:?}");
        }
    }
}

fn header(r: &reqwest::Response, name: &str) -> Option<String> {
    r.headers().get(name).map(|v| v.to_str().unwrap().to_string())
}

/// The values of every `src="…"` and `href="…"` attribute, in document order.
fn linked_urls(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attr in [" src=\"", " href=\""] {
        for (at, _) in html.match_indices(attr) {
            let value = &html[at + attr.len()..];
            found.push((at, value[..value.find('"').unwrap()].to_string()));
        }
    }
    found.sort();
    found.into_iter().map(|(_, value)| value).collect()
}
