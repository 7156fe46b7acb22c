//! `GET /avtal`: the agreements, searched and filtered, by title, a page at a time.

use super::notice;
use crate::AppState;
use crate::api::organisations::{require, visible_for_reading};
use crate::api::processing::{read_visibility, today};
use crate::auth::UiCtx;
use crate::ui::forms::{Choice, SummaryItem};
use crate::ui::layout::Frame;
use crate::ui::{PageError, render, urlencode};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use ombud_domain::authz::Action;
use ombud_domain::register::agreement::Direction;
use ombud_store::agreements::AgreementFilter;
use ombud_store::organisations::Visibility;
use ombud_store::paging::{Cursor, PageRequest};
use serde::Deserialize;

/// Rows per page.
const PAGE_SIZE: i64 = 50;

/// `?q=&organisation=&riktning=&forsenad=1&efter=`.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub organisation: String,
    #[serde(default)]
    pub riktning: String,
    /// Only agreements whose review date has passed.
    #[serde(default)]
    pub forsenad: String,
    #[serde(default)]
    pub sortera: String,
    #[serde(default)]
    pub efter: String,
    #[serde(default)]
    pub klart: Option<String>,
}

impl ListQuery {
    fn direction(&self) -> Option<Direction> {
        Direction::parse(&self.riktning)
    }

    fn overdue(&self) -> bool {
        !self.forsenad.is_empty()
    }

    fn sort(&self) -> ombud_store::register::Sort {
        crate::ui::register::sort_of(&self.sortera)
    }

    /// The filters as a query string, for the pagination links; values no filter offers are
    /// dropped rather than carried along.
    fn filters(&self) -> String {
        let mut parts = Vec::new();
        if !self.q.trim().is_empty() {
            parts.push(format!("q={}", urlencode(self.q.trim())));
        }
        if !self.organisation.trim().is_empty() {
            parts.push(format!(
                "organisation={}",
                urlencode(self.organisation.trim())
            ));
        }
        if let Some(d) = self.direction() {
            parts.push(format!("riktning={}", d.as_str()));
        }
        if self.overdue() {
            parts.push("forsenad=1".into());
        }
        parts.extend(crate::ui::register::sort_query(self.sort()));
        parts.join("&")
    }

    /// The list's address with the filters and, optionally, more.
    fn href(&self, extra: &str) -> String {
        let all = [self.filters(), extra.to_string()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("&");
        if all.is_empty() {
            "/avtal".to_string()
        } else {
            format!("/avtal?{all}")
        }
    }
}

pub struct RowView {
    pub id: String,
    pub title: String,
    pub counterparty: String,
    pub direction: String,
    pub signed_on: String,
    pub review_on: String,
    pub overdue: bool,
    pub last_checked_on: Option<String>,
}

#[derive(Template)]
#[template(path = "agreement_list.html")]
pub struct ListPage {
    pub frame: Frame,
    /// How many agreements the filters match, as a line of text.
    pub counts: String,
    pub q: String,
    pub organisations: Vec<Choice>,
    pub directions: Vec<Choice>,
    pub overdue: bool,
    pub sorts: Vec<Choice>,
    pub rows: Vec<RowView>,
    pub next_href: Option<String>,
    pub first_href: Option<String>,
    pub filtered: bool,
    pub can_edit: bool,
    /// The form for a new agreement, with the chosen organisation preselected.
    pub new_href: String,
    pub summary: Vec<SummaryItem>,
    pub notice: Option<String>,
}

/// `GET /avtal`.
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
    let today = today();
    let filter = AgreementFilter {
        within_path: chosen.as_ref().map(|o| o.path.clone()),
        q: Some(q.q.clone()).filter(|s| !s.trim().is_empty()),
        direction: q.direction(),
        review_overdue: q.overdue().then_some(true),
        today: today.to_string(),
    };
    // A cursor that does not decode starts from the top rather than failing the page.
    let request = PageRequest {
        after: Cursor::decode(&q.efter),
        limit: PAGE_SIZE,
    };
    let page = state
        .store
        .agreements(&visibility, &filter, q.sort(), &request)
        .await?;
    let count = state.store.agreement_count(&visibility, &filter).await?;
    let rows = page
        .items
        .iter()
        .map(|a| {
            let d = &a.details;
            RowView {
                id: a.id.clone(),
                title: d.title().to_string(),
                counterparty: d.counterparty.clone(),
                direction: d.direction.label(lang).to_string(),
                signed_on: d.signed_on.clone().unwrap_or_default(),
                review_on: d.review_on.clone().unwrap_or_default(),
                overdue: d.review_overdue(today),
                last_checked_on: d.last_checked_on().map(str::to_string),
            }
        })
        .collect();
    let next_href = page
        .next
        .as_ref()
        .map(|c| q.href(&format!("efter={}", urlencode(c))));
    let first_href = (!q.efter.is_empty()).then(|| q.href(""));
    let organisations = crate::ui::register::organisations_where(
        &state,
        &ctx,
        Action::ReadRegister,
        &q.organisation,
    )
    .await?;
    let directions = Direction::ALL
        .iter()
        .map(|d| Choice::new(d.as_str(), d.label(lang), q.direction() == Some(*d)))
        .collect();
    let mut frame = Frame::load(&state, &ctx, &q.href(""), "agreements").await?;
    if let Some(o) = &chosen {
        frame.current_org = o.id.clone();
    }
    Ok(render(&ListPage {
        frame,
        counts: crate::ui::count_text(lang, count, "agr-count"),
        sorts: crate::ui::register::sort_choices(lang, q.sort(), "agr-sort-next_review"),
        q: q.q.clone(),
        organisations,
        directions,
        overdue: q.overdue(),
        rows,
        next_href,
        first_href,
        filtered: !q.filters().is_empty(),
        can_edit: crate::ui::register::acts_somewhere(&ctx, Action::EditAgreements),
        new_href: match &chosen {
            Some(o) => format!("/avtal/ny?organisation={}", o.id),
            None => "/avtal/ny".into(),
        },
        summary: Vec::new(),
        notice: notice(lang, q.klart.as_deref()),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filters_survive_pagination() {
        let q = ListQuery {
            q: " Tieto Evry ".into(),
            organisation: "o1".into(),
            riktning: "we_process_for_them".into(),
            forsenad: "1".into(),
            sortera: "granskning".into(),
            efter: "abc".into(),
            klart: Some("deleted".into()),
        };
        assert_eq!(
            q.filters(),
            "q=Tieto%20Evry&organisation=o1&riktning=we_process_for_them&forsenad=1&sortera=granskning"
        );
        assert_eq!(
            q.href("efter=00ff"),
            "/avtal?q=Tieto%20Evry&organisation=o1&riktning=we_process_for_them&forsenad=1&sortera=granskning&efter=00ff"
        );
    }

    #[test]
    fn values_no_filter_offers_are_dropped() {
        let q = ListQuery {
            riktning: "both".into(),
            ..ListQuery::default()
        };
        assert_eq!(q.filters(), "");
        assert_eq!(q.href(""), "/avtal");
        assert_eq!(q.href("efter=1"), "/avtal?efter=1");
    }
}
