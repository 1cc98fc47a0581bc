-- PostgreSQL numbers feed and outbox rows from their writer's transaction id instead of the
-- tenant's head counters (decision 020): seq = (xid + offset) << 20 | n for changes,
-- (xid + offset) << 16 | n for events. The offsets lift a tenant's new numbers above the rows it
-- already has (those numbered by the counters, or brought by a restore or an import). SQLite keeps
-- the counters and ignores the offsets.
ALTER TABLE feed_heads ADD COLUMN change_xid_offset BIGINT NOT NULL DEFAULT 0;
ALTER TABLE feed_heads ADD COLUMN event_xid_offset BIGINT NOT NULL DEFAULT 0;
UPDATE feed_heads SET
    change_xid_offset = COALESCE((SELECT MAX(seq) FROM changes c WHERE c.tenant_id = feed_heads.tenant_id), 0) / 1048576 + 1,
    event_xid_offset = COALESCE((SELECT MAX(seq) FROM events e WHERE e.tenant_id = feed_heads.tenant_id), 0) / 65536 + 1;
