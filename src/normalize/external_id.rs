//! The advertiser's own user id (tiktok-api.md §5.4).
//!
//! Trimmed, case kept: TikTok's own example hashes `user_123` as is. Lowercasing is an option
//! for advertisers whose ids are case-insensitive (Segment and mParticle lowercase).

use crate::error::Reject;
use crate::options::Options;

/// Longest external id accepted: ids are keys, not documents.
pub const MAX_EXTERNAL_ID_LEN: usize = 1024;

/// A trimmed external id, lowercased when asked.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ExternalId(String);

impl ExternalId {
    /// The normalized id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Normalizes with the default options (trim, case kept).
pub fn normalize_external_id(input: &str) -> Result<ExternalId, Reject> {
    normalize_external_id_with(input, &Options::default())
}

/// Normalizes with `options.lowercase`.
pub fn normalize_external_id_with(input: &str, options: &Options) -> Result<ExternalId, Reject> {
    let trimmed = super::trim_identifier(input);
    if trimmed.is_empty() {
        return Err(Reject::Empty);
    }
    let mut out = String::with_capacity(trimmed.len());
    write_normalized(trimmed, options, &mut out)?;
    Ok(ExternalId(out))
}

/// Writes the normalized form of an already trimmed, non-empty `input` into `out`.
pub(crate) fn write_normalized(
    input: &str,
    options: &Options,
    out: &mut String,
) -> Result<(), Reject> {
    if input.len() > MAX_EXTERNAL_ID_LEN {
        return Err(Reject::TooLong);
    }
    if options.lowercase {
        out.extend(input.chars().flat_map(char::to_lowercase));
    } else {
        out.push_str(input);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_case_unless_asked() {
        assert_eq!(
            normalize_external_id(" testId123 ").unwrap().as_str(),
            "testId123"
        );
        let lower = Options {
            lowercase: true,
            ..Options::default()
        };
        assert_eq!(
            normalize_external_id_with("testId123", &lower)
                .unwrap()
                .as_str(),
            "testid123"
        );
        assert_eq!(
            normalize_external_id(&"x".repeat(1025)),
            Err(Reject::TooLong)
        );
    }
}
