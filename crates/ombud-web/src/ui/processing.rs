//! The register of processing activities (registerförteckning, GDPR art. 30): the list, one record
//! with its gaps and review workflow, and the form that registers or edits a record.
//!
//! Every change goes through the API's shared functions (`api::processing::{create, update,
//! transition}`), so that who may do what, what is valid and how the workflow moves are decided in
//! one place. Forms carry the version they showed: a stale one is refused with 409 and the form is
//! shown again with what the person typed; invalid input with 422. A successful change redirects.

use super::forms::{self, Choice, Fields, Problems, SummaryItem, check_csrf};
use super::layout::Frame;
use super::links::{self, LinkChoices, Linked};
use super::processing_form::{ProcessingForm, TransferView};
use super::register;
use super::{PageError, render, urlencode};
use crate::AppState;
use crate::api::organisations::{require, visible_for_reading};
use crate::api::processing::{self as api, read_visibility, today};
use crate::auth::{Ctx, UiCtx};
use crate::error::ApiError;
use crate::i18n;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use ombud_domain::authz::Action;
use ombud_domain::register::gaps;
use ombud_domain::register::processing::{ProcessingDetails, ProcessingRole};
use ombud_domain::register::workflow::{self, Status};
use ombud_domain::{Lang, ids, time};
use ombud_store::paging::{Cursor, PageRequest};
use ombud_store::processing::{ProcessingActivity, ProcessingFilter, ProcessingSort};
use ombud_store::{Store, StoreError};
use serde::Deserialize;
use std::collections::HashMap;

/// Rows per page of the register.
const PAGE_SIZE: i64 = 50;

/// Confirmations the record page may show after a redirect.
const NOTICES: &[&str] = &[
    "processing-created",
    "processing-saved",
    "processing-to-under_bearbetning",
    "processing-to-redo_for_granskning",
    "processing-to-under_granskning",
    "processing-to-godkand",
];

/// The list's yes/no filters: query parameter and message key.
const FLAGS: [(&str, &str); 6] = [
    ("kansliga", "filter-special-categories"),
    ("skyddade", "filter-protected-identity"),
    ("personnummer", "filter-personal-identity-numbers"),
    ("tredjeland", "filter-third-country"),
    ("brister", "filter-has-gaps"),
    ("forsenad", "filter-overdue"),
];

/// A record the caller may read; otherwise "not found", so that nothing is learnt about others'.
pub(crate) async fn readable(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
) -> Result<ProcessingActivity, PageError> {
    if !ids::is_well_formed(id) {
        return Err(PageError::NotFound);
    }
    let p = state.store.processing_activity(id).await?;
    if ctx.principal.can(Action::ReadRegister, &p.scope()) {
        Ok(p)
    } else {
        Err(PageError::NotFound)
    }
}

/// Organisation names by id, looked up once per page.
pub(crate) struct OrgNames<'a> {
    store: &'a Store,
    names: HashMap<String, String>,
}

impl<'a> OrgNames<'a> {
    pub fn new(store: &'a Store) -> Self {
        OrgNames {
            store,
            names: HashMap::new(),
        }
    }

    /// The name of the organisation that owns a record the reader may read (so they may see it).
    pub async fn get(&mut self, id: &str) -> Result<String, PageError> {
        if let Some(n) = self.names.get(id) {
            return Ok(n.clone());
        }
        let name = match self.store.organisation(id).await {
            Ok(o) => o.name,
            Err(StoreError::NotFound) => String::new(),
            Err(e) => return Err(e.into()),
        };
        self.names.insert(id.to_string(), name.clone());
        Ok(name)
    }
}

// ---------------------------------------------------------------------------------------------
// The list
// ---------------------------------------------------------------------------------------------

/// `?q=&organisation=&status=&kansliga=1&…&efter=`.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub organisation: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub kansliga: String,
    #[serde(default)]
    pub skyddade: String,
    #[serde(default)]
    pub personnummer: String,
    #[serde(default)]
    pub tredjeland: String,
    #[serde(default)]
    pub brister: String,
    #[serde(default)]
    pub forsenad: String,
    #[serde(default)]
    pub sortera: String,
    #[serde(default)]
    pub efter: String,
}

impl ListQuery {
    fn sort(&self) -> ProcessingSort {
        register::sort_of(&self.sortera)
    }

    fn flag(&self, name: &str) -> bool {
        let v = match name {
            "kansliga" => &self.kansliga,
            "skyddade" => &self.skyddade,
            "personnummer" => &self.personnummer,
            "tredjeland" => &self.tredjeland,
            "brister" => &self.brister,
            "forsenad" => &self.forsenad,
            _ => return false,
        };
        !v.is_empty()
    }

    fn status(&self) -> Option<Status> {
        Status::parse(&self.status)
    }

    /// The filters as a query string, for the pagination links.
    fn filters(&self) -> String {
        let mut parts = Vec::new();
        if !self.q.trim().is_empty() {
            parts.push(format!("q={}", urlencode(self.q.trim())));
        }
        if !self.organisation.is_empty() {
            parts.push(format!("organisation={}", urlencode(&self.organisation)));
        }
        if let Some(s) = self.status() {
            parts.push(format!("status={}", s.as_str()));
        }
        for (name, _) in FLAGS {
            if self.flag(name) {
                parts.push(format!("{name}=1"));
            }
        }
        parts.extend(register::sort_query(self.sort()));
        parts.join("&")
    }
}

pub struct RowView {
    pub id: String,
    pub name: String,
    pub organisation: String,
    pub status: String,
    pub next_review: String,
    pub overdue: bool,
    pub gaps: usize,
    pub flags: Vec<String>,
}

pub struct FlagView {
    pub name: &'static str,
    pub label: String,
    pub checked: bool,
}

pub struct ExportView {
    pub organisation: String,
    pub xlsx: String,
    pub csv: String,
    pub pdf: String,
}

#[derive(Template)]
#[template(path = "processing_list.html")]
pub struct ListPage {
    pub frame: Frame,
    pub q: String,
    pub organisations: Vec<Choice>,
    pub statuses: Vec<Choice>,
    pub flags: Vec<FlagView>,
    pub sorts: Vec<Choice>,
    /// The table's caption, which says the order.
    pub caption: String,
    pub rows: Vec<RowView>,
    pub counts: String,
    pub next_href: Option<String>,
    pub first_href: Option<String>,
    pub filtered: bool,
    pub export: Option<ExportView>,
    pub can_edit: bool,
    /// The form for a new record, with the chosen organisation preselected.
    pub new_href: String,
    pub summary: Vec<SummaryItem>,
    pub notice: Option<String>,
}

/// `GET /behandlingar`.
pub async fn list(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let visibility = read_visibility(&ctx);
    if matches!(&visibility, ombud_store::organisations::Visibility::Scopes(s) if s.is_empty()) {
        return Err(PageError::Forbidden);
    }
    let chosen = match q.organisation.trim() {
        "" => None,
        id => {
            let o = visible_for_reading(&state, &ctx, id).await?;
            require(&ctx, Action::ReadRegister, &o)?;
            Some(o)
        }
    };
    let today = today();
    let listed = api::list_visibility(&ctx, chosen.as_ref());
    let filter = ProcessingFilter {
        q: Some(q.q.clone()).filter(|s| !s.trim().is_empty()),
        status: q.status(),
        special_categories: q.flag("kansliga").then_some(true),
        protected_identity: q.flag("skyddade").then_some(true),
        personal_identity_numbers: q.flag("personnummer").then_some(true),
        third_country: q.flag("tredjeland").then_some(true),
        criminal_offence_data: None,
        has_gaps: q.flag("brister").then_some(true),
        overdue: q.flag("forsenad"),
        today: today.to_string(),
        ..chosen
            .as_ref()
            .map(ProcessingFilter::within)
            .unwrap_or_default()
    };
    // A cursor that does not decode starts from the top rather than failing the page.
    let request = PageRequest {
        after: Cursor::decode(&q.efter),
        limit: PAGE_SIZE,
    };
    // The list reads summaries: the columns it shows, with the owner's name and the content gaps
    // kept beside each record, rather than every record's whole document.
    let page = state
        .store
        .processing_summaries(&listed, &filter, q.sort(), &request)
        .await?;
    let counts = state.store.processing_counts(&listed, &filter).await?;
    let rows = page
        .items
        .iter()
        .map(|p| {
            let overdue = gaps::is_overdue(p.next_review.as_deref(), today);
            RowView {
                id: p.id.clone(),
                name: p.name.clone(),
                organisation: p.organisation_name.clone(),
                status: Status::parse(&p.status)
                    .map(|s| s.label(lang).to_string())
                    .unwrap_or_else(|| p.status.clone()),
                next_review: p.next_review.clone().unwrap_or_default(),
                overdue,
                gaps: p.gap_codes.split(',').filter(|c| !c.is_empty()).count()
                    + usize::from(overdue),
                flags: row_flags(
                    lang,
                    [
                        p.special_categories.0,
                        p.protected_identity.0,
                        p.personal_identity_numbers.0,
                        p.third_country.0,
                    ],
                ),
            }
        })
        .collect();
    let filters = q.filters();
    let join = |extra: String| {
        let all = [filters.clone(), extra]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("&");
        if all.is_empty() {
            "/behandlingar".to_string()
        } else {
            format!("/behandlingar?{all}")
        }
    };
    let next_href = page
        .next
        .as_ref()
        .map(|c| join(format!("efter={}", urlencode(c))));
    let first_href = (!q.efter.is_empty()).then(|| join(String::new()));
    let organisations =
        register::organisations_where(&state, &ctx, Action::ReadRegister, &q.organisation).await?;
    let statuses = Status::ALL
        .iter()
        .map(|s| Choice::new(s.as_str(), s.label(lang), q.status() == Some(*s)))
        .collect();
    let sorts = register::sort_choices(lang, q.sort(), "sort-next_review");
    let caption = i18n::t(lang, &format!("processing-caption-{}", q.sort().as_str()));
    let flags = FLAGS
        .iter()
        .map(|(name, key)| FlagView {
            name,
            label: i18n::t(lang, key),
            checked: q.flag(name),
        })
        .collect();
    let export = chosen.as_ref().map(|o| {
        let url = |format: &str| {
            format!(
                "/api/v1/processing-activities/export?organisation_id={}&format={format}",
                o.id
            )
        };
        ExportView {
            organisation: o.name.clone(),
            xlsx: url("xlsx"),
            csv: url("csv"),
            pdf: url("pdf"),
        }
    });
    let mut frame = Frame::load(&state, &ctx, &join(String::new()), "processing").await?;
    if let Some(o) = &chosen {
        frame.current_org = o.id.clone();
    }
    Ok(render(&ListPage {
        frame,
        q: q.q.clone(),
        organisations,
        statuses,
        flags,
        sorts,
        caption,
        rows,
        counts: counts_text(lang, &counts),
        next_href,
        first_href,
        filtered: !filters.is_empty(),
        export,
        can_edit: register::acts_somewhere(&ctx, Action::EditRegister),
        new_href: match &chosen {
            Some(o) => format!("/behandlingar/ny?organisation={}", o.id),
            None => "/behandlingar/ny".into(),
        },
        summary: Vec::new(),
        notice: None,
    }))
}

/// The markers a row shows as text (never colour alone): special categories, protected identity,
/// personal identity numbers, third-country transfers.
fn row_flags(lang: Lang, on: [bool; 4]) -> Vec<String> {
    [
        "tag-special-categories",
        "tag-protected-identity",
        "tag-personal-identity-numbers",
        "tag-third-country",
    ]
    .into_iter()
    .zip(on)
    .filter(|(_, on)| *on)
    .map(|(key, _)| i18n::t(lang, key))
    .collect()
}

/// "12 behandlingar, varav 4 godkända, 5 under bearbetning, …": the figures the DPO's annual
/// report quotes, for what the filters match.
pub fn counts_text(lang: Lang, counts: &[(Status, i64)]) -> String {
    let total: i64 = counts.iter().map(|(_, n)| n).sum();
    let noun = i18n::t(
        lang,
        if total == 1 {
            "processing-count-one"
        } else {
            "processing-count-many"
        },
    );
    if total == 0 {
        return format!("0 {noun}");
    }
    let parts: Vec<String> = counts
        .iter()
        .map(|(s, n)| {
            format!(
                "{n} {}",
                i18n::t(lang, &format!("status-plural-{}", s.as_str()))
            )
        })
        .collect();
    format!(
        "{total} {noun}, {} {}",
        i18n::t(lang, "processing-count-of-which"),
        parts.join(", ")
    )
}

// ---------------------------------------------------------------------------------------------
// One record
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
pub struct DetailQuery {
    #[serde(default)]
    pub klart: Option<String>,
}

/// One fact of the record: a text, a list, or nothing recorded.
pub struct FactView {
    pub label: String,
    pub text: Option<String>,
    pub items: Vec<String>,
}

pub struct SectionView {
    pub id: String,
    pub heading: String,
    pub facts: Vec<FactView>,
}

/// A workflow button.
pub struct StepView {
    pub to: String,
    pub label: String,
    pub hint: String,
    pub primary: bool,
}

#[derive(Template)]
#[template(path = "processing.html")]
pub struct DetailPage {
    pub frame: Frame,
    pub id: String,
    pub name: String,
    pub organisation_id: String,
    pub organisation: String,
    pub status: String,
    pub version: i64,
    pub next_review: Option<String>,
    pub overdue: bool,
    pub approved_at: Option<String>,
    pub approved_by: Option<String>,
    pub steps: Vec<StepView>,
    pub workflow_error: Option<String>,
    pub gaps: Vec<String>,
    pub sections: Vec<SectionView>,
    /// The systems and agreements the record links to.
    pub linked: Linked,
    pub can_edit: bool,
    pub created: String,
    pub updated: String,
    pub summary: Vec<SummaryItem>,
    pub notice: Option<String>,
}

/// `GET /behandlingar/{id}`.
pub async fn detail(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
    Query(q): Query<DetailQuery>,
) -> Result<Response, PageError> {
    let p = readable(&state, &ctx, &id).await?;
    let notice = forms::notice(ctx.lang, q.klart.as_deref(), NOTICES);
    let page = detail_page(&state, &ctx, p, notice, None).await?;
    Ok(render(&page))
}

async fn detail_page(
    state: &AppState,
    ctx: &Ctx,
    p: ProcessingActivity,
    notice: Option<String>,
    workflow_error: Option<String>,
) -> Result<DetailPage, PageError> {
    let lang = ctx.lang;
    let scope = p.scope();
    let today = today();
    let roles = ctx.principal.roles_at(&scope);
    let steps = workflow::available_steps(p.status, roles, ctx.principal.is_admin)
        .into_iter()
        .map(|to| step_view(lang, p.status, to))
        .collect();
    let gaps = gaps::processing_gaps(&p.details, p.next_review.as_deref(), today)
        .into_iter()
        .map(|g| g.message(lang).to_string())
        .collect();
    let organisation = OrgNames::new(&state.store).get(&p.organisation_id).await?;
    let summary = workflow_error
        .iter()
        .map(|m| SummaryItem {
            href: "#workflow".into(),
            message: m.clone(),
        })
        .collect();
    let mut frame =
        Frame::load(state, ctx, &format!("/behandlingar/{}", p.id), "processing").await?;
    frame.current_org = p.organisation_id.clone();
    Ok(DetailPage {
        frame,
        id: p.id.clone(),
        name: p.details.name.clone(),
        organisation_id: p.organisation_id.clone(),
        organisation,
        status: p.status.label(lang).to_string(),
        version: p.version,
        overdue: gaps::is_overdue(p.next_review.as_deref(), today),
        next_review: p.next_review.clone(),
        approved_at: p.approved_at.as_deref().map(time::display_local),
        approved_by: p.approved_by.clone(),
        steps,
        workflow_error,
        gaps,
        sections: sections(lang, &p.details),
        linked: links::linked(state, ctx, &p.details.system_ids, &p.details.agreement_ids).await?,
        can_edit: ctx.principal.can(Action::EditRegister, &scope),
        created: time::display_local(&p.created_at),
        updated: time::display_local(&p.updated_at),
        summary,
        notice,
    })
}

fn step_view(lang: Lang, from: Status, to: Status) -> StepView {
    let key = match (from, to) {
        (Status::UnderBearbetning, Status::RedoForGranskning) => "step-submit",
        (Status::RedoForGranskning, Status::UnderBearbetning) => "step-withdraw",
        (Status::RedoForGranskning, Status::UnderGranskning) => "step-start-review",
        (Status::UnderGranskning, Status::Godkand) => "step-approve",
        (Status::UnderGranskning, Status::UnderBearbetning) => "step-return",
        _ => "step-reopen",
    };
    StepView {
        to: to.as_str().into(),
        label: i18n::t(lang, key),
        hint: i18n::t(lang, &format!("{key}-hint")),
        primary: to != Status::UnderBearbetning,
    }
}

fn yes_no(lang: Lang, v: bool) -> Option<String> {
    Some(i18n::t(lang, if v { "yes" } else { "no" }))
}

/// The record as sections of facts, in the order of the form.
fn sections(lang: Lang, d: &ProcessingDetails) -> Vec<SectionView> {
    let label = |field: &str| i18n::t(lang, &format!("field-label-{field}"));
    let text = |field: &str, v: &Option<String>| FactView {
        label: label(field),
        text: v.clone(),
        items: Vec::new(),
    };
    let list = |field: &str, v: Vec<String>| FactView {
        label: label(field),
        text: None,
        items: v,
    };
    let flag = |field: &str, v: bool| FactView {
        label: label(field),
        text: yes_no(lang, v),
        items: Vec::new(),
    };
    let section = |id: &str, key: &str, facts: Vec<FactView>| SectionView {
        id: id.into(),
        heading: i18n::t(lang, key),
        facts,
    };
    let transfers = d
        .third_country_transfers
        .iter()
        .map(|t| {
            let mut parts = vec![t.country.clone()];
            if let Some(r) = &t.recipient {
                parts.push(r.clone());
            }
            parts.push(
                t.safeguard
                    .map(|s| s.label(lang).to_string())
                    .unwrap_or_else(|| i18n::t(lang, "transfer-no-safeguard")),
            );
            parts.push(format!(
                "{}: {}",
                i18n::t(lang, "pf-transfer-tia-short"),
                yes_no(lang, t.transfer_impact_assessment).unwrap_or_default()
            ));
            parts.push(format!(
                "{}: {}",
                i18n::t(lang, "pf-transfer-exit-short"),
                yes_no(lang, t.exit_plan).unwrap_or_default()
            ));
            parts.join(" – ")
        })
        .collect();
    let mut out = vec![
        section(
            "s-basics",
            "pf-basics",
            vec![
                text("description", &d.description),
                text("responsible_person", &d.responsible_person),
            ],
        ),
        section(
            "s-purpose",
            "pf-purpose",
            vec![
                text("purposes", &d.purposes),
                list(
                    "legal_bases",
                    d.legal_bases.iter().map(|b| b.label(lang).into()).collect(),
                ),
                text("national_provision", &d.national_provision),
            ],
        ),
        section(
            "s-subjects",
            "pf-subjects",
            vec![
                list("data_subject_categories", d.data_subject_categories.clone()),
                list(
                    "personal_data_categories",
                    d.personal_data_categories.clone(),
                ),
                flag("personal_identity_numbers", d.personal_identity_numbers),
                flag("protected_identity", d.protected_identity),
                text("sources", &d.sources),
            ],
        ),
        section(
            "s-sensitive",
            "pf-sensitive",
            vec![
                list(
                    "special_categories",
                    d.special_categories
                        .iter()
                        .map(|c| c.label(lang).into())
                        .collect(),
                ),
                text(
                    "art9_exemption",
                    &d.art9_exemption.map(|e| e.label(lang).to_string()),
                ),
                text("art9_provision", &d.art9_provision),
                flag("criminal_offence_data", d.criminal_offence_data),
                text("art10_basis", &d.art10_basis),
            ],
        ),
        section(
            "s-recipients",
            "pf-recipients",
            vec![
                list("recipients", d.recipients.clone()),
                list("processors", d.processors.clone()),
                text("joint_controllers", &d.joint_controllers),
                list("third_country_transfers", transfers),
            ],
        ),
        section(
            "s-retention",
            "pf-retention",
            vec![
                text("retention", &d.retention),
                text("disposal_rule", &d.disposal_rule),
                text("document_plan_reference", &d.document_plan_reference),
            ],
        ),
        section(
            "s-security",
            "pf-security",
            vec![text("security_measures", &d.security_measures)],
        ),
    ];
    let mut risk: Vec<FactView> = super::processing_form::RISK_FLAGS
        .iter()
        .map(|k| {
            let on = match *k {
                "automated_decisions" => d.automated_decisions,
                "profiling" => d.profiling,
                "ai_use" => d.ai_use,
                "iot" => d.iot,
                "large_scale" => d.large_scale,
                "vulnerable_subjects" => d.vulnerable_subjects,
                "systematic_monitoring" => d.systematic_monitoring,
                "new_technology" => d.new_technology,
                _ => d.combined_datasets,
            };
            flag(k, on)
        })
        .collect();
    risk.push(text(
        "dpia_decision",
        &d.dpia_decision.map(|x| x.label(lang).to_string()),
    ));
    risk.push(text("dpia_reference", &d.dpia_reference));
    out.push(section("s-risk", "pf-risk", risk));
    if d.role == ProcessingRole::Processor {
        out.push(section(
            "s-processor",
            "pf-processor",
            vec![
                text("on_behalf_of", &d.on_behalf_of),
                text("controller_instructions", &d.controller_instructions),
                text("processing_categories", &d.processing_categories),
            ],
        ));
    }
    out
}

/// `POST /behandlingar/{id}/status`: one step of the review workflow.
pub async fn status(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    check_csrf(&ctx, &headers, &f)?;
    let current = readable(&state, &ctx, &id).await?;
    let lang = ctx.lang;
    let outcome = match Status::parse(f.get("to")) {
        Some(to) => api::transition(&state, &ctx, &current.id, Some(f.version()), to)
            .await
            .map(|p| (p, to)),
        None => Err(ApiError::Workflow(i18n::t(lang, "workflow-unknown-step"))),
    };
    let message = match outcome {
        Ok((p, to)) => {
            let url = format!("/behandlingar/{}?klart=processing-to-{}", p.id, to.as_str());
            return Ok(Redirect::to(&url).into_response());
        }
        Err(ApiError::Stale { .. }) => i18n::t(lang, "processing-stale-status"),
        Err(ApiError::Workflow(m)) => m,
        Err(e) => return Err(e.into()),
    };
    // The page is shown as it is now, so that the buttons offered are the steps possible now.
    let p = readable(&state, &ctx, &id).await?;
    let page = detail_page(&state, &ctx, p, None, Some(message)).await?;
    Ok((StatusCode::CONFLICT, render(&page)).into_response())
}

// ---------------------------------------------------------------------------------------------
// The form
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    pub organisation: String,
}

/// A yes/no field of the risk fieldset.
pub struct RiskView {
    pub id: String,
    pub name: String,
    pub label: String,
    pub hint: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "processing_form.html")]
pub struct FormPage {
    pub frame: Frame,
    pub title: String,
    pub action: String,
    /// The record's id when editing; empty for a new one.
    pub id: String,
    pub version: i64,
    pub form: ProcessingForm,
    pub problems: Problems,
    pub organisations: Vec<Choice>,
    pub organisation_name: String,
    pub approved: bool,
    pub legal_bases: Vec<Choice>,
    pub special_categories: Vec<Choice>,
    pub art9: Vec<Choice>,
    pub dpia: Vec<Choice>,
    pub roles: Vec<Choice>,
    pub transfers: Vec<TransferView>,
    pub risk: Vec<RiskView>,
    /// The systems and agreements the form offers to link.
    pub links: LinkChoices,
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
    approved: bool,
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    form: ProcessingForm,
    problems: Problems,
    fc: FormContext,
) -> Result<FormPage, PageError> {
    let lang = ctx.lang;
    let editing = !fc.id.is_empty();
    let organisations = if editing {
        Vec::new()
    } else {
        register::organisations_where(state, ctx, Action::EditRegister, &form.organisation_id)
            .await?
    };
    let (title, action, here) = if editing {
        (
            format!("{}: {}", i18n::t(lang, "processing-edit-title"), form.name),
            format!("/behandlingar/{}/redigera", fc.id),
            format!("/behandlingar/{}/redigera", fc.id),
        )
    } else {
        (
            i18n::t(lang, "processing-new-title"),
            "/behandlingar/ny".to_string(),
            "/behandlingar/ny".to_string(),
        )
    };
    let risk = form
        .risk_flags()
        .into_iter()
        .map(|(name, id, checked)| RiskView {
            label: i18n::t(lang, &format!("field-label-{name}")),
            hint: i18n::t(lang, &format!("hint-{name}")),
            id,
            name,
            checked,
        })
        .collect();
    let links = links::choices(
        state,
        ctx,
        &form.organisation_id,
        &form.system_ids,
        &form.agreement_ids,
    )
    .await?;
    let mut frame = Frame::load(state, ctx, &here, "processing").await?;
    frame.current_org = form.organisation_id.clone();
    Ok(FormPage {
        frame,
        title,
        action,
        id: fc.id,
        version: fc.version,
        organisations,
        organisation_name: fc.organisation_name,
        approved: fc.approved,
        legal_bases: form.legal_basis_choices(lang),
        special_categories: form.special_category_choices(lang),
        art9: form.art9_choices(lang),
        dpia: form.dpia_choices(lang),
        roles: form.role_choices(lang),
        transfers: form.transfer_views(lang),
        risk,
        links,
        summary: forms::summary([&problems]),
        problems,
        form,
        notice: None,
    })
}

/// `GET /behandlingar/ny?organisation=`.
pub async fn new_form(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Query(q): Query<NewQuery>,
) -> Result<Response, PageError> {
    if !register::acts_somewhere(&ctx, Action::EditRegister) {
        return Err(PageError::Forbidden);
    }
    // With one place to register in, it is chosen already.
    let organisation = register::preselected(&ctx, Action::EditRegister, &q.organisation);
    let fc = FormContext {
        id: String::new(),
        version: 0,
        organisation_name: String::new(),
        approved: false,
    };
    let page = form_page(
        &state,
        &ctx,
        ProcessingForm::blank(organisation),
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
    form: &ProcessingForm,
) -> Result<(StatusCode, Problems), PageError> {
    // A value of the wrong shape cannot come from this form's inputs; say so on the form rather
    // than failing the page, so that what was typed is not lost.
    let err = match err {
        ApiError::Unprocessable(_) => {
            let p = Problems {
                form: Some(i18n::t(lang, "processing-unprocessable")),
                anchor: "processing-form".into(),
                ..Problems::default()
            };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, p));
        }
        other => other,
    };
    let (status, mut problems) = forms::problems(
        err,
        lang,
        "processing-form",
        "processing-stale",
        super::processing_form::input_for,
    )?;
    form.place_transfer_problems(&mut problems, lang);
    Ok((status, problems))
}

/// `POST /behandlingar/ny`.
pub async fn create(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    check_csrf(&ctx, &headers, &f)?;
    let form = ProcessingForm::from_fields(&f);
    let outcome = match register::with_owner(
        &form.organisation_id,
        api::details_from(form.to_json(false)),
    ) {
        Ok((org, details)) => api::create(&state, &ctx, &org, details).await,
        Err(e) => Err(e),
    };
    match outcome {
        Ok(p) => Ok(
            Redirect::to(&format!("/behandlingar/{}?klart=processing-created", p.id))
                .into_response(),
        ),
        Err(e) => {
            let (status, problems) = form_problems(e, ctx.lang, &form)?;
            let fc = FormContext {
                id: String::new(),
                version: 0,
                organisation_name: String::new(),
                approved: false,
            };
            let page = form_page(&state, &ctx, form.with_blank_rows(), problems, fc).await?;
            Ok((status, render(&page)).into_response())
        }
    }
}

/// `POST /behandlingar/validera`: the form checked exactly as a save would check it, with nothing
/// saved, so that the form's script can show problems and gaps while the person fills it in.
pub async fn check(
    State(_state): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    check_csrf(&ctx, &headers, &f)?;
    let lang = ctx.lang;
    let form = ProcessingForm::from_fields(&f);
    Ok(match api::details_from(form.to_json(false)) {
        Ok(details) => {
            let gaps = gaps::processing_gaps(&details, None, today())
                .into_iter()
                .map(|g| g.message(lang).to_string())
                .collect();
            forms::FormCheck::new(Problems::default(), gaps)
        }
        Err(e) => forms::FormCheck::new(form_problems(e, lang, &form)?.1, Vec::new()),
    }
    .into_response())
}

/// `GET /behandlingar/{id}/redigera`.
pub async fn edit_form(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let p = readable(&state, &ctx, &id).await?;
    if !ctx.principal.can(Action::EditRegister, &p.scope()) {
        return Err(PageError::Forbidden);
    }
    let form =
        ProcessingForm::from_record(&p.organisation_id, &p.details, p.next_review.as_deref());
    let fc = edit_context(&state, &p).await?;
    let page = form_page(&state, &ctx, form, Problems::default(), fc).await?;
    Ok(render(&page))
}

async fn edit_context(state: &AppState, p: &ProcessingActivity) -> Result<FormContext, PageError> {
    Ok(FormContext {
        id: p.id.clone(),
        version: p.version,
        organisation_name: OrgNames::new(&state.store).get(&p.organisation_id).await?,
        approved: p.status == Status::Godkand,
    })
}

/// `POST /behandlingar/{id}/redigera`.
pub async fn save(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    check_csrf(&ctx, &headers, &f)?;
    let current = readable(&state, &ctx, &id).await?;
    let mut form = ProcessingForm::from_fields(&f);
    // The owner is not edited here; the form shows it as it is.
    form.organisation_id = current.organisation_id.clone();
    match api::update(
        &state,
        &ctx,
        &current.id,
        Some(f.version()),
        form.to_json(true),
    )
    .await
    {
        Ok(p) => Ok(
            Redirect::to(&format!("/behandlingar/{}?klart=processing-saved", p.id)).into_response(),
        ),
        Err(e) => {
            let stale = matches!(e, ApiError::Stale { .. });
            let (status, problems) = form_problems(e, ctx.lang, &form)?;
            let mut fc = edit_context(&state, &current).await?;
            // After a conflict the form carries the version now stored, so that saving again is a
            // decision made knowing someone else changed the record; after invalid input it keeps
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

    #[test]
    fn counts_read_like_the_annual_report() {
        let c = [(Status::UnderBearbetning, 119), (Status::Godkand, 4)];
        assert_eq!(
            counts_text(Lang::Sv, &c),
            "123 behandlingar, varav 119 under bearbetning, 4 godkända"
        );
        assert_eq!(counts_text(Lang::Sv, &[]), "0 behandlingar");
        assert_eq!(
            counts_text(Lang::Sv, &[(Status::RedoForGranskning, 1)]),
            "1 behandling, varav 1 redo för granskning"
        );
        assert_eq!(
            counts_text(Lang::En, &[(Status::Godkand, 2)]),
            "2 processing activities, of which 2 approved"
        );
    }

    #[test]
    fn every_workflow_step_has_a_button_text_and_a_hint() {
        let all = ombud_domain::role::Role::ALL.iter().copied().collect();
        for from in Status::ALL {
            for to in workflow::available_steps(from, all, true) {
                for lang in [Lang::Sv, Lang::En] {
                    let s = step_view(lang, from, to);
                    assert!(!s.label.starts_with("step-"), "{from:?} → {to:?}");
                    assert!(!s.hint.starts_with("step-"), "{from:?} → {to:?}");
                }
            }
        }
    }

    #[test]
    fn the_filters_survive_pagination() {
        let q = ListQuery {
            q: " elev ".into(),
            status: "godkand".into(),
            kansliga: "1".into(),
            forsenad: "1".into(),
            sortera: "granskning".into(),
            ..ListQuery::default()
        };
        assert_eq!(
            q.filters(),
            "q=elev&status=godkand&kansliga=1&forsenad=1&sortera=granskning"
        );
        let bad = ListQuery {
            status: "nonsense".into(),
            sortera: "nonsense".into(),
            ..ListQuery::default()
        };
        assert_eq!(bad.filters(), "");
    }
}
