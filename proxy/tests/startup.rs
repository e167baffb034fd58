//! The real binary: the one-time sign-in link printed at start-up, the refusal to listen
//! beyond loopback unsafely (one line on stderr, exit code 2), and the start-up line saying
//! what happens to TikTok calls in each mode (sandbox, token, TikTok app connected or not).

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

/// The "listening on" line of a proxy started with `extra` on `db`.
fn mode_line(db: &std::path::Path, extra: &[(&str, &str)]) -> String {
    let (_p, lines) = start(proxy(db, "127.0.0.1:0", extra), true);
    lines
        .into_iter()
        .find(|l| l.contains("listening on"))
        .expect("no start-up line")
}

#[test]
fn the_sign_in_link_is_on_the_public_url_when_there_is_one() {
    // The browser must use one host throughout: the cookies are per host, and TikTok sends
    // the browser back to TIKHASH_PUBLIC_URL after Connect.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let (_p, lines) = start(
        proxy(
            &db,
            "127.0.0.1:0",
            &[("TIKHASH_PUBLIC_URL", "http://localhost:8787")],
        ),
        true,
    );
    let link = lines.last().expect("no output");
    assert!(link.contains(" http://localhost:8787/?login="), "{link}");
}

const KEY: &str = "0707070707070707070707070707070707070707070707070707070707070707";

/// Stores a connection (as the Connect flow does) for `advertisers`, by `who`.
fn connect(db: &std::path::Path, advertisers: &[&str], needs_reconnect: bool) {
    use tikhash_proxy::connect::{store, vault, Advertiser, Live, SealKey, Vault};
    let ledger = tikhash_proxy::Ledger::open(db).unwrap();
    let vault = Vault::new(SealKey::from_hex(KEY), vault::key_file_for(db));
    let live = Live {
        token: Some("tok-startup-secret".into()),
        advertisers: advertisers
            .iter()
            .map(|a| Advertiser {
                advertiser_id: a.to_string(),
                advertiser_name: format!("Shop {a}"),
            })
            .collect(),
        connected_at: 1_700_000_000,
        connected_by: "maria".into(),
        needs_reconnect,
    };
    store::save(&ledger, &vault, &live).unwrap();
}

const APP: [(&str, &str); 4] = [
    ("TIKTOK_APP_ID", "7100000000000000001"),
    ("TIKTOK_APP_SECRET", "app-secret-startup"),
    ("TIKHASH_PUBLIC_URL", "http://127.0.0.1:8787"),
    ("TIKHASH_SECRET_KEY", KEY),
];

#[test]
fn the_start_up_line_says_what_happens_to_tiktok_calls_in_each_mode() {
    let dir = tempfile::tempdir().unwrap();

    // Sandbox: nothing leaves the machine; not connected, then connected through the simulator.
    let db = dir.path().join("sandbox.db");
    let line = mode_line(&db, &[]);
    assert!(line.contains("SANDBOX mode"), "{line}");
    assert!(line.contains("nothing leaves this machine"), "{line}");
    assert!(line.contains("no TikTok account connected"), "{line}");
    connect(&db, &["7000000000000000001", "7000000000000000002"], false);
    let line = mode_line(&db, &[("TIKHASH_SECRET_KEY", KEY)]);
    assert!(
        line.contains("a simulated TikTok account is connected (2 advertiser(s))"),
        "{line}"
    );
    connect(&db, &["7000000000000000001"], true);
    let line = mode_line(&db, &[("TIKHASH_SECRET_KEY", KEY)]);
    assert!(
        line.contains("the simulated TikTok account needs a reconnect"),
        "{line}"
    );

    // Token mode: the allow-list is the whole story.
    let db = dir.path().join("token.db");
    let token = [
        ("TIKTOK_ACCESS_TOKEN", "tok-startup-secret"),
        ("TIKHASH_ADVERTISER_IDS", "111,222,333"),
    ];
    let line = mode_line(&db, &token);
    assert!(
        line.contains("token mode, forwarding to https://")
            && line.contains("with TIKTOK_ACCESS_TOKEN for 3 allowed advertiser(s)"),
        "{line}"
    );

    // A token without the allow-list does not start: one line says what is missing.
    let out = proxy(&db, "127.0.0.1:0", &token[..1]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("TIKHASH_ADVERTISER_IDS") && !err.contains("tok-startup-secret"),
        "{err}"
    );

    // TikTok app mode, nobody connected: nothing is forwarded (not "0 allowed advertisers").
    let db = dir.path().join("app.db");
    let line = mode_line(&db, &APP);
    assert!(
        line.contains("TikTok app mode, no account connected yet"),
        "{line}"
    );
    assert!(line.contains("nothing is forwarded"), "{line}");
    assert!(!line.contains("0 allowed"), "{line}");
    // ... with a token as well: the token serves until someone connects.
    let with_token = [APP[0], APP[1], APP[2], APP[3], token[0], token[1]];
    let line = mode_line(&db, &with_token);
    assert!(
        line.contains(
            "with TIKTOK_ACCESS_TOKEN for 3 allowed advertiser(s) until an admin connects"
        ),
        "{line}"
    );

    // Connected: who connected and how many advertisers were authorized (and are usable).
    connect(&db, &["111", "222"], false);
    let line = mode_line(&db, &APP);
    assert!(
        line.contains(
            "with the TikTok account connected by maria: 2 authorized advertiser(s), 2 usable"
        ),
        "{line}"
    );
    let narrowed = [
        APP[0],
        APP[1],
        APP[2],
        APP[3],
        ("TIKHASH_ADVERTISER_IDS", "222,999"),
    ];
    let line = mode_line(&db, &narrowed);
    assert!(
        line.contains(
            "2 authorized advertiser(s), narrowed by TIKHASH_ADVERTISER_IDS (2 listed), 1 usable"
        ),
        "{line}"
    );

    // TikTok refused the token: a reconnect is needed.
    connect(&db, &["111", "222"], true);
    let line = mode_line(&db, &APP);
    assert!(line.contains("needs a reconnect"), "{line}");

    // A credential in TIKTOK_API_BASE is not printed.
    let line = mode_line(
        &dir.path().join("base.db"),
        &[
            token[0],
            token[1],
            (
                "TIKTOK_API_BASE",
                "https://ci:base-secret@tiktok.test/open_api",
            ),
        ],
    );
    assert!(
        line.contains("forwarding to https://tiktok.test/open_api with"),
        "{line}"
    );
    assert!(!line.contains("base-secret"), "{line}");

    // No line ever shows a token or the app secret.
    for db in ["sandbox.db", "token.db", "app.db"] {
        let line = mode_line(&dir.path().join(db), &with_token);
        assert!(
            !line.contains("tok-startup-secret") && !line.contains("app-secret-startup"),
            "{line}"
        );
    }
}
