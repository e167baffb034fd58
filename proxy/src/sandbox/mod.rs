//! The built-in TikTok simulator, used when no `TIKTOK_ACCESS_TOKEN` is set, so the whole
//! product runs on a fresh machine with no account and no network (design.md).
//!
//! It keeps TikTok's envelope, validates each body as TikTok does (40002 with a message
//! naming the field), keeps audiences and their members in memory, enforces the limits of
//! tiktok-api.md §3 (1,000 events per request, one REPLACE per 24 h, updates refused below
//! the minimum audience size) and answers 40100 when more than the configured number of
//! requests arrive within one second.

mod endpoints;
mod oauth;
#[cfg(test)]
mod tests;

pub use oauth::SANDBOX_ADVERTISERS;

use crate::config::Clock;
use crate::upstream::{Outbound, Reply};
use bytes::Bytes;
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The simulator; cloning shares its state.
#[derive(Debug, Clone)]
pub struct Sandbox {
    inner: Arc<Mutex<World>>,
    rate: u32,
    min_audience: u64,
    clock: Clock,
}

/// A partner (segment) audience.
#[derive(Debug)]
struct Segment {
    advertiser_id: String,
    name: String,
    members: BTreeSet<(&'static str, Vec<u8>)>,
}

/// A customer-file audience.
#[derive(Debug)]
struct Custom {
    advertiser_id: String,
    name: String,
    calculate_type: &'static str,
    members: BTreeSet<Vec<u8>>,
    last_replace_at: Option<i64>,
    created_at: i64,
    /// `NORMAL` or `REACH_FREQUENCY`.
    sub_type: &'static str,
    /// TikTok's `audience_enhancement`.
    enhancement: bool,
    /// `retention_in_days`, when create gave one.
    retention_in_days: Option<u16>,
}

/// An uploaded customer file.
#[derive(Debug)]
struct UploadedFile {
    advertiser_id: String,
    calculate_type: &'static str,
    digests: Vec<Vec<u8>>,
}

#[derive(Debug)]
struct World {
    next_id: u64,
    /// Uploads so far: the seed of each 16-character `file_path`.
    next_file: u64,
    window_start: Instant,
    window_count: u32,
    segments: HashMap<String, Segment>,
    customs: HashMap<String, Custom>,
    files: HashMap<String, UploadedFile>,
    events: u64,
    /// connect: authorization codes the simulated consent page issued, not yet exchanged.
    auth_codes: std::collections::HashSet<String>,
    /// connect: tokens the simulated exchange granted, not yet revoked.
    tokens: std::collections::HashSet<String>,
}

/// A refusal in TikTok's terms: envelope `code` and `message`.
type Refusal = (i64, String);

fn param_error(msg: impl Into<String>) -> Refusal {
    (40002, msg.into())
}

impl Sandbox {
    /// A fresh simulator.
    pub fn new(rate: u32, min_audience: u64, clock: Clock) -> Sandbox {
        Sandbox {
            inner: Arc::new(Mutex::new(World {
                next_id: 7_100_000_000_000_000_001,
                next_file: 0,
                window_start: Instant::now(),
                window_count: 0,
                segments: HashMap::new(),
                customs: HashMap::new(),
                files: HashMap::new(),
                events: 0,
                auth_codes: Default::default(),
                tokens: Default::default(),
            })),
            rate,
            min_audience,
            clock,
        }
    }

    /// connect: what the simulated consent page's Authorize button does: a fresh,
    /// single-use authorization code.
    pub fn issue_auth_code(&self) -> String {
        let code = format!("sandbox-code-{:032x}", fastrand::u128(..));
        let mut w = match self.inner.lock() {
            Ok(w) => w,
            Err(p) => p.into_inner(),
        };
        w.auth_codes.insert(code.clone());
        code
    }

    /// Answers `out` as TikTok would, always with HTTP 200 and the envelope.
    pub async fn send(&self, out: &Outbound) -> Reply {
        // Multipart parsing is async; everything else runs under the lock.
        let upload = if out.endpoint == "dmp/custom_audience/file/upload/" {
            let ct = out.content_type.clone().unwrap_or_default();
            Some(crate::guard::parse_upload(&ct, out.body.clone()).await)
        } else {
            None
        };
        let result = {
            let mut w = match self.inner.lock() {
                Ok(w) => w,
                Err(p) => p.into_inner(),
            };
            if w.window_start.elapsed() >= Duration::from_secs(1) {
                w.window_start = Instant::now();
                w.window_count = 0;
            }
            w.window_count += 1;
            if w.window_count > self.rate {
                Err((
                    40100,
                    "Too many requests. Please retry in some time.".to_string(),
                ))
            } else {
                endpoints::dispatch(self, &mut w, out, upload)
            }
        };
        let request_id = format!("sandbox-{:020x}", fastrand::u128(..) >> 48);
        let body = match result {
            Ok(data) => json!({"code": 0, "message": "OK", "request_id": request_id, "data": data}),
            Err((code, message)) => {
                json!({"code": code, "message": message, "request_id": request_id, "data": {}})
            }
        };
        let bytes = Bytes::from(serde_json::to_vec(&body).unwrap_or_default());
        Reply::parse(200, bytes).unwrap_or(Reply {
            http_status: 200,
            body: Bytes::new(),
            code: 50000,
            message: String::new(),
            request_id: String::new(),
            data: Value::Null,
        })
    }
}
