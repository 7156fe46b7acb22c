//! Gaps in the register (brister): what a DPO would point out, computed from the records.
//!
//! Each rule is a pure function of a record and today's date, so that the list a controller sees, the
//! count on a unit's page and the annual report's figures always agree.

use super::processing::ProcessingDetails;
use crate::Lang;
use serde::Serialize;

/// One rule of completeness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GapRule {
    MissingPurpose,
    MissingLegalBasis,
    MissingRetention,
    SpecialCategoriesWithoutExemption,
    TransferWithoutSafeguard,
    ReviewOverdue,
    SystemWithoutProcessing,
    HighRiskWithoutDpia,
}

impl GapRule {
    pub const ALL: [GapRule; 8] = [
        GapRule::MissingPurpose,
        GapRule::MissingLegalBasis,
        GapRule::MissingRetention,
        GapRule::SpecialCategoriesWithoutExemption,
        GapRule::TransferWithoutSafeguard,
        GapRule::ReviewOverdue,
        GapRule::SystemWithoutProcessing,
        GapRule::HighRiskWithoutDpia,
    ];

    pub fn code(self) -> &'static str {
        match self {
            GapRule::MissingPurpose => "missing_purpose",
            GapRule::MissingLegalBasis => "missing_legal_basis",
            GapRule::MissingRetention => "missing_retention",
            GapRule::SpecialCategoriesWithoutExemption => "special_categories_without_exemption",
            GapRule::TransferWithoutSafeguard => "transfer_without_safeguard",
            GapRule::ReviewOverdue => "review_overdue",
            GapRule::SystemWithoutProcessing => "system_without_processing",
            GapRule::HighRiskWithoutDpia => "high_risk_without_dpia",
        }
    }

    pub fn parse(s: &str) -> Option<GapRule> {
        GapRule::ALL.into_iter().find(|g| g.code() == s)
    }

    pub fn message(self, lang: Lang) -> &'static str {
        match self {
            GapRule::MissingPurpose => lang.pick("Ändamål saknas.", "The purpose is missing."),
            GapRule::MissingLegalBasis => {
                lang.pick("Rättslig grund saknas.", "The legal basis is missing.")
            }
            GapRule::MissingRetention => lang.pick(
                "Lagringstid eller gallringsregel saknas.",
                "The retention period or disposal rule is missing.",
            ),
            GapRule::SpecialCategoriesWithoutExemption => lang.pick(
                "Känsliga personuppgifter behandlas utan angivet undantag enligt art. 9.2.",
                "Special categories are processed without an art. 9.2 exemption.",
            ),
            GapRule::TransferWithoutSafeguard => lang.pick(
                "Överföring till tredjeland saknar skyddsåtgärd.",
                "A transfer to a third country has no safeguard.",
            ),
            GapRule::ReviewOverdue => lang.pick(
                "Årlig översyn är försenad.",
                "The yearly review is overdue.",
            ),
            GapRule::SystemWithoutProcessing => lang.pick(
                "Systemet innehåller personuppgifter men är inte kopplat till någon behandling.",
                "The system holds personal data but carries no processing activity.",
            ),
            GapRule::HighRiskWithoutDpia => lang.pick(
                "Två eller fler kriterier för hög risk men inget beslut om konsekvensbedömning.",
                "Two or more high-risk criteria but no recorded impact-assessment decision.",
            ),
        }
    }
}

/// The gaps of one processing activity whose next review is due on `next_review` (`YYYY-MM-DD`).
pub fn processing_gaps(
    d: &ProcessingDetails,
    next_review: Option<&str>,
    today: jiff::civil::Date,
) -> Vec<GapRule> {
    let mut g = Vec::new();
    if d.purposes.is_none() {
        g.push(GapRule::MissingPurpose);
    }
    if d.legal_bases.is_empty() {
        g.push(GapRule::MissingLegalBasis);
    }
    if d.retention.is_none() && d.disposal_rule.is_none() {
        g.push(GapRule::MissingRetention);
    }
    if !d.special_categories.is_empty() && d.art9_exemption.is_none() {
        g.push(GapRule::SpecialCategoriesWithoutExemption);
    }
    if d.third_country_transfers
        .iter()
        .any(|t| t.safeguard.is_none())
    {
        g.push(GapRule::TransferWithoutSafeguard);
    }
    if is_overdue(next_review, today) {
        g.push(GapRule::ReviewOverdue);
    }
    if d.risk_markers().len() >= 2 && d.dpia_decision.is_none() {
        g.push(GapRule::HighRiskWithoutDpia);
    }
    g
}

/// Whether a review date has passed.
pub fn is_overdue(next_review: Option<&str>, today: jiff::civil::Date) -> bool {
    next_review
        .and_then(|s| s.parse::<jiff::civil::Date>().ok())
        .is_some_and(|d| d < today)
}

/// The gaps of a system: one that holds personal data should carry at least one processing.
pub fn system_gaps(holds_personal_data: bool, linked_processings: usize) -> Vec<GapRule> {
    if holds_personal_data && linked_processings == 0 {
        vec![GapRule::SystemWithoutProcessing]
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::super::processing::*;
    use super::*;

    fn today() -> jiff::civil::Date {
        jiff::civil::date(2026, 11, 25)
    }

    fn complete() -> ProcessingDetails {
        ProcessingDetails {
            name: "Elevregister".into(),
            purposes: Some("Skolans uppdrag".into()),
            legal_bases: vec![LegalBasis::PublicTask],
            retention: Some("Gallras efter 3 år".into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_complete_record_has_no_gaps() {
        assert!(processing_gaps(&complete(), Some("2027-01-01"), today()).is_empty());
    }

    #[test]
    fn a_bare_record_lacks_purpose_legal_basis_and_retention() {
        let bare = ProcessingDetails {
            name: "x".into(),
            ..Default::default()
        };
        assert_eq!(
            processing_gaps(&bare, None, today()),
            vec![
                GapRule::MissingPurpose,
                GapRule::MissingLegalBasis,
                GapRule::MissingRetention
            ]
        );
    }

    #[test]
    fn a_disposal_rule_alone_answers_retention() {
        let d = ProcessingDetails {
            retention: None,
            disposal_rule: Some("Gallras vid inaktualitet".into()),
            ..complete()
        };
        assert!(processing_gaps(&d, None, today()).is_empty());
    }

    #[test]
    fn special_categories_need_an_exemption() {
        let mut d = ProcessingDetails {
            special_categories: vec![SpecialCategory::Health],
            ..complete()
        };
        assert_eq!(
            processing_gaps(&d, None, today()),
            vec![GapRule::SpecialCategoriesWithoutExemption]
        );
        d.art9_exemption = Some(Art9Exemption::H);
        assert!(processing_gaps(&d, None, today()).is_empty());
    }

    #[test]
    fn every_transfer_needs_a_safeguard() {
        let t = |s| Transfer {
            country: "USA".into(),
            recipient: None,
            safeguard: s,
            transfer_impact_assessment: false,
            exit_plan: false,
        };
        let d = ProcessingDetails {
            third_country_transfers: vec![t(Some(Safeguard::DataPrivacyFramework)), t(None)],
            ..complete()
        };
        assert_eq!(
            processing_gaps(&d, None, today()),
            vec![GapRule::TransferWithoutSafeguard]
        );
    }

    #[test]
    fn a_review_is_overdue_the_day_after_it_was_due() {
        assert!(!is_overdue(Some("2026-11-25"), today()));
        assert!(is_overdue(Some("2026-11-24"), today()));
        assert!(!is_overdue(None, today()));
        assert!(!is_overdue(Some("not a date"), today()));
    }

    #[test]
    fn two_high_risk_markers_need_a_dpia_decision_and_one_does_not() {
        let one = ProcessingDetails {
            ai_use: true,
            ..complete()
        };
        assert!(processing_gaps(&one, None, today()).is_empty());
        let mut two = ProcessingDetails {
            ai_use: true,
            large_scale: true,
            ..complete()
        };
        assert_eq!(
            processing_gaps(&two, None, today()),
            vec![GapRule::HighRiskWithoutDpia]
        );
        two.dpia_decision = Some(DpiaDecision::NotNeeded);
        assert!(processing_gaps(&two, None, today()).is_empty());
    }

    #[test]
    fn a_system_with_personal_data_needs_a_processing() {
        assert_eq!(system_gaps(true, 0), vec![GapRule::SystemWithoutProcessing]);
        assert!(system_gaps(true, 1).is_empty());
        assert!(system_gaps(false, 0).is_empty());
    }

    #[test]
    fn every_rule_has_a_code_that_parses_back_and_two_messages() {
        for r in GapRule::ALL {
            assert_eq!(GapRule::parse(r.code()), Some(r));
            assert_ne!(r.message(Lang::Sv), r.message(Lang::En));
        }
    }
}
