//! The connect routes: `GET /tikhash/connect` (admin), `GET /tikhash/oauth/callback`
//! (public, see [`super::CALLBACK_PATH`]), `GET /tikhash/connection`, `POST
//! /tikhash/disconnect` (admin), the sandbox's `GET /tikhash/sandbox/authorize`, and the run
//! history (`GET`/`POST /tikhash/runs`, [`super::runs`]). Roles: `access::layer::needed_role`.

use super::connection::Live;
use super::{oauth, runs, store, ConnectError};
use crate::access::layer::cookie_value;
use crate::access::Principal;
use crate::error::{new_request_id, AppError};
use crate::state::AppState;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use percent_encoding::percent_decode_str;
use serde_json::{json, Value};

/// The cookie binding a `state` to the browser that started Connect. `SameSite=Lax`: it
/// must come back on the top-level navigation from TikTok's site.
pub const BINDING_COOKIE: &str = "tikhash_oauth";

/// Where the browser lands after connecting: the page's step 0.
pub const AFTER_CONNECT: &str = "/#tiktok-account";

/// The connect routes (merged into the main router before its state is given).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tikhash/connect", get(connect))
        .route(super::CALLBACK_PATH, get(callback))
        .route("/tikhash/connection", get(connection))
        .route("/tikhash/disconnect", post(disconnect))
        .route("/tikhash/sandbox/authorize", get(sandbox_authorize))
        .route("/tikhash/runs", get(runs::list).post(runs::write))
}

/// TikTok's envelope around `data`, as the proxy's own answers are.
pub fn envelope(data: Value) -> Json<Value> {
    Json(json!({"code": 0, "message": "OK", "request_id": new_request_id(), "data": data}))
}

/// Runs a blocking store call; failures are logged and answered generically.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ConnectError> + Send + 'static,
) -> Result<T, AppError> {
    match tokio::task::spawn_blocking(f).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => {
            tracing::error!("TikTok connection: {e}");
            Err(AppError::Vault(e.to_string()))
        }
        Err(e) => Err(AppError::Vault(e.to_string())),
    }
}

fn redirect(location: &str, cookie: Option<String>) -> Response {
    let mut resp = StatusCode::FOUND.into_response();
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(location) {
        h.insert(header::LOCATION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Some(v) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        h.insert(header::SET_COOKIE, v);
    }
    resp
}

fn binding_cookie(state: &AppState, value: &str, max_age: i64) -> String {
    let secure = state.config().public_url.as_ref().is_some_and(|u| u.https);
    format!(
        "{BINDING_COOKIE}={value}; HttpOnly; SameSite=Lax; Path={}; Max-Age={max_age}{}",
        super::CALLBACK_PATH,
        if secure { "; Secure" } else { "" }
    )
}

/// `GET /tikhash/connect` (admin): a fresh single-use `state` bound to this browser, then
/// TikTok's consent page.
async fn connect(State(state): State<AppState>, who: Principal) -> Result<Response, AppError> {
    let app = state
        .config()
        .oauth_app()
        .ok_or(AppError::OAuthNotConfigured)?;
    let (ledger, now, name) = (
        state.ledger().clone(),
        state.clock().now(),
        who.name.clone(),
    );
    let (oauth_state, binding) = blocking(move || store::issue_state(&ledger, &name, now)).await?;
    let location = oauth::consent_location(
        state.config().consent_url(),
        &app,
        &oauth_state,
        &state.config().redirect_uri(),
    );
    tracing::info!(who = %who.name, "sent to TikTok's consent page");
    Ok(redirect(
        &location,
        Some(binding_cookie(&state, &binding, store::STATE_TTL_SECS)),
    ))
}

/// The first value of each of `keys` in a query string (decoded; `+` is a space).
fn query_values<'a>(raw: &str, keys: &[&'a str]) -> Vec<(&'a str, String)> {
    let mut found: Vec<(&str, String)> = Vec::new();
    for pair in raw.split('&') {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let Some(key) = keys.iter().find(|key| **key == k) else {
            continue;
        };
        if found.iter().any(|(f, _)| f == key) {
            continue;
        }
        let v = v.replace('+', " ");
        if let Ok(v) = percent_decode_str(&v).decode_utf8() {
            found.push((key, v.into_owned()));
        }
    }
    found
}

/// `GET /tikhash/oauth/callback?auth_code=…&state=…` (or `code=…`): checks the state, then
/// exchanges the code, names the advertisers, stores the sealed token and goes to the page.
async fn callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let app = state
        .config()
        .oauth_app()
        .ok_or(AppError::OAuthNotConfigured)?;
    let values = query_values(
        raw.as_deref().unwrap_or_default(),
        &["auth_code", "code", "state"],
    );
    let value = |k: &str| {
        values
            .iter()
            .find(|(key, _)| *key == k)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_empty() && v.len() <= 1024)
    };
    let (Some(oauth_state), Some(binding)) =
        (value("state"), cookie_value(&headers, BINDING_COOKIE))
    else {
        return Err(AppError::OAuthStateRefused);
    };
    let (ledger, now) = (state.ledger().clone(), state.clock().now());
    let who = blocking(move || store::redeem_state(&ledger, &oauth_state, &binding, now))
        .await?
        .ok_or(AppError::OAuthStateRefused)?;
    let code = value("auth_code")
        .or_else(|| value("code"))
        .ok_or(AppError::OAuthStateRefused)?;
    let grant = oauth::exchange(&state, &app, &code).await?;
    let advertisers = oauth::name_advertisers(&state, &app, &grant).await;
    let live = Live {
        token: Some(grant.token),
        advertisers,
        connected_at: state.clock().now(),
        connected_by: who.clone(),
        needs_reconnect: false,
    };
    let (ledger, vault, stored) = (state.ledger().clone(), state.vault().clone(), live.clone());
    blocking(move || store::save(&ledger, &vault, &stored)).await?;
    tracing::info!(
        who = %who,
        advertisers = live.advertisers.len(),
        "connected a TikTok account"
    );
    state.config().connection.set(Some(live));
    Ok(redirect(AFTER_CONNECT, Some(binding_cookie(&state, "", 0))))
}

/// `GET /tikhash/connection`: whether an account is connected, for whom, and the advertisers
/// this proxy allows (authorized ∩ `TIKHASH_ADVERTISER_IDS` when set).
async fn connection(State(state): State<AppState>) -> Json<Value> {
    let c = state.config();
    let mode = if c.is_sandbox() {
        "sandbox"
    } else if c.oauth.is_some() {
        "oauth"
    } else {
        "token"
    };
    let data = match c.connection.get() {
        Some(live) => {
            let advertisers: Vec<&super::Advertiser> = live
                .advertisers
                .iter()
                .filter(|a| c.advertiser_allowed(&a.advertiser_id))
                .collect();
            json!({
                "connected": true,
                "needs_reconnect": live.needs_reconnect,
                "advertisers": advertisers,
                "connected_at": live.connected_at,
                "connected_by": live.connected_by,
                "mode": mode,
                "can_connect": c.oauth_app().is_some(),
            })
        }
        None => {
            // The headless alternative: TIKTOK_ACCESS_TOKEN with its advertiser list.
            let headless = c.access_token.is_some();
            let advertisers: Vec<Value> = if headless {
                c.advertiser_ids
                    .iter()
                    .flatten()
                    .map(|id| json!({"advertiser_id": id, "advertiser_name": ""}))
                    .collect()
            } else {
                Vec::new()
            };
            json!({
                "connected": headless,
                "needs_reconnect": false,
                "advertisers": advertisers,
                "connected_at": null,
                "connected_by": if headless { json!("TIKTOK_ACCESS_TOKEN") } else { Value::Null },
                "mode": mode,
                "can_connect": c.oauth_app().is_some(),
            })
        }
    };
    envelope(data)
}

/// `POST /tikhash/disconnect` (admin): revokes the token at TikTok and forgets it.
async fn disconnect(
    State(state): State<AppState>,
    who: Principal,
) -> Result<Json<Value>, AppError> {
    let live = state
        .config()
        .connection
        .get()
        .ok_or(AppError::NotConnected)?;
    let revoked = match (&live.token, state.config().oauth_app()) {
        (Some(token), Some(app)) => oauth::revoke(&state, &app, token).await,
        _ => false,
    };
    let ledger = state.ledger().clone();
    blocking(move || store::forget(&ledger)).await?;
    state.config().connection.set(None);
    tracing::info!(who = %who.name, revoked, "disconnected the TikTok account");
    Ok(envelope(json!({"connected": false, "revoked": revoked})))
}

/// `GET /tikhash/sandbox/authorize?state=…` (sandbox only): the simulated consent page's
/// Authorize button. Issues a code and sends the browser to the callback, as TikTok would.
async fn sandbox_authorize(
    State(state): State<AppState>,
    who: Principal,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let sandbox = state.sandbox().ok_or(AppError::NotFound)?;
    tracing::info!(who = %who.name, "authorized on the simulated consent page");
    let values = query_values(raw.as_deref().unwrap_or_default(), &["state"]);
    let oauth_state = values
        .first()
        .map(|(_, v)| v.clone())
        .filter(|v| !v.is_empty() && v.len() <= 128)
        .ok_or(AppError::OAuthStateRefused)?;
    let code = sandbox.issue_auth_code();
    let location = format!(
        "{}?auth_code={}&state={}",
        super::CALLBACK_PATH,
        oauth::encode(&code),
        oauth::encode(&oauth_state)
    );
    Ok(redirect(&location, None))
}
