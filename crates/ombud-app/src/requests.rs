//! What a data subject request does that other kinds do not: its time limit is extended through a
//! door of its own (art. 12.3), counted from receipt, with the reason and the day the requester was
//! told on record.

use crate::{App, AppError, Caller, Result, Stored, today};
use ombud_domain::authz::Action;
use ombud_domain::ids::RecordId;
use ombud_domain::kernel::{Descriptor, parse};
use ombud_domain::register::request::{RecordedExtension, RequestDetails, Requests};
use ombud_domain::request::{ExtraDaysOff, extend};
use ombud_domain::{Invalid, Rule};
use ombud_store::WriteTx;

/// An extension as the API and the form give it.
#[derive(Debug, Clone)]
pub struct ExtensionIn {
    pub months: i64,
    pub reason: String,
    /// `YYYY-MM-DD`.
    pub requester_informed_on: String,
}

impl App {
    /// Extends a request's time limit by one or two months, counted from receipt. A request is
    /// extended once, before it is answered; the history keeps the extension.
    pub async fn extend_request(
        &self,
        caller: &Caller,
        id: &str,
        expected_version: Option<i64>,
        input: ExtensionIn,
    ) -> Result<Stored<RequestDetails>> {
        let informed = input
            .requester_informed_on
            .trim()
            .parse::<jiff::civil::Date>()
            .map_err(|_| Invalid::new("requester_informed_on", Rule::InvalidDate))?;
        let id = RecordId::parse(id).ok_or(AppError::NotFound)?;
        let actor = caller.actor();
        let mut w = WriteTx::begin(&self.store, &actor).await?;
        let current = w.record::<Requests>(&id).await?;
        caller
            .principal
            .authorize(Action::Read(Requests::KIND), &current.scope())
            .map_err(|_| AppError::NotFound)?;
        let grant = caller
            .principal
            .authorize(Action::Edit(Requests::KIND), &current.scope())?;
        if let Some(v) = expected_version
            && v != current.version
        {
            return Err(AppError::Stale {
                current: current.version,
            });
        }
        if current.details.extension.is_some() {
            return Err(AppError::Conflict("request_already_extended"));
        }
        if current.details.answered_on.is_some() {
            return Err(AppError::Conflict("request_already_answered"));
        }
        let received = current
            .details
            .received_on
            .ok_or_else(|| Invalid::new("received_on", Rule::Required))?;
        let (extension, _due) = extend(
            received,
            input.months,
            &input.reason,
            informed,
            today(),
            ExtraDaysOff::default(),
        )
        .map_err(AppError::Invalid)?;
        let mut after = current.clone();
        after.details.extension = Some(RecordedExtension {
            months: extension.months,
            reason: extension.reason,
            requester_informed_on: extension.requester_informed_on,
            recorded_by: caller.user.name.clone(),
            recorded_at: w.now().to_string(),
        });
        parse::revalidate::<Requests>(&after.details)?;
        let saved = w
            .save::<Requests>(&grant, &current, after, &caller.principal)
            .await?;
        w.commit().await?;
        Ok(saved)
    }
}
