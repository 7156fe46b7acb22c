//! The one repository of every kind's records.
//!
//! Each kind keeps its records in a table of its own with the same common columns — `id`,
//! `organisation_id`, `controller_id` (the owner's controller, so that a controller's register is one
//! index range), `name`, `status`, `state` (the workflow's facts as JSON), `details` (the record as one
//! JSON document), `search_text`, `gap_codes`, `review_on`, `import_key`, `created_at`, `updated_at`,
//! `version` — and its own derived columns beside them ([`KindInfo::columns`]). Everything but the
//! document is derived from it on every write, by the kind's descriptor, never written on its own.
//!
//! Writes take a [`Grant`] for exactly the record they change, so that nothing is written that the
//! policy did not allow; each write records its audit event in the same transaction. Lists take the
//! [`Reach`] the policy computes for reading, the same rule a single read is decided by.

use crate::organisations::Organisation;
use crate::paging::{self, Cursor, Page, PageRequest};
use crate::sql::{Arg, Sql, like_escape};
use crate::{Result, Store, StoreError, WriteTx};
use ombud_domain::audit::Operation;
use ombud_domain::authz::{Action, Grant, Principal, Reach, Scope};
use ombud_domain::ids::{OrganisationId, RecordId};
use ombud_domain::kernel::gaps::GapRule;
use ombud_domain::kernel::parse::Valid;
use ombud_domain::kernel::query::{Cond, Condition, Sort};
use ombud_domain::kernel::{
    ColumnType, ColumnValue, Descriptor, Incoming, Kind, KindInfo, LinkGap,
};
use ombud_domain::{Invalid, Rule};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// A record of a kind as stored: the common fields, the workflow's state, and the details. Its
/// serialisation (details and state flattened beside the common fields) is the audit snapshot.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stored<D> {
    pub id: RecordId,
    pub organisation_id: OrganisationId,
    pub controller_id: Option<OrganisationId>,
    /// The workflow state, for kinds with a workflow.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(flatten)]
    pub state: Map<String, Value>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
    #[serde(flatten)]
    pub details: D,
    /// The owning organisation's path, for authorisation.
    #[serde(skip)]
    pub organisation_path: String,
    /// The owning organisation's name, for pages and exports.
    #[serde(skip)]
    pub organisation_name: String,
}

impl<D> Stored<D> {
    /// Where the record sits, for deciding who may read or change it.
    pub fn scope(&self) -> Scope {
        record_scope(&self.organisation_path, self.controller_id.clone())
    }
}

/// The scope of a record owned by the organisation at `path`.
pub fn record_scope(path: &str, controller_id: Option<OrganisationId>) -> Scope {
    Scope {
        path: path.to_string(),
        controller_id,
        is_top: false,
    }
}

/// Only a list's rows of one organisation's subtree, never past its controller's border.
#[derive(Debug, Clone)]
pub struct Within {
    pub path: String,
    pub controller_id: Option<String>,
    /// A controller's own subtree is its controller column alone, which keeps the query on the
    /// controller's index range (with the path as well, PostgreSQL walks organisations by path).
    pub is_controller: bool,
}

impl Within {
    /// Whether [`push_within`] tests the owning organisation's path (and so needs its row).
    fn reads_path(&self) -> bool {
        !self.is_controller
    }

    pub fn organisation(o: &Organisation) -> Within {
        Within {
            path: o.path.clone(),
            controller_id: o.controller_id.clone(),
            is_controller: o.controller,
        }
    }
}

/// What a list asks for.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub within: Option<Within>,
    /// Words to find (at most eight are used).
    pub words: Option<String>,
    pub conditions: Vec<Condition>,
    /// Text columns that must hold exactly these values (a reporter's own reports: their id).
    pub matching: Vec<(&'static str, String)>,
    /// Today in Sweden, for conditions on dates.
    pub today: Option<jiff::civil::Date>,
    pub sort: Sort,
    /// Rows carry their details and the records that link to them (only for kinds whose lists
    /// have them).
    pub details: bool,
    /// Figures counted with the page (see [`Counted::figures`]): the records within reach and
    /// `within`, whatever the other filters, then those meeting each condition.
    pub figures: &'static [Cond],
}

/// A page of a list with what [`Store::list_counted_of`] counts in the same statement.
#[derive(Debug, Clone)]
pub struct Counted {
    pub page: Page<ListRow>,
    /// How many records the list's filters match in all, by workflow state (one count under
    /// `None` for kinds without a workflow; states without records left out).
    pub counts: Vec<(Option<String>, i64)>,
    /// The figures [`ListQuery::figures`] asks for, in its order after the count of all: the same
    /// as [`Store::figures`] gives for the organisation.
    pub figures: Vec<i64>,
}

/// One row of a list: the common columns as text, the kind's own columns in their declared order,
/// and the details when the kind lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRow {
    pub id: String,
    pub organisation_id: String,
    pub organisation_name: String,
    pub controller_id: Option<String>,
    pub name: String,
    pub status: Option<String>,
    pub review_on: Option<String>,
    pub gap_codes: String,
    pub updated_at: String,
    pub version: i64,
    pub columns: Vec<String>,
    pub details: Option<String>,
    /// The gaps of links it lacks (see [`KindInfo::link_gaps`]), read with the row: a list needs
    /// only whether such links exist, not the links themselves.
    pub link_gaps: Vec<GapRule>,
    /// The records that link to this one, with the details (a list of whole records shows them).
    pub incoming: Incoming,
}

impl ListRow {
    /// The value of one of the kind's own columns.
    pub fn column(&self, info: &KindInfo, name: &str) -> Option<&str> {
        info.columns
            .iter()
            .position(|c| c.name == name)
            .and_then(|i| self.columns.get(i))
            .map(String::as_str)
    }
}

/// Separates the rows of a packed page (ASCII record separator).
const ROW_SEP: char = '\u{1e}';
/// Separates the columns of a packed row (ASCII unit separator). Neither can occur in a stored value:
/// names refuse control characters, JSON escapes them, and the other columns are codes, ids, dates and
/// numbers.
const COL_SEP: char = '\u{1f}';
/// Stands in for a missing review date, after every real one, on both backends.
const NO_REVIEW: &str = "9999-12-31";

const COMMON: [&str; 13] = [
    "id",
    "organisation_id",
    "controller_id",
    "name",
    "status",
    "state",
    "details",
    "search_text",
    "gap_codes",
    "review_on",
    "import_key",
    "created_at",
    "updated_at",
];

fn db(e: impl std::fmt::Display) -> StoreError {
    StoreError::Database(e.to_string())
}

/// A kind's records, each as two text values: its details, and every other column packed after
/// one another ([`COL_SEP`]; read by [`unpack_record`]), the records linking to it last when
/// asked for. Through sqlx's `Any` each column is converted and copied on its own: a dozen of them
/// cost a single-record read more than the two do.
fn select_packed(info: &KindInfo, incoming: bool) -> String {
    let incoming = if incoming {
        format!(", COALESCE({}, '')", incoming_column(info))
    } else {
        String::new()
    };
    format!(
        "SELECT concat_ws('{COL_SEP}', r.id, r.organisation_id, COALESCE(r.controller_id, ''), \
         COALESCE(r.status, ''), r.state, r.created_at, r.updated_at, CAST(r.version AS TEXT), \
         o.path, o.name{incoming}), r.details \
         FROM {} r JOIN organisations o ON o.id = r.organisation_id",
        info.table
    )
}

/// [`select_packed`] for one record by its id (bound next), written once per kind: every read of
/// one record asks, and writing it anew was a sixtieth of such a read.
fn record_by_id(info: &KindInfo, incoming: bool) -> &'static str {
    type Texts = [std::sync::OnceLock<String>; 2];
    static TEXTS: [Texts; Kind::ALL.len()] =
        [const { [const { std::sync::OnceLock::new() }; 2] }; Kind::ALL.len()];
    TEXTS[info.kind.index()][usize::from(incoming)]
        .get_or_init(|| format!("{} WHERE r.id = ", select_packed(info, incoming)))
}

/// Reads what [`select_packed`] wrote: the row, and the records linking to it when asked for (as
/// [`incoming_column`] packs them). None of the packed values can hold [`COL_SEP`] (ids, codes,
/// times, JSON, which escapes control characters, and names, which refuse them), except the links
/// at the end, which are split apart afterwards.
fn unpack_record(
    info: &KindInfo,
    line: &str,
    details: String,
    incoming: bool,
) -> Result<(Row, Option<String>)> {
    let bad = || StoreError::Database(format!("unreadable {} record: {line:?}", info.code));
    let mut f = line.splitn(if incoming { 11 } else { 10 }, COL_SEP);
    let mut next = || f.next().ok_or_else(bad);
    let optional = |v: &str| (!v.is_empty()).then(|| v.to_string());
    let row = Row {
        id: next()?.to_string(),
        organisation_id: next()?.to_string(),
        controller_id: optional(next()?),
        status: optional(next()?),
        state: next()?.to_string(),
        created_at: next()?.to_string(),
        updated_at: next()?.to_string(),
        version: next()?.parse().map_err(|_| bad())?,
        organisation_path: next()?.to_string(),
        organisation_name: next()?.to_string(),
        details,
    };
    let links = if incoming { optional(next()?) } else { None };
    Ok((row, links))
}

/// The records that link to the record `r` as one text value (NULL for none): kind and id per
/// link ([`COL_SEP`]), joined by [`ROW_SEP`]. Read with the record, it saves a second statement on
/// every read of one record. Unordered: an `ORDER BY` inside the aggregate made PostgreSQL set up
/// a sort on every run, dearer than ordering the few links afterwards ([`in_order`]).
fn incoming_column(info: &KindInfo) -> String {
    format!(
        "(SELECT string_agg(l.from_type || '{COL_SEP}' || l.from_id, '{ROW_SEP}') \
         FROM register_links l WHERE l.to_type = '{}' AND l.to_id = r.id)",
        info.kind.code()
    )
}

/// Reads what [`incoming_column`] wrote.
fn parse_incoming(text: &str) -> Incoming {
    let mut out = Incoming::default();
    for link in text.split(ROW_SEP).filter(|l| !l.is_empty()) {
        let mut f = link.split(COL_SEP);
        if let (Some(kind), Some(from)) = (
            f.next().and_then(Kind::parse),
            f.next().and_then(RecordId::parse),
        ) {
            add_link(&mut out, kind, from);
        }
    }
    in_order(&mut out);
    out
}

/// Puts links in their one order, by kind and then id, whatever order the database read them in.
fn in_order(incoming: &mut Incoming) {
    incoming.0.sort_by(|(a, _), (b, _)| a.code().cmp(b.code()));
    for (_, ids) in &mut incoming.0 {
        ids.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    }
}

fn add_link(incoming: &mut Incoming, kind: Kind, from: RecordId) {
    match incoming.0.iter_mut().find(|(k, _)| *k == kind) {
        Some((_, list)) => list.push(from),
        None => incoming.0.push((kind, vec![from])),
    }
}

/// Reads links packed as `to_id`, `from_type`, `from_id` per line ([`COL_SEP`], [`ROW_SEP`]), in
/// any order, into the links to each target.
fn incoming_by_target(packed: &str) -> HashMap<String, Incoming> {
    let mut out: HashMap<String, Incoming> = HashMap::new();
    for line in packed.split(ROW_SEP) {
        let mut f = line.split(COL_SEP);
        let (Some(to_id), Some(kind), Some(from)) = (
            f.next(),
            f.next().and_then(Kind::parse),
            f.next().and_then(RecordId::parse),
        ) else {
            continue;
        };
        add_link(out.entry(to_id.to_string()).or_default(), kind, from);
    }
    for incoming in out.values_mut() {
        in_order(incoming);
    }
    out
}

/// Whether a list's conditions read the owning organisation's path (and so need its row).
fn reads_paths(reach: &Reach, q: &ListQuery) -> bool {
    matches!(reach, Reach::Within(places) if !places.is_empty())
        || q.within.as_ref().is_some_and(Within::reads_path)
}

/// `FROM` a kind's table, joined with the owning organisations only when a condition reads their
/// path: the join costs PostgreSQL a fifth of a list page.
fn from_records(info: &KindInfo, reads_paths: bool) -> String {
    let join = if reads_paths {
        " JOIN organisations o ON o.id = r.organisation_id"
    } else {
        ""
    };
    format!(" FROM {} r{join} WHERE 1 = 1", info.table)
}

struct Row {
    id: String,
    organisation_id: String,
    controller_id: Option<String>,
    status: Option<String>,
    state: String,
    details: String,
    created_at: String,
    updated_at: String,
    version: i64,
    organisation_path: String,
    organisation_name: String,
}

fn stored<D: Descriptor>(r: Row) -> Result<Stored<D::Details>> {
    let bad = |what: &str| StoreError::Database(format!("{what} of {} {}", D::info().code, r.id));
    Ok(Stored {
        id: RecordId::parse(&r.id).ok_or_else(|| bad("id"))?,
        organisation_id: OrganisationId::parse(&r.organisation_id)
            .ok_or_else(|| bad("organisation"))?,
        controller_id: match &r.controller_id {
            Some(c) => Some(OrganisationId::parse(c).ok_or_else(|| bad("controller"))?),
            None => None,
        },
        status: r.status.clone(),
        state: serde_json::from_str(&r.state).map_err(|e| bad(&format!("state ({e})")))?,
        details: serde_json::from_str(&r.details).map_err(|e| bad(&format!("details ({e})")))?,
        created_at: r.created_at,
        updated_at: r.updated_at,
        version: r.version,
        organisation_path: r.organisation_path,
        organisation_name: r.organisation_name,
    })
}

/// The columns every write derives from the details, in the order of [`COMMON`] after `details`.
struct Derived {
    name: String,
    search_text: String,
    gap_codes: String,
    review_on: Option<String>,
    columns: Vec<ColumnValue>,
}

fn derive<D: Descriptor>(d: &D::Details) -> Derived {
    Derived {
        name: D::title(d).to_string(),
        search_text: D::search_text(d),
        gap_codes: GapRule::join(&D::content_gaps(d)),
        review_on: D::review_on(d).map(|d| d.to_string()),
        columns: D::columns(d),
    }
}

fn bind_column<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    ty: ColumnType,
    v: ColumnValue,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    match (ty, v) {
        (ColumnType::Int | ColumnType::Flag, ColumnValue::Int(i)) => {
            q.bind(i32::try_from(i).unwrap_or(i32::MAX))
        }
        (_, ColumnValue::Text(t)) => q.bind(t),
        (ColumnType::Text, ColumnValue::Int(i)) => q.bind(Some(i.to_string())),
    }
}

/// Adds the reach of the reader: only rows in subtrees they may read.
pub(crate) fn push_reach(sql: &mut Sql, reach: &Reach, alias: &str) -> bool {
    match reach {
        Reach::Everywhere => true,
        Reach::Within(places) if places.is_empty() => false,
        Reach::Within(places) => {
            sql.push(" AND (");
            for (i, p) in places.iter().enumerate() {
                if i > 0 {
                    sql.push(" OR ");
                }
                sql.push("(").push_starts_with("o.path", &p.path);
                match &p.controller_id {
                    Some(c) => sql
                        .push(&format!(" AND {alias}.controller_id = "))
                        .bind(Arg::Text(c.to_string())),
                    None => sql.push(&format!(" AND {alias}.controller_id IS NULL")),
                };
                sql.push(")");
            }
            sql.push(")");
            true
        }
    }
}

fn push_within(sql: &mut Sql, w: &Within) {
    if w.reads_path() {
        sql.push(" AND ").push_starts_with("o.path", &w.path);
    }
    match &w.controller_id {
        Some(c) => sql
            .push(" AND r.controller_id = ")
            .bind(Arg::Text(c.clone())),
        None => sql.push(" AND r.controller_id IS NULL"),
    };
}

fn push_words(sql: &mut Sql, q: Option<&str>) {
    let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) else {
        return;
    };
    for word in q.split_whitespace().take(8) {
        sql.push(" AND r.search_text LIKE ")
            .bind(Arg::Text(format!(
                "%{}%",
                like_escape(&word.to_lowercase())
            )))
            .push(" ESCAPE '\\'");
    }
}

/// The name of a column a condition may test: a common one or one of the kind's own, never input.
fn column_name(info: &KindInfo, c: &'static str) -> Result<&'static str> {
    if COMMON.contains(&c) || info.columns.iter().any(|k| k.name == c) {
        Ok(c)
    } else {
        Err(StoreError::Database(format!(
            "{} has no column {c}",
            info.code
        )))
    }
}

fn push_cond(sql: &mut Sql, info: &KindInfo, c: Cond, today: &str) -> Result<()> {
    let col = |c: &'static str| column_name(info, c).map(|c| format!("r.{c}"));
    match c {
        Cond::On(c) => {
            sql.push(&format!("{} = 1", col(c)?));
        }
        Cond::Off(c) => {
            sql.push(&format!("{} = 0", col(c)?));
        }
        Cond::Set(c) => {
            sql.push(&format!("{} IS NOT NULL", col(c)?));
        }
        Cond::Unset(c) => {
            sql.push(&format!("{} IS NULL", col(c)?));
        }
        Cond::NotEmpty(c) => {
            sql.push(&format!("{} <> ''", col(c)?));
        }
        Cond::Empty(c) => {
            sql.push(&format!("{} = ''", col(c)?));
        }
        Cond::FromToday(c) => {
            sql.push(&format!("{} >= ", col(c)?))
                .bind(Arg::Text(today.to_string()));
        }
        Cond::BeforeToday(c) => {
            sql.push(&format!("{} < ", col(c)?))
                .bind(Arg::Text(today.to_string()));
        }
        Cond::HasKey(c, key) => {
            // A key is written `"key":` only at an object's level; inside a string value its
            // quotes would be escaped. Keys are declared codes, never input.
            sql.push(&format!("{} LIKE ", col(c)?))
                .bind(Arg::Text(format!("%\"{key}\":%")));
        }
        Cond::Any(list) | Cond::All(list) => {
            let join = if matches!(c, Cond::Any(_)) {
                " OR "
            } else {
                " AND "
            };
            sql.push("(");
            for (i, inner) in list.iter().enumerate() {
                if i > 0 {
                    sql.push(join);
                }
                push_cond(sql, info, *inner, today)?;
            }
            sql.push(")");
        }
    }
    Ok(())
}

fn push_query(sql: &mut Sql, info: &KindInfo, q: &ListQuery) -> Result<()> {
    if let Some(w) = &q.within {
        push_within(sql, w);
    }
    for (column, value) in &q.matching {
        sql.push(&format!(" AND r.{} = ", column_name(info, column)?))
            .bind(Arg::Text(value.clone()));
    }
    push_words(sql, q.words.as_deref());
    let today = q
        .today
        .map(|d| d.to_string())
        .unwrap_or_else(|| NO_REVIEW.to_string());
    for c in &q.conditions {
        sql.push(" AND ");
        match c {
            Condition::Cond(c) => push_cond(sql, info, *c, &today)?,
            Condition::Equals(column, value) => {
                sql.push(&format!("r.{} = ", column_name(info, column)?))
                    .bind(Arg::Text((*value).to_string()));
            }
        }
    }
    Ok(())
}

fn sort_key(sort: Sort) -> (String, bool) {
    match sort {
        Sort::Name => ("r.name".into(), false),
        Sort::NextReview => (format!("COALESCE(r.review_on, '{NO_REVIEW}')"), false),
        Sort::RecentlyUpdated => ("r.updated_at".into(), true),
    }
}

fn sort_value(sort: Sort, row: &ListRow) -> String {
    match sort {
        Sort::Name => row.name.clone(),
        Sort::NextReview => row.review_on.clone().unwrap_or_else(|| NO_REVIEW.into()),
        Sort::RecentlyUpdated => row.updated_at.clone(),
    }
}

/// A list row as one text value, its columns in the order [`unpack`] reads them.
fn packed_line(info: &KindInfo, details: bool) -> Result<String> {
    let us = "'\u{1f}'";
    let mut parts: Vec<String> = vec![
        "r.id".into(),
        "r.organisation_id".into(),
        "COALESCE(r.controller_id, '')".into(),
        "r.name".into(),
        "COALESCE(r.status, '')".into(),
        "COALESCE(r.review_on, '')".into(),
        "r.gap_codes".into(),
        "r.updated_at".into(),
        "CAST(r.version AS TEXT)".into(),
    ];
    for c in info.columns {
        parts.push(format!("COALESCE(CAST(r.{} AS TEXT), '')", c.name));
    }
    parts.extend(missing_link_flags(info)?);
    if details {
        parts.push("r.details".into());
    }
    // One `concat_ws` rather than a chain of `||`: each `||` copied the line so far, details
    // included, once per column. `concat_ws` skips a NULL, which would shift the columns after it:
    // every part above is NOT NULL in every kind's table or wrapped in COALESCE.
    Ok(format!("concat_ws({us}, {})", parts.join(", ")))
}

fn unpack(info: &KindInfo, line: &str, with_details: bool) -> Result<ListRow> {
    let bad = || StoreError::Database(format!("unreadable {} row: {line:?}", info.code));
    let mut f = line.split(COL_SEP);
    let mut next = || f.next().ok_or_else(bad);
    let optional = |v: &str| (!v.is_empty()).then(|| v.to_string());
    let id = next()?.to_string();
    let organisation_id = next()?.to_string();
    let controller_id = optional(next()?);
    let name = next()?.to_string();
    let status = optional(next()?);
    let review_on = optional(next()?);
    let gap_codes = next()?.to_string();
    let updated_at = next()?.to_string();
    let version = next()?.parse().map_err(|_| bad())?;
    let mut columns = Vec::with_capacity(info.columns.len());
    for _ in info.columns {
        columns.push(next()?.to_string());
    }
    let mut link_gaps = Vec::new();
    for lg in info.link_gaps {
        if next()? == "1" {
            link_gaps.push(lg.rule);
        }
    }
    let details = if with_details {
        Some(next()?.to_string())
    } else {
        None
    };
    Ok(ListRow {
        id,
        organisation_id,
        // Filled in from the organisations' names, read apart (see `Store::organisation_names`).
        organisation_name: String::new(),
        controller_id,
        name,
        status,
        review_on,
        gap_codes,
        updated_at,
        version,
        columns,
        details,
        link_gaps,
        incoming: Incoming::default(),
    })
}

/// Reads a list's counts packed as `status`, `count` per line (an empty status for none), by state.
fn unpack_counts(text: &str) -> Result<Vec<(Option<String>, i64)>> {
    let mut counts: Vec<(Option<String>, i64)> = text
        .split(ROW_SEP)
        .map(|line| {
            let (status, n) = line
                .split_once(COL_SEP)
                .and_then(|(s, n)| Some((s, n.parse::<i64>().ok()?)))
                .ok_or_else(|| StoreError::Database(format!("unreadable count {line:?}")))?;
            Ok(((!status.is_empty()).then(|| status.to_string()), n))
        })
        .collect::<Result<_>>()?;
    counts.sort();
    Ok(counts)
}

/// The `SELECT` of figures: how many records, then how many meet each condition, as one text
/// value (`12,4,3`); the caller adds `FROM` and the filter.
fn figures_select(info: &KindInfo, conditions: &[Cond], today: &str) -> Result<Sql> {
    let mut sql = Sql::new("SELECT CAST(COUNT(*) AS TEXT)");
    for c in conditions {
        sql.push(" || ',' || CAST(COALESCE(SUM(CASE WHEN ");
        push_cond(&mut sql, info, *c, today)?;
        sql.push(" THEN 1 ELSE 0 END), 0) AS TEXT)");
    }
    Ok(sql)
}

fn unpack_figures(text: &str) -> Result<Vec<i64>> {
    text.split(',').map(|n| n.parse().map_err(db)).collect()
}

/// Whether a record lacks a link it should have (a system with personal data that no processing
/// uses), as a condition on the record `r`, read from its `linked_from` column. The codes are the
/// kinds' own declarations, not input.
fn missing_link(info: &KindInfo, lg: &LinkGap) -> Result<String> {
    Ok(format!(
        "(r.{} = 1 AND r.linked_from NOT LIKE '%,{},%' ESCAPE '\\')",
        column_name(info, lg.when)?,
        like_escape(lg.from.code())
    ))
}

/// What the `linked_from` column of the record `record` (an SQL expression for its id) of a kind
/// with link gaps holds: `,` and then the code of each kind with a link to it, each followed by
/// `,`. Written from the kinds that may link to it, so that it needs no ordering or `DISTINCT`
/// inside an aggregate (which the two databases spell differently).
pub(crate) fn linked_from_of(info: &KindInfo, record: &str) -> String {
    let mut kinds: Vec<Kind> = info.linked_from().iter().map(|(k, _)| *k).collect();
    kinds.dedup();
    let mut expr = String::from("','");
    for k in kinds {
        expr.push_str(&format!(
            " || CASE WHEN EXISTS (SELECT 1 FROM register_links l WHERE l.to_type = '{}' \
             AND l.to_id = {record} AND l.from_type = '{}') THEN '{},' ELSE '' END",
            info.code,
            k.code(),
            k.code()
        ));
    }
    expr
}

/// A flag ('1' or '0') per link gap of the kind: whether the record `r` has it.
fn missing_link_flags(info: &KindInfo) -> Result<Vec<String>> {
    info.link_gaps
        .iter()
        .map(|lg| {
            Ok(format!(
                "CASE WHEN {} THEN '1' ELSE '0' END",
                missing_link(info, lg)?
            ))
        })
        .collect()
}

/// One kind's records with gaps in an organisation's subtree, as one packed text value.
fn gaps_sql(info: &KindInfo, org: &Organisation, today: &str) -> Result<Sql> {
    let mut sql = Sql::new(&format!(
        "SELECT string_agg(t.line, '{ROW_SEP}' ORDER BY t.name, t.id) FROM (SELECT r.id || '{COL_SEP}' || r.name || \
         '{COL_SEP}' || r.gap_codes || '{COL_SEP}' || COALESCE(r.review_on, '')"
    ));
    for flag in missing_link_flags(info)? {
        sql.push(&format!(" || '{COL_SEP}' || {flag}"));
    }
    sql.push(&format!(
        " AS line, r.name AS name, r.id AS id \
         FROM {} r JOIN organisations o ON o.id = r.organisation_id WHERE 1 = 1",
        info.table
    ));
    push_within(&mut sql, &Within::organisation(org));
    sql.push(" AND (r.gap_codes <> ''");
    if info.overdue_gap.is_some() {
        sql.push(" OR r.review_on < ")
            .bind(Arg::Text(today.to_string()));
    }
    for lg in info.link_gaps {
        sql.push(&format!(" OR {}", missing_link(info, lg)?));
    }
    sql.push(")) t");
    Ok(sql)
}

fn unpack_gaps(
    info: &KindInfo,
    text: &str,
    today: &str,
) -> Result<Vec<(String, String, Vec<GapRule>)>> {
    let mut out = Vec::new();
    for line in text.split(ROW_SEP) {
        let mut f = line.split(COL_SEP);
        let (Some(id), Some(name), Some(codes), Some(review)) =
            (f.next(), f.next(), f.next(), f.next())
        else {
            return Err(StoreError::Database(format!(
                "unreadable gaps row {line:?}"
            )));
        };
        let mut rules: Vec<GapRule> = GapRule::split(codes).collect();
        if let Some(rule) = info.overdue_gap
            && !review.is_empty()
            && review < today
        {
            rules.push(rule);
        }
        for lg in info.link_gaps {
            if f.next() == Some("1") {
                rules.push(lg.rule);
            }
        }
        if !rules.is_empty() {
            out.push((id.to_string(), name.to_string(), rules));
        }
    }
    Ok(out)
}

impl Store {
    /// One record of a kind.
    pub async fn record<D: Descriptor>(&self, id: &RecordId) -> Result<Stored<D::Details>> {
        stored::<D>(self.read_record(D::info(), id, false).await?.0)
    }

    /// One record's row, with the records linking to it when `incoming` (see [`unpack_record`]).
    async fn read_record(
        &self,
        info: &KindInfo,
        id: &RecordId,
        incoming: bool,
    ) -> Result<(Row, Option<String>)> {
        let mut sql = Sql::new(record_by_id(info, incoming));
        sql.bind(Arg::Text(id.to_string()));
        let (line, details): (String, String) =
            self.read_optional(sql).await?.ok_or(StoreError::NotFound)?;
        unpack_record(info, &line, details, incoming)
    }

    /// One record and the records that link to it, in one statement.
    pub async fn record_with_incoming<D: Descriptor>(
        &self,
        id: &RecordId,
    ) -> Result<(Stored<D::Details>, Incoming)> {
        let info = D::info();
        if info.linked_from().is_empty() {
            return Ok((self.record::<D>(id).await?, Incoming::default()));
        }
        let (row, links) = self.read_record(info, id, true).await?;
        let incoming = links.map(|t| parse_incoming(&t)).unwrap_or_default();
        Ok((stored::<D>(row)?, incoming))
    }

    /// A page of a kind's list, filtered, sorted and limited to what `reach` covers.
    pub async fn list<D: Descriptor>(
        &self,
        reach: &Reach,
        q: &ListQuery,
        page: &PageRequest,
    ) -> Result<Page<ListRow>> {
        Ok(self.listed(D::info(), reach, q, page, false).await?.page)
    }

    /// [`Store::list`] with its counts and figures, read in the same statement, so that they and
    /// the page agree.
    ///
    /// The kind is known by its declaration, so that a worklist over every kind reads its lists
    /// alike.
    pub async fn list_counted_of(
        &self,
        info: &KindInfo,
        reach: &Reach,
        q: &ListQuery,
        page: &PageRequest,
    ) -> Result<Counted> {
        self.listed(info, reach, q, page, true).await
    }

    async fn listed(
        &self,
        info: &KindInfo,
        reach: &Reach,
        q: &ListQuery,
        page: &PageRequest,
        counted: bool,
    ) -> Result<Counted> {
        // The page comes back as one text value rather than as rows: each row through sqlx's `Any`
        // costs a hop between threads and a conversion per column, which made a 50-row page several
        // times dearer than the query itself. `string_agg … ORDER BY` reads the same in SQLite
        // (3.44+) and PostgreSQL.
        //
        // The page is chosen first, from the kind's table alone, and only its rows are then given
        // the records linking to them; their organisations' names come from the instance's copy
        // ([`Store::organisation_names`]). With the join and a sub-select per row inside the paged
        // query, PostgreSQL's generic plan for a next page hashed every organisation and sorted the
        // rest of the list, the sub-selects cost 40 % of a page's time, and the join a fifth of
        // what remained; one join over the page's links costs a fraction of that. `CROSS JOIN`
        // makes SQLite read the page first and look up its links (by itself it read every link of
        // the kind); PostgreSQL takes it as a plain join. The links come unordered: sorting them in
        // the aggregate cost more than [`in_order`] does.
        let (key, descending) = sort_key(q.sort);
        let order = if descending { " DESC" } else { "" };
        let details = q.details && info.list_details;
        // Only a list of whole records shows the links to each; any list's gaps come from the
        // flags of [`packed_line`], cheaper than reading every link of the page.
        let incoming = details && !info.linked_from().is_empty();
        let from = from_records(info, reads_paths(reach, q));
        let mut filter = Sql::default();
        if !push_reach(&mut filter, reach, "r") {
            return Ok(Counted {
                page: Page {
                    items: Vec::new(),
                    next: None,
                },
                counts: Vec::new(),
                figures: Vec::new(),
            });
        }
        // The figures count what the filter reaches in the organisation, not what the page's
        // other filters choose.
        let mut scope = filter.clone();
        if let Some(w) = &q.within {
            push_within(&mut scope, w);
        }
        push_query(&mut filter, info, q)?;
        let mut sql = Sql::new(&format!(
            "WITH t AS MATERIALIZED (SELECT {} AS line, {key} AS k, r.id AS id{from}",
            packed_line(info, details)?,
        ));
        sql.append(&filter)
            .page_by(&key, "r.id", descending, page)
            .push(&format!(
                ") SELECT (SELECT string_agg(t.line, '{ROW_SEP}' ORDER BY t.k{order}, t.id{order}) FROM t)"
            ));
        if incoming {
            sql.push(&format!(
                ", (SELECT string_agg(l.to_id || '{COL_SEP}' || l.from_type || '{COL_SEP}' || l.from_id, '{ROW_SEP}') \
                 FROM t CROSS JOIN register_links l WHERE l.to_type = '{}' AND l.to_id = t.id)",
                info.kind.code()
            ));
        } else {
            sql.push(", NULL");
        }
        if counted && info.workflow.is_none() {
            // One count, with no state to group by: PostgreSQL counts it from the index alone.
            sql.push(&format!(
                ", (SELECT CASE WHEN COUNT(*) > 0 THEN '{COL_SEP}' || CAST(COUNT(*) AS TEXT) END{from}"
            ))
            .append(&filter)
            .push(")");
        } else if counted {
            sql.push(&format!(
                ", (SELECT string_agg(COALESCE(c.status, '') || '{COL_SEP}' || CAST(c.n AS TEXT), '{ROW_SEP}') \
                 FROM (SELECT r.status AS status, COUNT(*) AS n{from}"
            ))
            .append(&filter)
            .push(" GROUP BY r.status) c)");
        } else {
            sql.push(", NULL");
        }
        if counted && !q.figures.is_empty() {
            let today = q
                .today
                .map_or_else(|| NO_REVIEW.to_string(), |d| d.to_string());
            sql.push(", (")
                .append(&figures_select(info, q.figures, &today)?)
                .push(&from)
                .append(&scope)
                .push(")");
        } else {
            sql.push(", NULL");
        }
        type Packed = (
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let (packed, links, counts, figures): Packed = self.read_one(sql).await?;
        let mut links = links.map(|l| incoming_by_target(&l)).unwrap_or_default();
        let mut rows = match packed {
            Some(text) => text
                .split(ROW_SEP)
                .map(|l| {
                    let mut row = unpack(info, l, details)?;
                    row.incoming = links.remove(&row.id).unwrap_or_default();
                    Ok(row)
                })
                .collect::<Result<Vec<_>>>()?,
            None => Vec::new(),
        };
        let names = self
            .organisation_names(rows.iter().map(|r| r.organisation_id.as_str()))
            .await?;
        for row in &mut rows {
            if let Some(name) = names.get(&row.organisation_id) {
                row.organisation_name.clone_from(name);
            }
        }
        let counts = match counts {
            Some(text) => unpack_counts(&text)?,
            None => Vec::new(),
        };
        let figures = match figures {
            Some(text) => unpack_figures(&text)?,
            None => Vec::new(),
        };
        let sort = q.sort;
        let page = paging::finish(rows, page.limit, |r| Cursor {
            key: sort_value(sort, r),
            id: r.id.clone(),
        });
        Ok(Counted {
            page,
            counts,
            figures,
        })
    }

    /// The workflow facts (`state`) of some records of a kind, by id, for a list that names them.
    pub async fn record_states(
        &self,
        kind: Kind,
        ids: &[String],
    ) -> Result<HashMap<String, serde_json::Map<String, serde_json::Value>>> {
        let mut out = HashMap::new();
        for chunk in ids.chunks(200) {
            let mut sql = Sql::new(&format!(
                "SELECT r.id, r.state FROM {} r WHERE r.id IN (",
                kind.info().table
            ));
            push_ids(&mut sql, chunk);
            sql.push(")");
            let rows: Vec<(String, String)> = sql.query_as().fetch_all(self.pool()).await?;
            for (id, state) in rows {
                out.insert(id, serde_json::from_str(&state).map_err(db)?);
            }
        }
        Ok(out)
    }

    /// Every record of a kind in an organisation's subtree, by name (exports, the gaps of a kind
    /// whose gaps need the whole record).
    pub async fn all_within<D: Descriptor>(
        &self,
        org: &Organisation,
    ) -> Result<Vec<Stored<D::Details>>> {
        let info = D::info();
        let mut sql = Sql::new(&format!("{} WHERE 1 = 1", select_packed(info, false)));
        push_within(&mut sql, &Within::organisation(org));
        sql.push(" ORDER BY r.name, r.id");
        let rows: Vec<(String, String)> = sql.query_as().fetch_all(self.pool()).await?;
        rows.into_iter()
            .map(|(line, details)| stored::<D>(unpack_record(info, &line, details, false)?.0))
            .collect()
    }

    /// The records of each kind in an organisation's subtree that have gaps, with them, by name:
    /// one statement for all the kinds (each kind's answer packed as one text value).
    pub async fn gaps_within(
        &self,
        infos: &[&'static KindInfo],
        org: &Organisation,
        today: jiff::civil::Date,
    ) -> Result<Vec<Vec<(String, String, Vec<GapRule>)>>> {
        if infos.is_empty() {
            return Ok(Vec::new());
        }
        let today_s = today.to_string();
        let mut sql = Sql::new("SELECT ");
        for (i, info) in infos.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.push("(")
                .append(&gaps_sql(info, org, &today_s)?)
                .push(")");
        }
        let row = sql.query_any().fetch_one(self.pool()).await?;
        let mut out = Vec::with_capacity(infos.len());
        for (i, info) in infos.iter().enumerate() {
            let packed: Option<String> = sqlx::Row::try_get(&row, i)?;
            out.push(match packed {
                Some(text) => unpack_gaps(info, &text, &today_s)?,
                None => Vec::new(),
            });
        }
        Ok(out)
    }

    /// Counts of a kind's records in an organisation's subtree: all of them, then those meeting each
    /// condition (figures a report quotes).
    pub async fn figures(
        &self,
        info: &KindInfo,
        org: &Organisation,
        conditions: &[Cond],
        today: jiff::civil::Date,
    ) -> Result<Vec<i64>> {
        let mut sql = figures_select(info, conditions, &today.to_string())?;
        let within = Within::organisation(org);
        sql.push(&from_records(info, within.reads_path()));
        push_within(&mut sql, &within);
        let (packed,): (String,) = self.read_one(sql).await?;
        unpack_figures(&packed)
    }

    /// Which records of other kinds link to each of `ids` (of `to`).
    pub async fn incoming(&self, to: Kind, ids: &[String]) -> Result<HashMap<String, Incoming>> {
        incoming(self.pool(), to, ids).await
    }

    /// The records of a kind in one controller that `reach` covers, as `(id, name)` by name, at most
    /// `limit` (the choices of a link).
    pub async fn choices(
        &self,
        kind: Kind,
        reach: &Reach,
        controller_id: Option<&str>,
        limit: i64,
    ) -> Result<Vec<(String, String)>> {
        let mut sql = Sql::new(&format!(
            "SELECT r.id, r.name FROM {} r JOIN organisations o ON o.id = r.organisation_id WHERE 1 = 1",
            kind.info().table
        ));
        if !push_reach(&mut sql, reach, "r") {
            return Ok(Vec::new());
        }
        match controller_id {
            Some(c) => sql
                .push(" AND r.controller_id = ")
                .bind(Arg::Text(c.to_string())),
            None => sql.push(" AND r.controller_id IS NULL"),
        };
        // A literal, as in `Sql::page_by`.
        sql.push(&format!(
            " ORDER BY r.name, r.id LIMIT {}",
            limit.clamp(1, 10_000)
        ));
        Ok(sql.query_as().fetch_all(self.pool()).await?)
    }

    /// The names of records of a kind, by id (for links shown by name).
    pub async fn names(&self, kind: Kind, ids: &[String]) -> Result<HashMap<String, Named>> {
        let mut out = HashMap::new();
        for chunk in ids.chunks(200) {
            let mut sql = Sql::new(&format!(
                "SELECT r.id, r.name, r.controller_id, o.path FROM {} r JOIN organisations o ON o.id = r.organisation_id \
                 WHERE r.id IN (",
                kind.info().table
            ));
            push_ids(&mut sql, chunk);
            sql.push(")");
            let rows: Vec<(String, String, Option<String>, String)> =
                sql.query_as().fetch_all(self.pool()).await?;
            for (id, name, controller, path) in rows {
                out.insert(
                    id,
                    Named {
                        name,
                        scope: record_scope(
                            &path,
                            controller.as_deref().and_then(OrganisationId::parse),
                        ),
                    },
                );
            }
        }
        Ok(out)
    }
}

/// A record's name and where it sits (for deciding whether a reader may follow a link to it).
#[derive(Debug, Clone)]
pub struct Named {
    pub name: String,
    pub scope: Scope,
}

fn push_ids(sql: &mut Sql, ids: &[String]) {
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind(Arg::Text(id.clone()));
    }
}

async fn incoming<'e, E>(executor: E, to: Kind, ids: &[String]) -> Result<HashMap<String, Incoming>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any> + Copy,
{
    let mut out: HashMap<String, Incoming> = HashMap::new();
    // Bounded batches keep the statement within every backend's parameter limit.
    for chunk in ids.chunks(200) {
        // Packed as one text value, as list pages are: a page of 50 systems has a few hundred links,
        // and each row through sqlx's `Any` costs more than finding it.
        let mut sql = Sql::new(&format!(
            "SELECT string_agg(t.line, '{ROW_SEP}' ORDER BY t.line) FROM (SELECT to_id || '{COL_SEP}' || \
             from_type || '{COL_SEP}' || from_id AS line FROM register_links WHERE to_type = "
        ));
        sql.bind(Arg::Text(to.code().into()))
            .push(" AND to_id IN (");
        push_ids(&mut sql, chunk);
        sql.push(")) t");
        let (packed,): (Option<String>,) = sql.query_as().fetch_one(executor).await?;
        let Some(packed) = packed else { continue };
        out.extend(incoming_by_target(&packed));
    }
    Ok(out)
}

/// Refuses a write the grant does not cover: a bug in the caller, never a person's mistake.
fn ensure(grant: &Grant, kind: Kind, scope: &Scope) -> Result<()> {
    if grant.allows(Action::Edit(kind), scope) {
        Ok(())
    } else {
        Err(StoreError::NotGranted)
    }
}

impl WriteTx<'_> {
    /// One record of a kind, as it is now (inside the transaction, so what is read is what is changed).
    pub async fn record<D: Descriptor>(&mut self, id: &RecordId) -> Result<Stored<D::Details>> {
        let info = D::info();
        let mut sql = Sql::new(record_by_id(info, false));
        sql.bind(Arg::Text(id.to_string()));
        let (line, details): (String, String) = sql
            .query_as()
            .fetch_optional(&mut *self.tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        stored::<D>(unpack_record(info, &line, details, false)?.0)
    }

    /// Several records of a kind by id (those that exist), read in batches.
    pub async fn records_by_id<D: Descriptor>(
        &mut self,
        ids: &[RecordId],
    ) -> Result<HashMap<RecordId, Stored<D::Details>>> {
        let info = D::info();
        let mut out = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(200) {
            let mut sql = Sql::new(&format!("{} WHERE r.id IN (", select_packed(info, false)));
            push_ids(
                &mut sql,
                &chunk.iter().map(RecordId::to_string).collect::<Vec<_>>(),
            );
            sql.push(")");
            let rows: Vec<(String, String)> = sql.query_as().fetch_all(&mut *self.tx).await?;
            for (line, details) in rows {
                let s = stored::<D>(unpack_record(info, &line, details, false)?.0)?;
                out.insert(s.id.clone(), s);
            }
        }
        Ok(out)
    }

    /// The keys earlier imports into one organisation gave its records of a kind, with the record each
    /// names.
    pub async fn import_keys<D: Descriptor>(
        &mut self,
        organisation_id: &OrganisationId,
    ) -> Result<HashMap<String, RecordId>> {
        let rows: Vec<(String, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT import_key, id FROM {} WHERE organisation_id = $1 AND import_key IS NOT NULL",
            D::info().table
        )))
        .bind(organisation_id.to_string())
        .fetch_all(&mut *self.tx)
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(k, id)| RecordId::parse(&id).map(|id| (k, id)))
            .collect())
    }

    /// The scopes of records of a kind, by id, for those that exist in the subtree of `within`
    /// (within its controller): which of a file's own ids an import may update.
    pub async fn ids_within(
        &mut self,
        kind: Kind,
        within: &Organisation,
        ids: &[String],
    ) -> Result<HashMap<String, Scope>> {
        let mut out = HashMap::new();
        for chunk in ids.chunks(200) {
            let mut sql = Sql::new(&format!(
                "SELECT r.id, r.controller_id, o.path FROM {} r JOIN organisations o ON o.id = r.organisation_id \
                 WHERE r.id IN (",
                kind.info().table
            ));
            push_ids(&mut sql, chunk);
            sql.push(")");
            push_within(&mut sql, &Within::organisation(within));
            let rows: Vec<(String, Option<String>, String)> =
                sql.query_as().fetch_all(&mut *self.tx).await?;
            for (id, controller, path) in rows {
                out.insert(
                    id,
                    record_scope(&path, controller.as_deref().and_then(OrganisationId::parse)),
                );
            }
        }
        Ok(out)
    }

    /// Checks a record's links: every linked record exists and has the same controller (a link never
    /// crosses the border between controllers), and each link that `before` did not have points to a
    /// record the `writer` may read (nobody links to what they may not see). Any other link is
    /// answered as if the id did not exist.
    async fn check_links<D: Descriptor>(
        &mut self,
        controller_id: Option<&OrganisationId>,
        details: &D::Details,
        before: Option<&D::Details>,
        writer: &Principal,
    ) -> Result<()> {
        let old: Vec<(Kind, Vec<RecordId>)> = before.map(D::links).unwrap_or_default();
        for (kind, ids) in D::links(details) {
            let field = D::info()
                .link_fields()
                .find(|(_, k)| *k == kind)
                .map(|(f, _)| f.name)
                .unwrap_or("links");
            let refused = || StoreError::Invalid(Invalid::new(field, Rule::UnknownReference));
            let reach = writer.reach(Action::Read(kind));
            let had: &[RecordId] = old
                .iter()
                .find(|(k, _)| *k == kind)
                .map(|(_, ids)| ids.as_slice())
                .unwrap_or_default();
            for chunk in ids.chunks(200) {
                let mut sql = Sql::new(&format!(
                    "SELECT r.id, r.controller_id, o.path FROM {} r JOIN organisations o ON o.id = r.organisation_id \
                     WHERE r.id IN (",
                    kind.info().table
                ));
                push_ids(
                    &mut sql,
                    &chunk.iter().map(RecordId::to_string).collect::<Vec<_>>(),
                );
                sql.push(")");
                let found: Vec<(String, Option<String>, String)> =
                    sql.query_as().fetch_all(&mut *self.tx).await?;
                if found.len() != chunk.len() {
                    return Err(refused());
                }
                for (id, controller, path) in found {
                    let controller = controller.as_deref().and_then(OrganisationId::parse);
                    if controller.as_ref() != controller_id {
                        return Err(refused());
                    }
                    let new = !had.iter().any(|h| h.as_str() == id);
                    if new && !reach.covers(&record_scope(&path, controller)) {
                        return Err(refused());
                    }
                }
            }
        }
        Ok(())
    }

    /// Makes the links from one record to others of a kind exactly `to_ids`.
    async fn set_links(
        &mut self,
        from: Kind,
        from_id: &RecordId,
        to: Kind,
        to_ids: &[RecordId],
    ) -> Result<()> {
        let mut touched: Vec<String> = sqlx::query_scalar(
            "DELETE FROM register_links WHERE from_type = $1 AND from_id = $2 AND to_type = $3 RETURNING to_id",
        )
        .bind(from.code())
        .bind(from_id.to_string())
        .bind(to.code())
        .fetch_all(&mut *self.tx)
        .await?;
        for id in to_ids {
            sqlx::query(
                "INSERT INTO register_links (from_type, from_id, to_type, to_id) VALUES ($1, $2, $3, $4)",
            )
            .bind(from.code())
            .bind(from_id.to_string())
            .bind(to.code())
            .bind(id.to_string())
            .execute(&mut *self.tx)
            .await?;
            touched.push(id.to_string());
        }
        self.refresh_linked_from(to, touched).await
    }

    /// Derives `linked_from` again for records of `to` whose links changed, where the kind has link
    /// gaps. Every write transaction holds the audit head from its first statement, so no other
    /// change of links runs between this and its commit: the column cannot miss one.
    async fn refresh_linked_from(&mut self, to: Kind, mut ids: Vec<String>) -> Result<()> {
        let info = to.info();
        if info.link_gaps.is_empty() || ids.is_empty() {
            return Ok(());
        }
        ids.sort_unstable();
        ids.dedup();
        for chunk in ids.chunks(200) {
            let mut sql = Sql::new(&format!(
                "UPDATE {} SET linked_from = {} WHERE id IN (",
                info.table,
                linked_from_of(info, &format!("{}.id", info.table))
            ));
            push_ids(&mut sql, chunk);
            sql.push(")");
            sql.query_any().execute(&mut *self.tx).await?;
        }
        Ok(())
    }

    /// Registers a record owned by `org`: the grant must be to create (or edit) the kind there, and every link
    /// must point to a record the `writer` may read. With an `import_key`, the record is known by it to
    /// later imports into the same organisation.
    pub async fn insert<D: Descriptor>(
        &mut self,
        grant: &Grant,
        org: &Organisation,
        details: Valid<D::Details>,
        import_key: Option<&str>,
        writer: &Principal,
    ) -> Result<Stored<D::Details>> {
        let info = D::info();
        if !grant.allows(Action::Create(D::KIND), &org.scope()) {
            ensure(grant, D::KIND, &org.scope())?;
        }
        let organisation_id = OrganisationId::parse(&org.id).ok_or(StoreError::NotFound)?;
        let controller_id = match &org.controller_id {
            Some(c) => Some(OrganisationId::parse(c).ok_or(StoreError::NotFound)?),
            None => None,
        };
        let details = details.into_inner();
        self.check_links::<D>(controller_id.as_ref(), &details, None, writer)
            .await?;
        let now = self.now().to_string();
        let rec = Stored {
            id: RecordId::generate(),
            organisation_id,
            controller_id,
            status: info.workflow.map(|w| w.initial.to_string()),
            state: Map::new(),
            created_at: now.clone(),
            updated_at: now,
            version: 1,
            details,
            organisation_path: org.path.clone(),
            organisation_name: org.name.clone(),
        };
        let d = derive::<D>(&rec.details);
        let json = serde_json::to_string(&rec.details).map_err(db)?;
        let mut columns: Vec<&str> = COMMON.to_vec();
        columns.push("version");
        columns.extend(info.columns.iter().map(|c| c.name));
        let placeholders: Vec<String> = (1..=columns.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "INSERT INTO {} ({}) VALUES ({})",
            info.table,
            columns.join(", "),
            placeholders.join(", ")
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(rec.id.to_string())
            .bind(rec.organisation_id.to_string())
            .bind(rec.controller_id.as_ref().map(ToString::to_string))
            .bind(d.name)
            .bind(rec.status.clone())
            .bind("{}")
            .bind(json)
            .bind(d.search_text)
            .bind(d.gap_codes)
            .bind(d.review_on)
            .bind(import_key.map(str::to_string))
            .bind(rec.created_at.clone())
            .bind(rec.updated_at.clone())
            .bind(rec.version);
        for (c, v) in info.columns.iter().zip(d.columns) {
            q = bind_column(q, c.ty, v);
        }
        q.execute(&mut *self.tx).await.map_err(|e| match e {
            sqlx::Error::Database(d) if d.is_unique_violation() => {
                StoreError::Conflict("import_key_taken")
            }
            other => other.into(),
        })?;
        for (kind, ids) in D::links(&rec.details) {
            if !ids.is_empty() {
                self.set_links(D::KIND, &rec.id, kind, &ids).await?;
            }
        }
        self.record_event(
            Operation::Create,
            info.code,
            rec.id.as_str(),
            Some(rec.organisation_id.as_str()),
            None::<&()>,
            Some(&audited::<D>(&rec)),
        )
        .await?;
        Ok(rec)
    }

    /// Replaces a record with `after` (its details, status and state), refusing a stale `before`.
    /// The grant must be to edit the kind where the record is. Links new in `after` must point to
    /// records the `writer` may read. A write that changes nothing is not made.
    pub async fn save<D: Descriptor>(
        &mut self,
        grant: &Grant,
        before: &Stored<D::Details>,
        mut after: Stored<D::Details>,
        writer: &Principal,
    ) -> Result<Stored<D::Details>> {
        let info = D::info();
        ensure(grant, D::KIND, &before.scope())?;
        if after == *before {
            return Ok(after);
        }
        self.check_links::<D>(
            before.controller_id.as_ref(),
            &after.details,
            Some(&before.details),
            writer,
        )
        .await?;
        after.version = before.version + 1;
        after.updated_at = self.now().to_string();
        let d = derive::<D>(&after.details);
        let json = serde_json::to_string(&after.details).map_err(db)?;
        let state = serde_json::to_string(&after.state).map_err(db)?;
        let mut sets: Vec<String> = [
            "name",
            "status",
            "state",
            "details",
            "search_text",
            "gap_codes",
            "review_on",
            "updated_at",
            "version",
        ]
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{c} = ${}", i + 1))
        .collect();
        let first_own = sets.len() + 1;
        for (i, c) in info.columns.iter().enumerate() {
            sets.push(format!("{} = ${}", c.name, first_own + i));
        }
        let n = first_own + info.columns.len();
        let sql = format!(
            "UPDATE {} SET {} WHERE id = ${n} AND version = ${}",
            info.table,
            sets.join(", "),
            n + 1
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(d.name)
            .bind(after.status.clone())
            .bind(state)
            .bind(json)
            .bind(d.search_text)
            .bind(d.gap_codes)
            .bind(d.review_on)
            .bind(after.updated_at.clone())
            .bind(after.version);
        for (c, v) in info.columns.iter().zip(d.columns) {
            q = bind_column(q, c.ty, v);
        }
        let changed = q
            .bind(after.id.to_string())
            .bind(before.version)
            .execute(&mut *self.tx)
            .await?
            .rows_affected();
        if changed != 1 {
            return Err(StoreError::Stale {
                current: before.version,
            });
        }
        let old = D::links(&before.details);
        for (kind, ids) in D::links(&after.details) {
            let was = old
                .iter()
                .find(|(k, _)| *k == kind)
                .map(|(_, ids)| ids.as_slice())
                .unwrap_or_default();
            if ids.as_slice() != was {
                self.set_links(D::KIND, &after.id, kind, &ids).await?;
            }
        }
        self.record_event(
            Operation::Update,
            info.code,
            after.id.as_str(),
            Some(after.organisation_id.as_str()),
            Some(&audited::<D>(before)),
            Some(&audited::<D>(&after)),
        )
        .await?;
        Ok(after)
    }

    /// Removes a record; its history stays in the audit trail. Refused with
    /// [`StoreError::InUse`] while records of other kinds link to it.
    pub async fn delete<D: Descriptor>(
        &mut self,
        grant: &Grant,
        before: &Stored<D::Details>,
    ) -> Result<()> {
        let info = D::info();
        ensure(grant, D::KIND, &before.scope())?;
        let users: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM register_links WHERE to_type = $1 AND to_id = $2",
        )
        .bind(info.code)
        .bind(before.id.to_string())
        .fetch_one(&mut *self.tx)
        .await?;
        if users > 0 {
            return Err(StoreError::InUse(D::KIND));
        }
        let unlinked: Vec<(String, String)> = sqlx::query_as(
            "DELETE FROM register_links WHERE from_type = $1 AND from_id = $2 RETURNING to_type, to_id",
        )
        .bind(info.code)
        .bind(before.id.to_string())
        .fetch_all(&mut *self.tx)
        .await?;
        for kind in Kind::ALL {
            let ids = unlinked
                .iter()
                .filter(|(t, _)| t == kind.code())
                .map(|(_, id)| id.clone())
                .collect();
            self.refresh_linked_from(kind, ids).await?;
        }
        let n = sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM {} WHERE id = $1 AND version = $2",
            info.table
        )))
        .bind(before.id.to_string())
        .bind(before.version)
        .execute(&mut *self.tx)
        .await?
        .rows_affected();
        if n != 1 {
            return Err(StoreError::Stale {
                current: before.version,
            });
        }
        self.record_event(
            Operation::Delete,
            info.code,
            before.id.as_str(),
            Some(before.organisation_id.as_str()),
            Some(&audited::<D>(before)),
            None::<&()>,
        )
        .await
    }
}

/// A record as the audit trail keeps it (see [`Descriptor::audit_view`]): borrowed as it is for
/// most kinds, a copy without what the kind keeps out of the trail for the rest.
fn audited<D: Descriptor>(r: &Stored<D::Details>) -> std::borrow::Cow<'_, Stored<D::Details>> {
    match D::audit_view(&r.details) {
        None => std::borrow::Cow::Borrowed(r),
        Some(details) => {
            let mut c = r.clone();
            c.details = details;
            std::borrow::Cow::Owned(c)
        }
    }
}

/// Derives every record's columns of a kind again from its details (after a migration changes what is
/// derived, or how). Not audited: nothing a person wrote changes.
pub(crate) async fn refresh<D: Descriptor>(tx: &mut sqlx::AnyConnection) -> Result<()> {
    let info = D::info();
    let rows: Vec<(String, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT id, details FROM {}",
        info.table
    )))
    .fetch_all(&mut *tx)
    .await?;
    let mut sets: Vec<String> = ["name", "search_text", "gap_codes", "review_on"]
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{c} = ${}", i + 1))
        .collect();
    for (i, c) in info.columns.iter().enumerate() {
        sets.push(format!("{} = ${}", c.name, i + 5));
    }
    let sql = format!(
        "UPDATE {} SET {} WHERE id = ${}",
        info.table,
        sets.join(", "),
        info.columns.len() + 5
    );
    for (id, details) in rows {
        let d: D::Details = serde_json::from_str(&details)
            .map_err(|e| StoreError::Database(format!("details of {} {id}: {e}", info.code)))?;
        let derived = derive::<D>(&d);
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .bind(derived.name)
            .bind(derived.search_text)
            .bind(derived.gap_codes)
            .bind(derived.review_on);
        for (c, v) in info.columns.iter().zip(derived.columns) {
            q = bind_column(q, c.ty, v);
        }
        q.bind(id).execute(&mut *tx).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_links_read_back_by_kind_in_their_order_and_nothing_reads_as_none() {
        let (a, b) = (RecordId::generate(), RecordId::generate());
        let system = Kind::System.code();
        let text = format!("{system}{COL_SEP}{a}{ROW_SEP}{system}{COL_SEP}{b}");
        let read = parse_incoming(&text);
        assert_eq!(read.ids(Kind::System), &[a.clone(), b.clone()]);
        assert_eq!(parse_incoming(""), Incoming::default());
        // A link whose kind or id does not read is left out, not misread.
        assert_eq!(
            parse_incoming(&format!("nokind{COL_SEP}{a}{ROW_SEP}{system}{COL_SEP}x")),
            Incoming::default()
        );
    }

    #[test]
    fn a_packed_record_reads_back_with_empty_values_as_none_and_its_links_whole() {
        let info = Kind::System.info();
        let p = Kind::ProcessingActivity.code();
        let links = format!("{p}{COL_SEP}a{ROW_SEP}{p}{COL_SEP}b");
        let line = [
            "id1", "org1", "", "", "{}", "t0", "t1", "3", "/c/", "Nämnden", &links,
        ]
        .join(&COL_SEP.to_string());
        let (row, incoming) = unpack_record(info, &line, "{\"x\":1}".into(), true).expect("reads");
        assert_eq!((row.id.as_str(), row.version), ("id1", 3));
        assert_eq!((row.controller_id, row.status), (None, None));
        assert_eq!(row.organisation_name, "Nämnden");
        assert_eq!(incoming.as_deref(), Some(links.as_str()));
        assert_eq!(row.details, "{\"x\":1}");
        let line = [
            "id1", "org1", "c1", "utkast", "{}", "t0", "t1", "3", "/c/", "N",
        ]
        .join(&COL_SEP.to_string());
        let (row, incoming) = unpack_record(info, &line, String::new(), false).expect("reads");
        assert_eq!(row.controller_id.as_deref(), Some("c1"));
        assert_eq!(row.status.as_deref(), Some("utkast"));
        assert_eq!(incoming, None);
        // A line short of a value, or with a version that is no number, is an error, not a row.
        assert!(unpack_record(info, "id1", String::new(), false).is_err());
        let bad = line.replace(
            &format!("{COL_SEP}3{COL_SEP}"),
            &format!("{COL_SEP}x{COL_SEP}"),
        );
        assert!(unpack_record(info, &bad, String::new(), false).is_err());
    }

    #[test]
    fn counts_read_back_by_state_and_a_kind_without_states_counts_under_none() {
        let text = format!("utkast{COL_SEP}3{ROW_SEP}godkand{COL_SEP}12");
        assert_eq!(
            unpack_counts(&text).ok(),
            Some(vec![
                (Some("godkand".to_string()), 12),
                (Some("utkast".to_string()), 3)
            ])
        );
        assert_eq!(
            unpack_counts(&format!("{COL_SEP}100")).ok(),
            Some(vec![(None, 100)])
        );
        assert!(unpack_counts(&format!("utkast{COL_SEP}")).is_err());
        assert!(unpack_counts("utkast").is_err());
    }

    #[test]
    fn a_page_of_links_reads_back_by_target_each_in_its_order() {
        let (t1, t2) = ("target-1", "target-2");
        let (a, b, c) = (
            RecordId::generate(),
            RecordId::generate(),
            RecordId::generate(),
        );
        let (p, s) = (Kind::ProcessingActivity.code(), Kind::System.code());
        let packed = [
            format!("{t1}{COL_SEP}{p}{COL_SEP}{a}"),
            format!("{t1}{COL_SEP}{p}{COL_SEP}{b}"),
            format!("{t1}{COL_SEP}{s}{COL_SEP}{c}"),
            format!("{t2}{COL_SEP}{p}{COL_SEP}{c}"),
        ]
        .join(&ROW_SEP.to_string());
        let read = incoming_by_target(&packed);
        assert_eq!(read.len(), 2);
        assert_eq!(read[t1].ids(Kind::ProcessingActivity), &[a, b]);
        assert_eq!(read[t1].ids(Kind::System), std::slice::from_ref(&c));
        assert_eq!(read[t2].ids(Kind::ProcessingActivity), &[c]);
        assert!(incoming_by_target("").is_empty());
    }
}
