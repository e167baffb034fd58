//! Configuration, read once from the environment at start-up (design.md, "The proxy").

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// TikTok's production API base (tiktok-api.md §1).
pub const DEFAULT_API_BASE: &str = "https://business-api.tiktok.com/open_api/v1.3";

/// connect: TikTok for Business's consent page (tiktok-api.md §1.1).
pub const DEFAULT_AUTH_URL: &str = "https://business-api.tiktok.com/portal/auth";

/// connect: the sandbox's stand-in for TikTok's consent page (a static page of the proxy).
pub const SANDBOX_AUTH_URL: &str = "/sandbox-consent.html";

/// connect: `TIKTOK_APP_ID` and `TIKTOK_APP_SECRET`, the developer app that asks advertisers
/// for access. The secret is an [`AccessToken`], so `Debug` never shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthApp {
    /// `TIKTOK_APP_ID`.
    pub app_id: String,
    /// `TIKTOK_APP_SECRET`.
    pub secret: AccessToken,
}

impl OAuthApp {
    /// The made-up app the sandbox's simulated consent page and token endpoints accept.
    pub fn sandbox() -> OAuthApp {
        OAuthApp {
            app_id: "sandbox-app".to_string(),
            secret: "sandbox-app-secret".into(),
        }
    }
}

/// Why the configuration was refused. One line each, printed before exiting.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A variable is set but cannot be understood.
    #[error("{var}: {reason}")]
    Invalid {
        /// The environment variable.
        var: &'static str,
        /// What is wrong with it.
        reason: String,
    },
}

fn invalid(var: &'static str, reason: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        var,
        reason: reason.into(),
    }
}

/// Retry and timeout policy for calls to TikTok.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (`TIKHASH_UPSTREAM_MAX_ATTEMPTS`, default 4).
    pub max_attempts: u32,
    /// Time allowed for one attempt (`TIKHASH_UPSTREAM_TIMEOUT_MS`, default 15 000).
    pub attempt_timeout: Duration,
    /// Time allowed for all attempts and waits together (`TIKHASH_UPSTREAM_TOTAL_MS`,
    /// default 45 000).
    pub total_timeout: Duration,
    /// First backoff; doubled after each retry, with jitter (`TIKHASH_UPSTREAM_BACKOFF_MS`,
    /// default 250).
    pub base_backoff: Duration,
    /// Longest single backoff (8 s).
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            attempt_timeout: Duration::from_millis(15_000),
            total_timeout: Duration::from_millis(45_000),
            base_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
        }
    }
}

/// A wall clock with an adjustable offset, so the 24 h REPLACE rule can be tested (and
/// demonstrated) without waiting. Cloning shares the offset.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset_secs: Arc<AtomicI64>,
}

impl Clock {
    /// A clock `offset_secs` ahead of (or, negative, behind) the system clock.
    pub fn with_offset(offset_secs: i64) -> Clock {
        Clock {
            offset_secs: Arc::new(AtomicI64::new(offset_secs)),
        }
    }

    /// Unix seconds, offset included.
    pub fn now(&self) -> i64 {
        let sys = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        sys + self.offset_secs.load(Ordering::Relaxed)
    }

    /// Moves the clock forward by `secs` (tests).
    pub fn advance(&self, secs: i64) {
        self.offset_secs.fetch_add(secs, Ordering::Relaxed);
    }
}

/// `TIKTOK_ACCESS_TOKEN`. Its `Debug` (and so the `Debug` of every struct holding it) never
/// shows the token; read it with [`AccessToken::expose`] (or through `Deref`) only where it is
/// sent.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken(String);

impl AccessToken {
    /// The token itself, for the `Access-Token` header.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AccessToken(<redacted>)")
    }
}

impl std::ops::Deref for AccessToken {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for AccessToken {
    fn from(s: &str) -> AccessToken {
        AccessToken(s.to_string())
    }
}

impl From<String> for AccessToken {
    fn from(s: String) -> AccessToken {
        AccessToken(s)
    }
}

/// `TIKHASH_PUBLIC_URL`, split into what the access checks need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl {
    /// `scheme://host[:port]`, lowercased, as a browser writes it in `Origin`.
    pub origin: String,
    /// The `host[:port]` a browser sends in `Host` (the port only when not the default).
    pub host: String,
    /// True for `https://`: cookies get `Secure`.
    pub https: bool,
}

impl PublicUrl {
    /// Parses `scheme://host[:port][/path]`; the path is ignored.
    pub fn parse(url: &str) -> Option<PublicUrl> {
        let (https, rest) = if let Some(r) = url.strip_prefix("https://") {
            (true, r)
        } else {
            (false, url.strip_prefix("http://")?)
        };
        let authority = rest.split(['/', '?', '#']).next()?.to_ascii_lowercase();
        if authority.is_empty() || authority.contains('@') {
            return None;
        }
        let default_port = if https { ":443" } else { ":80" };
        let host = authority
            .strip_suffix(default_port)
            .unwrap_or(&authority)
            .to_string();
        axum::http::uri::Authority::try_from(host.as_str()).ok()?;
        let scheme = if https { "https" } else { "http" };
        Some(PublicUrl {
            origin: format!("{scheme}://{host}"),
            host,
            https,
        })
    }
}

/// Everything the proxy is configured with. `Debug` shows no secret: the token is an
/// [`AccessToken`].
#[derive(Debug, Clone)]
pub struct Config {
    /// `TIKTOK_ACCESS_TOKEN`; `None` means sandbox mode (nothing leaves the machine).
    pub access_token: Option<AccessToken>,
    /// `TIKTOK_API_BASE`, without a trailing `/`.
    pub api_base: String,
    /// `TIKHASH_LISTEN` (default `127.0.0.1:8787`).
    pub listen: SocketAddr,
    /// `TIKHASH_ADVERTISER_IDS`; `None` allows every advertiser (sandbox only: a token
    /// requires the list).
    pub advertiser_ids: Option<BTreeSet<String>>,
    /// `TIKHASH_ALLOWED_ORIGINS`: browser origins allowed by CORS and by the server's own
    /// Origin check of state-changing requests (empty: same origin only).
    pub allowed_origins: Vec<String>,
    /// `TIKHASH_PUBLIC_URL`: the URL users reach the proxy at (behind a TLS front end); its
    /// host is allowed in `Host`, its origin in `Origin`, and `https://` makes cookies
    /// `Secure`.
    pub public_url: Option<PublicUrl>,
    /// `TIKHASH_ALLOWED_HOSTS`: more `Host` values answered, besides loopback names and the
    /// public URL's host (lowercased; an entry without a port allows any port).
    pub allowed_hosts: Vec<String>,
    /// `TIKHASH_INSECURE_HTTP=1`: allow a non-loopback listen address with an `http://`
    /// public URL (a trusted network only).
    pub insecure_http: bool,
    /// `TIKHASH_SESSION_TTL_SECS`: how long a sign-in lasts (default 12 h).
    pub session_ttl_secs: i64,
    /// `TIKHASH_DB`: the ledger's SQLite file (default `./tikhash.db`).
    pub db_path: PathBuf,
    /// `TIKHASH_WWW_DIR`: a folder served at `/` instead of the page embedded in the
    /// binary (development). `None`: the embedded page.
    pub www_dir: Option<PathBuf>,
    /// `TIKHASH_PKG_DIR`: a folder served at `/pkg/` instead of the npm package embedded in
    /// the binary (development). `None`: the embedded package.
    pub pkg_dir: Option<PathBuf>,
    /// `TIKHASH_MAX_BODY_BYTES` (default 64 MiB: TikTok takes customer files up to 50 MB).
    pub max_body_bytes: usize,
    /// `TIKHASH_MAX_INFLIGHT_BODY_BYTES` (default 64 MiB): request bodies being read and
    /// checked at once, counted by declared size (or `max_body_bytes` when undeclared); the
    /// others wait, so memory stays bounded under concurrent large bodies.
    pub max_inflight_body_bytes: usize,
    /// `TIKHASH_HEADER_TIMEOUT_MS` (default 10 000): time for a client to send its request
    /// headers, and for an idle keep-alive connection to start its next request; then the
    /// connection is closed.
    pub header_timeout: Duration,
    /// `TIKHASH_BODY_TIMEOUT_MS` (default 60 000): time for a client to send a whole request
    /// body, from when the proxy starts reading it; then it answers 408.
    pub body_timeout: Duration,
    /// Retries and timeouts for TikTok.
    pub retry: RetryPolicy,
    /// `TIKHASH_SANDBOX_RATE`: sandbox requests per second before it answers 40100
    /// (default 50).
    pub sandbox_rate: u32,
    /// `TIKHASH_SANDBOX_MIN_AUDIENCE`: the sandbox refuses a customer-file update leaving
    /// fewer members than this (default 1000, TikTok's rule).
    pub sandbox_min_audience: u64,
    /// The clock; `TIKHASH_CLOCK_OFFSET_SECS` shifts it (demos and tests).
    pub clock: Clock,
    /// connect: `TIKTOK_APP_ID` + `TIKTOK_APP_SECRET` (both or neither); with it, an admin
    /// connects an account in the page instead of setting `TIKTOK_ACCESS_TOKEN`.
    pub oauth: Option<OAuthApp>,
    /// connect: `TIKTOK_AUTH_URL`, TikTok's consent page (default [`DEFAULT_AUTH_URL`]).
    pub auth_url: String,
    /// connect: `TIKHASH_SECRET_KEY` (64 hex characters), the key sealing the stored token;
    /// unset, a key file beside the database is used (`connect::vault`).
    pub secret_key: Option<crate::connect::SealKey>,
    /// connect: the live TikTok connection; cloning shares it (like the clock), and
    /// `AppState::new` gives each app a fresh one loaded from its ledger.
    pub connection: crate::connect::ConnectionCell,
}

impl Config {
    /// A sandbox configuration with every default, for tests and embedding.
    pub fn sandbox() -> Config {
        Config {
            access_token: None,
            api_base: DEFAULT_API_BASE.to_string(),
            listen: SocketAddr::from(([127, 0, 0, 1], 8787)),
            advertiser_ids: None,
            allowed_origins: Vec::new(),
            public_url: None,
            allowed_hosts: Vec::new(),
            insecure_http: false,
            session_ttl_secs: 12 * 3600,
            db_path: PathBuf::from("tikhash.db"),
            www_dir: None,
            pkg_dir: None,
            max_body_bytes: 64 * 1024 * 1024,
            max_inflight_body_bytes: 64 * 1024 * 1024,
            header_timeout: Duration::from_millis(10_000),
            body_timeout: Duration::from_millis(60_000),
            retry: RetryPolicy::default(),
            sandbox_rate: 50,
            sandbox_min_audience: 1000,
            clock: Clock::default(),
            oauth: None,
            auth_url: DEFAULT_AUTH_URL.to_string(),
            secret_key: None,
            connection: crate::connect::ConnectionCell::default(),
        }
    }

    /// True when neither a token nor an app id is set: requests are answered by the
    /// built-in simulator.
    pub fn is_sandbox(&self) -> bool {
        self.access_token.is_none() && self.oauth.is_none()
    }

    /// connect: the app the OAuth flow uses: the configured one, or the sandbox's.
    pub fn oauth_app(&self) -> Option<OAuthApp> {
        match (&self.oauth, self.is_sandbox()) {
            (Some(app), _) => Some(app.clone()),
            (None, true) => Some(OAuthApp::sandbox()),
            (None, false) => None,
        }
    }

    /// connect: the consent page the Connect button leads to (the sandbox's own page when
    /// simulating).
    pub fn consent_url(&self) -> &str {
        if self.is_sandbox() {
            SANDBOX_AUTH_URL
        } else {
            &self.auth_url
        }
    }

    /// connect: the redirect URI registered with TikTok: `TIKHASH_PUBLIC_URL` + the
    /// callback path (the path alone in the sandbox without a public URL: same origin).
    pub fn redirect_uri(&self) -> String {
        match &self.public_url {
            Some(u) => format!("{}{}", u.origin, crate::connect::CALLBACK_PATH),
            None => crate::connect::CALLBACK_PATH.to_string(),
        }
    }

    /// Reads the process environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_vars(|k| std::env::var(k).ok())
    }

    /// Reads configuration through `get` (a variable name to its value), so tests need not
    /// touch the process environment. Empty values count as unset.
    pub fn from_vars(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let get = |k: &str| {
            get(k)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let mut c = Config::sandbox();
        c.access_token = get("TIKTOK_ACCESS_TOKEN").map(AccessToken::from);
        if let Some(base) = get("TIKTOK_API_BASE") {
            if !(base.starts_with("https://") || base.starts_with("http://")) {
                return Err(invalid(
                    "TIKTOK_API_BASE",
                    "must start with https:// (or http:// for a local test server)",
                ));
            }
            c.api_base = base.trim_end_matches('/').to_string();
        }
        if let Some(listen) = get("TIKHASH_LISTEN") {
            c.listen = listen.parse().map_err(|_| {
                invalid("TIKHASH_LISTEN", "expected an address like 127.0.0.1:8787")
            })?;
        }
        if let Some(ids) = get("TIKHASH_ADVERTISER_IDS") {
            let set: BTreeSet<String> = split_list(&ids).collect();
            if let Some(bad) = set
                .iter()
                .find(|id| !id.bytes().all(|b| b.is_ascii_digit()))
            {
                let _ = bad;
                return Err(invalid(
                    "TIKHASH_ADVERTISER_IDS",
                    "advertiser ids are digits only, separated by commas",
                ));
            }
            c.advertiser_ids = Some(set);
        }
        // connect: an app id and its secret come together, and the redirect URI TikTok
        // sends browsers back to needs the public URL.
        match (get("TIKTOK_APP_ID"), get("TIKTOK_APP_SECRET")) {
            (Some(app_id), Some(secret)) => {
                if !app_id.bytes().all(|b| b.is_ascii_alphanumeric()) {
                    return Err(invalid("TIKTOK_APP_ID", "expected letters and digits only"));
                }
                c.oauth = Some(OAuthApp {
                    app_id,
                    secret: secret.into(),
                });
            }
            (None, None) => {}
            (Some(_), None) => {
                return Err(invalid(
                    "TIKTOK_APP_SECRET",
                    "must be set with TIKTOK_APP_ID",
                ))
            }
            (None, Some(_)) => {
                return Err(invalid(
                    "TIKTOK_APP_ID",
                    "must be set with TIKTOK_APP_SECRET",
                ))
            }
        }
        if let Some(url) = get("TIKTOK_AUTH_URL") {
            if !(url.starts_with("https://") || url.starts_with("http://")) || url.contains('?') {
                return Err(invalid(
                    "TIKTOK_AUTH_URL",
                    "expected https://host/path without a query",
                ));
            }
            c.auth_url = url;
        }
        if let Some(key) = get("TIKHASH_SECRET_KEY") {
            c.secret_key = Some(crate::connect::SealKey::from_hex(&key).ok_or_else(|| {
                invalid(
                    "TIKHASH_SECRET_KEY",
                    "expected 64 hex characters (openssl rand -hex 32)",
                )
            })?);
        }
        if c.advertiser_ids.is_none() && c.access_token.is_some() {
            return Err(invalid(
                "TIKHASH_ADVERTISER_IDS",
                "must list the allowed advertiser ids when TIKTOK_ACCESS_TOKEN is set",
            ));
        }
        if let Some(origins) = get("TIKHASH_ALLOWED_ORIGINS") {
            c.allowed_origins = split_list(&origins).collect();
            for o in &c.allowed_origins {
                let ok = (o.starts_with("http://") || o.starts_with("https://"))
                    && axum::http::HeaderValue::from_str(o).is_ok()
                    && !o.ends_with('/');
                if !ok {
                    return Err(invalid(
                        "TIKHASH_ALLOWED_ORIGINS",
                        "each origin is scheme://host[:port], no path, no trailing slash",
                    ));
                }
            }
        }
        if let Some(url) = get("TIKHASH_PUBLIC_URL") {
            c.public_url = Some(PublicUrl::parse(&url).ok_or_else(|| {
                invalid(
                    "TIKHASH_PUBLIC_URL",
                    "expected https://host[:port] (or http://)",
                )
            })?);
        }
        if c.oauth.is_some() && c.public_url.is_none() {
            return Err(invalid(
                "TIKHASH_PUBLIC_URL",
                "must be set with TIKTOK_APP_ID: TikTok sends the browser back to TIKHASH_PUBLIC_URL/tikhash/oauth/callback",
            ));
        }
        if let Some(hosts) = get("TIKHASH_ALLOWED_HOSTS") {
            for h in split_list(&hosts) {
                let h = h.to_ascii_lowercase();
                if axum::http::uri::Authority::try_from(h.as_str()).is_err() || h.contains('@') {
                    return Err(invalid(
                        "TIKHASH_ALLOWED_HOSTS",
                        "each entry is host or host:port, separated by commas",
                    ));
                }
                c.allowed_hosts.push(h);
            }
        }
        if let Some(v) = get("TIKHASH_INSECURE_HTTP") {
            c.insecure_http = match v.as_str() {
                "1" | "true" => true,
                "0" | "false" => false,
                _ => return Err(invalid("TIKHASH_INSECURE_HTTP", "expected 1 or 0")),
            };
        }
        if let Some(v) = get("TIKHASH_SESSION_TTL_SECS") {
            c.session_ttl_secs = parse_num("TIKHASH_SESSION_TTL_SECS", &v, 60)?;
        }
        if let Some(db) = get("TIKHASH_DB") {
            c.db_path = PathBuf::from(db);
        }
        if let Some(d) = get("TIKHASH_WWW_DIR") {
            c.www_dir = Some(PathBuf::from(d));
        }
        if let Some(d) = get("TIKHASH_PKG_DIR") {
            c.pkg_dir = Some(PathBuf::from(d));
        }
        if let Some(v) = get("TIKHASH_MAX_BODY_BYTES") {
            c.max_body_bytes = parse_num("TIKHASH_MAX_BODY_BYTES", &v, 1)?;
        }
        if let Some(v) = get("TIKHASH_MAX_INFLIGHT_BODY_BYTES") {
            c.max_inflight_body_bytes = parse_num("TIKHASH_MAX_INFLIGHT_BODY_BYTES", &v, 1024)?;
        }
        if let Some(v) = get("TIKHASH_HEADER_TIMEOUT_MS") {
            c.header_timeout =
                Duration::from_millis(parse_num("TIKHASH_HEADER_TIMEOUT_MS", &v, 1)?);
        }
        if let Some(v) = get("TIKHASH_BODY_TIMEOUT_MS") {
            c.body_timeout = Duration::from_millis(parse_num("TIKHASH_BODY_TIMEOUT_MS", &v, 1)?);
        }
        if let Some(v) = get("TIKHASH_UPSTREAM_MAX_ATTEMPTS") {
            c.retry.max_attempts = parse_num("TIKHASH_UPSTREAM_MAX_ATTEMPTS", &v, 1)?;
        }
        if let Some(v) = get("TIKHASH_UPSTREAM_TIMEOUT_MS") {
            c.retry.attempt_timeout =
                Duration::from_millis(parse_num("TIKHASH_UPSTREAM_TIMEOUT_MS", &v, 1)?);
        }
        if let Some(v) = get("TIKHASH_UPSTREAM_TOTAL_MS") {
            c.retry.total_timeout =
                Duration::from_millis(parse_num("TIKHASH_UPSTREAM_TOTAL_MS", &v, 1)?);
        }
        if let Some(v) = get("TIKHASH_UPSTREAM_BACKOFF_MS") {
            c.retry.base_backoff =
                Duration::from_millis(parse_num("TIKHASH_UPSTREAM_BACKOFF_MS", &v, 0)?);
        }
        if let Some(v) = get("TIKHASH_SANDBOX_RATE") {
            c.sandbox_rate = parse_num("TIKHASH_SANDBOX_RATE", &v, 1)?;
        }
        if let Some(v) = get("TIKHASH_SANDBOX_MIN_AUDIENCE") {
            c.sandbox_min_audience = parse_num("TIKHASH_SANDBOX_MIN_AUDIENCE", &v, 0)?;
        }
        if let Some(v) = get("TIKHASH_CLOCK_OFFSET_SECS") {
            let off: i64 = v.parse().map_err(|_| {
                invalid(
                    "TIKHASH_CLOCK_OFFSET_SECS",
                    "expected a whole number of seconds",
                )
            })?;
            c.clock = Clock::with_offset(off);
        }
        Ok(c)
    }

    /// Refuses to expose the proxy beyond this machine unsafely: a non-loopback
    /// `TIKHASH_LISTEN` needs users (`users_exist`) and an `https://` `TIKHASH_PUBLIC_URL`
    /// (or `TIKHASH_INSECURE_HTTP=1`).
    pub fn check_exposure(&self, users_exist: bool) -> Result<(), ConfigError> {
        if self.listen.ip().is_loopback() {
            return Ok(());
        }
        if !users_exist {
            return Err(invalid(
                "TIKHASH_LISTEN",
                "a non-loopback address needs at least one user first (tikhash-proxy users add NAME --role admin)",
            ));
        }
        let https = self.public_url.as_ref().is_some_and(|u| u.https);
        if !https && !self.insecure_http {
            return Err(invalid(
                "TIKHASH_LISTEN",
                "a non-loopback address needs TIKHASH_PUBLIC_URL=https://… (or TIKHASH_INSECURE_HTTP=1)",
            ));
        }
        Ok(())
    }

    /// True when `advertiser_id` may be used through this proxy: one the connected account
    /// authorized (connect), narrowed by `TIKHASH_ADVERTISER_IDS` when set.
    pub fn advertiser_allowed(&self, advertiser_id: &str) -> bool {
        let listed = match &self.advertiser_ids {
            None => true,
            Some(set) => set.contains(advertiser_id),
        };
        let authorized = match self.connection.advertiser_ids() {
            None => true,
            Some(set) => set.contains(advertiser_id),
        };
        listed && authorized
    }

    /// connect: true when TikTok calls need a connection that is not there: an app id, no
    /// `TIKTOK_ACCESS_TOKEN` and nobody connected.
    pub fn needs_connection(&self) -> bool {
        !self.is_sandbox() && self.access_token.is_none() && self.connection.get().is_none()
    }
}

fn split_list(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
}

fn parse_num<T>(var: &'static str, v: &str, min: T) -> Result<T, ConfigError>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy,
{
    match v.parse::<T>() {
        Ok(n) if n >= min => Ok(n),
        _ => Err(invalid(var, format!("expected a whole number ≥ {min}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn cfg(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_vars(|k| m.get(k).cloned())
    }

    #[test]
    fn defaults_are_the_sandbox_on_loopback() {
        let c = cfg(&[]).unwrap();
        assert!(c.is_sandbox());
        assert_eq!(c.listen.to_string(), "127.0.0.1:8787");
        assert!(c.advertiser_allowed("123"));
        assert!(
            c.www_dir.is_none() && c.pkg_dir.is_none(),
            "embedded files by default"
        );
        assert!(c.header_timeout <= Duration::from_secs(10));
    }

    #[test]
    fn limits_are_read() {
        let c = cfg(&[
            ("TIKHASH_HEADER_TIMEOUT_MS", "250"),
            ("TIKHASH_BODY_TIMEOUT_MS", "1500"),
            ("TIKHASH_MAX_INFLIGHT_BODY_BYTES", "4096"),
            ("TIKHASH_WWW_DIR", "site"),
        ])
        .unwrap();
        assert_eq!(c.header_timeout, Duration::from_millis(250));
        assert_eq!(c.body_timeout, Duration::from_millis(1500));
        assert_eq!(c.max_inflight_body_bytes, 4096);
        assert_eq!(c.www_dir, Some(PathBuf::from("site")));
    }

    #[test]
    fn a_token_needs_an_advertiser_list() {
        let e = cfg(&[("TIKTOK_ACCESS_TOKEN", "t")]).unwrap_err();
        assert!(e.to_string().starts_with("TIKHASH_ADVERTISER_IDS"));
        let c = cfg(&[
            ("TIKTOK_ACCESS_TOKEN", "t"),
            ("TIKHASH_ADVERTISER_IDS", "1, 2"),
        ])
        .unwrap();
        assert!(c.advertiser_allowed("2") && !c.advertiser_allowed("3"));
    }

    #[test]
    fn connect_settings_come_together() {
        let app = [
            ("TIKTOK_APP_ID", "7300000000000000001"),
            ("TIKTOK_APP_SECRET", "s3cret-app"),
            ("TIKHASH_PUBLIC_URL", "https://tik.example.com"),
        ];
        let c = cfg(&app).unwrap();
        assert!(!c.is_sandbox() && c.needs_connection());
        assert_eq!(
            c.redirect_uri(),
            "https://tik.example.com/tikhash/oauth/callback"
        );
        assert_eq!(c.consent_url(), DEFAULT_AUTH_URL);
        assert!(!format!("{c:?}").contains("s3cret-app"));
        let e = cfg(&app[..2]).unwrap_err().to_string();
        assert!(e.starts_with("TIKHASH_PUBLIC_URL"), "{e}");
        assert!(cfg(&app[..1])
            .unwrap_err()
            .to_string()
            .starts_with("TIKTOK_APP_SECRET"));
        assert!(cfg(&app[1..2])
            .unwrap_err()
            .to_string()
            .starts_with("TIKTOK_APP_ID"));
        let key = "0f".repeat(32);
        let c = cfg(&[("TIKHASH_SECRET_KEY", key.as_str())]).unwrap();
        assert!(c.secret_key.is_some() && !format!("{c:?}").contains(&key));
        assert!(cfg(&[("TIKHASH_SECRET_KEY", "short")]).is_err());
        assert!(cfg(&[("TIKTOK_AUTH_URL", "https://a.test/auth?x=1")]).is_err());
        let sandbox = cfg(&[]).unwrap();
        assert_eq!(sandbox.consent_url(), SANDBOX_AUTH_URL);
        assert_eq!(sandbox.oauth_app(), Some(OAuthApp::sandbox()));
        assert!(!sandbox.needs_connection());
    }

    #[test]
    fn the_token_never_shows_in_debug() {
        let c = cfg(&[
            ("TIKTOK_ACCESS_TOKEN", "secret-token-123"),
            ("TIKHASH_ADVERTISER_IDS", "1"),
        ])
        .unwrap();
        assert!(!format!("{c:?}").contains("secret-token-123"));
        assert_eq!(c.access_token.unwrap().expose(), "secret-token-123");
    }

    #[test]
    fn public_url_and_hosts() {
        let c = cfg(&[
            ("TIKHASH_PUBLIC_URL", "https://Tik.Example.com:443/app"),
            ("TIKHASH_ALLOWED_HOSTS", "a.test, B.test:9000"),
        ])
        .unwrap();
        let u = c.public_url.unwrap();
        assert_eq!(
            (u.origin.as_str(), u.host.as_str(), u.https),
            ("https://tik.example.com", "tik.example.com", true)
        );
        assert_eq!(c.allowed_hosts, ["a.test", "b.test:9000"]);
        assert!(cfg(&[("TIKHASH_PUBLIC_URL", "ftp://x")]).is_err());
        assert!(cfg(&[("TIKHASH_ALLOWED_HOSTS", "a b")]).is_err());
    }

    #[test]
    fn exposure_needs_users_and_https() {
        let lan = [("TIKHASH_LISTEN", "0.0.0.0:8787")];
        assert!(cfg(&lan).unwrap().check_exposure(true).is_err());
        assert!(cfg(&[]).unwrap().check_exposure(false).is_ok());
        let https = [lan[0], ("TIKHASH_PUBLIC_URL", "https://t.example")];
        assert!(cfg(&https).unwrap().check_exposure(false).is_err());
        assert!(cfg(&https).unwrap().check_exposure(true).is_ok());
        let insecure = [lan[0], ("TIKHASH_INSECURE_HTTP", "1")];
        assert!(cfg(&insecure).unwrap().check_exposure(true).is_ok());
    }

    #[test]
    fn bad_values_stop_start_up() {
        assert!(cfg(&[("TIKHASH_LISTEN", "nowhere")]).is_err());
        assert!(cfg(&[("TIKHASH_SANDBOX_RATE", "0")]).is_err());
        assert!(cfg(&[("TIKHASH_ALLOWED_ORIGINS", "http://a.test/")]).is_err());
        assert!(cfg(&[("TIKTOK_API_BASE", "ftp://x")]).is_err());
        assert!(cfg(&[("TIKHASH_HEADER_TIMEOUT_MS", "0")]).is_err());
        assert!(cfg(&[("TIKHASH_BODY_TIMEOUT_MS", "soon")]).is_err());
        assert!(cfg(&[("TIKHASH_MAX_INFLIGHT_BODY_BYTES", "100")]).is_err());
        assert_eq!(
            cfg(&[("TIKHASH_SANDBOX_MIN_AUDIENCE", "3")])
                .unwrap()
                .sandbox_min_audience,
            3
        );
    }
}
