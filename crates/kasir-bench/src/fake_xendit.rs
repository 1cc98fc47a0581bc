//! A local server of Xendit's protocol, for tests and benchmarks: it keeps invoices, e-wallet
//! charges, QR codes and disbursements in memory, checks the Basic-auth secret key, answers in
//! Xendit's shapes (errors as `{error_code, message}`), and lets its owner mark a payment paid
//! (or settled, expired, failed) and send the callback to Kasir with the callback token, as the
//! real gateway does. It can also hold back the answer to the next creates past a client's
//! timeout (the charge is made, the answer is lost).
//!
//! Shared by `kasir-bench` and the server's tests (`#[path]`), so it depends only on crates both
//! have: axum, tokio, reqwest, serde_json. Each uses part of it.
#![allow(dead_code)]

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, Mutex,
    },
    time::Duration,
};

use axum::{
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use serde_json::{json, Value};

/// What the fake holds of one charge (an invoice, an e-wallet charge or a QR code).
#[derive(Debug, Clone)]
pub struct Record {
    pub id: String,
    /// `invoice`, `ewallet`, `qr` or `disbursement`.
    pub kind: &'static str,
    pub external_id: String,
    pub amount: i64,
    /// In the kind's own words (`PENDING`, `PAID`, `SUCCEEDED`, `ACTIVE`, `COMPLETED`…).
    pub status: String,
    pub paid_at: Option<String>,
    pub body: Value,
}

#[derive(Default)]
struct Inner {
    records: Vec<Record>,
    by_idempotency: HashMap<String, String>,
    next: u64,
}

/// The fake gateway: cheap to clone.
#[derive(Clone)]
pub struct FakeXendit {
    pub url: String,
    secret_key: String,
    callback_token: Arc<Mutex<String>>,
    /// Where Kasir listens (`http://host:port`).
    kasir: Arc<Mutex<String>>,
    inner: Arc<Mutex<Inner>>,
    client: reqwest::Client,
    /// Creates whose answer is held back this long (the charge is made first).
    stall_creates: Arc<AtomicUsize>,
    stall_for: Duration,
    /// Reads of a charge or disbursement (`GET`s), for the tests.
    pub reads: Arc<AtomicUsize>,
}

fn now() -> String {
    jiff::Timestamp::now().strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(json!({"error_code": code, "message": message}))).into_response()
}

impl FakeXendit {
    /// Starts the fake on a free port. `stall_for`: how long held-back answers wait.
    pub async fn start(secret_key: &str, callback_token: &str, stall_for: Duration) -> FakeXendit {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind the fake gateway");
        let url = format!("http://{}", listener.local_addr().expect("its address"));
        let fake = FakeXendit {
            url,
            secret_key: secret_key.into(),
            callback_token: Arc::new(Mutex::new(callback_token.into())),
            kasir: Arc::new(Mutex::new(String::new())),
            inner: Arc::default(),
            client: reqwest::Client::builder().timeout(Duration::from_secs(30)).build().expect("client"),
            stall_creates: Arc::default(),
            stall_for,
            reads: Arc::default(),
        };
        let app = Router::new()
            .route("/v2/invoices", post(create_invoice).get(find_invoices))
            .route("/v2/invoices/{id}", get(read_record))
            .route("/invoices/{id}/expire!", post(expire_invoice))
            .route("/ewallets/charges", post(create_ewallet))
            .route("/ewallets/charges/{id}", get(read_record))
            .route("/qr_codes", post(create_qr))
            .route("/qr_codes/{id}", get(read_record))
            .route("/qr_codes/{id}/payments", get(qr_payments))
            .route("/available_disbursements_banks", get(banks))
            .route("/disbursements", post(create_disbursement))
            .route("/disbursements/{id}", get(read_record))
            .with_state(fake.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        fake
    }

    /// Where callbacks go: Kasir's base URL.
    pub fn send_callbacks_to(&self, kasir_base: &str) {
        *self.kasir.lock().unwrap() = kasir_base.trim_end_matches('/').to_string();
    }

    /// Holds back the answers to the next `n` creates past the stall time.
    pub fn stall_next_creates(&self, n: usize) {
        self.stall_creates.store(n, Ordering::SeqCst);
    }

    /// Every record made under `external_id` (an invoice's external id, a charge's reference).
    pub fn records(&self, external_id: &str) -> Vec<Record> {
        self.inner.lock().unwrap().records.iter().filter(|r| r.external_id == external_id).cloned().collect()
    }

    fn authorized(&self, headers: &HeaderMap) -> bool {
        use base64::Engine;
        let want =
            format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{}:", self.secret_key)));
        headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(want.as_str())
    }

    fn add(
        &self,
        kind: &'static str,
        external_id: &str,
        amount: i64,
        status: &str,
        body: Value,
        key: Option<&str>,
    ) -> Record {
        let mut inner = self.inner.lock().unwrap();
        if let Some(existing) = key.and_then(|k| inner.by_idempotency.get(k).cloned()) {
            if let Some(r) = inner.records.iter().find(|r| r.id == existing) {
                return r.clone();
            }
        }
        inner.next += 1;
        let prefix = match kind {
            "invoice" => "inv",
            "ewallet" => "ewc",
            "qr" => "qr",
            _ => "disb",
        };
        let id = format!("{prefix}_{:08}", inner.next);
        let mut body = body;
        body["id"] = json!(id);
        let r = Record {
            id: id.clone(),
            kind,
            external_id: external_id.into(),
            amount,
            status: status.into(),
            paid_at: None,
            body,
        };
        inner.records.push(r.clone());
        if let Some(k) = key {
            inner.by_idempotency.insert(k.to_string(), id);
        }
        r
    }

    fn get(&self, id: &str) -> Option<Record> {
        self.inner.lock().unwrap().records.iter().find(|r| r.id == id).cloned()
    }

    /// The record as the gateway answers it.
    fn view(r: &Record) -> Value {
        let mut v = r.body.clone();
        match r.kind {
            "invoice" | "qr" | "disbursement" => v["status"] = json!(r.status),
            _ => {
                v["status"] = json!(r.status);
                v["updated"] = json!(r.paid_at.clone().unwrap_or_else(now));
            }
        }
        if r.kind == "invoice" {
            v["paid_at"] = json!(r.paid_at);
        }
        v
    }

    async fn stall(&self) {
        let stalled = self.stall_creates.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok();
        if stalled {
            tokio::time::sleep(self.stall_for).await;
        }
    }

    /// Moves the charge made under `external_id` to `status` in its kind's words (`PAID`,
    /// `SETTLED`, `EXPIRED` for invoices; `SUCCEEDED`, `FAILED` for e-wallets; `SUCCEEDED` pays a
    /// QR code; `COMPLETED`, `FAILED` for disbursements) and returns the callback body the
    /// gateway sends for it.
    pub fn mark(&self, external_id: &str, status: &str) -> Value {
        let mut inner = self.inner.lock().unwrap();
        let r = inner
            .records
            .iter_mut()
            .rev()
            .find(|r| r.external_id == external_id)
            .expect("a record of this external id");
        let at = now();
        if matches!(status, "PAID" | "SETTLED" | "SUCCEEDED" | "COMPLETED") && r.paid_at.is_none() {
            r.paid_at = Some(at.clone());
        }
        match r.kind {
            "qr" if status == "SUCCEEDED" => {
                r.body["payment"] =
                    json!({"id": format!("qrpy_{}", r.id), "status": "SUCCEEDED", "amount": r.amount, "created": at});
                r.status = "INACTIVE".into();
            }
            _ => r.status = status.into(),
        }
        Self::callback_of(r, status)
    }

    /// The callback body the gateway sends for a record at `status`.
    fn callback_of(r: &Record, status: &str) -> Value {
        match r.kind {
            "invoice" => json!({
                "id": r.id, "external_id": r.external_id, "user_id": "fake-business", "status": status,
                "amount": r.amount, "paid_amount": r.amount, "paid_at": r.paid_at, "payment_method": "EWALLET",
                "payment_channel": "OVO", "currency": "IDR", "updated": now(),
            }),
            "ewallet" => json!({
                "event": "ewallet.capture", "business_id": "fake-business", "created": now(),
                "data": {"id": r.id, "reference_id": r.external_id, "status": status, "charge_amount": r.amount,
                         "capture_amount": r.amount, "currency": "IDR"},
            }),
            "qr" => json!({
                "event": "qr.payment", "api_version": "2022-07-31", "business_id": "fake-business", "created": now(),
                "data": {"id": format!("qrpy_{}", r.id), "qr_id": r.id, "reference_id": r.external_id,
                         "status": status, "amount": r.amount, "currency": "IDR"},
            }),
            _ => json!({
                "id": r.id, "external_id": r.external_id, "user_id": "fake-business", "status": status,
                "amount": r.amount, "bank_code": r.body["bank_code"], "account_holder_name": r.body["account_holder_name"],
                "failure_code": if status == "FAILED" { json!("INVALID_DESTINATION") } else { Value::Null },
            }),
        }
    }

    /// Sends a callback body to Kasir with `token` (the configured one when `None`); the answer.
    pub async fn send(&self, body: &Value, token: Option<&str>) -> (u16, Value) {
        let token = token.map_or_else(|| self.callback_token.lock().unwrap().clone(), str::to_string);
        let base = self.kasir.lock().unwrap().clone();
        let res = self
            .client
            .post(format!("{base}/api/v1/payments/callback/xendit"))
            .header("x-callback-token", token)
            .json(body)
            .send()
            .await
            .expect("the callback reaches Kasir");
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// Marks the charge and sends its callback; the answer.
    pub async fn pay(&self, external_id: &str, status: &str) -> (u16, Value) {
        let body = self.mark(external_id, status);
        self.send(&body, None).await
    }
}

async fn create_invoice(State(f): State<FakeXendit>, headers: HeaderMap, Json(b): Json<Value>) -> Response {
    if !f.authorized(&headers) {
        return error(StatusCode::UNAUTHORIZED, "INVALID_API_KEY", "API key is not authorized for this API service");
    }
    let (Some(external_id), Some(amount)) = (b["external_id"].as_str(), b["amount"].as_i64()) else {
        return error(StatusCode::BAD_REQUEST, "API_VALIDATION_ERROR", "external_id and amount are required");
    };
    if amount < 1000 {
        return error(StatusCode::BAD_REQUEST, "API_VALIDATION_ERROR", "The minimum amount is 1000");
    }
    let secs = b["invoice_duration"].as_i64().unwrap_or(86400);
    let expiry =
        (jiff::Timestamp::now() + jiff::SignedDuration::from_secs(secs)).strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
    let body = json!({
        "external_id": external_id, "user_id": "fake-business", "merchant_name": "Fake", "amount": amount as f64,
        "description": b["description"], "currency": "IDR", "expiry_date": expiry, "created": now(), "updated": now(),
    });
    let mut r = f.add("invoice", external_id, amount, "PENDING", body, None);
    r.body["invoice_url"] = json!(format!("{}/web/invoices/{}", f.url, r.id));
    {
        let mut inner = f.inner.lock().unwrap();
        if let Some(x) = inner.records.iter_mut().find(|x| x.id == r.id) {
            x.body["invoice_url"] = r.body["invoice_url"].clone();
        }
    }
    f.stall().await;
    Json(FakeXendit::view(&r)).into_response()
}

async fn find_invoices(
    State(f): State<FakeXendit>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if !f.authorized(&headers) {
        return error(StatusCode::UNAUTHORIZED, "INVALID_API_KEY", "API key is not authorized for this API service");
    }
    f.reads.fetch_add(1, Ordering::Relaxed);
    let ext = q.get("external_id").cloned().unwrap_or_default();
    let list: Vec<Value> = f.records(&ext).iter().filter(|r| r.kind == "invoice").map(FakeXendit::view).collect();
    if list.is_empty() {
        return error(StatusCode::NOT_FOUND, "INVOICE_NOT_FOUND_ERROR", "no invoice with this external_id");
    }
    Json(Value::Array(list)).into_response()
}

async fn read_record(State(f): State<FakeXendit>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    if !f.authorized(&headers) {
        return error(StatusCode::UNAUTHORIZED, "INVALID_API_KEY", "API key is not authorized for this API service");
    }
    f.reads.fetch_add(1, Ordering::Relaxed);
    match f.get(&id) {
        Some(r) => Json(FakeXendit::view(&r)).into_response(),
        None => error(StatusCode::NOT_FOUND, "DATA_NOT_FOUND", "no such record"),
    }
}

async fn expire_invoice(State(f): State<FakeXendit>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    if !f.authorized(&headers) {
        return error(StatusCode::UNAUTHORIZED, "INVALID_API_KEY", "API key is not authorized for this API service");
    }
    let mut inner = f.inner.lock().unwrap();
    let Some(r) = inner.records.iter_mut().find(|r| r.id == id && r.kind == "invoice") else {
        return error(StatusCode::NOT_FOUND, "INVOICE_NOT_FOUND_ERROR", "no such invoice");
    };
    if r.status != "PENDING" {
        return error(StatusCode::BAD_REQUEST, "INVOICE_ALREADY_PAID_OR_EXPIRED", "the invoice is not pending");
    }
    r.status = "EXPIRED".into();
    Json(FakeXendit::view(r)).into_response()
}

async fn create_ewallet(State(f): State<FakeXendit>, headers: HeaderMap, Json(b): Json<Value>) -> Response {
    if !f.authorized(&headers) {
        return error(StatusCode::UNAUTHORIZED, "INVALID_API_KEY", "API key is not authorized for this API service");
    }
    let (Some(reference), Some(amount), Some(channel)) =
        (b["reference_id"].as_str(), b["amount"].as_i64(), b["channel_code"].as_str())
    else {
        return error(
            StatusCode::BAD_REQUEST,
            "API_VALIDATION_ERROR",
            "reference_id, amount and channel_code are required",
        );
    };
    let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok()).map(|k| format!("ewc:{k}"));
    let body = json!({
        "reference_id": reference, "business_id": "fake-business", "currency": "IDR", "charge_amount": amount,
        "capture_amount": amount, "checkout_method": "ONE_TIME_PAYMENT", "channel_code": channel,
        "actions": {"mobile_web_checkout_url": format!("{}/web/ewallets/{reference}", f.url), "desktop_web_checkout_url": null,
                    "mobile_deeplink_checkout_url": null, "qr_checkout_string": null},
        "created": now(),
    });
    let r = f.add("ewallet", reference, amount, "PENDING", body, key.as_deref());
    f.stall().await;
    (StatusCode::ACCEPTED, Json(FakeXendit::view(&r))).into_response()
}

async fn create_qr(State(f): State<FakeXendit>, headers: HeaderMap, Json(b): Json<Value>) -> Response {
    if !f.authorized(&headers) {
        return error(StatusCode::UNAUTHORIZED, "INVALID_API_KEY", "API key is not authorized for this API service");
    }
    if headers.get("api-version").and_then(|v| v.to_str().ok()) != Some("2022-07-31") {
        return error(StatusCode::BAD_REQUEST, "API_VALIDATION_ERROR", "api-version 2022-07-31 is required");
    }
    let (Some(reference), Some(amount)) = (b["reference_id"].as_str(), b["amount"].as_i64()) else {
        return error(StatusCode::BAD_REQUEST, "API_VALIDATION_ERROR", "reference_id and amount are required");
    };
    let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok()).map(|k| format!("qr:{k}"));
    let body = json!({
        "reference_id": reference, "business_id": "fake-business", "type": "DYNAMIC", "currency": "IDR",
        "amount": amount, "channel_code": "ID_DANA", "expires_at": b["expires_at"],
        "qr_string": format!("00020101021226660014ID.CO.QRIS.WWW{reference}5204599953033605405{amount}5802ID6304ABCD"),
        "created": now(),
    });
    let r = f.add("qr", reference, amount, "ACTIVE", body, key.as_deref());
    f.stall().await;
    Json(FakeXendit::view(&r)).into_response()
}

async fn qr_payments(State(f): State<FakeXendit>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    if !f.authorized(&headers) {
        return error(StatusCode::UNAUTHORIZED, "INVALID_API_KEY", "API key is not authorized for this API service");
    }
    f.reads.fetch_add(1, Ordering::Relaxed);
    match f.get(&id) {
        Some(r) => {
            let data: Vec<Value> = r.body.get("payment").cloned().into_iter().collect();
            Json(json!({"data": data, "has_more": false})).into_response()
        }
        None => error(StatusCode::NOT_FOUND, "DATA_NOT_FOUND", "no such QR code"),
    }
}

async fn banks(State(f): State<FakeXendit>, headers: HeaderMap) -> Response {
    if !f.authorized(&headers) {
        return error(StatusCode::UNAUTHORIZED, "INVALID_API_KEY", "API key is not authorized for this API service");
    }
    Json(json!([
        {"name": "Bank Central Asia (BCA)", "code": "BCA", "can_disburse": true, "can_name_validate": true},
        {"name": "Bank Mandiri", "code": "MANDIRI", "can_disburse": true, "can_name_validate": true},
        {"name": "Bank Negara Indonesia (BNI)", "code": "BNI", "can_disburse": true, "can_name_validate": true},
    ]))
    .into_response()
}

async fn create_disbursement(State(f): State<FakeXendit>, headers: HeaderMap, Json(b): Json<Value>) -> Response {
    if !f.authorized(&headers) {
        return error(StatusCode::UNAUTHORIZED, "INVALID_API_KEY", "API key is not authorized for this API service");
    }
    let Some(key) = headers.get("x-idempotency-key").and_then(|v| v.to_str().ok()).map(|k| format!("disb:{k}")) else {
        return error(StatusCode::BAD_REQUEST, "API_VALIDATION_ERROR", "X-IDEMPOTENCY-KEY is required");
    };
    let (Some(external_id), Some(amount), Some(bank)) =
        (b["external_id"].as_str(), b["amount"].as_i64(), b["bank_code"].as_str())
    else {
        return error(
            StatusCode::BAD_REQUEST,
            "API_VALIDATION_ERROR",
            "external_id, amount and bank_code are required",
        );
    };
    if !["BCA", "MANDIRI", "BNI"].contains(&bank) {
        return error(StatusCode::BAD_REQUEST, "INVALID_DESTINATION", "the bank code is not supported");
    }
    let body = json!({
        "external_id": external_id, "user_id": "fake-business", "amount": amount, "bank_code": bank,
        "account_holder_name": b["account_holder_name"], "disbursement_description": b["description"],
    });
    let r = f.add("disbursement", external_id, amount, "PENDING", body, Some(&key));
    Json(FakeXendit::view(&r)).into_response()
}
