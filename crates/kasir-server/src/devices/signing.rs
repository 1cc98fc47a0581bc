//! The key licence tokens are signed with: Ed25519, generated on first start and kept in the
//! database (`settings`), so that every node signs with the same key, or read from
//! `KASIR_LICENSE_KEY_FILE` (a PKCS#8 PEM, as `openssl genpkey -algorithm ed25519` writes).
//! Devices check tokens offline with the public key (`GET /licenses/public-key`).

use anyhow::Context;
use base64::{
    engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD},
    Engine,
};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use ring::signature::{Ed25519KeyPair, KeyPair};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The setting that holds the generated key (base64 of its PKCS#8 document).
const SETTING: &str = "license_signing_key";

/// The licence signing key and what is published of it.
#[derive(Clone)]
pub struct LicenseKeys {
    encoding: EncodingKey,
    /// The key's id in token headers and the JWK: the first 16 hex digits of the public key's SHA-256.
    pub kid: String,
    /// The public key as SubjectPublicKeyInfo PEM.
    pub public_key_pem: String,
    /// The raw public key, base64url (the JWK's `x`).
    pub x: String,
}

impl std::fmt::Debug for LicenseKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LicenseKeys").field("kid", &self.kid).finish_non_exhaustive()
    }
}

fn pem(label: &str, der: &[u8]) -> String {
    let b64 = STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

fn unpem(text: &str) -> Option<Vec<u8>> {
    let body: String = text.lines().filter(|l| !l.starts_with("-----")).map(str::trim).collect();
    STANDARD.decode(body).ok()
}

impl LicenseKeys {
    /// Loads the key from `file`, or from the database (generating it on first start).
    pub async fn load(db: &kasir_store::Db, file: Option<&std::path::Path>) -> anyhow::Result<LicenseKeys> {
        let pkcs8 = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("reading KASIR_LICENSE_KEY_FILE {}", path.display()))?;
                unpem(&text).context("KASIR_LICENSE_KEY_FILE is not a PEM file")?
            }
            None => {
                let fresh = Ed25519KeyPair::generate_pkcs8(&ring::rand::SystemRandom::new())
                    .map_err(|_| anyhow::anyhow!("generating the licence signing key"))?;
                let stored =
                    kasir_store::platform::settings::get_or_insert(db, SETTING, &STANDARD.encode(fresh.as_ref()))
                        .await
                        .context("reading the licence signing key")?;
                STANDARD.decode(stored).context("the stored licence signing key is not base64")?
            }
        };
        LicenseKeys::from_pkcs8(&pkcs8)
    }

    pub fn from_pkcs8(pkcs8: &[u8]) -> anyhow::Result<LicenseKeys> {
        let pair = Ed25519KeyPair::from_pkcs8_maybe_unchecked(pkcs8)
            .map_err(|e| anyhow::anyhow!("the licence signing key is not an Ed25519 PKCS#8 key: {e}"))?;
        let public = pair.public_key().as_ref();
        // SubjectPublicKeyInfo of an Ed25519 key (RFC 8410): a fixed prefix, then the 32 bytes.
        let mut spki = vec![0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];
        spki.extend_from_slice(public);
        let encoding = EncodingKey::from_ed_pem(pem("PRIVATE KEY", pkcs8).as_bytes())
            .context("loading the licence signing key")?;
        Ok(LicenseKeys {
            encoding,
            kid: hex::encode(&Sha256::digest(public)[..8]),
            public_key_pem: pem("PUBLIC KEY", &spki),
            x: URL_SAFE_NO_PAD.encode(public),
        })
    }

    /// Signs `claims` as a JWT with EdDSA, naming this key.
    pub fn sign<T: Serialize>(&self, claims: &T) -> Result<String, jsonwebtoken::errors::Error> {
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding)
    }

    /// The public key as a JWK (RFC 8037).
    pub fn jwk(&self) -> serde_json::Value {
        serde_json::json!({"kty": "OKP", "crv": "Ed25519", "x": self.x, "kid": self.kid, "alg": "EdDSA", "use": "sig"})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_verify_with_the_published_key_only() {
        let doc = Ed25519KeyPair::generate_pkcs8(&ring::rand::SystemRandom::new()).unwrap();
        let keys = LicenseKeys::from_pkcs8(doc.as_ref()).unwrap();
        let token = keys.sign(&serde_json::json!({"sub": "d1", "exp": 4_000_000_000u64})).unwrap();
        let mut v = jsonwebtoken::Validation::new(Algorithm::EdDSA);
        v.required_spec_claims = ["exp".to_string()].into();
        let public = jsonwebtoken::DecodingKey::from_ed_pem(keys.public_key_pem.as_bytes()).unwrap();
        let claims = jsonwebtoken::decode::<serde_json::Value>(&token, &public, &v).unwrap().claims;
        assert_eq!(claims["sub"], "d1");
        assert_eq!(jsonwebtoken::decode_header(&token).unwrap().kid.as_deref(), Some(keys.kid.as_str()));
        let jwk = jsonwebtoken::DecodingKey::from_ed_components(&keys.x).unwrap();
        assert!(jsonwebtoken::decode::<serde_json::Value>(&token, &jwk, &v).is_ok());
        let other =
            LicenseKeys::from_pkcs8(Ed25519KeyPair::generate_pkcs8(&ring::rand::SystemRandom::new()).unwrap().as_ref())
                .unwrap();
        let theirs = jsonwebtoken::DecodingKey::from_ed_pem(other.public_key_pem.as_bytes()).unwrap();
        assert!(jsonwebtoken::decode::<serde_json::Value>(&token, &theirs, &v).is_err());
    }
}
