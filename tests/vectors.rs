//! Runs tests/vectors/identifiers.json: natively (`cargo test`) and in wasm
//! (`wasm-pack test --node` / `--headless --chrome`). The same file runs from JS in
//! tests/js/vectors.test.mjs, so the three can never disagree. (No `wasm_bindgen_test_configure!`:
//! scripts/test.sh picks Node or the browser with `WASM_BINDGEN_USE_BROWSER`.)

use serde::Deserialize;
use tikhash::{hash, normalize, Kind, Options};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Vector {
    kind: String,
    input: String,
    #[serde(default)]
    options: Option<JsonOptions>,
    normalized: Option<String>,
    sha256: Option<String>,
    md5: Option<String>,
    reject: Option<String>,
    source: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct JsonOptions {
    profile: Option<String>,
    default_country: Option<String>,
    phone_format: Option<String>,
    algorithm: Option<String>,
    strip_email_dots: Option<bool>,
    lowercase: Option<bool>,
}

impl JsonOptions {
    fn to_options(&self) -> Options {
        let mut o = Options::default();
        if let Some(p) = &self.profile {
            o.profile = p.parse().unwrap();
        }
        if let Some(c) = &self.default_country {
            o.default_country = Some(c.parse().unwrap());
        }
        if let Some(f) = &self.phone_format {
            o.phone_format = f.parse().unwrap();
        }
        if let Some(a) = &self.algorithm {
            o.algorithm = a.parse().unwrap();
        }
        o.strip_email_dots = self.strip_email_dots.unwrap_or(false);
        o.lowercase = self.lowercase.unwrap_or(false);
        o
    }
}

fn vectors() -> Vec<Vector> {
    serde_json::from_str(include_str!("vectors/identifiers.json")).expect("identifiers.json parses")
}

#[test]
fn identifier_vectors() {
    let all = vectors();
    assert!(all.len() >= 50, "the vector file lost rows");
    for v in &all {
        let kind: Kind = v.kind.parse().unwrap();
        let options = v
            .options
            .as_ref()
            .map(JsonOptions::to_options)
            .unwrap_or_default();
        let what = format!("{} {:?} ({})", v.kind, v.input, v.source);
        match &v.reject {
            Some(code) => {
                let err = normalize(kind, &v.input, &options).expect_err(&what);
                assert_eq!(err.code(), code, "{what}");
                let hash_err = hash(kind, &v.input, &options).expect_err(&what);
                assert!(
                    !hash_err.to_string().contains(v.input.trim()) || v.input.trim().is_empty(),
                    "{what}"
                );
            }
            None => {
                let n =
                    normalize(kind, &v.input, &options).unwrap_or_else(|e| panic!("{what}: {e}"));
                assert_eq!(Some(n.as_str()), v.normalized.as_deref(), "{what}");
                let expected = if options.algorithm == tikhash::Algorithm::Md5 {
                    &v.md5
                } else {
                    &v.sha256
                };
                let expected = expected
                    .as_deref()
                    .unwrap_or_else(|| panic!("{what}: no digest for this algorithm"));
                assert_eq!(
                    hash(kind, &v.input, &options).unwrap().as_str(),
                    expected,
                    "{what}"
                );
            }
        }
    }
}

#[test]
fn md5_digests_match_where_published() {
    // Rows whose published MD5 is of the normalized text: hash them with MD5 too.
    for v in vectors()
        .iter()
        .filter(|v| v.md5.is_some() && v.reject.is_none())
    {
        let kind: Kind = v.kind.parse().unwrap();
        let options = Options {
            algorithm: tikhash::Algorithm::Md5,
            ..Default::default()
        };
        assert_eq!(
            hash(kind, &v.input, &options).unwrap().as_str(),
            v.md5.as_deref().unwrap(),
            "{}",
            v.input
        );
    }
}
