//! Connecting a TikTok account (issue 8) against a fake TikTok on 127.0.0.1 that implements
//! the consent page, `oauth2/access_token/`, `oauth2/advertiser/get/`,
//! `oauth2/revoke_token/` and the API, and records every request: Connect → sync → restart →
//! disconnect; wrong, replayed, foreign and expired states; a failed exchange; a 40105 later;
//! the allow-list; the sandbox's simulated consent; the run history. The token never appears
//! in the database file, the log, or any response.

mod common;

use axum::body::Body;
use axum::extract::State;
use axum::http::{Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{routing, Json, Router};
use common::*;
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashSet};
use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use tikhash_proxy::access::Role;
use tikhash_proxy::config::{OAuthApp, PublicUrl};
use tikhash_proxy::{Config, RetryPolicy};

const APP_ID: &str = "7300000000000000001";
const APP_SECRET: &str = "app-secret-S3CRET-4c1d";
const TOKEN: &str = "tt-advertiser-token-Zq9XkP2mL7vR4";
const OTHER_ADV: &str = "7099999999999999999";
const FOREIGN_ADV: &str = "7011111111111111111";

// ---------------------------------------------------------------------------------------
// The log of the whole test binary, searched for the token.

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn log() -> &'static Captured {
    static LOG: OnceLock<Captured> = OnceLock::new();
    LOG.get_or_init(|| {
        let log = Captured::default();
        let writer = log.clone();
        let _ = tracing::subscriber::set_global_default(
            tracing_subscriber::fmt()
                .with_env_filter("trace")
                .with_ansi(false)
                .with_writer(move || writer.clone())
                .finish(),
        );
        log
    })
}

fn log_text() -> String {
    String::from_utf8_lossy(&log().0.lock().unwrap()).into_owned()
}

// ---------------------------------------------------------------------------------------
// The fake TikTok.

#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path_and_query: String,
    token: Option<String>,
    body: Vec<u8>,
}

#[derive(Default)]
struct World {
    seen: Vec<Seen>,
    codes: HashSet<String>,
    /// What the code exchange answers (0: a token).
    exchange_code: i64,
    /// What every API call answers.
    api_code: i64,
    revoked: bool,
}

#[derive(Clone, Default)]
struct FakeTikTok(Arc<Mutex<World>>);

impl FakeTikTok {
    fn seen(&self) -> Vec<Seen> {
        self.0.lock().unwrap().seen.clone()
    }
    fn seen_at(&self, path: &str) -> Vec<Seen> {
        self.seen()
            .into_iter()
            .filter(|s| s.path_and_query.starts_with(path))
            .collect()
    }
    fn set(&self, f: impl FnOnce(&mut World)) {
        f(&mut self.0.lock().unwrap())
    }
}

fn envelope(code: i64, data: Value) -> Json<Value> {
    Json(
        json!({"code": code, "message": if code == 0 { "OK" } else { "refused" },
        "request_id": format!("tt-{code}"), "data": data}),
    )
}

async fn record(fake: &FakeTikTok, req: Request<Body>) -> (Seen, Vec<(String, String)>) {
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, 1 << 20).await.unwrap().to_vec();
    let seen = Seen {
        method: parts.method.to_string(),
        path_and_query: parts.uri.path_and_query().unwrap().to_string(),
        token: parts
            .headers
            .get("access-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        body,
    };
    fake.0.lock().unwrap().seen.push(seen.clone());
    let query = parts
        .uri
        .query()
        .unwrap_or_default()
        .split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| {
            (
                k.to_string(),
                percent_encoding::percent_decode_str(v)
                    .decode_utf8()
                    .unwrap()
                    .into_owned(),
            )
        })
        .collect();
    (seen, query)
}

fn q<'a>(query: &'a [(String, String)], k: &str) -> Option<&'a str> {
    query
        .iter()
        .find(|(key, _)| key == k)
        .map(|(_, v)| v.as_str())
}

/// The consent page: the account holder approves at once, and TikTok sends the browser to
/// `redirect_uri` with a fresh code and the state.
async fn auth_page(State(fake): State<FakeTikTok>, req: Request<Body>) -> Response {
    let (_, query) = record(&fake, req).await;
    assert_eq!(q(&query, "app_id"), Some(APP_ID));
    let code = format!("auth-code-{}", fastrand::u64(..));
    fake.0.lock().unwrap().codes.insert(code.clone());
    let location = format!(
        "{}?auth_code={code}&state={}",
        q(&query, "redirect_uri").unwrap(),
        q(&query, "state").unwrap()
    );
    (StatusCode::FOUND, [("location", location)]).into_response()
}

async fn access_token(State(fake): State<FakeTikTok>, req: Request<Body>) -> Json<Value> {
    let (seen, _) = record(&fake, req).await;
    let body: Value = serde_json::from_slice(&seen.body).unwrap();
    let mut w = fake.0.lock().unwrap();
    if w.exchange_code != 0 {
        return envelope(w.exchange_code, json!({}));
    }
    let ok = body["app_id"] == APP_ID
        && body["secret"] == APP_SECRET
        && w.codes
            .remove(body["auth_code"].as_str().unwrap_or_default());
    if !ok {
        return envelope(40110, json!({}));
    }
    w.revoked = false;
    envelope(
        0,
        json!({"access_token": TOKEN, "advertiser_ids": [ADV, OTHER_ADV], "scope": [4]}),
    )
}

async fn advertiser_get(State(fake): State<FakeTikTok>, req: Request<Body>) -> Json<Value> {
    let (seen, query) = record(&fake, req).await;
    let ok = seen.token.as_deref() == Some(TOKEN)
        && q(&query, "app_id") == Some(APP_ID)
        && q(&query, "secret") == Some(APP_SECRET);
    if !ok {
        return envelope(40105, json!({}));
    }
    envelope(
        0,
        json!({"list": [
            {"advertiser_id": ADV, "advertiser_name": "Acme Shoes"},
            {"advertiser_id": OTHER_ADV, "advertiser_name": "Acme Outlet"}]}),
    )
}

async fn revoke(State(fake): State<FakeTikTok>, req: Request<Body>) -> Json<Value> {
    let (seen, _) = record(&fake, req).await;
    let body: Value = serde_json::from_slice(&seen.body).unwrap();
    let ok =
        body["app_id"] == APP_ID && body["secret"] == APP_SECRET && body["access_token"] == TOKEN;
    fake.0.lock().unwrap().revoked = ok;
    envelope(if ok { 0 } else { 40105 }, json!({}))
}

async fn api(State(fake): State<FakeTikTok>, req: Request<Body>) -> Json<Value> {
    let (seen, _) = record(&fake, req).await;
    let w = fake.0.lock().unwrap();
    if w.revoked || seen.token.as_deref() != Some(TOKEN) {
        return envelope(40105, json!({}));
    }
    envelope(w.api_code, json!({}))
}

async fn start() -> (FakeTikTok, SocketAddr) {
    let fake = FakeTikTok::default();
    let v = "/open_api/v1.3";
    let router = Router::new()
        .route("/portal/auth", routing::get(auth_page))
        .route(
            &format!("{v}/oauth2/access_token/"),
            routing::post(access_token),
        )
        .route(
            &format!("{v}/oauth2/advertiser/get/"),
            routing::get(advertiser_get),
        )
        .route(&format!("{v}/oauth2/revoke_token/"), routing::post(revoke))
        .route(&format!("{v}/{{*rest}}"), routing::any(api))
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (fake, addr)
}

// ---------------------------------------------------------------------------------------
// The proxy side.

fn connect_config(addr: SocketAddr, db: &std::path::Path) -> Config {
    let mut c = Config::sandbox();
    c.api_base = format!("http://{addr}/open_api/v1.3");
    c.auth_url = format!("http://{addr}/portal/auth");
    c.oauth = Some(OAuthApp {
        app_id: APP_ID.into(),
        secret: APP_SECRET.into(),
    });
    c.public_url = PublicUrl::parse(&format!("http://{HOST}"));
    c.db_path = db.to_path_buf();
    c.retry = RetryPolicy {
        max_attempts: 2,
        attempt_timeout: Duration::from_millis(500),
        total_timeout: Duration::from_millis(1500),
        base_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(20),
    };
    c
}

/// A proxy on the ledger `db` (kept by the caller's folder, so it survives a restart).
fn proxy(config: Config) -> TestApp {
    let db = config.db_path.clone();
    build_with_db(config, tempfile::tempdir().unwrap(), db)
}

/// Every answer a test received, searched for the token at the end.
#[derive(Default)]
struct Answers(Vec<String>);

impl Answers {
    fn keep(&mut self, a: Answer) -> Answer {
        let headers: Vec<String> = a
            .headers
            .iter()
            .map(|(k, v)| format!("{k}: {}", v.to_str().unwrap_or_default()))
            .collect();
        self.0.push(format!("{}\n{}", headers.join("\n"), a.text()));
        a
    }
    fn assert_no_token(&self) {
        for a in &self.0 {
            assert!(!a.contains(TOKEN), "the token in a response: {a}");
            assert!(!a.contains(APP_SECRET), "the app secret in a response: {a}");
        }
    }
}

fn header(a: &Answer, name: &str) -> String {
    a.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// Runs Connect up to TikTok's redirect back: returns the callback path with its query and
/// the binding cookie.
async fn start_connect(t: &TestApp, answers: &mut Answers) -> (String, String) {
    let a = answers.keep(get(&t.router, "/tikhash/connect").await);
    assert_eq!(a.status, StatusCode::FOUND, "{}", a.text());
    let location = header(&a, "location");
    let cookie = header(&a, "set-cookie");
    assert!(cookie.contains("SameSite=Lax") && cookie.contains("HttpOnly"));
    let binding = cookie.split(';').next().unwrap().to_string();
    // The browser follows the redirect to the consent page; the account holder approves.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .unwrap();
    let r = client.get(&location).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 302);
    let back = r.headers()["location"].to_str().unwrap().to_string();
    let prefix = format!("http://{HOST}/tikhash/oauth/callback?");
    assert!(back.starts_with(&prefix), "{back}");
    (back[format!("http://{HOST}").len()..].to_string(), binding)
}

/// The browser arriving back from TikTok: no session cookie, only the binding cookie.
async fn callback(t: &TestApp, path: &str, binding: &str) -> Answer {
    let mut req = Request::get(path).header("host", HOST);
    if !binding.is_empty() {
        req = req.header("cookie", binding);
    }
    send(&t.raw, req.body(Body::empty()).unwrap()).await
}

async fn connect(t: &TestApp, answers: &mut Answers) {
    let (path, binding) = start_connect(t, answers).await;
    let a = answers.keep(callback(t, &path, &binding).await);
    assert_eq!(a.status, StatusCode::FOUND, "{}", a.text());
    assert_eq!(header(&a, "location"), "/#tiktok-account");
}

async fn sync(t: &TestApp, advertiser: &str, answers: &mut Answers) -> Answer {
    let mut body = mapping_body("add", "555", &[email(1), email(2)]);
    body["advertiser_ids"] = json!([advertiser]);
    answers.keep(post_json(&t.router, "/open_api/v1.3/segment/mapping/", &body).await)
}

fn db_bytes(db: &std::path::Path) -> Vec<u8> {
    let mut all = Vec::new();
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        if let Ok(b) = std::fs::read(std::path::PathBuf::from(p)) {
            all.extend(b);
        }
    }
    all
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn connect_sync_restart_disconnect() {
    log();
    let (fake, addr) = start().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.db");
    let mut answers = Answers::default();
    let t = proxy(connect_config(addr, &db));

    // Not connected: TikTok calls are refused and nothing is forwarded.
    let c = answers
        .keep(get(&t.router, "/tikhash/connection").await)
        .json();
    assert_eq!(
        (&c["data"]["connected"], &c["data"]["mode"]),
        (&json!(false), &json!("oauth"))
    );
    let a = sync(&t, ADV, &mut answers).await;
    assert_eq!((a.status, a.code()), (StatusCode::CONFLICT, 94092));
    assert!(fake.seen().is_empty());

    // Connect: the consent page gets the app, a ≥128-bit state and the redirect URI.
    let a = answers.keep(get(&t.router, "/tikhash/connect").await);
    let location = header(&a, "location");
    assert!(location.starts_with(&format!("http://{addr}/portal/auth?app_id={APP_ID}&state=")));
    assert!(location.ends_with(
        "&redirect_uri=http%3A%2F%2F127%2E0%2E0%2E1%3A8787%2Ftikhash%2Foauth%2Fcallback"
    ));
    let state = location
        .split("state=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    assert!(state.len() >= 32 && state.bytes().all(|b| b.is_ascii_hexdigit()));
    connect(&t, &mut answers).await;
    let exchange = fake.seen_at("/open_api/v1.3/oauth2/access_token/");
    assert_eq!(exchange.len(), 1);
    assert_eq!(
        (exchange[0].method.as_str(), exchange[0].token.as_deref()),
        ("POST", None)
    );
    let sent: Value = serde_json::from_slice(&exchange[0].body).unwrap();
    assert_eq!(sent["app_id"], APP_ID);
    assert_eq!(sent["secret"], APP_SECRET);
    assert!(sent["auth_code"]
        .as_str()
        .unwrap()
        .starts_with("auth-code-"));
    let names = fake.seen_at("/open_api/v1.3/oauth2/advertiser/get/");
    assert_eq!(names[0].token.as_deref(), Some(TOKEN));
    assert_eq!(
        names[0].path_and_query,
        format!("/open_api/v1.3/oauth2/advertiser/get/?app_id={APP_ID}&secret=app%2Dsecret%2DS3CRET%2D4c1d")
    );

    let c = answers
        .keep(get(&t.router, "/tikhash/connection").await)
        .json();
    assert_eq!(c["data"]["connected"], true);
    assert_eq!(c["data"]["needs_reconnect"], false);
    assert_eq!(
        c["data"]["advertisers"],
        json!([{"advertiser_id": ADV, "advertiser_name": "Acme Shoes"},
               {"advertiser_id": OTHER_ADV, "advertiser_name": "Acme Outlet"}])
    );
    assert!(c["data"]["connected_by"]
        .as_str()
        .unwrap()
        .starts_with("test-admin-"));
    assert!(c["data"]["connected_at"].as_i64().unwrap() > 0);

    // Sync with the connected token; an advertiser the account did not authorize is refused.
    assert_eq!(sync(&t, ADV, &mut answers).await.code(), 0);
    let api = fake.seen_at("/open_api/v1.3/segment/mapping/");
    assert_eq!(api.len(), 1);
    assert_eq!(api[0].token.as_deref(), Some(TOKEN));
    let a = sync(&t, FOREIGN_ADV, &mut answers).await;
    assert_eq!((a.status, a.code()), (StatusCode::FORBIDDEN, 94031));
    let a = answers.keep(
        get(
            &t.router,
            &format!("/open_api/v1.3/dmp/custom_audience/list/?advertiser_id={FOREIGN_ADV}"),
        )
        .await,
    );
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert_eq!(fake.seen_at("/open_api/v1.3/segment/").len(), 1);
    assert_eq!(fake.seen_at("/open_api/v1.3/dmp/").len(), 0);

    // At rest: sealed, beside a private key file.
    assert!(
        !contains(&db_bytes(&db), TOKEN),
        "the token in the database file"
    );
    let key = tikhash_proxy::connect::vault::key_file_for(&db);
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
        0o600
    );

    // Restart on the same database: still connected, the same token is sent.
    drop(t);
    let t = proxy(connect_config(addr, &db));
    let c = answers
        .keep(get(&t.router, "/tikhash/connection").await)
        .json();
    assert_eq!(c["data"]["connected"], true);
    assert_eq!(c["data"]["advertisers"].as_array().unwrap().len(), 2);
    assert_eq!(sync(&t, OTHER_ADV, &mut answers).await.code(), 0);
    assert_eq!(
        fake.seen_at("/open_api/v1.3/segment/mapping/")[1]
            .token
            .as_deref(),
        Some(TOKEN)
    );

    // Disconnect (admin): TikTok revokes, the proxy forgets, and nothing more is forwarded.
    let syncer = make_key(t.state.ledger(), "sy", Role::Syncer);
    let req = Request::post("/tikhash/disconnect")
        .header("authorization", format!("Bearer {syncer}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        answers.keep(send(&t.router, req).await).status,
        StatusCode::FORBIDDEN
    );
    let a =
        answers.keep(post_raw(&t.router, "/tikhash/disconnect", "application/json", vec![]).await);
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert_eq!(a.json()["data"]["revoked"], true);
    let rv = fake.seen_at("/open_api/v1.3/oauth2/revoke_token/");
    assert_eq!(
        serde_json::from_slice::<Value>(&rv[0].body).unwrap(),
        json!({"app_id": APP_ID, "secret": APP_SECRET, "access_token": TOKEN})
    );
    let c = answers
        .keep(get(&t.router, "/tikhash/connection").await)
        .json();
    assert_eq!(c["data"]["connected"], false);
    let before = fake.seen().len();
    let a = sync(&t, ADV, &mut answers).await;
    assert_eq!((a.status, a.code()), (StatusCode::CONFLICT, 94092));
    assert_eq!(
        fake.seen().len(),
        before,
        "nothing forwarded after disconnect"
    );
    drop(t);
    let t = proxy(connect_config(addr, &db));
    let c = answers
        .keep(get(&t.router, "/tikhash/connection").await)
        .json();
    assert_eq!(c["data"]["connected"], false, "forgotten across a restart");

    answers.assert_no_token();
    assert!(!contains(&db_bytes(&db), TOKEN));
    let log = log_text();
    assert!(
        log.contains("connected a TikTok account"),
        "the log is captured"
    );
    assert!(!log.contains(TOKEN), "the token in the log");
    assert!(!log.contains(APP_SECRET), "the app secret in the log");
}

#[tokio::test]
async fn wrong_replayed_foreign_and_expired_states_exchange_nothing() {
    log();
    let (fake, addr) = start().await;
    let dir = tempfile::tempdir().unwrap();
    let t = proxy(connect_config(addr, &dir.path().join("ledger.db")));
    let mut answers = Answers::default();
    let exchanges = || fake.seen_at("/open_api/v1.3/oauth2/access_token/").len();

    let (path, binding) = start_connect(&t, &mut answers).await;
    // A state nobody issued.
    let forged = path.replace("state=", "state=00");
    let a = answers.keep(callback(&t, &forged, &binding).await);
    assert_eq!((a.status, a.code()), (StatusCode::BAD_REQUEST, 94002));
    // The right state from another browser (no binding cookie, or another one).
    assert_eq!(answers.keep(callback(&t, &path, "").await).code(), 94002);
    let other = "tikhash_oauth=".to_string() + &"ab".repeat(32);
    assert_eq!(
        answers.keep(callback(&t, &path, &other).await).code(),
        94002
    );
    assert_eq!(exchanges(), 0, "nothing exchanged");
    // The real one works once; a replay is refused.
    let a = answers.keep(callback(&t, &path, &binding).await);
    assert_eq!(a.status, StatusCode::FOUND, "{}", a.text());
    let a = answers.keep(callback(&t, &path, &binding).await);
    assert_eq!((a.status, a.code()), (StatusCode::BAD_REQUEST, 94002));
    assert_eq!(exchanges(), 1);

    // Expired: ten minutes later.
    let (path, binding) = start_connect(&t, &mut answers).await;
    t.state.clock().advance(10 * 60 + 1);
    assert_eq!(
        answers.keep(callback(&t, &path, &binding).await).code(),
        94002
    );
    assert_eq!(exchanges(), 1);

    // `code` is accepted as well as `auth_code`.
    let (path, binding) = start_connect(&t, &mut answers).await;
    let a = answers.keep(callback(&t, &path.replace("auth_code=", "code="), &binding).await);
    assert_eq!(a.status, StatusCode::FOUND, "{}", a.text());
    assert_eq!(exchanges(), 2);
    answers.assert_no_token();
}

#[tokio::test]
async fn a_failed_exchange_stores_nothing() {
    log();
    let (fake, addr) = start().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.db");
    let t = proxy(connect_config(addr, &db));
    let mut answers = Answers::default();
    fake.set(|w| w.exchange_code = 40110);
    let (path, binding) = start_connect(&t, &mut answers).await;
    let a = answers.keep(callback(&t, &path, &binding).await);
    assert_eq!((a.status, a.code()), (StatusCode::BAD_GATEWAY, 95023));
    assert_eq!(a.json()["data"]["tiktok_code"], 40110);
    assert!(fake
        .seen_at("/open_api/v1.3/oauth2/advertiser/get/")
        .is_empty());
    let c = answers
        .keep(get(&t.router, "/tikhash/connection").await)
        .json();
    assert_eq!(c["data"]["connected"], false);
    assert!(
        !tikhash_proxy::connect::vault::key_file_for(&db).exists(),
        "no key needed yet"
    );
    answers.assert_no_token();
}

#[tokio::test]
async fn a_40105_later_means_reconnect() {
    log();
    let (fake, addr) = start().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.db");
    let t = proxy(connect_config(addr, &db));
    let mut answers = Answers::default();
    connect(&t, &mut answers).await;
    assert_eq!(sync(&t, ADV, &mut answers).await.code(), 0);
    fake.set(|w| w.revoked = true); // revoked on TikTok's side
    let a = sync(&t, ADV, &mut answers).await;
    assert_eq!((a.status, a.code()), (StatusCode::UNAUTHORIZED, 40105));
    let c = answers
        .keep(get(&t.router, "/tikhash/connection").await)
        .json();
    assert_eq!(c["data"]["connected"], true);
    assert_eq!(c["data"]["needs_reconnect"], true);
    let before = fake.seen().len();
    let a = sync(&t, ADV, &mut answers).await;
    assert_eq!((a.status, a.code()), (StatusCode::UNAUTHORIZED, 94013));
    assert_eq!(
        fake.seen().len(),
        before,
        "nothing forwarded with a refused token"
    );
    // Still so after a restart; a reconnect clears it.
    drop(t);
    let t = proxy(connect_config(addr, &db));
    let c = answers
        .keep(get(&t.router, "/tikhash/connection").await)
        .json();
    assert_eq!(c["data"]["needs_reconnect"], true);
    connect(&t, &mut answers).await;
    let c = answers
        .keep(get(&t.router, "/tikhash/connection").await)
        .json();
    assert_eq!(c["data"]["needs_reconnect"], false);
    assert_eq!(sync(&t, ADV, &mut answers).await.code(), 0);
    answers.assert_no_token();
    assert!(!contains(&db_bytes(&db), TOKEN));
}

#[tokio::test]
async fn the_allow_list_narrows_the_authorized_advertisers_and_connect_is_admin_only() {
    log();
    let (fake, addr) = start().await;
    let dir = tempfile::tempdir().unwrap();
    let mut config = connect_config(addr, &dir.path().join("ledger.db"));
    config.advertiser_ids = Some(BTreeSet::from([ADV.to_string()]));
    let t = proxy(config);
    let mut answers = Answers::default();
    let syncer = make_key(t.state.ledger(), "sy", Role::Syncer);
    let req = Request::get("/tikhash/connect")
        .header("authorization", format!("Bearer {syncer}"))
        .body(Body::empty())
        .unwrap();
    let a = send(&t.router, req).await;
    assert_eq!((a.status, a.code()), (StatusCode::FORBIDDEN, 94033));
    connect(&t, &mut answers).await;
    let c = answers
        .keep(get(&t.router, "/tikhash/connection").await)
        .json();
    assert_eq!(
        c["data"]["advertisers"],
        json!([{"advertiser_id": ADV, "advertiser_name": "Acme Shoes"}])
    );
    let a = sync(&t, OTHER_ADV, &mut answers).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "authorized but not listed");
    assert!(fake.seen_at("/open_api/v1.3/segment/").is_empty());
    answers.assert_no_token();
}

#[tokio::test]
async fn the_sandbox_plays_the_consent_page_and_oauth() {
    log();
    // The key file goes beside the test's own database, never into the working directory.
    let dir = tempfile::tempdir().unwrap();
    let mut config = sandbox_config();
    config.db_path = dir.path().join("ledger.db");
    let t = proxy(config);
    let a = get(&t.router, "/tikhash/connect").await;
    assert_eq!(a.status, StatusCode::FOUND);
    let location = header(&a, "location");
    assert!(
        location.starts_with("/sandbox-consent.html?app_id=sandbox%2Dapp&state="),
        "{location}"
    );
    let binding = header(&a, "set-cookie")
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let state = location
        .split("state=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    // The consent page is a static page of the proxy, with its script in a file.
    let page = get(&t.router, "/sandbox-consent.html").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("Sandbox Shoes Ltd") && page.text().contains("Authorize"));
    assert!(!page.text().contains("<script>"), "no inline script");
    // Its Authorize button.
    let a = get(
        &t.router,
        &format!("/tikhash/sandbox/authorize?state={state}"),
    )
    .await;
    assert_eq!(a.status, StatusCode::FOUND, "{}", a.text());
    let back = header(&a, "location");
    assert!(back.starts_with("/tikhash/oauth/callback?auth_code=sandbox%2Dcode%2D"));
    let a = callback(&t, &back, &binding).await;
    assert_eq!(a.status, StatusCode::FOUND, "{}", a.text());
    let c = get(&t.router, "/tikhash/connection").await.json();
    assert_eq!(c["data"]["mode"], "sandbox");
    assert_eq!(c["data"]["connected"], true);
    assert_eq!(
        c["data"]["advertisers"][1]["advertiser_name"],
        "Sandbox Coffee Co"
    );
    // Syncs go to the connected advertisers only; the simulator answers.
    let mut body = mapping_body("add", "555", &[email(1)]);
    body["advertiser_ids"] = json!(["7000000000000000001"]);
    let a = post_json(&t.router, "/open_api/v1.3/segment/mapping/", &body).await;
    assert_ne!(a.status, StatusCode::FORBIDDEN, "{}", a.text());
    assert_eq!(
        post_json(
            &t.router,
            "/open_api/v1.3/segment/mapping/",
            &mapping_body("add", "555", &[email(1)])
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    // A used code is refused by the simulated exchange (a fresh state, the old code).
    let a = get(&t.router, "/tikhash/connect").await;
    let binding = header(&a, "set-cookie")
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let state2 = header(&a, "location")
        .split("state=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_string();
    let replay = back.replace(state, &state2);
    assert_eq!(callback(&t, &replay, &binding).await.code(), 95023);
    let a = post_raw(&t.router, "/tikhash/disconnect", "application/json", vec![]).await;
    assert_eq!(a.json()["data"]["revoked"], true);
    assert!(tikhash_proxy::connect::vault::key_file_for(&dir.path().join("ledger.db")).exists());
    // Outside the sandbox the simulated consent does not exist.
    let (_fake, addr) = start().await;
    let dir = tempfile::tempdir().unwrap();
    let t = proxy(connect_config(addr, &dir.path().join("ledger.db")));
    let a = get(&t.router, "/tikhash/sandbox/authorize?state=ab").await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn runs_are_recorded_listed_and_hold_no_values() {
    log();
    let t = build(sandbox_config());
    let open = json!({"action": "open", "object": "partner", "behaviour": "add",
        "advertiser_id": ADV, "audience_name": "VIP customers"});
    let viewer = make_key(t.state.ledger(), "vw", Role::Viewer);
    let req = Request::post("/tikhash/runs")
        .header("authorization", format!("Bearer {viewer}"))
        .header("content-type", "application/json")
        .body(Body::from(open.to_string()))
        .unwrap();
    assert_eq!(send(&t.router, req).await.status, StatusCode::FORBIDDEN);
    let a = post_json(&t.router, "/tikhash/runs", &open).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let id = a.json()["data"]["id"].as_str().unwrap().to_string();
    let update = json!({"action": "update", "id": id, "rows_read": 10, "rows_sent": 8,
        "rejected": {"invalid_email": 2}, "request_ids": ["sandbox-1"], "audience_id": "555"});
    assert_eq!(
        post_json(&t.router, "/tikhash/runs", &update).await.code(),
        0
    );
    let close = json!({"action": "close", "id": id, "result": "ok", "rows_added": 8,
        "request_ids": ["sandbox-2"], "duration_ms": 1234});
    assert_eq!(
        post_json(&t.router, "/tikhash/runs", &close).await.code(),
        0
    );
    assert_eq!(
        post_json(&t.router, "/tikhash/runs", &close).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // A value where a name goes is refused, and so is an unknown field.
    let leak = json!({"action": "open", "object": "partner", "behaviour": "add",
        "advertiser_id": ADV, "audience_name": "alice@example.com"});
    assert_eq!(
        post_json(&t.router, "/tikhash/runs", &leak).await.code(),
        94223
    );
    let extra = json!({"action": "open", "object": "partner", "behaviour": "add",
        "advertiser_id": ADV, "emails": ["x"]});
    assert_eq!(
        post_json(&t.router, "/tikhash/runs", &extra).await.code(),
        94001
    );
    // A failed run keeps what the page needs to explain it again.
    let a = post_json(&t.router, "/tikhash/runs", &open).await;
    let failed_id = a.json()["data"]["id"].as_str().unwrap().to_string();
    let fail = json!({"action": "close", "id": failed_id, "result": "failed", "error_status": 409,
        "error_code": 94092, "error_message": "No TikTok account is connected, so nothing was sent."});
    assert_eq!(post_json(&t.router, "/tikhash/runs", &fail).await.code(), 0);
    let bad_status =
        json!({"action": "close", "id": failed_id, "result": "failed", "error_status": 42});
    assert_eq!(
        post_json(&t.router, "/tikhash/runs", &bad_status)
            .await
            .code(),
        94222
    );
    // A second run, left open and never updated: interrupted after a while.
    let a = post_json(&t.router, "/tikhash/runs", &open).await;
    let open_id = a.json()["data"]["id"].as_str().unwrap().to_string();
    t.state
        .clock()
        .advance(tikhash_proxy::connect::runs::INTERRUPTED_AFTER_SECS + 1);
    let list = get(&t.router, "/tikhash/runs").await.json();
    let runs = list["data"]["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 3);
    assert_eq!(runs[0]["id"], open_id.as_str(), "newest first");
    assert_eq!(runs[0]["status"], "interrupted");
    assert_eq!(runs[1]["status"], "failed");
    assert_eq!(
        (
            runs[1]["error_status"].clone(),
            runs[1]["error_code"].clone()
        ),
        (json!(409), json!(94092))
    );
    let runs = &runs[1..];
    assert_eq!(runs[1]["status"], "ok");
    assert_eq!(runs[1]["rows_read"], 10);
    assert_eq!(runs[1]["rows_added"], 8);
    assert_eq!(runs[1]["rejected"], json!({"invalid_email": 2}));
    assert_eq!(runs[1]["request_ids"], json!(["sandbox-1", "sandbox-2"]));
    assert_eq!(runs[1]["audience_id"], "555");
    assert_eq!(runs[1]["duration_ms"], 1234);
    assert!(runs[1]["who"].as_str().unwrap().starts_with("test-admin-"));
}
