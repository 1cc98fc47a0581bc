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

const NOW: &str = "2026-01-01T00:00:00.000Z";

/// Migrates to 2 and adds tenant `t1` (with its feed head) and its outlet `o1` (K01, Sudirman).
async fn seed_tenant(db: &Db) {
    kasir_store::migrate_to(db, 2).await.unwrap();
    for sql in [
        format!("INSERT INTO tenants (id, name, slug, currency, timezone, version, created_at, updated_at) VALUES ('t1', 'T', 't', 'IDR', 'Asia/Jakarta', 1, '{NOW}', '{NOW}')"),
        "INSERT INTO feed_heads (tenant_id, change_seq, retained_from) VALUES ('t1', 0, 1)".to_string(),
        format!("INSERT INTO outlets (id, tenant_id, name, code, timezone, version, created_at, updated_at) VALUES ('o1', 't1', 'Sudirman', 'K01', 'Asia/Jakarta', 1, '{NOW}', '{NOW}')"),
    ] {
        raw_execute(db, &sql).await.unwrap();
    }
}

async fn outlets_that_predate_warehouses_get_a_default_one(backend: &str) {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh(backend, dir.path()).await;
    seed_tenant(&db).await;
    let now = NOW;
    raw_execute(&db, &format!("INSERT INTO outlets (id, tenant_id, name, code, timezone, version, created_at, updated_at, deleted_at) VALUES ('o2', 't1', 'Gone', 'K02', 'Asia/Jakarta', 2, '{now}', '{now}', '{now}')")).await.unwrap();
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

async fn levels_that_predate_the_feed_get_their_rows(backend: &str) {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh(backend, dir.path()).await;
    seed_tenant(&db).await;
    let now = NOW;
    kasir_store::migrate_to(&db, 20).await.unwrap();
    let (warehouse,): (String,) = sqlx::query_as("SELECT id FROM warehouses").fetch_one(db.reader()).await.unwrap();
    for sql in [
        format!("INSERT INTO products (id, tenant_id, sku, name, name_key, price, version, created_at, updated_at) VALUES ('p1', 't1', 'KOPI', 'Kopi', 'kopi', 10000, 1, '{now}', '{now}')"),
        format!("INSERT INTO stock_levels (tenant_id, warehouse_id, product_id, variant_id, quantity, updated_at) VALUES ('t1', '{warehouse}', 'p1', '', 7500, '{now}')"),
    ] {
        raw_execute(&db, &sql).await.unwrap();
    }
    let ran = kasir_store::migrate(&db).await.unwrap();
    assert_eq!(ran.first(), Some(&21));
    let feed: Vec<(String, i64, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT entity_id, version, outlet_id, data FROM changes WHERE tenant_id = 't1' AND entity = 'stock_level'",
    )
    .fetch_all(db.reader())
    .await
    .unwrap();
    assert_eq!(feed.len(), 1);
    let (id, version, outlet, data) = &feed[0];
    assert_eq!(
        (id.as_str(), *version, outlet.as_deref()),
        (kasir_store::stock::level_id(&warehouse, "p1", "").as_str(), 1, Some("o1"))
    );
    let data: serde_json::Value = serde_json::from_str(data.as_deref().unwrap()).unwrap();
    assert_eq!(
        data,
        serde_json::json!({"id": id, "warehouse_id": warehouse, "product_id": "p1", "variant_id": null,
                           "quantity": 7.5, "version": 1, "updated_at": now})
    );
    db.close().await;
}

#[tokio::test]
async fn sqlite_levels_that_predate_the_feed_get_their_rows() {
    levels_that_predate_the_feed_get_their_rows("sqlite").await;
}

#[tokio::test]
async fn postgres_levels_that_predate_the_feed_get_their_rows() {
    levels_that_predate_the_feed_get_their_rows("postgres").await;
}
