//! The identifier types of TikTok's audience APIs, each with the digest it carries. One list
//! for the builders, the proxy's guard and its ledger.

use crate::options::{Algorithm, Kind};
use serde::{Deserialize, Serialize};

/// `id_schema` names of `/segment/mapping/` (tiktok-api.md §2.1). GAID is `AAID_*` here. TikTok
/// writes them in uppercase; only that spelling is accepted and sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[allow(non_camel_case_types)]
pub enum SegmentIdType {
    /// SHA-256 of the normalized email.
    EMAIL_SHA256,
    /// SHA-256 of the E.164 phone with `+`.
    PHONE_SHA256,
    /// SHA-256 of the lowercase IDFA.
    IDFA_SHA256,
    /// MD5 of the lowercase IDFA.
    IDFA_MD5,
    /// SHA-256 of the lowercase GAID.
    AAID_SHA256,
    /// MD5 of the lowercase GAID.
    AAID_MD5,
}

impl SegmentIdType {
    /// Every type, in the order the builders put columns in `id_schema`.
    pub const ALL: [SegmentIdType; 6] = [
        SegmentIdType::EMAIL_SHA256,
        SegmentIdType::PHONE_SHA256,
        SegmentIdType::IDFA_SHA256,
        SegmentIdType::IDFA_MD5,
        SegmentIdType::AAID_SHA256,
        SegmentIdType::AAID_MD5,
    ];

    /// TikTok's name.
    pub const fn as_str(self) -> &'static str {
        match self {
            SegmentIdType::EMAIL_SHA256 => "EMAIL_SHA256",
            SegmentIdType::PHONE_SHA256 => "PHONE_SHA256",
            SegmentIdType::IDFA_SHA256 => "IDFA_SHA256",
            SegmentIdType::IDFA_MD5 => "IDFA_MD5",
            SegmentIdType::AAID_SHA256 => "AAID_SHA256",
            SegmentIdType::AAID_MD5 => "AAID_MD5",
        }
    }

    /// The digest of its values.
    pub const fn algorithm(self) -> Algorithm {
        match self {
            SegmentIdType::IDFA_MD5 | SegmentIdType::AAID_MD5 => Algorithm::Md5,
            _ => Algorithm::Sha256,
        }
    }

    /// The type of a column of `kind` hashed with `algorithm` (email and phone are always
    /// SHA-256); `None` for external ids, which the segment API does not take.
    pub const fn for_kind(kind: Kind, algorithm: Algorithm) -> Option<SegmentIdType> {
        Some(match (kind, algorithm) {
            (Kind::Email, _) => SegmentIdType::EMAIL_SHA256,
            (Kind::Phone, _) => SegmentIdType::PHONE_SHA256,
            (Kind::Idfa, Algorithm::Md5) => SegmentIdType::IDFA_MD5,
            (Kind::Idfa, Algorithm::Sha256) => SegmentIdType::IDFA_SHA256,
            (Kind::Gaid, Algorithm::Md5) => SegmentIdType::AAID_MD5,
            (Kind::Gaid, Algorithm::Sha256) => SegmentIdType::AAID_SHA256,
            (Kind::ExternalId, _) => return None,
        })
    }

    /// The type named exactly `name`.
    pub fn from_name(name: &str) -> Option<SegmentIdType> {
        // A match, not a search of `ALL`: the unrolled search is kilobytes of wasm.
        Some(match name {
            "EMAIL_SHA256" => SegmentIdType::EMAIL_SHA256,
            "PHONE_SHA256" => SegmentIdType::PHONE_SHA256,
            "IDFA_SHA256" => SegmentIdType::IDFA_SHA256,
            "IDFA_MD5" => SegmentIdType::IDFA_MD5,
            "AAID_SHA256" => SegmentIdType::AAID_SHA256,
            "AAID_MD5" => SegmentIdType::AAID_MD5,
            _ => return None,
        })
    }
}

/// TikTok's `DmpCalculateType` keys (§2.2), sent as strings: what a customer file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[allow(non_camel_case_types)]
pub enum CalculateType {
    /// SHA-256 emails.
    EMAIL_SHA256,
    /// SHA-256 phones.
    PHONE_SHA256,
    /// SHA-256 IDFAs.
    IDFA_SHA256,
    /// MD5 IDFAs.
    IDFA_MD5,
    /// SHA-256 GAIDs.
    GAID_SHA256,
    /// MD5 GAIDs.
    GAID_MD5,
    /// SHA-256 mobile ad ids of either platform (upload only, not create).
    MAID_SHA256,
    /// MD5 mobile ad ids of either platform (upload only, not create).
    MAID_MD5,
    /// SHA-256 first-party ids.
    FIRST_SHA256,
    /// MD5 first-party ids.
    FIRST_MD5,
    /// A CSV with a header row naming each column's type.
    MULTIPLE_TYPES,
}

impl CalculateType {
    /// Every key.
    pub const ALL: [CalculateType; 11] = [
        CalculateType::EMAIL_SHA256,
        CalculateType::PHONE_SHA256,
        CalculateType::IDFA_SHA256,
        CalculateType::IDFA_MD5,
        CalculateType::GAID_SHA256,
        CalculateType::GAID_MD5,
        CalculateType::MAID_SHA256,
        CalculateType::MAID_MD5,
        CalculateType::FIRST_SHA256,
        CalculateType::FIRST_MD5,
        CalculateType::MULTIPLE_TYPES,
    ];

    /// The key TikTok takes.
    pub const fn as_str(self) -> &'static str {
        match self {
            CalculateType::EMAIL_SHA256 => "EMAIL_SHA256",
            CalculateType::PHONE_SHA256 => "PHONE_SHA256",
            CalculateType::IDFA_SHA256 => "IDFA_SHA256",
            CalculateType::IDFA_MD5 => "IDFA_MD5",
            CalculateType::GAID_SHA256 => "GAID_SHA256",
            CalculateType::GAID_MD5 => "GAID_MD5",
            CalculateType::MAID_SHA256 => "MAID_SHA256",
            CalculateType::MAID_MD5 => "MAID_MD5",
            CalculateType::FIRST_SHA256 => "FIRST_SHA256",
            CalculateType::FIRST_MD5 => "FIRST_MD5",
            CalculateType::MULTIPLE_TYPES => "MULTIPLE_TYPES",
        }
    }

    /// The type named exactly `name`.
    pub fn from_name(name: &str) -> Option<CalculateType> {
        // A match, not a search of `ALL`: the unrolled search is kilobytes of wasm.
        Some(match name {
            "EMAIL_SHA256" => CalculateType::EMAIL_SHA256,
            "PHONE_SHA256" => CalculateType::PHONE_SHA256,
            "IDFA_SHA256" => CalculateType::IDFA_SHA256,
            "IDFA_MD5" => CalculateType::IDFA_MD5,
            "GAID_SHA256" => CalculateType::GAID_SHA256,
            "GAID_MD5" => CalculateType::GAID_MD5,
            "MAID_SHA256" => CalculateType::MAID_SHA256,
            "MAID_MD5" => CalculateType::MAID_MD5,
            "FIRST_SHA256" => CalculateType::FIRST_SHA256,
            "FIRST_MD5" => CalculateType::FIRST_MD5,
            "MULTIPLE_TYPES" => CalculateType::MULTIPLE_TYPES,
            _ => return None,
        })
    }

    /// The digest of a one-type file's lines; `None` for `MULTIPLE_TYPES`.
    pub const fn algorithm(self) -> Option<Algorithm> {
        match self {
            CalculateType::MULTIPLE_TYPES => None,
            CalculateType::IDFA_MD5
            | CalculateType::GAID_MD5
            | CalculateType::MAID_MD5
            | CalculateType::FIRST_MD5 => Some(Algorithm::Md5),
            _ => Some(Algorithm::Sha256),
        }
    }

    /// Bytes per digest of a one-type file; `None` for `MULTIPLE_TYPES`.
    pub const fn digest_width(self) -> Option<usize> {
        match self.algorithm() {
            Some(Algorithm::Md5) => Some(16),
            Some(Algorithm::Sha256) => Some(32),
            None => None,
        }
    }

    /// True where `/dmp/custom_audience/create/` takes it: `MAID_*` exist only in the
    /// upload's enum (issue 10; T-SDK `dmp_custom_audience_create.yml`).
    pub const fn allowed_in_create(self) -> bool {
        !matches!(self, CalculateType::MAID_SHA256 | CalculateType::MAID_MD5)
    }
}

/// The type of one column of a `MULTIPLE_TYPES` file, by its header (the help centre's
/// names, §2.2: `EMAIL_SHA256`, `PHONE_SHA256`, `MAID_SHA256`, `MAID_MD5`, and the one-type
/// keys).
pub fn multiple_types_column(header: &str) -> Option<CalculateType> {
    CalculateType::from_name(header).filter(|t| *t != CalculateType::MULTIPLE_TYPES)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_exactly() {
        for t in SegmentIdType::ALL {
            assert_eq!(SegmentIdType::from_name(t.as_str()), Some(t));
            assert_eq!(SegmentIdType::from_name(&t.as_str().to_lowercase()), None);
        }
        for t in CalculateType::ALL {
            assert_eq!(CalculateType::from_name(t.as_str()), Some(t));
            assert_eq!(CalculateType::from_name(&format!(" {}", t.as_str())), None);
        }
    }
}
