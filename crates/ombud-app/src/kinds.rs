//! What a kind does that no other kind does: the systems register's figures for the annual report,
//! an agreement's compliance log, and what follows a breach's report (see [`crate::breaches`]).

use crate::{App, AppError, Caller, Organisation, Result, Stored, today};
use ombud_domain::authz::Action;
use ombud_domain::ids::RecordId;
use ombud_domain::kernel::Descriptor;
use ombud_domain::kernel::query::Cond;
use ombud_domain::register::agreement::{AgreementDetails, Agreements, NewComplianceCheck};
use ombud_domain::register::request::RequestDetails;
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

impl SystemFigures {
    /// What the figures count beyond the systems themselves, in the order [`SystemFigures::of`]
    /// reads them (a list page asks for them with its page: [`crate::records::ListParams`]).
    pub const CONDITIONS: &'static [Cond] = &[
        Cond::Set("classified_on"),
        Cond::FromToday("review_on"),
        Cond::On("self_procured"),
    ];

    /// The figures from the counts the store gives for [`SystemFigures::CONDITIONS`].
    pub fn of(n: &[i64]) -> SystemFigures {
        let at = |i: usize| n.get(i).copied().unwrap_or_default();
        SystemFigures {
            systems: at(0),
            classified: at(1),
            classification_current: at(2),
            self_procured: at(3),
        }
    }
}

impl App {
    /// The systems register's figures for an organisation and its subtree (within its controller),
    /// today.
    pub async fn system_figures(
        &self,
        caller: &Caller,
        organisation_id: &str,
    ) -> Result<(Organisation, jiff::civil::Date, SystemFigures)> {
        let org = self
            .organisation_for_reading(caller, organisation_id)
            .await?;
        caller
            .principal
            .authorize(Action::Read(Systems::KIND), &org.scope())?;
        let today = today();
        let n = self
            .store
            .figures(Systems::info(), &org, SystemFigures::CONDITIONS, today)
            .await?;
        Ok((org, today, SystemFigures::of(&n)))
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

/// What the server fills in of a new record of a kind before it is stored, whoever registers it (a
/// person, an import, the demo): a request is counted with its controller's own days off as they
/// are when it comes in. Other kinds need nothing.
pub(crate) async fn before_insert<D: Descriptor>(
    w: &mut WriteTx<'_>,
    org: &Organisation,
    details: &mut D::Details,
) -> Result<()> {
    let any: &mut (dyn std::any::Any + Send + Sync) = details;
    if let Some(request) = any.downcast_mut::<RequestDetails>()
        && request.days_off.is_none()
    {
        let controller = org.controller_id.as_deref().unwrap_or(org.id.as_str());
        request.days_off = Some(w.request_days_off(controller).await?);
    }
    Ok(())
}

/// What follows a person's registration of a record of a kind, in its transaction: for a breach,
/// the people who must act are told and its reminders scheduled; then what follows any new record.
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
    if let Some(request) = any.downcast_ref::<Stored<RequestDetails>>() {
        crate::requests::schedule_reminders(w, request).await?;
    }
    Ok(())
}

/// What follows a record of a kind loaded from a file or by the demo: an open request's deadline
/// reminders, unless its deadline has passed (it stands out as overdue instead). A breach loaded
/// from a file is history, not news: no one is told.
pub(crate) async fn after_load<D: Descriptor>(
    w: &mut WriteTx<'_>,
    record: &Stored<D::Details>,
) -> Result<()> {
    let any: &(dyn std::any::Any + Send + Sync) = record;
    if let Some(request) = any.downcast_ref::<Stored<RequestDetails>>()
        && request.details.due_on().is_some_and(|due| due >= today())
    {
        crate::requests::schedule_reminders(w, request).await?;
    }
    Ok(())
}

/// What follows a change of a record of a kind: a request whose deadline moved (its day of receipt
/// was corrected) has its reminders moved with it.
pub(crate) async fn after_save<D: Descriptor>(
    w: &mut WriteTx<'_>,
    before: &Stored<D::Details>,
    after: &Stored<D::Details>,
) -> Result<()> {
    let (b, a): (
        &(dyn std::any::Any + Send + Sync),
        &(dyn std::any::Any + Send + Sync),
    ) = (before, after);
    if let (Some(b), Some(a)) = (
        b.downcast_ref::<Stored<RequestDetails>>(),
        a.downcast_ref::<Stored<RequestDetails>>(),
    ) && (b.details.due_on() != a.details.due_on()
        || b.details.answered_on.is_some() != a.details.answered_on.is_some())
    {
        crate::requests::reschedule_reminders(w, a).await?;
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
