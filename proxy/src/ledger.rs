//! The sync ledger: per advertiser and audience, the digests TikTok acknowledged, and the
//! time of the last customer-file REPLACE (design.md, "The proxy"); since schema version 2
//! also the proxy's users, API keys, sessions and audit log (`crate::access`).
//!
//! One SQLite file in WAL mode, digests stored as blobs (32 bytes, 16 for MD5). Every
//! change is one transaction, made only after TikTok (or the sandbox) answered `code: 0`,
//! so a crash or a failed call between forwarding and acknowledging changes nothing.
//! Writes go through one connection and reads through another, so a long write (a
//! 1M-line customer file) never stalls reads: WAL readers see the last commit.
//! Methods block; call them from `spawn_blocking`.

use crate::guard::{algorithm_of, FileAction, MappingAction, MappingPlan};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// Handle on the ledger database; cloning shares the connections.
#[derive(Clone)]
pub struct Ledger {
    writer: Arc<Mutex<Connection>>,
    reader: Arc<Mutex<Connection>>,
}

impl std::fmt::Debug for Ledger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Ledger")
    }
}

/// Why the ledger failed. The text is for the log only: clients get a generic answer.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// SQLite reported an error.
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A previous panic poisoned the connection lock.
    #[error("ledger lock poisoned")]
    Poisoned,
    /// The operating system gave no random bytes.
    #[error("no random source")]
    NoRandom,
    /// The file was written by a newer tikhash-proxy (its `user_version` is higher than
    /// this binary knows).
    #[error("ledger schema version {found} is newer than this proxy's {supported}")]
    TooNew {
        /// The file's `PRAGMA user_version`.
        found: i64,
        /// The newest version this binary migrates to.
        supported: i64,
    },
}

/// What `GET /tikhash/ledger/{advertiser_id}/{audience_id}` answers in `data`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Summary {
    /// The advertiser.
    pub advertiser_id: String,
    /// The audience.
    pub audience_id: String,
    /// Acknowledged members per id type.
    pub members: BTreeMap<String, u64>,
    /// Unix seconds of the last acknowledged REPLACE.
    pub last_replace_at: Option<i64>,
    /// Unix seconds of the last acknowledged change.
    pub updated_at: Option<i64>,
}

/// What an acknowledged customer-file create or update did to the ledger.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FileOutcome {
    /// Files whose digests were applied.
    pub files_applied: usize,
    /// File paths the ledger had never seen (uploaded elsewhere or already used).
    pub files_unknown: usize,
    /// Digests applied.
    pub digests: usize,
}

/// The answer of [`Ledger::reserve_replace`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplaceCheck {
    /// The REPLACE may go ahead; give the slot back with [`Ledger::release_replace`] once
    /// TikTok has answered (after applying an acknowledged REPLACE).
    Reserved(ReplaceReservation),
    /// A REPLACE was acknowledged, or is under way (possibly in another process), less than
    /// the interval ago.
    TooSoon {
        /// Unix seconds from which a REPLACE is allowed again.
        retry_after: i64,
    },
}

/// A held REPLACE slot of one audience (see [`Ledger::reserve_replace`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplaceReservation {
    /// The advertiser.
    pub advertiser_id: String,
    /// The audience.
    pub audience_id: String,
    /// Random, so that only the holder releases it.
    token: Vec<u8>,
}

/// A reserved REPLACE slot that is given back by [`HeldReplace::release`] or, if the request
/// is dropped first (the client went away), when dropped, so a cancelled request does not
/// block REPLACEs for [`REPLACE_RESERVATION_SECS`].
#[derive(Debug)]
pub struct HeldReplace {
    ledger: Ledger,
    reservation: Option<ReplaceReservation>,
}

impl HeldReplace {
    /// Holds `reservation`, to be released on `ledger`.
    pub fn new(ledger: Ledger, reservation: ReplaceReservation) -> HeldReplace {
        HeldReplace {
            ledger,
            reservation: Some(reservation),
        }
    }

    /// Gives the slot back and waits until that is written.
    pub async fn release(mut self) {
        if let Some(r) = self.reservation.take() {
            let ledger = self.ledger.clone();
            match tokio::task::spawn_blocking(move || ledger.release_replace(&r)).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => tracing::error!("ledger: releasing a REPLACE slot: {e}"),
                Err(e) => tracing::error!("ledger: releasing a REPLACE slot: {e}"),
            }
        }
    }
}

impl Drop for HeldReplace {
    fn drop(&mut self) {
        let Some(r) = self.reservation.take() else {
            return;
        };
        let ledger = self.ledger.clone();
        let release = move || {
            if let Err(e) = ledger.release_replace(&r) {
                tracing::error!("ledger: releasing a REPLACE slot: {e}");
            }
        };
        match tokio::runtime::Handle::try_current() {
            Ok(h) => {
                h.spawn_blocking(release);
            }
            Err(_) => release(),
        }
    }
}

/// How long a REPLACE reservation blocks other REPLACEs if its holder never releases it
/// (a crash between the check and TikTok's answer): longer than any upstream call.
pub const REPLACE_RESERVATION_SECS: i64 = 15 * 60;

/// Schema migrations, applied in order; `PRAGMA user_version` is the number applied. Version
/// 1 is the ledger as it was before versioning (such files have `user_version` 0 and these
/// tables already, hence `IF NOT EXISTS`).
const MIGRATIONS: [&str; 6] = [
    // 1: digests, audiences, uploaded files.
    "
CREATE TABLE IF NOT EXISTS audiences (
    advertiser_id   TEXT NOT NULL,
    audience_id     TEXT NOT NULL,
    last_replace_at INTEGER,
    updated_at      INTEGER,
    PRIMARY KEY (advertiser_id, audience_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS members (
    advertiser_id TEXT NOT NULL,
    audience_id   TEXT NOT NULL,
    id_type       TEXT NOT NULL,
    digest        BLOB NOT NULL,
    PRIMARY KEY (advertiser_id, audience_id, id_type, digest)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS pending_files (
    file_path      TEXT PRIMARY KEY,
    advertiser_id  TEXT NOT NULL,
    calculate_type TEXT NOT NULL,
    uploaded_at    INTEGER NOT NULL,
    digests        BLOB NOT NULL
);
",
    // 2: access control. Secrets are stored only as hashes: Argon2id PHC strings for
    // passwords, SHA-256 for random keys, session ids and sign-in links.
    "
CREATE TABLE users (
    name          TEXT PRIMARY KEY,
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE TABLE api_keys (
    name         TEXT PRIMARY KEY,
    role         TEXT NOT NULL,
    key_hash     BLOB NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER
);
CREATE TABLE sessions (
    id_hash    BLOB PRIMARY KEY,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL,
    via        TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_by_name ON sessions (name);
CREATE TABLE login_links (
    token_hash BLOB PRIMARY KEY,
    expires_at INTEGER NOT NULL
);
",
    // 3: the audit log (who did what; never a value or a digest).
    "
CREATE TABLE audit_log (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    at                INTEGER NOT NULL,
    who               TEXT NOT NULL,
    via               TEXT NOT NULL,
    method            TEXT NOT NULL,
    route             TEXT NOT NULL,
    advertiser_id     TEXT,
    audience_id       TEXT,
    count             INTEGER,
    tiktok_request_id TEXT,
    status            INTEGER NOT NULL,
    code              INTEGER
);
",
    // 4: a REPLACE under way, so two processes on one file cannot both REPLACE.
    "
ALTER TABLE audiences ADD COLUMN replace_reserved_at INTEGER;
ALTER TABLE audiences ADD COLUMN replace_reservation BLOB;
",
    // 5 (connect): the TikTok connection (the token only sealed, see `connect::vault`), the
    // pending OAuth states (hashes only) and the run history (counts and ids, never a value).
    "
CREATE TABLE tiktok_connection (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    token_nonce     BLOB NOT NULL,
    token_sealed    BLOB NOT NULL,
    advertisers     TEXT NOT NULL,
    connected_at    INTEGER NOT NULL,
    connected_by    TEXT NOT NULL,
    needs_reconnect INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE oauth_states (
    state_hash   BLOB PRIMARY KEY,
    binding_hash BLOB NOT NULL,
    created_by   TEXT NOT NULL,
    expires_at   INTEGER NOT NULL
);
CREATE TABLE runs (
    id            TEXT PRIMARY KEY,
    who           TEXT NOT NULL,
    started_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    finished_at   INTEGER,
    object        TEXT NOT NULL,
    behaviour     TEXT NOT NULL,
    advertiser_id TEXT NOT NULL,
    audience_id   TEXT,
    audience_name TEXT,
    rows_read     INTEGER NOT NULL DEFAULT 0,
    rows_sent     INTEGER NOT NULL DEFAULT 0,
    rows_added    INTEGER NOT NULL DEFAULT 0,
    rows_removed  INTEGER NOT NULL DEFAULT 0,
    rejected      TEXT NOT NULL DEFAULT '{}',
    request_ids   TEXT NOT NULL DEFAULT '[]',
    result        TEXT,
    error_status  INTEGER,
    error_code    INTEGER,
    error_message TEXT,
    duration_ms   INTEGER
);
CREATE INDEX runs_by_start ON runs (started_at);
",
    // 6: a failed run keeps TikTok's own `message` beside our plain-language title.
    "
ALTER TABLE runs ADD COLUMN tiktok_message TEXT;
",
];

/// The schema version this binary writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings `conn` to [`SCHEMA_VERSION`], one `BEGIN IMMEDIATE` transaction per step, so two
/// processes opening one old file at once migrate it once.
fn migrate(conn: &mut Connection) -> Result<(), LedgerError> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(LedgerError::TooNew {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate() {
        let version = i as i64 + 1;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Re-read under the write lock: another process may have migrated meanwhile.
        let current: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if current < version {
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", version)?;
        }
        tx.commit()?;
    }
    Ok(())
}

impl Ledger {
    /// Opens (creating if needed) the ledger file and migrates it to [`SCHEMA_VERSION`].
    pub fn open(path: &Path) -> Result<Ledger, LedgerError> {
        let mut writer = Connection::open(path)?;
        writer.busy_timeout(std::time::Duration::from_secs(5))?;
        writer.pragma_update(None, "journal_mode", "WAL")?;
        writer.pragma_update(None, "synchronous", "FULL")?;
        migrate(&mut writer)?;
        let reader = Connection::open(path)?;
        reader.busy_timeout(std::time::Duration::from_secs(5))?;
        reader.pragma_update(None, "query_only", true)?;
        Ok(Ledger {
            writer: Arc::new(Mutex::new(writer)),
            reader: Arc::new(Mutex::new(reader)),
        })
    }

    /// An in-memory ledger (tests, benchmarks); reads share its one connection.
    pub fn in_memory() -> Result<Ledger, LedgerError> {
        let mut conn = Connection::open_in_memory()?;
        migrate(&mut conn)?;
        let conn = Arc::new(Mutex::new(conn));
        Ok(Ledger {
            writer: conn.clone(),
            reader: conn,
        })
    }

    /// Runs `f` on the writer connection.
    pub(crate) fn write<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, rusqlite::Error>,
    ) -> Result<T, LedgerError> {
        let mut conn = self.writer.lock().map_err(|_| LedgerError::Poisoned)?;
        Ok(f(&mut conn)?)
    }

    /// Runs `f` on the read connection, which never waits for a write in progress.
    pub(crate) fn read<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, rusqlite::Error>,
    ) -> Result<T, LedgerError> {
        let mut conn = self.reader.lock().map_err(|_| LedgerError::Poisoned)?;
        Ok(f(&mut conn)?)
    }

    /// The file's schema version (`PRAGMA user_version`).
    pub fn schema_version(&self) -> Result<i64, LedgerError> {
        self.read(|c| c.query_row("PRAGMA user_version", [], |r| r.get(0)))
    }

    /// The REPLACE check and its reservation in one `BEGIN IMMEDIATE` transaction: refused
    /// when the last acknowledged REPLACE of this audience is less than `interval_secs` old,
    /// or when another REPLACE (from this or another process on the same file) holds the
    /// slot and is younger than [`REPLACE_RESERVATION_SECS`]; otherwise the slot is taken.
    pub fn reserve_replace(
        &self,
        advertiser_id: &str,
        audience_id: &str,
        now: i64,
        interval_secs: i64,
    ) -> Result<ReplaceCheck, LedgerError> {
        let token = crate::access::secret::random_bytes::<16>()
            .map_err(|_| LedgerError::NoRandom)?
            .to_vec();
        self.write(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let row: Option<(Option<i64>, Option<i64>)> = tx
                .query_row(
                    "SELECT last_replace_at, replace_reserved_at FROM audiences WHERE advertiser_id = ?1 AND audience_id = ?2",
                    params![advertiser_id, audience_id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let (last, reserved) = row.unwrap_or((None, None));
            if let Some(t) = last.filter(|t| now - t < interval_secs) {
                return Ok(ReplaceCheck::TooSoon {
                    retry_after: t + interval_secs,
                });
            }
            if let Some(t) = reserved.filter(|t| now - t < REPLACE_RESERVATION_SECS) {
                return Ok(ReplaceCheck::TooSoon {
                    retry_after: t + REPLACE_RESERVATION_SECS,
                });
            }
            tx.execute(
                "INSERT INTO audiences (advertiser_id, audience_id, replace_reserved_at, replace_reservation)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (advertiser_id, audience_id) DO UPDATE SET
                   replace_reserved_at = ?3, replace_reservation = ?4",
                params![advertiser_id, audience_id, now, token],
            )?;
            tx.commit()?;
            Ok(ReplaceCheck::Reserved(ReplaceReservation {
                advertiser_id: advertiser_id.to_string(),
                audience_id: audience_id.to_string(),
                token,
            }))
        })
    }

    /// Gives a REPLACE slot back (TikTok answered, or the request failed). Only the holder's
    /// own reservation is cleared; an acknowledged REPLACE is recorded by
    /// [`Ledger::apply_files`] before this, so the 24 h rule takes over without a gap.
    pub fn release_replace(&self, r: &ReplaceReservation) -> Result<(), LedgerError> {
        self.write(|conn| {
            conn.execute(
                "UPDATE audiences SET replace_reserved_at = NULL, replace_reservation = NULL
                 WHERE advertiser_id = ?1 AND audience_id = ?2 AND replace_reservation = ?3",
                params![r.advertiser_id, r.audience_id, r.token],
            )?;
            Ok(())
        })
    }

    /// Applies an acknowledged `segment/mapping/` add or delete, row by row, to every
    /// (advertiser, audience) pair it names. Returns the number of digests applied.
    pub fn apply_mapping(&self, plan: &MappingPlan, now: i64) -> Result<usize, LedgerError> {
        self.write(|conn| {
            let tx = conn.transaction()?;
            let mut n = 0;
            {
                let mut add = tx.prepare_cached(
                    "INSERT OR IGNORE INTO members VALUES (?1, ?2, ?3, ?4)",
                )?;
                let mut del = tx.prepare_cached(
                    "DELETE FROM members WHERE advertiser_id = ?1 AND audience_id = ?2 AND id_type = ?3 AND digest = ?4",
                )?;
                for cell in &plan.cells {
                    for adv in &plan.advertiser_ids {
                        for aud in &cell.audience_ids {
                            let p = params![adv, aud, cell.id_type, cell.digest];
                            match plan.action {
                                MappingAction::Add => add.execute(p)?,
                                MappingAction::Delete => del.execute(p)?,
                            };
                            n += 1;
                        }
                    }
                }
                for adv in &plan.advertiser_ids {
                    for aud in plan.audiences() {
                        touch(&tx, adv, &aud, now, false)?;
                    }
                }
            }
            tx.commit()?;
            Ok(n)
        })
    }

    /// Remembers an acknowledged upload's digests under the `file_path` TikTok returned,
    /// until a create or update uses it.
    pub fn remember_file(
        &self,
        file_path: &str,
        advertiser_id: &str,
        calculate_type: &str,
        digests: &[Vec<u8>],
        now: i64,
    ) -> Result<(), LedgerError> {
        let blob: Vec<u8> = digests.concat();
        self.write(|conn| {
            conn.execute(
                "INSERT OR REPLACE INTO pending_files VALUES (?1, ?2, ?3, ?4, ?5)",
                params![file_path, advertiser_id, calculate_type, now, blob],
            )?;
            Ok(())
        })
    }

    /// Applies an acknowledged create (as APPEND to an empty audience) or update.
    pub fn apply_files(
        &self,
        advertiser_id: &str,
        audience_id: &str,
        action: FileAction,
        file_paths: &[String],
        now: i64,
    ) -> Result<FileOutcome, LedgerError> {
        self.write(|conn| {
            let tx = conn.transaction()?;
            let mut out = FileOutcome::default();
            let mut files: Vec<(String, Vec<u8>)> = Vec::new();
            {
                let mut get = tx.prepare_cached(
                    "SELECT calculate_type, digests FROM pending_files WHERE file_path = ?1 AND advertiser_id = ?2",
                )?;
                for p in file_paths {
                    let row = get
                        .query_row(params![p, advertiser_id], |r| {
                            Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?))
                        })
                        .optional()?;
                    match row {
                        Some(f) => files.push(f),
                        None => out.files_unknown += 1,
                    }
                }
            }
            if action == FileAction::Replace && !file_paths.is_empty() {
                tx.execute(
                    "DELETE FROM members WHERE advertiser_id = ?1 AND audience_id = ?2",
                    params![advertiser_id, audience_id],
                )?;
            }
            {
                let mut add = tx.prepare_cached(
                    "INSERT OR IGNORE INTO members VALUES (?1, ?2, ?3, ?4)",
                )?;
                let mut del = tx.prepare_cached(
                    "DELETE FROM members WHERE advertiser_id = ?1 AND audience_id = ?2 AND id_type = ?3 AND digest = ?4",
                )?;
                for (calculate_type, blob) in &files {
                    let width = algorithm_of(calculate_type).hex_len() / 2;
                    for d in blob.chunks_exact(width) {
                        let p = params![advertiser_id, audience_id, calculate_type, d];
                        match action {
                            FileAction::Append | FileAction::Replace => add.execute(p)?,
                            FileAction::Remove => del.execute(p)?,
                        };
                        out.digests += 1;
                    }
                    out.files_applied += 1;
                }
                let mut used = tx.prepare_cached("DELETE FROM pending_files WHERE file_path = ?1")?;
                for p in file_paths {
                    used.execute(params![p])?;
                }
            }
            let replaced = action == FileAction::Replace && !file_paths.is_empty();
            touch(&tx, advertiser_id, audience_id, now, replaced)?;
            tx.commit()?;
            Ok(out)
        })
    }

    /// Unix seconds of the last acknowledged REPLACE of this audience, if any.
    pub fn last_replace_at(
        &self,
        advertiser_id: &str,
        audience_id: &str,
    ) -> Result<Option<i64>, LedgerError> {
        self.read(|conn| {
            Ok(conn
                .query_row(
                    "SELECT last_replace_at FROM audiences WHERE advertiser_id = ?1 AND audience_id = ?2",
                    params![advertiser_id, audience_id],
                    |r| r.get::<_, Option<i64>>(0),
                )
                .optional()?
                .flatten())
        })
    }

    /// Member counts per id type and the audience's times (zeros for an unknown audience).
    pub fn summary(&self, advertiser_id: &str, audience_id: &str) -> Result<Summary, LedgerError> {
        self.read(|conn| {
            let (last_replace_at, updated_at) = conn
                .query_row(
                    "SELECT last_replace_at, updated_at FROM audiences WHERE advertiser_id = ?1 AND audience_id = ?2",
                    params![advertiser_id, audience_id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?
                .unwrap_or((None, None));
            let mut stmt = conn.prepare_cached(
                "SELECT id_type, COUNT(*) FROM members WHERE advertiser_id = ?1 AND audience_id = ?2 GROUP BY id_type",
            )?;
            let members = stmt
                .query_map(params![advertiser_id, audience_id], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
                })?
                .collect::<Result<BTreeMap<_, _>, _>>()?;
            Ok(Summary {
                advertiser_id: advertiser_id.to_string(),
                audience_id: audience_id.to_string(),
                members,
                last_replace_at,
                updated_at,
            })
        })
    }

    /// The acknowledged digests of one id type, concatenated in ascending byte order.
    pub fn members(
        &self,
        advertiser_id: &str,
        audience_id: &str,
        id_type: &str,
    ) -> Result<Vec<u8>, LedgerError> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT digest FROM members WHERE advertiser_id = ?1 AND audience_id = ?2 AND id_type = ?3 ORDER BY digest",
            )?;
            let mut out = Vec::new();
            let mut rows = stmt.query(params![advertiser_id, audience_id, id_type])?;
            while let Some(r) = rows.next()? {
                out.extend_from_slice(&r.get::<_, Vec<u8>>(0)?);
            }
            Ok(out)
        })
    }
}

fn touch(
    tx: &rusqlite::Transaction<'_>,
    advertiser_id: &str,
    audience_id: &str,
    now: i64,
    replaced: bool,
) -> Result<(), rusqlite::Error> {
    tx.execute(
        "INSERT INTO audiences (advertiser_id, audience_id, last_replace_at, updated_at)
         VALUES (?1, ?2, CASE WHEN ?4 THEN ?3 END, ?3)
         ON CONFLICT (advertiser_id, audience_id) DO UPDATE SET
           updated_at = ?3,
           last_replace_at = CASE WHEN ?4 THEN ?3 ELSE last_replace_at END",
        params![advertiser_id, audience_id, now, replaced],
    )?;
    Ok(())
}
