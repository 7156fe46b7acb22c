//! "Brister i registret": what an organisation's registers lack, every kind the person may read
//! there, grouped by kind and by record, each record linked to the page where it is fixed.

use super::{base, capitalised, record_href, t};
use crate::AppState;
use crate::auth::UiCtx;
use crate::ui::layout::Frame;
use crate::ui::{PageError, render, urlencode};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use ombud_app::gaps::Gap;
use ombud_domain::Lang;
use ombud_domain::kernel::Kind;

/// One record and what it lacks.
pub struct RecordGaps {
    pub href: String,
    pub name: String,
    /// The kind's noun, said beside the name ("behandling", "system").
    pub noun: String,
    pub messages: Vec<String>,
}

/// One kind's records with gaps.
pub struct KindGaps {
    pub id: String,
    pub heading: String,
    pub list_href: String,
    pub list_label: String,
    pub records: Vec<RecordGaps>,
}

#[derive(Template)]
#[template(path = "gaps.html")]
pub struct GapsPage {
    pub frame: Frame,
    pub org_id: String,
    pub org_name: String,
    pub total: usize,
    pub records: usize,
    pub kinds: Vec<KindGaps>,
}

/// Groups gaps by kind (in the kinds' order) and by record (in the order they came, by name).
pub fn group(gaps: Vec<Gap>, organisation_id: &str, lang: Lang) -> Vec<KindGaps> {
    let mut kinds: Vec<KindGaps> = Vec::new();
    for kind in Kind::ALL {
        let info = kind.info();
        let mut records: Vec<(String, RecordGaps)> = Vec::new();
        for g in gaps.iter().filter(|g| g.kind == kind) {
            let message = g.rule.message(lang).to_string();
            match records.iter_mut().find(|(id, _)| *id == g.record_id) {
                Some((_, r)) => r.messages.push(message),
                None => records.push((
                    g.record_id.clone(),
                    RecordGaps {
                        href: record_href(kind, &g.record_id),
                        name: g.record_name.clone(),
                        noun: info.noun.one.get(lang).to_string(),
                        messages: vec![message],
                    },
                )),
            }
        }
        if records.is_empty() {
            continue;
        }
        let many = capitalised(info.noun.many.get(lang));
        kinds.push(KindGaps {
            id: format!("gaps-{}", info.ui),
            heading: format!("{many} ({})", records.len()),
            list_href: format!("{}?organisation={}", base(kind), urlencode(organisation_id)),
            list_label: format!("{} {}", t(lang, "gaps-page.to"), info.noun.many.get(lang)),
            records: records.into_iter().map(|(_, r)| r).collect(),
        });
    }
    kinds
}

#[derive(Template)]
#[template(path = "gaps_overview.html")]
pub struct GapsOverview {
    pub frame: Frame,
    pub places: Vec<ombud_app::worklist::PlaceGaps>,
}

/// `GET /brister`: the gaps of every place where the person holds roles, each a link to its page.
pub async fn overview(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
) -> Result<Response, PageError> {
    let places = state.app.gap_places(&ctx).await?;
    Ok(render(&GapsOverview {
        frame: Frame::new(&state, &ctx, "/brister", "gaps"),
        places,
    }))
}

/// `GET /organisationer/{id}/brister`.
pub async fn page(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let (org, gaps) = state.app.gaps(&ctx, &id).await?;
    let total = gaps.len();
    let kinds = group(gaps, &org.id, ctx.lang);
    let frame = Frame::new(
        &state,
        &ctx,
        &format!("/organisationer/{}/brister", org.id),
        "organisations",
    );
    Ok(render(&GapsPage {
        frame,
        total,
        records: kinds.iter().map(|k| k.records.len()).sum(),
        kinds,
        org_id: org.id,
        org_name: org.name,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ombud_domain::kernel::gaps::GapRule;

    fn gap(kind: Kind, id: &str, rule: GapRule) -> Gap {
        Gap {
            rule,
            kind,
            record_id: id.into(),
            record_name: format!("Post {id}"),
        }
    }

    #[test]
    fn gaps_are_grouped_by_kind_and_record_and_named_with_their_own_kind() {
        let g = group(
            vec![
                gap(Kind::System, "s1", GapRule::SystemWithoutProcessing),
                gap(Kind::ProcessingActivity, "p1", GapRule::MissingPurpose),
                gap(Kind::ProcessingActivity, "p1", GapRule::MissingRetention),
                gap(Kind::Agreement, "a1", GapRule::ReviewOverdue),
            ],
            "o1",
            Lang::Sv,
        );
        assert_eq!(g.len(), 3);
        assert_eq!(g[0].heading, "Behandlingar (1)");
        assert_eq!(g[0].records[0].messages.len(), 2);
        assert_eq!(g[1].records[0].noun, "system");
        assert_eq!(g[1].records[0].href, "/system/s1");
        assert_eq!(g[2].records[0].noun, "avtal");
        assert_eq!(g[2].list_href, "/avtal?organisation=o1");
    }
}
