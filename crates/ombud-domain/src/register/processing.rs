//! A processing activity (behandling): one row of the register of processing activities, with
//! everything GDPR art. 30.1 asks of a controller, and the art. 30.2 variant kept when we process on
//! behalf of another controller — declared as a kind of the register kernel.
//!
//! Its review workflow, as the seeds show it: *under bearbetning* → *redo för granskning* → *under
//! granskning* → *godkänd*. A records keeper (or manager, or the DPO) writes and submits; the DPO
//! reviews and approves or sends it back; an approved record that is edited is reopened. Every
//! approved record is reviewed again at least yearly.

use crate::ids::RecordId;
use crate::kernel::field::{Field, Opt, Section, Text2, opt, section, t2};
use crate::kernel::gaps::GapRule;
use crate::kernel::query::{Cond, Filter, FilterKind};
use crate::kernel::sheet::{self, RowDraft};
use crate::kernel::workflow::{Effect, State, Step, Workflow};
use crate::kernel::{
    Access, Column, ColumnType, ColumnValue, Descriptor, DocumentTexts, Kind, KindInfo, Noun,
    SheetTexts, StepContext,
};
use crate::role::Role;
use crate::{Invalid, Lang};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub const NAME_MAX: usize = 200;
/// Longest free text accepted in one field.
pub const TEXT_MAX: usize = 10_000;
/// Longest one-line value: a country, a recipient.
pub const LINE_MAX: usize = 300;

/// Whether we keep the record as controller (art. 30.1) or as processor for another (art. 30.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProcessingRole {
    #[default]
    Controller,
    Processor,
}

impl ProcessingRole {
    pub fn as_str(self) -> &'static str {
        match self {
            ProcessingRole::Controller => "controller",
            ProcessingRole::Processor => "processor",
        }
    }
}

pub const ROLES: &[Opt] = &[
    opt(
        "controller",
        "Personuppgiftsansvarig (art. 30.1)",
        "Controller (art. 30.1)",
    ),
    opt(
        "processor",
        "Personuppgiftsbiträde åt en annan personuppgiftsansvarig (art. 30.2)",
        "Processor for another controller (art. 30.2)",
    ),
];

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

pub const LEGAL_BASES: &[Opt] = &[
    opt("a", "Samtycke (a)", "Consent (a)"),
    opt("b", "Avtal (b)", "Contract (b)"),
    opt("c", "Rättslig förpliktelse (c)", "Legal obligation (c)"),
    opt("d", "Grundläggande intressen (d)", "Vital interests (d)"),
    opt(
        "e",
        "Allmänt intresse eller myndighetsutövning (e)",
        "Public task (e)",
    ),
    opt("f", "Berättigat intresse (f)", "Legitimate interests (f)"),
];

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
        LEGAL_BASES[self as usize].code
    }

    pub fn parse(s: &str) -> Option<LegalBasis> {
        let s = s.trim().trim_end_matches(')').to_ascii_lowercase();
        LegalBasis::ALL.into_iter().find(|b| b.letter() == s)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        LEGAL_BASES[self as usize].label.get(lang)
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

pub const SPECIAL_CATEGORIES: &[Opt] = &[
    opt(
        "racial_or_ethnic_origin",
        "Etniskt ursprung",
        "Racial or ethnic origin",
    ),
    opt(
        "political_opinions",
        "Politiska åsikter",
        "Political opinions",
    ),
    opt(
        "religious_or_philosophical_beliefs",
        "Religiös eller filosofisk övertygelse",
        "Religious or philosophical beliefs",
    ),
    opt(
        "trade_union_membership",
        "Medlemskap i fackförening",
        "Trade union membership",
    ),
    opt("genetic", "Genetiska uppgifter", "Genetic data"),
    opt("biometric", "Biometriska uppgifter", "Biometric data"),
    opt("health", "Hälsa", "Health"),
    opt(
        "sex_life_or_orientation",
        "Sexualliv eller sexuell läggning",
        "Sex life or orientation",
    ),
];

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
        SPECIAL_CATEGORIES[self as usize].code
    }

    pub fn label(self, lang: Lang) -> &'static str {
        SPECIAL_CATEGORIES[self as usize].label.get(lang)
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

pub const ART9_EXEMPTIONS: &[Opt] = &[
    opt("a", "a) Uttryckligt samtycke", "a) Explicit consent"),
    opt(
        "b",
        "b) Arbetsrätt och social trygghet",
        "b) Employment and social security law",
    ),
    opt("c", "c) Grundläggande intressen", "c) Vital interests"),
    opt("d", "d) Ideella organisationer", "d) Not-for-profit bodies"),
    opt(
        "e",
        "e) Offentliggjorda av den registrerade",
        "e) Made public by the data subject",
    ),
    opt("f", "f) Rättsliga anspråk", "f) Legal claims"),
    opt(
        "g",
        "g) Viktigt allmänt intresse",
        "g) Substantial public interest",
    ),
    opt(
        "h",
        "h) Hälso- och sjukvård, social omsorg",
        "h) Health or social care",
    ),
    opt("i", "i) Folkhälsa", "i) Public health"),
    opt(
        "j",
        "j) Arkiv, forskning, statistik",
        "j) Archiving, research, statistics",
    ),
];

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
        ART9_EXEMPTIONS[self as usize].code
    }

    pub fn parse(s: &str) -> Option<Art9Exemption> {
        let s = s.trim().trim_end_matches(')').to_ascii_lowercase();
        Art9Exemption::ALL.into_iter().find(|e| e.letter() == s)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        ART9_EXEMPTIONS[self as usize].label.get(lang)
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

pub const SAFEGUARDS: &[Opt] = &[
    opt(
        "adequacy",
        "Beslut om adekvat skyddsnivå",
        "Adequacy decision",
    ),
    opt(
        "data_privacy_framework",
        "EU-US Data Privacy Framework",
        "EU-US Data Privacy Framework",
    ),
    opt(
        "standard_contractual_clauses",
        "Standardavtalsklausuler",
        "Standard contractual clauses",
    ),
    opt(
        "binding_corporate_rules",
        "Bindande företagsbestämmelser",
        "Binding corporate rules",
    ),
    opt(
        "art49_derogation",
        "Undantag enligt art. 49",
        "Art. 49 derogation",
    ),
];

impl Safeguard {
    pub const ALL: [Safeguard; 5] = [
        Safeguard::Adequacy,
        Safeguard::DataPrivacyFramework,
        Safeguard::StandardContractualClauses,
        Safeguard::BindingCorporateRules,
        Safeguard::Art49Derogation,
    ];

    pub fn as_str(self) -> &'static str {
        SAFEGUARDS[self as usize].code
    }

    pub fn label(self, lang: Lang) -> &'static str {
        SAFEGUARDS[self as usize].label.get(lang)
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

/// The fields of a transfer row; `prefix` names the list it is a row of.
macro_rules! transfer_fields {
    ($prefix:literal) => {
        &[
            $crate::kernel::field::Field::line(
                concat!($prefix, ".country"),
                $crate::kernel::field::t2("Land", "Country"),
                $crate::register::processing::LINE_MAX,
            )
            .required()
            .hint(
                "Landet utanför EU/EES dit uppgifterna förs eller där de kan läsas.",
                "The country outside the EU/EEA the data goes to or can be read from.",
            ),
            $crate::kernel::field::Field::line(
                concat!($prefix, ".recipient"),
                $crate::kernel::field::t2("Mottagare i landet", "Recipient in the country"),
                $crate::register::processing::LINE_MAX,
            )
            .hint(
                "Företaget eller organisationen som tar emot uppgifterna.",
                "The company or organisation that receives the data.",
            ),
            $crate::kernel::field::Field::choice(
                concat!($prefix, ".safeguard"),
                $crate::kernel::field::t2("Skyddsåtgärd", "Safeguard"),
                $crate::register::processing::SAFEGUARDS,
            )
            .hint(
                "Det som gör överföringen laglig enligt kapitel V.",
                "What makes the transfer lawful under chapter V.",
            ),
            $crate::kernel::field::Field::flag(
                concat!($prefix, ".transfer_impact_assessment"),
                $crate::kernel::field::t2(
                    "Konsekvensbedömning av överföringen (TIA) är gjord",
                    "A transfer impact assessment (TIA) is made",
                ),
            )
            .hint(
                "En bedömning av om lagar i mottagarlandet hindrar skyddet.",
                "An assessment of whether the receiving country's laws undermine the protection.",
            ),
            $crate::kernel::field::Field::flag(
                concat!($prefix, ".exit_plan"),
                $crate::kernel::field::t2("Det finns en exitplan", "There is an exit plan"),
            )
            .hint(
                "En plan för att lämna tjänsten om överföringen inte längre är tillåten.",
                "A plan to leave the service if the transfer is no longer allowed.",
            ),
        ]
    };
}
pub(crate) use transfer_fields;

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

pub const DPIA_DECISIONS: &[Opt] = &[
    opt(
        "not_needed",
        "Behövs inte (motiverat)",
        "Not needed (motivated)",
    ),
    opt("needed", "Behövs, ej gjord", "Needed, not done"),
    opt("done", "Genomförd", "Done"),
];

impl DpiaDecision {
    pub fn label(self, lang: Lang) -> &'static str {
        DPIA_DECISIONS[self as usize].label.get(lang)
    }
}

/// What a processing activity says: everything people edit. Stored as one JSON document beside the
/// columns that lists filter and sort on.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProcessingDetails {
    pub name: String,
    pub description: Option<String>,
    pub responsible_person: Option<String>,
    /// When the record is next reviewed: a year after approval, unless someone sets another day.
    pub next_review: Option<Date>,
    pub purposes: Option<String>,
    pub legal_bases: Vec<LegalBasis>,
    /// The national provision behind art. 6.1 c or e, e.g. "2 kap. 1 § socialtjänstlagen (2025:400)".
    pub national_provision: Option<String>,
    pub data_subject_categories: Vec<String>,
    pub personal_data_categories: Vec<String>,
    /// Personnummer used.
    pub personal_identity_numbers: bool,
    /// Skyddade personuppgifter: people with protected identity.
    pub protected_identity: bool,
    /// Source of the data (from the data subject, another authority, a register…).
    pub sources: Option<String>,
    pub special_categories: Vec<SpecialCategory>,
    pub art9_exemption: Option<Art9Exemption>,
    /// The national provision behind the exemption, where one applies.
    pub art9_provision: Option<String>,
    /// Art. 10: personal data relating to criminal convictions and offences.
    pub criminal_offence_data: bool,
    pub art10_basis: Option<String>,
    pub recipients: Vec<String>,
    /// Processors used, by name (when no agreement is registered yet).
    pub processors: Vec<String>,
    pub joint_controllers: Option<String>,
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
    pub system_ids: Vec<RecordId>,
    /// Processor agreements that cover it.
    pub agreement_ids: Vec<RecordId>,
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
    pub role: ProcessingRole,
    /// Art. 30.2: the controller we process for.
    pub on_behalf_of: Option<String>,
    /// Art. 30.2: whose instructions and where they are documented.
    pub controller_instructions: Option<String>,
    /// Art. 30.2 b: the categories of processing carried out for that controller.
    pub processing_categories: Option<String>,
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

    /// The gaps that follow from the contents (an overdue review is the kernel's to add).
    pub fn gaps(&self) -> Vec<GapRule> {
        let mut g = Vec::new();
        if self.purposes.is_none() {
            g.push(GapRule::MissingPurpose);
        }
        if self.legal_bases.is_empty() {
            g.push(GapRule::MissingLegalBasis);
        }
        // Art. 30.2 asks a processor for the categories of processing, not of people and data.
        if self.role == ProcessingRole::Controller {
            if self.data_subject_categories.is_empty() {
                g.push(GapRule::MissingDataSubjects);
            }
            if self.personal_data_categories.is_empty() {
                g.push(GapRule::MissingDataCategories);
            }
        }
        if self.retention.is_none() && self.disposal_rule.is_none() {
            g.push(GapRule::MissingRetention);
        }
        if !self.special_categories.is_empty() && self.art9_exemption.is_none() {
            g.push(GapRule::SpecialCategoriesWithoutExemption);
        }
        if self
            .third_country_transfers
            .iter()
            .any(|t| t.safeguard.is_none())
        {
            g.push(GapRule::TransferWithoutSafeguard);
        }
        if self.risk_markers().len() >= 2 && self.dpia_decision.is_none() {
            g.push(GapRule::HighRiskWithoutDpia);
        }
        g
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
}

// ---------------------------------------------------------------------------------------------
// The workflow

/// The roles that write the register.
pub const EDITORS: &[Role] = &[Role::RecordsKeeper, Role::Manager, Role::Dpo];
/// The roles that review it.
pub const REVIEWERS: &[Role] = &[Role::Dpo];
/// The roles that read it.
pub const READERS: &[Role] = &[
    Role::Manager,
    Role::RecordsKeeper,
    Role::SystemOwner,
    Role::SecurityCoordinator,
    Role::Dpo,
    Role::Management,
    Role::Auditor,
];

pub const UNDER_BEARBETNING: &str = "under_bearbetning";
pub const REDO_FOR_GRANSKNING: &str = "redo_for_granskning";
pub const UNDER_GRANSKNING: &str = "under_granskning";
pub const GODKAND: &str = "godkand";

pub static WORKFLOW: Workflow = Workflow {
    states: &[
        State {
            code: UNDER_BEARBETNING,
            label: t2("Under bearbetning", "In progress"),
            plural: t2("under bearbetning", "in progress"),
        },
        State {
            code: REDO_FOR_GRANSKNING,
            label: t2("Redo för granskning", "Ready for review"),
            plural: t2("redo för granskning", "ready for review"),
        },
        State {
            code: UNDER_GRANSKNING,
            label: t2("Under granskning", "Under review"),
            plural: t2("under granskning", "under review"),
        },
        State {
            code: GODKAND,
            label: t2("Godkänd", "Approved"),
            plural: t2("godkända", "approved"),
        },
    ],
    initial: UNDER_BEARBETNING,
    // A reviewer's steps come before an editor's between the same states: the DPO who sends a record
    // back says why, where its editor would just withdraw it.
    steps: &[
        Step {
            from: UNDER_BEARBETNING,
            to: REDO_FOR_GRANSKNING,
            roles: EDITORS,
            key: "submit",
            effect: Effect::Submit,
        },
        Step {
            from: REDO_FOR_GRANSKNING,
            to: GODKAND,
            roles: REVIEWERS,
            key: "approve",
            effect: Effect::Approve,
        },
        Step {
            from: REDO_FOR_GRANSKNING,
            to: UNDER_BEARBETNING,
            roles: REVIEWERS,
            key: "return",
            effect: Effect::Return,
        },
        Step {
            from: REDO_FOR_GRANSKNING,
            to: UNDER_BEARBETNING,
            roles: EDITORS,
            key: "withdraw",
            effect: Effect::Move,
        },
        Step {
            from: REDO_FOR_GRANSKNING,
            to: UNDER_GRANSKNING,
            roles: REVIEWERS,
            key: "start_review",
            effect: Effect::Move,
        },
        Step {
            from: UNDER_GRANSKNING,
            to: GODKAND,
            roles: REVIEWERS,
            key: "approve",
            effect: Effect::Approve,
        },
        Step {
            from: UNDER_GRANSKNING,
            to: UNDER_BEARBETNING,
            roles: REVIEWERS,
            key: "return",
            effect: Effect::Return,
        },
        Step {
            from: GODKAND,
            to: UNDER_BEARBETNING,
            roles: EDITORS,
            key: "reopen",
            effect: Effect::Move,
        },
    ],
    on_edit: &[(GODKAND, UNDER_BEARBETNING)],
    who_decides: t2(
        "Dataskyddsombudet granskar och godkänner.",
        "The data protection officer reviews and approves.",
    ),
};

/// The default next review after approval: one year later (GDPR art. 24.1: measures are reviewed
/// and updated where necessary; the seeds review the register yearly).
pub fn next_review_after(approved_on: Date) -> Date {
    approved_on
        .checked_add(jiff::Span::new().years(1))
        .unwrap_or(approved_on)
}

// ---------------------------------------------------------------------------------------------
// Reading spreadsheet cells the way Draftit-style exports write them

fn legal_bases_cell(s: &str) -> Result<Option<Value>, Text2> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    let mut out = Vec::new();
    for part in sheet::list(s) {
        let p = part.to_lowercase();
        let by_label = LEGAL_BASES
            .iter()
            .find(|o| o.label.sv.to_lowercase() == p || o.label.en.to_lowercase() == p)
            .and_then(|o| LegalBasis::parse(o.code));
        let by_word = [
            ("samtycke", LegalBasis::Consent),
            ("consent", LegalBasis::Consent),
            ("avtal", LegalBasis::Contract),
            ("rättslig förpliktelse", LegalBasis::LegalObligation),
            ("grundläggande intress", LegalBasis::VitalInterests),
            ("allmänt intresse", LegalBasis::PublicTask),
            ("myndighetsutövning", LegalBasis::PublicTask),
            ("berättigat intresse", LegalBasis::LegitimateInterests),
        ]
        .into_iter()
        .find(|(w, _)| p.contains(w))
        .map(|(_, b)| b);
        let by_letter = p
            .trim_start_matches("art.")
            .trim_start_matches("6.1")
            .trim()
            .trim_start_matches('(');
        match by_label
            .or(by_word)
            .or_else(|| LegalBasis::parse(by_letter))
        {
            Some(b) => {
                if !out.contains(&b) {
                    out.push(b);
                }
            }
            None => {
                return Err(t2(
                    "Okänd rättslig grund: ange bokstav a–f enligt art. 6.1 (t.ex. ”e”) eller grundens namn.",
                    "Unknown legal basis: give a letter a–f of art. 6.1 (e.g. “e”) or the basis' name.",
                ));
            }
        }
    }
    Ok(Some(Value::Array(
        out.into_iter()
            .map(|b| Value::String(b.letter().into()))
            .collect(),
    )))
}

fn special_categories_cell(s: &str) -> Result<Option<Value>, Text2> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    let parts = sheet::list(s);
    if parts.len() == 1 && sheet::yes(&parts[0]) == Some(false) {
        return Ok(Some(Value::Array(Vec::new())));
    }
    parts
        .iter()
        .map(|p| SpecialCategory::parse(p).map(|c| Value::String(c.as_str().into())))
        .collect::<Option<Vec<_>>>()
        .map(|v| Some(Value::Array(v)))
        .ok_or(t2(
            "Okänd kategori av känsliga personuppgifter (t.ex. ”Hälsa”, ”Etniskt ursprung”).",
            "Unknown special category (e.g. “Health”, “Racial or ethnic origin”).",
        ))
}

fn art9_cell(s: &str) -> Result<Option<Value>, Text2> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let by_label = ART9_EXEMPTIONS
        .iter()
        .find(|o| o.label.sv.eq_ignore_ascii_case(t) || o.label.en.eq_ignore_ascii_case(t))
        .map(|o| o.code);
    by_label
        .or_else(|| Art9Exemption::parse(t.trim_start_matches("9.2").trim()).map(|e| e.letter()))
        .map(|c| Some(Value::String(c.into())))
        .ok_or(t2(
            "Ange undantaget som en bokstav a–j enligt art. 9.2.",
            "Give the exemption as a letter a–j of art. 9.2.",
        ))
}

fn dpia_cell(s: &str) -> Result<Option<Value>, Text2> {
    let p = s.trim().to_lowercase();
    if p.is_empty() {
        return Ok(None);
    }
    let by_label = DPIA_DECISIONS
        .iter()
        .find(|o| o.label.sv.to_lowercase() == p || o.label.en.to_lowercase() == p || o.code == p)
        .map(|o| o.code);
    let by_word = if p.contains("genomförd") || p.contains("klar") || p == "done" || p == "ja" {
        Some("done")
    } else if p.contains("behövs inte")
        || p.contains("ej nödvändig")
        || p.contains("not needed")
        || p == "nej"
    {
        Some("not_needed")
    } else if p.contains("behövs") || p.contains("needed") || p.contains("planerad") {
        Some("needed")
    } else {
        None
    };
    by_label
        .or(by_word)
        .map(|c| Some(Value::String(c.into())))
        .ok_or(t2(
            "Okänt beslut om konsekvensbedömning: ange ”Genomförd”, ”Behövs” eller ”Behövs inte”.",
            "Unknown impact-assessment decision: give “Done”, “Needed” or “Not needed”.",
        ))
}

// ---------------------------------------------------------------------------------------------
// The declaration

const SECTIONS: &[Section] = &[
    section("basics", "Grunduppgifter", "Basics"),
    section(
        "purpose",
        "Ändamål och rättslig grund",
        "Purpose and legal basis",
    ),
    section(
        "subjects",
        "Registrerade och personuppgifter",
        "Data subjects and personal data",
    ),
    section(
        "sensitive",
        "Känsliga uppgifter och särskilda kategorier",
        "Sensitive data and special categories",
    ),
    section(
        "recipients",
        "Mottagare och överföringar",
        "Recipients and transfers",
    ),
    section(
        "retention",
        "Lagring och gallring",
        "Retention and disposal",
    ),
    section("security", "Säkerhet och system", "Security and systems"),
    section(
        "risk",
        "Risk och konsekvensbedömning",
        "Risk and impact assessment",
    ),
    section(
        "processor",
        "För annan personuppgiftsansvarig (art. 30.2)",
        "For another controller (art. 30.2)",
    ),
];

const FIELDS: &[Field] = &[
    // Grunduppgifter
    Field::line("name", t2("Namn", "Name"), NAME_MAX)
        .required()
        .section("basics")
        .headers(&["Behandling", "Benämning"])
        .hint(
            "Ett kort namn som alla förstår, t.ex. ”Elevregister i grundskolan”.",
            "A short name everyone understands, e.g. “Pupil register in compulsory school”.",
        ),
    Field::text("description", t2("Beskrivning", "Description"), TEXT_MAX)
        .section("basics")
        .headers(&["Beskrivning"])
        .hint(
            "Vad behandlingen går ut på, med egna ord.",
            "What the processing is about, in your own words.",
        ),
    Field::text("responsible_person", t2("Ansvarig", "Responsible"), TEXT_MAX)
        .section("basics")
        .headers(&["Ansvarig"])
        .hint(
            "Den person eller funktion i verksamheten som ansvarar för behandlingen.",
            "The person or function in the organisation responsible for the processing.",
        ),
    Field::date("next_review", t2("Nästa översyn", "Next review"))
        .section("basics")
        .headers(&["Nästa översyn"])
        .hint(
            "Sätts ett år fram när behandlingen godkänns. Ändra vid behov.",
            "Set a year ahead when the processing is approved. Change it when needed.",
        ),
    // Ändamål och rättslig grund
    Field::text("purposes", t2("Ändamål", "Purposes"), TEXT_MAX)
        .section("purpose")
        .headers(&["Ändamål", "Ändamål med behandlingen"])
        .hint(
            "Varför uppgifterna behandlas, t.ex. ”Att handlägga ansökningar om försörjningsstöd”.",
            "Why the data is processed, e.g. “To handle applications for income support”.",
        ),
    Field::choices(
        "legal_bases",
        t2("Rättslig grund (art. 6.1)", "Legal basis (art. 6.1)"),
        LEGAL_BASES,
    )
    .section("purpose")
    .headers(&["Rättslig grund", "Laglig grund"])
    .reader(legal_bases_cell)
    .hint(
        "Kryssa i den eller de grunder som gäller. I en kommun är e) vanligast.",
        "Tick the basis or bases that apply. In a municipality e) is the most common.",
    ),
    Field::text(
        "national_provision",
        t2("Bestämmelse i lag", "Provision in law"),
        TEXT_MAX,
    )
    .section("purpose")
    .headers(&["Rättslig grund - bestämmelse"])
    .hint(
        "Lagen bakom grunden vid c) eller e), t.ex. ”2 kap. 1 § socialtjänstlagen”.",
        "The law behind the basis for c) or e), e.g. “chapter 2 section 1 of the Social Services Act”.",
    ),
    // Registrerade och personuppgifter
    Field::lines(
        "data_subject_categories",
        t2("Kategorier av registrerade", "Categories of data subjects"),
    )
    .section("subjects")
    .headers(&["Kategorier av registrerade"])
    .hint(
        "En per rad, t.ex. Elever, Vårdnadshavare, Anställda.",
        "One per line, e.g. Pupils, Guardians, Employees.",
    ),
    Field::lines(
        "personal_data_categories",
        t2("Kategorier av personuppgifter", "Categories of personal data"),
    )
    .section("subjects")
    .headers(&["Kategorier av personuppgifter"])
    .hint(
        "En per rad, t.ex. Namn, Kontaktuppgifter, Betyg.",
        "One per line, e.g. Name, Contact details, Grades.",
    ),
    Field::flag(
        "personal_identity_numbers",
        t2("Personnummer behandlas", "Personal identity numbers are processed"),
    )
    .section("subjects")
    .headers(&["Personnummer"])
    .hint(
        "Kryssa i om personnummer eller samordningsnummer behandlas.",
        "Tick if personal identity or coordination numbers are processed.",
    ),
    Field::flag(
        "protected_identity",
        t2(
            "Skyddade personuppgifter kan förekomma",
            "People with protected identity may be included",
        ),
    )
    .section("subjects")
    .headers(&["Skyddade personuppgifter"])
    .hint(
        "Kryssa i om behandlingen kan omfatta personer med skyddad identitet, t.ex. sekretessmarkering.",
        "Tick if the processing may include people with protected identity, e.g. a confidentiality marking.",
    ),
    Field::text(
        "sources",
        t2("Varifrån uppgifterna kommer", "Where the data comes from"),
        TEXT_MAX,
    )
    .section("subjects")
    .headers(&["Källa"])
    .hint(
        "T.ex. från den registrerade, från en annan myndighet eller från folkbokföringen.",
        "E.g. from the data subject, from another authority or from the population register.",
    ),
    // Känsliga uppgifter
    Field::choices(
        "special_categories",
        t2("Känsliga personuppgifter (art. 9)", "Special categories (art. 9)"),
        SPECIAL_CATEGORIES,
    )
    .section("sensitive")
    .headers(&["Känsliga personuppgifter"])
    .reader(special_categories_cell)
    .hint(
        "Kryssa i de kategorier som behandlas. Lämna tomt om inga känsliga uppgifter behandlas.",
        "Tick the categories processed. Leave empty if no special categories are processed.",
    ),
    Field::choice(
        "art9_exemption",
        t2("Undantag enligt art. 9.2", "Exemption under art. 9.2"),
        ART9_EXEMPTIONS,
    )
    .section("sensitive")
    .headers(&["Undantag art. 9"])
    .reader(art9_cell)
    .when("special_categories", "")
    .hint(
        "Det undantag som gör det tillåtet att behandla de känsliga uppgifterna.",
        "The exemption that allows the special categories to be processed.",
    ),
    Field::text(
        "art9_provision",
        t2("Bestämmelse bakom undantaget", "Provision behind the exemption"),
        TEXT_MAX,
    )
    .section("sensitive")
    .when("special_categories", "")
    .hint(
        "Lagrummet som undantaget vilar på, om det finns ett.",
        "The provision the exemption rests on, if there is one.",
    ),
    Field::flag(
        "criminal_offence_data",
        t2(
            "Uppgifter om lagöverträdelser (art. 10)",
            "Criminal offence data (art. 10)",
        ),
    )
    .section("sensitive")
    .headers(&["Lagöverträdelser"])
    .hint(
        "Kryssa i om uppgifter om brott, domar eller misstankar om brott behandlas.",
        "Tick if data about offences, convictions or suspicions is processed.",
    ),
    Field::text(
        "art10_basis",
        t2(
            "Stöd för uppgifter om lagöverträdelser",
            "Basis for criminal offence data",
        ),
        TEXT_MAX,
    )
    .section("sensitive")
    .when("criminal_offence_data", "")
    .hint(
        "Den lag eller förordning som tillåter behandlingen av uppgifterna om lagöverträdelser.",
        "The law or ordinance that allows the processing of criminal offence data.",
    ),
    // Mottagare och överföringar
    Field::lines("recipients", t2("Mottagare", "Recipients"))
        .section("recipients")
        .headers(&["Mottagare", "Kategorier av mottagare"])
        .hint(
            "En per rad: vilka som får del av uppgifterna, t.ex. Skatteverket, Försäkringskassan.",
            "One per line: who receives the data, e.g. the Tax Agency, the Social Insurance Agency.",
        ),
    Field::lines("processors", t2("Personuppgiftsbiträden", "Processors"))
        .section("recipients")
        .headers(&["Personuppgiftsbiträden"])
        .hint(
            "En per rad: leverantörer som behandlar uppgifterna för er räkning.",
            "One per line: suppliers who process the data on your behalf.",
        ),
    Field::text(
        "joint_controllers",
        t2("Gemensamt personuppgiftsansvar", "Joint controllers"),
        TEXT_MAX,
    )
    .section("recipients")
    .headers(&["Gemensamt personuppgiftsansvar"])
    .hint(
        "Andra som bestämmer ändamål och medel tillsammans med er, och hur ansvaret är fördelat.",
        "Others who decide purposes and means with you, and how the responsibility is shared.",
    ),
    Field::rows(
        "third_country_transfers",
        t2("Överföringar till tredjeland", "Transfers to third countries"),
        transfer_fields!("third_country_transfers"),
    )
    .section("recipients")
    .hint(
        "En rad per land utanför EU/EES. Lämna tomt om inga uppgifter förs dit.",
        "One row per country outside the EU/EEA. Leave empty if no data goes there.",
    ),
    // Lagring och gallring
    Field::text("retention", t2("Lagringstid", "Retention"), TEXT_MAX)
        .section("retention")
        .headers(&["Lagringstid"])
        .hint(
            "Hur länge uppgifterna sparas, t.ex. ”3 år efter avslutat ärende”.",
            "How long the data is kept, e.g. “3 years after the case is closed”.",
        ),
    Field::text("disposal_rule", t2("Gallring", "Disposal"), TEXT_MAX)
        .section("retention")
        .headers(&["Gallring"])
        .hint(
            "Regeln för när och hur uppgifterna gallras enligt dokumenthanteringsplanen.",
            "The rule for when and how the data is disposed of under the records management plan.",
        ),
    Field::text(
        "document_plan_reference",
        t2(
            "Hänvisning i informationshanteringsplanen",
            "Reference in the information management plan",
        ),
        TEXT_MAX,
    )
    .section("retention")
    .headers(&["Informationshanteringsplan"])
    .hint(
        "Beteckningen i informationshanteringsplanen eller dokumenthanteringsplanen.",
        "The designation in the information or records management plan.",
    ),
    // Säkerhet och system
    Field::text(
        "security_measures",
        t2("Säkerhetsåtgärder (art. 32)", "Security measures (art. 32)"),
        TEXT_MAX,
    )
    .section("security")
    .headers(&["Säkerhetsåtgärder"])
    .hint(
        "Tekniska och organisatoriska åtgärder, t.ex. behörighetsstyrning, loggning, kryptering.",
        "Technical and organisational measures, e.g. access control, logging, encryption.",
    ),
    Field::links(
        "system_ids",
        t2("Kopplade system", "Linked systems"),
        Kind::System,
    )
    .section("security")
    .hint(
        "De system där uppgifterna i behandlingen finns. Bara den personuppgiftsansvariges egna system kan väljas.",
        "The systems holding the processing's data. Only the controller's own systems can be chosen.",
    ),
    Field::links(
        "agreement_ids",
        t2(
            "Kopplade personuppgiftsbiträdesavtal",
            "Linked processor agreements",
        ),
        Kind::Agreement,
    )
    .section("security")
    .hint(
        "De personuppgiftsbiträdesavtal som gäller för behandlingen.",
        "The processor agreements that cover the processing.",
    ),
    // Risk och konsekvensbedömning
    Field::flag(
        "automated_decisions",
        t2("Automatiserade beslut (art. 22)", "Automated decisions (art. 22)"),
    )
    .section("risk")
    .headers(&["Automatiserade beslut"])
    .hint(
        "Beslut som fattas utan att en människa prövar dem, t.ex. automatisk beviljning.",
        "Decisions made without a person examining them, e.g. automatic approval.",
    ),
    Field::flag("profiling", t2("Profilering", "Profiling"))
        .section("risk")
        .hint(
            "Personers egenskaper eller beteende bedöms automatiskt.",
            "People's traits or behaviour are assessed automatically.",
        ),
    Field::flag("ai_use", t2("AI används", "AI is used"))
        .section("risk")
        .headers(&["AI"])
        .hint(
            "AI-system används i behandlingen, t.ex. för analys eller textgenerering.",
            "AI systems are used in the processing, e.g. for analysis or text generation.",
        ),
    Field::flag(
        "iot",
        t2(
            "Uppkopplade sensorer eller enheter (IoT)",
            "Connected sensors or devices (IoT)",
        ),
    )
    .section("risk")
    .hint(
        "Uppgifter samlas in av uppkopplade sensorer eller enheter.",
        "Data is collected by connected sensors or devices.",
    ),
    Field::flag("large_scale", t2("Storskalig behandling", "Large-scale processing"))
        .section("risk")
        .headers(&["Storskalig behandling"])
        .hint(
            "Många registrerade, mycket uppgifter eller ett stort område.",
            "Many data subjects, much data or a large area.",
        ),
    Field::flag(
        "vulnerable_subjects",
        t2("Sårbara registrerade", "Vulnerable data subjects"),
    )
    .section("risk")
    .headers(&["Sårbara registrerade"])
    .hint(
        "T.ex. barn, patienter, äldre eller anställda i beroendeställning.",
        "E.g. children, patients, the elderly or dependent employees.",
    ),
    Field::flag(
        "systematic_monitoring",
        t2("Systematisk övervakning", "Systematic monitoring"),
    )
    .section("risk")
    .hint(
        "T.ex. kameraövervakning eller loggning av beteende.",
        "E.g. camera surveillance or logging of behaviour.",
    ),
    Field::flag("new_technology", t2("Ny teknik", "New technology"))
        .section("risk")
        .hint(
            "Teknik som är ny för verksamheten eller för samhället.",
            "Technology new to the organisation or to society.",
        ),
    Field::flag(
        "combined_datasets",
        t2("Samkörning av uppgifter", "Combined datasets"),
    )
    .section("risk")
    .hint(
        "Uppgifter från olika källor eller ändamål förs samman.",
        "Data from different sources or purposes is combined.",
    ),
    Field::choice(
        "dpia_decision",
        t2(
            "Beslut om konsekvensbedömning",
            "Impact-assessment decision",
        ),
        DPIA_DECISIONS,
    )
    .section("risk")
    .headers(&["Konsekvensbedömning"])
    .reader(dpia_cell)
    .hint(
        "Om en konsekvensbedömning (art. 35) behövs, och om den är gjord.",
        "Whether an impact assessment (art. 35) is needed, and whether it is done.",
    ),
    Field::text(
        "dpia_reference",
        t2("Motivering eller hänvisning", "Motivation or reference"),
        TEXT_MAX,
    )
    .section("risk")
    .when("dpia_decision", "")
    .hint(
        "Varför den inte behövs, eller var bedömningen finns.",
        "Why it is not needed, or where the assessment is.",
    ),
    // För annan personuppgiftsansvarig
    Field::pick(
        "role",
        t2("Vi behandlar uppgifterna som", "We process the data as"),
        ROLES,
    )
    .section("processor")
    .headers(&["Roll"])
    .hint(
        "Oftast är ni själva personuppgiftsansvariga. Välj biträde om ni behandlar uppgifterna åt någon annan.",
        "Usually you are the controller. Choose processor if you process the data for someone else.",
    ),
    Field::text(
        "on_behalf_of",
        t2(
            "Personuppgiftsansvarig som vi behandlar åt",
            "Controller we process for",
        ),
        TEXT_MAX,
    )
    .section("processor")
    .headers(&["Personuppgiftsansvarig (för biträde)"])
    .when("role", "processor")
    .hint(
        "Namnet på den personuppgiftsansvarige och en kontaktuppgift.",
        "The controller's name and a contact.",
    ),
    Field::text(
        "controller_instructions",
        t2("Den ansvariges instruktioner", "The controller's instructions"),
        TEXT_MAX,
    )
    .section("processor")
    .when("role", "processor")
    .hint(
        "Var instruktionerna finns, t.ex. i personuppgiftsbiträdesavtalet.",
        "Where the instructions are, e.g. in the processor agreement.",
    ),
    Field::text(
        "processing_categories",
        t2(
            "Kategorier av behandling (art. 30.2 b)",
            "Categories of processing (art. 30.2 b)",
        ),
        TEXT_MAX,
    )
    .section("processor")
    .when("role", "processor")
    .hint(
        "Vilka slags behandlingar som utförs åt den ansvarige.",
        "What kinds of processing are carried out for the controller.",
    ),
];

const NO: Text2 = t2("Nej", "No");

const FILTERS: &[Filter] = &[
    Filter {
        param: "status",
        ui: "status",
        label: t2("Status", "Status"),
        kind: FilterKind::OneOf {
            column: "status",
            opts: &[
                opt(UNDER_BEARBETNING, "Under bearbetning", "In progress"),
                opt(
                    REDO_FOR_GRANSKNING,
                    "Redo för granskning",
                    "Ready for review",
                ),
                opt(UNDER_GRANSKNING, "Under granskning", "Under review"),
                opt(GODKAND, "Godkänd", "Approved"),
            ],
        },
    },
    Filter::flag(
        "special_categories",
        "kansliga",
        "special_categories",
        t2("Känsliga personuppgifter", "Special categories"),
        t2("Känsliga personuppgifter", "Special categories"),
        t2("Utan känsliga personuppgifter", "No special categories"),
    ),
    Filter::flag(
        "protected_identity",
        "skyddade",
        "protected_identity",
        t2("Skyddade personuppgifter", "Protected identity"),
        t2("Skyddade personuppgifter", "Protected identity"),
        NO,
    ),
    Filter::flag(
        "personal_identity_numbers",
        "personnummer",
        "personal_identity_numbers",
        t2("Personnummer", "Personal identity numbers"),
        t2("Personnummer", "Personal identity numbers"),
        NO,
    ),
    Filter::flag(
        "third_country",
        "tredjeland",
        "third_country",
        t2("Överföring till tredjeland", "Third-country transfer"),
        t2("Överföring till tredjeland", "Third-country transfer"),
        NO,
    ),
    Filter::flag(
        "criminal_offence_data",
        "lagovertradelser",
        "criminal_offence_data",
        t2("Lagöverträdelser", "Criminal offence data"),
        t2("Lagöverträdelser", "Criminal offence data"),
        NO,
    ),
    Filter {
        param: "gaps",
        ui: "brister",
        label: t2("Brister", "Gaps"),
        kind: FilterKind::Test {
            yes: Cond::Any(&[Cond::NotEmpty("gap_codes"), Cond::BeforeToday("review_on")]),
            no: Cond::All(&[
                Cond::Empty("gap_codes"),
                Cond::Any(&[Cond::Unset("review_on"), Cond::FromToday("review_on")]),
            ]),
            yes_label: t2("Med brister", "With gaps"),
            no_label: t2("Utan brister", "Without gaps"),
        },
    },
    Filter {
        param: "overdue",
        ui: "forsenad",
        label: t2("Försenad översyn", "Overdue review"),
        kind: FilterKind::Test {
            yes: Cond::BeforeToday("review_on"),
            no: Cond::Any(&[Cond::Unset("review_on"), Cond::FromToday("review_on")]),
            yes_label: t2("Försenad översyn", "Overdue review"),
            no_label: t2("Översyn i tid", "Review on time"),
        },
    },
];

const COLUMNS: &[Column] = &[
    Column {
        name: "role",
        ty: ColumnType::Text,
    },
    Column {
        name: "special_categories",
        ty: ColumnType::Flag,
    },
    Column {
        name: "criminal_offence_data",
        ty: ColumnType::Flag,
    },
    Column {
        name: "protected_identity",
        ty: ColumnType::Flag,
    },
    Column {
        name: "personal_identity_numbers",
        ty: ColumnType::Flag,
    },
    Column {
        name: "third_country",
        ty: ColumnType::Flag,
    },
    Column {
        name: "high_risk_markers",
        ty: ColumnType::Int,
    },
];

pub static INFO: KindInfo = KindInfo {
    kind: Kind::ProcessingActivity,
    code: "processing_activity",
    table: "processing_activities",
    api: "processing-activities",
    ui: "behandlingar",
    noun: Noun {
        one: t2("behandling", "processing activity"),
        many: t2("behandlingar", "processing activities"),
        the: t2("Behandlingen", "The processing activity"),
    },
    sections: SECTIONS,
    fields: FIELDS,
    columns: COLUMNS,
    filters: FILTERS,
    access: Access {
        read: READERS,
        edit: EDITORS,
        create: EDITORS,
        creator_column: None,
    },
    workflow: Some(&WORKFLOW),
    review: t2("Nästa översyn", "Next review"),
    overdue_gap: Some(GapRule::ReviewOverdue),
    link_gaps: &[],
    list_details: false,
    sheet: SheetTexts {
        same_name: t2(
            "Samma behandling som rad {row}: ge raderna olika namn eller en id-kolumn.",
            "The same processing as row {row}: give the rows different names or an id column.",
        ),
        file_stem: "registerforteckning",
    },
    document: Some(DocumentTexts {
        title: t2("Registerförteckning", "Register of processing activities"),
        intro: t2(
            "Förteckning över behandlingar av personuppgifter enligt artikel 30 i dataskyddsförordningen (EU) 2016/679.",
            "Record of processing activities under Article 30 of the General Data Protection Regulation (EU) 2016/679.",
        ),
    }),
    deadline: None,
    create_sections: &[],
};

/// Processing activities, as a kind of the register kernel.
pub struct Processing;

impl Descriptor for Processing {
    const KIND: Kind = Kind::ProcessingActivity;
    type Details = ProcessingDetails;

    fn title(d: &ProcessingDetails) -> &str {
        &d.name
    }

    fn search_text(d: &ProcessingDetails) -> String {
        d.search_text()
    }

    fn review_on(d: &ProcessingDetails) -> Option<Date> {
        d.next_review
    }

    fn columns(d: &ProcessingDetails) -> Vec<ColumnValue> {
        vec![
            ColumnValue::Text(Some(d.role.as_str().into())),
            ColumnValue::flag(!d.special_categories.is_empty()),
            ColumnValue::flag(d.criminal_offence_data),
            ColumnValue::flag(d.protected_identity),
            ColumnValue::flag(d.personal_identity_numbers),
            ColumnValue::flag(!d.third_country_transfers.is_empty()),
            ColumnValue::Int(d.risk_markers().len() as i64),
        ]
    }

    fn content_gaps(d: &ProcessingDetails) -> Vec<GapRule> {
        d.gaps()
    }

    fn links(d: &ProcessingDetails) -> Vec<(Kind, Vec<RecordId>)> {
        vec![
            (Kind::System, d.system_ids.clone()),
            (Kind::Agreement, d.agreement_ids.clone()),
        ]
    }

    fn set_links(d: &mut ProcessingDetails, kind: Kind, ids: Vec<RecordId>) {
        match kind {
            Kind::System => d.system_ids = ids,
            Kind::Agreement => d.agreement_ids = ids,
            Kind::ProcessingActivity | Kind::Breach | Kind::Request => {}
        }
    }

    fn on_step(
        d: &mut ProcessingDetails,
        _state: &mut Map<String, Value>,
        to: &str,
        ctx: &StepContext<'_>,
    ) {
        if to == GODKAND {
            d.next_review = Some(next_review_after(ctx.today));
        }
    }

    fn sheet_row(row: &mut RowDraft, _lang: Lang) {
        // A row that names the controller it is processed for is an art. 30.2 record.
        if row.value("on_behalf_of").is_some() && !row.given("role") {
            row.values
                .insert("role".into(), Value::String("processor".into()));
        }
    }
}

/// Checks `d` as if a client had sent it (for records made in code: the demo, tests).
pub fn valid(
    d: &ProcessingDetails,
) -> Result<crate::kernel::parse::Valid<ProcessingDetails>, Vec<Invalid>> {
    crate::kernel::parse::revalidate::<Processing>(d).map_err(|r| match r {
        crate::kernel::parse::Refusal::Invalid(e) => e,
        crate::kernel::parse::Refusal::Unreadable(_) => {
            vec![Invalid::new("details", crate::Rule::InvalidValue)]
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Rule;
    use crate::kernel::parse::{Refusal, parse};
    use crate::kernel::sheet::{Mapping, plan};
    use crate::role::RoleSet;
    use serde_json::json;

    fn draft(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    fn named(name: &str) -> ProcessingDetails {
        ProcessingDetails {
            name: name.into(),
            ..Default::default()
        }
    }

    fn complete() -> ProcessingDetails {
        ProcessingDetails {
            name: "Elevregister".into(),
            purposes: Some("Skolans uppdrag".into()),
            legal_bases: vec![LegalBasis::PublicTask],
            retention: Some("Gallras efter 3 år".into()),
            data_subject_categories: vec!["Elever".into()],
            personal_data_categories: vec!["Namn".into()],
            ..Default::default()
        }
    }

    #[test]
    fn a_name_is_all_a_new_record_needs() {
        let d = parse::<Processing>(draft(json!({"name": "  Elevregister "}))).expect("valid");
        assert_eq!(d.name, "Elevregister");
        assert_eq!(d.role, ProcessingRole::Controller);
    }

    #[test]
    fn a_missing_name_is_refused() {
        assert_eq!(
            parse::<Processing>(draft(json!({"name": " "}))),
            Err(Refusal::Invalid(vec![Invalid::new("name", Rule::Required)]))
        );
    }

    #[test]
    fn blank_texts_become_absent_and_lists_are_cleaned() {
        let d = parse::<Processing>(draft(json!({"name": "Elevregister", "purposes": "   ",
            "data_subject_categories": [" Elever ", "", "Elever", "Vårdnadshavare"],
            "legal_bases": ["e", "e"]})))
        .expect("valid");
        assert_eq!(d.purposes, None);
        assert_eq!(
            d.data_subject_categories,
            vec!["Elever".to_string(), "Vårdnadshavare".to_string()]
        );
        assert_eq!(d.legal_bases, vec![LegalBasis::PublicTask]);
    }

    #[test]
    fn links_must_be_ids() {
        assert_eq!(
            parse::<Processing>(draft(json!({"name": "A", "system_ids": ["drop table"]}))),
            Err(Refusal::Invalid(vec![Invalid::new(
                "system_ids",
                Rule::UnknownReference
            )]))
        );
    }

    #[test]
    fn a_transfer_without_a_country_is_refused_on_its_row() {
        assert_eq!(
            parse::<Processing>(draft(json!({"name": "A", "third_country_transfers": [
                {"country": "USA"}, {"country": " ", "transfer_impact_assessment": true}]}))),
            Err(Refusal::Invalid(vec![Invalid::at_row(
                "third_country_transfers.country",
                Rule::Required,
                1
            )]))
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
    fn a_complete_record_has_no_gaps_and_a_bare_one_five() {
        assert!(complete().gaps().is_empty());
        assert_eq!(
            named("x").gaps(),
            vec![
                GapRule::MissingPurpose,
                GapRule::MissingLegalBasis,
                GapRule::MissingDataSubjects,
                GapRule::MissingDataCategories,
                GapRule::MissingRetention
            ]
        );
        let disposal = ProcessingDetails {
            retention: None,
            disposal_rule: Some("Gallras vid inaktualitet".into()),
            ..complete()
        };
        assert!(disposal.gaps().is_empty());
    }

    #[test]
    fn special_categories_need_an_exemption_and_transfers_a_safeguard() {
        let mut d = ProcessingDetails {
            special_categories: vec![SpecialCategory::Health],
            ..complete()
        };
        assert_eq!(d.gaps(), vec![GapRule::SpecialCategoriesWithoutExemption]);
        d.art9_exemption = Some(Art9Exemption::H);
        assert!(d.gaps().is_empty());
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
        assert_eq!(d.gaps(), vec![GapRule::TransferWithoutSafeguard]);
    }

    #[test]
    fn two_high_risk_markers_need_a_dpia_decision_and_one_does_not() {
        let one = ProcessingDetails {
            ai_use: true,
            ..complete()
        };
        assert!(one.gaps().is_empty());
        let mut two = ProcessingDetails {
            ai_use: true,
            large_scale: true,
            ..complete()
        };
        assert_eq!(two.gaps(), vec![GapRule::HighRiskWithoutDpia]);
        two.dpia_decision = Some(DpiaDecision::NotNeeded);
        assert!(two.gaps().is_empty());
    }

    #[test]
    fn every_option_list_matches_its_type() {
        for b in LegalBasis::ALL {
            assert_eq!(json!(b), json!(b.letter()));
        }
        for c in SpecialCategory::ALL {
            assert_eq!(json!(c), json!(c.as_str()));
            assert_eq!(SpecialCategory::parse(c.label(Lang::Sv)), Some(c));
        }
        for e in Art9Exemption::ALL {
            assert_eq!(json!(e), json!(e.letter()));
        }
        for s in Safeguard::ALL {
            assert_eq!(json!(s), json!(s.as_str()));
        }
        for (i, d) in [
            DpiaDecision::NotNeeded,
            DpiaDecision::Needed,
            DpiaDecision::Done,
        ]
        .into_iter()
        .enumerate()
        {
            assert_eq!(json!(d), json!(DPIA_DECISIONS[i].code));
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

    #[test]
    fn a_records_keeper_submits_and_the_dpo_reviews_and_approves() {
        let roles = |r: &[Role]| -> RoleSet { r.iter().copied().collect() };
        let keeper = roles(&[Role::RecordsKeeper]);
        let dpo = roles(&[Role::Dpo]);
        let w = &WORKFLOW;
        assert!(
            w.check(UNDER_BEARBETNING, REDO_FOR_GRANSKNING, keeper, false)
                .is_ok()
        );
        assert!(
            w.check(REDO_FOR_GRANSKNING, UNDER_GRANSKNING, keeper, false)
                .is_err()
        );
        assert!(
            w.check(REDO_FOR_GRANSKNING, UNDER_GRANSKNING, dpo, false)
                .is_ok()
        );
        assert!(w.check(UNDER_GRANSKNING, GODKAND, dpo, false).is_ok());
        assert!(w.check(UNDER_GRANSKNING, GODKAND, keeper, false).is_err());
        assert!(w.check(REDO_FOR_GRANSKNING, GODKAND, dpo, false).is_ok());
        assert!(
            w.check(REDO_FOR_GRANSKNING, GODKAND, keeper, false)
                .is_err()
        );
        for (from, to) in [
            (UNDER_BEARBETNING, GODKAND),
            (UNDER_BEARBETNING, UNDER_GRANSKNING),
        ] {
            assert!(matches!(
                w.check(from, to, dpo, true),
                Err(crate::kernel::workflow::StepError::NotInWorkflow { .. })
            ));
        }
        for s in w.states {
            assert!(w.check(s.code, s.code, roles(&Role::ALL), true).is_err());
        }
        assert_eq!(w.after_edit(GODKAND), UNDER_BEARBETNING);
        assert_eq!(w.after_edit(REDO_FOR_GRANSKNING), REDO_FOR_GRANSKNING);
    }

    #[test]
    fn a_dpo_sends_back_with_a_comment_where_an_editor_withdraws() {
        use crate::kernel::workflow::{StepError, StepInput};
        let dpo: RoleSet = [Role::Dpo].into_iter().collect();
        let keeper: RoleSet = [Role::RecordsKeeper].into_iter().collect();
        let w = &WORKFLOW;
        let back = w
            .check(REDO_FOR_GRANSKNING, UNDER_BEARBETNING, dpo, false)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back.key, "return");
        let withdraw = w
            .check(REDO_FOR_GRANSKNING, UNDER_BEARBETNING, keeper, false)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(withdraw.key, "withdraw");
        // The DPO is offered the review, never the submitter's "withdraw".
        let offered: Vec<&str> = w
            .available(REDO_FOR_GRANSKNING, dpo, false)
            .iter()
            .map(|s| s.key)
            .collect();
        assert!(offered.contains(&"return") && !offered.contains(&"withdraw"));
        assert_eq!(
            w.awaiting_review(),
            vec![REDO_FOR_GRANSKNING, UNDER_GRANSKNING]
        );
        assert_eq!(w.reviewers(), REVIEWERS);

        let blank = StepInput {
            comment: Some("  ".into()),
            despite_gaps: false,
        };
        assert_eq!(back.prepare(&blank, &[]), Err(StepError::CommentRequired));
        assert_eq!(withdraw.prepare(&blank, &[]), Ok(()));
        let long = StepInput {
            comment: Some("x".repeat(crate::kernel::workflow::MAX_COMMENT + 1)),
            despite_gaps: false,
        };
        assert_eq!(back.prepare(&long, &[]), Err(StepError::CommentTooLong));
        let why = StepInput {
            comment: Some("Lagringstiden saknas.".into()),
            despite_gaps: false,
        };
        assert_eq!(back.prepare(&why, &[]), Ok(()));
        let mut state = Map::new();
        let ctx = StepContext {
            today: jiff::civil::date(2026, 3, 15),
            now: "2026-03-15T10:00:00.000000Z",
            actor_name: "Anna",
        };
        back.record(&mut state, &ctx, &why, &[]);
        assert_eq!(state["returned"]["comment"], "Lagringstiden saknas.");
        assert_eq!(state["returned"]["by"], "Anna");
    }

    #[test]
    fn approval_is_refused_while_register_gaps_are_open_unless_approved_anyway_with_a_reason() {
        use crate::kernel::workflow::{StepError, StepInput};
        let dpo: RoleSet = [Role::Dpo].into_iter().collect();
        let approve = WORKFLOW
            .check(UNDER_GRANSKNING, GODKAND, dpo, false)
            .unwrap_or_else(|e| panic!("{e}"));
        let open = named("x").gaps();
        assert!(open.contains(&GapRule::MissingPurpose));
        assert!(open.contains(&GapRule::MissingDataSubjects));
        assert!(open.contains(&GapRule::MissingDataCategories));
        let plain = StepInput::default();
        assert!(matches!(
            approve.prepare(&plain, &open),
            Err(StepError::GapsOpen(g)) if g.contains(&GapRule::MissingRetention)
        ));
        // An overdue review does not block: the approval sets the next one.
        assert_eq!(approve.prepare(&plain, &[GapRule::ReviewOverdue]), Ok(()));
        let anyway = StepInput {
            comment: None,
            despite_gaps: true,
        };
        assert_eq!(
            approve.prepare(&anyway, &open),
            Err(StepError::CommentRequired)
        );
        let reasoned = StepInput {
            comment: Some("Beslutat av nämnden i väntan på ny gallringsplan.".into()),
            despite_gaps: true,
        };
        assert_eq!(approve.prepare(&reasoned, &open), Ok(()));
        let mut state = Map::new();
        state.insert("returned".into(), Value::String("old".into()));
        let ctx = StepContext {
            today: jiff::civil::date(2026, 3, 15),
            now: "2026-03-15T10:00:00.000000Z",
            actor_name: "Anna",
        };
        approve.record(&mut state, &ctx, &reasoned, &open);
        assert_eq!(state["approved_by"], "Anna");
        assert!(!state.contains_key("returned"));
        let despite = &state["approved_despite_gaps"];
        assert_eq!(
            despite["reason"],
            "Beslutat av nämnden i väntan på ny gallringsplan."
        );
        assert!(
            despite["gaps"]
                .as_array()
                .is_some_and(|g| g.iter().any(|c| c == "missing_purpose"))
        );
        // A later approval without open gaps leaves no override behind.
        approve.record(&mut state, &ctx, &plain, &[]);
        assert!(!state.contains_key("approved_despite_gaps"));
    }

    #[test]
    fn a_processor_record_is_not_asked_for_categories_of_people_and_data() {
        let mut p = named("x");
        p.role = ProcessingRole::Processor;
        assert!(!p.gaps().contains(&GapRule::MissingDataSubjects));
        p.role = ProcessingRole::Controller;
        p.data_subject_categories = vec!["Elever".into()];
        p.personal_data_categories = vec!["Namn".into()];
        let g = p.gaps();
        assert!(!g.contains(&GapRule::MissingDataSubjects));
        assert!(!g.contains(&GapRule::MissingDataCategories));
    }

    #[test]
    fn readers_take_no_steps() {
        for r in [
            Role::Employee,
            Role::Auditor,
            Role::Management,
            Role::SystemOwner,
            Role::SecurityCoordinator,
        ] {
            for s in WORKFLOW.states {
                assert!(
                    WORKFLOW
                        .available(s.code, [r].into_iter().collect(), false)
                        .is_empty(),
                    "{r:?} from {}",
                    s.code
                );
            }
        }
    }

    #[test]
    fn approval_sets_the_next_review_a_year_on_even_from_a_leap_day() {
        let d = |y, m, d| jiff::civil::date(y, m, d);
        assert_eq!(next_review_after(d(2026, 3, 15)), d(2027, 3, 15));
        assert_eq!(next_review_after(d(2028, 2, 29)), d(2029, 2, 28));
        let mut rec = named("x");
        let mut state = Map::new();
        Processing::on_step(
            &mut rec,
            &mut state,
            GODKAND,
            &StepContext {
                today: d(2026, 3, 15),
                now: "2026-03-15T10:00:00.000000Z",
                actor_name: "Anna",
            },
        );
        assert_eq!(rec.next_review, Some(d(2027, 3, 15)));
    }

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    fn header() -> Vec<String> {
        s(&[
            "ID",
            "Behandling",
            "Ändamål",
            "Rättslig grund",
            "Känsliga personuppgifter",
            "Personnummer",
            "Okänd kolumn",
        ])
    }

    fn mapping() -> Mapping {
        Mapping::default_for(&INFO)
    }

    #[test]
    fn a_clean_sheet_becomes_records() {
        let rows = vec![
            s(&["D-1", "Elevregister", "Skolans uppdrag", "e", "", "Ja", "x"]),
            s(&[
                "D-2",
                "Hemtjänst",
                "Insatser",
                "6.1 e; c",
                "Hälsa",
                "Nej",
                "",
            ]),
        ];
        let p = plan::<Processing>(&header(), &rows, &mapping(), Lang::Sv);
        assert_eq!(p.problems, vec![]);
        assert_eq!(p.rows.len(), 2);
        assert_eq!(p.rows[0].external_id.as_deref(), Some("D-1"));
        assert!(p.rows[0].details.personal_identity_numbers);
        assert_eq!(
            p.rows[1].details.legal_bases,
            vec![LegalBasis::PublicTask, LegalBasis::LegalObligation]
        );
        assert_eq!(
            p.rows[1].details.special_categories,
            vec![SpecialCategory::Health]
        );
    }

    #[test]
    fn every_problem_is_listed_by_row_and_column() {
        let rows = vec![
            s(&["D-1", "", "Ändamål", "e", "", "Ja", ""]),
            s(&["D-2", "Hemtjänst", "Insatser", "g", "Hälsa", "kanske", ""]),
            s(&["D-2", "Dubblett", "", "", "", "", ""]),
        ];
        let p = plan::<Processing>(&header(), &rows, &mapping(), Lang::Sv);
        assert!(p.rows.is_empty(), "{:?}", p.rows);
        let at = |row: usize, col: &str| p.problems.iter().any(|x| x.row == row && x.column == col);
        assert!(at(2, "Behandling"), "{:?}", p.problems);
        assert!(at(3, "Rättslig grund"), "{:?}", p.problems);
        assert!(at(3, "Personnummer"), "{:?}", p.problems);
        assert!(at(4, "ID"), "{:?}", p.problems);
        assert!(p.problems.iter().all(|x| !x.message.is_empty()));
    }

    #[test]
    fn a_sheet_without_a_name_column_is_refused_at_once() {
        let p = plan::<Processing>(
            &s(&["ID", "Ändamål"]),
            &[s(&["1", "x"])],
            &mapping(),
            Lang::Sv,
        );
        assert_eq!(p.problems.len(), 1);
        assert!(p.rows.is_empty());
    }

    #[test]
    fn two_rows_without_ids_may_not_share_a_name() {
        let p = plan::<Processing>(
            &s(&["Behandling"]),
            &[s(&["Lön"]), s(&["lön"])],
            &mapping(),
            Lang::Sv,
        );
        assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
        assert_eq!(
            (p.problems[0].row, p.problems[0].column.as_str()),
            (3, "Behandling")
        );
        assert!(p.problems[0].message.contains("rad 2"));
    }

    #[test]
    fn a_controller_named_makes_the_row_an_art_30_2_record() {
        let p = plan::<Processing>(
            &s(&["Behandling", "Personuppgiftsansvarig (för biträde)"]),
            &[s(&["Lön åt bolaget", "Sjöstad Vatten AB"])],
            &mapping(),
            Lang::Sv,
        );
        assert_eq!(p.problems, vec![]);
        assert_eq!(p.rows[0].details.role, ProcessingRole::Processor);
    }

    #[test]
    fn an_exported_register_imports_back_unchanged_in_both_languages() {
        use crate::kernel::sheet::{ExportRecord, export_headers, export_row};
        let full = ProcessingDetails {
            name: "Hemtjänst".into(),
            description: Some("Insatser i hemmet, med två rader\noch en till".into()),
            responsible_person: Some("Enhetschefen".into()),
            next_review: Some(jiff::civil::date(2027, 3, 1)),
            purposes: Some("Att ge stöd".into()),
            legal_bases: vec![LegalBasis::PublicTask, LegalBasis::LegalObligation],
            national_provision: Some("4 kap. 1 § SoL".into()),
            data_subject_categories: vec!["Brukare".into(), "Anhöriga, närstående".into()],
            personal_data_categories: vec!["Namn".into()],
            personal_identity_numbers: true,
            protected_identity: true,
            sources: Some("Den registrerade".into()),
            special_categories: vec![SpecialCategory::Health, SpecialCategory::Genetic],
            art9_exemption: Some(Art9Exemption::H),
            criminal_offence_data: true,
            recipients: vec!["IVO".into()],
            processors: vec!["Tietoevry".into()],
            joint_controllers: Some("Regionen".into()),
            retention: Some("5 år".into()),
            disposal_rule: Some("Gallras".into()),
            document_plan_reference: Some("3.2.1".into()),
            security_measures: Some("Loggning".into()),
            automated_decisions: true,
            ai_use: true,
            large_scale: true,
            vulnerable_subjects: true,
            dpia_decision: Some(DpiaDecision::Done),
            role: ProcessingRole::Processor,
            on_behalf_of: Some("Regionen".into()),
            ..ProcessingDetails::default()
        };
        let full = valid(&full).expect("valid").into_inner();
        for lang in [Lang::Sv, Lang::En] {
            let headers = export_headers(&INFO, lang);
            let row = export_row::<Processing>(
                &ExportRecord {
                    id: "p-1",
                    organisation: "Hemtjänst Norr",
                    status: Some("Godkänd"),
                    details: &full,
                },
                lang,
            );
            assert_eq!(row.len(), headers.len());
            let p = plan::<Processing>(&headers, &[row], &mapping(), lang);
            assert_eq!(p.problems, vec![], "{lang:?}");
            assert_eq!(p.rows[0].external_id.as_deref(), Some("p-1"));
            assert_eq!(p.rows[0].details.get(), &full, "{lang:?}");
        }
    }
}
