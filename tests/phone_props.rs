//! Properties of phone normalization (style.md principle 9): no panic on any input, the
//! E.164 output is a fixed point, and errors never carry the value.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use tikhash::normalize::phone::{normalize_phone, normalize_phone_with};
use tikhash::{Country, Options};

fn options(country: Option<&str>) -> Options {
    Options {
        default_country: country.map(|c| c.parse::<Country>().unwrap()),
        ..Options::default()
    }
}

const COUNTRIES: [Option<&str>; 8] = [
    None,
    Some("US"),
    Some("GB"),
    Some("AR"),
    Some("BR"),
    Some("JP"),
    Some("IT"),
    Some("RU"),
];

/// Phone-like text: digits, separators, a `+` or `00` sometimes, an extension sometimes.
fn phone_like() -> impl Strategy<Value = String> {
    "(\\+|00|\\(\\+)?[0-9]{1,3}[ ()\\-./]?[0-9 ()\\-.]{0,16}( ?(ext|x|#) ?[0-9]{1,4})?"
}

proptest! {
    #[test]
    fn arbitrary_unicode_never_panics(s in any::<String>(), k in 0usize..COUNTRIES.len()) {
        let _ = normalize_phone_with(&s, &options(COUNTRIES[k]));
    }

    #[test]
    fn e164_output_is_a_fixed_point(s in phone_like(), k in 0usize..COUNTRIES.len()) {
        if let Ok(phone) = normalize_phone_with(&s, &options(COUNTRIES[k])) {
            prop_assert!(phone.as_str().starts_with('+'));
            prop_assert!(phone.digits().bytes().all(|b| b.is_ascii_digit()));
            prop_assert!(phone.digits().len() <= 20);
            let again = normalize_phone(phone.as_str());
            prop_assert_eq!(again.as_ref().map(|p| p.as_str()), Ok(phone.as_str()));
            // And with any default country: `+` always wins.
            let again = normalize_phone_with(phone.as_str(), &options(Some("JP")));
            prop_assert_eq!(again.as_ref().map(|p| p.as_str()), Ok(phone.as_str()));
        }
    }

    #[test]
    fn errors_never_echo_the_digits(s in phone_like(), k in 0usize..COUNTRIES.len()) {
        if let Err(e) = normalize_phone_with(&s, &options(COUNTRIES[k])) {
            let digits: String = s.chars().filter(char::is_ascii_digit).collect();
            let text = format!("{e} {e:?} {}", e.code());
            if digits.len() >= 2 {
                prop_assert!(!text.contains(&digits), "{text:?} contains {digits:?}");
            }
            prop_assert!(!text.chars().any(|c| c.is_ascii_digit()), "{text:?} has digits");
        }
    }
}
