-- Uploaded files: the bytes live in the file store (a directory or an S3-compatible bucket)
-- under storage_key, which the server makes from the file's id (never from the client's name).
-- Temporary files are served once by their random name and deleted; unread ones expire.
CREATE TABLE files (
    id TEXT PRIMARY KEY,
    tenant_id TEXT,
    purpose TEXT NOT NULL,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    storage_key TEXT NOT NULL,
    thumbnail_key TEXT,
    created_by TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX ix_files_tenant ON files (tenant_id, created_at);
CREATE TABLE temp_files (
    name TEXT PRIMARY KEY,
    tenant_id TEXT,
    download_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    storage_key TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX ix_temp_files_expires ON temp_files (expires_at);
ALTER TABLE products ADD COLUMN image_url TEXT;
