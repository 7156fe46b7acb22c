//! A kind's register as a spreadsheet: importing one (the person maps columns to fields, sees every
//! problem by row and column, then imports all rows or none) and exporting one that imports back.
//!
//! This is the pure part, the same for every kind: the mapping from headers to fields, reading each
//! cell by its field's input (or the field's own reader), placing every problem at its row and
//! column, the id column and its duplicates; and the export's headers and cells, written so that the
//! kind's own import reads them back to the same record. Reading `.xlsx`/`.csv` files and saving are
//! elsewhere.

use super::field::{self, Field, Input, Text2};
use super::parse::{self, Refusal, Valid};
use super::{Descriptor, KindInfo};
use crate::Lang;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// Most problems one import lists; beyond them it says how many more there are.
pub const PROBLEMS_MAX: usize = 1_000;

/// The id column's header: on import, a row's key; on export, the record's own id.
pub const ID_HEADER: &str = "ID";

/// What a column fills.
#[derive(Debug, Clone, Copy)]
pub enum Target {
    /// The row's key in the source, used to update on re-import (or the record's own id).
    ExternalId,
    /// Not imported.
    Ignore,
    Field(&'static Field),
}

impl Target {
    pub fn code(self) -> &'static str {
        match self {
            Target::ExternalId => "external_id",
            Target::Ignore => "ignore",
            Target::Field(f) => f.code(),
        }
    }
}

/// The targets of a kind a column can fill, in the order a person is offered them.
pub fn targets(info: &'static KindInfo) -> Vec<Target> {
    let mut out = vec![Target::Ignore, Target::ExternalId];
    out.extend(
        field::walk(info.fields)
            .filter(|f| !f.headers.is_empty())
            .map(Target::Field),
    );
    out
}

/// The target a mapping code names for a kind.
pub fn target_of(info: &'static KindInfo, code: &str) -> Option<Target> {
    targets(info).into_iter().find(|t| t.code() == code)
}

/// Which column fills which field, by the column's header (compared without case and surrounding
/// space), as codes (`name`, `external_id`, `ignore`, …).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Mapping {
    pub columns: Vec<(String, String)>,
}

impl Mapping {
    /// The mapping used when the person gives none: each field's headers, and the headers the kind's
    /// own export writes in either language, so that an export imports back.
    pub fn default_for(info: &'static KindInfo) -> Mapping {
        let mut columns = vec![(ID_HEADER.to_string(), "external_id".to_string())];
        for f in field::walk(info.fields).filter(|f| !f.headers.is_empty()) {
            for h in f.headers.iter().copied().chain([f.label.en]) {
                columns.push((h.to_string(), f.code().to_string()));
            }
        }
        Mapping { columns }
    }

    /// A mapping given as `{"Header": "code", …}`; a code the kind does not know is refused.
    pub fn parse(info: &'static KindInfo, json: &str) -> Result<Mapping, String> {
        let map: std::collections::BTreeMap<String, String> =
            serde_json::from_str(json).map_err(|e| format!("mapping: {e}"))?;
        if let Some((_, code)) = map.iter().find(|(_, c)| target_of(info, c).is_none()) {
            return Err(format!("mapping: no field {code:?}"));
        }
        Ok(Mapping {
            columns: map.into_iter().collect(),
        })
    }

    /// The code a header maps to (`ignore` for none).
    pub fn code(&self, header: &str) -> &str {
        let h = header.trim().to_lowercase();
        self.columns
            .iter()
            .find(|(c, _)| c.trim().to_lowercase() == h)
            .map(|(_, t)| t.as_str())
            .unwrap_or("ignore")
    }

    pub fn target(&self, info: &'static KindInfo, header: &str) -> Target {
        target_of(info, self.code(header)).unwrap_or(Target::Ignore)
    }
}

/// One problem in the sheet.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// 1-based, counting the header row as row 1, as a spreadsheet shows it.
    pub row: usize,
    pub column: String,
    pub message: String,
}

/// A row ready to save.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRow<D> {
    pub row: usize,
    pub external_id: Option<String>,
    pub details: Valid<D>,
}

/// The outcome of reading a sheet: the rows, or every problem (then nothing should be saved).
#[derive(Debug, Clone, PartialEq)]
pub struct Plan<D> {
    pub rows: Vec<ImportRow<D>>,
    pub problems: Vec<Problem>,
    /// Problems found beyond [`PROBLEMS_MAX`], not listed.
    pub more_problems: usize,
    /// Data rows read (blank rows left out).
    pub read: usize,
}

impl<D> Default for Plan<D> {
    fn default() -> Self {
        Plan {
            rows: Vec::new(),
            problems: Vec::new(),
            more_problems: 0,
            read: 0,
        }
    }
}

impl<D> Plan<D> {
    fn problem(&mut self, p: Problem) {
        if self.problems.len() < PROBLEMS_MAX {
            self.problems.push(p);
        } else {
            self.more_problems += 1;
        }
    }
}

/// A problem a kind finds across a row's cells (see [`Descriptor::sheet_row`]).
#[derive(Debug, Clone)]
pub struct Flaw {
    /// The field it is about; it is shown at that field's column, or at a column of the same group.
    pub field: &'static str,
    pub message: String,
}

/// A row being read: the values its cells gave, which fields were given (also those whose cell could
/// not be read) and which have a column at all.
#[derive(Debug, Clone, Default)]
pub struct RowDraft {
    pub values: Map<String, Value>,
    given: Vec<&'static str>,
    mapped: Vec<&'static str>,
    unreadable: Vec<&'static str>,
    flaws: Vec<Flaw>,
}

impl RowDraft {
    /// Whether the row has a cell for the field, readable or not.
    pub fn given(&self, field: &str) -> bool {
        self.given.contains(&field)
    }

    /// Whether a column fills the field.
    pub fn mapped(&self, field: &str) -> bool {
        self.mapped.contains(&field)
    }

    pub fn flaw(&mut self, field: &'static str, message: String) {
        self.flaws.push(Flaw { field, message });
    }

    /// A value at a field's path (`classification.integrity`), if the row gave one.
    pub fn value(&self, field: &str) -> Option<&Value> {
        let mut v: Option<&Value> = None;
        for part in field.split('.') {
            v = match v {
                None => self.values.get(part),
                Some(Value::Object(m)) => m.get(part),
                Some(_) => None,
            };
        }
        v
    }

    fn set(&mut self, field: &'static str, value: Value) {
        let mut parts: Vec<&str> = field.split('.').collect();
        let last = parts.pop().unwrap_or(field);
        let mut at = &mut self.values;
        for p in parts {
            let entry = at
                .entry(p.to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            if !entry.is_object() {
                *entry = Value::Object(Map::new());
            }
            let Value::Object(m) = entry else {
                return;
            };
            at = m;
        }
        at.insert(last.to_string(), value);
    }
}

fn problem(row: usize, column: &str, message: String) -> Problem {
    Problem {
        row,
        column: column.to_string(),
        message,
    }
}

/// Builds the records of a sheet for a kind. `header` is the first row; `rows` the rest. Every
/// problem is listed (up to [`PROBLEMS_MAX`]); with any problem, nothing should be saved.
pub fn plan<D: Descriptor>(
    header: &[String],
    rows: &[Vec<String>],
    mapping: &Mapping,
    lang: Lang,
) -> Plan<D::Details> {
    let info = D::info();
    let targets: Vec<Target> = header.iter().map(|h| mapping.target(info, h)).collect();
    let column_at = |i: usize| header.get(i).cloned().unwrap_or_default();
    let column_of = |name: &str| {
        targets
            .iter()
            .position(|t| matches!(t, Target::Field(f) if f.name == name))
            .map(column_at)
    };
    let mut out = Plan::default();
    for f in info
        .fields
        .iter()
        .filter(|f| f.required && !f.headers.is_empty())
    {
        if column_of(f.name).is_none() {
            out.problem(problem(
                1,
                "",
                match lang {
                    Lang::Sv => format!("Ingen kolumn är kopplad till fältet {}.", f.label.sv),
                    Lang::En => format!("No column is mapped to the field {}.", f.label.en),
                },
            ));
            return out;
        }
    }
    let mapped: Vec<&'static str> = targets
        .iter()
        .filter_map(|t| match t {
            Target::Field(f) => Some(f.name),
            _ => None,
        })
        .collect();
    let mut seen_ids: HashMap<String, usize> = HashMap::new();
    let mut seen_keys: HashMap<String, usize> = HashMap::new();
    for (i, cells) in rows.iter().enumerate() {
        let row = i + 2;
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        out.read += 1;
        let mut draft = RowDraft {
            mapped: mapped.clone(),
            ..RowDraft::default()
        };
        let mut external_id = None;
        let mut ok = true;
        for (col, target) in targets.iter().enumerate() {
            let cell = cells.get(col).map(String::as_str).unwrap_or_default();
            match target {
                Target::Ignore => {}
                Target::ExternalId => match text(cell).map(|t| {
                    crate::text::required_line("id", &t, ID_MAX).map_err(|e| e.rule.message(lang))
                }) {
                    None => {}
                    Some(Ok(id)) => external_id = Some(id),
                    Some(Err(msg)) => {
                        out.problem(problem(row, &column_at(col), msg));
                        ok = false;
                    }
                },
                Target::Field(f) => match read_cell(f, cell) {
                    Ok(None) => {}
                    Ok(Some(v)) => {
                        draft.given.push(f.name);
                        draft.set(f.name, v);
                    }
                    Err(msg) => {
                        draft.given.push(f.name);
                        draft.unreadable.push(f.name);
                        out.problem(problem(
                            row,
                            &column_at(col),
                            lang.pick_owned(msg.sv, msg.en),
                        ));
                        ok = false;
                    }
                },
            }
        }
        if let Some(id) = &external_id {
            if let Some(first) = seen_ids.get(id) {
                out.problem(problem(
                    row,
                    &column_at(
                        targets
                            .iter()
                            .position(|t| matches!(t, Target::ExternalId))
                            .unwrap_or(0),
                    ),
                    match lang {
                        Lang::Sv => format!("Samma id som rad {first}."),
                        Lang::En => format!("The same id as row {first}."),
                    },
                ));
                ok = false;
            } else {
                seen_ids.insert(id.clone(), row);
            }
        }
        D::sheet_row(&mut draft, lang);
        // A field whose cell could not be read is reported once, not again as missing.
        let first_given_in_group = |draft: &RowDraft, name: &str| {
            let group = name.rsplit_once('.').map(|(g, _)| g);
            draft
                .given
                .iter()
                .find(|g| group.is_some() && g.rsplit_once('.').map(|(p, _)| p) == group)
                .and_then(|g| column_of(g))
        };
        for flaw in std::mem::take(&mut draft.flaws) {
            let column = column_of(flaw.field)
                .or_else(|| first_given_in_group(&draft, flaw.field))
                .unwrap_or_else(|| flaw.field.to_string());
            out.problem(problem(row, &column, flaw.message));
            ok = false;
        }
        match parse::parse::<D>(std::mem::take(&mut draft.values)) {
            Ok(details) if ok => {
                let key = match &external_id {
                    Some(id) => format!("id:{id}"),
                    None => format!("name:{}", D::title(&details).to_lowercase()),
                };
                if let Some(first) = seen_keys.insert(key, row)
                    && external_id.is_none()
                {
                    let title_column = info
                        .fields
                        .iter()
                        .find(|f| f.required)
                        .and_then(|f| column_of(f.name))
                        .unwrap_or_default();
                    out.problem(problem(
                        row,
                        &title_column,
                        lang.pick_owned(info.sheet.same_name.sv, info.sheet.same_name.en)
                            .replace("{row}", &first.to_string()),
                    ));
                    continue;
                }
                out.rows.push(ImportRow {
                    row,
                    external_id,
                    details,
                });
            }
            Ok(_) => {}
            Err(Refusal::Invalid(errors)) => {
                for e in errors
                    .into_iter()
                    .filter(|e| !draft.unreadable.contains(&e.field))
                {
                    let column = column_of(e.field)
                        .or_else(|| first_given_in_group(&draft, e.field))
                        .unwrap_or_else(|| e.field.to_string());
                    out.problem(problem(row, &column, e.rule.message(lang)));
                }
            }
            Err(Refusal::Unreadable(why)) => {
                out.problem(problem(row, "", why));
            }
        }
    }
    if !out.problems.is_empty() {
        out.rows.clear();
    }
    out
}

/// Reads a cell for a field: `Ok(None)` for blank.
pub fn read_cell(f: &Field, cell: &str) -> Result<Option<Value>, Text2> {
    if let Some(reader) = f.reader {
        return reader(cell);
    }
    let blank = cell.trim().is_empty();
    match f.input {
        Input::Line { .. } | Input::Text { .. } => Ok(text(cell).map(Value::String)),
        Input::Lines => Ok((!blank).then(|| strings(list(cell)))),
        Input::Flag => yes(cell).map(|b| Some(Value::Bool(b))).ok_or(YES_OR_NO),
        Input::Date => date(cell).map(|d| d.map(Value::String)).ok_or(NOT_A_DATE),
        Input::Instant => instant(cell)
            .map(|t| t.map(Value::String))
            .ok_or(NOT_AN_INSTANT),
        Input::Choice(_) | Input::Pick(_) => {
            if blank {
                return Ok(None);
            }
            option(f, cell)
                .map(|c| Some(Value::String(c.into())))
                .ok_or(UNKNOWN_OPTION)
        }
        Input::Choices(_) => {
            if blank {
                return Ok(None);
            }
            let parts = list(cell);
            if parts.len() == 1 && yes(&parts[0]) == Some(false) {
                return Ok(Some(Value::Array(Vec::new())));
            }
            parts
                .iter()
                .map(|p| option(f, p).map(|c| Value::String(c.into())))
                .collect::<Option<Vec<_>>>()
                .map(|v| Some(Value::Array(v)))
                .ok_or(UNKNOWN_OPTION)
        }
        Input::Level => level(cell).map(|l| l.map(Value::from)).ok_or(UNKNOWN_LEVEL),
        Input::Links(_) | Input::Rows(_) | Input::Group(_) | Input::Kept => Ok(None),
    }
}

/// The option a cell names, by its code or its label in either language.
pub fn option(f: &Field, cell: &str) -> Option<&'static str> {
    let c = cell.trim().to_lowercase();
    f.options()
        .iter()
        .find(|o| o.code == c || o.label.sv.to_lowercase() == c || o.label.en.to_lowercase() == c)
        .map(|o| o.code)
}

fn strings(items: Vec<String>) -> Value {
    Value::Array(items.into_iter().map(Value::String).collect())
}

// ---------------------------------------------------------------------------------------------
// Export

/// What one exported row says about its record besides its fields.
pub struct ExportRecord<'a, D> {
    pub id: &'a str,
    pub organisation: &'a str,
    /// The workflow state's label, for kinds with a workflow.
    pub status: Option<&'a str>,
    pub details: &'a D,
}

/// The fields an export writes, in order: every field with headers, a group's fields in its place.
pub fn exported(info: &'static KindInfo) -> impl Iterator<Item = &'static Field> {
    field::walk(info.fields).filter(|f| !f.headers.is_empty())
}

/// An export's headers. The Swedish ones are the import's own headers, so that an exported file,
/// edited, imports back onto the same records (its ID column is each record's id); the English ones
/// are the fields' English labels, which the import also reads.
pub fn export_headers(info: &'static KindInfo, lang: Lang) -> Vec<String> {
    let mut out = vec![
        ID_HEADER.to_string(),
        lang.pick("Organisation", "Organisation").to_string(),
    ];
    if info.workflow.is_some() {
        out.push("Status".into());
    }
    out.extend(exported(info).map(|f| match lang {
        Lang::Sv => f.headers[0].to_string(),
        Lang::En => f.label.en.to_string(),
    }));
    out
}

/// One record's row, in the order of [`export_headers`].
pub fn export_row<D: Descriptor>(r: &ExportRecord<'_, D::Details>, lang: Lang) -> Vec<String> {
    let info = D::info();
    let doc = serde_json::to_value(r.details).unwrap_or(Value::Null);
    let mut out = vec![r.id.to_string(), r.organisation.to_string()];
    if info.workflow.is_some() {
        out.push(r.status.unwrap_or_default().to_string());
    }
    for f in exported(info) {
        let mut v = &doc;
        for part in f.name.split('.') {
            v = v.get(part).unwrap_or(&Value::Null);
        }
        out.push(cell_of(f, v, lang));
    }
    out
}

/// A value as a cell the import reads back.
pub fn cell_of(f: &Field, v: &Value, lang: Lang) -> String {
    match (f.input, v) {
        (_, Value::Null) => String::new(),
        (Input::Lines, Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join("\n"),
        (Input::Choices(_), Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(|c| f.option_label(c, lang).unwrap_or(c))
            .collect::<Vec<_>>()
            .join("\n"),
        (Input::Level, Value::Number(n)) => n.to_string(),
        (Input::Instant, Value::String(s)) => crate::time::from_storage(s)
            .map(crate::time::to_local_rfc3339)
            .unwrap_or_else(|| s.clone()),
        _ => field::display(f, v, lang),
    }
}

// ---------------------------------------------------------------------------------------------
// Cells every kind reads alike

/// A yes/no cell; blank is no.
pub fn yes(s: &str) -> Option<bool> {
    match s.trim().to_lowercase().as_str() {
        "" | "nej" | "no" | "n" | "0" | "false" | "falskt" | "-" => Some(false),
        "ja" | "yes" | "j" | "y" | "1" | "true" | "sant" | "x" => Some(true),
        _ => None,
    }
}

pub const YES_OR_NO: Text2 = Text2::new("Svara Ja eller Nej.", "Answer Yes or No.");
pub const NOT_A_DATE: Text2 = Text2::new(
    "Okänt datum: skriv det som ÅÅÅÅ-MM-DD (t.ex. 2026-03-01).",
    "Unknown date: write it as YYYY-MM-DD (e.g. 2026-03-01).",
);
pub const NOT_AN_INSTANT: Text2 = Text2::new(
    "Okänd tidpunkt: skriv den som ÅÅÅÅ-MM-DD TT:MM i svensk tid (t.ex. 2026-03-01 14:30). En tid som inträffar två gånger eller inte alls när klockan ställs om skrivs med tidszon (t.ex. 2026-10-25T02:30:00+01:00).",
    "Unknown time: write it as YYYY-MM-DD HH:MM in Swedish time (e.g. 2026-03-01 14:30). A time that occurs twice or not at all when the clocks change is written with its offset (e.g. 2026-10-25T02:30:00+01:00).",
);
pub const UNKNOWN_OPTION: Text2 = Text2::new(
    "Okänt värde: använd ett av alternativen i formuläret.",
    "Unknown value: use one of the form's options.",
);
pub const UNKNOWN_LEVEL: Text2 = Text2::new(
    "Okänd nivå: ange 1–4 eller Låg, Måttlig, Hög, Mycket hög.",
    "Unknown level: give 1–4 or Low, Moderate, High, Very high.",
);

/// Splits a cell holding several values: by line breaks or semicolons when it has any, else by
/// commas.
pub fn list(s: &str) -> Vec<String> {
    let sep: &[char] = if s.contains(['\n', ';']) {
        &['\n', ';']
    } else {
        &[',']
    };
    s.split(sep)
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(String::from)
        .collect()
}

/// A text cell, trimmed; blank is none.
/// The longest id a row may give for itself (Ombud's own are 36 characters; another system's seldom
/// more than a few dozen). It is stored in an index, which bounds it.
pub const ID_MAX: usize = 200;

pub fn text(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// A date cell as `YYYY-MM-DD`; blank is no date. Year, month and day may be separated by `-`, `/`
/// or `.` (or not at all), and a time after the date, which a spreadsheet may add, is left out.
/// Day-first forms such as `1/3/2026` are refused: read either way they could be wrong.
pub fn date(s: &str) -> Option<Option<String>> {
    let t = s.trim();
    if t.is_empty() {
        return Some(None);
    }
    let day = t.split(['T', ' ']).next().unwrap_or(t);
    let parts: Vec<&str> = if day.len() == 8 && day.bytes().all(|b| b.is_ascii_digit()) {
        vec![&day[..4], &day[4..6], &day[6..]]
    } else {
        day.split(['-', '/', '.']).collect()
    };
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    if y.len() != 4 || !(1..=2).contains(&m.len()) || !(1..=2).contains(&d.len()) {
        return None;
    }
    let date = jiff::civil::Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok()?;
    Some(Some(date.to_string()))
}

/// An instant cell, in storage form; blank is none. RFC 3339 with an offset (what exports write), or
/// a Stockholm wall-clock time `YYYY-MM-DD HH:MM` where it names exactly one instant: a time the
/// clocks skip or repeat is refused rather than guessed.
pub fn instant(s: &str) -> Option<Option<String>> {
    use crate::time::{Local, parse_instant, parse_local, resolve_local, to_storage};
    let t = s.trim();
    if t.is_empty() {
        return Some(None);
    }
    if let Some(ts) = parse_instant(t) {
        return Some(Some(to_storage(ts)));
    }
    match resolve_local(parse_local(t)?) {
        Local::Unique(ts) => Some(Some(to_storage(ts))),
        Local::Twice { .. } | Local::Skipped { .. } => None,
    }
}

/// A KLASSA level cell: a digit 1–4 (also `K3`, `Nivå 3`, `3 – Hög`, `3.0`) or KLASSA's word for it
/// (Låg, Måttlig, Hög, Mycket hög, or in English). Blank is no level.
pub fn level(s: &str) -> Option<Option<u8>> {
    let t = s.trim().to_lowercase();
    if t.is_empty() {
        return Some(None);
    }
    let by_word = |w: &str| -> Option<u8> {
        match w.trim() {
            "låg" | "low" => Some(1),
            "måttlig" | "moderate" | "medel" => Some(2),
            "hög" | "high" => Some(3),
            "mycket hög" | "very high" => Some(4),
            _ => None,
        }
    };
    let rest = t
        .strip_prefix("nivå")
        .or_else(|| t.strip_prefix("level"))
        .map(str::trim_start)
        .unwrap_or(&t);
    // A KLASSA export may prefix the level with the aspect's letter: K3, R2, T1 (or C, I, A).
    let rest = match rest.as_bytes() {
        [b'k' | b'r' | b't' | b'c' | b'i' | b'a', d, ..] if d.is_ascii_digit() => &rest[1..],
        _ => rest,
    };
    let value = match rest.chars().next() {
        Some(c @ '0'..='9') => {
            let after = &rest[1..];
            let after = after
                .strip_prefix(".0")
                .or_else(|| after.strip_prefix(",0"))
                .unwrap_or(after);
            let v = c.to_digit(10).and_then(|v| u8::try_from(v).ok())?;
            let word = after.trim_start_matches(|c: char| {
                c.is_whitespace() || matches!(c, '-' | '–' | '—' | ':' | '(' | '=')
            });
            let word = word.trim_end_matches(')');
            // A word after the digit must agree with it: "3 – Låg" is a mistake somewhere.
            if !word.is_empty() && by_word(word) != Some(v) {
                return None;
            }
            v
        }
        _ => by_word(rest)?,
    };
    (1..=4).contains(&value).then_some(Some(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yes_and_no_in_swedish_and_english() {
        for v in ["Ja", "ja", "X", "1", "yes", " Sant "] {
            assert_eq!(yes(v), Some(true), "{v}");
        }
        for v in ["Nej", "", "0", "no", "falskt"] {
            assert_eq!(yes(v), Some(false), "{v}");
        }
        assert_eq!(yes("kanske"), None);
    }

    #[test]
    fn lists_split_on_lines_and_semicolons_before_commas() {
        assert_eq!(list("a, b"), vec!["a", "b"]);
        assert_eq!(list("a, b; c\nd"), vec!["a, b", "c", "d"]);
        assert_eq!(list(" ; "), Vec::<String>::new());
    }

    #[test]
    fn dates_in_the_forms_spreadsheets_write() {
        for v in [
            "2026-03-01",
            " 2026-3-1 ",
            "2026/03/01",
            "2026.03.01",
            "20260301",
            "2026-03-01 00:00:00",
            "2026-03-01T00:00:00",
        ] {
            assert_eq!(date(v), Some(Some("2026-03-01".into())), "{v}");
        }
        assert_eq!(date("  "), Some(None));
        for v in [
            "1/3/2026",
            "2026-02-30",
            "2026-13-01",
            "26-03-01",
            "igår",
            "2026-03",
            "2026-03-01-02",
            "2026-003-01",
        ] {
            assert_eq!(date(v), None, "{v}");
        }
    }

    #[test]
    fn levels_as_digits_and_words() {
        for (v, want) in [
            ("1", 1),
            ("K3", 3),
            ("r2", 2),
            ("Nivå 4", 4),
            ("3 – Hög", 3),
            ("3.0", 3),
            ("Låg", 1),
            ("Mycket hög", 4),
            ("moderate", 2),
        ] {
            assert_eq!(level(v), Some(Some(want)), "{v}");
        }
        assert_eq!(level(""), Some(None));
        for v in ["5", "0", "3 – Låg", "hög-ish", "x"] {
            assert_eq!(level(v), None, "{v}");
        }
    }
}
