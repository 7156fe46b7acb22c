//! A kind's list: search, the organisation filter, the kind's own filters, the order, keyset pages,
//! the counts the annual report quotes, and links to export, import and register.

use super::extras::{self, Panel};
use super::form::new_href;
use super::{base, kt, notice, organisation_choices, record_href, t};
use crate::AppState;
use crate::auth::UiCtx;
use crate::ui::forms::{Choice, Fields, SummaryItem};
use crate::ui::layout::Frame;
use crate::ui::{PageError, render, urlencode};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use ombud_app::records::{ListParams, filter_value};
use ombud_app::{Cursor, PageRequest, today};
use ombud_domain::Lang;
use ombud_domain::authz::Action;
use ombud_domain::kernel::query::{Cond, FilterKind, Sort};
use ombud_domain::kernel::{ColumnType, Descriptor, KindInfo};

/// Rows per page.
const PAGE_SIZE: i64 = 50;

/// A filter's select.
pub struct FilterView {
    pub id: String,
    pub name: &'static str,
    pub label: String,
    pub choices: Vec<Choice>,
}

pub struct RowView {
    pub href: String,
    pub name: String,
    pub organisation: String,
    pub status: String,
    pub review: String,
    pub overdue: bool,
    pub gaps: usize,
    pub tags: Vec<String>,
}

pub struct ExportView {
    pub organisation: String,
    pub links: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "kind_list.html")]
pub struct ListPage {
    pub frame: Frame,
    pub base: String,
    pub title: String,
    pub intro: String,
    pub filter_label: String,
    pub search_hint: String,
    pub q: String,
    pub organisations: Vec<Choice>,
    pub filters: Vec<FilterView>,
    pub sorts: Vec<Choice>,
    pub filtered: bool,
    pub counts: String,
    pub export: Option<ExportView>,
    pub panels: Vec<Panel>,
    pub workflow: bool,
    pub review_label: String,
    pub caption: String,
    pub rows: Vec<RowView>,
    pub empty: String,
    pub may_edit: bool,
    pub new_href: String,
    pub import_href: String,
    /// Where the list leads besides its records (a breach's inbox).
    pub links: Vec<(String, String)>,
    pub new_label: String,
    pub next_href: Option<String>,
    pub first_href: Option<String>,
    pub summary: Vec<SummaryItem>,
    pub notice: Option<String>,
}

/// `GET /{ui}?q=&organisation=&{filter}=&sortera=&efter=`.
pub async fn page<D: Descriptor>(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Query(q): Query<Fields>,
) -> Result<Response, PageError> {
    let info = D::info();
    let kind = D::KIND;
    let lang = ctx.lang;
    if !state.app.reads_anywhere(&ctx, kind) {
        return Err(PageError::Forbidden);
    }
    let words = q.get("q").trim().to_string();
    let organisation = q.get("organisation").trim().to_string();
    let sort = Sort::from_ui(q.get("sortera"));
    // A value a filter does not know asks for nothing, as an empty one does.
    let chosen: Vec<_> = info
        .filters
        .iter()
        .filter_map(|f| Some((f, filter_value(f, q.get(f.ui)).ok()??, q.get(f.ui).trim())))
        .collect();
    let params = ListParams {
        organisation_id: Some(organisation.clone()).filter(|o| !o.is_empty()),
        words: Some(words.clone()).filter(|w| !w.is_empty()),
        filters: chosen.iter().map(|(f, v, _)| (*f, v.clone())).collect(),
        sort,
        with_details: false,
        with_counts: true,
        figures: extras::list_figures(kind),
    };
    // A cursor that does not decode starts from the top rather than failing the page.
    let request = PageRequest {
        after: Cursor::decode(q.get("efter")),
        limit: PAGE_SIZE,
    };
    let listed = state.app.list::<D>(&ctx, &params, &request).await?;

    let mut query: Vec<String> = Vec::new();
    if !words.is_empty() {
        query.push(format!("q={}", urlencode(&words)));
    }
    if let Some(o) = &listed.within {
        query.push(format!("organisation={}", urlencode(&o.id)));
    }
    for (f, _, raw) in &chosen {
        query.push(format!("{}={}", f.ui, urlencode(raw)));
    }
    if sort != Sort::Name {
        query.push(format!("sortera={}", sort.ui()));
    }
    let filters = query.join("&");
    let link = |extra: Option<String>| {
        let all: Vec<&str> = [filters.as_str()]
            .into_iter()
            .chain(extra.as_deref())
            .filter(|s| !s.is_empty())
            .collect();
        if all.is_empty() {
            base(kind)
        } else {
            format!("{}?{}", base(kind), all.join("&"))
        }
    };
    let today = today();
    let rows = listed
        .items
        .iter()
        .map(|item| {
            let review = item
                .row
                .review_on
                .as_deref()
                .and_then(|d| d.parse::<jiff::civil::Date>().ok());
            RowView {
                href: record_href(kind, &item.row.id),
                name: item.row.name.clone(),
                organisation: item.row.organisation_name.clone(),
                status: status_label(info, item.row.status.as_deref(), lang),
                review: item.row.review_on.clone().unwrap_or_default(),
                overdue: info.is_overdue(item.row.status.as_deref(), review, today),
                gaps: item.gaps.len(),
                tags: tags(info, &item.row, lang),
            }
        })
        .collect();
    let panels = match &listed.within {
        Some(o) => extras::list_panels(&state, &ctx, kind, o, &listed.figures).await?,
        None => Vec::new(),
    };
    let export = listed.within.as_ref().map(|o| ExportView {
        organisation: o.name.clone(),
        links: export_links(info, &o.id, lang),
    });
    let frame = Frame::new(&state, &ctx, &link(None), info.ui);
    let title = kt(lang, kind, "title");
    let filtered = !filters.is_empty();
    let page = ListPage {
        frame,
        base: base(kind),
        filter_label: format!("{} {}", t(lang, "filter-label"), info.noun.many.get(lang)),
        search_hint: kt(lang, kind, "search-hint"),
        intro: kt(lang, kind, "intro"),
        q: words,
        organisations: organisation_choices(&state, &ctx, Action::Read(kind), &organisation)
            .await?,
        filters: filter_views(info, &q, lang),
        sorts: sort_choices(info, sort, lang),
        filtered,
        counts: counts_text(info, &listed.counts, lang),
        export,
        panels,
        workflow: info.workflow.is_some(),
        review_label: info.review.get(lang).to_string(),
        caption: caption(info, &title, sort, lang),
        title,
        rows,
        empty: kt(lang, kind, if filtered { "none-matching" } else { "none" }),
        may_edit: state.app.edits_anywhere(&ctx, kind),
        new_href: new_href(kind, listed.within.as_ref().map(|o| o.id.as_str())),
        import_href: format!("{}/import", base(kind)),
        links: extras::list_links(kind, lang),
        new_label: kt(lang, kind, "new"),
        next_href: listed
            .next
            .as_ref()
            .map(|c| link(Some(format!("efter={}", urlencode(c))))),
        first_href: (!q.get("efter").is_empty()).then(|| link(None)),
        summary: Vec::new(),
        notice: notice(lang, kind, q.get("klart"), &["deleted"]),
    };
    Ok(render(&page))
}

fn status_label(info: &KindInfo, status: Option<&str>, lang: Lang) -> String {
    match (info.workflow, status) {
        (Some(w), Some(s)) => w.state_or_initial(s).label.get(lang).to_string(),
        _ => String::new(),
    }
}

/// The row's yes/no columns that are set, named as their filters name a yes: text, never colour
/// alone.
fn tags(info: &KindInfo, row: &ombud_app::ListRow, lang: Lang) -> Vec<String> {
    info.columns
        .iter()
        .filter(|c| c.ty == ColumnType::Flag && row.column(info, c.name) == Some("1"))
        .filter_map(|c| {
            info.filters.iter().find_map(|f| match f.kind {
                FilterKind::Test {
                    yes: Cond::On(col),
                    yes_label,
                    ..
                } if col == c.name => Some(yes_label.get(lang).to_string()),
                _ => None,
            })
        })
        .collect()
}

fn filter_views(info: &KindInfo, q: &Fields, lang: Lang) -> Vec<FilterView> {
    info.filters
        .iter()
        .map(|f| {
            let current = q.get(f.ui).trim();
            let choices = match f.kind {
                FilterKind::Test {
                    yes_label,
                    no_label,
                    ..
                } => {
                    let yes = matches!(current, "ja" | "true" | "1" | "on");
                    let no = matches!(current, "nej" | "false" | "0");
                    vec![
                        Choice::new("ja", yes_label.get(lang), yes),
                        Choice::new("nej", no_label.get(lang), no),
                    ]
                }
                FilterKind::OneOf { opts, .. } => opts
                    .iter()
                    .map(|o| Choice::new(o.code, o.label.get(lang), o.code == current))
                    .collect(),
            };
            FilterView {
                id: format!("filter-{}", f.ui),
                name: f.ui,
                label: f.label.get(lang).to_string(),
                choices,
            }
        })
        .collect()
}

fn sort_label(info: &KindInfo, sort: Sort, lang: Lang) -> String {
    match sort {
        Sort::Name => t(lang, "sort.name"),
        Sort::NextReview => format!("{}, {}", info.review.get(lang), t(lang, "sort.earliest")),
        Sort::RecentlyUpdated => t(lang, "sort.recently_updated"),
    }
}

fn sort_choices(info: &KindInfo, current: Sort, lang: Lang) -> Vec<Choice> {
    Sort::ALL
        .into_iter()
        .map(|s| Choice::new(s.ui(), sort_label(info, s, lang), s == current))
        .collect()
}

/// The table's caption, which says the order.
fn caption(info: &KindInfo, title: &str, sort: Sort, lang: Lang) -> String {
    format!(
        "{title}, {} {}",
        t(lang, "sorted-by"),
        sort_label(info, sort, lang).to_lowercase()
    )
}

fn export_links(info: &KindInfo, organisation_id: &str, lang: Lang) -> Vec<(String, String)> {
    let mut formats = vec!["xlsx", "csv"];
    if info.document.is_some() {
        formats.push("pdf");
    }
    formats
        .into_iter()
        .map(|f| {
            (
                format!(
                    "/api/v1/{}/export?organisation_id={}&format={f}",
                    info.api,
                    urlencode(organisation_id)
                ),
                t(lang, &format!("export.{f}")),
            )
        })
        .collect()
}

/// "12 behandlingar, varav 4 godkända, 5 under bearbetning": what the filters match, by workflow
/// state in the workflow's order, as the annual report quotes it; "3 avtal" for a kind without one.
pub fn counts_text(info: &KindInfo, counts: &[(Option<String>, i64)], lang: Lang) -> String {
    let total: i64 = counts.iter().map(|(_, n)| n).sum();
    let noun = if total == 1 {
        info.noun.one.get(lang)
    } else {
        info.noun.many.get(lang)
    };
    let Some(w) = info.workflow.filter(|_| total > 0) else {
        return format!("{total} {noun}");
    };
    let parts: Vec<String> = w
        .states
        .iter()
        .filter_map(|s| {
            let n: i64 = counts
                .iter()
                .filter(|(c, _)| {
                    w.state_or_initial(c.as_deref().unwrap_or_default()).code == s.code
                })
                .map(|(_, n)| n)
                .sum();
            // One is said as the state's own name, in lower case ("1 godkänd", "4 godkända").
            (n > 0).then(|| {
                let word = if n == 1 {
                    lower_first(s.label.get(lang))
                } else {
                    s.plural.get(lang).to_string()
                };
                format!("{n} {word}")
            })
        })
        .collect();
    format!(
        "{total} {noun}, {} {}",
        t(lang, "of-which"),
        parts.join(", ")
    )
}

/// The text with its first letter in lower case.
fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_lowercase().chain(c).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ombud_domain::kernel::Kind;

    fn c(state: &str, n: i64) -> (Option<String>, i64) {
        (Some(state.to_string()), n)
    }

    #[test]
    fn one_is_singular() {
        let p = Kind::ProcessingActivity.info();
        assert_eq!(
            counts_text(p, &[c("godkand", 1), c("under_bearbetning", 2)], Lang::Sv),
            "3 behandlingar, varav 2 under bearbetning, 1 godkänd"
        );
    }

    #[test]
    fn counts_read_like_the_annual_report() {
        let p = Kind::ProcessingActivity.info();
        assert_eq!(
            counts_text(p, &[c("godkand", 4), c("under_bearbetning", 119)], Lang::Sv),
            "123 behandlingar, varav 119 under bearbetning, 4 godkända"
        );
        assert_eq!(counts_text(p, &[], Lang::Sv), "0 behandlingar");
        assert_eq!(
            counts_text(p, &[c("redo_for_granskning", 1)], Lang::Sv),
            "1 behandling, varav 1 redo för granskning"
        );
        assert_eq!(
            counts_text(p, &[c("godkand", 2)], Lang::En),
            "2 processing activities, of which 2 approved"
        );
        assert_eq!(
            counts_text(Kind::Agreement.info(), &[(None, 1)], Lang::Sv),
            "1 avtal"
        );
        assert_eq!(
            counts_text(Kind::System.info(), &[(None, 0)], Lang::Sv),
            "0 system"
        );
    }

    #[test]
    fn every_flag_column_with_a_filter_is_a_tag() {
        let p = Kind::ProcessingActivity.info();
        let row = ombud_app::ListRow {
            id: "x".into(),
            organisation_id: "o".into(),
            organisation_name: "O".into(),
            controller_id: None,
            name: "n".into(),
            status: None,
            review_on: None,
            gap_codes: String::new(),
            updated_at: String::new(),
            version: 1,
            columns: vec![
                "processor".into(),
                "1".into(),
                "0".into(),
                "1".into(),
                "0".into(),
                "1".into(),
                "2".into(),
            ],
            details: None,
            link_gaps: Vec::new(),
            incoming: Default::default(),
        };
        assert_eq!(
            tags(p, &row, Lang::Sv),
            vec![
                "Känsliga personuppgifter",
                "Skyddade personuppgifter",
                "Överföring till tredjeland"
            ]
        );
    }

    #[test]
    fn the_orders_are_named_by_the_kinds_review() {
        let s = Kind::System.info();
        let labels: Vec<String> = sort_choices(s, Sort::Name, Lang::Sv)
            .into_iter()
            .map(|c| c.label)
            .collect();
        assert_eq!(labels[1], "Nästa översyn av klassningen, tidigast först");
        assert_eq!(
            caption(s, "System", Sort::Name, Lang::Sv),
            "System, sorterade efter namn"
        );
    }
}
