//! Properties every kind must keep, on arbitrary Unicode (style.md principle 9).
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use tikhash::{hash, hash_batch, normalize, Algorithm, Kind, Normalized, Options, Profile};

fn kinds() -> impl Strategy<Value = Kind> {
    prop::sample::select(Kind::ALL.to_vec())
}

fn options() -> impl Strategy<Value = Options> {
    (
        prop::sample::select(vec![
            Profile::Events,
            Profile::PartnerAudience,
            Profile::CustomerFile,
        ]),
        prop::option::of(prop::sample::select(vec![
            "US", "GB", "DE", "FR", "JP", "BR", "IN", "AR", "MX", "IT", "RU",
        ])),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(profile, country, digits, md5, dots, lower)| Options {
            profile,
            default_country: country.map(|c| c.parse().unwrap()),
            phone_format: if digits {
                tikhash::PhoneFormat::Digits
            } else {
                tikhash::PhoneFormat::E164
            },
            algorithm: if md5 {
                Algorithm::Md5
            } else {
                Algorithm::Sha256
            },
            strip_email_dots: dots,
            lowercase: lower,
        })
}

/// Strings that look like identifiers more often than uniform Unicode would.
fn identifierish() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ \t\u{a0}]{0,2}[A-Za-z0-9._%+-]{1,20}@[A-Za-z0-9-]{1,10}(\\.[A-Za-z]{2,5}){1,2}[ \u{3000}]{0,2}",
        "[ ]?(\\+|00)?[0-9]{1,3}[ (.-]{0,2}[0-9]{2,4}[ ).-]{0,2}[0-9]{3,4}[ -]?[0-9]{3,4}",
        "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
        "[0-9a-fA-F]{64}",
        "[0-9a-fA-F]{32}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_and_hashes_are_lowercase_hex(kind in kinds(), value in identifierish(), mut opts in options()) {
        if !kind.is_maid() { opts.algorithm = Algorithm::Sha256; }
        match hash(kind, &value, &opts) {
            Ok(d) => {
                prop_assert_eq!(d.as_str().len(), opts.algorithm.hex_len());
                prop_assert!(d.as_str().bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
            }
            Err(e) => {
                let trimmed = value.trim();
                prop_assert!(trimmed.chars().count() < 3 || !e.to_string().contains(trimmed), "error text holds the value");
            }
        }
    }

    #[test]
    fn normalizing_twice_changes_nothing(kind in kinds(), value in identifierish(), mut opts in options()) {
        if !kind.is_maid() { opts.algorithm = Algorithm::Sha256; }
        // Digits-only phones have lost their `+`, so they are no longer self-describing.
        opts.phone_format = tikhash::PhoneFormat::E164;
        if let Ok(first) = normalize(kind, &value, &opts) {
            let again = normalize(kind, first.as_str(), &opts);
            prop_assert_eq!(again.as_ref().map(Normalized::as_str), Ok(first.as_str()));
        }
    }

    #[test]
    fn batches_agree_with_single_calls(kind in kinds(), values in prop::collection::vec(identifierish(), 0..20)) {
        let opts = Options::default();
        let batch = hash_batch(kind, values.iter().map(String::as_str), &opts).unwrap();
        prop_assert_eq!(batch.hashes.len(), values.len());
        for (row, v) in values.iter().enumerate() {
            let single = hash(kind, v, &opts).ok();
            prop_assert_eq!(batch.hashes[row], single);
            prop_assert_eq!(single.is_none(), batch.rejected.iter().any(|r| r.row == row));
        }
    }
}
