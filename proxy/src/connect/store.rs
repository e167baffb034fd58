//! The connection's tables (ledger schema version 5): one row for the connection, the token
//! sealed by the [`Vault`]; and the pending OAuth `state`s, stored as SHA-256 only, each
//! bound to the browser that asked (a second random value in a cookie, also stored hashed).
//! Blocking: call from `spawn_blocking`.

use super::connection::{Advertiser, Live};
use super::vault::{Sealed, Vault};
use super::ConnectError;
use crate::access::secret::stored_form;
use crate::ledger::Ledger;
use rusqlite::{params, OptionalExtension};

/// How long a `state` may be used (once), in seconds.
pub const STATE_TTL_SECS: i64 = 10 * 60;

/// Stores `live` (its token sealed) as the connection, replacing any earlier one.
pub fn save(ledger: &Ledger, vault: &Vault, live: &Live) -> Result<(), ConnectError> {
    let token = live
        .token
        .as_ref()
        .ok_or(ConnectError::Damaged("no token to store"))?;
    let sealed = vault.key()?.seal(token.expose().as_bytes())?;
    let advertisers = serde_json::to_string(&live.advertisers)
        .map_err(|_| ConnectError::Damaged("advertisers"))?;
    ledger.write(|c| {
        c.execute(
            "INSERT OR REPLACE INTO tiktok_connection
             (id, token_nonce, token_sealed, advertisers, connected_at, connected_by, needs_reconnect)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                sealed.nonce,
                sealed.ciphertext,
                advertisers,
                live.connected_at,
                live.connected_by,
                live.needs_reconnect
            ],
        )
    })?;
    Ok(())
}

/// The stored connection. A token that does not decrypt (the key changed) gives a connection
/// without a token that needs a reconnect, and a warning in the log.
pub fn load(ledger: &Ledger, vault: &Vault) -> Result<Option<Live>, ConnectError> {
    type Row = (Vec<u8>, Vec<u8>, String, i64, String, bool);
    let row: Option<Row> = ledger.read(|c| {
        c.query_row(
            "SELECT token_nonce, token_sealed, advertisers, connected_at, connected_by, needs_reconnect
             FROM tiktok_connection WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
        )
        .optional()
    })?;
    let Some((nonce, ciphertext, advertisers, connected_at, connected_by, needs_reconnect)) = row
    else {
        return Ok(None);
    };
    let advertisers: Vec<Advertiser> =
        serde_json::from_str(&advertisers).map_err(|_| ConnectError::Damaged("advertisers"))?;
    let opened = vault
        .key()
        .and_then(|k| k.open(&Sealed { nonce, ciphertext }));
    let token = match opened {
        Ok(bytes) => Some(
            String::from_utf8(bytes)
                .map_err(|_| ConnectError::Damaged("token"))?
                .into(),
        ),
        Err(e) => {
            tracing::warn!("TikTok connection: {e}; an admin must reconnect");
            None
        }
    };
    Ok(Some(Live {
        needs_reconnect: needs_reconnect || token.is_none(),
        token,
        advertisers,
        connected_at,
        connected_by,
    }))
}

/// Forgets the connection.
pub fn forget(ledger: &Ledger) -> Result<(), ConnectError> {
    ledger.write(|c| c.execute("DELETE FROM tiktok_connection", []))?;
    Ok(())
}

/// Records that TikTok refused the stored token.
pub fn mark_needs_reconnect(ledger: &Ledger) -> Result<(), ConnectError> {
    ledger.write(|c| c.execute("UPDATE tiktok_connection SET needs_reconnect = 1", []))?;
    Ok(())
}

/// A new `state` (256 random bits) and its browser binding, for `created_by`; valid for
/// [`STATE_TTL_SECS`]. Returns `(state, binding)`; only their hashes are stored.
pub fn issue_state(
    ledger: &Ledger,
    created_by: &str,
    now: i64,
) -> Result<(String, String), ConnectError> {
    let fresh = || crate::access::secret::new_secret().map_err(|_| ConnectError::NoRandom);
    let (state, binding) = (fresh()?, fresh()?);
    ledger.write(|c| {
        c.execute(
            "DELETE FROM oauth_states WHERE expires_at <= ?1",
            params![now],
        )?;
        c.execute(
            "INSERT INTO oauth_states VALUES (?1, ?2, ?3, ?4)",
            params![
                stored_form(&state),
                stored_form(&binding),
                created_by,
                now + STATE_TTL_SECS
            ],
        )
    })?;
    Ok((state, binding))
}

/// Uses up a `state` presented with `binding`: the name of who asked, once, for a live state
/// from the same browser; `None` for an unknown, used, expired or foreign one. The check and
/// the delete are one statement, so two racing callbacks cannot both win.
pub fn redeem_state(
    ledger: &Ledger,
    state: &str,
    binding: &str,
    now: i64,
) -> Result<Option<String>, ConnectError> {
    let who = ledger.write(|c| {
        c.query_row(
            "DELETE FROM oauth_states
             WHERE state_hash = ?1 AND binding_hash = ?2 AND expires_at > ?3
             RETURNING created_by",
            params![stored_form(state), stored_form(binding), now],
            |r| r.get::<_, String>(0),
        )
        .optional()
    })?;
    Ok(who)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connect::vault::SealKey;

    fn vault() -> Vault {
        Vault::new(
            Some(SealKey::random().unwrap()),
            std::path::PathBuf::from("/nonexistent/never-used.key"),
        )
    }

    #[test]
    fn states_are_single_use_bound_and_expire() {
        let l = Ledger::in_memory().unwrap();
        let (s, b) = issue_state(&l, "owner", 100).unwrap();
        assert_eq!(s.len(), 64, "256 bits");
        assert_eq!(redeem_state(&l, &s, "other-browser", 101).unwrap(), None);
        assert_eq!(
            redeem_state(&l, &s, &b, 101).unwrap().as_deref(),
            Some("owner")
        );
        assert_eq!(redeem_state(&l, &s, &b, 102).unwrap(), None, "replayed");
        let (s2, b2) = issue_state(&l, "owner", 100).unwrap();
        assert_eq!(
            redeem_state(&l, &s2, &b2, 100 + STATE_TTL_SECS).unwrap(),
            None,
            "expired"
        );
    }

    #[test]
    fn the_connection_round_trips_and_a_wrong_key_needs_a_reconnect() {
        let l = Ledger::in_memory().unwrap();
        let v = vault();
        let live = Live {
            token: Some("tok-123".into()),
            advertisers: vec![Advertiser {
                advertiser_id: "1".into(),
                advertiser_name: "A".into(),
            }],
            connected_at: 5,
            connected_by: "owner".into(),
            needs_reconnect: false,
        };
        save(&l, &v, &live).unwrap();
        assert_eq!(load(&l, &v).unwrap(), Some(live.clone()));
        let other = load(&l, &vault()).unwrap().unwrap();
        assert!(other.token.is_none() && other.needs_reconnect);
        mark_needs_reconnect(&l).unwrap();
        assert!(load(&l, &v).unwrap().unwrap().needs_reconnect);
        forget(&l).unwrap();
        assert_eq!(load(&l, &v).unwrap(), None);
    }
}
