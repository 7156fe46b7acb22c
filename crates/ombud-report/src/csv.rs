//! CSV as Swedish Excel opens it: UTF-8 with a byte-order mark, `;` between fields, CRLF between
//! rows, and fields quoted when they hold a separator, a quote or a line break.
//!
//! A field that starts with `=`, `+`, `-` or `@` is prefixed with `'` so that a spreadsheet does not
//! run it as a formula (CSV injection).

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

fn push_field(out: &mut String, f: &str) {
    let defused;
    let f = if f.starts_with(['=', '+', '-', '@']) {
        defused = format!("'{f}");
        defused.as_str()
    } else {
        f
    };
    if f.contains([';', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&f.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(f);
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
}
