//! Tenancy: tenants, their outlets, users, roles and API keys.

pub mod api_keys;
pub mod outlets;
pub mod roles;
pub mod tenants;
pub mod users;
