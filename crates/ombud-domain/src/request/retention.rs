//! How long a controller keeps who made a request. The archive rules let a board keep only some of
//! its requests whole: a typical rule keeps refusals (appealable decisions) for years and removes the
//! requester's identity from granted requests some months after the answer. What remains — the type,
//! the dates, the outcome — keeps the annual report's figures true after the removal.
//!
//! This module decides, with no I/O, which rule a request falls under on a given day; removing the
//! identity is [`crate::register::request::RequestDetails::remove_identity`].

use crate::{Invalid, Rule};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// The longest periods a rule may name.
pub const MONTHS_MAX: u16 = 240;
pub const YEARS_MAX: u16 = 50;

/// A controller's rules. A rule left out keeps the identity for as long as the request is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RetentionRules {
    /// Months after the answer when a granted request loses the requester's identity.
    pub granted_identity_months: Option<u16>,
    /// Years after the answer when a refused request (wholly or in part) loses it.
    pub refused_identity_years: Option<u16>,
}

/// The rule that applies to a request, as the audit trail names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    Granted { months: u16 },
    Refused { years: u16 },
}

impl Applied {
    /// The rule in words, kept with the removal ("bifall: 6 månader efter svaret").
    pub fn describe(self) -> String {
        match self {
            Applied::Granted { months } => format!("bifall: {months} månader efter svaret"),
            Applied::Refused { years } => format!("avslag: {years} år efter svaret"),
        }
    }
}

impl RetentionRules {
    /// Checks the periods: each, when given, at least one and at most the maximum.
    pub fn check(&self) -> Result<(), Vec<Invalid>> {
        let mut out = Vec::new();
        if self
            .granted_identity_months
            .is_some_and(|m| m == 0 || m > MONTHS_MAX)
        {
            out.push(Invalid::new("granted_identity_months", Rule::InvalidValue));
        }
        if self
            .refused_identity_years
            .is_some_and(|y| y == 0 || y > YEARS_MAX)
        {
            out.push(Invalid::new("refused_identity_years", Rule::InvalidValue));
        }
        if out.is_empty() { Ok(()) } else { Err(out) }
    }

    /// The rule under which a request's identity is due for removal on `today`, if any: only an
    /// answered request, once the period from its answer has run (on the same date of the last
    /// month, or that month's last day).
    pub fn due(
        &self,
        outcome: Option<&str>,
        answered_on: Option<Date>,
        today: Date,
    ) -> Option<Applied> {
        let answered = answered_on?;
        let (applied, months) = match outcome? {
            "bifall" => {
                let m = self.granted_identity_months?;
                (Applied::Granted { months: m }, u32::from(m))
            }
            "avslag" | "delvis_bifall" => {
                let y = self.refused_identity_years?;
                (Applied::Refused { years: y }, u32::from(y) * 12)
            }
            _ => return None,
        };
        let until = super::deadline::same_date_months_later(answered, months);
        (today >= until).then_some(applied)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const RULES: RetentionRules = RetentionRules {
        granted_identity_months: Some(6),
        refused_identity_years: Some(10),
    };

    #[test]
    fn a_granted_request_loses_the_identity_months_after_the_answer() {
        let answered = Some(date(2026, 8, 31));
        assert_eq!(RULES.due(Some("bifall"), answered, date(2027, 2, 27)), None);
        // 31 August + 6 months: 28 February 2027, the month's last day.
        assert_eq!(
            RULES.due(Some("bifall"), answered, date(2027, 2, 28)),
            Some(Applied::Granted { months: 6 })
        );
    }

    #[test]
    fn a_refusal_is_kept_for_years_and_an_unanswered_request_whole() {
        let answered = Some(date(2026, 3, 2));
        for outcome in ["avslag", "delvis_bifall"] {
            assert_eq!(RULES.due(Some(outcome), answered, date(2036, 3, 1)), None);
            assert_eq!(
                RULES.due(Some(outcome), answered, date(2036, 3, 2)),
                Some(Applied::Refused { years: 10 })
            );
        }
        assert_eq!(RULES.due(None, answered, date(2090, 1, 1)), None);
        assert_eq!(RULES.due(Some("bifall"), None, date(2090, 1, 1)), None);
        // Without a rule for it, kept.
        let only_refusals = RetentionRules {
            granted_identity_months: None,
            ..RULES
        };
        assert_eq!(
            only_refusals.due(Some("bifall"), answered, date(2090, 1, 1)),
            None
        );
        assert_eq!(
            Applied::Refused { years: 10 }.describe(),
            "avslag: 10 år efter svaret"
        );
    }

    #[test]
    fn the_periods_are_bounded() {
        assert!(RULES.check().is_ok());
        assert!(RetentionRules::default().check().is_ok());
        let bad = RetentionRules {
            granted_identity_months: Some(0),
            refused_identity_years: Some(YEARS_MAX + 1),
        };
        assert_eq!(
            bad.check()
                .expect_err("refused")
                .iter()
                .map(|i| i.field)
                .collect::<Vec<_>>(),
            vec!["granted_identity_months", "refused_identity_years"]
        );
    }
}
