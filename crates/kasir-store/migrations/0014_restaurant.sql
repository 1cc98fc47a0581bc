-- Restaurant: halls and tables, table sessions that guests order with, kitchen stations, and
-- orders with their items. An order becomes one or more sales when it is paid.

CREATE TABLE halls (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    outlet_id TEXT NOT NULL REFERENCES outlets (id),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE UNIQUE INDEX ux_halls__name ON halls (outlet_id, name_key) WHERE deleted_at IS NULL;

-- status: free, occupied or reserved.
CREATE TABLE tables (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    outlet_id TEXT NOT NULL REFERENCES outlets (id),
    hall_id TEXT REFERENCES halls (id),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    seats BIGINT NOT NULL DEFAULT 2,
    status TEXT NOT NULL DEFAULT 'free',
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE UNIQUE INDEX ux_tables__name ON tables (outlet_id, name_key) WHERE deleted_at IS NULL;

-- A table's session: the token in its QR code lets guests order at that table until it closes
-- or expires. status: open or closed.
CREATE TABLE table_sessions (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    outlet_id TEXT NOT NULL REFERENCES outlets (id),
    table_id TEXT NOT NULL REFERENCES tables (id),
    token TEXT NOT NULL,
    status TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    opened_by TEXT,
    closed_at TEXT,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE UNIQUE INDEX ux_table_sessions__token ON table_sessions (token);
CREATE INDEX ix_table_sessions_table ON table_sessions (table_id, status);

-- Kitchen stations (bar, kitchen): the categories whose items they prepare.
CREATE TABLE stations (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    outlet_id TEXT REFERENCES outlets (id),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    category_ids TEXT NOT NULL DEFAULT '[]',
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);

CREATE TABLE order_numbers (
    outlet_id TEXT NOT NULL,
    business_date TEXT NOT NULL,
    last BIGINT NOT NULL,
    PRIMARY KEY (outlet_id, business_date)
);

-- status: NEW, ACCEPTED, COOKING, READY, DONE or VOIDED. type: dine_in, takeaway or delivery.
-- source: staff or guest. paid: every item paid for (one or more sales); split_parts: the equal
-- parts it is being paid in (0: not split so), parts_paid of them so far.
CREATE TABLE orders (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    outlet_id TEXT NOT NULL REFERENCES outlets (id),
    table_id TEXT REFERENCES tables (id),
    table_session_id TEXT REFERENCES table_sessions (id),
    number TEXT NOT NULL,
    business_date TEXT NOT NULL,
    type TEXT NOT NULL,
    status TEXT NOT NULL,
    source TEXT NOT NULL,
    note TEXT,
    total_amount BIGINT NOT NULL,
    paid BIGINT NOT NULL DEFAULT 0,
    split_parts BIGINT NOT NULL DEFAULT 0,
    parts_paid BIGINT NOT NULL DEFAULT 0,
    created_by TEXT,
    void_reason TEXT,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE UNIQUE INDEX ux_orders__number ON orders (outlet_id, number);
CREATE INDEX ix_orders_tenant_created ON orders (tenant_id, created_at, id);
CREATE INDEX ix_orders_outlet_status ON orders (outlet_id, status);
CREATE INDEX ix_orders_session ON orders (table_session_id, created_at);
CREATE INDEX ix_orders_table ON orders (table_id, status);

-- modifiers: JSON [{id, group_id, name, price}]; paid_quantity: thousandths already sold.
CREATE TABLE order_items (
    id TEXT PRIMARY KEY,
    order_id TEXT NOT NULL REFERENCES orders (id),
    tenant_id TEXT NOT NULL,
    product_id TEXT NOT NULL REFERENCES products (id),
    variant_id TEXT,
    name TEXT NOT NULL,
    quantity BIGINT NOT NULL,
    unit_price BIGINT NOT NULL,
    modifiers TEXT NOT NULL DEFAULT '[]',
    note TEXT,
    station_id TEXT,
    total BIGINT NOT NULL,
    paid_quantity BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE INDEX ix_order_items_order ON order_items (order_id, created_at, id);
CREATE INDEX ix_order_items_station ON order_items (station_id);

ALTER TABLE sales ADD COLUMN order_id TEXT;
CREATE INDEX ix_sales_order ON sales (order_id);
