//! What the caller chooses: the identifier kind, the endpoint profile and the per-kind options.
//!
//! Every option has a default that is right for the Events API (design.md, "Normalization
//! decisions"); the profiles carry the per-endpoint differences of tiktok-api.md §5.

use crate::error::OptionsError;
use crate::normalize::phone;
use std::fmt;
use std::str::FromStr;

/// The identifier kinds TikTok matches on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// An email address.
    Email,
    /// A phone number.
    Phone,
    /// Apple's advertising id.
    Idfa,
    /// Google's advertising id (TikTok's `AAID`).
    Gaid,
    /// The advertiser's own user id.
    ExternalId,
}

impl Kind {
    /// Every kind, in the order used by reports.
    pub const ALL: [Kind; 5] = [
        Kind::Email,
        Kind::Phone,
        Kind::Idfa,
        Kind::Gaid,
        Kind::ExternalId,
    ];

    /// The name used in the JS API and the CLI.
    pub const fn as_str(self) -> &'static str {
        match self {
            Kind::Email => "email",
            Kind::Phone => "phone",
            Kind::Idfa => "idfa",
            Kind::Gaid => "gaid",
            Kind::ExternalId => "external_id",
        }
    }

    /// IDFA and GAID: the only kinds TikTok accepts as MD5.
    pub const fn is_maid(self) -> bool {
        matches!(self, Kind::Idfa | Kind::Gaid)
    }
}

impl FromStr for Kind {
    type Err = OptionsError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "email" => Kind::Email,
            "phone" => Kind::Phone,
            "idfa" => Kind::Idfa,
            "gaid" | "aaid" => Kind::Gaid,
            "external_id" | "externalId" => Kind::ExternalId,
            _ => return Err(OptionsError::UnknownKind),
        })
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which TikTok endpoint the identifiers are for: the rules differ a little between them
/// (tiktok-api.md §5, §8.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Profile {
    /// Events API 2.0 (`/event/track/`, web and offline): email trim + lowercase, phone `+`E.164.
    #[default]
    Events,
    /// Partner Audience (`/segment/mapping/`): as for events.
    PartnerAudience,
    /// Customer File Audience: also strips `+tag` from the email's local part
    /// (TikTok help centre, "List of supported IDs and formats for a customer file").
    CustomerFile,
}

impl FromStr for Profile {
    type Err = OptionsError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "events" => Profile::Events,
            "partner_audience" => Profile::PartnerAudience,
            "customer_file" => Profile::CustomerFile,
            _ => return Err(OptionsError::UnknownProfile),
        })
    }
}

/// The digest TikTok is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Algorithm {
    /// SHA-256, 64 lowercase hex characters: every kind.
    #[default]
    Sha256,
    /// MD5, 32 lowercase hex characters: IDFA and GAID only.
    Md5,
}

impl Algorithm {
    /// Length of the lowercase hex digest.
    pub const fn hex_len(self) -> usize {
        match self {
            Algorithm::Sha256 => 64,
            Algorithm::Md5 => 32,
        }
    }

    /// The name used in options and in TikTok's enums (`SHA256`, `MD5` suffixes).
    pub const fn as_str(self) -> &'static str {
        match self {
            Algorithm::Sha256 => "sha256",
            Algorithm::Md5 => "md5",
        }
    }
}

impl FromStr for Algorithm {
    type Err = OptionsError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "sha256" | "SHA256" | "sha-256" | "SHA-256" => Ok(Algorithm::Sha256),
            "md5" | "MD5" => Ok(Algorithm::Md5),
            _ => Err(OptionsError::UnknownAlgorithm),
        }
    }
}

/// How a normalized phone number is written before hashing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PhoneFormat {
    /// `+442071838750`: what the Events and Partner Audience APIs ask for.
    #[default]
    E164,
    /// `442071838750`: what TikTok's newest customer-file help text asks for (tiktok-api.md §5.2).
    Digits,
}

impl FromStr for PhoneFormat {
    type Err = OptionsError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "e164" | "E164" => Ok(PhoneFormat::E164),
            "digits" => Ok(PhoneFormat::Digits),
            _ => Err(OptionsError::UnknownPhoneFormat),
        }
    }
}

/// An ISO 3166-1 alpha-2 region that has phone numbering metadata, e.g. `US`, `GB`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Country([u8; 2]);

impl Country {
    /// The two uppercase letters.
    pub fn as_str(&self) -> &str {
        // Only ever built from two ASCII uppercase letters.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }

    /// The two uppercase ASCII letters as bytes.
    pub const fn code(&self) -> [u8; 2] {
        self.0
    }
}

impl FromStr for Country {
    type Err = OptionsError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let b = s.trim().as_bytes();
        if b.len() != 2 || !b.iter().all(u8::is_ascii_alphabetic) {
            return Err(OptionsError::UnknownCountry);
        }
        let code = [b[0].to_ascii_uppercase(), b[1].to_ascii_uppercase()];
        if phone::is_known_region(code) {
            Ok(Country(code))
        } else {
            Err(OptionsError::UnknownCountry)
        }
    }
}

/// How to normalize and hash. `Options::default()` is the Events API profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    /// Which endpoint the identifiers are for.
    pub profile: Profile,
    /// The country of phone numbers written without a country code.
    pub default_country: Option<Country>,
    /// `+` E.164 (default) or digits only.
    pub phone_format: PhoneFormat,
    /// SHA-256 (default) or MD5 (IDFA/GAID only).
    pub algorithm: Algorithm,
    /// Remove every `.` from an email's local part (opt-in; TikTok's customer-file help text
    /// asked for it in 2024 and no longer does).
    pub strip_email_dots: bool,
    /// Lowercase external ids (TikTok's own example keeps case, so off by default).
    pub lowercase: bool,
}

impl Options {
    /// Options for one profile, everything else default.
    pub fn for_profile(profile: Profile) -> Options {
        Options {
            profile,
            ..Options::default()
        }
    }

    /// Refuses combinations TikTok does not accept for `kind` (MD5 outside IDFA/GAID).
    pub fn check_for(&self, kind: Kind) -> Result<(), OptionsError> {
        if self.algorithm == Algorithm::Md5 && !kind.is_maid() {
            return Err(OptionsError::Md5NotAllowed);
        }
        Ok(())
    }
}
