//! The register kernel: every record type of Ombud is a *kind*, declared once.
//!
//! A kind is a [`Descriptor`]: its typed details (the valid value), how a draft parses into them
//! ([`parse`]), its fields with their labels, hints, inputs, sections and spreadsheet headers
//! ([`field`]), the columns its lists filter and sort on, the gaps it can have ([`gaps`]), its links
//! to other kinds, who reads and who edits it, and its workflow if it has one ([`workflow`]).
//!
//! [`Kind`] is the closed list of kinds — the one registry that navigation, the gaps page, record
//! links, history labels, import, export and the tests walk. Adding a kind is: its descriptor module,
//! a variant here, a migration with its table, a message file with its page texts, and whatever
//! routes are really its own.

pub mod field;
pub mod gaps;
pub mod parse;
pub mod patch;
pub mod query;
pub mod sheet;
pub mod workflow;

use crate::Invalid;
use crate::ids::RecordId;
use crate::register::{agreement, breach, processing, request, system};
use crate::role::Role;
use field::{Field, Section, Text2};
use gaps::GapRule;
use jiff::civil::Date;
use query::Filter;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use workflow::Workflow;

/// Every kind of record Ombud keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A processing activity of the register of processing activities (GDPR art. 30).
    ProcessingActivity,
    /// An IT system with its information classification.
    System,
    /// A processor agreement (GDPR art. 28).
    Agreement,
    /// A personal data breach (GDPR art. 33–34).
    Breach,
    /// A data subject request (GDPR art. 15–22).
    Request,
}

impl Kind {
    /// Every kind, in the order navigation shows them.
    pub const ALL: [Kind; 5] = [
        Kind::ProcessingActivity,
        Kind::System,
        Kind::Agreement,
        Kind::Breach,
        Kind::Request,
    ];

    /// The kind's place in [`Kind::ALL`], for tables kept per kind.
    pub const fn index(self) -> usize {
        match self {
            Kind::ProcessingActivity => 0,
            Kind::System => 1,
            Kind::Agreement => 2,
            Kind::Breach => 3,
            Kind::Request => 4,
        }
    }

    /// What the kind declares about itself.
    pub fn info(self) -> &'static KindInfo {
        match self {
            Kind::ProcessingActivity => &processing::INFO,
            Kind::System => &system::INFO,
            Kind::Agreement => &agreement::INFO,
            Kind::Breach => &breach::INFO,
            Kind::Request => &request::INFO,
        }
    }

    /// The stable code: the record type in the audit trail and in links (`processing_activity`).
    pub fn code(self) -> &'static str {
        self.info().code
    }

    pub fn parse(code: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// How a kind is named in running text: "1 behandling", "12 behandlingar", "Behandlingen".
#[derive(Debug, Clone, Copy)]
pub struct Noun {
    pub one: Text2,
    pub many: Text2,
    /// The definite form, as a sentence starts with it.
    pub the: Text2,
}

/// Who may read and who may change a kind's records, where they hold the role (see `authz`).
#[derive(Debug, Clone, Copy)]
pub struct Access {
    pub read: &'static [Role],
    pub edit: &'static [Role],
    /// Who may register a new record: the editors, or for a report anyone with a role there.
    pub create: &'static [Role],
    /// Where the person who registered a record may read it afterwards without reading the kind (a
    /// breach's reporter): the derived column that holds their id (see [`Descriptor::creator`]).
    pub creator_column: Option<&'static str>,
}

/// A column kept beside the record's document, derived from it on every write, for lists to filter,
/// sort and count on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub ty: ColumnType,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// TEXT (dates are kept as `YYYY-MM-DD` text).
    Text,
    /// INTEGER, a count.
    Int,
    /// INTEGER 0/1, a yes or no.
    Flag,
}

/// A derived column's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnValue {
    Text(Option<String>),
    Int(i64),
}

impl ColumnValue {
    pub fn flag(b: bool) -> ColumnValue {
        ColumnValue::Int(i64::from(b))
    }

    pub fn date(d: Option<Date>) -> ColumnValue {
        ColumnValue::Text(d.map(|d| d.to_string()))
    }

    /// The value as text, as a list row carries it.
    pub fn as_text(&self) -> String {
        match self {
            ColumnValue::Text(t) => t.clone().unwrap_or_default(),
            ColumnValue::Int(i) => i.to_string(),
        }
    }
}

/// The texts an import of the kind says about a sheet.
#[derive(Debug, Clone, Copy)]
pub struct SheetTexts {
    /// Said when two rows without ids share a name (`{row}` is the first row's number).
    pub same_name: Text2,
    /// The file name's stem of an export, e.g. `registerforteckning`.
    pub file_stem: &'static str,
}

/// What a kind declares about itself, the same for every record of it.
#[derive(Debug)]
pub struct KindInfo {
    pub kind: Kind,
    /// The record type in the audit trail and in links.
    pub code: &'static str,
    /// The table its records are kept in.
    pub table: &'static str,
    /// Its resource under `/api/v1/`, e.g. `processing-activities`.
    pub api: &'static str,
    /// Its pages' path, e.g. `behandlingar`.
    pub ui: &'static str,
    pub noun: Noun,
    /// The sections of its form and record page, in order.
    pub sections: &'static [Section],
    /// Its fields, in form order.
    pub fields: &'static [Field],
    /// The columns derived from the details beside the common ones (see [`Descriptor::columns`]).
    pub columns: &'static [Column],
    /// The filters its lists offer.
    pub filters: &'static [Filter],
    pub access: Access,
    pub workflow: Option<&'static Workflow>,
    /// What the date that [`Descriptor::review_on`] gives is called ("Nästa översyn").
    pub review: Text2,
    /// The gap a passed review date is, where it is one (a processing activity's yearly review, a
    /// system's classification, an agreement's review).
    pub overdue_gap: Option<GapRule>,
    /// Whether lists carry each record's whole details (a short record) or only its columns.
    pub list_details: bool,
    /// The gaps a record has when records of another kind do not link to it.
    pub link_gaps: &'static [LinkGap],
    pub sheet: SheetTexts,
    /// The kind's register as a document (a PDF), for kinds that have one.
    pub document: Option<DocumentTexts>,
    /// A deadline the kind's records run against while in some states (a breach's 72 hours): the
    /// worklist counts it down.
    pub deadline: Option<Deadline>,
    /// The sections a new record is registered with (a breach's report: what happened, whose data);
    /// the rest is added by those who edit. Empty: all of them.
    pub create_sections: &'static [&'static str],
}

/// A deadline of a kind's records: the derived column holding the instant, and the workflow states
/// in which the clock runs.
#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    pub column: &'static str,
    pub label: Text2,
    pub running_in: &'static [&'static str],
}

/// What a kind's register as a document says about itself.
#[derive(Debug, Clone, Copy)]
pub struct DocumentTexts {
    pub title: Text2,
    pub intro: Text2,
}

impl KindInfo {
    /// Whether a record's review date has passed, as lists and records mark it. For a kind whose
    /// date is a deadline, only while the clock runs: a breach notified in time is not late because
    /// its 72 hours are over.
    pub fn is_overdue(&self, status: Option<&str>, review_on: Option<Date>, today: Date) -> bool {
        let running = match (self.deadline, self.workflow) {
            (Some(d), Some(w)) => d.running_in.contains(&status.unwrap_or(w.initial)),
            (Some(d), None) => status.is_none_or(|s| d.running_in.contains(&s)),
            (None, _) => true,
        };
        running && gaps::is_overdue(review_on, today)
    }

    /// The field of this name, anywhere among the kind's fields.
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        field::find(self.fields, name)
    }

    /// The fields that link to other kinds, with the kind each names.
    pub fn link_fields(&self) -> impl Iterator<Item = (&'static Field, Kind)> {
        self.fields.iter().filter_map(|f| match f.input {
            field::Input::Links(k) => Some((f, k)),
            _ => None,
        })
    }

    /// The kinds whose records may link to this one, with the field they do it by. Worked out once
    /// per kind: every read of a record and of a list page asks.
    pub fn linked_from(&self) -> &'static [(Kind, &'static Field)] {
        type Links = Vec<(Kind, &'static Field)>;
        static LINKED_FROM: [std::sync::OnceLock<Links>; Kind::ALL.len()] =
            [const { std::sync::OnceLock::new() }; Kind::ALL.len()];
        let to = self.kind;
        LINKED_FROM[to.index()].get_or_init(|| {
            Kind::ALL
                .into_iter()
                .flat_map(|k| {
                    k.info()
                        .link_fields()
                        .filter(|(_, t)| *t == to)
                        .map(move |(f, _)| (k, f))
                })
                .collect()
        })
    }

    /// Whether a field is part of registering a new record (see [`KindInfo::create_sections`]).
    pub fn registered_with(&self, field: &Field) -> bool {
        self.create_sections.is_empty() || self.create_sections.contains(&field.section)
    }

    pub fn readers(&self) -> &'static [Role] {
        self.access.read
    }
}

/// A gap of a record that no record of `from` links to while its 0/1 column `when` is 1 (a system
/// holding personal data that no processing activity names).
#[derive(Debug, Clone, Copy)]
pub struct LinkGap {
    pub rule: GapRule,
    pub when: &'static str,
    pub from: Kind,
}

/// The gaps of a record that follow from its links, by its kind's [`LinkGap`]s.
pub fn link_gaps<D: Descriptor>(d: &D::Details, incoming: &Incoming) -> Vec<GapRule> {
    let info = D::info();
    let values = D::columns(d);
    info.link_gaps
        .iter()
        .filter(|lg| {
            info.columns
                .iter()
                .position(|c| c.name == lg.when)
                .and_then(|i| values.get(i))
                == Some(&ColumnValue::Int(1))
                && incoming.count(lg.from) == 0
        })
        .map(|lg| lg.rule)
        .collect()
}

/// Every gap of a record: its contents', a passed review date where the kind counts it, its links'.
pub fn all_gaps<D: Descriptor>(d: &D::Details, incoming: &Incoming, today: Date) -> Vec<GapRule> {
    let mut g = D::content_gaps(d);
    if let Some(rule) = D::info().overdue_gap
        && gaps::is_overdue(D::review_on(d), today)
    {
        g.push(rule);
    }
    g.extend(link_gaps::<D>(d, incoming));
    g
}

/// How many records of each kind link to one record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Incoming(pub Vec<(Kind, Vec<RecordId>)>);

impl Incoming {
    pub fn count(&self, kind: Kind) -> usize {
        self.0
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, ids)| ids.len())
            .sum()
    }

    pub fn ids(&self, kind: Kind) -> &[RecordId] {
        self.0
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, ids)| ids.as_slice())
            .unwrap_or_default()
    }
}

/// What a workflow step knows about when and by whom it is taken.
#[derive(Debug, Clone)]
pub struct StepContext<'a> {
    pub today: Date,
    /// The instant, in storage form.
    pub now: &'a str,
    pub actor_name: &'a str,
}

/// A kind of record: everything the kernel needs to store, check, list, show, import and export it.
pub trait Descriptor: Send + Sync + Sized + 'static {
    const KIND: Kind;

    /// The record's contents, valid: what a [`parse`](parse::parse) of a draft gives.
    type Details: Serialize + DeserializeOwned + Clone + PartialEq + std::fmt::Debug + Send + Sync;

    fn info() -> &'static KindInfo {
        Self::KIND.info()
    }

    /// Rules across fields, checked after every field parsed on its own.
    fn check(_d: &Self::Details) -> Vec<Invalid> {
        Vec::new()
    }

    /// What the record is called in lists, links and headings.
    fn title(d: &Self::Details) -> &str;

    /// Lower-case text that a search matches words against.
    fn search_text(d: &Self::Details) -> String;

    /// When the record is next to be reviewed (for sorting, and overdue when passed).
    fn review_on(d: &Self::Details) -> Option<Date>;

    /// The derived columns, in the order of [`KindInfo::columns`].
    fn columns(d: &Self::Details) -> Vec<ColumnValue>;

    /// The gaps that follow from the contents alone (kept with the record when it is written).
    fn content_gaps(d: &Self::Details) -> Vec<GapRule>;

    /// The records of other kinds this one names, by kind.
    fn links(d: &Self::Details) -> Vec<(Kind, Vec<RecordId>)>;

    /// Replaces the records of `kind` this one names (for keeping links a form could not show).
    fn set_links(d: &mut Self::Details, kind: Kind, ids: Vec<RecordId>);

    /// Facts that follow from the record, shown beside its fields (`classified`, `title`, …).
    fn facts(_d: &Self::Details, _today: Date, _lang: crate::Lang) -> Map<String, Value> {
        Map::new()
    }

    /// What a workflow step does to the record besides moving it (an approval sets the next review).
    fn on_step(
        _d: &mut Self::Details,
        _state: &mut Map<String, Value>,
        _to: &str,
        _ctx: &StepContext<'_>,
    ) {
    }

    /// Who registered the record, where the kind keeps it ([`Access::creator_column`]).
    fn creator(_d: &Self::Details) -> Option<&str> {
        None
    }

    /// What the person who registered a record sees of it when they may not read the kind.
    fn as_reported(d: &Self::Details) -> Self::Details {
        d.clone()
    }

    /// What the server adds to a new record: who registered it, and when.
    fn on_create(_d: &mut Self::Details, _actor_id: &str, _actor_name: &str, _now: &str) {}

    /// What must be on record before a workflow step to `to` (a breach's DPO consulted before a
    /// decision on notification); `comment` is the reason sent with the step.
    fn step_rules(_d: &Self::Details, _to: &str, _comment: Option<&str>) -> Vec<Invalid> {
        Vec::new()
    }

    /// A spreadsheet row after its cells are read and before it is parsed: the place for rules
    /// across cells (see [`sheet`]).
    fn sheet_row(_row: &mut sheet::RowDraft, _lang: crate::Lang) {}

    /// The details as the audit trail keeps them, when that is less than the record holds: a kind
    /// whose records hold personal data that a retention rule may later remove keeps it out of the
    /// append-only trail from the start (a data subject request's requester). `None`: all of it.
    fn audit_view(_d: &Self::Details) -> Option<Self::Details> {
        None
    }
}

/// Calls back with each kind's descriptor, in [`Kind::ALL`]'s order: the way to do one thing for
/// every kind with its types known.
pub trait KindVisitor {
    fn visit<D: Descriptor>(&mut self);
}

/// Visits every kind.
pub fn for_each_kind(v: &mut impl KindVisitor) {
    v.visit::<processing::Processing>();
    v.visit::<system::Systems>();
    v.visit::<agreement::Agreements>();
    v.visit::<breach::Breaches>();
    v.visit::<request::Requests>();
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Seen(Vec<Kind>);
    impl KindVisitor for Seen {
        fn visit<D: Descriptor>(&mut self) {
            self.0.push(D::KIND);
            assert_eq!(D::info().kind, D::KIND);
        }
    }

    #[test]
    fn the_visitor_and_the_list_name_the_same_kinds() {
        let mut seen = Seen(Vec::new());
        for_each_kind(&mut seen);
        assert_eq!(seen.0, Kind::ALL.to_vec());
    }

    #[test]
    fn every_kind_knows_its_place_in_the_list() {
        for (at, k) in Kind::ALL.into_iter().enumerate() {
            assert_eq!(k.index(), at, "{k:?}");
        }
    }

    #[test]
    fn every_kind_has_its_own_code_table_and_paths() {
        for k in Kind::ALL {
            let i = k.info();
            assert_eq!(Kind::parse(i.code), Some(k));
            for other in Kind::ALL.into_iter().filter(|o| *o != k) {
                let o = other.info();
                assert_ne!(i.table, o.table);
                assert_ne!(i.api, o.api);
                assert_ne!(i.ui, o.ui);
            }
        }
    }

    #[test]
    fn every_field_has_a_label_and_a_section_in_both_languages() {
        for k in Kind::ALL {
            let i = k.info();
            for f in i.fields {
                assert!(
                    !f.label.sv.is_empty() && !f.label.en.is_empty(),
                    "{}",
                    f.name
                );
                assert!(
                    i.sections.iter().any(|s| s.key == f.section),
                    "{} has no section",
                    f.name
                );
            }
            for f in field::walk(i.fields) {
                assert!(!f.label.sv.is_empty(), "{}", f.name);
            }
        }
    }

    #[test]
    fn spreadsheet_codes_are_unique_within_a_kind() {
        for k in Kind::ALL {
            let codes: Vec<&str> = field::walk(k.info().fields)
                .filter(|f| !f.headers.is_empty())
                .map(Field::code)
                .collect();
            let mut sorted = codes.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(codes.len(), sorted.len(), "{k:?}: {codes:?}");
        }
    }
}
