//! "Historik": every recorded change to an organisation and to the roles granted in it, newest first
//! and a page at a time, read from the audit trail and shown as people read it (Stockholm time,
//! Swedish words, names rather than ids).

use super::layout::Frame;
use super::{PageError, render};
use crate::AppState;
use crate::auth::UiCtx;
use crate::i18n;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use ombud_app::{AppError, Caller, Cursor, PageRequest};
use ombud_domain::audit::{self, Event};
use ombud_domain::organisation::{OrgKind, path_ids};
use ombud_domain::role::RoleSet;
use ombud_domain::{Lang, time};
use serde::Deserialize;
use std::collections::HashMap;

/// Events per page.
const PAGE_SIZE: i64 = 50;

/// Fields that say nothing a person needs: the record's own id, and the organisation and person a
/// membership event is about (shown as its subject instead).
const HIDDEN: &[&str] = &["id", "organisation_id", "user_id", "created_at"];

/// The order fields are listed in, most telling first (snapshots store them alphabetically); fields
/// not named here follow in stored order.
const ORDER: &[&str] = &[
    "name",
    "kind",
    "parent_id",
    "path",
    "controller",
    "controller_id",
    "archived_at",
    "roles",
    "email",
    "is_admin",
    "language",
    "disabled_at",
];

pub struct ChangeView {
    pub field: String,
    pub from: Option<String>,
    pub to: Option<String>,
}

pub struct EventView {
    pub anchor: String,
    pub when: String,
    pub who: String,
    pub channel: String,
    pub operation: String,
    pub subject: String,
    pub changes: Vec<ChangeView>,
}

/// An organisation's history page, a page of events at a time.
#[derive(Template)]
#[template(path = "history.html")]
pub struct HistoryPage {
    pub frame: Frame,
    pub list_href: &'static str,
    pub list_label: String,
    pub record_href: String,
    pub name: String,
    pub intro: String,
    pub events: Vec<EventView>,
    pub next_href: Option<String>,
    pub first_href: Option<String>,
}

/// `?efter=`: where the page of events starts (the cursor of the page before).
#[derive(Debug, Default, Deserialize)]
pub struct HistoryQuery {
    #[serde(default)]
    pub efter: String,
}

/// `GET /organisationer/{id}/historik`.
pub async fn page(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
    Query(q): Query<HistoryQuery>,
) -> Result<Response, PageError> {
    let o = state.app.organisation(&ctx, &id).await?;
    // A cursor that does not decode starts from the newest rather than failing the page.
    let request = PageRequest {
        after: Cursor::decode(&q.efter),
        limit: PAGE_SIZE,
    };
    let events = state.app.organisation_history(&ctx, &o, &request).await?;
    let people = state.app.people_in_history(&ctx, &o, &events.items).await?;
    let mut names = Names::new(&state, &ctx, people);
    let mut views = Vec::with_capacity(events.items.len());
    for e in &events.items {
        views.push(event_view(&mut names, e).await?);
    }
    let record_href = format!("/organisationer/{}", o.id);
    let here = format!("{record_href}/historik");
    let next_href = events
        .next
        .map(|c| format!("{here}?efter={}", super::urlencode(&c)));
    let first_href = (!q.efter.is_empty()).then(|| here.clone());
    let frame = Frame::new(&state, &ctx, &here, "organisations");
    Ok(render(&HistoryPage {
        list_href: "/organisationer",
        list_label: i18n::t(ctx.lang, "nav-organisations"),
        intro: i18n::t(ctx.lang, "history-intro"),
        frame,
        record_href,
        name: o.name,
        events: views,
        next_href,
        first_href,
    }))
}

async fn event_view(names: &mut Names<'_>, e: &Event) -> Result<EventView, PageError> {
    let lang = names.ctx.lang;
    let membership = e.record_type == "membership";
    let changes = audit::changes(e.before.as_deref(), e.after.as_deref());
    let restored = changes
        .iter()
        .any(|c| c.field == "archived_at" && c.from.is_some() && c.to.is_none());
    // Roles are plural in Swedish ("Roller … skapade"), so their events have words of their own.
    let operation = match (e.operation.as_str(), membership, restored) {
        ("create", false, _) => i18n::t(lang, "op-created"),
        ("create", true, _) => i18n::t(lang, "op-roles-created"),
        ("delete", false, _) => i18n::t(lang, "op-archived"),
        ("delete", true, _) => i18n::t(lang, "op-roles-removed"),
        ("update", false, true) => i18n::t(lang, "op-restored"),
        ("update", false, false) => i18n::t(lang, "op-updated"),
        ("update", true, _) => i18n::t(lang, "op-roles-updated"),
        (other, _, _) => other.to_string(),
    };
    let subject = if membership {
        let user_id = e.record_id.split('/').nth(1).unwrap_or_default();
        format!(
            "{} {}",
            i18n::t(lang, "history-roles-for"),
            names.person(user_id)
        )
    } else {
        i18n::t(lang, "history-the-organisation")
    };
    let mut changes: Vec<_> = changes
        .into_iter()
        .filter(|c| !HIDDEN.contains(&c.field.as_str()))
        .collect();
    changes.sort_by_key(|c| {
        ORDER
            .iter()
            .position(|f| *f == c.field)
            .unwrap_or(ORDER.len())
    });
    let mut views = Vec::new();
    for c in changes {
        views.push(ChangeView {
            from: value(names, &c.field, c.from.as_deref()).await?,
            to: value(names, &c.field, c.to.as_deref()).await?,
            field: field_label(lang, &c.field),
        });
    }
    Ok(EventView {
        anchor: format!("h{}", e.seq),
        when: time::display_local(&e.occurred_at),
        who: e.actor_name.clone(),
        channel: channel_label(lang, &e.channel),
        operation,
        subject,
        changes: views,
    })
}

/// Where a change came from, in words.
pub(super) fn channel_label(lang: Lang, channel: &str) -> String {
    match channel {
        "ui" => lang.pick("webb", "web"),
        "api" => "API",
        "cli" => lang.pick("kommandorad", "command line"),
        "import" => "import",
        "system" => lang.pick("systemet", "the system"),
        other => return other.to_string(),
    }
    .to_string()
}

/// A stored field name as people read it; names this page does not know are shown as stored.
pub(super) fn field_label(lang: Lang, field: &str) -> String {
    let key = format!("field-label-{field}");
    let text = i18n::t(lang, &key);
    if text == key { field.to_string() } else { text }
}

/// A stored value as people read it.
async fn value(
    names: &mut Names<'_>,
    field: &str,
    v: Option<&str>,
) -> Result<Option<String>, PageError> {
    let lang = names.ctx.lang;
    let Some(v) = v else { return Ok(None) };
    Ok(Some(match field {
        "kind" => OrgKind::parse(v)
            .map(|k| k.label(lang).to_string())
            .unwrap_or_else(|_| v.to_string()),
        "controller" | "is_admin" => match v {
            "true" => lang.pick("Ja", "Yes").to_string(),
            "false" => lang.pick("Nej", "No").to_string(),
            other => other.to_string(),
        },
        "parent_id" | "controller_id" => names.organisation(v).await?,
        // The ids from the top down: where it sits, as the names a person recognises; those above
        // the reader's roles are one "…".
        "path" => {
            let mut parts: Vec<String> = Vec::new();
            for id in path_ids(v) {
                match names.visible_organisation(id).await? {
                    Some(n) => parts.push(n),
                    None if parts.last().is_some_and(|p| p == "…") => {}
                    None => parts.push("…".into()),
                }
            }
            parts.join(" › ")
        }
        "archived_at" | "disabled_at" => time::display_local(v),
        "roles" => {
            let list: Vec<String> = serde_json::from_str(v).unwrap_or_default();
            RoleSet::from_storage(&list.join(","))
                .iter()
                .map(|r| r.label(lang))
                .collect::<Vec<_>>()
                .join(", ")
        }
        _ => v.to_string(),
    }))
}

/// Looks names up once per page.
struct Names<'a> {
    state: &'a AppState,
    ctx: &'a Caller,
    /// Names by id; `None` for one the reader may not see.
    organisations: HashMap<String, Option<String>>,
    /// The people the page's role events are about, by id.
    people: HashMap<String, String>,
}

impl<'a> Names<'a> {
    fn new(state: &'a AppState, ctx: &'a Caller, people: HashMap<String, String>) -> Self {
        Names {
            state,
            ctx,
            organisations: HashMap::new(),
            people,
        }
    }

    /// An organisation's name, if the reader may see it; the history of a move must not reveal
    /// another controller's organisations.
    async fn organisation(&mut self, id: &str) -> Result<String, PageError> {
        Ok(match self.visible_organisation(id).await? {
            Some(n) => n,
            None => i18n::t(self.ctx.lang, "org-hidden"),
        })
    }

    /// An organisation's name, or `None` when the reader may not see it.
    async fn visible_organisation(&mut self, id: &str) -> Result<Option<String>, PageError> {
        if let Some(n) = self.organisations.get(id) {
            return Ok(n.clone());
        }
        let name = match self.state.app.organisation_for_reading(self.ctx, id).await {
            Ok(o) => Some(o.name),
            Err(AppError::NotFound) => None,
            Err(e) => return Err(e.into()),
        };
        self.organisations.insert(id.to_string(), name.clone());
        Ok(name)
    }

    fn person(&self, id: &str) -> String {
        self.people
            .get(id)
            .cloned()
            .unwrap_or_else(|| i18n::t(self.ctx.lang, "person-unknown"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_are_named_in_swedish() {
        assert_eq!(channel_label(Lang::Sv, "ui"), "webb");
        assert_eq!(channel_label(Lang::Sv, "api"), "API");
        assert_eq!(channel_label(Lang::Sv, "cli"), "kommandorad");
        assert_eq!(channel_label(Lang::Sv, "import"), "import");
    }

    #[test]
    fn known_fields_are_translated_and_unknown_ones_shown_as_stored() {
        assert_eq!(field_label(Lang::Sv, "name"), "Namn");
        assert_eq!(field_label(Lang::Sv, "parent_id"), "Överordnad");
        assert_eq!(field_label(Lang::Sv, "archived_at"), "Arkiverad");
        assert_eq!(field_label(Lang::Sv, "roles"), "Roller");
        assert_eq!(field_label(Lang::En, "name"), "Name");
        assert_eq!(field_label(Lang::Sv, "something_new"), "something_new");
    }
}
