//! What a kind does that no other kind does: the systems register's figures for the annual report,
//! an agreement's compliance log, and what follows a breach's report (see [`crate::breaches`]).

use crate::{App, AppError, Caller, Organisation, Result, Stored, today};
use ombud_domain::authz::Action;
use ombud_domain::ids::RecordId;
use ombud_domain::kernel::Descriptor;
use ombud_domain::kernel::query::Cond;
use ombud_domain::register::agreement::{AgreementDetails, Agreements, NewComplianceCheck};
use ombud_domain::register::system::Systems;
use ombud_store::WriteTx;

/// The figures of the systems register that the annual report quotes ("16 of 107 systems
/// classified").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SystemFigures {
    pub systems: i64,
    pub classified: i64,
    /// Classified, and the classification current on the day asked about.
    pub classification_current: i64,
    pub self_procured: i64,
}

impl App {
    /// The systems register's figures for an organisation and its subtree (within its controller),
    /// today.
    pub async fn system_figures(
        &self,
        caller: &Caller,
        organisation_id: &str,
    ) -> Result<(Organisation, jiff::civil::Date, SystemFigures)> {
        let org = self.organisation(caller, organisation_id).await?;
        caller
            .principal
            .authorize(Action::Read(Systems::KIND), &org.scope())?;
        let today = today();
        let n = self
            .store
            .figures(
                Systems::info(),
                &org,
                &[
                    Cond::Set("classified_on"),
                    Cond::FromToday("review_on"),
                    Cond::On("self_procured"),
                ],
                today,
            )
            .await?;
        let at = |i: usize| n.get(i).copied().unwrap_or_default();
        Ok((
            org,
            today,
            SystemFigures {
                systems: at(0),
                classified: at(1),
                classification_current: at(2),
                self_procured: at(3),
            },
        ))
    }

    /// Appends a compliance check to an agreement's log, stamped with who recorded it and when. The
    /// log is never edited afterwards.
    pub async fn add_compliance_check(
        &self,
        caller: &Caller,
        id: &str,
        expected_version: Option<i64>,
        check: NewComplianceCheck,
    ) -> Result<Stored<AgreementDetails>> {
        let id = RecordId::parse(id).ok_or(AppError::NotFound)?;
        let actor = caller.actor();
        let mut w = WriteTx::begin(&self.store, &actor).await?;
        let current = w.record::<Agreements>(&id).await?;
        caller
            .principal
            .authorize(Action::Read(Agreements::KIND), &current.scope())
            .map_err(|_| AppError::NotFound)?;
        let grant = caller
            .principal
            .authorize(Action::Edit(Agreements::KIND), &current.scope())?;
        let checked = check.validate(today()).map_err(AppError::Invalid)?;
        if let Some(v) = expected_version
            && v != current.version
        {
            return Err(AppError::Stale {
                current: current.version,
            });
        }
        let saved = check_in(
            &mut w,
            &grant,
            &current,
            checked,
            &caller.principal,
            &caller.user.name,
        )
        .await?;
        w.commit().await?;
        Ok(saved)
    }
}

/// What follows the registration of a record of a kind, in its transaction: for a breach, the people
/// who must act are told and its reminders scheduled; for a request, the reminders of its deadline.
/// Other kinds need nothing.
pub(crate) async fn after_create<D: Descriptor>(
    app: &App,
    w: &mut WriteTx<'_>,
    record: &Stored<D::Details>,
) -> Result<()> {
    let any: &(dyn std::any::Any + Send + Sync) = record;
    if let Some(breach) =
        any.downcast_ref::<Stored<ombud_domain::register::breach::BreachDetails>>()
    {
        crate::breaches::reported(app, w, breach).await?;
    }
    if let Some(request) =
        any.downcast_ref::<Stored<ombud_domain::register::request::RequestDetails>>()
    {
        crate::requests::schedule_reminders(w, request).await?;
    }
    Ok(())
}

/// Appends a checked compliance check inside a transaction: the one place the log grows.
pub(crate) async fn check_in(
    w: &mut WriteTx<'_>,
    grant: &ombud_domain::authz::Grant,
    current: &Stored<AgreementDetails>,
    checked: ombud_domain::register::agreement::CheckedComplianceCheck,
    writer: &ombud_domain::authz::Principal,
    actor_name: &str,
) -> Result<Stored<AgreementDetails>> {
    let mut after = current.clone();
    let entry = checked.recorded(ombud_domain::ids::new_id(), actor_name, w.now());
    after.details.append_check(entry)?;
    Ok(w.save::<Agreements>(grant, current, after, writer).await?)
}
