//! "Historik" of an agreement: every recorded change, newest first, read from the audit trail and
//! shown the way the processing history shows its events (Stockholm time, Swedish field names and
//! values). A compliance check shows as the entry it added, not as the whole log before and after.

use super::readable;
use crate::AppState;
use crate::auth::UiCtx;
use crate::i18n;
use crate::ui::PageError;
use crate::ui::history::{ChangeView, EventView, Place, channel_label, field_label, record_page};
use axum::extract::{Path, State};
use axum::response::Response;
use ombud_domain::audit::{self, Event};
use ombud_domain::register::agreement::{ComplianceCheck, Direction, SubProcessor};
use ombud_domain::register::processing::Transfer;
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

const CHECKS: &str = "compliance_checks";

/// `GET /avtal/{id}/historik`.
pub async fn page(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let a = readable(&state, &ctx, &id).await?;
    let events = state.store.history("agreement", &a.id, LIMIT).await?;
    let views = events.iter().map(|e| event_view(ctx.lang, e)).collect();
    let place = Place {
        list: ("/avtal", "agr-title"),
        section: "agreements",
        record_href: format!("/avtal/{}", a.id),
        intro: "agr-history-intro",
        organisation_id: a.organisation_id.clone(),
    };
    let limited = events.len() as i64 >= LIMIT;
    record_page(
        &state,
        &ctx,
        place,
        a.details.title().to_string(),
        views,
        limited,
    )
    .await
}

/// A field's name as people read it: the agreement's own words first.
fn label(lang: Lang, field: &str) -> String {
    let key = format!("agr-field-{field}");
    let text = i18n::t(lang, &key);
    if text == key {
        field_label(lang, field)
    } else {
        text
    }
}

fn event_view(lang: Lang, e: &Event) -> EventView {
    let changes: Vec<_> = audit::changes(e.before.as_deref(), e.after.as_deref())
        .into_iter()
        .filter(|c| !HIDDEN.contains(&c.field.as_str()))
        .map(|c| {
            let (from, to) = if c.field == CHECKS {
                checks_change(lang, c.from.as_deref(), c.to.as_deref())
            } else {
                (
                    value(lang, &c.field, c.from.as_deref()),
                    value(lang, &c.field, c.to.as_deref()),
                )
            };
            (c.field, from, to)
        })
        // A record is created with most fields empty; listing the empties says nothing.
        .filter(|(_, from, to)| from.is_some() || to.is_some())
        .collect();
    let only_checks = !changes.is_empty() && changes.iter().all(|(f, _, _)| f == CHECKS);
    let operation = match e.operation.as_str() {
        "create" => i18n::t(lang, "op-created"),
        "delete" => i18n::t(lang, "op-deleted"),
        "update" if only_checks => i18n::t(lang, "agr-op-check-recorded"),
        "update" => i18n::t(lang, "op-updated"),
        other => other.to_string(),
    };
    EventView {
        anchor: format!("h{}", e.seq),
        when: time::display_local(&e.occurred_at),
        who: e.actor_name.clone(),
        channel: channel_label(lang, &e.channel),
        operation,
        subject: i18n::t(lang, "agr-history-subject"),
        changes: changes
            .into_iter()
            .map(|(field, from, to)| ChangeView {
                field: if field == CHECKS {
                    i18n::t(lang, "agr-history-checks")
                } else {
                    label(lang, &field)
                },
                from,
                to,
            })
            .collect(),
    }
}

/// The log only grows, so a change to it is the entries added (and, when the agreement is deleted,
/// the entries it had), each described; the rest of the log is the same before and after.
fn checks_change(
    lang: Lang,
    from: Option<&str>,
    to: Option<&str>,
) -> (Option<String>, Option<String>) {
    let parse = |v: Option<&str>| -> Vec<ComplianceCheck> {
        v.and_then(|v| serde_json::from_str(v).ok())
            .unwrap_or_default()
    };
    let (before, after) = (parse(from), parse(to));
    let only_in = |these: &[ComplianceCheck], those: &[ComplianceCheck]| -> Option<String> {
        let text = these
            .iter()
            .filter(|c| !those.iter().any(|o| o.id == c.id))
            .map(|c| describe_check(lang, c))
            .collect::<Vec<_>>()
            .join("; ");
        (!text.is_empty()).then_some(text)
    };
    (only_in(&before, &after), only_in(&after, &before))
}

fn describe_check(lang: Lang, c: &ComplianceCheck) -> String {
    let mut s = format!("{}: {}", c.checked_on, c.finding);
    if let Some(f) = &c.follow_up {
        s.push_str(&format!(" – {}: {f}", i18n::t(lang, "agr-check-follow_up")));
    }
    if let Some(d) = &c.follow_up_due {
        s.push_str(&format!(
            " – {}: {d}",
            i18n::t(lang, "agr-check-follow_up_due")
        ));
    }
    s
}

/// A stored value as people read it; an empty one is `None` (shown as "(tomt)").
fn value(lang: Lang, field: &str, v: Option<&str>) -> Option<String> {
    let v = v?;
    let text = match field {
        "direction" => Direction::parse(v).map_or_else(|| v.to_string(), |d| d.label(lang).into()),
        "sub_processors" => {
            let subs: Vec<SubProcessor> = serde_json::from_str(v).unwrap_or_default();
            subs.iter()
                .map(|s| {
                    let more: Vec<&str> = [&s.service, &s.country]
                        .into_iter()
                        .flatten()
                        .map(String::as_str)
                        .collect();
                    if more.is_empty() {
                        s.name.clone()
                    } else {
                        format!("{} ({})", s.name, more.join(", "))
                    }
                })
                .collect::<Vec<_>>()
                .join("; ")
        }
        "third_country_transfers" => {
            let ts: Vec<Transfer> = serde_json::from_str(v).unwrap_or_default();
            ts.iter()
                .map(|t| {
                    let safeguard = t.safeguard.map_or_else(
                        || i18n::t(lang, "transfer-no-safeguard"),
                        |s| s.label(lang).to_string(),
                    );
                    format!("{} ({safeguard})", t.country)
                })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_values_read_as_swedish() {
        let sv = Lang::Sv;
        assert_eq!(
            value(sv, "direction", Some("we_process_for_them")).as_deref(),
            Some("Vi är motpartens personuppgiftsbiträde")
        );
        assert_eq!(
            value(
                sv,
                "sub_processors",
                Some(r#"[{"name":"AWS","service":"Drift","country":"Irland"},{"name":"Zendesk","service":null,"country":null}]"#)
            )
            .as_deref(),
            Some("AWS (Drift, Irland); Zendesk")
        );
        assert_eq!(
            value(
                sv,
                "third_country_transfers",
                Some(r#"[{"country":"USA","recipient":null,"safeguard":null,"transfer_impact_assessment":false,"exit_plan":false}]"#)
            )
            .as_deref(),
            Some("USA (skyddsåtgärd saknas)")
        );
        assert_eq!(value(sv, "sub_processors", Some("[]")), None);
        assert_eq!(
            value(sv, "counterparty", Some("Tieto")).as_deref(),
            Some("Tieto")
        );
    }

    #[test]
    fn a_compliance_check_shows_as_the_entry_it_added() {
        let one = r#"[{"id":"c1","checked_on":"2026-01-10","finding":"Allt stämmer","follow_up":null,"follow_up_due":null,"recorded_by":"Anna","recorded_at":"x"}]"#;
        let two = r#"[{"id":"c1","checked_on":"2026-01-10","finding":"Allt stämmer","follow_up":null,"follow_up_due":null,"recorded_by":"Anna","recorded_at":"x"},
                      {"id":"c2","checked_on":"2026-02-10","finding":"Loggar saknas","follow_up":"Begär loggar","follow_up_due":"2026-03-01","recorded_by":"Anna","recorded_at":"y"}]"#;
        assert_eq!(
            checks_change(Lang::Sv, Some(one), Some(two)),
            (
                None,
                Some(
                    "2026-02-10: Loggar saknas – Uppföljning: Begär loggar – Uppföljning senast: 2026-03-01"
                        .into()
                )
            )
        );
        assert_eq!(
            checks_change(Lang::Sv, Some(one), None),
            (Some("2026-01-10: Allt stämmer".into()), None)
        );
    }

    #[test]
    fn agreement_fields_have_swedish_names() {
        assert_eq!(label(Lang::Sv, "counterparty"), "Motpart");
        assert_eq!(label(Lang::Sv, "sub_processors"), "Underbiträden");
        assert_eq!(label(Lang::En, "exit_plan"), "Exit plan");
        assert_eq!(label(Lang::Sv, "something_new"), "something_new");
    }
}
