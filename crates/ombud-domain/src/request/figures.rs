//! The figures the annual report asks of data subject requests, per controller and calendar year of
//! receipt: how many came in, by type; how many were answered within the time limit, with and
//! without an extension; how many were extended; how many refused; the median days to answer.

use super::calendar::ExtraDaysOff;
use super::deadline::due_on;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// What the figures need of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestSummary {
    pub request_type: String,
    pub received_on: Date,
    /// Further months of an extension (0 without one).
    pub extension_months: u8,
    pub answered_on: Option<Date>,
    /// `bifall`, `delvis_bifall` or `avslag`, once decided.
    pub outcome: Option<String>,
    /// The organisation's own days off the request's time limit is counted with.
    pub days_off: ExtraDaysOff,
}

/// How many of one type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeCount {
    #[serde(rename = "type")]
    pub request_type: String,
    pub count: usize,
}

/// One year's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct YearFigures {
    pub year: i16,
    pub received: usize,
    /// Every type, zero or not, in the order of the types given.
    pub by_type: Vec<TypeCount>,
    pub answered: usize,
    /// Answered by the first deadline, without an extension.
    pub answered_in_time_without_extension: usize,
    /// Extended, and answered by the extended deadline.
    pub answered_in_time_with_extension: usize,
    pub answered_late: usize,
    /// Not answered yet.
    pub open: usize,
    pub extended: usize,
    /// Refused wholly.
    pub refused: usize,
    /// Refused in part.
    pub partly_refused: usize,
    /// Calendar days from receipt to answer, the median over the answered ones (a half when the
    /// middle two differ by an odd number).
    pub median_days_to_answer: Option<f64>,
}

/// The figures of `year` (by the date of receipt) from one controller's requests.
pub fn figures(requests: &[RequestSummary], year: i16, types: &[&str]) -> YearFigures {
    let of_year: Vec<&RequestSummary> = requests
        .iter()
        .filter(|r| r.received_on.year() == year)
        .collect();
    let mut days: Vec<i64> = Vec::new();
    let mut f = YearFigures {
        year,
        received: of_year.len(),
        by_type: types
            .iter()
            .map(|t| TypeCount {
                request_type: (*t).to_string(),
                count: of_year.iter().filter(|r| r.request_type == *t).count(),
            })
            .collect(),
        answered: 0,
        answered_in_time_without_extension: 0,
        answered_in_time_with_extension: 0,
        answered_late: 0,
        open: 0,
        extended: of_year.iter().filter(|r| r.extension_months > 0).count(),
        refused: of_year
            .iter()
            .filter(|r| r.outcome.as_deref() == Some("avslag"))
            .count(),
        partly_refused: of_year
            .iter()
            .filter(|r| r.outcome.as_deref() == Some("delvis_bifall"))
            .count(),
        median_days_to_answer: None,
    };
    for r in &of_year {
        let Some(answered) = r.answered_on else {
            f.open += 1;
            continue;
        };
        f.answered += 1;
        days.push((answered - r.received_on).get_days().into());
        let due = due_on(r.received_on, 1 + r.extension_months, r.days_off);
        match (answered <= due, r.extension_months > 0) {
            (true, false) => f.answered_in_time_without_extension += 1,
            (true, true) => f.answered_in_time_with_extension += 1,
            (false, _) => f.answered_late += 1,
        }
    }
    days.sort_unstable();
    f.median_days_to_answer = match days.len() {
        0 => None,
        n if !n.is_multiple_of(2) => Some(days[n / 2] as f64),
        n => Some((days[n / 2 - 1] + days[n / 2]) as f64 / 2.0),
    };
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const TYPES: &[&str] = &["access", "erasure"];

    fn r(
        t: &str,
        received: Date,
        ext: u8,
        answered: Option<Date>,
        outcome: Option<&str>,
    ) -> RequestSummary {
        RequestSummary {
            request_type: t.into(),
            received_on: received,
            extension_months: ext,
            answered_on: answered,
            outcome: outcome.map(str::to_string),
            days_off: ExtraDaysOff::default(),
        }
    }

    #[test]
    fn each_request_is_counted_with_its_own_days_off() {
        // Received on 24 November 2026: due on julafton, a Thursday, unless the organisation had
        // made it a day off when the request came in; then on Monday 28 December.
        let answered_28th = |days_off| RequestSummary {
            days_off,
            ..r(
                "access",
                date(2026, 11, 24),
                0,
                Some(date(2026, 12, 28)),
                Some("bifall"),
            )
        };
        let julafton = ExtraDaysOff {
            julafton: true,
            ..ExtraDaysOff::default()
        };
        let f = figures(
            &[
                answered_28th(ExtraDaysOff::default()),
                answered_28th(julafton),
            ],
            2026,
            TYPES,
        );
        assert_eq!(f.answered_late, 1);
        assert_eq!(f.answered_in_time_without_extension, 1);
    }

    #[test]
    fn a_years_figures_count_what_the_annual_report_asks() {
        let all = vec![
            // In time on the rolled deadline (10 October 2026 is a Saturday → 12 October).
            r(
                "access",
                date(2026, 9, 10),
                0,
                Some(date(2026, 10, 12)),
                Some("bifall"),
            ),
            // A day late.
            r(
                "access",
                date(2026, 9, 10),
                0,
                Some(date(2026, 10, 13)),
                Some("bifall"),
            ),
            // Extended, in time (due 10 December).
            r(
                "erasure",
                date(2026, 9, 10),
                2,
                Some(date(2026, 12, 10)),
                Some("avslag"),
            ),
            r("erasure", date(2026, 11, 2), 0, None, None),
            r(
                "access",
                date(2026, 3, 2),
                0,
                Some(date(2026, 3, 20)),
                Some("delvis_bifall"),
            ),
            // Another year.
            r(
                "access",
                date(2025, 12, 31),
                0,
                Some(date(2026, 1, 10)),
                Some("bifall"),
            ),
        ];
        let f = figures(&all, 2026, TYPES);
        assert_eq!(f.received, 5);
        assert_eq!(
            f.by_type,
            vec![
                TypeCount {
                    request_type: "access".into(),
                    count: 3
                },
                TypeCount {
                    request_type: "erasure".into(),
                    count: 2
                },
            ]
        );
        assert_eq!(f.answered, 4);
        assert_eq!(f.open, 1);
        assert_eq!(f.answered_in_time_without_extension, 2);
        assert_eq!(f.answered_in_time_with_extension, 1);
        assert_eq!(f.answered_late, 1);
        assert_eq!(f.extended, 1);
        assert_eq!(f.refused, 1);
        assert_eq!(f.partly_refused, 1);
        // Days: 18, 32, 33, 91 → (32 + 33) / 2.
        assert_eq!(f.median_days_to_answer, Some(32.5));
        let empty = figures(&all, 2024, TYPES);
        assert_eq!((empty.received, empty.median_days_to_answer), (0, None));
        assert!(empty.by_type.iter().all(|t| t.count == 0));
    }

    /// Whatever the requests, the answered ones are split exactly once, and every one of the year is
    /// answered or open.
    #[test]
    fn the_counts_add_up_for_every_day_of_a_year() {
        let mut all = Vec::new();
        let mut d = date(2027, 1, 1);
        let mut i = 0u32;
        while d.year() == 2027 {
            let answered = (!i.is_multiple_of(5)).then(|| {
                d.checked_add(jiff::Span::new().days(i64::from(i % 70)))
                    .expect("a day")
            });
            all.push(r(TYPES[(i % 2) as usize], d, (i % 3) as u8, answered, None));
            d = d.tomorrow().expect("a day");
            i += 1;
        }
        let f = figures(&all, 2027, TYPES);
        assert_eq!(f.received, 365);
        assert_eq!(f.answered + f.open, f.received);
        assert_eq!(
            f.answered_in_time_without_extension
                + f.answered_in_time_with_extension
                + f.answered_late,
            f.answered
        );
        assert_eq!(f.by_type.iter().map(|t| t.count).sum::<usize>(), f.received);
    }
}
