//! How fast a password may be guessed. Failed sign-ins are counted per account and per source
//! address (across instances: the counts live in the database). Past a threshold each further
//! attempt must wait a while after the last failure — longer the more failures, but never long:
//! the right password is slowed down, never locked out, so no one can lock anyone out by failing
//! on purpose. Counts end a quarter of an hour after the last failure; a success clears the
//! account's. Wrong current passwords in a password change count as failures of the account.
//!
//! With the thresholds below, one account can be guessed at about once a minute, and a source
//! address (many accounts sprayed from one place) likewise once it has failed 30 times; a city's
//! staff behind one NAT address fail far less than that in a quarter of an hour.

use jiff::{SignedDuration, Timestamp};
use sha2::{Digest, Sha256};
use std::net::IpAddr;

/// What one counted key (an account, or a source address) allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Failures that cost nothing.
    pub free: u32,
    /// The longest wait between attempts once past them.
    pub max_wait: SignedDuration,
    /// Failures are forgotten this long after the last one.
    pub window: SignedDuration,
}

/// Per account: five free failures, then 1 s, 2 s, 4 s … up to a minute between attempts.
pub const ACCOUNT: Policy = Policy {
    free: 5,
    max_wait: SignedDuration::from_secs(60),
    window: SignedDuration::from_secs(15 * 60),
};

/// Per source address: thirty free failures (many people behind one address), then the same.
pub const SOURCE: Policy = Policy {
    free: 30,
    max_wait: SignedDuration::from_secs(60),
    window: SignedDuration::from_secs(15 * 60),
};

/// The failures counted for a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failures {
    pub count: u32,
    pub last: Timestamp,
}

impl Policy {
    /// How long the next attempt must still wait at `now`; zero when it may go ahead.
    pub fn wait(&self, failures: Option<Failures>, now: Timestamp) -> SignedDuration {
        let Some(f) = self.current(failures, now) else {
            return SignedDuration::ZERO;
        };
        if f.count < self.free {
            return SignedDuration::ZERO;
        }
        let over = f.count - self.free;
        // 1 s, 2 s, 4 s, … capped (the shift is bounded so it cannot overflow).
        let wait = SignedDuration::from_secs(1i64 << over.min(20)).min(self.max_wait);
        let until = f.last + wait;
        if until > now {
            until.duration_since(now)
        } else {
            SignedDuration::ZERO
        }
    }

    /// The count after a failure at `now`.
    pub fn after_failure(&self, failures: Option<Failures>, now: Timestamp) -> Failures {
        let count = self.current(failures, now).map_or(0, |f| f.count);
        Failures {
            count: count.saturating_add(1),
            last: now,
        }
    }

    /// The failures still counted at `now`: none once the window has passed since the last.
    fn current(&self, failures: Option<Failures>, now: Timestamp) -> Option<Failures> {
        failures.filter(|f| now.duration_since(f.last) < self.window)
    }
}

fn hashed(what: &str, value: &str) -> String {
    let digest = Sha256::digest(format!("{what}:{value}").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The key an account's failures are counted under: its address as typed, trimmed and lower-cased
/// (whether or not anyone has it: guessing at an unknown address is slowed down alike).
pub fn account_key(email: &str) -> String {
    hashed("account", &email.trim().to_lowercase())
}

/// The key a source address's failures are counted under. An IPv6 address counts by its /64, the
/// block one connection is usually given whole.
pub fn source_key(addr: IpAddr) -> String {
    let shown = match addr {
        IpAddr::V4(a) => a.to_string(),
        IpAddr::V6(a) => match a.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = a.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    };
    hashed("source", &shown)
}

/// Whole seconds to tell a client to wait (at least one when there is any wait).
pub fn retry_after(wait: SignedDuration) -> u64 {
    let s = wait.as_secs();
    let s = if wait.subsec_nanos() > 0 { s + 1 } else { s };
    u64::try_from(s.max(1)).unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + s).expect("a time")
    }

    fn failed(p: &Policy, n: u32, last: i64) -> Option<Failures> {
        let mut f = None;
        for _ in 0..n {
            f = Some(p.after_failure(f, at(last)));
        }
        f
    }

    #[test]
    fn the_free_failures_cost_nothing() {
        for n in 0..ACCOUNT.free {
            assert_eq!(
                ACCOUNT.wait(failed(&ACCOUNT, n, 0), at(0)),
                SignedDuration::ZERO,
                "{n}"
            );
        }
    }

    #[test]
    fn past_them_the_wait_doubles_up_to_a_minute_and_never_more() {
        let mut expected = 1;
        for n in ACCOUNT.free..ACCOUNT.free + 30 {
            let w = ACCOUNT.wait(failed(&ACCOUNT, n, 0), at(0));
            assert_eq!(w, SignedDuration::from_secs(expected.min(60)), "{n}");
            expected *= 2;
        }
        // A huge count does not overflow.
        let huge = Some(Failures {
            count: u32::MAX,
            last: at(0),
        });
        assert_eq!(ACCOUNT.wait(huge, at(0)), SignedDuration::from_secs(60));
        assert_eq!(ACCOUNT.after_failure(huge, at(1)).count, u32::MAX);
    }

    #[test]
    fn the_wait_runs_from_the_last_failure() {
        let f = failed(&ACCOUNT, ACCOUNT.free + 3, 100); // 8 s
        assert_eq!(ACCOUNT.wait(f, at(103)), SignedDuration::from_secs(5));
        assert_eq!(ACCOUNT.wait(f, at(108)), SignedDuration::ZERO);
        assert_eq!(retry_after(ACCOUNT.wait(f, at(103))), 5);
    }

    #[test]
    fn the_count_is_forgotten_a_window_after_the_last_failure() {
        let f = failed(&ACCOUNT, 50, 0);
        assert!(ACCOUNT.wait(f, at(59)) > SignedDuration::ZERO);
        assert_eq!(ACCOUNT.wait(f, at(15 * 60)), SignedDuration::ZERO);
        assert_eq!(ACCOUNT.after_failure(f, at(15 * 60)).count, 1);
        assert_eq!(ACCOUNT.after_failure(f, at(15 * 60 - 1)).count, 51);
    }

    #[test]
    fn a_source_address_has_more_free_failures() {
        assert_eq!(
            SOURCE.wait(failed(&SOURCE, 29, 0), at(0)),
            SignedDuration::ZERO
        );
        assert_eq!(
            SOURCE.wait(failed(&SOURCE, 30, 0), at(0)),
            SignedDuration::from_secs(1)
        );
    }

    #[test]
    fn keys_hide_what_they_count_and_group_an_ipv6_block() {
        let k = account_key(" Anna@Exempelstad.se ");
        assert_eq!(k, account_key("anna@exempelstad.se"));
        assert_eq!(k.len(), 64);
        assert!(!k.contains("anna"));
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().expect("an address");
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().expect("an address");
        let c: IpAddr = "2001:db8:1:3::1".parse().expect("an address");
        assert_eq!(source_key(a), source_key(b));
        assert_ne!(source_key(a), source_key(c));
        let v4: IpAddr = "192.0.2.7".parse().expect("an address");
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().expect("an address");
        assert_eq!(source_key(v4), source_key(mapped));
        assert_ne!(source_key(v4), account_key("192.0.2.7"));
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        assert_eq!(retry_after(SignedDuration::from_millis(1)), 1);
        assert_eq!(retry_after(SignedDuration::from_millis(1500)), 2);
        assert_eq!(retry_after(SignedDuration::ZERO), 1);
    }
}
