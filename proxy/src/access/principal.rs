//! Who is asking: a [`Principal`], put into the request's extensions by the access
//! middleware and readable by any handler as an extractor.

use crate::error::AppError;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::Serialize;

/// What a user or key may do. Each role includes the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads: TikTok's list/get, the ledger, who-am-I.
    Viewer,
    /// Also sends: every POST under `/open_api/`.
    Syncer,
    /// Also manages users, keys and the audit log (and later the TikTok connection).
    Admin,
}

impl Role {
    /// The role's name: `viewer`, `syncer` or `admin`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Syncer => "syncer",
            Role::Admin => "admin",
        }
    }

    /// Parses a role name (exactly as [`Role::as_str`] writes it).
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "viewer" => Some(Role::Viewer),
            "syncer" => Some(Role::Syncer),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// How the principal proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    /// A session cookie from the one-time sign-in link printed at start-up (the owner).
    Link,
    /// A session cookie from a name and password.
    Password,
    /// `Authorization: Bearer KEY`.
    ApiKey,
}

impl Via {
    /// The name stored in sessions and the audit log.
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Link => "link",
            Via::Password => "password",
            Via::ApiKey => "api_key",
        }
    }

    /// Parses [`Via::as_str`]'s names.
    pub fn parse(s: &str) -> Option<Via> {
        match s {
            "link" => Some(Via::Link),
            "password" => Some(Via::Password),
            "api_key" => Some(Via::ApiKey),
            _ => None,
        }
    }
}

/// A signed-in user or an API key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Principal {
    /// The user's or key's name (`owner` for the sign-in link).
    pub name: String,
    /// What they may do.
    pub role: Role,
    /// How they signed in.
    pub via: Via,
}

impl<S: Send + Sync> FromRequestParts<S> for Principal {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Principal, AppError> {
        parts
            .extensions
            .get::<Principal>()
            .cloned()
            .ok_or(AppError::Unauthenticated)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_include_the_lower_ones() {
        assert!(Role::Admin > Role::Syncer && Role::Syncer > Role::Viewer);
        for r in [Role::Viewer, Role::Syncer, Role::Admin] {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("Admin"), None);
    }
}
