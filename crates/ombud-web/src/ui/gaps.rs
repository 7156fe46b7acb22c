//! "Brister i registret": what a controller's or a unit's register lacks (`api::processing::gaps_of`,
//! the same list the API and the annual report count), grouped by record, each linked to the record
//! where it is fixed.

use super::layout::Frame;
use super::{PageError, render};
use crate::AppState;
use crate::api::organisations::{require, visible};
use crate::api::processing::{Gap, gaps_of};
use crate::auth::UiCtx;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use ombud_domain::authz::Action;

/// One record and what it lacks.
pub struct RecordGaps {
    /// A link to the record; none for records without a page of their own yet (systems).
    pub href: Option<String>,
    /// "Behandling" or "System".
    pub kind: String,
    pub name: String,
    pub messages: Vec<String>,
}

#[derive(Template)]
#[template(path = "gaps.html")]
pub struct GapsPage {
    pub frame: Frame,
    pub org_id: String,
    pub org_name: String,
    pub total: usize,
    pub records: Vec<RecordGaps>,
}

/// Groups gaps by record, keeping the order they came in (records by name).
pub fn group(gaps: Vec<Gap>, kind_label: impl Fn(&str) -> String) -> Vec<RecordGaps> {
    let mut out: Vec<(String, RecordGaps)> = Vec::new();
    for g in gaps {
        let key = format!("{}/{}", g.record_type, g.record_id);
        match out.iter_mut().find(|(k, _)| *k == key) {
            Some((_, r)) => r.messages.push(g.message),
            None => out.push((
                key,
                RecordGaps {
                    href: record_href(&g.record_type, &g.record_id),
                    kind: kind_label(&g.record_type),
                    name: g.record_name,
                    messages: vec![g.message],
                },
            )),
        }
    }
    out.into_iter().map(|(_, r)| r).collect()
}

/// The page of a record in the register, by the record type the gaps API names.
pub fn record_href(record_type: &str, id: &str) -> Option<String> {
    let base = match record_type {
        "processing_activity" => "/behandlingar",
        "system" => "/system",
        "agreement" => "/avtal",
        _ => return None,
    };
    Some(format!("{base}/{id}"))
}

/// `GET /organisationer/{id}/brister`.
pub async fn page(
    State(state): State<AppState>,
    UiCtx(ctx): UiCtx,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let o = visible(&state.store, &ctx, &id).await?;
    require(&ctx, Action::ReadRegister, &o)?;
    let gaps = gaps_of(&state.store, &o, ctx.lang).await?;
    let total = gaps.len();
    let lang = ctx.lang;
    let records = group(gaps, |t| {
        crate::i18n::t(
            lang,
            if t == "system" {
                "gaps-kind-system"
            } else {
                "gaps-kind-processing"
            },
        )
    });
    let mut frame = Frame::load(
        &state,
        &ctx,
        &format!("/organisationer/{}/brister", o.id),
        "organisations",
    )
    .await?;
    frame.current_org = o.id.clone();
    Ok(render(&GapsPage {
        frame,
        org_id: o.id,
        org_name: o.name,
        total,
        records,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gap(t: &str, id: &str, message: &str) -> Gap {
        Gap {
            rule: "r".into(),
            record_type: t.into(),
            record_id: id.into(),
            record_name: format!("Namn {id}"),
            message: message.into(),
        }
    }

    #[test]
    fn gaps_are_grouped_by_record_and_link_to_it() {
        let g = group(
            vec![
                gap("processing_activity", "p1", "Ändamål saknas."),
                gap("processing_activity", "p1", "Rättslig grund saknas."),
                gap("system", "s1", "Systemet …"),
                gap("unknown", "u1", "…"),
            ],
            |t| t.to_string(),
        );
        assert_eq!(g.len(), 3);
        assert_eq!(g[0].messages.len(), 2);
        assert_eq!(g[0].href.as_deref(), Some("/behandlingar/p1"));
        assert_eq!(g[1].href.as_deref(), Some("/system/s1"));
        assert_eq!(g[2].href, None);
    }
}
