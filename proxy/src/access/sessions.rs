//! Sessions (a random id in an `HttpOnly; SameSite=Strict` cookie, stored as its SHA-256,
//! with an expiry) and the one-time sign-in link printed at start-up.

use super::secret::{new_secret, stored_form};
use super::{AccessError, Principal, Role, Via};
use crate::ledger::Ledger;
use rusqlite::{params, OptionalExtension};

/// The session cookie's name.
pub const COOKIE: &str = "tikhash_session";

/// How long a printed sign-in link may be used (once).
pub const LINK_TTL_SECS: i64 = 15 * 60;

/// The owner's name: whoever holds the printed sign-in link.
pub const OWNER: &str = "owner";

/// Starts a session for `name` with `role`; returns the new session id (for the cookie only).
pub fn create(
    ledger: &Ledger,
    name: &str,
    role: Role,
    via: Via,
    now: i64,
    ttl_secs: i64,
) -> Result<String, AccessError> {
    let id = new_secret()?;
    let hash = stored_form(&id);
    ledger.write(|c| {
        // Expired sessions are dropped here, so the table does not grow without bound.
        c.execute("DELETE FROM sessions WHERE expires_at <= ?1", params![now])?;
        c.execute(
            "INSERT INTO sessions VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![hash, name, role.as_str(), via.as_str(), now, now + ttl_secs],
        )
    })?;
    Ok(id)
}

/// The principal of a live session, `None` when unknown, expired or ended.
pub fn lookup(ledger: &Ledger, id: &str, now: i64) -> Result<Option<Principal>, AccessError> {
    let hash = stored_form(id);
    let row: Option<(String, String, String)> = ledger.read(|c| {
        c.query_row(
            "SELECT name, role, via FROM sessions WHERE id_hash = ?1 AND expires_at > ?2",
            params![hash, now],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()
    })?;
    Ok(row.and_then(|(name, role, via)| {
        Some(Principal {
            name,
            role: Role::parse(&role)?,
            via: Via::parse(&via)?,
        })
    }))
}

/// Ends a session (sign out). Unknown ids are ignored.
pub fn end(ledger: &Ledger, id: &str) -> Result<(), AccessError> {
    let hash = stored_form(id);
    ledger.write(|c| c.execute("DELETE FROM sessions WHERE id_hash = ?1", params![hash]))?;
    Ok(())
}

/// Issues a one-time sign-in link token, valid for [`LINK_TTL_SECS`].
pub fn issue_link(ledger: &Ledger, now: i64) -> Result<String, AccessError> {
    let token = new_secret()?;
    let hash = stored_form(&token);
    ledger.write(|c| {
        c.execute(
            "DELETE FROM login_links WHERE expires_at <= ?1",
            params![now],
        )?;
        c.execute(
            "INSERT INTO login_links VALUES (?1, ?2)",
            params![hash, now + LINK_TTL_SECS],
        )
    })?;
    Ok(token)
}

/// Uses up a sign-in link token: true once for a live token, false ever after (the row is
/// deleted in the same statement that checks it, so two racing trades cannot both win).
pub fn redeem_link(ledger: &Ledger, token: &str, now: i64) -> Result<bool, AccessError> {
    let hash = stored_form(token);
    let n = ledger.write(|c| {
        c.execute(
            "DELETE FROM login_links WHERE token_hash = ?1 AND expires_at > ?2",
            params![hash, now],
        )
    })?;
    Ok(n == 1)
}
