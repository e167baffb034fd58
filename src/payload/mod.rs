//! TikTok Marketing API v1.3 request bodies, built from identifier columns and event rows
//! (tiktok-api.md §2–§4). One file per TikTok object:
//!
//! - [`segment`]: Partner Audience, `/segment/audience/` and `/segment/mapping/` (§2.1);
//! - [`customer_file`]: Customer File Audience, the upload file, `/dmp/custom_audience/create/`
//!   and `/update/` (§2.2);
//! - [`events`]: Offline and Web Event Conversions, `/event/track/` (§2.3);
//! - [`mirror`]: the diff of two digest sets and the customer-file Mirror plan (§2.2, §8);
//! - [`mirror_rows`]: the Partner Audience Mirror, which rows of the file to send (§8.1).
//!
//! Conventions shared by every builder:
//! - bodies use TikTok's own snake_case field names; inputs are camelCase (`serde`), so the
//!   same structs serve native callers and the JSON that crosses the wasm boundary;
//! - a value that cannot be used never stops a batch: it is reported as a [`RowReject`]
//!   (`{row, column?, code}`) with no value in it. A reject *with* a `column` means that one
//!   cell was left out and the row still went; *without* one, the row was not sent;
//! - call errors ([`PayloadError`]) and [`Warning`]s name fields and limits, never values;
//! - only digests reach an identifier field of a body: identifiers go through the core's
//!   normalize-and-hash path (or are checked pre-hashed digests).

pub mod customer_file;
pub mod digest;
mod error;
pub mod events;
mod input;
pub mod limits;
pub mod mirror;
pub mod mirror_rows;
pub mod segment;
mod time;

pub use customer_file::{
    build_custom_audience_create, build_custom_audience_update, build_customer_file, CalculateType,
    CustomAudienceCreateBody, CustomAudienceCreateInput, CustomAudienceUpdateBody,
    CustomAudienceUpdateInput, CustomerFile, CustomerFileInput, UpdateAction,
};
pub use digest::Digests;
pub use error::PayloadError;
pub use events::{build_event_batches, EventBatches, EventInput, EventSource, EventsInput};
pub use input::{AudienceColumns, Cell, OneOrMany};
pub use mirror::{
    mirror_diff, plan_customer_file_mirror, MirrorDiff, MirrorPlan, MirrorPlanInput, MirrorStep,
    Refusal, Strategy,
};
pub use mirror_rows::{mirror_rows, RowsDiff};
pub use segment::{
    build_segment_audience, build_segment_mapping, MappingAction, SegmentAudienceBody,
    SegmentAudienceInput, SegmentMapping, SegmentMappingBody, SegmentMappingInput,
};

use serde::Serialize;

/// One unusable row or cell: where, and why. Never the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RowReject {
    /// Zero-based index of the row (the value, the event) in the input.
    pub row: usize,
    /// The input field of a cell that was left out while the row was still sent (`email`,
    /// `ttclid`, `properties.currency`…); absent when the whole row was not sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<&'static str>,
    /// The reason: one of the core's reject codes (`invalid_email`…) or a payload code
    /// (`no_identifier`, `duplicate_event_id`…).
    pub code: &'static str,
}

impl RowReject {
    /// The whole row was not sent.
    pub fn row(row: usize, code: &'static str) -> RowReject {
        RowReject {
            row,
            column: None,
            code,
        }
    }

    /// One cell of the row was left out.
    pub fn cell(row: usize, column: &'static str, code: &'static str) -> RowReject {
        RowReject {
            row,
            column: Some(column),
            code,
        }
    }
}

/// Something the caller should know that did not stop the build (a name TikTok will cut, an
/// audience that will end below 1,000 members…). The message holds no value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// Stable code, e.g. `name_truncated`, `audience_below_minimum`.
    pub code: &'static str,
    /// A sentence for a human.
    pub message: String,
}

impl Warning {
    pub(crate) fn new(code: &'static str, message: impl Into<String>) -> Warning {
        Warning {
            code,
            message: message.into(),
        }
    }
}

/// One HTTP request to send: `POST https://business-api.tiktok.com/open_api/v1.3{path}` with
/// `body` as JSON (tiktok-api.md §1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Request<B> {
    /// The endpoint path under `/open_api/v1.3`, with TikTok's trailing `/`.
    pub path: &'static str,
    /// The JSON body.
    pub body: B,
}

/// TikTok advertiser and audience ids are decimal strings (every example in §2).
pub(crate) fn check_numeric_id(field: &'static str, id: &str) -> Result<(), PayloadError> {
    if id.is_empty() {
        return Err(PayloadError::Missing(field));
    }
    if !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PayloadError::InvalidId(field));
    }
    Ok(())
}

/// A list of ids that must not be empty, each checked with [`check_numeric_id`].
pub(crate) fn check_numeric_ids(field: &'static str, ids: &[String]) -> Result<(), PayloadError> {
    if ids.is_empty() {
        return Err(PayloadError::Missing(field));
    }
    ids.iter().try_for_each(|id| check_numeric_id(field, id))
}
