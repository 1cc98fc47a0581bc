//! The reconciliation job (`reconcile_payments`, every two hours through the job runner): every
//! pending payment is read again from its gateway (a callback that never came is caught up), a
//! payment past its expiry is expired at the gateway and here, and pending payouts are read again.

use std::sync::{Arc, Weak};

use kasir_domain::{
    jobs::{Every, JobKind},
    payments::PaymentStatus,
};
use kasir_store::payments::{self, payouts, Payment};

use super::charges;
use crate::{
    api::ApiError,
    platform::jobs::{Jobs, Schedule},
    state::{AppState, Inner},
};

/// Registers the job and its schedule. The handler holds the state weakly (the state holds it).
pub fn register_jobs(jobs: &Jobs, state: &AppState) {
    let weak: Weak<Inner> = Arc::downgrade(&state.0);
    jobs.register(JobKind::ReconcilePayments.as_str(), move |_ctx| {
        let weak = weak.clone();
        async move {
            let Some(inner) = weak.upgrade() else { return Ok(()) };
            run(&AppState(inner)).await
        }
    });
    jobs.schedule(Schedule::new(JobKind::ReconcilePayments.as_str(), Every::Minutes(120)));
}

/// One pass over everything pending; a payment the gateway cannot tell about now is left for the
/// next pass (and counted in the log).
pub async fn run(s: &AppState) -> anyhow::Result<()> {
    let (mut seen, mut changed, mut failed) = (0, 0, 0);
    let mut after = String::new();
    loop {
        let batch = payments::pending(&s.db, &after, 200).await?;
        for p in &batch {
            after = p.id.clone();
            seen += 1;
            match one(s, p).await {
                Ok(true) => changed += 1,
                Ok(false) => {}
                Err(e) if e.is_server_fault() => return Err(anyhow::anyhow!("reconciling payment {}: {e:?}", p.id)),
                Err(e) => {
                    failed += 1;
                    tracing::warn!(payment_id = %p.id, error = ?e, "a payment could not be reconciled now");
                }
            }
        }
        if batch.len() < 200 {
            break;
        }
    }
    let mut after = String::new();
    loop {
        let batch = payouts::pending(&s.db, &after, 200).await?;
        for p in &batch {
            after = p.id.clone();
            seen += 1;
            match super::payouts::refresh(s, p).await {
                Ok(now) if now.status != p.status => changed += 1,
                Ok(_) => {}
                Err(e) if e.is_server_fault() => return Err(anyhow::anyhow!("reconciling payout {}: {e:?}", p.id)),
                Err(e) => {
                    failed += 1;
                    tracing::warn!(payout_id = %p.id, error = ?e, "a payout could not be reconciled now");
                }
            }
        }
        if batch.len() < 200 {
            break;
        }
    }
    tracing::info!(seen, changed, failed, "payments reconciled");
    Ok(())
}

/// Reads one pending payment again, and expires it when it has lapsed. True when it changed.
async fn one(s: &AppState, p: &Payment) -> Result<bool, ApiError> {
    let now = charges::refresh(s, p, "reconcile").await?;
    if now.status != p.status {
        return Ok(true);
    }
    if PaymentStatus::Pending.is(&now.status) && now.expires_at <= kasir_domain::time::now() {
        return match charges::end(s, &now, "reconcile").await {
            Ok(ended) => Ok(ended.status != p.status),
            // Paid at the last moment: recorded as paid by the same call.
            Err(ApiError::Rule { code: kasir_domain::ErrorCode::PaymentAlreadyPaid, .. }) => Ok(true),
            Err(e) => Err(e),
        };
    }
    Ok(false)
}
