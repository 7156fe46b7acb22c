//! Free text as people type it: trimmed, bounded, without control characters.

use crate::{Invalid, Rule};

/// Accepts a required one-line text of at most `max` characters, trimmed.
pub fn required_line(field: &'static str, value: &str, max: usize) -> Result<String, Invalid> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Invalid::new(field, Rule::Required));
    }
    bounded(field, v, max)?;
    if v.chars().any(char::is_control) {
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
    if v.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
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
