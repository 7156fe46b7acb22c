//! What a breach does that other kinds do not: the people who must act are told at once when it is
//! reported, reminded at 24, 48 and 66 hours while no decision on notification is recorded, and the
//! risk assessment has a door of its own.
//!
//! The messages are queued in the transaction that reports the breach (the transactional outbox), and
//! the reminders are scheduled jobs in the same transaction: a report that fails to commit tells no
//! one, and one that commits is told once, across restarts and instances. The messages name the
//! organisation and link to the breach; they do not repeat its description, which may itself hold
//! personal data, in e-mail.

use crate::jobs::{BoxFuture, JobHandler, Outcome};
use crate::{App, AppError, Caller, Result, Stored};
use jiff::Timestamp;
use ombud_domain::authz::Action;
use ombud_domain::breach::clock::{self, Reminder};
use ombud_domain::breach::notice::{
    LetterFacts, NoticeFacts, Phase, imy_notice, missing_items, missing_letter_items,
    subject_letter,
};
use ombud_domain::breach::severity::{Assessment, RiskCategory};
use ombud_domain::breach::{AffectedData, BreachType};
use ombud_domain::ids::RecordId;
use ombud_domain::kernel::Descriptor;
use ombud_domain::kernel::parse;
use ombud_domain::register::breach::{
    BreachDetails, Breaches, CategoryOverride, DpoAnswer, DpoDecision, ImyNoticeSent,
    RecordedAssessment,
};
use ombud_domain::role::Role;
use ombud_domain::{Invalid, Lang, Rule};
use ombud_store::outbox::{ClaimedJob, Job, Mail};
use ombud_store::{Store, WriteTx};
use serde_json::Value;

/// The scheduler's name for a breach's reminders.
pub const REMINDER_JOB: &str = "breach-reminder";

/// Who is told of a breach: the DPO and the managers over the unit (and management, who answer for
/// the decision).
const TOLD: &[Role] = &[Role::Dpo, Role::Manager, Role::Management];

/// A risk assessment as the API and the form send it.
#[derive(Debug, Clone, PartialEq)]
pub struct AssessmentIn {
    pub data_processing_context: i64,
    pub ease_of_identification: f64,
    pub confidentiality: f64,
    pub integrity: f64,
    pub availability: f64,
    pub malicious: bool,
    /// A category set instead of the computed one, and why.
    pub category_override: Option<(String, String)>,
    /// The decision support's answers, kept as given (bounded by the body limit).
    pub answers: Option<Value>,
}

impl App {
    /// Records the risk assessment of a breach: the ENISA inputs, the score and category they give,
    /// and an override with its justification. Each assessment is a change on the record, so every
    /// earlier one stays in the history.
    pub async fn assess_breach(
        &self,
        caller: &Caller,
        id: &str,
        expected_version: Option<i64>,
        input: AssessmentIn,
    ) -> Result<Stored<BreachDetails>> {
        let assessment = Assessment::from_api(
            input.data_processing_context,
            input.ease_of_identification,
            input.confidentiality,
            input.integrity,
            input.availability,
            input.malicious,
        )
        .map_err(|errs| AppError::Invalid(errs.iter().map(|e| e.invalid()).collect()))?;
        let category_override = match input.category_override {
            None => None,
            Some((category, justification)) => {
                let category = RiskCategory::parse(&category).ok_or_else(|| {
                    Invalid::new("category_override.category", Rule::InvalidValue)
                })?;
                let justification = ombud_domain::text::optional_text(
                    "category_override.justification",
                    Some(&justification),
                    ombud_domain::breach::JUSTIFICATION_MAX,
                )?
                .ok_or_else(|| Invalid::new("category_override.justification", Rule::Required))?;
                Some(CategoryOverride {
                    category,
                    justification,
                })
            }
        };
        let id = RecordId::parse(id).ok_or(AppError::NotFound)?;
        let actor = caller.actor();
        let mut w = WriteTx::begin(&self.store, &actor).await?;
        let current = w.record::<Breaches>(&id).await?;
        caller
            .principal
            .authorize(Action::Read(Breaches::KIND), &current.scope())
            .map_err(|_| AppError::NotFound)?;
        let grant = caller
            .principal
            .authorize(Action::Edit(Breaches::KIND), &current.scope())?;
        if let Some(v) = expected_version
            && v != current.version
        {
            return Err(AppError::Stale {
                current: current.version,
            });
        }
        let mut after = current.clone();
        after.details.assessment = Some(RecordedAssessment::new(
            assessment,
            category_override,
            input.answers,
            &caller.user.name,
            w.now(),
        ));
        parse::revalidate::<Breaches>(&after.details)?;
        let saved = w
            .save::<Breaches>(&grant, &current, after, &caller.principal)
            .await?;
        w.commit().await?;
        Ok(saved)
    }
}

impl App {
    /// Records the DPO's position on the proposal of a breach's risk category: confirmed, or
    /// changed with a reason. Only the data protection officer takes it (or the administrator). It
    /// records that the DPO was consulted, when that is not on record already.
    pub async fn decide_as_dpo(
        &self,
        caller: &Caller,
        id: &str,
        expected_version: Option<i64>,
        answer: DpoAnswer,
    ) -> Result<Stored<BreachDetails>> {
        let id = RecordId::parse(id).ok_or(AppError::NotFound)?;
        let actor = caller.actor();
        let mut w = WriteTx::begin(&self.store, &actor).await?;
        let current = w.record::<Breaches>(&id).await?;
        caller
            .principal
            .authorize(Action::Read(Breaches::KIND), &current.scope())
            .map_err(|_| AppError::NotFound)?;
        let grant = caller
            .principal
            .authorize(Action::Edit(Breaches::KIND), &current.scope())?;
        if !is_dpo_at(caller, &current) {
            return Err(AppError::Forbidden);
        }
        if let Some(v) = expected_version
            && v != current.version
        {
            return Err(AppError::Stale {
                current: current.version,
            });
        }
        let decision = DpoDecision::take(&current.details, answer, &caller.user.name, w.now())?;
        let mut after = current.clone();
        if after.details.dpo_consulted_at.is_none() {
            after.details.dpo_consulted_at = ombud_domain::time::from_storage(w.now());
        }
        after.details.dpo_decision = Some(decision);
        parse::revalidate::<Breaches>(&after.details)?;
        let saved = w
            .save::<Breaches>(&grant, &current, after, &caller.principal)
            .await?;
        w.commit().await?;
        Ok(saved)
    }
}

/// Whether the caller is the data protection officer where the breach is (or the administrator).
fn is_dpo_at(caller: &Caller, r: &Stored<BreachDetails>) -> bool {
    caller.principal.is_admin || caller.principal.roles_at(&r.scope()).contains(Role::Dpo)
}

impl App {
    /// Whether the caller may take the DPO's position on a breach: answers as the step would (not
    /// found, forbidden) without taking it.
    pub async fn may_decide_as_dpo(&self, caller: &Caller, id: &str) -> Result<()> {
        let id = RecordId::parse(id).ok_or(AppError::NotFound)?;
        let r = self.store.record::<Breaches>(&id).await?;
        caller
            .principal
            .authorize(Action::Read(Breaches::KIND), &r.scope())
            .map_err(|_| AppError::NotFound)?;
        caller
            .principal
            .authorize(Action::Edit(Breaches::KIND), &r.scope())?;
        if is_dpo_at(caller, &r) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// The people to tell of a breach in an organisation: those holding a role in [`TOLD`] there or
/// above it, within its controller.
pub(crate) async fn recipients(
    store: &Store,
    path: &str,
    controller_id: Option<&str>,
) -> Result<Vec<Recipient>> {
    recipients_with(store, path, controller_id, TOLD).await
}

/// The people holding one of `roles` in an organisation or above it, within its controller.
pub(crate) async fn recipients_with(
    store: &Store,
    path: &str,
    controller_id: Option<&str>,
    roles: &[Role],
) -> Result<Vec<Recipient>> {
    let mut out: Vec<Recipient> = Vec::new();
    for org in store.organisations_on_path(path).await? {
        if org.controller_id.as_deref() != controller_id {
            continue;
        }
        for m in store.members(&org.id).await? {
            let told = roles.iter().any(|r| m.roles.contains(&r.as_str()));
            if told && !out.iter().any(|o| o.user_id == m.user_id) {
                out.push(Recipient {
                    user_id: m.user_id,
                    name: m.name,
                    email: m.email,
                });
            }
        }
    }
    Ok(out)
}

pub(crate) struct Recipient {
    pub user_id: String,
    pub name: String,
    pub email: String,
}

fn local(t: Option<Timestamp>) -> String {
    t.map(clock::display_stockholm)
        .unwrap_or_else(|| "–".into())
}

fn link(public_url: &str, id: &str) -> String {
    format!("{}/incidenter/{id}", public_url.trim_end_matches('/'))
}

/// Tells the people who must act that a breach was reported, and schedules its reminders: in the
/// transaction that reports it.
pub(crate) async fn reported(
    app: &App,
    w: &mut WriteTx<'_>,
    r: &Stored<BreachDetails>,
) -> Result<()> {
    let d = &r.details;
    let org = w.organisation(r.organisation_id.as_str()).await?;
    let reporter = d
        .reported_by
        .as_ref()
        .map(|p| p.name.as_str())
        .unwrap_or("–");
    let reporter_id = d.reported_by.as_ref().map(|p| p.id.as_str());
    for p in recipients(
        &app.store,
        &org.path,
        r.controller_id.as_ref().map(|c| c.as_str()),
    )
    .await?
    {
        if Some(p.user_id.as_str()) == reporter_id && d.reported_by.is_some() {
            // Who reported it knows; if they are the DPO, the record is already theirs to open.
            continue;
        }
        w.queue_mail(Mail {
            dedupe_key: format!("breach:{}:reported:{}", r.id, p.user_id),
            to_address: p.email,
            to_name: p.name,
            subject: format!("Personuppgiftsincident rapporterad – {}", org.name),
            body: format!(
                "En personuppgiftsincident har rapporterats i {org}.\n\n\
                 Rapporterad av: {reporter}\n\
                 Kännedom: {aware}\n\
                 Anmälan till IMY senast: {deadline} (72 timmar efter kännedom, om incidenten är anmälningspliktig)\n\n\
                 Öppna incidenten i Ombud: {link}\n\n\
                 Dataskyddsombudet ska vara delaktigt i bedömningen av varje incident.\n",
                org = org.name,
                aware = local(d.aware_at),
                deadline = local(d.imy_deadline()),
                link = link(&app.config.public_url, r.id.as_str()),
            ),
            lang: Lang::Sv,
            organisation_id: Some(org.id.clone()),
            not_before: None,
        })
        .await?;
    }
    if let Some(aware) = d.aware_at {
        for reminder in Reminder::ALL {
            w.schedule(Job {
                key: format!("breach:{}:reminder:{}", r.id, reminder.as_str()),
                kind: REMINDER_JOB.into(),
                payload: serde_json::json!({ "breach_id": r.id.as_str(), "reminder": reminder.as_str() }),
                due_at: reminder.due_at(aware),
            })
            .await?;
        }
    }
    Ok(())
}

/// Sends a breach's reminder when its time comes, unless a decision on notification is recorded by
/// then, or a later reminder is already due (after a long stop only the latest is sent).
pub struct ReminderHandler {
    pub store: Store,
    pub public_url: String,
}

impl JobHandler for ReminderHandler {
    fn run<'a>(&'a self, job: &'a ClaimedJob, tx: &'a mut WriteTx<'_>) -> BoxFuture<'a, Outcome> {
        Box::pin(async move {
            let id = job
                .payload
                .get("breach_id")
                .and_then(Value::as_str)
                .and_then(RecordId::parse)
                .ok_or_else(|| AppError::Internal("a reminder without a breach".into()))?;
            let which = job
                .payload
                .get("reminder")
                .and_then(Value::as_str)
                .and_then(|s| Reminder::ALL.iter().copied().find(|r| r.as_str() == s))
                .ok_or_else(|| AppError::Internal("a reminder of no known hour".into()))?;
            let r = match tx.record::<Breaches>(&id).await {
                Ok(r) => r,
                Err(ombud_store::StoreError::NotFound) => {
                    return Ok("skipped: the breach is deleted".into());
                }
                Err(e) => return Err(e.into()),
            };
            let status = r.status.as_deref().unwrap_or_default();
            if BreachDetails::decided(status) {
                return Ok("skipped: a decision is recorded".into());
            }
            let Some(aware) = r.details.aware_at else {
                return Ok("skipped: no time of awareness".into());
            };
            let now = Timestamp::now();
            if Reminder::ALL
                .iter()
                .any(|later| later.hours() > which.hours() && later.due_at(aware) <= now)
            {
                return Ok("skipped: a later reminder is due".into());
            }
            let org = tx.organisation(r.organisation_id.as_str()).await?;
            let deadline = clock::imy_deadline(aware);
            let left = clock::remaining_text(clock::remaining(deadline, now), Lang::Sv);
            let mut told = 0;
            for p in recipients(
                &self.store,
                &org.path,
                r.controller_id.as_ref().map(|c| c.as_str()),
            )
            .await?
            {
                let queued = tx
                    .queue_mail(Mail {
                        dedupe_key: format!(
                            "breach:{}:reminder:{}:{}",
                            r.id,
                            which.as_str(),
                            p.user_id
                        ),
                        to_address: p.email,
                        to_name: p.name,
                        subject: format!(
                            "Påminnelse: incident utan beslut om anmälan – {left} – {}",
                            org.name
                        ),
                        body: format!(
                            "Det har gått {hours} timmar sedan {org} fick kännedom om en personuppgiftsincident, och inget beslut om anmälan till IMY är registrerat.\n\n\
                             Anmälan till IMY senast: {deadline} ({left}).\n\
                             En anmälan efter 72 timmar ska ange skälen till förseningen (artikel 33.1).\n\n\
                             Öppna incidenten i Ombud: {link}\n",
                            hours = which.hours(),
                            org = org.name,
                            deadline = clock::display_stockholm(deadline),
                            link = link(&self.public_url, r.id.as_str()),
                        ),
                        lang: Lang::Sv,
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

/// A breach's documents: the notification to IMY (art. 33.3) and the letter to the data subjects
/// (art. 34.2), as plain text ready to copy, with what is still missing from each; the notifications
/// sent so far, as they were sent; and the phase the drafted notification is.
#[derive(Debug, Clone)]
pub struct BreachDocuments {
    pub title: String,
    pub controller: Option<String>,
    /// The next notification to send: the first, or the next supplement (art. 33.4).
    pub phase: Phase,
    pub notice: String,
    pub notice_missing: Vec<&'static str>,
    pub letter: String,
    pub letter_missing: Vec<&'static str>,
    pub sent: Vec<ImyNoticeSent>,
    pub version: i64,
    pub may_record: bool,
}

/// The first whole number in a text ("cirka 30 elever" → 30): the notice states approximate counts.
fn approx(text: Option<&str>) -> Option<u64> {
    let t = text?;
    let digits: String = t
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit() || *c == ' ')
        .filter(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// A breach's controller and its DPO (art. 33.3 b names the DPO).
pub(crate) struct Contacts {
    pub controller: Option<String>,
    pub dpo_name: Option<String>,
    pub dpo_contact: Option<String>,
}

pub(crate) async fn contacts(
    store: &Store,
    controller_id: Option<&ombud_domain::ids::OrganisationId>,
) -> Result<Contacts> {
    let controller = match controller_id {
        Some(c) => Some(store.organisation(c.as_str()).await?),
        None => None,
    };
    let dpo = match &controller {
        Some(c) => store
            .members(&c.id)
            .await?
            .into_iter()
            .find(|m| m.roles.contains(&Role::Dpo.as_str())),
        None => None,
    };
    Ok(Contacts {
        controller: controller.map(|c| c.name),
        dpo_name: dpo.as_ref().map(|m| m.name.clone()),
        dpo_contact: dpo.map(|m| m.email),
    })
}

/// The notification to IMY of a breach for a phase, dated as given.
fn notice_facts(d: &BreachDetails, c: &Contacts, phase: Phase, dated: Timestamp) -> NoticeFacts {
    NoticeFacts {
        controller: c.controller.clone(),
        reference: d.reference.clone(),
        phase,
        dated: Some(dated),
        first_notified_at: d
            .imy_notices
            .first()
            .map(|n| n.sent_at)
            .or(d.imy_notified_at),
        occurred_at: None,
        discovered_at: d.discovered_at,
        aware_at: d.aware_at,
        types: d
            .breach_types
            .iter()
            .filter_map(|t| BreachType::parse(t))
            .collect(),
        nature: Some(d.description.clone()),
        data_categories: d
            .affected_data
            .iter()
            .filter_map(|c| AffectedData::parse(c))
            .collect(),
        subject_categories: d.data_subjects.clone(),
        subjects_approx: approx(d.data_subjects_count.as_deref()),
        records_approx: approx(d.records_count.as_deref()),
        dpo_name: c.dpo_name.clone(),
        dpo_contact: c.dpo_contact.clone(),
        consequences: d.consequences.clone(),
        measures: d.measures.clone(),
        mitigation: d.measures.clone(),
        delay_reason: d.delay_reason.clone(),
        risk: d.risk_category(),
        more_to_follow: d.ongoing,
    }
}

/// Which of a breach's documents, as PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreachDocument {
    /// A notification to IMY: one sent (by its phase), or the draft of the next.
    Notice(Option<u16>),
    /// The letter to the data subjects.
    Letter,
}

impl App {
    /// Reads a breach the caller may read.
    async fn readable_breach(&self, caller: &Caller, id: &str) -> Result<Stored<BreachDetails>> {
        let id = RecordId::parse(id).ok_or(AppError::NotFound)?;
        let r = self.store.record::<Breaches>(&id).await?;
        caller
            .principal
            .authorize(Action::Read(Breaches::KIND), &r.scope())
            .map_err(|_| AppError::NotFound)?;
        Ok(r)
    }

    /// The documents of a breach the caller reads.
    pub async fn breach_documents(&self, caller: &Caller, id: &str) -> Result<BreachDocuments> {
        let r = self.readable_breach(caller, id).await?;
        let d = &r.details;
        let c = contacts(&self.store, r.controller_id.as_ref()).await?;
        let lang = caller.lang;
        let now = Timestamp::now();
        let phase = d.next_phase();
        let notice = notice_facts(d, &c, phase, now);
        let letter = LetterFacts {
            controller: c.controller.clone(),
            dated: Some(now),
            what_happened: Some(d.description.clone()),
            occurred_at: d.discovered_at,
            data_categories: notice.data_categories.clone(),
            consequences: d.consequences.clone(),
            measures: d.measures.clone(),
            self_help: None,
            contact: None,
            dpo_name: c.dpo_name.clone(),
            dpo_contact: c.dpo_contact.clone(),
        };
        Ok(BreachDocuments {
            title: d.title().to_string(),
            controller: c.controller.clone(),
            phase,
            notice_missing: missing_items(&notice)
                .into_iter()
                .map(|m| m.label(lang))
                .collect(),
            notice: imy_notice(&notice, lang),
            letter_missing: missing_letter_items(&letter)
                .into_iter()
                .map(|m| m.label(lang))
                .collect(),
            letter: subject_letter(&letter, lang),
            sent: d.imy_notices.clone(),
            version: r.version,
            may_record: caller
                .principal
                .can(Action::Edit(Breaches::KIND), &r.scope()),
        })
    }

    /// Records that the next notification to IMY was sent (the first, or a supplement), with its
    /// text as drafted then and dated when it was sent; the first sets when IMY was notified, and
    /// IMY's case number when given. A first notification after the 72 hours needs the reason for
    /// the delay on record (art. 33.1).
    pub async fn record_imy_notice(
        &self,
        caller: &Caller,
        id: &str,
        expected_version: Option<i64>,
        sent_at: Option<Timestamp>,
        imy_reference: Option<String>,
    ) -> Result<Stored<BreachDetails>> {
        let id = RecordId::parse(id).ok_or(AppError::NotFound)?;
        let actor = caller.actor();
        let mut w = WriteTx::begin(&self.store, &actor).await?;
        let current = w.record::<Breaches>(&id).await?;
        caller
            .principal
            .authorize(Action::Read(Breaches::KIND), &current.scope())
            .map_err(|_| AppError::NotFound)?;
        let grant = caller
            .principal
            .authorize(Action::Edit(Breaches::KIND), &current.scope())?;
        if let Some(v) = expected_version
            && v != current.version
        {
            return Err(AppError::Stale {
                current: current.version,
            });
        }
        let now = Timestamp::now();
        let sent_at = sent_at.unwrap_or(now);
        if sent_at > now + jiff::SignedDuration::from_mins(5) {
            return Err(Invalid::new("sent_at", Rule::InstantInFuture).into());
        }
        let imy_reference = ombud_domain::text::optional_text(
            "imy_reference",
            imy_reference.as_deref(),
            ombud_domain::register::breach::LINE_MAX,
        )?;
        let c = contacts(&self.store, current.controller_id.as_ref()).await?;
        let mut after = current.clone();
        let phase = after.details.next_phase();
        let text = imy_notice(&notice_facts(&after.details, &c, phase, sent_at), Lang::Sv);
        after.details.record_imy_notice(ImyNoticeSent {
            phase: match phase {
                Phase::First => 0,
                Phase::Supplement(n) => n,
            },
            sent_at,
            recorded_by: caller.user.name.clone(),
            text,
        })?;
        if imy_reference.is_some() {
            after.details.imy_reference = imy_reference;
        }
        parse::revalidate::<Breaches>(&after.details)?;
        let saved = w
            .save::<Breaches>(&grant, &current, after, &caller.principal)
            .await?;
        w.commit().await?;
        Ok(saved)
    }

    /// A document of a breach as a PDF, typeset off the async threads: a notification as it was
    /// sent (in Swedish, as IMY received it), the draft of the next, or the letter.
    pub async fn breach_pdf(
        &self,
        caller: &Caller,
        id: &str,
        which: BreachDocument,
    ) -> Result<crate::sheets::ExportFile> {
        let lang = caller.lang;
        let docs = self.breach_documents(caller, id).await?;
        let (title, body, stem, doc_lang) = match which {
            BreachDocument::Notice(Some(phase)) => {
                let sent = docs
                    .sent
                    .iter()
                    .find(|n| n.phase == phase)
                    .ok_or(AppError::NotFound)?;
                (
                    notice_title(sent.phase(), Lang::Sv),
                    sent.text.clone(),
                    format!("anmalan-imy-{phase}"),
                    Lang::Sv,
                )
            }
            BreachDocument::Notice(None) => (
                notice_title(docs.phase, lang),
                docs.notice.clone(),
                "anmalan-imy-utkast".to_string(),
                lang,
            ),
            BreachDocument::Letter => (
                docs.letter.lines().next().unwrap_or_default().to_string(),
                docs.letter.clone(),
                "brev-till-registrerade".to_string(),
                lang,
            ),
        };
        crate::text_pdf(
            caller,
            doc_lang,
            title,
            docs.controller.clone().unwrap_or_default(),
            &body,
            format!("{stem}.pdf"),
        )
        .await
    }
}

/// The heading of a notification in its phase.
pub fn notice_title(phase: Phase, lang: Lang) -> String {
    match (phase, lang) {
        (Phase::First, Lang::Sv) => "Anmälan av personuppgiftsincident till IMY".into(),
        (Phase::First, Lang::En) => "Notification of a personal data breach to IMY".into(),
        (Phase::Supplement(n), Lang::Sv) => {
            format!("Komplettering {n} av anmälan om personuppgiftsincident till IMY")
        }
        (Phase::Supplement(n), Lang::En) => {
            format!("Supplement {n} to the notification of a personal data breach to IMY")
        }
    }
}

impl App {
    /// The breach figures the annual report quotes for an organisation's subtree and one year (by
    /// the Stockholm calendar year of awareness): documented, judged reportable, notified within 72
    /// hours, the time to notification, by type and cause.
    pub async fn breach_figures(
        &self,
        caller: &Caller,
        organisation_id: &str,
        year: i16,
    ) -> Result<ombud_domain::breach::figures::YearFigures> {
        use ombud_domain::breach::figures::{BreachSummary, figures};
        use ombud_domain::breach::{BreachType, Cause};
        let org = self
            .organisation_for_reading(caller, organisation_id)
            .await?;
        caller
            .principal
            .authorize(Action::Read(Breaches::KIND), &org.scope())?;
        let all = self.store.all_within::<Breaches>(&org).await?;
        let summaries: Vec<BreachSummary> = all
            .iter()
            .filter_map(|r| {
                let d = &r.details;
                let proposal = d.risk_category().map(|c| c.proposal().except(d.art34()));
                let notified = r.status.as_deref()
                    == Some(ombud_domain::register::breach::ANMALD_IMY)
                    || d.imy_notified_at.is_some();
                Some(BreachSummary {
                    aware_at: d.aware_at?,
                    reportable_imy: notified || proposal.is_some_and(|p| p.notify_imy),
                    reportable_subjects: proposal.is_some_and(|p| p.inform_subjects),
                    notified_imy_at: d.imy_notified_at,
                    types: d
                        .breach_types
                        .iter()
                        .filter_map(|t| BreachType::parse(t))
                        .collect(),
                    cause: d.cause.as_deref().and_then(Cause::parse),
                })
            })
            .collect();
        Ok(figures(&summaries, year))
    }
}
