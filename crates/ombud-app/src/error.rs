//! What a service answers when it does not do what was asked: one outcome per thing a caller can act
//! on. The API turns each into problem details (`ombud-web`'s `api`), the pages into a form shown again
//! or an error page; the texts people read are chosen there.

use ombud_domain::Invalid;
use ombud_domain::authz::Denied;
use ombud_domain::kernel::Kind;
use ombud_domain::kernel::parse::Refusal;
use ombud_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not signed in")]
    Unauthenticated,
    /// The caller sees it but may not do this.
    #[error("forbidden")]
    Forbidden,
    /// It does not exist, or the caller may not know that it does: the same answer for both.
    #[error("not found")]
    NotFound,
    #[error("invalid input")]
    Invalid(Vec<Invalid>),
    /// A value of the wrong type, an unknown field, a field the server keeps.
    #[error("unprocessable: {0}")]
    Unprocessable(String),
    /// The record changed since the caller read it.
    #[error("stale version, now {current}")]
    Stale { current: i64 },
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// Records of other kinds link to it.
    #[error("in use: {0:?}")]
    InUse(Kind),
    /// A workflow step that does not exist from the record's state (the message says which).
    #[error("workflow: {0}")]
    Workflow(String),
    /// An approval while gaps that block it are open (the message lists them).
    #[error("gaps open: {gaps:?}")]
    GapsOpen {
        gaps: Vec<ombud_domain::kernel::gaps::GapRule>,
        message: String,
    },
    #[error("wrong e-mail address or password")]
    BadCredentials,
    #[error("too many attempts, retry after {retry_after} s")]
    TooManyAttempts { retry_after: u64 },
    /// A file or body past a bound, refused before it is read whole (the message says which, in
    /// the caller's language).
    #[error("too large: {0}")]
    TooLarge(String),
    /// A sign-in with the identity provider that did not go through.
    #[error("single sign-on: {0}")]
    Sso(crate::sso::SsoFailure),
    /// A password sign-in where the city requires its identity provider.
    #[error("sign in with the identity provider")]
    SsoRequired,
    #[error("internal: {0}")]
    Internal(String),
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Stale { current } => AppError::Stale { current },
            StoreError::Conflict(c) => AppError::Conflict(c),
            StoreError::InUse(k) => AppError::InUse(k),
            StoreError::Invalid(i) => AppError::Invalid(vec![i]),
            StoreError::NotGranted => AppError::Internal("a write without a grant".into()),
            StoreError::Database(d) => AppError::Internal(d),
        }
    }
}

impl From<Invalid> for AppError {
    fn from(i: Invalid) -> Self {
        AppError::Invalid(vec![i])
    }
}

impl From<Denied> for AppError {
    fn from(d: Denied) -> Self {
        match d {
            Denied::NotFound => AppError::NotFound,
            Denied::Forbidden => AppError::Forbidden,
        }
    }
}

impl From<Refusal> for AppError {
    fn from(r: Refusal) -> Self {
        match r {
            Refusal::Invalid(list) => AppError::Invalid(list),
            Refusal::Unreadable(why) => AppError::Unprocessable(why),
        }
    }
}
