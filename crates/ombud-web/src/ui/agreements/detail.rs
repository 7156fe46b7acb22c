//! One agreement (`/avtal/{id}`): its facts, sub-processors, transfers, what links to it and its
//! compliance log, with the small form that appends a compliance check; and its deletion
//! (`/avtal/{id}/ta-bort`), confirmed on a page of its own.

use super::{can_edit, notice, readable};
use crate::AppState;
use crate::api::agreements as api;
use crate::api::processing::today;
use crate::auth::{Ctx, UiCtx};
use crate::error::ApiError;
use crate::i18n;
use crate::ui::forms::{self, Fields, Problems, SummaryItem, check_csrf};
use crate::ui::layout::Frame;
use crate::ui::processing::OrgNames;
use crate::ui::{PageError, render};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use ombud_domain::authz::Action;
use ombud_domain::register::agreement::{AgreementDetails, NewComplianceCheck};
use ombud_domain::{Lang, time};
use ombud_store::StoreError;
use ombud_store::agreements::Agreement;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct DetailQuery {
    #[serde(default)]
    pub klart: Option<String>,
}

/// A record that links to the agreement, as a link.
pub struct LinkView {
    pub href: String,
    pub name: String,
}

pub struct SubView {
    pub name: String,
    pub service: Option<String>,
    pub country: Option<String>,
}

pub struct TransferView {
    pub country: String,
    pub recipient: Option<String>,
    /// `None` when no safeguard is recorded, which the page says in words.
    pub safeguard: Option<String>,
    pub tia: String,
    pub exit_plan: String,
}

pub struct CheckView {
    pub checked_on: String,
    pub finding: String,
    pub follow_up: Option<String>,
    pub follow_up_due: Option<String>,
    pub recorded_by: String,
    pub recorded_at: String,
}

/// The compliance check form, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckForm {
    pub checked_on: String,
    pub finding: String,
    pub follow_up: String,
    pub follow_up_due: String,
}

impl CheckForm {
    /// A new check, carried out today unless the person says otherwise.
    fn blank() -> Self {
        CheckForm {
            checked_on: today().to_string(),
            ..CheckForm::default()
        }
    }

    fn from_fields(f: &Fields) -> Self {
        CheckForm {
            checked_on: f.get("checked_on").to_string(),
            finding: f.get("finding").to_string(),
            follow_up: f.get("follow_up").to_string(),
            follow_up_due: f.get("follow_up_due").to_string(),
        }
    }

    fn to_check(&self) -> NewComplianceCheck {
        NewComplianceCheck {
            checked_on: self.checked_on.clone(),
            finding: self.finding.clone(),
            follow_up: Some(self.follow_up.clone()),
            follow_up_due: Some(self.follow_up_due.clone()),
        }
    }
}

/// The input of the check form that holds an API field, and the message key of its label.
fn check_input_for(field: &str) -> (&'static str, &'static str) {
    match field {
        "finding" => ("c-finding", "agr-check-finding"),
        "follow_up" => ("c-follow_up", "agr-check-follow_up"),
        "follow_up_due" => ("c-follow_up_due", "agr-check-follow_up_due"),
        // The date, and a log that is full: the latter cannot be fixed on the form, but it is
        // said beside the first field rather than failing the page.
        _ => ("c-checked_on", "agr-check-checked_on"),
    }
}

#[derive(Template)]
#[template(path = "agreement.html")]
pub struct DetailPage {
    pub frame: Frame,
    pub id: String,
    pub title: String,
    pub organisation_id: String,
    pub organisation: String,
    pub version: i64,
    pub name: Option<String>,
    pub counterparty: String,
    pub direction: String,
    pub reference: Option<String>,
    pub description: Option<String>,
    pub signed_on: Option<String>,
    pub review_on: Option<String>,
    pub overdue: bool,
    pub last_checked_on: Option<String>,
    pub without_safeguard: usize,
    pub subs: Vec<SubView>,
    pub transfers: Vec<TransferView>,
    pub exit_plan: Option<String>,
    pub systems: Vec<LinkView>,
    pub processing: Vec<LinkView>,
    pub checks: Vec<CheckView>,
    pub can_edit: bool,
    pub check: CheckForm,
    pub check_problems: Problems,
    pub created: String,
    pub updated: String,
    pub summary: Vec<SummaryItem>,
    pub notice: Option<String>,
}

impl DetailPage {
    /// The warning about transfers without a safeguard, in words.
    pub fn without_safeguard_text(&self) -> String {
        let key = if self.without_safeguard == 1 {
            "agr-without-safeguard-one"
        } else {
            "agr-without-safeguard-many"
        };
        format!("{} {}", self.without_safeguard, self.frame.t(key))
    }
}

/// The records of one kind that link to the agreement and that the reader may see, by name. Those
/// the reader may not read are left out, so that the page says nothing about them.
async fn linked(
    state: &AppState,
    ctx: &Ctx,
    a: &Agreement,
) -> Result<(Vec<LinkView>, Vec<LinkView>), PageError> {
    let ids = std::slice::from_ref(&a.id);
    let mut systems = Vec::new();
    if let Some(from) = state
        .store
        .links_to("system", "agreement", ids)
        .await?
        .remove(&a.id)
    {
        for id in from {
            match state.store.system(&id).await {
                Ok(s) if ctx.principal.can(Action::ReadRegister, &s.scope()) => {
                    systems.push(LinkView {
                        href: format!("/system/{}", s.id),
                        name: s.details.name,
                    });
                }
                Ok(_) | Err(StoreError::NotFound) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    let mut processing = Vec::new();
    if let Some(from) = state
        .store
        .links_to("processing_activity", "agreement", ids)
        .await?
        .remove(&a.id)
    {
        for id in from {
            match state.store.processing_activity(&id).await {
                Ok(p) if ctx.principal.can(Action::ReadRegister, &p.scope()) => {
                    processing.push(LinkView {
                        href: format!("/behandlingar/{}", p.id),
                        name: p.details.name,
                    });
                }
                Ok(_) | Err(StoreError::NotFound) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    systems.sort_by(|x, y| x.name.cmp(&y.name));
    processing.sort_by(|x, y| x.name.cmp(&y.name));
    Ok((systems, processing))
}

fn yes_no(lang: Lang, v: bool) -> String {
    i18n::t(lang, if v { "yes" } else { "no" })
}

/// The compliance log, newest first: by the date of the check, then by when it was recorded.
fn checks_newest_first(a: &Agreement) -> Vec<CheckView> {
    let mut checks: Vec<_> = a.details.compliance_checks.iter().collect();
    checks.sort_by(|x, y| {
        (y.checked_on.as_str(), y.recorded_at.as_str())
            .cmp(&(x.checked_on.as_str(), x.recorded_at.as_str()))
    });
    checks
        .into_iter()
        .map(|c| CheckView {
            checked_on: c.checked_on.clone(),
            finding: c.finding.clone(),
            follow_up: c.follow_up.clone(),
            follow_up_due: c.follow_up_due.clone(),
            recorded_by: c.recorded_by.clone(),
            recorded_at: time::display_local(&c.recorded_at),
        })
        .collect()
}

async fn detail_page(
    state: &AppState,
    ctx: &Ctx,
    a: Agreement,
    notice: Option<String>,
    check: CheckForm,
    check_problems: Problems,
) -> Result<DetailPage, PageError> {
    let lang = ctx.lang;
    let d = &a.details;
    let organisation = OrgNames::new(&state.store).get(&a.organisation_id).await?;
    let (systems, processing) = linked(state, ctx, &a).await?;
    let mut frame = Frame::load(state, ctx, &format!("/avtal/{}", a.id), "agreements").await?;
    frame.current_org = a.organisation_id.clone();
    Ok(DetailPage {
        frame,
        id: a.id.clone(),
        title: d.title().to_string(),
        organisation_id: a.organisation_id.clone(),
        organisation,
        version: a.version,
        name: d.name.clone(),
        counterparty: d.counterparty.clone(),
        direction: d.direction.label(lang).to_string(),
        reference: d.reference.clone(),
        description: d.description.clone(),
        signed_on: d.signed_on.clone(),
        review_on: d.review_on.clone(),
        overdue: d.review_overdue(today()),
        last_checked_on: d.last_checked_on().map(str::to_string),
        without_safeguard: d.transfers_without_safeguard(),
        subs: d
            .sub_processors
            .iter()
            .map(|s| SubView {
                name: s.name.clone(),
                service: s.service.clone(),
                country: s.country.clone(),
            })
            .collect(),
        transfers: d
            .third_country_transfers
            .iter()
            .map(|t| TransferView {
                country: t.country.clone(),
                recipient: t.recipient.clone(),
                safeguard: t.safeguard.map(|s| s.label(lang).to_string()),
                tia: yes_no(lang, t.transfer_impact_assessment),
                exit_plan: yes_no(lang, t.exit_plan),
            })
            .collect(),
        exit_plan: d.exit_plan.clone(),
        systems,
        processing,
        checks: checks_newest_first(&a),
        can_edit: can_edit(ctx, &a),
        check,
        summary: forms::summary([&check_problems]),
        check_problems,
        created: time::display_local(&a.created_at),
        updated: time::display_local(&a.updated_at),
        notice,
    })
}

/// `GET /avtal/{id}`.
pub async fn detail(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
    Query(q): Query<DetailQuery>,
) -> Result<Response, PageError> {
    let a = readable(&state, &ctx, &id).await?;
    let notice = notice(ctx.lang, q.klart.as_deref());
    let page = detail_page(
        &state,
        &ctx,
        a,
        notice,
        CheckForm::blank(),
        Problems::default(),
    )
    .await?;
    Ok(render(&page))
}

/// `POST /avtal/{id}/kontroller`: appends a compliance check to the log.
pub async fn record_check(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    check_csrf(&ctx, &headers, &f)?;
    let current = readable(&state, &ctx, &id).await?;
    let form = CheckForm::from_fields(&f);
    match api::append_check(
        &state,
        &ctx,
        &current.id,
        Some(f.version()),
        form.to_check(),
    )
    .await
    {
        Ok(a) => Ok(
            Redirect::to(&format!("/avtal/{}?klart=check-recorded#kontroller", a.id))
                .into_response(),
        ),
        Err(e) => {
            let stale = matches!(e, ApiError::Stale { .. });
            let (status, problems) = forms::problems(
                e,
                ctx.lang,
                "check-form",
                "agr-check-stale",
                check_input_for,
            )?;
            // The page shows the agreement as it is now. After a conflict the form carries the
            // version now stored, so that recording again is a decision made knowing of the other
            // change; after invalid input it keeps the version first shown.
            let mut page = detail_page(
                &state,
                &ctx,
                readable(&state, &ctx, &id).await?,
                None,
                form,
                problems,
            )
            .await?;
            if !stale {
                page.version = f.version();
            }
            Ok((status, render(&page)).into_response())
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Deletion
// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "agreement_delete.html")]
pub struct DeletePage {
    pub frame: Frame,
    pub id: String,
    pub title: String,
    pub version: i64,
    /// Systems and processing activities that link to the agreement and that the reader may see.
    pub linked: Vec<LinkView>,
    pub error: Option<String>,
    pub summary: Vec<SummaryItem>,
    pub notice: Option<String>,
}

async fn delete_page(
    state: &AppState,
    ctx: &Ctx,
    a: &Agreement,
    error: Option<String>,
) -> Result<DeletePage, PageError> {
    let (systems, processing) = linked(state, ctx, a).await?;
    let mut frame = Frame::load(
        state,
        ctx,
        &format!("/avtal/{}/ta-bort", a.id),
        "agreements",
    )
    .await?;
    frame.current_org = a.organisation_id.clone();
    Ok(DeletePage {
        frame,
        id: a.id.clone(),
        title: a.details.title().to_string(),
        version: a.version,
        linked: systems.into_iter().chain(processing).collect(),
        summary: error
            .iter()
            .map(|m| SummaryItem {
                href: "#delete-form".into(),
                message: m.clone(),
            })
            .collect(),
        error,
        notice: None,
    })
}

/// `GET /avtal/{id}/ta-bort`: asks before deleting.
pub async fn confirm_delete(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let a = readable(&state, &ctx, &id).await?;
    if !can_edit(&ctx, &a) {
        return Err(PageError::Forbidden);
    }
    Ok(render(&delete_page(&state, &ctx, &a, None).await?))
}

/// `POST /avtal/{id}/ta-bort`: deletes the version the person confirmed, through the API's shared
/// code, so that the check of rights, the version and the audit record are the API's.
pub async fn delete(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    check_csrf(&ctx, &headers, &f)?;
    let current = readable(&state, &ctx, &id).await?;
    let lang = ctx.lang;
    let outcome = crate::api::register::delete::<AgreementDetails>(
        &state,
        &ctx,
        &current.id,
        Some(f.version()),
    )
    .await;
    let message = match outcome {
        Ok(_) => return Ok(Redirect::to("/avtal?klart=deleted").into_response()),
        Err(ApiError::Stale { .. }) => i18n::t(lang, "agr-delete-stale"),
        Err(e @ ApiError::Conflict(_)) => e.texts(lang).1,
        Err(e) => return Err(e.into()),
    };
    // Shown as it is now, with the version now stored, so that confirming again is a decision
    // made knowing of the other change.
    let a = readable(&state, &ctx, &id).await?;
    let page = delete_page(&state, &ctx, &a, Some(message)).await?;
    Ok((StatusCode::CONFLICT, render(&page)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ombud_domain::register::agreement::{AgreementDetails, ComplianceCheck};

    fn entry(on: &str, at: &str, finding: &str) -> ComplianceCheck {
        ComplianceCheck {
            id: finding.into(),
            checked_on: on.into(),
            finding: finding.into(),
            follow_up: None,
            follow_up_due: None,
            recorded_by: "Anna".into(),
            recorded_at: at.into(),
        }
    }

    #[test]
    fn the_log_is_shown_newest_first() {
        let a = Agreement {
            id: "a".into(),
            organisation_id: "o".into(),
            controller_id: None,
            created_at: String::new(),
            updated_at: String::new(),
            version: 1,
            details: AgreementDetails {
                counterparty: "X".into(),
                compliance_checks: vec![
                    entry("2026-03-01", "2026-03-02T10:00:00.000000Z", "b"),
                    entry("2025-03-01", "2026-03-03T10:00:00.000000Z", "a"),
                    entry("2026-03-01", "2026-03-04T10:00:00.000000Z", "c"),
                ],
                ..AgreementDetails::default()
            },
            organisation_path: String::new(),
        };
        let order: Vec<String> = checks_newest_first(&a)
            .into_iter()
            .map(|c| c.finding)
            .collect();
        assert_eq!(order, vec!["c", "b", "a"]);
    }

    #[test]
    fn a_blank_follow_up_is_sent_as_blank_and_the_domain_drops_it() {
        let form = CheckForm::from_fields(&Fields(vec![
            ("checked_on".into(), "2026-01-10".into()),
            ("finding".into(), " Loggar saknas ".into()),
            ("follow_up".into(), "".into()),
            ("follow_up_due".into(), "".into()),
        ]));
        let c = form
            .to_check()
            .validate(jiff::civil::date(2026, 2, 1))
            .expect("valid");
        assert_eq!(c.finding, "Loggar saknas");
        assert_eq!((c.follow_up, c.follow_up_due), (None, None));
    }

    #[test]
    fn check_problems_land_beside_their_fields() {
        let err = ApiError::Invalid(vec![
            ombud_domain::Invalid::new("checked_on", ombud_domain::Rule::DateInFuture),
            ombud_domain::Invalid::new("finding", ombud_domain::Rule::Required),
        ]);
        let (status, p) =
            forms::problems(err, Lang::Sv, "check-form", "k", check_input_for).expect("a form");
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p.field("c-checked_on").is_some());
        assert_eq!(p.field("c-finding"), Some("Fältet måste fyllas i."));
        assert!(forms::summary([&p])[1].message.starts_with("Iakttagelse: "));
    }
}
