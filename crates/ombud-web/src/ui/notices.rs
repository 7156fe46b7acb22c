//! Telling other controllers of a breach (`/incidenter/{id}/underrattelser`) and the breach inbox
//! where notices from other controllers arrive (`/incidenter/inkorg`), with the way to register such
//! a breach as one's own.

use super::forms::{self, Fields, Problems, SummaryItem, check_csrf};
use super::kinds::{record_href, render_with};
use super::layout::Frame;
use super::{PageError, render};
use crate::AppState;
use crate::auth::UiCtx;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use ombud_app::AppError;
use ombud_app::notices::BreachNotice;
use ombud_domain::Lang;
use ombud_domain::breach::SharedFacts;
use ombud_domain::breach::clock;
use ombud_domain::kernel::field::display;
use ombud_domain::kernel::{Descriptor, Kind};
use ombud_domain::register::breach::Breaches;
use ombud_domain::time::display_local;

fn l(lang: Lang, sv: &'static str, en: &'static str) -> String {
    lang.pick(sv, en).to_string()
}

/// The shared facts as label and text, in the order of the breach's form; what is not recorded is
/// left out.
pub fn fact_rows(facts: &SharedFacts, lang: Lang) -> Vec<(String, String)> {
    let json = serde_json::to_value(facts).unwrap_or_default();
    let mut out = Vec::new();
    for f in Breaches::info().fields {
        let Some(v) = json.get(f.key()) else { continue };
        let text = display(f, v, lang);
        let empty = text.trim().is_empty() || (f.key() == "ongoing" && v == false);
        if !empty {
            // The sender's awareness and role are theirs, not the reader's.
            let label = match f.key() {
                "aware_at" => l(lang, "Avsändaren fick kännedom", "The sender became aware"),
                "our_role" => l(lang, "Avsändarens roll", "The sender's role"),
                _ => f.label.get(lang).to_string(),
            };
            out.push((label, text));
        }
    }
    if let Some(m) = &facts.message {
        out.push((l(lang, "Meddelande", "Message"), m.clone()));
    }
    out
}

pub fn title_of(facts: &SharedFacts) -> String {
    let line = facts.description.lines().next().unwrap_or_default().trim();
    line.chars()
        .take(ombud_domain::register::breach::TITLE_CHARS)
        .collect()
}

/// The recipient's deadline and what is left of it, while it runs.
pub fn their_clock(n: &BreachNotice, lang: Lang) -> (String, bool) {
    let Some(told) = ombud_domain::time::from_storage(&n.sent_at) else {
        return (String::new(), false);
    };
    let deadline = ombud_domain::breach::shared::their_deadline(told);
    let when = clock::display_stockholm(deadline);
    if n.registered_breach_id.is_some() {
        return (when, false);
    }
    let left = clock::remaining(deadline, jiff::Timestamp::now());
    (
        format!("{when} · {}", clock::remaining_text(left, lang)),
        left.is_negative(),
    )
}

// ---------------------------------------------------------------------------------------------
// The sender's page

/// One notice sent, as its sender sees it.
pub struct SentRow {
    pub to: String,
    pub sent: String,
    pub by: String,
    /// "2026-03-01 10:12, Berit Byggare", or none while unread.
    pub read: Option<String>,
}

#[derive(Template)]
#[template(path = "breach_notices.html")]
pub struct SentPage {
    pub frame: Frame,
    pub record_href: String,
    pub action: String,
    pub name: String,
    pub rows: Vec<SentRow>,
    pub may_send: bool,
    pub controllers: Vec<forms::Choice>,
    pub message: String,
    pub shared: Vec<(String, String)>,
    pub controllers_error: Option<String>,
    pub message_error: Option<String>,
    pub summary: Vec<SummaryItem>,
    pub notice: Option<String>,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct Done {
    #[serde(default)]
    pub klart: String,
}

async fn sent_page(
    state: &AppState,
    ctx: &ombud_app::Caller,
    id: &str,
    f: &Fields,
    problems: &Problems,
    notice: Option<String>,
) -> Result<SentPage, PageError> {
    let lang = ctx.lang;
    let s = state.app.sent_notices(ctx, id).await?;
    let href = record_href(Kind::Breach, id);
    let chosen = f.all("controller_ids");
    Ok(SentPage {
        frame: Frame::new(state, ctx, &format!("{href}/underrattelser"), "incidenter"),
        action: format!("{href}/underrattelser"),
        record_href: href,
        name: s.breach.details.title().to_string(),
        rows: s
            .sent
            .iter()
            .map(|n| SentRow {
                to: n.to_name.clone(),
                sent: display_local(&n.sent_at),
                by: n.sent_by_name.clone(),
                read: n.read_at.as_deref().map(|at| {
                    format!(
                        "{}, {}",
                        display_local(at),
                        n.read_by_name.clone().unwrap_or_default()
                    )
                }),
            })
            .collect(),
        may_send: s.may_send,
        controllers: s
            .controllers
            .iter()
            .map(|c| forms::Choice::new(c.id.clone(), c.name.clone(), chosen.contains(&c.id)))
            .collect(),
        message: f.get("message").to_string(),
        shared: fact_rows(&s.shared_now, lang),
        controllers_error: problems.field("n-controller_ids").map(str::to_string),
        message_error: problems.field("n-message").map(str::to_string),
        summary: forms::summary([problems]),
        notice,
    })
}

/// `GET /incidenter/{id}/underrattelser`: the notices sent, and the form that sends one.
pub async fn sent(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
    Query(q): Query<Done>,
) -> Result<Response, PageError> {
    let notice = (q.klart == "skickad").then(|| {
        l(
            ctx.lang,
            "Underrättelsen är skickad. Mottagarna har fått besked och ser den i sin inkorg.",
            "The notice is sent. The recipients have been told and see it in their inbox.",
        )
    });
    let page = sent_page(
        &state,
        &ctx,
        &id,
        &Fields::default(),
        &Problems::default(),
        notice,
    )
    .await?;
    Ok(render(&page))
}

/// `POST /incidenter/{id}/underrattelser`: sends a notice to the controllers chosen.
pub async fn send(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    check_csrf(&ctx, &headers, &f)?;
    let lang = ctx.lang;
    let to = f.all("controller_ids");
    let message = f.get("message");
    let mut problems = Problems::default();
    match state
        .app
        .send_breach_notices(&ctx, &id, &to, Some(message))
        .await
    {
        Ok(_) => {
            let href = record_href(Kind::Breach, &id);
            return Ok(
                Redirect::to(&format!("{href}/underrattelser?klart=skickad")).into_response(),
            );
        }
        Err(AppError::Invalid(list)) => {
            for inv in list {
                let (input, label) = if inv.field == "message" {
                    ("n-message", l(lang, "Meddelande", "Message"))
                } else {
                    ("n-controller_ids", l(lang, "Mottagare", "Recipients"))
                };
                let text = match (inv.field, inv.rule) {
                    ("controller_ids", ombud_domain::Rule::Required) => l(
                        lang,
                        "Välj minst en personuppgiftsansvarig att underrätta.",
                        "Choose at least one controller to tell.",
                    ),
                    (_, rule) => rule.message(lang),
                };
                problems.push(input, label, text);
            }
        }
        Err(e) => return Err(e.into()),
    }
    let page = sent_page(&state, &ctx, &id, &f, &problems, None).await?;
    Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

// ---------------------------------------------------------------------------------------------
// The inbox

/// One notice in the inbox.
pub struct InboxRow {
    pub href: String,
    pub title: String,
    pub from: String,
    pub to: String,
    pub sent: String,
    pub deadline: String,
    pub late: bool,
    pub read: Option<String>,
    pub registered: bool,
}

#[derive(Template)]
#[template(path = "breach_inbox.html")]
pub struct InboxPage {
    pub frame: Frame,
    pub rows: Vec<InboxRow>,
}

/// `GET /incidenter/inkorg`: the notices to the controllers whose breaches the person handles.
pub async fn inbox(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let rows = state
        .app
        .breach_inbox(&ctx)
        .await?
        .iter()
        .map(|n| {
            let (deadline, late) = their_clock(n, lang);
            InboxRow {
                href: format!("/incidenter/inkorg/{}", n.id),
                title: title_of(&n.facts),
                from: n.from_name.clone(),
                to: n.to_name.clone(),
                sent: display_local(&n.sent_at),
                deadline,
                late,
                read: n.read_at.as_deref().map(|at| {
                    format!(
                        "{}, {}",
                        display_local(at),
                        n.read_by_name.clone().unwrap_or_default()
                    )
                }),
                registered: n.registered_breach_id.is_some(),
            }
        })
        .collect();
    Ok(render(&InboxPage {
        frame: Frame::new(&state, &ctx, "/incidenter/inkorg", "incidenter"),
        rows,
    }))
}

#[derive(Template)]
#[template(path = "breach_notice.html")]
pub struct NoticePage {
    pub frame: Frame,
    pub action: String,
    pub title: String,
    pub from: String,
    pub to: String,
    pub sent: String,
    pub sent_by: String,
    pub deadline: String,
    pub late: bool,
    pub facts: Vec<(String, String)>,
    pub registered: Option<String>,
    pub error: Option<String>,
    pub summary: Vec<SummaryItem>,
    pub notice: Option<String>,
}

fn notice_page(
    state: &AppState,
    ctx: &ombud_app::Caller,
    n: &BreachNotice,
    error: Option<String>,
) -> NoticePage {
    let lang = ctx.lang;
    let (deadline, late) = their_clock(n, lang);
    let here = format!("/incidenter/inkorg/{}", n.id);
    let mut summary = Vec::new();
    if let Some(e) = &error {
        summary.push(SummaryItem {
            href: "#register".into(),
            message: e.clone(),
        });
    }
    NoticePage {
        frame: Frame::new(state, ctx, &here, "incidenter"),
        action: format!("{here}/registrera"),
        title: title_of(&n.facts),
        from: n.from_name.clone(),
        to: n.to_name.clone(),
        sent: display_local(&n.sent_at),
        sent_by: match &n.sent_by_email {
            Some(e) => format!("{}, {e}", n.sent_by_name),
            None => n.sent_by_name.clone(),
        },
        deadline,
        late,
        facts: fact_rows(&n.facts, lang),
        registered: n
            .registered_breach_id
            .as_deref()
            .map(|id| record_href(Kind::Breach, id)),
        error,
        summary,
        notice: None,
    }
}

/// `GET /incidenter/inkorg/{id}`: one notice; its first reading is recorded.
pub async fn notice(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let n = state.app.open_breach_notice(&ctx, &id).await?;
    Ok(render(&notice_page(&state, &ctx, &n, None)))
}

/// `POST /incidenter/inkorg/{id}/registrera`: registers the breach as the recipient's own.
pub async fn register(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    check_csrf(&ctx, &headers, &f)?;
    match state.app.register_breach_notice(&ctx, &id).await {
        Ok(r) => Ok(Redirect::to(&format!(
            "{}?klart=created",
            record_href(Kind::Breach, r.id.as_str())
        ))
        .into_response()),
        Err(AppError::Conflict(code)) => {
            let n = state.app.open_breach_notice(&ctx, &id).await?;
            let text = crate::error::conflict_text(code, ctx.lang).to_string();
            Ok(render_with(
                StatusCode::CONFLICT,
                &notice_page(&state, &ctx, &n, Some(text)),
            ))
        }
        Err(e) => Err(e.into()),
    }
}
