-- Realtime: events are kept at least 24 hours for WebSocket clients that resume; a tenant's
-- feed head remembers the last event number pruned, so that a resume from before it is told to
-- resync instead of silently missing events.
ALTER TABLE feed_heads ADD COLUMN events_pruned_to BIGINT NOT NULL DEFAULT 0;
CREATE INDEX ix_events_created ON events (created_at);
