//! The sync ledger: per advertiser and audience, the digests TikTok acknowledged, and the
//! time of the last customer-file REPLACE (design.md, "The proxy").
//!
//! One SQLite file in WAL mode, digests stored as blobs (32 bytes, 16 for MD5). Every
//! change is one transaction, made only after TikTok (or the sandbox) answered `code: 0`,
//! so a crash or a failed call between forwarding and acknowledging changes nothing.
//! Methods block; call them from `spawn_blocking`.

use crate::guard::{algorithm_of, FileAction, MappingAction, MappingPlan};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// Handle on the ledger database; cloning shares the connection.
#[derive(Clone)]
pub struct Ledger {
    conn: Arc<Mutex<Connection>>,
}

impl std::fmt::Debug for Ledger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Ledger")
    }
}

/// Why the ledger failed.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// SQLite reported an error.
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A previous panic poisoned the connection lock.
    #[error("ledger lock poisoned")]
    Poisoned,
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

const SCHEMA: &str = "
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
";

impl Ledger {
    /// Opens (creating if needed) the ledger file.
    pub fn open(path: &Path) -> Result<Ledger, LedgerError> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.execute_batch(SCHEMA)?;
        Ok(Ledger {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// An in-memory ledger (tests, benchmarks).
    pub fn in_memory() -> Result<Ledger, LedgerError> {
        let conn = Connection::open_in_memory()?;
        conn.execute_batch(SCHEMA)?;
        Ok(Ledger {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    fn with<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, rusqlite::Error>,
    ) -> Result<T, LedgerError> {
        let mut conn = self.conn.lock().map_err(|_| LedgerError::Poisoned)?;
        Ok(f(&mut conn)?)
    }

    /// Applies an acknowledged `segment/mapping/` add or delete, row by row, to every
    /// (advertiser, audience) pair it names. Returns the number of digests applied.
    pub fn apply_mapping(&self, plan: &MappingPlan, now: i64) -> Result<usize, LedgerError> {
        self.with(|conn| {
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
        self.with(|conn| {
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
        self.with(|conn| {
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
        self.with(|conn| {
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
        self.with(|conn| {
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
        self.with(|conn| {
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
        "INSERT INTO audiences VALUES (?1, ?2, CASE WHEN ?4 THEN ?3 END, ?3)
         ON CONFLICT (advertiser_id, audience_id) DO UPDATE SET
           updated_at = ?3,
           last_replace_at = CASE WHEN ?4 THEN ?3 ELSE last_replace_at END",
        params![advertiser_id, audience_id, now, replaced],
    )?;
    Ok(())
}
