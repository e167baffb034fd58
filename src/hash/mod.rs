//! SHA-256 and MD5 of normalized identifiers, as lowercase hex.
//!
//! Only normalized text reaches the digest functions: [`hash`] normalizes first, and
//! [`hash_normalized`] takes a [`Normalized`], so raw input cannot be hashed by mistake.
//! [`sha256x4`] and [`md5x4`] hash four messages at once; [`lanes`] feeds them batches of short
//! messages.

pub mod lanes;
pub mod md5x4;
pub mod sha256x4;
mod vector;

use crate::error::{OptionsError, Reject};
use crate::normalize::{self, Normalized, Outcome};
use crate::options::{Algorithm, Kind, Options};
use md5::Md5;
use sha2::{Digest, Sha256};
use std::fmt;

/// The two lowercase hex digits of every byte: one lookup per byte instead of two.
static HEX_PAIRS: [[u8; 2]; 256] = {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut t = [[0u8; 2]; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = [DIGITS[i >> 4], DIGITS[i & 0xf]];
        i += 1;
    }
    t
};

/// Writes `bytes` as lowercase hex into `out[..2 * bytes.len()]`.
#[inline]
pub(crate) fn write_hex(bytes: &[u8], out: &mut [u8]) {
    for (pair, &b) in out.chunks_exact_mut(2).zip(bytes) {
        pair.copy_from_slice(&HEX_PAIRS[usize::from(b)]);
    }
}

/// A lowercase hex digest: 64 characters (SHA-256) or 32 (MD5). Stored inline, no heap.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct HexDigest {
    hex: [u8; 64],
    len: u8,
}

impl HexDigest {
    /// The digest as lowercase hex.
    pub fn as_str(&self) -> &str {
        // Only ever filled with ASCII hex digits.
        std::str::from_utf8(&self.hex[..usize::from(self.len)]).unwrap_or_default()
    }

    /// The raw digest bytes (32 for SHA-256, 16 for MD5).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = vec![0; usize::from(self.len) / 2];
        // Always true: only hex digits are ever stored.
        let _ = parse_hex(self.as_str(), &mut bytes);
        bytes
    }

    /// Parses lowercase hex of 64 or 32 characters; `None` for anything else.
    pub fn parse(s: &str) -> Option<HexDigest> {
        if normalize::prehashed::is_lower_hex_of_len(s, 64)
            || normalize::prehashed::is_lower_hex_of_len(s, 32)
        {
            Some(HexDigest::from_lower_hex(s))
        } else {
            None
        }
    }

    /// Wraps text already checked to be 32 or 64 lowercase hex digits.
    pub(crate) fn from_lower_hex(s: &str) -> HexDigest {
        let mut hex = [0u8; 64];
        let len = s.len().min(64);
        hex[..len].copy_from_slice(&s.as_bytes()[..len]);
        HexDigest {
            hex,
            len: len as u8,
        }
    }

    /// The lowercase hex of `bytes` (32 or 16 of them).
    pub(crate) fn from_bytes(bytes: &[u8]) -> HexDigest {
        let mut hex = [0u8; 64];
        write_hex(bytes, &mut hex);
        HexDigest {
            hex,
            len: (bytes.len() * 2) as u8,
        }
    }
}

/// Parses `2 × out.len()` hex digits (either case) into `out`; false for anything else.
pub(crate) fn parse_hex(s: &str, out: &mut [u8]) -> bool {
    let b = s.as_bytes();
    if b.len() != out.len() * 2 {
        return false;
    }
    for (o, pair) in out.iter_mut().zip(b.chunks_exact(2)) {
        let (Some(h), Some(l)) = (nibble(pair[0]), nibble(pair[1])) else {
            return false;
        };
        *o = (h << 4) | l;
    }
    true
}

fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

impl fmt::Debug for HexDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for HexDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The digest of `bytes` with `algorithm`.
pub fn digest(algorithm: Algorithm, bytes: &[u8]) -> HexDigest {
    match algorithm {
        Algorithm::Sha256 => HexDigest::from_bytes(&Sha256::digest(bytes)),
        Algorithm::Md5 => HexDigest::from_bytes(&Md5::digest(bytes)),
    }
}

/// Hashes a normalized value: pre-hashed input comes back as it is.
pub fn hash_normalized(value: &Normalized, algorithm: Algorithm) -> HexDigest {
    match value {
        Normalized::Text(text) => digest(algorithm, text.as_bytes()),
        Normalized::PreHashed(d) => *d,
    }
}

/// Why [`hash`] did not produce a digest.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HashError {
    /// The value was rejected.
    #[error(transparent)]
    Rejected(#[from] Reject),
    /// The options do not fit the kind.
    #[error(transparent)]
    Options(#[from] OptionsError),
}

/// Normalizes `value` as a `kind` and hashes it with `options.algorithm`.
pub fn hash(kind: Kind, value: &str, options: &Options) -> Result<HexDigest, HashError> {
    options.check_for(kind)?;
    let mut buf = String::new();
    Ok(hash_with_buffer(kind, value, options, &mut buf)?)
}

/// [`hash`] reusing `buf` for the normalized text; options are assumed checked.
pub(crate) fn hash_with_buffer(
    kind: Kind,
    value: &str,
    options: &Options,
    buf: &mut String,
) -> Result<HexDigest, Reject> {
    Ok(
        match normalize::normalize_into(kind, value, options, buf)? {
            Outcome::Text => digest(options.algorithm, buf.as_bytes()),
            Outcome::PreHashed => HexDigest::from_lower_hex(buf),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digests() {
        assert_eq!(
            digest(Algorithm::Sha256, b"test").as_str(),
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
        );
        assert_eq!(
            digest(Algorithm::Md5, b"test").as_str(),
            "098f6bcd4621d373cade4e832627b4f6"
        );
    }

    #[test]
    fn md5_only_for_maids() {
        let md5 = Options {
            algorithm: Algorithm::Md5,
            ..Options::default()
        };
        assert_eq!(
            hash(Kind::Email, "a@b.co", &md5),
            Err(HashError::Options(OptionsError::Md5NotAllowed))
        );
        assert!(hash(Kind::Idfa, "7a3cbea0-bdf5-11e4-8dfc-aa07a5b093db", &md5).is_ok());
    }

    #[test]
    fn prehashed_passes_through_lowercased() {
        let h = "848A771458438FC2EC420560D769FB9B9B86851EE338EC56517BAABD79D3BB4F";
        assert_eq!(
            hash(Kind::Email, h, &Options::default()).unwrap().as_str(),
            h.to_lowercase()
        );
    }

    #[test]
    fn digest_round_trips_to_bytes() {
        let d = digest(Algorithm::Sha256, b"test");
        assert_eq!(d.to_bytes().len(), 32);
        assert_eq!(HexDigest::parse(d.as_str()), Some(d));
        assert_eq!(HexDigest::parse("xyz"), None);
    }
}
