//! Shared state: configuration, the backend (TikTok or the sandbox), the ledger, and the
//! per-audience locks that serialize concurrent syncs to one audience.

use crate::config::{Clock, Config};
use crate::error::AppError;
use crate::ledger::Ledger;
use crate::sandbox::Sandbox;
use crate::upstream::{Outbound, Reply, Upstream};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::OwnedMutexGuard;

/// Where requests go.
#[derive(Debug, Clone)]
pub enum Backend {
    /// The real TikTok API (a token is set).
    Upstream(Upstream),
    /// The built-in simulator (no token).
    Sandbox(Sandbox),
}

/// Everything a handler needs; cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: Config,
    backend: Backend,
    ledger: Ledger,
    locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl AppState {
    /// State for `config`: the sandbox when no token is set, TikTok otherwise.
    pub fn new(config: Config, ledger: Ledger) -> Result<AppState, reqwest::Error> {
        let backend = match &config.access_token {
            None => Backend::Sandbox(Sandbox::new(
                config.sandbox_rate,
                config.sandbox_min_audience,
                config.clock.clone(),
            )),
            Some(token) => Backend::Upstream(Upstream::new(
                &config.api_base,
                token,
                config.retry.clone(),
            )?),
        };
        Ok(AppState {
            inner: Arc::new(Inner {
                config,
                backend,
                ledger,
                locks: Mutex::new(HashMap::new()),
            }),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The ledger.
    pub fn ledger(&self) -> &Ledger {
        &self.inner.ledger
    }

    /// The clock (shared with the sandbox).
    pub fn clock(&self) -> &Clock {
        &self.inner.config.clock
    }

    /// Sends a request to TikTok or the sandbox.
    pub async fn forward(&self, out: &Outbound) -> Result<Reply, AppError> {
        match &self.inner.backend {
            Backend::Upstream(u) => u.send(out).await,
            Backend::Sandbox(s) => Ok(s.send(out).await),
        }
    }

    /// Locks the given (advertiser, audience) pairs, in sorted order so that two requests
    /// can never wait on each other. Held from the REPLACE check to the ledger write.
    pub async fn lock_audiences(
        &self,
        mut keys: Vec<(String, String)>,
    ) -> Vec<OwnedMutexGuard<()>> {
        keys.sort();
        keys.dedup();
        let mutexes: Vec<_> = {
            let mut map = match self.inner.locks.lock() {
                Ok(m) => m,
                Err(p) => p.into_inner(),
            };
            keys.iter()
                .map(|(a, b)| map.entry(format!("{a}/{b}")).or_default().clone())
                .collect()
        };
        let mut guards = Vec::with_capacity(mutexes.len());
        for m in mutexes {
            guards.push(m.lock_owned().await);
        }
        guards
    }
}
