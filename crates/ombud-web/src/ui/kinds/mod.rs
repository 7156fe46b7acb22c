//! The pages every kind has, made from its descriptor: the list (`/{ui}`), a record (`/{ui}/{id}`),
//! the form (`/{ui}/ny`, `/{ui}/{id}/redigera`) with its live check (`/{ui}/validera`), the history
//! (`/{ui}/{id}/historik`), removal (`/{ui}/{id}/ta-bort`), a workflow step (`/{ui}/{id}/status`, for
//! kinds with a workflow) and the import (`/{ui}/import`); and the gaps of an organisation, every
//! kind's (`/organisationer/{id}/brister`).
//!
//! A kind's page texts live in its own message file (`messages/{code}.sv.txt`), keyed
//! `{code}.{text}`; what every kind's pages say alike is in `messages/kinds.sv.txt`, keyed
//! `kinds.{text}`. Field labels, hints, sections, filters, nouns and workflow states come from the
//! descriptor. What a kind shows that no other does (a system register's figures, an agreement's
//! compliance log) is in [`extras`].

mod draft;
mod extras;
mod form;
mod gaps;
mod history;
mod import;
mod list;
mod record;

use super::forms::Choice;
use super::{PageError, render};
use crate::AppState;
use crate::i18n;
use crate::routes::{Access, PageRoutes};
use axum::routing::{get, post};
use ombud_app::Caller;
use ombud_domain::Lang;
use ombud_domain::authz::Action;
use ombud_domain::kernel::{Descriptor, Kind, KindVisitor, for_each_kind};

/// How many organisations a filter or a form offers.
const ORG_CHOICES: i64 = 500;

/// Every kind's pages, the gaps page and the agreements' compliance checks.
pub fn routes(r: PageRoutes) -> PageRoutes {
    struct Add(Option<PageRoutes>);
    impl KindVisitor for Add {
        fn visit<D: Descriptor>(&mut self) {
            if let Some(r) = self.0.take() {
                self.0 = Some(kind_routes::<D>(r));
            }
        }
    }
    let mut add = Add(Some(r));
    for_each_kind(&mut add);
    add.0
        .unwrap_or_default()
        .add("GET", "/brister", Access::SignedIn, get(gaps::overview))
        .add(
            "GET",
            "/organisationer/{id}/brister",
            // Every kind is read by the same roles today; the page lists the kinds the person may
            // read there, and refuses when there are none.
            Access::Organisation(Action::Read(Kind::ProcessingActivity)),
            get(gaps::page),
        )
        .add_for(
            Kind::Agreement,
            "POST",
            "/avtal/{id}/efterlevnadskontroller",
            Access::Record(Action::Edit(Kind::Agreement)),
            post(extras::add_check),
        )
        .add_for(
            Kind::Breach,
            "GET",
            "/incidenter/{id}/riskbedomning",
            Access::Record(Action::Edit(Kind::Breach)),
            get(crate::ui::breaches::assessment),
        )
        .add_for(
            Kind::Breach,
            "POST",
            "/incidenter/{id}/riskbedomning",
            Access::Record(Action::Edit(Kind::Breach)),
            post(crate::ui::breaches::assess),
        )
        .add_for(
            Kind::Breach,
            "GET",
            "/incidenter/{id}/dokument",
            Access::Record(Action::Read(Kind::Breach)),
            get(crate::ui::breaches::documents),
        )
        .add_for(
            Kind::Breach,
            "GET",
            "/incidenter/{id}/dokument/imy.pdf",
            Access::Record(Action::Read(Kind::Breach)),
            get(crate::ui::breaches::notice_pdf),
        )
        .add_for(
            Kind::Breach,
            "GET",
            "/incidenter/{id}/dokument/brev.pdf",
            Access::Record(Action::Read(Kind::Breach)),
            get(crate::ui::breaches::letter_pdf),
        )
        .add_for(
            Kind::Breach,
            "POST",
            "/incidenter/{id}/dokument/skickad",
            Access::Record(Action::Edit(Kind::Breach)),
            post(crate::ui::breaches::record_sent),
        )
        .add_for(
            Kind::Breach,
            "GET",
            "/incidenter/{id}/dpo-stallningstagande",
            Access::Record(Action::Edit(Kind::Breach)),
            get(crate::ui::breaches::dpo_form),
        )
        .add_for(
            Kind::Breach,
            "POST",
            "/incidenter/{id}/dpo-stallningstagande",
            Access::Record(Action::Edit(Kind::Breach)),
            post(crate::ui::breaches::dpo_decide),
        )
        .add_for(
            Kind::Breach,
            "GET",
            "/incidenter/{id}/underrattelser",
            Access::Record(Action::Read(Kind::Breach)),
            get(crate::ui::notices::sent),
        )
        .add_for(
            Kind::Breach,
            "POST",
            "/incidenter/{id}/underrattelser",
            Access::Record(Action::Edit(Kind::Breach)),
            post(crate::ui::notices::send),
        )
        .add_for(
            Kind::Request,
            "GET",
            "/begaranden/{id}/forlangning",
            Access::Record(Action::Edit(Kind::Request)),
            get(crate::ui::requests::form),
        )
        .add_for(
            Kind::Request,
            "POST",
            "/begaranden/{id}/forlangning",
            Access::Record(Action::Edit(Kind::Request)),
            post(crate::ui::requests::submit),
        )
        .add(
            "GET",
            "/organisationer/{id}/gallring",
            Access::Organisation(Action::Read(Kind::Request)),
            get(crate::ui::requests::retention),
        )
        .add(
            "POST",
            "/organisationer/{id}/gallring",
            Access::Organisation(Action::Edit(Kind::Request)),
            post(crate::ui::requests::set_retention),
        )
        .add(
            "GET",
            "/organisationer/{id}/lediga-dagar",
            Access::Organisation(Action::Read(Kind::Request)),
            get(crate::ui::requests::days_off),
        )
        .add(
            "POST",
            "/organisationer/{id}/lediga-dagar",
            Access::Organisation(Action::Edit(Kind::Request)),
            post(crate::ui::requests::set_days_off),
        )
        .add_for(
            Kind::Request,
            "GET",
            "/begaranden/{id}/sok",
            Access::Record(Action::Read(Kind::Request)),
            get(crate::ui::requests::search),
        )
        .add_for(
            Kind::Request,
            "POST",
            "/begaranden/{id}/sok",
            Access::Record(Action::Edit(Kind::Request)),
            post(crate::ui::requests::searched),
        )
        .add_for(
            Kind::Request,
            "GET",
            "/begaranden/{id}/svar",
            Access::Record(Action::Read(Kind::Request)),
            get(crate::ui::requests::answer),
        )
        .add_for(
            Kind::Request,
            "GET",
            "/begaranden/{id}/svar.pdf",
            Access::Record(Action::Read(Kind::Request)),
            get(crate::ui::requests::answer_pdf),
        )
        // The inbox: notices to the controllers where the person reads breaches at the controller.
        .add(
            "GET",
            "/incidenter/inkorg",
            Access::SignedIn,
            get(crate::ui::notices::inbox),
        )
        .add(
            "GET",
            "/incidenter/inkorg/{id}",
            Access::Record(Action::Read(Kind::Breach)),
            get(crate::ui::notices::notice),
        )
        .add(
            "POST",
            "/incidenter/inkorg/{id}/registrera",
            Access::Record(Action::Create(Kind::Breach)),
            post(crate::ui::notices::register),
        )
}

fn kind_routes<D: Descriptor>(r: PageRoutes) -> PageRoutes {
    let info = D::info();
    let k = D::KIND;
    let read = Action::Read(k);
    let edit = Action::Edit(k);
    let create = Action::Create(k);
    let base = format!("/{}", info.ui);
    let one = format!("{base}/{{id}}");
    let r = r
        .add_for(k, "GET", &base, Access::Kind(read), get(list::page::<D>))
        .add_for(
            k,
            "GET",
            &format!("{base}/ny"),
            Access::Kind(create),
            get(form::new::<D>),
        )
        .add_for(
            k,
            "POST",
            &format!("{base}/ny"),
            Access::Kind(create),
            post(form::create::<D>),
        )
        .add_for(
            k,
            "POST",
            &format!("{base}/validera"),
            Access::Kind(create),
            post(form::check::<D>),
        )
        .add_for(
            k,
            "GET",
            &format!("{base}/import"),
            Access::Organisation(edit),
            get(import::page::<D>),
        )
        .add_for(
            k,
            "POST",
            &format!("{base}/import"),
            Access::Organisation(edit),
            post(import::submit::<D>)
                .layer(axum::extract::DefaultBodyLimit::max(import::BODY_LIMIT)),
        )
        .add_for(k, "GET", &one, Access::Record(read), get(record::page::<D>))
        .add_for(
            k,
            "GET",
            &format!("{one}/redigera"),
            Access::Record(edit),
            get(form::edit::<D>),
        )
        .add_for(
            k,
            "POST",
            &format!("{one}/redigera"),
            Access::Record(edit),
            post(form::save::<D>),
        )
        .add_for(
            k,
            "GET",
            &format!("{one}/historik"),
            Access::Record(read),
            get(history::page::<D>),
        )
        .add_for(
            k,
            "GET",
            &format!("{one}/ta-bort"),
            Access::Record(edit),
            get(record::confirm_delete::<D>),
        )
        .add_for(
            k,
            "POST",
            &format!("{one}/ta-bort"),
            Access::Record(edit),
            post(record::delete::<D>),
        );
    if info.workflow.is_some() {
        r.add_for(
            k,
            "POST",
            &format!("{one}/status"),
            Access::Record(edit),
            post(record::step::<D>),
        )
    } else {
        r
    }
}

/// A generic page text (`kinds.{key}` in `messages/kinds.*.txt`).
fn t(lang: Lang, key: &str) -> String {
    i18n::t(lang, &format!("kinds.{key}"))
}

/// A kind's own page text (`{code}.{key}` in `messages/{code}.*.txt`).
pub(crate) fn kt(lang: Lang, kind: Kind, key: &str) -> String {
    i18n::t(lang, &format!("{}.{key}", kind.code()))
}

/// The text with its first letter in upper case ("behandlingar" → "Behandlingar").
pub(crate) fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A kind's path, e.g. `/behandlingar`.
fn base(kind: Kind) -> String {
    format!("/{}", kind.info().ui)
}

/// A record's page.
pub(crate) fn record_href(kind: Kind, id: &str) -> String {
    format!("/{}/{id}", kind.info().ui)
}

/// The organisations where the caller may do `action`, as choices labelled with their kind (so
/// that two units of the same name can be told apart), `selected` chosen.
async fn organisation_choices(
    state: &AppState,
    ctx: &Caller,
    action: Action,
    selected: &str,
) -> Result<Vec<Choice>, PageError> {
    Ok(state
        .app
        .organisations_where(ctx, action, ORG_CHOICES)
        .await?
        .iter()
        .map(|o| {
            let label = format!("{} ({})", o.name, o.kind.label(ctx.lang));
            Choice::new(o.id.clone(), label, o.id == selected)
        })
        .collect())
}

/// The confirmation a page shows after a redirect (`?klart=created`): only codes the page knows
/// are shown, so that a link cannot make a page say something that was not done.
fn notice(lang: Lang, kind: Kind, code: &str, known: &[&str]) -> Option<String> {
    known
        .contains(&code)
        .then(|| kt(lang, kind, &format!("notice.{code}")))
}

/// Renders a page with a status other than 200.
pub(crate) fn render_with<T: askama::Template>(
    status: axum::http::StatusCode,
    page: &T,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    (status, render(page)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every text a kind's pages ask its message file for, in both languages.
    fn keys(kind: Kind) -> Vec<String> {
        let info = kind.info();
        let mut keys: Vec<String> = [
            "title",
            "intro",
            "search-hint",
            "none",
            "none-matching",
            "new",
            "create",
            "edit-title",
            "form-intro",
            "organisation-hint",
            "stale",
            "history",
            "history-intro",
            "delete",
            "delete-title",
            "delete-question",
            "delete-intro",
            "delete-confirm",
            "delete-stale",
            "in-use",
            "check-gaps",
            "check-gaps-none",
            "notice.created",
            "notice.saved",
            "notice.deleted",
            "import.title",
            "import.organisation-hint",
            "import.see-register",
            "import.rule",
        ]
        .into_iter()
        .map(str::to_string)
        .collect();
        if let Some(w) = info.workflow {
            for k in ["workflow", "workflow-none", "stale-status", "form-reopens"] {
                keys.push(k.into());
            }
            for s in w.steps {
                keys.push(format!("step.{}", s.key));
                keys.push(format!("step.{}.hint", s.key));
                keys.push(format!("notice.{}", s.key));
            }
        }
        keys.extend(extras::keys(kind).iter().map(|k| k.to_string()));
        keys
    }

    #[test]
    fn every_kind_has_every_page_text_in_both_languages() {
        for kind in Kind::ALL {
            for key in keys(kind) {
                for lang in [Lang::Sv, Lang::En] {
                    let text = kt(lang, kind, &key);
                    assert!(
                        !text.starts_with(&format!("{}.", kind.code())),
                        "{lang:?}: {}.{key} is missing",
                        kind.code()
                    );
                }
            }
        }
    }

    #[test]
    fn a_notice_is_shown_only_for_a_known_code() {
        assert_eq!(
            notice(Lang::Sv, Kind::System, "deleted", &["deleted"]).as_deref(),
            Some("Systemet är borttaget.")
        );
        assert_eq!(notice(Lang::Sv, Kind::System, "hacked", &["deleted"]), None);
    }

    #[test]
    fn names_are_capitalised_for_headings() {
        assert_eq!(capitalised("behandlingar"), "Behandlingar");
        assert_eq!(capitalised("ärenden"), "Ärenden");
        assert_eq!(capitalised(""), "");
    }
}
