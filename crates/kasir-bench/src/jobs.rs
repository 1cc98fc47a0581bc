//! The job runner's throughput: `jobs` message deliveries (each a job that reads its message and
//! records its outcome) drained by one `kasir serve`, then as many again by two on the same
//! PostgreSQL database (on SQLite, one process only), measured in the same run.

use std::time::{Duration, Instant};

use kasir_domain::messages::Channel;
use kasir_store::{
    platform::messages::{self, NewMessage},
    Db, DbOptions,
};

use crate::server;

pub async fn run(spec: &str, jobs: usize) -> anyhow::Result<()> {
    server::on_fresh_database(spec, |url, label| async move { measure(&url, label, jobs).await }).await
}

async fn measure(url: &str, label: &str, n: usize) -> anyhow::Result<()> {
    // A first start makes the schema; the runs start from a queue filled while no node runs.
    drop(server::start(url, server::free_port()?).await?);
    let db = Db::connect(url, &DbOptions::default()).await?;
    let one = drain(&db, url, n, 1).await?;
    let two = if label == "postgres" { Some(drain(&db, url, n, 2).await?) } else { None };
    println!(
        "jobs {label} jobs={n} one_node_per_s={one:.0}{}",
        two.map(|t| format!(" two_nodes_per_s={t:.0} ratio={:.2}", t / one)).unwrap_or_default()
    );
    db.close().await;
    Ok(())
}

/// An email to a channel no bench server configures: its job reads the message and records
/// `not_configured`, a job's usual database work without a network call.
pub fn delivery(i: u64) -> NewMessage {
    NewMessage {
        tenant_id: None,
        channel: Channel::Email,
        recipient: format!("bench{i}@example.com"),
        subject: Some("Bench".into()),
        body: "A message no channel delivers.".into(),
        data: None,
        template: None,
    }
}

/// Queues `n` deliveries (to a channel the nodes have not configured: each job reads its message
/// and records `not_configured`), starts `nodes` servers and returns the jobs done per second.
async fn drain(db: &Db, url: &str, n: usize, nodes: usize) -> anyhow::Result<f64> {
    for i in 0..n {
        messages::queue(db, &delivery(i as u64)).await?;
    }
    let queued = || async {
        let (q,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM messages WHERE status = 'queued'").fetch_one(db.reader()).await?;
        anyhow::Ok(q)
    };
    let mut servers = Vec::new();
    for _ in 0..nodes {
        servers.push(server::start(url, server::free_port()?).await?);
    }
    // From the moment every node answers to the moment the queue is empty.
    let (left_at_start, started) = (queued().await?, Instant::now());
    loop {
        let left = queued().await?;
        if left == 0 {
            break;
        }
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(600),
            "{left} deliveries still queued after 10 minutes"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let rate = left_at_start as f64 / started.elapsed().as_secs_f64();
    drop(servers);
    Ok(rate)
}
