//! The run history: every sync the page makes is a run the proxy stores (when, who, object,
//! behaviour, advertiser, audience, counts, rejects by reason, TikTok request ids, result,
//! duration). Never a value or a hash: every field is a count, an id, a short machine name,
//! or free text refused when it looks like an email or a phone number.
//!
//! `POST /tikhash/runs` (syncer) `{action: "open" | "update" | "close", …}`; `GET
//! /tikhash/runs?limit=N` newest first. An open run not updated for
//! [`INTERRUPTED_AFTER_SECS`] is shown as `interrupted` (the tab closed, the network went).
//! An `exclusive` open (the CLI's) is refused while another run of the same audience is
//! open and not interrupted: the lock that keeps two scripted syncs of one audience apart.

use super::routes::envelope;
use crate::access::{Principal, Role};
use crate::error::AppError;
use crate::guard::pii::{looks_like_email, looks_like_phone};
use crate::ledger::{Ledger, LedgerError};
use crate::pipeline::blocking;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap};
use axum::Json;
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Seconds without an update after which an open run counts as interrupted.
pub const INTERRUPTED_AFTER_SECS: i64 = 120;

/// Largest `POST /tikhash/runs` body.
const MAX_BODY: usize = 64 * 1024;

/// Request ids kept per run.
const MAX_REQUEST_IDS: usize = 2000;

/// One `POST /tikhash/runs` body. Counts are running totals: each update replaces them.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunWrite {
    /// `open`, `update` or `close`.
    pub action: String,
    /// The run (update, close).
    pub id: Option<String>,
    /// `partner`, `customer_file`, `web`, `offline` (open).
    pub object: Option<String>,
    /// `add`, `remove`, `mirror`, … (open).
    pub behaviour: Option<String>,
    /// The advertiser (open).
    pub advertiser_id: Option<String>,
    /// The audience, once known.
    pub audience_id: Option<String>,
    /// The audience's name, once known.
    pub audience_name: Option<String>,
    /// Rows read from the file.
    pub rows_read: Option<u64>,
    /// Rows sent to TikTok.
    pub rows_sent: Option<u64>,
    /// Members added.
    pub rows_added: Option<u64>,
    /// Members removed.
    pub rows_removed: Option<u64>,
    /// Rejected rows per reason (machine names such as `invalid_email`).
    pub rejected: Option<BTreeMap<String, u64>>,
    /// TikTok request ids seen since the last write (appended).
    pub request_ids: Option<Vec<String>>,
    /// `ok`, `failed`, `partial` or `cancelled` (close).
    pub result: Option<String>,
    /// The HTTP status of a failure (close), so the page explains it as the live view did.
    pub error_status: Option<u16>,
    /// The envelope code of a failure (close).
    pub error_code: Option<i64>,
    /// The failure in words (close).
    pub error_message: Option<String>,
    /// TikTok's (or the proxy's) own `message` for the failure (close).
    pub tiktok_message: Option<String>,
    /// How long the run took, measured by the page (close).
    pub duration_ms: Option<u64>,
    /// Open only if no other run of the same audience is open and updating (open).
    pub exclusive: Option<bool>,
}

/// A stored run, as `GET /tikhash/runs` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Run {
    /// Random id.
    pub id: String,
    /// Who ran it.
    pub who: String,
    /// Unix seconds of the start.
    pub started_at: i64,
    /// Unix seconds of the last write.
    pub updated_at: i64,
    /// Unix seconds of the close.
    pub finished_at: Option<i64>,
    /// `running`, `interrupted`, or the result it closed with.
    pub status: String,
    /// The object synced.
    pub object: String,
    /// The behaviour.
    pub behaviour: String,
    /// The advertiser.
    pub advertiser_id: String,
    /// The audience.
    pub audience_id: Option<String>,
    /// The audience's name.
    pub audience_name: Option<String>,
    /// Rows read.
    pub rows_read: u64,
    /// Rows sent.
    pub rows_sent: u64,
    /// Members added.
    pub rows_added: u64,
    /// Members removed.
    pub rows_removed: u64,
    /// Rejected rows per reason.
    pub rejected: BTreeMap<String, u64>,
    /// TikTok request ids.
    pub request_ids: Vec<String>,
    /// The HTTP status of a failure.
    pub error_status: Option<u16>,
    /// The envelope code of a failure.
    pub error_code: Option<i64>,
    /// The failure in words.
    pub error_message: Option<String>,
    /// TikTok's own message for the failure.
    pub tiktok_message: Option<String>,
    /// Duration in milliseconds.
    pub duration_ms: Option<u64>,
}

fn bad(field: &str, reason: &'static str) -> AppError {
    AppError::BadField {
        field: field.to_string(),
        reason,
    }
}

/// A short machine name: 1–40 of `a-z`, `0-9`, `_`.
fn machine_name(field: &str, v: &str) -> Result<(), AppError> {
    let ok = !v.is_empty()
        && v.len() <= 40
        && v.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    ok.then_some(())
        .ok_or_else(|| bad(field, "must be 1–40 of a-z, 0-9 and _"))
}

fn digits(field: &str, v: &str) -> Result<(), AppError> {
    let ok = !v.is_empty() && v.len() <= 32 && v.bytes().all(|b| b.is_ascii_digit());
    ok.then_some(())
        .ok_or_else(|| bad(field, "is not a TikTok id (a string of digits)"))
}

/// Free text: at most `max` characters, no control characters, nothing that looks like a
/// raw email address or phone number.
fn free_text(field: &str, v: &str, max: usize) -> Result<(), AppError> {
    if v.chars().count() > max || v.chars().any(char::is_control) {
        return Err(bad(field, "is too long or holds control characters"));
    }
    if looks_like_email(v) || looks_like_phone(v) {
        return Err(AppError::LooksLikeRawIdentifier {
            field: field.to_string(),
        });
    }
    Ok(())
}

impl RunWrite {
    /// Checks every field that is present.
    pub fn check(&self) -> Result<(), AppError> {
        if !["open", "update", "close"].contains(&self.action.as_str()) {
            return Err(bad("action", "must be open, update or close"));
        }
        if self.action == "open" {
            let need = |f: &'static str, v: &Option<String>| {
                v.as_ref().map(|_| ()).ok_or_else(|| bad(f, "is required"))
            };
            need("object", &self.object)?;
            need("behaviour", &self.behaviour)?;
            need("advertiser_id", &self.advertiser_id)?;
            if self.id.is_some() {
                return Err(bad("id", "is chosen by the proxy"));
            }
        } else {
            let id = self.id.as_deref().ok_or_else(|| bad("id", "is required"))?;
            if id.len() != 32 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(bad("id", "is not a run id"));
            }
        }
        if self.action == "close" {
            let r = self
                .result
                .as_deref()
                .ok_or_else(|| bad("result", "is required"))?;
            if !["ok", "failed", "partial", "cancelled"].contains(&r) {
                return Err(bad("result", "must be ok, failed, partial or cancelled"));
            }
        } else if self.result.is_some() {
            return Err(bad("result", "is given when closing"));
        }
        if let Some(v) = &self.object {
            machine_name("object", v)?;
        }
        if let Some(v) = &self.behaviour {
            machine_name("behaviour", v)?;
        }
        if let Some(v) = &self.advertiser_id {
            digits("advertiser_id", v)?;
        }
        if let Some(v) = &self.audience_id {
            digits("audience_id", v)?;
        }
        if let Some(v) = &self.audience_name {
            free_text("audience_name", v, 128)?;
        }
        if let Some(m) = &self.rejected {
            if m.len() > 50 {
                return Err(bad("rejected", "has more than 50 reasons"));
            }
            for k in m.keys() {
                machine_name("rejected", k)?;
            }
        }
        for (i, r) in self.request_ids.iter().flatten().enumerate() {
            let ok = !r.is_empty()
                && r.len() <= 100
                && r.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            if !ok {
                return Err(bad(
                    &format!("request_ids[{i}]"),
                    "must be 1–100 of letters, digits, - and _",
                ));
            }
        }
        if let Some(v) = &self.error_message {
            free_text("error_message", v, 500)?;
        }
        if let Some(v) = &self.tiktok_message {
            free_text("tiktok_message", v, 500)?;
        }
        if self.exclusive.is_some() && self.action != "open" {
            return Err(bad("exclusive", "is given when opening"));
        }
        if self.error_status.is_some_and(|s| !(100..=599).contains(&s)) {
            return Err(bad("error_status", "must be an HTTP status (100–599)"));
        }
        Ok(())
    }
}

/// Opens a run for `who`: its id, or (an `exclusive` open) `Err` with the id of the open run
/// that already holds the audience. The check and the insert are one transaction.
pub fn open(
    ledger: &Ledger,
    who: &str,
    w: &RunWrite,
    now: i64,
) -> Result<Result<String, String>, LedgerError> {
    let mut id = [0u8; 16];
    getrandom::fill(&mut id).map_err(|_| LedgerError::NoRandom)?;
    let id = hex::encode(id);
    let rejected =
        serde_json::to_string(&w.rejected.clone().unwrap_or_default()).unwrap_or_default();
    let request_ids =
        serde_json::to_string(&w.request_ids.clone().unwrap_or_default()).unwrap_or_default();
    ledger.write(|c| {
        // IMMEDIATE: another process on the same ledger cannot check between our check and insert.
        let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if w.exclusive == Some(true) {
            // The same audience: its id, or before it exists, the same name for the same
            // object (a run that creates it). A run whose id arrived later still matches by id.
            let holder: Option<String> = tx
                .query_row(
                    "SELECT id FROM runs
                     WHERE finished_at IS NULL AND updated_at >= ?1 AND advertiser_id = ?2
                       AND ((?3 IS NOT NULL AND audience_id = ?3)
                         OR (?3 IS NULL AND audience_id IS NULL AND object = ?4
                             AND audience_name = ?5))
                     ORDER BY started_at DESC LIMIT 1",
                    params![
                        now - INTERRUPTED_AFTER_SECS,
                        w.advertiser_id,
                        w.audience_id,
                        w.object,
                        w.audience_name
                    ],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(holder) = holder {
                return Ok(Err(holder));
            }
        }
        tx.execute(
            "INSERT INTO runs (id, who, started_at, updated_at, object, behaviour, advertiser_id,
                audience_id, audience_name, rows_read, rows_sent, rows_added, rows_removed,
                rejected, request_ids)
             VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            params![
                id,
                who,
                now,
                w.object,
                w.behaviour,
                w.advertiser_id,
                w.audience_id,
                w.audience_name,
                w.rows_read.unwrap_or(0) as i64,
                w.rows_sent.unwrap_or(0) as i64,
                w.rows_added.unwrap_or(0) as i64,
                w.rows_removed.unwrap_or(0) as i64,
                rejected,
                request_ids
            ],
        )?;
        tx.commit()?;
        Ok(Ok(id.clone()))
    })
}

/// Why an update was not applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// No such run.
    Unknown,
    /// Someone else's run (and the writer is not an admin).
    NotYours,
    /// The run is closed.
    Closed,
}

/// Applies an update or close from `who` (an admin may write any run).
pub fn update(
    ledger: &Ledger,
    who: &Principal,
    w: &RunWrite,
    now: i64,
) -> Result<Result<(), Refused>, LedgerError> {
    let id = w.id.clone().unwrap_or_default();
    ledger.write(|c| {
        let tx = c.transaction()?;
        let row: Option<(String, Option<i64>, String, i64)> = tx
            .query_row(
                "SELECT who, finished_at, request_ids, started_at FROM runs WHERE id = ?1",
                params![id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let Some((owner, finished, ids, started_at)) = row else {
            return Ok(Err(Refused::Unknown));
        };
        if owner != who.name && who.role < Role::Admin {
            return Ok(Err(Refused::NotYours));
        }
        if finished.is_some() {
            return Ok(Err(Refused::Closed));
        }
        let mut all: Vec<String> = serde_json::from_str(&ids).unwrap_or_default();
        for r in w.request_ids.iter().flatten() {
            if all.len() < MAX_REQUEST_IDS && !all.contains(r) {
                all.push(r.clone());
            }
        }
        let closing = w.action == "close";
        let duration = w
            .duration_ms
            .map(|d| d as i64)
            .or_else(|| closing.then(|| (now - started_at).max(0) * 1000));
        tx.execute(
            "UPDATE runs SET updated_at = ?2,
                audience_id = COALESCE(?3, audience_id),
                audience_name = COALESCE(?4, audience_name),
                rows_read = COALESCE(?5, rows_read),
                rows_sent = COALESCE(?6, rows_sent),
                rows_added = COALESCE(?7, rows_added),
                rows_removed = COALESCE(?8, rows_removed),
                rejected = COALESCE(?9, rejected),
                request_ids = ?10,
                result = COALESCE(?11, result),
                error_code = COALESCE(?12, error_code),
                error_message = COALESCE(?13, error_message),
                duration_ms = COALESCE(?14, duration_ms),
                finished_at = CASE WHEN ?15 THEN ?2 ELSE finished_at END,
                error_status = COALESCE(?16, error_status),
                tiktok_message = COALESCE(?17, tiktok_message)
             WHERE id = ?1",
            params![
                id,
                now,
                w.audience_id,
                w.audience_name,
                w.rows_read.map(|n| n as i64),
                w.rows_sent.map(|n| n as i64),
                w.rows_added.map(|n| n as i64),
                w.rows_removed.map(|n| n as i64),
                w.rejected
                    .as_ref()
                    .map(|m| serde_json::to_string(m).unwrap_or_default()),
                serde_json::to_string(&all).unwrap_or_default(),
                w.result,
                w.error_code,
                w.error_message,
                duration,
                closing,
                w.error_status,
                w.tiktok_message
            ],
        )?;
        tx.commit()?;
        Ok(Ok(()))
    })
}

/// The newest `limit` runs, newest first.
pub fn newest(ledger: &Ledger, limit: u32, now: i64) -> Result<Vec<Run>, LedgerError> {
    ledger.read(|c| {
        let mut st = c.prepare(
            "SELECT id, who, started_at, updated_at, finished_at, result, object, behaviour,
                advertiser_id, audience_id, audience_name, rows_read, rows_sent, rows_added,
                rows_removed, rejected, request_ids, error_code, error_message, duration_ms,
                error_status, tiktok_message
             FROM runs ORDER BY started_at DESC, rowid DESC LIMIT ?1",
        )?;
        let rows = st.query_map(params![limit], |r| {
            let updated_at: i64 = r.get(3)?;
            let finished_at: Option<i64> = r.get(4)?;
            let result: Option<String> = r.get(5)?;
            let status = match (finished_at, result) {
                (Some(_), Some(res)) => res,
                _ if now - updated_at > INTERRUPTED_AFTER_SECS => "interrupted".to_string(),
                _ => "running".to_string(),
            };
            let rejected: String = r.get(15)?;
            let ids: String = r.get(16)?;
            Ok(Run {
                id: r.get(0)?,
                who: r.get(1)?,
                started_at: r.get(2)?,
                updated_at,
                finished_at,
                status,
                object: r.get(6)?,
                behaviour: r.get(7)?,
                advertiser_id: r.get(8)?,
                audience_id: r.get(9)?,
                audience_name: r.get(10)?,
                rows_read: r.get::<_, i64>(11)?.max(0) as u64,
                rows_sent: r.get::<_, i64>(12)?.max(0) as u64,
                rows_added: r.get::<_, i64>(13)?.max(0) as u64,
                rows_removed: r.get::<_, i64>(14)?.max(0) as u64,
                rejected: serde_json::from_str(&rejected).unwrap_or_default(),
                request_ids: serde_json::from_str(&ids).unwrap_or_default(),
                error_code: r.get(17)?,
                error_message: r.get(18)?,
                duration_ms: r.get::<_, Option<i64>>(19)?.map(|d| d.max(0) as u64),
                error_status: r.get::<_, Option<i64>>(20)?.map(|s| s.clamp(0, 999) as u16),
                tiktok_message: r.get(21)?,
            })
        })?;
        rows.collect()
    })
}

/// `GET /tikhash/runs?limit=N` (default 50, at most 200).
pub async fn list(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
) -> Result<Json<Value>, AppError> {
    let q = crate::guard::query::Query::parse(q.as_deref().unwrap_or_default(), &["limit"])?;
    let limit = q.number("limit", 1..=200)?.unwrap_or(50) as u32;
    let (ledger, now) = (state.ledger().clone(), state.clock().now());
    let runs = blocking(move || newest(&ledger, limit, now)).await?;
    Ok(envelope(json!({
        "runs": runs,
        "interrupted_after_secs": INTERRUPTED_AFTER_SECS,
    })))
}

/// `POST /tikhash/runs` (syncer): opens, updates or closes a run.
pub async fn write(
    State(state): State<AppState>,
    who: Principal,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Value>, AppError> {
    let json_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(';').next().unwrap_or("").trim() == "application/json");
    if !json_type {
        return Err(AppError::UnsupportedMediaType {
            expected: "application/json",
        });
    }
    let bytes = axum::body::to_bytes(body, MAX_BODY)
        .await
        .map_err(|_| AppError::BodyTooLarge { limit: MAX_BODY })?;
    let w: RunWrite = serde_json::from_slice(&bytes).map_err(|_| AppError::MalformedJson)?;
    w.check()?;
    if let Some(adv) = &w.advertiser_id {
        if !state.config().advertiser_allowed(adv) {
            return Err(AppError::AdvertiserNotAllowed {
                field: "advertiser_id".into(),
            });
        }
    }
    let (ledger, now) = (state.ledger().clone(), state.clock().now());
    if w.action == "open" {
        let name = who.name.clone();
        return match blocking(move || open(&ledger, &name, &w, now)).await? {
            Ok(id) => Ok(envelope(json!({ "id": id }))),
            Err(run_id) => Err(AppError::RunInProgress { run_id }),
        };
    }
    let id = w.id.clone().unwrap_or_default();
    match blocking(move || update(&ledger, &who, &w, now)).await? {
        Ok(()) => Ok(envelope(json!({ "id": id }))),
        Err(Refused::Unknown) => Err(AppError::NotFound),
        Err(Refused::NotYours) => Err(AppError::RoleTooLow { needed: "admin" }),
        Err(Refused::Closed) => Err(bad("id", "names a run that is already closed")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Via;

    fn who(name: &str, role: Role) -> Principal {
        Principal {
            name: name.into(),
            role,
            via: Via::ApiKey,
        }
    }

    #[test]
    fn runs_open_update_close_and_interrupted() {
        let l = Ledger::in_memory().unwrap();
        let open_body = RunWrite {
            action: "open".into(),
            object: Some("partner".into()),
            behaviour: Some("add".into()),
            advertiser_id: Some("1".into()),
            ..Default::default()
        };
        open_body.check().unwrap();
        let a = open(&l, "ann", &open_body, 100).unwrap().unwrap();
        let b = open(&l, "bob", &open_body, 200).unwrap().unwrap();
        let close = RunWrite {
            action: "close".into(),
            id: Some(a.clone()),
            result: Some("ok".into()),
            rows_sent: Some(5),
            request_ids: Some(vec!["r1".into(), "r1".into()]),
            ..Default::default()
        };
        close.check().unwrap();
        assert_eq!(
            update(&l, &who("bob", Role::Syncer), &close, 150).unwrap(),
            Err(Refused::NotYours)
        );
        update(&l, &who("ann", Role::Syncer), &close, 150)
            .unwrap()
            .unwrap();
        assert_eq!(
            update(&l, &who("ann", Role::Syncer), &close, 151).unwrap(),
            Err(Refused::Closed)
        );
        let runs = newest(&l, 10, 200 + INTERRUPTED_AFTER_SECS + 1).unwrap();
        assert_eq!(runs[0].id, b, "newest first");
        assert_eq!(runs[0].status, "interrupted");
        assert_eq!(runs[1].status, "ok");
        assert_eq!((runs[1].rows_sent, runs[1].duration_ms), (5, Some(50_000)));
        assert_eq!(runs[1].request_ids, ["r1"]);
        assert_eq!(newest(&l, 10, 201).unwrap()[0].status, "running");
    }

    #[test]
    fn an_exclusive_open_waits_for_the_open_run_of_its_audience() {
        let l = Ledger::in_memory().unwrap();
        let body = |audience_id: Option<&str>, name: Option<&str>| RunWrite {
            action: "open".into(),
            object: Some("partner".into()),
            behaviour: Some("mirror".into()),
            advertiser_id: Some("1".into()),
            audience_id: audience_id.map(str::to_string),
            audience_name: name.map(str::to_string),
            exclusive: Some(true),
            ..Default::default()
        };
        let first = open(&l, "cli", &body(Some("9"), None), 100)
            .unwrap()
            .unwrap();
        assert_eq!(
            open(&l, "cli", &body(Some("9"), None), 110).unwrap(),
            Err(first.clone()),
            "the same audience is held"
        );
        assert!(open(&l, "cli", &body(Some("8"), None), 110)
            .unwrap()
            .is_ok());
        // a page run (not exclusive) is never refused
        let page = RunWrite {
            exclusive: None,
            ..body(Some("9"), None)
        };
        assert!(open(&l, "ann", &page, 110).unwrap().is_ok());
        // by name before the audience exists
        let named = open(&l, "cli", &body(None, Some("VIP")), 110)
            .unwrap()
            .unwrap();
        assert_eq!(
            open(&l, "cli", &body(None, Some("VIP")), 111).unwrap(),
            Err(named)
        );
        // a closed run releases it; so does one that stopped updating
        let close = RunWrite {
            action: "close".into(),
            id: Some(first),
            result: Some("failed".into()),
            error_message: Some("TikTok refused a parameter in the request.".into()),
            tiktok_message: Some("advertiser_id: Invalid value.".into()),
            ..Default::default()
        };
        close.check().unwrap();
        update(&l, &who("cli", Role::Syncer), &close, 120)
            .unwrap()
            .unwrap();
        // the page's open (updated at 110) still holds audience 9 until it is interrupted
        assert!(open(&l, "cli", &body(Some("9"), None), 121)
            .unwrap()
            .is_err());
        let later = 110 + INTERRUPTED_AFTER_SECS + 1;
        assert!(open(&l, "cli", &body(Some("9"), None), later)
            .unwrap()
            .is_ok());
        let runs = newest(&l, 10, later).unwrap();
        let failed = runs.iter().find(|r| r.status == "failed").unwrap();
        assert_eq!(
            failed.tiktok_message.as_deref(),
            Some("advertiser_id: Invalid value.")
        );
    }

    #[test]
    fn values_are_refused() {
        let mut w = RunWrite {
            action: "open".into(),
            object: Some("partner".into()),
            behaviour: Some("add".into()),
            advertiser_id: Some("1".into()),
            audience_name: Some("alice@example.com".into()),
            ..Default::default()
        };
        assert!(matches!(
            w.check(),
            Err(AppError::LooksLikeRawIdentifier { .. })
        ));
        w.audience_name = Some("VIP".into());
        w.rejected = Some(BTreeMap::from([("Alice@x".to_string(), 1)]));
        assert!(w.check().is_err());
        w.rejected = None;
        w.object = Some("a b".into());
        assert!(w.check().is_err());
        w.object = Some("partner".into());
        w.tiktok_message = Some("no user bob@example.com".into());
        assert!(matches!(
            w.check(),
            Err(AppError::LooksLikeRawIdentifier { .. })
        ));
        w.tiktok_message = Some("x".repeat(501));
        assert!(w.check().is_err());
    }
}
