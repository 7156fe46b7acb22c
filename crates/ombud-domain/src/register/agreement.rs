//! Processor agreements (personuppgiftsbiträdesavtal, PUB-avtal, GDPR art. 28): with the processors
//! that process for us, and with the controllers we process for — declared as a kind of the register
//! kernel. Each records its sub-processors (art. 28.2 and 28.4), transfers to third countries and
//! their safeguard (chapter V), the exit plan, and a log of compliance checks
//! (efterlevnadskontroller, art. 28.3 h).
//!
//! The compliance log only grows: a check is appended with [`AgreementDetails::append_check`], stamped
//! with who recorded it and when, and is never edited afterwards (the kernel keeps the field from the
//! record's own form and body), so that the log shows what was known at each check.

use super::processing::{Transfer, transfer_fields};
use crate::ids::RecordId;
use crate::kernel::field::{Field, Opt, Section, opt, section, t2};
use crate::kernel::gaps::GapRule;
use crate::kernel::query::{Cond, Filter, FilterKind};
use crate::kernel::{
    Access, Column, ColumnType, ColumnValue, Descriptor, Kind, KindInfo, Noun, SheetTexts,
};
use crate::role::Role;
use crate::{Invalid, Lang, Rule, text};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub const NAME_MAX: usize = 200;
pub const TEXT_MAX: usize = 10_000;
/// Longest one-line value: a counterparty, a reference, a country.
pub const LINE_MAX: usize = 300;
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

pub const DIRECTIONS: &[Opt] = &[
    opt(
        "they_process_for_us",
        "Motparten är vårt personuppgiftsbiträde",
        "The counterparty processes for us",
    ),
    opt(
        "we_process_for_them",
        "Vi är motpartens personuppgiftsbiträde",
        "We process for the counterparty",
    ),
];

impl Direction {
    pub const ALL: [Direction; 2] = [Direction::TheyProcessForUs, Direction::WeProcessForThem];

    pub fn as_str(self) -> &'static str {
        DIRECTIONS[self as usize].code
    }

    pub fn parse(s: &str) -> Option<Direction> {
        Direction::ALL.into_iter().find(|d| d.as_str() == s.trim())
    }

    pub fn label(self, lang: Lang) -> &'static str {
        DIRECTIONS[self as usize].label.get(lang)
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
    /// When the check was carried out.
    pub checked_on: Date,
    /// What it found.
    pub finding: String,
    /// What is to be done about it.
    #[serde(default)]
    pub follow_up: Option<String>,
    /// When the follow-up is due.
    #[serde(default)]
    pub follow_up_due: Option<Date>,
    /// Who recorded it, and when (UTC, storage form).
    pub recorded_by: String,
    pub recorded_at: String,
}

/// A compliance check as a person reports it, before it is checked, stamped and appended.
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

/// A compliance check that has passed its rules, ready to be stamped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedComplianceCheck {
    pub checked_on: Date,
    pub finding: String,
    pub follow_up: Option<String>,
    pub follow_up_due: Option<Date>,
}

fn optional_date(field: &'static str, value: Option<&str>) -> Result<Option<Date>, Invalid> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse::<Date>()
            .map(Some)
            .map_err(|_| Invalid::new(field, Rule::InvalidDate)),
    }
}

impl NewComplianceCheck {
    /// Checks the report: a check has a finding and a date that has come (`today` in Sweden), and
    /// its follow-up cannot be due before the check.
    pub fn validate(self, today: Date) -> Result<CheckedComplianceCheck, Vec<Invalid>> {
        let mut errors = Vec::new();
        let checked_on = match optional_date("checked_on", Some(&self.checked_on)) {
            Ok(Some(on)) if on > today => {
                errors.push(Invalid::new("checked_on", Rule::DateInFuture));
                None
            }
            Ok(Some(on)) => Some(on),
            Ok(None) => {
                errors.push(Invalid::new("checked_on", Rule::Required));
                None
            }
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let finding = match text::optional_text("finding", Some(&self.finding), TEXT_MAX) {
            Ok(Some(f)) => Some(f),
            Ok(None) => {
                errors.push(Invalid::new("finding", Rule::Required));
                None
            }
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let follow_up = text::optional_text("follow_up", self.follow_up.as_deref(), TEXT_MAX)
            .map_err(|e| errors.push(e))
            .ok()
            .flatten();
        let follow_up_due = match optional_date("follow_up_due", self.follow_up_due.as_deref()) {
            Ok(Some(due)) if checked_on.is_some_and(|on| due < on) => {
                errors.push(Invalid::new("follow_up_due", Rule::DateTooEarly));
                None
            }
            Ok(due) => due,
            Err(e) => {
                errors.push(e);
                None
            }
        };
        match (checked_on, finding) {
            (Some(checked_on), Some(finding)) if errors.is_empty() => Ok(CheckedComplianceCheck {
                checked_on,
                finding,
                follow_up,
                follow_up_due,
            }),
            _ => Err(errors),
        }
    }
}

impl CheckedComplianceCheck {
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
    /// The other party: our processor, or the controller we process for.
    pub counterparty: String,
    /// A title; without one, the agreement goes by its counterparty (see [`AgreementDetails::title`]).
    pub name: Option<String>,
    pub direction: Direction,
    /// The registration number (diarienummer) or other reference of the signed agreement.
    pub reference: Option<String>,
    /// What the agreement covers: the service, the processing.
    pub description: Option<String>,
    pub signed_on: Option<Date>,
    /// When the agreement is next to be reviewed.
    pub review_on: Option<Date>,
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

    /// Appends a checked check to the log, keeping the log within [`CHECKS_MAX`].
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

    /// The date of the latest compliance check.
    pub fn last_checked_on(&self) -> Option<Date> {
        self.compliance_checks.iter().map(|c| c.checked_on).max()
    }

    /// Whether the review date has passed on `today`.
    pub fn review_overdue(&self, today: Date) -> bool {
        self.review_on.is_some_and(|d| d < today)
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

// ---------------------------------------------------------------------------------------------
// The declaration

/// Who keeps the agreements.
pub const EDITORS: &[Role] = &[
    Role::RecordsKeeper,
    Role::SystemOwner,
    Role::Dpo,
    Role::Management,
];

const SECTIONS: &[Section] = &[
    section("about", "Om avtalet", "About the agreement"),
    section("dates", "Datum", "Dates"),
    section("subs", "Underbiträden", "Sub-processors"),
    section(
        "transfers",
        "Överföring till tredjeland",
        "Transfers to third countries",
    ),
    section("exit", "När avtalet upphör", "When the agreement ends"),
];

const SUB_FIELDS: &[Field] = &[
    Field::line("sub_processors.name", t2("Namn", "Name"), LINE_MAX)
        .required()
        .hint(
            "Underbiträdets företagsnamn.",
            "The sub-processor's company name.",
        ),
    Field::line("sub_processors.service", t2("Tjänst", "Service"), LINE_MAX).hint(
        "Vad underbiträdet gör, t.ex. drift, support eller lagring.",
        "What the sub-processor does, e.g. operations, support or storage.",
    ),
    Field::line("sub_processors.country", t2("Land", "Country"), LINE_MAX).hint(
        "Landet där underbiträdet behandlar uppgifterna.",
        "The country where the sub-processor processes the data.",
    ),
];

const FIELDS: &[Field] = &[
    Field::line("counterparty", t2("Motpart", "Counterparty"), LINE_MAX)
        .required()
        .section("about")
        .headers(&["Motpart", "Personuppgiftsbiträde", "Leverantör"])
        .hint(
            "Företaget eller organisationen som avtalet är tecknat med.",
            "The company or organisation the agreement is made with.",
        ),
    Field::line("name", t2("Avtalets namn", "Name of the agreement"), NAME_MAX)
        .section("about")
        .headers(&["Avtal", "Avtalets namn"])
        .hint(
            "Ett namn som skiljer avtalet från andra, t.ex. ”PUB-avtal Procapita”. Lämnar du fältet tomt visas motparten som namn.",
            "A name that tells the agreement from others, e.g. “DPA Procapita”. Left empty, the counterparty is shown as its name.",
        ),
    Field::pick("direction", t2("Riktning", "Direction"), DIRECTIONS)
        .section("about")
        .headers(&["Riktning"])
        .hint(
            "Välj om motparten behandlar personuppgifter åt er, eller om ni behandlar personuppgifter åt motparten.",
            "Choose whether the counterparty processes personal data for you, or you for the counterparty.",
        ),
    Field::line(
        "reference",
        t2("Diarienummer eller annan referens", "Registration number or other reference"),
        LINE_MAX,
    )
    .section("about")
    .headers(&["Diarienummer", "Referens"])
    .hint(
        "Var det undertecknade avtalet finns, t.ex. diarienummer ”KS 2026/123”.",
        "Where the signed agreement is, e.g. registration number “KS 2026/123”.",
    ),
    Field::text(
        "description",
        t2("Vad avtalet gäller", "What the agreement covers"),
        TEXT_MAX,
    )
    .section("about")
    .headers(&["Beskrivning", "Vad avtalet gäller"])
    .hint(
        "Tjänsten eller behandlingen som avtalet omfattar, med egna ord.",
        "The service or processing the agreement covers, in your own words.",
    ),
    Field::date("signed_on", t2("Undertecknat", "Signed"))
        .section("dates")
        .headers(&["Undertecknat", "Avtalsdatum"])
        .hint(
            "Dagen då avtalet undertecknades.",
            "The day the agreement was signed.",
        ),
    Field::date("review_on", t2("Nästa översyn", "Next review"))
        .section("dates")
        .headers(&["Nästa översyn"])
        .hint(
            "När avtalet ska ses över nästa gång, t.ex. inför förlängning. Efter datumet visas översynen som försenad.",
            "When the agreement is next to be reviewed, e.g. before renewal. After the date the review shows as overdue.",
        ),
    Field::rows(
        "sub_processors",
        t2("Underbiträden", "Sub-processors"),
        SUB_FIELDS,
    )
    .section("subs")
    .hint(
        "En rad per underbiträde som motparten anlitar.",
        "One row per sub-processor the counterparty engages.",
    ),
    Field::rows(
        "third_country_transfers",
        t2("Överföring till tredjeland", "Transfers to third countries"),
        transfer_fields!("third_country_transfers"),
    )
    .section("transfers")
    .hint(
        "En rad per land utanför EU/EES. Lämna tomt om inga uppgifter förs dit.",
        "One row per country outside the EU/EEA. Leave empty if no data goes there.",
    ),
    Field::text("exit_plan", t2("Exitplan", "Exit plan"), TEXT_MAX)
        .section("exit")
        .headers(&["Exitplan"])
        .hint(
            "Hur uppgifterna lämnas tillbaka eller raderas när avtalet upphör, och inom vilken tid.",
            "How the data is returned or deleted when the agreement ends, and within what time.",
        ),
    Field::kept(
        "compliance_checks",
        t2("Efterlevnadskontroller", "Compliance checks"),
    )
    .section("exit"),
];

const FILTERS: &[Filter] = &[
    Filter {
        param: "direction",
        ui: "riktning",
        label: t2("Riktning", "Direction"),
        kind: FilterKind::OneOf {
            column: "direction",
            opts: DIRECTIONS,
        },
    },
    Filter {
        param: "review_overdue",
        ui: "forsenad",
        label: t2("Översyn", "Review"),
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
        name: "counterparty",
        ty: ColumnType::Text,
    },
    Column {
        name: "direction",
        ty: ColumnType::Text,
    },
    Column {
        name: "signed_on",
        ty: ColumnType::Text,
    },
];

pub static INFO: KindInfo = KindInfo {
    kind: Kind::Agreement,
    code: "agreement",
    table: "agreements",
    api: "agreements",
    ui: "avtal",
    noun: Noun {
        one: t2("avtal", "agreement"),
        many: t2("avtal", "agreements"),
        the: t2("Avtalet", "The agreement"),
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
    review: t2("Nästa översyn", "Next review"),
    overdue_gap: Some(GapRule::AgreementReviewOverdue),
    link_gaps: &[],
    list_details: true,
    sheet: SheetTexts {
        same_name: t2(
            "Samma avtal som rad {row}: ge raderna olika namn eller en id-kolumn.",
            "The same agreement as row {row}: give the rows different names or an id column.",
        ),
        file_stem: "personuppgiftsbitradesavtal",
    },
    document: None,
    deadline: None,
    create_sections: &[],
};

/// Processor agreements, as a kind of the register kernel.
pub struct Agreements;

impl Descriptor for Agreements {
    const KIND: Kind = Kind::Agreement;
    type Details = AgreementDetails;

    fn check(d: &AgreementDetails) -> Vec<Invalid> {
        match (d.signed_on, d.review_on) {
            (Some(signed), Some(review)) if review < signed => {
                vec![Invalid::new("review_on", Rule::DateTooEarly)]
            }
            _ => Vec::new(),
        }
    }

    fn title(d: &AgreementDetails) -> &str {
        d.title()
    }

    fn search_text(d: &AgreementDetails) -> String {
        d.search_text()
    }

    fn review_on(d: &AgreementDetails) -> Option<Date> {
        d.review_on
    }

    fn columns(d: &AgreementDetails) -> Vec<ColumnValue> {
        vec![
            ColumnValue::Text(Some(d.counterparty.clone())),
            ColumnValue::Text(Some(d.direction.as_str().into())),
            ColumnValue::date(d.signed_on),
        ]
    }

    fn content_gaps(_d: &AgreementDetails) -> Vec<GapRule> {
        Vec::new()
    }

    fn links(_d: &AgreementDetails) -> Vec<(Kind, Vec<RecordId>)> {
        Vec::new()
    }

    fn set_links(_d: &mut AgreementDetails, _kind: Kind, _ids: Vec<RecordId>) {}

    fn facts(d: &AgreementDetails, today: Date, lang: Lang) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("title".into(), Value::String(d.title().into()));
        m.insert(
            "direction_label".into(),
            Value::String(d.direction.label(lang).into()),
        );
        m.insert(
            "last_checked_on".into(),
            d.last_checked_on()
                .map_or(Value::Null, |d| Value::String(d.to_string())),
        );
        m.insert(
            "review_overdue".into(),
            Value::Bool(d.review_overdue(today)),
        );
        m.insert(
            "transfers_without_safeguard".into(),
            Value::from(d.transfers_without_safeguard()),
        );
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::parse::{Refusal, Source, parse, parse_from};
    use crate::kernel::sheet::{ExportRecord, Mapping, export_headers, export_row, plan};
    use crate::register::processing::Safeguard;
    use serde_json::json;

    fn today() -> Date {
        jiff::civil::date(2026, 11, 25)
    }

    #[test]
    fn an_agreement_past_its_review_date_has_a_gap() {
        use crate::kernel::{Incoming, all_gaps};
        let d = |v: Value| parse::<Agreements>(draft(v)).map(|v| v.into_inner());
        let Ok(late) = d(json!({"counterparty": "Tieto", "review_on": "2026-11-24"})) else {
            panic!("valid")
        };
        assert_eq!(
            all_gaps::<Agreements>(&late, &Incoming::default(), today()),
            vec![GapRule::AgreementReviewOverdue]
        );
        let Ok(due) = d(json!({"counterparty": "Tieto", "review_on": "2026-11-25"})) else {
            panic!("valid")
        };
        assert!(all_gaps::<Agreements>(&due, &Incoming::default(), today()).is_empty());
    }

    fn draft(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
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
        let a =
            parse::<Agreements>(draft(json!({"counterparty": "  Tieto Evry AB "}))).expect("valid");
        assert_eq!(a.counterparty, "Tieto Evry AB");
        assert_eq!(a.direction, Direction::TheyProcessForUs);
        assert_eq!(a.title(), "Tieto Evry AB");
        assert_eq!(
            parse::<Agreements>(draft(json!({"counterparty": " "}))),
            Err(Refusal::Invalid(vec![Invalid::new(
                "counterparty",
                Rule::Required
            )]))
        );
    }

    #[test]
    fn a_name_when_given_is_the_title() {
        let a = parse::<Agreements>(draft(
            json!({"counterparty": "Tieto Evry AB", "name": " PUB-avtal Procapita "}),
        ))
        .expect("valid");
        assert_eq!(a.title(), "PUB-avtal Procapita");
        let blank = parse::<Agreements>(draft(
            json!({"counterparty": "Tieto Evry AB", "name": "  "}),
        ))
        .expect("valid");
        assert_eq!(blank.name, None);
        assert_eq!(blank.title(), "Tieto Evry AB");
    }

    #[test]
    fn a_review_before_the_signing_is_refused() {
        assert_eq!(
            parse::<Agreements>(draft(
                json!({"counterparty": "X", "signed_on": "2026-05-01",
                "review_on": "2026-04-30"})
            )),
            Err(Refusal::Invalid(vec![Invalid::new(
                "review_on",
                Rule::DateTooEarly
            )]))
        );
    }

    #[test]
    fn sub_processors_and_transfers_need_a_name_and_a_country() {
        assert_eq!(
            parse::<Agreements>(draft(
                json!({"counterparty": "X", "sub_processors": [{"name": " "}],
                "third_country_transfers": [{"country": ""}]})
            )),
            Err(Refusal::Invalid(vec![
                Invalid::at_row("sub_processors.name", Rule::Required, 0),
                Invalid::at_row("third_country_transfers.country", Rule::Required, 0),
            ]))
        );
    }

    #[test]
    fn transfers_reuse_the_safeguards_of_the_processing_register() {
        let a = parse::<Agreements>(draft(json!({"counterparty": "Microsoft",
            "third_country_transfers": [{"country": "USA", "safeguard": "data_privacy_framework"},
            {"country": "Indien"}]})))
        .expect("valid");
        assert_eq!(
            a.third_country_transfers[0].safeguard,
            Some(Safeguard::DataPrivacyFramework)
        );
        assert_eq!(a.transfers_without_safeguard(), 1);
    }

    #[test]
    fn a_direction_is_one_of_two_and_the_log_is_the_servers() {
        for d in Direction::ALL {
            assert_eq!(Direction::parse(d.as_str()), Some(d));
            assert_ne!(d.label(Lang::Sv), d.label(Lang::En));
        }
        assert_eq!(Direction::parse("both"), None);
        assert!(matches!(
            parse::<Agreements>(draft(json!({"counterparty": "x", "direction": "both"}))),
            Err(Refusal::Unreadable(_))
        ));
        assert!(matches!(
            parse::<Agreements>(draft(json!({"counterparty": "x", "compliance_checks": []}))),
            Err(Refusal::Unreadable(_))
        ));
        let stored = parse_from::<Agreements>(
            draft(json!({"counterparty": "x", "compliance_checks": [{"id": "c", "checked_on": "2026-01-01",
                "finding": "ok", "recorded_by": "A", "recorded_at": "2026-01-01T10:00:00.000000Z"}]})),
            Source::Stored,
        )
        .expect("the stored log passes through");
        assert_eq!(stored.compliance_checks.len(), 1);
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
        assert_eq!(ok.checked_on, today());
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
        let mut a = AgreementDetails {
            counterparty: "X".into(),
            ..Default::default()
        };
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
        assert_eq!(a.last_checked_on(), Some(jiff::civil::date(2026, 10, 1)));
    }

    #[test]
    fn the_log_is_bounded() {
        let entry = check("2026-01-01", "ok")
            .validate(today())
            .expect("valid")
            .recorded("x".into(), "y", "z");
        let mut a = AgreementDetails {
            compliance_checks: vec![entry.clone(); CHECKS_MAX],
            ..Default::default()
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
            review_on: Some(today()),
            ..Default::default()
        };
        assert!(!a.review_overdue(today()));
        assert!(a.review_overdue(jiff::civil::date(2026, 11, 26)));
        assert!(!AgreementDetails::default().review_overdue(today()));
    }

    #[test]
    fn search_text_covers_counterparty_reference_and_sub_processors() {
        let a = AgreementDetails {
            counterparty: "Tieto Evry AB".into(),
            reference: Some("KS 2026/123".into()),
            sub_processors: vec![SubProcessor {
                name: "Amazon Web Services".into(),
                service: None,
                country: None,
            }],
            ..Default::default()
        };
        let s = a.search_text();
        assert!(s.contains("tieto evry") && s.contains("ks 2026/123") && s.contains("amazon"));
    }

    #[test]
    fn an_exported_register_imports_back_unchanged() {
        let full = parse::<Agreements>(draft(json!({"counterparty": "Tietoevry Sweden AB",
            "name": "PUB-avtal Lifecare", "direction": "we_process_for_them", "reference": "KS 2026/12",
            "description": "Drift av verksamhetssystemet", "signed_on": "2026-01-10",
            "review_on": "2027-01-10", "exit_plan": "Data återlämnas inom 30 dagar."})))
        .expect("valid")
        .into_inner();
        let bare = parse::<Agreements>(draft(json!({"counterparty": "Visma"})))
            .expect("valid")
            .into_inner();
        for lang in [Lang::Sv, Lang::En] {
            let rows: Vec<Vec<String>> = [("a-1", &full), ("a-2", &bare)]
                .iter()
                .map(|(id, d)| {
                    export_row::<Agreements>(
                        &ExportRecord {
                            id,
                            organisation: "Kommunstyrelsen",
                            status: None,
                            details: d,
                        },
                        lang,
                    )
                })
                .collect();
            let p = plan::<Agreements>(
                &export_headers(&INFO, lang),
                &rows,
                &Mapping::default_for(&INFO),
                lang,
            );
            assert_eq!(p.problems, vec![], "{lang:?}");
            assert_eq!(p.rows[0].details.get(), &full, "{lang:?}");
            assert_eq!(p.rows[1].details.get(), &bare, "{lang:?}");
        }
    }
}
