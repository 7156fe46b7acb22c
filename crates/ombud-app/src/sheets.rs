//! A kind's register to and from a file: the export (CSV as Swedish Excel opens it, Excel, and for
//! kinds with one a PDF document), and the import of a spreadsheet, all rows or none.
//!
//! An import goes through the same checks, record by record, as any other write: each row is parsed
//! as the kind's record, each record it updates is one the caller may edit (its workflow reopened if
//! it was approved), each it creates is created where the caller may create. A row is known by the
//! record's own id when the file was exported from Ombud, by the key an earlier import of the same
//! file gave it, or by its name — but only among the records of the organisation imported into and
//! its subtree, so that an import neither finds nor tells of anything elsewhere.
//!
//! Reading the file and planning its rows run off the async threads.

use crate::{App, AppError, Caller, Result, blocking, today};
use ombud_domain::audit::Channel;
use ombud_domain::authz::{Action, Denied};
use ombud_domain::ids::{OrganisationId, RecordId};
use ombud_domain::kernel::Descriptor;
use ombud_domain::kernel::parse::{self, Source};
use ombud_domain::kernel::sheet::{self, ExportRecord, Mapping, Problem};
use ombud_domain::{Invalid, Lang, Rule};
use ombud_report::read::{self, Format};
use ombud_store::WriteTx;
use serde_json::Value;

/// The largest file an import reads.
pub const MAX_FILE: usize = 32 * 1024 * 1024;
/// How many rows of an import's preview are listed.
const PREVIEW_ROWS: usize = 200;

/// What an import was given.
#[derive(Debug, Clone)]
pub struct ImportForm {
    pub organisation_id: String,
    pub file_name: String,
    pub file: Vec<u8>,
    /// A JSON object from column header to field code; the kind's own mapping when absent.
    pub mapping: Option<String>,
    /// Nothing is saved: the report says what would happen.
    pub dry_run: bool,
}

/// One row of an import's preview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviewRow {
    pub row: usize,
    pub name: String,
    /// `create`, `update` or `unchanged`.
    pub action: &'static str,
}

/// What an import did, or would do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub dry_run: bool,
    /// Data rows read.
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Each column's header and the field code it fills (`ignore` for none).
    pub columns: Vec<(String, String)>,
    pub problems: Vec<Problem>,
    /// Problems beyond those listed.
    pub more_problems: usize,
    pub preview: Vec<PreviewRow>,
}

impl ImportReport {
    fn empty(dry_run: bool) -> ImportReport {
        ImportReport {
            dry_run,
            rows: 0,
            created: 0,
            updated: 0,
            unchanged: 0,
            columns: Vec::new(),
            problems: Vec::new(),
            more_problems: 0,
            preview: Vec::new(),
        }
    }
}

/// A file to hand out.
#[derive(Debug, Clone)]
pub struct ExportFile {
    pub content_type: &'static str,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

fn unknown_organisation() -> AppError {
    Invalid::new("organisation_id", Rule::UnknownReference).into()
}

impl App {
    /// Plans and (unless a dry run) saves an import of a kind's register into an organisation.
    pub async fn import<D: Descriptor>(
        &self,
        caller: &Caller,
        form: ImportForm,
    ) -> Result<ImportReport> {
        let info = D::info();
        let lang = caller.lang;
        let org_id =
            OrganisationId::parse(&form.organisation_id).ok_or_else(unknown_organisation)?;
        let org = match self.store.organisation(org_id.as_str()).await {
            Ok(o) if !o.is_archived() => o,
            Ok(_) | Err(ombud_store::StoreError::NotFound) => return Err(unknown_organisation()),
            Err(e) => return Err(e.into()),
        };
        caller
            .principal
            .authorize(Action::Edit(D::KIND), &org.scope())
            .map_err(|d| match d {
                Denied::NotFound => unknown_organisation(),
                Denied::Forbidden => AppError::Forbidden,
            })?;
        let mapping = match &form.mapping {
            Some(m) => Mapping::parse(info, m).map_err(AppError::Unprocessable)?,
            None => Mapping::default_for(info),
        };
        let mut report = ImportReport::empty(form.dry_run);
        // Held until the file is read and planned: the heavy part.
        let reading = self
            .imports
            .acquire()
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let format = Format::detect(&form.file_name, &form.file);
        let bytes = form.file;
        let sheet = match blocking(move || read::read(&bytes, format)).await? {
            Ok(s) => s,
            Err(read::ReadError::TooLarge(what)) => {
                tracing::info!(%what, "an import past the bounds was refused");
                let (rows, columns, cells) =
                    (read::MAX_ROWS - 1, read::MAX_COLUMNS, read::MAX_AREA);
                return Err(AppError::TooLarge(match lang {
                    Lang::Sv => format!(
                        "Filen är för stor för att läsas in. Ett blad får ha högst {rows} rader och {columns} kolumner, och högst {cells} celler från A1 till den sista ifyllda cellen. Dela upp filen, eller ta bort innehåll långt ut i bladet."
                    ),
                    Lang::En => format!(
                        "The file is too large to import. A sheet may have at most {rows} rows and {columns} columns, and at most {cells} cells from A1 to the last cell used. Split the file, or remove content far out in the sheet."
                    ),
                }));
            }
            Err(e) => {
                report.problems.push(Problem {
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
                });
                return Ok(report);
            }
        };
        report.columns = sheet
            .header
            .iter()
            .map(|h| (h.clone(), mapping.code(h).to_string()))
            .collect();
        let plan =
            blocking(move || sheet::plan::<D>(&sheet.header, &sheet.rows, &mapping, lang)).await?;
        drop(reading);
        report.rows = plan.read;
        if !plan.problems.is_empty() {
            report.problems = plan.problems;
            report.more_problems = plan.more_problems;
            return Ok(report);
        }
        let actor = caller.via(Channel::Import);
        let mut w = WriteTx::begin(&self.store, &actor).await?;
        // Re-read inside the transaction: the grant is for the organisation as it is now.
        let org = w.organisation(org_id.as_str()).await?;
        let create = caller
            .principal
            .authorize(Action::Edit(D::KIND), &org.scope())?;
        let keys = w.import_keys::<D>(&org_id).await?;
        let own_ids: Vec<String> = plan
            .rows
            .iter()
            .filter_map(|r| r.external_id.as_deref().and_then(RecordId::parse))
            .map(RecordId::into_string)
            .collect();
        let own = w.ids_within(D::KIND, &org, &own_ids).await?;
        // Which record each row names, if any: its own id, else its key.
        let target = |r: &sheet::ImportRow<D::Details>| -> (Option<RecordId>, String) {
            if let Some(id) = r
                .external_id
                .as_deref()
                .and_then(RecordId::parse)
                .filter(|id| own.contains_key(id.as_str()))
            {
                return (Some(id), String::new());
            }
            let key = match &r.external_id {
                Some(x) => format!("id:{x}"),
                None => format!("name:{}", D::title(&r.details).to_lowercase()),
            };
            (keys.get(&key).cloned(), key)
        };
        let known: Vec<RecordId> = plan.rows.iter().filter_map(|r| target(r).0).collect();
        let mut stored = w.records_by_id::<D>(&known).await?;
        let kept: Vec<&str> = info
            .fields
            .iter()
            .filter(|f| !f.imported())
            .map(|f| f.key())
            .collect();
        for row in &plan.rows {
            let (id, key) = target(row);
            let name = D::title(&row.details).to_string();
            let action = match id.and_then(|id| stored.remove(&id)) {
                Some(current) => {
                    // What no column can fill (links made in Ombud, a system's action plan, an
                    // agreement's compliance log) is kept from the stored record.
                    let mut doc = match serde_json::to_value(row.details.get()) {
                        Ok(Value::Object(m)) => m,
                        _ => return Err(AppError::Internal("details are not an object".into())),
                    };
                    if let Ok(Value::Object(old)) = serde_json::to_value(&current.details) {
                        for k in &kept {
                            match old.get(*k) {
                                Some(v) => doc.insert((*k).to_string(), v.clone()),
                                None => doc.remove(*k),
                            };
                        }
                    }
                    let details = parse::parse_from::<D>(doc, Source::Stored)?.into_inner();
                    if details == current.details {
                        report.unchanged += 1;
                        "unchanged"
                    } else {
                        let grant = caller
                            .principal
                            .authorize(Action::Edit(D::KIND), &current.scope())?;
                        let mut after = current.clone();
                        if let (Some(wf), Some(status)) = (info.workflow, &current.status) {
                            let state = wf.state_or_initial(status).code;
                            after.status = Some(wf.after_edit(state).to_string());
                        }
                        after.details = details;
                        if !form.dry_run {
                            let saved = w
                                .save::<D>(&grant, &current, after, &caller.principal)
                                .await?;
                            crate::kinds::after_save::<D>(&mut w, &current, &saved).await?;
                        }
                        report.updated += 1;
                        "update"
                    }
                }
                None => {
                    if !form.dry_run {
                        let mut details = row.details.clone().into_inner();
                        crate::kinds::before_insert::<D>(&mut w, &org, &mut details).await?;
                        let r = w
                            .insert::<D>(
                                &create,
                                &org,
                                parse::revalidate::<D>(&details)?,
                                Some(&key).filter(|k| !k.is_empty()).map(String::as_str),
                                &caller.principal,
                            )
                            .await?;
                        crate::kinds::after_load::<D>(&mut w, &r).await?;
                    }
                    report.created += 1;
                    "create"
                }
            };
            if report.preview.len() < PREVIEW_ROWS {
                report.preview.push(PreviewRow {
                    row: row.row,
                    name,
                    action,
                });
            }
        }
        if form.dry_run {
            // Nothing was written; dropping the transaction rolls back the claimed audit head.
            drop(w);
        } else {
            w.commit().await?;
        }
        Ok(report)
    }

    /// A kind's register of an organisation and its subtree (within its controller) as a file:
    /// `csv`, `xlsx`, or `pdf` for kinds that have a document.
    pub async fn export<D: Descriptor>(
        &self,
        caller: &Caller,
        organisation_id: &str,
        format: &str,
    ) -> Result<ExportFile> {
        let info = D::info();
        let lang = caller.lang;
        let org = self.organisation(caller, organisation_id).await?;
        caller
            .principal
            .authorize(Action::Read(D::KIND), &org.scope())?;
        let records = self.store.all_within::<D>(&org).await?;
        let status_label = |s: &Option<String>| {
            info.workflow
                .zip(s.as_deref())
                .map(|(w, s)| w.state_or_initial(s).label.get(lang))
        };
        let table = ombud_report::Table {
            title: org.name.clone(),
            headers: sheet::export_headers(info, lang),
            rows: records
                .iter()
                .map(|r| {
                    sheet::export_row::<D>(
                        &ExportRecord {
                            id: r.id.as_str(),
                            organisation: &r.organisation_name,
                            status: status_label(&r.status),
                            details: &r.details,
                        },
                        lang,
                    )
                })
                .collect(),
        };
        let stem = format!("{}-{}", info.sheet.file_stem, today());
        match (format, info.document) {
            ("csv", _) => Ok(ExportFile {
                content_type: "text/csv; charset=utf-8",
                file_name: format!("{stem}.csv"),
                bytes: blocking(move || ombud_report::csv::to_csv(&table)).await?,
            }),
            ("xlsx", _) => Ok(ExportFile {
                content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                file_name: format!("{stem}.xlsx"),
                bytes: blocking(move || ombud_report::xlsx::to_xlsx(&table))
                    .await?
                    .map_err(|e| AppError::Internal(e.to_string()))?,
            }),
            ("pdf", Some(texts)) => {
                let mut summary = vec![(
                    capitalised(info.noun.many.get(lang)),
                    records.len().to_string(),
                )];
                if let Some(wf) = info.workflow {
                    for s in wf.states {
                        let n = records
                            .iter()
                            .filter(|r| r.status.as_deref() == Some(s.code))
                            .count();
                        summary.push((s.label.get(lang).to_string(), n.to_string()));
                    }
                }
                let doc = ombud_report::pdf::RegisterDocument {
                    lang: lang.tag().into(),
                    title: texts.title.get(lang).into(),
                    organisation: org.name.clone(),
                    author: caller.user.name.clone(),
                    generated: crate::printed_line(lang, &caller.user.name),
                    intro: texts.intro.get(lang).into(),
                    contents: lang.pick("Innehåll", "Contents").into(),
                    summary,
                    records: table
                        .rows
                        .iter()
                        .zip(&records)
                        .map(|(row, r)| ombud_report::pdf::Section {
                            heading: D::title(&r.details).to_string(),
                            fields: table
                                .headers
                                .iter()
                                .zip(row.iter())
                                .skip(1)
                                .filter(|(_, v)| !v.is_empty())
                                .map(|(h, v)| (h.clone(), v.clone()))
                                .collect(),
                        })
                        .collect(),
                };
                let bytes = blocking(move || ombud_report::pdf::register_pdf(&doc))
                    .await?
                    .map_err(|e| AppError::Internal(e.to_string()))?;
                Ok(ExportFile {
                    content_type: "application/pdf",
                    file_name: format!("{stem}.pdf"),
                    bytes,
                })
            }
            _ => Err(Invalid::new("format", Rule::InvalidValue).into()),
        }
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
