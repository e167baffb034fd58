//! The `Host` allow-list: a DNS-rebinding page reaches the proxy under its own name
//! (`Host: evil.example:8787`), so only the names the proxy is meant to be reached by are
//! answered: loopback names on any port, `TIKHASH_PUBLIC_URL`'s host, and
//! `TIKHASH_ALLOWED_HOSTS`.

use crate::config::Config;
use axum::http::{header, Request};

/// The hosts a proxy answers for.
#[derive(Debug, Clone)]
pub struct HostPolicy {
    /// Exact `host:port` (or portless host) values, lowercased.
    exact: Vec<String>,
    /// Host names allowed on any port.
    any_port: Vec<String>,
}

/// Loopback names, allowed on any port.
const LOOPBACK: [&str; 3] = ["127.0.0.1", "localhost", "[::1]"];

impl HostPolicy {
    /// The policy for `config`.
    pub fn new(config: &Config) -> HostPolicy {
        let mut exact = Vec::new();
        let mut any_port: Vec<String> = LOOPBACK.iter().map(|s| s.to_string()).collect();
        if let Some(u) = &config.public_url {
            exact.push(u.host.clone());
            let default_port = if u.https { ":443" } else { ":80" };
            if !has_port(&u.host) {
                exact.push(format!("{}{default_port}", u.host));
            }
        }
        for h in &config.allowed_hosts {
            if has_port(h) {
                exact.push(h.clone());
            } else {
                any_port.push(h.clone());
            }
        }
        HostPolicy { exact, any_port }
    }

    /// True when `host` (a `Host` header value) is answered.
    pub fn allows(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        if self.exact.contains(&host) {
            return true;
        }
        let name = split_port(&host).0;
        self.any_port.iter().any(|h| h == name)
    }
}

/// True when `host` ends in `:digits` (outside an IPv6 literal's brackets).
fn has_port(host: &str) -> bool {
    split_port(host).1.is_some()
}

/// `host[:port]` into the name and the port.
fn split_port(host: &str) -> (&str, Option<&str>) {
    match host.rfind(':') {
        Some(i)
            if !host[i..].contains(']') && host[i + 1..].bytes().all(|b| b.is_ascii_digit()) =>
        {
            (&host[..i], Some(&host[i + 1..]))
        }
        _ => (host, None),
    }
}

/// The host a request was sent to: its `Host` header, or the URI's authority (HTTP/2).
pub fn request_host<B>(req: &Request<B>) -> Option<String> {
    if let Some(h) = req.headers().get(header::HOST) {
        return h.to_str().ok().map(str::to_string);
    }
    req.uri().authority().map(|a| a.as_str().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(vars: &[(&str, &str)]) -> HostPolicy {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        let c = Config::from_vars(|k| vars.iter().find(|(a, _)| a == k).map(|(_, b)| b.clone()))
            .unwrap();
        HostPolicy::new(&c)
    }

    #[test]
    fn loopback_on_any_port_and_nothing_else_by_default() {
        let p = policy(&[]);
        for ok in ["127.0.0.1:8787", "localhost", "LOCALHOST:1", "[::1]:9"] {
            assert!(p.allows(ok), "{ok}");
        }
        for bad in [
            "evil.example:8787",
            "127.0.0.2:8787",
            "localhost.evil",
            "[::1]x",
            "",
        ] {
            assert!(!p.allows(bad), "{bad}");
        }
    }

    #[test]
    fn public_url_and_extra_hosts() {
        let p = policy(&[
            ("TIKHASH_PUBLIC_URL", "https://tik.example"),
            ("TIKHASH_ALLOWED_HOSTS", "lan.box:8787,other.box"),
        ]);
        for ok in [
            "tik.example",
            "tik.example:443",
            "lan.box:8787",
            "other.box:1",
        ] {
            assert!(p.allows(ok), "{ok}");
        }
        for bad in ["tik.example:8787", "lan.box:1", "evil.example"] {
            assert!(!p.allows(bad), "{bad}");
        }
    }
}
