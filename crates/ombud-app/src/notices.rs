//! Telling another controller in the city of a breach that touches its data, and that controller's
//! inbox (see `ombud_domain::breach::shared` for what is shared and what is not).
//!
//! A notice is sent by those who handle the breach, to controllers of this Ombud other than its own.
//! Those at the recipient who handle breaches for the whole controller (a role held at the
//! controller itself, not only at a unit under it) are told by e-mail at once and read the notice in
//! their inbox; their first reading is recorded, and the sender sees when. They may register the
//! breach as their own, aware from when they were told. They never reach the sender's breach: the
//! notice is all they see of it.

use crate::{App, AppError, Caller, Organisation, Result, Stored};
use ombud_domain::authz::Action;
use ombud_domain::breach::SharedFacts;
use ombud_domain::breach::shared::check_recipients;
use ombud_domain::ids::RecordId;
use ombud_domain::kernel::{Descriptor, Kind, parse};
use ombud_domain::register::breach::{BreachDetails, Breaches};
use ombud_domain::{Invalid, Lang, Rule};
use ombud_store::WriteTx;
use ombud_store::notices::{NewNotice, Notice};
use ombud_store::outbox::Mail;

pub use ombud_store::notices::Notice as BreachNotice;

/// A controller a notice may be sent to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControllerChoice {
    pub id: String,
    pub name: String,
}

/// A breach's notices as its handlers see them: those sent, the controllers one may be sent to, and
/// what a notice would share now.
#[derive(Debug, Clone)]
pub struct SentNotices {
    pub breach: Stored<BreachDetails>,
    pub sent: Vec<Notice>,
    pub controllers: Vec<ControllerChoice>,
    pub may_send: bool,
    pub shared_now: SharedFacts,
}

/// How a recipient reads who told them: "Controller (unit)", or the controller alone.
pub(crate) async fn sender_name(w: &mut WriteTx<'_>, from: &Organisation) -> Result<String> {
    Ok(match from.controller_id.as_deref() {
        Some(c) if c != from.id => {
            let controller = w.organisation(c).await?;
            format!("{} ({})", controller.name, from.name)
        }
        _ => from.name.clone(),
    })
}

impl App {
    /// The notices sent from a breach the caller reads, with what is needed to send another.
    pub async fn sent_notices(&self, caller: &Caller, breach_id: &str) -> Result<SentNotices> {
        let id = RecordId::parse(breach_id).ok_or(AppError::NotFound)?;
        let breach = self.store.record::<Breaches>(&id).await?;
        caller
            .principal
            .authorize(Action::Read(Kind::Breach), &breach.scope())
            .map_err(|_| AppError::NotFound)?;
        let may_send = caller
            .principal
            .can(Action::Edit(Kind::Breach), &breach.scope());
        let sent = self.store.notices_of_breach(id.as_str()).await?;
        let own = breach
            .controller_id
            .as_ref()
            .map(|c| c.as_str().to_string());
        // The names of a city's boards and companies are public; a notice needs them to be addressed.
        let controllers = self
            .store
            .controllers()
            .await?
            .into_iter()
            .filter(|o| Some(&o.id) != own.as_ref() && !o.is_archived())
            .map(|o| ControllerChoice {
                id: o.id,
                name: o.name,
            })
            .collect();
        let shared_now = SharedFacts::of(&breach.details, None)?;
        Ok(SentNotices {
            breach,
            sent,
            controllers,
            may_send,
            shared_now,
        })
    }

    /// Sends a notice of a breach to each of the controllers named, with the sender's note; each
    /// recipient's breach handlers are told by e-mail in the same transaction.
    pub async fn send_breach_notices(
        &self,
        caller: &Caller,
        breach_id: &str,
        controller_ids: &[String],
        message: Option<&str>,
    ) -> Result<Vec<Notice>> {
        let id = RecordId::parse(breach_id).ok_or(AppError::NotFound)?;
        let actor = caller.actor();
        let mut w = WriteTx::begin(&self.store, &actor).await?;
        let breach = w.record::<Breaches>(&id).await?;
        caller
            .principal
            .authorize(Action::Read(Kind::Breach), &breach.scope())
            .map_err(|_| AppError::NotFound)?;
        let grant = caller
            .principal
            .authorize(Action::Edit(Kind::Breach), &breach.scope())?;
        let own = breach.controller_id.as_ref().map(|c| c.as_str());
        let to_ids = check_recipients(controller_ids, own)?;
        let facts = SharedFacts::of(&breach.details, message)?;
        let from = w.organisation(breach.organisation_id.as_str()).await?;
        let from_name = sender_name(&mut w, &from).await?;
        let mut out = Vec::with_capacity(to_ids.len());
        for to_id in &to_ids {
            let to = match w.organisation(to_id).await {
                Ok(o) if o.controller && !o.is_archived() => o,
                Ok(_) | Err(ombud_store::StoreError::NotFound) => {
                    return Err(Invalid::new("controller_ids", Rule::UnknownReference).into());
                }
                Err(e) => return Err(e.into()),
            };
            let notice = w
                .send_notice(
                    &grant,
                    NewNotice {
                        breach_id: id.as_str(),
                        breach_scope: breach.scope(),
                        from: &from,
                        from_name: from_name.clone(),
                        to: &to,
                        sent_by_email: Some(caller.user.email.clone()),
                        facts: facts.clone(),
                    },
                )
                .await?;
            self.tell_recipient(&mut w, &to, &notice).await?;
            out.push(notice);
        }
        w.commit().await?;
        Ok(out)
    }

    /// Queues the e-mail that tells a recipient's breach handlers of a notice: it names the sender
    /// and links to the inbox, and carries none of the facts (which may hold personal data).
    async fn tell_recipient(
        &self,
        w: &mut WriteTx<'_>,
        to: &Organisation,
        notice: &Notice,
    ) -> Result<()> {
        let deadline = ombud_domain::time::from_storage(&notice.sent_at)
            .map(ombud_domain::breach::shared::their_deadline);
        // Within the controller, the path from the top reaches only the controller itself: those
        // told are those who read its inbox.
        for p in crate::breaches::recipients(&self.store, &to.path, Some(to.id.as_str())).await? {
            w.queue_mail(Mail {
                dedupe_key: format!("breach-notice:{}:{}", notice.id, p.user_id),
                to_address: p.email,
                to_name: p.name,
                subject: format!(
                    "Underrättelse om personuppgiftsincident från {}",
                    notice.from_name
                ),
                body: format!(
                    "{from} har underrättat {to} om en personuppgiftsincident som kan beröra era personuppgifter.\n\n\
                     Underrättad: {sent}\n\
                     Om incidenten är anmälningspliktig för er ska den anmälas till IMY senast: {deadline} (72 timmar efter att ni underrättades).\n\n\
                     Läs underrättelsen i Ombud och registrera incidenten hos er: {url}/incidenter/inkorg/{id}\n",
                    from = notice.from_name,
                    to = to.name,
                    sent = ombud_domain::time::display_local(&notice.sent_at),
                    deadline = deadline
                        .map(ombud_domain::breach::clock::display_stockholm)
                        .unwrap_or_else(|| "–".into()),
                    url = self.config.public_url.trim_end_matches('/'),
                    id = notice.id,
                ),
                lang: Lang::Sv,
                organisation_id: Some(to.id.clone()),
                not_before: None,
            })
            .await?;
        }
        Ok(())
    }

    /// The controllers whose breach inbox the caller reads: those where they may read breaches at
    /// the controller itself.
    async fn inbox_controllers(&self, caller: &Caller) -> Result<Vec<Organisation>> {
        Ok(self
            .store
            .controllers()
            .await?
            .into_iter()
            .filter(|o| caller.principal.can(Action::Read(Kind::Breach), &o.scope()))
            .collect())
    }

    /// The notices to the controllers whose inbox the caller reads: unread first, then newest.
    pub async fn breach_inbox(&self, caller: &Caller) -> Result<Vec<Notice>> {
        // Every start page asks: most people read breaches nowhere, and cost no query.
        if !self.reads_anywhere(caller, Kind::Breach) {
            return Ok(Vec::new());
        }
        let ids: Vec<String> = self
            .inbox_controllers(caller)
            .await?
            .into_iter()
            .map(|o| o.id)
            .collect();
        Ok(self.store.notices_to(&ids).await?)
    }

    /// Opens a notice in the recipient's inbox: its first reading there is recorded (the sender
    /// sees when). A notice to a controller whose inbox the caller does not read does not exist.
    pub async fn open_breach_notice(&self, caller: &Caller, id: &str) -> Result<Notice> {
        if !ombud_domain::ids::is_well_formed(id) {
            return Err(AppError::NotFound);
        }
        let notice = self.store.notice(id).await?;
        let to = self.store.organisation(&notice.to_controller_id).await?;
        let grant = caller
            .principal
            .authorize(Action::Read(Kind::Breach), &to.scope())
            .map_err(|_| AppError::NotFound)?;
        if notice.read_at.is_some() {
            return Ok(notice);
        }
        let actor = caller.actor();
        let mut w = WriteTx::begin(&self.store, &actor).await?;
        let current = w.notice(id).await?;
        let read = w.mark_notice_read(&grant, &to.scope(), current).await?;
        w.commit().await?;
        Ok(read)
    }

    /// Registers the breach a notice tells of as the recipient's own, in the recipient controller:
    /// aware from when the notice was sent, so that their 72 hours run from it. The people who must
    /// act are told and the reminders scheduled, as for any report. A notice is registered once.
    pub async fn register_breach_notice(
        &self,
        caller: &Caller,
        id: &str,
    ) -> Result<Stored<BreachDetails>> {
        if !ombud_domain::ids::is_well_formed(id) {
            return Err(AppError::NotFound);
        }
        let actor = caller.actor();
        let mut w = WriteTx::begin(&self.store, &actor).await?;
        let notice = w.notice(id).await?;
        let to = w.organisation(&notice.to_controller_id).await?;
        let read = caller
            .principal
            .authorize(Action::Read(Kind::Breach), &to.scope())
            .map_err(|_| AppError::NotFound)?;
        let create = caller
            .principal
            .authorize(Action::Create(Kind::Breach), &to.scope())?;
        if let Some(theirs) = &notice.registered_breach_id {
            tracing::debug!(breach = %theirs, "notice registered already");
            return Err(AppError::Conflict("notice_already_registered"));
        }
        if to.is_archived() {
            return Err(AppError::Conflict("organisation_archived"));
        }
        let told_at = ombud_domain::time::from_storage(&notice.sent_at)
            .ok_or_else(|| AppError::Internal("a notice without its time".into()))?;
        let mut details = notice.facts.registered(told_at, &notice.from_name);
        Breaches::on_create(
            &mut details,
            caller.user.id.as_str(),
            &caller.user.name,
            w.now(),
        );
        let valid = parse::revalidate::<Breaches>(&details)?;
        let r = w
            .insert::<Breaches>(&create, &to, valid, None, &caller.principal)
            .await?;
        crate::breaches::reported(self, &mut w, &r).await?;
        let notice = w.mark_notice_read(&read, &to.scope(), notice).await?;
        w.set_notice_breach(&create, &to.scope(), &notice, r.id.as_str())
            .await?;
        w.commit().await?;
        Ok(r)
    }
}
