//! Value types shared by TikTok's bodies. Each refuses, while parsing, what TikTok would
//! misread: an identifier that is not a digest, an id that is not digits, text TikTok cuts.

use super::strict::Reason;
use crate::hash::HexDigest;
use crate::options::Algorithm;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

/// A digest on the wire: lowercase hex, 64 characters (SHA-256) or 32 (MD5).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct WireDigest(HexDigest);

impl WireDigest {
    /// Parses lowercase hex of 64 or 32 characters.
    pub fn parse(s: &str) -> Option<WireDigest> {
        HexDigest::parse(s).map(WireDigest)
    }

    /// SHA-256 for 64 characters, MD5 for 32.
    pub fn algorithm(&self) -> Algorithm {
        if self.0.as_str().len() == 32 {
            Algorithm::Md5
        } else {
            Algorithm::Sha256
        }
    }

    /// The hex text.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The digest's bytes (32 or 16).
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.to_bytes()
    }
}

impl From<HexDigest> for WireDigest {
    fn from(d: HexDigest) -> WireDigest {
        WireDigest(d)
    }
}

impl Serialize for WireDigest {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Accepts a JSON string that passes `check`; refuses anything else with `reason`.
struct StrVisitor<F> {
    check: F,
    reason: Reason,
}

impl<'de, T, F: FnOnce(&str) -> Option<T>> Visitor<'de> for StrVisitor<F> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.reason.describe())
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        (self.check)(v).ok_or_else(|| self.reason.error())
    }
    // Any other JSON type is refused with the same reason, never with serde's message (which
    // would quote the value).
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<T, E> {
        Err(self.reason.error())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<T, E> {
        Err(self.reason.error())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<T, E> {
        Err(self.reason.error())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<T, E> {
        Err(self.reason.error())
    }
    fn visit_unit<E: de::Error>(self) -> Result<T, E> {
        Err(self.reason.error())
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, _: A) -> Result<T, A::Error> {
        Err(self.reason.error())
    }
    fn visit_map<A: de::MapAccess<'de>>(self, _: A) -> Result<T, A::Error> {
        Err(self.reason.error())
    }
}

pub(crate) fn deserialize_str_with<'de, D, T>(
    d: D,
    reason: Reason,
    check: impl FnOnce(&str) -> Option<T>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    d.deserialize_any(StrVisitor { check, reason })
}

impl<'de> Deserialize<'de> for WireDigest {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_str_with(d, Reason::NotADigest, WireDigest::parse)
    }
}

/// A SHA-256 digest on the wire: exactly 64 lowercase hex characters.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Sha256Hex(WireDigest);

impl Sha256Hex {
    /// Parses exactly 64 lowercase hex characters.
    pub fn parse(s: &str) -> Option<Sha256Hex> {
        WireDigest::parse(s)
            .filter(|d| d.algorithm() == Algorithm::Sha256)
            .map(Sha256Hex)
    }

    /// The hex text.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl Serialize for Sha256Hex {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Sha256Hex {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_str_with(d, Reason::NotSha256, Sha256Hex::parse)
    }
}

/// A TikTok id (advertiser, audience): a string of 1–32 ASCII digits. TikTok's ids exceed
/// 2^53, so a JSON number is refused (a reader in JavaScript would round it).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize)]
#[serde(transparent)]
pub struct TikTokId(String);

impl TikTokId {
    /// Longest id accepted (TikTok's are 19 digits today).
    pub const MAX_LEN: usize = 32;

    /// Parses 1–32 ASCII digits.
    pub fn parse(s: &str) -> Option<TikTokId> {
        let ok = !s.is_empty() && s.len() <= Self::MAX_LEN && s.bytes().all(|b| b.is_ascii_digit());
        ok.then(|| TikTokId(s.to_owned()))
    }

    /// The id's digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TikTokId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for TikTokId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_str_with(d, Reason::NotATikTokId, TikTokId::parse)
    }
}

/// Text TikTok takes as it is: 1 to `max` characters, no control characters.
pub fn check_text(s: &str, max: usize) -> bool {
    !s.is_empty() && s.chars().count() <= max && !s.chars().any(char::is_control)
}

/// One value or a list of them: TikTok's `user.email` & co. take both (§2.3).
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum OneOrMany<T> {
    /// A single value.
    One(T),
    /// A list (1–10 values).
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    /// Most values one identifier field may carry.
    pub const MAX: usize = 10;

    /// The values.
    pub fn values(&self) -> &[T] {
        match self {
            OneOrMany::One(v) => std::slice::from_ref(v),
            OneOrMany::Many(v) => v,
        }
    }
}

impl<T: Serialize> Serialize for OneOrMany<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            OneOrMany::One(v) => v.serialize(s),
            OneOrMany::Many(v) => v.serialize(s),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = OneOrMany<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                T::deserialize(de::value::StrDeserializer::<E>::new(v)).map(OneOrMany::One)
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(v) = seq.next_element::<T>()? {
                    if out.len() == OneOrMany::<T>::MAX {
                        return Err(Reason::BadCount.error());
                    }
                    out.push(v);
                }
                if out.is_empty() {
                    return Err(Reason::BadCount.error());
                }
                Ok(OneOrMany::Many(out))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Err(Reason::WrongType.error())
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Err(Reason::WrongType.error())
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Err(Reason::WrongType.error())
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Err(Reason::WrongType.error())
            }
            fn visit_map<A: de::MapAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
                Err(Reason::WrongType.error())
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}
