//! Migrations on both engines, including their data steps.

use kasir_store::{raw_execute, Db, DbOptions};

async fn fresh(backend: &str, dir: &std::path::Path) -> Db {
    let opts = DbOptions { max_connections: 2, ..Default::default() };
    let url = if backend == "sqlite" {
        format!("sqlite://{}/m.db", dir.display())
    } else {
        let admin_url =
            std::env::var("KASIR_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let name = format!("kasir_t_{}", kasir_domain::ids::new_id().replace('-', ""));
        let admin = Db::connect(&admin_url, &opts).await.expect("PostgreSQL must be running");
        raw_execute(&admin, &format!("CREATE DATABASE {name}")).await.unwrap();
        admin.close().await;
        format!("{}/{name}", admin_url.rsplit_once('/').unwrap().0)
    };
    Db::connect(&url, &opts).await.unwrap()
}

async fn outlets_that_predate_warehouses_get_a_default_one(backend: &str) {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh(backend, dir.path()).await;
    kasir_store::migrate_to(&db, 2).await.unwrap();
    let now = "2026-01-01T00:00:00.000Z";
    for sql in [
        format!("INSERT INTO tenants (id, name, slug, currency, timezone, version, created_at, updated_at) VALUES ('t1', 'T', 't', 'IDR', 'Asia/Jakarta', 1, '{now}', '{now}')"),
        "INSERT INTO feed_heads (tenant_id, change_seq, retained_from) VALUES ('t1', 0, 1)".to_string(),
        format!("INSERT INTO outlets (id, tenant_id, name, code, timezone, version, created_at, updated_at) VALUES ('o1', 't1', 'Sudirman', 'K01', 'Asia/Jakarta', 1, '{now}', '{now}')"),
        format!("INSERT INTO outlets (id, tenant_id, name, code, timezone, version, created_at, updated_at, deleted_at) VALUES ('o2', 't1', 'Gone', 'K02', 'Asia/Jakarta', 2, '{now}', '{now}', '{now}')"),
    ] {
        raw_execute(&db, &sql).await.unwrap();
    }
    let ran = kasir_store::migrate(&db).await.unwrap();
    assert_eq!(ran.first(), Some(&3));
    let rows: Vec<(String, String, i64)> =
        sqlx::query_as("SELECT outlet_id, name, is_default FROM warehouses").fetch_all(db.reader()).await.unwrap();
    assert_eq!(rows, vec![("o1".to_string(), "Sudirman (main)".to_string(), 1)], "live outlets only");
    let feed: Vec<(i64, String, Option<String>)> =
        sqlx::query_as("SELECT seq, entity, outlet_id FROM changes WHERE tenant_id = 't1'")
            .fetch_all(db.reader())
            .await
            .unwrap();
    // Migration 12 gives the tenant its Cash payment method.
    assert_eq!(
        feed,
        vec![(1, "warehouse".to_string(), Some("o1".to_string())), (2, "payment_method".to_string(), None)]
    );
    assert!(kasir_store::migrate(&db).await.unwrap().is_empty(), "running again changes nothing");
    db.close().await;
}

#[tokio::test]
async fn sqlite_outlets_that_predate_warehouses_get_a_default_one() {
    outlets_that_predate_warehouses_get_a_default_one("sqlite").await;
}

#[tokio::test]
async fn postgres_outlets_that_predate_warehouses_get_a_default_one() {
    outlets_that_predate_warehouses_get_a_default_one("postgres").await;
}
