//! Why a payload call was refused as a whole. Values that are merely unusable are not errors:
//! they are reported as [`RowReject`](super::RowReject)s and the batch goes on.

use crate::error::OptionsError;
use thiserror::Error;

/// The call is wrong (a missing id, an unknown action, columns of different lengths…): nothing
/// is built. Messages name the field, never a value.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PayloadError {
    /// The normalization options are wrong.
    #[error(transparent)]
    Options(#[from] OptionsError),
    /// A required field is missing or empty (its JSON/JS name is given).
    #[error("{0} is required")]
    Missing(&'static str),
    /// An advertiser, audience or event source id is not a TikTok id (digits; for
    /// `eventSourceId` letters and digits).
    #[error("{0} must be a TikTok id (ASCII letters and digits)")]
    InvalidId(&'static str),
    /// The audience name is empty after trimming.
    #[error("the audience name is empty")]
    EmptyName,
    /// A customer-file audience name longer than TikTok's 128 characters (§2.2).
    #[error("the audience name is longer than {0} characters")]
    NameTooLong(usize),
    /// An `action` TikTok does not have for this endpoint.
    #[error("action must be one of {0}")]
    InvalidAction(&'static str),
    /// A `/dmp/custom_audience/update/` without `action`: TikTok would treat it as REPLACE
    /// (§2.2), so it is never left out.
    #[error(
        "action is required (APPEND, REMOVE or REPLACE): TikTok treats a missing action as REPLACE"
    )]
    MissingAction,
    /// No identifier column was given.
    #[error("at least one identifier column is required")]
    NoColumns,
    /// The identifier columns have different lengths: rows would not line up.
    #[error("every identifier column must have the same length")]
    ColumnLengthMismatch,
    /// A limit option (`maxRows`, `maxEvents`…) is outside what TikTok allows.
    #[error("{0} must be between 1 and {1}")]
    InvalidLimit(&'static str, usize),
    /// The identifier kind cannot go in this object (external ids in a customer file).
    #[error("this identifier kind cannot be used here")]
    KindNotAllowed,
    /// A `calculate_type` that is not one of TikTok's `DmpCalculateType` keys (§2.2).
    #[error("calculateType is not a TikTok calculate_type")]
    InvalidCalculateType,
    /// A file name that does not end in `.csv` or `.txt` (§2.2 upload), or holds a path.
    #[error("fileName must end in .csv or .txt and hold no path")]
    InvalidFileName,
    /// `eventSource` is not `web` or `offline`.
    #[error("eventSource must be \"web\" or \"offline\"")]
    InvalidEventSource,
    /// `retentionInDays` outside 1–365 (§2.2 create).
    #[error("retentionInDays must be between 1 and 365")]
    InvalidRetention,
    /// `audienceSubType` is not `NORMAL` or `REACH_FREQUENCY` (§2.2 create).
    #[error("audienceSubType must be NORMAL or REACH_FREQUENCY")]
    InvalidSubType,
    /// More `filePaths` than TikTok's 500 per create or update (T-SDK create yml).
    #[error("filePaths holds more than {0} paths")]
    TooManyFilePaths(usize),
    /// An update that changes nothing: no files, no new name, no sub type or enhancement.
    #[error("an update needs filePaths, a new name, audienceSubType or audienceEnhancement")]
    NothingToUpdate,
    /// A Mirror strategy other than `auto`, `replace`, `append_remove`.
    #[error("strategy must be auto, replace or append_remove")]
    InvalidStrategy,
    /// Packed digests whose length is not a multiple of the digest width, or hex that is not
    /// a digest; the index of the first bad entry is given.
    #[error("digest {0} is not a {1}-byte digest")]
    InvalidDigest(usize, usize),
    /// The two digest lists of a diff use different widths (SHA-256 against MD5).
    #[error("previous and current must use the same digest (SHA-256 or MD5)")]
    DigestWidthMismatch,
    /// The input does not have the documented shape (used by the JSON entry points; the
    /// position is given, never the offending value).
    #[error("the input has the wrong shape (line {0}, column {1})")]
    WrongShape(usize, usize),
}

impl PayloadError {
    /// The stable reason code carried by the JS error.
    pub fn code(&self) -> &'static str {
        match self {
            PayloadError::Options(e) => e.code(),
            PayloadError::Missing(_) => "missing_field",
            PayloadError::InvalidId(_) => "invalid_id",
            PayloadError::EmptyName => "empty_name",
            PayloadError::NameTooLong(_) => "name_too_long",
            PayloadError::InvalidAction(_) => "invalid_action",
            PayloadError::MissingAction => "missing_action",
            PayloadError::NoColumns => "no_columns",
            PayloadError::ColumnLengthMismatch => "column_length_mismatch",
            PayloadError::InvalidLimit(..) => "invalid_limit",
            PayloadError::KindNotAllowed => "kind_not_allowed",
            PayloadError::InvalidCalculateType => "invalid_calculate_type",
            PayloadError::InvalidFileName => "invalid_file_name",
            PayloadError::InvalidEventSource => "invalid_event_source",
            PayloadError::InvalidRetention => "invalid_retention",
            PayloadError::InvalidSubType => "invalid_sub_type",
            PayloadError::InvalidStrategy => "invalid_strategy",
            PayloadError::TooManyFilePaths(_) => "too_many_file_paths",
            PayloadError::NothingToUpdate => "nothing_to_update",
            PayloadError::InvalidDigest(..) => "invalid_digest",
            PayloadError::DigestWidthMismatch => "digest_width_mismatch",
            PayloadError::WrongShape(..) => "wrong_type",
        }
    }

    /// True when the value has the wrong *type* (a JS `TypeError`), not a wrong value.
    pub fn is_type_error(&self) -> bool {
        matches!(
            self,
            PayloadError::WrongShape(..) | PayloadError::Options(OptionsError::WrongType(_))
        )
    }

    /// Wraps a JSON parse failure without its message: serde's messages quote the offending
    /// value, which may be an identifier.
    pub fn from_json(e: &serde_json::Error) -> PayloadError {
        PayloadError::WrongShape(e.line(), e.column())
    }
}
