//! Runs tests/vectors/phone.json (expectations from libphonenumber-js, written by
//! tools/phone-metadata/vectors.mjs, plus TikTok's own examples) natively and, under
//! `wasm-pack test`, in wasm.

use serde::Deserialize;
use tikhash::normalize::phone::normalize_phone_with;
use tikhash::{Options, Reject};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Case {
    input: String,
    default_country: Option<String>,
    e164: Option<String>,
    reject: Option<String>,
    source: String,
}

#[test]
fn phone_vectors() {
    let text = include_str!("vectors/phone.json");
    let cases: Vec<Case> = serde_json::from_str(text).expect("phone.json parses");
    assert!(
        cases.len() >= 45 * 5,
        "too few phone vectors: {}",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let options = Options {
            default_country: case.default_country.as_ref().map(|c| c.parse().unwrap()),
            ..Options::default()
        };
        let got = normalize_phone_with(&case.input, &options);
        let want = match (&case.e164, &case.reject) {
            (Some(e164), None) => Ok(e164.as_str()),
            (None, Some(code)) => Err(Reject::from_code(code).expect("known reason code")),
            _ => panic!("case {:?} needs exactly one of e164 and reject", case.input),
        };
        if got.as_ref().map(|p| p.as_str()).map_err(|e| *e) != want {
            failures.push(format!(
                "{:?} with {:?}: got {:?}, want {:?} ({})",
                case.input, case.default_country, got, want, case.source
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} phone vectors failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
