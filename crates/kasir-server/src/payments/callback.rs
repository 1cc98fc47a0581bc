//! `POST /payments/callback/xendit`: what the gateway tells us is only a prompt. The payment (or
//! payout) is found by the external id the callback names, the `x-callback-token` is compared
//! in constant time with its tenant's token (401 otherwise, and nothing changes), and the record
//! is read again from the gateway before anything counts. Repeats and callbacks out of order
//! change nothing more: a status only moves forward.

use kasir_domain::payments::GatewayProvider;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use utoipa::ToSchema;

use super::{charges, gateway, payouts};
use crate::{api::ApiError, state::AppState};

/// What a callback did.
#[derive(Debug, Serialize, ToSchema)]
pub struct Received {
    pub received: bool,
    /// `payment` or `payout`.
    pub kind: String,
    #[schema(format = Uuid)]
    pub id: String,
    /// The status after the callback (as re-read from the gateway).
    pub status: String,
}

fn refused() -> ApiError {
    ApiError::Unauthorized("the callback token does not match a payment of this gateway".into())
}

/// The external id a callback names: an invoice's or disbursement's `external_id`, an e-wallet
/// charge's or QR payment's `data.reference_id`.
fn external_id(body: &Value) -> Option<&str> {
    body["external_id"]
        .as_str()
        .or_else(|| body["data"]["reference_id"].as_str())
        .or_else(|| body["reference_id"].as_str())
        .filter(|s| !s.is_empty() && s.len() <= 200)
}

/// Handles one callback of the Xendit protocol.
#[tracing::instrument(skip_all)]
pub async fn xendit(s: &AppState, token: Option<&str>, body: &Value) -> Result<Received, ApiError> {
    let token = token.ok_or_else(|| ApiError::Unauthorized("the x-callback-token header is missing".into()))?;
    if !body.is_object() {
        return Err(ApiError::BadRequest("a callback is a JSON object".into()));
    }
    let Some(external_id) = external_id(body) else {
        return Err(ApiError::field("external_id", "a callback names the payment by external_id or data.reference_id"));
    };
    if let Some(p) = kasir_store::payments::by_external_id(&s.db, external_id).await? {
        verify(s, &p.tenant_id, token).await?;
        let after = charges::refresh(s, &p, "callback").await?;
        return Ok(Received { received: true, kind: "payment".into(), id: after.id, status: after.status });
    }
    if let Some(p) = kasir_store::payments::payouts::by_external_id(&s.db, external_id).await? {
        verify(s, &p.tenant_id, token).await?;
        let after = payouts::refresh(s, &p).await?;
        return Ok(Received { received: true, kind: "payout".into(), id: after.id, status: after.status });
    }
    // Unknown: indistinguishable from a wrong token for whoever sent it.
    Err(refused())
}

/// 401 unless `token` is the tenant's callback token (compared in constant time).
async fn verify(s: &AppState, tenant_id: &str, token: &str) -> Result<(), ApiError> {
    let (_, settings) = match gateway::for_tenant(s, tenant_id, GatewayProvider::Xendit).await {
        Ok(found) => found,
        // No gateway (removed since), or keys that do not open: nobody can be verified.
        Err(ApiError::Rule { .. }) => return Err(refused()),
        Err(e) => return Err(e),
    };
    // Hashed first, so that the comparison takes as long whatever the lengths.
    let given = Sha256::digest(token.as_bytes());
    let expected = Sha256::digest(settings.callback_token.as_bytes());
    if bool::from(given.as_slice().ct_eq(expected.as_slice())) {
        Ok(())
    } else {
        tracing::warn!(tenant_id, "a payment callback with a wrong token");
        Err(refused())
    }
}
