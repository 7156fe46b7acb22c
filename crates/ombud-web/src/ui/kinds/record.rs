//! One record: its sections of facts, its gaps, its links both ways, its workflow (for kinds with
//! one) and what its kind shows besides; a workflow step (`POST /{ui}/{id}/status`); removal after
//! a confirmation (`/{ui}/{id}/ta-bort`).

use super::extras::{self, ChecksView, Panel};
use super::{base, capitalised, kt, notice, record_href, render_with, t};
use crate::AppState;
use crate::auth::UiCtx;
use crate::ui::forms::{Fields, SummaryItem, check_csrf};
use crate::ui::layout::Frame;
use crate::ui::{PageError, render, urlencode};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use ombud_app::records::{Linked, RecordView};
use ombud_app::{AppError, Caller, today};
use ombud_domain::Lang;
use ombud_domain::kernel::field::{Field, Input, display};
use ombud_domain::kernel::workflow::{Effect, StepInput};
use ombud_domain::kernel::{Descriptor, Kind, KindInfo};
use ombud_domain::time::display_local;
use serde_json::Value;

/// One fact: a text, a list, or nothing recorded (`text` and `items` both empty).
pub struct Fact {
    pub label: String,
    pub text: Option<String>,
    pub items: Vec<String>,
}

/// A list of rows: the first field names the row.
pub struct Table {
    pub caption: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Option<String>>>,
}

pub struct SectionView {
    pub id: String,
    pub heading: String,
    pub facts: Vec<Fact>,
    pub tables: Vec<Table>,
}

/// The records of one kind a record links to, or that link to it.
pub struct LinkGroup {
    pub label: String,
    pub links: Vec<(String, String)>,
    /// Those the reader may not read: counted, never named.
    pub hidden: usize,
    pub empty: String,
}

pub struct StepView {
    pub to: &'static str,
    pub key: &'static str,
    pub label: String,
    pub hint: String,
    pub primary: bool,
}

pub struct WorkflowView {
    pub heading: String,
    pub status: String,
    /// Whether the workflow has a review at all (a breach's has none).
    pub reviewed: bool,
    /// "Granskad av dataskyddsombudet …, <när>".
    pub approved: Option<String>,
    /// The reason an approval overrode open gaps.
    pub despite: Option<String>,
    /// "Skickad till granskning av …, <när>" while it waits.
    pub submitted: Option<String>,
    /// Who sent it back, when, and the comment (until it is approved).
    pub returned: Option<(String, String)>,
    /// The steps besides the review.
    pub steps: Vec<StepView>,
    /// The review's outcomes the person may choose, as one form.
    pub review: Vec<StepView>,
    /// The open gaps that block approval, as people read them.
    pub blocking: Vec<String>,
    /// The comment written before a refused review, to write again from.
    pub comment: String,
    pub none: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "kind_record.html")]
pub struct RecordPage {
    pub frame: Frame,
    pub list_href: String,
    pub list_label: String,
    pub href: String,
    pub name: String,
    pub organisation: String,
    pub more_href: String,
    pub more_label: String,
    pub status: Option<String>,
    pub version: i64,
    pub may_edit: bool,
    pub history_label: String,
    pub delete_label: String,
    pub workflow: Option<WorkflowView>,
    pub review_label: String,
    pub review: Option<String>,
    pub overdue: bool,
    pub gaps: Vec<String>,
    pub panels: Vec<Panel>,
    pub sections: Vec<SectionView>,
    pub links: Vec<LinkGroup>,
    pub checks: Option<ChecksView>,
    pub created: String,
    pub updated: String,
    pub summary: Vec<SummaryItem>,
    pub notice: Option<String>,
}

/// What a record's page shows beside the record: a confirmation, a refused step, a compliance
/// check to correct.
pub struct Shown {
    pub status: StatusCode,
    pub notice: Option<String>,
    pub workflow_error: Option<String>,
    /// The review's comment as written, when the review was refused.
    pub review_comment: String,
    pub check: Option<(Fields, crate::ui::forms::Problems)>,
}

impl Default for Shown {
    fn default() -> Self {
        Shown {
            status: StatusCode::OK,
            notice: None,
            workflow_error: None,
            review_comment: String::new(),
            check: None,
        }
    }
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct RecordQuery {
    #[serde(default)]
    pub klart: String,
}

/// `GET /{ui}/{id}`.
pub async fn page<D: Descriptor>(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
    Query(q): Query<RecordQuery>,
) -> Result<Response, PageError> {
    let mut known = vec!["created", "saved"];
    if let Some(w) = D::info().workflow {
        known.extend(w.steps.iter().map(|s| s.key));
    }
    known.extend(
        extras::keys(D::KIND)
            .iter()
            .filter_map(|k| k.strip_prefix("notice.")),
    );
    let shown = Shown {
        notice: notice(ctx.lang, D::KIND, &q.klart, &known),
        ..Shown::default()
    };
    show::<D>(&state, &ctx, &id, shown).await
}

/// A record's page as it is now, with what `shown` adds.
pub async fn show<D: Descriptor>(
    state: &AppState,
    ctx: &Caller,
    id: &str,
    shown: Shown,
) -> Result<Response, PageError> {
    let view = state.app.read::<D>(ctx, id).await?;
    let status = shown.status;
    let page = record_page::<D>(state, ctx, view, shown).await?;
    Ok(render_with(status, &page))
}

async fn record_page<D: Descriptor>(
    state: &AppState,
    ctx: &Caller,
    view: RecordView<D::Details>,
    shown: Shown,
) -> Result<RecordPage, PageError> {
    let (out, back) = state.app.linked::<D>(ctx, &view).await?;
    let Shown {
        notice,
        workflow_error,
        review_comment,
        check,
        ..
    } = shown;
    let info = D::info();
    let kind = D::KIND;
    let lang = ctx.lang;
    let r = &view.record;
    let id = r.id.to_string();
    let href = record_href(kind, &id);
    let details =
        serde_json::to_value(&r.details).map_err(|e| PageError::Internal(e.to_string()))?;
    let today = today();
    let review = D::review_on(&r.details);
    let workflow = info.workflow.map(|w| {
        let state = w.state_or_initial(r.status.as_deref().unwrap_or(w.initial));
        let text = |k: &str| r.state.get(k).and_then(Value::as_str);
        let by_at = |by: Option<&str>, at: Option<&str>| {
            format!(
                "{}, {}",
                by.unwrap_or_default(),
                at.map(display_local).unwrap_or_default()
            )
        };
        let is_approved = state.code
            == w.steps
                .iter()
                .find(|s| s.effect == Effect::Approve)
                .map_or("", |s| s.to);
        let approved = (is_approved && text("approved_at").is_some()).then(|| {
            format!(
                "{} {}",
                t(lang, "reviewed-by-dpo"),
                by_at(text("approved_by"), text("approved_at"))
            )
        });
        let despite = r
            .state
            .get("approved_despite_gaps")
            .and_then(|d| d.get("reason"))
            .and_then(Value::as_str)
            .filter(|_| is_approved)
            .map(str::to_string);
        let awaiting = w.awaiting_review().contains(&state.code);
        let submitted = (awaiting && text("submitted_at").is_some())
            .then(|| by_at(text("submitted_by"), text("submitted_at")));
        let returned = r.state.get("returned").filter(|_| !is_approved).map(|ret| {
            let f = |k: &str| ret.get(k).and_then(Value::as_str);
            (
                by_at(f("by"), f("at")),
                f("comment").unwrap_or_default().to_string(),
            )
        });
        let step_view = |s: &&'static ombud_domain::kernel::workflow::Step| StepView {
            to: s.to,
            key: s.key,
            label: kt(lang, kind, &format!("step.{}", s.key)),
            hint: kt(lang, kind, &format!("step.{}.hint", s.key)),
            primary: s.to != w.initial,
        };
        let review: Vec<StepView> = view
            .steps
            .iter()
            .filter(|s| s.effect.is_review())
            .map(step_view)
            .collect();
        let blocking = if review.is_empty() {
            Vec::new()
        } else {
            ombud_domain::kernel::workflow::blocking(&view.gaps)
                .into_iter()
                .map(|g| g.message(lang).to_string())
                .collect()
        };
        WorkflowView {
            heading: kt(lang, kind, "workflow"),
            status: state.label.get(lang).to_string(),
            reviewed: !w.awaiting_review().is_empty(),
            approved,
            despite,
            submitted,
            returned,
            steps: view
                .steps
                .iter()
                .filter(|s| !s.effect.is_review())
                .map(step_view)
                .collect(),
            review,
            blocking,
            comment: review_comment.clone(),
            none: kt(lang, kind, "workflow-none"),
            error: workflow_error.clone(),
        }
    });
    let mut summary = Vec::new();
    if let Some(m) = &workflow_error {
        summary.push(SummaryItem {
            href: "#workflow".into(),
            message: m.clone(),
        });
    }
    if let Some((_, p)) = &check {
        summary.extend(crate::ui::forms::summary([p]));
    }
    let facts = D::facts(&r.details, today, lang);
    let frame = Frame::new(state, ctx, &href, info.ui);
    let many = info.noun.many.get(lang);
    Ok(RecordPage {
        frame,
        list_href: base(kind),
        list_label: kt(lang, kind, "title"),
        name: D::title(&r.details).to_string(),
        organisation: r.organisation_name.clone(),
        more_href: format!(
            "{}?organisation={}",
            base(kind),
            urlencode(r.organisation_id.as_str())
        ),
        more_label: format!(
            "{} {many} {} {}",
            t(lang, "all-of"),
            t(lang, "in"),
            r.organisation_name
        ),
        status: workflow.as_ref().map(|w| w.status.clone()),
        version: r.version,
        may_edit: view.may_edit,
        history_label: kt(lang, kind, "history"),
        delete_label: kt(lang, kind, "delete"),
        workflow,
        review_label: info.review.get(lang).to_string(),
        review: review.map(|d| d.to_string()),
        overdue: info.is_overdue(r.status.as_deref(), review, today),
        gaps: view
            .gaps
            .iter()
            .map(|g| g.message(lang).to_string())
            .collect(),
        panels: extras::record_panels(
            kind,
            &facts,
            &details,
            &href,
            extras::Powers {
                edit: view.may_edit,
                // The DPO's own step on a breach's proposal.
                decide: view.may_edit
                    && (ctx.principal.is_admin
                        || ctx
                            .principal
                            .roles_at(&r.scope())
                            .contains(ombud_domain::role::Role::Dpo)),
            },
            lang,
        ),
        sections: sections(info, &details, lang),
        links: link_groups(info, &out, &back, lang),
        checks: extras::checks(kind, &id, r.version, &details, view.may_edit, check),
        created: display_local(&r.created_at),
        updated: display_local(&r.updated_at),
        href,
        summary,
        notice,
    })
}

/// Whether a field applies to the record: a field shown only when another has a value is left
/// out of the page otherwise (an art. 30.2 field of a controller's own processing).
fn applies(f: &Field, details: &Value) -> bool {
    // What was recorded is shown, whether or not it still applies.
    let given = match details.get(f.key()) {
        Some(Value::Null) | None => false,
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Bool(b)) => *b,
        Some(_) => true,
    };
    given
        || match f.when {
            None => true,
            Some((other, "")) => match details.get(other) {
                Some(Value::Bool(b)) => *b,
                Some(Value::Array(a)) => !a.is_empty(),
                Some(Value::Null) | None => false,
                Some(_) => true,
            },
            Some((other, code)) => details.get(other).and_then(Value::as_str) == Some(code),
        }
}

fn value_text(f: &Field, v: Option<&Value>, lang: Lang) -> Option<String> {
    let text = display(f, v?, lang);
    (!text.trim().is_empty()).then_some(text)
}

/// The record as sections of facts, in the order of the form; links are shown in their own section.
pub fn sections(info: &'static KindInfo, details: &Value, lang: Lang) -> Vec<SectionView> {
    info.sections
        .iter()
        .map(|s| {
            let mut facts = Vec::new();
            let mut tables = Vec::new();
            for f in info
                .fields
                .iter()
                .filter(|f| f.section == s.key && applies(f, details))
            {
                let v = details.get(f.key());
                let label = f.label.get(lang).to_string();
                match f.input {
                    Input::Links(_) | Input::Kept => {}
                    Input::Rows(sub) => match v.and_then(Value::as_array).filter(|a| !a.is_empty())
                    {
                        Some(items) => tables.push(Table {
                            caption: label,
                            headers: sub.iter().map(|x| x.label.get(lang).to_string()).collect(),
                            rows: items
                                .iter()
                                .map(|item| {
                                    sub.iter()
                                        .map(|x| value_text(x, item.get(x.key()), lang))
                                        .collect()
                                })
                                .collect(),
                        }),
                        None => facts.push(Fact {
                            label,
                            text: None,
                            items: Vec::new(),
                        }),
                    },
                    Input::Group(sub) => match v.filter(|g| g.is_object()) {
                        Some(g) => facts.extend(sub.iter().map(|x| Fact {
                            label: x.label.get(lang).to_string(),
                            text: value_text(x, g.get(x.key()), lang),
                            items: Vec::new(),
                        })),
                        None => facts.push(Fact {
                            label,
                            text: None,
                            items: Vec::new(),
                        }),
                    },
                    Input::Lines | Input::Choices(_) => facts.push(Fact {
                        label,
                        text: None,
                        items: v
                            .and_then(Value::as_array)
                            .map(|items| {
                                items
                                    .iter()
                                    .filter_map(Value::as_str)
                                    .map(|c| f.option_label(c, lang).unwrap_or(c).to_string())
                                    .collect()
                            })
                            .unwrap_or_default(),
                    }),
                    _ => facts.push(Fact {
                        label,
                        text: value_text(f, v, lang),
                        items: Vec::new(),
                    }),
                }
            }
            SectionView {
                id: format!("s-{}", s.key),
                heading: s.label.get(lang).to_string(),
                facts,
                tables,
            }
        })
        .filter(|s| !s.facts.is_empty() || !s.tables.is_empty())
        .collect()
}

fn group(kind: Kind, label: String, linked: &[Linked], empty: String) -> LinkGroup {
    let of_kind = linked.iter().filter(|l| l.kind == kind);
    LinkGroup {
        label,
        links: of_kind
            .clone()
            .filter_map(|l| Some((record_href(kind, &l.id), l.name.clone()?)))
            .collect(),
        hidden: of_kind.filter(|l| l.name.is_none()).count(),
        empty,
    }
}

/// The records a record links to, by its link fields, and those that link to it, by kind.
fn link_groups(
    info: &'static KindInfo,
    out: &[Linked],
    back: &[Linked],
    lang: Lang,
) -> Vec<LinkGroup> {
    let mut groups: Vec<LinkGroup> = info
        .link_fields()
        .map(|(f, kind)| group(kind, f.label.get(lang).to_string(), out, t(lang, "not-set")))
        .collect();
    let mut from: Vec<Kind> = info.linked_from().iter().map(|(k, _)| *k).collect();
    from.dedup();
    for kind in from {
        let label = format!(
            "{} {}",
            capitalised(kind.info().noun.many.get(lang)),
            t(lang, "linked-here")
        );
        groups.push(group(kind, label, back, t(lang, "none")));
    }
    groups
}

/// `POST /{ui}/{id}/status`: one step of the kind's workflow.
pub async fn step<D: Descriptor>(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    check_csrf(&ctx, &headers, &f)?;
    let lang = ctx.lang;
    let kind = D::KIND;
    let to = f.get("to").trim();
    let comment = f.get("comment").to_string();
    let input = StepInput {
        comment: Some(comment.clone()),
        despite_gaps: f.get("despite_gaps") == "ja",
    };
    let message = match state
        .app
        .transition::<D>(&ctx, &id, Some(f.version()), to, &input)
        .await
    {
        Ok(r) => {
            // The confirmation names the step taken; only a step of the workflow to where the
            // record went is named.
            let key = D::info()
                .workflow
                .and_then(|w| {
                    // The review form names its outcome by the state it leads to.
                    let key = f.get("step");
                    w.steps.iter().find(|s| {
                        s.to == to && (s.key == key || (key.is_empty() && s.effect.is_review()))
                    })
                })
                .map_or("saved", |s| s.key);
            let url = format!("{}?klart={key}", record_href(kind, r.id.as_str()));
            return Ok(Redirect::to(&url).into_response());
        }
        Err(AppError::Stale { .. }) => kt(lang, kind, "stale-status"),
        Err(AppError::Workflow(m)) => m,
        Err(AppError::GapsOpen { message, .. }) => message,
        Err(AppError::Invalid(list)) => match list.first() {
            Some(i) if i.field == "comment" && i.rule == ombud_domain::Rule::Required => {
                t(lang, "review-comment-required")
            }
            Some(i) if i.field == "comment" => i.rule.message(lang),
            _ if to.is_empty() => t(lang, "review-outcome-required"),
            _ => t(lang, "unknown-step"),
        },
        Err(e) => return Err(e.into()),
    };
    // The page is shown as it is now, so that the buttons offered are the steps possible now.
    let shown = Shown {
        status: StatusCode::CONFLICT,
        workflow_error: Some(message),
        review_comment: comment,
        ..Shown::default()
    };
    show::<D>(&state, &ctx, &id, shown).await
}

#[derive(Template)]
#[template(path = "kind_delete.html")]
pub struct DeletePage {
    pub frame: Frame,
    pub list_href: String,
    pub list_label: String,
    pub href: String,
    pub name: String,
    pub title: String,
    pub question: String,
    pub intro: String,
    pub confirm: String,
    pub version: i64,
    /// Why it was not removed: records link to it, or it changed since the page was shown.
    pub message: Option<String>,
    /// Whether nothing links to it, so that it can be removed.
    pub can_delete: bool,
    pub links: Vec<LinkGroup>,
    pub summary: Vec<SummaryItem>,
    pub notice: Option<String>,
}

async fn delete_page<D: Descriptor>(
    state: &AppState,
    ctx: &Caller,
    id: &str,
    problem: Option<String>,
) -> Result<DeletePage, PageError> {
    let info = D::info();
    let kind = D::KIND;
    let lang = ctx.lang;
    let view = state.app.read::<D>(ctx, id).await?;
    if !view.may_edit {
        return Err(PageError::Forbidden);
    }
    let (_, back) = state.app.linked::<D>(ctx, &view).await?;
    let r = &view.record;
    let href = record_href(kind, r.id.as_str());
    let name = D::title(&r.details).to_string();
    let in_use = !back.is_empty();
    let message = problem.or_else(|| in_use.then(|| kt(lang, kind, "in-use")));
    let links = if in_use {
        link_groups(info, &[], &back, lang)
            .into_iter()
            .filter(|g| !g.links.is_empty() || g.hidden > 0)
            .collect()
    } else {
        Vec::new()
    };
    let frame = Frame::new(state, ctx, &format!("{href}/ta-bort"), info.ui);
    Ok(DeletePage {
        frame,
        list_href: base(kind),
        list_label: kt(lang, kind, "title"),
        title: format!("{}: {name}", kt(lang, kind, "delete-title")),
        question: format!("{} {name}?", kt(lang, kind, "delete-question")),
        intro: kt(lang, kind, "delete-intro"),
        confirm: kt(lang, kind, "delete-confirm"),
        version: r.version,
        summary: message
            .iter()
            .map(|m| SummaryItem {
                href: "#delete".into(),
                message: m.clone(),
            })
            .collect(),
        message,
        can_delete: !in_use,
        links,
        href,
        name,
        notice: None,
    })
}

/// `GET /{ui}/{id}/ta-bort`: asks first.
pub async fn confirm_delete<D: Descriptor>(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    Ok(render(&delete_page::<D>(&state, &ctx, &id, None).await?))
}

/// `POST /{ui}/{id}/ta-bort`: removes the record against the version confirmed; its history stays.
pub async fn delete<D: Descriptor>(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    check_csrf(&ctx, &headers, &f)?;
    let kind = D::KIND;
    let lang = ctx.lang;
    let problem = match state.app.delete::<D>(&ctx, &id, Some(f.version())).await {
        Ok(()) => {
            return Ok(Redirect::to(&format!("{}?klart=deleted", base(kind))).into_response());
        }
        Err(AppError::InUse(_)) => kt(lang, kind, "in-use"),
        Err(AppError::Stale { .. }) => kt(lang, kind, "delete-stale"),
        Err(e) => return Err(e.into()),
    };
    let page = delete_page::<D>(&state, &ctx, &id, Some(problem)).await?;
    Ok(render_with(StatusCode::CONFLICT, &page))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn facts_follow_the_sections_with_rows_as_tables_and_groups_as_their_fields() {
        let info = Kind::System.info();
        let d = json!({"name": "Lön", "holds_personal_data": true, "procurement": "central",
            "classification": {"confidentiality": 3, "integrity": 2, "availability": 4, "classified_on": "2026-01-15"},
            "action_plan": [{"action": "MFA", "due": "2030-06-30", "status": "ongoing"}], "agreement_ids": []});
        let s = sections(info, &d, Lang::Sv);
        let responsibility = s
            .iter()
            .find(|x| x.id == "s-responsibility")
            .expect("section");
        assert!(
            responsibility
                .facts
                .iter()
                .any(|f| f.text.as_deref() == Some("Centralt tillhandahållet"))
        );
        let class = s
            .iter()
            .find(|x| x.id == "s-classification")
            .expect("section");
        assert_eq!(class.facts[0].label, "Konfidentialitet");
        assert_eq!(class.facts[0].text.as_deref(), Some("3 – Hög"));
        let risk = s.iter().find(|x| x.id == "s-risk").expect("section");
        assert_eq!(risk.tables[0].caption, "Åtgärdsplan");
        assert_eq!(
            risk.tables[0].rows[0],
            vec![
                Some("MFA".to_string()),
                None,
                Some("2030-06-30".to_string()),
                Some("Pågår".to_string())
            ]
        );
        assert!(
            s.iter().all(|x| x.id != "s-agreements"),
            "links have a section of their own"
        );
    }

    #[test]
    fn a_field_for_another_role_is_left_out() {
        let info = Kind::ProcessingActivity.info();
        let own = sections(info, &json!({"name": "x", "role": "controller"}), Lang::Sv);
        let processor = own.iter().find(|s| s.id == "s-processor").expect("section");
        assert_eq!(processor.facts.len(), 1, "only the role");
        let theirs = sections(
            info,
            &json!({"name": "x", "role": "processor", "on_behalf_of": "Regionen"}),
            Lang::Sv,
        );
        let processor = theirs
            .iter()
            .find(|s| s.id == "s-processor")
            .expect("section");
        assert!(
            processor
                .facts
                .iter()
                .any(|f| f.text.as_deref() == Some("Regionen"))
        );
    }

    #[test]
    fn links_the_reader_may_not_read_are_counted_not_named() {
        let info = Kind::Agreement.info();
        let back = vec![
            Linked {
                kind: Kind::System,
                id: "s1".into(),
                name: Some("Lön".into()),
            },
            Linked {
                kind: Kind::System,
                id: "s2".into(),
                name: None,
            },
        ];
        let g = link_groups(info, &[], &back, Lang::Sv);
        let systems = g
            .iter()
            .find(|x| x.label.starts_with("System"))
            .expect("group");
        assert_eq!(
            systems.links,
            vec![("/system/s1".to_string(), "Lön".to_string())]
        );
        assert_eq!(systems.hidden, 1);
        assert!(g.iter().any(|x| x.label.starts_with("Behandlingar")));
    }
}
