//! The real binary: the one-time sign-in link printed at start-up, and the refusal to listen
//! beyond loopback unsafely (one line on stderr, exit code 2).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_tikhash-proxy");

fn proxy(db: &std::path::Path, listen: &str, extra: &[(&str, &str)]) -> Command {
    let mut c = Command::new(BIN);
    c.env_clear()
        .env("TIKHASH_DB", db)
        .env("TIKHASH_LISTEN", listen)
        .env("TIKHASH_WWW_DIR", db.parent().unwrap())
        .env("RUST_LOG", "off");
    for (k, v) in extra {
        c.env(k, v);
    }
    c
}

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the proxy; returns it and its stdout lines up to the sign-in link (or to the
/// listening line plus a short wait when `want_link` is false).
fn start(mut cmd: Command, want_link: bool) -> (Running, Vec<String>) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut lines = Vec::new();
    while let Ok(line) = rx.recv_timeout(Duration::from_secs(if want_link { 20 } else { 2 })) {
        let done = line.contains("?login=");
        lines.push(line);
        if done {
            break;
        }
    }
    (Running(child), lines)
}

fn add_user(db: &std::path::Path) {
    let mut c = Command::new(BIN)
        .args(["users", "add", "root", "--role", "admin"])
        .env_clear()
        .env("TIKHASH_DB", db)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    use std::io::Write;
    c.stdin
        .take()
        .unwrap()
        .write_all(b"a long admin password\n")
        .unwrap();
    assert!(c.wait().unwrap().success());
}

#[tokio::test]
async fn loopback_with_no_users_prints_a_one_time_link_that_signs_in_the_owner() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("l.db");
    let (_p, lines) = start(proxy(&db, "127.0.0.1:0", &[]), true);
    let link = lines.last().expect("no output").clone();
    let at = link.find("http://127.0.0.1:").expect(&link);
    let url = link[at..].split_whitespace().next().unwrap().to_string();
    let (base, token) = url.split_once("/?login=").unwrap();
    assert!(
        token.len() >= 32 && token.bytes().all(|b| b.is_ascii_hexdigit()),
        "{url}"
    );

    let http = reqwest::Client::new();
    let trade = || {
        http.post(format!("{base}/tikhash/login/link"))
            .header("origin", base)
            .header("content-type", "application/json")
            .body(serde_json::json!({ "token": token }).to_string())
            .send()
    };
    let first = trade().await.unwrap();
    assert_eq!(first.status(), 200);
    let cookie = first.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    assert!(!cookie.contains("Secure"));
    let session = cookie.split(';').next().unwrap().to_string();
    let who = http
        .get(format!("{base}/tikhash/session"))
        .header("cookie", &session)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let who: serde_json::Value = serde_json::from_slice(&who).unwrap();
    assert_eq!(who["data"]["role"], "admin");
    assert_eq!(trade().await.unwrap().status(), 401);
}

#[test]
fn no_link_once_a_user_exists() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("u.db");
    add_user(&db);
    let (_p, lines) = start(proxy(&db, "127.0.0.1:0", &[]), false);
    assert!(
        lines.iter().any(|l| l.contains("listening on")),
        "{lines:?}"
    );
    assert!(!lines.iter().any(|l| l.contains("login=")), "{lines:?}");
}

fn refused(db: &std::path::Path, extra: &[(&str, &str)]) -> String {
    let out = proxy(db, "0.0.0.0:0", extra).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    err
}

#[test]
fn a_non_loopback_address_needs_users_and_https() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("n.db");
    assert!(refused(&db, &[("TIKHASH_PUBLIC_URL", "https://t.example")]).contains("user"));
    add_user(&db);
    assert!(refused(&db, &[]).contains("TIKHASH_PUBLIC_URL"));
    assert!(refused(&db, &[("TIKHASH_PUBLIC_URL", "http://t.example")]).contains("https"));
    let (_p, lines) = start(
        proxy(
            &db,
            "0.0.0.0:0",
            &[("TIKHASH_PUBLIC_URL", "https://t.example")],
        ),
        false,
    );
    assert!(
        lines.iter().any(|l| l.contains("listening on")),
        "{lines:?}"
    );
    let (_p, lines) = start(
        proxy(&db, "0.0.0.0:0", &[("TIKHASH_INSECURE_HTTP", "1")]),
        false,
    );
    assert!(
        lines.iter().any(|l| l.contains("listening on")),
        "{lines:?}"
    );
}
