//! IT systems and services (objekt): owner and manager, vendor, where data is stored, and their
//! information classification in the style of SKR's KLASSA (a level for confidentiality, integrity
//! and availability each), risk analysis and action plan.
//!
//! The annual report counts systems, classified systems, systems whose classification is current and
//! self-procured systems; [`SystemDetails::classification_current`] and [`classification_cutoff`] are
//! the one definition of "current" that both the record and the store's counts use.

use crate::{Invalid, Lang, Rule, text};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

pub const NAME_MAX: usize = 200;
pub const TEXT_MAX: usize = 10_000;
/// Longest one-line value: a vendor, a person, a country.
pub const LINE_MAX: usize = 300;
/// Longest action of an action plan.
pub const ACTION_MAX: usize = 500;
/// Most items in one list (actions, linked agreements).
pub const LIST_MAX: usize = 100;

/// Who procured the system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Procurement {
    /// Procured by the controller itself (egenupphandlat).
    #[default]
    SelfProcured,
    /// Provided centrally by the city.
    Central,
}

impl Procurement {
    pub fn as_str(self) -> &'static str {
        match self {
            Procurement::SelfProcured => "self_procured",
            Procurement::Central => "central",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Procurement::SelfProcured => {
                lang.pick("Egen upphandling", "Procured by the controller")
            }
            Procurement::Central => lang.pick("Centralt tillhandahållet", "Provided centrally"),
        }
    }
}

/// A classification level, 1 (low) to 4 (very high), as in KLASSA.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Level(u8);

impl TryFrom<u8> for Level {
    type Error = String;
    fn try_from(v: u8) -> Result<Self, String> {
        if (1..=4).contains(&v) {
            Ok(Level(v))
        } else {
            Err(format!("level {v} is not 1–4"))
        }
    }
}

impl Level {
    /// The nearest level to `v` (0 becomes 1, above 4 becomes 4).
    pub fn clamped(v: u8) -> Level {
        Level(v.clamp(1, 4))
    }

    pub fn value(self) -> u8 {
        self.0
    }

    /// KLASSA's names of the levels.
    pub fn label(self, lang: Lang) -> &'static str {
        match self.0 {
            1 => lang.pick("1 – Låg", "1 – Low"),
            2 => lang.pick("2 – Måttlig", "2 – Moderate"),
            3 => lang.pick("3 – Hög", "3 – High"),
            _ => lang.pick("4 – Mycket hög", "4 – Very high"),
        }
    }
}

impl From<Level> for u8 {
    fn from(l: Level) -> u8 {
        l.0
    }
}

/// The information classification of a system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Classification {
    pub confidentiality: Level,
    pub integrity: Level,
    pub availability: Level,
    /// `YYYY-MM-DD`.
    pub classified_on: String,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub next_review: Option<String>,
}

/// Where an action of the action plan stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    Planned,
    Ongoing,
    Done,
}

impl ActionStatus {
    pub const ALL: [ActionStatus; 3] = [
        ActionStatus::Planned,
        ActionStatus::Ongoing,
        ActionStatus::Done,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::Planned => "planned",
            ActionStatus::Ongoing => "ongoing",
            ActionStatus::Done => "done",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            ActionStatus::Planned => lang.pick("Planerad", "Planned"),
            ActionStatus::Ongoing => lang.pick("Pågår", "Ongoing"),
            ActionStatus::Done => lang.pick("Klar", "Done"),
        }
    }
}

/// One action of a system's action plan (åtgärd, ansvarig, klart senast, status).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    pub action: String,
    #[serde(default)]
    pub responsible: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub due: Option<String>,
    #[serde(default)]
    pub status: Option<ActionStatus>,
}

/// What a system record says.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SystemDetails {
    pub name: String,
    pub description: Option<String>,
    pub vendor: Option<String>,
    /// Objektägare.
    pub owner: Option<String>,
    /// Objektledare / systemförvaltare.
    pub manager: Option<String>,
    pub procurement: Procurement,
    /// Relevant under the NIS2 rules.
    pub nis_relevant: bool,
    /// Country where the data is stored.
    pub storage_country: Option<String>,
    pub holds_personal_data: bool,
    pub classification: Option<Classification>,
    /// `YYYY-MM-DD`.
    pub risk_analysis_on: Option<String>,
    pub action_plan: Vec<Action>,
    /// Processor agreements that cover the system. The system owns these links; an agreement lists
    /// its systems from them.
    pub agreement_ids: Vec<String>,
}

/// Accepts an optional `YYYY-MM-DD`, trimmed and written back in its canonical form; blank is absent.
pub(crate) fn optional_date(
    field: &'static str,
    value: &mut Option<String>,
) -> Result<Option<Date>, Invalid> {
    let Some(v) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) else {
        *value = None;
        return Ok(None);
    };
    let d = v
        .parse::<Date>()
        .map_err(|_| Invalid::new(field, Rule::InvalidDate))?;
    *value = Some(d.to_string());
    Ok(Some(d))
}

/// Accepts a required `YYYY-MM-DD`, written back in its canonical form.
pub(crate) fn required_date(field: &'static str, value: &mut String) -> Result<Date, Invalid> {
    let mut v = Some(std::mem::take(value));
    let d = optional_date(field, &mut v);
    *value = v.unwrap_or_default();
    d?.ok_or(Invalid::new(field, Rule::Required))
}

/// Trims the ids of a list, drops blanks and duplicates, and checks that each could name a record.
pub(crate) fn clean_ids(field: &'static str, ids: &mut Vec<String>) -> Result<(), Invalid> {
    let mut out: Vec<String> = Vec::with_capacity(ids.len());
    for id in ids.iter().map(|i| i.trim()).filter(|i| !i.is_empty()) {
        if !crate::ids::is_well_formed(id) {
            return Err(Invalid::new(field, Rule::UnknownReference));
        }
        if !out.iter().any(|o| o == id) {
            out.push(id.to_string());
        }
    }
    if out.len() > LIST_MAX {
        return Err(Invalid::new(field, Rule::TooMany { max: LIST_MAX }));
    }
    *ids = out;
    Ok(())
}

/// The earliest classification date that is still current on `today` when no review date is set:
/// a classification without one lasts a year.
pub fn classification_cutoff(today: Date) -> Date {
    today
        .checked_sub(jiff::Span::new().years(1))
        .unwrap_or(Date::MIN)
}

impl SystemDetails {
    /// Trims and checks every field; blank optional texts and dates become `None`, dates are written
    /// as `YYYY-MM-DD`.
    pub fn validate(mut self) -> Result<SystemDetails, Vec<Invalid>> {
        let mut errors = Vec::new();
        match text::required_line("name", &self.name, NAME_MAX) {
            Ok(n) => self.name = n,
            Err(e) => errors.push(e),
        }
        match text::optional_text("description", self.description.as_deref(), TEXT_MAX) {
            Ok(v) => self.description = v,
            Err(e) => errors.push(e),
        }
        for (field, value) in [
            ("vendor", &mut self.vendor),
            ("owner", &mut self.owner),
            ("manager", &mut self.manager),
            ("storage_country", &mut self.storage_country),
        ] {
            match text::optional_text(field, value.as_deref(), LINE_MAX) {
                Ok(v) => *value = v,
                Err(e) => errors.push(e),
            }
        }
        if let Err(e) = optional_date("risk_analysis_on", &mut self.risk_analysis_on) {
            errors.push(e);
        }
        if let Some(c) = &mut self.classification {
            let classified = required_date("classification.classified_on", &mut c.classified_on)
                .map_err(|e| errors.push(e))
                .ok();
            match optional_date("classification.next_review", &mut c.next_review) {
                Ok(Some(review)) if classified.is_some_and(|on| review < on) => errors.push(
                    Invalid::new("classification.next_review", Rule::DateTooEarly),
                ),
                Ok(_) => {}
                Err(e) => errors.push(e),
            }
        }
        if self.action_plan.len() > LIST_MAX {
            errors.push(Invalid::new("action_plan", Rule::TooMany { max: LIST_MAX }));
        }
        for a in &mut self.action_plan {
            match text::required_line("action_plan.action", &a.action, ACTION_MAX) {
                Ok(v) => a.action = v,
                Err(e) => errors.push(e),
            }
            match text::optional_text(
                "action_plan.responsible",
                a.responsible.as_deref(),
                LINE_MAX,
            ) {
                Ok(v) => a.responsible = v,
                Err(e) => errors.push(e),
            }
            if let Err(e) = optional_date("action_plan.due", &mut a.due) {
                errors.push(e);
            }
        }
        if let Err(e) = clean_ids("agreement_ids", &mut self.agreement_ids) {
            errors.push(e);
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(errors)
        }
    }

    /// Whether the system has been classified at all.
    pub fn classified(&self) -> bool {
        self.classification.is_some()
    }

    /// Whether the classification is current on `today`: made, and not past its review date (or, with
    /// no review date, made on or after [`classification_cutoff`]).
    pub fn classification_current(&self, today: Date) -> bool {
        let Some(c) = &self.classification else {
            return false;
        };
        match c
            .next_review
            .as_deref()
            .and_then(|d| d.parse::<Date>().ok())
        {
            Some(review) => review >= today,
            None => c
                .classified_on
                .parse::<Date>()
                .is_ok_and(|on| on >= classification_cutoff(today)),
        }
    }

    /// Lower-case text that search matches against.
    pub fn search_text(&self) -> String {
        [
            Some(self.name.as_str()),
            self.description.as_deref(),
            self.vendor.as_deref(),
            self.owner.as_deref(),
            self.manager.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" \u{1f} ")
        .to_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sys() -> SystemDetails {
        SystemDetails {
            name: "Procapita".into(),
            ..Default::default()
        }
    }

    fn classified(on: &str, review: Option<&str>) -> Classification {
        Classification {
            confidentiality: Level(3),
            integrity: Level(2),
            availability: Level(2),
            classified_on: on.into(),
            next_review: review.map(str::to_string),
        }
    }

    #[test]
    fn levels_are_one_to_four() {
        assert!(serde_json::from_str::<Level>("0").is_err());
        assert!(serde_json::from_str::<Level>("5").is_err());
        assert_eq!(serde_json::from_str::<Level>("3").ok(), Some(Level(3)));
    }

    #[test]
    fn a_classification_is_current_until_its_review_date() {
        let today = jiff::civil::date(2026, 11, 25);
        let mut s = sys();
        assert!(!s.classification_current(today));
        s.classification = Some(classified("2025-01-10", Some("2026-11-25")));
        assert!(s.classification_current(today));
        if let Some(c) = &mut s.classification {
            c.next_review = Some("2026-11-24".into());
        }
        assert!(!s.classification_current(today));
    }

    #[test]
    fn without_a_review_date_a_classification_lasts_a_year() {
        let today = jiff::civil::date(2026, 11, 25);
        let mut s = sys();
        s.classification = Some(Classification {
            confidentiality: Level(1),
            integrity: Level(1),
            availability: Level(1),
            classified_on: "2025-11-25".into(),
            next_review: None,
        });
        assert!(s.classification_current(today));
        if let Some(c) = &mut s.classification {
            c.classified_on = "2025-11-24".into();
        }
        assert!(!s.classification_current(today));
    }

    #[test]
    fn a_classification_made_on_a_leap_day_lasts_until_the_last_day_of_february() {
        let mut s = sys();
        s.classification = Some(classified("2024-02-29", None));
        assert!(s.classification_current(jiff::civil::date(2025, 2, 28)));
        assert!(!s.classification_current(jiff::civil::date(2025, 3, 1)));
        assert_eq!(
            classification_cutoff(jiff::civil::date(2025, 3, 1)),
            jiff::civil::date(2024, 3, 1)
        );
    }

    #[test]
    fn bad_dates_are_refused() {
        let s = SystemDetails {
            risk_analysis_on: Some("igår".into()),
            ..sys()
        };
        assert_eq!(
            s.validate(),
            Err(vec![Invalid::new("risk_analysis_on", Rule::InvalidDate)])
        );
    }

    #[test]
    fn a_review_before_the_classification_is_refused() {
        let s = SystemDetails {
            classification: Some(classified("2026-03-01", Some("2026-02-28"))),
            ..sys()
        };
        assert_eq!(
            s.validate(),
            Err(vec![Invalid::new(
                "classification.next_review",
                Rule::DateTooEarly
            )])
        );
    }

    #[test]
    fn a_classification_needs_its_date() {
        let s = SystemDetails {
            classification: Some(classified(" ", None)),
            ..sys()
        };
        assert_eq!(
            s.validate(),
            Err(vec![Invalid::new(
                "classification.classified_on",
                Rule::Required
            )])
        );
    }

    #[test]
    fn dates_and_texts_are_trimmed_and_blanks_become_absent() {
        let s = SystemDetails {
            vendor: Some("  Tieto ".into()),
            owner: Some("   ".into()),
            risk_analysis_on: Some(" 2026-01-05 ".into()),
            classification: Some(classified(" 2026-01-05", Some(""))),
            ..sys()
        }
        .validate()
        .expect("valid");
        assert_eq!(s.vendor.as_deref(), Some("Tieto"));
        assert_eq!(s.owner, None);
        assert_eq!(s.risk_analysis_on.as_deref(), Some("2026-01-05"));
        let c = s.classification.expect("classified");
        assert_eq!(c.classified_on, "2026-01-05");
        assert_eq!(c.next_review, None);
    }

    #[test]
    fn an_action_needs_its_text_and_a_real_due_date() {
        let s = SystemDetails {
            action_plan: vec![Action {
                action: " ".into(),
                responsible: None,
                due: Some("31/12".into()),
                status: Some(ActionStatus::Planned),
            }],
            ..sys()
        };
        assert_eq!(
            s.validate(),
            Err(vec![
                Invalid::new("action_plan.action", Rule::Required),
                Invalid::new("action_plan.due", Rule::InvalidDate),
            ])
        );
    }

    #[test]
    fn an_action_status_is_one_of_three() {
        let a: Action =
            serde_json::from_str(r#"{"action":"Logga behörigheter","status":"ongoing"}"#)
                .expect("valid");
        assert_eq!(a.status, Some(ActionStatus::Ongoing));
        assert!(serde_json::from_str::<Action>(r#"{"action":"x","status":"kanske"}"#).is_err());
    }

    #[test]
    fn linked_agreements_are_ids_without_duplicates() {
        let id = crate::ids::new_id();
        let s = SystemDetails {
            agreement_ids: vec![id.clone(), format!(" {id} "), String::new()],
            ..sys()
        }
        .validate()
        .expect("valid");
        assert_eq!(s.agreement_ids, vec![id]);
        let bad = SystemDetails {
            agreement_ids: vec!["avtal 1".into()],
            ..sys()
        };
        assert_eq!(
            bad.validate(),
            Err(vec![Invalid::new("agreement_ids", Rule::UnknownReference)])
        );
    }

    #[test]
    fn unknown_fields_do_not_deserialize() {
        assert!(serde_json::from_str::<SystemDetails>(r#"{"name":"a","klass":1}"#).is_err());
        assert!(
            serde_json::from_str::<SystemDetails>(
                r#"{"name":"a","classification":{"confidentiality":5,"integrity":1,"availability":1,"classified_on":"2026-01-01"}}"#
            )
            .is_err()
        );
    }

    #[test]
    fn labels_exist_in_both_languages() {
        for l in 1..=4 {
            assert_ne!(
                Level::clamped(l).label(Lang::Sv),
                Level::clamped(l).label(Lang::En)
            );
        }
        for s in ActionStatus::ALL {
            assert!(!s.label(Lang::Sv).is_empty() && !s.label(Lang::En).is_empty());
        }
        assert_eq!(Procurement::Central.as_str(), "central");
    }
}
