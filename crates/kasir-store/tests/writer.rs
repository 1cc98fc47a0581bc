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
async fn a_transaction_whose_journal_spills_to_disk_commits_and_rolls_back_whole() {
    let dir = tempfile::tempdir().unwrap();
    let db = writer_db(dir.path()).await;

    let mut tx = db.begin(Actor::system()).await.unwrap();
    let changed = sqlx::query("UPDATE t SET v = lower(v)").execute(&mut *tx).await.unwrap().rows_affected();
    assert_eq!(changed, ROWS as u64);
    tx.commit().await.unwrap();
    assert_eq!(count(&db, "SELECT COUNT(*) FROM t WHERE v = lower(v) AND length(v) = 299").await, ROWS);

    // Undone after spilling: every row keeps its value.
    let mut tx = db.begin(Actor::system()).await.unwrap();
    sqlx::query("UPDATE t SET v = 'gone'").execute(&mut *tx).await.unwrap();
    drop(tx);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM t WHERE v = 'gone'").await, 0);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM t WHERE v = lower(v) AND length(v) = 299").await, ROWS);
    db.close().await;
}

#[tokio::test]
async fn a_transaction_that_fails_between_two_of_one_batch_leaves_the_batch_whole() {
    let dir = tempfile::tempdir().unwrap();
    let db = writer_db(dir.path()).await;

    let mut first = db.begin(Actor::system()).await.unwrap();
    sqlx::query("UPDATE t SET v = 'first' WHERE id = 1").execute(&mut *first).await.unwrap();
    // The second queues for the writer while the first holds it, so the first's release leaves
    // the batch open for it: the second fails inside the batch the first is waiting on.
    let second = {
        let db = db.clone();
        tokio::spawn(async move {
            let mut tx = db.begin(Actor::system()).await.unwrap();
            sqlx::query("UPDATE t SET v = 'second' WHERE id = 2").execute(&mut *tx).await.unwrap();
            sqlx::query("UPDATE t SET v = 'second' WHERE id BETWEEN 3 AND 5000").execute(&mut *tx).await.unwrap();
            // Fails: nothing of it may stay.
            sqlx::query("INSERT INTO t (id, v) VALUES (1, 'taken')").execute(&mut *tx).await.unwrap_err();
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    first.commit().await.unwrap();
    second.await.unwrap();

    let mut third = db.begin(Actor::system()).await.unwrap();
    sqlx::query("UPDATE t SET v = 'third' WHERE id = 3").execute(&mut *third).await.unwrap();
    third.commit().await.unwrap();

    assert_eq!(count(&db, "SELECT COUNT(*) FROM t WHERE v = 'first' AND id = 1").await, 1);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM t WHERE v = 'third' AND id = 3").await, 1);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM t WHERE v IN ('second', 'taken')").await, 0);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM t").await, ROWS);
    db.close().await;
}
