//! The transactional outbox for e-mail, and jobs due later (reminders).
//!
//! A message is queued by the same [`WriteTx`] as the change that causes it, so it exists if and only
//! if the change committed; a worker (`ombud-app`'s `mail`) sends it afterwards. A job is scheduled
//! the same way and run by `ombud-app`'s `jobs`, whose handler does its work and marks the job done
//! in one transaction, so a job's effects and its completion commit together.
//!
//! Workers take rows with a *claim*: their instance's name and an instant until which the row is
//! theirs (a lease). On PostgreSQL, `FOR UPDATE SKIP LOCKED` lets several instances claim at once
//! without waiting on, or taking, each other's rows; SQLite runs one writer at a time, so the same
//! statement without the clause is already exclusive. A row whose lease has run out (its instance
//! died mid-send) may be claimed by another instance. Every later step checks that the claim is
//! still held, so a stale instance cannot undo what the new holder did.
//!
//! Leases compare instants from each instance's own clock: keep the instances' clocks in sync (NTP)
//! to well within a lease.

use crate::sql::{Arg, Sql};
use crate::{Backend, Result, Store, StoreError, WriteTx};
use jiff::Timestamp;
use ombud_domain::time::to_storage;
use ombud_domain::{Invalid, Lang, Rule};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// A subject fits one line of a mail client; longer is a mistake in the caller.
pub const SUBJECT_MAX: usize = 200;
/// Characters of a message's text: a long reminder is a few thousand.
pub const BODY_MAX: usize = 50_000;
/// Characters of a dedupe key or a job key.
pub const KEY_MAX: usize = 200;
/// Characters of a job kind.
pub const KIND_MAX: usize = 64;
/// Bytes of a job's payload (JSON): ids and a few words, not documents.
pub const PAYLOAD_MAX: usize = 16 * 1024;
/// Characters of an error or an outcome kept with a row.
pub const NOTE_MAX: usize = 1_000;
/// Rows one claim may take.
pub const CLAIM_MAX: usize = 100;
/// Failed messages [`Store::outbox_status`] lists.
pub const RECENT_ERRORS: i64 = 20;
/// The longest lease: longer would hide a dead instance's rows for too long.
const LEASE_MAX: Duration = Duration::from_secs(24 * 3600);

/// The outcome of a cancelled job.
pub const CANCELLED: &str = "cancelled";

/// A message to queue.
#[derive(Debug, Clone)]
pub struct Mail {
    /// Names the logical message (`breach:<id>:notice:<user id>`): a second message with the same key
    /// is not queued, so a retried request or a job run twice cannot send it twice.
    pub dedupe_key: String,
    pub to_address: String,
    /// The recipient's name, shown by mail clients; may be empty.
    pub to_name: String,
    pub subject: String,
    /// Plain text; lines end in `\n`.
    pub body: String,
    pub lang: Lang,
    /// The organisation the message concerns, for administrators' overview.
    pub organisation_id: Option<String>,
    /// Not sent before this instant; `None` sends at once.
    pub not_before: Option<Timestamp>,
}

/// A job to run at a later instant.
#[derive(Debug, Clone)]
pub struct Job {
    /// Names the job (`breach:<id>:reminder:24`): scheduling the same key again changes nothing,
    /// unless the job was cancelled (then it is scheduled anew, with this kind, payload and time).
    pub key: String,
    /// Which handler runs it (`breach-reminder`).
    pub kind: String,
    pub payload: serde_json::Value,
    pub due_at: Timestamp,
}

/// Which jobs [`WriteTx::cancel_jobs`] cancels.
#[derive(Debug, Clone, Copy)]
pub enum JobKeys<'a> {
    /// The one job with this key.
    Key(&'a str),
    /// Every job whose key starts with this (case-sensitive; end it with a separator, e.g.
    /// `breach:<id>:`, or `breach:1` would also cancel `breach:10`'s jobs).
    Prefix(&'a str),
}

/// A message claimed for sending.
#[derive(Debug, Clone)]
pub struct ClaimedMail {
    pub id: String,
    pub dedupe_key: String,
    pub to_address: String,
    pub to_name: String,
    pub subject: String,
    pub body: String,
    pub lang: Lang,
    pub organisation_id: Option<String>,
    /// When it was queued (storage form).
    pub created_at: String,
    /// Attempts before this one.
    pub attempts: i64,
}

/// A job claimed for running.
#[derive(Debug, Clone)]
pub struct ClaimedJob {
    pub id: String,
    pub key: String,
    pub kind: String,
    pub payload: serde_json::Value,
    /// When it was due (storage form).
    pub due_at: String,
    /// Failed runs before this one.
    pub attempts: i64,
}

/// A queued message as administrators see it (without its text, which may hold personal data).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OutboxEntry {
    pub id: String,
    pub dedupe_key: String,
    pub recipient_address: String,
    pub subject: String,
    pub organisation_id: Option<String>,
    pub created_at: String,
    pub not_before: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub last_attempt_at: Option<String>,
    pub sent_at: Option<String>,
    /// Set when no more attempts will be made.
    pub given_up_at: Option<String>,
}

/// The outbox at a glance, for administrators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxStatus {
    /// Waiting to be sent, including those being retried.
    pub queued: i64,
    /// Of the queued, those that failed at least once.
    pub retrying: i64,
    /// Given up: no more attempts will be made.
    pub failed: i64,
    pub sent: i64,
    /// When the oldest queued message was queued: a long wait means mail is not going out.
    pub oldest_queued_at: Option<String>,
    /// The messages that failed most recently (queued or given up), newest first.
    pub recent_errors: Vec<OutboxEntry>,
}

/// A scheduled job as administrators and tests see it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct JobEntry {
    pub id: String,
    pub job_key: String,
    pub kind: String,
    pub due_at: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub retry_at: Option<String>,
    pub done_at: Option<String>,
    pub outcome: Option<String>,
}

/// Wakes this instance's workers when a transaction that queued mail or scheduled a job commits, so
/// that they need not wait for their next poll. Other instances find the rows when they poll.
#[derive(Debug, Default)]
pub(crate) struct Wake {
    mail: Notify,
    jobs: Notify,
}

/// What a write transaction queued, to wake the workers once it has committed (not before: a worker
/// woken early would find nothing and then sleep through the message).
#[derive(Debug)]
pub(crate) struct Queued {
    wake: Arc<Wake>,
    mail: bool,
    jobs: bool,
}

impl Queued {
    pub(crate) fn new(wake: &Arc<Wake>) -> Queued {
        Queued {
            wake: wake.clone(),
            mail: false,
            jobs: false,
        }
    }

    pub(crate) fn committed(&self) {
        // `notify_one` keeps a permit when the worker is busy sending, so the wake is not lost.
        if self.mail {
            self.wake.mail.notify_one();
        }
        if self.jobs {
            self.wake.jobs.notify_one();
        }
    }
}

impl WriteTx<'_> {
    /// Queues a message, to be sent once this transaction commits. Answers `false`, and queues
    /// nothing, when a message with the same dedupe key was queued before (sent or not).
    pub async fn queue_mail(&mut self, mail: Mail) -> Result<bool> {
        let dedupe_key =
            ombud_domain::text::required_line("dedupe_key", &mail.dedupe_key, KEY_MAX)?;
        let to_address = ombud_domain::people::email(&mail.to_address)?;
        let to_name = one_line("to_name", &mail.to_name, ombud_domain::people::NAME_MAX)?;
        let subject = ombud_domain::text::required_line("subject", &mail.subject, SUBJECT_MAX)?;
        let body = ombud_domain::text::optional_text("body", Some(&mail.body), BODY_MAX)?
            .ok_or(Invalid::new("body", Rule::Required))?;
        if let Some(o) = &mail.organisation_id
            && !ombud_domain::ids::is_well_formed(o)
        {
            return Err(Invalid::new("organisation_id", Rule::UnknownReference).into());
        }
        let now = self.now().to_string();
        let not_before = mail.not_before.map_or_else(|| now.clone(), to_storage);
        let inserted = sqlx::query(
            "INSERT INTO outbox (id, dedupe_key, recipient_address, recipient_name, subject, body_text, \
             language, organisation_id, created_at, not_before, attempts) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0) \
             ON CONFLICT (dedupe_key) DO NOTHING",
        )
        .bind(ombud_domain::ids::new_id())
        .bind(dedupe_key)
        .bind(to_address)
        .bind(to_name)
        .bind(subject)
        .bind(body)
        .bind(mail.lang.tag())
        .bind(mail.organisation_id)
        .bind(now)
        .bind(not_before)
        .execute(&mut *self.tx)
        .await?
        .rows_affected()
            == 1;
        self.queued.mail |= inserted;
        Ok(inserted)
    }

    /// Schedules a job, to be run at its time once this transaction commits. Answers whether it was
    /// scheduled: `false` when a job with the key exists (pending or done); a cancelled one is
    /// scheduled anew.
    pub async fn schedule(&mut self, job: Job) -> Result<bool> {
        let key = ombud_domain::text::required_line("key", &job.key, KEY_MAX)?;
        let kind = ombud_domain::text::required_line("kind", &job.kind, KIND_MAX)?;
        let payload = job.payload.to_string();
        if payload.len() > PAYLOAD_MAX {
            return Err(Invalid::new("payload", Rule::TooLong { max: PAYLOAD_MAX }).into());
        }
        let scheduled = sqlx::query(
            "INSERT INTO scheduled_jobs (id, job_key, kind, payload, due_at, created_at, attempts) \
             VALUES ($1, $2, $3, $4, $5, $6, 0) \
             ON CONFLICT (job_key) DO UPDATE SET kind = excluded.kind, payload = excluded.payload, \
             due_at = excluded.due_at, created_at = excluded.created_at, attempts = 0, \
             last_error = NULL, retry_at = NULL, claimed_by = NULL, claimed_until = NULL, \
             done_at = NULL, outcome = NULL \
             WHERE scheduled_jobs.outcome = $7",
        )
        .bind(ombud_domain::ids::new_id())
        .bind(key)
        .bind(kind)
        .bind(payload)
        .bind(to_storage(job.due_at))
        .bind(self.now().to_string())
        .bind(CANCELLED)
        .execute(&mut *self.tx)
        .await?
        .rows_affected()
            == 1;
        self.queued.jobs |= scheduled;
        Ok(scheduled)
    }

    /// Cancels the jobs not yet done (a breach closed before its reminders); answers how many. A
    /// handler running one of them at this moment cannot complete it: its completion requires the
    /// job still pending.
    pub async fn cancel_jobs(&mut self, which: JobKeys<'_>) -> Result<u64> {
        let now = self.now().to_string();
        let set = "UPDATE scheduled_jobs SET done_at = $1, outcome = $2, claimed_by = NULL, \
                   claimed_until = NULL WHERE done_at IS NULL AND ";
        let q = match which {
            JobKeys::Key(key) => sqlx::query(sqlx::AssertSqlSafe(format!("{set}job_key = $3")))
                .bind(now)
                .bind(CANCELLED)
                .bind(key.to_string()),
            JobKeys::Prefix(prefix) => {
                if prefix.is_empty() {
                    // An empty prefix would cancel every job of every kind.
                    return Err(Invalid::new("prefix", Rule::Required).into());
                }
                // Not LIKE: SQLite's ignores case, and a key is compared exactly.
                let chars = i32::try_from(prefix.chars().count())
                    .map_err(|_| Invalid::new("prefix", Rule::TooLong { max: KEY_MAX }))?;
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "{set}substr(job_key, 1, $4) = $3"
                )))
                .bind(now)
                .bind(CANCELLED)
                .bind(prefix.to_string())
                .bind(chars)
            }
        };
        Ok(q.execute(&mut *self.tx).await?.rows_affected())
    }

    /// Marks a claimed job done, with what it did, in this transaction: the job's effects and its
    /// completion commit together. Fails with `Conflict("job_claim_lost")` when the claim is no
    /// longer held (the lease ran out and another instance took the job, or it was cancelled): then
    /// drop the transaction, so that its effects are not committed twice.
    pub async fn finish_job(&mut self, id: &str, claimed_by: &str, outcome: &str) -> Result<()> {
        let done = sqlx::query(
            "UPDATE scheduled_jobs SET done_at = $1, outcome = $2, claimed_by = NULL, \
             claimed_until = NULL WHERE id = $3 AND claimed_by = $4 AND done_at IS NULL",
        )
        .bind(self.now().to_string())
        .bind(bounded(outcome, NOTE_MAX))
        .bind(id.to_string())
        .bind(claimed_by.to_string())
        .execute(&mut *self.tx)
        .await?
        .rows_affected();
        if done == 1 {
            Ok(())
        } else {
            Err(StoreError::Conflict("job_claim_lost"))
        }
    }
}

#[derive(sqlx::FromRow)]
struct MailRow {
    id: String,
    dedupe_key: String,
    recipient_address: String,
    recipient_name: String,
    subject: String,
    body_text: String,
    language: String,
    organisation_id: Option<String>,
    created_at: String,
    attempts: i64,
}

#[derive(sqlx::FromRow)]
struct JobRow {
    id: String,
    job_key: String,
    kind: String,
    payload: String,
    due_at: String,
    attempts: i64,
}

const ENTRY_COLUMNS: &str = "id, dedupe_key, recipient_address, subject, organisation_id, \
    created_at, not_before, attempts, last_error, last_attempt_at, sent_at, given_up_at";

const JOB_COLUMNS: &str =
    "id, job_key, kind, due_at, attempts, last_error, retry_at, done_at, outcome";

impl Store {
    /// Waits until a transaction of this instance has queued mail (returns at once if one did since
    /// the last call).
    pub async fn wait_for_mail(&self) {
        self.wake.mail.notified().await;
    }

    /// Waits until a transaction of this instance has scheduled a job.
    pub async fn wait_for_jobs(&self) {
        self.wake.jobs.notified().await;
    }

    /// The locking clause that lets several instances claim at once (see the module's comment).
    fn skip_locked(&self) -> &'static str {
        match self.backend {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        }
    }

    /// Claims up to `limit` messages that are due at `now` for `lease`, oldest first.
    pub async fn claim_mail(
        &self,
        instance: &str,
        now: Timestamp,
        lease: Duration,
        limit: usize,
    ) -> Result<Vec<ClaimedMail>> {
        let sql = format!(
            "UPDATE outbox SET claimed_by = $1, claimed_until = $2 WHERE id IN (\
               SELECT id FROM outbox WHERE sent_at IS NULL AND given_up_at IS NULL \
               AND not_before <= $3 AND (claimed_until IS NULL OR claimed_until <= $3) \
               ORDER BY not_before, id LIMIT $4{}) \
             RETURNING id, dedupe_key, recipient_address, recipient_name, subject, body_text, \
             language, organisation_id, created_at, attempts",
            self.skip_locked()
        );
        let mut rows: Vec<MailRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(instance.to_string())
            .bind(lease_end(now, lease)?)
            .bind(to_storage(now))
            .bind(claim_limit(limit))
            .fetch_all(self.pool())
            .await?;
        // RETURNING keeps no order; ids are time-ordered (UUID v7), so this is queueing order.
        rows.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(rows
            .into_iter()
            .map(|r| ClaimedMail {
                id: r.id,
                dedupe_key: r.dedupe_key,
                to_address: r.recipient_address,
                to_name: r.recipient_name,
                subject: r.subject,
                body: r.body_text,
                lang: Lang::from_tag(&r.language).unwrap_or_default(),
                organisation_id: r.organisation_id,
                created_at: r.created_at,
                attempts: r.attempts,
            })
            .collect())
    }

    /// Records that a claimed message was accepted by the mail server. Answers `false` when the
    /// claim had been lost (the lease ran out and another instance took the message): the message
    /// is recorded as sent all the same, because it was, so that the other instance's failure cannot
    /// put it back in the queue for a third attempt; the caller should warn that it may have been
    /// sent twice.
    pub async fn mark_sent(&self, id: &str, claimed_by: &str) -> Result<bool> {
        let now = ombud_domain::time::now();
        let held = sqlx::query(
            "UPDATE outbox SET sent_at = $1, last_attempt_at = $1, attempts = attempts + 1, \
             claimed_by = NULL, claimed_until = NULL \
             WHERE id = $2 AND claimed_by = $3 AND sent_at IS NULL",
        )
        .bind(now.clone())
        .bind(id.to_string())
        .bind(claimed_by.to_string())
        .execute(self.pool())
        .await?
        .rows_affected()
            == 1;
        if !held {
            // Leaves the new holder's claim alone: its own mark then finds the message sent.
            sqlx::query(
                "UPDATE outbox SET sent_at = $1, last_attempt_at = $1, attempts = attempts + 1 \
                 WHERE id = $2 AND sent_at IS NULL",
            )
            .bind(now)
            .bind(id.to_string())
            .execute(self.pool())
            .await?;
        }
        Ok(held)
    }

    /// Records a failed attempt: the message is tried again from `retry_at`, or with `None` never
    /// again (kept with its error for administrators). Answers `false`, changing nothing, when the
    /// claim is no longer held or the message was sent meanwhile.
    pub async fn mark_failed(
        &self,
        id: &str,
        claimed_by: &str,
        error: &str,
        retry_at: Option<Timestamp>,
    ) -> Result<bool> {
        let now = ombud_domain::time::now();
        let (then, sql) = match retry_at {
            Some(at) => (
                to_storage(at),
                "UPDATE outbox SET attempts = attempts + 1, last_error = $1, last_attempt_at = $2, \
                 not_before = $3, claimed_by = NULL, claimed_until = NULL \
                 WHERE id = $4 AND claimed_by = $5 AND sent_at IS NULL",
            ),
            None => (
                now.clone(),
                "UPDATE outbox SET attempts = attempts + 1, last_error = $1, last_attempt_at = $2, \
                 given_up_at = $3, claimed_by = NULL, claimed_until = NULL \
                 WHERE id = $4 AND claimed_by = $5 AND sent_at IS NULL",
            ),
        };
        Ok(sqlx::query(sql)
            .bind(bounded(error, NOTE_MAX))
            .bind(now)
            .bind(then)
            .bind(id.to_string())
            .bind(claimed_by.to_string())
            .execute(self.pool())
            .await?
            .rows_affected()
            == 1)
    }

    /// Lets go of the messages this instance claimed but did not try (it is stopping), so that they
    /// need not wait for the lease to run out.
    pub async fn release_mail(&self, claimed_by: &str) -> Result<u64> {
        Ok(sqlx::query(
            "UPDATE outbox SET claimed_by = NULL, claimed_until = NULL \
             WHERE claimed_by = $1 AND sent_at IS NULL",
        )
        .bind(claimed_by.to_string())
        .execute(self.pool())
        .await?
        .rows_affected())
    }

    /// One message by its dedupe key.
    pub async fn outbox_entry(&self, dedupe_key: &str) -> Result<Option<OutboxEntry>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {ENTRY_COLUMNS} FROM outbox WHERE dedupe_key = $1"
        )))
        .bind(dedupe_key.to_string())
        .fetch_optional(self.pool())
        .await?)
    }

    /// What waits: e-mail not yet sent nor given up, and jobs not yet done (whether due or not):
    /// for monitoring, no content.
    pub async fn queue_sizes(&self) -> Result<QueueSizes> {
        let (mail_queued, mail_failed, jobs_pending, jobs_due): (i64, i64, i64, i64) =
            sqlx::query_as(
                "SELECT \
                   (SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND given_up_at IS NULL), \
                   (SELECT COUNT(*) FROM outbox WHERE given_up_at IS NOT NULL), \
                   (SELECT COUNT(*) FROM scheduled_jobs WHERE done_at IS NULL), \
                   (SELECT COUNT(*) FROM scheduled_jobs WHERE done_at IS NULL AND due_at <= $1)",
            )
            .bind(to_storage(jiff::Timestamp::now()))
            .fetch_one(self.pool())
            .await?;
        Ok(QueueSizes {
            mail_queued,
            mail_failed,
            jobs_pending,
            jobs_due,
        })
    }

    /// Counts by state, and the latest failures.
    pub async fn outbox_status(&self) -> Result<OutboxStatus> {
        let (queued, retrying, failed, sent, oldest_queued_at): (
            i64,
            i64,
            i64,
            i64,
            Option<String>,
        ) = sqlx::query_as(
            "SELECT \
               (SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND given_up_at IS NULL), \
               (SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND given_up_at IS NULL \
                  AND attempts > 0), \
               (SELECT COUNT(*) FROM outbox WHERE given_up_at IS NOT NULL), \
               (SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL), \
               (SELECT MIN(created_at) FROM outbox WHERE sent_at IS NULL AND given_up_at IS NULL)",
        )
        .fetch_one(self.pool())
        .await?;
        let recent_errors = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {ENTRY_COLUMNS} FROM outbox WHERE last_error IS NOT NULL AND sent_at IS NULL \
             ORDER BY last_attempt_at DESC, id DESC LIMIT $1"
        )))
        .bind(RECENT_ERRORS)
        .fetch_all(self.pool())
        .await?;
        Ok(OutboxStatus {
            queued,
            retrying,
            failed,
            sent,
            oldest_queued_at,
            recent_errors,
        })
    }

    /// Claims up to `limit` jobs of these kinds that are due at `now`, for `lease`, earliest first.
    /// Only the kinds this instance can run: during a rolling upgrade an older instance leaves a new
    /// kind's jobs to the newer ones.
    pub async fn claim_due_jobs(
        &self,
        instance: &str,
        now: Timestamp,
        lease: Duration,
        limit: usize,
        kinds: &[&str],
    ) -> Result<Vec<ClaimedJob>> {
        if kinds.is_empty() {
            return Ok(Vec::new());
        }
        let until = lease_end(now, lease)?;
        let now = to_storage(now);
        let mut sql = Sql::new("UPDATE scheduled_jobs SET claimed_by = ");
        sql.bind(Arg::Text(instance.to_string()))
            .push(", claimed_until = ")
            .bind(Arg::Text(until))
            .push(
                " WHERE id IN (SELECT id FROM scheduled_jobs WHERE done_at IS NULL AND due_at <= ",
            )
            .bind(Arg::Text(now.clone()))
            .push(" AND (retry_at IS NULL OR retry_at <= ")
            .bind(Arg::Text(now.clone()))
            .push(") AND (claimed_until IS NULL OR claimed_until <= ")
            .bind(Arg::Text(now))
            .push(") AND kind IN (");
        for (i, k) in kinds.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind(Arg::Text((*k).to_string()));
        }
        sql.push(") ORDER BY due_at, id LIMIT ")
            .bind(Arg::Int(claim_limit(limit)))
            .push(self.skip_locked())
            .push(") RETURNING id, job_key, kind, payload, due_at, attempts");
        let mut rows: Vec<JobRow> = sql.query_as().fetch_all(self.pool()).await?;
        rows.sort_by(|a, b| (&a.due_at, &a.id).cmp(&(&b.due_at, &b.id)));
        rows.into_iter()
            .map(|r| {
                let payload = serde_json::from_str(&r.payload).map_err(|e| {
                    StoreError::Database(format!("the payload of job {}: {e}", r.id))
                })?;
                Ok(ClaimedJob {
                    id: r.id,
                    key: r.job_key,
                    kind: r.kind,
                    payload,
                    due_at: r.due_at,
                    attempts: r.attempts,
                })
            })
            .collect()
    }

    /// Records a failed run (its transaction was rolled back): tried again from `retry_at`, or with
    /// `None` given up, kept with its error. Answers `false`, changing nothing, when the claim is no
    /// longer held.
    pub async fn fail_job(
        &self,
        id: &str,
        claimed_by: &str,
        error: &str,
        retry_at: Option<Timestamp>,
    ) -> Result<bool> {
        let now = ombud_domain::time::now();
        let q = match retry_at {
            Some(at) => sqlx::query(
                "UPDATE scheduled_jobs SET attempts = attempts + 1, last_error = $1, retry_at = $2, \
                 claimed_by = NULL, claimed_until = NULL \
                 WHERE id = $3 AND claimed_by = $4 AND done_at IS NULL",
            )
            .bind(bounded(error, NOTE_MAX))
            .bind(to_storage(at)),
            None => sqlx::query(
                "UPDATE scheduled_jobs SET attempts = attempts + 1, last_error = $1, done_at = $2, \
                 outcome = 'failed', claimed_by = NULL, claimed_until = NULL \
                 WHERE id = $3 AND claimed_by = $4 AND done_at IS NULL",
            )
            .bind(bounded(error, NOTE_MAX))
            .bind(now),
        };
        Ok(q.bind(id.to_string())
            .bind(claimed_by.to_string())
            .execute(self.pool())
            .await?
            .rows_affected()
            == 1)
    }

    /// Lets go of the jobs this instance claimed but did not run (it is stopping).
    pub async fn release_jobs(&self, claimed_by: &str) -> Result<u64> {
        Ok(sqlx::query(
            "UPDATE scheduled_jobs SET claimed_by = NULL, claimed_until = NULL \
             WHERE claimed_by = $1 AND done_at IS NULL",
        )
        .bind(claimed_by.to_string())
        .execute(self.pool())
        .await?
        .rows_affected())
    }

    /// One job by its key.
    pub async fn scheduled_job(&self, key: &str) -> Result<Option<JobEntry>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {JOB_COLUMNS} FROM scheduled_jobs WHERE job_key = $1"
        )))
        .bind(key.to_string())
        .fetch_optional(self.pool())
        .await?)
    }
}

/// What waits in the outbox and the job queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueSizes {
    pub mail_queued: i64,
    pub mail_failed: i64,
    pub jobs_pending: i64,
    /// Pending and due now: more than a handful for long means no instance runs them.
    pub jobs_due: i64,
}

/// A name for a mail header: one line, no control characters (they could forge headers).
fn one_line(field: &'static str, value: &str, max: usize) -> Result<String, Invalid> {
    let v = value.trim();
    if v.chars().count() > max {
        return Err(Invalid::new(field, Rule::TooLong { max }));
    }
    if v.chars().any(char::is_control) {
        return Err(Invalid::new(field, Rule::ControlCharacters));
    }
    Ok(v.to_string())
}

fn claim_limit(limit: usize) -> i64 {
    limit.clamp(1, CLAIM_MAX) as i64
}

fn lease_end(now: Timestamp, lease: Duration) -> Result<String> {
    now.checked_add(lease.min(LEASE_MAX))
        .map(to_storage)
        .map_err(|e| StoreError::Database(format!("the end of a lease: {e}")))
}

/// At most `max` characters, cut at a character boundary.
fn bounded(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => s[..i].to_string(),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_are_cut_at_a_character_boundary() {
        assert_eq!(bounded("åäö", 2), "åä");
        assert_eq!(bounded("åäö", 5), "åäö");
    }

    #[test]
    fn a_name_with_a_line_break_is_refused() {
        assert!(one_line("to_name", "Åsa\r\nBcc: x@y.se", 200).is_err());
        assert_eq!(
            one_line("to_name", " Åsa Öberg ", 200).as_deref(),
            Ok("Åsa Öberg")
        );
    }
}
