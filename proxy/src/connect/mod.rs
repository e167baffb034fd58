//! Connecting a TikTok for Business account (issue 8): the OAuth flow ([`oauth`]), the token
//! kept encrypted in the ledger database ([`vault`], [`store`]), the live connection every
//! request reads ([`connection`]), the run history of syncs ([`runs`]) and their routes
//! ([`routes`]). Facts: tiktok-api.md §1.1.

pub mod connection;
pub mod error;
pub mod oauth;
pub mod routes;
pub mod runs;
pub mod store;
pub mod vault;

pub use connection::{Advertiser, ConnectionCell, Live};
pub use error::ConnectError;
pub use vault::{SealKey, Vault};

/// Where TikTok sends the browser back (below `TIKHASH_PUBLIC_URL`). Public: the browser
/// arrives from TikTok's site, so the `SameSite=Strict` session cookie is not sent; the
/// single-use `state` and its `SameSite=Lax` binding cookie stand in for it.
pub const CALLBACK_PATH: &str = "/tikhash/oauth/callback";

/// TikTok's answers that mean the stored token no longer works (tiktok-api.md §1.1:
/// expired, empty, invalid or revoked): the connection then needs a reconnect.
pub fn means_reconnect(code: i64) -> bool {
    matches!(code, 40102 | 40104 | 40105)
}
