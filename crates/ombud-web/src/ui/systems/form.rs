//! The form of a system: what it holds as the person typed it, how a stored record fills it, and how
//! it becomes the JSON object that the shared API functions (`api::systems::{create, update}`) take,
//! so that every rule about what is valid stays in the domain.
//!
//! Inputs are named after the API's fields. The KLASSA levels are selects whose empty choice means
//! "not classified"; the action plan is a few repeatable rows (the stored ones and two blank), since
//! more rows without JavaScript would need a round trip anyway: a blank row is ignored, and saving
//! offers two new ones.

use crate::error::ApiError;
use crate::i18n;
use crate::ui::forms::{Choice, Fields, Problems};
use ombud_domain::register::system::{
    ACTION_MAX, ActionStatus, LINE_MAX, Level, Procurement, SystemDetails,
};
use ombud_domain::{Invalid, Lang, Rule};
use serde_json::{Map, Value, json};

/// Blank action rows offered after the stored ones.
const BLANK_ACTIONS: usize = 2;
/// The most action rows read from a post (the domain allows 100 actions; the rest is noise).
const MAX_ACTION_ROWS: usize = 110;

/// One row of the action plan.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActionRow {
    pub action: String,
    pub responsible: String,
    pub due: String,
    pub status: String,
}

impl ActionRow {
    fn is_blank(&self) -> bool {
        self.action.trim().is_empty()
            && self.responsible.trim().is_empty()
            && self.due.trim().is_empty()
            && self.status.is_empty()
    }
}

/// One action row as the template draws it.
pub struct ActionView {
    pub number: usize,
    pub action_id: String,
    pub action_name: String,
    pub action: String,
    pub responsible_id: String,
    pub responsible_name: String,
    pub responsible: String,
    pub due_id: String,
    pub due_name: String,
    pub due: String,
    pub status_id: String,
    pub status_name: String,
    pub statuses: Vec<Choice>,
}

/// What the form holds, as text the way it is shown and posted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SystemForm {
    pub organisation_id: String,
    pub name: String,
    pub description: String,
    pub vendor: String,
    pub holds_personal_data: bool,
    pub owner: String,
    pub manager: String,
    pub procurement: String,
    pub storage_country: String,
    pub nis_relevant: bool,
    pub confidentiality: String,
    pub integrity: String,
    pub availability: String,
    pub classified_on: String,
    pub classification_next_review: String,
    pub risk_analysis_on: String,
    pub actions: Vec<ActionRow>,
    pub agreement_ids: Vec<String>,
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

/// The three KLASSA aspects: form field, API field, label key, hint key.
pub const LEVELS: [(&str, &str, &str, &str); 3] = [
    (
        "confidentiality",
        "classification.confidentiality",
        "sys-field-confidentiality",
        "sys-hint-confidentiality",
    ),
    (
        "integrity",
        "classification.integrity",
        "sys-field-integrity",
        "sys-hint-integrity",
    ),
    (
        "availability",
        "classification.availability",
        "sys-field-availability",
        "sys-hint-availability",
    ),
];

impl SystemForm {
    /// A new record's form, procured by the organisation itself (the usual case).
    pub fn blank(organisation_id: String) -> Self {
        SystemForm {
            organisation_id,
            procurement: Procurement::SelfProcured.as_str().into(),
            actions: vec![ActionRow::default(); BLANK_ACTIONS],
            ..SystemForm::default()
        }
    }

    /// The form filled from a stored record.
    pub fn from_record(organisation_id: &str, d: &SystemDetails) -> Self {
        let mut actions: Vec<ActionRow> = d
            .action_plan
            .iter()
            .map(|a| ActionRow {
                action: a.action.clone(),
                responsible: opt(&a.responsible),
                due: opt(&a.due),
                status: a.status.map(|s| s.as_str().to_string()).unwrap_or_default(),
            })
            .collect();
        actions.extend(std::iter::repeat_n(ActionRow::default(), BLANK_ACTIONS));
        let c = d.classification.as_ref();
        let level = |l: Option<Level>| l.map(|l| l.value().to_string()).unwrap_or_default();
        SystemForm {
            organisation_id: organisation_id.to_string(),
            name: d.name.clone(),
            description: opt(&d.description),
            vendor: opt(&d.vendor),
            holds_personal_data: d.holds_personal_data,
            owner: opt(&d.owner),
            manager: opt(&d.manager),
            procurement: d.procurement.as_str().into(),
            storage_country: opt(&d.storage_country),
            nis_relevant: d.nis_relevant,
            confidentiality: level(c.map(|c| c.confidentiality)),
            integrity: level(c.map(|c| c.integrity)),
            availability: level(c.map(|c| c.availability)),
            classified_on: c.map(|c| c.classified_on.clone()).unwrap_or_default(),
            classification_next_review: c.and_then(|c| c.next_review.clone()).unwrap_or_default(),
            risk_analysis_on: opt(&d.risk_analysis_on),
            actions,
            agreement_ids: d.agreement_ids.clone(),
        }
    }

    /// The form as posted.
    pub fn from_fields(f: &Fields) -> Self {
        let s = |k: &str| f.get(k).to_string();
        let actions = (0..MAX_ACTION_ROWS)
            .take_while(|i| {
                let prefix = format!("action_{i}_");
                f.0.iter().any(|(k, _)| k.starts_with(&prefix))
            })
            .map(|i| ActionRow {
                action: s(&format!("action_{i}_action")),
                responsible: s(&format!("action_{i}_responsible")),
                due: s(&format!("action_{i}_due")),
                status: s(&format!("action_{i}_status")),
            })
            .collect();
        SystemForm {
            organisation_id: s("organisation_id"),
            name: s("name"),
            description: s("description"),
            vendor: s("vendor"),
            holds_personal_data: f.checked("holds_personal_data"),
            owner: s("owner"),
            manager: s("manager"),
            procurement: s("procurement"),
            storage_country: s("storage_country"),
            nis_relevant: f.checked("nis_relevant"),
            confidentiality: s("confidentiality"),
            integrity: s("integrity"),
            availability: s("availability"),
            classified_on: s("classified_on"),
            classification_next_review: s("classification_next_review"),
            risk_analysis_on: s("risk_analysis_on"),
            actions,
            agreement_ids: f
                .all("agreement_ids")
                .into_iter()
                .filter(|v| !v.trim().is_empty())
                .collect(),
        }
    }

    /// After a refused post the person sees what they typed and, again, two blank rows to add to.
    pub fn with_blank_rows(mut self) -> Self {
        while self.actions.last().is_some_and(ActionRow::is_blank) {
            self.actions.pop();
        }
        self.actions
            .extend(std::iter::repeat_n(ActionRow::default(), BLANK_ACTIONS));
        self
    }

    fn level(&self, field: &str) -> &str {
        match field {
            "confidentiality" => &self.confidentiality,
            "integrity" => &self.integrity,
            _ => &self.availability,
        }
    }

    /// Whether anything of the classification was filled in.
    fn classification_started(&self) -> bool {
        LEVELS
            .iter()
            .any(|(f, ..)| !self.level(f).trim().is_empty())
            || !self.classified_on.trim().is_empty()
            || !self.classification_next_review.trim().is_empty()
    }

    /// Every field of the record as a JSON object for `create` or as the merge patch of `update`
    /// (the form shows every field, so it sends them all), with what the form itself finds wrong: a
    /// classification needs all three levels, which the domain's types cannot express as a message.
    ///
    /// Values that no input offers (a tampered status) are dropped rather than refused: the form
    /// could not show them beside a field anyway.
    pub fn to_json(&self) -> (Map<String, Value>, Vec<Invalid>) {
        let mut m = Map::new();
        let mut problems = Vec::new();
        let text = |v: &str| Value::String(v.to_string());
        for (k, v) in [
            ("name", &self.name),
            ("description", &self.description),
            ("vendor", &self.vendor),
            ("owner", &self.owner),
            ("manager", &self.manager),
            ("storage_country", &self.storage_country),
            ("risk_analysis_on", &self.risk_analysis_on),
        ] {
            m.insert(k.into(), text(v));
        }
        m.insert(
            "holds_personal_data".into(),
            Value::Bool(self.holds_personal_data),
        );
        m.insert("nis_relevant".into(), Value::Bool(self.nis_relevant));
        m.insert(
            "procurement".into(),
            text(if self.procurement == Procurement::Central.as_str() {
                Procurement::Central.as_str()
            } else {
                Procurement::SelfProcured.as_str()
            }),
        );
        let mut classification = Value::Null;
        if self.classification_started() {
            let mut levels = Map::new();
            for (field, api_field, ..) in LEVELS {
                match self.level(field).trim().parse::<u8>() {
                    Ok(n) if (1..=4).contains(&n) => {
                        levels.insert(field.into(), json!(n));
                    }
                    Ok(_) => problems.push(Invalid::new(api_field, Rule::InvalidValue)),
                    Err(_) if self.level(field).trim().is_empty() => {
                        problems.push(Invalid::new(api_field, Rule::Required))
                    }
                    Err(_) => problems.push(Invalid::new(api_field, Rule::InvalidValue)),
                }
            }
            if problems.is_empty() {
                levels.insert("classified_on".into(), text(&self.classified_on));
                levels.insert("next_review".into(), text(&self.classification_next_review));
                classification = Value::Object(levels);
            }
        }
        m.insert("classification".into(), classification);
        let actions = self
            .actions
            .iter()
            .filter(|a| !a.is_blank())
            .map(|a| {
                json!({
                    "action": a.action,
                    "responsible": a.responsible,
                    "due": a.due,
                    "status": ActionStatus::ALL
                        .into_iter()
                        .find(|s| s.as_str() == a.status)
                        .map(ActionStatus::as_str),
                })
            })
            .collect();
        m.insert("action_plan".into(), Value::Array(actions));
        m.insert(
            "agreement_ids".into(),
            Value::Array(self.agreement_ids.iter().map(|i| text(i.trim())).collect()),
        );
        (m, problems)
    }

    /// The record the form describes, or every problem the form and the domain find in it, in the
    /// order of the form.
    pub fn to_details(&self) -> Result<SystemDetails, ApiError> {
        let (m, mut problems) = self.to_json();
        let d: SystemDetails = serde_json::from_value(Value::Object(m))
            .map_err(|e| ApiError::Unprocessable(e.to_string()))?;
        match d.validate() {
            Ok(d) if problems.is_empty() => return Ok(d),
            Ok(_) => {}
            Err(list) => problems.extend(list),
        }
        problems.sort_by_key(|i| {
            INPUTS
                .iter()
                .position(|(f, ..)| *f == i.field)
                .unwrap_or(INPUTS.len())
        });
        Err(ApiError::Invalid(problems))
    }

    /// The action rows as the template draws them.
    pub fn action_views(&self, lang: Lang) -> Vec<ActionView> {
        self.actions
            .iter()
            .enumerate()
            .map(|(i, a)| ActionView {
                number: i + 1,
                action_id: format!("s-action-{i}-action"),
                action_name: format!("action_{i}_action"),
                action: a.action.clone(),
                responsible_id: format!("s-action-{i}-responsible"),
                responsible_name: format!("action_{i}_responsible"),
                responsible: a.responsible.clone(),
                due_id: format!("s-action-{i}-due"),
                due_name: format!("action_{i}_due"),
                due: a.due.clone(),
                status_id: format!("s-action-{i}-status"),
                status_name: format!("action_{i}_status"),
                statuses: ActionStatus::ALL
                    .into_iter()
                    .map(|s| Choice::new(s.as_str(), s.label(lang), s.as_str() == a.status))
                    .collect(),
            })
            .collect()
    }

    /// Where a refusal about an action belongs: the domain names the column, not the row, so the
    /// row is the first filled one that breaks the rule (else the first row).
    pub fn place_action_problems(&self, problems: &mut Problems, lang: Lang) {
        let filled = |pred: &dyn Fn(&ActionRow) -> bool| {
            self.actions
                .iter()
                .position(|a| !a.is_blank() && pred(a))
                .unwrap_or(0)
        };
        for f in &mut problems.fields {
            let (row, column, label) = match f.id.as_str() {
                ACTION_TEXT_ID => (
                    filled(&|a| {
                        a.action.trim().is_empty() || a.action.trim().chars().count() > ACTION_MAX
                    }),
                    "action",
                    "sys-action-text",
                ),
                ACTION_RESPONSIBLE_ID => (
                    filled(&|a| a.responsible.trim().chars().count() > LINE_MAX),
                    "responsible",
                    "sys-action-responsible",
                ),
                ACTION_DUE_ID => (
                    filled(&|a| {
                        let d = a.due.trim();
                        !d.is_empty() && d.parse::<jiff::civil::Date>().is_err()
                    }),
                    "due",
                    "sys-action-due",
                ),
                _ => continue,
            };
            f.id = format!("s-action-{row}-{column}");
            f.label = format!(
                "{} {}, {}",
                i18n::t(lang, "sys-action-row"),
                row + 1,
                i18n::t(lang, label).to_lowercase()
            );
        }
    }

    /// The choices of one KLASSA level, with its labels from the domain.
    pub fn level_choices(&self, field: &str, lang: Lang) -> Vec<Choice> {
        let current = self.level(field).trim();
        (1..=4u8)
            .map(|n| {
                Choice::new(
                    n.to_string(),
                    Level::clamped(n).label(lang),
                    current == n.to_string(),
                )
            })
            .collect()
    }

    pub fn procurement_choices(&self, lang: Lang) -> Vec<Choice> {
        let central = self.procurement == Procurement::Central.as_str();
        vec![
            Choice::new(
                Procurement::SelfProcured.as_str(),
                i18n::t(lang, "sys-procurement-self_procured"),
                !central,
            ),
            Choice::new(
                Procurement::Central.as_str(),
                i18n::t(lang, "sys-procurement-central"),
                central,
            ),
        ]
    }
}

/// Where problems about an action's columns point until they are placed on a row.
const ACTION_TEXT_ID: &str = "s-action-text";
const ACTION_RESPONSIBLE_ID: &str = "s-action-responsible";
const ACTION_DUE_ID: &str = "s-action-due";

/// The input that holds an API field, and the message key of its label (for `forms::problems`).
pub fn input_for(field: &str) -> (&'static str, &'static str) {
    INPUTS
        .iter()
        .find(|(f, _, _)| *f == field)
        .map(|(_, id, label)| (*id, *label))
        .unwrap_or(("s-name", "sys-field-name"))
}

/// API field, input id, label key; in the order of the form.
const INPUTS: &[(&str, &str, &str)] = &[
    ("name", "s-name", "sys-field-name"),
    (
        "organisation_id",
        "s-organisation_id",
        "sys-field-organisation_id",
    ),
    ("description", "s-description", "sys-field-description"),
    ("vendor", "s-vendor", "sys-field-vendor"),
    (
        "holds_personal_data",
        "s-holds_personal_data",
        "sys-field-holds_personal_data",
    ),
    ("owner", "s-owner", "sys-field-owner"),
    ("manager", "s-manager", "sys-field-manager"),
    ("procurement", "s-procurement", "sys-field-procurement"),
    (
        "storage_country",
        "s-storage_country",
        "sys-field-storage_country",
    ),
    ("nis_relevant", "s-nis_relevant", "sys-field-nis_relevant"),
    (
        "classification",
        "s-confidentiality",
        "sys-field-classification",
    ),
    (
        "classification.confidentiality",
        "s-confidentiality",
        "sys-field-confidentiality",
    ),
    (
        "classification.integrity",
        "s-integrity",
        "sys-field-integrity",
    ),
    (
        "classification.availability",
        "s-availability",
        "sys-field-availability",
    ),
    (
        "classification.classified_on",
        "s-classified_on",
        "sys-field-classified_on",
    ),
    (
        "classification.next_review",
        "s-classification_next_review",
        "sys-field-classification_next_review",
    ),
    (
        "risk_analysis_on",
        "s-risk_analysis_on",
        "sys-field-risk_analysis_on",
    ),
    ("action_plan", "s-action_plan", "sys-field-action_plan"),
    ("action_plan.action", ACTION_TEXT_ID, "sys-action-text"),
    (
        "action_plan.responsible",
        ACTION_RESPONSIBLE_ID,
        "sys-action-responsible",
    ),
    ("action_plan.due", ACTION_DUE_ID, "sys-action-due"),
    (
        "agreement_ids",
        "s-agreement_ids",
        "sys-field-agreement_ids",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use ombud_domain::register::system::Classification;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        Fields(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    fn invalid(r: Result<SystemDetails, ApiError>) -> Vec<Invalid> {
        match r {
            Err(ApiError::Invalid(list)) => list,
            other => panic!("expected invalid input, got {other:?}"),
        }
    }

    #[test]
    fn a_posted_form_becomes_the_record_it_describes() {
        let id = ombud_domain::ids::new_id();
        let d = SystemForm::from_fields(&fields(&[
            ("name", " Procapita "),
            ("vendor", "Tieto"),
            ("owner", "Socialchefen"),
            ("procurement", "central"),
            ("nis_relevant", "1"),
            ("holds_personal_data", "1"),
            ("confidentiality", "3"),
            ("integrity", "2"),
            ("availability", "4"),
            ("classified_on", "2026-01-15"),
            ("classification_next_review", ""),
            ("risk_analysis_on", "2026-02-01"),
            ("action_0_action", "Inför tvåfaktorsinloggning"),
            ("action_0_due", "2026-06-30"),
            ("action_0_status", "ongoing"),
            ("action_1_action", ""),
            ("action_1_responsible", ""),
            ("agreement_ids", &id),
        ]))
        .to_details()
        .expect("a valid record");
        assert_eq!(d.name, "Procapita");
        assert_eq!(d.procurement, Procurement::Central);
        assert!(d.nis_relevant && d.holds_personal_data);
        let c = d.classification.expect("classified");
        assert_eq!(
            (
                c.confidentiality.value(),
                c.integrity.value(),
                c.availability.value()
            ),
            (3, 2, 4)
        );
        assert_eq!(c.next_review, None);
        assert_eq!(d.action_plan.len(), 1, "the blank row is ignored");
        assert_eq!(d.action_plan[0].status, Some(ActionStatus::Ongoing));
        assert_eq!(d.action_plan[0].responsible, None);
        assert_eq!(d.agreement_ids, vec![id]);
        assert_eq!(d.manager, None, "blank texts are absent");
    }

    #[test]
    fn a_stored_record_fills_the_form_and_saves_unchanged() {
        let stored = SystemForm::from_fields(&fields(&[
            ("name", "Skolplattform"),
            ("storage_country", "Sverige"),
            ("confidentiality", "2"),
            ("integrity", "2"),
            ("availability", "1"),
            ("classified_on", "2026-01-15"),
            ("classification_next_review", "2027-01-15"),
            ("action_0_action", "Logga behörigheter"),
            ("action_0_responsible", "IT-chefen"),
            ("action_0_status", "planned"),
        ]))
        .to_details()
        .expect("valid");
        let form = SystemForm::from_record("o1", &stored);
        assert_eq!(form.procurement, "self_procured");
        assert_eq!(form.actions.len(), 1 + BLANK_ACTIONS);
        assert_eq!(form.classification_next_review, "2027-01-15");
        assert_eq!(form.to_details().expect("valid"), stored);
    }

    #[test]
    fn no_levels_and_no_date_is_no_classification() {
        let (m, problems) = SystemForm::blank(String::new()).to_json();
        assert!(problems.is_empty());
        assert_eq!(m.get("classification"), Some(&Value::Null));
    }

    #[test]
    fn a_classification_needs_every_level_and_its_date() {
        let list = invalid(
            SystemForm::from_fields(&fields(&[
                ("confidentiality", "3"),
                ("availability", "9"),
                ("classified_on", ""),
            ]))
            .to_details(),
        );
        let found: Vec<_> = list.iter().map(|i| (i.field, i.rule)).collect();
        assert_eq!(
            found,
            vec![
                ("name", Rule::Required),
                ("classification.integrity", Rule::Required),
                ("classification.availability", Rule::InvalidValue),
            ],
            "in the order of the form"
        );
        let list = invalid(
            SystemForm::from_fields(&fields(&[
                ("name", "x"),
                ("confidentiality", "1"),
                ("integrity", "1"),
                ("availability", "1"),
            ]))
            .to_details(),
        );
        assert_eq!(list[0].field, "classification.classified_on");
        assert_eq!(input_for(list[0].field).0, "s-classified_on");
    }

    #[test]
    fn values_no_input_offers_are_dropped() {
        let d = SystemForm::from_fields(&fields(&[
            ("name", "x"),
            ("procurement", "stolen"),
            ("action_0_action", "Gör något"),
            ("action_0_status", "maybe"),
        ]))
        .to_details()
        .expect("valid");
        assert_eq!(d.procurement, Procurement::SelfProcured);
        assert_eq!(d.action_plan[0].status, None);
    }

    #[test]
    fn an_action_problem_is_shown_on_its_own_row() {
        let form = SystemForm::from_fields(&fields(&[
            ("name", "x"),
            ("action_0_action", "Första"),
            ("action_1_action", " "),
            ("action_1_responsible", "Kim"),
            ("action_2_action", "Tredje"),
            ("action_2_due", "31/12"),
        ]));
        let list = invalid(form.to_details());
        let mut p = Problems::default();
        for i in &list {
            let (id, label) = input_for(i.field);
            p.push(id, i18n::t(Lang::Sv, label), i.rule.message(Lang::Sv));
        }
        form.place_action_problems(&mut p, Lang::Sv);
        assert!(p.field("s-action-1-action").is_some());
        assert!(p.field("s-action-2-due").is_some());
        assert_eq!(p.fields[0].label, "Åtgärd 2, åtgärd");
    }

    #[test]
    fn after_a_refusal_two_blank_rows_are_offered_again() {
        let mut f = SystemForm::blank(String::new());
        f.actions = vec![
            ActionRow {
                action: "a".into(),
                ..ActionRow::default()
            },
            ActionRow::default(),
            ActionRow::default(),
            ActionRow::default(),
        ];
        assert_eq!(f.with_blank_rows().actions.len(), 1 + BLANK_ACTIONS);
    }

    #[test]
    fn levels_carry_the_domains_labels() {
        let form = SystemForm::from_record(
            "o",
            &SystemDetails {
                name: "x".into(),
                classification: Some(Classification {
                    confidentiality: Level::clamped(3),
                    integrity: Level::clamped(1),
                    availability: Level::clamped(1),
                    classified_on: "2026-01-01".into(),
                    next_review: None,
                }),
                ..SystemDetails::default()
            },
        );
        let c = form.level_choices("confidentiality", Lang::Sv);
        assert_eq!(c.len(), 4);
        assert!(c[2].selected);
        assert_eq!(c[2].label, "3 – Hög");
    }

    #[test]
    fn every_api_field_has_an_input_and_a_label_in_both_languages() {
        for (field, _, label) in INPUTS {
            for lang in [Lang::Sv, Lang::En] {
                assert_ne!(i18n::t(lang, label), *label, "{field} has no label");
            }
        }
        for (_, _, label, hint) in LEVELS {
            assert_ne!(i18n::t(Lang::En, hint), hint);
            assert_ne!(i18n::t(Lang::En, label), label);
        }
    }
}
