//! The HTTP surface: TikTok's paths under `/open_api/v1.3/`, `/healthz`, the ledger under
//! `/tikhash/ledger/`, and the static files. Each TikTok handler reads the body (limit and
//! content type), runs the guard, forwards, and writes the ledger only on `code: 0`.

use crate::error::{new_request_id, AppError};
use crate::guard;
use crate::pipeline::{self, blocking};
use crate::state::AppState;
use crate::static_files::StaticFiles;
use crate::{body_gate, headers};
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, Uri};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::{Json, Router};
use bytes::Bytes;
use serde_json::{json, Value};
use std::sync::Arc;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::trace::TraceLayer;

const V: &str = "/open_api/v1.3/";

/// Builds the router. Layers, outermost first: security headers (every response), CORS
/// (when configured), tracing (method and path, never the query), the body gate (permits
/// and the body deadline), then the routes and the static files.
pub fn router(state: AppState) -> Router {
    let cfg = state.config().clone();
    // access: sign-in, session, users, keys and audit routes, and the checks around it all.
    let access = crate::access::Access::new(&cfg, state.ledger().clone());
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
        // connect: Connect/Disconnect, the OAuth callback, the connection and the runs.
        .merge(crate::connect::routes::router())
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(move |method: Method, uri: Uri| async move {
            files.respond(&method, &uri).await
        })
        .layer(middleware::from_fn_with_state(state.clone(), body_gate::gate))
        .with_state(state)
        .merge(crate::access::routes::router(access.clone())) // access
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
                .allow_methods([Method::GET, Method::POST, Method::DELETE])
                .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
                .max_age(std::time::Duration::from_secs(600)),
        );
    }
    // access: outside CORS, so the Host check comes before everything else; the security
    // headers outermost, so access's own refusals carry them too.
    access.wrap(app).layer(middleware::from_fn(headers::secure))
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

/// A JSON endpoint: read, check with `check`, run the pipeline.
async fn json_endpoint(
    state: AppState,
    headers: HeaderMap,
    body: Body,
    check: fn(&crate::config::Config, &[u8]) -> Result<guard::Checked, AppError>,
) -> Result<Response, AppError> {
    let bytes = read_body(&state, &headers, body, "application/json").await?;
    let checked = check(state.config(), &bytes)?;
    pipeline::run(&state, checked).await
}

async fn segment_audience(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AppError> {
    json_endpoint(state, headers, body, guard::check_segment_audience).await
}

async fn segment_mapping(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AppError> {
    json_endpoint(state, headers, body, guard::check_mapping).await
}

async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AppError> {
    json_endpoint(state, headers, body, guard::check_create).await
}

async fn update(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AppError> {
    json_endpoint(state, headers, body, guard::check_update).await
}

async fn track(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AppError> {
    json_endpoint(state, headers, body, |_, bytes| guard::check_track(bytes)).await
}

async fn file_upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AppError> {
    let bytes = read_body(&state, &headers, body, "multipart/form-data").await?;
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let checked = guard::check_upload(state.config(), ct, bytes).await?;
    pipeline::run(&state, checked).await
}

async fn list(State(state): State<AppState>, RawQuery(q): RawQuery) -> Result<Response, AppError> {
    let checked = guard::check_list(state.config(), q.as_deref().unwrap_or_default())?;
    pipeline::run(&state, checked).await
}

async fn get_audiences(
    State(state): State<AppState>,
    RawQuery(q): RawQuery,
) -> Result<Response, AppError> {
    let checked = guard::check_get(state.config(), q.as_deref().unwrap_or_default())?;
    pipeline::run(&state, checked).await
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
    let query = guard::query::Query::parse(q.as_deref().unwrap_or_default(), &["id_type"])?;
    let id_type =
        query
            .get("id_type")
            .and_then(guard::ledger_id_type)
            .ok_or(AppError::BadField {
                field: "id_type".into(),
                reason: "must be an id_schema or calculate_type name such as EMAIL_SHA256",
            })?;
    let ledger = state.ledger().clone();
    let bytes = blocking(move || ledger.members(&advertiser_id, &audience_id, id_type)).await?;
    Ok(([(header::CONTENT_TYPE, "application/octet-stream")], bytes).into_response())
}
