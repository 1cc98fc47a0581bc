//! Selling: shifts, sales (written once, by checkout), refunds, and the payment methods sales are paid with.

pub mod payment_methods;
pub mod refunds;
pub mod sales;
pub mod shift_report;
pub mod shifts;
