//! Xendit's protocol: invoices (`POST /v2/invoices`, `GET /v2/invoices/{id}`,
//! `GET /v2/invoices?external_id=`, `POST /invoices/{id}/expire!`), e-wallet charges
//! (`POST /ewallets/charges`, `GET /ewallets/charges/{id}`), QR codes (`POST /qr_codes`,
//! `GET /qr_codes/{id}`, `GET /qr_codes/{id}/payments`, API version 2022-07-31), disbursements
//! (`POST /disbursements` with `X-IDEMPOTENCY-KEY`, `GET /disbursements/{id}`,
//! `GET /available_disbursements_banks`). Requests carry the secret key as Basic auth (the key
//! as user, no password); errors come as `{error_code, message}`.

use base64::{engine::general_purpose::STANDARD, Engine};
use futures::{future::BoxFuture, FutureExt};
use jiff::{SignedDuration, Timestamp};
use kasir_domain::payments::{GatewayMethod, PaymentStatus, PayoutStatus};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::{json, Value};

use super::{Bank, Charge, Gateway, GatewayError, NewCharge, NewPayout, PayoutState, Settings};

pub const DEFAULT_BASE_URL: &str = "https://api.xendit.co";
const QR_API_VERSION: &str = "2022-07-31";

pub struct Xendit {
    client: reqwest::Client,
    base: String,
    /// `Basic base64(secret_key:)`, made once.
    auth: String,
}

impl Xendit {
    pub fn new(client: reqwest::Client, s: &Settings) -> Xendit {
        Xendit {
            client,
            base: s.base_url.trim_end_matches('/').to_string(),
            auth: format!("Basic {}", STANDARD.encode(format!("{}:", s.secret_key))),
        }
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, format!("{}{path}", self.base)).header("authorization", &self.auth)
    }

    /// Sends and reads a JSON answer; a 2xx that is not JSON is a fault of the gateway's.
    async fn call(&self, req: RequestBuilder) -> Result<Value, GatewayError> {
        let res = req.send().await.map_err(|e| GatewayError::Unavailable(without_url(e)))?;
        let status = res.status();
        let text = res.text().await.map_err(|e| GatewayError::Unavailable(without_url(e)))?;
        if status.is_success() {
            return serde_json::from_str(&text)
                .map_err(|e| GatewayError::Unavailable(format!("an answer that is not JSON ({status}): {e}")));
        }
        if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
            return Err(GatewayError::Unavailable(format!("HTTP {status}")));
        }
        let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        let code = body["error_code"].as_str().unwrap_or("UNKNOWN").to_string();
        if status == StatusCode::NOT_FOUND {
            return Err(GatewayError::NotFound);
        }
        let message: String = body["message"].as_str().unwrap_or("").chars().take(300).collect();
        Err(GatewayError::Rejected { status: status.as_u16(), code, message })
    }

    async fn invoice(&self, id: &str) -> Result<Charge, GatewayError> {
        let v = self.call(self.request(Method::GET, &format!("/v2/invoices/{}", segment(id)))).await?;
        invoice_charge(&v)
    }

    async fn qr(&self, id: &str) -> Result<Charge, GatewayError> {
        let path = format!("/qr_codes/{}", segment(id));
        let code = self.call(self.request(Method::GET, &path).header("api-version", QR_API_VERSION)).await?;
        let mut charge = qr_charge(&code)?;
        let payments = self
            .call(self.request(Method::GET, &format!("{path}/payments")).header("api-version", QR_API_VERSION))
            .await?;
        if let Some(paid) =
            payments["data"].as_array().into_iter().flatten().find(|p| p["status"].as_str() == Some("SUCCEEDED"))
        {
            charge.status = PaymentStatus::Paid;
            charge.paid_at = paid["created"].as_str().map(str::to_string);
            charge.amount = amount(&paid["amount"]).unwrap_or(charge.amount);
        }
        Ok(charge)
    }
}

impl Gateway for Xendit {
    fn create<'a>(&'a self, c: &'a NewCharge) -> BoxFuture<'a, Result<Charge, GatewayError>> {
        async move {
            match c.method {
                GatewayMethod::Invoice => {
                    let mut body = json!({
                        "external_id": c.external_id, "amount": c.amount, "description": c.description,
                        "invoice_duration": c.expires_in, "currency": "IDR",
                    });
                    if let Some(url) = &c.return_url {
                        body["success_redirect_url"] = json!(url);
                        body["failure_redirect_url"] = json!(url);
                    }
                    if let Some(email) = &c.payer_email {
                        body["payer_email"] = json!(email);
                    }
                    invoice_charge(&self.call(self.request(Method::POST, "/v2/invoices").json(&body)).await?)
                }
                GatewayMethod::Ewallet => {
                    let channel = format!("ID_{}", c.ewallet_type.map_or("OVO", |t| t.as_str()));
                    let mut properties = json!({});
                    if let Some(url) = &c.return_url {
                        properties["success_redirect_url"] = json!(url);
                        properties["failure_redirect_url"] = json!(url);
                    }
                    let body = json!({
                        "reference_id": c.external_id, "currency": "IDR", "amount": c.amount,
                        "checkout_method": "ONE_TIME_PAYMENT", "channel_code": channel,
                        "channel_properties": properties, "metadata": {"description": c.description},
                    });
                    // The same reference asked again (after a lost answer) is the same charge.
                    let req = self.request(Method::POST, "/ewallets/charges").header("idempotency-key", &c.external_id);
                    let mut charge = ewallet_charge(&self.call(req.json(&body)).await?)?;
                    charge.expires_at.get_or_insert_with(|| in_seconds(c.expires_in));
                    Ok(charge)
                }
                GatewayMethod::Qris => {
                    let body = json!({
                        "reference_id": c.external_id, "type": "DYNAMIC", "currency": "IDR", "amount": c.amount,
                        "expires_at": in_seconds(c.expires_in),
                    });
                    let req = self
                        .request(Method::POST, "/qr_codes")
                        .header("api-version", QR_API_VERSION)
                        .header("idempotency-key", &c.external_id);
                    qr_charge(&self.call(req.json(&body)).await?)
                }
            }
        }
        .boxed()
    }

    fn find<'a>(
        &'a self,
        method: GatewayMethod,
        external_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<Charge>, GatewayError>> {
        async move {
            match method {
                GatewayMethod::Invoice => {
                    let req = self.request(Method::GET, "/v2/invoices").query(&[("external_id", external_id)]);
                    match self.call(req).await {
                        Ok(Value::Array(list)) => list.first().map(invoice_charge).transpose(),
                        Ok(other) => Err(unreadable("an invoice list", &other)),
                        Err(GatewayError::NotFound) => Ok(None),
                        Err(e) => Err(e),
                    }
                }
                // Charges and QR codes are made under an idempotency key: asking again finds them.
                GatewayMethod::Ewallet | GatewayMethod::Qris => Ok(None),
            }
        }
        .boxed()
    }

    fn get<'a>(&'a self, method: GatewayMethod, gateway_ref: &'a str) -> BoxFuture<'a, Result<Charge, GatewayError>> {
        async move {
            match method {
                GatewayMethod::Invoice => self.invoice(gateway_ref).await,
                GatewayMethod::Ewallet => {
                    let path = format!("/ewallets/charges/{}", segment(gateway_ref));
                    ewallet_charge(&self.call(self.request(Method::GET, &path)).await?)
                }
                GatewayMethod::Qris => self.qr(gateway_ref).await,
            }
        }
        .boxed()
    }

    fn expire<'a>(
        &'a self,
        method: GatewayMethod,
        gateway_ref: &'a str,
    ) -> BoxFuture<'a, Result<Option<Charge>, GatewayError>> {
        async move {
            match method {
                GatewayMethod::Invoice => {
                    let path = format!("/invoices/{}/expire!", segment(gateway_ref));
                    match self.call(self.request(Method::POST, &path)).await {
                        Ok(v) => invoice_charge(&v).map(Some),
                        // A paid invoice cannot be expired: read what it is.
                        Err(GatewayError::Rejected { status: 400, .. }) => self.invoice(gateway_ref).await.map(Some),
                        Err(e) => Err(e),
                    }
                }
                GatewayMethod::Ewallet | GatewayMethod::Qris => Ok(None),
            }
        }
        .boxed()
    }

    fn banks(&self) -> BoxFuture<'_, Result<Vec<Bank>, GatewayError>> {
        async move {
            let v = self.call(self.request(Method::GET, "/available_disbursements_banks")).await?;
            let list = v.as_array().ok_or_else(|| unreadable("a bank list", &v))?;
            Ok(list
                .iter()
                .filter_map(|b| {
                    Some(Bank {
                        code: b["code"].as_str()?.to_string(),
                        name: b["name"].as_str()?.to_string(),
                        can_disburse: b["can_disburse"].as_bool().unwrap_or(false),
                    })
                })
                .collect())
        }
        .boxed()
    }

    fn payout<'a>(&'a self, p: &'a NewPayout) -> BoxFuture<'a, Result<PayoutState, GatewayError>> {
        async move {
            let body = json!({
                "external_id": p.external_id, "bank_code": p.bank_code, "account_holder_name": p.account_holder_name,
                "account_number": p.account_number, "description": p.description, "amount": p.amount,
            });
            let req = self.request(Method::POST, "/disbursements").header("x-idempotency-key", &p.idempotency_key);
            payout_state(&self.call(req.json(&body)).await?)
        }
        .boxed()
    }

    fn get_payout<'a>(&'a self, gateway_ref: &'a str) -> BoxFuture<'a, Result<PayoutState, GatewayError>> {
        async move {
            let path = format!("/disbursements/{}", segment(gateway_ref));
            payout_state(&self.call(self.request(Method::GET, &path)).await?)
        }
        .boxed()
    }
}

/// A path segment with anything but safe characters escaped (ids come from callbacks).
fn segment(id: &str) -> String {
    percent_encoding::utf8_percent_encode(id, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// A transport error's text without the URL (whose query could carry ids; never keys, but the
/// log stays plain).
fn without_url(e: reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "failed"
    };
    format!("the request {kind}: {}", e.without_url())
}

fn in_seconds(secs: i64) -> String {
    kasir_domain::time::format_ts(Timestamp::now() + SignedDuration::from_secs(secs))
}

fn unreadable(what: &str, v: &Value) -> GatewayError {
    let text: String = v.to_string().chars().take(200).collect();
    GatewayError::Unavailable(format!("expected {what}, got {text}"))
}

/// An amount as the gateway writes it (a JSON number, whole units for IDR).
fn amount(v: &Value) -> Option<i64> {
    v.as_i64().or_else(|| v.as_f64().filter(|f| f.is_finite() && f.abs() < 1e15).map(|f| f.round() as i64))
}

fn text(v: &Value, key: &str) -> Option<String> {
    v[key].as_str().filter(|s| !s.is_empty()).map(str::to_string)
}

fn invoice_charge(v: &Value) -> Result<Charge, GatewayError> {
    let status = match v["status"].as_str() {
        Some("PENDING") => PaymentStatus::Pending,
        Some("PAID") => PaymentStatus::Paid,
        Some("SETTLED") => PaymentStatus::Settled,
        Some("EXPIRED") => PaymentStatus::Expired,
        _ => return Err(unreadable("an invoice", v)),
    };
    Ok(Charge {
        gateway_ref: text(v, "id").ok_or_else(|| unreadable("an invoice id", v))?,
        status,
        amount: amount(&v["amount"]).ok_or_else(|| unreadable("an invoice amount", v))?,
        paid_at: text(v, "paid_at"),
        invoice_url: text(v, "invoice_url"),
        qr_string: None,
        checkout_url: None,
        expires_at: text(v, "expiry_date"),
    })
}

fn ewallet_charge(v: &Value) -> Result<Charge, GatewayError> {
    let status = match v["status"].as_str() {
        Some("PENDING") => PaymentStatus::Pending,
        Some("SUCCEEDED") => PaymentStatus::Paid,
        Some("FAILED" | "VOIDED") => PaymentStatus::Failed,
        _ => return Err(unreadable("an e-wallet charge", v)),
    };
    let actions = &v["actions"];
    Ok(Charge {
        gateway_ref: text(v, "id").ok_or_else(|| unreadable("an e-wallet charge id", v))?,
        status,
        amount: amount(&v["charge_amount"]).ok_or_else(|| unreadable("an e-wallet charge amount", v))?,
        paid_at: (status == PaymentStatus::Paid).then(|| text(v, "updated")).flatten(),
        invoice_url: None,
        qr_string: text(actions, "qr_checkout_string"),
        checkout_url: text(actions, "mobile_web_checkout_url")
            .or_else(|| text(actions, "desktop_web_checkout_url"))
            .or_else(|| text(actions, "mobile_deeplink_checkout_url")),
        expires_at: None,
    })
}

fn qr_charge(v: &Value) -> Result<Charge, GatewayError> {
    let expires_at = text(v, "expires_at");
    let lapsed = expires_at.as_deref().and_then(|t| t.parse::<Timestamp>().ok()).is_some_and(|t| t <= Timestamp::now());
    let status = match v["status"].as_str() {
        Some("ACTIVE") if lapsed => PaymentStatus::Expired,
        Some("ACTIVE") => PaymentStatus::Pending,
        Some("INACTIVE") => PaymentStatus::Expired,
        _ => return Err(unreadable("a QR code", v)),
    };
    Ok(Charge {
        gateway_ref: text(v, "id").ok_or_else(|| unreadable("a QR code id", v))?,
        status,
        amount: amount(&v["amount"]).ok_or_else(|| unreadable("a QR code amount", v))?,
        paid_at: None,
        invoice_url: None,
        qr_string: text(v, "qr_string"),
        checkout_url: None,
        expires_at,
    })
}

fn payout_state(v: &Value) -> Result<PayoutState, GatewayError> {
    let status = match v["status"].as_str() {
        Some("PENDING") => PayoutStatus::Pending,
        Some("COMPLETED") => PayoutStatus::Completed,
        Some("FAILED") => PayoutStatus::Failed,
        _ => return Err(unreadable("a disbursement", v)),
    };
    Ok(PayoutState {
        gateway_ref: text(v, "id").ok_or_else(|| unreadable("a disbursement id", v))?,
        status,
        amount: amount(&v["amount"]).ok_or_else(|| unreadable("a disbursement amount", v))?,
        failure_code: text(v, "failure_code"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gateway_answers_map_to_our_statuses() {
        let inv = json!({"id": "inv_1", "status": "SETTLED", "amount": 25000.0, "paid_at": "2026-12-01T10:00:00.000Z"});
        let c = invoice_charge(&inv).unwrap();
        assert_eq!(
            (c.status, c.amount, c.paid_at.as_deref()),
            (PaymentStatus::Settled, 25000, Some("2026-12-01T10:00:00.000Z"))
        );
        let ew = json!({"id": "ewc_1", "status": "SUCCEEDED", "charge_amount": 5000, "updated": "t",
            "actions": {"mobile_web_checkout_url": "https://pay/x"}});
        let c = ewallet_charge(&ew).unwrap();
        assert_eq!(
            (c.status, c.checkout_url.as_deref(), c.paid_at.as_deref()),
            (PaymentStatus::Paid, Some("https://pay/x"), Some("t"))
        );
        let qr = json!({"id": "qr_1", "status": "ACTIVE", "amount": 7000, "qr_string": "000201", "expires_at": "2001-01-01T00:00:00Z"});
        assert_eq!(qr_charge(&qr).unwrap().status, PaymentStatus::Expired, "a lapsed code is expired");
        assert!(invoice_charge(&json!({"id": "inv_1", "status": "WHATEVER", "amount": 1})).is_err());
        let d = payout_state(
            &json!({"id": "disb_1", "status": "FAILED", "amount": 10, "failure_code": "INVALID_DESTINATION"}),
        )
        .unwrap();
        assert_eq!((d.status, d.failure_code.as_deref()), (PayoutStatus::Failed, Some("INVALID_DESTINATION")));
    }
}
