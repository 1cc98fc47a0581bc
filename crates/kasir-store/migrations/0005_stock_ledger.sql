-- The stock ledger (DESIGN invariant 5): every change to stock_levels is a stock_movements row
-- written in the same transaction. Movements are never updated or deleted.
CREATE TABLE stock_movements (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    type TEXT NOT NULL,
    warehouse_id TEXT NOT NULL REFERENCES warehouses (id),
    product_id TEXT NOT NULL REFERENCES products (id),
    variant_id TEXT NOT NULL DEFAULT '',
    quantity_delta BIGINT NOT NULL,
    unit_cost BIGINT,
    reference_type TEXT,
    reference_id TEXT,
    actor_id TEXT,
    note TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX ix_stock_movements_product ON stock_movements (tenant_id, product_id, created_at);
CREATE INDEX ix_stock_movements_warehouse ON stock_movements (tenant_id, warehouse_id, created_at);
CREATE INDEX ix_stock_movements_reference ON stock_movements (reference_type, reference_id);

-- lines: JSON [{product_id, variant_id, quantity_delta, counted_quantity, before, after}] in thousandths.
CREATE TABLE stock_adjustments (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    warehouse_id TEXT NOT NULL REFERENCES warehouses (id),
    reason TEXT NOT NULL,
    note TEXT,
    lines TEXT NOT NULL,
    actor_id TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX ix_stock_adjustments_tenant ON stock_adjustments (tenant_id, created_at);

-- The realtime outbox: events are written with the data they describe and numbered per tenant
-- from feed_heads.event_seq, so a WebSocket client resuming from a seq misses nothing.
CREATE TABLE events (
    tenant_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    type TEXT NOT NULL,
    outlet_id TEXT,
    payload TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, seq)
);
ALTER TABLE feed_heads ADD COLUMN event_seq BIGINT NOT NULL DEFAULT 0;
