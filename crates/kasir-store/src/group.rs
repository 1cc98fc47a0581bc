//! SQLite group commit (issue 20, decision 019). SQLite has one writer, and with
//! `synchronous = FULL` each commit waits for the disk. Write transactions therefore take turns on
//! the writer's connection inside one outer transaction: each runs in a savepoint of its own
//! (released when it commits, rolled back when it fails), and the outer transaction commits when
//! no other transaction is waiting for the connection (or the batch is large or old). Every
//! transaction of the batch is answered only after that shared commit, so an acknowledged write
//! is on disk exactly as before; under load one fsync serves many transactions.

use std::{
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use sqlx::{pool::PoolConnection, Any, AnyConnection, AnyPool, Executor};
use tokio::sync::{oneshot, Mutex, OwnedMutexGuard};

use crate::{Result, StoreError};

/// A batch commits once it holds this many transactions...
const MAX_BATCH: usize = 64;
/// ...or this long after its first transaction began, whichever comes first.
const MAX_AGE: Duration = Duration::from_millis(20);

/// The writer's connection and the outer transaction open on it.
#[derive(Default)]
pub(crate) struct Slot {
    conn: Option<PoolConnection<Any>>,
    /// Transactions released into the open outer transaction, answered at its commit.
    batch: Vec<oneshot::Sender<std::result::Result<(), String>>>,
    opened: Option<Instant>,
    /// Counts batches, so that a late flush does not commit a newer batch's work early.
    batch_no: u64,
}

/// Shared by every handle of one database.
#[derive(Clone)]
pub(crate) struct Group {
    pool: AnyPool,
    slot: Arc<Mutex<Slot>>,
    /// Transactions waiting for the connection: while any is, a batch stays open for it.
    waiting: Arc<AtomicUsize>,
}

impl std::fmt::Debug for Group {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Group").field("waiting", &self.waiting.load(Ordering::Relaxed)).finish()
    }
}

/// Counts a waiting transaction until it holds the connection (or gives up waiting).
struct Waiting(Arc<AtomicUsize>);

impl Drop for Waiting {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Group {
    pub(crate) fn new(pool: AnyPool) -> Group {
        Group { pool, slot: Arc::new(Mutex::new(Slot::default())), waiting: Arc::new(AtomicUsize::new(0)) }
    }

    /// Waits for the connection, opens the outer transaction if none is, and starts a savepoint.
    /// It runs as a task of its own: a request dropped while it waits leaves no half-opened state
    /// (the turn it would have had is ended by [`Writing`]'s drop).
    pub(crate) async fn begin(&self) -> Result<Writing> {
        self.waiting.fetch_add(1, Ordering::SeqCst);
        let group = self.clone();
        tokio::spawn(async move { group.open().await })
            .await
            .map_err(|e| StoreError::Corrupt(format!("opening a write transaction failed: {e}")))?
    }

    async fn open(self) -> Result<Writing> {
        let waiting = Waiting(self.waiting.clone());
        let guard = self.slot.clone().lock_owned().await;
        drop(waiting);
        let mut w = Writing { guard: Some(guard), group: self.clone(), savepoint: false, done: false };
        let slot = w.slot();
        if slot.conn.is_none() {
            let mut conn = self.pool.acquire().await?;
            conn.execute("BEGIN IMMEDIATE").await?;
            slot.conn = Some(conn);
            slot.opened = Some(Instant::now());
        }
        w.conn().execute("SAVEPOINT kasir_tx").await?;
        w.savepoint = true;
        Ok(w)
    }

    /// Commits the open batch now (if any), so that what its transactions wrote can be read
    /// outside them: a reader sees only what SQLite has committed.
    pub(crate) async fn settle_now(&self) {
        let mut slot = self.slot.lock().await;
        if slot.conn.is_some() {
            if slot.batch.is_empty() {
                abandon(&mut slot).await;
            } else {
                finish(&mut slot).await;
            }
        }
    }

    /// Ends the batch `batch_no` if it is still open when its deadline comes.
    async fn flush_later(self, batch_no: u64) {
        tokio::time::sleep(MAX_AGE).await;
        let mut slot = self.slot.lock().await;
        if slot.batch_no == batch_no && slot.conn.is_some() {
            if slot.batch.is_empty() {
                abandon(&mut slot).await;
            } else {
                finish(&mut slot).await;
            }
        }
    }

    /// After a transaction's turn: commits the batch now, or leaves it open for the writers
    /// waiting (with a deadline).
    async fn settle(&self, slot: &mut Slot) {
        let waiting = self.waiting.load(Ordering::SeqCst);
        let old = slot.opened.is_some_and(|t| t.elapsed() >= MAX_AGE);
        if slot.conn.is_none() {
            return;
        }
        if waiting == 0 || slot.batch.len() >= MAX_BATCH || old {
            if slot.batch.is_empty() {
                abandon(slot).await;
            } else {
                finish(slot).await;
            }
        } else {
            tokio::spawn(self.clone().flush_later(slot.batch_no));
        }
    }
}

/// Commits the outer transaction and answers every transaction of the batch with its outcome.
async fn finish(slot: &mut Slot) {
    let outcome = match slot.conn.as_mut() {
        Some(conn) => conn.execute("COMMIT").await.map(|_| ()).map_err(|e| e.to_string()),
        None => Ok(()),
    };
    if let (Err(e), Some(conn)) = (&outcome, slot.conn.as_mut()) {
        tracing::error!(error = %e, transactions = slot.batch.len(), "a group commit failed");
        let _ = conn.execute("ROLLBACK").await;
    }
    slot.conn = None;
    slot.opened = None;
    slot.batch_no += 1;
    for answer in slot.batch.drain(..) {
        let _ = answer.send(outcome.clone());
    }
}

/// Rolls back a batch no transaction of which committed (its connection goes back to the pool).
async fn abandon(slot: &mut Slot) {
    if let Some(conn) = slot.conn.as_mut() {
        let _ = conn.execute("ROLLBACK").await;
    }
    slot.conn = None;
    slot.opened = None;
    slot.batch_no += 1;
}

/// Undoes the work of the transaction whose savepoint is open.
async fn undo(slot: &mut Slot) {
    if let Some(conn) = slot.conn.as_mut() {
        let undone = async {
            conn.execute("ROLLBACK TO SAVEPOINT kasir_tx").await?;
            conn.execute("RELEASE SAVEPOINT kasir_tx").await
        };
        if let Err(e) = undone.await {
            tracing::error!(error = %e, "undoing a failed write transaction failed");
        }
    }
}

/// One write transaction's turn on the writer: its savepoint in the open batch.
pub(crate) struct Writing {
    guard: Option<OwnedMutexGuard<Slot>>,
    group: Group,
    /// The savepoint is open (to be released or rolled back).
    savepoint: bool,
    /// Handed over to be committed: nothing to undo when dropped.
    done: bool,
}

impl Writing {
    fn slot(&mut self) -> &mut Slot {
        self.guard.as_mut().expect("a transaction holds the writer until it ends")
    }

    fn conn(&mut self) -> &mut AnyConnection {
        self.slot().conn.as_mut().expect("the batch's connection")
    }

    /// Releases the savepoint and waits for the batch to commit: `Ok` only once the write is on
    /// disk. The release and the commit run as a task of their own, so that a request dropped
    /// meanwhile cannot stop them halfway.
    pub(crate) async fn commit(mut self) -> Result<()> {
        let mut guard = self.guard.take().expect("a transaction holds the writer until it ends");
        self.done = true;
        let group = self.group.clone();
        let (answer, outcome) = oneshot::channel();
        tokio::spawn(async move {
            let released = match guard.conn.as_mut() {
                Some(conn) => conn.execute("RELEASE SAVEPOINT kasir_tx").await.map(|_| ()).map_err(|e| e.to_string()),
                None => Err("the batch has no connection".into()),
            };
            match released {
                Ok(()) => guard.batch.push(answer),
                Err(e) => {
                    undo(&mut guard).await;
                    let _ = answer.send(Err(e));
                }
            }
            group.settle(&mut guard).await;
        });
        match outcome.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(StoreError::Corrupt(format!("the group commit failed: {e}"))),
            Err(_) => Err(StoreError::Corrupt("the group commit ended without an answer".into())),
        }
    }
}

impl Drop for Writing {
    fn drop(&mut self) {
        let Some(mut guard) = self.guard.take() else { return };
        if self.done {
            return;
        }
        // Undo this transaction's work, then commit the batch's earlier transactions (or leave
        // the batch to the next writer). Drop cannot wait: the writer's guard moves to a task.
        let (savepoint, group) = (self.savepoint, self.group.clone());
        let end = async move {
            if savepoint {
                undo(&mut guard).await;
            }
            group.settle(&mut guard).await;
        };
        match tokio::runtime::Handle::try_current() {
            Ok(rt) => {
                rt.spawn(end);
            }
            Err(_) => tracing::error!("a write transaction ended outside the runtime; its batch is left open"),
        }
    }
}

impl std::ops::Deref for Writing {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        self.guard.as_ref().and_then(|g| g.conn.as_deref()).expect("the batch's connection")
    }
}

impl std::ops::DerefMut for Writing {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        self.conn()
    }
}
