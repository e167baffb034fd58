//! The access endpoints: sign in (the printed link, or a name and password), sign out,
//! who-am-I, and the admins' lists of users, keys and the audit log. All answer in TikTok's
//! envelope.

use super::{audit, keys, sessions, users, Access, AccessError, Principal, Role, Via};
use crate::error::{new_request_id, AppError};
use axum::body::Body;
use axum::extract::{ConnectInfo, Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Extension, Json, Router};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};
use std::net::SocketAddr;

/// Sign-in bodies are small; anything bigger is refused before parsing.
const MAX_SIGN_IN_BYTES: usize = 4096;

/// The access routes, with their state.
pub fn router(access: Access) -> Router {
    Router::new()
        .route("/tikhash/login/link", post(login_link))
        .route("/tikhash/login/password", post(login_password))
        .route("/tikhash/logout", post(logout))
        .route("/tikhash/session", get(session))
        .route("/tikhash/users", get(list_users))
        .route("/tikhash/users/{name}", delete(remove_user))
        .route("/tikhash/keys", get(list_keys))
        .route("/tikhash/keys/{name}", delete(revoke_key))
        .route("/tikhash/audit", get(list_audit))
        .method_not_allowed_fallback(|| async { AppError::MethodNotAllowed })
        .with_state(access)
}

fn envelope(data: Value) -> Json<Value> {
    Json(json!({
        "code": 0,
        "message": "OK",
        "request_id": new_request_id(),
        "data": data,
    }))
}

async fn json_body<T: DeserializeOwned>(headers: &HeaderMap, body: Body) -> Result<T, AppError> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !ct.starts_with("application/json") {
        return Err(AppError::UnsupportedMediaType {
            expected: "application/json",
        });
    }
    let bytes = axum::body::to_bytes(body, MAX_SIGN_IN_BYTES)
        .await
        .map_err(|_| AppError::BodyTooLarge {
            limit: MAX_SIGN_IN_BYTES,
        })?;
    serde_json::from_slice(&bytes).map_err(|_| AppError::MalformedJson)
}

/// Answers a new session: the cookie, and who signed in (also for the audit log).
fn signed_in(access: &Access, id: &str, who: Principal) -> Response {
    let mut resp = envelope(json!(who)).into_response();
    if let Ok(v) = HeaderValue::from_str(&access.session_cookie_header(id)) {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    resp.extensions_mut().insert(who);
    resp
}

#[derive(Deserialize)]
struct LinkBody {
    token: String,
}

async fn login_link(
    State(access): State<Access>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AppError> {
    let LinkBody { token } = json_body(&headers, body).await?;
    let (now, ttl) = (access.now(), access.session_ttl_secs());
    let id = access
        .blocking(move |a| {
            if !sessions::redeem_link(a.ledger(), &token, now)? {
                return Ok(None);
            }
            sessions::create(
                a.ledger(),
                sessions::OWNER,
                Role::Admin,
                Via::Link,
                now,
                ttl,
            )
            .map(Some)
        })
        .await?
        .ok_or(AppError::SignInFailed)?;
    let who = Principal {
        name: sessions::OWNER.to_string(),
        role: Role::Admin,
        via: Via::Link,
    };
    tracing::info!("the owner signed in with the start-up link");
    Ok(signed_in(&access, &id, who))
}

#[derive(Deserialize)]
struct PasswordBody {
    name: String,
    password: String,
}

async fn login_password(
    State(access): State<Access>,
    client: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AppError> {
    let PasswordBody { name, password } = json_body(&headers, body).await?;
    // Without connection info (in-process tests) every client shares one bucket.
    let client = client.map_or_else(|| "unknown".to_string(), |c| c.0 .0.ip().to_string());
    if !access.limiter().allow(&name, &client) {
        return Err(AppError::TooManyAttempts);
    }
    let (now, ttl) = (access.now(), access.session_ttl_secs());
    let user = name.clone();
    let found = access
        .blocking(
            move |a| match users::verify(a.ledger(), &user, &password)? {
                Some(role) => {
                    let id = sessions::create(a.ledger(), &user, role, Via::Password, now, ttl)?;
                    Ok(Some((id, role)))
                }
                None => Ok(None),
            },
        )
        .await?;
    let Some((id, role)) = found else {
        tracing::info!("a password sign-in failed");
        return Err(AppError::SignInFailed);
    };
    let who = Principal {
        name,
        role,
        via: Via::Password,
    };
    Ok(signed_in(&access, &id, who))
}

async fn logout(State(access): State<Access>, headers: HeaderMap) -> Result<Response, AppError> {
    if let Some(id) = super::layer::session_cookie(&headers) {
        access
            .blocking(move |a| sessions::end(a.ledger(), &id))
            .await?;
    }
    let mut resp = envelope(json!({})).into_response();
    if let Ok(v) = HeaderValue::from_str(&access.clearing_cookie_header()) {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(resp)
}

async fn session(who: Principal) -> Json<Value> {
    envelope(json!(who))
}

async fn list_users(State(access): State<Access>) -> Result<Json<Value>, AppError> {
    let list = access.blocking(|a| users::list(a.ledger())).await?;
    Ok(envelope(json!({ "users": list })))
}

fn not_found_as_404<T>(r: Result<T, AccessError>) -> Result<Option<T>, AccessError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(AccessError::NoSuchName) => Ok(None),
        Err(e) => Err(e),
    }
}

async fn remove_user(
    State(access): State<Access>,
    Path(name): Path<String>,
) -> Result<Json<Value>, AppError> {
    access
        .blocking(move |a| not_found_as_404(users::remove(a.ledger(), &name)))
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(envelope(json!({})))
}

async fn list_keys(State(access): State<Access>) -> Result<Json<Value>, AppError> {
    let list = access.blocking(|a| keys::list(a.ledger())).await?;
    Ok(envelope(json!({ "keys": list })))
}

async fn revoke_key(
    State(access): State<Access>,
    Path(name): Path<String>,
) -> Result<Json<Value>, AppError> {
    access
        .blocking(move |a| not_found_as_404(keys::revoke(a.ledger(), &name)))
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(envelope(json!({})))
}

/// The most entries one `GET /tikhash/audit` returns.
pub const MAX_AUDIT_LIMIT: u32 = 1000;

async fn list_audit(
    State(access): State<Access>,
    RawQuery(q): RawQuery,
) -> Result<Json<Value>, AppError> {
    let query = crate::guard::query::Query::parse(q.as_deref().unwrap_or_default(), &["limit"])?;
    let limit = match query.get("limit") {
        None => 100,
        Some(v) => v
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=MAX_AUDIT_LIMIT).contains(n))
            .ok_or(AppError::BadField {
                field: "limit".into(),
                reason: "must be a whole number from 1 to 1000",
            })?,
    };
    access.audit().flush().await;
    let entries = access
        .blocking(move |a| Ok(audit::list(a.ledger(), limit)?))
        .await?;
    Ok(envelope(json!({ "entries": entries })))
}
