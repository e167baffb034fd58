//! Why an access operation (users, keys, sessions) failed.

use crate::ledger::LedgerError;

/// Why adding, checking or removing a user, key or session failed. Messages never contain a
/// password, a key or a token.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    /// The ledger database failed (the detail is for the log).
    #[error("{0}")]
    Ledger(#[from] LedgerError),
    /// A user or key name is empty, too long, or has characters other than letters, digits,
    /// `.`, `_` and `-`.
    #[error("names are 1 to 64 letters, digits, '.', '_' or '-'")]
    BadName,
    /// The role is not `admin`, `syncer` or `viewer`.
    #[error("the role is admin, syncer or viewer")]
    BadRole,
    /// A user or key with this name already exists.
    #[error("that name is already taken")]
    NameTaken,
    /// No user or key has this name.
    #[error("no such name")]
    NoSuchName,
    /// The password is shorter than [`crate::access::users::MIN_PASSWORD_CHARS`].
    #[error("the password needs at least {min} characters")]
    WeakPassword {
        /// The minimum length in characters.
        min: usize,
    },
    /// Argon2 could not hash the password (bad parameters; should not happen).
    #[error("the password could not be hashed")]
    Hashing,
    /// The operating system gave no random bytes.
    #[error("no random source")]
    NoRandom,
}
