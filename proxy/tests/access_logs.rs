//! Signing in leaves no secret in the log: passwords (right or wrong), API keys, session ids
//! and sign-in link tokens, with logging at its most verbose.

mod common;

use axum::body::Body;
use axum::http::Request;
use common::*;
use serde_json::json;
use tikhash_proxy::access::{sessions, users, Role};

#[tokio::test]
async fn no_password_key_session_or_link_in_the_log() {
    let log = CapturedLog::default();
    tracing::subscriber::set_global_default(log.subscriber()).unwrap();

    let t = build(sandbox_config());
    let password = "pw-Very-Secret-1234";
    users::add(t.state.ledger(), "dan", Role::Viewer, password, 1).unwrap();
    let key = make_key(t.state.ledger(), "bot", Role::Syncer);
    let link = sessions::issue_link(t.state.ledger(), t.state.clock().now()).unwrap();
    let post = |path: &str, body: serde_json::Value| {
        Request::post(path)
            .header("host", HOST)
            .header("origin", "http://127.0.0.1:8787")
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()))
            .unwrap()
    };
    let wrong = "pw-Wrong-Guess-5678";
    send(
        &t.raw,
        post(
            "/tikhash/login/password",
            json!({"name": "dan", "password": wrong}),
        ),
    )
    .await;
    let ok = send(
        &t.raw,
        post(
            "/tikhash/login/password",
            json!({"name": "dan", "password": password}),
        ),
    )
    .await;
    let session = ok.headers["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_string();
    send(&t.raw, post("/tikhash/login/link", json!({"token": link}))).await;
    let r = Request::get("/tikhash/session")
        .header("host", HOST)
        .header("authorization", format!("Bearer {key}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&t.raw, r).await.code(), 0);

    let text = log.text();
    assert!(
        text.contains("sign-in failed") || text.contains("sign-in"),
        "nothing logged: {text}"
    );
    for secret in [password, wrong, &key, &session, &link] {
        assert!(!text.contains(secret), "a secret is in the log");
    }
}
