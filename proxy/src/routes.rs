//! The HTTP surface: TikTok's paths under `/open_api/v1.3/`, `/healthz`, the ledger under
//! `/tikhash/ledger/`, and the static files. Each TikTok handler reads the body (limit and
//! content type), runs the guard, forwards, and writes the ledger only on `code: 0`.

use crate::error::{new_request_id, AppError, REPLACE_REJECTED_MESSAGE};
use crate::guard::{self, FileAction};
use crate::state::AppState;
use crate::static_files::StaticFiles;
use crate::upstream::{Outbound, Reply};
use crate::{body_gate, headers};
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::{Json, Router};
use bytes::Bytes;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Instant;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::trace::TraceLayer;

/// Seconds between two customer-file REPLACEs of one audience.
pub const REPLACE_INTERVAL_SECS: i64 = 24 * 3600;

const V: &str = "/open_api/v1.3/";

/// Builds the router. Layers, outermost first: security headers (every response), CORS
/// (when configured), tracing (method and path, never the query), the body gate (permits
/// and the body deadline), then the routes and the static files.
pub fn router(state: AppState) -> Router {
    let cfg = state.config().clone();
    let files = Arc::new(StaticFiles::new(
        cfg.www_dir.as_deref(),
        cfg.pkg_dir.as_deref(),
    ));
    let mut app = Router::new()
        .route(&format!("{V}segment/audience/"), post(segment_audience))
        .route(&format!("{V}segment/mapping/"), post(segment_mapping))
        .route(
            &format!("{V}dmp/custom_audience/file/upload/"),
            post(file_upload),
        )
        .route(&format!("{V}dmp/custom_audience/create/"), post(create))
        .route(&format!("{V}dmp/custom_audience/update/"), post(update))
        .route(&format!("{V}event/track/"), post(track))
        .route(&format!("{V}dmp/custom_audience/list/"), get(list))
        .route(&format!("{V}dmp/custom_audience/get/"), get(get_audiences))
        .route("/open_api", any(not_found))
        .route("/open_api/", any(not_found))
        .route("/open_api/{*rest}", any(not_found))
        .route("/healthz", get(healthz))
        .route(
            "/tikhash/ledger/{advertiser_id}/{audience_id}",
            get(ledger_summary),
        )
        .route(
            "/tikhash/ledger/{advertiser_id}/{audience_id}/members",
            get(ledger_members),
        )
        .route("/tikhash/{*rest}", any(not_found))
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(move |method: Method, uri: Uri| async move {
            files.respond(&method, &uri).await
        })
        .layer(middleware::from_fn_with_state(state.clone(), body_gate::gate))
        .with_state(state)
        .layer(
            // The default span holds the whole URI, query included; a query can carry ids.
            TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<Body>| {
                tracing::debug_span!("request", method = %req.method(), path = %req.uri().path())
            }),
        );
    if !cfg.allowed_origins.is_empty() {
        let origins: Vec<HeaderValue> = cfg
            .allowed_origins
            .iter()
            .filter_map(|o| HeaderValue::from_str(o).ok())
            .collect();
        app = app.layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(origins))
                .allow_methods([Method::GET, Method::POST])
                .allow_headers([header::CONTENT_TYPE])
                .max_age(std::time::Duration::from_secs(600)),
        );
    }
    app.layer(middleware::from_fn(headers::secure))
}

async fn not_found() -> AppError {
    AppError::NotFound
}

async fn method_not_allowed() -> AppError {
    AppError::MethodNotAllowed
}

async fn healthz(State(state): State<AppState>) -> Json<Value> {
    let c = state.config();
    Json(json!({
        "ok": true,
        "sandbox": c.is_sandbox(),
        "version": env!("CARGO_PKG_VERSION"),
        "api_base": if c.is_sandbox() { "sandbox" } else { c.api_base.as_str() },
    }))
}

/// The media type of a request, lowercased, without parameters.
fn media_type(headers: &HeaderMap) -> Option<String> {
    let ct = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    Some(ct.split(';').next()?.trim().to_ascii_lowercase())
}

/// Reads the body within `TIKHASH_MAX_BODY_BYTES`, after checking its media type.
async fn read_body(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
    expected: &'static str,
) -> Result<Bytes, AppError> {
    if media_type(headers).as_deref() != Some(expected) {
        return Err(AppError::UnsupportedMediaType { expected });
    }
    let limit = state.config().max_body_bytes;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(AppError::BodyTooLarge { limit });
    }
    axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| AppError::BodyTooLarge { limit })
}

fn content_type(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// The HTTP status for TikTok's envelope: the body is passed through unchanged, the status
/// tells the browser (and its fetch) what kind of answer it is.
pub fn status_for(reply: &Reply) -> StatusCode {
    if reply.message == REPLACE_REJECTED_MESSAGE {
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

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, crate::ledger::LedgerError> + Send + 'static,
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

fn post_out(
    endpoint: &'static str,
    headers: &HeaderMap,
    body: Bytes,
    idempotent: bool,
) -> Outbound {
    Outbound {
        method: Method::POST,
        endpoint,
        query: None,
        content_type: content_type(headers),
        body,
        idempotent,
    }
}

async fn segment_audience(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AppError> {
    let start = Instant::now();
    let bytes = read_body(&state, &headers, body, "application/json").await?;
    let obj = guard::parse_object(&bytes)?;
    guard::check_segment_audience(state.config(), &obj)?;
    let deleting = obj.get("action").and_then(Value::as_str) == Some("delete");
    let out = post_out("segment/audience/", &headers, bytes, deleting);
    let reply = state.forward(&out).await?;
    Ok(respond(out.endpoint, reply, 1, start))
}

async fn segment_mapping(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AppError> {
    let start = Instant::now();
    let bytes = read_body(&state, &headers, body, "application/json").await?;
    let obj = guard::parse_object(&bytes)?;
    let plan = guard::check_mapping(state.config(), &obj)?;
    let keys = plan
        .advertiser_ids
        .iter()
        .flat_map(|a| plan.audiences().into_iter().map(move |b| (a.clone(), b)))
        .collect();
    let _locks = state.lock_audiences(keys).await;
    let out = post_out("segment/mapping/", &headers, bytes, true);
    let reply = state.forward(&out).await?;
    if reply.code == 0 {
        let ledger = state.ledger().clone();
        let now = state.clock().now();
        let p = plan.clone();
        blocking(move || ledger.apply_mapping(&p, now)).await?;
    }
    Ok(respond(out.endpoint, reply, plan.rows, start))
}

async fn file_upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AppError> {
    let start = Instant::now();
    let bytes = read_body(&state, &headers, body, "multipart/form-data").await?;
    let ct = content_type(&headers).unwrap_or_default();
    let form = guard::parse_upload(&ct, bytes.clone()).await?;
    let digests = guard::check_upload(state.config(), &form)?;
    let out = post_out("dmp/custom_audience/file/upload/", &headers, bytes, true);
    let reply = state.forward(&out).await?;
    let count = digests.len();
    if reply.code == 0 {
        if let Some(path) = reply.data.get("file_path").and_then(Value::as_str) {
            let (ledger, path, now) = (
                state.ledger().clone(),
                path.to_string(),
                state.clock().now(),
            );
            blocking(move || {
                ledger.remember_file(
                    &path,
                    &form.advertiser_id,
                    form.calculate_type,
                    &digests,
                    now,
                )
            })
            .await?;
        }
    }
    Ok(respond(out.endpoint, reply, count, start))
}

fn id_string(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AppError> {
    let start = Instant::now();
    let bytes = read_body(&state, &headers, body, "application/json").await?;
    let obj = guard::parse_object(&bytes)?;
    let plan = guard::check_create(state.config(), &obj)?;
    let out = post_out("dmp/custom_audience/create/", &headers, bytes, false);
    let reply = state.forward(&out).await?;
    if reply.code == 0 {
        if let Some(id) = id_string(reply.data.get("custom_audience_id")) {
            let _lock = state
                .lock_audiences(vec![(plan.advertiser_id.clone(), id.clone())])
                .await;
            record_files(
                &state,
                &plan.advertiser_id,
                &id,
                FileAction::Append,
                &plan.file_paths,
            )
            .await?;
        }
    }
    Ok(respond(out.endpoint, reply, plan.file_paths.len(), start))
}

/// Applies acknowledged customer files to an audience's ledger entry (the caller holds the
/// audience's lock and has TikTok's `code: 0`).
async fn record_files(
    state: &AppState,
    advertiser_id: &str,
    audience_id: &str,
    action: FileAction,
    file_paths: &[String],
) -> Result<(), AppError> {
    let (ledger, now) = (state.ledger().clone(), state.clock().now());
    let (adv, aud, paths) = (
        advertiser_id.to_owned(),
        audience_id.to_owned(),
        file_paths.to_vec(),
    );
    let o = blocking(move || ledger.apply_files(&adv, &aud, action, &paths, now)).await?;
    if o.files_unknown > 0 {
        tracing::warn!(
            files_unknown = o.files_unknown,
            action = action.as_str(),
            "the audience used files the ledger never saw uploaded"
        );
    }
    Ok(())
}

async fn update(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AppError> {
    let start = Instant::now();
    let bytes = read_body(&state, &headers, body, "application/json").await?;
    let obj = guard::parse_object(&bytes)?;
    let plan = guard::check_update(state.config(), &obj)?;
    let _lock = state
        .lock_audiences(vec![(plan.advertiser_id.clone(), plan.audience_id.clone())])
        .await;
    let replacing = plan.action == FileAction::Replace && !plan.file_paths.is_empty();
    if replacing {
        let (ledger, adv, aud) = (
            state.ledger().clone(),
            plan.advertiser_id.clone(),
            plan.audience_id.clone(),
        );
        let last = blocking(move || ledger.last_replace_at(&adv, &aud)).await?;
        if let Some(t) = last {
            if state.clock().now() - t < REPLACE_INTERVAL_SECS {
                return Err(AppError::ReplaceTooSoon {
                    retry_after: t + REPLACE_INTERVAL_SECS,
                });
            }
        }
    }
    let out = post_out("dmp/custom_audience/update/", &headers, bytes, true);
    let reply = state.forward(&out).await?;
    if reply.code == 0 && !plan.file_paths.is_empty() {
        record_files(
            &state,
            &plan.advertiser_id,
            &plan.audience_id,
            plan.action,
            &plan.file_paths,
        )
        .await?;
    }
    Ok(respond(out.endpoint, reply, plan.file_paths.len(), start))
}

async fn track(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AppError> {
    let start = Instant::now();
    let bytes = read_body(&state, &headers, body, "application/json").await?;
    let obj = guard::parse_object(&bytes)?;
    let events = guard::check_track(&obj)?;
    // Events carry event_id, so TikTok deduplicates a re-send: safe to retry.
    let out = post_out("event/track/", &headers, bytes, true);
    let reply = state.forward(&out).await?;
    Ok(respond(out.endpoint, reply, events, start))
}

async fn forward_get(
    state: AppState,
    endpoint: &'static str,
    query: Option<String>,
) -> Result<Response, AppError> {
    let start = Instant::now();
    let q = query.unwrap_or_default();
    guard::check_query_advertiser(state.config(), &q)?;
    let out = Outbound {
        method: Method::GET,
        endpoint,
        query: Some(q),
        content_type: None,
        body: Bytes::new(),
        idempotent: true,
    };
    let reply = state.forward(&out).await?;
    Ok(respond(endpoint, reply, 0, start))
}

async fn list(State(state): State<AppState>, RawQuery(q): RawQuery) -> Result<Response, AppError> {
    forward_get(state, "dmp/custom_audience/list/", q).await
}

async fn get_audiences(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    forward_get(state, "dmp/custom_audience/get/", q).await
}

async fn ledger_summary(
    State(state): State<AppState>,
    Path((advertiser_id, audience_id)): Path<(String, String)>,
) -> Result<Json<Value>, AppError> {
    guard::allow_advertiser(state.config(), "advertiser_id", &advertiser_id)?;
    let ledger = state.ledger().clone();
    let summary = blocking(move || ledger.summary(&advertiser_id, &audience_id)).await?;
    Ok(Json(json!({
        "code": 0,
        "message": "OK",
        "request_id": new_request_id(),
        "data": summary,
    })))
}

async fn ledger_members(
    State(state): State<AppState>,
    Path((advertiser_id, audience_id)): Path<(String, String)>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    guard::allow_advertiser(state.config(), "advertiser_id", &advertiser_id)?;
    let id_type = guard::query_param(q.as_deref().unwrap_or_default(), "id_type")
        .as_deref()
        .and_then(guard::ledger_id_type)
        .ok_or(AppError::BadField {
            field: "id_type".into(),
            reason: "must be an id_schema or calculate_type name such as EMAIL_SHA256",
        })?;
    let ledger = state.ledger().clone();
    let bytes = blocking(move || ledger.members(&advertiser_id, &audience_id, id_type)).await?;
    Ok(([(header::CONTENT_TYPE, "application/octet-stream")], bytes).into_response())
}
