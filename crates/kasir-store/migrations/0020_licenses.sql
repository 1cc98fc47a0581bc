-- Device licences, issued by the platform operator to a tenant. The key is the credential a
-- device activates with; only its SHA-256 is kept (and its last characters, to recognise it).
CREATE TABLE licenses (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    key_hash TEXT NOT NULL,
    key_hint TEXT NOT NULL,
    plan TEXT NOT NULL,
    max_devices BIGINT NOT NULL,
    expires_at TEXT,
    status TEXT NOT NULL,
    revoked_at TEXT
);
CREATE UNIQUE INDEX ux_licenses__key_hash ON licenses (key_hash);
CREATE INDEX ix_licenses_tenant ON licenses (tenant_id, created_at);

-- A device holding a seat of a licence until it deactivates. It verifies at least every 30 days.
CREATE TABLE license_activations (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    license_id TEXT NOT NULL REFERENCES licenses (id),
    device_id TEXT NOT NULL,
    device_name TEXT NOT NULL,
    activated_at TEXT NOT NULL,
    verified_at TEXT NOT NULL,
    deactivated_at TEXT
);
CREATE INDEX ix_license_activations_license ON license_activations (license_id, device_id);

-- When set (by the platform operator), devices without a licence may not push.
ALTER TABLE tenants ADD COLUMN require_license BIGINT NOT NULL DEFAULT 0;
