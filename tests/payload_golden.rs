//! Golden bodies: tests/vectors/payload/*.json hold the examples of tiktok-api.md §2 with
//! digests computed independently (Python hashlib). Every builder's whole result is compared
//! field by field, and a mismatch names the JSON path. The same files run from JS in
//! tests/js/payload.test.mjs, and this file runs in wasm too.

use serde_json::{json, Value};
use tikhash::payload::{self, PayloadError};
use tikhash::Options;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// Every path at which `got` and `want` differ (missing, extra or different fields).
fn diff(path: &str, got: &Value, want: &Value, out: &mut Vec<String>) {
    match (got, want) {
        (Value::Object(g), Value::Object(w)) => {
            for (k, wv) in w {
                match g.get(k) {
                    Some(gv) => diff(&format!("{path}.{k}"), gv, wv, out),
                    None => out.push(format!("{path}.{k}: missing")),
                }
            }
            for k in g.keys().filter(|k| !w.contains_key(*k)) {
                out.push(format!("{path}.{k}: not expected"));
            }
        }
        (Value::Array(g), Value::Array(w)) if g.len() == w.len() => {
            for (i, (gv, wv)) in g.iter().zip(w).enumerate() {
                diff(&format!("{path}[{i}]"), gv, wv, out);
            }
        }
        // 100 and 100.0 are the same JSON number to TikTok.
        (Value::Number(g), Value::Number(w)) if g.as_f64() == w.as_f64() => {}
        _ if got == want => {}
        _ => out.push(format!("{path}: got {got}, want {want}")),
    }
}

fn assert_same(name: &str, got: &Value, want: &Value) {
    let mut out = Vec::new();
    diff("", got, want, &mut out);
    assert!(out.is_empty(), "{name}:\n  {}", out.join("\n  "));
}

fn options(case: &Value) -> Options {
    let mut o = Options::default();
    if let Some(js) = case.get("options") {
        if let Some(a) = js.get("algorithm").and_then(Value::as_str) {
            o.algorithm = a.parse().unwrap();
        }
        if let Some(b) = js.get("lowercase").and_then(Value::as_bool) {
            o.lowercase = b;
        }
        if let Some(c) = js.get("defaultCountry").and_then(Value::as_str) {
            o.default_country = Some(c.parse().unwrap());
        }
        if let Some(f) = js.get("phoneFormat").and_then(Value::as_str) {
            o.phone_format = f.parse().unwrap();
        }
    }
    o
}

fn input<T: serde::de::DeserializeOwned>(case: &Value) -> T {
    serde_json::from_value(case["input"].clone()).expect("input parses")
}

/// Runs one case through the builder named `function`; the result as JSON.
fn run(function: &str, case: &Value) -> Result<Value, PayloadError> {
    let o = options(case);
    Ok(match function {
        "buildSegmentAudience" => json!(payload::build_segment_audience(&input(case))?),
        "buildSegmentMapping" => json!(payload::build_segment_mapping(&input(case), &o)?),
        "buildCustomAudienceCreate" => json!(payload::build_custom_audience_create(&input(case))?),
        "buildCustomAudienceUpdate" => json!(payload::build_custom_audience_update(&input(case))?),
        "buildEventBatches" => json!(payload::build_event_batches(&input(case), &o)?),
        "buildCustomerFile" => {
            let f = payload::build_customer_file(&input(case), &o)?;
            let mut v = json!(f);
            v["text"] = json!(String::from_utf8(f.bytes.clone()).unwrap());
            // The signature is of exactly these bytes (checked here too, not only in the file).
            assert_eq!(
                tikhash::hash::digest(tikhash::Algorithm::Md5, &f.bytes).as_str(),
                f.file_signature
            );
            v
        }
        other => panic!("unknown function {other}"),
    })
}

fn run_file(json_text: &str, min_cases: usize) {
    let file: Value = serde_json::from_str(json_text).unwrap();
    let cases = file["cases"].as_array().unwrap();
    assert!(cases.len() >= min_cases, "the vector file lost cases");
    for case in cases {
        let function = case
            .get("function")
            .or(file.get("function"))
            .and_then(Value::as_str)
            .unwrap();
        let name = format!("{function}: {}", case["name"]);
        match (run(function, case), case.get("error")) {
            (Ok(got), None) => assert_same(&name, &got, &case["expected"]),
            (Err(e), Some(code)) => assert_eq!(e.code(), code, "{name}"),
            (Ok(got), Some(code)) => panic!("{name}: expected error {code}, got {got}"),
            (Err(e), None) => panic!("{name}: unexpected error {e}"),
        }
    }
}

#[test]
fn segment_audience_golden() {
    run_file(include_str!("vectors/payload/segment_audience.json"), 3);
}

#[test]
fn segment_mapping_golden() {
    run_file(include_str!("vectors/payload/segment_mapping.json"), 2);
}

#[test]
fn customer_file_golden() {
    run_file(include_str!("vectors/payload/customer_file.json"), 3);
}

#[test]
fn custom_audience_golden() {
    run_file(include_str!("vectors/payload/custom_audience.json"), 6);
}

#[test]
fn events_golden() {
    run_file(include_str!("vectors/payload/events.json"), 2);
}

#[test]
fn the_comparison_itself_catches_differences() {
    let mut out = Vec::new();
    diff(
        "",
        &json!({"a": [1, {"b": "x"}], "c": 1}),
        &json!({"a": [1, {"b": "y"}], "d": 1}),
        &mut out,
    );
    assert_eq!(out.len(), 3, "{out:?}");
}
