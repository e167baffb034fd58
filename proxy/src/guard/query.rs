//! Query strings of the GET endpoints: only TikTok's documented parameters, each once, read
//! with one decoding (keys too: `advertiser%5fid` is `advertiser_id`), and forwarded as the
//! proxy writes them again from the checked values.

use crate::error::AppError;
use tikhash::schema::TikTokId;

/// A checked query: parameters in the order given, decoded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query(Vec<(String, String)>);

fn bad(field: &str, reason: &'static str) -> AppError {
    AppError::BadField {
        field: field.to_string(),
        reason,
    }
}

impl Query {
    /// Parses `raw` (without `?`) allowing only `allowed` keys, each at most once.
    pub fn parse(raw: &str, allowed: &[&str]) -> Result<Query, AppError> {
        let mut out: Vec<(String, String)> = Vec::new();
        for pair in raw.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let key = percent_decode(k).ok_or_else(|| bad("query", "is not valid UTF-8"))?;
            let value = percent_decode(v).ok_or_else(|| bad("query", "is not valid UTF-8"))?;
            let Some(&name) = allowed.iter().find(|a| **a == key) else {
                return Err(bad(
                    "query",
                    "holds a parameter TikTok does not define here",
                ));
            };
            if out.iter().any(|(k, _)| k == name) {
                return Err(bad(name, "appears twice (repeated parameters are refused)"));
            }
            out.push((name.to_string(), value));
        }
        Ok(Query(out))
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// A required TikTok id.
    pub fn id(&self, key: &str) -> Result<TikTokId, AppError> {
        let v = self.get(key).ok_or_else(|| bad(key, "is required"))?;
        TikTokId::parse(v).ok_or_else(|| bad(key, "is not a TikTok id (a string of digits)"))
    }

    /// An optional whole number within `range`.
    pub fn number(
        &self,
        key: &str,
        range: std::ops::RangeInclusive<u64>,
    ) -> Result<Option<u64>, AppError> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => match v.parse::<u64>() {
                Ok(n) if range.contains(&n) => Ok(Some(n)),
                _ => Err(bad(key, "is outside the range TikTok allows")),
            },
        }
    }

    /// An optional JSON list of 1–100 TikTok ids (`custom_audience_ids=["1","2"]`).
    pub fn id_list(&self, key: &str) -> Result<Option<Vec<TikTokId>>, AppError> {
        let Some(v) = self.get(key) else {
            return Ok(None);
        };
        let ids: Vec<String> =
            serde_json::from_str(v).map_err(|_| bad(key, "must be a JSON list of ids"))?;
        if ids.is_empty() || ids.len() > 100 {
            return Err(bad(key, "has fewer or more entries than TikTok allows"));
        }
        ids.iter()
            .map(|s| TikTokId::parse(s).ok_or_else(|| bad(key, "must be a JSON list of ids")))
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }
}

/// Writes a query string from checked values, percent-encoding everything but unreserved
/// characters.
pub fn encode(pairs: &[(&str, String)]) -> String {
    let mut out = String::new();
    for (k, v) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        for b in v.bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                out.push(b as char);
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// Decodes `%XX` and `+` (a space); `None` for a bad escape or bytes that are not UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let h = b.get(i + 1).and_then(|c| (*c as char).to_digit(16))?;
                let l = b.get(i + 2).and_then(|c| (*c as char).to_digit(16))?;
                out.push((h * 16 + l) as u8);
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_encoded_and_unknown_keys_are_refused() {
        let allowed = ["advertiser_id", "page"];
        assert!(Query::parse("advertiser_id=1&advertiser_id=2", &allowed).is_err());
        assert!(Query::parse("advertiser_id=1&advertiser%5fid=2", &allowed).is_err());
        assert!(Query::parse("advertiser_id=1&email=a%40b.com", &allowed).is_err());
        assert!(Query::parse("advertiser_id=1&page=%zz", &allowed).is_err());
        let q = Query::parse("advertiser%5Fid=123&page=2", &allowed).unwrap();
        assert_eq!(q.id("advertiser_id").unwrap().as_str(), "123");
        assert_eq!(q.number("page", 1..=10).unwrap(), Some(2));
    }

    #[test]
    fn encode_round_trips() {
        let s = encode(&[("custom_audience_ids", r#"["1","2"]"#.to_string())]);
        assert_eq!(s, "custom_audience_ids=%5B%221%22%2C%222%22%5D");
        assert_eq!(percent_decode(&s[20..]).unwrap(), r#"["1","2"]"#);
    }
}
