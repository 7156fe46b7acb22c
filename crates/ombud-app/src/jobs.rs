//! The scheduler: runs jobs when they are due (reminders 24, 48 and 66 hours after a breach was
//! found, a data subject request's deadline, the annual report), once, across restarts and instances.
//!
//! A job is a row (`ombud_store::outbox`), scheduled in the transaction of the change that calls for
//! it. Each instance claims due jobs of the kinds it has handlers for; the handler does its work in a
//! fresh [`WriteTx`] (typically: queue a mail), and the job is marked done in that same transaction.
//! So a job's effects and its completion commit together or not at all: a job whose instance dies
//! midway is rolled back and run again after its lease, and a job whose lease ran out while it ran
//! cannot complete a second time (its completion requires the claim, which the other instance holds).
//!
//! A handler that fails has its transaction rolled back and is tried again later with growing delays,
//! then given up and kept with its error. Handlers run in a task of their own, so a panic in one is
//! a failed job, not a stopped scheduler.

use crate::AppError;
use crate::mail::{Worker, instance_name, stopping};
use jiff::Timestamp;
use ombud_domain::audit::Channel;
use ombud_store::outbox::ClaimedJob;
use ombud_store::{Actor, Store, StoreError, WriteTx};
use std::collections::HashMap;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// What a handler answers: a short description of what it did, kept as the job's outcome
/// (`reminder queued`, `skipped: the breach is closed`).
pub type Outcome = Result<String, AppError>;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Runs the jobs of one kind.
pub trait JobHandler: Send + Sync + 'static {
    /// Does `job`'s work in `tx`. Everything it changes must go through `tx`: the job is marked done
    /// in it, and it is committed by the scheduler (or rolled back when this fails).
    fn run<'a>(&'a self, job: &'a ClaimedJob, tx: &'a mut WriteTx<'_>) -> BoxFuture<'a, Outcome>;
}

/// The handlers by job kind.
#[derive(Clone, Default)]
pub struct Handlers(HashMap<&'static str, Arc<dyn JobHandler>>);

impl Handlers {
    pub fn new() -> Self {
        Handlers::default()
    }

    /// Adds the handler of `kind`, replacing any before it.
    pub fn register(&mut self, kind: &'static str, handler: impl JobHandler) -> &mut Self {
        self.0.insert(kind, Arc::new(handler));
        self
    }

    pub fn kinds(&self) -> Vec<&'static str> {
        let mut k: Vec<_> = self.0.keys().copied().collect();
        k.sort_unstable();
        k
    }
}

impl std::fmt::Debug for Handlers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Handlers").field(&self.kinds()).finish()
    }
}

/// Ombud's handlers: every kind of job the application schedules has its handler registered here.
pub fn handlers(store: &Store, public_url: &str) -> Handlers {
    let mut h = Handlers::new();
    h.register(
        crate::breaches::REMINDER_JOB,
        crate::breaches::ReminderHandler {
            store: store.clone(),
            public_url: public_url.to_string(),
        },
    );
    h.register(
        crate::retention::RETENTION_JOB,
        crate::retention::RetentionHandler {
            store: store.clone(),
        },
    );
    h.register(
        crate::requests::REMINDER_JOB,
        crate::requests::ReminderHandler {
            store: store.clone(),
            public_url: public_url.to_string(),
        },
    );
    h
}

/// How the scheduler runs.
#[derive(Debug, Clone)]
pub struct SchedulerConfig {
    /// How often to look for due jobs. A job runs within this of its time.
    pub poll: Duration,
    /// Jobs claimed at a time.
    pub batch: usize,
    /// The longest one job may take; a job that takes longer is rolled back and tried again.
    pub job_timeout: Duration,
    /// The delays before the second, third, … runs of a failing job; after the last it is given up.
    pub retry_delays: Vec<Duration>,
}

impl Default for SchedulerConfig {
    fn default() -> Self {
        SchedulerConfig {
            poll: Duration::from_secs(15),
            batch: 10,
            job_timeout: Duration::from_secs(60),
            retry_delays: [60, 5 * 60, 30 * 60, 2 * 3600, 6 * 3600]
                .map(Duration::from_secs)
                .to_vec(),
        }
    }
}

impl SchedulerConfig {
    fn lease(&self) -> Duration {
        self.job_timeout * (self.batch.max(1) as u32) + Duration::from_secs(60)
    }
}

/// Who the audit trail names for what a job changes.
pub const ACTOR_NAME: &str = "Ombud (schemalagt)";

/// Starts this instance's scheduler.
pub fn spawn_scheduler(store: Store, handlers: Handlers, config: SchedulerConfig) -> Worker {
    Worker::spawn(move |stop| run(store, handlers, config, stop))
}

async fn run(
    store: Store,
    handlers: Handlers,
    config: SchedulerConfig,
    mut stop: watch::Receiver<bool>,
) {
    let instance = instance_name();
    let kinds = handlers.kinds();
    let lease = config.lease();
    let batch = config.batch.clamp(1, ombud_store::outbox::CLAIM_MAX);
    let mut failing = false;
    while !stopping(&stop) {
        let claimed_at = Instant::now();
        let claimed = match store
            .claim_due_jobs(&instance, Timestamp::now(), lease, batch, &kinds)
            .await
        {
            Ok(c) => {
                if failing {
                    tracing::info!("scheduled jobs can be read again");
                    failing = false;
                }
                c
            }
            Err(e) => {
                if !failing {
                    tracing::warn!(error = %e, "cannot read the scheduled jobs; trying again");
                    failing = true;
                }
                Vec::new()
            }
        };
        let full = claimed.len() == batch;
        let last_start = claimed_at + lease.saturating_sub(config.job_timeout * 2);
        let mut left_over = false;
        for job in claimed {
            if stopping(&stop) || Instant::now() > last_start {
                left_over = true;
                break;
            }
            let Some(handler) = handlers.0.get(job.kind.as_str()).cloned() else {
                continue;
            };
            run_job(&store, &instance, handler, job, &config).await;
        }
        if left_over {
            if let Err(e) = store.release_jobs(&instance).await {
                tracing::warn!(error = %e, "could not let go of claimed jobs; they are taken up when the claim runs out");
            }
            continue;
        }
        if full {
            continue;
        }
        tokio::select! {
            () = store.wait_for_jobs() => {}
            () = tokio::time::sleep(config.poll) => {}
            _ = stop.changed() => {}
        }
    }
}

/// How one run ended, other than done.
enum Failed {
    /// Another instance holds the job now (or it was cancelled): nothing to record.
    ClaimLost,
    Error(String),
}

async fn run_job(
    store: &Store,
    instance: &str,
    handler: Arc<dyn JobHandler>,
    job: ClaimedJob,
    config: &SchedulerConfig,
) {
    let (id, key, attempts) = (job.id.clone(), job.key.clone(), job.attempts);
    let task = tokio::spawn(run_in_transaction(
        store.clone(),
        instance.to_string(),
        handler,
        job,
        config.job_timeout,
    ));
    let failed = match task.await {
        Ok(Ok(outcome)) => {
            tracing::info!(job = %key, %outcome, "scheduled job done");
            return;
        }
        Ok(Err(Failed::ClaimLost)) => {
            tracing::info!(job = %key, "scheduled job taken over or cancelled meanwhile; its work was rolled back");
            return;
        }
        Ok(Err(Failed::Error(e))) => e,
        Err(e) => format!("the handler stopped abnormally: {e}"),
    };
    let failures = usize::try_from(attempts)
        .unwrap_or(usize::MAX)
        .saturating_add(1);
    let retry_at = config
        .retry_delays
        .get(failures - 1)
        .and_then(|d| Timestamp::now().checked_add(*d).ok());
    match store.fail_job(&id, instance, &failed, retry_at).await {
        Ok(_) if retry_at.is_some() => {
            tracing::warn!(job = %key, attempts = failures, error = %failed, "scheduled job failed; will try again")
        }
        Ok(_) => {
            tracing::error!(job = %key, attempts = failures, error = %failed, "scheduled job failed and given up")
        }
        Err(e) => {
            tracing::warn!(job = %key, error = %e, "scheduled job failed, and the failure not recorded; tried again when its claim runs out")
        }
    }
}

async fn run_in_transaction(
    store: Store,
    instance: String,
    handler: Arc<dyn JobHandler>,
    job: ClaimedJob,
    timeout: Duration,
) -> Result<String, Failed> {
    let error = |e: AppError| Failed::Error(e.to_string());
    let actor = Actor::system(ACTOR_NAME, Channel::System);
    let mut tx = WriteTx::begin(&store, &actor)
        .await
        .map_err(|e| error(e.into()))?;
    let outcome = match tokio::time::timeout(timeout, handler.run(&job, &mut tx)).await {
        Ok(r) => r.map_err(error)?,
        Err(_) => {
            return Err(Failed::Error(format!(
                "took longer than {} s",
                timeout.as_secs()
            )));
        }
    };
    match tx.finish_job(&job.id, &instance, &outcome).await {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => return Err(Failed::ClaimLost),
        Err(e) => return Err(error(e.into())),
    }
    tx.commit().await.map_err(|e| error(e.into()))?;
    Ok(outcome)
}
