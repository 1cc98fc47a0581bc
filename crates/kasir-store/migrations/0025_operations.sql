-- Operations (issue 19): assets and their custodians, fleet (vehicles, drivers with logins, location
-- pings), tickets and comments, meeting rooms and bookings, branding approvals and their reviews,
-- and the CMS (blog, ads, pages, vacancies, drop points). Dates are `YYYY-MM-DD`, wall-clock times
-- `HH:MM`, instants the stored UTC form, coordinates whole millionths of a degree, money integers.

-- Events addressed to some staff only (tickets, approvals): `{"permission": .., "user_ids": [..]}`.
ALTER TABLE events ADD COLUMN audience TEXT;

CREATE TABLE asset_categories (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    description TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE UNIQUE INDEX ux_asset_categories__name ON asset_categories (tenant_id, name_key) WHERE deleted_at IS NULL;

CREATE TABLE assets (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    asset_code TEXT NOT NULL,
    asset_code_key TEXT NOT NULL,
    name TEXT NOT NULL,
    category_id TEXT REFERENCES asset_categories (id),
    serial_number TEXT,
    purchase_date TEXT,
    value BIGINT NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    location TEXT,
    -- The employee who holds it now, and since when.
    assigned_to TEXT REFERENCES employees (id),
    assigned_since TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE UNIQUE INDEX ux_assets__asset_code ON assets (tenant_id, asset_code_key) WHERE deleted_at IS NULL;
CREATE INDEX ix_assets_assigned ON assets (tenant_id, assigned_to);

CREATE TABLE asset_assignments (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    asset_id TEXT NOT NULL REFERENCES assets (id),
    employee_id TEXT NOT NULL REFERENCES employees (id),
    assign_date TEXT NOT NULL,
    notes TEXT,
    return_date TEXT,
    return_condition TEXT,
    return_notes TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX ix_asset_assignments_asset ON asset_assignments (asset_id, assign_date);
-- One custodian at a time, whatever the race.
CREATE UNIQUE INDEX ux_asset_assignments__asset_id ON asset_assignments (asset_id) WHERE return_date IS NULL AND deleted_at IS NULL;

CREATE TABLE vehicles (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    plate TEXT NOT NULL,
    plate_key TEXT NOT NULL,
    type TEXT NOT NULL,
    capacity BIGINT NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE UNIQUE INDEX ux_vehicles__plate ON vehicles (tenant_id, plate_key) WHERE deleted_at IS NULL;

CREATE TABLE drivers (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    license_number TEXT NOT NULL,
    license_expiry TEXT,
    phone TEXT,
    vehicle_type TEXT,
    vehicle_id TEXT REFERENCES vehicles (id),
    status TEXT NOT NULL,
    -- The newest ping (by the device's time): telemetry, not a versioned change.
    last_latitude BIGINT,
    last_longitude BIGINT,
    last_location_at TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE UNIQUE INDEX ux_drivers__user_id ON drivers (user_id) WHERE deleted_at IS NULL;

CREATE TABLE driver_locations (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    driver_id TEXT NOT NULL REFERENCES drivers (id),
    latitude BIGINT NOT NULL,
    longitude BIGINT NOT NULL,
    -- When the device took the position; `received_at` when the server got it.
    at TEXT NOT NULL,
    received_at TEXT NOT NULL
);
CREATE INDEX ix_driver_locations_driver ON driver_locations (driver_id, at);
CREATE INDEX ix_driver_locations_received ON driver_locations (tenant_id, received_at);

CREATE TABLE tickets (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    priority TEXT NOT NULL,
    category TEXT,
    status TEXT NOT NULL,
    reporter_id TEXT NOT NULL REFERENCES users (id),
    assigned_to TEXT REFERENCES users (id),
    attachment_file_ids TEXT NOT NULL DEFAULT '[]',
    resolution TEXT,
    satisfaction BIGINT,
    resolved_at TEXT,
    closed_at TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX ix_tickets_reporter ON tickets (tenant_id, reporter_id);
CREATE INDEX ix_tickets_status ON tickets (tenant_id, status);

CREATE TABLE ticket_comments (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    ticket_id TEXT NOT NULL REFERENCES tickets (id),
    author_id TEXT NOT NULL REFERENCES users (id),
    comment TEXT NOT NULL,
    internal BIGINT NOT NULL DEFAULT 0,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX ix_ticket_comments_ticket ON ticket_comments (ticket_id, created_at);

CREATE TABLE meeting_rooms (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    capacity BIGINT NOT NULL,
    floor TEXT,
    -- A JSON array of facility names (`projector`, `whiteboard`, ...).
    facilities TEXT NOT NULL DEFAULT '[]',
    -- The room's IANA time zone; its dates and times are wall-clock times there.
    timezone TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE UNIQUE INDEX ux_meeting_rooms__name ON meeting_rooms (tenant_id, name_key) WHERE deleted_at IS NULL;

CREATE TABLE meeting_bookings (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    room_id TEXT NOT NULL REFERENCES meeting_rooms (id),
    title TEXT NOT NULL,
    description TEXT,
    date TEXT NOT NULL,
    start_time TEXT NOT NULL,
    end_time TEXT NOT NULL,
    attendee_ids TEXT NOT NULL DEFAULT '[]',
    booked_by TEXT NOT NULL REFERENCES users (id),
    status TEXT NOT NULL,
    cancelled_at TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX ix_meeting_bookings_room ON meeting_bookings (room_id, date, status);

CREATE TABLE branding_approvals (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    title TEXT NOT NULL,
    description TEXT,
    category TEXT NOT NULL,
    file_ids TEXT NOT NULL DEFAULT '[]',
    requester_id TEXT NOT NULL REFERENCES users (id),
    approver_ids TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL,
    -- 1 for the first submission, +1 on each revision.
    round BIGINT NOT NULL DEFAULT 1,
    revision_notes TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX ix_branding_approvals_requester ON branding_approvals (tenant_id, requester_id);

CREATE TABLE branding_reviews (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    approval_id TEXT NOT NULL REFERENCES branding_approvals (id),
    approver_id TEXT NOT NULL REFERENCES users (id),
    round BIGINT NOT NULL,
    decision TEXT NOT NULL,
    feedback TEXT,
    revision_notes TEXT,
    reviewed_at TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE UNIQUE INDEX ux_branding_reviews__approver_id ON branding_reviews (approval_id, approver_id) WHERE deleted_at IS NULL;
CREATE INDEX ix_branding_reviews_approver ON branding_reviews (tenant_id, approver_id);

CREATE TABLE cms_posts (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    title TEXT NOT NULL,
    slug TEXT NOT NULL,
    content TEXT NOT NULL,
    excerpt TEXT,
    featured_file_id TEXT,
    categories TEXT NOT NULL DEFAULT '[]',
    tags TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL,
    published_at TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE UNIQUE INDEX ux_cms_posts__slug ON cms_posts (tenant_id, slug) WHERE deleted_at IS NULL;
CREATE INDEX ix_cms_posts_published ON cms_posts (tenant_id, status, published_at);

-- Training, careers and departments pages: one table, told apart by `kind`.
CREATE TABLE cms_pages (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    slug TEXT NOT NULL,
    content TEXT NOT NULL,
    excerpt TEXT,
    featured_file_id TEXT,
    status TEXT NOT NULL,
    published_at TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE UNIQUE INDEX ux_cms_pages__slug ON cms_pages (tenant_id, kind, slug) WHERE deleted_at IS NULL;
CREATE INDEX ix_cms_pages_published ON cms_pages (tenant_id, kind, status, published_at);

CREATE TABLE cms_ads (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    title TEXT NOT NULL,
    image_file_id TEXT,
    link TEXT,
    placement TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    active BIGINT NOT NULL DEFAULT 1,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX ix_cms_ads_placement ON cms_ads (tenant_id, placement, active);

CREATE TABLE cms_vacancies (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    title TEXT NOT NULL,
    slug TEXT NOT NULL,
    department TEXT,
    location TEXT,
    type TEXT NOT NULL,
    description TEXT NOT NULL,
    requirements TEXT,
    salary BIGINT,
    closing_date TEXT,
    status TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE UNIQUE INDEX ux_cms_vacancies__slug ON cms_vacancies (tenant_id, slug) WHERE deleted_at IS NULL;

CREATE TABLE cms_drop_points (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    latitude BIGINT NOT NULL,
    longitude BIGINT NOT NULL,
    opening_hours TEXT,
    active BIGINT NOT NULL DEFAULT 1,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX ix_cms_drop_points_tenant ON cms_drop_points (tenant_id, active);
