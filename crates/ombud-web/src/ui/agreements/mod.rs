//! The register of processor agreements (personuppgiftsbiträdesavtal, GDPR art. 28) in the UI: the
//! list, one agreement with its compliance log, the form, the history, and deletion.
//!
//! Every change goes through the API layer (`api::agreements::{create, update, append_check}` and its
//! DELETE handler), so that who may do what, what is valid and what the audit trail records are
//! decided in one place. Forms carry the version they showed: a stale one is refused with 409 and the
//! form is shown again with what the person typed; invalid input with 422. A successful change
//! redirects with a `?klart=` notice.

mod detail;
mod form;
mod history;
mod list;

use super::PageError;
use crate::AppState;
use crate::auth::Ctx;
use crate::i18n;
use axum::Router;
use axum::routing::{get, post};
use ombud_domain::authz::Action;
use ombud_domain::{Lang, ids};
use ombud_store::agreements::Agreement;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/avtal", get(list::list))
        .route("/avtal/ny", get(form::new_form).post(form::create))
        .route("/avtal/validera", post(form::check))
        .route("/avtal/{id}", get(detail::detail))
        .route(
            "/avtal/{id}/redigera",
            get(form::edit_form).post(form::save),
        )
        .route("/avtal/{id}/historik", get(history::page))
        .route("/avtal/{id}/kontroller", post(detail::record_check))
        .route(
            "/avtal/{id}/ta-bort",
            get(detail::confirm_delete).post(detail::delete),
        )
}

/// Confirmations the pages may show after a redirect; only these codes are shown, so that a link
/// cannot make a page say something that was not done.
const NOTICES: &[&str] = &["created", "saved", "check-recorded", "deleted"];

fn notice(lang: Lang, code: Option<&str>) -> Option<String> {
    let code = code?;
    NOTICES
        .contains(&code)
        .then(|| i18n::t(lang, &format!("agr-notice-{code}")))
}

/// An agreement the caller may read; otherwise "not found", so that nothing is learnt about
/// another controller's agreements.
async fn readable(state: &AppState, ctx: &Ctx, id: &str) -> Result<Agreement, PageError> {
    if !ids::is_well_formed(id) {
        return Err(PageError::NotFound);
    }
    let a = state.store.agreement(id).await?;
    if ctx.principal.can(Action::ReadRegister, &a.scope()) {
        Ok(a)
    } else {
        Err(PageError::NotFound)
    }
}

fn can_edit(ctx: &Ctx, a: &Agreement) -> bool {
    ctx.principal.can(Action::EditAgreements, &a.scope())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_notices_are_shown() {
        for code in NOTICES {
            for lang in [Lang::Sv, Lang::En] {
                let n = notice(lang, Some(code)).expect("a known code");
                assert!(!n.starts_with("agr-"), "{code} has no text");
            }
        }
        assert_eq!(notice(Lang::Sv, Some("hacked")), None);
        assert_eq!(notice(Lang::Sv, None), None);
    }
}
