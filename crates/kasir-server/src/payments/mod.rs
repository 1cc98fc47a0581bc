//! Payments through a gateway (issue 17, decision 016): gateway settings, checkout for
//! customers, services and table guests, verified callbacks, reconciliation and payouts.

pub mod callback;
pub mod charges;
pub mod gateway;
mod payout_routes;
pub mod payouts;
mod reading;
pub mod reconcile;
mod routes;
mod settings;

pub use routes::routes;
