//! Scheduled jobs, declared in one place ([`register_builtin`]). Every process checks the
//! schedules every tick and enqueues the current slot's job under a key naming the slot, so that
//! however many processes run, each slot makes one job.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use kasir_domain::jobs::{Every, JobKind};
use kasir_store::{
    platform::jobs::{self, NewJob},
    Db,
};

use super::Jobs;

/// A job of `kind` enqueued whenever `every` falls due.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub kind: String,
    pub every: Every,
}

impl Schedule {
    pub fn new(kind: &str, every: Every) -> Schedule {
        Schedule { kind: kind.into(), every }
    }
}

/// The server's own periodic jobs and their handlers.
pub(super) fn register_builtin(jobs: &Jobs) {
    jobs.register(JobKind::PurgeIdempotencyKeys.as_str(), |ctx| async move {
        let n = kasir_store::platform::idempotency::purge_expired(&ctx.db).await?;
        tracing::info!(purged = n, "expired idempotency keys removed");
        Ok(())
    });
    jobs.register(JobKind::PruneEvents.as_str(), |ctx| async move {
        // Realtime events are kept a week (resuming clients need at least a day).
        let before = kasir_domain::time::format_ts(Timestamp::now() - SignedDuration::from_hours(24 * 7));
        let n = kasir_store::realtime::prune_events(&ctx.db, &before).await?;
        tracing::info!(pruned = n, "old realtime events removed");
        Ok(())
    });
    jobs.register(JobKind::PruneJobs.as_str(), |ctx| async move {
        let now = Timestamp::now();
        let n =
            jobs::prune(&ctx.db, now - SignedDuration::from_hours(24 * 7), now - SignedDuration::from_hours(24 * 30))
                .await?;
        tracing::info!(pruned = n, "finished jobs removed");
        Ok(())
    });
    jobs.register(JobKind::PruneRateCounters.as_str(), |ctx| async move {
        // The longest window is an hour.
        let n = kasir_store::platform::rate_limits::prune(&ctx.db, Timestamp::now().as_second() - 2 * 3600).await?;
        tracing::info!(pruned = n, "old rate-limit counters removed");
        Ok(())
    });
    for (kind, every) in [
        (JobKind::PurgeIdempotencyKeys, Every::Minutes(10)),
        (JobKind::PruneEvents, Every::Minutes(60)),
        (JobKind::PruneJobs, Every::Minutes(24 * 60)),
        (JobKind::PruneRateCounters, Every::Minutes(60)),
    ] {
        jobs.schedule(Schedule::new(kind.as_str(), every));
    }
}

/// Enqueues the due slot of every schedule, every `tick`, until `db` is closed.
pub(super) async fn run(jobs: Jobs, db: Db, tick: Duration) {
    let mut every = tokio::time::interval(tick);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        if db.writer().is_closed() {
            return;
        }
        if let Err(e) = enqueue_due(&jobs, &db, Timestamp::now()).await {
            if !db.writer().is_closed() {
                tracing::warn!(error = %e, "enqueuing scheduled jobs failed");
            }
        }
    }
}

/// Enqueues each schedule's job for the slot `now` falls in (nothing for a slot already enqueued).
pub async fn enqueue_due(jobs: &Jobs, db: &Db, now: Timestamp) -> kasir_store::Result<usize> {
    let schedules = jobs.0.schedules.read().expect("job schedules").clone();
    let mut zones = None;
    let mut made = 0;
    for s in schedules {
        let runs: Vec<(Option<String>, String)> = match s.every {
            Every::Minutes(_) => s.every.slot(now, "UTC").map(|slot| (None, slot)).into_iter().collect(),
            Every::DailyAt { .. } => {
                if zones.is_none() {
                    zones = Some(jobs::tenant_zones(db).await?);
                }
                let zones = zones.as_deref().unwrap_or_default();
                zones
                    .iter()
                    .filter_map(|(t, zone)| s.every.slot(now, zone).map(|slot| (Some(t.clone()), slot)))
                    .collect()
            }
        };
        for (tenant, slot) in runs {
            let key = match &tenant {
                Some(t) => format!("{}@{t}@{slot}", s.kind),
                None => format!("{}@{slot}", s.kind),
            };
            let job = NewJob {
                tenant_id: tenant,
                dedupe_key: Some(key),
                max_attempts: 3,
                ..NewJob::new(&s.kind, serde_json::json!({ "slot": slot }))
            };
            if jobs::enqueue(db, &job).await?.is_some() {
                made += 1;
            }
        }
    }
    if made > 0 {
        jobs.wake();
    }
    Ok(made)
}
