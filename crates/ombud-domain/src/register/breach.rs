//! Personal data breaches (personuppgiftsincidenter, GDPR art. 33–34), declared as a kind of the
//! register kernel. The rules of the clock, the severity and the documents are in
//! [`crate::breach`]; this is the record: what is reported, what the investigation adds, and the
//! workflow from report to closing.
//!
//! Anyone who holds a role in an organisation may report a breach there (seed 004: every breach is
//! documented, and everyone must know how to act); the reporter reads their own report afterwards
//! and nothing else of the register. Those who investigate — the manager, the security coordinator,
//! the DPO, management — read and edit the register of their part of the organisation.

use crate::breach::{
    AFFECTED_DATA_OPTIONS, BREACH_TYPE_OPTIONS, CAUSE_OPTIONS, OUR_ROLE_OPTIONS, clock,
    severity::{self, Art34Exception, Assessment, Proposal, RiskCategory},
};
use crate::ids::RecordId;
use crate::kernel::field::{Field, Opt, Section, opt, section, t2};
use crate::kernel::gaps::GapRule;
use crate::kernel::query::{Filter, FilterKind};
use crate::kernel::workflow::{Effect, State, Step, Workflow};
use crate::kernel::{
    Access, Column, ColumnType, ColumnValue, Deadline, Descriptor, Kind, KindInfo, Noun, SheetTexts,
};
use crate::role::Role;
use crate::{Invalid, Lang, Rule};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub const TEXT_MAX: usize = 10_000;
pub const LINE_MAX: usize = 300;
/// How many characters of the description name the breach in lists and headings.
pub const TITLE_CHARS: usize = 90;

/// Who reported the breach, kept by the server from the session that reported it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reporter {
    pub id: String,
    pub name: String,
    pub at: String,
}

/// A category set in place of the computed one, with the reason (kept in the history).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryOverride {
    pub category: RiskCategory,
    pub justification: String,
}

/// The risk assessment as recorded: the ENISA inputs, what they compute to, the assessor's
/// override if any, and the decision support answers that led to the inputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordedAssessment {
    pub method: String,
    pub input: Assessment,
    pub severity_score: f64,
    /// The category the score maps to.
    pub computed_category: RiskCategory,
    #[serde(default)]
    pub category_override: Option<CategoryOverride>,
    /// The category in force: the override's, else the computed one.
    pub risk_category: RiskCategory,
    /// The answers of the decision support (data categories, context factors, reasons), as given.
    #[serde(default)]
    pub answers: Option<Value>,
    pub assessed_by: String,
    pub assessed_at: String,
}

impl RecordedAssessment {
    /// Records an assessment: computes it and applies the override.
    pub fn new(
        input: Assessment,
        category_override: Option<CategoryOverride>,
        answers: Option<Value>,
        by: &str,
        at: &str,
    ) -> RecordedAssessment {
        let computed = input.category();
        RecordedAssessment {
            method: severity::METHOD.into(),
            input,
            severity_score: input.severity_score(),
            computed_category: computed,
            risk_category: category_override.as_ref().map_or(computed, |o| o.category),
            category_override,
            answers,
            assessed_by: by.into(),
            assessed_at: at.into(),
        }
    }
}

/// The DPO's position on the proposal that follows from the risk category (seed 004: the DPO is
/// involved in every breach): confirmed as it stands, or changed with a reason. It answers the
/// category it was taken on; a new assessment with another category asks for a new position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DpoDecision {
    pub category: RiskCategory,
    /// What the category proposed.
    pub proposed: Proposal,
    /// What the DPO holds: the proposal, or their change of it.
    pub notify_imy: bool,
    pub inform_subjects: bool,
    pub confirmed: bool,
    /// Why the DPO changed the proposal (required then), or a remark on confirming it.
    pub reason: Option<String>,
    pub by: String,
    pub at: String,
}

/// The DPO's answer to a proposal, as the API and the form give it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DpoAnswer {
    Confirm {
        remark: Option<String>,
    },
    Change {
        notify_imy: bool,
        inform_subjects: bool,
        reason: Option<String>,
    },
}

impl DpoDecision {
    /// The DPO's position on the breach's current proposal. A change that is no change is a
    /// confirmation; a real change needs its reason.
    pub fn take(
        d: &BreachDetails,
        answer: DpoAnswer,
        by: &str,
        at: &str,
    ) -> Result<DpoDecision, Invalid> {
        let category = d
            .risk_category()
            .ok_or_else(|| Invalid::new("assessment", Rule::Required))?;
        let proposed = category.proposal().except(d.art34());
        let (notify_imy, inform_subjects, reason) = match answer {
            DpoAnswer::Confirm { remark } => {
                (proposed.notify_imy, proposed.inform_subjects, remark)
            }
            DpoAnswer::Change {
                notify_imy,
                inform_subjects,
                reason,
            } => (notify_imy, inform_subjects, reason),
        };
        let reason = crate::text::optional_text(
            "reason",
            reason.as_deref(),
            crate::breach::JUSTIFICATION_MAX,
        )?;
        let confirmed =
            notify_imy == proposed.notify_imy && inform_subjects == proposed.inform_subjects;
        if !confirmed && reason.is_none() {
            return Err(Invalid::new("reason", Rule::Required));
        }
        Ok(DpoDecision {
            category,
            proposed,
            notify_imy,
            inform_subjects,
            confirmed,
            reason,
            by: by.into(),
            at: at.into(),
        })
    }

    /// What the DPO holds, as a proposal.
    pub fn position(&self) -> Proposal {
        Proposal {
            notify_imy: self.notify_imy,
            inform_subjects: self.inform_subjects,
        }
    }
}

/// A notification to IMY as it was sent: the first (phase 0) or a supplement (1, 2, …, art. 33.4),
/// dated, with its text as sent, so that what IMY was told stays on record whatever is added later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImyNoticeSent {
    pub phase: u16,
    pub sent_at: Timestamp,
    pub recorded_by: String,
    pub text: String,
}

impl ImyNoticeSent {
    pub fn phase(&self) -> crate::breach::Phase {
        match self.phase {
            0 => crate::breach::Phase::First,
            n => crate::breach::Phase::Supplement(n),
        }
    }
}

/// How many notices (the first and its supplements) one breach keeps.
pub const IMY_NOTICES_MAX: usize = 50;

/// What a breach record says.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BreachDetails {
    /// What happened, in the reporter's words.
    pub description: String,
    /// When someone in the organisation discovered it.
    pub discovered_at: Option<Timestamp>,
    /// When the controller became aware of it: the 72 hours run from here (art. 33.1). A
    /// processor's report to us sets it.
    pub aware_at: Option<Timestamp>,
    /// Whether it is still going on when reported.
    pub ongoing: bool,
    /// Whose data, roughly ("elever i årskurs 7", "anställda").
    pub data_subjects: Option<String>,
    /// About how many people, in words or figures.
    pub data_subjects_count: Option<String>,
    /// About how many records.
    pub records_count: Option<String>,
    pub affected_data: Vec<String>,
    pub breach_types: Vec<String>,
    pub cause: Option<String>,
    pub our_role: String,
    /// Other controllers whose data is affected, by name.
    pub other_controllers: Vec<String>,
    pub systems: Vec<RecordId>,
    pub processing_activities: Vec<RecordId>,
    /// Registration number (diarienummer).
    pub reference: Option<String>,
    pub consequences: Option<String>,
    /// Containment, recovery and what is done to prevent it again.
    pub measures: Option<String>,
    /// When the DPO was consulted, and their advice.
    pub dpo_consulted_at: Option<Timestamp>,
    pub dpo_advice: Option<String>,
    pub imy_notified_at: Option<Timestamp>,
    /// IMY's case number.
    pub imy_reference: Option<String>,
    /// Why the notification came after the 72 hours (art. 33.1).
    pub delay_reason: Option<String>,
    pub subjects_informed_at: Option<Timestamp>,
    pub art34_exception: Option<String>,
    /// The facts that the exception rests on.
    pub art34_facts: Option<String>,
    pub lessons: Option<String>,
    /// Kept by the server: set through the assessment's own door.
    pub assessment: Option<RecordedAssessment>,
    /// Kept by the server: the DPO's position on the proposal, through its own door.
    pub dpo_decision: Option<DpoDecision>,
    /// Kept by the server: the notifications to IMY as sent, the first and its supplements.
    pub imy_notices: Vec<ImyNoticeSent>,
    /// Kept by the server: set when the breach is reported.
    pub reported_by: Option<Reporter>,
}

impl BreachDetails {
    /// The first line of the description, shortened: what lists and headings call the breach.
    pub fn title(&self) -> &str {
        let line = self.description.lines().next().unwrap_or_default().trim();
        match line.char_indices().nth(TITLE_CHARS) {
            Some((i, _)) => &line[..i],
            None => line,
        }
    }

    /// The 72-hour deadline for notifying IMY.
    pub fn imy_deadline(&self) -> Option<Timestamp> {
        self.aware_at.map(clock::imy_deadline)
    }

    /// The category in force, once assessed.
    pub fn risk_category(&self) -> Option<RiskCategory> {
        self.assessment.as_ref().map(|a| a.risk_category)
    }

    /// What is to be done about notification, as it stands: the DPO's position when it answers the
    /// category in force, else the proposal of the category; none before an assessment.
    pub fn position(&self) -> Option<Proposal> {
        let category = self.risk_category()?;
        match &self.dpo_decision {
            Some(d) if d.category == category => Some(d.position()),
            _ => Some(category.proposal().except(self.art34())),
        }
    }

    /// The phase the next notification to IMY would be: the first, or the next supplement.
    pub fn next_phase(&self) -> crate::breach::Phase {
        match u16::try_from(self.imy_notices.len()) {
            Ok(0) => crate::breach::Phase::First,
            Ok(n) => crate::breach::Phase::Supplement(n),
            Err(_) => crate::breach::Phase::Supplement(u16::MAX),
        }
    }

    /// Records a notification as sent: the first sets when IMY was notified (unless that is on
    /// record already); a supplement needs the first before it and a time after it.
    pub fn record_imy_notice(&mut self, sent: ImyNoticeSent) -> Result<(), Invalid> {
        if self.imy_notices.len() >= IMY_NOTICES_MAX {
            return Err(Invalid::new(
                "imy_notices",
                Rule::TooMany {
                    max: IMY_NOTICES_MAX,
                },
            ));
        }
        if let Some(last) = self.imy_notices.last()
            && sent.sent_at < last.sent_at
        {
            return Err(Invalid::new("sent_at", Rule::InstantTooEarly));
        }
        if sent.phase == 0 && self.imy_notified_at.is_none() {
            self.imy_notified_at = Some(sent.sent_at);
        }
        self.imy_notices.push(sent);
        Ok(())
    }

    pub fn art34(&self) -> Option<Art34Exception> {
        self.art34_exception
            .as_deref()
            .and_then(Art34Exception::parse)
    }

    /// Whether a notification decision is on record (the reminders stop).
    pub fn decided(status: &str) -> bool {
        [ANMALD_IMY, EJ_ANMALNINGSPLIKTIG, AVSLUTAD].contains(&status)
    }

    pub fn search_text(&self) -> String {
        let mut parts: Vec<&str> = vec![self.description.as_str()];
        parts.extend(
            [
                &self.reference,
                &self.data_subjects,
                &self.imy_reference,
                &self.consequences,
                &self.measures,
            ]
            .into_iter()
            .flatten()
            .map(String::as_str),
        );
        parts.extend(self.other_controllers.iter().map(String::as_str));
        if let Some(r) = &self.reported_by {
            parts.push(&r.name);
        }
        parts.join(" \u{1f} ").to_lowercase()
    }
}

// ---------------------------------------------------------------------------------------------
// The workflow

pub const RAPPORTERAD: &str = "rapporterad";
pub const UNDER_UTREDNING: &str = "under_utredning";
pub const RISKBEDOMD: &str = "riskbedomd";
pub const ANMALD_IMY: &str = "anmald_imy";
pub const EJ_ANMALNINGSPLIKTIG: &str = "ej_anmalningspliktig";
pub const AVSLUTAD: &str = "avslutad";

/// Who investigates and decides: the unit's manager, the security coordinator, the DPO, management.
pub const HANDLERS: &[Role] = &[
    Role::Manager,
    Role::SecurityCoordinator,
    Role::Dpo,
    Role::Management,
];

/// Who reads the register: the handlers and the auditor.
pub const READERS: &[Role] = &[
    Role::Manager,
    Role::SecurityCoordinator,
    Role::Dpo,
    Role::Management,
    Role::Auditor,
];

pub static WORKFLOW: Workflow = Workflow {
    states: &[
        State {
            code: RAPPORTERAD,
            label: t2("Rapporterad", "Reported"),
            plural: t2("rapporterade", "reported"),
        },
        State {
            code: UNDER_UTREDNING,
            label: t2("Under utredning", "Under investigation"),
            plural: t2("under utredning", "under investigation"),
        },
        State {
            code: RISKBEDOMD,
            label: t2("Riskbedömd", "Risk assessed"),
            plural: t2("riskbedömda", "risk assessed"),
        },
        State {
            code: ANMALD_IMY,
            label: t2("Anmäld till IMY", "Notified to IMY"),
            plural: t2("anmälda till IMY", "notified to IMY"),
        },
        State {
            code: EJ_ANMALNINGSPLIKTIG,
            label: t2("Ej anmälningspliktig", "Not notifiable"),
            plural: t2("ej anmälningspliktiga", "not notifiable"),
        },
        State {
            code: AVSLUTAD,
            label: t2("Avslutad", "Closed"),
            plural: t2("avslutade", "closed"),
        },
    ],
    initial: RAPPORTERAD,
    steps: &[
        Step {
            from: RAPPORTERAD,
            to: UNDER_UTREDNING,
            roles: HANDLERS,
            key: "investigate",
            effect: Effect::Move,
        },
        Step {
            from: UNDER_UTREDNING,
            to: RISKBEDOMD,
            roles: HANDLERS,
            key: "assessed",
            effect: Effect::Move,
        },
        Step {
            from: RISKBEDOMD,
            to: ANMALD_IMY,
            roles: HANDLERS,
            key: "notified",
            effect: Effect::Move,
        },
        Step {
            from: RISKBEDOMD,
            to: EJ_ANMALNINGSPLIKTIG,
            roles: HANDLERS,
            key: "not-notifiable",
            effect: Effect::Move,
        },
        Step {
            from: RISKBEDOMD,
            to: UNDER_UTREDNING,
            roles: HANDLERS,
            key: "reopen",
            effect: Effect::Move,
        },
        Step {
            from: ANMALD_IMY,
            to: AVSLUTAD,
            roles: HANDLERS,
            key: "close",
            effect: Effect::Move,
        },
        Step {
            from: EJ_ANMALNINGSPLIKTIG,
            to: AVSLUTAD,
            roles: HANDLERS,
            key: "close",
            effect: Effect::Move,
        },
        Step {
            from: EJ_ANMALNINGSPLIKTIG,
            to: ANMALD_IMY,
            roles: HANDLERS,
            key: "notified",
            effect: Effect::Move,
        },
    ],
    // What an investigation learns is added as it goes: an edit never moves the breach back.
    on_edit: &[],
    who_decides: t2(
        "Chefen, informationssäkerhetssamordnaren, dataskyddsombudet eller ledningen",
        "The manager, the security coordinator, the DPO or management",
    ),
};

/// The workflow's own rules: what must be on record before a step is taken.
pub fn step_rules(d: &BreachDetails, to: &str, comment: Option<&str>) -> Vec<Invalid> {
    let mut out = Vec::new();
    if to == RISKBEDOMD && d.assessment.is_none() {
        out.push(Invalid::new("assessment", Rule::Required));
    }
    if to == ANMALD_IMY || to == EJ_ANMALNINGSPLIKTIG {
        // Seed 004: the DPO is involved in every breach, before the decision.
        if d.dpo_consulted_at.is_none() {
            out.push(Invalid::new("dpo_consulted_at", Rule::Required));
        }
        if d.assessment.is_none() {
            out.push(Invalid::new("assessment", Rule::Required));
        }
    }
    if to == ANMALD_IMY && d.imy_notified_at.is_none() {
        out.push(Invalid::new("imy_notified_at", Rule::Required));
    }
    // Deciding against the position on record (the DPO's, else the category's proposal) takes a
    // reason, as the DPO changes a proposal with one.
    let proposed_notify = d.position().is_some_and(|p| p.notify_imy);
    let against = (to == EJ_ANMALNINGSPLIKTIG && proposed_notify)
        || (to == ANMALD_IMY && d.assessment.is_some() && !proposed_notify);
    if against && comment.is_none_or(|c| c.trim().is_empty()) {
        out.push(Invalid::new("comment", Rule::Required));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The declaration

const SECTIONS: &[Section] = &[
    section("report", "Vad hände", "What happened"),
    section(
        "scope",
        "Vilka uppgifter och personer",
        "Which data and people",
    ),
    section("nature", "Incidentens art", "Nature of the breach"),
    section(
        "handling",
        "Utredning och åtgärder",
        "Investigation and measures",
    ),
    section(
        "notification",
        "Anmälan och information",
        "Notification and information",
    ),
];

/// The risk categories as a list filters by them (the keys of [`RiskCategory::as_str`]).
pub const RISK_OPTIONS: &[Opt] = &[
    opt("obetydlig", "Obetydlig risk", "Negligible risk"),
    opt("begransad", "Begränsad risk", "Limited risk"),
    opt("betydande", "Betydande risk", "Significant risk"),
    opt(
        "mycket_allvarlig",
        "Mycket allvarlig risk",
        "Very serious risk",
    ),
];

pub const ART34_OPTIONS: &[Opt] = &[
    opt(
        "a",
        "a) Uppgifterna var skyddade, t.ex. krypterade",
        "a) The data were protected, e.g. encrypted",
    ),
    opt(
        "b",
        "b) Åtgärder efteråt gör att den höga risken inte längre är sannolik",
        "b) Measures afterwards make the high risk no longer likely",
    ),
    opt(
        "c",
        "c) Oproportionerlig ansträngning: offentlig information i stället",
        "c) Disproportionate effort: a public communication instead",
    ),
];

const FIELDS: &[Field] = &[
    Field::text("description", t2("Vad hände?", "What happened?"), TEXT_MAX)
        .required()
        .section("report")
        .headers(&["Beskrivning", "Vad hände"])
        .hint(
            "Beskriv kort vad som hänt, t.ex. ”E-post med elevuppgifter skickades till fel vårdnadshavare”. Första raden blir incidentens rubrik.",
            "Describe briefly what happened, e.g. “E-mail with pupils' data sent to the wrong guardian”. The first line becomes the breach's heading.",
        ),
    Field::instant("discovered_at", t2("Upptäckt", "Discovered"))
        .required()
        .section("report")
        .headers(&["Upptäckt"])
        .hint(
            "När någon hos er upptäckte incidenten. Ungefär räcker.",
            "When someone in your organisation discovered the breach. Roughly is enough.",
        ),
    Field::instant(
        "aware_at",
        t2("Kännedom (72 timmar räknas härifrån)", "Aware (the 72 hours run from here)"),
    )
    .required()
    .section("report")
    .headers(&["Kännedom"])
    .hint(
        "När organisationen fick kännedom om att personuppgifter berörs. Oftast samma som upptäckten; när ett personuppgiftsbiträde meddelar er är det när meddelandet kom.",
        "When the organisation became aware that personal data is affected. Usually the same as the discovery; when a processor tells you, it is when their message came.",
    ),
    Field::flag("ongoing", t2("Pågår fortfarande", "Still going on"))
        .section("report")
        .headers(&["Pågår"])
        .hint(
            "Kryssa i om incidenten inte är stoppad, t.ex. om uppgifterna fortfarande är åtkomliga.",
            "Tick if the breach has not been stopped, e.g. if the data is still accessible.",
        ),
    Field::line(
        "data_subjects",
        t2("Vems uppgifter", "Whose data"),
        LINE_MAX,
    )
    .section("scope")
    .headers(&["Berörda personer"])
    .hint(
        "Ungefär vilka personer som berörs, t.ex. ”elever i årskurs 7” eller ”anställda på förvaltningen”.",
        "Roughly whose data, e.g. “pupils in year 7” or “staff of the department”.",
    ),
    Field::line(
        "data_subjects_count",
        t2("Ungefär hur många personer", "About how many people"),
        100,
    )
    .section("scope")
    .headers(&["Antal personer"])
    .hint(
        "En uppskattning räcker, t.ex. ”cirka 30”.",
        "An estimate is enough, e.g. “about 30”.",
    ),
    Field::line(
        "records_count",
        t2("Ungefär hur många poster", "About how many records"),
        100,
    )
    .section("scope")
    .headers(&["Antal poster"])
    .hint(
        "Hur många poster eller handlingar som berörs, om det går att säga.",
        "How many records or documents are affected, if it can be said.",
    ),
    Field::choices(
        "affected_data",
        t2("Vilka slags uppgifter", "Which kinds of data"),
        AFFECTED_DATA_OPTIONS,
    )
    .section("scope")
    .headers(&["Uppgifter"])
    .hint(
        "Kryssa i allt som gäller. Känsliga uppgifter, skyddad identitet och personnummer väger tyngst.",
        "Tick all that apply. Sensitive data, protected identity and personal identity numbers weigh most.",
    ),
    Field::choices(
        "breach_types",
        t2("Typ av incident", "Type of breach"),
        BREACH_TYPE_OPTIONS,
    )
    .section("nature")
    .headers(&["Typ"])
    .hint(
        "Konfidentialitet: obehöriga fick tillgång. Riktighet: uppgifter ändrades. Tillgänglighet: uppgifter försvann eller gick inte att nå.",
        "Confidentiality: unauthorised access. Integrity: data altered. Availability: data lost or unreachable.",
    ),
    Field::choice("cause", t2("Orsak", "Cause"), CAUSE_OPTIONS)
        .section("nature")
        .headers(&["Orsak"])
        .hint(
            "Den huvudsakliga orsaken, så långt den är känd.",
            "The main cause, as far as it is known.",
        ),
    Field::pick("our_role", t2("Vår roll", "Our role"), OUR_ROLE_OPTIONS)
        .section("nature")
        .headers(&["Vår roll"])
        .hint(
            "Är ni personuppgiftsansvarig för uppgifterna, biträde åt någon annan, eller både och?",
            "Are you the controller of the data, a processor for someone else, or both?",
        ),
    Field::lines(
        "other_controllers",
        t2("Andra personuppgiftsansvariga som berörs", "Other controllers affected"),
    )
    .section("nature")
    .headers(&["Andra personuppgiftsansvariga"])
    .hint(
        "En per rad: nämnder, bolag eller andra vars uppgifter berörs. De ska underrättas genast.",
        "One per line: boards, companies or others whose data is affected. They must be told at once.",
    ),
    Field::links("systems", t2("System som berörs", "Systems involved"), Kind::System)
        .section("nature")
        .hint(
            "Systemen där incidenten inträffade.",
            "The systems where the breach happened.",
        ),
    Field::links(
        "processing_activities",
        t2("Behandlingar som berörs", "Processing activities involved"),
        Kind::ProcessingActivity,
    )
    .section("nature")
    .hint(
        "Behandlingarna i registerförteckningen som uppgifterna hör till.",
        "The processing activities in the register that the data belongs to.",
    ),
    Field::line("reference", t2("Diarienummer", "Registration number"), LINE_MAX)
        .section("handling")
        .headers(&["Diarienummer"])
        .hint(
            "Incidentens diarienummer, t.ex. ”KS 2026/456”.",
            "The breach's registration number, e.g. “KS 2026/456”.",
        ),
    Field::text(
        "consequences",
        t2("Troliga konsekvenser", "Likely consequences"),
        TEXT_MAX,
    )
    .section("handling")
    .headers(&["Konsekvenser"])
    .hint(
        "Vad incidenten kan leda till för de berörda, t.ex. obehag, bedrägeri eller diskriminering.",
        "What the breach may lead to for the people affected, e.g. distress, fraud or discrimination.",
    ),
    Field::text(
        "measures",
        t2("Vidtagna och planerade åtgärder", "Measures taken and planned"),
        TEXT_MAX,
    )
    .section("handling")
    .headers(&["Åtgärder"])
    .hint(
        "Hur incidenten stoppades, vad som återställdes och vad som görs för att mildra följderna.",
        "How the breach was stopped, what was recovered and what is done to mitigate its effects.",
    ),
    Field::instant(
        "dpo_consulted_at",
        t2("Dataskyddsombudet rådfrågat", "DPO consulted"),
    )
    .section("handling")
    .headers(&["Dataskyddsombudet rådfrågat"])
    .hint(
        "När dataskyddsombudet rådfrågades. Beslut om anmälan kan inte registreras innan.",
        "When the DPO was consulted. A decision on notification cannot be recorded before.",
    ),
    Field::text(
        "dpo_advice",
        t2("Dataskyddsombudets råd", "The DPO's advice"),
        TEXT_MAX,
    )
    .section("handling")
    .headers(&["Dataskyddsombudets råd"])
    .hint(
        "Vad dataskyddsombudet rådde till.",
        "What the DPO advised.",
    ),
    Field::text("lessons", t2("Lärdomar", "Lessons learned"), TEXT_MAX)
        .section("handling")
        .headers(&["Lärdomar"])
        .hint(
            "Vad ni ändrar i rutiner eller teknik så att det inte händer igen.",
            "What you change in routines or technology so that it does not happen again.",
        ),
    Field::instant("imy_notified_at", t2("Anmäld till IMY", "Notified to IMY"))
        .section("notification")
        .headers(&["Anmäld till IMY"])
        .hint(
            "När anmälan skickades via IMY:s e-tjänst.",
            "When the notification was sent through IMY's e-service.",
        ),
    Field::line(
        "imy_reference",
        t2("IMY:s ärendenummer", "IMY's case number"),
        LINE_MAX,
    )
    .section("notification")
    .headers(&["IMY:s ärendenummer"])
    .when("imy_notified_at", "")
    .hint(
        "Numret i IMY:s mottagningsbekräftelse.",
        "The number in IMY's acknowledgement.",
    ),
    Field::text(
        "delay_reason",
        t2("Skäl till förseningen", "Reasons for the delay"),
        TEXT_MAX,
    )
    .section("notification")
    .headers(&["Skäl till försening"])
    .when("imy_notified_at", "")
    .hint(
        "Krävs när anmälan görs senare än 72 timmar efter kännedom (artikel 33.1).",
        "Required when the notification comes later than 72 hours after awareness (article 33.1).",
    ),
    Field::instant(
        "subjects_informed_at",
        t2("De registrerade informerade", "Data subjects informed"),
    )
    .section("notification")
    .headers(&["Registrerade informerade"])
    .hint(
        "När de berörda personerna informerades (artikel 34).",
        "When the people affected were informed (article 34).",
    ),
    Field::choice(
        "art34_exception",
        t2(
            "Undantag från att informera de registrerade",
            "Exception from informing the data subjects",
        ),
        ART34_OPTIONS,
    )
    .section("notification")
    .headers(&["Undantag artikel 34.3"])
    .hint(
        "Bara om ett undantag i artikel 34.3 gäller vid hög risk. Ange omständigheterna nedan.",
        "Only if an exception of article 34.3 applies at high risk. Give the facts below.",
    ),
    Field::text(
        "art34_facts",
        t2("Omständigheter för undantaget", "Facts of the exception"),
        TEXT_MAX,
    )
    .section("notification")
    .headers(&["Omständigheter för undantaget"])
    .when("art34_exception", "")
    .hint(
        "Vad undantaget bygger på, t.ex. hur uppgifterna var krypterade.",
        "What the exception rests on, e.g. how the data was encrypted.",
    ),
    Field::kept("assessment", t2("Riskbedömning", "Risk assessment")).section("handling"),
    Field::kept(
        "imy_notices",
        t2("Anmälningar till IMY", "Notifications to IMY"),
    )
    .section("notification"),
    Field::kept(
        "dpo_decision",
        t2("Dataskyddsombudets ställningstagande", "The DPO's position"),
    )
    .section("handling"),
    Field::kept("reported_by", t2("Rapporterad av", "Reported by")).section("report"),
];

const FILTERS: &[Filter] = &[
    Filter {
        param: "risk_category",
        ui: "risk",
        label: t2("Risk", "Risk"),
        kind: FilterKind::OneOf {
            column: "risk_category",
            opts: RISK_OPTIONS,
        },
    },
    Filter {
        param: "cause",
        ui: "orsak",
        label: t2("Orsak", "Cause"),
        kind: FilterKind::OneOf {
            column: "cause",
            opts: CAUSE_OPTIONS,
        },
    },
];

const COLUMNS: &[Column] = &[
    Column {
        name: "aware_at",
        ty: ColumnType::Text,
    },
    Column {
        name: "imy_deadline",
        ty: ColumnType::Text,
    },
    Column {
        name: "reporter_id",
        ty: ColumnType::Text,
    },
    Column {
        name: "risk_category",
        ty: ColumnType::Text,
    },
    Column {
        name: "cause",
        ty: ColumnType::Text,
    },
    Column {
        name: "imy_notified_at",
        ty: ColumnType::Text,
    },
];

pub static INFO: KindInfo = KindInfo {
    kind: Kind::Breach,
    code: "breach",
    table: "breaches",
    api: "breaches",
    ui: "incidenter",
    noun: Noun {
        one: t2("incident", "breach"),
        many: t2("incidenter", "breaches"),
        the: t2("Incidenten", "The breach"),
    },
    sections: SECTIONS,
    fields: FIELDS,
    columns: COLUMNS,
    filters: FILTERS,
    access: Access {
        read: READERS,
        edit: HANDLERS,
        create: &Role::ALL,
        creator_column: Some("reporter_id"),
    },
    workflow: Some(&WORKFLOW),
    review: t2("Anmälan till IMY senast", "Notify IMY by"),
    overdue_gap: None,
    link_gaps: &[],
    list_details: false,
    sheet: SheetTexts {
        same_name: t2(
            "Samma incident som rad {row}: ge raderna en id-kolumn.",
            "The same breach as row {row}: give the rows an id column.",
        ),
        file_stem: "personuppgiftsincidenter",
    },
    document: None,
    deadline: Some(Deadline {
        column: "imy_deadline",
        label: t2("Anmälan till IMY senast", "Notify IMY by"),
        running_in: &[RAPPORTERAD, UNDER_UTREDNING, RISKBEDOMD],
    }),
    create_sections: &["report", "scope"],
};

/// Personal data breaches, as a kind of the register kernel.
pub struct Breaches;

fn instant_text(t: Option<Timestamp>) -> ColumnValue {
    ColumnValue::Text(t.map(crate::time::to_storage))
}

impl Descriptor for Breaches {
    const KIND: Kind = Kind::Breach;
    type Details = BreachDetails;

    fn check(d: &BreachDetails) -> Vec<Invalid> {
        let mut out = Vec::new();
        if let (Some(disc), Some(aware)) = (d.discovered_at, d.aware_at)
            && aware < disc
        {
            // The controller cannot be aware of a breach before anyone discovered it.
            out.push(Invalid::new("aware_at", Rule::InstantTooEarly));
        }
        if let (Some(aware), Some(n)) = (d.aware_at, d.imy_notified_at)
            && n < aware
        {
            out.push(Invalid::new("imy_notified_at", Rule::InstantTooEarly));
        }
        if let (Some(aware), Some(c)) = (d.aware_at, d.dpo_consulted_at)
            && c < aware
            && d.discovered_at.is_none_or(|disc| c < disc)
        {
            out.push(Invalid::new("dpo_consulted_at", Rule::InstantTooEarly));
        }
        if let (Some(deadline), Some(n)) = (d.imy_deadline(), d.imy_notified_at)
            && clock::late_notification_needs_reason(deadline, n)
            && d.delay_reason
                .as_deref()
                .is_none_or(|r| r.trim().is_empty())
        {
            out.push(Invalid::new("delay_reason", Rule::Required));
        }
        if d.art34_exception.is_some() && d.art34_facts.is_none() {
            out.push(Invalid::new("art34_facts", Rule::Required));
        }
        out
    }

    fn title(d: &BreachDetails) -> &str {
        d.title()
    }

    fn search_text(d: &BreachDetails) -> String {
        d.search_text()
    }

    // The day the 72 hours end (in Stockholm): what lists sort the most urgent first by.
    fn review_on(d: &BreachDetails) -> Option<Date> {
        d.imy_deadline()
            .map(|t| t.to_zoned_datetime(crate::time::stockholm()).date())
    }

    fn columns(d: &BreachDetails) -> Vec<ColumnValue> {
        vec![
            instant_text(d.aware_at),
            instant_text(d.imy_deadline()),
            ColumnValue::Text(d.reported_by.as_ref().map(|r| r.id.clone())),
            ColumnValue::Text(d.risk_category().map(|c| c.as_str().into())),
            ColumnValue::Text(d.cause.clone()),
            instant_text(d.imy_notified_at),
        ]
    }

    fn content_gaps(_d: &BreachDetails) -> Vec<GapRule> {
        Vec::new()
    }

    fn links(d: &BreachDetails) -> Vec<(Kind, Vec<RecordId>)> {
        vec![
            (Kind::System, d.systems.clone()),
            (Kind::ProcessingActivity, d.processing_activities.clone()),
        ]
    }

    fn set_links(d: &mut BreachDetails, kind: Kind, ids: Vec<RecordId>) {
        match kind {
            Kind::System => d.systems = ids,
            Kind::ProcessingActivity => d.processing_activities = ids,
            _ => {}
        }
    }

    fn creator(d: &BreachDetails) -> Option<&str> {
        d.reported_by.as_ref().map(|r| r.id.as_str())
    }

    fn as_reported(d: &BreachDetails) -> BreachDetails {
        BreachDetails {
            description: d.description.clone(),
            discovered_at: d.discovered_at,
            aware_at: d.aware_at,
            ongoing: d.ongoing,
            data_subjects: d.data_subjects.clone(),
            data_subjects_count: d.data_subjects_count.clone(),
            records_count: d.records_count.clone(),
            affected_data: d.affected_data.clone(),
            reported_by: d.reported_by.clone(),
            ..BreachDetails::default()
        }
    }

    fn on_create(d: &mut BreachDetails, actor_id: &str, actor_name: &str, now: &str) {
        d.reported_by = Some(Reporter {
            id: actor_id.into(),
            name: actor_name.into(),
            at: now.into(),
        });
    }

    fn step_rules(d: &BreachDetails, to: &str, comment: Option<&str>) -> Vec<Invalid> {
        step_rules(d, to, comment)
    }

    fn facts(d: &BreachDetails, _today: Date, lang: Lang) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("title".into(), Value::String(d.title().into()));
        let deadline = d.imy_deadline();
        m.insert(
            "imy_deadline".into(),
            deadline.map_or(Value::Null, |t| Value::String(t.to_string())),
        );
        m.insert(
            "imy_deadline_local".into(),
            deadline.map_or(Value::Null, |t| {
                Value::String(crate::time::display_local(&crate::time::to_storage(t)))
            }),
        );
        if let Some(a) = &d.assessment {
            m.insert("severity_score".into(), Value::from(a.severity_score));
            m.insert(
                "risk_category".into(),
                Value::String(a.risk_category.as_str().into()),
            );
            m.insert(
                "risk_category_label".into(),
                Value::String(a.risk_category.label(lang).into()),
            );
            let p = a.risk_category.proposal().except(d.art34());
            m.insert("notify_imy_proposed".into(), Value::Bool(p.notify_imy));
            m.insert(
                "inform_subjects_proposed".into(),
                Value::Bool(p.inform_subjects),
            );
            // The DPO's position, when it answers the category in force.
            let current = d
                .dpo_decision
                .as_ref()
                .filter(|dd| dd.category == a.risk_category);
            m.insert(
                "dpo_position_current".into(),
                Value::Bool(current.is_some()),
            );
        } else {
            m.insert("severity_score".into(), Value::Null);
            m.insert("risk_category".into(), Value::Null);
        }
        m
    }
}

#[cfg(test)]
mod dpo_tests {
    use super::*;

    fn assessed(dpc: i64) -> BreachDetails {
        let input = Assessment::from_api(dpc, 1.0, 0.5, 0.0, 0.0, false).expect("valid");
        BreachDetails {
            assessment: Some(RecordedAssessment::new(input, None, None, "A", "t")),
            ..BreachDetails::default()
        }
    }

    #[test]
    fn no_position_before_an_assessment() {
        let d = BreachDetails::default();
        assert_eq!(
            DpoDecision::take(&d, DpoAnswer::Confirm { remark: None }, "D", "t")
                .map_err(|e| e.field),
            Err("assessment")
        );
        assert_eq!(d.position(), None);
    }

    #[test]
    fn confirming_holds_the_proposal_and_a_change_needs_its_reason() {
        for dpc in 1..=4 {
            let d = assessed(dpc);
            let proposed = d.risk_category().expect("assessed").proposal();
            let c =
                DpoDecision::take(&d, DpoAnswer::Confirm { remark: None }, "D", "t").expect("ok");
            assert!(c.confirmed);
            assert_eq!(c.position(), proposed);
            let flipped = DpoAnswer::Change {
                notify_imy: !proposed.notify_imy,
                inform_subjects: proposed.inform_subjects,
                reason: Some("  ".into()),
            };
            assert_eq!(
                DpoDecision::take(&d, flipped, "D", "t").map_err(|e| e.field),
                Err("reason")
            );
            let changed = DpoDecision::take(
                &d,
                DpoAnswer::Change {
                    notify_imy: !proposed.notify_imy,
                    inform_subjects: proposed.inform_subjects,
                    reason: Some("Uppgifterna var krypterade".into()),
                },
                "D",
                "t",
            )
            .expect("ok");
            assert!(!changed.confirmed);
            let mut with = d.clone();
            with.dpo_decision = Some(changed.clone());
            assert_eq!(with.position(), Some(changed.position()));
            // A "change" to the proposal itself is a confirmation and needs no reason.
            let same = DpoAnswer::Change {
                notify_imy: proposed.notify_imy,
                inform_subjects: proposed.inform_subjects,
                reason: None,
            };
            assert!(DpoDecision::take(&d, same, "D", "t").expect("ok").confirmed);
        }
    }

    #[test]
    fn a_position_on_an_earlier_category_gives_way_to_the_new_proposal() {
        let low = assessed(1);
        let decision = DpoDecision::take(
            &low,
            DpoAnswer::Change {
                notify_imy: true,
                inform_subjects: false,
                reason: Some("Försiktighet".into()),
            },
            "D",
            "t",
        )
        .expect("ok");
        let mut high = assessed(4);
        high.dpo_decision = Some(decision);
        assert_ne!(low.risk_category(), high.risk_category());
        assert_eq!(
            high.position(),
            high.risk_category()
                .map(|c| c.proposal().except(high.art34()))
        );
    }

    #[test]
    fn deciding_as_the_dpo_holds_needs_no_comment_and_against_it_does() {
        // Negligible risk proposes no notification; the DPO holds that IMY is to be told.
        let mut d = assessed(1);
        d.dpo_consulted_at = Some(Timestamp::UNIX_EPOCH);
        d.imy_notified_at = Some(Timestamp::UNIX_EPOCH);
        assert!(!d.risk_category().expect("assessed").proposal().notify_imy);
        d.dpo_decision = Some(
            DpoDecision::take(
                &d,
                DpoAnswer::Change {
                    notify_imy: true,
                    inform_subjects: false,
                    reason: Some("Skyddad identitet".into()),
                },
                "D",
                "t",
            )
            .expect("ok"),
        );
        assert!(step_rules(&d, ANMALD_IMY, None).is_empty());
        assert_eq!(
            step_rules(&d, EJ_ANMALNINGSPLIKTIG, None)
                .iter()
                .map(|i| i.field)
                .collect::<Vec<_>>(),
            vec!["comment"]
        );
    }
}
