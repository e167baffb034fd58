//! Table tests for each rule of design.md "Normalization decisions" (phone row).

use super::*;
use crate::options::Country;

fn with(country: Option<&str>) -> Options {
    Options {
        default_country: country.map(|c| c.parse::<Country>().unwrap()),
        ..Options::default()
    }
}

fn norm(input: &str, country: Option<&str>) -> Result<String, Reject> {
    normalize_phone_with(input, &with(country)).map(|p| p.as_str().to_owned())
}

fn check(cases: &[(&str, Option<&str>, Result<&str, Reject>)]) {
    for (input, country, want) in cases {
        let got = norm(input, *country);
        assert_eq!(
            got.as_deref().map_err(|e| *e),
            *want,
            "{input:?} with {country:?}"
        );
    }
}

#[test]
fn tiktok_examples() {
    check(&[
        // T-DOCZH track.go.
        ("(+1)2133734253", None, Ok("+12133734253")),
        // T-HELP list-of-supported-IDs, Jul 2024.
        ("020 7183 8750", Some("GB"), Ok("+442071838750")),
        ("+44 (0)20 7183 8750", None, Ok("+442071838750")),
        // P-SEG conversions/offline.
        ("+1555-555-5555", None, Ok("+15555555555")),
        // T-HELP Aug 2025: digits with the country code and no `+`.
        ("16577770000", Some("US"), Ok("+16577770000")),
        ("(657)777-0000", Some("US"), Ok("+16577770000")),
    ]);
}

#[test]
fn international_prefixes() {
    check(&[
        ("00 44 20 7183 8750", None, Ok("+442071838750")),
        ("0044 20 7183 8750", Some("US"), Ok("+442071838750")),
        ("011 44 20 7183 8750", Some("US"), Ok("+442071838750")),
        ("011 44 20 7183 8750", Some("CA"), Ok("+442071838750")),
        ("010 44 20 7183 8750", Some("JP"), Ok("+442071838750")),
        ("0011 44 20 7183 8750", Some("AU"), Ok("+442071838750")),
        ("810 44 20 7183 8750", Some("RU"), Ok("+442071838750")),
        // Without a default country `011` is not known to be a prefix.
        ("011 44 20 7183 8750", None, Err(Reject::PhoneNeedsCountry)),
        ("+0 44 20 7183 8750", None, Err(Reject::UnknownCountryCode)),
        ("+999 1234 5678", None, Err(Reject::UnknownCountryCode)),
        ("00999 1234 5678", None, Err(Reject::UnknownCountryCode)),
    ]);
}

#[test]
fn national_forms_drop_the_trunk_prefix() {
    check(&[
        ("01 23 45 67 89", Some("FR"), Ok("+33123456789")),
        ("030 123456", Some("DE"), Ok("+4930123456")),
        ("(212) 555-0123", Some("US"), Ok("+12125550123")),
        ("1 (212) 555-0123", Some("US"), Ok("+12125550123")),
        ("090-1234-5678", Some("JP"), Ok("+819012345678")),
        ("010-1234-5678", Some("KR"), Ok("+821012345678")),
        ("8 (912) 345-67-89", Some("RU"), Ok("+79123456789")),
        ("0412 345 678", Some("AU"), Ok("+61412345678")),
        ("06 12345678", Some("NL"), Ok("+31612345678")),
    ]);
}

#[test]
fn transform_rules_and_carrier_codes() {
    check(&[
        // Argentina: trunk 0, area code, mobile `15` → international `9` + area + number.
        ("011 15 2345-6789", Some("AR"), Ok("+5491123456789")),
        ("0343 15 555 1212", Some("AR"), Ok("+5493435551212")),
        // Brazil: trunk 0 and a carrier selection code (`21`) before the area code.
        ("0 21 11 91234-5678", Some("BR"), Ok("+5511912345678")),
        ("(11) 91234-5678", Some("BR"), Ok("+5511912345678")),
        // US Virgin Islands: a 7-digit local number gains its area code.
        ("712-3456", Some("VI"), Ok("+13407123456")),
        // Mexico: the old `1` mobile prefix after +52 is gone from the numbering plan.
        ("+52 55 1234 5678", None, Ok("+525512345678")),
    ]);
}

#[test]
fn trunk_zero_after_the_country_code() {
    check(&[
        ("+44 020 7183 8750", None, Ok("+442071838750")),
        ("+49 (0)30 123456", None, Ok("+4930123456")),
        ("+33 (0)1 23 45 67 89", None, Ok("+33123456789")),
        ("0033 0612345678", None, Ok("+33612345678")),
        // Italy has no trunk prefix: its leading 0 is part of the number.
        ("+39 06 6982 1234", None, Ok("+390669821234")),
        ("06 6982 1234", Some("IT"), Ok("+390669821234")),
        ("+39 312 345 6789", None, Ok("+393123456789")),
    ]);
}

#[test]
fn shared_calling_codes() {
    check(&[
        // +1: US and Canada and the Caribbean, whichever default country is given.
        ("+1 416 555 0199", None, Ok("+14165550199")),
        ("416 555 0199", Some("US"), Ok("+14165550199")),
        ("212 555 0123", Some("CA"), Ok("+12125550123")),
        ("+1 268 464 1234", None, Ok("+12684641234")),
        // +7: Russia and Kazakhstan.
        ("+7 701 123 4567", None, Ok("+77011234567")),
        ("8 701 123 4567", Some("KZ"), Ok("+77011234567")),
        // +44: Guernsey, Jersey, Isle of Man.
        ("+44 7781 123456", None, Ok("+447781123456")),
        ("07781 123456", Some("GG"), Ok("+447781123456")),
        ("07924 123456", Some("IM"), Ok("+447924123456")),
        // +262 Réunion/Mayotte, +590, +599, +47, +358, +61.
        ("+262 639 12 34 56", None, Ok("+262639123456")),
        ("0639 12 34 56", Some("YT"), Ok("+262639123456")),
        ("+47 412 34 567", None, Ok("+4741234567")),
        ("+358 41 2345678", None, Ok("+358412345678")),
        ("+61 8 9162 1234", None, Ok("+61891621234")),
    ]);
}

#[test]
fn separators_and_extensions() {
    check(&[
        ("+44\u{a0}20\u{a0}7183\u{a0}8750", None, Ok("+442071838750")),
        ("+44.20.7183.8750", None, Ok("+442071838750")),
        ("+44/20/7183/8750", None, Ok("+442071838750")),
        ("+44 20 7183 8750 ext 12", None, Ok("+442071838750")),
        ("+44 20 7183 8750 ext. 12", None, Ok("+442071838750")),
        ("+44 20 7183 8750x12", None, Ok("+442071838750")),
        ("+44 20 7183 8750 #12", None, Ok("+442071838750")),
        ("＋４４ ２０ ７１８３ ８７５０", None, Ok("+442071838750")),
        ("+٩٧١ ٥٠ ١٢٣ ٤٥٦٧", None, Ok("+971501234567")),
    ]);
}

#[test]
fn rejects() {
    check(&[
        ("+44 20 7183 875O", None, Err(Reject::InvalidPhone)),
        ("call +44 20 7183 8750", None, Err(Reject::InvalidPhone)),
        ("+44 20 7183 8750 ext", None, Err(Reject::InvalidPhone)),
        ("+44 20 7183 8750 x", None, Err(Reject::InvalidPhone)),
        (
            "+44 20 7183 8750 ext 12345678901",
            None,
            Err(Reject::InvalidPhone),
        ),
        ("1-800-FLOWERS", Some("US"), Err(Reject::InvalidPhone)),
        ("++44 20 7183 8750", None, Err(Reject::InvalidPhone)),
        ("44+20 7183 8750", None, Err(Reject::InvalidPhone)),
        ("+", None, Err(Reject::InvalidPhone)),
        ("()-", None, Err(Reject::InvalidPhone)),
        ("+44 20 7183 875", None, Err(Reject::InvalidPhone)),
        ("+44 20 7183 87501", None, Err(Reject::InvalidPhone)),
        ("+1 212 555 012", None, Err(Reject::InvalidPhone)),
        ("+1 212 555 01234", None, Err(Reject::InvalidPhone)),
        // Right length, but no US number starts with 0 or 1 (general pattern).
        ("+1 012 555 0123", None, Err(Reject::InvalidPhone)),
        ("+1", None, Err(Reject::InvalidPhone)),
        (
            "1234567890123456789012345678901234567890",
            Some("US"),
            Err(Reject::InvalidPhone),
        ),
        ("020 7183 8750", None, Err(Reject::PhoneNeedsCountry)),
        ("   ", None, Err(Reject::Empty)),
    ]);
}

#[test]
fn digits_format_and_hot_path() {
    let opts = Options {
        phone_format: PhoneFormat::Digits,
        ..with(Some("GB"))
    };
    let mut out = String::new();
    write_normalized("020 7183 8750", &opts, &mut out).unwrap();
    assert_eq!(out, "442071838750");
    let phone = normalize_phone_with("020 7183 8750", &opts).unwrap();
    assert_eq!(phone.as_str(), "+442071838750");
    assert_eq!(phone.digits(), "442071838750");
    assert_eq!(
        normalize_phone("+442071838750").unwrap().as_str(),
        "+442071838750"
    );
}

#[test]
fn known_regions() {
    for code in [*b"US", *b"GB", *b"GG", *b"XK", *b"AC", *b"BR"] {
        assert!(is_known_region(code), "{code:?}");
    }
    for code in [*b"ZZ", *b"UK", *b"00", *b"us", *b"EU"] {
        assert!(!is_known_region(code), "{code:?}");
    }
}

#[test]
fn table_is_sorted_for_binary_search() {
    assert!(REGIONS.windows(2).all(|w| w[0].code < w[1].code));
    assert!(CALLING_CODES.windows(2).all(|w| w[0].0 < w[1].0));
    for (cc, group) in CALLING_CODES.iter() {
        assert!(group
            .iter()
            .all(|&i| REGIONS[usize::from(i)].calling_code == *cc));
    }
}

/// RFC 3966, as CRMs export click-to-call links (issue 9).
#[test]
fn rfc3966_tel_uris() {
    check(&[
        ("tel:+44-20-7183-8750", None, Ok("+442071838750")),
        ("TEL:+44-20-7183-8750", None, Ok("+442071838750")),
        ("tel:+1-202-555-0101;ext=123", None, Ok("+12025550101")),
        (
            "tel:+1-202-555-0101;isub=1411;ext=9",
            None,
            Ok("+12025550101"),
        ),
        (
            "tel:020-7183-8750;phone-context=+44",
            None,
            Ok("+442071838750"),
        ),
        (
            "tel:7183-8750;phone-context=+44-20",
            None,
            Ok("+442071838750"),
        ),
        (
            "tel:020-7183-8750;phone-context=example.com",
            Some("GB"),
            Ok("+442071838750"),
        ),
        (
            "tel:020-7183-8750;phone-context=example.com",
            None,
            Err(Reject::PhoneNeedsCountry),
        ),
        (
            "tel:+44-20-7183-8750;phone-context=+1",
            None,
            Ok("+442071838750"),
        ),
        ("tel:;ext=1", None, Err(Reject::InvalidPhone)),
        ("tel:020;phone-context=", None, Err(Reject::InvalidPhone)),
        ("tel:020;phone-context=+x", None, Err(Reject::InvalidPhone)),
        ("tel:+44 20 7183 8750 x", None, Err(Reject::InvalidPhone)),
    ]);
}

/// Australia's international prefixes (`0011`, `0014`, `0016`…) start with `00`: a number
/// written `00 1 684…` under AU is read both ways and the valid reading wins (issue 9).
#[test]
fn au_international_prefix_overlapping_00() {
    check(&[
        // 00 + American Samoa; through AU's 0016 it would be +84 6221234 (today's bug)
        ("00 1 684 622 1234", Some("AU"), Ok("+16846221234")),
        // AU's own 0011 still works: 0011 44 20 7183 8750
        ("0011 44 20 7183 8750", Some("AU"), Ok("+442071838750")),
        // 0011 + 44…: the 00 reading would be +1 1442…, invalid: the home prefix's reading
        ("0011 1 202 555 0101", Some("AU"), Ok("+12025550101")),
        // neither reading is a valid number
        ("0016 44 999", Some("AU"), Err(Reject::InvalidPhone)),
        // elsewhere 00 is unchanged
        ("00 44 20 7183 8750", Some("DE"), Ok("+442071838750")),
    ]);
}
