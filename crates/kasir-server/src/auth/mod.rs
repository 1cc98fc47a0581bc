//! Who is calling: passwords, tokens, API keys and the [`Principal`] extractor.

pub mod client_addr;
pub mod passwords;
pub mod principal;
pub mod tokens;

pub use principal::{Principal, PrincipalKind};
