-- Foundation: tenants, outlets, people, auth, audit and the change feed.
-- Portable DDL: it runs unchanged on SQLite and PostgreSQL. Ids are UUID text, times are UTC text
-- (2026-11-21T08:00:00.000Z), JSON is text, integers are BIGINT, booleans are BIGINT 0/1 (sqlx's Any driver
-- cannot read SQLite booleans), unique indexes are ux_<table>__<field>.

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE tenants (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    slug TEXT NOT NULL,
    currency TEXT NOT NULL,
    timezone TEXT NOT NULL,
    prices_include_tax BIGINT NOT NULL DEFAULT 1,
    allow_negative_stock BIGINT NOT NULL DEFAULT 0,
    cash_rounding BIGINT NOT NULL DEFAULT 0,
    is_active BIGINT NOT NULL DEFAULT 1,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE UNIQUE INDEX ux_tenants__slug ON tenants (slug);

-- The head of each tenant's change feed. Appends lock this row, so feed order is commit order.
CREATE TABLE feed_heads (
    tenant_id TEXT PRIMARY KEY REFERENCES tenants (id),
    change_seq BIGINT NOT NULL DEFAULT 0,
    retained_from BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE changes (
    tenant_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    op TEXT NOT NULL,
    version BIGINT NOT NULL,
    outlet_id TEXT,
    data TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, seq)
);

CREATE TABLE outlets (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    name TEXT NOT NULL,
    code TEXT NOT NULL,
    address TEXT,
    phone TEXT,
    timezone TEXT NOT NULL,
    receipt_header TEXT,
    receipt_footer TEXT,
    is_active BIGINT NOT NULL DEFAULT 1,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE UNIQUE INDEX ux_outlets__code ON outlets (tenant_id, code) WHERE deleted_at IS NULL;
CREATE INDEX ix_outlets_tenant ON outlets (tenant_id, created_at);

CREATE TABLE roles (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    description TEXT,
    permissions TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE UNIQUE INDEX ux_roles__name ON roles (tenant_id, name_key) WHERE deleted_at IS NULL;

-- tenant_id is NULL only for platform operators (master_admin).
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    tenant_id TEXT REFERENCES tenants (id),
    username TEXT NOT NULL,
    username_key TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT,
    role TEXT NOT NULL,
    outlet_ids TEXT NOT NULL DEFAULT '[]',
    is_active BIGINT NOT NULL DEFAULT 1,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE UNIQUE INDEX ux_users__username ON users (username_key) WHERE deleted_at IS NULL;
CREATE INDEX ix_users_tenant ON users (tenant_id, created_at);

-- The outlets a user works at, kept beside users.outlet_ids so scoped queries can join on it.
CREATE TABLE user_outlets (
    user_id TEXT NOT NULL REFERENCES users (id),
    outlet_id TEXT NOT NULL REFERENCES outlets (id),
    tenant_id TEXT NOT NULL,
    PRIMARY KEY (user_id, outlet_id)
);
CREATE INDEX ix_user_outlets_outlet ON user_outlets (outlet_id);

-- A login: every access and refresh token descends from one. Revoking it ends them all.
CREATE TABLE auth_sessions (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT,
    revoked_reason TEXT,
    ip TEXT,
    user_agent TEXT
);
CREATE INDEX ix_auth_sessions_user ON auth_sessions (user_id);

CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES auth_sessions (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX ix_refresh_tokens_session ON refresh_tokens (session_id);

CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    name TEXT NOT NULL,
    key_id TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    permissions TEXT NOT NULL,
    created_by TEXT,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    deleted_at TEXT
);
CREATE UNIQUE INDEX ux_api_keys__key_id ON api_keys (key_id);

CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    locked_until TEXT,
    updated_at TEXT NOT NULL
);

CREATE TABLE audit_logs (
    id TEXT PRIMARY KEY,
    tenant_id TEXT,
    actor_id TEXT,
    actor_type TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT,
    ip TEXT,
    request_id TEXT,
    details TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX ix_audit_logs_tenant ON audit_logs (tenant_id, created_at);
