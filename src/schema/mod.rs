//! TikTok's request bodies as TikTok defines them (tiktok-api.md §2), parsed strictly.
//!
//! The builders in [`crate::payload`] make these bodies; the proxy's guard parses what it
//! receives into these types and forwards only their re-serialization, never the bytes it was
//! sent. So the types are the one place where TikTok's field names, enums and limits live:
//!
//! - [`id_type`]: the identifier types (`id_schema`, `calculate_type`) with their digest;
//! - [`fields`]: the value types every body shares (digests, TikTok ids, bounded text);
//! - [`segment`]: `/segment/audience/` and `/segment/mapping/` (§2.1);
//! - [`custom_audience`]: `/dmp/custom_audience/create/`, `/update/` and the upload's text
//!   fields (§2.2);
//! - [`events`]: `/event/track/` (§2.3);
//! - [`parse_strict`]: JSON with duplicate keys refused anywhere, unknown fields refused, and
//!   errors that name the field and never quote a value.
//!
//! An identifier field holds a digest type, so a body whose identifier is not lowercase hex
//! of its type's length cannot be represented at all.

pub mod custom_audience;
pub mod events;
pub mod fields;
pub mod id_type;
pub mod segment;
mod strict;

pub use fields::{Sha256Hex, TikTokId, WireDigest};
pub use id_type::{CalculateType, SegmentIdType};
pub use strict::{parse_strict, Reason, SchemaError};

/// TikTok's message for a second REPLACE within about 24 h (§2.2, "REPLACE throttling").
pub const REPLACE_REJECTED_MESSAGE: &str = "This replace operation is rejected as there is an existing unfinished replace operation for this audience. Please wait until the current operation completes on this audience before re trying. Recommend no more than one replace operation per day.";

/// The workarounds Census documents for the REPLACE limit (§7.3), in the words the page, the
/// package and the proxy all show.
pub const REPLACE_WORKAROUNDS: [&str; 3] = [
    "Use a Partner Audience instead: /segment/mapping/ add and delete have no daily limit.",
    "Schedule this Mirror sync every 48 hours, so each REPLACE comes well after the previous one.",
    "Use Update or Create instead (APPEND only; members who leave the list are not removed).",
];

/// A body that knows the rules TikTok adds to its field types (lengths, counts, fields that
/// go together). Called by [`parse_strict`] after the fields parsed.
pub trait Validate {
    /// Checks the body as a whole; the error names the field.
    fn validate(&self) -> Result<(), SchemaError>;
}
