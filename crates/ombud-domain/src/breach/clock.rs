//! The 72-hour clock of art. 33.1: the notification to IMY is due no later than 72 hours after the
//! controller became aware of the breach.
//!
//! The 72 hours are elapsed time between two instants, not three civil days: across a change to or
//! from summer time the deadline's Stockholm wall-clock hour is one hour off the hour of awareness,
//! and that is right. Instants come in from the API only with an explicit offset
//! ([`parse_api_instant`]), so that no one's "10:00" is read in a zone they did not mean; a time
//! typed into the UI in Swedish civil time is resolved by [`resolve_local`], which reports the hour
//! that does not exist in spring and the hour that occurs twice in autumn instead of guessing.

use crate::Lang;
use crate::time::{Local, stockholm};
use jiff::civil::{Date, DateTime, Time};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// The time art. 33.1 allows from awareness to notification.
pub const IMY_WINDOW: SignedDuration = SignedDuration::from_hours(72);

pub use crate::time::{API_INSTANT_MAX, TimeError, parse_api_instant};

/// When the notification to IMY is due: exactly 72 hours of elapsed time after awareness.
///
/// Only an instant within 72 hours of the end of jiff's range (the year 9999) has no deadline it
/// can represent; it gets the last representable instant rather than a panic.
pub fn imy_deadline(aware_at: Timestamp) -> Timestamp {
    aware_at.checked_add(IMY_WINDOW).unwrap_or(Timestamp::MAX)
}

/// Whether a notification made at `notified_at` must give the reasons for its delay (art. 33.1,
/// last sentence). One made at the deadline itself is in time: "not later than 72 hours".
pub fn late_notification_needs_reason(deadline: Timestamp, notified_at: Timestamp) -> bool {
    notified_at > deadline
}

/// Time left until the deadline: negative once it has passed.
pub fn remaining(deadline: Timestamp, now: Timestamp) -> SignedDuration {
    deadline.duration_since(now)
}

/// The countdown as people read it: `41 h 12 min kvar`, or `försenad med 3 h 5 min` once the
/// deadline has passed.
///
/// Time left is rounded down and lateness up, both to the minute, so the countdown never promises
/// a minute that is not there and never calls a late notification "0 min" late.
pub fn remaining_text(remaining: SignedDuration, lang: Lang) -> String {
    const MINUTE: i128 = 60_000_000_000;
    let nanos = remaining.as_nanos();
    if nanos >= 0 {
        let (h, m) = hours_minutes(nanos / MINUTE);
        match lang {
            Lang::Sv => format!("{h} h {m} min kvar"),
            Lang::En => format!("{h} h {m} min left"),
        }
    } else {
        let late = -nanos;
        let (h, m) = hours_minutes((late + MINUTE - 1) / MINUTE);
        match lang {
            Lang::Sv => format!("försenad med {h} h {m} min"),
            Lang::En => format!("overdue by {h} h {m} min"),
        }
    }
}

fn hours_minutes(minutes: i128) -> (i128, i128) {
    (minutes / 60, minutes % 60)
}

/// An instant as a Swede reads it: `2026-09-10 10:00` in Stockholm time.
pub fn display_stockholm(ts: Timestamp) -> String {
    ts.to_zoned_datetime(stockholm())
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

/// A civil date and time typed in Swedish time, resolved to the instant(s) it can mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LocalTime {
    /// The usual case: one instant.
    Unique(Timestamp),
    /// The autumn hour that occurs twice (2026-10-25 02:30 is first summer time, then winter
    /// time): the person must say which.
    Ambiguous {
        earlier: Timestamp,
        later: Timestamp,
    },
    /// The spring hour that does not exist (2026-03-29 02:30: the clocks went from 02:00 to 03:00).
    /// `before` reads the time with the summer offset and lands an hour before it on the wall
    /// clock (01:30), `after` reads it with the winter offset and lands an hour after (03:30, what a
    /// clock not yet put forward showed; jiff's "compatible" choice). The person must say which.
    Nonexistent { before: Timestamp, after: Timestamp },
}

/// Resolves a civil date and time in Europe/Stockholm without guessing.
///
/// Only a civil time at the very ends of jiff's range (years -9999 and 9999), which no breach
/// record holds, cannot be expressed as an instant; it is clamped to the range rather than
/// panicking.
pub fn resolve_local(date: Date, time: Time) -> LocalTime {
    match crate::time::resolve_local(date.to_datetime(time)) {
        Local::Unique(t) => LocalTime::Unique(t),
        Local::Twice { summer, winter } => LocalTime::Ambiguous {
            earlier: summer,
            later: winter,
        },
        Local::Skipped { before, after } => LocalTime::Nonexistent { before, after },
    }
}

/// A civil date and time as Stockholm's wall clock shows an instant: the inverse of
/// [`resolve_local`].
pub fn to_local(ts: Timestamp) -> DateTime {
    ts.to_zoned_datetime(stockholm()).datetime()
}

/// A reminder sent while no decision on notification is recorded. The last comes 6 hours before
/// the deadline, which still leaves time to notify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reminder {
    H24,
    H48,
    H66,
}

impl Reminder {
    pub const ALL: [Reminder; 3] = [Reminder::H24, Reminder::H48, Reminder::H66];

    /// Hours after awareness.
    pub fn hours(self) -> i64 {
        match self {
            Reminder::H24 => 24,
            Reminder::H48 => 48,
            Reminder::H66 => 66,
        }
    }

    /// The key the API sends and storage keeps: `h24`, `h48`, `h66`.
    pub fn as_str(self) -> &'static str {
        match self {
            Reminder::H24 => "h24",
            Reminder::H48 => "h48",
            Reminder::H66 => "h66",
        }
    }

    pub fn parse(s: &str) -> Option<Reminder> {
        Reminder::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }

    /// When the reminder falls due: elapsed hours after awareness, like the deadline.
    pub fn due_at(self, aware_at: Timestamp) -> Timestamp {
        aware_at
            .checked_add(SignedDuration::from_hours(self.hours()))
            .unwrap_or(Timestamp::MAX)
    }

    /// Label for the reminder log.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Reminder::H24 => lang.pick("Påminnelse efter 24 timmar", "Reminder after 24 hours"),
            Reminder::H48 => lang.pick("Påminnelse efter 48 timmar", "Reminder after 48 hours"),
            Reminder::H66 => lang.pick("Påminnelse efter 66 timmar", "Reminder after 66 hours"),
        }
    }
}

/// The subject line of a reminder mailed at `now`. It says the time actually left (or how late),
/// not the time the reminder was planned for, since a reminder sent after a restart may be late.
pub fn reminder_subject(aware_at: Timestamp, now: Timestamp, lang: Lang) -> String {
    let left = remaining_text(remaining(imy_deadline(aware_at), now), lang);
    match lang {
        Lang::Sv => format!("Påminnelse: beslut om anmälan till IMY saknas ({left})"),
        Lang::En => format!("Reminder: no decision on notifying IMY yet ({left})"),
    }
}

/// Every reminder due at `now`: its time has come (at or after it) and it is not in
/// `already_sent`. None once a decision on notification is recorded.
///
/// When the server was down across several, all the missed ones are listed; which of them to mail
/// is [`reminder_plan`]'s choice.
pub fn reminders_due(
    aware_at: Timestamp,
    now: Timestamp,
    already_sent: &[Reminder],
    decided: bool,
) -> Vec<Reminder> {
    if decided {
        return Vec::new();
    }
    Reminder::ALL
        .into_iter()
        .filter(|r| r.due_at(aware_at) <= now && !already_sent.contains(r))
        .collect()
}

/// What to do about reminders now: at most one to send, and the missed ones to mark as skipped.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ReminderPlan {
    pub send: Option<Reminder>,
    /// Due but superseded: record them as handled (pass them in `already_sent` from now on) without
    /// mailing them.
    pub skip: Vec<Reminder>,
}

impl ReminderPlan {
    pub fn is_empty(&self) -> bool {
        self.send.is_none() && self.skip.is_empty()
    }
}

/// Which reminder to mail now: only the latest one due, the earlier missed ones being skipped, so
/// that a server back after three days sends one mail with the time that is actually left rather
/// than three in a row. A reminder earlier than one already sent is never mailed.
pub fn reminder_plan(
    aware_at: Timestamp,
    now: Timestamp,
    already_sent: &[Reminder],
    decided: bool,
) -> ReminderPlan {
    let mut skip = reminders_due(aware_at, now, already_sent, decided);
    let latest_sent = already_sent.iter().max();
    let send = match skip.last() {
        Some(r) if latest_sent.is_none_or(|s| r > s) => skip.pop(),
        _ => None,
    };
    ReminderPlan { send, skip }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{Weekday, date, time};

    fn ts(s: &str) -> Timestamp {
        s.parse().expect("test instant")
    }

    fn hours(h: i64) -> SignedDuration {
        SignedDuration::from_hours(h)
    }

    #[test]
    fn the_brief_example_holds() {
        let aware = parse_api_instant("2026-09-07T10:00:00+02:00").expect("valid");
        assert_eq!(imy_deadline(aware), ts("2026-09-10T08:00:00Z"));
        assert_eq!(display_stockholm(imy_deadline(aware)), "2026-09-10 10:00");
    }

    #[test]
    fn the_deadline_is_72_elapsed_hours_for_every_hour_of_2025_to_2028() {
        let tz = stockholm();
        let start = ts("2024-12-31T23:00:00Z"); // 2025-01-01 00:00 in Stockholm
        let end = ts("2028-12-31T23:00:00Z");
        let odd = [0i64, 1, 17, 30, 59];
        let mut aware_h = start;
        let (mut crossings, mut checked) = (0, 0);
        while aware_h < end {
            for m in odd {
                let aware = aware_h + SignedDuration::from_mins(m);
                let deadline = imy_deadline(aware);
                assert_eq!(deadline.duration_since(aware), hours(72), "{aware}");
                assert!(!late_notification_needs_reason(deadline, deadline));
                assert!(late_notification_needs_reason(
                    deadline,
                    deadline + SignedDuration::from_nanos(1)
                ));

                let (za, zd) = (
                    aware.to_zoned_datetime(tz.clone()),
                    deadline.to_zoned_datetime(tz.clone()),
                );
                let wall = zd.datetime().duration_since(za.datetime());
                let shift = zd.offset().duration_since(za.offset());
                assert_eq!(wall, hours(72) + shift, "{aware}");
                let crosses = tz
                    .following(aware)
                    .next()
                    .is_some_and(|t| t.timestamp() <= deadline);
                if crosses {
                    crossings += 1;
                    assert!(wall == hours(71) || wall == hours(73), "{aware}: {wall:?}");
                } else {
                    assert_eq!(wall, hours(72), "{aware}");
                    assert_eq!(zd.time(), za.time());
                    assert_eq!(
                        zd.date(),
                        za.date()
                            .checked_add(jiff::Span::new().days(3))
                            .expect("date")
                    );
                }
                checked += 1;
            }
            aware_h += hours(1);
        }
        // Four years of hours, five minutes each; eight changes, each crossed from 72 hours.
        assert_eq!(checked, (365 * 3 + 366) * 24 * 5);
        assert_eq!(crossings, 8 * 72 * 5);
    }

    #[test]
    fn friday_before_the_spring_change_ends_an_hour_later_on_the_wall_clock() {
        // Summer time starts Sunday 2026-03-29 at 02:00.
        let aware = ts("2026-03-27T10:00:00+01:00");
        assert_eq!(to_local(aware).date().weekday(), Weekday::Friday);
        let deadline = imy_deadline(aware);
        assert_eq!(deadline, ts("2026-03-30T09:00:00Z"));
        assert_eq!(display_stockholm(deadline), "2026-03-30 11:00");
        // Just after the change, the wall clock keeps its hour.
        let after = ts("2026-03-29T03:00:00+02:00");
        assert_eq!(display_stockholm(imy_deadline(after)), "2026-04-01 03:00");
    }

    #[test]
    fn friday_before_the_autumn_change_ends_an_hour_earlier_on_the_wall_clock() {
        // Summer time ends Sunday 2026-10-25 at 03:00, the clocks going back to 02:00.
        let aware = ts("2026-10-23T10:00:00+02:00");
        assert_eq!(to_local(aware).date().weekday(), Weekday::Friday);
        let deadline = imy_deadline(aware);
        assert_eq!(deadline, ts("2026-10-26T08:00:00Z"));
        assert_eq!(display_stockholm(deadline), "2026-10-26 09:00");
        // Aware during the repeated hour, the first time round (summer time).
        let first = ts("2026-10-25T02:30:00+02:00");
        assert_eq!(display_stockholm(imy_deadline(first)), "2026-10-28 01:30");
        let second = ts("2026-10-25T02:30:00+01:00");
        assert_eq!(display_stockholm(imy_deadline(second)), "2026-10-28 02:30");
    }

    #[test]
    fn api_instants_need_an_offset() {
        let ok = [
            ("2026-09-07T10:00:00+02:00", "2026-09-07T08:00:00Z"),
            ("2026-09-07T08:00:00Z", "2026-09-07T08:00:00Z"),
            ("2026-09-07t08:00:00z", "2026-09-07T08:00:00Z"),
            (
                "2026-09-07T08:00:00.123456789Z",
                "2026-09-07T08:00:00.123456789Z",
            ),
            ("2026-09-07T05:30:00-02:30", "2026-09-07T08:00:00Z"),
            ("2028-02-29T23:59:59+00:00", "2028-02-29T23:59:59Z"),
            // RFC 3339's "unknown local offset" still names the instant.
            ("2026-09-07T08:00:00-00:00", "2026-09-07T08:00:00Z"),
            // A leap second is taken as the second before it, as jiff does.
            ("2026-12-31T23:59:60Z", "2026-12-31T23:59:59Z"),
        ];
        for (s, want) in ok {
            assert_eq!(parse_api_instant(s), Ok(ts(want)), "{s}");
        }
        let missing = ["2026-09-07T10:00:00", "2026-09-07T10:00:00.5", "2026-09-07"];
        for s in missing {
            assert_eq!(parse_api_instant(s), Err(TimeError::MissingOffset), "{s}");
        }
        let invalid = [
            "nonsense",
            "2026-09-07T10:00+02:00",
            "2026-09-07 10:00:00+02:00",
            " 2026-09-07T10:00:00Z",
            "2026-09-07T10:00:00Z ",
            "2026-09-07T10:00:00+02:00[Europe/Stockholm]",
            "2026-09-07T10:00:00+0200",
            "2026-09-07T10:00:00+02",
            "2026-09-07T10:00:00+24:00",
            "2026-09-07T24:00:00Z",
            "2026-09-07T10:60:00Z",
            "2026-02-30T10:00:00Z",
            "2027-02-29T10:00:00Z",
            "2026-13-01T10:00:00Z",
            "2026-00-01T10:00:00Z",
            "2026-09-00T10:00:00Z",
            "2026-09-07T10:00:00.Z",
            "2026-09-07T10:00:00.1234567890Z",
            "20260907T100000Z",
            "+2026-09-07T10:00:00Z",
            "2026-09-07T10:00:00ZZ",
            "2026-09-07Tå0:00:00Z",
            "1757232000",
        ];
        for s in invalid {
            assert_eq!(parse_api_instant(s), Err(TimeError::Invalid), "{s}");
        }
        assert_eq!(parse_api_instant(""), Err(TimeError::Empty));
        assert_eq!(
            parse_api_instant(&format!("2026-09-07T10:00:00.{}Z", "0".repeat(60))),
            Err(TimeError::TooLong)
        );
        for e in [
            TimeError::Empty,
            TimeError::TooLong,
            TimeError::MissingOffset,
            TimeError::Invalid,
        ] {
            assert_ne!(e.message(Lang::Sv), e.message(Lang::En));
            assert_eq!(e.to_string(), e.code());
        }
    }

    #[test]
    fn the_known_fold_and_gap() {
        assert_eq!(
            resolve_local(date(2026, 10, 25), time(2, 30, 0, 0)),
            LocalTime::Ambiguous {
                earlier: ts("2026-10-25T00:30:00Z"),
                later: ts("2026-10-25T01:30:00Z"),
            }
        );
        assert_eq!(
            resolve_local(date(2026, 3, 29), time(2, 30, 0, 0)),
            LocalTime::Nonexistent {
                before: ts("2026-03-29T00:30:00Z"),
                after: ts("2026-03-29T01:30:00Z"),
            }
        );
        assert_eq!(
            resolve_local(date(2026, 9, 7), time(10, 0, 0, 0)),
            LocalTime::Unique(ts("2026-09-07T08:00:00Z"))
        );
    }

    #[test]
    fn every_half_hour_of_the_change_days_of_2025_to_2030() {
        let tz = stockholm();
        let known = [
            (2025, 30, 26),
            (2026, 29, 25),
            (2027, 28, 31),
            (2028, 26, 29),
            (2029, 25, 28),
            (2030, 31, 27),
        ];
        let mut cursor = ts("2025-01-01T00:00:00Z");
        for (year, spring_day, autumn_day) in known {
            let spring = date(year, 3, spring_day);
            let autumn = date(year, 10, autumn_day);
            assert_eq!(spring.weekday(), Weekday::Sunday);
            assert_eq!(autumn.weekday(), Weekday::Sunday);
            // The zone's own transitions fall on exactly these days, at 01:00 UTC.
            let mut next = tz.following(cursor);
            let (t1, t2) = (
                next.next().expect("spring").timestamp(),
                next.next().expect("autumn").timestamp(),
            );
            assert_eq!(
                t1,
                jiff::tz::Offset::UTC
                    .to_timestamp(spring.at(1, 0, 0, 0))
                    .expect("utc")
            );
            assert_eq!(
                t2,
                jiff::tz::Offset::UTC
                    .to_timestamp(autumn.at(1, 0, 0, 0))
                    .expect("utc")
            );
            cursor = t2;

            for day in [
                spring,
                autumn,
                spring.yesterday().expect("day"),
                autumn.tomorrow().expect("day"),
            ] {
                for half in 0..48 {
                    let t = time(half / 2, (half % 2) * 30, 0, 0);
                    let dt = day.to_datetime(t);
                    let got = resolve_local(day, t);
                    match got {
                        LocalTime::Nonexistent { before, after } => {
                            assert!(day == spring && t.hour() == 2, "{dt}: {got:?}");
                            assert_eq!(after.duration_since(before), hours(1));
                            assert_eq!(to_local(before), dt - hours(1));
                            assert_eq!(to_local(after), dt + hours(1));
                        }
                        LocalTime::Ambiguous { earlier, later } => {
                            assert!(day == autumn && t.hour() == 2, "{dt}: {got:?}");
                            assert_eq!(later.duration_since(earlier), hours(1));
                            assert_eq!(to_local(earlier), dt);
                            assert_eq!(to_local(later), dt);
                            assert_eq!(
                                earlier.to_zoned_datetime(tz.clone()).offset().seconds(),
                                7200
                            );
                            assert_eq!(
                                later.to_zoned_datetime(tz.clone()).offset().seconds(),
                                3600
                            );
                        }
                        LocalTime::Unique(u) => {
                            assert!(t.hour() != 2 || (day != spring && day != autumn), "{dt}");
                            assert_eq!(to_local(u), dt);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn the_ends_of_the_range_do_not_panic() {
        assert_eq!(imy_deadline(Timestamp::MAX), Timestamp::MAX);
        assert!(matches!(
            resolve_local(date(9999, 12, 31), time(23, 59, 59, 0)),
            LocalTime::Unique(_)
        ));
        assert!(matches!(
            resolve_local(date(-9999, 1, 1), time(0, 0, 0, 0)),
            LocalTime::Unique(_)
        ));
    }

    #[test]
    fn remaining_counts_down_and_then_up() {
        let deadline = ts("2026-09-10T08:00:00Z");
        let r = remaining(deadline, ts("2026-09-08T14:47:30Z"));
        assert_eq!(
            r,
            hours(41) + SignedDuration::from_mins(12) + SignedDuration::from_secs(30)
        );
        assert_eq!(remaining_text(r, Lang::Sv), "41 h 12 min kvar");
        assert_eq!(remaining_text(r, Lang::En), "41 h 12 min left");
        let late = remaining(deadline, ts("2026-09-10T11:04:30Z"));
        assert!(late.is_negative());
        assert_eq!(remaining_text(late, Lang::Sv), "försenad med 3 h 5 min");
        assert_eq!(remaining_text(late, Lang::En), "overdue by 3 h 5 min");
        assert_eq!(
            remaining_text(remaining(deadline, deadline), Lang::Sv),
            "0 h 0 min kvar"
        );
        assert_eq!(
            remaining_text(-SignedDuration::from_secs(1), Lang::Sv),
            "försenad med 0 h 1 min"
        );
        assert_eq!(remaining_text(hours(100), Lang::Sv), "100 h 0 min kvar");
        assert!(remaining_text(SignedDuration::MIN, Lang::Sv).starts_with("försenad med "));
        assert!(remaining_text(SignedDuration::MAX, Lang::En).ends_with(" min left"));
    }

    #[test]
    fn reminders_fall_due_at_24_48_and_66_elapsed_hours() {
        let aware = ts("2026-10-23T10:00:00+02:00");
        assert_eq!(Reminder::H24.due_at(aware), ts("2026-10-24T08:00:00Z"));
        assert_eq!(Reminder::H48.due_at(aware), ts("2026-10-25T08:00:00Z"));
        assert_eq!(Reminder::H66.due_at(aware), ts("2026-10-26T02:00:00Z"));
        for r in Reminder::ALL {
            assert_eq!(Reminder::parse(r.as_str()), Some(r));
            assert_eq!(
                serde_json::to_value(r).expect("serialises"),
                serde_json::json!(r.as_str())
            );
            assert_ne!(r.label(Lang::Sv), r.label(Lang::En));
        }
    }

    #[test]
    fn a_reminder_says_the_time_actually_left() {
        let aware = ts("2026-09-07T08:00:00Z");
        assert_eq!(
            reminder_subject(aware, aware + hours(66), Lang::Sv),
            "Påminnelse: beslut om anmälan till IMY saknas (6 h 0 min kvar)"
        );
        assert_eq!(
            reminder_subject(aware, aware + hours(75), Lang::En),
            "Reminder: no decision on notifying IMY yet (overdue by 3 h 0 min)"
        );
    }

    #[test]
    fn reminders_due_lists_what_has_come_and_was_not_sent() {
        let aware = ts("2026-09-07T08:00:00Z");
        let at = |h: i64| aware + hours(h);
        let tick = SignedDuration::from_nanos(1);
        assert!(reminders_due(aware, at(24) - tick, &[], false).is_empty());
        assert_eq!(
            reminders_due(aware, at(24), &[], false),
            vec![Reminder::H24]
        );
        assert!(reminders_due(aware, at(24), &[Reminder::H24], false).is_empty());
        assert_eq!(
            reminders_due(aware, at(50), &[Reminder::H24], false),
            vec![Reminder::H48]
        );
        assert_eq!(
            reminders_due(aware, at(80), &[], false),
            vec![Reminder::H24, Reminder::H48, Reminder::H66]
        );
        assert!(reminders_due(aware, at(80), &[], true).is_empty());
        assert!(reminders_due(aware, at(80), &Reminder::ALL, false).is_empty());
    }

    #[test]
    fn a_restart_after_three_days_sends_one_reminder_and_skips_the_rest() {
        let aware = ts("2026-09-07T08:00:00Z");
        let at = |h: i64| aware + hours(h);
        assert_eq!(
            reminder_plan(aware, at(75), &[], false),
            ReminderPlan {
                send: Some(Reminder::H66),
                skip: vec![Reminder::H24, Reminder::H48],
            }
        );
        assert_eq!(
            reminder_plan(aware, at(49), &[Reminder::H24], false),
            ReminderPlan {
                send: Some(Reminder::H48),
                skip: vec![],
            }
        );
        // Nothing after a decision, nothing twice.
        assert!(reminder_plan(aware, at(75), &[], true).is_empty());
        assert!(reminder_plan(aware, at(75), &Reminder::ALL, false).is_empty());
        assert!(reminder_plan(aware, at(10), &[], false).is_empty());
        // An earlier reminder missing from the log is never mailed after a later one.
        assert_eq!(
            reminder_plan(aware, at(50), &[Reminder::H48], false),
            ReminderPlan {
                send: None,
                skip: vec![Reminder::H24],
            }
        );
    }
}
