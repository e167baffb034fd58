//! Users for a team: a name, a role and an Argon2id password hash (PHC string, salt
//! included), added with `tikhash-proxy users add`. Passwords are never stored, logged or
//! echoed.

use super::secret::random_bytes;
use super::{AccessError, Role};
use crate::ledger::Ledger;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

/// The shortest password `users add` takes.
pub const MIN_PASSWORD_CHARS: usize = 8;

/// A user as listed by `GET /tikhash/users` (no hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserInfo {
    /// The sign-in name.
    pub name: String,
    /// The role.
    pub role: Role,
    /// Unix seconds.
    pub created_at: i64,
}

/// Checks a user or key name: 1–64 of `A-Z a-z 0-9 . _ -`.
pub fn check_name(name: &str) -> Result<(), AccessError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(AccessError::BadName)
    }
}

/// An Argon2id hash of `password` (the crate's default parameters, a fresh 16-byte salt).
pub fn hash_password(password: &str) -> Result<String, AccessError> {
    let salt_bytes = random_bytes::<16>()?;
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|_| AccessError::Hashing)?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| AccessError::Hashing)
}

/// True when `password` matches the stored PHC string.
pub fn password_matches(stored: &str, password: &str) -> bool {
    PasswordHash::new(stored)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Adds a user. The name must be free.
pub fn add(
    ledger: &Ledger,
    name: &str,
    role: Role,
    password: &str,
    now: i64,
) -> Result<(), AccessError> {
    check_name(name)?;
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AccessError::WeakPassword {
            min: MIN_PASSWORD_CHARS,
        });
    }
    let hash = hash_password(password)?;
    let added = ledger.write(|c| {
        c.execute(
            "INSERT OR IGNORE INTO users VALUES (?1, ?2, ?3, ?4)",
            params![name, role.as_str(), hash, now],
        )
    })?;
    if added == 0 {
        return Err(AccessError::NameTaken);
    }
    Ok(())
}

/// The user's role when `password` is theirs; `None` for any failure. An unknown name costs
/// the same Argon2 work as a known one, so timing does not tell names apart.
pub fn verify(ledger: &Ledger, name: &str, password: &str) -> Result<Option<Role>, AccessError> {
    let row: Option<(String, String)> = ledger.read(|c| {
        c.query_row(
            "SELECT role, password_hash FROM users WHERE name = ?1",
            params![name],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
    })?;
    match row {
        Some((role, stored)) => Ok(Some(role)
            .filter(|_| password_matches(&stored, password))
            .and_then(|r| Role::parse(&r))),
        None => {
            let _ = password_matches(dummy_hash(), password);
            Ok(None)
        }
    }
}

/// A valid Argon2id hash of nothing anyone knows, to spend the same time on unknown names.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("tikhash: no such user").unwrap_or_default())
}

/// Every user, by name.
pub fn list(ledger: &Ledger) -> Result<Vec<UserInfo>, AccessError> {
    Ok(ledger.read(|c| {
        let mut st = c.prepare_cached("SELECT name, role, created_at FROM users ORDER BY name")?;
        let rows = st.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get(2)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (name, role, created_at) = row?;
            if let Some(role) = Role::parse(&role) {
                out.push(UserInfo {
                    name,
                    role,
                    created_at,
                });
            }
        }
        Ok(out)
    })?)
}

/// How many users exist.
pub fn count(ledger: &Ledger) -> Result<u64, AccessError> {
    Ok(
        ledger.read(|c| c.query_row("SELECT COUNT(*) FROM users", [], |r| r.get::<_, i64>(0)))?
            as u64,
    )
}

/// Removes a user and ends their sessions, in one transaction.
pub fn remove(ledger: &Ledger, name: &str) -> Result<(), AccessError> {
    let removed = ledger.write(|c| {
        let tx = c.transaction()?;
        let n = tx.execute("DELETE FROM users WHERE name = ?1", params![name])?;
        tx.execute(
            "DELETE FROM sessions WHERE name = ?1 AND via = 'password'",
            params![name],
        )?;
        tx.commit()?;
        Ok(n)
    })?;
    if removed == 0 {
        return Err(AccessError::NoSuchName);
    }
    Ok(())
}
