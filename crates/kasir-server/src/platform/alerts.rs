//! Operator alerts to `KASIR_ALERT_EMAIL`: a burst of 5xx answers now, licence events when
//! devices come. At most one email per kind every 10 minutes however many processes raise it: the
//! alert is a job whose dedupe key names the kind and the 10-minute slot.

use std::sync::atomic::{AtomicI64, AtomicU32, Ordering};

use kasir_domain::{
    jobs::{Every, JobKind},
    messages::{Channel, Template},
};
use kasir_store::{
    platform::{
        jobs::NewJob,
        messages::{self, NewMessage},
    },
    Db,
};
use serde_json::json;

use super::jobs::Jobs;

/// 5xx answers within one minute, on one process, that make a `server_errors` alert.
pub const BURST: u32 = 10;

/// Raises the alert `kind` (nothing when no alert address is set, or when this kind was raised
/// in the current 10 minutes); whether an alert was queued.
pub async fn raise(
    db: &Db,
    jobs: &Jobs,
    alert_email: Option<&str>,
    kind: &str,
    detail: &str,
) -> kasir_store::Result<bool> {
    if alert_email.is_none() {
        return Ok(false);
    }
    let slot = Every::Minutes(10).slot(jiff::Timestamp::now(), "UTC").unwrap_or_default();
    let job = NewJob {
        dedupe_key: Some(format!("alert@{kind}@{slot}")),
        max_attempts: 3,
        ..NewJob::new(JobKind::SendAlert.as_str(), json!({ "kind": kind, "detail": detail }))
    };
    Ok(jobs.enqueue(db, &job).await?.is_some())
}

/// The job that turns an alert into an email.
pub fn register_jobs(jobs: &Jobs, alert_email: Option<String>) {
    jobs.register(JobKind::SendAlert.as_str(), move |ctx| {
        let to = alert_email.clone();
        async move {
            let Some(to) = to else { return Ok(()) };
            let kind = ctx.payload["kind"].as_str().unwrap_or("alert").to_string();
            let detail = ctx.payload["detail"].as_str().unwrap_or("").to_string();
            let template = Template::Alert { kind, detail };
            let (subject, body) = template.render();
            let m = NewMessage {
                tenant_id: None,
                channel: Channel::Email,
                recipient: to,
                subject: Some(subject),
                body,
                data: None,
                template: Some(template.name().into()),
            };
            messages::queue(&ctx.db, &m).await?;
            Ok(())
        }
    });
}

/// Counts this process's 5xx answers per minute.
#[derive(Default)]
pub struct ErrorBurst {
    minute: AtomicI64,
    count: AtomicU32,
}

impl ErrorBurst {
    /// Counts one at `now` (Unix seconds); the count when it has just reached [`BURST`].
    pub fn record(&self, now: i64) -> Option<u32> {
        let minute = now.div_euclid(60);
        if self.minute.swap(minute, Ordering::Relaxed) != minute {
            self.count.store(0, Ordering::Relaxed);
        }
        let n = self.count.fetch_add(1, Ordering::Relaxed) + 1;
        (n == BURST).then_some(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_reported_once_a_minute() {
        let burst = ErrorBurst::default();
        let hits: Vec<Option<u32>> = (0..12).map(|_| burst.record(600)).collect();
        assert_eq!(hits.iter().filter(|h| h.is_some()).count(), 1);
        assert_eq!(hits[9], Some(BURST));
        assert_eq!(burst.record(660), None, "a new minute starts again");
    }
}
