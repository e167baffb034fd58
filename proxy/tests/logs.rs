//! What the proxy logs: endpoints, codes, counts and timings; never a body, an identifier or
//! the token. Every kind of request (forwarded, retried, refused by TikTok, refused by the
//! guard) is made with logging at its most verbose, and the log text is searched.

mod common;

use common::*;
use serde_json::json;

#[tokio::test]
async fn logs_carry_no_body_identifier_or_token() {
    let log = CapturedLog::default();
    tracing::subscriber::set_global_default(log.subscriber()).unwrap();

    let (fake, addr) = start_fake().await;
    let t = build(upstream_config(addr));
    let emails = [email(1), email(2)];
    let hashes: Vec<String> = emails.iter().map(|e| sha(e)).collect();

    // Forwarded and acknowledged.
    fake.then(ok_envelope(json!({})));
    let a = post_json(
        &t.router,
        "/open_api/v1.3/segment/mapping/",
        &mapping_body("add", "9001", &emails),
    )
    .await;
    assert_eq!(a.code(), 0);
    // Retried after a 500, then acknowledged.
    fake.then(Behave::Json(500, json!({"error": "internal"})))
        .then(ok_envelope(json!({})));
    let event = json!({"event_source": "web", "event_source_id": "P", "data": [{
        "event": "ViewContent", "event_time": 1, "event_id": "order-7731",
        "user": {"email": hashes[0], "phone": sha("+442071838750"), "ip": "203.0.113.9"}}]});
    assert_eq!(
        post_json(&t.router, "/open_api/v1.3/event/track/", &event)
            .await
            .code(),
        0
    );
    // Refused by TikTok.
    fake.then(code_envelope(40002, "Parameter error: invalid audience ID"));
    post_json(
        &t.router,
        "/open_api/v1.3/segment/mapping/",
        &mapping_body("delete", "9002", &emails),
    )
    .await;
    // Refused by the guard: a raw email where a hash belongs.
    let mut raw = mapping_body("add", "9003", &emails);
    raw["batch_data"][1][0]["id"] = json!("Alice.Smith@example.com");
    assert_eq!(
        post_json(&t.router, "/open_api/v1.3/segment/mapping/", &raw)
            .await
            .status
            .as_u16(),
        422
    );

    let text = log.text();
    assert!(
        text.contains("forwarded"),
        "the log should say what was forwarded:\n{text}"
    );
    assert!(
        text.contains("segment/mapping"),
        "endpoints are logged:\n{text}"
    );
    for secret in [
        "test-token-XYZ",
        "Alice.Smith@example.com",
        "alice.smith@example.com",
        emails[0].as_str(),
        hashes[0].as_str(),
        hashes[1].as_str(),
        "203.0.113.9",
        "order-7731",
        // Pieces of the JSON bodies (a field *name* in a refusal is fine; a body is not).
        "{\"id\":",
        "\"audience_ids\":",
        "\"event_time\":",
    ] {
        assert!(!text.contains(secret), "the log holds {secret:?}:\n{text}");
    }
}
