//! The serve loop. `axum::serve` has no header read timeout, so a client that opens a
//! connection and never finishes its headers would hold it forever; this loop serves each
//! connection with hyper's HTTP/1 server, whose header read timeout closes it. The same
//! timer also runs while a keep-alive connection sits idle between requests, so idle
//! connections are bounded too. HTTP/2 is off: browsers never speak it without TLS, and
//! its header frames are outside that timeout. Body deadlines are the body gate's
//! (`body_gate.rs`), inside the application.

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::time::Duration;
use tokio::net::TcpListener;

/// Connection limits for [`serve`].
#[derive(Debug, Clone)]
pub struct ServerLimits {
    /// Time for a client to send a request's headers, counted from when the connection is
    /// ready for the next request (new, or idle after an answer); then it is closed.
    pub header_timeout: Duration,
    /// After the shutdown signal, how long in-flight requests may take to finish.
    pub shutdown_grace: Duration,
}

impl ServerLimits {
    /// The limits of `config`, with 30 s to finish in-flight requests at shutdown.
    pub fn from_config(config: &crate::Config) -> ServerLimits {
        ServerLimits {
            header_timeout: config.header_timeout,
            shutdown_grace: Duration::from_secs(30),
        }
    }
}

/// Serves `app` on `listener` until `shutdown` completes, then stops accepting and waits up
/// to `limits.shutdown_grace` for open requests. Never returns an error for one bad
/// connection; only the listener failing for good ends it early.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ServerLimits,
    shutdown: impl Future<Output = ()>,
) {
    let mut builder = auto::Builder::new(TokioExecutor::new()).http1_only();
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .keep_alive(true);
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait instead of spinning.
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        // The client's address, for per-client limits (the sign-in rate limit).
        let service = TowerToHyperService::new(tower::ServiceExt::map_request(
            app.clone(),
            move |mut req: axum::http::Request<hyper::body::Incoming>| {
                req.extensions_mut()
                    .insert(axum::extract::ConnectInfo(peer));
                req
            },
        ));
        // Not `serve_connection_with_upgrades`: it first sniffs the protocol version from
        // the first 24 bytes with no timeout, so a silent client would be held forever.
        let connection = builder.serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection.into_owned());
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                // Timeouts and resets: normal for a server on a network, and say nothing
                // about the request beyond its failure.
                tracing::debug!("connection ended: {e}");
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(limits.shutdown_grace) => {
            tracing::warn!("requests still open after the shutdown grace period");
        }
    }
}
