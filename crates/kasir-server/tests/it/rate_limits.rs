//! Rate limits per client address (a minute) and per login (an hour), shared by the processes
//! of one PostgreSQL; `X-Forwarded-For` believed only from trusted proxies.

use std::time::Duration;

use reqwest::Method;

use crate::{
    backend_tests,
    common::{Backend, Resp, TestServer, PASSWORD},
};

async fn ping_from(s: &TestServer, forwarded_for: Option<&str>) -> Resp {
    let headers: Vec<(&str, &str)> = forwarded_for.map(|f| ("x-forwarded-for", f)).into_iter().collect();
    s.send(Method::GET, "/ping", None, None, &headers).await
}

fn assert_limited(r: &Resp, max_wait: u64) {
    assert_eq!((r.status, r.code()), (429, "rate_limited"), "{:?}", r.body);
    let wait: u64 = r.header("retry-after").and_then(|v| v.parse().ok()).expect("Retry-After");
    assert!((1..=max_wait).contains(&wait), "Retry-After {wait}");
}

async fn a_client_address_gets_so_many_requests_a_minute(b: Backend) {
    let s = TestServer::start_with(b, |c| c.rate_limit_per_minute = 5).await;
    for _ in 0..5 {
        assert_eq!(ping_from(&s, None).await.status, 200);
    }
    assert_limited(&ping_from(&s, None).await, 60);
    // Health, metrics and sync are not counted, nor refused.
    assert_eq!(s.raw().get(format!("{}/health", s.base)).send().await.unwrap().status(), 200);
    assert_eq!(s.raw().get(format!("{}/metrics", s.base)).send().await.unwrap().status(), 200);
    let pull = s.send(Method::GET, "/sync/pull", None, None, &[]).await;
    assert_eq!(pull.status, 401, "sync answers for itself: {:?}", pull.body);
    // Without a trusted proxy, X-Forwarded-For is the client's own say-so and changes nothing.
    assert_limited(&ping_from(&s, Some("10.9.9.9")).await, 60);
}

async fn forwarded_addresses_count_only_behind_a_trusted_proxy(b: Backend) {
    let s = TestServer::start_with(b, |c| {
        c.rate_limit_per_minute = 3;
        c.trusted_proxies = kasir_server::auth::client_addr::TrustedProxies::parse("127.0.0.1").unwrap();
    })
    .await;
    for _ in 0..3 {
        assert_eq!(ping_from(&s, Some("203.0.113.7")).await.status, 200);
    }
    assert_limited(&ping_from(&s, Some("203.0.113.7")).await, 60);
    assert_eq!(ping_from(&s, Some("203.0.113.8")).await.status, 200, "another client behind the proxy");
}

async fn a_login_gets_so_many_requests_an_hour(b: Backend) {
    let s = TestServer::start_with(b, |c| c.rate_limit_per_hour = 4).await;
    let t = s.tenant("limits").await;
    s.user(&t.owner, "limits-cashier", "cashier", &[]).await;
    let cashier = s.token("limits-cashier", PASSWORD).await;
    // The owner made requests above; the cashier's own count starts now.
    for _ in 0..4 {
        assert_eq!(s.get("/auth/me", &cashier).await.status, 200);
    }
    let r = s.get("/auth/me", &cashier).await;
    assert_limited(&r, 3600);
    // Another login from the same address is not held up.
    let other = s.login("limits-owner", PASSWORD).await;
    assert_eq!(other.status, 200, "{:?}", other.body);
}

async fn nodes_share_their_counts(b: Backend) {
    if b == Backend::Sqlite {
        return; // one process per SQLite database
    }
    let a = TestServer::start_with(b, |c| c.rate_limit_per_minute = 6).await;
    let other = a.another_node_with(|c| c.rate_limit_per_minute = 6).await;
    for _ in 0..4 {
        assert_eq!(ping_from(&a, None).await.status, 200);
    }
    // Each node shares what it counted every 200 ms, and hears the total for the keys it shared.
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(ping_from(&other, None).await.status, 200, "the 5th");
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(ping_from(&other, None).await.status, 200, "the 6th");
    assert_limited(&ping_from(&other, None).await, 60);
    // The first node last heard the total when it shared its own 4: it lets one more through,
    // hears the total at its next flush and refuses from then on (past a limit, at most what
    // arrives within one flush interval gets through).
    assert_eq!(ping_from(&a, None).await.status, 200, "a stale count");
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_limited(&ping_from(&a, None).await, 60);
}

backend_tests!(
    a_client_address_gets_so_many_requests_a_minute,
    forwarded_addresses_count_only_behind_a_trusted_proxy,
    a_login_gets_so_many_requests_an_hour,
    nodes_share_their_counts,
);
