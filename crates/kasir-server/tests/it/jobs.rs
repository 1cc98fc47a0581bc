//! The job runner: each job runs once however many processes share the queue, failed ones are
//! retried with back-off up to their limit, schedules make one job per slot, and `GET /jobs`
//! shows each caller what is theirs.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use kasir_domain::jobs::Every;
use kasir_server::platform::jobs::{JobContext, Schedule};
use kasir_store::platform::jobs::NewJob;
use serde_json::{json, Value};

use crate::{
    backend_tests,
    common::{eventually, Backend, TestServer},
};

fn quick(c: &mut kasir_server::Config) {
    c.jobs.poll = Duration::from_millis(20);
    c.jobs.retry_base = Duration::from_millis(20);
    c.jobs.schedule_tick = Duration::from_millis(50);
}

/// Runs of each job of kind `count`, by payload `n`, and by node.
#[derive(Clone, Default)]
struct Tally {
    runs: Arc<Mutex<HashMap<i64, u32>>>,
    by_node: Arc<Mutex<HashMap<String, u32>>>,
}

impl Tally {
    fn register(&self, s: &TestServer) {
        let (tally, node) = (self.clone(), s.state.jobs.node().to_string());
        s.state.jobs.register("count", move |ctx: JobContext| {
            let (tally, node) = (tally.clone(), node.clone());
            async move {
                tokio::time::sleep(Duration::from_millis(5)).await;
                let n = ctx.payload["n"].as_i64().expect("n");
                *tally.runs.lock().unwrap().entry(n).or_default() += 1;
                *tally.by_node.lock().unwrap().entry(node).or_default() += 1;
                Ok(())
            }
        });
    }
}

async fn jobs_of(s: &TestServer, token: &str, query: &str) -> Vec<Value> {
    let r = s.get(&format!("/jobs?per_page=200&{query}"), token).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.data().as_array().cloned().unwrap_or_default()
}

async fn each_job_runs_once_on_every_node_sharing_the_queue(b: Backend) {
    let a = TestServer::start_with(b, quick).await;
    // SQLite is one process's database; PostgreSQL is shared by two here.
    let other = match b {
        Backend::Postgres => Some(a.another_node_with(quick).await),
        Backend::Sqlite => None,
    };
    let tally = Tally::default();
    tally.register(&a);
    if let Some(o) = &other {
        tally.register(o);
    }
    for n in 0..200 {
        let node = if n % 2 == 0 { &a } else { other.as_ref().unwrap_or(&a) };
        node.state.jobs.enqueue(&node.state.db, &NewJob::new("count", json!({ "n": n }))).await.expect("enqueued");
    }
    let admin = a.admin().await;
    eventually(30, "200 jobs done", || async {
        let done = jobs_of(&a, &admin, "kind=count&status=done").await;
        (done.len() == 200).then_some(())
    })
    .await;
    let runs = tally.runs.lock().unwrap().clone();
    assert_eq!(runs.len(), 200, "every job ran");
    assert!(runs.values().all(|r| *r == 1), "no job ran twice: {runs:?}");
    let by_node = tally.by_node.lock().unwrap().clone();
    assert_eq!(by_node.values().sum::<u32>(), 200);
    if other.is_some() {
        assert_eq!(by_node.len(), 2, "both nodes ran jobs: {by_node:?}");
    }
    for job in jobs_of(&a, &admin, "kind=count").await {
        assert_eq!((job["status"].as_str(), job["attempts"].as_i64()), (Some("done"), Some(1)), "{job}");
    }
}

async fn failed_jobs_are_retried_with_back_off_up_to_their_limit(b: Backend) {
    let s = TestServer::start_with(b, quick).await;
    s.state.jobs.register("flaky", |ctx: JobContext| async move {
        if ctx.attempt < 3 {
            anyhow::bail!("attempt {} failed", ctx.attempt);
        }
        Ok(())
    });
    s.state.jobs.register("broken", |_ctx: JobContext| async move { anyhow::bail!("always broken") });
    s.state.jobs.register("panics", |_ctx: JobContext| async move { panic!("a bug") });
    let db = &s.state.db;
    s.state.jobs.enqueue(db, &NewJob::new("flaky", json!({}))).await.unwrap();
    s.state.jobs.enqueue(db, &NewJob { max_attempts: 2, ..NewJob::new("broken", json!({})) }).await.unwrap();
    s.state.jobs.enqueue(db, &NewJob { max_attempts: 1, ..NewJob::new("panics", json!({})) }).await.unwrap();
    let admin = s.admin().await;
    let finished = |kind: &'static str| {
        let (s, admin) = (&s, admin.clone());
        async move {
            eventually(30, kind, || async {
                let job = jobs_of(s, &admin, &format!("kind={kind}")).await.pop()?;
                ["done", "failed"].contains(&job["status"].as_str()?).then_some(job)
            })
            .await
        }
    };
    let flaky = finished("flaky").await;
    assert_eq!(
        (flaky["status"].as_str(), flaky["attempts"].as_i64(), flaky["last_error"].as_str()),
        (Some("done"), Some(3), Some("attempt 2 failed"))
    );
    assert!(flaky["finished_at"].is_string());
    let broken = finished("broken").await;
    assert_eq!(
        (broken["status"].as_str(), broken["attempts"].as_i64(), broken["last_error"].as_str()),
        (Some("failed"), Some(2), Some("always broken"))
    );
    let panics = finished("panics").await;
    assert_eq!((panics["status"].as_str(), panics["attempts"].as_i64()), (Some("failed"), Some(1)));
    assert!(panics["last_error"].as_str().unwrap_or_default().contains("panicked"), "{panics}");
    // A job of a kind no process knows waits for one that does.
    s.state.jobs.enqueue(db, &NewJob::new("unknown", json!({}))).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let waiting = jobs_of(&s, &admin, "kind=unknown").await;
    assert_eq!((waiting.len(), waiting[0]["status"].as_str()), (1, Some("queued")));
}

async fn schedules_make_one_job_per_slot_however_many_nodes(b: Backend) {
    let a = TestServer::start_with(b, quick).await;
    let other = match b {
        Backend::Postgres => Some(a.another_node_with(quick).await),
        Backend::Sqlite => None,
    };
    let t = a.tenant("sched").await;
    let ran = Arc::new(Mutex::new(Vec::new()));
    for node in std::iter::once(&a).chain(other.as_ref()) {
        let ran = ran.clone();
        node.state.jobs.register("nightly", move |ctx: JobContext| {
            let ran = ran.clone();
            async move {
                ran.lock().unwrap().push((ctx.tenant_id.clone(), ctx.payload["slot"].as_str().map(String::from)));
                Ok(())
            }
        });
        node.state.jobs.register("yearly", |_ctx: JobContext| async move { Ok(()) });
        // Due every day from midnight on each tenant's clock; and once in a span of a year.
        node.state.jobs.schedule(Schedule::new("nightly", Every::DailyAt { hour: 0, minute: 0 }));
        node.state.jobs.schedule(Schedule::new("yearly", Every::Minutes(525_600)));
    }
    let admin = a.admin().await;
    let tenants = a.get("/tenants?per_page=100", &admin).await;
    let zones: Vec<(String, String)> = tenants
        .data()
        .as_array()
        .expect("tenants")
        .iter()
        .map(|x| (x["id"].as_str().unwrap().to_string(), x["timezone"].as_str().unwrap().to_string()))
        .collect();
    eventually(30, "a nightly job for every tenant done", || async {
        let done = jobs_of(&a, &admin, "kind=nightly&status=done").await;
        (done.len() == zones.len()).then_some(())
    })
    .await;
    // Several ticks of every node later, still one job per slot.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let nightly = jobs_of(&a, &admin, "kind=nightly").await;
    assert_eq!(nightly.len(), zones.len(), "{nightly:?}");
    assert_eq!(jobs_of(&a, &admin, "kind=yearly").await.len(), 1);
    let now = jiff::Timestamp::now();
    let mut expected: Vec<(Option<String>, Option<String>)> = zones
        .iter()
        .map(|(id, zone)| (Some(id.clone()), kasir_domain::time::local(now, zone).map(|l| l.date)))
        .collect();
    let mut got = ran.lock().unwrap().clone();
    expected.sort();
    got.sort();
    assert_eq!(got, expected, "one run per tenant, for the date on its clock");
    // A tenant owner sees its own tenant's jobs only; a cashier none.
    let own = jobs_of(&a, &t.owner, "").await;
    assert!(!own.is_empty() && own.iter().all(|j| j["tenant_id"] == t.id.as_str()), "{own:?}");
}

async fn the_job_list_checks_its_caller_and_its_filters(b: Backend) {
    let s = TestServer::start_with(b, quick).await;
    let t = s.tenant("jobs").await;
    let admin = s.admin().await;
    let cashier_id = s.user(&t.owner, "jobs-cashier", "cashier", &[]).await;
    assert!(!cashier_id.is_empty());
    let cashier = s.token("jobs-cashier", crate::common::PASSWORD).await;
    assert_eq!(s.get("/jobs", &cashier).await.status, 403);
    let r = s.get("/jobs?status=sleeping", &admin).await;
    assert_eq!((r.status, r.fields()), (400, vec!["status".to_string()]), "{:?}", r.body);
    let r = s.get("/jobs?per_page=0", &admin).await;
    assert_eq!((r.status, r.fields()), (400, vec!["per_page".to_string()]), "{:?}", r.body);
    // The server's own scheduled jobs are the platform's: an owner does not see them.
    eventually(30, "the scheduled clean-ups ran", || async {
        let done = jobs_of(&s, &admin, "kind=purge_idempotency_keys&status=done").await;
        (done.len() == 1).then_some(())
    })
    .await;
    let own = jobs_of(&s, &t.owner, "kind=purge_idempotency_keys").await;
    assert_eq!(own.len(), 0);
    let as_tenant = s
        .send(reqwest::Method::GET, "/jobs?kind=purge_idempotency_keys", Some(&admin), None, &[("x-tenant-id", &t.id)])
        .await;
    assert_eq!(as_tenant.data().as_array().map(Vec::len), Some(0), "{:?}", as_tenant.body);
}

backend_tests!(
    each_job_runs_once_on_every_node_sharing_the_queue,
    failed_jobs_are_retried_with_back_off_up_to_their_limit,
    schedules_make_one_job_per_slot_however_many_nodes,
    the_job_list_checks_its_caller_and_its_filters,
);
