-- Live records per tenant for the resources that count them (products): an unfiltered list's
-- `total` is read here instead of counted over a million rows. Changed by the commit of every
-- transaction that creates or deletes such a record, under the tenant's feed head lock.
CREATE TABLE live_counts (
    tenant_id TEXT NOT NULL,
    entity TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, entity)
);
INSERT INTO live_counts (tenant_id, entity, n)
    SELECT tenant_id, 'product', COUNT(*) FROM products WHERE deleted_at IS NULL GROUP BY tenant_id;

-- On SQLite, product names are also indexed by trigrams in an FTS5 table kept by triggers
-- (migrate.rs creates them with this migration); PostgreSQL has its pg_trgm index of migration 10.
