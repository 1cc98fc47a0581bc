//! Answering a keyed checkout whose key is taken: a checkout stores its response under its
//! `Idempotency-Key` only at commit (decision 023), so a repeat finds the first answer there.

use kasir_store::{
    platform::idempotency::{self, TxClaim},
    Db,
};

use super::{checkout::Outcome, Seller};
use crate::{api::ApiError, platform::idempotency::TxKey};

/// What is stored under a request's key.
pub(super) enum Repeat {
    /// The first request's response, to give again.
    Replay(Outcome),
    /// The key's answer instead: used for another request, or that request still runs.
    Refused(ApiError),
    /// Nothing live.
    Nothing,
}

impl Repeat {
    /// The answer a repeat gets, or `None` when nothing is stored under the key.
    pub(super) fn answer(self) -> Option<Result<Outcome, ApiError>> {
        match self {
            Repeat::Replay(outcome) => Some(Ok(outcome)),
            Repeat::Refused(refusal) => Some(Err(refusal)),
            Repeat::Nothing => None,
        }
    }
}

/// Looks up a request's key in a transaction of its own. A replay is answered after a commit, so
/// that on SQLite the first answer is on disk.
pub(super) async fn answer_repeat(db: &Db, seller: &Seller, k: &TxKey) -> Result<Repeat, ApiError> {
    let mut tx = db.begin(seller.actor.clone()).await?;
    match idempotency::claim_in(&mut tx, &k.scope, &k.key, &k.hash).await? {
        TxClaim::Replay { status, body } => {
            tx.commit().await?;
            Ok(Repeat::Replay(Outcome::Replay { status, body }))
        }
        TxClaim::Mismatch => Ok(Repeat::Refused(crate::platform::idempotency::key_reused())),
        TxClaim::InProgress => Ok(Repeat::Refused(crate::platform::idempotency::in_progress())),
        // Dropping the transaction gives the claim up again.
        TxClaim::Run => Ok(Repeat::Nothing),
    }
}
