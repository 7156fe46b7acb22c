//! The fields of a kind: what people fill in, declared once and read by everything that shows,
//! checks, imports or exports a record.
//!
//! A field names a member of the record's JSON document (`name`, `legal_bases`,
//! `classification.confidentiality` inside a group), says how it is entered ([`Input`]), what it is
//! called and what a one-line hint says about it, in Swedish and English, which section of the form
//! it belongs to, and which spreadsheet headers fill it on import (the first is the header an export
//! writes).

use super::Kind;
use crate::Lang;
use serde_json::Value;

/// A text in Swedish and English.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text2 {
    pub sv: &'static str,
    pub en: &'static str,
}

impl Text2 {
    pub const fn new(sv: &'static str, en: &'static str) -> Text2 {
        Text2 { sv, en }
    }

    pub fn get(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Sv => self.sv,
            Lang::En => self.en,
        }
    }
}

/// Shorthand for a [`Text2`].
pub const fn t2(sv: &'static str, en: &'static str) -> Text2 {
    Text2::new(sv, en)
}

/// One option of a choice: the code stored and sent, and what people read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opt {
    pub code: &'static str,
    pub label: Text2,
}

pub const fn opt(code: &'static str, sv: &'static str, en: &'static str) -> Opt {
    Opt {
        code,
        label: Text2::new(sv, en),
    }
}

/// Reads a spreadsheet cell into a field's JSON value: `Ok(None)` for a blank cell, `Err` with the
/// message (Swedish, English) when the cell cannot be read.
pub type CellReader = fn(&str) -> Result<Option<Value>, Text2>;

/// How a field is entered and stored.
#[derive(Debug, Clone, Copy)]
pub enum Input {
    /// One line of text, at most `max` characters (a JSON string, absent when blank).
    Line { max: usize },
    /// Free text that may span lines (a JSON string, absent when blank).
    Text { max: usize },
    /// Short texts, one per line in a form (a JSON array of strings).
    Lines,
    /// Yes or no (a JSON boolean, false when absent).
    Flag,
    /// A day, `YYYY-MM-DD` (absent when blank).
    Date,
    /// An instant: RFC 3339 with its offset from clients, kept in UTC (absent when blank). Forms
    /// take a Stockholm local time and ask which one is meant on a DST change.
    Instant,
    /// One of the options, or none (a JSON string).
    Choice(&'static [Opt]),
    /// One of the options, always one: the first is the default.
    Pick(&'static [Opt]),
    /// Any of the options (a JSON array of strings, in the options' order).
    Choices(&'static [Opt]),
    /// A KLASSA level, 1 (low) to 4 (very high) (a JSON number).
    Level,
    /// Records of another kind that this one names (a JSON array of ids).
    Links(Kind),
    /// Rows, each with these fields (a JSON array of objects).
    Rows(&'static [Field]),
    /// A group of fields given all together or not at all (a JSON object, absent when not given).
    Group(&'static [Field]),
    /// Kept by the server, never set through the record's own form or body.
    Kept,
}

/// One field of a kind.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// The member's path in the record's document, dotted inside rows and groups
    /// (`third_country_transfers.country`): also the name problems are reported under.
    pub name: &'static str,
    pub label: Text2,
    pub hint: Text2,
    pub input: Input,
    /// The section of the form (see [`Section`]); subfields inherit their parent's.
    pub section: &'static str,
    pub required: bool,
    /// Spreadsheet headers that fill the field on import, the first being the one exports write.
    /// Empty: the field is neither imported nor exported, and a re-import keeps what is stored.
    pub headers: &'static [&'static str],
    /// How an imported cell is read, when the input's own reading does not do.
    pub reader: Option<CellReader>,
    /// Shown only when another field has a value: `(field, code)` for a choice, `(field, "")` for a
    /// field that is set at all (a ticked flag, a chosen option, a list with items).
    pub when: Option<(&'static str, &'static str)>,
}

impl Field {
    const fn base(name: &'static str, label: Text2, input: Input) -> Field {
        Field {
            name,
            label,
            hint: Text2::new("", ""),
            input,
            section: "",
            required: false,
            headers: &[],
            reader: None,
            when: None,
        }
    }

    pub const fn line(name: &'static str, label: Text2, max: usize) -> Field {
        Field::base(name, label, Input::Line { max })
    }
    pub const fn text(name: &'static str, label: Text2, max: usize) -> Field {
        Field::base(name, label, Input::Text { max })
    }
    pub const fn lines(name: &'static str, label: Text2) -> Field {
        Field::base(name, label, Input::Lines)
    }
    pub const fn flag(name: &'static str, label: Text2) -> Field {
        Field::base(name, label, Input::Flag)
    }
    pub const fn date(name: &'static str, label: Text2) -> Field {
        Field::base(name, label, Input::Date)
    }
    pub const fn instant(name: &'static str, label: Text2) -> Field {
        Field::base(name, label, Input::Instant)
    }
    pub const fn choice(name: &'static str, label: Text2, opts: &'static [Opt]) -> Field {
        Field::base(name, label, Input::Choice(opts))
    }
    pub const fn pick(name: &'static str, label: Text2, opts: &'static [Opt]) -> Field {
        Field::base(name, label, Input::Pick(opts))
    }
    pub const fn choices(name: &'static str, label: Text2, opts: &'static [Opt]) -> Field {
        Field::base(name, label, Input::Choices(opts))
    }
    pub const fn level(name: &'static str, label: Text2) -> Field {
        Field::base(name, label, Input::Level)
    }
    pub const fn links(name: &'static str, label: Text2, to: Kind) -> Field {
        Field::base(name, label, Input::Links(to))
    }
    pub const fn rows(name: &'static str, label: Text2, fields: &'static [Field]) -> Field {
        Field::base(name, label, Input::Rows(fields))
    }
    pub const fn group(name: &'static str, label: Text2, fields: &'static [Field]) -> Field {
        Field::base(name, label, Input::Group(fields))
    }
    pub const fn kept(name: &'static str, label: Text2) -> Field {
        Field::base(name, label, Input::Kept)
    }

    pub const fn hint(mut self, sv: &'static str, en: &'static str) -> Field {
        self.hint = Text2::new(sv, en);
        self
    }
    pub const fn section(mut self, section: &'static str) -> Field {
        self.section = section;
        self
    }
    pub const fn required(mut self) -> Field {
        self.required = true;
        self
    }
    pub const fn headers(mut self, headers: &'static [&'static str]) -> Field {
        self.headers = headers;
        self
    }
    pub const fn reader(mut self, reader: CellReader) -> Field {
        self.reader = Some(reader);
        self
    }
    pub const fn when(mut self, field: &'static str, code: &'static str) -> Field {
        self.when = Some((field, code));
        self
    }

    /// The member's own name, without the path of its row or group.
    pub fn key(&self) -> &'static str {
        self.name.rsplit('.').next().unwrap_or(self.name)
    }

    /// The code a spreadsheet mapping uses for the field: its own name.
    pub fn code(&self) -> &'static str {
        self.key()
    }

    /// The fields inside a row or group.
    pub fn subfields(&self) -> &'static [Field] {
        match self.input {
            Input::Rows(f) | Input::Group(f) => f,
            _ => &[],
        }
    }

    /// The options of a choice.
    pub fn options(&self) -> &'static [Opt] {
        match self.input {
            Input::Choice(o) | Input::Pick(o) | Input::Choices(o) => o,
            _ => &[],
        }
    }

    /// The label of an option's code.
    pub fn option_label(&self, code: &str, lang: Lang) -> Option<&'static str> {
        self.options()
            .iter()
            .find(|o| o.code == code)
            .map(|o| o.label.get(lang))
    }

    /// Whether a spreadsheet can fill the field (itself or, for a group, one of its fields).
    pub fn imported(&self) -> bool {
        !self.headers.is_empty() || self.subfields().iter().any(Field::imported)
    }

    /// The value the field has when nothing is given.
    pub fn empty_value(&self) -> Option<Value> {
        match self.input {
            Input::Lines | Input::Choices(_) | Input::Links(_) | Input::Rows(_) => {
                Some(Value::Array(Vec::new()))
            }
            Input::Flag => Some(Value::Bool(false)),
            Input::Pick(o) => o.first().map(|o| Value::String(o.code.into())),
            _ => None,
        }
    }
}

/// A section of a kind's form and record page.
#[derive(Debug, Clone, Copy)]
pub struct Section {
    pub key: &'static str,
    pub label: Text2,
}

pub const fn section(key: &'static str, sv: &'static str, en: &'static str) -> Section {
    Section {
        key,
        label: Text2::new(sv, en),
    }
}

/// Every field of a list, subfields included, in order.
pub fn walk(fields: &'static [Field]) -> impl Iterator<Item = &'static Field> {
    fields
        .iter()
        .flat_map(|f| std::iter::once(f).chain(f.subfields().iter()))
}

/// The field of this name, anywhere in the list.
pub fn find(fields: &'static [Field], name: &str) -> Option<&'static Field> {
    walk(fields).find(|f| f.name == name)
}

/// A value as one line of text for people: labels for choices, "Ja"/"Nej", items joined.
pub fn display(field: &Field, value: &Value, lang: Lang) -> String {
    let yes_no = |b: bool| {
        if b {
            lang.pick("Ja", "Yes")
        } else {
            lang.pick("Nej", "No")
        }
    };
    match (field.input, value) {
        (_, Value::Null) => String::new(),
        (Input::Flag, Value::Bool(b)) => yes_no(*b).into(),
        (Input::Choice(_) | Input::Pick(_), Value::String(code)) => field
            .option_label(code, lang)
            .map(str::to_string)
            .unwrap_or_else(|| code.clone()),
        (Input::Choices(_), Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(|c| field.option_label(c, lang).unwrap_or(c).to_string())
            .collect::<Vec<_>>()
            .join(", "),
        (Input::Instant, Value::String(s)) => crate::time::display_local(s),
        (Input::Level, Value::Number(n)) => n
            .as_u64()
            .and_then(|v| u8::try_from(v).ok())
            .map(|v| level_label(v, lang).to_string())
            .unwrap_or_else(|| n.to_string()),
        (_, Value::String(s)) => s.clone(),
        (_, Value::Array(items)) => items
            .iter()
            .map(|i| match i {
                Value::String(s) => s.clone(),
                Value::Object(_) => row_text(field, i, lang),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", "),
        (_, Value::Object(_)) => row_text(field, value, lang),
        (_, other) => other.to_string(),
    }
}

/// A row or group as one line: its fields that have a value, `label: value`, separated by `; `.
fn row_text(field: &Field, value: &Value, lang: Lang) -> String {
    field
        .subfields()
        .iter()
        .filter_map(|sub| {
            let v = value.get(sub.key())?;
            let text = display(sub, v, lang);
            match sub.input {
                Input::Flag if v == &Value::Bool(false) => None,
                Input::Flag => Some(sub.label.get(lang).to_string()),
                _ if text.is_empty() => None,
                _ => Some(format!("{}: {text}", sub.label.get(lang))),
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// KLASSA's names of the levels.
pub fn level_label(v: u8, lang: Lang) -> &'static str {
    match v {
        1 => lang.pick("1 – Låg", "1 – Low"),
        2 => lang.pick("2 – Måttlig", "2 – Moderate"),
        3 => lang.pick("3 – Hög", "3 – High"),
        _ => lang.pick("4 – Mycket hög", "4 – Very high"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SUB: &[Field] = &[
        Field::line("rows.country", t2("Land", "Country"), 10),
        Field::flag("rows.tia", t2("TIA gjord", "TIA done")),
    ];
    const FIELDS: &[Field] = &[
        Field::choice(
            "basis",
            t2("Grund", "Basis"),
            &[opt("e", "Allmänt intresse", "Public task")],
        ),
        Field::rows("rows", t2("Rader", "Rows"), SUB),
    ];

    #[test]
    fn a_field_knows_its_own_key_inside_a_row() {
        assert_eq!(SUB[0].key(), "country");
        assert_eq!(find(FIELDS, "rows.tia").map(|f| f.key()), Some("tia"));
        assert_eq!(walk(FIELDS).count(), 4);
    }

    #[test]
    fn values_are_shown_in_words() {
        assert_eq!(
            display(&FIELDS[0], &json!("e"), Lang::Sv),
            "Allmänt intresse"
        );
        assert_eq!(
            display(
                &FIELDS[1],
                &json!([{"country": "USA", "tia": true}]),
                Lang::Sv
            ),
            "Land: USA; TIA gjord"
        );
        assert_eq!(
            display(&Field::level("l", t2("", "")), &json!(3), Lang::En),
            "3 – High"
        );
    }
}
