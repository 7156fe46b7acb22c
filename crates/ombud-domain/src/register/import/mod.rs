//! Importing a register from a spreadsheet: the person maps their columns to Ombud's fields, sees
//! every problem by row and column before anything is saved, and then imports all rows or none.
//!
//! This module is the pure part: given the sheet's header and rows as text and a mapping, it builds
//! the records or lists the problems. Reading `.xlsx`/`.csv` files and saving are elsewhere.
//!
//! What is the same for every register lives here: the mapping from header to field, the walk over
//! rows and cells that places each problem at its row and column, the id column and its duplicates,
//! and the readers of common cells (yes/no, lists, dates). Each register ([`processing`],
//! [`systems`]) says only how its cells fill a record, through [`RegisterSheet`].

pub mod processing;
pub mod systems;

pub use processing::{Processing, Target, plan};
pub use systems::{SystemTarget, Systems};

use super::processing::ProcessingDetails;
use crate::{Invalid, Lang};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A field of a register that a column can fill.
pub trait Field: Copy + Eq + std::fmt::Debug + Serialize + DeserializeOwned + 'static {
    /// The column is not imported.
    const IGNORE: Self;
    /// The row's key in the source, used to update on re-import.
    const EXTERNAL_ID: Self;
    /// The record's name, which every sheet must have.
    const NAME: Self;
    /// Every field, in the order a person is offered them.
    const ALL: &'static [Self];

    /// The API field the target fills, so that a validation message lands on its column.
    fn api_field(self) -> Option<&'static str>;

    /// The field's name in a mapping (`name`, `ignore`, …).
    fn code(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default()
    }
}

/// Which column fills which field, by the column's header text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping<T = Target> {
    pub columns: Vec<(String, T)>,
}

impl<T> Default for Mapping<T> {
    fn default() -> Self {
        Mapping {
            columns: Vec::new(),
        }
    }
}

impl<T: Field> Mapping<T> {
    fn of(pairs: &[(&str, T)]) -> Mapping<T> {
        Mapping {
            columns: pairs.iter().map(|(h, t)| (h.to_string(), *t)).collect(),
        }
    }

    /// The field a header maps to (headers compare without case and surrounding space).
    pub fn target(&self, header: &str) -> T {
        let h = header.trim().to_lowercase();
        self.columns
            .iter()
            .find(|(c, _)| c.trim().to_lowercase() == h)
            .map(|(_, t)| *t)
            .unwrap_or(T::IGNORE)
    }
}

/// One problem in the sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// 1-based, counting the header row as row 1, as a spreadsheet shows it.
    pub row: usize,
    pub column: String,
    pub message: String,
}

/// A row ready to save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow<D = ProcessingDetails> {
    pub row: usize,
    pub external_id: Option<String>,
    pub details: D,
}

/// The outcome of reading a sheet: rows to save, or every problem found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan<D = ProcessingDetails> {
    pub rows: Vec<ImportRow<D>>,
    pub problems: Vec<Problem>,
}

impl<D> Default for Plan<D> {
    fn default() -> Self {
        Plan {
            rows: Vec::new(),
            problems: Vec::new(),
        }
    }
}

/// A message in Swedish and English.
pub type Msg = (&'static str, &'static str);

/// A problem a whole row shows once all its cells are read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Flaw<T> {
    /// Placed at the column mapped to the field.
    At(T, String),
    /// A rule of the record, placed at the column that fills its field.
    Invalid(Invalid),
}

/// What a register tells the import about itself.
pub trait RegisterSheet {
    type Target: Field;
    /// What a row's cells build up before the row is checked as a whole.
    type Draft: Default;
    type Details: Clone + PartialEq;

    /// Said when no column fills the name.
    const NAME_MISSING: Msg;

    /// The saved mapping used when the person gives none.
    fn default_mapping() -> Mapping<Self::Target>;

    /// Reads one cell into the draft (never the id column, which the import keeps itself).
    fn fill(draft: &mut Self::Draft, target: Self::Target, cell: &str) -> Result<(), Msg>;

    /// Checks a row as a whole. `mapped` holds the target of each column, so that a problem about a
    /// field no column fills can be placed where the person will look.
    fn finish(
        draft: Self::Draft,
        mapped: &[Self::Target],
        lang: Lang,
    ) -> Result<Self::Details, Vec<Flaw<Self::Target>>>;

    fn name(details: &Self::Details) -> &str;

    /// Copies into an imported record what no column can fill (links made in Ombud, for instance)
    /// from the record it replaces, so that a re-import neither wipes them nor counts as a change.
    fn keep_unimported(imported: &mut Self::Details, stored: &Self::Details);

    /// Said when two rows without ids share a name, which would make them one record.
    fn same_name(lang: Lang, first_row: usize) -> String;
}

fn bad(row: usize, column: &str, lang: Lang, (sv, en): Msg) -> Problem {
    Problem {
        row,
        column: column.to_string(),
        message: lang.pick_owned(sv, en),
    }
}

/// Builds the records of a sheet for a register. `header` is the first row; `rows` the rest. Every
/// problem is listed; with any problem, nothing should be saved.
pub fn plan_for<R: RegisterSheet>(
    header: &[String],
    rows: &[Vec<String>],
    mapping: &Mapping<R::Target>,
    lang: Lang,
) -> Plan<R::Details> {
    let targets: Vec<R::Target> = header.iter().map(|h| mapping.target(h)).collect();
    let column_at = |i: usize| header.get(i).cloned().unwrap_or_default();
    let column_of = |t: R::Target| targets.iter().position(|x| *x == t).map(column_at);
    let mut out = Plan::default();
    if !targets.contains(&R::Target::NAME) {
        out.problems.push(bad(1, "", lang, R::NAME_MISSING));
        return out;
    }
    let mut seen_ids: HashMap<String, usize> = HashMap::new();
    for (i, cells) in rows.iter().enumerate() {
        let row = i + 2;
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let mut draft = R::Draft::default();
        let mut external_id = None;
        let mut ok = true;
        for (col, target) in targets.iter().enumerate() {
            let cell = cells.get(col).map(String::as_str).unwrap_or_default();
            if *target == R::Target::IGNORE {
            } else if *target == R::Target::EXTERNAL_ID {
                external_id = text(cell);
            } else if let Err(msg) = R::fill(&mut draft, *target, cell) {
                out.problems.push(bad(row, &column_at(col), lang, msg));
                ok = false;
            }
        }
        if let Some(id) = &external_id {
            if let Some(first) = seen_ids.get(id) {
                out.problems.push(Problem {
                    row,
                    column: column_of(R::Target::EXTERNAL_ID).unwrap_or_default(),
                    message: match lang {
                        Lang::Sv => format!("Samma id som rad {first}."),
                        Lang::En => format!("The same id as row {first}."),
                    },
                });
                ok = false;
            } else {
                seen_ids.insert(id.clone(), row);
            }
        }
        match R::finish(draft, &targets, lang) {
            Ok(details) if ok => out.rows.push(ImportRow {
                row,
                external_id,
                details,
            }),
            Ok(_) => {}
            Err(flaws) => {
                for flaw in flaws {
                    let (column, message) = match flaw {
                        Flaw::At(t, message) => (column_of(t).unwrap_or_else(|| t.code()), message),
                        Flaw::Invalid(e) => (
                            targets
                                .iter()
                                .position(|t| t.api_field() == Some(e.field))
                                .map(column_at)
                                .unwrap_or_else(|| e.field.to_string()),
                            e.rule.message(lang),
                        ),
                    };
                    out.problems.push(Problem {
                        row,
                        column,
                        message,
                    });
                }
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Cells every register reads alike

/// A yes/no cell; blank is no.
fn yes(s: &str) -> Option<bool> {
    match s.trim().to_lowercase().as_str() {
        "" | "nej" | "no" | "n" | "0" | "false" | "falskt" => Some(false),
        "ja" | "yes" | "j" | "y" | "1" | "true" | "sant" | "x" => Some(true),
        _ => None,
    }
}

const YES_OR_NO: Msg = ("Svara Ja eller Nej.", "Answer Yes or No.");

/// Splits a cell holding several values: by line breaks, semicolons or commas.
fn list(s: &str) -> Vec<String> {
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

fn text(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// A date cell as `YYYY-MM-DD`; blank is no date. Year, month and day may be separated by `-`, `/`
/// or `.` (or not at all), and a time after the date, which a spreadsheet may add, is left out.
/// Day-first forms such as `1/3/2026` are refused: read either way they could be wrong.
fn date(s: &str) -> Option<Option<String>> {
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

const NOT_A_DATE: Msg = (
    "Okänt datum: skriv det som ÅÅÅÅ-MM-DD (t.ex. 2026-03-01).",
    "Unknown date: write it as YYYY-MM-DD (e.g. 2026-03-01).",
);

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
}
