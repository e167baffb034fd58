//! Resource limits and response hygiene: slow clients over real TCP on 127.0.0.1 (headers
//! never finished, bodies trickled, many half-open connections), the cap on bodies read at
//! once, the per-audience lock table forgetting ids, static files that never leak dotfiles
//! or follow symlinks out, the embedded page served from any directory, the security
//! headers on every kind of response, and logs that never hold a query string.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tikhash_proxy::server::{self, ServerLimits};
use tikhash_proxy::static_files::PKG_NOT_BUILT;
use tikhash_proxy::Config;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;

const TRACK: &str = "/open_api/v1.3/event/track/";

/// A proxy served by the real serve loop on 127.0.0.1:0; stops when dropped.
struct Served {
    addr: SocketAddr,
    app: TestApp,
    _stop: oneshot::Sender<()>,
}

async fn serve(config: Config) -> Served {
    let limits = ServerLimits {
        header_timeout: config.header_timeout,
        shutdown_grace: Duration::from_secs(1),
    };
    let app = build(config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let router = app.router.clone();
    tokio::spawn(server::serve(listener, router, limits, async move {
        let _ = stopped.await;
    }));
    Served {
        addr,
        app,
        _stop: stop,
    }
}

/// Reads until the peer closes (or `within` passes); returns what arrived and whether the
/// connection was closed.
async fn read_until_closed(s: &mut TcpStream, within: Duration) -> (Vec<u8>, bool) {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, s.read(&mut buf)).await {
            Err(_) => return (got, false),
            Ok(Ok(0)) | Ok(Err(_)) => return (got, true),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
        }
    }
}

/// Reads one HTTP/1.1 response with a `Content-Length` body; `None` if none arrives in
/// `within`.
async fn read_response(s: &mut TcpStream, within: Duration) -> Option<(u16, String, Vec<u8>)> {
    let mut got = Vec::new();
    let mut buf = [0u8; 8192];
    let deadline = tokio::time::Instant::now() + within;
    loop {
        if let Some(end) = got.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&got[..end]).to_string();
            let len = head
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            if got.len() >= end + 4 + len {
                let status = head.split(' ').nth(1)?.parse().ok()?;
                return Some((status, head, got[end + 4..end + 4 + len].to_vec()));
            }
        }
        match tokio::time::timeout_at(deadline, s.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => got.extend_from_slice(&buf[..n]),
            _ => return None,
        }
    }
}

fn event_body(padded_to: usize) -> Vec<u8> {
    let body = json!({"event_source": "web", "event_source_id": "PIXEL", "data": [{
        "event": "CompletePayment", "event_time": 1_704_721_970, "event_id": "e1",
        "user": {"email": [email(1)]}}]});
    let mut bytes = serde_json::to_vec(&body).unwrap();
    // JSON allows trailing whitespace: the body stays valid at any size.
    bytes.resize(padded_to.max(bytes.len()), b' ');
    bytes
}

fn post_head(path: &str, len: usize) -> String {
    format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {len}\r\n\r\n"
    )
}

// ---------------------------------------------------------------------------------------
// Timeouts

#[tokio::test]
async fn unfinished_headers_are_closed_within_the_timeout() {
    let mut c = sandbox_config();
    c.header_timeout = Duration::from_millis(300);
    let s = serve(c).await;
    let mut conn = TcpStream::connect(s.addr).await.unwrap();
    let start = Instant::now();
    conn.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        .await
        .unwrap();
    let (_, closed) = read_until_closed(&mut conn, Duration::from_secs(5)).await;
    let took = start.elapsed();
    assert!(closed, "the connection stayed open");
    assert!(
        took >= Duration::from_millis(250) && took < Duration::from_secs(2),
        "closed after {took:?}, the timeout is 300 ms"
    );
}

#[tokio::test]
async fn many_half_open_connections_are_all_closed() {
    let mut c = sandbox_config();
    c.header_timeout = Duration::from_millis(400);
    let s = serve(c).await;
    let mut conns = Vec::new();
    // As many as the issue measured staying open for 40 s.
    for i in 0..300 {
        let mut conn = TcpStream::connect(s.addr).await.unwrap();
        // Some send half a request line, some nothing at all.
        if i % 2 == 0 {
            conn.write_all(b"POST /open_api/v1.3/event/track/ HTT")
                .await
                .unwrap();
        }
        conns.push(conn);
    }
    let start = Instant::now();
    let mut waits = Vec::new();
    for mut conn in conns {
        waits.push(tokio::spawn(async move {
            read_until_closed(&mut conn, Duration::from_secs(5)).await.1
        }));
    }
    for w in waits {
        assert!(w.await.unwrap(), "a half-open connection stayed open");
    }
    assert!(start.elapsed() < Duration::from_secs(3));
    // The server still answers afterwards.
    let mut conn = TcpStream::connect(s.addr).await.unwrap();
    conn.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .unwrap();
    let (status, _, _) = read_response(&mut conn, Duration::from_secs(2))
        .await
        .unwrap();
    assert_eq!(status, 200);
}

#[tokio::test]
async fn idle_keep_alive_connections_are_closed() {
    let mut c = sandbox_config();
    c.header_timeout = Duration::from_millis(300);
    let s = serve(c).await;
    let mut conn = TcpStream::connect(s.addr).await.unwrap();
    for _ in 0..2 {
        conn.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .await
            .unwrap();
        let (status, _, _) = read_response(&mut conn, Duration::from_secs(2))
            .await
            .unwrap();
        assert_eq!(status, 200, "keep-alive works while the client is active");
    }
    let start = Instant::now();
    let (_, closed) = read_until_closed(&mut conn, Duration::from_secs(5)).await;
    assert!(closed && start.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn shutdown_stops_accepting_and_ends_the_loop() {
    let c = sandbox_config();
    let limits = ServerLimits {
        header_timeout: Duration::from_secs(30),
        shutdown_grace: Duration::from_secs(5),
    };
    let t = build(c);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let serving = tokio::spawn(server::serve(
        listener,
        t.router.clone(),
        limits,
        async move {
            let _ = stopped.await;
        },
    ));
    // An idle keep-alive connection must not hold the shutdown for its 30 s.
    let mut conn = TcpStream::connect(addr).await.unwrap();
    conn.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .unwrap();
    assert_eq!(
        read_response(&mut conn, Duration::from_secs(2))
            .await
            .unwrap()
            .0,
        200
    );
    let start = Instant::now();
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(3), serving)
        .await
        .expect("the serve loop did not end")
        .unwrap();
    assert!(start.elapsed() < Duration::from_secs(3));
    assert!(read_until_closed(&mut conn, Duration::from_secs(2)).await.1);
    assert!(TcpStream::connect(addr).await.is_err(), "still accepting");
}

#[tokio::test]
async fn a_trickled_body_is_answered_408_and_nothing_is_forwarded() {
    let (fake, addr) = start_fake().await;
    let mut c = upstream_config(addr);
    c.body_timeout = Duration::from_millis(500);
    let s = serve(c).await;
    let body = event_body(2000);
    let mut conn = TcpStream::connect(s.addr).await.unwrap();
    conn.write_all(post_head(TRACK, body.len()).as_bytes())
        .await
        .unwrap();
    let start = Instant::now();
    // Ten bytes every 100 ms: never idle, yet far too slow for the whole body.
    let mut answer = None;
    for chunk in body.chunks(10) {
        if conn.write_all(chunk).await.is_err() {
            break;
        }
        if let Some(a) = read_response(&mut conn, Duration::from_millis(100)).await {
            answer = Some(a);
            break;
        }
    }
    let (status, head, bytes) = answer.expect("no answer to the trickled body");
    let took = start.elapsed();
    assert_eq!(status, 408, "{head}");
    assert!(took >= Duration::from_millis(450) && took < Duration::from_secs(3));
    let v: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(v["code"], 94081);
    assert!(v["request_id"].as_str().unwrap().starts_with("tikhash-"));
    assert!(head.to_ascii_lowercase().contains("connection: close"));
    assert!(fake.seen().is_empty(), "a partial body was forwarded");
    assert_eq!(s.app.state.inflight_body_bytes(), 0, "the permit was kept");
}

#[tokio::test]
async fn a_body_sent_in_time_is_answered() {
    let mut c = sandbox_config();
    c.body_timeout = Duration::from_millis(2000);
    let s = serve(c).await;
    let body = event_body(5000);
    let mut conn = TcpStream::connect(s.addr).await.unwrap();
    conn.write_all(post_head(TRACK, body.len()).as_bytes())
        .await
        .unwrap();
    for chunk in body.chunks(1000) {
        conn.write_all(chunk).await.unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (status, _, bytes) = read_response(&mut conn, Duration::from_secs(3))
        .await
        .unwrap();
    let v: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!((status, v["code"].as_i64()), (200, Some(0)), "{v}");
}

// ---------------------------------------------------------------------------------------
// Bounded memory: bodies read at once

#[tokio::test]
async fn concurrent_bodies_wait_for_permits_and_are_all_answered() {
    let mut c = sandbox_config();
    c.max_body_bytes = 64 * 1024;
    c.max_inflight_body_bytes = 100 * 1024;
    let s = serve(c).await;
    let state = s.app.state.clone();
    let body = event_body(60 * 1024);

    // A declares 60 KiB and sends only the first KiB: it holds its permit while it trickles.
    let mut a = TcpStream::connect(s.addr).await.unwrap();
    a.write_all(post_head(TRACK, body.len()).as_bytes())
        .await
        .unwrap();
    a.write_all(&body[..1024]).await.unwrap();
    let until = Instant::now() + Duration::from_secs(2);
    while state.inflight_body_bytes() == 0 && Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(state.inflight_body_bytes(), 60 * 1024);

    // B and C send everything at once, but 60 + 60 KiB is over the 100 KiB budget: they wait.
    let mut waiting = Vec::new();
    for _ in 0..2 {
        let mut conn = TcpStream::connect(s.addr).await.unwrap();
        conn.write_all(post_head(TRACK, body.len()).as_bytes())
            .await
            .unwrap();
        conn.write_all(&body).await.unwrap();
        waiting.push(conn);
    }
    for conn in &mut waiting {
        assert!(
            read_response(conn, Duration::from_millis(300))
                .await
                .is_none(),
            "a body was read beside another although the budget was spent"
        );
    }
    assert_eq!(state.inflight_body_bytes(), 60 * 1024);

    // A finishes: everyone is answered, one after the other.
    a.write_all(&body[1024..]).await.unwrap();
    waiting.insert(0, a);
    for conn in &mut waiting {
        let (status, _, bytes) = read_response(conn, Duration::from_secs(5))
            .await
            .expect("a waiting body was never answered");
        let v: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!((status, v["code"].as_i64()), (200, Some(0)), "{v}");
    }
    assert_eq!(state.inflight_body_bytes(), 0);
}

#[tokio::test]
async fn an_in_process_request_waits_for_the_budget_too() {
    let mut c = sandbox_config();
    c.max_inflight_body_bytes = 8 * 1024;
    let t = build(c);
    // Someone else holds the whole budget.
    let held = t.state.body_permit(8 * 1024).await;
    let router = t.router.clone();
    let body: Value = serde_json::from_slice(&event_body(0)).unwrap();
    let task = tokio::spawn(async move { post_json(&router, TRACK, &body).await.code() });
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!task.is_finished(), "the body was read without a permit");
    // A request without a body needs none.
    assert_eq!(get(&t.router, "/healthz").await.status, StatusCode::OK);
    drop(held);
    assert_eq!(task.await.unwrap(), 0);
    assert_eq!(t.state.inflight_body_bytes(), 0);
}

#[tokio::test]
async fn small_bodies_share_the_budget() {
    let mut c = sandbox_config();
    c.max_inflight_body_bytes = 64 * 1024;
    let t = build(c);
    let body: Value = serde_json::from_slice(&event_body(0)).unwrap();
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let router = t.router.clone();
        let body = body.clone();
        tasks.push(tokio::spawn(async move {
            post_json(&router, TRACK, &body).await.code()
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), 0);
    }
    assert_eq!(t.state.inflight_body_bytes(), 0);
}

// ---------------------------------------------------------------------------------------
// The per-audience lock table

#[tokio::test]
async fn the_lock_table_is_empty_after_many_distinct_audiences() {
    // A fake TikTok that acknowledges everything, so every audience id is a new one.
    let (fake, addr) = start_fake().await;
    let t = build(upstream_config(addr));
    for i in 0..200 {
        let aud = format!("{}", 900_000 + i);
        let a = post_json(
            &t.router,
            "/open_api/v1.3/segment/mapping/",
            &mapping_body("add", &aud, &[email(i)]),
        )
        .await;
        assert_eq!(a.code(), 0, "{}", a.text());
    }
    assert_eq!(fake.seen().len(), 200);
    assert_eq!(t.state.locked_audiences(), 0);
}

#[tokio::test]
async fn lock_entries_go_when_the_last_holder_or_waiter_goes() {
    let t = build(sandbox_config());
    let state = t.state.clone();
    let k = |b: &str| (ADV.to_string(), b.to_string());
    let held = state.lock_audiences(vec![k("1")]).await;
    assert_eq!(state.locked_audiences(), 1);

    // A waiter for 1 and 2 registers both; cancelling it must unregister both.
    let s2 = state.clone();
    let waiter = tokio::spawn(async move { s2.lock_audiences(vec![k("2"), k("1")]).await.len() });
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(state.locked_audiences(), 2);
    waiter.abort();
    let _ = waiter.await;
    assert_eq!(state.locked_audiences(), 1);

    // A waiter that gets the lock after the holder releases it.
    let s3 = state.clone();
    let waiter = tokio::spawn(async move { s3.lock_audiences(vec![k("1")]).await.len() });
    tokio::time::sleep(Duration::from_millis(50)).await;
    drop(held);
    assert_eq!(waiter.await.unwrap(), 1);
    assert_eq!(state.locked_audiences(), 0);

    // Still a mutex: a second locker waits while the first holds.
    let first = state.lock_audiences(vec![k("7")]).await;
    let s4 = state.clone();
    let second = tokio::spawn(async move { s4.lock_audiences(vec![k("7")]).await.len() });
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(!second.is_finished());
    drop(first);
    assert_eq!(second.await.unwrap(), 1);
    assert_eq!(state.locked_audiences(), 0);
}

// ---------------------------------------------------------------------------------------
// Static files

struct Site {
    _tmp: tempfile::TempDir,
    www: std::path::PathBuf,
}

/// A www folder with a page, a dotfile, a dot-folder, symlinks out (file and folder), a
/// symlink in to a dotfile, a symlink in to a normal file, and a secret beside it.
fn site() -> Site {
    let tmp = tempfile::tempdir().unwrap();
    let www = tmp.path().join("www");
    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(www.join(".git")).unwrap();
    std::fs::create_dir_all(www.join("docs")).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(www.join("index.html"), "<h1>tikhash</h1>").unwrap();
    std::fs::write(www.join("docs/index.html"), "docs page").unwrap();
    std::fs::write(www.join("app.js"), "export {}").unwrap();
    std::fs::write(www.join(".env"), "TIKTOK_ACCESS_TOKEN=SECRET-ENV").unwrap();
    std::fs::write(www.join(".git/config"), "SECRET-GIT").unwrap();
    std::fs::write(outside.join("secret.txt"), "SECRET-OUTSIDE").unwrap();
    std::os::unix::fs::symlink(outside.join("secret.txt"), www.join("leak.txt")).unwrap();
    std::os::unix::fs::symlink(&outside, www.join("out")).unwrap();
    std::os::unix::fs::symlink(www.join(".env"), www.join("env.txt")).unwrap();
    std::os::unix::fs::symlink(www.join("app.js"), www.join("alias.js")).unwrap();
    Site { _tmp: tmp, www }
}

#[tokio::test]
async fn a_folder_never_serves_dotfiles_symlinks_out_or_traversal() {
    let s = site();
    let mut c = sandbox_config();
    c.www_dir = Some(s.www.clone());
    let t = build(c);
    assert_eq!(get(&t.router, "/").await.text(), "<h1>tikhash</h1>");
    assert_eq!(get(&t.router, "/alias.js").await.text(), "export {}");
    assert_eq!(get(&t.router, "/docs/").await.text(), "docs page");
    let a = get(&t.router, "/docs").await;
    assert_eq!(a.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(a.headers["location"], "/docs/");
    for path in [
        "/.env",
        "/%2eenv",
        "/%2Eenv",
        "/.git/config",
        "/.git/",
        "/docs/../.env",
        "/leak.txt",
        "/out/secret.txt",
        "/env.txt",
        "/../outside/secret.txt",
        "/%2e%2e/outside/secret.txt",
        "/%2E%2E%2Foutside%2Fsecret.txt",
        "/docs/%2e%2e/%2e%2e/outside/secret.txt",
        "/..%5coutside%5csecret.txt",
        "/%5c..%5c.env",
        "/docs//index.html",
        "/pkg/../.env",
    ] {
        let a = get(&t.router, path).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{path}: {}", a.text());
        assert!(!a.text().contains("SECRET"), "{path} leaked");
    }
}

#[tokio::test]
async fn raw_backslashes_and_dots_over_tcp_are_refused() {
    let s = site();
    let mut c = sandbox_config();
    c.www_dir = Some(s.www.clone());
    let served = serve(c).await;
    for target in [
        "/..\\outside\\secret.txt",
        "/\\..\\.env",
        "/../outside/secret.txt",
        "/./.env",
        "/docs/./../.env",
    ] {
        let mut conn = TcpStream::connect(served.addr).await.unwrap();
        conn.write_all(format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").as_bytes())
            .await
            .unwrap();
        let (status, _, bytes) = read_response(&mut conn, Duration::from_secs(2))
            .await
            .unwrap_or((0, String::new(), Vec::new()));
        // hyper may refuse a malformed target itself (400); either way nothing leaks.
        assert!(status == 404 || status == 400, "{target}: {status}");
        assert!(
            !String::from_utf8_lossy(&bytes).contains("SECRET"),
            "{target}"
        );
    }
}

#[tokio::test]
async fn the_embedded_page_is_served_without_any_folder() {
    let t = build(sandbox_config());
    let a = get(&t.router, "/").await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.text(), include_str!("../../www/index.html"));
    assert!(a.content_type.starts_with("text/html"));
    let a = get(&t.router, "/app.js").await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.content_type.contains("javascript"), "{}", a.content_type);
    assert_eq!(
        get(&t.router, "/.gitignore").await.status,
        StatusCode::NOT_FOUND
    );
    let a = get(&t.router, "/pkg/index.js").await;
    if a.status == StatusCode::NOT_FOUND {
        // Built before scripts/build-pkg.sh: the 404 says what to do.
        assert_eq!(a.text(), PKG_NOT_BUILT);
    } else {
        assert_eq!(a.status, StatusCode::OK);
        let wasm = get(&t.router, "/pkg/tikhash_core_bg.wasm").await;
        assert_eq!(wasm.content_type, "application/wasm");
        assert!(wasm.bytes.starts_with(b"\0asm"));
    }
}

#[tokio::test]
async fn the_binary_serves_the_embedded_page_from_another_directory() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tikhash-proxy"))
        .current_dir(dir.path())
        .env_remove("TIKTOK_ACCESS_TOKEN")
        .env_remove("TIKHASH_WWW_DIR")
        .env_remove("TIKHASH_PKG_DIR")
        .env("TIKHASH_LISTEN", "127.0.0.1:0")
        .env("TIKHASH_DB", dir.path().join("ledger.db"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line).unwrap();
        line
    });
    let line = tokio::time::timeout(Duration::from_secs(20), line)
        .await
        .expect("no start-up line")
        .unwrap();
    let addr: SocketAddr = line
        .split("http://")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    let mut conn = TcpStream::connect(addr).await.unwrap();
    conn.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .unwrap();
    let got = read_response(&mut conn, Duration::from_secs(5)).await;
    let _ = child.kill();
    let _ = child.wait();
    let (status, head, bytes) = got.expect("no answer");
    assert_eq!(status, 200);
    assert_eq!(bytes, include_bytes!("../../www/index.html"));
    assert!(head
        .to_ascii_lowercase()
        .contains("content-security-policy: default-src 'self'"));
}

// ---------------------------------------------------------------------------------------
// Security headers

fn assert_secure(a: &Answer, what: &str, no_store: bool) {
    let h = |k: &str| {
        a.headers
            .get(k)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let csp = h("content-security-policy");
    for part in [
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "worker-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    ] {
        assert!(csp.contains(part), "{what}: CSP {csp:?} lacks {part}");
    }
    assert!(!csp.contains("unsafe-inline"), "{what}");
    assert_eq!(h("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(h("referrer-policy"), "no-referrer", "{what}");
    if no_store {
        assert_eq!(h("cache-control"), "no-store", "{what}");
    } else {
        assert_ne!(h("cache-control"), "no-store", "{what}");
    }
}

#[tokio::test]
async fn every_kind_of_response_carries_the_security_headers() {
    let (_fake, addr) = start_fake().await;
    let mut c = upstream_config(addr);
    c.allowed_origins = vec!["http://app.test:3000".into()];
    let t = build(c);
    let r = &t.router;
    let a = get(r, "/healthz").await;
    assert_eq!(a.status, StatusCode::OK);
    assert_secure(&a, "healthz", true);

    let a = post_json(
        r,
        "/open_api/v1.3/segment/mapping/",
        &mapping_body("add", "777", &[email(1)]),
    )
    .await;
    assert_eq!(a.code(), 0);
    assert_secure(&a, "forwarded", true);

    let mut raw = mapping_body("add", "777", &[email(1)]);
    raw["batch_data"][0][0]["id"] = json!("alice@example.com");
    let a = post_json(r, "/open_api/v1.3/segment/mapping/", &raw).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_secure(&a, "guard refusal", true);

    let a = get(r, &format!("/tikhash/ledger/{ADV}/777")).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_secure(&a, "ledger", true);
    let a = get(
        r,
        &format!("/tikhash/ledger/{ADV}/777/members?id_type=EMAIL_SHA256"),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_secure(&a, "ledger digests", true);

    let a = get(r, "/open_api/v1.3/nope/").await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert_secure(&a, "API 404", true);
    let a = get(r, TRACK).await;
    assert_eq!(a.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_secure(&a, "405", true);
    let a = post_raw(r, TRACK, "text/plain", b"x".to_vec()).await;
    assert_eq!(a.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_secure(&a, "415", true);

    let a = get(r, "/").await;
    assert_eq!(a.status, StatusCode::OK);
    assert_secure(&a, "page", false);
    let a = get(r, "/missing.js").await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert_secure(&a, "static 404", false);
    let a = post_raw(r, "/index.html", "text/plain", b"x".to_vec()).await;
    assert_eq!(a.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_secure(&a, "static 405", false);

    let pre = Request::builder()
        .method("OPTIONS")
        .uri(TRACK)
        .header("origin", "http://app.test:3000")
        .header("access-control-request-method", "POST")
        .body(Body::empty())
        .unwrap();
    let a = send(r, pre).await;
    assert!(a.headers.contains_key("access-control-allow-origin"));
    assert_secure(&a, "CORS preflight", true);
}

#[tokio::test]
async fn the_408_carries_the_security_headers_too() {
    let mut c = sandbox_config();
    c.body_timeout = Duration::from_millis(200);
    let s = serve(c).await;
    let mut conn = TcpStream::connect(s.addr).await.unwrap();
    conn.write_all(post_head(TRACK, 100).as_bytes())
        .await
        .unwrap();
    conn.write_all(b"{").await.unwrap();
    let (status, head, _) = read_response(&mut conn, Duration::from_secs(3))
        .await
        .unwrap();
    assert_eq!(status, 408);
    let head = head.to_ascii_lowercase();
    assert!(head.contains("content-security-policy:"), "{head}");
    assert!(head.contains("cache-control: no-store"), "{head}");
    assert!(head.contains("x-content-type-options: nosniff"), "{head}");
}

// ---------------------------------------------------------------------------------------
// Logs

#[tokio::test]
async fn no_query_string_is_ever_logged() {
    let log = CapturedLog::default();
    let subscriber = log.subscriber();
    // This test's thread only (the runtime is single-threaded): the other tests are not
    // logged into this capture.
    let _guard = tracing::subscriber::set_default(subscriber);

    let (fake, addr) = start_fake().await;
    let t = build(upstream_config(addr));
    let r = &t.router;
    // A value the strict query accepts (ids are digits), so the request is served and logged.
    let secret = "4242987654321";
    let list = format!(
        "/open_api/v1.3/dmp/custom_audience/list/?advertiser_id={ADV}&custom_audience_ids=%5B%22{secret}%22%5D"
    );
    assert_eq!(get(r, &list).await.code(), 0);
    let got = format!(
        "/open_api/v1.3/dmp/custom_audience/get/?advertiser_id={ADV}&custom_audience_ids=%5B%22{secret}%22%5D"
    );
    get(r, &got).await;
    get(
        r,
        &format!("/tikhash/ledger/{ADV}/1/members?id_type={secret}"),
    )
    .await;
    get(r, &format!("/app.js?v={secret}")).await;
    get(r, &format!("/open_api/v1.3/nothing/?email={secret}")).await;
    let body = json!({"event_source": "web", "event_source_id": "P", "data": []});
    post_json(r, &format!("{TRACK}?email={secret}"), &body).await;
    assert!(!fake.seen().is_empty(), "the GETs were forwarded");

    let text = log.text();
    assert!(
        text.contains("/open_api/v1.3/dmp/custom_audience/list/"),
        "request paths are logged:\n{text}"
    );
    assert!(!text.contains(secret), "a query value was logged:\n{text}");
}

/// One failed password sign-in from `from` (a loopback address) over real TCP; the status.
async fn sign_in_from(to: SocketAddr, from: std::net::Ipv4Addr, name: &str) -> u16 {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::from((from, 0))).unwrap();
    let mut conn = socket.connect(to).await.unwrap();
    let body = json!({"name": name, "password": "not the password"}).to_string();
    let req = format!(
        "POST /tikhash/login/password HTTP/1.1\r\nHost: {to}\r\nOrigin: http://{to}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    conn.write_all(req.as_bytes()).await.unwrap();
    read_response(&mut conn, Duration::from_secs(20))
        .await
        .expect("an answer")
        .0
}

/// The serve loop hands each request its client's address, so the sign-in limit counts per
/// client: one client that used up its attempts does not lock out another.
#[tokio::test]
async fn sign_in_attempts_are_limited_per_client_address() {
    let s = serve(sandbox_config()).await;
    let (a, b) = ([127, 0, 0, 1].into(), [127, 0, 0, 2].into());
    // Distinct names, so only the per-client bucket can run out; all at once, so the bucket
    // (20 a minute, one more every 3 s) does not refill between them while Argon2 works.
    let names: Vec<String> = (0..24).map(|i| format!("user{i}")).collect();
    let tries = names.iter().map(|n| sign_in_from(s.addr, a, n));
    let statuses = futures_util::future::join_all(tries).await;
    let limited = statuses.iter().filter(|&&st| st == 429).count();
    assert!(
        statuses.iter().all(|&st| st == 401 || st == 429),
        "{statuses:?}"
    );
    assert!(
        limited >= 3,
        "24 attempts at once from one client: {statuses:?}"
    );
    assert_eq!(
        sign_in_from(s.addr, b, "user0").await,
        401,
        "another client is not limited"
    );
}
