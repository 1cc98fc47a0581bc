-- Stock levels are in the change feed: a device pulls those of its outlets' warehouses. Each
-- level carries a version, one more with every change, so that devices apply changes in order.
-- (A data step then writes a feed row for every level that exists.)
ALTER TABLE stock_levels ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
