//! Slow and careless clients, over raw TCP: stalled heads and bodies are cut off after their
//! timeouts, a declared length over the limit is refused before any body is sent, and requests
//! refused before their bodies were read leave the keep-alive connection usable.

use std::time::Duration;

use serde_json::{json, Value};
use tokio::{
    io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader},
    net::TcpStream,
    time::Instant,
};
use tokio_tungstenite::tungstenite::Message;

use crate::{
    common::{Backend, TestServer},
    realtime::{connect, next},
    till::Till,
};

crate::backend_tests!(
    a_stalled_request_head_is_closed_after_the_header_timeout,
    a_stalled_body_gets_408_after_the_body_timeout,
    a_declared_length_over_the_limit_gets_413_before_any_body_is_sent,
    uploads_are_held_to_their_own_larger_limit,
    a_hundred_keep_alive_requests_refused_before_their_bodies_are_all_answered,
    a_refused_body_too_big_to_drain_is_read_to_its_end_and_then_the_connection_closes,
    websockets_outlive_the_header_and_body_timeouts,
);

const SECOND: Duration = Duration::from_secs(1);

async fn a_stalled_request_head_is_closed_after_the_header_timeout(b: Backend) {
    let s = TestServer::start_with(b, |c| c.header_timeout = SECOND).await;
    let mut c = Raw::open(&s).await;
    let started = Instant::now();
    c.send(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: kasir\r\nContent-Ty").await;
    c.closed_within(Duration::from_secs(5)).await;
    assert!(started.elapsed() >= Duration::from_millis(900), "closed after {:?}", started.elapsed());

    // A connection that never sends a byte goes the same way.
    let mut idle = Raw::open(&s).await;
    idle.closed_within(Duration::from_secs(5)).await;
}

async fn a_stalled_body_gets_408_after_the_body_timeout(b: Backend) {
    let s = TestServer::start_with(b, |c| c.body_timeout = SECOND).await;
    let t = s.tenant("acme").await;
    let stalled = [
        // Read by the handler's JSON extractor.
        ("POST /api/v1/auth/login", String::new()),
        // Read by the Idempotency-Key middleware before the handler.
        ("POST /api/v1/outlets", format!("Authorization: Bearer {}\r\nIdempotency-Key: stall-1\r\n", t.owner)),
    ];
    for (line, extra) in stalled {
        let mut c = Raw::open(&s).await;
        let started = Instant::now();
        let head = format!(
            "{line} HTTP/1.1\r\nHost: kasir\r\n{extra}Content-Type: application/json\r\nContent-Length: 60\r\n\r\n"
        );
        c.send(format!("{head}{{\"username\": \"admin\",").as_bytes()).await;
        let r = c.response(Duration::from_secs(5)).await.unwrap_or_else(|| panic!("{line}: closed without an answer"));
        assert_eq!((r.status, r.code()), (408, "request_timeout"), "{line}: {r:?}");
        assert_eq!(r.header("connection").as_deref(), Some("close"), "{line}");
        assert!(started.elapsed() >= Duration::from_millis(900), "{line}: answered after {:?}", started.elapsed());
        c.closed_within(Duration::from_secs(5)).await;
    }
}

async fn a_declared_length_over_the_limit_gets_413_before_any_body_is_sent(b: Backend) {
    // The default body timeout (30 s) is far beyond the deadlines below: nothing waits for the body.
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    for auth in [String::new(), format!("Authorization: Bearer {}\r\n", t.owner)] {
        let mut c = Raw::open(&s).await;
        c.send(
            format!(
                "POST /api/v1/outlets HTTP/1.1\r\nHost: kasir\r\n{auth}Content-Type: application/json\r\n\
                 Content-Length: 104857600\r\n\r\n"
            )
            .as_bytes(),
        )
        .await;
        let r = c.response(Duration::from_secs(5)).await.expect("an answer without the body");
        assert_eq!((r.status, r.code()), (413, "payload_too_large"), "{r:?}");
        assert_eq!(r.body["message"], "the request body is larger than 1 MiB");
        assert_eq!(r.header("connection").as_deref(), Some("close"));
        assert!(r.header("x-request-id").is_some(), "the answer passed the outer layers");
        c.closed_within(Duration::from_secs(5)).await;
    }
    assert_eq!(s.get("/outlets", &t.owner).await.body["pagination"]["total"], 0);
}

async fn uploads_are_held_to_their_own_larger_limit(b: Backend) {
    let s = TestServer::start_with(b, |c| c.body_timeout = SECOND).await;
    let head = |length: usize| {
        format!(
            "POST /api/v1/products/import HTTP/1.1\r\nHost: kasir\r\n\
             Content-Type: multipart/form-data; boundary=x\r\nContent-Length: {length}\r\n\r\n"
        )
    };
    let mut over = Raw::open(&s).await;
    over.send(head(kasir_server::UPLOAD_BODY_LIMIT + 1).as_bytes()).await;
    let r = over.response(Duration::from_secs(5)).await.expect("an answer without the body");
    assert_eq!((r.status, r.code()), (413, "payload_too_large"), "{r:?}");
    assert_eq!(r.body["message"], "the request body is larger than 20 MiB");
    over.closed_within(Duration::from_secs(5)).await;

    // 5 MiB is over the JSON limit but within the upload limit: the request goes on to the
    // handler, which refuses it for want of credentials. Too much is left to drain, so the
    // answer says the connection closes, and it does once the (never sent) body times out.
    let mut within = Raw::open(&s).await;
    within.send(head(5 * 1024 * 1024).as_bytes()).await;
    let r = within.response(Duration::from_secs(5)).await.expect("an answer without the body");
    assert_eq!((r.status, r.code()), (401, "unauthorized"), "{r:?}");
    assert_eq!(r.header("connection").as_deref(), Some("close"));
    within.closed_within(Duration::from_secs(5)).await;
}

async fn a_hundred_keep_alive_requests_refused_before_their_bodies_are_all_answered(b: Backend) {
    let s = TestServer::start(b).await;
    let mut c = Raw::open(&s).await;
    let body = json!({"name": "Outlet K1", "code": "K1", "address": "x".repeat(300)}).to_string();
    for i in 0..100 {
        // No credentials (401), or a route that does not exist (404): neither reads the body.
        let (path, status) = if i % 2 == 0 { ("/api/v1/outlets", 401) } else { ("/api/v1/no-such-route", 404) };
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: kasir\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        let r = match i % 3 {
            0 => {
                c.send(format!("{head}{body}").as_bytes()).await;
                c.response(Duration::from_secs(5)).await
            }
            1 => {
                c.send(head.as_bytes()).await;
                c.send(body.as_bytes()).await;
                c.response(Duration::from_secs(5)).await
            }
            // The answer comes before the body is even sent.
            _ => {
                c.send(head.as_bytes()).await;
                let r = c.response(Duration::from_secs(5)).await;
                c.send(body.as_bytes()).await;
                r
            }
        };
        let r = r.unwrap_or_else(|| panic!("request {i}: the connection was closed"));
        assert_eq!(r.status, status, "request {i}: {r:?}");
        assert_eq!(r.header("connection"), None, "request {i} keeps the connection");
    }
    c.send(b"GET /api/v1/ping HTTP/1.1\r\nHost: kasir\r\n\r\n").await;
    let r = c.response(Duration::from_secs(5)).await.expect("the connection is still open");
    assert_eq!(r.status, 200, "{r:?}");
}

async fn a_refused_body_too_big_to_drain_is_read_to_its_end_and_then_the_connection_closes(b: Backend) {
    let s = TestServer::start(b).await;
    let mut c = Raw::open(&s).await;
    let body = json!({"name": "x".repeat(200 * 1024), "code": "K1"}).to_string();
    let head = format!(
        "POST /api/v1/outlets HTTP/1.1\r\nHost: kasir\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    c.send(format!("{head}{body}").as_bytes()).await;
    let r = c.response(Duration::from_secs(5)).await.expect("an answer");
    assert_eq!((r.status, r.code()), (401, "unauthorized"), "{r:?}");
    assert_eq!(
        r.header("connection").as_deref(),
        Some("close"),
        "200 KiB is more than is drained to keep a connection"
    );
    // The server read the whole body before closing, so the close is orderly, not a reset.
    c.closed_within(Duration::from_secs(5)).await;
}

async fn websockets_outlive_the_header_and_body_timeouts(b: Backend) {
    let s = TestServer::start_with(b, |c| {
        c.header_timeout = SECOND;
        c.body_timeout = SECOND;
    })
    .await;
    let t = Till::new(&s).await;
    let mut ws = connect(&s, &t.owner).await;
    // Both timeouts pass twice over on the open socket; only pings may arrive meanwhile.
    let quiet_until = Instant::now() + Duration::from_millis(2500);
    loop {
        match tokio::time::timeout_at(quiet_until, futures::StreamExt::next(&mut ws)).await {
            Err(_) => break,
            Ok(Some(Ok(Message::Ping(_) | Message::Pong(_)))) => {}
            Ok(other) => panic!("the socket ended or spoke before any event: {other:?}"),
        }
    }
    t.open_shift(&s, &t.cashier, 0).await;
    assert_eq!(next(&mut ws, 5).await["type"], "SHIFT_OPENED");
}

/// One raw HTTP/1.1 connection to the test server.
struct Raw {
    stream: BufReader<TcpStream>,
}

/// A response read off a raw connection.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Value,
}

impl Answer {
    fn header(&self, name: &str) -> Option<String> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone())
    }
    fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }
}

impl Raw {
    async fn open(s: &TestServer) -> Raw {
        let addr = s.base.trim_start_matches("http://");
        let stream = TcpStream::connect(addr).await.expect("connect");
        // Head and body go in separate writes on purpose; without this they would wait on Nagle.
        stream.set_nodelay(true).expect("nodelay");
        Raw { stream: BufReader::new(stream) }
    }

    async fn send(&mut self, bytes: &[u8]) {
        let stream = self.stream.get_mut();
        stream.write_all(bytes).await.expect("sent");
        stream.flush().await.expect("flushed");
    }

    /// The next response, or `None` if the server closed the connection first. Fails the test if
    /// neither happens `within`.
    async fn response(&mut self, within: Duration) -> Option<Answer> {
        tokio::time::timeout(within, self.read_response()).await.expect("an answer or a close in time")
    }

    async fn read_response(&mut self) -> Option<Answer> {
        let mut line = String::new();
        if self.stream.read_line(&mut line).await.expect("the status line") == 0 {
            return None;
        }
        let status =
            line.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("status line {line:?}"));
        let mut headers = Vec::new();
        loop {
            line.clear();
            self.stream.read_line(&mut line).await.expect("a header line");
            let Some((name, value)) = line.trim_end().split_once(':') else { break };
            headers.push((name.trim().to_string(), value.trim().to_string()));
        }
        let length: usize = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
            .map(|(_, v)| v.parse().expect("a length"))
            .expect("error answers have a Content-Length");
        let mut body = vec![0; length];
        self.stream.read_exact(&mut body).await.expect("the body");
        let body =
            serde_json::from_slice(&body).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into()));
        Some(Answer { status, headers, body })
    }

    /// Asserts the server closes the connection `within` the time, in order (a FIN, not a reset),
    /// and sends nothing more before it does.
    async fn closed_within(&mut self, within: Duration) {
        let mut rest = Vec::new();
        let read = tokio::time::timeout(within, self.stream.read_to_end(&mut rest)).await;
        match read {
            Err(_) => panic!("the connection was still open after {within:?}"),
            Ok(Err(e)) => panic!("the connection was reset instead of closed: {e}"),
            Ok(Ok(_)) => {
                assert!(rest.is_empty(), "unexpected bytes before the close: {:?}", String::from_utf8_lossy(&rest))
            }
        }
    }
}
