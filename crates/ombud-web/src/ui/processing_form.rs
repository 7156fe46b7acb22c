//! The form of a processing activity: what it holds as the person typed it, how a stored record fills
//! it, and how it becomes the JSON object that the shared API functions (`api::processing::{create,
//! update}`) take, so that every rule about what is valid stays in the domain.
//!
//! Inputs are named after the API's fields. Lists are typed one item per line; enums are offered as
//! checkboxes, radios and selects with their Swedish labels; third-country transfers are a few
//! repeatable rows (the stored ones and two blank), since more rows without JavaScript would need a
//! round trip anyway: a blank row is ignored, and saving offers two new ones.

use super::forms::{Choice, Fields, Problems};
use crate::i18n;
use ombud_domain::Lang;
use ombud_domain::register::processing::{
    Art9Exemption, DpiaDecision, LegalBasis, ProcessingDetails, ProcessingRole, Safeguard,
    SpecialCategory, Transfer,
};
use serde_json::{Map, Value};

/// Blank transfer rows offered after the stored ones.
const BLANK_TRANSFERS: usize = 2;
/// The most transfer rows read from a post (the domain allows 100 transfers; the rest is noise).
const MAX_TRANSFER_ROWS: usize = 110;

/// One third-country transfer row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TransferRow {
    pub country: String,
    pub recipient: String,
    pub safeguard: String,
    pub tia: bool,
    pub exit_plan: bool,
}

impl TransferRow {
    fn is_blank(&self) -> bool {
        self.country.trim().is_empty()
            && self.recipient.trim().is_empty()
            && self.safeguard.is_empty()
            && !self.tia
            && !self.exit_plan
    }
}

/// One transfer row as the template draws it.
pub struct TransferView {
    pub number: usize,
    pub country_id: String,
    pub country_name: String,
    pub country: String,
    pub recipient_id: String,
    pub recipient_name: String,
    pub recipient: String,
    pub safeguard_id: String,
    pub safeguard_name: String,
    pub safeguards: Vec<Choice>,
    pub tia_id: String,
    pub tia_name: String,
    pub tia: bool,
    pub exit_id: String,
    pub exit_name: String,
    pub exit_plan: bool,
}

/// What the form holds, as text the way it is shown and posted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProcessingForm {
    pub organisation_id: String,
    pub name: String,
    pub description: String,
    pub responsible_person: String,
    pub next_review: String,
    pub purposes: String,
    pub legal_bases: Vec<String>,
    pub national_provision: String,
    pub data_subject_categories: String,
    pub personal_data_categories: String,
    pub personal_identity_numbers: bool,
    pub protected_identity: bool,
    pub sources: String,
    pub special_categories: Vec<String>,
    pub art9_exemption: String,
    pub art9_provision: String,
    pub criminal_offence_data: bool,
    pub art10_basis: String,
    pub recipients: String,
    pub processors: String,
    pub joint_controllers: String,
    pub transfers: Vec<TransferRow>,
    pub retention: String,
    pub disposal_rule: String,
    pub document_plan_reference: String,
    pub security_measures: String,
    pub automated_decisions: bool,
    pub profiling: bool,
    pub ai_use: bool,
    pub iot: bool,
    pub large_scale: bool,
    pub vulnerable_subjects: bool,
    pub systematic_monitoring: bool,
    pub new_technology: bool,
    pub combined_datasets: bool,
    pub dpia_decision: String,
    pub dpia_reference: String,
    pub role: String,
    pub on_behalf_of: String,
    pub controller_instructions: String,
    pub processing_categories: String,
    pub system_ids: Vec<String>,
    pub agreement_ids: Vec<String>,
    /// Whether the form offered the links (it does once the owner is known): a form that did not
    /// leaves the record's links as they are.
    pub links_offered: bool,
}

/// The yes/no fields, in the order the form shows them within their fieldsets.
pub const RISK_FLAGS: [&str; 9] = [
    "automated_decisions",
    "profiling",
    "ai_use",
    "iot",
    "large_scale",
    "vulnerable_subjects",
    "systematic_monitoring",
    "new_technology",
    "combined_datasets",
];

fn lines(list: &[String]) -> String {
    list.join("\n")
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

fn dpia_code(d: DpiaDecision) -> &'static str {
    match d {
        DpiaDecision::NotNeeded => "not_needed",
        DpiaDecision::Needed => "needed",
        DpiaDecision::Done => "done",
    }
}

pub const DPIA_DECISIONS: [DpiaDecision; 3] = [
    DpiaDecision::NotNeeded,
    DpiaDecision::Needed,
    DpiaDecision::Done,
];

impl ProcessingForm {
    /// A new record's form: kept as controller, the usual case.
    pub fn blank(organisation_id: String) -> Self {
        ProcessingForm {
            organisation_id,
            role: "controller".into(),
            transfers: vec![TransferRow::default(); BLANK_TRANSFERS],
            ..ProcessingForm::default()
        }
    }

    /// The form filled from a stored record.
    pub fn from_record(
        organisation_id: &str,
        d: &ProcessingDetails,
        next_review: Option<&str>,
    ) -> Self {
        let mut transfers: Vec<TransferRow> = d
            .third_country_transfers
            .iter()
            .map(|t| TransferRow {
                country: t.country.clone(),
                recipient: opt(&t.recipient),
                safeguard: t
                    .safeguard
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                tia: t.transfer_impact_assessment,
                exit_plan: t.exit_plan,
            })
            .collect();
        transfers.extend(std::iter::repeat_n(TransferRow::default(), BLANK_TRANSFERS));
        ProcessingForm {
            organisation_id: organisation_id.to_string(),
            name: d.name.clone(),
            description: opt(&d.description),
            responsible_person: opt(&d.responsible_person),
            next_review: next_review.unwrap_or_default().to_string(),
            purposes: opt(&d.purposes),
            legal_bases: d.legal_bases.iter().map(|b| b.letter().into()).collect(),
            national_provision: opt(&d.national_provision),
            data_subject_categories: lines(&d.data_subject_categories),
            personal_data_categories: lines(&d.personal_data_categories),
            personal_identity_numbers: d.personal_identity_numbers,
            protected_identity: d.protected_identity,
            sources: opt(&d.sources),
            special_categories: d
                .special_categories
                .iter()
                .map(|c| c.as_str().into())
                .collect(),
            art9_exemption: d
                .art9_exemption
                .map(|e| e.letter().to_string())
                .unwrap_or_default(),
            art9_provision: opt(&d.art9_provision),
            criminal_offence_data: d.criminal_offence_data,
            art10_basis: opt(&d.art10_basis),
            recipients: lines(&d.recipients),
            processors: lines(&d.processors),
            joint_controllers: opt(&d.joint_controllers),
            transfers,
            retention: opt(&d.retention),
            disposal_rule: opt(&d.disposal_rule),
            document_plan_reference: opt(&d.document_plan_reference),
            security_measures: opt(&d.security_measures),
            automated_decisions: d.automated_decisions,
            profiling: d.profiling,
            ai_use: d.ai_use,
            iot: d.iot,
            large_scale: d.large_scale,
            vulnerable_subjects: d.vulnerable_subjects,
            systematic_monitoring: d.systematic_monitoring,
            new_technology: d.new_technology,
            combined_datasets: d.combined_datasets,
            dpia_decision: d
                .dpia_decision
                .map(|x| dpia_code(x).to_string())
                .unwrap_or_default(),
            dpia_reference: opt(&d.dpia_reference),
            role: match d.role {
                ProcessingRole::Controller => "controller",
                ProcessingRole::Processor => "processor",
            }
            .into(),
            on_behalf_of: opt(&d.on_behalf_of),
            controller_instructions: opt(&d.controller_instructions),
            processing_categories: opt(&d.processing_categories),
            system_ids: d.system_ids.clone(),
            agreement_ids: d.agreement_ids.clone(),
            links_offered: true,
        }
    }

    /// The form as posted.
    pub fn from_fields(f: &Fields) -> Self {
        let s = |k: &str| f.get(k).to_string();
        let rows = (0..MAX_TRANSFER_ROWS)
            .take_while(|i| {
                f.0.iter()
                    .any(|(k, _)| k.starts_with(&format!("transfer_{i}_")))
            })
            .map(|i| TransferRow {
                country: s(&format!("transfer_{i}_country")),
                recipient: s(&format!("transfer_{i}_recipient")),
                safeguard: s(&format!("transfer_{i}_safeguard")),
                tia: f.checked(&format!("transfer_{i}_tia")),
                exit_plan: f.checked(&format!("transfer_{i}_exit_plan")),
            })
            .collect();
        ProcessingForm {
            organisation_id: s("organisation_id"),
            name: s("name"),
            description: s("description"),
            responsible_person: s("responsible_person"),
            next_review: s("next_review"),
            purposes: s("purposes"),
            legal_bases: f.all("legal_bases"),
            national_provision: s("national_provision"),
            data_subject_categories: s("data_subject_categories"),
            personal_data_categories: s("personal_data_categories"),
            personal_identity_numbers: f.checked("personal_identity_numbers"),
            protected_identity: f.checked("protected_identity"),
            sources: s("sources"),
            special_categories: f.all("special_categories"),
            art9_exemption: s("art9_exemption"),
            art9_provision: s("art9_provision"),
            criminal_offence_data: f.checked("criminal_offence_data"),
            art10_basis: s("art10_basis"),
            recipients: s("recipients"),
            processors: s("processors"),
            joint_controllers: s("joint_controllers"),
            transfers: rows,
            retention: s("retention"),
            disposal_rule: s("disposal_rule"),
            document_plan_reference: s("document_plan_reference"),
            security_measures: s("security_measures"),
            automated_decisions: f.checked("automated_decisions"),
            profiling: f.checked("profiling"),
            ai_use: f.checked("ai_use"),
            iot: f.checked("iot"),
            large_scale: f.checked("large_scale"),
            vulnerable_subjects: f.checked("vulnerable_subjects"),
            systematic_monitoring: f.checked("systematic_monitoring"),
            new_technology: f.checked("new_technology"),
            combined_datasets: f.checked("combined_datasets"),
            dpia_decision: s("dpia_decision"),
            dpia_reference: s("dpia_reference"),
            role: s("role"),
            on_behalf_of: s("on_behalf_of"),
            controller_instructions: s("controller_instructions"),
            processing_categories: s("processing_categories"),
            system_ids: f.all("system_ids"),
            agreement_ids: f.all("agreement_ids"),
            links_offered: f.get("links") == "1",
        }
    }

    /// After a refused post the person sees what they typed and, again, two blank rows to add to.
    pub fn with_blank_rows(mut self) -> Self {
        while self.transfers.last().is_some_and(TransferRow::is_blank) {
            self.transfers.pop();
        }
        self.transfers
            .extend(std::iter::repeat_n(TransferRow::default(), BLANK_TRANSFERS));
        self
    }

    fn yes_no(&self, name: &str) -> bool {
        match name {
            "automated_decisions" => self.automated_decisions,
            "profiling" => self.profiling,
            "ai_use" => self.ai_use,
            "iot" => self.iot,
            "large_scale" => self.large_scale,
            "vulnerable_subjects" => self.vulnerable_subjects,
            "systematic_monitoring" => self.systematic_monitoring,
            "new_technology" => self.new_technology,
            "combined_datasets" => self.combined_datasets,
            _ => false,
        }
    }

    /// Every field of the record as a JSON object for `create` (after `details_from`) or as the
    /// merge patch of `update`: the form shows every field people edit, so it sends them all; links
    /// to systems and agreements are sent only when the form offered them.
    ///
    /// Values that no input offers (a tampered letter) are dropped rather than refused: the form
    /// could not show them beside a field anyway.
    pub fn to_json(&self, with_next_review: bool) -> Map<String, Value> {
        let mut m = Map::new();
        let text = |v: &str| Value::String(v.to_string());
        let list = |v: &str| {
            Value::Array(
                v.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(|l| Value::String(l.to_string()))
                    .collect(),
            )
        };
        for (k, v) in [
            ("name", &self.name),
            ("description", &self.description),
            ("responsible_person", &self.responsible_person),
            ("purposes", &self.purposes),
            ("national_provision", &self.national_provision),
            ("sources", &self.sources),
            ("art9_provision", &self.art9_provision),
            ("art10_basis", &self.art10_basis),
            ("joint_controllers", &self.joint_controllers),
            ("retention", &self.retention),
            ("disposal_rule", &self.disposal_rule),
            ("document_plan_reference", &self.document_plan_reference),
            ("security_measures", &self.security_measures),
            ("dpia_reference", &self.dpia_reference),
            ("on_behalf_of", &self.on_behalf_of),
            ("controller_instructions", &self.controller_instructions),
            ("processing_categories", &self.processing_categories),
        ] {
            m.insert(k.into(), text(v));
        }
        for (k, v) in [
            ("data_subject_categories", &self.data_subject_categories),
            ("personal_data_categories", &self.personal_data_categories),
            ("recipients", &self.recipients),
            ("processors", &self.processors),
        ] {
            m.insert(k.into(), list(v));
        }
        for (k, v) in [
            ("personal_identity_numbers", self.personal_identity_numbers),
            ("protected_identity", self.protected_identity),
            ("criminal_offence_data", self.criminal_offence_data),
        ] {
            m.insert(k.into(), Value::Bool(v));
        }
        for k in RISK_FLAGS {
            m.insert(k.into(), Value::Bool(self.yes_no(k)));
        }
        m.insert(
            "legal_bases".into(),
            Value::Array(
                LegalBasis::ALL
                    .into_iter()
                    .filter(|b| self.legal_bases.iter().any(|v| v == b.letter()))
                    .map(|b| text(b.letter()))
                    .collect(),
            ),
        );
        m.insert(
            "special_categories".into(),
            Value::Array(
                SpecialCategory::ALL
                    .into_iter()
                    .filter(|c| self.special_categories.iter().any(|v| v == c.as_str()))
                    .map(|c| text(c.as_str()))
                    .collect(),
            ),
        );
        m.insert(
            "art9_exemption".into(),
            Art9Exemption::ALL
                .into_iter()
                .find(|e| e.letter() == self.art9_exemption)
                .map_or(Value::Null, |e| text(e.letter())),
        );
        m.insert(
            "dpia_decision".into(),
            DPIA_DECISIONS
                .into_iter()
                .find(|d| dpia_code(*d) == self.dpia_decision)
                .map_or(Value::Null, |d| text(dpia_code(d))),
        );
        m.insert(
            "role".into(),
            text(if self.role == "processor" {
                "processor"
            } else {
                "controller"
            }),
        );
        let transfers = self
            .transfers
            .iter()
            .filter(|t| !t.is_blank())
            .map(|t| {
                let transfer = Transfer {
                    country: t.country.clone(),
                    recipient: Some(t.recipient.clone()),
                    safeguard: Safeguard::ALL
                        .into_iter()
                        .find(|s| s.as_str() == t.safeguard),
                    transfer_impact_assessment: t.tia,
                    exit_plan: t.exit_plan,
                };
                serde_json::to_value(transfer).unwrap_or(Value::Null)
            })
            .collect();
        m.insert("third_country_transfers".into(), Value::Array(transfers));
        if with_next_review {
            m.insert("next_review".into(), text(self.next_review.trim()));
        }
        if self.links_offered {
            for (k, ids) in [
                ("system_ids", &self.system_ids),
                ("agreement_ids", &self.agreement_ids),
            ] {
                m.insert(
                    k.into(),
                    Value::Array(ids.iter().map(|i| text(i)).collect()),
                );
            }
        }
        m
    }

    /// The transfer rows as the template draws them.
    pub fn transfer_views(&self, lang: Lang) -> Vec<TransferView> {
        self.transfers
            .iter()
            .enumerate()
            .map(|(i, t)| TransferView {
                number: i + 1,
                country_id: format!("p-transfer-{i}-country"),
                country_name: format!("transfer_{i}_country"),
                country: t.country.clone(),
                recipient_id: format!("p-transfer-{i}-recipient"),
                recipient_name: format!("transfer_{i}_recipient"),
                recipient: t.recipient.clone(),
                safeguard_id: format!("p-transfer-{i}-safeguard"),
                safeguard_name: format!("transfer_{i}_safeguard"),
                safeguards: Safeguard::ALL
                    .into_iter()
                    .map(|s| Choice::new(s.as_str(), s.label(lang), s.as_str() == t.safeguard))
                    .collect(),
                tia_id: format!("p-transfer-{i}-tia"),
                tia_name: format!("transfer_{i}_tia"),
                tia: t.tia,
                exit_id: format!("p-transfer-{i}-exit"),
                exit_name: format!("transfer_{i}_exit_plan"),
                exit_plan: t.exit_plan,
            })
            .collect()
    }

    /// Where a refusal about the transfers belongs: the first filled row without a country (the
    /// one rule a row can break), else the first row.
    pub fn place_transfer_problems(&self, problems: &mut Problems, lang: Lang) {
        let row = self
            .transfers
            .iter()
            .position(|t| !t.is_blank() && t.country.trim().is_empty())
            .unwrap_or(0);
        for f in &mut problems.fields {
            if f.id == TRANSFERS_ID {
                f.id = format!("p-transfer-{row}-country");
                f.label = format!(
                    "{} {}, {}",
                    i18n::t(lang, "pf-transfer"),
                    row + 1,
                    i18n::t(lang, "pf-transfer-country").to_lowercase()
                );
            }
        }
    }

    pub fn legal_basis_choices(&self, lang: Lang) -> Vec<Choice> {
        LegalBasis::ALL
            .into_iter()
            .map(|b| {
                Choice::new(
                    b.letter(),
                    b.label(lang),
                    self.legal_bases.iter().any(|v| v == b.letter()),
                )
            })
            .collect()
    }

    pub fn special_category_choices(&self, lang: Lang) -> Vec<Choice> {
        SpecialCategory::ALL
            .into_iter()
            .map(|c| {
                Choice::new(
                    c.as_str(),
                    c.label(lang),
                    self.special_categories.iter().any(|v| v == c.as_str()),
                )
            })
            .collect()
    }

    pub fn art9_choices(&self, lang: Lang) -> Vec<Choice> {
        Art9Exemption::ALL
            .into_iter()
            .map(|e| Choice::new(e.letter(), e.label(lang), e.letter() == self.art9_exemption))
            .collect()
    }

    pub fn dpia_choices(&self, lang: Lang) -> Vec<Choice> {
        let mut out = vec![Choice::new(
            "",
            i18n::t(lang, "pf-dpia-undecided"),
            self.dpia_decision.is_empty(),
        )];
        out.extend(DPIA_DECISIONS.into_iter().map(|d| {
            Choice::new(
                dpia_code(d),
                d.label(lang),
                dpia_code(d) == self.dpia_decision,
            )
        }));
        out
    }

    pub fn role_choices(&self, lang: Lang) -> Vec<Choice> {
        vec![
            Choice::new(
                "controller",
                i18n::t(lang, "pf-role-controller"),
                self.role != "processor",
            ),
            Choice::new(
                "processor",
                i18n::t(lang, "pf-role-processor"),
                self.role == "processor",
            ),
        ]
    }

    /// The risk checkboxes: the field, its id, whether ticked.
    pub fn risk_flags(&self) -> Vec<(String, String, bool)> {
        RISK_FLAGS
            .iter()
            .map(|k| (k.to_string(), format!("p-{k}"), self.yes_no(k)))
            .collect()
    }
}

/// The id of the transfers fieldset, where a transfer problem points until it is placed on a row.
pub const TRANSFERS_ID: &str = "p-transfers";

/// The input that holds an API field, and the message key of its label (for `forms::problems`).
pub fn input_for(field: &str) -> (&'static str, &'static str) {
    INPUTS
        .iter()
        .find(|(f, _, _)| *f == field)
        .map(|(_, id, label)| (*id, *label))
        .unwrap_or(("p-name", "field-label-name"))
}

/// API field, input id, label key.
const INPUTS: &[(&str, &str, &str)] = &[
    (
        "organisation_id",
        "p-organisation_id",
        "field-label-organisation_id",
    ),
    ("name", "p-name", "field-label-name"),
    ("description", "p-description", "field-label-description"),
    (
        "responsible_person",
        "p-responsible_person",
        "field-label-responsible_person",
    ),
    ("next_review", "p-next_review", "field-label-next_review"),
    ("purposes", "p-purposes", "field-label-purposes"),
    ("legal_bases", "p-legal_bases", "field-label-legal_bases"),
    (
        "national_provision",
        "p-national_provision",
        "field-label-national_provision",
    ),
    (
        "data_subject_categories",
        "p-data_subject_categories",
        "field-label-data_subject_categories",
    ),
    (
        "personal_data_categories",
        "p-personal_data_categories",
        "field-label-personal_data_categories",
    ),
    ("sources", "p-sources", "field-label-sources"),
    (
        "special_categories",
        "p-special_categories",
        "field-label-special_categories",
    ),
    (
        "art9_exemption",
        "p-art9_exemption",
        "field-label-art9_exemption",
    ),
    (
        "art9_provision",
        "p-art9_provision",
        "field-label-art9_provision",
    ),
    ("art10_basis", "p-art10_basis", "field-label-art10_basis"),
    ("recipients", "p-recipients", "field-label-recipients"),
    ("processors", "p-processors", "field-label-processors"),
    (
        "joint_controllers",
        "p-joint_controllers",
        "field-label-joint_controllers",
    ),
    (
        "third_country_transfers",
        TRANSFERS_ID,
        "field-label-third_country_transfers",
    ),
    ("retention", "p-retention", "field-label-retention"),
    (
        "disposal_rule",
        "p-disposal_rule",
        "field-label-disposal_rule",
    ),
    (
        "document_plan_reference",
        "p-document_plan_reference",
        "field-label-document_plan_reference",
    ),
    (
        "security_measures",
        "p-security_measures",
        "field-label-security_measures",
    ),
    ("system_ids", "p-system_ids", "field-label-system_ids"),
    (
        "agreement_ids",
        "p-agreement_ids",
        "field-label-agreement_ids",
    ),
    (
        "dpia_decision",
        "p-dpia_decision",
        "field-label-dpia_decision",
    ),
    (
        "dpia_reference",
        "p-dpia_reference",
        "field-label-dpia_reference",
    ),
    ("on_behalf_of", "p-on_behalf_of", "field-label-on_behalf_of"),
    (
        "controller_instructions",
        "p-controller_instructions",
        "field-label-controller_instructions",
    ),
    (
        "processing_categories",
        "p-processing_categories",
        "field-label-processing_categories",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        Fields(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    fn details(m: Map<String, Value>) -> ProcessingDetails {
        serde_json::from_value(Value::Object(m)).expect("the form makes valid JSON")
    }

    #[test]
    fn a_posted_form_becomes_the_record_it_describes() {
        let f = ProcessingForm::from_fields(&fields(&[
            ("name", " Elevregister "),
            ("purposes", "Skolans uppdrag"),
            ("legal_bases", "e"),
            ("legal_bases", "c"),
            (
                "data_subject_categories",
                "Elever\r\n\r\n Vårdnadshavare \n",
            ),
            ("special_categories", "health"),
            ("art9_exemption", "h"),
            ("personal_identity_numbers", "1"),
            ("ai_use", "1"),
            ("dpia_decision", "needed"),
            ("role", "processor"),
            ("on_behalf_of", "Stadsdelsnämnd Norr"),
            ("transfer_0_country", "USA"),
            ("transfer_0_safeguard", "data_privacy_framework"),
            ("transfer_0_tia", "1"),
            ("transfer_1_country", ""),
            ("transfer_1_recipient", ""),
        ]));
        let d = details(f.to_json(false)).validate().expect("valid record");
        assert_eq!(d.name, "Elevregister");
        assert_eq!(
            d.legal_bases,
            vec![LegalBasis::LegalObligation, LegalBasis::PublicTask]
        );
        assert_eq!(
            d.data_subject_categories,
            vec!["Elever".to_string(), "Vårdnadshavare".to_string()]
        );
        assert_eq!(d.special_categories, vec![SpecialCategory::Health]);
        assert_eq!(d.art9_exemption, Some(Art9Exemption::H));
        assert!(d.personal_identity_numbers && d.ai_use && !d.protected_identity);
        assert_eq!(d.dpia_decision, Some(DpiaDecision::Needed));
        assert_eq!(d.role, ProcessingRole::Processor);
        assert_eq!(
            d.third_country_transfers.len(),
            1,
            "the blank row is ignored"
        );
        let t = &d.third_country_transfers[0];
        assert_eq!(t.safeguard, Some(Safeguard::DataPrivacyFramework));
        assert!(t.transfer_impact_assessment && !t.exit_plan);
        assert_eq!(t.recipient, None);
        assert_eq!(d.description, None, "blank texts are absent");
    }

    #[test]
    fn a_stored_record_fills_the_form_and_saves_unchanged() {
        let stored = details(
            ProcessingForm::from_fields(&fields(&[
                ("name", "Hemtjänst"),
                ("legal_bases", "e"),
                ("recipients", "IVO\nSocialstyrelsen"),
                ("special_categories", "health"),
                ("criminal_offence_data", "1"),
                ("dpia_decision", "done"),
                ("transfer_0_country", "Indien"),
                ("transfer_0_exit_plan", "1"),
            ]))
            .to_json(false),
        )
        .validate()
        .expect("valid");
        let form = ProcessingForm::from_record("o1", &stored, Some("2027-01-01"));
        assert_eq!(form.recipients, "IVO\nSocialstyrelsen");
        assert_eq!(form.next_review, "2027-01-01");
        assert_eq!(form.transfers.len(), 1 + BLANK_TRANSFERS);
        let again = details({
            let mut m = form.to_json(true);
            m.remove("next_review");
            m
        })
        .validate()
        .expect("valid");
        assert_eq!(again, stored);
    }

    #[test]
    fn values_no_input_offers_are_dropped() {
        let m = ProcessingForm::from_fields(&fields(&[
            ("name", "x"),
            ("legal_bases", "g"),
            ("special_categories", "astrology"),
            ("art9_exemption", "z"),
            ("dpia_decision", "maybe"),
            ("role", "owner"),
        ]))
        .to_json(false);
        let d = details(m);
        assert!(d.legal_bases.is_empty() && d.special_categories.is_empty());
        assert_eq!((d.art9_exemption, d.dpia_decision), (None, None));
        assert_eq!(d.role, ProcessingRole::Controller);
    }

    #[test]
    fn a_transfer_without_a_country_is_refused_on_its_own_row() {
        let form = ProcessingForm::from_fields(&fields(&[
            ("name", "x"),
            ("transfer_0_country", "USA"),
            ("transfer_1_country", " "),
            ("transfer_1_tia", "1"),
        ]));
        let errors = details(form.to_json(false))
            .validate()
            .expect_err("a country is required");
        assert_eq!(errors[0].field, "third_country_transfers");
        let (id, _) = input_for(errors[0].field);
        let mut p = Problems::one(id, "Överföringar".into(), "Fältet måste fyllas i.".into());
        form.place_transfer_problems(&mut p, Lang::Sv);
        assert!(p.field("p-transfer-1-country").is_some());
        assert_eq!(p.fields[0].label, "Överföring 2, land");
    }

    #[test]
    fn after_a_refusal_two_blank_rows_are_offered_again() {
        let mut f = ProcessingForm::blank(String::new());
        f.transfers = vec![
            TransferRow {
                country: "USA".into(),
                ..TransferRow::default()
            },
            TransferRow::default(),
            TransferRow::default(),
            TransferRow::default(),
        ];
        let f = f.with_blank_rows();
        assert_eq!(f.transfers.len(), 1 + BLANK_TRANSFERS);
        let f = ProcessingForm {
            transfers: Vec::new(),
            ..f
        }
        .with_blank_rows();
        assert_eq!(f.transfers.len(), BLANK_TRANSFERS);
    }

    #[test]
    fn links_are_sent_only_when_the_form_offered_them() {
        let offered = ProcessingForm::from_fields(&fields(&[
            ("name", "x"),
            ("links", "1"),
            ("system_ids", "s1"),
            ("system_ids", "s2"),
        ]))
        .to_json(false);
        assert_eq!(offered["system_ids"], serde_json::json!(["s1", "s2"]));
        assert_eq!(
            offered["agreement_ids"],
            serde_json::json!([]),
            "nothing ticked unlinks all"
        );
        let not_offered =
            ProcessingForm::from_fields(&fields(&[("name", "x"), ("system_ids", "s1")]))
                .to_json(false);
        assert!(!not_offered.contains_key("system_ids"));
        assert!(!not_offered.contains_key("agreement_ids"));
    }

    #[test]
    fn every_api_field_has_an_input_and_a_label_in_both_languages() {
        for (field, _, label) in INPUTS {
            for lang in [Lang::Sv, Lang::En] {
                assert_ne!(i18n::t(lang, label), *label, "{field} has no label");
            }
        }
    }
}
