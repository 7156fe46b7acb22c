//! A record's history: every recorded change, newest first, a page at a time, read from the audit
//! trail and shown as people read it — Stockholm time, the descriptor's labels and words for the
//! values, names rather than ids for links.

use super::{base, kt, record_href, t};
use crate::AppState;
use crate::auth::UiCtx;
use crate::ui::forms::Fields;
use crate::ui::layout::Frame;
use crate::ui::{PageError, render, urlencode};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use ombud_app::{Caller, Cursor, PageRequest};
use ombud_domain::Lang;
use ombud_domain::audit::{self, Event};
use ombud_domain::kernel::field::{Field, Input, display};
use ombud_domain::kernel::gaps::GapRule;
use ombud_domain::kernel::{Descriptor, Kind, KindInfo};
use ombud_domain::time::display_local;
use serde_json::Value;
use std::collections::HashMap;

/// Events per page.
const PAGE_SIZE: i64 = 50;

/// What the snapshot holds that says nothing a person needs, or that the page shows elsewhere.
const HIDDEN: &[&str] = &[
    "id",
    "organisation_id",
    "controller_id",
    "created_at",
    "updated_at",
    "version",
];

pub struct ChangeView {
    pub field: String,
    pub from: Option<String>,
    pub to: Option<String>,
}

pub struct EventView {
    pub anchor: String,
    pub heading: String,
    pub when: String,
    pub who: String,
    pub channel: String,
    /// A creation: its values are listed without a "from" column.
    pub created: bool,
    pub changes: Vec<ChangeView>,
}

#[derive(Template)]
#[template(path = "kind_history.html")]
pub struct HistoryPage {
    pub frame: Frame,
    pub list_href: String,
    pub list_label: String,
    pub href: String,
    pub name: String,
    pub intro: String,
    pub events: Vec<EventView>,
    pub next_href: Option<String>,
    pub first_href: Option<String>,
}

/// `GET /{ui}/{id}/historik?efter=`.
pub async fn page<D: Descriptor>(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
    Query(q): Query<Fields>,
) -> Result<Response, PageError> {
    let info = D::info();
    let kind = D::KIND;
    let lang = ctx.lang;
    let request = PageRequest {
        after: Cursor::decode(q.get("efter")),
        limit: PAGE_SIZE,
    };
    let (record, events) = state.app.history::<D>(&ctx, &id, &request).await?;
    let href = record_href(kind, record.id.as_str());
    let names = link_names(&state, &ctx, info, &events.items).await?;
    let views = events
        .items
        .iter()
        .map(|e| event_view(info, lang, e, &names))
        .collect();
    let here = format!("{href}/historik");
    let frame = Frame::new(&state, &ctx, &here, info.ui);
    Ok(render(&HistoryPage {
        frame,
        list_href: base(kind),
        list_label: kt(lang, kind, "title"),
        name: D::title(&record.details).to_string(),
        intro: kt(lang, kind, "history-intro"),
        events: views,
        next_href: events
            .next
            .as_ref()
            .map(|c| format!("{here}?efter={}", urlencode(c))),
        first_href: (!q.get("efter").is_empty()).then(|| here.clone()),
        href,
    }))
}

/// The ids a link field's value holds.
fn ids_in(value: Option<&str>) -> Vec<String> {
    value
        .and_then(|v| serde_json::from_str::<Vec<String>>(v).ok())
        .unwrap_or_default()
}

/// The names of every record the page's events link to, by kind and id: those the reader may
/// read, once per page.
async fn link_names(
    state: &AppState,
    ctx: &Caller,
    info: &'static KindInfo,
    events: &[Event],
) -> Result<HashMap<(Kind, String), Option<String>>, PageError> {
    let mut wanted: Vec<(Kind, Vec<String>)> =
        info.link_fields().map(|(_, k)| (k, Vec::new())).collect();
    for e in events {
        for c in audit::changes(e.before.as_deref(), e.after.as_deref()) {
            if let Some((_, kind)) = info.link_fields().find(|(f, _)| f.name == c.field)
                && let Some((_, ids)) = wanted.iter_mut().find(|(k, _)| *k == kind)
            {
                ids.extend(ids_in(c.from.as_deref()));
                ids.extend(ids_in(c.to.as_deref()));
            }
        }
    }
    let mut out = HashMap::new();
    for (kind, mut ids) in wanted {
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() {
            continue;
        }
        for l in state.app.named(ctx, kind, ids).await? {
            out.insert((kind, l.id), l.name);
        }
    }
    Ok(out)
}

fn event_view(
    info: &'static KindInfo,
    lang: Lang,
    e: &Event,
    names: &HashMap<(Kind, String), Option<String>>,
) -> EventView {
    let changes = audit::changes(e.before.as_deref(), e.after.as_deref());
    let status_changed = changes.iter().any(|c| c.field == "status");
    let operation = match (e.operation.as_str(), status_changed) {
        ("create", _) => t(lang, "op.create"),
        ("delete", _) => t(lang, "op.delete"),
        ("update", true) => t(lang, "op.status"),
        ("update", false) => t(lang, "op.update"),
        (other, _) => other.to_string(),
    };
    // The order of the form, the workflow's fields first.
    let order = |field: &str| {
        WORKFLOW_FACTS
            .iter()
            .position(|f| *f == field)
            .or_else(|| {
                info.fields
                    .iter()
                    .position(|f| f.key() == field)
                    .map(|i| i + WORKFLOW_FACTS.len())
            })
            .unwrap_or(usize::MAX)
    };
    let mut changes: Vec<(usize, ChangeView)> = changes
        .into_iter()
        .filter(|c| !HIDDEN.contains(&c.field.as_str()))
        // A record is created with most fields at their empty value ("Nej", no items, the first
        // option); listing them says nothing.
        .filter(|c| e.operation != "create" || !at_empty_value(info, &c.field, c.to.as_deref()))
        .filter_map(|c| {
            let from = value(info, lang, &c.field, c.from.as_deref(), names);
            let to = value(info, lang, &c.field, c.to.as_deref(), names);
            (from.is_some() || to.is_some()).then(|| {
                let field = field_label(info, lang, &c.field);
                (order(&c.field), ChangeView { field, from, to })
            })
        })
        .collect();
    changes.sort_by_key(|(i, _)| *i);
    EventView {
        anchor: format!("h{}", e.seq),
        heading: format!(
            "{} – {}: {operation}",
            display_local(&e.occurred_at),
            info.noun.the.get(lang)
        ),
        when: display_local(&e.occurred_at),
        who: e.actor_name.clone(),
        channel: channel_label(lang, &e.channel),
        created: e.operation == "create",
        changes: changes.into_iter().map(|(_, c)| c).collect(),
    }
}

/// Whether a stored value is what its field is when nothing is given.
fn at_empty_value(info: &'static KindInfo, field: &str, v: Option<&str>) -> bool {
    let Some(f) = info.fields.iter().find(|f| f.key() == field) else {
        return false;
    };
    match (f.empty_value(), v) {
        (_, None) => true,
        (Some(Value::String(code)), Some(v)) => code == v,
        (Some(empty), Some(v)) => serde_json::from_str::<Value>(v).is_ok_and(|x| x == empty),
        (None, Some(_)) => false,
    }
}

/// A field of the snapshot as people read it: the descriptor's label, or the workflow's.
fn field_label(info: &'static KindInfo, lang: Lang, field: &str) -> String {
    match field {
        "status" => t(lang, "status"),
        f if WORKFLOW_FACTS.contains(&f) => t(lang, &format!("fact.{f}")),
        other => info
            .fields
            .iter()
            .find(|f| f.key() == other)
            .map_or_else(|| other.to_string(), |f| f.label.get(lang).to_string()),
    }
}

/// The facts a workflow keeps beside the status, in the order the history lists them.
const WORKFLOW_FACTS: [&str; 8] = [
    "status",
    "submitted_by",
    "submitted_at",
    "returned",
    "approved_by",
    "approved_at",
    "approval_comment",
    "approved_despite_gaps",
];

/// A workflow fact kept as an object (a return, an approval despite gaps), in words.
fn workflow_fact(lang: Lang, v: &str) -> String {
    let Ok(Value::Object(m)) = serde_json::from_str::<Value>(v) else {
        return v.to_string();
    };
    let s = |k: &str| m.get(k).and_then(Value::as_str).unwrap_or_default();
    let mut parts: Vec<String> = Vec::new();
    if !s("by").is_empty() {
        parts.push(format!("{}, {}", s("by"), display_local(s("at"))));
    }
    for k in ["comment", "reason"] {
        if !s(k).is_empty() {
            parts.push(format!("”{}”", s(k)));
        }
    }
    if let Some(Value::Array(gaps)) = m.get("gaps") {
        let list: Vec<&str> = gaps
            .iter()
            .filter_map(Value::as_str)
            .filter_map(GapRule::parse)
            .map(|g| g.message(lang))
            .collect();
        if !list.is_empty() {
            parts.push(format!("{} {}", t(lang, "fact.gaps-then"), list.join(" ")));
        }
    }
    parts.join(" · ")
}

/// Where a change came from, in words.
fn channel_label(lang: Lang, channel: &str) -> String {
    match channel {
        "ui" | "cli" | "system" => t(lang, &format!("channel.{channel}")),
        "api" => "API".into(),
        other => other.to_string(),
    }
}

/// A stored value as people read it; an empty one is `None`.
fn value(
    info: &'static KindInfo,
    lang: Lang,
    field: &str,
    v: Option<&str>,
    names: &HashMap<(Kind, String), Option<String>>,
) -> Option<String> {
    let v = v?;
    let text = match field {
        "status" => info
            .workflow
            .and_then(|w| w.state(v))
            .map_or_else(|| v.to_string(), |s| s.label.get(lang).to_string()),
        "approved_at" | "submitted_at" => display_local(v),
        "approved_by" | "submitted_by" | "approval_comment" => v.to_string(),
        "returned" | "approved_despite_gaps" => workflow_fact(lang, v),
        _ => match info.fields.iter().find(|f| f.key() == field) {
            Some(f) => field_text(f, v, lang, names),
            None => v.to_string(),
        },
    };
    (!text.trim().is_empty()).then_some(text)
}

fn field_text(
    f: &'static Field,
    v: &str,
    lang: Lang,
    names: &HashMap<(Kind, String), Option<String>>,
) -> String {
    // The change list gives strings as they are and every other value as JSON.
    let json = match f.input {
        Input::Line { .. }
        | Input::Text { .. }
        | Input::Date
        | Input::Choice(_)
        | Input::Pick(_) => Value::String(v.to_string()),
        _ => serde_json::from_str(v).unwrap_or_else(|_| Value::String(v.to_string())),
    };
    match (f.input, &json) {
        (Input::Links(kind), Value::Array(ids)) => {
            let mut shown = Vec::new();
            let mut hidden = 0;
            for id in ids.iter().filter_map(Value::as_str) {
                match names.get(&(kind, id.to_string())) {
                    Some(Some(name)) => shown.push(name.clone()),
                    _ => hidden += 1,
                }
            }
            if hidden > 0 {
                shown.push(format!("{} {hidden}", t(lang, "links-hidden")));
            }
            shown.join(", ")
        }
        // What the server keeps (a log) has no fields to name: each entry's texts, its own id and
        // timestamps left out.
        (Input::Kept, Value::Array(items)) => items
            .iter()
            .map(|i| match i {
                Value::Object(m) => m
                    .iter()
                    .filter(|(k, _)| k.as_str() != "id" && !k.ends_with("_at"))
                    .filter_map(|(_, v)| v.as_str())
                    .collect::<Vec<_>>()
                    .join(" · "),
                other => display(f, other, lang),
            })
            .collect::<Vec<_>>()
            .join("; "),
        _ => display(f, &json, lang),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_names() -> HashMap<(Kind, String), Option<String>> {
        HashMap::new()
    }

    #[test]
    fn stored_values_read_as_swedish() {
        let p = Kind::ProcessingActivity.info();
        let v = |field: &str, raw: &str| value(p, Lang::Sv, field, Some(raw), &no_names());
        assert_eq!(
            v("status", "redo_for_granskning").as_deref(),
            Some("Redo för granskning")
        );
        assert_eq!(
            v("legal_bases", r#"["c","e"]"#).as_deref(),
            Some("Rättslig förpliktelse (c), Allmänt intresse eller myndighetsutövning (e)")
        );
        assert_eq!(v("ai_use", "true").as_deref(), Some("Ja"));
        assert_eq!(
            v("recipients", r#"["IVO","Skatteverket"]"#).as_deref(),
            Some("IVO, Skatteverket")
        );
        assert_eq!(v("recipients", "[]"), None);
        assert_eq!(
            v("third_country_transfers", r#"[{"country":"USA","safeguard":"standard_contractual_clauses","transfer_impact_assessment":true,"exit_plan":false}]"#).as_deref(),
            Some("Land: USA; Skyddsåtgärd: Standardavtalsklausuler; Konsekvensbedömning av överföringen (TIA) är gjord")
        );
        assert_eq!(value(p, Lang::Sv, "purposes", None, &no_names()), None);
    }

    #[test]
    fn a_new_records_empty_values_are_not_listed() {
        let p = Kind::ProcessingActivity.info();
        assert!(at_empty_value(p, "ai_use", Some("false")));
        assert!(at_empty_value(p, "recipients", Some("[]")));
        assert!(at_empty_value(p, "role", Some("controller")));
        assert!(!at_empty_value(p, "role", Some("processor")));
        assert!(!at_empty_value(p, "ai_use", Some("true")));
        assert!(!at_empty_value(p, "name", Some("Lön")));
        assert!(!at_empty_value(p, "status", Some("under_bearbetning")));
    }

    #[test]
    fn links_are_named_when_readable_and_counted_when_not() {
        let p = Kind::ProcessingActivity.info();
        let mut names = HashMap::new();
        names.insert((Kind::System, "s1".to_string()), Some("Lön".to_string()));
        names.insert((Kind::System, "s2".to_string()), None);
        assert_eq!(
            value(p, Lang::Sv, "system_ids", Some(r#"["s1","s2"]"#), &names).as_deref(),
            Some("Lön, som du inte har behörighet att se: 1")
        );
    }

    #[test]
    fn fields_are_named_by_the_descriptor() {
        let s = Kind::System.info();
        assert_eq!(field_label(s, Lang::Sv, "manager"), "Objektförvaltare");
        assert_eq!(field_label(s, Lang::En, "manager"), "System manager");
        assert_eq!(field_label(s, Lang::Sv, "status"), "Status");
        assert_eq!(field_label(s, Lang::Sv, "something_new"), "something_new");
        assert_eq!(channel_label(Lang::Sv, "ui"), "i Ombuds webbsidor");
        assert_eq!(channel_label(Lang::Sv, "import"), "import");
    }
}
