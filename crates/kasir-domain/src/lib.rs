//! Kasir's domain rules: permissions and roles, pricing, input validation, identifiers and time.
//! Pure code only: nothing here touches the network, the clock of a database or a file.

pub mod errors;
pub mod events;
pub mod files;
pub mod ids;
pub mod jobs;
pub mod messages;
pub mod money;
pub mod operations;
pub mod payments;
pub mod permissions;
pub mod pricing;
pub mod purchase;
pub mod quantity;
pub mod split;
pub mod status;
pub mod time;
pub mod transfer;
pub mod validation;
pub mod workforce;

pub use errors::ErrorCode;
pub use events::EventKind;
pub use money::{Money, MAX_MONEY};
pub use permissions::{BuiltinRole, Permission};
pub use quantity::Quantity;
pub use status::{ConflictStatus, LicenseStatus, OrderStatus, SaleStatus, ShiftStatus, TableSessionStatus};
pub use validation::{FieldError, Violations};
