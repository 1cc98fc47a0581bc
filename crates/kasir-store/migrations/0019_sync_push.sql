-- Offline devices push their changes (`POST /sync/push`).
--
-- devices: a till, tablet or phone of a tenant, known from its first push (or licence
-- activation). Its id is the device's own (`X-Device-Id`). An inactive device may not push.
CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    name TEXT NOT NULL,
    outlet_id TEXT,
    platform TEXT,
    app_version TEXT,
    last_seen_at TEXT,
    last_push_at TEXT,
    license_id TEXT,
    is_active BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX ix_devices_tenant ON devices (tenant_id, created_at);

-- One row per pushed change that was applied or recorded as a conflict, written in the same
-- transaction as the change: a retry of the change finds it and is answered `duplicate`.
CREATE TABLE sync_ledger (
    tenant_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    client_change_id TEXT NOT NULL,
    entity TEXT NOT NULL,
    record_id TEXT NOT NULL,
    status TEXT NOT NULL,
    version BIGINT,
    conflict_id TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, device_id, client_change_id)
);

-- A pushed update or delete that met a change made on the server since the device's base
-- version: the server's value stayed; both sides are kept until someone resolves it.
CREATE TABLE sync_conflicts (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    entity TEXT NOT NULL,
    record_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    client_change_id TEXT NOT NULL,
    op TEXT NOT NULL,
    base_version BIGINT NOT NULL,
    fields TEXT NOT NULL,
    client_data TEXT NOT NULL,
    server_data TEXT NOT NULL,
    status TEXT NOT NULL,
    resolution TEXT,
    resolved_by TEXT,
    resolved_at TEXT
);
CREATE INDEX ix_sync_conflicts_tenant ON sync_conflicts (tenant_id, status, created_at);

-- A record's past versions in the feed: a pushed update finds the values its device started from.
CREATE INDEX ix_changes_record ON changes (tenant_id, entity_id, version);

-- A sale rung up on a till while it was offline: kept at the prices it was rung at, and flagged
-- when it took a product's stock below zero.
ALTER TABLE sales ADD COLUMN offline BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sales ADD COLUMN stock_negative BIGINT NOT NULL DEFAULT 0;
