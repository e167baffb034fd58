//! One path for every TikTok request the guard accepted: lock → (REPLACE rule) → forward →
//! on `code: 0`, the ledger. The route handlers only read the body and call the guard.

use crate::access::AuditInfo;
use crate::error::AppError;
use crate::guard::{Checked, Effect, FileAction, UpdatePlan};
use crate::ledger::{HeldReplace, LedgerError, ReplaceCheck};
use crate::state::AppState;
use crate::upstream::Reply;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use std::time::Instant;

/// Seconds between two customer-file REPLACEs of one audience.
pub const REPLACE_INTERVAL_SECS: i64 = tikhash::payload::limits::REPLACE_INTERVAL_SECS;

/// Forwards a checked request and records what TikTok acknowledged.
pub async fn run(state: &AppState, checked: Checked) -> Result<Response, AppError> {
    let start = Instant::now();
    let _locks = state.lock_audiences(checked.locks.clone()).await;
    let held = match &checked.effect {
        Effect::Update(plan) => reserve_replace(state, plan).await?,
        _ => None,
    };
    let result = async {
        let reply = state.forward(&checked.out).await?;
        if reply.code == 0 {
            acknowledge(state, &checked.effect, &reply).await?;
        }
        let audit = AuditInfo {
            advertiser_id: checked.advertiser_id.clone(),
            audience_id: checked
                .audience_id
                .clone()
                .or_else(|| id_string(reply.data.get("custom_audience_id")))
                .or_else(|| id_string(reply.data.get("audience_id"))),
            count: Some(checked.count as u64),
            tiktok_request_id: Some(reply.request_id.clone()).filter(|r| !r.is_empty()),
            code: Some(reply.code),
        };
        let mut response = respond(checked.out.endpoint, reply, checked.count, start);
        response.extensions_mut().insert(audit);
        Ok(response)
    }
    .await;
    if let Some(held) = held {
        held.release().await;
    }
    result
}

/// A REPLACE with files within 24 h of the last acknowledged one (or while another is under
/// way, in this process or another on the same ledger) is refused before TikTok sees it
/// (TikTok would reject it with the same words). The check and the reservation are one
/// `BEGIN IMMEDIATE` transaction; the slot is given back once TikTok has answered.
async fn reserve_replace(
    state: &AppState,
    plan: &UpdatePlan,
) -> Result<Option<HeldReplace>, AppError> {
    if plan.action != FileAction::Replace || plan.file_paths.is_empty() {
        return Ok(None);
    }
    let (ledger, adv, aud, now) = (
        state.ledger().clone(),
        plan.advertiser_id.clone(),
        plan.audience_id.clone(),
        state.clock().now(),
    );
    match blocking(move || ledger.reserve_replace(&adv, &aud, now, REPLACE_INTERVAL_SECS)).await? {
        ReplaceCheck::TooSoon { retry_after } => Err(AppError::ReplaceTooSoon { retry_after }),
        ReplaceCheck::Reserved(r) => Ok(Some(HeldReplace::new(state.ledger().clone(), r))),
    }
}

async fn acknowledge(state: &AppState, effect: &Effect, reply: &Reply) -> Result<(), AppError> {
    let (ledger, now) = (state.ledger().clone(), state.clock().now());
    match effect {
        Effect::None => {}
        Effect::Mapping(plan) => {
            let plan = plan.clone();
            blocking(move || ledger.apply_mapping(&plan, now)).await?;
        }
        Effect::Upload {
            advertiser_id,
            calculate_type,
            digests,
        } => {
            let path = reply.data.get("file_path").and_then(Value::as_str);
            if let (Some(path), false) = (path, digests.is_empty()) {
                let (path, adv, ct, digests) = (
                    path.to_string(),
                    advertiser_id.clone(),
                    *calculate_type,
                    digests.clone(),
                );
                blocking(move || ledger.remember_file(&path, &adv, ct, &digests, now)).await?;
            }
        }
        Effect::Create {
            advertiser_id,
            file_paths,
        } => {
            if let Some(id) = id_string(reply.data.get("custom_audience_id")) {
                let _lock = state
                    .lock_audiences(vec![(advertiser_id.clone(), id.clone())])
                    .await;
                let plan = UpdatePlan {
                    advertiser_id: advertiser_id.clone(),
                    audience_id: id,
                    action: FileAction::Append,
                    file_paths: file_paths.clone(),
                };
                record_files(state, &plan).await?;
            }
        }
        Effect::Update(plan) => {
            if !plan.file_paths.is_empty() {
                record_files(state, plan).await?;
            }
        }
    }
    Ok(())
}

fn id_string(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Applies acknowledged customer files to an audience's ledger entry (the caller holds the
/// audience's lock and has TikTok's `code: 0`).
async fn record_files(state: &AppState, plan: &UpdatePlan) -> Result<(), AppError> {
    let (ledger, now, p) = (state.ledger().clone(), state.clock().now(), plan.clone());
    let o = blocking(move || {
        ledger.apply_files(
            &p.advertiser_id,
            &p.audience_id,
            p.action,
            &p.file_paths,
            now,
        )
    })
    .await?;
    if o.files_unknown > 0 {
        tracing::warn!(
            files_unknown = o.files_unknown,
            action = plan.action.as_str(),
            "the audience used files the ledger never saw uploaded"
        );
    }
    Ok(())
}

/// Runs a ledger call off the async threads; its error is logged, never shown.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, LedgerError> + Send + 'static,
) -> Result<T, AppError> {
    match tokio::task::spawn_blocking(f).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => {
            tracing::error!("ledger: {e}");
            Err(AppError::Ledger(e.to_string()))
        }
        Err(e) => Err(AppError::Ledger(e.to_string())),
    }
}

/// The HTTP status for TikTok's envelope: the body is passed through unchanged, the status
/// tells the browser (and its fetch) what kind of answer it is.
pub fn status_for(reply: &Reply) -> StatusCode {
    if reply.message == crate::error::REPLACE_REJECTED_MESSAGE {
        return StatusCode::CONFLICT;
    }
    match reply.code {
        0 | 20001 => StatusCode::OK,
        40001 => StatusCode::FORBIDDEN,
        40100 => StatusCode::TOO_MANY_REQUESTS,
        40105 => StatusCode::UNAUTHORIZED,
        40000..=49999 => StatusCode::BAD_REQUEST,
        _ => StatusCode::BAD_GATEWAY,
    }
}

fn respond(endpoint: &'static str, reply: Reply, count: usize, start: Instant) -> Response {
    tracing::info!(
        endpoint,
        request_id = %reply.request_id,
        code = reply.code,
        count,
        ms = start.elapsed().as_millis() as u64,
        "forwarded"
    );
    let mut resp = (status_for(&reply), reply.body).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}
