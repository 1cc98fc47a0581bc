//! Mechanisms every area shares: idempotency keys, the audit log and installation settings.

pub mod audit;
pub mod idempotency;
pub mod settings;
