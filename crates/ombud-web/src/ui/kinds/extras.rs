//! What a kind's pages show that no other kind's do: the systems register's figures for the annual
//! report and a system's classification state; an agreement's watch panel and its compliance log,
//! with the form that appends to it (`POST /avtal/{id}/efterlevnadskontroller`).

use super::record::{self, Shown};
use super::{kt, record_href};
use crate::AppState;
use crate::auth::UiCtx;
use crate::ui::PageError;
use crate::ui::forms::{Fields, Problems, check_csrf};
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use ombud_app::kinds::SystemFigures;
use ombud_app::{AppError, Caller, Organisation};
use ombud_domain::Lang;
use ombud_domain::kernel::Kind;
use ombud_domain::kernel::query::Cond;
use ombud_domain::register::agreement::{Agreements, ComplianceCheck, NewComplianceCheck};
use serde_json::{Map, Value};

/// A panel of a kind's own: a heading, lines (marked when they warn) and facts.
pub struct Panel {
    pub id: &'static str,
    pub heading: String,
    pub lines: Vec<(String, bool)>,
    pub facts: Vec<(String, String, bool)>,
    /// Where to act on it, as (href, text).
    pub links: Vec<(String, String)>,
}

/// The texts a kind's own panels ask its message file for (checked by a test).
pub fn keys(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::ProcessingActivity => &[],
        Kind::Request => &[
            "deadline",
            "deadline.due",
            "deadline.overdue",
            "deadline.in-time",
            "deadline.late",
            "deadline.extended",
            "deadline.not-extended",
            "extend",
            "answer",
            "search",
            "answer.intro",
            "answer.copy",
            "answer.pdf",
            "answer.missing",
            "notice.extended",
            "figures.heading",
            "figures.scope",
            "figures.received",
            "figures.in-time",
            "figures.extended",
            "figures.refused",
            "figures.median",
            "figures.none-answered",
            "figures.by-type",
            "retention",
            "retention.intro",
            "retention.months",
            "retention.years",
            "retention.button",
            "retention.saved",
            "retention.link",
        ],
        Kind::Breach => &[
            "risk",
            "risk.deadline",
            "risk.category",
            "risk.none",
            "risk.proposal",
            "assess",
            "documents",
            "notice.assessment",
            "notice.dpo",
            "notices-link",
            "dpo.take",
            "dpo.position",
            "dpo.none",
            "dpo.confirmed",
            "dpo.changed",
            "dpo.reason",
            "inbox",
            "figures.heading",
            "figures.scope",
            "figures.documented",
            "figures.reportable-imy",
            "figures.reportable-subjects",
            "figures.within-72h",
            "figures.median",
            "figures.longest",
            "figures.no-notification",
            "figures.by-type",
            "figures.by-cause",
            "figures.no-cause",
        ],
        Kind::System => &[
            "figures.heading",
            "figures.scope",
            "figures.systems",
            "figures.classified",
            "figures.current",
            "figures.self-procured",
            "classification.heading",
            "classification.current",
            "classification.stale",
            "classification.none",
        ],
        Kind::Agreement => &[
            "watch",
            "watch.last-check",
            "watch.no-check",
            "watch.transfers",
            "watch.transfers-none",
            "watch.transfers-safe",
            "watch.transfers-missing",
            "checks",
            "checks.intro",
            "checks.none",
            "checks.caption",
            "check.checked_on",
            "check.finding",
            "check.follow_up",
            "check.follow_up_due",
            "check.recorded",
            "check.no-follow-up",
            "check.new",
            "check.new-hint",
            "check.checked_on-hint",
            "check.finding-hint",
            "check.follow_up-hint",
            "check.follow_up_due-hint",
            "check.button",
            "check.stale",
            "notice.check",
        ],
    }
}

/// Where a kind's list leads besides its records: a breach's to the inbox of notices from other
/// controllers.
pub fn list_links(kind: Kind, lang: Lang) -> Vec<(String, String)> {
    match kind {
        Kind::Breach => vec![("/incidenter/inkorg".into(), kt(lang, kind, "inbox"))],
        Kind::ProcessingActivity | Kind::System | Kind::Agreement | Kind::Request => Vec::new(),
    }
}

/// The figures a kind's list counts with its page for its panels (see [`list_panels`]).
pub fn list_figures(kind: Kind) -> &'static [Cond] {
    match kind {
        Kind::System => SystemFigures::CONDITIONS,
        Kind::ProcessingActivity | Kind::Agreement | Kind::Breach | Kind::Request => &[],
    }
}

/// The panels a kind's list shows once an organisation is chosen, given the figures counted with
/// the page ([`list_figures`]; none when the caller does not read the whole organisation).
pub async fn list_panels(
    state: &AppState,
    ctx: &Caller,
    kind: Kind,
    org: &Organisation,
    figures: &[i64],
) -> Result<Vec<Panel>, PageError> {
    match kind {
        Kind::System if figures.is_empty() => Ok(Vec::new()),
        Kind::System => Ok(vec![system_figures(ctx.lang, org, figures)]),
        Kind::Breach => Ok(vec![breach_figures(state, ctx, &org.id).await?]),
        Kind::Request => Ok(vec![request_figures(state, ctx, &org.id).await?]),
        Kind::ProcessingActivity | Kind::Agreement => Ok(Vec::new()),
    }
}

/// This year's breach figures for the annual report, with the way to the inbox of notices from
/// other controllers.
async fn breach_figures(
    state: &AppState,
    ctx: &Caller,
    organisation_id: &str,
) -> Result<Panel, PageError> {
    let lang = ctx.lang;
    let k = |key: &str| kt(lang, Kind::Breach, key);
    let year = ombud_app::today().year();
    let f = state.app.breach_figures(ctx, organisation_id, year).await?;
    let org = state
        .app
        .organisation_for_reading(ctx, organisation_id)
        .await?;
    let hours = |d: Option<jiff::SignedDuration>| {
        d.map_or_else(
            || k("figures.no-notification"),
            |d| {
                let h = d.as_secs() as f64 / 3600.0;
                format!("{h:.1} h").replace('.', lang.pick(",", "."))
            },
        )
    };
    let mut facts: Vec<(String, String, bool)> = vec![
        (k("figures.documented"), f.documented.to_string(), false),
        (
            k("figures.reportable-imy"),
            f.reportable_imy.to_string(),
            false,
        ),
        (
            k("figures.reportable-subjects"),
            f.reportable_subjects.to_string(),
            false,
        ),
        (
            k("figures.within-72h"),
            format!("{} / {}", f.notified_within_72h, f.notified_imy),
            f.notified_within_72h < f.notified_imy,
        ),
        (k("figures.median"), hours(f.median_to_notification), false),
        (
            k("figures.longest"),
            hours(f.longest_to_notification),
            false,
        ),
    ];
    let by_type: Vec<String> = f
        .by_type
        .iter()
        .filter(|t| t.count > 0)
        .map(|t| format!("{} {}", t.breach_type.label(lang), t.count))
        .collect();
    if !by_type.is_empty() {
        facts.push((k("figures.by-type"), by_type.join(", "), false));
    }
    let by_cause: Vec<String> = f
        .by_cause
        .iter()
        .filter(|c| c.count > 0)
        .map(|c| {
            let label = c
                .cause
                .map_or_else(|| k("figures.no-cause"), |c| c.label(lang).to_string());
            format!("{label} {}", c.count)
        })
        .collect();
    if !by_cause.is_empty() {
        facts.push((k("figures.by-cause"), by_cause.join(", "), false));
    }
    Ok(Panel {
        id: "figures",
        heading: k("figures.heading"),
        lines: vec![(
            k("figures.scope")
                .replace("{org}", &org.name)
                .replace("{year}", &year.to_string()),
            false,
        )],
        facts,
        links: vec![("/incidenter/inkorg".into(), k("inbox"))],
    })
}

/// This year's request figures for the annual report.
async fn request_figures(
    state: &AppState,
    ctx: &Caller,
    organisation_id: &str,
) -> Result<Panel, PageError> {
    let lang = ctx.lang;
    let k = |key: &str| kt(lang, Kind::Request, key);
    let year = ombud_app::today().year();
    let f = state
        .app
        .request_figures(ctx, organisation_id, year)
        .await?;
    let org = state
        .app
        .organisation_for_reading(ctx, organisation_id)
        .await?;
    let types = ombud_domain::register::request::TYPE_OPTIONS;
    let by_type: Vec<String> = f
        .by_type
        .iter()
        .filter(|t| t.count > 0)
        .map(|t| {
            let label = types
                .iter()
                .find(|o| o.code == t.request_type)
                .map_or(t.request_type.as_str(), |o| o.label.get(lang));
            format!("{label} {}", t.count)
        })
        .collect();
    let mut facts: Vec<(String, String, bool)> = vec![
        (k("figures.received"), f.received.to_string(), false),
        (
            k("figures.in-time"),
            format!(
                "{} + {} / {}",
                f.answered_in_time_without_extension, f.answered_in_time_with_extension, f.answered
            ),
            f.answered_late > 0,
        ),
        (k("figures.extended"), f.extended.to_string(), false),
        (
            k("figures.refused"),
            format!("{} + {}", f.refused, f.partly_refused),
            false,
        ),
        (
            k("figures.median"),
            f.median_days_to_answer.map_or_else(
                || k("figures.none-answered"),
                |d| format!("{d}").replace('.', lang.pick(",", ".")),
            ),
            false,
        ),
    ];
    if !by_type.is_empty() {
        facts.push((k("figures.by-type"), by_type.join(", "), false));
    }
    Ok(Panel {
        id: "figures",
        heading: k("figures.heading"),
        lines: vec![(
            k("figures.scope")
                .replace("{org}", &org.name)
                .replace("{year}", &year.to_string()),
            false,
        )],
        facts,
        links: vec![
            (
                format!("/organisationer/{organisation_id}/lediga-dagar"),
                k("days-off.link"),
            ),
            (
                format!("/organisationer/{organisation_id}/gallring"),
                k("retention.link"),
            ),
        ],
    })
}

/// The systems register's figures for the annual report ("16 of 107 systems classified").
fn system_figures(lang: Lang, org: &Organisation, figures: &[i64]) -> Panel {
    let k = |key: &str| kt(lang, Kind::System, key);
    let today = ombud_app::today();
    let f = SystemFigures::of(figures);
    Panel {
        id: "figures",
        heading: k("figures.heading"),
        lines: vec![(
            k("figures.scope")
                .replace("{org}", &org.name)
                .replace("{day}", &today.to_string()),
            false,
        )],
        facts: [
            ("figures.systems", f.systems),
            ("figures.classified", f.classified),
            ("figures.current", f.classification_current),
            ("figures.self-procured", f.self_procured),
        ]
        .into_iter()
        .map(|(key, n)| (k(key), n.to_string(), false))
        .collect(),
        links: Vec::new(),
    }
}

/// What the reader of a record may do that its panels offer.
#[derive(Debug, Clone, Copy)]
pub struct Powers {
    pub edit: bool,
    /// Take the DPO's position on a breach's proposal.
    pub decide: bool,
}

/// The panels a record's page shows beside its gaps, from the facts that follow from the record.
pub fn record_panels(
    kind: Kind,
    facts: &Map<String, Value>,
    details: &Value,
    href: &str,
    may: Powers,
    lang: Lang,
) -> Vec<Panel> {
    let k = |key: &str| kt(lang, kind, key);
    let yes = |key: &str| facts.get(key).and_then(Value::as_bool).unwrap_or(false);
    match kind {
        Kind::ProcessingActivity => Vec::new(),
        Kind::Breach => vec![breach_panel(facts, details, href, may, lang)],
        Kind::Request => vec![request_panel(facts, details, href, may, lang)],
        Kind::System => {
            let (text, warn) = if yes("classification_current") {
                (k("classification.current"), false)
            } else if yes("classified") {
                (k("classification.stale"), true)
            } else {
                (k("classification.none"), true)
            };
            vec![Panel {
                id: "classification",
                heading: k("classification.heading"),
                lines: vec![(text, warn)],
                facts: Vec::new(),
                links: Vec::new(),
            }]
        }
        Kind::Agreement => {
            let last = match facts.get("last_checked_on").and_then(Value::as_str) {
                Some(d) => (d.to_string(), false),
                None => (k("watch.no-check"), true),
            };
            let transfers = details
                .get("third_country_transfers")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            let missing = facts
                .get("transfers_without_safeguard")
                .and_then(Value::as_u64)
                .unwrap_or(0);
            let transfer_line = match (transfers, missing) {
                (0, _) => (k("watch.transfers-none"), false),
                (_, 0) => (k("watch.transfers-safe"), false),
                (_, n) => (
                    k("watch.transfers-missing").replace("{n}", &n.to_string()),
                    true,
                ),
            };
            vec![Panel {
                id: "watch",
                heading: k("watch"),
                lines: Vec::new(),
                facts: vec![
                    (k("watch.last-check"), last.0, last.1),
                    (k("watch.transfers"), transfer_line.0, transfer_line.1),
                ],
                links: Vec::new(),
            }]
        }
    }
}

/// A breach's deadline with its countdown, its risk category and the proposal that follows, and
/// the ways to the assessment and the documents.
fn breach_panel(
    facts: &Map<String, Value>,
    details: &Value,
    href: &str,
    may: Powers,
    lang: Lang,
) -> Panel {
    use ombud_domain::breach::clock;
    let k = |key: &str| kt(lang, Kind::Breach, key);
    let text = |key: &str| facts.get(key).and_then(Value::as_str);
    let mut out = Vec::new();
    let notified = details.get("imy_notified_at").and_then(Value::as_str);
    if let Some(deadline) = text("imy_deadline").and_then(|t| t.parse::<jiff::Timestamp>().ok()) {
        let when = clock::display_stockholm(deadline);
        match notified {
            Some(_) => out.push((k("risk.deadline"), when, false)),
            None => {
                let left = clock::remaining(deadline, jiff::Timestamp::now());
                let late = left.is_negative();
                out.push((
                    k("risk.deadline"),
                    format!("{when} · {}", clock::remaining_text(left, lang)),
                    late,
                ));
            }
        }
    }
    match text("risk_category_label") {
        Some(label) => {
            let score = facts
                .get("severity_score")
                .and_then(Value::as_f64)
                .map(|s| format!("{s}").replace('.', lang.pick(",", ".")))
                .unwrap_or_default();
            out.push((k("risk.category"), format!("{label} ({score})"), false));
            let notify = facts
                .get("notify_imy_proposed")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let inform = facts
                .get("inform_subjects_proposed")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let proposal = ombud_domain::breach::severity::Proposal {
                notify_imy: notify,
                inform_subjects: inform,
            };
            out.push((k("risk.proposal"), proposal.text(lang), false));
            out.push(dpo_position(facts, details, lang));
        }
        None => out.push((k("risk.category"), k("risk.none"), true)),
    }
    let mut links = vec![
        (format!("{href}/dokument"), k("documents")),
        (format!("{href}/underrattelser"), k("notices-link")),
    ];
    if may.decide && text("risk_category_label").is_some() {
        links.insert(0, (format!("{href}/dpo-stallningstagande"), k("dpo.take")));
    }
    if may.edit {
        links.insert(0, (format!("{href}/riskbedomning"), k("assess")));
    }
    Panel {
        id: "risk",
        heading: k("risk"),
        lines: Vec::new(),
        facts: out,
        links,
    }
}

/// A request's time limit: the day to answer by, whether it has passed, whether it was extended,
/// and whether it was answered in time; the way to extend it.
fn request_panel(
    facts: &Map<String, Value>,
    details: &Value,
    href: &str,
    may: Powers,
    lang: Lang,
) -> Panel {
    let k = |key: &str| kt(lang, Kind::Request, key);
    let mut out = Vec::new();
    if let Some(due) = facts.get("due_on").and_then(Value::as_str) {
        let overdue = facts
            .get("overdue")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let text = if overdue {
            format!("{due} · {}", k("deadline.overdue"))
        } else {
            due.to_string()
        };
        out.push((k("deadline.due"), text, overdue));
    }
    if let Some(days) = facts.get("counted_around").and_then(Value::as_str) {
        out.push((k("deadline.days-off"), days.to_string(), false));
    }
    let extension = details.get("extension").filter(|e| !e.is_null());
    out.push((
        k("deadline.extended"),
        match extension {
            Some(e) => format!(
                "{} · {}",
                e.get("months")
                    .and_then(Value::as_u64)
                    .map_or(String::new(), |m| {
                        match (m, lang) {
                            (1, Lang::Sv) => "en månad".to_string(),
                            (_, Lang::Sv) => format!("{m} månader"),
                            (1, Lang::En) => "one month".to_string(),
                            (_, Lang::En) => format!("{m} months"),
                        }
                    }),
                e.get("reason").and_then(Value::as_str).unwrap_or_default()
            ),
            None => k("deadline.not-extended"),
        },
        false,
    ));
    if let Some(ok) = facts.get("answered_in_time").and_then(Value::as_bool) {
        out.push((
            k("deadline"),
            k(if ok {
                "deadline.in-time"
            } else {
                "deadline.late"
            }),
            !ok,
        ));
    }
    let mut links = vec![
        (format!("{href}/sok"), k("search")),
        (format!("{href}/svar"), k("answer")),
    ];
    if may.edit && extension.is_none() && details.get("answered_on").is_none_or(Value::is_null) {
        links.push((format!("{href}/forlangning"), k("extend")));
    }
    Panel {
        id: "deadline",
        heading: k("deadline"),
        lines: Vec::new(),
        facts: out,
        links,
    }
}

/// The DPO's position on the proposal, as one fact: none yet (a warning), confirmed, or changed with
/// its reason; a position on an earlier category counts as none.
fn dpo_position(facts: &Map<String, Value>, details: &Value, lang: Lang) -> (String, String, bool) {
    let k = |key: &str| kt(lang, Kind::Breach, key);
    let current = facts
        .get("dpo_position_current")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let decision = details
        .get("dpo_decision")
        .cloned()
        .and_then(|v| serde_json::from_value::<ombud_domain::register::breach::DpoDecision>(v).ok())
        .filter(|_| current);
    let text = match decision {
        None => return (k("dpo.position"), k("dpo.none"), true),
        Some(d) => {
            let who = format!("{}, {}", d.by, ombud_domain::time::display_local(&d.at));
            if d.confirmed {
                format!("{} ({who})", k("dpo.confirmed"))
            } else {
                format!(
                    "{} {} {}: {} ({who})",
                    k("dpo.changed"),
                    d.position().text(lang),
                    k("dpo.reason"),
                    d.reason.unwrap_or_default()
                )
            }
        }
    };
    (k("dpo.position"), text, false)
}

/// One entry of the compliance log.
pub struct CheckRow {
    pub checked_on: String,
    pub finding: String,
    pub follow_up: Option<String>,
    pub follow_up_due: Option<String>,
    pub recorded: String,
}

/// The compliance log and, for those who may add to it, its form.
pub struct ChecksView {
    pub rows: Vec<CheckRow>,
    pub may_add: bool,
    pub action: String,
    pub version: i64,
    pub fields: Fields,
    pub problems: Problems,
}

/// The compliance log of an agreement (its details as JSON), the latest first.
pub fn checks(
    kind: Kind,
    id: &str,
    version: i64,
    details: &Value,
    may_add: bool,
    form: Option<(Fields, Problems)>,
) -> Option<ChecksView> {
    if kind != Kind::Agreement {
        return None;
    }
    let mut log: Vec<ComplianceCheck> = details
        .get("compliance_checks")
        .cloned()
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default();
    log.sort_by(|a, b| (b.checked_on, &b.recorded_at).cmp(&(a.checked_on, &a.recorded_at)));
    let (fields, problems) = form.unwrap_or_else(|| {
        let today = ombud_app::today().to_string();
        (
            Fields(vec![("checked_on".into(), today)]),
            Problems::default(),
        )
    });
    Some(ChecksView {
        rows: log
            .into_iter()
            .map(|c| CheckRow {
                checked_on: c.checked_on.to_string(),
                finding: c.finding,
                follow_up: c.follow_up,
                follow_up_due: c.follow_up_due.map(|d| d.to_string()),
                recorded: format!(
                    "{}, {}",
                    c.recorded_by,
                    ombud_domain::time::display_local(&c.recorded_at)
                ),
            })
            .collect(),
        may_add,
        action: format!("{}/efterlevnadskontroller", record_href(kind, id)),
        version,
        fields,
        problems,
    })
}

/// `POST /avtal/{id}/efterlevnadskontroller`: appends a compliance check to the log.
pub async fn add_check(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    check_csrf(&ctx, &headers, &f)?;
    let lang = ctx.lang;
    let optional = |name: &str| Some(f.get(name).to_string()).filter(|v| !v.trim().is_empty());
    let check = NewComplianceCheck {
        checked_on: f.get("checked_on").to_string(),
        finding: f.get("finding").to_string(),
        follow_up: optional("follow_up"),
        follow_up_due: optional("follow_up_due"),
    };
    let mut problems = Problems {
        anchor: "check-form".into(),
        ..Problems::default()
    };
    let status = match state
        .app
        .add_compliance_check(&ctx, &id, Some(f.version()), check)
        .await
    {
        Ok(r) => {
            let to = format!(
                "{}?klart=check#kontroller",
                record_href(Kind::Agreement, r.id.as_str())
            );
            return Ok(Redirect::to(&to).into_response());
        }
        Err(AppError::Invalid(list)) => {
            for i in list {
                let id = format!("c-{}", i.field);
                if problems.field(&id).is_none() {
                    let label = kt(lang, Kind::Agreement, &format!("check.{}", i.field));
                    problems.push(&id, label, i.rule.message(lang));
                }
            }
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Err(AppError::Stale { .. }) => {
            problems.form = Some(kt(lang, Kind::Agreement, "check.stale"));
            StatusCode::CONFLICT
        }
        Err(e) => return Err(e.into()),
    };
    let kept = ["checked_on", "finding", "follow_up", "follow_up_due"]
        .into_iter()
        .map(|k| (k.to_string(), f.get(k).to_string()))
        .collect();
    record::show::<Agreements>(
        &state,
        &ctx,
        &id,
        Shown {
            status,
            check: Some((Fields(kept), problems)),
            ..Shown::default()
        },
    )
    .await
}
