//! Ombud's application layer: the services that HTTP (the API and the pages alike) calls, between
//! the web and the store.
//!
//! Every service takes the [`Caller`] and does the whole of one request's work: it asks the policy
//! once (`ombud_domain::authz`), which answers with a grant the store's writes require, opens the one
//! transaction, writes the audit event inside it, and answers with what was done or an [`AppError`].
//! The register kinds share one generic service ([`records`]); what a kind does that no other does —
//! a system register's figures, an agreement's compliance log — has a small service of its own.
//!
//! Nothing here knows HTTP: no status codes, no headers, no HTML. Nothing in the web looks at roles or
//! opens a transaction.

pub mod breaches;
pub mod bulk;
mod cache;
pub mod caller;
pub mod error;
pub mod gaps;
pub mod jobs;
pub mod kinds;
pub mod mail;
pub mod notices;
pub mod organisations;
pub mod people;
pub mod records;
pub mod requests;
pub mod retention;
pub mod sheets;
pub mod sso;
pub mod worklist;

pub use caller::Caller;
pub use error::{AppError, Result};
pub use ombud_domain::Lang;
pub use ombud_store::organisations::Organisation;
pub use ombud_store::paging::{Cursor, DEFAULT_LIMIT, MAX_LIMIT, Page, PageRequest};
pub use ombud_store::people::User;
pub use ombud_store::records::{ListRow, Stored};
pub use ombud_store::{Backend, Store};

use ombud_domain::people::PasswordCost;
use std::sync::Arc;
use std::time::Duration;

/// How this instance behaves.
#[derive(Debug, Clone)]
pub struct Config {
    /// The address people use, e.g. `https://ombud.stad.se`; an `https` one makes cookies `Secure`.
    pub public_url: String,
    pub password_cost: PasswordCost,
    /// How long a session lives without use.
    pub session_idle: Duration,
    /// Take the client's address for the sign-in limit from the last `X-Forwarded-For` entry (set
    /// by the load balancer in front) instead of the connection's.
    pub trust_forwarded_for: bool,
    /// The bearer token `GET /metrics` asks for; without one, there are no metrics.
    pub metrics_token: Option<String>,
    /// Sign-in with the city's identity provider; `None`: passwords only.
    pub sso: Option<sso::SsoConfig>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            public_url: "http://127.0.0.1:8080".into(),
            password_cost: PasswordCost::Standard,
            session_idle: Duration::from_secs(8 * 3600),
            trust_forwarded_for: false,
            metrics_token: None,
            sso: None,
        }
    }
}

impl Config {
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

/// The application: cheap to clone, shared by every request.
#[derive(Clone)]
pub struct App(Arc<Inner>);

pub struct Inner {
    store: Store,
    pub config: Config,
    callers: cache::EpochCache<Caller>,
    organisations: cache::EpochCache<Organisation>,
    /// The organisations a person may do an action in, for the choices on list pages and forms.
    choices: cache::EpochCache<std::sync::Arc<Vec<Organisation>>>,
    /// A person's roles by organisation, named (the start page).
    grants: cache::EpochCache<Vec<ombud_store::people::RoleGrant>>,
    /// An organisation's gaps, by the audit sequence they were read at (see [`gaps`]).
    gaps: cache::EpochCache<std::sync::Arc<Vec<gaps::Gap>>>,
    /// Files being read for an import at once. Reading runs on the blocking pool, off the threads
    /// that answer requests; the bound keeps a burst of large imports from taking every core and
    /// the memory of as many files.
    pub(crate) imports: tokio::sync::Semaphore,
    /// The identity provider, when single sign-on is configured.
    pub(crate) sso: Option<sso::Sso>,
}

/// How many imports read their files at once; more wait their turn.
pub const CONCURRENT_IMPORTS: usize = 2;

impl std::ops::Deref for App {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl App {
    pub fn new(store: Store, config: Config) -> App {
        // A configuration that cannot make a client was refused at start (see `sso::Sso::new`).
        let sso = config.sso.clone().and_then(|c| match sso::Sso::new(c) {
            Ok(s) => Some(s),
            Err(e) => {
                tracing::error!(error = %e, "single sign-on is switched off");
                None
            }
        });
        App(Arc::new(Inner {
            sso,
            store,
            config,
            callers: cache::EpochCache::default(),
            organisations: cache::EpochCache::default(),
            choices: cache::EpochCache::default(),
            grants: cache::EpochCache::default(),
            gaps: cache::EpochCache::default(),
            imports: tokio::sync::Semaphore::new(CONCURRENT_IMPORTS),
        }))
    }

    /// The connection pool: (open, idle).
    pub fn store_pool_state(&self) -> (u32, usize) {
        self.store.pool_state()
    }

    /// What waits in the outbox and the job queue.
    pub async fn queue_sizes(&self) -> Result<ombud_store::outbox::QueueSizes> {
        Ok(self.store.queue_sizes().await?)
    }

    /// Whether the database answers (the health check).
    pub async fn ping(&self) -> Result<()> {
        Ok(self.store.ping().await?)
    }

    pub fn backend(&self) -> Backend {
        self.store.backend()
    }
}

/// Today in Sweden: the day reviews fall due on and deadlines are counted from.
pub fn today() -> jiff::civil::Date {
    jiff::Timestamp::now()
        .to_zoned_datetime(ombud_domain::time::stockholm())
        .date()
}

/// "Utskriven 2026-11-29 21:00 av Anna Lindqvist": who printed a document, and when.
pub(crate) fn printed_line(lang: Lang, by: &str) -> String {
    let now = ombud_domain::time::display_local(&ombud_domain::time::now());
    match lang {
        Lang::Sv => format!("Utskriven {now} av {by}"),
        Lang::En => format!("Printed {now} by {by}"),
    }
}

/// A document written as text first (a notification, a letter, an answer) as a tagged PDF, typeset
/// off the async threads. The text's own first line is its title, which the PDF sets as its heading.
pub(crate) async fn text_pdf(
    caller: &Caller,
    lang: Lang,
    title: String,
    organisation: String,
    text: &str,
    file_name: String,
) -> Result<sheets::ExportFile> {
    let doc = ombud_report::pdf::TextDocument {
        lang: lang.tag().into(),
        title,
        organisation,
        author: caller.user.name.clone(),
        generated: printed_line(caller.lang, &caller.user.name),
        body: text
            .split_once('\n')
            .map_or(String::new(), |(_, rest)| rest.to_string()),
    };
    let bytes = blocking(move || ombud_report::pdf::text_pdf(&doc))
        .await?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(sheets::ExportFile {
        content_type: "application/pdf",
        file_name,
        bytes,
    })
}

/// Runs CPU-heavy work (password hashing, reading a spreadsheet, rendering a PDF) off the async
/// threads, so that no request starves the others.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))
}
