-- Payments through a gateway (issue 17): each tenant's gateway settings (keys sealed with
-- KASIR_SECRET_KEY), the payments customers, guests and services make through it with their
-- status history, and payouts to bank accounts. Events may now be addressed to one customer
-- account, whose sockets alone receive them.

CREATE TABLE payment_gateways (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    provider TEXT NOT NULL,
    -- Sealed (AES-256-GCM under KASIR_SECRET_KEY): never sent to clients, never logged.
    secret_key TEXT NOT NULL,
    callback_token TEXT NOT NULL,
    base_url TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ux_payment_gateways__provider ON payment_gateways (tenant_id, provider);

CREATE TABLE gateway_payments (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    -- Ours, sent to the gateway: a create retried after a timeout looks it up before creating again.
    external_id TEXT NOT NULL,
    provider TEXT NOT NULL,
    -- The gateway's id, once it has answered the create.
    gateway_ref TEXT,
    method TEXT NOT NULL,
    ewallet_type TEXT,
    purpose TEXT NOT NULL,
    -- The customer account paying (none for a table guest).
    customer_id TEXT,
    order_id TEXT,
    outlet_id TEXT,
    table_session_id TEXT,
    amount BIGINT NOT NULL,
    description TEXT NOT NULL,
    status TEXT NOT NULL,
    invoice_url TEXT,
    qr_string TEXT,
    checkout_url TEXT,
    expires_at TEXT NOT NULL,
    paid_at TEXT,
    -- The sale a paid order became.
    sale_id TEXT,
    -- Why a paid payment had no effect, for staff to settle (an order paid meanwhile at the till).
    attention TEXT,
    created_by TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ux_gateway_payments__external_id ON gateway_payments (external_id);
CREATE INDEX ix_gateway_payments_tenant ON gateway_payments (tenant_id, created_at);
CREATE INDEX ix_gateway_payments_customer ON gateway_payments (customer_id, created_at);
CREATE INDEX ix_gateway_payments_status ON gateway_payments (status, expires_at);

CREATE TABLE gateway_payment_history (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    payment_id TEXT NOT NULL REFERENCES gateway_payments (id),
    status TEXT NOT NULL,
    -- create, callback, reconcile or cancel
    source TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX ix_gateway_payment_history_payment ON gateway_payment_history (payment_id, created_at);

CREATE TABLE payouts (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    external_id TEXT NOT NULL,
    -- SHA-256 of the client's Idempotency-Key: a retry after a crash finds the payout it made.
    idempotency_hash TEXT NOT NULL,
    provider TEXT NOT NULL,
    gateway_ref TEXT,
    bank_code TEXT NOT NULL,
    account_number TEXT NOT NULL,
    account_holder_name TEXT NOT NULL,
    amount BIGINT NOT NULL,
    description TEXT NOT NULL,
    status TEXT NOT NULL,
    failure_code TEXT,
    created_by TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ux_payouts__external_id ON payouts (external_id);
CREATE UNIQUE INDEX ux_payouts__idempotency ON payouts (tenant_id, idempotency_hash);
CREATE INDEX ix_payouts_tenant ON payouts (tenant_id, created_at);

ALTER TABLE events ADD COLUMN customer_id TEXT;
