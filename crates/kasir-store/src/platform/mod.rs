//! Mechanisms every area shares: idempotency keys, background jobs, the audit log and installation
//! settings.

pub mod audit;
pub mod backup;
pub mod files;
pub mod idempotency;
pub mod jobs;
pub mod messages;
pub mod rate_limits;
pub mod settings;
