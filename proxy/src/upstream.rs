//! Talking to TikTok: adds `Access-Token` (given per request: connect), sends the body the guard wrote, reads the envelope,
//! and retries with exponential backoff and jitter within a bounded number of attempts and
//! a bounded total time (tiktok-api.md §1, §4).
//!
//! Retried: `code` 40100 (rate limit), HTTP 5xx, timeouts and refused connections. Never
//! retried: every other `code`, 40001 and 40002 included. Requests that create something
//! (`segment/audience/`, `dmp/custom_audience/create/`) are retried only when TikTok surely
//! did not act on them (40100, refused connection), so a slow answer cannot create an
//! audience twice.

use crate::config::{AccessToken, RetryPolicy};
use crate::error::AppError;
use axum::http::Method;
use bytes::Bytes;
use serde_json::Value;
use std::time::{Duration, Instant};

/// A request to forward, as the guard wrote it from what it checked.
#[derive(Debug, Clone)]
pub struct Outbound {
    /// GET or POST.
    pub method: Method,
    /// The TikTok endpoint below the API base, e.g. `segment/mapping/`.
    pub endpoint: &'static str,
    /// The query string (GET endpoints), without `?`.
    pub query: Option<String>,
    /// The `Content-Type` of `body` (the proxy's own multipart boundary for uploads).
    pub content_type: Option<String>,
    /// The re-serialization of the checked body, never the received bytes.
    pub body: Bytes,
    /// False for requests that create something: a timeout or 5xx is then not retried.
    pub idempotent: bool,
}

/// TikTok's answer: the raw body (passed to the browser unchanged) and its parsed envelope.
#[derive(Debug, Clone)]
pub struct Reply {
    /// TikTok's HTTP status.
    pub http_status: u16,
    /// The body as TikTok sent it.
    pub body: Bytes,
    /// Envelope `code` (0 is success).
    pub code: i64,
    /// Envelope `message`.
    pub message: String,
    /// Envelope `request_id`.
    pub request_id: String,
    /// Envelope `data` (`Null` when absent).
    pub data: Value,
}

impl Reply {
    /// Parses TikTok's envelope; `None` when the body is not one.
    pub fn parse(http_status: u16, body: Bytes) -> Option<Reply> {
        let v: Value = serde_json::from_slice(&body).ok()?;
        let code = v.get("code")?.as_i64()?;
        Some(Reply {
            http_status,
            code,
            message: v
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            request_id: v
                .get("request_id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            data: v.get("data").cloned().unwrap_or(Value::Null),
            body,
        })
    }
}

/// The HTTP client for TikTok, shared by all requests.
#[derive(Debug, Clone)]
pub struct Upstream {
    client: reqwest::Client,
    base: String,
    retry: RetryPolicy,
}

enum Attempt {
    Answered(Reply),
    Bad(u16),
    Timeout,
    Refused,
}

impl Upstream {
    /// A client for `base` (no trailing `/`).
    pub fn new(base: &str, retry: RetryPolicy) -> Result<Upstream, reqwest::Error> {
        let mut b = reqwest::Client::builder()
            .use_rustls_tls()
            .connect_timeout(retry.attempt_timeout.min(Duration::from_secs(5)))
            .user_agent(concat!("tikhash-proxy/", env!("CARGO_PKG_VERSION")));
        let loopback = ["http://127.", "http://localhost", "http://[::1]"];
        if loopback.iter().any(|p| base.starts_with(p)) {
            b = b.no_proxy();
        }
        Ok(Upstream {
            client: b.build()?,
            base: base.trim_end_matches('/').to_string(),
            retry,
        })
    }

    async fn once(
        &self,
        out: &Outbound,
        token: Option<&AccessToken>,
        timeout: Duration,
    ) -> Attempt {
        let mut url = format!("{}/{}", self.base, out.endpoint);
        if let Some(q) = out.query.as_deref().filter(|q| !q.is_empty()) {
            url.push('?');
            url.push_str(q);
        }
        let mut req = self
            .client
            .request(out.method.clone(), url)
            .timeout(timeout);
        if let Some(token) = token {
            req = req.header("Access-Token", token.expose());
        }
        if out.method == Method::POST {
            if let Some(ct) = &out.content_type {
                req = req.header(reqwest::header::CONTENT_TYPE, ct);
            }
            req = req.body(out.body.clone());
        }
        let work = async {
            let resp = req.send().await?;
            let status = resp.status().as_u16();
            let body = resp.bytes().await?;
            Ok::<_, reqwest::Error>((status, body))
        };
        match tokio::time::timeout(timeout, work).await {
            Err(_) => Attempt::Timeout,
            Ok(Err(e)) if e.is_timeout() => Attempt::Timeout,
            Ok(Err(e)) if e.is_connect() => Attempt::Refused,
            // A reset or a half-read body: TikTok may have acted, treat like a timeout.
            Ok(Err(_)) => Attempt::Timeout,
            Ok(Ok((status, body))) => match Reply::parse(status, body) {
                Some(r) => Attempt::Answered(r),
                None => Attempt::Bad(status),
            },
        }
    }

    /// Sends `out` with `token` (none for the OAuth token exchange), retrying as the module
    /// docs say. A final TikTok envelope (code 0 or not) is `Ok`; no usable answer is an
    /// [`AppError`] (502/504).
    pub async fn send(
        &self,
        out: &Outbound,
        token: Option<&AccessToken>,
    ) -> Result<Reply, AppError> {
        let start = Instant::now();
        let deadline = start + self.retry.total_timeout;
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let remaining = deadline.saturating_duration_since(Instant::now());
            let timeout = self.retry.attempt_timeout.min(remaining);
            let t0 = Instant::now();
            let result = self.once(out, token, timeout).await;
            let ms = t0.elapsed().as_millis() as u64;
            let (retry, outcome) = match result {
                Attempt::Answered(r) => {
                    tracing::info!(
                        endpoint = out.endpoint,
                        attempt,
                        code = r.code,
                        http_status = r.http_status,
                        tiktok_request_id = %r.request_id,
                        ms,
                        "upstream answered"
                    );
                    let retry = r.code == 40100 || (r.http_status >= 500 && out.idempotent);
                    (retry, Ok(r))
                }
                Attempt::Bad(status) => {
                    tracing::warn!(
                        endpoint = out.endpoint,
                        attempt,
                        http_status = status,
                        ms,
                        "upstream answered without an envelope"
                    );
                    (
                        status >= 500 && out.idempotent,
                        Err(AppError::UpstreamBadResponse { status }),
                    )
                }
                Attempt::Timeout => {
                    tracing::warn!(endpoint = out.endpoint, attempt, ms, "upstream timed out");
                    (out.idempotent, Err(AppError::UpstreamTimeout))
                }
                Attempt::Refused => {
                    tracing::warn!(endpoint = out.endpoint, attempt, ms, "upstream unreachable");
                    (true, Err(AppError::UpstreamUnreachable))
                }
            };
            if !retry || attempt >= self.retry.max_attempts {
                return outcome;
            }
            let wait = backoff(&self.retry, attempt);
            if Instant::now() + wait >= deadline {
                tracing::warn!(
                    endpoint = out.endpoint,
                    attempt,
                    "upstream retries out of time"
                );
                return outcome;
            }
            tokio::time::sleep(wait).await;
        }
    }
}

/// The wait before retry number `attempt` (1-based): `base · 2^(attempt-1)`, capped, with
/// "equal jitter" (a random point in the upper half), so many clients do not retry in step.
pub fn backoff(policy: &RetryPolicy, attempt: u32) -> Duration {
    let exp = policy
        .base_backoff
        .saturating_mul(1u32 << attempt.saturating_sub(1).min(20))
        .min(policy.max_backoff);
    let half = exp / 2;
    let jitter_ms = fastrand::u64(0..=half.as_millis() as u64);
    half + Duration::from_millis(jitter_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy {
            base_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(1000),
            ..RetryPolicy::default()
        };
        for _ in 0..50 {
            let b1 = backoff(&p, 1);
            assert!(b1 >= Duration::from_millis(50) && b1 <= Duration::from_millis(100));
            let b3 = backoff(&p, 3);
            assert!(b3 >= Duration::from_millis(200) && b3 <= Duration::from_millis(400));
            assert!(backoff(&p, 30) <= Duration::from_millis(1000));
        }
    }
}
