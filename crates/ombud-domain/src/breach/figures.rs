//! The breach figures of the DPO's annual report, for one controller and one year.
//!
//! A breach belongs to the year in which the controller became aware of it, as the Stockholm
//! calendar has it: awareness at 2026-12-31T23:30Z is half past midnight on New Year's Day in
//! Sweden and counts in 2027. The caller passes one controller's breaches; nothing here knows about
//! organisations.

use super::clock::imy_deadline;
use super::{BreachType, Cause};
use crate::time::stockholm;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// What the figures need of one breach.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreachSummary {
    pub aware_at: Timestamp,
    /// Judged reportable to IMY (art. 33), whatever was then done.
    pub reportable_imy: bool,
    /// Judged to call for informing the data subjects (art. 34).
    pub reportable_subjects: bool,
    /// When the (first) notification was made, if one was. A time before awareness is refused
    /// where it is entered; here it would count as it stands.
    pub notified_imy_at: Option<Timestamp>,
    pub types: Vec<BreachType>,
    pub cause: Option<Cause>,
}

/// The year a breach is counted in: the Stockholm calendar year of awareness.
pub fn year_of(aware_at: Timestamp) -> i16 {
    aware_at.to_zoned_datetime(stockholm()).year()
}

/// The years that have breaches, in order, for the report's year picker.
pub fn years(breaches: &[BreachSummary]) -> Vec<i16> {
    let mut years: Vec<i16> = breaches.iter().map(|b| year_of(b.aware_at)).collect();
    years.sort_unstable();
    years.dedup();
    years
}

/// How many breaches of one type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeCount {
    pub breach_type: BreachType,
    pub count: usize,
}

/// How many breaches of one cause; `cause: None` counts those with no cause recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CauseCount {
    pub cause: Option<Cause>,
    pub count: usize,
}

/// One year's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearFigures {
    pub year: i16,
    /// Every breach documented (art. 33.5), reportable or not.
    pub documented: usize,
    pub reportable_imy: usize,
    pub reportable_subjects: usize,
    /// Notified to IMY at all.
    pub notified_imy: usize,
    /// Notified to IMY no later than 72 hours after awareness.
    pub notified_within_72h: usize,
    /// Median time from awareness to notification, over the notified breaches. With an even
    /// count it is the mean of the middle two, truncated to the nanosecond.
    pub median_to_notification: Option<SignedDuration>,
    pub longest_to_notification: Option<SignedDuration>,
    /// A breach of several types counts once under each; every type is listed, zero or not.
    pub by_type: Vec<TypeCount>,
    /// Every cause is listed, zero or not, then the breaches with no cause recorded.
    pub by_cause: Vec<CauseCount>,
}

/// The figures of `year` from one controller's breaches (breaches of other years are ignored).
pub fn figures(breaches: &[BreachSummary], year: i16) -> YearFigures {
    let of_year: Vec<&BreachSummary> = breaches
        .iter()
        .filter(|b| year_of(b.aware_at) == year)
        .collect();
    let mut delays: Vec<SignedDuration> = of_year
        .iter()
        .filter_map(|b| b.notified_imy_at.map(|n| n.duration_since(b.aware_at)))
        .collect();
    delays.sort_unstable();
    let within = of_year
        .iter()
        .filter(|b| {
            b.notified_imy_at
                .is_some_and(|n| n <= imy_deadline(b.aware_at))
        })
        .count();
    let by_type = BreachType::ALL
        .iter()
        .map(|&t| TypeCount {
            breach_type: t,
            count: of_year.iter().filter(|b| b.types.contains(&t)).count(),
        })
        .collect();
    let by_cause = Cause::ALL
        .iter()
        .map(|&c| Some(c))
        .chain([None])
        .map(|c| CauseCount {
            cause: c,
            count: of_year.iter().filter(|b| b.cause == c).count(),
        })
        .collect();
    YearFigures {
        year,
        documented: of_year.len(),
        reportable_imy: of_year.iter().filter(|b| b.reportable_imy).count(),
        reportable_subjects: of_year.iter().filter(|b| b.reportable_subjects).count(),
        notified_imy: delays.len(),
        notified_within_72h: within,
        median_to_notification: median(&delays),
        longest_to_notification: delays.last().copied(),
        by_type,
        by_cause,
    }
}

/// The median of sorted durations; of an even count, the mean of the middle two.
fn median(sorted: &[SignedDuration]) -> Option<SignedDuration> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    if n % 2 == 1 {
        return Some(sorted[n / 2]);
    }
    // In nanoseconds as i128, the sum of two durations cannot overflow, and their mean fits again.
    let sum = sorted[n / 2 - 1].as_nanos() + sorted[n / 2].as_nanos();
    Some(SignedDuration::from_nanos_i128(sum / 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().expect("test instant")
    }

    fn h(hours: i64) -> SignedDuration {
        SignedDuration::from_hours(hours)
    }

    fn breach(aware: &str, notified_after: Option<SignedDuration>) -> BreachSummary {
        let aware_at = ts(aware);
        BreachSummary {
            aware_at,
            reportable_imy: notified_after.is_some(),
            reportable_subjects: false,
            notified_imy_at: notified_after.map(|d| aware_at + d),
            types: vec![BreachType::Confidentiality],
            cause: None,
        }
    }

    #[test]
    fn no_breaches_give_zeros_and_no_durations() {
        let f = figures(&[], 2026);
        assert_eq!(f.year, 2026);
        assert_eq!(f.documented, 0);
        assert_eq!(f.notified_imy, 0);
        assert_eq!(f.notified_within_72h, 0);
        assert_eq!(f.median_to_notification, None);
        assert_eq!(f.longest_to_notification, None);
        assert_eq!(f.by_type.len(), 3);
        assert!(f.by_type.iter().all(|t| t.count == 0));
        assert_eq!(f.by_cause.len(), 7);
        assert!(f.by_cause.iter().all(|c| c.count == 0));
        assert!(years(&[]).is_empty());
    }

    #[test]
    fn the_year_is_the_stockholm_year_of_awareness() {
        assert_eq!(year_of(ts("2026-12-31T23:30:00Z")), 2027);
        assert_eq!(year_of(ts("2026-12-31T22:59:59Z")), 2026);
        assert_eq!(year_of(ts("2027-01-01T00:00:00+01:00")), 2027);
        let list = [
            breach("2026-12-31T23:30:00Z", None),
            breach("2026-06-01T10:00:00Z", None),
            breach("2025-02-01T10:00:00Z", None),
        ];
        assert_eq!(figures(&list, 2027).documented, 1);
        assert_eq!(figures(&list, 2026).documented, 1);
        assert_eq!(years(&list), [2025, 2026, 2027]);
    }

    #[test]
    fn notifications_within_72_hours_and_their_durations() {
        let list = [
            breach("2026-03-01T10:00:00Z", Some(h(10))),
            breach("2026-03-02T10:00:00Z", Some(h(72))),
            breach(
                "2026-03-03T10:00:00Z",
                Some(h(72) + SignedDuration::from_secs(1)),
            ),
            breach("2026-03-04T10:00:00Z", Some(h(100))),
            breach("2026-03-05T10:00:00Z", None),
        ];
        let f = figures(&list, 2026);
        assert_eq!(f.documented, 5);
        assert_eq!(f.reportable_imy, 4);
        assert_eq!(f.notified_imy, 4);
        assert_eq!(f.notified_within_72h, 2);
        // Even count: mean of 72 h and 72 h 1 s.
        assert_eq!(
            f.median_to_notification,
            Some(h(72) + SignedDuration::from_millis(500))
        );
        assert_eq!(f.longest_to_notification, Some(h(100)));
        let odd = figures(&list[..3], 2026);
        assert_eq!(odd.median_to_notification, Some(h(72)));
        assert_eq!(
            odd.longest_to_notification,
            Some(h(72) + SignedDuration::from_secs(1))
        );
    }

    #[test]
    fn the_72_hours_are_elapsed_time_across_a_clock_change() {
        // Aware on the Friday before summer time: the deadline is 09:00Z on Monday, 11:00 local.
        let aware = "2026-03-27T09:00:00Z";
        let on_time = breach(aware, Some(h(72)));
        let late = breach(aware, Some(h(72) + SignedDuration::from_nanos(1)));
        assert_eq!(figures(&[on_time], 2026).notified_within_72h, 1);
        assert_eq!(figures(&[late], 2026).notified_within_72h, 0);
    }

    #[test]
    fn counts_by_type_and_cause() {
        let mut a = breach("2026-05-01T10:00:00Z", None);
        a.types = vec![BreachType::Confidentiality, BreachType::Availability];
        a.cause = Some(Cause::Attack);
        a.reportable_subjects = true;
        let mut b = breach("2026-05-02T10:00:00Z", None);
        b.types = vec![BreachType::Availability];
        b.cause = Some(Cause::HumanError);
        let c = breach("2026-05-03T10:00:00Z", None);
        let f = figures(&[a, b, c], 2026);
        assert_eq!(f.reportable_subjects, 1);
        let by_type: Vec<_> = f.by_type.iter().map(|t| (t.breach_type, t.count)).collect();
        assert_eq!(
            by_type,
            [
                (BreachType::Confidentiality, 2),
                (BreachType::Integrity, 0),
                (BreachType::Availability, 2),
            ]
        );
        let count = |c: Option<Cause>| f.by_cause.iter().find(|x| x.cause == c).map(|x| x.count);
        assert_eq!(count(Some(Cause::Attack)), Some(1));
        assert_eq!(count(Some(Cause::HumanError)), Some(1));
        assert_eq!(count(Some(Cause::LostDevice)), Some(0));
        assert_eq!(count(None), Some(1));
        assert_eq!(
            f.by_cause.iter().map(|c| c.count).sum::<usize>(),
            f.documented
        );
    }
}
