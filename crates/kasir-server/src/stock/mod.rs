//! Stock: warehouses, the ledger (levels, movements, adjustments, export) and transfers.

pub mod adjustments;
pub mod ledger;
pub mod lines;
pub mod transferring;
pub mod transfers;
pub mod warehouses;
