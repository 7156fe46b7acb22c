//! Time: stored as UTC in one fixed RFC 3339 form, shown in Europe/Stockholm.
//!
//! The stored form has exactly six fractional digits and a `Z`, so that text order is time order in
//! both databases.

use crate::Lang;
use jiff::{Timestamp, tz::TimeZone};

/// The fixed storage form of an instant: `2026-11-25T18:19:21.123456Z`.
pub fn to_storage(ts: Timestamp) -> String {
    ts.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// Longest instant text accepted from the API: RFC 3339 with nanoseconds is 35 characters, so
/// anything longer is not an instant, and a bound keeps the parser's work small.
pub const API_INSTANT_MAX: usize = 64;

/// An instant as clients send it, see [`parse_api_instant`]; surrounding space is trimmed (a form's
/// or a sheet's value), and what is refused is `None`.
pub fn parse_instant(s: &str) -> Option<Timestamp> {
    parse_api_instant(s.trim()).ok()
}

/// Why an instant from the API was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    #[error("required")]
    Empty,
    #[error("too_long")]
    TooLong,
    /// A civil date and time, or a bare date: which instant is meant depends on a zone not given.
    #[error("missing_offset")]
    MissingOffset,
    #[error("invalid_instant")]
    Invalid,
}

impl TimeError {
    /// A stable machine-readable code, for API clients.
    pub fn code(self) -> &'static str {
        match self {
            TimeError::Empty => "required",
            TimeError::TooLong => "too_long",
            TimeError::MissingOffset => "missing_offset",
            TimeError::Invalid => "invalid_instant",
        }
    }

    /// The crate's general rule, for carrying the failure as an [`crate::Invalid`].
    pub fn rule(self) -> crate::Rule {
        match self {
            TimeError::Empty => crate::Rule::Required,
            TimeError::TooLong => crate::Rule::TooLong {
                max: API_INSTANT_MAX,
            },
            TimeError::MissingOffset | TimeError::Invalid => crate::Rule::InvalidValue,
        }
    }

    /// The text a person reads.
    pub fn message(self, lang: Lang) -> &'static str {
        match self {
            TimeError::Empty => lang.pick("Ange en tidpunkt.", "Give an instant."),
            TimeError::TooLong => lang.pick(
                "Tidpunkten är för lång för att vara en tidpunkt.",
                "The text is too long to be an instant.",
            ),
            TimeError::MissingOffset => lang.pick(
                "Ange tidpunkten med tidszon, till exempel 2026-09-07T10:00:00+02:00 eller 2026-09-07T08:00:00Z.",
                "Give the instant with its offset, e.g. 2026-09-07T10:00:00+02:00 or 2026-09-07T08:00:00Z.",
            ),
            TimeError::Invalid => lang.pick(
                "Ange tidpunkten enligt RFC 3339, till exempel 2026-09-07T10:00:00+02:00.",
                "Give the instant in RFC 3339 form, e.g. 2026-09-07T10:00:00+02:00.",
            ),
        }
    }
}

/// Reads an instant from the API: RFC 3339 with an explicit offset or `Z`, such as
/// `2026-09-07T10:00:00+02:00` or `2026-09-07T08:00:00.5Z`.
///
/// The shape is checked by hand before jiff reads the value, because jiff's own parser is kinder
/// than the API should be: it would take a zone annotation, a space for the `T`, a time without
/// seconds. Seconds are required (as in RFC 3339), a fraction may have at most nine digits, the
/// `T` and `Z` may be lower case (RFC 3339 §5.6), a leap second is read as the second before it,
/// and surrounding space is refused rather than trimmed, as it is not part of an instant. Whether
/// the instant is plausible (not in the future, not before it must follow) is the caller's rule.
pub fn parse_api_instant(s: &str) -> Result<Timestamp, TimeError> {
    if s.is_empty() {
        return Err(TimeError::Empty);
    }
    if s.len() > API_INSTANT_MAX {
        return Err(TimeError::TooLong);
    }
    check_rfc3339(s.as_bytes())?;
    s.to_ascii_uppercase()
        .parse::<Timestamp>()
        .map_err(|_| TimeError::Invalid)
}

/// Exactly `n` ASCII digits at `at`, as a number.
fn digits(b: &[u8], at: usize, n: usize) -> Option<u32> {
    let part = b.get(at..at + n)?;
    part.iter().try_fold(0u32, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

fn byte_is(b: &[u8], at: usize, want: &[u8]) -> bool {
    b.get(at).is_some_and(|c| want.contains(c))
}

fn check_rfc3339(b: &[u8]) -> Result<(), TimeError> {
    use TimeError::{Invalid, MissingOffset};
    // full-date = YYYY-MM-DD
    let (Some(_), Some(month), Some(day)) = (digits(b, 0, 4), digits(b, 5, 2), digits(b, 8, 2))
    else {
        return Err(Invalid);
    };
    if !byte_is(b, 4, b"-") || !byte_is(b, 7, b"-") || !(1..=12).contains(&month) {
        return Err(Invalid);
    }
    if !(1..=31).contains(&day) {
        return Err(Invalid);
    }
    if b.len() == 10 {
        return Err(MissingOffset);
    }
    // "T" partial-time = HH:MM:SS[.fraction]
    if !byte_is(b, 10, b"Tt") {
        return Err(Invalid);
    }
    let (Some(hour), Some(minute), Some(second)) =
        (digits(b, 11, 2), digits(b, 14, 2), digits(b, 17, 2))
    else {
        return Err(Invalid);
    };
    if !byte_is(b, 13, b":") || !byte_is(b, 16, b":") {
        return Err(Invalid);
    }
    if hour > 23 || minute > 59 || second > 60 {
        return Err(Invalid);
    }
    let mut at = 19;
    if byte_is(b, at, b".") {
        let fraction = b[at + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if !(1..=9).contains(&fraction) {
            return Err(Invalid);
        }
        at += 1 + fraction;
    }
    // time-offset = "Z" / ("+" / "-") HH:MM
    match b.get(at) {
        None => Err(MissingOffset),
        Some(b'Z' | b'z') if b.len() == at + 1 => Ok(()),
        Some(b'+' | b'-') if b.len() == at + 6 => {
            match (digits(b, at + 1, 2), digits(b, at + 4, 2)) {
                (Some(h), Some(m)) if byte_is(b, at + 3, b":") && h <= 23 && m <= 59 => Ok(()),
                _ => Err(Invalid),
            }
        }
        _ => Err(Invalid),
    }
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

/// The instant a Stockholm wall-clock time falls on, for Ombud's own timetables (the end of a
/// request's last day, a reminder at seven, the nightly run): on the day the clocks go back the
/// first of the two, on the day they go forward the instant after the gap. Never for what a person
/// typed — that is [`resolve_local`], which asks.
pub fn stockholm_instant(day: jiff::civil::Date, at: jiff::civil::Time) -> Timestamp {
    match resolve_local(day.to_datetime(at)) {
        Local::Unique(t) => t,
        Local::Twice { summer, .. } => summer,
        Local::Skipped { after, .. } => after,
    }
}

/// Reads a wall-clock time in Stockholm without guessing on the days the clocks change.
pub fn resolve_local(dt: jiff::civil::DateTime) -> Local {
    use jiff::tz::{AmbiguousOffset, Offset};
    // Only at the ends of jiff's range (years ±9999) has an offset no instant; the end it is at.
    let at = |offset: Offset| {
        offset.to_timestamp(dt).unwrap_or(if dt.year() < 0 {
            Timestamp::MIN
        } else {
            Timestamp::MAX
        })
    };
    match stockholm().to_ambiguous_timestamp(dt).offset() {
        AmbiguousOffset::Unambiguous { offset } => Local::Unique(at(offset)),
        AmbiguousOffset::Fold { before, after } => Local::Twice {
            summer: at(before),
            winter: at(after),
        },
        // The offset in force after the gap gives the earlier instant.
        AmbiguousOffset::Gap { before, after } => Local::Skipped {
            before: at(after),
            after: at(before),
        },
    }
}

/// A wall-clock time as forms and sheets write it: `2026-09-07 10:00`, `2026-09-07T10:00` (also
/// with seconds).
pub fn parse_local(s: &str) -> Option<jiff::civil::DateTime> {
    let s = s.trim();
    if s.len() > API_INSTANT_MAX {
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
