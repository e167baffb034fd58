//! Rate limits on password sign-in, per name and per client, with `governor` (GCRA), so a
//! password cannot be guessed at speed from one client or against one name from many.

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

/// Attempts per minute for one name (burst of the same size).
pub const PER_NAME_PER_MINUTE: u32 = 5;
/// Attempts per minute from one client address.
pub const PER_CLIENT_PER_MINUTE: u32 = 20;

/// The sign-in limiters; cloning shares them.
#[derive(Clone)]
pub struct SignInLimiter {
    by_name: Arc<DefaultKeyedRateLimiter<String>>,
    by_client: Arc<DefaultKeyedRateLimiter<String>>,
    checks: Arc<AtomicU32>,
}

impl std::fmt::Debug for SignInLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SignInLimiter")
    }
}

impl Default for SignInLimiter {
    fn default() -> Self {
        let quota = |n: u32| Quota::per_minute(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN));
        SignInLimiter {
            by_name: Arc::new(RateLimiter::keyed(quota(PER_NAME_PER_MINUTE))),
            by_client: Arc::new(RateLimiter::keyed(quota(PER_CLIENT_PER_MINUTE))),
            checks: Arc::new(AtomicU32::new(0)),
        }
    }
}

impl SignInLimiter {
    /// True when one more attempt for `name` from `client` is allowed (and counts it).
    pub fn allow(&self, name: &str, client: &str) -> bool {
        // Forget idle keys now and then, so many names cannot grow the maps for ever.
        if self.checks.fetch_add(1, Ordering::Relaxed) % 64 == 63 {
            self.by_name.retain_recent();
            self.by_client.retain_recent();
        }
        let client_ok = self.by_client.check_key(&client.to_string()).is_ok();
        let name_ok = self.by_name.check_key(&name.to_string()).is_ok();
        client_ok && name_ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_gets_a_few_tries_a_minute() {
        let l = SignInLimiter::default();
        for i in 0..PER_NAME_PER_MINUTE {
            assert!(l.allow("ann", &format!("c{i}")));
        }
        assert!(!l.allow("ann", "c-new"));
        assert!(l.allow("bob", "c-new"));
    }
}
