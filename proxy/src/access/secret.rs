//! Random secrets and their stored form: every secret the proxy hands out (session ids, API
//! keys, sign-in links) is 256 random bits from the OS, shown once, and stored only as its
//! SHA-256 (they are not passwords, so a fast hash is enough).

use super::AccessError;
use sha2::{Digest, Sha256};

/// `N` random bytes from the operating system.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], AccessError> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|_| AccessError::NoRandom)?;
    Ok(b)
}

/// A new secret: 256 random bits as 64 lowercase hex characters.
pub fn new_secret() -> Result<String, AccessError> {
    Ok(hex::encode(random_bytes::<32>()?))
}

/// What is stored for a secret: its SHA-256.
pub fn stored_form(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_fresh_and_stored_hashed() {
        let (a, b) = (new_secret().unwrap(), new_secret().unwrap());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(stored_form(&a).len(), 32);
        assert_ne!(stored_form(&a), a.as_bytes());
    }
}
