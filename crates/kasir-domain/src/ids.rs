//! Record identifiers: UUIDv7, generated here or supplied by an offline client.

use uuid::Uuid;

/// A new time-ordered record id, as the lowercase hyphenated string we store and serve.
pub fn new_id() -> String {
    Uuid::now_v7().to_string()
}

/// Parses a client-supplied id, returning it in canonical (lowercase, hyphenated) form.
pub fn parse_id(raw: &str) -> Option<String> {
    Uuid::parse_str(raw).ok().map(|u| u.to_string())
}
