//! connect: the simulated TikTok for Business OAuth endpoints (tiktok-api.md §1.1), so the
//! whole Connect flow runs on a fresh machine. The consent page is a static page of the proxy
//! (`www/sandbox-consent.html`); its Authorize button gets a code from
//! [`super::Sandbox::issue_auth_code`].

use super::{Refusal, World};
use crate::config::OAuthApp;
use crate::guard::query::Query;
use serde_json::{json, Map, Value};

/// The two made-up advertisers the simulated account authorizes: `(id, name)`.
pub const SANDBOX_ADVERTISERS: [(&str, &str); 2] = [
    ("7000000000000000001", "Sandbox Shoes Ltd"),
    ("7000000000000000002", "Sandbox Coffee Co"),
];

fn app_matches(app_id: Option<&str>, secret: Option<&str>) -> Result<(), Refusal> {
    let app = OAuthApp::sandbox();
    if app_id == Some(app.app_id.as_str()) && secret == Some(app.secret.expose()) {
        Ok(())
    } else {
        Err((40101, "app_id or secret is not correct".to_string()))
    }
}

fn field<'a>(o: &'a Map<String, Value>, k: &str) -> Option<&'a str> {
    o.get(k).and_then(Value::as_str)
}

/// `POST oauth2/access_token/`: trades a code issued by the consent page (once) for a token.
pub(super) fn access_token(w: &mut World, o: &Map<String, Value>) -> Result<Value, Refusal> {
    app_matches(field(o, "app_id"), field(o, "secret"))?;
    let code = field(o, "auth_code").unwrap_or_default();
    if !w.auth_codes.remove(code) {
        return Err((
            40110,
            "The auth_code has been used or has expired".to_string(),
        ));
    }
    let token = format!("sandbox-token-{:032x}", fastrand::u128(..));
    w.tokens.insert(token.clone());
    Ok(json!({
        "access_token": token,
        "advertiser_ids": SANDBOX_ADVERTISERS.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
        "scope": [4, 5],
    }))
}

/// `GET oauth2/advertiser/get/?app_id=…&secret=…`: the advertisers' names.
pub(super) fn advertisers(raw_query: &str) -> Result<Value, Refusal> {
    let q = Query::parse(raw_query, &["app_id", "secret"]).map_err(|_| {
        (
            40002,
            "app_id and secret are the only parameters".to_string(),
        )
    })?;
    app_matches(q.get("app_id"), q.get("secret"))?;
    let list: Vec<Value> = SANDBOX_ADVERTISERS
        .iter()
        .map(|(id, name)| json!({"advertiser_id": id, "advertiser_name": name}))
        .collect();
    Ok(json!({ "list": list }))
}

/// `POST oauth2/revoke_token/`: the token stops working.
pub(super) fn revoke(w: &mut World, o: &Map<String, Value>) -> Result<Value, Refusal> {
    app_matches(field(o, "app_id"), field(o, "secret"))?;
    let token = field(o, "access_token").unwrap_or_default();
    if !w.tokens.remove(token) {
        return Err((
            40105,
            "Access token is invalid or has been revoked".to_string(),
        ));
    }
    Ok(json!({}))
}
