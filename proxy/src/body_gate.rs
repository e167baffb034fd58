//! The body gate, a middleware in front of every route: a request that carries a body first
//! takes a permit sized by its declared length (`TIKHASH_MAX_INFLIGHT_BODY_BYTES` in all),
//! then must deliver the whole body within `TIKHASH_BODY_TIMEOUT_MS`. The permit is held
//! until the handler's response exists, because the checked body is forwarded and lives
//! until then. The gate does not care how a handler parses the body: it only bounds how
//! many bytes are being read and worked on at once.

use crate::error::AppError;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http_body::{Body as HttpBody, Frame, SizeHint};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::time::{Instant, Sleep};

/// Why a gated body stopped yielding data.
#[derive(Debug, thiserror::Error)]
pub enum BodyGateError {
    /// The body did not arrive in full before its deadline.
    #[error("the request body did not arrive in time")]
    TimedOut,
}

/// The bytes a request's body may take, from its size hint (hyper's comes from the
/// `Content-Length`): the exact length capped at `max_body` (which the handler enforces
/// anyway), `max_body` when the length is not known (chunked), `None` when it is empty.
pub fn body_weight(hint: &SizeHint, max_body: usize) -> Option<usize> {
    match hint.exact() {
        Some(0) => None,
        Some(n) => Some(usize::try_from(n).unwrap_or(usize::MAX).min(max_body)),
        None => Some(max_body),
    }
}

/// The middleware: permit, deadline, and a 408 in TikTok's envelope (with the connection
/// closed) when the body came too slowly.
pub async fn gate(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let config = state.config();
    let Some(weight) = body_weight(&req.body().size_hint(), config.max_body_bytes) else {
        return next.run(req).await;
    };
    let limit = config.body_timeout;
    let permit = state.body_permit(weight).await;
    // The deadline starts once the body may be read: waiting for a permit is the proxy's
    // doing, not the client's.
    let timed_out = Arc::new(AtomicBool::new(false));
    let flag = timed_out.clone();
    let req = req.map(|body| Body::new(DeadlineBody::new(body, Instant::now() + limit, flag)));
    let response = next.run(req).await;
    drop(permit);
    if timed_out.load(Ordering::Acquire) {
        let limit_ms = u64::try_from(limit.as_millis()).unwrap_or(u64::MAX);
        let mut refused = AppError::BodyTimeout { limit_ms }.into_response();
        // The rest of the body may still be on its way: do not read it, end the connection.
        refused
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        return refused;
    }
    response
}

/// A request body that fails once its deadline has passed, and says so through `timed_out`.
struct DeadlineBody {
    inner: Body,
    deadline: Pin<Box<Sleep>>,
    timed_out: Arc<AtomicBool>,
}

impl DeadlineBody {
    fn new(inner: Body, deadline: Instant, timed_out: Arc<AtomicBool>) -> DeadlineBody {
        DeadlineBody {
            inner,
            deadline: Box::pin(tokio::time::sleep_until(deadline)),
            timed_out,
        }
    }
}

impl HttpBody for DeadlineBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        if self.deadline.as_mut().poll(cx).is_ready() {
            self.timed_out.store(true, Ordering::Release);
            return Poll::Ready(Some(Err(axum::Error::new(BodyGateError::TimedOut))));
        }
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weight_is_the_known_length_capped_at_the_maximum() {
        assert_eq!(body_weight(&SizeHint::with_exact(0), 100), None);
        assert_eq!(body_weight(&SizeHint::with_exact(40), 100), Some(40));
        assert_eq!(body_weight(&SizeHint::with_exact(1 << 40), 100), Some(100));
        // Chunked: the length is unknown until the end.
        assert_eq!(body_weight(&SizeHint::new(), 100), Some(100));
    }
}
