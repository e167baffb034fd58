//! The access middleware: Host allow-list, Origin check, authentication, role check and the
//! audit log, in that order, around the whole router (static files and `/healthz` get the
//! Host check only).

use super::audit::{AuditEntry, AuditInfo, AuditLog};
use super::host::{request_host, HostPolicy};
use super::limit::SignInLimiter;
use super::origin::{is_state_changing, Credentials, OriginPolicy};
use super::{keys, sessions, AccessError, Principal, Role, Via};
use crate::config::{Clock, Config};
use crate::error::AppError;
use crate::ledger::Ledger;
use axum::body::Body;
use axum::body::HttpBody as _;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::sync::Arc;

/// Everything the access checks need; cheap to clone.
#[derive(Debug, Clone)]
pub struct Access {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    ledger: Ledger,
    hosts: HostPolicy,
    origins: OriginPolicy,
    audit: AuditLog,
    limiter: SignInLimiter,
    clock: Clock,
    secure_cookies: bool,
    session_ttl_secs: i64,
}

/// Paths under `/tikhash/` anyone may call: the two ways to sign in.
pub const SIGN_IN_PATHS: [&str; 2] = ["/tikhash/login/link", "/tikhash/login/password"];

/// Answers bigger than this are not read back for the audit log's envelope code.
const AUDIT_PEEK_BYTES: u64 = 64 * 1024;

/// True for the paths that need a principal: `/open_api/…` and `/tikhash/…` except sign-in.
pub fn is_protected(path: &str) -> bool {
    let under = |p: &str| path == p || path.starts_with(&format!("{p}/"));
    // connect: the OAuth callback is reached from TikTok's site, without the Strict session
    // cookie; its single-use state and binding cookie authenticate it.
    (under("/open_api") || under("/tikhash"))
        && !SIGN_IN_PATHS.contains(&path)
        && path != crate::connect::CALLBACK_PATH
}

/// The role a protected route needs.
pub fn needed_role(method: &Method, path: &str) -> Role {
    // connect: connecting, disconnecting and the simulated consent are admin actions.
    let admin_area = [
        "/tikhash/users",
        "/tikhash/keys",
        "/tikhash/audit",
        "/tikhash/connect",
        "/tikhash/disconnect",
        "/tikhash/sandbox",
    ]
    .iter()
    .any(|p| path == *p || path.starts_with(&format!("{p}/")));
    if admin_area {
        Role::Admin
    } else if path == "/tikhash/runs" && *method == Method::POST {
        // connect: syncers record their runs.
        Role::Syncer
    } else if matches!(*method, Method::GET | Method::HEAD) || path == "/tikhash/logout" {
        Role::Viewer
    } else if path.starts_with("/open_api/") {
        Role::Syncer
    } else {
        Role::Admin
    }
}

/// The `Bearer` credential of `Authorization`, if any.
pub fn bearer(headers: &HeaderMap) -> Option<String> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, key) = v.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| key.trim().to_string())
}

/// The session cookie's value, if any.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    cookie_value(headers, sessions::COOKIE)
}

/// The value of cookie `name` in the request's `Cookie` headers, if any.
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_string())
}

impl Access {
    /// The access state for `config`, keeping its tables in `ledger`; starts the audit
    /// writer.
    pub fn new(config: &Config, ledger: Ledger) -> Access {
        Access {
            inner: Arc::new(Inner {
                hosts: HostPolicy::new(config),
                origins: OriginPolicy::new(config),
                audit: AuditLog::start(ledger.clone()),
                ledger,
                limiter: SignInLimiter::default(),
                clock: config.clock.clone(),
                secure_cookies: config.public_url.as_ref().is_some_and(|u| u.https),
                session_ttl_secs: config.session_ttl_secs,
            }),
        }
    }

    /// Wraps `router` in the access middleware (add it last, so it runs first).
    pub fn wrap(self, router: Router) -> Router {
        router.layer(axum::middleware::from_fn_with_state(self, enforce))
    }

    /// The ledger holding users, keys, sessions and the audit log.
    pub fn ledger(&self) -> &Ledger {
        &self.inner.ledger
    }

    /// Unix seconds now (the configured clock).
    pub fn now(&self) -> i64 {
        self.inner.clock.now()
    }

    /// The audit log queue.
    pub fn audit(&self) -> &AuditLog {
        &self.inner.audit
    }

    /// The sign-in rate limiter.
    pub fn limiter(&self) -> &SignInLimiter {
        &self.inner.limiter
    }

    /// How long sessions last.
    pub fn session_ttl_secs(&self) -> i64 {
        self.inner.session_ttl_secs
    }

    /// The `Set-Cookie` value for a new session id.
    pub fn session_cookie_header(&self, id: &str) -> String {
        self.cookie(id, self.inner.session_ttl_secs)
    }

    /// The `Set-Cookie` value that removes the session cookie.
    pub fn clearing_cookie_header(&self) -> String {
        self.cookie("", 0)
    }

    fn cookie(&self, value: &str, max_age: i64) -> String {
        let secure = if self.inner.secure_cookies {
            "; Secure"
        } else {
            ""
        };
        format!(
            "{}={value}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age}{secure}",
            sessions::COOKIE
        )
    }

    /// Runs a blocking access operation off the async threads; failures are logged and
    /// answered generically.
    pub async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Access) -> Result<T, AccessError> + Send + 'static,
    ) -> Result<T, AppError> {
        let me = self.clone();
        match tokio::task::spawn_blocking(move || f(&me)).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => {
                tracing::error!("access: {e}");
                Err(AppError::Ledger(e.to_string()))
            }
            Err(e) => {
                tracing::error!("access task: {e}");
                Err(AppError::Ledger(e.to_string()))
            }
        }
    }

    /// The principal behind a bearer key (which, when present, is the only credential
    /// looked at) or a session cookie.
    async fn identify(
        &self,
        bearer: Option<String>,
        cookie: Option<String>,
    ) -> Result<Option<Principal>, AppError> {
        let now = self.now();
        self.blocking(move |a| match (bearer, cookie) {
            (Some(key), _) => keys::lookup(a.ledger(), &key, now),
            (None, Some(id)) => sessions::lookup(a.ledger(), &id, now),
            (None, None) => Ok(None),
        })
        .await
    }
}

/// The middleware (see the module docs).
pub async fn enforce(State(access): State<Access>, mut req: Request, next: Next) -> Response {
    let Some(host) = request_host(&req).filter(|h| access.inner.hosts.allows(h)) else {
        return AppError::MisdirectedHost.into_response();
    };
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    // Preflights carry no credentials; CORS (or the router's 405) answers them.
    let protected = is_protected(&path) && method != Method::OPTIONS;
    let changing = is_state_changing(&method);
    let bearer = bearer(req.headers());
    let cookie = session_cookie(req.headers());
    let principal = if (protected || changing) && (bearer.is_some() || cookie.is_some()) {
        match access.identify(bearer.clone(), cookie.clone()).await {
            Ok(p) => p,
            Err(e) => return e.into_response(),
        }
    } else {
        None
    };
    if changing {
        let creds = match (&principal, &cookie) {
            (Some(p), _) if p.via == Via::ApiKey => Credentials::ApiKey,
            (_, Some(_)) => Credentials::Cookie,
            _ => Credentials::None,
        };
        if let Err(e) = access.inner.origins.check(req.headers(), &host, creds) {
            return e.into_response();
        }
    }
    // connect: like the session, the page reads the connection and the run history on
    // every load; those reads are not actions worth an audit entry.
    let page_reads = ["/tikhash/session", "/tikhash/connection", "/tikhash/runs"];
    let audited = (protected || SIGN_IN_PATHS.contains(&path.as_str()))
        && !(method == Method::GET && page_reads.contains(&path.as_str()));
    let response = if protected {
        let Some(p) = principal.clone() else {
            return AppError::Unauthenticated.into_response();
        };
        let needed = needed_role(&method, &path);
        if p.role < needed {
            AppError::RoleTooLow {
                needed: needed.as_str(),
            }
            .into_response()
        } else {
            req.extensions_mut().insert(p);
            next.run(req).await
        }
    } else {
        next.run(req).await
    };
    if !audited {
        return response;
    }
    // Sign-in answers carry the principal they signed in.
    let who = principal.or_else(|| response.extensions().get::<Principal>().cloned());
    match who {
        Some(who) => audit(&access, who, method, &path, response).await,
        None => response,
    }
}

async fn audit(
    access: &Access,
    who: Principal,
    method: Method,
    path: &str,
    response: Response,
) -> Response {
    let mut info = response
        .extensions()
        .get::<AuditInfo>()
        .cloned()
        .unwrap_or_default();
    let status = response.status();
    let json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    let small = response
        .body()
        .size_hint()
        .exact()
        .is_some_and(|n| n <= AUDIT_PEEK_BYTES);
    let response = if json && small && (info.code.is_none() || info.tiktok_request_id.is_none()) {
        let (parts, body) = response.into_parts();
        match axum::body::to_bytes(body, AUDIT_PEEK_BYTES as usize).await {
            Ok(bytes) => {
                if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&bytes) {
                    info.code = info.code.or_else(|| v["code"].as_i64());
                    info.tiktok_request_id = info.tiktok_request_id.or_else(|| {
                        v["request_id"]
                            .as_str()
                            .filter(|id| !id.starts_with("tikhash-"))
                            .map(|id| id.chars().take(100).collect())
                    });
                }
                Response::from_parts(parts, Body::from(bytes))
            }
            Err(_) => Response::from_parts(parts, Body::empty()),
        }
    } else {
        response
    };
    let route = if status == StatusCode::NOT_FOUND {
        "(no such route)".to_string()
    } else {
        path.chars().take(200).collect()
    };
    access.audit().record(AuditEntry {
        at: access.now(),
        who: who.name,
        via: who.via.as_str().to_string(),
        method: method.to_string(),
        route,
        advertiser_id: info.advertiser_id,
        audience_id: info.audience_id,
        count: info.count,
        tiktok_request_id: info.tiktok_request_id,
        status: status.as_u16(),
        code: info.code,
    });
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_and_roles() {
        assert!(is_protected("/open_api/v1.3/event/track/"));
        assert!(is_protected("/tikhash/ledger/1/2") && is_protected("/tikhash"));
        assert!(!is_protected("/tikhash/login/password") && !is_protected("/healthz"));
        assert!(!is_protected("/open_apix") && !is_protected("/index.html"));
        assert_eq!(
            needed_role(&Method::GET, "/open_api/v1.3/dmp/custom_audience/list/"),
            Role::Viewer
        );
        assert_eq!(
            needed_role(&Method::POST, "/open_api/v1.3/event/track/"),
            Role::Syncer
        );
        assert_eq!(needed_role(&Method::GET, "/tikhash/audit"), Role::Admin);
        assert_eq!(
            needed_role(&Method::DELETE, "/tikhash/keys/ci"),
            Role::Admin
        );
        assert_eq!(needed_role(&Method::POST, "/tikhash/logout"), Role::Viewer);
        assert_eq!(needed_role(&Method::POST, "/tikhash/anything"), Role::Admin);
        // connect's routes.
        assert_eq!(needed_role(&Method::GET, "/tikhash/connect"), Role::Admin);
        assert_eq!(
            needed_role(&Method::POST, "/tikhash/disconnect"),
            Role::Admin
        );
        assert_eq!(
            needed_role(&Method::GET, "/tikhash/sandbox/authorize"),
            Role::Admin
        );
        assert_eq!(
            needed_role(&Method::GET, "/tikhash/connection"),
            Role::Viewer
        );
        assert_eq!(needed_role(&Method::GET, "/tikhash/runs"), Role::Viewer);
        assert_eq!(needed_role(&Method::POST, "/tikhash/runs"), Role::Syncer);
        assert!(!is_protected("/tikhash/oauth/callback"));
        assert!(is_protected("/tikhash/oauth/callbackx"));
    }

    #[test]
    fn credentials_are_read_from_headers() {
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, "Bearer  abc ".parse().unwrap());
        h.insert(
            header::COOKIE,
            "a=1; tikhash_session=xyz; b=2".parse().unwrap(),
        );
        assert_eq!(bearer(&h).as_deref(), Some("abc"));
        assert_eq!(session_cookie(&h).as_deref(), Some("xyz"));
    }
}
