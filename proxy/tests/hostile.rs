//! Issue 12's bypasses, each tried against a fake TikTok that records every byte it receives:
//! each must end with nothing forwarded and the raw value never echoed. Then the property that
//! what is forwarded parses to exactly what was checked.

mod common;

use axum::http::StatusCode;
use common::*;
use proptest::prelude::*;
use serde_json::{json, Value};

const RAW: &str = "alice.smith@example.com";
const RAW_PHONE: &str = "+44 20 7183 8750";

async fn setup() -> (Fake, TestApp) {
    let (fake, addr) = start_fake().await;
    (fake, build(upstream_config(addr)))
}

/// The answer is a refusal in the 4xx range, names no raw value, and nothing reached TikTok.
fn assert_refused(a: &Answer, fake: &Fake, what: &str) {
    assert!(
        a.status.is_client_error(),
        "{what}: {} {}",
        a.status,
        a.text()
    );
    for secret in [RAW, "alice", RAW_PHONE, "7183"] {
        assert!(!a.text().contains(secret), "{what}: echoed {secret}");
    }
    assert!(fake.seen().is_empty(), "{what}: something reached TikTok");
}

fn seen_text(fake: &Fake) -> String {
    fake.seen()
        .iter()
        .map(|r| format!("{} {}", r.path_and_query, String::from_utf8_lossy(&r.body)))
        .collect()
}

const MAPPING: &str = "/open_api/v1.3/segment/mapping/";
const TRACK: &str = "/open_api/v1.3/event/track/";
const UPLOAD: &str = "/open_api/v1.3/dmp/custom_audience/file/upload/";

fn hashed() -> String {
    email(1)
}

#[tokio::test]
async fn duplicate_keys_at_every_level_are_refused() {
    let (fake, t) = setup().await;
    let h = hashed();
    let raw_cell = format!(r#"[[{{"id":"{RAW}","audience_ids":["5"]}}]]"#);
    let ok_cell = format!(r#"[[{{"id":"{h}","audience_ids":["5"]}}]]"#);
    let cases = [
        (
            "batch_data twice, raw first",
            MAPPING,
            format!(
                r#"{{"advertiser_ids":["{ADV}"],"id_schema":["EMAIL_SHA256"],"batch_data":{raw_cell},"batch_data":{ok_cell}}}"#
            ),
            "batch_data",
        ),
        (
            "id twice in one cell",
            MAPPING,
            format!(
                r#"{{"advertiser_ids":["{ADV}"],"id_schema":["EMAIL_SHA256"],"batch_data":[[{{"id":"{RAW}","id":"{h}","audience_ids":["5"]}}]]}}"#
            ),
            "batch_data[0][0].id",
        ),
        (
            "user.email twice",
            TRACK,
            format!(
                r#"{{"event_source":"web","event_source_id":"P","data":[{{"event":"ViewContent","event_time":1,"user":{{"email":"{RAW}","email":"{h}"}}}}]}}"#
            ),
            "data[0].user.email",
        ),
        (
            "a foreign advertiser_id first",
            "/open_api/v1.3/dmp/custom_audience/update/",
            format!(
                r#"{{"advertiser_id":"999","advertiser_id":"{ADV}","custom_audience_id":"1","action":"APPEND","file_paths":["p"]}}"#
            ),
            "advertiser_id",
        ),
        (
            "a key spelled with an escape",
            TRACK,
            format!(
                r#"{{"event_source":"web","event_source_id":"P","data":[{{"event":"ViewContent","event_time":1,"user":{{"email":"{RAW}","\u0065mail":"{h}"}}}}]}}"#
            ),
            "data[0].user.email",
        ),
    ];
    for (what, path, body, field) in cases {
        let a = post_raw(&t.router, path, "application/json", body.into_bytes()).await;
        assert_refused(&a, &fake, what);
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{what}");
        assert_eq!(a.json()["data"]["field"], field, "{what}");
        assert!(
            a.json()["message"].as_str().unwrap().contains("twice"),
            "{what}"
        );
    }
}

#[tokio::test]
async fn fields_the_schema_does_not_define_are_refused() {
    let (fake, t) = setup().await;
    let h = hashed();
    let event = |extra: Value| {
        let mut ev = json!({"event": "Purchase", "event_time": 1_704_721_970, "event_id": "e1",
                            "user": {"email": [h]}});
        for (k, v) in extra.as_object().unwrap() {
            ev[k] = v.clone();
        }
        json!({"event_source": "web", "event_source_id": "P", "data": [ev]})
    };
    let mut extra_top = mapping_body("add", "5", std::slice::from_ref(&h));
    extra_top["note"] = json!(RAW);
    let cases = [
        ("an extra top-level key", MAPPING, extra_top, "note"),
        (
            "data[i].context.user",
            TRACK,
            event(json!({"context": {"user": {"email": RAW}}})),
            "data[0].context",
        ),
        (
            "a custom property",
            TRACK,
            event(json!({"properties": {"customer_email": RAW}})),
            "data[0].properties.customer_email",
        ),
        (
            "a field of a content item",
            TRACK,
            event(json!({"properties": {"contents": [{"content_id": "1", "buyer": RAW}]}})),
            "data[0].properties.contents[0].buyer",
        ),
        (
            "a key that is itself an email",
            TRACK,
            event(json!({"properties": {RAW: 1}})),
            "data[0].properties.<key>",
        ),
    ];
    for (what, path, body, field) in cases {
        let a = post_json(&t.router, path, &body).await;
        assert_refused(&a, &fake, what);
        assert_eq!(a.json()["data"]["field"], field, "{what}");
    }
}

#[tokio::test]
async fn raw_identifiers_in_free_text_are_refused() {
    let (fake, t) = setup().await;
    let h = hashed();
    let event = |ev: Value| json!({"event_source": "web", "event_source_id": "P", "data": [ev]});
    let cases = [
        (
            "an email as event_id",
            event(json!({"event": "Purchase", "event_time": 1, "event_id": RAW})),
            "data[0].event_id",
        ),
        (
            "a phone in a product name",
            event(json!({"event": "Purchase", "event_time": 1,
                         "properties": {"contents": [{"content_name": format!("gift for {RAW_PHONE}")}]}})),
            "data[0].properties.contents[0].content_name",
        ),
        (
            "an email in the search string",
            event(
                json!({"event": "Search", "event_time": 1, "properties": {"search_string": RAW}}),
            ),
            "data[0].properties.search_string",
        ),
        (
            "an email as ttclid",
            event(
                json!({"event": "Purchase", "event_time": 1, "user": {"email": [h], "ttclid": RAW}}),
            ),
            "data[0].user.ttclid",
        ),
    ];
    for (what, body, field) in cases {
        let a = post_json(&t.router, TRACK, &body).await;
        assert_refused(&a, &fake, what);
        assert_eq!(
            (
                a.json()["code"].as_i64(),
                a.json()["data"]["field"].as_str()
            ),
            (Some(94223), Some(field)),
            "{what}"
        );
    }
    let name = json!({"advertiser_id": ADV, "custom_audience_name": format!("list of {RAW}")});
    let a = post_json(&t.router, "/open_api/v1.3/segment/audience/", &name).await;
    assert_refused(&a, &fake, "an email in an audience name");

    // Realistic properties with numeric ids, EANs, prices and URLs go through.
    let real = event(json!({
        "event": "CompletePayment", "event_time": 1_704_721_970, "event_id": "ord-000123-1",
        "user": {"email": [h], "ip": "203.0.113.9", "user_agent": "Mozilla/5.0 (X11; Linux x86_64)",
                 "ttclid": "E.C.P.CscBv3sAQ", "locale": "en-GB"},
        "page": {"url": "https://shop.example/checkout?ref=mail@news&promo=+2024", "referrer": "https://t.co/x"},
        "properties": {"currency": "EUR", "value": 129.9, "order_id": "1000234598", "shop_id": "77",
                       "num_items": 2, "content_type": "product", "content_ids": ["4006381333931", "SKU-42"],
                       "description": "2 items, size 10+ (EU 44)",
                       "contents": [{"content_id": "4006381333931", "content_name": "Shoes @ 50% off",
                                     "price": 64.95, "quantity": 2, "brand": "C&A"}]}}));
    let a = post_json(&t.router, TRACK, &real).await;
    assert_eq!(a.code(), 0, "{}", a.text());
    let forwarded: Value = serde_json::from_slice(&fake.seen()[0].body).unwrap();
    assert_eq!(forwarded, real);
}

#[tokio::test]
async fn multipart_tricks_are_refused() {
    let (fake, t) = setup().await;
    let good = format!("{}\n", hashed()).into_bytes();
    let raw = format!("{RAW}\n").into_bytes();
    let fields = |sig: &str| {
        vec![
            ("advertiser_id".to_string(), ADV.to_string()),
            ("calculate_type".to_string(), "EMAIL_SHA256".to_string()),
            ("file_signature".to_string(), sig.to_string()),
        ]
    };
    let part = |name: &str, value: &str| {
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        )
        .into_bytes()
    };
    let file_part = |bytes: &[u8]| {
        let mut b = format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\n"
        )
        .into_bytes();
        b.extend_from_slice(bytes);
        b.extend_from_slice(b"\r\n");
        b
    };
    let close = format!("--{BOUNDARY}--\r\n").into_bytes();
    let assemble = |pieces: Vec<Vec<u8>>| pieces.concat();
    let text_parts = |sig: &str| {
        fields(sig)
            .iter()
            .flat_map(|(k, v)| part(k, v))
            .collect::<Vec<u8>>()
    };
    let ct = format!("multipart/form-data; boundary={BOUNDARY}");
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "two file parts, raw first",
            assemble(vec![
                text_parts(&md5(&good)),
                file_part(&raw),
                file_part(&good),
                close.clone(),
            ]),
        ),
        (
            "raw text in the preamble",
            assemble(vec![
                format!("{RAW}\r\n").into_bytes(),
                text_parts(&md5(&good)),
                file_part(&good),
                close.clone(),
            ]),
        ),
        (
            "raw text in the epilogue",
            assemble(vec![
                text_parts(&md5(&good)),
                file_part(&good),
                close.clone(),
                format!("{RAW}\r\n").into_bytes(),
            ]),
        ),
        (
            "a part TikTok does not define",
            assemble(vec![
                text_parts(&md5(&good)),
                part("email", RAW),
                file_part(&good),
                close.clone(),
            ]),
        ),
        (
            "advertiser_id twice",
            assemble(vec![
                part("advertiser_id", "999"),
                text_parts(&md5(&good)),
                file_part(&good),
                close.clone(),
            ]),
        ),
        (
            "a signature of another file",
            assemble(vec![
                text_parts(&md5(&raw)),
                file_part(&good),
                close.clone(),
            ]),
        ),
    ];
    for (what, body) in cases {
        let a = post_raw(&t.router, UPLOAD, &ct, body).await;
        assert_refused(&a, &fake, what);
    }
    // The clean version of the same upload goes through, rebuilt.
    let body = assemble(vec![text_parts(&md5(&good)), file_part(&good), close]);
    let a = post_raw(&t.router, UPLOAD, &ct, body).await;
    assert_eq!(a.code(), 0, "{}", a.text());
    assert!(!seen_text(&fake).contains(RAW));
}

#[tokio::test]
async fn query_strings_hold_only_documented_parameters_once() {
    let (fake, t) = setup().await;
    let list = "/open_api/v1.3/dmp/custom_audience/list/";
    for (what, q) in [
        (
            "a smuggled email",
            format!("advertiser_id={ADV}&email={RAW}"),
        ),
        (
            "advertiser_id twice, foreign first",
            format!("advertiser_id=999&advertiser_id={ADV}"),
        ),
        (
            "advertiser_id twice, foreign second",
            format!("advertiser_id={ADV}&advertiser_id=999"),
        ),
        (
            "an encoded key",
            format!("advertiser_id={ADV}&advertiser%5fid=999"),
        ),
        ("a bad escape", format!("advertiser_id={ADV}&page=%zz")),
        (
            "page_size out of range",
            format!("advertiser_id={ADV}&page_size=1000"),
        ),
    ] {
        let a = get(&t.router, &format!("{list}?{q}")).await;
        assert_refused(&a, &fake, what);
    }
    let a = get(&t.router, &format!("{list}?advertiser%5Fid=999")).await;
    assert_eq!(
        a.status,
        StatusCode::FORBIDDEN,
        "a decoded key is still checked"
    );
    assert!(fake.seen().is_empty());
    // What is forwarded is written again from the checked values.
    let a = get(
        &t.router,
        &format!("{list}?page_size=5&advertiser_id={ADV}&"),
    )
    .await;
    assert_eq!(a.code(), 0);
    assert_eq!(
        fake.seen()[0].path_and_query,
        format!("{list}?advertiser_id={ADV}&page_size=5")
    );
    let ledger =
        format!("/tikhash/ledger/{ADV}/5/members?id_type=EMAIL_SHA256&id_type=PHONE_SHA256");
    assert_eq!(
        get(&t.router, &ledger).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

fn arb_digest(md5: bool) -> impl Strategy<Value = String> {
    let len = if md5 { 32 } else { 64 };
    proptest::collection::vec(0u8..16, len)
        .prop_map(|v| v.iter().map(|n| format!("{n:x}")).collect())
}

/// A valid `segment/mapping/` body: random types, rows, empty slots and audiences.
fn arb_mapping() -> impl Strategy<Value = Value> {
    let types = proptest::sample::subsequence(
        vec!["EMAIL_SHA256", "PHONE_SHA256", "IDFA_MD5", "AAID_SHA256"],
        1..=4,
    );
    (types, 1usize..20, any::<bool>()).prop_flat_map(|(types, rows, delete)| {
        let row = types
            .iter()
            .map(|t| {
                let md5 = t.ends_with("_MD5");
                proptest::option::of((
                    arb_digest(md5),
                    proptest::collection::vec("[1-9][0-9]{0,18}", 1..3),
                ))
                .prop_map(|c| match c {
                    Some((id, auds)) => json!({"id": id, "audience_ids": auds}),
                    None => json!({}),
                })
                .boxed()
            })
            .collect::<Vec<_>>();
        proptest::collection::vec(row, rows).prop_map(move |batch| {
            let mut b = json!({"advertiser_ids": [ADV], "id_schema": types, "batch_data": batch});
            if delete {
                b["action"] = json!("delete");
            }
            b
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// For any body the guard accepts, what is forwarded parses to exactly what was checked
    /// (and, for these bodies that carry no defaults to drop, to exactly what was sent).
    #[test]
    fn forwarded_is_exactly_what_was_checked(body in arb_mapping(), pretty in any::<bool>()) {
        let bytes = if pretty { serde_json::to_vec_pretty(&body) } else { serde_json::to_vec(&body) }.unwrap();
        let checked = tikhash_proxy::guard::check_mapping(&tikhash_proxy::Config::sandbox(), &bytes).unwrap();
        let forwarded: Value = serde_json::from_slice(&checked.out.body).unwrap();
        let typed: tikhash::schema::segment::SegmentMappingRequest =
            tikhash::schema::parse_strict(&bytes).unwrap();
        prop_assert_eq!(&forwarded, &serde_json::to_value(&typed).unwrap());
        prop_assert_eq!(&forwarded, &body);
    }

    /// Any JSON text at all: the guard either refuses it or forwards a body that parses to
    /// what it checked; it never panics and never forwards a value it did not read.
    #[test]
    fn arbitrary_bodies_are_refused_or_forwarded_as_checked(s in "\\PC{0,200}") {
        let c = tikhash_proxy::Config::sandbox();
        if let Ok(checked) = tikhash_proxy::guard::check_track(s.as_bytes()) {
            let typed: tikhash::schema::events::TrackRequest = tikhash::schema::parse_strict(s.as_bytes()).unwrap();
            let forwarded: Value = serde_json::from_slice(&checked.out.body).unwrap();
            prop_assert_eq!(forwarded, serde_json::to_value(&typed).unwrap());
        }
        let _ = tikhash_proxy::guard::check_mapping(&c, s.as_bytes());
    }
}

#[tokio::test]
async fn a_forwarded_request_is_audited_without_values() {
    let (fake, t) = setup().await;
    fake.then(ok_envelope(json!({})));
    let body = mapping_body("add", "5", &[email(1), email(2)]);
    let a = post_json(&t.router, MAPPING, &body).await;
    assert_eq!(a.code(), 0);
    let audit = get(&t.router, "/tikhash/audit").await;
    assert_eq!(audit.status, StatusCode::OK, "{}", audit.text());
    let entries = audit.json()["data"]["entries"].clone();
    let e = entries
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["route"] == MAPPING)
        .unwrap_or_else(|| panic!("no audit entry: {entries}"));
    assert_eq!(e["advertiser_id"], ADV);
    assert_eq!(e["audience_id"], "5");
    assert_eq!(e["count"], 2);
    assert_eq!(e["tiktok_request_id"], "tt-req-1");
    assert_eq!(e["code"], 0);
    assert!(
        !audit.text().contains(&email(1)),
        "the audit log holds a digest"
    );
}
