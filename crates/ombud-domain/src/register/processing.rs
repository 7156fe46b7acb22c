//! A processing activity (behandling): one row of the register of processing activities, with
//! everything GDPR art. 30.1 asks of a controller, and the art. 30.2 variant kept when we process on
//! behalf of another controller.

use crate::{Invalid, Lang, Rule, text};
use serde::{Deserialize, Serialize};

pub const NAME_MAX: usize = 200;
/// Longest free text accepted in one field.
pub const TEXT_MAX: usize = 10_000;
/// Longest item of a list (a category, a recipient).
pub const ITEM_MAX: usize = 300;
/// Most items in one list.
pub const LIST_MAX: usize = 100;

/// Whether we keep the record as controller (art. 30.1) or as processor for another (art. 30.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProcessingRole {
    #[default]
    Controller,
    Processor,
}

/// Art. 6.1 a–f.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LegalBasis {
    /// a) samtycke
    #[serde(rename = "a")]
    Consent,
    /// b) avtal
    #[serde(rename = "b")]
    Contract,
    /// c) rättslig förpliktelse
    #[serde(rename = "c")]
    LegalObligation,
    /// d) grundläggande intressen
    #[serde(rename = "d")]
    VitalInterests,
    /// e) uppgift av allmänt intresse / myndighetsutövning
    #[serde(rename = "e")]
    PublicTask,
    /// f) berättigat intresse (not for authorities in their tasks)
    #[serde(rename = "f")]
    LegitimateInterests,
}

impl LegalBasis {
    pub const ALL: [LegalBasis; 6] = [
        LegalBasis::Consent,
        LegalBasis::Contract,
        LegalBasis::LegalObligation,
        LegalBasis::VitalInterests,
        LegalBasis::PublicTask,
        LegalBasis::LegitimateInterests,
    ];

    pub fn letter(self) -> &'static str {
        match self {
            LegalBasis::Consent => "a",
            LegalBasis::Contract => "b",
            LegalBasis::LegalObligation => "c",
            LegalBasis::VitalInterests => "d",
            LegalBasis::PublicTask => "e",
            LegalBasis::LegitimateInterests => "f",
        }
    }

    pub fn parse(s: &str) -> Option<LegalBasis> {
        let s = s.trim().trim_end_matches(')').to_ascii_lowercase();
        LegalBasis::ALL.into_iter().find(|b| b.letter() == s)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            LegalBasis::Consent => lang.pick("Samtycke (a)", "Consent (a)"),
            LegalBasis::Contract => lang.pick("Avtal (b)", "Contract (b)"),
            LegalBasis::LegalObligation => {
                lang.pick("Rättslig förpliktelse (c)", "Legal obligation (c)")
            }
            LegalBasis::VitalInterests => {
                lang.pick("Grundläggande intressen (d)", "Vital interests (d)")
            }
            LegalBasis::PublicTask => lang.pick(
                "Allmänt intresse eller myndighetsutövning (e)",
                "Public task (e)",
            ),
            LegalBasis::LegitimateInterests => {
                lang.pick("Berättigat intresse (f)", "Legitimate interests (f)")
            }
        }
    }
}

/// Special categories of personal data, art. 9.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpecialCategory {
    RacialOrEthnicOrigin,
    PoliticalOpinions,
    ReligiousOrPhilosophicalBeliefs,
    TradeUnionMembership,
    Genetic,
    Biometric,
    Health,
    SexLifeOrOrientation,
}

impl SpecialCategory {
    pub const ALL: [SpecialCategory; 8] = [
        SpecialCategory::RacialOrEthnicOrigin,
        SpecialCategory::PoliticalOpinions,
        SpecialCategory::ReligiousOrPhilosophicalBeliefs,
        SpecialCategory::TradeUnionMembership,
        SpecialCategory::Genetic,
        SpecialCategory::Biometric,
        SpecialCategory::Health,
        SpecialCategory::SexLifeOrOrientation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SpecialCategory::RacialOrEthnicOrigin => "racial_or_ethnic_origin",
            SpecialCategory::PoliticalOpinions => "political_opinions",
            SpecialCategory::ReligiousOrPhilosophicalBeliefs => {
                "religious_or_philosophical_beliefs"
            }
            SpecialCategory::TradeUnionMembership => "trade_union_membership",
            SpecialCategory::Genetic => "genetic",
            SpecialCategory::Biometric => "biometric",
            SpecialCategory::Health => "health",
            SpecialCategory::SexLifeOrOrientation => "sex_life_or_orientation",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            SpecialCategory::RacialOrEthnicOrigin => {
                lang.pick("Etniskt ursprung", "Racial or ethnic origin")
            }
            SpecialCategory::PoliticalOpinions => {
                lang.pick("Politiska åsikter", "Political opinions")
            }
            SpecialCategory::ReligiousOrPhilosophicalBeliefs => lang.pick(
                "Religiös eller filosofisk övertygelse",
                "Religious or philosophical beliefs",
            ),
            SpecialCategory::TradeUnionMembership => {
                lang.pick("Medlemskap i fackförening", "Trade union membership")
            }
            SpecialCategory::Genetic => lang.pick("Genetiska uppgifter", "Genetic data"),
            SpecialCategory::Biometric => lang.pick("Biometriska uppgifter", "Biometric data"),
            SpecialCategory::Health => lang.pick("Hälsa", "Health"),
            SpecialCategory::SexLifeOrOrientation => lang.pick(
                "Sexualliv eller sexuell läggning",
                "Sex life or orientation",
            ),
        }
    }

    /// Reads a stored name or a Swedish/English label, as found in imported spreadsheets.
    pub fn parse(s: &str) -> Option<SpecialCategory> {
        let s = s.trim().to_lowercase();
        SpecialCategory::ALL.into_iter().find(|c| {
            c.as_str() == s
                || c.label(Lang::Sv).to_lowercase() == s
                || c.label(Lang::En).to_lowercase() == s
        })
    }
}

/// The art. 9.2 exemption relied on, a–j.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Art9Exemption {
    A,
    B,
    C,
    D,
    E,
    F,
    G,
    H,
    I,
    J,
}

impl Art9Exemption {
    pub const ALL: [Art9Exemption; 10] = [
        Art9Exemption::A,
        Art9Exemption::B,
        Art9Exemption::C,
        Art9Exemption::D,
        Art9Exemption::E,
        Art9Exemption::F,
        Art9Exemption::G,
        Art9Exemption::H,
        Art9Exemption::I,
        Art9Exemption::J,
    ];

    pub fn letter(self) -> &'static str {
        ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"][self as usize]
    }

    pub fn parse(s: &str) -> Option<Art9Exemption> {
        let s = s.trim().trim_end_matches(')').to_ascii_lowercase();
        Art9Exemption::ALL.into_iter().find(|e| e.letter() == s)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        use Art9Exemption::*;
        match self {
            A => lang.pick("a) Uttryckligt samtycke", "a) Explicit consent"),
            B => lang.pick(
                "b) Arbetsrätt och social trygghet",
                "b) Employment and social security law",
            ),
            C => lang.pick("c) Grundläggande intressen", "c) Vital interests"),
            D => lang.pick("d) Ideella organisationer", "d) Not-for-profit bodies"),
            E => lang.pick(
                "e) Offentliggjorda av den registrerade",
                "e) Made public by the data subject",
            ),
            F => lang.pick("f) Rättsliga anspråk", "f) Legal claims"),
            G => lang.pick(
                "g) Viktigt allmänt intresse",
                "g) Substantial public interest",
            ),
            H => lang.pick(
                "h) Hälso- och sjukvård, social omsorg",
                "h) Health or social care",
            ),
            I => lang.pick("i) Folkhälsa", "i) Public health"),
            J => lang.pick(
                "j) Arkiv, forskning, statistik",
                "j) Archiving, research, statistics",
            ),
        }
    }
}

/// The safeguard of a transfer to a third country (chapter V).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Safeguard {
    /// Art. 45 adequacy decision.
    Adequacy,
    /// The EU-US Data Privacy Framework (an adequacy decision for certified US organisations).
    DataPrivacyFramework,
    /// Art. 46.2 c standard contractual clauses.
    StandardContractualClauses,
    /// Art. 47 binding corporate rules.
    BindingCorporateRules,
    /// Art. 49 derogation for a specific situation.
    Art49Derogation,
}

impl Safeguard {
    pub const ALL: [Safeguard; 5] = [
        Safeguard::Adequacy,
        Safeguard::DataPrivacyFramework,
        Safeguard::StandardContractualClauses,
        Safeguard::BindingCorporateRules,
        Safeguard::Art49Derogation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Safeguard::Adequacy => "adequacy",
            Safeguard::DataPrivacyFramework => "data_privacy_framework",
            Safeguard::StandardContractualClauses => "standard_contractual_clauses",
            Safeguard::BindingCorporateRules => "binding_corporate_rules",
            Safeguard::Art49Derogation => "art49_derogation",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Safeguard::Adequacy => lang.pick("Beslut om adekvat skyddsnivå", "Adequacy decision"),
            Safeguard::DataPrivacyFramework => lang.pick(
                "EU-US Data Privacy Framework",
                "EU-US Data Privacy Framework",
            ),
            Safeguard::StandardContractualClauses => {
                lang.pick("Standardavtalsklausuler", "Standard contractual clauses")
            }
            Safeguard::BindingCorporateRules => {
                lang.pick("Bindande företagsbestämmelser", "Binding corporate rules")
            }
            Safeguard::Art49Derogation => {
                lang.pick("Undantag enligt art. 49", "Art. 49 derogation")
            }
        }
    }
}

/// A transfer of personal data to a third country.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transfer {
    pub country: String,
    #[serde(default)]
    pub recipient: Option<String>,
    #[serde(default)]
    pub safeguard: Option<Safeguard>,
    /// A transfer impact assessment (TIA) has been made.
    #[serde(default)]
    pub transfer_impact_assessment: bool,
    /// There is a plan for leaving the service.
    #[serde(default)]
    pub exit_plan: bool,
}

/// The recorded decision on an impact assessment (art. 35).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DpiaDecision {
    /// Threshold analysis: not needed (the motivation is recorded).
    NotNeeded,
    /// Needed, not yet done.
    Needed,
    /// Done.
    Done,
}

impl DpiaDecision {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            DpiaDecision::NotNeeded => {
                lang.pick("Behövs inte (motiverat)", "Not needed (motivated)")
            }
            DpiaDecision::Needed => lang.pick("Behövs, ej gjord", "Needed, not done"),
            DpiaDecision::Done => lang.pick("Genomförd", "Done"),
        }
    }
}

/// What a processing activity says: everything people edit. Stored as one JSON document beside the
/// columns that lists filter and sort on.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProcessingDetails {
    pub name: String,
    pub description: Option<String>,
    pub role: ProcessingRole,
    /// Art. 30.2: the controller we process for.
    pub on_behalf_of: Option<String>,
    /// Art. 30.2: whose instructions and where they are documented.
    pub controller_instructions: Option<String>,
    /// Art. 30.2 b: the categories of processing carried out for that controller.
    pub processing_categories: Option<String>,
    pub purposes: Option<String>,
    pub legal_bases: Vec<LegalBasis>,
    /// The national provision behind art. 6.1 c or e, e.g. "2 kap. 1 § socialtjänstlagen (2025:400)".
    pub national_provision: Option<String>,
    pub data_subject_categories: Vec<String>,
    pub personal_data_categories: Vec<String>,
    pub special_categories: Vec<SpecialCategory>,
    pub art9_exemption: Option<Art9Exemption>,
    /// The national provision behind the exemption, where one applies.
    pub art9_provision: Option<String>,
    /// Art. 10: personal data relating to criminal convictions and offences.
    pub criminal_offence_data: bool,
    pub art10_basis: Option<String>,
    /// Skyddade personuppgifter: people with protected identity.
    pub protected_identity: bool,
    /// Personnummer used.
    pub personal_identity_numbers: bool,
    /// Source of the data (from the data subject, another authority, a register…).
    pub sources: Option<String>,
    pub recipients: Vec<String>,
    pub third_country_transfers: Vec<Transfer>,
    /// How long the data is kept.
    pub retention: Option<String>,
    /// The disposal rule (gallring).
    pub disposal_rule: Option<String>,
    /// Its reference in the document management plan (informationshanteringsplan).
    pub document_plan_reference: Option<String>,
    /// Art. 32: technical and organisational security measures.
    pub security_measures: Option<String>,
    /// Systems that carry the processing.
    pub system_ids: Vec<String>,
    /// Processor agreements that cover it.
    pub agreement_ids: Vec<String>,
    /// Processors used, by name (when no agreement is registered yet).
    pub processors: Vec<String>,
    pub joint_controllers: Option<String>,
    /// Art. 22.
    pub automated_decisions: bool,
    pub profiling: bool,
    pub ai_use: bool,
    pub iot: bool,
    pub large_scale: bool,
    /// Children or other vulnerable data subjects.
    pub vulnerable_subjects: bool,
    pub systematic_monitoring: bool,
    pub new_technology: bool,
    pub combined_datasets: bool,
    pub dpia_decision: Option<DpiaDecision>,
    /// The motivation of the decision, or a reference to the assessment.
    pub dpia_reference: Option<String>,
    pub responsible_person: Option<String>,
}

/// The high-risk markers of the EDPB's list (WP248) that the register records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RiskMarker {
    SpecialCategories,
    ProtectedIdentity,
    Ai,
    AutomatedDecisions,
    LargeScale,
    VulnerableSubjects,
    SystematicMonitoring,
    NewTechnology,
    CombinedDatasets,
}

impl ProcessingDetails {
    /// The high-risk markers this processing carries.
    pub fn risk_markers(&self) -> Vec<RiskMarker> {
        let mut m = Vec::new();
        let mut add = |on: bool, r| {
            if on {
                m.push(r);
            }
        };
        add(
            !self.special_categories.is_empty() || self.criminal_offence_data,
            RiskMarker::SpecialCategories,
        );
        add(self.protected_identity, RiskMarker::ProtectedIdentity);
        add(self.ai_use, RiskMarker::Ai);
        add(
            self.automated_decisions || self.profiling,
            RiskMarker::AutomatedDecisions,
        );
        add(self.large_scale, RiskMarker::LargeScale);
        add(self.vulnerable_subjects, RiskMarker::VulnerableSubjects);
        add(self.systematic_monitoring, RiskMarker::SystematicMonitoring);
        add(self.new_technology || self.iot, RiskMarker::NewTechnology);
        add(self.combined_datasets, RiskMarker::CombinedDatasets);
        m
    }

    /// Lower-case text that search matches against: name, purposes, categories and the rest a DPO
    /// would search by.
    pub fn search_text(&self) -> String {
        let mut parts: Vec<&str> = vec![self.name.as_str()];
        for o in [
            &self.description,
            &self.purposes,
            &self.national_provision,
            &self.on_behalf_of,
            &self.sources,
        ]
        .into_iter()
        .flatten()
        {
            parts.push(o);
        }
        parts.extend(self.data_subject_categories.iter().map(String::as_str));
        parts.extend(self.personal_data_categories.iter().map(String::as_str));
        parts.extend(self.recipients.iter().map(String::as_str));
        parts.extend(self.processors.iter().map(String::as_str));
        parts.join(" \u{1f} ").to_lowercase()
    }

    /// Trims and checks every field; a blank optional text becomes `None`.
    pub fn validate(mut self) -> Result<ProcessingDetails, Vec<Invalid>> {
        let mut errors = Vec::new();
        match text::required_line("name", &self.name, NAME_MAX) {
            Ok(n) => self.name = n,
            Err(e) => errors.push(e),
        }
        let texts: Vec<(&'static str, &mut Option<String>)> = vec![
            ("description", &mut self.description),
            ("on_behalf_of", &mut self.on_behalf_of),
            ("controller_instructions", &mut self.controller_instructions),
            ("processing_categories", &mut self.processing_categories),
            ("purposes", &mut self.purposes),
            ("national_provision", &mut self.national_provision),
            ("art9_provision", &mut self.art9_provision),
            ("art10_basis", &mut self.art10_basis),
            ("sources", &mut self.sources),
            ("retention", &mut self.retention),
            ("disposal_rule", &mut self.disposal_rule),
            ("document_plan_reference", &mut self.document_plan_reference),
            ("security_measures", &mut self.security_measures),
            ("joint_controllers", &mut self.joint_controllers),
            ("dpia_reference", &mut self.dpia_reference),
            ("responsible_person", &mut self.responsible_person),
        ];
        for (field, value) in texts {
            match text::optional_text(field, value.as_deref(), TEXT_MAX) {
                Ok(v) => *value = v,
                Err(e) => errors.push(e),
            }
        }
        let lists: Vec<(&'static str, &mut Vec<String>)> = vec![
            ("data_subject_categories", &mut self.data_subject_categories),
            (
                "personal_data_categories",
                &mut self.personal_data_categories,
            ),
            ("recipients", &mut self.recipients),
            ("processors", &mut self.processors),
            ("system_ids", &mut self.system_ids),
            ("agreement_ids", &mut self.agreement_ids),
        ];
        for (field, list) in lists {
            if let Err(e) = clean_list(field, list) {
                errors.push(e);
            }
        }
        for id in self.system_ids.iter().chain(self.agreement_ids.iter()) {
            if !crate::ids::is_well_formed(id) {
                errors.push(Invalid::new(
                    if self.system_ids.contains(id) {
                        "system_ids"
                    } else {
                        "agreement_ids"
                    },
                    Rule::UnknownReference,
                ));
                break;
            }
        }
        if self.third_country_transfers.len() > LIST_MAX {
            errors.push(Invalid::new(
                "third_country_transfers",
                Rule::TooMany { max: LIST_MAX },
            ));
        }
        for t in &mut self.third_country_transfers {
            match text::required_line("third_country_transfers", &t.country, ITEM_MAX) {
                Ok(c) => t.country = c,
                Err(e) => errors.push(e),
            }
            match text::optional_text("third_country_transfers", t.recipient.as_deref(), ITEM_MAX) {
                Ok(r) => t.recipient = r,
                Err(e) => errors.push(e),
            }
        }
        dedupe(&mut self.legal_bases);
        dedupe(&mut self.special_categories);
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(errors)
        }
    }
}

fn dedupe<T: PartialEq + Copy>(v: &mut Vec<T>) {
    let mut seen = Vec::with_capacity(v.len());
    v.retain(|x| {
        if seen.contains(x) {
            false
        } else {
            seen.push(*x);
            true
        }
    });
}

/// Trims the items of a list, drops blanks and duplicates, and bounds it.
fn clean_list(field: &'static str, list: &mut Vec<String>) -> Result<(), Invalid> {
    let mut out: Vec<String> = Vec::with_capacity(list.len());
    for item in list.iter() {
        let item = item.trim();
        if item.is_empty() || out.iter().any(|o| o == item) {
            continue;
        }
        if item.chars().count() > ITEM_MAX {
            return Err(Invalid::new(field, Rule::TooLong { max: ITEM_MAX }));
        }
        if item.chars().any(char::is_control) {
            return Err(Invalid::new(field, Rule::ControlCharacters));
        }
        out.push(item.to_string());
    }
    if out.len() > LIST_MAX {
        return Err(Invalid::new(field, Rule::TooMany { max: LIST_MAX }));
    }
    *list = out;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(name: &str) -> ProcessingDetails {
        ProcessingDetails {
            name: name.into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_name_is_all_a_new_record_needs() {
        let d = named("  Elevregister ").validate().expect("valid");
        assert_eq!(d.name, "Elevregister");
    }

    #[test]
    fn a_missing_name_is_refused() {
        assert_eq!(
            named(" ").validate(),
            Err(vec![Invalid::new("name", Rule::Required)])
        );
    }

    #[test]
    fn blank_texts_become_absent_and_lists_are_cleaned() {
        let d = ProcessingDetails {
            purposes: Some("   ".into()),
            data_subject_categories: vec![
                " Elever ".into(),
                "".into(),
                "Elever".into(),
                "Vårdnadshavare".into(),
            ],
            legal_bases: vec![LegalBasis::PublicTask, LegalBasis::PublicTask],
            ..named("Elevregister")
        }
        .validate()
        .expect("valid");
        assert_eq!(d.purposes, None);
        assert_eq!(
            d.data_subject_categories,
            vec!["Elever".to_string(), "Vårdnadshavare".to_string()]
        );
        assert_eq!(d.legal_bases, vec![LegalBasis::PublicTask]);
    }

    #[test]
    fn over_long_texts_and_lists_are_refused() {
        let long = "x".repeat(TEXT_MAX + 1);
        let errs = ProcessingDetails {
            purposes: Some(long),
            ..named("A")
        }
        .validate()
        .expect_err("too long");
        assert_eq!(
            errs,
            vec![Invalid::new("purposes", Rule::TooLong { max: TEXT_MAX })]
        );
        let many = (0..=LIST_MAX).map(|i| i.to_string()).collect();
        let errs = ProcessingDetails {
            recipients: many,
            ..named("A")
        }
        .validate()
        .expect_err("too many");
        assert_eq!(
            errs,
            vec![Invalid::new("recipients", Rule::TooMany { max: LIST_MAX })]
        );
    }

    #[test]
    fn links_must_be_ids() {
        let errs = ProcessingDetails {
            system_ids: vec!["drop table".into()],
            ..named("A")
        }
        .validate()
        .expect_err("bad id");
        assert_eq!(
            errs,
            vec![Invalid::new("system_ids", Rule::UnknownReference)]
        );
    }

    #[test]
    fn risk_markers_count_what_the_edpb_list_names() {
        let d = ProcessingDetails {
            special_categories: vec![SpecialCategory::Health],
            protected_identity: true,
            vulnerable_subjects: true,
            ..named("Hemtjänst")
        };
        assert_eq!(
            d.risk_markers(),
            vec![
                RiskMarker::SpecialCategories,
                RiskMarker::ProtectedIdentity,
                RiskMarker::VulnerableSubjects
            ]
        );
        assert!(named("x").risk_markers().is_empty());
    }

    #[test]
    fn unknown_fields_and_wrong_values_do_not_deserialize() {
        assert!(serde_json::from_str::<ProcessingDetails>(r#"{"name":"a","nope":1}"#).is_err());
        assert!(
            serde_json::from_str::<ProcessingDetails>(r#"{"name":"a","legal_bases":["g"]}"#)
                .is_err()
        );
        let d: ProcessingDetails = serde_json::from_str(
            r#"{"name":"a","legal_bases":["e"],"special_categories":["health"]}"#,
        )
        .expect("valid");
        assert_eq!(d.legal_bases, vec![LegalBasis::PublicTask]);
    }

    #[test]
    fn labels_parse_back() {
        for c in SpecialCategory::ALL {
            assert_eq!(SpecialCategory::parse(c.label(Lang::Sv)), Some(c));
            assert_eq!(SpecialCategory::parse(c.as_str()), Some(c));
        }
        assert_eq!(LegalBasis::parse("e)"), Some(LegalBasis::PublicTask));
        assert_eq!(Art9Exemption::parse("H"), Some(Art9Exemption::H));
    }

    #[test]
    fn search_text_covers_names_purposes_and_categories() {
        let d = ProcessingDetails {
            purposes: Some("Skolans Uppdrag".into()),
            personal_data_categories: vec!["Betyg".into()],
            ..named("Elevregister")
        };
        let s = d.search_text();
        assert!(s.contains("elevregister") && s.contains("skolans uppdrag") && s.contains("betyg"));
    }
}
