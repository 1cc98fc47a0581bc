//! Access tokens (JWT, HS256 only, 15 minutes, `iss`/`aud`/`exp` checked), opaque refresh tokens
//! and API key secrets. Only hashes of refresh tokens and secrets are stored.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub const ISSUER: &str = "kasir";
pub const AUDIENCE: &str = "kasir-api";
/// The audience of customer accounts' tokens, which no staff route accepts (decision 015).
pub const CUSTOMER_AUDIENCE: &str = "kasir-customer";
/// Access tokens live 15 minutes.
pub const ACCESS_TTL_SECS: i64 = 15 * 60;
/// Refresh tokens live 30 days from their last use.
pub const REFRESH_TTL_SECS: i64 = 30 * 24 * 3600;

/// The claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// User id.
    pub sub: String,
    /// Login (session) id: revoking the login revokes the token.
    pub sid: String,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
}

/// Signing and verification keys, from `KASIR_JWT_SECRET` or the database.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    customer_validation: Validation,
}

impl TokenKeys {
    pub fn new(secret: &[u8]) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 5;
        let mut customer_validation = validation.clone();
        customer_validation.set_audience(&[CUSTOMER_AUDIENCE]);
        TokenKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            customer_validation,
        }
    }

    /// Signs a staff access token for `user_id` in login `session_id`.
    pub fn issue(&self, user_id: &str, session_id: &str) -> Result<String, jsonwebtoken::errors::Error> {
        self.sign(user_id, session_id, AUDIENCE)
    }

    /// Signs a customer account's access token.
    pub fn issue_customer(&self, account_id: &str, session_id: &str) -> Result<String, jsonwebtoken::errors::Error> {
        self.sign(account_id, session_id, CUSTOMER_AUDIENCE)
    }

    fn sign(&self, sub: &str, session_id: &str, aud: &str) -> Result<String, jsonwebtoken::errors::Error> {
        let now = jiff::Timestamp::now().as_second();
        let claims = Claims {
            sub: sub.into(),
            sid: session_id.into(),
            iss: ISSUER.into(),
            aud: aud.into(),
            iat: now,
            exp: now + ACCESS_TTL_SECS,
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }

    /// Verifies a customer's access token (its audience is `kasir-customer`).
    pub fn verify_customer(&self, token: &str) -> Option<Claims> {
        decode::<Claims>(token, &self.decoding, &self.customer_validation).ok().map(|d| d.claims)
    }

    /// Verifies signature, algorithm, issuer, audience and expiry.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        decode::<Claims>(token, &self.decoding, &self.validation).ok().map(|d| d.claims)
    }
}

/// A new random secret: 32 bytes, URL-safe base64.
pub fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A short random identifier, hex.
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut buf);
    hex::encode(buf)
}

/// SHA-256 of a high-entropy token, hex. (Passwords use Argon2; random 256-bit tokens need no stretching.)
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_tokens_verify_and_tampered_ones_do_not() {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef");
        let t = keys.issue("u1", "s1").unwrap();
        let c = keys.verify(&t).unwrap();
        assert_eq!((c.sub.as_str(), c.sid.as_str()), ("u1", "s1"));
        let other = TokenKeys::new(b"another-secret-another-secret-xx");
        assert!(other.verify(&t).is_none());
        let mut parts: Vec<&str> = t.split('.').collect();
        let none_header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        parts[0] = &none_header;
        assert!(keys.verify(&format!("{}.{}.", parts[0], parts[1])).is_none());
    }
}
