//! Integration tests over HTTP. Every test runs against SQLite and PostgreSQL.

mod common;

mod audit;
mod auth;
mod catalog;
mod feed;
mod idempotency;
mod openapi;
mod product_io;
mod products;
mod purchasing;
mod resources;
mod shell;
mod stock;
mod tenancy;
mod transfers;
