-- Selling: payment methods, shifts and their cash, customers, promotions and vouchers, sales with
-- their items, payments and discounts, refunds, and expenses. Money is BIGINT minor units,
-- quantities BIGINT thousandths. Sales are never edited: voids and refunds are new rows or
-- status changes recorded beside them (DESIGN invariant 6).

CREATE TABLE payment_methods (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    -- cash, card, qris, ewallet, transfer, store_credit, other
    type TEXT NOT NULL,
    is_active BIGINT NOT NULL DEFAULT 1,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE UNIQUE INDEX ux_payment_methods__name ON payment_methods (tenant_id, name_key) WHERE deleted_at IS NULL;

-- One open shift per user and outlet. `report` is the shift's figures, frozen when it closes.
CREATE TABLE shifts (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    outlet_id TEXT NOT NULL REFERENCES outlets (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    status TEXT NOT NULL,
    business_date TEXT NOT NULL,
    start_cash BIGINT NOT NULL,
    end_cash BIGINT,
    expected_cash BIGINT,
    cash_difference BIGINT,
    note TEXT,
    opened_at TEXT NOT NULL,
    closed_at TEXT,
    closed_by TEXT,
    report TEXT,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE UNIQUE INDEX ux_shifts__outlet_id ON shifts (user_id, outlet_id) WHERE status = 'open';
CREATE INDEX ix_shifts_tenant_opened ON shifts (tenant_id, opened_at, id);

CREATE TABLE cash_movements (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    shift_id TEXT NOT NULL REFERENCES shifts (id),
    -- in, out
    type TEXT NOT NULL,
    amount BIGINT NOT NULL,
    reason TEXT NOT NULL,
    actor_id TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX ix_cash_movements_shift ON cash_movements (shift_id);

CREATE TABLE customers (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    phone TEXT,
    email TEXT,
    address TEXT,
    notes TEXT,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX ix_customers_tenant_created ON customers (tenant_id, created_at, id);

-- Validity windows are outlet-local wall times (`2026-12-01T08:00:00`), compared with the local
-- time of the outlet selling. `usage_count` counts completed sales using it (a void gives it back).
CREATE TABLE promotions (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    -- percent (value in basis points) or amount
    type TEXT NOT NULL,
    value BIGINT NOT NULL,
    min_purchase BIGINT NOT NULL DEFAULT 0,
    max_discount BIGINT,
    starts_at TEXT,
    ends_at TEXT,
    usage_limit BIGINT,
    usage_count BIGINT NOT NULL DEFAULT 0,
    product_ids TEXT NOT NULL DEFAULT '[]',
    category_ids TEXT NOT NULL DEFAULT '[]',
    auto_apply BIGINT NOT NULL DEFAULT 1,
    is_active BIGINT NOT NULL DEFAULT 1,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX ix_promotions_tenant ON promotions (tenant_id, created_at, id);

CREATE TABLE vouchers (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    code TEXT NOT NULL,
    code_key TEXT NOT NULL,
    description TEXT,
    discount_type TEXT NOT NULL,
    discount_value BIGINT NOT NULL,
    min_purchase BIGINT NOT NULL DEFAULT 0,
    max_discount BIGINT,
    valid_from TEXT,
    valid_until TEXT,
    usage_limit BIGINT,
    usage_count BIGINT NOT NULL DEFAULT 0,
    active BIGINT NOT NULL DEFAULT 1,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE UNIQUE INDEX ux_vouchers__code ON vouchers (tenant_id, code_key) WHERE deleted_at IS NULL;

-- Sale numbers per outlet and business date: K01-20261121-0001.
CREATE TABLE sale_numbers (
    outlet_id TEXT NOT NULL,
    business_date TEXT NOT NULL,
    last BIGINT NOT NULL,
    PRIMARY KEY (outlet_id, business_date)
);

-- status: completed or voided. `local_hour` is the outlet-local hour it was sold in (reports).
CREATE TABLE sales (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    outlet_id TEXT NOT NULL REFERENCES outlets (id),
    shift_id TEXT NOT NULL REFERENCES shifts (id),
    cashier_id TEXT NOT NULL,
    customer_id TEXT REFERENCES customers (id),
    number TEXT NOT NULL,
    business_date TEXT NOT NULL,
    local_hour BIGINT NOT NULL,
    status TEXT NOT NULL,
    subtotal BIGINT NOT NULL,
    discount_total BIGINT NOT NULL,
    tax_total BIGINT NOT NULL,
    rounding BIGINT NOT NULL,
    total BIGINT NOT NULL,
    paid BIGINT NOT NULL,
    change_given BIGINT NOT NULL,
    refunded_total BIGINT NOT NULL DEFAULT 0,
    order_discount TEXT,
    voucher_id TEXT,
    voucher_code TEXT,
    note TEXT,
    void_reason TEXT,
    voided_at TEXT,
    voided_by TEXT,
    void_shift_id TEXT,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE UNIQUE INDEX ux_sales__number ON sales (outlet_id, number);
CREATE INDEX ix_sales_tenant_created ON sales (tenant_id, created_at, id);
CREATE INDEX ix_sales_tenant_date ON sales (tenant_id, business_date, outlet_id);
CREATE INDEX ix_sales_shift ON sales (shift_id);
CREATE INDEX ix_sales_customer ON sales (customer_id);

-- Names, prices and costs as sold. modifiers: JSON [{id, group_id, name, price}]. The references
-- to the sale are checked at commit: checkout writes the sale row last, just after taking its
-- number, so that the outlet's number counter is held as briefly as possible.
CREATE TABLE sale_items (
    id TEXT PRIMARY KEY,
    sale_id TEXT NOT NULL REFERENCES sales (id) DEFERRABLE INITIALLY DEFERRED,
    tenant_id TEXT NOT NULL,
    line_no BIGINT NOT NULL,
    product_id TEXT NOT NULL REFERENCES products (id),
    variant_id TEXT,
    category_id TEXT,
    name TEXT NOT NULL,
    sku TEXT NOT NULL,
    quantity BIGINT NOT NULL,
    unit_price BIGINT NOT NULL,
    modifiers TEXT NOT NULL DEFAULT '[]',
    gross BIGINT NOT NULL,
    line_discount BIGINT NOT NULL,
    order_discount BIGINT NOT NULL,
    discount_total BIGINT NOT NULL,
    tax_id TEXT,
    tax_rate_bps BIGINT NOT NULL DEFAULT 0,
    tax_inclusive BIGINT NOT NULL DEFAULT 0,
    tax_total BIGINT NOT NULL,
    total BIGINT NOT NULL,
    unit_cost BIGINT NOT NULL DEFAULT 0,
    tracks_stock BIGINT NOT NULL DEFAULT 0,
    refunded_quantity BIGINT NOT NULL DEFAULT 0,
    note TEXT
);
CREATE INDEX ix_sale_items_sale ON sale_items (sale_id, line_no);
CREATE INDEX ix_sale_items_product ON sale_items (tenant_id, product_id);

CREATE TABLE sale_payments (
    id TEXT PRIMARY KEY,
    sale_id TEXT NOT NULL REFERENCES sales (id) DEFERRABLE INITIALLY DEFERRED,
    tenant_id TEXT NOT NULL,
    line_no BIGINT NOT NULL,
    payment_method_id TEXT NOT NULL REFERENCES payment_methods (id),
    method_type TEXT NOT NULL,
    method_name TEXT NOT NULL,
    amount BIGINT NOT NULL,
    reference TEXT
);
CREATE INDEX ix_sale_payments_sale ON sale_payments (sale_id, line_no);

-- Order-level discounts as applied: source promotion, order or voucher.
CREATE TABLE sale_discounts (
    sale_id TEXT NOT NULL REFERENCES sales (id) DEFERRABLE INITIALLY DEFERRED,
    tenant_id TEXT NOT NULL,
    line_no BIGINT NOT NULL,
    source TEXT NOT NULL,
    source_id TEXT,
    name TEXT NOT NULL,
    amount BIGINT NOT NULL,
    PRIMARY KEY (sale_id, line_no)
);

CREATE TABLE refunds (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    sale_id TEXT NOT NULL REFERENCES sales (id),
    outlet_id TEXT NOT NULL,
    shift_id TEXT,
    cashier_id TEXT,
    business_date TEXT NOT NULL,
    local_hour BIGINT NOT NULL,
    reason TEXT NOT NULL,
    restock BIGINT NOT NULL,
    gross BIGINT NOT NULL,
    discount_total BIGINT NOT NULL,
    tax_total BIGINT NOT NULL,
    rounding BIGINT NOT NULL,
    total BIGINT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX ix_refunds_sale ON refunds (sale_id);
CREATE INDEX ix_refunds_tenant_date ON refunds (tenant_id, business_date, outlet_id);
CREATE INDEX ix_refunds_shift ON refunds (shift_id);

CREATE TABLE refund_items (
    id TEXT PRIMARY KEY,
    refund_id TEXT NOT NULL REFERENCES refunds (id),
    tenant_id TEXT NOT NULL,
    sale_item_id TEXT NOT NULL REFERENCES sale_items (id),
    product_id TEXT NOT NULL,
    variant_id TEXT,
    quantity BIGINT NOT NULL,
    gross BIGINT NOT NULL,
    discount_total BIGINT NOT NULL,
    tax_total BIGINT NOT NULL,
    total BIGINT NOT NULL
);
CREATE INDEX ix_refund_items_refund ON refund_items (refund_id);

CREATE TABLE refund_payments (
    id TEXT PRIMARY KEY,
    refund_id TEXT NOT NULL REFERENCES refunds (id),
    tenant_id TEXT NOT NULL,
    line_no BIGINT NOT NULL,
    payment_method_id TEXT NOT NULL REFERENCES payment_methods (id),
    method_type TEXT NOT NULL,
    method_name TEXT NOT NULL,
    amount BIGINT NOT NULL,
    reference TEXT
);
CREATE INDEX ix_refund_payments_refund ON refund_payments (refund_id);

CREATE TABLE expense_categories (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE UNIQUE INDEX ux_expense_categories__name ON expense_categories (tenant_id, name_key) WHERE deleted_at IS NULL;

-- An expense with a shift is paid from that shift's cash drawer.
CREATE TABLE expenses (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    outlet_id TEXT NOT NULL REFERENCES outlets (id),
    shift_id TEXT REFERENCES shifts (id),
    category_id TEXT REFERENCES expense_categories (id),
    amount BIGINT NOT NULL,
    note TEXT,
    business_date TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX ix_expenses_tenant_created ON expenses (tenant_id, created_at, id);
CREATE INDEX ix_expenses_shift ON expenses (shift_id);

-- Idempotency keys of money-moving calls are claimed inside the call's own transaction: `owner`
-- is NULL for those (a crash leaves nothing behind) and a claim token for the others.
ALTER TABLE idempotency_keys ADD COLUMN owner TEXT;
