//! `POST /api/v1/processing-activities/import` and `POST /api/v1/systems/import`: a register from a
//! spreadsheet, all rows or none.
//!
//! A multipart form with `organisation_id`, `file` (`.xlsx`, `.xls`, `.ods` or `.csv`), optionally
//! `mapping` (a JSON object from column header to field; the register's saved mapping by default) and
//! `dry_run` (`true` by default: nothing is saved, the answer previews what would happen). Every
//! problem is reported by row and column; with any problem, nothing is saved.
//! Importing the same file again updates the records it made instead of duplicating them: each row
//! is keyed by its id column, or by its name when the file has no id column. What no column can fill
//! (links made in Ombud, a system's action plan) is kept from the stored record.
//!
//! Both registers take one path through here; what differs is said by [`Importable`].

use super::organisations::{require, visible};
use crate::AppState;
use crate::auth::{ApiCtx, Ctx};
use crate::error::{ApiError, Problem};
use axum::Json;
use axum::extract::{Multipart, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ombud_domain::audit::Channel;
use ombud_domain::authz::Action;
use ombud_domain::register::import::{
    self, Field, ImportRow, Mapping, Processing, RegisterSheet, Systems,
};
use ombud_domain::register::processing::ProcessingDetails;
use ombud_domain::register::system::SystemDetails;
use ombud_domain::{Invalid, Lang, Rule};
use ombud_report::read::{self, Format, Sheet};
use ombud_store::organisations::Organisation;
use ombud_store::{Actor, StoreError, WriteTx};
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(import_processing))
        .routes(routes!(import_systems))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_FILE + 64 * 1024))
}

/// The largest file accepted (a 10,000-row register is a few MB).
pub const MAX_FILE: usize = 32 * 1024 * 1024;

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportProblem {
    /// As the spreadsheet numbers rows: the header is row 1.
    pub row: usize,
    pub column: String,
    pub message: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PreviewRow {
    pub row: usize,
    pub name: String,
    /// `create`, `update` or `unchanged`.
    pub action: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ColumnMapping {
    pub header: String,
    /// The field it fills, or `ignore`.
    pub target: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReport {
    pub dry_run: bool,
    /// Data rows read.
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub columns: Vec<ColumnMapping>,
    pub problems: Vec<ImportProblem>,
    /// The first 200 rows and what happens to them.
    pub preview: Vec<PreviewRow>,
}

/// What the form carried.
pub struct ImportForm {
    pub organisation_id: String,
    pub file_name: String,
    pub file: Vec<u8>,
    pub mapping: Option<String>,
    pub dry_run: bool,
}

async fn read_form(mut m: Multipart) -> Result<ImportForm, ApiError> {
    let mut f = ImportForm {
        organisation_id: String::new(),
        file_name: String::new(),
        file: Vec::new(),
        mapping: None,
        dry_run: true,
    };
    while let Some(field) = m
        .next_field()
        .await
        .map_err(|e| ApiError::Malformed(e.body_text()))?
    {
        let name = field.name().unwrap_or_default().to_string();
        match name.as_str() {
            "file" => {
                f.file_name = field
                    .file_name()
                    .or(field.content_type())
                    .unwrap_or_default()
                    .to_string();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| ApiError::Malformed(e.body_text()))?;
                if bytes.len() > MAX_FILE {
                    return Err(ApiError::Invalid(vec![Invalid::new(
                        "file",
                        Rule::TooLong { max: MAX_FILE },
                    )]));
                }
                f.file = bytes.to_vec();
            }
            "organisation_id" => {
                f.organisation_id = field
                    .text()
                    .await
                    .map_err(|e| ApiError::Malformed(e.body_text()))?
            }
            "mapping" => {
                let t = field
                    .text()
                    .await
                    .map_err(|e| ApiError::Malformed(e.body_text()))?;
                f.mapping = (!t.trim().is_empty()).then_some(t);
            }
            "dry_run" => {
                let t = field
                    .text()
                    .await
                    .map_err(|e| ApiError::Malformed(e.body_text()))?;
                f.dry_run = !matches!(t.trim(), "false" | "0" | "nej" | "no");
            }
            // The UI's form carries its CSRF token; other fields are not ours.
            _ => {}
        }
    }
    if f.file.is_empty() {
        return Err(ApiError::Invalid(vec![Invalid::new(
            "file",
            Rule::Required,
        )]));
    }
    Ok(f)
}

/// A mapping given as `{"Header": "field", …}`.
fn parse_mapping<T: Field>(json: &str) -> Result<Mapping<T>, ApiError> {
    let map: std::collections::BTreeMap<String, T> =
        serde_json::from_str(json).map_err(|e| ApiError::Unprocessable(format!("mapping: {e}")))?;
    Ok(Mapping {
        columns: map.into_iter().collect(),
    })
}

/// Import a register of processing activities from a spreadsheet (multipart form; see the module
/// text). Answers 200 with a report; 422 with the same report's problems when the file has errors
/// and `dry_run` is false (nothing saved).
#[utoipa::path(post, path = "/api/v1/processing-activities/import", tag = "processing-activities",
    request_body(content_type = "multipart/form-data", description = "organisation_id, file, mapping?, dry_run?"),
    responses((status = 200, body = ImportReport), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn import_processing(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    multipart: Multipart,
) -> Result<Response, ApiError> {
    respond::<Processing>(&state, &ctx, multipart).await
}

/// Import a register of IT systems from a spreadsheet (multipart form; see the module text), with
/// their classification. Answers 200 with a report; 422 with the same report's problems when the
/// file has errors and `dry_run` is false (nothing saved).
#[utoipa::path(post, path = "/api/v1/systems/import", tag = "systems",
    request_body(content_type = "multipart/form-data", description = "organisation_id, file, mapping?, dry_run?"),
    responses((status = 200, body = ImportReport), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn import_systems(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    multipart: Multipart,
) -> Result<Response, ApiError> {
    respond::<Systems>(&state, &ctx, multipart).await
}

async fn respond<R: Importable>(
    state: &AppState,
    ctx: &Ctx,
    multipart: Multipart,
) -> Result<Response, ApiError> {
    let form = read_form(multipart).await?;
    let report = run::<R>(state, ctx, form).await?;
    if !report.dry_run && !report.problems.is_empty() {
        return Ok(problems_response(&report, ctx.lang));
    }
    Ok(Json(report).into_response())
}

/// A refused import as problem details, with the report as an extension member.
pub fn problems_response(report: &ImportReport, lang: Lang) -> Response {
    let mut body = serde_json::json!({
        "type": "urn:ombud:problem:import_has_errors",
        "title": lang.pick("Filen har fel", "The file has errors"),
        "status": 422,
        "detail": match lang {
            Lang::Sv => format!("Inget har importerats: rätta de {} felen och försök igen.", report.problems.len()),
            Lang::En => format!("Nothing was imported: correct the {} errors and try again.", report.problems.len()),
        },
        "code": "import_has_errors",
    });
    if let (Some(obj), Ok(r)) = (body.as_object_mut(), serde_json::to_value(report)) {
        obj.insert("report".into(), r);
    }
    let mut res = (StatusCode::UNPROCESSABLE_ENTITY, body.to_string()).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    res
}

/// A register that can be imported: how its sheet is read (the domain's [`RegisterSheet`]) and how
/// the store finds, updates and creates its records.
pub trait Importable: RegisterSheet<Details: Send + Sync, Target: Send + Sync> {
    /// What the caller must be allowed at the organisation imported into.
    const ACTION: Action;

    /// The import keys already used in the controller's register, with the record each names.
    fn keys(
        w: &mut WriteTx<'_>,
        controller_id: Option<&str>,
    ) -> impl Future<Output = Result<HashMap<String, String>, StoreError>> + Send;

    /// The stored records of these ids, by id.
    fn stored(
        w: &mut WriteTx<'_>,
        ids: &[String],
    ) -> impl Future<Output = Result<HashMap<String, Self::Details>, StoreError>> + Send;

    fn update(
        w: &mut WriteTx<'_>,
        id: &str,
        details: Self::Details,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    fn create_all(
        w: &mut WriteTx<'_>,
        org: &Organisation,
        rows: Vec<(Self::Details, String)>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}

impl Importable for Processing {
    const ACTION: Action = Action::EditRegister;

    async fn keys(
        w: &mut WriteTx<'_>,
        controller_id: Option<&str>,
    ) -> Result<HashMap<String, String>, StoreError> {
        w.processing_import_keys(controller_id).await
    }

    async fn stored(
        w: &mut WriteTx<'_>,
        ids: &[String],
    ) -> Result<HashMap<String, ProcessingDetails>, StoreError> {
        Ok(w.processing_activities_by_id(ids)
            .await?
            .into_iter()
            .map(|(id, p)| (id, p.details))
            .collect())
    }

    async fn update(
        w: &mut WriteTx<'_>,
        id: &str,
        details: ProcessingDetails,
    ) -> Result<(), StoreError> {
        w.update_processing_activity(id, None, details, None)
            .await
            .map(drop)
    }

    async fn create_all(
        w: &mut WriteTx<'_>,
        org: &Organisation,
        rows: Vec<(ProcessingDetails, String)>,
    ) -> Result<(), StoreError> {
        w.create_processing_activities(org, rows).await.map(drop)
    }
}

impl Importable for Systems {
    const ACTION: Action = Action::EditSystems;

    async fn keys(
        w: &mut WriteTx<'_>,
        controller_id: Option<&str>,
    ) -> Result<HashMap<String, String>, StoreError> {
        w.system_import_keys(controller_id).await
    }

    async fn stored(
        w: &mut WriteTx<'_>,
        ids: &[String],
    ) -> Result<HashMap<String, SystemDetails>, StoreError> {
        Ok(w.systems_by_id(ids)
            .await?
            .into_iter()
            .map(|(id, s)| (id, s.details))
            .collect())
    }

    async fn update(
        w: &mut WriteTx<'_>,
        id: &str,
        details: SystemDetails,
    ) -> Result<(), StoreError> {
        w.update_system(id, None, details).await.map(drop)
    }

    async fn create_all(
        w: &mut WriteTx<'_>,
        org: &Organisation,
        rows: Vec<(SystemDetails, String)>,
    ) -> Result<(), StoreError> {
        w.create_systems(org, rows).await.map(drop)
    }
}

/// The report of a file that could not be read at all.
fn unreadable(dry_run: bool, lang: Lang, e: &read::ReadError) -> ImportReport {
    ImportReport {
        dry_run,
        rows: 0,
        created: 0,
        updated: 0,
        unchanged: 0,
        columns: Vec::new(),
        problems: vec![ImportProblem {
            row: 1,
            column: String::new(),
            message: match lang {
                Lang::Sv => format!(
                    "Filen kan inte läsas. Spara den som .xlsx eller .csv och försök igen. ({e})"
                ),
                Lang::En => format!(
                    "The file cannot be read. Save it as .xlsx or .csv and try again. ({e})"
                ),
            },
        }],
        preview: Vec::new(),
    }
}

/// Plans and (unless a dry run) saves an import into a register for a caller. Shared with the UI.
pub async fn run<R: Importable>(
    state: &AppState,
    ctx: &Ctx,
    form: ImportForm,
) -> Result<ImportReport, ApiError> {
    let org = visible(&state.store, ctx, &form.organisation_id)
        .await
        .map_err(|_| {
            ApiError::Invalid(vec![Invalid::new(
                "organisation_id",
                Rule::UnknownReference,
            )])
        })?;
    require(ctx, R::ACTION, &org)?;
    let lang = ctx.lang;
    let mapping = match &form.mapping {
        Some(m) => parse_mapping::<R::Target>(m)?,
        None => R::default_mapping(),
    };
    let sheet = match read::read(&form.file, Format::detect(&form.file_name, &form.file)) {
        Ok(s) => s,
        Err(e) => return Ok(unreadable(form.dry_run, lang, &e)),
    };
    let plan = import::plan_for::<R>(&sheet.header, &sheet.rows, &mapping, lang);
    let mut report = ImportReport {
        dry_run: form.dry_run,
        rows: sheet
            .rows
            .iter()
            .filter(|r| r.iter().any(|c| !c.trim().is_empty()))
            .count(),
        created: 0,
        updated: 0,
        unchanged: 0,
        columns: sheet
            .header
            .iter()
            .map(|h| ColumnMapping {
                header: h.clone(),
                target: mapping.target(h).code(),
            })
            .collect(),
        problems: plan
            .problems
            .into_iter()
            .map(|p| ImportProblem {
                row: p.row,
                column: p.column,
                message: p.message,
            })
            .collect(),
        preview: Vec::new(),
    };
    refuse_shared_keys::<R>(&plan.rows, &sheet, &mapping, lang, &mut report.problems);
    if !report.problems.is_empty() {
        return Ok(report);
    }
    let actor = Actor::user(
        ctx.principal.user_id.clone(),
        ctx.user.name.clone(),
        Channel::Import,
    );
    let mut w = WriteTx::begin(&state.store, &actor).await?;
    let mut new_rows = Vec::new();
    let keys = R::keys(&mut w, org.controller_id.as_deref()).await?;
    let known: Vec<String> = plan
        .rows
        .iter()
        .filter_map(|row| keys.get(&import_key::<R>(row)).cloned())
        .collect();
    let mut stored = R::stored(&mut w, &known).await?;
    for row in plan.rows {
        let key = import_key::<R>(&row);
        let name = R::name(&row.details).to_string();
        let mut details = row.details;
        let action = match keys.get(&key) {
            Some(id) => {
                let stored = stored.remove(id).ok_or(StoreError::NotFound)?;
                R::keep_unimported(&mut details, &stored);
                if details == stored {
                    report.unchanged += 1;
                    "unchanged"
                } else {
                    if !form.dry_run {
                        R::update(&mut w, id, details).await?;
                    }
                    report.updated += 1;
                    "update"
                }
            }
            None => {
                new_rows.push((details, key));
                report.created += 1;
                "create"
            }
        };
        if report.preview.len() < 200 {
            report.preview.push(PreviewRow {
                row: row.row,
                name,
                action: action.into(),
            });
        }
    }
    if !form.dry_run && !new_rows.is_empty() {
        R::create_all(&mut w, &org, new_rows).await?;
    }
    if form.dry_run {
        // Nothing was written; dropping the transaction rolls back the claimed audit head.
        drop(w);
    } else {
        w.commit().await?;
    }
    Ok(report)
}

/// Without an id column, rows are known by their names: two rows of one name would be one record,
/// so the second is refused.
fn refuse_shared_keys<R: RegisterSheet>(
    rows: &[ImportRow<R::Details>],
    sheet: &Sheet,
    mapping: &Mapping<R::Target>,
    lang: Lang,
    problems: &mut Vec<ImportProblem>,
) {
    let name_column = sheet
        .header
        .iter()
        .find(|h| mapping.target(h) == <R::Target as Field>::NAME)
        .cloned()
        .unwrap_or_default();
    let mut first_row_of: HashMap<String, usize> = HashMap::new();
    for row in rows {
        if let Some(first) = first_row_of.insert(import_key::<R>(row), row.row) {
            problems.push(ImportProblem {
                row: row.row,
                column: name_column.clone(),
                message: R::same_name(lang, first),
            });
        }
    }
}

/// The key that finds a row's record on a later import: its id in the source, else its name.
fn import_key<R: RegisterSheet>(row: &ImportRow<R::Details>) -> String {
    match &row.external_id {
        Some(id) => format!("id:{id}"),
        None => format!("name:{}", R::name(&row.details).to_lowercase()),
    }
}
