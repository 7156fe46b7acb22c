//! "Historik" of a system: every recorded change, newest first, read from the audit trail and shown
//! the way the processing history shows its events (Stockholm time, Swedish field names and values,
//! agreements by name).

use super::readable;
use crate::AppState;
use crate::auth::{Ctx, UiCtx};
use crate::i18n;
use crate::ui::PageError;
use crate::ui::history::{ChangeView, EventView, Place, channel_label, field_label, record_page};
use axum::extract::{Path, State};
use axum::response::Response;
use ombud_domain::audit::{self, Event};
use ombud_domain::authz::Action;
use ombud_domain::register::system::{Action as PlannedAction, Classification, Procurement};
use ombud_domain::{Lang, time};
use ombud_store::StoreError;
use serde_json::Value;
use std::collections::HashMap;

/// How many events the page shows; the API has the same limit.
const LIMIT: i64 = 500;

/// Fields that say nothing a person needs, or that the page shows elsewhere.
const HIDDEN: &[&str] = &[
    "id",
    "organisation_id",
    "controller_id",
    "created_at",
    "updated_at",
    "version",
];

/// The order fields are listed in, most telling first (snapshots store them in struct order).
const ORDER: &[&str] = &["name", "classification"];

/// `GET /system/{id}/historik`.
pub async fn page(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let s = readable(&state, &ctx, &id).await?;
    let events = state.store.history("system", &s.id, LIMIT).await?;
    let agreements = agreement_names(&state, &ctx, &events).await?;
    let views = events
        .iter()
        .map(|e| event_view(ctx.lang, &agreements, e))
        .collect();
    let place = Place {
        list: ("/system", "nav-systems"),
        section: "systems",
        record_href: format!("/system/{}", s.id),
        intro: "sys-history-intro",
        organisation_id: s.organisation_id.clone(),
    };
    let limited = events.len() as i64 >= LIMIT;
    record_page(&state, &ctx, place, s.details.name, views, limited).await
}

/// The names of the agreements the events mention, looked up once; one the reader may not read is
/// not named, and one since removed says so.
async fn agreement_names(
    state: &AppState,
    ctx: &Ctx,
    events: &[Event],
) -> Result<HashMap<String, String>, PageError> {
    let mut names = HashMap::new();
    for e in events {
        for snapshot in [e.before.as_deref(), e.after.as_deref()]
            .into_iter()
            .flatten()
        {
            let Ok(v) = serde_json::from_str::<Value>(snapshot) else {
                continue;
            };
            let Some(Value::Array(ids)) = v.get("agreement_ids") else {
                continue;
            };
            for id in ids.iter().filter_map(Value::as_str) {
                if names.contains_key(id) {
                    continue;
                }
                let name = match state.store.agreement(id).await {
                    Ok(a) if ctx.principal.can(Action::ReadRegister, &a.scope()) => {
                        a.details.title().to_string()
                    }
                    Ok(_) => i18n::t(ctx.lang, "sys-agreement-hidden"),
                    Err(StoreError::NotFound) => i18n::t(ctx.lang, "sys-agreement-removed"),
                    Err(e) => return Err(e.into()),
                };
                names.insert(id.to_string(), name);
            }
        }
    }
    Ok(names)
}

fn event_view(lang: Lang, agreements: &HashMap<String, String>, e: &Event) -> EventView {
    let operation = match e.operation.as_str() {
        "create" => i18n::t(lang, "op-created"),
        "delete" => i18n::t(lang, "op-deleted"),
        "update" => i18n::t(lang, "op-updated"),
        other => other.to_string(),
    };
    let mut changes: Vec<_> = audit::changes(e.before.as_deref(), e.after.as_deref())
        .into_iter()
        .filter(|c| !HIDDEN.contains(&c.field.as_str()))
        // A system is created with most fields empty; listing the empties says nothing.
        .filter(|c| {
            !(e.operation == "create"
                && value(lang, agreements, &c.field, c.to.as_deref()).is_none())
        })
        .collect();
    changes.sort_by_key(|c| {
        ORDER
            .iter()
            .position(|f| *f == c.field)
            .unwrap_or(ORDER.len())
    });
    EventView {
        anchor: format!("h{}", e.seq),
        when: time::display_local(&e.occurred_at),
        who: e.actor_name.clone(),
        channel: channel_label(lang, &e.channel),
        operation,
        subject: i18n::t(lang, "sys-history-the-system"),
        changes: changes
            .into_iter()
            .map(|c| ChangeView {
                from: value(lang, agreements, &c.field, c.from.as_deref()),
                to: value(lang, agreements, &c.field, c.to.as_deref()),
                field: label(lang, &c.field),
            })
            .collect(),
    }
}

/// A stored field's name as people read it.
fn label(lang: Lang, field: &str) -> String {
    let key = format!("sys-field-{field}");
    let text = i18n::t(lang, &key);
    if text == key {
        field_label(lang, field)
    } else {
        text
    }
}

/// A stored value as people read it; an empty one is `None` (shown as "(tomt)").
fn value(
    lang: Lang,
    agreements: &HashMap<String, String>,
    field: &str,
    v: Option<&str>,
) -> Option<String> {
    let v = v?;
    let text = match field {
        "procurement" => serde_json::from_value::<Procurement>(Value::String(v.into()))
            .map_or_else(
                |_| v.to_string(),
                |p| i18n::t(lang, &format!("sys-procurement-{}", p.as_str())),
            ),
        "classification" => match serde_json::from_str::<Classification>(v) {
            Ok(c) => classification_text(lang, &c),
            Err(_) => v.to_string(),
        },
        "action_plan" => {
            let actions: Vec<PlannedAction> = serde_json::from_str(v).unwrap_or_default();
            actions
                .iter()
                .map(|a| action_text(lang, a))
                .collect::<Vec<_>>()
                .join("; ")
        }
        "agreement_ids" => {
            let ids: Vec<String> = serde_json::from_str(v).unwrap_or_default();
            ids.iter()
                .map(|id| agreements.get(id).cloned().unwrap_or_else(|| id.clone()))
                .collect::<Vec<_>>()
                .join(", ")
        }
        _ => match serde_json::from_str::<Value>(v) {
            Ok(Value::Bool(b)) => i18n::t(lang, if b { "yes" } else { "no" }),
            _ => v.to_string(),
        },
    };
    (!text.is_empty()).then_some(text)
}

/// "Konfidentialitet 3 – Hög, Riktighet 2 – Måttlig, Tillgänglighet 1 – Låg, klassad den 2026-01-15".
fn classification_text(lang: Lang, c: &Classification) -> String {
    let mut parts = vec![
        format!(
            "{} {}",
            i18n::t(lang, "sys-field-confidentiality"),
            c.confidentiality.label(lang)
        ),
        format!(
            "{} {}",
            i18n::t(lang, "sys-field-integrity"),
            c.integrity.label(lang)
        ),
        format!(
            "{} {}",
            i18n::t(lang, "sys-field-availability"),
            c.availability.label(lang)
        ),
        format!(
            "{} {}",
            i18n::t(lang, "sys-field-classified_on").to_lowercase(),
            c.classified_on
        ),
    ];
    if let Some(r) = &c.next_review {
        parts.push(format!(
            "{} {r}",
            i18n::t(lang, "sys-field-classification_next_review").to_lowercase()
        ));
    }
    parts.join(", ")
}

/// "Inför tvåfaktorsinloggning (IT-chefen, klart senast 2026-06-30, Pågår)".
fn action_text(lang: Lang, a: &PlannedAction) -> String {
    let mut details = Vec::new();
    if let Some(r) = &a.responsible {
        details.push(r.clone());
    }
    if let Some(d) = &a.due {
        details.push(format!(
            "{} {d}",
            i18n::t(lang, "sys-action-due").to_lowercase()
        ));
    }
    if let Some(s) = a.status {
        details.push(s.label(lang).to_string());
    }
    if details.is_empty() {
        a.action.clone()
    } else {
        format!("{} ({})", a.action, details.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_values_read_as_swedish() {
        let sv = Lang::Sv;
        let none = HashMap::new();
        assert_eq!(
            value(sv, &none, "procurement", Some("central")).as_deref(),
            Some("Tillhandahålls centralt")
        );
        assert_eq!(
            value(sv, &none, "nis_relevant", Some("true")).as_deref(),
            Some("Ja")
        );
        assert_eq!(
            value(
                sv,
                &none,
                "classification",
                Some(r#"{"confidentiality":3,"integrity":2,"availability":1,"classified_on":"2026-01-15","next_review":null}"#)
            )
            .as_deref(),
            Some("Konfidentialitet 3 – Hög, Riktighet 2 – Måttlig, Tillgänglighet 1 – Låg, klassad den 2026-01-15")
        );
        assert_eq!(
            value(
                sv,
                &none,
                "action_plan",
                Some(r#"[{"action":"Inför tvåfaktorsinloggning","responsible":"IT-chefen","due":"2026-06-30","status":"ongoing"}]"#)
            )
            .as_deref(),
            Some("Inför tvåfaktorsinloggning (IT-chefen, klart senast 2026-06-30, Pågår)")
        );
        assert_eq!(value(sv, &none, "action_plan", Some("[]")), None);
        let names = HashMap::from([("a1".to_string(), "Avtal med Tieto".to_string())]);
        assert_eq!(
            value(sv, &names, "agreement_ids", Some(r#"["a1"]"#)).as_deref(),
            Some("Avtal med Tieto")
        );
    }

    #[test]
    fn system_fields_have_swedish_names() {
        assert_eq!(label(Lang::Sv, "owner"), "Objektägare");
        assert_eq!(label(Lang::Sv, "classification"), "Informationsklassning");
        assert_eq!(label(Lang::En, "manager"), "System manager");
        assert_eq!(label(Lang::Sv, "something_new"), "something_new");
    }
}
