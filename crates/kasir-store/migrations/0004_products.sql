-- Products. Variants are JSON on the product row ([{id, name, sku, barcodes, price, cost}]): they
-- are edited and served with their product. product_codes indexes every SKU and barcode of
-- products and variants: it makes them unique per tenant and finds a product by scanned code.
CREATE TABLE products (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    sku TEXT NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    category_id TEXT REFERENCES categories (id),
    brand_id TEXT REFERENCES brands (id),
    tax_id TEXT REFERENCES taxes (id),
    price BIGINT NOT NULL,
    cost BIGINT NOT NULL DEFAULT 0,
    unit TEXT NOT NULL DEFAULT 'pcs',
    track_stock BIGINT NOT NULL DEFAULT 1,
    low_stock_threshold BIGINT,
    is_active BIGINT NOT NULL DEFAULT 1,
    barcodes TEXT NOT NULL DEFAULT '[]',
    modifier_group_ids TEXT NOT NULL DEFAULT '[]',
    variants TEXT NOT NULL DEFAULT '[]',
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX ix_products_tenant_created ON products (tenant_id, created_at);
CREATE INDEX ix_products_tenant_name ON products (tenant_id, name_key);
CREATE INDEX ix_products_tenant_category ON products (tenant_id, category_id);

-- kind: 'sku' or 'barcode'. variant_id is NULL for the product's own codes.
CREATE TABLE product_codes (
    tenant_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    code TEXT NOT NULL,
    product_id TEXT NOT NULL REFERENCES products (id),
    variant_id TEXT,
    PRIMARY KEY (tenant_id, kind, code)
);
CREATE INDEX ix_product_codes_product ON product_codes (product_id);

-- Stock on hand per warehouse and product/variant ('' when the product has no variant), in
-- thousandths. Changed only together with a stock_movements row (the ledger).
CREATE TABLE stock_levels (
    tenant_id TEXT NOT NULL,
    warehouse_id TEXT NOT NULL REFERENCES warehouses (id),
    product_id TEXT NOT NULL REFERENCES products (id),
    variant_id TEXT NOT NULL DEFAULT '',
    quantity BIGINT NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (warehouse_id, product_id, variant_id)
);
CREATE INDEX ix_stock_levels_product ON stock_levels (tenant_id, product_id);
