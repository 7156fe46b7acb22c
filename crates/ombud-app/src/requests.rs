//! What a data subject request does that other kinds do not: its time limit is extended through a
//! door of its own (art. 12.3), counted from receipt, with the reason and the day the requester was
//! told on record.

use crate::jobs::{BoxFuture, JobHandler, Outcome};
use crate::{App, AppError, Caller, Result, Stored, today};
use ombud_domain::authz::Action;
use ombud_domain::ids::RecordId;
use ombud_domain::kernel::{Descriptor, parse};
use ombud_domain::register::request::{RecordedExtension, RequestDetails, Requests};
use ombud_domain::request::extend;
use ombud_domain::{Invalid, Rule};
use ombud_store::WriteTx;
use ombud_store::outbox::{ClaimedJob, Job, JobKeys, Mail};
use serde_json::Value;

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
            current.details.calendar(),
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
        // The reminders follow the new deadline.
        reschedule_reminders(&mut w, &saved).await?;
        w.commit().await?;
        Ok(saved)
    }
}

/// The scheduler's name for a request's reminders.
pub const REMINDER_JOB: &str = "request-reminder";

/// Who is reminded of a request's deadline: those who handle requests there or above it.
const REMINDED: &[ombud_domain::role::Role] = &[
    ombud_domain::role::Role::RecordsKeeper,
    ombud_domain::role::Role::Manager,
    ombud_domain::role::Role::Dpo,
];

/// When a reminder goes out on its day: at seven in the morning, Stockholm time.
fn morning(d: jiff::civil::Date) -> jiff::Timestamp {
    ombud_domain::time::stockholm_instant(d, jiff::civil::Time::constant(7, 0, 0, 0))
}

/// Schedules a request's reminders, 7 and 2 working days before its deadline, in the transaction
/// that sets the deadline. Keyed by the deadline, so that an extension's are new jobs.
pub(crate) async fn schedule_reminders(
    w: &mut WriteTx<'_>,
    r: &Stored<RequestDetails>,
) -> Result<()> {
    let Some(due) = r.details.due_on() else {
        return Ok(());
    };
    if r.details.answered_on.is_some() {
        return Ok(());
    }
    let [seven, two] = ombud_domain::request::reminders(due, r.details.calendar());
    for (which, on) in [("d7", seven), ("d2", two)] {
        w.schedule(Job {
            key: format!("request:{}:reminder:{due}:{which}", r.id),
            kind: REMINDER_JOB.into(),
            payload: serde_json::json!({ "request_id": r.id.as_str(), "due_on": due.to_string(), "reminder": which }),
            due_at: morning(on),
        })
        .await?;
    }
    Ok(())
}

/// Moves a request's reminders to its deadline as it is now (none once it is answered).
pub(crate) async fn reschedule_reminders(
    w: &mut WriteTx<'_>,
    r: &Stored<RequestDetails>,
) -> Result<()> {
    w.cancel_jobs(JobKeys::Prefix(&format!("request:{}:reminder:", r.id)))
        .await?;
    schedule_reminders(w, r).await
}

/// Sends a request's reminder on its day, unless it is answered by then, its deadline moved, or a
/// later reminder is due already (after a long stop only the latest is sent). The message names the
/// organisation and the day, and links to the request; never the requester.
pub struct ReminderHandler {
    pub store: ombud_store::Store,
    pub public_url: String,
}

impl JobHandler for ReminderHandler {
    fn run<'a>(&'a self, job: &'a ClaimedJob, tx: &'a mut WriteTx<'_>) -> BoxFuture<'a, Outcome> {
        Box::pin(async move {
            let id = job
                .payload
                .get("request_id")
                .and_then(Value::as_str)
                .and_then(RecordId::parse)
                .ok_or_else(|| AppError::Internal("a reminder without a request".into()))?;
            let which = job
                .payload
                .get("reminder")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let planned = job
                .payload
                .get("due_on")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let r = match tx.record::<Requests>(&id).await {
                Ok(r) => r,
                Err(ombud_store::StoreError::NotFound) => {
                    return Ok("skipped: the request is deleted".into());
                }
                Err(e) => return Err(e.into()),
            };
            if r.details.answered_on.is_some() {
                return Ok("skipped: answered".into());
            }
            let Some(due) = r.details.due_on() else {
                return Ok("skipped: no day of receipt".into());
            };
            if due.to_string() != planned {
                return Ok("skipped: the deadline moved".into());
            }
            if due < today() {
                // Registered after the fact: it stands out as overdue in Ombud instead.
                return Ok("skipped: the deadline has passed".into());
            }
            let [_, two] = ombud_domain::request::reminders(due, r.details.calendar());
            if which == "d7" && morning(two) <= jiff::Timestamp::now() {
                return Ok("skipped: a later reminder is due".into());
            }
            let org = tx.organisation(r.organisation_id.as_str()).await?;
            let kind = ombud_domain::register::request::TYPE_OPTIONS
                .iter()
                .find(|o| o.code == r.details.request_type)
                .map_or("begäran", |o| o.label.sv);
            let days = if which == "d7" { 7 } else { 2 };
            let mut told = 0;
            for p in crate::breaches::recipients_with(
                &self.store,
                &org.path,
                r.controller_id.as_ref().map(|c| c.as_str()),
                REMINDED,
            )
            .await?
            {
                let queued = tx
                    .queue_mail(Mail {
                        dedupe_key: format!("request:{}:reminder:{due}:{which}:{}", r.id, p.user_id),
                        to_address: p.email,
                        to_name: p.name,
                        subject: format!(
                            "Påminnelse: en registrerads begäran ska besvaras senast {due} – {}",
                            org.name
                        ),
                        body: format!(
                            "En begäran från en registrerad ({kind}) i {org} ska besvaras senast {due}, om {days} arbetsdagar.\n\n\
                             Öppna begäran i Ombud: {url}/begaranden/{id}\n\n\
                             Tidsfristen kan förlängas med högst två månader om den registrerade får veta det och skälen inom den första månaden (artikel 12.3).\n",
                            org = org.name,
                            url = self.public_url.trim_end_matches('/'),
                            id = r.id,
                        ),
                        lang: ombud_domain::Lang::Sv,
                        organisation_id: Some(org.id.clone()),
                        not_before: None,
                    })
                    .await?;
                told += usize::from(queued);
            }
            Ok(format!("reminder queued for {told}"))
        })
    }
}

impl App {
    /// The request figures the annual report quotes for an organisation's subtree and one year (by
    /// the year of receipt).
    pub async fn request_figures(
        &self,
        caller: &Caller,
        organisation_id: &str,
        year: i16,
    ) -> Result<ombud_domain::request::figures::YearFigures> {
        use ombud_domain::request::figures::{RequestSummary, figures};
        let org = self
            .organisation_for_reading(caller, organisation_id)
            .await?;
        caller
            .principal
            .authorize(Action::Read(Requests::KIND), &org.scope())?;
        let all = self.store.all_within::<Requests>(&org).await?;
        let summaries: Vec<RequestSummary> = all
            .iter()
            .filter_map(|r| {
                let d = &r.details;
                Some(RequestSummary {
                    request_type: d.request_type.clone(),
                    received_on: d.received_on?,
                    extension_months: d.extension.as_ref().map_or(0, |e| e.months),
                    answered_on: d.answered_on,
                    outcome: d.outcome.clone(),
                    days_off: d.calendar(),
                })
            })
            .collect();
        let types: Vec<&str> = ombud_domain::register::request::TYPE_OPTIONS
            .iter()
            .map(|o| o.code)
            .collect();
        Ok(figures(&summaries, year, &types))
    }
}

/// The answer to a request: the text to edit and send, and what it still lacks.
#[derive(Debug, Clone)]
pub struct RequestAnswer {
    pub title: String,
    pub controller: Option<String>,
    pub text: String,
    pub missing: Vec<&'static str>,
}

impl App {
    /// The answer to a request the caller reads, from the request and the processing activities it
    /// names (art. 15.1), in the caller's language; the DPO named is the controller's.
    pub async fn request_answer(&self, caller: &Caller, id: &str) -> Result<RequestAnswer> {
        use ombud_domain::register::processing::Processing;
        use ombud_domain::request::letter::{AnswerFacts, ProcessingFacts, answer, missing};
        let rid = RecordId::parse(id).ok_or(AppError::NotFound)?;
        let r = self.store.record::<Requests>(&rid).await?;
        caller
            .principal
            .authorize(Action::Read(Requests::KIND), &r.scope())
            .map_err(|_| AppError::NotFound)?;
        let d = &r.details;
        let mut processings = Vec::new();
        for pid in &d.processing_activities {
            let p = match self.store.record::<Processing>(pid).await {
                Ok(p) => p,
                Err(ombud_store::StoreError::NotFound) => continue,
                Err(e) => return Err(e.into()),
            };
            if !caller
                .principal
                .can(Action::Read(Processing::KIND), &p.scope())
            {
                continue;
            }
            let p = p.details;
            processings.push(ProcessingFacts {
                name: p.name,
                purposes: p.purposes,
                data_categories: p.personal_data_categories,
                recipients: p.recipients,
                retention: p.retention,
                sources: p.sources,
                automated_decisions: p.automated_decisions,
                third_countries: p
                    .third_country_transfers
                    .into_iter()
                    .map(|t| t.country)
                    .collect(),
            });
        }
        let c = crate::breaches::contacts(&self.store, r.controller_id.as_ref()).await?;
        let facts = AnswerFacts {
            controller: c.controller.clone(),
            reference: d.reference.clone(),
            requester: d.requester.as_ref().map(|q| q.name.clone()),
            request_type: d.request_type.clone(),
            received_on: d.received_on,
            dated: Some(d.answered_on.unwrap_or_else(today)),
            outcome: d.outcome.clone(),
            refusal_ground: d.refusal_ground.clone(),
            appeal_instructions: d.appeal_instructions.clone(),
            processings,
            handler: d.handler.clone(),
            dpo_name: c.dpo_name,
            dpo_contact: c.dpo_contact,
        };
        let lang = caller.lang;
        let text = answer(&facts, lang);
        Ok(RequestAnswer {
            title: text.lines().next().unwrap_or_default().to_string(),
            controller: facts.controller.clone(),
            missing: missing(&facts).into_iter().map(|m| m.label(lang)).collect(),
            text,
        })
    }

    /// The answer as a PDF, typeset off the async threads.
    pub async fn request_answer_pdf(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<crate::sheets::ExportFile> {
        let a = self.request_answer(caller, id).await?;
        crate::text_pdf(
            caller,
            caller.lang,
            a.title,
            a.controller.unwrap_or_default(),
            &a.text,
            "svar-pa-begaran.pdf".into(),
        )
        .await
    }
}

/// A processing activity where a requester's data may be, as the handling help offers it.
#[derive(Debug, Clone)]
pub struct SearchPlace {
    pub id: String,
    pub name: String,
    pub categories: Vec<String>,
    /// Whether its categories of data subjects cover the requester's.
    pub suggested: bool,
    /// Whether the request names it already.
    pub chosen: bool,
}

/// Where to search for a requester's data: the controller's processing activities, those whose
/// categories of data subjects match the requester's first.
#[derive(Debug, Clone)]
pub struct SearchPlan {
    pub request: Stored<RequestDetails>,
    pub category: Option<String>,
    pub places: Vec<SearchPlace>,
    pub may_edit: bool,
}

impl App {
    /// The handling help of a request: the processing activities of its controller, the ones that
    /// match who the requester is marked as suggested, those it names already as chosen.
    pub async fn search_plan(&self, caller: &Caller, id: &str) -> Result<SearchPlan> {
        use ombud_domain::register::processing::Processing;
        use ombud_domain::request::search::processing_matches;
        let rid = RecordId::parse(id).ok_or(AppError::NotFound)?;
        let r = self.store.record::<Requests>(&rid).await?;
        caller
            .principal
            .authorize(Action::Read(Requests::KIND), &r.scope())
            .map_err(|_| AppError::NotFound)?;
        let may_edit = caller
            .principal
            .can(Action::Edit(Requests::KIND), &r.scope());
        let top = match &r.controller_id {
            Some(c) => self.store.organisation(c.as_str()).await?,
            None => self.store.organisation(r.organisation_id.as_str()).await?,
        };
        let category = r
            .details
            .requester
            .as_ref()
            .and_then(|q| q.category.clone());
        let chosen: Vec<String> = r
            .details
            .processing_activities
            .iter()
            .map(|i| i.as_str().to_string())
            .collect();
        let mut places: Vec<SearchPlace> = self
            .store
            .all_within::<Processing>(&top)
            .await?
            .into_iter()
            .filter(|p| {
                caller
                    .principal
                    .can(Action::Read(Processing::KIND), &p.scope())
            })
            .map(|p| SearchPlace {
                suggested: category
                    .as_deref()
                    .is_some_and(|c| processing_matches(c, &p.details.data_subject_categories)),
                chosen: chosen.iter().any(|c| c == p.id.as_str()),
                id: p.id.as_str().to_string(),
                name: p.details.name,
                categories: p.details.data_subject_categories,
            })
            .collect();
        // Suggested and chosen first, then by name (the order they came in).
        places.sort_by_key(|p| !(p.suggested || p.chosen));
        Ok(SearchPlan {
            request: r,
            category,
            places,
            may_edit,
        })
    }
}
