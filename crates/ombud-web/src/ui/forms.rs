//! What the UI's forms share: reading a posted form, the CSRF check, and turning a refusal from the
//! shared API functions into messages beside the fields, so that a form can be shown again with what
//! the person typed and what to correct.
//!
//! Status codes follow the API: 422 for invalid input, 409 for a stale version or a conflict.

use super::PageError;
use crate::auth;
use crate::error::ApiError;
use crate::i18n;
use axum::http::{HeaderMap, StatusCode};
use ombud_app::Caller;
use ombud_domain::Lang;

/// A posted form as name–value pairs, kept as a list because checkboxes repeat their name.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(transparent)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    /// The first value of a field, or empty.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
    }

    /// Every value of a repeated field (checkboxes).
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// Whether a checkbox was ticked.
    pub fn checked(&self, name: &str) -> bool {
        self.0.iter().any(|(k, _)| k == name)
    }

    /// A version the form carried; a missing or garbled one matches no version, so the edit is
    /// refused as stale rather than applied blindly.
    pub fn version(&self) -> i64 {
        self.get("version").trim().parse().unwrap_or(-1)
    }
}

/// Refuses a state-changing form that does not carry the session's CSRF token or comes from
/// another site.
pub fn check_csrf(ctx: &Caller, headers: &HeaderMap, fields: &Fields) -> Result<(), PageError> {
    if fields.get("csrf") == ctx.csrf_token && auth::same_origin(headers) {
        Ok(())
    } else {
        Err(PageError::Forbidden)
    }
}

/// One field's message.
#[derive(Debug, Clone)]
pub struct FieldError {
    /// The id of the input it belongs to, so the summary can link to it.
    pub id: String,
    /// The field's label, so that the summary says which field a message is about.
    pub label: String,
    pub message: String,
}

/// What was wrong with one form.
#[derive(Debug, Clone, Default)]
pub struct Problems {
    pub fields: Vec<FieldError>,
    /// About the form as a whole: a stale version or a conflict.
    pub form: Option<String>,
    /// Where the form-level message points in the summary.
    pub anchor: String,
}

impl Problems {
    /// The message for the input with this id.
    pub fn field(&self, id: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|f| f.id == id)
            .map(|f| f.message.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.form.is_none()
    }

    /// A single message beside one input.
    pub fn one(id: &str, label: String, message: String) -> Problems {
        let mut p = Problems::default();
        p.push(id, label, message);
        p
    }

    /// Adds a message beside an input.
    pub fn push(&mut self, id: &str, label: String, message: String) {
        self.fields.push(FieldError {
            id: id.to_string(),
            label,
            message,
        });
    }
}

/// What a form's check answers while the form is filled in (`static/form-check.js`): the problems a
/// save would refuse, by input id, and what the record would still lack in the register.
#[derive(Debug, serde::Serialize)]
pub struct FormCheck {
    pub fields: Vec<FieldCheck>,
    pub gaps: Vec<String>,
}

#[derive(Debug, serde::Serialize)]
pub struct FieldCheck {
    /// The input's (or the group's) id.
    pub id: String,
    pub message: String,
}

impl FormCheck {
    pub fn new(problems: Problems, gaps: Vec<String>) -> Self {
        FormCheck {
            fields: problems
                .fields
                .into_iter()
                .map(|f| FieldCheck {
                    id: f.id,
                    message: f.message,
                })
                .collect(),
            gaps,
        }
    }
}

impl axum::response::IntoResponse for FormCheck {
    fn into_response(self) -> axum::response::Response {
        axum::Json(self).into_response()
    }
}

/// One option of a select, or one checkbox of a group.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Choice {
    pub fn new(value: impl Into<String>, label: impl Into<String>, selected: bool) -> Self {
        Choice {
            value: value.into(),
            label: label.into(),
            selected,
        }
    }
}

/// One line of the error summary at the top of a page.
#[derive(Debug, Clone)]
pub struct SummaryItem {
    pub href: String,
    pub message: String,
}

/// The summary lines of a page's forms, in the order given.
pub fn summary<'a>(forms: impl IntoIterator<Item = &'a Problems>) -> Vec<SummaryItem> {
    let mut out = Vec::new();
    for p in forms {
        if let Some(m) = &p.form {
            out.push(SummaryItem {
                href: format!("#{}", p.anchor),
                message: m.clone(),
            });
        }
        for f in &p.fields {
            out.push(SummaryItem {
                href: format!("#{}", f.id),
                message: format!("{}: {}", f.label, f.message),
            });
        }
    }
    out
}

/// The confirmation shown after a redirect (`?klart=renamed`): only codes a page knows are shown, so
/// a link cannot make a page say something it did not do.
pub fn notice(lang: Lang, code: Option<&str>, known: &[&str]) -> Option<String> {
    let code = code?;
    known
        .contains(&code)
        .then(|| i18n::t(lang, &format!("notice-{code}")))
}

/// Turns a refusal into messages for a form shown again, or into an error page when the form cannot
/// help (not allowed, not found, an internal failure). `input` maps an API field name to the id of
/// the input that holds it and the message key of its label; `anchor` is where form-level messages
/// point; `stale_key` names the text shown when someone else changed the record first.
pub fn problems(
    err: ApiError,
    lang: Lang,
    anchor: &str,
    stale_key: &str,
    input: impl Fn(&str) -> (&'static str, &'static str),
) -> Result<(StatusCode, Problems), PageError> {
    let mut p = Problems {
        anchor: anchor.to_string(),
        ..Problems::default()
    };
    let status = match &err {
        ApiError::Invalid(list) => {
            for i in list {
                let (id, label) = input(i.field);
                // One message per input: the first rule broken is the one to fix first.
                if p.field(id).is_none() {
                    p.push(id, i18n::t(lang, label), i.rule.message(lang));
                }
            }
            StatusCode::UNPROCESSABLE_ENTITY
        }
        ApiError::Stale { .. } => {
            p.form = Some(i18n::t(lang, stale_key));
            StatusCode::CONFLICT
        }
        ApiError::Conflict(_) => {
            p.form = Some(err.texts(lang).1);
            StatusCode::CONFLICT
        }
        _ => return Err(err.into()),
    };
    Ok((status, p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ombud_domain::{Invalid, Rule};

    #[test]
    fn a_repeated_field_keeps_every_value() {
        let f = Fields(vec![
            ("roles".into(), "dpo".into()),
            ("email".into(), "a@b.se".into()),
            ("roles".into(), "auditor".into()),
        ]);
        assert_eq!(
            f.all("roles"),
            vec!["dpo".to_string(), "auditor".to_string()]
        );
        assert_eq!(f.get("email"), "a@b.se");
        assert_eq!(f.get("missing"), "");
        assert!(f.checked("roles"));
    }

    #[test]
    fn a_garbled_version_matches_nothing() {
        assert_eq!(Fields(vec![("version".into(), "x".into())]).version(), -1);
        assert_eq!(Fields(vec![("version".into(), " 7".into())]).version(), 7);
    }

    #[test]
    fn invalid_input_is_shown_beside_its_field_with_422() {
        let err = ApiError::Invalid(vec![Invalid::new("name", Rule::Required)]);
        let (status, p) = problems(err, Lang::Sv, "f", "org-stale", |_| {
            ("x-name", "field-new-name")
        })
        .expect("a form");
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(p.field("x-name"), Some("Fältet måste fyllas i."));
        let s = summary([&p]);
        assert_eq!(s[0].href, "#x-name");
        assert_eq!(s[0].message, "Nytt namn: Fältet måste fyllas i.");
    }

    #[test]
    fn a_stale_version_is_a_409_about_the_whole_form() {
        let (status, p) = problems(
            ApiError::Stale { current: 3 },
            Lang::Sv,
            "rename",
            "org-stale",
            |_| ("rename-name", "field-new-name"),
        )
        .expect("a form");
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(p.form.is_some());
        assert_eq!(summary([&p])[0].href, "#rename");
    }

    #[test]
    fn a_refusal_no_form_can_fix_becomes_an_error_page() {
        assert!(matches!(
            problems(ApiError::Forbidden, Lang::Sv, "f", "k", |_| ("x", "y")),
            Err(PageError::Forbidden)
        ));
    }
}
