//! The server's own Origin check of state-changing requests (any method but GET, HEAD and
//! OPTIONS), multipart included: CORS headers only tell a browser what it may read, they do
//! not stop a cross-site form or `fetch` from being sent and acted on.

use crate::config::Config;
use crate::error::AppError;
use axum::http::{header, HeaderMap, Method};

/// The origins allowed to change state, besides the one the request was addressed to.
#[derive(Debug, Clone)]
pub struct OriginPolicy {
    /// `TIKHASH_PUBLIC_URL`'s origin and `TIKHASH_ALLOWED_ORIGINS`, lowercased.
    allowed: Vec<String>,
}

/// What the check needs to know about the request's credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credentials {
    /// A valid API key: no Origin needed (a page cannot know the key).
    ApiKey,
    /// A session cookie (valid or not) and no valid API key.
    Cookie,
    /// Neither.
    None,
}

/// True for methods that may change state.
pub fn is_state_changing(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

impl OriginPolicy {
    /// The policy for `config`.
    pub fn new(config: &Config) -> OriginPolicy {
        let mut allowed: Vec<String> = config
            .allowed_origins
            .iter()
            .map(|o| o.to_ascii_lowercase())
            .collect();
        if let Some(u) = &config.public_url {
            allowed.push(u.origin.clone());
        }
        OriginPolicy { allowed }
    }

    /// Checks a state-changing request reached at `host` (already allow-listed).
    pub fn check(
        &self,
        headers: &HeaderMap,
        host: &str,
        creds: Credentials,
    ) -> Result<(), AppError> {
        if creds == Credentials::ApiKey {
            return Ok(());
        }
        let origin = headers
            .get(header::ORIGIN)
            .map(|v| v.to_str().map(str::to_ascii_lowercase).unwrap_or_default());
        let cross_site = headers
            .get("sec-fetch-site")
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"cross-site"));
        match origin {
            Some(o) => {
                let own = format!("http://{}", host.to_ascii_lowercase());
                if o != own && !self.allowed.contains(&o) {
                    return Err(AppError::ForeignOrigin);
                }
                if cross_site && creds == Credentials::Cookie {
                    return Err(AppError::ForeignOrigin);
                }
                Ok(())
            }
            // No Origin: not from a modern browser's fetch or form, unless it is a cookie
            // riding along, which is exactly what a forged request would be.
            None if creds == Credentials::Cookie || cross_site => Err(AppError::ForeignOrigin),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn own_origin_passes_foreign_fails() {
        let p = OriginPolicy::new(&Config::sandbox());
        let host = "127.0.0.1:8787";
        let own = headers(&[("origin", "http://127.0.0.1:8787")]);
        assert!(p.check(&own, host, Credentials::Cookie).is_ok());
        let evil = headers(&[("origin", "http://evil.example")]);
        assert!(p.check(&evil, host, Credentials::Cookie).is_err());
        assert!(p.check(&evil, host, Credentials::None).is_err());
        assert!(p.check(&evil, host, Credentials::ApiKey).is_ok());
        let null = headers(&[("origin", "null")]);
        assert!(p.check(&null, host, Credentials::None).is_err());
        assert!(p.check(&headers(&[]), host, Credentials::Cookie).is_err());
        assert!(p.check(&headers(&[]), host, Credentials::None).is_ok());
        let xs = headers(&[
            ("origin", "http://127.0.0.1:8787"),
            ("sec-fetch-site", "cross-site"),
        ]);
        assert!(p.check(&xs, host, Credentials::Cookie).is_err());
    }
}
