//! A data subject request's own page: extending its time limit (art. 12.3).

use super::forms::{self, Fields, Problems, SummaryItem, check_csrf};
use super::kinds::{kt, record_href, render_with};
use super::layout::Frame;
use super::{PageError, render};
use crate::AppState;
use crate::auth::UiCtx;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use ombud_app::AppError;
use ombud_app::requests::ExtensionIn;
use ombud_domain::kernel::{Descriptor, Kind};
use ombud_domain::register::request::Requests;

#[derive(Template)]
#[template(path = "request_extension.html")]
pub struct ExtensionPage {
    pub frame: Frame,
    pub record_href: String,
    pub action: String,
    pub name: String,
    pub version: i64,
    pub received_on: String,
    pub due_on: String,
    pub months: String,
    pub reason: String,
    pub informed: String,
    pub months_error: Option<String>,
    pub reason_error: Option<String>,
    pub informed_error: Option<String>,
    pub form_error: Option<String>,
    pub summary: Vec<SummaryItem>,
    pub notice: Option<String>,
}

async fn page(
    state: &AppState,
    ctx: &ombud_app::Caller,
    id: &str,
    f: &Fields,
    problems: Problems,
) -> Result<ExtensionPage, PageError> {
    let view = state.app.read::<Requests>(ctx, id).await?;
    if !view.may_edit {
        return Err(PageError::Forbidden);
    }
    let d = &view.record.details;
    let href = record_href(Kind::Request, id);
    Ok(ExtensionPage {
        frame: Frame::new(state, ctx, &format!("{href}/forlangning"), "begaranden"),
        action: format!("{href}/forlangning"),
        record_href: href,
        name: Requests::title(d).to_string(),
        version: view.record.version,
        received_on: d.received_on.map(|x| x.to_string()).unwrap_or_default(),
        due_on: d.due_on().map(|x| x.to_string()).unwrap_or_default(),
        months: match f.get("months") {
            "" => "2".into(),
            m => m.to_string(),
        },
        reason: f.get("reason").to_string(),
        informed: match f.get("requester_informed_on") {
            "" => ombud_app::today().to_string(),
            v => v.to_string(),
        },
        months_error: problems.field("e-months").map(str::to_string),
        reason_error: problems.field("e-reason").map(str::to_string),
        informed_error: problems
            .field("e-requester_informed_on")
            .map(str::to_string),
        form_error: problems.form.clone(),
        summary: forms::summary([&problems]),
        notice: None,
    })
}

/// `GET /begaranden/{id}/forlangning`.
pub async fn form(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    Ok(render(
        &page(&state, &ctx, &id, &Fields::default(), Problems::default()).await?,
    ))
}

/// `POST /begaranden/{id}/forlangning`.
pub async fn submit(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    check_csrf(&ctx, &headers, &f)?;
    let lang = ctx.lang;
    let label = |key: &str| kt(lang, Kind::Request, key);
    let mut problems = Problems::default();
    let input = ExtensionIn {
        months: f.get("months").trim().parse().unwrap_or(0),
        reason: f.get("reason").to_string(),
        requester_informed_on: f.get("requester_informed_on").to_string(),
    };
    let status = match state
        .app
        .extend_request(&ctx, &id, Some(f.version()), input)
        .await
    {
        Ok(r) => {
            let to = format!(
                "{}?klart=extended#deadline",
                record_href(Kind::Request, r.id.as_str())
            );
            return Ok(Redirect::to(&to).into_response());
        }
        Err(AppError::Invalid(list)) => {
            for inv in list {
                let (input, key) = match inv.field {
                    "months" => ("e-months", "extend.months"),
                    "reason" => ("e-reason", "extend.reason"),
                    _ => ("e-requester_informed_on", "extend.informed"),
                };
                problems.push(input, label(key), inv.rule.message(lang));
            }
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Err(AppError::Stale { .. }) => {
            problems.form = Some(kt(lang, Kind::Request, "stale"));
            StatusCode::CONFLICT
        }
        Err(AppError::Conflict(code)) => {
            problems.form = Some(crate::error::conflict_text(code, lang).to_string());
            StatusCode::CONFLICT
        }
        Err(e) => return Err(e.into()),
    };
    let p = page(&state, &ctx, &id, &f, problems).await?;
    Ok(render_with(status, &p))
}

#[derive(Template)]
#[template(path = "request_answer.html")]
pub struct AnswerPage {
    pub frame: Frame,
    pub record_href: String,
    pub name: String,
    pub title: String,
    pub text: String,
    pub missing: Vec<&'static str>,
    pub summary: Vec<SummaryItem>,
    pub notice: Option<String>,
}

/// `GET /begaranden/{id}/svar`: the answer to edit and send, with what it still lacks.
pub async fn answer(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let a = state.app.request_answer(&ctx, &id).await?;
    let view = state.app.read::<Requests>(&ctx, &id).await?;
    let href = record_href(Kind::Request, &id);
    Ok(render(&AnswerPage {
        frame: Frame::new(&state, &ctx, &format!("{href}/svar"), "begaranden"),
        record_href: href,
        name: Requests::title(&view.record.details).to_string(),
        title: a.title,
        text: a.text,
        missing: a.missing,
        summary: Vec::new(),
        notice: None,
    }))
}

/// `GET /begaranden/{id}/svar.pdf`.
pub async fn answer_pdf(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let f = state.app.request_answer_pdf(&ctx, &id).await?;
    Ok(crate::download(f))
}

/// One processing activity of the checklist.
pub struct PlaceRow {
    pub id: String,
    pub name: String,
    pub categories: String,
    pub suggested: bool,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "request_search.html")]
pub struct SearchPage {
    pub frame: Frame,
    pub record_href: String,
    pub action: String,
    pub name: String,
    pub version: i64,
    pub category: Option<String>,
    pub rows: Vec<PlaceRow>,
    pub searched: String,
    pub may_edit: bool,
    pub form_error: Option<String>,
    pub summary: Vec<SummaryItem>,
    pub notice: Option<String>,
}

async fn search_page(
    state: &AppState,
    ctx: &ombud_app::Caller,
    id: &str,
    posted: Option<&Fields>,
    problems: Problems,
) -> Result<SearchPage, PageError> {
    let plan = state.app.search_plan(ctx, id).await?;
    let href = record_href(Kind::Request, id);
    let checked = posted.map(|f| f.all("processing_activities"));
    Ok(SearchPage {
        frame: Frame::new(state, ctx, &format!("{href}/sok"), "begaranden"),
        action: format!("{href}/sok"),
        record_href: href,
        name: Requests::title(&plan.request.details).to_string(),
        version: plan.request.version,
        category: plan.category.clone(),
        rows: plan
            .places
            .iter()
            .map(|p| PlaceRow {
                checked: checked
                    .as_ref()
                    .map_or(p.chosen, |c| c.iter().any(|x| x == &p.id)),
                id: p.id.clone(),
                name: p.name.clone(),
                categories: p.categories.join(", "),
                suggested: p.suggested,
            })
            .collect(),
        searched: match posted {
            Some(f) => f.get("searched").to_string(),
            None => plan.request.details.searched.clone().unwrap_or_default(),
        },
        may_edit: plan.may_edit,
        form_error: problems.form.clone(),
        summary: forms::summary([&problems]),
        notice: None,
    })
}

/// `GET /begaranden/{id}/sok`: where to search for the requester's data, as a checklist.
pub async fn search(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    Ok(render(
        &search_page(&state, &ctx, &id, None, Problems::default()).await?,
    ))
}

/// `POST /begaranden/{id}/sok`: records where was searched and what was found.
pub async fn searched(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    check_csrf(&ctx, &headers, &f)?;
    let lang = ctx.lang;
    let changes = serde_json::json!({
        "processing_activities": f.all("processing_activities"),
        "searched": f.get("searched"),
    });
    let mut problems = Problems::default();
    let status = match state
        .app
        .patch::<Requests>(&ctx, &id, Some(f.version()), changes)
        .await
    {
        Ok(r) => {
            let to = format!("{}?klart=saved", record_href(Kind::Request, r.id.as_str()));
            return Ok(Redirect::to(&to).into_response());
        }
        Err(AppError::Invalid(list)) => {
            problems.form = list.first().map(|i| i.rule.message(lang));
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Err(AppError::Stale { .. }) => {
            problems.form = Some(kt(lang, Kind::Request, "stale"));
            StatusCode::CONFLICT
        }
        Err(e) => return Err(e.into()),
    };
    let p = search_page(&state, &ctx, &id, Some(&f), problems).await?;
    Ok(render_with(status, &p))
}

#[derive(Template)]
#[template(path = "request_retention.html")]
pub struct RetentionPage {
    pub frame: Frame,
    pub action: String,
    pub organisation: String,
    pub months: String,
    pub years: String,
    pub may_edit: bool,
    pub months_error: Option<String>,
    pub years_error: Option<String>,
    pub form_error: Option<String>,
    pub summary: Vec<SummaryItem>,
    pub notice: Option<String>,
}

async fn retention_page(
    state: &AppState,
    ctx: &ombud_app::Caller,
    id: &str,
    posted: Option<&Fields>,
    problems: Problems,
    notice: Option<String>,
) -> Result<RetentionPage, PageError> {
    let rules = state.app.request_retention(ctx, id).await?;
    let org = state.app.organisation(ctx, id).await?;
    let may_edit = state.app.decides_request_settings(ctx, id).await;
    let show = |v: Option<u16>| v.map(|n| n.to_string()).unwrap_or_default();
    Ok(RetentionPage {
        frame: Frame::new(
            state,
            ctx,
            &format!("/organisationer/{id}/gallring"),
            "begaranden",
        ),
        action: format!("/organisationer/{id}/gallring"),
        organisation: org.name,
        months: posted.map_or_else(
            || show(rules.granted_identity_months),
            |f| f.get("granted_identity_months").to_string(),
        ),
        years: posted.map_or_else(
            || show(rules.refused_identity_years),
            |f| f.get("refused_identity_years").to_string(),
        ),
        may_edit,
        months_error: problems
            .field("g-granted_identity_months")
            .map(str::to_string),
        years_error: problems
            .field("g-refused_identity_years")
            .map(str::to_string),
        form_error: problems.form.clone(),
        summary: forms::summary([&problems]),
        notice,
    })
}

/// `GET /organisationer/{id}/gallring`: the retention rules of the controller the organisation
/// belongs to.
pub async fn retention(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<super::notices::Done>,
) -> Result<Response, PageError> {
    let notice = (q.klart == "sparad").then(|| kt(ctx.lang, Kind::Request, "retention.saved"));
    Ok(render(
        &retention_page(&state, &ctx, &id, None, Problems::default(), notice).await?,
    ))
}

/// `POST /organisationer/{id}/gallring`.
pub async fn set_retention(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    check_csrf(&ctx, &headers, &f)?;
    let lang = ctx.lang;
    let label = |key: &str| kt(lang, Kind::Request, key);
    let mut problems = Problems::default();
    let mut read = |name: &'static str, key: &str| -> Option<u16> {
        let v = f.get(name).trim();
        if v.is_empty() {
            return None;
        }
        match v.parse::<u16>() {
            Ok(n) => Some(n),
            Err(_) => {
                problems.push(
                    &format!("g-{name}"),
                    label(key),
                    ombud_domain::Rule::InvalidValue.message(lang),
                );
                // Out of range: the rules' own check names it.
                Some(0)
            }
        }
    };
    let rules = ombud_domain::request::retention::RetentionRules {
        granted_identity_months: read("granted_identity_months", "retention.months"),
        refused_identity_years: read("refused_identity_years", "retention.years"),
    };
    let status = if problems.fields.is_empty() {
        match state.app.set_request_retention(&ctx, &id, rules).await {
            Ok(_) => {
                return Ok(
                    Redirect::to(&format!("/organisationer/{id}/gallring?klart=sparad"))
                        .into_response(),
                );
            }
            Err(AppError::Invalid(list)) => {
                for inv in list {
                    let key = if inv.field == "granted_identity_months" {
                        "retention.months"
                    } else {
                        "retention.years"
                    };
                    problems.push(
                        &format!("g-{}", inv.field),
                        label(key),
                        inv.rule.message(lang),
                    );
                }
                StatusCode::UNPROCESSABLE_ENTITY
            }
            Err(e) => return Err(e.into()),
        }
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let p = retention_page(&state, &ctx, &id, Some(&f), problems, None).await?;
    Ok(render_with(status, &p))
}

/// One of the days an organisation may add, as a checkbox.
pub struct DayOff {
    pub name: &'static str,
    pub label: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "request_days_off.html")]
pub struct DaysOffPage {
    pub frame: Frame,
    pub action: String,
    pub organisation: String,
    pub days: Vec<DayOff>,
    pub may_edit: bool,
    pub summary: Vec<SummaryItem>,
    pub notice: Option<String>,
}

/// `GET /organisationer/{id}/lediga-dagar`: the own days off of the controller the organisation
/// belongs to, counted in the time limit of the requests it registers from now on.
pub async fn days_off(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<super::notices::Done>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let chosen = state.app.request_days_off(&ctx, &id).await?;
    let org = state.app.organisation(&ctx, &id).await?;
    let may_edit = state.app.decides_request_settings(&ctx, &id).await;
    let day = |name: &'static str, checked: bool| DayOff {
        name,
        label: kt(lang, Kind::Request, &format!("days-off.{name}")),
        checked,
    };
    let page = DaysOffPage {
        frame: Frame::new(
            &state,
            &ctx,
            &format!("/organisationer/{id}/lediga-dagar"),
            "begaranden",
        ),
        action: format!("/organisationer/{id}/lediga-dagar"),
        organisation: org.name,
        days: vec![
            day("midsommarafton", chosen.midsommarafton),
            day("julafton", chosen.julafton),
            day("nyarsafton", chosen.nyarsafton),
        ],
        may_edit,
        summary: Vec::new(),
        notice: (q.klart == "sparad").then(|| kt(lang, Kind::Request, "days-off.saved")),
    };
    Ok(render(&page))
}

/// `POST /organisationer/{id}/lediga-dagar`: a checkbox is on when it is sent at all.
pub async fn set_days_off(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    check_csrf(&ctx, &headers, &f)?;
    let on = |name: &str| !f.get(name).is_empty();
    let days = ombud_domain::request::ExtraDaysOff {
        midsommarafton: on("midsommarafton"),
        julafton: on("julafton"),
        nyarsafton: on("nyarsafton"),
    };
    state.app.set_request_days_off(&ctx, &id, days).await?;
    Ok(Redirect::to(&format!("/organisationer/{id}/lediga-dagar?klart=sparad")).into_response())
}
