//! Gaps (brister): what a DPO would point out in a record, by rule.
//!
//! Each kind says which rules its records break ([`super::Descriptor::content_gaps`] from the
//! contents, [`super::Descriptor::link_gaps`] from the records that name it); a review date that has
//! passed is a gap of every kind that says so ([`super::KindInfo::overdue_is_gap`]). The gaps page,
//! the lists' gap column, a record's gap panel and the figures all read these same rules.

use crate::Lang;
use jiff::civil::Date;
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
    MissingDataSubjects,
    MissingDataCategories,
    SystemNotClassified,
    ClassificationOutdated,
    AgreementReviewOverdue,
}

impl GapRule {
    pub const ALL: [GapRule; 13] = [
        GapRule::MissingPurpose,
        GapRule::MissingLegalBasis,
        GapRule::MissingRetention,
        GapRule::SpecialCategoriesWithoutExemption,
        GapRule::TransferWithoutSafeguard,
        GapRule::ReviewOverdue,
        GapRule::SystemWithoutProcessing,
        GapRule::HighRiskWithoutDpia,
        GapRule::MissingDataSubjects,
        GapRule::MissingDataCategories,
        GapRule::SystemNotClassified,
        GapRule::ClassificationOutdated,
        GapRule::AgreementReviewOverdue,
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
            GapRule::MissingDataSubjects => "missing_data_subjects",
            GapRule::MissingDataCategories => "missing_data_categories",
            GapRule::SystemNotClassified => "system_not_classified",
            GapRule::ClassificationOutdated => "classification_outdated",
            GapRule::AgreementReviewOverdue => "agreement_review_overdue",
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
            GapRule::MissingDataSubjects => lang.pick(
                "Kategorier av registrerade saknas (art. 30.1 c).",
                "The categories of data subjects are missing (art. 30.1 c).",
            ),
            GapRule::MissingDataCategories => lang.pick(
                "Kategorier av personuppgifter saknas (art. 30.1 c).",
                "The categories of personal data are missing (art. 30.1 c).",
            ),
            GapRule::SystemNotClassified => lang.pick(
                "Systemet är inte informationsklassat.",
                "The system has no information classification.",
            ),
            GapRule::ClassificationOutdated => lang.pick(
                "Informationsklassningen har passerat sitt datum för omprövning.",
                "The information classification is past its review date.",
            ),
            GapRule::AgreementReviewOverdue => lang.pick(
                "Avtalet har passerat sitt datum för översyn.",
                "The agreement is past its review date.",
            ),
        }
    }

    /// Whether an open gap of this rule keeps a record from being approved (unless the approver
    /// approves it anyway, with a reason): what the register itself must say (art. 30.1 b–e, the
    /// legal basis, art. 9.2 for special categories, a decision on an impact assessment where the
    /// risk calls for one). A passed review date does not: an approval sets the next one.
    pub fn blocks_approval(self) -> bool {
        match self {
            GapRule::MissingPurpose
            | GapRule::MissingLegalBasis
            | GapRule::MissingRetention
            | GapRule::SpecialCategoriesWithoutExemption
            | GapRule::TransferWithoutSafeguard
            | GapRule::HighRiskWithoutDpia
            | GapRule::MissingDataSubjects
            | GapRule::MissingDataCategories
            | GapRule::SystemNotClassified => true,
            GapRule::ReviewOverdue
            | GapRule::SystemWithoutProcessing
            | GapRule::ClassificationOutdated
            | GapRule::AgreementReviewOverdue => false,
        }
    }

    /// The stored form of a list of rules: codes joined by commas (`''` for none).
    pub fn join(rules: &[GapRule]) -> String {
        rules.iter().map(|g| g.code()).collect::<Vec<_>>().join(",")
    }

    /// Reads the stored form; codes this version does not know are skipped.
    pub fn split(codes: &str) -> impl Iterator<Item = GapRule> + '_ {
        codes.split(',').filter_map(GapRule::parse)
    }
}

/// Whether a review date has passed on `today` (the day after it is due).
pub fn is_overdue(review_on: Option<Date>, today: Date) -> bool {
    review_on.is_some_and(|d| d < today)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_a_code_that_parses_back_and_two_messages() {
        for r in GapRule::ALL {
            assert_eq!(GapRule::parse(r.code()), Some(r));
            assert_ne!(r.message(Lang::Sv), r.message(Lang::En));
        }
    }

    #[test]
    fn the_stored_form_round_trips() {
        let rules = [GapRule::MissingPurpose, GapRule::ReviewOverdue];
        assert_eq!(
            GapRule::split(&GapRule::join(&rules)).collect::<Vec<_>>(),
            rules
        );
        assert_eq!(GapRule::split("").count(), 0);
        assert_eq!(GapRule::join(&[]), "");
    }

    #[test]
    fn a_review_is_overdue_the_day_after_it_was_due() {
        let today = jiff::civil::date(2026, 11, 25);
        assert!(!is_overdue(Some(today), today));
        assert!(is_overdue(Some(jiff::civil::date(2026, 11, 24)), today));
        assert!(!is_overdue(None, today));
    }
}
