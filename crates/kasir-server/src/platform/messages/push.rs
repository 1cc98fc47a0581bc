//! Push through Firebase Cloud Messaging HTTP v1: a service account's key signs a JWT, which the
//! token endpoint exchanges for an OAuth access token (kept until shortly before it expires);
//! each message is a POST to `projects/<project>/messages:send`. A token FCM reports
//! `UNREGISTERED` is dead: the message fails and the token is never used again.

use std::{
    path::Path,
    time::{Duration, Instant},
};

use anyhow::Context;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use kasir_store::platform::messages::Message;
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::sync::Mutex;

use super::Undelivered;

/// The OAuth scope that sends messages.
const SCOPE: &str = "https://www.googleapis.com/auth/firebase.messaging";

#[derive(Deserialize)]
struct ServiceAccount {
    project_id: String,
    client_email: String,
    private_key: String,
    token_uri: String,
}

/// A Firebase project's sender.
pub struct Fcm {
    project_id: String,
    client_email: String,
    key: EncodingKey,
    token_uri: String,
    send_base: String,
    http: reqwest::Client,
    token: Mutex<Option<(String, Instant)>>,
}

impl Fcm {
    /// Reads the service-account file at `path`; messages go to `send_base` (FCM's own by default).
    pub fn from_file(path: &Path, send_base: &str) -> anyhow::Result<Fcm> {
        let raw = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let sa: ServiceAccount = serde_json::from_slice(&raw).context("a service-account JSON file")?;
        let key = EncodingKey::from_rsa_pem(sa.private_key.as_bytes()).context("the service account's private key")?;
        Ok(Fcm {
            project_id: sa.project_id,
            client_email: sa.client_email,
            key,
            token_uri: sa.token_uri,
            send_base: send_base.trim_end_matches('/').to_string(),
            http: reqwest::Client::builder().timeout(Duration::from_secs(30)).build()?,
            token: Mutex::new(None),
        })
    }

    /// An access token: the one held, or a new one for a freshly signed assertion.
    async fn access_token(&self) -> Result<String, Undelivered> {
        let mut held = self.token.lock().await;
        if let Some((token, until)) = held.as_ref() {
            if Instant::now() < *until {
                return Ok(token.clone());
            }
        }
        let now = jiff::Timestamp::now().as_second();
        let claims =
            json!({ "iss": self.client_email, "scope": SCOPE, "aud": self.token_uri, "iat": now, "exp": now + 3600 });
        let assertion = jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &self.key)
            .map_err(|e| Undelivered::Failed(format!("signing the FCM assertion: {e}")))?;
        let res = self
            .http
            .post(&self.token_uri)
            .form(&[("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"), ("assertion", assertion.as_str())])
            .send()
            .await
            .map_err(|e| Undelivered::Failed(format!("the FCM token endpoint could not be reached: {e}")))?;
        if !res.status().is_success() {
            let status = res.status();
            let text: String = res.text().await.unwrap_or_default().chars().take(300).collect();
            return Err(Undelivered::Failed(format!("the FCM token endpoint answered {status}: {text}")));
        }
        #[derive(Deserialize)]
        struct Granted {
            access_token: String,
            expires_in: u64,
        }
        let granted: Granted =
            res.json().await.map_err(|e| Undelivered::Failed(format!("the FCM token endpoint's answer: {e}")))?;
        let until = Instant::now() + Duration::from_secs(granted.expires_in.saturating_sub(60));
        *held = Some((granted.access_token.clone(), until));
        Ok(granted.access_token)
    }

    pub async fn send(&self, m: &Message) -> Result<(), Undelivered> {
        let token = self.access_token().await?;
        let (title, body) = super::parts(m);
        let mut message = json!({ "token": m.recipient, "notification": { "title": title, "body": body } });
        if let Value::Object(data) = &m.data.0 {
            // FCM data values are strings.
            let strings: serde_json::Map<String, Value> = data
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.as_str().map_or_else(|| v.to_string(), str::to_string))))
                .collect();
            message["data"] = Value::Object(strings);
        }
        let url = format!("{}/v1/projects/{}/messages:send", self.send_base, self.project_id);
        let res = self
            .http
            .post(url)
            .bearer_auth(&token)
            .json(&json!({ "message": message }))
            .send()
            .await
            .map_err(|e| Undelivered::Failed(format!("FCM could not be reached: {e}")))?;
        let status = res.status();
        if status.is_success() {
            return Ok(());
        }
        let answer: Value = res.json().await.unwrap_or(Value::Null);
        let e = format!("FCM answered {status}: {}", answer["error"]["message"].as_str().unwrap_or(""));
        let unregistered =
            answer["error"]["details"].as_array().is_some_and(|d| d.iter().any(|x| x["errorCode"] == "UNREGISTERED"))
                || answer["error"]["status"] == "UNREGISTERED";
        if unregistered {
            return Err(Undelivered::Unregistered(e));
        }
        if status == reqwest::StatusCode::UNAUTHORIZED {
            *self.token.lock().await = None;
            return Err(Undelivered::Failed(e));
        }
        if status.is_client_error() && status.as_u16() != 429 {
            Err(Undelivered::Refused(e))
        } else {
            Err(Undelivered::Failed(e))
        }
    }
}
