//! The live TikTok connection, shared by every request: read by the guard (which advertisers
//! are allowed) and by the backend (which token to send). It lives in [`crate::Config`] like
//! the clock, so the guard's checks, which take the configuration, see it without new
//! parameters.

use crate::config::AccessToken;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::sync::{Arc, RwLock};

/// An advertiser the connected account authorized.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Advertiser {
    /// TikTok's advertiser id (digits).
    pub advertiser_id: String,
    /// Its name in TikTok Ads Manager (empty when TikTok did not say).
    pub advertiser_name: String,
}

/// A connection as stored (the token only in memory; in the database it is sealed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Live {
    /// The token; `None` when the stored one could not be decrypted.
    pub token: Option<AccessToken>,
    /// The advertisers the account authorized.
    pub advertisers: Vec<Advertiser>,
    /// Unix seconds of the connect.
    pub connected_at: i64,
    /// Who connected (a user or key name).
    pub connected_by: String,
    /// TikTok refused the token (40102/40104/40105): an admin must reconnect.
    pub needs_reconnect: bool,
}

impl Live {
    /// The authorized advertiser ids.
    pub fn advertiser_ids(&self) -> BTreeSet<String> {
        self.advertisers
            .iter()
            .map(|a| a.advertiser_id.clone())
            .collect()
    }
}

/// The current connection, if any; cloning shares it.
#[derive(Clone, Default)]
pub struct ConnectionCell(Arc<RwLock<Option<Live>>>);

impl std::fmt::Debug for ConnectionCell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ConnectionCell(..)")
    }
}

impl ConnectionCell {
    /// The connection now.
    pub fn get(&self) -> Option<Live> {
        match self.0.read() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// Replaces the connection (`None`: disconnected).
    pub fn set(&self, live: Option<Live>) {
        match self.0.write() {
            Ok(mut g) => *g = live,
            Err(p) => *p.into_inner() = live,
        }
    }

    /// Marks the connection as needing a reconnect; true when it changed.
    pub fn mark_needs_reconnect(&self) -> bool {
        let mut g = match self.0.write() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        match g.as_mut() {
            Some(live) if !live.needs_reconnect => {
                live.needs_reconnect = true;
                true
            }
            _ => false,
        }
    }

    /// The authorized advertiser ids, when connected.
    pub fn advertiser_ids(&self) -> Option<BTreeSet<String>> {
        self.get().map(|l| l.advertiser_ids())
    }
}
