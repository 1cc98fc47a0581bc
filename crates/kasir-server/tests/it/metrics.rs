//! `/metrics`: behind its token when one is set, and counting sockets, events sent, pulls and jobs.

use std::time::Duration;

use kasir_server::platform::jobs::JobContext;
use kasir_store::platform::jobs::NewJob;
use reqwest::StatusCode;
use serde_json::json;

use crate::{
    backend_tests,
    common::{eventually, Backend, TestServer},
    realtime::{connect, next, registered},
    till::Till,
};

const TOKEN: &str = "metrics-token-0123456789";

async fn scrape(s: &TestServer, token: Option<&str>) -> (StatusCode, String) {
    let mut req = s.raw().get(format!("{}/metrics", s.base));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.expect("scraped");
    (res.status(), res.text().await.expect("text"))
}

async fn metrics_need_their_token_and_count_sockets_events_pulls_and_jobs(b: Backend) {
    let s = TestServer::start_with(b, |c| {
        c.metrics_token = Some(TOKEN.into());
        c.jobs.poll = Duration::from_millis(20);
    })
    .await;
    assert_eq!(scrape(&s, None).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(scrape(&s, Some("metrics-token-wrong-000")).await.0, StatusCode::UNAUTHORIZED);
    let (status, text) = scrape(&s, Some(TOKEN)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(text.contains("kasir_ws_connections 0"), "{text}");

    let t = Till::new(&s).await;
    let mut ws = connect(&s, &t.owner).await;
    // The shift opens once the hub has the socket: an event before that is not the socket's.
    registered(&mut ws).await;
    t.open_shift(&s, &t.cashier, 0).await;
    assert_eq!(next(&mut ws, 5).await["type"], "SHIFT_OPENED");
    assert_eq!(s.get("/sync/pull", &t.owner).await.status, 200);
    s.state.jobs.register("noop", |_ctx: JobContext| async move { Ok(()) });
    s.state.jobs.enqueue(&s.state.db, &NewJob::new("noop", json!({}))).await.expect("enqueued");
    let text = eventually(10, "the job counted", || async {
        let (_, text) = scrape(&s, Some(TOKEN)).await;
        text.contains(r#"kasir_jobs{kind="noop",status="done"} 1"#).then_some(text)
    })
    .await;
    for line in [
        "kasir_ws_connections 1",
        "kasir_ws_events_sent_total 1",
        r#"kasir_pulls_total{kind="sync"} 1"#,
        r#"kasir_job_runs_total{kind="noop",status="done"} 1"#,
    ] {
        assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
    }
    drop(ws);
    eventually(10, "the socket counted closed", || async {
        scrape(&s, Some(TOKEN)).await.1.lines().any(|l| l == "kasir_ws_connections 0").then_some(())
    })
    .await;
}

backend_tests!(metrics_need_their_token_and_count_sockets_events_pulls_and_jobs);
