//! Free text as people type it: trimmed, bounded, without control characters — nor the invisible
//! characters that make text show something other than it holds (bidirectional overrides such as
//! U+202E, which can turn "gpj.exe" around), a byte-order mark inside text, or Unicode's own line
//! and paragraph separators (which break lines where nothing shows it). The same rule serves
//! searches, so that no text reaches a database that one of them refuses (PostgreSQL refuses U+0000
//! in text; SQLite keeps it).

use crate::{Invalid, Rule};

/// The longest search people type.
pub const SEARCH_MAX: usize = 200;

/// Whether a character is refused in any text, whatever its lines.
pub fn is_refused(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{2028}' | '\u{2029}'
    ) || (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// Whether a character is refused in a one-line text.
pub fn is_refused_in_line(c: char) -> bool {
    c.is_control() || is_refused(c)
}

/// Accepts what a person searches for: trimmed, at most [`SEARCH_MAX`] characters, no character a
/// text may not hold (it could not match anything, and one database would fail on it). Blank is
/// `None`: no search.
pub fn search(value: &str) -> Result<Option<String>, Invalid> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    bounded("q", v, SEARCH_MAX)?;
    if v.chars().any(is_refused_in_line) {
        return Err(Invalid::new("q", Rule::ControlCharacters));
    }
    Ok(Some(v.to_string()))
}

/// Accepts a required one-line text of at most `max` characters, trimmed.
pub fn required_line(field: &'static str, value: &str, max: usize) -> Result<String, Invalid> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Invalid::new(field, Rule::Required));
    }
    bounded(field, v, max)?;
    if v.chars().any(is_refused_in_line) {
        return Err(Invalid::new(field, Rule::ControlCharacters));
    }
    Ok(v.to_string())
}

/// Accepts an optional multi-line text of at most `max` characters; blank becomes `None`.
pub fn optional_text(
    field: &'static str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>, Invalid> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    bounded(field, v, max)?;
    if v.chars().any(is_refused) {
        return Err(Invalid::new(field, Rule::ControlCharacters));
    }
    Ok(Some(v.to_string()))
}

fn bounded(field: &'static str, v: &str, max: usize) -> Result<(), Invalid> {
    if v.chars().count() > max {
        Err(Invalid::new(field, Rule::TooLong { max }))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_reordering_and_separators_are_refused_everywhere() {
        for bad in [
            "a\u{202E}b",
            "a\u{2066}b",
            "\u{FEFF}ab",
            "a\u{2028}b",
            "a\u{2029}b",
            "a\u{0}b",
        ] {
            assert_eq!(
                required_line("name", bad, 100),
                Err(Invalid::new("name", Rule::ControlCharacters)),
                "{bad:?}"
            );
            assert!(optional_text("text", Some(bad), 100).is_err(), "{bad:?}");
            assert_eq!(
                search(bad),
                Err(Invalid::new("q", Rule::ControlCharacters)),
                "{bad:?}"
            );
        }
        // Lines and tabs belong in a longer text, not in a line or a search.
        assert!(optional_text("text", Some("a\n\tb"), 100).is_ok());
        assert!(search("a\nb").is_err());
        // Swedish, and other scripts, pass.
        assert_eq!(search("  Åsa Öberg "), Ok(Some("Åsa Öberg".into())));
        assert_eq!(search("مدرسة"), Ok(Some("مدرسة".into())));
        assert_eq!(search("   "), Ok(None));
        assert_eq!(
            search(&"x".repeat(SEARCH_MAX + 1)),
            Err(Invalid::new("q", Rule::TooLong { max: SEARCH_MAX }))
        );
    }

    #[test]
    fn a_line_is_trimmed() {
        assert_eq!(
            required_line("name", "  Kommunstyrelsen ", 100).as_deref(),
            Ok("Kommunstyrelsen")
        );
    }

    #[test]
    fn a_blank_line_is_required() {
        assert_eq!(
            required_line("name", "   ", 10),
            Err(Invalid::new("name", Rule::Required))
        );
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        assert!(required_line("name", "åäöåäöåäöå", 10).is_ok());
        assert_eq!(
            required_line("name", "åäöåäöåäöåä", 10),
            Err(Invalid::new("name", Rule::TooLong { max: 10 }))
        );
    }

    #[test]
    fn control_characters_are_refused_in_a_line() {
        assert_eq!(
            required_line("name", "a\u{0}b", 10),
            Err(Invalid::new("name", Rule::ControlCharacters))
        );
        assert_eq!(
            required_line("name", "a\nb", 10),
            Err(Invalid::new("name", Rule::ControlCharacters))
        );
    }

    #[test]
    fn optional_text_keeps_newlines_and_drops_blanks() {
        assert_eq!(
            optional_text("d", Some(" a\nb "), 10),
            Ok(Some("a\nb".into()))
        );
        assert_eq!(optional_text("d", Some("  "), 10), Ok(None));
        assert_eq!(optional_text("d", None, 10), Ok(None));
    }
}
