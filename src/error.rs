//! Why a value or a call was refused.
//!
//! Two kinds of failure, kept apart on purpose:
//! - [`Reject`]: one identifier could not be used. In a batch it is reported with its row and
//!   the batch goes on. Its message and code never contain the value.
//! - [`OptionsError`]: the call itself is wrong (an unknown kind, profile or country). Nothing
//!   is hashed.

use thiserror::Error;

/// Why one identifier was rejected. [`Reject::code`] is the stable reason code that batch
/// reports and the JS `Error.code` carry. No variant holds the rejected value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Error)]
#[non_exhaustive]
pub enum Reject {
    /// Nothing left after trimming white space.
    #[error("the value is empty")]
    Empty,
    /// Not one `@`, an empty local part, a domain without a dot, white space or a control
    /// character inside, or longer than an address can be (254 bytes).
    #[error("the value is not an email address")]
    InvalidEmail,
    /// Letters or symbols that no phone number has, no digits, or a length that is impossible
    /// for its country.
    #[error("the value is not a phone number")]
    InvalidPhone,
    /// A national number with no country: neither `+`, an international prefix, nor a
    /// `defaultCountry` says which country it belongs to.
    #[error("the phone number has no country code and no defaultCountry was given")]
    PhoneNeedsCountry,
    /// A country calling code that no country has.
    #[error("the phone number's country code does not exist")]
    UnknownCountryCode,
    /// Not a mobile advertising id: an IDFA or GAID is a UUID, 8-4-4-4-12 hex digits.
    #[error("the value is not an IDFA/GAID (8-4-4-4-12 hex digits)")]
    InvalidMaid,
    /// The all-zero advertising id, which a device reports when the user limits ad tracking:
    /// it identifies nobody.
    #[error("the advertising id is all zeros (ad tracking limited)")]
    MaidZero,
    /// Longer than any identifier of this kind can be (external ids: 1024 bytes).
    #[error("the value is too long")]
    TooLong,
}

impl Reject {
    /// The stable, snake_case reason code shown in reject reports and on JS errors.
    pub const fn code(self) -> &'static str {
        match self {
            Reject::Empty => "empty",
            Reject::InvalidEmail => "invalid_email",
            Reject::InvalidPhone => "invalid_phone",
            Reject::PhoneNeedsCountry => "phone_needs_country",
            Reject::UnknownCountryCode => "unknown_country_code",
            Reject::InvalidMaid => "invalid_maid",
            Reject::MaidZero => "maid_zero",
            Reject::TooLong => "too_long",
        }
    }

    /// Every reason, in a stable order: lets reports and UIs enumerate them.
    pub const ALL: [Reject; 8] = [
        Reject::Empty,
        Reject::InvalidEmail,
        Reject::InvalidPhone,
        Reject::PhoneNeedsCountry,
        Reject::UnknownCountryCode,
        Reject::InvalidMaid,
        Reject::MaidZero,
        Reject::TooLong,
    ];

    /// The reason whose [`Reject::code`] is `code`.
    pub fn from_code(code: &str) -> Option<Reject> {
        Reject::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// The call is wrong, not one of its values: an option or a kind that does not exist.
/// These carry the offending option *name* or the short option value, never an identifier.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum OptionsError {
    /// The identifier kind is not one of `email`, `phone`, `idfa`, `gaid`, `external_id`.
    #[error("unknown identifier kind (expected email, phone, idfa, gaid or external_id)")]
    UnknownKind,
    /// The profile is not one of `events`, `partner_audience`, `customer_file`.
    #[error("unknown profile (expected events, partner_audience or customer_file)")]
    UnknownProfile,
    /// `defaultCountry` is not an ISO 3166-1 alpha-2 code of a country with phone numbers.
    #[error("defaultCountry must be an ISO 3166-1 alpha-2 country code such as \"US\" or \"GB\"")]
    UnknownCountry,
    /// `phoneFormat` is not `e164` or `digits`.
    #[error("phoneFormat must be \"e164\" or \"digits\"")]
    UnknownPhoneFormat,
    /// `algorithm` is not `sha256` or `md5`.
    #[error("algorithm must be \"sha256\" or \"md5\"")]
    UnknownAlgorithm,
    /// MD5 was asked for an identifier TikTok only takes as SHA-256 (MD5 is for IDFA/GAID).
    #[error("md5 is only accepted for idfa and gaid; use sha256")]
    Md5NotAllowed,
    /// An option has the wrong type (for example a number where a string belongs).
    #[error("option {0} has the wrong type")]
    WrongType(&'static str),
}

impl OptionsError {
    /// The stable reason code carried by the JS error.
    pub const fn code(&self) -> &'static str {
        match self {
            OptionsError::UnknownKind => "unknown_kind",
            OptionsError::UnknownProfile => "unknown_profile",
            OptionsError::UnknownCountry => "unknown_country",
            OptionsError::UnknownPhoneFormat => "unknown_phone_format",
            OptionsError::UnknownAlgorithm => "unknown_algorithm",
            OptionsError::Md5NotAllowed => "md5_not_allowed",
            OptionsError::WrongType(_) => "wrong_type",
        }
    }
}

/// One rejected row of a batch: where it was and why. Never the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rejection {
    /// Zero-based index of the value in the batch.
    pub row: usize,
    /// Why it was rejected.
    pub reason: Reject,
}
