//! The proxy against a fake TikTok on 127.0.0.1: exact outbound requests, retries and
//! faults, the guard (nothing forwarded), and the ledger after failures.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const RAW_EMAIL: &str = "Alice.Smith@example.com";

async fn setup() -> (Fake, TestApp) {
    let (fake, addr) = start_fake().await;
    (fake, build(upstream_config(addr)))
}

#[tokio::test]
async fn healthz_names_the_upstream() {
    let (_fake, t) = setup().await;
    let v = get(&t.router, "/healthz").await.json();
    assert_eq!(v["sandbox"], false);
    assert!(v["api_base"]
        .as_str()
        .unwrap()
        .starts_with("http://127.0.0.1:"));
}

#[tokio::test]
async fn forwards_what_was_checked_and_passes_the_answer_through() {
    let (fake, t) = setup().await;
    fake.then(Behave::Json(
        200,
        json!({"code": 0, "message": "OK", "request_id": "2026112803390301", "data": {}}),
    ));
    let body = mapping_body("add", "555", &[email(1), email(2)]);
    // odd spacing on purpose: what arrives is the proxy's own serialization of what it checked
    let raw = format!("  {}\n", serde_json::to_string_pretty(&body).unwrap()).into_bytes();
    let a = post_raw(
        &t.router,
        "/open_api/v1.3/segment/mapping/",
        "application/json; charset=utf-8",
        raw.clone(),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.json()["request_id"], "2026112803390301");
    let seen = fake.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, "POST");
    assert_eq!(seen[0].path_and_query, "/open_api/v1.3/segment/mapping/");
    assert_eq!(seen[0].token.as_deref(), Some("test-token-XYZ"));
    assert_eq!(seen[0].content_type.as_deref(), Some("application/json"));
    assert_ne!(seen[0].body, raw, "the received bytes are never forwarded");
    let forwarded: Value = serde_json::from_slice(&seen[0].body).unwrap();
    assert_eq!(forwarded, body, "the same body, read once");
    // acknowledged: the ledger has both
    assert_eq!(
        ledger_counts(&t.router, "555").await["members"]["EMAIL_SHA256"],
        2
    );

    // GET keeps its query string
    let q = format!("advertiser_id={ADV}&page=2&page_size=100");
    get(
        &t.router,
        &format!("/open_api/v1.3/dmp/custom_audience/list/?{q}"),
    )
    .await;
    let seen = fake.seen();
    assert_eq!(seen[1].method, "GET");
    assert_eq!(
        seen[1].path_and_query,
        format!("/open_api/v1.3/dmp/custom_audience/list/?{q}")
    );
    assert_eq!(seen[1].token.as_deref(), Some("test-token-XYZ"));
    assert!(seen[1].body.is_empty());
}

#[tokio::test]
async fn upload_is_rebuilt_from_its_checked_parts_and_remembered() {
    let (fake, t) = setup().await;
    fake.then(ok_envelope(json!({"file_path": "ttfile0000000001"})))
        .then(ok_envelope(json!({"custom_audience_id": "8001"})));
    let file = format!("{}\n{}\n", email(1), email(2)).into_bytes();
    let sig = md5(&file);
    let (ct, body) = multipart(
        &[
            ("advertiser_id", ADV),
            ("calculate_type", "EMAIL_SHA256"),
            ("file_signature", &sig),
        ],
        "a.csv",
        &file,
    );
    let a = post_raw(
        &t.router,
        "/open_api/v1.3/dmp/custom_audience/file/upload/",
        &ct,
        body.clone(),
    )
    .await;
    assert_eq!(a.code(), 0);
    let seen = fake.seen();
    let sent_ct = seen[0].content_type.clone().unwrap();
    assert!(
        sent_ct.starts_with("multipart/form-data; boundary=tikhash-"),
        "{sent_ct}"
    );
    assert_ne!(
        seen[0].body, body,
        "a fresh multipart, not the received bytes"
    );
    let parts = multipart_parts(&sent_ct, &seen[0].body).await;
    assert_eq!(
        parts,
        vec![
            ("advertiser_id".to_string(), None, ADV.as_bytes().to_vec()),
            ("calculate_type".to_string(), None, b"EMAIL_SHA256".to_vec()),
            ("file_signature".to_string(), None, sig.as_bytes().to_vec()),
            ("file".to_string(), Some("a.csv".to_string()), file.clone()),
        ]
    );
    let a = post_json(
        &t.router,
        "/open_api/v1.3/dmp/custom_audience/create/",
        &json!({"advertiser_id": ADV, "custom_audience_name": "n", "calculate_type": "EMAIL_SHA256",
                "file_paths": ["ttfile0000000001"]}),
    )
    .await;
    assert_eq!(a.code(), 0);
    assert_eq!(
        ledger_counts(&t.router, "8001").await["members"]["EMAIL_SHA256"],
        2
    );
}

#[tokio::test]
async fn retries_500_then_succeeds() {
    let (fake, t) = setup().await;
    fake.then(Behave::Json(500, json!({"error": "internal"})))
        .then(ok_envelope(json!({})));
    let body = json!({"event_source": "web", "event_source_id": "P",
        "data": [{"event": "ViewContent", "event_time": 1, "event_id": "x"}]});
    let a = post_json(&t.router, "/open_api/v1.3/event/track/", &body).await;
    assert_eq!((a.status, a.code()), (StatusCode::OK, 0));
    let seen = fake.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].body, seen[1].body);
}

#[tokio::test]
async fn rate_limit_forever_is_bounded() {
    let (fake, t) = setup().await;
    fake.always(code_envelope(
        40100,
        "Too many requests. Please retry in some time.",
    ));
    let start = Instant::now();
    let a = post_json(
        &t.router,
        "/open_api/v1.3/segment/mapping/",
        &mapping_body("add", "555", &[email(1)]),
    )
    .await;
    assert_eq!((a.status, a.code()), (StatusCode::TOO_MANY_REQUESTS, 40100));
    assert_eq!(fake.seen().len(), 3, "max_attempts is 3");
    assert!(start.elapsed() < Duration::from_secs(2));
    assert_eq!(ledger_counts(&t.router, "555").await["members"], json!({}));
}

#[tokio::test]
async fn permission_and_parameter_errors_are_never_retried() {
    for (code, status) in [
        (40001, StatusCode::FORBIDDEN),
        (40002, StatusCode::BAD_REQUEST),
    ] {
        let (fake, t) = setup().await;
        fake.always(code_envelope(code, "nope"));
        let a = post_json(
            &t.router,
            "/open_api/v1.3/segment/mapping/",
            &mapping_body("add", "555", &[email(1)]),
        )
        .await;
        assert_eq!((a.status, a.code()), (status, code));
        assert_eq!(a.json()["request_id"], "tt-req-2");
        assert_eq!(fake.seen().len(), 1, "{code} was retried");
        // a failure after forwarding leaves the ledger unchanged
        assert_eq!(ledger_counts(&t.router, "555").await["members"], json!({}));
    }
}

#[tokio::test]
async fn creating_is_not_retried_on_5xx() {
    let (fake, t) = setup().await;
    fake.always(Behave::Json(
        503,
        json!({"code": 50000, "message": "busy", "request_id": "r", "data": {}}),
    ));
    let a = post_json(
        &t.router,
        "/open_api/v1.3/segment/audience/",
        &json!({"advertiser_id": ADV, "custom_audience_name": "x"}),
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_GATEWAY);
    assert_eq!(fake.seen().len(), 1);
}

#[tokio::test]
async fn connection_refused_is_502() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let t = build(upstream_config(addr));
    let a = post_json(
        &t.router,
        "/open_api/v1.3/segment/mapping/",
        &mapping_body("add", "555", &[email(1)]),
    )
    .await;
    assert_eq!((a.status, a.code()), (StatusCode::BAD_GATEWAY, 95021));
    assert_eq!(ledger_counts(&t.router, "555").await["members"], json!({}));
}

#[tokio::test]
async fn hanging_upstream_is_504_within_the_total_timeout() {
    let (fake, t) = setup().await;
    fake.always(Behave::Hang);
    let start = Instant::now();
    let a = post_json(
        &t.router,
        "/open_api/v1.3/segment/mapping/",
        &mapping_body("add", "555", &[email(1)]),
    )
    .await;
    let took = start.elapsed();
    assert_eq!((a.status, a.code()), (StatusCode::GATEWAY_TIMEOUT, 95041));
    // total_timeout is 1 s (attempts of 300 ms plus backoff)
    assert!(took < Duration::from_millis(1500), "{took:?}");
    assert!(took >= Duration::from_millis(300), "{took:?}");
    assert!((2..=3).contains(&fake.seen().len()));
    assert_eq!(ledger_counts(&t.router, "555").await["members"], json!({}));
}

#[tokio::test]
async fn replace_rejected_by_tiktok_maps_to_409_and_keeps_the_ledger() {
    let (fake, t) = setup().await;
    fake.then(ok_envelope(json!({"file_path": "f1"})));
    let a = upload(&t.router, "EMAIL_SHA256", &[email(1), email(2)]).await;
    assert_eq!(a.code(), 0);
    fake.then(code_envelope(
        40002,
        tikhash_proxy::error::REPLACE_REJECTED_MESSAGE,
    ));
    let a = post_json(
        &t.router,
        "/open_api/v1.3/dmp/custom_audience/update/",
        &json!({"advertiser_id": ADV, "custom_audience_id": "77", "action": "REPLACE", "file_paths": ["f1"]}),
    )
    .await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    let l = ledger_counts(&t.router, "77").await;
    assert_eq!(l["members"], json!({}));
    assert!(l["last_replace_at"].is_null());
}

/// Each identifier field holding a raw value: 422 naming the field, the value never in
/// the answer, nothing forwarded.
#[tokio::test]
async fn guard_refuses_every_identifier_field() {
    let (fake, t) = setup().await;
    let h = email(1);
    let upper = h.to_uppercase();
    let event = |user: Value| {
        json!({"event_source": "web", "event_source_id": "P",
               "data": [{"event": "ViewContent", "event_time": 1, "user": {"email": h}},
                        {"event": "ViewContent", "event_time": 1, "user": user}]})
    };
    let track = "/open_api/v1.3/event/track/";
    let mapping = "/open_api/v1.3/segment/mapping/";
    let md5_mapping = |id: &str| {
        json!({"advertiser_ids": [ADV], "id_schema": ["EMAIL_SHA256", "AAID_MD5"],
               "batch_data": [[{"id": h, "audience_ids": ["5"]}, {}],
                              [{}, {"id": id, "audience_ids": ["5"]}]]})
    };
    let cases: Vec<(&str, Value, &str, &str)> = vec![
        (
            mapping,
            mapping_body("add", "5", &[h.clone(), RAW_EMAIL.into()]),
            "batch_data[1][0].id",
            RAW_EMAIL,
        ),
        (
            mapping,
            mapping_body("add", "5", std::slice::from_ref(&upper)),
            "batch_data[0][0].id",
            &upper,
        ),
        (mapping, md5_mapping(&h), "batch_data[1][1].id", &h[40..]),
        (
            mapping,
            md5_mapping("6d0ab9b8-2f4e-4b0a-9f7e-3f1c2d4e5a6b"),
            "batch_data[1][1].id",
            "6d0ab9b8",
        ),
        (
            track,
            event(json!({"email": RAW_EMAIL})),
            "data[1].user.email",
            RAW_EMAIL,
        ),
        (
            track,
            event(json!({"email": [h, RAW_EMAIL]})),
            "data[1].user.email[1]",
            RAW_EMAIL,
        ),
        (
            track,
            event(json!({"phone": "+1 213 373 4253"})),
            "data[1].user.phone",
            "373 4253",
        ),
        (
            track,
            event(json!({"external_id": ["user_123"]})),
            "data[1].user.external_id[0]",
            "user_123",
        ),
        // App-only fields are not built here, so the strict schema does not know them.
        (
            track,
            event(json!({"idfa": "7A3CBEA0-BDF5-11E4-8DFC-AA07A5B093DB"})),
            "data[1].user.idfa",
            "7A3CBEA0",
        ),
        (
            track,
            event(json!({"gaid": "5f3a2b18-9c4d-4e7f-b8e2-17d3a1e69b25"})),
            "data[1].user.gaid",
            "5f3a2b18",
        ),
        (
            track,
            event(json!({"email": 12345678})),
            "data[1].user.email",
            "12345678",
        ),
        (
            track,
            event(json!({"first_name": "Alice"})),
            "data[1].user.first_name",
            "Alice",
        ),
    ];
    for (path, body, field, secret) in cases {
        let a = post_json(&t.router, path, &body).await;
        assert_eq!(
            a.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            a.text()
        );
        assert_eq!(a.json()["data"]["field"], field);
        assert!(a.json()["message"].as_str().unwrap().contains(field));
        assert!(!a.text().contains(secret), "{field} echoed the value");
    }
    // customer-file lines
    for (ct, lines, field, secret) in [
        (
            "EMAIL_SHA256",
            vec![h.clone(), RAW_EMAIL.to_string()],
            "file line 2",
            RAW_EMAIL,
        ),
        (
            "PHONE_SHA256",
            vec!["+442071838750".to_string()],
            "file line 1",
            "2071838750",
        ),
        (
            "IDFA_MD5",
            vec![md5(b"a"), h.clone()],
            "file line 2",
            &h[40..],
        ),
    ] {
        let a = upload(&t.router, ct, &lines).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.text());
        assert_eq!(a.json()["data"]["field"], field);
        assert!(!a.text().contains(secret));
    }
    // ip and user_agent stay plain, as TikTok requires: this one is forwarded
    let ok = event(json!({"ip": "203.0.113.9", "user_agent": "Mozilla/5.0", "email": [h]}));
    assert!(fake.seen().is_empty(), "a refused request reached TikTok");
    let a = post_json(&t.router, track, &ok).await;
    assert_eq!(a.code(), 0);
    assert_eq!(fake.seen().len(), 1);
}

#[tokio::test]
async fn advertiser_not_allowed_forwards_nothing() {
    let (fake, t) = setup().await;
    let mut body = mapping_body("add", "5", &[email(1)]);
    body["advertiser_ids"] = json!([ADV, "999"]);
    let a = post_json(&t.router, "/open_api/v1.3/segment/mapping/", &body).await;
    assert_eq!((a.status, a.code()), (StatusCode::FORBIDDEN, 94031));
    assert_eq!(a.json()["data"]["field"], "advertiser_ids[1]");
    let a = post_json(
        &t.router,
        "/open_api/v1.3/dmp/custom_audience/update/",
        &json!({"advertiser_id": "999", "custom_audience_id": "1", "action": "APPEND", "file_paths": ["x"]}),
    )
    .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert!(fake.seen().is_empty());
}
