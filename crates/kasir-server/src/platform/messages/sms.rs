//! SMS through a webhook: a JSON POST `{to, text}` signed with
//! `X-Kasir-Signature: sha256=<hex HMAC-SHA256 of the body>` under `KASIR_SMS_WEBHOOK_SECRET`.

use std::time::Duration;

use hmac::{Hmac, Mac};
use kasir_store::platform::messages::Message;
use sha2::Sha256;

use super::Undelivered;

/// The SMS provider's webhook.
pub struct Webhook {
    url: String,
    secret: String,
    http: reqwest::Client,
}

/// `sha256=<hex>` of `body` under `secret`.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

impl Webhook {
    pub fn new(url: &str, secret: &str) -> anyhow::Result<Webhook> {
        let http = reqwest::Client::builder().timeout(Duration::from_secs(30)).build()?;
        Ok(Webhook { url: url.into(), secret: secret.into(), http })
    }

    pub async fn send(&self, m: &Message) -> Result<(), Undelivered> {
        let body = serde_json::json!({ "to": m.recipient, "text": m.body }).to_string().into_bytes();
        let res = self
            .http
            .post(&self.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("x-kasir-signature", signature(&self.secret, &body))
            .body(body)
            .send()
            .await
            .map_err(|e| Undelivered::Failed(format!("the SMS webhook could not be reached: {e}")))?;
        let status = res.status();
        if status.is_success() {
            return Ok(());
        }
        let text: String = res.text().await.unwrap_or_default().chars().take(300).collect();
        let e = format!("the SMS webhook answered {status}: {text}");
        if status.is_client_error() && status.as_u16() != 408 && status.as_u16() != 429 {
            Err(Undelivered::Refused(e))
        } else {
            Err(Undelivered::Failed(e))
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn signs_with_hmac_sha256() {
        // RFC 4231 test case 2.
        assert_eq!(
            super::signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
