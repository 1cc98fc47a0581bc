//! Offline devices: `GET /sync/pull` serves the change feed; `POST /sync/push` applies what a
//! device did offline (facts as facts, records merged by field); `/sync/conflicts` keeps what
//! met a server change until someone resolves it.

pub mod change;
pub mod conflicts;
pub mod cursor;
pub mod facts;
pub mod merge;
pub mod pull;
pub mod push;

pub use pull::ENTITIES;

use crate::{api::openapi::ApiRouter, state::AppState};

/// The daily feed pruning: superseded rows and tombstones older than `retention_days` go.
pub fn register_jobs(jobs: &crate::platform::jobs::Jobs, retention_days: i64) {
    use jiff::{SignedDuration, Timestamp};
    use kasir_domain::jobs::{Every, JobKind};
    jobs.register(JobKind::PruneFeed.as_str(), move |ctx| async move {
        let before = kasir_domain::time::format_ts(Timestamp::now() - SignedDuration::from_hours(24 * retention_days));
        let n = kasir_store::sync::prune_feed(&ctx.db, &before).await?;
        tracing::info!(pruned = n, "superseded change-feed rows removed");
        Ok(())
    });
    jobs.schedule(crate::platform::jobs::Schedule::new(JobKind::PruneFeed.as_str(), Every::Minutes(24 * 60)));
}

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    conflicts::routes(push::routes(pull::routes(api)))
}
