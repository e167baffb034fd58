//! Typed bodies in, the proxy's refusals out: [`tikhash::schema::parse_strict`] does the
//! parsing; this maps its [`SchemaError`] to the envelope's codes and re-serializes what was
//! checked, with the second-line scan of [`super::pii`].

use super::pii::find_raw_identifier;
use crate::error::AppError;
use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tikhash::schema::{parse_strict, Reason, SchemaError, Validate};

/// The proxy's refusal for a schema error.
pub fn refusal(e: SchemaError) -> AppError {
    match e.reason {
        Reason::Syntax => AppError::MalformedJson,
        Reason::NotSha256 => AppError::NotAHash {
            field: e.field,
            what: "SHA-256 (64 characters)",
        },
        Reason::NotADigest | Reason::DigestTypeMismatch => AppError::NotAHash {
            field: e.field,
            what: "digest of its type's length (64 characters for SHA-256, 32 for MD5)",
        },
        reason => AppError::BadField {
            field: e.field,
            reason: reason.describe(),
        },
    }
}

/// Parses `bytes` as a strict `T`.
pub fn parse<T: DeserializeOwned + Validate>(bytes: &[u8]) -> Result<T, AppError> {
    parse_strict(bytes).map_err(refusal)
}

/// The bytes to forward for a checked body: its own serialization (never the bytes that were
/// received), refused when any string in it looks like a raw email or phone.
pub fn forwardable<T: Serialize>(checked: &T) -> Result<Bytes, AppError> {
    let value = serde_json::to_value(checked).map_err(|_| AppError::MalformedJson)?;
    if let Some(field) = find_raw_identifier(&value) {
        return Err(AppError::LooksLikeRawIdentifier { field });
    }
    serde_json::to_vec(&value)
        .map(Bytes::from)
        .map_err(|_| AppError::MalformedJson)
}
