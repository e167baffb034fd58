//! Strict JSON: one reading of every body.
//!
//! A JSON object with a key twice has two readings (most parsers keep the last value, some
//! the first); a guard that checks one reading and forwards bytes another reader sees
//! differently lets raw values through. So [`parse_strict`] first walks the whole document and
//! refuses a repeated key at any depth, then parses the typed body (whose structs refuse
//! unknown fields), then runs its [`Validate`] rules.
//!
//! Errors name the field path (`batch_data[3][1].id`) and a [`Reason`]; they never carry
//! serde's message, which quotes the offending value.

use super::Validate;
use serde::de::{DeserializeOwned, DeserializeSeed, Error as _, MapAccess, SeqAccess, Visitor};
use std::cell::RefCell;
use std::fmt;

/// Why a body was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// Not JSON, or JSON with something after the value.
    Syntax,
    /// The same key twice in one object.
    DuplicateKey,
    /// A field TikTok does not define for this body.
    UnknownField,
    /// A field TikTok requires is absent.
    MissingField,
    /// A value of the wrong JSON type (a number where a string goes…).
    WrongType,
    /// An identifier that is not lowercase hex SHA-256 (64 characters).
    NotSha256,
    /// An identifier that is not lowercase hex of its type's length (64 for SHA-256, 32 for
    /// MD5).
    NotADigest,
    /// An identifier whose length does not match its `id_schema` type.
    DigestTypeMismatch,
    /// A TikTok id (advertiser, audience) that is not a string of 1–32 ASCII digits.
    NotATikTokId,
    /// A value outside the names TikTok's enum has (they are uppercase or lowercase exactly as
    /// TikTok writes them).
    NotInEnum,
    /// Text longer than TikTok allows, empty where TikTok needs text, or holding control
    /// characters.
    BadText,
    /// A list with fewer or more entries than TikTok allows.
    BadCount,
    /// A number outside TikTok's range.
    OutOfRange,
    /// An entry repeated where TikTok needs each once.
    Repeated,
    /// A `batch_data` row whose length differs from `id_schema`'s.
    RowLength,
    /// Fields that must go together, or must not, do not.
    Combination,
}

impl Reason {
    /// The words shown after the field name.
    pub fn describe(self) -> &'static str {
        match self {
            Reason::Syntax => "is not valid JSON",
            Reason::DuplicateKey => "appears twice (duplicate keys are refused)",
            Reason::UnknownField => "is not a field TikTok defines here",
            Reason::MissingField => "is required",
            Reason::WrongType => "has the wrong type",
            Reason::NotSha256 => "is not a lowercase hex SHA-256 (64 characters)",
            Reason::NotADigest => "is not a lowercase hex digest (64 characters, 32 for MD5)",
            Reason::DigestTypeMismatch => "does not have the length its id_schema type says",
            Reason::NotATikTokId => "is not a TikTok id (a string of digits)",
            Reason::NotInEnum => "is not one of the values TikTok defines",
            Reason::BadText => "is empty, too long, or holds control characters",
            Reason::BadCount => "has fewer or more entries than TikTok allows",
            Reason::OutOfRange => "is outside the range TikTok allows",
            Reason::Repeated => "repeats an entry that may appear once",
            Reason::RowLength => "does not have one entry per id_schema type",
            Reason::Combination => "is missing a field it needs, or has one it must not",
        }
    }

    /// The marker a custom deserializer puts in its error, read back by [`parse_strict`].
    pub(crate) fn marker(self) -> &'static str {
        match self {
            Reason::Syntax => "tikhash:syntax",
            Reason::DuplicateKey => "tikhash:duplicate_key",
            Reason::UnknownField => "tikhash:unknown_field",
            Reason::MissingField => "tikhash:missing_field",
            Reason::WrongType => "tikhash:wrong_type",
            Reason::NotSha256 => "tikhash:not_sha256",
            Reason::NotADigest => "tikhash:not_a_digest",
            Reason::DigestTypeMismatch => "tikhash:digest_type_mismatch",
            Reason::NotATikTokId => "tikhash:not_a_tiktok_id",
            Reason::NotInEnum => "tikhash:not_in_enum",
            Reason::BadText => "tikhash:bad_text",
            Reason::BadCount => "tikhash:bad_count",
            Reason::OutOfRange => "tikhash:out_of_range",
            Reason::Repeated => "tikhash:repeated",
            Reason::RowLength => "tikhash:row_length",
            Reason::Combination => "tikhash:combination",
        }
    }

    const ALL: [Reason; 16] = [
        Reason::Syntax,
        Reason::DuplicateKey,
        Reason::UnknownField,
        Reason::MissingField,
        Reason::WrongType,
        Reason::NotSha256,
        Reason::NotADigest,
        Reason::DigestTypeMismatch,
        Reason::NotATikTokId,
        Reason::NotInEnum,
        Reason::BadText,
        Reason::BadCount,
        Reason::OutOfRange,
        Reason::Repeated,
        Reason::RowLength,
        Reason::Combination,
    ];

    /// A serde error carrying this reason (for custom `Deserialize` impls).
    pub(crate) fn error<E: serde::de::Error>(self) -> E {
        E::custom(self.marker())
    }
}

/// A refused body: where and why, never the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {}", reason.describe())]
pub struct SchemaError {
    /// The field path, e.g. `batch_data[3][1].id`; `body` for the document itself.
    pub field: String,
    /// Why.
    pub reason: Reason,
}

impl SchemaError {
    /// A refusal of `field`.
    pub fn new(field: impl Into<String>, reason: Reason) -> SchemaError {
        SchemaError {
            field: field.into(),
            reason,
        }
    }
}

/// Parses `bytes` as one `T`: duplicate keys refused at any depth, unknown fields refused (the
/// types say `deny_unknown_fields`), nothing after the value, then `T`'s [`Validate`] rules.
pub fn parse_strict<T: DeserializeOwned + Validate>(bytes: &[u8]) -> Result<T, SchemaError> {
    refuse_duplicate_keys(bytes)?;
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = safe_path(e.path());
        from_serde(&path, e.inner())
    })?;
    de.end()
        .map_err(|_| SchemaError::new("body", Reason::Syntax))?;
    value.validate()?;
    Ok(value)
}

/// A key as it may appear in an error: field names TikTok could define, nothing else (a key
/// is chosen by the sender and could itself be an identifier).
fn printable_key(key: &str) -> Option<&str> {
    let ok = !key.is_empty()
        && key.len() <= 64
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    ok.then_some(key)
}

fn join(path: &str, key: &str) -> String {
    let key = printable_key(key).unwrap_or("<key>");
    if path.is_empty() || path == "." {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// `a.b[2].c`, with keys that could be values replaced by `<key>`.
fn safe_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let steps: Vec<Step> = path
        .iter()
        .filter_map(|s| match s {
            Segment::Seq { index } => Some(Step::Index(*index)),
            Segment::Map { key } => Some(Step::Key(key.clone())),
            Segment::Enum { variant } => Some(Step::Key(variant.clone())),
            Segment::Unknown => None,
        })
        .collect();
    if steps.is_empty() {
        String::new()
    } else {
        render(&steps)
    }
}

/// The backquoted name in serde's "unknown field `x`" / "missing field `x`" messages.
fn quoted_name(msg: &str) -> Option<&str> {
    let start = msg.find('`')? + 1;
    let len = msg[start..].find('`')?;
    Some(&msg[start..start + len])
}

fn from_serde(path: &str, e: &serde_json::Error) -> SchemaError {
    use serde_json::error::Category;
    let field = if path.is_empty() || path == "." {
        "body".to_string()
    } else {
        path.to_string()
    };
    if matches!(
        e.classify(),
        Category::Syntax | Category::Eof | Category::Io
    ) {
        return SchemaError::new("body", Reason::Syntax);
    }
    let msg = e.to_string();
    if let Some(r) = Reason::ALL
        .into_iter()
        .find(|r| msg.starts_with(r.marker()))
    {
        return SchemaError::new(field, r);
    }
    let named = |reason| {
        let name = quoted_name(&msg).unwrap_or("");
        SchemaError::new(join(path, name), reason)
    };
    if msg.starts_with("unknown field") {
        // The path already ends in the unknown key (read before it was refused).
        SchemaError::new(field, Reason::UnknownField)
    } else if msg.starts_with("missing field") {
        named(Reason::MissingField)
    } else if msg.starts_with("duplicate field") {
        named(Reason::DuplicateKey)
    } else if msg.starts_with("unknown variant") {
        SchemaError::new(field, Reason::NotInEnum)
    } else if msg.starts_with("invalid length") {
        SchemaError::new(field, Reason::BadCount)
    } else {
        // "invalid type: string \"…\"": serde quotes the value, so only the kind is kept.
        SchemaError::new(field, Reason::WrongType)
    }
}

/// One step of the path to where the walk is.
enum Step {
    Key(String),
    Index(usize),
}

fn render(path: &[Step]) -> String {
    let mut out = String::new();
    for s in path {
        match s {
            Step::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(printable_key(k).unwrap_or("<key>"));
            }
            Step::Index(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
        }
    }
    if out.is_empty() {
        out.push_str("body");
    }
    out
}

/// Walks the document; on a repeated key the path to it stays in `path`.
struct Walk<'a> {
    path: &'a RefCell<Vec<Step>>,
}

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0;
        loop {
            self.path.borrow_mut().push(Step::Index(i));
            if seq.next_element_seed(Walk { path: self.path })?.is_none() {
                self.path.borrow_mut().pop();
                return Ok(());
            }
            self.path.borrow_mut().pop();
            i += 1;
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        // Objects in TikTok bodies have a handful of keys: a list beats a hash set.
        let mut seen: Vec<String> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let repeated = seen.contains(&key);
            self.path.borrow_mut().push(Step::Key(key.clone()));
            if repeated {
                return Err(A::Error::custom(Reason::DuplicateKey.marker()));
            }
            map.next_value_seed(Walk { path: self.path })?;
            self.path.borrow_mut().pop();
            seen.push(key);
        }
        Ok(())
    }
}

fn refuse_duplicate_keys(bytes: &[u8]) -> Result<(), SchemaError> {
    let path = RefCell::new(Vec::new());
    let mut de = serde_json::Deserializer::from_slice(bytes);
    match (Walk { path: &path }).deserialize(&mut de) {
        Ok(()) => de
            .end()
            .map_err(|_| SchemaError::new("body", Reason::Syntax)),
        Err(e) if e.to_string().starts_with(Reason::DuplicateKey.marker()) => Err(
            SchemaError::new(render(&path.borrow()), Reason::DuplicateKey),
        ),
        Err(_) => Err(SchemaError::new("body", Reason::Syntax)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_keys_are_found_at_any_depth() {
        let e = refuse_duplicate_keys(br#"{"a":[{"b":1},{"c":{"d":1,"d":2}}]}"#).unwrap_err();
        assert_eq!(e.field, "a[1].c.d");
        assert_eq!(e.reason, Reason::DuplicateKey);
        assert!(refuse_duplicate_keys(br#"{"a":{"d":1},"b":{"d":2}}"#).is_ok());
        // A key spelled with an escape is the same key.
        let e = refuse_duplicate_keys(br#"{"id":"x","\u0069d":"y"}"#).unwrap_err();
        assert_eq!(e.field, "id");
    }

    #[test]
    fn keys_that_could_be_values_are_not_echoed() {
        let e =
            refuse_duplicate_keys(br#"{"alice@example.com":1,"alice@example.com":2}"#).unwrap_err();
        assert_eq!(e.field, "<key>");
        assert!(!e.to_string().contains("alice"));
    }

    #[test]
    fn trailing_bytes_are_syntax_errors() {
        assert_eq!(
            refuse_duplicate_keys(b"{} {}").unwrap_err().reason,
            Reason::Syntax
        );
    }
}
