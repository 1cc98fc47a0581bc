//! SQLite's writer: the group commit's savepoints (see `group.rs`), including journals large
//! enough to move from memory to a temporary file, on a real database file.

use kasir_store::{raw_execute, Actor, Db, DbOptions};

/// 5,000 rows of 300 characters: about 380 pages, so that a transaction changing them all keeps
/// about 1.5 MiB of old pages in its savepoint journal, past the 64 KiB SQLite keeps in memory.
const ROWS: i64 = 5_000;

async fn writer_db(dir: &std::path::Path) -> Db {
    let db = Db::connect(&format!("sqlite://{}/w.db", dir.display()), &DbOptions::default()).await.unwrap();
    raw_execute(&db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)").await.unwrap();
    raw_execute(
        &db,
        &format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {ROWS}) \
             INSERT INTO t (id, v) SELECT i, 'r' || hex(randomblob(149)) FROM n"
        ),
    )
    .await
    .unwrap();
    db
}

async fn count(db: &Db, sql: &str) -> i64 {
    db.settled().await;
    let (n,): (i64,) = sqlx::query_as(sql).fetch_one(db.reader()).await.unwrap();
    n
}

#[tokio::test]
async fn a_transaction_whose_journal_spills_to_disk_commits() {
    let dir = tempfile::tempdir().unwrap();
    let db = writer_db(dir.path()).await;

    let mut tx = db.begin(Actor::system()).await.unwrap();
    let changed = sqlx::query("UPDATE t SET v = lower(v)").execute(&mut *tx).await.unwrap().rows_affected();
    assert_eq!(changed, ROWS as u64);
    tx.commit().await.unwrap();
    assert_eq!(count(&db, "SELECT COUNT(*) FROM t WHERE v = lower(v) AND length(v) = 299").await, ROWS);
    db.close().await;
}

#[tokio::test]
async fn a_transaction_that_fails_after_spilling_inside_a_batch_leaves_the_batch_whole() {
    let dir = tempfile::tempdir().unwrap();
    let db = writer_db(dir.path()).await;

    // A batch older than its 20 ms limit commits without waiting: a stalled machine gets three
    // tries to put both transactions in one.
    let (mut rounds, mut batched) = (0, false);
    while rounds < 3 && !batched {
        rounds += 1;
        let mut first = db.begin(Actor::system()).await.unwrap();
        sqlx::query(&format!("UPDATE t SET v = 'first' WHERE id = {rounds}")).execute(&mut *first).await.unwrap();
        let second = {
            let db = db.clone();
            tokio::spawn(async move {
                let mut tx = db.begin(Actor::system()).await.unwrap();
                // Changes nearly every row, so that its savepoint journal spills to disk, then
                // fails: its savepoint alone is rolled back (from that file), inside the batch.
                sqlx::query("UPDATE t SET v = 'second' WHERE id > 3").execute(&mut *tx).await.unwrap();
                sqlx::query("INSERT INTO t (id, v) VALUES (1, 'taken')").execute(&mut *tx).await.unwrap_err();
            })
        };
        // The test's runtime has one thread: this lets the second queue for the writer.
        tokio::task::yield_now().await;
        // With the second waiting, the first's release leaves the batch open for it, and the
        // first is answered only when the batch commits, after the second has been undone.
        first.commit().await.unwrap();
        batched = second.is_finished();
        second.await.unwrap();
    }
    assert!(batched, "the first was committed in a batch of its own {rounds} times");

    assert_eq!(count(&db, "SELECT COUNT(*) FROM t WHERE v = 'first'").await, rounds);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM t WHERE v IN ('second', 'taken')").await, 0);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM t WHERE length(v) = 299").await, ROWS - rounds);
    db.close().await;
}
