//! The languages Ombud speaks: Swedish first, English second.

use serde::{Deserialize, Serialize};

/// A user-interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Swedish, the default everywhere.
    #[default]
    Sv,
    /// English.
    En,
}

impl Lang {
    /// The BCP 47 tag, for `lang` attributes and `Content-Language`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Sv => "sv",
            Lang::En => "en",
        }
    }

    /// Parses a tag such as `sv`, `en`, `en-GB`; anything else is `None`.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "sv" => Some(Lang::Sv),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// Picks the language from an `Accept-Language` header: the first supported tag by quality, else Swedish.
    pub fn negotiate(accept_language: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for part in accept_language.split(',') {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or_default();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            if let Some(lang) = Lang::from_tag(tag)
                && best.is_none_or(|(bq, _)| q > bq)
            {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l).unwrap_or_default()
    }

    /// Chooses between a Swedish and an English text, owned.
    pub fn pick_owned(self, sv: &str, en: &str) -> String {
        match self {
            Lang::Sv => sv.to_string(),
            Lang::En => en.to_string(),
        }
    }

    /// Chooses between a Swedish and an English text.
    pub fn pick(self, sv: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Sv => sv,
            Lang::En => en,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swedish_is_the_default_when_nothing_matches() {
        assert_eq!(Lang::negotiate(""), Lang::Sv);
        assert_eq!(Lang::negotiate("de-DE, fr;q=0.8"), Lang::Sv);
    }

    #[test]
    fn english_is_chosen_when_asked_for() {
        assert_eq!(Lang::negotiate("en"), Lang::En);
        assert_eq!(Lang::negotiate("en-GB,en;q=0.9"), Lang::En);
    }

    #[test]
    fn the_higher_quality_wins() {
        assert_eq!(Lang::negotiate("en;q=0.5, sv;q=0.9"), Lang::Sv);
        assert_eq!(Lang::negotiate("sv;q=0.1, en"), Lang::En);
    }
}
