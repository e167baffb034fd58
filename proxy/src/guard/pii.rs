//! The second line of defence: after a body passed its typed schema, no string anywhere in it
//! may look like an email address or an E.164 phone number. Identifier fields are digest types
//! and cannot hold one; this catches a raw value in a free-text field (an event id, a product
//! name, a search string) that the schema lets through as text.
//!
//! `ip`, `user_agent`, `url` and `referrer` are exempt: TikTok takes them unhashed, and URLs
//! legitimately hold `@` and `+`. Numeric ids (`order_id`, `content_id`, a 13-digit EAN) are
//! not phones: a phone here needs its `+` (issue 12's rule), so they pass.

use serde_json::Value;

/// Keys whose strings are exempt from the scan (TikTok takes them unhashed).
pub const EXEMPT_KEYS: [&str; 4] = ["ip", "user_agent", "url", "referrer"];

/// True when `s` contains something shaped like an email address: a local part, `@`, and a
/// domain of at least two labels whose last is two or more letters.
pub fn looks_like_email(s: &str) -> bool {
    let b = s.as_bytes();
    for (at, _) in s.match_indices('@') {
        let local_ok = at > 0 && is_local(b[at - 1]);
        if !local_ok {
            continue;
        }
        let domain: Vec<&str> = s[at + 1..]
            .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '.'))
            .next()
            .unwrap_or("")
            .trim_end_matches('.')
            .split('.')
            .collect();
        let labels_ok = domain.len() >= 2 && domain.iter().all(|l| !l.is_empty());
        let tld_ok = domain
            .last()
            .is_some_and(|t| t.chars().count() >= 2 && t.chars().all(char::is_alphabetic));
        if labels_ok && tld_ok {
            return true;
        }
    }
    false
}

fn is_local(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"._%+-!#$&'*/=?^`{|}~".contains(&c) || c >= 0x80
}

/// True when `s` contains a `+` followed by 8–15 digits, with or without separators (space,
/// `-`, `.`, `(`, `)`, `/`) between them: an E.164 phone as people write it.
pub fn looks_like_phone(s: &str) -> bool {
    let b = s.as_bytes();
    for (plus, _) in s.match_indices('+') {
        let mut digits = 0;
        for &c in &b[plus + 1..] {
            match c {
                b'0'..=b'9' => digits += 1,
                b' ' | b'-' | b'.' | b'(' | b')' | b'/' | b'\t' => {}
                _ => break,
            }
            if digits > 15 {
                break;
            }
        }
        if (8..=15).contains(&digits) {
            return true;
        }
    }
    false
}

/// The path of the first string in `v` (outside the exempt keys) that looks like an email or
/// a phone; `None` when there is none.
pub fn find_raw_identifier(v: &Value) -> Option<String> {
    let mut path = String::new();
    walk(v, &mut path).then_some(path)
}

fn walk(v: &Value, path: &mut String) -> bool {
    match v {
        Value::String(s) => looks_like_email(s) || looks_like_phone(s),
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                if walk(x, path) {
                    return true;
                }
                path.truncate(len);
            }
            false
        }
        Value::Object(m) => {
            for (k, x) in m {
                if EXEMPT_KEYS.contains(&k.as_str()) {
                    continue;
                }
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
                if walk(x, path) {
                    return true;
                }
                path.truncate(len);
            }
            false
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn emails_and_phones_are_seen() {
        for s in [
            "alice@example.com",
            "Contact: Bob.Smith+vip@mail.co.uk today",
            "émile@exemple.fr",
            "x@y.io",
        ] {
            assert!(looks_like_email(s), "{s}");
        }
        for s in [
            "+442071838750",
            "+44 20 7183 8750",
            "+1 (213) 373-4253",
            "tel +33.1.23.45.67.89",
        ] {
            assert!(looks_like_phone(s), "{s}");
        }
    }

    #[test]
    fn realistic_event_properties_pass() {
        let props = json!({
            "order_id": "ORD-2024-000123", "content_ids": ["4006381333931", "SKU-99-RED"],
            "contents": [{"content_id": "1234567890123", "content_name": "Shoes @ 50% off",
                          "brand": "C&A", "price": 19.99, "quantity": 2}],
            "description": "Size 10+ (EU 44), 2-pack", "search_string": "c++ book",
            "shop_id": "shop_42", "currency": "EUR", "value": 39.98,
            "event_id": "evt_1704721970_000123", "ttclid": "E.C.P.v3+abc/12",
            "custom_audience_name": "VIP customers 2024 (Q4) + lapsed",
        });
        assert_eq!(find_raw_identifier(&props), None);
        assert!(
            !looks_like_phone("Size 10+ 1234567"),
            "7 digits is not a phone"
        );
        assert!(!looks_like_email("user@localhost"), "no dot, no TLD");
        assert!(!looks_like_email("@handle"), "no local part");
    }

    #[test]
    fn the_path_is_named_and_exempt_keys_are_skipped() {
        let v = json!({"data": [{"user": {"ip": "1.2.3.4", "user_agent": "a@b.com +12345678901"},
                                 "page": {"url": "https://a@b.com/?p=+123456789"},
                                 "properties": {"description": "call +1 213 373 4253"}}]});
        assert_eq!(
            find_raw_identifier(&v).as_deref(),
            Some("data[0].properties.description")
        );
    }
}
