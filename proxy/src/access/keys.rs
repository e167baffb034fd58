//! API keys for scripts and CI (`Authorization: Bearer KEY`): 256 random bits, shown once by
//! `tikhash-proxy keys create`, stored only as their SHA-256.

use super::secret::{new_secret, stored_form};
use super::users::check_name;
use super::{AccessError, Principal, Role, Via};
use crate::ledger::Ledger;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

/// Every key starts with this, so a leaked one is easy to recognise (and to scan for).
pub const PREFIX: &str = "tikhash_";

/// A key as listed by `GET /tikhash/keys` (never the key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyInfo {
    /// The key's name.
    pub name: String,
    /// Its role.
    pub role: Role,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds of its last use, if any.
    pub last_used_at: Option<i64>,
}

/// Creates a key named `name`; returns the key, which is never shown again.
pub fn create(ledger: &Ledger, name: &str, role: Role, now: i64) -> Result<String, AccessError> {
    check_name(name)?;
    let key = format!("{PREFIX}{}", new_secret()?);
    let hash = stored_form(&key);
    let added = ledger.write(|c| {
        c.execute(
            "INSERT OR IGNORE INTO api_keys (name, role, key_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![name, role.as_str(), hash, now],
        )
    })?;
    if added == 0 {
        return Err(AccessError::NameTaken);
    }
    Ok(key)
}

/// The principal of a key, `None` when unknown or revoked. Records its use.
pub fn lookup(ledger: &Ledger, key: &str, now: i64) -> Result<Option<Principal>, AccessError> {
    if !key.starts_with(PREFIX) {
        return Ok(None);
    }
    let hash = stored_form(key);
    let row: Option<(String, String, Option<i64>)> = ledger.read(|c| {
        c.query_row(
            "SELECT name, role, last_used_at FROM api_keys WHERE key_hash = ?1",
            params![hash],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()
    })?;
    let Some((name, role, last_used)) = row else {
        return Ok(None);
    };
    // At most one write a minute per key, so key use does not queue behind long writes.
    if last_used.is_none_or(|t| now - t >= 60) {
        ledger.write(|c| {
            c.execute(
                "UPDATE api_keys SET last_used_at = ?2 WHERE key_hash = ?1",
                params![hash, now],
            )
        })?;
    }
    Ok(Role::parse(&role).map(|role| Principal {
        name,
        role,
        via: Via::ApiKey,
    }))
}

/// Every key, by name.
pub fn list(ledger: &Ledger) -> Result<Vec<KeyInfo>, AccessError> {
    Ok(ledger.read(|c| {
        let mut st = c.prepare_cached(
            "SELECT name, role, created_at, last_used_at FROM api_keys ORDER BY name",
        )?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get(2)?,
                r.get(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (name, role, created_at, last_used_at) = row?;
            if let Some(role) = Role::parse(&role) {
                out.push(KeyInfo {
                    name,
                    role,
                    created_at,
                    last_used_at,
                });
            }
        }
        Ok(out)
    })?)
}

/// Revokes (deletes) a key.
pub fn revoke(ledger: &Ledger, name: &str) -> Result<(), AccessError> {
    let n = ledger.write(|c| c.execute("DELETE FROM api_keys WHERE name = ?1", params![name]))?;
    if n == 0 {
        return Err(AccessError::NoSuchName);
    }
    Ok(())
}
