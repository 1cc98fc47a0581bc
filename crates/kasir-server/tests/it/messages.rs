//! The outbox: messages go out through their channel's real protocol (SMTP to a local aiosmtpd,
//! SMS to a local webhook that checks the signature), are retried, refused ones fail at once,
//! and unconfigured channels record `not_configured`.

use std::{
    net::TcpListener,
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{http::HeaderMap, routing::post, Router};
use kasir_domain::messages::{Channel, Template};
use kasir_store::platform::messages::{self, NewMessage};
use serde_json::Value;

use crate::{
    backend_tests,
    common::{eventually, Backend, TestServer, PASSWORD},
};

const SECRET: &str = "sms-webhook-secret";

/// Each request's signature header and body.
type Received = Vec<(String, Vec<u8>)>;

/// A local SMS webhook: records what it receives; answers each request with the next status.
#[derive(Clone, Default)]
struct Hook {
    got: Arc<Mutex<Received>>,
    answers: Arc<Mutex<Vec<u16>>>,
}

async fn start_hook(hook: Hook) -> String {
    let app = Router::new().route(
        "/sms",
        post(move |headers: HeaderMap, body: axum::body::Bytes| {
            let hook = hook.clone();
            async move {
                let sig = headers.get("x-kasir-signature").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
                hook.got.lock().unwrap().push((sig, body.to_vec()));
                let status = hook.answers.lock().unwrap().pop().unwrap_or(200);
                axum::http::StatusCode::from_u16(status).unwrap()
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/sms", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

fn queued(tenant: Option<&str>, channel: Channel, to: &str, t: &Template) -> NewMessage {
    let (subject, body) = t.render();
    NewMessage {
        tenant_id: tenant.map(str::to_string),
        channel,
        recipient: to.into(),
        subject: (!subject.is_empty()).then_some(subject),
        body,
        data: None,
        template: Some(t.name().into()),
    }
}

async fn message(s: &TestServer, token: &str, id: &str) -> Value {
    let list = s.get("/messages?per_page=200", token).await;
    assert_eq!(list.status, 200, "{:?}", list.body);
    list.data().as_array().unwrap().iter().find(|m| m["id"] == id).cloned().unwrap_or(Value::Null)
}

async fn settled(s: &TestServer, token: &str, id: &str) -> Value {
    eventually(20, "the message settled", || async {
        let m = message(s, token, id).await;
        (m["status"].as_str().is_some_and(|st| st != "queued")).then_some(m)
    })
    .await
}

async fn sms_are_signed_retried_and_refused(b: Backend) {
    let hook = Hook::default();
    // Answers are popped from the end: the first request gets 503, the next 200, then 400.
    *hook.answers.lock().unwrap() = vec![400, 200, 503];
    let url = start_hook(hook.clone()).await;
    let s = TestServer::start_with(b, |c| {
        c.jobs.poll = Duration::from_millis(20);
        c.jobs.retry_base = Duration::from_millis(20);
        c.sms_webhook_url = Some(url.clone());
        c.sms_webhook_secret = Some(SECRET.into());
    })
    .await;
    let t = s.tenant("sms").await;
    let otp = Template::OtpCode { shop: "Kopi Kita".into(), code: "482913".into() };
    let id = messages::queue(&s.state.db, &queued(Some(&t.id), Channel::Sms, "+6281234567890", &otp)).await.unwrap();
    s.state.jobs.wake();
    let m = settled(&s, &t.owner, &id).await;
    assert_eq!((m["status"].as_str(), m["attempts"].as_i64()), (Some("sent"), Some(2)), "{m}");
    assert!(m["last_error"].as_str().unwrap().contains("503"), "{m}");
    let got = hook.got.lock().unwrap().clone();
    assert_eq!(got.len(), 2);
    let (sig, body) = &got[1];
    assert_eq!(sig, &kasir_server::platform::messages::sms::signature(SECRET, body));
    let body: Value = serde_json::from_slice(body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"to": "+6281234567890", "text": "482913 is your Kopi Kita code. It expires in 10 minutes. Do not share it."})
    );
    // A 400 is final: failed after one attempt, not retried.
    let id = messages::queue(&s.state.db, &queued(Some(&t.id), Channel::Sms, "+62000", &otp)).await.unwrap();
    s.state.jobs.wake();
    let m = settled(&s, &t.owner, &id).await;
    assert_eq!((m["status"].as_str(), m["attempts"].as_i64()), (Some("failed"), Some(1)), "{m}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(hook.got.lock().unwrap().len(), 3, "no retry");
    // Push has no settings here: recorded, not sent.
    let push = Template::PaymentStatus { shop: "Kopi Kita".into(), amount: "Rp 50.000".into(), status: "PAID".into() };
    let id = messages::queue(&s.state.db, &queued(Some(&t.id), Channel::Push, "device-token", &push)).await.unwrap();
    s.state.jobs.wake();
    assert_eq!(settled(&s, &t.owner, &id).await["status"], "not_configured");
    // Filters, and who may read the outbox.
    let sent = s.get("/messages?channel=sms&status=sent", &t.owner).await;
    assert_eq!(sent.data().as_array().map(Vec::len), Some(1));
    assert_eq!(s.get("/messages?status=lost", &t.owner).await.fields(), vec!["status".to_string()]);
    s.user(&t.owner, "sms-cashier", "cashier", &[]).await;
    let cashier = s.token("sms-cashier", PASSWORD).await;
    assert_eq!(s.get("/messages", &cashier).await.status, 403);
    let other = s.tenant("other").await;
    assert_eq!(s.get("/messages", &other.owner).await.data().as_array().map(Vec::len), Some(0));
}

/// A local SMTP server (aiosmtpd) writing what it receives to a maildir; stopped when dropped.
struct Smtp(Child, u16, tempfile::TempDir);

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn smtp() -> Smtp {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let maildir = dir.path().join("mail");
    let child = Command::new("python3")
        .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
        .arg(&maildir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("aiosmtpd starts (scripts/test installs it)");
    let s = Smtp(child, port, dir);
    eventually(20, "aiosmtpd listening", || async {
        tokio::net::TcpStream::connect(("127.0.0.1", port)).await.ok().map(drop)
    })
    .await;
    s
}

async fn emails_go_out_over_smtp(b: Backend) {
    let server = smtp().await;
    let s = TestServer::start_with(b, |c| {
        c.jobs.poll = Duration::from_millis(20);
        c.smtp_url = Some(format!("smtp://127.0.0.1:{}", server.1));
        c.smtp_from = "Kopi Kita <halo@kopikita.example>".into();
    })
    .await;
    let admin = s.admin().await;
    let verify = Template::VerifyEmail {
        shop: "Kopi Kita".into(),
        link: "https://kopi.example/api/v1/customer/verify?token=abc123".into(),
    };
    let id =
        messages::queue(&s.state.db, &queued(None, Channel::Email, "Budi <budi@example.com>", &verify)).await.unwrap();
    s.state.jobs.wake();
    let m = settled(&s, &admin, &id).await;
    assert_eq!((m["status"].as_str(), m["template"].as_str()), (Some("sent"), Some("verify_email")), "{m}");
    let new = server.2.path().join("mail").join("new");
    let mail = eventually(10, "the email in the maildir", || async {
        let entry = std::fs::read_dir(&new).ok()?.next()?.ok()?;
        std::fs::read_to_string(entry.path()).ok()
    })
    .await;
    for line in [
        "From: \"Kopi Kita\" <halo@kopikita.example>",
        "To: Budi <budi@example.com>",
        "Subject: Kopi Kita: confirm your email",
    ] {
        assert!(mail.lines().any(|l| l == line), "{line} in\n{mail}");
    }
    assert!(mail.contains("https://kopi.example/api/v1/customer/verify?token=abc123"), "{mail}");
    // Not an address: refused at once.
    let id = messages::queue(&s.state.db, &queued(None, Channel::Email, "not an address", &verify)).await.unwrap();
    s.state.jobs.wake();
    let m = settled(&s, &admin, &id).await;
    assert_eq!((m["status"].as_str(), m["attempts"].as_i64()), (Some("failed"), Some(1)), "{m}");
}

backend_tests!(sms_are_signed_retried_and_refused, emails_go_out_over_smtp);
