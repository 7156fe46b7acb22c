//! The e-mail worker: sends what transactions queued in the outbox (see `ombud_store::outbox`).
//!
//! Each instance runs one. It claims due messages (a lease, so that two instances on one PostgreSQL
//! never take the same row, and a dead instance's rows are taken up after the lease), sends each
//! through SMTP (lettre), and records the outcome: sent, or failed and tried again later with a
//! growing delay, or given up and kept with its error for administrators.
//!
//! **Never sent twice, and where that cannot be kept.** A message is recorded as sent right after the
//! mail server accepted it. If the instance dies (or loses the database) in between, the message is
//! still pending when its lease runs out and is sent again. The same window exists when a server
//! accepts a message but the answer is lost (a timeout after the data). SMTP gives no way to close
//! it; what this worker does is keep it short (the record is written at once, retried briefly) and
//! send every copy with the same `Message-ID`, derived from the outbox row, so that mail systems and
//! people can tell a resend for the same message.
//!
//! **Waking.** A commit that queued mail on this instance wakes its worker at once (a `Notify` in the
//! store). Mail queued by another instance is that instance's worker's to wake for; this worker finds
//! it at its next poll, which only matters if that instance stopped in between. A PostgreSQL
//! `LISTEN` would shorten that rare case, at the cost of one more connection per instance; polling
//! every few seconds was judged enough.
//!
//! **Not configured.** Without an SMTP URL the worker sends nothing: messages stay queued (neither
//! dropped nor marked sent) until an instance with a mail server configured starts, and the log says
//! so once.
//!
//! Nothing about a recipient is logged (no addresses, no subjects): log lines name the outbox row.
//! The full error, which may quote an address, is kept with the row for administrators.

use jiff::Timestamp;
use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, SinglePart};
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use ombud_domain::Lang;
use ombud_store::Store;
use ombud_store::outbox::ClaimedMail;
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// How the mail worker runs.
#[derive(Debug, Clone)]
pub struct MailConfig {
    /// `smtp://host:25`, `smtp://user:pass@host:587?tls=required` (STARTTLS) or
    /// `smtps://user:pass@host` (TLS from the start); `None`: mail stays queued.
    pub smtp_url: Option<String>,
    /// The sender, e.g. `Ombud <ombud@kommun.se>`.
    pub from: String,
    /// How often to look for mail that no commit on this instance announced (another instance's,
    /// or mail whose retry time came).
    pub poll: Duration,
    /// Messages claimed at a time.
    pub batch: usize,
    /// The longest one message may take to send, connection included.
    pub send_timeout: Duration,
    /// The delays before the second, third, … attempts; after the last, a message that still fails
    /// is given up. A refusal the server calls permanent (5xx) is given up at once.
    pub retry_delays: Vec<Duration>,
}

impl MailConfig {
    pub fn new(smtp_url: Option<String>, from: impl Into<String>) -> Self {
        MailConfig {
            smtp_url,
            from: from.into(),
            poll: Duration::from_secs(5),
            batch: 10,
            send_timeout: Duration::from_secs(30),
            retry_delays: [60, 5 * 60, 30 * 60, 2 * 3600, 6 * 3600]
                .map(Duration::from_secs)
                .to_vec(),
        }
    }

    /// How long a claim lasts: the whole batch sent one after another, each taking its longest,
    /// with a margin. A lapsed claim lets another instance send the message too.
    fn lease(&self) -> Duration {
        self.send_timeout * (self.batch.max(1) as u32) + Duration::from_secs(60)
    }
}

/// What is wrong with the mail settings; the server does not start with them.
#[derive(Debug, thiserror::Error)]
pub enum MailSetupError {
    #[error("OMBUD_SMTP_URL: {0}")]
    SmtpUrl(String),
    #[error("OMBUD_MAIL_FROM is not an address such as `Ombud <ombud@kommun.se>`: {0}")]
    From(String),
}

/// A background task of this instance; [`Worker::stop`] ends it between two messages.
#[derive(Debug)]
pub struct Worker {
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Worker {
    pub(crate) fn spawn<F>(run: impl FnOnce(watch::Receiver<bool>) -> F) -> Worker
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let (stop, stopped) = watch::channel(false);
        Worker {
            stop,
            task: tokio::spawn(run(stopped)),
        }
    }

    /// Asks the task to stop and waits for it: a message being sent is finished first, and what the
    /// task had claimed but not begun is let go for others to take at once.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        if let Err(e) = self.task.await {
            tracing::error!(error = %e, "a background task ended abnormally");
        }
    }
}

/// Whether the task should stop: asked to, or its [`Worker`] is gone.
pub(crate) fn stopping(stop: &watch::Receiver<bool>) -> bool {
    *stop.borrow() || stop.has_changed().is_err()
}

/// Starts this instance's mail worker. Fails only on settings that can never work (a URL that does
/// not parse, a sender that is not an address), so that a mistake shows at start, not at the first
/// breach.
pub fn spawn_mail_worker(store: Store, config: MailConfig) -> Result<Worker, MailSetupError> {
    let from: Mailbox = config
        .from
        .parse()
        .map_err(|e: lettre::address::AddressError| MailSetupError::From(e.to_string()))?;
    let transport = match &config.smtp_url {
        Some(url) => {
            if url.starts_with("smtp://") && !url.contains("tls=") && !is_loopback(url) {
                tracing::warn!(
                    "OMBUD_SMTP_URL sends e-mail unencrypted; use smtps:// or add ?tls=required"
                );
            }
            Some(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| MailSetupError::SmtpUrl(e.to_string()))?
                    .timeout(Some(config.send_timeout))
                    .build(),
            )
        }
        None => None,
    };
    Ok(Worker::spawn(move |stop| async move {
        match transport {
            Some(transport) => {
                let sender = Sender {
                    store,
                    transport,
                    instance: instance_name(),
                    message_id_domain: from.email.domain().to_string(),
                    from,
                    config,
                };
                sender.run(stop).await;
            }
            None => not_configured(&store, stop).await,
        }
    }))
}

/// A name for this instance's claims, unique across instances and restarts.
pub(crate) fn instance_name() -> String {
    format!("{}-{}", std::process::id(), ombud_domain::ids::new_id())
}

fn is_loopback(url: &str) -> bool {
    let host = url
        .split("://")
        .nth(1)
        .and_then(|rest| rest.rsplit('@').next())
        .unwrap_or_default();
    host.starts_with("127.") || host.starts_with("localhost") || host.starts_with("[::1]")
}

async fn not_configured(store: &Store, mut stop: watch::Receiver<bool>) {
    let queued = store.outbox_status().await.map(|s| s.queued).unwrap_or(0);
    tracing::warn!(
        queued,
        "e-mail is not configured (OMBUD_SMTP_URL): messages are kept in the outbox, unsent, until it is"
    );
    while !stopping(&stop) {
        let _ = stop.changed().await;
    }
}

struct Sender {
    store: Store,
    transport: AsyncSmtpTransport<Tokio1Executor>,
    instance: String,
    from: Mailbox,
    message_id_domain: String,
    config: MailConfig,
}

/// Why a message was not sent.
struct Failure {
    error: String,
    /// The server, or the message itself, rules out any later attempt.
    permanent: bool,
    /// For the log: a code or a kind, never the server's text (it may quote the address).
    kind: String,
}

impl Sender {
    async fn run(self, mut stop: watch::Receiver<bool>) {
        let lease = self.config.lease();
        let batch = self.config.batch.clamp(1, ombud_store::outbox::CLAIM_MAX);
        let mut failing = false;
        while !stopping(&stop) {
            let claimed_at = Instant::now();
            let claimed = match self
                .store
                .claim_mail(&self.instance, Timestamp::now(), lease, batch)
                .await
            {
                Ok(c) => {
                    if failing {
                        tracing::info!("the outbox can be read again");
                        failing = false;
                    }
                    c
                }
                Err(e) => {
                    if !failing {
                        tracing::warn!(error = %e, "cannot read the outbox; trying again");
                        failing = true;
                    }
                    Vec::new()
                }
            };
            let full = claimed.len() == batch;
            // Each send must end well inside the lease, or another instance may take the message
            // while it is still being sent.
            let last_start = claimed_at + lease.saturating_sub(self.config.send_timeout * 2);
            let mut left_over = false;
            for mail in claimed {
                if stopping(&stop) || Instant::now() > last_start {
                    left_over = true;
                    break;
                }
                self.deliver(mail).await;
            }
            if left_over {
                if let Err(e) = self.store.release_mail(&self.instance).await {
                    tracing::warn!(error = %e, "could not let go of claimed e-mail; it is taken up when the claim runs out");
                }
                continue;
            }
            if full {
                // More may be waiting.
                continue;
            }
            tokio::select! {
                () = self.store.wait_for_mail() => {}
                () = tokio::time::sleep(self.config.poll) => {}
                _ = stop.changed() => {}
            }
        }
    }

    async fn deliver(&self, mail: ClaimedMail) {
        let sent = match self.message(&mail) {
            Ok(message) => {
                match tokio::time::timeout(self.config.send_timeout, self.transport.send(message))
                    .await
                {
                    Ok(Ok(_)) => Ok(()),
                    Ok(Err(e)) => Err(Failure {
                        permanent: e.is_permanent(),
                        kind: e
                            .status()
                            .map_or_else(|| smtp_error_kind(&e).to_string(), |c| c.to_string()),
                        error: e.to_string(),
                    }),
                    Err(_) => Err(Failure {
                        error: format!(
                            "no answer from the mail server within {} s",
                            self.config.send_timeout.as_secs()
                        ),
                        permanent: false,
                        kind: "timeout".into(),
                    }),
                }
            }
            Err(error) => Err(Failure {
                error,
                permanent: true,
                kind: "unsendable".into(),
            }),
        };
        match sent {
            Ok(()) => self.record_sent(&mail).await,
            Err(f) => self.record_failure(&mail, f).await,
        }
    }

    /// The message as it goes out; the same bytes (but for the server's trace headers) every time
    /// it is sent, so that a resend is recognisable.
    fn message(&self, mail: &ClaimedMail) -> Result<Message, String> {
        let address: Address = mail
            .to_address
            .parse()
            .map_err(|e| format!("the recipient's address cannot be used: {e}"))?;
        let name = (!mail.to_name.is_empty()).then(|| mail.to_name.clone());
        let date = ombud_domain::time::from_storage(&mail.created_at)
            .and_then(|t| std::time::SystemTime::try_from(t).ok())
            .unwrap_or_else(std::time::SystemTime::now);
        Message::builder()
            .message_id(Some(format!(
                "<{}.outbox@{}>",
                mail.id, self.message_id_domain
            )))
            .date(date)
            .from(self.from.clone())
            .to(Mailbox::new(name, address))
            .subject(mail.subject.clone())
            .header(ContentLanguage(mail.lang))
            .singlepart(SinglePart::plain(mail.body.clone()))
            .map_err(|e| format!("the message cannot be built: {e}"))
    }

    async fn record_sent(&self, mail: &ClaimedMail) {
        // The message is out: a lost record of that means a second copy later, so try a few times.
        for attempt in 1..=3 {
            match self.store.mark_sent(&mail.id, &self.instance).await {
                Ok(true) => {
                    tracing::info!(outbox_id = %mail.id, "e-mail sent");
                    return;
                }
                Ok(false) => {
                    tracing::warn!(outbox_id = %mail.id, "e-mail sent after its claim ran out: another instance may send it too");
                    return;
                }
                Err(e) if attempt < 3 => {
                    tracing::warn!(outbox_id = %mail.id, error = %e, "e-mail sent but not yet recorded; retrying");
                    tokio::time::sleep(Duration::from_millis(500 * attempt)).await;
                }
                Err(e) => {
                    tracing::error!(outbox_id = %mail.id, error = %e, "e-mail sent but not recorded: it will be sent again when its claim runs out");
                }
            }
        }
    }

    async fn record_failure(&self, mail: &ClaimedMail, f: Failure) {
        let failures = usize::try_from(mail.attempts)
            .unwrap_or(usize::MAX)
            .saturating_add(1);
        let retry_at = if f.permanent {
            None
        } else {
            self.config
                .retry_delays
                .get(failures - 1)
                .and_then(|d| Timestamp::now().checked_add(*d).ok())
        };
        match self
            .store
            .mark_failed(&mail.id, &self.instance, &f.error, retry_at)
            .await
        {
            Ok(_) => match retry_at {
                Some(at) => {
                    tracing::warn!(outbox_id = %mail.id, attempts = failures, kind = %f.kind, retry_at = %at, "e-mail not sent; will try again")
                }
                None => {
                    tracing::error!(outbox_id = %mail.id, attempts = failures, kind = %f.kind, "e-mail not sent and given up; see the outbox")
                }
            },
            Err(e) => {
                tracing::warn!(outbox_id = %mail.id, error = %e, "e-mail not sent, and the failure not recorded; tried again when its claim runs out")
            }
        }
    }
}

fn smtp_error_kind(e: &lettre::transport::smtp::Error) -> &'static str {
    if e.is_timeout() {
        "timeout"
    } else if e.is_tls() {
        "tls"
    } else if e.is_client() {
        "client"
    } else {
        "connection"
    }
}

/// `Content-Language`, so that a screen reader reads the message in its language.
#[derive(Debug, Clone, Copy)]
struct ContentLanguage(Lang);

impl Header for ContentLanguage {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Content-Language")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Lang::from_tag(s)
            .map(ContentLanguage)
            .ok_or_else(|| format!("unknown language {s:?}").into())
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.tag().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_mail_servers_need_no_warning() {
        assert!(is_loopback("smtp://127.0.0.1:2525"));
        assert!(is_loopback("smtp://user:pw@localhost:25"));
        assert!(!is_loopback("smtp://mail.kommun.se"));
    }

    #[test]
    fn the_default_sender_and_delays_are_usable() {
        let c = MailConfig::new(None, "Ombud <ombud@localhost>");
        assert!(c.from.parse::<Mailbox>().is_ok());
        assert_eq!(c.retry_delays.len(), 5);
        assert!(c.lease() > c.send_timeout * 2);
    }
}
