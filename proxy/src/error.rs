//! The proxy's own refusals, answered in TikTok's envelope `{code, message, request_id, data}`.
//!
//! Every proxy code is five digits, `9SSSN`: `SSS` is the HTTP status and `N` tells refusals
//! with the same status apart. TikTok's own codes (0, 40001, 40002, 40100, …) never start
//! with 9, so the web page can always tell who refused. No message ever contains the value
//! that was refused: messages name the field and row only.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

/// TikTok's exact text for a second REPLACE within a day (tiktok-api.md §2.2).
pub const REPLACE_REJECTED_MESSAGE: &str = "This replace operation is rejected as there is an existing unfinished replace operation for this audience. Please wait until the current operation completes on this audience before re trying. Recommend no more than one replace operation per day.";

/// What the proxy suggests instead of a second REPLACE (design.md, Census's workarounds).
pub const REPLACE_WORKAROUNDS: [&str; 3] = [
    "Use a Partner Audience (segment API: add and delete members, no daily limit) instead of a customer file.",
    "Schedule the customer-file Mirror sync every 48 hours instead of every day.",
    "Use Update or Create (APPEND only; removed records are left in the audience) instead of REPLACE.",
];

/// A request the proxy answers itself, without (or after failing at) reaching TikTok.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The body is not valid JSON (or not a JSON object).
    #[error("malformed JSON body")]
    MalformedJson,
    /// The advertiser named in the request is not in `TIKHASH_ADVERTISER_IDS`.
    #[error("advertiser id at {field} is not allowed by this proxy")]
    AdvertiserNotAllowed {
        /// Where the advertiser id was found, e.g. `advertiser_ids[1]`.
        field: String,
    },
    /// The path under `/open_api/` (or `/tikhash/`) is not one this proxy serves.
    #[error("no such endpoint on this proxy")]
    NotFound,
    /// The route exists but not for this HTTP method.
    #[error("method not allowed on this endpoint")]
    MethodNotAllowed,
    /// A customer-file REPLACE less than 24 h after the last acknowledged one.
    #[error("{}", REPLACE_REJECTED_MESSAGE)]
    ReplaceTooSoon {
        /// Unix seconds from which a REPLACE is allowed again.
        retry_after: i64,
    },
    /// The body is larger than `TIKHASH_MAX_BODY_BYTES`.
    #[error("request body larger than {limit} bytes")]
    BodyTooLarge {
        /// The configured limit in bytes.
        limit: usize,
    },
    /// The client did not send the whole body within `TIKHASH_BODY_TIMEOUT_MS`.
    #[error("the request body did not arrive within {limit_ms} ms; nothing was forwarded")]
    BodyTimeout {
        /// The configured body timeout in milliseconds.
        limit_ms: u64,
    },
    /// The `Content-Type` is not the one the endpoint takes.
    #[error("this endpoint takes {expected}")]
    UnsupportedMediaType {
        /// The media type the endpoint takes.
        expected: &'static str,
    },
    /// An identifier field is not lowercase hex of the length its type says.
    #[error("{field} is not a lowercase hex {what}; nothing was forwarded")]
    NotAHash {
        /// Field path and row, e.g. `batch_data[3][1].id` or `file line 4`.
        field: String,
        /// What was expected, e.g. `SHA-256 (64 characters)`.
        what: &'static str,
    },
    /// A field the guard needs is missing, has the wrong type, or is not allowed, so the
    /// request cannot be checked.
    #[error("{field}: {reason}; nothing was forwarded")]
    BadField {
        /// Field path, e.g. `id_schema[2]`.
        field: String,
        /// What is wrong, in words that never quote the value.
        reason: &'static str,
    },
    /// TikTok could not be reached (connection refused, DNS, TLS).
    #[error("TikTok could not be reached")]
    UpstreamUnreachable,
    /// TikTok did not answer within the configured time.
    #[error("TikTok did not answer in time")]
    UpstreamTimeout,
    /// TikTok answered something that is not its JSON envelope (after any retries).
    #[error("TikTok answered HTTP {status} without its JSON envelope")]
    UpstreamBadResponse {
        /// The HTTP status TikTok answered with.
        status: u16,
    },
    /// The ledger could not be read or written.
    #[error("the sync ledger failed: {0}")]
    Ledger(String),
}

impl AppError {
    /// The HTTP status this refusal is answered with.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::MalformedJson => StatusCode::BAD_REQUEST,
            AppError::AdvertiserNotAllowed { .. } => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::ReplaceTooSoon { .. } => StatusCode::CONFLICT,
            AppError::BodyTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::BodyTimeout { .. } => StatusCode::REQUEST_TIMEOUT,
            AppError::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::NotAHash { .. } | AppError::BadField { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            AppError::UpstreamUnreachable | AppError::UpstreamBadResponse { .. } => {
                StatusCode::BAD_GATEWAY
            }
            AppError::UpstreamTimeout => StatusCode::GATEWAY_TIMEOUT,
            AppError::Ledger(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The envelope `code` (see the table in proxy/README.md).
    pub fn code(&self) -> i64 {
        match self {
            AppError::MalformedJson => 94001,
            AppError::AdvertiserNotAllowed { .. } => 94031,
            AppError::NotFound => 94041,
            AppError::MethodNotAllowed => 94051,
            AppError::ReplaceTooSoon { .. } => 94091,
            AppError::BodyTooLarge { .. } => 94131,
            AppError::BodyTimeout { .. } => 94081,
            AppError::UnsupportedMediaType { .. } => 94151,
            AppError::NotAHash { .. } => 94221,
            AppError::BadField { .. } => 94222,
            AppError::Ledger(_) => 95001,
            AppError::UpstreamUnreachable => 95021,
            AppError::UpstreamBadResponse { .. } => 95022,
            AppError::UpstreamTimeout => 95041,
        }
    }

    fn data(&self) -> Value {
        match self {
            AppError::ReplaceTooSoon { retry_after } => json!({
                "retry_after": retry_after,
                "workarounds": REPLACE_WORKAROUNDS,
            }),
            AppError::NotAHash { field, .. } | AppError::BadField { field, .. } => {
                json!({ "field": field })
            }
            AppError::AdvertiserNotAllowed { field } => json!({ "field": field }),
            _ => json!({}),
        }
    }

    /// The envelope body, with `request_id` filled in.
    pub fn envelope(&self, request_id: &str) -> Value {
        json!({
            "code": self.code(),
            "message": self.to_string(),
            "request_id": request_id,
            "data": self.data(),
        })
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let request_id = new_request_id();
        if self.status().is_server_error() {
            tracing::warn!(request_id, code = self.code(), "refused: {self}");
        } else {
            tracing::info!(request_id, code = self.code(), "refused: {self}");
        }
        (self.status(), axum::Json(self.envelope(&request_id))).into_response()
    }
}

/// A fresh id for answers the proxy writes itself: `tikhash-` and 20 hex digits.
pub fn new_request_id() -> String {
    format!("tikhash-{:020x}", fastrand::u128(..) >> 48)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_carry_their_status() {
        let all = [
            AppError::MalformedJson,
            AppError::AdvertiserNotAllowed { field: "a".into() },
            AppError::NotFound,
            AppError::MethodNotAllowed,
            AppError::ReplaceTooSoon { retry_after: 1 },
            AppError::BodyTooLarge { limit: 1 },
            AppError::BodyTimeout { limit_ms: 1 },
            AppError::UnsupportedMediaType {
                expected: "application/json",
            },
            AppError::NotAHash {
                field: "x".into(),
                what: "SHA-256",
            },
            AppError::BadField {
                field: "x".into(),
                reason: "r",
            },
            AppError::UpstreamUnreachable,
            AppError::UpstreamTimeout,
            AppError::UpstreamBadResponse { status: 500 },
            AppError::Ledger("x".into()),
        ];
        for e in all {
            assert_eq!(
                e.code() / 10 % 1000,
                i64::from(e.status().as_u16()),
                "{e:?}"
            );
        }
    }
}
