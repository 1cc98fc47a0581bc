//! Integration tests over HTTP. Every test runs against SQLite and PostgreSQL.

mod common;

mod audit;
mod auth;
mod backup;
mod browser;
mod browser_office;
mod browser_pricing;
mod browser_till;
mod catalog;
mod checkout;
mod client;
mod customer_accounts;
mod customer_loyalty;
mod fault_context;
mod feed;
mod files;
mod idempotency;
mod integrity;
mod jobs;
mod keyset;
mod licenses;
mod messages;
mod metrics;
mod money_routes;
mod openapi;
mod ops_assets;
mod ops_cms;
mod ops_rooms;
mod ops_tickets;
mod payments;
mod product_io;
mod products;
mod purchasing;
mod rate_limits;
mod realtime;
mod receipts;
mod reports;
mod resources;
mod restaurant;
mod restaurant_guests;
mod restaurant_payments;
mod reversals;
mod shell;
mod shifts;
mod slow_clients;
mod stock;
mod sync_push;
mod sync_simulation;
mod tenancy;
mod transfers;
mod workforce;

mod till;

#[path = "../../../kasir-bench/src/fake_xendit.rs"]
pub mod fake_xendit;
