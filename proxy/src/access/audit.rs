//! The audit log, kept in the ledger database: who (user or key name), when, method and
//! route (the path, never the query), advertiser, audience, counts, TikTok's `request_id`,
//! the HTTP status and the envelope code. Never a value, a digest, a password or a key.
//!
//! Handlers describe what they did by putting an [`AuditInfo`] into the *response*
//! extensions; the access middleware adds who and when and queues the entry. A background
//! thread writes queued entries in batches, so a request never waits for the ledger's
//! writer (which a 1M-line customer file can hold for seconds).

use crate::ledger::{Ledger, LedgerError};
use rusqlite::params;
use serde::Serialize;
use std::sync::mpsc;

/// What a handler tells the audit log about a request it served; put it into the response's
/// extensions (`response.extensions_mut().insert(info)`). Every field is optional: the
/// middleware fills `code` and `tiktok_request_id` from a small JSON envelope answer when the
/// handler left them out.
///
/// Only identifiers of TikTok objects and counts belong here: never an identifier of a
/// person, a digest, a body or a query string.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditInfo {
    /// The advertiser the request acted for (one, or the first of several).
    pub advertiser_id: Option<String>,
    /// The audience it touched, when one.
    pub audience_id: Option<String>,
    /// How many rows, events, file lines or files it carried.
    pub count: Option<u64>,
    /// TikTok's (or the sandbox's) `request_id` of the forwarded call.
    pub tiktok_request_id: Option<String>,
    /// The envelope `code` answered (TikTok's, or the proxy's own `9SSSN`).
    pub code: Option<i64>,
}

/// One line of the audit log, as `GET /tikhash/audit` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// Unix seconds.
    pub at: i64,
    /// The user's or key's name.
    pub who: String,
    /// How they signed in: `link`, `password` or `api_key`.
    pub via: String,
    /// The HTTP method.
    pub method: String,
    /// The path, without its query.
    pub route: String,
    /// See [`AuditInfo::advertiser_id`].
    pub advertiser_id: Option<String>,
    /// See [`AuditInfo::audience_id`].
    pub audience_id: Option<String>,
    /// See [`AuditInfo::count`].
    pub count: Option<u64>,
    /// See [`AuditInfo::tiktok_request_id`].
    pub tiktok_request_id: Option<String>,
    /// The HTTP status answered.
    pub status: u16,
    /// See [`AuditInfo::code`].
    pub code: Option<i64>,
}

enum Msg {
    Entry(Box<AuditEntry>),
    Flush(tokio::sync::oneshot::Sender<()>),
}

/// The queue to the audit writer thread; cloning shares it. The thread ends when the last
/// clone is dropped.
#[derive(Debug, Clone)]
pub struct AuditLog {
    tx: mpsc::Sender<Msg>,
}

impl std::fmt::Debug for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("audit message")
    }
}

impl AuditLog {
    /// Starts the writer thread for `ledger`.
    pub fn start(ledger: Ledger) -> AuditLog {
        let (tx, rx) = mpsc::channel::<Msg>();
        let spawned = std::thread::Builder::new()
            .name("tikhash-audit".into())
            .spawn(move || writer(ledger, rx));
        if spawned.is_err() {
            tracing::error!("the audit writer thread could not start; audit entries are lost");
        }
        AuditLog { tx }
    }

    /// Queues an entry.
    pub fn record(&self, entry: AuditEntry) {
        if self.tx.send(Msg::Entry(Box::new(entry))).is_err() {
            tracing::error!("audit writer gone; an audit entry was lost");
        }
    }

    /// Waits until every entry queued before this call is written.
    pub async fn flush(&self) {
        let (done, wait) = tokio::sync::oneshot::channel();
        if self.tx.send(Msg::Flush(done)).is_ok() {
            let _ = wait.await;
        }
    }
}

fn writer(ledger: Ledger, rx: mpsc::Receiver<Msg>) {
    while let Ok(first) = rx.recv() {
        let mut entries = Vec::new();
        let mut flushes = Vec::new();
        let mut next = Some(first);
        while let Some(m) = next {
            match m {
                Msg::Entry(e) => entries.push(*e),
                Msg::Flush(f) => flushes.push(f),
            }
            next = if entries.len() < 1000 {
                rx.try_recv().ok()
            } else {
                None
            };
        }
        if !entries.is_empty() {
            if let Err(e) = write_batch(&ledger, &entries) {
                tracing::error!(lost = entries.len(), "audit log write failed: {e}");
            }
        }
        for f in flushes {
            let _ = f.send(());
        }
    }
}

fn write_batch(ledger: &Ledger, entries: &[AuditEntry]) -> Result<(), LedgerError> {
    ledger.write(|c| {
        let tx = c.transaction()?;
        {
            let mut ins = tx.prepare_cached(
                "INSERT INTO audit_log (at, who, via, method, route, advertiser_id, audience_id, count, tiktok_request_id, status, code)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?;
            for e in entries {
                ins.execute(params![
                    e.at,
                    e.who,
                    e.via,
                    e.method,
                    e.route,
                    e.advertiser_id,
                    e.audience_id,
                    e.count.map(|n| n as i64),
                    e.tiktok_request_id,
                    e.status,
                    e.code
                ])?;
            }
        }
        tx.commit()
    })
}

/// The newest `limit` entries, newest first.
pub fn list(ledger: &Ledger, limit: u32) -> Result<Vec<AuditEntry>, LedgerError> {
    ledger.read(|c| {
        let mut st = c.prepare_cached(
            "SELECT at, who, via, method, route, advertiser_id, audience_id, count, tiktok_request_id, status, code
             FROM audit_log ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = st.query_map(params![limit], |r| {
            Ok(AuditEntry {
                at: r.get(0)?,
                who: r.get(1)?,
                via: r.get(2)?,
                method: r.get(3)?,
                route: r.get(4)?,
                advertiser_id: r.get(5)?,
                audience_id: r.get(6)?,
                count: r.get::<_, Option<i64>>(7)?.map(|n| n as u64),
                tiktok_request_id: r.get(8)?,
                status: r.get(9)?,
                code: r.get(10)?,
            })
        })?;
        rows.collect()
    })
}
