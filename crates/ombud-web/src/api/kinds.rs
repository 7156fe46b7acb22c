//! The routes every kind has, made from its descriptor: `/api/v1/{kind}` (list, create),
//! `/api/v1/{kind}/{id}` (read, change by merge patch, delete), `…/{id}/history`, `…/export`,
//! `…/import`, and `…/{id}/transitions` for a kind with a workflow. Their OpenAPI description is made
//! from the same descriptor: the fields' types, options and limits, the lists' filters.
//!
//! Records answer as JSON objects: the common fields (`id`, `organisation_id`, `controller_id`,
//! `created_at`, `updated_at`, `version`), the workflow's (`status`, `status_label` and its facts), the
//! record's `gaps`, the facts that follow from it (a system's `classified`, an agreement's `title`),
//! the ids of the records of other kinds that link to it (`system_ids`, `processing_activity_ids`),
//! and every field of its details beside them.

use super::json::{ApiJson, ApiQuery, written};
use super::organisations::{HistoryEvent, HistoryList};
use super::{PageParams, etag_headers, if_match};
use crate::AppState;
use crate::auth::ApiCtx;
use crate::error::ApiError;
use crate::routes::{Access, ApiRoutes, one_operation};
use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, patch, post};
use ombud_app::records::{ListItem, ListParams, RecordView, filter_value};
use ombud_app::sheets::{ImportForm, ImportReport, MAX_FILE};
use ombud_app::{Lang, today};
use ombud_domain::authz::Action;
use ombud_domain::kernel::field::{Field, Input};
use ombud_domain::kernel::query::{FilterKind, Sort};
use ombud_domain::kernel::workflow::StepInput;
use ombud_domain::kernel::{ColumnType, Descriptor, KindInfo, KindVisitor, for_each_kind};
use ombud_domain::{Invalid, Rule};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use utoipa::openapi::path::{
    HttpMethod, Operation, OperationBuilder, ParameterBuilder, ParameterIn,
};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{
    ArrayBuilder, KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type,
};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Required, ResponseBuilder};

/// Adds every kind's routes.
pub fn routes(r: ApiRoutes) -> ApiRoutes {
    struct Add(Option<ApiRoutes>);
    impl KindVisitor for Add {
        fn visit<D: Descriptor>(&mut self) {
            if let Some(r) = self.0.take() {
                self.0 = Some(kind_routes::<D>(r));
            }
        }
    }
    let mut add = Add(Some(r));
    for_each_kind(&mut add);
    add.0.unwrap_or_default()
}

fn kind_routes<D: Descriptor>(r: ApiRoutes) -> ApiRoutes {
    let info = D::info();
    let k = Some(D::KIND);
    let base = format!("/api/v1/{}", info.api);
    let one = format!("{base}/{{id}}");
    let read = Action::Read(D::KIND);
    let edit = Action::Edit(D::KIND);
    let r = r
        .add_for(
            k,
            Access::Kind(read),
            one_operation(&base, HttpMethod::Get, list_op(info), get(list::<D>)),
        )
        .add_for(
            k,
            Access::Organisation(Action::Create(D::KIND)),
            one_operation(&base, HttpMethod::Post, create_op(info), post(create::<D>)),
        )
        .add_for(
            k,
            Access::Organisation(read),
            one_operation(
                &format!("{base}/export"),
                HttpMethod::Get,
                export_op(info),
                get(export::<D>),
            ),
        )
        .add_for(
            k,
            Access::Organisation(edit),
            one_operation(
                &format!("{base}/import"),
                HttpMethod::Post,
                import_op(info),
                post(import::<D>).layer(axum::extract::DefaultBodyLimit::max(MAX_FILE + 64 * 1024)),
            ),
        )
        .add_for(
            k,
            Access::Record(read),
            one_operation(&one, HttpMethod::Get, read_op(info), get(read_one::<D>)),
        )
        .add_for(
            k,
            Access::Record(edit),
            one_operation(
                &one,
                HttpMethod::Patch,
                patch_op(info),
                patch(patch_one::<D>),
            ),
        )
        .add_for(
            k,
            Access::Record(edit),
            one_operation(
                &one,
                HttpMethod::Delete,
                delete_op(info),
                delete(delete_one::<D>),
            ),
        )
        .add_for(
            k,
            Access::Record(read),
            one_operation(
                &format!("{one}/history"),
                HttpMethod::Get,
                history_op(info),
                get(history::<D>),
            ),
        );
    if info.workflow.is_some() {
        r.add_for(
            k,
            Access::Record(edit),
            one_operation(
                &format!("{one}/transitions"),
                HttpMethod::Post,
                transition_op(info),
                post(transition::<D>),
            ),
        )
    } else {
        r
    }
}

// ---------------------------------------------------------------------------------------------
// Records as JSON

/// Room for one record's JSON: a processing activity is about 1.5 kB.
const RECORD_LEN: usize = 2048;

/// The JSON object of a record as a caller sees it.
pub fn record_json<D: Descriptor>(v: &RecordView<D::Details>, lang: Lang) -> Value {
    serde_json::to_value(record_out::<D>(v, lang)).unwrap_or(Value::Null)
}

/// A record as the API answers it, written straight to the response.
fn record_out<D: Descriptor>(v: &RecordView<D::Details>, lang: Lang) -> RecordOut<'_, D::Details> {
    let r = &v.record;
    RecordOut {
        id: r.id.as_str(),
        organisation_id: r.organisation_id.as_str(),
        organisation_name: None,
        controller_id: r.controller_id.as_ref().map(|c| c.as_str()),
        created_at: Some(&r.created_at),
        updated_at: &r.updated_at,
        version: r.version,
        rest: Common::new::<D>(
            r.status.as_deref(),
            Some(&r.state),
            &v.gaps,
            &v.incoming,
            &r.details,
            lang,
        ),
    }
}

/// The fields every record's JSON starts with.
#[derive(serde::Serialize)]
struct RecordOut<'a, T: serde::Serialize> {
    id: &'a str,
    organisation_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    organisation_name: Option<&'a str>,
    controller_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    created_at: Option<&'a str>,
    updated_at: &'a str,
    version: i64,
    #[serde(flatten)]
    rest: Common<'a, T>,
}

/// What a record's JSON has beside its common fields: the workflow's, the gaps, the facts, the
/// links to it, and the details. Flattened rather than gathered into one JSON object first: a
/// record's forty fields were forty allocations and a sorted map before a byte was written.
#[derive(serde::Serialize)]
struct Common<'a, T: serde::Serialize> {
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status_label: Option<&'static str>,
    #[serde(flatten)]
    workflow: Map<String, Value>,
    gaps: Vec<&'static str>,
    #[serde(flatten)]
    facts: Map<String, Value>,
    #[serde(flatten)]
    links: std::collections::BTreeMap<String, &'a [ombud_domain::ids::RecordId]>,
    #[serde(flatten)]
    details: &'a T,
}

impl<'a, T: serde::Serialize> Common<'a, T> {
    fn new<D: Descriptor<Details = T>>(
        status: Option<&str>,
        state: Option<&Map<String, Value>>,
        gaps: &[ombud_domain::kernel::gaps::GapRule],
        incoming: &'a ombud_domain::kernel::Incoming,
        details: &'a T,
        lang: Lang,
    ) -> Self {
        let info = D::info();
        let mut workflow = Map::new();
        let (mut code, mut label) = (None, None);
        if let Some(wf) = info.workflow {
            let s = wf.state_or_initial(status.unwrap_or(wf.initial));
            code = Some(s.code);
            label = Some(s.label.get(lang));
            for k in ["approved_at", "approved_by"] {
                workflow.insert(k.into(), Value::Null);
            }
            for (k, v) in state.into_iter().flatten() {
                workflow.insert(k.clone(), v.clone());
            }
        }
        Common {
            status: code,
            status_label: label,
            workflow,
            gaps: gaps.iter().map(|g| g.code()).collect(),
            facts: D::facts(details, today(), lang),
            links: info
                .linked_from()
                .iter()
                .map(|(from, _)| (format!("{}_ids", from.code()), incoming.ids(*from)))
                .collect(),
            details,
        }
    }
}

/// The JSON object of a list row: the whole record for kinds whose lists carry it, else what lists
/// show and filter on (the whole record is at `GET /api/v1/{kind}/{id}`).
pub fn item_json<D: Descriptor>(item: &ListItem<D::Details>, lang: Lang) -> Value {
    serde_json::to_value(ItemOut::<D> { item, lang }).unwrap_or(Value::Null)
}

/// A list row written straight to the response: a list of 50 is a thousand small values, and
/// building them as a JSON tree first cost more than reading them from the database.
struct ItemOut<'a, D: Descriptor> {
    item: &'a ListItem<D::Details>,
    lang: Lang,
}

impl<D: Descriptor> serde::Serialize for ItemOut<'_, D> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeMap};
        let info = D::info();
        let item = self.item;
        let row = &item.row;
        if let Some(d) = &item.details {
            return RecordOut {
                id: &row.id,
                organisation_id: &row.organisation_id,
                organisation_name: Some(&row.organisation_name),
                controller_id: row.controller_id.as_deref(),
                created_at: None,
                updated_at: &row.updated_at,
                version: row.version,
                rest: Common::new::<D>(
                    row.status.as_deref(),
                    None,
                    &item.gaps,
                    &item.incoming,
                    d,
                    self.lang,
                ),
            }
            .serialize(s);
        }
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("id", &row.id)?;
        m.serialize_entry("organisation_id", &row.organisation_id)?;
        m.serialize_entry("organisation_name", &row.organisation_name)?;
        m.serialize_entry("controller_id", &row.controller_id)?;
        m.serialize_entry("updated_at", &row.updated_at)?;
        m.serialize_entry("version", &row.version)?;
        m.serialize_entry("name", &row.name)?;
        if let Some(wf) = info.workflow {
            let st = wf.state_or_initial(row.status.as_deref().unwrap_or(wf.initial));
            m.serialize_entry("status", st.code)?;
            m.serialize_entry("status_label", st.label.get(self.lang))?;
        }
        m.serialize_entry("next_review", &row.review_on)?;
        let gaps: Vec<&str> = item.gaps.iter().map(|g| g.code()).collect();
        m.serialize_entry("gaps", &gaps)?;
        if info.columns.len() != row.columns.len() {
            return Err(S::Error::custom("a list row without its columns"));
        }
        for (c, v) in info.columns.iter().zip(&row.columns) {
            match c.ty {
                ColumnType::Flag => m.serialize_entry(c.name, &(v == "1"))?,
                ColumnType::Int => {
                    m.serialize_entry(c.name, &v.parse::<i64>().unwrap_or_default())?
                }
                ColumnType::Text if v.is_empty() => m.serialize_entry(c.name, &None::<&str>)?,
                ColumnType::Text => m.serialize_entry(c.name, v)?,
            }
        }
        m.end()
    }
}

/// A page of a list, as the API answers it.
struct ListOut<'a, D: Descriptor> {
    items: &'a [ListItem<D::Details>],
    next: Option<&'a str>,
    lang: Lang,
}

impl<D: Descriptor> serde::Serialize for ListOut<'_, D> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        struct Items<'a, D: Descriptor>(&'a [ListItem<D::Details>], Lang);
        impl<D: Descriptor> serde::Serialize for Items<'_, D> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut seq = s.serialize_seq(Some(self.0.len()))?;
                for item in self.0 {
                    seq.serialize_element(&ItemOut::<D> { item, lang: self.1 })?;
                }
                seq.end()
            }
        }
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("items", &Items::<D>(self.items, self.lang))?;
        m.serialize_entry("next", &self.next)?;
        m.end()
    }
}

// ---------------------------------------------------------------------------------------------
// Handlers

pub(crate) fn created(
    path: String,
    version: i64,
    body: Value,
) -> (StatusCode, HeaderMap, Json<Value>) {
    let mut h = etag_headers(version);
    if let Ok(v) = HeaderValue::from_str(&path) {
        h.insert(header::LOCATION, v);
    }
    (StatusCode::CREATED, h, Json(body))
}

/// The list's parameters: paging, `organisation_id`, `q`, `sort` and the kind's filters.
fn list_params(
    info: &'static KindInfo,
    pairs: &[(String, String)],
) -> Result<(ListParams, PageParams), ApiError> {
    let get = |k: &str| pairs.iter().find(|(p, _)| p == k).map(|(_, v)| v.clone());
    let sort = match get("sort").filter(|s| !s.is_empty()) {
        Some(s) => Sort::parse(&s)
            .ok_or_else(|| ApiError::Invalid(vec![Invalid::new("sort", Rule::InvalidValue)]))?,
        None => Sort::default(),
    };
    let mut filters = Vec::new();
    for f in info.filters {
        if let Some(v) = get(f.param)
            && let Some(value) = filter_value(f, &v)?
        {
            filters.push((f, value));
        }
    }
    let limit = match get("limit") {
        Some(l) => Some(
            l.parse::<i64>()
                .map_err(|_| ApiError::Unprocessable("`limit` is a number".into()))?,
        ),
        None => None,
    };
    Ok((
        ListParams {
            organisation_id: get("organisation_id").filter(|s| !s.is_empty()),
            words: get("q"),
            filters,
            sort,
            with_details: true,
            with_counts: false,
            figures: &[],
        },
        PageParams {
            limit,
            cursor: get("cursor"),
        },
    ))
}

async fn list<D: Descriptor>(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let (params, page) = list_params(D::info(), &pairs)?;
    let p = state.app.list::<D>(&ctx, &params, &page.page()?).await?;
    written(
        &ListOut::<D> {
            items: &p.items,
            next: p.next.as_deref(),
            lang: ctx.lang,
        },
        RECORD_LEN * (p.items.len() + 1),
    )
}

async fn create<D: Descriptor>(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiJson(body): ApiJson<Value>,
) -> Result<(StatusCode, HeaderMap, Json<Value>), ApiError> {
    let Value::Object(mut draft) = body else {
        return Err(ApiError::Unprocessable("expected a JSON object".into()));
    };
    let organisation_id = match draft.remove("organisation_id") {
        Some(Value::String(s)) => s,
        _ => {
            return Err(ApiError::Invalid(vec![Invalid::new(
                "organisation_id",
                Rule::Required,
            )]));
        }
    };
    let r = state
        .app
        .create::<D>(&ctx, &organisation_id, Value::Object(draft))
        .await?;
    let path = format!("/api/v1/{}/{}", D::info().api, r.id);
    let version = r.version;
    let view = state.app.view::<D>(&ctx, r).await?;
    Ok(created(path, version, record_json::<D>(&view, ctx.lang)))
}

async fn read_one<D: Descriptor>(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let v = state.app.read::<D>(&ctx, &id).await?;
    let mut answer = written(&record_out::<D>(&v, ctx.lang), RECORD_LEN)?;
    answer.headers_mut().extend(etag_headers(v.record.version));
    Ok(answer)
}

async fn patch_one<D: Descriptor>(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<Value>,
) -> Result<(HeaderMap, Json<Value>), ApiError> {
    let r = state
        .app
        .patch::<D>(&ctx, &id, if_match(&headers), body)
        .await?;
    let v = state.app.view::<D>(&ctx, r).await?;
    Ok((
        etag_headers(v.record.version),
        Json(record_json::<D>(&v, ctx.lang)),
    ))
}

async fn delete_one<D: Descriptor>(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    state.app.delete::<D>(&ctx, &id, if_match(&headers)).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn history<D: Descriptor>(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiQuery(page): ApiQuery<PageParams>,
) -> Result<Json<HistoryList>, ApiError> {
    let (_, events) = state.app.history::<D>(&ctx, &id, &page.page()?).await?;
    Ok(Json(HistoryList {
        items: events.items.into_iter().map(HistoryEvent::from).collect(),
        next: events.next,
    }))
}

/// A workflow step.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transition {
    /// The state to move to.
    pub to: String,
    /// Why: required to send a record back, and to approve it despite open gaps.
    #[serde(default)]
    pub comment: Option<String>,
    /// Approve although gaps that block approval are open (with the reason in `comment`).
    #[serde(default)]
    pub despite_gaps: bool,
}

async fn transition<D: Descriptor>(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<Transition>,
) -> Result<(HeaderMap, Json<Value>), ApiError> {
    let r = state
        .app
        .transition::<D>(
            &ctx,
            &id,
            if_match(&headers),
            &body.to,
            &StepInput {
                comment: body.comment,
                despite_gaps: body.despite_gaps,
            },
        )
        .await?;
    let v = state.app.view::<D>(&ctx, r).await?;
    Ok((
        etag_headers(v.record.version),
        Json(record_json::<D>(&v, ctx.lang)),
    ))
}

/// `?organisation_id=&format=`.
#[derive(Debug, Deserialize)]
pub struct ExportQuery {
    pub organisation_id: String,
    pub format: String,
}

async fn export<D: Descriptor>(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    let f = state
        .app
        .export::<D>(&ctx, &q.organisation_id, &q.format)
        .await?;
    Ok(crate::download(f))
}

/// Reads an import's multipart form: `organisation_id`, `file`, `mapping`, `dry_run`.
pub async fn read_import_form(mut m: Multipart) -> Result<ImportForm, ApiError> {
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
            "organisation_id" | "mapping" | "dry_run" => {
                let t = field
                    .text()
                    .await
                    .map_err(|e| ApiError::Malformed(e.body_text()))?;
                match name.as_str() {
                    "organisation_id" => f.organisation_id = t,
                    "mapping" => f.mapping = (!t.trim().is_empty()).then_some(t),
                    _ => f.dry_run = !matches!(t.trim(), "false" | "0" | "nej" | "no"),
                }
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

/// An import's report as JSON.
pub fn report_json(r: &ImportReport) -> Value {
    json!({
        "dry_run": r.dry_run,
        "rows": r.rows,
        "created": r.created,
        "updated": r.updated,
        "unchanged": r.unchanged,
        "columns": r.columns.iter().map(|(h, t)| json!({"header": h, "target": t})).collect::<Vec<_>>(),
        "problems": r.problems,
        "more_problems": r.more_problems,
        "preview": r.preview.iter().map(|p| json!({"row": p.row, "name": p.name, "action": p.action})).collect::<Vec<_>>(),
    })
}

/// A refused import as problem details, with the report as an extension member.
pub fn problems_response(report: &ImportReport, lang: Lang) -> Response {
    let n = report.problems.len() + report.more_problems;
    let mut body = json!({
        "type": "urn:ombud:problem:import_has_errors",
        "title": lang.pick("Filen har fel", "The file has errors"),
        "status": 422,
        "detail": match lang {
            Lang::Sv => format!("Inget har importerats: rätta de {n} felen och försök igen."),
            Lang::En => format!("Nothing was imported: correct the {n} errors and try again."),
        },
        "code": "import_has_errors",
    });
    if let Some(obj) = body.as_object_mut() {
        obj.insert("report".into(), report_json(report));
    }
    let mut res = (StatusCode::UNPROCESSABLE_ENTITY, body.to_string()).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    res
}

async fn import<D: Descriptor>(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    multipart: Multipart,
) -> Result<Response, ApiError> {
    let form = read_import_form(multipart).await?;
    let report = state.app.import::<D>(&ctx, form).await?;
    if !report.dry_run && !report.problems.is_empty() {
        return Ok(problems_response(&report, ctx.lang));
    }
    Ok(Json(report_json(&report)).into_response())
}

// ---------------------------------------------------------------------------------------------
// The OpenAPI description, from the descriptor

fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

/// A field's schema, from its input.
fn field_schema(f: &Field) -> RefOr<Schema> {
    let described = |b: ObjectBuilder| -> RefOr<Schema> {
        let text = format!("{} — {}", f.label.en, f.hint.en);
        b.description(Some(text)).into()
    };
    match f.input {
        Input::Line { max } | Input::Text { max } => described(string().max_length(Some(max))),
        Input::Date => {
            described(string().format(Some(SchemaFormat::KnownFormat(KnownFormat::Date))))
        }
        Input::Instant => {
            described(string().format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime))))
        }
        Input::Flag => described(ObjectBuilder::new().schema_type(Type::Boolean)),
        Input::Level => described(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(1))
                .maximum(Some(4)),
        ),
        Input::Choice(opts) | Input::Pick(opts) => {
            described(string().enum_values(Some(opts.iter().map(|o| o.code))))
        }
        Input::Lines => ArrayBuilder::new()
            .items(string())
            .description(Some(f.label.en))
            .into(),
        Input::Choices(opts) => ArrayBuilder::new()
            .items(string().enum_values(Some(opts.iter().map(|o| o.code))))
            .description(Some(f.label.en))
            .into(),
        Input::Links(k) => ArrayBuilder::new()
            .items(string())
            .description(Some(format!("{} (ids of {})", f.label.en, k.info().api)))
            .into(),
        Input::Rows(sub) => ArrayBuilder::new()
            .items(object_schema(sub, false))
            .description(Some(f.label.en))
            .into(),
        Input::Group(sub) => object_schema(sub, false),
        Input::Kept => ArrayBuilder::new()
            .items(ObjectBuilder::new())
            .description(Some(format!("{} (kept by the server)", f.label.en)))
            .into(),
    }
}

/// The schema of an object of fields; `read` includes what the server keeps.
fn object_schema(fields: &[Field], read: bool) -> RefOr<Schema> {
    let mut b = ObjectBuilder::new();
    for f in fields {
        if matches!(f.input, Input::Kept) && !read {
            continue;
        }
        b = b.property(f.key(), field_schema(f));
        if f.required && !read {
            b = b.required(f.key());
        }
    }
    b.into()
}

/// A record as the API answers it.
fn record_schema(info: &KindInfo) -> RefOr<Schema> {
    let mut b = ObjectBuilder::new()
        .property("id", string())
        .property("organisation_id", string())
        .property("controller_id", string())
        .property("created_at", string())
        .property("updated_at", string())
        .property("version", ObjectBuilder::new().schema_type(Type::Integer))
        .property(
            "gaps",
            ArrayBuilder::new().items(string()).description(Some(
                "The gaps the record has today (rule codes, e.g. `missing_legal_basis`).",
            )),
        );
    if let Some(wf) = info.workflow {
        b = b
            .property(
                "status",
                string().enum_values(Some(wf.states.iter().map(|s| s.code))),
            )
            .property("status_label", string());
    }
    for (from, _) in info.linked_from() {
        b = b.property(
            format!("{}_ids", from.code()),
            ArrayBuilder::new()
                .items(string())
                .description(Some(format!(
                    "The {} that link to this record.",
                    from.info().api
                ))),
        );
    }
    for f in info.fields {
        b = b.property(f.key(), field_schema(f));
    }
    b.into()
}

fn problem_ref() -> RefOr<Schema> {
    Ref::from_schema_name("Problem").into()
}

fn json_response(description: &str, schema: RefOr<Schema>) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new().schema(Some(schema)).build(),
        )
        .build()
}

fn problem(description: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/problem+json",
            ContentBuilder::new().schema(Some(problem_ref())).build(),
        )
        .build()
}

fn base_op(info: &KindInfo, summary: String) -> OperationBuilder {
    OperationBuilder::new().tag(info.api).summary(Some(summary))
}

fn id_param() -> utoipa::openapi::path::Parameter {
    ParameterBuilder::new()
        .name("id")
        .parameter_in(ParameterIn::Path)
        .required(Required::True)
        .schema(Some(string()))
        .build()
}

fn query(name: &str, description: &str, schema: RefOr<Schema>) -> utoipa::openapi::path::Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Query)
        .required(Required::False)
        .description(Some(description))
        .schema(Some(schema))
        .build()
}

fn if_match_param() -> utoipa::openapi::path::Parameter {
    ParameterBuilder::new()
        .name("If-Match")
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "The version read (its ETag): the change is refused with 412 when the record has changed since. Without it, the last writer wins.",
        ))
        .schema(Some(string()))
        .build()
}

fn list_op(info: &KindInfo) -> Operation {
    let mut b = base_op(info, format!("The {}, filtered, searched and sorted", info.api))
        .parameter(query(
            "limit",
            "Rows per page, 1–500 (default 50).",
            ObjectBuilder::new().schema_type(Type::Integer).into(),
        ))
        .parameter(query("cursor", "The `next` value of the previous page.", string().into()))
        .parameter(query(
            "organisation_id",
            "Only this organisation and what lies under it.",
            string().into(),
        ))
        .parameter(query("q", "Words to find.", string().into()))
        .parameter(query(
            "sort",
            "`name` (the default), `next_review` (the earliest first, records without one last) or `recently_updated` (the newest change first).",
            string()
                .enum_values(Some(Sort::ALL.iter().map(|s| s.as_str())))
                .into(),
        ));
    for f in info.filters {
        let schema: RefOr<Schema> = match f.kind {
            FilterKind::Test { .. } => ObjectBuilder::new().schema_type(Type::Boolean).into(),
            FilterKind::OneOf { opts, .. } => string()
                .enum_values(Some(opts.iter().map(|o| o.code)))
                .into(),
        };
        b = b.parameter(query(f.param, f.label.en, schema));
    }
    let page = ObjectBuilder::new()
        .property(
            "items",
            ArrayBuilder::new().items(if info.list_details {
                record_schema(info)
            } else {
                ObjectBuilder::new().into()
            }),
        )
        .property("next", string())
        .into();
    b.response("200", json_response("A page of the list", page))
        .response(
            "404",
            problem("The organisation asked for is not one the caller may read"),
        )
        .response("422", problem("A filter's value is not one of its own"))
        .build()
}

fn create_op(info: &KindInfo) -> Operation {
    let mut body = ObjectBuilder::new()
        .property("organisation_id", string())
        .required("organisation_id");
    for f in info
        .fields
        .iter()
        .filter(|f| !matches!(f.input, Input::Kept))
    {
        body = body.property(f.key(), field_schema(f));
        if f.required {
            body = body.required(f.key());
        }
    }
    base_op(info, format!("Register a record of {}", info.api))
        .request_body(Some(
            RequestBodyBuilder::new()
                .content(
                    "application/json",
                    ContentBuilder::new().schema(Some(body)).build(),
                )
                .build(),
        ))
        .response("201", json_response("The record", record_schema(info)))
        .response("403", problem("The caller's roles do not allow it"))
        .response(
            "422",
            problem("Invalid fields, or an organisation the caller cannot use"),
        )
        .build()
}

fn read_op(info: &KindInfo) -> Operation {
    base_op(info, "One record, with its version as `ETag`".into())
        .parameter(id_param())
        .response("200", json_response("The record", record_schema(info)))
        .response(
            "404",
            problem("No such record, or one the caller may not read"),
        )
        .build()
}

fn patch_op(info: &KindInfo) -> Operation {
    base_op(
        info,
        "Change fields by a JSON merge patch (RFC 7396): the fields given replace the stored ones, objects merge field by field, `null` clears a field".into(),
    )
    .parameter(id_param())
    .parameter(if_match_param())
    .request_body(Some(
        RequestBodyBuilder::new()
            .content(
                "application/merge-patch+json",
                ContentBuilder::new()
                    .schema(Some(object_schema(info.fields, false)))
                    .build(),
            )
            .build(),
    ))
    .response("200", json_response("The record", record_schema(info)))
    .response("403", problem("The caller's roles do not allow it"))
    .response("404", problem("No such record"))
    .response("412", problem("The record has changed since the version in `If-Match`"))
    .response("422", problem("Invalid fields"))
    .build()
}

fn delete_op(info: &KindInfo) -> Operation {
    base_op(
        info,
        "Delete a record; its history stays in the audit trail".into(),
    )
    .parameter(id_param())
    .parameter(if_match_param())
    .response("204", ResponseBuilder::new().description("Deleted").build())
    .response("403", problem("The caller's roles do not allow it"))
    .response("404", problem("No such record"))
    .response("409", problem("Records of other kinds link to it"))
    .response("412", problem("The record has changed"))
    .build()
}

fn history_op(info: &KindInfo) -> Operation {
    base_op(info, "The record's history, newest first".into())
        .parameter(id_param())
        .parameter(query(
            "limit",
            "Events per page, 1–500 (default 50).",
            ObjectBuilder::new().schema_type(Type::Integer).into(),
        ))
        .parameter(query(
            "cursor",
            "The `next` value of the previous page.",
            string().into(),
        ))
        .response(
            "200",
            json_response(
                "A page of events",
                Ref::from_schema_name("HistoryList").into(),
            ),
        )
        .response("404", problem("No such record"))
        .build()
}

fn transition_op(info: &KindInfo) -> Operation {
    let states: Vec<&str> = info
        .workflow
        .map(|w| w.states.iter().map(|s| s.code).collect())
        .unwrap_or_default();
    base_op(info, "Take a step of the record's workflow".into())
        .parameter(id_param())
        .parameter(if_match_param())
        .request_body(Some(
            RequestBodyBuilder::new()
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(
                            ObjectBuilder::new()
                                .property("to", string().enum_values(Some(states)))
                                .property(
                                    "comment",
                                    string()
                                        .max_length(Some(ombud_domain::kernel::workflow::MAX_COMMENT))
                                        .description(Some(
                                            "Why: required to send the record back, and to approve it despite open gaps",
                                        )),
                                )
                                .property(
                                    "despite_gaps",
                                    ObjectBuilder::new()
                                        .schema_type(Type::Boolean)
                                        .description(Some(
                                            "Approve although gaps that block approval are open",
                                        )),
                                )
                                .required("to"),
                        ))
                        .build(),
                )
                .build(),
        ))
        .response("200", json_response("The record", record_schema(info)))
        .response("403", problem("The caller's roles may not take that step"))
        .response("404", problem("No such record"))
        .response(
            "409",
            problem(
                "The workflow has no such step from where the record is, or gaps that block approval are open (code `gaps_open`, listed in `gaps`)",
            ),
        )
        .response(
            "422",
            problem("A comment is required (sending back, approving despite gaps) or too long"),
        )
        .response("412", problem("The record has changed"))
        .build()
}

fn export_op(info: &KindInfo) -> Operation {
    let formats: Vec<&str> = if info.document.is_some() {
        vec!["csv", "xlsx", "pdf"]
    } else {
        vec!["csv", "xlsx"]
    };
    base_op(
        info,
        "The register of an organisation and its subtree as a file (CSV is UTF-8 with BOM and `;`; its Swedish headers are the import's own, and each row's ID imports back onto the same record)".into(),
    )
    .parameter(
        ParameterBuilder::new()
            .name("organisation_id")
            .parameter_in(ParameterIn::Query)
            .required(Required::True)
            .schema(Some(string()))
            .build(),
    )
    .parameter(
        ParameterBuilder::new()
            .name("format")
            .parameter_in(ParameterIn::Query)
            .required(Required::True)
            .schema(Some(string().enum_values(Some(formats))))
            .build(),
    )
    .response(
        "200",
        ResponseBuilder::new()
            .description("The file")
            .content("text/csv", ContentBuilder::new().build())
            .build(),
    )
    .response("404", problem("No such organisation, or one the caller may not read"))
    .response("422", problem("An unknown format"))
    .build()
}

fn import_op(info: &KindInfo) -> Operation {
    base_op(
        info,
        "Import the register from a spreadsheet (multipart: organisation_id, file, mapping?, dry_run? — true by default); all rows or none".into(),
    )
    .request_body(Some(
        RequestBodyBuilder::new()
            .content("multipart/form-data", ContentBuilder::new().build())
            .build(),
    ))
    .response("200", json_response("The report", ObjectBuilder::new().into()))
    .response("403", problem("The caller's roles do not allow it"))
    .response("422", problem("The file has errors (nothing saved), or the organisation cannot be used"))
    .build()
}
