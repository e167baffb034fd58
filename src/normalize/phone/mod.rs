//! Phone numbers to E.164 (tiktok-api.md §5.2; design.md "Normalization decisions").
//!
//! PLACEHOLDER: only `+` followed by digits is accepted until the metadata-driven parser lands.

use crate::error::Reject;
use crate::options::{Options, PhoneFormat};

/// A phone number in E.164: `+`, the country calling code, the national number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct E164Phone(String);

impl E164Phone {
    /// `+442071838750`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `442071838750`: without the `+`.
    pub fn digits(&self) -> &str {
        &self.0[1..]
    }
}

/// Normalizes a number written with its country code (`+`…).
pub fn normalize_phone(input: &str) -> Result<E164Phone, Reject> {
    normalize_phone_with(input, &Options::default())
}

/// Normalizes with `options.default_country` for national numbers.
pub fn normalize_phone_with(input: &str, options: &Options) -> Result<E164Phone, Reject> {
    let trimmed = super::trim_identifier(input);
    if trimmed.is_empty() {
        return Err(Reject::Empty);
    }
    let mut out = String::new();
    let e164 = Options {
        phone_format: PhoneFormat::E164,
        ..*options
    };
    write_normalized(trimmed, &e164, &mut out)?;
    Ok(E164Phone(out))
}

/// True when `code` (two uppercase ASCII letters) is a region with numbering metadata.
pub fn is_known_region(code: [u8; 2]) -> bool {
    matches!(&code, b"US" | b"GB")
}

/// Writes the normalized number (in `options.phone_format`) of a trimmed, non-empty `input`.
pub(crate) fn write_normalized(
    input: &str,
    options: &Options,
    out: &mut String,
) -> Result<(), Reject> {
    let Some(rest) = input.strip_prefix('+') else {
        return Err(Reject::PhoneNeedsCountry);
    };
    if options.phone_format == PhoneFormat::E164 {
        out.push('+');
    }
    out.extend(rest.chars().filter(char::is_ascii_digit));
    Ok(())
}
