-- Idempotency keys: the first response to a POST with an Idempotency-Key, replayed to repeats.
-- scope is the tenant id ('platform' for platform operators). status is NULL while the first
-- request runs; a claim whose locked_until has passed belonged to a request that died.
CREATE TABLE idempotency_keys (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status BIGINT,
    response TEXT,
    locked_until TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX ix_idempotency_keys_expires ON idempotency_keys (expires_at);
