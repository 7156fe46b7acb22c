//! Slows down password guessing: after a number of failed sign-ins for one e-mail address within a
//! window, further attempts are refused until the window has passed.
//!
//! Kept in memory, per instance: behind a load balancer with N instances an attacker gets at most N
//! times the allowance, which is still a handful of guesses per quarter hour.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct SignInLimit {
    attempts: u32,
    window: Duration,
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

impl SignInLimit {
    pub fn new(attempts: u32, window: Duration) -> Self {
        SignInLimit {
            attempts,
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(seconds to wait)` when this key is locked out now.
    pub fn check(&self, key: &str) -> Result<(), u64> {
        let map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        match map.get(key) {
            Some((n, since)) if *n >= self.attempts && since.elapsed() < self.window => {
                Err((self.window - since.elapsed()).as_secs().max(1))
            }
            _ => Ok(()),
        }
    }

    pub fn failed(&self, key: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 100_000 {
            let window = self.window;
            map.retain(|_, (_, since)| since.elapsed() < window);
        }
        let entry = map.entry(key.to_string()).or_insert((0, Instant::now()));
        if entry.1.elapsed() >= self.window {
            *entry = (0, Instant::now());
        }
        entry.0 += 1;
    }

    pub fn succeeded(&self, key: &str) {
        self.failures
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_out_after_the_allowed_failures_and_not_before() {
        let l = SignInLimit::new(3, Duration::from_secs(60));
        for _ in 0..2 {
            l.failed("a@b.se");
        }
        assert!(l.check("a@b.se").is_ok());
        l.failed("a@b.se");
        assert!(l.check("a@b.se").is_err());
        assert!(l.check("other@b.se").is_ok());
    }

    #[test]
    fn a_success_clears_the_count() {
        let l = SignInLimit::new(1, Duration::from_secs(60));
        l.failed("a@b.se");
        l.succeeded("a@b.se");
        assert!(l.check("a@b.se").is_ok());
    }

    #[test]
    fn the_lock_lifts_when_the_window_has_passed() {
        let l = SignInLimit::new(1, Duration::from_millis(1));
        l.failed("a@b.se");
        std::thread::sleep(Duration::from_millis(5));
        assert!(l.check("a@b.se").is_ok());
    }
}
