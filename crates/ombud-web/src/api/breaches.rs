//! What a breach has that other kinds do not: its risk assessment, through a door of its own (ENISA's
//! severity method, mapped to the guideline's four risk categories).

use super::kinds::record_json;
use super::{ApiJson, etag_headers, if_match};
use crate::AppState;
use crate::auth::ApiCtx;
use crate::error::{ApiError, Problem};
use crate::routes::{Access, ApiRoutes};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use ombud_app::breaches::AssessmentIn;
use ombud_app::notices::BreachNotice;
use ombud_domain::authz::Action;
use ombud_domain::kernel::Kind;
use ombud_domain::register::breach::Breaches;
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::ToSchema;
use utoipa_axum::routes;

pub fn routes(r: ApiRoutes) -> ApiRoutes {
    r.add_for(
        Some(Kind::Breach),
        Access::Record(Action::Edit(Kind::Breach)),
        routes!(put_assessment),
    )
    .add_for(
        Some(Kind::Breach),
        Access::Organisation(Action::Read(Kind::Breach)),
        routes!(breach_figures),
    )
    // The DPO's own door: Edit, and the DPO's role where the breach is (checked by the service).
    .add_for(
        Some(Kind::Breach),
        Access::Record(Action::Edit(Kind::Breach)),
        routes!(put_dpo_decision),
    )
    .add_for(
        Some(Kind::Breach),
        Access::Record(Action::Read(Kind::Breach)),
        routes!(get_imy_notice),
    )
    .add_for(
        Some(Kind::Breach),
        Access::Record(Action::Edit(Kind::Breach)),
        routes!(record_imy_notice),
    )
    .add_for(
        Some(Kind::Breach),
        Access::Record(Action::Read(Kind::Breach)),
        routes!(list_sent_notices),
    )
    .add_for(
        Some(Kind::Breach),
        Access::Record(Action::Edit(Kind::Breach)),
        routes!(send_notices),
    )
    // The inbox: notices to the controllers where the caller reads breaches at the controller itself.
    .add(Access::SignedIn, routes!(inbox))
    .add(
        Access::Record(Action::Read(Kind::Breach)),
        routes!(get_notice),
    )
    .add(
        Access::Record(Action::Create(Kind::Breach)),
        routes!(register_notice),
    )
}

/// A timestamp kept in storage form, as the API writes instants (RFC 3339, UTC).
fn instant(stored: &str) -> Value {
    ombud_domain::time::from_storage(stored).map_or(Value::Null, |t| Value::String(t.to_string()))
}

/// A notice as its recipient reads it: who told them and when, their own deadline (72 hours from
/// being told), the shared facts, and the breach they registered from it.
fn notice_for_recipient(n: &BreachNotice) -> Value {
    let deadline = ombud_domain::time::from_storage(&n.sent_at)
        .map(ombud_domain::breach::shared::their_deadline);
    json!({
        "id": n.id,
        "from": n.from_name,
        "to": { "id": n.to_controller_id, "name": n.to_name },
        "sent_at": instant(&n.sent_at),
        "sent_by": { "name": n.sent_by_name, "email": n.sent_by_email },
        "imy_deadline": deadline.map(|t| t.to_string()),
        "facts": n.facts,
        "read_at": n.read_at.as_deref().map(instant),
        "read_by": n.read_by_name,
        "registered_breach_id": n.registered_breach_id,
    })
}

/// A notice as its sender sees it: to whom, when, what was shared, and when it was read there.
fn notice_for_sender(n: &BreachNotice) -> Value {
    json!({
        "id": n.id,
        "to": { "id": n.to_controller_id, "name": n.to_name },
        "sent_at": instant(&n.sent_at),
        "sent_by": { "name": n.sent_by_name, "email": n.sent_by_email },
        "facts": n.facts,
        "read_at": n.read_at.as_deref().map(instant),
        "read_by": n.read_by_name,
    })
}

/// The notices sent from a breach to other controllers of this Ombud (newest first), with when each
/// was read there; and `controllers`, those a notice may be sent to (the city's other controllers,
/// by id and name).
#[utoipa::path(get, path = "/api/v1/breaches/{id}/notices", tag = "breaches",
    params(("id" = String, Path)),
    responses((status = 200, description = "The notices sent"), (status = 404, body = Problem)))]
pub async fn list_sent_notices(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let s = state.app.sent_notices(&ctx, &id).await?;
    Ok(Json(json!({
        "items": s.sent.iter().map(notice_for_sender).collect::<Vec<_>>(),
        "controllers": s.controllers.iter().map(|c| json!({ "id": c.id, "name": c.name })).collect::<Vec<_>>(),
    })))
}

/// Whom to tell, and what to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticeBody {
    /// The controllers of this Ombud to tell (1–50), never the breach's own.
    pub controller_ids: Vec<String>,
    /// A note to them (who to contact, what is asked of them); at most 4,000 characters.
    pub message: Option<String>,
}

/// Tell other controllers of this Ombud of the breach, at once: each receives a notice in its breach
/// inbox with the shared facts (what happened, when, whose data and how much, the nature, the cause,
/// the measures) and never the breach's internal notes, assessment or decisions; its 72 hours run
/// from now. Its breach handlers are told by e-mail. Answers 201 with the notices sent.
#[utoipa::path(post, path = "/api/v1/breaches/{id}/notices", tag = "breaches",
    params(("id" = String, Path)),
    request_body = NoticeBody,
    responses((status = 201, description = "The notices sent"), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn send_notices(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NoticeBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let sent = state
        .app
        .send_breach_notices(&ctx, &id, &body.controller_ids, body.message.as_deref())
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "items": sent.iter().map(notice_for_sender).collect::<Vec<_>>() })),
    ))
}

/// The breach inbox: notices from other controllers of this Ombud to the controllers where the
/// caller handles breaches (a role that reads breaches, held at the controller itself). Unread
/// first, then newest; at most 500.
#[utoipa::path(get, path = "/api/v1/breach-notices", tag = "breaches",
    responses((status = 200, description = "The notices")))]
pub async fn inbox(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
) -> Result<Json<Value>, ApiError> {
    let items = state.app.breach_inbox(&ctx).await?;
    Ok(Json(json!({
        "items": items.iter().map(notice_for_recipient).collect::<Vec<_>>(),
        "next": Value::Null,
    })))
}

/// One notice of the inbox. The first reading at the recipient is recorded (`read_at`,
/// `read_by`), and the sender sees it. `imy_deadline` is the recipient's own: 72 hours from when
/// they were told.
#[utoipa::path(get, path = "/api/v1/breach-notices/{id}", tag = "breaches",
    params(("id" = String, Path)),
    responses((status = 200, description = "The notice"), (status = 404, body = Problem)))]
pub async fn get_notice(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let n = state.app.open_breach_notice(&ctx, &id).await?;
    Ok(Json(notice_for_recipient(&n)))
}

/// Register the breach of a notice as the recipient's own, in the controller it was sent to: aware
/// (and discovered) when the notice was sent, so the 72 hours run from then. Answers 201 with the new
/// breach, as `POST /api/v1/breaches` does; 409 when it is registered already.
#[utoipa::path(post, path = "/api/v1/breach-notices/{id}/breach", tag = "breaches",
    params(("id" = String, Path)),
    responses((status = 201, description = "The breach registered"), (status = 404, body = Problem),
              (status = 409, body = Problem)))]
pub async fn register_notice(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> Result<(StatusCode, HeaderMap, Json<Value>), ApiError> {
    let r = state.app.register_breach_notice(&ctx, &id).await?;
    let version = r.version;
    let path = format!("/api/v1/breaches/{}", r.id.as_str());
    let view = state.app.view::<Breaches>(&ctx, r).await?;
    Ok(super::kinds::created(
        path,
        version,
        record_json::<Breaches>(&view, ctx.lang),
    ))
}

/// Which year's figures.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct YearQuery {
    /// The calendar year (Swedish time) the breaches became known; this year when left out.
    pub year: Option<i16>,
}

impl YearQuery {
    /// The year asked for, this year when left out; refused outside 1900–9999.
    pub fn year(&self) -> Result<i16, ApiError> {
        let year = self.year.unwrap_or_else(|| ombud_app::today().year());
        if (1900..=9999).contains(&year) {
            Ok(year)
        } else {
            Err(ombud_app::AppError::from(ombud_domain::Invalid::new(
                "year",
                ombud_domain::Rule::InvalidValue,
            ))
            .into())
        }
    }
}

/// The breach figures of the annual report for an organisation and what lies under it, for one
/// year: breaches documented, judged reportable to IMY and to the data subjects, notified within 72
/// hours, median and longest time from awareness to notification (ISO 8601 durations), by type and
/// by cause.
#[utoipa::path(get, path = "/api/v1/organisations/{id}/breach-figures", tag = "breaches",
    params(("id" = String, Path), YearQuery),
    responses((status = 200, description = "The year's figures"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn breach_figures(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<YearQuery>,
) -> Result<Json<Value>, ApiError> {
    let year = q.year()?;
    let f = state.app.breach_figures(&ctx, &id, year).await?;
    Ok(Json(
        serde_json::to_value(f).map_err(|e| ApiError::Internal(e.to_string()))?,
    ))
}

/// A category set instead of the computed one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryOverrideIn {
    /// `obetydlig`, `begransad`, `betydande` or `mycket_allvarlig`.
    pub category: String,
    /// Why: required, kept in the history.
    pub justification: String,
}

/// The inputs of ENISA's severity method (v1.0, Dec 2013): SE = DPC × EI + CB.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessmentBody {
    /// Data processing context, 1–4.
    pub data_processing_context: i64,
    /// Ease of identification: 0.25, 0.5, 0.75 or 1.
    pub ease_of_identification: f64,
    /// Loss of confidentiality: 0, 0.25 or 0.5.
    pub confidentiality: f64,
    /// Loss of integrity: 0, 0.25 or 0.5.
    pub integrity: f64,
    /// Loss of availability: 0, 0.25 or 0.5.
    pub availability: f64,
    /// Malicious intent (adds 0.5).
    pub malicious: bool,
    pub category_override: Option<CategoryOverrideIn>,
    /// The decision support's answers (data categories, context factors, reasons), kept as given.
    #[schema(value_type = Option<Object>)]
    pub answers: Option<Value>,
}

/// Record the breach's risk assessment. Answers the whole breach with `severity_score`,
/// `risk_category` (`obetydlig`, `begransad`, `betydande`, `mycket_allvarlig`) and the proposals
/// that follow (`notify_imy_proposed`, `inform_subjects_proposed`).
#[utoipa::path(put, path = "/api/v1/breaches/{id}/assessment", tag = "breaches",
    params(("id" = String, Path), ("If-Match" = Option<String>, Header)),
    request_body = AssessmentBody,
    responses((status = 200, description = "The breach"), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn put_assessment(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<AssessmentBody>,
) -> Result<(HeaderMap, Json<Value>), ApiError> {
    let input = AssessmentIn {
        data_processing_context: body.data_processing_context,
        ease_of_identification: body.ease_of_identification,
        confidentiality: body.confidentiality,
        integrity: body.integrity,
        availability: body.availability,
        malicious: body.malicious,
        category_override: body
            .category_override
            .map(|o| (o.category, o.justification)),
        answers: body.answers,
    };
    let saved = state
        .app
        .assess_breach(&ctx, &id, if_match(&headers), input)
        .await?;
    let h = etag_headers(saved.version);
    let view = state.app.view::<Breaches>(&ctx, saved).await?;
    Ok((h, Json(record_json::<Breaches>(&view, ctx.lang))))
}

/// The DPO's position on the proposal.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DpoDecisionBody {
    /// `true`: the proposal stands as the category gives it. `false`: the DPO changes it, giving
    /// `notify_imy`, `inform_subjects` and the `reason`.
    pub confirm: bool,
    pub notify_imy: Option<bool>,
    pub inform_subjects: Option<bool>,
    /// Required for a change; a remark when confirming. At most 4,000 characters.
    pub reason: Option<String>,
}

/// The data protection officer confirms the proposal that follows from the risk category, or
/// changes it with a reason (kept in the history). Only the DPO where the breach is takes this
/// step; it also records that the DPO was consulted. Answers the whole breach; its `dpo_decision`
/// holds the position and the category it answers.
#[utoipa::path(put, path = "/api/v1/breaches/{id}/dpo-decision", tag = "breaches",
    params(("id" = String, Path), ("If-Match" = Option<String>, Header)),
    request_body = DpoDecisionBody,
    responses((status = 200, description = "The breach"), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn put_dpo_decision(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<DpoDecisionBody>,
) -> Result<(HeaderMap, Json<Value>), ApiError> {
    use ombud_domain::register::breach::DpoAnswer;
    let answer = if body.confirm {
        DpoAnswer::Confirm {
            remark: body.reason,
        }
    } else {
        let need = |v: Option<bool>, field: &'static str| {
            v.ok_or_else(|| {
                ombud_app::AppError::from(ombud_domain::Invalid::new(
                    field,
                    ombud_domain::Rule::Required,
                ))
            })
        };
        DpoAnswer::Change {
            notify_imy: need(body.notify_imy, "notify_imy")?,
            inform_subjects: need(body.inform_subjects, "inform_subjects")?,
            reason: body.reason,
        }
    };
    let saved = state
        .app
        .decide_as_dpo(&ctx, &id, if_match(&headers), answer)
        .await?;
    let h = etag_headers(saved.version);
    let view = state.app.view::<Breaches>(&ctx, saved).await?;
    Ok((h, Json(record_json::<Breaches>(&view, ctx.lang))))
}

/// Which notification, in which form.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct NoticeQuery {
    /// A notification sent: 0 the first, 1… its supplements. Left out: the draft of the next.
    pub phase: Option<u16>,
    /// `json` (default), `text` or `pdf`.
    pub format: Option<String>,
}

/// The notification to IMY with every item of art. 33.3: the draft of the next one to send (the
/// first, or the next supplement, art. 33.4) with the items still missing, or one sent, as it was
/// sent. `format=text` answers the plain text to copy into IMY's e-service; `format=pdf` a PDF.
#[utoipa::path(get, path = "/api/v1/breaches/{id}/imy-notice", tag = "breaches",
    params(("id" = String, Path), NoticeQuery),
    responses((status = 200, description = "The notification"), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn get_imy_notice(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<NoticeQuery>,
) -> Result<axum::response::Response, ApiError> {
    use axum::http::header;
    use axum::response::IntoResponse;
    use ombud_app::breaches::BreachDocument;
    match q.format.as_deref().unwrap_or("json") {
        "pdf" => {
            let f = state
                .app
                .breach_pdf(&ctx, &id, BreachDocument::Notice(q.phase))
                .await?;
            Ok(crate::download(f))
        }
        format @ ("json" | "text") => {
            let d = state.app.breach_documents(&ctx, &id).await?;
            let (phase, text, missing, sent_at) = match q.phase {
                Some(p) => {
                    let sent = d
                        .sent
                        .iter()
                        .find(|n| n.phase == p)
                        .ok_or(ApiError::NotFound)?;
                    (
                        p,
                        sent.text.clone(),
                        Vec::new(),
                        Some(sent.sent_at.to_string()),
                    )
                }
                None => (
                    match d.phase {
                        ombud_domain::breach::Phase::First => 0,
                        ombud_domain::breach::Phase::Supplement(n) => n,
                    },
                    d.notice.clone(),
                    d.notice_missing.clone(),
                    None,
                ),
            };
            if format == "text" {
                return Ok(
                    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response(),
                );
            }
            Ok(Json(json!({
                "phase": phase,
                "sent_at": sent_at,
                "text": text,
                "missing": missing,
                "sent": d.sent.iter().map(|n| json!({
                    "phase": n.phase, "sent_at": n.sent_at.to_string(), "recorded_by": n.recorded_by,
                })).collect::<Vec<_>>(),
            }))
            .into_response())
        }
        _ => Err(ombud_app::AppError::from(ombud_domain::Invalid::new(
            "format",
            ombud_domain::Rule::InvalidValue,
        ))
        .into()),
    }
}

/// When the notification was sent.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImyNoticeBody {
    /// RFC 3339 with an offset; now when left out.
    pub sent_at: Option<String>,
    /// IMY's case number, from its acknowledgement.
    pub imy_reference: Option<String>,
}

/// Record that the next notification to IMY was sent (the first, or the next supplement): its text
/// is kept as drafted then, dated when sent. The first sets `imy_notified_at`; after the 72 hours it
/// needs `delay_reason` on record (art. 33.1). Answers the whole breach.
#[utoipa::path(post, path = "/api/v1/breaches/{id}/imy-notices", tag = "breaches",
    params(("id" = String, Path), ("If-Match" = Option<String>, Header)),
    request_body = ImyNoticeBody,
    responses((status = 200, description = "The breach"), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn record_imy_notice(
    State(state): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<ImyNoticeBody>,
) -> Result<(HeaderMap, Json<Value>), ApiError> {
    let sent_at = match body.sent_at.as_deref() {
        None => None,
        Some(s) => Some(ombud_domain::time::parse_instant(s).ok_or_else(|| {
            ombud_app::AppError::from(ombud_domain::Invalid::new(
                "sent_at",
                ombud_domain::Rule::InvalidInstant,
            ))
        })?),
    };
    let saved = state
        .app
        .record_imy_notice(&ctx, &id, if_match(&headers), sent_at, body.imy_reference)
        .await?;
    let h = etag_headers(saved.version);
    let view = state.app.view::<Breaches>(&ctx, saved).await?;
    Ok((h, Json(record_json::<Breaches>(&view, ctx.lang))))
}
