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
pub use crate::hex::HexDigest;
pub(crate) use crate::hex::{parse_hex, write_hex};
use crate::normalize::{self, Normalized, Outcome};
use crate::options::{Algorithm, Kind, Options};
use md5::Md5;
use sha2::{Digest, Sha256};

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
