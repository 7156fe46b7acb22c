//! The time limit of a data subject request (art. 12.3): one month from receipt, which may be
//! extended by two further months where necessary, the requester being told of the extension and its
//! reasons within the first month.
//!
//! Counted as Regulation (EEC, Euratom) No 1182/71 art. 3 counts periods (as the EDPB's guidelines
//! 01/2022 on the right of access apply it): the day of receipt is not counted; a period in months
//! ends on the same date of the last month, or on that month's last day when the date does not exist
//! there; a period whose last day is a Saturday, a Sunday or a public holiday ends on the next working
//! day. An extension is counted from receipt, not from the first deadline.

use super::calendar::{ExtraDaysOff, this_or_next_working_day, working_days_before};
use crate::{Invalid, Rule};
use jiff::civil::Date;

/// The longest time limit: one month and two more.
pub const MONTHS_MAX: u8 = 3;

/// The same date `months` later, or that month's last day when the date does not exist there.
pub fn same_date_months_later(from: Date, months: u32) -> Date {
    let total = i64::from(from.month()) - 1 + i64::from(months);
    let year = i64::from(from.year()) + total / 12;
    let month = (total % 12 + 1) as i8;
    let Ok(year) = i16::try_from(year) else {
        return Date::MAX;
    };
    let Ok(first) = Date::new(year, month, 1) else {
        return Date::MAX;
    };
    let day = from.day().min(first.days_in_month());
    Date::new(year, month, day).unwrap_or(first)
}

/// The last day to answer a request received on `received_on`, with `months` in all (1 without an
/// extension, 2 or 3 with one).
pub fn due_on(received_on: Date, months: u8, extra: ExtraDaysOff) -> Date {
    this_or_next_working_day(
        same_date_months_later(received_on, u32::from(months)),
        extra,
    )
}

/// An extension as asked for: by one or two months, with its reason, and the requester told within
/// the first month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension {
    pub months: u8,
    pub reason: String,
    pub requester_informed_on: Date,
}

/// Checks an extension of a request received on `received_on` and answers the new deadline, counted
/// from receipt. `today` bounds when the requester can have been told.
pub fn extend(
    received_on: Date,
    months: i64,
    reason: &str,
    requester_informed_on: Date,
    today: Date,
    extra: ExtraDaysOff,
) -> Result<(Extension, Date), Vec<Invalid>> {
    let mut errors = Vec::new();
    let months = match u8::try_from(months) {
        Ok(m @ (1 | 2)) => m,
        _ => {
            errors.push(Invalid::new("months", Rule::InvalidValue));
            1
        }
    };
    let reason = match crate::text::optional_text("reason", Some(reason), 4000) {
        Ok(Some(r)) => r,
        Ok(None) => {
            errors.push(Invalid::new("reason", Rule::Required));
            String::new()
        }
        Err(e) => {
            errors.push(e);
            String::new()
        }
    };
    // Art. 12.3: the requester is told within one month of receipt, and cannot have been told
    // before the request came or after today.
    let first = due_on(received_on, 1, extra);
    if requester_informed_on < received_on {
        errors.push(Invalid::new("requester_informed_on", Rule::DateTooEarly));
    } else if requester_informed_on > today {
        errors.push(Invalid::new("requester_informed_on", Rule::DateInFuture));
    } else if requester_informed_on > first {
        errors.push(Invalid::new("requester_informed_on", Rule::AfterFirstMonth));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok((
        Extension {
            months,
            reason,
            requester_informed_on,
        },
        due_on(received_on, 1 + months, extra),
    ))
}

/// When to remind before a deadline: 7 and 2 working days before it.
pub fn reminders(due: Date, extra: ExtraDaysOff) -> [Date; 2] {
    [
        working_days_before(due, 7, extra),
        working_days_before(due, 2, extra),
    ]
}

#[cfg(test)]
mod tests {
    use super::super::calendar::{is_public_holiday, is_working_day};
    use super::*;
    use jiff::civil::{Weekday, date};

    const NONE: ExtraDaysOff = ExtraDaysOff {
        midsommarafton: false,
        julafton: false,
        nyarsafton: false,
    };

    #[test]
    fn the_public_example_rolls_past_the_weekend_and_extends_from_receipt() {
        // 10 October 2026 is a Saturday.
        assert_eq!(due_on(date(2026, 9, 10), 1, NONE), date(2026, 10, 12));
        assert_eq!(due_on(date(2026, 9, 10), 3, NONE), date(2026, 12, 10));
    }

    #[test]
    fn month_ends_and_leap_years() {
        assert_eq!(
            same_date_months_later(date(2026, 1, 31), 1),
            date(2026, 2, 28)
        );
        assert_eq!(
            same_date_months_later(date(2028, 1, 31), 1),
            date(2028, 2, 29)
        );
        assert_eq!(
            same_date_months_later(date(2028, 2, 29), 1),
            date(2028, 3, 29)
        );
        assert_eq!(
            same_date_months_later(date(2026, 3, 31), 1),
            date(2026, 4, 30)
        );
        assert_eq!(
            same_date_months_later(date(2026, 11, 30), 3),
            date(2027, 2, 28)
        );
        assert_eq!(
            same_date_months_later(date(2026, 12, 15), 1),
            date(2027, 1, 15)
        );
        // 31 January 2026 → 28 February, a Saturday → Monday 2 March.
        assert_eq!(due_on(date(2026, 1, 31), 1, NONE), date(2026, 3, 2));
        // 2100 is not a leap year.
        assert_eq!(
            same_date_months_later(date(2100, 1, 29), 1),
            date(2100, 2, 28)
        );
    }

    #[test]
    fn holidays_move_the_end_to_the_next_working_day() {
        // Received 3 March 2026: 3 April is Good Friday → Tuesday 7 April after Easter Monday.
        assert_eq!(due_on(date(2026, 3, 3), 1, NONE), date(2026, 4, 7));
        // Received 14 April 2026: 14 May is Ascension Day → Friday 15 May.
        assert_eq!(due_on(date(2026, 4, 14), 1, NONE), date(2026, 5, 15));
        // Received 1 April 2026: 1 May is a holiday (a Friday) → Monday 4 May.
        assert_eq!(due_on(date(2026, 4, 1), 1, NONE), date(2026, 5, 4));
        // Received 6 May 2027: 6 June is a Sunday (and the national day) → Monday 7 June.
        assert_eq!(due_on(date(2027, 5, 6), 1, NONE), date(2027, 6, 7));
        // Received 24 November 2026: 24 December (Thursday) is no holiday in law, but can be chosen.
        assert_eq!(due_on(date(2026, 11, 24), 1, NONE), date(2026, 12, 24));
        let eves = ExtraDaysOff {
            julafton: true,
            ..NONE
        };
        assert_eq!(due_on(date(2026, 11, 24), 1, eves), date(2026, 12, 28));
        // Received 19 May 2026: 19 June is midsommarafton (Friday); with it chosen, Monday 22 June.
        assert_eq!(due_on(date(2026, 5, 19), 1, NONE), date(2026, 6, 19));
        let mids = ExtraDaysOff {
            midsommarafton: true,
            ..NONE
        };
        assert_eq!(due_on(date(2026, 5, 19), 1, mids), date(2026, 6, 22));
        // Received 30 November 2026 with nyårsafton chosen: 30 December is a Wednesday, kept.
        let ny = ExtraDaysOff {
            nyarsafton: true,
            ..NONE
        };
        assert_eq!(due_on(date(2026, 11, 30), 1, ny), date(2026, 12, 30));
        assert_eq!(
            due_on(date(2026, 11, 30), 1, ny),
            due_on(date(2026, 11, 30), 1, NONE)
        );
        assert_eq!(due_on(date(2026, 12, 31), 1, NONE), date(2027, 2, 1));
    }

    /// Every day of receipt from 1990 to 2099, for every length and every choice of days off: the
    /// deadline is a working day, never before the same date (or month end) of the last month, and
    /// every day between them is a day off.
    #[test]
    fn every_deadline_of_a_century_is_the_first_working_day_from_the_same_date() {
        let choices = [
            NONE,
            ExtraDaysOff {
                midsommarafton: true,
                julafton: true,
                nyarsafton: true,
            },
        ];
        let mut d = date(1990, 1, 1);
        while d < date(2100, 1, 1) {
            for months in 1..=MONTHS_MAX {
                let nominal = same_date_months_later(d, u32::from(months));
                assert!(nominal.day() == d.day() || nominal.day() == nominal.days_in_month());
                assert_eq!(
                    i32::from(nominal.year()) * 12 + i32::from(nominal.month()),
                    i32::from(d.year()) * 12 + i32::from(d.month()) + i32::from(months)
                );
                for extra in choices {
                    let due = due_on(d, months, extra);
                    assert!(is_working_day(due, extra), "{d} +{months}: {due}");
                    assert!(
                        due >= nominal && (due - nominal).get_days() <= 5,
                        "{d}: {due}"
                    );
                    let mut between = nominal;
                    while between < due {
                        assert!(!is_working_day(between, extra), "{d}: {between} works");
                        between = between.tomorrow().expect("a day");
                    }
                    assert_ne!(due.weekday(), Weekday::Saturday);
                    assert!(!is_public_holiday(due));
                }
            }
            d = d.tomorrow().expect("a day");
        }
    }

    #[test]
    fn an_extension_is_one_or_two_months_with_a_reason_told_within_the_first_month() {
        let received = date(2026, 9, 10);
        let today = date(2026, 10, 1);
        let (e, due) =
            extend(received, 2, "Omfattande", date(2026, 9, 20), today, NONE).expect("ok");
        assert_eq!(due, date(2026, 12, 10));
        assert_eq!(e.months, 2);
        let (_, one) = extend(
            received,
            1,
            "Många register",
            date(2026, 9, 20),
            today,
            NONE,
        )
        .expect("ok");
        assert_eq!(one, date(2026, 11, 10));
        let fields = |r: Result<(Extension, Date), Vec<Invalid>>| {
            r.expect_err("refused")
                .iter()
                .map(|i| i.field)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            fields(extend(received, 3, "x", date(2026, 9, 20), today, NONE)),
            vec!["months"]
        );
        assert_eq!(
            fields(extend(received, 0, "x", date(2026, 9, 20), today, NONE)),
            vec!["months"]
        );
        assert_eq!(
            fields(extend(received, 1, "  ", date(2026, 9, 20), today, NONE)),
            vec!["reason"]
        );
        assert_eq!(
            fields(extend(received, 1, "x", date(2026, 9, 9), today, NONE)),
            vec!["requester_informed_on"]
        );
        assert_eq!(
            fields(extend(received, 1, "x", date(2026, 10, 2), today, NONE)),
            vec!["requester_informed_on"]
        );
        // Told on the last day of the first month (rolled to Monday 12 October): in time.
        assert!(
            extend(
                received,
                1,
                "x",
                date(2026, 10, 12),
                date(2026, 10, 12),
                NONE
            )
            .is_ok()
        );
        assert_eq!(
            fields(extend(
                received,
                1,
                "x",
                date(2026, 10, 13),
                date(2026, 10, 20),
                NONE
            )),
            vec!["requester_informed_on"]
        );
    }

    #[test]
    fn reminders_come_seven_and_two_working_days_ahead() {
        assert_eq!(
            reminders(date(2026, 4, 7), NONE),
            [date(2026, 3, 25), date(2026, 4, 1)]
        );
    }
}
