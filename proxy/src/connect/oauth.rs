//! TikTok for Business's OAuth calls (tiktok-api.md §1.1): the consent page address, the
//! code exchange, the advertisers' names and the revocation. They go through
//! [`AppState::call_oauth`], so in the sandbox the simulator answers them. The app secret and
//! the token travel in the request only: nothing here logs a body or a query.

use super::connection::Advertiser;
use crate::config::{AccessToken, OAuthApp};
use crate::error::AppError;
use crate::state::AppState;
use crate::upstream::{Outbound, Reply};
use axum::http::Method;
use bytes::Bytes;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use serde_json::{json, Value};

/// `value` percent-encoded for a query string.
pub fn encode(value: &str) -> String {
    utf8_percent_encode(value, NON_ALPHANUMERIC).to_string()
}

/// Where `GET /tikhash/connect` sends the browser: the consent page with `app_id`, `state`
/// and `redirect_uri`.
pub fn consent_location(
    consent_url: &str,
    app: &OAuthApp,
    state: &str,
    redirect_uri: &str,
) -> String {
    format!(
        "{consent_url}?app_id={}&state={}&redirect_uri={}",
        encode(&app.app_id),
        encode(state),
        encode(redirect_uri)
    )
}

fn post_json(endpoint: &'static str, body: &Value, idempotent: bool) -> Outbound {
    Outbound {
        method: Method::POST,
        endpoint,
        query: None,
        content_type: Some("application/json".to_string()),
        body: Bytes::from(body.to_string()),
        idempotent,
    }
}

/// What the code exchange granted.
#[derive(Debug, Clone)]
pub struct Grant {
    /// The advertiser token (it does not expire).
    pub token: AccessToken,
    /// The advertisers the account authorized.
    pub advertiser_ids: Vec<String>,
}

/// `POST oauth2/access_token/` `{app_id, secret, auth_code}`; anything but `code: 0` with a
/// token and digit-only advertiser ids is [`AppError::OAuthExchangeFailed`].
pub async fn exchange(
    state: &AppState,
    app: &OAuthApp,
    auth_code: &str,
) -> Result<Grant, AppError> {
    let body = json!({"app_id": app.app_id, "secret": app.secret.expose(), "auth_code": auth_code});
    // The code is single-use: a retry after a timeout could only fail, so none.
    let reply = state
        .call_oauth(&post_json("oauth2/access_token/", &body, false), None)
        .await?;
    let failed = |reply: &Reply| AppError::OAuthExchangeFailed {
        tiktok_code: reply.code,
    };
    if reply.code != 0 {
        tracing::warn!(code = reply.code, tiktok_request_id = %reply.request_id, "TikTok refused the authorization code");
        return Err(failed(&reply));
    }
    let token = reply.data["access_token"]
        .as_str()
        .filter(|t| !t.is_empty())
        .ok_or_else(|| failed(&reply))?;
    let mut advertiser_ids = Vec::new();
    for id in reply.data["advertiser_ids"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let id = match id {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            _ => return Err(failed(&reply)),
        };
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(failed(&reply));
        }
        advertiser_ids.push(id);
    }
    Ok(Grant {
        token: token.into(),
        advertiser_ids,
    })
}

/// The authorized advertisers with their names from `GET oauth2/advertiser/get/`; an id
/// TikTok does not name (or a failed call) keeps an empty name.
pub async fn name_advertisers(state: &AppState, app: &OAuthApp, grant: &Grant) -> Vec<Advertiser> {
    let out = Outbound {
        method: Method::GET,
        endpoint: "oauth2/advertiser/get/",
        query: Some(format!(
            "app_id={}&secret={}",
            encode(&app.app_id),
            encode(app.secret.expose())
        )),
        content_type: None,
        body: Bytes::new(),
        idempotent: true,
    };
    let names: Vec<(String, String)> = match state.call_oauth(&out, Some(&grant.token)).await {
        Ok(reply) if reply.code == 0 => reply.data["list"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| {
                let id = match &a["advertiser_id"] {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    _ => return None,
                };
                let name: String = a["advertiser_name"]
                    .as_str()
                    .unwrap_or_default()
                    .chars()
                    .take(200)
                    .collect();
                Some((id, name))
            })
            .collect(),
        Ok(reply) => {
            tracing::warn!(code = reply.code, "TikTok did not name the advertisers");
            Vec::new()
        }
        Err(e) => {
            tracing::warn!("TikTok did not name the advertisers: {e}");
            Vec::new()
        }
    };
    grant
        .advertiser_ids
        .iter()
        .map(|id| Advertiser {
            advertiser_id: id.clone(),
            advertiser_name: names
                .iter()
                .find(|(n, _)| n == id)
                .map(|(_, name)| name.clone())
                .unwrap_or_default(),
        })
        .collect()
}

/// `POST oauth2/revoke_token/` `{app_id, secret, access_token}`; true when TikTok answered
/// `code: 0`. A failure is logged (the token is forgotten either way).
pub async fn revoke(state: &AppState, app: &OAuthApp, token: &AccessToken) -> bool {
    let body = json!({"app_id": app.app_id, "secret": app.secret.expose(), "access_token": token.expose()});
    match state
        .call_oauth(&post_json("oauth2/revoke_token/", &body, true), Some(token))
        .await
    {
        Ok(reply) if reply.code == 0 => true,
        Ok(reply) => {
            tracing::warn!(code = reply.code, "TikTok did not confirm the revocation");
            false
        }
        Err(e) => {
            tracing::warn!("TikTok did not confirm the revocation: {e}");
            false
        }
    }
}
