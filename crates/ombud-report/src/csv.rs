//! CSV as Swedish Excel opens it: UTF-8 with a byte-order mark, `;` between fields, CRLF between
//! rows, and fields quoted when they hold a separator, a quote or a line break.
//!
//! CSV injection: a spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula, and
//! it may split our lines at `,` or a tab instead of `;` (the reader chooses, not the file). So every
//! place where any reader could start a cell — the field's start and the character after any `;`,
//! `,`, tab or line break inside it — gets a `'` before such a character, and a field holding any of
//! those separators is quoted. [`restore`] takes the marks away again when the file is imported, so
//! that an export imports back as it was.

use crate::Table;

pub fn to_csv(t: &Table) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    push_row(&mut out, &t.headers);
    for r in &t.rows {
        push_row(&mut out, r);
    }
    out.into_bytes()
}

fn push_row(out: &mut String, fields: &[String]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        push_field(out, f);
    }
    out.push_str("\r\n");
}

/// What may start a formula.
const FORMULA: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];
/// Where any reader may start a new cell.
const STARTS_CELL: [char; 5] = [';', ',', '\t', '\n', '\r'];

/// The field with a `'` wherever a reader could start a cell with a formula character.
fn defuse(f: &str) -> String {
    let mut out = String::with_capacity(f.len() + 2);
    let mut at_start = true;
    for c in f.chars() {
        if at_start && FORMULA.contains(&c) {
            out.push('\'');
        }
        out.push(c);
        at_start = STARTS_CELL.contains(&c);
    }
    out
}

/// Undoes [`defuse`] on a cell read back from a file: a `'` where a cell could start, before a
/// formula character, is the mark.
pub fn restore(cell: &str) -> String {
    let mut out = String::with_capacity(cell.len());
    let mut at_start = true;
    let mut chars = cell.chars().peekable();
    while let Some(c) = chars.next() {
        if at_start && c == '\'' && chars.peek().is_some_and(|n| FORMULA.contains(n)) {
            at_start = false;
            continue;
        }
        out.push(c);
        at_start = STARTS_CELL.contains(&c);
    }
    out
}

fn push_field(out: &mut String, f: &str) {
    let f = defuse(f);
    if f.contains(['"', ';', ',', '\t', '\n', '\r']) {
        out.push('"');
        out.push_str(&f.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(&f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: Vec<Vec<&str>>) -> Table {
        Table {
            title: "t".into(),
            headers: vec!["Namn".into(), "Ändamål".into()],
            rows: rows
                .into_iter()
                .map(|r| r.into_iter().map(String::from).collect())
                .collect(),
        }
    }

    #[test]
    fn starts_with_a_bom_and_uses_semicolons_and_crlf() {
        let s =
            String::from_utf8(to_csv(&table(vec![vec!["Elevregister", "Skola"]]))).expect("utf-8");
        assert_eq!(s, "\u{feff}Namn;Ändamål\r\nElevregister;Skola\r\n");
    }

    #[test]
    fn quotes_fields_with_separators_quotes_and_newlines() {
        let s = String::from_utf8(to_csv(&table(vec![vec!["a;b", "säger \"hej\"\nrad två"]])))
            .expect("utf-8");
        assert!(s.contains("\"a;b\";\"säger \"\"hej\"\"\nrad två\""));
    }

    #[test]
    fn formulas_are_defused() {
        let s = String::from_utf8(to_csv(&table(vec![vec!["=HYPERLINK(\"x\")", "-1"]])))
            .expect("utf-8");
        assert!(s.contains("\"'=HYPERLINK(\"\"x\"\")\";'-1"));
    }

    #[test]
    fn a_formula_after_any_separator_is_defused_and_restored() {
        let value = "x,=1+2,y;@SUM(1)\t-A1\n+1";
        let s = String::from_utf8(to_csv(&table(vec![vec![value, "-1"]]))).expect("utf-8");
        // Split the row as any reader might, quotes or not: no piece starts a formula.
        let row = s.lines().nth(1).expect("a row");
        for sep in [',', ';', '\t'] {
            for piece in row.split(sep) {
                let piece = piece.trim_start_matches('"');
                assert!(
                    !piece.starts_with(['=', '+', '-', '@']),
                    "{piece:?} in {row:?} split at {sep:?}"
                );
            }
        }
        assert_eq!(restore("x,'=1+2,y;'@SUM(1)\t'-A1\n'+1"), value);
        assert_eq!(restore(&defuse(value)), value);
        assert_eq!(restore("'-1"), "-1");
        // A quote elsewhere stays.
        assert_eq!(restore("it's 'quoted'"), "it's 'quoted'");
    }
}
