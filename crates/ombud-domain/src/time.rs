//! Time: stored as UTC in one fixed RFC 3339 form, shown in Europe/Stockholm.
//!
//! The stored form has exactly six fractional digits and a `Z`, so that text order is time order in
//! both databases.

use jiff::{Timestamp, tz::TimeZone};

/// The fixed storage form of an instant: `2026-11-25T18:19:21.123456Z`.
pub fn to_storage(ts: Timestamp) -> String {
    ts.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// Longest instant a client may send: RFC 3339 with nanoseconds and an offset is 35 characters.
pub const INSTANT_MAX: usize = 64;

/// An instant as clients send it: RFC 3339 with its offset or `Z` (`2026-09-07T10:00:00+02:00`). A
/// time without an offset names no instant and is refused, as is anything longer than
/// [`INSTANT_MAX`] or with a time zone annotation that disagrees with its offset.
pub fn parse_instant(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    if s.len() > INSTANT_MAX || s.contains('[') {
        return None;
    }
    // jiff reads RFC 3339 and RFC 9557; the offset is what makes it an instant, and jiff refuses a
    // timestamp without one. Lower-case `t`/`z` and a space for `T` are RFC 3339's own allowances.
    s.parse::<Timestamp>().ok()
}

/// An instant as RFC 3339 in Stockholm's offset at that instant: `2026-09-07T10:00:00+02:00` —
/// what exports write, readable by people and read back to the same instant.
pub fn to_local_rfc3339(ts: Timestamp) -> String {
    ts.to_zoned_datetime(stockholm())
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// What a Stockholm wall-clock time names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Local {
    /// One instant.
    Unique(Timestamp),
    /// Two: the autumn change repeats an hour (summer time first, then winter time).
    Twice {
        summer: Timestamp,
        winter: Timestamp,
    },
    /// None: the spring change skips an hour; the instants just before and after the gap.
    Skipped { before: Timestamp, after: Timestamp },
}

/// Reads a wall-clock time in Stockholm without guessing on the days the clocks change.
pub fn resolve_local(dt: jiff::civil::DateTime) -> Local {
    use jiff::tz::AmbiguousOffset;
    let tz = stockholm();
    let amb = tz.to_ambiguous_timestamp(dt);
    match amb.offset() {
        AmbiguousOffset::Unambiguous { offset } => match offset.to_timestamp(dt) {
            Ok(ts) => Local::Unique(ts),
            Err(_) => Local::Unique(Timestamp::UNIX_EPOCH),
        },
        AmbiguousOffset::Fold { before, after } => {
            match (before.to_timestamp(dt), after.to_timestamp(dt)) {
                (Ok(summer), Ok(winter)) => Local::Twice { summer, winter },
                _ => Local::Unique(Timestamp::UNIX_EPOCH),
            }
        }
        AmbiguousOffset::Gap { before, after } => {
            // The gap's edges: the last instant under the old offset and the first under the new.
            match (before.to_timestamp(dt), after.to_timestamp(dt)) {
                (Ok(a), Ok(b)) => {
                    let (lo, hi) = if a < b { (a, b) } else { (b, a) };
                    Local::Skipped {
                        before: lo,
                        after: hi,
                    }
                }
                _ => Local::Unique(Timestamp::UNIX_EPOCH),
            }
        }
    }
}

/// A wall-clock time as forms and sheets write it: `2026-09-07 10:00`, `2026-09-07T10:00` (also
/// with seconds).
pub fn parse_local(s: &str) -> Option<jiff::civil::DateTime> {
    let s = s.trim();
    if s.len() > INSTANT_MAX {
        return None;
    }
    s.replacen(' ', "T", 1)
        .parse::<jiff::civil::DateTime>()
        .ok()
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
mod instant_tests {
    use super::*;

    #[test]
    fn an_instant_needs_its_offset() {
        let t = parse_instant("2026-09-07T10:00:00+02:00").expect("offset");
        assert_eq!(to_storage(t), "2026-09-07T08:00:00.000000Z");
        assert_eq!(
            parse_instant("2026-09-07T08:00:00Z").map(to_storage),
            Some("2026-09-07T08:00:00.000000Z".into())
        );
        for bad in [
            "2026-09-07T10:00:00",
            "2026-09-07",
            "10:00",
            "",
            "igår",
            "2026-09-07T10:00:00+02:00[Europe/Stockholm]",
            "2026-02-30T10:00:00Z",
            &"9".repeat(100),
        ] {
            assert_eq!(parse_instant(bad), None, "{bad}");
        }
    }

    fn at(s: &str) -> Timestamp {
        s.parse().expect("instant")
    }

    #[test]
    fn a_local_time_on_a_dst_day_is_not_guessed() {
        let local = |s: &str| resolve_local(parse_local(s).expect("local"));
        assert_eq!(
            local("2026-10-25 02:30"),
            Local::Twice {
                summer: at("2026-10-25T00:30:00Z"),
                winter: at("2026-10-25T01:30:00Z"),
            }
        );
        assert_eq!(
            local("2026-03-29T02:30"),
            Local::Skipped {
                before: at("2026-03-29T00:30:00Z"),
                after: at("2026-03-29T01:30:00Z"),
            }
        );
        assert_eq!(
            local("2026-03-29 03:00"),
            Local::Unique(at("2026-03-29T01:00:00Z"))
        );
        assert_eq!(
            local("2026-10-25 03:00"),
            Local::Unique(at("2026-10-25T02:00:00Z"))
        );
        // Every half hour of two years either names one instant that reads back to the same wall
        // clock, or is one of the two DST hours.
        let mut dt = jiff::civil::date(2026, 1, 1).at(0, 0, 0, 0);
        let mut odd = 0;
        while dt.year() < 2028 {
            match resolve_local(dt) {
                Local::Unique(ts) => {
                    assert_eq!(ts.to_zoned_datetime(stockholm()).datetime(), dt)
                }
                Local::Twice { summer, winter } => {
                    odd += 1;
                    assert_eq!(winter.as_second() - summer.as_second(), 3600);
                }
                Local::Skipped { before, after } => {
                    odd += 1;
                    assert_eq!(after.as_second() - before.as_second(), 3600);
                }
            }
            dt = dt
                .checked_add(jiff::Span::new().minutes(30))
                .expect("in range");
        }
        // Two changes a year, each an hour of two half hours.
        assert_eq!(odd, 2 * 2 * 2);
        assert_eq!(
            to_local_rfc3339(at("2026-10-25T00:30:00Z")),
            "2026-10-25T02:30:00+02:00"
        );
        assert_eq!(
            parse_instant(&to_local_rfc3339(at("2026-10-25T01:30:00Z"))),
            Some(at("2026-10-25T01:30:00Z"))
        );
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
