-- Product lists that stay fast at 1,000,000 products. (The index that finds product codes by
-- prefix differs between the engines: migrate.rs creates it with this migration.)

-- Live products in the list's default order, created_at then id: a page, however deep, is read
-- from this index alone. It replaces ix_products_tenant_created.
CREATE INDEX ix_products_live_created ON products (tenant_id, created_at, id) WHERE deleted_at IS NULL;
DROP INDEX ix_products_tenant_created;

-- Only the tenant of each live product: the list's total is counted on this small index.
CREATE INDEX ix_products_live ON products (tenant_id) WHERE deleted_at IS NULL;
