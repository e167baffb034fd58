//! In-process tests (no socket) of every route against the built-in sandbox.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;
use serde_json::{json, Value};
use tikhash_proxy::error::REPLACE_REJECTED_MESSAGE;

async fn create_segment(t: &TestApp) -> String {
    let a = post_json(
        &t.router,
        "/open_api/v1.3/segment/audience/",
        &json!({"advertiser_id": ADV, "action": "create", "custom_audience_name": "vip"}),
    )
    .await;
    assert_eq!((a.status, a.code()), (StatusCode::OK, 0), "{}", a.text());
    a.json()["data"]["audience_id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn healthz_says_sandbox() {
    let t = build(sandbox_config());
    let a = get(&t.router, "/healthz").await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(
        a.json(),
        json!({"ok": true, "sandbox": true, "version": env!("CARGO_PKG_VERSION"), "api_base": "sandbox"})
    );
}

#[tokio::test]
async fn partner_audience_add_delete_and_ledger() {
    let t = build(sandbox_config());
    let aud = create_segment(&t).await;
    let emails: Vec<String> = (0..3).map(email).collect();
    let phone = sha("+12133734253");
    let body = json!({
        "advertiser_ids": [ADV], "action": "add",
        "id_schema": ["EMAIL_SHA256", "PHONE_SHA256"],
        "batch_data": [
            [{"id": emails[0], "audience_ids": [aud]}, {"id": phone, "audience_ids": [aud]}],
            [{"id": emails[1], "audience_ids": [aud]}, {}],
            [{"id": emails[2], "audience_ids": [aud]}, {}],
        ]
    });
    let a = post_json(&t.router, "/open_api/v1.3/segment/mapping/", &body).await;
    assert_eq!((a.status, a.code()), (StatusCode::OK, 0), "{}", a.text());
    assert!(a.json()["request_id"]
        .as_str()
        .unwrap()
        .starts_with("sandbox-"));
    let l = ledger_counts(&t.router, &aud).await;
    assert_eq!(l["members"], json!({"EMAIL_SHA256": 3, "PHONE_SHA256": 1}));
    assert_eq!(l["advertiser_id"], ADV);
    assert!(l["updated_at"].is_i64() && l["last_replace_at"].is_null());

    let del = mapping_body("delete", &aud, &emails[1..2]);
    let a = post_json(&t.router, "/open_api/v1.3/segment/mapping/", &del).await;
    assert_eq!(a.code(), 0);
    assert_eq!(
        ledger_counts(&t.router, &aud).await["members"],
        json!({"EMAIL_SHA256": 2, "PHONE_SHA256": 1})
    );

    // members: raw digests in ascending byte order
    let m = get(
        &t.router,
        &format!("/tikhash/ledger/{ADV}/{aud}/members?id_type=EMAIL_SHA256"),
    )
    .await;
    assert_eq!(m.status, StatusCode::OK);
    assert_eq!(m.content_type, "application/octet-stream");
    let mut want: Vec<Vec<u8>> = [&emails[0], &emails[2]]
        .iter()
        .map(|h| tikhash::HexDigest::parse(h).unwrap().to_bytes())
        .collect();
    want.sort();
    assert_eq!(m.bytes, want.concat());

    // an unknown audience has zero counts
    let l = ledger_counts(&t.router, "999").await;
    assert_eq!(l["members"], json!({}));
    assert!(l["updated_at"].is_null());

    // misaligned rows are refused by the guard, unknown audiences by the sandbox
    let bad = json!({"advertiser_ids": [ADV], "id_schema": ["EMAIL_SHA256", "PHONE_SHA256"],
        "batch_data": [[{"id": emails[0], "audience_ids": [aud]}]]});
    let a = post_json(&t.router, "/open_api/v1.3/segment/mapping/", &bad).await;
    assert_eq!(
        (a.status, a.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, 94222)
    );
    assert_eq!(a.json()["data"]["field"], "batch_data[0]");
    let a = post_json(
        &t.router,
        "/open_api/v1.3/segment/mapping/",
        &mapping_body("add", "123", &emails[..1]),
    )
    .await;
    assert_eq!((a.status, a.code()), (StatusCode::BAD_REQUEST, 40002));
    assert_eq!(ledger_counts(&t.router, "123").await["members"], json!({}));
}

#[tokio::test]
async fn customer_file_flow_and_the_24h_replace_rule() {
    let t = build(sandbox_config());
    let first: Vec<String> = (0..5).map(email).collect();
    let up = upload(&t.router, "EMAIL_SHA256", &first).await;
    assert_eq!(up.code(), 0, "{}", up.text());
    let path = up.json()["data"]["file_path"].as_str().unwrap().to_string();
    let a = post_json(
        &t.router,
        "/open_api/v1.3/dmp/custom_audience/create/",
        &json!({"advertiser_id": ADV, "custom_audience_name": "buyers",
                "calculate_type": "EMAIL_SHA256", "file_paths": [path]}),
    )
    .await;
    assert_eq!(a.code(), 0, "{}", a.text());
    let aud = a.json()["data"]["custom_audience_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        ledger_counts(&t.router, &aud).await["members"],
        json!({"EMAIL_SHA256": 5})
    );

    let update = |action: &str, path: String| json!({"advertiser_id": ADV, "custom_audience_id": aud, "action": action, "file_paths": [path]});
    let up = upload(&t.router, "EMAIL_SHA256", &[email(5), email(6)]).await;
    let p = up.json()["data"]["file_path"].as_str().unwrap().to_string();
    let a = post_json(
        &t.router,
        "/open_api/v1.3/dmp/custom_audience/update/",
        &update("APPEND", p),
    )
    .await;
    assert_eq!(a.code(), 0, "{}", a.text());
    assert_eq!(
        ledger_counts(&t.router, &aud).await["members"]["EMAIL_SHA256"],
        7
    );

    let up = upload(&t.router, "EMAIL_SHA256", &[email(0)]).await;
    let p = up.json()["data"]["file_path"].as_str().unwrap().to_string();
    let a = post_json(
        &t.router,
        "/open_api/v1.3/dmp/custom_audience/update/",
        &update("REMOVE", p),
    )
    .await;
    assert_eq!(a.code(), 0, "{}", a.text());
    assert_eq!(
        ledger_counts(&t.router, &aud).await["members"]["EMAIL_SHA256"],
        6
    );

    // REPLACE with three members
    let up = upload(
        &t.router,
        "EMAIL_SHA256",
        &[email(10), email(11), email(12)],
    )
    .await;
    let p = up.json()["data"]["file_path"].as_str().unwrap().to_string();
    let a = post_json(
        &t.router,
        "/open_api/v1.3/dmp/custom_audience/update/",
        &update("REPLACE", p),
    )
    .await;
    assert_eq!(a.code(), 0, "{}", a.text());
    let l = ledger_counts(&t.router, &aud).await;
    assert_eq!(l["members"]["EMAIL_SHA256"], 3);
    let replaced_at = l["last_replace_at"].as_i64().unwrap();

    // a second REPLACE within 24 h: refused by the proxy before forwarding
    let up = upload(&t.router, "EMAIL_SHA256", &[email(20), email(21)]).await;
    let p = up.json()["data"]["file_path"].as_str().unwrap().to_string();
    // no `action` means REPLACE, as on TikTok
    let implicit =
        json!({"advertiser_id": ADV, "custom_audience_id": aud, "file_paths": [p.clone()]});
    let a = post_json(
        &t.router,
        "/open_api/v1.3/dmp/custom_audience/update/",
        &implicit,
    )
    .await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    let v = a.json();
    assert_eq!(v["code"], 94091);
    assert_eq!(v["message"], REPLACE_REJECTED_MESSAGE);
    assert_eq!(v["data"]["retry_after"], replaced_at + 86_400);
    assert_eq!(v["data"]["workarounds"].as_array().unwrap().len(), 3);
    assert!(v["data"]["workarounds"][0]
        .as_str()
        .unwrap()
        .contains("Partner Audience"));
    assert!(v["data"]["workarounds"][1]
        .as_str()
        .unwrap()
        .contains("48 hours"));
    assert!(v["data"]["workarounds"][2]
        .as_str()
        .unwrap()
        .contains("Update or Create"));
    assert_eq!(
        ledger_counts(&t.router, &aud).await["members"]["EMAIL_SHA256"],
        3
    );

    // a day later it goes through
    t.state.clock().advance(86_400);
    let a = post_json(
        &t.router,
        "/open_api/v1.3/dmp/custom_audience/update/",
        &update("REPLACE", p),
    )
    .await;
    assert_eq!(a.code(), 0, "{}", a.text());
    assert_eq!(
        ledger_counts(&t.router, &aud).await["members"]["EMAIL_SHA256"],
        2
    );

    // below the minimum audience size (2 here): the sandbox refuses, the ledger stays
    let up = upload(&t.router, "EMAIL_SHA256", &[email(20)]).await;
    let p = up.json()["data"]["file_path"].as_str().unwrap().to_string();
    let a = post_json(
        &t.router,
        "/open_api/v1.3/dmp/custom_audience/update/",
        &update("REMOVE", p),
    )
    .await;
    assert_eq!((a.status, a.code()), (StatusCode::BAD_REQUEST, 40002));
    assert!(a.json()["message"]
        .as_str()
        .unwrap()
        .contains("less than 2"));
    assert_eq!(
        ledger_counts(&t.router, &aud).await["members"]["EMAIL_SHA256"],
        2
    );

    // list and get
    let l = get(
        &t.router,
        &format!(
            "/open_api/v1.3/dmp/custom_audience/list/?advertiser_id={ADV}&page=1&page_size=10"
        ),
    )
    .await;
    assert_eq!(l.code(), 0, "{}", l.text());
    assert_eq!(l.json()["data"]["page_info"]["total_number"], 1);
    let g = get(
        &t.router,
        &format!("/open_api/v1.3/dmp/custom_audience/get/?advertiser_id={ADV}&custom_audience_ids=%5B%22{aud}%22%5D"),
    )
    .await;
    assert_eq!(g.code(), 0, "{}", g.text());
    assert_eq!(
        g.json()["data"]["list"][0]["audience_details"]["audience_id"],
        aud.as_str()
    );
    assert_eq!(
        g.json()["data"]["list"][0]["audience_details"]["cover_num"],
        2
    );
}

#[tokio::test]
async fn upload_checks_signature_and_lines() {
    let t = build(sandbox_config());
    // wrong signature: the guard refuses it before the sandbox sees it
    let file = format!("{}\n", email(1)).into_bytes();
    let (ct, body) = multipart(
        &[
            ("advertiser_id", ADV),
            ("calculate_type", "EMAIL_SHA256"),
            ("file_signature", &md5(b"x")),
        ],
        "a.txt",
        &file,
    );
    let a = post_raw(
        &t.router,
        "/open_api/v1.3/dmp/custom_audience/file/upload/",
        &ct,
        body,
    )
    .await;
    assert_eq!(
        (a.status, a.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, 94222)
    );
    assert_eq!(a.json()["data"]["field"], "file_signature");
    // a raw email on line 3: the guard refuses, naming the line, not the value
    let lines = vec![
        "EMAIL_SHA256".to_string(),
        email(1),
        "bob@example.com".to_string(),
    ];
    let a = upload(&t.router, "EMAIL_SHA256", &lines).await;
    assert_eq!(
        (a.status, a.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, 94221)
    );
    assert_eq!(a.json()["data"]["field"], "file line 3");
    assert!(!a.text().contains("bob"));
    // MD5 file with a SHA-256 line
    let a = upload(&t.router, "GAID_MD5", &[md5(b"x"), email(1)]).await;
    assert_eq!(a.json()["data"]["field"], "file line 2");
    // wrong content type
    let a = post_json(
        &t.router,
        "/open_api/v1.3/dmp/custom_audience/file/upload/",
        &json!({}),
    )
    .await;
    assert_eq!(
        (a.status, a.code()),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, 94151)
    );
}

#[tokio::test]
async fn events_limits_and_hashes() {
    let t = build(sandbox_config());
    let ev = |i: usize| {
        json!({"event": "CompletePayment", "event_time": 1_704_721_970, "event_id": format!("e{i}"),
               "user": {"email": [email(i)], "phone": sha("+15555555555"), "external_id": [sha("u")],
                        "ip": "203.0.113.9", "user_agent": "Mozilla/5.0", "ttclid": "abc"}})
    };
    let body = json!({"event_source": "web", "event_source_id": "PIXEL", "data": [ev(1), ev(2)]});
    let a = post_json(&t.router, "/open_api/v1.3/event/track/", &body).await;
    assert_eq!((a.status, a.code()), (StatusCode::OK, 0), "{}", a.text());

    let many: Vec<Value> = (0..1001).map(ev).collect();
    let body = json!({"event_source": "web", "event_source_id": "PIXEL", "data": many});
    let a = post_json(&t.router, "/open_api/v1.3/event/track/", &body).await;
    // TikTok's limit, held by the guard's schema before anything is forwarded.
    assert_eq!(
        (a.status, a.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, 94222)
    );
    assert_eq!(a.json()["data"]["field"], "data");

    let offline = json!({"event_source": "offline", "event_source_id": "SET",
        "data": [{"event": "MyCustom", "event_time": 1, "user": {}}]});
    let a = post_json(&t.router, "/open_api/v1.3/event/track/", &offline).await;
    assert_eq!(a.code(), 40002);
}

#[tokio::test]
async fn proxy_refusals_use_the_envelope() {
    let mut c = sandbox_config();
    c.advertiser_ids = Some(std::collections::BTreeSet::from([ADV.to_string()]));
    c.max_body_bytes = 4096;
    let t = build(c);
    // unknown route under /open_api/
    for path in [
        "/open_api/v1.3/user/info/",
        "/open_api/v1.2/event/track/",
        "/open_api/v1.3/segment/mapping",
    ] {
        let a = post_json(&t.router, path, &json!({})).await;
        assert_eq!(
            (a.status, a.code()),
            (StatusCode::NOT_FOUND, 94041),
            "{path}"
        );
        assert!(a.json()["request_id"]
            .as_str()
            .unwrap()
            .starts_with("tikhash-"));
    }
    let a = get(&t.router, "/open_api/v1.3/event/track/").await;
    assert_eq!(
        (a.status, a.code()),
        (StatusCode::METHOD_NOT_ALLOWED, 94051)
    );
    // malformed JSON
    let a = post_raw(
        &t.router,
        "/open_api/v1.3/event/track/",
        "application/json",
        b"{nope".to_vec(),
    )
    .await;
    assert_eq!((a.status, a.code()), (StatusCode::BAD_REQUEST, 94001));
    // wrong content type
    let a = post_raw(
        &t.router,
        "/open_api/v1.3/event/track/",
        "text/plain",
        b"{}".to_vec(),
    )
    .await;
    assert_eq!(
        (a.status, a.code()),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, 94151)
    );
    // too large (declared and streamed)
    let big = vec![b' '; 5000];
    let a = post_raw(
        &t.router,
        "/open_api/v1.3/event/track/",
        "application/json",
        big.clone(),
    )
    .await;
    assert_eq!((a.status, a.code()), (StatusCode::PAYLOAD_TOO_LARGE, 94131));
    let stream = futures_util::stream::iter(vec![Ok::<_, std::io::Error>(bytes::Bytes::from(big))]);
    let req = Request::post("/open_api/v1.3/event/track/")
        .header("content-type", "application/json")
        .body(Body::from_stream(stream))
        .unwrap();
    let a = send(&t.router, req).await;
    assert_eq!((a.status, a.code()), (StatusCode::PAYLOAD_TOO_LARGE, 94131));
    // advertiser not allowed: body, query and ledger
    let a = post_json(
        &t.router,
        "/open_api/v1.3/segment/audience/",
        &json!({"advertiser_id": "111", "custom_audience_name": "x"}),
    )
    .await;
    assert_eq!((a.status, a.code()), (StatusCode::FORBIDDEN, 94031));
    let a = get(
        &t.router,
        "/open_api/v1.3/dmp/custom_audience/list/?advertiser_id=111",
    )
    .await;
    assert_eq!((a.status, a.code()), (StatusCode::FORBIDDEN, 94031));
    let a = get(&t.router, "/tikhash/ledger/111/5").await;
    assert_eq!((a.status, a.code()), (StatusCode::FORBIDDEN, 94031));
    let a = get(
        &t.router,
        &format!("/tikhash/ledger/{ADV}/5/members?id_type=NAME"),
    )
    .await;
    assert_eq!(
        (a.status, a.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, 94222)
    );
    let a = get(&t.router, "/tikhash/nothing").await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn sandbox_rate_limit_answers_40100() {
    let mut c = sandbox_config();
    c.sandbox_rate = 3;
    let t = build(c);
    let body = json!({"event_source": "web", "event_source_id": "P",
        "data": [{"event": "ViewContent", "event_time": 1}]});
    let mut codes = Vec::new();
    for _ in 0..5 {
        codes.push(
            post_json(&t.router, "/open_api/v1.3/event/track/", &body)
                .await
                .code(),
        );
    }
    // Usually [0,0,0,40100,40100]; a second boundary may fall inside the loop.
    assert!(codes.contains(&40100), "{codes:?}");
    let a = post_json(&t.router, "/open_api/v1.3/event/track/", &body).await;
    if a.code() == 40100 {
        assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_concurrent_requests() {
    let t = build(sandbox_config());
    let aud = create_segment(&t).await;
    let mut handles = Vec::new();
    for i in 0..200 {
        let router = t.router.clone();
        let body = mapping_body("add", &aud, &[email(i)]);
        handles.push(tokio::spawn(async move {
            post_json(&router, "/open_api/v1.3/segment/mapping/", &body)
                .await
                .code()
        }));
    }
    for h in handles {
        assert_eq!(h.await.unwrap(), 0);
    }
    assert_eq!(
        ledger_counts(&t.router, &aud).await["members"]["EMAIL_SHA256"],
        200
    );
}

#[tokio::test]
async fn restart_keeps_the_ledger() {
    let t = build(sandbox_config());
    let aud = create_segment(&t).await;
    let a = post_json(
        &t.router,
        "/open_api/v1.3/segment/mapping/",
        &mapping_body("add", &aud, &[email(1), email(2)]),
    )
    .await;
    assert_eq!(a.code(), 0);
    let before = ledger_counts(&t.router, &aud).await;
    let TestApp {
        router,
        raw,
        state,
        _dir,
        db,
        ..
    } = t;
    drop((router, raw, state));
    let t2 = build_with_db(sandbox_config(), _dir, db);
    assert_eq!(ledger_counts(&t2.router, &aud).await, before);
    assert_eq!(before["members"]["EMAIL_SHA256"], 2);
}

#[tokio::test]
async fn static_files_and_wasm_mime() {
    let www = tempfile::tempdir().unwrap();
    let pkg = tempfile::tempdir().unwrap();
    std::fs::write(www.path().join("index.html"), "<h1>tikhash</h1>").unwrap();
    std::fs::write(pkg.path().join("tikhash_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    let mut c = sandbox_config();
    c.www_dir = Some(www.path().to_path_buf());
    c.pkg_dir = Some(pkg.path().to_path_buf());
    let t = build(c);
    let a = get(&t.router, "/").await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.text().contains("tikhash"));
    let a = get(&t.router, "/pkg/tikhash_bg.wasm").await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.content_type, "application/wasm");
    assert_eq!(
        get(&t.router, "/missing.js").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn cors_allows_only_configured_origins() {
    let mut c = sandbox_config();
    c.allowed_origins = vec!["http://app.test:3000".into()];
    let t = build(c);
    let pre = |origin: &str| {
        Request::builder()
            .method("OPTIONS")
            .uri("/open_api/v1.3/event/track/")
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .body(Body::empty())
            .unwrap()
    };
    let a = send(&t.router, pre("http://app.test:3000")).await;
    assert_eq!(
        a.headers.get("access-control-allow-origin").unwrap(),
        "http://app.test:3000"
    );
    let a = send(&t.router, pre("http://evil.test")).await;
    assert!(a.headers.get("access-control-allow-origin").is_none());
}
