//! The job runner. Each server process claims due jobs from the `jobs` table (several processes
//! on one PostgreSQL share it, each job running once), runs them a few at a time, retries the
//! failed ones with back-off and gives up after their limit. Handlers are registered by kind;
//! a process claims only the kinds it knows. Scheduled jobs are declared in [`schedule`].

mod routes;
pub mod schedule;

use std::{
    collections::HashMap,
    future::Future,
    sync::{Arc, RwLock},
    time::Duration,
};

use futures::future::BoxFuture;
use kasir_store::{
    platform::jobs::{self, Claimed, NewJob},
    Db,
};
use tokio::sync::{Notify, Semaphore};
use tracing::Instrument;

pub use routes::routes;

use crate::platform::metrics::Metrics;
pub use schedule::Schedule;

/// What a handler gets: the job and the database.
#[derive(Debug, Clone)]
pub struct JobContext {
    pub id: String,
    pub kind: String,
    pub tenant_id: Option<String>,
    pub payload: serde_json::Value,
    /// This attempt's number, from 1.
    pub attempt: i64,
    /// The attempts it may have.
    pub max_attempts: i64,
    pub db: Db,
}

type Handler = Arc<dyn Fn(JobContext) -> BoxFuture<'static, anyhow::Result<()>> + Send + Sync>;

/// How a process runs jobs.
#[derive(Debug, Clone)]
pub struct RunnerConfig {
    /// Jobs run at once by this process.
    pub workers: usize,
    /// How often an idle runner looks for due jobs (it is also woken when this process enqueues one).
    pub poll: Duration,
    /// The first retry's delay; each further one doubles (at most an hour).
    pub retry_base: Duration,
    /// How long a claim lasts; a job still running then is cut off and may be claimed again.
    pub lease: Duration,
    /// How often schedules are checked.
    pub schedule_tick: Duration,
}

impl Default for RunnerConfig {
    fn default() -> Self {
        RunnerConfig {
            workers: 4,
            poll: Duration::from_secs(1),
            retry_base: Duration::from_secs(30),
            lease: Duration::from_secs(300),
            schedule_tick: Duration::from_secs(30),
        }
    }
}

/// This process's job runner: its handlers, schedules and wake-up. Cheap to clone.
#[derive(Clone)]
pub struct Jobs(Arc<Inner>);

struct Inner {
    node: String,
    handlers: RwLock<HashMap<String, Handler>>,
    schedules: RwLock<Vec<Schedule>>,
    wake: Notify,
}

impl Default for Jobs {
    fn default() -> Self {
        Jobs::new()
    }
}

impl Jobs {
    /// A runner with the server's own handlers and schedules (not yet started).
    pub fn new() -> Jobs {
        let jobs = Jobs(Arc::new(Inner {
            node: format!("node-{}", kasir_domain::ids::new_id()),
            handlers: RwLock::new(HashMap::new()),
            schedules: RwLock::new(Vec::new()),
            wake: Notify::new(),
        }));
        schedule::register_builtin(&jobs);
        jobs
    }

    /// This process's name in `locked_by`.
    pub fn node(&self) -> &str {
        &self.0.node
    }

    /// Runs jobs of `kind` with `handler`; an error fails the attempt (and is kept as `last_error`).
    pub fn register<F, Fut>(&self, kind: &str, handler: F)
    where
        F: Fn(JobContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
    {
        let handler: Handler = Arc::new(move |ctx| Box::pin(handler(ctx)));
        self.0.handlers.write().expect("job handlers").insert(kind.to_string(), handler);
        self.wake();
    }

    /// Enqueues a job of `kind` when `schedule` falls due (once for all processes).
    pub fn schedule(&self, schedule: Schedule) {
        self.0.schedules.write().expect("job schedules").push(schedule);
    }

    /// Enqueues `job` and wakes this process's runner; its id, or `None` when its dedupe key was taken.
    pub async fn enqueue(&self, db: &Db, job: &NewJob) -> kasir_store::Result<Option<String>> {
        let id = jobs::enqueue(db, job).await?;
        self.wake();
        Ok(id)
    }

    /// Looks for due jobs now (after a transaction that enqueued some commits).
    pub fn wake(&self) {
        self.0.wake.notify_one();
    }

    fn kinds(&self) -> Vec<String> {
        self.0.handlers.read().expect("job handlers").keys().cloned().collect()
    }

    fn handler(&self, kind: &str) -> Option<Handler> {
        self.0.handlers.read().expect("job handlers").get(kind).cloned()
    }

    /// Starts claiming and running jobs, and enqueuing scheduled ones, until `db` is closed.
    pub fn start(&self, db: Db, config: RunnerConfig, metrics: Metrics) {
        tokio::spawn(run(self.clone(), db.clone(), config.clone(), metrics));
        tokio::spawn(schedule::run(self.clone(), db, config.schedule_tick));
    }
}

async fn run(jobs: Jobs, db: Db, config: RunnerConfig, metrics: Metrics) {
    let slots = Arc::new(Semaphore::new(config.workers.max(1)));
    loop {
        if db.writer().is_closed() {
            return;
        }
        let free = slots.available_permits();
        let claimed = if free == 0 {
            Vec::new()
        } else {
            match jobs::claim(&db, jobs.node(), &jobs.kinds(), free as i64, config.lease).await {
                Ok(c) => c,
                Err(e) => {
                    if !db.writer().is_closed() {
                        tracing::warn!(error = %e, "claiming jobs failed");
                    }
                    Vec::new()
                }
            }
        };
        let full = free > 0 && claimed.len() == free;
        for job in claimed {
            let Ok(permit) = slots.clone().acquire_owned().await else { return };
            let (jobs, db, config, metrics) = (jobs.clone(), db.clone(), config.clone(), metrics.clone());
            let span = tracing::info_span!("job", id = %job.id, kind = %job.kind, attempt = job.attempts);
            tokio::spawn(
                async move {
                    let kind = job.kind.clone();
                    let outcome = run_one(&jobs, &db, &config, job).await;
                    metrics.job_ran(&kind, outcome);
                    drop(permit);
                    jobs.wake();
                }
                .instrument(span),
            );
        }
        if !full {
            tokio::select! {
                _ = jobs.0.wake.notified() => {}
                _ = tokio::time::sleep(config.poll) => {}
            }
        }
    }
}

/// Runs one claimed job and records how it went: `done`, `retry` or `failed`.
async fn run_one(jobs: &Jobs, db: &Db, config: &RunnerConfig, job: Claimed) -> &'static str {
    let outcome = match jobs.handler(&job.kind) {
        None => Err(format!("no handler for jobs of kind {}", job.kind)),
        Some(handler) => {
            let ctx = JobContext {
                id: job.id.clone(),
                kind: job.kind.clone(),
                tenant_id: job.tenant_id.clone(),
                payload: job.payload.0.clone(),
                attempt: job.attempts,
                max_attempts: job.max_attempts,
                db: db.clone(),
            };
            // On its own task, so that a panic fails the attempt instead of the runner; cut off
            // before its lease ends, so that no other process runs it meanwhile.
            let task = tokio::spawn(handler(ctx));
            match tokio::time::timeout(config.lease.mul_f64(0.9), task).await {
                Ok(Ok(Ok(()))) => Ok(()),
                Ok(Ok(Err(e))) => Err(format!("{e:#}")),
                Ok(Err(join)) => Err(format!("the job panicked: {join}")),
                Err(_) => Err(format!("the job ran past {} s", config.lease.mul_f64(0.9).as_secs())),
            }
        }
    };
    let recorded = match &outcome {
        Ok(()) => jobs::complete(db, &job.id, jobs.node()).await,
        Err(error) => {
            let retry_at = (job.attempts < job.max_attempts).then(|| {
                let wait = kasir_domain::jobs::backoff(config.retry_base, job.attempts as u32, rand::random::<f64>());
                jiff::Timestamp::now().checked_add(wait).unwrap_or(jiff::Timestamp::MAX)
            });
            if retry_at.is_some() {
                tracing::warn!(error = %error, "job attempt failed; it will be retried");
            } else {
                tracing::error!(error = %error, "job failed for good");
            }
            jobs::fail(db, &job.id, jobs.node(), error, retry_at).await
        }
    };
    match recorded {
        Ok(true) => tracing::debug!(ok = outcome.is_ok(), "job finished"),
        Ok(false) => tracing::warn!("the job's lease had ended; another process holds it now"),
        Err(e) => tracing::error!(error = %e, "recording how a job went failed"),
    }
    match outcome {
        Ok(()) => "done",
        Err(_) if job.attempts < job.max_attempts => "retry",
        Err(_) => "failed",
    }
}
