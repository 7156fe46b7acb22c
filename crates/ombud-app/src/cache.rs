//! Short-lived, per-instance caches of what almost every request reads: who a session is, and the
//! organisations a list is filtered by.
//!
//! Every entry carries the auth epoch it was read under (see `ombud_store::WriteTx::bump_auth_epoch`):
//! a change anywhere to who may do what — on this instance or another over the same database — moves
//! the epoch, and every entry read under an older one is not trusted again. Entries also expire after
//! [`TTL`], so that what the epoch does not cover (a session's sliding expiry) is re-read now and then.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long an entry is trusted at most.
pub const TTL: Duration = Duration::from_secs(30);

/// How many entries a cache holds before stale ones are swept out.
const SWEEP_AT: usize = 10_000;

struct Entry<V> {
    at: Instant,
    epoch: i64,
    value: V,
}

/// Values by key, each trusted while the epoch is the one it was read under.
pub struct EpochCache<V> {
    entries: Mutex<HashMap<String, Entry<V>>>,
}

impl<V> Default for EpochCache<V> {
    fn default() -> Self {
        EpochCache {
            entries: Mutex::new(HashMap::new()),
        }
    }
}

impl<V: Clone> EpochCache<V> {
    // A poisoned lock only means another request panicked while holding it; the map is still whole.
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry<V>>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn get(&self, key: &str, epoch: i64) -> Option<V> {
        self.map()
            .get(key)
            .filter(|e| e.epoch == epoch && e.at.elapsed() < TTL)
            .map(|e| e.value.clone())
    }

    pub fn put(&self, key: &str, epoch: i64, value: V) {
        let mut map = self.map();
        if map.len() >= SWEEP_AT {
            map.retain(|_, e| e.epoch == epoch && e.at.elapsed() < TTL);
        }
        map.insert(
            key.to_string(),
            Entry {
                at: Instant::now(),
                epoch,
                value,
            },
        );
    }

    /// Forgets one entry.
    pub fn forget(&self, key: &str) {
        self.map().remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_holds_while_the_epoch_does() {
        let c: EpochCache<u32> = EpochCache::default();
        assert_eq!(c.get("a", 1), None);
        c.put("a", 1, 7);
        assert_eq!(c.get("a", 1), Some(7));
        assert_eq!(c.get("a", 2), None, "a newer epoch distrusts it");
        c.forget("a");
        assert_eq!(c.get("a", 1), None);
    }

    #[test]
    fn an_expired_entry_is_not_served() {
        let c: EpochCache<u32> = EpochCache::default();
        c.map().insert(
            "old".into(),
            Entry {
                at: Instant::now() - TTL - Duration::from_millis(1),
                epoch: 1,
                value: 7,
            },
        );
        assert_eq!(c.get("old", 1), None);
    }
}
