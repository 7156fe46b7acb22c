//! The form that registers a system or edits one.

use super::form::{ActionView, LEVELS, SystemForm};
use super::readable;
use crate::AppState;
use crate::api::systems as api;
use crate::auth::{Ctx, UiCtx};
use crate::error::ApiError;
use crate::i18n;
use crate::ui::forms::{self, Choice, Fields, Problems, SummaryItem, check_csrf};
use crate::ui::layout::Frame;
use crate::ui::links;
use crate::ui::processing::OrgNames;
use crate::ui::register;
use crate::ui::{PageError, render};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use ombud_domain::Lang;
use ombud_domain::authz::Action;
use ombud_store::systems::System;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    pub organisation: String,
}

/// One KLASSA level's select.
pub struct LevelView {
    pub id: String,
    pub name: String,
    pub label: String,
    pub hint: String,
    pub choices: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "system_form.html")]
pub struct FormPage {
    pub frame: Frame,
    pub title: String,
    pub action: String,
    /// The system's id when editing; empty for a new one.
    pub id: String,
    pub version: i64,
    pub form: SystemForm,
    pub problems: Problems,
    pub organisations: Vec<Choice>,
    pub organisation_name: String,
    pub procurement: Vec<Choice>,
    pub levels: Vec<LevelView>,
    pub actions: Vec<ActionView>,
    /// The agreements of the system's controller that the person may read, to tick.
    pub agreements: Vec<Choice>,
    /// Linked agreements the person may not read: kept as they are, not shown.
    pub hidden_agreements: Vec<String>,
    /// Why no agreements are offered, when none are.
    pub agreements_note: String,
    pub summary: Vec<SummaryItem>,
    pub notice: Option<String>,
}

impl FormPage {
    pub fn editing(&self) -> bool {
        !self.id.is_empty()
    }
}

/// What the form page needs beyond the form.
struct FormContext {
    id: String,
    version: i64,
    organisation_name: String,
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    form: SystemForm,
    problems: Problems,
    fc: FormContext,
) -> Result<FormPage, PageError> {
    let lang = ctx.lang;
    let editing = !fc.id.is_empty();
    let organisations = if editing {
        Vec::new()
    } else {
        register::organisations_where(state, ctx, Action::EditSystems, &form.organisation_id)
            .await?
    };
    let (title, action) = if editing {
        (
            format!("{}: {}", i18n::t(lang, "sys-edit-title"), form.name),
            format!("/system/{}/redigera", fc.id),
        )
    } else {
        (i18n::t(lang, "sys-new-title"), "/system/ny".to_string())
    };
    let (agreements, hidden_agreements, agreements_note) =
        match links::agreements_for_system(state, ctx, &form.organisation_id, &form.agreement_ids)
            .await?
        {
            Some((offered, hidden)) => {
                let note = if offered.is_empty() {
                    i18n::t(lang, "sys-agreements-none")
                } else {
                    String::new()
                };
                (offered, hidden, note)
            }
            None => (
                Vec::new(),
                form.agreement_ids.clone(),
                i18n::t(lang, "sys-agreements-choose-org"),
            ),
        };
    let levels = LEVELS
        .iter()
        .map(|(field, _, label, hint)| LevelView {
            id: format!("s-{field}"),
            name: field.to_string(),
            label: i18n::t(lang, label),
            hint: i18n::t(lang, hint),
            choices: form.level_choices(field, lang),
        })
        .collect();
    let mut frame = Frame::load(state, ctx, &action, "systems").await?;
    frame.current_org = form.organisation_id.clone();
    Ok(FormPage {
        frame,
        title,
        action,
        id: fc.id,
        version: fc.version,
        organisations,
        organisation_name: fc.organisation_name,
        procurement: form.procurement_choices(lang),
        levels,
        actions: form.action_views(lang),
        agreements,
        hidden_agreements,
        agreements_note,
        summary: forms::summary([&problems]),
        problems,
        form,
        notice: None,
    })
}

/// `GET /system/ny?organisation=`.
pub async fn new_form(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Query(q): Query<NewQuery>,
) -> Result<Response, PageError> {
    if !register::acts_somewhere(&ctx, Action::EditSystems) {
        return Err(PageError::Forbidden);
    }
    // With one place to register in, it is chosen already.
    let organisation = register::preselected(&ctx, Action::EditSystems, &q.organisation);
    let fc = FormContext {
        id: String::new(),
        version: 0,
        organisation_name: String::new(),
    };
    let page = form_page(
        &state,
        &ctx,
        SystemForm::blank(organisation),
        Problems::default(),
        fc,
    )
    .await?;
    Ok(render(&page))
}

/// Turns a refusal into messages beside the fields (or an error page when no form can help).
fn form_problems(
    err: ApiError,
    lang: Lang,
    form: &SystemForm,
) -> Result<(StatusCode, Problems), PageError> {
    // A value of the wrong shape cannot come from this form's inputs; say so on the form rather
    // than failing the page, so that what was typed is not lost.
    if let ApiError::Unprocessable(_) = err {
        let p = Problems {
            form: Some(i18n::t(lang, "sys-unprocessable")),
            anchor: "system-form".into(),
            ..Problems::default()
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, p));
    }
    let (status, mut problems) = forms::problems(
        err,
        lang,
        "system-form",
        "sys-stale",
        super::form::input_for,
    )?;
    form.place_action_problems(&mut problems, lang);
    Ok((status, problems))
}

/// `POST /system/validera`: the form checked as a save would check it, nothing saved (for the
/// form's script while the person fills it in).
pub async fn check(
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    check_csrf(&ctx, &headers, &f)?;
    let form = SystemForm::from_fields(&f);
    let problems = match form.to_details() {
        Ok(_) => Problems::default(),
        Err(e) => form_problems(e, ctx.lang, &form)?.1,
    };
    Ok(forms::FormCheck::new(problems, Vec::new()).into_response())
}

/// `POST /system/ny`.
pub async fn create(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    check_csrf(&ctx, &headers, &f)?;
    let form = SystemForm::from_fields(&f);
    let outcome = match register::with_owner(&form.organisation_id, form.to_details()) {
        Ok((org, details)) => api::create(&state, &ctx, &org, details).await,
        Err(e) => Err(e),
    };
    match outcome {
        Ok(s) => Ok(Redirect::to(&format!("/system/{}?klart=created", s.id)).into_response()),
        Err(e) => {
            let (status, problems) = form_problems(e, ctx.lang, &form)?;
            let fc = FormContext {
                id: String::new(),
                version: 0,
                organisation_name: String::new(),
            };
            let page = form_page(&state, &ctx, form.with_blank_rows(), problems, fc).await?;
            Ok((status, render(&page)).into_response())
        }
    }
}

/// `GET /system/{id}/redigera`.
pub async fn edit_form(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let s = readable(&state, &ctx, &id).await?;
    if !ctx.principal.can(Action::EditSystems, &s.scope()) {
        return Err(PageError::Forbidden);
    }
    let form = SystemForm::from_record(&s.organisation_id, &s.details);
    let fc = edit_context(&state, &s).await?;
    let page = form_page(&state, &ctx, form, Problems::default(), fc).await?;
    Ok(render(&page))
}

async fn edit_context(state: &AppState, s: &System) -> Result<FormContext, PageError> {
    Ok(FormContext {
        id: s.id.clone(),
        version: s.version,
        organisation_name: OrgNames::new(&state.store).get(&s.organisation_id).await?,
    })
}

/// `POST /system/{id}/redigera`.
pub async fn save(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    check_csrf(&ctx, &headers, &f)?;
    let current = readable(&state, &ctx, &id).await?;
    let mut form = SystemForm::from_fields(&f);
    // The owner is not edited here; the form shows it as it is.
    form.organisation_id = current.organisation_id.clone();
    // What the form itself finds wrong (a classification without all its levels) never reaches the
    // API; everything else is the API's to decide, the version first.
    let outcome = match form.to_details() {
        Err(e @ ApiError::Invalid(_)) => Err(e),
        _ => {
            let (patch, _) = form.to_json();
            api::update(&state, &ctx, &current.id, Some(f.version()), patch).await
        }
    };
    match outcome {
        Ok(s) => Ok(Redirect::to(&format!("/system/{}?klart=saved", s.id)).into_response()),
        Err(e) => {
            let stale = matches!(e, ApiError::Stale { .. });
            let (status, problems) = form_problems(e, ctx.lang, &form)?;
            let mut fc = edit_context(&state, &current).await?;
            // After a conflict the form carries the version now stored, so that saving again is a
            // decision made knowing someone else changed the system; after invalid input it keeps
            // the version first shown, so that nobody else's change is overwritten unseen.
            if !stale {
                fc.version = f.version();
            }
            let page = form_page(&state, &ctx, form.with_blank_rows(), problems, fc).await?;
            Ok((status, render(&page)).into_response())
        }
    }
}
