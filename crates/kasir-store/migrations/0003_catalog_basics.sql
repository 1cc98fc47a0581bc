-- Catalog basics and warehouses. Every outlet gets a default warehouse: new ones when they are
-- created, existing ones by this migration's data step (kasir-store/src/migrate.rs).

CREATE TABLE categories (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    parent_id TEXT REFERENCES categories (id),
    sort_order BIGINT NOT NULL DEFAULT 0,
    is_active BIGINT NOT NULL DEFAULT 1,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
-- Sibling categories have distinct names.
CREATE UNIQUE INDEX ux_categories__name ON categories (tenant_id, COALESCE(parent_id, ''), name_key) WHERE deleted_at IS NULL;
CREATE INDEX ix_categories_parent ON categories (tenant_id, parent_id);

CREATE TABLE brands (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE UNIQUE INDEX ux_brands__name ON brands (tenant_id, name_key) WHERE deleted_at IS NULL;

-- rate_bps: basis points (1100 = 11 %). inclusive: prices already contain the tax.
CREATE TABLE taxes (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    rate_bps BIGINT NOT NULL,
    inclusive BIGINT NOT NULL DEFAULT 0,
    is_active BIGINT NOT NULL DEFAULT 1,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE UNIQUE INDEX ux_taxes__name ON taxes (tenant_id, name_key) WHERE deleted_at IS NULL;

-- options: JSON [{id, name, price}] (price in minor units).
CREATE TABLE modifier_groups (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    min_select BIGINT NOT NULL DEFAULT 0,
    max_select BIGINT NOT NULL DEFAULT 1,
    options TEXT NOT NULL DEFAULT '[]',
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE UNIQUE INDEX ux_modifier_groups__name ON modifier_groups (tenant_id, name_key) WHERE deleted_at IS NULL;

CREATE TABLE warehouses (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    outlet_id TEXT REFERENCES outlets (id),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    is_default BIGINT NOT NULL DEFAULT 0,
    is_active BIGINT NOT NULL DEFAULT 1,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE UNIQUE INDEX ux_warehouses__name ON warehouses (tenant_id, name_key) WHERE deleted_at IS NULL;
-- One default warehouse per outlet.
CREATE UNIQUE INDEX ux_warehouses__is_default ON warehouses (outlet_id) WHERE is_default = 1 AND deleted_at IS NULL;
CREATE INDEX ix_warehouses_outlet ON warehouses (tenant_id, outlet_id);
