//! Turning a raw identifier into exactly the text TikTok hashes, one module per kind.
//!
//! Each kind has a typed entry point (`email::normalize_email`, `phone::normalize_phone_with`,
//! …) returning a newtype, and [`normalize`] dispatches on a [`Kind`] at run time. A value that
//! is already a hash (tiktok-api.md §5.5) comes back as [`Normalized::PreHashed`], lowercased,
//! and is never hashed again.

pub mod email;
pub mod external_id;
pub mod maid;
pub mod phone;
pub mod prehashed;
mod trim;

pub use email::NormalizedEmail;
pub use external_id::ExternalId;
pub use maid::Maid;
pub use phone::E164Phone;
pub use trim::trim_identifier;

use crate::error::Reject;
use crate::hex::HexDigest;
use crate::options::{Kind, Options};

/// A value ready to send: either the normalized text that will be hashed, or a digest the
/// caller already computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Normalized {
    /// The normalized text (what gets hashed).
    Text(String),
    /// The input was already a digest of the requested algorithm; lowercased.
    PreHashed(HexDigest),
}

impl Normalized {
    /// The normalized text, or the lowercase digest for pre-hashed input.
    pub fn as_str(&self) -> &str {
        match self {
            Normalized::Text(s) => s,
            Normalized::PreHashed(d) => d.as_str(),
        }
    }
}

/// What [`normalize_into`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The normalized text is in the buffer; hash it.
    Text,
    /// The trimmed input is a digest already; the buffer holds it, lowercased.
    PreHashed,
}

/// Normalizes one identifier of `kind`. Options that do not concern `kind` are ignored.
pub fn normalize(kind: Kind, value: &str, options: &Options) -> Result<Normalized, Reject> {
    let mut buf = String::new();
    Ok(match normalize_into(kind, value, options, &mut buf)? {
        Outcome::Text => Normalized::Text(buf),
        Outcome::PreHashed => Normalized::PreHashed(HexDigest::from_lower_hex(&buf)),
    })
}

/// The allocation-free core of [`normalize`]: writes into `out` (cleared first), so a batch
/// reuses one buffer for every row.
pub(crate) fn normalize_into(
    kind: Kind,
    value: &str,
    options: &Options,
    out: &mut String,
) -> Result<Outcome, Reject> {
    out.clear();
    let trimmed = trim_identifier(value);
    if trimmed.is_empty() {
        return Err(Reject::Empty);
    }
    let digest_len = if kind.is_maid() {
        options.algorithm.hex_len()
    } else {
        64
    };
    if prehashed::is_hex_of_len(trimmed, digest_len) {
        prehashed::push_lowercase(trimmed, out);
        return Ok(Outcome::PreHashed);
    }
    match kind {
        Kind::Email => email::write_normalized(trimmed, options, out)?,
        Kind::Phone => phone::write_normalized(trimmed, options, out)?,
        Kind::Idfa | Kind::Gaid => maid::write_normalized(trimmed, out)?,
        Kind::ExternalId => external_id::write_normalized(trimmed, options, out)?,
    }
    Ok(Outcome::Text)
}
