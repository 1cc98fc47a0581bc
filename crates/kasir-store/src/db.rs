use std::{str::FromStr, sync::Arc, time::Duration};

use tokio::sync::Semaphore;

use sqlx::{
    any::{AnyConnectOptions, AnyPoolOptions},
    AnyPool, ConnectOptions, Executor,
};

use crate::{Result, Tx};

/// The database engine behind a [`Db`]. Code branches on it only where the engines' semantics differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The engine a connection speaks to.
    pub fn of(conn: &sqlx::AnyConnection) -> Backend {
        if conn.backend_name().eq_ignore_ascii_case("postgresql") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// How SQLite readers map the database file (see [`Db::connect`]).
pub(crate) const READER_MMAP: &str = "PRAGMA mmap_size = 4294967296";

/// Pool sizes and timeouts.
#[derive(Debug, Clone)]
pub struct DbOptions {
    /// PostgreSQL connections per process; SQLite readers.
    pub max_connections: u32,
    pub acquire_timeout: Duration,
    /// Write transactions this process runs at once; the others queue, first come first served.
    pub max_writers: usize,
    /// SQLite: commit queued write transactions together (see [`crate::group`]).
    pub group_commit: bool,
}

impl Default for DbOptions {
    fn default() -> Self {
        Self { max_connections: 16, acquire_timeout: Duration::from_secs(10), max_writers: 4, group_commit: true }
    }
}

/// Handle to the database. Cheap to clone.
///
/// SQLite allows one writer at a time, so writes go through a pool of exactly one connection and
/// queue there instead of failing with `SQLITE_BUSY`; reads use a separate pool (WAL lets them run
/// beside the writer). On PostgreSQL both are the same pool.
#[derive(Debug, Clone)]
pub struct Db {
    backend: Backend,
    read: AnyPool,
    write: AnyPool,
    /// Admission to write transactions (see [`DbOptions::max_writers`]). Transactions that
    /// contend for the same rows (an outlet's number counter, a tenant's feed head) go faster
    /// and far more evenly a few at a time, in arrival order, than all at once in the
    /// database's lock queues: at 16 tills on one outlet the 99th percentile of a checkout on
    /// PostgreSQL fell from 93 ms to 31 ms, with more sales per second.
    writers: Arc<Semaphore>,
    /// Tenants whose events a transaction of this process just committed (the realtime hub's
    /// wake-up on this node; other nodes hear of them through PostgreSQL's NOTIFY).
    committed: tokio::sync::broadcast::Sender<String>,
    /// SQLite: the writer's group commit (none on PostgreSQL).
    group: Option<crate::group::Group>,
}

impl Db {
    /// Connects to `url` (`sqlite://…` or `postgres://…`), creating a SQLite file if it is missing.
    pub async fn connect(url: &str, opts: &DbOptions) -> Result<Db> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(
                sqlx::Error::Configuration("the database URL must start with sqlite:// or postgres://".into()).into()
            );
        };
        match backend {
            Backend::Sqlite => {
                let url = sqlite_url(url);
                let connect = AnyConnectOptions::from_str(&url)?.disable_statement_logging();
                let write = AnyPoolOptions::new()
                    .max_connections(1)
                    .acquire_timeout(opts.acquire_timeout)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            // FULL: a sale acknowledged to the client survives a power cut, not just a crash.
                            for pragma in [
                                "PRAGMA journal_mode = WAL",
                                "PRAGMA synchronous = FULL",
                                "PRAGMA foreign_keys = ON",
                                "PRAGMA busy_timeout = 10000",
                            ] {
                                conn.execute(pragma).await?;
                            }
                            Ok(())
                        })
                    })
                    .connect_with(connect.clone())
                    .await?;
                let read = AnyPoolOptions::new()
                    .max_connections(opts.max_connections.clamp(1, 64))
                    .acquire_timeout(opts.acquire_timeout)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            // Readers map the file: pages are shared by every connection through
                            // the OS instead of copied into each connection's small cache (a
                            // name search at 1,000,000 products and 16 clients: 18 -> 42 per second).
                            for pragma in ["PRAGMA busy_timeout = 10000", "PRAGMA query_only = ON", READER_MMAP] {
                                conn.execute(pragma).await?;
                            }
                            Ok(())
                        })
                    })
                    .connect_with(connect)
                    .await?;
                Ok(Db {
                    backend,
                    read,
                    group: opts.group_commit.then(|| crate::group::Group::new(write.clone())),
                    write,
                    // The group commit queues writers itself: admission would only cap its batches.
                    writers: Arc::new(Semaphore::new(if opts.group_commit {
                        Semaphore::MAX_PERMITS
                    } else {
                        opts.max_writers.max(1)
                    })),
                    committed: tokio::sync::broadcast::channel(1024).0,
                })
            }
            Backend::Postgres => {
                let connect = AnyConnectOptions::from_str(url)?.disable_statement_logging();
                let pool = AnyPoolOptions::new()
                    .max_connections(opts.max_connections.max(2))
                    .acquire_timeout(opts.acquire_timeout)
                    .connect_with(connect)
                    .await?;
                Ok(Db {
                    backend,
                    read: pool.clone(),
                    write: pool,
                    writers: Arc::new(Semaphore::new(opts.max_writers.max(1))),
                    committed: tokio::sync::broadcast::channel(1024).0,
                    group: None,
                })
            }
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The pool for reads outside a transaction.
    pub fn reader(&self) -> &AnyPool {
        &self.read
    }

    /// The pool that write transactions use.
    pub fn writer(&self) -> &AnyPool {
        &self.write
    }

    /// Starts a write transaction, once admitted (see [`DbOptions::max_writers`]); `actor` is
    /// recorded in its audit entries.
    pub async fn begin(&self, actor: crate::Actor) -> Result<Tx> {
        let permit = self.writers.clone().acquire_owned().await.map_err(|_| crate::StoreError::Busy)?;
        let inner = match &self.group {
            Some(group) => crate::tx::Inner::Grouped(group.begin().await?),
            None => crate::tx::Inner::Own(self.write.begin().await?),
        };
        Ok(Tx::new(inner, actor, permit, self.committed.clone()))
    }

    /// Waits until every write transaction that has committed so far is readable outside a
    /// transaction. With SQLite's group commit a transaction's writes are seen by the writers
    /// after it at once, by readers only when its batch commits; code that reads again after
    /// losing a race to another writer (the same change pushed twice at once) settles first.
    pub async fn settled(&self) {
        if let Some(group) = &self.group {
            group.settle_now().await;
        }
    }

    /// The ids of tenants as this process commits events for them (lagging receivers miss some:
    /// the hub also polls).
    pub fn committed_events(&self) -> tokio::sync::broadcast::Receiver<String> {
        self.committed.subscribe()
    }

    /// Starts a write transaction for bulk work (imports) that looks up rows by long `IN` lists.
    /// On PostgreSQL each statement is planned with its actual values: a cached generic plan of
    /// `tenant_id = $1 AND kind = $2 AND code IN ($3, …)` matches only the first two columns in the
    /// index and filters the tenant's every row against the list. Index scans are also preferred,
    /// since the rows this transaction adds are not in the planner's statistics yet.
    pub async fn begin_bulk(&self, actor: crate::Actor) -> Result<Tx> {
        let mut tx = self.begin(actor).await?;
        if self.backend == Backend::Postgres {
            sqlx::query("SET LOCAL plan_cache_mode = force_custom_plan").execute(&mut *tx).await?;
            sqlx::query("SET LOCAL enable_seqscan = off").execute(&mut *tx).await?;
        }
        Ok(tx)
    }

    /// True when a trivial query succeeds within a second.
    pub async fn is_healthy(&self) -> bool {
        let probe = sqlx::query("SELECT 1").execute(&self.read);
        matches!(tokio::time::timeout(Duration::from_secs(1), probe).await, Ok(Ok(_)))
    }

    /// (open connections, idle connections) summed over the pools, for metrics.
    pub fn pool_stats(&self) -> (u32, u32) {
        let mut size = self.read.size();
        let mut idle = self.read.num_idle() as u32;
        if self.backend == Backend::Sqlite {
            size += self.write.size();
            idle += self.write.num_idle() as u32;
        }
        (size, idle)
    }

    pub async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }
}

/// Adds `mode=rwc` so a new SQLite file is created on first start.
fn sqlite_url(url: &str) -> String {
    if url.contains("mode=") {
        url.to_string()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

/// Runs one statement outside any transaction (tests and tools: creating databases and the like).
#[tracing::instrument(skip_all)]
pub async fn raw_execute(db: &Db, sql: &str) -> Result<u64> {
    Ok(sqlx::query(sql).execute(db.writer()).await?.rows_affected())
}
