-- Suppliers, purchases and purchase returns. lines are JSON in thousandths (quantities) and
-- minor units (costs). Purchase receipts and returns write stock movements in their transaction.
CREATE TABLE suppliers (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    contact_name TEXT,
    phone TEXT,
    email TEXT,
    address TEXT,
    notes TEXT,
    is_active BIGINT NOT NULL DEFAULT 1,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE UNIQUE INDEX ux_suppliers__name ON suppliers (tenant_id, name_key) WHERE deleted_at IS NULL;

-- lines: [{product_id, variant_id, quantity, unit_cost, received_quantity, returned_quantity}]
CREATE TABLE purchases (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    supplier_id TEXT NOT NULL REFERENCES suppliers (id),
    warehouse_id TEXT NOT NULL REFERENCES warehouses (id),
    outlet_id TEXT,
    status TEXT NOT NULL,
    lines TEXT NOT NULL,
    total_cost BIGINT NOT NULL,
    note TEXT,
    ordered_at TEXT,
    received_at TEXT,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX ix_purchases_tenant ON purchases (tenant_id, created_at);

-- lines: [{product_id, variant_id, quantity, unit_cost}]
CREATE TABLE purchase_returns (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    purchase_id TEXT REFERENCES purchases (id),
    supplier_id TEXT NOT NULL REFERENCES suppliers (id),
    warehouse_id TEXT NOT NULL REFERENCES warehouses (id),
    outlet_id TEXT,
    reason TEXT NOT NULL,
    lines TEXT NOT NULL,
    total_cost BIGINT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX ix_purchase_returns_tenant ON purchase_returns (tenant_id, created_at);
