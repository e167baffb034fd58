//! tikhash-proxy: holds the TikTok token, refuses anything that is not a hash, forwards
//! hashed batches with retries, keeps the sync ledger, and simulates TikTok when no token
//! is set. See `proxy/README.md` for the routes, refusal codes and environment.

pub mod access;
pub mod body_gate;
pub mod cli;
pub mod config;
pub mod connect;
pub mod error;
pub mod guard;
pub mod headers;
pub mod ledger;
pub mod pipeline;
pub mod routes;
pub mod sandbox;
pub mod server;
pub mod state;
pub mod static_files;
pub mod upstream;

pub use access::Access;
pub use config::{AccessToken, Clock, Config, ConfigError, RetryPolicy};
pub use error::AppError;
pub use ledger::Ledger;
pub use state::AppState;

/// The whole HTTP application for `state`: TikTok's routes, `/healthz`, the ledger and the
/// static files.
pub fn app(state: AppState) -> axum::Router {
    routes::router(state)
}
