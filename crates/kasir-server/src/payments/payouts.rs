//! Payouts to bank accounts: made once per Idempotency-Key (the row is keyed by a hash of it and
//! the gateway gets an idempotency key made from it, so a retry after a crash finds the payout
//! instead of paying twice), settled by their callbacks and by the reconciliation job.

use kasir_domain::payments::{GatewayProvider, PayoutStatus};
use kasir_store::{
    payments::payouts::{self, Payout},
    Actor,
};
use sha2::{Digest, Sha256};

use super::gateway::{self, NewPayout, PayoutState};
use crate::{api::ApiError, state::AppState};

/// A payout as asked.
pub struct Ask {
    pub bank_code: String,
    pub account_number: String,
    pub account_holder_name: String,
    pub amount: i64,
    pub description: String,
}

/// Makes the payout `key` names (or finds the one it made), at the tenant's gateway.
#[tracing::instrument(skip_all)]
pub async fn create(s: &AppState, tenant_id: &str, actor: Actor, key: &str, ask: Ask) -> Result<Payout, ApiError> {
    let (gw, _) = gateway::for_tenant(s, tenant_id, GatewayProvider::Xendit).await?;
    let hash = hex::encode(Sha256::digest(format!("{tenant_id}\0{key}").as_bytes()));
    let payout = match payouts::by_key(&s.db, tenant_id, &hash).await? {
        Some(p) => p,
        None => {
            let id = kasir_domain::ids::new_id();
            let now = kasir_domain::time::now();
            let p = Payout {
                external_id: format!("kasir-payout-{id}"),
                id,
                tenant_id: tenant_id.to_string(),
                idempotency_hash: hash.clone(),
                provider: GatewayProvider::Xendit.as_str().into(),
                gateway_ref: None,
                bank_code: ask.bank_code,
                account_number: ask.account_number,
                account_holder_name: ask.account_holder_name,
                amount: ask.amount,
                description: ask.description,
                status: PayoutStatus::Pending.as_str().into(),
                failure_code: None,
                created_by: actor.id.clone(),
                version: 1,
                created_at: now.clone(),
                updated_at: now,
            };
            let mut tx = s.db.begin(actor.clone()).await?;
            payouts::insert(&mut tx, &p).await?;
            tx.audit(
                Some(tenant_id),
                "payout.create",
                "payout",
                Some(&p.id),
                serde_json::json!({"amount": p.amount, "bank_code": p.bank_code}),
            );
            tx.commit().await?;
            p
        }
    };
    if payout.gateway_ref.is_some() {
        return Ok(payout);
    }
    let ask = NewPayout {
        external_id: payout.external_id.clone(),
        idempotency_key: format!("kasir-{}", &hash[..40]),
        bank_code: payout.bank_code.clone(),
        account_number: payout.account_number.clone(),
        account_holder_name: payout.account_holder_name.clone(),
        amount: payout.amount,
        description: payout.description.clone(),
    };
    match gw.payout(&ask).await {
        Ok(state) => record(s, &payout, &state, true).await,
        Err(e) if e.unknown_outcome() => Err(e.into()),
        Err(e) => {
            let code = match &e {
                gateway::GatewayError::Rejected { code, .. } => code.clone(),
                _ => "NOT_FOUND".into(),
            };
            let failed = PayoutState {
                gateway_ref: String::new(),
                status: PayoutStatus::Failed,
                amount: payout.amount,
                failure_code: Some(code),
            };
            record(s, &payout, &failed, false).await?;
            Err(e.into())
        }
    }
}

/// Reads a payout again from the gateway and records what it says.
#[tracing::instrument(skip_all)]
pub async fn refresh(s: &AppState, p: &Payout) -> Result<Payout, ApiError> {
    let Some(r) = &p.gateway_ref else { return Ok(p.clone()) };
    let (gw, _) = gateway::for_tenant(s, &p.tenant_id, GatewayProvider::Xendit).await?;
    let state = gw.get_payout(r).await?;
    record(s, p, &state, false).await
}

/// Records the gateway's id (`first`: its answer to the create) and a step forward of status.
async fn record(s: &AppState, read: &Payout, state: &PayoutState, first: bool) -> Result<Payout, ApiError> {
    let mut tx = s.db.begin(super::charges::gateway_actor()).await?;
    let mut p = payouts::lock(&mut tx, &read.id).await?.ok_or(ApiError::NotFound)?;
    let from = PayoutStatus::parse(&p.status)
        .ok_or_else(|| ApiError::Internal(format!("payout {} has status {}", p.id, p.status)))?;
    let moves = from.may_move(state.status);
    let first_answer = first && p.gateway_ref.is_none();
    if !moves && !first_answer {
        return Ok(p);
    }
    if p.gateway_ref.is_none() && !state.gateway_ref.is_empty() {
        p.gateway_ref = Some(state.gateway_ref.clone());
    }
    if moves {
        p.status = state.status.as_str().into();
        p.failure_code = state.failure_code.clone();
        tx.audit(
            Some(&p.tenant_id),
            "payout.status",
            "payout",
            Some(&p.id),
            serde_json::json!({"from": from.as_str(), "to": p.status}),
        );
    }
    p.updated_at = kasir_domain::time::now();
    payouts::update(&mut tx, &p).await?;
    tx.commit().await?;
    Ok(p)
}
