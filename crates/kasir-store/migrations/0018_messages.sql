-- Outbound messages (email, SMS, push), delivered by jobs. status: queued, sent, failed,
-- not_configured (its channel has no settings). Push tokens live here too: a token the push
-- service reports unregistered is marked dead and never sent to again.
CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    tenant_id TEXT,
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT,
    body TEXT NOT NULL,
    data TEXT,
    template TEXT,
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    sent_at TEXT
);
CREATE INDEX ix_messages_tenant ON messages (tenant_id, created_at);
CREATE INDEX ix_messages_status ON messages (status, created_at);
CREATE TABLE push_tokens (
    token TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL,
    customer_id TEXT,
    device_type TEXT NOT NULL,
    created_at TEXT NOT NULL,
    dead_at TEXT
);
CREATE INDEX ix_push_tokens_customer ON push_tokens (tenant_id, customer_id);
