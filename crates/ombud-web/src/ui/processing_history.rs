//! "Historik" of a processing activity: every recorded change, newest first, read from the audit
//! trail and shown the way the organisation history shows its events (Stockholm time, Swedish field
//! names and values).

use super::PageError;
use super::history::{ChangeView, EventView, Place, channel_label, field_label, record_page};
use super::processing::readable;
use crate::AppState;
use crate::auth::UiCtx;
use crate::i18n;
use axum::extract::{Path, State};
use axum::response::Response;
use ombud_domain::audit::{self, Event};
use ombud_domain::register::processing::{
    Art9Exemption, DpiaDecision, LegalBasis, Safeguard, SpecialCategory, Transfer,
};
use ombud_domain::register::workflow::Status;
use ombud_domain::{Lang, time};
use serde_json::Value;

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
const ORDER: &[&str] = &[
    "status",
    "name",
    "next_review",
    "approved_at",
    "approved_by",
];

/// `GET /behandlingar/{id}/historik`.
pub async fn page(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let p = readable(&state, &ctx, &id).await?;
    let events = state
        .store
        .history("processing_activity", &p.id, LIMIT)
        .await?;
    let views = events.iter().map(|e| event_view(ctx.lang, e)).collect();
    let place = Place {
        list: ("/behandlingar", "nav-processing"),
        section: "processing",
        record_href: format!("/behandlingar/{}", p.id),
        intro: "processing-history-intro",
        organisation_id: p.organisation_id.clone(),
    };
    let limited = events.len() as i64 >= LIMIT;
    record_page(&state, &ctx, place, p.details.name, views, limited).await
}

fn event_view(lang: Lang, e: &Event) -> EventView {
    let changes = audit::changes(e.before.as_deref(), e.after.as_deref());
    let status_changed = changes.iter().any(|c| c.field == "status");
    let operation = match e.operation.as_str() {
        "create" => i18n::t(lang, "op-created"),
        "delete" => i18n::t(lang, "op-deleted"),
        "update" if status_changed => i18n::t(lang, "op-status-changed"),
        "update" => i18n::t(lang, "op-updated"),
        other => other.to_string(),
    };
    let mut changes: Vec<_> = changes
        .into_iter()
        .filter(|c| !HIDDEN.contains(&c.field.as_str()))
        // A record is created with every field empty but its name; listing the empties says nothing.
        .filter(|c| !(e.operation == "create" && value(lang, &c.field, c.to.as_deref()).is_none()))
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
        subject: i18n::t(lang, "history-the-processing"),
        changes: changes
            .into_iter()
            .map(|c| ChangeView {
                from: value(lang, &c.field, c.from.as_deref()),
                to: value(lang, &c.field, c.to.as_deref()),
                field: field_label(lang, &c.field),
            })
            .collect(),
    }
}

/// A stored value as people read it; an empty one is `None` (shown as "(tomt)").
fn value(lang: Lang, field: &str, v: Option<&str>) -> Option<String> {
    let v = v?;
    let yes_no = |b: bool| i18n::t(lang, if b { "yes" } else { "no" });
    let text = match field {
        "status" => Status::parse(v).map_or_else(|| v.to_string(), |s| s.label(lang).to_string()),
        "approved_at" => time::display_local(v),
        "role" => i18n::t(
            lang,
            if v == "processor" {
                "pf-role-processor"
            } else {
                "pf-role-controller"
            },
        ),
        "art9_exemption" => {
            Art9Exemption::parse(v).map_or_else(|| v.to_string(), |e| e.label(lang).to_string())
        }
        "dpia_decision" => serde_json::from_value::<DpiaDecision>(Value::String(v.into()))
            .map_or_else(|_| v.to_string(), |d| d.label(lang).to_string()),
        "legal_bases" => list(v, |s| {
            LegalBasis::parse(s).map(|b| b.label(lang).to_string())
        }),
        "special_categories" => list(v, |s| {
            SpecialCategory::parse(s).map(|c| c.label(lang).to_string())
        }),
        "third_country_transfers" => {
            let ts: Vec<Transfer> = serde_json::from_str(v).unwrap_or_default();
            ts.iter()
                .map(|t| {
                    let safeguard = t.safeguard.map_or_else(
                        || i18n::t(lang, "transfer-no-safeguard"),
                        |s: Safeguard| s.label(lang).to_string(),
                    );
                    format!("{} ({safeguard})", t.country)
                })
                .collect::<Vec<_>>()
                .join(", ")
        }
        _ => match serde_json::from_str::<Value>(v) {
            Ok(Value::Bool(b)) => yes_no(b),
            Ok(Value::Array(items)) => items
                .iter()
                .map(|i| match i {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect::<Vec<_>>()
                .join(", "),
            _ => v.to_string(),
        },
    };
    (!text.is_empty()).then_some(text)
}

/// A stored JSON list of codes as their labels, joined.
fn list(v: &str, label: impl Fn(&str) -> Option<String>) -> String {
    let items: Vec<String> = serde_json::from_str(v).unwrap_or_default();
    items
        .iter()
        .map(|s| label(s).unwrap_or_else(|| s.clone()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_values_read_as_swedish() {
        let sv = Lang::Sv;
        assert_eq!(
            value(sv, "status", Some("redo_for_granskning")).as_deref(),
            Some("Redo för granskning")
        );
        assert_eq!(
            value(sv, "legal_bases", Some(r#"["c","e"]"#)).as_deref(),
            Some("Rättslig förpliktelse (c), Allmänt intresse eller myndighetsutövning (e)")
        );
        assert_eq!(value(sv, "ai_use", Some("true")).as_deref(), Some("Ja"));
        assert_eq!(
            value(sv, "recipients", Some(r#"["IVO","Skatteverket"]"#)).as_deref(),
            Some("IVO, Skatteverket")
        );
        assert_eq!(value(sv, "recipients", Some("[]")), None);
        assert_eq!(
            value(
                sv,
                "third_country_transfers",
                Some(r#"[{"country":"USA","recipient":null,"safeguard":"standard_contractual_clauses","transfer_impact_assessment":true,"exit_plan":false}]"#)
            )
            .as_deref(),
            Some("USA (Standardavtalsklausuler)")
        );
        assert_eq!(value(sv, "purposes", None), None);
    }

    #[test]
    fn processing_fields_have_swedish_names() {
        assert_eq!(field_label(Lang::Sv, "purposes"), "Ändamål");
        assert_eq!(field_label(Lang::Sv, "status"), "Status");
        assert_eq!(
            field_label(Lang::En, "legal_bases"),
            "Legal basis (art. 6.1)"
        );
    }
}
