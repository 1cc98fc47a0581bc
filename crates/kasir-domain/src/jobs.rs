//! Background jobs: their statuses, the kinds the server runs, how long a failed one waits before
//! its next attempt, and when a scheduled one falls due. The queue itself is a table (see
//! `kasir_store::platform::jobs`); this is the arithmetic.

use std::time::Duration;

use jiff::Timestamp;

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    /// Waiting for `run_at`, or for its next attempt.
    Queued,
    /// Claimed by a server process (until its lease ends).
    Running,
    Done,
    /// Failed its last allowed attempt.
    Failed,
}

impl JobStatus {
    pub const ALL: [JobStatus; 4] = [JobStatus::Queued, JobStatus::Running, JobStatus::Done, JobStatus::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Done => "done",
            JobStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<JobStatus> {
        JobStatus::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The jobs the server itself runs (areas add theirs here).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobKind {
    /// Forget idempotency keys past their 24 hours.
    PurgeIdempotencyKeys,
    /// Drop realtime events older than a week.
    PruneEvents,
    /// Drop finished jobs: done ones after a week, failed ones after a month.
    PruneJobs,
    /// Drop shared rate-limit counters of windows that are over.
    PruneRateCounters,
    /// Delete temporary files nobody downloaded within a day.
    DeleteTempFiles,
    /// Email an operator alert.
    SendAlert,
    /// Drop change-feed rows superseded (or deleted) longer ago than the retention.
    PruneFeed,
    /// Re-read pending gateway payments and payouts; expire the lapsed ones.
    ReconcilePayments,
    /// Mark the rostered employees who never checked in yesterday absent (per tenant, 04:00).
    MarkAbsent,
    /// Reject pending leave whose first day has come (per tenant, 00:05).
    RejectStaleLeave,
    /// Delete drivers' location pings older than 90 days (per tenant, 03:30).
    PruneDriverLocations,
}

impl JobKind {
    pub const ALL: [JobKind; 11] = [
        JobKind::PurgeIdempotencyKeys,
        JobKind::PruneEvents,
        JobKind::PruneJobs,
        JobKind::PruneRateCounters,
        JobKind::DeleteTempFiles,
        JobKind::SendAlert,
        JobKind::PruneFeed,
        JobKind::ReconcilePayments,
        JobKind::MarkAbsent,
        JobKind::RejectStaleLeave,
        JobKind::PruneDriverLocations,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::PurgeIdempotencyKeys => "purge_idempotency_keys",
            JobKind::PruneEvents => "prune_events",
            JobKind::PruneJobs => "prune_jobs",
            JobKind::PruneRateCounters => "prune_rate_counters",
            JobKind::DeleteTempFiles => "delete_temp_files",
            JobKind::SendAlert => "send_alert",
            JobKind::PruneFeed => "prune_feed",
            JobKind::ReconcilePayments => "reconcile_payments",
            JobKind::MarkAbsent => "mark_absent",
            JobKind::RejectStaleLeave => "reject_stale_leave",
            JobKind::PruneDriverLocations => "prune_driver_locations",
        }
    }
}

/// How long a job that failed its `attempt`-th try (1 for the first) waits before the next:
/// `base × 2^(attempt − 1)`, at most an hour, give or take a tenth (`jitter` in 0..1 picks
/// where), so that jobs failing together do not retry together.
pub fn backoff(base: Duration, attempt: u32, jitter: f64) -> Duration {
    let exp = 2u32.saturating_pow(attempt.saturating_sub(1).min(20));
    let plain = base.saturating_mul(exp).min(Duration::from_secs(3600));
    plain.mul_f64(0.9 + 0.2 * jitter.clamp(0.0, 1.0))
}

/// When a scheduled job falls due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Every {
    /// Once in every span of this many minutes (counted from the Unix epoch, so all nodes agree).
    Minutes(u32),
    /// Once a day for each tenant, at this hour and minute on the tenant's clock.
    DailyAt { hour: i8, minute: i8 },
}

impl Every {
    /// The slot `now` falls in, if one is due: a name that is the same on every node for the
    /// same run (the queue keeps one job per slot). `zone` is the tenant's time zone for
    /// [`Every::DailyAt`]; a daily slot is due from its time until the end of the local day.
    pub fn slot(self, now: Timestamp, zone: &str) -> Option<String> {
        match self {
            Every::Minutes(n) => {
                let span = i64::from(n.max(1)) * 60;
                Some(format!("{}", now.as_second().div_euclid(span) * span))
            }
            Every::DailyAt { hour, minute } => {
                let tz = jiff::tz::TimeZone::get(zone).unwrap_or(jiff::tz::TimeZone::UTC);
                let local = now.to_zoned(tz);
                let at = (local.hour(), local.minute());
                (at >= (hour, minute)).then(|| local.date().to_string())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        let base = Duration::from_secs(10);
        assert_eq!(backoff(base, 1, 0.5), Duration::from_secs(10));
        assert_eq!(backoff(base, 2, 0.5), Duration::from_secs(20));
        assert_eq!(backoff(base, 4, 0.5), Duration::from_secs(80));
        assert_eq!(backoff(base, 40, 0.5), Duration::from_secs(3600));
        assert_eq!(backoff(base, 1, 0.0), Duration::from_secs(9));
        assert_eq!(backoff(base, 1, 1.0), Duration::from_secs(11));
    }

    #[test]
    fn minute_slots_are_shared_by_every_node() {
        let at = |s: &str| s.parse::<Timestamp>().unwrap();
        let every = Every::Minutes(10);
        assert_eq!(every.slot(at("2026-12-03T10:00:00Z"), "UTC"), every.slot(at("2026-12-03T10:09:59Z"), "UTC"));
        assert_ne!(every.slot(at("2026-12-03T10:09:59Z"), "UTC"), every.slot(at("2026-12-03T10:10:00Z"), "UTC"));
        assert_eq!(every.slot(at("2026-12-03T10:10:00Z"), "Asia/Jakarta").as_deref(), Some("1796292600"));
    }

    #[test]
    fn daily_slots_follow_the_tenant_clock() {
        let at = |s: &str| s.parse::<Timestamp>().unwrap();
        let at_two = Every::DailyAt { hour: 2, minute: 0 };
        // 01:59 in Jakarta (UTC+7) is not yet due; 02:00 is due for that local date.
        assert_eq!(at_two.slot(at("2026-12-02T18:59:00Z"), "Asia/Jakarta"), None);
        assert_eq!(at_two.slot(at("2026-12-02T19:00:00Z"), "Asia/Jakarta").as_deref(), Some("2026-12-03"));
        assert_eq!(at_two.slot(at("2026-12-03T16:59:00Z"), "Asia/Jakarta").as_deref(), Some("2026-12-03"));
        // The same instant in UTC is still the 2nd, past 02:00.
        assert_eq!(at_two.slot(at("2026-12-02T19:00:00Z"), "UTC").as_deref(), Some("2026-12-02"));
        // An unknown zone counts as UTC.
        assert_eq!(at_two.slot(at("2026-12-02T01:00:00Z"), "Mars/Olympus"), None);
    }

    #[test]
    fn statuses_round_trip() {
        for s in JobStatus::ALL {
            assert_eq!(JobStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(JobStatus::parse("sleeping"), None);
    }
}
