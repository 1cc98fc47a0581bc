-- Change-feed rows of a long transaction (a product import), written as it goes so that they need
-- not be held in memory, and moved into `changes` at its commit, once their seq numbers are known
-- under the tenant's feed head lock. `token` identifies the transaction; `n` numbers its rows per
-- tenant from 1.
CREATE TABLE change_staging (
    token TEXT NOT NULL,
    tenant_id TEXT NOT NULL,
    n BIGINT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    op TEXT NOT NULL,
    version BIGINT NOT NULL,
    outlet_id TEXT,
    data TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (token, tenant_id, n)
);
