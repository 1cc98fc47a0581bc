-- Keyset paging (`?cursor=`, issue 20) reads a page from an index in its order, however deep:
-- movements newest first across a tenant's warehouses, and products by name.
CREATE INDEX ix_stock_movements_tenant_created ON stock_movements (tenant_id, created_at, id);
CREATE INDEX ix_products_live_by_name ON products (tenant_id, name, id) WHERE deleted_at IS NULL;
