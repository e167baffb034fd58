//! The TikTok limits the builders enforce, each with the tiktok-api.md section it comes from.

/// Rows per `/segment/mapping/` request. TikTok publishes no cap (§3, UNVERIFIED); 10,000 is
/// our ceiling, and callers may only go lower.
pub const MAX_SEGMENT_ROWS: usize = 10_000;
/// Events per `/event/track/` request: more rejects the whole request (§2.3, §3).
pub const MAX_EVENTS_PER_REQUEST: usize = 1_000;
/// Longest Partner Audience name before TikTok cuts it to 67 characters + "..." (§2.1, §3).
pub const SEGMENT_NAME_MAX: usize = 70;
/// Longest customer-file audience name (§2.2 create, §3).
pub const CUSTOM_AUDIENCE_NAME_MAX: usize = 128;
/// `file_paths` per create/update call: TikTok recommends fewer than 50 (§2.2).
pub const FILE_PATHS_RECOMMENDED_MAX: usize = 49;
/// A customer-file audience update fails below this many members (§2.2 update, §3).
pub const MIN_AUDIENCE_SIZE: usize = 1_000;
/// About one REPLACE per 24 h per audience (§2.2 "REPLACE throttling", §3).
pub const REPLACE_INTERVAL_SECS: i64 = 24 * 60 * 60;
/// Offline events must have happened within the previous 28 days (§3, UNVERIFIED, Amperity).
pub const OFFLINE_MAX_AGE_SECS: i64 = 28 * 24 * 60 * 60;
/// How far in the future an event time may be (clock skew) before it is reported: an event
/// that has not happened yet is a data error (usually a wrong time unit or zone).
pub const FUTURE_SKEW_SECS: i64 = 60 * 60;
/// Bytes per uploaded customer file: 50 MB (§2.2, secondary source); Mirror plans split there.
pub const MAX_FILE_BYTES: usize = 50 * 1000 * 1000;
