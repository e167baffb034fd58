//! Why keeping the TikTok connection failed. The texts go to the log only (clients get
//! [`crate::AppError::Vault`]) and never hold the token, the key or the app secret.

/// A failure of the vault or of the connection's tables.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// The ledger database failed.
    #[error("{0}")]
    Ledger(#[from] crate::ledger::LedgerError),
    /// The key file could not be created or read.
    #[error("key file {path}: {reason}")]
    KeyFile {
        /// The key file's path (not secret).
        path: String,
        /// What went wrong, in words.
        reason: String,
    },
    /// The key file holds something other than 64 hex characters.
    #[error("key file {path} does not hold a 256-bit key as 64 hex characters")]
    BadKeyFile {
        /// The key file's path.
        path: String,
    },
    /// The key file may be read by other users of the machine.
    #[error("key file {path} is readable by other users; run chmod 600 on it")]
    KeyFileTooOpen {
        /// The key file's path.
        path: String,
    },
    /// The stored token does not open with this key (another key, or a damaged row).
    #[error("the stored TikTok token cannot be decrypted with this key")]
    Undecryptable,
    /// Encryption failed (the AEAD refused; does not happen with a 32-byte key).
    #[error("the TikTok token could not be encrypted")]
    Unsealable,
    /// The operating system gave no random bytes.
    #[error("no random source")]
    NoRandom,
    /// A stored column is not what this proxy writes.
    #[error("the stored TikTok connection is damaged: {0}")]
    Damaged(&'static str),
}
