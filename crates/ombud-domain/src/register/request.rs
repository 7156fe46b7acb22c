//! Data subject requests (registrerades begäranden, GDPR art. 15–22), declared as a kind of the
//! register kernel. The time limit and its extension are in [`crate::request`]; this is the record:
//! the request, the requester and how their identity was checked, the handling, and the answer — a
//! refusal by a Swedish authority being an appealable decision, with its ground and the appeal
//! instructions.
//!
//! A request holds the requester's personal data: those who handle requests (the records keeper,
//! the manager, the DPO) read and edit them, management and the auditor read them, no one else.

use crate::ids::RecordId;
use crate::kernel::field::{Field, Opt, Section, opt, section, t2};
use crate::kernel::gaps::GapRule;
use crate::kernel::query::{Filter, FilterKind};
use crate::kernel::workflow::{Effect, State, Step, Workflow};
use crate::kernel::{
    Access, Column, ColumnType, ColumnValue, Deadline, Descriptor, Kind, KindInfo, Noun, SheetTexts,
};
use crate::request::{ExtraDaysOff, due_on};
use crate::role::Role;
use crate::{Invalid, Lang, Rule};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub const TEXT_MAX: usize = 10_000;
/// What a request is called once a retention rule removed who made it.
pub const REMOVED_NAME: &str = "Borttagen vid gallring";
/// What the audit trail shows in place of the requester's identity.
pub const HIDDEN: &str = "[personuppgift – sparas inte i historiken]";
pub const LINE_MAX: usize = 300;

pub const TYPE_OPTIONS: &[Opt] = &[
    opt(
        "access",
        "Registerutdrag (tillgång, art. 15)",
        "Access (art. 15)",
    ),
    opt(
        "rectification",
        "Rättelse (art. 16)",
        "Rectification (art. 16)",
    ),
    opt("erasure", "Radering (art. 17)", "Erasure (art. 17)"),
    opt(
        "restriction",
        "Begränsning av behandling (art. 18)",
        "Restriction of processing (art. 18)",
    ),
    opt(
        "portability",
        "Dataportabilitet (art. 20)",
        "Data portability (art. 20)",
    ),
    opt("objection", "Invändning (art. 21)", "Objection (art. 21)"),
    opt(
        "automated_decision",
        "Automatiserat beslut (art. 22)",
        "Automated decision (art. 22)",
    ),
];

pub const CHANNEL_OPTIONS: &[Opt] = &[
    opt("e_form", "E-tjänst", "E-form"),
    opt("email", "E-post", "E-mail"),
    opt("letter", "Brev", "Letter"),
    opt("in_person", "Personligt besök", "In person"),
];

pub const OUTCOME_OPTIONS: &[Opt] = &[
    opt("bifall", "Bifall", "Granted"),
    opt("delvis_bifall", "Delvis bifall", "Partly granted"),
    opt("avslag", "Avslag", "Refused"),
];

/// The requester, as the request names them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Requester {
    pub name: String,
    /// How to reach them: an address, an e-mail address, a telephone number.
    pub contact: Option<String>,
    /// Who they are to the organisation (employee, resident, pupil, guardian, client, …): where to
    /// search for their data.
    pub category: Option<String>,
}

/// An extension of the time limit (art. 12.3), as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordedExtension {
    pub months: u8,
    pub reason: String,
    pub requester_informed_on: Date,
    pub recorded_by: String,
    pub recorded_at: String,
}

/// That the requester's identity was removed, and under which rule (never what was removed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityRemoved {
    pub on: Date,
    pub rule: String,
}

/// What a request record says.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RequestDetails {
    #[serde(rename = "type")]
    pub request_type: String,
    /// The day it reached the organisation: the time limit runs from here.
    pub received_on: Option<Date>,
    pub channel: Option<String>,
    pub requester: Option<Requester>,
    /// Registration number (diarienummer).
    pub reference: Option<String>,
    pub description: Option<String>,
    pub identity_verified_on: Option<Date>,
    pub identity_method: Option<String>,
    pub processing_activities: Vec<RecordId>,
    pub handler: Option<String>,
    /// Where the handler searched, and what was found.
    pub searched: Option<String>,
    pub outcome: Option<String>,
    pub refusal_ground: Option<String>,
    pub appeal_instructions: Option<String>,
    pub answered_on: Option<Date>,
    /// Kept by the server: set through the extension's own door.
    pub extension: Option<RecordedExtension>,
    /// Kept by the server: set when a retention rule removed the requester's identity.
    pub identity_removed: Option<IdentityRemoved>,
    /// Kept by the server: the organisation's own days off when the request was registered. The
    /// time limit is counted with them for good, so that a later change of the setting never moves
    /// a deadline the requester was already given.
    pub days_off: Option<ExtraDaysOff>,
}

impl RequestDetails {
    /// The months of the time limit: one, or three at most with an extension.
    pub fn months(&self) -> u8 {
        1 + self.extension.as_ref().map_or(0, |e| e.months)
    }

    /// The working calendar the time limit is counted in: Sweden's public holidays and the
    /// organisation's own days off as they were when the request was registered.
    pub fn calendar(&self) -> ExtraDaysOff {
        self.days_off.unwrap_or_default()
    }

    /// The last day to answer (see [`crate::request::deadline`]).
    pub fn due_on(&self) -> Option<Date> {
        self.received_on
            .map(|r| due_on(r, self.months(), self.calendar()))
    }

    /// Removes what identifies the requester — their name, how to reach them, the request's own
    /// words, how their identity was checked and what was found about them — and records the rule.
    /// What the annual report counts (type, dates, outcome, extension) stays.
    pub fn remove_identity(&mut self, applied: crate::request::retention::Applied, on: Date) {
        // The name's place is taken by a plain statement, so that lists still name the request.
        self.requester = Some(Requester {
            name: REMOVED_NAME.into(),
            contact: None,
            category: self.requester.take().and_then(|r| r.category),
        });
        self.description = None;
        self.identity_method = None;
        self.searched = None;
        self.identity_removed = Some(IdentityRemoved {
            on,
            rule: applied.describe(),
        });
    }

    /// Whether it was answered in time.
    pub fn answered_in_time(&self) -> Option<bool> {
        Some(self.answered_on? <= self.due_on()?)
    }
}

// ---------------------------------------------------------------------------------------------
// The workflow

pub const MOTTAGEN: &str = "mottagen";
pub const IDENTITET_KONTROLLERAD: &str = "identitet_kontrollerad";
pub const UNDER_HANDLAGGNING: &str = "under_handlaggning";
pub const BESVARAD: &str = "besvarad";
pub const AVSLUTAD: &str = "avslutad";

/// Who handles requests.
pub const HANDLERS: &[Role] = &[Role::RecordsKeeper, Role::Manager, Role::Dpo];
/// Who reads them: the handlers, management and the auditor.
pub const READERS: &[Role] = &[
    Role::RecordsKeeper,
    Role::Manager,
    Role::Dpo,
    Role::Management,
    Role::Auditor,
];

pub static WORKFLOW: Workflow = Workflow {
    states: &[
        State {
            code: MOTTAGEN,
            label: t2("Mottagen", "Received"),
            plural: t2("mottagna", "received"),
        },
        State {
            code: IDENTITET_KONTROLLERAD,
            label: t2("Identitet kontrollerad", "Identity verified"),
            plural: t2("med kontrollerad identitet", "identity verified"),
        },
        State {
            code: UNDER_HANDLAGGNING,
            label: t2("Under handläggning", "Being handled"),
            plural: t2("under handläggning", "being handled"),
        },
        State {
            code: BESVARAD,
            label: t2("Besvarad", "Answered"),
            plural: t2("besvarade", "answered"),
        },
        State {
            code: AVSLUTAD,
            label: t2("Avslutad", "Closed"),
            plural: t2("avslutade", "closed"),
        },
    ],
    initial: MOTTAGEN,
    steps: &[
        Step {
            from: MOTTAGEN,
            to: IDENTITET_KONTROLLERAD,
            roles: HANDLERS,
            key: "verified",
            effect: Effect::Move,
        },
        Step {
            from: IDENTITET_KONTROLLERAD,
            to: UNDER_HANDLAGGNING,
            roles: HANDLERS,
            key: "handle",
            effect: Effect::Move,
        },
        Step {
            from: UNDER_HANDLAGGNING,
            to: BESVARAD,
            roles: HANDLERS,
            key: "answered",
            effect: Effect::Move,
        },
        Step {
            from: BESVARAD,
            to: UNDER_HANDLAGGNING,
            roles: HANDLERS,
            key: "reopen",
            effect: Effect::Move,
        },
        Step {
            from: BESVARAD,
            to: AVSLUTAD,
            roles: HANDLERS,
            key: "close",
            effect: Effect::Move,
        },
    ],
    on_edit: &[],
    who_decides: t2(
        "Registratorn, chefen eller dataskyddsombudet",
        "The records keeper, the manager or the DPO",
    ),
};

/// What must be on record before a step: the identity checked before handling; the outcome, the
/// day answered, and for a refusal its ground and the appeal instructions, before it is answered.
pub fn step_rules(d: &RequestDetails, to: &str) -> Vec<Invalid> {
    let mut out = Vec::new();
    if to == IDENTITET_KONTROLLERAD && d.identity_verified_on.is_none() {
        out.push(Invalid::new("identity_verified_on", Rule::Required));
    }
    if to == BESVARAD || to == AVSLUTAD {
        if d.outcome.is_none() {
            out.push(Invalid::new("outcome", Rule::Required));
        }
        if d.answered_on.is_none() {
            out.push(Invalid::new("answered_on", Rule::Required));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The declaration

const SECTIONS: &[Section] = &[
    section("request", "Begäran", "The request"),
    section("requester", "Den registrerade", "The data subject"),
    section("handling", "Handläggning", "Handling"),
    section("answer", "Svar och beslut", "Answer and decision"),
];

const REQUESTER: &[Field] = &[
    Field::line("requester.name", t2("Namn", "Name"), LINE_MAX)
        .required()
        .headers(&["Den registrerade", "Namn"])
        .hint(
            "Den registrerades namn, som det står i begäran.",
            "The data subject's name, as the request gives it.",
        ),
    Field::line(
        "requester.contact",
        t2("Hur hen nås", "How to reach them"),
        LINE_MAX,
    )
    .headers(&["Kontakt"])
    .hint(
        "Adress, e-postadress eller telefonnummer för svaret.",
        "Address, e-mail address or telephone number for the answer.",
    ),
    Field::line(
        "requester.category",
        t2(
            "Relation till organisationen",
            "Relation to the organisation",
        ),
        LINE_MAX,
    )
    .headers(&["Relation"])
    .hint(
        "T.ex. anställd, invånare, elev, vårdnadshavare, brukare: avgör var ni söker.",
        "E.g. employee, resident, pupil, guardian, client: decides where you search.",
    ),
];

const FIELDS: &[Field] = &[
    Field::pick("type", t2("Typ av begäran", "Type of request"), TYPE_OPTIONS)
        .required()
        .section("request")
        .headers(&["Typ"])
        .hint(
            "Vilken rättighet den registrerade begär att få utöva.",
            "Which right the data subject asks to exercise.",
        ),
    Field::date("received_on", t2("Mottagen", "Received"))
        .required()
        .section("request")
        .headers(&["Mottagen", "Inkom"])
        .hint(
            "Dagen begäran kom in till organisationen. Tidsfristen på en månad räknas härifrån.",
            "The day the request reached the organisation. The one-month limit runs from here.",
        ),
    Field::choice("channel", t2("Hur den kom in", "How it came"), CHANNEL_OPTIONS)
        .section("request")
        .headers(&["Kanal"]),
    Field::line("reference", t2("Diarienummer", "Registration number"), LINE_MAX)
        .section("request")
        .headers(&["Diarienummer"]),
    Field::text(
        "description",
        t2("Vad begär den registrerade?", "What does the data subject ask?"),
        TEXT_MAX,
    )
    .section("request")
    .headers(&["Beskrivning"]),
    Field::group("requester", t2("Den registrerade", "The data subject"), REQUESTER)
        .section("requester"),
    Field::date(
        "identity_verified_on",
        t2("Identiteten kontrollerad", "Identity verified"),
    )
    .section("requester")
    .hint(
        "När den registrerades identitet kontrollerades. Handläggningen börjar efter det.",
        "When the data subject's identity was verified. Handling begins after it.",
    ),
    Field::line(
        "identity_method",
        t2("Hur identiteten kontrollerades", "How the identity was verified"),
        LINE_MAX,
    )
    .section("requester")
    .hint(
        "T.ex. BankID i e-tjänsten, legitimation vid besök, svar till folkbokföringsadressen.",
        "E.g. BankID in the e-form, identity card in person, answer to the registered address.",
    ),
    Field::links(
        "processing_activities",
        t2("Behandlingar som berörs", "Processing activities concerned"),
        Kind::ProcessingActivity,
    )
    .section("handling")
    .hint(
        "Behandlingarna där den registrerades uppgifter kan finnas: här söker ni.",
        "The processing activities where the data subject's data may be: where you search.",
    ),
    Field::line("handler", t2("Handläggare", "Handler"), LINE_MAX)
        .section("handling")
        .headers(&["Handläggare"]),
    Field::text(
        "searched",
        t2("Var ni har sökt och vad ni fann", "Where you searched and what you found"),
        TEXT_MAX,
    )
    .section("handling"),
    Field::choice("outcome", t2("Utfall", "Outcome"), OUTCOME_OPTIONS)
        .section("answer")
        .headers(&["Utfall"]),
    Field::text(
        "refusal_ground",
        t2("Skäl för avslag", "Ground of the refusal"),
        TEXT_MAX,
    )
    .section("answer")
    .when("outcome", "")
    .hint(
        "Den rättsliga grunden för avslaget, t.ex. sekretess enligt OSL eller ett undantag i artikel 23.",
        "The legal ground of the refusal, e.g. secrecy under OSL or an exception of article 23.",
    ),
    Field::text(
        "appeal_instructions",
        t2("Överklagandehänvisning", "Appeal instructions"),
        TEXT_MAX,
    )
    .section("answer")
    .when("outcome", "")
    .hint(
        "Ett avslag från en myndighet är ett beslut som kan överklagas: hur och var, inom tre veckor.",
        "A refusal by an authority is an appealable decision: how and where, within three weeks.",
    ),
    Field::date("answered_on", t2("Besvarad", "Answered"))
        .section("answer")
        .headers(&["Besvarad"]),
    Field::kept("extension", t2("Förlängning", "Extension")).section("handling"),
    Field::kept(
        "identity_removed",
        t2("Identiteten borttagen", "Identity removed"),
    )
    .section("requester"),
    Field::kept(
        "days_off",
        t2("Egna lediga dagar i fristen", "Own days off in the time limit"),
    )
    .section("request"),
];

const FILTERS: &[Filter] = &[
    Filter {
        param: "type",
        ui: "typ",
        label: t2("Typ", "Type"),
        kind: FilterKind::OneOf {
            column: "request_type",
            opts: TYPE_OPTIONS,
        },
    },
    Filter {
        param: "outcome",
        ui: "utfall",
        label: t2("Utfall", "Outcome"),
        kind: FilterKind::OneOf {
            column: "outcome",
            opts: OUTCOME_OPTIONS,
        },
    },
];

const COLUMNS: &[Column] = &[
    Column {
        name: "request_type",
        ty: ColumnType::Text,
    },
    Column {
        name: "received_on",
        ty: ColumnType::Text,
    },
    Column {
        name: "due_on",
        ty: ColumnType::Text,
    },
    Column {
        name: "due_at",
        ty: ColumnType::Text,
    },
    Column {
        name: "outcome",
        ty: ColumnType::Text,
    },
    Column {
        name: "answered_on",
        ty: ColumnType::Text,
    },
];

pub static INFO: KindInfo = KindInfo {
    kind: Kind::Request,
    code: "data_subject_request",
    table: "data_subject_requests",
    api: "data-subject-requests",
    ui: "begaranden",
    noun: Noun {
        one: t2("begäran", "request"),
        many: t2("begäranden", "requests"),
        the: t2("Begäran", "The request"),
    },
    sections: SECTIONS,
    fields: FIELDS,
    columns: COLUMNS,
    filters: FILTERS,
    access: Access {
        read: READERS,
        edit: HANDLERS,
        create: HANDLERS,
        creator_column: None,
    },
    workflow: Some(&WORKFLOW),
    review: t2("Svar senast", "Answer by"),
    overdue_gap: None,
    link_gaps: &[],
    list_details: false,
    sheet: SheetTexts {
        same_name: t2(
            "Samma begäran som rad {row}: ge raderna en id-kolumn.",
            "The same request as row {row}: give the rows an id column.",
        ),
        file_stem: "registrerades-begaranden",
    },
    document: None,
    deadline: Some(Deadline {
        column: "due_at",
        label: t2("Svar senast", "Answer by"),
        running_in: &[MOTTAGEN, IDENTITET_KONTROLLERAD, UNDER_HANDLAGGNING],
    }),
    create_sections: &[],
};

/// Data subject requests, as a kind of the register kernel.
pub struct Requests;

/// The end of the last day to answer, in Stockholm, as an instant in storage form: the worklist
/// counts down to it.
fn end_of_day(d: Date) -> Option<String> {
    let next = d.tomorrow().ok()?;
    let at = crate::time::stockholm_instant(next, jiff::civil::Time::midnight());
    Some(crate::time::to_storage(at))
}

impl Descriptor for Requests {
    const KIND: Kind = Kind::Request;
    type Details = RequestDetails;

    fn check(d: &RequestDetails) -> Vec<Invalid> {
        let mut out = Vec::new();
        if d.identity_removed.is_none()
            && d.requester
                .as_ref()
                .is_none_or(|r| r.name.trim().is_empty())
        {
            out.push(Invalid::new("requester.name", Rule::Required));
        }
        if let (Some(r), Some(v)) = (d.received_on, d.identity_verified_on)
            && v < r
        {
            out.push(Invalid::new("identity_verified_on", Rule::DateTooEarly));
        }
        if let (Some(r), Some(a)) = (d.received_on, d.answered_on)
            && a < r
        {
            out.push(Invalid::new("answered_on", Rule::DateTooEarly));
        }
        // A refusal, whole or in part, is an appealable decision: its ground and how to appeal.
        if matches!(d.outcome.as_deref(), Some("avslag" | "delvis_bifall")) {
            if d.refusal_ground.is_none() {
                out.push(Invalid::new("refusal_ground", Rule::Required));
            }
            if d.appeal_instructions.is_none() {
                out.push(Invalid::new("appeal_instructions", Rule::Required));
            }
        }
        out
    }

    // A request is known by who made it, as in a diary (lists show its type beside it).
    fn title(d: &RequestDetails) -> &str {
        d.requester
            .as_ref()
            .map(|r| r.name.as_str())
            .filter(|n| !n.is_empty())
            .or(d.reference.as_deref())
            .unwrap_or("Begäran")
    }

    fn search_text(d: &RequestDetails) -> String {
        let mut parts: Vec<String> = vec![d.request_type.clone()];
        if let Some(r) = &d.requester {
            parts.push(r.name.clone());
            parts.extend(r.category.clone());
        }
        parts.extend(
            [&d.reference, &d.handler, &d.description]
                .into_iter()
                .flatten()
                .cloned(),
        );
        parts.join(" \u{1f} ").to_lowercase()
    }

    // Lists sort the most urgent first, and a request answered has nothing left to run.
    fn review_on(d: &RequestDetails) -> Option<Date> {
        d.due_on()
    }

    fn columns(d: &RequestDetails) -> Vec<ColumnValue> {
        let due = d.due_on();
        vec![
            ColumnValue::Text(Some(d.request_type.clone())),
            ColumnValue::Text(d.received_on.map(|x| x.to_string())),
            ColumnValue::Text(due.map(|x| x.to_string())),
            ColumnValue::Text(due.and_then(end_of_day)),
            ColumnValue::Text(d.outcome.clone()),
            ColumnValue::Text(d.answered_on.map(|x| x.to_string())),
        ]
    }

    fn content_gaps(_d: &RequestDetails) -> Vec<GapRule> {
        Vec::new()
    }

    fn links(d: &RequestDetails) -> Vec<(Kind, Vec<RecordId>)> {
        vec![(Kind::ProcessingActivity, d.processing_activities.clone())]
    }

    fn set_links(d: &mut RequestDetails, kind: Kind, ids: Vec<RecordId>) {
        if kind == Kind::ProcessingActivity {
            d.processing_activities = ids;
        }
    }

    fn step_rules(d: &RequestDetails, to: &str, _comment: Option<&str>) -> Vec<Invalid> {
        step_rules(d, to)
    }

    // The requester's identity stays out of the append-only audit trail, so that a retention rule
    // can remove it for good: the trail shows that it was given or changed, never what it is.
    fn audit_view(d: &RequestDetails) -> Option<RequestDetails> {
        let hide = |v: &Option<String>| v.as_ref().map(|_| HIDDEN.to_string());
        let mut out = d.clone();
        out.requester = d.requester.as_ref().map(|r| Requester {
            name: if r.name.is_empty() || r.name == REMOVED_NAME {
                r.name.clone()
            } else {
                HIDDEN.into()
            },
            contact: hide(&r.contact),
            category: r.category.clone(),
        });
        out.description = hide(&d.description);
        out.identity_method = hide(&d.identity_method);
        out.searched = hide(&d.searched);
        Some(out)
    }

    fn facts(d: &RequestDetails, today: Date, lang: Lang) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("title".into(), Value::String(Self::title(d).to_string()));
        let due = d.due_on();
        m.insert(
            "due_on".into(),
            due.map_or(Value::Null, |x| Value::String(x.to_string())),
        );
        m.insert("extended".into(), Value::Bool(d.extension.is_some()));
        m.insert(
            "overdue".into(),
            Value::Bool(d.answered_on.is_none() && due.is_some_and(|x| x < today)),
        );
        if let Some(ok) = d.answered_in_time() {
            m.insert("answered_in_time".into(), Value::Bool(ok));
        }
        m.insert(
            "counted_around".into(),
            Value::String(d.calendar().describe(lang)),
        );
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn request() -> RequestDetails {
        RequestDetails {
            request_type: "access".into(),
            received_on: Some(date(2026, 9, 10)),
            requester: Some(Requester {
                name: "Eva Exempel".into(),
                ..Requester::default()
            }),
            ..RequestDetails::default()
        }
    }

    #[test]
    fn the_limit_is_a_month_and_an_extension_counts_from_receipt() {
        let mut d = request();
        assert_eq!(d.due_on(), Some(date(2026, 10, 12)));
        d.extension = Some(RecordedExtension {
            months: 2,
            reason: "Omfattande".into(),
            requester_informed_on: date(2026, 9, 20),
            recorded_by: "R".into(),
            recorded_at: "t".into(),
        });
        assert_eq!(d.due_on(), Some(date(2026, 12, 10)));
        d.answered_on = Some(date(2026, 12, 10));
        assert_eq!(d.answered_in_time(), Some(true));
        d.answered_on = Some(date(2026, 12, 11));
        assert_eq!(d.answered_in_time(), Some(false));
    }

    #[test]
    fn a_refusal_needs_its_ground_and_the_appeal_instructions() {
        let mut d = request();
        d.outcome = Some("avslag".into());
        let fields: Vec<&str> = Requests::check(&d).iter().map(|i| i.field).collect();
        assert_eq!(fields, vec!["refusal_ground", "appeal_instructions"]);
        d.refusal_ground = Some("Sekretess, 26 kap. 1 § OSL".into());
        d.appeal_instructions = Some("Överklaga till förvaltningsrätten inom tre veckor.".into());
        assert!(Requests::check(&d).is_empty());
        d.requester = None;
        assert_eq!(
            Requests::check(&d)
                .iter()
                .map(|i| i.field)
                .collect::<Vec<_>>(),
            vec!["requester.name"]
        );
    }

    #[test]
    fn the_workflow_asks_for_the_identity_and_the_answer() {
        let mut d = request();
        assert_eq!(
            step_rules(&d, IDENTITET_KONTROLLERAD)
                .iter()
                .map(|i| i.field)
                .collect::<Vec<_>>(),
            vec!["identity_verified_on"]
        );
        assert_eq!(
            step_rules(&d, BESVARAD)
                .iter()
                .map(|i| i.field)
                .collect::<Vec<_>>(),
            vec!["outcome", "answered_on"]
        );
        d.outcome = Some("bifall".into());
        d.answered_on = Some(date(2026, 10, 1));
        assert!(step_rules(&d, BESVARAD).is_empty());
    }

    #[test]
    fn removing_the_identity_keeps_what_the_figures_count_and_names_the_rule() {
        use crate::request::retention::Applied;
        let mut d = request();
        d.requester = Some(Requester {
            name: "Eva Exempel".into(),
            contact: Some("eva@example.se".into()),
            category: Some("Vårdnadshavare".into()),
        });
        d.description = Some("Eva vill se sitt barns uppgifter".into());
        d.identity_method = Some("BankID".into());
        d.searched = Some("Fann Eva i elevregistret".into());
        d.outcome = Some("bifall".into());
        d.answered_on = Some(date(2026, 10, 1));
        let counted = |d: &RequestDetails| {
            (
                d.request_type.clone(),
                d.received_on,
                d.answered_on,
                d.outcome.clone(),
                d.due_on(),
            )
        };
        let before = counted(&d);
        d.remove_identity(Applied::Granted { months: 6 }, date(2027, 4, 1));
        let json = serde_json::to_string(&d).expect("json");
        assert!(!json.contains("Eva"), "{json}");
        assert!(!json.contains("BankID"), "{json}");
        assert_eq!(counted(&d), before);
        assert_eq!(
            d.identity_removed.as_ref().map(|r| r.rule.as_str()),
            Some("bifall: 6 månader efter svaret")
        );
        assert!(
            Requests::check(&d).is_empty(),
            "valid without a name once removed"
        );
        assert_eq!(Requests::title(&d), REMOVED_NAME);
    }

    #[test]
    fn the_audit_trail_never_holds_the_requesters_identity() {
        let mut d = request();
        d.description = Some("Eva vill se allt".into());
        d.searched = Some("Eva finns i elevregistret".into());
        let seen = Requests::audit_view(&d).expect("a view");
        let json = serde_json::to_string(&seen).expect("json");
        assert!(!json.contains("Eva"), "{json}");
        assert!(json.contains(HIDDEN));
        assert_eq!(seen.received_on, d.received_on);
        assert_eq!(seen.request_type, d.request_type);
    }

    #[test]
    fn the_worklist_counts_down_to_the_end_of_the_last_day_in_stockholm() {
        // 12 October 2026 ends at midnight summer time: 22:00 UTC.
        assert_eq!(
            end_of_day(date(2026, 10, 12)).as_deref(),
            Some("2026-10-12T22:00:00.000000Z")
        );
        // 10 December 2026 ends at midnight winter time: 23:00 UTC.
        assert_eq!(
            end_of_day(date(2026, 12, 10)).as_deref(),
            Some("2026-12-10T23:00:00.000000Z")
        );
    }
}
