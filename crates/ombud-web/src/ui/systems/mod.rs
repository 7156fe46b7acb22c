//! The register of IT systems (systemförteckning) in the UI: the list with the annual report's
//! figures, one system with its classification, action plan, links and gaps, the form that
//! registers or edits a system, its history, and its removal.
//!
//! Every change goes through the API's shared functions (`api::systems::{create, update}` and
//! `api::register::delete`), so that who may do what, what is valid and what is recorded in the audit trail
//! are decided in one place. A system of another controller is "not found", never shown. Forms carry
//! the version they showed: a stale one is refused with 409 and the form is shown again with what the
//! person typed; invalid input with 422. A successful change redirects with a `?klart=` notice.

mod detail;
mod edit;
pub mod form;
mod history;

use super::forms::{Choice, SummaryItem};
use super::layout::Frame;
use super::{PageError, render, urlencode};
use crate::AppState;
use crate::api::organisations::{require, visible_for_reading};
use crate::api::processing::read_visibility;
use crate::auth::{Ctx, UiCtx};
use crate::i18n;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use ombud_domain::authz::Action;
use ombud_domain::register::gaps;
use ombud_domain::{Lang, ids};
use ombud_store::organisations::Visibility;
use ombud_store::paging::{Cursor, PageRequest};
use ombud_store::systems::{System, SystemFilter};
use serde::Deserialize;

/// Rows per page of the register.
const PAGE_SIZE: i64 = 50;

/// Confirmations a page may show after a redirect (`?klart=`), as `sys-notice-…` messages.
const NOTICES: &[&str] = &["created", "saved", "deleted"];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/system", get(list))
        .route("/system/ny", get(edit::new_form).post(edit::create))
        .route("/system/validera", axum::routing::post(edit::check))
        .route("/system/{id}", get(detail::detail))
        .route(
            "/system/{id}/redigera",
            get(edit::edit_form).post(edit::save),
        )
        .route("/system/{id}/historik", get(history::page))
        .route(
            "/system/{id}/ta-bort",
            get(detail::confirm_delete).post(detail::delete),
        )
}

/// The confirmation shown after a redirect: only codes this register knows are shown, so a link
/// cannot make a page say something it did not do.
fn notice(lang: Lang, code: Option<&str>) -> Option<String> {
    let code = code?;
    NOTICES
        .contains(&code)
        .then(|| i18n::t(lang, &format!("sys-notice-{code}")))
}

/// A system the caller may read; otherwise "not found", so that nothing is learnt about others'.
pub(crate) async fn readable(state: &AppState, ctx: &Ctx, id: &str) -> Result<System, PageError> {
    if !ids::is_well_formed(id) {
        return Err(PageError::NotFound);
    }
    let s = state.store.system(id).await?;
    if ctx.principal.can(Action::ReadRegister, &s.scope()) {
        Ok(s)
    } else {
        Err(PageError::NotFound)
    }
}

/// How a system's classification stands, as the message key of its text.
fn classification_key(s: &System, today: jiff::civil::Date) -> &'static str {
    if !s.details.classified() {
        "sys-class-none"
    } else if s.details.classification_current(today) {
        "sys-class-current"
    } else {
        "sys-class-stale"
    }
}

// ---------------------------------------------------------------------------------------------
// The list
// ---------------------------------------------------------------------------------------------

/// `?q=&organisation=&klassning=&upphandling=&personuppgifter=1&efter=`.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub organisation: String,
    /// `klassad`, `aktuell`, `inaktuell` or `oklassad`.
    #[serde(default)]
    pub klassning: String,
    /// `egen` or `central`.
    #[serde(default)]
    pub upphandling: String,
    #[serde(default)]
    pub personuppgifter: String,
    #[serde(default)]
    pub sortera: String,
    #[serde(default)]
    pub efter: String,
    #[serde(default)]
    pub klart: Option<String>,
}

/// The classification filter's values and their message keys.
const CLASSIFICATION_FILTERS: [(&str, &str); 4] = [
    ("klassad", "sys-filter-classified"),
    ("aktuell", "sys-filter-current"),
    ("inaktuell", "sys-filter-stale"),
    ("oklassad", "sys-filter-unclassified"),
];

/// The procurement filter's values and their message keys.
const PROCUREMENT_FILTERS: [(&str, &str); 2] = [
    ("egen", "sys-procurement-self_procured"),
    ("central", "sys-procurement-central"),
];

impl ListQuery {
    fn classification(&self) -> Option<&'static str> {
        CLASSIFICATION_FILTERS
            .iter()
            .map(|(v, _)| *v)
            .find(|v| *v == self.klassning)
    }

    fn procurement(&self) -> Option<&'static str> {
        PROCUREMENT_FILTERS
            .iter()
            .map(|(v, _)| *v)
            .find(|v| *v == self.upphandling)
    }

    fn personal_data(&self) -> bool {
        !self.personuppgifter.is_empty()
    }

    /// The store's filter for what the query asks. "Inaktuell" means classified but no longer
    /// current: an unclassified system is found with "oklassad".
    fn filter(&self, within_path: Option<String>, today: jiff::civil::Date) -> SystemFilter {
        let (classified, classification_current) = match self.classification() {
            Some("klassad") => (Some(true), None),
            Some("aktuell") => (Some(true), Some(true)),
            Some("inaktuell") => (Some(true), Some(false)),
            Some(_) => (Some(false), None),
            None => (None, None),
        };
        SystemFilter {
            within_path,
            q: Some(self.q.trim().to_string()).filter(|s| !s.is_empty()),
            classified,
            classification_current,
            self_procured: self.procurement().map(|p| p == "egen"),
            holds_personal_data: self.personal_data().then_some(true),
            today: Some(today),
        }
    }

    /// The filters as a query string, for the pagination links.
    fn sort(&self) -> ombud_store::register::Sort {
        crate::ui::register::sort_of(&self.sortera)
    }

    fn filters(&self) -> String {
        let mut parts = Vec::new();
        if !self.q.trim().is_empty() {
            parts.push(format!("q={}", urlencode(self.q.trim())));
        }
        if !self.organisation.is_empty() {
            parts.push(format!("organisation={}", urlencode(&self.organisation)));
        }
        if let Some(c) = self.classification() {
            parts.push(format!("klassning={c}"));
        }
        if let Some(p) = self.procurement() {
            parts.push(format!("upphandling={p}"));
        }
        if self.personal_data() {
            parts.push("personuppgifter=1".into());
        }
        parts.extend(crate::ui::register::sort_query(self.sort()));
        parts.join("&")
    }
}

pub struct RowView {
    pub id: String,
    pub name: String,
    pub organisation: String,
    pub classification: String,
    /// The classification is missing or out of date, which the row marks in words.
    pub classification_due: bool,
    pub procurement: String,
    pub personal_data: String,
    pub gaps: usize,
}

/// The annual report's figures for the chosen organisation.
pub struct FiguresView {
    pub organisation: String,
    /// The register of the organisation as a spreadsheet: `.xlsx` and `.csv`.
    pub xlsx: String,
    pub csv: String,
    pub as_of: String,
    pub systems: i64,
    pub classified: i64,
    pub current: i64,
    pub self_procured: i64,
}

#[derive(Template)]
#[template(path = "system_list.html")]
pub struct ListPage {
    pub frame: Frame,
    /// How many systems the filters match, as a line of text.
    pub counts: String,
    pub q: String,
    pub organisations: Vec<Choice>,
    pub classifications: Vec<Choice>,
    pub procurements: Vec<Choice>,
    pub personal_data: bool,
    pub sorts: Vec<Choice>,
    pub rows: Vec<RowView>,
    pub next_href: Option<String>,
    pub first_href: Option<String>,
    pub filtered: bool,
    pub figures: Option<FiguresView>,
    pub can_edit: bool,
    /// The form for a new system, with the chosen organisation preselected.
    pub new_href: String,
    pub summary: Vec<SummaryItem>,
    pub notice: Option<String>,
}

/// `GET /system`.
pub async fn list(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let lang = ctx.lang;
    let visibility = read_visibility(&ctx);
    if matches!(&visibility, Visibility::Scopes(s) if s.is_empty()) {
        return Err(PageError::Forbidden);
    }
    let chosen = match q.organisation.trim() {
        "" => None,
        id => {
            let o = visible_for_reading(&state, &ctx, id).await?;
            require(&ctx, Action::ReadRegister, &o)?;
            Some(o)
        }
    };
    let today = crate::api::processing::today();
    let filter = q.filter(chosen.as_ref().map(|o| o.path.clone()), today);
    // A cursor that does not decode starts from the top rather than failing the page.
    let request = PageRequest {
        after: Cursor::decode(&q.efter),
        limit: PAGE_SIZE,
    };
    let page = state
        .store
        .systems(&visibility, &filter, q.sort(), &request)
        .await?;
    let count = state.store.system_count(&visibility, &filter).await?;
    let ids: Vec<String> = page.items.iter().map(|s| s.id.clone()).collect();
    let links = state
        .store
        .links_to("processing_activity", "system", &ids)
        .await?;
    let mut names = crate::ui::processing::OrgNames::new(&state.store);
    let mut rows = Vec::with_capacity(page.items.len());
    for s in &page.items {
        let key = classification_key(s, today);
        let linked = links.get(&s.id).map_or(0, Vec::len);
        rows.push(RowView {
            id: s.id.clone(),
            name: s.details.name.clone(),
            organisation: names.get(&s.organisation_id).await?,
            classification: i18n::t(lang, key),
            classification_due: key != "sys-class-current",
            procurement: i18n::t(
                lang,
                &format!("sys-procurement-{}", s.details.procurement.as_str()),
            ),
            personal_data: i18n::t(
                lang,
                if s.details.holds_personal_data {
                    "yes"
                } else {
                    "no"
                },
            ),
            gaps: gaps::system_gaps(s.details.holds_personal_data, linked).len(),
        });
    }
    let filters = q.filters();
    let join = |extra: String| {
        let all = [filters.clone(), extra]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("&");
        if all.is_empty() {
            "/system".to_string()
        } else {
            format!("/system?{all}")
        }
    };
    let next_href = page
        .next
        .as_ref()
        .map(|c| join(format!("efter={}", urlencode(c))));
    let first_href = (!q.efter.is_empty()).then(|| join(String::new()));
    let organisations = crate::ui::register::organisations_where(
        &state,
        &ctx,
        Action::ReadRegister,
        &q.organisation,
    )
    .await?;
    let choices = |list: &[(&str, &str)], current: Option<&str>| {
        list.iter()
            .map(|(v, key)| Choice::new(*v, i18n::t(lang, key), current == Some(*v)))
            .collect::<Vec<_>>()
    };
    let figures = match &chosen {
        Some(o) => {
            let f = state.store.system_figures(o, today).await?;
            let file = |format: &str| {
                format!(
                    "/api/v1/systems/export?organisation_id={}&format={format}",
                    o.id
                )
            };
            Some(FiguresView {
                organisation: o.name.clone(),
                xlsx: file("xlsx"),
                csv: file("csv"),
                as_of: today.to_string(),
                systems: f.systems,
                classified: f.classified,
                current: f.classification_current,
                self_procured: f.self_procured,
            })
        }
        None => None,
    };
    let mut frame = Frame::load(&state, &ctx, &join(String::new()), "systems").await?;
    if let Some(o) = &chosen {
        frame.current_org = o.id.clone();
    }
    Ok(render(&ListPage {
        frame,
        counts: crate::ui::count_text(lang, count, "sys-count"),
        sorts: crate::ui::register::sort_choices(lang, q.sort(), "sys-sort-next_review"),
        q: q.q.clone(),
        organisations,
        classifications: choices(&CLASSIFICATION_FILTERS, q.classification()),
        procurements: choices(&PROCUREMENT_FILTERS, q.procurement()),
        personal_data: q.personal_data(),
        rows,
        next_href,
        first_href,
        filtered: !filters.is_empty(),
        figures,
        can_edit: crate::ui::register::acts_somewhere(&ctx, Action::EditSystems),
        new_href: match &chosen {
            Some(o) => format!("/system/ny?organisation={}", o.id),
            None => "/system/ny".into(),
        },
        summary: Vec::new(),
        notice: notice(lang, q.klart.as_deref()),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> jiff::civil::Date {
        jiff::civil::date(2026, 11, 25)
    }

    #[test]
    fn the_filters_survive_pagination() {
        let q = ListQuery {
            q: " lön system ".into(),
            organisation: "o1".into(),
            klassning: "inaktuell".into(),
            upphandling: "egen".into(),
            personuppgifter: "1".into(),
            efter: "abc".into(),
            ..ListQuery::default()
        };
        assert_eq!(
            q.filters(),
            "q=l%C3%B6n%20system&organisation=o1&klassning=inaktuell&upphandling=egen&personuppgifter=1"
        );
        let bad = ListQuery {
            klassning: "nonsense".into(),
            upphandling: "stulen".into(),
            ..ListQuery::default()
        };
        assert_eq!(bad.filters(), "");
    }

    #[test]
    fn the_filters_become_the_stores() {
        let q = ListQuery {
            q: "  ".into(),
            klassning: "inaktuell".into(),
            upphandling: "central".into(),
            ..ListQuery::default()
        };
        let f = q.filter(Some("/a/".into()), today());
        assert_eq!(f.q, None);
        assert_eq!(
            (f.classified, f.classification_current),
            (Some(true), Some(false))
        );
        assert_eq!(f.self_procured, Some(false));
        assert_eq!(f.holds_personal_data, None);
        assert_eq!(f.within_path.as_deref(), Some("/a/"));
        let f = ListQuery {
            klassning: "oklassad".into(),
            personuppgifter: "1".into(),
            ..ListQuery::default()
        }
        .filter(None, today());
        assert_eq!(
            (f.classified, f.classification_current),
            (Some(false), None)
        );
        assert_eq!(f.holds_personal_data, Some(true));
        assert_eq!(f.self_procured, None);
    }

    #[test]
    fn only_known_notices_are_shown() {
        assert!(notice(Lang::Sv, Some("created")).is_some());
        assert!(notice(Lang::Sv, Some("hacked")).is_none());
        for code in NOTICES {
            for lang in [Lang::Sv, Lang::En] {
                let n = notice(lang, Some(code)).unwrap_or_default();
                assert!(!n.starts_with("sys-"), "{code}");
            }
        }
    }
}
