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
pub type Received = Vec<(String, Vec<u8>)>;

/// A local SMS webhook: records what it receives; answers each request with the next status.
#[derive(Clone, Default)]
pub struct Hook {
    pub got: Arc<Mutex<Received>>,
    pub answers: Arc<Mutex<Vec<u16>>>,
}

pub async fn start_hook(hook: Hook) -> String {
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
pub struct Smtp(Child, pub u16, pub tempfile::TempDir);

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub async fn smtp() -> Smtp {
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

/// A local FCM: its token endpoint checks the signed assertion, its send endpoint the token.
#[derive(Clone, Default)]
pub struct Firebase {
    pub public_pem: Arc<Mutex<Vec<u8>>>,
    pub tokens_granted: Arc<Mutex<u32>>,
    pub sent: Arc<Mutex<Vec<Value>>>,
}

pub async fn start_firebase(fb: Firebase) -> String {
    let token_fb = fb.clone();
    let send_fb = fb.clone();
    let app = Router::new()
        .route(
            "/token",
            post(move |body: String| {
                let fb = token_fb.clone();
                async move {
                    let form: std::collections::HashMap<String, String> =
                        reqwest::Url::parse(&format!("http://form/?{body}")).unwrap().query_pairs().into_owned().collect();
                    assert_eq!(form["grant_type"], "urn:ietf:params:oauth:grant-type:jwt-bearer");
                    let key = jsonwebtoken::DecodingKey::from_rsa_pem(&fb.public_pem.lock().unwrap()).unwrap();
                    let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
                    v.validate_aud = false;
                    let claims = jsonwebtoken::decode::<Value>(&form["assertion"], &key, &v).expect("a valid assertion").claims;
                    assert_eq!(claims["iss"], "kasir@kasir-test.iam.gserviceaccount.com");
                    assert_eq!(claims["scope"], "https://www.googleapis.com/auth/firebase.messaging");
                    assert!(claims["aud"].as_str().unwrap().ends_with("/token"));
                    *fb.tokens_granted.lock().unwrap() += 1;
                    axum::Json(serde_json::json!({"access_token": "access-1", "expires_in": 3600, "token_type": "Bearer"}))
                }
            }),
        )
        .route(
            "/v1/projects/kasir-test/messages:send",
            post(move |headers: HeaderMap, body: axum::Json<Value>| {
                let fb = send_fb.clone();
                async move {
                    assert_eq!(headers["authorization"], "Bearer access-1");
                    if body["message"]["token"] == "dead-token" {
                        let e = serde_json::json!({"error": {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND",
                            "details": [{"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": "UNREGISTERED"}]}});
                        return (axum::http::StatusCode::NOT_FOUND, axum::Json(e));
                    }
                    fb.sent.lock().unwrap().push(body.0.clone());
                    (axum::http::StatusCode::OK, axum::Json(serde_json::json!({"name": "projects/kasir-test/messages/1"})))
                }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    base
}

/// An RSA key pair made by openssl: (private PKCS#8 PEM, public PEM).
pub fn rsa_pair(dir: &std::path::Path) -> (String, Vec<u8>) {
    let private = dir.join("key.pem");
    let ok = Command::new("openssl")
        .args(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out"])
        .arg(&private)
        .stderr(Stdio::null())
        .status()
        .expect("openssl runs");
    assert!(ok.success());
    let public = Command::new("openssl").args(["pkey", "-pubout", "-in"]).arg(&private).output().expect("openssl runs");
    (std::fs::read_to_string(&private).unwrap(), public.stdout)
}

async fn pushes_go_through_fcm_and_dead_tokens_are_dropped(b: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let (private, public) = rsa_pair(dir.path());
    let fb = Firebase::default();
    *fb.public_pem.lock().unwrap() = public;
    let base = start_firebase(fb.clone()).await;
    let credentials = dir.path().join("service-account.json");
    let sa = serde_json::json!({"type": "service_account", "project_id": "kasir-test", "private_key": private,
        "client_email": "kasir@kasir-test.iam.gserviceaccount.com", "token_uri": format!("{base}/token")});
    std::fs::write(&credentials, sa.to_string()).unwrap();
    let s = TestServer::start_with(b, |c| {
        c.jobs.poll = Duration::from_millis(20);
        c.fcm_credentials = Some(credentials.clone());
        c.fcm_url = base.clone();
    })
    .await;
    let t = s.tenant("push").await;
    for token in ["live-token", "dead-token"] {
        let sql = format!("INSERT INTO push_tokens (token, tenant_id, device_type, created_at) VALUES ('{token}', '{}', 'android', '2026-12-01T00:00:00.000Z')", t.id);
        kasir_store::raw_execute(&s.state.db, &sql).await.unwrap();
    }
    let paid = Template::PaymentStatus { shop: "Kopi Kita".into(), amount: "Rp 50.000".into(), status: "PAID".into() };
    let mut live = queued(Some(&t.id), Channel::Push, "live-token", &paid);
    live.data = Some(serde_json::json!({"payment_id": "p-1", "amount": 50000}));
    let first = messages::queue(&s.state.db, &live).await.unwrap();
    let second = messages::queue(&s.state.db, &live).await.unwrap();
    let dead = messages::queue(&s.state.db, &queued(Some(&t.id), Channel::Push, "dead-token", &paid)).await.unwrap();
    s.state.jobs.wake();
    for id in [&first, &second] {
        assert_eq!(settled(&s, &t.owner, id).await["status"], "sent");
    }
    let m = settled(&s, &t.owner, &dead).await;
    assert_eq!((m["status"].as_str(), m["attempts"].as_i64()), (Some("failed"), Some(1)), "{m}");
    assert_eq!(*fb.tokens_granted.lock().unwrap(), 1, "one access token for every message");
    let sent = fb.sent.lock().unwrap().clone();
    assert_eq!(sent.len(), 2);
    assert_eq!(
        sent[0]["message"],
        serde_json::json!({"token": "live-token", "notification": {"title": "Kopi Kita: payment PAID", "body": "Your payment of Rp 50.000 is PAID."},
            "data": {"payment_id": "p-1", "amount": "50000"}})
    );
    assert_eq!(messages::push_token_is_dead(&s.state.db, "dead-token").await.unwrap(), Some(true), "unregistered");
    assert_eq!(messages::push_token_is_dead(&s.state.db, "live-token").await.unwrap(), Some(false));
}

async fn a_burst_of_server_errors_alerts_the_operator_once(b: Backend) {
    let s = TestServer::start_with(b, |c| {
        c.jobs.poll = Duration::from_millis(20);
        c.alert_email = Some("ops@kasir.example".into());
    })
    .await;
    let t = s.tenant("ops").await;
    kasir_store::raw_execute(&s.state.db, "ALTER TABLE expenses RENAME TO expenses_gone").await.unwrap();
    for _ in 0..25 {
        assert_eq!(s.get("/expenses", &t.owner).await.status, 500);
    }
    let admin = s.admin().await;
    let alerts = || async {
        let list = s.get("/messages?channel=email&per_page=200", &admin).await;
        list.data().as_array().unwrap().iter().filter(|m| m["template"] == "alert").cloned().collect::<Vec<Value>>()
    };
    let sent = eventually(20, "the alert recorded", || async {
        let a = alerts().await;
        a.iter().all(|m| m["status"] != "queued").then_some(a).filter(|a| !a.is_empty())
    })
    .await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(
        (sent[0]["recipient"].as_str(), sent[0]["subject"].as_str(), sent[0]["status"].as_str()),
        (Some("ops@kasir.example"), Some("Kasir alert: server_errors"), Some("not_configured"))
    );
    assert!(sent[0]["body"].as_str().unwrap().contains("10 answers with status 5xx"), "{}", sent[0]);
    // More errors within the 10 minutes make no second alert.
    for _ in 0..25 {
        s.get("/expenses", &t.owner).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(alerts().await.len(), 1);
}

backend_tests!(
    sms_are_signed_retried_and_refused,
    emails_go_out_over_smtp,
    pushes_go_through_fcm_and_dead_tokens_are_dropped,
    a_burst_of_server_errors_alerts_the_operator_once,
);
