-- Transfers between warehouses. lines: JSON [{product_id, variant_id, quantity, received_quantity}]
-- in thousandths. The outlets are copied from the warehouses so outlet-scoped users see the
-- transfers that leave or reach their outlets.
CREATE TABLE stock_transfers (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    from_warehouse_id TEXT NOT NULL REFERENCES warehouses (id),
    to_warehouse_id TEXT NOT NULL REFERENCES warehouses (id),
    from_outlet_id TEXT,
    to_outlet_id TEXT,
    status TEXT NOT NULL,
    lines TEXT NOT NULL,
    note TEXT,
    sent_at TEXT,
    received_at TEXT,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX ix_stock_transfers_tenant ON stock_transfers (tenant_id, created_at);
