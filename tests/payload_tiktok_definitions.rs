#![cfg(not(target_arch = "wasm32"))]
//! Every body the builders make, for a matrix of realistic inputs, validated against JSON
//! Schemas written from TikTok's own published definitions (tests/vectors/schemas/*.json;
//! each property names the T-SDK file and line it comes from), and the strict schema
//! (src/schema/) checked to refuse what those definitions refuse.
//!
//! The validator is the small subset of JSON Schema the files use (`type`, `enum`,
//! `required`, `properties`, `additionalProperties: false`, `items`, lengths in characters,
//! item counts, `minimum`/`maximum`, `minProperties`) plus two keywords of ours for the yml's
//! own rules: `x-int64-string` (a `type: string` with `x-open-convert: int64(%s)`: digits)
//! and `x-lower-hex`. A dependency-free validator keeps CI fast; the self-test below shows it
//! refuses each kind of violation.

use serde_json::{json, Value};
use tikhash::payload::{self, CustomAudienceCreateInput, CustomAudienceUpdateInput, EventsInput};
use tikhash::schema::custom_audience::{CustomAudienceCreateRequest, CustomAudienceUpdateRequest};
use tikhash::schema::parse_strict;
use tikhash::{Algorithm, Options};

fn schema(name: &str) -> Value {
    let path = format!(
        "{}/tests/vectors/schemas/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Every violation of `schema` in `v`, each named by its JSON path.
fn violations(schema: &Value, v: &Value, path: &str, out: &mut Vec<String>) {
    let mut fail = |what: &str| out.push(format!("{path}: {what}"));
    if let Some(t) = schema.get("type").and_then(Value::as_str) {
        let ok = match t {
            "object" => v.is_object(),
            "array" => v.is_array(),
            "string" => v.is_string(),
            "boolean" => v.is_boolean(),
            "integer" => v.is_i64() || v.is_u64(),
            "number" => v.is_number(),
            other => panic!("type {other} not supported"),
        };
        if !ok {
            return fail(&format!("is not of type {t}"));
        }
    }
    if let Some(e) = schema.get("enum").and_then(Value::as_array) {
        if !e.contains(v) {
            fail("is not in the enum");
        }
    }
    if let Some(s) = v.as_str() {
        let n = s.chars().count() as u64;
        if schema
            .get("minLength")
            .and_then(Value::as_u64)
            .is_some_and(|m| n < m)
        {
            fail("is shorter than minLength");
        }
        if schema
            .get("maxLength")
            .and_then(Value::as_u64)
            .is_some_and(|m| n > m)
        {
            fail("is longer than maxLength");
        }
        let digits = !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if schema.get("x-int64-string") == Some(&json!(true)) && !(digits && s.len() <= 19) {
            fail("is not an int64 id as a string of digits");
        }
        let hex = s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if schema.get("x-lower-hex") == Some(&json!(true)) && !hex {
            fail("is not lowercase hex");
        }
    }
    if let Some(n) = v.as_f64() {
        if schema
            .get("minimum")
            .and_then(Value::as_f64)
            .is_some_and(|m| n < m)
        {
            fail("is below minimum");
        }
        if schema
            .get("maximum")
            .and_then(Value::as_f64)
            .is_some_and(|m| n > m)
        {
            fail("is above maximum");
        }
    }
    if let Some(a) = v.as_array() {
        let n = a.len() as u64;
        if schema
            .get("minItems")
            .and_then(Value::as_u64)
            .is_some_and(|m| n < m)
        {
            fail("has fewer items than minItems");
        }
        if schema
            .get("maxItems")
            .and_then(Value::as_u64)
            .is_some_and(|m| n > m)
        {
            fail("has more items than maxItems");
        }
        if let Some(items) = schema.get("items") {
            for (i, item) in a.iter().enumerate() {
                violations(items, item, &format!("{path}[{i}]"), out);
            }
        }
    }
    if let Some(o) = v.as_object() {
        let props = schema.get("properties").and_then(Value::as_object);
        for r in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if !o.contains_key(r.as_str().unwrap()) {
                out.push(format!("{path}.{}: is required", r.as_str().unwrap()));
            }
        }
        if schema
            .get("minProperties")
            .and_then(Value::as_u64)
            .is_some_and(|m| (o.len() as u64) < m)
        {
            out.push(format!("{path}: has fewer properties than minProperties"));
        }
        for (k, val) in o {
            match props.and_then(|p| p.get(k)) {
                Some(s) => violations(s, val, &format!("{path}.{k}"), out),
                None if schema.get("additionalProperties") == Some(&json!(false)) => {
                    out.push(format!("{path}.{k}: is not a field TikTok defines"))
                }
                None => {}
            }
        }
    }
}

fn check(schema_name: &str, body: &Value) -> Vec<String> {
    let mut out = Vec::new();
    violations(&schema(schema_name), body, "", &mut out);
    out
}

fn assert_valid(schema_name: &str, what: &str, body: &Value) {
    let v = check(schema_name, body);
    assert!(v.is_empty(), "{what}: {body}\n  {}", v.join("\n  "));
}

/// Paths of the form TikTok issues (16 characters).
fn paths(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| format!("{:016x}", 0xa11c_e000_0000_0000u64 + i as u64))
        .collect()
}

const ADV: &str = "7012345678901234567";

#[test]
fn every_built_create_body_is_a_tiktok_create_body() {
    let types = [
        "EMAIL_SHA256",
        "PHONE_SHA256",
        "IDFA_SHA256",
        "IDFA_MD5",
        "GAID_SHA256",
        "GAID_MD5",
        "FIRST_SHA256",
        "FIRST_MD5",
        "MULTIPLE_TYPES",
    ];
    let long_name: String = "é".repeat(128);
    let mut n = 0;
    for (t, ct) in types.iter().enumerate() {
        for count in [1, 2, 49, 50, 500] {
            for retention in [None, Some(1), Some(30), Some(365)] {
                for (s, sub_type) in [None, Some("NORMAL"), Some("REACH_FREQUENCY")]
                    .iter()
                    .enumerate()
                {
                    let input = CustomAudienceCreateInput {
                        advertiser_id: ADV.into(),
                        name: if (t + s) % 2 == 0 {
                            " vip customers ".into()
                        } else {
                            long_name.clone()
                        },
                        calculate_type: (*ct).into(),
                        file_paths: paths(count),
                        retention_in_days: retention,
                        audience_sub_type: sub_type.map(Into::into),
                        audience_enhancement: [None, Some(true), Some(false)][(t + count) % 3],
                    };
                    let built = payload::build_custom_audience_create(&input).unwrap();
                    let body = serde_json::to_value(&built.request.body).unwrap();
                    assert_valid("create", ct, &body);
                    // The guard's strict schema takes it too.
                    parse_strict::<CustomAudienceCreateRequest>(
                        &serde_json::to_vec(&body).unwrap(),
                    )
                    .unwrap();
                    assert!(built
                        .warnings
                        .iter()
                        .all(|w| w.code != "file_path_not_issued_form"));
                    n += 1;
                }
            }
        }
    }
    assert_eq!(n, 9 * 5 * 4 * 3);
}

#[test]
fn every_built_update_body_is_a_tiktok_update_body() {
    let mut n = 0;
    for action in [None, Some("APPEND"), Some("remove"), Some("REPLACE")] {
        for name in [None, Some("vip 2025")] {
            for sub_type in [None, Some("REACH_FREQUENCY")] {
                for enhancement in [None, Some(true), Some(false)] {
                    for count in [1, 50, 500] {
                        let input = CustomAudienceUpdateInput {
                            advertiser_id: ADV.into(),
                            custom_audience_id: "1790000000000000001".into(),
                            action: action.map(Into::into),
                            file_paths: action.map(|_| paths(count)),
                            name: name.map(Into::into),
                            audience_sub_type: sub_type.map(Into::into),
                            audience_enhancement: enhancement,
                        };
                        let nothing = action.is_none()
                            && name.is_none()
                            && sub_type.is_none()
                            && enhancement.is_none();
                        let built = payload::build_custom_audience_update(&input);
                        if nothing {
                            assert_eq!(built.unwrap_err().code(), "nothing_to_update");
                            continue;
                        }
                        let body = serde_json::to_value(&built.unwrap().request.body).unwrap();
                        assert_valid("update", "update", &body);
                        parse_strict::<CustomAudienceUpdateRequest>(
                            &serde_json::to_vec(&body).unwrap(),
                        )
                        .unwrap();
                        // `action` goes exactly with `file_paths` (update yml l.36).
                        assert_eq!(
                            body.get("action").is_some(),
                            body.get("file_paths").is_some()
                        );
                        n += 1;
                    }
                }
            }
        }
    }
    assert_eq!(n, 4 * 2 * 2 * 3 * 3 - 3);
}

#[test]
fn every_built_upload_is_a_tiktok_upload() {
    let emails: Vec<Value> = (0..40)
        .map(|i| json!(format!("user{i}@example.com")))
        .collect();
    let phones: Vec<Value> = (0..40)
        .map(|i| json!(format!("+1202555{:04}", i)))
        .collect();
    let idfas: Vec<Value> = (0..40)
        .map(|i| json!(format!("7A3CBEA0-BDF5-11E4-8DFC-AA07A5B0{:04X}", i)))
        .collect();
    let mut n = 0;
    for (kind, values) in [
        ("email", &emails),
        ("phone", &phones),
        ("idfa", &idfas),
        ("gaid", &idfas),
    ] {
        for algorithm in [Algorithm::Sha256, Algorithm::Md5] {
            if algorithm == Algorithm::Md5 && matches!(kind, "email" | "phone") {
                continue;
            }
            for header in [false, true] {
                let input =
                    json!({"kind": kind, "values": values, "header": header, "advertiserId": ADV});
                let o = Options {
                    algorithm,
                    ..Options::default()
                };
                let f = payload::build_customer_file(&serde_json::from_value(input).unwrap(), &o)
                    .unwrap();
                assert_valid(
                    "upload",
                    kind,
                    &serde_json::to_value(&f.upload.body).unwrap(),
                );
                n += 1;
            }
        }
    }
    let columns =
        json!({"columns": {"email": emails, "phone": phones, "idfa": idfas}, "advertiserId": ADV});
    let f = payload::build_customer_file(
        &serde_json::from_value(columns).unwrap(),
        &Options::default(),
    )
    .unwrap();
    let body = serde_json::to_value(&f.upload.body).unwrap();
    assert_valid("upload", "MULTIPLE_TYPES", &body);
    assert_eq!(body["calculate_type"], "MULTIPLE_TYPES");
    assert!(n >= 12);
    // TikTok requires advertiser_id (upload yml l.134-135): the builder refuses to leave it out.
    let no_adv = json!({"kind": "email", "values": emails});
    let e = payload::build_customer_file(
        &serde_json::from_value(no_adv).unwrap(),
        &Options::default(),
    )
    .unwrap_err();
    assert_eq!(e.code(), "missing_field");
}

#[test]
fn every_built_event_properties_object_holds_tiktok_types() {
    let currencies = ["usd", "EUR", "jpy", "BRL", "php"];
    let mut n = 0;
    for (i, cur) in currencies.iter().enumerate() {
        for search in [
            json!({"query": "red shoes"}),
            json!({"search_string": "boots"}),
            json!({}),
        ] {
            for quantity in [json!(2), json!("2"), json!(null)] {
                let mut props = json!({
                    "currency": cur, "value": format!("{}.50", 10 + i), "order_id": 1000 + i,
                    "content_type": "product",
                    "contents": [{"content_id": format!("sku-{i}"), "price": 10.5, "quantity": quantity,
                                  "status": "in_stock", "content_type": "product"}],
                });
                for (k, v) in search.as_object().unwrap() {
                    props[k] = v.clone();
                }
                let input: EventsInput = serde_json::from_value(json!({
                    "eventSource": if i % 2 == 0 { "web" } else { "offline" },
                    "eventSourceId": "CPIXEL123", "now": 1_704_800_000,
                    "events": [{"event": "CompletePayment", "eventTime": 1_704_790_000, "eventId": format!("e{n}"),
                                "email": "amy@example.com", "properties": props}],
                }))
                .unwrap();
                let built = payload::build_event_batches(&input, &Options::default()).unwrap();
                let data = &serde_json::to_value(&built.requests).unwrap()[0]["data"][0];
                assert_valid("track_properties", cur, &data["properties"]);
                // Only the field goes, never the event (issue 10).
                assert!(
                    built.rejected.iter().all(|r| r.column.is_some()),
                    "{:?}",
                    built.rejected
                );
                assert!(data["properties"].get("search_string").is_none());
                n += 1;
            }
        }
    }
    assert_eq!(n, 45);
}

/// The schemas and the strict schema refuse each body TikTok's definitions refuse; the
/// validator is shown to fail on each kind of violation it checks.
#[test]
fn tiktok_definitions_refuse_and_so_does_the_strict_schema() {
    let create = json!({"advertiser_id": ADV, "custom_audience_name": "vip",
                        "calculate_type": "EMAIL_SHA256", "file_paths": paths(1)});
    assert_valid("create", "base", &create);
    let with = |base: &Value, k: &str, v: Value| {
        let mut b = base.clone();
        b[k] = v;
        b
    };
    let bad_creates = [
        with(&create, "calculate_type", json!("MAID_SHA256")),
        with(&create, "calculate_type", json!("MAID_MD5")),
        with(&create, "calculate_type", json!("email_sha256")),
        with(&create, "file_paths", json!(paths(501))),
        with(&create, "file_paths", json!([])),
        with(
            &create,
            "file_paths",
            json!(["sandbox/7012345678901234567/1.txt"]),
        ),
        with(&create, "file_paths", json!(["v10000000000000"])),
        with(&create, "retention_in_days", json!(0)),
        with(&create, "retention_in_days", json!(366)),
        with(&create, "retention_in_days", json!("30")),
        with(&create, "audience_sub_type", json!("normal")),
        with(&create, "audience_enhancement", json!("false")),
        with(&create, "custom_audience_name", json!("n".repeat(129))),
        with(&create, "custom_audience_name", json!("")),
        with(&create, "advertiser_id", json!(7012345678901234567u64)),
        with(&create, "context_info", json!({})),
        json!({"advertiser_id": ADV, "custom_audience_name": "vip", "calculate_type": "EMAIL_SHA256"}),
    ];
    for b in &bad_creates {
        assert!(!check("create", b).is_empty(), "the create schema took {b}");
        assert!(
            parse_strict::<CustomAudienceCreateRequest>(&serde_json::to_vec(b).unwrap()).is_err(),
            "the strict schema took {b}"
        );
    }
    let update = json!({"advertiser_id": ADV, "custom_audience_id": "42"});
    for ok in [
        with(&update, "custom_audience_name", json!("vip")),
        with(&update, "audience_sub_type", json!("REACH_FREQUENCY")),
        with(
            &with(&update, "action", json!("APPEND")),
            "file_paths",
            json!(paths(3)),
        ),
    ] {
        assert_valid("update", "ok", &ok);
        parse_strict::<CustomAudienceUpdateRequest>(&serde_json::to_vec(&ok).unwrap()).unwrap();
    }
    for b in [
        with(&update, "audience_sub_type", json!("NORMAL")),
        with(
            &with(&update, "action", json!("append")),
            "file_paths",
            json!(paths(1)),
        ),
        with(&update, "custom_audience_name", json!("n".repeat(129))),
        with(&update, "custom_audience_id", json!(42)),
        with(&update, "audience_enhancement", json!(1)),
        json!({"advertiser_id": ADV, "custom_audience_name": "vip"}),
    ] {
        assert!(
            !check("update", &b).is_empty(),
            "the update schema took {b}"
        );
        assert!(
            parse_strict::<CustomAudienceUpdateRequest>(&serde_json::to_vec(&b).unwrap()).is_err(),
            "the strict schema took {b}"
        );
    }
    let upload = json!({"advertiser_id": ADV, "calculate_type": "MAID_SHA256",
                        "file_signature": "0123456789abcdef0123456789abcdef", "name": "a.txt"});
    assert_valid("upload", "MAID upload", &upload);
    for b in [
        with(&upload, "file_name", json!("a.txt")),
        with(&upload, "calculate_type", json!("EMAIL")),
        with(
            &upload,
            "file_signature",
            json!("0123456789ABCDEF0123456789ABCDEF"),
        ),
        json!({"calculate_type": "EMAIL_SHA256", "file_signature": "0123456789abcdef0123456789abcdef"}),
    ] {
        assert!(
            !check("upload", &b).is_empty(),
            "the upload schema took {b}"
        );
    }
    let list = json!({"advertiser_id": ADV, "custom_audience_ids": ["1", "2"], "page": 1, "page_size": 100});
    assert_valid("list", "list", &list);
    let ids: Vec<String> = (1..=101).map(|i| i.to_string()).collect();
    for b in [
        with(&list, "custom_audience_ids", json!(ids)),
        with(&list, "custom_audience_ids", json!([])),
        with(&list, "page_size", json!(101)),
        with(&list, "page", json!(0)),
        json!({"page": 1}),
    ] {
        assert!(!check("list", &b).is_empty(), "the list schema took {b}");
    }
    for b in [
        json!({"currency": "AFN"}),
        json!({}),
        json!({"contents": [{"quantity": "2"}]}),
        json!({"value": -1}),
    ] {
        assert!(
            !check("track_properties", &b).is_empty(),
            "the properties schema took {b}"
        );
    }
}
