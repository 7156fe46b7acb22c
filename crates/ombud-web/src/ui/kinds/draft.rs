//! A kind's form as posted fields and as a JSON draft, made from the kind's fields alone.
//!
//! Form names follow the record's document: `name`, `classification.confidentiality` inside a
//! group, `third_country_transfers.0.country` in row 0 of a list of rows. An input's id is its name
//! with `f-` before it and dashes for dots (`f-third_country_transfers-0-country`), which is also
//! where a problem the kernel reports (`third_country_transfers.country`, row 0) is shown.
//!
//! A posted form is first [`compact`]ed: blank rows are dropped and the rest numbered from 0, so
//! that a row's number in the form is its index in the draft and a problem at row *i* lands on the
//! inputs of row *i*. The form is shown again from the compacted fields, with what was typed.

use super::super::forms::Fields;
use jiff::Timestamp;
use ombud_domain::Invalid;
use ombud_domain::Rule;
use ombud_domain::kernel::KindInfo;
use ombud_domain::kernel::field::{Field, Input};
use ombud_domain::time::{Local, resolve_local};
use serde_json::{Map, Value};

/// The most rows, items or ticks of one list read from a post: above the kernel's limit, so that a
/// list that is too long is refused as such rather than cut short without a word.
pub const ROWS_MAX: usize = 110;

/// An input's id from its form name.
pub fn input_id(name: &str) -> String {
    format!("f-{}", name.replace('.', "-"))
}

/// The row numbers a post has for the rows at `name`, in order, at most [`ROWS_MAX`].
pub fn row_numbers(fields: &Fields, name: &str) -> Vec<usize> {
    let prefix = format!("{name}.");
    let mut out: Vec<usize> = fields
        .0
        .iter()
        .filter_map(|(k, _)| k.strip_prefix(&prefix)?.split('.').next()?.parse().ok())
        .collect();
    out.sort_unstable();
    out.dedup();
    out.truncate(ROWS_MAX);
    out
}

/// The post with blank rows dropped and the rest numbered from 0; only the kind's own inputs are
/// kept (the form's other fields, the CSRF token and the version, are read separately).
pub fn compact(defs: &'static [Field], posted: &Fields) -> Fields {
    compact_rows(defs, posted).0
}

/// Which row of the post each row of a compacted list of rows was: the list's form name and the
/// posted row numbers of its rows, in order.
pub type Renumbered = Vec<(String, Vec<usize>)>;

/// As [`compact`], also saying how the rows were renumbered.
pub fn compact_rows(defs: &'static [Field], posted: &Fields) -> (Fields, Renumbered) {
    let mut out = Vec::new();
    let mut rows = Vec::new();
    copy(defs, "", "", posted, &mut out, &mut rows);
    (Fields(out), rows)
}

/// The form name a compacted name had in the post (`third_country_transfers.0.country` is row 2
/// of the form when rows 0 and 1 were blank): a problem found by the live check is shown at the
/// input the person is filling in, which has not been renumbered.
pub fn posted_name(rows: &Renumbered, name: &str) -> String {
    for (list, numbers) in rows {
        let Some(rest) = name.strip_prefix(&format!("{list}.")) else {
            continue;
        };
        let (i, tail) = rest.split_once('.').unwrap_or((rest, ""));
        if let Some(n) = i.parse::<usize>().ok().and_then(|i| numbers.get(i)) {
            return format!("{list}.{n}.{tail}");
        }
    }
    name.to_string()
}

fn copy(
    defs: &'static [Field],
    from: &str,
    to: &str,
    posted: &Fields,
    out: &mut Vec<(String, String)>,
    renumbered: &mut Renumbered,
) {
    for f in defs {
        let src = format!("{from}{}", f.key());
        let dst = format!("{to}{}", f.key());
        match f.input {
            Input::Rows(sub) => {
                let mut kept = Vec::new();
                for i in row_numbers(posted, &src) {
                    let mut row = Vec::new();
                    let at = format!("{dst}.{}.", kept.len());
                    copy(
                        sub,
                        &format!("{src}.{i}."),
                        &at,
                        posted,
                        &mut row,
                        renumbered,
                    );
                    if row.iter().any(|(_, v)| !v.trim().is_empty()) {
                        out.extend(row);
                        kept.push(i);
                    }
                }
                renumbered.push((dst, kept));
            }
            Input::Group(sub) => copy(
                sub,
                &format!("{src}."),
                &format!("{dst}."),
                posted,
                out,
                renumbered,
            ),
            Input::Kept => {}
            Input::Instant => {
                // The reading chosen on a DST day travels with its time.
                for name in [src.clone(), dst_name(&src)] {
                    let to = if name == src {
                        dst.clone()
                    } else {
                        dst_name(&dst)
                    };
                    out.extend(
                        posted
                            .0
                            .iter()
                            .filter(|(k, _)| *k == name)
                            .take(1)
                            .map(|(_, v)| (to.clone(), v.clone())),
                    );
                }
            }
            _ => out.extend(
                posted
                    .0
                    .iter()
                    .filter(|(k, _)| *k == src)
                    .take(ROWS_MAX)
                    .map(|(_, v)| (dst.clone(), v.clone())),
            ),
        }
    }
}

/// The JSON draft of a (compacted) form: every field the form shows, blank ones as `""`, `[]`,
/// `false` or `null`, so that the draft is the whole form's object for a create and for a merge
/// patch alike (the kernel reads blank as absent). A group left wholly blank is `null`: absent.
pub fn draft(defs: &'static [Field], fields: &Fields) -> Value {
    Value::Object(object(defs, fields, ""))
}

fn object(defs: &'static [Field], fields: &Fields, prefix: &str) -> Map<String, Value> {
    let mut m = Map::new();
    for f in defs {
        let name = format!("{prefix}{}", f.key());
        let text = || fields.get(&name).to_string();
        let v = match f.input {
            Input::Line { .. } | Input::Date | Input::Choice(_) | Input::Pick(_) => {
                Value::String(text())
            }
            Input::Instant => Value::String(instant_value(fields, &name)),
            // Browsers send a text area's line breaks as CRLF.
            Input::Text { .. } => Value::String(text().replace("\r\n", "\n")),
            Input::Lines => Value::Array(
                fields
                    .get(&name)
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .take(ROWS_MAX)
                    .map(|l| Value::String(l.to_string()))
                    .collect(),
            ),
            Input::Flag => Value::Bool(fields.checked(&name)),
            Input::Choices(_) | Input::Links(_) => Value::Array(
                fields
                    .all(&name)
                    .into_iter()
                    .filter(|v| !v.trim().is_empty())
                    .map(Value::String)
                    .collect(),
            ),
            Input::Level => match fields.get(&name).trim() {
                "" => Value::Null,
                // A level outside 1–4 cannot come from the form's select; the kernel refuses it.
                v => v
                    .parse::<u64>()
                    .map_or(Value::String(v.into()), Value::from),
            },
            Input::Rows(sub) => Value::Array(
                (0..row_numbers(fields, &name).len())
                    .map(|i| Value::Object(object(sub, fields, &format!("{name}.{i}."))))
                    .collect(),
            ),
            Input::Group(sub) => {
                let inner = format!("{name}.");
                let given = fields
                    .0
                    .iter()
                    .any(|(k, v)| k.starts_with(&inner) && !v.trim().is_empty());
                if given {
                    Value::Object(object(sub, fields, &inner))
                } else {
                    Value::Null
                }
            }
            Input::Kept => continue,
        };
        m.insert(f.key().to_string(), v);
    }
    m
}

/// The form name of the choice between the two readings of a local time on a DST day.
pub fn dst_name(name: &str) -> String {
    format!("{name}.dst")
}

/// What a local time typed in a form names, when it names none or two instants: the problem, and the
/// two readings to choose between (their code and the instant).
pub fn dst_readings(fields: &Fields, name: &str) -> Option<(Rule, [(&'static str, Timestamp); 2])> {
    let raw = fields.get(name).trim();
    if raw.is_empty() || ombud_domain::time::parse_instant(raw).is_some() {
        return None;
    }
    match resolve_local(ombud_domain::time::parse_local(raw)?) {
        Local::Unique(_) => None,
        Local::Twice { summer, winter } => Some((
            Rule::AmbiguousLocalTime,
            [("summer", summer), ("winter", winter)],
        )),
        Local::Skipped { before, after } => Some((
            Rule::NonexistentLocalTime,
            [("before", before), ("after", after)],
        )),
    }
}

/// An instant field's value as the kernel reads it: the Stockholm wall-clock time a form sends,
/// resolved to its instant; on a DST day, by the reading chosen. What names no instant is passed on
/// as typed, for the kernel to refuse (and [`local_time_problems`] to explain).
pub fn instant_value(fields: &Fields, name: &str) -> String {
    let raw = fields.get(name).trim();
    if raw.is_empty() || ombud_domain::time::parse_instant(raw).is_some() {
        return raw.to_string();
    }
    if let Some((_, readings)) = dst_readings(fields, name) {
        let chosen = fields.get(&dst_name(name));
        return readings
            .iter()
            .find(|(code, _)| *code == chosen)
            .map(|(_, ts)| ombud_domain::time::to_storage(*ts))
            .unwrap_or_else(|| raw.to_string());
    }
    match ombud_domain::time::parse_local(raw).map(resolve_local) {
        Some(Local::Unique(ts)) => ombud_domain::time::to_storage(ts),
        _ => raw.to_string(),
    }
}

/// The local times of a form that name no instant, or two, with no reading chosen: said as such,
/// rather than as the kernel's "not a time".
pub fn local_time_problems(defs: &'static [Field], fields: &Fields) -> Vec<Invalid> {
    defs.iter()
        .filter(|f| matches!(f.input, Input::Instant))
        .filter_map(|f| {
            let (rule, readings) = dst_readings(fields, f.key())?;
            let chosen = fields.get(&dst_name(f.key()));
            (!readings.iter().any(|(c, _)| *c == chosen)).then(|| Invalid::new(f.name, rule))
        })
        .collect()
}

/// A stored record's details as the form's fields, for its edit form.
pub fn fields_of(defs: &'static [Field], details: &Value) -> Fields {
    let mut out = Vec::new();
    if let Value::Object(m) = details {
        fill(defs, m, "", &mut out);
    }
    Fields(out)
}

fn fill(
    defs: &'static [Field],
    m: &Map<String, Value>,
    prefix: &str,
    out: &mut Vec<(String, String)>,
) {
    for f in defs {
        let name = format!("{prefix}{}", f.key());
        let Some(v) = m.get(f.key()) else { continue };
        match (f.input, v) {
            (Input::Rows(sub), Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    if let Value::Object(row) = item {
                        fill(sub, row, &format!("{name}.{i}."), out);
                    }
                }
            }
            (Input::Group(sub), Value::Object(g)) => fill(sub, g, &format!("{name}."), out),
            (Input::Flag, Value::Bool(true)) => out.push((name, "1".into())),
            (Input::Lines, Value::Array(items)) => out.push((
                name,
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join("\n"),
            )),
            (Input::Choices(_) | Input::Links(_), Value::Array(items)) => out.extend(
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(|s| (name.clone(), s.to_string())),
            ),
            (Input::Level, Value::Number(n)) => out.push((name, n.to_string())),
            (Input::Instant, Value::String(s)) => {
                if let Some(ts) = ombud_domain::time::from_storage(s) {
                    let local = ts.to_zoned_datetime(ombud_domain::time::stockholm());
                    let dt = local.datetime();
                    // A time of the repeated autumn hour is saved back as the same instant.
                    if let Local::Twice { summer, .. } = resolve_local(dt) {
                        let which = if summer == ts { "summer" } else { "winter" };
                        out.push((dst_name(&name), which.into()));
                    }
                    out.push((name, dt.strftime("%Y-%m-%dT%H:%M").to_string()));
                } else {
                    out.push((name, s.clone()));
                }
            }
            (Input::Kept, _) => {}
            (_, Value::String(s)) => out.push((name, s.clone())),
            _ => {}
        }
    }
}

/// Where a problem the kernel reports is shown: the form name of its input, when the form has one.
/// A problem in a row names the row's field (`third_country_transfers.country`) and the row.
pub fn form_name(info: &'static KindInfo, i: &Invalid) -> Option<String> {
    info.field(i.field)?;
    let Some(row) = i.row else {
        return Some(i.field.to_string());
    };
    // The innermost list of rows the field is in: its name is a prefix of the field's.
    let rows = ombud_domain::kernel::field::walk(info.fields)
        .filter(|f| matches!(f.input, Input::Rows(_)))
        .filter(|f| i.field.starts_with(&format!("{}.", f.name)))
        .max_by_key(|f| f.name.len())?;
    let rest = i.field.get(rows.name.len() + 1..)?;
    Some(format!("{}.{row}.{rest}", rows.name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ombud_domain::Rule;
    use ombud_domain::kernel::Kind;
    use serde_json::json;

    fn post(pairs: &[(&str, &str)]) -> Fields {
        Fields(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn blank_rows_are_dropped_and_the_rest_numbered_from_zero() {
        let info = Kind::Agreement.info();
        let posted = post(&[
            ("counterparty", "Molnet AB"),
            ("sub_processors.0.name", ""),
            ("sub_processors.0.service", " "),
            ("sub_processors.3.name", "Drift AB"),
            ("sub_processors.7.country", "Sverige"),
            ("csrf", "x"),
        ]);
        let c = compact(info.fields, &posted);
        assert_eq!(c.get("sub_processors.0.name"), "Drift AB");
        assert_eq!(c.get("sub_processors.1.country"), "Sverige");
        assert_eq!(c.get("csrf"), "", "only the kind's inputs are kept");
        let d = draft(info.fields, &c);
        assert_eq!(d["counterparty"], "Molnet AB");
        assert_eq!(
            d["sub_processors"],
            json!([{"name": "Drift AB", "service": "", "country": ""},
                   {"name": "", "service": "", "country": "Sverige"}])
        );
        assert!(
            d.get("compliance_checks").is_none(),
            "what the server keeps is not sent"
        );
    }

    #[test]
    fn a_live_check_names_the_row_as_the_person_sees_it() {
        let info = Kind::Agreement.info();
        let posted = post(&[
            ("sub_processors.0.name", ""),
            ("sub_processors.2.service", "Drift"),
        ]);
        let (c, rows) = compact_rows(info.fields, &posted);
        assert_eq!(c.get("sub_processors.0.service"), "Drift");
        assert_eq!(
            posted_name(&rows, "sub_processors.0.name"),
            "sub_processors.2.name"
        );
        assert_eq!(posted_name(&rows, "counterparty"), "counterparty");
    }

    #[test]
    fn inputs_become_the_kinds_json_values() {
        let info = Kind::ProcessingActivity.info();
        let posted = post(&[
            ("name", "Bygglov"),
            ("data_subject_categories", "Sökande\r\n\r\n Grannar \r\n"),
            ("legal_bases", "e"),
            ("legal_bases", "c"),
            ("personal_identity_numbers", "1"),
            ("description", "Rad ett\r\nRad två"),
        ]);
        let d = draft(info.fields, &compact(info.fields, &posted));
        assert_eq!(d["data_subject_categories"], json!(["Sökande", "Grannar"]));
        assert_eq!(d["legal_bases"], json!(["e", "c"]));
        assert_eq!(d["personal_identity_numbers"], json!(true));
        assert_eq!(d["protected_identity"], json!(false));
        assert_eq!(d["description"], json!("Rad ett\nRad två"));
        assert_eq!(d["third_country_transfers"], json!([]));
        assert_eq!(d["system_ids"], json!([]));
    }

    #[test]
    fn a_group_is_all_or_nothing() {
        let info = Kind::System.info();
        let blank = draft(info.fields, &compact(info.fields, &post(&[("name", "X")])));
        assert_eq!(blank["classification"], Value::Null);
        let some = post(&[("name", "X"), ("classification.confidentiality", "3")]);
        let d = draft(info.fields, &compact(info.fields, &some));
        assert_eq!(d["classification"]["confidentiality"], json!(3));
        assert_eq!(d["classification"]["integrity"], Value::Null);
        assert_eq!(d["classification"]["classified_on"], json!(""));
    }

    #[test]
    fn a_stored_record_fills_its_form_and_reads_back_the_same() {
        let info = Kind::System.info();
        let stored = json!({"name": "Lön", "holds_personal_data": true, "procurement": "central",
            "classification": {"confidentiality": 3, "integrity": 2, "availability": 4, "classified_on": "2026-01-15"},
            "action_plan": [{"action": "MFA", "status": "ongoing"}], "agreement_ids": ["a", "b"]});
        let f = fields_of(info.fields, &stored);
        assert_eq!(f.get("classification.integrity"), "2");
        assert_eq!(f.get("action_plan.0.status"), "ongoing");
        assert_eq!(
            f.all("agreement_ids"),
            vec!["a".to_string(), "b".to_string()]
        );
        let d = draft(info.fields, &compact(info.fields, &f));
        assert_eq!(d["classification"]["availability"], json!(4));
        assert_eq!(d["action_plan"][0]["action"], "MFA");
        assert_eq!(d["holds_personal_data"], json!(true));
    }

    #[test]
    fn too_many_rows_are_read_up_to_the_cap_so_that_the_kernel_refuses_them() {
        let info = Kind::Agreement.info();
        let pairs: Vec<(String, String)> = (0..500)
            .map(|i| (format!("sub_processors.{i}.name"), format!("B{i}")))
            .collect();
        let d = draft(info.fields, &compact(info.fields, &Fields(pairs)));
        assert_eq!(d["sub_processors"].as_array().map(Vec::len), Some(ROWS_MAX));
    }

    #[test]
    fn a_problem_is_placed_at_its_input() {
        let info = Kind::ProcessingActivity.info();
        let at = |i: Invalid| form_name(info, &i).map(|n| input_id(&n));
        assert_eq!(
            at(Invalid::new("name", Rule::Required)).as_deref(),
            Some("f-name")
        );
        assert_eq!(
            at(Invalid::at_row(
                "third_country_transfers.country",
                Rule::Required,
                1
            ))
            .as_deref(),
            Some("f-third_country_transfers-1-country")
        );
        assert_eq!(at(Invalid::new("details", Rule::InvalidValue)), None);
        let sys = Kind::System.info();
        assert_eq!(
            form_name(
                sys,
                &Invalid::new("classification.next_review", Rule::DateTooEarly)
            )
            .as_deref(),
            Some("classification.next_review")
        );
    }
}
