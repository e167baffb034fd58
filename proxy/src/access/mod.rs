//! Access control, secure by default: which `Host` is answered ([`host`]), which `Origin`
//! may change state ([`origin`]), who is asking ([`principal`], from a session cookie
//! ([`sessions`]) or an API key ([`keys`])), what their role allows, and the audit log
//! ([`audit`]). [`layer::Access`] runs all of it as one middleware around the router, so the
//! TikTok handlers need not know about it; [`routes`] are the sign-in, session, user, key
//! and audit endpoints.

pub mod audit;
pub mod error;
pub mod host;
pub mod keys;
pub mod layer;
pub mod limit;
pub mod origin;
pub mod principal;
pub mod routes;
pub mod secret;
pub mod sessions;
pub mod users;

pub use audit::{AuditEntry, AuditInfo};
pub use error::AccessError;
pub use layer::Access;
pub use principal::{Principal, Role, Via};
