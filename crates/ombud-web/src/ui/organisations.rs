//! The organisation pages: the list, and one organisation with its forms.
//!
//! Every change goes through the same services as the API (`App::create_organisation`,
//! `update_organisation`, `set_roles`), so that the rules about who may do what, and what is valid,
//! live in one place. Each edit form carries the version it showed; a stale one is refused and the form is shown again with
//! what the person typed (409), as is invalid input (422). A successful change redirects, so that a
//! reload does not post it again.

use super::forms::{self, Choice, Fields, Problems, SummaryItem, check_csrf};
use super::layout::Frame;
use super::{PageError, render};
use crate::AppState;
use crate::auth::UiCtx;
use crate::error::ApiError;
use crate::i18n;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use ombud_app::{AppError, Caller, Cursor, Organisation, PageRequest};
use ombud_domain::authz::Action;
use ombud_domain::kernel::Kind;
use ombud_domain::organisation::OrgKind;
use ombud_domain::role::{Role, RoleSet};
use ombud_domain::{Invalid, Lang, Rule, time};
use ombud_store::organisations::{NewOrganisation, OrganisationChanges, OrganisationFilter};
use serde::Deserialize;
use std::collections::HashMap;

/// Rows per page of the list.
const PAGE_SIZE: i64 = 50;
/// How many organisations the move form offers as new parents.
const MOVE_CHOICES: i64 = 500;

/// Confirmations the pages may show after a redirect.
const NOTICES: &[&str] = &[
    "created",
    "renamed",
    "moved",
    "archived",
    "restored",
    "members-saved",
    "member-removed",
];

fn yes_no(lang: Lang, v: bool) -> String {
    if v {
        lang.pick("Ja", "Yes")
    } else {
        lang.pick("Nej", "No")
    }
    .to_string()
}

fn kind_label(lang: Lang, kind: OrgKind) -> String {
    kind.label(lang).to_string()
}

fn detail_url(id: &str, notice: &str) -> String {
    format!("/organisationer/{id}?klart={notice}")
}

// ---------------------------------------------------------------------------------------------
// The list
// ---------------------------------------------------------------------------------------------

/// `?q=&typ=&arkiverade=1&efter=`: the list's filters and where the page starts.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub typ: String,
    #[serde(default)]
    pub arkiverade: String,
    #[serde(default)]
    pub efter: String,
    #[serde(default)]
    pub klart: Option<String>,
}

impl ListQuery {
    fn include_archived(&self) -> bool {
        !self.arkiverade.is_empty()
    }

    /// The filters as a query string, for the pagination links.
    fn filters(&self) -> String {
        let mut parts = Vec::new();
        if !self.q.trim().is_empty() {
            parts.push(format!("q={}", super::urlencode(self.q.trim())));
        }
        if !self.typ.is_empty() {
            parts.push(format!("typ={}", super::urlencode(&self.typ)));
        }
        if self.include_archived() {
            parts.push("arkiverade=1".to_string());
        }
        parts.join("&")
    }
}

/// One row of the list.
pub struct RowView {
    pub id: String,
    pub name: String,
    pub kind_label: String,
    pub controller: String,
    pub belongs_to: String,
    pub status: String,
    pub archived: bool,
}

/// The form for a new organisation at the top of a tree (system administrators).
#[derive(Default)]
pub struct TopForm {
    pub name: String,
    pub kind: String,
    pub controller: bool,
    pub problems: Problems,
}

#[derive(Template)]
#[template(path = "organisations.html")]
pub struct ListPage {
    pub frame: Frame,
    pub q: String,
    pub kinds: Vec<Choice>,
    pub archived: bool,
    pub rows: Vec<RowView>,
    pub next_href: Option<String>,
    pub first_href: Option<String>,
    pub filtered: bool,
    pub create: Option<TopForm>,
    pub create_kinds: Vec<Choice>,
    pub summary: Vec<SummaryItem>,
    pub notice: Option<String>,
}

/// `GET /organisationer`.
pub async fn list(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let create = state.app.is_admin(&ctx).then(|| TopForm {
        controller: true,
        ..TopForm::default()
    });
    let page = list_page(&state, &ctx, &q, create).await?;
    Ok(render(&page))
}

async fn list_page(
    state: &AppState,
    ctx: &Caller,
    q: &ListQuery,
    create: Option<TopForm>,
) -> Result<ListPage, PageError> {
    let lang = ctx.lang;
    let kind = OrgKind::parse(&q.typ).ok();
    let filter = OrganisationFilter {
        q: Some(q.q.clone()).filter(|s| !s.trim().is_empty()),
        kind,
        include_archived: q.include_archived(),
        ..OrganisationFilter::default()
    };
    // A cursor that does not decode starts from the top rather than failing the page.
    let request = PageRequest {
        after: Cursor::decode(&q.efter),
        limit: PAGE_SIZE,
    };
    let page = state.app.organisations(ctx, &filter, &request).await?;
    let names = controller_names(state, ctx, &page.items).await?;
    let rows = page
        .items
        .iter()
        .map(|o| RowView {
            id: o.id.clone(),
            name: o.name.clone(),
            kind_label: kind_label(lang, o.kind),
            controller: yes_no(lang, o.controller),
            belongs_to: o
                .controller_id
                .as_ref()
                .and_then(|c| names.get(c))
                .cloned()
                .unwrap_or_default(),
            status: status_text(lang, o),
            archived: o.is_archived(),
        })
        .collect();
    let filters = q.filters();
    let join = |extra: String| {
        let all = [filters.clone(), extra]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("&");
        if all.is_empty() {
            "/organisationer".to_string()
        } else {
            format!("/organisationer?{all}")
        }
    };
    let next_href = page
        .next
        .as_ref()
        .map(|c| join(format!("efter={}", super::urlencode(c))));
    let first_href = (!q.efter.is_empty()).then(|| join(String::new()));
    let kinds = OrgKind::ALL
        .iter()
        .map(|k| Choice::new(k.as_str(), k.label(lang), Some(*k) == kind))
        .collect();
    let create_kinds = match &create {
        Some(f) => OrgKind::ALL
            .into_iter()
            .filter(|k| k.can_be_root())
            .map(|k| Choice::new(k.as_str(), k.label(lang), f.kind == k.as_str()))
            .collect(),
        None => Vec::new(),
    };
    let summary = create
        .as_ref()
        .map(|f| forms::summary([&f.problems]))
        .unwrap_or_default();
    let here = match q.filters() {
        f if f.is_empty() => "/organisationer".to_string(),
        f => format!("/organisationer?{f}"),
    };
    Ok(ListPage {
        frame: Frame::new(state, ctx, &here, "organisations"),
        q: q.q.clone(),
        kinds,
        archived: q.include_archived(),
        rows,
        next_href,
        first_href,
        filtered: !filters.is_empty(),
        create,
        create_kinds,
        summary,
        notice: forms::notice(lang, q.klart.as_deref(), NOTICES),
    })
}

/// The names of the controllers that the listed organisations belong to.
async fn controller_names(
    state: &AppState,
    ctx: &Caller,
    items: &[Organisation],
) -> Result<HashMap<String, String>, PageError> {
    let mut names: HashMap<String, String> = items
        .iter()
        .filter(|o| o.controller)
        .map(|o| (o.id.clone(), o.name.clone()))
        .collect();
    for o in items {
        if let Some(c) = &o.controller_id
            && !names.contains_key(c)
        {
            let name = org_name(state, ctx, c).await?;
            names.insert(c.clone(), name);
        }
    }
    Ok(names)
}

/// An organisation's name for a caller: its name when they may see it; otherwise a placeholder, so
/// that nothing is learnt about organisations outside their roles.
async fn org_name(state: &AppState, ctx: &Caller, id: &str) -> Result<String, PageError> {
    match state.app.organisation_for_reading(ctx, id).await {
        Ok(o) => Ok(o.name),
        Err(AppError::NotFound) => Ok(i18n::t(ctx.lang, "org-hidden")),
        Err(e) => Err(e.into()),
    }
}

fn status_text(lang: Lang, o: &Organisation) -> String {
    match &o.archived_at {
        Some(at) => format!(
            "{} {}",
            lang.pick("Arkiverad", "Archived"),
            time::display_local(at)
        ),
        None => lang.pick("Aktiv", "Active").to_string(),
    }
}

/// `POST /organisationer`: a new organisation at the top of a tree.
pub async fn create_top(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    check_csrf(&ctx, &headers, &f)?;
    let new = new_organisation(&f, None);
    match state.app.create_organisation(&ctx, new).await {
        Ok(o) => Ok(Redirect::to(&detail_url(&o.id, "created")).into_response()),
        Err(e) => {
            let (status, problems) =
                forms::problems(e.into(), ctx.lang, "new-org", "org-stale", |f| match f {
                    "name" => ("new-name", "field-org-name"),
                    "controller" => ("new-controller", "field-controller"),
                    _ => ("new-kind", "field-org-kind"),
                })?;
            let form = TopForm {
                name: f.get("name").to_string(),
                kind: f.get("kind").to_string(),
                controller: f.checked("controller"),
                problems,
            };
            let page = list_page(&state, &ctx, &ListQuery::default(), Some(form)).await?;
            Ok((status, render(&page)).into_response())
        }
    }
}

/// A new organisation from a form: the controller box counts only for kinds that can be one, so an
/// unticked box on a unit is not read as a request.
fn new_organisation(f: &Fields, parent_id: Option<String>) -> NewOrganisation {
    let kind = f.get("kind").to_string();
    let controller = OrgKind::parse(&kind)
        .ok()
        .filter(|k| k.can_be_controller())
        .map(|_| f.checked("controller"));
    NewOrganisation {
        name: f.get("name").to_string(),
        kind,
        parent_id,
        controller,
    }
}

// ---------------------------------------------------------------------------------------------
// One organisation
// ---------------------------------------------------------------------------------------------

/// `?klart=&medlem=`.
#[derive(Debug, Default, Deserialize)]
pub struct DetailQuery {
    #[serde(default)]
    pub klart: Option<String>,
    /// A member whose roles the members form is opened for.
    #[serde(default)]
    pub medlem: Option<String>,
}

pub struct OrgView {
    pub id: String,
    pub name: String,
    pub kind_label: String,
    pub controller: String,
    /// The controller it belongs to; none for a city or a controller itself.
    pub belongs_to: Option<Crumb>,
    pub is_own_controller: bool,
    pub archived: bool,
    pub status: String,
    pub created: String,
    pub updated: String,
    pub version: i64,
}

pub struct Crumb {
    pub id: String,
    pub name: String,
    pub link: bool,
}

pub struct ChildView {
    pub id: String,
    pub name: String,
    pub kind_label: String,
}

pub struct MemberView {
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub roles: String,
}

#[derive(Default)]
pub struct ChildForm {
    pub name: String,
    pub kind: String,
    pub controller: bool,
    pub problems: Problems,
}

#[derive(Default)]
pub struct RenameForm {
    pub name: String,
    /// The version the form carries; `None` shows the current one.
    pub version: Option<i64>,
    pub problems: Problems,
}

#[derive(Default)]
pub struct MoveForm {
    pub parent_id: String,
    pub version: Option<i64>,
    pub problems: Problems,
}

#[derive(Default)]
pub struct ArchiveForm {
    pub version: Option<i64>,
    pub problems: Problems,
}

#[derive(Default)]
pub struct MemberForm {
    pub email: String,
    pub roles: Vec<String>,
    /// The membership's version when an existing member's roles are edited.
    pub version: Option<i64>,
    pub problems: Problems,
}

/// Forms shown with what was posted instead of their defaults.
#[derive(Default)]
struct Posted {
    child: Option<ChildForm>,
    rename: Option<RenameForm>,
    moving: Option<MoveForm>,
    archive: Option<ArchiveForm>,
    member: Option<MemberForm>,
}

/// A register of the organisation, on its page.
pub struct RegisterLink {
    pub href: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "organisation.html")]
pub struct OrgPage {
    pub frame: Frame,
    pub org: OrgView,
    pub crumbs: Vec<Crumb>,
    pub children: Vec<ChildView>,
    pub can_create_child: bool,
    pub can_rename: bool,
    pub can_restructure: bool,
    pub can_read_members: bool,
    pub can_manage_members: bool,
    pub can_read_history: bool,
    /// The registers the person may read here (with the gaps page when there is any).
    pub registers: Vec<RegisterLink>,
    pub child: ChildForm,
    pub child_kinds: Vec<Choice>,
    pub child_may_be_controller: bool,
    pub rename: RenameForm,
    pub rename_version: i64,
    pub moving: MoveForm,
    pub move_version: i64,
    pub parents: Vec<Choice>,
    pub archive: ArchiveForm,
    pub archive_version: i64,
    pub members: Vec<MemberView>,
    pub member: MemberForm,
    pub member_roles: Vec<Choice>,
    pub member_version: String,
    pub summary: Vec<SummaryItem>,
    pub notice: Option<String>,
}

/// `GET /organisationer/{id}`.
pub async fn detail(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
    Query(q): Query<DetailQuery>,
) -> Result<Response, PageError> {
    let page = detail_page(&state, &ctx, &id, &q, Posted::default()).await?;
    Ok(render(&page))
}

/// A word as it starts a link ("behandlingar" → "Behandlingar").
fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

async fn detail_page(
    state: &AppState,
    ctx: &Caller,
    id: &str,
    q: &DetailQuery,
    posted: Posted,
) -> Result<OrgPage, PageError> {
    let lang = ctx.lang;
    let app = &state.app;
    let o = app.organisation(ctx, id).await?;
    let can = |a: Action| app.may(ctx, a, &o);
    let (can_create_child, can_rename, can_restructure) = (
        can(Action::CreateChild) && !o.is_archived(),
        can(Action::RenameOrganisation),
        can(Action::RestructureOrganisation),
    );
    let (can_read_members, can_manage_members, can_read_history) = (
        can(Action::ReadMembers),
        can(Action::ManageMembers),
        can(Action::ReadHistory),
    );

    // Only the organisations above it that the person may see are named: the path stops being
    // shown where their roles stop.
    let path = app.organisation_path(ctx, &o).await?;
    let belongs_to = match &o.controller_id {
        Some(c) if *c == o.id => None,
        Some(c) => Some(match path.iter().find(|a| a.id == *c) {
            Some(ctrl) => Crumb {
                id: ctrl.id.clone(),
                name: ctrl.name.clone(),
                link: true,
            },
            None => Crumb {
                id: c.clone(),
                name: i18n::t(lang, "org-hidden"),
                link: false,
            },
        }),
        None => None,
    };
    let crumbs = path
        .into_iter()
        .filter(|a| a.id != o.id)
        .map(|a| Crumb {
            id: a.id,
            name: a.name,
            link: true,
        })
        .collect();
    let children = app
        .organisation_children(ctx, &o)
        .await?
        .into_iter()
        .map(|c| ChildView {
            id: c.id,
            name: c.name,
            kind_label: kind_label(lang, c.kind),
        })
        .collect();
    let mut registers: Vec<RegisterLink> = Kind::ALL
        .into_iter()
        .filter(|k| can(Action::Read(*k)))
        .map(|k| {
            let info = k.info();
            RegisterLink {
                href: format!("/{}?organisation={}", info.ui, o.id),
                label: capitalised(info.noun.many.get(lang)),
            }
        })
        .collect();
    if !registers.is_empty() {
        registers.push(RegisterLink {
            href: format!("/organisationer/{}/brister", o.id),
            label: i18n::t(lang, "org-gaps-link"),
        });
    }

    let child = posted.child.unwrap_or_else(|| ChildForm {
        controller: true,
        ..ChildForm::default()
    });
    let allowed: Vec<OrgKind> = o.kind.allowed_children().collect();
    let child_kinds = allowed
        .iter()
        .map(|k| Choice::new(k.as_str(), k.label(lang), child.kind == k.as_str()))
        .collect();
    let child_may_be_controller = allowed.iter().any(|k| k.can_be_controller());

    let rename = posted.rename.unwrap_or_else(|| RenameForm {
        name: o.name.clone(),
        ..RenameForm::default()
    });
    let moving = posted.moving.unwrap_or_else(|| MoveForm {
        parent_id: o.parent_id.clone().unwrap_or_default(),
        ..MoveForm::default()
    });
    let mut parents: Vec<Choice> = if can_restructure && !o.is_archived() {
        app.move_targets(ctx, &o, MOVE_CHOICES)
            .await?
            .into_iter()
            .map(|c| {
                let label = format!("{} ({})", c.name, c.kind.label(lang));
                Choice::new(c.id.clone(), label, c.id == moving.parent_id)
            })
            .collect()
    } else {
        Vec::new()
    };
    // A move form whose only choice is where it already sits offers nothing.
    if parents
        .iter()
        .all(|c| Some(c.value.as_str()) == o.parent_id.as_deref())
    {
        parents.clear();
    }
    let archive = posted.archive.unwrap_or_default();

    let mut members = Vec::new();
    let mut member = posted.member;
    if can_read_members {
        for m in app.members(ctx, &o).await? {
            let roles: Vec<String> = m.roles.iter().map(|r| r.to_string()).collect();
            if member.is_none() && can_manage_members && q.medlem.as_deref() == Some(&m.user_id) {
                member = Some(MemberForm {
                    email: m.email.clone(),
                    roles: roles.clone(),
                    version: Some(m.version),
                    problems: Problems::default(),
                });
            }
            members.push(MemberView {
                user_id: m.user_id,
                name: m.name,
                email: m.email,
                roles: role_labels(lang, &roles),
            });
        }
    }
    let member = member.unwrap_or_default();
    let member_roles = Role::ALL
        .iter()
        .map(|r| {
            Choice::new(
                r.as_str(),
                r.label(lang),
                member.roles.iter().any(|s| s == r.as_str()),
            )
        })
        .collect();
    let member_version = member.version.map(|v| v.to_string()).unwrap_or_default();

    let summary = forms::summary([
        &child.problems,
        &rename.problems,
        &moving.problems,
        &archive.problems,
        &member.problems,
    ]);
    let frame = Frame::new(
        state,
        ctx,
        &format!("/organisationer/{}", o.id),
        "organisations",
    );
    Ok(OrgPage {
        frame,
        org: OrgView {
            id: o.id.clone(),
            name: o.name.clone(),
            kind_label: kind_label(lang, o.kind),
            controller: yes_no(lang, o.controller),
            is_own_controller: o.controller_id.as_deref() == Some(o.id.as_str()),
            belongs_to,
            archived: o.is_archived(),
            status: status_text(lang, &o),
            created: time::display_local(&o.created_at),
            updated: time::display_local(&o.updated_at),
            version: o.version,
        },
        crumbs,
        children,
        can_create_child,
        can_rename,
        can_restructure,
        can_read_members,
        can_manage_members,
        can_read_history,
        registers,
        child_kinds,
        child_may_be_controller,
        child,
        rename_version: rename.version.unwrap_or(o.version),
        rename,
        move_version: moving.version.unwrap_or(o.version),
        moving,
        parents,
        archive_version: archive.version.unwrap_or(o.version),
        archive,
        members,
        member,
        member_roles,
        member_version,
        summary,
        notice: forms::notice(lang, q.klart.as_deref(), NOTICES),
    })
}

/// Role names as people read them.
fn role_labels(lang: Lang, names: &[String]) -> String {
    RoleSet::from_storage(&names.join(","))
        .iter()
        .map(|r| r.label(lang))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Shows the organisation page again after a refused form, with the status the refusal calls for.
async fn again(
    state: &AppState,
    ctx: &Caller,
    id: &str,
    status: StatusCode,
    posted: Posted,
) -> Result<Response, PageError> {
    let page = detail_page(state, ctx, id, &DetailQuery::default(), posted).await?;
    Ok((status, render(&page)).into_response())
}

/// `POST /organisationer/{id}/underorganisationer`: a new organisation under this one.
pub async fn create_child(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    check_csrf(&ctx, &headers, &f)?;
    let new = new_organisation(&f, Some(id.clone()));
    match state.app.create_organisation(&ctx, new).await {
        Ok(o) => Ok(Redirect::to(&detail_url(&o.id, "created")).into_response()),
        // The parent is named by the path: one the person may not see is not found, not a field
        // to correct.
        Err(AppError::Invalid(list))
            if list
                .iter()
                .any(|i| i.field == "parent_id" && i.rule == Rule::ParentRequired) =>
        {
            Err(PageError::NotFound)
        }
        Err(e) => {
            let (status, problems) =
                forms::problems(e.into(), ctx.lang, "child-form", "org-stale", |f| match f {
                    "name" => ("child-name", "field-org-name"),
                    "controller" => ("child-controller", "field-controller"),
                    _ => ("child-kind", "field-org-kind"),
                })?;
            let child = ChildForm {
                name: f.get("name").to_string(),
                kind: f.get("kind").to_string(),
                controller: f.checked("controller"),
                problems,
            };
            let posted = Posted {
                child: Some(child),
                ..Posted::default()
            };
            again(&state, &ctx, &id, status, posted).await
        }
    }
}

/// `POST /organisationer/{id}/namn`.
pub async fn rename(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    check_csrf(&ctx, &headers, &f)?;
    let changes = OrganisationChanges {
        name: Some(f.get("name").to_string()),
        ..OrganisationChanges::default()
    };
    match state
        .app
        .update_organisation(&ctx, &id, Some(f.version()), changes)
        .await
    {
        Ok(o) => Ok(Redirect::to(&detail_url(&o.id, "renamed")).into_response()),
        Err(e) => {
            let stale = matches!(e, AppError::Stale { .. });
            let (status, problems) =
                forms::problems(e.into(), ctx.lang, "rename-form", "org-stale", |_| {
                    ("rename-name", "field-new-name")
                })?;
            let rename = RenameForm {
                name: f.get("name").to_string(),
                // After a conflict the form carries the version now shown, so that saving again is
                // a decision made with the other change in view; after invalid input it keeps the
                // version first shown, so that nobody else's change is overwritten unseen.
                version: (!stale).then(|| f.version()),
                problems,
            };
            let posted = Posted {
                rename: Some(rename),
                ..Posted::default()
            };
            again(&state, &ctx, &id, status, posted).await
        }
    }
}

/// `POST /organisationer/{id}/flytta`.
pub async fn move_to(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    check_csrf(&ctx, &headers, &f)?;
    let changes = OrganisationChanges {
        parent_id: Some(f.get("parent_id").to_string()),
        ..OrganisationChanges::default()
    };
    match state
        .app
        .update_organisation(&ctx, &id, Some(f.version()), changes)
        .await
    {
        Ok(o) => Ok(Redirect::to(&detail_url(&o.id, "moved")).into_response()),
        Err(e) => {
            let stale = matches!(e, AppError::Stale { .. });
            let (status, problems) =
                forms::problems(e.into(), ctx.lang, "move-form", "org-stale", |_| {
                    ("move-parent", "field-new-parent")
                })?;
            let moving = MoveForm {
                parent_id: f.get("parent_id").to_string(),
                version: (!stale).then(|| f.version()),
                problems,
            };
            let posted = Posted {
                moving: Some(moving),
                ..Posted::default()
            };
            again(&state, &ctx, &id, status, posted).await
        }
    }
}

/// `POST /organisationer/{id}/arkiv`: archive (`archived=true`) or restore.
pub async fn archive(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    check_csrf(&ctx, &headers, &f)?;
    let archived = f.get("archived") == "true";
    let changes = OrganisationChanges {
        archived: Some(archived),
        ..OrganisationChanges::default()
    };
    match state
        .app
        .update_organisation(&ctx, &id, Some(f.version()), changes)
        .await
    {
        Ok(o) => {
            let notice = if archived { "archived" } else { "restored" };
            Ok(Redirect::to(&detail_url(&o.id, notice)).into_response())
        }
        Err(e) => {
            let (status, problems) = forms::problems(
                e.into(),
                ctx.lang,
                "archive-form",
                "org-stale-plain",
                |_| ("archive-form", "org-archive"),
            )?;
            let posted = Posted {
                archive: Some(ArchiveForm {
                    version: None,
                    problems,
                }),
                ..Posted::default()
            };
            again(&state, &ctx, &id, status, posted).await
        }
    }
}

/// `POST /organisationer/{id}/medlemmar`: give a person, named by e-mail address, exactly the ticked
/// roles here; none ticked removes them.
pub async fn set_member(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    check_csrf(&ctx, &headers, &f)?;
    let lang = ctx.lang;
    let roles = f.all("roles");
    let version = Some(f.get("version").trim())
        .filter(|v| !v.is_empty())
        .map(|_| f.version());
    let outcome = match RoleSet::parse_list(&roles) {
        Ok(set) => {
            state
                .app
                .set_roles_by_email(&ctx, &id, f.get("email"), set, version)
                .await
        }
        Err(_) => Err(Invalid::new("roles", Rule::UnknownRole).into()),
    };
    let e = match outcome {
        Ok(m) => {
            let notice = if m.version.is_none() {
                "member-removed"
            } else {
                "members-saved"
            };
            return Ok(Redirect::to(&format!(
                "{}#members-heading",
                detail_url(&m.organisation_id, notice)
            ))
            .into_response());
        }
        Err(e) => e,
    };
    let stale = matches!(e, AppError::Stale { .. });
    let unknown_person = matches!(&e, AppError::Invalid(list)
        if list.iter().any(|i| i.field == "email" && i.rule == Rule::UnknownReference));
    let (status, problems) = if unknown_person {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Problems::one(
                "member-email",
                i18n::t(lang, "field-email"),
                i18n::t(lang, "members-unknown-email"),
            ),
        )
    } else {
        forms::problems(
            ApiError::from(e),
            lang,
            "member-form",
            "members-stale",
            |f| {
                if f == "email" {
                    ("member-email", "field-email")
                } else {
                    ("member-roles", "col-roles")
                }
            },
        )?
    };
    let member = MemberForm {
        email: f.get("email").to_string(),
        roles,
        // After a conflict, the membership's version now: saving again then overwrites knowingly.
        version: if stale {
            current_membership_version(&state, &ctx, &id, f.get("email")).await?
        } else {
            version
        },
        problems,
    };
    let posted = Posted {
        member: Some(member),
        ..Posted::default()
    };
    again(&state, &ctx, &id, status, posted).await
}

/// The version of a person's roles in an organisation now, found by their e-mail address among its
/// members.
async fn current_membership_version(
    state: &AppState,
    ctx: &Caller,
    organisation_id: &str,
    email: &str,
) -> Result<Option<i64>, PageError> {
    let o = state.app.organisation(ctx, organisation_id).await?;
    let email = email.trim().to_lowercase();
    Ok(state
        .app
        .members(ctx, &o)
        .await?
        .into_iter()
        .find(|m| m.email == email)
        .map(|m| m.version))
}
