//! The restaurant: halls, tables, stations and table sessions with their QR codes, orders through
//! the kitchen (placed by staff or by guests at their table) and paid by checkout.

pub mod guest;
pub mod order_changes;
pub mod order_payment;
pub mod ordering;
pub mod orders;
pub mod qr;
pub mod sessions;
pub mod tables;
