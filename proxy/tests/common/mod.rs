//! Helpers shared by the integration tests: building the app, sending requests in process,
//! digests and multipart bodies, and a fake TikTok on 127.0.0.1.

#![allow(dead_code, unreachable_pub, missing_docs)]

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use std::collections::{BTreeSet, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tikhash::Algorithm;
use tikhash_proxy::access::Role;
use tikhash_proxy::{app, AppState, Config, Ledger, RetryPolicy};
use tower::ServiceExt;

pub const ADV: &str = "7012345678901234567";

pub fn sha(s: &str) -> String {
    tikhash::hash::digest(Algorithm::Sha256, s.as_bytes())
        .as_str()
        .to_string()
}

pub fn md5(s: &[u8]) -> String {
    tikhash::hash::digest(Algorithm::Md5, s)
        .as_str()
        .to_string()
}

pub fn email(i: usize) -> String {
    sha(&format!("user{i}@example.com"))
}

/// A sandbox config with a small minimum audience and no rate limit to speak of.
pub fn sandbox_config() -> Config {
    let mut c = Config::sandbox();
    c.sandbox_min_audience = 2;
    c.sandbox_rate = 100_000;
    c
}

pub struct TestApp {
    /// The app as an admin script sees it: every request gets `Host: 127.0.0.1:8787` and
    /// the admin API key unless it brings its own Host, Authorization or Cookie.
    pub router: Router,
    /// The app with nothing added: what an attacker (or a browser) reaches.
    pub raw: Router,
    pub state: AppState,
    pub _dir: tempfile::TempDir,
    pub db: std::path::PathBuf,
    /// The admin API key the helpers send.
    pub admin_key: String,
}

pub const HOST: &str = "127.0.0.1:8787";

/// Adds `Host` and the admin key to requests that do not bring their own.
fn with_defaults(router: Router, key: String) -> Router {
    router.layer(axum::middleware::map_request(
        move |mut req: Request<Body>| {
            let key = key.clone();
            async move {
                let h = req.headers_mut();
                if !h.contains_key("host") {
                    h.insert("host", HOST.parse().unwrap());
                }
                if !h.contains_key("authorization") && !h.contains_key("cookie") {
                    h.insert("authorization", format!("Bearer {key}").parse().unwrap());
                }
                req
            }
        },
    ))
}

/// Creates an API key directly in the ledger.
pub fn make_key(ledger: &Ledger, name: &str, role: Role) -> String {
    tikhash_proxy::access::keys::create(ledger, name, role, tikhash_proxy::Clock::default().now())
        .unwrap()
}

pub fn build(config: Config) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.db");
    build_with_db(config, dir, db)
}

pub fn build_with_db(config: Config, dir: tempfile::TempDir, db: std::path::PathBuf) -> TestApp {
    let ledger = Ledger::open(&db).unwrap();
    let admin_key = make_key(
        &ledger,
        &format!("test-admin-{}", fastrand_name()),
        Role::Admin,
    );
    let state = AppState::new(config, ledger).unwrap();
    let raw = app(state.clone());
    TestApp {
        router: with_defaults(raw.clone(), admin_key.clone()),
        raw,
        state,
        _dir: dir,
        db,
        admin_key,
    }
}

/// A distinct suffix for key names (a restarted app on the same file adds another key).
fn fastrand_name() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

pub struct Answer {
    pub status: StatusCode,
    pub content_type: String,
    pub bytes: Vec<u8>,
    pub headers: axum::http::HeaderMap,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or(Value::Null)
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
    pub fn code(&self) -> i64 {
        self.json()["code"].as_i64().unwrap_or(-1)
    }
}

pub async fn send(router: &Router, req: Request<Body>) -> Answer {
    let resp = router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let bytes = resp
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Answer {
        status,
        content_type,
        bytes,
        headers,
    }
}

pub async fn post_json(router: &Router, path: &str, body: &Value) -> Answer {
    post_raw(
        router,
        path,
        "application/json",
        serde_json::to_vec(body).unwrap(),
    )
    .await
}

pub async fn post_raw(router: &Router, path: &str, ct: &str, body: Vec<u8>) -> Answer {
    let req = Request::post(path)
        .header("content-type", ct)
        .body(Body::from(body))
        .unwrap();
    send(router, req).await
}

pub async fn get(router: &Router, path: &str) -> Answer {
    send(router, Request::get(path).body(Body::empty()).unwrap()).await
}

pub const BOUNDARY: &str = "tikhashTestBoundary7MA4YWxkTrZu0gW";

pub fn multipart(fields: &[(&str, &str)], file_name: &str, file: &[u8]) -> (String, Vec<u8>) {
    let mut b = Vec::new();
    for (k, v) in fields {
        b.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    b.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/plain\r\n\r\n"
        )
        .as_bytes(),
    );
    b.extend_from_slice(file);
    b.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={BOUNDARY}"), b)
}

/// The parts of a multipart body as `(name, file name, bytes)`, in order.
pub async fn multipart_parts(
    content_type: &str,
    body: &[u8],
) -> Vec<(String, Option<String>, Vec<u8>)> {
    let boundary = multer::parse_boundary(content_type).unwrap();
    let body = bytes::Bytes::copy_from_slice(body);
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(body) });
    let mut mp = multer::Multipart::new(stream, boundary);
    let mut out = Vec::new();
    while let Some(f) = mp.next_field().await.unwrap() {
        let name = f.name().unwrap_or_default().to_string();
        let file_name = f.file_name().map(str::to_string);
        out.push((name, file_name, f.bytes().await.unwrap().to_vec()));
    }
    out
}

/// Uploads a customer file of the given lines; returns the answer.
pub async fn upload(router: &Router, calculate_type: &str, lines: &[String]) -> Answer {
    let file = lines.join("\n").into_bytes();
    let sig = md5(&file);
    let (ct, body) = multipart(
        &[
            ("advertiser_id", ADV),
            ("calculate_type", calculate_type),
            ("file_signature", &sig),
        ],
        "audience.txt",
        &file,
    );
    post_raw(
        router,
        "/open_api/v1.3/dmp/custom_audience/file/upload/",
        &ct,
        body,
    )
    .await
}

pub fn mapping_body(action: &str, audience: &str, emails: &[String]) -> Value {
    let rows: Vec<Value> = emails
        .iter()
        .map(|e| json!([{"id": e, "audience_ids": [audience]}]))
        .collect();
    json!({
        "advertiser_ids": [ADV],
        "action": action,
        "id_schema": ["EMAIL_SHA256"],
        "batch_data": rows,
    })
}

pub async fn ledger_counts(router: &Router, audience: &str) -> Value {
    let a = get(router, &format!("/tikhash/ledger/{ADV}/{audience}")).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    a.json()["data"].clone()
}

// ---------------------------------------------------------------------------------------
// A fake TikTok on 127.0.0.1.

#[derive(Debug, Clone)]
pub enum Behave {
    /// Answer this HTTP status and JSON body.
    Json(u16, Value),
    /// Never answer (until the test ends).
    Hang,
}

#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path_and_query: String,
    pub token: Option<String>,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

#[derive(Clone, Default)]
pub struct Fake {
    pub script: Arc<Mutex<VecDeque<Behave>>>,
    /// Used once the script is empty.
    pub default: Arc<Mutex<Option<Behave>>>,
    pub seen: Arc<Mutex<Vec<Recorded>>>,
}

impl Fake {
    pub fn seen(&self) -> Vec<Recorded> {
        self.seen.lock().unwrap().clone()
    }
    pub fn then(&self, b: Behave) -> &Self {
        self.script.lock().unwrap().push_back(b);
        self
    }
    pub fn always(&self, b: Behave) -> &Self {
        *self.default.lock().unwrap() = Some(b);
        self
    }
}

pub fn ok_envelope(data: Value) -> Behave {
    Behave::Json(
        200,
        json!({"code": 0, "message": "OK", "request_id": "tt-req-1", "data": data}),
    )
}

pub fn code_envelope(code: i64, message: &str) -> Behave {
    Behave::Json(
        200,
        json!({"code": code, "message": message, "request_id": "tt-req-2", "data": {}}),
    )
}

async fn fake_handler(
    axum::extract::State(fake): axum::extract::State<Fake>,
    req: Request<Body>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let (parts, body) = req.into_parts();
    let body = body.collect().await.unwrap().to_bytes().to_vec();
    let h = |k: &str| {
        parts
            .headers
            .get(k)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    fake.seen.lock().unwrap().push(Recorded {
        method: parts.method.to_string(),
        path_and_query: parts
            .uri
            .path_and_query()
            .map(|p| p.to_string())
            .unwrap_or_default(),
        token: h("access-token"),
        content_type: h("content-type"),
        body,
    });
    let next = fake.script.lock().unwrap().pop_front();
    let b = next
        .or_else(|| fake.default.lock().unwrap().clone())
        .unwrap_or_else(|| ok_envelope(json!({})));
    match b {
        Behave::Json(status, v) => {
            (StatusCode::from_u16(status).unwrap(), axum::Json(v)).into_response()
        }
        Behave::Hang => {
            tokio::time::sleep(Duration::from_secs(30)).await;
            StatusCode::OK.into_response()
        }
    }
}

/// Starts a fake TikTok on 127.0.0.1:0; returns its state and address.
pub async fn start_fake() -> (Fake, SocketAddr) {
    let fake = Fake::default();
    let router = Router::new()
        .fallback(fake_handler)
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (fake, addr)
}

/// A config that forwards to `addr` with a token and small, fast retry settings.
pub fn upstream_config(addr: SocketAddr) -> Config {
    let mut c = Config::sandbox();
    c.access_token = Some("test-token-XYZ".into());
    c.api_base = format!("http://{addr}/open_api/v1.3");
    c.advertiser_ids = Some(BTreeSet::from([ADV.to_string()]));
    c.retry = RetryPolicy {
        max_attempts: 3,
        attempt_timeout: Duration::from_millis(300),
        total_timeout: Duration::from_millis(1000),
        base_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(50),
    };
    c
}

// ---------------------------------------------------------------------------------------
// The log, at its most verbose, for tests that search it for secrets.

/// Everything a trace-level subscriber wrote; clones share it.
#[derive(Clone, Default)]
pub struct CapturedLog(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for CapturedLog {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl CapturedLog {
    /// A subscriber logging everything, without colours, into this log.
    pub fn subscriber(&self) -> impl tracing::Subscriber + Send + Sync {
        let writer = self.clone();
        tracing_subscriber::fmt()
            .with_env_filter("trace")
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish()
    }

    /// What was logged so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}
