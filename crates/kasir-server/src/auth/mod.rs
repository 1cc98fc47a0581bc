//! Who is calling: passwords, tokens, API keys, the [`Principal`] extractor, the table-session
//! [`guest::GuestSession`], and the login routes.

pub mod client_addr;
pub mod guest;
pub mod passwords;
pub mod principal;
pub mod routes;
pub mod tokens;

pub use principal::{Principal, PrincipalKind};
