//! Parse, don't validate: what a person or a client sends about a record is a draft — a JSON object
//! with nothing checked — and [`parse`] turns it into a [`Valid`] value of the kind's typed details,
//! or into every problem with it at once.
//!
//! The draft is read field by field from the kind's [`Field`]s: texts are trimmed and bounded, blank
//! becomes absent, lists are cleaned, dates and ids must have their form, options must be known. The
//! result is deserialised into the typed details and the kind's own rules across fields are checked.
//! A [`Valid`] value cannot be made any other way, and the store writes nothing else.
//!
//! Two kinds of refusal, as the API tells them apart: a draft that cannot be read as the kind's record
//! at all (a member no field has, a value of the wrong type, an option that does not exist, a field the
//! server keeps) is [`Refusal::Unreadable`]; a readable one that breaks rules lists each
//! [`Invalid`] field.

use super::Descriptor;
use super::field::{Field, Input};
use crate::ids::RecordId;
use crate::{Invalid, Rule, text};
use serde_json::{Map, Value};

/// Longest item of a list (a category, a recipient).
pub const ITEM_MAX: usize = 300;
/// Most items in one list, rows in one table or links of one kind.
pub const LIST_MAX: usize = 100;

/// A value that has been parsed: only [`parse`] makes one.
#[derive(Debug, Clone, PartialEq)]
pub struct Valid<T>(T);

impl<T> Valid<T> {
    pub fn get(&self) -> &T {
        &self.0
    }

    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Valid<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// Why a draft is not a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// It cannot be read as the kind's record; the text says why (for developers).
    Unreadable(String),
    /// It breaks rules, each named with its field.
    Invalid(Vec<Invalid>),
}

/// Whose draft it is: a client's, which may not set the fields the server keeps, or the stored
/// record's own, whose kept fields pass through as they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Client,
    Stored,
}

/// Parses a client's draft of a `D` record.
pub fn parse<D: Descriptor>(draft: Map<String, Value>) -> Result<Valid<D::Details>, Refusal> {
    parse_from::<D>(draft, Source::Client)
}

/// Parses a draft of a `D` record from a source.
pub fn parse_from<D: Descriptor>(
    draft: Map<String, Value>,
    source: Source,
) -> Result<Valid<D::Details>, Refusal> {
    let mut errors = Vec::new();
    let clean = normalise(D::info().fields, draft, None, source, &mut errors)
        .map_err(Refusal::Unreadable)?;
    let details = serde_json::from_value::<D::Details>(Value::Object(clean));
    if !errors.is_empty() {
        // The rules across fields are still checked where what was readable lets them be, so that
        // every problem is told at once; a field already wrong is not told about twice.
        if let Ok(d) = &details {
            let more: Vec<Invalid> = D::check(d)
                .into_iter()
                .filter(|b| !errors.iter().any(|e| e.field == b.field))
                .collect();
            errors.extend(more);
        }
        return Err(Refusal::Invalid(errors));
    }
    let details = details.map_err(|e| Refusal::Unreadable(e.to_string()))?;
    let broken = D::check(&details);
    if broken.is_empty() {
        Ok(Valid(details))
    } else {
        Err(Refusal::Invalid(broken))
    }
}

/// Checks a value made in code (the demo city, a workflow step) as if a client had sent it.
pub fn revalidate<D: Descriptor>(details: &D::Details) -> Result<Valid<D::Details>, Refusal> {
    match serde_json::to_value(details) {
        Ok(Value::Object(m)) => parse_from::<D>(m, Source::Stored),
        Ok(_) => Err(Refusal::Unreadable("details are not an object".into())),
        Err(e) => Err(Refusal::Unreadable(e.to_string())),
    }
}

/// Reads the members of `obj` that `fields` name into their clean form; any other member is
/// unreadable.
pub(crate) fn normalise(
    fields: &'static [Field],
    mut obj: Map<String, Value>,
    row: Option<usize>,
    source: Source,
    errors: &mut Vec<Invalid>,
) -> Result<Map<String, Value>, String> {
    if let Some(key) = obj
        .keys()
        .find(|k| !fields.iter().any(|f| f.key() == k.as_str()))
    {
        return Err(format!("unknown field `{key}`"));
    }
    let mut out = Map::new();
    for f in fields {
        let Some(v) = obj.remove(f.key()) else {
            if let Some(v) = required_or_empty(f, row, errors) {
                out.insert(f.key().into(), v);
            }
            continue;
        };
        if let Input::Kept = f.input {
            if source == Source::Client {
                return Err(format!("`{}` cannot be changed here", f.key()));
            }
            out.insert(f.key().into(), v);
            continue;
        }
        if let Some(v) = value(f, v, row, source, errors)? {
            out.insert(f.key().into(), v);
        }
    }
    Ok(out)
}

fn invalid(f: &Field, rule: Rule, row: Option<usize>) -> Invalid {
    match row {
        Some(i) => Invalid::at_row(f.name, rule, i),
        None => Invalid::new(f.name, rule),
    }
}

/// What an absent field becomes: a problem when it is required, else its empty value.
fn required_or_empty(f: &Field, row: Option<usize>, errors: &mut Vec<Invalid>) -> Option<Value> {
    if f.required {
        errors.push(invalid(f, Rule::Required, row));
        None
    } else {
        f.empty_value()
    }
}

fn wrong_type(f: &Field, v: &Value) -> String {
    format!("`{}` cannot be {v}", f.key())
}

/// One field's clean value, `None` for absent.
fn value(
    f: &'static Field,
    v: Value,
    row: Option<usize>,
    source: Source,
    errors: &mut Vec<Invalid>,
) -> Result<Option<Value>, String> {
    if v.is_null() {
        return Ok(required_or_empty(f, row, errors));
    }
    Ok(match f.input {
        Input::Line { max } | Input::Text { max } => {
            let Value::String(s) = &v else {
                return Err(wrong_type(f, &v));
            };
            let one_line = matches!(f.input, Input::Line { .. });
            let checked = if one_line {
                match text::optional_text(f.name, Some(s), max) {
                    Ok(Some(t)) if t.contains(['\n', '\r', '\t']) => {
                        Err(Invalid::new(f.name, Rule::ControlCharacters))
                    }
                    other => other,
                }
            } else {
                text::optional_text(f.name, Some(s), max)
            };
            match checked {
                Ok(Some(t)) => Some(Value::String(t)),
                Ok(None) => required_or_empty(f, row, errors),
                Err(e) => {
                    errors.push(invalid(f, e.rule, row));
                    None
                }
            }
        }
        Input::Lines => {
            let Value::Array(items) = v else {
                return Err(wrong_type(f, &v));
            };
            let mut out: Vec<Value> = Vec::new();
            for item in items {
                let Value::String(s) = item else {
                    return Err(format!("`{}` holds texts", f.key()));
                };
                let t = s.trim();
                if t.is_empty() || out.iter().any(|o| o.as_str() == Some(t)) {
                    continue;
                }
                if t.chars().count() > ITEM_MAX {
                    errors.push(invalid(f, Rule::TooLong { max: ITEM_MAX }, row));
                    return Ok(None);
                }
                if t.chars().any(crate::text::is_refused_in_line) {
                    errors.push(invalid(f, Rule::ControlCharacters, row));
                    return Ok(None);
                }
                out.push(Value::String(t.to_string()));
            }
            if out.len() > LIST_MAX {
                errors.push(invalid(f, Rule::TooMany { max: LIST_MAX }, row));
                return Ok(None);
            }
            if out.is_empty() && f.required {
                errors.push(invalid(f, Rule::Required, row));
            }
            Some(Value::Array(out))
        }
        Input::Flag => match v {
            Value::Bool(_) => Some(v),
            other => return Err(wrong_type(f, &other)),
        },
        Input::Date => {
            let Value::String(s) = &v else {
                return Err(wrong_type(f, &v));
            };
            let t = s.trim();
            if t.is_empty() {
                required_or_empty(f, row, errors)
            } else {
                match t.parse::<jiff::civil::Date>() {
                    Ok(d) => Some(Value::String(d.to_string())),
                    Err(_) => {
                        errors.push(invalid(f, Rule::InvalidDate, row));
                        None
                    }
                }
            }
        }
        Input::Instant => {
            let Value::String(s) = &v else {
                return Err(wrong_type(f, &v));
            };
            let t = s.trim();
            if t.is_empty() {
                required_or_empty(f, row, errors)
            } else {
                match crate::time::parse_instant(t) {
                    Some(ts) => Some(Value::String(crate::time::to_storage(ts))),
                    None => {
                        errors.push(invalid(f, Rule::InvalidInstant, row));
                        None
                    }
                }
            }
        }
        Input::Choice(opts) | Input::Pick(opts) => {
            let Value::String(s) = &v else {
                return Err(wrong_type(f, &v));
            };
            let t = s.trim();
            if t.is_empty() {
                required_or_empty(f, row, errors)
            } else if opts.iter().any(|o| o.code == t) {
                Some(Value::String(t.to_string()))
            } else {
                return Err(format!("`{}` has no option {t:?}", f.key()));
            }
        }
        Input::Choices(opts) => {
            let Value::Array(items) = v else {
                return Err(wrong_type(f, &v));
            };
            let mut out: Vec<Value> = Vec::new();
            for item in items {
                match item.as_str().map(str::trim) {
                    Some(c) if opts.iter().any(|o| o.code == c) => {
                        if !out.iter().any(|o| o.as_str() == Some(c)) {
                            out.push(Value::String(c.to_string()));
                        }
                    }
                    _ => return Err(format!("`{}` has no option {item}", f.key())),
                }
            }
            Some(Value::Array(out))
        }
        Input::Level => match v.as_u64() {
            Some(n @ 1..=4) => Some(Value::from(n)),
            _ => return Err(format!("`{}` is a level 1–4, not {v}", f.key())),
        },
        Input::Links(_) => {
            let Value::Array(items) = v else {
                return Err(wrong_type(f, &v));
            };
            let mut out: Vec<Value> = Vec::new();
            for item in items {
                let Some(s) = item.as_str() else {
                    return Err(format!("`{}` holds ids", f.key()));
                };
                if s.trim().is_empty() {
                    continue;
                }
                match RecordId::parse(s) {
                    Some(id) => {
                        let id = Value::String(id.into_string());
                        if !out.contains(&id) {
                            out.push(id);
                        }
                    }
                    None => {
                        errors.push(invalid(f, Rule::UnknownReference, row));
                        return Ok(None);
                    }
                }
            }
            if out.len() > LIST_MAX {
                errors.push(invalid(f, Rule::TooMany { max: LIST_MAX }, row));
                return Ok(None);
            }
            Some(Value::Array(out))
        }
        Input::Rows(sub) => {
            let Value::Array(items) = v else {
                return Err(wrong_type(f, &v));
            };
            if items.len() > LIST_MAX {
                errors.push(invalid(f, Rule::TooMany { max: LIST_MAX }, row));
                return Ok(None);
            }
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                let Value::Object(obj) = item else {
                    return Err(format!("`{}` holds objects", f.key()));
                };
                out.push(Value::Object(normalise(sub, obj, Some(i), source, errors)?));
            }
            Some(Value::Array(out))
        }
        Input::Group(sub) => {
            let Value::Object(obj) = v else {
                return Err(wrong_type(f, &v));
            };
            Some(Value::Object(normalise(sub, obj, row, source, errors)?))
        }
        Input::Kept => Some(v),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::field::{opt, t2};
    use serde_json::json;

    const SUB: &[Field] = &[
        Field::line("transfers.country", t2("Land", "Country"), 20).required(),
        Field::flag("transfers.tia", t2("TIA", "TIA")),
    ];
    const FIELDS: &[Field] = &[
        Field::line("name", t2("Namn", "Name"), 20).required(),
        Field::text("notes", t2("Noter", "Notes"), 100),
        Field::lines("categories", t2("Kategorier", "Categories")),
        Field::date("review_on", t2("Översyn", "Review")),
        Field::choices(
            "bases",
            t2("Grunder", "Bases"),
            &[opt("c", "", ""), opt("e", "", "")],
        ),
        Field::pick(
            "role",
            t2("Roll", "Role"),
            &[opt("controller", "", ""), opt("processor", "", "")],
        ),
        Field::rows("transfers", t2("Överföringar", "Transfers"), SUB),
        Field::links(
            "system_ids",
            t2("System", "Systems"),
            crate::kernel::Kind::System,
        ),
        Field::kept("log", t2("Logg", "Log")),
    ];

    fn read(v: Value) -> Result<Map<String, Value>, Result<Vec<Invalid>, String>> {
        let Value::Object(m) = v else {
            panic!("an object")
        };
        let mut errors = Vec::new();
        match normalise(FIELDS, m, None, Source::Client, &mut errors) {
            Ok(m) if errors.is_empty() => Ok(m),
            Ok(_) => Err(Ok(errors)),
            Err(e) => Err(Err(e)),
        }
    }

    #[test]
    fn a_draft_is_trimmed_cleaned_and_filled_with_the_empty_values() {
        let m = read(json!({"name": " Elevregister ", "notes": "  ", "categories": [" Elever ", "", "Elever"],
            "review_on": " 2027-01-05 ", "bases": ["e", "c", "e"]}))
        .expect("valid");
        assert_eq!(
            Value::Object(m),
            json!({"name": "Elevregister", "categories": ["Elever"], "review_on": "2027-01-05",
                "bases": ["e", "c"], "role": "controller", "transfers": [], "system_ids": []})
        );
    }

    #[test]
    fn every_broken_rule_is_listed_with_its_field_and_row() {
        let errors = read(json!({"name": " ", "review_on": "igår",
            "transfers": [{"country": "USA"}, {"country": " ", "tia": true}],
            "system_ids": ["drop table"]}))
        .expect_err("invalid")
        .expect("readable");
        assert_eq!(
            errors,
            vec![
                Invalid::new("name", Rule::Required),
                Invalid::new("review_on", Rule::InvalidDate),
                Invalid::at_row("transfers.country", Rule::Required, 1),
                Invalid::new("system_ids", Rule::UnknownReference),
            ]
        );
    }

    #[test]
    fn what_cannot_be_read_as_the_record_is_unreadable() {
        for bad in [
            json!({"name": "a", "nope": 1}),
            json!({"name": 5}),
            json!({"name": "a", "bases": ["g"]}),
            json!({"name": "a", "role": "owner"}),
            json!({"name": "a", "log": []}),
            json!({"name": "a", "transfers": [{"country": "x", "extra": 1}]}),
        ] {
            assert!(matches!(read(bad.clone()), Err(Err(_))), "{bad}");
        }
    }

    #[test]
    fn a_stored_draft_keeps_what_the_server_keeps() {
        let Value::Object(m) = json!({"name": "a", "log": [{"x": 1}]}) else {
            unreachable!()
        };
        let mut errors = Vec::new();
        let out = normalise(FIELDS, m, None, Source::Stored, &mut errors).expect("readable");
        assert_eq!(out["log"], json!([{"x": 1}]));
    }

    #[test]
    fn over_long_and_over_many_are_refused() {
        let errors = read(json!({"name": "x".repeat(21), "categories": (0..=LIST_MAX).map(|i| i.to_string()).collect::<Vec<_>>()}))
            .expect_err("invalid")
            .expect("readable");
        assert_eq!(
            errors,
            vec![
                Invalid::new("name", Rule::TooLong { max: 20 }),
                Invalid::new("categories", Rule::TooMany { max: LIST_MAX }),
            ]
        );
    }
}
