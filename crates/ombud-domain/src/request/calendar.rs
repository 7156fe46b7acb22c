//! Sweden's public holidays (allmänna helgdagar, lag 1989:253) for any year, and the days an
//! organisation adds as not working (midsommarafton, julafton, nyårsafton), which are not public
//! holidays in law and so count only when the organisation says so.
//!
//! The law's holidays: every Sunday; nyårsdagen (1 January), trettondedag jul (6 January),
//! långfredagen, påskdagen, annandag påsk, Kristi himmelsfärdsdag (the sixth Thursday after Easter),
//! första maj, pingstdagen (the seventh Sunday after Easter), Sveriges nationaldag (6 June),
//! midsommardagen (the Saturday 20–26 June), alla helgons dag (the Saturday 31 October – 6 November),
//! juldagen (25 December) and annandag jul (26 December).

use jiff::civil::{Date, Weekday, date};
use serde::{Deserialize, Serialize};

/// Easter Sunday of a Gregorian year (the anonymous Gregorian algorithm, "Meeus/Jones/Butcher").
pub fn easter_sunday(year: i16) -> Date {
    let y = i32::from(year);
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    // month is 3 or 4 and day 1–31 by construction.
    date(year, month as i8, day as i8)
}

/// A named public holiday of a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holiday {
    pub on: Date,
    pub name: &'static str,
}

fn offset(d: Date, days: i64) -> Date {
    d.checked_add(jiff::Span::new().days(days)).unwrap_or(d)
}

/// The first day on or after `from` that is `weekday`.
fn first_on_or_after(from: Date, weekday: Weekday) -> Date {
    let ahead = (7 + i64::from(weekday.to_monday_zero_offset())
        - i64::from(from.weekday().to_monday_zero_offset()))
        % 7;
    offset(from, ahead)
}

/// The public holidays of a year other than its Sundays, in date order.
pub fn holidays(year: i16) -> Vec<Holiday> {
    let easter = easter_sunday(year);
    let mut out = vec![
        Holiday {
            on: date(year, 1, 1),
            name: "Nyårsdagen",
        },
        Holiday {
            on: date(year, 1, 6),
            name: "Trettondedag jul",
        },
        Holiday {
            on: offset(easter, -2),
            name: "Långfredagen",
        },
        Holiday {
            on: easter,
            name: "Påskdagen",
        },
        Holiday {
            on: offset(easter, 1),
            name: "Annandag påsk",
        },
        Holiday {
            on: offset(easter, 39),
            name: "Kristi himmelsfärdsdag",
        },
        Holiday {
            on: date(year, 5, 1),
            name: "Första maj",
        },
        Holiday {
            on: offset(easter, 49),
            name: "Pingstdagen",
        },
        Holiday {
            on: date(year, 6, 6),
            name: "Sveriges nationaldag",
        },
        Holiday {
            on: first_on_or_after(date(year, 6, 20), Weekday::Saturday),
            name: "Midsommardagen",
        },
        Holiday {
            on: first_on_or_after(date(year, 10, 31), Weekday::Saturday),
            name: "Alla helgons dag",
        },
        Holiday {
            on: date(year, 12, 25),
            name: "Juldagen",
        },
        Holiday {
            on: date(year, 12, 26),
            name: "Annandag jul",
        },
    ];
    out.sort_by_key(|h| h.on);
    out
}

/// Whether a day is a public holiday in Sweden (Sundays included).
pub fn is_public_holiday(d: Date) -> bool {
    d.weekday() == Weekday::Sunday || holidays(d.year()).iter().any(|h| h.on == d)
}

/// "a", "a och b", "a, b och c".
fn and_list(names: &[&str], and: &str) -> String {
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => (*last).to_string(),
        Some((last, rest)) => format!("{} {and} {last}", rest.join(", ")),
    }
}

/// The days an organisation does not work besides weekends and public holidays. Off unless chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExtraDaysOff {
    /// The Friday 19–25 June.
    pub midsommarafton: bool,
    /// 24 December.
    pub julafton: bool,
    /// 31 December.
    pub nyarsafton: bool,
}

impl ExtraDaysOff {
    /// The days chosen, by name, in the calendar's order.
    pub fn names(self, lang: crate::Lang) -> Vec<&'static str> {
        let sv = lang == crate::Lang::Sv;
        [
            (
                self.midsommarafton,
                if sv {
                    "midsommarafton"
                } else {
                    "Midsummer Eve"
                },
            ),
            (self.julafton, if sv { "julafton" } else { "Christmas Eve" }),
            (
                self.nyarsafton,
                if sv { "nyårsafton" } else { "New Year's Eve" },
            ),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect()
    }

    /// What a time limit is counted around, in a sentence's words: "lördagar, söndagar och
    /// helgdagar" and the days chosen.
    pub fn describe(self, lang: crate::Lang) -> String {
        let (mut all, and) = match lang {
            crate::Lang::Sv => (vec!["Lördagar", "söndagar", "allmänna helgdagar"], "och"),
            crate::Lang::En => (vec!["Saturdays", "Sundays", "public holidays"], "and"),
        };
        all.extend(self.names(lang));
        and_list(&all, and)
    }

    pub fn contains(self, d: Date) -> bool {
        (self.midsommarafton
            && d.month() == 6
            && d.weekday() == Weekday::Friday
            && (19..=25).contains(&d.day()))
            || (self.julafton && d.month() == 12 && d.day() == 24)
            || (self.nyarsafton && d.month() == 12 && d.day() == 31)
    }
}

/// Whether a day is a working day: not a Saturday, not a public holiday (nor a Sunday), and not one
/// of the organisation's own days off.
pub fn is_working_day(d: Date, extra: ExtraDaysOff) -> bool {
    d.weekday() != Weekday::Saturday && !is_public_holiday(d) && !extra.contains(d)
}

/// The day itself if it is a working day, else the next that is.
pub fn this_or_next_working_day(d: Date, extra: ExtraDaysOff) -> Date {
    let mut day = d;
    // A run of days off is at most a handful long (Easter: Friday to Monday); the bound guards the
    // end of the calendar.
    for _ in 0..31 {
        if is_working_day(day, extra) {
            return day;
        }
        match day.tomorrow() {
            Ok(next) => day = next,
            Err(_) => return day,
        }
    }
    day
}

/// The working day `n` working days before `d` (for reminders ahead of a deadline).
pub fn working_days_before(d: Date, n: u32, extra: ExtraDaysOff) -> Date {
    let mut day = d;
    let mut left = n;
    while left > 0 {
        match day.yesterday() {
            Ok(prev) => day = prev,
            Err(_) => return day,
        }
        if is_working_day(day, extra) {
            left -= 1;
        }
    }
    day
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_days_off_are_described_in_words() {
        use crate::Lang;
        assert_eq!(
            ExtraDaysOff::default().describe(Lang::Sv),
            "Lördagar, söndagar och allmänna helgdagar"
        );
        let two = ExtraDaysOff {
            julafton: true,
            nyarsafton: true,
            ..ExtraDaysOff::default()
        };
        assert_eq!(
            two.describe(Lang::Sv),
            "Lördagar, söndagar, allmänna helgdagar, julafton och nyårsafton"
        );
        let all = ExtraDaysOff {
            midsommarafton: true,
            ..two
        };
        assert_eq!(
            all.describe(Lang::En),
            "Saturdays, Sundays, public holidays, Midsummer Eve, Christmas Eve and New Year's Eve"
        );
    }

    #[test]
    fn easter_matches_the_published_dates() {
        // Svenska kyrkans almanacka / the Gregorian tables.
        for (y, m, d) in [
            (1900, 4, 15),
            (1943, 4, 25),
            (1954, 4, 18),
            (1961, 4, 2),
            (2000, 4, 23),
            (2008, 3, 23),
            (2011, 4, 24),
            (2019, 4, 21),
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2028, 4, 16),
            (2029, 4, 1),
            (2030, 4, 21),
            (2038, 4, 25),
            (2285, 3, 22),
        ] {
            assert_eq!(easter_sunday(y), date(y, m, d), "{y}");
        }
    }

    #[test]
    fn easter_is_a_sunday_between_22_march_and_25_april_every_year() {
        for y in 1583..=4099 {
            let e = easter_sunday(y);
            assert_eq!(e.weekday(), Weekday::Sunday, "{y}");
            assert!(e >= date(y, 3, 22) && e <= date(y, 4, 25), "{y}: {e}");
        }
    }

    #[test]
    fn the_holidays_of_2026_are_the_almanacs() {
        let got: Vec<(Date, &str)> = holidays(2026).iter().map(|h| (h.on, h.name)).collect();
        assert_eq!(
            got,
            vec![
                (date(2026, 1, 1), "Nyårsdagen"),
                (date(2026, 1, 6), "Trettondedag jul"),
                (date(2026, 4, 3), "Långfredagen"),
                (date(2026, 4, 5), "Påskdagen"),
                (date(2026, 4, 6), "Annandag påsk"),
                (date(2026, 5, 1), "Första maj"),
                (date(2026, 5, 14), "Kristi himmelsfärdsdag"),
                (date(2026, 5, 24), "Pingstdagen"),
                (date(2026, 6, 6), "Sveriges nationaldag"),
                (date(2026, 6, 20), "Midsommardagen"),
                (date(2026, 10, 31), "Alla helgons dag"),
                (date(2026, 12, 25), "Juldagen"),
                (date(2026, 12, 26), "Annandag jul"),
            ]
        );
    }

    #[test]
    fn the_moving_holidays_fall_where_the_law_puts_them_every_year() {
        for y in 1990..=2200 {
            let h = holidays(y);
            let find = |name: &str| h.iter().find(|x| x.name == name).expect(name).on;
            let e = easter_sunday(y);
            assert_eq!(find("Långfredagen").weekday(), Weekday::Friday);
            assert_eq!(find("Annandag påsk").weekday(), Weekday::Monday);
            let ascension = find("Kristi himmelsfärdsdag");
            assert_eq!(ascension.weekday(), Weekday::Thursday, "{y}");
            assert_eq!(ascension, offset(e, 39));
            assert_eq!(find("Pingstdagen").weekday(), Weekday::Sunday);
            let mids = find("Midsommardagen");
            assert_eq!(mids.weekday(), Weekday::Saturday);
            assert!(
                (20..=26).contains(&mids.day()) && mids.month() == 6,
                "{y}: {mids}"
            );
            let saints = find("Alla helgons dag");
            assert_eq!(saints.weekday(), Weekday::Saturday);
            assert!(
                saints >= date(y, 10, 31) && saints <= date(y, 11, 6),
                "{y}: {saints}"
            );
            assert_eq!(h.len(), 13);
        }
    }

    #[test]
    fn working_days_skip_weekends_holidays_and_chosen_eves() {
        let none = ExtraDaysOff::default();
        let all = ExtraDaysOff {
            midsommarafton: true,
            julafton: true,
            nyarsafton: true,
        };
        // Easter 2026: Friday 3 April to Monday 6 April.
        assert_eq!(
            this_or_next_working_day(date(2026, 4, 3), none),
            date(2026, 4, 7)
        );
        // Midsommarafton 2026 is Friday 19 June: a working day unless chosen.
        assert!(is_working_day(date(2026, 6, 19), none));
        assert_eq!(
            this_or_next_working_day(date(2026, 6, 19), all),
            date(2026, 6, 22)
        );
        // Christmas 2026: Thursday 24 to Saturday 26, then Sunday.
        assert_eq!(
            this_or_next_working_day(date(2026, 12, 24), none),
            date(2026, 12, 24)
        );
        assert_eq!(
            this_or_next_working_day(date(2026, 12, 24), all),
            date(2026, 12, 28)
        );
        assert_eq!(
            this_or_next_working_day(date(2026, 12, 31), all),
            date(2027, 1, 4)
        );
        assert_eq!(
            this_or_next_working_day(date(2026, 12, 31), none),
            date(2026, 12, 31)
        );
        // National day on a Saturday is no working day either way.
        assert!(!is_working_day(date(2026, 6, 6), none));
        // Reminders: 2 working days before Tuesday 7 April 2026 is Wednesday 1 April.
        assert_eq!(
            working_days_before(date(2026, 4, 7), 2, none),
            date(2026, 4, 1)
        );
        assert_eq!(
            working_days_before(date(2026, 10, 12), 7, none),
            date(2026, 10, 1)
        );
    }
}
