//! One system: its facts in sections, its classification in words, its action plan, the processing
//! activities and agreements it is linked with, and its gaps; and its removal, confirmed first.

use super::{classification_key, notice, readable};
use crate::AppState;
use crate::api::processing::today;
use crate::api::register;
use crate::auth::{Ctx, UiCtx};
use crate::error::ApiError;
use crate::i18n;
use crate::ui::forms::{Fields, SummaryItem, check_csrf};
use crate::ui::layout::Frame;
use crate::ui::processing::{FactView, OrgNames, SectionView};
use crate::ui::{PageError, render};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use ombud_domain::authz::Action;
use ombud_domain::register::gaps;
use ombud_domain::register::system::SystemDetails;
use ombud_domain::{Lang, time};
use ombud_store::StoreError;
use ombud_store::systems::System;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct DetailQuery {
    #[serde(default)]
    pub klart: Option<String>,
}

/// A linked record the reader may open.
pub struct LinkView {
    pub href: String,
    pub name: String,
}

/// One row of the action plan.
pub struct ActionRowView {
    pub action: String,
    pub responsible: Option<String>,
    pub due: Option<String>,
    pub status: Option<String>,
}

#[derive(Template)]
#[template(path = "system.html")]
pub struct DetailPage {
    pub frame: Frame,
    pub id: String,
    pub name: String,
    pub organisation_id: String,
    pub organisation: String,
    /// The classification's state in words: current, out of date, or none.
    pub classification_state: String,
    pub classification_ok: bool,
    pub classification: Vec<FactView>,
    pub gaps: Vec<String>,
    pub sections: Vec<SectionView>,
    pub risk_analysis_on: Option<String>,
    pub actions: Vec<ActionRowView>,
    pub processing: Vec<LinkView>,
    /// Linked processing activities the reader may not open: counted, not named.
    pub processing_hidden: usize,
    pub agreements: Vec<LinkView>,
    pub agreements_hidden: usize,
    pub can_edit: bool,
    pub created: String,
    pub updated: String,
    pub summary: Vec<SummaryItem>,
    pub notice: Option<String>,
}

/// `GET /system/{id}`.
pub async fn detail(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
    Query(q): Query<DetailQuery>,
) -> Result<Response, PageError> {
    let s = readable(&state, &ctx, &id).await?;
    let lang = ctx.lang;
    let today = today();
    let key = classification_key(&s, today);
    let linked = state
        .store
        .links_to("processing_activity", "system", std::slice::from_ref(&s.id))
        .await?
        .remove(&s.id)
        .unwrap_or_default();
    let (processing, processing_hidden) = processing_links(&state, &ctx, &linked).await?;
    let (agreements, agreements_hidden) =
        agreement_links(&state, &ctx, &s.details.agreement_ids).await?;
    let gaps = gaps::system_gaps(s.details.holds_personal_data, linked.len())
        .into_iter()
        .map(|g| g.message(lang).to_string())
        .collect();
    let organisation = OrgNames::new(&state.store).get(&s.organisation_id).await?;
    let mut frame = Frame::load(&state, &ctx, &format!("/system/{}", s.id), "systems").await?;
    frame.current_org = s.organisation_id.clone();
    let d = &s.details;
    Ok(render(&DetailPage {
        frame,
        id: s.id.clone(),
        name: d.name.clone(),
        organisation_id: s.organisation_id.clone(),
        organisation,
        classification_state: i18n::t(lang, &format!("{key}-text")),
        classification_ok: key == "sys-class-current",
        classification: classification_facts(lang, d),
        gaps,
        sections: sections(lang, d),
        risk_analysis_on: d.risk_analysis_on.clone(),
        actions: d
            .action_plan
            .iter()
            .map(|a| ActionRowView {
                action: a.action.clone(),
                responsible: a.responsible.clone(),
                due: a.due.clone(),
                status: a.status.map(|x| x.label(lang).to_string()),
            })
            .collect(),
        processing,
        processing_hidden,
        agreements,
        agreements_hidden,
        can_edit: ctx.principal.can(Action::EditSystems, &s.scope()),
        created: time::display_local(&s.created_at),
        updated: time::display_local(&s.updated_at),
        summary: Vec::new(),
        notice: notice(lang, q.klart.as_deref()),
    }))
}

/// The processing activities that name the system, as links to those the reader may open.
async fn processing_links(
    state: &AppState,
    ctx: &Ctx,
    ids: &[String],
) -> Result<(Vec<LinkView>, usize), PageError> {
    let mut out = Vec::new();
    let mut hidden = 0;
    for id in ids {
        match state.store.processing_activity(id).await {
            Ok(p) if ctx.principal.can(Action::ReadRegister, &p.scope()) => out.push(LinkView {
                href: format!("/behandlingar/{}", p.id),
                name: p.details.name,
            }),
            Ok(_) => hidden += 1,
            Err(StoreError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok((out, hidden))
}

/// The agreements the system names, as links to those the reader may open.
async fn agreement_links(
    state: &AppState,
    ctx: &Ctx,
    ids: &[String],
) -> Result<(Vec<LinkView>, usize), PageError> {
    let mut out = Vec::new();
    let mut hidden = 0;
    for id in ids {
        match state.store.agreement(id).await {
            Ok(a) if ctx.principal.can(Action::ReadRegister, &a.scope()) => out.push(LinkView {
                href: format!("/avtal/{}", a.id),
                name: a.details.title().to_string(),
            }),
            Ok(_) => hidden += 1,
            Err(StoreError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok((out, hidden))
}

fn fact(label: String, text: Option<String>) -> FactView {
    FactView {
        label,
        text,
        items: Vec::new(),
    }
}

/// The classification as text: each level with KLASSA's name for it, never a colour alone.
fn classification_facts(lang: Lang, d: &SystemDetails) -> Vec<FactView> {
    let label = |k: &str| i18n::t(lang, k);
    let Some(c) = &d.classification else {
        return Vec::new();
    };
    vec![
        fact(
            label("sys-field-confidentiality"),
            Some(c.confidentiality.label(lang).to_string()),
        ),
        fact(
            label("sys-field-integrity"),
            Some(c.integrity.label(lang).to_string()),
        ),
        fact(
            label("sys-field-availability"),
            Some(c.availability.label(lang).to_string()),
        ),
        fact(
            label("sys-field-classified_on"),
            Some(c.classified_on.clone()),
        ),
        fact(
            label("sys-field-classification_next_review"),
            Some(
                c.next_review
                    .clone()
                    .unwrap_or_else(|| label("sys-class-no-review")),
            ),
        ),
    ]
}

/// The record's other facts as sections, in the order of the form.
fn sections(lang: Lang, d: &SystemDetails) -> Vec<SectionView> {
    let label = |field: &str| i18n::t(lang, &format!("sys-field-{field}"));
    let yes_no = |v: bool| Some(i18n::t(lang, if v { "yes" } else { "no" }));
    let section = |id: &str, key: &str, facts: Vec<FactView>| SectionView {
        id: id.into(),
        heading: i18n::t(lang, key),
        facts,
    };
    vec![
        section(
            "sec-about",
            "sys-fs-about",
            vec![
                fact(label("description"), d.description.clone()),
                fact(label("vendor"), d.vendor.clone()),
                fact(label("holds_personal_data"), yes_no(d.holds_personal_data)),
            ],
        ),
        section(
            "sec-responsibility",
            "sys-fs-responsibility",
            vec![
                fact(label("owner"), d.owner.clone()),
                fact(label("manager"), d.manager.clone()),
                fact(
                    label("procurement"),
                    Some(i18n::t(
                        lang,
                        &format!("sys-procurement-{}", d.procurement.as_str()),
                    )),
                ),
            ],
        ),
        section(
            "sec-storage",
            "sys-fs-storage",
            vec![
                fact(label("storage_country"), d.storage_country.clone()),
                fact(label("nis_relevant"), yes_no(d.nis_relevant)),
            ],
        ),
    ]
}

// ---------------------------------------------------------------------------------------------
// Removal
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "system_delete.html")]
pub struct DeletePage {
    pub frame: Frame,
    pub id: String,
    pub name: String,
    pub version: i64,
    /// Why the system cannot be removed, or why the attempt was refused.
    pub error: Option<String>,
    /// Whether to offer the button: not while processing activities name the system.
    pub can_delete: bool,
    pub summary: Vec<SummaryItem>,
    pub notice: Option<String>,
}

async fn delete_page(
    state: &AppState,
    ctx: &Ctx,
    s: &System,
    error: Option<String>,
) -> Result<DeletePage, PageError> {
    let lang = ctx.lang;
    let in_use = state
        .store
        .links_to("processing_activity", "system", std::slice::from_ref(&s.id))
        .await?
        .get(&s.id)
        .is_some_and(|l| !l.is_empty());
    let error = match error {
        Some(e) => Some(e),
        None if in_use => Some(ApiError::Conflict("system_in_use").texts(lang).1),
        None => None,
    };
    let summary = error
        .iter()
        .map(|m| SummaryItem {
            href: "#delete".into(),
            message: m.clone(),
        })
        .collect();
    let mut frame =
        Frame::load(state, ctx, &format!("/system/{}/ta-bort", s.id), "systems").await?;
    frame.current_org = s.organisation_id.clone();
    Ok(DeletePage {
        frame,
        id: s.id.clone(),
        name: s.details.name.clone(),
        version: s.version,
        error,
        can_delete: !in_use,
        summary,
        notice: None,
    })
}

/// `GET /system/{id}/ta-bort`: asks first.
pub async fn confirm_delete(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let s = readable(&state, &ctx, &id).await?;
    if !ctx.principal.can(Action::EditSystems, &s.scope()) {
        return Err(PageError::Forbidden);
    }
    Ok(render(&delete_page(&state, &ctx, &s, None).await?))
}

/// `POST /system/{id}/ta-bort`: removes the system at the version the person confirmed.
pub async fn delete(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    check_csrf(&ctx, &headers, &f)?;
    let s = readable(&state, &ctx, &id).await?;
    // The API's shared code removes it, so that the check of rights, the version and the audit
    // record are the API's.
    let outcome = register::delete::<SystemDetails>(&state, &ctx, &s.id, Some(f.version())).await;
    let lang = ctx.lang;
    let message = match outcome {
        Ok(_) => return Ok(Redirect::to("/system?klart=deleted").into_response()),
        Err(ApiError::Stale { .. }) => i18n::t(lang, "sys-delete-stale"),
        Err(e @ ApiError::Conflict(_)) => e.texts(lang).1,
        Err(e) => return Err(e.into()),
    };
    // The page is shown as the system is now, so that a second confirmation is made knowing it.
    let s = readable(&state, &ctx, &id).await?;
    let page = delete_page(&state, &ctx, &s, Some(message)).await?;
    Ok((StatusCode::CONFLICT, render(&page)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ombud_domain::register::system::{Classification, Level, Procurement};

    #[test]
    fn a_classification_reads_as_words() {
        let d = SystemDetails {
            name: "x".into(),
            classification: Some(Classification {
                confidentiality: Level::clamped(4),
                integrity: Level::clamped(2),
                availability: Level::clamped(1),
                classified_on: "2026-01-15".into(),
                next_review: None,
            }),
            ..SystemDetails::default()
        };
        let f = classification_facts(Lang::Sv, &d);
        let texts: Vec<_> = f
            .iter()
            .map(|f| format!("{}: {}", f.label, f.text.clone().unwrap_or_default()))
            .collect();
        assert_eq!(texts[0], "Konfidentialitet: 4 – Mycket hög");
        assert_eq!(texts[1], "Riktighet: 2 – Måttlig");
        assert_eq!(texts[2], "Tillgänglighet: 1 – Låg");
        assert!(classification_facts(Lang::Sv, &SystemDetails::default()).is_empty());
    }

    #[test]
    fn procurement_reads_in_swedish() {
        let d = SystemDetails {
            procurement: Procurement::Central,
            ..SystemDetails::default()
        };
        let s = sections(Lang::Sv, &d);
        let p = s[1]
            .facts
            .iter()
            .find(|f| f.label == "Upphandling")
            .and_then(|f| f.text.clone());
        assert_eq!(p.as_deref(), Some("Tillhandahålls centralt"));
    }
}
