//! Loosely typed input cells: spreadsheets and JS give strings, numbers, `null`. Each cell is
//! read without failing the whole input, so one odd cell becomes one reject, not an error.

use crate::hash::{hash_with_buffer, HexDigest};
use crate::normalize::trim_identifier;
use crate::options::{Kind, Options};
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::fmt;

/// One identifier cell as it arrived.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Cell {
    /// `null`, absent, or white space only: the row simply has no such identifier.
    #[default]
    Missing,
    /// A string, or a number written out in decimal (a phone column read as numbers).
    Text(String),
    /// Something no identifier can be (a boolean, an object, an array): reported `wrong_type`.
    Invalid,
}

/// The identifier columns of an audience (Partner Audience rows, `MULTIPLE_TYPES` customer
/// files), each as long as the others; `None` when not given.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AudienceColumns {
    /// Emails, raw or SHA-256.
    pub email: Option<Vec<Cell>>,
    /// Phones, raw or SHA-256 of the normalized number.
    pub phone: Option<Vec<Cell>>,
    /// IDFAs, raw or hashed with `options.algorithm`.
    pub idfa: Option<Vec<Cell>>,
    /// GAIDs (TikTok's `AAID_*` in Partner Audiences, `MAID_*` in file headers), raw or hashed
    /// with `options.algorithm`.
    pub gaid: Option<Vec<Cell>>,
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_owned())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Cell {
        v.map_or(Cell::Missing, Into::into)
    }
}

impl Cell {
    /// Normalizes and hashes the cell: `Ok(None)` when it is missing, `Err(code)` when it
    /// cannot be used. `options` must already be checked for `kind`.
    pub(crate) fn hash(
        &self,
        kind: Kind,
        options: &Options,
        buf: &mut String,
    ) -> Result<Option<HexDigest>, &'static str> {
        match self {
            Cell::Missing => Ok(None),
            Cell::Invalid => Err("wrong_type"),
            Cell::Text(s) if trim_identifier(s).is_empty() => Ok(None),
            Cell::Text(s) => hash_with_buffer(kind, s, options, buf)
                .map(Some)
                .map_err(|r| r.code()),
        }
    }
}

struct CellVisitor;

impl<'de> Visitor<'de> for CellVisitor {
    type Value = Cell;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string, a number or null")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Cell, E> {
        Ok(Cell::Text(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Cell, E> {
        Ok(Cell::Text(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Cell, E> {
        Ok(Cell::Text(v.to_string()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Cell, E> {
        Ok(Cell::Text(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Cell, E> {
        // 4.47911123456e11 from a spreadsheet is still a phone number when it is whole.
        // (Integer formatting only: float formatting would add kilobytes to the wasm.)
        if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e17 {
            Ok(Cell::Text((v as i64).to_string()))
        } else {
            Ok(Cell::Invalid)
        }
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Cell, E> {
        Ok(Cell::Invalid)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Cell, E> {
        Ok(Cell::Missing)
    }
    fn visit_none<E: de::Error>(self) -> Result<Cell, E> {
        Ok(Cell::Missing)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Cell, D::Error> {
        d.deserialize_any(CellVisitor)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Cell, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Cell::Invalid)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Cell, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Cell::Invalid)
    }
}

impl<'de> Deserialize<'de> for Cell {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Cell, D::Error> {
        d.deserialize_any(CellVisitor)
    }
}

/// A field that takes one value or a list (TikTok's `user.email` is either, §2.3).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum OneOrMany {
    /// Nothing given.
    #[default]
    None,
    /// One value.
    One(Cell),
    /// Several values.
    Many(Vec<Cell>),
}

impl OneOrMany {
    /// The cells, one or many.
    pub fn cells(&self) -> &[Cell] {
        match self {
            OneOrMany::None => &[],
            OneOrMany::One(c) => std::slice::from_ref(c),
            OneOrMany::Many(v) => v,
        }
    }
}

impl<T: Into<Cell>> From<T> for OneOrMany {
    fn from(v: T) -> OneOrMany {
        OneOrMany::One(v.into())
    }
}

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<OneOrMany, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = OneOrMany;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string, a number, a list of them, or null")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OneOrMany, A::Error> {
                let mut v = Vec::new();
                while let Some(c) = seq.next_element::<Cell>()? {
                    v.push(c);
                }
                Ok(OneOrMany::Many(v))
            }
            fn visit_unit<E: de::Error>(self) -> Result<OneOrMany, E> {
                Ok(OneOrMany::None)
            }
            fn visit_none<E: de::Error>(self) -> Result<OneOrMany, E> {
                Ok(OneOrMany::None)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<OneOrMany, D::Error> {
                d.deserialize_any(V)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<OneOrMany, E> {
                CellVisitor.visit_str(v).map(OneOrMany::One)
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<OneOrMany, E> {
                CellVisitor.visit_string(v).map(OneOrMany::One)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<OneOrMany, E> {
                CellVisitor.visit_u64(v).map(OneOrMany::One)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<OneOrMany, E> {
                CellVisitor.visit_i64(v).map(OneOrMany::One)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<OneOrMany, E> {
                CellVisitor.visit_f64(v).map(OneOrMany::One)
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<OneOrMany, E> {
                Ok(OneOrMany::One(Cell::Invalid))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<OneOrMany, A::Error> {
                CellVisitor.visit_map(map).map(OneOrMany::One)
            }
        }
        d.deserialize_any(V)
    }
}
