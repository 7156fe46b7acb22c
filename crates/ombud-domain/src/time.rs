//! Time: stored as UTC in one fixed RFC 3339 form, shown in Europe/Stockholm.
//!
//! The stored form has exactly six fractional digits and a `Z`, so that text order is time order in
//! both databases.

use jiff::{Timestamp, tz::TimeZone};

/// The fixed storage form of an instant: `2026-11-25T18:19:21.123456Z`.
pub fn to_storage(ts: Timestamp) -> String {
    ts.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// Now, in storage form.
pub fn now() -> String {
    to_storage(Timestamp::now())
}

/// Reads a stored instant back.
pub fn from_storage(s: &str) -> Option<Timestamp> {
    s.parse().ok()
}

/// Sweden's time zone, embedded so that a machine without tzdata shows the right local time.
pub fn stockholm() -> TimeZone {
    jiff::tz::get!("Europe/Stockholm")
}

/// A stored instant as a Swede reads it: `2026-11-25 19:19` in Stockholm time.
pub fn display_local(stored: &str) -> String {
    match from_storage(stored) {
        Some(ts) => ts
            .to_zoned_datetime(stockholm())
            .strftime("%Y-%m-%d %H:%M")
            .to_string(),
        None => stored.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_form_round_trips_and_sorts_as_text() {
        let a: Timestamp = "2026-03-29T00:59:59.5Z".parse().expect("valid");
        let b: Timestamp = "2026-03-29T01:00:00Z".parse().expect("valid");
        let (sa, sb) = (to_storage(a), to_storage(b));
        assert_eq!(sa, "2026-03-29T00:59:59.500000Z");
        assert_eq!(sb, "2026-03-29T01:00:00.000000Z");
        assert!(sa < sb);
        assert_eq!(from_storage(&sa), Some(a));
    }

    #[test]
    fn local_display_follows_swedish_summer_and_winter_time() {
        assert_eq!(
            display_local("2026-01-15T12:00:00.000000Z"),
            "2026-01-15 13:00"
        );
        assert_eq!(
            display_local("2026-07-15T12:00:00.000000Z"),
            "2026-07-15 14:00"
        );
        // The spring change: 01:00 UTC on 29 March 2026 is 03:00 summer time.
        assert_eq!(
            display_local("2026-03-29T01:00:00.000000Z"),
            "2026-03-29 03:00"
        );
    }
}
