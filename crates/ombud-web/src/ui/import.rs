//! Importing a register from a spreadsheet in the browser: upload a `.xlsx` or `.csv` file, see a
//! dry run (how each column is read, every problem by row and column, what happens to each row),
//! adjust the column mapping if needed, and then import all rows or none. The planning, the checks
//! and the saving are the API's (`api::import::run`); this page only carries the file between steps.
//! One page serves every register that can be imported (`/behandlingar/import`, `/system/import`);
//! what differs is said by [`ImportUi`].
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
use super::{PageError, render};
use crate::AppState;
use crate::api::import::{self, ImportForm, ImportProblem, ImportReport, Importable};
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
use ombud_domain::register::import::{Field, Processing, Systems};
use std::collections::BTreeMap;

/// The largest file the page accepts: base64 makes it a third larger, and the whole request must
/// stay under the application's 4 MiB body limit. A register of a few thousand rows fits.
pub const MAX_FILE: usize = 2 * 1024 * 1024;

/// The request body limit of the import routes (the multipart extractor's own default is lower).
pub const BODY_LIMIT: usize = 4 * 1024 * 1024;

/// What differs between the registers' import pages: where they live, their texts, and the
/// labels of their fields. Message values are keys in `messages/`.
pub trait ImportUi: Importable {
    /// The page's address.
    const PATH: &'static str;
    /// The register's list, where a finished import leads.
    const LIST: &'static str;
    /// The navigation's section, and its label.
    const SECTION: &'static str;
    const NAV: &'static str;
    const TITLE: &'static str;
    const ORGANISATION_HINT: &'static str;
    const SEE_REGISTER: &'static str;
    const MAPPING_INTRO: &'static str;
    const MAPPING_TABLE: &'static str;
    /// How the file is read, one point each.
    const RULES: &'static [&'static str];
    /// The prefix of the key of a field's label.
    const LABELS: &'static str;
}

impl ImportUi for Processing {
    const PATH: &'static str = "/behandlingar/import";
    const LIST: &'static str = "/behandlingar";
    const SECTION: &'static str = "processing";
    const NAV: &'static str = "nav-processing";
    const TITLE: &'static str = "import-title";
    const ORGANISATION_HINT: &'static str = "import-organisation-hint";
    const SEE_REGISTER: &'static str = "import-see-register";
    const MAPPING_INTRO: &'static str = "import-draftit-intro";
    const MAPPING_TABLE: &'static str = "import-draftit-table";
    const RULES: &'static [&'static str] = &[
        "import-rule-headers",
        "import-rule-id",
        "import-rule-lists",
        "import-rule-yes-no",
        "import-rule-legal-basis",
        "import-rule-all-or-nothing",
    ];
    const LABELS: &'static str = "field-label-";
}

impl ImportUi for Systems {
    const PATH: &'static str = "/system/import";
    const LIST: &'static str = "/system";
    const SECTION: &'static str = "systems";
    const NAV: &'static str = "nav-systems";
    const TITLE: &'static str = "import-sys-title";
    const ORGANISATION_HINT: &'static str = "import-sys-organisation-hint";
    const SEE_REGISTER: &'static str = "import-sys-see-register";
    const MAPPING_INTRO: &'static str = "import-sys-mapping-intro";
    const MAPPING_TABLE: &'static str = "import-sys-mapping-table";
    const RULES: &'static [&'static str] = &[
        "import-sys-rule-headers",
        "import-sys-rule-id",
        "import-sys-rule-classification",
        "import-sys-rule-levels",
        "import-sys-rule-procurement",
        "import-sys-rule-yes-no",
        "import-sys-rule-dates",
        "import-rule-all-or-nothing",
    ];
    const LABELS: &'static str = "import-sys-";
}

/// The fields a column can fill, as their codes, in the order the mapping's selects offer them.
fn targets<R: ImportUi>() -> Vec<String> {
    <R::Target as Field>::ALL.iter().map(|t| t.code()).collect()
}

/// A target's name for people.
fn target_label<R: ImportUi>(lang: Lang, code: &str) -> String {
    match code {
        "ignore" => i18n::t(lang, "import-target-ignore"),
        "external_id" => i18n::t(lang, "import-target-external_id"),
        other => i18n::t(lang, &format!("{}{other}", R::LABELS)),
    }
}

/// The register's own texts on the page.
pub struct KindView {
    pub path: &'static str,
    pub list: &'static str,
    pub nav: String,
    pub title: String,
    pub organisation_hint: String,
    pub see_register: String,
    pub mapping_intro: String,
    pub mapping_table: String,
    pub rules: Vec<String>,
}

impl KindView {
    fn of<R: ImportUi>(lang: Lang) -> KindView {
        let t = |k: &str| i18n::t(lang, k);
        KindView {
            path: R::PATH,
            list: R::LIST,
            nav: t(R::NAV),
            title: t(R::TITLE),
            organisation_hint: t(R::ORGANISATION_HINT),
            see_register: t(R::SEE_REGISTER),
            mapping_intro: t(R::MAPPING_INTRO),
            mapping_table: t(R::MAPPING_TABLE),
            rules: R::RULES.iter().map(|k| t(k)).collect(),
        }
    }
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

/// The register's saved mapping, explained on the page.
pub struct SavedColumn {
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
    pub kind: KindView,
    pub saved_mapping: Vec<SavedColumn>,
    pub max_mb: usize,
    pub summary: Vec<SummaryItem>,
    pub notice: Option<String>,
}

async fn page<R: ImportUi>(
    state: &AppState,
    ctx: &Ctx,
    organisation_id: &str,
    problems: Problems,
    preview: Option<PreviewView>,
    done: Option<DoneView>,
) -> Result<ImportPage, PageError> {
    let lang = ctx.lang;
    let saved_mapping = R::default_mapping()
        .columns
        .into_iter()
        .map(|(header, t)| SavedColumn {
            header,
            field: target_label::<R>(lang, &t.code()),
        })
        .collect();
    let summary = super::forms::summary([&problems]);
    Ok(ImportPage {
        frame: Frame::load(state, ctx, R::PATH, R::SECTION).await?,
        upload: UploadForm {
            organisations: super::register::organisations_where(
                state,
                ctx,
                R::ACTION,
                organisation_id,
            )
            .await?,
            problems,
        },
        preview,
        done,
        kind: KindView::of::<R>(lang),
        saved_mapping,
        max_mb: MAX_FILE / (1024 * 1024),
        summary,
        notice: None,
    })
}

/// `GET /behandlingar/import`, `GET /system/import`.
pub async fn form<R: ImportUi>(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
) -> Result<Response, PageError> {
    if !super::register::acts_somewhere(&ctx, R::ACTION) {
        return Err(PageError::Forbidden);
    }
    let preselected = super::register::preselected(&ctx, R::ACTION, "");
    let page = page::<R>(&state, &ctx, &preselected, Problems::default(), None, None).await?;
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
    /// which is read with the register's saved mapping. `offered` are the fields the selects offer.
    fn mapping(&self, offered: &[String]) -> Option<String> {
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
                    .filter(|t| offered.iter().any(|o| o == t))
                    .unwrap_or("ignore");
                (h.as_str(), t)
            })
            .collect();
        serde_json::to_string(&map).ok()
    }
}

/// The mapping a report was made with, in the same form as [`Posted::mapping`].
fn mapping_of(report: &ImportReport, offered: &[String]) -> String {
    let map: BTreeMap<&str, &str> = report
        .columns
        .iter()
        .map(|c| {
            let t = if offered.contains(&c.target) {
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

/// `POST /behandlingar/import`, `POST /system/import`: the first upload, a new preview, or the
/// import itself.
pub async fn submit<R: ImportUi>(
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
            return again::<R>(&state, &ctx, "", StatusCode::BAD_REQUEST, p).await;
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
        return again::<R>(
            &state,
            &ctx,
            &org,
            StatusCode::UNPROCESSABLE_ENTITY,
            problems,
        )
        .await;
    }
    let offered = targets::<R>();
    let mapping = posted.mapping(&offered);
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
    let report = match import::run::<R>(&state, &ctx, form).await {
        Ok(r) => r,
        Err(ApiError::Invalid(list)) if list.iter().any(|i| i.field == "organisation_id") => {
            let p = problem(
                "import-organisation",
                "field-label-organisation_id",
                "import-unknown-organisation",
            );
            return again::<R>(&state, &ctx, &org, StatusCode::UNPROCESSABLE_ENTITY, p).await;
        }
        Err(ApiError::Unprocessable(_)) => {
            let p = problem("import-file", "import-file", "import-mapping-unreadable");
            return again::<R>(&state, &ctx, &org, StatusCode::UNPROCESSABLE_ENTITY, p).await;
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
        let page = page::<R>(&state, &ctx, &org, Problems::default(), None, Some(done)).await?;
        return Ok(render(&page));
    }
    let status = if report.dry_run {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let preview = preview_view::<R>(
        lang,
        &report,
        org.clone(),
        organisation,
        &posted.file_name,
        &file,
        mapping_changed,
    );
    let page = page::<R>(&state, &ctx, &org, Problems::default(), Some(preview), None).await?;
    Ok((status, render(&page)).into_response())
}

fn preview_view<R: ImportUi>(
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
            choices: targets::<R>()
                .into_iter()
                .map(|t| {
                    let label = target_label::<R>(lang, &t);
                    let chosen = t == c.target;
                    Choice::new(t, label, chosen)
                })
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
        previewed: mapping_of(report, &targets::<R>()),
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
async fn again<R: ImportUi>(
    state: &AppState,
    ctx: &Ctx,
    organisation_id: &str,
    status: StatusCode,
    problems: Problems,
) -> Result<Response, PageError> {
    let page = page::<R>(state, ctx, organisation_id, problems, None, None).await?;
    Ok((status, render(&page)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every field a register's selects offer has a label in both languages, and every message key
    /// of its page exists.
    fn labelled<R: ImportUi>() {
        for t in targets::<R>() {
            let parsed: Result<R::Target, _> = serde_json::from_value(serde_json::json!(t));
            assert!(parsed.is_ok(), "{t}");
            for lang in [Lang::Sv, Lang::En] {
                let label = target_label::<R>(lang, &t);
                assert!(
                    !label.starts_with("field-label-") && !label.starts_with("import-"),
                    "{t}: {label}"
                );
            }
        }
        for (_, t) in R::default_mapping().columns {
            assert!(targets::<R>().contains(&t.code()), "{t:?}");
        }
        for lang in [Lang::Sv, Lang::En] {
            let k = KindView::of::<R>(lang);
            for text in [
                &k.nav,
                &k.title,
                &k.organisation_hint,
                &k.see_register,
                &k.mapping_intro,
                &k.mapping_table,
            ]
            .into_iter()
            .chain(&k.rules)
            {
                assert!(
                    !text.starts_with("import-") && !text.starts_with("nav-"),
                    "{text}"
                );
            }
        }
    }

    #[test]
    fn every_target_offered_is_one_the_import_knows_and_has_a_label() {
        labelled::<Processing>();
        labelled::<Systems>();
    }

    #[test]
    fn the_selects_describe_the_same_mapping_as_the_preview() {
        let offered = targets::<Processing>();
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
        let previewed = mapping_of(&report, &offered);
        let mut posted = Posted::default();
        posted.headers.insert(0, "Behandling".into());
        posted.headers.insert(1, "Övrigt".into());
        posted.targets.insert(0, "name".into());
        posted.targets.insert(1, "ignore".into());
        assert_eq!(
            posted.mapping(&offered).as_deref(),
            Some(previewed.as_str())
        );
        posted.targets.insert(1, "purposes".into());
        assert_ne!(
            posted.mapping(&offered).as_deref(),
            Some(previewed.as_str())
        );
        // A value no select offers is read as "not imported": a system's field is not a
        // processing activity's.
        for foreign in ["password", "vendor"] {
            posted.targets.insert(1, foreign.into());
            assert_eq!(
                posted.mapping(&offered).as_deref(),
                Some(previewed.as_str())
            );
        }
    }

    #[test]
    fn a_first_upload_uses_the_saved_mapping() {
        assert_eq!(Posted::default().mapping(&targets::<Systems>()), None);
    }

    #[test]
    fn the_carried_file_fits_the_body_limit() {
        assert!(MAX_FILE.div_ceil(3) * 4 + 64 * 1024 < BODY_LIMIT);
    }
}
