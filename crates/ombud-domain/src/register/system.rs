//! IT systems and services (objekt): owner and manager, vendor, where data is stored, and their
//! information classification in the style of SKR's KLASSA (a level for confidentiality, integrity
//! and availability each), risk analysis and action plan — declared as a kind of the register kernel.
//!
//! The annual report counts systems, classified systems, systems whose classification is current and
//! self-procured systems. A classification is current until its review date; without one it lasts a
//! year ([`SystemDetails::review_on`] is that one definition, and the store's counts read the column
//! made from it).

use crate::ids::RecordId;
use crate::kernel::field::{Field, Opt, Section, Text2, opt, section, t2};
use crate::kernel::gaps::GapRule;
use crate::kernel::query::{Cond, Filter, FilterKind};
use crate::kernel::sheet::{self, RowDraft};
use crate::kernel::{
    Access, Column, ColumnType, ColumnValue, Descriptor, Kind, KindInfo, LinkGap, Noun, SheetTexts,
};
use crate::role::Role;
use crate::{Invalid, Lang, Rule};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub const NAME_MAX: usize = 200;
pub const TEXT_MAX: usize = 10_000;
/// Longest one-line value: a vendor, a person, a country.
pub const LINE_MAX: usize = 300;
/// Longest action of an action plan.
pub const ACTION_MAX: usize = 500;

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

pub const PROCUREMENTS: &[Opt] = &[
    opt(
        "self_procured",
        "Egen upphandling",
        "Procured by the controller",
    ),
    opt("central", "Centralt tillhandahållet", "Provided centrally"),
];

impl Procurement {
    pub fn as_str(self) -> &'static str {
        PROCUREMENTS[self as usize].code
    }

    pub fn label(self, lang: Lang) -> &'static str {
        PROCUREMENTS[self as usize].label.get(lang)
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
        crate::kernel::field::level_label(self.0, lang)
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
    pub classified_on: Date,
    #[serde(default)]
    pub next_review: Option<Date>,
}

/// Where an action of the action plan stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    Planned,
    Ongoing,
    Done,
}

pub const ACTION_STATUSES: &[Opt] = &[
    opt("planned", "Planerad", "Planned"),
    opt("ongoing", "Pågår", "Ongoing"),
    opt("done", "Klar", "Done"),
];

impl ActionStatus {
    pub const ALL: [ActionStatus; 3] = [
        ActionStatus::Planned,
        ActionStatus::Ongoing,
        ActionStatus::Done,
    ];

    pub fn as_str(self) -> &'static str {
        ACTION_STATUSES[self as usize].code
    }

    pub fn label(self, lang: Lang) -> &'static str {
        ACTION_STATUSES[self as usize].label.get(lang)
    }
}

/// One action of a system's action plan (åtgärd, ansvarig, klart senast, status).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    pub action: String,
    #[serde(default)]
    pub responsible: Option<String>,
    #[serde(default)]
    pub due: Option<Date>,
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
    pub holds_personal_data: bool,
    /// Objektägare.
    pub owner: Option<String>,
    /// Objektledare / systemförvaltare.
    pub manager: Option<String>,
    pub procurement: Procurement,
    /// Country where the data is stored.
    pub storage_country: Option<String>,
    /// Relevant under the NIS2 rules.
    pub nis_relevant: bool,
    pub classification: Option<Classification>,
    pub risk_analysis_on: Option<Date>,
    pub action_plan: Vec<Action>,
    /// Processor agreements that cover the system. The system owns these links; an agreement lists
    /// its systems from them.
    pub agreement_ids: Vec<RecordId>,
}

impl SystemDetails {
    /// Whether the system has been classified at all.
    pub fn classified(&self) -> bool {
        self.classification.is_some()
    }

    /// When the classification is to be reviewed: its review date, or a year after it was made.
    pub fn review_on(&self) -> Option<Date> {
        let c = self.classification.as_ref()?;
        c.next_review
            .or_else(|| c.classified_on.checked_add(jiff::Span::new().years(1)).ok())
    }

    /// Whether the classification is current on `today`: made, and its review not yet passed.
    pub fn classification_current(&self, today: Date) -> bool {
        self.review_on().is_some_and(|r| r >= today)
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

// ---------------------------------------------------------------------------------------------
// Reading spreadsheet cells the way municipalities' registers and KLASSA exports write them

/// A procurement cell: the system procured by the controller itself, or provided centrally. Blank is
/// the register's default, procured by the controller.
fn procurement(s: &str) -> Option<Option<Procurement>> {
    let t = s.trim().to_lowercase();
    if t.is_empty() {
        return Some(None);
    }
    if let Some(o) = PROCUREMENTS
        .iter()
        .find(|o| o.code == t || o.label.sv.to_lowercase() == t || o.label.en.to_lowercase() == t)
    {
        return Some(Some(if o.code == "central" {
            Procurement::Central
        } else {
            Procurement::SelfProcured
        }));
    }
    let words: Vec<&str> = t
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let central = words
        .iter()
        .any(|w| w.starts_with("central") || w.contains("gemensam"));
    let own = words.iter().any(|w| {
        ["egen", "eget", "egna", "själv", "self", "lokal"]
            .iter()
            .any(|p| w.starts_with(p))
            || *w == "own"
    });
    match (central, own) {
        (true, false) => Some(Some(Procurement::Central)),
        (false, true) => Some(Some(Procurement::SelfProcured)),
        _ => None,
    }
}

fn procurement_cell(s: &str) -> Result<Option<Value>, Text2> {
    procurement(s)
        .map(|p| p.map(|p| Value::String(p.as_str().into())))
        .ok_or(t2(
            "Okänd upphandling: ange ”Egen upphandling” eller ”Centralt tillhandahållet”.",
            "Unknown procurement: give “Egen upphandling” (own) or “Central”.",
        ))
}

/// "Nej" or "-" says no analysis has been made; "Ja" says one has, but not when.
fn risk_analysis_cell(s: &str) -> Result<Option<Value>, Text2> {
    match (sheet::date(s), sheet::yes(s)) {
        (Some(v), _) => Ok(v.map(Value::String)),
        (None, Some(false)) => Ok(None),
        (None, Some(true)) => Err(t2(
            "Ange datumet då riskanalysen gjordes (ÅÅÅÅ-MM-DD), inte bara Ja.",
            "Give the date the risk analysis was made (YYYY-MM-DD), not just Yes.",
        )),
        (None, None) => Err(sheet::NOT_A_DATE),
    }
}

const LEVELS: [&str; 3] = [
    "classification.confidentiality",
    "classification.integrity",
    "classification.availability",
];

fn level_name(field: &str, lang: Lang) -> &'static str {
    match field {
        "classification.confidentiality" => lang.pick("konfidentialitet", "confidentiality"),
        "classification.integrity" => lang.pick("riktighet", "integrity"),
        _ => lang.pick("tillgänglighet", "availability"),
    }
}

/// A classification is all three levels and a date, or nothing: a row with only some of them would
/// be saved as unclassified or as something it does not say, so it is refused with what is missing.
fn check_classification(row: &mut RowDraft, lang: Lang) {
    const ON: &str = "classification.classified_on";
    const REVIEW: &str = "classification.next_review";
    let given: Vec<&'static str> = LEVELS.into_iter().filter(|l| row.given(l)).collect();
    let mut flawed = false;
    if given.is_empty() {
        if row.given(ON) {
            row.flaw(
                ON,
                lang.pick_owned(
                    "Datum för klassning men inga nivåer: ange konfidentialitet, riktighet och tillgänglighet (1–4), eller lämna datumet tomt.",
                    "A classification date but no levels: give confidentiality, integrity and availability (1–4), or leave the date empty.",
                ),
            );
            flawed = true;
        } else if row.given(REVIEW) {
            row.flaw(
                REVIEW,
                lang.pick_owned(
                    "Nästa klassning är angiven men systemet är inte klassat: ange nivåerna och klassningsdatum, eller lämna fältet tomt.",
                    "A next classification is given but the system is not classified: give the levels and the classification date, or leave it empty.",
                ),
            );
            flawed = true;
        }
    } else {
        let first = given[0];
        for missing in LEVELS.into_iter().filter(|l| !given.contains(l)) {
            let name = level_name(missing, lang);
            flawed = true;
            if row.mapped(missing) {
                row.flaw(
                    missing,
                    match lang {
                        Lang::Sv => format!(
                            "Nivån för {name} saknas: en klassning anger konfidentialitet, riktighet och tillgänglighet (1–4)."
                        ),
                        Lang::En => format!(
                            "The level of {name} is missing: a classification gives confidentiality, integrity and availability (1–4)."
                        ),
                    },
                );
            } else {
                row.flaw(
                    first,
                    match lang {
                        Lang::Sv => format!(
                            "Klassningen saknar nivå för {name}: ingen kolumn är kopplad till {name}."
                        ),
                        Lang::En => format!(
                            "The classification lacks a level of {name}: no column is mapped to {name}."
                        ),
                    },
                );
            }
        }
        if !row.given(ON) {
            flawed = true;
            if row.mapped(ON) {
                row.flaw(
                    ON,
                    lang.pick_owned(
                        "Klassningsdatum saknas: ange när systemet klassades (ÅÅÅÅ-MM-DD).",
                        "The classification date is missing: give when the system was classified (YYYY-MM-DD).",
                    ),
                );
            } else {
                row.flaw(
                    first,
                    lang.pick_owned(
                        "Klassningen saknar datum: ingen kolumn är kopplad till Klassningsdatum.",
                        "The classification has no date: no column is mapped to the classification date.",
                    ),
                );
            }
        }
    }
    if flawed {
        row.values.remove("classification");
    }
}

// ---------------------------------------------------------------------------------------------
// The declaration

/// Who keeps the systems register.
pub const EDITORS: &[Role] = &[
    Role::SystemOwner,
    Role::SecurityCoordinator,
    Role::RecordsKeeper,
    Role::Dpo,
];

const SECTIONS: &[Section] = &[
    section("about", "Om systemet", "About the system"),
    section("responsibility", "Ansvar", "Responsibility"),
    section("storage", "Lagring och NIS", "Storage and NIS"),
    section(
        "classification",
        "Informationsklassning (KLASSA)",
        "Information classification (KLASSA)",
    ),
    section(
        "risk",
        "Riskanalys och åtgärdsplan",
        "Risk analysis and action plan",
    ),
    section("agreements", "Avtal", "Agreements"),
];

const CLASSIFICATION: &[Field] = &[
    Field::level(
        "classification.confidentiality",
        t2("Konfidentialitet", "Confidentiality"),
    )
    .required()
    .headers(&["Konfidentialitet"])
    .hint(
        "Hur allvarligt det vore om informationen blev känd för obehöriga.",
        "How serious it would be if the information became known to unauthorised people.",
    ),
    Field::level("classification.integrity", t2("Riktighet", "Integrity"))
        .required()
        .headers(&["Riktighet"])
        .hint(
            "Hur allvarligt det vore om informationen ändrades av misstag eller av obehöriga.",
            "How serious it would be if the information were changed by mistake or by unauthorised people.",
        ),
    Field::level(
        "classification.availability",
        t2("Tillgänglighet", "Availability"),
    )
    .required()
    .headers(&["Tillgänglighet"])
    .hint(
        "Hur allvarligt det vore om informationen inte gick att komma åt när den behövs.",
        "How serious it would be if the information could not be reached when needed.",
    ),
    Field::date(
        "classification.classified_on",
        t2("Klassad den", "Classified on"),
    )
    .required()
    .headers(&["Klassad", "Klassningsdatum"])
    .hint(
        "Dagen då klassningen gjordes. Krävs när nivåerna är ifyllda.",
        "The day the classification was made. Required when the levels are given.",
    ),
    Field::date(
        "classification.next_review",
        t2("Nästa översyn av klassningen", "Next review of the classification"),
    )
    .headers(&["Nästa klassning"])
    .hint(
        "Utan datum räknas klassningen som aktuell i ett år från klassningsdagen.",
        "Without a date the classification counts as current for a year from the day it was made.",
    ),
];

const ACTION_FIELDS: &[Field] = &[
    Field::line("action_plan.action", t2("Åtgärd", "Action"), ACTION_MAX)
        .required()
        .hint(
            "Vad som ska göras, t.ex. ”Inför tvåfaktorsinloggning”.",
            "What is to be done, e.g. “Introduce two-factor sign-in”.",
        ),
    Field::line(
        "action_plan.responsible",
        t2("Ansvarig", "Responsible"),
        LINE_MAX,
    )
    .hint(
        "Den person eller funktion som ser till att åtgärden blir gjord.",
        "The person or function who sees that the action is done.",
    ),
    Field::date("action_plan.due", t2("Klart senast", "Due")).hint(
        "Dagen då åtgärden ska vara genomförd.",
        "The day the action is to be done.",
    ),
    Field::choice(
        "action_plan.status",
        t2("Status", "Status"),
        ACTION_STATUSES,
    )
    .hint(
        "Hur långt åtgärden har kommit.",
        "How far the action has come.",
    ),
];

const FIELDS: &[Field] = &[
    Field::line("name", t2("Namn", "Name"), NAME_MAX)
        .required()
        .section("about")
        .headers(&["System", "Systemnamn", "Objekt", "Objektnamn", "Namn"])
        .hint(
            "Namnet som verksamheten känner systemet under, t.ex. ”Procapita” eller ”Microsoft 365”.",
            "The name the organisation knows the system by, e.g. “Procapita” or “Microsoft 365”.",
        ),
    Field::text("description", t2("Beskrivning", "Description"), TEXT_MAX)
        .section("about")
        .headers(&["Beskrivning"])
        .hint(
            "Vad systemet används till, med egna ord.",
            "What the system is used for, in your own words.",
        ),
    Field::line("vendor", t2("Leverantör", "Vendor"), LINE_MAX)
        .section("about")
        .headers(&["Leverantör", "Systemleverantör"])
        .hint(
            "Företaget som levererar systemet eller tjänsten.",
            "The company that supplies the system or service.",
        ),
    Field::flag(
        "holds_personal_data",
        t2("Innehåller personuppgifter", "Holds personal data"),
    )
    .section("about")
    .headers(&["Personuppgifter", "Innehåller personuppgifter"])
    .hint(
        "Kryssa i om systemet innehåller personuppgifter. Då ska det vara kopplat till minst en behandling.",
        "Tick if the system holds personal data. It should then be linked to at least one processing activity.",
    ),
    Field::line("owner", t2("Objektägare", "System owner"), LINE_MAX)
        .section("responsibility")
        .headers(&["Objektägare", "Systemägare"])
        .hint(
            "Den chef som ansvarar för systemet och informationen i det, ofta en förvaltnings- eller verksamhetschef.",
            "The manager responsible for the system and its information, often a head of administration.",
        ),
    Field::line("manager", t2("Objektförvaltare", "System manager"), LINE_MAX)
        .section("responsibility")
        .headers(&["Objektförvaltare", "Systemförvaltare", "Objektledare"])
        .hint(
            "Den som förvaltar systemet i vardagen på objektägarens uppdrag.",
            "Who manages the system day to day for the system owner.",
        ),
    Field::pick("procurement", t2("Upphandling", "Procurement"), PROCUREMENTS)
        .section("responsibility")
        .headers(&["Upphandling"])
        .reader(procurement_cell)
        .hint(
            "Om verksamheten själv har upphandlat systemet eller om det tillhandahålls centralt.",
            "Whether the organisation procured the system itself or it is provided centrally.",
        ),
    Field::line(
        "storage_country",
        t2("Land där uppgifterna lagras", "Country where the data is stored"),
        LINE_MAX,
    )
    .section("storage")
    .headers(&["Lagringsland", "Land för lagring"])
    .hint(
        "T.ex. Sverige. Ange var uppgifterna lagras, även hos underleverantörer.",
        "E.g. Sweden. Say where the data is stored, also at subcontractors.",
    ),
    Field::flag(
        "nis_relevant",
        t2("Omfattas av NIS-regelverket", "Covered by the NIS rules"),
    )
    .section("storage")
    .headers(&["NIS", "NIS2"])
    .hint(
        "Kryssa i om systemet stöder en verksamhet som omfattas av NIS-regelverket (cybersäkerhetslagen).",
        "Tick if the system supports an activity covered by the NIS rules (the Cybersecurity Act).",
    ),
    Field::group(
        "classification",
        t2("Informationsklassning", "Information classification"),
        CLASSIFICATION,
    )
    .section("classification")
    .hint(
        "Lämna nivåerna tomma om systemet inte är klassat ännu. Nivåerna följer KLASSA: 1 Låg, 2 Måttlig, 3 Hög, 4 Mycket hög.",
        "Leave the levels empty if the system is not classified yet. The levels follow KLASSA: 1 Low, 2 Moderate, 3 High, 4 Very high.",
    ),
    Field::date(
        "risk_analysis_on",
        t2("Senaste riskanalys", "Latest risk analysis"),
    )
    .section("risk")
    .headers(&["Riskanalys"])
    .reader(risk_analysis_cell)
    .hint(
        "Dagen då den senaste riskanalysen av systemet gjordes.",
        "The day the latest risk analysis of the system was made.",
    ),
    Field::rows("action_plan", t2("Åtgärdsplan", "Action plan"), ACTION_FIELDS)
        .section("risk")
        .hint(
            "Åtgärder från riskanalysen. Tomma rader sparas inte.",
            "Actions from the risk analysis. Empty rows are not saved.",
        ),
    Field::links(
        "agreement_ids",
        t2("Kopplade avtal", "Linked agreements"),
        Kind::Agreement,
    )
    .section("agreements")
    .hint(
        "Kryssa i de personuppgiftsbiträdesavtal som omfattar systemet.",
        "Tick the processor agreements that cover the system.",
    ),
];

const NO: Text2 = t2("Nej", "No");

const FILTERS: &[Filter] = &[
    Filter {
        param: "classified",
        ui: "klassad",
        label: t2("Klassning", "Classification"),
        kind: FilterKind::Test {
            yes: Cond::Set("classified_on"),
            no: Cond::Unset("classified_on"),
            yes_label: t2("Klassade", "Classified"),
            no_label: t2("Inte klassade", "Not classified"),
        },
    },
    Filter {
        param: "classification_current",
        ui: "aktuell",
        label: t2("Aktuell klassning", "Current classification"),
        kind: FilterKind::Test {
            yes: Cond::FromToday("review_on"),
            no: Cond::Any(&[Cond::Unset("review_on"), Cond::BeforeToday("review_on")]),
            yes_label: t2("Med aktuell klassning", "With a current classification"),
            no_label: t2("Utan aktuell klassning", "Without a current classification"),
        },
    },
    Filter::flag(
        "self_procured",
        "egen",
        "self_procured",
        t2("Upphandling", "Procurement"),
        t2("Egen upphandling", "Procured by the controller"),
        t2("Centralt tillhandahållet", "Provided centrally"),
    ),
    Filter::flag(
        "holds_personal_data",
        "personuppgifter",
        "holds_personal_data",
        t2("Personuppgifter", "Personal data"),
        t2("Innehåller personuppgifter", "Holds personal data"),
        NO,
    ),
];

const COLUMNS: &[Column] = &[
    Column {
        name: "holds_personal_data",
        ty: ColumnType::Flag,
    },
    Column {
        name: "self_procured",
        ty: ColumnType::Flag,
    },
    Column {
        name: "classified_on",
        ty: ColumnType::Text,
    },
];

pub static INFO: KindInfo = KindInfo {
    kind: Kind::System,
    code: "system",
    table: "systems",
    api: "systems",
    ui: "system",
    noun: Noun {
        one: t2("system", "system"),
        many: t2("system", "systems"),
        the: t2("Systemet", "The system"),
    },
    sections: SECTIONS,
    fields: FIELDS,
    columns: COLUMNS,
    filters: FILTERS,
    access: Access {
        read: crate::register::processing::READERS,
        edit: EDITORS,
        create: EDITORS,
        creator_column: None,
    },
    workflow: None,
    review: t2(
        "Nästa översyn av klassningen",
        "Next review of the classification",
    ),
    overdue_gap: Some(GapRule::ClassificationOutdated),
    link_gaps: &[LinkGap {
        rule: GapRule::SystemWithoutProcessing,
        when: "holds_personal_data",
        from: Kind::ProcessingActivity,
    }],
    list_details: true,
    sheet: SheetTexts {
        same_name: t2(
            "Samma system som rad {row}: ge raderna olika namn eller en id-kolumn.",
            "The same system as row {row}: give the rows different names or an id column.",
        ),
        file_stem: "systemforteckning",
    },
    document: None,
    deadline: None,
    create_sections: &[],
};

/// IT systems, as a kind of the register kernel.
pub struct Systems;

impl Descriptor for Systems {
    const KIND: Kind = Kind::System;
    type Details = SystemDetails;

    fn check(d: &SystemDetails) -> Vec<Invalid> {
        match &d.classification {
            Some(c) if c.next_review.is_some_and(|r| r < c.classified_on) => vec![Invalid::new(
                "classification.next_review",
                Rule::DateTooEarly,
            )],
            _ => Vec::new(),
        }
    }

    fn title(d: &SystemDetails) -> &str {
        &d.name
    }

    fn search_text(d: &SystemDetails) -> String {
        d.search_text()
    }

    fn review_on(d: &SystemDetails) -> Option<Date> {
        d.review_on()
    }

    fn columns(d: &SystemDetails) -> Vec<ColumnValue> {
        vec![
            ColumnValue::flag(d.holds_personal_data),
            ColumnValue::flag(d.procurement == Procurement::SelfProcured),
            ColumnValue::date(d.classification.as_ref().map(|c| c.classified_on)),
        ]
    }

    fn content_gaps(d: &SystemDetails) -> Vec<GapRule> {
        if d.classified() {
            Vec::new()
        } else {
            vec![GapRule::SystemNotClassified]
        }
    }

    fn links(d: &SystemDetails) -> Vec<(Kind, Vec<RecordId>)> {
        vec![(Kind::Agreement, d.agreement_ids.clone())]
    }

    fn set_links(d: &mut SystemDetails, kind: Kind, ids: Vec<RecordId>) {
        if kind == Kind::Agreement {
            d.agreement_ids = ids;
        }
    }

    fn facts(d: &SystemDetails, today: Date, lang: Lang) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("classified".into(), Value::Bool(d.classified()));
        m.insert(
            "classification_current".into(),
            Value::Bool(d.classification_current(today)),
        );
        m.insert(
            "procurement_label".into(),
            Value::String(d.procurement.label(lang).into()),
        );
        m
    }

    fn sheet_row(row: &mut RowDraft, lang: Lang) {
        check_classification(row, lang);
    }
}

/// Checks `d` as if a client had sent it (for records made in code: the demo, tests).
pub fn valid(
    d: &SystemDetails,
) -> Result<crate::kernel::parse::Valid<SystemDetails>, Vec<Invalid>> {
    crate::kernel::parse::revalidate::<Systems>(d).map_err(|r| match r {
        crate::kernel::parse::Refusal::Invalid(e) => e,
        crate::kernel::parse::Refusal::Unreadable(_) => {
            vec![Invalid::new("details", Rule::InvalidValue)]
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::Incoming;
    use crate::kernel::parse::{Refusal, parse};
    use crate::kernel::sheet::{ExportRecord, Mapping, Plan, export_headers, export_row, plan};
    use serde_json::json;

    fn draft(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    fn day(y: i16, m: i8, d: i8) -> Date {
        jiff::civil::date(y, m, d)
    }

    fn classified(on: Date, review: Option<Date>) -> Classification {
        Classification {
            confidentiality: Level(3),
            integrity: Level(2),
            availability: Level(2),
            classified_on: on,
            next_review: review,
        }
    }

    fn sys() -> SystemDetails {
        SystemDetails {
            name: "Procapita".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_system_never_classified_or_past_its_review_has_a_gap() {
        use crate::kernel::{Incoming, all_gaps};
        let today = jiff::civil::date(2026, 11, 25);
        let never = sys();
        assert_eq!(
            all_gaps::<Systems>(&never, &Incoming::default(), today),
            vec![GapRule::SystemNotClassified]
        );
        assert!(GapRule::SystemNotClassified.blocks_approval());
        let current = SystemDetails {
            classification: Some(classified(
                jiff::civil::date(2026, 1, 10),
                Some(jiff::civil::date(2027, 1, 10)),
            )),
            ..sys()
        };
        assert!(all_gaps::<Systems>(&current, &Incoming::default(), today).is_empty());
        let stale = SystemDetails {
            classification: Some(classified(jiff::civil::date(2024, 1, 10), None)),
            ..sys()
        };
        assert_eq!(
            all_gaps::<Systems>(&stale, &Incoming::default(), today),
            vec![GapRule::ClassificationOutdated]
        );
    }

    #[test]
    fn levels_are_one_to_four() {
        assert!(serde_json::from_str::<Level>("0").is_err());
        assert!(serde_json::from_str::<Level>("5").is_err());
        assert_eq!(serde_json::from_str::<Level>("3").ok(), Some(Level(3)));
        assert!(matches!(
            parse::<Systems>(draft(
                json!({"name": "X", "classification": {"confidentiality": 5,
                "integrity": 1, "availability": 1, "classified_on": "2026-01-01"}})
            )),
            Err(Refusal::Unreadable(_))
        ));
    }

    #[test]
    fn a_classification_is_current_until_its_review_date() {
        let today = day(2026, 11, 25);
        let mut s = sys();
        assert!(!s.classification_current(today));
        s.classification = Some(classified(day(2025, 1, 10), Some(today)));
        assert!(s.classification_current(today));
        s.classification = Some(classified(day(2025, 1, 10), Some(day(2026, 11, 24))));
        assert!(!s.classification_current(today));
    }

    #[test]
    fn without_a_review_date_a_classification_lasts_a_year() {
        let today = day(2026, 11, 25);
        let mut s = sys();
        s.classification = Some(classified(day(2025, 11, 25), None));
        assert!(s.classification_current(today));
        s.classification = Some(classified(day(2025, 11, 24), None));
        assert!(!s.classification_current(today));
    }

    #[test]
    fn a_classification_made_on_a_leap_day_lasts_until_the_last_day_of_february() {
        let mut s = sys();
        s.classification = Some(classified(day(2024, 2, 29), None));
        assert!(s.classification_current(day(2025, 2, 28)));
        assert!(!s.classification_current(day(2025, 3, 1)));
    }

    #[test]
    fn bad_dates_and_a_review_before_the_classification_are_refused() {
        assert_eq!(
            parse::<Systems>(draft(json!({"name": "X", "risk_analysis_on": "igår"}))),
            Err(Refusal::Invalid(vec![Invalid::new(
                "risk_analysis_on",
                Rule::InvalidDate
            )]))
        );
        assert_eq!(
            parse::<Systems>(draft(
                json!({"name": "X", "classification": {"confidentiality": 3,
                "integrity": 2, "availability": 2, "classified_on": "2026-03-01",
                "next_review": "2026-02-28"}})
            )),
            Err(Refusal::Invalid(vec![Invalid::new(
                "classification.next_review",
                Rule::DateTooEarly
            )]))
        );
        assert_eq!(
            parse::<Systems>(draft(
                json!({"name": "X", "classification": {"confidentiality": 3,
                "integrity": 2, "availability": 2, "classified_on": " "}})
            )),
            Err(Refusal::Invalid(vec![Invalid::new(
                "classification.classified_on",
                Rule::Required
            )]))
        );
    }

    #[test]
    fn dates_and_texts_are_trimmed_and_blanks_become_absent() {
        let s = parse::<Systems>(draft(
            json!({"name": "X", "vendor": "  Tieto ", "owner": "   ",
            "risk_analysis_on": " 2026-01-05 ", "classification": {"confidentiality": 1,
            "integrity": 1, "availability": 1, "classified_on": " 2026-01-05", "next_review": ""}}),
        ))
        .expect("valid");
        assert_eq!(s.vendor.as_deref(), Some("Tieto"));
        assert_eq!(s.owner, None);
        assert_eq!(s.risk_analysis_on, Some(day(2026, 1, 5)));
        let c = s.classification.clone().expect("classified");
        assert_eq!((c.classified_on, c.next_review), (day(2026, 1, 5), None));
    }

    #[test]
    fn an_action_needs_its_text() {
        assert_eq!(
            parse::<Systems>(draft(
                json!({"name": "X", "action_plan": [{"action": " "}]})
            )),
            Err(Refusal::Invalid(vec![Invalid::at_row(
                "action_plan.action",
                Rule::Required,
                0
            )]))
        );
    }

    #[test]
    fn a_system_with_personal_data_needs_a_processing() {
        let s = SystemDetails {
            holds_personal_data: true,
            ..sys()
        };
        assert_eq!(
            crate::kernel::link_gaps::<Systems>(&s, &Incoming::default()),
            vec![GapRule::SystemWithoutProcessing]
        );
        let one = Incoming(vec![(Kind::ProcessingActivity, vec![RecordId::generate()])]);
        assert!(crate::kernel::link_gaps::<Systems>(&s, &one).is_empty());
        assert!(crate::kernel::link_gaps::<Systems>(&sys(), &Incoming::default()).is_empty());
    }

    // -----------------------------------------------------------------------------------------
    // The spreadsheet

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    const HEADER: [&str; 14] = [
        "ID",
        "System",
        "Leverantör",
        "Objektägare",
        "Upphandling",
        "NIS",
        "Personuppgifter",
        "Konfidentialitet",
        "Riktighet",
        "Tillgänglighet",
        "Klassad",
        "Nästa klassning",
        "Riskanalys",
        "Okänd",
    ];

    fn row(cells: &[(&str, &str)]) -> Vec<String> {
        HEADER
            .iter()
            .map(|h| {
                cells
                    .iter()
                    .find(|(c, _)| c == h)
                    .map(|(_, v)| v.to_string())
                    .unwrap_or_default()
            })
            .collect()
    }

    fn sheet(rows: &[Vec<String>]) -> Plan<SystemDetails> {
        plan::<Systems>(&s(&HEADER), rows, &Mapping::default_for(&INFO), Lang::Sv)
    }

    fn at(p: &Plan<SystemDetails>, row: usize, col: &str) -> Vec<String> {
        p.problems
            .iter()
            .filter(|x| x.row == row && x.column == col)
            .map(|x| x.message.clone())
            .collect()
    }

    #[test]
    fn a_clean_sheet_becomes_systems() {
        let p = sheet(&[
            row(&[
                ("ID", "S-1"),
                ("System", "Procapita"),
                ("Leverantör", "Tieto"),
                ("Upphandling", "Egen"),
                ("NIS", "Ja"),
                ("Personuppgifter", "X"),
                ("Konfidentialitet", "K4"),
                ("Riktighet", "Hög"),
                ("Tillgänglighet", "2"),
                ("Klassad", "2026-01-15"),
                ("Nästa klassning", "2027/01/15"),
                ("Riskanalys", "2025-11-01"),
            ]),
            row(&[("System", "Skolwebben"), ("Upphandling", "Kommungemensamt")]),
        ]);
        assert_eq!(p.problems, vec![]);
        assert_eq!(p.rows.len(), 2);
        let a = p.rows[0].details.get();
        assert_eq!(p.rows[0].external_id.as_deref(), Some("S-1"));
        assert_eq!(a.vendor.as_deref(), Some("Tieto"));
        assert_eq!(a.procurement, Procurement::SelfProcured);
        assert!(a.nis_relevant && a.holds_personal_data);
        assert_eq!(
            a.classification,
            Some(Classification {
                confidentiality: Level(4),
                integrity: Level(3),
                availability: Level(2),
                classified_on: day(2026, 1, 15),
                next_review: Some(day(2027, 1, 15)),
            })
        );
        assert_eq!(a.risk_analysis_on, Some(day(2025, 11, 1)));
        let b = p.rows[1].details.get();
        assert_eq!(b.procurement, Procurement::Central);
        assert_eq!(b.classification, None);
    }

    #[test]
    fn some_levels_but_not_all_are_refused_at_each_missing_level() {
        let p = sheet(&[row(&[
            ("System", "X"),
            ("Konfidentialitet", "3"),
            ("Klassad", "2026-01-01"),
        ])]);
        assert!(p.rows.is_empty());
        assert_eq!(p.problems.len(), 2, "{:?}", p.problems);
        assert!(at(&p, 2, "Riktighet")[0].contains("Nivån för riktighet saknas"));
        assert!(at(&p, 2, "Tillgänglighet")[0].contains("Nivån för tillgänglighet saknas"));
    }

    #[test]
    fn levels_without_a_date_are_refused_at_the_date() {
        let p = sheet(&[row(&[
            ("System", "X"),
            ("Konfidentialitet", "3"),
            ("Riktighet", "3"),
            ("Tillgänglighet", "3"),
        ])]);
        assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
        assert!(at(&p, 2, "Klassad")[0].starts_with("Klassningsdatum saknas"));
    }

    #[test]
    fn a_date_without_levels_is_refused() {
        let p = sheet(&[row(&[("System", "X"), ("Klassad", "2026-01-01")])]);
        assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
        assert!(at(&p, 2, "Klassad")[0].contains("inga nivåer"));
        let p = sheet(&[row(&[("System", "X"), ("Nästa klassning", "2026-01-01")])]);
        assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
        assert!(at(&p, 2, "Nästa klassning")[0].contains("inte klassat"));
    }

    #[test]
    fn an_unreadable_level_is_reported_once_not_also_as_missing() {
        let p = sheet(&[row(&[
            ("System", "X"),
            ("Konfidentialitet", "3"),
            ("Riktighet", "kanske"),
            ("Tillgänglighet", "3"),
            ("Klassad", "2026-01-01"),
        ])]);
        assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
        assert!(at(&p, 2, "Riktighet")[0].starts_with("Okänd nivå"));
    }

    #[test]
    fn a_review_before_the_classification_is_refused_at_its_column() {
        let p = sheet(&[row(&[
            ("System", "X"),
            ("Konfidentialitet", "3"),
            ("Riktighet", "3"),
            ("Tillgänglighet", "3"),
            ("Klassad", "2026-03-01"),
            ("Nästa klassning", "2026-02-01"),
        ])]);
        assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
        assert_eq!(at(&p, 2, "Nästa klassning").len(), 1);
    }

    #[test]
    fn levels_whose_columns_are_not_mapped_are_reported_at_a_given_level() {
        let p = plan::<Systems>(
            &s(&["System", "Konfidentialitet", "Klassad"]),
            &[s(&["X", "3", "2026-01-01"])],
            &Mapping::default_for(&INFO),
            Lang::En,
        );
        assert_eq!(p.problems.len(), 2, "{:?}", p.problems);
        assert!(p.problems.iter().all(|x| x.column == "Konfidentialitet"));
        assert!(p.problems[0].message.contains("integrity"));
        assert!(p.problems[1].message.contains("availability"));
    }

    #[test]
    fn procurement_in_the_words_registers_use() {
        for v in [
            "Egen",
            "Egen upphandling",
            "egenupphandlat",
            "Eget avtal",
            "own",
        ] {
            assert_eq!(procurement(v), Some(Some(Procurement::SelfProcured)), "{v}");
        }
        for v in [
            "Central",
            "Centralt tillhandahållet",
            "Kommungemensamt",
            "central",
        ] {
            assert_eq!(procurement(v), Some(Some(Procurement::Central)), "{v}");
        }
        assert_eq!(procurement(" "), Some(None));
        for v in ["kanske", "egen och central"] {
            assert_eq!(procurement(v), None, "{v}");
        }
    }

    #[test]
    fn a_risk_analysis_is_a_date_or_none() {
        let p = sheet(&[
            row(&[("System", "A"), ("Riskanalys", "2025-05-01")]),
            row(&[("System", "B"), ("Riskanalys", "Nej")]),
            row(&[("System", "C"), ("Riskanalys", "-")]),
            row(&[("System", "D")]),
        ]);
        assert_eq!(p.problems, vec![]);
        let dates: Vec<Option<Date>> = p.rows.iter().map(|r| r.details.risk_analysis_on).collect();
        assert_eq!(dates, vec![Some(day(2025, 5, 1)), None, None, None]);
        let p = sheet(&[row(&[("System", "A"), ("Riskanalys", "Ja")])]);
        assert_eq!(p.problems.len(), 1);
    }

    #[test]
    fn an_exported_register_imports_back_unchanged() {
        let full = SystemDetails {
            name: "Procapita".into(),
            description: Some("Verksamhetssystem för socialtjänsten".into()),
            vendor: Some("Tietoevry".into()),
            owner: Some("Socialdirektören".into()),
            manager: Some("Systemförvaltaren".into()),
            procurement: Procurement::Central,
            nis_relevant: true,
            storage_country: Some("Sverige".into()),
            holds_personal_data: true,
            classification: Some(Classification {
                confidentiality: Level(4),
                integrity: Level(3),
                availability: Level(2),
                classified_on: day(2026, 3, 1),
                next_review: Some(day(2027, 3, 1)),
            }),
            risk_analysis_on: Some(day(2026, 2, 15)),
            action_plan: Vec::new(),
            agreement_ids: Vec::new(),
        };
        let bare = SystemDetails {
            name: "Skolwebben".into(),
            ..SystemDetails::default()
        };
        for lang in [Lang::Sv, Lang::En] {
            let rows: Vec<Vec<String>> = [("s-1", &full), ("s-2", &bare)]
                .iter()
                .map(|(id, d)| {
                    export_row::<Systems>(
                        &ExportRecord {
                            id,
                            organisation: "Socialnämnden",
                            status: None,
                            details: d,
                        },
                        lang,
                    )
                })
                .collect();
            let headers = export_headers(&INFO, lang);
            assert_eq!(rows[0].len(), headers.len());
            let p = plan::<Systems>(&headers, &rows, &Mapping::default_for(&INFO), lang);
            assert_eq!(p.problems, vec![], "{lang:?}");
            assert_eq!(p.rows[0].external_id.as_deref(), Some("s-1"));
            assert_eq!(p.rows[0].details.get(), &full, "{lang:?}");
            assert_eq!(p.rows[1].details.get(), &bare, "{lang:?}");
        }
    }
}
