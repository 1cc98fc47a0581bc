-- Request counts per client address and per login, shared by the server processes of one
-- PostgreSQL (SQLite, one process, counts in memory). window_start is the Unix second the
-- counting window began; old windows are deleted by a scheduled job.
CREATE TABLE rate_counters (
    key TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (key, window_start)
);
CREATE INDEX ix_rate_counters_window ON rate_counters (window_start);
