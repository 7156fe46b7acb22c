//! IT systems and services (objekt): owner and manager, vendor, where data is stored, and their
//! information classification in the style of SKR's KLASSA (a level for confidentiality, integrity
//! and availability each), risk analysis and action plan.

use crate::{Invalid, Rule, text};
use serde::{Deserialize, Serialize};

pub const NAME_MAX: usize = 200;
pub const TEXT_MAX: usize = 10_000;

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

/// One action of a system's action plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    pub action: String,
    #[serde(default)]
    pub responsible: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub due: Option<String>,
    /// `planned`, `ongoing`, `done`.
    #[serde(default)]
    pub status: Option<String>,
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
    pub agreement_ids: Vec<String>,
}

fn date(field: &'static str, v: &Option<String>) -> Result<(), Invalid> {
    match v {
        Some(s) if s.parse::<jiff::civil::Date>().is_err() => {
            Err(Invalid::new(field, Rule::InvalidDate))
        }
        _ => Ok(()),
    }
}

impl SystemDetails {
    pub fn validate(mut self) -> Result<SystemDetails, Vec<Invalid>> {
        let mut errors = Vec::new();
        match text::required_line("name", &self.name, NAME_MAX) {
            Ok(n) => self.name = n,
            Err(e) => errors.push(e),
        }
        for (field, value) in [
            ("description", &mut self.description),
            ("vendor", &mut self.vendor),
            ("owner", &mut self.owner),
            ("manager", &mut self.manager),
            ("storage_country", &mut self.storage_country),
            ("risk_analysis_on", &mut self.risk_analysis_on),
        ] {
            match text::optional_text(field, value.as_deref(), TEXT_MAX) {
                Ok(v) => *value = v,
                Err(e) => errors.push(e),
            }
        }
        if let Err(e) = date("risk_analysis_on", &self.risk_analysis_on) {
            errors.push(e);
        }
        if let Some(c) = &self.classification
            && let Err(e) = date("classification", &Some(c.classified_on.clone()))
                .and(date("classification", &c.next_review))
        {
            errors.push(e);
        }
        for a in &mut self.action_plan {
            match text::required_line("action_plan", &a.action, 500) {
                Ok(v) => a.action = v,
                Err(e) => errors.push(e),
            }
            if let Err(e) = date("action_plan", &a.due) {
                errors.push(e);
            }
        }
        if self
            .agreement_ids
            .iter()
            .any(|id| !crate::ids::is_well_formed(id))
        {
            errors.push(Invalid::new("agreement_ids", Rule::UnknownReference));
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(errors)
        }
    }

    /// Whether the classification is current on `today`: made, and not past its review date (or, with
    /// no review date, made within the last year).
    pub fn classification_current(&self, today: jiff::civil::Date) -> bool {
        let Some(c) = &self.classification else {
            return false;
        };
        match c
            .next_review
            .as_deref()
            .and_then(|d| d.parse::<jiff::civil::Date>().ok())
        {
            Some(review) => review >= today,
            None => c
                .classified_on
                .parse::<jiff::civil::Date>()
                .ok()
                .and_then(|d| d.checked_add(jiff::Span::new().years(1)).ok())
                .is_some_and(|until| until >= today),
        }
    }

    pub fn search_text(&self) -> String {
        [
            Some(self.name.as_str()),
            self.description.as_deref(),
            self.vendor.as_deref(),
            self.owner.as_deref(),
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
        s.classification = Some(Classification {
            confidentiality: Level(3),
            integrity: Level(2),
            availability: Level(2),
            classified_on: "2025-01-10".into(),
            next_review: Some("2026-11-25".into()),
        });
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
}
