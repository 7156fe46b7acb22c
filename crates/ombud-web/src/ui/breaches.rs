//! A breach's own pages: the risk assessment by ENISA's method, with the decision support that
//! leads the assessor to its numbers, and the documents — the notification to IMY and the letter to
//! the data subjects — ready to copy.

use super::forms::{self, Fields, Problems, SummaryItem, check_csrf};
use super::kinds::{kt, record_href, render_with};
use super::layout::Frame;
use super::{PageError, render};
use crate::AppState;
use crate::auth::UiCtx;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use ombud_app::AppError;
use ombud_app::breaches::AssessmentIn;
use ombud_domain::Lang;
use ombud_domain::breach::severity::{
    AvailabilityLoss, ConfidentialityLoss, ContextFactor, DataCategory, EaseOfIdentification,
    IntegrityLoss,
};
use ombud_domain::kernel::Kind;
use ombud_domain::register::breach::{Breaches, RISK_OPTIONS};

/// One option of a radio group, with what it means.
pub struct Opt {
    pub value: String,
    pub label: String,
    pub explanation: String,
    pub checked: bool,
}

/// One question of the assessment.
pub struct Question {
    pub name: &'static str,
    pub legend: String,
    pub hint: String,
    pub error: Option<String>,
    pub options: Vec<Opt>,
}

#[derive(Template)]
#[template(path = "breach_assessment.html")]
pub struct AssessmentPage {
    pub frame: Frame,
    pub title: String,
    pub record_href: String,
    pub name: String,
    pub action: String,
    pub version: i64,
    pub intro: String,
    /// The decision support before the DPC: the categories of data and the context factors.
    pub categories: Vec<Opt>,
    pub factors: Vec<Opt>,
    pub dpc_justification: String,
    pub dpc_justification_error: Option<String>,
    pub questions: Vec<Question>,
    pub malicious: bool,
    pub override_choices: Vec<super::forms::Choice>,
    pub justification: String,
    pub justification_error: Option<String>,
    pub form_error: Option<String>,
    pub summary: Vec<SummaryItem>,
    pub notice: Option<String>,
}

fn l(lang: Lang, sv: &'static str, en: &'static str) -> String {
    lang.pick(sv, en).to_string()
}

/// One option as (value, label, explanation).
type Choice3 = (String, String, String);

fn question(
    name: &'static str,
    legend: String,
    hint: String,
    options: Vec<Choice3>,
    chosen: &str,
    problems: &Problems,
) -> Question {
    Question {
        name,
        legend,
        hint,
        error: problems.field(&format!("a-{name}")).map(str::to_string),
        options: options
            .into_iter()
            .map(|(value, label, explanation)| Opt {
                checked: value == chosen,
                value,
                label,
                explanation,
            })
            .collect(),
    }
}

/// The options of one of the method's scales.
fn scale<T: Copy>(
    all: &[T],
    value: impl Fn(T) -> String,
    label: impl Fn(T) -> String,
    explanation: impl Fn(T) -> String,
) -> Vec<Choice3> {
    all.iter()
        .map(|v| (value(*v), label(*v), explanation(*v)))
        .collect()
}

/// What a field of the assessment is called in the error summary.
fn field_label(lang: Lang, name: &str) -> String {
    match name {
        "data_processing_context" => l(
            lang,
            "Uppgifternas art och sammanhang (DPC)",
            "Data processing context (DPC)",
        ),
        "ease_of_identification" => l(
            lang,
            "Hur lätt personerna kan identifieras (EI)",
            "Ease of identification (EI)",
        ),
        "confidentiality" => l(
            lang,
            "Förlust av konfidentialitet",
            "Loss of confidentiality",
        ),
        "integrity" => l(lang, "Förlust av riktighet", "Loss of integrity"),
        "availability" => l(lang, "Förlust av tillgänglighet", "Loss of availability"),
        "dpc_justification" => l(lang, "Motivering av DPC", "Justification of the DPC"),
        _ => l(lang, "Annan riskkategori", "Another risk category"),
    }
}

fn number(x: f64) -> String {
    // The form's values are the method's own numbers, written as the API takes them.
    let s = format!("{x}");
    s.trim_end_matches(".0").to_string()
}

fn questions(lang: Lang, f: &Fields, problems: &Problems) -> Vec<Question> {
    let dpc_hint = DataCategory::ALL
        .iter()
        .map(|c| {
            format!(
                "{} ({}): {}",
                c.label(lang),
                c.basic_score(),
                c.covers(lang)
            )
        })
        .collect::<Vec<_>>()
        .join(" ");
    vec![
        question(
            "data_processing_context",
            l(
                lang,
                "Uppgifternas art och sammanhang (DPC)",
                "Data processing context (DPC)",
            ),
            format!(
                "{} {dpc_hint}",
                l(
                    lang,
                    "Välj grundvärdet för den känsligaste kategorin av uppgifter, och justera upp eller ned om sammanhanget kräver det (t.ex. barn eller en stor mängd uppgifter om samma person; uppgifterna var redan offentliga). Motivera en justering i fältet nedan.",
                    "Choose the basic score of the most sensitive category of data, and adjust it up or down when the context calls for it (e.g. children or much data about the same person; the data was public already). Justify an adjustment in the field below.",
                )
            ),
            scale(
                &[1u8, 2, 3, 4],
                |v| v.to_string(),
                |v| v.to_string(),
                |v| match v {
                    1 => l(
                        lang,
                        "Enkla uppgifter, inga slutsatser om personen.",
                        "Simple data, no inferences about the person.",
                    ),
                    2 => l(
                        lang,
                        "Beteende, eller slutsatser om social eller ekonomisk ställning.",
                        "Behaviour, or inferences about social or financial status.",
                    ),
                    3 => l(
                        lang,
                        "Ekonomiska uppgifter, eller slutsatser om hälsa, sexualitet, politisk eller religiös övertygelse.",
                        "Financial data, or inferences about health, sexuality, political or religious beliefs.",
                    ),
                    _ => l(
                        lang,
                        "Känsliga uppgifter, eller avgörande för personens säkerhet (t.ex. skyddad identitet, barn).",
                        "Sensitive data, or critical to the person's safety (e.g. protected identity, children).",
                    ),
                },
            ),
            f.get("data_processing_context"),
            problems,
        ),
        question(
            "ease_of_identification",
            l(
                lang,
                "Hur lätt personerna kan identifieras (EI)",
                "Ease of identification (EI)",
            ),
            l(
                lang,
                "Välj den högsta nivån som gäller, med alla medel som rimligen kan användas.",
                "Choose the highest level that applies, by all means reasonably likely to be used.",
            ),
            scale(
                EaseOfIdentification::ALL,
                |v| number(v.value()),
                |v| format!("{} ({})", v.label(lang), number(v.value())),
                |v| v.explanation(lang).to_string(),
            ),
            f.get("ease_of_identification"),
            problems,
        ),
        question(
            "confidentiality",
            l(
                lang,
                "Förlust av konfidentialitet",
                "Loss of confidentiality",
            ),
            String::new(),
            scale(
                ConfidentialityLoss::ALL,
                |v| number(v.value()),
                |v| format!("{} (+{})", v.label(lang), number(v.value())),
                |v| v.explanation(lang).to_string(),
            ),
            f.get("confidentiality"),
            problems,
        ),
        question(
            "integrity",
            l(lang, "Förlust av riktighet", "Loss of integrity"),
            String::new(),
            scale(
                IntegrityLoss::ALL,
                |v| number(v.value()),
                |v| format!("{} (+{})", v.label(lang), number(v.value())),
                |v| v.explanation(lang).to_string(),
            ),
            f.get("integrity"),
            problems,
        ),
        question(
            "availability",
            l(lang, "Förlust av tillgänglighet", "Loss of availability"),
            String::new(),
            scale(
                AvailabilityLoss::ALL,
                |v| number(v.value()),
                |v| format!("{} (+{})", v.label(lang), number(v.value())),
                |v| v.explanation(lang).to_string(),
            ),
            f.get("availability"),
            problems,
        ),
    ]
}

async fn assessment_page(
    state: &AppState,
    ctx: &ombud_app::Caller,
    id: &str,
    f: &Fields,
    problems: Problems,
) -> Result<AssessmentPage, PageError> {
    let view = state.app.read::<Breaches>(ctx, id).await?;
    if !view.may_edit {
        return Err(PageError::Forbidden);
    }
    let lang = ctx.lang;
    let r = &view.record;
    let href = record_href(Kind::Breach, r.id.as_str());
    let chosen_override = f.get("override_category").to_string();
    let mut override_choices = vec![super::forms::Choice::new(
        "",
        l(
            lang,
            "Ingen: använd den beräknade kategorin",
            "None: use the computed category",
        ),
        chosen_override.is_empty(),
    )];
    override_choices.extend(
        RISK_OPTIONS.iter().map(|o| {
            super::forms::Choice::new(o.code, o.label.get(lang), chosen_override == o.code)
        }),
    );
    Ok(AssessmentPage {
        frame: Frame::new(state, ctx, &format!("{href}/riskbedomning"), "incidenter"),
        title: l(lang, "Riskbedömning", "Risk assessment"),
        name: r.details.title().to_string(),
        action: format!("{href}/riskbedomning"),
        record_href: href,
        version: r.version,
        intro: l(
            lang,
            "Bedömningen följer ENISA:s metod för allvarlighetsgrad (v1.0, 2013): allvarlighet = DPC × EI + omständigheter. Resultatet förs till riktlinjens fyra riskkategorier och ger ett förslag om anmälan, som dataskyddsombudet bekräftar eller ändrar.",
            "The assessment follows ENISA's severity method (v1.0, 2013): severity = DPC × EI + circumstances. The result maps to the guideline's four risk categories and gives a proposal on notification, which the DPO confirms or changes.",
        ),
        categories: DataCategory::ALL
            .iter()
            .map(|c| Opt {
                value: c.as_str().into(),
                label: format!("{} ({})", c.label(lang), c.basic_score()),
                explanation: c.covers(lang).into(),
                checked: f.all("data_categories").iter().any(|v| v == c.as_str()),
            })
            .collect(),
        factors: ContextFactor::ALL
            .iter()
            .map(|c| Opt {
                value: c.as_str().into(),
                label: format!(
                    "{} ({})",
                    c.label(lang),
                    if c.increases() { "+" } else { "−" }
                ),
                explanation: c.explanation(lang).into(),
                checked: f.all("context_factors").iter().any(|v| v == c.as_str()),
            })
            .collect(),
        dpc_justification: f.get("dpc_justification").to_string(),
        dpc_justification_error: problems.field("a-dpc_justification").map(str::to_string),
        questions: questions(lang, f, &problems),
        malicious: f.checked("malicious"),
        override_choices,
        justification: f.get("override_justification").to_string(),
        justification_error: problems
            .field("a-category_override.justification")
            .map(str::to_string),
        form_error: problems.form.clone(),
        summary: forms::summary([&problems]),
        notice: None,
    })
}

/// `GET /incidenter/{id}/riskbedomning`: the form, filled with the assessment on record.
pub async fn assessment(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let view = state.app.read::<Breaches>(&ctx, &id).await?;
    let mut kept = Vec::new();
    if let Some(a) = &view.record.details.assessment {
        let i = ombud_domain::breach::severity::AssessmentInput::from(a.input);
        kept.extend([
            (
                "data_processing_context",
                i.data_processing_context.to_string(),
            ),
            ("ease_of_identification", number(i.ease_of_identification)),
            ("confidentiality", number(i.confidentiality)),
            ("integrity", number(i.integrity)),
            ("availability", number(i.availability)),
        ]);
        if i.malicious {
            kept.push(("malicious", "1".into()));
        }
        if let Some(ans) = &a.answers {
            let list = |k: &str| -> Vec<String> {
                ans.get(k)
                    .and_then(serde_json::Value::as_array)
                    .map(|v| {
                        v.iter()
                            .filter_map(|x| x.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default()
            };
            kept.extend(
                list("data_categories")
                    .into_iter()
                    .map(|c| ("data_categories", c)),
            );
            kept.extend(
                list("context_factors")
                    .into_iter()
                    .map(|c| ("context_factors", c)),
            );
            if let Some(j) = ans
                .get("dpc_justification")
                .and_then(serde_json::Value::as_str)
            {
                kept.push(("dpc_justification", j.to_string()));
            }
        }
        if let Some(o) = &a.category_override {
            kept.push(("override_category", o.category.as_str().into()));
            kept.push(("override_justification", o.justification.clone()));
        }
    }
    let f = Fields(kept.into_iter().map(|(k, v)| (k.to_string(), v)).collect());
    Ok(render(
        &assessment_page(&state, &ctx, &id, &f, Problems::default()).await?,
    ))
}

/// `POST /incidenter/{id}/riskbedomning`.
pub async fn assess(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    check_csrf(&ctx, &headers, &f)?;
    let lang = ctx.lang;
    let mut problems = Problems::default();
    let mut read = |name: &str| -> f64 {
        match f.get(name).trim().parse::<f64>() {
            Ok(v) => v,
            Err(_) => {
                problems.push(
                    &format!("a-{name}"),
                    field_label(lang, name),
                    l(
                        lang,
                        "Välj ett av alternativen.",
                        "Choose one of the options.",
                    ),
                );
                f64::NAN
            }
        }
    };
    let dpc = read("data_processing_context");
    let ei = read("ease_of_identification");
    let c = read("confidentiality");
    let i = read("integrity");
    let a = read("availability");
    let category = f.get("override_category").trim().to_string();
    // The decision support's answers: the categories of data and the context factors that led to
    // the DPC. A DPC other than the highest basic score of the categories chosen needs its reason
    // (ENISA §2: a changed score is explained).
    let categories: Vec<DataCategory> = f
        .all("data_categories")
        .iter()
        .filter_map(|c| DataCategory::parse(c))
        .collect();
    let factors: Vec<ContextFactor> = f
        .all("context_factors")
        .iter()
        .filter_map(|c| ContextFactor::parse(c))
        .collect();
    let justification = f.get("dpc_justification").trim().to_string();
    let basic = categories.iter().map(|c| c.basic_score()).max();
    if let Some(b) = basic
        && dpc.is_finite()
        && f64::from(b) != dpc
        && justification.is_empty()
    {
        problems.push(
            "a-dpc_justification",
            field_label(lang, "dpc_justification"),
            l(
                lang,
                "Motivera varför DPC skiljer sig från grundvärdet för de valda kategorierna.",
                "Say why the DPC differs from the basic score of the categories chosen.",
            ),
        );
    }
    if justification.chars().count() > ombud_domain::breach::JUSTIFICATION_MAX {
        problems.push(
            "a-dpc_justification",
            field_label(lang, "dpc_justification"),
            ombud_domain::Rule::TooLong {
                max: ombud_domain::breach::JUSTIFICATION_MAX,
            }
            .message(lang),
        );
    }
    let answers = serde_json::json!({
        "data_categories": categories.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        "context_factors": factors.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        "dpc_justification": justification,
    });
    let input = AssessmentIn {
        data_processing_context: if dpc.is_finite() { dpc as i64 } else { 0 },
        ease_of_identification: ei,
        confidentiality: c,
        integrity: i,
        availability: a,
        malicious: f.checked("malicious"),
        category_override: (!category.is_empty())
            .then(|| (category, f.get("override_justification").to_string())),
        answers: Some(answers),
    };
    let status = if problems.fields.is_empty() {
        match state
            .app
            .assess_breach(&ctx, &id, Some(f.version()), input)
            .await
        {
            Ok(r) => {
                let to = format!(
                    "{}?klart=assessment#risk",
                    record_href(Kind::Breach, r.id.as_str())
                );
                return Ok(Redirect::to(&to).into_response());
            }
            Err(AppError::Invalid(list)) => {
                for inv in list {
                    let id = format!("a-{}", inv.field);
                    if problems.field(&id).is_none() {
                        problems.push(&id, field_label(lang, inv.field), inv.rule.message(lang));
                    }
                }
                StatusCode::UNPROCESSABLE_ENTITY
            }
            Err(AppError::Stale { .. }) => {
                problems.form = Some(kt(lang, Kind::Breach, "stale"));
                StatusCode::CONFLICT
            }
            Err(e) => return Err(e.into()),
        }
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = assessment_page(&state, &ctx, &id, &f, problems).await?;
    Ok(render_with(status, &page))
}

/// One notification to IMY as sent.
pub struct SentNoticeRow {
    pub title: String,
    pub sent: String,
    pub by: String,
    pub pdf: String,
}

#[derive(Template)]
#[template(path = "breach_documents.html")]
pub struct DocumentsPage {
    pub frame: Frame,
    pub record_href: String,
    pub name: String,
    pub notice_title: String,
    pub notice_text: String,
    pub notice_missing: Vec<&'static str>,
    pub letter: String,
    pub letter_missing: Vec<&'static str>,
    pub sent: Vec<SentNoticeRow>,
    pub may_record: bool,
    pub version: i64,
    pub action: String,
    pub sent_at: String,
    pub imy_reference: String,
    pub sent_at_error: Option<String>,
    pub form_error: Option<String>,
    pub summary: Vec<SummaryItem>,
    pub notice: Option<String>,
}

async fn documents_page(
    state: &AppState,
    ctx: &ombud_app::Caller,
    id: &str,
    f: &Fields,
    problems: &Problems,
    flash: Option<String>,
) -> Result<DocumentsPage, PageError> {
    let lang = ctx.lang;
    let d = state.app.breach_documents(ctx, id).await?;
    let href = record_href(Kind::Breach, id);
    let now = ombud_domain::time::to_local_rfc3339(jiff::Timestamp::now());
    Ok(DocumentsPage {
        frame: Frame::new(state, ctx, &format!("{href}/dokument"), "incidenter"),
        action: format!("{href}/dokument/skickad"),
        name: d.title,
        notice_title: ombud_app::breaches::notice_title(d.phase, lang),
        notice_text: d.notice,
        notice_missing: d.notice_missing,
        letter: d.letter,
        letter_missing: d.letter_missing,
        sent: d
            .sent
            .iter()
            .map(|n| SentNoticeRow {
                title: ombud_app::breaches::notice_title(n.phase(), lang),
                sent: ombud_domain::breach::clock::display_stockholm(n.sent_at),
                by: n.recorded_by.clone(),
                pdf: format!("{href}/dokument/imy.pdf?omgang={}", n.phase),
            })
            .collect(),
        may_record: d.may_record,
        version: d.version,
        sent_at: if f.get("sent_at").is_empty() {
            now.get(..16).unwrap_or_default().to_string()
        } else {
            f.get("sent_at").to_string()
        },
        imy_reference: f.get("imy_reference").to_string(),
        sent_at_error: problems.field("s-sent_at").map(str::to_string),
        form_error: problems.form.clone(),
        summary: forms::summary([problems]),
        record_href: href,
        notice: flash,
    })
}

/// `GET /incidenter/{id}/dokument`: the notification to IMY (the next to send, and those sent) and
/// the letter to the data subjects.
pub async fn documents(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<super::notices::Done>,
) -> Result<Response, PageError> {
    let flash = (q.klart == "skickad").then(|| {
        l(
            ctx.lang,
            "Anmälan är registrerad som skickad. Texten sparas som den skickades.",
            "The notification is recorded as sent. Its text is kept as it was sent.",
        )
    });
    let page = documents_page(
        &state,
        &ctx,
        &id,
        &Fields::default(),
        &Problems::default(),
        flash,
    )
    .await?;
    Ok(render(&page))
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct PdfQuery {
    /// A notification sent, by its phase; without it, the draft of the next.
    pub omgang: Option<u16>,
}

/// `GET /incidenter/{id}/dokument/imy.pdf`: a notification to IMY as PDF.
pub async fn notice_pdf(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<PdfQuery>,
) -> Result<Response, PageError> {
    use ombud_app::breaches::BreachDocument;
    Ok(crate::download(
        state
            .app
            .breach_pdf(&ctx, &id, BreachDocument::Notice(q.omgang))
            .await?,
    ))
}

/// `GET /incidenter/{id}/dokument/brev.pdf`: the letter to the data subjects as PDF.
pub async fn letter_pdf(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    use ombud_app::breaches::BreachDocument;
    Ok(crate::download(
        state
            .app
            .breach_pdf(&ctx, &id, BreachDocument::Letter)
            .await?,
    ))
}

/// `POST /incidenter/{id}/dokument/skickad`: records that the next notification was sent. The time
/// is Stockholm's wall clock; on a day the clocks change, an hour that does not exist or occurs twice
/// is refused rather than guessed.
pub async fn record_sent(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    use ombud_domain::time::{Local, parse_local, resolve_local};
    check_csrf(&ctx, &headers, &f)?;
    let lang = ctx.lang;
    let mut problems = Problems::default();
    let label = l(lang, "Skickad", "Sent");
    let sent_at = match parse_local(f.get("sent_at")).map(resolve_local) {
        Some(Local::Unique(t)) => Some(t),
        Some(Local::Twice { .. }) => {
            problems.push(
                "s-sent_at",
                label.clone(),
                l(
                    lang,
                    "Klockslaget inträffar två gånger när klockan ställs om. Ange en tid utanför den timmen, eller registrera via API:t med tidszon.",
                    "The time occurs twice when the clocks change. Give a time outside that hour, or record it through the API with an offset.",
                ),
            );
            None
        }
        Some(Local::Skipped { .. }) => {
            problems.push(
                "s-sent_at",
                label.clone(),
                l(
                    lang,
                    "Klockslaget finns inte den dagen, eftersom klockan ställs fram.",
                    "The time does not exist that day, as the clocks go forward.",
                ),
            );
            None
        }
        None => {
            problems.push(
                "s-sent_at",
                label.clone(),
                ombud_domain::Rule::InvalidInstant.message(lang),
            );
            None
        }
    };
    let status = if let Some(at) = sent_at {
        let reference = Some(f.get("imy_reference").to_string());
        match state
            .app
            .record_imy_notice(&ctx, &id, Some(f.version()), Some(at), reference)
            .await
        {
            Ok(r) => {
                let to = format!(
                    "{}/dokument?klart=skickad",
                    record_href(Kind::Breach, r.id.as_str())
                );
                return Ok(Redirect::to(&to).into_response());
            }
            Err(AppError::Invalid(list)) => {
                for inv in list {
                    let text = if inv.field == "delay_reason" {
                        l(
                            lang,
                            "Anmälan görs mer än 72 timmar efter kännedom. Ange skälen till förseningen på incidenten först (artikel 33.1).",
                            "The notification comes more than 72 hours after awareness. Give the reasons for the delay on the breach first (article 33.1).",
                        )
                    } else {
                        inv.rule.message(lang)
                    };
                    problems.push("s-sent_at", label.clone(), text);
                }
                StatusCode::UNPROCESSABLE_ENTITY
            }
            Err(AppError::Stale { .. }) => {
                problems.form = Some(kt(lang, Kind::Breach, "stale"));
                StatusCode::CONFLICT
            }
            Err(e) => return Err(e.into()),
        }
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = documents_page(&state, &ctx, &id, &f, &problems, None).await?;
    Ok(render_with(status, &page))
}

#[derive(Template)]
#[template(path = "breach_dpo.html")]
pub struct DpoPage {
    pub frame: Frame,
    pub record_href: String,
    pub action: String,
    pub name: String,
    pub version: i64,
    pub category: String,
    pub proposal: String,
    pub notify: bool,
    pub inform: bool,
    pub reason: String,
    pub reason_error: Option<String>,
    pub form_error: Option<String>,
    pub summary: Vec<SummaryItem>,
    pub notice: Option<String>,
}

/// The DPO's form, filled with their position on record (when it answers the category in force),
/// else with the proposal.
async fn dpo_page(
    state: &AppState,
    ctx: &ombud_app::Caller,
    id: &str,
    chosen: Option<(bool, bool, String)>,
    problems: Problems,
) -> Result<DpoPage, PageError> {
    let lang = ctx.lang;
    let view = state.app.read::<Breaches>(ctx, id).await?;
    let d = &view.record.details;
    let category = d.risk_category().ok_or(PageError::NotFound)?;
    let proposed = category.proposal().except(d.art34());
    let (notify, inform, reason) = chosen.unwrap_or_else(|| {
        let position = d.position().unwrap_or(proposed);
        let reason = d
            .dpo_decision
            .as_ref()
            .filter(|dd| dd.category == category)
            .and_then(|dd| dd.reason.clone())
            .unwrap_or_default();
        (position.notify_imy, position.inform_subjects, reason)
    });
    let href = record_href(Kind::Breach, id);
    Ok(DpoPage {
        frame: Frame::new(
            state,
            ctx,
            &format!("{href}/dpo-stallningstagande"),
            "incidenter",
        ),
        action: format!("{href}/dpo-stallningstagande"),
        record_href: href,
        name: d.title().to_string(),
        version: view.record.version,
        category: category.label(lang).to_string(),
        proposal: proposed.text(lang),
        notify,
        inform,
        reason,
        reason_error: problems.field("d-reason").map(str::to_string),
        form_error: problems.form.clone(),
        summary: forms::summary([&problems]),
        notice: None,
    })
}

/// `GET /incidenter/{id}/dpo-stallningstagande`: only the DPO where the breach is takes this step.
pub async fn dpo_form(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    state.app.may_decide_as_dpo(&ctx, &id).await?;
    Ok(render(
        &dpo_page(&state, &ctx, &id, None, Problems::default()).await?,
    ))
}

/// `POST /incidenter/{id}/dpo-stallningstagande`.
pub async fn dpo_decide(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    use ombud_domain::register::breach::DpoAnswer;
    check_csrf(&ctx, &headers, &f)?;
    let lang = ctx.lang;
    let notify = f.get("notify_imy") == "ja";
    let inform = f.get("inform_subjects") == "ja";
    let reason = f.get("reason").to_string();
    let answer = DpoAnswer::Change {
        notify_imy: notify,
        inform_subjects: inform,
        reason: Some(reason.clone()),
    };
    let mut problems = Problems::default();
    let status = match state
        .app
        .decide_as_dpo(&ctx, &id, Some(f.version()), answer)
        .await
    {
        Ok(r) => {
            let to = format!(
                "{}?klart=dpo#risk",
                record_href(Kind::Breach, r.id.as_str())
            );
            return Ok(Redirect::to(&to).into_response());
        }
        Err(AppError::Invalid(list)) => {
            for inv in list {
                let text = if inv.field == "reason" && inv.rule == ombud_domain::Rule::Required {
                    l(
                        lang,
                        "Ange skälen när du avviker från förslaget.",
                        "Give your reasons when you depart from the proposal.",
                    )
                } else {
                    inv.rule.message(lang)
                };
                problems.push("d-reason", l(lang, "Skäl", "Reason"), text);
            }
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Err(AppError::Stale { .. }) => {
            problems.form = Some(kt(lang, Kind::Breach, "stale"));
            StatusCode::CONFLICT
        }
        Err(e) => return Err(e.into()),
    };
    let page = dpo_page(&state, &ctx, &id, Some((notify, inform, reason)), problems).await?;
    Ok(render_with(status, &page))
}
