//! Importing a kind's register from a spreadsheet in the browser: upload a `.xlsx` or `.csv` file,
//! see a dry run (how each column is read, every problem by row and column, what happens to each
//! row), adjust the column mapping if needed, and then import all rows or none. The planning, the
//! checks and the saving are the application's (`App::import`); this page only carries the file
//! between the steps.
//!
//! Between the preview and the import the file travels back with the form, base64-encoded in a
//! hidden field of a multipart form, rather than being kept in server memory under a token: Ombud
//! may run as several instances behind a load balancer, where the second request can reach another
//! instance (or one restarted in between), and nothing needs cleaning up when a person walks away.
//! The cost is that the page carries the file; uploads through the page are therefore limited to
//! [`MAX_FILE`], which after encoding stays under [`BODY_LIMIT`]. Trusting the returned bytes is
//! safe: the import plans and checks them again, with the caller's rights, as on the first upload.

use super::{base, kt, organisation_choices, render_with, t};
use crate::AppState;
use crate::auth::{self, UiCtx};
use crate::ui::forms::{Choice, Problems, SummaryItem};
use crate::ui::layout::Frame;
use crate::ui::{PageError, render};
use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use ombud_app::sheets::{ImportForm, ImportReport};
use ombud_app::{AppError, Caller};
use ombud_domain::Lang;
use ombud_domain::authz::Action;
use ombud_domain::kernel::sheet::{self, Mapping, Problem, Target};
use ombud_domain::kernel::{Descriptor, Kind, KindInfo};
use std::collections::BTreeMap;

/// The largest file the page accepts: base64 makes it a third larger, and the whole request must
/// stay under [`BODY_LIMIT`]. A register of a few thousand rows fits; larger ones go through the API.
pub const MAX_FILE: usize = 2 * 1024 * 1024;

/// The request body limit of the import page (the multipart extractor's own default is lower).
pub const BODY_LIMIT: usize = 4 * 1024 * 1024;

/// The generic rules of how a sheet is read, in the order the page lists them.
const RULES: &[&str] = &[
    "import.rule.headers",
    "import.rule.id",
    "import.rule.lists",
    "import.rule.yes-no",
    "import.rule.dates",
    "import.rule.kept",
    "import.rule.all-or-nothing",
];

/// A target's name for people.
fn target_label(t_: Target, lang: Lang) -> String {
    match t_ {
        Target::Ignore => t(lang, "import.target.ignore"),
        Target::ExternalId => t(lang, "import.target.external_id"),
        Target::Field(f) => f.label.get(lang).to_string(),
    }
}

/// The kind's own texts on the page.
pub struct KindView {
    pub path: String,
    pub list: String,
    pub nav: String,
    pub title: String,
    pub organisation_hint: String,
    pub see_register: String,
    pub rules: Vec<String>,
}

impl KindView {
    fn of(kind: Kind, lang: Lang) -> KindView {
        let mut rules: Vec<String> = RULES.iter().map(|k| t(lang, k)).collect();
        rules.insert(1, kt(lang, kind, "import.rule"));
        KindView {
            path: format!("{}/import", base(kind)),
            list: base(kind),
            nav: kt(lang, kind, "title"),
            title: kt(lang, kind, "import.title"),
            organisation_hint: kt(lang, kind, "import.organisation-hint"),
            see_register: kt(lang, kind, "import.see-register"),
            rules,
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
    pub problems: Vec<Problem>,
    pub more_problems: usize,
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

/// The kind's saved mapping, explained on the page.
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

async fn import_page(
    state: &AppState,
    ctx: &Caller,
    info: &'static KindInfo,
    organisation_id: &str,
    problems: Problems,
    preview: Option<PreviewView>,
    done: Option<DoneView>,
) -> Result<ImportPage, PageError> {
    let lang = ctx.lang;
    let kind = info.kind;
    let saved_mapping = Mapping::default_for(info)
        .columns
        .into_iter()
        .filter_map(|(header, code)| {
            let target = sheet::target_of(info, &code)?;
            Some(SavedColumn {
                header,
                field: target_label(target, lang),
            })
        })
        .collect();
    let summary = crate::ui::forms::summary([&problems]);
    let view = KindView::of(kind, lang);
    let frame = Frame::new(state, ctx, &view.path, info.ui);
    Ok(ImportPage {
        frame,
        upload: UploadForm {
            organisations: organisation_choices(state, ctx, Action::Edit(kind), organisation_id)
                .await?,
            problems,
        },
        preview,
        done,
        kind: view,
        saved_mapping,
        max_mb: MAX_FILE / (1024 * 1024),
        summary,
        notice: None,
    })
}

/// `GET /{ui}/import`.
pub async fn page<D: Descriptor>(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
) -> Result<Response, PageError> {
    if !state.app.edits_anywhere(&ctx, D::KIND) {
        return Err(PageError::Forbidden);
    }
    let preselected = state
        .app
        .only_place(&ctx, Action::Edit(D::KIND))
        .unwrap_or_default();
    let page = import_page(
        &state,
        &ctx,
        D::info(),
        &preselected,
        Problems::default(),
        None,
        None,
    )
    .await?;
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
    /// The mapping the column selects describe, as JSON; `None` on the first upload, which is read
    /// with the kind's saved mapping. A target the kind does not offer is read as not imported.
    fn mapping(&self, info: &'static KindInfo) -> Option<String> {
        if self.targets.is_empty() {
            return None;
        }
        let map: BTreeMap<&str, &str> = self
            .headers
            .iter()
            .map(|(i, h)| {
                let code = self
                    .targets
                    .get(i)
                    .map(String::as_str)
                    .filter(|c| sheet::target_of(info, c).is_some())
                    .unwrap_or("ignore");
                (h.as_str(), code)
            })
            .collect();
        serde_json::to_string(&map).ok()
    }
}

/// The mapping a report was made with, in the same form as [`Posted::mapping`].
fn mapping_of(info: &'static KindInfo, report: &ImportReport) -> String {
    let map: BTreeMap<&str, &str> = report
        .columns
        .iter()
        .map(|(header, code)| {
            let code = if sheet::target_of(info, code).is_some() {
                code.as_str()
            } else {
                "ignore"
            };
            (header.as_str(), code)
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

/// `POST /{ui}/import`: the first upload, a new preview, or the import itself.
pub async fn submit<D: Descriptor>(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let info = D::info();
    let lang = ctx.lang;
    let problem =
        |id: &str, label: &str, message: &str| Problems::one(id, t(lang, label), t(lang, message));
    let posted = match read(multipart).await {
        Ok(p) => p,
        Err(e) => {
            tracing::info!(error = %e, "import form could not be read");
            let p = problem("import-file", "import.file", "import.file-unreadable");
            return again(&state, &ctx, info, "", StatusCode::BAD_REQUEST, p).await;
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
            t(lang, "organisation"),
            t(lang, "import.choose-organisation"),
        );
    }
    if file.is_empty() {
        problems.push(
            "import-file",
            t(lang, "import.file"),
            t(lang, "import.choose-file"),
        );
    } else if file.len() > MAX_FILE {
        problems.push(
            "import-file",
            t(lang, "import.file"),
            t(lang, "import.file-too-large"),
        );
    }
    if !problems.is_empty() {
        return again(
            &state,
            &ctx,
            info,
            &org,
            StatusCode::UNPROCESSABLE_ENTITY,
            problems,
        )
        .await;
    }
    let mapping = posted.mapping(info);
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
    let report = match state.app.import::<D>(&ctx, form).await {
        Ok(r) => r,
        Err(AppError::Invalid(list)) if list.iter().any(|i| i.field == "organisation_id") => {
            let p = problem(
                "import-organisation",
                "organisation",
                "import.unknown-organisation",
            );
            return again(
                &state,
                &ctx,
                info,
                &org,
                StatusCode::UNPROCESSABLE_ENTITY,
                p,
            )
            .await;
        }
        Err(AppError::TooLarge(why)) => {
            let p = Problems::one("import-file", t(lang, "import.file"), why);
            return again(&state, &ctx, info, &org, StatusCode::PAYLOAD_TOO_LARGE, p).await;
        }
        Err(AppError::Unprocessable(_)) => {
            let p = problem("import-file", "import.file", "import.mapping-unreadable");
            return again(
                &state,
                &ctx,
                info,
                &org,
                StatusCode::UNPROCESSABLE_ENTITY,
                p,
            )
            .await;
        }
        Err(e) => return Err(e.into()),
    };
    let organisation = state.app.organisation_for_reading(&ctx, &org).await?.name;
    if !report.dry_run && report.problems.is_empty() {
        let done = DoneView {
            organisation_id: org.clone(),
            organisation,
            created: report.created,
            updated: report.updated,
            unchanged: report.unchanged,
        };
        let page = import_page(
            &state,
            &ctx,
            info,
            &org,
            Problems::default(),
            None,
            Some(done),
        )
        .await?;
        return Ok(render(&page));
    }
    let status = if report.dry_run {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let preview = preview_view(
        info,
        lang,
        report,
        org.clone(),
        organisation,
        &posted.file_name,
        &file,
        mapping_changed,
    );
    let page = import_page(
        &state,
        &ctx,
        info,
        &org,
        Problems::default(),
        Some(preview),
        None,
    )
    .await?;
    Ok(render_with(status, &page))
}

/// The upload form again, with what to correct.
async fn again(
    state: &AppState,
    ctx: &Caller,
    info: &'static KindInfo,
    organisation_id: &str,
    status: StatusCode,
    problems: Problems,
) -> Result<Response, PageError> {
    let page = import_page(state, ctx, info, organisation_id, problems, None, None).await?;
    Ok(render_with(status, &page))
}

#[allow(clippy::too_many_arguments)]
fn preview_view(
    info: &'static KindInfo,
    lang: Lang,
    report: ImportReport,
    organisation_id: String,
    organisation: String,
    file_name: &str,
    file: &[u8],
    mapping_changed: bool,
) -> PreviewView {
    let targets = sheet::targets(info);
    let columns = report
        .columns
        .iter()
        .enumerate()
        .map(|(index, (header, code))| ColumnView {
            index,
            header: header.clone(),
            choices: targets
                .iter()
                .map(|t_| Choice::new(t_.code(), target_label(*t_, lang), t_.code() == code))
                .collect(),
        })
        .collect();
    let preview: Vec<RowView> = report
        .preview
        .iter()
        .map(|r| RowView {
            row: r.row,
            name: r.name.clone(),
            action: t(lang, &format!("import.action.{}", r.action)),
        })
        .collect();
    let listed = preview.len();
    PreviewView {
        organisation_id,
        organisation,
        file_name: file_name.to_string(),
        file_b64: BASE64.encode(file),
        previewed: mapping_of(info, &report),
        rows: report.rows,
        created: report.created,
        updated: report.updated,
        unchanged: report.unchanged,
        columns,
        more_problems: report.more_problems,
        problems: report.problems,
        more_rows: (report.created + report.updated + report.unchanged).saturating_sub(listed),
        preview,
        mapping_changed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_target_offered_has_a_label_and_every_rule_a_text() {
        for kind in Kind::ALL {
            let info = kind.info();
            for t_ in sheet::targets(info) {
                for lang in [Lang::Sv, Lang::En] {
                    assert!(
                        !target_label(t_, lang).starts_with("kinds."),
                        "{}",
                        t_.code()
                    );
                }
            }
            for lang in [Lang::Sv, Lang::En] {
                for rule in KindView::of(kind, lang).rules {
                    assert!(
                        !rule.starts_with("kinds.") && !rule.contains(".import."),
                        "{rule}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_selects_describe_the_same_mapping_as_the_preview() {
        let info = Kind::ProcessingActivity.info();
        let report = ImportReport {
            dry_run: true,
            rows: 0,
            created: 0,
            updated: 0,
            unchanged: 0,
            columns: vec![
                ("Behandling".into(), "name".into()),
                ("Övrigt".into(), "ignore".into()),
            ],
            problems: Vec::new(),
            more_problems: 0,
            preview: Vec::new(),
        };
        let previewed = mapping_of(info, &report);
        let mut posted = Posted::default();
        posted.headers.insert(0, "Behandling".into());
        posted.headers.insert(1, "Övrigt".into());
        posted.targets.insert(0, "name".into());
        posted.targets.insert(1, "ignore".into());
        assert_eq!(posted.mapping(info).as_deref(), Some(previewed.as_str()));
        posted.targets.insert(1, "purposes".into());
        assert_ne!(posted.mapping(info).as_deref(), Some(previewed.as_str()));
        // A value no select offers is read as "not imported": a system's field is not a
        // processing activity's.
        for foreign in ["password", "vendor"] {
            posted.targets.insert(1, foreign.into());
            assert_eq!(posted.mapping(info).as_deref(), Some(previewed.as_str()));
        }
    }

    #[test]
    fn a_first_upload_uses_the_saved_mapping() {
        assert_eq!(Posted::default().mapping(Kind::System.info()), None);
    }

    #[test]
    fn the_carried_file_fits_the_body_limit() {
        assert!(MAX_FILE.div_ceil(3) * 4 + 64 * 1024 < BODY_LIMIT);
    }
}
