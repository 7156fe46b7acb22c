//! The start page: the person's worklist — what waits for them, each item linked to where it is
//! done — and where they hold roles.

use super::kinds::{capitalised, record_href};
use super::layout::Frame;
use super::{PageError, render};
use crate::AppState;
use crate::auth::UiCtx;
use crate::i18n;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use ombud_app::worklist::{Contact, PlaceGaps, WorkItem, WorkList};
use ombud_domain::Lang;
use ombud_domain::kernel::query::{Cond, FilterKind, Sort};
use ombud_domain::organisation::OrgKind;

pub struct GrantView {
    pub organisation_id: String,
    pub organisation_name: String,
    pub kind_label: String,
    pub roles: Vec<String>,
}

/// Something that needs doing, as the system knows it.
pub struct TodoView {
    pub organisation_id: String,
    pub text: String,
}

/// One record on the worklist, as a link with what to know before opening it.
pub struct ItemView {
    pub href: String,
    pub name: String,
    /// "Behandling · Stadsledningskontoret".
    pub context: String,
    /// A passed review date, the reviewer's comment.
    pub note: Option<String>,
    pub comment: Option<String>,
}

/// One list of the worklist.
pub struct ListView {
    pub id: &'static str,
    pub heading: String,
    pub total: i64,
    pub items: Vec<ItemView>,
    /// Where the rest are, kind by kind, when not all are named.
    pub more: Vec<(String, String)>,
    pub empty: String,
}

#[derive(Template)]
#[template(path = "start.html")]
pub struct StartPage {
    pub frame: Frame,
    pub grants: Vec<GrantView>,
    pub todo: Vec<TodoView>,
    pub lists: Vec<ListView>,
    pub gaps: Vec<PlaceGaps>,
    pub contacts: Vec<Contact>,
    /// Whether to say how to report a breach or a request (not to the only DPO there is).
    pub report: bool,
    /// Whether anything at all waits.
    pub nothing: bool,
}

fn item(lang: Lang, i: &WorkItem, note: Option<String>) -> ItemView {
    ItemView {
        href: record_href(i.kind, &i.id),
        name: i.name.clone(),
        context: format!(
            "{} · {}",
            capitalised(i.kind.info().noun.one.get(lang)),
            i.organisation_name
        ),
        note,
        comment: i.comment.clone(),
    }
}

/// Where the rest of a list is, kind by kind, when not all of it is named: the kind's list filtered
/// to the workflow state, or to passed review dates (by the kind's own filters), else sorted by review
/// date with the earliest first.
fn more(lang: Lang, list: &WorkList) -> Vec<(String, String)> {
    list.by_kind
        .iter()
        .filter(|(kind, _, total)| {
            *total > list.items.iter().filter(|i| i.kind == *kind).count() as i64
        })
        .map(|(kind, state, total)| {
            let info = kind.info();
            let query = match state {
                Some(code) => info
                    .filters
                    .iter()
                    .find(|f| {
                        matches!(
                            f.kind,
                            FilterKind::OneOf {
                                column: "status",
                                ..
                            }
                        )
                    })
                    .map(|f| format!("{}={code}", f.ui)),
                None => info
                    .filters
                    .iter()
                    .find(|f| {
                        matches!(
                            f.kind,
                            FilterKind::Test {
                                yes: Cond::BeforeToday("review_on"),
                                ..
                            }
                        )
                    })
                    .map(|f| format!("{}=ja&sortera={}", f.ui, Sort::NextReview.ui())),
            }
            .unwrap_or_else(|| format!("sortera={}", Sort::NextReview.ui()));
            (
                format!("/{}?{query}", info.ui),
                format!(
                    "{} {total} {}",
                    i18n::t(lang, "start-show-all"),
                    info.noun.many.get(lang)
                ),
            )
        })
        .collect()
}

/// `GET /`.
pub async fn start(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let t = |k: &str| i18n::t(lang, k);
    let grants = state
        .app
        .my_roles(&ctx)
        .await?
        .into_iter()
        .map(|g| GrantView {
            organisation_id: g.membership.organisation_id.into_string(),
            organisation_name: g.organisation_name,
            kind_label: OrgKind::parse(&g.organisation_kind)
                .map(|k| k.label(lang).to_string())
                .unwrap_or(g.organisation_kind),
            roles: g
                .membership
                .roles
                .iter()
                .map(|r| r.label(lang).to_string())
                .collect(),
        })
        .collect();
    // Facts the system knows and the person can act on.
    let todo: Vec<TodoView> = state
        .app
        .controllers_without_dpo(&ctx)
        .await?
        .into_iter()
        .map(|o| TodoView {
            text: format!("{} {}", o.name, t("todo-no-dpo")),
            organisation_id: o.id,
        })
        .collect();
    let w = state.app.worklist(&ctx).await?;
    let mut lists = Vec::new();
    if w.deadlines.total > 0 {
        let now = jiff::Timestamp::now();
        lists.push(ListView {
            id: "deadlines",
            heading: t("start-deadlines"),
            total: w.deadlines.total,
            items: w
                .deadlines
                .items
                .iter()
                .map(|i| {
                    let note = i
                        .deadline
                        .as_deref()
                        .and_then(ombud_domain::time::from_storage)
                        .zip(i.kind.info().deadline)
                        .map(|(at, d)| {
                            let left = ombud_domain::breach::clock::remaining(at, now);
                            let days = left.as_hours() / 24;
                            if days.abs() >= 4 {
                                // A limit in days (a request's month): its last day, and days left.
                                let last = (at - jiff::SignedDuration::from_mins(1))
                                    .to_zoned_datetime(ombud_domain::time::stockholm())
                                    .date();
                                let left = match (days >= 0, lang) {
                                    (true, Lang::Sv) => format!("{days} dagar kvar"),
                                    (true, Lang::En) => format!("{days} days left"),
                                    (false, Lang::Sv) => format!("försenad med {} dagar", -days),
                                    (false, Lang::En) => format!("overdue by {} days", -days),
                                };
                                format!("{} {last} · {left}", d.label.get(lang))
                            } else {
                                format!(
                                    "{} {} · {}",
                                    d.label.get(lang),
                                    ombud_domain::breach::clock::display_stockholm(at),
                                    ombud_domain::breach::clock::remaining_text(left, lang)
                                )
                            }
                        });
                    item(lang, i, note)
                })
                .collect(),
            more: more(lang, &w.deadlines),
            empty: String::new(),
        });
    }
    // Notices from other controllers that nobody here has read: their 72 hours may be running.
    let unread: Vec<_> = state
        .app
        .breach_inbox(&ctx)
        .await?
        .into_iter()
        .filter(|n| n.read_at.is_none())
        .collect();
    if !unread.is_empty() {
        lists.push(ListView {
            id: "notices",
            heading: t("start-notices"),
            total: unread.len() as i64,
            items: unread
                .iter()
                .take(10)
                .map(|n| ItemView {
                    href: format!("/incidenter/inkorg/{}", n.id),
                    name: super::notices::title_of(&n.facts),
                    context: format!("{} {}", t("start-notice-from"), n.from_name),
                    note: Some(format!(
                        "{} {}",
                        t("start-notice-deadline"),
                        super::notices::their_clock(n, lang).0
                    )),
                    comment: None,
                })
                .collect(),
            more: vec![("/incidenter/inkorg".into(), t("start-notices-all"))],
            empty: String::new(),
        });
    }
    if w.reports.total > 0 {
        lists.push(ListView {
            id: "reports",
            heading: t("start-reports"),
            total: w.reports.total,
            items: w
                .reports
                .items
                .iter()
                .map(|i| {
                    let status = i
                        .kind
                        .info()
                        .workflow
                        .zip(i.status.as_deref())
                        .map(|(wf, s)| wf.state_or_initial(s).label.get(lang).to_string());
                    item(lang, i, status)
                })
                .collect(),
            // The person's own reports are not a list they may open in the register.
            more: Vec::new(),
            empty: String::new(),
        });
    }
    if w.reviews {
        lists.push(ListView {
            id: "awaiting",
            heading: t("start-awaiting-review"),
            total: w.awaiting_review.total,
            items: w
                .awaiting_review
                .items
                .iter()
                .map(|i| item(lang, i, None))
                .collect(),
            more: more(lang, &w.awaiting_review),
            empty: t("start-awaiting-review-none"),
        });
    }
    if w.edits {
        lists.push(ListView {
            id: "returned",
            heading: t("start-returned"),
            total: w.returned.total,
            items: w
                .returned
                .items
                .iter()
                .map(|i| {
                    let note = i
                        .returned_by
                        .as_ref()
                        .map(|by| format!("{} {by}", t("start-returned-by")));
                    item(lang, i, note)
                })
                .collect(),
            // No list shows only what was sent back; ten are named, which is more than wait.
            more: Vec::new(),
            empty: t("start-returned-none"),
        });
        lists.push(ListView {
            id: "overdue",
            heading: t("start-overdue"),
            total: w.overdue.total,
            items: w
                .overdue
                .items
                .iter()
                .map(|i| {
                    let note = i
                        .review_on
                        .as_ref()
                        .map(|d| format!("{} {d}", t("start-overdue-since")));
                    item(lang, i, note)
                })
                .collect(),
            more: more(lang, &w.overdue),
            empty: t("start-overdue-none"),
        });
        lists.push(ListView {
            id: "drafts",
            heading: t("start-drafts"),
            total: w.drafts.total,
            items: w.drafts.items.iter().map(|i| item(lang, i, None)).collect(),
            more: more(lang, &w.drafts),
            empty: t("start-drafts-none"),
        });
    }
    // A data protection officer is not told to contact themself.
    let mut contacts = w.contacts;
    let is_dpo = contacts.iter().any(|c| c.email == ctx.user.email);
    contacts.retain(|c| c.email != ctx.user.email);
    let report = !(is_dpo && contacts.is_empty());
    let nothing =
        todo.is_empty() && lists.iter().all(|l| l.total == 0) && w.gaps.iter().all(|g| g.gaps == 0);
    Ok(render(&StartPage {
        frame: Frame::new(&state, &ctx, "/", "start"),
        grants,
        todo,
        lists,
        gaps: w.gaps,
        contacts,
        report,
        nothing,
    }))
}
