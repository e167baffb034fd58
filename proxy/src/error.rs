//! The proxy's own refusals, answered in TikTok's envelope `{code, message, request_id, data}`.
//!
//! Every proxy code is five digits, `9SSSN`: `SSS` is the HTTP status and `N` tells refusals
//! with the same status apart. TikTok's own codes (0, 40001, 40002, 40100, …) never start
//! with 9, so the web page can always tell who refused. No message ever contains the value
//! that was refused: messages name the field and row only.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

/// TikTok's text for a second REPLACE within a day, and the workarounds shown with it: the
/// crate's, so the page, the package and the proxy say the same.
pub use tikhash::schema::{REPLACE_REJECTED_MESSAGE, REPLACE_WORKAROUNDS};

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
    /// An exclusive run (a script's sync) asked to start while another run of the same
    /// audience is open and still updating.
    #[error("another sync of this audience is running")]
    RunInProgress {
        /// The open run's id.
        run_id: String,
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
    /// A string that passed its field's schema still looks like a raw email address or E.164
    /// phone number (the guard's second line of defence).
    #[error("{field} looks like a raw email address or phone number; nothing was forwarded")]
    LooksLikeRawIdentifier {
        /// Field path, e.g. `data[0].properties.description`.
        field: String,
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
    /// The ledger could not be read or written. The text is logged where the failure
    /// happens and never answered: it could carry SQLite's wording about the file.
    #[error("the sync ledger failed")]
    Ledger(String),
    /// The request's `Host` is not one this proxy answers for (a DNS-rebinding page sends
    /// its own name): loopback names, `TIKHASH_PUBLIC_URL`'s host, `TIKHASH_ALLOWED_HOSTS`.
    #[error("this proxy does not answer for that Host")]
    MisdirectedHost,
    /// A state-changing request whose `Origin` is not the proxy's own (or in
    /// `TIKHASH_ALLOWED_ORIGINS`), or that carries a session cookie without an `Origin` or
    /// with `Sec-Fetch-Site: cross-site`.
    #[error("state-changing requests must come from this proxy's own page or an allowed origin")]
    ForeignOrigin,
    /// No valid session cookie or API key on a route that needs one.
    #[error("sign in, or send an API key as Authorization: Bearer")]
    Unauthenticated,
    /// A sign-in with a wrong, used or expired link or password; the same answer for every
    /// cause.
    #[error("sign-in failed")]
    SignInFailed,
    /// The signed-in user or key has a role below the one the route needs.
    #[error("this needs the {needed} role")]
    RoleTooLow {
        /// The role the route needs: `syncer` or `admin`.
        needed: &'static str,
    },
    /// Too many sign-in attempts for this name or from this client; wait a minute.
    #[error("too many sign-in attempts; wait a minute")]
    TooManyAttempts,
    /// connect: no TikTok account is connected (and no `TIKTOK_ACCESS_TOKEN`), so nothing
    /// can be forwarded.
    #[error("no TikTok account is connected; an admin connects one in step 0 of the page; nothing was forwarded")]
    NotConnected,
    /// connect: TikTok refused the connected account's token (expired, empty or revoked).
    #[error("TikTok no longer accepts this connection; an admin must reconnect the TikTok account; nothing was forwarded")]
    ReconnectNeeded,
    /// connect: Connect needs `TIKTOK_APP_ID` and `TIKTOK_APP_SECRET` (only
    /// `TIKTOK_ACCESS_TOKEN` is set).
    #[error("connecting needs TIKTOK_APP_ID and TIKTOK_APP_SECRET on the proxy")]
    OAuthNotConfigured,
    /// connect: the OAuth callback's `state` is unknown, used, expired or from another
    /// browser (or the code is missing); nothing was exchanged.
    #[error("this TikTok sign-in is unknown, expired or already used; start Connect again")]
    OAuthStateRefused,
    /// connect: TikTok did not grant a token for the authorization code.
    #[error("TikTok did not grant access (code {tiktok_code}); start Connect again")]
    OAuthExchangeFailed {
        /// TikTok's envelope code (0 when the answer had no token).
        tiktok_code: i64,
    },
    /// connect: the stored connection could not be read or written (the key file, the
    /// database). Logged where it happens, never answered in detail.
    #[error("the stored TikTok connection could not be read or written")]
    Vault(String),
}

impl AppError {
    /// The HTTP status this refusal is answered with.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::MalformedJson => StatusCode::BAD_REQUEST,
            AppError::AdvertiserNotAllowed { .. } => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::ReplaceTooSoon { .. } | AppError::RunInProgress { .. } => {
                StatusCode::CONFLICT
            }
            AppError::BodyTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::BodyTimeout { .. } => StatusCode::REQUEST_TIMEOUT,
            AppError::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::NotAHash { .. }
            | AppError::BadField { .. }
            | AppError::LooksLikeRawIdentifier { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::UpstreamUnreachable | AppError::UpstreamBadResponse { .. } => {
                StatusCode::BAD_GATEWAY
            }
            AppError::UpstreamTimeout => StatusCode::GATEWAY_TIMEOUT,
            AppError::Ledger(_) => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::MisdirectedHost => StatusCode::MISDIRECTED_REQUEST,
            AppError::ForeignOrigin | AppError::RoleTooLow { .. } => StatusCode::FORBIDDEN,
            AppError::Unauthenticated | AppError::SignInFailed => StatusCode::UNAUTHORIZED,
            AppError::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
            AppError::NotConnected | AppError::OAuthNotConfigured => StatusCode::CONFLICT,
            AppError::ReconnectNeeded => StatusCode::UNAUTHORIZED,
            AppError::OAuthStateRefused => StatusCode::BAD_REQUEST,
            AppError::OAuthExchangeFailed { .. } => StatusCode::BAD_GATEWAY,
            AppError::Vault(_) => StatusCode::INTERNAL_SERVER_ERROR,
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
            AppError::RunInProgress { .. } => 94094,
            AppError::BodyTooLarge { .. } => 94131,
            AppError::BodyTimeout { .. } => 94081,
            AppError::UnsupportedMediaType { .. } => 94151,
            AppError::NotAHash { .. } => 94221,
            AppError::BadField { .. } => 94222,
            AppError::LooksLikeRawIdentifier { .. } => 94223,
            AppError::Ledger(_) => 95001,
            AppError::UpstreamUnreachable => 95021,
            AppError::UpstreamBadResponse { .. } => 95022,
            AppError::UpstreamTimeout => 95041,
            AppError::Unauthenticated => 94011,
            AppError::SignInFailed => 94012,
            AppError::ForeignOrigin => 94032,
            AppError::RoleTooLow { .. } => 94033,
            AppError::MisdirectedHost => 94211,
            AppError::TooManyAttempts => 94291,
            AppError::NotConnected => 94092,
            AppError::OAuthNotConfigured => 94093,
            AppError::ReconnectNeeded => 94013,
            AppError::OAuthStateRefused => 94002,
            AppError::OAuthExchangeFailed { .. } => 95023,
            AppError::Vault(_) => 95002,
        }
    }

    fn data(&self) -> Value {
        match self {
            AppError::ReplaceTooSoon { retry_after } => json!({
                "retry_after": retry_after,
                "workarounds": REPLACE_WORKAROUNDS,
            }),
            AppError::NotAHash { field, .. }
            | AppError::BadField { field, .. }
            | AppError::LooksLikeRawIdentifier { field } => json!({ "field": field }),
            AppError::AdvertiserNotAllowed { field } => json!({ "field": field }),
            AppError::RoleTooLow { needed } => json!({ "needed": needed }),
            AppError::RunInProgress { run_id } => json!({
                "run_id": run_id,
                "released_after_secs": crate::connect::runs::INTERRUPTED_AFTER_SECS,
            }),
            AppError::OAuthExchangeFailed { tiktok_code } => json!({ "tiktok_code": tiktok_code }),
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
            AppError::RunInProgress { run_id: "a".into() },
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
            AppError::LooksLikeRawIdentifier { field: "x".into() },
            AppError::UpstreamUnreachable,
            AppError::UpstreamTimeout,
            AppError::UpstreamBadResponse { status: 500 },
            AppError::Ledger("x".into()),
            AppError::MisdirectedHost,
            AppError::ForeignOrigin,
            AppError::Unauthenticated,
            AppError::SignInFailed,
            AppError::RoleTooLow { needed: "admin" },
            AppError::TooManyAttempts,
            AppError::NotConnected,
            AppError::ReconnectNeeded,
            AppError::OAuthNotConfigured,
            AppError::OAuthStateRefused,
            AppError::OAuthExchangeFailed { tiktok_code: 40110 },
            AppError::Vault("x".into()),
        ];
        for e in all {
            assert_eq!(
                e.code() / 10 % 1000,
                i64::from(e.status().as_u16()),
                "{e:?}"
            );
        }
    }

    #[test]
    fn ledger_failures_never_echo_sqlite() {
        let e = AppError::Ledger("sqlite: disk I/O error at /secret/path".into());
        assert!(!e.envelope("r").to_string().contains("secret"));
    }
}
