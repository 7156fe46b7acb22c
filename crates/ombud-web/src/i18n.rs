//! Which language a request is answered in, and the UI's message catalogue.
//!
//! The language is chosen once per request and kept in a task-local, so that error responses built
//! deep inside extractors speak the caller's language too. The pages speak Swedish unless the
//! person chose English (the language switch's cookie), whatever the browser asks for: Swedish is
//! the product's language. The API follows `Accept-Language`, which a client sets on purpose.
//!
//! Messages live in `messages/*.sv.txt` and `messages/*.en.txt` as `key = text` lines, one pair of
//! files per part of the product, so translators edit text files, not Rust. Tests check that both
//! languages have the same keys and that no key is defined twice.

use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use ombud_domain::Lang;
use std::collections::HashMap;
use std::sync::LazyLock;

tokio::task_local! {
    static LANG: Lang;
}

/// The language of the request being answered (Swedish outside a request).
pub fn current() -> Lang {
    LANG.try_with(|l| *l).unwrap_or_default()
}

/// The cookie the UI's language switch sets.
pub const LANG_COOKIE: &str = "ombud_lang";

/// The `Set-Cookie` value that keeps a language (a tag: `sv`, `en`) for a year.
pub fn lang_cookie(tag: &str) -> String {
    format!("{LANG_COOKIE}={tag}; Path=/; SameSite=Lax; Max-Age=31536000")
}

pub async fn negotiate(req: Request, next: Next) -> Response {
    let from_cookie =
        crate::auth::cookie(req.headers(), LANG_COOKIE).and_then(|v| Lang::from_tag(&v));
    let api = req.uri().path().starts_with("/api/");
    let lang = from_cookie.unwrap_or_else(|| {
        req.headers()
            .get(header::ACCEPT_LANGUAGE)
            .filter(|_| api)
            .and_then(|v| v.to_str().ok())
            .map(Lang::negotiate)
            .unwrap_or_default()
    });
    let mut res = LANG.scope(lang, next.run(req)).await;
    if let Ok(v) = header::HeaderValue::from_str(lang.tag()) {
        res.headers_mut()
            .entry(header::CONTENT_LANGUAGE)
            .or_insert(v);
    }
    res
}

/// The catalogue files of each language, in the same order.
/// `kinds.*` holds what every kind's pages say alike, and each kind has a file of its own, named by
/// its code.
const SV_FILES: [&str; 7] = [
    include_str!("../messages/sv.txt"),
    include_str!("../messages/kinds.sv.txt"),
    include_str!("../messages/processing_activity.sv.txt"),
    include_str!("../messages/system.sv.txt"),
    include_str!("../messages/agreement.sv.txt"),
    include_str!("../messages/breach.sv.txt"),
    include_str!("../messages/data_subject_request.sv.txt"),
];
const EN_FILES: [&str; 7] = [
    include_str!("../messages/en.txt"),
    include_str!("../messages/kinds.en.txt"),
    include_str!("../messages/processing_activity.en.txt"),
    include_str!("../messages/system.en.txt"),
    include_str!("../messages/agreement.en.txt"),
    include_str!("../messages/breach.en.txt"),
    include_str!("../messages/data_subject_request.en.txt"),
];

fn entries(src: &'static str) -> impl Iterator<Item = (&'static str, &'static str)> {
    src.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.split_once(" = "))
        .map(|(k, v)| (k.trim(), v.trim()))
}

fn parse(files: &[&'static str]) -> HashMap<&'static str, &'static str> {
    files.iter().flat_map(|f| entries(f)).collect()
}

static SV: LazyLock<HashMap<&'static str, &'static str>> = LazyLock::new(|| parse(&SV_FILES));
static EN: LazyLock<HashMap<&'static str, &'static str>> = LazyLock::new(|| parse(&EN_FILES));

/// A message in a language; a missing key shows itself, so that the gap is seen and fixed.
pub fn t(lang: Lang, key: &str) -> String {
    text(lang, key).to_string()
}

/// [`t`] without a copy: a page's templates ask for the same few labels once per row.
pub fn text(lang: Lang, key: &str) -> &str {
    let table = match lang {
        Lang::Sv => &*SV,
        Lang::En => &*EN,
    };
    table
        .get(key)
        .or_else(|| SV.get(key))
        .copied()
        .unwrap_or(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_catalogues_have_the_same_keys() {
        let mut sv: Vec<_> = SV.keys().collect();
        let mut en: Vec<_> = EN.keys().collect();
        sv.sort();
        en.sort();
        assert_eq!(sv, en);
        assert!(!sv.is_empty());
    }

    #[test]
    fn no_key_is_defined_twice() {
        for files in [&SV_FILES, &EN_FILES] {
            let mut seen = std::collections::HashSet::new();
            for (key, _) in files.iter().flat_map(|f| entries(f)) {
                assert!(seen.insert(key), "{key} is defined twice");
            }
        }
    }

    #[test]
    fn a_missing_key_shows_itself() {
        assert_eq!(t(Lang::En, "no-such-key"), "no-such-key");
    }
}
