//! Kasir's storage layer. One SQL code path over sqlx's `Any` driver serves SQLite and PostgreSQL:
//! queries use the subset of SQL both understand, and the few places where the engines differ
//! are marked. Every tenant-owned query takes a [`Scope`].

// Shared mechanisms.
pub mod crud;
mod db;
mod error;
pub mod events;
pub mod feed;
mod group;
mod migrate;
pub mod platform;
mod sql;
mod tx;

// Business areas, named as in the server.
pub mod accounts;
pub mod auth;
pub mod catalog;
pub mod customers;
pub mod devices;
pub mod expenses;
pub mod operations;
pub mod payments;
pub mod promotions;
pub mod purchasing;
pub mod realtime;
pub mod reports;
pub mod restaurant;
pub mod selling;
pub mod stock;
pub mod sync;
pub mod tenancy;
pub mod workforce;

pub use db::{raw_execute, Backend, Db, DbOptions};
pub use error::StoreError;
pub use migrate::{migrate, migrate_to, MIGRATIONS};
pub use sql::{Batch, Flag, JsonText, KeyValue, Keyset, Value};
pub use sqlx::{any::AnyRow, FromRow};
pub use tx::{Actor, PushOutcome, Pushed, Tx};

/// Which rows of a tenant a caller may touch. Every tenant-owned query takes one.
#[derive(Debug, Clone)]
pub struct Scope {
    pub tenant_id: String,
    /// `None`: every outlet of the tenant. `Some(ids)`: only these outlets.
    pub outlets: Option<Vec<String>>,
}

impl Scope {
    pub fn tenant(tenant_id: impl Into<String>) -> Self {
        Self { tenant_id: tenant_id.into(), outlets: None }
    }

    /// True when the caller may see outlet `id`.
    pub fn sees_outlet(&self, id: &str) -> bool {
        self.outlets.as_ref().is_none_or(|ids| ids.iter().any(|o| o == id))
    }
}

/// A row read through a tenant-scoped query ([`Scope`]), in the transaction at hand when it was
/// locked. The functions that change a row (or rows under it) by its bare id take one, so that
/// no caller can reach another tenant's rows by naming their ids: only the store makes them.
#[derive(Debug, Clone)]
pub struct Scoped<T>(T);

impl<T> Scoped<T> {
    pub(crate) fn new(row: T) -> Scoped<T> {
        Scoped(row)
    }

    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Scoped<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
