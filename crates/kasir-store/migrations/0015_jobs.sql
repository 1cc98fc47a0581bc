-- Background jobs. A job is claimed by one server process at a time (status 'running', with
-- locked_by and a lease in locked_until; a lease that ran out belonged to a process that died,
-- and the job may be claimed again). dedupe_key names a scheduled run ('prune_events@1796292600'),
-- so that every node may enqueue it and only one job is made.
CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    tenant_id TEXT,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    run_at TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    max_attempts BIGINT NOT NULL,
    last_error TEXT,
    locked_by TEXT,
    locked_until TEXT,
    dedupe_key TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    finished_at TEXT
);
CREATE INDEX ix_jobs_due ON jobs (status, run_at);
CREATE INDEX ix_jobs_tenant ON jobs (tenant_id, created_at);
CREATE UNIQUE INDEX ux_jobs_dedupe ON jobs (dedupe_key);
