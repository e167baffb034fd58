//! Access control, tried as an attacker would: a foreign Host (DNS rebinding), a foreign or
//! missing Origin (with and without CORS configured), no credentials, the wrong role,
//! expired, ended and revoked credentials, a replayed sign-in link, password guessing. Every
//! refusal must forward nothing: the fake TikTok records every request it gets.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;
use serde_json::{json, Value};
use tikhash_proxy::access::{keys, sessions, Role};
use tikhash_proxy::cli;

const OWN: &str = "http://127.0.0.1:8787";

fn req(method: &str, path: &str) -> axum::http::request::Builder {
    Request::builder()
        .method(method)
        .uri(path)
        .header("host", HOST)
}

fn json_req(path: &str, body: &Value) -> axum::http::request::Builder {
    let _ = body;
    req("POST", path).header("content-type", "application/json")
}

fn track_body() -> Value {
    json!({"event_source": "web", "event_source_id": "P", "data": [{
        "event": "ViewContent", "event_time": 1, "event_id": "e-1",
        "user": {"email": email(1)}}]})
}

const TRACK: &str = "/open_api/v1.3/event/track/";
const UPLOAD: &str = "/open_api/v1.3/dmp/custom_audience/file/upload/";

/// Signs in with a fresh start-up link; returns the `Cookie` header value.
async fn owner_cookie(t: &TestApp) -> String {
    let now = t.state.clock().now();
    let token = sessions::issue_link(t.state.ledger(), now).unwrap();
    let a = trade(t, &token).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    cookie_of(&a)
}

async fn trade(t: &TestApp, token: &str) -> Answer {
    let body = json!({ "token": token });
    let r = json_req("/tikhash/login/link", &body)
        .header("origin", OWN)
        .body(Body::from(body.to_string()))
        .unwrap();
    send(&t.raw, r).await
}

fn cookie_of(a: &Answer) -> String {
    let set = a.headers["set-cookie"].to_str().unwrap().to_string();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict") && set.contains("Path=/"),
        "{set}"
    );
    set.split(';').next().unwrap().to_string()
}

fn upload_request(origin: Option<&str>, cookie: Option<&str>) -> Request<Body> {
    let file = [email(1), email(2)].join("\n").into_bytes();
    let sig = md5(&file);
    let (ct, body) = multipart(
        &[
            ("advertiser_id", ADV),
            ("calculate_type", "EMAIL_SHA256"),
            ("file_signature", &sig),
        ],
        "a.txt",
        &file,
    );
    let mut b = req("POST", UPLOAD).header("content-type", ct);
    if let Some(o) = origin {
        b = b.header("origin", o);
    }
    if let Some(c) = cookie {
        b = b.header("cookie", c);
    }
    b.body(Body::from(body)).unwrap()
}

#[tokio::test]
async fn a_foreign_host_gets_421_on_every_route_and_nothing_is_forwarded() {
    let (fake, addr) = start_fake().await;
    let t = build(upstream_config(addr));
    let key = t.admin_key.clone();
    for (method, path) in [
        ("GET", "/healthz"),
        ("GET", "/"),
        (
            "GET",
            "/open_api/v1.3/dmp/custom_audience/list/?advertiser_id=7012345678901234567",
        ),
        ("POST", TRACK),
        ("GET", "/tikhash/session"),
    ] {
        let r = Request::builder()
            .method(method)
            .uri(path)
            .header("host", "evil.example:8787")
            .header("authorization", format!("Bearer {key}"))
            .header("content-type", "application/json")
            .body(Body::from(track_body().to_string()))
            .unwrap();
        let a = send(&t.raw, r).await;
        assert_eq!(a.status, StatusCode::MISDIRECTED_REQUEST, "{method} {path}");
        assert_eq!(a.code(), 94211);
        assert!(a.json()["request_id"]
            .as_str()
            .unwrap()
            .starts_with("tikhash-"));
    }
    // No Host at all is refused too.
    let a = send(
        &t.raw,
        Request::get("/healthz").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(a.status, StatusCode::MISDIRECTED_REQUEST);
    assert!(fake.seen().is_empty());
    // Loopback names on any port are answered.
    for host in ["localhost:1234", "[::1]:8787", "127.0.0.1"] {
        let r = Request::get("/healthz")
            .header("host", host)
            .body(Body::empty())
            .unwrap();
        assert_eq!(send(&t.raw, r).await.status, StatusCode::OK, "{host}");
    }
}

#[tokio::test]
async fn public_url_and_allowed_hosts_extend_the_list() {
    let mut c = sandbox_config();
    c.public_url = tikhash_proxy::config::PublicUrl::parse("https://tik.example");
    c.allowed_hosts = vec!["lan.box:8787".into()];
    let t = build(c);
    for (host, want) in [
        ("tik.example", StatusCode::OK),
        ("lan.box:8787", StatusCode::OK),
        ("lan.box:9999", StatusCode::MISDIRECTED_REQUEST),
        ("evil.example", StatusCode::MISDIRECTED_REQUEST),
    ] {
        let r = Request::get("/healthz")
            .header("host", host)
            .body(Body::empty())
            .unwrap();
        assert_eq!(send(&t.raw, r).await.status, want, "{host}");
    }
}

#[tokio::test]
async fn no_credentials_is_401_in_the_envelope_and_nothing_is_forwarded() {
    let (fake, addr) = start_fake().await;
    let t = build(upstream_config(addr));
    for (method, path) in [
        (
            "GET",
            "/open_api/v1.3/dmp/custom_audience/list/?advertiser_id=7012345678901234567",
        ),
        ("POST", TRACK),
        ("GET", "/tikhash/ledger/7012345678901234567/1"),
        ("GET", "/tikhash/session"),
        ("GET", "/tikhash/audit"),
        ("GET", "/open_api/v1.3/nowhere/"),
    ] {
        let r = req(method, path)
            .header("content-type", "application/json")
            .body(Body::from(track_body().to_string()))
            .unwrap();
        let a = send(&t.raw, r).await;
        assert_eq!(
            (a.status, a.code()),
            (StatusCode::UNAUTHORIZED, 94011),
            "{method} {path}"
        );
    }
    // A wrong key, a key-shaped string and a made-up session are no better.
    for auth in [
        ("authorization", "Bearer tikhash_0000"),
        ("authorization", "Basic YTpi"),
        ("cookie", "tikhash_session=abc"),
    ] {
        let r = req("GET", "/tikhash/session")
            .header(auth.0, auth.1)
            .body(Body::empty())
            .unwrap();
        assert_eq!(
            send(&t.raw, r).await.status,
            StatusCode::UNAUTHORIZED,
            "{auth:?}"
        );
    }
    // Public: health and the page.
    assert_eq!(
        send(&t.raw, req("GET", "/healthz").body(Body::empty()).unwrap())
            .await
            .status,
        StatusCode::OK
    );
    assert!(fake.seen().is_empty());
}

async fn foreign_origin_refused(cors: bool) {
    let (fake, addr) = start_fake().await;
    let mut c = upstream_config(addr);
    if cors {
        c.allowed_origins = vec!["http://app.example".into()];
    }
    let t = build(c);
    let cookie = owner_cookie(&t).await;
    // A cross-site multipart upload with the user's cookie, with no cookie, and JSON.
    for r in [
        upload_request(Some("http://evil.example"), Some(&cookie)),
        upload_request(Some("http://evil.example"), None),
        upload_request(Some("null"), Some(&cookie)),
        upload_request(Some("http://127.0.0.1:9999"), Some(&cookie)),
        json_req(TRACK, &json!({}))
            .header("origin", "http://localhost:8787")
            .header("cookie", &cookie)
            .body(Body::from(track_body().to_string()))
            .unwrap(),
    ] {
        let a = send(&t.raw, r).await;
        assert_eq!(
            (a.status, a.code()),
            (StatusCode::FORBIDDEN, 94032),
            "{}",
            a.text()
        );
        assert!(!a.text().contains(&email(1)));
    }
    // A cookie with no Origin, or marked cross-site by the browser.
    let a = send(&t.raw, upload_request(None, Some(&cookie))).await;
    assert_eq!(a.code(), 94032);
    let mut r = upload_request(Some(OWN), Some(&cookie));
    r.headers_mut()
        .insert("sec-fetch-site", "cross-site".parse().unwrap());
    assert_eq!(send(&t.raw, r).await.code(), 94032);
    // A sign-in link traded from a foreign page is refused before it is used.
    let token = sessions::issue_link(t.state.ledger(), t.state.clock().now()).unwrap();
    let r = json_req("/tikhash/login/link", &json!({}))
        .header("origin", "http://evil.example")
        .body(Body::from(json!({"token": token}).to_string()))
        .unwrap();
    assert_eq!(send(&t.raw, r).await.code(), 94032);
    assert!(fake.seen().is_empty(), "forwarded: {:?}", fake.seen());
    assert_eq!(trade(&t, &token).await.status, StatusCode::OK);

    // The page's own origin goes through.
    let a = send(&t.raw, upload_request(Some(OWN), Some(&cookie))).await;
    assert_eq!(a.code(), 0, "{}", a.text());
    assert_eq!(fake.seen().len(), 1);
    if cors {
        let a = send(
            &t.raw,
            upload_request(Some("http://app.example"), Some(&cookie)),
        )
        .await;
        assert_eq!(a.code(), 0, "{}", a.text());
    }
}

#[tokio::test]
async fn a_foreign_origin_cannot_change_state_without_cors() {
    foreign_origin_refused(false).await;
}

#[tokio::test]
async fn a_foreign_origin_cannot_change_state_with_cors_configured() {
    foreign_origin_refused(true).await;
}

#[tokio::test]
async fn an_api_key_needs_no_origin() {
    let (fake, addr) = start_fake().await;
    let t = build(upstream_config(addr));
    let syncer = make_key(t.state.ledger(), "ci", Role::Syncer);
    let r = json_req(TRACK, &json!({}))
        .header("authorization", format!("Bearer {syncer}"))
        .header("origin", "http://evil.example")
        .body(Body::from(track_body().to_string()))
        .unwrap();
    assert_eq!(send(&t.raw, r).await.code(), 0);
    assert_eq!(fake.seen().len(), 1);
}

#[tokio::test]
async fn roles_limit_what_each_may_do() {
    let (fake, addr) = start_fake().await;
    let t = build(upstream_config(addr));
    let viewer = make_key(t.state.ledger(), "looker", Role::Viewer);
    let syncer = make_key(t.state.ledger(), "sender", Role::Syncer);
    let call = |key: &str, method: &str, path: &str| {
        req(method, path)
            .header("authorization", format!("Bearer {key}"))
            .header("content-type", "application/json")
            .body(Body::from(track_body().to_string()))
            .unwrap()
    };
    let a = send(&t.raw, call(&viewer, "POST", TRACK)).await;
    assert_eq!((a.status, a.code()), (StatusCode::FORBIDDEN, 94033));
    assert_eq!(a.json()["data"]["needed"], "syncer");
    assert!(fake.seen().is_empty());
    let a = send(&t.raw, call(&viewer, "POST", UPLOAD)).await;
    assert_eq!(a.code(), 94033);
    assert!(fake.seen().is_empty());
    for path in ["/tikhash/audit", "/tikhash/users", "/tikhash/keys"] {
        let a = send(&t.raw, call(&syncer, "GET", path)).await;
        assert_eq!(
            (a.status, a.code()),
            (StatusCode::FORBIDDEN, 94033),
            "{path}"
        );
    }
    let a = send(&t.raw, call(&syncer, "DELETE", "/tikhash/keys/looker")).await;
    assert_eq!(a.code(), 94033);
    // What each may do.
    let list = "/open_api/v1.3/dmp/custom_audience/list/?advertiser_id=7012345678901234567";
    assert_eq!(send(&t.raw, call(&viewer, "GET", list)).await.code(), 0);
    let a = send(&t.raw, call(&viewer, "GET", "/tikhash/session")).await;
    assert_eq!(
        a.json()["data"],
        json!({"name": "looker", "role": "viewer", "via": "api_key"})
    );
    assert_eq!(send(&t.raw, call(&syncer, "POST", TRACK)).await.code(), 0);
    assert_eq!(fake.seen().len(), 2);
}

#[tokio::test]
async fn expired_ended_and_revoked_credentials_stop_working() {
    let t = build(sandbox_config());
    let who = |c: &str| {
        req("GET", "/tikhash/session")
            .header("cookie", c)
            .body(Body::empty())
            .unwrap()
    };
    // Ended: sign out.
    let cookie = owner_cookie(&t).await;
    let a = send(&t.raw, who(&cookie)).await;
    assert_eq!(
        a.json()["data"],
        json!({"name": "owner", "role": "admin", "via": "link"})
    );
    let out = req("POST", "/tikhash/logout")
        .header("cookie", &cookie)
        .header("origin", OWN)
        .body(Body::empty())
        .unwrap();
    let a = send(&t.raw, out).await;
    assert_eq!(a.code(), 0);
    assert!(a.headers["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    assert_eq!(
        send(&t.raw, who(&cookie)).await.status,
        StatusCode::UNAUTHORIZED
    );
    // Expired: past the session lifetime.
    let cookie = owner_cookie(&t).await;
    assert_eq!(send(&t.raw, who(&cookie)).await.status, StatusCode::OK);
    t.state
        .clock()
        .advance(t.state.config().session_ttl_secs + 1);
    assert_eq!(
        send(&t.raw, who(&cookie)).await.status,
        StatusCode::UNAUTHORIZED
    );
    // Revoked key.
    let key = make_key(t.state.ledger(), "old-ci", Role::Syncer);
    let with_key = || {
        req("GET", "/tikhash/session")
            .header("authorization", format!("Bearer {key}"))
            .body(Body::empty())
            .unwrap()
    };
    assert_eq!(send(&t.raw, with_key()).await.status, StatusCode::OK);
    let a = send(
        &t.router,
        Request::delete("/tikhash/keys/old-ci")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(a.code(), 0, "{}", a.text());
    assert_eq!(
        send(&t.raw, with_key()).await.status,
        StatusCode::UNAUTHORIZED
    );
    let a = send(
        &t.router,
        Request::delete("/tikhash/keys/old-ci")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_sign_in_link_works_once_and_not_after_it_expires() {
    let t = build(sandbox_config());
    let now = t.state.clock().now();
    let token = sessions::issue_link(t.state.ledger(), now).unwrap();
    assert_eq!(trade(&t, &token).await.status, StatusCode::OK);
    let again = trade(&t, &token).await;
    assert_eq!(
        (again.status, again.code()),
        (StatusCode::UNAUTHORIZED, 94012)
    );
    assert!(again.headers.get("set-cookie").is_none());
    let late = sessions::issue_link(t.state.ledger(), now).unwrap();
    t.state.clock().advance(sessions::LINK_TTL_SECS + 1);
    assert_eq!(trade(&t, &late).await.code(), 94012);
    assert_eq!(trade(&t, "0".repeat(64).as_str()).await.code(), 94012);
}

fn run_cli(db: &std::path::Path, args: &[&str], stdin: &str) -> Result<String, cli::CliError> {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let mut out = Vec::new();
    cli::run(
        &args,
        db,
        tikhash_proxy::Clock::default().now(),
        &mut stdin.as_bytes(),
        &mut out,
    )?;
    Ok(String::from_utf8(out).unwrap())
}

fn db_bytes(db: &std::path::Path) -> Vec<u8> {
    let mut all = std::fs::read(db).unwrap();
    if let Ok(wal) = std::fs::read(db.with_extension("db-wal")) {
        all.extend(wal);
    }
    all
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn users_sign_in_with_a_password_that_is_stored_only_as_argon2id() {
    let t = build(sandbox_config());
    let password = "correct horse battery staple";
    let out = run_cli(
        &t.db,
        &["users", "add", "ann", "--role", "syncer"],
        &format!("{password}\n"),
    )
    .unwrap();
    assert!(!out.contains(password));
    assert!(matches!(
        run_cli(
            &t.db,
            &["users", "add", "ann", "--role", "admin"],
            "another password\n"
        ),
        Err(cli::CliError::Access(_))
    ));
    assert!(run_cli(&t.db, &["users", "add", "bob", "--role", "boss"], "x\n").is_err());
    assert!(run_cli(
        &t.db,
        &["users", "add", "bob", "--role", "viewer"],
        "short\n"
    )
    .is_err());
    let bytes = db_bytes(&t.db);
    assert!(!contains(&bytes, password));
    assert!(contains(&bytes, "$argon2id$"));

    let sign_in = |name: &str, pw: &str| {
        json_req("/tikhash/login/password", &json!({}))
            .header("origin", OWN)
            .body(Body::from(
                json!({"name": name, "password": pw}).to_string(),
            ))
            .unwrap()
    };
    let bad = send(&t.raw, sign_in("ann", "wrong password")).await;
    let unknown = send(&t.raw, sign_in("nobody", password)).await;
    assert_eq!((bad.status, bad.code()), (StatusCode::UNAUTHORIZED, 94012));
    assert_eq!(bad.json()["message"], unknown.json()["message"]);
    assert!(!bad.text().contains("wrong password") && !unknown.text().contains("nobody"));
    let ok = send(&t.raw, sign_in("ann", password)).await;
    assert_eq!(ok.code(), 0, "{}", ok.text());
    let cookie = cookie_of(&ok);
    let r = req("GET", "/tikhash/session")
        .header("cookie", &cookie)
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        send(&t.raw, r).await.json()["data"],
        json!({"name": "ann", "role": "syncer", "via": "password"})
    );
    // Session ids are stored hashed too.
    let id = cookie.split_once('=').unwrap().1;
    assert!(!contains(&db_bytes(&t.db), id));

    // Admins list users (no hashes); removing a user ends their sessions.
    let a = get(&t.router, "/tikhash/users").await;
    assert_eq!(a.json()["data"]["users"][0]["name"], "ann");
    assert!(!a.text().contains("argon2"));
    assert_eq!(
        send(
            &t.router,
            Request::delete("/tikhash/users/ann")
                .body(Body::empty())
                .unwrap()
        )
        .await
        .code(),
        0
    );
    let r = req("GET", "/tikhash/session")
        .header("cookie", &cookie)
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&t.raw, r).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn password_guessing_is_rate_limited_per_name() {
    let t = build(sandbox_config());
    run_cli(
        &t.db,
        &["users", "add", "cat", "--role", "viewer"],
        "a long enough password\n",
    )
    .unwrap();
    let sign_in = |pw: &str| {
        json_req("/tikhash/login/password", &json!({}))
            .header("origin", OWN)
            .body(Body::from(
                json!({"name": "cat", "password": pw}).to_string(),
            ))
            .unwrap()
    };
    let mut codes = Vec::new();
    for i in 0..7 {
        codes.push(send(&t.raw, sign_in(&format!("guess {i}"))).await.code());
    }
    assert_eq!(&codes[..5], &[94012; 5]);
    assert_eq!(&codes[5..], &[94291; 2]);
    // Even the right password waits now.
    assert_eq!(
        send(&t.raw, sign_in("a long enough password")).await.code(),
        94291
    );
}

#[tokio::test]
async fn an_api_key_is_printed_once_on_the_last_line_and_stored_hashed() {
    let t = build(sandbox_config());
    let out = run_cli(
        &t.db,
        &["keys", "create", "--name", "nightly", "--role", "syncer"],
        "",
    )
    .unwrap();
    let key = out.lines().last().unwrap().to_string();
    assert!(
        key.starts_with(keys::PREFIX) && key.len() == keys::PREFIX.len() + 64,
        "{out}"
    );
    assert!(!contains(&db_bytes(&t.db), &key));
    let listed = run_cli(&t.db, &["keys", "list"], "").unwrap();
    assert!(listed.contains("nightly") && !listed.contains(&key));
    let a = get(&t.router, "/tikhash/keys").await;
    assert!(a.text().contains("nightly") && !a.text().contains(&key[keys::PREFIX.len()..]));
    let r = req("GET", "/tikhash/session")
        .header("authorization", format!("Bearer {key}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&t.raw, r).await.json()["data"]["name"], "nightly");
    run_cli(&t.db, &["keys", "revoke", "nightly"], "").unwrap();
    let r = req("GET", "/tikhash/session")
        .header("authorization", format!("Bearer {key}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&t.raw, r).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_audit_log_says_who_did_what_and_never_a_value() {
    let (fake, addr) = start_fake().await;
    let t = build(upstream_config(addr));
    let key = make_key(t.state.ledger(), "pipeline", Role::Syncer);
    fake.then(ok_envelope(json!({})));
    let r = json_req(&format!("{TRACK}?x=secret-query"), &json!({}))
        .header("authorization", format!("Bearer {key}"))
        .body(Body::from(track_body().to_string()))
        .unwrap();
    assert_eq!(send(&t.raw, r).await.code(), 0);
    let r = req("GET", "/tikhash/audit")
        .header("authorization", format!("Bearer {key}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&t.raw, r).await.code(), 94033);
    let a = get(&t.router, "/tikhash/audit?limit=10").await;
    assert_eq!(a.code(), 0, "{}", a.text());
    let entries = a.json()["data"]["entries"].as_array().unwrap().clone();
    // Newest first: the refused audit read, then the event.
    assert_eq!(entries[0]["who"], "pipeline");
    assert_eq!(
        (entries[0]["status"].as_u64(), entries[0]["code"].as_i64()),
        (Some(403), Some(94033))
    );
    let sent = &entries[1];
    assert_eq!(sent["who"], "pipeline");
    assert_eq!(sent["via"], "api_key");
    assert_eq!(sent["method"], "POST");
    assert_eq!(sent["route"], TRACK);
    assert_eq!(sent["status"], 200);
    assert_eq!(sent["code"], 0);
    assert_eq!(sent["tiktok_request_id"], "tt-req-1");
    assert!(sent["at"].as_i64().unwrap() > 0);
    let text = a.text();
    assert!(!text.contains(&email(1)) && !text.contains("secret-query"));
    assert_eq!(get(&t.router, "/tikhash/audit?limit=0").await.code(), 94222);
    assert_eq!(
        get(&t.router, "/tikhash/audit?limit=1").await.json()["data"]["entries"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn the_token_is_redacted_in_every_debug() {
    let (_fake, addr) = start_fake().await;
    let t = build(upstream_config(addr));
    let all = format!("{:?} {:?}", t.state, t.state.config());
    assert!(!all.contains("test-token-XYZ"), "{all}");
}

#[tokio::test]
async fn the_cookie_is_secure_behind_an_https_public_url() {
    let mut c = sandbox_config();
    c.public_url = tikhash_proxy::config::PublicUrl::parse("https://tik.example");
    let t = build(c);
    let token = sessions::issue_link(t.state.ledger(), t.state.clock().now()).unwrap();
    let mut r = json_req("/tikhash/login/link", &json!({}))
        .header("origin", "https://tik.example")
        .body(Body::from(json!({ "token": token }).to_string()))
        .unwrap();
    // Reached through the TLS front end under the public name.
    r.headers_mut()
        .insert("host", "tik.example".parse().unwrap());
    let a = send(&t.raw, r).await;
    assert_eq!(a.code(), 0, "{}", a.text());
    assert!(a.headers["set-cookie"]
        .to_str()
        .unwrap()
        .ends_with("; Secure"));
}
