//! A kind's form: a fieldset per section, each field drawn by its input, with its label, its
//! one-line hint and, when wrong, its message beside it and in the summary at the top. The same form
//! registers a record (`/{ui}/ny`) and edits one (`/{ui}/{id}/redigera`); `/{ui}/validera` checks it
//! while it is filled in (`static/form-check.js`), exactly as a save would, saving nothing.
//!
//! Invalid input answers 422 and a record changed by someone else since the form was opened 409,
//! both with the form shown again as typed.

use super::draft::{self, ROWS_MAX, compact, fields_of, form_name, input_id};
use super::{base, kt, organisation_choices, record_href, render_with, t};
use crate::AppState;
use crate::auth::UiCtx;
use crate::error::ApiError;
use crate::ui::forms::{self, Choice, Fields, FormCheck, Problems, SummaryItem, check_csrf};
use crate::ui::layout::Frame;
use crate::ui::{PageError, render, urlencode};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use ombud_app::{AppError, Caller};
use ombud_domain::authz::Action;
use ombud_domain::kernel::field::{Field, Input, level_label};
use ombud_domain::kernel::{Descriptor, Kind, KindInfo};
use ombud_domain::{Invalid, Lang};

/// How many records of another kind a form offers to link.
const LINK_CHOICES: i64 = 500;

/// Blank rows a list of rows offers beyond those filled in.
const BLANK_ROWS: usize = 2;

/// One part of a form, drawn by its `tag`: `input`, `textarea`, `checkbox`, `select`, `radios`,
/// `checks`, `hidden`, `note`, and `open`/`close` around a fieldset of rows or a group.
pub struct Widget {
    pub tag: &'static str,
    pub id: String,
    pub name: String,
    pub label: String,
    pub hint: String,
    pub value: String,
    /// An input's `type`; a fieldset's class.
    pub kind: &'static str,
    pub lines: u8,
    pub checked: bool,
    pub required: bool,
    pub error: Option<String>,
    pub choices: Vec<Choice>,
    /// The label of a select's empty option; none when empty.
    pub empty: String,
    /// A note's link, as (href, text).
    pub link: Option<(String, String)>,
    /// Shown only while another field has a value: its name, and the value (empty: any).
    pub when: Option<(&'static str, &'static str)>,
}

impl Widget {
    fn new(tag: &'static str, id: String, name: String, label: String) -> Widget {
        Widget {
            tag,
            id,
            name,
            label,
            hint: String::new(),
            value: String::new(),
            kind: "",
            lines: 3,
            checked: false,
            required: false,
            error: None,
            choices: Vec::new(),
            empty: String::new(),
            link: None,
            when: None,
        }
    }

    /// The ids of the hint and the message that describe the input.
    pub fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if !self.hint.is_empty() {
            ids.push(format!("{}-hint", self.id));
        }
        if self.error.is_some() {
            ids.push(format!("{}-error", self.id));
        }
        ids.join(" ")
    }
}

pub struct SectionForm {
    pub id: String,
    pub legend: String,
    pub widgets: Vec<Widget>,
    /// Shown only while another field has a value, when every field of the section says so (the
    /// art. 30.2 section, for a processor's record).
    pub when: Option<(&'static str, &'static str)>,
}

#[derive(Template)]
#[template(path = "kind_form.html")]
pub struct FormPage {
    pub frame: Frame,
    pub list_href: String,
    pub list_label: String,
    /// The record's page and name when editing.
    pub record: Option<(String, String)>,
    pub title: String,
    pub intro: String,
    /// Said when saving moves the record back in its workflow.
    pub reopens: Option<String>,
    pub action: String,
    pub check: String,
    pub version: Option<i64>,
    pub form_error: Option<String>,
    pub sections: Vec<SectionForm>,
    pub submit: String,
    pub cancel: String,
    pub check_heading: String,
    pub check_none: String,
    pub summary: Vec<SummaryItem>,
    pub notice: Option<String>,
}

/// The records of each linked kind the form offers: `None` until the owner is known.
type LinkOptions = Vec<(Kind, Option<Vec<(String, String)>>)>;

/// What the form is about beyond its fields.
struct Place {
    /// The record's id, name and version when editing.
    record: Option<(String, String, i64)>,
    /// The owner: chosen (a new record) or fixed (an edit).
    organisation_id: String,
    organisation_name: Option<String>,
    approved: bool,
}

async fn link_options(
    state: &AppState,
    ctx: &Caller,
    info: &'static KindInfo,
    organisation_id: &str,
) -> Result<LinkOptions, PageError> {
    let kinds: Vec<Kind> = info.link_fields().map(|(_, k)| k).collect();
    if kinds.is_empty() {
        return Ok(Vec::new());
    }
    let org = match organisation_id.trim() {
        "" => None,
        id => state.app.organisation_for_reading(ctx, id).await.ok(),
    };
    let mut out = Vec::new();
    for kind in kinds {
        let choices = match &org {
            Some(o) => Some(state.app.link_choices(ctx, kind, o, LINK_CHOICES).await?),
            None => None,
        };
        out.push((kind, choices));
    }
    Ok(out)
}

async fn page<D: Descriptor>(
    state: &AppState,
    ctx: &Caller,
    fields: &Fields,
    problems: Problems,
    place: Place,
) -> Result<FormPage, PageError> {
    let info = D::info();
    let lang = ctx.lang;
    let kind = D::KIND;
    let links = link_options(state, ctx, info, &place.organisation_id).await?;
    let mut sections: Vec<SectionForm> = info
        .sections
        .iter()
        .map(|s| {
            // A new record is registered with its registration's sections (a breach's report);
            // the rest is added by those who edit it.
            let defs: Vec<&'static Field> = info
                .fields
                .iter()
                .filter(|f| f.section == s.key)
                .filter(|f| place.record.is_some() || info.registered_with(f))
                .collect();
            let mut widgets = Vec::new();
            let when = defs
                .first()
                .and_then(|f| f.when)
                .filter(|w| defs.iter().all(|f| f.when == Some(*w)));
            for f in &defs {
                widget(lang, f, "", fields, &problems, &links, &mut widgets);
            }
            if when.is_some() {
                // The section as a whole is shown or not.
                for w in &mut widgets {
                    w.when = None;
                }
            }
            SectionForm {
                id: format!("sec-{}", s.key),
                legend: s.label.get(lang).to_string(),
                widgets,
                when,
            }
        })
        .filter(|s| !s.widgets.is_empty())
        .collect();
    let owner = match &place.organisation_name {
        Some(name) => {
            let mut w = Widget::new(
                "note",
                String::new(),
                String::new(),
                t(lang, "organisation"),
            );
            w.value = name.clone();
            w
        }
        None => {
            let mut w = Widget::new(
                "select",
                input_id("organisation_id"),
                "organisation_id".into(),
                t(lang, "organisation"),
            );
            w.hint = kt(lang, kind, "organisation-hint");
            w.choices =
                organisation_choices(state, ctx, Action::Create(kind), &place.organisation_id)
                    .await?;
            w.empty = t(lang, "choose");
            w.required = true;
            w.error = problems.field(&w.id).map(str::to_string);
            w
        }
    };
    if let Some(first) = sections.first_mut() {
        let at = usize::from(first.widgets.len() > 1);
        first.widgets.insert(at, owner);
    }
    let list_href = base(kind);
    let (title, action, record, cancel, version) = match &place.record {
        Some((id, name, version)) => (
            format!("{}: {name}", kt(lang, kind, "edit-title")),
            format!("{}/redigera", record_href(kind, id)),
            Some((record_href(kind, id), name.clone())),
            record_href(kind, id),
            Some(*version),
        ),
        None => (
            kt(lang, kind, "new"),
            format!("{list_href}/ny"),
            None,
            list_href.clone(),
            None,
        ),
    };
    let frame = Frame::new(state, ctx, &action, info.ui);
    Ok(FormPage {
        frame,
        list_label: kt(lang, kind, "title"),
        record,
        intro: kt(lang, kind, "form-intro"),
        reopens: place.approved.then(|| kt(lang, kind, "form-reopens")),
        check: format!("{list_href}/validera"),
        list_href,
        title,
        action,
        version,
        form_error: problems.form.clone(),
        sections,
        submit: if place.record.is_some() {
            t(lang, "save")
        } else {
            kt(lang, kind, "create")
        },
        cancel,
        check_heading: kt(lang, kind, "check-gaps"),
        check_none: kt(lang, kind, "check-gaps-none"),
        summary: forms::summary([&problems]),
        notice: None,
    })
}

/// Adds a field's widgets: its input, or a fieldset with its rows or its group's inputs.
fn widget(
    lang: Lang,
    f: &'static Field,
    prefix: &str,
    fields: &Fields,
    problems: &Problems,
    links: &LinkOptions,
    out: &mut Vec<Widget>,
) {
    let name = format!("{prefix}{}", f.key());
    let id = input_id(&name);
    let mut w = Widget::new(
        "input",
        id.clone(),
        name.clone(),
        f.label.get(lang).to_string(),
    );
    w.hint = f.hint.get(lang).to_string();
    w.error = problems.field(&id).map(str::to_string);
    // A field shown only when another is set, at the top level (the controlling field's name is
    // then the form's own).
    w.when = f.when.filter(|_| prefix.is_empty());
    // Only a top-level field is required on its own; a group's or a row's fields are required
    // when the group or the row is given at all.
    w.required = f.required && prefix.is_empty();
    w.value = fields.get(&name).to_string();
    match f.input {
        Input::Line { .. } => w.kind = "text",
        Input::Date => w.kind = "date",
        Input::Instant => {
            w.kind = "datetime-local";
            // On a DST day the time typed may name two instants, or none: the person says which.
            if let Some((_, readings)) = draft::dst_readings(fields, &name) {
                let chosen = fields.get(&draft::dst_name(&name)).to_string();
                let mut pick = Widget::new(
                    "radios",
                    input_id(&draft::dst_name(&name)),
                    draft::dst_name(&name),
                    t(lang, "dst-which"),
                );
                pick.choices = readings
                    .iter()
                    .map(|(code, ts)| {
                        Choice::new(
                            *code,
                            format!(
                                "{} ({})",
                                ombud_domain::time::to_local_rfc3339(*ts).replace('T', " "),
                                t(lang, &format!("dst-{code}"))
                            ),
                            chosen == *code,
                        )
                    })
                    .collect();
                out.push(w);
                out.push(pick);
                return;
            }
        }
        Input::Text { .. } => w.tag = "textarea",
        Input::Lines => {
            w.tag = "textarea";
            w.lines = 4;
        }
        Input::Flag => {
            w.tag = "checkbox";
            w.checked = fields.checked(&name);
        }
        Input::Choice(opts) => {
            w.tag = "select";
            w.empty = t(lang, "none-chosen");
            w.choices = opts
                .iter()
                .map(|o| Choice::new(o.code, o.label.get(lang), o.code == w.value))
                .collect();
        }
        Input::Pick(opts) => {
            w.tag = "radios";
            let current = if w.value.is_empty() {
                opts.first().map(|o| o.code).unwrap_or_default()
            } else {
                w.value.as_str()
            };
            w.choices = opts
                .iter()
                .map(|o| Choice::new(o.code, o.label.get(lang), o.code == current))
                .collect();
        }
        Input::Choices(opts) => {
            w.tag = "checks";
            let ticked = fields.all(&name);
            w.choices = opts
                .iter()
                .map(|o| {
                    Choice::new(
                        o.code,
                        o.label.get(lang),
                        ticked.iter().any(|c| c == o.code),
                    )
                })
                .collect();
        }
        Input::Level => {
            w.tag = "select";
            w.empty = t(lang, "none-chosen");
            w.choices = (1..=4u8)
                .map(|l| {
                    Choice::new(
                        l.to_string(),
                        level_label(l, lang),
                        l.to_string() == w.value,
                    )
                })
                .collect();
        }
        Input::Links(kind) => return link_widgets(lang, w, kind, fields, links, out),
        Input::Rows(sub) => {
            let filled = draft::row_numbers(fields, &name).len();
            w.tag = "open";
            w.kind = "rows";
            let label = w.label.clone();
            out.push(w);
            for i in 0..(filled + BLANK_ROWS).min(ROWS_MAX) {
                let mut row = Widget::new(
                    "open",
                    String::new(),
                    String::new(),
                    format!("{label}, {} {}", t(lang, "row"), i + 1),
                );
                row.kind = "row";
                out.push(row);
                for s in sub {
                    widget(
                        lang,
                        s,
                        &format!("{name}.{i}."),
                        fields,
                        problems,
                        links,
                        out,
                    );
                }
                out.push(close());
            }
            out.push(close());
            return;
        }
        Input::Group(sub) => {
            w.tag = "open";
            w.kind = "subgroup";
            out.push(w);
            for s in sub {
                widget(lang, s, &format!("{name}."), fields, problems, links, out);
            }
            out.push(close());
            return;
        }
        Input::Kept => return,
    }
    out.push(w);
}

fn close() -> Widget {
    Widget::new("close", String::new(), String::new(), String::new())
}

/// A link field: a checkbox per record the person may link to, and the links they may not see kept
/// as they are, unseen.
fn link_widgets(
    lang: Lang,
    mut w: Widget,
    kind: Kind,
    fields: &Fields,
    links: &LinkOptions,
    out: &mut Vec<Widget>,
) {
    let linked = fields.all(&w.name);
    let choices = links
        .iter()
        .find(|(k, _)| *k == kind)
        .and_then(|(_, c)| c.as_ref());
    let Some(choices) = choices else {
        let mut note = Widget::new("note", w.id.clone(), String::new(), w.label.clone());
        note.value = t(lang, "links-after-organisation");
        out.push(note);
        for id in linked {
            out.push(hidden(&w.name, id));
        }
        return;
    };
    for id in linked
        .iter()
        .filter(|id| !choices.iter().any(|(c, _)| c == *id))
    {
        out.push(hidden(&w.name, id.clone()));
    }
    let kept = linked
        .iter()
        .filter(|id| !choices.iter().any(|(c, _)| c == *id))
        .count();
    if choices.is_empty() {
        let mut note = Widget::new("note", w.id.clone(), String::new(), w.label.clone());
        note.value = format!(
            "{} {} {}",
            t(lang, "links-none-before"),
            kind.info().noun.many.get(lang),
            t(lang, "links-none-after")
        );
        note.link = Some((format!("{}/ny", base(kind)), kt(lang, kind, "new")));
        out.push(note);
    } else {
        w.tag = "checks";
        w.choices = choices
            .iter()
            .map(|(id, name)| Choice::new(id.clone(), name.clone(), linked.contains(id)))
            .collect();
        out.push(w);
    }
    if kept > 0 {
        let mut note = Widget::new("note", String::new(), String::new(), String::new());
        note.value = format!("{} {kept}", t(lang, "links-kept"));
        out.push(note);
    }
}

fn hidden(name: &str, value: String) -> Widget {
    let mut w = Widget::new("hidden", String::new(), name.to_string(), String::new());
    w.value = value;
    w
}

/// What a field's problem is called in the summary: its label, and its row's.
fn label_of(info: &'static KindInfo, lang: Lang, i: &Invalid) -> String {
    if i.field == "organisation_id" {
        return t(lang, "organisation");
    }
    let Some(f) = info.field(i.field) else {
        return i.field.to_string();
    };
    let own = f.label.get(lang);
    let rows = ombud_domain::kernel::field::walk(info.fields)
        .filter(|r| matches!(r.input, Input::Rows(_)))
        .find(|r| i.field.starts_with(&format!("{}.", r.name)));
    match (i.row, rows) {
        (Some(n), Some(r)) => format!("{}, {} {}: {own}", r.label.get(lang), t(lang, "row"), n + 1),
        _ => own.to_string(),
    }
}

/// A refusal as messages beside the inputs and at the top of the form, or an error page when the
/// form cannot help (not allowed, not found, a failure).
fn problems(
    info: &'static KindInfo,
    lang: Lang,
    err: AppError,
) -> Result<(StatusCode, Problems), PageError> {
    let mut p = Problems {
        anchor: "record-form".into(),
        ..Problems::default()
    };
    let status = match err {
        AppError::Invalid(list) => {
            add_invalid(info, lang, &list, &mut p);
            StatusCode::UNPROCESSABLE_ENTITY
        }
        // A value of the wrong shape cannot come from this form's inputs; say so on the form rather
        // than failing the page, so that what was typed is kept.
        AppError::Unprocessable(_) => {
            p.form = Some(t(lang, "form-unreadable"));
            StatusCode::UNPROCESSABLE_ENTITY
        }
        AppError::Stale { .. } => {
            p.form = Some(kt(lang, info.kind, "stale"));
            StatusCode::CONFLICT
        }
        e @ (AppError::Conflict(_) | AppError::InUse(_)) => {
            p.form = Some(ApiError::from(e).texts(lang).1);
            StatusCode::CONFLICT
        }
        other => return Err(other.into()),
    };
    Ok((status, p))
}

fn add_invalid(info: &'static KindInfo, lang: Lang, list: &[Invalid], p: &mut Problems) {
    add_invalid_at(info, lang, list, p, &draft::Renumbered::new());
}

/// As [`add_invalid`], for a post whose rows were renumbered: each problem is placed at the row
/// the person sees.
fn add_invalid_at(
    info: &'static KindInfo,
    lang: Lang,
    list: &[Invalid],
    p: &mut Problems,
    rows: &draft::Renumbered,
) {
    for i in list {
        let label = label_of(info, lang, i);
        let message = i.rule.message(lang);
        let name = if i.field == "organisation_id" {
            Some("organisation_id".to_string())
        } else {
            form_name(info, i).map(|n| draft::posted_name(rows, &n))
        };
        match name {
            // One message per input: the first rule broken is the one to fix first.
            Some(n) if p.field(&input_id(&n)).is_none() => p.push(&input_id(&n), label, message),
            Some(_) => {}
            None if p.form.is_none() => p.form = Some(format!("{label}: {message}")),
            None => {}
        }
    }
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    pub organisation: String,
}

/// `GET /{ui}/ny?organisation=`.
pub async fn new<D: Descriptor>(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Query(q): Query<NewQuery>,
) -> Result<Response, PageError> {
    if !state.app.creates_anywhere(&ctx, D::KIND) {
        return Err(PageError::Forbidden);
    }
    // With one place to register in, it is chosen already.
    let organisation_id = match q.organisation.trim() {
        "" => state
            .app
            .only_place(&ctx, Action::Create(D::KIND))
            .unwrap_or_default(),
        asked => asked.to_string(),
    };
    let place = Place {
        record: None,
        organisation_id,
        organisation_name: None,
        approved: false,
    };
    let page = page::<D>(&state, &ctx, &Fields::default(), Problems::default(), place).await?;
    Ok(render(&page))
}

/// `POST /{ui}/ny`.
pub async fn create<D: Descriptor>(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    Form(posted): Form<Fields>,
) -> Result<Response, PageError> {
    check_csrf(&ctx, &headers, &posted)?;
    let info = D::info();
    let fields = compact(info.fields, &posted);
    let mut json = draft::draft(info.fields, &fields);
    // The form registers only what registering asks (its other sections are not shown).
    if let serde_json::Value::Object(m) = &mut json {
        m.retain(|k, _| info.field(k).is_none_or(|f| info.registered_with(f)));
    }
    let local = draft::local_time_problems(info.fields, &fields);
    let organisation_id = posted.get("organisation_id").trim().to_string();
    let outcome = if !local.is_empty() {
        Err(with_local_times(
            local,
            state.app.check::<D>(json).map(drop),
        ))
    } else if organisation_id.is_empty() {
        // The owner is the form's first question: said first, with whatever else is wrong.
        let mut list = vec![Invalid::new(
            "organisation_id",
            ombud_domain::Rule::Required,
        )];
        if let Err(AppError::Invalid(more)) = state.app.check::<D>(json) {
            list.extend(more);
        }
        Err(AppError::Invalid(list))
    } else {
        state.app.create::<D>(&ctx, &organisation_id, json).await
    };
    match outcome {
        Ok(r) => Ok(Redirect::to(&format!(
            "{}?klart=created",
            record_href(D::KIND, r.id.as_str())
        ))
        .into_response()),
        Err(e) => {
            let (status, problems) = problems(info, ctx.lang, e)?;
            let place = Place {
                record: None,
                organisation_id,
                organisation_name: None,
                approved: false,
            };
            let page = page::<D>(&state, &ctx, &fields, problems, place).await?;
            Ok(render_with(status, &page))
        }
    }
}

/// `POST /{ui}/validera`: the form checked as a save would check it, nothing saved.
pub async fn check<D: Descriptor>(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    Form(posted): Form<Fields>,
) -> Result<Response, PageError> {
    check_csrf(&ctx, &headers, &posted)?;
    if !state.app.creates_anywhere(&ctx, D::KIND) {
        return Err(PageError::Forbidden);
    }
    let info = D::info();
    let lang = ctx.lang;
    let (fields, rows) = draft::compact_rows(info.fields, &posted);
    let json = draft::draft(info.fields, &fields);
    let local = draft::local_time_problems(info.fields, &fields);
    let checked = if local.is_empty() {
        state.app.check::<D>(json)
    } else {
        Err(with_local_times(
            local,
            state.app.check::<D>(json).map(drop),
        ))
    };
    let answer = match checked {
        Ok(valid) => FormCheck::new(
            Problems::default(),
            state
                .app
                .preview_gaps::<D>(valid.get())
                .into_iter()
                .map(|g| g.message(lang).to_string())
                .collect(),
        ),
        Err(AppError::Invalid(list)) => {
            let mut p = Problems::default();
            add_invalid_at(info, lang, &list, &mut p, &rows);
            FormCheck::new(p, Vec::new())
        }
        // What cannot be read is said when the form is saved.
        Err(AppError::Unprocessable(_)) => FormCheck::new(Problems::default(), Vec::new()),
        Err(e) => return Err(e.into()),
    };
    Ok(answer.into_response())
}

async fn edit_place<D: Descriptor>(
    state: &AppState,
    ctx: &Caller,
    id: &str,
) -> Result<(Place, serde_json::Value), PageError> {
    let view = state.app.read::<D>(ctx, id).await?;
    if !view.may_edit {
        return Err(PageError::Forbidden);
    }
    let r = view.record;
    let approved = match (D::info().workflow, &r.status) {
        (Some(w), Some(s)) => w.after_edit(w.state_or_initial(s).code) != s.as_str(),
        _ => false,
    };
    let details =
        serde_json::to_value(&r.details).map_err(|e| PageError::Internal(e.to_string()))?;
    Ok((
        Place {
            record: Some((
                r.id.to_string(),
                D::title(&r.details).to_string(),
                r.version,
            )),
            organisation_id: r.organisation_id.to_string(),
            organisation_name: Some(r.organisation_name),
            approved,
        },
        details,
    ))
}

/// `GET /{ui}/{id}/redigera`.
pub async fn edit<D: Descriptor>(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let (place, details) = edit_place::<D>(&state, &ctx, &id).await?;
    let fields = fields_of(D::info().fields, &details);
    let page = page::<D>(&state, &ctx, &fields, Problems::default(), place).await?;
    Ok(render(&page))
}

/// `POST /{ui}/{id}/redigera`: the whole form as a merge patch against the version it showed.
pub async fn save<D: Descriptor>(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(posted): Form<Fields>,
) -> Result<Response, PageError> {
    check_csrf(&ctx, &headers, &posted)?;
    let info = D::info();
    let fields = compact(info.fields, &posted);
    let json = draft::draft(info.fields, &fields);
    let local = draft::local_time_problems(info.fields, &fields);
    let outcome = if local.is_empty() {
        state
            .app
            .patch::<D>(&ctx, &id, Some(posted.version()), json)
            .await
    } else {
        Err(with_local_times(
            local,
            state.app.check::<D>(json).map(drop),
        ))
    };
    match outcome {
        Ok(r) => Ok(Redirect::to(&format!(
            "{}?klart=saved",
            record_href(D::KIND, r.id.as_str())
        ))
        .into_response()),
        Err(e) => {
            let stale = matches!(e, AppError::Stale { .. });
            let (status, problems) = problems(info, ctx.lang, e)?;
            let (mut place, _) = edit_place::<D>(&state, &ctx, &id).await?;
            // After a conflict the form carries the version now stored, so that saving again is a
            // decision made knowing someone else changed the record; after invalid input it keeps
            // the version first shown, so that nobody else's change is overwritten unseen.
            if !stale && let Some((_, _, v)) = place.record.as_mut() {
                *v = posted.version();
            }
            let page = page::<D>(&state, &ctx, &fields, problems, place).await?;
            Ok(render_with(status, &page))
        }
    }
}

/// A form's local times that name no instant or two, said as such, with the form's other problems
/// (the kernel's "not a time" for those same fields left out).
fn with_local_times(local: Vec<Invalid>, rest: Result<(), AppError>) -> AppError {
    let mut list = local;
    if let Err(AppError::Invalid(more)) = rest {
        let more: Vec<Invalid> = more
            .into_iter()
            .filter(|m| !list.iter().any(|l| l.field == m.field))
            .collect();
        list.extend(more);
    }
    AppError::Invalid(list)
}

/// The address of a kind's new-record form for an organisation.
pub fn new_href(kind: Kind, organisation_id: Option<&str>) -> String {
    match organisation_id {
        Some(o) => format!("{}/ny?organisation={}", base(kind), urlencode(o)),
        None => format!("{}/ny", base(kind)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ombud_domain::Rule;

    #[test]
    fn a_row_problem_is_named_with_its_row_and_placed_at_its_input() {
        let info = Kind::Agreement.info();
        let mut p = Problems::default();
        add_invalid(
            info,
            Lang::Sv,
            &[
                Invalid::new("counterparty", Rule::Required),
                Invalid::at_row("sub_processors.name", Rule::Required, 1),
                Invalid::new("counterparty", Rule::TooLong { max: 300 }),
                Invalid::new("details", Rule::InvalidValue),
            ],
            &mut p,
        );
        assert_eq!(p.field("f-counterparty"), Some("Fältet måste fyllas i."));
        assert_eq!(
            p.field("f-sub_processors-1-name"),
            Some("Fältet måste fyllas i.")
        );
        assert_eq!(p.fields.len(), 2, "one message per input");
        // The summary says the form's own problem first, then each input's, linking to it.
        let s = forms::summary([&p]);
        assert_eq!(s[1].message, "Motpart: Fältet måste fyllas i.");
        assert_eq!(s[2].href, "#f-sub_processors-1-name");
        assert_eq!(
            s[2].message,
            "Underbiträden, rad 2: Namn: Fältet måste fyllas i."
        );
        assert!(
            p.form.is_some(),
            "a problem without an input is said about the form"
        );
    }

    #[test]
    fn a_stale_version_is_a_409_about_the_whole_form() {
        let (status, p) = problems(
            Kind::System.info(),
            Lang::Sv,
            AppError::Stale { current: 3 },
        )
        .expect("a form");
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(
            p.form
                .as_deref()
                .is_some_and(|m| m.starts_with("Någon annan har ändrat systemet"))
        );
    }

    #[test]
    fn a_refusal_no_form_can_fix_is_an_error_page() {
        assert!(matches!(
            problems(Kind::System.info(), Lang::Sv, AppError::Forbidden),
            Err(PageError::Forbidden)
        ));
    }
}
