//! Field-level validation: collect every problem with a request, then refuse it once.
//! Parsers here turn raw client text into values that are known to be well formed.

use serde::Serialize;

/// One problem with one field of a request, as the API reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// For files (imports): the 1-based row, the header being row 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<u64>,
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { row: None, field: field.into(), message: message.into() }
    }

    /// A problem with a cell of an uploaded file.
    pub fn at_row(row: u64, field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { row: Some(row), field: field.into(), message: message.into() }
    }
}

/// Collects field errors while a request is checked.
#[derive(Debug, Default)]
pub struct Violations(Vec<FieldError>);

impl Violations {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Ok when nothing was found, otherwise every error found.
    pub fn finish(self) -> Result<(), Vec<FieldError>> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self.0)
        }
    }

    /// Checks a required text field: trimmed, between `min` and `max` characters. Returns the trimmed text.
    pub fn text(&mut self, field: &str, value: &str, min: usize, max: usize) -> String {
        let trimmed = value.trim();
        let len = trimmed.chars().count();
        if len < min {
            if min <= 1 {
                self.add(field, "must not be empty");
            } else {
                self.add(field, format!("must be at least {min} characters"));
            }
        } else if len > max {
            self.add(field, format!("must be at most {max} characters"));
        }
        if trimmed.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
            self.add(field, "must not contain control characters");
        }
        trimmed.to_string()
    }

    /// Checks an optional text field; empty text becomes `None`.
    pub fn opt_text(&mut self, field: &str, value: Option<&str>, max: usize) -> Option<String> {
        let value = value?.trim();
        if value.is_empty() {
            return None;
        }
        Some(self.text(field, value, 0, max))
    }

    /// Checks an optional date such as `2026-11-21`, recording a message when it is not one.
    pub fn date(&mut self, field: &str, raw: Option<&str>) -> Option<String> {
        let raw = raw?;
        let parsed = crate::time::parse_date(raw);
        if parsed.is_none() {
            self.add(field, "must be a date such as 2026-11-21");
        }
        parsed
    }

    /// Checks a value parsed by one of the parsers below, recording its message on failure.
    pub fn parsed<T>(&mut self, field: &str, result: Result<T, &'static str>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(msg) => {
                self.add(field, msg);
                None
            }
        }
    }

    /// Checks that an integer lies in `min..=max`.
    pub fn range(&mut self, field: &str, value: i64, min: i64, max: i64) -> i64 {
        if value < min || value > max {
            self.add(field, format!("must be between {min} and {max}"));
        }
        value
    }

    /// An amount of money from 0 to [`MAX_MONEY`](crate::MAX_MONEY) (zero, with the field
    /// named, when outside).
    pub fn money(&mut self, field: &str, value: i64) -> crate::Money {
        let value = self.range(field, value, 0, crate::MAX_MONEY);
        crate::Money::new(value).unwrap_or_default()
    }
}

/// A login name: 3–50 characters of letters, digits, `.`, `_` and `-`. Compared case-insensitively.
pub fn parse_username(raw: &str) -> Result<String, &'static str> {
    let s = raw.trim();
    if s.len() < 3 || s.len() > 50 {
        return Err("must be 3 to 50 characters");
    }
    if !s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')) {
        return Err("may contain only letters, digits, '.', '_' and '-'");
    }
    Ok(s.to_string())
}

/// The key under which usernames are unique: case-insensitive.
pub fn username_key(username: &str) -> String {
    username.trim().to_ascii_lowercase()
}

/// A password a person chose for the account `username`: 8–128 characters, not only spaces,
/// not the username, and not one of the passwords every guessing list starts with.
pub fn parse_password(raw: &str, username: &str) -> Result<String, &'static str> {
    let n = raw.chars().count();
    if n < 8 {
        return Err("must be at least 8 characters");
    }
    if n > 128 {
        return Err("must be at most 128 characters");
    }
    if raw.trim().is_empty() {
        return Err("must not be blank");
    }
    let folded = raw.trim().to_lowercase();
    if folded == username.trim().to_lowercase() {
        return Err("must not be the username");
    }
    let first = folded.chars().next();
    if COMMON_PASSWORDS.contains(&folded.as_str()) || folded.chars().all(|c| Some(c) == first) {
        return Err("is too common; choose one that is harder to guess");
    }
    Ok(raw.to_string())
}

/// The most used passwords of 8 characters or more (lower case), as leaked-password lists rank
/// them, with the Indonesian favourites.
const COMMON_PASSWORDS: &[&str] = &[
    "12345678",
    "123456789",
    "1234567890",
    "12345678910",
    "123123123",
    "987654321",
    "87654321",
    "12341234",
    "11223344",
    "147258369",
    "123321123",
    "1q2w3e4r",
    "1q2w3e4r5t",
    "1qaz2wsx",
    "zaq12wsx",
    "qwertyui",
    "qwertyuiop",
    "qwerty123",
    "qwerty12",
    "asdfghjkl",
    "asdf1234",
    "zxcvbnm1",
    "abcd1234",
    "abc12345",
    "abcdefgh",
    "password",
    "password1",
    "password12",
    "password123",
    "passw0rd",
    "p@ssw0rd",
    "p@ssword",
    "iloveyou",
    "iloveyou1",
    "sunshine",
    "princess",
    "football",
    "baseball",
    "basketball",
    "superman",
    "starwars",
    "whatever",
    "trustno1",
    "letmein1",
    "welcome1",
    "welcome123",
    "admin123",
    "admin1234",
    "administrator",
    "changeme",
    "computer",
    "internet",
    "michelle",
    "jennifer",
    "1234qwer",
    "qwer1234",
    "q1w2e3r4",
    "a1b2c3d4",
    "aa123456",
    "google123",
    "default1",
    "master123",
    "secret123",
    "indonesia",
    "bismillah",
    "sayangku",
    "sayang123",
    "jakarta1",
    "kasir123",
    "kasir1234",
    "rahasia1",
    "rahasia123",
    "cintaku1",
    "garuda123",
    "bandung1",
    "surabaya",
];

/// An e-mail address in its plain `local@domain.tld` form.
pub fn parse_email(raw: &str) -> Result<String, &'static str> {
    let s = raw.trim();
    let (local, domain) = s.split_once('@').ok_or("must be an e-mail address")?;
    let ok = !local.is_empty()
        && local.len() <= 64
        && s.len() <= 254
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && !domain.contains('@');
    if ok {
        Ok(s.to_string())
    } else {
        Err("must be an e-mail address")
    }
}

/// A URL-safe tenant slug: 2–50 lowercase letters, digits and inner hyphens.
pub fn parse_slug(raw: &str) -> Result<String, &'static str> {
    let s = raw.trim();
    let ok = (2..=50).contains(&s.len())
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-');
    if ok {
        Ok(s.to_string())
    } else {
        Err("must be 2 to 50 lowercase letters, digits or inner hyphens")
    }
}

/// An ISO 4217 currency code such as `IDR`.
pub fn parse_currency(raw: &str) -> Result<String, &'static str> {
    let s = raw.trim();
    if s.len() == 3 && s.chars().all(|c| c.is_ascii_uppercase()) {
        Ok(s.to_string())
    } else {
        Err("must be a three-letter ISO 4217 code such as IDR")
    }
}

/// An IANA time zone name such as `Asia/Jakarta`.
pub fn parse_timezone(raw: &str) -> Result<String, &'static str> {
    let s = raw.trim();
    if crate::time::is_valid_timezone(s) {
        Ok(s.to_string())
    } else {
        Err("must be an IANA time zone such as Asia/Jakarta")
    }
}

/// A short outlet code used in document numbers (`K01`): 1–10 letters, digits or hyphens.
pub fn parse_code(raw: &str) -> Result<String, &'static str> {
    let s = raw.trim();
    if (1..=10).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        Ok(s.to_ascii_uppercase())
    } else {
        Err("must be 1 to 10 letters, digits or hyphens")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_every_error() {
        let mut v = Violations::new();
        v.text("name", "  ", 1, 10);
        v.text("code", "abcdefghijklmnop", 1, 10);
        let errs = v.finish().unwrap_err();
        assert_eq!(errs.len(), 2);
        assert_eq!(errs[0].field, "name");
        assert_eq!(errs[1].message, "must be at most 10 characters");
    }

    #[test]
    fn usernames_and_emails() {
        assert_eq!(parse_username(" Kasir_01 ").unwrap(), "Kasir_01");
        assert!(parse_username("a b").is_err());
        assert!(parse_username("ab").is_err());
        assert_eq!(username_key("Kasir_01"), "kasir_01");
        assert!(parse_email("a@b.co").is_ok());
        assert!(parse_email("a@b").is_err());
        assert!(parse_email("a b@c.d").is_err());
    }

    #[test]
    fn slugs_codes_currencies() {
        assert!(parse_slug("kopi-kita").is_ok());
        assert!(parse_slug("Kopi").is_err());
        assert!(parse_slug("-x").is_err());
        assert_eq!(parse_code("k01").unwrap(), "K01");
        assert!(parse_code("").is_err());
        assert!(parse_currency("IDR").is_ok());
        assert!(parse_currency("idr").is_err());
        assert!(parse_password("short", "x").is_err());
        assert!(parse_password("        ", "x").is_err());
        assert_eq!(parse_password("12345678", "x"), Err("is too common; choose one that is harder to guess"));
        assert_eq!(parse_password("PassWord123", "x"), Err("is too common; choose one that is harder to guess"));
        assert_eq!(parse_password("zzzzzzzzzz", "x"), Err("is too common; choose one that is harder to guess"));
        assert_eq!(parse_password("Kasir.Budi", "kasir.budi"), Err("must not be the username"));
        assert_eq!(parse_password("kopi susu gula aren", "budi"), Ok("kopi susu gula aren".to_string()));
    }
}
