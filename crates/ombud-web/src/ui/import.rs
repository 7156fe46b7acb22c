//! Importing a register from a spreadsheet in the browser: upload a `.xlsx` or `.csv` file, see a
//! dry run (how each column is read, every problem by row and column, what happens to each row),
//! adjust the column mapping if needed, and then import all rows or none. The planning, the checks
//! and the saving are the API's (`api::import::run`); this page only carries the file between steps.
//!
//! Between the preview and the import the file travels back with the form, base64-encoded in a
//! hidden field of a multipart form, rather than being kept in server memory under a token: Ombud
//! may run as several instances behind a load balancer, where the second request can reach another
//! instance (or one restarted in between), and nothing needs cleaning up when a person walks away.
//! The cost is that the page carries the file; uploads are therefore limited to [`MAX_FILE`], which
//! after encoding stays under the request body limit. Trusting the returned bytes is safe: the import
//! plans and checks them again, with the caller's rights, exactly as on the first upload.

use super::forms::{Choice, Problems, SummaryItem};
use super::layout::Frame;
use super::processing::editable_organisations;
use super::{PageError, render};
use crate::AppState;
use crate::api::import::{self, ImportForm, ImportProblem, ImportReport};
use crate::auth::{self, Ctx, UiCtx};
use crate::error::ApiError;
use crate::i18n;
use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use ombud_domain::Lang;
use ombud_domain::register::import::{Mapping, Target};
use std::collections::BTreeMap;

/// The largest file the page accepts: base64 makes it a third larger, and the whole request must
/// stay under the application's 4 MiB body limit. A register of a few thousand rows fits.
pub const MAX_FILE: usize = 2 * 1024 * 1024;

/// The request body limit of the import routes (the multipart extractor's own default is lower).
pub const BODY_LIMIT: usize = 4 * 1024 * 1024;

/// The fields a column can fill, in the order the mapping's selects offer them.
const TARGETS: &[&str] = &[
    "ignore",
    "external_id",
    "name",
    "description",
    "purposes",
    "legal_bases",
    "national_provision",
    "data_subject_categories",
    "personal_data_categories",
    "sources",
    "special_categories",
    "art9_exemption",
    "criminal_offence_data",
    "protected_identity",
    "personal_identity_numbers",
    "recipients",
    "processors",
    "joint_controllers",
    "retention",
    "disposal_rule",
    "document_plan_reference",
    "security_measures",
    "automated_decisions",
    "ai_use",
    "large_scale",
    "vulnerable_subjects",
    "dpia_decision",
    "responsible_person",
    "on_behalf_of",
];

/// A target's name for people.
fn target_label(lang: Lang, code: &str) -> String {
    match code {
        "ignore" => i18n::t(lang, "import-target-ignore"),
        "external_id" => i18n::t(lang, "import-target-external_id"),
        other => i18n::t(lang, &format!("field-label-{other}")),
    }
}

fn target_code(t: Target) -> String {
    serde_json::to_value(t)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_else(|| "ignore".into())
}

/// What the upload form holds.
#[derive(Default)]
pub struct UploadForm {
    pub organisations: Vec<Choice>,
    pub problems: Problems,
}

/// One column of the sheet and the field it fills.
pub struct ColumnView {
    pub index: usize,
    pub header: String,
    pub choices: Vec<Choice>,
}

pub struct RowView {
    pub row: usize,
    pub name: String,
    pub action: String,
}

/// The dry run.
pub struct PreviewView {
    pub organisation_id: String,
    pub organisation: String,
    pub file_name: String,
    pub file_b64: String,
    pub previewed: String,
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub columns: Vec<ColumnView>,
    pub problems: Vec<ImportProblem>,
    pub preview: Vec<RowView>,
    /// The rows beyond those listed.
    pub more_rows: usize,
    pub mapping_changed: bool,
}

impl PreviewView {
    pub fn can_import(&self) -> bool {
        self.problems.is_empty() && self.created + self.updated > 0
    }
}

/// What an import did.
pub struct DoneView {
    pub organisation_id: String,
    pub organisation: String,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// The Draftit-style mapping, explained on the page.
pub struct DraftitRow {
    pub header: String,
    pub field: String,
}

#[derive(Template)]
#[template(path = "import.html")]
pub struct ImportPage {
    pub frame: Frame,
    pub upload: UploadForm,
    pub preview: Option<PreviewView>,
    pub done: Option<DoneView>,
    pub draftit: Vec<DraftitRow>,
    pub max_mb: usize,
    pub summary: Vec<SummaryItem>,
    pub notice: Option<String>,
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    organisation_id: &str,
    problems: Problems,
    preview: Option<PreviewView>,
    done: Option<DoneView>,
) -> Result<ImportPage, PageError> {
    let lang = ctx.lang;
    let draftit = Mapping::draftit()
        .columns
        .into_iter()
        .map(|(header, t)| DraftitRow {
            header,
            field: target_label(lang, &target_code(t)),
        })
        .collect();
    let summary = super::forms::summary([&problems]);
    Ok(ImportPage {
        frame: Frame::load(state, ctx, "/behandlingar/import", "processing").await?,
        upload: UploadForm {
            organisations: editable_organisations(state, ctx, organisation_id).await?,
            problems,
        },
        preview,
        done,
        draftit,
        max_mb: MAX_FILE / (1024 * 1024),
        summary,
        notice: None,
    })
}

/// `GET /behandlingar/import`.
pub async fn form(State(state): State<AppState>, UiCtx(ctx): UiCtx) -> Result<Response, PageError> {
    if !super::processing::edits_somewhere(&ctx) {
        return Err(PageError::Forbidden);
    }
    let only: Vec<&str> = ctx
        .principal
        .memberships
        .iter()
        .filter(|m| m.roles.any(&ombud_domain::register::workflow::EDITORS))
        .map(|m| m.organisation_id.0.as_str())
        .collect();
    let preselected = match only.as_slice() {
        [one] => one.to_string(),
        _ => String::new(),
    };
    let page = page(&state, &ctx, &preselected, Problems::default(), None, None).await?;
    Ok(render(&page))
}

/// What a step of the form posted.
#[derive(Default)]
struct Posted {
    csrf: String,
    organisation_id: String,
    file_name: String,
    upload: Vec<u8>,
    carried: String,
    step: String,
    previewed: String,
    headers: BTreeMap<usize, String>,
    targets: BTreeMap<usize, String>,
}

impl Posted {
    /// The mapping the column selects describe, as the API's JSON; `None` on the first upload,
    /// which is read with the Draftit-style mapping.
    fn mapping(&self) -> Option<String> {
        if self.targets.is_empty() {
            return None;
        }
        let map: BTreeMap<&str, &str> = self
            .headers
            .iter()
            .map(|(i, h)| {
                let t = self
                    .targets
                    .get(i)
                    .map(String::as_str)
                    .filter(|t| TARGETS.contains(t))
                    .unwrap_or("ignore");
                (h.as_str(), t)
            })
            .collect();
        serde_json::to_string(&map).ok()
    }
}

/// The mapping a report was made with, in the same form as [`Posted::mapping`].
fn mapping_of(report: &ImportReport) -> String {
    let map: BTreeMap<&str, &str> = report
        .columns
        .iter()
        .map(|c| {
            let t = if TARGETS.contains(&c.target.as_str()) {
                c.target.as_str()
            } else {
                "ignore"
            };
            (c.header.as_str(), t)
        })
        .collect();
    serde_json::to_string(&map).unwrap_or_default()
}

async fn read(mut m: Multipart) -> Result<Posted, axum::extract::multipart::MultipartError> {
    let mut p = Posted::default();
    while let Some(field) = m.next_field().await? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let file_name = field.file_name().unwrap_or_default().to_string();
            let bytes = field.bytes().await?;
            if !bytes.is_empty() {
                p.file_name = file_name;
                p.upload = bytes.to_vec();
            }
            continue;
        }
        let text = field.text().await?;
        if let Some(i) = name.strip_prefix("kolumn-").and_then(|i| i.parse().ok()) {
            p.targets.insert(i, text);
        } else if let Some(i) = name.strip_prefix("rubrik-").and_then(|i| i.parse().ok()) {
            p.headers.insert(i, text);
        } else {
            match name.as_str() {
                "csrf" => p.csrf = text,
                "organisation_id" => p.organisation_id = text,
                "file_b64" => p.carried = text,
                "file_name" if p.file_name.is_empty() => p.file_name = text,
                "steg" => p.step = text,
                "granskad" => p.previewed = text,
                _ => {}
            }
        }
    }
    Ok(p)
}

/// `POST /behandlingar/import`: the first upload, a new preview, or the import itself.
pub async fn submit(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let problem = |id: &str, label: &str, message: &str| {
        Problems::one(id, i18n::t(lang, label), i18n::t(lang, message))
    };
    let posted = match read(multipart).await {
        Ok(p) => p,
        Err(e) => {
            tracing::info!(error = %e, "import form could not be read");
            let p = problem("import-file", "import-file", "import-file-unreadable");
            return again(&state, &ctx, "", StatusCode::BAD_REQUEST, p).await;
        }
    };
    // Multipart is not read as `Fields`, so the token is checked here as `forms::check_csrf` does.
    if posted.csrf != ctx.csrf_token || !auth::same_origin(&headers) {
        return Err(PageError::Forbidden);
    }
    let org = posted.organisation_id.trim().to_string();
    let file = if posted.upload.is_empty() {
        BASE64.decode(posted.carried.trim()).unwrap_or_default()
    } else {
        posted.upload.clone()
    };
    let mut problems = Problems {
        anchor: "import-form".into(),
        ..Problems::default()
    };
    if org.is_empty() {
        problems.push(
            "import-organisation",
            i18n::t(lang, "field-label-organisation_id"),
            i18n::t(lang, "import-choose-organisation"),
        );
    }
    if file.is_empty() {
        problems.push(
            "import-file",
            i18n::t(lang, "import-file"),
            i18n::t(lang, "import-choose-file"),
        );
    } else if file.len() > MAX_FILE {
        problems.push(
            "import-file",
            i18n::t(lang, "import-file"),
            i18n::t(lang, "import-file-too-large"),
        );
    }
    if !problems.is_empty() {
        return again(
            &state,
            &ctx,
            &org,
            StatusCode::UNPROCESSABLE_ENTITY,
            problems,
        )
        .await;
    }
    let mapping = posted.mapping();
    // An import runs only with the mapping last previewed, so that what is saved is what was seen.
    let mapping_changed =
        posted.step == "importera" && mapping.as_deref().unwrap_or_default() != posted.previewed;
    let dry_run = posted.step != "importera" || mapping_changed;
    let form = ImportForm {
        organisation_id: org.clone(),
        file_name: posted.file_name.clone(),
        file: file.clone(),
        mapping,
        dry_run,
    };
    let report = match import::run(&state, &ctx, form).await {
        Ok(r) => r,
        Err(ApiError::Invalid(list)) if list.iter().any(|i| i.field == "organisation_id") => {
            let p = problem(
                "import-organisation",
                "field-label-organisation_id",
                "import-unknown-organisation",
            );
            return again(&state, &ctx, &org, StatusCode::UNPROCESSABLE_ENTITY, p).await;
        }
        Err(ApiError::Unprocessable(_)) => {
            let p = problem("import-file", "import-file", "import-mapping-unreadable");
            return again(&state, &ctx, &org, StatusCode::UNPROCESSABLE_ENTITY, p).await;
        }
        Err(e) => return Err(e.into()),
    };
    let organisation = super::processing::OrgNames::new(&state.store)
        .get(&org)
        .await?;
    if !report.dry_run && report.problems.is_empty() {
        let done = DoneView {
            organisation_id: org.clone(),
            organisation,
            created: report.created,
            updated: report.updated,
            unchanged: report.unchanged,
        };
        let page = page(&state, &ctx, &org, Problems::default(), None, Some(done)).await?;
        return Ok(render(&page));
    }
    let status = if report.dry_run {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let preview = preview_view(
        lang,
        &report,
        org.clone(),
        organisation,
        &posted.file_name,
        &file,
        mapping_changed,
    );
    let page = page(&state, &ctx, &org, Problems::default(), Some(preview), None).await?;
    Ok((status, render(&page)).into_response())
}

fn preview_view(
    lang: Lang,
    report: &ImportReport,
    organisation_id: String,
    organisation: String,
    file_name: &str,
    file: &[u8],
    mapping_changed: bool,
) -> PreviewView {
    let columns = report
        .columns
        .iter()
        .enumerate()
        .map(|(index, c)| ColumnView {
            index,
            header: c.header.clone(),
            choices: TARGETS
                .iter()
                .map(|t| Choice::new(*t, target_label(lang, t), *t == c.target))
                .collect(),
        })
        .collect();
    let preview: Vec<RowView> = report
        .preview
        .iter()
        .map(|r| RowView {
            row: r.row,
            name: r.name.clone(),
            action: i18n::t(lang, &format!("import-action-{}", r.action)),
        })
        .collect();
    let listed = preview.len();
    PreviewView {
        organisation_id,
        organisation,
        file_name: file_name.to_string(),
        file_b64: BASE64.encode(file),
        previewed: mapping_of(report),
        rows: report.rows,
        created: report.created,
        updated: report.updated,
        unchanged: report.unchanged,
        columns,
        problems: report
            .problems
            .iter()
            .map(|p| ImportProblem {
                row: p.row,
                column: p.column.clone(),
                message: p.message.clone(),
            })
            .collect(),
        more_rows: (report.created + report.updated + report.unchanged).saturating_sub(listed),
        preview,
        mapping_changed,
    }
}

/// The upload form again, with what to correct.
async fn again(
    state: &AppState,
    ctx: &Ctx,
    organisation_id: &str,
    status: StatusCode,
    problems: Problems,
) -> Result<Response, PageError> {
    let page = page(state, ctx, organisation_id, problems, None, None).await?;
    Ok((status, render(&page)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_target_offered_is_one_the_import_knows_and_has_a_label() {
        for t in TARGETS {
            let parsed: Result<Target, _> = serde_json::from_value(serde_json::json!(t));
            assert!(parsed.is_ok(), "{t}");
            for lang in [Lang::Sv, Lang::En] {
                let label = target_label(lang, t);
                assert!(
                    !label.starts_with("field-label-") && !label.starts_with("import-"),
                    "{t}"
                );
            }
        }
        for (_, t) in Mapping::draftit().columns {
            assert!(TARGETS.contains(&target_code(t).as_str()), "{t:?}");
        }
    }

    #[test]
    fn the_selects_describe_the_same_mapping_as_the_preview() {
        let report = ImportReport {
            dry_run: true,
            rows: 0,
            created: 0,
            updated: 0,
            unchanged: 0,
            columns: vec![
                import::ColumnMapping {
                    header: "Behandling".into(),
                    target: "name".into(),
                },
                import::ColumnMapping {
                    header: "Övrigt".into(),
                    target: "ignore".into(),
                },
            ],
            problems: Vec::new(),
            preview: Vec::new(),
        };
        let mut posted = Posted::default();
        posted.headers.insert(0, "Behandling".into());
        posted.headers.insert(1, "Övrigt".into());
        posted.targets.insert(0, "name".into());
        posted.targets.insert(1, "ignore".into());
        assert_eq!(
            posted.mapping().as_deref(),
            Some(mapping_of(&report).as_str())
        );
        posted.targets.insert(1, "purposes".into());
        assert_ne!(
            posted.mapping().as_deref(),
            Some(mapping_of(&report).as_str())
        );
        // A value no select offers is read as "not imported".
        posted.targets.insert(1, "password".into());
        assert_eq!(
            posted.mapping().as_deref(),
            Some(mapping_of(&report).as_str())
        );
    }

    #[test]
    fn a_first_upload_uses_the_saved_mapping() {
        assert_eq!(Posted::default().mapping(), None);
    }

    #[test]
    fn the_carried_file_fits_the_body_limit() {
        assert!(MAX_FILE.div_ceil(3) * 4 + 64 * 1024 < BODY_LIMIT);
    }
}
