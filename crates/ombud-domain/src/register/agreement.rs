//! Processor agreements (personuppgiftsbiträdesavtal, PUB-avtal, GDPR art. 28): with the processors
//! that process for us, and with the controllers we process for. Each records its sub-processors
//! (art. 28.2 and 28.4), transfers to third countries and their safeguard (chapter V), the exit plan,
//! and a log of compliance checks (efterlevnadskontroller, art. 28.3 h).
//!
//! The compliance log only grows: a check is appended with [`AgreementDetails::append_check`], stamped
//! with who recorded it and when, and is never edited afterwards, so that the log shows what was known
//! at each check.

use super::processing::Transfer;
use super::system::{optional_date, required_date};
use crate::{Invalid, Lang, Rule, text};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

pub const NAME_MAX: usize = 200;
pub const TEXT_MAX: usize = 10_000;
/// Longest one-line value: a counterparty, a reference, a country.
pub const LINE_MAX: usize = 300;
/// Most sub-processors or transfers in one agreement.
pub const LIST_MAX: usize = 100;
/// Most compliance checks kept in one agreement's log: decades of yearly checks with room to spare,
/// and a bound on the record's size.
pub const CHECKS_MAX: usize = 500;

/// Who processes for whom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// The counterparty is our processor (personuppgiftsbiträde) and processes for us.
    #[default]
    TheyProcessForUs,
    /// We are the counterparty's processor (art. 30.2).
    WeProcessForThem,
}

impl Direction {
    pub const ALL: [Direction; 2] = [Direction::TheyProcessForUs, Direction::WeProcessForThem];

    pub fn as_str(self) -> &'static str {
        match self {
            Direction::TheyProcessForUs => "they_process_for_us",
            Direction::WeProcessForThem => "we_process_for_them",
        }
    }

    pub fn parse(s: &str) -> Option<Direction> {
        Direction::ALL.into_iter().find(|d| d.as_str() == s.trim())
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Direction::TheyProcessForUs => lang.pick(
                "Motparten är vårt personuppgiftsbiträde",
                "The counterparty processes for us",
            ),
            Direction::WeProcessForThem => lang.pick(
                "Vi är motpartens personuppgiftsbiträde",
                "We process for the counterparty",
            ),
        }
    }
}

/// A sub-processor (underbiträde) engaged under the agreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubProcessor {
    pub name: String,
    /// What it does, e.g. "drift", "support".
    #[serde(default)]
    pub service: Option<String>,
    /// Where it processes the data.
    #[serde(default)]
    pub country: Option<String>,
}

/// One entry of the compliance log, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComplianceCheck {
    pub id: String,
    /// When the check was carried out, `YYYY-MM-DD`.
    pub checked_on: String,
    /// What it found.
    pub finding: String,
    /// What is to be done about it.
    #[serde(default)]
    pub follow_up: Option<String>,
    /// When the follow-up is due, `YYYY-MM-DD`.
    #[serde(default)]
    pub follow_up_due: Option<String>,
    /// Who recorded it, and when (UTC, storage form).
    pub recorded_by: String,
    pub recorded_at: String,
}

/// A compliance check as a person reports it, before it is stamped and appended.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewComplianceCheck {
    pub checked_on: String,
    pub finding: String,
    #[serde(default)]
    pub follow_up: Option<String>,
    #[serde(default)]
    pub follow_up_due: Option<String>,
}

impl NewComplianceCheck {
    /// Checks the report: a check has a finding and a date that has come (`today` in Sweden), and
    /// its follow-up cannot be due before the check.
    pub fn validate(mut self, today: Date) -> Result<NewComplianceCheck, Vec<Invalid>> {
        let mut errors = Vec::new();
        match required_date("checked_on", &mut self.checked_on) {
            Ok(on) if on > today => errors.push(Invalid::new("checked_on", Rule::DateInFuture)),
            Ok(_) => {}
            Err(e) => errors.push(e),
        }
        match text::optional_text("finding", Some(&self.finding), TEXT_MAX) {
            Ok(Some(f)) => self.finding = f,
            Ok(None) => errors.push(Invalid::new("finding", Rule::Required)),
            Err(e) => errors.push(e),
        }
        match text::optional_text("follow_up", self.follow_up.as_deref(), TEXT_MAX) {
            Ok(v) => self.follow_up = v,
            Err(e) => errors.push(e),
        }
        match optional_date("follow_up_due", &mut self.follow_up_due) {
            Ok(Some(due)) if self.checked_on.parse::<Date>().is_ok_and(|on| due < on) => {
                errors.push(Invalid::new("follow_up_due", Rule::DateTooEarly));
            }
            Ok(_) => {}
            Err(e) => errors.push(e),
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(errors)
        }
    }

    /// The log entry, stamped.
    pub fn recorded(self, id: String, by: &str, at: &str) -> ComplianceCheck {
        ComplianceCheck {
            id,
            checked_on: self.checked_on,
            finding: self.finding,
            follow_up: self.follow_up,
            follow_up_due: self.follow_up_due,
            recorded_by: by.to_string(),
            recorded_at: at.to_string(),
        }
    }
}

/// What a processor agreement says: everything people edit, and the compliance log.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AgreementDetails {
    /// A title; without one, the agreement goes by its counterparty (see [`AgreementDetails::title`]).
    pub name: Option<String>,
    /// The other party: our processor, or the controller we process for.
    pub counterparty: String,
    pub direction: Direction,
    /// The registration number (diarienummer) or other reference of the signed agreement.
    pub reference: Option<String>,
    /// What the agreement covers: the service, the processing.
    pub description: Option<String>,
    /// `YYYY-MM-DD`.
    pub signed_on: Option<String>,
    /// When the agreement is next to be reviewed, `YYYY-MM-DD`.
    pub review_on: Option<String>,
    pub sub_processors: Vec<SubProcessor>,
    pub third_country_transfers: Vec<Transfer>,
    /// How the data comes back or is deleted when the agreement ends.
    pub exit_plan: Option<String>,
    /// The compliance log, oldest first. Appended to, never edited.
    pub compliance_checks: Vec<ComplianceCheck>,
}

impl AgreementDetails {
    /// What lists show and sort by: the name, or the counterparty.
    pub fn title(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.counterparty)
    }

    /// Trims and checks every field; blank optional texts and dates become `None`, dates are written
    /// as `YYYY-MM-DD`.
    pub fn validate(mut self) -> Result<AgreementDetails, Vec<Invalid>> {
        let mut errors = Vec::new();
        match text::required_line("counterparty", &self.counterparty, LINE_MAX) {
            Ok(v) => self.counterparty = v,
            Err(e) => errors.push(e),
        }
        match text::optional_text("name", self.name.as_deref(), NAME_MAX) {
            Ok(Some(v)) if v.contains(['\n', '\r', '\t']) => {
                errors.push(Invalid::new("name", Rule::ControlCharacters));
            }
            Ok(v) => self.name = v,
            Err(e) => errors.push(e),
        }
        match text::optional_text("reference", self.reference.as_deref(), LINE_MAX) {
            Ok(v) => self.reference = v,
            Err(e) => errors.push(e),
        }
        for (field, value) in [
            ("description", &mut self.description),
            ("exit_plan", &mut self.exit_plan),
        ] {
            match text::optional_text(field, value.as_deref(), TEXT_MAX) {
                Ok(v) => *value = v,
                Err(e) => errors.push(e),
            }
        }
        let signed = optional_date("signed_on", &mut self.signed_on).map_err(|e| errors.push(e));
        match optional_date("review_on", &mut self.review_on) {
            Ok(Some(review)) if signed.is_ok_and(|s| s.is_some_and(|s| review < s)) => {
                errors.push(Invalid::new("review_on", Rule::DateTooEarly));
            }
            Ok(_) => {}
            Err(e) => errors.push(e),
        }
        if self.sub_processors.len() > LIST_MAX {
            errors.push(Invalid::new(
                "sub_processors",
                Rule::TooMany { max: LIST_MAX },
            ));
        }
        for s in &mut self.sub_processors {
            match text::required_line("sub_processors.name", &s.name, LINE_MAX) {
                Ok(v) => s.name = v,
                Err(e) => errors.push(e),
            }
            for (field, value) in [
                ("sub_processors.service", &mut s.service),
                ("sub_processors.country", &mut s.country),
            ] {
                match text::optional_text(field, value.as_deref(), LINE_MAX) {
                    Ok(v) => *value = v,
                    Err(e) => errors.push(e),
                }
            }
        }
        if self.third_country_transfers.len() > LIST_MAX {
            errors.push(Invalid::new(
                "third_country_transfers",
                Rule::TooMany { max: LIST_MAX },
            ));
        }
        for t in &mut self.third_country_transfers {
            match text::required_line("third_country_transfers.country", &t.country, LINE_MAX) {
                Ok(v) => t.country = v,
                Err(e) => errors.push(e),
            }
            match text::optional_text(
                "third_country_transfers.recipient",
                t.recipient.as_deref(),
                LINE_MAX,
            ) {
                Ok(v) => t.recipient = v,
                Err(e) => errors.push(e),
            }
        }
        if self.compliance_checks.len() > CHECKS_MAX {
            errors.push(Invalid::new(
                "compliance_checks",
                Rule::TooMany { max: CHECKS_MAX },
            ));
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(errors)
        }
    }

    /// Appends a validated check to the log, keeping the log within [`CHECKS_MAX`].
    pub fn append_check(&mut self, check: ComplianceCheck) -> Result<(), Invalid> {
        if self.compliance_checks.len() >= CHECKS_MAX {
            return Err(Invalid::new(
                "compliance_checks",
                Rule::TooMany { max: CHECKS_MAX },
            ));
        }
        self.compliance_checks.push(check);
        Ok(())
    }

    /// The date of the latest compliance check, `YYYY-MM-DD`.
    pub fn last_checked_on(&self) -> Option<&str> {
        self.compliance_checks
            .iter()
            .map(|c| c.checked_on.as_str())
            .max()
    }

    /// Whether the review date has passed on `today`.
    pub fn review_overdue(&self, today: Date) -> bool {
        self.review_on
            .as_deref()
            .and_then(|d| d.parse::<Date>().ok())
            .is_some_and(|d| d < today)
    }

    /// Transfers to third countries with no safeguard recorded.
    pub fn transfers_without_safeguard(&self) -> usize {
        self.third_country_transfers
            .iter()
            .filter(|t| t.safeguard.is_none())
            .count()
    }

    /// Lower-case text that search matches against.
    pub fn search_text(&self) -> String {
        let mut parts: Vec<&str> = vec![self.counterparty.as_str()];
        parts.extend(
            [&self.name, &self.reference, &self.description]
                .into_iter()
                .flatten()
                .map(String::as_str),
        );
        parts.extend(self.sub_processors.iter().map(|s| s.name.as_str()));
        parts.join(" \u{1f} ").to_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::processing::Safeguard;

    fn today() -> Date {
        jiff::civil::date(2026, 11, 25)
    }

    fn with(counterparty: &str) -> AgreementDetails {
        AgreementDetails {
            counterparty: counterparty.into(),
            ..Default::default()
        }
    }

    fn check(on: &str, finding: &str) -> NewComplianceCheck {
        NewComplianceCheck {
            checked_on: on.into(),
            finding: finding.into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_counterparty_is_all_a_new_agreement_needs() {
        let a = with("  Tieto Evry AB ").validate().expect("valid");
        assert_eq!(a.counterparty, "Tieto Evry AB");
        assert_eq!(a.direction, Direction::TheyProcessForUs);
        assert_eq!(a.title(), "Tieto Evry AB");
    }

    #[test]
    fn a_missing_counterparty_is_refused() {
        assert_eq!(
            with(" ").validate(),
            Err(vec![Invalid::new("counterparty", Rule::Required)])
        );
    }

    #[test]
    fn a_name_when_given_is_the_title() {
        let a = AgreementDetails {
            name: Some(" PUB-avtal Procapita ".into()),
            ..with("Tieto Evry AB")
        }
        .validate()
        .expect("valid");
        assert_eq!(a.title(), "PUB-avtal Procapita");
        let blank = AgreementDetails {
            name: Some("  ".into()),
            ..with("Tieto Evry AB")
        }
        .validate()
        .expect("valid");
        assert_eq!(blank.name, None);
        assert_eq!(blank.title(), "Tieto Evry AB");
    }

    #[test]
    fn a_review_before_the_signing_is_refused() {
        let a = AgreementDetails {
            signed_on: Some("2026-05-01".into()),
            review_on: Some("2026-04-30".into()),
            ..with("X")
        };
        assert_eq!(
            a.validate(),
            Err(vec![Invalid::new("review_on", Rule::DateTooEarly)])
        );
    }

    #[test]
    fn bad_dates_are_refused_and_good_ones_normalised() {
        let a = AgreementDetails {
            signed_on: Some("förra året".into()),
            ..with("X")
        };
        assert_eq!(
            a.validate(),
            Err(vec![Invalid::new("signed_on", Rule::InvalidDate)])
        );
        let a = AgreementDetails {
            signed_on: Some(" 2026-05-01 ".into()),
            review_on: Some("".into()),
            ..with("X")
        }
        .validate()
        .expect("valid");
        assert_eq!(a.signed_on.as_deref(), Some("2026-05-01"));
        assert_eq!(a.review_on, None);
    }

    #[test]
    fn sub_processors_and_transfers_need_a_name_and_a_country() {
        let a = AgreementDetails {
            sub_processors: vec![SubProcessor {
                name: " ".into(),
                service: None,
                country: None,
            }],
            third_country_transfers: vec![Transfer {
                country: "".into(),
                recipient: None,
                safeguard: None,
                transfer_impact_assessment: false,
                exit_plan: false,
            }],
            ..with("X")
        };
        assert_eq!(
            a.validate(),
            Err(vec![
                Invalid::new("sub_processors.name", Rule::Required),
                Invalid::new("third_country_transfers.country", Rule::Required),
            ])
        );
    }

    #[test]
    fn transfers_reuse_the_safeguards_of_the_processing_register() {
        let a: AgreementDetails = serde_json::from_str(
            r#"{"counterparty":"Microsoft","third_country_transfers":[
                {"country":"USA","safeguard":"data_privacy_framework"},{"country":"Indien"}]}"#,
        )
        .expect("valid");
        assert_eq!(
            a.third_country_transfers[0].safeguard,
            Some(Safeguard::DataPrivacyFramework)
        );
        assert_eq!(a.transfers_without_safeguard(), 1);
    }

    #[test]
    fn a_direction_is_one_of_two() {
        for d in Direction::ALL {
            assert_eq!(Direction::parse(d.as_str()), Some(d));
            assert_ne!(d.label(Lang::Sv), d.label(Lang::En));
        }
        assert_eq!(Direction::parse("both"), None);
        assert!(
            serde_json::from_str::<AgreementDetails>(r#"{"counterparty":"x","direction":"both"}"#)
                .is_err()
        );
    }

    #[test]
    fn unknown_fields_do_not_deserialize() {
        assert!(
            serde_json::from_str::<AgreementDetails>(r#"{"counterparty":"x","nope":1}"#).is_err()
        );
        assert!(
            serde_json::from_str::<NewComplianceCheck>(
                r#"{"checked_on":"2026-01-01","finding":"ok","recorded_by":"jag"}"#
            )
            .is_err()
        );
    }

    #[test]
    fn a_compliance_check_needs_a_date_that_has_come_and_a_finding() {
        assert_eq!(
            check("2026-11-26", "ok").validate(today()),
            Err(vec![Invalid::new("checked_on", Rule::DateInFuture)])
        );
        assert_eq!(
            check("", " ").validate(today()),
            Err(vec![
                Invalid::new("checked_on", Rule::Required),
                Invalid::new("finding", Rule::Required),
            ])
        );
        let ok = check(" 2026-11-25 ", " Loggar saknas ")
            .validate(today())
            .expect("valid");
        assert_eq!(ok.checked_on, "2026-11-25");
        assert_eq!(ok.finding, "Loggar saknas");
    }

    #[test]
    fn a_follow_up_cannot_be_due_before_the_check() {
        let c = NewComplianceCheck {
            follow_up: Some("Begär loggar".into()),
            follow_up_due: Some("2026-11-01".into()),
            ..check("2026-11-02", "Loggar saknas")
        };
        assert_eq!(
            c.validate(today()),
            Err(vec![Invalid::new("follow_up_due", Rule::DateTooEarly)])
        );
    }

    #[test]
    fn checks_are_appended_stamped_and_the_latest_is_known() {
        let mut a = with("X");
        assert_eq!(a.last_checked_on(), None);
        for on in ["2025-11-01", "2026-10-01", "2026-02-01"] {
            let c = check(on, "ok").validate(today()).expect("valid").recorded(
                crate::ids::new_id(),
                "Dina Dataskydd",
                "2026-11-25T10:00:00.000000Z",
            );
            a.append_check(c).expect("room");
        }
        assert_eq!(a.compliance_checks.len(), 3);
        assert_eq!(a.compliance_checks[2].recorded_by, "Dina Dataskydd");
        assert_eq!(a.last_checked_on(), Some("2026-10-01"));
    }

    #[test]
    fn the_log_is_bounded() {
        let entry = check("2026-01-01", "ok").recorded("x".into(), "y", "z");
        let mut a = AgreementDetails {
            compliance_checks: vec![entry.clone(); CHECKS_MAX],
            ..with("X")
        };
        assert_eq!(
            a.append_check(entry),
            Err(Invalid::new(
                "compliance_checks",
                Rule::TooMany { max: CHECKS_MAX }
            ))
        );
    }

    #[test]
    fn a_review_is_overdue_the_day_after_its_date() {
        let a = AgreementDetails {
            review_on: Some("2026-11-25".into()),
            ..with("X")
        };
        assert!(!a.review_overdue(today()));
        assert!(a.review_overdue(jiff::civil::date(2026, 11, 26)));
        assert!(!with("X").review_overdue(today()));
    }

    #[test]
    fn search_text_covers_counterparty_reference_and_sub_processors() {
        let a = AgreementDetails {
            reference: Some("KS 2026/123".into()),
            sub_processors: vec![SubProcessor {
                name: "Amazon Web Services".into(),
                service: None,
                country: None,
            }],
            ..with("Tieto Evry AB")
        };
        let s = a.search_text();
        assert!(s.contains("tieto evry") && s.contains("ks 2026/123") && s.contains("amazon"));
    }
}
