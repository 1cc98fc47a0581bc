-- Workforce (issue 18): departments (a tree), positions, employees (optionally a login, a
-- manager, outlets), work shifts, rosters, holidays, attendance places and records, leave types,
-- balances and requests, permits, advances and deductions, freelancers and their projects.
-- Dates are `YYYY-MM-DD`, wall-clock times `HH:MM`, instants the stored UTC form; latitudes and
-- longitudes are whole millionths of a degree (about 11 cm), as the portable schema has no floats.

CREATE TABLE departments (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    parent_id TEXT REFERENCES departments (id),
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE UNIQUE INDEX ux_departments__name ON departments (tenant_id, COALESCE(parent_id, ''), name_key) WHERE deleted_at IS NULL;

CREATE TABLE positions (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    name TEXT NOT NULL,
    department_id TEXT REFERENCES departments (id),
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX ix_positions_tenant ON positions (tenant_id, deleted_at);

CREATE TABLE employees (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    user_id TEXT REFERENCES users (id),
    code TEXT NOT NULL,
    code_key TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    department_id TEXT REFERENCES departments (id),
    position_id TEXT REFERENCES positions (id),
    -- No foreign key: a restore loads employees in id order.
    manager_id TEXT,
    -- A JSON array of outlet ids.
    outlet_ids TEXT NOT NULL DEFAULT '[]',
    join_date TEXT,
    status TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE UNIQUE INDEX ux_employees__code ON employees (tenant_id, code_key) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX ux_employees__user_id ON employees (user_id) WHERE deleted_at IS NULL AND user_id IS NOT NULL;
CREATE INDEX ix_employees_manager ON employees (manager_id);

CREATE TABLE work_shifts (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    name TEXT NOT NULL,
    start_time TEXT NOT NULL,
    end_time TEXT NOT NULL,
    grace_minutes BIGINT NOT NULL DEFAULT 0,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);

CREATE TABLE rosters (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    employee_id TEXT NOT NULL REFERENCES employees (id),
    date TEXT NOT NULL,
    work_shift_id TEXT NOT NULL REFERENCES work_shifts (id),
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE UNIQUE INDEX ux_rosters__date ON rosters (employee_id, date) WHERE deleted_at IS NULL;
CREATE INDEX ix_rosters_tenant_date ON rosters (tenant_id, date);

CREATE TABLE holidays (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    date TEXT NOT NULL,
    name TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE UNIQUE INDEX ux_holidays__date ON holidays (tenant_id, date) WHERE deleted_at IS NULL;

CREATE TABLE attendance_locations (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    name TEXT NOT NULL,
    latitude BIGINT NOT NULL,
    longitude BIGINT NOT NULL,
    radius_m BIGINT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);

-- One row per employee and day: a check-in (and its check-out), or the day marked absent or on leave.
CREATE TABLE attendance (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    employee_id TEXT NOT NULL REFERENCES employees (id),
    date TEXT NOT NULL,
    status TEXT NOT NULL,
    work_shift_id TEXT,
    -- 1 from check-in to check-out: at most one open check-in per employee.
    open BIGINT NOT NULL DEFAULT 0,
    check_in_at TEXT,
    check_in_device_at TEXT,
    check_in_latitude BIGINT,
    check_in_longitude BIGINT,
    location_id TEXT,
    distance_m BIGINT,
    photo_file_id TEXT,
    check_out_at TEXT,
    check_out_device_at TEXT,
    check_out_latitude BIGINT,
    check_out_longitude BIGINT,
    worked_minutes BIGINT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE UNIQUE INDEX ux_attendance__date ON attendance (employee_id, date) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX ux_attendance__open ON attendance (employee_id) WHERE open = 1;
CREATE INDEX ix_attendance_tenant_date ON attendance (tenant_id, date);

CREATE TABLE leave_types (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    days_per_year BIGINT NOT NULL,
    requires_document BIGINT NOT NULL DEFAULT 0,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);

-- An employee's allocation of a leave type for a year, and what requests hold of it: the
-- figures are changed only with the requests, under this row's lock.
CREATE TABLE leave_balances (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    employee_id TEXT NOT NULL REFERENCES employees (id),
    leave_type_id TEXT NOT NULL REFERENCES leave_types (id),
    year BIGINT NOT NULL,
    total BIGINT NOT NULL,
    used BIGINT NOT NULL DEFAULT 0,
    pending BIGINT NOT NULL DEFAULT 0,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE UNIQUE INDEX ux_leave_balances__year ON leave_balances (employee_id, leave_type_id, year);

CREATE TABLE leave_requests (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    employee_id TEXT NOT NULL REFERENCES employees (id),
    leave_type_id TEXT NOT NULL REFERENCES leave_types (id),
    kind TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    days BIGINT NOT NULL,
    reason TEXT NOT NULL,
    document_file_ids TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL,
    decided_by TEXT,
    decided_at TEXT,
    notes TEXT,
    created_by TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX ix_leave_requests_employee ON leave_requests (employee_id, start_date);
CREATE INDEX ix_leave_requests_tenant ON leave_requests (tenant_id, status, start_date);

CREATE TABLE permits (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    employee_id TEXT NOT NULL REFERENCES employees (id),
    date TEXT NOT NULL,
    start_time TEXT NOT NULL,
    end_time TEXT NOT NULL,
    reason TEXT NOT NULL,
    type TEXT NOT NULL,
    status TEXT NOT NULL,
    decided_by TEXT,
    decided_at TEXT,
    notes TEXT,
    created_by TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX ix_permits_employee ON permits (employee_id, date);

CREATE TABLE employee_advances (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    employee_id TEXT NOT NULL REFERENCES employees (id),
    amount BIGINT NOT NULL,
    date TEXT NOT NULL,
    note TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);

CREATE TABLE employee_deductions (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    employee_id TEXT NOT NULL REFERENCES employees (id),
    amount BIGINT NOT NULL,
    date TEXT NOT NULL,
    reason TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);

CREATE TABLE freelancers (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    name TEXT NOT NULL,
    email TEXT,
    -- A JSON array of words.
    skills TEXT NOT NULL DEFAULT '[]',
    hourly_rate BIGINT NOT NULL DEFAULT 0,
    portfolio TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);

CREATE TABLE freelancer_projects (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    freelancer_id TEXT NOT NULL REFERENCES freelancers (id),
    project_name TEXT NOT NULL,
    description TEXT,
    deadline TEXT,
    budget BIGINT NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);

-- Whether a check-in needs a photo, and the time zone attendance is read in (the tenant's).
ALTER TABLE tenants ADD COLUMN attendance_photo_required BIGINT NOT NULL DEFAULT 0;
