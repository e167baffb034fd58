//! Shared state: configuration, the backend (TikTok or the sandbox), the ledger, the
//! per-audience locks that serialize concurrent syncs to one audience, and the body permits
//! that bound how many request bytes are being read and checked at once.

use crate::config::{Clock, Config};
use crate::error::AppError;
use crate::ledger::Ledger;
use crate::sandbox::Sandbox;
use crate::upstream::{Outbound, Reply, Upstream};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::{OwnedMutexGuard, OwnedSemaphorePermit, Semaphore};

/// Body permits are counted in KiB, so a `u32` acquisition covers any body.
const PERMIT_UNIT: usize = 1024;

/// Where requests go.
#[derive(Debug, Clone)]
pub enum Backend {
    /// The real TikTok API (a token or an app id is set; the token is chosen per request).
    Upstream(Upstream),
    /// The built-in simulator (neither).
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
    /// connect: the key sealing the stored TikTok token.
    vault: crate::connect::Vault,
    locks: Arc<LockTable>,
    body_permits: Arc<Semaphore>,
    body_permit_units: u32,
    /// Bytes of bodies holding a permit (the semaphore's own count also includes permits
    /// set aside for the first waiter).
    inflight_body_bytes: Arc<AtomicUsize>,
}

/// The per-audience mutexes, each with the number of requests holding or waiting for it, so
/// an entry is removed when the last of them is done (ids are client-chosen: a map that
/// only grows is a memory leak anyone can drive).
#[derive(Debug, Default)]
struct LockTable {
    entries: Mutex<HashMap<String, LockEntry>>,
}

#[derive(Debug)]
struct LockEntry {
    mutex: Arc<tokio::sync::Mutex<()>>,
    users: usize,
}

impl LockTable {
    fn entries(&self) -> MutexGuard<'_, HashMap<String, LockEntry>> {
        // A panic while holding this std mutex leaves the map consistent (every change is
        // one insert, increment, decrement or remove), so a poisoned lock is still usable.
        match self.entries.lock() {
            Ok(m) => m,
            Err(p) => p.into_inner(),
        }
    }

    /// Registers one more user of `key` and returns its slot.
    fn join(self: &Arc<Self>, key: String) -> LockSlot {
        let mutex = {
            let mut map = self.entries();
            let entry = map.entry(key.clone()).or_insert_with(|| LockEntry {
                mutex: Arc::default(),
                users: 0,
            });
            entry.users += 1;
            entry.mutex.clone()
        };
        LockSlot {
            table: self.clone(),
            key,
            mutex,
        }
    }
}

/// One request's registration in the lock table; dropping it (done, or cancelled while
/// waiting) removes the entry once nobody else holds or waits for it.
#[derive(Debug)]
struct LockSlot {
    table: Arc<LockTable>,
    key: String,
    mutex: Arc<tokio::sync::Mutex<()>>,
}

impl Drop for LockSlot {
    fn drop(&mut self) {
        let mut map = self.table.entries();
        if let Some(entry) = map.get_mut(&self.key) {
            entry.users = entry.users.saturating_sub(1);
            if entry.users == 0 {
                map.remove(&self.key);
            }
        }
    }
}

/// A held per-audience lock. The guard is released before the slot (fields drop in
/// order), so the entry is never removed while its mutex is still held.
#[derive(Debug)]
pub struct AudienceLock {
    _guard: OwnedMutexGuard<()>,
    _slot: LockSlot,
}

/// Permission to read and check a request body of a given size; released when dropped.
#[derive(Debug)]
pub struct BodyPermit {
    _permit: Option<OwnedSemaphorePermit>,
    bytes: usize,
    inflight: Arc<AtomicUsize>,
}

impl Drop for BodyPermit {
    fn drop(&mut self) {
        self.inflight.fetch_sub(self.bytes, Ordering::AcqRel);
    }
}

impl AppState {
    /// State for `config`: the sandbox when neither a token nor an app id is set, TikTok
    /// otherwise; the TikTok connection is loaded from `ledger` (connect).
    pub fn new(mut config: Config, ledger: Ledger) -> Result<AppState, reqwest::Error> {
        let backend = if config.is_sandbox() {
            Backend::Sandbox(Sandbox::new(
                config.sandbox_rate,
                config.sandbox_min_audience,
                config.clock.clone(),
            ))
        } else {
            Backend::Upstream(Upstream::new(&config.api_base, config.retry.clone())?)
        };
        // connect: each app gets its own connection, read from its own ledger.
        let vault = crate::connect::Vault::new(
            config.secret_key.clone(),
            crate::connect::vault::key_file_for(&config.db_path),
        );
        config.connection = crate::connect::ConnectionCell::default();
        match crate::connect::store::load(&ledger, &vault) {
            Ok(live) => config.connection.set(live),
            Err(e) => tracing::error!("TikTok connection not loaded: {e}"),
        }
        let units = u32::try_from(config.max_inflight_body_bytes.div_ceil(PERMIT_UNIT))
            .unwrap_or(u32::MAX)
            .clamp(1, Semaphore::MAX_PERMITS.min(u32::MAX as usize) as u32);
        Ok(AppState {
            inner: Arc::new(Inner {
                config,
                backend,
                ledger,
                vault,
                locks: Arc::default(),
                body_permits: Arc::new(Semaphore::new(units as usize)),
                body_permit_units: units,
                inflight_body_bytes: Arc::default(),
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

    /// Sends a checked request to TikTok (with the connected account's token, or else
    /// `TIKTOK_ACCESS_TOKEN`) or the sandbox. Without a usable token nothing is sent; a
    /// 40102/40104/40105 answer marks the connection as needing a reconnect (connect).
    pub async fn forward(&self, out: &Outbound) -> Result<Reply, AppError> {
        match &self.inner.backend {
            Backend::Upstream(u) => {
                let (token, connected) = self.upstream_token()?;
                let reply = u.send(out, Some(&token)).await?;
                if connected && crate::connect::means_reconnect(reply.code) {
                    self.mark_needs_reconnect().await;
                }
                Ok(reply)
            }
            Backend::Sandbox(s) => Ok(s.send(out).await),
        }
    }

    /// connect: the token for TikTok calls, and whether it is the connected account's.
    fn upstream_token(&self) -> Result<(crate::config::AccessToken, bool), AppError> {
        match self.inner.config.connection.get() {
            Some(live) => match live.token {
                Some(t) if !live.needs_reconnect => Ok((t, true)),
                _ => Err(AppError::ReconnectNeeded),
            },
            None => self
                .inner
                .config
                .access_token
                .clone()
                .map(|t| (t, false))
                .ok_or(AppError::NotConnected),
        }
    }

    /// connect: records that TikTok refused the connected account's token.
    pub async fn mark_needs_reconnect(&self) {
        if self.inner.config.connection.mark_needs_reconnect() {
            tracing::warn!("TikTok refused the connected account's token; an admin must reconnect");
            let ledger = self.inner.ledger.clone();
            let written = tokio::task::spawn_blocking(move || {
                crate::connect::store::mark_needs_reconnect(&ledger)
            })
            .await;
            if !matches!(written, Ok(Ok(()))) {
                tracing::error!("could not record that the TikTok connection needs a reconnect");
            }
        }
    }

    /// connect: sends an OAuth request (`oauth2/…`) to TikTok with `token` (none for the
    /// code exchange), or to the sandbox's simulated OAuth endpoints.
    pub async fn call_oauth(
        &self,
        out: &Outbound,
        token: Option<&crate::config::AccessToken>,
    ) -> Result<Reply, AppError> {
        match &self.inner.backend {
            Backend::Upstream(u) => u.send(out, token).await,
            Backend::Sandbox(s) => Ok(s.send(out).await),
        }
    }

    /// connect: the simulator, when this app runs one.
    pub fn sandbox(&self) -> Option<&Sandbox> {
        match &self.inner.backend {
            Backend::Sandbox(s) => Some(s),
            Backend::Upstream(_) => None,
        }
    }

    /// connect: the key sealing the stored TikTok token.
    pub fn vault(&self) -> &crate::connect::Vault {
        &self.inner.vault
    }

    /// Locks the given (advertiser, audience) pairs, in sorted order so that two requests
    /// can never wait on each other. Held from the REPLACE check to the ledger write; each
    /// pair's entry is forgotten once no request holds or waits for it.
    pub async fn lock_audiences(&self, mut keys: Vec<(String, String)>) -> Vec<AudienceLock> {
        keys.sort();
        keys.dedup();
        // Register for every pair first; a cancelled wait drops (and unregisters) them all.
        let slots: Vec<LockSlot> = keys
            .iter()
            .map(|(a, b)| self.inner.locks.join(format!("{a}/{b}")))
            .collect();
        let mut held = Vec::with_capacity(slots.len());
        for slot in slots {
            let guard = slot.mutex.clone().lock_owned().await;
            held.push(AudienceLock {
                _guard: guard,
                _slot: slot,
            });
        }
        held
    }

    /// How many (advertiser, audience) pairs are locked or waited for right now.
    pub fn locked_audiences(&self) -> usize {
        self.inner.locks.entries().len()
    }

    /// Waits until a body of `bytes` (declared, or the maximum when undeclared) may be read
    /// and checked within `TIKHASH_MAX_INFLIGHT_BODY_BYTES`. A body larger than the whole
    /// budget takes all of it, so it is read alone rather than never.
    pub async fn body_permit(&self, bytes: usize) -> BodyPermit {
        let units = u32::try_from(bytes.div_ceil(PERMIT_UNIT))
            .unwrap_or(u32::MAX)
            .clamp(1, self.inner.body_permit_units);
        // Acquiring fails only on a closed semaphore, and this one is never closed.
        let permit = self
            .inner
            .body_permits
            .clone()
            .acquire_many_owned(units)
            .await
            .ok();
        let bytes = units as usize * PERMIT_UNIT;
        let inflight = self.inner.inflight_body_bytes.clone();
        inflight.fetch_add(bytes, Ordering::AcqRel);
        BodyPermit {
            _permit: permit,
            bytes,
            inflight,
        }
    }

    /// Bytes (in whole KiB) of request bodies allowed to be read and checked right now.
    pub fn inflight_body_bytes(&self) -> usize {
        self.inner.inflight_body_bytes.load(Ordering::Acquire)
    }
}
