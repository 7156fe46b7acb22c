//! A controller's settings for its data subject requests — its own days off in the time limit, and
//! its retention rules ("remove the requester's identity from granted requests 6 months after the
//! answer; from refusals after 10 years") — and the daily job that applies the rules. A removal is a
//! change on the record like any other, by "Gallring", naming the rule; the identity itself was
//! never in the audit trail (see `Requests::audit_view`), and what the annual report counts stays.

use crate::jobs::{BoxFuture, JobHandler, Outcome};
use crate::{App, AppError, Caller, Organisation, Result, today};
use ombud_domain::audit::Channel;
use ombud_domain::authz::{Action, Grant, Principal};
use ombud_domain::kernel::{Descriptor, parse};
use ombud_domain::register::request::Requests;
use ombud_domain::request::ExtraDaysOff;
use ombud_domain::request::retention::RetentionRules;
use ombud_domain::{Invalid, Rule};
use ombud_store::outbox::{ClaimedJob, Job};
use ombud_store::{Actor, Store, WriteTx};

/// The scheduler's name for the daily run.
pub const RETENTION_JOB: &str = "request-retention";
/// Who the audit trail says removed an identity.
const ACTOR: &str = "Gallring";

impl App {
    /// The controller an organisation belongs to: its request settings are the controller's.
    async fn controller_of(&self, org: Organisation) -> Result<Organisation> {
        let Some(c) = org.controller_id.clone() else {
            return Err(Invalid::new("organisation_id", Rule::UnknownReference).into());
        };
        if c == org.id {
            return Ok(org);
        }
        Ok(self.store.organisation(&c).await?)
    }

    /// The controller whose request settings an organisation shares, for reading them: whoever
    /// reads requests at the organisation asked about.
    async fn settings_to_read(
        &self,
        caller: &Caller,
        organisation_id: &str,
    ) -> Result<Organisation> {
        let org = self.organisation(caller, organisation_id).await?;
        caller
            .principal
            .authorize(Action::Read(Requests::KIND), &org.scope())?;
        self.controller_of(org).await
    }

    /// The same controller, for deciding its settings: those who handle requests for the whole
    /// controller. Someone who sees the organisation asked about but not the controller as a
    /// whole is forbidden, not told it does not exist.
    async fn settings_to_set(
        &self,
        caller: &Caller,
        organisation_id: &str,
    ) -> Result<(Organisation, Grant)> {
        let org = self.organisation(caller, organisation_id).await?;
        let controller = self.controller_of(org).await?;
        let grant = caller
            .principal
            .authorize(Action::Edit(Requests::KIND), &controller.scope())
            .map_err(|_| AppError::Forbidden)?;
        Ok((controller, grant))
    }

    /// Whether the caller decides the request settings an organisation shares (a page shows its
    /// form, or only what is decided).
    pub async fn decides_request_settings(&self, caller: &Caller, organisation_id: &str) -> bool {
        self.settings_to_set(caller, organisation_id).await.is_ok()
    }

    /// The retention rules of the controller an organisation belongs to.
    pub async fn request_retention(
        &self,
        caller: &Caller,
        organisation_id: &str,
    ) -> Result<RetentionRules> {
        let controller = self.settings_to_read(caller, organisation_id).await?;
        Ok(self.store.retention_rules(&controller.id).await?)
    }

    /// Sets the retention rules of the controller an organisation belongs to.
    pub async fn set_request_retention(
        &self,
        caller: &Caller,
        organisation_id: &str,
        rules: RetentionRules,
    ) -> Result<RetentionRules> {
        let (controller, grant) = self.settings_to_set(caller, organisation_id).await?;
        rules.check().map_err(AppError::Invalid)?;
        let actor = caller.actor();
        let mut w = WriteTx::begin(&self.store, &actor).await?;
        w.set_retention_rules(&grant, &controller, &rules).await?;
        w.commit().await?;
        Ok(rules)
    }

    /// The own days off of the controller an organisation belongs to: counted in the time limit of
    /// every request it registers from now on.
    pub async fn request_days_off(
        &self,
        caller: &Caller,
        organisation_id: &str,
    ) -> Result<ExtraDaysOff> {
        let controller = self.settings_to_read(caller, organisation_id).await?;
        Ok(self.store.request_days_off(&controller.id).await?)
    }

    /// Sets the own days off of the controller an organisation belongs to. Requests already
    /// registered keep the deadline they were given.
    pub async fn set_request_days_off(
        &self,
        caller: &Caller,
        organisation_id: &str,
        days: ExtraDaysOff,
    ) -> Result<ExtraDaysOff> {
        let (controller, grant) = self.settings_to_set(caller, organisation_id).await?;
        let actor = caller.actor();
        let mut w = WriteTx::begin(&self.store, &actor).await?;
        w.set_request_days_off(&grant, &controller, &days).await?;
        w.commit().await?;
        Ok(days)
    }
}

/// Applies every controller's rules on `today` inside `w`; answers how many identities were removed.
pub async fn apply_retention(
    store: &Store,
    w: &mut WriteTx<'_>,
    today: jiff::civil::Date,
) -> Result<usize> {
    let principal = Principal::system(ACTOR);
    let mut removed = 0;
    for (controller_id, rules) in store.controllers_with_retention().await? {
        let org = match store.organisation(&controller_id).await {
            Ok(o) => o,
            Err(ombud_store::StoreError::NotFound) => continue,
            Err(e) => return Err(e.into()),
        };
        for r in store.all_within::<Requests>(&org).await? {
            if r.details.identity_removed.is_some() {
                continue;
            }
            let Some(applied) =
                rules.due(r.details.outcome.as_deref(), r.details.answered_on, today)
            else {
                continue;
            };
            // Read again inside the transaction: a change since is never overwritten.
            let current = w.record::<Requests>(&r.id).await?;
            let grant = principal.authorize(Action::Edit(Requests::KIND), &current.scope())?;
            let mut after = current.clone();
            after.details.remove_identity(applied, today);
            parse::revalidate::<Requests>(&after.details)?;
            w.save::<Requests>(&grant, &current, after, &principal)
                .await?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// Runs once a day at half past two, Stockholm time, and schedules the next day's run.
pub struct RetentionHandler {
    pub store: Store,
}

fn next_run(after: jiff::civil::Date) -> (String, jiff::Timestamp) {
    let day = after.tomorrow().unwrap_or(after);
    let at = ombud_domain::time::stockholm_instant(day, jiff::civil::Time::constant(2, 30, 0, 0));
    (format!("{RETENTION_JOB}:{day}"), at)
}

impl JobHandler for RetentionHandler {
    fn run<'a>(&'a self, _job: &'a ClaimedJob, tx: &'a mut WriteTx<'_>) -> BoxFuture<'a, Outcome> {
        Box::pin(async move {
            let today = today();
            let removed = apply_retention(&self.store, tx, today).await?;
            let (key, due_at) = next_run(today);
            tx.schedule(Job {
                key,
                kind: RETENTION_JOB.into(),
                payload: serde_json::json!({}),
                due_at,
            })
            .await?;
            Ok(format!("identities removed: {removed}"))
        })
    }
}

/// Makes sure the daily run is scheduled (at start: today's, due at once; idempotent by its key).
pub async fn schedule_retention(store: &Store) -> Result<()> {
    let actor = Actor::system(ACTOR, Channel::System);
    let mut w = WriteTx::begin(store, &actor).await?;
    w.schedule(Job {
        key: format!("{RETENTION_JOB}:{}", today()),
        kind: RETENTION_JOB.into(),
        payload: serde_json::json!({}),
        due_at: jiff::Timestamp::now(),
    })
    .await?;
    w.commit().await?;
    Ok(())
}
