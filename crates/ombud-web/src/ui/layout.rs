//! What every signed-in page shares: the person, the language, the navigation.

use crate::AppState;
use crate::auth::{self, MaybeUiCtx};
use crate::i18n;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use ombud_app::Caller;
use ombud_domain::Lang;
use ombud_domain::kernel::Kind;
use serde::Deserialize;

/// The frame around a signed-in page.
pub struct Frame {
    pub lang: Lang,
    pub user_name: String,
    pub is_admin: bool,
    pub csrf: String,
    /// The path of the page, for the language switch to come back to.
    pub here: String,
    /// Which navigation entry is current.
    pub section: &'static str,
    /// The kinds' registers the person may read somewhere, in the navigation's order.
    pub registers: Vec<NavItem>,
    /// What anyone may report from every page (a personal data breach): the form's address and
    /// its name.
    pub reports: Vec<NavItem>,
}

/// One register in the main navigation.
pub struct NavItem {
    pub href: String,
    pub label: String,
    /// The frame's `section` when one of its pages is shown.
    pub section: &'static str,
}

impl Frame {
    pub fn new(state: &AppState, ctx: &Caller, here: &str, section: &'static str) -> Self {
        let lang = ctx.lang;
        Frame {
            lang,
            user_name: ctx.user.name.clone(),
            is_admin: state.app.is_admin(ctx),
            csrf: ctx.csrf_token.clone(),
            here: here.to_string(),
            section,
            registers: Kind::ALL
                .into_iter()
                .filter(|k| state.app.reads_anywhere(ctx, *k))
                .map(|k| {
                    let info = k.info();
                    NavItem {
                        href: format!("/{}", info.ui),
                        label: super::kinds::capitalised(info.noun.many.get(lang)),
                        section: info.ui,
                    }
                })
                .collect(),
            reports: Kind::ALL
                .into_iter()
                .filter(|k| {
                    k.info().access.creator_column.is_some() && state.app.creates_anywhere(ctx, *k)
                })
                .map(|k| NavItem {
                    href: format!("/{}/ny", k.info().ui),
                    label: super::kinds::kt(lang, k, "new"),
                    section: "report",
                })
                .collect(),
        }
    }

    /// A UI text in the page's language.
    pub fn t<'k>(&self, key: &'k str) -> &'k str {
        i18n::text(self.lang, key)
    }

    pub fn other_lang(&self) -> &'static str {
        match self.lang {
            Lang::Sv => "en",
            Lang::En => "sv",
        }
    }
}

#[derive(Deserialize)]
pub struct LanguageForm {
    pub lang: String,
    #[serde(default)]
    pub back: String,
    #[serde(default)]
    pub csrf: String,
}

/// `POST /sprak`: switch the UI language (a cookie, and the person's preference when signed in).
///
/// Only this site may post it — with the session's token when signed in — so that no other site can
/// change a person's stored preference or bounce a browser through here; `back` is sent on only
/// when it is a path on this site.
pub async fn switch_language(
    State(state): State<AppState>,
    MaybeUiCtx(ctx): MaybeUiCtx,
    headers: HeaderMap,
    Form(form): Form<LanguageForm>,
) -> Response {
    let token_ok = ctx.as_ref().is_none_or(|c| form.csrf == c.csrf_token);
    if !token_ok || !auth::same_origin(&headers) {
        return super::PageError::Forbidden.into_response();
    }
    let lang = Lang::from_tag(&form.lang).unwrap_or_default();
    if let Some(ctx) = &ctx
        && state.app.set_language(ctx, lang).await.is_err()
    {
        tracing::warn!("could not save language preference");
    }
    let mut res = Redirect::to(&super::safe_next(&form.back)).into_response();
    if let Ok(v) = HeaderValue::from_str(&i18n::lang_cookie(lang.tag())) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}
