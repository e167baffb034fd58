//! The key that encrypts the TikTok token at rest, and the encryption itself:
//! XChaCha20-Poly1305 (`chacha20poly1305`), a fresh random 192-bit nonce per write, so the
//! database file holds only the nonce and the ciphertext.
//!
//! The key is `TIKHASH_SECRET_KEY` (64 hex characters) or, when unset, a key file beside the
//! database (`<TIKHASH_DB>.key`), created on first use with mode 0600 and refused when other
//! users may read it. The key file is made only when a token is first stored, so a proxy that
//! never connects leaves no key behind.

use super::ConnectError;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Bound into every ciphertext, so a sealed token cannot be passed off as anything else.
const ASSOCIATED_DATA: &[u8] = b"tikhash-proxy tiktok access token v1";

/// A 256-bit key. Its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct SealKey([u8; 32]);

impl std::fmt::Debug for SealKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealKey(<redacted>)")
    }
}

/// A sealed value: the nonce and the ciphertext (tag included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    /// 24 random bytes.
    pub nonce: Vec<u8>,
    /// The ciphertext with its 16-byte tag.
    pub ciphertext: Vec<u8>,
}

impl SealKey {
    /// Parses 64 hex characters (either case).
    pub fn from_hex(s: &str) -> Option<SealKey> {
        let bytes = hex::decode(s.trim()).ok()?;
        Some(SealKey(bytes.try_into().ok()?))
    }

    /// A new random key.
    pub fn random() -> Result<SealKey, ConnectError> {
        let mut b = [0u8; 32];
        getrandom::fill(&mut b).map_err(|_| ConnectError::NoRandom)?;
        Ok(SealKey(b))
    }

    /// Encrypts `plaintext` under a fresh nonce.
    pub fn seal(&self, plaintext: &[u8]) -> Result<Sealed, ConnectError> {
        let mut nonce = [0u8; 24];
        getrandom::fill(&mut nonce).map_err(|_| ConnectError::NoRandom)?;
        let cipher = XChaCha20Poly1305::new((&self.0).into());
        let ciphertext = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: ASSOCIATED_DATA,
                },
            )
            .map_err(|_| ConnectError::Unsealable)?;
        Ok(Sealed {
            nonce: nonce.to_vec(),
            ciphertext,
        })
    }

    /// Decrypts and authenticates `sealed`.
    pub fn open(&self, sealed: &Sealed) -> Result<Vec<u8>, ConnectError> {
        if sealed.nonce.len() != 24 {
            return Err(ConnectError::Undecryptable);
        }
        let cipher = XChaCha20Poly1305::new((&self.0).into());
        cipher
            .decrypt(
                XNonce::from_slice(&sealed.nonce),
                Payload {
                    msg: &sealed.ciphertext,
                    aad: ASSOCIATED_DATA,
                },
            )
            .map_err(|_| ConnectError::Undecryptable)
    }
}

/// Where the key comes from, resolved on first use and then kept; cloning shares it.
#[derive(Debug, Clone)]
pub struct Vault {
    configured: Option<SealKey>,
    key_file: PathBuf,
    cached: Arc<Mutex<Option<SealKey>>>,
}

/// The key file of the database at `db_path`: the same name with `.key` added.
pub fn key_file_for(db_path: &Path) -> PathBuf {
    let mut name = db_path.as_os_str().to_owned();
    name.push(".key");
    PathBuf::from(name)
}

impl Vault {
    /// A vault using `configured` (`TIKHASH_SECRET_KEY`) or else `key_file`.
    pub fn new(configured: Option<SealKey>, key_file: PathBuf) -> Vault {
        Vault {
            configured,
            key_file,
            cached: Arc::default(),
        }
    }

    /// The key file this vault uses when no key is configured.
    pub fn key_file(&self) -> &Path {
        &self.key_file
    }

    /// The key: the configured one, or the key file's (created when missing).
    pub fn key(&self) -> Result<SealKey, ConnectError> {
        if let Some(k) = &self.configured {
            return Ok(k.clone());
        }
        let mut cached = match self.cached.lock() {
            Ok(c) => c,
            Err(p) => p.into_inner(),
        };
        if let Some(k) = cached.as_ref() {
            return Ok(k.clone());
        }
        let key = load_or_create(&self.key_file)?;
        *cached = Some(key.clone());
        Ok(key)
    }
}

fn key_file_error(path: &Path, e: std::io::Error) -> ConnectError {
    ConnectError::KeyFile {
        path: path.display().to_string(),
        reason: e.kind().to_string(),
    }
}

/// Reads the key file, or creates it (mode 0600, never overwriting one that appeared
/// meanwhile).
fn load_or_create(path: &Path) -> Result<SealKey, ConnectError> {
    use std::io::Write;
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(mut f) => {
            let key = SealKey::random()?;
            f.write_all(hex::encode(key.0).as_bytes())
                .and_then(|()| f.sync_all())
                .map_err(|e| key_file_error(path, e))?;
            tracing::info!(key_file = %path.display(), "created the key that encrypts the TikTok token");
            Ok(key)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let meta = std::fs::metadata(path).map_err(|e| key_file_error(path, e))?;
            if meta.permissions().mode() & 0o077 != 0 {
                return Err(ConnectError::KeyFileTooOpen {
                    path: path.display().to_string(),
                });
            }
            let text = std::fs::read_to_string(path).map_err(|e| key_file_error(path, e))?;
            SealKey::from_hex(&text).ok_or_else(|| ConnectError::BadKeyFile {
                path: path.display().to_string(),
            })
        }
        Err(e) => Err(key_file_error(path, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn seal_and_open_round_trip_and_tampering_is_refused() {
        let k = SealKey::random().unwrap();
        let s = k.seal(b"the-token").unwrap();
        assert!(!s.ciphertext.windows(9).any(|w| w == b"the-token"));
        assert_eq!(k.open(&s).unwrap(), b"the-token");
        let mut bad = s.clone();
        bad.ciphertext[0] ^= 1;
        assert!(matches!(k.open(&bad), Err(ConnectError::Undecryptable)));
        let other = SealKey::random().unwrap();
        assert!(other.open(&s).is_err());
        assert_ne!(k.seal(b"the-token").unwrap().nonce, s.nonce, "fresh nonces");
        assert!(!format!("{k:?}").contains(&hex::encode(k.0)));
    }

    #[test]
    fn the_key_file_is_created_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = key_file_for(&dir.path().join("ledger.db"));
        assert!(path.ends_with("ledger.db.key"));
        let a = Vault::new(None, path.clone()).key().unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let b = Vault::new(None, path.clone()).key().unwrap();
        assert_eq!(a, b, "a restart reads the same key");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let e = Vault::new(None, path.clone()).key().unwrap_err();
        assert!(matches!(e, ConnectError::KeyFileTooOpen { .. }), "{e}");
        let configured = SealKey::from_hex(&"ab".repeat(32)).unwrap();
        assert_eq!(
            Vault::new(Some(configured.clone()), path).key().unwrap(),
            configured
        );
        assert!(SealKey::from_hex("abc").is_none());
    }
}
