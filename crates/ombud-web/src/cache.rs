//! Short-lived, per-instance caches of what almost every request reads: who a session is, and the
//! organisations a list is filtered by.
//!
//! Entries live [`TTL`] at most, so that a change made on another instance (a revoked session, a
//! role, a moved organisation) takes effect within that time; a change made on this instance drops
//! what it makes stale at once.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long an entry is trusted without asking the database again.
pub const TTL: Duration = Duration::from_secs(5);

/// How many entries a cache holds before expired ones are swept out.
const SWEEP_AT: usize = 10_000;

/// Values by key, each for [`TTL`].
pub struct TtlCache<V> {
    entries: Mutex<HashMap<String, (Instant, V)>>,
}

impl<V> Default for TtlCache<V> {
    fn default() -> Self {
        TtlCache {
            entries: Mutex::new(HashMap::new()),
        }
    }
}

impl<V: Clone> TtlCache<V> {
    // A poisoned lock only means another request panicked while holding it; the map is still whole.
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Instant, V)>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn get(&self, key: &str) -> Option<V> {
        self.map()
            .get(key)
            .filter(|(at, _)| at.elapsed() < TTL)
            .map(|(_, v)| v.clone())
    }

    pub fn put(&self, key: &str, value: V) {
        let mut map = self.map();
        if map.len() >= SWEEP_AT {
            map.retain(|_, (at, _)| at.elapsed() < TTL);
        }
        map.insert(key.to_string(), (Instant::now(), value));
    }

    /// Keeps only the entries whose value passes `keep`.
    pub fn retain(&self, keep: impl Fn(&V) -> bool) {
        self.map().retain(|_, (_, v)| keep(v));
    }

    pub fn clear(&self) {
        self.map().clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_kept_until_dropped() {
        let c: TtlCache<u32> = TtlCache::default();
        assert_eq!(c.get("a"), None);
        c.put("a", 1);
        c.put("b", 2);
        assert_eq!(c.get("a"), Some(1));
        c.retain(|v| *v != 1);
        assert_eq!((c.get("a"), c.get("b")), (None, Some(2)));
        c.clear();
        assert_eq!(c.get("b"), None);
    }

    #[test]
    fn an_expired_entry_is_not_served() {
        let c: TtlCache<u32> = TtlCache::default();
        c.map().insert(
            "old".into(),
            (Instant::now() - TTL - Duration::from_millis(1), 7),
        );
        assert_eq!(c.get("old"), None);
    }
}
