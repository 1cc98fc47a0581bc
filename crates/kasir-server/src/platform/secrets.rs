//! Secrets kept in the database (payment gateway keys) are sealed with AES-256-GCM under a key
//! derived from `KASIR_SECRET_KEY`, bound to where they are kept (the tenant and field), so a
//! sealed value copied to another row does not open. Sealed text: `v1.` + base64url(nonce ‖
//! ciphertext ‖ tag). Without `KASIR_SECRET_KEY` nothing can be sealed or opened.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use ring::{
    aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN},
    rand::{SecureRandom, SystemRandom},
};
use sha2::{Digest, Sha256};

/// Seals and opens stored secrets.
pub struct Sealer {
    key: LessSafeKey,
    rng: SystemRandom,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(..)")
    }
}

/// A sealed value that does not open: another key, another place, or damage.
#[derive(Debug, thiserror::Error)]
#[error("a stored secret does not open with this server's KASIR_SECRET_KEY")]
pub struct Unopenable;

impl Sealer {
    pub fn new(secret_key: &str) -> Sealer {
        let mut h = Sha256::new();
        h.update(b"kasir-sealed-secrets-v1\0");
        h.update(secret_key.as_bytes());
        let key = UnboundKey::new(&AES_256_GCM, &h.finalize()).expect("a 32-byte key");
        Sealer { key: LessSafeKey::new(key), rng: SystemRandom::new() }
    }

    /// Seals `plain` for the place `context` names.
    pub fn seal(&self, context: &str, plain: &str) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        self.rng.fill(&mut nonce).expect("the system's random source");
        let mut data = plain.as_bytes().to_vec();
        self.key
            .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::from(context.as_bytes()), &mut data)
            .expect("sealing cannot fail for in-memory data");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&data);
        format!("v1.{}", URL_SAFE_NO_PAD.encode(out))
    }

    /// Opens what [`Sealer::seal`] made for the same `context`.
    pub fn open(&self, context: &str, sealed: &str) -> Result<String, Unopenable> {
        let raw = sealed.strip_prefix("v1.").ok_or(Unopenable)?;
        let mut bytes = URL_SAFE_NO_PAD.decode(raw).map_err(|_| Unopenable)?;
        if bytes.len() < NONCE_LEN {
            return Err(Unopenable);
        }
        let mut data = bytes.split_off(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(&bytes).map_err(|_| Unopenable)?;
        let plain = self.key.open_in_place(nonce, Aad::from(context.as_bytes()), &mut data).map_err(|_| Unopenable)?;
        String::from_utf8(plain.to_vec()).map_err(|_| Unopenable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_secret_opens_only_with_its_key_and_place() {
        let s = Sealer::new("a-very-long-secret-key-of-the-server-0001");
        let sealed = s.seal("t1:secret_key", "xnd_development_abc");
        assert!(!sealed.contains("xnd_development_abc"));
        assert_ne!(sealed, s.seal("t1:secret_key", "xnd_development_abc"), "a fresh nonce each time");
        assert_eq!(s.open("t1:secret_key", &sealed).unwrap(), "xnd_development_abc");
        assert!(s.open("t2:secret_key", &sealed).is_err());
        assert!(Sealer::new("another-very-long-secret-key-of-a-server").open("t1:secret_key", &sealed).is_err());
        assert!(s.open("t1:secret_key", "v1.AAAA").is_err());
        assert!(s.open("t1:secret_key", "plain").is_err());
    }
}
