//! Security headers on every response the application makes (API, refusals, static files,
//! 404s, CORS preflights): a Content-Security-Policy that lets the page run its own scripts,
//! workers and wasm and nothing else, no framing, no MIME sniffing, no referrer; and
//! `Cache-Control: no-store` on the API, the ledger and `/healthz`, whose answers (digests
//! included) must not stay in a browser's or a proxy's cache.

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// The page's policy: everything from this origin only; `'wasm-unsafe-eval'` because the
/// module compiles its wasm; no inline script or style, no plugins, no framing, no `<base>`.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// True for paths whose answers must never be cached: TikTok's routes, the proxy's own
/// (`/tikhash/…`, ledger included) and the health check.
pub fn is_api_path(path: &str) -> bool {
    ["/open_api", "/tikhash", "/healthz"].iter().any(|prefix| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

/// The middleware: adds the headers after the inner service has answered.
pub async fn secure(req: Request, next: Next) -> Response {
    let no_store = is_api_path(req.uri().path());
    let mut response = next.run(req).await;
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    // For browsers that predate `frame-ancestors`.
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if no_store {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_paths_are_the_routes_not_lookalikes() {
        for p in [
            "/open_api",
            "/open_api/v1.3/event/track/",
            "/tikhash/ledger/1/2",
            "/healthz",
        ] {
            assert!(is_api_path(p), "{p}");
        }
        for p in ["/", "/app.js", "/pkg/index.js", "/healthzz", "/tikhash.css"] {
            assert!(!is_api_path(p), "{p}");
        }
    }
}
