//! Outcomes a caller sees when something is not done.
//!
//! [`ApiError`] renders as RFC 9457 problem details (`application/problem+json`) with a Swedish
//! `title` and `detail` (English when the request asked for it); invalid fields are listed in
//! `errors` with the field, a stable code and the message. Internal failures are logged and shown
//! without their inner details.

use crate::i18n;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ombud_app::AppError;
use ombud_domain::kernel::Kind;
use ombud_domain::{Invalid, Lang};
use serde::Serialize;
use std::borrow::Cow;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("not signed in")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("malformed request: {0}")]
    Malformed(String),
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// A body or a file over a limit, refused before it is read whole (the detail says which).
    #[error("too large: {0}")]
    TooLarge(String),
    #[error("invalid input")]
    Invalid(Vec<Invalid>),
    /// A value of the wrong type, an unknown field or a missing one.
    #[error("unprocessable: {0}")]
    Unprocessable(String),
    /// `If-Match` names an older version.
    #[error("stale version, now {current}")]
    Stale { current: i64 },
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// Records of other kinds link to the record.
    #[error("in use: {0:?}")]
    InUse(Kind),
    /// A workflow step that does not exist from the record's status (the message says which).
    #[error("workflow: {0}")]
    Workflow(String),
    /// An approval while gaps that block it are open.
    #[error("gaps open")]
    GapsOpen {
        gaps: Vec<ombud_domain::kernel::gaps::GapRule>,
        message: String,
    },
    #[error("wrong e-mail address or password")]
    BadCredentials,
    #[error("too many attempts, retry after {retry_after} s")]
    TooManyAttempts { retry_after: u64 },
    #[error("CSRF token missing or wrong")]
    Csrf,
    #[error("internal: {0}")]
    Internal(String),
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Unauthenticated => ApiError::Unauthenticated,
            AppError::Forbidden => ApiError::Forbidden,
            AppError::NotFound => ApiError::NotFound,
            AppError::Invalid(list) => ApiError::Invalid(list),
            AppError::Unprocessable(why) => ApiError::Unprocessable(why),
            AppError::Stale { current } => ApiError::Stale { current },
            AppError::Conflict(c) => ApiError::Conflict(c),
            AppError::InUse(k) => ApiError::InUse(k),
            AppError::Workflow(m) => ApiError::Workflow(m),
            AppError::GapsOpen { gaps, message } => ApiError::GapsOpen { gaps, message },
            AppError::BadCredentials => ApiError::BadCredentials,
            AppError::TooManyAttempts { retry_after } => ApiError::TooManyAttempts { retry_after },
            AppError::TooLarge(why) => ApiError::TooLarge(why),
            // The flow is the browser's (see ui::sso); through the API only the requirement shows.
            AppError::Sso(_) => ApiError::Forbidden,
            AppError::SsoRequired => ApiError::Conflict("sso_required"),
            AppError::Internal(i) => ApiError::Internal(i),
        }
    }
}

impl From<Invalid> for ApiError {
    fn from(i: Invalid) -> Self {
        ApiError::Invalid(vec![i])
    }
}

/// One invalid field, as listed in a problem's `errors`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub message: String,
    /// For a field of a list of rows, the row (counted from 0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
}

/// An RFC 9457 problem.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// A stable machine-readable code.
    pub code: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// With `stale_version`: the version the record has now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
    /// With `gaps_open`: the gaps that block approval, by code.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub gaps: Vec<&'static str>,
}

/// One invalid field, as a problem's `errors` lists it: with the row of a list of rows.
fn field_error(i: &Invalid, lang: Lang) -> FieldError {
    FieldError {
        field: i.field.into(),
        code: i.rule.code().into(),
        message: i.rule.message(lang),
        row: i.row,
    }
}

/// Swedish and English text for a conflict code from the store.
pub(crate) fn conflict_text(code: &str, lang: Lang) -> &'static str {
    match code {
        "sso_required" => lang.pick(
            "Logga in med kommunens identitetsleverantör. Lösenord används bara av systemadministratören.",
            "Sign in with the municipality's identity provider. Passwords are only for the system administrator.",
        ),
        "sso_not_configured" => lang.pick(
            "Inloggning via identitetsleverantör är inte inställd (OMBUD_OIDC_ISSUER).",
            "Sign-in with an identity provider is not set up (OMBUD_OIDC_ISSUER).",
        ),
        "identity_taken" => lang.pick(
            "Inloggnings-id:t hör redan till en annan person.",
            "The sign-in id already belongs to another person.",
        ),
        "email_taken" => lang.pick(
            "Det finns redan en person med den e-postadressen.",
            "A person with that e-mail address already exists.",
        ),
        "organisation_has_active_children" => lang.pick(
            "Organisationen har aktiva underliggande organisationer. Arkivera eller flytta dem först.",
            "The organisation has active organisations under it. Archive or move them first.",
        ),
        "move_would_cross_links" => lang.pick(
            "Flytten skulle lämna kopplingar mellan två personuppgiftsansvarigas poster (system, avtal eller behandlingar). Ta bort kopplingarna först.",
            "The move would leave links between two controllers' records (systems, agreements or processing activities). Remove the links first.",
        ),
        "import_key_taken" => lang.pick(
            "Två rader fick samma nyckel. Ge raderna olika namn eller en id-kolumn.",
            "Two rows got the same key. Give the rows different names or an id column.",
        ),
        "request_already_extended" => lang.pick(
            "Tidsfristen är redan förlängd. Den kan förlängas en gång, med högst två månader.",
            "The time limit is extended already. It can be extended once, by at most two months.",
        ),
        "request_already_answered" => lang.pick(
            "Begäran är redan besvarad.",
            "The request is answered already.",
        ),
        "notice_already_registered" => lang.pick(
            "Incidenten i underrättelsen är redan registrerad hos er.",
            "The breach of the notice is registered with you already.",
        ),
        "organisation_archived" => lang.pick(
            "Organisationen är arkiverad.",
            "The organisation is archived.",
        ),
        "backup_postgres_with_pg_dump" => lang.pick(
            "Säkerhetskopiera PostgreSQL med pg_dump.",
            "Back up PostgreSQL with pg_dump.",
        ),
        _ => lang.pick("Åtgärden krockar med befintliga uppgifter.", "The action conflicts with existing data."),
    }
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Unauthenticated | ApiError::BadCredentials => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden | ApiError::Csrf => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::Malformed(_) => StatusCode::BAD_REQUEST,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Invalid(_) | ApiError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Stale { .. } => StatusCode::PRECONDITION_FAILED,
            ApiError::Conflict(_)
            | ApiError::InUse(_)
            | ApiError::Workflow(_)
            | ApiError::GapsOpen { .. } => StatusCode::CONFLICT,
            ApiError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            ApiError::InUse(k) => return Cow::Owned(format!("{}_in_use", k.code())),
            ApiError::Unauthenticated => "unauthenticated",
            ApiError::BadCredentials => "bad_credentials",
            ApiError::Forbidden => "forbidden",
            ApiError::Csrf => "csrf",
            ApiError::NotFound => "not_found",
            ApiError::Malformed(_) => "malformed_request",
            ApiError::UnsupportedMediaType => "unsupported_media_type",
            ApiError::TooLarge(_) => "too_large",
            ApiError::Invalid(_) => "invalid",
            ApiError::Unprocessable(_) => "unprocessable",
            ApiError::Stale { .. } => "stale_version",
            ApiError::Conflict(c) => c,
            ApiError::Workflow(_) => "workflow",
            ApiError::GapsOpen { .. } => "gaps_open",
            ApiError::TooManyAttempts { .. } => "too_many_attempts",
            ApiError::Internal(_) => "internal",
        })
    }

    /// Title and detail in a language.
    pub fn texts(&self, lang: Lang) -> (&'static str, String) {
        let l = |sv: &'static str, en: &'static str| lang.pick(sv, en);
        match self {
            ApiError::Unauthenticated => (
                l("Inte inloggad", "Not signed in"),
                l("Logga in eller ange en giltig token.", "Sign in or give a valid token.").into(),
            ),
            ApiError::BadCredentials => (
                l("Inloggningen misslyckades", "Sign-in failed"),
                l("Fel e-postadress eller lösenord.", "Wrong e-mail address or password.").into(),
            ),
            ApiError::Forbidden => (
                l("Behörighet saknas", "Forbidden"),
                l("Din roll tillåter inte detta.", "Your role does not allow this.").into(),
            ),
            ApiError::Csrf => (
                l("Begäran kunde inte verifieras", "Request could not be verified"),
                l(
                    "Formuläret har gått ut eller kommer från en annan webbplats. Ladda om sidan och försök igen.",
                    "The form has expired or comes from another site. Reload the page and try again.",
                )
                .into(),
            ),
            ApiError::NotFound => (
                l("Hittades inte", "Not found"),
                l("Det du söker finns inte, eller så har du inte behörighet att se det.", "What you are looking for does not exist, or you may not see it.").into(),
            ),
            ApiError::Malformed(why) => (
                l("Felaktig begäran", "Malformed request"),
                format!("{} {why}", l("Begäran är inte giltig JSON:", "The request is not valid JSON:")),
            ),
            ApiError::UnsupportedMediaType => (
                l("Fel innehållstyp", "Unsupported media type"),
                l("Skicka innehållet som application/json.", "Send the content as application/json.").into(),
            ),
            ApiError::TooLarge(why) => (l("För stort", "Too large"), why.clone()),
            ApiError::Invalid(_) => (
                l("Ogiltiga uppgifter", "Invalid input"),
                l("Rätta de markerade fälten och försök igen.", "Correct the listed fields and try again.").into(),
            ),
            ApiError::Unprocessable(why) => (
                l("Uppgifterna kan inte tolkas", "Input cannot be processed"),
                format!("{} {why}", l("Kontrollera fältens namn och typer:", "Check the fields' names and types:")),
            ),
            ApiError::Stale { current } => (
                l("Uppgifterna har ändrats", "The record has changed"),
                format!(
                    "{} ({current}).",
                    l(
                        "Någon annan har ändrat uppgifterna sedan du hämtade dem. Hämta den senaste versionen och gör om ändringen",
                        "Someone else changed the record since you fetched it. Fetch the latest version and make your change again"
                    )
                ),
            ),
            ApiError::Conflict(c) => (l("Konflikt", "Conflict"), conflict_text(c, lang).into()),
            ApiError::InUse(_) => (
                l("Konflikt", "Conflict"),
                l(
                    "Andra poster är kopplade hit. Ta bort kopplingarna i dem först.",
                    "Other records link here. Remove the links in them first.",
                )
                .into(),
            ),
            ApiError::Workflow(message) => (l("Steget finns inte i arbetsflödet", "Not a step of the workflow"), message.clone()),
            ApiError::GapsOpen { message, .. } => (l("Posten har brister", "The record has gaps"), message.clone()),
            ApiError::TooManyAttempts { retry_after } => (
                l("För många försök", "Too many attempts"),
                format!(
                    "{} {retry_after} s.",
                    l("För många misslyckade inloggningar. Försök igen om", "Too many failed sign-ins. Try again in")
                ),
            ),
            ApiError::Internal(_) => (
                l("Internt fel", "Internal error"),
                l(
                    "Något gick fel hos oss. Inget har sparats. Försök igen om en stund.",
                    "Something went wrong on our side. Nothing was saved. Try again shortly.",
                )
                .into(),
            ),
        }
    }

    pub fn problem(&self, lang: Lang) -> Problem {
        let (title, detail) = self.texts(lang);
        Problem {
            kind: format!("urn:ombud:problem:{}", self.code()),
            title: title.into(),
            status: self.status().as_u16(),
            detail,
            code: self.code().into(),
            errors: match self {
                ApiError::Invalid(list) => list.iter().map(|i| field_error(i, lang)).collect(),
                _ => Vec::new(),
            },
            current_version: match self {
                ApiError::Stale { current } => Some(*current),
                _ => None,
            },
            gaps: match self {
                ApiError::GapsOpen { gaps, .. } => gaps.iter().map(|g| g.code()).collect(),
                _ => Vec::new(),
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(inner) = &self {
            tracing::error!(error = %inner, "internal error");
        }
        let problem = self.problem(i18n::current());
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut res = (self.status(), body).into_response();
        let h = res.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        match &self {
            ApiError::Unauthenticated => {
                h.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            ApiError::TooManyAttempts { retry_after } => {
                if let Ok(v) = HeaderValue::from_str(&retry_after.to_string()) {
                    h.insert(header::RETRY_AFTER, v);
                }
            }
            ApiError::Stale { current } => {
                if let Ok(v) = HeaderValue::from_str(&crate::api::etag(*current)) {
                    h.insert(header::ETAG, v);
                }
            }
            _ => {}
        }
        res
    }
}

/// Turns a panic into a 500 problem, so that a bug never drops the connection or leaks a trace.
pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    ApiError::Internal("panic".into()).into_response()
}
