//! The form of an agreement (`/avtal/ny`, `/avtal/{id}/redigera`): what it holds as the person typed
//! it, how a stored agreement fills it, and how it becomes the JSON object the API takes, so that
//! every rule about what is valid stays in the domain.
//!
//! Inputs are named after the API's fields. Sub-processors and third-country transfers are a few
//! repeatable rows (the stored ones and two blank), as in the processing form, whose transfer rows,
//! safeguard choices and problem placement are reused here. The compliance log is not in the form: it
//! is appended to from the agreement's page.

use super::readable;
use crate::AppState;
use crate::api::agreements as api;
use crate::auth::{Ctx, UiCtx};
use crate::error::ApiError;
use crate::i18n;
use crate::ui::forms::{self, Choice, Fields, Problems, SummaryItem, check_csrf};
use crate::ui::layout::Frame;
use crate::ui::processing::OrgNames;
use crate::ui::processing_form::{ProcessingForm, TRANSFERS_ID, TransferRow, TransferView};
use crate::ui::register;
use crate::ui::{PageError, render};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use ombud_domain::Lang;
use ombud_domain::authz::Action;
use ombud_domain::register::agreement::{AgreementDetails, Direction};
use ombud_store::agreements::Agreement;
use serde::Deserialize;
use serde_json::{Map, Value};

/// Blank rows offered after the stored ones.
const BLANK_ROWS: usize = 2;
/// The most rows read from a post (the domain allows 100 of each; the rest is noise).
const MAX_ROWS: usize = 110;

/// One sub-processor row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubRow {
    pub name: String,
    pub service: String,
    pub country: String,
}

impl SubRow {
    fn is_blank(&self) -> bool {
        [&self.name, &self.service, &self.country]
            .iter()
            .all(|v| v.trim().is_empty())
    }
}

/// One sub-processor row as the template draws it.
pub struct SubView {
    pub number: usize,
    pub name_id: String,
    pub name_name: String,
    pub name: String,
    pub service_id: String,
    pub service_name: String,
    pub service: String,
    pub country_id: String,
    pub country_name: String,
    pub country: String,
}

fn transfer_is_blank(t: &TransferRow) -> bool {
    t.country.trim().is_empty()
        && t.recipient.trim().is_empty()
        && t.safeguard.is_empty()
        && !t.tia
        && !t.exit_plan
}

/// What the form holds, as text the way it is shown and posted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgreementForm {
    pub organisation_id: String,
    pub name: String,
    pub counterparty: String,
    pub direction: String,
    pub reference: String,
    pub description: String,
    pub signed_on: String,
    pub review_on: String,
    pub sub_processors: Vec<SubRow>,
    pub transfers: Vec<TransferRow>,
    pub exit_plan: String,
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

impl AgreementForm {
    /// A new agreement's form: with a processor of ours, the usual case.
    pub fn blank(organisation_id: String) -> Self {
        AgreementForm {
            organisation_id,
            direction: Direction::default().as_str().into(),
            ..AgreementForm::default()
        }
        .with_blank_rows()
    }

    /// The form filled from a stored agreement.
    pub fn from_record(organisation_id: &str, d: &AgreementDetails) -> Self {
        AgreementForm {
            organisation_id: organisation_id.to_string(),
            name: opt(&d.name),
            counterparty: d.counterparty.clone(),
            direction: d.direction.as_str().into(),
            reference: opt(&d.reference),
            description: opt(&d.description),
            signed_on: opt(&d.signed_on),
            review_on: opt(&d.review_on),
            sub_processors: d
                .sub_processors
                .iter()
                .map(|s| SubRow {
                    name: s.name.clone(),
                    service: opt(&s.service),
                    country: opt(&s.country),
                })
                .collect(),
            transfers: d
                .third_country_transfers
                .iter()
                .map(|t| TransferRow {
                    country: t.country.clone(),
                    recipient: opt(&t.recipient),
                    safeguard: t
                        .safeguard
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default(),
                    tia: t.transfer_impact_assessment,
                    exit_plan: t.exit_plan,
                })
                .collect(),
            exit_plan: opt(&d.exit_plan),
        }
        .with_blank_rows()
    }

    /// The form as posted.
    pub fn from_fields(f: &Fields) -> Self {
        let s = |k: &str| f.get(k).to_string();
        let sub_processors = (0..MAX_ROWS)
            .take_while(|i| {
                let prefix = format!("sub_{i}_");
                f.0.iter().any(|(k, _)| k.starts_with(&prefix))
            })
            .map(|i| SubRow {
                name: s(&format!("sub_{i}_name")),
                service: s(&format!("sub_{i}_service")),
                country: s(&format!("sub_{i}_country")),
            })
            .collect();
        AgreementForm {
            organisation_id: s("organisation_id"),
            name: s("name"),
            counterparty: s("counterparty"),
            direction: s("direction"),
            reference: s("reference"),
            description: s("description"),
            signed_on: s("signed_on"),
            review_on: s("review_on"),
            sub_processors,
            // The transfer rows are named as in the processing form, which reads them.
            transfers: ProcessingForm::from_fields(f).transfers,
            exit_plan: s("exit_plan"),
        }
    }

    /// After a refused post the person sees what they typed and, again, two blank rows to add to.
    pub fn with_blank_rows(mut self) -> Self {
        while self.sub_processors.last().is_some_and(SubRow::is_blank) {
            self.sub_processors.pop();
        }
        self.sub_processors
            .extend(std::iter::repeat_n(SubRow::default(), BLANK_ROWS));
        while self.transfers.last().is_some_and(transfer_is_blank) {
            self.transfers.pop();
        }
        self.transfers
            .extend(std::iter::repeat_n(TransferRow::default(), BLANK_ROWS));
        self
    }

    /// A processing form holding only these transfer rows, to reuse what it knows about them.
    fn transfer_form(&self) -> ProcessingForm {
        ProcessingForm {
            transfers: self.transfers.clone(),
            ..ProcessingForm::default()
        }
    }

    /// Every field people edit as a JSON object, for `create` (after deserializing) or as the merge
    /// patch of `update`: the form shows every such field, so it sends them all. A direction no
    /// input offers (a tampered value) falls back to the default rather than being refused, since
    /// the form could not show it beside a field anyway.
    pub fn to_json(&self) -> Map<String, Value> {
        let mut m = Map::new();
        for (k, v) in [
            ("name", &self.name),
            ("counterparty", &self.counterparty),
            ("reference", &self.reference),
            ("description", &self.description),
            ("exit_plan", &self.exit_plan),
        ] {
            m.insert(k.into(), Value::String(v.clone()));
        }
        for (k, v) in [
            ("signed_on", &self.signed_on),
            ("review_on", &self.review_on),
        ] {
            m.insert(k.into(), Value::String(v.trim().to_string()));
        }
        m.insert(
            "direction".into(),
            Value::String(
                Direction::parse(&self.direction)
                    .unwrap_or_default()
                    .as_str()
                    .into(),
            ),
        );
        m.insert(
            "sub_processors".into(),
            Value::Array(
                self.sub_processors
                    .iter()
                    .filter(|s| !s.is_blank())
                    .map(|s| {
                        serde_json::json!({
                            "name": s.name,
                            "service": s.service,
                            "country": s.country,
                        })
                    })
                    .collect(),
            ),
        );
        let transfers = self
            .transfer_form()
            .to_json(false)
            .remove("third_country_transfers")
            .unwrap_or(Value::Array(Vec::new()));
        m.insert("third_country_transfers".into(), transfers);
        m
    }

    /// The details the form describes, checked by the domain as the API checks them.
    pub fn details(&self) -> Result<AgreementDetails, ApiError> {
        crate::api::register::details_from(self.to_json())
    }

    pub fn direction_choices(&self, lang: Lang) -> Vec<Choice> {
        let chosen = Direction::parse(&self.direction).unwrap_or_default();
        Direction::ALL
            .into_iter()
            .map(|d| Choice::new(d.as_str(), d.label(lang), d == chosen))
            .collect()
    }

    pub fn sub_views(&self) -> Vec<SubView> {
        self.sub_processors
            .iter()
            .enumerate()
            .map(|(i, s)| SubView {
                number: i + 1,
                name_id: format!("a-sub-{i}-name"),
                name_name: format!("sub_{i}_name"),
                name: s.name.clone(),
                service_id: format!("a-sub-{i}-service"),
                service_name: format!("sub_{i}_service"),
                service: s.service.clone(),
                country_id: format!("a-sub-{i}-country"),
                country_name: format!("sub_{i}_country"),
                country: s.country.clone(),
            })
            .collect()
    }

    /// The transfer rows as the processing form draws them, with this form's ids.
    pub fn transfer_views(&self, lang: Lang) -> Vec<TransferView> {
        self.transfer_form()
            .transfer_views(lang)
            .into_iter()
            .map(|mut t| {
                for id in [
                    &mut t.country_id,
                    &mut t.recipient_id,
                    &mut t.safeguard_id,
                    &mut t.tia_id,
                    &mut t.exit_id,
                ] {
                    *id = own_id(id);
                }
                t
            })
            .collect()
    }

    /// Puts problems about the rows on the row that caused them: a sub-processor without a name, a
    /// transfer without a country (the rules a row can break), else the first row.
    pub fn place_row_problems(&self, problems: &mut Problems, lang: Lang) {
        let row = self
            .sub_processors
            .iter()
            .position(|s| !s.is_blank() && s.name.trim().is_empty())
            .unwrap_or(0);
        for f in &mut problems.fields {
            if f.id == SUBS_ID {
                f.id = format!("a-sub-{row}-name");
                f.label = format!(
                    "{} {}, {}",
                    i18n::t(lang, "agr-sub"),
                    row + 1,
                    i18n::t(lang, "agr-sub-name").to_lowercase()
                );
            }
        }
        self.transfer_form().place_transfer_problems(problems, lang);
        for f in &mut problems.fields {
            f.id = own_id(&f.id);
        }
    }
}

/// The processing form's transfer ids (`p-transfer…`) as this form's (`a-transfer…`).
fn own_id(id: &str) -> String {
    match id.strip_prefix("p-transfer") {
        Some(rest) => format!("a-transfer{rest}"),
        None => id.to_string(),
    }
}

/// The fieldset of the sub-processor rows, where a problem points until it is placed on a row.
const SUBS_ID: &str = "a-subs";

/// The input that holds an API field, and the message key of its label (for `forms::problems`).
pub fn input_for(field: &str) -> (&'static str, &'static str) {
    INPUTS
        .iter()
        .find(|(f, _, _)| *f == field)
        .map(|(_, id, label)| (*id, *label))
        .unwrap_or(("a-counterparty", "agr-field-counterparty"))
}

/// API field, input id, label key.
const INPUTS: &[(&str, &str, &str)] = &[
    (
        "organisation_id",
        "a-organisation_id",
        "field-label-organisation_id",
    ),
    ("name", "a-name", "agr-field-name"),
    ("counterparty", "a-counterparty", "agr-field-counterparty"),
    ("direction", "a-direction", "agr-field-direction"),
    ("reference", "a-reference", "agr-field-reference"),
    ("description", "a-description", "agr-field-description"),
    ("signed_on", "a-signed_on", "agr-field-signed_on"),
    ("review_on", "a-review_on", "agr-field-review_on"),
    ("sub_processors", SUBS_ID, "agr-field-sub_processors"),
    ("sub_processors.name", SUBS_ID, "agr-field-sub_processors"),
    (
        "sub_processors.service",
        SUBS_ID,
        "agr-field-sub_processors",
    ),
    (
        "sub_processors.country",
        SUBS_ID,
        "agr-field-sub_processors",
    ),
    (
        "third_country_transfers",
        TRANSFERS_ID,
        "agr-field-third_country_transfers",
    ),
    (
        "third_country_transfers.country",
        TRANSFERS_ID,
        "agr-field-third_country_transfers",
    ),
    (
        "third_country_transfers.recipient",
        TRANSFERS_ID,
        "agr-field-third_country_transfers",
    ),
    ("exit_plan", "a-exit_plan", "agr-exit-plan-label"),
];

// ---------------------------------------------------------------------------------------------
// The pages
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    pub organisation: String,
}

#[derive(Template)]
#[template(path = "agreement_form.html")]
pub struct FormPage {
    pub frame: Frame,
    pub title: String,
    pub action: String,
    /// The agreement's id when editing; empty for a new one.
    pub id: String,
    /// The agreement's title as stored, for the breadcrumbs when editing.
    pub stored_title: String,
    pub version: i64,
    pub form: AgreementForm,
    pub problems: Problems,
    pub organisations: Vec<Choice>,
    pub organisation_name: String,
    pub directions: Vec<Choice>,
    pub subs: Vec<SubView>,
    pub transfers: Vec<TransferView>,
    pub summary: Vec<SummaryItem>,
    pub notice: Option<String>,
}

impl FormPage {
    pub fn editing(&self) -> bool {
        !self.id.is_empty()
    }
}

/// What the form page needs beyond the form.
#[derive(Default)]
struct FormContext {
    id: String,
    stored_title: String,
    version: i64,
    organisation_name: String,
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    form: AgreementForm,
    problems: Problems,
    fc: FormContext,
) -> Result<FormPage, PageError> {
    let lang = ctx.lang;
    let editing = !fc.id.is_empty();
    let organisations = if editing {
        Vec::new()
    } else {
        register::organisations_where(state, ctx, Action::EditAgreements, &form.organisation_id)
            .await?
    };
    let (title, action) = if editing {
        (
            format!("{}: {}", i18n::t(lang, "agr-edit-title"), fc.stored_title),
            format!("/avtal/{}/redigera", fc.id),
        )
    } else {
        (i18n::t(lang, "agr-new-title"), "/avtal/ny".to_string())
    };
    let mut frame = Frame::load(state, ctx, &action, "agreements").await?;
    frame.current_org = form.organisation_id.clone();
    Ok(FormPage {
        frame,
        title,
        action,
        id: fc.id,
        stored_title: fc.stored_title,
        version: fc.version,
        organisations,
        organisation_name: fc.organisation_name,
        directions: form.direction_choices(lang),
        subs: form.sub_views(),
        transfers: form.transfer_views(lang),
        summary: forms::summary([&problems]),
        problems,
        form,
        notice: None,
    })
}

/// Turns a refusal into messages beside the fields (or an error page when no form can help).
fn form_problems(
    err: ApiError,
    lang: Lang,
    form: &AgreementForm,
) -> Result<(StatusCode, Problems), PageError> {
    // A value of the wrong shape cannot come from this form's inputs; say so on the form rather
    // than failing the page, so that what was typed is not lost.
    if let ApiError::Unprocessable(_) = err {
        let p = Problems {
            form: Some(i18n::t(lang, "agr-unprocessable")),
            anchor: "agreement-form".into(),
            ..Problems::default()
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, p));
    }
    let (status, mut problems) =
        forms::problems(err, lang, "agreement-form", "agr-stale", input_for)?;
    form.place_row_problems(&mut problems, lang);
    Ok((status, problems))
}

/// `POST /avtal/validera`: the form checked as a save would check it, nothing saved (for the
/// form's script while the person fills it in).
pub async fn check(
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    check_csrf(&ctx, &headers, &f)?;
    let form = AgreementForm::from_fields(&f);
    let problems = match form.details() {
        Ok(_) => Problems::default(),
        Err(e) => form_problems(e, ctx.lang, &form)?.1,
    };
    Ok(forms::FormCheck::new(problems, Vec::new()).into_response())
}

/// `GET /avtal/ny?organisation=`.
pub async fn new_form(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Query(q): Query<NewQuery>,
) -> Result<Response, PageError> {
    if !register::acts_somewhere(&ctx, Action::EditAgreements) {
        return Err(PageError::Forbidden);
    }
    // With one place to register in, it is chosen already.
    let organisation = register::preselected(&ctx, Action::EditAgreements, &q.organisation);
    let page = form_page(
        &state,
        &ctx,
        AgreementForm::blank(organisation),
        Problems::default(),
        FormContext::default(),
    )
    .await?;
    Ok(render(&page))
}

/// `POST /avtal/ny`.
pub async fn create(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    check_csrf(&ctx, &headers, &f)?;
    let form = AgreementForm::from_fields(&f);
    let outcome = match register::with_owner(&form.organisation_id, form.details()) {
        Ok((org, details)) => api::create(&state, &ctx, &org, details).await,
        Err(e) => Err(e),
    };
    match outcome {
        Ok(a) => Ok(Redirect::to(&format!("/avtal/{}?klart=created", a.id)).into_response()),
        Err(e) => {
            let (status, problems) = form_problems(e, ctx.lang, &form)?;
            let page = form_page(
                &state,
                &ctx,
                form.with_blank_rows(),
                problems,
                FormContext::default(),
            )
            .await?;
            Ok((status, render(&page)).into_response())
        }
    }
}

async fn edit_context(state: &AppState, a: &Agreement) -> Result<FormContext, PageError> {
    Ok(FormContext {
        id: a.id.clone(),
        stored_title: a.details.title().to_string(),
        version: a.version,
        organisation_name: OrgNames::new(&state.store).get(&a.organisation_id).await?,
    })
}

/// `GET /avtal/{id}/redigera`.
pub async fn edit_form(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let a = readable(&state, &ctx, &id).await?;
    if !super::can_edit(&ctx, &a) {
        return Err(PageError::Forbidden);
    }
    let form = AgreementForm::from_record(&a.organisation_id, &a.details);
    let fc = edit_context(&state, &a).await?;
    let page = form_page(&state, &ctx, form, Problems::default(), fc).await?;
    Ok(render(&page))
}

/// `POST /avtal/{id}/redigera`.
pub async fn save(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    check_csrf(&ctx, &headers, &f)?;
    let current = readable(&state, &ctx, &id).await?;
    let mut form = AgreementForm::from_fields(&f);
    // The owner is not edited here; the form shows it as it is.
    form.organisation_id = current.organisation_id.clone();
    match api::update(&state, &ctx, &current.id, Some(f.version()), form.to_json()).await {
        Ok(a) => Ok(Redirect::to(&format!("/avtal/{}?klart=saved", a.id)).into_response()),
        Err(e) => {
            let stale = matches!(e, ApiError::Stale { .. });
            let (status, problems) = form_problems(e, ctx.lang, &form)?;
            let mut fc = edit_context(&state, &current).await?;
            // After a conflict the form carries the version now stored, so that saving again is a
            // decision made knowing someone else changed the agreement; after invalid input it keeps
            // the version first shown, so that nobody else's change is overwritten unseen.
            if !stale {
                fc.version = f.version();
            }
            let page = form_page(&state, &ctx, form.with_blank_rows(), problems, fc).await?;
            Ok((status, render(&page)).into_response())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ombud_domain::register::processing::Safeguard;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        Fields(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn a_posted_form_becomes_the_agreement_it_describes() {
        let f = AgreementForm::from_fields(&fields(&[
            ("organisation_id", "o1"),
            ("name", " PUB-avtal Procapita "),
            ("counterparty", "Tieto Evry AB"),
            ("direction", "we_process_for_them"),
            ("reference", ""),
            ("signed_on", " 2026-01-15 "),
            ("review_on", ""),
            ("sub_0_name", "Amazon Web Services"),
            ("sub_0_service", "Drift"),
            ("sub_0_country", "Irland"),
            ("sub_1_name", ""),
            ("sub_1_service", ""),
            ("sub_1_country", ""),
            ("transfer_0_country", "USA"),
            ("transfer_0_safeguard", "standard_contractual_clauses"),
            ("transfer_0_tia", "1"),
            ("transfer_1_country", ""),
            ("exit_plan", "Data lämnas tillbaka i CSV."),
        ]));
        let d = f.details().expect("valid");
        assert_eq!(d.name.as_deref(), Some("PUB-avtal Procapita"));
        assert_eq!(d.counterparty, "Tieto Evry AB");
        assert_eq!(d.direction, Direction::WeProcessForThem);
        assert_eq!(d.reference, None, "blank texts are absent");
        assert_eq!(d.signed_on.as_deref(), Some("2026-01-15"));
        assert_eq!(d.review_on, None);
        assert_eq!(d.sub_processors.len(), 1, "the blank row is ignored");
        assert_eq!(d.sub_processors[0].country.as_deref(), Some("Irland"));
        assert_eq!(d.third_country_transfers.len(), 1);
        let t = &d.third_country_transfers[0];
        assert_eq!(t.safeguard, Some(Safeguard::StandardContractualClauses));
        assert!(t.transfer_impact_assessment && !t.exit_plan);
        assert_eq!(d.exit_plan.as_deref(), Some("Data lämnas tillbaka i CSV."));
    }

    #[test]
    fn a_stored_agreement_fills_the_form_and_saves_unchanged() {
        let stored = AgreementForm::from_fields(&fields(&[
            ("counterparty", "Visma"),
            ("description", "Lönesystem"),
            ("review_on", "2027-03-01"),
            ("sub_0_name", "Microsoft"),
            ("transfer_0_country", "Indien"),
            ("transfer_0_recipient", "Supportcenter"),
            ("transfer_0_exit_plan", "1"),
        ]))
        .details()
        .expect("valid");
        let form = AgreementForm::from_record("o1", &stored);
        assert_eq!(form.counterparty, "Visma");
        assert_eq!(form.sub_processors.len(), 1 + BLANK_ROWS);
        assert_eq!(form.transfers.len(), 1 + BLANK_ROWS);
        assert_eq!(form.details().expect("valid"), stored);
    }

    #[test]
    fn a_tampered_direction_falls_back_to_the_usual_one() {
        let f =
            AgreementForm::from_fields(&fields(&[("counterparty", "X"), ("direction", "both")]));
        assert_eq!(
            f.details().expect("valid").direction,
            Direction::TheyProcessForUs
        );
        assert!(f.direction_choices(Lang::Sv)[0].selected);
    }

    #[test]
    fn a_missing_counterparty_is_shown_beside_its_field() {
        let form = AgreementForm::from_fields(&fields(&[("name", "Avtal")]));
        let err = form.details().expect_err("a counterparty is required");
        let (status, p) = form_problems(err, Lang::Sv, &form).expect("a form");
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(p.field("a-counterparty"), Some("Fältet måste fyllas i."));
        assert_eq!(
            forms::summary([&p])[0].message,
            "Motpart: Fältet måste fyllas i."
        );
    }

    #[test]
    fn row_problems_land_on_their_rows() {
        let form = AgreementForm::from_fields(&fields(&[
            ("counterparty", "X"),
            ("sub_0_name", "AWS"),
            ("sub_1_name", " "),
            ("sub_1_country", "Irland"),
            ("transfer_0_country", ""),
            ("transfer_0_tia", "1"),
        ]));
        let err = form.details().expect_err("rows are incomplete");
        let (_, p) = form_problems(err, Lang::Sv, &form).expect("a form");
        assert!(p.field("a-sub-1-name").is_some(), "{p:?}");
        assert!(p.field("a-transfer-0-country").is_some(), "{p:?}");
        let labels: Vec<&str> = p.fields.iter().map(|f| f.label.as_str()).collect();
        assert_eq!(labels, vec!["Underbiträde 2, namn", "Överföring 1, land"]);
    }

    #[test]
    fn after_a_refusal_two_blank_rows_are_offered_again() {
        let f = AgreementForm {
            sub_processors: vec![
                SubRow {
                    name: "AWS".into(),
                    ..SubRow::default()
                },
                SubRow::default(),
                SubRow::default(),
                SubRow::default(),
            ],
            ..AgreementForm::default()
        }
        .with_blank_rows();
        assert_eq!(f.sub_processors.len(), 1 + BLANK_ROWS);
        assert_eq!(f.transfers.len(), BLANK_ROWS);
        let views = f.transfer_views(Lang::Sv);
        assert_eq!(views[1].country_id, "a-transfer-1-country");
        assert_eq!(views[1].country_name, "transfer_1_country");
    }

    #[test]
    fn every_api_field_has_an_input_and_a_label_in_both_languages() {
        for (field, _, label) in INPUTS {
            for lang in [Lang::Sv, Lang::En] {
                assert_ne!(i18n::t(lang, label), *label, "{field} has no label");
            }
        }
    }
}
