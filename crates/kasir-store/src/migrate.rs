use sqlx::Executor;

use crate::{Backend, Db, Result};

/// Every migration, in order. Each runs once, inside a transaction, on either engine.
pub const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "foundation", include_str!("../migrations/0001_foundation.sql")),
    (2, "idempotency", include_str!("../migrations/0002_idempotency.sql")),
    (3, "catalog_basics", include_str!("../migrations/0003_catalog_basics.sql")),
    (4, "products", include_str!("../migrations/0004_products.sql")),
    (5, "stock_ledger", include_str!("../migrations/0005_stock_ledger.sql")),
    (6, "stock_transfers", include_str!("../migrations/0006_stock_transfers.sql")),
    (7, "purchasing", include_str!("../migrations/0007_purchasing.sql")),
    (8, "catalog_indexes", include_str!("../migrations/0008_catalog_indexes.sql")),
    (9, "change_staging", include_str!("../migrations/0009_change_staging.sql")),
    (10, "product_name_search", include_str!("../migrations/0010_product_name_search.sql")),
    (11, "search_and_counts", include_str!("../migrations/0011_search_and_counts.sql")),
    (12, "selling", include_str!("../migrations/0012_selling.sql")),
    (13, "realtime", include_str!("../migrations/0013_realtime.sql")),
    (14, "restaurant", include_str!("../migrations/0014_restaurant.sql")),
    (15, "jobs", include_str!("../migrations/0015_jobs.sql")),
    (16, "rate_limits", include_str!("../migrations/0016_rate_limits.sql")),
    (17, "files", include_str!("../migrations/0017_files.sql")),
    (18, "messages", include_str!("../migrations/0018_messages.sql")),
    (19, "sync_push", include_str!("../migrations/0019_sync_push.sql")),
    (20, "licenses", include_str!("../migrations/0020_licenses.sql")),
    (21, "stock_levels_in_feed", include_str!("../migrations/0021_stock_levels_in_feed.sql")),
    (22, "customer_accounts", include_str!("../migrations/0022_customer_accounts.sql")),
    (23, "payments", include_str!("../migrations/0023_payments.sql")),
    (24, "workforce", include_str!("../migrations/0024_workforce.sql")),
    (25, "operations", include_str!("../migrations/0025_operations.sql")),
    (26, "feed_without_head_lock", include_str!("../migrations/0026_feed_without_head_lock.sql")),
    (27, "keyset_indexes", include_str!("../migrations/0027_keyset_indexes.sql")),
];

/// DDL that the engines spell differently, run after the portable part of migration `version`.
fn engine_ddl(version: i64, backend: Backend) -> &'static [&'static str] {
    match (version, backend) {
        // `?search=` matches SKUs and barcodes by prefix with LIKE, case-insensitive on SQLite and
        // case-sensitive on PostgreSQL. SQLite uses an index for that only with the NOCASE
        // collation; PostgreSQL, under any database collation, only with text_pattern_ops.
        (8, Backend::Sqlite) => {
            &["CREATE INDEX ix_product_codes_prefix ON product_codes (tenant_id, code COLLATE NOCASE, product_id)"]
        }
        (8, Backend::Postgres) => {
            &["CREATE INDEX ix_product_codes_prefix ON product_codes (tenant_id, code text_pattern_ops, product_id)"]
        }
        (10, Backend::Sqlite) => {
            &["CREATE INDEX ix_products_live_name ON products (tenant_id, name_key) WHERE deleted_at IS NULL"]
        }
        (10, Backend::Postgres) => &[
            "CREATE EXTENSION IF NOT EXISTS pg_trgm",
            "CREATE INDEX ix_products_name_trgm ON products USING gin (name_key gin_trgm_ops) WHERE deleted_at IS NULL",
        ],
        // Names by trigram on SQLite: an FTS5 table over the live products' `name_key`, keyed by
        // a stable integer (the products' own rowid may change on VACUUM), kept by triggers so
        // that every write path, bulk ones included, maintains it. The keys carry the tenant and
        // the default sort order, so a plain search never reads the products it skips.
        (11, Backend::Sqlite) => &[
            "CREATE TABLE product_search_keys (
                 n INTEGER PRIMARY KEY, product_id TEXT NOT NULL UNIQUE, tenant_id TEXT NOT NULL, created_at TEXT NOT NULL)",
            "CREATE VIRTUAL TABLE product_search USING fts5(name_key, tokenize = 'trigram')",
            "INSERT INTO product_search_keys (product_id, tenant_id, created_at)
                 SELECT id, tenant_id, created_at FROM products WHERE deleted_at IS NULL",
            "INSERT INTO product_search (rowid, name_key)
                 SELECT k.n, p.name_key FROM product_search_keys k JOIN products p ON p.id = k.product_id",
            "CREATE TRIGGER product_search_insert AFTER INSERT ON products WHEN new.deleted_at IS NULL BEGIN
                 INSERT INTO product_search_keys (product_id, tenant_id, created_at) VALUES (new.id, new.tenant_id, new.created_at);
                 INSERT INTO product_search (rowid, name_key) VALUES (last_insert_rowid(), new.name_key);
             END",
            "CREATE TRIGGER product_search_update AFTER UPDATE OF name_key, deleted_at ON products
             WHEN old.name_key IS NOT new.name_key OR old.deleted_at IS NOT new.deleted_at BEGIN
                 DELETE FROM product_search WHERE rowid = (SELECT n FROM product_search_keys WHERE product_id = old.id);
                 DELETE FROM product_search_keys WHERE product_id = old.id;
                 INSERT INTO product_search_keys (product_id, tenant_id, created_at)
                     SELECT new.id, new.tenant_id, new.created_at WHERE new.deleted_at IS NULL;
                 INSERT INTO product_search (rowid, name_key) SELECT last_insert_rowid(), new.name_key WHERE new.deleted_at IS NULL;
             END",
            "CREATE TRIGGER product_search_delete AFTER DELETE ON products BEGIN
                 DELETE FROM product_search WHERE rowid = (SELECT n FROM product_search_keys WHERE product_id = old.id);
                 DELETE FROM product_search_keys WHERE product_id = old.id;
             END",
        ],
        _ => &[],
    }
}

/// Brings the schema up to date. Safe to run from several processes at once: on PostgreSQL an
/// advisory lock makes them take turns; SQLite has a single writer.
pub async fn migrate(db: &Db) -> Result<Vec<i64>> {
    migrate_to(db, i64::MAX).await
}

/// Applies the migrations up to and including `target` (tests use it to build older schemas).
pub async fn migrate_to(db: &Db, target: i64) -> Result<Vec<i64>> {
    let mut tx = db.writer().begin().await?;
    if db.backend() == Backend::Postgres {
        tx.execute("SELECT pg_advisory_xact_lock(7345016)").await?;
    }
    tx.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
    )
    .await?;
    let applied: Vec<(i64,)> = sqlx::query_as("SELECT version FROM schema_migrations").fetch_all(&mut *tx).await?;
    let mut ran = Vec::new();
    for (version, name, sql) in MIGRATIONS {
        if applied.iter().any(|(v,)| v == version) || *version > target {
            continue;
        }
        for statement in statements(sql) {
            tx.execute(statement.as_str()).await?;
        }
        for ddl in engine_ddl(*version, db.backend()) {
            tx.execute(*ddl).await?;
        }
        // Data steps that need ids or the change feed, which portable SQL cannot make.
        if *version == 3 {
            crate::stock::warehouses::create_missing_defaults(&mut tx).await?;
        }
        if *version == 12 {
            crate::selling::payment_methods::create_missing_cash_methods(&mut tx).await?;
        }
        if *version == 21 {
            crate::stock::levels::feed_existing(&mut tx).await?;
        }
        sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
            .bind(*version)
            .bind(*name)
            .bind(kasir_domain::time::now())
            .execute(&mut *tx)
            .await?;
        tracing::info!(version, name, "applied migration");
        ran.push(*version);
    }
    tx.commit().await?;
    Ok(ran)
}

/// Splits a migration into statements at lines ending with `;`, dropping `--` comment lines.
/// Our DDL never has a `;` inside a literal, so this is exact for it.
fn statements(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in sql.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("--") || trimmed.is_empty() {
            continue;
        }
        current.push_str(line);
        current.push('\n');
        if trimmed.ends_with(';') {
            out.push(current.trim().trim_end_matches(';').to_string());
            current.clear();
        }
    }
    if !current.trim().is_empty() {
        out.push(current.trim().to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn splits_statements() {
        let s = super::statements("-- c\nCREATE TABLE a (x TEXT);\n\nCREATE INDEX i ON a (x);\n");
        assert_eq!(s, vec!["CREATE TABLE a (x TEXT)", "CREATE INDEX i ON a (x)"]);
    }
}
